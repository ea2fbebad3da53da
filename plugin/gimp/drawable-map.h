/* skc — a blur map drawable read on another drawable's pixel grid (image
 * coordinates: layer offsets honoured, 0 outside the map), as the blur
 * itself reads it (plugin/gimp/blur.c).  Main thread only (libgimp).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_DRAWABLE_MAP_H
#define SKC_GIMP_DRAWABLE_MAP_H

#include <gegl.h>

G_BEGIN_DECLS

/* Fills out (rect->width x rect->height values, row by row) with the map
 * under `rect` of drawable's grid: Y', or Y when linear. */
void skc_gimp_read_map (gint32 drawable, gint32 map, const GeglRectangle *rect,
                        gboolean linear, gfloat *out);

/* Whether the map drawable's values as stored read as linear Y (see
 * skc_gimp_map_stored_linear). */
gboolean skc_gimp_map_linear_as_stored (gint32 map);

G_END_DECLS

#endif
