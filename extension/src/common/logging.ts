/**
 * The extension's log: one `CodeCRDT` output channel shared with the language client, which
 * writes the server's stderr there too. Nothing secret is ever passed to these functions:
 * API keys travel only in the server's environment, which is never logged.
 */
import type { LogOutputChannel } from 'vscode';

let channel: LogOutputChannel | undefined;

export function registerLogger(output: LogOutputChannel): void {
    channel = output;
}

export function traceError(...parts: unknown[]): void {
    channel?.error(join(parts));
}

export function traceWarn(...parts: unknown[]): void {
    channel?.warn(join(parts));
}

export function traceInfo(...parts: unknown[]): void {
    channel?.info(join(parts));
}

export function traceDebug(...parts: unknown[]): void {
    channel?.debug(join(parts));
}

export function showLog(): void {
    channel?.show(true);
}

function join(parts: unknown[]): string {
    return parts
        .map((part) => (part instanceof Error ? (part.stack ?? part.message) : typeof part === 'string' ? part : JSON.stringify(part)))
        .join(' ');
}
