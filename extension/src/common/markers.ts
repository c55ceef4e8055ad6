/**
 * The TODO marker syntax, as the server defines it in `server/codecrdt/markers.py`. It comes
 * from `markers.json`, which `python -m codecrdt.markers --json` writes (a server test fails
 * when the two differ), so the extension never spells the syntax itself.
 */
import syntax from './markers.json';

/** A comment form around a marker: `{open} TODO(codecrdt:name): … {close}`. */
export interface CommentForm {
    open: string;
    /** Empty for a comment that runs to the end of the line. */
    close: string;
}

export interface MarkerSyntax {
    prefix: string;
    suffix: string;
    namePattern: string;
    /** What may follow the name inside the parentheses: the size hint (` ~40 lines`). */
    hintPattern: string;
    /** By language name: the form on a line of code, and inside JSX (null: no JSX). */
    languages: Record<string, { line: CommentForm; jsx: CommentForm | null }>;
    /** Forms never written but read as markers. */
    readOnly: CommentForm[];
}

export const MARKER_SYNTAX: MarkerSyntax = syntax;

/** `TODO(codecrdt:<name>)`: the part of a marker line that names its TODO. */
export function markerTag(name: string): string {
    return `${MARKER_SYNTAX.prefix}${name}${MARKER_SYNTAX.suffix}`;
}

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The tag of TODO `name` with or without a size hint (`TODO(codecrdt:<name> ~40 lines)`). */
export function markerTagPattern(name: string): RegExp {
    const { prefix, suffix, hintPattern } = MARKER_SYNTAX;
    return new RegExp(`${escape(prefix)}${escape(name)}(?:${hintPattern})?[ \\t]*${escape(suffix)}`);
}
