/* skc — knots tables for blur maps of flat shapes: per scale, one knots
 * filter every KNOTS_MAP_STEP px of radius, all along one axis so that
 * they share the prefix sums; each pixel runs the table nearest its
 * radius.  Tables are fitted in parallel and kept per process
 * (table_memo.c), so a new focus, gamma or map reuses them.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"
#include "internal.h"
#include "skc/knots.h"

/* Blur maps with knots: tables every KNOTS_MAP_STEP px of radius (in the
 * scale's pixels); a pixel uses the nearest, so its kernel is at most
 * 1/16 px too small or too large. */
#define KNOTS_MAP_STEP 0.125

/* One knots table of a blur map: the fit at level q's radius. */
typedef struct
{
  const skc_params *params;
  skc_scale *scale;
  double top;
  skc_result *results;
  int *halves;
} knots_table_job;

static void
fit_knots_table (void *user, int index)
{
  knots_table_job *job = user;
  const skc_params *p = job->params;
  skc_scale *s = job->scale;
  int q = s->knot_first + index;
  double r = fmin (q * s->knot_step, job->top);
  skc_filter *f = NULL;
  skc_result res = SKC_OK;
  if (r < 0.5 * s->knot_step)
    {
      /* Radius 0: the identity, S (x) - S (x - 1). */
      int two = 2;
      f = skc_filter_new_knots (s->knot_axis, 1, &two);
      if (f)
        {
          skc_filter_knot_positions (f, 0)[1] = 1;
          skc_filter_knot_weights (f, 0)[0] = 1;
          skc_filter_knot_weights (f, 0)[1] = -1;
        }
    }
  else
    {
      skc_image target = { 0 };
      res = skc_target_make (p, r, 0, &target, NULL);
      if (res == SKC_OK)
        res = skc_knots_fit (&target, skc_knots_budget (p->quality, target.width),
                             s->knot_axis, &f, NULL);
      skc_image_free (&target);
    }
  if (res == SKC_OK && (!f || !skc_knot_taps_build (f, &s->knot_table[q])))
    res = SKC_ERR_OUT_OF_MEMORY;
  job->results[index] = res;
  job->halves[index] = f ? f->size / 2 : 0;
  skc_filter_free (f);
}

/* One scale of a knots blur map: tables for radii from `bottom` (pixels
 * below it have no weight on this scale and use its lowest table) to
 * `top`, along `axis`, fitted in parallel (each is deterministic). */
skc_result
skc_knots_tables_prepare (skc_engine *e, skc_scale *s, double top,
                          double bottom, skc_knots_axis axis, skc_error *err)
{
  const skc_params *p = &e->params;
  s->knots = 1;
  s->knot_axis = axis;
  s->knot_step = KNOTS_MAP_STEP;
  s->knot_levels = (int) ceil (top / s->knot_step) + 1;
  s->knot_first = bottom > 0 ? (int) floor (bottom / s->knot_step) : 0;
  if (s->knot_first >= s->knot_levels)
    s->knot_first = s->knot_levels - 1;
  s->knots_clamp = 1; /* fitted lines are means of a non-negative target */
  char key[SKC_PATH_MAX + 160];
  skc_target_identity (p, key, sizeof key);
  size_t used = strlen (key);
  snprintf (key + used, sizeof key - used, "|%s|axis=%d|step=%.9g|%d..%d|top=%.9g",
            skc_quality_name (p->quality), (int) axis, s->knot_step,
            s->knot_first, s->knot_levels, top);
  if (skc_table_memo_take (key, s))
    {
      s->reach = s->knot_half + SKC_ENGINE_KNOTS_BLOCK - 1;
      return SKC_OK;
    }
  int count = s->knot_levels - s->knot_first;
  s->knot_table = calloc ((size_t) s->knot_levels, sizeof *s->knot_table);
  knots_table_job job
      = { p, s, top, calloc ((size_t) count, sizeof (skc_result)),
          calloc ((size_t) count, sizeof (int)) };
  skc_result r = s->knot_table && job.results && job.halves
                     ? SKC_OK
                     : skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r == SKC_OK)
    skc_parallel_for (count, p->threads, fit_knots_table, &job);
  for (int i = 0; r == SKC_OK && i < count; i++)
    {
      const skc_layer_taps *t = &s->knot_table[s->knot_first + i];
      if (job.results[i] != SKC_OK)
        {
          r = skc_fail (err, job.results[i], "knots table at radius %g: %s",
                        (s->knot_first + i) * s->knot_step,
                        skc_strerror (job.results[i]));
          break;
        }
      double total = 0;
      for (int k = 0; k < t->count; k++)
        total += fabs (t->c[k]);
      s->knot_abs = fmaxf (s->knot_abs, (float) total);
      s->knot_half
          = job.halves[i] > s->knot_half ? job.halves[i] : s->knot_half;
    }
  free (job.results);
  free (job.halves);
  if (r != SKC_OK)
    return r;
  skc_table_memo_keep (key, s);
  s->reach = s->knot_half + SKC_ENGINE_KNOTS_BLOCK - 1;
  return SKC_OK;
}


/* Each output pixel's table: its radius (block-averaged map on coarse
 * scales) to the nearest level this scale has, into s->level (lw per
 * row). */
static int
table_levels (const skc_engine *e, const skc_scale *sc,
              const skc_apply_request *rq, const skc_scale_area *area,
              skc_tile_scratch *s)
{
  const int   f = sc->factor, lx0 = area->x0, ly0 = area->y0;
  const int   lw = area->w, lh = area->h;
  const float block_weight = area->block_weight;
  if (!skc_reserve_levels (s, (size_t) lw * lh)
      || !skc_reserve_map_rows (s, lw, f))
    return 0;
  float last_value = NAN;
  int   last_level = 0;
  for (int j = 0; j < lh; j++)
    {
      skc_map_block_row (rq, lx0 * f, (ly0 + j) * f, lw, f, block_weight,
                         s->map_row, s->map_blocks);
      for (int i = 0; i < lw; i++)
        {
          float v = s->map_blocks[i];
          if (v != last_value)
            {
              double r = skc_engine_map_radius (e, v) / f;
              long   q = lround (r / sc->knot_step);
              last_level = q < sc->knot_first     ? sc->knot_first
                           : q >= sc->knot_levels ? sc->knot_levels - 1
                                                  : (int) q;
              last_value = v;
            }
          s->level[(size_t) j * lw + i] = last_level;
        }
    }
  return 1;
}

int
skc_knots_tables_values (const skc_engine *e, const skc_scale *sc,
                         const skc_apply_request *rq,
                         const skc_scale_area *area, skc_tile_scratch *s,
                         float *into, const float **values,
                         size_t *values_stride)
{
  if (!table_levels (e, sc, rq, area, s)
      || !skc_knots_tile (sc, s, area, rq->channels, s->level, into))
    return 0;
  *values = into;
  *values_stride = (size_t) area->w * rq->channels;
  return 1;
}
