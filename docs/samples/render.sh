#!/usr/bin/env bash
# Regenerates the PNG samples in this folder from `kaoping demo`:
#   docs/samples/render.sh
# Needs poppler-utils (pdftoppm). Pages are rendered at 72 dpi.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
target/debug/kaoping demo "$work" >/dev/null
out="$work/output"
here=docs/samples
rm -f "$here"/*.png
# page FILE PAGE NAME
page() {
  pdftoppm -q -r 72 -png -singlefile -f "$2" -l "$2" "$out/$1" "$here/$3"
}
page 盘龙区-金星社区-考评报告.pdf 1 考评报告-第1页
page 盘龙区-金星社区-考评报告.pdf 5 考评报告-附件1得分明细表
page 盘龙区-金星社区-考评报告.pdf 12 考评报告-版记页
page 盘龙区-金星社区-整改通知书.pdf 1 整改通知书-第1页
page 盘龙区-金星社区-整改通知书.pdf 2 整改通知书-第2页
page 五华区-翠湖社区-命名证书.pdf 1 命名证书
page 五华区-翠湖社区-材料提交回执.pdf 1 材料提交回执-第1页
page 五华区-翠湖社区-材料提交回执.pdf 5 材料提交回执-附件2文件清单
page 进度汇总表.pdf 1 进度汇总表-第1页
page 进度汇总表.pdf 3 进度汇总表-附件
ls -l "$here"/*.png
