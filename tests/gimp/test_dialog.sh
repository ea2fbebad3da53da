#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# The plug-in's dialog in a real GIMP (2.10 or 3) under Xvfb: it opens
# from an interactive call, its live preview runs, a screenshot is kept as
# a test artefact (dialog-gimpVERSION.png), and OK applies the filter
# exactly as `skc apply` does (with the dialog's starting settings: a disc
# of radius 20).
#
# With GEGL_MODULE (GIMP 3), OK on a layer with no map leaves an editable
# layer effect (skc:bokeh-blur) instead of rewriting the pixels (a drawn
# shape travels inside it: the effect renders after the shape's file is
# gone); with a map it blurs the pixels, and one Ctrl+Z brings them back;
# skc:bokeh-blur is in Filters > Blur (screenshots of the menu and of
# GIMP's own dialog for the op are kept).
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
  script="(let* ((img (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\"))) (d (vector-ref (car (gimp-image-get-layers img)) 0))) (gimp-display-new img) (plug-in-skc-lens-blur #:run-mode RUN-INTERACTIVE #:image img #:drawables (vector DRAWABLE)) AFTER_BLUR (gimp-file-save RUN-NONINTERACTIVE img \"$work/ok.png\") (gimp-quit TRUE))"
fi

# After the interactive call: the image's "skc blur map" channel, if any,
# saved as map-channel.png, and its channel count in the log.
if [ "$version" = 2 ]; then
  after_map='(gimp-message-set-handler CONSOLE) (gimp-message (string-append "channels " (number->string (car (gimp-image-get-channels img))))) (let ((ch (car (gimp-image-get-channel-by-name img "skc blur map")))) (if (> ch 0) (let* ((out (car (gimp-image-new 512 512 GRAY))) (l (car (gimp-layer-new-from-drawable ch out)))) (gimp-image-insert-layer out l 0 0) (gimp-file-save RUN-NONINTERACTIVE out l "'$work'/map-channel.png" "map-channel.png"))))'
else
  after_map='(gimp-message-set-handler CONSOLE) (gimp-message (string-append "effects " (number->string (vector-length (car (gimp-drawable-get-filters d)))))) (gimp-message (string-append "channels " (number->string (vector-length (car (gimp-image-get-channels img)))))) (let ((ch (car (gimp-image-get-channel-by-name img "skc blur map")))) (if (> ch 0) (let* ((out (car (gimp-image-new 512 512 GRAY))) (l (car (gimp-layer-new-from-drawable ch out)))) (gimp-image-insert-layer out l 0 0) (gimp-file-save RUN-NONINTERACTIVE out "'$work'/map-channel.png")))) (gimp-file-save RUN-NONINTERACTIVE img "'$work'/ok.xcf")'
fi

# run_dialog NAME: one interactive run; OK writes ok-NAME.png (and in
# GIMP 3 the image as ok-NAME.xcf), the screenshot is
# dialog-gimpVERSION-NAME.png, GIMP's log NAME.log.  $after_blur, when
# set, is Script-Fu run right after the plug-in, and $dialog_drawable what
# it runs on (default: the layer d) (GIMP 3).
run_dialog () {
  # Each run starts from the plug-in's defaults: GIMP 3 remembers the last
  # values across sessions (GIMP 2.10 only within one).
  rm -f "$work/profile/plug-in-settings/"*"$procedure"*
  # $remembered_shape, when set: the shape GIMP 3 remembers from a last
  # run (as a shape file chosen earlier would be).
  if [ -n "${remembered_shape:-}" ]; then
    mkdir -p "$work/profile/plug-in-settings"
    printf '# settings\n\n(shape "%s")\n\n# end of settings\n' \
      "$remembered_shape" \
      >"$work/profile/plug-in-settings/GimpProcedureConfigRun-$procedure.last"
  fi
  xvfb-run -a -s "-screen 0 ${DIALOG_SCREEN:-1280x1000}x24" sh -c '
    . "$1"
    drive_dialog "$2" "$3" "$4" -d -f -s --batch-interpreter=plug-in-script-fu-eval -b "$5"
  ' sh "$here/dialog.sh" "$work/dialog-gimp$version-$1.png" "$work/$1.log" \
    "$gimp" "$(echo "$script" | sed "s|DRAWABLE|${dialog_drawable:-d}|; s|AFTER_BLUR|${after_blur:-}|; s|(gimp-quit TRUE)|$after_map (gimp-quit TRUE)|; s|/ok.png|/ok-$1.png|g; s|/ok.xcf|/ok-$1.xcf|g")" \
    && ok "$1: the dialog opened" || bad "$1: the dialog opened"
  log_has "$work/$1.log" "skc preview drawn: " "$1: the live preview drew a blurred view"
  shot="$work/dialog-gimp$version-$1.png"
  if [ -s "$shot" ]; then ok "$1: screenshot kept: $shot"; else bad "$1: no screenshot"; fi
}

# The dialog as it opens: OK applies its starting settings (a click on the
# preview changes nothing without a map).
DIALOG_CLICK="300 200 512 512" run_dialog settings
# A photographer's layout: the preview shows the whole 512 px photo (it was
# about 300 px), the status is one line in user terms, and a disc shows no
# shape rows (a polygon's blades, a star's points stay hidden).
log_has "$work/settings.log" "skc preview drawn: \(exact\|approximate\) bokeh · .* s (512x512 px;" \
  "the preview shows 512x512 px, its status in user terms"
log_has "$work/settings.log" "skc shape rows:$" "a disc shows no shape rows"
"$skc" apply photo.png -o ref.png --kernel shape:disc --radius 20 >/dev/null
same_image ok-settings.png ref.png 1 "OK applies the filter as skc apply does"

# A large photo (1536 px) on a 1920x1080 screen: the preview starts at
# 720x720 px and grows with the window (resized to fill the screen);
# Escape closes it.
cp photo.png small.png
convert small.png -resize 1536x1536 photo.png
DIALOG_SCREEN=1920x1080 DIALOG_KEY=Escape DIALOG_RESIZE="1900 1060" \
  run_dialog large
cp small.png photo.png
sizes=$(sed -n 's/^skc preview drawn: .* (\([0-9]*\)x\([0-9]*\) px;.*/\1 \2/p' "$work/large.log")
first=$(echo "$sizes" | head -1) largest=$(echo "$sizes" | sort -n | tail -1)
if [ "$first" = "720 720" ]; then ok "a large photo's preview starts at 720x720 px"
else bad "a large photo's preview started at '$first' px, not 720 720"; fi
if [ -n "$largest" ] && [ "${largest%% *}" -gt 720 ]; then
  ok "the preview grows with the window ($largest px)"
  [ -s "$work/dialog-gimp$version-large-resized.png" ] &&
    ok "screenshot kept: $work/dialog-gimp$version-large-resized.png"
else
  bad "the preview did not grow with the window ($(echo $sizes))"
fi

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

# GIMP 3 finds the module's ops in the user's GEGL folder: set for the
# runs that need them (with_module).
data_home="$work/data-home"
if [ "$version" = 3 ] && [ -n "$module" ]; then
  mkdir -p "$data_home/gegl-0.4/plug-ins"
  cp "$module" "$data_home/gegl-0.4/plug-ins/"
fi
with_module () {
  if [ "$version" = 3 ] && [ -n "$module" ]; then
    XDG_DATA_HOME="$data_home" "$@"
  else
    "$@"
  fi
}

# A tilt-shift band made on the Blur map page (shown for the screenshot):
# on OK the map is kept as a hidden channel "skc blur map" and the blur
# follows it, in the pixels even where GIMP could keep an effect (the
# dialog says why); cancelling creates no channel.
SKC_TEST_MAP_BAND=0,170,511,170 SKC_TEST_PAGE=2 with_module run_dialog map
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
if [ "$version" = 3 ]; then
  log_has "$work/map.log" "effects 0" "with a map, OK blurs the pixels (no layer effect)"
fi
rm -f map-channel.png
DIALOG_KEY=Escape SKC_TEST_MAP_BAND=0,170,511,170 run_dialog cancelled
log_has "$work/cancelled.log" "channels 0" "cancel creates no channel"
# GIMP 3: the dialog edits the procedure's config, which GIMP keeps after
# OK only (last values in the profile's plug-in-settings).
last_values () { ls "$work/profile/plug-in-settings/"*"$procedure"* 2>/dev/null | head -1; }
if [ "$version" = 3 ]; then
  if [ -z "$(last_values)" ]; then ok "cancel keeps no values"
  else bad "cancel kept values: $(last_values)"; fi
fi
identical_pixels ok-cancelled.png photo.png "cancel leaves the image unchanged"

# Portrait mode in two clicks: a selection, then "Subject: the selection"
# in the map list (depth follows): the preview and OK blur the background
# behind the sharp selected square, as skc apply --subject does.
make_subject_inputs "$work"
cp subject.png photo.png
script_plain=$script
script=$(echo "$script" | sed "s|(gimp-display-new img)|$subject_select (gimp-display-new img)|")
SKC_TEST_MAP_ENTRY=-3 DIALOG_CLICK="300 200 512 512" run_dialog subject
script=$script_plain
cp "$data/photos/astronaut.png" photo.png
"$skc" apply subject.png -o ref-subject.png --kernel shape:disc --radius 20 \
  --subject subject-mask.png >/dev/null
same_image ok-subject.png ref-subject.png 1 "OK with the selection as the subject gives skc apply --subject"

# Depth of field by a click: a depth map layer (a horizontal ramp 0..1
# over 256 px, at offset 128,0 of the 512 px photo, hidden) chosen as
# the map with white near, invert-map and map-gamma 2 (from a preset);
# a click on the preview at (300, 200) of the photo makes the map's value
# there, 172/255 shaped as the core shapes it, (1 - 172/255)^2, the focus,
# the preview redraws, and OK blurs as skc apply with that focus does.
convert -size 512x256 gradient:black-white -rotate -90 +repage -strip \
  -depth 8 -type Grayscale focus-map.png
convert -size 512x512 xc:black focus-map.png -geometry +128+0 -composite \
  +repage -strip -depth 8 -type Grayscale focus-map-padded.png
printf '%s\n' "skc-preset 1.1" "name = Depth" "shape = disc" "radius = 12" \
  "invert-map = yes" "map-gamma = 2" "depth = white-near" "end" >depth.skcpreset
focus_layer="(let ((m (car (gimp-file-load-layer RUN-NONINTERACTIVE img \"$work/focus-map.png\")))) (gimp-image-insert-layer img m 0 -1) (gimp-layer-set-offsets m 128 0) (gimp-item-set-name m \"focus map\") (gimp-item-set-visible m FALSE))"
script_plain=$script
script=$(echo "$script" | sed "s|(gimp-display-new img)|$focus_layer (gimp-display-new img)|")
SKC_TEST_USE_PRESET="$work/depth.skcpreset" SKC_TEST_MAP_NAME="focus map" \
  DIALOG_CLICK="300 200 512 512" run_dialog focus
script=$script_plain
want=$(awk 'BEGIN { printf "%.6f", (1 - 172 / 255) ^ 2 }')
picked=$(sed -n 's/^skc focus picked: \([0-9.]*\) (map [0-9.]* at 300, 200)$/\1/p' "$work/focus.log" | tail -1)
if [ -n "$picked" ] && awk -v p="$picked" -v w="$want" 'BEGIN { exit !(p - w < 1e-4 && w - p < 1e-4) }'; then
  ok "a click at (300, 200) of the preview made the focus $picked, the shaped depth there ($want)"
else
  bad "the click did not make the focus $want at (300, 200): $(grep 'skc focus picked' "$work/focus.log" || echo 'no pick')"
  grep "skc preview area" "$work/focus.log" | tail -1
fi
if sed -n '/^skc focus picked/,$p' "$work/focus.log" | grep -q "^skc preview drawn: "; then
  ok "the preview redrew after the pick"
else
  bad "no preview drawn after the pick"
fi
for shot in hover picked; do
  f="$work/dialog-gimp$version-focus-$shot.png"
  if [ -s "$f" ]; then ok "screenshot kept: $f"; else bad "no screenshot $f"; fi
done
"$skc" apply photo.png -o ref-focus.png --preset depth.skcpreset \
  --map focus-map-padded.png --focus "$want" >/dev/null
same_image ok-focus.png ref-focus.png 1 "OK blurs with the picked focus as skc apply --focus $want does"
# The same pick on a map painted in the dialog (the tilt-shift band): a
# click at (256, 80), on the band's ramp (90 px from its line), makes the
# painted map's value there the focus (the channel OK keeps holds it, to
# 8 bits), and OK blurs as skc apply with that channel and focus does.
rm -f map-channel.png
SKC_TEST_MAP_BAND=0,170,511,170 DIALOG_CLICK="256 80 512 512" \
  run_dialog painted-focus
picked=$(sed -n 's/^skc focus picked: \([0-9.]*\) (map [0-9.]* at 256, 80)$/\1/p' "$work/painted-focus.log" | tail -1)
if [ -s map-channel.png ] && [ -n "$picked" ]; then
  there=$(convert map-channel.png -format '%[fx:p{256,80}]' info:)
  if awk -v p="$picked" -v t="$there" 'BEGIN { exit !(p - t <= 0.5 / 255 + 1e-6 && t - p <= 0.5 / 255 + 1e-6 && p > 0.2 && p < 0.8) }'; then
    ok "a click on a painted map made its value there the focus ($picked; the channel: $there)"
  else
    bad "the focus picked on the painted map is $picked, the channel holds $there there (on the ramp: 0.2 to 0.8)"
  fi
  "$skc" apply photo.png -o ref-painted-focus.png --kernel shape:disc --radius 20 \
    --map map-channel.png --focus "$picked" >/dev/null
  same_image ok-painted-focus.png ref-painted-focus.png 1 "OK blurs with the focus picked on the painted map as skc apply does"
else
  bad "no focus picked on the painted map (${picked:-no pick}), or no channel"
fi
rm -f map-channel.png
for run in settings subject; do
  if grep -q "skc focus picked" "$work/$run.log"; then
    bad "$run: a click picked a focus ($(grep 'skc focus picked' "$work/$run.log"))"
  else
    ok "$run: a click on the preview picks no focus (no map, or a subject)"
  fi
done

# A built-in preset used from the presets page (shown for the
# screenshot), and the settings saved as a preset of the user's on OK.
SKC_TEST_USE_PRESET=$presets/star-5.skcpreset \
SKC_TEST_PAGE=3 SKC_TEST_SAVE_PRESET="Test star" run_dialog presets
"$skc" apply photo.png -o ref-star.png --preset "$presets/star-5.skcpreset" >/dev/null
same_image ok-presets.png ref-star.png 1 "a preset used in the dialog gives skc apply --preset"
log_has "$work/presets.log" "skc shape rows: rotation points inner$" \
  "the star preset shows the star's rows only (rotation, points, inner)"
if [ "$version" = 3 ]; then
  if grep -q 'shape:star' "$(last_values)" 2>/dev/null \
     && grep -q 'star-5.skcpreset' "$(last_values)"; then
    ok "OK keeps the dialog's values in the procedure's config (the star, its preset)"
  else
    bad "the kept config lacks the star or its preset: $(last_values)"
    sed 's/^/    /' "$(last_values)" 2>/dev/null | head -20
  fi
fi
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
  with_module run_dialog effect
  log_has "$work/effect.log" "effects 1" "OK leaves one layer effect"
  same_image ok-effect.png ref.png 1 "the layer effect renders as skc apply"
  with_module gimp3_effects effect-xcf.log SKC_EFFECT_XCF="$work/ok-effect.xcf"
  log_has effect-xcf.log "effect skc:bokeh-blur radius=20.0 shape=disc kernel-file= shape-data= filter-data= preset= *$" \
    "the saved effect is skc:bokeh-blur with the dialog's radius and shape"

  # A drawn shape (loaded into the designer) travels inside the effect as
  # shape data: no path into the profile, and with the shape's file gone
  # the reopened XCF still renders as skc apply with that file.
  SKC_TEST_DESIGNER_LOAD="$data/kernels/ampersand-392.pgm" SKC_TEST_PAGE=1 \
    with_module run_dialog designer-effect
  with_module gimp3_effects designer-xcf.log \
    SKC_EFFECT_XCF="$work/ok-designer-effect.xcf"
  log_has designer-xcf.log "kernel-file= shape-data=skc-shape 1 " \
    "the drawn shape is embedded in the effect, with no file path"
  rm -f "$work"/profile/skc-shapes/*.pfm
  with_module gimp3_effects designer-reopened.log \
    SKC_EFFECT_XCF="$work/ok-designer-effect.xcf" \
    SKC_EFFECT_PNG="$work/designer-reopened.png"
  psnr_at_least designer-reopened.png ref-designer.png 45 \
    "without its shape file the effect renders as skc apply with it"

  # A preset of the user's and a fitted .skc filter travel inside the
  # effect too (issue 15): the preset expanded into the op's properties
  # (every row it sets, no path), the filter's bytes as filter-data; with
  # the files deleted, the reopened XCF renders as skc apply with them.
  printf '%s\n' "skc-preset 1.1" "name = Mine" \
    "shape = shape:polygon:blades=7,rotation=10,curvature=0.3" "radius = 9" \
    "quality = high" "swirl = 0.3" "cat-eye = 0.4" \
    "highlight-threshold = 0.8" "highlight-gain = 3" "end" >mine.skcpreset
  "$skc" apply photo.png -o ref-mine.png --preset mine.skcpreset >/dev/null
  SKC_TEST_USE_PRESET="$work/mine.skcpreset" with_module run_dialog preset-effect
  log_has "$work/preset-effect.log" "effects 1" "OK with a preset leaves one layer effect"
  same_image ok-preset-effect.png ref-mine.png 1 "the effect with a preset renders as skc apply --preset"
  with_module gimp3_effects preset-xcf.log SKC_EFFECT_XCF="$work/ok-preset-effect.xcf"
  log_has preset-xcf.log "effect skc:bokeh-blur radius=9.0 shape=polygon kernel-file= shape-data= filter-data= preset= *$" \
    "the preset is expanded into the effect's properties, with no path"
  rm mine.skcpreset
  with_module gimp3_effects preset-reopened.log \
    SKC_EFFECT_XCF="$work/ok-preset-effect.xcf" SKC_EFFECT_PNG="$work/preset-reopened.png"
  same_image preset-reopened.png ref-mine.png 1 "without its preset file the effect renders as skc apply --preset"

  "$skc" fit shape:heart --radius 9 -o heart9.skc >/dev/null
  "$skc" apply photo.png -o ref-skc.png --kernel heart9.skc >/dev/null
  remembered_shape="file:$work/heart9.skc"
  with_module run_dialog skc-effect
  remembered_shape=
  log_has "$work/skc-effect.log" "effects 1" "OK with a .skc kernel file leaves one layer effect"
  same_image ok-skc-effect.png ref-skc.png 1 "the effect with a .skc file renders as skc apply --kernel"
  with_module gimp3_effects skc-xcf.log SKC_EFFECT_XCF="$work/ok-skc-effect.xcf"
  log_has skc-xcf.log "kernel-file= shape-data= filter-data=skc-filter-data 1 .* preset= *$" \
    "the .skc filter is embedded in the effect, with no file path"
  rm heart9.skc
  with_module gimp3_effects skc-reopened.log \
    SKC_EFFECT_XCF="$work/ok-skc-effect.xcf" SKC_EFFECT_PNG="$work/skc-reopened.png"
  same_image skc-reopened.png ref-skc.png 1 "without its .skc file the effect renders as skc apply --kernel"

  # With a map the blur goes into the pixels as one undo step: a single
  # Ctrl+Z in the image window brings the original pixels back and takes
  # the painted map's channel away.
  after_blur="(gimp-displays-flush) (gimp-file-save RUN-NONINTERACTIVE img \"$work/undo.applied.png\") (let wait ((n 0)) (if (and (< n 300) (null? (car (file-glob #:pattern \"$work/undo.go\" #:filename-encoding FALSE)))) (wait (+ n 1))))" \
    DIALOG_UNDO="$work/undo" SKC_TEST_MAP_BAND=0,170,511,170 SKC_TEST_PAGE=2 \
    with_module run_dialog undo
  same_image undo.applied.png ok-map.png 1 "with a map, OK blurs the pixels"
  identical_pixels ok-undo.png photo.png "one undo brings the original pixels back"
  log_has "$work/undo.log" "channels 0" "the same undo takes the map channel away"
  log_has "$work/undo.log" "effects 0" "no layer effect after the undo"

  # On a layer mask (GIMP keeps effects on layers only) OK blurs the
  # mask's pixels: no effect, and the mask (a grey copy of the photo) is
  # no longer what it was.
  grey_of='(let* ((out (car (gimp-image-new 512 512 GRAY))) (l (car (gimp-layer-new-from-drawable (car (gimp-layer-get-mask d)) out)))) (gimp-image-insert-layer out l 0 0) (gimp-file-save RUN-NONINTERACTIVE out "'$work'/WHICH.png"))'
  dialog_drawable="(let ((m (car (gimp-layer-create-mask d ADD-MASK-COPY)))) (gimp-layer-add-mask d m) $(echo "$grey_of" | sed s/WHICH/mask-before/) m)" \
    after_blur="$(echo "$grey_of" | sed s/WHICH/mask-after/)" \
    with_module run_dialog mask
  log_has "$work/mask.log" "effects 0" "on a layer mask, OK leaves no effect"
  different_image mask-after.png mask-before.png "on a layer mask, OK blurs the mask"

  # skc:bokeh-blur in Filters > Blur, and GIMP's own dialog for it (what
  # editing a kept effect opens), in a fresh profile without the plug-in.
  XDG_DATA_HOME="$data_home" GIMP3_DIRECTORY="$work/menu-profile" \
    xvfb-run -a -s "-screen 0 1280x1000x24" sh -c '
    . "$1"
    drive_menu "$2" "$3" "$4" gimp-3.0 -d -f --batch-interpreter=plug-in-script-fu-eval -b "$5"
  ' sh "$here/dialog.sh" "$work/filters-menu-gimp3.png" \
    "$work/bokeh-blur-dialog-gimp3.png" "$work/menu.log" \
    "(gimp-display-new (car (gimp-file-load RUN-NONINTERACTIVE \"$work/photo.png\")))" \
    && ok "the image window showed" || bad "no image window for the Filters menu"
  for shot in filters-menu-gimp3.png bokeh-blur-dialog-gimp3.png; do
    if [ -s "$shot" ]; then ok "screenshot kept: $work/$shot"; else bad "no screenshot $shot"; fi
  done
  log_has bokeh-blur-dialog-gimp3.png.windows "Bokeh Blur" \
    "the last entry of Filters > Blur opens skc:bokeh-blur's dialog"
fi
finish
