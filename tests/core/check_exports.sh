#!/bin/sh
# skc tests — the core, linked into a shared object, exports exactly the
# functions its public headers declare SKC_API: hidden visibility keeps
# everything else in, and no public function lacks the macro.
#
#   check_exports.sh NM SHARED-OBJECT ARCHIVE HEADER-DIR
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
nm=$1
shared=$2
archive=$3
headers=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/skc-exports.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Declared: the name before the first parenthesis of each SKC_API line.
sed -n 's/^SKC_API[^(]*[ *]\(skc_[a-z0-9_]*\) (.*/\1/p' "$headers"/*.h \
  | sort -u >"$work/declared"
# Exported: every symbol the shared object defines, but the linker's own.
"$nm" -D --defined-only "$shared" | awk '{ print $3 }' \
  | grep -v -x -e _init -e _fini -e _edata -e _end -e __bss_start \
  | sort -u >"$work/exported"
# Functions of the core that the public headers name.
"$nm" --defined-only "$archive" | awk '$2 == "T" { print $3 }' \
  | sort -u >"$work/defined"
grep -oh 'skc_[a-z0-9_]*' "$headers"/*.h | sort -u >"$work/named"
comm -12 "$work/defined" "$work/named" >"$work/public"

status=0
if [ ! -s "$work/declared" ]; then
  echo "FAIL no SKC_API declaration found in $headers"
  status=1
fi
for name in $(comm -13 "$work/declared" "$work/exported"); do
  echo "FAIL exported but not declared SKC_API: $name"
  status=1
done
for name in $(comm -23 "$work/declared" "$work/exported"); do
  echo "FAIL declared SKC_API but not exported: $name"
  status=1
done
for name in $(comm -23 "$work/public" "$work/declared"); do
  echo "FAIL a core function named in a public header without SKC_API: $name"
  status=1
done
count=$(wc -l <"$work/declared")
[ "$status" -ne 0 ] \
  || echo "the core exports its $count SKC_API functions and nothing else"
exit "$status"
