#!/usr/bin/python3
"""A Meridian fleet on one machine, under faults (issue 18).

Builds, without containers, one Linux network namespace per host, joined by
veth pairs to a bridge that lives in a namespace of its own:

    lb   10.201.0.10  HAProxy (deploy/haproxy.cfg) and the snapshot file server
    s1-3 10.201.0.21-23  meridian serve --follow
    pg1  10.201.0.31  PostgreSQL 15 primary (synchronous standby required)
    pg2  10.201.0.32  PostgreSQL 15 standby, made with pg_basebackup -R
    cli  10.201.0.40  the clients: wrk, report writers, probes

Traffic never leaves these namespaces. Faults are kill -9, SIGTERM, links
set down and pg_promote(). Each scenario checks its own claims and the run
fails (exit 1) when one does not hold; the figures are printed as a
Markdown table and written to --results.

    cluster.py --meridian build/meridian [--short] [--results FILE]

Needs root, iproute2, haproxy, postgresql-15 and wrk (scripts/install-deps).
Run with Debian's /usr/bin/python3.
"""
import argparse
import atexit
import ctypes
import email
import email.policy
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import uuid

PG_BIN = "/usr/lib/postgresql/15/bin/"
SUBNET = "10.201.0."
HOSTS = {"lb": 10, "s1": 21, "s2": 22, "s3": 23, "pg1": 31, "pg2": 32, "cli": 40}
SERVERS = ["s1", "s2", "s3"]
SEARCH = "/api/v1/search?state=TX&limit=1"
SAMPLE_NPI = "1679576722"  # a row of tests/data/npidata_sample_99.csv
GRACE_MS = 2600  # longer than HAProxy's fall 2 x inter 1s

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL("libc.so.6", use_errno=True)


def ip_of(host):
    return SUBNET + str(HOSTS[host])


def run(cmd, check=True, timeout=120, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s failed (%d): %s%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


class Failure(Exception):
    pass


class Fleet:
    """The namespaces, processes and files of one run; Close() undoes all."""

    def __init__(self, meridian, work):
        self.meridian = os.path.abspath(meridian)
        self.work = work
        self.prefix = "mcl%d-" % os.getpid()
        self.procs = {}  # name -> Popen
        self.namespaces = []
        self.lock = threading.Lock()

    # ---- namespaces -------------------------------------------------------
    def ns(self, host):
        return self.prefix + host

    def build_network(self):
        net = self.ns("net")
        run(["ip", "netns", "add", net])
        self.namespaces.append(net)
        run(["ip", "-n", net, "link", "add", "br0", "type", "bridge"])
        run(["ip", "-n", net, "link", "set", "br0", "up"])
        for host in HOSTS:
            n = self.ns(host)
            run(["ip", "netns", "add", n])
            self.namespaces.append(n)
            run(["ip", "-n", net, "link", "add", "v-" + host, "type", "veth", "peer", "name", "eth0",
                 "netns", n])
            run(["ip", "-n", net, "link", "set", "v-" + host, "master", "br0", "up"])
            run(["ip", "-n", n, "addr", "add", ip_of(host) + "/24", "dev", "eth0"])
            run(["ip", "-n", n, "link", "set", "eth0", "up"])
            run(["ip", "-n", n, "link", "set", "lo", "up"])

    def link(self, host, up):
        run(["ip", "-n", self.ns("net"), "link", "set", "v-" + host, "up" if up else "down"])

    def in_ns(self, host, fn, *args):
        """Runs fn(*args) on a thread that has entered the host's namespace."""
        out = {}

        def body():
            fd = os.open("/run/netns/" + self.ns(host), os.O_RDONLY)
            try:
                if libc.setns(fd, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), "setns")
            finally:
                os.close(fd)
            try:
                out["value"] = fn(*args)
            except Exception as e:  # handed to the caller
                out["error"] = e

        t = threading.Thread(target=body)
        t.start()
        t.join()
        if "error" in out:
            raise out["error"]
        return out["value"]

    # ---- processes --------------------------------------------------------
    def start(self, name, host, cmd, env=None, as_postgres=False):
        log = open(os.path.join(self.work, name + ".log"), "ab")
        full = ["ip", "netns", "exec", self.ns(host)]
        if as_postgres:
            full += ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups"]
        p = subprocess.Popen(full + cmd, stdout=log, stderr=log, env=env, start_new_session=True,
                             cwd=self.work)
        with self.lock:
            self.procs[name] = p
        return p

    def kill9(self, name):
        p = self.procs.get(name)
        if p is None or p.poll() is not None:
            return
        try:
            os.killpg(p.pid, signal.SIGKILL)  # the process and everything it started
        except ProcessLookupError:
            pass
        p.wait()

    def signal(self, name, sig):
        os.kill(self.procs[name].pid, sig)

    def close(self):
        for name in list(self.procs):
            self.kill9(name)
        for n in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", n], capture_output=True)
        self.namespaces = []


def remove_orphans():
    """Namespaces left by a run that was killed (its pid is gone)."""
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        m = re.match(r"(mcl(\d+)-\S+)", line)
        if m and not os.path.exists("/proc/" + m.group(2)):
            subprocess.run(["ip", "netns", "del", m.group(1)], capture_output=True)


# ---- HTTP from inside a namespace -------------------------------------------
def http_get(host_ip, port, path, timeout=5.0, headers=None):
    c = http.client.HTTPConnection(host_ip, port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        return r.status, dict(r.getheaders()), r.read()
    finally:
        c.close()


def post_report(key, timeout=20.0):
    body = "npi=%s&kind=other&details=cluster-%s&submission=%s" % (SAMPLE_NPI, key, key)
    c = http.client.HTTPConnection(ip_of("lb"), 80, timeout=timeout)
    try:
        c.request("POST", "/report", body=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Sec-Fetch-Site": "same-origin"})
        r = c.getresponse()
        return r.status, r.getheader("Retry-After"), r.read()
    finally:
        c.close()


class Writers:
    """Report writers in the cli namespace: each sends one report at a time
    with a one-time key, and sends it again (same key) until it is
    acknowledged, as a person pressing again would."""

    def __init__(self, fleet, count):
        self.fleet, self.count = fleet, count
        self.stop = threading.Event()
        self.acked = {}  # key -> time acknowledged
        self.pending = set()  # keys sent but never acknowledged
        self.statuses = {}
        self.retry_after_missing = 0
        self.successes = []  # times of acknowledgements
        self.mu = threading.Lock()
        self.threads = []

    def one(self):
        while not self.stop.is_set():
            key = uuid.uuid4().hex
            with self.mu:
                self.pending.add(key)
            while True:
                try:
                    status, retry_after, body = post_report(key)
                except (OSError, http.client.HTTPException):
                    status, retry_after, body = "error", None, b""
                with self.mu:
                    self.statuses[status] = self.statuses.get(status, 0) + 1
                    if status == 503 and not retry_after:
                        self.retry_after_missing += 1
                    if status == 200 and b"R-" in body:
                        self.pending.discard(key)
                        now = time.monotonic()
                        self.acked[key] = now
                        self.successes.append(now)
                        break
                if self.stop.is_set():
                    break
                time.sleep(0.2)

    def start(self):
        for _ in range(self.count):
            t = threading.Thread(target=self.fleet.in_ns, args=("cli", self.one))
            t.start()
            self.threads.append(t)

    def finish(self):
        self.stop.set()
        for t in self.threads:
            t.join()

    def longest_gap(self, since, until):
        times = sorted(t for t in self.successes if since <= t <= until)
        if not times:
            return until - since
        edges = [since] + times + [until]
        return max(b - a for a, b in zip(edges, edges[1:]))


class Wrk:
    """wrk in the cli namespace through HAProxy, for a fixed time."""

    def __init__(self, fleet, seconds, connections=16, path=SEARCH):
        self.fleet, self.seconds = fleet, seconds
        cmd = ["ip", "netns", "exec", fleet.ns("cli"), "wrk", "-t2", "-c%d" % connections,
               "-d%ds" % seconds, "--timeout", "5s", "http://%s%s" % (ip_of("lb"), path)]
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def result(self):
        out, _ = self.p.communicate(timeout=self.seconds + 60)
        m = re.search(r"(\d+) requests in", out)
        if m is None:
            raise Failure("wrk: " + out[-500:])
        total = int(m.group(1))
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        failed = (int(non2xx.group(1)) if non2xx else 0) + (
            sum(int(g) for g in errors.groups()) if errors else 0)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        return {"requests": total, "failed": failed, "rps": float(rps.group(1)) if rps else 0.0,
                "raw": out}


# ---- the fleet's parts ------------------------------------------------------
class Cluster:
    def __init__(self, fleet, short):
        self.f = fleet
        self.short = short
        self.work = fleet.work
        self.pg_primary = "pg1"
        self.store_url = ("postgresql://postgres@%s:5432,%s:5432/meridian?target_session_attrs=read-write"
                          "&connect_timeout=2" % (ip_of("pg1"), ip_of("pg2")))
        self.pub = os.path.join(self.work, "published")
        os.makedirs(self.pub)

    def meridian(self, host, *args, check=True):
        return run(["ip", "netns", "exec", self.f.ns(host), self.f.meridian] + list(args),
                   check=check, timeout=300)

    # PostgreSQL ------------------------------------------------------------
    def pg_dir(self, host):
        return os.path.join(self.work, host)

    def psql(self, host, sql):
        r = run(["ip", "netns", "exec", self.f.ns(host), "setpriv", "--reuid=postgres",
                 "--regid=postgres", "--init-groups", PG_BIN + "psql", "-h", ip_of(host), "-p",
                 "5432", "-U", "postgres", "-d", "meridian", "-Atc", sql], timeout=60)
        return r.stdout.strip()

    def start_pg(self, host):
        d = self.pg_dir(host)
        self.f.start("postgres-" + host, host, [PG_BIN + "postgres", "-D", d + "/data", "-k", d],
                     as_postgres=True)
        for _ in range(300):
            r = subprocess.run(["ip", "netns", "exec", self.f.ns(host), PG_BIN + "pg_isready", "-h",
                                ip_of(host), "-p", "5432", "-t", "1"], capture_output=True)
            if r.returncode == 0:
                return
            time.sleep(0.1)
        raise Failure("PostgreSQL on %s did not start" % host)

    def setup_postgres(self):
        for host in ("pg1", "pg2"):
            os.makedirs(self.pg_dir(host))
            shutil.chown(self.pg_dir(host), "postgres", "postgres")
        d1 = self.pg_dir("pg1")
        run(["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", PG_BIN + "initdb",
             "-D", d1 + "/data", "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])
        # The settings deploy/postgresql/primary.conf ships, on this subnet.
        with open(d1 + "/data/postgresql.auto.conf", "a") as conf:
            conf.write("listen_addresses = '%s'\n" % ip_of("pg1"))
            conf.write(open(os.path.join(ROOT, "deploy/postgresql/primary.conf")).read())
        with open(d1 + "/data/pg_hba.conf", "a") as hba:
            hba.write("host all all %s0/24 trust\nhost replication all %s0/24 trust\n" %
                      (SUBNET, SUBNET))
        self.start_pg("pg1")
        # No standby yet: this one commit must not wait for one.
        run(["ip", "netns", "exec", self.f.ns("pg1"), "setpriv", "--reuid=postgres",
             "--regid=postgres", "--init-groups", PG_BIN + "createdb", "-h", ip_of("pg1"), "-U",
             "postgres", "meridian"], env=dict(os.environ, PGOPTIONS="-c synchronous_commit=local"))
        d2 = self.pg_dir("pg2")
        run(["ip", "netns", "exec", self.f.ns("pg2"), "setpriv", "--reuid=postgres",
             "--regid=postgres", "--init-groups", PG_BIN + "pg_basebackup", "-h", ip_of("pg1"),
             "-U", "postgres", "-D", d2 + "/data", "-R", "-X", "stream",
             "-c", "fast"], timeout=120)
        with open(d2 + "/data/postgresql.auto.conf", "a") as conf:
            conf.write("listen_addresses = '%s'\n" % ip_of("pg2"))
            # The standby's own settings (deploy/postgresql/standby.conf).
            conf.write(open(os.path.join(ROOT, "deploy/postgresql/standby.conf")).read())
            conf.write("primary_conninfo = 'host=%s port=5432 user=postgres "
                       "application_name=standby1'\n" % ip_of("pg1"))
        self.start_pg("pg2")
        for _ in range(100):
            if self.psql("pg1", "SELECT count(*) FROM pg_stat_replication "
                                "WHERE sync_state IN ('sync','quorum')") == "1":
                break
            time.sleep(0.1)
        else:
            raise Failure("the standby did not become synchronous")
        self.meridian("lb", "store", "migrate", "--store", self.store_url)

    # Snapshots, HAProxy and the servers ------------------------------------
    def ingest(self, csv, out):
        run([self.f.meridian, "ingest", "--nppes", csv, "--out", out, "--errors", out + ".errors"],
            timeout=600)

    def publish(self, snap):
        r = self.meridian("lb", "publish", "--snapshot", snap, "--store", self.store_url, "--to",
                          self.pub, "--json")
        return json.loads(r.stdout)

    def start_file_server(self):
        env = dict(os.environ, RANGE_SERVER_BIND=ip_of("lb"), RANGE_SERVER_PORT="8081",
                   RANGE_SERVER_LOG=os.path.join(self.work, "downloads.log"),
                   RANGE_SERVER_RATE=str(self.download_rate))
        port_file = os.path.join(self.work, "files.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        self.f.start("files", "lb", ["/usr/bin/python3", os.path.join(ROOT, "tests/tools/range_server.py"),
                                     self.pub, port_file], env=env)
        for _ in range(100):
            if os.path.exists(port_file):
                return
            time.sleep(0.05)
        raise Failure("the snapshot file server did not start")

    download_rate = 0

    def restart_file_server(self, rate):
        self.f.kill9("files")
        self.download_rate = rate
        self.start_file_server()

    def start_haproxy(self):
        cfg = open(os.path.join(ROOT, "deploy/haproxy.cfg")).read()
        cfg = cfg.replace("bind :80", "bind %s:80" % ip_of("lb"))
        cfg = re.sub(r"    server m[0-9] [^\n]*\n", "", cfg)
        cfg += "".join("    server %s %s:8080\n" % (s, ip_of(s)) for s in SERVERS)
        # One client (wrk) makes all the load: lift the per-client limit.
        cfg = cfg.replace("gt 400", "gt 100000000")
        cfg = cfg.replace("global\n", "global\n    stats socket %s/haproxy.sock mode 600 level admin\n"
                          % self.work, 1)
        path = os.path.join(self.work, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(cfg)
        self.f.start("haproxy", "lb", ["/usr/sbin/haproxy", "-db", "-f", path])

    def haproxy(self, command):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(self.work, "haproxy.sock"))
        s.sendall((command + "\n").encode())
        out = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
        s.close()
        return out.decode()

    def up_servers(self):
        up = set()
        try:
            stat = self.haproxy("show stat")
        except OSError:  # HAProxy still starting
            return up
        for line in stat.splitlines():
            parts = line.split(",")
            if len(parts) > 17 and parts[0] == "meridian" and parts[1] in SERVERS and \
                    parts[17].startswith("UP"):
                up.add(parts[1])
        return up

    def wait_up(self, servers, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if set(servers) <= self.up_servers():
                return
            time.sleep(0.2)
        raise Failure("HAProxy did not see %s up within %d s (up: %s)" %
                      (sorted(servers), timeout, sorted(self.up_servers())))

    def start_server(self, s):
        self.f.start(s, s, [
            self.f.meridian, "serve", "--follow",
            "--follow-from", "http://%s:8081/" % ip_of("lb"),
            "--follow-dir", os.path.join(self.work, "follow-" + s), "--follow-interval", "1",
            "--listen", ip_of(s) + ":8080", "--store", self.store_url,
            "--stop-grace-ms", str(GRACE_MS), "--trusted-proxy", ip_of("lb"),
            "--rate", "1000000", "--burst", "1000000"])

    def readyz(self, s):
        try:
            status, _, body = self.f.in_ns("cli", http_get, ip_of(s), 8080, "/readyz", 2.0)
            return status, json.loads(body) if status == 200 else {}
        except (OSError, ValueError, http.client.HTTPException):
            return None, {}

    def wait_serving(self, servers, name, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(self.readyz(s)[1].get("snapshot") == name for s in servers):
                return
            time.sleep(0.1)
        raise Failure("not every server serves %s after %d s: %s" %
                      (name, timeout, {s: self.readyz(s)[1].get("snapshot") for s in servers}))


def expect(cond, what):
    if not cond:
        raise Failure(what)


# ---- scenarios --------------------------------------------------------------
def scenario_kill9(c, seconds):
    load = Wrk(c.f, seconds)
    time.sleep(seconds * 0.25)
    c.f.kill9("s2")
    time.sleep(2.5)
    c.start_server("s2")
    r = load.result()
    c.wait_up(SERVERS)
    rate = r["failed"] / max(1, r["requests"])
    expect(rate < 0.001, "kill -9: %d of %d failed (%.3f %%)" % (r["failed"], r["requests"], rate * 100))
    return {"requests": r["requests"], "failed": r["failed"], "back_in_rotation": True}


def scenario_rolling(c, seconds_per_server):
    load = Wrk(c.f, seconds_per_server * len(SERVERS) + 4)
    time.sleep(1)
    for s in SERVERS:
        c.f.signal(s, signal.SIGTERM)
        c.f.procs[s].wait(timeout=30)
        c.start_server(s)
        c.wait_up(SERVERS)
    r = load.result()
    expect(r["failed"] == 0, "rolling restart: %d of %d failed" % (r["failed"], r["requests"]))
    return {"requests": r["requests"], "failed": r["failed"]}


def scenario_publish(c, snap, seconds):
    load = Wrk(c.f, seconds)
    time.sleep(1)
    t0 = time.monotonic()
    got = c.publish(snap)
    c.wait_serving(SERVERS, got["active"], 30)
    took = time.monotonic() - t0
    # A damaged copy on the file server: its name comes from a publish to a
    # scratch store; the bytes served under it have one bit flipped; then the
    # fleet's manifest names it (with the good file's checksum). Every server
    # must refuse it and keep serving what it serves.
    stage = os.path.join(c.work, "stage")
    os.makedirs(stage, exist_ok=True)
    scratch = "sqlite:" + os.path.join(stage, "scratch.sqlite")
    run([c.f.meridian, "store", "migrate", "--store", scratch])
    good = json.loads(run([c.f.meridian, "publish", "--snapshot", c.third_snapshot, "--store",
                           scratch, "--to", stage, "--json"]).stdout)
    data = bytearray(open(os.path.join(stage, good["active"]), "rb").read())
    data[len(data) // 2] ^= 0x01
    with open(os.path.join(c.pub, good["active"] + ".tmp"), "wb") as f:
        f.write(data)
    os.rename(os.path.join(c.pub, good["active"] + ".tmp"), os.path.join(c.pub, good["active"]))
    c.meridian("lb", "publish", "--snapshot", c.third_snapshot, "--store", c.store_url, "--to",
               stage, "--json")
    deadline = time.monotonic() + 15
    refused = set()
    while time.monotonic() < deadline and refused != set(SERVERS):
        for s in SERVERS:
            _, z = c.readyz(s)
            f = z.get("follow", {})
            expect(z.get("snapshot") in (None, got["active"]),
                   "%s serves %s, not %s" % (s, z.get("snapshot"), got["active"]))
            if f.get("wanted") == good["active"] and f.get("state") == "behind" and \
                    "SHA-256" in (f.get("last_error") or ""):
                refused.add(s)
        time.sleep(0.2)
    r = load.result()
    expect(refused == set(SERVERS), "servers that refused the damaged file: %s" % sorted(refused))
    expect(r["failed"] == 0, "publish under load: %d of %d failed" % (r["failed"], r["requests"]))
    # Roll back to the good one the fleet serves, so the manifest is sound again.
    c.meridian("lb", "publish", "--rollback", "--store", c.store_url)
    return {"requests": r["requests"], "failed": r["failed"], "all_on_new_s": round(took, 1),
            "name": got["active"], "damaged_refused_by": len(refused)}


def scenario_two_phase(c, snap, seconds):
    """publish --stage under load: every server fetches and checks the new
    version but keeps serving the old; publish --activate: they switch
    together. Reports how far apart the switches were."""
    load = Wrk(c.f, seconds)
    time.sleep(1)
    old = c.readyz("s1")[1].get("snapshot")
    staged = json.loads(c.meridian("lb", "publish", "--snapshot", snap, "--store", c.store_url,
                                   "--to", c.pub, "--stage", "--json").stdout)["staged"]
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        states = [c.readyz(s)[1] for s in SERVERS]
        expect(all(z.get("snapshot") == old for z in states), "a server switched before activation")
        if all(z.get("follow", {}).get("staged") == staged for z in states):
            break
        time.sleep(0.1)
    else:
        raise Failure("not every server staged %s" % staged)
    activated_at = time.monotonic()
    c.meridian("lb", "publish", "--activate", staged, "--store", c.store_url)
    switched = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and len(switched) < len(SERVERS):
        for s in SERVERS:
            if s not in switched and c.readyz(s)[1].get("snapshot") == staged:
                switched[s] = time.monotonic()
        time.sleep(0.02)
    r = load.result()
    expect(len(switched) == len(SERVERS), "servers on the activated version: %s" % sorted(switched))
    expect(r["failed"] == 0, "two-phase under load: %d of %d failed" % (r["failed"], r["requests"]))
    return {"requests": r["requests"], "failed": r["failed"],
            "all_switched_after_s": round(max(switched.values()) - activated_at, 2),
            "switch_spread_s": round(max(switched.values()) - min(switched.values()), 2)}


def scenario_kill_mid_download(c, big):
    c.restart_file_server(rate=max(1, os.path.getsize(big) // 6))  # about 6 s per download
    got = c.publish(big)
    folder = os.path.join(c.work, "follow-s1")
    deadline = time.monotonic() + 15
    partial = 0
    while time.monotonic() < deadline:
        temps = [os.path.join(folder, n) for n in os.listdir(folder) if n.startswith(got["active"])
                 and n != got["active"]]
        sizes = [os.path.getsize(t) for t in temps if os.path.exists(t)]
        if sizes and max(sizes) > os.path.getsize(big) // 4:
            partial = max(sizes)
            break
        time.sleep(0.1)
    expect(partial > 0, "s1 never had a partial download to cut")
    c.f.kill9("s1")
    c.start_server("s1")
    c.wait_serving(SERVERS, got["active"], 60)
    resumed = False
    for line in open(os.path.join(c.work, "downloads.log")):
        host, path, rng = line.split()
        if host == ip_of("s1") and got["active"] in path and rng.startswith("bytes=") and \
                int(rng[6:-1]) > 0:
            resumed = True
    expect(resumed, "s1 did not resume its download with a Range request")
    c.restart_file_server(rate=0)
    # Back to the small sample for the rest (the report writers name one of its rows).
    back = json.loads(c.meridian("lb", "publish", "--rollback", "--store", c.store_url,
                                 "--json").stdout)
    c.wait_serving(SERVERS, back["active"], 30)
    return {"cut_at_bytes": partial, "size": os.path.getsize(big), "resumed": resumed}


def check_writes(c, w, primary):
    rows = c.psql(primary, "SELECT details, count(*) FROM reports WHERE details LIKE 'cluster-%' "
                           "GROUP BY details")
    counts = {}
    for line in rows.splitlines():
        details, n = line.split("|")
        counts[details[len("cluster-"):]] = int(n)
    lost = [k for k in w.acked if k not in counts]
    dup = [k for k, n in counts.items() if n > 1]
    expect(not lost, "%d acknowledged reports are missing" % len(lost))
    expect(not dup, "%d reports were stored twice" % len(dup))
    return {"stored": len(counts), "acked_missing": len(lost), "stored_twice": len(dup)}


def scenario_link_down(c, seconds):
    load = Wrk(c.f, seconds + 6)
    w = Writers(c.f, 3)
    w.start()
    time.sleep(2)
    down_at = time.monotonic()
    c.f.link(c.pg_primary, False)
    time.sleep(seconds)
    c.f.link(c.pg_primary, True)
    up_at = time.monotonic()
    r = load.result()
    deadline = up_at + 30
    while time.monotonic() < deadline and not any(t > up_at for t in w.successes):
        time.sleep(0.1)
    w.finish()
    stored = check_writes(c, w, c.pg_primary)
    back = [t for t in w.successes if t > up_at]
    expect(back, "no write succeeded within 30 s of the link coming back (attempts: %s)" %
           w.statuses)
    expect(r["failed"] == 0, "link down: %d of %d searches failed" % (r["failed"], r["requests"]))
    expect(w.statuses.get(503, 0) > 0, "no write answered 503 while the store was cut off")
    expect(w.retry_after_missing == 0, "%d 503s without Retry-After" % w.retry_after_missing)
    return {"searches": r["requests"], "searches_failed": r["failed"],
            "writes_acked": len(w.acked), "writes_503": w.statuses.get(503, 0),
            "write_attempts": {str(k): v for k, v in w.statuses.items()},
            "other_write_failures": sum(v for k, v in w.statuses.items() if k not in (200, 503)),
            **stored, "first_write_after_link_up_s": round(min(back) - up_at, 2),
            "link_down_s": round(up_at - down_at, 1)}


def scenario_failover(c, seconds):
    load = Wrk(c.f, seconds + 8)
    w = Writers(c.f, 4)
    w.start()
    time.sleep(2)
    killed_at = time.monotonic()
    c.f.kill9("postgres-pg1")
    time.sleep(1)
    # The operator's (or a failover manager's) step: promote the standby.
    c.psql("pg2", "SELECT pg_promote(wait => true)")
    c.pg_primary = "pg2"
    time.sleep(max(2, seconds - 3))
    end = time.monotonic()
    r = load.result()
    w.finish()
    stored = check_writes(c, w, "pg2")
    after = [t for t in w.successes if t > killed_at]
    expect(after, "no write succeeded after the failover (attempts: %s)" % w.statuses)
    expect(r["failed"] == 0, "failover: %d of %d searches failed" % (r["failed"], r["requests"]))
    return {"searches": r["requests"], "searches_failed": r["failed"],
            "writes_acked": len(w.acked), **stored,
            "writes_unavailable_s": round(w.longest_gap(killed_at, end), 2),
            "write_attempts": {str(k): v for k, v in w.statuses.items()}}


def count_mail(folder):
    """Messages per recipient in a --mail-dir folder of .eml files."""
    per = {}
    for name in os.listdir(folder):
        if name.endswith(".eml"):
            with open(os.path.join(folder, name), "rb") as f:
                to = email.message_from_binary_file(f, policy=email.policy.default)["To"]
            per[str(to)] = per.get(str(to), 0) + 1
    return per


def scenario_weekly_jobs(c, subscribers):
    """Two servers run the weekly digest send at the same moment; then the
    holder of a run is frozen (SIGSTOP) and cut off (link down) mid-run while
    the other starts. Each subscriber must get exactly one message."""
    rows = ",".join("('p%d@example.org','cluster-%d','',10,'','active',0,0,0)" % (i, i)
                    for i in range(subscribers))
    c.psql(c.pg_primary, "INSERT INTO subscribers(email, email_hash, place, radius_miles, care, "
                         "status, created_unix, confirmed_unix, updated_unix) VALUES " + rows)
    out = {"subscribers": subscribers}
    for week, cut in (("2026-W49", False), ("2026-W50", True)):
        mail = os.path.join(c.work, "mail-" + week)
        os.makedirs(mail)
        cmd = [c.f.meridian, "digest", "send", "--store", c.store_url, "--week", week,
               "--snapshot", c.first_snapshot, "--previous", c.third_snapshot, "--mail-dir", mail,
               "--rate", "100", "--json"]
        a = c.f.start("digest-a-" + week, "s1", cmd)
        if cut:
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and len(os.listdir(mail)) < subscribers // 4:
                time.sleep(0.02)
            os.kill(a.pid, signal.SIGSTOP)
            c.f.link("s1", False)
        b = c.f.start("digest-b-" + week, "s2", cmd)
        b.wait(timeout=120)
        if cut:
            sent_while_cut = sum(count_mail(mail).values())
            c.f.link("s1", True)
            os.kill(a.pid, signal.SIGCONT)
        a.wait(timeout=120)
        expect(a.returncode == 0 and b.returncode == 0,
               "digest send exited %s and %s (see digest-*.log)" % (a.returncode, b.returncode))
        per = count_mail(mail)
        twice = [k for k, n in per.items() if n > 1]
        expect(not twice, "%s: %d subscribers got the digest twice" % (week, len(twice)))
        expect(len(per) == subscribers, "%s: %d of %d subscribers got it" %
               (week, len(per), subscribers))
        key = "holder_cut_off" if cut else "race"
        out[key] = {"messages": sum(per.values()), "duplicates": len(twice)}
        if cut:
            out[key]["sent_while_holder_cut_off"] = sent_while_cut
    return out


def scenario_scaling(c, seconds):
    out = {}
    for n in (1, 3):
        for s in SERVERS:
            c.haproxy(("enable" if SERVERS.index(s) < n else "disable") + " server meridian/" + s)
        time.sleep(1.5)
        r = Wrk(c.f, seconds, connections=32).result()
        expect(r["failed"] == 0, "throughput run with %d servers: %d failed" % (n, r["failed"]))
        out["rps_%d" % n] = round(r["rps"])
    out["ratio"] = round(out["rps_3"] / max(1, out["rps_1"]), 2)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--meridian", required=True)
    ap.add_argument("--short", action="store_true", help="the form make test runs")
    ap.add_argument("--results", default="")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("cluster.py: needs root (network namespaces)")
    remove_orphans()
    work = tempfile.mkdtemp(prefix="meridian-cluster-")
    os.chmod(work, 0o755)
    fleet = Fleet(args.meridian, work)
    atexit.register(fleet.close)
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *a: sys.exit(2))
    short = args.short
    seconds = 5 if short else 20
    results = {}
    t_start = time.monotonic()
    try:
        fleet.build_network()
        c = Cluster(fleet, short)
        data = os.path.join(ROOT, "tests/data/npidata_sample_99.csv")
        c.first_snapshot = os.path.join(work, "first.snap")
        c.ingest(data, c.first_snapshot)
        lines = open(data).read().splitlines(True)
        variants = []
        for i, keep in enumerate((90, 80)):
            csv = os.path.join(work, "v%d.csv" % i)
            with open(csv, "w") as f:
                f.writelines(lines[:keep + 1])
            variants.append(os.path.join(work, "v%d.snap" % i))
            c.ingest(csv, variants[-1])
        c.third_snapshot = variants[1]
        big_csv = os.path.join(work, "big.csv")
        run([fleet.meridian, "synth", "--rows", "20000" if short else "200000", "--seed", "7",
             "--out", big_csv], timeout=600)
        big = os.path.join(work, "big.snap")
        run([fleet.meridian, "ingest", "--nppes", big_csv, "--pl", big_csv[:-4] + "_pl.csv",
             "--out", big, "--errors", big + ".errors"], timeout=600)
        c.setup_postgres()
        first = c.publish(c.first_snapshot)
        c.start_file_server()
        c.start_haproxy()
        for s in SERVERS:
            c.start_server(s)
        c.wait_up(SERVERS, timeout=60)
        c.wait_serving(SERVERS, first["active"], 30)
        results["setup_s"] = round(time.monotonic() - t_start, 1)
        steps = [
            ("kill9", lambda: scenario_kill9(c, seconds + 3)),
            ("rolling_restart", lambda: scenario_rolling(c, 4)),
            ("publish_under_load", lambda: scenario_publish(c, variants[0], seconds + 6)),
            ("two_phase_activation", lambda: scenario_two_phase(c, c.first_snapshot, seconds + 4)),
            ("kill_mid_download", lambda: scenario_kill_mid_download(c, big)),
            ("store_link_down", lambda: scenario_link_down(c, seconds)),
            ("store_failover", lambda: scenario_failover(c, seconds + 3)),
            ("weekly_jobs", lambda: scenario_weekly_jobs(c, 200 if short else 1000)),
            ("scaling", lambda: scenario_scaling(c, 3 if short else 15)),
        ]
        for name, step in steps:
            t0 = time.monotonic()
            print("cluster: %s ..." % name, flush=True)
            results[name] = step()
            results[name]["took_s"] = round(time.monotonic() - t0, 1)
            print("cluster: %s %s" % (name, json.dumps(results[name])), flush=True)
    except Exception as e:  # every failure ends the run with its reason
        if not isinstance(e, Failure):
            traceback.print_exc()
        print("cluster: FAILED: %s (logs in %s)" % (e, work), flush=True)
        args.keep = True
        fleet.close()
        return 1
    finally:
        fleet.close()
        if args.results:
            with open(args.results, "w") as f:
                json.dump(results, f, indent=2)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print("cluster: all scenarios passed in %.0f s" % (time.monotonic() - t_start), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
