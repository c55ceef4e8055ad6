/**
 * Every sentence the extension shows about the server and its runs, built from plain data
 * so that tests can read them: what to install, what a run did, what a crash lost.
 */
import { MINIMUM_PYTHON, MINIMUM_SERVER_VERSION, SERVER_MODULE } from './constants';

/** A path as it must be typed in a shell: quoted when it holds spaces or quotes. */
export function shellQuote(path: string): string {
    return /^[\w@%+=:,./\\-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, '\\$1')}"`;
}

export function pythonNotRunnable(python: string, error: string): string {
    return (
        `CodeCRDT could not run the Python interpreter ${shellQuote(python)}: ${error}. ` +
        `Set "codecrdt.python" to a Python ${MINIMUM_PYTHON} or newer that has CodeCRDT installed.`
    );
}

export function pythonTooOld(python: string, version: string): string {
    return (
        `CodeCRDT needs Python ${MINIMUM_PYTHON} or newer, but ${shellQuote(python)} is Python ${version}. ` +
        `Set "codecrdt.python" to a newer interpreter and install CodeCRDT there.`
    );
}

/** The package is not on PyPI: the only install is from a clone of the repository. */
export function serverNotInstalled(python: string): string {
    const p = shellQuote(python);
    return (
        `CodeCRDT's language server is not installed in ${p}. ` +
        `It is not published on PyPI, so "${p} -m pip install ${SERVER_MODULE}" will not work: ` +
        `install it from a clone of the CodeCRDT repository with ` +
        `"${p} -m pip install -e /path/to/codecrdt" (the folder that holds pyproject.toml), ` +
        `or set "codecrdt.python" to an interpreter that has it.`
    );
}

export function serverIncompatible(python: string, found: string): string {
    const p = shellQuote(python);
    const [major, minor] = MINIMUM_SERVER_VERSION.split('.');
    return (
        `${p} has CodeCRDT ${found}, but this extension needs ${major}.${minor}.x ` +
        `(${MINIMUM_SERVER_VERSION} or later). Update the repository and reinstall it with ` +
        `"${p} -m pip install -e /path/to/codecrdt", or set "codecrdt.python" to an interpreter with a matching version.`
    );
}

export function serverUnreadableVersion(python: string, output: string): string {
    return `CodeCRDT's package in ${shellQuote(python)} did not report a version (${output || 'no output'}): reinstall it from the repository.`;
}

/** The report the server sends with `codecrdt/runFinished` (snake_case, as the CLI writes it). */
export interface RunReport {
    mode?: string;
    agents?: number;
    wall_s?: number;
    todos?: { id?: string; name?: string; status?: string }[];
    conflicts?: { found?: number; fixed_deterministic?: number; fixed_model?: number; left?: number };
    stopped_by?: string | null;
    error?: string | null;
    outline_complete?: boolean;
    cost_usd?: number | null;
    /** With mode `auto`: the mode it chose and why (null when a mode was set). */
    mode_choice?: { mode?: string; reason?: string } | null;
    prevented?: number;
    /** Lines of answers that echoed their request, not written. */
    echo_dropped?: number;
    plan_off_spec?: string[];
}

export interface Summary {
    severity: 'info' | 'warning' | 'error';
    text: string;
}

const STOPPED: Record<string, string> = {
    cancel: 'cancelled',
    budget: 'stopped at its token or cost budget',
    error: 'stopped by an error',
};

/** One message per finished run: what stopped it, TODOs done, conflicts fixed and left. */
export function runSummary(fileName: string, report: RunReport | null | undefined, state?: string): Summary {
    if (!report) {
        return {
            severity: 'error',
            text: `CodeCRDT: the run on ${fileName} ${state === 'cancelled' ? 'was cancelled' : 'failed'} without a report (see the log).`,
        };
    }
    const parts: string[] = [];
    const todos = report.todos ?? [];
    if (todos.length > 0) {
        const done = todos.filter((t) => t.status === 'done').length;
        const failed = todos.filter((t) => t.status === 'failed').length;
        parts.push(`${done} of ${todos.length} TODOs done` + (failed ? ` (${failed} failed)` : ''));
    }
    const c = report.conflicts ?? {};
    const found = c.found ?? 0;
    const fixed = (c.fixed_deterministic ?? 0) + (c.fixed_model ?? 0);
    const left = c.left ?? 0;
    parts.push(
        found === 0 && left === 0
            ? 'no conflicts'
            : `${plural(found, 'conflict')} found, ${fixed} fixed` +
                  (c.fixed_model ? ` (${c.fixed_model} by the model)` : '') +
                  `, ${left} left`,
    );
    if (report.prevented) {
        parts.push(`${plural(report.prevented, 'declaration')} kept out of other TODOs' lanes`);
    }
    if (report.echo_dropped) {
        parts.push(`${plural(report.echo_dropped, 'line')} echoing the prompt dropped`);
    }
    if (report.plan_off_spec && report.plan_off_spec.length > 0) {
        parts.push(`TODOs sharing no word with the spec: ${report.plan_off_spec.join(', ')}`);
    }
    if (typeof report.cost_usd === 'number' && report.cost_usd > 0) {
        parts.push(`$${report.cost_usd.toFixed(report.cost_usd < 0.01 ? 4 : 2)}`);
    }
    const auto = report.mode_choice?.mode ? ` (auto chose ${report.mode_choice.mode})` : '';
    const took = (typeof report.wall_s === 'number' ? ` in ${report.wall_s.toFixed(1)} s` : '') + auto;
    const stopped = report.stopped_by ? (STOPPED[report.stopped_by] ?? `stopped (${report.stopped_by})`) : null;
    let text: string;
    if (stopped) {
        text = `CodeCRDT ${stopped} writing ${fileName}${took}: ${parts.join('; ')}.`;
        if (report.error) {
            text += ` ${report.error}`;
        }
        if (report.outline_complete === false) {
            text += ' The outline was not finished, so everything the run wrote was taken back.';
        }
    } else {
        text = `CodeCRDT wrote ${fileName}${took}: ${parts.join('; ')}.`;
    }
    const failed = todos.some((t) => t.status === 'failed');
    const severity = report.stopped_by === 'error' ? 'error' : stopped || left > 0 || failed ? 'warning' : 'info';
    return { severity, text };
}

export function runsLost(runs: { runId: string; fileName: string }[], restarted: boolean): string {
    const which = runs.map((r) => `${r.runId} on ${r.fileName}`).join(', ');
    const what = runs.length === 1 ? `the run ${which} was lost` : `the runs ${which} were lost`;
    const how = restarted ? 'CodeCRDT restarted after a crash' : 'CodeCRDT stopped after repeated crashes';
    return `${how}; ${what}. What its agents had written stays in the editor (see the log for the crash).`;
}

export interface EvaluateResult {
    found?: number;
    fixedDeterministic?: number;
    fixedModel?: number;
    left?: unknown[] | number;
    errors?: string[];
}

export function evaluationSummary(fileName: string, result: EvaluateResult): Summary {
    const found = result.found ?? 0;
    const deterministic = result.fixedDeterministic ?? 0;
    const model = result.fixedModel ?? 0;
    const left = Array.isArray(result.left) ? result.left.length : (result.left ?? 0);
    const errors = result.errors ?? [];
    if (found === 0 && left === 0 && errors.length === 0) {
        return { severity: 'info', text: `CodeCRDT Evaluator: no conflicts in ${fileName}.` };
    }
    let text =
        `CodeCRDT Evaluator: ${plural(found, 'conflict')} found in ${fileName}; ` +
        `${deterministic + model} fixed (${deterministic} deterministic, ${model} by the model), ${left} left.`;
    if (errors.length > 0) {
        text += ` Errors: ${errors.join('; ')}`;
    }
    return { severity: errors.length > 0 || left > 0 ? 'warning' : 'info', text };
}

function plural(n: number, word: string): string {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
