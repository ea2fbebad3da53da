#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# GIMP 3 lives in Debian 13 (trixie).  This script keeps a trixie chroot
# with GIMP 3 and our build tools (created once, then reused), bind-mounts
# the source tree into it and runs a command there.  Mounts are undone on
# every exit path, including a failing command.
#
#   scripts/trixie-chroot.sh [--setup-only] [COMMAND ...]
#
# COMMAND runs as root with /src as the source tree, under /bin/sh -c.
# SKC_TRIXIE_DIR picks the chroot folder (default /var/cache/skc/trixie).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
root=${SKC_TRIXIE_DIR:-/var/cache/skc/trixie}
mirror=${SKC_DEBIAN_MIRROR:-http://deb.debian.org/debian}
packages="libgimp-3.0-dev gimp meson ninja-build gcc pkg-config libfftw3-dev"
packages="$packages libgegl-dev libbabl-dev libpng-dev gegl xvfb xauth xdotool imagemagick"

if [ "$(id -u)" != 0 ]; then
  echo "trixie-chroot: needs root (debootstrap, mount, chroot)" >&2
  exit 2
fi

# One user of the chroot at a time: another run's clean-up would unmount
# the tree under this one.
mkdir -p "$(dirname "$root")"
exec 9>"$root.lock"
flock 9

if [ ! -f "$root/.skc-ready" ]; then
  if ! command -v debootstrap >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap
  fi
  echo "trixie-chroot: creating $root (about 3 minutes, 1.5 GB)" >&2
  rm -rf "$root"
  mkdir -p "$root"
  debootstrap --variant=minbase trixie "$root" "$mirror" >"$root.log" 2>&1 ||
    { tail -20 "$root.log" >&2; exit 1; }
  cp /etc/resolv.conf "$root/etc/resolv.conf"
  chroot "$root" /bin/sh -c "apt-get update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages" \
    >>"$root.log" 2>&1 || { tail -20 "$root.log" >&2; exit 1; }
  touch "$root/.skc-ready"
fi

if [ "${1:-}" = "--setup-only" ]; then
  exit 0
fi

mounted=""
cleanup () {
  for m in $mounted; do
    umount -l "$m" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM HUP

bind () {
  mkdir -p "$2"
  mount --bind "$1" "$2"
  mounted="$2 $mounted"
}

cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"; mounted="$root/proc $mounted"
bind /dev "$root/dev"
mkdir -p "$root/dev/shm" "$root/tmp"
bind "$here" "$root/src"

status=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/bin:/usr/bin:/bin \
  HOME=/root LANG=C.UTF-8 /bin/sh -c "cd /src && $*" || status=$?
exit $status
