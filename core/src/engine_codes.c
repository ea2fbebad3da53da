/* skc — per-pixel codes of the kernels that vary over the frame: a blur
 * map's value to its radius and blend level, the swirl angle and the
 * cat-eye clip amount, combined into one code per pixel (block centres on
 * coarse scales) whose taps engine_complex.c builds on first use.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "engine.h"

double
skc_engine_map_shaped (const skc_engine *e, float value)
{
  return skc_params_map_shaped (&e->params, value);
}

double
skc_engine_map_radius (const skc_engine *e, float value)
{
  return e->params.radius
         * fabs (skc_engine_map_shaped (e, value) - e->params.focus);
}

int
skc_scale_level (const skc_scale *s, double r)
{
  const skc_complex_scale *c = &s->complexes;
  int m = c->member_count;
  if (m < 2 || r <= c->member_radius[0])
    return 0;
  for (int j = 0; j + 1 < m; j++)
    if (r <= c->member_radius[j + 1])
      {
        double t = (r - c->member_radius[j])
                   / (c->member_radius[j + 1] - c->member_radius[j]);
        return j * SKC_ENGINE_LEVELS + (int) lround (t * SKC_ENGINE_LEVELS);
      }
  return (m - 1) * SKC_ENGINE_LEVELS;
}

void
skc_scale_level_blend (const skc_scale *s, int level, int *member, float *t)
{
  const skc_complex_scale *c = &s->complexes;
  int j = level / SKC_ENGINE_LEVELS;
  if (j > c->member_count - 2)
    j = c->member_count - 2;
  if (j < 0)
    j = 0;
  *member = j;
  *t = c->member_count < 2
           ? 0
           : (float) (level - j * SKC_ENGINE_LEVELS) / SKC_ENGINE_LEVELS;
}

/* The swirl angle (radians) of image position (x, y): the kernel's up
 * axis turns toward the tangent of the circle around the image centre,
 * by the angle of (1 - s) + s e^(i phi), phi being the full turn to the
 * tangent.
 *
 * A pixel's kernel is a cascade of layers, and each layer of it is read
 * at pixels around it that are turned by their own angles: the kernel is
 * the turned shape only where the angle barely changes over its reach.
 * The field is therefore smoothed at the scale of the kernel, with
 * L = SKC_ENGINE_SWIRL_FADE x the radius: the strength s used at distance
 * d from the centre is
 *   s <= 1/2: min (s, 1/2 - L / 2d), and 0 within L of the centre;
 *   s > 1/2:  min (1, max (s, 1/2 + L / 2d)).
 * Below 1/2 the kernels turn less and less toward the optical axis, where
 * nothing turns (as in a lens), and the turn toward the tangent below the
 * centre, where (1 - s) + s e^(i phi) passes closest to 0, is spread over
 * an arc of about 4 L instead of a seam (s = 1/2 had a half turn there).
 * Above 1/2 the kernels turn with the circle around the centre: that field
 * cannot be smooth at the centre itself, which the plain kernel covers
 * (skc_plain_weight). */
static double
swirl_angle (const skc_engine *e, const skc_apply_request *rq, double x,
             double y)
{
  double s = e->params.swirl;
  double dx = x - (rq->image_width - 1) / 2.0;
  double dy = y - (rq->image_height - 1) / 2.0;
  double d = hypot (dx, dy);
  double L = SKC_ENGINE_SWIRL_FADE * fmax (e->params.radius, 1);
  if (d == 0)
    return 0;
  if (s <= 0.5)
    s = fmax (0, fmin (s, 0.5 - L / (2 * d)));
  else
    s = fmin (1, fmax (s, 0.5 + L / (2 * d)));
  if (s <= 0)
    return 0;
  double phi = atan2 (dy, dx) + M_PI / 2;
  return atan2 (s * sin (phi), (1 - s) + s * cos (phi));
}

void
skc_cat_eye_at (const skc_engine *e, const skc_apply_request *rq, double x,
                double y, double *angle, double *amount)
{
  double hx = (rq->image_width - 1) / 2.0, hy = (rq->image_height - 1) / 2.0;
  double corner = hypot (hx, hy);
  double rho = corner > 0 ? hypot (x - hx, y - hy) / corner : 0;
  *amount = e->params.cat_eye * (rho < 1 ? rho : 1);
  double ux = hx - x, uy = hy - y;
  *angle = ux != 0 || uy != 0 ? atan2 (ux, -uy) /* turns (0, -1) onto (ux,
                                                     uy) */
                              : 0;
}

/* Cat-eye: the clip amount grows from 0 at the centre to cat-eye at the
 * corners, quantised to SKC_ENGINE_AMOUNT_STEPS between members. */
static int
cat_eye_code (const skc_engine *e, const skc_apply_request *rq, double x,
              double y)
{
  double angle, amount;
  skc_cat_eye_at (e, rq, x, y, &angle, &amount);
  return (int) lround (amount * (SKC_ENGINE_AMOUNTS - 1)
                       * SKC_ENGINE_AMOUNT_STEPS);
}

/* A pixel's kernel angle: with cat-eye the kernel's up axis (where its
 * members are clipped) faces the image centre; swirl turns it further. */
static double
pixel_angle (const skc_engine *e, const skc_apply_request *rq, double x,
             double y)
{
  double angle = 0;
  if (e->params.swirl > 0)
    angle += swirl_angle (e, rq, x, y);
  if (e->params.cat_eye > 0)
    {
      double turn, amount;
      skc_cat_eye_at (e, rq, x, y, &turn, &amount);
      angle += turn;
    }
  return angle;
}

static int
angle_step (double angle)
{
  int step = (int) lround (angle / (2 * M_PI) * SKC_ENGINE_ANGLES);
  step %= SKC_ENGINE_ANGLES;
  return step < 0 ? step + SKC_ENGINE_ANGLES : step;
}

void
skc_map_block_row (const skc_apply_request *rq, int x, int y, int n, int f,
                   float block_weight, float *restrict row, float *restrict out)
{
  const skc_view *m = &rq->map;
  const int count = n * f, right = m->x + m->width - 1;
  for (int i = 0; i < n; i++)
    out[i] = 0;
  /* Columns [lo, hi) of the row lie in the map: no clamping there. */
  const int lo = skc_clampi (m->x - x, 0, count);
  const int hi = skc_clampi (right + 1 - x, lo, count);
  for (int dv = 0; dv < f; dv++)
    {
      int sy = skc_clampi (y + dv, m->y, m->y + m->height - 1);
      const float *src = m->pixels + (size_t) (sy - m->y) * m->stride;
      const long shift = (long) x - m->x;
      for (int k = 0; k < lo; k++)
        row[k] = isfinite (src[0]) ? src[0] : 0;
      for (int k = lo; k < hi; k++)
        {
          float v = src[shift + k];
          row[k] = fabsf (v) <= FLT_MAX ? v : 0;
        }
      for (int k = hi; k < count; k++)
        row[k] = isfinite (src[right - m->x]) ? src[right - m->x] : 0;
      if (f == 1)
        for (int i = 0; i < n; i++)
          out[i] += row[i];
      else
        for (int i = 0; i < n; i++)
          for (int du = 0; du < f; du++)
            out[i] += row[(size_t) i * f + du];
    }
  for (int i = 0; i < n; i++)
    out[i] *= block_weight;
}

int
skc_reserve_levels (skc_tile_scratch *s, size_t n)
{
  if (n <= s->level_capacity)
    return 1;
  int *lv = realloc (s->level, n * sizeof *lv);
  if (!lv)
    return 0;
  s->level = lv;
  s->level_capacity = n;
  return 1;
}

int
skc_reserve_map_rows (skc_tile_scratch *s, int n, int f)
{
  return skc_tile_reserve (&s->map_row, &s->map_row_capacity, (size_t) n * f)
         && skc_tile_reserve (&s->map_blocks, &s->map_blocks_capacity,
                              (size_t) n);
}

double
skc_angle_position (const skc_engine *e, const skc_apply_request *rq, double x,
                    double y, int count)
{
  return pixel_angle (e, rq, x, y) / (2 * M_PI) * count;
}

int
skc_angle_code (const skc_engine *e, const skc_apply_request *rq, double x,
                double y, int count)
{
  int step = (int) lround (skc_angle_position (e, rq, x, y, count));
  step %= count;
  return step < 0 ? step + count : step;
}

int
skc_plain_zone (const skc_engine *e)
{
  return e->params.cat_eye > 0 || e->params.swirl > 0.5;
}

float
skc_plain_weight (const skc_engine *e, const skc_apply_request *rq, double x,
                  double y)
{
  double r = fmax (e->params.radius, 1);
  double inner = SKC_ENGINE_PLAIN_INNER * r, outer = SKC_ENGINE_PLAIN_OUTER * r;
  double d = hypot (x - (rq->image_width - 1) / 2.0,
                    y - (rq->image_height - 1) / 2.0);
  if (d <= inner)
    return 1;
  if (d >= outer)
    return 0;
  double t = (outer - d) / (outer - inner);
  return (float) (t * t * (3 - 2 * t));
}

int
skc_pixel_codes (const skc_engine *e, const skc_scale *sc,
                 const skc_apply_request *rq, const skc_scale_area *area,
                 int plain, skc_tile_scratch *s)
{
  const int f = sc->factor, R = sc->reach;
  const int lx0 = area->x0, ly0 = area->y0, pw = area->pw, ph = area->ph;
  const float block_weight = area->block_weight;
  if (!skc_reserve_levels (s, (size_t) pw * ph))
    return 0;
  /* Maps repeat values (constant rows, 8-bit sources): the level of the
     previous value is reused, computed the same way. */
  const int basis = sc->kind == SKC_SCALE_BASIS;
  const int map_rows = basis && e->with_map;
  if (map_rows && !skc_reserve_map_rows (s, pw, f))
    return 0;
  float last_value = NAN;
  int last_level = 0;
  for (int j = 0; j < ph; j++)
    {
      if (map_rows)
        skc_map_block_row (rq, (lx0 - R) * f, (ly0 - R + j) * f, pw, f,
                           block_weight, s->map_row, s->map_blocks);
      for (int i = 0; i < pw; i++)
        {
          int bx = (lx0 - R + i) * f, by = (ly0 - R + j) * f;
          double cx = bx + (f - 1) / 2.0, cy = by + (f - 1) / 2.0;
          int level = 0, amount = 0, step = 0;
          if (basis)
            {
              float v = map_rows ? s->map_blocks[i] : 0;
              if (v != last_value)
                {
                  double r = e->with_map ? skc_engine_map_radius (e, v)
                                         : e->params.radius;
                  last_level = skc_scale_level (sc, r / f);
                  last_value = v;
                }
              level = last_level;
            }
          if (e->amount_codes > 1 && !plain)
            amount = cat_eye_code (e, rq, cx, cy);
          if (e->angles > 1 && !plain)
            step = angle_step (pixel_angle (e, rq, cx, cy));
          s->level[(size_t) j * pw + i]
              = (level * e->amount_codes + amount) * e->angles + step;
        }
    }
  return 1;
}
