#!/usr/bin/env python3
"""Durability of acknowledged writes (issue 16, "Durability and crashes"). Python 3 stdlib only.

Two modes, both through the real HTTP API of a release `fazhi serve`. The write is the
registration of an 接报 ticket, POST /api/intake/tickets as the demo 接报案窗口 account `jiebao`
(validate, encrypt, number, insert, history, audit row, route, deadline: one transaction); its
201 answer carries the new ticket's id.

  bench/durability_bench.py sync  [--rounds 5] [--duration 10] [--connections 8]
      SQLite in WAL mode at synchronous=NORMAL and at synchronous=FULL, in the same run: each round
      copies one demo database, starts `fazhi serve` on the copy at one level and has wrk register
      tickets for --duration seconds at --connections connections; the levels alternate round by
      round. Prints req/s, p50 and p99 of every round, the medians, and FULL/NORMAL.
      Needs wrk.

  bench/durability_bench.py crash [--db URL] [--rounds 20] [--writers 8]
      --rounds times: --writers threads register tickets and record the id of every 2xx answer;
      the server is killed with SIGKILL at a random moment (--min-kill..--max-kill seconds after
      the writers start), restarted, and then checked: every acknowledged ticket is in the database
      with its audit row (intake.register), the integrity check passes (SQLite: PRAGMA
      integrity_check; PostgreSQL: pg_amcheck when installed) and `fazhi audit verify` passes.
      The database continues from round to round. --db is sqlite (default: a new file in a
      temporary folder, synchronous from the URL, e.g. sqlite:/tmp/x.db?synchronous=normal) or the
      postgresql:// URL of an EMPTY database (the script fills it with `fazhi demo`; only fazhi is
      killed, never PostgreSQL). Exits 1 when an acknowledged write or audit row is missing or a
      check fails. A power loss is not simulated: kill -9 only tests the process crash.

FAZHI_BIN chooses the binary (default build/release/fazhi).
"""
import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("FAZHI_BIN", os.path.join(ROOT, "build/release/fazhi"))
PASSWORD = "Demo@2026"
# One ticket, as a 接报案窗口 clerk registers a consultation (invented reporter). Its 接报时间
# (received_at) is a random day of the last year: ticket numbers are JB + date + a 4-digit serial, so
# one day holds at most 9,999 tickets, fewer than a run registers.
TICKET = {"kind": "consult", "reporter_name": "压测来访人", "reporter_phone": "13800001234",
          "summary": "咨询户籍办理（耐久性测试）"}


def ticket_body():
    return json.dumps(dict(TICKET, received_at=int(time.time()) - random.randrange(360) * 86400 - 600),
                      ensure_ascii=False).encode()


def die(msg):
    print(f"durability_bench: {msg}", file=sys.stderr)
    sys.exit(2)


def port_is_free(port):
    """No socket at all on the port, not even TIME_WAIT (bench/lib.sh: reused ports gave false tails)."""
    out = subprocess.run(["ss", "-Htan", f"( sport = :{port} or dport = :{port} )"], capture_output=True, text=True)
    return out.returncode == 0 and not out.stdout.strip()


_next_port = 20000 + random.randrange(20000)


def fresh_port():
    global _next_port
    while not port_is_free(_next_port):
        _next_port += 1
    _next_port += 1
    return _next_port - 1


def fazhi(db_url, key, *args, check=True):
    out = subprocess.run([BIN, "--db", db_url, "--key-file", key, *args], capture_output=True, text=True)
    if check and out.returncode != 0:
        die(f"fazhi {' '.join(args)} failed ({out.returncode}):\n{out.stdout}{out.stderr}")
    return out


class Server:
    """A `fazhi serve` child process on a fresh port."""

    def __init__(self, db_url, key, log_path):
        self.db_url, self.key, self.log_path = db_url, key, log_path
        self.proc = None
        self.port = None

    def start(self, timeout=60):
        """Starts the server; returns the seconds until the first 200 on /api/health."""
        self.port = fresh_port()
        log = open(self.log_path, "ab")
        t0 = time.monotonic()
        self.proc = subprocess.Popen([BIN, "--db", self.db_url, "--key-file", self.key, "serve", "--listen",
                                      f"127.0.0.1:{self.port}"], stdout=log, stderr=subprocess.STDOUT)
        log.close()
        while time.monotonic() - t0 < timeout:
            if self.proc.poll() is not None:
                die(f"the server exited ({self.proc.returncode}) before answering; see {self.log_path}:\n"
                    + open(self.log_path, errors="replace").read()[-3000:])
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/api/health")
                if c.getresponse().status == 200:
                    return time.monotonic() - t0
            except OSError:
                pass
            time.sleep(0.02)
        die(f"no 200 from /api/health within {timeout} s")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill9()


def login(port, username):
    """Returns (cookie, csrf) of a new session."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/api/auth/login", json.dumps({"username": username, "password": PASSWORD}),
              {"Content-Type": "application/json"})
    r = c.getresponse()
    body = r.read()
    if r.status != 200:
        die(f"login of {username} answered {r.status}: {body[:300]!r}")
    cookie = r.getheader("Set-Cookie").split(";")[0]
    return cookie, json.loads(body)["csrf_token"]


def make_demo(db_url, key):
    t0 = time.monotonic()
    fazhi(db_url, key, "demo")
    return time.monotonic() - t0


# ------------------------------------------------------------------------------------------ sync
def wrk_figures(text):
    def ms(p):
        m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)\b" % p, text, re.M)
        if not m:
            return float("nan")
        v, u = float(m.group(1)), m.group(2)
        return v / 1000 if u == "us" else v * 1000 if u == "s" else v
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return {"rps": rps, "p50": ms(50), "p99": ms(99), "non2xx": int(non.group(1)) if non else 0,
            "errors": errors.group(1) if errors else ""}


def run_sync(a):
    if not shutil.which("wrk"):
        die("wrk is missing (scripts/setup.sh --tests installs it)")
    work = tempfile.mkdtemp(prefix="fazhi-sync-bench.")
    try:
        key = os.path.join(work, "fazhi.key")
        template = os.path.join(work, "template.db")
        print(f"fazhi synchronous benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
              f"{os.cpu_count()} cores, load {' '.join(open('/proc/loadavg').read().split()[:3])}")
        print(f"binary: {BIN}; write: POST /api/intake/tickets as jiebao, wrk -t{min(2, a.connections)} -c{a.connections} "
              f"-d{a.duration}s --timeout 10s, {a.rounds} rounds per level, levels alternating")
        print(f"demo database created in {make_demo('sqlite:' + template, key):.1f} s")
        for suffix in ("-wal", "-shm"):
            if os.path.exists(template + suffix):
                die(f"{template}{suffix} left behind: the demo did not close the database cleanly")
        lua = os.path.join(work, "register.lua")
        results = {"normal": [], "full": []}
        for rnd in range(1, a.rounds + 1):
            for level in ("normal", "full") if rnd % 2 else ("full", "normal"):
                db = os.path.join(work, f"r{rnd}-{level}.db")
                shutil.copyfile(template, db)
                os.chmod(db, 0o600)
                server = Server(f"sqlite:{db}?synchronous={level}", key, os.path.join(work, "server.log"))
                server.start()
                try:
                    cookie, csrf = login(server.port, "jiebao")
                    body = json.dumps(TICKET, ensure_ascii=False)[:-1]  # without the closing brace
                    with open(lua, "w") as f:
                        f.write('request = function()\n'
                                '  local at = os.time() - math.random(0, 359) * 86400 - 600\n'
                                '  return wrk.format("POST", "/api/intake/tickets", '
                                '{["Content-Type"] = "application/json", ["X-CSRF-Token"] = "%s", ["Cookie"] = "%s"}, '
                                '[[%s, "received_at": ]] .. at .. "}")\nend\n' % (csrf, cookie, body))
                    # A 10 s timeout so that a slow answer counts in the latencies instead of as an error.
                    out = subprocess.run(["wrk", f"-t{min(2, a.connections)}", f"-c{a.connections}", f"-d{a.duration}s",
                                          "--timeout", "10s", "--latency", "-s", lua, f"http://127.0.0.1:{server.port}"],
                                         capture_output=True, text=True)
                    if out.returncode != 0 or "Requests/sec" not in out.stdout:
                        die(f"wrk failed:\n{out.stdout}{out.stderr}")
                    f = wrk_figures(out.stdout)
                finally:
                    server.stop()
                    for suffix in ("", "-wal", "-shm"):
                        if os.path.exists(db + suffix):
                            os.remove(db + suffix)
                results[level].append(f)
                bad = f" non-2xx {f['non2xx']}" if f["non2xx"] else ""
                bad += f" socket errors: {f['errors']}" if f["errors"] else ""
                print(f"  round {rnd} {level.upper():6} {f['rps']:8.1f} req/s  p50 {f['p50']:6.1f} ms  "
                      f"p99 {f['p99']:7.1f} ms{bad}", flush=True)
        print()
        med = {lv: {k: statistics.median(r[k] for r in rs) for k in ("rps", "p50", "p99")}
               for lv, rs in results.items()}
        for lv in ("normal", "full"):
            m = med[lv]
            print(f"median {lv.upper():6} {m['rps']:8.1f} req/s  p50 {m['p50']:6.1f} ms  p99 {m['p99']:7.1f} ms")
        print(f"FULL/NORMAL: throughput {med['full']['rps'] / med['normal']['rps']:.2f}x, "
              f"p50 {med['full']['p50'] / med['normal']['p50']:.2f}x, p99 {med['full']['p99'] / med['normal']['p99']:.2f}x")
        if any(r["non2xx"] or r["errors"] for rs in results.values() for r in rs):
            print("NOT VALID: some answers were not 2xx or sockets failed (see the rounds above)")
            return 1
        return 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


# ----------------------------------------------------------------------------------------- crash
class Writers:
    """`n` threads registering tickets over keep-alive connections until stopped or the server dies.
    acked holds the id of every ticket whose 201 answer was read completely."""

    def __init__(self, port, cookie, csrf, n):
        self.port, self.cookie, self.csrf = port, cookie, csrf
        self.acked, self.refused, self.first_refusal = [], 0, ""
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(n)]
        self.lock = threading.Lock()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join()

    def _run(self):
        headers = {"Content-Type": "application/json", "Cookie": self.cookie, "X-CSRF-Token": self.csrf}
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self.stop.is_set():
            try:
                conn.request("POST", "/api/intake/tickets", ticket_body(), headers)
                r = conn.getresponse()
                data = r.read()
                if 200 <= r.status < 300:
                    ticket_id = int(json.loads(data)["id"])  # acknowledged: it must survive
                    with self.lock:
                        self.acked.append(ticket_id)
                else:
                    with self.lock:
                        self.refused += 1
                        if not self.first_refusal:
                            self.first_refusal = f"{r.status} {data[:300].decode(errors='replace')}"
                    time.sleep(0.05)
            except (OSError, http.client.HTTPException, ValueError):
                # The server is gone (or the answer was cut off): not acknowledged. This writer's
                # round is over.
                return


class Checker:
    """What the database holds, read outside the server: SQLite through sqlite3, PostgreSQL through psql."""

    def __init__(self, db_url):
        self.db_url = db_url
        self.pg = db_url.startswith(("postgresql://", "postgres://"))
        if not self.pg:
            path = db_url.split("?", 1)[0]
            self.path = path[len("sqlite:"):] if path.startswith("sqlite:") else path
            self.path = self.path[2:] if self.path.startswith("//") else self.path

    def ids(self, sql):
        if self.pg:
            out = subprocess.run(["psql", "-X", "-At", "-d", self.db_url, "-c", sql], capture_output=True, text=True)
            if out.returncode != 0:
                die(f"psql failed: {out.stderr}")
            return {int(x) for x in out.stdout.split()}
        with sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) as c:
            return {int(r[0]) for r in c.execute(sql)}

    def integrity(self):
        if self.pg:
            if not shutil.which("pg_amcheck") and not os.path.exists("/usr/lib/postgresql/15/bin/pg_amcheck"):
                return "not run (no pg_amcheck)"
            exe = shutil.which("pg_amcheck") or "/usr/lib/postgresql/15/bin/pg_amcheck"
            # Heap and B-tree checks of every table and index (installs the amcheck extension once).
            out = subprocess.run([exe, "--install-missing", "--heapallindexed", self.db_url],
                                 capture_output=True, text=True)
            return "ok" if out.returncode == 0 else f"FAILED: {(out.stdout + out.stderr).strip()[:500]}"
        c = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30)
        try:
            rows = [r[0] for r in c.execute("PRAGMA integrity_check")]
        finally:
            c.close()
        return "ok" if rows == ["ok"] else "FAILED: " + "; ".join(rows[:5])


def run_crash(a):
    work = tempfile.mkdtemp(prefix="fazhi-crash-test.")
    server = None
    try:
        db_url = a.db or f"sqlite:{os.path.join(work, 'fazhi.db')}"
        key = os.path.join(work, "fazhi.key")
        check = Checker(db_url)
        print(f"fazhi crash test — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
              f"load {' '.join(open('/proc/loadavg').read().split()[:3])}")
        shown = re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", db_url)
        print(f"binary: {BIN}; database: {shown}; {a.rounds} rounds of {a.writers} writers registering tickets "
              f"(POST /api/intake/tickets), SIGKILL after {a.min_kill}-{a.max_kill} s")
        if check.pg and check.ids("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'") != {0}:
            die("the PostgreSQL database is not empty: give the URL of a new, empty database")
        print(f"demo database created in {make_demo(db_url, key):.1f} s", flush=True)
        before = check.ids("SELECT id FROM intake_tickets")
        server = Server(db_url, key, os.path.join(work, "server.log"))
        server.start()
        cookie, csrf = login(server.port, "jiebao")  # one session for the whole run: it must survive too
        acked, failures, restarts = [], [], []
        refused = 0
        for rnd in range(1, a.rounds + 1):
            delay = random.uniform(a.min_kill, a.max_kill)
            with Writers(server.port, cookie, csrf, a.writers) as w:
                time.sleep(delay)
                server.kill9()
            acked += w.acked
            refused += w.refused
            restarts.append(server.start())
            present = check.ids("SELECT id FROM intake_tickets")
            audited = check.ids("SELECT CAST(object_id AS BIGINT) FROM audit_log "
                                "WHERE action = 'intake.register' AND object_type = 'intake_ticket'")
            lost = sorted(set(acked) - present)
            unaudited = sorted(set(acked) - audited)
            integrity = check.integrity()
            verify = fazhi(db_url, key, "audit", "verify", check=False)
            audit_ok = verify.returncode == 0
            unacked_present = len(present - before - set(acked))
            print(f"  round {rnd:2}: killed after {delay:4.2f} s, {len(w.acked):5} acknowledged "
                  f"(total {len(acked):6}), {unacked_present} committed unanswered (so far), lost {len(lost)}, "
                  f"no audit row {len(unaudited)}, integrity {integrity}, audit verify "
                  f"{'ok' if audit_ok else 'FAILED'}, restart {restarts[-1]:.2f} s", flush=True)
            if lost or unaudited or integrity != "ok" or not audit_ok:
                failures.append((rnd, lost[:10], unaudited[:10], integrity,
                                 "" if audit_ok else (verify.stdout + verify.stderr).strip()[:500]))
            if w.refused and not w.acked:
                die(f"round {rnd}: every write was refused: {w.first_refusal}")
        server.stop()
        lost_total = len(set(acked) - present)
        print()
        print(f"rounds {a.rounds}, acknowledged writes {len(acked)}, lost {lost_total}, acknowledged without "
              f"audit row {len(set(acked) - audited)}, integrity check "
              f"{'ok in every round' if all(f[3] == 'ok' for f in failures) else 'FAILED'}, audit verify "
              f"{'ok in every round' if all(not f[4] for f in failures) else 'FAILED'}")
        print(f"refused (non-2xx) {refused}; restart after the kill to the first 200: median "
              f"{statistics.median(restarts):.2f} s, max {max(restarts):.2f} s")
        for f in failures:
            print(f"FAILED round {f[0]}: lost {f[1]}, without audit {f[2]}, integrity {f[3]}, audit verify: {f[4]}")
        return 1 if failures else 0
    finally:
        if server:
            server.stop()
        if a.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="mode", required=True)
    s = sub.add_parser("sync", help="SQLite synchronous=NORMAL vs FULL: write throughput and p99")
    s.add_argument("--rounds", type=int, default=5)
    s.add_argument("--duration", type=int, default=10, help="seconds of wrk per round and level")
    s.add_argument("--connections", type=int, default=8)
    c = sub.add_parser("crash", help="kill -9 under concurrent writers; every acknowledged write must survive")
    c.add_argument("--db", help="sqlite:PATH[?synchronous=…] or postgresql://… of an empty database "
                                "(default: a new SQLite file)")
    c.add_argument("--rounds", type=int, default=20)
    c.add_argument("--writers", type=int, default=8)
    c.add_argument("--min-kill", type=float, default=1.0, help="earliest kill, seconds after the writers start")
    c.add_argument("--max-kill", type=float, default=4.0, help="latest kill")
    c.add_argument("--keep", action="store_true", help="keep the temporary folder (database, key, server log)")
    a = p.parse_args()
    if not os.access(BIN, os.X_OK):
        die(f"{BIN} not found: build the release binary (scripts/setup.sh) or set FAZHI_BIN")
    sys.exit(run_sync(a) if a.mode == "sync" else run_crash(a))


if __name__ == "__main__":
    main()
