import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KEY_PROVIDERS, keyEnvironment, serverEnvironment, storeKey, type SecretsLike } from '../src/common/secrets';
import { DEFAULTS, serverKeys, serverSettings } from '../src/common/settings';

function memorySecrets(): SecretsLike & { values: Map<string, string> } {
    const values = new Map<string, string>();
    return {
        values,
        get: async (key: string) => values.get(key),
        store: async (key: string, value: string) => void values.set(key, value),
        delete: async (key: string) => void values.delete(key),
    };
}

describe('API keys', () => {
    it('reach the server only as ANTHROPIC_API_KEY / OPENAI_API_KEY in its environment', async () => {
        const secrets = memorySecrets();
        const [anthropic, openai] = KEY_PROVIDERS;
        assert.equal(await storeKey(secrets, anthropic, '  sk-ant-123  '), 'stored');
        assert.equal(secrets.values.get('codecrdt.apiKey.anthropic'), 'sk-ant-123');
        assert.deepEqual(await keyEnvironment(secrets), { ANTHROPIC_API_KEY: 'sk-ant-123' });
        await storeKey(secrets, openai, 'sk-oai');
        const env = serverEnvironment({ PATH: '/bin', ANTHROPIC_API_KEY: 'from-shell' }, await keyEnvironment(secrets));
        assert.equal(env.ANTHROPIC_API_KEY, 'sk-ant-123');
        assert.equal(env.OPENAI_API_KEY, 'sk-oai');
        assert.equal(env.PATH, '/bin');
        assert.deepEqual(serverKeys(env), { anthropic: true, openai: true, openaiBaseUrl: false });
        // The settings the server gets hold no key.
        assert.ok(!JSON.stringify(serverSettings(DEFAULTS)).includes('sk-'));
    });

    it('an empty key removes the stored one; the editor’s own environment is kept', async () => {
        const secrets = memorySecrets();
        const [anthropic] = KEY_PROVIDERS;
        await storeKey(secrets, anthropic, 'sk-ant-123');
        assert.equal(await storeKey(secrets, anthropic, ''), 'deleted');
        assert.deepEqual(await keyEnvironment(secrets), {});
        const env = serverEnvironment({ ANTHROPIC_API_KEY: 'from-shell' }, {});
        assert.equal(env.ANTHROPIC_API_KEY, 'from-shell');
        assert.deepEqual(serverKeys({}), { anthropic: false, openai: false, openaiBaseUrl: false });
    });
});
