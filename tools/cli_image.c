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

static int
is_core_format (const char *path)
{
  return cli_has_suffix (path, ".pfm") || cli_has_suffix (path, ".pgm")
         || cli_has_suffix (path, ".ppm") || cli_has_suffix (path, ".pnm");
}

static skc_result
load_core (const char *path, skc_image *img, skc_error *err)
{
  if (cli_has_suffix (path, ".pfm"))
    return skc_pfm_read (path, img, err);
  return skc_pnm_read (path, img, err);
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

/* Whether the file starts like an image GEGL decodes natively.  Anything
 * else would make gegl:load fall back to ImageMagick, which is slow and
 * fails noisily on files that are not images at all. */
static int
looks_like_image (const unsigned char *h, size_t n)
{
  return (n >= 8 && memcmp (h, "\x89PNG\r\n\x1a\n", 8) == 0)
         || (n >= 3 && h[0] == 0xff && h[1] == 0xd8 && h[2] == 0xff)
         || (n >= 4 && (memcmp (h, "II*\0", 4) == 0
                        || memcmp (h, "MM\0*", 4) == 0))
         || (n >= 12 && memcmp (h, "RIFF", 4) == 0
             && memcmp (h + 8, "WEBP", 4) == 0)
         || (n >= 4 && memcmp (h, "\x76\x2f\x31\x01", 4) == 0)
         || (n >= 2 && h[0] == 'P' && h[1] >= '1' && h[1] <= '6')
         || (n >= 2 && memcmp (h, "#?", 2) == 0);
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
  if (!looks_like_image (head, got))
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

/* A file the core reads, as one value per pixel (RGB: linear luminance
 * of the values as they are). */
static skc_result
load_core_values (const char *path, skc_image *img, skc_error *err)
{
  skc_image  raw = { 0 };
  skc_result r = load_core (path, &raw, err);
  if (r != SKC_OK || raw.channels == 1)
    {
      *img = raw;
      return r;
    }
  r = skc_image_alloc (img, raw.width, raw.height, 1);
  if (r == SKC_OK)
    for (int y = 0; y < raw.height; y++)
      for (int x = 0; x < raw.width; x++)
        {
          const float *p = skc_image_pixel (&raw, x, y);
          *skc_image_pixel (img, x, y)
            = 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2];
        }
  skc_image_free (&raw);
  return r == SKC_OK ? SKC_OK : skc_fail (err, r, "out of memory");
}

skc_result
cli_load_weights (const char *path, skc_image *img, skc_error *err)
{
  if (is_core_format (path))
    return load_core_values (path, img, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, err);
  if (!buffer)
    return SKC_ERR_IO;
  int        alpha = babl_format_has_alpha (gegl_buffer_get_format (buffer));
  skc_result r = gegl_read (buffer, alpha ? "A float" : "Y' float", 1, img,
                            err);
  g_object_unref (buffer);
  return r;
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
    return load_core_values (path, map, err);
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
