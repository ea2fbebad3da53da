/* skc tests — bit-exact comparison of two filters (tests and fuzzer).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEST_FILTER_COMPARE_H
#define SKC_TEST_FILTER_COMPARE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skc/filter.h"
#include "skc/filterfile.h"

/* Bit-exact equality of float data (so -0 differs from 0). */
static inline bool
same_bits (const void *a, const void *b, size_t size)
{
  return memcmp (a, b, size) == 0;
}

/* Notes what differed; returns false for `return mismatch (...)`. */
static inline bool
mismatch (char *why, size_t why_size, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vsnprintf (why, why_size, format, args);
  va_end (args);
  return false;
}

/* Every field, bit for bit; `why` says what differed. */
static inline bool
filters_identical (const skc_filter *a, const skc_filter *b, char *why,
                   size_t why_size)
{
  const skc_filter_info *ia = skc_filter_get_info (a);
  const skc_filter_info *ib = skc_filter_get_info (b);

  if (skc_filter_get_kind (a) != skc_filter_get_kind (b))
    return mismatch (why, why_size, "kind");
  if (strcmp (ia->spec, ib->spec) != 0)
    return mismatch (why, why_size, "spec '%s' vs '%s'", ia->spec, ib->spec);
  if (!same_bits (&ia->radius, &ib->radius, sizeof ia->radius))
    return mismatch (why, why_size, "radius %.17g vs %.17g", ia->radius,
                     ib->radius);
  if (ia->target_size != ib->target_size)
    return mismatch (why, why_size, "target size");

  if (skc_filter_get_kind (a) == SKC_FILTER_COMPLEX)
    {
      int l;

      if (skc_filter_offsets (a) != skc_filter_offsets (b))
        return mismatch (why, why_size, "offset kind");
      if (skc_filter_layer_count (a) != skc_filter_layer_count (b))
        return mismatch (why, why_size, "layer count");
      for (l = 0; l < skc_filter_layer_count (a); l++)
        {
          int n = skc_filter_layer_size (a, l);

          if (n != skc_filter_layer_size (b, l))
            return mismatch (why, why_size, "size of layer %d", l);
          if (!same_bits (skc_filter_layer_const (a, l),
                          skc_filter_layer_const (b, l),
                          (size_t) n * sizeof (skc_sample)))
            return mismatch (why, why_size, "samples of layer %d", l);
        }
    }
  else if (skc_filter_get_kind (a) == SKC_FILTER_KNOTS)
    {
      int line;
      int size = skc_filter_size (a);

      if (skc_filter_knots_axis (a) != skc_filter_knots_axis (b))
        return mismatch (why, why_size, "knots axis");
      if (size != skc_filter_size (b))
        return mismatch (why, why_size, "size");
      for (line = 0; line < size; line++)
        {
          int n = skc_filter_knot_line_size (a, line);

          if (n != skc_filter_knot_line_size (b, line))
            return mismatch (why, why_size, "knots on line %d", line);
          if (!same_bits (skc_filter_knot_positions_const (a, line),
                          skc_filter_knot_positions_const (b, line),
                          (size_t) n * sizeof (int))
              || !same_bits (skc_filter_knot_weights_const (a, line),
                             skc_filter_knot_weights_const (b, line),
                             (size_t) n * sizeof (float)))
            return mismatch (why, why_size, "knots of line %d", line);
        }
    }
  else
    {
      int k;
      int size = skc_filter_size (a);

      if (skc_filter_rank (a) != skc_filter_rank (b)
          || size != skc_filter_size (b))
        return mismatch (why, why_size, "rank or size");
      for (k = 0; k < skc_filter_rank (a); k++)
        if (!same_bits (skc_filter_column_const (a, k),
                        skc_filter_column_const (b, k),
                        (size_t) size * sizeof (float))
            || !same_bits (skc_filter_row_const (a, k),
                           skc_filter_row_const (b, k),
                           (size_t) size * sizeof (float)))
          return mismatch (why, why_size, "term %d", k);
    }
  return true;
}

/* The filter as .skc text (malloc'd), or NULL if writing failed. */
static inline char *
filter_text (const skc_filter *f, size_t *length)
{
  char *text = NULL;
  size_t size = 0;
  FILE *stream = open_memstream (&text, &size);
  skc_result result;

  if (stream == NULL)
    return NULL;
  result = skc_filter_write (f, stream);
  if (fclose (stream) != 0 || result != SKC_OK)
    {
      free (text);
      return NULL;
    }
  *length = size;
  return text;
}

#endif
