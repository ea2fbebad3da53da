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

/* Reads a decimal number of 1 to 6 digits followed by one space at *p
 * (moved past both); FALSE on anything else. */
static gboolean
read_field (const gchar **p, glong *value)
{
  const gchar *s = *p;
  glong v = 0;
  gint digits = 0;
  while (g_ascii_isdigit (s[digits]) && digits < 7)
    v = v * 10 + (s[digits++] - '0');
  if (digits == 0 || digits > 6 || s[digits] != ' ')
    return FALSE;
  *value = v;
  *p = s + digits + 1;
  return TRUE;
}

static gboolean
is_base64 (gchar c)
{
  return g_ascii_isalnum (c) || c == '+' || c == '/';
}

skc_result
skc_gegl_shape_data_decode (const gchar *text, skc_image *out, skc_error *err)
{
  memset (out, 0, sizeof *out);
  if (!text)
    return skc_fail (err, SKC_ERR_PARSE, "shape-data: empty");
  gsize length = strnlen (text, SKC_SHAPE_DATA_TEXT_MAX + 1);
  if (length > SKC_SHAPE_DATA_TEXT_MAX)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: longer than %d characters",
                     SKC_SHAPE_DATA_TEXT_MAX);
  if (strncmp (text, MAGIC, strlen (MAGIC)) != 0)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: not skc shape data (it must start with "
                     "'" MAGIC "%d')",
                     SKC_SHAPE_DATA_VERSION);
  const gchar *p = text + strlen (MAGIC);
  glong version, width, height, bits;
  if (!read_field (&p, &version))
    return skc_fail (err, SKC_ERR_PARSE, "shape-data: no version number");
  if (version != SKC_SHAPE_DATA_VERSION)
    return skc_fail (err,
                     version > SKC_SHAPE_DATA_VERSION ? SKC_ERR_UNSUPPORTED
                                                      : SKC_ERR_PARSE,
                     "shape-data: version %ld, this skc reads version %d",
                     version, SKC_SHAPE_DATA_VERSION);
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
  /* Exactly the base64 of `bytes` bytes: the alphabet, then only the
     padding that length needs. */
  gsize chars = (bytes + 2) / 3 * 4;
  gsize padding = (3 - bytes % 3) % 3;
  gsize have = length - (gsize) (p - text);
  if (have != chars)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape-data: %zu characters of data, %ldx%ld samples of "
                     "%ld bits need %zu",
                     have, width, height, bits, chars);
  for (gsize i = 0; i < chars; i++)
    if (!(i < chars - padding ? is_base64 (p[i]) : p[i] == '='))
      return skc_fail (err, SKC_ERR_PARSE,
                       "shape-data: character %zu of the data is not base64",
                       i + 1);
  gsize decoded = 0;
  guchar *samples = g_base64_decode (p, &decoded);
  if (decoded != bytes)
    {
      g_free (samples);
      return skc_fail (err, SKC_ERR_PARSE, "shape-data: bad base64 data");
    }
  skc_result r = skc_image_alloc (out, (int) width, (int) height, 1);
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
