#!/bin/sh
# Load test of the public questionnaire (issue 16): 500 concurrent
# respondents posting complete answers to their own copies through wrk on
# loopback, then the stored count against the accepted answers, duplicates
# and `kaoping verify`; and the bare fsync rate of the same disk beside it.
# With KILL=1 the server is killed with SIGKILL two seconds into the run:
# every answer acknowledged before must be in the log afterwards.
# Usage: [KILL=1] bench/survey.sh [kaoping binary] [copies] [seconds]
set -eu
K=${1:-target/release/kaoping}
COPIES=${2:-12000}
SECS=${3:-10}
THREADS=2
W=$(mktemp -d /var/tmp/kaoping-survey-bench.XXXXXX)
SERVER=
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$W"' EXIT
cd "$W"
"$K" init a >/dev/null
"$K" --archive a community add --id WH-001 --name 翠湖社区 --district 五华区 --type 城市社区 --batch 第一阶段 >/dev/null
"$K" --archive a community add --id WH-002 --name 华山社区 --district 五华区 --type 城市社区 --batch 第一阶段 >/dev/null
sed -i 's|^# base_url = .*|base_url = "http://127.0.0.1:18116"|' a/kaoping.toml
left=$COPIES; i=0
while [ "$left" -gt 0 ]; do
  n=$(( left > 2000 ? 2000 : left ))
  # At most 9999 copies per community: alternate between the two.
  "$K" --archive a survey print --community "WH-00$(( i % 2 + 1 ))" --copies "$n" --links "l$i.csv" --links-only >/dev/null
  left=$(( left - n )); i=$(( i + 1 ))
done
"$K" --archive a serve --listen 127.0.0.1:18116 >serve.log 2>&1 &
SERVER=$!
sleep 1
# Every respondent opens the page first (the nonce that times the answer).
python3 - <<'PY'
import glob, http.client, re
c = http.client.HTTPConnection("127.0.0.1", 18116)
out = open("pairs.txt", "w")
for f in sorted(glob.glob("l*.csv")):
    for line in open(f, encoding="utf-8").read().splitlines()[1:]:
        path = line.rsplit(",", 1)[1].replace("http://127.0.0.1:18116", "")
        c.request("GET", path)
        body = c.getresponse().read().decode()
        out.write(path + " " + re.search(r'name="nonce" value="([0-9a-f]+)"', body).group(1) + "\n")
PY
echo "== bare fsync rate of this disk (300-byte appends, 2000 x write+fsync)"
python3 - <<'PY'
import os, time
f = os.open("fsync.bin", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
t = time.time()
for _ in range(2000):
    os.write(f, b"x" * 300 + b"\n"); os.fsync(f)
dt = time.time() - t
print(f"FSYNC_PER_S {2000/dt:.0f}")
PY
echo "== wrk: 500 connections, ${SECS}s, $COPIES copies"
if [ "${KILL:-0}" = 1 ]; then (sleep 2; kill -9 $SERVER; echo "== server killed with SIGKILL") & fi
PAIRS="$W/pairs.txt" THREADS=$THREADS wrk -t$THREADS -c500 -d${SECS}s --timeout 10s --latency -s "$OLDPWD/bench/survey_post.lua" http://127.0.0.1:18116 | tee wrk.txt
# One snapshot of the log for both counts (the server may still be
# finishing requests that wrk gave up on).
grep '"kind":"survey-answer"' a/log.jsonl > answers.txt || true
STORED=$(wc -l < answers.txt)
UNIQUE=$(grep -o '"number":"[^"]*"' answers.txt | sort -u | wc -l)
echo "STORED $STORED UNIQUE $UNIQUE"
kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true
"$K" --archive a verify | tail -1
