/**
 * API keys: kept in VS Code's SecretStorage and handed to the server only through its
 * process environment (ANTHROPIC_API_KEY, OPENAI_API_KEY), which is how the server's
 * providers read them. They are never put in settings, initializationOptions or the log.
 */
import type { SecretStorage } from 'vscode';

export interface KeyProvider {
    id: 'anthropic' | 'openai';
    label: string;
    detail: string;
    /** The environment variable the server's provider reads. */
    env: string;
    /** The SecretStorage key. */
    secret: string;
}

export const KEY_PROVIDERS: readonly KeyProvider[] = [
    {
        id: 'anthropic',
        label: 'Anthropic',
        detail: 'The Messages API (provider "anthropic"); passed as ANTHROPIC_API_KEY',
        env: 'ANTHROPIC_API_KEY',
        secret: 'codecrdt.apiKey.anthropic',
    },
    {
        id: 'openai',
        label: 'OpenAI-compatible',
        detail: 'OpenAI or a compatible server that needs a key (provider "openai"); passed as OPENAI_API_KEY',
        env: 'OPENAI_API_KEY',
        secret: 'codecrdt.apiKey.openai',
    },
];

export type SecretsLike = Pick<SecretStorage, 'get' | 'store' | 'delete'>;

/** The stored keys as environment variables (only those that are set). */
export async function keyEnvironment(secrets: SecretsLike): Promise<Record<string, string>> {
    const env: Record<string, string> = {};
    for (const provider of KEY_PROVIDERS) {
        const key = await secrets.get(provider.secret);
        if (key) {
            env[provider.env] = key;
        }
    }
    return env;
}

/** The server's environment: the editor's, with the stored keys taking precedence. */
export function serverEnvironment(base: NodeJS.ProcessEnv, keys: Record<string, string>): NodeJS.ProcessEnv {
    return { ...base, ...keys, PYTHONUNBUFFERED: '1' };
}

/** Stores a key, or forgets it when `key` is empty. */
export async function storeKey(secrets: SecretsLike, provider: KeyProvider, key: string): Promise<'stored' | 'deleted'> {
    const value = key.trim();
    if (!value) {
        await secrets.delete(provider.secret);
        return 'deleted';
    }
    await secrets.store(provider.secret, value);
    return 'stored';
}
