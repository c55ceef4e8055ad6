"""``--mode auto``: the estimate and the choice, the measurements kept between runs, and the
mode a user's run gets from ``codecrdt generate`` (the LSP command's is in
test_lsp_generate.py).

The speeds come from the latency presets (:data:`LATENCY_PRESETS`: hosted API, local GPU
server, local CPU server) and the sizes from the bundled tasks; where a test asks whether
the choice was right, the answer comes from running both modes through the scripted
provider's server model on the virtual clock, not from the estimate.
"""

from __future__ import annotations

import json
import logging
import math
import os
from pathlib import Path

import pytest

from codecrdt.agents.automode import (
    Speeds,
    TaskSize,
    choose,
    choose_mode,
    estimate,
    measured_speeds,
    task_size,
)
from codecrdt.agents.measurements import (
    MeasurementStore,
    ProviderKey,
    RequestTiming,
    safe_endpoint,
    task_key,
)
from codecrdt.agents.script import LATENCY_PRESETS, load_script
from codecrdt.cli import main
from fake_model_servers import FakeModelServer, Stream

#: The issue's example: a small module a local 0.5B model writes in about a minute.
WORDSTATS = "a Python module wordstats.py: tokenize, count_words, top_n, average_length, main"


def preset(name: str) -> Speeds:
    return Speeds.from_latency(LATENCY_PRESETS[name], f"the {name} preset")


# -- the estimate and the choice --------------------------------------------------------------


def test_the_estimate_follows_the_documented_formula() -> None:
    """No prefill cost, no capacity limit: the two makespans by hand (docs/agents.md)."""
    speeds = Speeds(
        first_token_s=2.0, prefill_tokens_per_s=0.0, cached_tokens_per_s=0.0, tokens_per_s=50.0
    )
    size = TaskSize(
        output_tokens=3000,
        outline_tokens=500,
        todos=5,
        sequential_prompt_tokens=100,
        outline_prompt_tokens=200,
    )
    figures = estimate(speeds, size, agents=2)
    assert figures.sequential_s == pytest.approx(2 + 3000 / 50)
    share = (3000 - 500) / 5
    rounds = math.ceil(5 / 2)
    assert (figures.streams, figures.rounds) == (2, rounds)
    expected = (2 + 500 / 50) + rounds * (2 + share / 50) + (2 + share / 50)
    assert figures.parallel_s == pytest.approx(expected)


def test_prefill_shared_by_concurrent_requests_and_capacity_slow_the_parallel_estimate() -> None:
    size = task_size(load_script("csv-pipeline").spec, "python")
    cpu = preset("local-cpu")
    free = Speeds(cpu.first_token_s, 0.0, 0.0, cpu.tokens_per_s)
    slow = estimate(cpu, size, 3)
    fast = estimate(free, size, 3)
    assert slow.first_round_s > fast.first_round_s
    assert slow.parallel_s - fast.parallel_s > slow.sequential_s - fast.sequential_s


def test_a_small_task_on_a_slow_prefill_local_model_goes_sequential() -> None:
    size = task_size(WORDSTATS, "python")
    for agents in (2, 3, 5, 8):
        choice = choose(preset("local-cpu"), size, agents)
        assert choice.mode == "sequential", choice.reason
        assert choice.estimate.parallel_s > 2 * choice.estimate.sequential_s
    assert choice.reason.startswith("auto chose sequential: estimated ")
    assert "the local-cpu preset" in choice.reason and "40 tokens/s" in choice.reason


def test_a_large_task_on_a_hosted_api_goes_parallel() -> None:
    script = load_script("csv-pipeline")
    size = task_size(script.spec, "python", script=script)
    for agents in (3, 5, 8):
        choice = choose(preset("hosted"), size, agents)
        assert choice.mode == "parallel", choice.reason
    assert choice.estimate.parallel_s < 0.6 * choice.estimate.sequential_s


def test_the_choice_turns_on_the_task_size_for_one_provider() -> None:
    """Hosted API: the issue's small module alone, a ten-TODO module in parallel."""
    small = choose(preset("hosted"), task_size(WORDSTATS, "python"), 3)
    script = load_script("analytics-dashboard")
    large = choose(preset("hosted"), task_size(script.spec, "tsx", script=script), 3)
    assert (small.mode, large.mode) == ("sequential", "parallel")


@pytest.mark.parametrize(
    ("latency", "task", "expected"),
    [("local-cpu", "slow-local", "sequential"), ("hosted", "csv-pipeline", "parallel")],
)
def test_the_chosen_mode_is_the_faster_one_when_both_are_run(
    tmp_path: Path, latency: str, task: str, expected: str
) -> None:
    """The scripted provider's server model (prefill, capacity, stream limit, 429s) runs both
    modes on the virtual clock under the preset: the mode auto picks beforehand is the one
    that finished first. (A ten-TODO task under local-cpu, too slow for a test, went the same
    way: sequential 197 s, parallel 1,966 s, auto chose sequential.)"""
    from codecrdt.bench.study import StudyOptions, run_generate_trial

    options = StudyOptions(
        tasks=(task,), agents=(3,), trials=1, out=tmp_path, latency=LATENCY_PRESETS[latency]
    )
    if task == "slow-local":
        (tmp_path / "slow.toml").write_text(SLOW_SCRIPT, encoding="utf-8")
        script = load_script(str(tmp_path / "slow.toml"))
    else:
        script = load_script(task)
    times = {}
    for mode in ("sequential", "parallel", "auto"):
        report, _text, _path = run_generate_trial(script, mode, 3, 1, options, tmp_path)
        times[mode] = report.wall_s
        if mode == "auto":
            assert report.mode == expected
            assert report.mode_choice is not None and report.mode_choice["mode"] == expected
    print(latency, task, times)
    assert times[expected] < times["parallel" if expected == "sequential" else "sequential"]
    assert times["auto"] <= 1.1 * min(times["sequential"], times["parallel"])


# -- measured speeds --------------------------------------------------------------------------


def _timing(
    input_tokens: int, base: float, prefill: float, out: int, rate: float, streams: float = 1.0
) -> RequestTiming:
    return RequestTiming(
        "implementer",
        input_tokens,
        0,
        base + input_tokens / prefill,
        out,
        out / rate,
        streams,
        out * 4,
    )


def test_measured_speeds_recover_first_token_prefill_and_rate() -> None:
    timings = [_timing(n, 0.3, 50.0, 200, 25.0) for n in (120, 400, 900, 1400)]
    speeds = measured_speeds(timings, LATENCY_PRESETS["hosted"], "hosted")
    assert speeds is not None
    assert speeds.first_token_s == pytest.approx(0.3)
    assert speeds.prefill_tokens_per_s == pytest.approx(50.0)
    assert speeds.tokens_per_s == pytest.approx(25.0)
    assert speeds.samples == 4 and speeds.source.startswith("measured: 4 request(s)")


def test_concurrent_streams_slowed_below_a_lone_one_measure_the_capacity() -> None:
    alone = [_timing(n, 0.2, 40.0, 100, 20.0) for n in (100, 600)]
    together = [_timing(300, 0.2, 40.0, 100, 10.0, streams=3.0) for _ in range(3)]
    speeds = measured_speeds(alone + together, LATENCY_PRESETS["hosted"], "hosted")
    assert speeds is not None
    assert speeds.tokens_per_s == pytest.approx(20.0)
    assert speeds.capacity_tokens_per_s == pytest.approx(30.0)
    assert speeds.stream_rate(3) == pytest.approx(10.0)
    # Streams that kept their rate say nothing of a limit: the preset's (unlimited) stays.
    unslowed = [_timing(300, 0.2, 40.0, 100, 20.0, streams=3.0)]
    speeds = measured_speeds(alone + unslowed, LATENCY_PRESETS["hosted"], "hosted")
    assert speeds is not None and speeds.capacity_tokens_per_s == 0.0


# -- the store ----------------------------------------------------------------------------------

KEY = ProviderKey("openai", "qwen2.5-coder-0.5b", "http://127.0.0.1:8080")


def test_the_store_keeps_timings_and_task_sizes_between_instances(tmp_path: Path) -> None:
    path = tmp_path / "cache" / "codecrdt" / "measurements.json"
    timings = [_timing(n, 0.3, 50.0, 200, 25.0) for n in (120, 900)]
    task = task_key("python", WORDSTATS)
    store = MeasurementStore(path)
    assert store.record(KEY, timings, task=task, mode="sequential", chars={"sequential": 1500})
    again = MeasurementStore(path)
    assert again.requests(KEY) == timings
    record = again.task(task)
    assert record is not None and (record.runs, record.sequential_chars) == (1, 1500.0)
    assert again.requests(ProviderKey("openai", "other-model", KEY.endpoint)) == []
    assert [p.name for p in path.parent.iterdir()] == ["measurements.json"]  # no temporary
    text = path.read_text(encoding="utf-8")
    assert WORDSTATS not in text and "wordstats" not in text  # the spec's hash only


def test_the_newest_requests_are_kept(tmp_path: Path) -> None:
    store = MeasurementStore(tmp_path / "m.json")
    for index in range(50):
        store.record(KEY, [_timing(100 + index, 0.3, 50.0, 10, 25.0)] * 2)
    kept = store.requests(KEY)
    assert len(kept) == 64 and kept[-1].input_tokens == 149


def test_an_endpoint_keeps_no_credentials() -> None:
    assert safe_endpoint("https://user:sk-secret@api.example.com:8443/v1?key=sk-2") == (
        "https://api.example.com:8443"
    )
    assert safe_endpoint("http://[::1]:8080/v1") == "http://[::1]:8080"
    assert safe_endpoint(None) == "" and safe_endpoint("not a url") == ""


@pytest.mark.parametrize(
    "content", [b"{not json", b'{"format": 99}', b"[1, 2]", b"\xff\xfe\x00"], ids=str
)
def test_a_corrupt_file_is_ignored_with_a_warning_and_replaced_on_the_next_record(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    path = tmp_path / "m.json"
    path.write_bytes(content)
    store = MeasurementStore(path)
    with caplog.at_level(logging.WARNING, logger="codecrdt.agents.measurements"):
        choice = choose_mode(key=KEY, spec=WORDSTATS, language="python", agents=3, store=store)
    assert f"the measurements file {path}" in caplog.text and "ignored" in caplog.text
    assert choice.notes and "ignored" in choice.notes[0]
    assert "no measurement of openai qwen2.5-coder-0.5b at http://127.0.0.1:8080 yet" in (
        choice.reason
    )
    assert choice.mode == "sequential"  # the local-cpu preset, as with no file
    assert store.record(KEY, [_timing(100, 0.3, 50.0, 10, 25.0)])
    assert len(MeasurementStore(path).requests(KEY)) == 1


def test_a_failed_write_leaves_the_old_file_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "m.json"
    store = MeasurementStore(path)
    store.record(KEY, [_timing(100, 0.3, 50.0, 10, 25.0)])
    before = path.read_bytes()

    def refuse(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with caplog.at_level(logging.WARNING):
        assert store.record(KEY, [_timing(200, 0.3, 50.0, 10, 25.0)]) is False
    assert "No space left on device" in caplog.text
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]


def test_the_default_place_is_the_users_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codecrdt.agents.measurements import default_path

    monkeypatch.delenv("CODECRDT_MEASUREMENTS")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_path() == tmp_path / "xdg" / "codecrdt" / "measurements.json"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/not/allowed")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".cache" / "codecrdt" / "measurements.json"
    monkeypatch.setenv("CODECRDT_MEASUREMENTS", str(tmp_path / "here.json"))
    assert default_path() == tmp_path / "here.json"


# -- codecrdt generate ------------------------------------------------------------------------

#: A small task on a slow-prefill local server (the local-cpu preset's figures).
SLOW_SCRIPT = """\
[task]
name = "slow-local"
language = "python"
spec = "two small helpers"

[outline]
text = '''
def double(x: int) -> int:
    # TODO(codecrdt:double): return twice x


def halve(x: int) -> int:
    # TODO(codecrdt:halve): return half of x
'''

[todos.double]
text = "return 2 * x\\n"

[todos.halve]
text = "return x // 2\\n"

[latency]
ttft_s = 0.2
chars_per_s = 80.0
prefill_tokens_per_s = 40.0
cached_tokens_per_s = 2000.0
shared_prefill = true
capacity_tokens_per_s = 30.0
max_streams = 3
jitter = 0.0
"""


def _generate(
    folder: Path, *args: str, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, dict]:
    status = main(["generate", "--report", "report.json", "--quiet", *args])
    err = " ".join(capsys.readouterr().err.split())
    report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
    return status, err, report


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CODECRDT_MEASUREMENTS", str(tmp_path / "measurements.json"))
    for name in ("ANTHROPIC_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_generate_defaults_to_auto_and_says_what_it_chose(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, err, report = _generate(
        here,
        *("--provider", "scripted", "--script", "inventory-cli", "--out", "inv.py"),
        *("--time-scale", "200"),
        capsys=capsys,
    )
    assert status == 0, err
    assert report["mode"] == "parallel" and report["agents"] == 3
    choice = report["mode_choice"]
    assert (choice["requested"], choice["mode"]) == ("auto", "parallel")
    assert choice["estimate"]["parallel_s"] < choice["estimate"]["sequential_s"]
    assert choice["speeds"]["source"] == "the scripted provider's latency model"
    assert choice["size"]["todos"] == 8
    assert ": parallel (auto), 3 agent(s), provider scripted" in err
    assert "auto chose parallel: estimated " in err and "the script 'inventory-cli'" in err


def test_generate_auto_writes_a_small_task_alone_on_a_slow_local_server(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (here / "slow.toml").write_text(SLOW_SCRIPT, encoding="utf-8")
    base = ("--provider", "scripted", "--script", "slow.toml", "--time-scale", "1000")
    status, err, report = _generate(here, *base, "--out", "a.py", capsys=capsys)
    assert status == 0, err
    assert report["mode"] == "sequential" and report["outline"] == "outliner"
    assert report["mode_choice"]["mode"] == "sequential"
    assert ": sequential (auto), 1 agent(s)" in err
    assert "auto chose sequential: estimated " in err and "40 tokens/s" in err
    assert (here / "a.py").read_text(encoding="utf-8").count("def ") == 2
    # An explicit mode wins, and then nothing is chosen.
    status, err, report = _generate(
        here, *base, "--out", "b.py", "--mode", "parallel", capsys=capsys
    )
    assert status == 0, err
    assert report["mode"] == "parallel" and report["mode_choice"] is None
    assert "auto chose" not in err
    # The scripted provider's runs are no measurement of a model: nothing kept.
    assert not (here / "measurements.json").exists()


def test_a_real_providers_run_is_measured_and_the_next_auto_uses_it(
    here: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = "def double(x):\n    return 2 * x\n"
    with FakeModelServer("openai") as server:
        server.script(*[Stream(code, chunks=6, input_tokens=150, output_tokens=12)] * 4)
        args = ("--base-url", server.url, "--model", "tiny", "--spec", "a double function")
        first_status, first_err, first = _generate(here, *args, "--out", "a.py", capsys=capsys)
        second_status, second_err, second = _generate(here, *args, "--out", "b.py", capsys=capsys)
    assert first_status == 0 and second_status == 0, (first_err, second_err)
    endpoint = safe_endpoint(server.url)
    assert endpoint.startswith("http://127.0.0.1:")
    # Nothing measured yet: a local server of unknown speed, the cautious preset.
    assert first["mode_choice"]["speeds"]["source"] == (
        f"no measurement of openai tiny at {endpoint} yet: the local-cpu preset's figures"
    )
    assert first["mode"] == "sequential"
    store = MeasurementStore(here / "measurements.json")
    timings = store.requests(ProviderKey("openai", "tiny", endpoint))
    assert len(timings) >= 2 and {t.role for t in timings} == {"sequential"}
    assert all(t.input_tokens == 150 and t.output_tokens == 12 for t in timings)
    assert all(t.first_token_s > 0 and t.chars == len(code) for t in timings)
    record = store.task(task_key("python", "a double function"))
    assert record is not None and record.runs == 2 and record.sequential_chars == len(code)
    # The second run read the first's measurements and the task's size.
    speeds = second["mode_choice"]["speeds"]
    assert speeds["source"].startswith("measured: 1 request(s) of earlier runs")
    assert second["mode_choice"]["size"]["source"] == "this task's 1 earlier run(s)"
    saved = (here / "measurements.json").read_text(encoding="utf-8")
    assert "a double function" not in saved and "/v1" not in saved


@pytest.mark.parametrize(
    ("endpoint", "expected"),
    [
        ("", "hosted"),  # the provider's own API
        ("https://api.anthropic.com", "hosted"),
        ("https://llm.example.com:8443", "hosted"),
        ("http://127.0.0.1:8080", "local-cpu"),
        ("http://localhost:11434", "local-cpu"),
        ("http://192.168.1.20:8000", "local-cpu"),
        ("http://[::1]:8080", "local-cpu"),
        ("http://gpu-box.local:8000", "local-cpu"),
    ],
)
def test_with_nothing_measured_a_local_server_is_assumed_slow(endpoint: str, expected: str) -> None:
    from codecrdt.agents.automode import preset_for

    assert preset_for(endpoint) == expected


def test_the_study_runs_auto_beside_the_two_modes(tmp_path: Path) -> None:
    from rich.console import Console

    from codecrdt.bench.study import StudyOptions, run_study

    options = StudyOptions(tasks=("tic-tac-toe",), agents=(3,), trials=1, out=tmp_path, auto=True)
    rows = run_study(options, console=Console(file=open(os.devnull, "w")))  # noqa: SIM115
    by_mode = {row["mode"]: row for row in rows}
    assert set(by_mode) == {"sequential", "parallel", "auto"}
    auto = by_mode["auto"]
    assert auto["chosen"] == "parallel" and auto["auto_reason"].startswith("auto chose parallel")
    assert auto["makespan_s"] == by_mode["parallel"]["makespan_s"]  # the same seed, same run
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "## Simulated: auto beside sequential and parallel" in summary
    assert "| 3 | 0 | 1 | 1.00 | 1.00 |" in summary
    assert "| auto k=3 |" in summary


def test_concurrent_streams_slower_in_all_than_one_alone_give_no_capacity_gain() -> None:
    """Measured with the real local model on a contended CPU: three streams decoding at
    2.6 tokens/s each against 9 alone. A capacity below one stream's rate would slow the
    sequential estimate too; it is read as no gain from concurrency."""
    alone = [_timing(n, 0.4, 31.0, 300, 9.0) for n in (90, 440)]
    together = [_timing(500, 0.4, 31.0, 60, 2.6, streams=3.0) for _ in range(4)]
    speeds = measured_speeds(alone + together, LATENCY_PRESETS["local-cpu"], "local-cpu")
    assert speeds is not None
    assert speeds.capacity_tokens_per_s == pytest.approx(9.0)
    assert speeds.stream_rate(1) == pytest.approx(9.0)
    assert speeds.stream_rate(3) == pytest.approx(3.0)
