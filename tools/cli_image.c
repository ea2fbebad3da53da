/* skc command-line tool — image files (see cli_image.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli_image.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef SKC_HAVE_GEGL
#include "gegl-image.h"
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

/* GEGL starts only for a file that passed the check. */
static GeglBuffer *
gegl_load_buffer (const char *path, skc_error *err)
{
  if (skc_gegl_image_check (path, SKC_GEGL_WANT_IMAGE, err) != SKC_OK)
    return NULL;
  start_gegl ();
  return skc_gegl_image_load (path, SKC_GEGL_WANT_IMAGE, err);
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
  skc_result r = skc_gegl_image_read (buffer, "RaGaBaA float", 4, img, err);
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
  skc_result r = skc_gegl_image_weights (buffer, path, img, err);
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
    return skc_values_read (path, map, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, err);
  if (!buffer)
    return SKC_ERR_IO;
  skc_result r = skc_gegl_image_read (buffer, linear ? "Y float" : "Y' float",
                                     1, map, err);
  g_object_unref (buffer);
  return r;
#else
  (void) linear;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use a PFM map", path);
#endif
}
