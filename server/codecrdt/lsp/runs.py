"""Generation over LSP: the run commands, their notifications and progress.

Commands (``workspace/executeCommand``, one object argument each):

- ``codecrdt.generate`` ``{"uri", "spec"?, "agents"?, "mode"?, "provider"?, "model"?,
  "script"?, "wait"?}`` → ``{"runId"}`` at once, or with ``"wait": true`` the run's
  report when it ends; ``mode`` ``auto`` (the default setting) runs the faster mode by
  an estimate, and ``runStarted`` and the report say which and why;
- ``codecrdt.implement`` ``{"uri", "range"?, "names"?, …}``: as ``codecrdt.generate``, the
  document's own markers (in ``range``, or named) being the TODOs; plain TODO/FIXME
  comments in ``range`` are first named by one ``workspace/applyEdit``;
- ``codecrdt.cancel`` ``{"runId"}``; ``codecrdt.status`` ``{"runId"?}``;
- ``codecrdt.evaluate`` ``{"uri"}``: the Evaluator on the document's current conflicts;
- ``codecrdt.undoRun`` ``{"runId"}``: remove what that run's agents wrote.

Notifications: ``codecrdt/runStarted``, ``codecrdt/agentActivity`` (at most every 100 ms
per run), ``codecrdt/runFinished``; and work-done progress (``$/progress``) per run, which
the client may cancel. See docs/lsp.md.

The runs themselves belong to the server's :class:`~codecrdt.runs.RunManager`;
:class:`ServerRuns` is its listener, turning what happens in a run into notifications,
progress and (for a document no editor has open) the file written at the end, with what
was saved to it meanwhile merged in (:mod:`codecrdt.diskedits`), or a recovered copy
beside it when it cannot be written. URIs are compared as the files they name
(:mod:`codecrdt.fileuri`). Closing a document cancels its run and writes what the run
finished to the file; a run that fails ends like any other, with ``stopped_by: "error"``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.exceptions import JsonRpcInvalidParams

from codecrdt.agents.board import Board
from codecrdt.agents.context import RunEvent
from codecrdt.agents.providers.base import Provider
from codecrdt.agents.providers.unconfigured import UnconfiguredProvider
from codecrdt.diskedits import DiskEdits
from codecrdt.document import Origin, SharedDocument
from codecrdt.fileuri import file_key, file_path
from codecrdt.implement import IMPLEMENT_SPEC
from codecrdt.implement import plan as plan_implement
from codecrdt.lsp.arguments import (
    EvaluateArguments,
    GenerateArguments,
    ImplementArguments,
    RunIdArguments,
    StatusArguments,
)
from codecrdt.lsp.server import CodeCrdtServer, OpenDocument, versioned_edit
from codecrdt.markers import find_marker
from codecrdt.positions import TextLines
from codecrdt.request import NoProviderError, RequestError, RunRequest
from codecrdt.runs import GenerateCommand, Run, RunError, RunListener
from codecrdt.sourcefile import NotSource, Saved, read_source, save_work

__all__ = [
    "NO_PROVIDER_DATA",
    "ServerRuns",
    "evaluate_document",
    "invalid_params",
    "register",
    "server_runs",
]

logger = logging.getLogger(__name__)

ACTIVITY_INTERVAL_S = 0.1
#: How long ``codecrdt.implement`` waits for the editor's echo of its naming edit.
NAMING_TIMEOUT_S = 5.0


def _implement_range(value: Any) -> tuple[int, int | None] | None:
    """An LSP range's lines (first, last), inclusive: a range ending at the start of a
    line does not take that line. None for no range; RunError for a malformed one."""
    if value is None:
        return None
    try:
        start, end = value["start"], value["end"]
        first, last = int(start["line"]), int(end["line"])
        end_character = int(end["character"])
    except (KeyError, TypeError, ValueError):
        raise RunError("range must be an LSP range ({start, end} of {line, character})") from None
    if first < 0 or last < first:
        raise RunError("range must start before it ends")
    if last > first and end_character == 0:
        last -= 1
    return first, last


class ServerRuns(RunListener):
    """Binds the server's run manager to its client: files, notifications, progress."""

    def __init__(self, server: CodeCrdtServer) -> None:
        self.server = server
        self.manager = server.runs
        self.manager.listener = self
        self.headless: dict[str, Path] = {}  # run id → file written at the end
        self._disk_edits: dict[str, tuple[DiskEdits, asyncio.Task[None]]] = {}
        self._saved: dict[str, Saved | str] = {}  # run id → where its text went, or why not
        self._last_activity: dict[str, float] = {}
        self._pending_activity: dict[str, asyncio.TimerHandle] = {}
        self._tokens: dict[str, str] = {}

    # -- commands -------------------------------------------------------------------

    def _workspace_check(self, uri: str) -> Path | None:
        """The file's path; RunError when the URI is outside every workspace folder, or,
        with no folder, when it is not a document open in the editor."""
        path = file_path(uri)
        folders = [
            Path(p)
            for f in (self.server.workspace.folders or {}).values()
            if (p := uris.to_fs_path(f.uri))
        ]
        root = self.server.workspace.root_path
        if root:
            folders.append(Path(root))
        if path is not None and folders:
            resolved = path.resolve()
            if not any(resolved.is_relative_to(folder.resolve()) for folder in folders):
                raise RunError(f"{uri} is outside the workspace")
        if path is not None and not folders and self.opened(uri)[1] is None:
            # No folder to keep writes in: a run may write only a document the editor has
            # open (into its buffer), never a file on disk the client merely names.
            raise RunError(
                f"{uri} is not open, and the client gave no workspace folder: without one, "
                "a run writes only a document open in the editor; open it first"
            )
        return path

    def _parse(self, args: dict[str, Any]) -> GenerateCommand:
        """A run request from a command's arguments and the server's settings."""
        # An open document's language is its own (an untitled one has no suffix to tell).
        uri = args.get("uri")
        already = self.opened(uri)[1] if isinstance(uri, str) else None
        known = already.analysis.spec.name if already and already.analysis else None
        return GenerateCommand.parse(
            args,
            self.server.options.generation_defaults(),
            language=known,
            user_urls=self.server.user_urls,
        )

    async def generate(self, args: dict[str, Any]) -> dict[str, Any]:
        return await self._start(self._parse(args))

    async def implement(self, args: dict[str, Any]) -> dict[str, Any]:
        """``codecrdt.implement``: the document's markers (in ``range``, or ``names``) are
        the TODOs; plain TODO/FIXME comments in ``range`` are named first, by one edit the
        editor applies (so the user sees it and can undo it) before the run starts."""
        args = dict(args)
        lines, names = _implement_range(args.pop("range", None)), args.pop("names", None)
        if names is not None and (
            not isinstance(names, list) or not all(isinstance(n, str) for n in names)
        ):
            raise RunError("names must be a list of marker names")
        if args.get("spec") is None:
            args["spec"] = IMPLEMENT_SPEC
        return await self._start(self._parse(args), implement=True, lines=lines, names=names)

    async def _start(
        self,
        request: GenerateCommand,
        *,
        implement: bool = False,
        lines: tuple[int, int | None] | None = None,
        names: list[str] | None = None,
    ) -> dict[str, Any]:
        """Start a run of ``request``; with ``implement``, on the markers in ``lines``
        (None: the whole file) or named ``names`` (None: every one there)."""
        path = self._workspace_check(request.uri)
        opened_uri, opened = self.opened(request.uri)
        if opened is not None and opened_uri != request.uri:
            # The file is open under another spelling of its URI: write that document.
            request = dataclasses.replace(request, uri=opened_uri)
        if self.manager.active_for(request.uri) is not None:
            raise RunError(f"a run is already writing {request.uri}; cancel it first")
        language = request.request.language_spec
        disk_edits: DiskEdits | None = None
        if opened is not None:
            document = opened.document
        else:
            if path is None:
                raise RunError(f"{request.uri} is not open and not a file: open it first")
            text = ""
            if path.exists():
                try:
                    text = await asyncio.to_thread(read_source, path)  # off the loop
                except NotSource as error:
                    raise RunError(f"{path}: {error.reason}") from None
            document = SharedDocument(text)
            disk_edits = DiskEdits(document, path, text)
        todos: frozenset[str] | None = None
        if implement:
            todos = await self._name_todos(
                request.uri, opened, document, language.name, lines, names
            )
        run = self.manager.start(request, document, language, todos=todos)
        if disk_edits is not None and path is not None:
            self.headless[run.id] = path
            watch = asyncio.get_running_loop().create_task(disk_edits.follow())
            self._disk_edits[run.id] = (disk_edits, watch)
        if request.wait:
            assert run.task is not None
            report = await asyncio.shield(run.task)
            return {"runId": run.id, "report": report.to_json(), **self._file_fields(run)}
        return {"runId": run.id}

    async def _name_todos(
        self,
        uri: str,
        opened: OpenDocument | None,
        document: SharedDocument,
        language: str,
        lines: tuple[int, int | None] | None,
        names: list[str] | None,
    ) -> frozenset[str]:
        """The implement run's TODOs; its plain TODO comments named first (in the editor,
        as one edit it applies, when the document is open)."""
        text = opened.bridge.editor_text if opened is not None else document.text
        first, last = lines if lines is not None else (0, None)
        todo_plan = plan_implement(
            text,
            language,
            first=first,
            last=last,
            names=names,
            plain=lines is not None,
            target=uri.rsplit("/", 1)[-1],
            hint=""
            if lines is not None
            else " (select plain TODO:/FIXME: comments to turn them into markers)",
        )
        if not todo_plan.edits:
            return todo_plan.names
        if opened is None:
            for start, end, marker in reversed(todo_plan.edits):
                document.replace(start, end, marker, Origin.EDITOR)
            return todo_plan.names
        text_lines = TextLines(text)
        encoding = self.server.encoding
        edits = []
        for start, end, marker in todo_plan.edits:
            a = text_lines.offset_to_lsp(start, encoding)
            b = text_lines.offset_to_lsp(end, encoding)
            edits.append(
                types.TextEdit(
                    range=types.Range(types.Position(*a), types.Position(*b)), new_text=marker
                )
            )
        params = versioned_edit(
            "CodeCRDT: name the TODO comments", uri, opened.bridge.version, edits
        )
        result = await self.server.workspace_apply_edit_async(params)
        if not result.applied:
            raise RunError(
                "the editor did not apply the edit naming the TODO comments"
                + (f" ({result.failure_reason})" if result.failure_reason else "")
                + "; try again"
            )
        # The editor reports its edit as a didChange (usually before its answer): the run
        # starts once the document holds every marker.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + NAMING_TIMEOUT_S
        while not all(find_marker(document.text, name) for name in todo_plan.names):
            if loop.time() > deadline:
                raise RunError("the edit naming the TODO comments did not reach the server")
            await asyncio.sleep(0.02)
        return todo_plan.names

    def opened(self, uri: str) -> tuple[str, OpenDocument | None]:
        """The open document of the file ``uri`` names, under the URI it was opened with."""
        opened = self.server.documents.get(uri)
        if opened is not None:
            return uri, opened
        key = file_key(uri)
        for other, document in self.server.documents.items():
            if file_key(other) == key:
                return other, document
        return uri, None

    def document_closed(self, uri: str) -> None:
        """The editor closed ``uri``: its run is cancelled (its unfinished TODOs reverted)
        and what it finished is written to the file, since no editor will save it."""
        opened = self.server.documents.get(uri)
        run = self.manager.active_for(uri)
        if opened is None or run is None or run.document is not opened.document:
            return
        path = file_path(uri)
        if path is not None:
            self.headless[run.id] = path
        self.manager.cancel(run.id)

    # -- listener -------------------------------------------------------------------

    def started(self, run: Run) -> None:
        server = self.server
        server.protocol.notify(
            "codecrdt/runStarted",
            {
                "runId": run.id,
                "uri": run.uri,
                "mode": run.mode,
                "agents": run.agents,
                # With mode "auto": the mode it chose and why (the report repeats it).
                "modeChoice": None if run.mode_choice is None else run.mode_choice.to_json(),
            },
        )
        capabilities = server.client_capabilities.window
        if capabilities is not None and capabilities.work_done_progress:
            token = f"codecrdt/{run.id}"
            asyncio.get_running_loop().create_task(self._begin_progress(run, token))

    async def _begin_progress(self, run: Run, token: str) -> None:
        progress = self.server.work_done_progress
        try:
            await progress.create_async(token)
        except Exception as error:  # the client refused: no progress for this run
            logger.info("no progress for %s: %s", run.id, error)
            return
        if run.state != "running":
            return
        name = run.uri.rsplit("/", 1)[-1]
        progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title=f"CodeCRDT: writing {name}",
                message=f"{run.mode}, {run.agents} agent(s)",
                cancellable=True,
                percentage=0,
            ),
        )
        self._tokens[run.id] = token
        future = progress.tokens.get(token)
        if future is not None:
            loop = asyncio.get_running_loop()
            future.add_done_callback(
                lambda f: loop.call_soon_threadsafe(self._cancelled_by_client, run, f)
            )

    def _cancelled_by_client(self, run: Run, future: Any) -> None:
        if future.cancelled() and run.state == "running":
            self.manager.cancel(run.id)

    def activity(self, run: Run, event: RunEvent) -> None:
        if event.kind not in ("agent", "done", "claim", "fenced", "fix"):
            return
        now = asyncio.get_running_loop().time()  # the loop's clock, as the timer below
        if now - self._last_activity.get(run.id, 0.0) >= ACTIVITY_INTERVAL_S:
            self._send_activity(run)
        elif run.id not in self._pending_activity:
            delay = ACTIVITY_INTERVAL_S - (now - self._last_activity[run.id])
            self._pending_activity[run.id] = asyncio.get_running_loop().call_later(
                delay, self._send_activity, run
            )

    def _send_activity(self, run: Run) -> None:
        self._pending_activity.pop(run.id, None)
        self._last_activity[run.id] = asyncio.get_running_loop().time()
        opened = self.server.documents.get(run.uri)
        version = opened.bridge.version if opened is not None else None
        regions = self.manager.agent_regions(run, opened.bridge.editor_text) if opened else {}
        agents = []
        for agent, entry in run.activity.items():
            region = regions.get(agent)
            agents.append(
                {
                    "id": agent,
                    "role": entry.get("role", ""),
                    "state": entry.get("state"),
                    "todo": entry.get("todo"),
                    "range": None
                    if region is None
                    else {
                        "start": {"line": region[0], "character": 0},
                        "end": {"line": region[1], "character": 0},
                    },
                }
            )
        self.server.protocol.notify(
            "codecrdt/agentActivity",
            {"runId": run.id, "uri": run.uri, "version": version, "agents": agents},
        )
        token = self._tokens.get(run.id)
        if token is not None:
            done, total = Board(run.document).progress()
            lines = [
                f"{a['id']} {a['state']}" + (f" {a['todo']}" if a.get("todo") else "")
                for a in agents
                if a["role"] == "implementer" and a["state"] not in ("done", None)
            ]
            self.server.work_done_progress.report(
                token,
                types.WorkDoneProgressReport(
                    message=f"{done}/{total} TODOs; " + ("; ".join(lines) or "outlining"),
                    percentage=int(100 * done / total) if total else 0,
                ),
            )

    async def ending(self, run: Run) -> None:
        """A headless run's file: what was saved to it meanwhile merged, then written (or a
        recovered copy beside it when it cannot be)."""
        watching = self._disk_edits.pop(run.id, None)
        if watching is not None:
            disk_edits, watch = watching
            watch.cancel()
            await asyncio.gather(watch, return_exceptions=True)
            try:
                await disk_edits.check(final=True)
            except Exception:
                logger.exception("%s: merging the saved changes failed", run.id)
        path = self.headless.pop(run.id, None)
        if path is None:
            return
        text = run.document.text
        if not text and not await asyncio.to_thread(path.exists):
            return
        root = self.server.workspace.root_path
        fallbacks = [Path(root)] if root else []
        try:
            self._saved[run.id] = await asyncio.to_thread(
                save_work, path, text, fallbacks=fallbacks
            )
        except OSError as error:
            self._saved[run.id] = str(error)

    def _file_fields(self, run: Run) -> dict[str, Any]:
        """``savedTo`` (the file written, None if none) and ``saveError`` (why the run's
        file could not be written, if it could not)."""
        saved = self._saved.get(run.id)
        if saved is None:
            return {}
        if isinstance(saved, str):
            return {"savedTo": None, "saveError": saved}
        return {"savedTo": str(saved.path), "saveError": saved.error}

    def finished(self, run: Run) -> None:
        handle = self._pending_activity.pop(run.id, None)
        if handle is not None:
            handle.cancel()
        try:
            self._send_activity(run)
        except Exception:  # the end must be reported whatever the last activity did
            logger.exception("%s: the last activity could not be sent", run.id)
        report = run.report.to_json() if run.report is not None else None
        token = self._tokens.pop(run.id, None)
        if token is not None:
            summary = "finished" if run.state == "finished" else run.state
            if run.report is not None and run.report.error:
                summary += f": {run.report.error}"
            self.server.work_done_progress.end(token, types.WorkDoneProgressEnd(message=summary))
        fields = self._file_fields(run)
        self._saved.pop(run.id, None)
        # What was held back while the agents wrote (codecrdt.lsp.writing) is shown now.
        opened = self.server.documents.get(run.uri)
        if opened is not None and opened.document is run.document:
            self.server.analyse_again(run.uri)
        self.server.protocol.notify(
            "codecrdt/runFinished",
            {"runId": run.id, "uri": run.uri, "report": report, **fields},
        )
        # A failed run is told by runFinished and the progress' end (the extension shows
        # its own message); a file that could not be written, with a warning too.
        name = run.uri.rsplit("/", 1)[-1]
        if fields.get("saveError"):
            where = fields.get("savedTo")
            self.server.warn(
                f"CodeCRDT: could not write {name} ({fields['saveError']}); "
                + (f"the run's text is in {where}" if where else "the run's text was not saved")
            )


def server_runs(ls: CodeCrdtServer) -> ServerRuns:
    """The listener :func:`register` bound to the server's runs."""
    listener = ls.runs.listener
    if not isinstance(listener, ServerRuns):
        raise RuntimeError("the run commands are not registered on this server")
    return listener


# -- commands: each turns a RequestError into InvalidParams with its message ------------------

#: InvalidParams' ``data`` when no provider is named and none is configured, so that a
#: client can offer to configure one (the VS Code extension's quick pick).
NO_PROVIDER_DATA = {"reason": "noProvider"}


def invalid_params(error: RequestError) -> JsonRpcInvalidParams:
    """The InvalidParams error of a refused request (with :data:`NO_PROVIDER_DATA` when
    the refusal is that no provider is configured)."""
    data = dict(NO_PROVIDER_DATA) if isinstance(error, NoProviderError) else None
    return JsonRpcInvalidParams(str(error), data=data)


async def generate(ls: CodeCrdtServer, arguments: GenerateArguments) -> dict[str, Any]:
    try:
        return await server_runs(ls).generate(arguments.as_json())
    except RequestError as error:
        raise invalid_params(error) from None


async def implement(ls: CodeCrdtServer, arguments: ImplementArguments) -> dict[str, Any]:
    try:
        return await server_runs(ls).implement(arguments.as_json())
    except RequestError as error:
        raise invalid_params(error) from None


def cancel(ls: CodeCrdtServer, arguments: RunIdArguments) -> dict[str, Any]:
    try:
        run = ls.runs.cancel(arguments.run_id)
    except RunError as error:
        raise JsonRpcInvalidParams(str(error)) from None
    return {"runId": run.id, "state": "cancelling" if run.state == "running" else run.state}


def status(ls: CodeCrdtServer, arguments: StatusArguments | None = None) -> list[dict[str, Any]]:
    run_id = arguments.run_id if arguments is not None else None
    try:
        if run_id is not None:
            return [ls.runs.get(run_id).status()]
    except RunError as error:
        raise JsonRpcInvalidParams(str(error)) from None
    return [run.status() for run in ls.runs.runs.values()]


def status_now(ls: CodeCrdtServer, arguments: Any) -> list[dict[str, Any]] | None:
    """``codecrdt.status`` answered by the stdin thread, ahead of the loop's queue
    (:meth:`CodeCrdtServer.urgent_answer`): the same answer as :func:`status`, or None
    for arguments that :func:`status` answers with an error."""
    if not arguments:
        run_id = None
    elif len(arguments) == 1 and isinstance(arguments[0], dict) and set(arguments[0]) <= {"runId"}:
        run_id = arguments[0].get("runId")
    else:
        return None
    runs = dict(ls.runs.runs)  # copied at once: the loop may start a run meanwhile
    if run_id is None:
        return [run.status() for run in runs.values()]
    run = runs.get(run_id) if isinstance(run_id, str) else None
    return None if run is None else [run.status()]


def undo_run(ls: CodeCrdtServer, arguments: RunIdArguments) -> dict[str, Any]:
    try:
        steps = ls.runs.undo_run(arguments.run_id)
    except RunError as error:
        raise JsonRpcInvalidParams(str(error)) from None
    return {"runId": arguments.run_id, "undone": steps > 0}


async def evaluate(ls: CodeCrdtServer, arguments: EvaluateArguments) -> dict[str, Any]:
    return await evaluate_document(ls, arguments)


def register(server: CodeCrdtServer) -> ServerRuns:
    """Add the generation commands to ``server`` and report its runs to the client."""
    runs = ServerRuns(server)
    server.command("codecrdt.generate")(generate)
    server.command("codecrdt.implement")(implement)
    server.command("codecrdt.cancel")(cancel)
    server.command("codecrdt.status")(status)
    server.urgent_commands["codecrdt.status"] = status_now
    server.command("codecrdt.undoRun")(undo_run)
    server.command("codecrdt.evaluate")(evaluate)
    return runs


async def evaluate_document(ls: CodeCrdtServer, arguments: EvaluateArguments) -> dict[str, Any]:
    """The Evaluator on an open document's conflicts (``codecrdt.evaluate`` and the
    "Fix with Evaluator" quick fix)."""
    uri = arguments.uri
    opened = ls.documents.get(uri)
    if opened is None or opened.analysis is None:
        raise JsonRpcInvalidParams(f"{uri!r} is not an open document of a supported language")
    defaults = ls.options.generation_defaults()
    spec = arguments.spec or "Fix the conflicts in this file."
    language = opened.analysis.spec.name
    provider: Provider | None = None
    try:
        try:
            request = GenerateCommand.parse(
                {"uri": uri, "spec": spec}, defaults, language=language, user_urls=ls.user_urls
            )
        except NoProviderError as error:
            # No model: the deterministic fixes are made all the same, and each fix that
            # needs a model is left with the message that says how to configure one.
            request = GenerateCommand(
                uri, RunRequest(spec=spec, language=language, provider="none")
            )
            provider = UnconfiguredProvider(str(error))
        return await ls.runs.evaluate(
            opened.document, opened.analysis.spec, request, provider=provider
        )
    except RequestError as error:
        raise invalid_params(error) from None
