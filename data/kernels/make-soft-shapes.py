#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Generate the soft-edged kernel images of data/kernels: shapes with
feathered, anti-aliased or textured edges, as drawn with a soft brush.

Every image is 256x256, 8-bit binary PGM (P5, maxval 255), white shape on
black, drawn inside a disc of radius 120 px about the centre (128, 128) so
that the kernel's radius follows the image.  Each is computed at 4x4
supersampling on pixel centres and box-averaged (area coverage), so the
edges are grey wherever the shape crosses a pixel.  Deterministic: the
texture comes from a fixed seed.

Needs NumPy (Debian: python3-numpy).
Usage: make-soft-shapes.py [OUTPUT_DIR]
"""
import os
import sys

import numpy as np

SIZE = 256
SUPER = 4
RADIUS = 120.0
out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(
    os.path.abspath(__file__))


def grid():
    """Supersampled coordinates relative to the centre, y down, in output
    pixels."""
    n = SIZE * SUPER
    c = (np.arange(n) + 0.5) / SUPER - SIZE / 2
    return np.meshgrid(c, c)


def smoothstep(e0, e1, v):
    t = np.clip((v - e0) / (e1 - e0), 0, 1)
    return t * t * (3 - 2 * t)


def value_noise(x, y, cell, seed):
    """Smooth value noise in 0..1: random values on a lattice of `cell`
    pixels, blended with smoothstep."""
    rng = np.random.default_rng(seed)
    n = int(np.ceil(SIZE / cell)) + 3
    lattice = rng.random((n, n))
    gx = (x + SIZE / 2) / cell
    gy = (y + SIZE / 2) / cell
    ix = np.floor(gx).astype(int)
    iy = np.floor(gy).astype(int)
    fx = smoothstep(0, 1, gx - ix)
    fy = smoothstep(0, 1, gy - iy)
    a = lattice[iy, ix] * (1 - fx) + lattice[iy, ix + 1] * fx
    b = lattice[iy + 1, ix] * (1 - fx) + lattice[iy + 1, ix + 1] * fx
    return a * (1 - fy) + b * fy


def feathered_star(x, y):
    """A five-pointed star whose edge fades over about 10 px, like a soft
    brush dab."""
    r = np.hypot(x, y)
    a = np.arctan2(x, -y)  # 0 pointing up
    points, inner = 5, 0.45
    sector = 2 * np.pi / points
    t = np.abs(((a + sector / 2) % sector) - sector / 2) / (sector / 2)
    edge = RADIUS * 0.92 * (1 - (1 - inner) * t)  # straight-ish arms
    return smoothstep(4.0, -6.0, r - edge)


def heart_stroke(x, y):
    """A heart outline drawn with a pen whose width swells from 6 px at the
    tip to 22 px on the lobes, with soft (2 px) sides."""
    s = RADIUS * 0.058
    u, v = x / s, -(y + RADIUS * 0.08) / s
    # The classic heart curve, sampled densely; distance to it by brute
    # force over the samples.
    t = np.linspace(0, 2 * np.pi, 1400, endpoint=False)
    hx = 16 * np.sin(t) ** 3
    hy = 13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t)
    width = 6 + 16 * np.abs(np.sin(t / 2)) ** 0.7  # px, thin at the tip
    d = np.full(x.shape, np.inf)
    w = np.zeros(x.shape)
    for i in range(0, len(t), 20):
        sl = slice(i, i + 20)
        dd = np.hypot(u[..., None] - hx[sl], v[..., None] - hy[sl]) * s
        k = np.argmin(dd, axis=-1)
        m = np.take_along_axis(dd, k[..., None], axis=-1)[..., 0]
        closer = m < d
        d = np.where(closer, m, d)
        w = np.where(closer, width[sl][k], w)
    return smoothstep(1.0, -1.0, d - w / 2)


def leaf(x, y):
    """A soft leaf: a lens-shaped blade with a feathered rim, darker veins
    and a mottled (value-noise) texture, tilted by 30 degrees."""
    c, s = np.cos(np.radians(30)), np.sin(np.radians(30))
    u = c * x + s * y
    v = -s * x + c * y
    L = RADIUS * 0.98
    half = np.clip(1 - (u / L) ** 2, 0, 1) * RADIUS * 0.42
    body = smoothstep(3.0, -5.0, np.abs(v) - half) * smoothstep(
        3.0, -5.0, np.abs(u) - L)
    vein = np.exp(-(v / 1.6) ** 2) * (np.abs(u) < L * 0.9)
    side = np.abs(np.sin((u - np.abs(v) * 1.2) / 14.0))
    side_veins = np.exp(-((side) / 0.12) ** 2) * 0.25
    tex = 0.75 + 0.25 * value_noise(x, y, 9.0, 12345)
    return np.clip(body * tex * (1 - 0.35 * vein - side_veins), 0, 1)


def snowflake(x, y):
    """A six-armed snowflake: thin (2.2 px) arms with side branches and a
    small hexagonal centre, anti-aliased."""
    r = np.hypot(x, y)
    a = np.arctan2(y, x)
    sector = np.pi / 3
    a = np.abs(((a + sector / 2) % sector) - sector / 2)
    u, v = r * np.cos(a), r * np.sin(a)  # u along the arm, v across
    arm = (np.abs(v) - 1.1) * (u < RADIUS * 0.97) + (u >= RADIUS * 0.97) * (
        np.hypot(u - RADIUS * 0.97, v) - 1.1)
    d = arm
    for pos, length in ((0.35, 0.30), (0.6, 0.24), (0.82, 0.12)):
        bu = u - pos * RADIUS
        # branch at 60 degrees from the arm: distance to the segment
        dx, dy = np.cos(np.pi / 3), np.sin(np.pi / 3)
        along = np.clip(bu * dx + np.abs(v) * dy, 0, length * RADIUS)
        db = np.hypot(bu - along * dx, np.abs(v) - along * dy) - 1.0
        d = np.minimum(d, db)
    hexagon = np.maximum(np.abs(v), u * np.cos(np.pi / 6) + 0 * v) - 9.0
    d = np.minimum(d, hexagon)
    return (d <= 0).astype(float)


SHAPES = {
    "feathered-star-256.pgm": feathered_star,
    "heart-stroke-256.pgm": heart_stroke,
    "leaf-256.pgm": leaf,
    "snowflake-256.pgm": snowflake,
}

x, y = grid()
for name, fn in SHAPES.items():
    big = fn(x, y)
    small = big.reshape(SIZE, SUPER, SIZE, SUPER).mean(axis=(1, 3))
    data = np.clip(np.rint(small * 255), 0, 255).astype(np.uint8)
    path = os.path.join(out_dir, name)
    with open(path, "wb") as f:
        f.write(b"P5\n%d %d\n255\n" % (SIZE, SIZE))
        f.write(data.tobytes())
    print(f"wrote {path}")
