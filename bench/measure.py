#!/usr/bin/env python3
"""Times waymark, Hugo, mdBook and a `cp -r` floor over corpora made by gen_corpus.py.

Called by bench/run.sh; usable alone:

    python3 bench/measure.py --work DIR --sizes 1000 10000 --runs 5 --waymark PATH [--tools waymark hugo mdbook cp]

DIR/corpus-N/ must hold gen_corpus.py's output for each N. For each N, every tool
builds once untimed (warm caches, and the output is checked), then R rounds run
with the tools interleaved, the order rotating each round, so background load on
a shared machine falls on every tool alike. Each run writes into a fresh output folder
(the previous one is moved aside, not timed; see run_once).

Each run goes through `/usr/bin/time -f '%e %M %U %S'` (peak RSS in KB, CPU
seconds); wall time is also taken with perf_counter around the same call, for
millisecond resolution. A run counts only if the tool exited 0 and wrote an HTML
page for every page of the corpus (and the sample page named in the manifest).
A failed run stops the benchmark: a failure must never be timed as fast.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import shlex
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path


def count(root: Path, pattern: str) -> int:
    return sum(1 for _ in root.rglob(pattern))


def tool_spec(tool: str, corpus: Path, out: Path, waymark: str):
    """(command, cwd, check(out, manifest) -> error or None)."""
    m = json.loads((corpus / "manifest.json").read_text())
    want = m["html_pages"]
    sample = m["sample_page"][: -len(".md")]

    def pretty(out: Path):
        n = count(out, "index.html")
        if n != want:
            return f"{n} index.html files, expected {want}"
        if not (out / sample / "index.html").is_file():
            return f"missing {sample}/index.html"
        return None

    if tool == "waymark":
        # waymark also makes pages from the pages (a print page per section, the
        # audience list, updates, search) and the search index.
        def made(out: Path):
            n = count(out, "index.html")
            if n < want:
                return f"{n} index.html files, expected at least {want}"
            if not (out / sample / "index.html").is_file():
                return f"missing {sample}/index.html"
            if not (out / "pagefind" / "pagefind-entry.json").is_file():
                return "no search index"
            return None

        return [waymark, "build", "--root", str(corpus / "waymark"), "--out", str(out)], corpus, made
    if tool == "hugo":
        # --quiet: no summary table; nothing else is turned off at the command line
        # (the corpus's hugo.toml says what is, see bench/README.md).
        return ["hugo", "--quiet", "--source", str(corpus / "hugo"), "--destination", str(out)], corpus, pretty
    if tool == "hugo+pagefind":
        # Hugo, then the Pagefind CLI over what it wrote: how a Hugo site gets
        # the static search waymark builds in (same Pagefind version).
        pagefind = os.environ.get("PAGEFIND", "pagefind")
        hugo = ["hugo", "--quiet", "--source", str(corpus / "hugo"), "--destination", str(out)]
        script = " ".join(shlex.quote(a) for a in hugo) + " && " + " ".join(shlex.quote(a) for a in [pagefind, "--site", str(out), "--silent"])

        def searched(out: Path):
            return pretty(out) or (None if (out / "pagefind" / "pagefind-entry.json").is_file() else "no pagefind index")

        return ["sh", "-c", script], corpus, searched
    if tool == "mdbook":

        def book(out: Path):
            n = count(out, "*.html")
            if n < want:
                return f"{n} .html files, expected at least {want}"
            if not (out / f"{sample}.html").is_file():
                return f"missing {sample}.html"
            return None

        return ["mdbook", "build", "--dest-dir", str(out), str(corpus / "mdbook")], corpus, book
    if tool == "cp":

        def copied(out: Path):
            n = count(out, "*.md")
            return None if n == want else f"{n} .md files copied, expected {want}"

        return ["cp", "-r", str(corpus / "waymark" / "content"), str(out)], corpus, copied
    raise SystemExit(f"unknown tool {tool}")


def child_hwm_kb(time_pid: int) -> int:
    """Peak RSS so far of the process /usr/bin/time runs (for runs that are cut short)."""
    try:
        kids = Path(f"/proc/{time_pid}/task/{time_pid}/children").read_text().split()
        for line in Path(f"/proc/{kids[0]}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, IndexError, ValueError):
        pass
    return 0


def run_once(tool: str, corpus: Path, outroot: Path, waymark: str, timeout: float) -> dict:
    out = outroot / f"out-{tool}"
    # The previous output is moved aside, not deleted: on ext4 a burst of recent
    # deletions makes the next burst of file creations much slower (inode
    # allocation skips recently freed inodes), which would charge one tool for
    # the clean-up of another. The trash is deleted when the benchmark ends.
    trash = outroot.parent / "trash"
    trash.mkdir(exist_ok=True)
    for old in [out, *outroot.glob(f".out-{tool}.*")]:  # waymark's atomic-swap siblings too
        if old.exists():
            old.rename(trash / f"{len(list(trash.iterdir()))}")
    cmd, cwd, check = tool_spec(tool, corpus, out, waymark)
    tfile = outroot / f"time-{tool}.txt"
    errfile = outroot / f"stderr-{tool}.txt"
    t0 = time.perf_counter()
    with errfile.open("w") as err:
        p = subprocess.Popen(["/usr/bin/time", "-f", "%e %M %U %S", "-o", str(tfile), *cmd], cwd=cwd,
                             stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)
        peak_kb = 0
        while True:
            try:
                p.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                peak_kb = max(peak_kb, child_hwm_kb(p.pid))
                if time.perf_counter() - t0 > timeout:
                    os.killpg(p.pid, signal.SIGKILL)
                    p.wait()
                    pages = count(out, "*.html")
                    return {"wall": time.perf_counter() - t0, "rss_mb": peak_kb / 1024, "cpu": float("nan"),
                            "timed_out": True, "html_written": pages}
    wall = time.perf_counter() - t0
    p.stderr = errfile.read_text(errors="replace")
    if p.returncode != 0:
        raise SystemExit(f"{tool} failed (exit {p.returncode}) on {corpus}:\n{p.stderr[-4000:]}")
    problem = check(out)
    if problem:
        raise SystemExit(f"{tool} exited 0 on {corpus} but its output is incomplete: {problem}\n{p.stderr[-2000:]}")
    e, kb, user, sys_ = tfile.read_text().split()[-4:]
    return {"wall": wall, "rss_mb": int(kb) / 1024, "cpu": float(user) + float(sys_)}


def version(cmd: list[str]) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
    except Exception:  # noqa: BLE001 - only for the report
        return "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--slow-after", type=float, default=60.0, help="a warm-up slower than this many seconds…")
    ap.add_argument("--slow-runs", type=int, default=1, help="…limits that tool to this many timed runs at that size, the warm-up included")
    ap.add_argument("--waymark", required=True, help="the waymark binary")
    ap.add_argument("--timeout", type=float, default=240.0, help="a build still running after this many seconds is stopped and shown as '> T'")
    ap.add_argument("--tools", nargs="+", default=["waymark", "hugo", "mdbook", "cp"])
    ap.add_argument("--json", type=Path, help="also write every run here")
    ap.add_argument("--markdown", type=Path, help="also write the table here")
    a = ap.parse_args()

    results: dict[tuple[str, int], list[dict]] = {}
    load_before = os.getloadavg()
    started = time.time()
    for n in a.sizes:
        corpus = a.work / f"corpus-{n}"
        outroot = a.work / f"out-{n}"
        outroot.mkdir(parents=True, exist_ok=True)
        runs = {}
        for tool in a.tools:
            w: dict = {}
            for _ in range(a.warmup):
                w = run_once(tool, corpus, outroot, a.waymark, a.timeout)
                print(f"  N={n:<6} warm-up       {tool:<8} {w['wall']:7.3f} s {w['rss_mb']:8.1f} MB", file=sys.stderr, flush=True)
            runs[tool] = a.runs
            if w.get("timed_out"):
                # Reported as a lower bound ("> T s"), never as a time.
                results.setdefault((tool, n), []).append(w)
                runs[tool] = 0
            elif w and w["wall"] >= a.slow_after:
                # A tool that takes minutes per build: its warm-up counts as a timed
                # run (caches hardly matter at that scale) and it gets at most
                # slow_runs runs in all (shown in the table's runs column).
                results.setdefault((tool, n), []).append(w)
                runs[tool] = max(0, min(a.runs, a.slow_runs) - 1)
        for r in range(a.runs):
            k = r % len(a.tools)
            for tool in a.tools[k:] + a.tools[:k]:
                if r >= runs[tool]:
                    continue
                res = run_once(tool, corpus, outroot, a.waymark, a.timeout)
                results.setdefault((tool, n), []).append(res)
                print(f"  N={n:<6} round {r + 1}/{a.runs} {tool:<8} {res['wall']:7.3f} s {res['rss_mb']:8.1f} MB", file=sys.stderr, flush=True)
        for old in outroot.iterdir():
            old.rename(a.work / "trash" / f"{len(list((a.work / 'trash').iterdir()))}")
    shutil.rmtree(a.work / "trash", ignore_errors=True)

    def med(tool, n, key):
        return statistics.median(x[key] for x in results[(tool, n)])

    lines = [
        "| tool | N pages | runs | median wall (s) | min wall (s) | median CPU (s) | peak RSS (MB) | waymark/peer time | waymark/peer RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    notes_extra: list[str] = []
    for n in a.sizes:
        wm_t = med("waymark", n, "wall") if ("waymark", n) in results else None
        wm_m = med("waymark", n, "rss_mb") if ("waymark", n) in results else None
        for tool in a.tools:
            rs = results[(tool, n)]
            if any(x.get("timed_out") for x in rs):
                x = rs[0]
                lines.append(
                    f"| {tool} | {n} | stopped | > {x['wall']:.0f} | > {x['wall']:.0f} | — | > {x['rss_mb']:.1f} "
                    f"| < {wm_t / x['wall']:.3f} | — |"
                )
                notes_extra.append(
                    f"{tool} at N={n} was stopped after {x['wall']:.0f} s with {x['html_written']} of "
                    f"{json.loads((a.work / f'corpus-{n}' / 'manifest.json').read_text())['html_pages']} pages written; "
                    f"its peak RSS until then is shown."
                )
                continue
            t = med(tool, n, "wall")
            mn = min(x["wall"] for x in rs)
            cpu = med(tool, n, "cpu")
            rss = max(x["rss_mb"] for x in results[(tool, n)])
            if tool == "waymark" or wm_t is None:
                rt = rm = "—"
            else:
                rt = f"{wm_t / t:.2f}"
                rm = f"{wm_m / med(tool, n, 'rss_mb'):.2f}"
            lines.append(f"| {tool} | {n} | {len(results[(tool, n)])} | {t:.3f} | {mn:.3f} | {cpu:.2f} | {rss:.1f} | {rt} | {rm} |")
    load_after = os.getloadavg()
    notes = [
        "",
        f"Up to {a.runs} timed runs per cell after {a.warmup} warm-up (a tool whose warm-up took over "
        f"{a.slow_after:.0f} s: {a.slow_runs} run(s), the warm-up counted); tools interleaved, order rotating. CPU = user + sys. "
        f"Peak RSS is the largest of the runs; the ratios use medians.",
        f"Machine: {os.cpu_count()} CPUs, {platform.platform()}; load average {load_before[0]:.2f} before, "
        f"{load_after[0]:.2f} after; {time.time() - started:.0f} s in all.",
        "Versions: " + "; ".join(
            version(cmd) for tool, cmd in [
                ("waymark", [str(a.waymark), "--version"]),
                ("hugo", ["hugo", "version"]),
                ("hugo+pagefind", [os.environ.get("PAGEFIND", "pagefind"), "--version"]),
                ("mdbook", ["mdbook", "--version"]),
            ] if tool in a.tools or (tool == "hugo" and "hugo+pagefind" in a.tools)
        ) + ".",
    ]
    table = "\n".join(lines + notes + notes_extra) + "\n"
    print(table)
    if a.markdown:
        a.markdown.write_text(table)
    if a.json:
        a.json.write_text(json.dumps({f"{t}/{n}": v for (t, n), v in results.items()}, indent=1) + "\n")


if __name__ == "__main__":
    main()
