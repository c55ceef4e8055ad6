import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKER_SYNTAX, markerTag } from '../src/common/markers';

describe('the marker syntax (generated from the server)', () => {
    it('names a TODO as the server writes it', () => {
        assert.equal(markerTag('parse_args'), 'TODO(codecrdt:parse_args)');
        const name = new RegExp(`^${MARKER_SYNTAX.namePattern}$`);
        assert.ok(name.test('use-Timer_2'));
        assert.ok(!name.test('a b') && !name.test('a.b') && !name.test(''));
    });

    it('has a form per language the server writes, JSX where the language has it', () => {
        const { languages } = MARKER_SYNTAX;
        assert.deepEqual(Object.keys(languages).sort(), ['javascript', 'python', 'tsx', 'typescript']);
        assert.deepEqual(languages.python, { line: { open: '#', close: '' }, jsx: null });
        assert.deepEqual(languages.tsx, { line: { open: '//', close: '' }, jsx: { open: '{/*', close: '*/}' } });
        assert.deepEqual(MARKER_SYNTAX.readOnly, [{ open: '/*', close: '*/' }]);
    });
});
