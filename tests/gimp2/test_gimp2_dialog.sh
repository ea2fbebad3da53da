#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The GIMP 2.10 plug-in's dialog in a real GIMP under Xvfb: it opens from
# an interactive call, its live preview runs, a screenshot is kept as a
# test artefact, and OK applies the filter exactly as `skc apply` does
# (with the dialog's starting settings: a disc of radius 20).
#
#   test_gimp2_dialog.sh PLUG_IN SKC DATA_DIR WORK_DIR
set -u
abs () { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
plugin=$(abs "$1") skc=$(abs "$2") data=$(abs "$3") work=$4
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../gimp/lib.sh"
. "$here/../gimp/dialog.sh"

gimp=$(command -v gimp-2.10) || { echo "gimp-2.10 not found"; exit 77; }
command -v xvfb-run >/dev/null || { echo "xvfb-run not found"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
export SKC_CACHE_DIR=off
export GIMP2_DIRECTORY="$work/profile"
gimp-console-2.10 -i -d -f --batch-interpreter=plug-in-script-fu-eval \
  -b '(gimp-quit 0)' >/dev/null 2>&1
mkdir -p "$GIMP2_DIRECTORY/plug-ins/skc-lens-blur"
cp "$plugin" "$GIMP2_DIRECTORY/plug-ins/skc-lens-blur/skc-lens-blur"
cp "$data/photos/astronaut.png" photo.png

# Arguments are ignored in interactive mode but Script-Fu wants them all.
script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\" \"photo.png\"))) (d (car (gimp-image-get-active-drawable img)))) (gimp-display-new img) (plug-in-skc-lens-blur RUN-INTERACTIVE img d \"shape:disc\" 20.0 -1 1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1) (gimp-file-save RUN-NONINTERACTIVE img d \"$work/ok.png\" \"ok.png\") (gimp-quit TRUE))"

xvfb-run -a -s "-screen 0 1280x1000x24" sh -c '
  . "$1"
  drive_dialog "$2" "$3" "$4" -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$5"
' sh "$here/../gimp/dialog.sh" "$work/dialog-gimp2.png" "$work/gimp.log" "$gimp" "$script" \
  && ok "the dialog opened" || bad "the dialog opened"

if [ -s "$work/dialog-gimp2.png" ]; then ok "screenshot kept: $work/dialog-gimp2.png"; else bad "no screenshot"; fi
"$skc" apply photo.png -o ref.png --kernel shape:disc --radius 20 >/dev/null
same_image ok.png ref.png 1 "OK applies the filter as skc apply does"
finish
