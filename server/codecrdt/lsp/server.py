"""The language server object: its protocol, its open documents and the editor bridges.

Every open document is mirrored into a :class:`SharedDocument`; the editor's changes
merge into it through an :class:`EditorBridge`, and whatever others write reaches the
editor as versioned ``workspace/applyEdit``. pygls' own workspace copy of documents is
not used: the shared document is the authority. Documents of a supported language are
analysed for semantic conflicts as they change (:mod:`codecrdt.diagnostics`), and their
diagnostics pushed unless the client pulls them.

This module holds no LSP handler: each feature module of :mod:`codecrdt.lsp` registers its
handlers on a :class:`CodeCrdtServer`, and :func:`codecrdt.lsp.create_server` assembles them.
Bad input (unreadable JSON, parameters of the wrong shape) is answered here, in
:class:`CodeCrdtProtocol` and :meth:`CodeCrdtServer.report_server_error`.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import sys
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import cattrs
from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.io_ import StdoutWriter, run_async
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter, lsp_method

from codecrdt import __version__
from codecrdt.agents.board import Board
from codecrdt.analysis.detect import Finding
from codecrdt.analysis.languages import LanguageSpec, language_for_path, language_named
from codecrdt.analysis.tree import DocumentAnalysis, analyze_text, parse_and_analyze
from codecrdt.bridge import BridgeError, EditorBridge, OutgoingEdit
from codecrdt.config import CheckConfig, ConfigError, load_config
from codecrdt.diagnostics import AdaptiveDebounce, to_diagnostic
from codecrdt.document import SharedDocument
from codecrdt.link import EditorLink
from codecrdt.lsp.arguments import register_hooks
from codecrdt.lsp.stdin import stdin_reader
from codecrdt.options import ServerOptions
from codecrdt.positions import Encoding, TextLines
from codecrdt.runs import RunManager
from codecrdt.sourcefile import text_problem

__all__ = ["CodeCrdtProtocol", "CodeCrdtServer", "OpenDocument", "language_of"]

#: How long ``publish`` waits for the echo of an edit in flight before analysing anyway.
MAX_DEFER_S = 1.0

logger = logging.getLogger(__name__)


@dataclass
class OpenDocument:
    document: SharedDocument
    bridge: EditorBridge
    link: EditorLink
    analysis: DocumentAnalysis | None = None
    debounce: AdaptiveDebounce | None = None
    codes: tuple[str, ...] | None = None  # enabled codes ([tool.codecrdt] select)
    subscriptions: list[Callable[[], None]] = field(default_factory=list)
    #: The analysis running in the worker thread for ``publish``, if one is.
    analysing: asyncio.Future[tuple[list[Finding], TextLines | None]] | None = None
    analyses: int = 0  # analyses started for ``publish`` (one per debounce interval)
    forget_analysis: Callable[[], object] | None = None  # drops the running one's result
    deferred_since: float = float("inf")  # publish() waiting for an edit's echo since then

    def findings(self) -> tuple[list[Finding], TextLines]:
        """Findings on the text the editor holds, and that text's lines.

        The editor may not have the agents' latest edits yet: while it lags, its own text
        is analysed (from scratch), so that ranges are right in the editor.
        """
        assert self.analysis is not None
        done = _done_todos(self.document)
        if self.bridge.in_sync:
            findings = self.analysis.findings(done_todos=done, codes=self.codes)
            return findings, self.document.lines
        text = self.bridge.editor_text
        findings = analyze_text(text, self.analysis.spec, done_todos=done, codes=self.codes)
        return findings, TextLines(text)


def _done_todos(document: SharedDocument) -> set[str]:
    """Names of the TODOs whose records in the shared document say they are done."""
    return Board(document).done_names()


@dataclass(frozen=True)
class _Unreadable:
    """A request whose parameters could not be read: answered with InvalidParams."""

    id: Any
    method: str
    reason: str
    jsonrpc: str = "2.0"


class CodeCrdtProtocol(LanguageServerProtocol):
    """pygls' protocol, with text sync left to the shared documents and bad input answered."""

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: types.DidOpenTextDocumentParams) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Iterator[Any]:
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException as error:
            if "id" in data and "method" in data:
                cause = error.__cause__ or error
                return _Unreadable(data["id"], str(data["method"]), _first_line(cause))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, _Unreadable):
            logger.warning("invalid params for %s: %s", message.method, message.reason)
            error = JsonRpcInvalidParams(f"invalid params for {message.method}: {message.reason}")
            self._send_response(message.id, None, error.to_response_error())
            return
        super().handle_message(message)


def _converter() -> cattrs.Converter:
    """pygls' converter, which also reads the commands' argument classes."""
    converter = default_converter()
    register_hooks(converter)
    return converter


class CodeCrdtServer(LanguageServer):
    """One server: its options, its open documents and its generation runs."""

    def __init__(self) -> None:
        super().__init__(
            "codecrdt", __version__, protocol_cls=CodeCrdtProtocol, converter_factory=_converter
        )
        self.options = ServerOptions()
        self.documents: dict[str, OpenDocument] = {}
        #: Generation runs; :mod:`codecrdt.lsp.runs` reports them to the client.
        self.runs = RunManager()
        self._analysis_pool: ThreadPoolExecutor | None = None
        self._analysis_loop: asyncio.AbstractEventLoop | None = None

    @property
    def encoding(self) -> Encoding:
        return Encoding.parse(self.workspace.position_encoding)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """pygls' stdio server, reading stdin in bulk (:mod:`codecrdt.lsp.stdin`)."""
        self._stop_event = threading.Event()
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))

        async def serve() -> None:
            reader = stdin_reader(stdin or sys.stdin.buffer, asyncio.get_running_loop())
            await run_async(
                stop_event=self._stop_event,
                reader=reader,
                protocol=self.protocol,
                logger=logger,
                error_handler=self.report_server_error,
            )

        try:
            asyncio.run(serve())
        except BrokenPipeError:
            logger.error("Connection to the client is lost! Shutting down the server.")
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.shutdown()

    def report_server_error(self, error: Exception, source: Any) -> None:
        if isinstance(error, json.JSONDecodeError | UnicodeDecodeError):
            # JSON-RPC: a message that is not JSON gets a parse error with a null id.
            logger.warning("unreadable message: %s", error)
            self.protocol._send_data(
                {
                    "jsonrpc": "2.0",
                    "id": None,
                    "error": {"code": -32700, "message": f"Parse error: {_first_line(error)}"},
                }
            )
            return
        logger.warning("%s", _first_line(error))
        if source is not None and getattr(source, "__name__", "") == "FeatureRequestError":
            return
        self.warn(f"CodeCRDT: {_first_line(error)}")

    def warn(self, message: str) -> None:
        self.window_show_message(
            types.ShowMessageParams(type=types.MessageType.Warning, message=message)
        )

    # -- documents -------------------------------------------------------------------

    def open(
        self, uri: str, text: str, version: int, language_id: str | None = None
    ) -> OpenDocument:
        problem = text_problem(text, self.options.max_file_bytes)
        if problem:
            raise ValueError(problem)
        self.close(uri)
        document = SharedDocument(text)
        bridge = EditorBridge(
            document,
            uri=uri,
            version=version,
            encoding=self.encoding,
            resend_after=self.options.resend_after_ms / 1000,
            answer_timeout=self.options.answer_timeout_ms / 1000,
        )
        link = EditorLink(bridge, self._apply_edit, batch_delay=self.options.batch_delay_ms / 1000)
        opened = OpenDocument(document, bridge, link)
        spec = language_of(uri, language_id)
        config = self.config_for(uri)
        if spec is not None and not (config.path and config.is_excluded(_fs_path(uri) or "")):
            opened.codes = config.select
            debounce = AdaptiveDebounce(lambda: self.publish(uri))
            opened.analysis = DocumentAnalysis(document, spec)
            opened.debounce = debounce
            opened.subscriptions.append(document.observe(lambda _event: debounce.changed()))
            # A TODO marked done makes its marker a leftover: analyse again.
            todos = document.todos.observe(lambda _event: debounce.changed())
            opened.subscriptions.append(lambda: document.todos.unobserve(todos))
            debounce.changed()
        self.documents[uri] = opened
        # A document's state is long-lived: keep the cyclic collector from rescanning it
        # on every full collection, which otherwise shows up as 20–40 ms pauses in the
        # analysis of a large file (measured: p95 37 ms → 13 ms on 100 KB of TSX).
        # ``close`` thaws everything again, so that a closed document can be collected.
        gc.freeze()
        return opened

    def change(
        self, uri: str, version: int, changes: Sequence[types.TextDocumentContentChangeEvent]
    ) -> None:
        """Merge an editor's ``didChange`` into the document's shared document."""
        opened = self.documents.get(uri)
        if opened is None:
            logger.warning("didChange for %s, which is not open; ignored", uri)
            return
        try:
            opened.bridge.did_change(version, changes)
        except BridgeError as error:
            logger.warning("%s", error)
            self.warn(
                f"CodeCRDT could not apply an edit: {error}. Its copy of the file is "
                "unchanged; reopen the file to resynchronise."
            )
        opened.link.kick()
        if opened.debounce is not None:
            opened.debounce.changed()  # the editor's text moved, even by an echo alone

    def config_for(self, uri: str) -> CheckConfig:
        """``[tool.codecrdt]`` from the nearest pyproject.toml above the file; defaults."""
        path = _fs_path(uri)
        if path is None:
            return CheckConfig()
        try:
            return load_config(path.parent)
        except ConfigError as error:
            self.warn(f"CodeCRDT: {error}; using the default configuration")
            return CheckConfig()

    @property
    def pulls_diagnostics(self) -> bool:
        text_document = self.client_capabilities.text_document
        return text_document is not None and text_document.diagnostic is not None

    def diagnostics(self, uri: str) -> list[types.Diagnostic]:
        opened = self.get(uri)
        if opened.analysis is None:
            return []
        findings, lines = opened.findings()
        return [to_diagnostic(f, lines, self.encoding, uri) for f in findings]

    def publish(self, uri: str) -> None:
        """Analyse the document in the worker thread, then push its diagnostics.

        The text is taken on the event loop (pycrdt is not thread-safe); the parse and the
        detectors run in the analysis thread, so the loop goes on merging edits and
        answering requests meanwhile; the findings become diagnostics back on the loop
        (tree-sitter holds the GIL while it parses: an incremental parse is short, a
        lagging editor's text is parsed whole). One analysis runs per
        document at a time: changes made while it runs ask again through the debounce, and
        a result for a text the editor no longer holds is dropped, not published.
        """
        opened = self.documents.get(uri)
        if opened is None or opened.analysis is None or self.pulls_diagnostics:
            return
        if opened.analysing is not None:
            return  # the changes since trigger the debounce again, which comes back here
        now = asyncio.get_running_loop().time()
        if opened.bridge.has_pending and now - opened.deferred_since < MAX_DEFER_S:
            # An edit is on its way to the editor: its echo (a didChange) asks again, and
            # an analysis of the editor's text now would be stale by then. Deferred for at
            # most MAX_DEFER_S, for an editor that never answers.
            opened.deferred_since = min(opened.deferred_since, now)
            return
        opened.deferred_since = float("inf")
        analysis, bridge, encoding = opened.analysis, opened.bridge, self.encoding
        done, codes, spec = _done_todos(opened.document), opened.codes, analysis.spec
        version, changes = bridge.version, analysis.changes
        if bridge.in_sync:
            changes, source, tree, reparse = analysis.snapshot()
            text: str | None = None
        else:  # the editor lags: its own text is analysed (from scratch), as findings() does
            text, tree, reparse = bridge.editor_text, None, True
            source = text.encode("utf-8")

        # The thread holds no reference to the document: a document closed meanwhile
        # is freed at once, whatever the thread is doing.
        analysis_ref = weakref.ref(analysis)

        def work() -> tuple[list[Finding], TextLines | None]:  # in the analysis thread
            parsed, findings = parse_and_analyze(
                spec, source, tree, reparse=reparse, done_todos=done, codes=codes
            )
            if text is None:
                self._adopt_soon(analysis_ref, changes, parsed, source)
                return findings, None  # the document's own lines serve, on the loop
            return findings, TextLines(text)

        opened.analyses += 1
        future = asyncio.get_running_loop().run_in_executor(self.analysis_pool, work)
        opened.analysing = future

        def analysed(future: asyncio.Future[tuple[list[Finding], TextLines | None]]) -> None:
            opened.analysing = None
            if self.documents.get(uri) is not opened or future.cancelled():
                return
            if (error := future.exception()) is not None:
                logger.error("analysing %s: %s", uri, error, exc_info=error)
                return
            if bridge.version != version or (text is None and analysis.changes != changes):
                # Stale: the text changed meanwhile (and asked for an analysis of its own).
                if opened.debounce is not None:
                    opened.debounce.changed()
                return
            findings, lines = future.result()
            # Not stale: the document's lines are still the text that was analysed.
            lines = opened.document.lines if lines is None else lines
            diagnostics = [to_diagnostic(f, lines, encoding, uri) for f in findings]
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=version)
            )

        future.add_done_callback(analysed)
        opened.forget_analysis = lambda: future.remove_done_callback(analysed)

    def _adopt_soon(
        self,
        analysis: weakref.ref[DocumentAnalysis],
        changes: int,
        tree: Any,
        source: bytes,
    ) -> None:
        """From the analysis thread: the incremental tree, for the loop to take if current."""

        def adopt() -> None:
            if (current := analysis()) is not None:
                current.adopt(changes, tree, source)

        loop = self._analysis_loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(adopt)

    @property
    def analysis_pool(self) -> ThreadPoolExecutor:
        """The thread that analyses documents for ``publish`` (one: analyses queue)."""
        if self._analysis_pool is None:
            self._analysis_loop = asyncio.get_running_loop()
            self._analysis_pool = ThreadPoolExecutor(1, thread_name_prefix="codecrdt-analysis")
        return self._analysis_pool

    def close(self, uri: str) -> None:
        opened = self.documents.pop(uri, None)
        if opened is not None:
            opened.link.close()
            opened.bridge.close()
            if opened.debounce is not None:
                opened.debounce.cancel()
            if opened.analysing is not None and opened.forget_analysis is not None:
                opened.forget_analysis()  # its result is dropped, and this document freed
            for unsubscribe in opened.subscriptions:
                unsubscribe()
            if opened.analysis is not None:
                opened.analysis.close()
                if not self.pulls_diagnostics:
                    self.text_document_publish_diagnostics(
                        types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
                    )
            del opened
            gc.unfreeze()  # the closed document's cycles become collectable again
            gc.collect()
            gc.freeze()

    def get(self, uri: str) -> OpenDocument:
        opened = self.documents.get(uri)
        if opened is None:
            raise KeyError(f"{uri} is not open")
        return opened

    async def _apply_edit(self, edit: OutgoingEdit) -> bool:
        params = types.ApplyWorkspaceEditParams(
            label="CodeCRDT",
            edit=types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=edit.uri, version=edit.version
                        ),
                        edits=list(edit.edits),
                    )
                ]
            ),
        )
        result = await self.workspace_apply_edit_async(params)
        if not result.applied and result.failure_reason:
            logger.info("%s: edit not applied: %s", edit.uri, result.failure_reason)
        return bool(result.applied)


def _fs_path(uri: str) -> Path | None:
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    return Path(path) if path else None


def language_of(uri: str, language_id: str | None) -> LanguageSpec | None:
    """The analysed language of a document: by ``languageId``, else by file suffix."""
    spec = language_named(language_id) if language_id else None
    return spec or language_for_path(uri.split("?", 1)[0])


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
