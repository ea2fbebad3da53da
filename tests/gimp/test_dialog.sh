#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The plug-in's dialog in a real GIMP (2.10 or 3) under Xvfb: it opens
# from an interactive call, its live preview runs, a screenshot is kept as
# a test artefact (dialog-gimpVERSION.png), and OK applies the filter
# exactly as `skc apply` does (with the dialog's starting settings: a disc
# of radius 20).
#
#   test_dialog.sh 2|3 PLUG_IN SKC DATA_DIR WORK_DIR
set -u
abs () { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
version=$1
plugin=$(abs "$2") skc=$(abs "$3") data=$(abs "$4") work=$5
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
command -v xvfb-run >/dev/null || { echo "xvfb-run not found"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
export SKC_CACHE_DIR=off SKC_TEST_PREVIEW_LOG=1
gimp_batch /dev/null
mkdir -p "$work/profile/plug-ins/skc-lens-blur"
cp "$plugin" "$work/profile/plug-ins/skc-lens-blur/skc-lens-blur"
cp "$data/photos/astronaut.png" photo.png

if [ "$version" = 2 ]; then
  # Arguments are ignored in interactive mode but Script-Fu wants them all.
  script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\" \"photo.png\"))) (d (car (gimp-image-get-active-drawable img)))) (gimp-display-new img) (plug-in-skc-lens-blur RUN-INTERACTIVE img d \"shape:disc\" 20.0 -1 1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\") (gimp-file-save RUN-NONINTERACTIVE img d \"$work/ok.png\" \"ok.png\") (gimp-quit TRUE))"
else
  script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\"))) (d (vector-ref (car (gimp-image-get-layers img)) 0))) (gimp-display-new img) (plug-in-skc-lens-blur #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector d)) (gimp-file-save RUN-NONINTERACTIVE img \"$work/ok.png\") (gimp-quit TRUE))"
fi

# run_dialog NAME: one interactive run; OK writes ok-NAME.png, the
# screenshot is dialog-gimpVERSION-NAME.png, GIMP's log NAME.log.
run_dialog () {
  xvfb-run -a -s "-screen 0 1280x1000x24" sh -c '
    . "$1"
    drive_dialog "$2" "$3" "$4" -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$5"
  ' sh "$here/dialog.sh" "$work/dialog-gimp$version-$1.png" "$work/$1.log" \
    "$gimp" "$(echo "$script" | sed "s|/ok.png|/ok-$1.png|g")" \
    && ok "$1: the dialog opened" || bad "$1: the dialog opened"
  log_has "$work/$1.log" "skc preview drawn: " "$1: the live preview drew a blurred view"
  shot="$work/dialog-gimp$version-$1.png"
  if [ -s "$shot" ]; then ok "$1: screenshot kept: $shot"; else bad "$1: no screenshot"; fi
}

# The dialog as it opens: OK applies its starting settings.
run_dialog settings
"$skc" apply photo.png -o ref.png --kernel shape:disc --radius 20 >/dev/null
same_image ok-settings.png ref.png 1 "OK applies the filter as skc apply does"

# A built-in preset used from the presets page (shown for the
# screenshot), and the settings saved as a preset of the user's on OK.
presets=$(cd "$data/../presets" && pwd)
SKC_PRESETS_DIR=$presets SKC_TEST_USE_PRESET=$presets/star-5.skcpreset \
SKC_TEST_PAGE=1 SKC_TEST_SAVE_PRESET="Test star" run_dialog presets
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
finish
