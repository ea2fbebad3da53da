/* skc — the map painter's image pyramid: the image halved again and again,
 * so that a zoomed-out view samples averages of the pixels it covers and
 * not every n-th pixel (which shimmers and misses thin lines), at the cost
 * of a third more memory.  Averages are taken on premultiplied alpha, so
 * transparent pixels do not darken their neighbours.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-private.h"

void
skc_map_painter_pyramid_free (SkcMapPainter *self)
{
  /* Level 0 is the image itself, owned by the painter. */
  for (int k = 1; k < self->n_levels; k++)
    g_clear_pointer (&self->levels[k].rgba, g_free);
  self->n_levels = 0;
}

void
skc_map_painter_pyramid_resize (SkcMapPainter *self)
{
  skc_map_painter_pyramid_free (self);
  if (!self->image)
    return;
  self->levels[0].rgba = self->image;
  self->levels[0].width = self->width;
  self->levels[0].height = self->height;
  self->n_levels = 1;
  while (self->n_levels < SKC_PAINTER_LEVELS)
    {
      SkcPainterLevel *below = &self->levels[self->n_levels - 1];
      if (below->width == 1 && below->height == 1)
        break;
      SkcPainterLevel *l = &self->levels[self->n_levels++];
      l->width = (below->width + 1) / 2;
      l->height = (below->height + 1) / 2;
      l->rgba = g_new (guchar, (gsize) l->width * l->height * 4);
    }
  skc_map_painter_pyramid_update (self, 0, 0, self->width, self->height);
}

/* One pixel of `l` from the up to 2 × 2 pixels of `below` it covers. */
static void
average (const SkcPainterLevel *below, SkcPainterLevel *l, int x, int y)
{
  guint sum[3] = { 0, 0, 0 }, alpha = 0, n = 0;
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int sx = 2 * x + i, sy = 2 * y + j;
        if (sx >= below->width || sy >= below->height)
          continue;
        const guchar *p = below->rgba + ((gsize) sy * below->width + sx) * 4;
        for (int c = 0; c < 3; c++)
          sum[c] += p[c] * (guint) p[3];
        alpha += p[3];
        n++;
      }
  guchar *out = l->rgba + ((gsize) y * l->width + x) * 4;
  for (int c = 0; c < 3; c++)
    out[c] = alpha ? (guchar) ((sum[c] + alpha / 2) / alpha) : 0;
  out[3] = (guchar) ((alpha + n / 2) / n);
}

void
skc_map_painter_pyramid_update (SkcMapPainter *self, int x, int y, int width,
                                int height)
{
  int x1 = x + width, y1 = y + height; /* exclusive, in level k - 1 */
  for (int k = 1; k < self->n_levels && x1 > x && y1 > y; k++)
    {
      SkcPainterLevel *l = &self->levels[k];
      x /= 2;
      y /= 2;
      x1 = MIN ((x1 + 1) / 2, l->width);
      y1 = MIN ((y1 + 1) / 2, l->height);
      for (int j = y; j < y1; j++)
        for (int i = x; i < x1; i++)
          average (&self->levels[k - 1], l, i, j);
    }
}
