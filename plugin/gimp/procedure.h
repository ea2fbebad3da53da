/* skc — what the GIMP 2.10 and GIMP 3 procedures do alike: blurring the
 * drawable (refusals, progress bar, cancel, the shadow buffer merged as
 * one undo step, the outcome as a PDB status with an error text) and
 * keeping a painted map.  What libgimp 2 and 3 spell differently goes
 * through glue.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_PROCEDURE_H
#define SKC_GIMP_PROCEDURE_H

#include <libgimp/gimp.h>

#include "blur.h"

G_BEGIN_DECLS

/* Blurs the part of `drawable` the selection covers with the settings
 * (settings->map: a drawable of `image`, or -1) into its shadow buffer,
 * or with depth 'subject' the whole drawable, the map or else the
 * selection being the sharp subject (the selection stays as it was),
 * under GIMP's progress bar, and merges it (one undo step) only when
 * everything went well: anything but GIMP_PDB_SUCCESS leaves the drawable
 * as it was, with *error saying why. */
GimpPDBStatusType skc_gimp_blur_drawable (gint32 image, gint32 drawable,
                                          const SkcGimpSettings *settings,
                                          GError **error);

/* The name of the channel a map painted in the dialog is kept in. */
#define SKC_GIMP_MAP_CHANNEL "skc blur map"

/* Writes a painted map (width x height values on the grid of a drawable
 * at offset dx, dy) into the image-sized buffer of a new channel, in the
 * format the blur will read it back in (Y' unless map_linear). */
void skc_gimp_write_map (GeglBuffer *channel, gint dx, gint dy, gint width,
                         gint height, const gfloat *map, gboolean map_linear);

G_END_DECLS

#endif
