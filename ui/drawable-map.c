/* skc — a blur map drawable on another drawable's grid (see
 * drawable-map.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "drawable-map.h"

#include "glue.h"

void
skc_ui_read_map (gint32 drawable, gint32 map, const GeglRectangle *rect,
                 gboolean linear, gfloat *out)
{
  gint        dx, dy, mx, my;
  GeglBuffer *buffer = skc_ui_glue_buffer (map);
  skc_ui_glue_offsets (drawable, &dx, &dy);
  skc_ui_glue_offsets (map, &mx, &my);
  GeglRectangle from = { rect->x + dx - mx, rect->y + dy - my, rect->width,
                         rect->height };
  /* Outside the map reads as 0, the map's convention. */
  gegl_buffer_get (buffer, &from, 1.0,
                   babl_format_with_space (
                     linear ? "Y float" : "Y' float",
                     babl_format_get_space (gegl_buffer_get_format (buffer))),
                   out, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  g_object_unref (buffer);
}
