/**
 * What the extension knows of the server's runs, from its notifications and its work-done
 * progress: which are writing, how far they are, the last run of each document, and which
 * were lost when the server went down.
 */
import type { RunReport } from './messages';

export interface LspPosition {
    line: number;
    character: number;
}

export interface LspRange {
    start: LspPosition;
    end: LspPosition;
}

export type AgentState = 'waiting' | 'claiming' | 'writing' | 'backing-off' | 'done' | 'failed';

export interface AgentActivity {
    id: string;
    role: string;
    state: AgentState | null;
    todo: string | null;
    /** Valid in the editor's document at the notification's `version`. */
    range: LspRange | null;
}

export interface RunStartedParams {
    runId: string;
    uri: string;
    mode: string;
    agents: number;
}

export interface AgentActivityParams {
    runId: string;
    uri: string;
    /** The editor version the ranges refer to; null when the server has no editor copy. */
    version: number | null;
    agents: AgentActivity[];
}

export interface RunFinishedParams {
    runId: string;
    uri: string;
    report: RunReport | null;
}

export interface RunProgress {
    done: number;
    total: number;
    message: string;
}

export interface TrackedRun {
    runId: string;
    uri: string;
    mode: string;
    agents: number;
    startedAt: number;
    progress?: RunProgress;
    finished: boolean;
}

/** `codecrdt/<runId>`: the work-done progress token the server creates for a run. */
export function runIdOfToken(token: string | number): string | undefined {
    return typeof token === 'string' && token.startsWith('codecrdt/') ? token.slice('codecrdt/'.length) : undefined;
}

/** The counts in a progress message such as "3/8 TODOs; impl-1 writing parse_args". */
export function parseProgressMessage(message: string | undefined): RunProgress | undefined {
    const match = /^(\d+)\/(\d+) TODOs/.exec(message ?? '');
    return match ? { done: Number(match[1]), total: Number(match[2]), message: message ?? '' } : undefined;
}

type Listener = () => void;

export class RunTracker {
    private readonly runs = new Map<string, TrackedRun>();
    private readonly lastByUri = new Map<string, string>();
    private readonly listeners = new Set<Listener>();

    constructor(private readonly now: () => number = Date.now) {}

    /** Called after every change; returns an unsubscribe function. */
    onDidChange(listener: Listener): { dispose(): void } {
        this.listeners.add(listener);
        return { dispose: () => this.listeners.delete(listener) };
    }

    /** A run the extension asked for; runStarted may arrive before or after the reply. */
    started(params: RunStartedParams): TrackedRun {
        const existing = this.runs.get(params.runId);
        const run: TrackedRun = existing ?? {
            ...params,
            startedAt: this.now(),
            finished: false,
        };
        run.mode = params.mode ?? run.mode;
        run.agents = params.agents ?? run.agents;
        this.runs.set(params.runId, run);
        this.lastByUri.set(params.uri, params.runId);
        this.changed();
        return run;
    }

    progress(runId: string, message: string | undefined): void {
        const run = this.runs.get(runId);
        const parsed = parseProgressMessage(message);
        if (run && !run.finished && parsed) {
            run.progress = parsed;
            this.changed();
        }
    }

    /** The finished run, or undefined when it was unknown (started before a restart). */
    finished(params: RunFinishedParams): TrackedRun | undefined {
        const run = this.runs.get(params.runId);
        if (!run || run.finished) {
            return undefined;
        }
        run.finished = true;
        const todos = params.report?.todos;
        if (todos && todos.length > 0) {
            const done = todos.filter((t) => t.status === 'done').length;
            run.progress = { done, total: todos.length, message: '' };
        }
        this.changed();
        return run;
    }

    /** The server went away: every run still writing is lost; they are returned and forgotten. */
    abandonAll(): TrackedRun[] {
        const lost = this.active();
        for (const run of lost) {
            run.finished = true;
        }
        // A new server knows none of the old runs: nothing of theirs can be undone any more.
        this.runs.clear();
        this.lastByUri.clear();
        this.changed();
        return lost;
    }

    active(): TrackedRun[] {
        return [...this.runs.values()].filter((r) => !r.finished);
    }

    activeFor(uri: string): TrackedRun | undefined {
        return this.active().find((r) => r.uri === uri);
    }

    /** The last run started on `uri` in this server's life, finished or not. */
    lastFor(uri: string): TrackedRun | undefined {
        const runId = this.lastByUri.get(uri);
        return runId === undefined ? undefined : this.runs.get(runId);
    }

    get(runId: string): TrackedRun | undefined {
        return this.runs.get(runId);
    }

    private changed(): void {
        for (const listener of [...this.listeners]) {
            listener();
        }
    }
}

/** The status item's text: "CodeCRDT: idle", "CodeCRDT: writing 3/8 TODOs", … */
export function statusText(active: readonly TrackedRun[]): string {
    if (active.length === 0) {
        return 'CodeCRDT: idle';
    }
    const latest = active.reduce((a, b) => (b.startedAt >= a.startedAt ? b : a));
    const more = active.length > 1 ? ` (+${active.length - 1} more)` : '';
    const progress = latest.progress;
    if (latest.mode === 'sequential' || !progress) {
        return `CodeCRDT: writing${more}`;
    }
    if (progress.total === 0) {
        return `CodeCRDT: outlining${more}`;
    }
    return `CodeCRDT: writing ${progress.done}/${progress.total} TODOs${more}`;
}

/** The last path segment of a URI, for messages. */
export function fileNameOf(uri: string): string {
    const path = uri.split(/[?#]/, 1)[0];
    return decodeURIComponent(path.slice(path.lastIndexOf('/') + 1)) || uri;
}
