/* skc command-line tool — reading and writing image files: PFM and PGM/PPM
 * through the core, everything else (PNG, JPEG, TIFF, ...) through GEGL.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_CLI_IMAGE_H
#define SKC_CLI_IMAGE_H

#include "skc/skc.h"

typedef enum
{
  CLI_PIXELS_AS_IS,        /* PFM values, untouched: 1 or 3 channels */
  CLI_PIXELS_LINEAR_PREMUL /* linear-light RGBA, alpha premultiplied */
} cli_pixels;

/* Loads a photo to filter: PFM as-is, anything else as linear premultiplied
 * RGBA.  Returns SKC_OK or an error with a message naming the file. */
skc_result cli_load_photo (const char *path, skc_image *img, cli_pixels *kind,
                           skc_error *err);

/* Saves pixels loaded by cli_load_photo (after filtering) to path; the
 * extension chooses the format (.pfm written here, others by GEGL). */
skc_result cli_save_photo (const char *path, const skc_image *img,
                           cli_pixels kind, skc_error *err);

/* Loads a kernel weight image as one value per pixel: PFM/PGM values
 * as-is (RGB PFM: luminance); other files: alpha if they have one, else
 * perceptual luminance Y'. */
skc_result cli_load_weights (const char *path, skc_image *img, skc_error *err);

/* Loads a blur map as one value per pixel: PFM values as they are (RGB:
 * their luminance); other files as perceptual luminance Y', or linear Y when
 * `linear` (the map-linear parameter). */
skc_result cli_load_map (const char *path, int linear, skc_image *map,
                         skc_error *err);

/* Releases GEGL if it was started. */
void cli_image_shutdown (void);

int cli_has_suffix (const char *path, const char *suffix);

#endif
