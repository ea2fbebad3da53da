# SPDX-License-Identifier: GPL-3.0-or-later
# Drives the plug-in's dialog in a real GIMP under Xvfb (sourced by the
# GIMP 2.10 and GIMP 3 tests): waits for the dialog, lets the live preview
# finish, takes a screenshot, presses OK.
#
#   drive_dialog SCREENSHOT LOG GIMP-COMMAND...
# Run it inside xvfb-run.  Fails when the dialog never shows.
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
  # No window manager: focus the dialog directly, then OK is the default
  # (DIALOG_KEY=Escape cancels instead).
  xdotool windowfocus --sync "$window"
  sleep 0.5
  xdotool key --clearmodifiers "${DIALOG_KEY:-Return}"
  for _ in $(seq 1 120); do
    kill -0 "$gimp_pid" 2>/dev/null || break
    sleep 1
  done
  kill "$gimp_pid" 2>/dev/null
  wait "$gimp_pid" 2>/dev/null
  return 0
}
