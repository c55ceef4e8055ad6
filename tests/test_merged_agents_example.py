"""Issue 12's example, as a user meets it: a module two agents wrote together.

The second agent re-imported ``time``, gave ``RETRY_LIMIT`` another value and wrote its own
``_stamp``. ``save`` reads both names, but from its body, which runs after the second
bindings: the first ones are dead and ``save`` silently changed behaviour. ``codecrdt
check`` (every format) and the language server report the three conflicts, each with its
reason; the Evaluator fixes the re-import deterministically and asks the model, in one
request showing both places of each, for the constant and for the helper (whose two
versions differ).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from lsprotocol import types

from codecrdt.agents.context import RunContext
from codecrdt.agents.evaluator import Evaluator
from codecrdt.agents.hub import Hub, HubOptions
from codecrdt.agents.providers.base import Request
from codecrdt.agents.providers.scripted import ScriptedProvider
from codecrdt.agents.script import load_script
from codecrdt.analysis.languages import language_named
from codecrdt.analysis.tree import analyze_text
from codecrdt.document import SharedDocument
from lsp_support import TIMEOUT, EditorClient
from test_lsp_diagnostics import (
    by_code,
    code_actions,
    execute,
    open_document,
    record_publishes,
    rng,
    wait_current,
    wait_publish,
)

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = FIXTURES / "python" / "merged_agents.py"
SCRIPT = FIXTURES / "scripts" / "merged_agents.toml"
TEXT = EXAMPLE.read_text(encoding="utf-8")

DEFERRED = "`save` uses it on line 10, but a function body runs after the second binding"
#: (line, column, end column, code, name, message): 1-based, as `codecrdt check` prints.
EXPECTED = [
    (
        12,
        8,
        12,
        "duplicate-import",
        "time",
        "'time' is imported again (first on line 2): the same binding again, so this "
        "import is redundant",
    ),
    (
        14,
        1,
        12,
        "conflicting-value",
        "RETRY_LIMIT",
        f"'RETRY_LIMIT' is assigned 5 here but 3 on line 4; {DEFERRED}",
    ),
    (
        16,
        5,
        11,
        "duplicate-declaration",
        "_stamp",
        f"'_stamp' is declared again (first on line 6); {DEFERRED}",
    ),
]
#: What the Evaluator leaves: the re-import's line gone (with its comment), the value
#: that stands at the first place and the second assignment's line gone, the second
#: `_stamp` removed (the scripted answers); the blank lines around them stay.
FIXED = (
    TEXT.replace("import time            # second agent: re-import\n", "")
    .replace("RETRY_LIMIT = 3\n", "RETRY_LIMIT = 5\n")
    .replace("RETRY_LIMIT = 5        # second agent: same constant, another value\n", "")
    .replace(
        "def _stamp() -> int:   # second agent: its own copy of the helper\n"
        "    return int(time.time() * 1000)\n",
        "",
    )
)


def check(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "codecrdt", "check", *args, EXAMPLE.name],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=EXAMPLE.parent,
        check=False,
    )


# -- codecrdt check ----------------------------------------------------------------------


def test_check_text_names_each_conflict_with_its_reason() -> None:
    result = check()
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"{EXAMPLE.name}:{line}:{column}: {code} {message}"
        for line, column, _end, code, _name, message in EXPECTED
    ]
    assert result.stderr.strip() == "3 findings (3 errors, 0 warnings); 1 file checked, 0 skipped"


def test_check_json_has_exact_ranges_and_the_first_bindings() -> None:
    result = check("--format", "json")
    assert result.returncode == 1
    findings = json.loads(result.stdout)
    assert [
        (f["line"], f["column"], f["end_column"], f["code"], f["name"], f["message"])
        for f in findings
    ] == EXPECTED
    assert [f["related"][0]["line"] for f in findings] == [2, 4, 6]
    assert {f["severity"] for f in findings} == {"error"}


def test_check_sarif_has_the_new_rule_and_the_three_results() -> None:
    result = check("--format", "sarif")
    assert result.returncode == 1
    run = json.loads(result.stdout)["runs"][0]
    rules = [rule["id"] for rule in run["tool"]["driver"]["rules"]]
    assert "conflicting-value" in rules
    summary = [
        (
            r["ruleId"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"],
            r["message"]["text"],
        )
        for r in run["results"]
    ]
    assert summary == [(code, line, col, msg) for line, col, _e, code, _n, msg in EXPECTED]


# -- the Evaluator ------------------------------------------------------------------------


class RecordingProvider(ScriptedProvider):
    """The scripted provider, keeping every request it was sent."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.requests: list[Request] = []

    async def stream(self, request: Request):  # type: ignore[override]
        self.requests.append(request)
        async for event in super().stream(request):
            yield event


def test_the_evaluator_fixes_all_three_and_shows_the_model_both_values() -> None:
    async def main() -> tuple[str, Any, RecordingProvider]:
        spec = language_named("python")
        assert spec is not None
        provider = RecordingProvider(load_script(str(SCRIPT)))
        ctx = RunContext(provider, spec, "Fix the conflicts in this file.")
        ctx.clock.start()
        document = SharedDocument(TEXT)
        hub = Hub(document, HubOptions(), clock=ctx.clock)
        try:
            evaluator = Evaluator("evaluator", hub.connect("evaluator", "evaluator"), ctx)
            # The Evaluator alone on a file, as "Fix with Evaluator" runs it: the file's
            # text is the agents' merged output, not text of the user's to keep.
            evaluator.keep_users_text = False
            report = await evaluator.final()
            for _ in range(200):
                if hub.settled():
                    break
                await asyncio.sleep(0.01)
        finally:
            hub.close()
        return document.text, report, provider

    text, report, provider = asyncio.run(main())
    assert report.fixed_deterministic == 1  # the re-import: no model needed
    assert report.fixed_model == 2
    assert report.left == [] and report.errors == []
    assert text == FIXED
    assert analyze_text(text, language_named("python")) == []

    # One request for both conflicts the model is needed for, each with its sites.
    assert [request.key for request in provider.requests] == [
        "fix:conflicting-value:RETRY_LIMIT duplicate-declaration:_stamp"
    ]
    assert (report.model_requests, report.conflicts_per_request) == (1, [2])
    assert (report.fixes_held, report.fixes_not_held) == (2, 0)
    prompt = provider.requests[0].prompt
    # Line numbers after the re-import's line was removed.
    assert (
        "## Conflict 1: conflicting-value 'RETRY_LIMIT'\n"
        "Line 13: 'RETRY_LIMIT' is assigned 5 here but 3 on line 4; "
    ) in prompt
    assert (
        "Lines to replace:\n4 | RETRY_LIMIT = 3\n"
        "The second place (removed with your fix):\n"
        "13 | RETRY_LIMIT = 5        # second agent: same constant, another value\n"
    ) in prompt
    assert (
        "## Conflict 2: duplicate-declaration '_stamp'\n"
        "Line 15: '_stamp' is declared again (first on line 6); "
    ) in prompt
    assert (
        "Lines to replace:\n"
        "15 | def _stamp() -> int:   # second agent: its own copy of the helper\n"
        "16 |     return int(time.time() * 1000)\n"
        "The earlier declaration:\n"
        "6 | def _stamp() -> int:\n"
        "7 |     return int(time.time())\n"
    ) in prompt
    assert "smallest edit" in provider.requests[0].system


# -- the language server --------------------------------------------------------------------

URI_NAME = "merged_agents.py"


async def test_the_server_reports_the_three_with_reasons_and_fixes_them(
    client: EditorClient, tmp_path: Path
) -> None:
    published = record_publishes(client)
    uri = (tmp_path / URI_NAME).as_uri()
    open_document(client, uri, TEXT, "python")
    params = await wait_publish(published, uri)
    diagnostics = by_code(params.diagnostics)
    assert [(str(d.code), d.range, d.message) for d in params.diagnostics] == [
        (code, rng(line - 1, column - 1, end - 1), message)
        for line, column, end, code, _name, message in EXPECTED
    ]
    for diagnostic in params.diagnostics:
        assert diagnostic.severity == types.DiagnosticSeverity.Error
        assert diagnostic.source == "codecrdt"

    # The re-import's quick fix removes it; the constant has no deterministic fix.
    actions = await code_actions(client, uri, [diagnostics["duplicate-import"]])
    assert [a.title for a in actions] == [
        "Remove the duplicate import of 'time'",
        "Fix with Evaluator",
    ]
    value_actions = await code_actions(client, uri, [diagnostics["conflicting-value"]])
    assert [a.title for a in value_actions] == ["Fix with Evaluator"]
    assert actions[0].command is not None
    since = len(published)
    assert (await execute(client, actions[0].command))["applied"] is True
    await client.converged(uri)
    after = await wait_current(client, published, uri, since=since)
    assert [str(d.code) for d in after.diagnostics] == [
        "conflicting-value",
        "duplicate-declaration",
    ]

    # "Fix with Evaluator" with the scripted provider: the two model answers apply.
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"codecrdt": {"provider": "scripted", "script": str(SCRIPT)}}
        )
    )
    await asyncio.sleep(0.2)
    evaluator = next(
        a
        for a in await code_actions(client, uri, list(after.diagnostics))
        if a.title == "Fix with Evaluator"
    )
    assert evaluator.command is not None
    result = await execute(client, evaluator.command)
    assert (result["found"], result["fixedDeterministic"], result["fixedModel"]) == (2, 0, 2)
    assert result["left"] == [] and result["errors"] == []
    # Both conflicts in one model request; both fixes held.
    model = result["modelFixes"]
    assert (model["requests"], model["conflicts_per_request"]) == (1, [2])
    assert (model["fixes_held"], model["fixes_not_held"], model["rejected"]) == (2, 0, [])
    deadline = time.monotonic() + TIMEOUT
    while client.buffers[uri].text != FIXED:
        assert time.monotonic() < deadline, client.buffers[uri].text
        await asyncio.sleep(0.02)
    state = await client.converged(uri)
    assert state["text"] == FIXED
    cleared = await wait_current(client, published, uri)
    assert list(cleared.diagnostics) == []


def test_check_treats_a_pyi_file_as_a_stub(tmp_path: Path) -> None:
    """In a stub nothing runs: neither the annotation nor the base class keeps the first
    `Row`/`Cell` alive. The same text as a module: both are uses evaluated in between."""
    text = (FIXTURES / "python" / "stub_annotations.pyi").read_text(encoding="utf-8")
    (tmp_path / "sheet.pyi").write_text(text, encoding="utf-8")
    (tmp_path / "sheet.py").write_text(text, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "codecrdt", "check", "--format", "json", "."],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    found = [(f["path"], f["line"], f["column"], f["name"]) for f in json.loads(result.stdout)]
    assert found == [("sheet.pyi", 5, 7, "Row"), ("sheet.pyi", 11, 7, "Cell")]


async def test_the_server_treats_a_pyi_document_as_a_stub(
    client: EditorClient, tmp_path: Path
) -> None:
    """By file name, as `codecrdt check` does: the stub's redefinitions are reported, the
    same text as a module has none (its annotation and base class are evaluated uses)."""
    published = record_publishes(client)
    text = (FIXTURES / "python" / "stub_annotations.pyi").read_text(encoding="utf-8")
    stub, module = (tmp_path / "sheet.pyi").as_uri(), (tmp_path / "sheet.py").as_uri()
    open_document(client, module, text, "python")
    open_document(client, stub, text, "python")
    found = await wait_publish(published, stub)
    assert [(d.range, d.message) for d in found.diagnostics] == [
        (rng(4, 6, 9), "'Row' is declared again (first on line 1)"),
        (rng(10, 6, 10), "'Cell' is declared again (first on line 7)"),
    ]
    assert list((await wait_publish(published, module)).diagnostics) == []
