#!/usr/bin/env bash
# waymark against Hugo and mdBook (and a `cp -r` floor) on the same generated corpus.
#
#   bench/run.sh                      N = 1,000 and 10,000, 5 timed runs each
#   RUNS=3 SIZES="1000" bench/run.sh   fewer
#
# Environment:
#   RUNS      timed runs per tool and size (default 5)
#   WARMUP    untimed runs first (default 1)
#   SLOW_AFTER, SLOW_RUNS  a tool whose warm-up takes over SLOW_AFTER s (default 60) gets
#             only SLOW_RUNS timed runs, its warm-up counted (default 1), at that size
#             (mdBook at 10,000 pages)
#   SIZES     corpus sizes in pages (default "1000 10000")
#   TOOLS     subset of "waymark hugo hugo+pagefind mdbook cp" (hugo+pagefind: Hugo, then
#             the Pagefind CLI from npm, which is how a Hugo site gets the search waymark has built in)
#   SEED      corpus seed (default 9)
#   WORK      scratch folder (default: a new temporary one, deleted at the end)
#   WAYMARK   use this waymark binary instead of building one
#   TIMEOUT   a build still running after this many seconds is stopped and reported as
#             "> TIMEOUT" (default 240; mdBook 0.5 at 10,000 pages needs far longer)
#
# Installs what is missing: GNU time and Hugo (Debian packages), mdBook (cargo install).
# Prints the table and writes it to bench/results/latest.md (and every run to latest.json).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
RUNS="${RUNS:-5}"
WARMUP="${WARMUP:-1}"
SLOW_AFTER="${SLOW_AFTER:-60}"
SLOW_RUNS="${SLOW_RUNS:-1}"
TIMEOUT="${TIMEOUT:-240}"
SIZES="${SIZES:-1000 10000}"
TOOLS="${TOOLS:-waymark hugo hugo+pagefind mdbook cp}"
SEED="${SEED:-9}"

say() { printf '== %s\n' "$*" >&2; }

sudo_() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

apt_install() {
    if ! sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null; then
        sudo_ apt-get update >/dev/null
        sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >/dev/null
    fi
}

# --- tools -------------------------------------------------------------------
[ -x /usr/bin/time ] || { say "installing GNU time"; apt_install time; }
if [[ " $TOOLS " == *" hugo"* ]] && ! command -v hugo >/dev/null; then
    say "installing hugo (Debian package)"; apt_install hugo
fi
if [[ " $TOOLS " == *" mdbook "* ]] && ! command -v mdbook >/dev/null; then
    export PATH="$HOME/.cargo/bin:$PATH"
    if ! command -v mdbook >/dev/null; then
        say "installing mdbook (cargo install; a few minutes)"
        cargo install --locked mdbook || cargo install mdbook
    fi
fi
if [[ " $TOOLS " == *" hugo+pagefind "* ]] && [ -z "${PAGEFIND:-}" ]; then
    # The Pagefind CLI from npm (the same version as the pagefind crate waymark uses).
    pf_dir="${XDG_CACHE_HOME:-$HOME/.cache}/waymark-bench/pagefind"
    if [ ! -x "$pf_dir/node_modules/@pagefind/linux-x64/bin/pagefind_extended" ]; then
        say "installing the Pagefind CLI (npm pagefind@1.6.0)"
        mkdir -p "$pf_dir"
        npm install --prefix "$pf_dir" --no-audit --no-fund --loglevel=error pagefind@1.6.0 >/dev/null
    fi
    export PAGEFIND="$pf_dir/node_modules/@pagefind/linux-x64/bin/pagefind_extended"
fi
export PATH="$HOME/.cargo/bin:$PATH"
command -v python3 >/dev/null || { say "python3 is needed"; exit 2; }

# --- scratch -----------------------------------------------------------------
if [ -z "${WORK:-}" ]; then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/waymark-bench.XXXXXX")"
    trap 'rm -rf "$WORK"' EXIT
fi
mkdir -p "$WORK/bin"

# --- waymark -----------------------------------------------------------------
if [ -z "${WAYMARK:-}" ]; then
    say "building waymark (release)"
    (cd "$repo" && cargo build --release --bin waymark)
    WAYMARK="${CARGO_TARGET_DIR:-$repo/target}/release/waymark"
fi
# A private copy: a rebuild in the repository during the run must not change what is timed.
cp "$WAYMARK" "$WORK/bin/waymark"

# --- corpora -----------------------------------------------------------------
for n in $SIZES; do
    say "generating corpus N=$n"
    python3 "$here/gen_corpus.py" --pages "$n" --seed "$SEED" --out "$WORK/corpus-$n" >/dev/null
done

# --- measure -----------------------------------------------------------------
mkdir -p "$here/results"
say "timing: $TOOLS; sizes $SIZES; $RUNS runs after $WARMUP warm-up"
# shellcheck disable=SC2086
python3 "$here/measure.py" --work "$WORK" --sizes $SIZES --runs "$RUNS" --warmup "$WARMUP" --slow-after "$SLOW_AFTER" --slow-runs "$SLOW_RUNS" --timeout "$TIMEOUT" \
    --waymark "$WORK/bin/waymark" --tools $TOOLS \
    --markdown "$here/results/latest.md" --json "$here/results/latest.json"
