"""Compares easyofd's render of an OFD with poppler's render of the PDF of
the same document, page by page, at 100 dpi.

easyofd (PyPI) converts the OFD to a PDF through reportlab, drawing every
page at 200/72 of its size; rasterised at 36 dpi that is 100 dpi. It draws
text only with a system font named 宋体 (simsun.ttc) and ignores embedded
fonts, so where that font is missing it draws no text at all; the text is
checked by ofdkit instead. The PDF is therefore rendered with its text
removed (PyMuPDF redaction of the text only), and the two renders must
agree on the rest: rules, the red header's lines, seals and other images.

Usage: compare.py FILE.ofd FILE.pdf WORKDIR
Prints one JSON line per page: {"page", "ink", "missing", "extra",
"size", "pdf_size"}, where missing is the share of the PDF's non-text ink with no ink
of the OFD render within 2 px, and extra the share of the OFD render's
ink with no PDF ink within 2 px.
"""

import json
import os
import subprocess
import sys
import warnings

warnings.filterwarnings("ignore")
import logging

logging.disable(logging.CRITICAL)

from PIL import Image, ImageFilter  # noqa: E402


def ofd_pages(ofd, work, mode="L"):
    from loguru import logger

    logger.remove()
    from easyofd.ofd import OFD

    reader = OFD()
    with open(ofd, "rb") as f:
        reader.read(f.read(), fmt="binary")
    pdf = os.path.join(work, "easyofd.pdf")
    with open(pdf, "wb") as f:
        f.write(reader.to_pdf())
    return raster(pdf, "36", os.path.join(work, "ofd"), mode)


def pdf_pages_without_text(pdf, work):
    import fitz

    doc = fitz.open(pdf)
    for page in doc:
        for block in page.get_text("dict")["blocks"]:
            if block.get("type") == 0:
                page.add_redact_annot(block["bbox"])
        page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_NONE, graphics=0)
    out = os.path.join(work, "notext.pdf")
    doc.save(out)
    return raster(out, "100", os.path.join(work, "pdf"))


def raster(pdf, dpi, prefix, mode="L"):
    subprocess.run(["pdftoppm", "-r", dpi, "-png", pdf, prefix], check=True)
    folder, stem = os.path.split(prefix)
    names = sorted(n for n in os.listdir(folder) if n.startswith(stem + "-"))
    return [Image.open(os.path.join(folder, n)).convert(mode) for n in names]


def ink(image):
    return image.point(lambda v: 255 if v < 200 else 0)


def share_unmatched(a, b):
    """Share of a's ink pixels with no ink of b within 2 px."""
    near = b.filter(ImageFilter.MaxFilter(5))
    a_px = a.tobytes()
    near_px = near.tobytes()
    total = sum(1 for v in a_px if v)
    lost = sum(1 for v, n in zip(a_px, near_px) if v and not n)
    return total, (lost / total if total else 0.0)


def main():
    ofd, pdf, work = sys.argv[1:4]
    mine = ofd_pages(ofd, work)
    theirs = pdf_pages_without_text(pdf, work)
    if len(mine) != len(theirs):
        print(json.dumps({"pages": [len(mine), len(theirs)]}))
        return
    for i, (m, t) in enumerate(zip(mine, theirs)):
        own_size = list(m.size)
        if m.size != t.size:
            m = m.resize(t.size)
        mi, ti = ink(m), ink(t)
        total, missing = share_unmatched(ti, mi)
        _, extra = share_unmatched(mi, ti)
        print(json.dumps({"page": i + 1, "ink": total, "missing": missing,
                          "extra": extra, "size": own_size,
                          "pdf_size": list(t.size)}))


if __name__ == "__main__":
    main()
