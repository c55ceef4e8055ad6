#!/usr/bin/env bash
# Installs what the TypeScript agreement corpora need, into a cache outside the repository:
# the TypeScript compiler (5.x, whose API labels the generated React modules), React's types
# (so that JSX and hooks type-check as in a React project) and a real TS/TSX codebase for
# the precision check: packages that ship their TypeScript sources under src/ —
# @tanstack/react-query and @tanstack/react-router with their cores (MIT, TSX and TS) and
# rxjs (Apache-2.0, TS). They are read, never redistributed.
# Versions are pinned: the triage lists name their files and lines.
# Idempotent: a second run only checks. Prints the install prefix.
set -euo pipefail

prefix="${CODECRDT_TS_CORPORA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/ts-corpora}"
packages=(
    "typescript@5.9.3"
    "@types/react@18.3.32"
    "@tanstack/react-query@5.108.4"
    "@tanstack/query-core@5.108.4"
    "@tanstack/react-router@1.170.46"
    "@tanstack/router-core@1.171.39"
    "rxjs@7.8.2"
)

if [ ! -f "$prefix/node_modules/typescript/lib/typescript.js" ] \
    || [ ! -f "$prefix/node_modules/@types/react/index.d.ts" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/react-query/src" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/query-core/src" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/react-router/src" ] \
    || [ ! -d "$prefix/node_modules/@tanstack/router-core/src" ] \
    || [ ! -d "$prefix/node_modules/rxjs/src" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "install-ts-corpora: node and npm are required" >&2
        exit 1
    fi
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" "${packages[@]}" >&2
fi
echo "$prefix"
