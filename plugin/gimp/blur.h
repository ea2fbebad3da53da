/* skc — blurring a GIMP drawable: its buffer into its shadow buffer,
 * with an optional blur map from another drawable of the image, on
 * buffers alone (no libgimp: procedure.c fetches them).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_BLUR_H
#define SKC_GIMP_BLUR_H

#include "gegl-bridge.h"
#include "settings.h"

G_BEGIN_DECLS

typedef struct
{
  GeglBuffer *source; /* the drawable's pixels, read only */
  GeglBuffer *target; /* where the result goes (the shadow buffer) */
  GeglBuffer *map;    /* the map drawable's pixels, or NULL */
  gint map_dx;        /* drawable pixel (x, y) is map pixel */
  gint map_dy;        /* (x + map_dx, y + map_dy) */
  gboolean map_raw;   /* read the map's values in its own encoding (a
                         subject's coverage), not as Y' or Y */
  GeglRectangle roi;  /* what to blur (the selection's bounds), in the
                         drawable's coordinates */
} SkcGimpJob;

/* Whether a map stored in `format` is read as linear Y to get its values
 * as stored (a subject's coverage): models without ' or ~ are linear. */
gboolean skc_gimp_map_stored_linear (const Babl *format);

/* Blurs job->roi of job->source into job->target with the settings.  The
 * whole drawable is the engine's image (the swirl and cat-eye centres are
 * its centre).  `progress` reports and may cancel (SKC_ERR_CANCELLED).
 * Nothing but job->target is written. */
skc_result skc_gimp_blur (const SkcGimpSettings *settings,
                          const SkcGimpJob *job, SkcGeglProgress progress,
                          gpointer progress_data, skc_error *err);

G_END_DECLS

#endif
