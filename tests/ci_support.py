"""CI that cannot pass hollow: under ``CI=true`` a skipped test fails.

A test skips when something it needs is missing here — Neovim, Emacs with eglot,
code-server, node/npm for tsc, ruff or pylint, the local model. On a developer's machine
that is allowed, and every skip is listed with its reason at the end of the run (as
``-rs`` does). In CI (``CI`` set to ``true``, ``1`` or ``yes``, as GitHub Actions and most
CI services do) such a skip is a failure that names what is missing: a green CI run
means every test ran.

A skip that is not about a missing tool — a platform or user condition (running as root),
an input a test cannot use, an explicit opt-out such as ``CODECRDT_SKIP_REAL_MODEL=1`` —
stays a skip in CI only when it is raised with :func:`allowed_skip`. ``xfail`` is not a
skip and is left alone. Where a test does not skip but leaves out a check because a tool
is missing, it calls :func:`tool_missing` first, which fails in CI.

Registered as a plugin by ``tests/conftest.py``.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any, NoReturn

import pytest

__all__ = ["CI_ENV", "allowed_skip", "in_ci", "tool_missing"]

CI_ENV = "CI"
_ALLOWED = "allowed_in_ci"


def in_ci() -> bool:
    """Whether this run is CI: the environment variable ``CI`` is true, 1 or yes."""
    return os.environ.get(CI_ENV, "").strip().lower() in {"true", "1", "yes"}


def allowed_skip(reason: str) -> NoReturn:
    """Skip, in CI too: for a reason that is not a missing tool (say which in ``reason``)."""
    try:
        pytest.skip(reason)
    except pytest.skip.Exception as skip:
        setattr(skip, _ALLOWED, True)
        skip._use_item_location = True  # listed at the test, not here (cosmetic, private)
        raise


def tool_missing(reason: str) -> None:
    """A check is left out because a tool is missing: a failure in CI, nothing locally."""
    if in_ci():
        pytest.fail(_message(reason), pytrace=False)


def _message(reason: str) -> str:
    return (
        f"{CI_ENV}={os.environ.get(CI_ENV)}: {reason}\n"
        "In CI a test may not skip for a missing tool: install it (scripts/test.sh does). "
        "A skip that is not about a tool is raised with ci_support.allowed_skip."
    )


def _reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple) and len(longrepr) == 3:
        text = str(longrepr[2])
        return text.removeprefix("Skipped: ")
    return str(longrepr)


def _allowed(excinfo: pytest.ExceptionInfo[BaseException] | None) -> bool:
    return excinfo is not None and bool(getattr(excinfo.value, _ALLOWED, False))


def _fail(report: pytest.TestReport | pytest.CollectReport) -> None:
    report.outcome = "failed"
    report.longrepr = _message(f"skipped: {_reason(report)}")


def pytest_configure(config: pytest.Config) -> None:
    """List the skips at the end of every run, with their reasons (``-rs``)."""
    chars = getattr(config.option, "reportchars", "") or ""
    if not any(c in chars for c in "saAN"):
        config.option.reportchars = chars + "s"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.TestReport = outcome.get_result()
    if (
        report.skipped
        and not hasattr(report, "wasxfail")
        and in_ci()
        and not _allowed(call.excinfo)
    ):
        _fail(report)


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, Any, None]:
    outcome = yield
    report: pytest.CollectReport = outcome.get_result()
    if report.skipped and in_ci():  # a module that skips itself (importorskip at the top)
        _fail(report)
