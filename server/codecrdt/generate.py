"""``codecrdt generate`` and ``codecrdt demo``: parallel agents writing a file, no editor.

Checks everything that can be checked before any model is called (spec, output path,
language, provider and key, script), runs the agents with a live terminal view, writes the
file atomically and the JSON report. Ctrl-C stops the run cleanly: the file keeps the
outline, every finished TODO and the markers of the others, and the report says so.
Exit status: 0 finished, 1 the run stopped (budget, error), a TODO failed or conflicts are
left, 2 bad input, 130 cancelled.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console

from codecrdt.agents.context import RunContext
from codecrdt.agents.live import LiveView
from codecrdt.agents.providers import PROVIDERS, default_provider, make_provider
from codecrdt.agents.providers.base import ProviderError
from codecrdt.agents.providers.retry import RetryPolicy
from codecrdt.agents.run import Report, RunOptions, generate
from codecrdt.agents.script import (
    Script,
    ScriptError,
    bundled_scripts,
    default_script,
    load_script,
)
from codecrdt.analysis.languages import LANGUAGES, language_for_path, language_named
from codecrdt.clock import Clock
from codecrdt.document import SharedDocument
from codecrdt.sourcefile import NotSource, read_source, write_atomically

__all__ = ["add_arguments", "run_demo", "run_generate"]

MAX_SPEC_CHARS = 100_000


class UsageError(Exception):
    """Bad input: the message says what to change."""


def add_arguments(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
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
            choices=PROVIDERS,
            help="anthropic when ANTHROPIC_API_KEY is set, else scripted (prepared output)",
        )
        parser.add_argument("--model", help="the provider's model name")
        parser.add_argument("--base-url", help="endpoint of an OpenAI-compatible server")
        parser.add_argument(
            "--script", metavar="TASK|FILE", help="prepared output for the scripted provider"
        )
    parser.add_argument(
        "--out",
        type=Path,
        required=not demo,
        help="the file to write" + (" (default: the task's file name)" if demo else ""),
    )
    parser.add_argument("--agents", type=int, default=3, help="implementers (default 3)")
    parser.add_argument("--mode", choices=("parallel", "sequential"), default="parallel")
    parser.add_argument("--seed", type=int, default=0, help="seed of the scripted latencies")
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


@dataclass
class _Plan:
    out: Path
    spec: str
    language: str
    provider: str
    model: str | None
    base_url: str | None
    script: Script | None
    initial: str


def _plan(args: argparse.Namespace, cwd: Path) -> _Plan:
    script: Script | None = None
    if getattr(args, "script", None):
        try:
            script = load_script(args.script)
        except ScriptError as error:
            raise UsageError(str(error)) from None
    spec = args.spec if getattr(args, "spec", None) is not None else None
    if getattr(args, "spec_file", None) is not None:
        try:
            spec = read_source(args.spec_file, max_bytes=4 * MAX_SPEC_CHARS)
        except NotSource as error:
            raise UsageError(f"--spec-file {args.spec_file}: {error.reason}") from None
    if spec is None and script is not None:
        spec = script.spec
    if spec is None:
        raise UsageError("say what to write: --spec TEXT, --spec-file FILE or --script TASK")
    if not spec.strip():
        raise UsageError("the spec is empty")
    if len(spec) > MAX_SPEC_CHARS:
        raise UsageError(f"the spec is {len(spec):,} characters; the limit is {MAX_SPEC_CHARS:,}")

    out: Path = args.out
    resolved = (cwd / out).resolve()
    if not resolved.is_relative_to(cwd.resolve()):
        raise UsageError(f"--out {out}: outside the working folder {cwd}")
    if resolved.is_dir():
        raise UsageError(f"--out {out}: is a folder")
    folder = resolved.parent
    if not folder.is_dir():
        raise UsageError(f"--out {out}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (resolved.exists() and not os.access(resolved, os.W_OK)):
        raise UsageError(f"--out {out}: not writable")
    initial = ""
    if resolved.exists():
        try:
            initial = read_source(resolved)
        except NotSource as error:
            raise UsageError(f"--out {out}: {error.reason}") from None

    # --language, else the output's suffix, else the script's language: a script in
    # another language than the output's suffix is refused below, not written into it.
    language_name = getattr(args, "language", None)
    spec_for_path = language_for_path(resolved)
    if language_name is None and spec_for_path is not None:
        language_name = spec_for_path.name
    if language_name is None and script is not None:
        language_name = script.language
    if language_name is None:
        names = ", ".join(s.name for s in LANGUAGES)
        raise UsageError(f"cannot tell the language of {out}: pass --language ({names})")
    if language_named(language_name) is None:
        names = ", ".join(s.name for s in LANGUAGES)
        raise UsageError(f"unknown language {language_name!r} (supported: {names})")

    provider = getattr(args, "provider", None) or default_provider()
    if provider == "scripted" and script is None:
        default = default_script(language_name)
        if default is None:
            raise UsageError(
                f"no bundled script for {language_name}: pass --script FILE or another provider"
            )
        script = load_script(default)
    if provider == "scripted" and script is not None and script.language != language_name:
        raise UsageError(
            f"the script {script.name!r} is {script.language}, but the output is {language_name}"
        )
    if args.agents < 1 or args.agents > 64:
        raise UsageError("--agents must be between 1 and 64")
    if args.time_scale <= 0:
        raise UsageError("--time-scale must be positive")
    return _Plan(
        out=resolved,
        spec=spec,
        language=language_name,
        provider=provider,
        model=getattr(args, "model", None),
        base_url=getattr(args, "base_url", None),
        script=script,
        initial=initial,
    )


async def _run(
    plan: _Plan, args: argparse.Namespace, view: LiveView | None, clock: Clock | None = None
) -> Report:
    """Run ``plan``; ``clock`` is the run's (default: a real one at ``--time-scale``)."""
    if clock is None:
        clock = Clock.real(time_scale=args.time_scale if plan.provider == "scripted" else 1.0)
    provider = make_provider(
        plan.provider,
        model=plan.model,
        base_url=plan.base_url,
        script=plan.script,
        seed=args.seed,
        clock=clock,
        latency=getattr(args, "latency", None),
    )
    language = language_named(plan.language)
    assert language is not None
    ctx = RunContext(
        provider,
        language,
        plan.spec,
        policy=RetryPolicy(),
        max_tokens=args.max_tokens,
        max_cost=args.max_cost,
        max_output_tokens=getattr(args, "max_output_tokens", None),
        clock=clock,
        rng=random.Random(args.seed),
        on_event=view.on_event if view is not None else None,
    )
    options = RunOptions(mode=args.mode, agents=args.agents, seed=args.seed)
    document = SharedDocument(plan.initial)
    try:
        report = await generate(document, ctx, options)
    finally:
        await provider.aclose()
    if plan.out.exists() or document.text:
        write_atomically(plan.out, document.text)
    return report


def _summary(report: Report, out: Path, console: Console) -> None:
    done = sum(1 for t in report.todos if t["status"] == "done")
    conflicts = report.conflicts
    cost = "n/a" if report.cost_usd is None else f"${report.cost_usd:.4f}"
    console.print(
        f"wrote {out} in {report.wall_s:.1f}s: {report.mode}, {report.agents} agent(s), "
        f"{done}/{len(report.todos)} TODOs done, {report.chars:,} chars, {report.tokens:,} "
        f"tokens, cost {cost}; conflicts found {conflicts.get('found', 0)}, fixed "
        f"{conflicts.get('fixed_deterministic', 0)} deterministically and "
        f"{conflicts.get('fixed_model', 0)} by the model, {conflicts.get('left', 0)} left; "
        f"replicas {'converged' if report.converged else 'DIVERGED'}",
        highlight=False,
    )
    failed = [t["name"] for t in report.todos if t["status"] == "failed"]
    if failed:
        console.print(
            f"gave up on {len(failed)} TODO(s) after repeated failures: {', '.join(failed)}; "
            "their markers stay in the file",
            style="yellow",
            highlight=False,
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
        )


def run_generate(args: argparse.Namespace, cwd: Path | None = None) -> int:
    console = Console(stderr=True)
    try:
        plan = _plan(args, cwd or Path.cwd())
    except UsageError as error:
        console.print(f"codecrdt generate: {error}", style="red", highlight=False)
        return 2
    if plan.provider == "scripted" and plan.script is not None:
        console.print(
            f"scripted provider: streaming the prepared output of task {plan.script.name!r} "
            "(not a model)",
            highlight=False,
        )
    title = f"codecrdt {plan.out.name}: {args.mode}, {args.agents} agent(s), {plan.provider}"
    view = None if args.quiet else LiveView(title, console)
    try:
        with view if view is not None else contextlib.nullcontext():
            report = asyncio.run(_run(plan, args, view))
    except ProviderError as error:  # e.g. a missing key, found when the provider is made
        console.print(f"codecrdt generate: {error}", style="red", highlight=False)
        return 2
    except ValueError as error:
        console.print(f"codecrdt generate: {error}", style="red", highlight=False)
        return 2
    if args.report is not None:
        args.report.write_text(json.dumps(report.to_json(), indent=2) + "\n", encoding="utf-8")
    _summary(report, plan.out, console)
    if report.stopped_by == "cancel":
        return 130
    unfinished = any(t["status"] != "done" for t in report.todos)
    return 1 if report.stopped_by or report.conflicts.get("left") or unfinished else 0


def run_demo(args: argparse.Namespace) -> int:
    console = Console(stderr=True)
    if args.list:
        out = Console()
        for script in bundled_scripts():
            out.print(
                f"{script.name:<18} {script.language:<8} {script.file:<20} {script.title}",
                highlight=False,
                soft_wrap=True,  # one line per task, whatever the width
            )
        return 0
    try:
        script = load_script(args.task or "inventory-cli")
    except ScriptError as error:
        console.print(f"codecrdt demo: {error}", style="red", highlight=False)
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
