/* skc — image files read through GEGL (see gegl-image.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "gegl-image.h"

#include <stdio.h>

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

skc_result
skc_gegl_image_read (GeglBuffer *buffer, const gchar *format, gint channels,
                     skc_image *img, skc_error *err)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  skc_result r = skc_image_alloc (img, extent->width, extent->height, channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "image %dx%d: out of memory", extent->width,
                     extent->height);
  gegl_buffer_get (buffer, extent, 1.0, babl_format (format), img->data,
                   (gint) (img->stride * sizeof (float)), GEGL_ABYSS_NONE);
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
  gegl_buffer_get (buffer, extent, 1.0,
                   babl_format (alpha ? "Y'A float" : "Y' float"), target->data,
                   (gint) (target->stride * sizeof (float)), GEGL_ABYSS_NONE);
  if (alpha)
    for (gint y = 0; y < extent->height; y++)
      for (gint x = 0; x < extent->width; x++)
        *skc_image_pixel (weights, x, y)
            = skc_image_pixel (&grey_alpha, x, y)[1];
  skc_image_free (&grey_alpha);
  return SKC_OK;
}

skc_result
skc_gegl_image_save (const gchar *path, const skc_image *img,
                     const gchar *format, const Babl *file_format,
                     skc_error *err)
{
  GeglRectangle rect = { 0, 0, img->width, img->height };
  /* The pixels go into a buffer of the file's format (babl converts,
     rounding to integers), so that the save ops write its channels. */
  const Babl *held = file_format ? file_format : babl_format (format);
  GeglBuffer *buffer = gegl_buffer_new (&rect, held);
  gegl_buffer_set (buffer, &rect, 0, babl_format (format), img->data,
                   img->stride * sizeof (float));
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", buffer, NULL);
  GeglNode *save;
  gsize length = strlen (path);
  if (file_format && length > 4
      && g_ascii_strcasecmp (path + length - 4, ".png") == 0)
    {
      /* gegl:save writes PNG at 16 bits whatever the buffer: the file's
         own depth instead. */
      gint bytes = babl_format_get_bytes_per_pixel (file_format)
                   / babl_format_get_n_components (file_format);
      save = gegl_node_new_child (graph, "operation", "gegl:png-save", "path",
                                  path, "bitdepth", bytes == 1 ? 8 : 16, NULL);
    }
  else
    save = gegl_node_new_child (graph, "operation", "gegl:save", "path", path,
                                NULL);
  gegl_node_link (source, save);
  gegl_node_process (save);
  g_object_unref (graph);
  g_object_unref (buffer);
  FILE *check = fopen (path, "rb");
  if (!check)
    return skc_fail (err, SKC_ERR_IO, "%s: GEGL could not write it", path);
  fclose (check);
  return SKC_OK;
}
