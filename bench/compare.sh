#!/usr/bin/env bash
# Before/after comparison (issue 27: "no slower"): bench/render.sh,
# bench/archive.sh and the office overview latency, for two sets of
# binaries in one run, interleaved, then a table of both.
#
# Usage: bench/compare.sh BEFORE_DIR AFTER_DIR
#   Each DIR holds kaoping and examples/render_bench, examples/documents_bench
#   (render.sh's BIN_DIR layout); nothing is built.
# Order: render before/after, archive before/after, then LATENCY_ROUNDS
#   (3) latency pairs; ROUNDS (1) repeats the whole; the pair order
#   alternates from one pair to the next, so neither side always goes first.
# Latency: each binary makes its own `kaoping demo` archive; `kaoping
#   serve` on loopback; kaopingban signs in and GETs /office LATENCY_N
#   (20) times (bench/distributed_web.py latency); also the server's peak
#   RSS (VmHWM).
# Sizes: archive.sh's defaults (~20 GB of scratch disk, tens of minutes a
#   side), or QUICK=1 for a short run (BIG_FILES=4 BIG_MB=25
#   SMALL_FILES=1000 COMMUNITIES=10 COMMUNITY_FILES=20 HUGE_GB=1 REPEAT=1);
#   any of those variables set in the environment wins. SKIP_TYPST_CLI=1
#   unless set (the typst CLI is no part of a before/after comparison).
# Logs: OUT (default /var/tmp/kaoping-compare-DATE), one file per run; the
#   table (bench/lib/compare_table.py OUT) is printed at the end and
#   written to OUT/table.txt.
# Run it on a machine as quiet as possible, e.g. `nice -n 19 bench/compare.sh …`.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -eq 2 ] || { echo "用法：bench/compare.sh 改动前目录 改动后目录" >&2; exit 2; }
BEFORE=$(realpath "$1")
AFTER=$(realpath "$2")
for d in "$BEFORE" "$AFTER"; do
  for f in kaoping examples/render_bench examples/documents_bench; do
    [ -x "$d/$f" ] || { echo "缺少 $d/$f" >&2; exit 1; }
  done
done
if [ "${QUICK:-0}" = 1 ]; then
  export BIG_FILES=${BIG_FILES:-4} BIG_MB=${BIG_MB:-25} SMALL_FILES=${SMALL_FILES:-1000} \
    COMMUNITIES=${COMMUNITIES:-10} COMMUNITY_FILES=${COMMUNITY_FILES:-20} \
    HUGE_GB=${HUGE_GB:-1} REPEAT=${REPEAT:-1}
fi
export SKIP_TYPST_CLI=${SKIP_TYPST_CLI:-1}
ROUNDS=${ROUNDS:-1}
LATENCY_ROUNDS=${LATENCY_ROUNDS:-3}
LATENCY_N=${LATENCY_N:-20}
OUT=${OUT:-/var/tmp/kaoping-compare-$(date -u +%Y%m%d-%H%M%S)}
mkdir -p "$OUT"
WORK=$(mktemp -d /var/tmp/kaoping-compare-work.XXXXXX)
SERVER=
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2> /dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "kaoping 改动前后对比  $(date -u '+%Y-%m-%d %H:%M UTC')；负载 $(load)"
echo "改动前：$BEFORE"
echo "改动后：$AFTER"
echo "日志：$OUT"

flip=0
# pair NAME CMD…: runs CMD for both sides (SIDE and DIR exported), the
# order alternating from one pair to the next; logs OUT/NAME.SIDE.N.
declare -A seen
pair() {
  local name=$1 side dir n
  shift
  local order=(before after)
  if [ $flip = 1 ]; then order=(after before); fi
  flip=$((1 - flip))
  for side in "${order[@]}"; do
    if [ "$side" = before ]; then dir=$BEFORE; else dir=$AFTER; fi
    n=$((${seen[$name.$side]:-0} + 1))
    seen[$name.$side]=$n
    echo "  $(date -u +%H:%M:%S) $name $side（第 $n 次，负载 $(load)）"
    {
      echo "负载 $(load)"
      SIDE=$side DIR=$dir "$@"
      echo "负载 $(load)"
    } > "$OUT/$name.$side.$n" 2>&1 || { echo "    失败，见 $OUT/$name.$side.$n" >&2; tail -5 "$OUT/$name.$side.$n" >&2; }
  done
}

render() { BIN_DIR=$DIR bench/render.sh; }
archive() { KAOPING_BIN=$DIR/kaoping BENCH_DIR=$WORK/archive bench/archive.sh; }

# latency: the office overview on this side's demo archive.
latency() {
  local demo=$WORK/demo-$SIDE url
  if [ ! -d "$demo" ]; then
    local t0
    t0=$(date +%s.%N)
    "$DIR/kaoping" demo "$demo" > /dev/null
    printf 'kaoping demo 用时 %.1f s\n' "$(echo "$(date +%s.%N) - $t0" | bc)"
  fi
  "$DIR/kaoping" --archive "$demo/archive" serve --listen 127.0.0.1:0 > "$WORK/serve.out" 2> "$WORK/serve.err" &
  SERVER=$!
  for _ in $(seq 100); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/serve.out" | head -1 || true)
    [ -n "$url" ] && break
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$WORK/serve.err"; return 1; }
  read -r med max first < <(python3 bench/distributed_web.py latency "$url" "$LATENCY_N")
  printf 'GET /office %d 次：中位 %.1f ms，最慢 %.1f ms，第一次 %.1f ms\n' "$LATENCY_N" "$med" "$max" "$first"
  echo "服务器峰值 RSS $(awk '/VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVER/status") MB"
  kill "$SERVER"
  wait "$SERVER" 2> /dev/null || true
  SERVER=
}

for r in $(seq "$ROUNDS"); do
  echo "== 第 $r 轮"
  pair render render
  pair archive archive
  for _ in $(seq "$LATENCY_ROUNDS"); do pair latency latency; done
done

python3 bench/lib/compare_table.py "$OUT" | tee "$OUT/table.txt"
echo "完成 $(date -u '+%H:%M UTC')；负载 $(load)"
