import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
    agentChoices,
    DEFAULTS,
    effectiveProvider,
    generateArguments,
    needsRestart,
    nextRunText,
    readSettings,
    serverArguments,
    serverLogLevel,
    serverSettings,
    type ConfigurationLike,
} from '../src/common/settings';

function config(values: Record<string, unknown>): ConfigurationLike {
    return { get: <T>(key: string) => values[key] as T | undefined };
}

describe('settings', () => {
    it('falls back to the defaults for every unset value', () => {
        assert.deepEqual(readSettings(config({})), DEFAULTS);
    });

    it('reads VS Code defaults: null provider means automatic, empty python means look it up', () => {
        const s = readSettings(
            config({ provider: null, model: null, baseUrl: null, agents: 3, mode: 'parallel', python: '', logLevel: 'warn', scriptedTimeScale: 1 }),
        );
        assert.equal(s.provider, null);
        assert.equal(s.python, '');
        assert.equal(s.agents, 3);
    });

    it('turns empty strings into null (a cleared field means "the default")', () => {
        const s = readSettings(config({ model: '', baseUrl: '  ', script: '', provider: '' }));
        assert.equal(s.model, null);
        assert.equal(s.baseUrl, null);
        assert.equal(s.script, null);
        assert.equal(s.provider, null);
    });

    it('passes server-bound values on unchanged, so the server can report bad ones', () => {
        const s = readSettings(config({ agents: 100, mode: 'diagonal', provider: 'scripted', maxCost: 0.5 }));
        assert.equal(s.agents, 100);
        assert.equal(s.mode, 'diagonal');
        assert.equal(serverSettings(s).agents, 100);
    });

    it('keeps only usable values for what the extension itself uses', () => {
        const s = readSettings(config({ logLevel: 'verbose', scriptedTimeScale: -2, python: '  /usr/bin/python3  ' }));
        assert.equal(s.logLevel, 'warn');
        assert.equal(s.scriptedTimeScale, 1);
        assert.equal(s.python, '/usr/bin/python3');
    });

    it('sends the server exactly its camelCase options, nulls included', () => {
        const s = readSettings(
            config({
                provider: 'openai',
                model: 'qwen2.5-coder',
                baseUrl: 'http://127.0.0.1:11434/v1',
                agents: 5,
                mode: 'sequential',
                script: 'inventory-cli',
                maxTokens: 20000,
                maxCost: null,
                python: '/opt/py/bin/python',
                logLevel: 'debug',
                scriptedTimeScale: 4,
            }),
        );
        assert.deepEqual(serverSettings(s), {
            provider: 'openai',
            model: 'qwen2.5-coder',
            baseUrl: 'http://127.0.0.1:11434/v1',
            agents: 5,
            mode: 'sequential',
            script: 'inventory-cli',
            maxTokens: 20000,
            maxCost: null,
        });
        assert.deepEqual(Object.keys(serverSettings(DEFAULTS)).sort(), [
            'agents',
            'baseUrl',
            'maxCost',
            'maxTokens',
            'mode',
            'model',
            'provider',
            'script',
        ]);
    });

    it('maps the log level to Python logging names', () => {
        assert.equal(serverLogLevel('error'), 'ERROR');
        assert.equal(serverLogLevel('warn'), 'WARNING');
        assert.equal(serverLogLevel('info'), 'INFO');
        assert.equal(serverLogLevel('debug'), 'DEBUG');
    });

    it('restarts the server only for settings that change how it is started', () => {
        const event = (changed: string[]) => ({ affectsConfiguration: (s: string) => changed.includes(s) });
        assert.equal(needsRestart(event(['codecrdt', 'codecrdt.python'])), true);
        assert.equal(needsRestart(event(['codecrdt', 'codecrdt.logLevel'])), true);
        assert.equal(needsRestart(event(['codecrdt', 'codecrdt.model'])), false);
        // The base URL is on the server's command line (the URLs it may send a key to).
        assert.equal(needsRestart(event(['codecrdt', 'codecrdt.baseUrl'])), true);
    });

    it('passes the base URL on the command line: the one URL besides the providers\' that gets a key', () => {
        assert.deepEqual(serverArguments(DEFAULTS), []);
        assert.deepEqual(serverArguments({ baseUrl: 'http://127.0.0.1:11434/v1' }), [
            '--allow-base-url',
            'http://127.0.0.1:11434/v1',
        ]);
    });

    it('keeps the provider and the base URL out of workspace settings (machine scope)', () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const manifest = require('../../package.json') as {
            contributes: { configuration: { properties: Record<string, { scope?: string }> } };
        };
        const properties = manifest.contributes.configuration.properties;
        assert.equal(properties['codecrdt.provider'].scope, 'machine');
        assert.equal(properties['codecrdt.baseUrl'].scope, 'machine');
    });

    it('tells the provider as the server does: the setting, else a key or base URL, else none (never scripted)', () => {
        const none = { anthropic: false, openai: false, openaiBaseUrl: false };
        assert.equal(effectiveProvider({ ...DEFAULTS, provider: 'openai' }, { ...none, anthropic: true }), 'openai');
        assert.equal(effectiveProvider({ ...DEFAULTS, provider: 'scripted' }, none), 'scripted');
        assert.equal(effectiveProvider(DEFAULTS, { ...none, anthropic: true, openai: true }), 'anthropic');
        assert.equal(effectiveProvider(DEFAULTS, { ...none, openai: true }), 'openai');
        assert.equal(effectiveProvider(DEFAULTS, { ...none, openaiBaseUrl: true }), 'openai');
        assert.equal(effectiveProvider({ ...DEFAULTS, baseUrl: 'http://127.0.0.1:11434/v1' }, none), 'openai');
        assert.equal(effectiveProvider(DEFAULTS, none), null);
    });

    it('says which provider and model the next run will use', () => {
        const none = { anthropic: false, openai: false, openaiBaseUrl: false };
        assert.equal(nextRunText(DEFAULTS, none), 'next run: no model provider configured');
        assert.equal(nextRunText(DEFAULTS, { ...none, anthropic: true }), "next run: anthropic, model the provider's default");
        assert.equal(
            nextRunText({ ...DEFAULTS, provider: 'openai', baseUrl: 'http://127.0.0.1:11434/v1', model: 'qwen2.5-coder' }, none),
            'next run: openai, model qwen2.5-coder at http://127.0.0.1:11434/v1',
        );
        assert.equal(
            nextRunText({ ...DEFAULTS, provider: 'scripted', script: 'inventory-cli' }, none),
            'next run: scripted (prepared output of inventory-cli, not a model)',
        );
    });

    it('builds codecrdt.generate arguments: timeScale only for the scripted provider', () => {
        const s = { ...DEFAULTS, scriptedTimeScale: 8 };
        const choice = { uri: 'file:///w/app.py', spec: 'A CLI', agents: 5 };
        assert.deepEqual(generateArguments(choice, s, 'scripted'), { uri: 'file:///w/app.py', spec: 'A CLI', agents: 5, timeScale: 8 });
        assert.deepEqual(generateArguments(choice, s, 'anthropic'), { uri: 'file:///w/app.py', spec: 'A CLI', agents: 5 });
        assert.deepEqual(generateArguments(choice, DEFAULTS, 'scripted'), { uri: 'file:///w/app.py', spec: 'A CLI', agents: 5 });
        // An empty spec is left out: the server uses the script's own task.
        assert.deepEqual(generateArguments({ ...choice, spec: '  ' }, DEFAULTS, 'scripted'), { uri: 'file:///w/app.py', agents: 5 });
    });

    it('offers 1/2/3/5/8 agents with the setting preselected (added when it is not among them)', () => {
        assert.deepEqual(agentChoices([1, 2, 3, 5, 8], 3), { counts: [1, 2, 3, 5, 8], preselected: 3 });
        assert.deepEqual(agentChoices([1, 2, 3, 5, 8], 12), { counts: [1, 2, 3, 5, 8, 12], preselected: 12 });
        assert.deepEqual(agentChoices([1, 2, 3, 5, 8], 0), { counts: [1, 2, 3, 5, 8], preselected: 3 });
        assert.deepEqual(agentChoices([1, 2, 3, 5, 8], null), { counts: [1, 2, 3, 5, 8], preselected: 3 });
    });
});
