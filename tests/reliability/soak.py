#!/usr/bin/python3
"""The soak (issue 19): `meridian serve` at 80 % of its measured capacity for
an hour, with a snapshot reload every 10 minutes.

  soak.py --meridian build/meridian --bench-search build/bench_search \
          --snapshot bench/work/search_9000000.snap [--minutes 60] [--reload-every 10]

Measures capacity first (wrk, 128 connections, 20 s, the search mix of
bench/http.sh: providers' own points, dense metros as their share), then
holds 80 % of it with wrk's per-request delay, one wrk run per minute. Each
minute it records requests, errors (non-2xx and socket errors), p50/p99
latency and the server's resident memory; every --reload-every minutes it
sends SIGHUP (the server reopens, verifies and re-indexes the snapshot while
serving). Writes the minutes as JSON (--results) and a plot of RSS, p99 and
errors per minute as SVG (--svg). Fails when any request errs, when the heap
(RssAnon) in the last quarter of the run exceeds the first quarter's after
the first reload by more than 5 %, or when an old snapshot is still mapped a
minute after its reload. Loopback only, bounded by --minutes.
"""
import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))

DELAY_LUA = """
local urls = {}
for line in io.lines(os.getenv("URLS")) do urls[#urls + 1] = line end
local id = 0
local threads = {}
setup = function(thread) thread:set("id", id); id = id + 1; table.insert(threads, thread) end
init = function(args) counter = (id * 7919) % #urls; bad = 0 end
request = function()
  counter = counter % #urls + 1
  return wrk.format("GET", urls[counter])
end
delay = function() return tonumber(os.getenv("DELAY_MS") or "0") end
response = function(status, headers, body) if status >= 300 then bad = bad + 1 end end
done = function(summary, latency, requests)
  local b = 0
  for _, t in ipairs(threads) do b = b + t:get("bad") end
  local e = summary.errors
  io.write(string.format("SOAK requests=%d bad=%d sockerr=%d p50_us=%d p99_us=%d\\n",
    summary.requests, b, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def memory(pid, snapshot):
    """The server's resident memory in MB: all of it, the heap and stacks
    (RssAnon: what would grow with a leak) and mapped files (RssFile: mostly
    snapshot pages, which the kernel can drop); and how many mappings of the
    snapshot file it holds (1 once a reload is done; old ones show as
    "(deleted)" or under their new name only while requests still read them)."""
    out = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssAnon", "RssFile"):
                out[{"VmRSS": "rss_mb", "RssAnon": "anon_mb", "RssFile": "file_mb"}[k]] = \
                    round(int(v.split()[0]) / 1024, 1)
    ino = os.stat(snapshot).st_ino
    maps = 0
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            parts = line.split(None, 5)
            # The file (or an older one reloaded from the same path): by name,
            # or, once renamed or deleted, by the inode it had.
            if len(parts) == 6 and (parts[5].strip().startswith(os.path.abspath(snapshot)) or
                                    int(parts[4]) == ino):
                maps += 1
    out["snapshot_maps"] = maps
    return out


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=2) as r:
            return r.status
    except Exception:
        return 0


def svg(minutes, path):
    """Three stacked line charts: RSS (MB), p99 (ms), errors, per minute."""
    w, h, pad = 720, 150, 40
    series = [("RSS MB (line: all; dotted: heap)", [m["rss_mb"] for m in minutes], "#1f5fa8"),
              ("p99 ms", [m["p99_us"] / 1000 for m in minutes], "#a8321f"),
              ("errors", [m["bad"] + m["sockerr"] for m in minutes], "#2f7d32")]
    reloads = [i for i, m in enumerate(minutes) if m.get("reload")]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h * 3 + 20}" '
           f'font-family="sans-serif" font-size="11" role="img" '
           f'aria-label="Soak: resident memory, p99 latency and errors per minute">']
    n = max(len(minutes) - 1, 1)
    for k, (label, ys, color) in enumerate(series):
        top = k * h + 10
        ymax = max(max(ys) * 1.15, 1e-9) if ys else 1
        x = lambda i: pad + (w - 2 * pad) * i / n
        y = lambda v: top + h - 25 - (h - 40) * v / ymax
        out.append(f'<text x="4" y="{top + 12}">{label} (max {max(ys) if ys else 0:.1f})</text>')
        out.append(f'<line x1="{pad}" y1="{top + h - 25}" x2="{w - pad}" y2="{top + h - 25}" '
                   f'stroke="#999"/>')
        for i in reloads:
            out.append(f'<line x1="{x(i):.1f}" y1="{top + 15}" x2="{x(i):.1f}" '
                       f'y2="{top + h - 25}" stroke="#ccc" stroke-dasharray="3,3"/>')
        pts = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(ys))
        out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{pts}"/>')
        if k == 0:  # the heap under the whole
            pts = " ".join(f"{x(i):.1f},{y(m['anon_mb']):.1f}" for i, m in enumerate(minutes))
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" '
                       f'stroke-dasharray="2,2" points="{pts}"/>')
        out.append(f'<text x="{pad}" y="{top + h - 10}">minute 1</text>')
        out.append(f'<text x="{w - pad - 60}" y="{top + h - 10}">minute {len(minutes)}</text>')
    out.append(f'<text x="{pad}" y="{h * 3 + 15}">Dashed lines: snapshot reloads (SIGHUP).</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--meridian", required=True)
    ap.add_argument("--bench-search", required=True)
    ap.add_argument("--snapshot", required=True)
    ap.add_argument("--minutes", type=int, default=60)
    ap.add_argument("--reload-every", type=int, default=10)
    ap.add_argument("--share", type=float, default=0.8)
    ap.add_argument("--connections", type=int, default=128)
    ap.add_argument("--results")
    ap.add_argument("--svg")
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="meridian-soak-")
    server = None
    failed = []
    try:
        urls = os.path.join(work, "urls.txt")
        subprocess.run([a.bench_search, a.snapshot, "20000", "1", "--urls", urls], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lua = os.path.join(work, "soak.lua")
        with open(lua, "w") as f:
            f.write(DELAY_LUA)
        store = "sqlite:" + os.path.join(work, "s.sqlite")
        subprocess.run([a.meridian, "store", "migrate", "--store", store], check=True,
                       stdout=subprocess.DEVNULL)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        server = subprocess.Popen(
            [a.meridian, "serve", "--snapshot", a.snapshot, "--listen", f"127.0.0.1:{port}",
             "--threads", "2", "--store", store, "--rate", "1000000000", "--burst", "1000000000"],
            stderr=open(os.path.join(work, "serve.log"), "w"))
        base = f"http://127.0.0.1:{port}"
        for _ in range(3000):
            if get(base + "/readyz") == 200:
                break
            time.sleep(0.1)
        else:
            sys.exit("soak.py: the server did not become ready")

        def wrk(seconds, delay_ms):
            r = subprocess.run(["wrk", "-t1", f"-c{a.connections}", f"-d{seconds}s", "--timeout",
                                "5s", "--latency", "-s", lua, base], capture_output=True, text=True,
                               env=dict(os.environ, URLS=urls, DELAY_MS=str(delay_ms)),
                               timeout=seconds + 60)
            for line in r.stdout.splitlines():
                if line.startswith("SOAK "):
                    return {k: int(v) for k, v in (p.split("=") for p in line.split()[1:])}
            raise RuntimeError("wrk printed no summary: " + r.stdout + r.stderr)

        wrk(10, 0)  # warm
        cap = wrk(20, 0)
        capacity = cap["requests"] / 20
        target = a.share * capacity
        # Each connection waits this long before each request: C / target
        # per second, less the time the request itself takes (corrected after
        # a calibration run, then after each minute, toward the target).
        delay_ms = max(0, int(1000 * a.connections / target))

        def steer(delay_ms, seen_rps, lo=0, hi=10**6, step=10**6):
            wanted = a.connections / target
            seen = a.connections / max(seen_rps, 1.0)
            moved = max(-step, min(step, round(1000 * (wanted - seen))))
            return max(lo, min(hi, delay_ms + moved))

        for _ in range(2):
            delay_ms = steer(delay_ms, wrk(10, delay_ms)["requests"] / 10)
        # From here on, small steps within a band around the calibrated delay:
        # a minute slowed by something else on the machine must not turn the
        # soak into a run at full capacity.
        lo, hi = max(1, delay_ms // 2), delay_ms * 2 + 2
        minutes = []
        for m in range(a.minutes):
            reload = m > 0 and a.reload_every > 0 and m % a.reload_every == 0
            if reload:
                server.send_signal(signal.SIGHUP)
            s = wrk(60, delay_ms)
            s.update(minute=m + 1, reload=reload, rps=round(s["requests"] / 60, 1),
                     delay_ms=delay_ms, **memory(server.pid, a.snapshot))
            if not reload and s["rps"] > 0.5 * target:
                delay_ms = steer(delay_ms, s["rps"], lo, hi, step=2)
            minutes.append(s)
            print(json.dumps(s), flush=True)
            if server.poll() is not None:
                failed.append("the server exited")
                break
        errors = sum(x["bad"] + x["sockerr"] for x in minutes)
        q = max(len(minutes) // 4, 1)
        # Growth of the heap (RssAnon): snapshot pages come and go with the
        # page cache and say nothing about leaks.
        settled = [x["anon_mb"] for x in minutes if x["minute"] > a.reload_every][:q] or \
            [x["anon_mb"] for x in minutes[:q]]
        last = [x["anon_mb"] for x in minutes[-q:]]
        growth = (sum(last) / len(last)) / (sum(settled) / len(settled)) - 1 if settled else 0
        if errors:
            failed.append(f"{errors} requests failed")
        if growth > 0.05:
            failed.append(f"the heap grew {growth * 100:.1f} % from the first settled quarter "
                          "to the last")
        held = [x["minute"] for x in minutes if not x["reload"] and x["snapshot_maps"] != 1]
        if held:
            failed.append(f"an old snapshot was still mapped after its reload (minutes {held})")
        log = open(os.path.join(work, "serve.log")).read()
        summary = {"snapshot": a.snapshot, "capacity_rps": round(capacity, 1),
                   "target_rps": round(target, 1), "delay_ms": delay_ms,
                   "connections": a.connections, "minutes": minutes, "errors": errors,
                   "rss_growth": round(growth, 4), "reloads_done": log.count("reload done"),
                   "reloads_refused": log.count("reload refused"), "failures": failed}
        if a.results:
            with open(a.results, "w") as f:
                json.dump(summary, f, indent=1)
        if a.svg:
            svg(minutes, a.svg)
        print(json.dumps({k: v for k, v in summary.items() if k != "minutes"}, indent=1))
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    if failed:
        for f in failed:
            print("soak.py: FAIL:", f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
