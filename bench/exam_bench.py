#!/usr/bin/env python3
"""考试 under load (issue 14, "Figures to measure"). Python 3 stdlib only, against a release `fazhi serve`.

  bench/exam_bench.py [--examinees 500] [--bank 5000] [--think 1.0] [--seconds 20]

Setup: `fazhi demo` on a new SQLite file, then (straight into the file, before the server starts)
--examinees extra 民警 with accounts and a bank of --bank questions on 10 topics. Through the API the
法制员 builds a 50-question paper (5 rules per topic × 5 topics, drawn per examinee) and an exam for
the examinees; the server runs with one HTTP thread per connection (--threads examinees + 64) and as
many connections allowed from one address (every examinee here is 127.0.0.1; the default 64 per
address would refuse them with 429 — behind one NAT a real site needs the same or a trusted proxy).

1. Paper generation: every examinee opens the exam (16 connections): each open draws his 50
   questions from the 5,000 by the paper's rules, shuffles questions and options and stores them.
   Baseline, same run: every examinee opens it again (resume: no drawing). Prints the total time,
   median and p99 per open, and draw / resume.
2. Answer saves: all examinees at once, each on his own keep-alive connection, answering his
   questions one after the other with a random think time (uniform 0..2×--think s) for --seconds.
   Prints saves/s and the median / p99 of a save. Baseline, same run: GET /api/health on the same
   connections at the same moment (one in ten requests) — the server's floor under that load.
3. kill -9: the examinees go on answering the rest of their questions; the server is killed with
   SIGKILL at a random moment, restarted, and every answer acknowledged with 200 before the kill is
   read back through GET /api/exams/attempts/{id} as its examinee. Exits 1 when one is missing.

FAZHI_BIN chooses the binary (default build/release/fazhi).
"""
import argparse
import hashlib
import http.client
import json
import os
import random
import secrets
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
TOPICS = [f"《压测法规{i}》" for i in range(10)]
PRESETS = []
RETRY = threading.Event()
RETRY.set()


def die(msg):
    print(f"exam_bench: {msg}", file=sys.stderr)
    sys.exit(1)


def pct(values, p):
    v = sorted(values)
    return v[min(len(v) - 1, int(len(v) * p / 100))] if v else float("nan")


def free_port():
    import socket
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, db_url, key, log_path, threads):
        self.db_url, self.key, self.log_path, self.threads = db_url, key, log_path, threads
        self.proc, self.port = None, None

    def start(self, port=None):
        self.port = port or free_port()
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([BIN, "--db", self.db_url, "--key-file", self.key, "serve", "--listen",
                                      f"127.0.0.1:{self.port}", "--threads", str(self.threads),
                                      "--max-conn-per-address", str(self.threads)],
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 60:
            if self.proc.poll() is not None:
                die(f"server exited ({self.proc.returncode}); see {self.log_path}")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                c.request("GET", "/api/health")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        die("no 200 from /api/health within 60 s")

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


class Session:
    def __init__(self, port, username, preset=None):
        self.port, self.username = port, username
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        if preset:  # a session written by setup_db (no 500 password hashes before the run)
            self.cookie, self.csrf = f"fazhi_session={preset[0]}", preset[1]
            return
        r = self.call("POST", "/api/auth/login", {"username": username, "password": PASSWORD}, auth=False)
        if r[0] != 200:
            die(f"login {username}: {r}")
        self.csrf = r[1]["csrf_token"]

    def reconnect(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def call(self, method, path, body=None, auth=True):
        """One request; a connection the server closed (keep-alive timeout) is reopened and the request
        sent again (every request here is idempotent), except after the kill (RETRY cleared)."""
        for attempt in (0, 1):
            try:
                return self.call_once(method, path, body, auth)
            except (OSError, http.client.HTTPException):
                if attempt or not RETRY.is_set():
                    raise
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                # An open whose connection broke may still reach the server after its retry and take
                # the attempt over (the newest open holds it): let the first one finish first.
                if method == "POST":
                    time.sleep(1.0)

    def call_once(self, method, path, body=None, auth=True):
        headers = {"Content-Type": "application/json"}
        if auth:
            headers["Cookie"] = self.cookie
            headers["X-CSRF-Token"] = self.csrf
        self.conn.request(method, path, json.dumps(body, ensure_ascii=False).encode() if body is not None else None,
                          headers)
        r = self.conn.getresponse()
        data = r.read()
        if not auth:
            self.cookie = r.getheader("Set-Cookie").split(";")[0]
        try:
            return r.status, json.loads(data) if data else None
        except ValueError:
            return r.status, None


def setup_db(path, n, bank):
    db = sqlite3.connect(path)
    bureau = db.execute("SELECT id FROM units WHERE name = '城区分局' AND level = 'bureau'").fetchone()[0]
    unit = db.execute("SELECT id FROM units WHERE name = '东街派出所'").fetchone()[0]
    pw = db.execute("SELECT password_hash FROM users WHERE username = 'minjing'").fetchone()[0]
    now = int(time.time())
    people = []
    for i in range(n):
        cur = db.execute("INSERT INTO people (bureau_id, unit_id, name, badge_no, kind, created_at, updated_at) VALUES "
                         "(?, ?, ?, ?, '民警', ?, ?)", (bureau, unit, f"压测考生{i:03d}", f"Y{i:05d}", now, now))
        pid = cur.lastrowid
        cur = db.execute("INSERT INTO users (bureau_id, username, display_name, password_hash, unit_id, person_id, "
                         "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (bureau, f"exam{i:03d}", f"压测考生{i:03d}", pw, unit, pid, now, now))
        uid = cur.lastrowid
        db.execute("INSERT INTO user_roles (user_id, role) VALUES (?, 'case_officer')", (uid,))
        token, csrf = secrets.token_hex(32), secrets.token_hex(16)
        db.execute("INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at) VALUES "
                   "(?, ?, ?, ?, ?, ?)", (hashlib.sha256(token.encode()).hexdigest(), uid, csrf, now, now, now + 43200))
        people.append((token, csrf))
    per_topic = bank // len(TOPICS)
    for t in TOPICS:
        for k in range(per_topic):
            kind = "single" if k % 5 < 3 else ("judge" if k % 5 == 3 else "multi")
            opts = json.dumps(["甲", "乙", "丙", "丁"], ensure_ascii=False) if kind != "judge" else "[]"
            ans = {"single": "B", "judge": "T", "multi": "AC"}[kind]
            db.execute("INSERT INTO exam_questions (bureau_id, topic, level, kind, stem, options, answer, created_at, "
                       "updated_at) VALUES (?, ?, 1, ?, ?, ?, ?, ?, ?)",
                       (bureau, t, kind, f"{t}压测题{k}", opts, ans, now, now))
    db.commit()
    db.close()
    return people


def run_pool(items, workers, fn):
    out, lock, it = [], threading.Lock(), iter(items)

    def work():
        while True:
            with lock:
                x = next(it, None)
            if x is None:
                return
            r = fn(x)
            with lock:
                out.append(r)
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--examinees", type=int, default=500)
    ap.add_argument("--bank", type=int, default=5000)
    ap.add_argument("--think", type=float, default=1.0)
    ap.add_argument("--seconds", type=float, default=20)
    a = ap.parse_args()
    work = tempfile.mkdtemp(prefix="fazhi-exam-bench-")
    dbfile, key = os.path.join(work, "b.db"), os.path.join(work, "key")
    url = f"sqlite:{dbfile}"
    t0 = time.monotonic()
    out = subprocess.run([BIN, "--db", url, "--key-file", key, "demo"], capture_output=True, text=True)
    if out.returncode:
        die(out.stdout + out.stderr)
    global PRESETS
    PRESETS = setup_db(dbfile, a.examinees, a.bank)
    print(f"setup: demo + {a.examinees} examinees + {a.bank} questions in {time.monotonic() - t0:.1f} s")
    server = Server(url, key, os.path.join(work, "server.log"), a.examinees + 64)
    server.start()
    try:
        run(a, server)
    finally:
        server.stop()
        shutil.rmtree(work, ignore_errors=True)


def run(a, server):
    mgr = Session(server.port, "fazhiyuan")
    rules = [{"topic": t, "kind": k, "count": c, "score": s} for t in TOPICS[:5]
             for (k, c, s) in (("single", 6, 2), ("judge", 2, 2), ("multi", 2, 2))]
    st, paper = mgr.call("POST", "/api/exams/papers", {"title": "压测试卷", "rules": rules})
    if st != 201:
        die(f"paper: {st} {paper}")
    db = sqlite3.connect(server.db_url[len("sqlite:"):])
    people = [r[0] for r in db.execute("SELECT person_id FROM users WHERE username LIKE 'exam%' ORDER BY id")]
    db.close()
    now = int(time.time())
    st, exam = mgr.call("POST", "/api/exams", {"paper_id": paper["id"], "title": "压测考试", "opens_at": now - 60,
                                               "closes_at": now + 4 * 3600, "duration_minutes": 180,
                                               "pass_score": 60, "person_ids": people})
    if st != 201:
        die(f"exam: {st} {exam}")
    sessions = [Session(server.port, f"exam{i:03d}", PRESETS[i]) for i in range(a.examinees)]

    def open_all(label):
        for s in sessions:  # fresh (lazily opened) connections: none idles past the keep-alive timeout
            s.reconnect(server.port)

        def one(s):
            t = time.perf_counter()
            st, att = s.call("POST", f"/api/exams/{exam['id']}/open", {})
            if st != 200:
                die(f"open: {st} {att}")
            s.attempt = att
            return (time.perf_counter() - t) * 1000
        t = time.monotonic()
        lat = run_pool(sessions, 16, one)
        wall = time.monotonic() - t
        print(f"  {label:<28} {len(lat)} opens in {wall:6.2f} s   median {statistics.median(lat):7.2f} ms   "
              f"p99 {pct(lat, 99):7.2f} ms")
        return wall, statistics.median(lat)
    print(f"1. paper generation ({a.bank}-question bank, 50 questions per examinee, 16 connections)")
    draw_wall, draw_med = open_all("draw (first open)")
    resume_wall, resume_med = open_all("baseline: resume (re-open)")
    print(f"  draw / resume: total {draw_wall / resume_wall:.2f}×, median {draw_med / resume_med:.2f}×")
    answer_phase(a, server, sessions)


def answer_phase(a, server, sessions):
    stop = threading.Event()
    lock = threading.Lock()
    saves, health, errors, acked = [], [], [], []
    kill_mode = threading.Event()

    def examinee(s):
        items = s.attempt["items"]
        token = s.attempt["tab_token"]
        for it in items:
            if stop.is_set():
                return
            time.sleep(random.uniform(0, 2 * a.think))
            if stop.is_set():
                return
            ans = {"single": random.choice("ABCD"), "multi": "AC", "judge": random.choice("TF"),
                   "short": "压测简答"}[it["kind"]]
            try:
                if random.random() < 0.1 and not kill_mode.is_set():
                    t = time.perf_counter()
                    s.call("GET", "/api/health")
                    with lock:
                        health.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                st, body = s.call("PUT", f"/api/exams/attempts/{s.attempt['id']}/answers/{it['position']}",
                                  {"tab_token": token, "answer": ans})
                ms = (time.perf_counter() - t) * 1000
            except (OSError, http.client.HTTPException):
                return  # the server is gone (phase 3)
            with lock:
                if st == 200:
                    (acked if kill_mode.is_set() else saves).append(
                        ms if not kill_mode.is_set() else (s, it["position"], ans))
                else:
                    errors.append((st, body))

    print(f"2. answer saves: {len(sessions)} examinees at once, think time 0–{2 * a.think:.1f} s")
    # Phase 2 on the first half of each examinee's questions, phase 3 on the second half.
    for s in sessions:
        s.all_items = s.attempt["items"]
        s.attempt = dict(s.attempt, items=s.all_items[:len(s.all_items) // 2])
    for s in sessions:
        s.reconnect(server.port)
    threads = [threading.Thread(target=examinee, args=(s,)) for s in sessions]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    time.sleep(a.seconds)
    stop.set()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    if errors:
        die(f"{len(errors)} saves refused, e.g. {errors[:3]}")
    print(f"  {len(saves)} saves in {wall:.1f} s = {len(saves) / wall:.0f}/s   median {statistics.median(saves):.2f} ms   "
          f"p99 {pct(saves, 99):.2f} ms   max {max(saves):.1f} ms")
    print(f"  baseline GET /api/health at the same time: median {statistics.median(health):.2f} ms   "
          f"p99 {pct(health, 99):.2f} ms   → save/health p99 {pct(saves, 99) / pct(health, 99):.2f}×")
    print("3. kill -9 in the middle of the exam")
    stop.clear()
    kill_mode.set()
    RETRY.clear()
    for s in sessions:
        s.attempt = dict(s.attempt, items=s.all_items[len(s.all_items) // 2:])
    threads = [threading.Thread(target=examinee, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    time.sleep(random.uniform(3, 8))
    server.kill9()
    stop.set()
    for t in threads:
        t.join()
    server.start(server.port)
    RETRY.set()
    missing = 0
    by_session = {}
    for s, pos, ans in acked:
        by_session.setdefault(id(s), (s, []))[1].append((pos, ans))
    for s, answers in by_session.values():
        s.reconnect(server.port)
        st, att = s.call("GET", f"/api/exams/attempts/{s.attempt['id']}")
        if st != 200:
            die(f"read back: {st} {att}")
        stored = {it["position"]: it["answer"] for it in att["items"]}
        for pos, ans in answers:
            if stored.get(pos) != ''.join(sorted(ans)):
                missing += 1
    print(f"  {len(acked)} answers acknowledged before the kill; after the restart {len(acked) - missing} present, "
          f"{missing} missing")
    if missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
