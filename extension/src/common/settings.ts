/**
 * The extension's settings (`codecrdt.*`) and what the server gets of them: the camelCase
 * object it accepts as `initializationOptions` and in `workspace/didChangeConfiguration`.
 *
 * Values bound for the server are passed on as they are (empty strings aside): the server
 * checks them and says, with `window/showMessage`, which one it ignored and why, so the
 * two sides never disagree on what is valid.
 */
import type { ConfigurationChangeEvent } from 'vscode';

export type Provider = 'anthropic' | 'openai' | 'scripted';
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface ExtensionSettings {
    provider: Provider | null;
    model: string | null;
    baseUrl: string | null;
    agents: number;
    mode: string;
    maxTokens: number | null;
    maxCost: number | null;
    script: string | null;
    scriptedTimeScale: number;
    python: string;
    logLevel: LogLevel;
}

/** Exactly the keys of the server's `ServerOptions` generation defaults. */
export interface ServerSettings {
    provider: string | null;
    model: string | null;
    baseUrl: string | null;
    agents: number;
    mode: string;
    script: string | null;
    maxTokens: number | null;
    maxCost: number | null;
}

/** What `vscode.workspace.getConfiguration('codecrdt')` offers; tests pass a plain object. */
export interface ConfigurationLike {
    get<T>(section: string): T | undefined;
}

export const DEFAULTS: ExtensionSettings = {
    provider: null,
    model: null,
    baseUrl: null,
    agents: 3,
    mode: 'auto',
    maxTokens: null,
    maxCost: null,
    script: null,
    scriptedTimeScale: 1,
    python: '',
    logLevel: 'warn',
};

const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];

export function readSettings(config: ConfigurationLike): ExtensionSettings {
    const value = <K extends keyof ExtensionSettings>(key: K): ExtensionSettings[K] => {
        const raw = config.get<ExtensionSettings[K]>(key);
        return raw === undefined ? DEFAULTS[key] : raw;
    };
    const logLevel = value('logLevel');
    const timeScale = value('scriptedTimeScale');
    return {
        provider: orNull(value('provider')) as Provider | null,
        model: orNull(value('model')),
        baseUrl: orNull(value('baseUrl')),
        agents: value('agents'),
        mode: orNull(value('mode')) ?? DEFAULTS.mode,
        maxTokens: value('maxTokens'),
        maxCost: value('maxCost'),
        script: orNull(value('script')),
        scriptedTimeScale:
            typeof timeScale === 'number' && Number.isFinite(timeScale) && timeScale > 0 ? timeScale : DEFAULTS.scriptedTimeScale,
        python: typeof value('python') === 'string' ? value('python').trim() : '',
        logLevel: LOG_LEVELS.includes(logLevel) ? logLevel : DEFAULTS.logLevel,
    };
}

/** The object sent as `initializationOptions` and as `didChangeConfiguration`'s settings. */
export function serverSettings(settings: ExtensionSettings): ServerSettings {
    return {
        provider: settings.provider,
        model: settings.model,
        baseUrl: settings.baseUrl,
        agents: settings.agents,
        mode: settings.mode,
        script: settings.script,
        maxTokens: settings.maxTokens,
        maxCost: settings.maxCost,
    };
}

/**
 * The server's command-line arguments that come from settings: `codecrdt.baseUrl` (a
 * machine-scoped setting, so the user's own) as `--allow-base-url`, the one base URL
 * besides the providers' own that the server sends an API key to. A base URL that reaches
 * the server only in its settings or a request gets no key.
 */
export function serverArguments(settings: Pick<ExtensionSettings, 'baseUrl'>): string[] {
    return settings.baseUrl ? ['--allow-base-url', settings.baseUrl] : [];
}

/** The server's `--log-level` (Python's logging names) for the `codecrdt.logLevel` setting. */
export function serverLogLevel(level: LogLevel): string {
    return { error: 'ERROR', warn: 'WARNING', info: 'INFO', debug: 'DEBUG' }[level];
}

/** Settings that change how the server process is started, not what it is told. */
const RESTART_SETTINGS = ['codecrdt.python', 'codecrdt.logLevel', 'codecrdt.baseUrl'];

export function needsRestart(event: Pick<ConfigurationChangeEvent, 'affectsConfiguration'>): boolean {
    return RESTART_SETTINGS.some((section) => event.affectsConfiguration(section));
}

/** What the server's environment holds that makes a provider usable without naming it. */
export interface ServerKeys {
    anthropic: boolean;
    openai: boolean;
    /** `OPENAI_BASE_URL` is set: a local OpenAI-compatible server, no key needed. */
    openaiBaseUrl: boolean;
}

/** The keys and base URL the server will find in `env` (its process environment). */
export function serverKeys(env: NodeJS.ProcessEnv): ServerKeys {
    return { anthropic: Boolean(env.ANTHROPIC_API_KEY), openai: Boolean(env.OPENAI_API_KEY), openaiBaseUrl: Boolean(env.OPENAI_BASE_URL) };
}

/**
 * The provider a run will use, decided as the server decides it: the setting, else
 * `anthropic` with an Anthropic key, else `openai` with an OpenAI key or a base URL, else
 * none (the server then refuses the run and the extension offers to configure one). Never
 * `scripted` unless the setting names it.
 */
export function effectiveProvider(settings: ExtensionSettings, keys: ServerKeys): Provider | null {
    if (settings.provider) {
        return settings.provider;
    }
    if (keys.anthropic) {
        return 'anthropic';
    }
    return keys.openai || keys.openaiBaseUrl || settings.baseUrl ? 'openai' : null;
}

/** The status item's words for what the next run will use: provider and model. */
export function nextRunText(settings: ExtensionSettings, keys: ServerKeys): string {
    const provider = effectiveProvider(settings, keys);
    if (provider === null) {
        return 'next run: no model provider configured';
    }
    if (provider === 'scripted') {
        return `next run: scripted (prepared output${settings.script ? ` of ${settings.script}` : ''}, not a model)`;
    }
    return `next run: ${provider}, model ${settings.model ?? "the provider's default"}` + (settings.baseUrl ? ` at ${settings.baseUrl}` : '');
}

export interface GenerateChoice {
    uri: string;
    /** Empty: the scripted task's own spec (the server refuses it without a script). */
    spec: string;
    agents: number;
}

/** `codecrdt.generate`'s one argument; unset keys fall back to the server's settings. */
export function generateArguments(
    choice: GenerateChoice,
    settings: ExtensionSettings,
    provider: Provider | null,
): Record<string, unknown> {
    const args: Record<string, unknown> = { uri: choice.uri, agents: choice.agents };
    if (choice.spec.trim()) {
        args.spec = choice.spec;
    }
    // The server refuses timeScale for a model: it only speeds up prepared output.
    if (provider === 'scripted' && settings.scriptedTimeScale !== 1) {
        args.timeScale = settings.scriptedTimeScale;
    }
    return args;
}

/** The agent counts to offer, ascending, and the one to preselect (the setting's). */
export function agentChoices(choices: readonly number[], configured: unknown): { counts: number[]; preselected: number } {
    const valid = typeof configured === 'number' && Number.isInteger(configured) && configured >= 1 && configured <= 64;
    const preselected = valid ? configured : DEFAULTS.agents;
    const counts = [...new Set([...choices, preselected])].sort((a, b) => a - b);
    return { counts, preselected };
}

function orNull<T>(value: T | null | undefined): T | null {
    if (value === undefined || value === null) {
        return null;
    }
    if (typeof value === 'string' && value.trim() === '') {
        return null;
    }
    return value;
}
