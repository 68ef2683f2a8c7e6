#!/usr/bin/env bash
# Time per command on the distributed setup (issue 33, "commands that read
# only what is new"): `kaoping assess import` (社区自查) of a new community,
# each command its own process, in a distributed archive with an empty log
# and in one holding a large archive (a local archive migrated in, e.g.
# the 742-community build that `KEEP=DIR bench/levels.sh` leaves in
# DIR/archive). Each binary in turn: NEW (default target/release/kaoping)
# and, if given, OLD; OLD runs last because it writes no log keys.
#
# Usage: nice -n 19 bench/dist-commands.sh BIG_ARCHIVE [OLD_BINARY]
# N=30 commands per case.
set -euo pipefail
cd "$(dirname "$0")/.."
BIG=$(realpath "$1")
OLD=${2:-}
NEW=$(realpath "${NEW:-target/release/kaoping}")
N=${N:-30}
WORK=$(mktemp -d /var/tmp/kaoping-distcmd.XXXXXX)
# shellcheck source=lib/engines.sh
source bench/lib/engines.sh
trap 'engines_stop; rm -rf "$WORK"' EXIT
pg_start >/dev/null
garage_start >/dev/null

# target NAME PREFIX: a fresh database and bucket, as the options
# ${PREFIX}database, ${PREFIX}bucket, --endpoint and --region in TARGET.
target() {
  local db
  new_bucket "$1"
  db=$(new_db "${1//-/_}")
  TARGET=("--${2}database" "$db" "--${2}bucket" "$1" --endpoint "$KP_S3_ENDPOINT" --region "$KP_S3_REGION")
}
# median_ms BIN ROOT PREFIX: N new communities, then the median time of
# their N imports.
median_ms() {
  local bin=$1 root=$2 prefix=$3 i
  "$bin" --archive "$root" assess template --community "${prefix}001" -o "$WORK/blank.csv" >/dev/null 2>&1 || true
  for i in $(seq -w 1 "$N"); do
    "$bin" --archive "$root" community add --id "$prefix$i" --name "测试社区$prefix$i" \
      --district 五华区 --type 城市社区 --batch 第一阶段 >/dev/null
  done
  python3 - "$bin" "$root" "$prefix" "$N" "$SHEET" <<'PY'
import statistics, subprocess, sys, time
bin, root, prefix, n, sheet = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
ts = []
for i in range(1, n + 1):
    s = time.perf_counter()
    subprocess.run([bin, "--archive", root, "assess", "import", sheet, "--community",
                    f"{prefix}{i:0{len(str(n))}d}", "--level", "自查"], check=True,
                   stdout=subprocess.DEVNULL)
    ts.append(time.perf_counter() - s)
print(f"{statistics.median(ts) * 1000:.1f}")
PY
}
# The filled sheet bench/levels.sh uses.
"$NEW" init "$WORK/scratch" >/dev/null
"$NEW" --archive "$WORK/scratch" community add --id X001 --name 测试 --district 五华区 \
  --type 城市社区 --batch 第一阶段 >/dev/null
"$NEW" --archive "$WORK/scratch" assess template --community X001 -o "$WORK/blank.csv" >/dev/null
python3 - "$WORK/blank.csv" "$WORK/sheet.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
for r in rows[1:]:
    r[5], r[7], r[8], r[10] = "基本达标", "考评人", "2019-11-20", ""
csv.writer(open(sys.argv[2], "w", newline="", encoding="utf-8-sig")).writerows(rows)
PY
SHEET=$WORK/sheet.csv
lines=$(wc -l < "$BIG/log.jsonl")
echo "kaoping 分布式档案库中每条命令的用时  $(date -u '+%Y-%m-%d %H:%M UTC')，负载 $(cut -d' ' -f1-3 /proc/loadavg)"
echo "大档案库：$BIG（$lines 条日志），每种情形 $N 条 assess import 的中位数"
for which in NEW OLD; do
  bin=${!which}
  [ -n "$bin" ] || continue
  tag=$(echo "$which" | tr 'A-Z' 'a-z')
  target "small-$tag" ""
  "$NEW" init "$WORK/small-$tag" "${TARGET[@]}" >/dev/null
  target "big-$tag" "to-"
  "$NEW" --archive "$BIG" migrate --into "$WORK/big-$tag" "${TARGET[@]}" >/dev/null
  small=$(median_ms "$bin" "$WORK/small-$tag" S)
  big=$(median_ms "$bin" "$WORK/big-$tag" B)
  printf '  %-3s %s：空日志 %s ms，%s 条日志 %s ms\n' "$which" "$bin" "$small" "$lines" "$big"
done
