/* skc — presets: the object, the text format's writer and its
 * hostile-input-safe parser (format in skc/preset.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/preset.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "skc/filterfile.h"
#include "numtext.h"
#include "skc/imagefile.h"
#include "io_private.h"
#include "textreader.h"

/* 4096 filters of a few KB each stay well under this. */
#define PRESET_FILE_MAX_BYTES ((size_t) 64 << 20)
#define KEY_MAX_BYTES (SKC_PATH_MAX + 256)

struct skc_preset
{
  char        name[SKC_PRESET_NAME_MAX + 1];
  skc_params  params;     /* shape_image, filter, cache, cancel: NULL */
  skc_image   bitmap;     /* data NULL: the shape is params.shape */
  int         filter_count;
  int         filter_capacity;
  char      **keys;
  skc_filter **filters;
};

/* ------------------------------------------------------------------ */
/* Keys                                                                */
/* ------------------------------------------------------------------ */

/* A preset's keys are the parameter table's names (skc/params.def) and
 * these: the preset's name, its bitmap shape and its fitted filters. */
#define KEY_NAME   "name"
#define KEY_BITMAP "bitmap"
#define KEY_FILTER "filter"

static const skc_param_info *
row_of (skc_param_id id)
{
  return &skc_param_table ()[id];
}

/* ------------------------------------------------------------------ */
/* Numbers, whatever the locale                                        */
/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* The object                                                          */
/* ------------------------------------------------------------------ */

skc_preset *
skc_preset_new (void)
{
  skc_preset *preset = calloc (1, sizeof *preset);

  if (preset == NULL)
    return NULL;
  skc_params_init (&preset->params);
  return preset;
}

void
skc_preset_clear_filters (skc_preset *preset)
{
  if (preset == NULL)
    return;
  for (int i = 0; i < preset->filter_count; i++)
    {
      free (preset->keys[i]);
      skc_filter_free (preset->filters[i]);
    }
  preset->filter_count = 0;
}

void
skc_preset_free (skc_preset *preset)
{
  if (preset == NULL)
    return;
  skc_preset_clear_filters (preset);
  free (preset->keys);
  free (preset->filters);
  skc_image_free (&preset->bitmap);
  free (preset);
}

const char *
skc_preset_get_name (const skc_preset *preset)
{
  return preset->name;
}

/* One line, no control characters: the name ends up in a `key = value`
 * line and on terminals. */
static bool
clean_line (const char *text, size_t length)
{
  for (size_t i = 0; i < length; i++)
    {
      unsigned char c = (unsigned char) text[i];

      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return false;
    }
  return true;
}

skc_result
skc_preset_set_name (skc_preset *preset, const char *name, skc_error *err)
{
  size_t length;

  if (preset == NULL || name == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no preset or no name");
  length = strlen (name);
  if (length > SKC_PRESET_NAME_MAX)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a preset name is at most %d bytes", SKC_PRESET_NAME_MAX);
  if (!clean_line (name, length))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a preset name is one line without control characters");
  /* Leading and trailing blanks would not survive the file's trimming. */
  if (length > 0
      && (name[0] == ' ' || name[0] == '\t' || name[length - 1] == ' '
          || name[length - 1] == '\t'))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a preset name cannot start or end with a blank");
  memcpy (preset->name, name, length + 1);
  return SKC_OK;
}

/* Checks a weight image can be a bitmap shape; says why not. */
static skc_result
check_bitmap (const skc_image *image, skc_error *err)
{
  bool positive = false;

  if (image->channels != 1 || image->data == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a bitmap shape has one channel");
  if (image->width < 1 || image->height < 1
      || image->width > SKC_PRESET_BITMAP_MAX
      || image->height > SKC_PRESET_BITMAP_MAX)
    return skc_fail (err, SKC_ERR_TOO_LARGE,
                     "a bitmap shape is 1 to %d pixels wide and high, not "
                     "%dx%d",
                     SKC_PRESET_BITMAP_MAX, image->width, image->height);
  for (int y = 0; y < image->height; y++)
    for (int x = 0; x < image->width; x++)
      {
        float v = *skc_image_pixel (image, x, y);

        if (!isfinite (v))
          return skc_fail (err, SKC_ERR_NON_FINITE,
                           "bitmap pixel (%d, %d) is not a finite number", x,
                           y);
        positive = positive || v > 0;
      }
  if (!positive)
    return skc_fail (err, SKC_ERR_EMPTY_KERNEL,
                     "the bitmap has no positive weight");
  return SKC_OK;
}

skc_result
skc_preset_set_params (skc_preset *preset, const skc_params *p,
                       skc_error *err)
{
  skc_image bitmap = { 0 };
  skc_result valid;

  if (preset == NULL || p == NULL || p->struct_size < sizeof (skc_params))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "no preset, or parameters not initialised");
  if (p->filter != NULL)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "a preset's shape is a shape spec or a bitmap, not a "
                     "fitted .skc filter");
  if (p->shape_image == NULL && p->shape.kind == SKC_SHAPE_FILE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "file shapes are passed as shape_image");
  valid = skc_params_validate (p, err);
  if (valid != SKC_OK)
    return valid;
  if (p->shape_image != NULL)
    {
      skc_result result = check_bitmap (p->shape_image, err);

      if (result == SKC_OK)
        result = skc_image_copy (p->shape_image, &bitmap);
      if (result != SKC_OK)
        return result == SKC_ERR_OUT_OF_MEMORY
                   ? skc_fail (err, result, "out of memory")
                   : result;
    }
  skc_image_free (&preset->bitmap);
  preset->bitmap = bitmap;
  preset->params = *p;
  preset->params.shape_image = NULL;
  preset->params.filter = NULL;
  preset->params.cache = NULL;
  if (bitmap.data != NULL)
    {
      preset->params.shape.kind = SKC_SHAPE_FILE;
      preset->params.shape.path[0] = '\0';
    }
  return SKC_OK;
}

void
skc_preset_apply (const skc_preset *preset, unsigned explicit_fields,
                  skc_params *p)
{
  const skc_params *v = &preset->params;

  if (!(explicit_fields & SKC_PRESET_SHAPE))
    {
      p->shape.kind = v->shape.kind;
      memcpy (p->shape.path, v->shape.path, sizeof p->shape.path);
      p->shape_image = preset->bitmap.data != NULL ? &preset->bitmap : NULL;
      p->filter = NULL;
    }
  for (int id = 0; id < SKC_PARAM_COUNT; id++)
    if (id != SKC_PARAM_SHAPE && !(explicit_fields & SKC_PARAM_BIT (id)))
      skc_param_copy (p, v, row_of (id));
}

const skc_image *
skc_preset_bitmap (const skc_preset *preset)
{
  return preset->bitmap.data != NULL ? &preset->bitmap : NULL;
}

int
skc_preset_filter_count (const skc_preset *preset)
{
  return preset->filter_count;
}

const char *
skc_preset_filter_key (const skc_preset *preset, int index)
{
  if (index < 0 || index >= preset->filter_count)
    return NULL;
  return preset->keys[index];
}

const skc_filter *
skc_preset_filter (const skc_preset *preset, int index)
{
  if (index < 0 || index >= preset->filter_count)
    return NULL;
  return preset->filters[index];
}

static bool
good_key (const char *key, size_t length)
{
  if (length == 0 || length > KEY_MAX_BYTES || !clean_line (key, length))
    return false;
  /* The file trims values, so a key must not start or end blank. */
  return key[0] != ' ' && key[0] != '\t' && key[length - 1] != ' '
         && key[length - 1] != '\t';
}

/* Takes ownership of f (freed on failure). */
static skc_result
add_filter_owned (skc_preset *preset, const char *key, size_t key_length,
                  skc_filter *f)
{
  char *copy;

  for (int i = 0; i < preset->filter_count; i++)
    if (strlen (preset->keys[i]) == key_length
        && memcmp (preset->keys[i], key, key_length) == 0)
      {
        skc_filter_free (preset->filters[i]);
        preset->filters[i] = f;
        return SKC_OK;
      }
  if (preset->filter_count >= SKC_PRESET_FILTERS_MAX)
    {
      skc_filter_free (f);
      return SKC_ERR_TOO_LARGE;
    }
  if (preset->filter_count == preset->filter_capacity)
    {
      int capacity = preset->filter_capacity ? 2 * preset->filter_capacity : 8;
      char **keys = realloc (preset->keys, (size_t) capacity * sizeof *keys);

      if (keys != NULL)
        preset->keys = keys;
      skc_filter **filters
          = keys ? realloc (preset->filters,
                            (size_t) capacity * sizeof *filters)
                 : NULL;
      if (filters == NULL)
        {
          skc_filter_free (f);
          return SKC_ERR_OUT_OF_MEMORY;
        }
      preset->filters = filters;
      preset->filter_capacity = capacity;
    }
  copy = malloc (key_length + 1);
  if (copy == NULL)
    {
      skc_filter_free (f);
      return SKC_ERR_OUT_OF_MEMORY;
    }
  memcpy (copy, key, key_length);
  copy[key_length] = '\0';
  preset->keys[preset->filter_count] = copy;
  preset->filters[preset->filter_count] = f;
  preset->filter_count++;
  return SKC_OK;
}

skc_result
skc_preset_add_filter (skc_preset *preset, const char *key,
                       const skc_filter *f, skc_error *err)
{
  skc_filter *copy;
  skc_result result;

  if (preset == NULL || key == NULL || f == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no preset, key or filter");
  if (!good_key (key, strlen (key)))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a filter key is one line of 1 to %d bytes, without "
                     "control characters or blanks at its ends",
                     KEY_MAX_BYTES);
  result = skc_filter_validate (f, err);
  if (result != SKC_OK)
    return result;
  copy = skc_filter_copy (f);
  if (copy == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  result = add_filter_owned (preset, key, strlen (key), copy);
  if (result == SKC_ERR_TOO_LARGE)
    return skc_fail (err, result, "a preset holds at most %d filters",
                     SKC_PRESET_FILTERS_MAX);
  if (result != SKC_OK)
    return skc_fail (err, result, "out of memory");
  return SKC_OK;
}

skc_result
skc_preset_seed_cache (const skc_preset *preset, skc_cache *cache,
                       skc_error *err)
{
  if (preset == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no preset");
  if (cache == NULL)
    cache = skc_cache_default ();
  if (cache == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; i < preset->filter_count; i++)
    {
      skc_result result
          = skc_cache_store (cache, preset->keys[i], preset->filters[i]);

      /* The disk is an optimisation; memory holding it is what counts. */
      if (result != SKC_OK && result != SKC_ERR_IO)
        return skc_fail (err, result, "cannot seed the fit cache: %s",
                         skc_strerror (result));
    }
  return SKC_OK;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* Whether every pixel is exactly k / 255.0f, bit for bit (so -0 is not). */
static bool
bitmap_is_hex (const skc_image *b)
{
  for (int y = 0; y < b->height; y++)
    for (int x = 0; x < b->width; x++)
      {
        float v = *skc_image_pixel (b, x, y);
        float q;
        long k;

        if (!(v >= 0.0f && v <= 1.0f))
          return false;
        k = lrintf (v * 255.0f);
        q = (float) k / 255.0f;
        if (memcmp (&q, &v, sizeof v) != 0)
          return false;
      }
  return true;
}

static void
write_number (FILE *stream, const char *key, double value)
{
  char number[40];

  skc_format_double (value, number, sizeof number);
  fprintf (stream, "%s = %s\n", key, number);
}

skc_result
skc_preset_write (const skc_preset *preset, FILE *stream)
{
  const skc_params *p;
  const skc_image *b;

  if (preset == NULL || stream == NULL)
    return SKC_ERR_INVALID_ARGUMENT;
  p = &preset->params;
  b = &preset->bitmap;
  fprintf (stream, "skc-preset %d.%d\n", SKC_PRESET_FORMAT_MAJOR,
           SKC_PRESET_FORMAT_MINOR);
  fprintf (stream, KEY_NAME " = %s\n", preset->name);
  for (int id = 0; id < SKC_PARAM_COUNT; id++)
    {
      const skc_param_info *row = row_of (id);
      double value = skc_param_get (p, row);

      switch (row->type)
        {
        case SKC_PARAM_TYPE_SHAPE:
          fprintf (stream, "%s = %s\n", row->name,
                   b->data != NULL ? KEY_BITMAP
                   : p->shape.kind < SKC_SHAPE_FILE
                     ? skc_shape_name (p->shape.kind)
                     : skc_shape_name (SKC_SHAPE_DISC));
          break;
        case SKC_PARAM_TYPE_QUALITY:
          fprintf (stream, "%s = %s\n", row->name,
                   skc_quality_name (p->quality));
          break;
        case SKC_PARAM_TYPE_BOOL:
          fprintf (stream, "%s = %s\n", row->name, value ? "yes" : "no");
          break;
        case SKC_PARAM_TYPE_WHOLE:
          fprintf (stream, "%s = %d\n", row->name, (int) value);
          break;
        case SKC_PARAM_TYPE_SEED:
          fprintf (stream, "%s = %llu\n", row->name,
                   (unsigned long long) p->seed);
          break;
        case SKC_PARAM_TYPE_NUMBER:
          write_number (stream, row->name, value);
          break;
        }
    }

  if (b->data != NULL)
    {
      bool hex = bitmap_is_hex (b);

      fprintf (stream, "bitmap = %d %d %s\n", b->width, b->height,
               hex ? "hex" : "float");
      for (int y = 0; y < b->height; y++)
        {
          for (int x = 0; x < b->width; x++)
            {
              float v = *skc_image_pixel (b, x, y);

              if (hex)
                fprintf (stream, "%02x", (unsigned) lrintf (v * 255.0f));
              else
                {
                  char number[40];

                  skc_format_float (v, number, sizeof number);
                  fprintf (stream, x > 0 ? " %s" : "%s", number);
                }
            }
          fputc ('\n', stream);
        }
    }

  for (int i = 0; i < preset->filter_count; i++)
    {
      skc_result result;

      fprintf (stream, "filter = %s\n", preset->keys[i]);
      result = skc_filter_write (preset->filters[i], stream);
      if (result != SKC_OK)
        return result;
    }
  fputs ("end\n", stream);
  return ferror (stream) ? SKC_ERR_IO : SKC_OK;
}

skc_result
skc_preset_save (const skc_preset *preset, const char *path, skc_error *err)
{
  FILE *stream;
  char *temp_path;
  skc_result result;
  int saved_errno;

  if (preset == NULL || path == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no preset or no path");
  result = skc_temporary_create (path, &stream, &temp_path, err);
  if (result != SKC_OK)
    return result;
  errno = 0;
  result = skc_preset_write (preset, stream);
  saved_errno = errno;
  if (result != SKC_OK)
    skc_fail (err, result, "%s: write error: %s", path,
              result == SKC_ERR_IO ? skc_errno_text (saved_errno)
                                   : skc_strerror (result));
  return skc_temporary_finish (stream, temp_path, path, result, err);
}

/* ------------------------------------------------------------------ */
/* Reading: values                                                     */
/* ------------------------------------------------------------------ */

typedef struct
{
  skc_preset *preset;
  int         minor;          /* the file's minor version */
  size_t      seen[SKC_PARAM_COUNT]; /* line of each row, 0: not given */
  size_t      seen_name, seen_bitmap;
  bool        shape_bitmap;   /* shape = bitmap */
  bool        spec_has_keys;  /* shape = shape:NAME:k=v... */
  skc_shape   spec;           /* what `shape` said */
  skc_params  values;         /* the separate keys */
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
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not a %s",
                          row->name, shown,
                          whole ? "whole number" : "finite number");
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

static skc_result
parse_quality_value (skc_text_reader *r, const skc_param_info *row,
                     const char *value, size_t length, skc_params *values)
{
  char shown[48];

  for (int q = 0; q < SKC_QUALITY_COUNT; q++)
    if (skc_text_token_is (value, length, skc_quality_name ((skc_quality) q)))
      return skc_param_set (values, row, q, NULL);
  return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not %s", row->name,
                        skc_text_quote (value, length, shown, sizeof shown),
                        skc_quality_names ());
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

    if (check_bitmap (b, &detail) != SKC_OK)
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
  if (!good_key (key, key_length))
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
  result = skc_filter_parse (start, (size_t) (stop - start), "@", &f,
                             &detail);
  if (result != SKC_OK)
    {
      size_t inner = 0;
      int used = 0;

      /* The filter parser numbers lines from the filter's start; say
       * where in the preset they are. */
      if (sscanf (detail.message, "@:%zu: %n", &inner, &used) == 1
          && used > 0)
        return skc_text_fail_at (r, header_line + inner,
                                 result == SKC_ERR_TOO_LARGE ? result
                                                             : SKC_ERR_PARSE,
                                 "in the filter from line %zu: %s", header_line,
                                 detail.message + used);
      return skc_text_fail_at (
          r, header_line, result == SKC_ERR_TOO_LARGE ? result : SKC_ERR_PARSE,
          "in the filter starting here: %s", detail.message);
    }
  result = add_filter_owned (s->preset, key, key_length, f);
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
                              "duplicate '%s' (first given on line %zu)",
                              shown, *seen);
      *seen = r->number;
      if (!name)
        return parse_bitmap (r, s, value, value_length);
      if (value_length > SKC_PRESET_NAME_MAX)
        return skc_text_fail (r, SKC_ERR_PARSE, "name: longer than %d bytes",
                              SKC_PRESET_NAME_MAX);
      if (!clean_line (value, value_length))
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
                          "duplicate '%s' (first given on line %zu)",
                          row->name, s->seen[k]);
  s->seen[k] = r->number;

  switch (row->type)
    {
    case SKC_PARAM_TYPE_SHAPE:
      return parse_shape_value (r, s, value, value_length);
    case SKC_PARAM_TYPE_QUALITY:
      return parse_quality_value (r, row, value, value_length, &s->values);
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
            "'%s' given both here and in the shape spec on line %zu",
            row->name, s->seen[SKC_PARAM_SHAPE]);
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

skc_result
skc_preset_load (const char *path, skc_preset **out, skc_error *err)
{
  unsigned char *bytes = NULL;
  size_t length = 0;
  skc_result result;

  if (out != NULL)
    *out = NULL;
  if (path == NULL || out == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no path");
  result = skc_read_file (path, PRESET_FILE_MAX_BYTES, &bytes, &length, err);
  if (result != SKC_OK)
    return result;
  result = skc_preset_parse ((const char *) bytes, length, path, out, err);
  free (bytes);
  return result;
}

skc_result
skc_preset_use (const char *path, unsigned explicit_fields, skc_params *p,
                skc_preset **out, skc_error *err)
{
  skc_result result = skc_preset_load (path, out, err);
  if (result != SKC_OK)
    return result;
  result = skc_preset_seed_cache (*out, p->cache, err);
  if (result != SKC_OK)
    {
      skc_preset_free (*out);
      *out = NULL;
      return result;
    }
  skc_preset_apply (*out, explicit_fields, p);
  return SKC_OK;
}
