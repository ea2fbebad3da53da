/* skc — image files read through GEGL (see gegl-image.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "gegl-image.h"

#include "pixel-convert.h"
#include "skc-png.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

skc_result
skc_gegl_image_check (const gchar *path, SkcGeglWant want, skc_error *err)
{
  guchar head[16];
  size_t got = 0;
  FILE *probe = fopen (path, "rb");
  if (!probe)
    return skc_fail (err, SKC_ERR_IO, "%s: cannot open", path);
  got = fread (head, 1, sizeof head, probe);
  fclose (probe);
  if (skc_image_signature_known (head, got))
    return SKC_OK;
  if (want == SKC_GEGL_WANT_IMAGE_OR_FILTER)
    return skc_fail (err, SKC_ERR_IO,
                     "%s: neither a .skc filter nor an image (PNG, JPEG, "
                     "TIFF, WebP, OpenEXR, RGBE, PNM or PFM)",
                     path);
  return skc_fail (err, SKC_ERR_IO,
                   "%s: not an image skc can read (PNG, JPEG, TIFF, WebP, "
                   "OpenEXR, RGBE, PNM or PFM)",
                   path);
}

GeglBuffer *
skc_gegl_image_load (const gchar *path, SkcGeglWant want, skc_error *err)
{
  GeglBuffer *buffer = NULL;
  GeglNode *graph = gegl_node_new ();
  GeglNode *load = gegl_node_new_child (graph, "operation", "gegl:load", "path",
                                        path, NULL);
  GeglNode *sink = gegl_node_new_child (graph, "operation", "gegl:buffer-sink",
                                        "buffer", &buffer, NULL);
  gegl_node_link (load, sink);
  gegl_node_process (sink);
  g_object_unref (graph);
  if (buffer && gegl_buffer_get_width (buffer) >= 1
      && gegl_buffer_get_height (buffer) >= 1)
    return buffer;
  g_clear_object (&buffer);
  skc_fail (err, SKC_ERR_IO,
            want == SKC_GEGL_WANT_IMAGE_OR_FILTER
                ? "%s: GEGL cannot read this image"
                : "%s: not an image GEGL can read",
            path);
  return NULL;
}

/* Rows read or written a band at a time, in the file's own format, and
   converted by pixel-convert.h rather than by the buffer's babl fish. */
#define BAND_ROWS 64

/* Copies the whole buffer into img (compact rows of babl `format`). */
static void
buffer_get_exact (GeglBuffer *buffer, const Babl *format, skc_image *img)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  const Babl *own = gegl_buffer_get_format (buffer);
  SkcConversion *conversion = skc_conversion_new (own, format);
  if (!skc_conversion_is_exact (conversion))
    gegl_buffer_get (buffer, extent, 1.0, format, img->data,
                     (gint) (img->stride * sizeof (float)), GEGL_ABYSS_NONE);
  else
    {
      gsize row_bytes
          = (gsize) extent->width * babl_format_get_bytes_per_pixel (own);
      guchar *band = g_malloc (row_bytes * BAND_ROWS);
      for (gint y = 0; y < extent->height; y += BAND_ROWS)
        {
          GeglRectangle rows = { extent->x, extent->y + y, extent->width,
                                 MIN (BAND_ROWS, extent->height - y) };
          gegl_buffer_get (buffer, &rows, 1.0, own, band, (gint) row_bytes,
                           GEGL_ABYSS_NONE);
          skc_conversion_run (conversion, band, skc_image_pixel (img, 0, y),
                              (long) extent->width * rows.height);
        }
      g_free (band);
    }
  skc_conversion_free (conversion);
}

skc_result
skc_gegl_image_read (GeglBuffer *buffer, const gchar *format, gint channels,
                     skc_image *img, skc_error *err)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  skc_result r = skc_image_alloc (img, extent->width, extent->height, channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "image %dx%d: out of memory", extent->width,
                     extent->height);
  buffer_get_exact (buffer, babl_format (format), img);
  return SKC_OK;
}

skc_result
skc_gegl_image_weights (GeglBuffer *buffer, const gchar *path,
                        skc_image *weights, skc_error *err)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  gboolean alpha = babl_format_has_alpha (gegl_buffer_get_format (buffer));
  skc_image grey_alpha = { 0 };
  skc_result r = skc_image_alloc (weights, extent->width, extent->height, 1);
  if (r == SKC_OK && alpha)
    r = skc_image_alloc (&grey_alpha, extent->width, extent->height, 2);
  if (r != SKC_OK)
    {
      skc_image_free (weights);
      return skc_fail (err, r, "%s: out of memory for %dx%d weights", path,
                       extent->width, extent->height);
    }
  /* babl has no alpha-only format: read grey + alpha, keep the alpha. */
  skc_image *target = alpha ? &grey_alpha : weights;
  buffer_get_exact (buffer, babl_format (alpha ? "Y'A float" : "Y' float"),
                    target);
  if (alpha)
    for (gint y = 0; y < extent->height; y++)
      for (gint x = 0; x < extent->width; x++)
        *skc_image_pixel (weights, x, y)
            = skc_image_pixel (&grey_alpha, x, y)[1];
  skc_image_free (&grey_alpha);
  return SKC_OK;
}

gint
skc_gegl_format_depth (const Babl *format)
{
  const char *type = babl_get_name (babl_format_get_type (format, 0));
  if (strcmp (type, "u8") == 0)
    return 8;
  if (strcmp (type, "u16") == 0 || strcmp (type, "half") == 0)
    return 16;
  return 32;
}

const Babl *
skc_gegl_file_format (const Babl *file_format, const Babl *pixels, gint depth,
                      gboolean half)
{
  if (file_format && skc_gegl_format_depth (file_format) == depth
      && !(depth == 16 && half))
    return file_format;
  const Babl *like = file_format ? file_format : pixels;
  const char *model = babl_get_name (babl_format_get_model (like));
  gboolean grey = model[0] == 'Y';
  gboolean alpha = babl_format_has_alpha (like);
  gboolean linear = depth == 32 || half;
  const char *channels
      = grey ? (linear ? "Y" : "Y'") : (linear ? "RGB" : "R'G'B'");
  gchar name[32];
  g_snprintf (name, sizeof name, "%s%s %s", channels, alpha ? "A" : "",
              depth == 8    ? "u8"
              : depth == 16 ? (half ? "half" : "u16")
                            : "float");
  return babl_format_with_space (name, babl_format_get_space (like));
}

/* gegl:save picks the format by the extension: the temporary name keeps
   it ("out.png" is written as "out.png.skc-PID-N.png"). */
static gchar *
temporary_name (const gchar *path)
{
  static gint serial;
  const gchar *slash = strrchr (path, '/');
  const gchar *dot = strrchr (path, '.');
  if (!dot || (slash && dot < slash))
    dot = "";
  return g_strdup_printf ("%s.skc-%ld-%d%s", path, (long) getpid (),
                          g_atomic_int_add (&serial, 1), dot);
}

/* Writes img through a GEGL buffer of the file's format (converted by
   pixel-convert.h, rounding to integers) and the save op of path's
   extension. */
static void
save_with_gegl (const gchar *path, const skc_image *img, const gchar *format,
                const Babl *file_format)
{
  GeglRectangle rect = { 0, 0, img->width, img->height };
  GeglBuffer *buffer = gegl_buffer_new (&rect, file_format);
  SkcConversion *conversion
      = skc_conversion_new (babl_format (format), file_format);
  gsize row_bytes
      = (gsize) img->width * babl_format_get_bytes_per_pixel (file_format);
  guchar *band = g_malloc (row_bytes * BAND_ROWS);
  for (gint y = 0; y < img->height; y += BAND_ROWS)
    {
      GeglRectangle rows
          = { 0, y, img->width, MIN (BAND_ROWS, img->height - y) };
      for (gint i = 0; i < rows.height; i++)
        skc_conversion_run (conversion, skc_image_pixel (img, 0, y + i),
                            band + i * row_bytes, img->width);
      gegl_buffer_set (buffer, &rows, 0, file_format, band, (gint) row_bytes);
    }
  g_free (band);
  skc_conversion_free (conversion);
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", buffer, NULL);
  gint depth = skc_gegl_format_depth (file_format);
  const gchar *dot = strrchr (path, '.');
  GeglNode *save;
  /* gegl:save writes PNM at 16 bits and TIFF as it likes, whatever the
     buffer: the depth asked for instead. */
  if (dot
      && (g_ascii_strcasecmp (dot, ".ppm") == 0
          || g_ascii_strcasecmp (dot, ".pgm") == 0
          || g_ascii_strcasecmp (dot, ".pnm") == 0))
    save = gegl_node_new_child (graph, "operation", "gegl:ppm-save", "path",
                                path, "bitdepth", depth, NULL);
  else if (dot
           && (g_ascii_strcasecmp (dot, ".tif") == 0
               || g_ascii_strcasecmp (dot, ".tiff") == 0))
    save = gegl_node_new_child (graph, "operation", "gegl:tiff-save", "path",
                                path, "bitdepth", depth, "fp",
                                depth == 32 ? 1 : 0, NULL);
  else
    save = gegl_node_new_child (graph, "operation", "gegl:save", "path", path,
                                NULL);
  gegl_node_link (source, save);
  gegl_node_process (save);
  g_object_unref (graph);
  g_object_unref (buffer);
}

skc_result
skc_gegl_image_save (const gchar *path, const skc_image *img,
                     const gchar *format, const Babl *file_format,
                     skc_error *err)
{
  gchar *temp = temporary_name (path);
  const gchar *dot = strrchr (path, '.');
  if (dot && g_ascii_strcasecmp (dot, ".png") == 0)
    {
      skc_result written
          = skc_png_write (temp, img, babl_format (format), file_format, err);
      if (written != SKC_OK)
        {
          g_remove (temp);
          g_free (temp);
          return written;
        }
    }
  else
    save_with_gegl (temp, img, format, file_format);
  skc_result r = SKC_OK;
  GStatBuf st;
  if (g_stat (temp, &st) != 0 || st.st_size == 0)
    r = skc_fail (err, SKC_ERR_IO, "%s: GEGL could not write it", path);
  else if (g_rename (temp, path) != 0)
    r = skc_fail (err, SKC_ERR_IO, "%s: cannot replace: %s", path,
                  g_strerror (errno));
  if (r != SKC_OK)
    g_remove (temp);
  g_free (temp);
  return r;
}
