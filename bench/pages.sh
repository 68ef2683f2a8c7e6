#!/usr/bin/env bash
# Page latency before and after a change (issue 27, "No slower"): one
# `kaoping demo` archive, served in turn by each binary given, each page
# fetched N times by the account that sees it (the office, the district
# 五华区, the community WH-001, the expert); median and slowest per page.
# Two rounds, the binaries in the opposite order in the second.
#
# Usage: bench/pages.sh OLD_BINARY NEW_BINARY   (N=40 by default)
set -euo pipefail
cd "$(dirname "$0")/.."
OLD=$(realpath "$1")
NEW=$(realpath "$2")
N=${N:-40}
WEB=$(realpath bench/distributed_web.py)
WORK=$(mktemp -d /var/tmp/kaoping-pages.XXXXXX)
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
"$NEW" demo "$WORK/demo" >/dev/null
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
round() { # BINARY LABEL
  "$1" --archive "$WORK/demo/archive" serve --listen "127.0.0.1:$PORT" >"$WORK/serve.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -sf "$URL/login" >/dev/null && break; sleep 0.1; done
  while read -r name password paths; do
    # shellcheck disable=SC2086
    OFFICE_NAME=$name OFFICE_PASSWORD=$password python3 "$WEB" pages "$URL" "$N" $paths |
      while read -r path med max; do
        printf '  %-4s %-10s %-28s 中位 %6.2f ms  最慢 %6.2f ms\n' "$2" "$name" "$path" "$med" "$max"
      done
  done <<'ACCOUNTS'
kaopingban demo-office-2019 /office /c/WH-001 /c/WH-001/v/1 /rectify /c/WH-001/rectify
wuhua demo-wuhua-2019 /district /c/WH-001 /rectify
cuihu demo-cuihu-2019 /c/WH-001 /c/WH-001/rectify
zhuanjia demo-expert-2019 /expert
ACCOUNTS
  kill "$PID"; wait "$PID" 2>/dev/null || true; PID=
}
echo "== 页面用时（每页 $N 次，同一个演示档案库）"
echo "-- 第 1 轮：旧 → 新"
round "$OLD" 旧; round "$NEW" 新
echo "-- 第 2 轮：新 → 旧"
round "$NEW" 新; round "$OLD" 旧
