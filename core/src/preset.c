/* skc — presets: the object, its parameters and filters, the text
 * format's writer, loading and saving (format in skc/preset.h; the parser:
 * preset_parse.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/preset.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "skc/filterfile.h"
#include "numtext.h"
#include "skc/imagefile.h"
#include "io_private.h"
#include "preset_private.h"

/* 4096 filters of a few KB each stay well under this. */
#define PRESET_FILE_MAX_BYTES ((size_t) 64 << 20)

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

bool
skc_preset_clean_line (const char *text, size_t length)
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
  if (!skc_preset_clean_line (name, length))
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

skc_result
skc_preset_check_bitmap (const skc_image *image, skc_error *err)
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
skc_preset_set_params (skc_preset *preset, const skc_params *p, skc_error *err)
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
      skc_result result = skc_preset_check_bitmap (p->shape_image, err);

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

bool
skc_preset_good_key (const char *key, size_t length)
{
  if (length == 0 || length > KEY_MAX_BYTES
      || !skc_preset_clean_line (key, length))
    return false;
  /* The file trims values, so a key must not start or end blank. */
  return key[0] != ' ' && key[0] != '\t' && key[length - 1] != ' '
         && key[length - 1] != '\t';
}

skc_result
skc_preset_add_filter_owned (skc_preset *preset, const char *key,
                             size_t key_length, skc_filter *f)
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
          = keys
                ? realloc (preset->filters, (size_t) capacity * sizeof *filters)
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
skc_preset_add_filter (skc_preset *preset, const char *key, const skc_filter *f,
                       skc_error *err)
{
  skc_filter *copy;
  skc_result result;

  if (preset == NULL || key == NULL || f == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no preset, key or filter");
  if (!skc_preset_good_key (key, strlen (key)))
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
  result = skc_preset_add_filter_owned (preset, key, strlen (key), copy);
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
        case SKC_PARAM_TYPE_DEPTH:
          fprintf (stream, "%s = %s\n", row->name,
                   skc_param_choice_name (row, (int) value));
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
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/* skc_preset_parse as skc_parse_file calls it. */
static skc_result
parse_preset_file (const unsigned char *bytes, size_t length, const char *name,
                   void *out, skc_error *err)
{
  return skc_preset_parse ((const char *) bytes, length, name, out, err);
}

skc_result
skc_preset_load (const char *path, skc_preset **out, skc_error *err)
{
  if (out != NULL)
    *out = NULL;
  if (path == NULL || out == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no path");
  return skc_parse_file (path, PRESET_FILE_MAX_BYTES, parse_preset_file, out,
                         err);
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
