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
import inspect
import json
import logging
import time
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import cattrs
from lsprotocol import types
from pygls import uris
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, default_converter, lsp_method
from pygls.protocol.json_rpc import RPCRequest

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
from codecrdt.lsp.reader import MessageTooLarge, message_limit, serve_stdio
from codecrdt.lsp.writing import regions_being_written, shown
from codecrdt.options import ServerOptions
from codecrdt.positions import Encoding, TextLines
from codecrdt.runs import RunManager
from codecrdt.sourcefile import text_problem

__all__ = ["CodeCrdtProtocol", "CodeCrdtServer", "OpenDocument", "language_of", "versioned_edit"]

#: How long ``publish`` waits for the echo of an edit in flight before analysing anyway.
MAX_DEFER_S = 1.0

logger = logging.getLogger(__name__)

#: After closing a document, at most one full garbage collection in this many seconds.
COLLECT_EVERY = 10.0


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

    def findings(self, limit: int | None = None) -> tuple[list[Finding], TextLines]:
        """Findings on the text the editor holds (the first ``limit``), and its lines.

        The editor may not have the agents' latest edits yet: while it lags, its own text
        is analysed (from scratch), so that ranges are right in the editor.
        """
        assert self.analysis is not None
        done = _done_todos(self.document)
        if self.bridge.in_sync:
            findings = self.analysis.findings(done_todos=done, codes=self.codes, limit=limit)
            return findings, self.document.lines
        text = self.bridge.editor_text
        spec = self.analysis.spec
        findings = analyze_text(
            text, spec, done_todos=done, codes=self.codes, limit=limit, stub=self.analysis.stub
        )
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


def _id_of(message: Any) -> Any:
    """The id of a message that is not JSON-RPC, where it has a usable one; else None."""
    msg_id = message.get("id") if isinstance(message, dict) else getattr(message, "id", None)
    valid = isinstance(msg_id, str | int) and not isinstance(msg_id, bool)
    return msg_id if valid else None


def _needs_argument(handler: Callable[..., Any]) -> bool:
    """Whether a command handler has a parameter without default besides the server."""
    function = getattr(handler, "func", handler)
    parameters = list(inspect.signature(function).parameters.values())[1:]
    return any(
        p.default is inspect.Parameter.empty
        and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in parameters
    )


class CodeCrdtProtocol(LanguageServerProtocol):
    """pygls' protocol, with text sync left to the shared documents and bad input answered.

    ``gate``, when set (a TCP connection: :mod:`codecrdt.lsp.transports`), sees every
    message first and lets through only those it returns True for.
    """

    gate: Callable[[Any], bool] | None = None

    #: Set by the first ``initialize`` request: before it, requests answer -32002.
    initialize_received = False

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

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: types.ExecuteCommandParams) -> Iterator[Any]:
        handler = self.fm.commands.get(params.command)
        if params.arguments is None and handler is not None and _needs_argument(handler):
            # pygls would call the handler without its argument (a TypeError, -32603).
            raise JsonRpcInvalidParams(f"{params.command} takes one argument object; none given")
        return (yield from super().lsp_workspace__execute_command(params))

    def handle_message(self, message: Any) -> None:
        if self.gate is not None and not self.gate(message):
            return
        if isinstance(message, _Unreadable):
            logger.warning("invalid params for %s: %s", message.method, message.reason)
            error = JsonRpcInvalidParams(f"invalid params for {message.method}: {message.reason}")
            self._send_response(message.id, None, error.to_response_error())
            return
        if getattr(message, "jsonrpc", None) != "2.0":
            # JSON that is not a JSON-RPC 2.0 message: an array, a number, an object
            # without "jsonrpc"... Its id, if it has one readable, gets the error.
            msg_id = _id_of(message)
            logger.warning("not a JSON-RPC 2.0 message: %.200r", message)
            self._send_response(
                msg_id,
                None,
                JsonRpcInvalidRequest(
                    "Invalid Request: not a JSON-RPC 2.0 message object"
                ).to_response_error(),
            )
            return
        method = getattr(message, "method", None)
        if method == types.INITIALIZE:
            self.initialize_received = True
        elif not self.initialize_received and method is not None and method != types.EXIT:
            if isinstance(message, RPCRequest):
                # LSP: a request before initialize is answered -32002; a notification dropped.
                logger.warning("%s before initialize: refused", method)
                self._send_response(
                    message.id,
                    None,
                    JsonRpcServerNotInitialized(
                        f"the server is not initialized: send initialize before {method}"
                    ).to_response_error(),
                )
            else:
                logger.warning("%s before initialize: dropped", method)
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
        #: Base URLs the user configured (``codecrdt serve --base-url``/``--allow-base-url``):
        #: a client's ``baseUrl`` gets the key from the environment only when it is one.
        self.user_urls: frozenset[str] = frozenset()
        #: Generation runs; :mod:`codecrdt.lsp.runs` reports them to the client.
        self.runs = RunManager()
        self._collect_handle: asyncio.TimerHandle | None = None
        self._last_collect = float("-inf")
        self._analysis_pool: ThreadPoolExecutor | None = None
        self._analysis_loop: asyncio.AbstractEventLoop | None = None
        #: Commands answered by the stdin thread ahead of the loop's queue
        #: (:meth:`urgent_answer`): name → function of (server, arguments) that returns
        #: the result, or None to leave the request to the loop.
        self.urgent_commands: dict[str, Callable[[CodeCrdtServer, Any], Any]] = {}

    def message_limit(self) -> int:
        """The largest message read (:func:`codecrdt.lsp.reader.message_limit`)."""
        return message_limit(self.options.max_file_bytes)

    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve stdio: read in bulk (:mod:`codecrdt.lsp.stdin`), messages over
        :meth:`message_limit` answered and dropped (:mod:`codecrdt.lsp.reader`)."""
        serve_stdio(self, self.message_limit, stdin, stdout, self.urgent_answer)
        self._analysis_pool: ThreadPoolExecutor | None = None
        self._analysis_loop: asyncio.AbstractEventLoop | None = None

    def urgent_answer(self, body: bytes) -> dict[str, Any] | None:
        """The response to a control request (``codecrdt.status``), computed in the stdin
        thread as soon as it is read, while the loop may be busy with runs; None leaves
        the message to the loop, in its turn (anything else, any doubt, any error)."""
        if not any(name.encode() in body for name in self.urgent_commands):
            return None
        protocol = self.protocol
        if not isinstance(protocol, CodeCrdtProtocol) or not protocol.initialize_received:
            return None
        if protocol.gate is not None or getattr(protocol, "_shutdown", False):
            return None
        try:
            message = json.loads(body)
        except (ValueError, RecursionError):
            return None
        if not (
            isinstance(message, dict)
            and message.get("jsonrpc") == "2.0"
            and message.get("method") == types.WORKSPACE_EXECUTE_COMMAND
            and isinstance(message.get("id"), int | str)
            and isinstance(params := message.get("params"), dict)
            and (command := self.urgent_commands.get(params.get("command"))) is not None
        ):
            return None
        result = command(self, params.get("arguments"))
        if result is None:
            return None
        return {"jsonrpc": "2.0", "id": message["id"], "result": result}

    @property
    def encoding(self) -> Encoding:
        return Encoding.parse(self.workspace.position_encoding)

    def report_server_error(self, error: Exception, source: Any) -> None:
        if isinstance(error, json.JSONDecodeError | UnicodeDecodeError | RecursionError):
            # JSON-RPC: a message that is not JSON gets a parse error with a null id; so
            # does one nested too deeply for the parser (its id cannot be read either).
            logger.warning("unreadable message: %s", error)
            reason = (
                "nested too deeply" if isinstance(error, RecursionError) else _first_line(error)
            )
            self._send_error(None, -32700, f"Parse error: {reason}")
            return
        if isinstance(error, MessageTooLarge):
            logger.warning("%s", error)
            self._send_error(None, -32600, f"Invalid Request: {error}")
            self.warn(f"CodeCRDT: {error}")
            return
        logger.warning("%s", _first_line(error))
        if source is not None and getattr(source, "__name__", "") == "FeatureRequestError":
            return
        self.warn(f"CodeCRDT: {_first_line(error)}")

    def _send_error(self, msg_id: Any, code: int, message: str) -> None:
        error = {"code": code, "message": message}
        self.protocol._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})

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
            opened.analysis = DocumentAnalysis(document, spec, stub=uri.lower().endswith(".pyi"))
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
        problem = self._change_problem(opened, changes)
        if problem is not None:
            # Refused whole, like a change the bridge cannot apply: the text stays as it
            # was, and the document is out of sync until the editor sends its whole text.
            logger.warning("%s: change refused: %s", uri, problem)
            opened.bridge.out_of_sync = f"a change was refused: {problem}"
            self.warn(
                f"CodeCRDT could not apply an edit to {uri}: {problem}. Its copy of the file "
                "is unchanged; reopen the file to resynchronise."
            )
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

    def _change_problem(
        self, opened: OpenDocument, changes: Sequence[types.TextDocumentContentChangeEvent]
    ) -> str | None:
        """Why a ``didChange`` cannot be taken (``didOpen``'s checks), or None.

        NUL characters and lone surrogates in any change's text, or a text that grows
        past ``maxFileBytes`` with the changes. The size is bounded cheaply first (the
        document's size plus what the changes insert); only a change that might pass the
        limit is applied to a scratch copy to measure it.
        """
        limit = self.options.max_file_bytes
        size = opened.document.lines.byte_length
        for change in changes:
            problem = text_problem(change.text, limit)
            if problem is not None:
                return problem
            inserted = len(change.text.encode("utf-8"))
            whole = isinstance(change, types.TextDocumentContentChangeWholeDocument)
            size = inserted if whole else size + inserted
        if size <= limit:
            return None
        try:
            texts = opened.bridge._texts_after(changes)
        except BridgeError:
            return None  # the bridge refuses it with its own message
        size = len(texts[-1].encode("utf-8"))
        if size <= len(texts[0].encode("utf-8")):
            return None  # not growing: a text already over the limit may still shrink
        return (
            None
            if size <= limit
            else f"the text would be {size:,} bytes, over the limit of {limit:,}"
        )

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
        findings, lines = opened.findings(limit=self.options.max_diagnostics)
        if self.runs.active_for(uri) is not None:  # else nothing is held back
            text = opened.document.text if opened.bridge.in_sync else opened.bridge.editor_text
            findings = self.quiet_while_writing(uri, opened, findings, text)
        return [to_diagnostic(f, lines, self.encoding, uri) for f in findings]

    def analyse_again(self, uri: str) -> None:
        """Diagnostics anew for ``uri`` (a run on it ended: nothing is held back now).

        Pushed: the document is analysed again. Pulled: the client is asked to pull again
        (``workspace/diagnostic/refresh``) when it supports that.
        """
        opened = self.documents.get(uri)
        if opened is None or opened.analysis is None:
            return
        if not self.pulls_diagnostics:
            if opened.debounce is not None:
                opened.debounce.changed()
            return
        workspace = self.client_capabilities.workspace
        diagnostics = workspace.diagnostics if workspace is not None else None
        if diagnostics is not None and diagnostics.refresh_support:
            self.workspace_diagnostic_refresh(None)

    def quiet_while_writing(
        self, uri: str, opened: OpenDocument, findings: list[Finding], text: str
    ) -> list[Finding]:
        """``findings`` of ``text`` less those in regions a run's agents are still writing
        (:mod:`codecrdt.lsp.writing`); all of them when no run writes the document."""
        run = self.runs.active_for(uri)
        if run is None or run.document is not opened.document:
            return findings
        return shown(findings, regions_being_written(opened.document, text))

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
        stub, facts = analysis.stub, analysis.facts
        limit = self.options.max_diagnostics
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
                spec,
                source,
                tree,
                reparse=reparse,
                done_todos=done,
                codes=codes,
                limit=limit,
                stub=stub,
                facts=facts,
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
                    opened.debounce.stale()
                return
            if opened.debounce is not None:
                opened.debounce.fresh()
            findings, lines = future.result()
            # Not stale: the document's lines are still the text that was analysed.
            if self.runs.active_for(uri) is not None:  # else nothing is held back
                analysed = opened.document.text if text is None else text
                findings = self.quiet_while_writing(uri, opened, findings, analysed)
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
            # The closed document's cycles become collectable again (``unfreeze`` is
            # cheap); the full collection that frees them and the freeze after it are
            # deferred and run at most every COLLECT_EVERY seconds, so that closing many
            # documents does not run one full collection each (42 ms each, measured).
            gc.unfreeze()
            self._collect_soon()

    def _collect_soon(self) -> None:
        """Collect and freeze again, now if the last collection is COLLECT_EVERY ago,
        else when it is (one collection for any number of closes meanwhile)."""
        if self._collect_handle is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (a test): the interpreter's own collections free it
        delay = max(0.0, self._last_collect + COLLECT_EVERY - time.monotonic())
        self._collect_handle = loop.call_later(delay, self._collect)

    def _collect(self) -> None:
        self._collect_handle = None
        self._last_collect = time.monotonic()
        gc.unfreeze()
        gc.collect()
        gc.freeze()

    def get(self, uri: str) -> OpenDocument:
        opened = self.documents.get(uri)
        if opened is None:
            raise KeyError(f"{uri} is not open")
        return opened

    async def _apply_edit(self, edit: OutgoingEdit) -> bool:
        params = versioned_edit("CodeCRDT", edit.uri, edit.version, list(edit.edits))
        result = await self.workspace_apply_edit_async(params)
        if not result.applied and result.failure_reason:
            logger.info("%s: edit not applied: %s", edit.uri, result.failure_reason)
        return bool(result.applied)


def versioned_edit(
    label: str, uri: str, version: int, edits: list[types.TextEdit]
) -> types.ApplyWorkspaceEditParams:
    """A ``workspace/applyEdit`` of ``edits`` to the document ``uri`` at ``version``
    (the editor refuses it if the document has moved on)."""
    return types.ApplyWorkspaceEditParams(
        label=label,
        edit=types.WorkspaceEdit(
            document_changes=[
                types.TextDocumentEdit(
                    text_document=types.OptionalVersionedTextDocumentIdentifier(
                        uri=uri, version=version
                    ),
                    edits=edits,
                )
            ]
        ),
    )


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
