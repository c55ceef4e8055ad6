"""The study with a real model, offline: a smoke run against llama.cpp and Qwen2.5-Coder-0.5B.

One small task (``wordstats``), one trial, sequential and k = 2, through
``codecrdt bench study --provider openai``. What is asserted is what the study records and
says about a real run — every trial measured on the real clock with its functional tests,
the summary titled as a measurement with the machine it ran on — not the model's quality:
the tests may fail, the model may plan few TODOs. ``CODECRDT_SKIP_REAL_MODEL=1`` skips it
(see ``llama_support``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codecrdt.cli import main
from llama_support import MODEL_ALIAS, llama_base_url  # noqa: F401

pytestmark = pytest.mark.realmodel


def test_a_real_model_study_records_every_trial_as_measured(
    llama_base_url: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    out = tmp_path / "study"
    code = main(
        [
            "bench",
            "study",
            "--provider",
            "openai",
            "--base-url",
            llama_base_url,
            "--model",
            MODEL_ALIAS,
            "--tasks",
            "wordstats",
            "--agents",
            "2",
            "--trials",
            "1",
            "--max-output-tokens",
            "400",
            "--out",
            str(out),
        ]
    )
    assert code == 0
    rows = [json.loads(line) for line in (out / "trials.jsonl").read_text().splitlines()]
    assert sorted((r["mode"], r["agents"]) for r in rows) == [("parallel", 2), ("sequential", 1)]
    for row in rows:
        print(
            json.dumps(
                {
                    k: row.get(k)
                    for k in ("mode", "makespan_s", "chars", "todos", "tests_passed", "tests_total")
                }
            )
        )
        assert row["stopped_by"] in (None, "budget"), row
        assert row["makespan_s"] > 0 and row["chars"] > 0
        assert row["input_tokens"] > 0 and row["output_tokens"] > 0
        assert row["double_claims"] == 0 and row["lost_todos"] == 0
        assert row["converged"] is True
        # pytest is here: the functional tests ran (passed or not), never "not measured".
        assert row["tests_total"] == 5, row.get("not_measured")
        assert 0 <= row["tests_passed"] <= 5
        assert row["cost_usd"] is None  # a local model has no price
    sequential = next(r for r in rows if r["mode"] == "sequential")
    assert sequential["speedup"] == 1.0
    summary = (out / "summary.md").read_text(encoding="utf-8")
    assert summary.startswith("# CodeCRDT study — measured with openai (qwen)")
    assert "simulation" not in summary.split("\n## ")[0].lower()
    assert "Machine: " in summary and " cores" in summary
    assert (
        "Every answer capped at 400 output tokens, sampled at temperature 0 with the "
        "trial's seed." in summary
    )
    assert "## Measured: speedup over one sequential agent" in summary
