import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
    checkServerVersion,
    compareVersions,
    expandPath,
    findPython,
    parseProbeOutput,
    parseVersion,
    runProbe,
    type ProbeResult,
} from '../src/common/python';

const WITH_SERVER: ProbeResult = { ran: true, executable: '/env/bin/python', pythonVersion: '3.12.4', serverVersion: '0.1.0' };
const WITHOUT_SERVER: ProbeResult = { ran: true, executable: '/env/bin/python', pythonVersion: '3.12.4' };

/** A probe answering from a table, and the interpreters it was asked about, in order. */
function probeFrom(table: Record<string, ProbeResult>) {
    const asked: string[] = [];
    const probe = async (python: string): Promise<ProbeResult> => {
        asked.push(python);
        return table[python] ?? { ran: false, error: 'not found' };
    };
    return { probe, asked };
}

describe('Python lookup order', () => {
    it('uses the codecrdt.python setting first, without asking the Python extension', async () => {
        const { probe, asked } = probeFrom({ '/opt/py/bin/python': WITH_SERVER, python3: WITH_SERVER });
        let extensionAsked = false;
        const choice = await findPython({
            setting: '/opt/py/bin/python',
            pythonExtension: async () => {
                extensionAsked = true;
                return '/venv/bin/python';
            },
            probe,
            fallback: 'python3',
        });
        assert.equal(choice.python, '/opt/py/bin/python');
        assert.equal(choice.source, 'setting');
        assert.equal(choice.problem, undefined);
        assert.deepEqual(asked, ['/opt/py/bin/python']);
        assert.equal(extensionAsked, false);
    });

    it('reports a broken setting instead of silently using another interpreter', async () => {
        const { probe } = probeFrom({ python3: WITH_SERVER });
        const choice = await findPython({ setting: '/nope/python', pythonExtension: async () => undefined, probe, fallback: 'python3' });
        assert.equal(choice.python, '/nope/python');
        assert.match(choice.problem ?? '', /could not run the Python interpreter \/nope\/python: not found/);
    });

    it('then the Python extension’s interpreter', async () => {
        const { probe, asked } = probeFrom({ '/venv/bin/python': WITH_SERVER, python3: WITH_SERVER });
        const choice = await findPython({ setting: '', pythonExtension: async () => '/venv/bin/python', probe, fallback: 'python3' });
        assert.equal(choice.python, '/venv/bin/python');
        assert.equal(choice.source, 'python-extension');
        assert.deepEqual(asked, ['/venv/bin/python']);
    });

    it('then python3, when the Python extension is missing or fails', async () => {
        const { probe } = probeFrom({ python3: WITH_SERVER });
        const missing = await findPython({ setting: '', pythonExtension: async () => undefined, probe, fallback: 'python3' });
        assert.equal(missing.python, 'python3');
        assert.equal(missing.source, 'default');
        const failing = await findPython({
            setting: '',
            pythonExtension: async () => {
                throw new Error('extension host hiccup');
            },
            probe,
            fallback: 'python3',
        });
        assert.equal(failing.python, 'python3');
    });

    it('falls back to python3 when the selected interpreter lacks codecrdt and python3 has it', async () => {
        const { probe, asked } = probeFrom({ '/venv/bin/python': WITHOUT_SERVER, python3: WITH_SERVER });
        const choice = await findPython({ setting: '', pythonExtension: async () => '/venv/bin/python', probe, fallback: 'python3' });
        assert.equal(choice.python, 'python3');
        assert.deepEqual(asked, ['/venv/bin/python', 'python3']);
    });

    it('when none has it, says what to install into the preferred interpreter', async () => {
        const { probe } = probeFrom({
            '/venv/bin/python': { ...WITHOUT_SERVER, executable: '/home/me/proj/.venv/bin/python' },
            python3: { ...WITHOUT_SERVER, executable: '/usr/bin/python3' },
        });
        const choice = await findPython({ setting: '', pythonExtension: async () => '/venv/bin/python', probe, fallback: 'python3' });
        assert.equal(choice.python, '/venv/bin/python');
        const problem = choice.problem ?? '';
        assert.match(problem, /not installed in \/home\/me\/proj\/\.venv\/bin\/python/);
        assert.match(problem, /"\/home\/me\/proj\/\.venv\/bin\/python -m pip install codecrdt" will not work/);
        assert.match(problem, /"\/home\/me\/proj\/\.venv\/bin\/python -m pip install -e \/path\/to\/codecrdt"/);
        assert.match(problem, /codecrdt\.python/);
    });

    it('refuses a Python older than 3.11 and an incompatible server version', async () => {
        const old = await findPython({
            setting: 'python3',
            pythonExtension: async () => undefined,
            probe: async () => ({ ran: true, executable: '/usr/bin/python3', pythonVersion: '3.10.12' }),
        });
        assert.match(old.problem ?? '', /needs Python 3\.11 or newer, but \/usr\/bin\/python3 is Python 3\.10\.12/);
        const newer = await findPython({
            setting: 'python3',
            pythonExtension: async () => undefined,
            probe: async () => ({ ...WITH_SERVER, serverVersion: '0.2.0' }),
        });
        assert.match(newer.problem ?? '', /has CodeCRDT 0\.2\.0, but this extension needs 0\.1\.x \(0\.1\.0 or later\)/);
    });
});

describe('server version check', () => {
    it('needs the same major.minor, not older than the minimum', () => {
        assert.equal(checkServerVersion('0.1.0'), 'ok');
        assert.equal(checkServerVersion('0.1.7'), 'ok');
        assert.equal(checkServerVersion('0.1.0.dev3'), 'ok');
        assert.equal(checkServerVersion('0.2.0'), 'incompatible');
        assert.equal(checkServerVersion('1.1.0'), 'incompatible');
        assert.equal(checkServerVersion('0.0.9'), 'incompatible');
        assert.equal(checkServerVersion('0.1.2', '0.1.3'), 'incompatible');
        assert.equal(checkServerVersion('unknown'), 'unreadable');
    });

    it('parses and compares PEP 440 and semver versions', () => {
        assert.deepEqual(parseVersion('3.11'), [3, 11, 0]);
        assert.deepEqual(parseVersion('0.2.0rc1'), [0, 2, 0]);
        assert.deepEqual(parseVersion('v1.2.3'), [1, 2, 3]);
        assert.equal(parseVersion('dev'), undefined);
        assert.ok(compareVersions('3.12.1', '3.11') > 0);
        assert.ok(compareVersions('3.9.18', '3.11') < 0);
        assert.equal(compareVersions('3.11.0', '3.11'), 0);
    });
});

describe('interpreter paths', () => {
    it('expands ~ and ${workspaceFolder}, and makes relative paths absolute', () => {
        assert.equal(expandPath('~/py/bin/python', undefined, '/home/me'), path.join('/home/me', 'py/bin/python'));
        assert.equal(expandPath('${workspaceFolder}/.venv/bin/python', '/w'), '/w/.venv/bin/python');
        assert.equal(expandPath('.venv/bin/python', '/w'), path.join('/w', '.venv/bin/python'));
        assert.equal(expandPath('python3.12', '/w'), 'python3.12');
    });

    it('reads what the probe printed, however far it got', () => {
        assert.deepEqual(parseProbeOutput('/usr/bin/python3\n3.12.4\n0.1.0\n'), {
            executable: '/usr/bin/python3',
            pythonVersion: '3.12.4',
            serverVersion: '0.1.0',
        });
        assert.deepEqual(parseProbeOutput('/usr/bin/python3\r\n3.12.4\r\n'), {
            executable: '/usr/bin/python3',
            pythonVersion: '3.12.4',
            serverVersion: undefined,
        });
    });

    it('reports an interpreter that does not exist as not runnable', async () => {
        const result = await runProbe('/nonexistent/bin/python3');
        assert.equal(result.ran, false);
        assert.equal(result.error, 'not found');
    });

    it('runs a real interpreter and reads its version', async (t) => {
        const result = await runProbe('python3');
        if (!result.ran) {
            t.skip('no python3 on PATH');
            return;
        }
        assert.match(result.pythonVersion ?? '', /^3\.\d+\.\d+$/);
        assert.ok(result.executable && path.isAbsolute(result.executable));
        // Whether codecrdt is installed depends on the machine; when it is, it has a version.
        assert.ok(result.serverVersion === undefined || parseVersion(result.serverVersion) !== undefined);
    });
});
