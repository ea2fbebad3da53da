#!/bin/sh
# skc — checks that every C source is formatted as .clang-format says, with
# Debian 12's clang-format 14 (other versions format differently, so the
# check names its version).  Exit status 1 lists the files that differ;
# `scripts/check-format.sh --fix` rewrites them.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
format=${CLANG_FORMAT:-clang-format-14}
if ! command -v "$format" >/dev/null 2>&1; then
  echo "check-format: $format is not installed (scripts/install-deps.sh)" >&2
  exit 77 # skipped, in meson's words
fi
files=$(git ls-files '*.c' '*.h' '*.cpp')
if [ "${1:-}" = "--fix" ]; then
  # shellcheck disable=SC2086
  "$format" -i $files
  exit 0
fi
bad=""
for f in $files; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
  echo "check-format: not formatted as .clang-format says (run scripts/check-format.sh --fix):" >&2
  for f in $bad; do echo "  $f" >&2; done
  exit 1
fi
echo "check-format: $(echo "$files" | wc -w) files formatted"
