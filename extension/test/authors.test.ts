import { fakeEditor, showEditors, vscode } from './support/vscode';
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
    AuthorDecorations,
    authorHover,
    authorLabel,
    planAuthorDecorations,
    type BlameAuthor,
    type BlameRange,
    type BlameResult,
} from '../src/common/authors';
import { PALETTE } from '../src/common/decorations';

const URI = 'file:///w/shapes.py';
const USER: BlameAuthor = { kind: 'user', agent: '', role: '', run: '', todo: '' };

function impl(agent: string, todo: string, run = 'run-3'): BlameAuthor {
    return { kind: 'agent', agent, role: 'implementer', run, todo };
}

function span(startLine: number, startCharacter: number, endLine: number, endCharacter: number, author: BlameAuthor): BlameRange {
    return { range: { start: { line: startLine, character: startCharacter }, end: { line: endLine, character: endCharacter } }, author };
}

/** A blame of 10 lines: the user's skeleton, two bodies by two agents, a word the user typed in one. */
function blame(version: number | null): BlameResult {
    return {
        uri: URI,
        version,
        ranges: [
            span(0, 0, 2, 0, USER),
            span(2, 0, 4, 0, impl('impl-1', 'circle_area')), // lines 2-3, ending with line 3's break
            span(4, 0, 5, 4, USER),
            span(5, 4, 5, 10, impl('impl-2', 'rect_area')), // part of line 5
            span(5, 10, 6, 0, USER),
            span(6, 0, 7, 0, impl('impl-2', 'rect_area')),
            span(7, 0, 9, 0, impl('impl-2', 'main_body')),
            span(9, 0, 10, 0, USER),
        ],
    };
}

describe('author labels and hovers', () => {
    it('names the agent, its TODO and its run, or the user', () => {
        assert.equal(authorLabel(impl('impl-2', 'parse_args')), '  ◀ impl-2 · parse_args · run-3');
        assert.equal(authorLabel({ ...impl('evaluator', ''), role: 'evaluator' }), '  ◀ evaluator · run-3');
        assert.equal(authorHover(impl('impl-2', 'parse_args')), 'Written by impl-2 (implementer, run-3, TODO parse_args)');
        assert.equal(authorHover(USER), 'Written by you (not a CodeCRDT agent)');
    });
});

describe('planning author decorations', () => {
    it('refuses ranges for another version of the document', () => {
        assert.equal(planAuthorDecorations(blame(4), 5), undefined);
        assert.equal(planAuthorDecorations(blame(null), 5), undefined);
    });

    it('marks the lines agents wrote, one stretch per agent and TODO, the user lines plain', () => {
        const planned = planAuthorDecorations(blame(5), 5)!;
        assert.deepEqual(
            planned.map((p) => [p.startLine, p.endLine, p.colour, p.label]),
            [
                [2, 3, 0, '  ◀ impl-1 · circle_area · run-3'],
                [5, 6, 1, '  ◀ impl-2 · rect_area · run-3'],
                [7, 8, 1, '  ◀ impl-2 · main_body · run-3'],
            ],
        );
        assert.equal(planned[2].hover, 'Written by impl-2 (implementer, run-3, TODO main_body)');
    });

    it('gives the same agent of two runs two colours', () => {
        const result: BlameResult = {
            uri: URI,
            version: 1,
            ranges: [span(0, 0, 1, 0, impl('impl-1', 'a', 'run-1')), span(1, 0, 2, 0, impl('impl-1', 'b', 'run-2'))],
        };
        assert.deepEqual(
            planAuthorDecorations(result, 1)!.map((p) => p.colour),
            [0, 1],
        );
    });
});

describe('AuthorDecorations in an editor', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i}`);
    let asked: string[];
    let decorations: AuthorDecorations;

    beforeEach(() => {
        showEditors([]);
        asked = [];
        decorations = new AuthorDecorations(async (uri) => {
            asked.push(uri);
            return blame(5);
        });
    });

    afterEach(() => decorations.dispose());

    it('toggles: the first call draws the authors, the second takes them away', async () => {
        const editor = fakeEditor(URI, lines, 5);
        showEditors([editor]);
        assert.equal(await decorations.toggle(editor as never), true);
        assert.deepEqual(asked, [URI]);
        const drawn = editor.calls.slice(-PALETTE.length).map((c) => c.options);
        assert.deepEqual(
            drawn[0].map((o) => [o.range, o.hoverMessage ?? o.renderOptions?.after?.contentText]),
            [
                [new vscode.Range(2, 0, 3, 'line 3'.length), 'Written by impl-1 (implementer, run-3, TODO circle_area)'],
                [new vscode.Range(2, 6, 2, 6), '  ◀ impl-1 · circle_area · run-3'],
            ],
        );
        assert.equal(drawn[1].length, 4); // two stretches of impl-2, each a tint and a label
        assert.ok(decorations.isShown(URI));
        assert.equal(await decorations.toggle(editor as never), false);
        assert.ok(editor.calls.slice(-PALETTE.length).every((c) => c.options.length === 0));
        assert.ok(!decorations.isShown(URI));
        assert.deepEqual(asked, [URI]); // hiding asks the server nothing
    });
});
