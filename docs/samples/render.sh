#!/usr/bin/env bash
# Regenerates the page images (PNG) in this folder:
#   - the notice template (tongzhi) on tests/data/tongzhi-54.json and on
#     single.json / upward.json here, 60 dpi;
#   - every document kind from `kaoping demo` (考评报告, 整改通知书,
#     命名证书, 材料提交回执, 进度汇总表), 72 dpi.
# Needs poppler-utils (pdftoppm, pdfinfo). Builds kaoping first unless
# KAOPING points at a binary.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if [ -z "${KAOPING:-}" ]; then
  (cd "$root" && cargo build --quiet)
fi
bin=${KAOPING:-$root/target/debug/kaoping}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The notice template.
render() { "$bin" --archive "$work/archive" render tongzhi --data "$1" -o "$work/$2.pdf" >/dev/null; }
render "$root/tests/data/tongzhi-54.json" joint
render "$here/single.json" single
render "$here/upward.json" upward
pdftoppm -r 60 -png -f 1 -l 1 "$work/joint.pdf" "$here/joint-page1"
pdftoppm -r 60 -png -f 7 -l 7 "$work/joint.pdf" "$here/joint-attachment-landscape"
pages=$(pdfinfo "$work/joint.pdf" | awk '/^Pages:/ {print $2}')
pdftoppm -r 60 -png -f "$pages" -l "$pages" "$work/joint.pdf" "$here/joint-last-page"
pdftoppm -r 60 -png "$work/single.pdf" "$here/single"
pdftoppm -r 60 -png "$work/upward.pdf" "$here/upward"

# The office's documents, from the demo.
"$bin" demo "$work/demo" >/dev/null
out="$work/demo/output"
page() { # page FILE PAGE NAME
  pdftoppm -q -r 72 -png -singlefile -f "$2" -l "$2" "$out/$1" "$here/$3"
}
last() { pdfinfo "$out/$1" 2>/dev/null | awk '/^Pages:/ {print $2}'; }
page 盘龙区-金星社区-考评报告.pdf 1 考评报告-第1页
page 盘龙区-金星社区-考评报告.pdf 5 考评报告-附件1得分明细表
page 盘龙区-金星社区-考评报告.pdf "$(last 盘龙区-金星社区-考评报告.pdf)" 考评报告-版记页
page 盘龙区-金星社区-整改通知书.pdf 1 整改通知书-第1页
page 盘龙区-金星社区-整改通知书.pdf 2 整改通知书-第2页
page 五华区-翠湖社区-命名证书.pdf 1 命名证书
page 五华区-翠湖社区-材料提交回执.pdf 1 材料提交回执-第1页
page 五华区-翠湖社区-材料提交回执.pdf 5 材料提交回执-附件2文件清单
page 进度汇总表.pdf 1 进度汇总表-第1页
page 进度汇总表.pdf 3 进度汇总表-附件
