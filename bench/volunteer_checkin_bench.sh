#!/usr/bin/env bash
# 平安志愿者 (issue 15): 450 volunteers checking in within one minute.
#
# On the demo database (450 volunteers of 5 派出所, each with his own account), the coordinator
# `zhiyuan` publishes one task per 派出所 covering now, dispatched to all its volunteers; the 450
# volunteers are signed in beforehand (450 sessions); then each checks in once at a uniformly
# random moment of one minute (POST /api/volunteer/tasks/{id}/checkin: session, CSRF, one write
# transaction with the speed and distance checks and an audit row). Meanwhile GET /api/health is
# asked every 100 ms. Prints the check-ins' p50/p99/max, the health median of the same run and the
# ratio p99 / health median.
#
# Usage: bench/volunteer_checkin_bench.sh       (a release build: build/release/fazhi)
# Environment: FAZHI_BIN (default build/release/fazhi), BENCH_WINDOW (60 seconds).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
WINDOW="${BENCH_WINDOW:-60}"

die() { echo "volunteer_checkin_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found (scripts/setup.sh builds it)"
for tool in curl python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-volunteer-bench.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

echo "fazhi volunteer check-in benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
db="$work/demo.db"
"$BIN" --db "sqlite:$db" --key-file "$work/fazhi.key" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; die "demo failed"; }
fresh_port
"$BIN" --db "sqlite:$db" --key-file "$work/fazhi.key" serve --listen "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
until curl -fs -o /dev/null --max-time 1 "$base/api/health"; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$work/server.log" >&2; die "the server exited before answering"; }
  sleep 0.1
done

python3 - "$base" "$WINDOW" <<'PY'
import http.client, json, random, statistics, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlparse

base, window = sys.argv[1], float(sys.argv[2])
u = urlparse(base)

def call(method, path, body=None, session=None):
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    h = {"Content-Type": "application/json"}
    if session:
        h["Cookie"], h["X-CSRF-Token"] = session
    c.request(method, path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = r.read()
    cookie = r.getheader("Set-Cookie")
    c.close()
    return r.status, (json.loads(data) if data else None), cookie

def login(user):
    st, j, cookie = call("POST", "/api/auth/login", {"username": user, "password": "Demo@2026"})
    if st != 200:
        raise SystemExit(f"login {user}: {st} {j}")
    return (cookie.split(";")[0], j["csrf_token"])

coord = login("zhiyuan")
vols = []
for page in range(1, 5):
    st, j, _ = call("GET", f"/api/volunteers?status=approved&page_size=200&page={page}", session=coord)
    vols += j["items"]
by_unit = {}
for v in vols:
    by_unit.setdefault(v["unit_id"], []).append(v)
now = int(time.time())
task_of = {}
for unit, members in by_unit.items():
    st, j, _ = call("POST", "/api/volunteer-tasks", {
        "unit_id": unit, "title": "基准测试：集中签到", "area_name": "辖区",
        "area": {"lat": 35.49, "lon": 112.85, "radius_m": 20000},
        "start_at": now - 600, "end_at": now + 7200, "points": 5, "capacity": 500,
        "volunteer_ids": [v["id"] for v in members]}, session=coord)
    if st != 201:
        raise SystemExit(f"task for unit {unit}: {st} {j}")
    for v in members:
        task_of[v["username"]] = j["id"]
users = sorted(task_of)
print(f"volunteers: {len(users)} in {len(by_unit)} 派出所; signing them in …", flush=True)
t0 = time.time()
with ThreadPoolExecutor(8) as ex:
    sessions = dict(zip(users, ex.map(login, users)))
print(f"450 sessions created in {time.time() - t0:.1f} s", flush=True)

lat, health, statuses = [], [], {}
lock = threading.Lock()
stop = threading.Event()

def probe():
    while not stop.is_set():
        s = time.perf_counter()
        st, _, _ = call("GET", "/api/health")
        health.append((time.perf_counter() - s) * 1000)
        time.sleep(0.1)

start = time.time() + 1
def checkin(user):
    time.sleep(max(0, start + random.random() * window - time.time()))
    s = time.perf_counter()
    st, j, _ = call("POST", f"/api/volunteer/tasks/{task_of[user]}/checkin",
                    {"lat": 35.49 + random.uniform(-0.01, 0.01), "lon": 112.85 + random.uniform(-0.01, 0.01),
                     "accuracy_m": 20}, session=sessions[user])
    ms = (time.perf_counter() - s) * 1000
    with lock:
        lat.append(ms)
        statuses[st] = statuses.get(st, 0) + 1

random.seed(450)
p = threading.Thread(target=probe)
p.start()
with ThreadPoolExecutor(len(users)) as ex:
    list(ex.map(checkin, users))
stop.set()
p.join()
lat.sort()
q = lambda xs, f: xs[min(len(xs) - 1, int(round(f * (len(xs) - 1))))]
hm = statistics.median(health)
print(f"check-ins: {len(lat)} in {window:.0f} s, statuses {statuses}")
print(f"check-in latency ms: p50 {q(lat, .5):.1f}  p99 {q(lat, .99):.1f}  max {lat[-1]:.1f}")
print(f"/api/health median ms (same run, {len(health)} probes): {hm:.2f}")
print(f"ratio p99 check-in / health median: {q(lat, .99) / hm:.1f}")
PY
