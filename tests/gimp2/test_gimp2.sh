#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The GIMP 2.10 plug-in, end to end in a real headless GIMP: Script-Fu
# runs it on a photo (uniform, with a map layer, with an offset map
# layer, grey, 16-bit with alpha, inside a selection, a selection as the
# sharp subject) and its output must match `skc apply`; cancel and bad
# arguments leave the image untouched.
#
#   test_gimp2.sh PLUG_IN SKC DATA_DIR WORK_DIR
set -u
abs () { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
plugin=$(abs "$1") skc=$(abs "$2") data=$(abs "$3") work=$4
presets=$(cd "$data/../presets" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../gimp/lib.sh"

gimp_console=$(command -v gimp-console-2.10) || { echo "gimp-console-2.10 not found"; exit 77; }
gimp_quit_command="(gimp-quit 0)"
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
export SKC_CACHE_DIR=off

# A private profile: GIMP creates it on a first empty run, then the
# plug-in goes where GIMP looks for per-user plug-ins.
export GIMP2_DIRECTORY="$work/profile"
install_plugin "$GIMP2_DIRECTORY" "$plugin"

make_inputs "$work" "$data/photos/astronaut.png"
make_subject_inputs "$work"

# blur IN OUT PREP ARGS [POST]: loads IN, evaluates PREP (with img and d
# bound), runs the plug-in with ARGS (after run-mode, image, drawable) on
# d, evaluates POST and saves d as OUT; a failing call is caught so that
# the image is saved anyway (then it must equal IN).
blur () {
  printf '(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "%s" "%s"))) (d (car (gimp-image-get-active-drawable img)))) %s (catch (gimp-message "plug-in call failed") (plug-in-skc-lens-blur RUN-NONINTERACTIVE img d %s)) %s (gimp-file-save RUN-NONINTERACTIVE img d "%s" "%s"))' \
    "$1" "$1" "$3" "$4" "${5:-}" "$2" "$2"
}

# The table's arguments after shape, radius and map, at their defaults:
# quality focus invert-map map-gamma map-linear swirl cat-eye
# highlight-threshold highlight-gain clip preset depth.
rest="1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\" 0"
# Depth 'subject' (3): the selection, or a channel as the map, is the
# sharp subject in front; the whole layer is blurred, the selection kept.
subject_rest="1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\" 3"
selection_kept='(if (= (car (gimp-selection-is-empty img)) FALSE) (gimp-message "subject: the selection is kept"))'
map_layer='(define m (car (gimp-file-load-layer RUN-NONINTERACTIVE img "map.png"))) (gimp-image-insert-layer img m 0 -1)'
small_layer='(define m (car (gimp-file-load-layer RUN-NONINTERACTIVE img "small-map.png"))) (gimp-image-insert-layer img m 0 -1) (gimp-layer-set-offsets m 100 150)'

gimp_batch run.log \
  "$(blur photo.png heart.png '' "\"shape:heart\" 12.0 -1 $rest")" \
  "$(blur photo.png mapped.png "$map_layer" "\"shape:polygon:blades=6,rotation=15\" 16.0 m 1 0.1 0 1.0 0 0.0 0.0 1.0 1.0 1 \"\" 0")" \
  "$(blur photo.png offset.png "$small_layer" "\"shape:star\" 10.0 m $rest")" \
  "$(blur grey.png grey-out.png '' "\"shape:disc\" 8.0 -1 $rest")" \
  "$(blur photo.png deep.png '(gimp-image-convert-precision img PRECISION-U16-GAMMA) (gimp-layer-add-alpha d)' "\"shape:heart\" 12.0 -1 $rest")" \
  "$(blur photo.png float.png '(gimp-image-convert-precision img PRECISION-FLOAT-LINEAR)' "\"shape:heart\" 12.0 -1 $rest" '(gimp-image-convert-precision img PRECISION-U8-GAMMA)')" \
  "$(blur photo.png selected.png '(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 256 512)' "\"shape:heart\" 12.0 -1 $rest")" \
  "$(blur photo.png preset.png '' "\"shape:disc\" 20.0 -1 1 0.0 0 1.0 0 0.0 0.0 1.0 1.0 1 \"$presets/heart.skcpreset\" 0")" \
  "$(blur photo.png bad-radius.png '' "\"shape:heart\" -5.0 -1 $rest")" \
  "$(blur photo.png bad-shape.png '' "\"shape:nonsense\" 12.0 -1 $rest")" \
  "$(blur photo.png bad-map.png '' "\"shape:heart\" 12.0 9999 $rest")" \
  "$(blur subject.png portrait.png "$subject_select" "\"shape:disc\" 20.0 -1 $subject_rest" "$selection_kept")" \
  "$(blur subject.png portrait-channel.png "$subject_select (define m (car (gimp-selection-save img))) (gimp-selection-none img)" "\"shape:disc\" 20.0 m $subject_rest")" \
  "$(blur subject.png no-subject.png '' "\"shape:disc\" 20.0 -1 $subject_rest")" \
  "$(blur photo.png indexed.png '(gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE "")' "\"shape:heart\" 12.0 -1 $rest")"

# The outputs against the skc tool on the same inputs.
check_blurs "$skc"
check_preset "$skc" "$presets/heart.skcpreset"
identical_pixels bad-radius.png photo.png "bad radius leaves the image unchanged"
log_has run.log "radius = -5 is outside 0..1000" "bad radius reported"
identical_pixels bad-shape.png photo.png "bad shape leaves the image unchanged"
log_has run.log "unknown shape 'nonsense'" "bad shape reported"
identical_pixels bad-map.png photo.png "bad map leaves the image unchanged"
log_has run.log "invalid ID for argument 'map'" "bad map reported"
log_has run.log "convert indexed images first" "indexed image refused"
check_subject "$skc"
log_has run.log "subject: the selection is kept" "the selection is kept"
identical_pixels no-subject.png subject.png "subject mode without a selection leaves the image unchanged"
log_has run.log "depth 'subject' needs the subject" "subject mode without a selection reported"

# Cancel after the first band (a batch run has no Cancel button; the
# plug-in's test hook presses it): the shadow buffer is never merged.
if [ "${SKC_TEST_HOOKS_BUILT:-0}" = 1 ]; then
  SKC_TEST_CANCEL=1 gimp_batch cancel.log \
    "$(blur photo.png cancelled.png '' "\"shape:heart\" 40.0 -1 $rest")"
  identical_pixels cancelled.png photo.png "cancel leaves the image unchanged"
  # A cancelled call is no error for Script-Fu (and no crash).
  if grep -q -e "plug-in call failed" -e "terminated" -e "crashed" cancel.log; then
    bad "cancel: the call failed or crashed"; sed 's/^/    /' cancel.log
  else
    ok "cancel ends the call quietly"
  fi
else
  echo "skipped: cancel (the plug-in was built without -Dtest-hooks=true)"
fi

finish
