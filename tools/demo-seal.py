"""Draws the demo's seal (data/demo-seal.png): a red ring, a star and
演示专用章 on a transparent ground, 42 mm at 300 dpi. Drawn for the demo
only; it imitates no real organ's seal. Run from the project root:
python3 tools/demo-seal.py (needs Pillow)."""

import math

from PIL import Image, ImageDraw, ImageFont

SIZE = 496  # 42 mm at 300 dpi
RED = (230, 0, 18, 255)

img = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
d = ImageDraw.Draw(img)
c = SIZE / 2
d.ellipse([8, 8, SIZE - 8, SIZE - 8], outline=RED, width=14)
d.ellipse([34, 34, SIZE - 34, SIZE - 34], outline=RED, width=3)
# A five-pointed star in the middle.
outer, inner = 78, 31
points = []
for i in range(10):
    r = outer if i % 2 == 0 else inner
    a = -math.pi / 2 + i * math.pi / 5
    points.append((c + r * math.cos(a), c - 18 + r * math.sin(a)))
d.polygon(points, fill=RED)
bold = ImageFont.truetype("fonts/NotoSerifCJKsc-Bold.otf", 54)
d.text((c, 372), "演示专用章", font=bold, fill=RED, anchor="mm")
small = ImageFont.truetype("fonts/NotoSerifCJKsc-Regular.otf", 30)
d.text((c, 96), "KAOPING DEMO", font=small, fill=RED, anchor="mm")
img.save("data/demo-seal.png", optimize=True)
