import { fakeEditor, showEditors, vscode, type FakeDecorationType } from './support/vscode';
import * as assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import {
    AgentDecorations,
    AgentIndices,
    agentLabel,
    backgroundColour,
    BACKGROUND_ALPHA,
    labelColour,
    PALETTE,
    paletteIndex,
    markerLineIn,
    planDecorations,
} from '../src/common/decorations';
import { MARKER_SYNTAX, markerTag, type CommentForm } from '../src/common/markers';
import type { AgentActivity, AgentActivityParams } from '../src/common/runs';

const URI = 'file:///w/app.py';

function agent(id: string, state: AgentActivity['state'], todo: string | null, lines: [number, number] | null): AgentActivity {
    return {
        id,
        role: id === 'outliner' ? 'outliner' : 'implementer',
        state,
        todo,
        range: lines && { start: { line: lines[0], character: 0 }, end: { line: lines[1], character: 0 } },
    };
}

function activity(version: number | null, agents: AgentActivity[], runId = 'r1'): AgentActivityParams {
    return { runId, uri: URI, version, agents };
}

describe('agent colours and labels', () => {
    it('takes colours from a fixed palette by agent index, with a translucent background', () => {
        assert.equal(paletteIndex(0), 0);
        assert.equal(paletteIndex(PALETTE.length + 2), 2);
        const [r, g, b] = PALETTE[1];
        assert.equal(backgroundColour(1), `rgba(${r}, ${g}, ${b}, ${BACKGROUND_ALPHA})`);
        assert.equal(labelColour(1), `rgb(${r}, ${g}, ${b})`);
        assert.ok(BACKGROUND_ALPHA > 0 && BACKGROUND_ALPHA < 0.5);
        assert.equal(new Set(PALETTE.map((c) => c.join())).size, PALETTE.length);
    });

    it('labels an agent with its name, state and TODO', () => {
        assert.equal(agentLabel({ id: 'impl-2', state: 'writing', todo: 'parse_args' }), '  ◀ impl-2 writing parse_args');
        assert.equal(agentLabel({ id: 'impl-1', state: 'backing-off', todo: 'main' }), '  ◀ impl-1 backing-off main');
        assert.equal(agentLabel({ id: 'outliner', state: 'writing', todo: null }), '  ◀ outliner writing');
    });

    it('gives each agent of a run a stable index in order of first appearance', () => {
        const indices = new AgentIndices();
        assert.equal(indices.indexOf('r1', 'outliner'), 0);
        assert.equal(indices.indexOf('r1', 'impl-1'), 1);
        assert.equal(indices.indexOf('r1', 'impl-2'), 2);
        assert.equal(indices.indexOf('r1', 'impl-1'), 1);
        assert.equal(indices.indexOf('r2', 'impl-2'), 0);
        indices.forget('r1');
        assert.equal(indices.indexOf('r1', 'impl-2'), 0);
    });
});

describe('planning decorations', () => {
    it('skips an update whose ranges are for another document version', () => {
        const update = activity(7, [agent('impl-1', 'writing', 'a', [2, 4])]);
        assert.equal(planDecorations(update, 8, 20, new AgentIndices()), undefined);
        assert.equal(planDecorations(activity(null, update.agents), 7, 20, new AgentIndices()), undefined);
        assert.ok(planDecorations(update, 7, 20, new AgentIndices()));
    });

    it('plans whole lines from the range start to its marker line, labelled, one colour per agent', () => {
        const update = activity(3, [
            agent('outliner', 'done', null, null),
            agent('impl-1', 'writing', 'parse_args', [4, 9]),
            agent('impl-2', 'waiting', null, null),
            agent('impl-3', 'backing-off', 'main', [12, 12]),
        ]);
        assert.deepEqual(planDecorations(update, 3, 30, new AgentIndices()), [
            { colour: 1, startLine: 4, endLine: 9, label: '  ◀ impl-1 writing parse_args' },
            { colour: 3, startLine: 12, endLine: 12, label: '  ◀ impl-3 backing-off main' },
        ]);
    });

    it('places a region for an older version again on its marker line in the current text', () => {
        const update = activity(7, [
            agent('impl-1', 'writing', 'a', [2, 4]),
            agent('impl-2', 'writing', 'gone', [6, 7]),
        ]);
        const text = 'x\nx\nx\nx\nx\nx\nx\nx\n    # TODO(codecrdt:a): thing\nx\n';
        assert.equal(markerLineIn(text)('a'), 8);
        assert.equal(markerLineIn(text)('gone'), undefined);
        // The document moved on to version 9: impl-1's two written lines now end at line 8.
        assert.deepEqual(planDecorations(update, 9, 10, new AgentIndices(), markerLineIn(text)), [
            { colour: 0, startLine: 6, endLine: 8, label: '  ◀ impl-1 writing a' },
        ]);
    });

    it('finds a marker line in every comment form the server writes or reads', () => {
        const line = (form: CommentForm, name: string): string => {
            const body = `${markerTag(name)}: the work`;
            return form.close ? `${form.open} ${body} ${form.close}` : `${form.open} ${body}`;
        };
        const written = Object.values(MARKER_SYNTAX.languages).flatMap((l) => (l.jsx ? [l.line, l.jsx] : [l.line]));
        for (const form of [...written, ...MARKER_SYNTAX.readOnly]) {
            const text = `first\n  ${line(form, 'other')}\n\n    ${line(form, 'x-1')}\nlast\n`;
            assert.equal(markerLineIn(text)('x-1'), 3, text);
            assert.equal(markerLineIn(text)('other'), 1, text);
            assert.equal(markerLineIn(text)('x'), undefined, text);
        }
        const hinted = 'first\n  // TODO(codecrdt:x-1 ~40 lines): the work\n// TODO(codecrdt:x ~3 lines): more\n';
        assert.equal(markerLineIn(hinted)('x-1'), 1);
        assert.equal(markerLineIn(hinted)('x'), 2);
    });

    it('keeps ranges inside the document', () => {
        const update = activity(1, [agent('impl-1', 'writing', 'x', [8, 15])]);
        assert.deepEqual(planDecorations(update, 1, 10, new AgentIndices()), [
            { colour: 0, startLine: 8, endLine: 9, label: '  ◀ impl-1 writing x' },
        ]);
    });
});

describe('AgentDecorations in editors', () => {
    const lines = Array.from({ length: 12 }, (_, i) => `line ${i}`);
    let decorations: AgentDecorations;

    beforeEach(() => {
        showEditors([]);
        decorations = new AgentDecorations();
    });

    afterEach(() => decorations.dispose());

    /** The options drawn per palette colour in the editor's last full redraw. */
    function lastDraw(editor: ReturnType<typeof fakeEditor>) {
        const recent = editor.calls.slice(-PALETTE.length);
        assert.equal(recent.length, PALETTE.length);
        return recent.map((call) => call.options);
    }

    it('draws each agent in its colour with its label at the end of its last line', () => {
        const editor = fakeEditor(URI, lines, 5);
        showEditors([editor]);
        decorations.update(activity(5, [agent('impl-1', 'writing', 'parse_args', [2, 4]), agent('impl-2', 'writing', 'main', [6, 7])]));
        const drawn = lastDraw(editor);
        assert.equal(drawn[0].length, 1);
        assert.deepEqual(drawn[0][0].range, new vscode.Range(2, 0, 4, 'line 4'.length));
        assert.equal(drawn[0][0].renderOptions?.after?.contentText, '  ◀ impl-1 writing parse_args');
        assert.equal(drawn[1][0].renderOptions?.after?.contentText, '  ◀ impl-2 writing main');
        assert.deepEqual(
            drawn.slice(2).map((o) => o.length),
            Array(PALETTE.length - 2).fill(0),
        );
        const types = editor.calls.map((c) => c.type as FakeDecorationType);
        assert.equal(types[0].options.isWholeLine, true);
        assert.equal(types[0].options.backgroundColor, backgroundColour(0));
    });

    it('draws nothing for an older version whose TODO marker is not in the text', () => {
        const editor = fakeEditor(URI, lines, 6);
        showEditors([editor]);
        decorations.update(activity(5, [agent('impl-1', 'writing', 'parse_args', [2, 4])]));
        assert.ok(editor.calls.every((call) => call.options.length === 0));
    });

    it('ignores other documents, clears on the run’s end, and redraws in editors opened later', () => {
        const other = fakeEditor('file:///w/other.py', lines, 5);
        const editor = fakeEditor(URI, lines, 5);
        showEditors([other]);
        decorations.update(activity(5, [agent('impl-1', 'writing', 'x', [1, 2])]));
        assert.equal(other.calls.length, 0);

        showEditors([other, editor]);
        // Nothing was drawn yet for URI: its editor was not visible at the update.
        assert.equal(editor.calls.length, 0);
        decorations.update(activity(5, [agent('impl-1', 'writing', 'x', [1, 2])]));
        assert.equal(lastDraw(editor)[0].length, 1);

        const reopened = fakeEditor(URI, lines, 5);
        showEditors([reopened]);
        assert.equal(lastDraw(reopened)[0].length, 1);

        decorations.clear(URI, 'r1');
        assert.ok(lastDraw(reopened).every((options) => options.length === 0));
    });

    it('disposes its decoration types', () => {
        const editor = fakeEditor(URI, lines, 1);
        showEditors([editor]);
        decorations.update(activity(1, [agent('impl-1', 'writing', 'x', [0, 1])]));
        const type = editor.calls[0].type as FakeDecorationType;
        decorations.dispose();
        assert.equal(type.disposed, true);
    });
});
