"""The CI rule of ``ci_support``: under ``CI=true`` a test that skips for a missing tool
fails; locally it skips and the skip is listed at the end of the run."""

from __future__ import annotations

import pytest

ARGS = (
    "-p",
    "ci_support",
    "-p",
    "no:cacheprovider",
    "-o",
    "asyncio_default_fixture_loop_scope=function",
)

INNER = """
import pytest

from ci_support import allowed_skip, tool_missing


def test_tool_skip():
    pytest.skip("nvim is not on PATH")


@pytest.mark.skipif(True, reason="Emacs with eglot is not installed")
def test_mark_skip():
    pass


def test_importorskip():
    pytest.importorskip("no_such_module_for_ci_support")


@pytest.fixture(scope="module")
def compiler():
    pytest.skip("node and npm are not installed")


def test_fixture_skip_first(compiler):
    pass


def test_fixture_skip_second(compiler):
    pass


def test_check_left_out():
    tool_missing("ruff is not installed: the F check is left out")


def test_allowed():
    allowed_skip("this user can write read-only files (root)")


@pytest.mark.xfail(reason="a known bug")
def test_xfail():
    raise AssertionError


def test_passes():
    pass
"""


def _run(pytester: pytest.Pytester, ci: str | None) -> pytest.RunResult:
    pytester.makepyfile(test_inner=INNER)
    with pytest.MonkeyPatch.context() as patch:
        if ci is None:
            patch.delenv("CI", raising=False)
        else:
            patch.setenv("CI", ci)
        return pytester.runpytest(*ARGS)


@pytest.mark.parametrize("ci", ["true", "1", "TRUE"])
def test_in_ci_a_skip_for_a_missing_tool_fails(pytester: pytest.Pytester, ci: str) -> None:
    result = _run(pytester, ci)
    # A skip in setup (a skipif mark, a fixture) becomes an error, in the test a failure.
    result.assert_outcomes(failed=3, errors=3, skipped=1, passed=1, xfailed=1)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(
        [
            f"*CI={ci}: skipped: nvim is not on PATH*",
            "*In CI a test may not skip for a missing tool*",
        ]
    )
    output = result.stdout.str()
    for reason in (
        "skipped: Emacs with eglot is not installed",
        "skipped: could not import 'no_such_module_for_ci_support'",
        "skipped: node and npm are not installed",
        f"CI={ci}: ruff is not installed: the F check is left out",
    ):
        assert reason in output
    assert output.count("skipped: node and npm are not installed") >= 2  # both users fail
    result.stdout.fnmatch_lines(["SKIPPED *this user can write read-only files (root)"])


@pytest.mark.parametrize("ci", [None, "", "false", "0"])
def test_locally_skips_stay_skips_and_are_listed(pytester: pytest.Pytester, ci: str | None) -> None:
    result = _run(pytester, ci)
    result.assert_outcomes(skipped=6, passed=2, xfailed=1)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(
        [
            "*short test summary info*",
            "SKIPPED *nvim is not on PATH",
            "SKIPPED *Emacs with eglot is not installed",
        ],
        consecutive=False,
    )
    result.stdout.fnmatch_lines(["SKIPPED *node and npm are not installed"])
    result.stdout.fnmatch_lines(["SKIPPED *this user can write read-only files (root)"])


def test_in_ci_a_module_that_skips_itself_fails(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        test_module_skip="import pytest\npytest.importorskip('no_such_module_for_ci')\n"
        "def test_x():\n    pass\n"
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CI", "true")
        result = pytester.runpytest(*ARGS)
    assert result.ret != pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*CI=true: skipped: could not import 'no_such_module_for_ci'*"])
