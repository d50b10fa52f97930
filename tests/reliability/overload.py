#!/usr/bin/python3
"""Past capacity: `meridian serve` under 4x the connections it is configured
for, then a burst of connections all at once (issue 19).

  overload.py --meridian build/meridian --bench-search build/bench_search [--short]

Builds a synthetic snapshot (20,000 rows short, 1,000,000 long), starts the
server with --max-connections M, and:
  1. runs wrk with 4 x M connections on the search mix of bench/http.sh
     (providers' own points, dense metros as their share), counting every
     status: the server must answer what it can and shed the rest with 503
     and Retry-After, with no request left to time out;
  2. measures how soon a search answers once the load stops;
  3. opens a burst of connections at once (2,000 short, 10,000 long), each
     sending one search: every one must get an answer (200 or 503), none
     left hanging;
  4. samples the server's resident memory throughout, which must stay under
     the bound the README states (idle + 128 KiB per allowed connection).
Prints one JSON object (and writes it to --results) and exits non-zero when
a claim fails. Loopback only; every phase is bounded in count and time.
"""
import argparse
import json
import os
import resource
import selectors
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def get(url, timeout=2):
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except Exception:
        return 0


def parse_wrk(text):
    out = {"status": {}, "errors": {}, "latency": {}}
    for line in text.splitlines():
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "STATUS":
            for p in parts[1:]:
                k, v = p.split("=")
                if k == "retry_after":
                    out["retry_after"] = int(v)
                else:
                    out["status"][k] = int(v)
        elif parts[0] == "ERRORS":
            out["errors"] = {k: int(v) for k, v in (p.split("=") for p in parts[1:])}
        elif parts[0] == "LATENCY":
            out["latency"] = {k: int(v) for k, v in (p.split("=") for p in parts[1:])}
    return out


def burst(port, n, paths, deadline_s):
    """n connections opened at once, one GET each; counts the status lines."""
    sel = selectors.DefaultSelector()
    socks = []
    for i in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        req = f"GET {paths[i % len(paths)]} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode()
        st = {"sock": s, "req": req, "got": b"", "sent": False}
        sel.register(s, selectors.EVENT_WRITE, st)
        socks.append(st)
    counts = {"200": 0, "503": 0, "other": 0, "reset": 0, "unanswered": 0}
    open_n = n
    end = time.time() + deadline_s
    while open_n > 0 and time.time() < end:
        for key, ev in sel.select(timeout=0.2):
            st = key.data
            s = st["sock"]
            try:
                if not st["sent"]:
                    s.send(st["req"])
                    st["sent"] = True
                    sel.modify(s, selectors.EVENT_READ, st)
                    continue
                chunk = s.recv(4096)
            except (ConnectionError, OSError):
                chunk = None
            if chunk:
                st["got"] += chunk
                if b"\r\n" not in st["got"]:
                    continue
            line = st["got"].split(b"\r\n", 1)[0]
            code = line[9:12].decode() if line.startswith(b"HTTP/1.1 ") else None
            if code in ("200", "503"):
                counts[code] += 1
            elif code:
                counts["other"] += 1
            else:
                counts["reset"] += 1
            sel.unregister(s)
            s.close()
            st["done"] = True
            open_n -= 1
    for st in socks:
        if not st.get("done"):
            counts["unanswered"] += 1
            st["sock"].close()
    return counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--meridian", required=True)
    ap.add_argument("--bench-search", required=True)
    ap.add_argument("--short", action="store_true")
    ap.add_argument("--rows", type=int)
    ap.add_argument("--max-connections", type=int)
    ap.add_argument("--seconds", type=int)
    ap.add_argument("--burst", type=int)
    ap.add_argument("--results")
    a = ap.parse_args()
    rows = a.rows or (20000 if a.short else 1000000)
    max_conns = a.max_connections or (64 if a.short else 256)
    seconds = a.seconds or (4 if a.short else 30)
    burst_n = a.burst or (2000 if a.short else 10000)
    # Room for the burst and for wrk's connections, in this process and its children.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * burst_n + 1024)), hard))
    if shutil.which("wrk") is None:
        sys.exit("overload.py: wrk is not installed (scripts/install-deps)")

    work = tempfile.mkdtemp(prefix="meridian-overload-")
    server = None
    failures = []
    try:
        csv = os.path.join(work, "s.csv")
        snap = os.path.join(work, "s.snap")
        subprocess.run([a.meridian, "synth", "--rows", str(rows), "--seed", "7", "--out", csv],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([a.meridian, "ingest", "--nppes", csv, "--pl", csv[:-4] + "_pl.csv", "--out",
                        snap], check=True, stdout=subprocess.DEVNULL)
        urls = os.path.join(work, "urls.txt")
        subprocess.run([a.bench_search, snap, "5000", "1", "--urls", urls], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        store = "sqlite:" + os.path.join(work, "s.sqlite")
        subprocess.run([a.meridian, "store", "migrate", "--store", store], check=True,
                       stdout=subprocess.DEVNULL)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        log = open(os.path.join(work, "serve.log"), "w")
        server = subprocess.Popen(
            [a.meridian, "serve", "--snapshot", snap, "--listen", f"127.0.0.1:{port}", "--threads",
             "2", "--store", store, "--max-connections", str(max_conns), "--rate", "1000000000",
             "--burst", "1000000000"], stderr=log)
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            if get(base + "/readyz") == 200:
                break
            time.sleep(0.1)
        else:
            sys.exit("overload.py: the server did not become ready")
        with open(urls) as f:
            paths = [line.strip() for line in f if line.strip()]
        # Warm: every page of the snapshot the mix touches, once.
        subprocess.run(["wrk", "-t1", "-c4", "-d2s", "-s", os.path.join(HERE, "overload.lua"), base],
                       env=dict(os.environ, URLS=urls), stdout=subprocess.DEVNULL)
        idle_rss = rss_mb(server.pid)
        bound_mb = idle_rss + max_conns * 128 / 1024
        peak = [idle_rss]
        sampling = [True]

        def sample():
            while sampling[0]:
                peak[0] = max(peak[0], rss_mb(server.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()

        # 1. wrk with 4x the allowed connections.
        conns = 4 * max_conns
        run = subprocess.run(
            ["wrk", "-t2", f"-c{conns}", f"-d{seconds}s", "--timeout", "2s", "--latency", "-s",
             os.path.join(HERE, "overload.lua"), base],
            env=dict(os.environ, URLS=urls), capture_output=True, text=True, timeout=seconds + 60)
        wrk = parse_wrk(run.stdout)
        if not wrk["status"]:
            failures.append("wrk printed no statuses: " + run.stdout[-500:] + run.stderr[-500:])
        # 2. Recovery: the first search answered after the load stops.
        t0 = time.time()
        while get(base + paths[0], timeout=1) != 200 and time.time() - t0 < 5:
            time.sleep(0.005)
        recovery_ms = (time.time() - t0) * 1000
        # 3. The burst.
        t0 = time.time()
        b = burst(port, burst_n, paths, 30)
        burst_s = time.time() - t0
        time.sleep(0.5)
        t0 = time.time()
        while get(base + paths[1], timeout=1) != 200 and time.time() - t0 < 5:
            time.sleep(0.005)
        burst_recovery_ms = (time.time() - t0) * 1000
        sampling[0] = False
        sampler.join()
        after_rss = rss_mb(server.pid)

        ok200 = wrk["status"].get("200", 0)
        shed = wrk["status"].get("503", 0)
        other = sum(v for k, v in wrk["status"].items() if k not in ("200", "503"))
        result = {
            "rows": rows, "max_connections": max_conns, "wrk_connections": conns,
            "seconds": seconds, "answered_200": ok200, "shed_503": shed,
            "shed_with_retry_after": wrk.get("retry_after", 0), "other_status": other,
            "socket_errors": wrk["errors"], "latency_us": wrk["latency"],
            "recovery_ms": round(recovery_ms, 1), "burst": burst_n, "burst_answers": b,
            "burst_seconds": round(burst_s, 2), "burst_recovery_ms": round(burst_recovery_ms, 1),
            "rss_idle_mb": round(idle_rss, 1), "rss_peak_mb": round(peak[0], 1),
            "rss_after_mb": round(after_rss, 1), "rss_bound_mb": round(bound_mb, 1),
        }
        if ok200 == 0:
            failures.append("no request was answered 200 under overload")
        if shed != wrk.get("retry_after", 0):
            failures.append(f"{shed - wrk.get('retry_after', 0)} of the 503s lack Retry-After")
        if other:
            failures.append(f"{other} answers were neither 200 nor 503: {wrk['status']}")
        if wrk["errors"].get("timeout", 0):
            failures.append(f"{wrk['errors']['timeout']} requests timed out (2 s) instead of 503")
        if recovery_ms > 1000:
            failures.append(f"a search took {recovery_ms:.0f} ms to answer after the load stopped")
        if b["unanswered"] or b["other"]:
            failures.append(f"burst: {b['unanswered']} connections unanswered, {b['other']} other")
        if burst_recovery_ms > 1000:
            failures.append(f"{burst_recovery_ms:.0f} ms to answer after the burst")
        if peak[0] > bound_mb:
            failures.append(f"RSS peaked at {peak[0]:.0f} MB, over the bound {bound_mb:.0f} MB")
        if server.poll() is not None:
            failures.append("the server exited")
        result["failures"] = failures
        print(json.dumps(result, indent=1))
        if a.results:
            with open(a.results, "w") as f:
                json.dump(result, f, indent=1)
    finally:
        if server is not None:
            server.kill()
            server.wait()
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        for f in failures:
            print("overload.py: FAIL:", f, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
