"""Checks an unpacked OFD's embedded fonts with fontTools (PyPI): each
font file opens, and every character of a TextCode that has no
CGTransform is in its font's cmap, on a glyph the font has.

Usage: fonts.py FOLDER (the unpacked package). Prints "ok N" (N characters
checked) or one line per problem.
"""

import glob
import os
import sys
import xml.etree.ElementTree as ET

from fontTools.ttLib import TTFont

NS = {"ofd": "http://www.ofdspec.org/2016"}
root = sys.argv[1]
doc = os.path.join(root, "Doc_0")
fonts = {}
for font in ET.parse(os.path.join(doc, "PublicRes.xml")).getroot().iter(
        "{http://www.ofdspec.org/2016}Font"):
    path = os.path.join(doc, "Res", font.find("ofd:FontFile", NS).text)
    tt = TTFont(path)
    fonts[font.get("ID")] = (tt.getBestCmap() or {}, tt.getGlyphOrder())
problems = []
checked = 0
for content in sorted(glob.glob(os.path.join(doc, "Pages", "*", "Content.xml"))):
    for obj in ET.parse(content).getroot().iter("{http://www.ofdspec.org/2016}TextObject"):
        cmap, order = fonts[obj.get("Font")]
        transformed = set()
        for t in obj.findall("ofd:CGTransform", NS):
            start = int(t.get("CodePosition"))
            transformed.update(range(start, start + int(t.get("CodeCount"))))
            for g in t.find("ofd:Glyphs", NS).text.split():
                if int(g) >= len(order):
                    problems.append(f"{content}: glyph {g} not in font")
        text = obj.find("ofd:TextCode", NS).text or ""
        for i, c in enumerate(text):
            if i in transformed:
                continue
            checked += 1
            if ord(c) not in cmap:
                problems.append(f"{content}: {c!r} not in the cmap of font {obj.get('Font')}")
print("\n".join(problems) if problems else f"ok {checked}")
