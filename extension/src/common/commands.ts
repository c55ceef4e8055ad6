/**
 * The commands of the palette (`codecrdt.*` in package.json). Each asks what it needs,
 * calls the server through `workspace/executeCommand` and shows the server's refusal
 * (an InvalidParams message) as it is.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import type { AuthorDecorations } from './authors';
import { AGENT_CHOICES, LANGUAGES } from './constants';
import { fileNameProblem } from './files';
import { implementArguments } from './implement';
import { showLog, traceError, traceInfo } from './logging';
import { evaluationSummary, type EvaluateResult } from './messages';
import { fileNameOf, type RunTracker, type TrackedRun } from './runs';
import { KEY_PROVIDERS, storeKey } from './secrets';
import { executeServerCommand } from './server';
import { agentChoices, effectiveProvider, generateArguments, type ExtensionSettings, type ServerKeys } from './settings';
import { demoLanguage, demoScript, isNoProviderError, listModels, offerProviderSetup, urlProblem, SETUP_TITLE, type FetchLike, type SetupUi } from './setup';
import { show } from './status';

export interface CommandHost {
    /** The running client, or undefined (then `notRunning` says why). */
    client(): LanguageClient | undefined;
    notRunning(): string | undefined;
    runs: RunTracker;
    settings(): ExtensionSettings;
    secrets: vscode.SecretStorage;
    /** The keys and base URL in the running server's environment. */
    serverKeys(): ServerKeys;
    restart(reason: string): Promise<void>;
    /** The "Show Authors" decorations. */
    authors?: AuthorDecorations;
}

export function registerCommands(host: CommandHost): vscode.Disposable[] {
    const register = (id: string, action: () => Promise<unknown>) =>
        vscode.commands.registerCommand(id, async () => {
            try {
                await action();
            } catch (error) {
                reportError(error);
            }
        });
    return [
        register('codecrdt.generateFile', () => generateFile(host)),
        register('codecrdt.cancelGeneration', () => cancelGeneration(host)),
        register('codecrdt.undoGeneration', () => undoGeneration(host)),
        register('codecrdt.implementTodos', () => implementTodos(host)),
        register('codecrdt.showAuthors', () => showAuthors(host)),
        register('codecrdt.fixConflicts', () => fixConflicts(host)),
        register('codecrdt.setApiKey', () => setApiKey(host)),
        register('codecrdt.showLog', async () => showLog()),
        register('codecrdt.restartServer', () => restartServer(host)),
    ];
}

/** A refusal from the server (JSON-RPC InvalidParams) or a failed call, shown to the user. */
export function reportError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
    traceError('Command failed:', message);
    void vscode.window.showErrorMessage(`CodeCRDT: ${message}`, 'Show Log').then((choice) => {
        if (choice === 'Show Log') {
            showLog();
        }
    });
}

function requireClient(host: CommandHost): LanguageClient | undefined {
    const client = host.client();
    if (client) {
        return client;
    }
    const reason = host.notRunning() ?? 'The CodeCRDT server is not running.';
    void vscode.window.showErrorMessage(reason, 'Restart Server', 'Show Log').then((choice) => {
        if (choice === 'Restart Server') {
            void host.restart('the user asked');
        } else if (choice === 'Show Log') {
            showLog();
        }
    });
    return undefined;
}

async function generateFile(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    if (!client) {
        return;
    }
    const settings = host.settings();
    // The output panel and other non-file views count as "no editor": a new file is asked for.
    const editor = activeSourceEditor();
    let target: vscode.Uri | undefined;
    if (editor) {
        const document = editor.document;
        if (document.uri.scheme !== 'file') {
            void vscode.window.showErrorMessage(
                'CodeCRDT writes into a file of the workspace: save this document first (with a .py, .ts, .tsx, .js or .jsx name).',
            );
            return;
        }
        if (!LANGUAGES.includes(document.languageId)) {
            void vscode.window.showErrorMessage(
                `CodeCRDT writes Python, TypeScript and JavaScript; ${fileNameOf(document.uri.toString())} is ${document.languageId}.`,
            );
            return;
        }
        const running = host.runs.activeFor(document.uri.toString());
        if (running) {
            void vscode.window.showInformationMessage(`CodeCRDT is already writing ${fileNameOf(running.uri)} (run ${running.runId}).`);
            return;
        }
        target = document.uri;
    } else {
        target = await askNewFile();
        if (!target) {
            return;
        }
    }

    const spec = await vscode.window.showInputBox({
        title: `CodeCRDT: generate ${path.basename(target.fsPath)}`,
        prompt: settings.script
            ? `What should the agents write? Empty: the task of the script "${settings.script}".`
            : 'What should the agents write? Describe the file: its purpose, inputs, outputs, parts.',
        placeHolder: 'e.g. A CLI that keeps an inventory in a JSON file: add, remove, list, search',
        ignoreFocusOut: true,
        validateInput: (value) =>
            value.trim() || settings.script ? undefined : 'Say what to write (or set codecrdt.script for a prepared task).',
    });
    if (spec === undefined) {
        return;
    }
    const agents = await pickAgents(settings);
    if (agents === undefined) {
        return;
    }

    if (!editor) {
        await createIfMissing(target);
    }
    const document = await vscode.workspace.openTextDocument(target);
    await vscode.window.showTextDocument(document);

    const uri = document.uri.toString();
    const provider = effectiveProvider(settings, host.serverKeys());
    const args = generateArguments({ uri, spec, agents }, settings, provider);
    traceInfo(`codecrdt.generate on ${uri}: ${agents} agent(s), provider ${provider ?? 'none configured'}`);
    try {
        await startRun(host, client, args, uri, agents);
    } catch (error) {
        if (!isNoProviderError(error)) {
            throw error;
        }
        // Nothing was written: the server refused before any run. Offer to configure one.
        traceInfo(`codecrdt.generate refused: ${error instanceof Error ? error.message : String(error)}`);
        await offerProviderSetup(setupUi(host, client, document.languageId, agents), settings.baseUrl);
    }
}

async function startRun(host: CommandHost, client: LanguageClient, args: Record<string, unknown>, uri: string, agents: number): Promise<void> {
    const result = await executeServerCommand<{ runId: string }>(client, 'codecrdt.generate', args);
    // runStarted usually arrives first and carries the server's view; this covers the rest.
    if (!host.runs.get(result.runId)) {
        host.runs.started({ runId: result.runId, uri, mode: host.settings().mode, agents });
    }
}

/** The provider setup's quick pick and its steps, in VS Code. */
function setupUi(host: CommandHost, client: LanguageClient, languageId: string, agents: number): SetupUi {
    return {
        pick: async (items) => {
            const picked = await vscode.window.showQuickPick(
                items.map((item) => ({ label: item.label, detail: item.detail, choice: item.choice })),
                { title: SETUP_TITLE, placeHolder: 'Where should the agents’ text come from?', ignoreFocusOut: true },
            );
            return picked?.choice;
        },
        setApiKey: () => setApiKey(host),
        askUrl: async (initial) =>
            vscode.window.showInputBox({
                title: 'CodeCRDT: use a local model',
                prompt: 'The URL of an OpenAI-compatible server (Ollama, llama.cpp, vLLM, LM Studio); its /models lists the models',
                value: initial,
                ignoreFocusOut: true,
                validateInput: urlProblem,
            }),
        listModels: async (url) =>
            vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `CodeCRDT: asking ${url} for its models…` }, () =>
                listModels(url, fetch as unknown as FetchLike),
            ),
        pickModel: async (models, baseUrl) =>
            vscode.window.showQuickPick(models, { title: `CodeCRDT: a model at ${baseUrl}`, placeHolder: 'The model the agents use', ignoreFocusOut: true }),
        saveLocalModel: async ({ provider, baseUrl, model }) => {
            const config = vscode.workspace.getConfiguration('codecrdt');
            await config.update('provider', provider, vscode.ConfigurationTarget.Global);
            await config.update('model', model, vscode.ConfigurationTarget.Global);
            await config.update('baseUrl', baseUrl, vscode.ConfigurationTarget.Global); // restarts the server
            traceInfo(`Local model configured: ${model} at ${baseUrl}.`);
            void vscode.window
                .showInformationMessage(`CodeCRDT: runs now use ${model} at ${baseUrl} (settings codecrdt.provider, baseUrl, model).`, 'Generate Now')
                .then((choice) => {
                    if (choice === 'Generate Now') {
                        void vscode.commands.executeCommand('codecrdt.generateFile');
                    }
                });
        },
        confirmDemo: async (notice) => (await vscode.window.showWarningMessage(notice, { modal: true }, 'Run the Demo')) === 'Run the Demo',
        runDemo: async () => {
            // A new untitled file: prepared output never goes into the user's file.
            const document = await vscode.workspace.openTextDocument({ language: demoLanguage(languageId), content: '' });
            await vscode.window.showTextDocument(document);
            const settings = host.settings();
            const args: Record<string, unknown> = {
                uri: document.uri.toString(),
                provider: 'scripted',
                script: demoScript(languageId, settings.script),
                agents,
            };
            if (settings.scriptedTimeScale !== 1) {
                args.timeScale = settings.scriptedTimeScale;
            }
            traceInfo(`Offline demo in ${document.uri.toString()}: the scripted provider (prepared output).`);
            await startRun(host, client, args, document.uri.toString(), agents);
        },
        showError: (message) => reportError(new Error(message)),
    };
}

/** Asks for a new file in a workspace folder (when no editor is open). */
/** The active editor, unless it shows something that is not a document (output, settings…). */
function activeSourceEditor(): vscode.TextEditor | undefined {
    const editor = vscode.window.activeTextEditor;
    return editor && ['file', 'untitled'].includes(editor.document.uri.scheme) ? editor : undefined;
}

async function askNewFile(): Promise<vscode.Uri | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
        void vscode.window.showErrorMessage('CodeCRDT writes files in the workspace: open a folder first.');
        return undefined;
    }
    const folder =
        folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'The folder of the new file' });
    if (!folder) {
        return undefined;
    }
    const name = await vscode.window.showInputBox({
        title: 'CodeCRDT: the file to generate',
        prompt: `A new file in ${folder.name} (a path relative to the folder)`,
        placeHolder: 'e.g. inventory.py or src/App.tsx',
        ignoreFocusOut: true,
        validateInput: (value) => validateNewFile(folder.uri, value),
    });
    return name === undefined ? undefined : vscode.Uri.joinPath(folder.uri, name.trim());
}

async function validateNewFile(folder: vscode.Uri, value: string): Promise<string | vscode.InputBoxValidationMessage | undefined> {
    const name = value.trim();
    const problem = fileNameProblem(name);
    if (problem) {
        return problem;
    }
    try {
        await vscode.workspace.fs.stat(vscode.Uri.joinPath(folder, name));
        return { message: 'This file exists: the agents will add to what it holds.', severity: vscode.InputBoxValidationSeverity.Warning };
    } catch {
        return undefined;
    }
}

async function createIfMissing(uri: vscode.Uri): Promise<void> {
    try {
        await vscode.workspace.fs.stat(uri);
    } catch {
        await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(uri, '..'));
        await vscode.workspace.fs.writeFile(uri, new Uint8Array());
    }
}

async function pickAgents(settings: ExtensionSettings): Promise<number | undefined> {
    const { counts, preselected } = agentChoices(AGENT_CHOICES, settings.agents);
    const items = counts.map((n) => ({
        label: `${n} agent${n === 1 ? '' : 's'}`,
        description: n === preselected ? 'default (codecrdt.agents)' : undefined,
        count: n,
    }));
    const pick = vscode.window.createQuickPick<(typeof items)[number]>();
    pick.title = 'CodeCRDT: how many implementers write at once?';
    pick.placeholder = 'The Outliner and the Evaluator come in addition';
    pick.items = items;
    pick.activeItems = items.filter((item) => item.count === preselected);
    pick.ignoreFocusOut = true;
    return new Promise((resolve) => {
        let chosen: number | undefined;
        pick.onDidAccept(() => {
            chosen = pick.selectedItems[0]?.count ?? pick.activeItems[0]?.count;
            pick.hide();
        });
        pick.onDidHide(() => {
            pick.dispose();
            resolve(chosen);
        });
        pick.show();
    });
}

async function chooseActiveRun(host: CommandHost): Promise<TrackedRun | undefined> {
    const uri = activeSourceEditor()?.document.uri.toString();
    const here = uri ? host.runs.activeFor(uri) : undefined;
    if (here) {
        return here;
    }
    const active = host.runs.active();
    if (active.length <= 1) {
        return active[0];
    }
    const picked = await vscode.window.showQuickPick(
        active.map((run) => ({ label: fileNameOf(run.uri), description: `run ${run.runId}`, run })),
        { placeHolder: 'Which run to cancel?' },
    );
    return picked?.run;
}

async function cancelGeneration(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    if (!client) {
        return;
    }
    const run = await chooseActiveRun(host);
    if (!run) {
        void vscode.window.showInformationMessage('CodeCRDT: no run is writing.');
        return;
    }
    // The run's own end message follows with runFinished ("cancelled …").
    await executeServerCommand(client, 'codecrdt.cancel', { runId: run.runId });
}

async function undoGeneration(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    const editor = activeSourceEditor();
    if (!client) {
        return;
    }
    if (!editor) {
        void vscode.window.showInformationMessage('CodeCRDT: open the file whose last run to undo.');
        return;
    }
    const uri = editor.document.uri.toString();
    const run = host.runs.lastFor(uri);
    if (!run) {
        void vscode.window.showInformationMessage(`CodeCRDT: no run has written ${fileNameOf(uri)} since the server started.`);
        return;
    }
    await undoRun(client, run.runId, uri);
}

/** Takes back what a run wrote; also the "Undo" button of a run's end message. */
export async function undoRun(client: LanguageClient, runId: string, uri: string): Promise<void> {
    const result = await executeServerCommand<{ runId: string; undone: boolean }>(client, 'codecrdt.undoRun', { runId });
    const file = fileNameOf(uri);
    void vscode.window.showInformationMessage(
        result.undone
            ? `CodeCRDT: took back what run ${runId} wrote in ${file}.`
            : `CodeCRDT: run ${runId} left nothing to undo in ${file}.`,
    );
}

async function fixConflicts(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    const editor = activeSourceEditor();
    if (!client) {
        return;
    }
    if (!editor) {
        void vscode.window.showInformationMessage('CodeCRDT: open the file whose conflicts to fix.');
        return;
    }
    const uri = editor.document.uri.toString();
    const file = fileNameOf(uri);
    const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `CodeCRDT Evaluator: fixing conflicts in ${file}…` },
        () => executeServerCommand<EvaluateResult>(client, 'codecrdt.evaluate', { uri }),
    );
    await show(evaluationSummary(file, result));
}

async function setApiKey(host: CommandHost): Promise<void> {
    const items = await Promise.all(
        KEY_PROVIDERS.map(async (provider) => ({
            label: provider.label,
            description: (await host.secrets.get(provider.secret)) ? 'a key is stored' : undefined,
            detail: provider.detail,
            provider,
        })),
    );
    const picked = await vscode.window.showQuickPick(items, { title: 'CodeCRDT: set an API key', placeHolder: 'Which provider?' });
    if (!picked) {
        return;
    }
    const provider = picked.provider;
    const key = await vscode.window.showInputBox({
        title: `CodeCRDT: ${provider.label} API key`,
        prompt: `Kept in VS Code's secret storage and given to the server as ${provider.env}. Empty: forget the stored key.`,
        password: true,
        ignoreFocusOut: true,
    });
    if (key === undefined) {
        return;
    }
    const outcome = await storeKey(host.secrets, provider, key);
    traceInfo(`${provider.label} API key ${outcome}; restarting the server.`);
    void vscode.window.showInformationMessage(
        outcome === 'stored'
            ? `CodeCRDT: ${provider.label} API key stored; the server restarts to use it.`
            : `CodeCRDT: the stored ${provider.label} API key was removed; the server restarts without it.`,
    );
    await restartServer(host);
}

async function restartServer(host: CommandHost, ask = true): Promise<void> {
    const active = host.runs.active();
    if (ask && active.length > 0) {
        const files = active.map((r) => fileNameOf(r.uri)).join(', ');
        const choice = await vscode.window.showWarningMessage(
            `CodeCRDT is writing ${files}; restarting the server stops ${active.length === 1 ? 'that run' : 'those runs'}.`,
            { modal: true },
            'Restart',
        );
        if (choice !== 'Restart') {
            return;
        }
    }
    await host.restart('the user asked');
}

/** The current file's markers (or the selected lines' TODO comments), filled in parallel. */
async function implementTodos(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    if (!client) {
        return;
    }
    const editor = activeSourceEditor();
    if (!editor || editor.document.uri.scheme !== 'file' || !LANGUAGES.includes(editor.document.languageId)) {
        void vscode.window.showErrorMessage(
            'CodeCRDT: open the Python, TypeScript or JavaScript file (saved in the workspace) whose TODOs to implement.',
        );
        return;
    }
    const document = editor.document;
    const uri = document.uri.toString();
    const running = host.runs.activeFor(uri);
    if (running) {
        void vscode.window.showInformationMessage(`CodeCRDT is already writing ${fileNameOf(running.uri)} (run ${running.runId}).`);
        return;
    }
    const settings = host.settings();
    const provider = effectiveProvider(settings, host.serverKeys());
    const agents = agentChoices(AGENT_CHOICES, settings.agents).preselected;
    const selection = editor.selection;
    const args = implementArguments(generateArguments({ uri, spec: '', agents }, settings, provider), {
        start: { line: selection.start.line, character: selection.start.character },
        end: { line: selection.end.line, character: selection.end.character },
    });
    traceInfo(
        `codecrdt.implement on ${uri}${args.range ? ' (the selection)' : ''}: ${agents} agent(s), provider ${provider ?? 'none configured'}`,
    );
    let result: { runId: string };
    try {
        result = await executeServerCommand<{ runId: string }>(client, 'codecrdt.implement', args);
    } catch (error) {
        if (!isNoProviderError(error)) {
            throw error;
        }
        // Nothing was written: the server refused before any run. Offer to configure one.
        traceInfo(`codecrdt.implement refused: ${error instanceof Error ? error.message : String(error)}`);
        await offerProviderSetup(setupUi(host, client, document.languageId, agents), settings.baseUrl);
        return;
    }
    if (!host.runs.get(result.runId)) {
        host.runs.started({ runId: result.runId, uri, mode: 'parallel', agents });
    }
}

/** Toggles the authors of the current file's lines. */
async function showAuthors(host: CommandHost): Promise<void> {
    const client = requireClient(host);
    const editor = activeSourceEditor();
    if (!client || !host.authors) {
        return;
    }
    if (!editor) {
        void vscode.window.showInformationMessage('CodeCRDT: open the file whose authors to show.');
        return;
    }
    const shown = await host.authors.toggle(editor);
    traceInfo(`Authors ${shown ? 'shown' : 'hidden'} in ${editor.document.uri.toString()}`);
}
