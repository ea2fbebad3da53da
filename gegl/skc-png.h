/* skc — PNG files read and written with libpng directly, for the skc
 * tool's photos: GEGL's PNG ops print libpng's messages on stderr for a
 * damaged file and write an uninitialised background colour (bKGD) into
 * 8-bit files, so that two runs differ in bytes.  Pixels convert with
 * pixel-convert.h's exact conversions (through babl only for the spaces
 * those do not take); only babl needs to be running, not GEGL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_PNG_H
#define SKC_GEGL_PNG_H

#include "gegl-image.h"

G_BEGIN_DECLS

/* Reads a PNG into img in babl format `pixels` (allocated here);
 * *file_format: the file's channels and depth (palettes expanded to RGB,
 * transparency keys to alpha).  Errors name the file in one line. */
skc_result skc_png_read (const gchar *path, const Babl *pixels, skc_image *img,
                         const Babl **file_format, skc_error *err);

/* Writes img, in babl format `pixels`, as a PNG in file_format's channels
 * (grey or RGB, with or without alpha) and depth (8 or 16), rounding to
 * the nearest level; zlib level 1 and the Up row filter (skc-png.c says
 * why). */
skc_result skc_png_write (const gchar *path, const skc_image *img,
                          const Babl *pixels, const Babl *file_format,
                          skc_error *err);

G_END_DECLS

#endif
