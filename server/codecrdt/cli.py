"""The ``codecrdt`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codecrdt import __version__

__all__ = ["main"]


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {value!r}")
    return host.strip("[]") or "127.0.0.1", int(port)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="codecrdt",
        description="Several LLM agents writing one file at once, through a shared CRDT document.",
    )
    parser.add_argument("--version", action="version", version=f"codecrdt {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the language server (stdio by default)")
    transport = serve.add_mutually_exclusive_group()
    transport.add_argument("--stdio", action="store_true", help="speak LSP over stdin/stdout")
    transport.add_argument("--tcp", type=_host_port, metavar="HOST:PORT", help="listen on TCP")
    transport.add_argument("--ws", type=_host_port, metavar="HOST:PORT", help="listen on WebSocket")
    serve.add_argument("--log-file", type=Path, help="write the server log to this file")
    serve.add_argument("--log-level", default="WARNING", help="DEBUG, INFO, WARNING (default)")
    serve.add_argument(
        "--allow-remote",
        action="store_true",
        help="with --tcp/--ws, allow an address that is not loopback (other machines could "
        "connect; the token is still required)",
    )
    serve.add_argument(
        "--token-file",
        type=Path,
        metavar="PATH",
        help="with --tcp/--ws, write the connection token here (mode 0600; default: under "
        "$XDG_RUNTIME_DIR/codecrdt or ~/.cache/codecrdt). $CODECRDT_TOKEN sets the token",
    )
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="with --ws, a browser origin that may connect besides loopback ones (repeatable)",
    )
    serve.add_argument(
        "--base-url",
        metavar="URL",
        help="the runs' default base URL; keys from the environment may be sent there",
    )
    serve.add_argument(
        "--allow-base-url",
        action="append",
        default=[],
        metavar="URL",
        help="a base URL that a client may name and that still gets the key from the "
        "environment (repeatable; also $CODECRDT_ALLOWED_BASE_URLS)",
    )
    serve.add_argument(
        "--test-commands",
        action="store_true",
        help="also offer codecrdt.documentState and codecrdt.simulateWriter "
        "(for tests and benchmarks)",
    )

    selfcheck = commands.add_parser(
        "selfcheck", help="check that an editor buffer converges with a concurrent writer"
    )
    selfcheck.add_argument("file", type=Path)
    selfcheck.add_argument("--seed", type=int, default=0)

    check = commands.add_parser(
        "check",
        help="report semantic conflicts (duplicate imports and declarations, leftover TODOs)",
        description="Report semantic conflicts in files and folders (folders are walked, "
        "respecting .gitignore). Exit status: 0 no finding, 1 findings, 2 usage or I/O error.",
    )
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="files and folders")
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="text (default): path:line:col: code message; json: an array of findings; "
        "sarif: SARIF 2.1.0 for code scanning",
    )
    check.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        help="read [tool.codecrdt] from this TOML file instead of the nearest pyproject.toml",
    )

    from codecrdt.generate import add_arguments

    generate = commands.add_parser(
        "generate",
        help="write a file with parallel agents (Outliner, Implementers, Evaluator)",
        description="Write a file with parallel agents coordinated through a shared CRDT "
        "document. Exit status: 0 finished clean, 1 stopped early, a TODO failed or "
        "conflicts left, "
        "2 bad input, 130 cancelled (Ctrl-C).",
    )
    add_arguments(generate)
    implement = commands.add_parser(
        "implement",
        help="fill a file's TODO(codecrdt:name) markers with parallel agents (no Outliner)",
        description="Implement the TODO(codecrdt:name): … markers of FILE in parallel: the "
        "file is the outline, every marker a TODO for the implementers, the rest of the file "
        "their context; the Evaluator runs at the end. Exit status as for generate.",
    )
    add_arguments(implement, implement=True)
    demo = commands.add_parser(
        "demo",
        help="run a bundled task with the scripted provider (prepared output, offline)",
    )
    add_arguments(demo, demo=True)

    bench = commands.add_parser("bench", help="benchmarks")
    bench_kinds = bench.add_subparsers(dest="bench", required=True)
    from codecrdt.bench.study import add_arguments as add_study_arguments

    study = bench_kinds.add_parser(
        "study",
        help="the paper's study: tasks × modes × agent counts × trials, with plots",
        description="Run the study: every trial a real generate run with the scripted "
        "provider's latency model (or a real provider). Writes DIR/trials.jsonl, "
        "DIR/summary.md and DIR/*.png.",
    )
    add_study_arguments(study)
    replay = bench_kinds.add_parser(
        "replay", help="replay editing traces through the document mirror and raw pycrdt"
    )
    replay.add_argument("traces", nargs="+", type=Path)
    replay.add_argument("--json", action="store_true", help="one JSON object per trace")
    replay.add_argument("--repeat", type=int, default=3, help="runs per trace (median)")
    replay.add_argument(
        "--rpc",
        action="store_true",
        help="also send each trace's first 20,000 edits to a server over JSON-RPC",
    )
    replay.add_argument(
        "--latency",
        action="store_true",
        help="also time didChange → mirror applied on the largest final text",
    )
    check_tests = bench_kinds.add_parser(
        "functional",
        help="run a bundled task's functional tests on one file",
        description="A task's functional check (docs/benchmarks.md): a Python task's "
        "pytest file, a TSX task's type check against React's types and one render. "
        "Exit status: 0 all passed, 1 a test failed, 3 not measured (a tool is missing).",
    )
    check_tests.add_argument("task", help="a bundled task's name, or a script file")
    check_tests.add_argument("file", type=Path, help="the file to check (a run's final file)")
    check_tests.add_argument(
        "--timeout", type=float, default=120.0, help="seconds for the check (default 120)"
    )
    check_tests.add_argument("--json", action="store_true", help="print one JSON object")
    micro = bench_kinds.add_parser(
        "micro",
        help="the micro-benchmarks in one run, each beside its same-run baseline",
        description="Replay ratio (mirror ÷ raw pycrdt), didChange → mirror latency, "
        "diagnostics latency (codecrdt vs ruff server, and vs typescript-language-server "
        "when installed) and the server under load (8 stamped writers vs 1, one editor). "
        "Exit status: 0 all correct, 1 a replay, a convergence or a stamp check failed.",
    )
    micro.add_argument(
        "--traces",
        type=Path,
        metavar="DIR",
        help="editing traces (*.json, *.json.gz) to replay (default: "
        "../shared/data/editing-traces beside the repository, if it exists)",
    )
    micro.add_argument("--out", type=Path, metavar="DIR", help="also write micro.json, micro.md")
    micro.add_argument("--quick", action="store_true", help="a short run (about a minute)")
    micro.add_argument("--json", action="store_true", help="print one JSON object")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "selfcheck":
        return _selfcheck(args)
    if args.command == "check":
        from codecrdt.check import run as run_check

        return run_check(args)
    if args.command == "generate":
        from codecrdt.generate import run_generate

        return run_generate(args)
    if args.command == "implement":
        from codecrdt.generate import run_implement

        return run_implement(args)
    if args.command == "demo":
        from codecrdt.generate import run_demo

        return run_demo(args)
    if args.command == "bench" and args.bench == "study":
        from codecrdt.bench.sensitivity import sweep
        from codecrdt.bench.study import options_from, run_study

        run_study(options_from(args), sweep=sweep)
        print(f"wrote {args.out / 'trials.jsonl'} and {args.out / 'summary.md'}")
        return 0
    if args.command == "bench" and args.bench == "functional":
        from codecrdt.bench.functional import main as functional_main

        return functional_main(args)
    if args.command == "bench" and args.bench == "micro":
        from codecrdt.bench.micro import main as micro_main

        return micro_main(args)
    if args.command == "bench":
        from codecrdt.bench.replay import main as replay_main

        return replay_main(args)
    return 2


def _serve(args: argparse.Namespace) -> int:
    logging.basicConfig(
        filename=args.log_file,
        level=getattr(logging, str(args.log_level).upper(), logging.WARNING),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    from codecrdt.lsp import CodeCrdtServer, create_server
    from codecrdt.lsp.redaction import redact_in_logs

    redact_in_logs(())  # the API keys in the environment

    def make_server() -> CodeCrdtServer:
        return create_server(
            test_commands=args.test_commands,
            base_url=args.base_url,
            user_urls=args.allow_base_url,
        )

    if args.tcp or args.ws:
        return _serve_socket(args, make_server)
    make_server().start_io()
    return 0


def _serve_socket(args: argparse.Namespace, make_server: Callable[[], Any]) -> int:
    """``serve --tcp``/``--ws``: loopback unless allowed, a token, one client at a time."""
    from codecrdt.lsp import transports

    transport = "tcp" if args.tcp else "ws"
    host, port = args.tcp or args.ws
    loopback = transports.is_loopback(host)
    if not loopback and not args.allow_remote:
        print(
            f"codecrdt serve: refusing to listen on {host}:{port}, which other machines can "
            "reach; use 127.0.0.1, or pass --allow-remote to do it anyway (clients still "
            "need the token)",
            file=sys.stderr,
        )
        return 2
    token, new = transports.server_token()
    from codecrdt.lsp.redaction import redact_in_logs

    redact_in_logs([token])
    written: list[Path] = []

    def listening(bound: int) -> None:
        path = args.token_file or (transports.default_token_file(transport, bound) if new else None)
        if path is not None:
            transports.write_token_file(path, token)
            written.append(path)
        where = f"the token is in {path}" if path is not None else "the token is $CODECRDT_TOKEN"
        how = (
            "initializationOptions.token"
            if transport == "tcp"
            else "'Authorization: Bearer TOKEN' or ?token=TOKEN"
        )
        print(
            f"codecrdt serve: listening on {transport} {host}:{bound}; {where} "
            f"(clients pass it as {how})",
            file=sys.stderr,
            flush=True,
        )

    # A terminated server still removes its token file.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        if transport == "tcp":
            asyncio.run(transports.serve_tcp(make_server, host, port, token, listening))
        else:
            asyncio.run(
                transports.serve_ws(
                    make_server,
                    host,
                    port,
                    token,
                    allowed_origins=args.allow_origin,
                    check_host=loopback,
                    on_listening=listening,
                )
            )
    except OSError as error:
        print(f"codecrdt serve: cannot listen on {host}:{port}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        pass
    finally:
        for path in written:
            path.unlink(missing_ok=True)
    return 0


def _selfcheck(args: argparse.Namespace) -> int:
    from codecrdt.selfcheck import run_selfcheck
    from codecrdt.sourcefile import NotSource, read_source

    path: Path = args.file
    try:
        text = read_source(path)
    except NotSource as problem:
        print(f"codecrdt selfcheck: {path}: {problem.reason}", file=sys.stderr)
        return 2
    result = asyncio.run(run_selfcheck(path, seed=args.seed))
    print(f"file:        {path} ({len(text)} characters)")
    print(f"writer:      {result.written} characters streamed into the shared document")
    print(f"user:        {len(result.typed_words)} words typed in the editor meanwhile")
    print(
        f"edits:       {result.edits_received} applyEdit received, "
        f"{result.edits_refused} refused because the user was typing (then resent)"
    )
    print(
        f"typed words: {len(result.typed_words) - len(result.missing_words)} present, "
        f"{len(result.missing_words)} missing, {len(result.doubled_words)} doubled"
    )
    print(f"conflicts:   {len(result.conflicts) or 'none'} reported by the analysis")
    for conflict in result.conflicts:
        print(f"             line {conflict}")
    verdict = "converged" if result.ok else "DID NOT CONVERGE"
    print(
        f"result:      {verdict}: editor buffer and shared document are "
        f"{'identical' if result.converged else 'different'} ({result.length} characters)"
    )
    return 0 if result.ok else 1
