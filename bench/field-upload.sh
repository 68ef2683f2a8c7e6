#!/usr/bin/env bash
# On-site photo uploads under load (issue 15): N assessors (expert
# accounts, all assigned WH-001) each upload one distinct photo of about
# SIZE_MB at the same moment over loopback, with curl's parallel mode as
# the load generator (-Z, one connection per transfer). Checks that every
# upload is acknowledged (200), that every photo is recorded once and
# stored byte for byte, that sending the same photos again records
# nothing new; prints the acknowledgement times (min/median/p95/max) and
# the server's resident memory before, during (peak) and after.
#
# Usage: nice -n 19 bench/field-upload.sh [KAOPING_BIN]
# Environment: N=50 SIZE_MB=5 BENCH_DIR=/var/tmp.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BIN=${1:-$HERE/../target/release/kaoping}
N=${N:-50}
SIZE_MB=${SIZE_MB:-5}
WORK=$(mktemp -d "${BENCH_DIR:-/var/tmp}/kaoping-field.XXXXXX")
SERVER=
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; [ -n "${KEEP:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
K() { "$BIN" --archive "$WORK/archive" "$@"; }
K init archive > /dev/null
K community add --id WH-001 --name 翠湖社区 --district 五华区 --type 城市社区 --batch 第一阶段 > /dev/null
K point add --community WH-001 --name 综合服务中心 --kind 社区综合服务中心 > /dev/null
for i in $(seq -w 1 "$N"); do
  echo "bench-pass-$i" | K user add "e$i" --role expert --password-stdin > /dev/null
  K expert assign "e$i" --community WH-001 > /dev/null
done
# One generated photo with EXIF (from the demo), made distinct and about
# SIZE_MB by bytes after its end marker (readers ignore them).
"$BIN" demo demo > /dev/null
base=$(ls demo/实地考评/*.jpg | head -1)
python3 - "$base" "$N" "$SIZE_MB" << 'PY'
import os, sys
base, n, mb = open(sys.argv[1], "rb").read(), int(sys.argv[2]), float(sys.argv[3])
for i in range(1, n + 1):
    with open(f"p{i:0{len(str(n))}d}.jpg", "wb") as f:
        f.write(base + os.urandom(int(mb * 1048576) - len(base)))
PY
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$BIN" --archive "$WORK/archive" serve --listen "127.0.0.1:$port" > serve.log 2>&1 &
SERVER=$!
url="http://127.0.0.1:$port"
until curl -fs "$url/login" > /dev/null; do sleep 0.2; done
rss() { awk "/^$1:/ {print \$2}" "/proc/$SERVER/status"; }
# Sign every assessor in; keep its cookie jar and form token. (The
# transfers of one parallel curl share a cookie store, so each sends its
# own session cookie as a header instead.)
for i in $(seq -w 1 "$N"); do
  token=$(curl -s -c "j$i" "$url/login" | sed -n 's/.*name="token" value="\([^"]*\)".*/\1/p' | head -1)
  curl -s -b "j$i" -c "j$i" -o /dev/null -d "name=e$i&password=bench-pass-$i&token=$token&next=/" "$url/login"
  curl -s -b "j$i" "$url/c/WH-001/field" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1 > "t$i"
done
config() {
  : > cfg
  for i in $(seq -w 1 "$N"); do
    cat >> cfg << CFG
url = "$url/c/WH-001/field/photo/upload"
header = "Cookie: $(awk 'NF >= 7 && ($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) {print $6 "=" $7}' "j$i" | tail -1)"
header = "Accept: application/json"
form = "csrf=$(cat "t$i")"
form = "point=P1"
form = "standard=Ⅱ-6/1"
form = "photo=@p$i.jpg;type=image/jpeg"
output = "r$1-$i.json"
write-out = "%{http_code} %{time_total}\n"
CFG
    [ "$i" -lt "$N" ] && echo next >> cfg
  done
}
before=$(rss VmRSS)
( peak=0; while kill -0 "$SERVER" 2>/dev/null && [ ! -e stop ]; do r=$(rss VmRSS); [ "$r" -gt "$peak" ] && peak=$r; echo "$peak" > peak; sleep 0.1; done ) &
run() {
  config "$1"
  local t0 t1
  t0=$(date +%s.%N)
  curl -s -S -Z --parallel-max "$N" --parallel-immediate -K cfg > "times$1"
  t1=$(date +%s.%N)
  echo "$t1 - $t0" | bc
}
wall=$(run 1)
sleep 0.5
after=$(rss VmRSS)
# Once the burst's threads have gone (the server hands memory back then).
sleep 5
settled=$(rss VmRSS)
touch stop
wall2=$(run 2)
events() { grep -c '"kind":"field-photo"' archive/log.jsonl; }
python3 - "$N" "$wall" "$wall2" "$before" "$(cat peak)" "$after" "$(rss VmHWM)" "$(events)" "$settled" << 'PY'
import json, sys, glob, hashlib, statistics
n, wall, wall2 = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3])
before, peak, after, hwm, events, settled = (int(x) for x in sys.argv[4:10])
def load(k):
    codes = [l.split() for l in open(f"times{k}")]
    return [c for c, _ in codes], sorted(float(t) for _, t in codes)
c1, t1 = load(1)
c2, _ = load(2)
first = [json.load(open(f)) for f in sorted(glob.glob("r1-*.json"))]
again = [json.load(open(f)) for f in sorted(glob.glob("r2-*.json"))]
shas = {r["sha256"] for r in first if r.get("ok")}
want = {hashlib.sha256(open(f"p{i:0{len(str(n))}d}.jpg", "rb").read()).hexdigest() for i in range(1, n + 1)}
q = lambda p: t1[min(len(t1) - 1, int(p * len(t1)))]
print(f"{n} uploads of {n} distinct photos at once: {c1.count('200')} answered 200, "
      f"{sum(1 for r in first if r.get('duplicate') is False)} stored, {len(shas)} distinct hashes, "
      f"hashes equal to the files: {shas == want}")
print(f"acknowledged in: min {t1[0]:.2f} s, median {statistics.median(t1):.2f} s, p95 {q(0.95):.2f} s, max {t1[-1]:.2f} s; all {n} in {wall:.2f} s")
print(f"the same {n} again: {c2.count('200')} answered 200, {sum(1 for r in again if r.get('duplicate'))} recognised as duplicates, "
      f"field-photo events in the log: {events} (want {n}); {wall2:.2f} s")
print(f"server RSS: {before // 1024} MB before, peak {peak // 1024} MB during, {after // 1024} MB 0.5 s after, {settled // 1024} MB 5 s after (VmHWM {hwm // 1024} MB)")
ok = c1.count("200") == n and shas == want and c2.count("200") == n and events == n
sys.exit(0 if ok else 1)
PY
objects=$(find archive/objects -type f | wc -l)
echo "objects in the store: $objects"
