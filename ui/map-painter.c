/* skc — the blur map painter (see map-painter.h): the widget, its edits of
 * the map and when listeners hear of them, the public API (the canvas,
 * view and pointer are in map-painter-canvas.c, the tool bar in
 * map-painter-controls.c, the map and its history in map-painter-map.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-private.h"

#include "compat.h"

#include <math.h>
#include <string.h>

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

/* ---- view (the rest: map-painter-canvas.c) ---- */

void
skc_map_painter_view_changed (SkcMapPainter *self)
{
  skc_map_painter_controls_sync (self);
  gtk_widget_queue_draw (self->canvas);
  g_signal_emit (self, signals[VIEW_CHANGED], 0);
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

void
skc_map_painter_changed_throttled (SkcMapPainter *self)
{
  gint64 now = g_get_monotonic_time ();
  gint64 wait = self->last_emit + (gint64) self->throttle_ms * 1000 - now;
  if (self->emit_timeout)
    return;
  if (wait <= 0)
    emit_pending (self);
  else
    self->emit_timeout
        = g_timeout_add ((guint) (wait / 1000) + 1, emit_pending, self);
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

void
skc_map_painter_update_status (SkcMapPainter *self)
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
      skc_map_painter_view_to_image (self, self->pointer_x, self->pointer_y,
                                     &ix, &iy);
      int x = (int) floor (ix), y = (int) floor (iy);
      if (x >= 0 && y >= 0 && x < self->width && y < self->height)
        g_string_append_printf (
            s, "  (%d, %d): blur %.2f", x, y,
            skc_paint_map_data (self->map)[(gsize) y * self->width + x]);
    }
  gtk_label_set_text (GTK_LABEL (self->status), s->str);
  g_string_free (s, TRUE);
}

static void
drag_apply (SkcMapPainter *self)
{
  if (self->tool == SKC_MAP_TOOL_BAND)
    skc_paint_map_band (self->map, self->drag_x0, self->drag_y0, self->drag_x1,
                        self->drag_y1,
                        gtk_adjustment_get_value (self->band_width),
                        gtk_adjustment_get_value (self->band_ramp));
  else
    skc_paint_map_radial (
        self->map, self->drag_x0, self->drag_y0,
        hypot (self->drag_x1 - self->drag_x0, self->drag_y1 - self->drag_y0));
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
  skc_map_painter_changed_throttled (self);
  return G_SOURCE_REMOVE;
}

void
skc_map_painter_drag_queue (SkcMapPainter *self)
{
  if (!self->drag_idle)
    self->drag_idle = g_idle_add (drag_idle, self);
}

void
skc_map_painter_end_edit (SkcMapPainter *self)
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
  self->hardness
      = g_object_ref_sink (skc_ui_adjustment_new (0.5, 0, 1, 0.05, 0.1));
  self->value = g_object_ref_sink (skc_ui_adjustment_new (1, 0, 1, 0.05, 0.1));
  self->band_width
      = g_object_ref_sink (skc_ui_adjustment_new (60, 0, 10000, 1, 10));
  self->band_ramp
      = g_object_ref_sink (skc_ui_adjustment_new (120, 0, 10000, 1, 10));
  self->opacity
      = g_object_ref_sink (skc_ui_adjustment_new (0.6, 0, 1, 0.05, 0.1));
  g_signal_connect (self->opacity, "value-changed",
                    G_CALLBACK (setting_changed), self);
  g_signal_connect (self->band_width, "value-changed",
                    G_CALLBACK (setting_changed), self);
  g_signal_connect (self->band_ramp, "value-changed",
                    G_CALLBACK (setting_changed), self);

  self->canvas = skc_map_painter_canvas_new (self);

  GtkWidget *frame = gtk_frame_new (NULL);
  gtk_frame_set_shadow_type (GTK_FRAME (frame), GTK_SHADOW_IN);
  gtk_container_add (GTK_CONTAINER (frame), self->canvas);
  self->status = gtk_label_new ("");
  gtk_misc_set_alignment (GTK_MISC (self->status), 0.0, 0.5);
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  /* GTK 3 asks a whole ellipsized line's width: not the window's. */
  gtk_label_set_max_width_chars (GTK_LABEL (self->status), 40);

  skc_map_painter_controls_build (self);
  gtk_box_pack_start (GTK_BOX (self), self->controls, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (self), frame, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (self), self->status, FALSE, FALSE, 0);
  skc_map_painter_update_status (self);
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
  GtkAdjustment **adjustments[]
      = { &self->size,       &self->hardness,  &self->value,
          &self->band_width, &self->band_ramp, &self->opacity };
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
      skc_map_painter_view_fit (self);
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
  skc_map_painter_queue_image_rect (self, &rect);
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
      skc_map_painter_view_fit (self);
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
    skc_map_painter_end_edit (self);
  self->tool = tool;
  skc_map_painter_controls_sync (self);
  skc_map_painter_update_status (self);
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
skc_map_painter_set_overlay (GtkWidget *painter, gboolean shown, double opacity)
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
skc_map_painter_radial (GtkWidget *painter, double cx, double cy, double radius)
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
    skc_map_painter_end_edit (self);
  SkcPaintRect changed;
  gboolean done = redo ? skc_paint_map_redo (self->map, &changed)
                       : skc_paint_map_undo (self->map, &changed);
  if (done)
    skc_map_painter_queue_image_rect (self, &changed);
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
  skc_map_painter_view_fit (self);
}

void
skc_map_painter_set_view (GtkWidget *painter, double zoom, double centre_x,
                          double centre_y)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self && zoom > 0);
  self->fit = FALSE;
  skc_map_painter_view_set (self, zoom, centre_x, centre_y);
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
  double w, h, x0, y0, x1, y1;
  g_return_if_fail (self);
  skc_map_painter_canvas_size (self, &w, &h);
  skc_map_painter_view_to_image (self, 0, 0, &x0, &y0);
  skc_map_painter_view_to_image (self, w, h, &x1, &y1);
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
  skc_map_painter_view_to_canvas (self, ix, iy, cx, cy);
}

void
skc_map_painter_canvas_to_image (GtkWidget *painter, double cx, double cy,
                                 double *ix, double *iy)
{
  SkcMapPainter *self = painter_of (painter);
  g_return_if_fail (self);
  skc_map_painter_view_to_image (self, cx, cy, ix, iy);
}
