/* skc — the blur map painter: view, pointer and drawing (see
 * map-painter.h; the tool bar is in map-painter-controls.c, the map and
 * its history in map-painter-map.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-private.h"

#include "compat.h"

#include <math.h>
#include <string.h>

#include <gdk/gdkkeysyms.h>

#define ZOOM_MIN (1.0 / 64)
#define ZOOM_MAX 64.0

/* The overlay's tint: a cool blue reads as "haze" and stays apart from
   skin, foliage and sky. */
static const double tint[3] = { 40, 110, 255 };

enum
{
  MAP_CHANGED,
  VIEW_CHANGED,
  N_SIGNALS
};
static guint signals[N_SIGNALS];

G_DEFINE_TYPE (SkcMapPainter, skc_map_painter, SKC_UI_TYPE_VBOX)

static SkcMapPainter *
painter_of (GtkWidget *widget)
{
  g_return_val_if_fail (SKC_IS_MAP_PAINTER (widget), NULL);
  return SKC_MAP_PAINTER (widget);
}

/* ---- view ---- */

static void
canvas_size (SkcMapPainter *self, double *w, double *h)
{
  GtkAllocation a;
  gtk_widget_get_allocation (self->canvas, &a);
  *w = MAX (a.width, 1);
  *h = MAX (a.height, 1);
}

static void
to_canvas (SkcMapPainter *self, double ix, double iy, double *cx, double *cy)
{
  double w, h;
  canvas_size (self, &w, &h);
  *cx = (ix - self->centre_x) * self->zoom + w / 2;
  *cy = (iy - self->centre_y) * self->zoom + h / 2;
}

static void
to_image (SkcMapPainter *self, double cx, double cy, double *ix, double *iy)
{
  double w, h;
  canvas_size (self, &w, &h);
  *ix = (cx - w / 2) / self->zoom + self->centre_x;
  *iy = (cy - h / 2) / self->zoom + self->centre_y;
}

static void
view_changed (SkcMapPainter *self)
{
  skc_map_painter_controls_sync (self);
  gtk_widget_queue_draw (self->canvas);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
}

/* The centre stays within the image, so some of it is always in view. */
static void
set_view (SkcMapPainter *self, double zoom, double centre_x,
          double centre_y)
{
  self->zoom = CLAMP (zoom, ZOOM_MIN, ZOOM_MAX);
  self->centre_x = CLAMP (centre_x, 0, MAX (self->width, 1));
  self->centre_y = CLAMP (centre_y, 0, MAX (self->height, 1));
  view_changed (self);
}

/* Zooms keeping the image point at canvas (cx, cy) where it is (the
   pointer, for wheel zooms). */
static void
zoom_about (SkcMapPainter *self, double factor, double cx, double cy)
{
  double ix, iy, w, h;
  double zoom = CLAMP (self->zoom * factor, ZOOM_MIN, ZOOM_MAX);
  to_image (self, cx, cy, &ix, &iy);
  canvas_size (self, &w, &h);
  self->fit = FALSE;
  set_view (self, zoom, ix - (cx - w / 2) / zoom, iy - (cy - h / 2) / zoom);
}

static void
apply_fit (SkcMapPainter *self)
{
  double w, h;
  if (self->width <= 0)
    return;
  canvas_size (self, &w, &h);
  set_view (self, MIN (w / self->width, h / self->height), self->width / 2.0,
            self->height / 2.0);
}

/* ---- drawing ---- */

static void
queue_image_rect (SkcMapPainter *self, const SkcPaintRect *r)
{
  double x0, y0, x1, y1;
  if (r->width <= 0 || r->height <= 0)
    return;
  to_canvas (self, r->x, r->y, &x0, &y0);
  to_canvas (self, r->x + r->width, r->y + r->height, &x1, &y1);
  gtk_widget_queue_draw_area (self->canvas, (int) floor (x0) - 1,
                              (int) floor (y0) - 1,
                              (int) ceil (x1 - x0) + 3,
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
  guchar      *data = cairo_image_surface_get_data (s);
  int          stride = cairo_image_surface_get_stride (s);
  const float *map = self->map ? skc_paint_map_data (self->map) : NULL;
  double       opacity = self->overlay && map
                           ? gtk_adjustment_get_value (self->opacity)
                           : 0.0;
  double       ix0, iy0;
  int         *cols = g_new (int, clip->width);
  to_image (self, clip->x + 0.5, clip->y + 0.5, &ix0, &iy0);
  for (int x = 0; x < clip->width; x++)
    {
      int ix = (int) floor (ix0 + x / self->zoom);
      cols[x] = ix >= 0 && ix < self->width ? ix : -1;
    }
  for (int y = 0; y < clip->height; y++)
    {
      guint32 *out = (guint32 *) (data + (gsize) y * stride);
      int      iy = (int) floor (iy0 + y / self->zoom);
      gboolean row_in = self->n_levels && iy >= 0 && iy < self->height;
      int      cy = clip->y + y;
      for (int x = 0; x < clip->width; x++)
        {
          int ix = cols[x];
          if (!row_in || ix < 0)
            {
              out[x] = 0x505050;
              continue;
            }
          const guchar *p
            = level->rgba + ((gsize) (iy >> k) * level->width + (ix >> k)) * 4;
          int    cx = clip->x + x;
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
      cairo_arc (cr, self->pointer_x, self->pointer_y, MAX (r, 1), 0,
                 2 * G_PI);
      stroke_visible (cr);
    }
  if (!self->dragging)
    return;
  double x0, y0, x1, y1;
  to_canvas (self, self->drag_x0, self->drag_y0, &x0, &y0);
  to_canvas (self, self->drag_x1, self->drag_y1, &x1, &y1);
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

/* ---- map edits ---- */

static gboolean
emit_pending (gpointer data)
{
  SkcMapPainter *self = data;
  self->emit_timeout = 0;
  self->last_emit = g_get_monotonic_time ();
  self->sent_partial = TRUE;
  g_signal_emit (self, signals[MAP_CHANGED], 0, FALSE);
  return G_SOURCE_REMOVE;
}

/* During a stroke: at most one "map-changed" per throttle period, the
   last change of a period being sent at its end. */
static void
changed_throttled (SkcMapPainter *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = self->last_emit + (gint64) self->throttle_ms * 1000 - now;
  if (self->emit_timeout)
    return;
  if (wait <= 0)
    emit_pending (self);
  else
    self->emit_timeout = g_timeout_add ((guint) (wait / 1000) + 1,
                                        emit_pending, self);
}

/* An edit is complete: the history buttons follow, listeners hear. */
static void
changed_finished (SkcMapPainter *self, gboolean changed)
{
  if (self->emit_timeout)
    {
      g_source_remove (self->emit_timeout);
      self->emit_timeout = 0;
    }
  /* Listeners that had partial updates always hear the end. */
  changed = changed || self->sent_partial;
  self->sent_partial = FALSE;
  skc_map_painter_controls_sync (self);
  if (changed)
    {
      self->last_emit = g_get_monotonic_time ();
      g_signal_emit (self, signals[MAP_CHANGED], 0, TRUE);
    }
}

static void
update_status (SkcMapPainter *self)
{
  static const char *hints[] = {
    "Brush: paint the blur amount (0 sharp, 1 most blurred).",
    "Band: drag along what should be sharp (tilt-shift).",
    "Focus point: click the sharp spot, drag to where blur is full.",
  };
  GString *s = g_string_new (hints[self->tool]);
  g_string_append (s, "  Wheel: zoom; middle or Space+drag: pan.");
  if (self->pointer_in && self->map)
    {
      double ix, iy;
      to_image (self, self->pointer_x, self->pointer_y, &ix, &iy);
      int x = (int) floor (ix), y = (int) floor (iy);
      if (x >= 0 && y >= 0 && x < self->width && y < self->height)
        g_string_append_printf (s, "  (%d, %d): blur %.2f", x, y,
                                skc_paint_map_data (
                                  self->map)[(gsize) y * self->width + x]);
    }
  gtk_label_set_text (GTK_LABEL (self->status), s->str);
  g_string_free (s, TRUE);
}

static void
brush_params (SkcMapPainter *self, double *radius, double *hardness,
              float *value)
{
  *radius = gtk_adjustment_get_value (self->size) / 2;
  *hardness = gtk_adjustment_get_value (self->hardness);
  *value = (float) gtk_adjustment_get_value (self->value);
}

static void
drag_apply (SkcMapPainter *self)
{
  if (self->tool == SKC_MAP_TOOL_BAND)
    skc_paint_map_band (self->map, self->drag_x0, self->drag_y0,
                        self->drag_x1, self->drag_y1,
                        gtk_adjustment_get_value (self->band_width),
                        gtk_adjustment_get_value (self->band_ramp));
  else
    skc_paint_map_radial (self->map, self->drag_x0, self->drag_y0,
                          hypot (self->drag_x1 - self->drag_x0,
                                 self->drag_y1 - self->drag_y0));
  gtk_widget_queue_draw (self->canvas);
}

/* A dragged band or focus point is recomputed once the pending events are
   handled: the whole map changes on each motion, so motions that came in
   meanwhile are merged. */
static gboolean
drag_idle (gpointer data)
{
  SkcMapPainter *self = data;
  self->drag_idle = 0;
  drag_apply (self);
  changed_throttled (self);
  return G_SOURCE_REMOVE;
}

static void
end_edit (SkcMapPainter *self)
{
  if (self->drag_idle)
    {
      g_source_remove (self->drag_idle);
      self->drag_idle = 0;
      drag_apply (self);
    }
  self->stroking = self->dragging = FALSE;
  gtk_widget_queue_draw (self->canvas);
  changed_finished (self, skc_paint_map_end (self->map));
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
  to_image (self, event->x, event->y, &ix, &iy);
  skc_paint_map_begin (self->map);
  skc_map_painter_controls_sync (self); /* Undo now ends and undoes this */
  if (self->tool == SKC_MAP_TOOL_BRUSH)
    {
      double       radius, hardness;
      float        value;
      SkcPaintRect changed = { 0 };
      brush_params (self, &radius, &hardness, &value);
      self->stroking = TRUE;
      /* Shift-click: a straight line from where the last stroke ended. */
      if ((event->state & GDK_SHIFT_MASK) && self->have_last)
        skc_paint_map_segment (self->map, self->last_x, self->last_y, ix, iy,
                               radius, hardness, value, &changed);
      skc_paint_map_dab (self->map, ix, iy, radius, hardness, value,
                         &changed);
      self->last_x = ix;
      self->last_y = iy;
      self->have_last = TRUE;
      queue_image_rect (self, &changed);
      changed_throttled (self);
    }
  else
    {
      self->dragging = TRUE;
      self->drag_x0 = self->drag_x1 = ix;
      self->drag_y0 = self->drag_y1 = iy;
      if (!self->drag_idle)
        self->drag_idle = g_idle_add (drag_idle, self);
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
      set_view (self, self->zoom, self->centre_x, self->centre_y);
    }
  else if (self->stroking || self->dragging)
    {
      double ix, iy;
      to_image (self, event->x, event->y, &ix, &iy);
      if (self->stroking)
        {
          double       radius, hardness;
          float        value;
          SkcPaintRect changed = { 0 };
          brush_params (self, &radius, &hardness, &value);
          skc_paint_map_segment (self->map, self->last_x, self->last_y, ix,
                                 iy, radius, hardness, value, &changed);
          self->last_x = ix;
          self->last_y = iy;
          queue_image_rect (self, &changed);
          changed_throttled (self);
        }
      else
        {
          self->drag_x1 = ix;
          self->drag_y1 = iy;
          if (!self->drag_idle)
            self->drag_idle = g_idle_add (drag_idle, self);
        }
    }
  update_status (self);
  return TRUE;
}

static gboolean
canvas_release (GtkWidget *canvas, GdkEventButton *event,
                SkcMapPainter *self)
{
  if (self->panning && (event->button == 2 || event->button == 1))
    {
      self->panning = FALSE;
      set_cursor (self);
    }
  else if ((self->stroking || self->dragging) && event->button == 1)
    end_edit (self);
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
  update_status (self);
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
  guint    key = gdk_keyval_to_lower (event->keyval);
  double   px, py; /* zooms keep the pointed point, else the centre */
  canvas_size (self, &px, &py);
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
  else if (key == GDK_KEY_plus || key == GDK_KEY_equal
           || key == GDK_KEY_KP_Add)
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
    apply_fit (self);
  else
    view_changed (self);
}

static void
canvas_realized (GtkWidget *canvas, SkcMapPainter *self)
{
  set_cursor (self);
}

/* ---- the object ---- */

static void
setting_changed (GtkAdjustment *adjustment, SkcMapPainter *self)
{
  gtk_widget_queue_draw (self->canvas);
}

static void
skc_map_painter_init (SkcMapPainter *self)
{
  skc_ui_vbox_init (self);
  gtk_box_set_spacing (GTK_BOX (self), 4);
  self->zoom = 1;
  self->fit = TRUE;
  self->throttle_ms = 100;
  self->overlay = TRUE;
  /* Adjustments are floating until a widget takes them; the painter holds
     its own reference for as long as it lives. */
  self->size = g_object_ref_sink (skc_ui_adjustment_new (40, 1, 2000, 1, 10));
  self->hardness = g_object_ref_sink (
    skc_ui_adjustment_new (0.5, 0, 1, 0.05, 0.1));
  self->value = g_object_ref_sink (skc_ui_adjustment_new (1, 0, 1, 0.05, 0.1));
  self->band_width = g_object_ref_sink (
    skc_ui_adjustment_new (60, 0, 10000, 1, 10));
  self->band_ramp = g_object_ref_sink (
    skc_ui_adjustment_new (120, 0, 10000, 1, 10));
  self->opacity = g_object_ref_sink (
    skc_ui_adjustment_new (0.6, 0, 1, 0.05, 0.1));
  g_signal_connect (self->opacity, "value-changed",
                    G_CALLBACK (setting_changed), self);
  g_signal_connect (self->band_width, "value-changed",
                    G_CALLBACK (setting_changed), self);
  g_signal_connect (self->band_ramp, "value-changed",
                    G_CALLBACK (setting_changed), self);

  self->canvas = gtk_drawing_area_new ();
  gtk_widget_set_size_request (self->canvas, 160, 120);
  gtk_widget_set_can_focus (self->canvas, TRUE);
  gtk_widget_add_events (self->canvas,
                         GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK
                           | GDK_POINTER_MOTION_MASK | GDK_SCROLL_MASK
                           | GDK_KEY_PRESS_MASK | GDK_KEY_RELEASE_MASK
                           | GDK_ENTER_NOTIFY_MASK | GDK_LEAVE_NOTIFY_MASK);
  skc_ui_connect_draw (self->canvas, canvas_draw, self);
  g_signal_connect (self->canvas, "button-press-event",
                    G_CALLBACK (canvas_press), self);
  g_signal_connect (self->canvas, "button-release-event",
                    G_CALLBACK (canvas_release), self);
  g_signal_connect (self->canvas, "motion-notify-event",
                    G_CALLBACK (canvas_motion), self);
  g_signal_connect (self->canvas, "enter-notify-event",
                    G_CALLBACK (canvas_crossing), self);
  g_signal_connect (self->canvas, "leave-notify-event",
                    G_CALLBACK (canvas_crossing), self);
  g_signal_connect (self->canvas, "scroll-event", G_CALLBACK (canvas_scroll),
                    self);
  g_signal_connect (self->canvas, "key-press-event", G_CALLBACK (canvas_key),
                    self);
  g_signal_connect (self->canvas, "key-release-event",
                    G_CALLBACK (canvas_key), self);
  g_signal_connect_after (self->canvas, "size-allocate",
                          G_CALLBACK (canvas_allocated), self);
  g_signal_connect (self->canvas, "realize", G_CALLBACK (canvas_realized),
                    self);

  GtkWidget *frame = gtk_frame_new (NULL);
  gtk_frame_set_shadow_type (GTK_FRAME (frame), GTK_SHADOW_IN);
  gtk_container_add (GTK_CONTAINER (frame), self->canvas);
  self->status = gtk_label_new ("");
  gtk_misc_set_alignment (GTK_MISC (self->status), 0.0, 0.5);
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);

  skc_map_painter_controls_build (self);
  gtk_box_pack_start (GTK_BOX (self), self->controls, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self), frame, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (self), self->status, FALSE, FALSE, 0);
  update_status (self);
  skc_map_painter_controls_sync (self);
}

static void
skc_map_painter_dispose (GObject *object)
{
  SkcMapPainter *self = SKC_MAP_PAINTER (object);
  if (self->drag_idle)
    g_source_remove (self->drag_idle);
  if (self->emit_timeout)
    g_source_remove (self->emit_timeout);
  self->drag_idle = self->emit_timeout = 0;
  /* The canvas and the spin buttons may outlive this dispose a little (and
     keep the adjustments alive): they must not call back into a painter
     that is going. */
  if (self->canvas)
    g_signal_handlers_disconnect_by_data (self->canvas, self);
  GtkAdjustment **adjustments[] = { &self->size,       &self->hardness,
                                    &self->value,      &self->band_width,
                                    &self->band_ramp,  &self->opacity };
  for (gsize i = 0; i < G_N_ELEMENTS (adjustments); i++)
    if (*adjustments[i])
      g_signal_handlers_disconnect_by_data (*adjustments[i], self);
  self->canvas = NULL;
  g_clear_object (&self->size);
  g_clear_object (&self->hardness);
  g_clear_object (&self->value);
  g_clear_object (&self->band_width);
  g_clear_object (&self->band_ramp);
  g_clear_object (&self->opacity);
  G_OBJECT_CLASS (skc_map_painter_parent_class)->dispose (object);
}

static void
skc_map_painter_finalize (GObject *object)
{
  SkcMapPainter *self = SKC_MAP_PAINTER (object);
  skc_paint_map_free (self->map);
  skc_map_painter_pyramid_free (self);
  g_free (self->image);
  G_OBJECT_CLASS (skc_map_painter_parent_class)->finalize (object);
}

static void
skc_map_painter_class_init (SkcMapPainterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = skc_map_painter_dispose;
  object_class->finalize = skc_map_painter_finalize;
  signals[MAP_CHANGED] = g_signal_new (
    "map-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
    NULL, g_cclosure_marshal_VOID__BOOLEAN, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
  signals[VIEW_CHANGED] = g_signal_new (
    "view-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
    NULL, g_cclosure_marshal_VOID__VOID, G_TYPE_NONE, 0);
}

/* ---- public API ---- */

GtkWidget *
skc_map_painter_new (void)
{
  return g_object_new (SKC_TYPE_MAP_PAINTER, NULL);
}

void
skc_map_painter_set_image (GtkWidget *painter, const guchar *rgba, int width,
                           int height, int stride)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && rgba && width > 0 && height > 0
                    && stride >= 4 * width);
  gboolean resized = width != self->width || height != self->height;
  if (resized)
    {
      g_free (self->image);
      self->image = g_new (guchar, (gsize) width * height * 4);
      self->width = width;
      self->height = height;
      if (!self->map || skc_paint_map_width (self->map) != width
          || skc_paint_map_height (self->map) != height)
        {
          skc_paint_map_free (self->map);
          self->map = skc_paint_map_new (width, height);
        }
      self->stroking = self->dragging = self->have_last = FALSE;
    }
  for (int y = 0; y < height; y++)
    memcpy (self->image + (gsize) y * width * 4, rgba + (gsize) y * stride,
            (gsize) width * 4);
  if (resized)
    skc_map_painter_pyramid_resize (self);
  else
    skc_map_painter_pyramid_update (self, 0, 0, width, height);
  if (resized)
    {
      gtk_adjustment_set_upper (self->band_width, 2.0 * MAX (width, height));
      gtk_adjustment_set_upper (self->band_ramp, 2.0 * MAX (width, height));
      self->fit = TRUE;
      apply_fit (self);
    }
  skc_map_painter_controls_sync (self);
  gtk_widget_queue_draw (self->canvas);
}

void
skc_map_painter_update_image (GtkWidget *painter, const guchar *rgba, int x,
                              int y, int width, int height, int stride)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->image && rgba && x >= 0 && y >= 0
                    && width >= 0 && height >= 0 && x + width <= self->width
                    && y + height <= self->height && stride >= 4 * width);
  for (int r = 0; r < height; r++)
    memcpy (self->image + ((gsize) (y + r) * self->width + x) * 4,
            rgba + (gsize) r * stride, (gsize) width * 4);
  skc_map_painter_pyramid_update (self, x, y, width, height);
  SkcPaintRect rect = { x, y, width, height };
  queue_image_rect (self, &rect);
}

gboolean
skc_map_painter_set_map (GtkWidget *painter, const float *map, int width,
                         int height)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_val_if_fail (self && map && width > 0 && height > 0, FALSE);
  if (self->image && (width != self->width || height != self->height))
    {
      g_warning ("skc map painter: a %d×%d map for a %d×%d image", width,
                 height, self->width, self->height);
      return FALSE;
    }
  if (!self->map || skc_paint_map_width (self->map) != width
      || skc_paint_map_height (self->map) != height)
    {
      skc_paint_map_free (self->map);
      self->map = skc_paint_map_new (width, height);
    }
  if (!self->image)
    {
      /* No image yet: show the map's size, so the view has its geometry. */
      self->width = width;
      self->height = height;
      apply_fit (self);
    }
  self->stroking = self->dragging = FALSE;
  skc_paint_map_load (self->map, map);
  skc_map_painter_controls_sync (self);
  gtk_widget_queue_draw (self->canvas);
  return TRUE;
}

const float *
skc_map_painter_get_map (GtkWidget *painter, int *width, int *height)
{
  SkcMapPainter *self = painter_of (painter);
  if (width)
    *width = self && self->map ? skc_paint_map_width (self->map) : 0;
  if (height)
    *height = self && self->map ? skc_paint_map_height (self->map) : 0;
  return self && self->map ? skc_paint_map_data (self->map) : NULL;
}

void
skc_map_painter_set_tool (GtkWidget *painter, SkcMapTool tool)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && tool <= SKC_MAP_TOOL_RADIAL);
  if (self->stroking || self->dragging)
    end_edit (self);
  self->tool = tool;
  skc_map_painter_controls_sync (self);
  update_status (self);
  gtk_widget_queue_draw (self->canvas);
}

SkcMapTool
skc_map_painter_get_tool (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self ? self->tool : SKC_MAP_TOOL_BRUSH;
}

void
skc_map_painter_set_brush_size (GtkWidget *painter, double size)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  gtk_adjustment_set_value (self->size, size);
}

void
skc_map_painter_set_brush_hardness (GtkWidget *painter, double hardness)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  gtk_adjustment_set_value (self->hardness, hardness);
}

void
skc_map_painter_set_brush_value (GtkWidget *painter, double value)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  gtk_adjustment_set_value (self->value, value);
}

void
skc_map_painter_set_band (GtkWidget *painter, double width, double ramp)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  gtk_adjustment_set_value (self->band_width, width);
  gtk_adjustment_set_value (self->band_ramp, ramp);
}

void
skc_map_painter_set_overlay (GtkWidget *painter, gboolean shown,
                             double opacity)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  self->overlay = shown;
  gtk_adjustment_set_value (self->opacity, opacity);
  skc_map_painter_controls_sync (self);
  gtk_widget_queue_draw (self->canvas);
}

void
skc_map_painter_set_controls_visible (GtkWidget *painter, gboolean visible)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  gtk_widget_set_no_show_all (self->controls, !visible);
  gtk_widget_set_no_show_all (self->status, !visible);
  if (visible)
    {
      gtk_widget_show_all (self->controls);
      gtk_widget_show (self->status);
      skc_map_painter_controls_sync (self);
    }
  else
    {
      gtk_widget_hide (self->controls);
      gtk_widget_hide (self->status);
    }
}

void
skc_map_painter_set_throttle (GtkWidget *painter, guint ms)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  self->throttle_ms = ms;
}

/* A whole-map edit made in one go. */
static void
edit_whole (SkcMapPainter *self)
{
  self->stroking = self->dragging = FALSE;
  gtk_widget_queue_draw (self->canvas);
  changed_finished (self, skc_paint_map_end (self->map));
}

void
skc_map_painter_fill (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->map);
  skc_paint_map_begin (self->map);
  skc_paint_map_fill (self->map,
                      (float) gtk_adjustment_get_value (self->value));
  edit_whole (self);
}

void
skc_map_painter_clear (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->map);
  skc_paint_map_begin (self->map);
  skc_paint_map_fill (self->map, 0.0f);
  edit_whole (self);
}

void
skc_map_painter_invert (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->map);
  skc_paint_map_begin (self->map);
  skc_paint_map_invert (self->map);
  edit_whole (self);
}

void
skc_map_painter_band (GtkWidget *painter, double x0, double y0, double x1,
                      double y1)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->map);
  skc_paint_map_begin (self->map);
  skc_paint_map_band (self->map, x0, y0, x1, y1,
                      gtk_adjustment_get_value (self->band_width),
                      gtk_adjustment_get_value (self->band_ramp));
  edit_whole (self);
}

void
skc_map_painter_radial (GtkWidget *painter, double cx, double cy,
                        double radius)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && self->map);
  skc_paint_map_begin (self->map);
  skc_paint_map_radial (self->map, cx, cy, radius);
  edit_whole (self);
}

static gboolean
history_step (SkcMapPainter *self, gboolean redo)
{
  if (!self->map)
    return FALSE;
  if (self->stroking || self->dragging)
    end_edit (self);
  SkcPaintRect changed;
  gboolean     done = redo ? skc_paint_map_redo (self->map, &changed)
                           : skc_paint_map_undo (self->map, &changed);
  if (done)
    queue_image_rect (self, &changed);
  changed_finished (self, done);
  return done;
}

gboolean
skc_map_painter_undo (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self && history_step (self, FALSE);
}

gboolean
skc_map_painter_redo (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self && history_step (self, TRUE);
}

gboolean
skc_map_painter_can_undo (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self && self->map && skc_paint_map_can_undo (self->map);
}

gboolean
skc_map_painter_can_redo (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self && self->map && skc_paint_map_can_redo (self->map);
}

void
skc_map_painter_zoom_fit (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  self->fit = TRUE;
  apply_fit (self);
}

void
skc_map_painter_set_view (GtkWidget *painter, double zoom, double centre_x,
                          double centre_y)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && zoom > 0);
  self->fit = FALSE;
  set_view (self, zoom, centre_x, centre_y);
}

double
skc_map_painter_get_zoom (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self ? self->zoom : 1.0;
}

void
skc_map_painter_get_visible (GtkWidget *painter, int *x, int *y, int *width,
                             int *height)
{
  SkcMapPainter *self = painter_of (painter);
  double         w, h, x0, y0, x1, y1;
  g_return_if_fail (self);
  canvas_size (self, &w, &h);
  to_image (self, 0, 0, &x0, &y0);
  to_image (self, w, h, &x1, &y1);
  int ax = CLAMP ((int) floor (x0), 0, self->width);
  int ay = CLAMP ((int) floor (y0), 0, self->height);
  int bx = CLAMP ((int) ceil (x1), 0, self->width);
  int by = CLAMP ((int) ceil (y1), 0, self->height);
  *x = ax;
  *y = ay;
  *width = bx - ax;
  *height = by - ay;
}

GtkWidget *
skc_map_painter_get_canvas (GtkWidget *painter)
{
  SkcMapPainter *self = painter_of (painter);
  return self ? self->canvas : NULL;
}

void
skc_map_painter_image_to_canvas (GtkWidget *painter, double ix, double iy,
                                 double *cx, double *cy)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  to_canvas (self, ix, iy, cx, cy);
}

void
skc_map_painter_canvas_to_image (GtkWidget *painter, double cx, double cy,
                                 double *ix, double *iy)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  to_image (self, cx, cy, ix, iy);
}
