#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The GIMP 3 plug-in, end to end in a real headless GIMP 3 (run inside the
# Debian 13 chroot by scripts/test-gimp3.sh): Script-Fu runs it on a photo
# (uniform, with a map layer, with an offset map layer, grey, 16-bit with
# alpha, inside a selection) and its output must match `skc apply`;
# cancel and bad arguments leave the image untouched.
#
# With GEGL_MODULE (the skc:lens-blur module) given, GIMP 3 also applies
# the GEGL operation from its per-user module folder as a filter
# (gimp-drawable-merge-new-filter), as the README documents.
#
#   test_gimp3.sh PLUG_IN SKC DATA_DIR WORK_DIR [GEGL_MODULE]
set -u
abs () { (cd "$(dirname "$1")" && echo "$(pwd)/$(basename "$1")"); }
plugin=$(abs "$1") skc=$(abs "$2") data=$(abs "$3") work=$4
presets=$(cd "$data/../presets" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../gimp/lib.sh"

gimp_console=$(command -v gimp-console-3.0) || { echo "gimp-console-3.0 not found"; exit 77; }
rm -rf "$work"
mkdir -p "$work"
cd "$work" || exit 1
work=$(pwd)
export SKC_CACHE_DIR=off

# A private profile, then the plug-in in its own folder as GIMP 3 wants.
export GIMP3_DIRECTORY="$work/profile"
install_plugin "$GIMP3_DIRECTORY" "$plugin"

make_inputs "$work" "$data/photos/astronaut.png"
make_subject_inputs "$work"

# The documented per-user install of the GEGL operation.
module=${5:-}
if [ -n "$module" ]; then
  export XDG_DATA_HOME="$work/data-home"
  mkdir -p "$XDG_DATA_HOME/gegl-0.4/plug-ins"
  cp "$module" "$XDG_DATA_HOME/gegl-0.4/plug-ins/"
fi

# blur IN OUT PREP ARGS [POST]: loads IN, evaluates PREP (img and d
# bound), runs the plug-in with the named ARGS on d, evaluates POST, hides
# any map layer m and exports the image as OUT; a failing call is caught
# so that the image is saved anyway (then it must equal IN).
blur () {
  printf '(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE "%s/%s"))) (d (vector-ref (car (gimp-image-get-layers img)) 0)) (m -1)) %s (catch (gimp-message "plug-in call failed") (plug-in-skc-lens-blur #:run-mode RUN-NONINTERACTIVE #:image img #:drawables (vector d) %s)) %s (if (not (equal? m -1)) (gimp-item-set-visible m FALSE)) (gimp-file-save RUN-NONINTERACTIVE img "%s/%s"))' \
    "$work" "$1" "$3" "$4" "${5:-}" "$work" "$2"
}

# Depth "subject": the selection, or a channel as the map, is the sharp
# subject in front; the whole layer is blurred, the selection kept.
selection_kept='(let ((e (car (gimp-selection-is-empty img)))) (if (or (equal? e #f) (equal? e 0)) (gimp-message "subject: the selection is kept")))'
map_layer='(set! m (car (gimp-file-load-layer RUN-NONINTERACTIVE img "map.png"))) (gimp-image-insert-layer img m 0 -1)'
small_layer='(set! m (car (gimp-file-load-layer RUN-NONINTERACTIVE img "small-map.png"))) (gimp-image-insert-layer img m 0 -1) (gimp-layer-set-offsets m 100 150)'

gimp_batch run.log \
  "$(blur photo.png heart.png '' '#:shape "shape:heart" #:radius 12.0')" \
  "$(blur photo.png mapped.png "$map_layer" '#:shape "shape:polygon:blades=6,rotation=15" #:radius 16.0 #:map m #:focus 0.1')" \
  "$(blur photo.png offset.png "$small_layer" '#:shape "shape:star" #:radius 10.0 #:map m')" \
  "$(blur grey.png grey-out.png '' '#:shape "shape:disc" #:radius 8.0')" \
  "$(blur photo.png deep.png '(gimp-image-convert-precision img PRECISION-U16-NON-LINEAR) (gimp-layer-add-alpha d)' '#:shape "shape:heart" #:radius 12.0')" \
  "$(blur photo.png float.png '(gimp-image-convert-precision img PRECISION-FLOAT-LINEAR)' '#:shape "shape:heart" #:radius 12.0' '(gimp-image-convert-precision img PRECISION-U8-NON-LINEAR)')" \
  "$(blur photo.png selected.png '(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 0 0 256 512)' '#:shape "shape:heart" #:radius 12.0')" \
  "$(blur photo.png preset.png '' "#:preset \"$presets/heart.skcpreset\"")" \
  "$(blur photo.png bad-radius.png '' '#:shape "shape:heart" #:radius -5.0')" \
  "$(blur photo.png bad-shape.png '' '#:shape "shape:nonsense" #:radius 12.0')" \
  "$(blur subject.png portrait.png "$subject_select" '#:shape "shape:disc" #:radius 20.0 #:depth "subject"' "$selection_kept")" \
  "$(blur subject.png portrait-channel.png "$subject_select (set! m (car (gimp-selection-save img))) (gimp-selection-none img)" '#:shape "shape:disc" #:radius 20.0 #:map m #:depth "subject"')" \
  "$(blur photo.png indexed.png '(gimp-image-convert-indexed img CONVERT-DITHER-NONE CONVERT-PALETTE-GENERATE 16 FALSE FALSE "")' '#:shape "shape:heart" #:radius 12.0')"

# The outputs against the skc tool on the same inputs.
check_blurs "$skc"
check_preset "$skc" "$presets/heart.skcpreset"
if [ -n "$module" ]; then
  # A run of its own: GIMP 3 stops a run at its first failing job.
  gimp_batch gegl-op.log \
  "(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\"))) (d (vector-ref (car (gimp-image-get-layers img)) 0))) (gimp-drawable-merge-new-filter d \"skc:lens-blur\" 0 LAYER-MODE-REPLACE 1.0 \"shape\" \"heart\" \"radius\" 12.0) (gimp-file-save RUN-NONINTERACTIVE img \"$work/gegl-op.png\"))"

  same_image gegl-op.png ref-heart.png 1 "GIMP 3 applies skc:lens-blur as a filter"

  # skc:bokeh-blur as an editable layer effect: appended (and listed), the
  # image saved as XCF with it and exported; reopened from the XCF, the
  # effect is still there and renders again from its stored properties.
  layer='(d (vector-ref (car (gimp-image-get-layers img)) 0))'
  count='(number->string (vector-length (car (gimp-drawable-get-filters d))))'
  gimp_batch effect.log \
  "(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\"))) $layer) (gimp-drawable-append-new-filter d \"skc:bokeh-blur\" 0 LAYER-MODE-REPLACE 1.0 \"shape\" \"heart\" \"radius\" 12.0) (gimp-message (string-append \"effects: \" $count)) (gimp-file-save RUN-NONINTERACTIVE img \"$work/effect.xcf\") (gimp-file-save RUN-NONINTERACTIVE img \"$work/effect.png\"))"
  gimp_batch reopened.log \
  "(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/effect.xcf\"))) $layer (f (vector-ref (car (gimp-drawable-get-filters d)) 0))) (gimp-message (string-append \"reopened: \" $count \" \" (car (gimp-drawable-filter-get-operation-name f)))) (gimp-file-save RUN-NONINTERACTIVE img \"$work/effect-reopened.png\"))"
  log_has effect.log "effects: 1" "skc:bokeh-blur is kept as a layer effect"
  same_image effect.png ref-heart.png 1 "the layer effect equals skc apply"
  log_has reopened.log "reopened: 1 skc:bokeh-blur" "the effect is still there in the reopened XCF"
  same_image effect-reopened.png ref-heart.png 1 "the reopened effect renders as skc apply"

  # The kept effect edited: reopened from the XCF, its radius changed
  # through GIMP 3's filter API (its config, then
  # gimp_drawable_filter_update, as GIMP's filter dialog does; GIMP 3.0's
  # Script-Fu configures a filter only before it is appended), the export
  # against skc apply at the new radius; saved and reopened, the new
  # radius stays.
  gimp3_effects edited.log SKC_EFFECT_XCF="$work/effect.xcf" \
    SKC_EFFECT_RADIUS=20 SKC_EFFECT_PNG="$work/effect-edited.png" \
    SKC_EFFECT_SAVE="$work/effect-edited.xcf"
  gimp3_effects edited-reopened.log SKC_EFFECT_XCF="$work/effect-edited.xcf"
  "$skc" apply photo.png -o ref-heart-20.png --kernel shape:heart --radius 20 >/dev/null
  log_has edited.log "effect skc:bokeh-blur radius=20.0 shape=heart" "the kept effect's radius is changed"
  psnr_at_least effect-edited.png ref-heart-20.png 45 "the edited effect renders as skc apply at the new radius"
  log_has edited-reopened.log "effect skc:bokeh-blur radius=20.0 shape=heart" "the new radius is saved with the effect"
fi
identical_pixels bad-radius.png photo.png "bad radius leaves the image unchanged"
log_has run.log "plug-in call failed" "bad arguments fail the call"
identical_pixels bad-shape.png photo.png "bad shape leaves the image unchanged"
log_has run.log "unknown shape 'nonsense'" "bad shape reported"
log_has run.log "convert indexed images first" "indexed image refused"
check_subject "$skc"
log_has run.log "subject: the selection is kept" "the selection is kept"
# A run of its own: GIMP 3 stops a run at its first failing job.
gimp_batch no-subject.log \
  "$(blur subject.png no-subject.png '' '#:shape "shape:disc" #:radius 20.0 #:depth "subject"')"
identical_pixels no-subject.png subject.png "subject mode without a selection leaves the image unchanged"
log_has no-subject.log "depth 'subject' needs the subject" "subject mode without a selection reported"

# Cancel after the first band (the plug-in's test hook presses it).
if [ "${SKC_TEST_HOOKS_BUILT:-0}" = 1 ]; then
  SKC_TEST_CANCEL=1 gimp_batch cancel.log \
    "$(blur photo.png cancelled.png '' '#:shape "shape:heart" #:radius 40.0')"
  identical_pixels cancelled.png photo.png "cancel leaves the image unchanged"
  if grep -q -e "terminated" -e "crashed" cancel.log; then
    bad "cancel: the plug-in crashed"; sed 's/^/    /' cancel.log
  else
    ok "cancel ends the call without a crash"
  fi
else
  echo "skipped: cancel (the plug-in was built without -Dtest-hooks=true)"
fi

finish
