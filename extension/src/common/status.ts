/**
 * What the user sees of the server and its runs outside the editor text: a language status
 * item and a status bar item ("CodeCRDT: idle", "CodeCRDT: writing 3/8 TODOs"; a click
 * opens the log), and one message per finished or lost run.
 *
 * The per-agent lines and the Cancel button are the server's work-done progress, which the
 * language client shows by itself (see README: "Progress").
 */
import * as vscode from 'vscode';
import { LANGUAGES } from './constants';
import { runsLost, runSummary, type Summary } from './messages';
import { fileNameOf, statusText, type RunFinishedParams, type RunTracker, type TrackedRun } from './runs';

export type ServerState = 'starting' | 'running' | 'stopped' | 'error';

export class StatusItems implements vscode.Disposable {
    private readonly language: vscode.LanguageStatusItem;
    private readonly bar: vscode.StatusBarItem;
    private server: ServerState = 'starting';
    private problem: string | undefined;
    private version: string | undefined;
    private nextRun: string | undefined;

    constructor(private readonly runs: RunTracker) {
        this.language = vscode.languages.createLanguageStatusItem(
            'codecrdt.status',
            LANGUAGES.map((language) => ({ language })),
        );
        this.language.name = 'CodeCRDT';
        this.language.command = { title: 'Show Log', command: 'codecrdt.showLog' };
        this.bar = vscode.window.createStatusBarItem('codecrdt.runs', vscode.StatusBarAlignment.Left, 10);
        this.bar.name = 'CodeCRDT';
        this.bar.command = 'codecrdt.showLog';
        runs.onDidChange(() => this.refresh());
        this.refresh();
    }

    setServer(state: ServerState, detail?: { problem?: string; version?: string }): void {
        this.server = state;
        this.problem = detail?.problem;
        this.version = detail?.version ?? this.version;
        this.refresh();
    }

    /** What the next run will use (provider and model), shown with the language status. */
    setNextRun(text: string): void {
        this.nextRun = text;
        this.refresh();
    }

    refresh(): void {
        const active = this.runs.active();
        let text: string;
        let severity = vscode.LanguageStatusSeverity.Information;
        if (this.server === 'running' || active.length > 0) {
            text = statusText(active);
        } else if (this.server === 'starting') {
            text = 'CodeCRDT: starting';
        } else if (this.server === 'error') {
            text = 'CodeCRDT: not running';
            severity = vscode.LanguageStatusSeverity.Error;
        } else {
            text = 'CodeCRDT: stopped';
            severity = vscode.LanguageStatusSeverity.Warning;
        }
        const tooltip = this.tooltip(active);
        this.language.text = text;
        this.language.detail = [this.nextRun, this.version ? `server ${this.version}` : undefined].filter(Boolean).join(' · ') || undefined;
        this.language.severity = severity;
        this.language.busy = active.length > 0 || this.server === 'starting';
        this.bar.text = active.length > 0 ? `$(sync~spin) ${text}` : text;
        this.bar.tooltip = tooltip;
        // The bar item only appears while something is worth seeing at a glance.
        if (active.length > 0 || this.server === 'error') {
            this.bar.show();
        } else {
            this.bar.hide();
        }
    }

    private tooltip(active: TrackedRun[]): string {
        if (this.problem) {
            return this.problem;
        }
        const lines = active.map(
            (r) => `${r.runId}: ${fileNameOf(r.uri)}, ${r.mode}, ${r.agents} agent(s)` + (r.progress?.message ? ` — ${r.progress.message}` : ''),
        );
        return [...lines, ...(this.nextRun ? [this.nextRun] : []), 'Click to show the log'].join('\n');
    }

    dispose(): void {
        this.language.dispose();
        this.bar.dispose();
    }
}

/** One message for a finished run; "Undo" takes back what it wrote. */
export async function showRunFinished(params: RunFinishedParams, undo: (runId: string) => Promise<void>): Promise<void> {
    const summary = runSummary(fileNameOf(params.uri), params.report);
    const wrote = params.report !== null && params.report.outline_complete !== false;
    const actions = wrote ? ['Undo', 'Show Log'] : ['Show Log'];
    const choice = await show(summary, actions);
    if (choice === 'Undo') {
        await undo(params.runId);
    } else if (choice === 'Show Log') {
        await vscode.commands.executeCommand('codecrdt.showLog');
    }
}

export function showRunsLost(lost: TrackedRun[], restarted: boolean): void {
    if (lost.length === 0) {
        return;
    }
    const text = runsLost(
        lost.map((r) => ({ runId: r.runId, fileName: fileNameOf(r.uri) })),
        restarted,
    );
    void show({ severity: 'warning', text }, ['Show Log']).then((choice) => {
        if (choice === 'Show Log') {
            void vscode.commands.executeCommand('codecrdt.showLog');
        }
    });
}

export function show(summary: Summary, actions: string[] = []): Thenable<string | undefined> {
    switch (summary.severity) {
        case 'error':
            return vscode.window.showErrorMessage(summary.text, ...actions);
        case 'warning':
            return vscode.window.showWarningMessage(summary.text, ...actions);
        default:
            return vscode.window.showInformationMessage(summary.text, ...actions);
    }
}
