"""``codecrdt selfcheck FILE``: show that an editor buffer stays converged.

Starts ``codecrdt serve`` as a child process and connects to it as an LSP client (the
"editor"), opens FILE, and then, at the same time: a simulated writer inside the server
streams a block of text into the shared document, while a simulated user types words
into the editor buffer. At the end the editor's buffer must equal the server's document,
and every word the user typed must be in it exactly once.
"""

from __future__ import annotations

import asyncio
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

from codecrdt.positions import Encoding, TextLines
from codecrdt.sourcefile import read_source
from codecrdt.textedit import text_edit_spans

__all__ = ["SelfCheckResult", "run_selfcheck"]

#: The selfcheck reads the server's copy of the file (codecrdt.documentState) and writes
#: into it (codecrdt.simulateWriter): commands a server offers only with this flag.
_SERVER_ARGS: list[str] = ["--test-commands"]

WRITER_TEXT = "".join(
    f"# line {n} written by a concurrent writer: ünïcödé and 😀 included\n" for n in range(1, 41)
)


@dataclass
class SelfCheckResult:
    converged: bool
    length: int
    typed_words: list[str]
    missing_words: list[str]
    doubled_words: list[str]
    written: int
    edits_received: int
    edits_refused: int
    #: The server's last diagnostics for the file (semantic conflicts it found).
    conflicts: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.converged and not self.missing_words and not self.doubled_words


class EditorBuffer:
    """What the simulated editor holds: text, version, and the changes not yet reported."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.version = 1
        self.unsent: list[types.TextDocumentContentChangeEvent] = []

    def replace(self, start: int, end: int, new_text: str) -> None:
        lines = TextLines(self.text)
        s = lines.offset_to_lsp(start, Encoding.UTF16)
        e = lines.offset_to_lsp(end, Encoding.UTF16)
        self.unsent.append(
            types.TextDocumentContentChangePartial(
                range=types.Range(start=types.Position(*s), end=types.Position(*e)),
                text=new_text,
            )
        )
        self.text = self.text[:start] + new_text + self.text[end:]
        self.version += 1

    def report(self, client: LanguageClient, uri: str) -> None:
        """Send the changes not yet reported in one ``didChange``, as an editor does."""
        if self.unsent:
            changes, self.unsent = self.unsent, []
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        uri=uri, version=self.version
                    ),
                    content_changes=changes,
                )
            )

    def apply(self, edits: list[types.TextEdit]) -> None:
        spans = text_edit_spans(self.text, edits, Encoding.UTF16)
        for start, end, new_text in reversed(spans):  # last first, as editors do
            self.replace(start, end, new_text)


async def run_selfcheck(path: Path, *, seed: int = 0, words: int = 40) -> SelfCheckResult:
    text = read_source(path)
    uri = path.resolve().as_uri()
    rng = random.Random(seed)
    buffer = EditorBuffer(text)
    client = LanguageClient("codecrdt-selfcheck", "1")
    counts = {"received": 0, "refused": 0}

    def send_changes() -> None:
        buffer.report(client, uri)

    diagnostics: list[types.Diagnostic] = []
    #: The version of the text the last diagnostics are for.
    diagnosed: list[int | None] = [None]

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def published(params: types.PublishDiagnosticsParams) -> None:
        if params.uri == uri:
            diagnostics[:] = params.diagnostics
            diagnosed[0] = params.version

    @client.feature(types.WORKSPACE_APPLY_EDIT)
    def apply_edit(params: types.ApplyWorkspaceEditParams) -> types.ApplyWorkspaceEditResult:
        counts["received"] += 1
        for change in params.edit.document_changes or []:
            assert isinstance(change, types.TextDocumentEdit)
            if change.text_document.version != buffer.version:
                counts["refused"] += 1  # the user typed in between: refuse, as VS Code does
                return types.ApplyWorkspaceEditResult(applied=False, failure_reason="outdated")
            buffer.apply(list(change.edits))
        send_changes()
        return types.ApplyWorkspaceEditResult(applied=True)

    await client.start_io(sys.executable, "-m", "codecrdt", "serve", *_SERVER_ARGS)
    try:
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(
                    workspace=types.WorkspaceClientCapabilities(
                        apply_edit=True,
                        workspace_edit=types.WorkspaceEditClientCapabilities(document_changes=True),
                    )
                ),
                process_id=None,
                root_uri=None,
            )
        )
        client.initialized(types.InitializedParams())
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="plaintext", version=buffer.version, text=text
                )
            )
        )
        writer = asyncio.ensure_future(
            client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="codecrdt.simulateWriter",
                    arguments=[
                        {
                            "uri": uri,
                            "text": WRITER_TEXT,
                            "offset": 0,
                            "chunk": 24,
                            "intervalMs": 10,
                        }
                    ],
                )
            )
        )
        typed: list[str] = []
        for n in range(words):
            word = f"# typed by the user, {n}\n"  # a whole comment line: the code stays valid
            typed.append(word)
            # At a line start, so that no typed word lands inside another one.
            starts = [0] + [i + 1 for i, c in enumerate(buffer.text) if c == "\n"]
            at = rng.choice(starts)
            buffer.replace(at, at, word)
            if rng.random() < 0.7:
                send_changes()
            await asyncio.sleep(rng.uniform(0.002, 0.02))
        send_changes()
        written = (await writer)["written"]
        state: dict = {}
        for _ in range(100):  # up to 5 s for the last edits to land
            await asyncio.sleep(0.05)
            send_changes()
            state = await client.workspace_execute_command_async(
                types.ExecuteCommandParams(
                    command="codecrdt.documentState", arguments=[{"uri": uri}]
                )
            )
            if state["inSync"] and state["text"] == buffer.text:
                break
        for _ in range(60):  # up to 3 s for the diagnostics of the final text, not of a
            if diagnosed[0] == buffer.version:  # half-streamed one (a detached body)
                break
            await asyncio.sleep(0.05)
        final = buffer.text
        return SelfCheckResult(
            converged=state.get("text") == final and bool(state.get("inSync")),
            length=len(final),
            typed_words=typed,
            missing_words=[w for w in typed if w not in final],
            doubled_words=[w for w in typed if final.count(w) > 1],
            written=written,
            edits_received=counts["received"],
            edits_refused=counts["refused"],
            conflicts=[f"{d.range.start.line + 1}: {d.code} {d.message}" for d in diagnostics],
        )
    finally:
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
