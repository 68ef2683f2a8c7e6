#!/usr/bin/env bash
# 归档与移交 at city scale (issue 31): all 742 communities of Attachment 1
# registered, each handing in one submission of FILES text files of about
# FILE_KB KB; then, each with wall time and peak RSS:
#   kaoping file --phase 1            (归档: 档号, metadata, the 四性检测)
#   kaoping transfer --phase 1 -o …   (移交: 742 封装包, catalogue, checks)
#   kaoping transfer check …          (接收: the package alone)
# beside the same records exported as BagIt ZIPs (`kaoping export`, one
# per community: the tool kaoping had before) and beside the reference
# tools on the same files: `clamscan -r` (the virus scan both checks run)
# and `zip -r` of the evidence folders.
#
# ClamAV gets a one-signature database of the bench's own (so it scans
# every file, as with a real database, without the real one's load time;
# with Debian's freshclam database add its load time, about 10-20 s).
#
# Usage: nice -n 19 bench/transfer.sh [KAOPING_BIN]
# Sizes (environment): FILES=10 FILE_KB=20 (LIMIT=N registers N communities
# only, for a quick trial).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
K=$(realpath "${1:-$HERE/../target/release/kaoping}")
FILES=${FILES:-10}
FILE_KB=${FILE_KB:-20}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/kaoping-transfer.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export KAOPING_ARCHIVE=$WORK/archive
for tool in clamscan zip /usr/bin/time; do
  command -v "$tool" > /dev/null || { echo "缺少 $tool" >&2; exit 1; }
done
measure() {
  /usr/bin/time -f "%e %M" -o m.txt "$@" > out.txt 2> err.txt || true
  awk '{ printf "%.2f s，峰值内存 %d MB", $1, $2 / 1024 }' m.txt
}
echo "kaoping 归档与移交性能测试  $(date -u '+%Y-%m-%d %H:%M UTC')，$(nproc) 核，负载 $(cut -d' ' -f1-3 /proc/loadavg)"
"$K" init archive > /dev/null
"$K" districts --json | python3 -c '
import csv, json, sys
n = int(sys.argv[1]) or None
rows = [["编号", "名称", "所属区县", "类型", "批次"]]
for d, x in enumerate(json.load(sys.stdin)):
    for i in range(x["communities"]):
        kind = "城市社区" if i < x["urban"] else "“村改居”社区"
        rows.append(["D%02d-%03d" % (d, i), "%s第%d社区" % (x["name"], i + 1), x["name"], kind, "第一阶段"])
rows = rows[: (n + 1) if n else None]
with open("list.csv", "w", newline="", encoding="utf-8-sig") as f:
    csv.writer(f).writerows(rows)
' "${LIMIT:-0}"
"$K" community import list.csv > /dev/null
ids=$(python3 -c 'import csv; print(" ".join(r[0] for r in list(csv.reader(open("list.csv", encoding="utf-8-sig")))[1:]))')
python3 - "$FILES" "$FILE_KB" $ids << 'PY'
import os, random, sys
files, kb, ids = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
rng = random.Random(7)
for c in ids:
    d = os.path.join("材料", c, "Ⅱ-01 党组织领导核心作用", "标准1")
    os.makedirs(d, exist_ok=True)
    for i in range(files):
        line = "%s 第%d份材料 " % (c, i)
        body = "".join(line + "%016x\n" % rng.getrandbits(64) for _ in range(kb * 1024 // 48))
        open(os.path.join(d, "记录%02d.txt" % i), "w", encoding="utf-8").write(body)
PY
start=$(date +%s)
for id in $ids; do "$K" ingest "材料/$id" --community "$id" > /dev/null; done
n=$(echo $ids | wc -w)
echo "建档：$n 个社区各提交一版（$FILES 个文件），材料共 $(du -sh 材料 | cut -f1)，档案库 $(du -sh archive | cut -f1)，用时 $(( $(date +%s) - start )) s"
printf '%s:%s:Kaoping.Bench.Test\n' "$(echo -n kaoping-bench | md5sum | cut -d' ' -f1)" 12 > bench.hdb
python3 - << 'PY'
import re
p = "archive/kaoping.toml"
s = open(p, encoding="utf-8").read()
s = s.replace('# "病毒库" = "/var/lib/clamav"', '"病毒库" = "%s"' % (__import__("os").path.abspath("bench.hdb")))
open(p, "w", encoding="utf-8").write(s)
PY
grep -q '^"病毒库"' archive/kaoping.toml || echo "（提示：kaoping.toml 中没有找到病毒库设置，病毒检测可能未进行）"
echo "| 操作 | 时间与峰值内存 |"
echo "| --- | --- |"
echo "| kaoping file --phase 1（归档 $n 件 + 归档检测） | $(measure "$K" file --phase 1 -o 归档) |"
grep -m1 "结论" out.txt || true
echo "| kaoping transfer --phase 1（写 $n 个封装包 + 移交前检测） | $(measure "$K" transfer --phase 1 -o 移交包) |"
grep -m1 "结论" out.txt || true
echo "| kaoping transfer check（接收检测，不用档案库） | $(measure "$K" transfer check 移交包 --virus-db bench.hdb -o 接收) |"
grep -m1 "结论" out.txt || true
echo "移交包：$(du -sh 移交包 | cut -f1)，$(find 移交包/封装包 -type f | wc -l) 个封装包"
mkdir -p bags
/usr/bin/time -f "%e %M" -o m.txt bash -c 'for id in '"$ids"'; do "'"$K"'" export --community "$id" -o "bags/$id.zip" > /dev/null; done'
echo "| kaoping export × $n（每个社区一个 BagIt ZIP，总时间、单次最大内存） | $(awk '{ printf "%.2f s，峰值内存 %d MB", $1, $2 / 1024 }' m.txt) |"
echo "| 参照：clamscan -r 材料（同一病毒库） | $(measure clamscan -r --no-summary --database=bench.hdb 材料) |"
echo "| 参照：zip -r 材料 | $(measure zip -qr ref.zip 材料) |"
