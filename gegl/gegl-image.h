/* skc — image files through GEGL: the steps files.c takes for every
 * format the core does not read itself.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_IMAGE_H
#define SKC_GEGL_IMAGE_H

#include <gegl.h>

#include "files.h"

G_BEGIN_DECLS

/* Refuses files whose first bytes are no image format GEGL decodes
 * natively, before gegl:load's slow and noisy fallback sees them.  Needs no
 * GEGL, so that a caller can start GEGL only for a file that passed. */
skc_result skc_gegl_image_check (const gchar *path, SkcGeglWant want,
                                 skc_error *err);

/* Loads a checked file with gegl:load; NULL with err set when GEGL gets
 * no pixels from it.  Call with GEGL initialised. */
GeglBuffer *skc_gegl_image_load (const gchar *path, SkcGeglWant want,
                                 skc_error *err);

/* Copies the whole buffer into img, allocated with `channels` channels of
 * babl `format`. */
skc_result skc_gegl_image_read (GeglBuffer *buffer, const gchar *format,
                                gint channels, skc_image *img, skc_error *err);

/* Kernel weights, one value a pixel, from a loaded image: its alpha if it
 * has one, else its perceptual luminance Y'.  `path` names it in
 * messages. */
skc_result skc_gegl_image_weights (GeglBuffer *buffer, const gchar *path,
                                   skc_image *weights, skc_error *err);

/* Bits a sample of `format` takes: 8 (u8), 16 (u16, half) or 32 (u32,
 * float, double). */
gint skc_gegl_format_depth (const Babl *format);

/* The babl format a file of `depth` bits a sample is written in:
 * `file_format` itself when it has that depth; else its channels (or, when
 * NULL, those of `pixels`: grey or RGB, with or without alpha) as
 * perceptual integers (8, 16) or linear floats (32; 16 as linear half
 * floats when `half`, for OpenEXR). */
const Babl *skc_gegl_file_format (const Babl *file_format, const Babl *pixels,
                                  gint depth, gboolean half);

/* Writes img, whose pixels are in babl `format`, with GEGL's save op for
 * path's extension, in `file_format`'s channels and depth, under a
 * temporary name renamed to path once whole. */
skc_result skc_gegl_image_save (const gchar *path, const skc_image *img,
                                const gchar *format, const Babl *file_format,
                                skc_error *err);

G_END_DECLS

#endif
