#!/bin/sh
# skc — regenerates the parameter table in docs/architecture.md (between
# its params:begin and params:end markers) from the core's table, as
# `skc params --markdown` prints it.  The CLI test fails when they differ.
#
#   scripts/params-doc.sh [SKC]     SKC defaults to build/tools/skc
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
skc=${1:-build/tools/skc}
doc=docs/architecture.md
table=$(mktemp)
trap 'rm -f "$table" "$doc.new"' EXIT
"$skc" params --markdown >"$table"
awk -v table="$table" '
  /<!-- params:begin/ { print; while ((getline line < table) > 0) print line;
                        skipping = 1; next }
  /<!-- params:end/   { skipping = 0 }
  !skipping' "$doc" >"$doc.new"
mv "$doc.new" "$doc"
