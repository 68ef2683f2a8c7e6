#!/usr/bin/env bash
# Rebuilds the font subsets in this folder from Debian's packages.
# Needs: apt-get, dpkg-deb, python3 with fonttools (pip install fonttools).
# The style faces keep GB 2312 plus Latin and CJK punctuation; the fallback
# keeps every character Noto Serif CJK SC has except GB 2312's Han (the style
# faces draw those) and Hangul.
set -euo pipefail
out=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download fonts-noto-cjk fonts-noto-cjk-extra texlive-lang-chinese
for deb in *.deb; do dpkg-deb -x "$deb" x; done
fandol=x/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol
noto=x/usr/share/fonts/opentype/noto

python3 - <<'PY'
from fontTools.ttLib import TTCollection, TTFont

def gb2312(cp):
    try:
        chr(cp).encode("gb2312")
        return True
    except UnicodeEncodeError:
        return False

ranges = [(0x20, 0x7F), (0xA0, 0x100), (0x2000, 0x2070), (0x2100, 0x2200),
          (0x2460, 0x2500), (0x3000, 0x3040), (0xFF00, 0xFFF0)]
style = {cp for cp in range(0x20, 0x10000) if gb2312(cp)}
for lo, hi in ranges:
    style.update(range(lo, hi))
open("style.txt", "w").write("\n".join("U+%04X" % c for c in sorted(style)))

# Index 2 of Noto's collections is the Simplified Chinese (SC) face.
for weight in ["Regular", "Bold"]:
    TTCollection(f"x/usr/share/fonts/opentype/noto/NotoSerifCJK-{weight}.ttc").fonts[2].save(
        f"NotoSerifCJKsc-{weight}-full.otf")

def hangul(c):
    return any(lo <= c <= hi for lo, hi in
               [(0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF)])

cmap = TTFont("NotoSerifCJKsc-Regular-full.otf").getBestCmap()
keep = [c for c in cmap if not hangul(c) and not (0x4E00 <= c <= 0x9FFF and gb2312(c))]
open("fallback.txt", "w").write("\n".join("U+%04X" % c for c in sorted(keep)))
PY

subset() {
  pyftsubset "$1" --unicodes-file="$2" --layout-features='*' --name-IDs='*' \
    --name-languages='*' --notdef-outline --output-file="$out/$3"
}
subset "$fandol/FandolFang-Regular.otf" style.txt FandolFang-Regular.otf
subset "$fandol/FandolKai-Regular.otf" style.txt FandolKai-Regular.otf
subset "$fandol/FandolHei-Regular.otf" style.txt FandolHei-Regular.otf
subset NotoSerifCJKsc-Bold-full.otf style.txt NotoSerifCJKsc-Bold.otf
subset NotoSerifCJKsc-Regular-full.otf fallback.txt NotoSerifCJKsc-Regular.otf
