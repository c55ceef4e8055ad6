#!/usr/bin/env bash
# Installs what the TypeScript agreement corpora need, into a cache outside the repository:
# the TypeScript compiler (5.x, whose API labels the generated React modules), React's types
# (so that JSX and hooks type-check as in a React project) and a real TS/TSX codebase for
# the precision check (@tanstack/react-query and @tanstack/query-core, MIT, which ship their
# sources under src/). Versions are pinned: the triage lists name their files and lines.
# Idempotent: a second run only checks. Prints the install prefix.
set -euo pipefail

prefix="${CODECRDT_TS_CORPORA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/ts-corpora}"
packages=("typescript@5.9.3" "@types/react@18.3.32" "@tanstack/react-query@5.108.4")

if [ ! -f "$prefix/node_modules/typescript/lib/typescript.js" ] \
    || [ ! -f "$prefix/node_modules/@types/react/index.d.ts" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/react-query/src" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/query-core/src" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "install-ts-corpora: node and npm are required" >&2
        exit 1
    fi
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" "${packages[@]}" >&2
fi
echo "$prefix"
