/**
 * A stand-in for the `vscode` module, so that modules which draw in the editor can be
 * tested under plain Node. Only what those modules touch is here; it records calls.
 */
import Module = require('node:module');

export class Range {
    constructor(
        public readonly startLine: number,
        public readonly startCharacter: number,
        public readonly endLine: number,
        public readonly endCharacter: number,
    ) {}
}

export interface FakeDecorationType {
    index: number;
    options: Record<string, unknown>;
    disposed: boolean;
    dispose(): void;
}

const visibleEditorListeners: ((editors: unknown[]) => void)[] = [];
const decorationTypes: FakeDecorationType[] = [];

export const vscode = {
    Range,
    OverviewRulerLane: { Left: 1, Center: 2, Right: 4, Full: 7 },
    DecorationRangeBehavior: { OpenOpen: 0, ClosedClosed: 1, OpenClosed: 2, ClosedOpen: 3 },
    window: {
        visibleTextEditors: [] as unknown[],
        createTextEditorDecorationType(options: Record<string, unknown>): FakeDecorationType {
            const type: FakeDecorationType = {
                index: decorationTypes.length,
                options,
                disposed: false,
                dispose() {
                    this.disposed = true;
                },
            };
            decorationTypes.push(type);
            return type;
        },
        onDidChangeVisibleTextEditors(listener: (editors: unknown[]) => void) {
            visibleEditorListeners.push(listener);
            return {
                dispose: () => {
                    const index = visibleEditorListeners.indexOf(listener);
                    if (index >= 0) {
                        visibleEditorListeners.splice(index, 1);
                    }
                },
            };
        },
    },
};

/** Shows `editors` as the visible ones and fires the change event. */
export function showEditors(editors: unknown[]): void {
    vscode.window.visibleTextEditors = editors;
    for (const listener of [...visibleEditorListeners]) {
        listener(editors);
    }
}

export interface SetDecorationsCall {
    type: FakeDecorationType;
    options: { range: Range; renderOptions?: { after?: { contentText?: string } }; hoverMessage?: string }[];
}

/** A text editor whose `setDecorations` calls are recorded. */
export function fakeEditor(uri: string, lines: string[], version: number) {
    const calls: SetDecorationsCall[] = [];
    const document = {
        uri: { toString: () => uri },
        version,
        lineCount: lines.length,
        lineAt: (line: number) => ({ range: { end: { character: lines[line].length } } }),
        getText: () => lines.join('\n'),
    };
    return {
        document,
        calls,
        setDecorations(type: FakeDecorationType, options: SetDecorationsCall['options']) {
            calls.push({ type, options });
        },
    };
}

type Loader = (request: string, parent: unknown, isMain: boolean) => unknown;
const moduleWithLoad = Module as unknown as { _load: Loader };
const load = moduleWithLoad._load;
moduleWithLoad._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? vscode : load.call(this, request, parent, isMain);
};
