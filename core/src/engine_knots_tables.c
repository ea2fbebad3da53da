/* skc — knots tables for blur maps of any shape: per scale, one knots
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
#include "knots_private.h"
#include "filter_private.h"
#include "internal.h"
#include "skc/metrics.h"

/* A pixel runs the table nearest its radius, so its kernel is up to half
 * a step too small or too large.  Measured (kernel SNR of a target at r
 * against r + d, disc, ring, heart, r 8..150): about 10 log10 (r)
 * - 20 log10 (d) - 4 dB, ring the worst.  Steps of grid * sqrt (r) make
 * that -20 log10 (grid / 2) - 4 at every radius; the grid puts it
 * KNOTS_STEP_MARGIN dB above the quality's floor.  A thin stroke moves
 * further for its width (a snowflake at R 112: 2-3 dB worse), so the
 * grid is checked on the shape's own targets and made finer where it
 * falls more than GRID_SHORTFALL_DB short, by at most GRID_REFINE_MAX. */
#define KNOTS_STEP_MARGIN 3.0
#define GRID_REFINE_MAX 4.0
#define GRID_SHORTFALL_DB 1.0
/* A table's knots aim this much closer than the floor (4.4 dB), so that
 * with the radius' rounding the kernel still reaches it. */
#define KNOTS_TABLE_AIM 0.6

/* The worst kernel SNR of a radius rounded by half a step of `grid`, over
 * radii from `top` down to 8 px (halving), against the target at the
 * radius.  Below 8 px the law the steps follow is not the error's (a
 * disc of 2.3 px rounded at high quality's grid: 37 dB); not measured
 * here. */
static double
rounding_snr_db (const skc_params *p, double grid, double top)
{
  double worst = INFINITY;
  for (double r = top; r >= 8 || r == top; r /= 2)
    {
      skc_image a = { 0 }, b = { 0 };
      double snr = -INFINITY, half_step = grid * sqrt (r) / 2;
      /* Rounded down where up is beyond the largest radius a target
         takes (R 1000). */
      if (skc_target_make (p, r, 0, &a, NULL) == SKC_OK
          && (skc_target_make (p, r + half_step, 0, &b, NULL) == SKC_OK
              || skc_target_make (p, r - half_step, 0, &b, NULL) == SKC_OK))
        {
          double error = skc_kernel_error (&b, &a);
          snr = isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
        }
      skc_image_free (&a);
      skc_image_free (&b);
      worst = snr < worst ? snr : worst;
    }
  return worst;
}

double
skc_knots_tables_model_grid (skc_quality q)
{
  return 2
         * pow (10,
                -(skc_quality_floor_db (q, 0) + KNOTS_STEP_MARGIN + 4) / 20);
}

double
skc_knots_tables_grid (const skc_params *p, double top, double *rounding_db)
{
  double want = skc_quality_floor_db (p->quality, 0) + KNOTS_STEP_MARGIN;
  double grid = skc_knots_tables_model_grid (p->quality);
  double measured = rounding_snr_db (p, grid, top);
  if (measured < want - GRID_SHORTFALL_DB && isfinite (measured))
    {
      /* The error grows as the step: finer by the shortfall. */
      double finer = pow (10, (want - measured) / 20);
      grid /= finer < GRID_REFINE_MAX ? finer : GRID_REFINE_MAX;
      measured = rounding_snr_db (p, grid, top);
    }
  if (rounding_db)
    *rounding_db = measured;
  return grid;
}

int
skc_knots_tables_count (double grid, double top)
{
  return (int) ceil (2 * sqrt (top) / grid) + 1;
}

int
skc_knots_table_level (const skc_knots_scale *k, double r)
{
  if (k->radii)
    {
      /* The nearest radius: the first at or above r, or the one below. */
      int lo = 0, hi = k->levels - 1;
      while (lo < hi)
        {
          int mid = (lo + hi) / 2;
          if (k->radii[mid] < r)
            lo = mid + 1;
          else
            hi = mid;
        }
      return lo > 0 && r - k->radii[lo - 1] < k->radii[lo] - r ? lo - 1 : lo;
    }
  long q = lround (2 * sqrt (fmax (r, 0)) / k->grid);
  return q < k->first ? k->first : q >= k->levels ? k->levels - 1 : (int) q;
}

double
skc_knots_tables_snr_db (const skc_knots_scale *k)
{
  /* The fit's error and the rounding's are independent: their energies
     add. */
  double energy = pow (10, -k->snr_db / 10) + pow (10, -k->rounding_db / 10);
  return -10 * log10 (energy);
}

double
skc_knots_table_radius (const skc_knots_scale *k, int q)
{
  if (k->radii)
    return k->radii[q];
  double s = q * k->grid / 2;
  return s * s;
}

/* One knots table of a blur map: the fit at level q's radius. */
typedef struct
{
  const skc_params *params;
  skc_knots_scale *tables;
  double top;
  skc_result *results;
  int *halves;
  double *snr_db;
} knots_table_job;

static void
fit_knots_table (void *user, int index)
{
  knots_table_job *job = user;
  const skc_params *p = job->params;
  skc_knots_scale *k = job->tables;
  int q = k->first + index;
  double r = fmin (skc_knots_table_radius (k, q), job->top);
  skc_filter *f = NULL;
  skc_result res = SKC_OK;
  if (r == 0)
    {
      /* Radius 0: the identity, S (x) - S (x - 1). */
      int two = 2;
      f = skc_filter_new_knots (k->axis, 1, &two);
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
      /* The fewest knots reaching the quality's floor with room for the
         radius step, within the cap; where the cap falls short, the cap's
         best. */
      long cap = skc_knots_cap (target.width) * (k->radii ? k->cap_factor : 1);
      /* Value tables round no radius, but a pixel's response still sums
         many tables' errors where the map changes (a tilt-shift at R 24
         on knots aimed at the floor itself: 29.1 dB for 30): the same
         margin; once more a third closer where it misses the floor. */
      double aim = KNOTS_TABLE_AIM * skc_knots_aim (p->quality, 0);
      if (res == SKC_OK)
        res = skc_knots_fit_to (&target, cap, aim, k->axis, &f, NULL);
      /* Value tables whose margin is out of reach within the cap aim at
         the floor itself (a heart stroke at R 150, high). */
      if (res == SKC_OK && !f && k->radii)
        res = skc_knots_fit_to (&target, cap, skc_knots_aim (p->quality, 0),
                                k->axis, &f, NULL);
      if (res == SKC_OK && !f)
        res = skc_knots_fit (&target, cap, k->axis, &f, NULL);
      double floor_db = skc_quality_floor_db (p->quality, 0);
      if (res == SKC_OK)
        job->snr_db[index]
            = k->radii
                  ? skc_knots_closer_if_short (&target, cap, aim, k->axis,
                                               floor_db, &f)
                  : skc_kernel_snr_db (skc_filter_kernel_error (f, &target));
      /* A value table short of the floor within its cap: the floor within
         the wide cap, else the set gives way to the grid's plans. */
      long wide = skc_knots_cap (target.width) * SKC_VALUE_TABLES_WIDE_CAP;
      skc_filter *wider = NULL;
      if (res == SKC_OK && k->radii && job->snr_db[index] < floor_db
          && wide > cap
          && skc_knots_fit_to (&target, wide, skc_knots_aim (p->quality, 0),
                               k->axis, &wider, NULL)
                 == SKC_OK
          && wider)
        {
          skc_filter_free (f);
          f = wider;
          job->snr_db[index] = skc_knots_closer_if_short (
              &target, wide, skc_knots_aim (p->quality, 0), k->axis, floor_db,
              &f);
        }
      skc_image_free (&target);
    }
  if (res == SKC_OK && (!f || !skc_knot_taps_build (f, &k->table[q])))
    res = SKC_ERR_OUT_OF_MEMORY;
  job->results[index] = res;
  job->halves[index] = f ? f->size / 2 : 0;
  skc_filter_free (f);
}

static skc_result fit_tables (skc_engine *e, skc_scale *s, const char *key,
                              double top, skc_error *err);

/* One scale of a knots blur map: tables for radii from `bottom` (pixels
 * below it have no weight on this scale and use its lowest table) to
 * `top`, along `axis`, fitted in parallel (each is deterministic). */
skc_result
skc_knots_tables_prepare (skc_engine *e, skc_scale *s, double top,
                          double bottom, skc_knots_axis axis, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_scale *k = &s->knots;
  s->kind = SKC_SCALE_KNOTS_TABLES;
  k->axis = axis;
  k->grid = skc_knots_tables_grid (p, top, &k->rounding_db);
  k->levels = skc_knots_tables_count (k->grid, top);
  k->first = bottom > 0 ? (int) floor (2 * sqrt (bottom) / k->grid) : 0;
  if (k->first >= k->levels)
    k->first = k->levels - 1;
  k->clamp = 1; /* fitted lines are means of a non-negative target */
  char key[SKC_PATH_MAX + 160];
  skc_target_identity (p, key, sizeof key);
  size_t used = strlen (key);
  snprintf (key + used, sizeof key - used,
            "|%s|axis=%d|grid=%.9g|%d..%d|top=%.9g",
            skc_quality_name (p->quality), (int) axis, k->grid, k->first,
            k->levels, top);
  return fit_tables (e, s, key, top, err);
}

skc_result
skc_knots_value_tables_prepare (skc_engine *e, skc_scale *s,
                                const double *radii, int count,
                                skc_knots_axis axis, int cap_factor,
                                skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_scale *k = &s->knots;
  s->kind = SKC_SCALE_KNOTS_TABLES;
  k->axis = axis;
  k->radii = malloc ((size_t) count * sizeof *k->radii);
  if (!k->radii)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  memcpy (k->radii, radii, (size_t) count * sizeof *radii);
  k->levels = count;
  k->cap_factor = cap_factor;
  k->first = 0;
  k->grid = 0;
  k->rounding_db = INFINITY; /* for the values given */
  k->clamp = 1;
  /* The radii by a digest: up to SKC_MAP_VALUES_MAX of them. */
  uint64_t h = skc_digest_bytes (SKC_DIGEST_START, radii,
                                 (size_t) count * sizeof *radii);
  char key[SKC_PATH_MAX + 160];
  skc_target_identity (p, key, sizeof key);
  size_t used = strlen (key);
  snprintf (key + used, sizeof key - used,
            "|%s|axis=%d|cap=%d..%d|radii=%d:%016llx",
            skc_quality_name (p->quality), (int) axis, cap_factor,
            SKC_VALUE_TABLES_WIDE_CAP, count, (unsigned long long) h);
  return fit_tables (e, s, key, radii[count - 1], err);
}

/* The tables of k (radii or grid set), from the memo under key or fitted
   in parallel (each is deterministic) and kept there. */
static skc_result
fit_tables (skc_engine *e, skc_scale *s, const char *key, double top,
            skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_scale *k = &s->knots;
  if (skc_table_memo_take (key, s))
    {
      s->reach = k->half + skc_knots_block (k->half) - 1;
      return SKC_OK;
    }
  int count = k->levels - k->first;
  k->table = calloc ((size_t) k->levels, sizeof *k->table);
  knots_table_job job = { p,
                          k,
                          top,
                          calloc ((size_t) count, sizeof (skc_result)),
                          calloc ((size_t) count, sizeof (int)),
                          calloc ((size_t) count, sizeof (double)) };
  skc_result r = k->table && job.results && job.halves && job.snr_db
                     ? SKC_OK
                     : skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  k->snr_db = INFINITY;
  if (r == SKC_OK)
    skc_parallel_for (count, e->prepare_run.threads, fit_knots_table, &job);
  for (int i = 0; r == SKC_OK && i < count; i++)
    {
      const skc_layer_taps *t = &k->table[k->first + i];
      if (job.results[i] != SKC_OK)
        {
          r = skc_fail (err, job.results[i], "knots table at radius %g: %s",
                        skc_knots_table_radius (k, k->first + i),
                        skc_strerror (job.results[i]));
          break;
        }
      double total = 0;
      for (int j = 0; j < t->count; j++)
        total += fabs (t->c[j]);
      k->abs = fmaxf (k->abs, (float) total);
      k->half = job.halves[i] > k->half ? job.halves[i] : k->half;
      /* The identity (radius 0) is exact: its figure stays 0, skipped. */
      if (skc_knots_table_radius (k, k->first + i) > 0
          && job.snr_db[i] < k->snr_db)
        k->snr_db = job.snr_db[i];
    }
  free (job.results);
  free (job.halves);
  free (job.snr_db);
  if (r != SKC_OK)
    return r;
  skc_table_memo_keep (key, s);
  s->reach = k->half + skc_knots_block (k->half) - 1;
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
  const skc_knots_scale *k = &sc->knots;
  const int f = sc->factor, lx0 = area->x0, ly0 = area->y0;
  const int lw = area->w, lh = area->h;
  const float block_weight = area->block_weight;
  if (!skc_reserve_levels (s, (size_t) lw * lh)
      || !skc_reserve_map_rows (s, lw, f))
    return 0;
  float last_value = NAN;
  int last_level = 0;
  for (int j = 0; j < lh; j++)
    {
      skc_map_block_row (rq, lx0 * f, (ly0 + j) * f, lw, f, block_weight,
                         s->map_row, s->map_blocks);
      for (int i = 0; i < lw; i++)
        {
          float v = s->map_blocks[i];
          if (v != last_value)
            {
              last_level
                  = skc_knots_table_level (k, skc_engine_map_radius (e, v) / f);
              last_value = v;
            }
          s->level[(size_t) j * lw + i] = last_level;
        }
    }
  return 1;
}

static int
tables_values (const skc_engine *e, const skc_scale *sc,
               const skc_apply_request *rq, const skc_scale_area *area,
               skc_tile_scratch *s, float *into, const float **values,
               size_t *values_stride)
{
  if (!table_levels (e, sc, rq, area, s)
      || !skc_knots_tile (sc, s, area, rq->channels, s->level, into))
    return 0;
  *values = into;
  *values_stride = (size_t) area->w * rq->channels;
  return 1;
}

static void
tables_free (skc_scale *sc)
{
  skc_knots_scale *k = &sc->knots;
  for (int q = 0; k->table && q < k->levels; q++)
    skc_layer_taps_free (&k->table[q]);
  free (k->table);
  free (k->radii);
}

const skc_scale_ops skc_knots_tables_ops = { .method = "knots tables",
                                             .margins = skc_knots_margins,
                                             .values = tables_values,
                                             .writes_into = 1,
                                             .free = tables_free };
