#!/bin/sh
# skc — installs the Debian 12 packages skc needs to build and test.
# Runs apt only when something is missing (CI machines start clean).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
packages="gcc pkg-config meson ninja-build libfftw3-dev libgegl-dev libbabl-dev libpng-dev gegl"
# GIMP 2.10 and its plug-in headers; Xvfb, xdotool and ImageMagick drive
# and photograph the dialog in the tests; debootstrap makes the GIMP 3
# chroot (scripts/trixie-chroot.sh).
packages="$packages gimp libgimp2.0-dev xvfb xauth xdotool imagemagick debootstrap"
# Debian 12's clang-format checks the sources' formatting (other versions
# format differently).
packages="$packages clang-format-14"
# A locale that writes 0.5 as "0,5", for the tests of locale-proof numbers.
packages="$packages locales"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=""; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi
if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf8'; then
  if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=""; fi
  $SUDO sed -i 's/^# *de_DE.UTF-8 UTF-8/de_DE.UTF-8 UTF-8/' /etc/locale.gen
  $SUDO locale-gen >/dev/null
fi
