/* skc command-line tool — image files (see cli_image.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef SKC_HAVE_GEGL
#include <gegl.h>
#endif

int
cli_has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  return n >= m && strcasecmp (path + n - m, suffix) == 0;
}

#ifdef SKC_HAVE_GEGL
static int gegl_started;

static void
start_gegl (void)
{
  if (!gegl_started)
    {
      gegl_init (NULL, NULL);
      gegl_started = 1;
    }
}

void
cli_image_shutdown (void)
{
  if (gegl_started)
    gegl_exit ();
  gegl_started = 0;
}

/* Loads path with gegl:load into a buffer; NULL with err set on failure. */
static GeglBuffer *
gegl_load_buffer (const char *path, skc_error *err)
{
  FILE *probe = fopen (path, "rb");
  if (!probe)
    {
      skc_fail (err, SKC_ERR_IO, "%s: cannot open", path);
      return NULL;
    }
  unsigned char head[16];
  size_t        got = fread (head, 1, sizeof head, probe);
  fclose (probe);
  if (!skc_image_signature_known (head, got))
    {
      skc_fail (err, SKC_ERR_IO,
                "%s: not an image skc can read (PNG, JPEG, TIFF, WebP, "
                "OpenEXR, RGBE, PNM or PFM)",
                path);
      return NULL;
    }
  start_gegl ();
  GeglBuffer *buffer = NULL;
  GeglNode   *graph = gegl_node_new ();
  GeglNode   *load = gegl_node_new_child (graph, "operation", "gegl:load",
                                          "path", path, NULL);
  GeglNode   *sink = gegl_node_new_child (graph, "operation",
                                          "gegl:buffer-sink", "buffer",
                                          &buffer, NULL);
  gegl_node_link (load, sink);
  gegl_node_process (sink);
  g_object_unref (graph);
  if (!buffer || gegl_buffer_get_width (buffer) < 1
      || gegl_buffer_get_height (buffer) < 1)
    {
      if (buffer)
        g_object_unref (buffer);
      skc_fail (err, SKC_ERR_IO, "%s: not an image GEGL can read", path);
      return NULL;
    }
  return buffer;
}

static skc_result
gegl_read (GeglBuffer *buffer, const char *format, int channels,
           skc_image *img, skc_error *err)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (buffer);
  skc_result r = skc_image_alloc (img, extent->width, extent->height, channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "image %dx%d: out of memory", extent->width,
                     extent->height);
  gegl_buffer_get (buffer, extent, 1.0, babl_format (format), img->data,
                   img->stride * sizeof (float), GEGL_ABYSS_NONE);
  return SKC_OK;
}

static skc_result
gegl_write (const char *path, const skc_image *img, const char *format,
            skc_error *err)
{
  start_gegl ();
  GeglRectangle rect = { 0, 0, img->width, img->height };
  GeglBuffer   *buffer = gegl_buffer_new (&rect, babl_format (format));
  gegl_buffer_set (buffer, &rect, 0, babl_format (format), img->data,
                   img->stride * sizeof (float));
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (graph, "operation",
                                          "gegl:buffer-source", "buffer",
                                          buffer, NULL);
  GeglNode *save = gegl_node_new_child (graph, "operation", "gegl:save",
                                        "path", path, NULL);
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
#else
void
cli_image_shutdown (void)
{
}
#endif

skc_result
cli_load_photo (const char *path, skc_image *img, cli_pixels *kind,
                skc_error *err)
{
  if (cli_has_suffix (path, ".pfm"))
    {
      *kind = CLI_PIXELS_AS_IS;
      return skc_pfm_read (path, img, err);
    }
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, err);
  if (!buffer)
    return SKC_ERR_IO;
  *kind = CLI_PIXELS_LINEAR_PREMUL;
  skc_result r = gegl_read (buffer, "RaGaBaA float", 4, img, err);
  g_object_unref (buffer);
  return r;
#else
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use PFM", path);
#endif
}

skc_result
cli_save_photo (const char *path, const skc_image *img, cli_pixels kind,
                skc_error *err)
{
  if (cli_has_suffix (path, ".pfm"))
    {
      if (kind == CLI_PIXELS_AS_IS)
        return skc_pfm_write (path, img, err);
      /* Linear RGB without alpha: un-premultiply. */
      skc_image  rgb = { 0 };
      skc_result r = skc_image_alloc (&rgb, img->width, img->height, 3);
      if (r != SKC_OK)
        return skc_fail (err, r, "out of memory");
      for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
          {
            const float *s = skc_image_pixel (img, x, y);
            float       *d = skc_image_pixel (&rgb, x, y);
            float        a = s[3];
            for (int c = 0; c < 3; c++)
              d[c] = a > 0 ? s[c] / a : 0;
          }
      r = skc_pfm_write (path, &rgb, err);
      skc_image_free (&rgb);
      return r;
    }
#ifdef SKC_HAVE_GEGL
  const char *format = kind == CLI_PIXELS_LINEAR_PREMUL ? "RaGaBaA float"
                       : img->channels == 1           ? "Y float"
                                                      : "RGB float";
  if (kind == CLI_PIXELS_AS_IS && img->channels != 1 && img->channels != 3)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "%s: cannot save %d channels", path, img->channels);
  return gegl_write (path, img, format, err);
#else
  (void) kind;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use .pfm", path);
#endif
}

skc_result
cli_load_weights (const char *path, skc_image *img, skc_error *err)
{
  if (skc_image_file_is_core (path))
    return skc_values_read (path, img, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, err);
  if (!buffer)
    return SKC_ERR_IO;
  /* babl has no lone "A" format: read Y'A and keep the alpha. */
  int        alpha = babl_format_has_alpha (gegl_buffer_get_format (buffer));
  skc_image  both = { 0 };
  skc_result r = gegl_read (buffer, alpha ? "Y'A float" : "Y' float",
                            alpha ? 2 : 1, alpha ? &both : img, err);
  g_object_unref (buffer);
  if (r != SKC_OK || !alpha)
    return r;
  r = skc_image_alloc (img, both.width, both.height, 1);
  if (r == SKC_OK)
    for (int y = 0; y < both.height; y++)
      for (int x = 0; x < both.width; x++)
        *skc_image_pixel (img, x, y) = skc_image_pixel (&both, x, y)[1];
  skc_image_free (&both);
  return r == SKC_OK ? SKC_OK : skc_fail (err, r, "out of memory");
#else
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use PFM or PGM",
                   path);
#endif
}

skc_result
cli_load_map (const char *path, int linear, skc_image *map, skc_error *err)
{
  if (cli_has_suffix (path, ".pfm"))
    return skc_values_read (path, map, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, err);
  if (!buffer)
    return SKC_ERR_IO;
  skc_result r = gegl_read (buffer, linear ? "Y float" : "Y' float", 1, map,
                            err);
  g_object_unref (buffer);
  return r;
#else
  (void) linear;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use a PFM map", path);
#endif
}
