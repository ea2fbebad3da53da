#!/bin/sh
# skc — the main job on the bundled default inputs: installs what is
# needed, builds, and has a headless GIMP 2.10 run the plug-in
# plug-in-skc-lens-blur on the bundled portrait: a heart-shaped bokeh whose
# size follows a tilt-shift blur map (a layer GIMP paints with a bilinear
# gradient: sharp across the face, more blurred farther up and down).
# Then the skc tool turns the bundled star field into heart-shaped bokeh
# balls.
# Writes output/astronaut-gimp-tilt-shift.png, output/astronaut-map.png and
# output/stars-heart-bokeh.png.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
mkdir -p output
out=$(pwd)/output

# A private GIMP profile with the plug-in installed as a user would.
export GIMP2_DIRECTORY="$out/gimp-profile"
gimp-console-2.10 -i -d -f --batch-interpreter=plug-in-script-fu-eval \
  -b '(gimp-quit 0)' >/dev/null 2>&1
mkdir -p "$GIMP2_DIRECTORY/plug-ins/skc-lens-blur"
cp build/plugin/gimp/gimp2/skc-lens-blur \
  "$GIMP2_DIRECTORY/plug-ins/skc-lens-blur/skc-lens-blur"

rm -f "$out/astronaut-gimp-tilt-shift.png"
gimp-console-2.10 -i -d -f --batch-interpreter=plug-in-script-fu-eval -b "
(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE
                   \"$(pwd)/data/photos/astronaut.png\" \"astronaut.png\")))
       (photo (car (gimp-image-get-active-drawable img)))
       (w (car (gimp-image-width img)))
       (h (car (gimp-image-height img)))
       (map (car (gimp-layer-new img w h RGB-IMAGE \"skc blur map\" 100
                                 LAYER-MODE-NORMAL))))
  (gimp-image-insert-layer img map 0 -1)
  (gimp-context-set-foreground '(0 0 0))
  (gimp-context-set-background '(255 255 255))
  (gimp-context-set-gradient-fg-bg-rgb)
  (gimp-drawable-edit-gradient-fill map GRADIENT-BILINEAR 0 FALSE 1 0 TRUE
                                    0 (* h 0.3) 0 (* h 0.65))
  (file-png-save-defaults RUN-NONINTERACTIVE img map
                          \"$out/astronaut-map.png\" \"astronaut-map.png\")
  (plug-in-skc-lens-blur RUN-NONINTERACTIVE img photo
                         \"shape:heart\" 18.0 map
                         1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\" 0)
  (file-png-save-defaults RUN-NONINTERACTIVE img photo
                          \"$out/astronaut-gimp-tilt-shift.png\"
                          \"astronaut-gimp-tilt-shift.png\"))" \
  -b '(gimp-quit 0)' >"$out/gimp.log" 2>&1
# GIMP's exit status is always 0: the file tells.
if [ ! -s "$out/astronaut-gimp-tilt-shift.png" ]; then
  echo "GIMP did not write the result; its log:" >&2
  cat "$out/gimp.log" >&2
  exit 1
fi

build/tools/skc apply data/photos/hubble-deep-field.png \
  -o output/stars-heart-bokeh.png --kernel shape:heart --radius 14 \
  --highlight-threshold 0.5 --highlight-gain 6 --verbose
echo "results: $out/astronaut-gimp-tilt-shift.png (GIMP, blur map $out/astronaut-map.png)"
echo "         $out/stars-heart-bokeh.png"
