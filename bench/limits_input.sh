#!/usr/bin/env bash
# Resource limits on input (issue 26, items 1, 4 and 5): the attack's
# probes against one or more kaoping binaries, each probe in a fresh
# process, peak RSS from /usr/bin/time -v.
#   CLI (`kaoping community import`): the sparse xlsx (A1 and XFD1048576,
#     1.6 KB), a cell at Z100000, one 600 MB inline string (~600 KB xlsx).
#   `kaoping serve` (its own peak RSS): the sparse xlsx to
#     POST /district/upload and POST /c/WH-001/assess, the Z100000 cell and
#     the 600 MB string to /district/upload, multipart bodies of 400,000
#     empty parts (~110 MB; one name repeated, or all names different) to
#     /c/WH-001/upload, an 11000x11000 PNG as a field photo (and, if it is
#     accepted, one thumbnail request, then six at once).
#
# Usage: bench/limits_input.sh [kaoping binary …]   (default target/debug/kaoping)
# Every process runs under `ulimit -v` of LIMIT_GB (default 8) GiB, so a
# probe that allocates without bound fails instead of taking the machine.
# BOMB_MB (600) and PARTS (400000) size the probes; ONLY=regex picks the
# probes by name. Output: one TSV line per probe and binary —
# probe, outcome, peak RSS (MB), wall time (s).
set -euo pipefail
cd "$(dirname "$0")/.."
bins=("$@")
[ ${#bins[@]} -gt 0 ] || bins=(target/debug/kaoping)
ulimit -v $((${LIMIT_GB:-8} << 20))
work=$(mktemp -d /var/tmp/kaoping-limits.XXXXXX)
trap 'rm -rf "$work"' EXIT
here=$(pwd)

echo "kaoping 输入资源上限（问题 26）$(date -u '+%Y-%m-%d %H:%M UTC')；负载：$(cut -d' ' -f1-3 /proc/loadavg)；ulimit -v ${LIMIT_GB:-8} GiB"
python3 bench/limits_input.py gen "$work/in"
for f in "$work"/in/*; do
  printf '  %s：%s 字节\n' "$(basename "$f")" "$(stat -c %s "$f")"
done

new_archive() { # BIN DIR: communities WH-001 and PL-001, a community and a district account
  local k=$1 a=$2/a
  rm -rf "$a"
  "$k" init "$a" > /dev/null
  for c in "WH-001 翠湖社区 五华区" "PL-001 拓东社区 盘龙区"; do
    set -- $c
    "$k" --archive "$a" community add --id "$1" --name "$2" --district "$3" \
      --type 城市社区 --batch 第一阶段 > /dev/null
  done
  echo cuihu-pass-1 | "$k" --archive "$a" user add cuihu --password-stdin --role community --community WH-001 > /dev/null
  echo wuhua-pass-1 | "$k" --archive "$a" user add wuhua --password-stdin --role district --district 五华区 > /dev/null
}

cli() { # BIN DIR NAME FILE: one `community import`, one TSV line
  local k=$1 d=$2 name=$3 file=$4 out t0 t1 st rss msg
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return; fi
  t0=$(date +%s.%N)
  out=$(cd "$d" && /usr/bin/time -v "$k" --archive a community import "$file" 2>&1 > /dev/null) || true
  t1=$(date +%s.%N)
  rss=$(awk '/Maximum resident set size/ { printf "%.0f", $6 / 1024 }' <<< "$out")
  st=$(awk -F': ' '/Exit status/ { print $2 }' <<< "$out")
  if grep -q 'terminated by signal' <<< "$out"; then
    st="被信号 $(grep -o 'terminated by signal [0-9]*' <<< "$out" | awk '{ print $4 }') 终止"
  else
    st="退出码 $st"
  fi
  msg=$(grep -v -e '^\s' -e 'Command' <<< "$out" | head -2 | sed "s#$file#$(basename "$file")#g" |
    python3 -c 'import sys; print(sys.stdin.read().replace("\n", " ")[:110])')
  printf '%s\t%s：%s\t%s\t%.3f\n' "$name" "$st" "$msg" "$rss" "$(echo "$t1 - $t0" | bc)"
}

for k in "${bins[@]}"; do
  k=$(realpath "$k")
  echo
  echo "== $k（负载：$(cut -d' ' -f1-3 /proc/loadavg)）"
  printf '探测\t结果\t峰值 RSS (MB)\t时间 (s)\n'
  d="$work/run"
  mkdir -p "$d"
  new_archive "$k" "$d"
  cli "$k" "$d" "稀疏 xlsx → community import" "$work/in/sparse.xlsx"
  cli "$k" "$d" "Z100000 → community import" "$work/in/far.xlsx"
  cli "$k" "$d" "600 MB 字符串 → community import" "$work/in/bomb.xlsx"
  rm -rf "$d/in" && ln -s "$work/in" "$d/in"
  (cd "$here" && python3 bench/limits_input.py serve "$k" "$d")
  echo "  负载：$(cut -d' ' -f1-3 /proc/loadavg)"
  rm -rf "$d"
done
echo "完成 $(date -u '+%H:%M UTC')"
