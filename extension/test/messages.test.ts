import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluationSummary, runsLost, runSummary, serverNotInstalled, shellQuote } from '../src/common/messages';

const todos = (statuses: string[]) => statuses.map((status, i) => ({ id: `t${i}`, name: `todo${i}`, status }));

describe('run summary', () => {
    it('says what a clean run did', () => {
        const summary = runSummary('app.py', {
            wall_s: 12.34,
            todos: todos(['done', 'done', 'done']),
            conflicts: { found: 2, fixed_deterministic: 1, fixed_model: 1, left: 0 },
            stopped_by: null,
        });
        assert.equal(summary.severity, 'info');
        assert.equal(summary.text, 'CodeCRDT wrote app.py in 12.3 s: 3 of 3 TODOs done; 2 conflicts found, 2 fixed (1 by the model), 0 left.');
    });

    it('warns about what was left: failed TODOs and conflicts', () => {
        const summary = runSummary('App.tsx', {
            wall_s: 3,
            todos: todos(['done', 'failed', 'done', 'done']),
            conflicts: { found: 1, fixed_deterministic: 0, fixed_model: 0, left: 1 },
        });
        assert.equal(summary.severity, 'warning');
        assert.equal(summary.text, 'CodeCRDT wrote App.tsx in 3.0 s: 3 of 4 TODOs done (1 failed); 1 conflict found, 0 fixed, 1 left.');
    });

    it('counts declarations kept out of other lanes and names off-spec TODOs', () => {
        const summary = runSummary('wordstats.py', {
            wall_s: 2,
            todos: todos(['done', 'done']),
            conflicts: { found: 0, left: 0 },
            prevented: 3,
            plan_off_spec: ['load_notes', 'save_notes'],
        });
        assert.equal(
            summary.text,
            'CodeCRDT wrote wordstats.py in 2.0 s: 2 of 2 TODOs done; no conflicts; 3 declarations kept out of ' +
                "other TODOs' lanes; TODOs sharing no word with the spec: load_notes, save_notes.",
        );
    });

    it('counts the lines of answers that echoed their request', () => {
        const summary = runSummary('wordstats.py', {
            wall_s: 2,
            todos: todos(['done']),
            conflicts: { found: 0, left: 0 },
            echo_dropped: 12,
        });
        assert.equal(
            summary.text,
            'CodeCRDT wrote wordstats.py in 2.0 s: 1 of 1 TODOs done; no conflicts; 12 lines echoing the prompt dropped.',
        );
    });

    it('says why a run stopped early', () => {
        const cancelled = runSummary('app.py', {
            wall_s: 4.2,
            todos: todos(['done', 'pending', 'pending']),
            conflicts: { found: 0, left: 0 },
            stopped_by: 'cancel',
        });
        assert.equal(cancelled.severity, 'warning');
        assert.equal(cancelled.text, 'CodeCRDT cancelled writing app.py in 4.2 s: 1 of 3 TODOs done; no conflicts.');
        const failed = runSummary('app.py', { stopped_by: 'error', error: 'outliner: 401 invalid key', outline_complete: false, conflicts: {} });
        assert.equal(failed.severity, 'error');
        assert.match(failed.text, /^CodeCRDT stopped by an error writing app\.py: no conflicts\. outliner: 401 invalid key /);
        assert.match(failed.text, /everything the run wrote was taken back/);
        assert.match(runSummary('a.py', { stopped_by: 'budget' }).text, /stopped at its token or cost budget/);
    });

    it('leaves out TODOs for a sequential run and shows a cost when there is one', () => {
        const summary = runSummary('tool.py', { mode: 'sequential', todos: [], conflicts: { found: 0, left: 0 }, cost_usd: 0.0421, wall_s: 9 });
        assert.equal(summary.text, 'CodeCRDT wrote tool.py in 9.0 s: no conflicts; $0.04.');
    });

    it('says which mode auto chose', () => {
        const report = { mode: 'sequential', todos: [], conflicts: {}, wall_s: 12, mode_choice: { mode: 'sequential', reason: 'auto chose sequential: …' } };
        assert.equal(runSummary('tool.py', report).text, 'CodeCRDT wrote tool.py in 12.0 s (auto chose sequential): no conflicts.');
        assert.equal(runSummary('tool.py', { ...report, mode_choice: null }).text, 'CodeCRDT wrote tool.py in 12.0 s: no conflicts.');
    });

    it('copes with a run that ended without a report', () => {
        assert.equal(runSummary('app.py', null).severity, 'error');
        assert.match(runSummary('app.py', null).text, /without a report/);
    });
});

describe('other messages', () => {
    it('names the interpreter in the install message and quotes it when needed', () => {
        const text = serverNotInstalled('/Users/me/My Envs/bin/python');
        assert.match(text, /not installed in "\/Users\/me\/My Envs\/bin\/python"/);
        assert.match(text, /""\/Users\/me\/My Envs\/bin\/python" -m pip install -e \/path\/to\/codecrdt"/);
        assert.match(text, /not published on PyPI/);
        assert.equal(shellQuote('/usr/bin/python3'), '/usr/bin/python3');
        assert.equal(shellQuote('C:\\Python312\\python.exe'), 'C:\\Python312\\python.exe');
    });

    it('names the runs a crash lost', () => {
        assert.equal(
            runsLost([{ runId: 'r3', fileName: 'app.py' }], true),
            'CodeCRDT restarted after a crash; the run r3 on app.py was lost. What its agents had written stays in the editor (see the log for the crash).',
        );
        assert.match(runsLost([{ runId: 'r1', fileName: 'a.py' }, { runId: 'r2', fileName: 'b.ts' }], false), /^CodeCRDT stopped after repeated crashes; the runs r1 on a\.py, r2 on b\.ts were lost/);
    });

    it('counts the Evaluator’s fixes', () => {
        assert.deepEqual(evaluationSummary('app.py', { found: 0, fixedDeterministic: 0, fixedModel: 0, left: [], errors: [] }), {
            severity: 'info',
            text: 'CodeCRDT Evaluator: no conflicts in app.py.',
        });
        assert.deepEqual(
            evaluationSummary('app.py', { found: 3, fixedDeterministic: 1, fixedModel: 1, left: [{ code: 'duplicate-declaration' }], errors: [] }),
            { severity: 'warning', text: 'CodeCRDT Evaluator: 3 conflicts found in app.py; 2 fixed (1 deterministic, 1 by the model), 1 left.' },
        );
    });
});
