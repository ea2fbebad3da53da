#!/bin/sh
# skc — the main job on the bundled default inputs: installs what is
# needed, builds, fits a heart-shaped bokeh kernel, blurs the bundled
# portrait with it, and turns the bundled star field into heart-shaped
# bokeh balls.
# Writes output/astronaut-heart-bokeh.png and output/stars-heart-bokeh.png.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
mkdir -p output
build/tools/skc fit shape:heart --radius 12 -o output/heart-r12.skc
build/tools/skc apply data/photos/astronaut.png \
  -o output/astronaut-heart-bokeh.png --kernel output/heart-r12.skc --verbose
build/tools/skc apply data/photos/hubble-deep-field.png \
  -o output/stars-heart-bokeh.png --kernel shape:heart --radius 14 \
  --highlight-threshold 0.5 --highlight-gain 6 --verbose
echo "results: $(pwd)/output/astronaut-heart-bokeh.png"
echo "         $(pwd)/output/stars-heart-bokeh.png"
