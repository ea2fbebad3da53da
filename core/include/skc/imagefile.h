/* skc — the image files the core reads and writes itself: PFM (float,
 * as-is) and binary PGM/PPM (8 or 16 bit, scaled to 0..1).  Other formats
 * go through GEGL in the front ends.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_IMAGEFILE_H
#define SKC_IMAGEFILE_H

#include "skc/common.h"
#include "skc/image.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Reads a PFM ("Pf" grey or "PF" RGB, either byte order); rows are stored
 * top to bottom in `img` (PFM files store them bottom up).  Thread-safe. */
SKC_API skc_result skc_pfm_read (const char *path, skc_image *img,
                                 skc_error *err);

/* Writes 1 channel as "Pf" or 3 as "PF" (other channel counts: the first
 * three, or the first alone for 2), little-endian.  Thread-safe. */
SKC_API skc_result skc_pfm_write (const char *path, const skc_image *img,
                                  skc_error *err);

/* Reads binary P5 (grey) or P6 (RGB), maxval up to 65535, into 0..1 floats.
 * Thread-safe. */
SKC_API skc_result skc_pnm_read (const char *path, skc_image *img,
                                 skc_error *err);

/* Memory variants, for parsers under test; `name` prefixes error
 * messages.  Thread-safe. */
SKC_API skc_result skc_pfm_parse (const unsigned char *bytes, size_t length,
                                  const char *name, skc_image *img,
                                  skc_error *err);
SKC_API skc_result skc_pnm_parse (const unsigned char *bytes, size_t length,
                                  const char *name, skc_image *img,
                                  skc_error *err);

/* Whether path names a file the core reads itself (.pfm, .pgm, .ppm,
 * .pnm, any case).  Thread-safe. */
SKC_API int skc_image_file_is_core (const char *path);

/* One value per pixel from such a file: grey values as they are, colour as
 * the luminance of its values (kernel weights, blur maps).  Thread-safe. */
SKC_API skc_result skc_values_read (const char *path, skc_image *img,
                                    skc_error *err);

/* Whether the first bytes of a file look like an image format GEGL decodes
 * natively (PNG, JPEG, TIFF, WebP, OpenEXR, Radiance RGBE, PNM, PFM).  The
 * front ends check before gegl:load, whose fallback for unknown files is
 * slow and noisy.  Thread-safe. */
SKC_API int skc_image_signature_known (const unsigned char *head,
                                       size_t length);

/* Reads a whole file into a malloc'd buffer (NUL-terminated; length
 * excludes the NUL), refusing files above max_bytes.  Thread-safe. */
SKC_API skc_result skc_read_file (const char *path, size_t max_bytes,
                                  unsigned char **bytes, size_t *length,
                                  skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
