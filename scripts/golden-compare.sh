#!/bin/sh
# skc — proves that a change leaves every output bit-identical: builds an
# older revision and the working tree side by side (core and skc tool
# only), runs the golden cases with both, and compares the files byte for
# byte.  Both builds run on this machine in this run, so the instruction
# set the hot loops pick (AVX-512, AVX2, SSE2) is the same for both.
#
#   scripts/golden-compare.sh [REV]      REV defaults to HEAD
#
# Each build fits with its own empty cache, so a fit that changed shows.
# Exit status 0 when every case matches, 1 when one differs, 2 on error.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
root=$(pwd)
rev=${1:-HEAD}
work=$(mktemp -d /tmp/skc-golden.XXXXXX)
trap 'rm -rf "$work"' EXIT

build () { # NAME SOURCE-DIR
  meson setup "$work/$1-build" "$2" --buildtype=release \
    -Dgimp=disabled >"$work/$1-setup.log" 2>&1 \
    || { cat "$work/$1-setup.log"; exit 2; }
  ninja -C "$work/$1-build" tools/skc >"$work/$1-ninja.log" 2>&1 \
    || { tail -40 "$work/$1-ninja.log"; exit 2; }
}

mkdir "$work/old-src"
git archive "$rev" | tar -x -C "$work/old-src"
build old "$work/old-src"
build new "$root"

# A tilt-shift blur map (sharp band in the middle) and a corner ramp, as
# PGM of the photo's size.
photo="$root/data/photos/astronaut-384.ppm"
small="$root/data/photos/tests-128.ppm"
awk 'BEGIN { print "P2\n384 384\n255";
             for (y = 0; y < 384; y++) for (x = 0; x < 384; x++)
               { d = (y - 192) / 192; if (d < 0) d = -d;
                 printf "%d\n", int (255 * d) } }' >"$work/tilt.pgm"
awk 'BEGIN { print "P2\n128 128\n255";
             for (y = 0; y < 128; y++) for (x = 0; x < 128; x++)
               printf "%d\n", int ((x + y) * 255 / 254) }' >"$work/ramp.pgm"
ampersand="$root/data/kernels/ampersand-392.pgm"

# NAME|ARGUMENTS (after the input; the output is added)
cases="
disc-r8-normal|$photo --radius 8
disc-r24-draft|$photo --radius 24 --quality draft
heart-r24-normal|$photo --kernel shape:heart --radius 24
heart-r24-high|$photo --kernel shape:heart --radius 24 --quality high
blades9-r75|$photo --kernel shape:polygon:blades=9,curvature=0.6 --radius 75
ring-r150-draft|$photo --kernel shape:ring:inner=0.7 --radius 150 --quality draft
gauss-r20|$photo --kernel shape:gaussian:sigma=0.3 --radius 20
coma-r12-draft|$small --kernel shape:coma --radius 12 --quality draft
coma-r12-normal|$small --kernel shape:coma --radius 12
ampersand-r24|$photo --kernel $ampersand --radius 24
ampersand-r24-draft|$small --kernel $ampersand --radius 24 --quality draft
map-disc-r30|$photo --map $work/tilt.pgm --radius 30
map-heart-r90|$photo --kernel shape:heart --map $work/tilt.pgm --radius 90
map-gauss-r20|$small --kernel shape:gaussian:sigma=0.3 --map $work/ramp.pgm --radius 20
map-coma-r16|$small --kernel shape:coma --map $work/ramp.pgm --radius 16 --quality draft
map-focus-gamma|$photo --map $work/tilt.pgm --radius 20 --focus 0.3 --map-gamma 2 --invert-map
swirl-heart-r20|$small --kernel shape:heart --radius 20 --swirl 0.5
cat-eye-disc-r20|$small --radius 20 --cat-eye 0.5
map-swirl-cat-eye|$small --kernel shape:star:points=5,inner=0.4 --map $work/ramp.pgm --radius 24 --swirl 0.3 --cat-eye 0.6 --quality draft
highlights|$photo --kernel shape:star:points=5,inner=0.4 --radius 16 --highlight-threshold 0.7 --highlight-gain 8 --no-clip
highlights-map|$photo --map $work/tilt.pgm --radius 40 --highlight-threshold 0.8 --highlight-gain 20
threads-1|$photo --kernel shape:heart --radius 24 --threads 1
"

run () { # NAME SKC ARGS...: output into $work/NAME/
  side=$1
  shift
  exe=$1
  shift
  mkdir -p "$work/$side/cache"
  XDG_CACHE_HOME="$work/$side/cache" HOME="$work/$side" "$exe" "$@"
}

status=0
compare () { # CASE FILE
  if cmp -s "$work/old/$2" "$work/new/$2"; then
    echo "same     $1"
  else
    echo "DIFFERS  $1"
    [ "$status" -eq 2 ] || status=1
  fi
}

mkdir -p "$work/old" "$work/new"
while IFS='|' read -r name args; do
  [ -n "$name" ] || continue
  for side in old new; do
    # shellcheck disable=SC2086
    run "$side" "$work/$side-build/tools/skc" apply $args \
      -o "$work/$side/$name.pfm" >/dev/null 2>"$work/$side/$name.err" \
      || { echo "error    $name ($side): $(tail -1 "$work/$side/$name.err")";
           status=2; }
  done
  [ ! -f "$work/old/$name.pfm" ] || compare "$name" "$name.pfm"
done <<EOF
$cases
EOF

# Fits and rendered impulse responses.
for spec in "heart --method knots" "star:points=5,inner=0.4 --method knots --budget 120" \
  "heart --steps 300 --seed 3" "coma --offsets integer --steps 300" \
  "ring:inner=0.7 --method lowrank --rank 4"; do
  name=$(echo "$spec" | tr ' :=,' '____' | tr -s '_')
  for side in old new; do
    set -- $spec
    shape=$1
    shift
    run "$side" "$work/$side-build/tools/skc" fit "shape:$shape" "$@" \
      -o "$work/$side/$name.skc" >/dev/null 2>&1 \
      && run "$side" "$work/$side-build/tools/skc" render \
        "$work/$side/$name.skc" -o "$work/$side/$name.pfm" >/dev/null 2>&1 \
      || { echo "error    fit $spec ($side)"; status=2; }
  done
  compare "fit $spec" "$name.skc"
  compare "render $spec" "$name.pfm"
done
[ "$status" -eq 0 ] && echo "golden: every output identical to $rev" \
  || echo "golden: outputs differ from $rev"
exit "$status"
