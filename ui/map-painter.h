/* skc — the blur map painter: a view of the image (zoom, pan) on which
 * the user paints the blur map with a brush, a tilt-shift band or a focus
 * point, with fill, clear, invert, undo and redo, and an optional tinted
 * overlay of the map.  GTK 2 or GTK 3 and GLib only, no libgimp: the
 * plug-in moves pixels and maps between it and GIMP.
 *
 * Map values follow the blur-map semantics of the architecture notes:
 * 0 is sharp (the default focus), 1 the largest blur.  The image is
 * copied: the caller's buffers may go once a call returns.  Main thread
 * only, like the rest of GTK.
 *
 * Signals:
 *   "map-changed" (GtkWidget *painter, gboolean finished): the user edited
 *     the map.  finished is TRUE once an edit is complete (stroke released,
 *     fill, undo, ...) and FALSE for the throttled updates sent while a
 *     stroke or a drag is still going on (see set_throttle), so a preview
 *     can follow the brush and do its best work at the end.  Not emitted
 *     by set_image or set_map.
 *   "view-changed" (GtkWidget *painter): zoom or pan changed what is
 *     visible (see get_visible), e.g. for a preview of the visible part.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_MAP_PAINTER_H
#define SKC_UI_MAP_PAINTER_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SKC_TYPE_MAP_PAINTER (skc_map_painter_get_type ())
#define SKC_IS_MAP_PAINTER(o)                                                  \
  (G_TYPE_CHECK_INSTANCE_TYPE ((o), SKC_TYPE_MAP_PAINTER))

typedef enum
{
  SKC_MAP_TOOL_BRUSH, /* paint the brush value */
  SKC_MAP_TOOL_BAND,  /* drag the focus line of a tilt-shift band */
  SKC_MAP_TOOL_RADIAL /* click the focus point, drag the radius */
} SkcMapTool;

GType skc_map_painter_get_type (void) G_GNUC_CONST;
/* A painter with its tool bar above the view, and no image: set one. */
GtkWidget *skc_map_painter_new (void);

/* The image shown, 8-bit RGBA (not premultiplied), rows `stride` bytes
 * apart.  A new size starts a new map of zeros (and a fitted view, and an
 * empty history); the same size keeps map, view and history, so a preview
 * can replace the image while the user paints. */
void skc_map_painter_set_image (GtkWidget *painter, const guchar *rgba,
                                int width, int height, int stride);
/* Replaces part of the shown image: the rectangle x, y, width × height,
 * rows of `rgba` being `stride` bytes apart (a preview of the visible
 * part, say). */
void skc_map_painter_update_image (GtkWidget *painter, const guchar *rgba,
                                   int x, int y, int width, int height,
                                   int stride);
/* Replaces the map (width × height values, clamped to 0..1; the image's
 * size once an image is set) and empties the history. */
gboolean skc_map_painter_set_map (GtkWidget *painter, const float *map,
                                  int width, int height);
/* The map, width × height values row by row, or NULL before the first
 * image or map; valid until the next edit. */
const float *skc_map_painter_get_map (GtkWidget *painter, int *width,
                                      int *height);

/* Tools and their settings (also on the tool bar).  Sizes are in image
 * pixels. */
void skc_map_painter_set_tool (GtkWidget *painter, SkcMapTool tool);
SkcMapTool skc_map_painter_get_tool (GtkWidget *painter);
/* Brush diameter (1 .. 2000). */
void skc_map_painter_set_brush_size (GtkWidget *painter, double size);
/* 0: soft all the way from the centre, 1: a hard (antialiased) edge. */
void skc_map_painter_set_brush_hardness (GtkWidget *painter, double hardness);
/* The map value the brush and fill put down (0 .. 1). */
void skc_map_painter_set_brush_value (GtkWidget *painter, double value);
/* The band tool: the sharp band's full width and the length over which the
 * map then rises from 0 to 1. */
void skc_map_painter_set_band (GtkWidget *painter, double width, double ramp);
/* The tinted overlay of the map on the image, and its strength at map 1
 * (0 .. 1). */
void skc_map_painter_set_overlay (GtkWidget *painter, gboolean shown,
                                  double opacity);
/* Shows or hides the tool bar (a caller with its own controls hides it). */
void skc_map_painter_set_controls_visible (GtkWidget *painter,
                                           gboolean visible);
/* The least time between two "map-changed" of one stroke (default 100). */
void skc_map_painter_set_throttle (GtkWidget *painter, guint ms);

/* Map edits, as the tool bar's buttons make them: each is one undo step
 * and emits "map-changed". */
void skc_map_painter_fill (GtkWidget *painter);
void skc_map_painter_clear (GtkWidget *painter);
void skc_map_painter_invert (GtkWidget *painter);
/* A band through (x0, y0)–(x1, y1) or a focus point at (cx, cy) reaching 1
 * at `radius`, in image coordinates, as if dragged with the tool. */
void skc_map_painter_band (GtkWidget *painter, double x0, double y0, double x1,
                           double y1);
void skc_map_painter_radial (GtkWidget *painter, double cx, double cy,
                             double radius);
gboolean skc_map_painter_undo (GtkWidget *painter);
gboolean skc_map_painter_redo (GtkWidget *painter);
gboolean skc_map_painter_can_undo (GtkWidget *painter);
gboolean skc_map_painter_can_redo (GtkWidget *painter);

/* The view.  Zoom is screen pixels per image pixel (1/64 .. 64); the
 * centre is the image point shown at the canvas's centre.  Fit shows the
 * whole image and keeps doing so as the canvas is resized, until the user
 * zooms or pans. */
void skc_map_painter_zoom_fit (GtkWidget *painter);
void skc_map_painter_set_view (GtkWidget *painter, double zoom, double centre_x,
                               double centre_y);
double skc_map_painter_get_zoom (GtkWidget *painter);
/* The image rectangle (clipped to the image) the canvas shows. */
void skc_map_painter_get_visible (GtkWidget *painter, int *x, int *y,
                                  int *width, int *height);

/* The widget that receives the pointer, and the mapping between its
 * coordinates and image coordinates (pixel (x, y) spans [x, x+1) ×
 * [y, y+1)); for tests and for callers drawing their own marks. */
GtkWidget *skc_map_painter_get_canvas (GtkWidget *painter);
void skc_map_painter_image_to_canvas (GtkWidget *painter, double ix, double iy,
                                      double *cx, double *cy);
void skc_map_painter_canvas_to_image (GtkWidget *painter, double cx, double cy,
                                      double *ix, double *iy);

G_END_DECLS

#endif
