/* skc — how the kernel designer paints grids on screen (see
 * designer-private.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>

#include "designer-private.h"

void
skc_designer_view_geometry (GtkWidget *widget, gint size, SkcGridGeometry *g)
{
  GtkAllocation a;
  gtk_widget_get_allocation (widget, &a);
  /* Whole pixels per cell where there is room, so cells look even. */
  gdouble side = MIN (a.width, a.height);
  g->cell = side >= size ? floor (side / size) : side / size;
  /* In the top-left corner: when the columns beside it share out their
     width again (a label's text changed), the grid stays where it is
     under the user's pointer. */
  g->x0 = 0;
  g->y0 = 0;
}

/* 0..1 to a display byte: a square root, so that faint ink (a Gaussian's
 * tail, soft brush edges) stays visible. */
static inline guint32
level (gdouble v)
{
  v = CLAMP (v, 0.0, 1.0);
  return (guint32) lround (255 * sqrt (v));
}

/* A cell's display colour, 0xRRGGBB, from its value. */
typedef guint32 (*cell_colour) (gdouble value, gdouble gain);

/* Ink: a warm white, since bokeh balls are light. */
static guint32
ink_colour (gdouble value, gdouble gain)
{
  guint32 l = level (value);
  return l << 16 | (l * 245 / 255) << 8 | (l * 220 / 255);
}

/* Signed values, `gain` x: red where above 0, blue where below. */
static guint32
signed_colour (gdouble value, gdouble gain)
{
  gdouble v = gain * value;
  guint32 l = level (fabs (v));
  if (v > 0) /* too much: red */
    return l << 16 | (l * 60 / 255) << 8 | (l * 40 / 255);
  /* missing: blue */
  return (l * 40 / 255) << 16 | (l * 140 / 255) << 8 | l;
}

/* The cells of `values` (n x n) in their colours, as pixels of an image
 * surface scaled up without smoothing. */
static void
paint_cells (cairo_t *cr, const SkcGridGeometry *g, const skc_image *values,
             cell_colour colour, gdouble gain)
{
  gint n = values->width;
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24, n, n);
  guchar *bytes = cairo_image_surface_get_data (s);
  gint stride = cairo_image_surface_get_stride (s);
  cairo_surface_flush (s);
  for (gint y = 0; y < n; y++)
    for (gint x = 0; x < n; x++)
      ((guint32 *) (bytes + y * stride))[x]
          = colour (*skc_image_pixel (values, x, y), gain);
  cairo_surface_mark_dirty (s);
  cairo_save (cr);
  cairo_translate (cr, g->x0, g->y0);
  cairo_scale (cr, g->cell, g->cell);
  cairo_set_source_surface (cr, s, 0, 0);
  cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
  cairo_rectangle (cr, 0, 0, n, n);
  cairo_fill (cr);
  cairo_restore (cr);
  cairo_surface_destroy (s);
}

void
skc_designer_view_paint_ink (cairo_t *cr, const SkcGridGeometry *g,
                             const skc_image *ink)
{
  paint_cells (cr, g, ink, ink_colour, 1.0);
}

void
skc_designer_view_paint_signed (cairo_t *cr, const SkcGridGeometry *g,
                                const skc_image *values, gdouble gain)
{
  paint_cells (cr, g, values, signed_colour, gain);
}

void
skc_designer_view_paint_grid (cairo_t *cr, const SkcGridGeometry *g, gint size)
{
  gdouble side = g->cell * size, c = g->cell * (size / 2 + 0.5);
  cairo_save (cr);
  cairo_translate (cr, g->x0, g->y0);
  cairo_set_line_width (cr, 1);
  if (g->cell >= 5)
    {
      cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.18);
      for (gint i = 1; i < size; i++)
        {
          gdouble p = floor (i * g->cell) + 0.5;
          cairo_move_to (cr, p, 0);
          cairo_line_to (cr, p, side);
          cairo_move_to (cr, 0, p);
          cairo_line_to (cr, side, p);
        }
      cairo_stroke (cr);
    }
  /* The centre: the kernel's origin, where the blurred point sits. */
  cairo_set_source_rgba (cr, 0.4, 0.8, 1.0, 0.7);
  cairo_move_to (cr, c - 1.5 * g->cell, c);
  cairo_line_to (cr, c + 1.5 * g->cell, c);
  cairo_move_to (cr, c, c - 1.5 * g->cell);
  cairo_line_to (cr, c, c + 1.5 * g->cell);
  cairo_stroke (cr);
  /* The frame: the kernel's extent. */
  cairo_set_source_rgba (cr, 0.5, 0.5, 0.5, 0.8);
  cairo_rectangle (cr, 0.5, 0.5, side - 1, side - 1);
  cairo_stroke (cr);
  cairo_restore (cr);
}
