#!/bin/sh
# skc — checks docs/duplicates.md against the duplicates command: runs it
# over core, tools, gegl, plugin and ui with --min-lines 6 --most 200 (and
# --seconds 120, for a busy machine; the rows are the same) and fails
# (exit 1, listing them) when it reports a pair that the allowlist lacks,
# or when a run did not finish.  Pairs are matched by their two places,
# written from the top of the tree with the line numbers it printed.
# Listed pairs it no longer reports are named too, without failing.
# `duplicates` is a developer tool, absent on CI machines: exit 77 (skipped,
# in meson's words) without it.  Not part of any test suite.
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
cd "$(dirname "$0")/.."
doc=docs/duplicates.md
if ! command -v duplicates >/dev/null 2>&1; then
  echo "check-duplicates-doc: the duplicates command is not installed; skipped" >&2
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/reported"
: >"$tmp/missing"
: >"$tmp/unfinished"
for folder in core tools gegl plugin ui; do
  duplicates --repo "$folder" --min-lines 6 --most 200 --seconds 120 \
    >"$tmp/out" 2>&1 || true
  # A row: `D1 a.c:10-24 ~ b.c:40-54 shape ...`; paths relative to $folder.
  awk -v f="$folder" '$1 ~ /^D[0-9]+$/ && $3 == "~" {
      print "- " f "/" $2 " ~ " f "/" $4 }' "$tmp/out" >"$tmp/rows"
  cat "$tmp/rows" >>"$tmp/reported"
  while IFS= read -r row; do
    # Followed by a space: " (+N more runs)" or " — reason".
    grep -qF -- "$row " "$doc" || echo "  ${row#- }" >>"$tmp/missing"
  done <"$tmp/rows"
  # A run cut short or refused speaks only of what it read.
  grep -E '^(incomplete:|\(\+[0-9]+ more pairs\))' "$tmp/out" |
    sed "s|^|  $folder: |" >>"$tmp/unfinished" || true
  grep '^left out:' "$tmp/out" | sed "s|^|check-duplicates-doc: note: $folder: |" >&2 || true
done
# Listed pairs no longer reported: a note only, so that the list is kept short.
grep -oE '^- [^ ]+:[0-9]+-[0-9]+ ~ [^ ]+:[0-9]+-[0-9]+' "$doc" |
  while IFS= read -r row; do
    grep -qxF -- "$row" "$tmp/reported" ||
      echo "check-duplicates-doc: note: listed but not reported: ${row#- }" >&2
  done
if [ -s "$tmp/unfinished" ]; then
  echo "check-duplicates-doc: runs that did not report every pair:" >&2
  cat "$tmp/unfinished" >&2
fi
if [ -s "$tmp/missing" ]; then
  echo "check-duplicates-doc: not in $doc (list each with its reason, or give the code one home):" >&2
  cat "$tmp/missing" >&2
fi
if [ -s "$tmp/missing" ] || [ -s "$tmp/unfinished" ]; then
  exit 1
fi
echo "check-duplicates-doc: $(wc -l <"$tmp/reported") pairs reported, all in $doc"
