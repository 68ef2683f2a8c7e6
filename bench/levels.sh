#!/usr/bin/env bash
# 评估验收 at city scale: all 742 communities of Attachment 1 registered,
# each with a 社区自查, a 县区初评, five 专家评估 sheets and a final result
# from the 专家组 (`assess finalize`); then the office overview page
# (median and worst of 20 requests over loopback, signed in), the 进度汇总表
# PDF and a district's 初评情况报告 PDF, wall time and peak RSS.
#
# Usage: nice -n 19 bench/levels.sh [KAOPING_BIN]
# Sizes (environment): EXPERTS=5 REQUESTS=20 (LIMIT=N for a quick trial;
# KEEP=DIR keeps the archive).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
K=${1:-$HERE/../target/release/kaoping}
EXPERTS=${EXPERTS:-5}
REQUESTS=${REQUESTS:-20}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/kaoping-levels.XXXXXX")
# KEEP=DIR keeps the archive built (for profiling) in DIR/archive.
trap 'kill $SERVER 2>/dev/null || true; [ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && mv "$WORK/archive" "$KEEP/"; rm -rf "$WORK"' EXIT
SERVER=
cd "$WORK"
export KAOPING_ARCHIVE=$WORK/archive

measure() {
  /usr/bin/time -f "%e %M" -o m.txt "$@" > /dev/null 2> err.txt || { cat err.txt; exit 1; }
  awk '{ printf "%.2f s  %d MB", $1, $2 / 1024 }' m.txt
}

"$K" init archive > /dev/null
# Every community of Attachment 1, district by district.
"$K" districts --json | python3 -c '
import csv, json, sys
rows = [["编号", "名称", "所属区县", "类型", "批次"]]
for d, x in enumerate(json.load(sys.stdin)):
    for i in range(x["communities"]):
        kind = "城市社区" if i < x["urban"] else "“村改居”社区"
        rows.append(["D%02d-%03d" % (d, i), "%s第%d社区" % (x["name"], i + 1), x["name"], kind, "第一阶段"])
with open("list.csv", "w", newline="", encoding="utf-8-sig") as f:
    csv.writer(f).writerows(rows)
print(len(rows) - 1, file=sys.stderr)
'
"$K" community import list.csv > /dev/null
"$K" assess template --community D00-000 -o blank.csv > /dev/null
python3 - << 'PY'
import csv
rows = list(csv.reader(open("blank.csv", encoding="utf-8-sig")))
for r in rows[1:]:
    r[5], r[7], r[8], r[10] = "基本达标", "考评人", "2019-11-20", ""
with open("sheet.csv", "w", newline="", encoding="utf-8-sig") as f:
    csv.writer(f).writerows(rows)
PY
# LIMIT=N assesses only the first N communities (a quick trial of the script).
ids=$(python3 -c 'import csv, sys; n = int(sys.argv[1]) or None; print(" ".join(r[0] for r in list(csv.reader(open("list.csv", encoding="utf-8-sig")))[1:][:n]))' "${LIMIT:-0}")
# The expert panel: each expert account is assigned every community
# assessed (a sheet from anyone else is refused).
for e in $(seq 1 "$EXPERTS"); do
  echo "expert-pass-$e" | "$K" user add "zj$e" --role expert --password-stdin > /dev/null
  # shellcheck disable=SC2086
  "$K" expert assign "zj$e" $(printf -- '--community %s ' $ids) > /dev/null
done
start=$(date +%s.%N)
# Every 50 communities: how long their 400 commands took, to see whether
# an import's time grows with the archive (printed after the build).
lap=$start
n_done=0
: > laps.txt
for id in $ids; do
  "$K" assess import sheet.csv --community "$id" --level 自查 > /dev/null
  "$K" assess import sheet.csv --community "$id" --level 初评 > /dev/null
  for e in $(seq 1 "$EXPERTS"); do
    "$K" assess import sheet.csv --community "$id" --level 专家 --expert "zj$e" > /dev/null
  done
  "$K" assess finalize --community "$id" > /dev/null
  n_done=$((n_done + 1))
  if [ $((n_done % 50)) = 0 ]; then
    now=$(date +%s.%N)
    echo "$n_done $(wc -l < archive/log.jsonl) $(python3 -c "print(f'{($now - $lap) * 1000 / (50 * ($EXPERTS + 3)):.1f}')")" >> laps.txt
    lap=$now
  fi
done
end=$(date +%s.%N)
n=$(echo $ids | wc -w)
echo "建档：$n 个社区 × (自查 + 初评 + $EXPERTS 位专家 + 专家组汇总)，$(wc -l < archive/log.jsonl) 条日志，$(du -sh archive | cut -f1)，$(python3 -c "print(f'{$end - $start:.0f}')") s"

echo "每条命令的平均用时（每 50 个社区一段）：社区数 日志条数 毫秒"
sed 's/^/  /' laps.txt
echo "进度汇总表 PDF：$(measure "$K" progress -o out)"
echo "初评情况报告 PDF（五华区）：$(measure "$K" preliminary --district 五华区 --signer 张三 -o out)"
echo "assess state：$(measure "$K" assess state)"

PORT=$((20000 + RANDOM % 20000))
echo office-pass-1 | "$K" user add kaopingban --role office --password-stdin > /dev/null
"$K" serve --listen "127.0.0.1:$PORT" > serve.log 2>&1 &
SERVER=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/login" > /dev/null && break; sleep 0.2; done
token=$(curl -s -c jar "http://127.0.0.1:$PORT/login" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p')
curl -s -b jar -c jar -o /dev/null -d "name=kaopingban&password=office-pass-1&token=$token" "http://127.0.0.1:$PORT/login"
for _ in $(seq "$REQUESTS"); do
  curl -s -b jar -o page.html -w '%{http_code} %{time_total}\n' "http://127.0.0.1:$PORT/office"
done > times.txt
grep -qv '^200 ' times.txt && { echo "overview failed:"; cat times.txt; exit 1; }
grep -c "D00-000" page.html > /dev/null || { echo "overview lacks communities"; exit 1; }
sort -k2 -n times.txt | awk '{ t[NR] = $2 } END { printf "考评办总览（%d 次）：中位 %.0f ms，最慢 %.0f ms\n", NR, t[int((NR + 1) / 2)] * 1000, t[NR] * 1000 }'
