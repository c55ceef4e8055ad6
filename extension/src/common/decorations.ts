/**
 * Shows, while a run writes, where each agent is writing: its lines tinted with its own
 * colour and a label after them ("◀ impl-2 writing parse_args"). Ranges come from
 * `codecrdt/agentActivity` and are valid in the document version they name; for a later
 * version each region is placed again on its TODO's marker line in the current text.
 */
import * as vscode from 'vscode';
import { markerTagPattern } from './markers';
import type { AgentActivity, AgentActivityParams } from './runs';

/** Fixed colours, by agent index (order of first appearance in a run). */
export const PALETTE: readonly [number, number, number][] = [
    [59, 130, 246], // blue
    [245, 158, 11], // amber
    [16, 185, 129], // green
    [239, 68, 68], // red
    [139, 92, 246], // violet
    [236, 72, 153], // pink
    [20, 184, 166], // teal
    [132, 204, 22], // lime
];

export const BACKGROUND_ALPHA = 0.18;

export function paletteIndex(agentIndex: number): number {
    return ((agentIndex % PALETTE.length) + PALETTE.length) % PALETTE.length;
}

export function backgroundColour(agentIndex: number): string {
    const [r, g, b] = PALETTE[paletteIndex(agentIndex)];
    return `rgba(${r}, ${g}, ${b}, ${BACKGROUND_ALPHA})`;
}

export function labelColour(agentIndex: number): string {
    const [r, g, b] = PALETTE[paletteIndex(agentIndex)];
    return `rgb(${r}, ${g}, ${b})`;
}

export function agentLabel(agent: Pick<AgentActivity, 'id' | 'state' | 'todo'>): string {
    const state = agent.state ?? 'working';
    return `  ◀ ${agent.id} ${state}${agent.todo ? ` ${agent.todo}` : ''}`;
}

/** Gives each agent of a run a stable index: the order in which it first appeared. */
export class AgentIndices {
    private readonly byRun = new Map<string, Map<string, number>>();

    indexOf(runId: string, agentId: string): number {
        let agents = this.byRun.get(runId);
        if (!agents) {
            agents = new Map();
            this.byRun.set(runId, agents);
        }
        let index = agents.get(agentId);
        if (index === undefined) {
            index = agents.size;
            agents.set(agentId, index);
        }
        return index;
    }

    forget(runId: string): void {
        this.byRun.delete(runId);
    }
}

export interface PlannedDecoration {
    /** Index into PALETTE. */
    colour: number;
    startLine: number;
    /** Inclusive; the label goes at the end of this line. */
    endLine: number;
    label: string;
}

/**
 * The decorations for one activity update. Ranges are valid in the document version the
 * update names; when the document has moved on (agents keep writing), each region is
 * placed again on its TODO's marker line in the current text (`markerLine`), which is
 * where an agent writes: just above it. Without `markerLine`, an update for another
 * version gives undefined (nothing may be drawn from it).
 */
export function planDecorations(
    params: AgentActivityParams,
    documentVersion: number,
    lineCount: number,
    indices: AgentIndices,
    markerLine?: (todo: string) => number | undefined,
): PlannedDecoration[] | undefined {
    const current = params.version !== null && params.version === documentVersion;
    if (!current && markerLine === undefined) {
        return undefined;
    }
    const planned: PlannedDecoration[] = [];
    for (const agent of params.agents) {
        // Every agent gets its index on first sight, so colours do not shift when one is idle.
        const index = indices.indexOf(params.runId, agent.id);
        if (!agent.range || agent.state === 'done' || agent.state === 'failed') {
            continue;
        }
        const last = Math.max(0, lineCount - 1);
        let start = agent.range.start.line;
        let end = agent.range.end.line;
        if (!current) {
            const anchor = agent.todo ? markerLine?.(agent.todo) : undefined;
            if (anchor === undefined) {
                continue;
            }
            start = anchor - Math.max(0, end - start);
            end = anchor;
        }
        const startLine = clamp(start, 0, last);
        // The range ends at the agent's TODO marker line (character 0): that line is its anchor.
        const endLine = clamp(Math.max(end, startLine), startLine, last);
        planned.push({ colour: paletteIndex(index), startLine, endLine, label: agentLabel(agent) });
    }
    return planned;
}

/**
 * A `markerLine` for `planDecorations` over a text: the line of `TODO(codecrdt:<todo>)`
 * (with or without a size hint).
 */
export function markerLineIn(text: string): (todo: string) => number | undefined {
    return (todo) => {
        const at = text.search(markerTagPattern(todo));
        if (at < 0) {
            return undefined;
        }
        let line = 0;
        for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
            line += 1;
        }
        return line;
    };
}

function clamp(n: number, low: number, high: number): number {
    return Math.min(Math.max(n, low), high);
}

interface Shown {
    version: number;
    planned: PlannedDecoration[];
}

export class AgentDecorations implements vscode.Disposable {
    private readonly types: vscode.TextEditorDecorationType[];
    private readonly indices = new AgentIndices();
    /** By document URI: the last plan drawn, to draw again in editors that open later. */
    private readonly shown = new Map<string, Shown>();
    private readonly subscriptions: vscode.Disposable[] = [];

    constructor() {
        this.types = PALETTE.map((_, i) =>
            vscode.window.createTextEditorDecorationType({
                isWholeLine: true,
                backgroundColor: backgroundColour(i),
                overviewRulerColor: labelColour(i),
                overviewRulerLane: vscode.OverviewRulerLane.Left,
                after: { color: labelColour(i), fontStyle: 'italic', margin: '0 0 0 1em' },
                rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
            }),
        );
        this.subscriptions.push(
            vscode.window.onDidChangeVisibleTextEditors((editors) => {
                for (const editor of editors) {
                    this.redraw(editor);
                }
            }),
        );
    }

    /** Draws an activity update in every visible editor of its document, if versions match. */
    update(params: AgentActivityParams): void {
        const editors = this.editorsOf(params.uri);
        const document = editors[0]?.document;
        if (!document) {
            return;
        }
        const planned = planDecorations(
            params,
            document.version,
            document.lineCount,
            this.indices,
            markerLineIn(document.getText()),
        );
        if (planned === undefined) {
            return;
        }
        this.shown.set(params.uri, { version: document.version, planned });
        for (const editor of editors) {
            this.draw(editor, planned);
        }
    }

    /** The run ended (or was lost): its document loses every agent decoration. */
    clear(uri: string, runId?: string): void {
        this.shown.delete(uri);
        if (runId !== undefined) {
            this.indices.forget(runId);
        }
        for (const editor of this.editorsOf(uri)) {
            this.draw(editor, []);
        }
    }

    clearAll(): void {
        for (const uri of [...this.shown.keys()]) {
            this.clear(uri);
        }
    }

    private redraw(editor: vscode.TextEditor): void {
        const shown = this.shown.get(editor.document.uri.toString());
        if (shown && shown.version === editor.document.version) {
            this.draw(editor, shown.planned);
        }
    }

    private draw(editor: vscode.TextEditor, planned: PlannedDecoration[]): void {
        const byColour: vscode.DecorationOptions[][] = this.types.map(() => []);
        for (const p of planned) {
            const endCharacter = editor.document.lineAt(p.endLine).range.end.character;
            byColour[p.colour].push({
                range: new vscode.Range(p.startLine, 0, p.endLine, endCharacter),
                hoverMessage: p.label.replace('◀', '').trim(),
                renderOptions: { after: { contentText: p.label } },
            });
        }
        this.types.forEach((type, i) => editor.setDecorations(type, byColour[i]));
    }

    private editorsOf(uri: string): vscode.TextEditor[] {
        return vscode.window.visibleTextEditors.filter((e) => e.document.uri.toString() === uri);
    }

    dispose(): void {
        for (const d of [...this.subscriptions, ...this.types]) {
            d.dispose();
        }
    }
}
