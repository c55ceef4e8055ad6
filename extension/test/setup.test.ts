import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
    candidateUrls,
    DEFAULT_LOCAL_URL,
    DEMO_NOTICE,
    demoLanguage,
    demoScript,
    isNoProviderError,
    listModels,
    offerProviderSetup,
    parseModelList,
    SETUP_ITEMS,
    urlProblem,
    type FetchLike,
    type SetupChoice,
    type SetupUi,
} from '../src/common/setup';

/** A UI that answers from a list and records every call. */
function fakeUi(answers: {
    pick?: SetupChoice;
    url?: string;
    models?: { baseUrl: string; models: string[] } | Error;
    model?: string;
    confirm?: boolean;
}): SetupUi & { calls: string[]; saved: unknown[]; errors: string[] } {
    const calls: string[] = [];
    const saved: unknown[] = [];
    const errors: string[] = [];
    return {
        calls,
        saved,
        errors,
        pick: async (items) => {
            calls.push(`pick ${items.map((i) => i.label).join(' | ')}`);
            return answers.pick;
        },
        setApiKey: async () => void calls.push('setApiKey'),
        askUrl: async (initial) => {
            calls.push(`askUrl ${initial}`);
            return answers.url;
        },
        listModels: async (url) => {
            calls.push(`listModels ${url}`);
            if (answers.models instanceof Error) {
                throw answers.models;
            }
            return answers.models ?? { baseUrl: url, models: [] };
        },
        pickModel: async (models, baseUrl) => {
            calls.push(`pickModel ${models.join(',')} @ ${baseUrl}`);
            return answers.model;
        },
        saveLocalModel: async (settings) => void saved.push(settings),
        confirmDemo: async (notice) => {
            calls.push(`confirmDemo ${notice}`);
            return answers.confirm ?? false;
        },
        runDemo: async () => void calls.push('runDemo'),
        showError: (message) => void errors.push(message),
    };
}

describe('no provider configured', () => {
    it('recognises the server’s refusal by its code and data, not by its words', () => {
        assert.ok(isNoProviderError({ code: -32602, message: 'no model provider is configured: …', data: { reason: 'noProvider' } }));
        assert.ok(!isNoProviderError({ code: -32602, message: 'agents must be between 1 and 64' }));
        assert.ok(!isNoProviderError({ code: -32603, data: { reason: 'noProvider' } }));
        assert.ok(!isNoProviderError(new Error('no model provider is configured')));
        assert.ok(!isNoProviderError(undefined));
    });

    it('offers exactly three choices in one quick pick, the demo saying it ignores the spec', async () => {
        assert.deepEqual(
            SETUP_ITEMS.map((i) => i.label),
            ['Set API Key', 'Use a Local Model', 'Run the Offline Demo'],
        );
        assert.match(SETUP_ITEMS[2].detail, /not a model: ignores your spec and writes into a new untitled file/);
        const ui = fakeUi({});
        assert.equal(await offerProviderSetup(ui, null), undefined); // dismissed: nothing else
        assert.deepEqual(ui.calls, ['pick Set API Key | Use a Local Model | Run the Offline Demo']);
    });

    it('Set API Key runs the secrets flow', async () => {
        const ui = fakeUi({ pick: 'apiKey' });
        assert.equal(await offerProviderSetup(ui, null), 'apiKey');
        assert.deepEqual(ui.calls.slice(1), ['setApiKey']);
    });

    it('Use a Local Model asks for the URL, lists its models and saves provider, baseUrl and model', async () => {
        const ui = fakeUi({
            pick: 'localModel',
            url: 'http://127.0.0.1:8080',
            models: { baseUrl: 'http://127.0.0.1:8080/v1', models: ['llama-3', 'qwen2.5-coder'] },
            model: 'qwen2.5-coder',
        });
        assert.equal(await offerProviderSetup(ui, null), 'localModel');
        assert.deepEqual(ui.calls.slice(1), [
            `askUrl ${DEFAULT_LOCAL_URL}`,
            'listModels http://127.0.0.1:8080',
            'pickModel llama-3,qwen2.5-coder @ http://127.0.0.1:8080/v1',
        ]);
        assert.deepEqual(ui.saved, [{ provider: 'openai', baseUrl: 'http://127.0.0.1:8080/v1', model: 'qwen2.5-coder' }]);
    });

    it('a local server that does not answer is an error, and nothing is saved', async () => {
        const ui = fakeUi({ pick: 'localModel', url: 'http://127.0.0.1:9', models: new Error('no OpenAI-compatible server with models at …') });
        assert.equal(await offerProviderSetup(ui, 'http://10.0.0.2:8000/v1'), undefined);
        assert.equal(ui.calls[1], 'askUrl http://10.0.0.2:8000/v1'); // the configured URL first
        assert.deepEqual(ui.saved, []);
        assert.deepEqual(ui.errors, ['no OpenAI-compatible server with models at …']);
    });

    it('the demo runs only once the user has read that it ignores the spec', async () => {
        const declined = fakeUi({ pick: 'demo', confirm: false });
        assert.equal(await offerProviderSetup(declined, null), undefined);
        assert.deepEqual(declined.calls.slice(1), [`confirmDemo ${DEMO_NOTICE}`]);
        assert.match(DEMO_NOTICE, /ignores your spec and writes into a new untitled file, not into your file/);
        const accepted = fakeUi({ pick: 'demo', confirm: true });
        assert.equal(await offerProviderSetup(accepted, null), 'demo');
        assert.deepEqual(accepted.calls.slice(2), ['runDemo']);
        assert.equal(demoLanguage('typescriptreact'), 'typescriptreact');
        assert.equal(demoLanguage('typescript'), 'python'); // the bundled tasks: Python and TSX
        assert.equal(demoScript('python', null), 'inventory-cli');
        assert.equal(demoScript('typescriptreact', null), 'pomodoro-timer');
        assert.equal(demoScript('python', 'csv-pipeline'), 'csv-pipeline'); // codecrdt.script
    });

    it('checks URLs and tries <url>/v1/models before <url>/models', () => {
        assert.equal(urlProblem('http://127.0.0.1:11434/v1'), undefined);
        assert.match(urlProblem('') ?? '', /OpenAI-compatible/);
        assert.equal(urlProblem('localhost:11434'), 'An http:// or https:// URL');
        assert.equal(urlProblem('not a url'), 'Not a URL: not a url');
        assert.deepEqual(candidateUrls('http://h:1/v1/'), [{ baseUrl: 'http://h:1/v1', modelsUrl: 'http://h:1/v1/models' }]);
        assert.deepEqual(
            candidateUrls('http://h:1'),
            [
                { baseUrl: 'http://h:1/v1', modelsUrl: 'http://h:1/v1/models' },
                { baseUrl: 'http://h:1', modelsUrl: 'http://h:1/models' },
            ],
        );
        assert.deepEqual(parseModelList({ object: 'list', data: [{ id: 'b' }, { id: 'a' }, { id: 'a' }, {}] }), ['a', 'b']);
        assert.throws(() => parseModelList({ models: [] }), /not an OpenAI-compatible model list/);
    });
});

describe('listModels against a real HTTP server', () => {
    let server: http.Server;
    let base: string;
    const seen: string[] = [];
    before(async () => {
        server = http.createServer((request, response) => {
            seen.push(`${request.method} ${request.url}`);
            if (request.url === '/v1/models') {
                response.writeHead(200, { 'content-type': 'application/json' });
                response.end(JSON.stringify({ object: 'list', data: [{ id: 'qwen2.5-coder:7b', object: 'model' }, { id: 'llama3.2', object: 'model' }] }));
            } else if (request.url === '/empty/v1/models') {
                response.writeHead(200, { 'content-type': 'application/json' });
                response.end(JSON.stringify({ object: 'list', data: [] }));
            } else {
                response.writeHead(404);
                response.end();
            }
        });
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
        base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('finds the models at <url>/v1/models and returns the base URL that answered', async () => {
        seen.length = 0;
        assert.deepEqual(await listModels(base, fetch as unknown as FetchLike), { baseUrl: `${base}/v1`, models: ['llama3.2', 'qwen2.5-coder:7b'] });
        assert.deepEqual(seen, ['GET /v1/models']);
    });

    it('says what each URL answered when none lists a model', async () => {
        await assert.rejects(listModels(`${base}/empty`, fetch as unknown as FetchLike), (error: Error) => {
            assert.equal(
                error.message,
                `no OpenAI-compatible server with models at ${base}/empty (GET ${base}/empty/v1/models: the server lists no models; ` +
                    `GET ${base}/empty/models: HTTP 404)`,
            );
            return true;
        });
    });

    it('says so when nothing listens at the URL', async () => {
        const closed = http.createServer();
        await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
        const port = (closed.address() as AddressInfo).port;
        await new Promise<void>((resolve) => closed.close(() => resolve()));
        await assert.rejects(listModels(`http://127.0.0.1:${port}/v1`, fetch as unknown as FetchLike, 2000), /no OpenAI-compatible server with models at .*fetch failed/);
    });
});
