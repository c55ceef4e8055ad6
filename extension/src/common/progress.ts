/**
 * A progress notification per run, with the agents' lines and a Cancel button.
 *
 * vscode-languageclient shows the server's work-done progress in the status bar only; the
 * user should see a run as a notification, so this one follows the same progress messages
 * ("3/8 TODOs; impl-1 writing parse_args; …") and cancels the run from its button.
 */
import * as vscode from 'vscode';

interface Shown {
    report: (message: string) => void;
    done: () => void;
}

export class RunNotifications implements vscode.Disposable {
    private readonly shown = new Map<string, Shown>();

    constructor(private readonly cancel: (runId: string) => void) {}

    started(runId: string, uri: string): void {
        if (this.shown.has(runId)) {
            return;
        }
        const name = uri.split('/').pop() ?? uri;
        let last = 0;
        void vscode.window.withProgress(
            {
                location: vscode.ProgressLocation.Notification,
                title: `CodeCRDT: writing ${decodeURIComponent(name)}`,
                cancellable: true,
            },
            (progress, token) =>
                new Promise<void>((resolve) => {
                    token.onCancellationRequested(() => this.cancel(runId));
                    this.shown.set(runId, {
                        report: (message) => {
                            // "3/8 TODOs; …": report the done fraction as an increment.
                            const match = /^(\d+)\/(\d+) TODOs/.exec(message);
                            const percent = match && Number(match[2]) > 0
                                ? Math.floor((100 * Number(match[1])) / Number(match[2]))
                                : last;
                            progress.report({ message, increment: Math.max(0, percent - last) });
                            last = Math.max(last, percent);
                        },
                        done: resolve,
                    });
                }),
        );
    }

    progress(runId: string, message: string | undefined): void {
        if (message) {
            this.shown.get(runId)?.report(message);
        }
    }

    finished(runId: string): void {
        this.shown.get(runId)?.done();
        this.shown.delete(runId);
    }

    finishAll(): void {
        for (const runId of [...this.shown.keys()]) {
            this.finished(runId);
        }
    }

    dispose(): void {
        this.finishAll();
    }
}
