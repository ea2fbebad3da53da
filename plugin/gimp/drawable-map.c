/* skc — a blur map drawable on another drawable's grid (see
 * drawable-map.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "drawable-map.h"

#include "blur.h"
#include "gegl-bridge.h"
#include "glue.h"

void
skc_gimp_read_map (gint32 drawable, gint32 map, const GeglRectangle *rect,
                   gboolean linear, gfloat *out)
{
  gint dx, dy, mx, my;
  GeglBuffer *buffer = skc_gimp_glue_buffer (map);
  skc_gimp_glue_offsets (drawable, &dx, &dy);
  skc_gimp_glue_offsets (map, &mx, &my);
  GeglRectangle from
      = { rect->x + dx - mx, rect->y + dy - my, rect->width, rect->height };
  skc_gegl_map_read (buffer, &from, linear, out);
  g_object_unref (buffer);
}

gboolean
skc_gimp_map_linear_as_stored (gint32 map)
{
  GeglBuffer *buffer = skc_gimp_glue_buffer (map);
  gboolean linear
      = skc_gimp_map_stored_linear (gegl_buffer_get_format (buffer));
  g_object_unref (buffer);
  return linear;
}
