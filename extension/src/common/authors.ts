/**
 * "CodeCRDT: Show Authors": who wrote each line, as decorations that the command toggles.
 * The ranges come from the server's `codecrdt.blame` (any LSP client can ask for them):
 * each run of text with its author, an agent (its id, role, run and TODO) or the user.
 * Lines an agent wrote get a coloured bar in the gutter side and, on the first line of
 * each stretch, a label ("◀ impl-2 · parse_args · run-3"); the user's lines stay plain.
 */
import * as vscode from 'vscode';
import { labelColour, paletteIndex, PALETTE } from './decorations';

export interface BlameAuthor {
    kind: 'agent' | 'user';
    agent: string;
    role: string;
    run: string;
    todo: string;
}

export interface BlameRange {
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    author: BlameAuthor;
}

export interface BlameResult {
    uri: string;
    /** The editor version the ranges hold for; null while the server's text is ahead. */
    version: number | null;
    ranges: BlameRange[];
}

export interface AuthorDecoration {
    /** Index into PALETTE. */
    colour: number;
    startLine: number;
    /** Inclusive. */
    endLine: number;
    /** Shown after the first line of the stretch. */
    label: string;
    /** The hover text. */
    hover: string;
}

export function authorLabel(author: BlameAuthor): string {
    const parts = [author.agent];
    if (author.todo) {
        parts.push(author.todo);
    }
    if (author.run) {
        parts.push(author.run);
    }
    return `  ◀ ${parts.join(' · ')}`;
}

export function authorHover(author: BlameAuthor): string {
    if (author.kind === 'user') {
        return 'Written by you (not a CodeCRDT agent)';
    }
    const where = [author.role, author.run, author.todo ? `TODO ${author.todo}` : ''].filter(Boolean).join(', ');
    return `Written by ${author.agent} (${where})`;
}

/**
 * The decorations for a blame result, or undefined when its ranges are not for
 * `documentVersion`. A line counts as an agent's when an agent wrote some of its text
 * (not only its line break); consecutive lines of the same agent, run and TODO form one
 * stretch. Colours follow the order in which authors first appear.
 */
export function planAuthorDecorations(result: BlameResult, documentVersion: number): AuthorDecoration[] | undefined {
    if (result.version === null || result.version !== documentVersion) {
        return undefined;
    }
    const lineAuthor = new Map<number, BlameAuthor>();
    for (const entry of result.ranges) {
        if (entry.author.kind !== 'agent') {
            continue;
        }
        const { start, end } = entry.range;
        // A range that ends at character 0 of a line holds only the line break before it.
        const last = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
        for (let line = start.line; line <= last; line++) {
            if (!lineAuthor.has(line)) {
                lineAuthor.set(line, entry.author);
            }
        }
    }
    const colours = new Map<string, number>();
    const planned: AuthorDecoration[] = [];
    for (const line of [...lineAuthor.keys()].sort((a, b) => a - b)) {
        const author = lineAuthor.get(line)!;
        const who = `${author.run}/${author.agent}`;
        if (!colours.has(who)) {
            colours.set(who, paletteIndex(colours.size));
        }
        const previous = planned[planned.length - 1];
        if (previous && previous.endLine === line - 1 && previous.hover === authorHover(author)) {
            previous.endLine = line;
            continue;
        }
        planned.push({ colour: colours.get(who)!, startLine: line, endLine: line, label: authorLabel(author), hover: authorHover(author) });
    }
    return planned;
}

/** Fetches the authors of a document. */
export type BlameSource = (uri: string) => Promise<BlameResult>;

export class AuthorDecorations implements vscode.Disposable {
    private readonly types: vscode.TextEditorDecorationType[];
    /** The documents whose authors are shown. */
    private readonly shown = new Set<string>();

    constructor(private readonly blame: BlameSource) {
        this.types = PALETTE.map((_, i) =>
            vscode.window.createTextEditorDecorationType({
                isWholeLine: true,
                borderColor: labelColour(i),
                borderStyle: 'solid',
                borderWidth: '0 0 0 3px',
                after: { color: labelColour(i), fontStyle: 'italic', margin: '0 0 0 2em' },
                rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
            }),
        );
    }

    isShown(uri: string): boolean {
        return this.shown.has(uri);
    }

    /** Shows the authors in `editor`, or hides them if they are shown; returns whether shown. */
    async toggle(editor: vscode.TextEditor): Promise<boolean> {
        const uri = editor.document.uri.toString();
        if (this.shown.has(uri)) {
            this.shown.delete(uri);
            this.draw(editor, []);
            return false;
        }
        this.shown.add(uri);
        await this.refresh(editor);
        return true;
    }

    /** Draws the authors again (after a run on a document whose authors are shown). */
    async refresh(editor: vscode.TextEditor): Promise<void> {
        const uri = editor.document.uri.toString();
        if (!this.shown.has(uri)) {
            return;
        }
        for (let attempt = 0; attempt < 20; attempt++) {
            const result = await this.blame(uri);
            const planned = planAuthorDecorations(result, editor.document.version);
            if (planned !== undefined) {
                this.draw(editor, planned);
                return;
            }
            // The editor has not applied the agents' last edits yet: ask again shortly.
            await new Promise((resolve) => setTimeout(resolve, 100));
        }
    }

    private draw(editor: vscode.TextEditor, planned: AuthorDecoration[]): void {
        const byColour: vscode.DecorationOptions[][] = this.types.map(() => []);
        for (const p of planned) {
            const end = editor.document.lineAt(p.endLine).range.end.character;
            byColour[p.colour].push({ range: new vscode.Range(p.startLine, 0, p.endLine, end), hoverMessage: p.hover });
            const first = editor.document.lineAt(p.startLine).range.end.character;
            byColour[p.colour].push({
                range: new vscode.Range(p.startLine, first, p.startLine, first),
                renderOptions: { after: { contentText: p.label } },
            });
        }
        this.types.forEach((type, i) => editor.setDecorations(type, byColour[i]));
    }

    dispose(): void {
        for (const type of this.types) {
            type.dispose();
        }
        this.shown.clear();
    }
}
