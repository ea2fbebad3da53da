#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate ampersand-392.pgm: the "&" of DejaVu Sans Bold, white on black.

392x392 = 49 px kernel x 8 supersampling.  The glyph's ink bounding box is
scaled so that its LARGER side is 360 px (= 2R * 8, R = 22.5 px) and is
centred so the bbox centre lies at (196, 196).

Needs Pillow + NumPy (Debian: python3-pil, python3-numpy) and fonts-dejavu-core.
Usage: make-ampersand.py [output.pgm]
"""
import sys
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
CHAR = "&"
OUT_SIZE = 392          # output canvas, square
TARGET = 360            # larger side of the ink bbox in the output
BIG_SIZE = 3000         # font size (px) of the high-resolution rendering
BIG_CANVAS = 5000       # big canvas with ample black margin around the glyph

out = sys.argv[1] if len(sys.argv) > 1 else "ampersand-392.pgm"

# 1. Render the glyph big, anti-aliased (8-bit coverage), roughly centred.
font = ImageFont.truetype(FONT, BIG_SIZE)
big = Image.new("L", (BIG_CANVAS, BIG_CANVAS), 0)
ImageDraw.Draw(big).text((BIG_CANVAS // 2, BIG_CANVAS // 2), CHAR,
                         font=font, fill=255, anchor="mm")

# 2. Measure the ink bbox (any pixel > 0) of the big rendering.
#    getbbox() -> (x0, y0, x1, y1) with x1, y1 exclusive, i.e. pixel edges.
x0, y0, x1, y1 = big.getbbox()
w, h = x1 - x0, y1 - y0
cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
s = TARGET / max(w, h)               # big px -> output px
print(f"big ink bbox {x0},{y0},{x1},{y1} ({w}x{h}), scale {s:.6f}")

# 3. Map the output square onto the big image: output pixel edge u corresponds
#    to big x = cx + (u - OUT_SIZE/2) / s, so the bbox centre lands on 196,196
#    and the larger bbox side spans exactly TARGET output px.  Resample with a
#    BOX (area-average) filter over that (fractional) source box.
half = (OUT_SIZE / 2) / s
box = (cx - half, cy - half, cx + half, cy + half)
assert box[0] >= 0 and box[1] >= 0 and box[2] <= BIG_CANVAS and box[3] <= BIG_CANVAS
small = big.resize((OUT_SIZE, OUT_SIZE), Image.BOX, box=box)

# 4. Write binary PGM (P5, maxval 255) with an explicit minimal header.
a = np.asarray(small, dtype=np.uint8)
with open(out, "wb") as f:
    f.write(b"P5\n%d %d\n255\n" % (OUT_SIZE, OUT_SIZE))
    f.write(a.tobytes())
print(f"wrote {out}: output ink bbox (>0) {small.getbbox()}")
