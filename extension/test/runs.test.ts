import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileNameOf, parseProgressMessage, runIdOfToken, RunTracker, statusText } from '../src/common/runs';

const started = (runId: string, uri = 'file:///w/app.py', mode = 'parallel') => ({ runId, uri, mode, agents: 3 });

describe('run tracking', () => {
    it('follows a run from runStarted through progress to runFinished', () => {
        let clock = 0;
        const runs = new RunTracker(() => ++clock);
        let changes = 0;
        runs.onDidChange(() => changes++);
        runs.started(started('r1'));
        assert.equal(statusText(runs.active()), 'CodeCRDT: writing');
        runs.progress('r1', 'parallel, 3 agent(s)'); // the progress's begin: no counts yet
        runs.progress('r1', '0/0 TODOs; outlining');
        assert.equal(statusText(runs.active()), 'CodeCRDT: outlining');
        runs.progress('r1', '3/8 TODOs; impl-1 writing parse_args; impl-2 claiming');
        assert.equal(statusText(runs.active()), 'CodeCRDT: writing 3/8 TODOs');
        const done = runs.finished({ runId: 'r1', uri: 'file:///w/app.py', report: { todos: [{ status: 'done' }] } });
        assert.equal(done?.runId, 'r1');
        assert.equal(statusText(runs.active()), 'CodeCRDT: idle');
        assert.equal(runs.finished({ runId: 'r1', uri: 'file:///w/app.py', report: null }), undefined);
        assert.equal(runs.lastFor('file:///w/app.py')?.runId, 'r1');
        // started, two counted progress reports, finished: the begin and the repeated end change nothing.
        assert.equal(changes, 4);
    });

    it('shows the latest of several runs and how many more there are', () => {
        let clock = 0;
        const runs = new RunTracker(() => ++clock);
        runs.started(started('r1', 'file:///w/a.py'));
        runs.started(started('r2', 'file:///w/b.py'));
        runs.progress('r2', '1/4 TODOs; impl-1 writing x');
        assert.equal(statusText(runs.active()), 'CodeCRDT: writing 1/4 TODOs (+1 more)');
        assert.equal(runs.activeFor('file:///w/a.py')?.runId, 'r1');
    });

    it('a sequential run has no TODOs to count', () => {
        const runs = new RunTracker();
        runs.started(started('r1', 'file:///w/a.py', 'sequential'));
        runs.progress('r1', '0/0 TODOs; outlining');
        assert.equal(statusText(runs.active()), 'CodeCRDT: writing');
    });

    it('knows which runs a crash lost, and forgets them all (a new server cannot undo them)', () => {
        const runs = new RunTracker();
        runs.started(started('r1', 'file:///w/a.py'));
        runs.started(started('r2', 'file:///w/b.py'));
        runs.finished({ runId: 'r1', uri: 'file:///w/a.py', report: null });
        const lost = runs.abandonAll();
        assert.deepEqual(
            lost.map((r) => r.runId),
            ['r2'],
        );
        assert.deepEqual(runs.active(), []);
        assert.equal(runs.lastFor('file:///w/a.py'), undefined);
        // A runFinished from the old server for a forgotten run changes nothing.
        assert.equal(runs.finished({ runId: 'r2', uri: 'file:///w/b.py', report: null }), undefined);
    });

    it('reads run ids from progress tokens and counts from progress messages', () => {
        assert.equal(runIdOfToken('codecrdt/r7'), 'r7');
        assert.equal(runIdOfToken('other/r7'), undefined);
        assert.equal(runIdOfToken(42), undefined);
        assert.deepEqual(parseProgressMessage('3/8 TODOs; impl-1 writing parse_args'), {
            done: 3,
            total: 8,
            message: '3/8 TODOs; impl-1 writing parse_args',
        });
        assert.equal(parseProgressMessage('parallel, 3 agent(s)'), undefined);
        assert.equal(parseProgressMessage(undefined), undefined);
    });

    it('names files by their last path segment', () => {
        assert.equal(fileNameOf('file:///w/src/App.tsx'), 'App.tsx');
        assert.equal(fileNameOf('file:///w/my%20tool.py'), 'my tool.py');
    });
});
