#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Regenerate the files in data/photos from scikit-image's sample data.

Source: Debian bookworm package python3-skimage 0.19.3-8, extracted without
installing it:
    apt-get download python3-skimage && dpkg -x python3-skimage_*.deb pkg
Usage: make-photos.py SKIMAGE_DATA_DIR [OUTDIR]
  e.g. make-photos.py pkg/usr/lib/python3/dist-packages/skimage/data .
Needs Pillow + NumPy (Debian: python3-pil, python3-numpy).
"""
import os, shutil, sys
import numpy as np
from PIL import Image

src = sys.argv[1]
out = sys.argv[2] if len(sys.argv) > 2 else "."

def load(name):
    # Decoded 8-bit RGB pixel values as stored; no colour management
    # (embedded ICC profiles are ignored), same as skimage.data.
    im = Image.open(os.path.join(src, name))
    assert im.mode == "RGB", (name, im.mode)
    return np.asarray(im)

def centre_crop(a, n):
    h, w = a.shape[:2]
    if w < n or h < n:
        raise SystemExit(f"image {w}x{h} smaller than {n}x{n}")
    left, top = (w - n) // 2, (h - n) // 2
    print(f"  {w}x{h} -> crop x {left}..{left + n - 1}, y {top}..{top + n - 1}")
    return a[top:top + n, left:left + n]

def write_ppm(path, a):
    # Binary PPM: "P6\n<w> <h>\n255\n" then RGB bytes, row-major, top row first.
    h, w = a.shape[:2]
    with open(path, "wb") as f:
        f.write(b"P6\n%d %d\n255\n" % (w, h))
        f.write(np.ascontiguousarray(a, dtype=np.uint8).tobytes())

# Originals.
shutil.copyfile(os.path.join(src, "astronaut.png"), os.path.join(out, "astronaut.png"))
# Hubble: JPEG decoded once and stored losslessly as PNG (pixels only, no metadata).
Image.fromarray(load("hubble_deep_field.jpg")).save(os.path.join(out, "hubble-deep-field.png"), optimize=True)

# Centre crops.
for name, dst, n in [("astronaut.png", "astronaut-384.ppm", 384),
                     ("coffee.png", "coffee-384.ppm", 384),
                     ("rocket.jpg", "rocket-384.ppm", 384),
                     ("astronaut.png", "tests-128.ppm", 128)]:
    print(name, "->", dst)
    write_ppm(os.path.join(out, dst), centre_crop(load(name), n))
