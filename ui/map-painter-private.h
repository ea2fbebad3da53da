/* skc — what the map painter's files share: the widget's state.  The
 * widget (edits, API) lives in map-painter.c, its canvas (view, drawing,
 * pointer) in map-painter-canvas.c, its tool bar in
 * map-painter-controls.c, the zoomed-out copies of the image in
 * map-painter-pyramid.c, the map and its history in map-painter-map.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_MAP_PAINTER_PRIVATE_H
#define SKC_UI_MAP_PAINTER_PRIVATE_H

#include "compat.h"
#include "map-painter-map.h"
#include "map-painter.h"

G_BEGIN_DECLS

typedef struct _SkcMapPainter SkcMapPainter;

/* One level of the image pyramid: packed RGBA. */
typedef struct
{
  guchar *rgba;
  int width, height;
} SkcPainterLevel;

#define SKC_PAINTER_LEVELS 7 /* down to 1/64, the smallest zoom */

#define SKC_MAP_PAINTER(o)                                                     \
  (G_TYPE_CHECK_INSTANCE_CAST ((o), SKC_TYPE_MAP_PAINTER, SkcMapPainter))

struct _SkcMapPainter
{
  SkcUiVBox parent;
  GtkWidget *controls, *canvas, *status;
  SkcPaintMap *map;
  guchar *image; /* packed RGBA, width × height */
  int width, height;
  /* levels[0] is the image, each next one half the size before. */
  SkcPainterLevel levels[SKC_PAINTER_LEVELS];
  int n_levels;

  /* Tool settings: the adjustments are the model the tool bar shows. */
  SkcMapTool tool;
  GtkAdjustment *size, *hardness, *value, *band_width, *band_ramp;
  GtkAdjustment *opacity;
  gboolean overlay;
  guint throttle_ms;

  /* The tool bar's widgets that follow the state. */
  GtkWidget *tool_buttons[3], *overlay_check, *undo_button, *redo_button;
  GtkWidget *zoom_label;
  /* Label and spin button pairs: size, hardness, then the value; band
     width, ramp.  Only the current tool's are shown. */
  GtkWidget *brush_widgets[6], *band_widgets[4];
  gboolean syncing; /* tool bar being set from the state */

  /* View: canvas pixels per image pixel and the image point at the
     canvas's centre. */
  double zoom, centre_x, centre_y;
  gboolean fit;

  /* Pointer. */
  gboolean space_down, panning, stroking, dragging;
  double pointer_x, pointer_y; /* canvas; < 0 when outside */
  gboolean pointer_in;
  double pan_x, pan_y;   /* canvas point where the pan began */
  double last_x, last_y; /* image: the stroke's last dab */
  gboolean have_last;    /* for shift-click straight lines */
  double drag_x0, drag_y0, drag_x1, drag_y1; /* image: band / radial */
  guint drag_idle;  /* pending recomputation of a dragged tool */
  gint64 last_emit; /* monotonic µs of the last throttled emission */
  guint emit_timeout;
  gboolean sent_partial; /* throttled emissions since the last final one */
};

typedef struct
{
  SkcUiVBoxClass parent_class;
} SkcMapPainterClass;

/* map-painter-pyramid.c: (re)allocates the levels for the image's size,
 * recomputes them over the image rectangle x, y, width × height, frees
 * them. */
void skc_map_painter_pyramid_resize (SkcMapPainter *self);
void skc_map_painter_pyramid_update (SkcMapPainter *self, int x, int y,
                                     int width, int height);
void skc_map_painter_pyramid_free (SkcMapPainter *self);

/* map-painter-controls.c: builds self->controls (packed by the caller) and
 * keeps it in step with the state. */
void skc_map_painter_controls_build (SkcMapPainter *self);
void skc_map_painter_controls_sync (SkcMapPainter *self);

/* map-painter-canvas.c: the canvas with its pointer and key handlers; the
 * canvas's size in pixels; image and canvas coordinates under the view;
 * setting the view (the centre stays within the image, so some of it is
 * always in view) or fitting the image in; redrawing an image rectangle. */
GtkWidget *skc_map_painter_canvas_new (SkcMapPainter *self);
void skc_map_painter_canvas_size (SkcMapPainter *self, double *w, double *h);
void skc_map_painter_view_to_canvas (SkcMapPainter *self, double ix, double iy,
                                     double *cx, double *cy);
void skc_map_painter_view_to_image (SkcMapPainter *self, double cx, double cy,
                                    double *ix, double *iy);
void skc_map_painter_view_set (SkcMapPainter *self, double zoom,
                               double centre_x, double centre_y);
void skc_map_painter_view_fit (SkcMapPainter *self);
void skc_map_painter_queue_image_rect (SkcMapPainter *self,
                                       const SkcPaintRect *r);

/* map-painter.c, for the canvas: the view moved; during a stroke, at most
 * one "map-changed" per throttle period, the last change of a period
 * being sent at its end; the status line; a dragged band or focus point
 * to recompute when idle; the end of the edit in progress. */
void skc_map_painter_view_changed (SkcMapPainter *self);
void skc_map_painter_changed_throttled (SkcMapPainter *self);
void skc_map_painter_update_status (SkcMapPainter *self);
void skc_map_painter_drag_queue (SkcMapPainter *self);
void skc_map_painter_end_edit (SkcMapPainter *self);

G_END_DECLS

#endif
