#!/usr/bin/env bash
# Archive benchmark suite (issue 6, items 1-4, 6 and 7): every kaoping
# figure is measured next to its reference tool, in the same run, on the
# same generated data.
#   1. 20 x 100 MB: kaoping ingest vs cp+sync, sha256sum, openssl dgst
#      -sha256, on one core (taskset -c 0) and on all cores; kaoping's own
#      SHA-256 rate is `kaoping verify` (which re-hashes every object).
#   2. 20,000 files of 1-100 KB in indicator folders: kaoping ingest vs
#      cp -r + bagit.py --sha256 on the copy, and vs cp -r + sync.
#   3. Re-ingest of an unchanged folder (the dedup path) and verify, MB/s.
#   4. Export of a ~1 GB submission (the small files) vs zip -r (+ sync).
#   6. Scaling: ingest and verify as the archive grows to 1, 10 and 100
#      communities' submissions.
#   7. Peak RSS (/usr/bin/time -v) of ingesting one 1 GB and one 4 GB file.
#
# Usage: nice -n 19 bench/archive.sh
# Sizes (environment): BIG_FILES=20 BIG_MB=100 SMALL_FILES=20000
#   COMMUNITIES=100 COMMUNITY_FILES=100 HUGE_GB=4 REPEAT=2 (best of REPEAT).
# KAOPING_BIN picks the binary (default: target/release/kaoping, rebuilt
# with `cargo build --release`); BENCH_DIR the scratch folder (default: a
# temp dir under /var/tmp, removed at the end). Needs ~20 GB free disk.
set -euo pipefail
cd "$(dirname "$0")/.."

BIG_FILES=${BIG_FILES:-20}
BIG_MB=${BIG_MB:-100}
SMALL_FILES=${SMALL_FILES:-20000}
COMMUNITIES=${COMMUNITIES:-100}
COMMUNITY_FILES=${COMMUNITY_FILES:-100}
HUGE_GB=${HUGE_GB:-4}
REPEAT=${REPEAT:-2}
if [ -z "${KAOPING_BIN:-}" ]; then
  cargo build --release --quiet --bin kaoping
fi
BIN=$(realpath "${KAOPING_BIN:-target/release/kaoping}")
for tool in openssl sha256sum bagit.py zip taskset /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "缺少 $tool" >&2; exit 1; }
done
WORK=${BENCH_DIR:-$(mktemp -d /var/tmp/kaoping-bench.XXXXXX)}
mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
NCPU=$(nproc)

echo "kaoping 归档性能测试  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "CPU：$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')，$NCPU 核；SHA 指令：$(grep -q sha_ni /proc/cpuinfo && echo 有 || echo 无)"
echo "内存：$(awk '/MemTotal/ {printf "%.0f GB", $2/1048576}' /proc/meminfo)；文件系统：$(df -T "$WORK" | awk 'NR==2 {print $2}')；负载：$(cut -d' ' -f1-3 /proc/loadavg)"
echo "kaoping：$BIN（$("$BIN" --version)）；每项取 $REPEAT 次中最快的一次"

# ---------------------------------------------------------------- helpers
now() { date +%s.%N; }
LAST=0
# timed CMD…: runs CMD (output discarded), stores its wall time in LAST.
timed() { local t0; t0=$(now); "$@" > /dev/null 2>&1; LAST=$(echo "$(now) - $t0" | bc); }
# best SETUP CMD…: runs SETUP (untimed) then CMD, $REPEAT times; prints the
# shortest wall time of CMD.
best() {
  local setup=$1 b=""
  shift
  for _ in $(seq "$REPEAT"); do
    $setup
    timed "$@"
    if [ -z "$b" ] || [ "$(echo "$LAST < $b" | bc)" = 1 ]; then b=$LAST; fi
  done
  echo "$b"
}
none() { :; }
bytes_of() { find "$1" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}'; }
warm() { find "$1" -type f -print0 | xargs -0 cat > /dev/null; sync; }
# row NAME SECONDS BYTES [REF_SECONDS]: one table row; ratio = SECONDS/REF.
row() {
  awk -v n="$1" -v t="$2" -v b="$3" -v r="${4:-}" 'BEGIN {
    line = sprintf("  %-44s %8.2f s %9.1f MB/s", n, t, b / 1048576 / t)
    if (r != "") line = line sprintf("   时间比 %.2f", t / r)
    print line }'
}
new_archive() { # DIR ID…: a fresh archive with communities ID…
  local dir=$1
  shift
  rm -rf "$dir"
  "$BIN" init "$dir" > /dev/null
  for id in "$@"; do
    "$BIN" --archive "$dir" community add --id "$id" --name "测试社区$id" \
      --district 五华区 --type 城市社区 --batch 第一阶段 > /dev/null
  done
  sync
}
ingest() { "$BIN" --archive "$1" ingest "$2" --community "$3" --no-wait && sync; }
rss_mb() { # CMD…: peak RSS in MB (FAILED if the command failed)
  local out
  out=$(/usr/bin/time -v "$@" 2>&1 > /dev/null) || true
  if grep -q 'Exit status: 0' <<< "$out"; then
    awk '/Maximum resident set size/ {printf "%.0f", $6 / 1024}' <<< "$out"
  else
    echo FAILED
  fi
}

# shellcheck source=lib/gen.sh
source bench/lib/gen.sh

# ------------------------------------------------ 1. large files
echo
echo "== 1. 大文件：$BIG_FILES × $BIG_MB MB"
BIG="$WORK/big"
gen "$BIG" "$BIG_FILES" $((BIG_MB << 20)) $((BIG_MB << 20)) 1
B=$(bytes_of "$BIG")
warm "$BIG"
ARCH="$WORK/arch-big"
fresh_copy() { rm -rf "$WORK/copy"; sync; }
fresh_big() { new_archive "$ARCH" BIG; }
for cores in 1 all; do
  if [ "$cores" = 1 ]; then pin=(taskset -c 0); label="单核"; else pin=(); label="${NCPU} 核"; fi
  echo " -- $label"
  CP=$(best fresh_copy "${pin[@]}" sh -c "cp -r '$BIG' '$WORK/copy' && sync")
  row "cp -r + sync" "$CP" "$B"
  fresh_copy
  SUM=$(REPEAT=1 best none "${pin[@]}" sh -c "find '$BIG' -type f -print0 | xargs -0 -P $([ "$cores" = 1 ] && echo 1 || echo "$NCPU") -n 1 sha256sum")
  row "sha256sum" "$SUM" "$B"
  OSSL=$(best none "${pin[@]}" sh -c "find '$BIG' -type f -print0 | xargs -0 -P $([ "$cores" = 1 ] && echo 1 || echo "$NCPU") -n 1 openssl dgst -sha256")
  row "openssl dgst -sha256" "$OSSL" "$B"
  # `ingest` has already made everything durable; the sync is for parity.
  ING=$(best fresh_big "${pin[@]}" sh -c "'$BIN' --archive '$ARCH' ingest '$BIG' --community BIG --no-wait && sync")
  row "kaoping ingest（含 fsync）/ cp+sync" "$ING" "$B" "$CP"
  VER=$(best none "${pin[@]}" "$BIN" --archive "$ARCH" verify)
  row "kaoping verify（重算哈希）/ openssl" "$VER" "$B" "$OSSL"
  awk -v o="$OSSL" -v v="$VER" -v i="$ING" -v c="$CP" -v l="$label" 'BEGIN {
    printf "  【%s】哈希速率 kaoping/openssl = %.2f（目标 ≥ 0.9）；ingest 时间 / cp+sync = %.2f（目标 ≤ 1.3）\n", l, o / v, i / c }'
done
echo " -- 重复提交同一文件夹（去重路径）与校验，${NCPU} 核"
RE=$(best none sh -c "'$BIN' --archive '$ARCH' ingest '$BIG' --community BIG --no-wait --allow-identical && sync")
row "kaoping ingest（内容已在库中）" "$RE" "$B"
VER=$(best none "$BIN" --archive "$ARCH" verify)
AB=$(bytes_of "$ARCH/objects")
row "kaoping verify（整个档案库）" "$VER" "$AB"
rm -rf "$ARCH" "$WORK/copy"

# ------------------------------------------------ 7. memory
echo
echo "== 7. 峰值常驻内存：提交单个大文件（/usr/bin/time -v）"
mkdir -p "$WORK/huge/Ⅱ-01 党组织领导核心作用/标准1"
for gb in 1 "$HUGE_GB"; do
  f="$WORK/huge/Ⅱ-01 党组织领导核心作用/标准1/大文件.bin"
  rm -f "$f"
  # gb GB of unique content: the large files, repeated, each chunk tagged.
  for k in $(seq 1 $((gb * 1024 / (BIG_FILES * BIG_MB) + 1))); do
    echo "chunk $k" && cat "$BIG"/*/*/*.bin
  done | head -c $((gb << 30)) > "$f" || true
  sync
  new_archive "$ARCH" HUGE
  t0=$(now)
  R=$(rss_mb "$BIN" --archive "$ARCH" ingest "$WORK/huge" --community HUGE --no-wait)
  t=$(echo "$(now) - $t0" | bc)
  RC=$(rss_mb cp "$f" "$WORK/copy.bin")
  rm -f "$WORK/copy.bin"
  awk -v g="$gb" -v r="$R" -v c="$RC" -v t="$t" 'BEGIN {
    printf "  %d GB 文件：kaoping ingest 峰值 %s MB（%.1f s，%.0f MB/s）；cp 峰值 %s MB\n", g, r, t, g * 1024 / t, c }'
  rm -rf "$ARCH"
done
rm -rf "$WORK/huge" "$BIG"

# ------------------------------------------------ 2-4. small files
echo
echo "== 2. 小文件：$SMALL_FILES 个 1–100 KB 的文件"
SMALL="$WORK/small"
gen "$SMALL" "$SMALL_FILES" 1024 102400 2
S=$(bytes_of "$SMALL")
warm "$SMALL"
echo "  共 $(awk -v b="$S" 'BEGIN {printf "%.0f MB", b / 1048576}')"
CP=$(best fresh_copy sh -c "cp -r '$SMALL' '$WORK/copy' && sync")
row "cp -r + sync" "$CP" "$S"
BAG=$(best fresh_copy sh -c "cp -r '$SMALL' '$WORK/copy' && bagit.py --sha256 '$WORK/copy' && sync")
row "cp -r + bagit.py --sha256（单进程）" "$BAG" "$S"
BAGP=$(best fresh_copy sh -c "cp -r '$SMALL' '$WORK/copy' && bagit.py --sha256 --processes $NCPU '$WORK/copy' && sync")
row "cp -r + bagit.py --sha256 --processes $NCPU" "$BAGP" "$S"
fresh_copy
ARCH="$WORK/arch-small"
fresh_small() { new_archive "$ARCH" SMALL; }
ING=$(best fresh_small sh -c "'$BIN' --archive '$ARCH' ingest '$SMALL' --community SMALL --no-wait && sync")
row "kaoping ingest / cp+sync" "$ING" "$S" "$CP"
awk -v i="$ING" -v c="$CP" -v b="$BAG" -v p="$BAGP" 'BEGIN {
  printf "  比 cp+bagit 快 %.2f 倍（对 --processes 为 %.2f 倍；目标 ≥ 1.5）；ingest 时间 / cp+sync = %.2f（目标 ≤ 1.3）\n", b / i, p / i, i / c }'

echo
echo "== 3. 重复提交同一文件夹（去重路径）与校验（小文件）"
RE=$(best none sh -c "'$BIN' --archive '$ARCH' ingest '$SMALL' --community SMALL --no-wait --allow-identical && sync")
row "kaoping ingest（内容已在库中）" "$RE" "$S"
VER=$(best none "$BIN" --archive "$ARCH" verify)
row "kaoping verify（整个档案库）" "$VER" "$(bytes_of "$ARCH/objects")"

echo
echo "== 4. 导出约 $(awk -v b="$S" 'BEGIN {printf "%.0f MB", b / 1048576}') 的一版提交（$SMALL_FILES 个文件）"
ZIPREF=$(best "rm -f $WORK/ref.zip" sh -c "cd '$SMALL' && zip -q -r -0 '$WORK/ref.zip' . && sync")
row "zip -r -0（不压缩，同 BagIt 导出）+ sync" "$ZIPREF" "$S"
ZIPDEF=$(REPEAT=1 best "rm -f $WORK/ref.zip" sh -c "cd '$SMALL' && zip -q -r '$WORK/ref.zip' . && sync")
row "zip -r（默认压缩）+ sync" "$ZIPDEF" "$S"
rm -f "$WORK/ref.zip"
EXP=$(best "rm -f $WORK/bag.zip" "$BIN" --archive "$ARCH" export --community SMALL -o "$WORK/bag.zip")
row "kaoping export（BagIt ZIP，含 fsync）/ zip -r -0" "$EXP" "$S" "$ZIPREF"
awk -v e="$EXP" -v z="$ZIPDEF" 'BEGIN { printf "  kaoping export / zip -r（默认）= %.2f\n", e / z }'
rm -rf "$ARCH" "$SMALL" "$WORK/bag.zip"

# ------------------------------------------------ 6. scaling
echo
echo "== 6. 规模：档案库增长到 1、10、$COMMUNITIES 个社区的提交（每个社区 $COMMUNITY_FILES 个 1–200 KB 的文件）"
ARCH="$WORK/arch-scale"
ids=()
for n in $(seq 1 "$COMMUNITIES"); do ids+=("$(printf 'C%03d' "$n")"); done
new_archive "$ARCH" "${ids[@]}"
SUBS="$WORK/subs"
for n in $(seq 1 "$COMMUNITIES"); do
  gen "$SUBS/${ids[$((n - 1))]}" "$COMMUNITY_FILES" 1024 204800 $((100 + n))
done
warm "$SUBS"
total=0
for n in $(seq 1 "$COMMUNITIES"); do
  id=${ids[$((n - 1))]}
  timed sh -c "'$BIN' --archive '$ARCH' ingest '$SUBS/$id' --community $id --no-wait && sync"
  this=$LAST
  total=$(echo "$total + $this" | bc)
  case $n in
    1 | 10 | "$COMMUNITIES")
      timed "$BIN" --archive "$ARCH" verify
      v=$LAST
      timed "$BIN" --archive "$ARCH" verify --community "$id"
      awk -v n="$n" -v t="$total" -v s="$this" -v b="$(bytes_of "$ARCH/objects")" -v v="$v" -v vc="$LAST" \
        -v f="$(find "$ARCH/objects" -type f | wc -l)" 'BEGIN {
        printf "  %3d 个社区：%6d 个对象 %6.0f MB；第 %d 次提交 %.3f s，累计 %.2f s（平均 %.3f s）；全库 verify %.2f s（%.0f MB/s）；单社区 verify %.3f s\n",
          n, f, b / 1048576, n, s, t, t / n, v, b / 1048576 / v, vc }'
      ;;
  esac
done
# Per-submission time at the end vs the start: re-ingest community 1 and
# the last community into the full archive (new versions, same content).
timed sh -c "'$BIN' --archive '$ARCH' ingest '$SUBS/${ids[0]}' --community ${ids[0]} --no-wait --allow-identical && sync"
echo "  库中已有 $COMMUNITIES 个社区时，再提交一个社区（内容未变）：$(printf '%.3f' "$LAST") s"
rm -rf "$ARCH" "$SUBS"
echo
echo "完成 $(date -u '+%H:%M UTC')"
