#!/usr/bin/env bash
# Installs what the functional check of the bundled TSX tasks needs, into a cache outside
# the repository: the TypeScript compiler (5.x, the type check), React's types (JSX and
# hooks type-check as in a React project), React and react-dom (the render) and jsdom (the
# browser a component is rendered in: window, document, localStorage). Used by
# codecrdt.bench.functional and its tests. Versions are pinned.
# Idempotent: a second run only checks. Prints the install prefix.
set -euo pipefail

prefix="${CODECRDT_REACT_CHECK_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/react-check}"
packages=(
    "typescript@5.9.3"
    "@types/react@18.3.32"
    "react@18.3.1"
    "react-dom@18.3.1"
    "jsdom@26.1.0"
)

if [ ! -f "$prefix/node_modules/typescript/lib/typescript.js" ] \
    || [ ! -f "$prefix/node_modules/@types/react/index.d.ts" ] \
    || [ ! -f "$prefix/node_modules/react/index.js" ] \
    || [ ! -f "$prefix/node_modules/react-dom/client.js" ] \
    || [ ! -f "$prefix/node_modules/jsdom/package.json" ]; then
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        echo "install-react-check: node and npm are required" >&2
        exit 1
    fi
    mkdir -p "$prefix"
    npm install --silent --no-audit --no-fund --no-save --prefix "$prefix" "${packages[@]}" >&2
fi
echo "$prefix"
