/* skc — the data blocks of a .skc file, after its header: the layers of a
 * complex filter, the terms of a low-rank one, the lines of a knots one.
 * Safe on hostile input, like the rest of the parser (filterfile_parse.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "filterfile_private.h"
#include "numtext.h"
#include "textreader.h"

/* A whole token as a finite float (rounded once, straight from the
 * decimal).  Overflow is refused; underflow to zero or a subnormal is
 * fine. */
static bool
parse_float (const char *token, size_t length, float *value)
{
  double parsed;
  if (!skc_parse_real (token, length, true, &parsed))
    return false;
  *value = (float) parsed;
  return true;
}

static skc_result
fail_expected (const skc_text_reader *r, const char *word, const char *key,
               size_t key_length)
{
  char shown[48];

  return skc_text_fail (r, SKC_ERR_PARSE, "expected '%s', found '%s'", word,
                        skc_text_quote (key, key_length, shown, sizeof shown));
}

/* The data come in blocks (layers, terms, knot lines), each on a line that
 * starts with `word`.  For the first block that line is the one the header
 * ended at, already in *key; for the next ones (`next_line`) it is read here,
 * the end of the text being an error `missing` describes.  'end' instead
 * means fewer blocks than the header declared: early_end_format and its
 * arguments say how many. */
static skc_result reader_block_start (skc_text_reader *r, bool next_line,
                                      const char **key, size_t *key_length,
                                      const char *missing, const char *word,
                                      const char *early_end_format, ...)
    SKC_TEXT_PRINTF (7, 8);

static skc_result
reader_block_start (skc_text_reader *r, bool next_line, const char **key,
                    size_t *key_length, const char *missing, const char *word,
                    const char *early_end_format, ...)
{
  skc_result result = SKC_OK;
  va_list args;

  if (next_line)
    result = skc_filterfile_next_key (r, key, key_length, missing);
  if (result != SKC_OK)
    return result;
  if (skc_text_token_is (*key, *key_length, "end"))
    {
      va_start (args, early_end_format);
      result = skc_text_vfail (r, SKC_ERR_PARSE, early_end_format, args);
      va_end (args);
      return result;
    }
  if (!skc_text_token_is (*key, *key_length, word))
    return fail_expected (r, word, *key, *key_length);
  return SKC_OK;
}

/* The line after the last block: *ended when it is 'end' (and holds nothing
 * else); otherwise its first word is in *key, for the caller to say what
 * stands there instead. */
static skc_result
reader_end_line (skc_text_reader *r, const char **key, size_t *key_length,
                 bool *ended)
{
  skc_result result
      = skc_filterfile_next_key (r, key, key_length, "no 'end' line");

  *ended = false;
  if (result != SKC_OK || !skc_text_token_is (*key, *key_length, "end"))
    return result;
  *ended = true;
  return skc_filterfile_line_done (r, "'end'");
}

static bool
looks_numeric (const char *token, size_t length)
{
  return length > 0
         && ((token[0] >= '0' && token[0] <= '9') || token[0] == '-'
             || token[0] == '+' || token[0] == '.');
}

static skc_result
parse_offset (skc_text_reader *r, const char *token, size_t length,
              skc_offset_kind offsets, float *value)
{
  char shown[48];

  skc_text_quote (token, length, shown, sizeof shown);
  if (!parse_float (token, length, value))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset '%s' is not a finite number", shown);
  if (!(fabsf (*value) <= SKC_MAX_OFFSET))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset %s is more than %g pixels from the centre",
                          shown, (double) SKC_MAX_OFFSET);
  if (offsets == SKC_OFFSETS_INTEGER && floorf (*value) != *value)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset %s is not a whole number, but the offsets "
                          "are integer",
                          shown);
  return SKC_OK;
}

/* One "dx dy w" line; the reader is at its start. */
static skc_result
parse_sample (skc_text_reader *r, skc_offset_kind offsets, skc_sample *sample,
              int given, long declared)
{
  const char *token[3];
  size_t length[3];
  const char *extra;
  size_t extra_length;
  char shown[48];
  skc_result result;
  int i;

  for (i = 0; i < 3; i++)
    {
      if (!skc_text_token (r, &token[i], &length[i]))
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "expected three numbers 'dx dy w', found %d", i);
      /* A keyword here means the layer ended early. */
      if (i == 0
          && (skc_text_token_is (token[0], length[0], "layer")
              || skc_text_token_is (token[0], length[0], "end")))
        return skc_text_fail (
            r, SKC_ERR_PARSE,
            "found '%s' where sample %d of %ld 'dx dy w' "
            "should be",
            skc_text_quote (token[0], length[0], shown, sizeof shown),
            given + 1, declared);
    }
  if (skc_text_token (r, &extra, &extra_length))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "expected three numbers 'dx dy w', found more");

  result = parse_offset (r, token[0], length[0], offsets, &sample->dx);
  if (result == SKC_OK)
    result = parse_offset (r, token[1], length[1], offsets, &sample->dy);
  if (result != SKC_OK)
    return result;
  if (!parse_float (token[2], length[2], &sample->w))
    return skc_text_fail (
        r, SKC_ERR_PARSE, "weight '%s' is not a finite number",
        skc_text_quote (token[2], length[2], shown, sizeof shown));
  return SKC_OK;
}

skc_result
skc_filterfile_read_layers (skc_text_reader *r, const filter_header *header,
                            const char *key, size_t key_length,
                            skc_sample samples[SKC_MAX_LAYERS][SKC_MAX_SAMPLES],
                            int counts[SKC_MAX_LAYERS])
{
  skc_result result;
  bool ended;
  int l;

  for (l = 0; l < header->layers; l++)
    {
      long declared = 0;
      int s;

      result = reader_block_start (
          r, l > 0, &key, &key_length, "fewer layers than declared, no 'end'",
          "layer", "'end' after %d of the %d declared layers", l,
          header->layers);
      if (result == SKC_OK)
        result = skc_filterfile_count (r, "samples in a layer", 1,
                                       SKC_MAX_SAMPLES, &declared);
      if (result == SKC_OK)
        result = skc_filterfile_line_done (r, "the sample count");
      if (result != SKC_OK)
        return result;
      counts[l] = (int) declared;

      for (s = 0; s < counts[l]; s++)
        {
          bool have;

          result = skc_text_next_line (r, &have);
          if (result != SKC_OK)
            return result;
          if (!have)
            return skc_text_fail (r, SKC_ERR_PARSE,
                                  "unexpected end of file in layer %d of %d: "
                                  "%d of its %ld samples given",
                                  l + 1, header->layers, s, declared);
          result
              = parse_sample (r, header->offsets, &samples[l][s], s, declared);
          if (result != SKC_OK)
            return result;
        }
    }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "layer"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more layers than the %d declared",
                          header->layers);
  if (looks_numeric (key, key_length))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "more samples than the %d declared for layer %d",
                          counts[header->layers - 1], header->layers);
  return fail_expected (r, "end", key, key_length);
}

/* One "column v1 ... vsize" or "row ..." line; `values` has size room. */
static skc_result
parse_vector (skc_text_reader *r, const char *word, int size, float *values)
{
  const char *token;
  size_t length;
  char shown[48];
  int found = 0;

  while (skc_text_token (r, &token, &length))
    {
      if (found < size && !parse_float (token, length, &values[found]))
        return skc_text_fail (
            r, SKC_ERR_PARSE, "%s value '%s' is not a finite number", word,
            skc_text_quote (token, length, shown, sizeof shown));
      /* Keep counting past the end, for the message, but not forever. */
      if (found <= SKC_MAX_KERNEL_SIDE)
        found++;
    }
  if (found != size)
    return skc_text_fail (r, SKC_ERR_PARSE, "'%s' has %d%s values, expected %d",
                          word, found,
                          found > SKC_MAX_KERNEL_SIDE ? " or more" : "", size);
  return SKC_OK;
}

static skc_result
parse_lowrank_data (skc_text_reader *r, const filter_header *header,
                    const char *key, size_t key_length, skc_filter *f)
{
  static const char *const words[2] = { "column", "row" };
  skc_result result;
  bool ended;
  int k;
  int part;

  for (k = 0; k < header->rank; k++)
    for (part = 0; part < 2; part++)
      {
        float *values
            = part == 0 ? skc_filter_column (f, k) : skc_filter_row (f, k);

        result = reader_block_start (
            r, k > 0 || part > 0, &key, &key_length,
            "fewer terms than the rank, no 'end'", words[part],
            "'end' after %d of the %d terms (expected '%s')", k, header->rank,
            words[part]);
        if (result == SKC_OK)
          result = parse_vector (r, words[part], header->size, values);
        if (result != SKC_OK)
          return result;
      }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "column")
      || skc_text_token_is (key, key_length, "row"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more terms than the rank %d",
                          header->rank);
  return fail_expected (r, "end", key, key_length);
}

/* A knot position: a whole number within the line's knot range. */
static skc_result
parse_position (skc_text_reader *r, const char *token, size_t length, int half,
                int *value)
{
  char shown[48];
  long parsed = 0;
  size_t i = 0;
  bool negative = false;

  skc_text_quote (token, length, shown, sizeof shown);
  if (i < length && (token[i] == '-' || token[i] == '+'))
    negative = token[i++] == '-';
  if (i == length || length - i > 9)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "knot position '%s' is not a whole number from %d to "
                          "%d",
                          shown, -half, half + 1);
  for (; i < length; i++)
    {
      if (token[i] < '0' || token[i] > '9')
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "knot position '%s' is not a whole number",
                              shown);
      parsed = parsed * 10 + (token[i] - '0');
    }
  if (negative)
    parsed = -parsed;
  if (parsed < -half || parsed > half + 1)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "knot position %s is outside %d to %d", shown, -half,
                          half + 1);
  *value = (int) parsed;
  return SKC_OK;
}

/* Knots read so far, grown as lines come (bounded by the text itself and
 * by SKC_MAX_KNOTS, never by a count the file claims). */
typedef struct
{
  int *counts; /* per line */
  int *pos;
  float *w;
  size_t used, capacity;
} knots_buffer;

static void
knots_buffer_free (knots_buffer *k)
{
  free (k->counts);
  free (k->pos);
  free (k->w);
  memset (k, 0, sizeof *k);
}

static bool
knots_buffer_push (knots_buffer *k, int pos, float w)
{
  if (k->used == k->capacity)
    {
      size_t capacity = k->capacity ? 2 * k->capacity : 256;
      int *p = realloc (k->pos, capacity * sizeof *p);
      if (p == NULL)
        return false;
      k->pos = p;
      float *v = realloc (k->w, capacity * sizeof *v);
      if (v == NULL)
        return false;
      k->w = v;
      k->capacity = capacity;
    }
  k->pos[k->used] = pos;
  k->w[k->used] = w;
  k->used++;
  return true;
}

/* One "line P1 W1 P2 W2 ..." per kernel line: positions increasing,
 * weights finite and summing to zero. */
static skc_result
parse_knots_data (skc_text_reader *r, const filter_header *header,
                  const char *key, size_t key_length, knots_buffer *k)
{
  const int half = header->size / 2;
  char shown[48];
  skc_result result;
  bool ended;
  int line;

  k->counts = calloc ((size_t) header->size, sizeof *k->counts);
  if (k->counts == NULL)
    return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (line = 0; line < header->size; line++)
    {
      const char *token;
      size_t length;
      double sum = 0;
      int previous = -half - 1;

      result = reader_block_start (
          r, line > 0, &key, &key_length, "fewer lines than the size, no 'end'",
          "line", "'end' after %d of the %d lines", line, header->size);
      if (result != SKC_OK)
        return result;
      while (skc_text_token (r, &token, &length))
        {
          int position = 0;
          float weight;

          result = parse_position (r, token, length, half, &position);
          if (result != SKC_OK)
            return result;
          if (position <= previous)
            return skc_text_fail (r, SKC_ERR_PARSE,
                                  "knot positions must increase along a line "
                                  "(%d after %d)",
                                  position, previous);
          previous = position;
          if (!skc_text_token (r, &token, &length))
            return skc_text_fail (r, SKC_ERR_PARSE, "knot at %d has no weight",
                                  position);
          if (!parse_float (token, length, &weight))
            return skc_text_fail (
                r, SKC_ERR_PARSE, "knot weight '%s' is not a finite number",
                skc_text_quote (token, length, shown, sizeof shown));
          if (k->used >= SKC_MAX_KNOTS)
            return skc_text_fail (r, SKC_ERR_TOO_LARGE,
                                  "more than the %d knots skc supports",
                                  SKC_MAX_KNOTS);
          if (!knots_buffer_push (k, position, weight))
            return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          k->counts[line]++;
          sum += weight;
        }
      if (sum != 0)
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "the knot weights of line %d sum to %g, not 0",
                              line + 1, sum);
    }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "line"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more lines than the size %d",
                          header->size);
  return fail_expected (r, "end", key, key_length);
}

skc_result
skc_filterfile_read_lowrank (skc_text_reader *r, const filter_header *header,
                             const char *key, size_t key_length,
                             skc_filter **out)
{
  skc_filter *f;
  skc_result result;

  /* rank and size are within limits by now, so this is bounded. */
  f = skc_filter_new_lowrank (header->rank, header->size);
  if (f == NULL)
    return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                          "out of memory for a rank-%d filter", header->rank);
  result = parse_lowrank_data (r, header, key, key_length, f);
  if (result != SKC_OK)
    {
      skc_filter_free (f);
      return result;
    }
  *out = f;
  return SKC_OK;
}

skc_result
skc_filterfile_read_knots (skc_text_reader *r, const filter_header *header,
                           const char *key, size_t key_length, skc_filter **out)
{
  knots_buffer k;
  skc_filter *f = NULL;
  skc_result result;

  memset (&k, 0, sizeof k);
  result = parse_knots_data (r, header, key, key_length, &k);
  if (result == SKC_OK)
    {
      f = skc_filter_new_knots (header->axis, header->size, k.counts);
      if (f == NULL)
        result = skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                                "out of memory for %zu knots", k.used);
      else if (k.used > 0)
        {
          memcpy (f->knot_pos, k.pos, k.used * sizeof (int));
          memcpy (f->knot_w, k.w, k.used * sizeof (float));
        }
    }
  knots_buffer_free (&k);
  if (result == SKC_OK)
    *out = f;
  return result;
}
