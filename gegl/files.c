/* skc — image files in and out of the core (see files.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#ifdef SKC_HAVE_GEGL
#include "gegl-bridge.h"
#include "gegl-image.h"
#include "skc-png.h"
#endif

static int
has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  return n >= m && strcasecmp (path + n - m, suffix) == 0;
}

/* The file formats skc writes, by extension, and the sample depths each
 * holds (bit 8, 16, 32 set for 8, 16 and 32 bits). */
#define DEPTHS(a, b, c) ((unsigned) (a) | (unsigned) (b) | (unsigned) (c))
static const struct
{
  const char *suffix;
  const char *name;
  unsigned depths;
} outputs[] = {
  { ".png", "PNG", DEPTHS (8, 16, 0) },
  { ".jpg", "JPEG", DEPTHS (8, 0, 0) },
  { ".jpeg", "JPEG", DEPTHS (8, 0, 0) },
  { ".webp", "WebP", DEPTHS (8, 0, 0) },
  { ".tif", "TIFF", DEPTHS (8, 16, 32) },
  { ".tiff", "TIFF", DEPTHS (8, 16, 32) },
  { ".exr", "OpenEXR", DEPTHS (0, 16, 32) },
  { ".hdr", "RGBE", DEPTHS (0, 0, 32) },
  { ".ppm", "PPM", DEPTHS (8, 16, 0) },
  { ".pgm", "PGM", DEPTHS (8, 16, 0) },
  { ".pnm", "PNM", DEPTHS (8, 16, 0) },
  { ".pfm", "PFM", DEPTHS (0, 0, 32) },
};

static int
output_kind (const char *path)
{
  for (int i = 0; i < (int) (sizeof outputs / sizeof outputs[0]); i++)
    if (has_suffix (path, outputs[i].suffix))
      return i;
  return -1;
}

skc_result
skc_gegl_output_check (const char *path, int bit_depth, skc_error *err)
{
  int kind = output_kind (path);
  if (kind < 0)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "%s: skc cannot write this file format (the extension "
                     "must be .png, .jpg, .tif, .webp, .exr, .hdr, .ppm, "
                     ".pgm, .pnm or .pfm)",
                     path);
  unsigned depths = outputs[kind].depths;
  if (bit_depth != SKC_GEGL_DEPTH_KEEP && !(depths & (unsigned) bit_depth))
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "%s: %s files hold %s, not %d bits a sample", path,
                     outputs[kind].name,
                     depths == 8         ? "8 bits"
                     : depths == 32      ? "32-bit floats"
                     : depths == 16 + 32 ? "16 or 32 bits (half or float)"
                     : depths == 8 + 16  ? "8 or 16 bits"
                                         : "8, 16 or 32 bits",
                     bit_depth);
  /* The folder must be there: GEGL's savers say so only in a warning. */
  const char *slash = strrchr (path, '/');
  if (slash && slash > path)
    {
      char folder[4096];
      struct stat st;
      snprintf (folder, sizeof folder, "%.*s", (int) (slash - path), path);
      if (stat (folder, &st) != 0 || !S_ISDIR (st.st_mode))
        return skc_fail (err, SKC_ERR_IO, "%s: there is no folder %s", path,
                         folder);
    }
#ifndef SKC_HAVE_GEGL
  if (!has_suffix (path, ".pfm"))
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "%s: this skc was built without GEGL; use .pfm", path);
#endif
  return SKC_OK;
}

/* The depth written to path: the one asked for, else the input's if the
 * format holds it, else the format's nearest below it, else its
 * smallest. */
static int
output_depth (const char *path, int asked, int input_depth)
{
  unsigned depths = outputs[output_kind (path)].depths;
  if (asked != SKC_GEGL_DEPTH_KEEP)
    return asked;
  for (int d = 32; d >= 8; d /= 2)
    if ((depths & (unsigned) d) && d <= input_depth)
      return d;
  for (int d = 8; d <= 32; d *= 2)
    if (depths & (unsigned) d)
      return d;
  return 32;
}

#ifdef SKC_HAVE_GEGL
static int start_on_demand, started, babl_started;

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

/* PNG files need babl only (skc-png.h), which starts in a fraction of
   GEGL's time. */
static void
start_babl (void)
{
  if (start_on_demand && !started && !babl_started)
    {
      babl_init ();
      babl_started = 1;
    }
}

void
skc_gegl_stop (void)
{
  if (started)
    gegl_exit ();
  if (babl_started)
    babl_exit ();
  started = babl_started = 0;
}

/* Whether path starts as a PNG file. */
static int
is_png (const char *path)
{
  unsigned char head[8];
  FILE *probe = fopen (path, "rb");
  size_t got = probe ? fread (head, 1, sizeof head, probe) : 0;
  if (probe)
    fclose (probe);
  return got == sizeof head && memcmp (head, "\x89PNG\r\n\x1a\n", 8) == 0;
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
  if (is_png (path))
    {
      const Babl *file_format = NULL;
      start_babl ();
      skc_result r = skc_png_read (path, babl_format ("RaGaBaA float"), img,
                                   &file_format, err);
      format->file_format = file_format;
      return r;
    }
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
skc_gegl_photo_check (const char *path, skc_error *err)
{
#ifdef SKC_HAVE_GEGL
  if (!has_suffix (path, ".pfm"))
    return skc_gegl_image_check (path, SKC_GEGL_WANT_IMAGE, err);
#endif
  FILE *probe = fopen (path, "rb");
  if (!probe)
    return skc_fail (err, SKC_ERR_IO, "%s: cannot open", path);
  fclose (probe);
  if (!has_suffix (path, ".pfm"))
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "%s: this skc was built without GEGL; use PFM", path);
  return SKC_OK;
}

skc_result
skc_gegl_save_photo (const char *path, const skc_image *img,
                     const SkcGeglPhotoFormat *photo, int bit_depth,
                     skc_error *err)
{
  SkcGeglPixels kind = photo->kind;
  skc_result r = skc_gegl_output_check (path, bit_depth, err);
  if (r != SKC_OK)
    return r;
  if (has_suffix (path, ".pfm"))
    {
      if (kind == SKC_GEGL_PIXELS_AS_IS)
        return skc_pfm_write (path, img, err);
      /* Linear RGB without alpha: un-premultiply. */
      skc_image rgb = { 0 };
      r = skc_image_alloc (&rgb, img->width, img->height, 3);
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
  if (has_suffix (path, ".png"))
    start_babl ();
  else
    start_gegl ();
  const Babl *pixels = babl_format (format);
  const Babl *file_format = photo->file_format;
  int depth = output_depth (
      path, bit_depth,
      skc_gegl_format_depth (file_format ? file_format : pixels));
  const Babl *file = skc_gegl_file_format (file_format, pixels, depth,
                                           has_suffix (path, ".exr"));
  return skc_gegl_image_save (path, img, format, file, err);
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
skc_gegl_load_map (const char *path, int linear, skc_image *map,
                   float codes[256], int *code_count, skc_error *err)
{
  if (code_count)
    *code_count = 0;
  if (has_suffix (path, ".pfm"))
    return skc_values_read (path, map, err);
#ifdef SKC_HAVE_GEGL
  GeglBuffer *buffer = gegl_load_buffer (path, SKC_GEGL_WANT_IMAGE, err);
  if (!buffer)
    return SKC_ERR_IO;
  const char *format = linear ? "Y float" : "Y' float";
  skc_result r = skc_gegl_image_read (buffer, format, 1, map, err);
  if (r == SKC_OK && codes && code_count)
    *code_count = skc_gegl_map_codes (gegl_buffer_get_format (buffer),
                                      babl_format (format), codes);
  g_object_unref (buffer);
  return r;
#else
  (void) linear;
  (void) codes;
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
