#!/usr/bin/env python3
"""学法用法 (issue 14): 500 QR check-ins within a minute against a release server, and the year overview.

On a fresh demo database (`fazhi demo`), served by the release binary:
  1. the 法制大队's organiser (fazhiyuan) creates 167 sessions open now, aimed at the whole bureau,
     and takes one QR token of each (GET …/qr);
  2. three officers with a person (leader, fazhiyuan, minjing) check in to every session:
     167 × 3 = 501 POST /api/training/checkin from 20 client threads, each a first check-in
     (INSERT, audit row); then the same 501 again (already checked in: nothing counted);
  3. GET /api/training/overview?year=2023 (the bureau's year: counts by kind and month, attendance
     per unit over ~30,000 rows, plans, court records) 50 times;
  4. the baseline, measured the same way in the same run: GET /api/health (no database) and
     GET /api/training/units (one small read).
Prints p50 / p99 / max per step, the ratio of p50 to the baseline's, and checks that the
attendance table holds exactly 501 new rows.

Usage: bench/training_bench.py   (FAZHI_BIN, default build/release/fazhi)
"""
import concurrent.futures as cf
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("FAZHI_BIN", os.path.join(ROOT, "build/release/fazhi"))
PASSWORD = "Demo@2026"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Client:
    def __init__(self, port):
        self.port = port
        self.cookie = ""
        self.csrf = ""

    def call(self, method, path, body=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if self.csrf and method != "GET":
            headers["X-CSRF-Token"] = self.csrf
        t = time.perf_counter()
        c.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = c.getresponse()
        data = r.read()
        ms = (time.perf_counter() - t) * 1000
        cookie = r.getheader("Set-Cookie")
        c.close()
        return r.status, (json.loads(data) if data and data[:1] in (b"{", b"[") else None), ms, cookie

    def login(self, user):
        st, j, _, cookie = self.call("POST", "/api/auth/login", {"username": user, "password": PASSWORD})
        assert st == 200, (user, st, j)
        self.cookie = cookie.split(";")[0]
        self.csrf = j["csrf_token"]
        return self


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def line(name, ms, base=None):
    p50 = statistics.median(ms)
    ratio = f", p50 {p50 / base:.1f}× the baseline" if base else ""
    print(f"  {name:<44} n={len(ms):<4} p50 {p50:7.2f} ms  p99 {pct(ms, 99):7.2f} ms  max {max(ms):7.2f} ms{ratio}")
    return p50


def main():
    if not os.access(BIN, os.X_OK):
        sys.exit(f"training_bench: {BIN} not found (scripts/setup.sh builds it)")
    work = tempfile.mkdtemp(prefix="fazhi-training-bench-")
    common = [BIN, "--db", f"sqlite:{work}/demo.db", "--key-file", f"{work}/fazhi.key"]
    load = open("/proc/loadavg").read().split()[:3]
    print(f"fazhi training benchmark — {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"{os.cpu_count()} cores, load {' '.join(load)}\nbinary: {BIN}")
    subprocess.run(common + ["demo"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    server = subprocess.Popen(common + ["serve", "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                if Client(port).call("GET", "/api/health")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        org = Client(port).login("fazhiyuan")
        st, units, _, _ = org.call("GET", "/api/training/units")
        targets = [u["id"] for u in units["items"]]
        now = int(time.time())
        ids = []
        for i in range(167):
            st, s, _, _ = org.call("POST", "/api/training/sessions", {
                "kind": "weekly", "topic": f"基准测试培训 {i + 1}", "start_at": now - 600, "end_at": now + 3600,
                "place": "分局三楼会议室", "target_unit_ids": targets})
            assert st == 201, (st, s)
            ids.append(s["id"])
        officers = [Client(port).login(u) for u in ("leader", "fazhiyuan", "minjing")]
        tokens = [org.call("GET", f"/api/training/sessions/{i}/qr")[1]["token"] for i in ids]
        jobs = [(o, t) for t in tokens for o in officers]

        def checkin(job):
            o, t = job
            st, j, ms, _ = o.call("POST", "/api/training/checkin", {"token": t})
            return st, ms

        def run(fn, items, threads=20):
            with cf.ThreadPoolExecutor(threads) as ex:
                return list(ex.map(fn, items))

        base = run(lambda _: Client(port).call("GET", "/api/health")[2], range(500))
        units_ms = run(lambda _: officers[2].call("GET", "/api/training/units")[2], range(500))
        t0 = time.perf_counter()
        first = run(checkin, jobs)
        wall = time.perf_counter() - t0
        again = run(checkin, jobs)
        overview = run(lambda _: org.call("GET", "/api/training/overview?year=2023")[2], range(50), threads=4)
        statuses = {}
        for st, _ in first + again:
            statuses[st] = statuses.get(st, 0) + 1
        print(f"\n{len(jobs)} check-ins by 3 officers into {len(ids)} open sessions, 20 client threads, "
              f"{wall:.1f} s wall ({len(jobs) / wall:.0f}/s); answers {statuses} (201 first, 200 already)")
        b = line("baseline GET /api/health", base)
        line("GET /api/training/units (small read)", units_ms, b)
        line("POST /api/training/checkin, first", [m for _, m in first], b)
        line("POST /api/training/checkin, again (counted once)", [m for _, m in again], b)
        line("GET /api/training/overview?year=2023 (4 threads)", overview, b)
        total = sum(org.call("GET", f"/api/training/sessions/{i}/attendance")[1]["attended"] for i in ids)
        print(f"\nattendance rows of the {len(ids)} sessions: {total} (expected {len(jobs)})")
        assert total == len(jobs)
    finally:
        server.terminate()
        server.wait(10)
        subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
