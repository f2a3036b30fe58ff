#!/usr/bin/env bash
# Sets everything up, fills a SQLite database with the 城区分局 demo data (idempotent: a second
# run keeps what is there) and starts fazhi on http://127.0.0.1:8080.
#
# Environment:
#   FAZHI_PORT=8080          the port to listen on (always on 127.0.0.1)
#   FAZHI_SKIP_SETUP=1       do not run scripts/setup.sh (use the existing build)
# The database and the personal-data key are kept in fazhi-data/ at the repository root.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$FAZHI_ROOT"

port="${FAZHI_PORT:-8080}"
if ! [[ "$port" =~ ^[0-9]+$ ]] || (( port < 1 || port > 65535 )); then
  die "FAZHI_PORT must be a port number, not '$port'"
fi

if [[ "${FAZHI_SKIP_SETUP:-0}" != 1 ]]; then
  "$FAZHI_ROOT/scripts/setup.sh"
fi

bin="$FAZHI_ROOT/build/release/fazhi"
[[ -x "$bin" ]] || die "$bin was not built; see the output of scripts/setup.sh"

data="$FAZHI_ROOT/fazhi-data"
mkdir -p "$data"
chmod 0700 "$data"
db_args=(--db "sqlite:$data/fazhi.db" --key-file "$data/fazhi.key")

log "Loading the demo data into $data/fazhi.db"
"$bin" "${db_args[@]}" demo

web_args=()
if [[ -f web/dist/index.html ]]; then
  web_args=(--web-root "$FAZHI_ROOT/web/dist")
else
  warn "web/dist/index.html is missing: only the JSON API will be served"
fi

cat <<EOF

  fazhi 执法规范化管理平台 is starting at:  http://127.0.0.1:$port

  演示账号 (all passwords / 密码均为: Demo@2026)

    用户名      角色
    ---------   --------------
    sysadmin    系统管理员
    secadmin    安全管理员
    auditor     审计管理员
    leader      局领导
    fazhiyuan   法制员
    minjing     办案民警
    xuncha      巡查员
    jiebao      接报案窗口
    zhiyuan     志愿者管理员

  Press Ctrl+C to stop. 按 Ctrl+C 停止。

EOF

exec "$bin" "${db_args[@]}" serve --listen "127.0.0.1:$port" "${web_args[@]}"
