/* skc — the map painter's canvas (see map-painter-private.h): the view
 * (zoom, pan, image and canvas coordinates), what the canvas paints (the
 * image, the map's tint, the tool's marks), the pointer and keys.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-private.h"

#include <math.h>

#include <gdk/gdkkeysyms.h>

#define ZOOM_MIN (1.0 / 64)
#define ZOOM_MAX 64.0

/* The overlay's tint: a cool blue reads as "haze" and stays apart from
   skin, foliage and sky. */
static const double tint[3] = { 40, 110, 255 };

/* ---- view ---- */

void
skc_map_painter_canvas_size (SkcMapPainter *self, double *w, double *h)
{
  GtkAllocation a;
  gtk_widget_get_allocation (self->canvas, &a);
  *w = MAX (a.width, 1);
  *h = MAX (a.height, 1);
}

void
skc_map_painter_view_to_canvas (SkcMapPainter *self, double ix, double iy,
                                double *cx, double *cy)
{
  double w, h;
  skc_map_painter_canvas_size (self, &w, &h);
  *cx = (ix - self->centre_x) * self->zoom + w / 2;
  *cy = (iy - self->centre_y) * self->zoom + h / 2;
}

void
skc_map_painter_view_to_image (SkcMapPainter *self, double cx, double cy,
                               double *ix, double *iy)
{
  double w, h;
  skc_map_painter_canvas_size (self, &w, &h);
  *ix = (cx - w / 2) / self->zoom + self->centre_x;
  *iy = (cy - h / 2) / self->zoom + self->centre_y;
}

void
skc_map_painter_view_set (SkcMapPainter *self, double zoom, double centre_x,
                          double centre_y)
{
  self->zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  self->centre_x = CLAMP (centre_x, 0, MAX (self->width, 1));
  self->centre_y = CLAMP (centre_y, 0, MAX (self->height, 1));
  skc_map_painter_view_changed (self);
}

/* Zooms keeping the image point at canvas (cx, cy) where it is (the
   pointer, for wheel zooms). */
static void
zoom_about (SkcMapPainter *self, double factor, double cx, double cy)
{
  double ix, iy, w, h;
  double zoom = CLAMP (self->zoom * factor, ZOOM_MIN, ZOOM_MAX);
  skc_map_painter_view_to_image (self, cx, cy, &ix, &iy);
  skc_map_painter_canvas_size (self, &w, &h);
  self->fit = FALSE;
  skc_map_painter_view_set (self, zoom, ix - (cx - w / 2) / zoom,
                            iy - (cy - h / 2) / zoom);
}

void
skc_map_painter_view_fit (SkcMapPainter *self)
{
  double w, h;
  if (self->width <= 0)
    return;
  skc_map_painter_canvas_size (self, &w, &h);
  skc_map_painter_view_set (self, MIN (w / self->width, h / self->height),
                            self->width / 2.0, self->height / 2.0);
}

/* ---- drawing ---- */

void
skc_map_painter_queue_image_rect (SkcMapPainter *self, const SkcPaintRect *r)
{
  double x0, y0, x1, y1;
  if (r->width <= 0 || r->height <= 0)
    return;
  skc_map_painter_view_to_canvas (self, r->x, r->y, &x0, &y0);
  skc_map_painter_view_to_canvas (self, r->x + r->width, r->y + r->height, &x1,
                                  &y1);
  gtk_widget_queue_draw_area (self->canvas, (int) floor (x0) - 1,
                              (int) floor (y0) - 1, (int) ceil (x1 - x0) + 3,
                              (int) ceil (y1 - y0) + 3);
}

/* The brush outline around the pointer. */
static void
queue_cursor (SkcMapPainter *self)
{
  if (!self->pointer_in || self->tool != SKC_MAP_TOOL_BRUSH)
    return;
  double r = gtk_adjustment_get_value (self->size) / 2 * self->zoom + 3;
  gtk_widget_queue_draw_area (self->canvas, (int) (self->pointer_x - r),
                              (int) (self->pointer_y - r), (int) (2 * r) + 2,
                              (int) (2 * r) + 2);
}

/* The pixels of the clip rectangle: the image (over a checkerboard where
   it is transparent) with the map's tint, nearest pixel at every zoom, so
   the cost follows the canvas and not the image. */
static void
render_pixels (SkcMapPainter *self, cairo_t *cr, const GdkRectangle *clip)
{
  cairo_surface_t *s = cairo_image_surface_create (CAIRO_FORMAT_RGB24,
                                                   clip->width, clip->height);
  if (cairo_surface_status (s) != CAIRO_STATUS_SUCCESS)
    return;
  /* The pyramid level with at most one of its pixels per canvas pixel. */
  int k = 0;
  while (k + 1 < self->n_levels && self->zoom * (1 << (k + 1)) <= 1.0)
    k++;
  const SkcPainterLevel *level = &self->levels[k];
  guchar *data = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  const float *map = self->map ? skc_paint_map_data (self->map) : NULL;
  double opacity
      = self->overlay && map ? gtk_adjustment_get_value (self->opacity) : 0.0;
  double ix0, iy0;
  int *cols = g_new (int, clip->width);
  skc_map_painter_view_to_image (self, clip->x + 0.5, clip->y + 0.5, &ix0,
                                 &iy0);
  for (int x = 0; x < clip->width; x++)
    {
      int ix = (int) floor (ix0 + x / self->zoom);
      cols[x] = ix >= 0 && ix < self->width ? ix : -1;
    }
  for (int y = 0; y < clip->height; y++)
    {
      guint32 *out = (guint32 *) (data + (gsize) y * stride);
      int iy = (int) floor (iy0 + y / self->zoom);
      gboolean row_in = self->n_levels && iy >= 0 && iy < self->height;
      int cy = clip->y + y;
      for (int x = 0; x < clip->width; x++)
        {
          int ix = cols[x];
          if (!row_in || ix < 0)
            {
              out[x] = 0x505050;
              continue;
            }
          const guchar *p
              = level->rgba
                + ((gsize) (iy >> k) * level->width + (ix >> k)) * 4;
          int cx = clip->x + x;
          double checker = ((cx >> 3) + (cy >> 3)) & 1 ? 0x99 : 0x66;
          double a = p[3] / 255.0;
          double t = map ? opacity * map[(gsize) iy * self->width + ix] : 0;
          guint32 px = 0;
          for (int c = 0; c < 3; c++)
            {
              double v = p[c] * a + checker * (1 - a);
              v = v * (1 - t) + tint[c] * t;
              px = (px << 8) | (guint32) (v + 0.5);
            }
          out[x] = px;
        }
    }
  g_free (cols);
  cairo_surface_mark_dirty (s);
  cairo_set_source_surface (cr, s, clip->x, clip->y);
  cairo_rectangle (cr, clip->x, clip->y, clip->width, clip->height);
  cairo_fill (cr);
  cairo_surface_destroy (s);
}

/* A line drawn twice, dark then light, so it shows on any image. */
static void
stroke_visible (cairo_t *cr)
{
  cairo_set_source_rgba (cr, 0, 0, 0, 0.7);
  cairo_set_line_width (cr, 3);
  cairo_stroke_preserve (cr);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_set_line_width (cr, 1);
  cairo_stroke (cr);
}

/* The line through two canvas points, parallel-shifted by `offset` and
   long enough to cross any canvas. */
static void
long_line (cairo_t *cr, double x0, double y0, double x1, double y1,
           double offset)
{
  double len = hypot (x1 - x0, y1 - y0);
  double ux = len > 1e-9 ? (x1 - x0) / len : 1;
  double uy = len > 1e-9 ? (y1 - y0) / len : 0;
  double ox = x0 - uy * offset, oy = y0 + ux * offset;
  cairo_move_to (cr, ox - ux * 1e5, oy - uy * 1e5);
  cairo_line_to (cr, ox + ux * 1e5, oy + uy * 1e5);
}

static void
render_marks (SkcMapPainter *self, cairo_t *cr)
{
  if (self->tool == SKC_MAP_TOOL_BRUSH && self->pointer_in && !self->panning
      && !self->space_down)
    {
      double r = gtk_adjustment_get_value (self->size) / 2 * self->zoom;
      cairo_arc (cr, self->pointer_x, self->pointer_y, MAX (r, 1), 0, 2 * G_PI);
      stroke_visible (cr);
    }
  if (!self->dragging)
    return;
  double x0, y0, x1, y1;
  skc_map_painter_view_to_canvas (self, self->drag_x0, self->drag_y0, &x0, &y0);
  skc_map_painter_view_to_canvas (self, self->drag_x1, self->drag_y1, &x1, &y1);
  if (self->tool == SKC_MAP_TOOL_BAND)
    {
      double half
          = gtk_adjustment_get_value (self->band_width) / 2 * self->zoom;
      double ramp = gtk_adjustment_get_value (self->band_ramp) * self->zoom;
      long_line (cr, x0, y0, x1, y1, 0);
      stroke_visible (cr);
      double dash = 6;
      cairo_set_dash (cr, &dash, 1, 0);
      for (int side = -1; side <= 1; side += 2)
        {
          long_line (cr, x0, y0, x1, y1, side * half);
          long_line (cr, x0, y0, x1, y1, side * (half + ramp));
        }
      stroke_visible (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }
  else
    {
      cairo_arc (cr, x0, y0, hypot (x1 - x0, y1 - y0), 0, 2 * G_PI);
      stroke_visible (cr);
    }
  cairo_move_to (cr, x0, y0);
  cairo_line_to (cr, x1, y1);
  stroke_visible (cr);
  cairo_arc (cr, x0, y0, 4, 0, 2 * G_PI);
  stroke_visible (cr);
}

static void
render (SkcMapPainter *self, cairo_t *cr, const GdkRectangle *clip)
{
  if (clip->width <= 0 || clip->height <= 0)
    return;
  render_pixels (self, cr, clip);
  render_marks (self, cr);
}

/* The clip's whole-pixel extents, as GTK 3's gdk_cairo_get_clip_rectangle
 * gives them (GTK 2 has no such call). */
static gboolean
canvas_draw (GtkWidget *canvas, cairo_t *cr, gpointer data)
{
  double x1, y1, x2, y2;
  cairo_clip_extents (cr, &x1, &y1, &x2, &y2);
  GdkRectangle clip = { (int) floor (x1), (int) floor (y1), 0, 0 };
  clip.width = (int) ceil (x2) - clip.x;
  clip.height = (int) ceil (y2) - clip.y;
  render (data, cr, &clip);
  return TRUE;
}

/* ---- pointer and keys ---- */

static void
set_cursor (SkcMapPainter *self)
{
  GdkWindow *window = gtk_widget_get_window (self->canvas);
  if (!window)
    return;
  GdkCursor *cursor = gdk_cursor_new_for_display (
      gtk_widget_get_display (self->canvas),
      self->panning || self->space_down ? GDK_FLEUR : GDK_CROSSHAIR);
  gdk_window_set_cursor (window, cursor);
  skc_ui_cursor_unref (cursor);
}

/* The brush to image point (ix, iy): a line from the stroke's last dab
 * (`from_last`) and a dab there (`dab`); then the changed pixels are drawn
 * again and listeners hear. */
static void
brush_to (SkcMapPainter *self, double ix, double iy, gboolean from_last,
          gboolean dab)
{
  double radius = gtk_adjustment_get_value (self->size) / 2;
  double hardness = gtk_adjustment_get_value (self->hardness);
  float value = (float) gtk_adjustment_get_value (self->value);
  SkcPaintRect changed = { 0 };
  if (from_last)
    skc_paint_map_segment (self->map, self->last_x, self->last_y, ix, iy,
                           radius, hardness, value, &changed);
  if (dab)
    skc_paint_map_dab (self->map, ix, iy, radius, hardness, value, &changed);
  self->last_x = ix;
  self->last_y = iy;
  self->have_last = TRUE;
  skc_map_painter_queue_image_rect (self, &changed);
  skc_map_painter_changed_throttled (self);
}

static gboolean
canvas_press (GtkWidget *canvas, GdkEventButton *event, SkcMapPainter *self)
{
  if (event->type != GDK_BUTTON_PRESS)
    return TRUE; /* double and triple clicks come after their presses */
  gtk_widget_grab_focus (canvas);
  if (self->stroking || self->dragging || self->panning)
    return TRUE;
  if (event->button == 2 || (event->button == 1 && self->space_down))
    {
      self->panning = TRUE;
      self->fit = FALSE;
      self->pan_x = event->x;
      self->pan_y = event->y;
      set_cursor (self);
      return TRUE;
    }
  if (event->button != 1 || !self->map)
    return FALSE;
  double ix, iy;
  skc_map_painter_view_to_image (self, event->x, event->y, &ix, &iy);
  skc_paint_map_begin (self->map);
  skc_map_painter_controls_sync (self); /* Undo now ends and undoes this */
  if (self->tool == SKC_MAP_TOOL_BRUSH)
    {
      self->stroking = TRUE;
      /* Shift-click: a straight line from where the last stroke ended. */
      brush_to (self, ix, iy,
                (event->state & GDK_SHIFT_MASK) && self->have_last, TRUE);
    }
  else
    {
      self->dragging = TRUE;
      self->drag_x0 = self->drag_x1 = ix;
      self->drag_y0 = self->drag_y1 = iy;
      skc_map_painter_drag_queue (self);
    }
  return TRUE;
}

static gboolean
canvas_motion (GtkWidget *canvas, GdkEventMotion *event, SkcMapPainter *self)
{
  queue_cursor (self);
  self->pointer_x = event->x;
  self->pointer_y = event->y;
  self->pointer_in = TRUE;
  queue_cursor (self);
  if (self->panning)
    {
      self->centre_x -= (event->x - self->pan_x) / self->zoom;
      self->centre_y -= (event->y - self->pan_y) / self->zoom;
      self->pan_x = event->x;
      self->pan_y = event->y;
      skc_map_painter_view_set (self, self->zoom, self->centre_x,
                                self->centre_y);
    }
  else if (self->stroking || self->dragging)
    {
      double ix, iy;
      skc_map_painter_view_to_image (self, event->x, event->y, &ix, &iy);
      if (self->stroking)
        brush_to (self, ix, iy, TRUE, FALSE);
      else
        {
          self->drag_x1 = ix;
          self->drag_y1 = iy;
          skc_map_painter_drag_queue (self);
        }
    }
  skc_map_painter_update_status (self);
  return TRUE;
}

static gboolean
canvas_release (GtkWidget *canvas, GdkEventButton *event, SkcMapPainter *self)
{
  if (self->panning && (event->button == 2 || event->button == 1))
    {
      self->panning = FALSE;
      set_cursor (self);
    }
  else if ((self->stroking || self->dragging) && event->button == 1)
    skc_map_painter_end_edit (self);
  return TRUE;
}

static gboolean
canvas_crossing (GtkWidget *canvas, GdkEventCrossing *event,
                 SkcMapPainter *self)
{
  queue_cursor (self);
  self->pointer_in = event->type == GDK_ENTER_NOTIFY;
  self->pointer_x = event->x;
  self->pointer_y = event->y;
  queue_cursor (self);
  skc_map_painter_update_status (self);
  return FALSE;
}

static gboolean
canvas_scroll (GtkWidget *canvas, GdkEventScroll *event, SkcMapPainter *self)
{
  double steps = 0;
  switch (event->direction)
    {
    case GDK_SCROLL_UP:
      steps = 1;
      break;
    case GDK_SCROLL_DOWN:
      steps = -1;
      break;
#if GTK_CHECK_VERSION(3, 0, 0)
    case GDK_SCROLL_SMOOTH:
      steps = -event->delta_y;
      break;
#endif
    default:
      return FALSE;
    }
  zoom_about (self, pow (2.0, steps / 4), event->x, event->y);
  return TRUE;
}

static gboolean
canvas_key (GtkWidget *canvas, GdkEventKey *event, SkcMapPainter *self)
{
  gboolean press = event->type == GDK_KEY_PRESS;
  gboolean ctrl = (event->state & GDK_CONTROL_MASK) != 0;
  guint key = gdk_keyval_to_lower (event->keyval);
  double px, py; /* zooms keep the pointed point, else the centre */
  skc_map_painter_canvas_size (self, &px, &py);
  px = self->pointer_in ? self->pointer_x : px / 2;
  py = self->pointer_in ? self->pointer_y : py / 2;
  if (key == GDK_KEY_space)
    {
      if (self->space_down != press)
        {
          self->space_down = press;
          set_cursor (self);
          gtk_widget_queue_draw (canvas);
        }
      return TRUE;
    }
  if (!press)
    return FALSE;
  if (ctrl && key == GDK_KEY_z && !(event->state & GDK_SHIFT_MASK))
    skc_map_painter_undo (GTK_WIDGET (self));
  else if (ctrl && (key == GDK_KEY_y || key == GDK_KEY_z))
    skc_map_painter_redo (GTK_WIDGET (self));
  else if (key == GDK_KEY_plus || key == GDK_KEY_equal || key == GDK_KEY_KP_Add)
    zoom_about (self, G_SQRT2, px, py);
  else if (key == GDK_KEY_minus || key == GDK_KEY_KP_Subtract)
    zoom_about (self, G_SQRT2 / 2, px, py);
  else if (key == GDK_KEY_1)
    zoom_about (self, 1 / self->zoom, px, py);
  else if (key == GDK_KEY_bracketleft || key == GDK_KEY_bracketright)
    {
      double size = gtk_adjustment_get_value (self->size);
      queue_cursor (self);
      gtk_adjustment_set_value (
          self->size, key == GDK_KEY_bracketleft ? size / 1.25 : size * 1.25);
      queue_cursor (self);
    }
  else
    return FALSE;
  return TRUE;
}

static void
canvas_allocated (GtkWidget *canvas, GtkAllocation *a, SkcMapPainter *self)
{
  if (self->fit)
    skc_map_painter_view_fit (self);
  else
    skc_map_painter_view_changed (self);
}

static void
canvas_realized (GtkWidget *canvas, SkcMapPainter *self)
{
  set_cursor (self);
}

GtkWidget *
skc_map_painter_canvas_new (SkcMapPainter *self)
{
  GtkWidget *canvas = gtk_drawing_area_new ();
  gtk_widget_set_size_request (canvas, 160, 120);
  gtk_widget_set_can_focus (canvas, TRUE);
  gtk_widget_add_events (canvas, GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK
                                     | GDK_POINTER_MOTION_MASK | GDK_SCROLL_MASK
                                     | GDK_KEY_PRESS_MASK | GDK_KEY_RELEASE_MASK
                                     | GDK_ENTER_NOTIFY_MASK
                                     | GDK_LEAVE_NOTIFY_MASK);
  skc_ui_connect_draw (canvas, canvas_draw, self);
  g_signal_connect (canvas, "button-press-event", G_CALLBACK (canvas_press),
                    self);
  g_signal_connect (canvas, "button-release-event", G_CALLBACK (canvas_release),
                    self);
  g_signal_connect (canvas, "motion-notify-event", G_CALLBACK (canvas_motion),
                    self);
  g_signal_connect (canvas, "enter-notify-event", G_CALLBACK (canvas_crossing),
                    self);
  g_signal_connect (canvas, "leave-notify-event", G_CALLBACK (canvas_crossing),
                    self);
  g_signal_connect (canvas, "scroll-event", G_CALLBACK (canvas_scroll), self);
  g_signal_connect (canvas, "key-press-event", G_CALLBACK (canvas_key), self);
  g_signal_connect (canvas, "key-release-event", G_CALLBACK (canvas_key), self);
  g_signal_connect_after (canvas, "size-allocate",
                          G_CALLBACK (canvas_allocated), self);
  g_signal_connect (canvas, "realize", G_CALLBACK (canvas_realized), self);
  return canvas;
}
