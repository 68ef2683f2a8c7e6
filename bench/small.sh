#!/usr/bin/env bash
# Small-file ingest vs cp -r + sync, in interleaved rounds (the ratio of
# item 2 of bench/archive.sh, without the rest of the suite), optionally
# for two kaoping binaries side by side (before/after a change).
#
# Usage: nice -n 19 bench/small.sh [KAOPING_BIN [OTHER_BIN]]
# Sizes (environment): SMALL_FILES=20000 ROUNDS=3; BENCH_DIR as in
# archive.sh. Each round times cp -r + sync, then each binary's ingest +
# sync into a fresh archive; every tool's best round and the median
# per-round ratio are printed. The binaries take turns going first.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BINS=("${@:-$HERE/../target/release/kaoping}")
SMALL_FILES=${SMALL_FILES:-20000}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/kaoping-small.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

now() { date +%s.%N; }
timed() { local t0; t0=$(now); "$@" > /dev/null 2>&1; echo "$(now) - $t0" | bc; }

python3 - "$WORK/small" "$SMALL_FILES" 1024 102400 2 << 'PY'
import os, random, sys
dst, n, lo, hi, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
rng = random.Random(seed)
folders = [("Ⅱ-01 党组织领导核心作用", [1]), ("Ⅱ-02 基层政府主导作用", [1, 2]),
           ("Ⅱ-08 社区依法办事", [1, 2, 3, 4]), ("Ⅱ-14 社区领导机制和工作机制", [1, 2, 3]),
           ("Ⅱ-15 加大资金投入力度", [1, 2, 3]), ("Ⅱ-16 加强社区工作者队伍建设", [1, 2, 3])]
blob = os.urandom(max(hi, 1 << 20) * 2)
for i in range(n):
    size = rng.randint(lo, hi)
    ind, stds = folders[i % len(folders)]
    d = os.path.join(dst, ind, "标准%d" % stds[i % len(stds)])
    os.makedirs(d, exist_ok=True)
    head = ("seed %d file %d\n" % (seed, i)).encode()
    off = rng.randrange(0, len(blob) - size + 1)
    with open(os.path.join(d, "材料%05d.bin" % i), "wb") as f:
        f.write(head + blob[off:off + size - len(head)])
PY
find "$WORK/small" -type f -print0 | xargs -0 cat > /dev/null
MB=$(du -sm --apparent-size "$WORK/small" | cut -f1)
echo "$SMALL_FILES 个文件，约 $MB MB；$ROUNDS 轮交替测量"
sync

declare -A T
for r in $(seq "$ROUNDS"); do
  rm -rf "$WORK/copy"; sync
  T[cp,$r]=$(timed sh -c "cp -r '$WORK/small' '$WORK/copy' && sync")
  rm -rf "$WORK/copy"; sync
  line="第 $r 轮：cp -r + sync ${T[cp,$r]} s"
  order=("${!BINS[@]}")
  # Alternate which binary goes first, so neither always follows cp.
  if [ $((r % 2)) = 0 ]; then order=($(printf '%s\n' "${order[@]}" | sort -rn)); fi
  for i in "${order[@]}"; do
    bin=${BINS[$i]}
    rm -rf "$WORK/arch"
    "$bin" init "$WORK/arch" > /dev/null
    "$bin" --archive "$WORK/arch" community add --id S --name 测试社区 \
      --district 五华区 --type 城市社区 --batch 第一阶段 > /dev/null
    sync
    T[$i,$r]=$(timed sh -c "'$bin' --archive '$WORK/arch' ingest '$WORK/small' --community S --no-wait && sync")
    line="$line；$(basename "$bin") ${T[$i,$r]} s（比值 $(echo "scale=2; ${T[$i,$r]} / ${T[cp,$r]}" | bc)）"
    rm -rf "$WORK/arch"; sync
  done
  echo "$line"
done
summary() { # KEY: best time and median ratio
  local key=$1 best="" ratios=()
  for r in $(seq "$ROUNDS"); do
    local t=${T[$key,$r]}
    if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
    ratios+=("$(echo "scale=4; $t / ${T[cp,$r]}" | bc)")
  done
  local med
  med=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}')
  printf '%s: 最好 %.2f s，各轮比值中位数 %.2f\n' "$2" "$best" "$med"
}
summary cp "cp -r + sync" | sed 's/，各轮比值中位数 1.00//'
for i in "${!BINS[@]}"; do summary "$i" "$(basename "${BINS[$i]}")"; done
