/* skc — PNG files read and written with libpng directly (see skc-png.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc-png.h"

#include "pixel-convert.h"

#include <errno.h>
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libpng reports errors by longjmp: the message is kept for ours, and
   warnings (about chunks skc does not use) are dropped. */
typedef struct
{
  jmp_buf jump;
  char message[200];
} png_failure;

static void
on_error (png_structp png, png_const_charp message)
{
  png_failure *failure = png_get_error_ptr (png);
  snprintf (failure->message, sizeof failure->message, "%s", message);
  longjmp (failure->jump, 1);
}

static void
on_warning (png_structp png, png_const_charp message)
{
  (void) png;
  (void) message;
}

/* What a read or a write holds, freed on every path out (setjmp forbids
   changing locals between it and the longjmp). */
typedef struct
{
  FILE *stream;
  png_structp png;
  png_infop info;
  guchar *rows;
  png_bytep *row_pointers;
  SkcConversion *conversion;
} png_state;

static void
state_clear (png_state *s, gboolean reading)
{
  if (reading)
    png_destroy_read_struct (&s->png, s->info ? &s->info : NULL, NULL);
  else
    png_destroy_write_struct (&s->png, s->info ? &s->info : NULL);
  if (s->stream)
    fclose (s->stream);
  g_free (s->rows);
  g_free (s->row_pointers);
  if (s->conversion)
    skc_conversion_free (s->conversion);
}

/* Opens path and makes libpng's structures for reading or writing it. */
static skc_result
state_start (png_state *s, png_failure *failure, const gchar *path,
             gboolean reading, skc_error *err)
{
  s->stream = fopen (path, reading ? "rb" : "wb");
  if (!s->stream)
    return skc_fail (err, SKC_ERR_IO, "%s: cannot %s: %s", path,
                     reading ? "open" : "create", g_strerror (errno));
  s->png = reading ? png_create_read_struct (PNG_LIBPNG_VER_STRING, failure,
                                             on_error, on_warning)
                   : png_create_write_struct (PNG_LIBPNG_VER_STRING, failure,
                                              on_error, on_warning);
  if (s->png)
    s->info = png_create_info_struct (s->png);
  if (!s->info)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
  return SKC_OK;
}

/* The colour space a PNG declares, NULL for sRGB: an embedded ICC
   profile, else sRGB when it says so, else its gamma and chromaticities
   (sRGB's primaries when it gives a gamma only), as GEGL reads them. */
static const Babl *
space_of (png_structp png, png_infop info)
{
  png_charp name;
  int compression;
  png_bytep profile;
  png_uint_32 length;
  if (png_get_iCCP (png, info, &name, &compression, &profile, &length))
    {
      const char *error = NULL;
      return babl_space_from_icc ((const char *) profile, (int) length,
                                  BABL_ICC_INTENT_RELATIVE_COLORIMETRIC,
                                  &error);
    }
  if (png_get_valid (png, info, PNG_INFO_sRGB)
      || !png_get_valid (png, info, PNG_INFO_gAMA))
    return NULL;
  double gamma, c[8] = { 0.3127, 0.3290, 0.64, 0.33, 0.30, 0.60, 0.15, 0.06 };
  png_get_gAMA (png, info, &gamma);
  if (png_get_valid (png, info, PNG_INFO_cHRM))
    png_get_cHRM (png, info, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6],
                  &c[7]);
  const Babl *trc = babl_trc_gamma (1.0 / gamma);
  return babl_space_from_chromaticities (NULL, c[0], c[1], c[2], c[3], c[4],
                                         c[5], c[6], c[7], trc, trc, trc,
                                         BABL_SPACE_FLAG_EQUALIZE);
}

/* The babl format of a PNG's samples once libpng has expanded palettes,
   low-bit grey and transparency keys (host-endian 16-bit samples). */
static const Babl *
file_format_of (int color_type, int bit_depth, const Babl *space)
{
  gboolean grey = !(color_type & PNG_COLOR_MASK_COLOR);
  gboolean alpha = (color_type & PNG_COLOR_MASK_ALPHA) != 0;
  gchar name[32];
  g_snprintf (name, sizeof name, "%s%s %s", grey ? "Y'" : "R'G'B'",
              alpha ? "A" : "", bit_depth == 16 ? "u16" : "u8");
  return babl_format_with_space (name, space);
}

static skc_result
read_pixels (png_state *s, png_failure *failure, const gchar *path,
             const Babl *pixels, skc_image *img, const Babl **file_format,
             skc_error *err)
{
  if (setjmp (failure->jump))
    {
      skc_image_free (img);
      return skc_fail (err, SKC_ERR_PARSE, "%s: a damaged PNG file (%s)", path,
                       failure->message);
    }
  png_init_io (s->png, s->stream);
  png_set_user_limits (s->png, SKC_IMAGE_MAX_SIDE, SKC_IMAGE_MAX_SIDE);
  png_read_info (s->png, s->info);
  png_set_expand (s->png);
  if (png_get_bit_depth (s->png, s->info) == 16
      && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (s->png);
  png_set_interlace_handling (s->png);
  png_read_update_info (s->png, s->info);
  png_uint_32 width = png_get_image_width (s->png, s->info);
  png_uint_32 height = png_get_image_height (s->png, s->info);
  size_t row_bytes = png_get_rowbytes (s->png, s->info);
  *file_format = file_format_of (png_get_color_type (s->png, s->info),
                                 png_get_bit_depth (s->png, s->info),
                                 space_of (s->png, s->info));
  skc_result r = skc_image_alloc (img, (int) width, (int) height,
                                  babl_format_get_n_components (pixels));
  s->rows = g_try_malloc (row_bytes * height);
  s->row_pointers = g_try_malloc (sizeof (png_bytep) * height);
  if (r != SKC_OK || !s->rows || !s->row_pointers)
    {
      skc_image_free (img);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                       "%s: out of memory for %ux%u pixels", path, width,
                       height);
    }
  for (png_uint_32 y = 0; y < height; y++)
    s->row_pointers[y] = s->rows + y * row_bytes;
  png_read_image (s->png, s->row_pointers);
  png_read_end (s->png, NULL);
  /* skc_image_alloc gives compact rows: one conversion for all, exact
     (pixel-convert.h). */
  s->conversion = skc_conversion_new (*file_format, pixels);
  skc_conversion_run (s->conversion, s->rows, img->data,
                      (long) width * (long) height);
  return SKC_OK;
}

skc_result
skc_png_read (const gchar *path, const Babl *pixels, skc_image *img,
              const Babl **file_format, skc_error *err)
{
  png_failure failure = { 0 };
  png_state s = { 0 };
  memset (img, 0, sizeof *img);
  skc_result r = state_start (&s, &failure, path, TRUE, err);
  if (r == SKC_OK)
    r = read_pixels (&s, &failure, path, pixels, img, file_format, err);
  state_clear (&s, TRUE);
  return r;
}

/* Rows are converted and handed to libpng a band at a time. */
#define BAND_ROWS 64

static skc_result
write_pixels (png_state *s, png_failure *failure, const gchar *path,
              const skc_image *img, const Babl *pixels, const Babl *file_format,
              skc_error *err)
{
  if (setjmp (failure->jump))
    return skc_fail (err, SKC_ERR_IO, "%s: cannot write the PNG (%s)", path,
                     failure->message);
  gint depth = skc_gegl_format_depth (file_format);
  gint components = babl_format_get_n_components (file_format);
  gboolean alpha = babl_format_has_alpha (file_format);
  gboolean grey = components - alpha == 1;
  size_t row_bytes
      = (size_t) img->width * babl_format_get_bytes_per_pixel (file_format);
  s->conversion = skc_conversion_new (pixels, file_format);
  s->rows = g_try_malloc (row_bytes * BAND_ROWS);
  s->row_pointers = g_try_malloc (sizeof (png_bytep) * BAND_ROWS);
  if (!s->rows || !s->row_pointers)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "%s: out of memory", path);
  png_init_io (s->png, s->stream);
  /* zlib level 1 and the Up row filter: a blurred photo is smooth down
     its columns, so this costs about 6 % in size against GEGL's level 3
     with libpng's adaptive filters, and halves the time of writing
     (12 MP at R 24: 0.45-0.7 s against 1.1-1.2 s, 6.36 MB against 6.02
     MB; docs/bench/cli.txt). */
  png_set_compression_level (s->png, 1);
  png_set_filter (s->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_UP);
  png_set_IHDR (s->png, s->info, (png_uint_32) img->width,
                (png_uint_32) img->height, depth,
                (grey ? PNG_COLOR_TYPE_GRAY : PNG_COLOR_TYPE_RGB)
                    | (alpha ? PNG_COLOR_MASK_ALPHA : 0),
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT,
                PNG_FILTER_TYPE_DEFAULT);
  /* The file's colour space travels with its samples: sRGB as such, a
     gamma and chromaticities (what space_of read from gAMA and cHRM) as
     those chunks, anything else as the ICC profile it came from (PNG
     allows grey profiles only with grey files: a grey file keeps its
     gamma).  babl's own profile for a space it made names it after a
     pointer, so that two runs would differ in bytes. */
  const Babl *space = babl_format_get_space (file_format);
  double gamma = babl_space_get_gamma (space);
  if (space == babl_space ("sRGB"))
    png_set_sRGB_gAMA_and_cHRM (s->png, s->info, PNG_sRGB_INTENT_PERCEPTUAL);
  else if (gamma > 0)
    {
      double c[8];
      png_set_gAMA (s->png, s->info, 1.0 / gamma);
      babl_space_get (space, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6],
                      &c[7], NULL, NULL, NULL);
      if (!grey)
        png_set_cHRM (s->png, s->info, c[0], c[1], c[2], c[3], c[4], c[5], c[6],
                      c[7]);
    }
  else if (!grey)
    {
      int length = 0;
      const char *icc = babl_space_get_icc (space, &length);
      png_set_iCCP (s->png, s->info, "ICC profile", PNG_COMPRESSION_TYPE_BASE,
                    (png_const_bytep) icc, (png_uint_32) length);
    }
  png_write_info (s->png, s->info);
  if (depth == 16 && G_BYTE_ORDER == G_LITTLE_ENDIAN)
    png_set_swap (s->png);
  for (gint y = 0; y < img->height; y += BAND_ROWS)
    {
      gint rows = MIN (BAND_ROWS, img->height - y);
      for (gint i = 0; i < rows; i++)
        {
          skc_conversion_run (s->conversion, skc_image_pixel (img, 0, y + i),
                              s->rows + (size_t) i * row_bytes, img->width);
          s->row_pointers[i] = s->rows + (size_t) i * row_bytes;
        }
      png_write_rows (s->png, s->row_pointers, (png_uint_32) rows);
    }
  png_write_end (s->png, s->info);
  return SKC_OK;
}

skc_result
skc_png_write (const gchar *path, const skc_image *img, const Babl *pixels,
               const Babl *file_format, skc_error *err)
{
  png_failure failure = { 0 };
  png_state s = { 0 };
  skc_result r = state_start (&s, &failure, path, FALSE, err);
  if (r == SKC_OK)
    r = write_pixels (&s, &failure, path, img, pixels, file_format, err);
  if (r == SKC_OK && (fflush (s.stream) != 0 || ferror (s.stream)))
    r = skc_fail (err, SKC_ERR_IO, "%s: write error: %s", path,
                  g_strerror (errno));
  /* fclose reports errors of the final flush (a full disk, say). */
  if (s.stream && fclose (s.stream) != 0 && r == SKC_OK)
    r = skc_fail (err, SKC_ERR_IO, "%s: write error: %s", path,
                  g_strerror (errno));
  s.stream = NULL;
  state_clear (&s, FALSE);
  return r;
}
