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

/* Writes img, whose pixels are in babl `format`, with gegl:save (the
 * extension picks the file format), in file_format's channels and bit
 * depth when not NULL. */
skc_result skc_gegl_image_save (const gchar *path, const skc_image *img,
                                const gchar *format, const Babl *file_format,
                                skc_error *err);

G_END_DECLS

#endif
