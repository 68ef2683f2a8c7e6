"""Measures, on an OFD, the places GB/T 9704 fixes, beside the PDF of the
same document: the red separator line on easyofd's render of page 1 (and
on poppler's render of the PDF), and each page number's position as the
OFD's own XML places it (read with the standard library, not kaoping)
beside where poppler finds it in the PDF. easyofd draws no text without a
system 宋体 (see compare.py), so text is measured in the XML.

Usage: layout.py FILE.ofd FILE.pdf WORKDIR
Prints one JSON object (millimetres from the page's top left):
  {"rule": {"ofd": [top, left, width], "pdf": [top, left, width],
            "ofd_color": "R G B"},
   "numbers": [{"page", "text", "left", "right", "baseline",
                "pdf_left", "pdf_right"}]}
"""

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from compare import ofd_pages, raster  # noqa: E402

MM_PER_PX = 25.4 / 100
MM_PER_PT = 25.4 / 72
NS = "{http://www.ofdspec.org/2016}"
NUMBER = re.compile(r"^— (\d+) —$")


def rule(image, red):
    """Top, left and width of the first horizontal run of 140 mm or more
    of red (or, with red false, of any dark) pixels."""
    width, height = image.size
    px = image.load()
    need = int(140 / MM_PER_PX)
    for y in range(height):
        run = best = start = best_start = 0
        for x in range(width):
            r, g, b = px[x, y][:3]
            hit = r > 150 and g < 110 and b < 110 if red else r + g + b < 384
            if hit:
                if run == 0:
                    start = x
                run += 1
                if run > best:
                    best, best_start = run, start
            else:
                run = 0
        if best >= need:
            return [y * MM_PER_PX, best_start * MM_PER_PX, best * MM_PER_PX]
    return None


def advances(delta):
    """The DeltaX list, with GB/T 33190's "g N v" runs expanded."""
    out, items, i = [], delta.split(), 0
    while i < len(items):
        if items[i] == "g":
            out += [float(items[i + 2])] * int(items[i + 1])
            i += 3
        else:
            out.append(float(items[i]))
            i += 1
    return out


def ofd_numbers(ofd):
    found = {}
    with zipfile.ZipFile(ofd) as z:
        pages = sorted((n for n in z.namelist() if n.endswith("/Content.xml")),
                       key=lambda n: int(n.split("/")[2].split("_")[1]))
        for i, name in enumerate(pages):
            root = ET.fromstring(z.read(name))
            for obj in root.iter(NS + "TextObject"):
                code = obj.find(NS + "TextCode")
                text = "".join(c.text or "" for c in obj.findall(NS + "TextCode"))
                if code is None or not NUMBER.match(text):
                    continue
                x, y = (float(v) for v in obj.get("Boundary").split()[:2])
                left = x + float(code.get("X"))
                steps = advances(code.get("DeltaX", ""))
                # The last glyph is a dash like the first.
                right = left + sum(steps) + (steps[0] if steps else 0)
                found[i + 1] = {"page": i + 1, "text": text, "left": left,
                                "right": right,
                                "baseline": y + float(code.get("Y"))}
    return found


def ofd_rule_color(ofd):
    """The stroke colour of page 1's first path 140 mm or wider."""
    with zipfile.ZipFile(ofd) as z:
        root = ET.fromstring(z.read("Doc_0/Pages/Page_0/Content.xml"))
    for path in root.iter(NS + "PathObject"):
        if float(path.get("Boundary").split()[2]) >= 140:
            color = path.find(NS + "StrokeColor")
            return None if color is None else color.get("Value")
    return None


def pdf_number(pdf, page):
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page),
                          pdf, "-"], check=True, capture_output=True, text=True).stdout
    words = [(float(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4))
             for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"'
                                  r'[^>]*>([^<]*)</word>', out)]
    dashes = [w for w in words if w[3] == "—"]
    if not dashes:
        return None, None
    bottom = max(w[1] for w in dashes)
    low = [w for w in dashes if w[1] > bottom - 1]
    return min(w[0] for w in low) * MM_PER_PT, max(w[2] for w in low) * MM_PER_PT


def main():
    ofd, pdf, work = sys.argv[1:4]
    # easyofd strokes every path black: the OFD's colour is read from
    # its XML, the place from its render.
    rule_ofd = rule(ofd_pages(ofd, work, "RGB")[0], red=False)
    rule_pdf = rule(raster(pdf, "100", os.path.join(work, "pdfrgb"), "RGB")[0], red=True)
    numbers = []
    for page, n in sorted(ofd_numbers(ofd).items()):
        n["pdf_left"], n["pdf_right"] = pdf_number(pdf, page)
        numbers.append(n)
    print(json.dumps({"rule": {"ofd": rule_ofd, "pdf": rule_pdf,
                               "ofd_color": ofd_rule_color(ofd)},
                      "numbers": numbers}))


main()
