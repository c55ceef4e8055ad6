/**
 * "CodeCRDT: Implement TODOs in Parallel": the file is the outline. Every
 * `TODO(codecrdt:name): what` marker of the file (or of the selected lines) becomes a TODO
 * for the implementers; in a selection, plain `TODO:`/`FIXME:` comments too, which the
 * server first turns into named markers with one edit the editor applies (one undo step).
 * No Outliner runs; the Evaluator runs at the end. The user keeps typing meanwhile.
 */

/** The part of `codecrdt.implement`'s argument that says which TODOs: none means the file. */
export interface Selection {
    start: { line: number; character: number };
    end: { line: number; character: number };
}

/**
 * The argument of `codecrdt.implement`: the run's fields (`generateArguments`' object,
 * without a spec, so that the server's own task is used) and the selected lines, if the
 * selection is not empty.
 */
export function implementArguments(base: Record<string, unknown>, selection: Selection | undefined): Record<string, unknown> {
    const args: Record<string, unknown> = { ...base };
    delete args.spec;
    const empty = !selection || (selection.start.line === selection.end.line && selection.start.character === selection.end.character);
    if (!empty) {
        args.range = { start: { ...selection.start }, end: { ...selection.end } };
    }
    return args;
}
