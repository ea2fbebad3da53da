#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The plug-in's dialog in a real GIMP (2.10 or 3) under Xvfb: it opens
# from an interactive call, its live preview runs, a screenshot is kept as
# a test artefact (dialog-gimpVERSION.png), and OK applies the filter
# exactly as `skc apply` does (with the dialog's starting settings: a disc
# of radius 20).
#
# With GEGL_MODULE (GIMP 3), OK on a layer with no map leaves an editable
# layer effect (skc:bokeh-blur) instead of rewriting the pixels.
#
#   test_dialog.sh 2|3 PLUG_IN SKC DATA_DIR WORK_DIR [GEGL_MODULE]
set -u
abs () { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
version=$1
plugin=$(abs "$2") skc=$(abs "$3") data=$(abs "$4") work=$5
module=${6:+$(abs "$6")}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

if [ "$version" = 2 ]; then
  gimp=gimp-2.10 gimp_console=gimp-console-2.10
  gimp_quit_command="(gimp-quit 0)"
  export GIMP2_DIRECTORY="$work/profile"
else
  gimp=gimp-3.0 gimp_console=gimp-console-3.0
  export GIMP3_DIRECTORY="$work/profile"
fi
command -v "$gimp" >/dev/null || { echo "$gimp not found"; exit 77; }
[ "${SKC_TEST_HOOKS_BUILT:-0}" = 1 ] ||
  { echo "the plug-in was built without -Dtest-hooks=true"; exit 77; }
command -v xvfb-run >/dev/null || { echo "xvfb-run not found"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
presets=$(cd "$data/../presets" && pwd)
procedure=plug-in-skc-lens-blur
export SKC_CACHE_DIR=off SKC_TEST_PREVIEW_LOG=1 SKC_PRESETS_DIR="$presets" \
  SKC_DATA_DIR="$data"
install_plugin "$work/profile" "$plugin"
cp "$data/photos/astronaut.png" photo.png

if [ "$version" = 2 ]; then
  # Arguments are ignored in interactive mode but Script-Fu wants them all.
  script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\" \"photo.png\"))) (d (car (gimp-image-get-active-drawable img)))) (gimp-display-new img) (plug-in-skc-lens-blur RUN-INTERACTIVE img d \"shape:disc\" 20.0 -1 1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\" 0) (gimp-file-save RUN-NONINTERACTIVE img d \"$work/ok.png\" \"ok.png\") (gimp-quit TRUE))"
else
  script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\"))) (d (vector-ref (car (gimp-image-get-layers img)) 0))) (gimp-display-new img) (plug-in-skc-lens-blur #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector d)) (gimp-file-save RUN-NONINTERACTIVE img \"$work/ok.png\") (gimp-quit TRUE))"
fi

# After the interactive call: the image's "skc blur map" channel, if any,
# saved as map-channel.png, and its channel count in the log.
if [ "$version" = 2 ]; then
  after_map='(gimp-message-set-handler CONSOLE) (gimp-message (string-append "channels " (number->string (car (gimp-image-get-channels img))))) (let ((ch (car (gimp-image-get-channel-by-name img "skc blur map")))) (if (> ch 0) (let* ((out (car (gimp-image-new 512 512 GRAY))) (l (car (gimp-layer-new-from-drawable ch out)))) (gimp-image-insert-layer out l 0 0) (gimp-file-save RUN-NONINTERACTIVE out l "'$work'/map-channel.png" "map-channel.png"))))'
else
  after_map='(gimp-message-set-handler CONSOLE) (gimp-message (string-append "effects " (number->string (vector-length (car (gimp-drawable-get-filters d)))))) (gimp-message (string-append "channels " (number->string (vector-length (car (gimp-image-get-channels img)))))) (let ((ch (car (gimp-image-get-channel-by-name img "skc blur map")))) (if (> ch 0) (let* ((out (car (gimp-image-new 512 512 GRAY))) (l (car (gimp-layer-new-from-drawable ch out)))) (gimp-image-insert-layer out l 0 0) (gimp-file-save RUN-NONINTERACTIVE out "'$work'/map-channel.png"))))'
fi

# run_dialog NAME: one interactive run; OK writes ok-NAME.png, the
# screenshot is dialog-gimpVERSION-NAME.png, GIMP's log NAME.log.
run_dialog () {
  # Each run starts from the plug-in's defaults: GIMP 3 remembers the last
  # values across sessions (GIMP 2.10 only within one).
  rm -f "$work/profile/plug-in-settings/"*"$procedure"*
  xvfb-run -a -s "-screen 0 1280x1000x24" sh -c '
    . "$1"
    drive_dialog "$2" "$3" "$4" -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$5"
  ' sh "$here/dialog.sh" "$work/dialog-gimp$version-$1.png" "$work/$1.log" \
    "$gimp" "$(echo "$script" | sed "s|/ok.png|/ok-$1.png|g; s|(gimp-quit TRUE)|$after_map (gimp-quit TRUE)|")" \
    && ok "$1: the dialog opened" || bad "$1: the dialog opened"
  log_has "$work/$1.log" "skc preview drawn: " "$1: the live preview drew a blurred view"
  shot="$work/dialog-gimp$version-$1.png"
  if [ -s "$shot" ]; then ok "$1: screenshot kept: $shot"; else bad "$1: no screenshot"; fi
}

# The dialog as it opens: OK applies its starting settings.
run_dialog settings
"$skc" apply photo.png -o ref.png --kernel shape:disc --radius 20 >/dev/null
same_image ok-settings.png ref.png 1 "OK applies the filter as skc apply does"

# A shape loaded into the designer (as its "Load image..." does) becomes
# the shape: a PFM in the profile's skc-shapes folder, applied on OK.
SKC_TEST_DESIGNER_LOAD="$data/kernels/ampersand-392.pgm" SKC_TEST_PAGE=1 \
  run_dialog designer
drawn=$(ls "$work"/profile/skc-shapes/shape-*.pfm 2>/dev/null | head -1)
if [ -n "$drawn" ]; then
  ok "the designed shape is kept in the profile ($(basename "$drawn"))"
  "$skc" apply photo.png -o ref-designer.png --kernel "file:$drawn" \
    --radius 20 >/dev/null
  same_image ok-designer.png ref-designer.png 1 "OK applies the designed shape as skc apply does"
else
  bad "no designed shape in $work/profile/skc-shapes"
fi

# A tilt-shift band made on the Blur map page (shown for the screenshot):
# on OK the map is kept as a hidden channel "skc blur map" and the blur
# follows it; cancelling creates no channel.
SKC_TEST_MAP_BAND=0,170,511,170 SKC_TEST_PAGE=2 run_dialog map
if [ -s map-channel.png ]; then
  ok "OK keeps the painted map as the channel 'skc blur map'"
  top=$(convert map-channel.png -format '%[fx:p{256,5}]' info:)
  band=$(convert map-channel.png -format '%[fx:p{256,170}]' info:)
  if awk -v t="$top" -v b="$band" 'BEGIN { exit !(b < 0.01 && t > 0.5) }'; then
    ok "the channel holds the band (0 on the line: $band, $top far from it)"
  else
    bad "the channel does not hold the band (line $band, far $top)"
  fi
  "$skc" apply photo.png -o ref-map.png --kernel shape:disc --radius 20 \
    --map map-channel.png >/dev/null
  same_image ok-map.png ref-map.png 1 "the blur follows the painted map as skc apply --map does"
else
  bad "no 'skc blur map' channel after OK"
fi
log_has "$work/map.log" "channels 1" "one channel after OK"
rm -f map-channel.png
DIALOG_KEY=Escape SKC_TEST_MAP_BAND=0,170,511,170 run_dialog cancelled
log_has "$work/cancelled.log" "channels 0" "cancel creates no channel"
identical_pixels ok-cancelled.png photo.png "cancel leaves the image unchanged"

# Portrait mode in two clicks: a selection, then "Subject: the selection"
# in the map list (depth follows): the preview and OK blur the background
# behind the sharp selected square, as skc apply --subject does.
make_subject_inputs "$work"
cp subject.png photo.png
script_plain=$script
script=$(echo "$script" | sed "s|(gimp-display-new img)|$subject_select (gimp-display-new img)|")
SKC_TEST_MAP_ENTRY=-3 run_dialog subject
script=$script_plain
cp "$data/photos/astronaut.png" photo.png
"$skc" apply subject.png -o ref-subject.png --kernel shape:disc --radius 20 \
  --subject subject-mask.png >/dev/null
same_image ok-subject.png ref-subject.png 1 "OK with the selection as the subject gives skc apply --subject"

# A built-in preset used from the presets page (shown for the
# screenshot), and the settings saved as a preset of the user's on OK.
SKC_TEST_USE_PRESET=$presets/star-5.skcpreset \
SKC_TEST_PAGE=3 SKC_TEST_SAVE_PRESET="Test star" run_dialog presets
"$skc" apply photo.png -o ref-star.png --preset "$presets/star-5.skcpreset" >/dev/null
same_image ok-presets.png ref-star.png 1 "a preset used in the dialog gives skc apply --preset"
saved="$work/profile/skc-presets/Test star.skcpreset"
if [ -s "$saved" ]; then
  ok "the dialog saved a preset in the GIMP profile"
  "$skc" apply photo.png -o saved.png --preset "$saved" >/dev/null
  same_image saved.png ok-presets.png 1 "the saved preset reproduces the dialog's result"
else
  bad "no preset saved at $saved"; sed 's/^/    /' "$work/presets.log" | grep skc
fi

# GIMP 3: with no map, OK keeps the blur as an editable layer effect when
# GIMP has the module's skc:bokeh-blur (a copy in the user's GEGL folder);
# without it (every run above), the pixels are blurred.
if [ "$version" = 3 ] && [ -n "$module" ]; then
  log_has "$work/settings.log" "effects 0" "without the module, OK blurs the pixels"
  mkdir -p "$work/data-home/gegl-0.4/plug-ins"
  cp "$module" "$work/data-home/gegl-0.4/plug-ins/"
  XDG_DATA_HOME="$work/data-home" run_dialog effect
  log_has "$work/effect.log" "effects 1" "OK leaves one layer effect"
  same_image ok-effect.png ref.png 1 "the layer effect renders as skc apply"
fi
finish
