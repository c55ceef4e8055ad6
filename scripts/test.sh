#!/usr/bin/env bash
# Installs what the tests need (idempotent: a second run only checks) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m pip install --quiet --disable-pip-version-check -e ".[dev]"

# The real-editor test drives Debian's Neovim (0.7).
if ! command -v nvim >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -q neovim >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q neovim >/dev/null; }
    else
        echo "note: nvim is not installed and cannot be installed here; the Neovim test will be skipped" >&2
    fi
fi

# The Emacs test drives Debian's Emacs 28 with eglot 1.9 (elpa-eglot).
if ! emacs --batch --eval "(progn (package-initialize) (require 'eglot))" >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get install -y -q emacs-nox elpa-eglot >/dev/null 2>&1 \
            || { apt-get update -q >/dev/null && apt-get install -y -q emacs-nox elpa-eglot >/dev/null; }
    else
        echo "note: Emacs with eglot is not installed and cannot be installed here; the Emacs test will be skipped" >&2
    fi
fi

# The TypeScript compiler, for the agreement test of the analysis (cached outside the repo).
bash scripts/install-tsc.sh >/dev/null \
    || echo "note: tsc could not be installed; tests/test_tsc_agreement.py will retry or skip" >&2

ruff check server tests
ruff format --check server tests

# The VS Code extension: type check and unit tests (plain Node; the end-to-end test in
# code-server is part of the Python suite, tests/test_vscode_e2e.py).
if command -v npm >/dev/null 2>&1; then
    bash extension/scripts/test.sh
else
    echo "note: npm is not installed; the extension's unit tests are skipped" >&2
fi

status=0
python3 -m pytest "$@" || status=$?
# pytest's 5 means "no tests collected", which is not a failure of the suite.
if [ "$status" -eq 5 ]; then status=0; fi
exit "$status"
