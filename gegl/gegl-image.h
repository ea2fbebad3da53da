/* skc — image files read through GEGL, for every front end that reads
 * them (the skc tool, the GEGL operation, the GIMP plug-ins), so that all
 * of them accept and refuse the same files and see the same weights.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_IMAGE_H
#define SKC_GEGL_IMAGE_H

#include <gegl.h>

#include "skc/skc.h"

G_BEGIN_DECLS

/* What the caller would have taken instead of the file it is refused: the
 * messages say so in the words each front end has always used. */
typedef enum
{
  SKC_GEGL_WANT_IMAGE,           /* the skc tool */
  SKC_GEGL_WANT_IMAGE_OR_FILTER  /* the plug-ins: a .skc filter or an image */
} SkcGeglWant;

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
                                gint channels, skc_image *img,
                                skc_error *err);

/* Kernel weights, one value a pixel, from a loaded image: its alpha if it
 * has one, else its perceptual luminance Y'.  `path` names it in
 * messages. */
skc_result skc_gegl_image_weights (GeglBuffer *buffer, const gchar *path,
                                   skc_image *weights, skc_error *err);

G_END_DECLS

#endif
