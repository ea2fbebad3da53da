/* skc — the kernel designer's canvas (see designer-private.h): drawing
 * with the pointer, the polygon tool, keys, what the canvas and the two
 * views beside it paint.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "designer-private.h"

#include <math.h>

#include <gdk/gdkkeysyms.h>

/* The difference is shown this many times stronger. */
#define DIFFERENCE_GAIN 4.0

/* The canvas's grid; returns the index of its centre cell, which is cell
 * (0, 0) to the pointer. */
static gint
geometry (SkcDesigner *d, SkcGridGeometry *g)
{
  skc_designer_view_geometry (d->canvas, skc_paint_size (d->paint), g);
  return skc_paint_size (d->paint) / 2;
}

void
skc_designer_cell_to_canvas (GtkWidget *designer, double u, double v, double *x,
                             double *y)
{
  g_return_if_fail (SKC_IS_DESIGNER (designer));
  SkcGridGeometry g;
  gint c = geometry (SKC_DESIGNER (designer), &g);
  *x = g.x0 + (u + c + 0.5) * g.cell;
  *y = g.y0 + (v + c + 0.5) * g.cell;
}

void
skc_designer_canvas_to_cell (GtkWidget *designer, double x, double y, double *u,
                             double *v)
{
  g_return_if_fail (SKC_IS_DESIGNER (designer));
  SkcGridGeometry g;
  gint c = geometry (SKC_DESIGNER (designer), &g);
  *u = (x - g.x0) / g.cell - 0.5 - c;
  *v = (y - g.y0) / g.cell - 0.5 - c;
}

void
skc_designer_polygon_reset (SkcDesigner *d)
{
  g_array_set_size (d->polygon_u, 0);
  g_array_set_size (d->polygon_v, 0);
}

/* Corner i of the polygon being clicked, on the canvas. */
static void
polygon_corner (SkcDesigner *d, gint i, gdouble *x, gdouble *y)
{
  skc_designer_cell_to_canvas (GTK_WIDGET (d),
                               g_array_index (d->polygon_u, gdouble, i),
                               g_array_index (d->polygon_v, gdouble, i), x, y);
}

static void
polygon_close (SkcDesigner *d)
{
  gint n = (gint) d->polygon_u->len;
  if (n >= 3
      && skc_paint_polygon (d->paint, &d->brush,
                            (const gdouble *) d->polygon_u->data,
                            (const gdouble *) d->polygon_v->data, n))
    skc_designer_edited (d, TRUE, FALSE);
  skc_designer_polygon_reset (d);
  gtk_widget_queue_draw (d->canvas);
}

/* The brush as the current tool uses it. */
static void
brush_for_tool (SkcDesigner *d)
{
  d->brush.ink = d->tool == SKC_DESIGNER_TOOL_ERASER ? 0.0f : 1.0f;
}

static gboolean
canvas_press (GtkWidget *canvas, GdkEventButton *event, gpointer data)
{
  SkcDesigner *d = data;
  gdouble u, v;
  gtk_widget_grab_focus (canvas);
  skc_designer_canvas_to_cell (GTK_WIDGET (d), event->x, event->y, &u, &v);
  if (d->tool == SKC_DESIGNER_TOOL_POLYGON)
    {
      if (event->type == GDK_2BUTTON_PRESS || event->button == 3)
        {
          polygon_close (d);
          return TRUE;
        }
      if (event->type != GDK_BUTTON_PRESS || event->button != 1)
        return TRUE;
      if (d->polygon_u->len >= 3)
        {
          /* Back on the first corner (within 8 px): close. */
          gdouble fx, fy;
          polygon_corner (d, 0, &fx, &fy);
          if (hypot (fx - event->x, fy - event->y) <= 8)
            {
              polygon_close (d);
              return TRUE;
            }
        }
      g_array_append_val (d->polygon_u, u);
      g_array_append_val (d->polygon_v, v);
      gtk_widget_queue_draw (canvas);
      return TRUE;
    }
  if (event->type != GDK_BUTTON_PRESS || event->button != 1)
    return TRUE;
  brush_for_tool (d);
  if (d->tool == SKC_DESIGNER_TOOL_FILL)
    {
      if (skc_paint_fill (d->paint, &d->brush, u, v))
        skc_designer_edited (d, TRUE, FALSE);
      return TRUE;
    }
  if (skc_paint_stroke_begin (d->paint, &d->brush, u, v))
    skc_designer_edited (d, FALSE, FALSE);
  return TRUE;
}

static gboolean
canvas_motion (GtkWidget *canvas, GdkEventMotion *event, gpointer data)
{
  SkcDesigner *d = data;
  d->pointer_in = TRUE;
  skc_designer_canvas_to_cell (GTK_WIDGET (d), event->x, event->y,
                               &d->pointer_u, &d->pointer_v);
  if (skc_paint_in_stroke (d->paint)
      && skc_paint_stroke_to (d->paint, d->pointer_u, d->pointer_v))
    skc_designer_edited (d, FALSE, FALSE);
  gtk_widget_queue_draw (canvas);
  return TRUE;
}

static gboolean
canvas_release (GtkWidget *canvas, GdkEventButton *event, gpointer data)
{
  SkcDesigner *d = data;
  if (event->button == 1 && skc_paint_in_stroke (d->paint))
    {
      gdouble u, v;
      skc_designer_canvas_to_cell (GTK_WIDGET (d), event->x, event->y, &u, &v);
      skc_paint_stroke_to (d->paint, u, v);
      if (skc_paint_stroke_end (d->paint))
        skc_designer_edited (d, TRUE, FALSE);
    }
  return TRUE;
}

static gboolean
canvas_leave (GtkWidget *canvas, GdkEventCrossing *event, gpointer data)
{
  SkcDesigner *d = data;
  d->pointer_in = FALSE;
  gtk_widget_queue_draw (canvas);
  return FALSE;
}

gboolean
skc_designer_key_press (GtkWidget *widget, GdkEventKey *event)
{
  SkcDesigner *d = SKC_DESIGNER (widget);
  gboolean ctrl = (event->state & GDK_CONTROL_MASK) != 0;
  gboolean shift = (event->state & GDK_SHIFT_MASK) != 0;
  switch (event->keyval)
    {
    case GDK_KEY_z:
    case GDK_KEY_Z:
      if (!ctrl)
        return FALSE;
      if (shift)
        skc_designer_redo (widget);
      else
        skc_designer_undo (widget);
      return TRUE;
    case GDK_KEY_y:
      if (!ctrl)
        return FALSE;
      skc_designer_redo (widget);
      return TRUE;
    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
      if (d->tool != SKC_DESIGNER_TOOL_POLYGON || !d->polygon_u->len)
        return FALSE;
      polygon_close (d);
      return TRUE;
    case GDK_KEY_Escape:
      if (!d->polygon_u->len)
        return FALSE;
      skc_designer_polygon_reset (d);
      gtk_widget_queue_draw (d->canvas);
      return TRUE;
    default:
      return FALSE;
    }
}

/* Symmetry guides: the mirror axes and the rotational spokes. */
static void
paint_guides (SkcDesigner *d, cairo_t *cr, const SkcGridGeometry *g)
{
  const SkcSymmetry *s = skc_paint_get_symmetry (d->paint);
  gint n = skc_paint_size (d->paint);
  gdouble c = g->cell * (n / 2 + 0.5), half = g->cell * n / 2;
  static const double dash[] = { 4, 3 };
  cairo_save (cr);
  cairo_translate (cr, g->x0 + c, g->y0 + c);
  cairo_set_source_rgba (cr, 1.0, 0.35, 0.85, 0.75);
  cairo_set_line_width (cr, 1.5);
  cairo_set_dash (cr, dash, 2, 0);
  if (s->mirror_x)
    {
      cairo_move_to (cr, 0, -half);
      cairo_line_to (cr, 0, half);
    }
  if (s->mirror_y)
    {
      cairo_move_to (cr, -half, 0);
      cairo_line_to (cr, half, 0);
    }
  for (gint k = 0; s->n_fold > 1 && k < s->n_fold; k++)
    {
      gdouble a = 2 * G_PI * k / s->n_fold;
      cairo_move_to (cr, 0, 0);
      cairo_line_to (cr, half * sin (a), -half * cos (a));
    }
  cairo_stroke (cr);
  cairo_restore (cr);
}

/* The polygon being clicked, and the brush (with its symmetric copies)
 * under the pointer. */
static void
paint_pointer (SkcDesigner *d, cairo_t *cr)
{
  gdouble x, y;
  cairo_save (cr);
  cairo_set_line_width (cr, 1.5);
  if (d->tool == SKC_DESIGNER_TOOL_POLYGON)
    {
      gint n = (gint) d->polygon_u->len;
      cairo_set_source_rgb (cr, 1.0, 0.8, 0.2);
      for (gint i = 0; i < n; i++)
        {
          polygon_corner (d, i, &x, &y);
          if (i == 0)
            cairo_move_to (cr, x, y);
          else
            cairo_line_to (cr, x, y);
        }
      if (n && d->pointer_in)
        {
          skc_designer_cell_to_canvas (GTK_WIDGET (d), d->pointer_u,
                                       d->pointer_v, &x, &y);
          cairo_line_to (cr, x, y);
        }
      cairo_stroke (cr);
      for (gint i = 0; i < n; i++)
        {
          polygon_corner (d, i, &x, &y);
          cairo_arc (cr, x, y, i == 0 ? 5 : 3, 0, 2 * G_PI);
          cairo_fill (cr);
        }
    }
  else if (d->pointer_in && d->tool != SKC_DESIGNER_TOOL_FILL)
    {
      gdouble us[SKC_SYMMETRY_MAX_COPIES], vs[SKC_SYMMETRY_MAX_COPIES];
      gint count = skc_paint_symmetric_points (d->paint, d->pointer_u,
                                               d->pointer_v, us, vs);
      SkcGridGeometry g;
      geometry (d, &g);
      for (gint i = 0; i < count; i++)
        {
          skc_designer_cell_to_canvas (GTK_WIDGET (d), us[i], vs[i], &x, &y);
          cairo_new_sub_path (cr);
          cairo_arc (cr, x, y, MAX (d->brush.size / 2 * g.cell, 2), 0,
                     2 * G_PI);
          cairo_set_source_rgba (cr, 1.0, 0.8, 0.2, i == 0 ? 1.0 : 0.45);
          cairo_stroke (cr);
        }
    }
  cairo_restore (cr);
}

static gboolean
canvas_draw (GtkWidget *canvas, cairo_t *cr, gpointer data)
{
  SkcDesigner *d = data;
  SkcGridGeometry g;
  geometry (d, &g);
  skc_designer_view_paint_ink (cr, &g, skc_paint_image (d->paint));
  skc_designer_view_paint_grid (cr, &g, skc_paint_size (d->paint));
  paint_guides (d, cr, &g);
  paint_pointer (d, cr);
  return TRUE;
}

/* The fitted kernel or its difference from the drawing, beside the
 * canvas; an empty square until a fit of the drawing's size is shown. */
static gboolean
side_view_draw (GtkWidget *view, cairo_t *cr, gpointer data)
{
  SkcDesigner *d = data;
  gboolean fitted = view == d->fitted_view;
  const skc_image *shown = fitted ? &d->effective : &d->difference;
  SkcGridGeometry g;
  gint n = skc_paint_size (d->paint);
  skc_designer_view_geometry (view, n, &g);
  if (!shown->data || shown->width != n)
    {
      cairo_set_source_rgb (cr, 0.1, 0.1, 0.1);
      cairo_rectangle (cr, g.x0, g.y0, g.cell * n, g.cell * n);
      cairo_fill (cr);
    }
  else if (fitted)
    skc_designer_view_paint_ink (cr, &g, shown);
  else
    skc_designer_view_paint_signed (cr, &g, shown, DIFFERENCE_GAIN);
  skc_designer_view_paint_grid (cr, &g, n);
  return TRUE;
}

static GtkWidget *
drawing_area (gint side)
{
  GtkWidget *area = gtk_drawing_area_new ();
  gtk_widget_set_size_request (area, side, side);
  return area;
}

GtkWidget *
skc_designer_canvas_new (SkcDesigner *d, gint side)
{
  GtkWidget *canvas = drawing_area (side);
  gtk_widget_set_can_focus (canvas, TRUE);
  gtk_widget_add_events (canvas, GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK
                                     | GDK_POINTER_MOTION_MASK
                                     | GDK_LEAVE_NOTIFY_MASK);
  skc_ui_connect_draw (canvas, canvas_draw, d);
  g_signal_connect (canvas, "button-press-event", G_CALLBACK (canvas_press), d);
  g_signal_connect (canvas, "motion-notify-event", G_CALLBACK (canvas_motion),
                    d);
  g_signal_connect (canvas, "button-release-event", G_CALLBACK (canvas_release),
                    d);
  g_signal_connect (canvas, "leave-notify-event", G_CALLBACK (canvas_leave), d);
  return canvas;
}

GtkWidget *
skc_designer_side_view_new (SkcDesigner *d, gint side)
{
  GtkWidget *view = drawing_area (side);
  skc_ui_connect_draw (view, side_view_draw, d);
  return view;
}
