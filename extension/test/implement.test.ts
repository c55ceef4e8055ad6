import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { implementArguments } from '../src/common/implement';

describe('codecrdt.implement arguments', () => {
    const base = { uri: 'file:///w/a.py', agents: 3, spec: 'ignored', timeScale: 10 };

    it('sends the selected lines as the range, and no spec (the server has its own task)', () => {
        const args = implementArguments(base, { start: { line: 4, character: 2 }, end: { line: 9, character: 0 } });
        assert.deepEqual(args, {
            uri: 'file:///w/a.py',
            agents: 3,
            timeScale: 10,
            range: { start: { line: 4, character: 2 }, end: { line: 9, character: 0 } },
        });
        assert.equal(base.spec, 'ignored'); // the caller's object is left as it was
    });

    it('sends no range for an empty selection (a cursor): the whole file', () => {
        const cursor = { start: { line: 4, character: 2 }, end: { line: 4, character: 2 } };
        assert.deepEqual(implementArguments(base, cursor), { uri: 'file:///w/a.py', agents: 3, timeScale: 10 });
        assert.deepEqual(implementArguments(base, undefined), { uri: 'file:///w/a.py', agents: 3, timeScale: 10 });
    });
});
