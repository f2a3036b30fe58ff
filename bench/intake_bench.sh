#!/usr/bin/env bash
# 接报案大厅 (issue 13): the public progress lookup under load and the registration of tickets.
#
#  1. POST /api/public/intake/lookup at BENCH_CONNECTIONS (200) connections with wrk, the rate
#     limiter on: each request comes "from" a random client address (X-Forwarded-For through
#     127.0.0.1 as the trusted proxy), half ask a real code with the right phone, half a random code
#     (the same work: one indexed read and one decryption). Prints req/s, p50/p99 and the answers by
#     status; then the same from ONE address, where the limiter answers 429 after 30 a minute.
#  2. POST /api/intake/tickets (register: validate, encrypt, number, insert, audit, route, deadline)
#     as the demo 接报案窗口 account at 8 connections: req/s and p99.
#
# Usage: bench/intake_bench.sh        (about 1 minute after the demo data)
# Environment: FAZHI_BIN (default build/release/fazhi), BENCH_DURATION (10s), BENCH_CONNECTIONS (200).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BIN="${FAZHI_BIN:-$ROOT/build/release/fazhi}"
DURATION="${BENCH_DURATION:-10s}"
CONNS="${BENCH_CONNECTIONS:-200}"

die() { echo "intake_bench: $*" >&2; exit 1; }
[[ -x "$BIN" ]] || die "$BIN not found (scripts/setup.sh builds it)"
for tool in curl wrk python3; do command -v "$tool" >/dev/null || die "$tool is missing"; done

work="$(mktemp -d "${TMPDIR:-/tmp}/fazhi-intake-bench.XXXXXX")"
source "$ROOT/bench/lib.sh"
trap cleanup EXIT

echo "fazhi intake benchmark — $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "binary: $BIN"
db="$work/demo.db"
"$BIN" --db "sqlite:$db" --key-file "$work/fazhi.key" demo >"$work/demo.log" 2>&1 || { cat "$work/demo.log" >&2; die "demo failed"; }
fresh_port
"$BIN" --db "sqlite:$db" --key-file "$work/fazhi.key" serve --listen "127.0.0.1:$port" --trusted-proxy 127.0.0.1 \
  >"$work/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
until curl -fs -o /dev/null --max-time 1 "$base/api/health"; do
  kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$work/server.log" >&2; die "the server exited before answering"; }
  sleep 0.1
done
jar="$work/cookies"
csrf=$(curl -fs -c "$jar" -H 'Content-Type: application/json' --data '{"username":"jiebao","password":"Demo@2026"}' \
  "$base/api/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["csrf_token"])') || die "login failed"
cookie=$(awk 'NF == 7 && ($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) {print $6 "=" $7}' "$jar" | head -1)
body='{"kind":"consult","reporter_name":"基准测试","reporter_phone":"13800001234","summary":"咨询户籍办理"}'
code=$(curl -fs -b "$jar" -H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" --data "$body" \
  "$base/api/intake/tickets" | python3 -c 'import json, sys; print(json.load(sys.stdin)["query_code"])') ||
  die "registration failed"

cat >"$work/lookup.lua" <<LUA
local alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
local statuses = {}
local function randcode()
  local t = {}
  for i = 1, 16 do
    local k = math.random(1, 32)
    t[#t + 1] = alphabet:sub(k, k)
    if i % 4 == 0 and i < 16 then t[#t + 1] = "-" end
  end
  return table.concat(t)
end
request = function()
  local ip = "10." .. math.random(0, 255) .. "." .. math.random(0, 255) .. "." .. math.random(1, 254)
  if SINGLE == "1" then ip = "10.9.9.9" end
  local code = (math.random() < 0.5) and "$code" or randcode()
  local last4 = (code == "$code") and "1234" or tostring(math.random(1000, 9999))
  return wrk.format("POST", "/api/public/intake/lookup",
    {["Content-Type"] = "application/json", ["X-Forwarded-For"] = ip},
    '{"code":"' .. code .. '","phone_last4":"' .. last4 .. '"}')
end
LUA

summ() {  # wrk output → "req/s p50 p99 non2xx"
  python3 - "$1" <<'PY'
import re, sys
t = open(sys.argv[1]).read()
def lat(p):
    m = re.search(r"^\s*%s%%\s+([\d.]+)(us|ms|s)" % p, t, re.M)
    if not m: return "?"
    v, u = float(m.group(1)), m.group(2)
    return "%.1f ms" % (v / 1000 if u == "us" else v * 1000 if u == "s" else v)
rps = re.search(r"Requests/sec:\s+([\d.]+)", t).group(1)
non = re.search(r"Non-2xx or 3xx responses: (\d+)", t)
req = re.search(r"(\d+) requests in", t).group(1)
print(f"{float(rps):,.0f} req/s, p50 {lat(50)}, p99 {lat(99)}, {req} requests, non-2xx {non.group(1) if non else 0}")
PY
}

echo
echo "1. public lookup, $CONNS connections, $DURATION, random client addresses (limiter on):"
SINGLE=0 wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$work/lookup.lua" "$base" >"$work/lookup.txt" 2>&1
echo "   $(summ "$work/lookup.txt")   (non-2xx = the random codes' 404)"
sed -i 's/if SINGLE == "1"/if true/' "$work/lookup.lua"
wrk -t2 -c"$CONNS" -d"$DURATION" --latency -s "$work/lookup.lua" "$base" >"$work/single.txt" 2>&1
echo "   one client address: $(summ "$work/single.txt")   (all but 30 answered 429)"

echo
echo "2. registering tickets (POST /api/intake/tickets), 8 connections, $DURATION:"
cat >"$work/register.lua" <<LUA
request = function()
  return wrk.format("POST", "/api/intake/tickets",
    {["Content-Type"] = "application/json", ["X-CSRF-Token"] = "$csrf", ["Cookie"] = "$cookie"}, '$body')
end
LUA
wrk -t2 -c8 -d"$DURATION" --latency -s "$work/register.lua" "$base" >"$work/register.txt" 2>&1
echo "   $(summ "$work/register.txt")"
