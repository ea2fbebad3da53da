#!/bin/sh
# skc — the main job on the bundled default input: installs what is needed,
# builds, fits a heart-shaped bokeh kernel and blurs the bundled photo with
# it.  Writes output/astronaut-heart-bokeh.png.
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
echo "result: $(pwd)/output/astronaut-heart-bokeh.png"
