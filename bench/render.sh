#!/usr/bin/env bash
# Rendering benchmark: kaoping's embedded Typst against the `typst` CLI run
# once per document, on the same Typst source and the same fonts.
#   bench/render.sh            installs typst-cli 0.15.1 if absent (~10 min);
#                              TYPST=/path/to/typst to use another binary
#   SKIP_TYPST_CLI=1 bench/render.sh   kaoping's own numbers only
# Part 1 (examples/render_bench.rs): a one-page notice — warm, batch,
# memory over 1,000 documents. Part 2 (examples/documents_bench.rs): the
# demo's 考评报告, 整改通知书 and 命名证书 built by the library, a batch of
# 100 certificates, the report as its evidence manifest grows; then cold
# start to the first PDF, the batch's peak RSS (/usr/bin/time -v), and the
# 100-certificate batch against 100 CLI processes, interleaved in rounds.
# Runs the examples in the dev profile, whose dependencies (Typst) are
# optimised (see Cargo.toml); PROFILE=release for a release build.
# BIN_DIR=DIR measures binaries built elsewhere, without building:
# DIR/kaoping and DIR/examples/{render_bench,documents_bench}.
set -euo pipefail
cd "$(dirname "$0")/.."
profile=${PROFILE:-dev}
dir=debug
flag=()
if [ "$profile" = release ]; then dir=release; flag=(--release); fi
if [ -n "${BIN_DIR:-}" ]; then
  bin=$(realpath "$BIN_DIR")
else
  cargo build --quiet "${flag[@]}" --bin kaoping --example render_bench --example documents_bench
  bin=${CARGO_TARGET_DIR:-target}/$dir
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/notice" "$work/doc"

echo "== one-page notice"
"$bin/examples/render_bench" --emit "$work/notice"
echo "== the office's documents (demo data)"
"$bin/examples/documents_bench" --emit "$work/doc"

rss() { # peak resident set size of a command, in MB; FAILED if it failed
  local out
  out=$(/usr/bin/time -v "$@" 2>&1 >/dev/null) || true
  if grep -q 'Exit status: 0' <<<"$out"; then
    awk '/Maximum resident set size/ { printf "%.0f", $6 / 1024 }' <<<"$out"
  else
    echo FAILED
    tail -5 <<<"$out" >&2
  fi
}
now() { date +%s.%N; }
ms() { awk -v s="$1" -v e="$2" -v n="${3:-1}" 'BEGIN { printf "%.0f", (e - s) * 1000 / n }'; }

echo "peak RSS, 100 certificates in one process (all cores): $(rss "$bin/examples/documents_bench" --batch 100 "$work/doc/certificate.json") MB"

typst=${TYPST:-typst}
if [ "${SKIP_TYPST_CLI:-0}" != 1 ]; then
  if ! command -v "$typst" >/dev/null || ! "$typst" --version | grep -q '0\.15\.1'; then
    cargo install typst-cli --version 0.15.1 --locked
    typst=typst
  fi
fi
compile() { # compile ROOT FILE OUT
  "$typst" compile --root "$1" --font-path fonts --ignore-system-fonts \
    --ignore-embedded-fonts --pdf-standard a-2b "$1/$2" "$3"
}
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Cold start: a fresh process to the first PDF of the certificate —
# `kaoping render --draft` (nothing registered) and `typst compile` —
# eleven times each, interleaved so that both see the same machine load.
mkdir -p "$work/archive"
kcold=()
tcold=()
for n in $(seq 1 11); do
  s=$(now)
  "$bin/kaoping" --archive "$work/archive" render zhengshu --draft \
    --data "$work/doc/certificate.json" -o "$work/k-$n.pdf" >/dev/null 2>&1
  kcold+=("$(ms "$s" "$(now)")")
  if [ "${SKIP_TYPST_CLI:-0}" != 1 ]; then
    s=$(now)
    compile "$work/doc" certificate.typ "$work/t-$n.pdf"
    tcold+=("$(ms "$s" "$(now)")")
  fi
done
echo "cold start to first PDF, kaoping render (certificate): median $(median "${kcold[@]}") ms (runs: ${kcold[*]})"
if [ "${SKIP_TYPST_CLI:-0}" = 1 ]; then
  echo "typst CLI comparison skipped (SKIP_TYPST_CLI=1)"
  exit 0
fi
echo "cold start to first PDF, typst compile (certificate): median $(median "${tcold[@]}") ms (runs: ${tcold[*]})"
echo "peak RSS, one typst compile (certificate): $(rss "$typst" compile --root "$work/doc" --font-path fonts --ignore-system-fonts --ignore-embedded-fonts --pdf-standard a-2b "$work/doc/certificate.typ" "$work/t.pdf") MB"

cli_batch() { # cli_batch ROOT FILE: 100 typst processes, documents/s
  local s e
  s=$(now)
  for n in $(seq 1 100); do
    compile "$1" "$2" "$work/out-$n.pdf"
  done
  e=$(now)
  awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", 100 / (e - s) }'
}
echo "typst CLI, 100 processes (notice/main.typ): $(cli_batch "$work/notice" main.typ) documents/s"
# The batch target compares rates: measure kaoping's 100-certificate batch
# and the CLI's 100 processes back to back, three rounds, so that both see
# the same machine load.
ratios=()
for round in 1 2 3; do
  k=$("$bin/examples/documents_bench" --batch 100 "$work/doc/certificate.json" | awk '{ print $(NF - 1) }')
  t=$(cli_batch "$work/doc" certificate.typ)
  r=$(awk -v k="$k" -v t="$t" 'BEGIN { printf "%.1f", k / t }')
  ratios+=("$r")
  echo "round $round, 100 certificates: kaoping $k documents/s, typst CLI $t documents/s, ratio $r"
done
echo "batch ratio kaoping / typst CLI (certificate): median $(median "${ratios[@]}") (rounds: ${ratios[*]})"
