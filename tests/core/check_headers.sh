#!/bin/sh
# skc tests — every public header of the core compiles on its own, as C11
# with -Wall -Wextra -pedantic (and the project's stricter warnings) or as
# C++, warnings as errors, and no header pulls in <stdatomic.h>.
#
#   check_headers.sh c|c++ HEADER-DIR GENERATED-INCLUDE-DIR COMPILER...
#
# Exit status 77 (skipped) for c++ when no C++ compiler was found.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
language=$1
headers=$2
generated=$3
shift 3
if [ "$#" -eq 0 ]; then
  echo "no $language compiler: skipped"
  exit 77
fi

case $language in
  c) flags="-x c -std=c11 -Wall -Wextra -pedantic -Werror -Wshadow
            -Wstrict-prototypes -Wvla" ;;
  c++) flags="-x c++ -std=c++11 -Wall -Wextra -pedantic -Werror -Wshadow
              -Wold-style-cast" ;;
  *) echo "unknown language $language"; exit 2 ;;
esac

status=0
for path in "$headers"/*.h "$generated"/skc/version.h; do
  name=skc/$(basename "$path")
  # Twice: the include guard holds.  The typedef keeps version.h's
  # macros-only unit from being empty.
  # shellcheck disable=SC2086
  if ! printf '#include "%s"\n#include "%s"\ntypedef int check;\n' \
      "$name" "$name" \
      | "$@" $flags -fsyntax-only -I"$headers/.." -I"$generated" - 2>&1; then
    echo "FAIL $name does not compile alone as $language"
    status=1
  fi
done
# The public headers, and what they include, stay includable from C++.
if grep -l 'stdatomic' "$headers"/*.h; then
  echo "FAIL <stdatomic.h> in a public header"
  status=1
fi
[ "$status" -ne 0 ] || echo "every public header compiles alone as $language"
exit "$status"
