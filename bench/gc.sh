#!/usr/bin/env bash
# Garbage collection benchmark (issue 33, "Measure"): 20,000 unreferenced
# objects (1-10 KB, laid out under objects/sha256/xx/<hash> as kaoping
# stores them) put straight into the bucket of a distributed root on
# PostgreSQL + three-node Garage, then removed by `kaoping gc` (a mark run
# and a sweep run, --older-than 0s) and, after putting them back, by
# `rclone delete` of the same keys — in one run, on the same cluster. The
# same 20,000 objects in a local root's objects/ are also removed by
# `kaoping gc` beside `find … -delete` + `sync`.
# Usage: nice -n 19 bench/gc.sh   (KAOPING picks the binary, default
# target/release/kaoping; COUNT the number of objects, default 20000).
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-20000}
BIN=$(realpath "${KAOPING:-target/release/kaoping}")
WORK=$(mktemp -d /var/tmp/kaoping-gc.XXXXXX)
# shellcheck source=lib/engines.sh
source bench/lib/engines.sh
trap 'engines_stop; rm -rf "$WORK"' EXIT
PSQL=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -1)/psql
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

echo "kaoping gc 性能测试 $(date -u '+%Y-%m-%d %H:%M UTC')；$COUNT 个无引用对象；$(nproc) 核；负载 $(load)"
echo "kaoping：$BIN；$(rclone version | head -1)"
# The objects: COUNT files of 1-10 KB named by their SHA-256.
python3 - "$WORK/objs" "$COUNT" <<'PY'
import hashlib, os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(33)
for i in range(n):
    data = rnd.randbytes(rnd.randint(1024, 10240))
    h = hashlib.sha256(data).hexdigest()
    d = os.path.join(root, "objects", "sha256", h[:2])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, h), "wb") as f:
        f.write(data)
PY
MB=$(du -sm "$WORK/objs" | cut -f1)
echo "数据：$COUNT 个文件，$MB MB"

pg_start >/dev/null
garage_start >/dev/null
"$PSQL" -X -q -d "$KP_PG" -c "create database gcbench" >/dev/null
"$BIN" init "$WORK/dist" --database "${KP_PG% dbname=*} dbname=gcbench" --bucket "$KP_BUCKET" \
  --endpoint "$KP_S3_ENDPOINT" --region "$KP_S3_REGION" >/dev/null
put_all() { rclone copy --transfers 16 "$WORK/objs" "kpg:$KP_BUCKET" >/dev/null 2>&1; }
count() { rclone lsf -R --files-only "kpg:$KP_BUCKET/objects" 2>/dev/null | wc -l; }

put_all
echo "桶中对象：$(count)"
t=$(now); "$BIN" --archive "$WORK/dist" gc --older-than 0s >/dev/null; mark=$(since "$t")
t=$(now); "$BIN" --archive "$WORK/dist" gc --older-than 0s >"$WORK/sweep.txt"; sweep=$(since "$t")
left=$(count)
echo "kaoping gc（分布式）：标记 ${mark} s，清除 ${sweep} s，剩余 $left 个；负载 $(load)"
grep -E "已删除" "$WORK/sweep.txt"
put_all
echo "桶中对象：$(count)"
t=$(now); rclone delete --checkers 16 --transfers 16 "kpg:$KP_BUCKET/objects" >/dev/null 2>&1; rdel=$(since "$t")
echo "rclone delete（--checkers 16）：${rdel} s，剩余 $(count) 个；负载 $(load)"

"$BIN" init "$WORK/local" >/dev/null
cp -r "$WORK/objs/objects" "$WORK/local/" && sync
t=$(now); "$BIN" --archive "$WORK/local" gc --older-than 0s >/dev/null; lmark=$(since "$t")
t=$(now); "$BIN" --archive "$WORK/local" gc --older-than 0s >/dev/null; lsweep=$(since "$t")
echo "kaoping gc（本地）：标记 ${lmark} s，清除 ${lsweep} s，剩余 $(find "$WORK/local/objects" -type f | wc -l) 个"
cp -r "$WORK/objs/objects" "$WORK/local2" && sync
t=$(now); find "$WORK/local2" -type f -delete && sync; fdel=$(since "$t")
echo "find -delete + sync（本地）：${fdel} s；负载 $(load)"
