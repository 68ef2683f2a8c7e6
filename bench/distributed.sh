#!/usr/bin/env bash
# Distributed storage benchmark (issue 18, "Measure"): kaoping on a
# PostgreSQL + three-node Garage (replication factor 3) setup, each figure
# beside rclone (Debian's, S3 remote `kpg:`) on the same cluster, in one run.
#   1. 20 x 100 MB: `kaoping ingest` into a fresh distributed root vs
#      `rclone copy FOLDER kpg:BUCKET/x` into a fresh bucket; then
#      `kaoping verify` vs `rclone check --download`, `kaoping export` (BagIt
#      ZIP on local disk, fsync) vs `rclone cat kpg:BUCKET/x > /dev/null`.
#   2. 20,000 files of 1-100 KB: ingest and verify likewise (export too
#      with SMALL_EXPORT=export: one GET per file, slow on this cluster).
#   3. The office overview (GET /office as kaopingban, N requests) on a
#      local `kaoping demo` vs the same demo on PostgreSQL + Garage.
#   4. Issuing rate: ISSUERS concurrent office sessions POST
#      /office/documents (进度汇总表, all districts) against one `kaoping
#      serve`, then two (separate root folders, same database and bucket,
#      sessions spread over both), then one again; then the register is
#      checked for duplicate numbers and `kaoping verify` run.
# kaoping and rclone each get a freshly started cluster of the same
# configuration (bench/lib/engines.sh), one after the other: rf 3 stores
# every byte three times on this one disk and Garage frees deleted blocks
# only after a delay, so the two copies are never kept side by side.
#
# Usage: nice -n 19 bench/distributed.sh
# KAOPING picks the binary (default target/release/kaoping, not rebuilt).
# Sizes (environment): BIG_FILES=20 BIG_MB=100 SMALL_FILES=20000
#   ISSUE_DOCS=60 ISSUERS=8 LATENCY_N=20; BENCH_DIR the scratch
#   folder (default a temp dir under /var/tmp); BEFORE an older kaoping
#   measured first in section 4; PIN=1 pins each server of section 4 to a
#   CPU of its own (taskset). SECTIONS="1 2 3 4" picks
#   sections. Needs rclone, garage (see bench/lib/engines.sh), PostgreSQL,
#   python3, curl, and ~18 GB free disk for the default sizes.
set -euo pipefail
cd "$(dirname "$0")/.."

BIG_FILES=${BIG_FILES:-20}
BIG_MB=${BIG_MB:-100}
SMALL_FILES=${SMALL_FILES:-20000}
ISSUE_DOCS=${ISSUE_DOCS:-60}
ISSUERS=${ISSUERS:-8}
LATENCY_N=${LATENCY_N:-20}
SECTIONS=${SECTIONS:-1 2 3 4}
SMALL_EXPORT=${SMALL_EXPORT:-}
BIN=$(realpath "${KAOPING:-target/release/kaoping}")
WEB=$(realpath bench/distributed_web.py)
for tool in rclone python3 curl bc; do
  command -v "$tool" >/dev/null || { echo "缺少 $tool" >&2; exit 1; }
done
WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/kaoping-dist.XXXXXX)}
mkdir -p "$WORK"
# shellcheck source=lib/engines.sh
source bench/lib/engines.sh
SERVERS=()
stop_servers() {
  local pid
  for pid in "${SERVERS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${SERVERS[@]}"; do wait "$pid" 2>/dev/null || true; done
  SERVERS=()
}
trap 'stop_servers; engines_stop; rm -rf "$WORK"' EXIT
PSQL=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1)/psql

load() { echo "  [负载 $(cut -d' ' -f1-3 /proc/loadavg)，$(date -u +%H:%M:%S) UTC]"; }
echo "kaoping 分布式存储性能测试  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "CPU：$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')，$(nproc) 核；内存：$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)；文件系统：$(df -T "$WORK" | awk 'NR==2 {print $2}')"
echo "kaoping：$BIN（$("$BIN" --version)）；$(rclone version | head -1)；garage：$(${KAOPING_GARAGE:-$HOME/.cache/garage/bin/garage} --version 2>/dev/null | head -1 || echo ?)"
load

# ---------------------------------------------------------------- helpers
now() { date +%s.%N; }
LAST=0
# timed CMD…: runs CMD (output discarded unless it fails), wall time in LAST.
timed() {
  local t0 rc=0
  t0=$(now)
  "$@" >"$WORK/out.log" 2>&1 || rc=$?
  LAST=$(echo "$(now) - $t0" | bc)
  if [ "$rc" != 0 ]; then
    echo "失败（$rc）：$*" >&2
    tail -20 "$WORK/out.log" >&2
    return "$rc"
  fi
}
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
warm() { find "$1" -type f -print0 | xargs -0 cat >/dev/null; sync; }
# row NAME SECONDS BYTES [REF_SECONDS]
row() {
  awk -v n="$1" -v t="$2" -v b="$3" -v r="${4:-}" 'BEGIN {
    line = sprintf("  %-52s %8.2f s %9.1f MB/s", n, t, b / 1048576 / t)
    if (r != "") line = line sprintf("   时间比 %.2f", t / r)
    print line }'
}
engines_up() {
  pg_start >/dev/null
  garage_start >/dev/null
}
engines_restart() {
  engines_stop
  ENGINES_DIR=$(mktemp -d /var/tmp/kp-engines.XXXXXX)
  engines_up
}
# dist_root DIR NAME: a distributed root over a fresh database and bucket.
dist_root() {
  local db
  db=$(new_db "${2//-/_}")
  new_bucket "$2"
  "$BIN" init "$1" --database "$db" --bucket "$2" --endpoint "$KP_S3_ENDPOINT" \
    --region "$KP_S3_REGION" >/dev/null
}
community() {
  "$BIN" --archive "$1" community add --id "$2" --name "测试社区$2" \
    --district 五华区 --type 城市社区 --batch 第一阶段 >/dev/null
}
garage_mb() { du -sm "$ENGINES_DIR" | cut -f1; }
# The same generator as bench/archive.sh: gen DIR COUNT MIN MAX SEED.
# shellcheck source=lib/gen.sh
source bench/lib/gen.sh

# kaoping_side NAME FOLDER [export]: a fresh distributed root; times
# ingest (K_ING), verify (K_VER) and, with `export`, export (K_EXP).
kaoping_side() {
  local name=$1 src=$2 root=$WORK/root-$1
  load
  dist_root "$root" "kp-$name"
  community "$root" "$name"
  timed "$BIN" --archive "$root" ingest "$src" --community "$name" --no-wait
  K_ING=$LAST
  echo "  Garage 三个节点共占 $(garage_mb) MB（kaoping 一份，每份 3 副本）"
  timed "$BIN" --archive "$root" verify
  K_VER=$LAST
  if [ "${3:-}" = export ]; then
    timed "$BIN" --archive "$root" export --community "$name" -o "$WORK/$name.zip"
    K_EXP=$LAST
    rm -f "$WORK/$name.zip"
  fi
  rm -rf "$root"
}
# rclone_side NAME FOLDER [export]: a fresh bucket; times rclone copy
# (R_ING), check --download (R_VER) and, with `export`, cat (R_EXP).
rclone_side() {
  local name=$1 src=$2
  load
  new_bucket "rc-$name"
  timed rclone copy "$src" "kpg:rc-$name/x"
  R_ING=$LAST
  echo "  Garage 三个节点共占 $(garage_mb) MB（rclone 一份，每份 3 副本）"
  timed rclone check --download "$src" "kpg:rc-$name/x"
  R_VER=$LAST
  if [ "${3:-}" = export ]; then
    timed sh -c "rclone cat 'kpg:rc-$name/x' > /dev/null"
    R_EXP=$LAST
  fi
}
# set_pair NAME FOLDER [export]: both sides, each on a freshly started
# cluster of the same configuration (same disk, same ports' setup).
set_pair() {
  local b
  b=$(bytes_of "$2")
  echo "  共 $(find "$2" -type f | wc -l) 个文件，$(awk -v b="$b" 'BEGIN {printf "%.0f MB", b / 1048576}')"
  engines_restart
  kaoping_side "$@"
  engines_restart
  rclone_side "$@"
  row "rclone copy" "$R_ING" "$b"
  row "kaoping ingest / rclone copy" "$K_ING" "$b" "$R_ING"
  row "rclone check --download" "$R_VER" "$b"
  row "kaoping verify / rclone check --download" "$K_VER" "$b" "$R_VER"
  if [ "${3:-}" = export ]; then
    row "rclone cat > /dev/null" "$R_EXP" "$b"
    row "kaoping export（BagIt ZIP 写本地盘，含 fsync）/ rclone cat" "$K_EXP" "$b" "$R_EXP"
  fi
  awk -v k="$K_ING" -v c="$R_ING" 'BEGIN {
    printf "  【提交】kaoping / rclone 时间比 %.2f（目标 ≤ 1.3）\n", k / c }'
  load
}

# ------------------------------------------------ 1. large files
if [[ " $SECTIONS " == *" 1 "* ]]; then
  echo
  echo "== 1. 大文件：$BIG_FILES × $BIG_MB MB"
  gen "$WORK/big" "$BIG_FILES" $((BIG_MB << 20)) $((BIG_MB << 20)) 1
  warm "$WORK/big"
  set_pair big "$WORK/big" export
  rm -rf "$WORK/big"
fi

# ------------------------------------------------ 2. small files
if [[ " $SECTIONS " == *" 2 "* ]]; then
  echo
  echo "== 2. 小文件：$SMALL_FILES 个 1–100 KB 的文件"
  gen "$WORK/small" "$SMALL_FILES" 1024 102400 2
  warm "$WORK/small"
  set_pair small "$WORK/small" "$SMALL_EXPORT"
  rm -rf "$WORK/small"
fi

# ------------------------------------------------ 3-4. web
# serve ROOT: starts `kaoping serve` on a free port; prints its URL.
serve() { # ROOT [CPU] [BINARY]: with a CPU, the server is pinned to it (taskset)
  local port pin=() bin=${3:-$BIN}
  port=$(engines_ports 1)
  if [ -n "${2:-}" ]; then pin=(taskset -c "$2"); fi
  "${pin[@]}" "$bin" --archive "$1" serve --listen "127.0.0.1:$port" >"$1.serve.log" 2>&1 &
  SERVERS+=($!)
  engines_wait curl -sf "http://127.0.0.1:$port/login" || { tail "$1.serve.log" >&2; return 1; }
  URL="http://127.0.0.1:$port"
}
if [[ " $SECTIONS " == *" 3 "* || " $SECTIONS " == *" 4 "* ]]; then
  engines_restart
  echo
  echo "== 3. 考评办总览 GET /office（kaopingban，$LATENCY_N 次）：本地档案库 vs PostgreSQL + Garage（同一套演示数据）"
  load
  timed "$BIN" demo "$WORK/demo-local"
  echo "  kaoping demo（本地）用时 $(printf '%.1f' "$LAST") s"
  demo_db=$(new_db kp_demo)
  new_bucket kp-demo
  timed "$BIN" demo "$WORK/demo-dist" --database "$demo_db" --bucket kp-demo \
    --endpoint "$KP_S3_ENDPOINT" --region "$KP_S3_REGION"
  echo "  kaoping demo（分布式）用时 $(printf '%.1f' "$LAST") s"
  if [[ " $SECTIONS " == *" 3 "* ]]; then
    for round in 1 2; do
      for kind in local dist; do
        serve "$WORK/demo-$kind/archive"
        read -r med max first < <(python3 "$WEB" latency "$URL" "$LATENCY_N")
        stop_servers
        printf '  第 %d 轮 %-6s 中位 %6.1f ms，最慢 %6.1f ms，第一次 %6.1f ms\n' "$round" "$kind" "$med" "$max" "$first"
      done
    done
  fi
fi
if [[ " $SECTIONS " == *" 4 "* ]]; then
  echo
  echo "== 4. 发文速率：$ISSUERS 个考评办会话并发签发进度汇总表（POST /office/documents），共 $ISSUE_DOCS 份"
  # A second server's root: the same kaoping.toml (database, bucket).
  mkdir -p "$WORK/demo-dist2"
  cp -a "$WORK/demo-dist/archive" "$WORK/demo-dist2/archive"
  # With PIN=1 each server is pinned to its own CPU (server i to CPU i),
  # as if each ran on a one-core machine of its own; the engines and the
  # client are not pinned.
  issue_round() { # LABEL BINARY ROOT…: one server per root
    local label=$1 bin=$2 urls=() root cpu=0
    shift 2
    load
    for root in "$@"; do
      serve "$root" "$([ "${PIN:-}" = 1 ] && echo "$cpu")" "$bin"
      urls+=("$URL")
      cpu=$((cpu + 1))
    done
    read -r n secs rate failed med max < <(python3 "$WEB" issue "$ISSUE_DOCS" "$ISSUERS" "${urls[@]}")
    stop_servers
    printf '  %-34s %3d 份 %6.2f s  %6.2f 份/秒  失败 %d  单次中位 %5.0f ms，最慢 %5.0f ms\n' \
      "$label" "$n" "$secs" "$rate" "$failed" "$med" "$max"
  }
  # BEFORE (an older kaoping) runs first: it cannot read the records the
  # newer one writes (number reservations).
  for b in ${BEFORE:+"$BEFORE"} "$BIN"; do
    tag=$([ "$b" = "$BIN" ] && echo "本版" || echo "改动前")
    issue_round "$tag：本地档案库，1 个服务器" "$b" "$WORK/demo-local/archive"
    issue_round "$tag：分布式，1 个服务器" "$b" "$WORK/demo-dist/archive"
    issue_round "$tag：分布式，2 个服务器" "$b" "$WORK/demo-dist/archive" "$WORK/demo-dist2/archive"
    issue_round "$tag：分布式，1 个服务器（再测）" "$b" "$WORK/demo-dist/archive"
  done
  "$BIN" --archive "$WORK/demo-dist/archive" register --json >"$WORK/register.json"
  python3 - "$WORK/register.json" <<'PY'
import json, sys, collections
entries = json.load(open(sys.argv[1]))
nums = [e.get("number") or e.get("record", {}).get("number") for e in entries]
nums = [n for n in nums if n]
dup = [n for n, c in collections.Counter(nums).items() if c > 1]
print("  登记簿：%d 份公文，%d 个编号，重复 %d 个%s" % (len(entries), len(nums), len(dup), ("：" + "、".join(dup[:5])) if dup else ""))
PY
  if timed "$BIN" --archive "$WORK/demo-dist/archive" verify; then
    echo "  kaoping verify（分布式）：通过，$(printf '%.2f' "$LAST") s"
  fi
fi
load
echo
echo "完成 $(date -u '+%H:%M UTC')"
