#!/usr/bin/env bash
# Two waymark binaries on the same generated corpus, runs interleaved (A, B,
# A, B, …) so that load on the machine falls on both alike: for a change that
# must not make the build slower (a refactor), or one that should make it faster.
#
#   bench/compare.sh OLD_BIN NEW_BIN            1,000 pages, 7 runs each after one warm-up
#   RUNS=11 PAGES=10000 bench/compare.sh A B
#
# Prints each binary's median wall time, CPU time (user + system: steadier
# than wall time on a shared machine) and peak memory (GNU time), and the
# ratios NEW / OLD. Both must be built with the same features (the benchmark
# in bench/run.sh builds with the default ones).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ $# -eq 2 ]] || { echo "usage: bench/compare.sh OLD_BIN NEW_BIN" >&2; exit 2; }
RUNS="${RUNS:-7}"
PAGES="${PAGES:-1000}"
SEED="${SEED:-9}"
[ -x /usr/bin/time ] || { echo "GNU time is needed (apt-get install time)" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/waymark-compare.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Private copies: a rebuild during the run must not change what is timed.
cp "$1" "$work/old"
cp "$2" "$work/new"
python3 "$here/gen_corpus.py" --pages "$PAGES" --seed "$SEED" --out "$work/corpus" >/dev/null

one() { # BIN -> "wall_s peak_kb user_s sys_s"
  rm -rf "$work/out"
  /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$work/$1" build --root "$work/corpus/waymark" --out "$work/out" >/dev/null 2>"$work/err" \
    || { cat "$work/err" >&2; exit 1; }
  cat "$work/time"
}
one old >/dev/null
one new >/dev/null
: >"$work/old.t"
: >"$work/new.t"
for _ in $(seq "$RUNS"); do
  one old >>"$work/old.t"
  one new >>"$work/new.t"
done

python3 - "$work/old.t" "$work/new.t" "$PAGES" "$RUNS" <<'EOF'
import statistics, sys
def read(p):
    rows = [l.split() for l in open(p) if l.strip()]
    med = statistics.median
    return med(float(r[0]) for r in rows), med(float(r[2]) + float(r[3]) for r in rows), med(int(r[1]) for r in rows) / 1024
(ot, oc, om), (nt, nc, nm) = read(sys.argv[1]), read(sys.argv[2])
print(f"{sys.argv[3]} pages, median of {sys.argv[4]} interleaved runs")
print(f"{'':6} {'wall (s)':>9} {'CPU (s)':>9} {'peak (MB)':>10}")
print(f"{'old':6} {ot:9.3f} {oc:9.3f} {om:10.0f}")
print(f"{'new':6} {nt:9.3f} {nc:9.3f} {nm:10.0f}")
print(f"new / old: wall {nt / ot:.3f}, CPU {nc / oc:.3f}, memory {nm / om:.3f}")
EOF
