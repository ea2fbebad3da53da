# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by the GIMP 2.10 and GIMP 3 tests (sourced): inputs made with
# ImageMagick, image comparisons and the pass/fail tally.
passed=0
failed=0

ok () { passed=$((passed + 1)); echo "ok: $*"; }
bad () { failed=$((failed + 1)); echo "FAIL: $*"; }

# Largest per-channel difference of two images as a fraction of full scale.
max_difference () {
  compare -metric PAE "$1" "$2" null: 2>&1 | sed -n 's/.*(\([0-9.e-]*\)).*/\1/p'
}

# same_image A B MAX_LEVELS WHAT: A and B differ by at most MAX_LEVELS
# 8-bit levels in every channel.
same_image () {
  d=$(max_difference "$1" "$2")
  if [ -z "$d" ]; then
    bad "$4: cannot compare $1 and $2"
  elif awk -v d="$d" -v m="$3" 'BEGIN { exit !(d * 255 <= m + 1e-6) }'; then
    ok "$4 (max difference $(awk -v d="$d" 'BEGIN { printf "%.2f", d * 255 }') levels)"
  else
    bad "$4: max difference $(awk -v d="$d" 'BEGIN { printf "%.2f", d * 255 }') levels > $3"
  fi
}

# psnr_at_least A B DB WHAT: the PSNR of A against B (all channels, from
# ImageMagick's RMSE) is at least DB decibels.
psnr_at_least () {
  e=$(compare -metric RMSE "$1" "$2" null: 2>&1 | sed -n 's/.*(\([0-9.e-]*\)).*/\1/p')
  if [ -z "$e" ]; then
    bad "$4: cannot compare $1 and $2"
    return
  fi
  p=$(awk -v e="$e" 'BEGIN { if (e == 0) print "inf"; else printf "%.1f", -20 * log (e) / log (10) }')
  if [ "$p" = inf ] || awk -v p="$p" -v m="$3" 'BEGIN { exit !(p >= m) }'; then
    ok "$4 ($p dB)"
  else
    bad "$4: $p dB < $3 dB"
  fi
}

identical_pixels () {
  d=$(max_difference "$1" "$2")
  if [ "$d" = "0" ]; then ok "$3"; else bad "$3: images differ (${d:-unreadable})"; fi
}

different_image () {
  d=$(max_difference "$1" "$2")
  if [ -n "$d" ] && [ "$d" != "0" ]; then ok "$3"; else bad "$3: no change"; fi
}

# log_has FILE PATTERN WHAT
log_has () {
  if grep -q -- "$2" "$1"; then ok "$3"; else bad "$3: '$2' not in the log"; sed 's/^/    /' "$1" | tail -15; fi
}

# make_inputs DIR PHOTO: photo.png (RGB), map.png (tilt-shift: 1 at the top
# and bottom, 0 across the middle), small-map.png (300x200, to be put at
# offset 100,150) and padded-map.png (the same on the photo's grid, 0
# outside), grey.png.
make_inputs () {
  cp "$2" "$1/photo.png"
  size=$(identify -format '%wx%h' "$1/photo.png")
  w=${size%x*}; h=${size#*x}
  convert -size "${w}x$((h / 2))" gradient:white-black \( +clone -flip \) \
    -append +repage -strip -depth 8 -type Grayscale "$1/map.png"
  convert -size 300x200 gradient:black-white -rotate 90 -resize 300x200! \
    +repage -strip -depth 8 -type Grayscale "$1/small-map.png"
  convert -size "$size" xc:black "$1/small-map.png" -geometry +100+150 \
    -composite +repage -strip -depth 8 -type Grayscale "$1/padded-map.png"
  convert "$1/photo.png" -colorspace Gray -strip -depth 8 -type Grayscale "$1/grey.png"
}

# gimp_batch LOG COMMAND...: one headless GIMP run ($gimp_console), each
# COMMAND a Script-Fu batch job (GIMP 2.10 runs every job; GIMP 3 stops
# at the first failing one: catch errors inside jobs); GIMP 2.10 then runs
# $gimp_quit_command, GIMP 3 (none set) quits with --quit.  The log and
# the files written tell what happened.
gimp_batch () {
  log=$1
  shift
  n=$#
  for c do
    set -- "$@" -b "$c"
  done
  shift "$n"
  if [ -n "${gimp_quit_command:-}" ]; then
    set -- "$@" -b "$gimp_quit_command"
  else
    set -- "$@" --quit
  fi
  "$gimp_console" -i -d -f --batch-interpreter=plug-in-script-fu-eval "$@" \
    >"$log" 2>&1
}

# check_blurs SKC: the outputs of the batch jobs both GIMP tests run
# (heart, mapped, offset, grey-out, deep, float, selected .png) against `skc
# apply` on the same inputs.
check_blurs () {
  "$1" apply photo.png -o ref-heart.png --kernel shape:heart --radius 12 >/dev/null
  "$1" apply photo.png -o ref-mapped.png --kernel shape:polygon:blades=6,rotation=15 \
    --radius 16 --map map.png --focus 0.1 >/dev/null
  "$1" apply photo.png -o ref-offset.png --kernel shape:star --radius 10 \
    --map padded-map.png >/dev/null
  "$1" apply grey.png -o ref-grey.png --kernel shape:disc --radius 8 >/dev/null

  same_image heart.png ref-heart.png 1 "uniform heart equals skc apply"
  same_image mapped.png ref-mapped.png 1 "map layer blur equals skc apply --map"
  same_image offset.png ref-offset.png 1 "offset map layer aligned in image coordinates"
  same_image grey-out.png ref-grey.png 1 "grey drawable equals skc apply"
  same_image deep.png ref-heart.png 1 "16-bit drawable with alpha"
  same_image float.png ref-heart.png 1 "32-bit float linear drawable"
  convert selected.png -crop 256x512+256+0 +repage sel-right.png
  convert photo.png -crop 256x512+256+0 +repage photo-right.png
  convert selected.png -crop 200x512+0+0 +repage sel-left.png
  convert ref-heart.png -crop 200x512+0+0 +repage ref-left.png
  identical_pixels sel-right.png photo-right.png "outside the selection untouched"
  same_image sel-left.png ref-left.png 1 "inside the selection blurred"
}

# make_subject_inputs DIR: subject.png (photo.png with a sharp red square
# at 160,160, 192 px wide) and subject-mask.png (that square white on
# black); the GIMP runs select the same square.
subject_select='(gimp-image-select-rectangle img CHANNEL-OP-REPLACE 160 160 192 192)'
make_subject_inputs () {
  convert "$1/photo.png" -fill red +antialias -draw "rectangle 160,160 351,351" -strip \
    "$1/subject.png"
  convert -size 512x512 xc:black -fill white +antialias \
    -draw "rectangle 160,160 351,351" -strip -depth 8 -type Grayscale \
    "$1/subject-mask.png"
}

# ring_red IMAGE: the mean red of the 30 px ring around the square.
ring_red () {
  outer=$(convert "$1" -crop 252x252+130+130 +repage -format '%[fx:mean.r]' info:)
  inner=$(convert "$1" -crop 192x192+160+160 +repage -format '%[fx:mean.r]' info:)
  awk -v o="$outer" -v i="$inner" 'BEGIN { print (o * 252 * 252 - i * 192 * 192) / (252 * 252 - 192 * 192) }'
}

# halo IMAGE: the subject's red in the ring beyond the blurred photo's
# (the background without the subject), over the subject/background
# contrast there.
halo () {
  awk -v o="$(ring_red "$1")" -v b="$(ring_red bg-blurred.png)" 'BEGIN { printf "%.4f", (o - b) / (1 - b) }'
}

# check_subject SKC: portrait.png (the selection as the subject, depth
# 'subject', radius 20) and portrait-channel.png (the same square as a
# channel passed as the map) against `skc apply --subject`; the subject
# untouched, the background blurred, no halo.
check_subject () {
  "$1" apply subject.png -o ref-portrait.png --radius 20 --subject subject-mask.png >/dev/null
  "$1" apply photo.png -o bg-blurred.png --radius 20 >/dev/null
  "$1" apply subject.png -o gathered.png --radius 20 --map subject-mask.png --focus 1 >/dev/null
  same_image portrait.png ref-portrait.png 1 "the selection as the subject equals skc apply --subject"
  same_image portrait-channel.png ref-portrait.png 1 "a channel as the subject equals skc apply --subject"
  convert portrait.png -crop 192x192+160+160 +repage portrait-in.png
  convert subject.png -crop 192x192+160+160 +repage subject-in.png
  identical_pixels portrait-in.png subject-in.png "the sharp subject stays untouched"
  convert portrait.png -crop 100x100+0+0 +repage portrait-corner.png
  convert subject.png -crop 100x100+0+0 +repage subject-corner.png
  different_image portrait-corner.png subject-corner.png "the background is blurred"
  h=$(halo portrait.png) g=$(halo gathered.png)
  if awk -v h="$h" -v g="$g" 'BEGIN { exit !(h <= 0.02 && h >= -0.02 && g > 0.05) }'; then
    ok "no halo: subject colour in the 30 px ring outside $h of the contrast (a blur map: $g)"
  else
    bad "halo: subject colour in the 30 px ring outside $h of the contrast (a blur map: $g)"
  fi
}

# check_preset SKC PRESET: preset.png, blurred with every other argument
# at its default, equals `skc apply --preset`.
check_preset () {
  "$1" apply photo.png -o ref-preset.png --preset "$2" >/dev/null
  same_image preset.png ref-preset.png 1 "a preset gives what skc apply --preset gives"
}

# install_plugin PROFILE PLUG_IN: GIMP ($gimp_console, with its profile
# variable pointing at PROFILE) makes the profile on a first empty run;
# then the plug-in goes into its own folder, as both GIMPs want.
install_plugin () {
  gimp_batch /dev/null
  mkdir -p "$1/plug-ins/skc-lens-blur"
  cp "$2" "$1/plug-ins/skc-lens-blur/skc-lens-blur"
}

# gimp3_effects LOG [NAME=VALUE...]: tests/gimp3/effects.py (the layer
# effects of an XCF file: listed and read back, edited, exported) in a
# headless GIMP 3, its arguments in the environment.
gimp3_effects () {
  log=$1
  shift
  env "$@" gimp-console-3.0 -i -d -f --batch-interpreter=python-fu-eval \
    -b "exec(open('$here/../gimp3/effects.py').read())" --quit >"$log" 2>&1
}

finish () {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
