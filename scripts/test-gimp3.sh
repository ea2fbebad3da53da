#!/bin/sh
# skc — the GIMP 3 plug-in's tests.  GIMP 3 is in Debian 13 (trixie), so
# they run in a trixie chroot (scripts/trixie-chroot.sh, created once and
# then reused): skc is built there against libgimp 3 in build-gimp3/ and
# the `gimp` test suite runs with gimp-console-3.0 and, under Xvfb, the
# real GIMP 3 with the plug-in's dialog; the `ui` suite tests the dialog's
# widgets with GTK 3.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
scripts/trixie-chroot.sh "
  [ -d build-gimp3 ] || meson setup build-gimp3 -Dgimp=3 >/dev/null
  meson configure build-gimp3 -Dtest-hooks=true >/dev/null
  ninja -C build-gimp3 >/dev/null
  meson test -C build-gimp3 --suite gimp --suite ui --print-errorlogs"
