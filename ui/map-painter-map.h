/* skc — the blur map being painted: a float array (0 = sharp, 1 = the
 * largest blur) with the painter's edits and their undo history.  Plain
 * GLib, no GTK, so that every edit is exact and testable on its own.
 *
 * Edits happen inside a step (begin .. end); a step remembers the 64×64
 * tiles it touched as they were, so that undoing a brush stroke costs the
 * stroke's area and not the whole map.  Undo and redo swap a step's tiles
 * with the map's: the same step then holds what redo needs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_MAP_PAINTER_MAP_H
#define SKC_MAP_PAINTER_MAP_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct SkcPaintMap SkcPaintMap;

/* The rectangle an edit changed, in map pixels (width 0 when none). */
typedef struct
{
  int x, y, width, height;
} SkcPaintRect;

/* A map of width × height zeros (both ≥ 1). */
SkcPaintMap *skc_paint_map_new (int width, int height);
void skc_paint_map_free (SkcPaintMap *m);
int skc_paint_map_width (const SkcPaintMap *m);
int skc_paint_map_height (const SkcPaintMap *m);
/* width × height values, row by row; valid until the next edit. */
const float *skc_paint_map_data (const SkcPaintMap *m);
/* Replaces every value (clamped to 0..1) and forgets the history. */
void skc_paint_map_load (SkcPaintMap *m, const float *values);

/* Opens a step (closing an open one first) / closes it; a step that
 * changed nothing leaves no trace in the history.  end returns whether
 * the step changed the map. */
void skc_paint_map_begin (SkcPaintMap *m);
gboolean skc_paint_map_end (SkcPaintMap *m);

/* A round dab centred at (cx, cy) (image coordinates: pixel (x, y) spans
 * [x, x+1) × [y, y+1)) of the given radius: fully `value` within
 * hardness × radius of the centre, easing to no change at the radius.
 * Within one step the dabs of a stroke do not pile up: each pixel moves
 * toward `value` by the largest coverage any dab gave it, as a stroke of
 * GIMP's paint brush does.  Opens a step if none is.  Adds what it
 * changed to *changed (may be NULL). */
void skc_paint_map_dab (SkcPaintMap *m, double cx, double cy, double radius,
                        double hardness, float value, SkcPaintRect *changed);
/* The dabs of a stroke segment from (x0, y0) to (x1, y1), spaced so that
 * the stroke has no beads; the dab at (x0, y0) is not repeated. */
void skc_paint_map_segment (SkcPaintMap *m, double x0, double y0, double x1,
                            double y1, double radius, double hardness,
                            float value, SkcPaintRect *changed);
/* Tilt-shift: 0 within width / 2 of the line through (x0, y0) and
 * (x1, y1), rising linearly to 1 over `ramp` beyond (a step at the band's
 * edge when ramp is 0).  Two equal points make a horizontal line. */
void skc_paint_map_band (SkcPaintMap *m, double x0, double y0, double x1,
                         double y1, double width, double ramp);
/* A focus point: 0 at (cx, cy), rising linearly to 1 at `radius` from it
 * (1 everywhere but the point's pixel when radius is 0). */
void skc_paint_map_radial (SkcPaintMap *m, double cx, double cy, double radius);
void skc_paint_map_fill (SkcPaintMap *m, float value);
/* v ← 1 − v everywhere. */
void skc_paint_map_invert (SkcPaintMap *m);

/* Undo or redo one step (closing an open one first); FALSE when there is
 * nothing to undo or redo.  *changed (may be NULL) is what it changed. */
gboolean skc_paint_map_undo (SkcPaintMap *m, SkcPaintRect *changed);
gboolean skc_paint_map_redo (SkcPaintMap *m, SkcPaintRect *changed);
gboolean skc_paint_map_can_undo (const SkcPaintMap *m);
gboolean skc_paint_map_can_redo (const SkcPaintMap *m);
/* The history keeps the newest steps that fit in this many bytes (and
 * always the last one); 256 MiB by default. */
void skc_paint_map_set_history_limit (SkcPaintMap *m, gsize bytes);

G_END_DECLS

#endif
