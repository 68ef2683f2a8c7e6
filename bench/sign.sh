#!/usr/bin/env bash
# Issuing end to end, before and after signing: `kaoping progress` (one
# 进度汇总表, numbered, rendered, signed or not, stored and logged with
# fsync) 15 times per binary, interleaved; medians in ms.
#   bench/sign.sh BEFORE_BINARY AFTER_BINARY
set -euo pipefail
before=$1; after=$2
w=$(mktemp -d)
for b in before after; do mkdir -p "$w/$b"; done
"$before" --archive "$w/before/a" init >/dev/null
"$after" --archive "$w/after/a" init >/dev/null
"$after" --archive "$w/after/a" keys init >/dev/null
now() { date +%s%N; }
tb=(); ta=()
for i in $(seq 1 15); do
  s=$(now); "$before" --archive "$w/before/a" progress -o "$w/before/o$i" >/dev/null; tb+=($(( ($(now) - s) / 1000000 )))
  s=$(now); "$after" --archive "$w/after/a" progress -o "$w/after/o$i" >/dev/null; ta+=($(( ($(now) - s) / 1000000 )))
done
med() { printf '%s\n' "$@" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "before (unsigned): median $(med "${tb[@]}") ms  runs: ${tb[*]}"
echo "after (signed):    median $(med "${ta[@]}") ms  runs: ${ta[*]}"
pdfsig "$w/after/o1/"*.pdf | grep -E "Valid|Total" || true
rm -rf "$w"
