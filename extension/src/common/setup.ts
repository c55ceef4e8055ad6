/**
 * Configuring a provider when the server has none: the server refuses `codecrdt.generate`
 * with InvalidParams whose `data` is `{ reason: "noProvider" }` (no key, no base URL, no
 * provider named), and "Generate File in Parallel…" then offers one quick pick:
 *
 * - Set API Key: the secrets flow (`CodeCRDT: Set API Key`);
 * - Use a Local Model: asks for the URL of an OpenAI-compatible server, checks it with
 *   `GET <url>/models`, lists its models to pick from, and saves `codecrdt.provider`
 *   (`openai`), `codecrdt.baseUrl` and `codecrdt.model`;
 * - Run the Offline Demo: says that it plays prepared output and ignores the spec, and
 *   writes into a new untitled file, never the user's.
 *
 * The flow is written against {@link SetupUi}, so the tests drive it without VS Code.
 */

export type SetupChoice = 'apiKey' | 'localModel' | 'demo';

export interface SetupItem {
    label: string;
    detail: string;
    choice: SetupChoice;
}

export const SETUP_TITLE = 'CodeCRDT: no model provider is configured';

export const SETUP_ITEMS: readonly SetupItem[] = [
    {
        label: 'Set API Key',
        detail: 'An Anthropic or OpenAI key, kept in VS Code’s secret storage',
        choice: 'apiKey',
    },
    {
        label: 'Use a Local Model',
        detail: 'An OpenAI-compatible server on your machine: Ollama, llama.cpp, vLLM, LM Studio',
        choice: 'localModel',
    },
    {
        label: 'Run the Offline Demo',
        detail: 'Prepared output, not a model: ignores your spec and writes into a new untitled file',
        choice: 'demo',
    },
];

export const DEMO_NOTICE =
    'The offline demo plays prepared output (a bundled task: an inventory CLI in Python, a timer component in TSX). ' +
    'It ignores your spec and writes into a new untitled file, not into your file.';

/** The URL a local server is first suggested at (Ollama's OpenAI-compatible endpoint). */
export const DEFAULT_LOCAL_URL = 'http://127.0.0.1:11434/v1';

/** Whether `error` is the server's "no provider is configured" refusal. */
export function isNoProviderError(error: unknown): boolean {
    if (typeof error !== 'object' || error === null) {
        return false;
    }
    const { code, data } = error as { code?: unknown; data?: unknown };
    return code === -32602 && typeof data === 'object' && data !== null && (data as { reason?: unknown }).reason === 'noProvider';
}

/** Why `value` is not a usable base URL, or undefined when it is. */
export function urlProblem(value: string): string | undefined {
    const text = value.trim();
    if (!text) {
        return 'The URL of an OpenAI-compatible server, e.g. http://127.0.0.1:11434/v1';
    }
    let url: URL;
    try {
        url = new URL(text);
    } catch {
        return `Not a URL: ${text}`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        return 'An http:// or https:// URL';
    }
    return undefined;
}

/**
 * The base URLs to try for what the user typed, each with its models endpoint: the URL
 * itself, and (when it does not end in `/v1`) the URL with `/v1`, where OpenAI-compatible
 * servers usually answer.
 */
export function candidateUrls(value: string): { baseUrl: string; modelsUrl: string }[] {
    const base = value.trim().replace(/\/+$/, '');
    const bases = base.endsWith('/v1') ? [base] : [`${base}/v1`, base];
    return bases.map((baseUrl) => ({ baseUrl, modelsUrl: `${baseUrl}/models` }));
}

/** The model ids of an OpenAI-compatible `/models` answer (`{"data": [{"id": …}]}`), sorted. */
export function parseModelList(body: unknown): string[] {
    const data = typeof body === 'object' && body !== null ? (body as { data?: unknown }).data : undefined;
    if (!Array.isArray(data)) {
        throw new Error('the answer is not an OpenAI-compatible model list ({"data": [{"id": …}]})');
    }
    const ids = data
        .map((entry) => (typeof entry === 'object' && entry !== null ? (entry as { id?: unknown }).id : undefined))
        .filter((id): id is string => typeof id === 'string' && id.length > 0);
    return [...new Set(ids)].sort((a, b) => a.localeCompare(b));
}

export interface FetchAnswer {
    ok: boolean;
    status: number;
    json(): Promise<unknown>;
}
export type FetchLike = (url: string, init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<FetchAnswer>;

/**
 * The models the server at `value` offers, and the base URL that answered. Throws an
 * Error whose message says what went wrong at each URL tried.
 */
export async function listModels(value: string, fetchImpl: FetchLike, timeoutMs = 5000): Promise<{ baseUrl: string; models: string[] }> {
    const problems: string[] = [];
    for (const { baseUrl, modelsUrl } of candidateUrls(value)) {
        try {
            const answer = await fetchImpl(modelsUrl, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/json' } });
            if (!answer.ok) {
                problems.push(`GET ${modelsUrl}: HTTP ${answer.status}`);
                continue;
            }
            const models = parseModelList(await answer.json());
            if (models.length === 0) {
                problems.push(`GET ${modelsUrl}: the server lists no models`);
                continue;
            }
            return { baseUrl, models };
        } catch (error) {
            problems.push(`GET ${modelsUrl}: ${error instanceof Error ? error.message : String(error)}`);
        }
    }
    throw new Error(`no OpenAI-compatible server with models at ${value.trim()} (${problems.join('; ')})`);
}

/** The language of the demo's untitled file: TSX for a TSX user, else Python. */
export function demoLanguage(languageId: string | undefined): 'python' | 'typescriptreact' {
    return languageId === 'typescriptreact' ? 'typescriptreact' : 'python';
}

/** The bundled task the demo plays: `codecrdt.script` when set, else the language's own. */
export function demoScript(languageId: string | undefined, configured: string | null): string {
    return configured ?? (demoLanguage(languageId) === 'typescriptreact' ? 'pomodoro-timer' : 'inventory-cli');
}

/** What the flow asks of the editor. */
export interface SetupUi {
    pick(items: readonly SetupItem[]): Promise<SetupChoice | undefined>;
    setApiKey(): Promise<void>;
    askUrl(initial: string): Promise<string | undefined>;
    listModels(url: string): Promise<{ baseUrl: string; models: string[] }>;
    pickModel(models: string[], baseUrl: string): Promise<string | undefined>;
    saveLocalModel(settings: { provider: 'openai'; baseUrl: string; model: string }): Promise<void>;
    confirmDemo(notice: string): Promise<boolean>;
    runDemo(): Promise<void>;
    showError(message: string): void;
}

/** The quick pick and what follows the choice; the choice carried out, or undefined. */
export async function offerProviderSetup(ui: SetupUi, configuredBaseUrl: string | null): Promise<SetupChoice | undefined> {
    const choice = await ui.pick(SETUP_ITEMS);
    switch (choice) {
        case 'apiKey':
            await ui.setApiKey();
            return choice;
        case 'localModel': {
            const url = await ui.askUrl(configuredBaseUrl ?? DEFAULT_LOCAL_URL);
            if (url === undefined) {
                return undefined;
            }
            let found: { baseUrl: string; models: string[] };
            try {
                found = await ui.listModels(url);
            } catch (error) {
                ui.showError(error instanceof Error ? error.message : String(error));
                return undefined;
            }
            const model = await ui.pickModel(found.models, found.baseUrl);
            if (model === undefined) {
                return undefined;
            }
            await ui.saveLocalModel({ provider: 'openai', baseUrl: found.baseUrl, model });
            return choice;
        }
        case 'demo':
            if (!(await ui.confirmDemo(DEMO_NOTICE))) {
                return undefined;
            }
            await ui.runDemo();
            return choice;
        default:
            return undefined;
    }
}
