/** Activates, restarts and deactivates; everything else lives in `common/`. */
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AuthorDecorations, type BlameResult } from './common/authors';
import { registerCommands, reportError, undoRun } from './common/commands';
import { EXTENSION_NAME } from './common/constants';
import { AgentDecorations } from './common/decorations';
import { registerLogger, showLog, traceError, traceInfo } from './common/logging';
import { RunNotifications } from './common/progress';
import { findPython, onPythonInterpreterChanged, pythonExtensionInterpreter, runProbe } from './common/python';
import { RunTracker } from './common/runs';
import { keyEnvironment, serverEnvironment } from './common/secrets';
import { executeServerCommand, sendSettings, startServer, stopServer, type ServerHooks } from './common/server';
import { needsRestart, nextRunText, readSettings, serverArguments, serverKeys, serverLogLevel, serverSettings } from './common/settings';
import { showRunFinished, showRunsLost, StatusItems } from './common/status';

let client: LanguageClient | undefined;
let notRunning: string | undefined;
let serverEnv: NodeJS.ProcessEnv = {};
let queue: Promise<void> = Promise.resolve();

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel(EXTENSION_NAME, { log: true });
    registerLogger(output);
    const runs = new RunTracker();
    const status = new StatusItems(runs);
    const decorations = new AgentDecorations();
    const notifications = new RunNotifications((runId) => {
        if (client) {
            void client
                .sendRequest('workspace/executeCommand', {
                    command: 'codecrdt.cancel',
                    arguments: [{ runId }],
                })
                .catch(reportError);
        }
    });
    const authors = new AuthorDecorations(async (uri) => {
        if (!client) {
            throw new Error('The CodeCRDT server is not running.');
        }
        return executeServerCommand<BlameResult>(client, 'codecrdt.blame', { uri });
    });
    context.subscriptions.push(output, status, decorations, notifications, authors);

    const settings = () => readSettings(vscode.workspace.getConfiguration('codecrdt'));
    const workspaceFolder = () => vscode.workspace.workspaceFolders?.[0];

    const hooks: ServerHooks = {
        runStarted: (params) => {
            runs.started(params);
            notifications.started(params.runId, params.uri);
        },
        agentActivity: (params) => {
            if (!runs.get(params.runId)?.finished) {
                decorations.update(params);
            }
        },
        runFinished: (params) => {
            notifications.finished(params.runId);
            decorations.clear(params.uri, params.runId);
            for (const editor of vscode.window.visibleTextEditors) {
                if (editor.document.uri.toString() === params.uri && authors.isShown(params.uri)) {
                    authors.refresh(editor).catch((error) => traceError('Showing the authors failed:', error));
                }
            }
            if (runs.finished(params) || !runs.get(params.runId)) {
                void showRunFinished(params, (runId) =>
                    client ? undoRun(client, runId, params.uri).catch(reportError) : Promise.resolve(),
                );
            }
        },
        progress: (runId, message) => {
            runs.progress(runId, message);
            notifications.progress(runId, message);
        },
        crashed: (restarting) => {
            traceError(`The server exited unexpectedly${restarting ? '; restarting it' : ''}.`);
            if (!restarting) {
                notRunning = 'The CodeCRDT server crashed repeatedly and was not started again: see the log, then run "CodeCRDT: Restart Server".';
            }
            decorations.clearAll();
            notifications.finishAll();
            showRunsLost(runs.abandonAll(), restarting);
        },
        stateChanged: (state) => status.setServer(state),
    };

    /** Stops the server (if any), finds Python again and starts a new one; calls never overlap. */
    const restart = (reason: string): Promise<void> => {
        queue = queue.then(async () => {
            traceInfo(`(Re)starting the server: ${reason}.`);
            const old = client;
            client = undefined;
            await stopServer(old);
            // A new server knows none of the old runs.
            decorations.clearAll();
            notifications.finishAll();
            runs.abandonAll();
            status.setServer('starting');

            const current = settings();
            const folder = workspaceFolder();
            const choice = await findPython({
                setting: current.python,
                workspaceFolder: folder?.uri.fsPath,
                pythonExtension: () => pythonExtensionInterpreter(vscode.extensions, folder?.uri),
                probe: runProbe,
            });
            traceInfo(
                `Python (${choice.source}): ${choice.python}` +
                    (choice.probe.executable ? ` = ${choice.probe.executable}` : '') +
                    (choice.probe.pythonVersion ? `, Python ${choice.probe.pythonVersion}` : '') +
                    (choice.probe.serverVersion ? `, codecrdt ${choice.probe.serverVersion}` : ''),
            );
            if (choice.problem) {
                notRunning = choice.problem;
                traceError(choice.problem);
                status.setServer('error', { problem: choice.problem });
                void vscode.window.showErrorMessage(choice.problem, 'Open Settings', 'Show Log').then((picked) => {
                    if (picked === 'Open Settings') {
                        void vscode.commands.executeCommand('workbench.action.openSettings', 'codecrdt.python');
                    } else if (picked === 'Show Log') {
                        showLog();
                    }
                });
                return;
            }
            serverEnv = serverEnvironment(process.env, await keyEnvironment(context.secrets));
            status.setNextRun(nextRunText(current, serverKeys(serverEnv)));
            try {
                client = await startServer({
                    python: choice.python,
                    logLevel: serverLogLevel(current.logLevel),
                    extraArgs: serverArguments(current),
                    env: serverEnv,
                    cwd: folder?.uri.fsPath,
                    settings: serverSettings(current),
                    outputChannel: output,
                    hooks,
                });
                notRunning = undefined;
                status.setServer('running', { version: choice.probe.serverVersion });
            } catch (error) {
                notRunning = `The CodeCRDT server did not start: ${error instanceof Error ? error.message : String(error)}`;
                traceError(notRunning);
                status.setServer('error', { problem: notRunning });
            }
        });
        return queue;
    };

    context.subscriptions.push(
        ...registerCommands({
            client: () => (client?.isRunning() ? client : undefined),
            notRunning: () => notRunning,
            runs,
            settings,
            secrets: context.secrets,
            serverKeys: () => serverKeys(serverEnv),
            restart,
            authors,
        }),
        vscode.workspace.onDidChangeConfiguration((event) => {
            if (!event.affectsConfiguration('codecrdt')) {
                return;
            }
            const next = nextRunText(settings(), serverKeys(serverEnv));
            status.setNextRun(next);
            traceInfo(`Settings changed; ${next}.`);
            if (needsRestart(event)) {
                void restart('its settings changed');
            } else if (client?.isRunning()) {
                sendSettings(client, serverSettings(settings())).catch((error) => traceError('Sending settings failed:', error));
            }
        }),
        onPythonInterpreterChanged(vscode.extensions, () => {
            if (!settings().python) {
                void restart('the Python extension selected another interpreter');
            }
        }),
    );

    await restart('activation');
}

export async function deactivate(): Promise<void> {
    await queue.catch(() => undefined);
    const old = client;
    client = undefined;
    await stopServer(old);
}
