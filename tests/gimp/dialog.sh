# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the plug-in's dialog in a real GIMP under Xvfb (sourced by the
# GIMP 2.10 and GIMP 3 tests): waits for the dialog, lets the live preview
# finish, takes a screenshot, presses OK.
#
#   drive_dialog SCREENSHOT LOG GIMP-COMMAND...
# Run it inside xvfb-run.  Fails when the dialog never shows.
#
# With DIALOG_RESIZE="W H", the dialog is then resized to W x H and, once
# the preview has redrawn, a second screenshot taken (SCREENSHOT with
# -resized before .png).
#
# With DIALOG_CLICK="X Y W H", a point (X, Y) of the drawable (W x H px,
# shown whole in the preview) is then clicked in the preview, found from
# the last "skc preview area" line of the log (the test hooks' left, top,
# width and height of the preview's area on the screen: GIMP centres the
# drawable in it); screenshots as the pointer hovers there (SCREENSHOT
# with -hover) and once the preview has redrawn (-picked).
#
# With DIALOG_UNDO=PREFIX (GIMP 3), once the script has saved
# PREFIX.applied.png after the plug-in, Ctrl+Z goes to the image window
# (one undo, as a user presses it) and PREFIX.go tells the script to go on.
drive_dialog () {
  shot=$1 log=$2
  shift 2
  "$@" >"$log" 2>&1 &
  gimp_pid=$!
  window=""
  for _ in $(seq 1 120); do
    window=$(xdotool search --name "^Sparse Lens Blur" 2>/dev/null | head -1)
    [ -n "$window" ] && break
    kill -0 "$gimp_pid" 2>/dev/null || break
    sleep 1
  done
  if [ -z "$window" ]; then
    echo "the dialog did not show"
    kill "$gimp_pid" 2>/dev/null
    wait "$gimp_pid" 2>/dev/null
    return 1
  fi
  # The preview fits and blurs in the background: give it time, then keep
  # what the user would see.
  sleep 8
  import -window root "$shot"
  if [ -n "${DIALOG_CLICK:-}" ]; then
    click_preview "$log" "$shot" $DIALOG_CLICK
  fi
  if [ -n "${DIALOG_RESIZE:-}" ]; then
    # No window manager keeps it on the screen: to the corner first.
    xdotool windowmove "$window" 0 0
    # shellcheck disable=SC2086
    xdotool windowsize "$window" $DIALOG_RESIZE
    sleep 8
    import -window root "${shot%.png}-resized.png"
  fi
  # No window manager: focus the dialog directly, then OK is the default
  # (DIALOG_KEY=Escape cancels instead).
  xdotool windowfocus --sync "$window"
  sleep 0.5
  xdotool key --clearmodifiers "${DIALOG_KEY:-Return}"
  if [ -n "${DIALOG_UNDO:-}" ]; then
    for _ in $(seq 1 120); do
      [ -s "$DIALOG_UNDO.applied.png" ] && break
      sleep 1
    done
    undo_image_window
    touch "$DIALOG_UNDO.go"
  fi
  for _ in $(seq 1 120); do
    kill -0 "$gimp_pid" 2>/dev/null || break
    sleep 1
  done
  kill "$gimp_pid" 2>/dev/null
  wait "$gimp_pid" 2>/dev/null
  return 0
}

# click_preview LOG SCREENSHOT X Y W H: see DIALOG_CLICK.
click_preview () {
  area=$(sed -n 's/^skc preview area: \([0-9-]*\) \([0-9-]*\) \([0-9]*\) \([0-9]*\) .*/\1 \2 \3 \4/p' "$1" | tail -1)
  if [ -z "$area" ]; then
    echo "no 'skc preview area' line in $1: nothing clicked"
    return
  fi
  # shellcheck disable=SC2086
  set -- "$@" $area
  sx=$(($7 + ($9 - $5) / 2 + $3)) sy=$(($8 + (${10} - $6) / 2 + $4))
  echo "clicking the preview at ($3, $4) of the drawable: screen ($sx, $sy)"
  xdotool mousemove --sync "$sx" "$sy"
  sleep 2
  import -window root "${2%.png}-hover.png"
  xdotool click 1
  # The pointer to the screen's corner (no tooltip), the preview redrawn.
  # shellcheck disable=SC2046
  set -- $(xdotool getdisplaygeometry) "$2"
  xdotool mousemove --sync $(($1 - 1)) $(($2 - 1))
  sleep 8
  import -window root "${3%.png}-picked.png"
}

# The image window of a GIMP 3 run (single-window mode: its title ends in
# "– GIMP"), or nothing after a minute.
image_window () {
  for _ in $(seq 1 60); do
    w=$(xdotool search --onlyvisible --name " – GIMP$" 2>/dev/null | head -1)
    [ -n "$w" ] && { echo "$w"; return; }
    sleep 1
  done
}

# Ctrl+Z in the image window: one step of the image's undo.
undo_image_window () {
  w=$(image_window)
  [ -n "$w" ] || return
  xdotool windowfocus --sync "$w"
  sleep 0.5
  xdotool key --clearmodifiers ctrl+z
  sleep 2
}

# drive_menu MENU_SHOT OP_SHOT LOG GIMP-COMMAND...: once GIMP 3 shows its
# image, opens Filters > Blur from the keyboard (Alt+R, B) for a
# screenshot, then the submenu's last entry (End, Return: skc's op, the
# last one GIMP adds there) and, once its filter dialog has drawn, a
# second screenshot.  Fails when no image window shows.
drive_menu () {
  menu_shot=$1 op_shot=$2 log=$3
  shift 3
  "$@" >"$log" 2>&1 &
  gimp_pid=$!
  w=$(image_window)
  status=1
  if [ -n "$w" ]; then
    sleep 3
    xdotool windowfocus --sync "$w"
    sleep 0.5
    xdotool key --clearmodifiers alt+r
    sleep 1.5
    xdotool key --clearmodifiers b
    sleep 1.5
    import -window root "$menu_shot"
    xdotool key --clearmodifiers End
    sleep 0.5
    xdotool key --clearmodifiers Return
    sleep 10
    # The pointer off the dialog: no tooltip over its fields.
    xdotool mousemove 1270 990
    sleep 1
    import -window root "$op_shot"
    for v in $(xdotool search --onlyvisible --name "." 2>/dev/null); do
      echo "window: $(xdotool getwindowname "$v")"
    done >"$op_shot.windows"
    status=0
  fi
  kill "$gimp_pid" 2>/dev/null
  wait "$gimp_pid" 2>/dev/null
  return $status
}
