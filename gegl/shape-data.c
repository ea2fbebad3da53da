/* skc — bokeh shape images as text (see shape-data.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "shape-data.h"

#include <math.h>
#include <string.h>

#define MAGIC "skc-shape "

/* The weights clipped at 0, in a side of at most SKC_SHAPE_DATA_SIDE_MAX
 * (resampled when larger), into *out; their largest value in *top. */
static skc_result
encodable (const skc_image *weights, skc_image *out, float *top, skc_error *err)
{
  skc_result r;
  memset (out, 0, sizeof *out);
  if (!weights || weights->channels != 1 || weights->width < 1
      || weights->height < 1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "shape-data: the shape is not a 1-channel image");
  if (weights->width > SKC_SHAPE_DATA_SIDE_MAX
      || weights->height > SKC_SHAPE_DATA_SIDE_MAX)
    r = skc_kernel_from_values (weights->data, weights->width, weights->height,
                                weights->stride, SKC_SHAPE_DATA_SIDE_MAX, out,
                                err);
  else
    {
      r = skc_image_alloc (out, weights->width, weights->height, 1);
      if (r != SKC_OK)
        return skc_fail (err, r, "shape-data: out of memory");
      for (int y = 0; y < weights->height; y++)
        memcpy (skc_image_pixel (out, 0, y), skc_image_pixel (weights, 0, y),
                (size_t) weights->width * sizeof (float));
    }
  if (r != SKC_OK)
    return r;
  *top = 0;
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        float *v = skc_image_pixel (out, x, y);
        if (!isfinite (*v))
          {
            skc_image_free (out);
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                             "shape-data: the shape has a value that is not "
                             "a number");
          }
        *v = *v > 0 ? *v : 0;
        *top = *v > *top ? *v : *top;
      }
  if (!(*top > 0))
    {
      skc_image_free (out);
      return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                       "shape-data: the shape has no positive weight");
    }
  return SKC_OK;
}

gchar *
skc_gegl_shape_data_encode (const skc_image *weights, skc_error *err)
{
  skc_image shape;
  float top = 0;
  if (encodable (weights, &shape, &top, err) != SKC_OK)
    return NULL;
  gsize count = (gsize) shape.width * shape.height;
  /* 8 bits when they hold every weight exactly (an 8-bit alpha or grey,
     k / 255, kept as it is); else 16 bits of the largest weight. */
  gint bits = top <= 1 ? 8 : 16;
  for (gsize i = 0; i < count && bits == 8; i++)
    {
      float level = floorf (shape.data[i] * 255.0f + 0.5f);
      if (shape.data[i] != level / 255.0f)
        bits = 16;
    }
  gint bytes = bits / 8;
  double scale = bits == 8 ? 255.0 : 65535.0 / top;
  guchar *samples = g_malloc (count * bytes);
  for (gsize i = 0; i < count; i++)
    {
      guint level = (guint) floor (shape.data[i] * scale + 0.5);
      if (bytes == 2)
        {
          samples[2 * i] = (guchar) (level >> 8);
          samples[2 * i + 1] = (guchar) (level & 0xff);
        }
      else
        samples[i] = (guchar) level;
    }
  gchar *data = g_base64_encode (samples, count * bytes);
  gchar *text = g_strdup_printf (MAGIC "%d %d %d %d %s", SKC_SHAPE_DATA_VERSION,
                                 shape.width, shape.height, bits, data);
  g_free (data);
  g_free (samples);
  skc_image_free (&shape);
  return text;
}

/* Reads a decimal number of 1 to `most` digits followed by one space at
 * *p (moved past both); FALSE on anything else. */
static gboolean
read_number (const gchar **p, gint most, glong *value)
{
  const gchar *s = *p;
  glong v = 0;
  gint digits = 0;
  while (g_ascii_isdigit (s[digits]) && digits <= most)
    v = v * 10 + (s[digits++] - '0');
  if (digits == 0 || digits > most || s[digits] != ' ')
    return FALSE;
  *value = v;
  *p = s + digits + 1;
  return TRUE;
}

static gboolean
read_field (const gchar **p, glong *value)
{
  return read_number (p, 6, value);
}

static gboolean
is_base64 (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

/* The `bytes` bytes whose standard base64 is the `have` characters at p,
 * exactly: the alphabet, then only the padding that length needs.  NULL
 * with err set (its message starting with `what`) on anything else. */
static guchar *
strict_base64 (const gchar *what, const gchar *p, gsize have, gsize bytes,
               skc_error *err)
{
  gsize chars = (bytes + 2) / 3 * 4;
  gsize padding = (3 - bytes % 3) % 3;
  if (have != chars)
    {
      skc_fail (err, SKC_ERR_PARSE,
                "%s: %zu characters of data, %zu bytes need %zu", what, have,
                bytes, chars);
      return NULL;
    }
  for (gsize i = 0; i < chars; i++)
    if (!(i < chars - padding ? is_base64 (p[i]) : p[i] == '='))
      {
        skc_fail (err, SKC_ERR_PARSE,
                  "%s: character %zu of the data is not base64", what, i + 1);
        return NULL;
      }
  gsize decoded = 0;
  guchar *out = g_base64_decode (p, &decoded);
  if (decoded != bytes)
    {
      g_free (out);
      skc_fail (err, SKC_ERR_PARSE, "%s: bad base64 data", what);
      return NULL;
    }
  return out;
}

/* The header of a text of `what` ("shape-data"): at most `most`
 * characters (*length), starting with `magic` and `version`; *data then
 * points past the version and its space.  A newer version is
 * SKC_ERR_UNSUPPORTED, anything else wrong SKC_ERR_PARSE, with a message
 * (`kind` says what the text should be). */
static skc_result
read_header (const gchar *text, const gchar *what, const gchar *kind,
             const gchar *magic, gsize most, glong version, gsize *length,
             const gchar **data, skc_error *err)
{
  if (!text)
    return skc_fail (err, SKC_ERR_PARSE, "%s: empty", what);
  *length = strnlen (text, most + 1);
  if (*length > most)
    return skc_fail (err, SKC_ERR_PARSE, "%s: longer than %zu characters", what,
                     most);
  if (strncmp (text, magic, strlen (magic)) != 0)
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: not %s (it must start with '%s%ld')", what, kind,
                     magic, version);
  const gchar *p = text + strlen (magic);
  glong found;
  if (!read_field (&p, &found))
    return skc_fail (err, SKC_ERR_PARSE, "%s: no version number", what);
  if (found != version)
    return skc_fail (err, found > version ? SKC_ERR_UNSUPPORTED : SKC_ERR_PARSE,
                     "%s: version %ld, this skc reads version %ld", what, found,
                     version);
  *data = p;
  return SKC_OK;
}

skc_result
skc_gegl_shape_data_decode (const gchar *text, skc_image *out, skc_error *err)
{
  memset (out, 0, sizeof *out);
  gsize length = 0;
  const gchar *p = NULL;
  glong width, height, bits;
  skc_result r = read_header (text, "shape-data", "skc shape data", MAGIC,
                              SKC_SHAPE_DATA_TEXT_MAX, SKC_SHAPE_DATA_VERSION,
                              &length, &p, err);
  if (r != SKC_OK)
    return r;
  if (!read_field (&p, &width) || !read_field (&p, &height)
      || !read_field (&p, &bits))
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: expected 'WIDTH HEIGHT BITS DATA' after "
                     "the version");
  if (width < 1 || width > SKC_SHAPE_DATA_SIDE_MAX || height < 1
      || height > SKC_SHAPE_DATA_SIDE_MAX)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: size %ldx%ld (sides 1 to %d)", width, height,
                     SKC_SHAPE_DATA_SIDE_MAX);
  if (bits != 8 && bits != 16)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: %ld bits a sample (8 or 16)", bits);
  gsize count = (gsize) width * height;
  gsize bytes = count * (gsize) (bits / 8);
  guchar *samples = strict_base64 ("shape-data", p, length - (gsize) (p - text),
                                   bytes, err);
  if (!samples)
    return SKC_ERR_PARSE;
  r = skc_image_alloc (out, (int) width, (int) height, 1);
  if (r != SKC_OK)
    {
      g_free (samples);
      return skc_fail (err, r, "shape-data: out of memory");
    }
  gboolean any = FALSE;
  for (gsize i = 0; i < count; i++)
    {
      guint level = bits == 8
                        ? samples[i]
                        : ((guint) samples[2 * i] << 8) | samples[2 * i + 1];
      out->data[i] = bits == 8 ? level / 255.0f : level / 65535.0f;
      any = any || level > 0;
    }
  g_free (samples);
  if (!any)
    {
      skc_image_free (out);
      return skc_fail (err, SKC_ERR_PARSE, "shape-data: every sample is 0");
    }
  return SKC_OK;
}

#define FILTER_MAGIC "skc-filter-data "

gchar *
skc_gegl_filter_data_encode (const gchar *bytes, gsize length, skc_error *err)
{
  skc_filter *filter = NULL;
  skc_error parsed = { { 0 } };
  if (length < 1 || length > SKC_FILTER_DATA_BYTES_MAX)
    {
      skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                "filter-data: a .skc filter of %zu bytes (1 to %d)", length,
                SKC_FILTER_DATA_BYTES_MAX);
      return NULL;
    }
  /* Only what decodes again is embedded. */
  if (skc_filter_parse (bytes, length, "filter-data", &filter, &parsed)
      != SKC_OK)
    {
      skc_fail (err, SKC_ERR_PARSE, "filter-data: not a .skc filter (%s)",
                parsed.message);
      return NULL;
    }
  skc_filter_free (filter);
  gchar *data = g_base64_encode ((const guchar *) bytes, length);
  gchar *text = g_strdup_printf (FILTER_MAGIC "%d %zu %s",
                                 SKC_FILTER_DATA_VERSION, length, data);
  g_free (data);
  return text;
}

gchar *
skc_gegl_filter_data_from_file (const gchar *path, skc_error *err)
{
  gchar *bytes = NULL;
  gsize length = 0;
  GError *error = NULL;
  if (!g_file_get_contents (path, &bytes, &length, &error))
    {
      skc_fail (err, SKC_ERR_IO, "%s: %s", path, error->message);
      g_error_free (error);
      return NULL;
    }
  gchar *text = skc_gegl_filter_data_encode (bytes, length, err);
  g_free (bytes);
  return text;
}

skc_result
skc_gegl_filter_data_decode (const gchar *text, skc_filter **out,
                             skc_error *err)
{
  *out = NULL;
  gsize length = 0;
  const gchar *p = NULL;
  glong bytes;
  skc_result r = read_header (text, "filter-data", "an embedded .skc filter",
                              FILTER_MAGIC, SKC_FILTER_DATA_TEXT_MAX,
                              SKC_FILTER_DATA_VERSION, &length, &p, err);
  if (r != SKC_OK)
    return r;
  if (!read_number (&p, 8, &bytes))
    return skc_fail (err, SKC_ERR_PARSE,
                     "filter-data: expected 'BYTES DATA' after the version");
  if (bytes < 1 || bytes > SKC_FILTER_DATA_BYTES_MAX)
    return skc_fail (err, SKC_ERR_PARSE,
                     "filter-data: a .skc filter of %ld bytes (1 to %d)", bytes,
                     SKC_FILTER_DATA_BYTES_MAX);
  guchar *file = strict_base64 ("filter-data", p, length - (gsize) (p - text),
                                (gsize) bytes, err);
  if (!file)
    return SKC_ERR_PARSE;
  skc_error parsed = { { 0 } };
  r = skc_filter_parse ((const char *) file, (size_t) bytes, "filter-data", out,
                        &parsed);
  g_free (file);
  if (r != SKC_OK)
    return skc_fail (err, r, "filter-data: the embedded .skc filter: %s",
                     parsed.message);
  return SKC_OK;
}
