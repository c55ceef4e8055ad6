/**
 * Starts and stops the language client for `<python> -m codecrdt serve` (stdio), and
 * connects the server's run notifications, run progress and crashes to the extension.
 */
import * as vscode from 'vscode';
import {
    CloseAction,
    DidChangeConfigurationNotification,
    ExecuteCommandRequest,
    LanguageClient,
    RevealOutputChannelOn,
    State,
    type CloseHandlerResult,
    type ErrorHandler,
    type LanguageClientOptions,
    type ServerOptions,
} from 'vscode-languageclient/node';
import { EXTENSION_NAME, LANGUAGES, SERVER_ID, SERVER_MODULE } from './constants';
import { traceError, traceInfo } from './logging';
import { runIdOfToken, type AgentActivityParams, type RunFinishedParams, type RunStartedParams } from './runs';
import type { ServerSettings } from './settings';

export interface ServerHooks {
    runStarted(params: RunStartedParams): void;
    agentActivity(params: AgentActivityParams): void;
    runFinished(params: RunFinishedParams): void;
    /** A `$/progress` value for a run's token (the language client shows it too). */
    progress(runId: string, message: string | undefined): void;
    /** The server died on its own; `restarting` says whether the client starts it again. */
    crashed(restarting: boolean): void;
    stateChanged(state: 'starting' | 'running' | 'stopped'): void;
}

export interface ServerStart {
    python: string;
    logLevel: string;
    /** Arguments from the user's settings (`serverArguments`: `--allow-base-url`). */
    extraArgs?: string[];
    /** The editor's environment with the API keys added: never logged. */
    env: NodeJS.ProcessEnv;
    cwd?: string;
    settings: ServerSettings;
    outputChannel: vscode.LogOutputChannel;
    hooks: ServerHooks;
}

/** The server's command line; the environment (with keys) is deliberately not part of it. */
export function serverCommand(
    python: string,
    logLevel: string,
    extraArgs: readonly string[] = [],
): { command: string; args: string[] } {
    return { command: python, args: ['-m', SERVER_MODULE, 'serve', '--log-level', logLevel, ...extraArgs] };
}

export async function startServer(start: ServerStart): Promise<LanguageClient> {
    const { command, args } = serverCommand(start.python, start.logLevel, start.extraArgs);
    const serverOptions: ServerOptions = { command, args, options: { env: start.env, cwd: start.cwd } };

    let defaultHandler: ErrorHandler | undefined;
    const errorHandler: ErrorHandler = {
        error: (error, message, count) => defaultHandler!.error(error, message, count),
        closed: async (): Promise<CloseHandlerResult> => {
            // Only called when the server exits on its own, never for stop() or restart.
            const result = await defaultHandler!.closed();
            start.hooks.crashed(result.action === CloseAction.Restart);
            return result;
        },
    };

    const clientOptions: LanguageClientOptions = {
        // Untitled documents too: the offline demo writes into a new untitled file.
        documentSelector: LANGUAGES.flatMap((language) => [
            { scheme: 'file', language },
            { scheme: 'untitled', language },
        ]),
        outputChannel: start.outputChannel,
        revealOutputChannelOn: RevealOutputChannelOn.Never,
        initializationOptions: start.settings,
        errorHandler,
        middleware: {
            handleWorkDoneProgress: (token, params, next) => {
                const runId = runIdOfToken(token);
                if (runId !== undefined && params.kind !== 'end') {
                    start.hooks.progress(runId, params.message);
                }
                next(token, params);
            },
        },
    };

    const client = new LanguageClient(SERVER_ID, EXTENSION_NAME, serverOptions, clientOptions);
    defaultHandler = client.createDefaultErrorHandler();
    client.onNotification('codecrdt/runStarted', (params: RunStartedParams) => start.hooks.runStarted(params));
    client.onNotification('codecrdt/agentActivity', (params: AgentActivityParams) => start.hooks.agentActivity(params));
    client.onNotification('codecrdt/runFinished', (params: RunFinishedParams) => start.hooks.runFinished(params));
    client.onDidChangeState((event) => {
        const state = event.newState === State.Running ? 'running' : event.newState === State.Starting ? 'starting' : 'stopped';
        start.hooks.stateChanged(state);
    });

    traceInfo(`Starting the server: ${command} ${args.join(' ')}`);
    await client.start();
    return client;
}

export async function stopServer(client: LanguageClient | undefined): Promise<void> {
    if (!client) {
        return;
    }
    try {
        await client.stop(5000);
    } catch (error) {
        traceError('Stopping the server failed:', error);
    }
    await client.dispose().catch(() => undefined);
}

export async function sendSettings(client: LanguageClient, settings: ServerSettings): Promise<void> {
    await client.sendNotification(DidChangeConfigurationNotification.type, { settings });
}

/** `workspace/executeCommand` with the server's one-object argument convention. */
export async function executeServerCommand<T>(client: LanguageClient, command: string, argument: object): Promise<T> {
    return (await client.sendRequest(ExecuteCommandRequest.type, { command, arguments: [argument] })) as T;
}
