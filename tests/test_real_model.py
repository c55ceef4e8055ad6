"""End to end with a real model, offline: Qwen2.5-Coder-0.5B behind llama.cpp's server.

Three implementers write a small Python module through the ``openai`` provider. The model
is weak; what is asserted is the protocol, not the code: every TODO claimed and written by
one agent, none lost, every replica identical, a complete report. The first run builds the
server and joins the model into ~/.cache/codecrdt/llama (8–10 minutes); later runs reuse
them. ``CODECRDT_SKIP_REAL_MODEL=1`` skips this module.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import pytest

from codecrdt.cli import main
from llama_support import MODEL_ALIAS, llama_base_url  # noqa: F401

pytestmark = pytest.mark.realmodel

SPEC = (
    "A tiny Python module for a to-do list: a Task dataclass (title, done), "
    "add_task(tasks, title), complete_task(tasks, title), and list_open(tasks) returning "
    "the titles that are not done."
)
REPORT_KEYS = {
    "mode",
    "agents",
    "provider",
    "model",
    "wall_s",
    "ttft_s",
    "chars",
    "tokens",
    "todos",
    "double_claims",
    "lost_todos",
    "conflicts",
    "evaluator_rounds",
    "converged",
    "replica_hashes",
    "cost_usd",
    "stopped_by",
    "timeline",
}
# The model follows the marker format only now and then (the Outliner repairs plain TODO
# comments and stub bodies), and in about one outline in four writes every body itself or
# stops after the imports (measured: 3 of 14 runs on this spec). A run that gives the
# implementers nothing to claim proves nothing about claims, so it is tried again; six
# tries all without a TODO would happen about once in 4,000 runs.
ATTEMPTS = 6


def _generate(folder: Path, base_url: str) -> tuple[int, dict, str]:
    stderr = io.StringIO()
    with pytest.MonkeyPatch.context() as patch, contextlib.redirect_stderr(stderr):
        patch.chdir(folder)
        patch.delenv("OPENAI_API_KEY", raising=False)
        code = main(
            [
                "generate",
                "--provider",
                "openai",
                "--base-url",
                base_url,
                "--model",
                MODEL_ALIAS,
                "--agents",
                "3",
                "--mode",
                "parallel",  # this test is of the implementers (auto may write it alone)
                "--spec",
                SPEC,
                "--out",
                "todo_list.py",
                "--report",
                "report.json",
                "--max-output-tokens",
                "300",
                "--quiet",
            ]
        )
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return code, report, stderr.getvalue()


def test_three_implementers_with_a_real_local_model(
    llama_base_url: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    for attempt in range(1, ATTEMPTS + 1):
        folder = tmp_path / f"attempt-{attempt}"
        folder.mkdir()
        code, report, stderr = _generate(folder, llama_base_url)
        assert report["stopped_by"] is None, stderr
        if report["todos"]:
            break
    else:
        pytest.fail(f"the model wrote no TODO in {ATTEMPTS} outlines; last run: {stderr}")
    print(f"attempt {attempt}: {json.dumps(report['todos'])}")

    assert report.keys() >= REPORT_KEYS
    assert (report["provider"], report["model"], report["agents"]) == ("openai", "qwen", 3)
    assert report["tokens"] > 0 and report["chars"] > 0 and report["ttft_s"] is not None
    assert report["cost_usd"] is None  # a local model has no price
    # Every TODO claimed and written once, none lost.
    assert report["double_claims"] == 0
    assert report["lost_todos"] == 0
    for todo in report["todos"]:
        assert todo["status"] in ("done", "failed"), todo
        assert len(todo["writers"]) <= 1, todo
        if todo["status"] == "done":
            assert todo["writers"] == [todo["owner"]], todo
    done = [t for t in report["todos"] if t["status"] == "done"]
    assert done, "no TODO was completed"
    timeline = {t["name"]: t for t in report["timeline"]["todos"]}
    for todo in done:
        entry = timeline[todo["name"]]
        assert entry["appeared_s"] <= entry["claimed_s"] <= entry["done_s"]
    # Every replica holds the document the file was written from.
    assert report["converged"] is True
    assert len(set(report["replica_hashes"].values())) == 1
    text = (folder / "todo_list.py").read_text(encoding="utf-8")
    for todo in done:
        assert f"TODO(codecrdt:{todo['name']})" not in text
    assert code in (0, 1)  # 1: conflicts left or a TODO failed (the model's quality)
