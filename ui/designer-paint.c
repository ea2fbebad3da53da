/* skc — the kernel designer's drawing (see designer-paint.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "designer-paint.h"

#include <math.h>
#include <string.h>

#include "skc/kernel.h"

/* Undo steps kept (a 65-cell grid is 17 kB a step). */
#define HISTORY_MAX 100
/* Bucket fill: neighbours this close to the clicked cell's ink join. */
#define FILL_THRESHOLD 0.2f
/* Polygon edges: samples per cell side. */
#define POLYGON_SAMPLES 5

struct SkcPaint
{
  skc_image ink;
  SkcSymmetry symmetry;
  GPtrArray *undo, *redo; /* of skc_image *, oldest first */
  /* The stroke in progress: the ink before it and the strongest mark each
     cell got. */
  gboolean stroking, stroke_changed;
  SkcBrush brush;
  skc_image base;
  float *mask;
  gdouble last_u, last_v;
};

static skc_image *
image_dup (const skc_image *src)
{
  skc_image *copy = g_new0 (skc_image, 1);
  if (skc_image_copy (src, copy) != SKC_OK)
    g_error ("skc designer: out of memory");
  return copy;
}

static void
image_destroy (gpointer data)
{
  skc_image_free (data);
  g_free (data);
}

static void
alloc_grid (skc_image *img, gint size)
{
  if (skc_image_alloc (img, size, size, 1) != SKC_OK)
    g_error ("skc designer: out of memory");
}

SkcPaint *
skc_paint_new (gint size)
{
  g_return_val_if_fail (size >= 3 && size <= SKC_PAINT_MAX_SIZE && size % 2,
                        NULL);
  SkcPaint *p = g_new0 (SkcPaint, 1);
  alloc_grid (&p->ink, size);
  p->symmetry.n_fold = 1;
  p->undo = g_ptr_array_new_with_free_func (image_destroy);
  p->redo = g_ptr_array_new_with_free_func (image_destroy);
  return p;
}

void
skc_paint_free (SkcPaint *p)
{
  if (!p)
    return;
  skc_image_free (&p->ink);
  skc_image_free (&p->base);
  g_free (p->mask);
  g_ptr_array_unref (p->undo);
  g_ptr_array_unref (p->redo);
  g_free (p);
}

gint
skc_paint_size (const SkcPaint *p)
{
  return p->ink.width;
}

const skc_image *
skc_paint_image (const SkcPaint *p)
{
  return &p->ink;
}

void
skc_paint_set_symmetry (SkcPaint *p, const SkcSymmetry *symmetry)
{
  p->symmetry = *symmetry;
  p->symmetry.n_fold = CLAMP (symmetry->n_fold, 1, 16);
}

const SkcSymmetry *
skc_paint_get_symmetry (const SkcPaint *p)
{
  return &p->symmetry;
}

/* Rotation by k / n turns.  Quarter turns are exact, so that 2-fold and
 * 4-fold copies (and the half turn of any even order) land on exactly the
 * cells the mirrors would. */
static void
rotate (gdouble u, gdouble v, gint k, gint n, gdouble *ru, gdouble *rv)
{
  if ((4 * k) % n == 0)
    {
      switch ((4 * k / n) % 4)
        {
        case 0:
          *ru = u, *rv = v;
          return;
        case 1:
          *ru = -v, *rv = u;
          return;
        case 2:
          *ru = -u, *rv = -v;
          return;
        default:
          *ru = v, *rv = -u;
          return;
        }
    }
  gdouble a = 2 * G_PI * k / n, c = cos (a), s = sin (a);
  *ru = c * u - s * v;
  *rv = s * u + c * v;
}

gint
skc_paint_symmetric_points (const SkcPaint *p, gdouble u, gdouble v,
                            gdouble *us, gdouble *vs)
{
  const SkcSymmetry *s = &p->symmetry;
  gint count = 0;
  for (gint m = 0; m < 4; m++)
    {
      gboolean fx = m & 1, fy = m & 2;
      if ((fx && !s->mirror_x) || (fy && !s->mirror_y))
        continue;
      gdouble mu = fx ? -u : u, mv = fy ? -v : v;
      for (gint k = 0; k < s->n_fold; k++)
        {
          rotate (mu, mv, k, s->n_fold, &us[count], &vs[count]);
          count++;
        }
    }
  return count;
}

/* The brush's mark at distance d from its centre. */
static float
brush_alpha (const SkcBrush *b, gdouble d)
{
  gdouble r = b->size / 2, outer = r + 0.5;
  gdouble inner = b->hardness * MAX (r - 0.5, 0.0);
  if (d <= inner)
    return 1.0f;
  if (d >= outer)
    return 0.0f;
  gdouble t = (outer - d) / (outer - inner);
  return (float) (t * t * (3 - 2 * t));
}

/* Ink after a mark of strength m: the brush's ink over the base, so that a
 * cell's value depends only on its base and its mark. */
static inline float
composite (float base, float m, const SkcBrush *b)
{
  float a = m * (float) b->opacity;
  return base + (b->ink - base) * a;
}

/* Applies `mask` over `base` into the ink on the rectangle x0..x1,
 * y0..y1 (inclusive); returns whether any cell changed. */
static gboolean
apply_mask (SkcPaint *p, const skc_image *base, const float *mask,
            const SkcBrush *b, gint x0, gint y0, gint x1, gint y1)
{
  gint n = p->ink.width;
  gboolean changed = FALSE;
  for (gint y = y0; y <= y1; y++)
    for (gint x = x0; x <= x1; x++)
      {
        float *out = skc_image_pixel (&p->ink, x, y);
        float v = composite (*skc_image_pixel (base, x, y),
                             mask[(gsize) y * n + x], b);
        if (v != *out)
          *out = v, changed = TRUE;
      }
  return changed;
}

static void
push_undo (SkcPaint *p, const skc_image *state)
{
  g_ptr_array_add (p->undo, image_dup (state));
  if (p->undo->len > HISTORY_MAX)
    g_ptr_array_remove_index (p->undo, 0);
  g_ptr_array_set_size (p->redo, 0);
}

/* One mark of the brush at (u, v) and its symmetric copies into the
 * stroke's mask; returns whether the ink changed. */
static gboolean
dab (SkcPaint *p, gdouble u, gdouble v)
{
  gdouble us[SKC_SYMMETRY_MAX_COPIES], vs[SKC_SYMMETRY_MAX_COPIES];
  gint count = skc_paint_symmetric_points (p, u, v, us, vs);
  gint n = p->ink.width, c = n / 2;
  gdouble reach = p->brush.size / 2 + 0.5;
  gboolean changed = FALSE;
  for (gint i = 0; i < count; i++)
    {
      gint x0 = MAX (0, (gint) floor (us[i] - reach) + c);
      gint x1 = MIN (n - 1, (gint) ceil (us[i] + reach) + c);
      gint y0 = MAX (0, (gint) floor (vs[i] - reach) + c);
      gint y1 = MIN (n - 1, (gint) ceil (vs[i] + reach) + c);
      if (x0 > x1 || y0 > y1)
        continue;
      for (gint y = y0; y <= y1; y++)
        for (gint x = x0; x <= x1; x++)
          {
            /* Integer cell offsets minus the centre: a mirrored centre
               gives exactly the mirrored distances. */
            gdouble du = (gdouble) (x - c) - us[i];
            gdouble dv = (gdouble) (y - c) - vs[i];
            float a = brush_alpha (&p->brush, sqrt (du * du + dv * dv));
            float *m = &p->mask[(gsize) y * n + x];
            if (a > *m)
              *m = a;
          }
      changed |= apply_mask (p, &p->base, p->mask, &p->brush, x0, y0, x1, y1);
    }
  return changed;
}

gboolean
skc_paint_stroke_begin (SkcPaint *p, const SkcBrush *brush, gdouble u,
                        gdouble v)
{
  if (p->stroking)
    skc_paint_stroke_end (p);
  gint n = p->ink.width;
  p->stroking = TRUE;
  p->brush = *brush;
  p->brush.size = MAX (brush->size, 0.5);
  skc_image_free (&p->base);
  if (skc_image_copy (&p->ink, &p->base) != SKC_OK)
    g_error ("skc designer: out of memory");
  g_free (p->mask);
  p->mask = g_new0 (float, (gsize) n *n);
  p->last_u = u;
  p->last_v = v;
  p->stroke_changed = dab (p, u, v);
  return p->stroke_changed;
}

gboolean
skc_paint_stroke_to (SkcPaint *p, gdouble u, gdouble v)
{
  if (!p->stroking)
    return FALSE;
  /* Marks close enough that the stroke's edge stays smooth. */
  gdouble spacing = CLAMP (p->brush.size / 8, 0.1, 0.5);
  gdouble du = u - p->last_u, dv = v - p->last_v;
  gint steps = (gint) ceil (sqrt (du * du + dv * dv) / spacing);
  gboolean changed = FALSE;
  for (gint i = 1; i <= steps; i++)
    {
      gdouble t = (gdouble) i / steps;
      /* The last mark exactly at the end point. */
      changed |= dab (p, i == steps ? u : p->last_u + t * du,
                      i == steps ? v : p->last_v + t * dv);
    }
  p->last_u = u;
  p->last_v = v;
  p->stroke_changed |= changed;
  return changed;
}

gboolean
skc_paint_stroke_end (SkcPaint *p)
{
  if (!p->stroking)
    return FALSE;
  p->stroking = FALSE;
  if (p->stroke_changed)
    push_undo (p, &p->base);
  skc_image_free (&p->base);
  g_clear_pointer (&p->mask, g_free);
  return p->stroke_changed;
}

gboolean
skc_paint_in_stroke (const SkcPaint *p)
{
  return p->stroking;
}

/* Applies a whole-grid mask as one undo step. */
static gboolean
commit_mask (SkcPaint *p, const float *mask, const SkcBrush *brush)
{
  gint n = p->ink.width;
  skc_image before = { 0 };
  if (skc_image_copy (&p->ink, &before) != SKC_OK)
    g_error ("skc designer: out of memory");
  gboolean changed = apply_mask (p, &before, mask, brush, 0, 0, n - 1, n - 1);
  if (changed)
    push_undo (p, &before);
  skc_image_free (&before);
  return changed;
}

gboolean
skc_paint_fill (SkcPaint *p, const SkcBrush *brush, gdouble u, gdouble v)
{
  gdouble us[SKC_SYMMETRY_MAX_COPIES], vs[SKC_SYMMETRY_MAX_COPIES];
  gint count = skc_paint_symmetric_points (p, u, v, us, vs);
  gint n = p->ink.width, c = n / 2;
  float *mask = g_new0 (float, (gsize) n *n);
  gint *stack = g_new (gint, (gsize) n * n);
  for (gint i = 0; i < count; i++)
    {
      gint x = (gint) floor (us[i] + 0.5) + c,
           y = (gint) floor (vs[i] + 0.5) + c;
      if (x < 0 || y < 0 || x >= n || y >= n || mask[y * n + x])
        continue;
      float seed = *skc_image_pixel (&p->ink, x, y);
      gint top = 0;
      stack[top++] = y * n + x;
      mask[y * n + x] = 1;
      while (top)
        {
          gint at = stack[--top], ax = at % n, ay = at / n;
          static const gint dx[4] = { 1, -1, 0, 0 }, dy[4] = { 0, 0, 1, -1 };
          for (gint d = 0; d < 4; d++)
            {
              gint bx = ax + dx[d], by = ay + dy[d];
              if (bx < 0 || by < 0 || bx >= n || by >= n || mask[by * n + bx]
                  || fabsf (*skc_image_pixel (&p->ink, bx, by) - seed)
                         > FILL_THRESHOLD)
                continue;
              mask[by * n + bx] = 1;
              stack[top++] = by * n + bx;
            }
        }
    }
  gboolean changed = commit_mask (p, mask, brush);
  g_free (stack);
  g_free (mask);
  return changed;
}

/* Even-odd rule. */
static gboolean
inside (const gdouble *us, const gdouble *vs, gint count, gdouble u, gdouble v)
{
  gboolean in = FALSE;
  for (gint i = 0, j = count - 1; i < count; j = i++)
    if ((vs[i] > v) != (vs[j] > v)
        && u < (us[j] - us[i]) * (v - vs[i]) / (vs[j] - vs[i]) + us[i])
      in = !in;
  return in;
}

gboolean
skc_paint_polygon (SkcPaint *p, const SkcBrush *brush, const gdouble *us,
                   const gdouble *vs, gint count)
{
  if (count < 3)
    return FALSE;
  gint n = p->ink.width, c = n / 2;
  float *mask = g_new0 (float, (gsize) n *n);
  gdouble *pu = g_new (gdouble, count), *pv = g_new (gdouble, count);
  gdouble su[SKC_SYMMETRY_MAX_COPIES], sv[SKC_SYMMETRY_MAX_COPIES];
  gint copies = skc_paint_symmetric_points (p, 0, 0, su, sv);
  /* Copy k of the polygon: every vertex's k-th symmetric image (the
     images come in the same order for every point). */
  for (gint k = 0; k < copies; k++)
    {
      for (gint i = 0; i < count; i++)
        {
          skc_paint_symmetric_points (p, us[i], vs[i], su, sv);
          pu[i] = su[k];
          pv[i] = sv[k];
        }
      gdouble lo_u = pu[0], hi_u = pu[0], lo_v = pv[0], hi_v = pv[0];
      for (gint i = 1; i < count; i++)
        {
          lo_u = MIN (lo_u, pu[i]), hi_u = MAX (hi_u, pu[i]);
          lo_v = MIN (lo_v, pv[i]), hi_v = MAX (hi_v, pv[i]);
        }
      gint x0 = MAX (0, (gint) floor (lo_u) + c - 1);
      gint x1 = MIN (n - 1, (gint) ceil (hi_u) + c + 1);
      gint y0 = MAX (0, (gint) floor (lo_v) + c - 1);
      gint y1 = MIN (n - 1, (gint) ceil (hi_v) + c + 1);
      for (gint y = y0; y <= y1; y++)
        for (gint x = x0; x <= x1; x++)
          {
            gint hits = 0;
            for (gint sy = 0; sy < POLYGON_SAMPLES; sy++)
              for (gint sx = 0; sx < POLYGON_SAMPLES; sx++)
                hits += inside (pu, pv, count,
                                x - c - 0.5 + (sx + 0.5) / POLYGON_SAMPLES,
                                y - c - 0.5 + (sy + 0.5) / POLYGON_SAMPLES);
            float a = (float) hits / (POLYGON_SAMPLES * POLYGON_SAMPLES);
            float *m = &mask[(gsize) y * n + x];
            if (a > *m)
              *m = a;
          }
    }
  gboolean changed = commit_mask (p, mask, brush);
  g_free (pu);
  g_free (pv);
  g_free (mask);
  return changed;
}

/* Replaces the ink by a function of each cell, as one undo step. */
static gboolean
map_cells (SkcPaint *p, gboolean invert)
{
  skc_image before = { 0 };
  gboolean changed = FALSE;
  if (skc_image_copy (&p->ink, &before) != SKC_OK)
    g_error ("skc designer: out of memory");
  for (gint y = 0; y < p->ink.height; y++)
    for (gint x = 0; x < p->ink.width; x++)
      {
        float *v = skc_image_pixel (&p->ink, x, y);
        float nv = invert ? 1.0f - *v : 0.0f;
        if (nv != *v)
          *v = nv, changed = TRUE;
      }
  if (changed)
    push_undo (p, &before);
  skc_image_free (&before);
  return changed;
}

gboolean
skc_paint_clear (SkcPaint *p)
{
  return map_cells (p, FALSE);
}

gboolean
skc_paint_invert (SkcPaint *p)
{
  return map_cells (p, TRUE);
}

/* Copies `ink` (same size as the grid) clamped to 0..1; returns whether
 * anything changed. */
static gboolean
copy_clamped (SkcPaint *p, const skc_image *ink)
{
  gboolean changed = FALSE;
  for (gint y = 0; y < p->ink.height; y++)
    for (gint x = 0; x < p->ink.width; x++)
      {
        float v = *skc_image_pixel (ink, x, y);
        float *out = skc_image_pixel (&p->ink, x, y);
        v = isfinite (v) ? CLAMP (v, 0.0f, 1.0f) : 0.0f;
        if (v != *out)
          *out = v, changed = TRUE;
      }
  return changed;
}

gboolean
skc_paint_replace (SkcPaint *p, const skc_image *ink)
{
  g_return_val_if_fail (ink->width == p->ink.width
                            && ink->height == p->ink.height
                            && ink->channels == 1,
                        FALSE);
  skc_image before = { 0 };
  if (skc_image_copy (&p->ink, &before) != SKC_OK)
    g_error ("skc designer: out of memory");
  gboolean changed = copy_clamped (p, ink);
  if (changed)
    push_undo (p, &before);
  skc_image_free (&before);
  return changed;
}

void
skc_paint_replace_last (SkcPaint *p, const skc_image *ink)
{
  g_return_if_fail (ink->width == p->ink.width && ink->height == p->ink.height
                    && ink->channels == 1);
  copy_clamped (p, ink);
  g_ptr_array_set_size (p->redo, 0);
}

/* The ink area-resampled to size x size, its peak kept. */
static void
resample (const skc_image *from, gint size, skc_image *to)
{
  skc_image k = { 0 };
  float peak = 0;
  alloc_grid (to, size);
  for (gint y = 0; y < from->height; y++)
    for (gint x = 0; x < from->width; x++)
      peak = MAX (peak, *skc_image_pixel (from, x, y));
  if (peak <= 0
      || skc_kernel_from_values (from->data, from->width, from->height,
                                 from->stride, size, &k, NULL)
             != SKC_OK)
    return;
  float kpeak = 0;
  for (gint i = 0; i < size * size; i++)
    kpeak = MAX (kpeak, k.data[i]);
  for (gint y = 0; y < size; y++)
    for (gint x = 0; x < size; x++)
      *skc_image_pixel (to, x, y)
          = MIN (1.0f, *skc_image_pixel (&k, x, y) * (peak / kpeak));
  skc_image_free (&k);
}

gboolean
skc_paint_resize (SkcPaint *p, gint size)
{
  g_return_val_if_fail (size >= 3 && size <= SKC_PAINT_MAX_SIZE && size % 2,
                        FALSE);
  if (size == p->ink.width)
    return FALSE;
  skc_paint_stroke_end (p);
  push_undo (p, &p->ink);
  skc_image resized = { 0 };
  resample (&p->ink, size, &resized);
  skc_image_free (&p->ink);
  p->ink = resized;
  return TRUE;
}

/* Moves the current ink onto one stack and the top of the other into the
 * ink. */
static gboolean
swap_history (SkcPaint *p, GPtrArray *from, GPtrArray *to)
{
  skc_paint_stroke_end (p);
  if (from->len == 0)
    return FALSE;
  skc_image *state = g_ptr_array_steal_index (from, from->len - 1);
  g_ptr_array_add (to, image_dup (&p->ink));
  skc_image_free (&p->ink);
  p->ink = *state;
  g_free (state);
  return TRUE;
}

gboolean
skc_paint_undo (SkcPaint *p)
{
  return swap_history (p, p->undo, p->redo);
}

gboolean
skc_paint_redo (SkcPaint *p)
{
  return swap_history (p, p->redo, p->undo);
}

gboolean
skc_paint_can_undo (const SkcPaint *p)
{
  return p->undo->len > 0;
}

gboolean
skc_paint_can_redo (const SkcPaint *p)
{
  return p->redo->len > 0;
}
