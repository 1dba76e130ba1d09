#!/usr/bin/env python3
"""Edit -> reload-event latency of `waymark serve` on generated sites.

    python3 bench/serve_latency.py                       # 1,000 and 10,000 pages, 15 edits each
    python3 bench/serve_latency.py --sizes 1000 --edits 10
    WAYMARK=target/release/waymark python3 bench/serve_latency.py

For each size: generates the corpus with bench/gen_corpus.py (`--only waymark`),
starts `waymark serve --port 0` on it (127.0.0.1 only), opens the Server-Sent
Events stream a browser tab would open, then edits one page (the corpus's
sample page) N times. Each latency runs from just before the file is written to
the moment the `reload` event naming that page's URL arrives: the debounce
wait, the rebuild and the publish are all inside it. Prints median, 90th
percentile, min and max, and the server's own rebuild times ("rebuilt in X ms").

Python 3.11 standard library only. Every wait is bounded; the server is
stopped at the end (or on any failure).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def say(msg: str) -> None:
    print(f"== {msg}", file=sys.stderr, flush=True)


def waymark_binary() -> Path:
    given = os.environ.get("WAYMARK")
    if given:
        return Path(given)
    say("building waymark (release)")
    subprocess.run(["cargo", "build", "--release", "--bin", "waymark"], cwd=REPO, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    return target / "release" / "waymark"


class Server:
    """`waymark serve` on a free port, with its output collected."""

    def __init__(self, binary: Path, root: Path, timeout: float):
        self.proc = subprocess.Popen(
            [str(binary), "--root", str(root), "serve", "--port", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self.port: int | None = None
        ready = threading.Event()

        def read_stdout() -> None:
            assert self.proc.stdout
            for line in self.proc.stdout:
                self.lines.append(line.rstrip("\n"))
                m = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
                if m and self.port is None:
                    self.port = int(m.group(1))
                    ready.set()
            ready.set()

        def read_stderr() -> None:
            assert self.proc.stderr
            for _ in self.proc.stderr:  # diagnostics (warnings of the generated corpus)
                pass

        threading.Thread(target=read_stdout, daemon=True).start()
        threading.Thread(target=read_stderr, daemon=True).start()
        if not ready.wait(timeout) or self.port is None:
            self.stop()
            raise SystemExit(f"waymark serve did not start within {timeout} s: {self.lines}")

    def rebuild_times(self) -> list[float]:
        return [float(m.group(1)) for l in self.lines if (m := re.match(r"rebuilt in (\d+(?:\.\d+)?) ms", l))]

    def first_build(self) -> str:
        return next((l for l in self.lines if l.startswith("built ")), "?")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


class Events:
    """The SSE stream, as (arrival time, event, data) in a list another thread fills."""

    def __init__(self, port: int, timeout: float):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.sock.sendall(b"GET /__waymark/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        self.sock.settimeout(None)
        self.events: list[tuple[float, str, str]] = []
        self.cond = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.wait(lambda e, d: e == "hello", timeout, start=0)

    def _read(self) -> None:
        f = self.sock.makefile("r", encoding="utf-8", newline="\n")
        event = ""
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                with self.cond:
                    self.events.append((time.perf_counter(), event, line[6:]))
                    self.cond.notify_all()
                event = ""

    def wait(self, match, timeout: float, start: int) -> tuple[float, str, str]:
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for ev in self.events[start:]:
                    if match(ev[1], ev[2]):
                        return ev
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching event")
                self.cond.wait(left)

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:
            pass


def page_url(rel: str) -> str:
    stem = rel[: -len(".md")] if rel.endswith(".md") else rel
    return "/" + stem.lower().replace(" ", "-") + "/"


def measure(binary: Path, work: Path, n: int, edits: int, seed: int, timeout: float) -> dict:
    corpus = work / f"corpus-{n}"
    say(f"generating {n} pages")
    subprocess.run(
        [sys.executable, str(HERE / "gen_corpus.py"), "--pages", str(n), "--seed", str(seed), "--out", str(corpus), "--only", "waymark"],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    manifest = json.loads((corpus / "manifest.json").read_text())
    root = corpus / "waymark"
    page = root / "content" / manifest["sample_page"]
    url = page_url(manifest["sample_page"])
    original = page.read_text(encoding="utf-8")
    # Change the first paragraph of the body: the page's own text, nothing else.
    # (The generator starts every body with a plain paragraph; headings stay, so
    # links to them from other pages stay valid.)
    para = original.index("\n---\n", 4) + 5
    while original[para] == "\n":
        para += 1
    assert original[para] not in "#>-|", "the body starts with a paragraph"

    say(f"starting waymark serve on {n} pages")
    t0 = time.perf_counter()
    server = Server(binary, root, timeout)
    startup = time.perf_counter() - t0
    events = Events(server.port, timeout)
    latencies = []
    try:
        for i in range(edits):
            text = original[:para] + f"Edit number {i} changes this sentence. " + original[para:]
            start = len(events.events)
            t = time.perf_counter()
            with open(page, "w", encoding="utf-8") as f:
                f.write(text)
            arrived, event, data = events.wait(lambda e, d: e == "errors" or (e == "reload" and f'"{url}"' in d), timeout, start)
            if event == "errors":
                raise SystemExit(f"the edit broke the generated site: {data[:2000]}")
            latencies.append((arrived - t) * 1000)
            time.sleep(0.3)  # let the debouncer go quiet, as between an author's saves
    finally:
        events.close()
        page.write_text(original, encoding="utf-8")
        time.sleep(0.2)
        server.stop()
    rebuilds = server.rebuild_times()
    return {
        "pages": n,
        "html_pages": manifest["html_pages"],
        "startup_s": startup,
        "first_build": server.first_build(),
        "edits": len(latencies),
        "median_ms": statistics.median(latencies),
        "p90_ms": sorted(latencies)[max(0, int(round(0.9 * len(latencies))) - 1)],
        "min_ms": min(latencies),
        "max_ms": max(latencies),
        "rebuild_median_ms": statistics.median(rebuilds) if rebuilds else float("nan"),
        "all_ms": [round(x, 1) for x in latencies],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    ap.add_argument("--edits", type=int, default=15, help="edits per size (median of these; at least 10 recommended)")
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--timeout", type=float, default=120, help="seconds any one wait may take")
    ap.add_argument("--json", type=Path, help="also write the figures here")
    a = ap.parse_args()
    binary = waymark_binary()
    results = []
    with tempfile.TemporaryDirectory(prefix="waymark-serve-bench.") as tmp:
        for n in a.sizes:
            results.append(measure(binary, Path(tmp), n, a.edits, a.seed, a.timeout))
    print(f"waymark serve: edit -> reload event, one page edited {a.edits} times ({os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f})")
    print(f"{'pages':>7} {'median ms':>10} {'p90 ms':>8} {'min ms':>8} {'max ms':>8} {'rebuild ms':>11}  first build")
    for r in results:
        print(
            f"{r['pages']:>7} {r['median_ms']:>10.1f} {r['p90_ms']:>8.1f} {r['min_ms']:>8.1f} {r['max_ms']:>8.1f} {r['rebuild_median_ms']:>11.1f}  {r['first_build']}"
        )
    print("latency = file written -> `reload` event for that page on the SSE stream (includes the debounce wait);")
    print("rebuild = the server's own 'rebuilt in X ms' (median).")
    if a.json:
        a.json.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
