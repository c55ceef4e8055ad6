#!/usr/bin/env bash
# Builds extension/codecrdt.vsix from a clean install of the locked dependencies, then
# checks what the package holds. Safe to run again: every step starts over.
set -euo pipefail
cd "$(dirname "$0")/.."

# npm's cache makes a second install offline; only the npm registry is ever needed.
npm ci --prefer-offline --no-audit --no-fund --cache "${NPM_CONFIG_CACHE:-$HOME/.npm}"
npm run build
rm -f codecrdt.vsix
npm run package </dev/null
npm run test:package
echo "built $(pwd)/codecrdt.vsix"
