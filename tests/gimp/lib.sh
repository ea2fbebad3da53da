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

finish () {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
