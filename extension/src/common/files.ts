/** Which new files CodeCRDT can be asked to write: a source name inside a workspace folder. */
import * as path from 'node:path';

/** The names the server can tell a language from (see the server's languages). */
const SOURCE_NAME = /\.(py|pyi|ts|tsx|mts|cts|js|jsx|mjs|cjs)$/i;

/** Why `name` cannot be a new source file relative to a workspace folder; undefined if it can. */
export function fileNameProblem(name: string): string | undefined {
    if (!name) {
        return 'Name the file, e.g. inventory.py';
    }
    if (path.isAbsolute(name) || /^[a-zA-Z]:/.test(name) || name.startsWith('\\')) {
        return 'Give a path relative to the workspace folder.';
    }
    if (name.split(/[\\/]/).includes('..')) {
        return 'The file must be inside the workspace folder.';
    }
    if (!SOURCE_NAME.test(name)) {
        return 'End the name with the language: .py, .ts, .tsx, .js or .jsx.';
    }
    return undefined;
}
