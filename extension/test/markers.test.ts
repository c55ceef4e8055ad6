import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MARKER_SYNTAX, markerTag, markerTagPattern } from '../src/common/markers';

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

    it('finds a tag with or without a size hint, never a longer name', () => {
        const tag = markerTagPattern('use-Timer_2');
        assert.ok(tag.test('// TODO(codecrdt:use-Timer_2): the timer'));
        assert.ok(tag.test('// TODO(codecrdt:use-Timer_2 ~40 lines): the timer'));
        assert.ok(tag.test('# TODO(codecrdt:use-Timer_2 ~forty lines): a hint the server ignores'));
        assert.ok(!tag.test('// TODO(codecrdt:use-Timer_23 ~40 lines): another TODO'));
        assert.ok(!tag.test('// TODO(codecrdt:use-Timer_2 40 lines): no tilde, not a marker'));
    });
});
