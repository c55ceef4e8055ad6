"""``codecrdt generate`` and ``codecrdt demo``: parallel agents writing a file, no editor.

Checks everything that can be checked before any model is called (spec, output path,
language, provider and key, script), runs the agents with a live terminal view, writes the
file atomically and the JSON report. Ctrl-C stops the run cleanly: the file keeps the
outline, every finished TODO and the markers of the others, and the report says so.
Lines saved to the file during the run are merged into it as the user's edit
(:mod:`codecrdt.diskedits`). When the file cannot be written at the end (its folder was
removed), the text goes to a recovered copy beside it (or in the working folder, or the
temporary folder) and the message says where.
Exit status: 0 finished, 1 the run stopped (budget, error — a provider's or any other),
a TODO failed, conflicts are left or the file could not be written, 2 bad input, 130
cancelled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import json
import logging
import os
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from codecrdt.agents.automode import ModeChoice
from codecrdt.agents.context import RunContext, RunEvent
from codecrdt.agents.live import LiveView
from codecrdt.agents.measurements import MeasurementStore
from codecrdt.agents.providers import make_provider, provider_names
from codecrdt.agents.providers.base import Provider, ProviderError
from codecrdt.agents.providers.retry import RetryPolicy
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.agents.script import ScriptError, bundled_scripts, load_script
from codecrdt.analysis.languages import language_for_path
from codecrdt.clock import Clock
from codecrdt.diskedits import DiskEdits
from codecrdt.document import Origin, SharedDocument
from codecrdt.implement import IMPLEMENT_SPEC, ImplementPlan, plan
from codecrdt.modechoice import remember, resolve
from codecrdt.request import (
    DEFAULT_MODE,
    DEFAULT_TEMPERATURE,
    FLAGS,
    MAX_SPEC_CHARS,
    MODES,
    RequestError,
    RunRequest,
)
from codecrdt.sourcefile import NotSource, Saved, read_source, save_work

__all__ = [
    "Output",
    "add_arguments",
    "generate_and_save",
    "generate_file",
    "prepare_output",
    "request_from_args",
    "run_demo",
    "run_generate",
    "run_implement",
]

logger = logging.getLogger(__name__)


def add_arguments(
    parser: argparse.ArgumentParser, *, demo: bool = False, implement: bool = False
) -> None:
    if implement:
        parser.add_argument("file", type=Path, help="the file whose TODO markers to implement")
        parser.add_argument(
            "--names",
            metavar="NAME,…",
            help="only these markers (comma-separated; default: every marker in the file)",
        )
        parser.add_argument(
            "--plain",
            action="store_true",
            help="also turn plain TODO:/FIXME: comment lines into named markers and implement them",
        )
    if demo:
        parser.add_argument("task", nargs="?", help="bundled task (default: inventory-cli)")
        parser.add_argument("--list", action="store_true", help="list the bundled tasks")
    else:
        spec = parser.add_mutually_exclusive_group()
        spec.add_argument("--spec", help="what to write, in words")
        spec.add_argument("--spec-file", type=Path, metavar="FILE", help="read the spec here")
        parser.add_argument("--language", help="python, javascript, typescript or tsx")
        parser.add_argument(
            "--provider",
            choices=provider_names(),
            help="default: anthropic when ANTHROPIC_API_KEY is set, else openai when "
            "OPENAI_API_KEY or a base URL is; none: exit 2 (scripted, prepared output that "
            "ignores the spec, runs only when named)",
        )
        parser.add_argument("--model", help="the provider's model name")
        parser.add_argument("--base-url", help="endpoint of an OpenAI-compatible server")
        parser.add_argument(
            "--script", metavar="TASK|FILE", help="prepared output for the scripted provider"
        )
    if not implement:
        parser.add_argument(
            "--out",
            type=Path,
            required=not demo,
            help="the file to write" + (" (default: the task's file name)" if demo else ""),
        )
    parser.add_argument("--agents", type=int, default=3, help="implementers (default 3)")
    if not implement:
        parser.add_argument(
            "--mode",
            choices=MODES,
            default=DEFAULT_MODE,
            help="auto (default): the faster of parallel and sequential, estimated from the "
            "provider's measured speed and the task's size; the report says which and why",
        )
    parser.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the scripted latencies; an OpenAI-compatible model samples with it",
    )
    parser.add_argument(
        "--temperature",
        type=float,
        help=f"sampling temperature of every request to an OpenAI-compatible model "
        f"(default {DEFAULT_TEMPERATURE:g}: the likeliest token; Anthropic's API takes none)",
    )
    parser.add_argument("--report", type=Path, metavar="FILE", help="write the JSON report")
    parser.add_argument("--max-tokens", type=int, help="stop the run past this many tokens")
    parser.add_argument("--max-cost", type=float, help="stop the run past this cost (USD)")
    parser.add_argument(
        "--max-output-tokens",
        type=int,
        help="cap every answer's length (small local models: short context, repetition loops)",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="scripted runs only: play every modelled delay this many times faster",
    )
    parser.add_argument("--quiet", action="store_true", help="no live view, only the summary")


@dataclass(frozen=True)
class Output:
    """The file a run writes: its resolved path, and the text it holds before the run."""

    path: Path
    initial: str


def prepare_output(out: Path, cwd: Path) -> Output:
    """``out`` checked (inside ``cwd``, a writable file of text); :class:`RequestError` if not."""
    resolved = (cwd / out).resolve()
    if not resolved.is_relative_to(cwd.resolve()):
        raise RequestError(f"--out {out}: outside the working folder {cwd}")
    if resolved.is_dir():
        raise RequestError(f"--out {out}: is a folder")
    folder = resolved.parent
    if not folder.is_dir():
        raise RequestError(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (resolved.exists() and not os.access(resolved, os.W_OK)):
        raise RequestError(f"--out {out}: not writable")
    initial = ""
    if resolved.exists():
        try:
            initial = read_source(resolved)
        except NotSource as error:
            raise RequestError(f"--out {out}: {error.reason}") from None
    return Output(resolved, initial)


def request_from_args(args: argparse.Namespace, output: Output) -> RunRequest:
    """The run request of ``codecrdt generate``'s arguments, writing ``output``."""
    spec = getattr(args, "spec", None)
    spec_file: Path | None = getattr(args, "spec_file", None)
    if spec_file is not None:
        try:
            spec = read_source(spec_file, max_bytes=4 * MAX_SPEC_CHARS)
        except NotSource as error:
            raise RequestError(f"--spec-file {spec_file}: {error.reason}") from None
    # --language, else the output's suffix, else the script's language: a script in
    # another language than the output's suffix is refused, not written into it.
    language = getattr(args, "language", None)
    by_suffix = language_for_path(output.path)
    if language is None and by_suffix is not None:
        language = by_suffix.name
    return RunRequest.build(
        spec=spec,
        language=language,
        provider=getattr(args, "provider", None),
        agents=args.agents,
        mode=args.mode,
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
        # --base-url is the user's own: a key from the environment may go there.
        user_urls=[u for u in [getattr(args, "base_url", None)] if u],
        script=getattr(args, "script", None),
        seed=args.seed,
        temperature=getattr(args, "temperature", None),
        max_tokens=args.max_tokens,
        max_cost=args.max_cost,
        max_output_tokens=getattr(args, "max_output_tokens", None),
        time_scale=args.time_scale,
        target=str(args.out),
        names=FLAGS,
    )


async def generate_file(
    request: RunRequest,
    output: Output,
    *,
    on_event: Callable[[RunEvent], None] | None = None,
    clock: Clock | None = None,
) -> Report:
    """Run ``request`` on a document holding ``output``'s text; write the file at the end.

    ``clock`` is the run's (default: a real one at the request's time scale). The file is
    written (atomically) whatever the run's outcome, unless it did not exist and the run
    wrote nothing; what was saved to it meanwhile is merged in. OSError when neither the
    file nor a recovered copy could be written (:func:`generate_and_save` says where).
    """
    report, _saved = await generate_and_save(request, output, on_event=on_event, clock=clock)
    return report


async def generate_and_save(
    request: RunRequest,
    output: Output,
    *,
    on_event: Callable[[RunEvent], None] | None = None,
    clock: Clock | None = None,
    fallbacks: tuple[Path, ...] = (),
    provider: Provider | None = None,
    implement: ImplementPlan | None = None,
    choice: ModeChoice | None = None,
    store: MeasurementStore | None = None,
) -> tuple[Report, Saved | None]:
    """:func:`generate_file`, also telling where the text went (None: nowhere, the run
    wrote nothing into a file that did not exist): the file, or a recovered copy when the
    file could not be written (beside it, else in ``fallbacks``, else the temporary
    folder). OSError when none of them could be written. ``provider``: the request's,
    made beforehand with ``clock`` (it is closed at the end). ``implement``: the file's
    markers are the outline (no Outliner); the plan's edits are applied first, as the
    user's. ``choice``: the mode ``auto`` chose beforehand (:func:`resolve`; else it is
    chosen here), reported; ``store``: the measurements file (default: the user's)."""
    if clock is None:
        clock = Clock.real(time_scale=request.time_scale)
    if provider is None:
        provider = make_provider(request, clock)
    if implement is not None and request.mode == "auto":
        request = dataclasses.replace(request, mode="parallel")  # the markers are the plan
    if request.mode == "auto":
        request, choice = resolve(request, provider, output.initial, store)
    assert request.mode != "auto"
    ctx = RunContext(
        provider,
        request.language_spec,
        request.spec,
        policy=RetryPolicy(),
        max_tokens=request.max_tokens,
        max_cost=request.max_cost,
        max_output_tokens=request.max_output_tokens,
        clock=clock,
        rng=random.Random(request.seed),
        on_event=on_event,
    )
    options = RunOptions(
        mode=request.mode,
        agents=request.agents,
        seed=request.seed,
        outline="file" if implement is not None else "outliner",
        todos=implement.names if implement is not None else None,
        run_id="cli",
    )
    document = SharedDocument(output.initial)
    # File I/O goes to a worker thread, except on the virtual clock of simulations, whose
    # loop cannot wait for a thread (and whose files nobody edits meanwhile).
    threads = clock.kind != "virtual"
    disk_edits = DiskEdits(document, output.path, output.initial, threads=threads)
    if implement is not None:
        for start, end, marker in reversed(implement.edits):
            document.replace(start, end, marker, Origin.EDITOR)
    watch = asyncio.get_running_loop().create_task(disk_edits.follow())
    try:
        report = await generate(document, ctx, options)
    finally:
        watch.cancel()
        await asyncio.gather(watch, return_exceptions=True)
        await provider.aclose()
    if choice is not None:
        report.mode_choice = choice.to_json()
    fresh = implement is None and not output.initial.strip()
    if threads:
        await asyncio.to_thread(remember, request, provider, ctx, report, fresh=fresh, store=store)
    else:
        remember(request, provider, ctx, report, fresh=fresh, store=store)
    try:
        await disk_edits.check(final=True)
    except Exception as error:  # the run's text is written all the same
        logger.warning("%s: changes saved during the run not merged: %s", output.path, error)
    text = document.text
    if not text and not output.path.exists():
        return report, None
    if threads:
        saved = await asyncio.to_thread(save_work, output.path, text, fallbacks=fallbacks)
    else:
        saved = save_work(output.path, text, fallbacks=fallbacks)
    return report, saved


def _cwd() -> tuple[Path, ...]:
    try:
        return (Path.cwd(),)
    except OSError:  # the working folder itself was removed
        return ()


def _provider_and_model(provider: str, model: str) -> str:
    """``provider anthropic, model claude-…``: what wrote the file, as the user reads it."""
    return f"provider {provider}, model {model or 'the default'}"


def _prevented(report: Report) -> str:
    """``2 declaration(s) kept out of other lanes (impl-1 1, impl-2 1)``."""
    text = f"{report.prevented} declaration(s) kept out of other lanes"
    if report.prevented_by_agent:
        each = ", ".join(f"{agent} {n}" for agent, n in report.prevented_by_agent.items())
        text += f" ({each})"
    return text


def _echo_dropped(report: Report) -> str:
    """``; 12 line(s) echoing the prompt dropped (outliner 12)``, or nothing."""
    if not report.echo_dropped:
        return ""
    each = ", ".join(f"{agent} {n}" for agent, n in report.echo_dropped_by_agent.items())
    return f"; {report.echo_dropped} line(s) echoing the prompt dropped ({each})"


def _summary(report: Report, out: Path, console: Console) -> None:
    done = sum(1 for t in report.todos if t["status"] == "done")
    conflicts = report.conflicts
    cost = "n/a" if report.cost_usd is None else f"${report.cost_usd:.4f}"
    # generate_file writes an existing file always, a new one only when the run wrote text.
    wrote = f"wrote {out}" if out.exists() else f"did not write {out} (no text)"
    mode = f"{report.mode} (auto)" if report.mode_choice is not None else report.mode
    console.print(
        f"{wrote} in {report.wall_s:.1f}s: {mode}, {report.agents} agent(s), "
        f"{_provider_and_model(report.provider, report.model)}, "
        f"{done}/{len(report.todos)} TODOs done, {report.chars:,} chars, {report.tokens:,} "
        f"tokens, cost {cost}; conflicts found {conflicts.get('found', 0)}, fixed "
        f"{conflicts.get('fixed_deterministic', 0)} deterministically and "
        f"{conflicts.get('fixed_model', 0)} by the model, {conflicts.get('left', 0)} left; "
        f"{_prevented(report)}{_echo_dropped(report)}; "
        f"replicas {'converged' if report.converged else 'DIVERGED'}",
        highlight=False,
        markup=False,
    )
    choice = report.mode_choice
    if choice is not None:
        console.print(choice["reason"], highlight=False, markup=False)
        for note in choice.get("notes", []):
            console.print(note, style="yellow", highlight=False, markup=False)
    if report.plan_off_spec:
        console.print(
            f"the plan has TODO(s) that share no word with the spec: "
            f"{', '.join(report.plan_off_spec)}",
            style="yellow",
            highlight=False,
            markup=False,
        )
    failed = [t["name"] for t in report.todos if t["status"] == "failed"]
    if failed:
        console.print(
            f"gave up on {len(failed)} TODO(s) after repeated failures: {', '.join(failed)}; "
            "their markers stay in the file",
            style="yellow",
            highlight=False,
            markup=False,
        )
    if report.stopped_by:
        reason = f": {report.error}" if report.error else ""
        kept = (
            "unfinished TODOs keep their markers in the file"
            if report.outline_complete
            else "the outline was not finished, so nothing the run wrote was kept"
        )
        console.print(
            f"the run stopped early ({report.stopped_by}{reason}); {kept}",
            style="yellow",
            highlight=False,
            markup=False,
        )


def run_generate(args: argparse.Namespace, cwd: Path | None = None) -> int:
    console = Console(stderr=True)
    try:
        output = prepare_output(args.out, cwd or Path.cwd())
        request = request_from_args(args, output)
    except RequestError as error:
        console.print(f"codecrdt generate: {error}", style="red", highlight=False, markup=False)
        return 2
    return _run(args, console, output, request, None)


def run_implement(args: argparse.Namespace, cwd: Path | None = None) -> int:
    """``codecrdt implement FILE``: the file's TODO markers, filled by parallel agents."""
    console = Console(stderr=True)
    args.out = args.file
    args.mode = "parallel"
    if args.spec is None and args.spec_file is None:
        args.spec = IMPLEMENT_SPEC
    try:
        output = prepare_output(args.file, cwd or Path.cwd())
        if not output.path.exists():
            raise RequestError(f"{args.file}: no such file")
        request = request_from_args(args, output)
        names = None if args.names is None else [n for n in args.names.split(",") if n.strip()]
        todo_plan = plan(
            output.initial,
            request.language,
            names=None if names is None else [n.strip() for n in names],
            plain=args.plain,
            target=str(args.file),
            hint=""
            if args.plain
            else " (pass --plain to turn plain TODO:/FIXME: comments into markers)",
        )
    except RequestError as error:
        console.print(f"codecrdt implement: {error}", style="red", highlight=False, markup=False)
        return 2
    if todo_plan.edits:
        console.print(
            f"named {len(todo_plan.edits)} plain TODO comment(s) as markers",
            highlight=False,
            markup=False,
        )
    return _run(args, console, output, request, todo_plan)


def _run(
    args: argparse.Namespace,
    console: Console,
    output: Output,
    request: RunRequest,
    implement: ImplementPlan | None,
) -> int:
    command = "implement" if implement is not None else "generate"
    if request.provider == "scripted" and request.script is not None:
        console.print(
            f"scripted provider: streaming the prepared output of task {request.script.name!r} "
            "(not a model)",
            highlight=False,
            markup=False,
        )
    clock = Clock.real(time_scale=request.time_scale)
    try:
        # Made here, so that what is wrong with it (a missing key, a bad URL) is bad input.
        provider = make_provider(request, clock)
    except (ProviderError, ValueError) as error:
        console.print(f"codecrdt {command}: {error}", style="red", highlight=False, markup=False)
        return 2
    choice = None
    if implement is None:
        request, choice = resolve(request, provider, output.initial)
    mode = f"{request.mode} (auto)" if choice is not None else request.mode
    title = (
        f"codecrdt {output.path.name}: {mode}, {request.agents} agent(s), "
        f"{_provider_and_model(provider.name, provider.model)}"
    )
    view = None if args.quiet else LiveView(title, console)
    on_event = view.on_event if view is not None else None
    try:
        with view if view is not None else contextlib.nullcontext():
            report, saved = asyncio.run(
                generate_and_save(
                    request,
                    output,
                    on_event=on_event,
                    clock=clock,
                    fallbacks=_cwd(),
                    provider=provider,
                    implement=implement,
                    choice=choice,
                )
            )
    except ProviderError as error:
        console.print(f"codecrdt {command}: {error}", style="red", highlight=False, markup=False)
        return 1
    except OSError as error:  # neither the file nor a recovered copy could be written
        console.print(f"codecrdt {command}: {error}", style="red", highlight=False, markup=False)
        return 1
    problems = False
    if args.report is not None:
        try:
            args.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            problems = True
            console.print(
                f"codecrdt {command}: could not write the report {args.report}: "
                f"{error.strerror or error}",
                style="red",
                highlight=False,
                markup=False,
            )
    _summary(report, saved.path if saved is not None else output.path, console)
    if saved is not None and saved.recovered:
        problems = True
        console.print(
            f"codecrdt {command}: could not write {output.path} ({saved.error}); "
            f"the run's text is in {saved.path}",
            style="red",
            highlight=False,
            markup=False,
            soft_wrap=True,  # paths whole, not broken at a hyphen
        )
    if report.stopped_by == "cancel":
        return 130
    unfinished = any(t["status"] != "done" for t in report.todos)
    stopped = report.stopped_by or report.conflicts.get("left") or unfinished
    return 1 if stopped or problems else 0


def run_demo(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.list:
        out = Console()
        for script in bundled_scripts():
            out.print(
                f"{script.name:<18} {script.language:<8} {script.file:<20} {script.title}",
                highlight=False,
                markup=False,
                soft_wrap=True,  # one line per task, whatever the width
            )
        return 0
    try:
        script = load_script(args.task or "inventory-cli")
    except ScriptError as error:
        console.print(f"codecrdt demo: {error}", style="red", highlight=False, markup=False)
        return 2
    args.script = script.path
    args.provider = "scripted"
    args.spec = None
    args.spec_file = None
    args.language = None  # the output's suffix, else the script's language
    args.model = None
    args.base_url = None
    if args.out is None:
        args.out = Path(script.file or f"{script.name}.txt")
    return run_generate(args)
