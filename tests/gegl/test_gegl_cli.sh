#!/bin/sh
# skc tests — skc:lens-blur through the gegl command: the documented command
# lines work, and the op's output equals `skc apply` on the same input within
# 8-bit rounding (both write through GEGL's PNG saver).
# SPDX-License-Identifier: GPL-3.0-or-later
set -u
GEGL=$1
SKC=$2
COMPARE=$3
DATA=$4
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok () { passed=$((passed + 1)); }
bad () { failed=$((failed + 1)); echo "FAIL: $*" >&2; }

# run LABEL COMMAND...: the command succeeds (its stderr is kept for the log).
run () {
  label=$1
  shift
  if "$@" >"$work/out" 2>"$work/err"; then ok; else
    bad "$label: $* failed: $(cat "$work/err")"; fi
}

# same LABEL A B: the two images match within 1/255.
same () {
  if "$COMPARE" --compare "$2" "$3" 1 >"$work/cmp" 2>&1; then ok; else
    bad "$1: $(cat "$work/cmp")"; fi
  cat "$work/cmp"
}

run "input" "$GEGL" -i "$DATA/photos/tests-128.ppm" -o "$work/in.png"

run "gegl shape=heart" "$GEGL" -i "$work/in.png" -o "$work/op.png" -- \
  skc:lens-blur shape=heart radius=8
run "skc apply heart" "$SKC" apply "$work/in.png" -o "$work/ref.png" \
  --kernel shape:heart --radius 8
same "heart: gegl vs skc apply" "$work/op.png" "$work/ref.png"

# With a blur map on the aux pad, as the README shows.
run "map" "$GEGL" -o "$work/depth.png" -- gegl:linear-gradient start-x=0 \
  end-x=128 start-color=black end-color=white gegl:crop width=128 height=128
run "gegl with a map" "$GEGL" -i "$work/in.png" -o "$work/op-map.png" -- \
  skc:lens-blur shape=polygon blades=5 radius=10 focus=0.2 \
  aux=[ load path="$work/depth.png" ]
run "skc apply with a map" "$SKC" apply "$work/in.png" -o "$work/ref-map.png" \
  --kernel shape:polygon:blades=5 --radius 10 --focus 0.2 \
  --map "$work/depth.png"
same "map: gegl vs skc apply" "$work/op-map.png" "$work/ref-map.png"

# A subject from a mask (portrait mode): the op's depth=subject with the
# mask on the aux pad, as `skc apply --subject` (a grey mask, its edge
# feathered; no second pad).  With depth=white-near focus=1 the same mask
# is a depth map: its soft edge a band of depths, not the subject's alpha.
run "mask" "$GEGL" -o "$work/mask.png" -- gegl:color value=black \
  gegl:crop width=128 height=128 gegl:over aux=[ gegl:rectangle x=40 y=30 \
  width=50 height=60 color=white gegl:gaussian-blur std-dev-x=3 \
  std-dev-y=3 ] gegl:convert-format format="Y' u8"
run "gegl depth=subject" "$GEGL" -i "$work/in.png" -o "$work/op-subject.png" \
  -- skc:lens-blur radius=8 depth=subject aux=[ load path="$work/mask.png" ]
run "skc apply --subject" "$SKC" apply "$work/in.png" \
  -o "$work/ref-subject.png" --radius 8 --subject "$work/mask.png"
same "subject: gegl vs skc apply" "$work/op-subject.png" \
  "$work/ref-subject.png"
run "gegl the mask as a blur map" "$GEGL" -i "$work/in.png" \
  -o "$work/op-gather.png" -- skc:lens-blur radius=8 focus=1 \
  aux=[ load path="$work/mask.png" ]
if "$COMPARE" --compare "$work/op-subject.png" "$work/op-gather.png" 1 \
  >/dev/null 2>&1 || "$COMPARE" --compare "$work/op-subject.png" \
  "$work/in.png" 1 >/dev/null 2>&1; then
  bad "depth=subject left the image as it was or blurred it as a map"
else ok; fi

# Without a mask on the aux pad, depth=subject warns and passes the input
# through (rather than blur everything).
run "gegl depth=subject without aux" "$GEGL" -i "$work/in.png" \
  -o "$work/op-no-mask.png" -- skc:lens-blur radius=8 depth=subject
grep -q "needs the subject's mask" "$work/err" && ok || bad "no warning: $(cat "$work/err")"
same "depth=subject without aux: the input" "$work/op-no-mask.png" "$work/in.png"

# A preset, alone and with a property that overrides it.
preset="$DATA/../presets/heart.skcpreset"
run "gegl preset" "$GEGL" -i "$work/in.png" -o "$work/op-preset.png" -- \
  skc:lens-blur preset="$preset"
run "skc apply --preset" "$SKC" apply "$work/in.png" -o "$work/ref-preset.png" \
  --preset "$preset"
same "preset: gegl vs skc apply" "$work/op-preset.png" "$work/ref-preset.png"
run "gegl preset radius=6" "$GEGL" -i "$work/in.png" \
  -o "$work/op-preset-6.png" -- skc:lens-blur preset="$preset" radius=6
run "skc apply --preset --radius 6" "$SKC" apply "$work/in.png" \
  -o "$work/ref-preset-6.png" --preset "$preset" --radius 6
same "preset overridden: gegl vs skc apply" "$work/op-preset-6.png" \
  "$work/ref-preset-6.png"
if "$COMPARE" --compare "$work/op-preset.png" "$work/op-preset-6.png" 0 \
  >/dev/null 2>&1; then
  bad "radius=6 did not override the preset"
else ok; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
