/* skc — the kernel designer's drawing: an odd square grid of ink (0..1 per
 * cell, the kernel's relative weight there), the tools that change it
 * (brush, eraser, bucket fill, polygon, clear, invert) under the symmetry
 * modes, and undo/redo.  GLib only: the widget (designer.c) maps the
 * pointer to cells and calls these.  Not thread-safe (main thread).
 *
 * Coordinates are in cells relative to the centre cell (u to the right,
 * v downwards): cell (x, y) of an N-cell grid has its centre at
 * u = x - N / 2, v = y - N / 2.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_DESIGNER_PAINT_H
#define SKC_UI_DESIGNER_PAINT_H

#include <glib.h>

#include "skc/image.h"

G_BEGIN_DECLS

/* Which copies of every mark are made: mirror_x reflects u -> -u (left and
 * right), mirror_y v -> -v, n_fold > 1 adds rotations by 360 / n_fold
 * degrees about the centre (with a mirror, the full dihedral group). */
typedef struct
{
  gboolean mirror_x;
  gboolean mirror_y;
  gint n_fold;
} SkcSymmetry;

/* The most copies one mark can have (n_fold up to 16, two mirrors). */
#define SKC_SYMMETRY_MAX_COPIES 64

/* A brush: diameter in cells, hardness 0 (soft from the centre) .. 1 (a
 * one-cell anti-aliased edge), opacity 0..1; ink 1 paints, 0 erases. */
typedef struct
{
  gdouble size;
  gdouble hardness;
  gdouble opacity;
  gfloat ink;
} SkcBrush;

typedef struct SkcPaint SkcPaint;

/* An empty grid of size x size cells (odd, 3..SKC_PAINT_MAX_SIZE). */
#define SKC_PAINT_MAX_SIZE 257
SkcPaint *skc_paint_new (gint size);
void skc_paint_free (SkcPaint *p);
gint skc_paint_size (const SkcPaint *p);
/* The ink, 1 channel, size x size; valid until the next edit. */
const skc_image *skc_paint_image (const SkcPaint *p);

void skc_paint_set_symmetry (SkcPaint *p, const SkcSymmetry *symmetry);
const SkcSymmetry *skc_paint_get_symmetry (const SkcPaint *p);
/* The images of (u, v) under the symmetry (the point itself first);
 * returns their count (at most SKC_SYMMETRY_MAX_COPIES). */
gint skc_paint_symmetric_points (const SkcPaint *p, gdouble u, gdouble v,
                                 gdouble *us, gdouble *vs);

/* A stroke: one undo step.  Within a stroke the brush's marks do not
 * build up beyond its opacity (as in GIMP): each cell takes the strongest
 * mark it got, so the result does not depend on the order of the marks and
 * mirrored strokes give exactly mirrored ink.  Each returns whether the
 * ink changed. */
gboolean skc_paint_stroke_begin (SkcPaint *p, const SkcBrush *brush, gdouble u,
                                 gdouble v);
gboolean skc_paint_stroke_to (SkcPaint *p, gdouble u, gdouble v);
/* Ends the stroke; returns whether it changed anything (if not, it leaves
 * no undo step). */
gboolean skc_paint_stroke_end (SkcPaint *p);
gboolean skc_paint_in_stroke (const SkcPaint *p);

/* Flood-fills the cells connected to (u, v) whose ink is within 0.2 of
 * that cell's, with the brush's ink and opacity. */
gboolean skc_paint_fill (SkcPaint *p, const SkcBrush *brush, gdouble u,
                         gdouble v);
/* Fills a closed polygon (count vertices, even-odd rule, edges
 * anti-aliased) with the brush's ink and opacity. */
gboolean skc_paint_polygon (SkcPaint *p, const SkcBrush *brush,
                            const gdouble *us, const gdouble *vs, gint count);
gboolean skc_paint_clear (SkcPaint *p);
gboolean skc_paint_invert (SkcPaint *p);
/* Replaces the ink with `ink` (same size, values clamped to 0..1). */
gboolean skc_paint_replace (SkcPaint *p, const skc_image *ink);
/* A new grid size: the ink is area-resampled to it (one undo step). */
gboolean skc_paint_resize (SkcPaint *p, gint size);

gboolean skc_paint_undo (SkcPaint *p);
gboolean skc_paint_redo (SkcPaint *p);
gboolean skc_paint_can_undo (const SkcPaint *p);
gboolean skc_paint_can_redo (const SkcPaint *p);
/* Replaces the ink without an undo step of its own: it joins the last
 * one (a shape's keys being dragged make one step). */
void skc_paint_replace_last (SkcPaint *p, const skc_image *ink);

G_END_DECLS

#endif
