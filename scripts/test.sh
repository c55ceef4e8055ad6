#!/usr/bin/env bash
# Installs what the tests need (idempotent: a second run only checks) and runs every test.
#
# Locally, a tool that cannot be installed here is a note, the tests that need it skip, and
# pytest lists every skip with its reason at the end. In CI (CI=true, 1 or yes) it is an
# error: this script stops, a test that skips for a missing tool fails
# (tests/ci_support.py), and "no tests collected" (pytest's exit 5) is a failure too.
set -euo pipefail
cd "$(dirname "$0")/.."

ci=false
case "${CI:-}" in [Tt][Rr][Uu][Ee] | 1 | [Yy][Ee][Ss]) ci=true ;; esac

# missing MESSAGE: a note locally, the end of the run in CI.
missing() {
    if [ "$ci" = true ]; then
        echo "error: $* (CI=$CI: every test must run)" >&2
        exit 1
    fi
    echo "note: $*" >&2
}

can_apt() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; }

# apt_install PACKAGE...: quietly, updating the package lists once if the first try fails.
apt_install() {
    apt-get install -y -q "$@" >/dev/null 2>&1 \
        || { apt-get update -q >/dev/null && apt-get install -y -q "$@" >/dev/null; } \
        || true # whether it worked is checked by the caller
}

python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# The real-editor test drives Debian's Neovim (0.7).
if ! command -v nvim >/dev/null 2>&1; then
    if can_apt; then apt_install neovim; fi
    command -v nvim >/dev/null 2>&1 \
        || missing "nvim is not installed and could not be installed here; the Neovim tests will be skipped"
fi

# The Emacs test drives Debian's Emacs 28 with eglot 1.9 (elpa-eglot).
has_eglot() { emacs --batch --eval "(progn (package-initialize) (require 'eglot))" >/dev/null 2>&1; }
if ! has_eglot; then
    if can_apt; then apt_install emacs-nox elpa-eglot; fi
    has_eglot \
        || missing "Emacs with eglot is not installed and could not be installed here; the Emacs test will be skipped"
fi

# The TypeScript compiler, for the agreement test of the analysis (cached outside the repo).
bash scripts/install-tsc.sh >/dev/null \
    || missing "tsc could not be installed; tests/test_tsc_agreement.py will retry or skip"

# The TypeScript compiler with React's types and real TS/TSX sources (pinned, cached outside
# the repo), for the agreement corpora and the precision test on real code.
bash scripts/install-ts-corpora.sh >/dev/null \
    || missing "the TypeScript corpora could not be installed; tests/test_agreement_corpora.py and tests/test_ts_precision.py will retry or skip"

# TypeScript, React's types, React and jsdom (pinned, cached outside the repo), for the
# functional check of the bundled TSX tasks (codecrdt.bench.functional: type check and render).
bash scripts/install-react-check.sh >/dev/null \
    || missing "the React check could not be installed; tests/test_functional_tasks.py will retry or skip"

ruff check server tests
ruff format --check server tests

# The VS Code extension: type check and unit tests (plain Node; the end-to-end test in
# code-server is part of the Python suite, tests/test_vscode_e2e.py).
if command -v npm >/dev/null 2>&1; then
    bash extension/scripts/test.sh
else
    missing "npm is not installed; the extension's unit tests are skipped"
fi

status=0
python3 -m pytest "$@" || status=$?
# pytest's 5 means "no tests collected": locally (a -k that matches nothing) not a failure
# of the suite, in CI a run that tested nothing.
if [ "$status" -eq 5 ]; then
    if [ "$ci" = true ]; then
        echo "error: pytest collected no tests (CI=$CI)" >&2
    else
        status=0
    fi
fi
exit "$status"
