/* skc — the preset parser, safe on hostile input (format in
 * skc/preset.h; the object and the writer: preset.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/preset.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skc/filterfile.h"
#include "numtext.h"
#include "preset_private.h"
#include "textreader.h"

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  skc_preset *preset;
  int minor;                    /* the file's minor version */
  size_t seen[SKC_PARAM_COUNT]; /* line of each row, 0: not given */
  size_t seen_name, seen_bitmap;
  bool shape_bitmap;  /* shape = bitmap */
  bool spec_has_keys; /* shape = shape:NAME:k=v... */
  skc_shape spec;     /* what `shape` said */
  skc_params values;  /* the separate keys */
} parse_state;

static skc_result
parse_number_value (skc_text_reader *r, const skc_param_info *row,
                    const char *value, size_t length, skc_params *values)
{
  bool whole = row->type != SKC_PARAM_TYPE_NUMBER;
  char shown[48];
  skc_error range_err;
  double v;

  skc_text_quote (value, length, shown, sizeof shown);
  if (!skc_parse_real (value, length, false, &v))
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not a %s", row->name,
                          shown, whole ? "whole number" : "finite number");
  if (skc_param_set (values, row, v, &range_err) != SKC_OK)
    return skc_text_fail (r, SKC_ERR_PARSE, "%s", range_err.message);
  return SKC_OK;
}

static skc_result
parse_bool_value (skc_text_reader *r, const skc_param_info *row,
                  const char *value, size_t length, skc_params *values)
{
  char shown[48];
  int yes;

  if (skc_text_token_is (value, length, "yes")
      || skc_text_token_is (value, length, "true"))
    yes = 1;
  else if (skc_text_token_is (value, length, "no")
           || skc_text_token_is (value, length, "false"))
    yes = 0;
  else
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not yes or no",
                          row->name,
                          skc_text_quote (value, length, shown, sizeof shown));
  return skc_param_set (values, row, yes, NULL);
}

/* A row of named choices (quality, depth). */
static skc_result
parse_choice_value (skc_text_reader *r, const skc_param_info *row,
                    const char *value, size_t length, skc_params *values)
{
  char shown[48];

  for (int q = 0; q < skc_param_choice_count (row); q++)
    if (skc_text_token_is (value, length, skc_param_choice_name (row, q)))
      return skc_param_set (values, row, q, NULL);
  return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not %s", row->name,
                        skc_text_quote (value, length, shown, sizeof shown),
                        skc_param_choice_names (row));
}

static skc_result
parse_seed_value (skc_text_reader *r, const char *value, size_t length,
                  uint64_t *out)
{
  char shown[48];
  uint64_t seed = 0;

  skc_text_quote (value, length, shown, sizeof shown);
  if (length == 0)
    return skc_text_fail (r, SKC_ERR_PARSE, "seed: no value");
  for (size_t i = 0; i < length; i++)
    {
      unsigned digit = (unsigned) (value[i] - '0');

      if (value[i] < '0' || value[i] > '9')
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "seed: '%s' is not a whole number", shown);
      if (seed > (UINT64_MAX - digit) / 10)
        return skc_text_fail (r, SKC_ERR_PARSE, "seed: %s is more than %llu",
                              shown, (unsigned long long) UINT64_MAX);
      seed = seed * 10 + digit;
    }
  *out = seed;
  return SKC_OK;
}

static skc_result
parse_shape_value (skc_text_reader *r, parse_state *s, const char *value,
                   size_t length)
{
  char spec[520];
  char shown[48];
  skc_error detail;
  const char *body;

  skc_text_quote (value, length, shown, sizeof shown);
  if (skc_text_token_is (value, length, "bitmap"))
    {
      s->shape_bitmap = true;
      return SKC_OK;
    }
  if (length >= sizeof spec)
    return skc_text_fail (r, SKC_ERR_PARSE, "shape: the spec is too long");
  memcpy (spec, value, length);
  spec[length] = '\0';
  if (strncmp (spec, "file:", 5) == 0)
    return skc_text_fail (
        r, SKC_ERR_PARSE,
        "shape: a preset holds its shape (a spec or a bitmap), not "
        "a file name");
  if (skc_shape_parse (spec, &s->spec, &detail) != SKC_OK)
    return skc_text_fail (r, SKC_ERR_PARSE, "shape: %s", detail.message);
  if (s->spec.kind == SKC_SHAPE_FILE)
    return skc_text_fail (r, SKC_ERR_PARSE, "shape: '%s' is not a shape",
                          shown);
  body = strncmp (spec, "shape:", 6) == 0 ? spec + 6 : spec;
  s->spec_has_keys = strchr (body, ':') != NULL;
  return SKC_OK;
}

static skc_result
parse_bitmap (skc_text_reader *r, parse_state *s, const char *value,
              size_t length)
{
  const char *token[4];
  size_t token_length[4];
  size_t header_line = r->number;
  int count = 0;
  long side[2];
  bool hex;
  char shown[48];
  skc_image *b = &s->preset->bitmap;

  /* value lies within the current line, so the line's tokeniser works. */
  r->cursor = value;
  while (count < 4 && skc_text_token (r, &token[count], &token_length[count]))
    count++;
  if (count != 3)
    return skc_text_fail (
        r, SKC_ERR_PARSE,
        "bitmap: expected 'WIDTH HEIGHT hex|float', found %d words", count);
  for (int i = 0; i < 2; i++)
    {
      skc_text_quote (token[i], token_length[i], shown, sizeof shown);
      side[i] = 0;
      for (size_t j = 0; j < token_length[i]; j++)
        {
          if (token[i][j] < '0' || token[i][j] > '9')
            return skc_text_fail (r, SKC_ERR_PARSE,
                                  "bitmap: '%s' is not a whole number", shown);
          /* Saturate: the size check below says what is wrong. */
          if (side[i] <= SKC_PRESET_BITMAP_MAX)
            side[i] = side[i] * 10 + (token[i][j] - '0');
        }
      if (side[i] < 1)
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "bitmap: sides are at least 1 pixel");
      if (side[i] > SKC_PRESET_BITMAP_MAX)
        return skc_text_fail (
            r, SKC_ERR_TOO_LARGE,
            "bitmap: %s is more than the %d pixels skc supports", shown,
            SKC_PRESET_BITMAP_MAX);
    }
  if (skc_text_token_is (token[2], token_length[2], "hex"))
    hex = true;
  else if (skc_text_token_is (token[2], token_length[2], "float"))
    hex = false;
  else
    return skc_text_fail (
        r, SKC_ERR_PARSE, "bitmap: unknown encoding '%s' (hex or float)",
        skc_text_quote (token[2], token_length[2], shown, sizeof shown));

  if (skc_image_alloc (b, (int) side[0], (int) side[1], 1) != SKC_OK)
    return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                          "out of memory for the bitmap");
  for (int y = 0; y < b->height; y++)
    {
      float *row = skc_image_pixel (b, 0, y);
      const char *t;
      size_t tl;
      int found = 0;
      bool have;
      skc_result result = skc_text_next_line (r, &have);

      if (result != SKC_OK)
        return result;
      if (!have)
        return skc_text_fail_at (
            r, header_line, SKC_ERR_PARSE,
            "bitmap: the file ends after %d of its %d rows "
            "(truncated?)",
            y, b->height);
      while (skc_text_token (r, &t, &tl))
        {
          if (hex)
            for (size_t i = 0; i < tl; i++)
              {
                char c = t[i];
                int digit = c >= '0' && c <= '9'   ? c - '0'
                            : c >= 'a' && c <= 'f' ? c - 'a' + 10
                            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                                   : -1;

                if (digit < 0)
                  return skc_text_fail (
                      r, SKC_ERR_PARSE,
                      "bitmap row %d: '%c' is not a hex digit", y + 1,
                      c >= 0x20 && c < 0x7f ? c : '?');
                if (found < 2 * b->width)
                  row[found / 2] = found % 2 == 0
                                       ? (float) (16 * digit)
                                       : row[found / 2] + (float) digit;
                if (found <= 2 * b->width)
                  found++;
              }
          else
            {
              double v;

              if (found < b->width)
                {
                  if (!skc_parse_real (t, tl, true, &v))
                    return skc_text_fail (
                        r, SKC_ERR_PARSE,
                        "bitmap row %d: '%s' is not a finite number", y + 1,
                        skc_text_quote (t, tl, shown, sizeof shown));
                  row[found] = (float) v;
                }
              if (found <= b->width)
                found++;
            }
        }
      if (found != (hex ? 2 * b->width : b->width))
        return skc_text_fail (
            r, SKC_ERR_PARSE, "bitmap row %d: expected %d %s, found %s%d",
            y + 1, b->width, hex ? "2-digit hex values" : "numbers",
            found > (hex ? 2 * b->width : b->width) ? "more, " : "",
            hex ? found / 2 : found);
      if (hex)
        for (int x = 0; x < b->width; x++)
          row[x] = row[x] / 255.0f;
    }
  {
    skc_error detail;

    if (skc_preset_check_bitmap (b, &detail) != SKC_OK)
      return skc_text_fail_at (r, header_line, SKC_ERR_PARSE, "%s",
                               detail.message);
  }
  return SKC_OK;
}

/* `filter = KEY`, then a .skc text up to its first `end` line. */
static skc_result
parse_filter (skc_text_reader *r, parse_state *s, const char *key,
              size_t key_length)
{
  size_t header_line = r->number;
  const char *start = r->next;
  const char *stop = NULL;
  skc_filter *f = NULL;
  skc_error detail;
  skc_result result;
  char shown[48];

  skc_text_quote (key, key_length, shown, sizeof shown);
  if (!skc_preset_good_key (key, key_length))
    return skc_text_fail (
        r, SKC_ERR_PARSE,
        "filter: '%s' is not a cache key (one line of 1 to %d "
        "bytes)",
        shown, KEY_MAX_BYTES);
  for (int i = 0; i < s->preset->filter_count; i++)
    if (skc_text_token_is (key, key_length, s->preset->keys[i]))
      return skc_text_fail (r, SKC_ERR_PARSE, "filter: key '%s' given twice",
                            shown);
  if (s->preset->filter_count >= SKC_PRESET_FILTERS_MAX)
    return skc_text_fail (r, SKC_ERR_TOO_LARGE, "more than %d filters",
                          SKC_PRESET_FILTERS_MAX);

  for (;;)
    {
      bool have;
      const char *t = NULL;
      size_t tl = 0;

      result = skc_text_next_raw_line (r, &have);
      if (result != SKC_OK)
        return result;
      if (!have)
        return skc_text_fail_at (r, header_line, SKC_ERR_PARSE,
                                 "the filter starting here has no 'end' line "
                                 "(truncated file?)");
      if (skc_text_token (r, &t, &tl) && skc_text_token_is (t, tl, "end"))
        {
          stop = r->next;
          break;
        }
    }

  detail.message[0] = '\0';
  result = skc_filter_parse (start, (size_t) (stop - start), "@", &f, &detail);
  if (result != SKC_OK)
    {
      size_t inner = 0;
      int used = 0;

      /* The filter parser numbers lines from the filter's start; say
       * where in the preset they are. */
      if (sscanf (detail.message, "@:%zu: %n", &inner, &used) == 1 && used > 0)
        return skc_text_fail_at (r, header_line + inner,
                                 result == SKC_ERR_TOO_LARGE ? result
                                                             : SKC_ERR_PARSE,
                                 "in the filter from line %zu: %s", header_line,
                                 detail.message + used);
      return skc_text_fail_at (
          r, header_line, result == SKC_ERR_TOO_LARGE ? result : SKC_ERR_PARSE,
          "in the filter starting here: %s", detail.message);
    }
  result = skc_preset_add_filter_owned (s->preset, key, key_length, f);
  if (result != SKC_OK)
    return skc_text_fail_at (r, header_line, result, "%s",
                             result == SKC_ERR_TOO_LARGE ? "too many filters"
                                                         : "out of memory");
  return SKC_OK;
}

static skc_result
parse_magic (skc_text_reader *r, parse_state *s)
{
  const char *t = NULL;
  size_t tl = 0;
  char shown[48];
  long part[2] = { 0, 0 };
  int which = 0;
  skc_result result = skc_text_magic (
      r, "preset", "%d.%d", SKC_PRESET_FORMAT_MAJOR, SKC_PRESET_FORMAT_MINOR);

  if (result != SKC_OK)
    return result;
  if (!skc_text_token (r, &t, &tl))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "no format version after 'skc-preset'");
  skc_text_quote (t, tl, shown, sizeof shown);
  for (size_t i = 0; i < tl; i++)
    {
      if (t[i] == '.' && which == 0 && i > 0 && i + 1 < tl)
        {
          which = 1;
          continue;
        }
      if (t[i] < '0' || t[i] > '9')
        return skc_text_fail (r, SKC_ERR_PARSE, "bad format version '%s'",
                              shown);
      /* Long digit strings are simply very new. */
      if (part[which] < 100000000)
        part[which] = part[which] * 10 + (t[i] - '0');
    }
  if (part[0] > SKC_PRESET_FORMAT_MAJOR)
    return skc_text_fail (
        r, SKC_ERR_UNSUPPORTED,
        "written by a newer skc (preset format %s); this build "
        "reads format %d.x",
        shown, SKC_PRESET_FORMAT_MAJOR);
  if (part[0] < 1)
    return skc_text_fail (r, SKC_ERR_PARSE, "bad format version '%s'", shown);
  s->minor = (int) part[1];
  if (skc_text_token (r, &t, &tl))
    return skc_text_fail (r, SKC_ERR_PARSE, "unexpected '%s' after the version",
                          skc_text_quote (t, tl, shown, sizeof shown));
  return SKC_OK;
}

/* One `key = value` line. */
static skc_result
parse_line (skc_text_reader *r, parse_state *s)
{
  const char *p = r->line;
  const char *stop = r->line + r->length;
  const char *key;
  const char *value;
  size_t key_length;
  size_t value_length;
  char shown[48];
  const skc_param_info *row;
  int k;

  while (p < stop && skc_text_is_blank (*p))
    p++;
  key = p;
  while (p < stop && !skc_text_is_blank (*p) && *p != '=')
    p++;
  key_length = (size_t) (p - key);
  while (p < stop && skc_text_is_blank (*p))
    p++;
  if (p == stop || *p != '=')
    return skc_text_fail (
        r, SKC_ERR_PARSE, "expected 'key = value', found '%s'",
        skc_text_quote (r->line, r->length, shown, sizeof shown));
  p++;
  while (p < stop && skc_text_is_blank (*p))
    p++;
  while (stop > p && skc_text_is_blank (stop[-1]))
    stop--;
  value = p;
  value_length = (size_t) (stop - p);

  if (skc_text_token_is (key, key_length, KEY_FILTER))
    return parse_filter (r, s, value, value_length);

  skc_text_quote (key, key_length, shown, sizeof shown);
  if (skc_text_token_is (key, key_length, KEY_NAME)
      || skc_text_token_is (key, key_length, KEY_BITMAP))
    {
      bool name = skc_text_token_is (key, key_length, KEY_NAME);
      size_t *seen = name ? &s->seen_name : &s->seen_bitmap;

      if (*seen != 0)
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "duplicate '%s' (first given on line %zu)", shown,
                              *seen);
      *seen = r->number;
      if (!name)
        return parse_bitmap (r, s, value, value_length);
      if (value_length > SKC_PRESET_NAME_MAX)
        return skc_text_fail (r, SKC_ERR_PARSE, "name: longer than %d bytes",
                              SKC_PRESET_NAME_MAX);
      if (!skc_preset_clean_line (value, value_length))
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "name: contains a control character");
      memcpy (s->preset->name, value, value_length);
      s->preset->name[value_length] = '\0';
      return SKC_OK;
    }

  for (k = 0; k < SKC_PARAM_COUNT; k++)
    if (skc_text_token_is (key, key_length, row_of (k)->name))
      break;
  if (k == SKC_PARAM_COUNT)
    {
      /* Newer minor versions add keys; older ones have no excuse. */
      if (s->minor > SKC_PRESET_FORMAT_MINOR)
        return SKC_OK;
      return skc_text_fail (
          r, SKC_ERR_PARSE,
          "unknown key '%s' (keys: the parameter table's names, "
          "name, bitmap, filter)",
          shown);
    }
  row = row_of (k);
  if (s->seen[k] != 0)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "duplicate '%s' (first given on line %zu)", row->name,
                          s->seen[k]);
  s->seen[k] = r->number;

  switch (row->type)
    {
    case SKC_PARAM_TYPE_SHAPE:
      return parse_shape_value (r, s, value, value_length);
    case SKC_PARAM_TYPE_QUALITY:
    case SKC_PARAM_TYPE_DEPTH:
      return parse_choice_value (r, row, value, value_length, &s->values);
    case SKC_PARAM_TYPE_BOOL:
      return parse_bool_value (r, row, value, value_length, &s->values);
    case SKC_PARAM_TYPE_SEED:
      return parse_seed_value (r, value, value_length, &s->values.seed);
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_NUMBER:
      break;
    }
  return parse_number_value (r, row, value, value_length, &s->values);
}

/* After the last line: the shape keys and the bitmap agree. */
static skc_result
finish (skc_text_reader *r, parse_state *s)
{
  skc_params *p = &s->preset->params;
  skc_params spec = s->values;

  /* The shape keys (the table's shape rows after the kind) come from the
     spec unless given separately, and not both. */
  spec.shape = s->spec;
  for (int k = 0; k < SKC_PARAM_COUNT; k++)
    {
      const skc_param_info *row = row_of (k);

      if (row->group != SKC_PARAM_GROUP_SHAPE || k == SKC_PARAM_SHAPE
          || s->seen[k] == 0)
        continue;
      if (s->spec_has_keys)
        return skc_text_fail_at (
            r, s->seen[k], SKC_ERR_PARSE,
            "'%s' given both here and in the shape spec on line %zu", row->name,
            s->seen[SKC_PARAM_SHAPE]);
      skc_param_copy (&spec, &s->values, row);
    }
  if (s->shape_bitmap && s->preset->bitmap.data == NULL)
    return skc_text_fail_at (
        r, s->seen[SKC_PARAM_SHAPE], SKC_ERR_PARSE,
        "shape = bitmap, but there is no 'bitmap = WIDTH HEIGHT "
        "hex|float' block");
  if (!s->shape_bitmap && s->preset->bitmap.data != NULL)
    return skc_text_fail_at (r, s->seen_bitmap, SKC_ERR_PARSE,
                             "a bitmap, but the shape is not 'bitmap'");

  skc_shape shape = spec.shape;
  if (s->shape_bitmap)
    {
      shape.kind = SKC_SHAPE_FILE;
      shape.path[0] = '\0';
    }
  *p = s->values;
  p->shape = shape;
  return SKC_OK;
}

skc_result
skc_preset_parse (const char *text, size_t length, const char *name,
                  skc_preset **out, skc_error *err)
{
  skc_text_reader r;
  parse_state *s;
  skc_result result;
  bool ended = false;
  bool have;

  if (out != NULL)
    *out = NULL;
  if (out == NULL || (text == NULL && length > 0))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "nothing to parse");
  /* A long path keeps its last 60 bytes in messages. */
  skc_text_reader_init (&r, text, length, name, 60, err);

  /* The state holds a skc_shape and skc_params with their paths: keep it
   * off the stack. */
  s = calloc (1, sizeof *s);
  if (s == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  s->preset = skc_preset_new ();
  if (s->preset == NULL)
    {
      free (s);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  skc_shape_init (&s->spec);
  s->values = s->preset->params;

  result = parse_magic (&r, s);
  while (result == SKC_OK)
    {
      result = skc_text_next_line (&r, &have);
      if (result != SKC_OK)
        break;
      if (!have)
        {
          result = skc_text_fail (&r, SKC_ERR_PARSE,
                                  "no 'end' line: the file is truncated");
          break;
        }
      {
        const char *t = NULL;
        size_t tl = 0;

        skc_text_token (&r, &t, &tl);
        if (skc_text_token_is (t, tl, "end"))
          {
            if (skc_text_token (&r, &t, &tl))
              result = skc_text_fail (&r, SKC_ERR_PARSE,
                                      "unexpected text after 'end'");
            ended = true;
            break;
          }
      }
      result = parse_line (&r, s);
    }
  if (result == SKC_OK && ended)
    {
      result = skc_text_next_line (&r, &have);
      if (result == SKC_OK && have)
        result = skc_text_fail (&r, SKC_ERR_PARSE,
                                "text after the preset's 'end' line");
    }
  if (result == SKC_OK)
    result = finish (&r, s);
  if (result != SKC_OK)
    {
      skc_preset_free (s->preset);
      free (s);
      return result;
    }
  *out = s->preset;
  free (s);
  return SKC_OK;
}
