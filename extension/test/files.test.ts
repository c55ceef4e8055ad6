import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileNameProblem } from '../src/common/files';

describe('new file names', () => {
    it('accepts source files inside the workspace folder', () => {
        for (const name of ['inventory.py', 'src/App.tsx', 'lib/util.ts', 'index.js', 'ui/Button.jsx', 'tool.mjs']) {
            assert.equal(fileNameProblem(name), undefined, name);
        }
    });

    it('refuses what the server cannot write', () => {
        assert.match(fileNameProblem('') ?? '', /Name the file/);
        assert.match(fileNameProblem('/etc/app.py') ?? '', /relative/);
        assert.match(fileNameProblem('C:\\app.py') ?? '', /relative/);
        assert.match(fileNameProblem('../outside.py') ?? '', /inside the workspace/);
        assert.match(fileNameProblem('notes.md') ?? '', /\.py, \.ts, \.tsx, \.js or \.jsx/);
    });
});
