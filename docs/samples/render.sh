#!/usr/bin/env bash
# Regenerates the sample PDFs' page images in this folder (60 dpi PNG).
# Needs poppler-utils (pdftoppm) and a built kaoping (cargo build).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin=${KAOPING:-$root/target/debug/kaoping}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
render() { "$bin" --archive "$work/archive" render tongzhi --data "$1" -o "$work/$2.pdf"; }
render "$root/tests/data/tongzhi-54.json" joint
render "$here/single.json" single
render "$here/upward.json" upward
pdftoppm -r 60 -png -f 1 -l 1 "$work/joint.pdf" "$here/joint-page1"
pdftoppm -r 60 -png -f 7 -l 7 "$work/joint.pdf" "$here/joint-attachment-landscape"
pages=$(pdfinfo "$work/joint.pdf" | awk '/^Pages:/ {print $2}')
pdftoppm -r 60 -png -f "$pages" -l "$pages" "$work/joint.pdf" "$here/joint-last-page"
pdftoppm -r 60 -png "$work/single.pdf" "$here/single"
pdftoppm -r 60 -png "$work/upward.pdf" "$here/upward"
