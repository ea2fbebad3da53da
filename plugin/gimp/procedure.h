/* skc — what the GIMP 2.10 and GIMP 3 procedures do alike around the
 * blur: the progress bar, cancel, the refusals and the outcome as a PDB
 * status with an error text.  (libgimp 2 and 3 share these calls.)
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_PROCEDURE_H
#define SKC_GIMP_PROCEDURE_H

#include <libgimp/gimp.h>

#include "blur.h"

G_BEGIN_DECLS

/* Refusals, as the user reads them. */
GimpPDBStatusType skc_gimp_refuse_indexed (GError **error);
GimpPDBStatusType skc_gimp_refuse_map (gint32 map, GError **error);

/* Blurs job->roi into job->target under GIMP's progress bar (which the
 * test hook of skc_gimp_test_cancel may cancel) and drops the job's
 * buffers.  GIMP_PDB_SUCCESS means the caller merges the shadow buffer;
 * anything else leaves the drawable as it was. */
GimpPDBStatusType skc_gimp_run_job (const SkcGimpSettings *settings,
                                    SkcGimpJob *job, GError **error);

/* The name of the channel a map painted in the dialog is kept in. */
#define SKC_GIMP_MAP_CHANNEL "skc blur map"

/* Writes a painted map (width x height values on the grid of a drawable
 * at offset dx, dy) into the image-sized buffer of a new channel, in the
 * format the blur will read it back in (Y' unless map_linear). */
void skc_gimp_write_map (GeglBuffer *channel, gint dx, gint dy, gint width,
                         gint height, const gfloat *map, gboolean map_linear);

G_END_DECLS

#endif
