/* skc — what the .skc writer and the two halves of its parser share
 * (private): filterfile_parse.c reads the header and the text as a whole,
 * filterfile_data.c the data blocks after the header.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FILTERFILE_PRIVATE_H
#define SKC_FILTERFILE_PRIVATE_H

#include <stddef.h>

#include "skc/filter.h"
#include "skc/image.h"
#include "textreader.h"

/* The writer refuses what the parser would refuse, so a saved file always
 * loads. */
#define FILTER_RADIUS_MAX ((double) SKC_IMAGE_MAX_SIDE)
#define FILTER_TARGET_SIZE_MAX SKC_IMAGE_MAX_SIDE

/* What the lines before the data said; a *_line of 0 means "not given". */
typedef struct
{
  size_t kind_line;
  size_t offsets_line;
  size_t spec_line;
  size_t radius_line;
  size_t target_size_line;
  size_t layers_line;
  size_t rank_line;
  size_t size_line;
  size_t axis_line;
  long version;
  /* ints, so that header_keys can store every word and count alike: kind
     is an skc_filter_kind, axis an skc_knots_axis, offsets an
     skc_offset_kind. */
  int kind;
  int axis;
  int offsets;
  int layers;
  int rank;
  int size;
  skc_filter_info info;
} filter_header;

/* Lines and tokens (filterfile_parse.c). */

/* The next significant line and its first word; the end of the text is an
 * error described by `missing`. */
skc_result skc_filterfile_next_key (skc_text_reader *r, const char **key,
                                    size_t *key_length, const char *missing);

/* Nothing may follow on the line; `after` names what came last. */
skc_result skc_filterfile_line_done (skc_text_reader *r, const char *after);

/* The next token as a whole number in min..max: values below are
 * malformed, values above are beyond skc's limits.  `what` names it. */
skc_result skc_filterfile_count (skc_text_reader *r, const char *what, long min,
                                 long max, long *value);

/* The data (filterfile_data.c).  On entry the reader is on the first data
 * line, whose first word is `key`; on success it is on the 'end' line. */

/* The layers of a complex filter, into fixed-size scratch storage: nothing
 * is allocated until the whole file has proved sound. */
skc_result
skc_filterfile_read_layers (skc_text_reader *r, const filter_header *header,
                            const char *key, size_t key_length,
                            skc_sample samples[SKC_MAX_LAYERS][SKC_MAX_SAMPLES],
                            int counts[SKC_MAX_LAYERS]);

/* The terms of a low-rank filter, into a new filter (*out). */
skc_result skc_filterfile_read_lowrank (skc_text_reader *r,
                                        const filter_header *header,
                                        const char *key, size_t key_length,
                                        skc_filter **out);

/* The knot lines of a knots filter, then a new filter of them (*out). */
skc_result skc_filterfile_read_knots (skc_text_reader *r,
                                      const filter_header *header,
                                      const char *key, size_t key_length,
                                      skc_filter **out);

#endif
