#!/bin/sh
# skc — installs what is needed, builds and runs every test: the whole
# suite on a release build (with the GIMP 2.10 plug-in), the core's suite
# again under AddressSanitizer + UndefinedBehaviorSanitizer, and the GIMP 3
# plug-in's tests in a Debian 13 chroot.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
scripts/install-deps.sh

# The GIMP tests drive the plug-in through its test hooks.
[ -d build ] || meson setup build --buildtype=release >/dev/null
meson configure build -Dtest-hooks=true >/dev/null
ninja -C build
# Each meson run's summary is kept to print one total at the end.
summary=$(mktemp)
rc_file=$(mktemp)
trap 'rm -f "$summary" "$rc_file"' EXIT
status=0
# logged COMMAND...: runs it, showing and keeping its output; a failure
# (its own exit status, not tee's) fails the whole run.
logged () {
  { if "$@"; then echo 0 >"$rc_file"; else echo 1 >"$rc_file"; fi; } 2>&1 |
    tee -a "$summary"
  [ "$(cat "$rc_file")" -eq 0 ] || status=1
}
logged meson test -C build --print-errorlogs

[ -d build-sanitize ] || meson setup build-sanitize --buildtype=debug \
  -Db_sanitize=address,undefined -Db_lundef=false -Dgegl=disabled >/dev/null
ninja -C build-sanitize
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
logged meson test -C build-sanitize --suite core --print-errorlogs \
  --timeout-multiplier 4
unset UBSAN_OPTIONS ASAN_OPTIONS

# The GIMP 3 plug-in, in a Debian 13 chroot with GIMP 3.
logged scripts/test-gimp3.sh

passed=$(awk '/^Ok:/ { n += $2 } END { print n + 0 }' "$summary")
failed=$(awk '/^(Fail|Timeout|Unexpected Pass):/ { n += $NF } END { print n + 0 }' "$summary")
[ "$status" -eq 0 ] || [ "$failed" -gt 0 ] || failed=1
[ "$failed" -eq 0 ] || status=1
echo "$passed passed, $failed failed"
exit "$status"
