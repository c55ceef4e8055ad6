#!/usr/bin/env bash
# Installs the locked dependencies, type-checks, and runs the unit tests (plain Node, no
# VS Code needed: node:test, with a stand-in for the `vscode` module where one is needed).
set -euo pipefail
cd "$(dirname "$0")/.."

npm ci --prefer-offline --no-audit --no-fund --cache "${NPM_CONFIG_CACHE:-$HOME/.npm}"
npm run typecheck
npm test
