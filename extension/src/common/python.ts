/**
 * Finds the Python interpreter that runs the server and checks that it can: the
 * `codecrdt.python` setting, else the Python extension's selected interpreter, else
 * `python3`; the one chosen must import `codecrdt` at a compatible version.
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { MINIMUM_PYTHON, MINIMUM_SERVER_VERSION, SERVER_MODULE } from './constants';
import * as messages from './messages';

/** What running a candidate interpreter told us. */
export interface ProbeResult {
    /** False when the interpreter could not be run at all. */
    ran: boolean;
    /** `sys.executable`: the resolved path, for messages. */
    executable?: string;
    pythonVersion?: string;
    /** Undefined when `import codecrdt` failed. */
    serverVersion?: string;
    error?: string;
}

export type Probe = (python: string) => Promise<ProbeResult>;

export type PythonSource = 'setting' | 'python-extension' | 'default';

export interface PythonLookup {
    /** The `codecrdt.python` setting (empty: not set). */
    setting: string;
    workspaceFolder?: string;
    /** The Python extension's interpreter for the workspace, if that extension is there. */
    pythonExtension: () => Promise<string | undefined>;
    probe: Probe;
    /** The last resort; `python3` (`python` on Windows). */
    fallback?: string;
}

export interface PythonChoice {
    python: string;
    source: PythonSource;
    probe: ProbeResult;
    /** Why this interpreter cannot run the server; undefined when it can. */
    problem?: string;
}

export function defaultPython(platform: NodeJS.Platform = process.platform): string {
    return platform === 'win32' ? 'python' : 'python3';
}

/**
 * The interpreter to start the server with. An explicit setting is used as it is (its
 * problem is reported, not silently replaced). Otherwise the Python extension's choice is
 * preferred; `python3` is used instead only when it can run the server and the former cannot.
 */
export async function findPython(lookup: PythonLookup): Promise<PythonChoice> {
    if (lookup.setting) {
        const python = expandPath(lookup.setting, lookup.workspaceFolder);
        return judge(python, 'setting', await lookup.probe(python));
    }
    const candidates: { python: string; source: PythonSource }[] = [];
    let fromExtension: string | undefined;
    try {
        fromExtension = await lookup.pythonExtension();
    } catch {
        fromExtension = undefined; // the Python extension is optional: its failure is no reason to stop
    }
    if (fromExtension) {
        candidates.push({ python: fromExtension, source: 'python-extension' });
    }
    const fallback = lookup.fallback ?? defaultPython();
    if (!candidates.some((c) => c.python === fallback)) {
        candidates.push({ python: fallback, source: 'default' });
    }
    const judged: PythonChoice[] = [];
    for (const candidate of candidates) {
        const choice = judge(candidate.python, candidate.source, await lookup.probe(candidate.python));
        if (!choice.problem) {
            return choice;
        }
        judged.push(choice);
    }
    // None can run the server: report the preferred one, which the user most likely wants fixed.
    return judged.find((c) => c.probe.ran) ?? judged[0];
}

function judge(python: string, source: PythonSource, probe: ProbeResult): PythonChoice {
    const shown = probe.executable || python;
    let problem: string | undefined;
    if (!probe.ran) {
        problem = messages.pythonNotRunnable(python, probe.error ?? 'it did not start');
    } else if (probe.pythonVersion && compareVersions(probe.pythonVersion, MINIMUM_PYTHON) < 0) {
        problem = messages.pythonTooOld(shown, probe.pythonVersion);
    } else if (probe.serverVersion === undefined) {
        problem = messages.serverNotInstalled(shown);
    } else {
        const check = checkServerVersion(probe.serverVersion);
        if (check === 'unreadable') {
            problem = messages.serverUnreadableVersion(shown, probe.serverVersion);
        } else if (check === 'incompatible') {
            problem = messages.serverIncompatible(shown, probe.serverVersion);
        }
    }
    return { python, source, probe, problem };
}

/** `[major, minor, patch]` of a PEP 440 or semver version ("0.1.0", "0.2.0rc1", "1.0"). */
export function parseVersion(version: string): [number, number, number] | undefined {
    const match = /^\s*v?(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version);
    if (!match) {
        return undefined;
    }
    return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

export function compareVersions(a: string, b: string): number {
    const x = parseVersion(a);
    const y = parseVersion(b);
    if (!x || !y) {
        return Number.NaN;
    }
    for (let i = 0; i < 3; i++) {
        if (x[i] !== y[i]) {
            return x[i] - y[i];
        }
    }
    return 0;
}

/** Same major.minor as the minimum, and not older than it (0.x minors break compatibility). */
export function checkServerVersion(found: string, minimum: string = MINIMUM_SERVER_VERSION): 'ok' | 'incompatible' | 'unreadable' {
    const have = parseVersion(found);
    const need = parseVersion(minimum);
    if (!have || !need) {
        return 'unreadable';
    }
    if (have[0] !== need[0] || have[1] !== need[1] || have[2] < need[2]) {
        return 'incompatible';
    }
    return 'ok';
}

/** `~` and `${workspaceFolder}` expanded; a relative path is taken from the workspace folder. */
export function expandPath(setting: string, workspaceFolder?: string, home: string = os.homedir()): string {
    let value = setting.trim();
    if (workspaceFolder) {
        value = value.replace(/\$\{workspaceFolder\}/g, workspaceFolder);
    }
    if (value === '~' || value.startsWith('~/') || value.startsWith('~\\')) {
        value = path.join(home, value.slice(1));
    }
    // A bare name ("python3.12") is looked up on PATH; only paths are made absolute.
    if (workspaceFolder && /[\\/]/.test(value) && !path.isAbsolute(value)) {
        value = path.join(workspaceFolder, value);
    }
    return value;
}

/** Prints, one per line, whatever it gets to before `import codecrdt` fails. */
const PROBE_SCRIPT = [
    'import sys',
    'print(sys.executable)',
    'print("%d.%d.%d" % sys.version_info[:3])',
    'sys.stdout.flush()',
    `import ${SERVER_MODULE}`,
    `print(${SERVER_MODULE}.__version__)`,
].join('\n');

export function parseProbeOutput(stdout: string): Omit<ProbeResult, 'ran' | 'error'> {
    const [executable, pythonVersion, serverVersion] = stdout.split(/\r?\n/).map((line) => line.trim());
    return {
        executable: executable || undefined,
        pythonVersion: pythonVersion || undefined,
        serverVersion: serverVersion || undefined,
    };
}

/** Runs the interpreter for real; the tests inject their own probe instead. */
export const runProbe: Probe = (python) =>
    new Promise((resolve) => {
        execFile(python, ['-c', PROBE_SCRIPT], { timeout: 20_000, windowsHide: true }, (error, stdout, stderr) => {
            const parsed = parseProbeOutput(String(stdout));
            if (error && !parsed.executable) {
                const code = (error as NodeJS.ErrnoException).code;
                const reason = code === 'ENOENT' ? 'not found' : String(stderr).trim().split('\n').pop() || error.message;
                resolve({ ran: false, error: reason });
                return;
            }
            resolve({ ran: true, ...parsed, error: error ? String(stderr).trim() : undefined });
        });
    });

/**
 * The interpreter selected in the Python extension (`ms-python.python`), when it is
 * installed; `extensions` is `vscode.extensions`, passed in so this module needs no editor.
 */
export async function pythonExtensionInterpreter(
    extensions: typeof vscode.extensions,
    resource?: vscode.Uri,
): Promise<string | undefined> {
    const extension = extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (!extension) {
        return undefined;
    }
    const api = extension.isActive ? extension.exports : await extension.activate();
    const environments = api?.environments;
    if (!environments?.getActiveEnvironmentPath) {
        return undefined;
    }
    const active = environments.getActiveEnvironmentPath(resource);
    // The path may name an environment folder (conda); resolving gives its executable.
    const resolved = await environments.resolveEnvironment?.(active);
    return resolved?.executable?.uri?.fsPath ?? active?.path;
}

/** The part of the Python extension's API used here. */
export interface PythonExtensionApi {
    environments?: {
        getActiveEnvironmentPath(resource?: vscode.Uri): { id: string; path: string };
        resolveEnvironment?(
            environment: { id: string; path: string },
        ): Promise<{ executable?: { uri?: { fsPath: string } } } | undefined>;
        onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
    };
}

/** Calls `listener` when the Python extension selects another interpreter (if it is there). */
export function onPythonInterpreterChanged(extensions: typeof vscode.extensions, listener: () => void): { dispose(): void } {
    let subscription: { dispose(): unknown } | undefined;
    let disposed = false;
    const extension = extensions.getExtension<PythonExtensionApi>('ms-python.python');
    if (extension) {
        Promise.resolve(extension.isActive ? extension.exports : extension.activate()).then(
            (api) => {
                if (!disposed) {
                    subscription = api?.environments?.onDidChangeActiveEnvironmentPath?.(() => listener());
                }
            },
            () => undefined, // without the Python extension's events, a restart picks up a new interpreter
        );
    }
    return {
        dispose: () => {
            disposed = true;
            subscription?.dispose();
        },
    };
}
