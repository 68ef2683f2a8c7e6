#!/usr/bin/env bash
# Ingest benchmark: builds a realistic evidence folder (a few thousand files
# from 1 KB to 50 MB, unique contents), then times on the same files, in one
# run:
#   - cp -r + sync                 (the copying floor)
#   - sha256sum                    (coreutils, one core)
#   - openssl dgst -sha256         (hardware SHA, one core)
#   - kaoping ingest               (hash while copying, fsync, both cores)
#   - kaoping verify, 1 thread     (kaoping's SHA-256 rate on one core)
# The folder is read once beforehand so every tool reads from the page cache.
#
# Usage: bench/ingest.sh [FILES] [TOTAL_MB]      (defaults: 3000 files, 1500 MB)
# REPEAT (default 3): runs per tool; the best time is reported.
# KAOPING_BIN picks the binary (default: target/release/kaoping, built if
# missing). BENCH_DIR picks the scratch folder (default: a temp dir).
set -euo pipefail
cd "$(dirname "$0")/.."

FILES=${1:-3000}
REPEAT=${REPEAT:-3}
TOTAL_MB=${2:-1500}
BIN=${KAOPING_BIN:-target/release/kaoping}
if [ ! -x "$BIN" ]; then
  cargo build --release --quiet
fi
BIN=$(realpath "$BIN")
WORK=${BENCH_DIR:-$(mktemp -d)}
trap 'rm -rf "$WORK"' EXIT
SRC="$WORK/材料"

echo "生成测试材料：$FILES 个文件，约 $TOTAL_MB MB ……" >&2
python3 - "$SRC" "$FILES" "$TOTAL_MB" <<'PY'
import os, random, sys
src, n, total_mb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(20181)
# Sizes: log-uniform between 1 KB and 50 MB, then scaled to the total.
sizes = [int(1024 * (50 * 1024) ** rng.random()) for _ in range(n)]
scale = total_mb * 1024 * 1024 / sum(sizes)
sizes = [max(1024, min(50 << 20, int(s * scale))) for s in sizes]
blob = os.urandom(50 << 20)
folders = [("Ⅱ-01 党组织领导核心作用", [1]), ("Ⅱ-02 基层政府主导作用", [1, 2]),
           ("Ⅱ-08 社区依法办事", [1, 2, 3, 4]), ("Ⅱ-14 社区领导机制和工作机制", [1, 2, 3]),
           ("Ⅱ-15 加大资金投入力度", [1, 2, 3]), ("Ⅱ-16 加强社区工作者队伍建设", [1, 2, 3])]
for i, size in enumerate(sizes):
    ind, stds = folders[i % len(folders)]
    d = os.path.join(src, ind, "标准%d" % stds[i % len(stds)])
    os.makedirs(d, exist_ok=True)
    head = ("file %d\n" % i).encode()
    off = rng.randrange(0, len(blob) - size + 1)
    with open(os.path.join(d, "材料%05d.bin" % i), "wb") as f:
        f.write(head + blob[off:off + size - len(head)])
PY
BYTES=$(find "$SRC" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
NFILES=$(find "$SRC" -type f | wc -l)
MB=$(awk -v b="$BYTES" 'BEGIN {printf "%.1f", b/1048576}')
find "$SRC" -type f -print0 | xargs -0 cat > /dev/null   # warm the page cache
sync

now() { date +%s.%N; }
report() { # name seconds
  awk -v n="$1" -v t="$2" -v b="$BYTES" 'BEGIN {printf "  %-34s %7.2f s  %8.1f MB/s\n", n, t, b/1048576/t}'
}

echo "测试材料：$NFILES 个文件，$MB MB（$WORK）"
echo "CPU：$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')，$(nproc) 核；SHA 指令：$(grep -q sha_ni /proc/cpuinfo && echo 有 || echo 无)"

# The machine may be shared: each timing is the best of $REPEAT runs.
best() { # command… ; prints the shortest wall time in seconds
  local b=""
  for _ in $(seq "$REPEAT"); do
    "$@" > /dev/null
    local t; t=$(cat "$WORK/t")
    if [ -z "$b" ] || [ "$(echo "$t < $b" | bc)" = 1 ]; then b=$t; fi
  done
  echo "$b"
}
timed() { local t0 t1; t0=$(now); "$@" > /dev/null; t1=$(now); echo "$t1 - $t0" | bc > "$WORK/t"; }

copy_run() { rm -rf "$WORK/copy"; sync; timed sh -c "cp -r '$SRC' '$WORK/copy' && sync"; }
CP=$(best copy_run); report "cp -r + sync" "$CP"
rm -rf "$WORK/copy"; sync

sum_run() { timed sh -c "find '$SRC' -type f -print0 | xargs -0 sha256sum"; }
report "sha256sum（单核）" "$(REPEAT=1 best sum_run)"

ossl_run() { timed sh -c "find '$SRC' -type f -print0 | xargs -0 openssl dgst -sha256"; }
OSSL=$(best ossl_run); report "openssl dgst -sha256（单核）" "$OSSL"

ARCH="$WORK/archive"
ingest_run() {
  rm -rf "$ARCH"
  "$BIN" --archive "$ARCH" community add --id BENCH --name 测试社区 --district 五华区 \
    --type 城市社区 --batch 第一阶段 > /dev/null
  sync
  timed sh -c "'$BIN' --archive '$ARCH' ingest '$SRC' --community BENCH && sync"
}
ING=$(best ingest_run); report "kaoping ingest（含落盘，双核）" "$ING"

verify_run() { RAYON_NUM_THREADS=1 timed "$BIN" --archive "$ARCH" verify; }
VER=$(best verify_run); report "kaoping verify（SHA-256，单核）" "$VER"

awk -v i="$ING" -v c="$CP" -v v="$VER" -v o="$OSSL" 'BEGIN {
  printf "\n  ingest / (cp -r + sync)        = %.2f（目标 ≤ 1.3）\n", i/c
  printf "  kaoping 单核哈希速率 / openssl = %.2f（目标 ≥ 0.9）\n", o/v }'
