/* skc — image files in and out of the core (see files.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#ifdef SKC_HAVE_GEGL
#include "gegl-image.h"
#endif

static int
has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  return n >= m && strcasecmp (path + n - m, suffix) == 0;
}

#ifdef SKC_HAVE_GEGL
static int start_on_demand, started;

void
skc_gegl_start_on_demand (void)
{
  start_on_demand = 1;
}

static void
start_gegl (void)
{
  if (start_on_demand && !started)
    {
      gegl_init (NULL, NULL);
      started = 1;
    }
}

void
skc_gegl_stop (void)
{
  if (started)
    gegl_exit ();
  started = 0;
}

/* GEGL starts only for a file that passed the check. */
static GeglBuffer *
gegl_load_buffer (const char *path, SkcGeglWant want, skc_error *err)
{
  if (skc_gegl_image_check (path, want, err) != SKC_OK)
    return NULL;
  start_gegl ();
  return skc_gegl_image_load (path, want, err);
}

/* A file GEGL reads, whole, in babl `format` of `channels` channels. */
static skc_result
gegl_read_file (const char *path, const char *format, int channels,
                skc_image *img, skc_error *err)
{
  GeglBuffer *buffer = gegl_load_buffer (path, SKC_GEGL_WANT_IMAGE, err);
  if (!buffer)
    return SKC_ERR_IO;
  skc_result r = skc_gegl_image_read (buffer, format, channels, img, err);
  g_object_unref (buffer);
  return r;
}
#else
void
skc_gegl_start_on_demand (void)
{
}

void
skc_gegl_stop (void)
{
}
#endif

skc_result
skc_gegl_load_photo (const char *path, skc_image *img,
                     SkcGeglPhotoFormat *format, skc_error *err)
{
  format->file_format = NULL;
  if (has_suffix (path, ".pfm"))
    {
      format->kind = SKC_GEGL_PIXELS_AS_IS;
      return skc_pfm_read (path, img, err);
    }
#ifdef SKC_HAVE_GEGL
  format->kind = SKC_GEGL_PIXELS_LINEAR_PREMUL;
  GeglBuffer *buffer = gegl_load_buffer (path, SKC_GEGL_WANT_IMAGE, err);
  if (!buffer)
    return SKC_ERR_IO;
  skc_result r = skc_gegl_image_read (buffer, "RaGaBaA float", 4, img, err);
  /* babl formats live as long as the process. */
  format->file_format = gegl_buffer_get_format (buffer);
  g_object_unref (buffer);
  return r;
#else
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use PFM", path);
#endif
}

skc_result
skc_gegl_save_photo (const char *path, const skc_image *img,
                     const SkcGeglPhotoFormat *photo, skc_error *err)
{
  SkcGeglPixels kind = photo->kind;
  if (has_suffix (path, ".pfm"))
    {
      if (kind == SKC_GEGL_PIXELS_AS_IS)
        return skc_pfm_write (path, img, err);
      /* Linear RGB without alpha: un-premultiply. */
      skc_image rgb = { 0 };
      skc_result r = skc_image_alloc (&rgb, img->width, img->height, 3);
      if (r != SKC_OK)
        return skc_fail (err, r, "out of memory");
      for (int y = 0; y < img->height; y++)
        for (int x = 0; x < img->width; x++)
          {
            const float *s = skc_image_pixel (img, x, y);
            float *d = skc_image_pixel (&rgb, x, y);
            float a = s[3];
            for (int c = 0; c < 3; c++)
              d[c] = a > 0 ? s[c] / a : 0;
          }
      r = skc_pfm_write (path, &rgb, err);
      skc_image_free (&rgb);
      return r;
    }
#ifdef SKC_HAVE_GEGL
  const char *format = kind == SKC_GEGL_PIXELS_LINEAR_PREMUL ? "RaGaBaA float"
                       : img->channels == 1                  ? "Y float"
                                                             : "RGB float";
  if (kind == SKC_GEGL_PIXELS_AS_IS && img->channels != 1 && img->channels != 3)
    return skc_fail (err, SKC_ERR_UNSUPPORTED, "%s: cannot save %d channels",
                     path, img->channels);
  start_gegl ();
  return skc_gegl_image_save (path, img, format, photo->file_format, err);
#else
  (void) kind;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use .pfm", path);
#endif
}

skc_result
skc_gegl_load_weights (const char *path, SkcGeglWant want, skc_image *img,
                       skc_error *err)
{
  if (skc_image_file_is_core (path))
    return skc_values_read (path, img, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, want, err);
  if (!buffer)
    return SKC_ERR_IO;
  skc_result r = skc_gegl_image_weights (buffer, path, img, err);
  g_object_unref (buffer);
  return r;
#else
  (void) want;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use PFM or PGM", path);
#endif
}

skc_result
skc_gegl_load_map (const char *path, int linear, skc_image *map, skc_error *err)
{
  if (has_suffix (path, ".pfm"))
    return skc_values_read (path, map, err);
#ifdef SKC_HAVE_GEGL
  return gegl_read_file (path, linear ? "Y float" : "Y' float", 1, map, err);
#else
  (void) linear;
  return skc_fail (err, SKC_ERR_UNSUPPORTED,
                   "%s: this skc was built without GEGL; use a PFM map", path);
#endif
}

int
skc_gegl_shape_file_is_filter (const char *path)
{
  return has_suffix (path, ".skc");
}

skc_result
skc_gegl_shape_file_load (const char *path, SkcGeglWant want,
                          SkcGeglShapeFile *file, skc_error *err)
{
  memset (file, 0, sizeof *file);
  if (skc_gegl_shape_file_is_filter (path))
    return skc_filter_load (path, &file->filter, err);
  return skc_gegl_load_weights (path, want, &file->weights, err);
}

void
skc_gegl_shape_file_use (const SkcGeglShapeFile *file, skc_params *p)
{
  p->filter = file->filter;
  p->shape_image = file->filter ? NULL : &file->weights;
}

void
skc_gegl_shape_file_clear (SkcGeglShapeFile *file)
{
  skc_filter_free (file->filter);
  skc_image_free (&file->weights);
  memset (file, 0, sizeof *file);
}
