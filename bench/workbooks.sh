#!/usr/bin/env bash
# Workbooks beside CSV: reading a 10,000-row community list (.xlsx and
# CSV) with `kaoping community import`, and writing the file list of a
# 20,000-file submission with `kaoping show --xlsx` and `--csv`; wall
# time and peak RSS of each, with Python's openpyxl reading and writing
# the same workbooks as the reference.
#
# Usage: nice -n 19 bench/workbooks.sh [KAOPING_BIN]
# Sizes (environment): ROWS=10000 FILES=20000 ROUNDS=3.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
K=${1:-$HERE/../target/release/kaoping}
ROWS=${ROWS:-10000}
FILES=${FILES:-20000}
ROUNDS=${ROUNDS:-3}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/kaoping-wb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

# "seconds max-RSS-MB" of a command (GNU time).
measure() {
  /usr/bin/time -f "%e %M" -o m.txt "$@" > /dev/null 2> err.txt || { cat err.txt; exit 1; }
  awk '{ printf "%.2f s  %d MB", $1, $2 / 1024 }' m.txt
}

python3 - "$ROWS" << 'PY'
import csv, sys, openpyxl
n = int(sys.argv[1])
districts = ["五华区", "盘龙区", "官渡区", "西山区", "呈贡区", "晋宁区"]
rows = [["编号", "名称", "所属区县", "类型", "批次"]]
for i in range(n):
    rows.append(["B%05d" % i, "测试社区%05d" % i, districts[i % 6],
                 "城市社区" if i % 3 else "“村改居”社区", "第一阶段"])
with open("list.csv", "w", newline="", encoding="utf-8-sig") as f:
    csv.writer(f).writerows(rows)
wb = openpyxl.Workbook()
ws = wb.active
for r in rows:
    ws.append(r)
wb.save("list.xlsx")
PY

echo "== 读取 ${ROWS} 行的社区名单（community import，各 ${ROUNDS} 轮）"
for r in $(seq "$ROUNDS"); do
  for f in list.csv list.xlsx; do
    rm -rf "a-$f"; mkdir "a-$f"
    (cd "a-$f" && "$K" init > /dev/null)
    printf "  第 %d 轮 %-10s kaoping %s\n" "$r" "$f" "$(cd "a-$f" && measure "$K" community import "../$f")"
  done
  printf "  第 %d 轮 list.xlsx  openpyxl 只读取 %s\n" "$r" \
    "$(measure python3 -c 'import openpyxl; wb = openpyxl.load_workbook("list.xlsx", read_only=True); sum(1 for _ in wb.active.iter_rows(values_only=True))')"
done

echo "== ${FILES} 个文件的提交：show --xlsx 与 --csv（各 ${ROUNDS} 轮）"
python3 - "$FILES" << 'PY'
import os, sys
n = int(sys.argv[1])
for i in range(n):
    d = os.path.join("材料", "Ⅱ-08 社区依法办事", "标准%d" % (i % 4 + 1))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "材料%05d.txt" % i), "w") as f:
        f.write("file %d\n" % i)
PY
mkdir big && (cd big && "$K" init > /dev/null \
  && "$K" community add --id WH-001 --name 翠湖社区 --district 五华区 --type 城市社区 --batch 第一阶段 > /dev/null \
  && "$K" ingest ../材料 --community WH-001 > /dev/null)
for r in $(seq "$ROUNDS"); do
  printf "  第 %d 轮 --xlsx  %s\n" "$r" "$(cd big && measure "$K" show --community WH-001 --xlsx ../show.xlsx)"
  printf "  第 %d 轮 --csv   %s\n" "$r" "$(cd big && measure sh -c "'$K' show --community WH-001 --csv > ../show.csv")"
  printf "  第 %d 轮 openpyxl 写同样的 %d 行 %s\n" "$r" "$FILES" "$(measure python3 -c '
import csv, openpyxl
wb = openpyxl.Workbook(write_only=True); ws = wb.create_sheet()
for row in csv.reader(open("show.csv", encoding="utf-8-sig")): ws.append(row)
wb.save("py.xlsx")')"
done
ls -l show.xlsx show.csv py.xlsx | awk '{ print "  " $9 ": " $5 " 字节" }'
