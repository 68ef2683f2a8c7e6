#!/usr/bin/env bash
# Rendering benchmark: kaoping's embedded Typst against the `typst` CLI run
# once per document, on the same one-page notice and the same fonts.
#   bench/render.sh            installs typst-cli 0.15.1 if absent (~10 min)
#   SKIP_TYPST_CLI=1 bench/render.sh   kaoping's own numbers only
# Runs the example in the dev profile, whose dependencies (Typst) are
# optimised (see Cargo.toml); a release build is a little faster still.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet --example render_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/debug/examples/render_bench --emit "$work"

if [ "${SKIP_TYPST_CLI:-0}" = 1 ]; then
  echo "typst CLI comparison skipped (SKIP_TYPST_CLI=1)"
  exit 0
fi
if ! command -v typst >/dev/null || ! typst --version | grep -q '0\.15\.1'; then
  cargo install typst-cli --version 0.15.1 --locked
fi
start=$(date +%s.%N)
for n in $(seq 1 100); do
  typst compile --root "$work" --font-path fonts --ignore-system-fonts \
    --pdf-standard a-2b "$work/main.typ" "$work/out-$n.pdf"
done
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN {
  t = e - s; printf "typst CLI, 100 processes: %.1f ms per document, %.1f documents/s\n", t * 10, 100 / t }'
