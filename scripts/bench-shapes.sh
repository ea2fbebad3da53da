#!/bin/sh
# skc — `skc bench apply` at one radius for several shapes (one run each,
# skc and FFTW, back to back on the same machine) into one CSV with a shape
# column, for issue 13's target that a soft image shape costs within 1.5x
# the disc at R 24.  Usage:
#   scripts/bench-shapes.sh OUT.csv OUT.txt RADIUS SHAPE...
# e.g. scripts/bench-shapes.sh docs/bench/apply-shapes.csv \
#        docs/bench/apply-shapes.txt 24 shape:disc \
#        file:data/kernels/leaf-256.pgm ...
# ($SKC: the skc binary, build/tools/skc by default.)  The table in
# docs/benchmarks.md: scripts/bench-apply-report.sh OUT.csv OUT.txt.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
out=$1
txt=$2
radius=$3
shift 3
skc=${SKC:-build/tools/skc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
first=1
for shape in "$@"; do
  "$skc" bench apply --shape "$shape" --radii "$radius" --methods skc,fftw \
    --csv "$tmp/one.csv" > "$tmp/one.txt"
  if [ "$first" = 1 ]; then
    # The machine, then the setup without the first run's shape.
    head -n 1 "$tmp/one.txt" > "$txt"
    sed -n 2p "$tmp/one.txt" | sed 's/, shape [^,]*,/,/' >> "$txt"
    printf 'shape,' > "$out"
    head -n 1 "$tmp/one.csv" >> "$out"
    first=0
  fi
  tail -n +2 "$tmp/one.csv" | sed "s|^|$shape,|" >> "$out"
done
