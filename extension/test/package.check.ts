/**
 * The packaged extension (codecrdt.vsix, a zip) holds what VS Code needs and nothing it
 * must not: run after `npm run package` (scripts/build.sh does).
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as zlib from 'node:zlib';

const ROOT = path.resolve(__dirname, '..', '..');
const VSIX = path.join(ROOT, 'codecrdt.vsix');

/** The names in a zip's central directory (enough to list a .vsix without a zip library). */
export function zipEntries(zip: Buffer): string[] {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    assert.ok(eocd >= 0, 'not a zip file: no end-of-central-directory record');
    const count = zip.readUInt16LE(eocd + 10);
    let offset = zip.readUInt32LE(eocd + 16);
    const names: string[] = [];
    for (let i = 0; i < count; i++) {
        assert.equal(zip.readUInt32LE(offset), 0x02014b50, 'bad central directory entry');
        const nameLength = zip.readUInt16LE(offset + 28);
        const extraLength = zip.readUInt16LE(offset + 30);
        const commentLength = zip.readUInt16LE(offset + 32);
        names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
        offset += 46 + nameLength + extraLength + commentLength;
    }
    return names;
}

/** One entry's bytes (stored or deflated). */
export function zipRead(zip: Buffer, name: string): Buffer {
    const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    const count = zip.readUInt16LE(eocd + 10);
    let offset = zip.readUInt32LE(eocd + 16);
    for (let i = 0; i < count; i++) {
        const method = zip.readUInt16LE(offset + 10);
        const compressedSize = zip.readUInt32LE(offset + 20);
        const nameLength = zip.readUInt16LE(offset + 28);
        const extraLength = zip.readUInt16LE(offset + 30);
        const commentLength = zip.readUInt16LE(offset + 32);
        const local = zip.readUInt32LE(offset + 42);
        if (zip.toString('utf8', offset + 46, offset + 46 + nameLength) === name) {
            const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
            const data = zip.subarray(start, start + compressedSize);
            return method === 0 ? data : zlib.inflateRawSync(data);
        }
        offset += 46 + nameLength + extraLength + commentLength;
    }
    throw new Error(`${name} is not in the package`);
}

describe('the packaged extension', () => {
    assert.ok(fs.existsSync(VSIX), `${VSIX} is missing: run scripts/build.sh first`);
    const zip = fs.readFileSync(VSIX);
    const entries = zipEntries(zip);

    it('contains the bundle, the manifest, the README and the license', () => {
        // vsce stores the README as extension/readme.md (it lowercases the name; VS Code finds it either way).
        const lower = entries.map((e) => e.toLowerCase());
        for (const required of ['extension/dist/extension.js', 'extension/package.json', 'extension/README.md', 'extension.vsixmanifest']) {
            assert.ok(lower.includes(required.toLowerCase()), `${required} is not in the package:\n${entries.join('\n')}`);
        }
        const readme = entries.find((e) => e.toLowerCase() === 'extension/readme.md')!;
        assert.match(zipRead(zip, readme).toString('utf8'), /^# CodeCRDT for VS Code/);
        assert.ok(entries.some((e) => /^extension\/LICENSE(\.txt|\.md)?$/i.test(e)), 'no LICENSE');
    });

    it('contains the README screenshot when there is one (the README refers to images/screenshot.png)', (t) => {
        if (!fs.existsSync(path.join(ROOT, 'images', 'screenshot.png'))) {
            t.skip('no images/screenshot.png yet (the end-to-end test makes it)');
            return;
        }
        assert.ok(entries.includes('extension/images/screenshot.png'), 'images/screenshot.png exists but is not packaged');
    });

    it('contains no sources, tests, dependencies, build scripts or old packages', () => {
        const forbidden = [/^extension\/node_modules\//, /^extension\/src\//, /^extension\/test\//, /^extension\/out\//, /^extension\/scripts\//, /\.vsix$/, /\.map$/, /tsconfig.*\.json$/, /\.npm-cache/];
        for (const entry of entries) {
            for (const pattern of forbidden) {
                assert.doesNotMatch(entry, pattern, `${entry} must not be packaged`);
            }
        }
    });

    it('ships the manifest this build made: the bundle as main, its commands and settings', () => {
        const manifest = JSON.parse(zipRead(zip, 'extension/package.json').toString('utf8'));
        const source = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
        assert.equal(manifest.name, 'codecrdt');
        assert.equal(manifest.publisher, 'codecrdt');
        assert.equal(manifest.version, source.version);
        assert.equal(manifest.main, './dist/extension.js');
        assert.equal(manifest.engines.vscode, '^1.90.0');
        const commands = manifest.contributes.commands.map((c: { command: string }) => c.command).sort();
        assert.deepEqual(commands, [
            'codecrdt.cancelGeneration',
            'codecrdt.fixConflicts',
            'codecrdt.generateFile',
            'codecrdt.implementTodos',
            'codecrdt.restartServer',
            'codecrdt.setApiKey',
            'codecrdt.showAuthors',
            'codecrdt.showLog',
            'codecrdt.undoGeneration',
        ]);
        for (const setting of ['provider', 'model', 'baseUrl', 'agents', 'mode', 'python', 'logLevel', 'script', 'scriptedTimeScale']) {
            assert.ok(manifest.contributes.configuration.properties[`codecrdt.${setting}`], `codecrdt.${setting} is not contributed`);
        }
    });

    it('bundles the language client, leaving only vscode to the editor', () => {
        const bundle = zipRead(zip, 'extension/dist/extension.js').toString('utf8');
        assert.match(bundle, /codecrdt\/agentActivity/);
        assert.doesNotMatch(bundle, /require\(["']vscode-languageclient/);
        assert.match(bundle, /require\(["']vscode["']\)/);
    });
});
