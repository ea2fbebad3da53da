/* skc — the .skc text format for fitted filters.
 *
 *   skc-filter 1            (2 for knots; each filter is written in the
 *                            oldest format that holds it)
 *   kind complex            (or lowrank, or knots)
 *   offsets bilinear        (complex only: bilinear or integer)
 *   spec shape:heart        (what it was fitted for; rest of the line)
 *   radius 22.5
 *   target-size 49
 *   layers 4                (complex)  |  rank 2 / size 49   (lowrank)
 *   layer 24                followed by 24 lines "dx dy w"
 *   ...                     |  column v1 ... vsize / row v1 ... vsize
 *   end
 *
 * Knots (format 2): "axis rows" (or columns) and "size 49" in the header,
 * then one line per kernel line, "line P1 W1 P2 W2 ...": knot positions
 * (whole, -size/2 to size/2 + 1, increasing) and weights, which sum to
 * exactly 0 on every line ("line" alone: an empty line).
 *
 * Numbers are written with 9 significant digits, which round-trips every
 * float exactly.  Lines starting with '#' and blank lines are ignored.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FILTERFILE_H
#define SKC_FILTERFILE_H

#include <stdio.h>

#include "skc/common.h"
#include "skc/filter.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The newest format this build reads. */
#define SKC_FILTER_FORMAT_VERSION 2

/* Writes f as text to a stream or to a file.  Thread-safe (on distinct
 * streams). */
SKC_API skc_result skc_filter_write (const skc_filter *f, FILE *stream);
SKC_API skc_result skc_filter_save (const skc_filter *f, const char *path,
                                    skc_error *err);

/* Parses `length` bytes of text, or a file.  `name` (a file name)
 * prefixes error messages: "NAME:LINE: reason".  Every count is checked
 * against the SKC_MAX_* limits before anything is allocated.
 * Thread-safe. */
SKC_API skc_result skc_filter_parse (const char *text, size_t length,
                                     const char *name, skc_filter **out,
                                     skc_error *err);
SKC_API skc_result skc_filter_load (const char *path, skc_filter **out,
                                    skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
