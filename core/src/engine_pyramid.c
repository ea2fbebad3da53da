/* skc — the pyramid: scale k works on 2^k x 2^k block averages of the
 * input (aligned to the image origin), its values are upsampled
 * bilinearly to full resolution; a scale's values on any rectangle are
 * its padded input gathered at the scale, then its representation.  For
 * engines with several scales, each process call first finds, row by
 * row, where every scale has weight, then computes each coarse scale once
 * over just what those pixels read (cells of COARSE_CELL of its pixels).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Coarse cells of a plane: this many of the scale's pixels, on a grid
 * aligned to its origin (so knots blocks start on them). */
#define COARSE_CELL 256
/* Rows of row_use found per parallel item. */
#define ROW_USE_BAND 64

/* d[i] += the f pixels of full row block i, for pw blocks. */
HOT_LOOP static void
add_blocks (const float *restrict full, float *restrict d, int pw, int f, int C)
{
  if (C == 4)
    {
      for (int i = 0; i < pw; i++)
        for (int u = 0; u < f; u++)
          for (int c = 0; c < 4; c++)
            d[(size_t) i * 4 + c] += full[((size_t) i * f + u) * 4 + c];
      return;
    }
  for (int i = 0; i < pw; i++)
    for (int u = 0; u < f; u++)
      for (int c = 0; c < C; c++)
        d[(size_t) i * C + c] += full[((size_t) i * f + u) * C + c];
}

/* One output row from two coarse rows: between = (1 - b) r0 + b r1 over n
 * values, then pixel i = (1 - a_i) between[X_i] + a_i between[X_i + 1]. */
HOT_LOOP static void
upsample_row (const float *restrict r0, const float *restrict r1, float b,
              float *restrict between, int n, const int *restrict column,
              const float *restrict weight, float *restrict d, int w, int C)
{
  for (int k = 0; k < n; k++)
    between[k] = (1 - b) * r0[k] + b * r1[k];
  if (C == 4)
    {
      for (int i = 0; i < w; i++)
        {
          const float *p = between + (size_t) column[i] * 4;
          float a = weight[i];
          for (int c = 0; c < 4; c++)
            d[(size_t) i * 4 + c] = (1 - a) * p[c] + a * p[4 + c];
        }
      return;
    }
  for (int i = 0; i < w; i++)
    {
      const float *p = between + (size_t) column[i] * C;
      float a = weight[i];
      for (int c = 0; c < C; c++)
        d[(size_t) i * C + c] = (1 - a) * p[c] + a * p[C + c];
    }
}

static int
reserve_columns (skc_tile_scratch *s, size_t n)
{
  int *column = realloc (s->column, n * sizeof *column);
  if (column)
    s->column = column;
  float *weight = realloc (s->column_weight, n * sizeof *weight);
  if (weight)
    s->column_weight = weight;
  if (!column || !weight)
    return 0;
  s->column_capacity = n;
  return 1;
}

/* The padded input at the scale: f x f block averages aligned to the image
 * origin, into s->buffers[0]. */
static int
padded_input (const skc_engine *e, const skc_scale *sc,
              const skc_apply_request *rq, const skc_scale_area *area,
              skc_tile_scratch *s)
{
  const int C = rq->channels, f = sc->factor;
  const int lx0 = area->x0, ly0 = area->y0;
  const int pad_l = area->pad_l, pad_t = area->pad_t;
  const int pw = area->pw, ph = area->ph;
  const size_t stride = (size_t) pw * C;
  const float block_weight = area->block_weight;
  if (f == 1)
    return skc_prepare_rows (e, rq, ly0 - pad_t, lx0 - pad_l, pw, ph,
                             s->buffers[0]);
  /* A row of blocks at a time: f full-resolution rows. */
  const size_t full_floats = (size_t) pw * f * C;
  if (!skc_tile_reserve (&s->full_row, &s->full_row_capacity, full_floats * f))
    return 0;
  float *full_rows = s->full_row;
  for (int j = 0; j < ph; j++)
    {
      float *d = s->buffers[0] + (size_t) j * stride;
      int by = (ly0 - pad_t + j) * f, bx = (lx0 - pad_l) * f;
      if (!skc_prepare_rows (e, rq, by, bx, pw * f, f, full_rows))
        return 0;
      memset (d, 0, stride * sizeof *d);
      for (int v = 0; v < f; v++)
        add_blocks (full_rows + (size_t) v * full_floats, d, pw, f, C);
      for (size_t i = 0; i < stride; i++)
        d[i] *= block_weight;
    }
  return 1;
}

/* A scale's values on its rectangle [lx0, lx0 + lw) x [ly0, ly0 + lh) (in
 * its own pixels, unclipped): written to `into` (lw x lh x channels) when
 * given and its representation writes into a buffer; *values and
 * *values_stride say where they are. */
static int
scale_values (const skc_engine *e, const skc_scale *sc,
              const skc_apply_request *rq, int lx0, int ly0, int lw, int lh,
              skc_tile_scratch *s, float *into, const float **values,
              size_t *values_stride)
{
  const skc_scale_ops *ops = skc_scale_ops_of (sc);
  const int C = rq->channels, f = sc->factor, R = sc->reach;
  /* The padded input: the scale's reach on every side unless its
     representation reads less. */
  skc_scale_area area = { .x0 = lx0,
                          .y0 = ly0,
                          .w = lw,
                          .h = lh,
                          .pad_l = R,
                          .pad_r = R,
                          .pad_t = R,
                          .pad_b = R,
                          .block_weight = 1.0f / (float) (f * f) };
  if (ops->margins)
    ops->margins (sc, &area);
  area.pw = lw + area.pad_l + area.pad_r;
  area.ph = lh + area.pad_t + area.pad_b;
  const size_t need = (size_t) area.pw * C * area.ph;
  if (!skc_tile_reserve (&s->buffers[0], &s->capacity[0], need)
      || !skc_tile_reserve (&s->buffers[1], &s->capacity[1], need)
      || !padded_input (e, sc, rq, &area, s))
    return 0;
  if (ops->writes_into && !into)
    {
      /* Coarse values go to the scratch (at full resolution the caller
         passes the tile's output). */
      if (!skc_tile_reserve (&s->coarse, &s->coarse_capacity,
                             (size_t) lw * lh * C))
        return 0;
      into = s->coarse;
    }
  return ops->values (e, sc, rq, &area, s, into, values, values_stride);
}

/* Full-resolution pixels [x0, x0 + w) x [y0, y0 + h) from a scale's
 * values (origin gx0, gy0 in its pixels) by bilinear upsampling, where
 * pixel x sits at (x + 0.5) / f - 0.5 in block coordinates: each column's
 * coarse column X and weight a (the same for every row), then per row the
 * two coarse rows blended by b, sampled at X and X + 1. */
int
skc_upsample_tile (skc_tile_scratch *s, const float *values, size_t stride,
                   int gx0, int gy0, int f, int x0, int y0, int w, int h, int C,
                   float *dst)
{
  const int first = skc_floor_div (2 * x0 + 1 - f, 2 * f);
  const int last = skc_floor_div (2 * (x0 + w - 1) + 1 - f, 2 * f) + 1;
  if (!skc_tile_reserve (&s->between, &s->between_capacity,
                         (size_t) (last - first + 1) * C)
      || (w > (int) s->column_capacity && !reserve_columns (s, (size_t) w)))
    return 0;
  for (int i = 0; i < w; i++)
    {
      int tx = 2 * (x0 + i) + 1 - f, X = skc_floor_div (tx, 2 * f);
      s->column[i] = X - first;
      s->column_weight[i] = (float) (tx - X * 2 * f) / (2 * f);
    }
  for (int j = 0; j < h; j++)
    {
      int ty = 2 * (y0 + j) + 1 - f, Y = skc_floor_div (ty, 2 * f);
      float b = (float) (ty - Y * 2 * f) / (2 * f);
      const float *r0
          = values + (size_t) (Y - gy0) * stride + (size_t) (first - gx0) * C;
      upsample_row (r0, r0 + stride, b, s->between, (last - first + 1) * C,
                    s->column, s->column_weight, dst + (size_t) j * w * C, w,
                    C);
    }
  return 1;
}

/* The coarse rectangle [*lx0, *lx0 + *lw) x ... of a scale with blocks of
 * f that upsampling full-resolution [x0, x0 + w) x [y0, y0 + h) reads. */
static void
coarse_rect (int f, int x0, int y0, int w, int h, int *lx0, int *ly0, int *lw,
             int *lh)
{
  *lx0 = skc_floor_div (2 * x0 + 1 - f, 2 * f);
  *ly0 = skc_floor_div (2 * y0 + 1 - f, 2 * f);
  *lw = skc_floor_div (2 * (x0 + w - 1) + 1 - f, 2 * f) + 2 - *lx0;
  *lh = skc_floor_div (2 * (y0 + h - 1) + 1 - f, 2 * f) + 2 - *ly0;
}

int
skc_scale_tile (const skc_engine *e, const skc_scale *sc,
                const skc_apply_request *rq, int x0, int y0, int w, int h,
                skc_tile_scratch *s, float *dst)
{
  const skc_scale_ops *ops = skc_scale_ops_of (sc);
  if (ops->tile)
    return ops->tile (e, sc, rq, x0, y0, w, h, s, dst);
  const int C = rq->channels, f = sc->factor;
  const float *values = NULL;
  size_t stride = 0;
  if (f == 1)
    {
      /* Knots and separable filters write the tile directly. */
      int direct = ops->writes_into;
      if (!scale_values (e, sc, rq, x0, y0, w, h, s, direct ? dst : NULL,
                         &values, &stride))
        return 0;
      if (!direct)
        for (int j = 0; j < h; j++)
          memcpy (dst + (size_t) j * w * C, values + (size_t) j * stride,
                  (size_t) w * C * sizeof *dst);
      return 1;
    }
  int lx0, ly0, lw, lh;
  coarse_rect (f, x0, y0, w, h, &lx0, &ly0, &lw, &lh);
  return scale_values (e, sc, rq, lx0, ly0, lw, lh, s, NULL, &values, &stride)
         && skc_upsample_tile (s, values, stride, lx0, ly0, f, x0, y0, w, h, C,
                               dst);
}

void
skc_used_box (const int *row_use, const skc_view *o, int k, int sx0, int sy0,
              int sx1, int sy1, int *x0, int *y0, int *x1, int *y1)
{
  sx0 = sx0 > o->x ? sx0 : o->x;
  sy0 = sy0 > o->y ? sy0 : o->y;
  sx1 = sx1 < o->x + o->width ? sx1 : o->x + o->width;
  sy1 = sy1 < o->y + o->height ? sy1 : o->y + o->height;
  *x0 = sx1, *y0 = sy1, *x1 = sx0, *y1 = sy0;
  for (int y = sy0; y < sy1; y++)
    {
      const int *use
          = row_use + ((size_t) (y - o->y) * SKC_ENGINE_MAX_SCALES + k) * 2;
      int first = use[0] > sx0 ? use[0] : sx0;
      int last = use[1] < sx1 ? use[1] : sx1;
      if (first >= last)
        continue;
      *x0 = first < *x0 ? first : *x0;
      *x1 = last > *x1 ? last : *x1;
      *y0 = y < *y0 ? y : *y0;
      *y1 = y + 1;
    }
}

/* The rows of one process call whose row_use find_row_use fills. */
typedef struct
{
  const skc_engine *engine;
  const skc_apply_request *request;
  int *row_use;
} row_use_job;

/* Fills job->row_use for the output rows of band `index`. */
static void
find_row_use (void *user, int index)
{
  row_use_job *job = user;
  const int begin = index * ROW_USE_BAND;
  const int end = begin + ROW_USE_BAND < job->request->output.height
                      ? begin + ROW_USE_BAND
                      : job->request->output.height;
  const skc_engine *e = job->engine;
  const skc_apply_request *rq = job->request;
  const skc_view *o = &rq->output, *m = &rq->map;
  float last_value = NAN;
  float weights[SKC_ENGINE_MAX_SCALES] = { 0 };
  for (int j = begin; j < end; j++)
    {
      int *use = job->row_use + (size_t) j * SKC_ENGINE_MAX_SCALES * 2;
      for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
        use[2 * k] = o->x + o->width, use[2 * k + 1] = o->x;
      const float *row
          = e->with_map
                ? m->pixels + (size_t) (o->y + j - m->y) * m->stride - m->x
                : NULL;
      /* Runs of one map value: each run's scales take its columns. */
      int run_start = o->x;
      for (int x = o->x; x <= o->x + o->width; x++)
        {
          float v = x == o->x + o->width ? NAN
                    : row                ? (isfinite (row[x]) ? row[x] : 0)
                                         : 0;
          if (v == last_value)
            continue;
          for (int k = e->first_scale; x > run_start && k < e->scale_count; k++)
            if (weights[k] > 0)
              {
                use[2 * k] = run_start < use[2 * k] ? run_start : use[2 * k];
                use[2 * k + 1] = x;
              }
          if (x == o->x + o->width)
            break;
          double r = row ? skc_engine_map_radius (e, v) : e->params.radius;
          for (int k = e->first_scale; k < e->scale_count; k++)
            weights[k] = skc_scale_weight (e, k, r);
          last_value = v;
          run_start = x;
        }
      last_value = NAN; /* the next row starts a run */
    }
}

/* The planes of a multi-scale engine's coarse scales for the request's
 * output, and their cells; 0 when out of memory. */
static int
plan_coarse_planes (skc_coarse_planes *c, const skc_engine *e,
                    const skc_apply_request *rq)
{
  const skc_view *o = &rq->output;
  int cells = 0;
  for (int k = e->first_scale; k < e->scale_count; k++)
    {
      c->first_cell[k] = cells;
      c->first_cell[k + 1] = cells;
      const int f = e->scales[k].factor;
      if (f == 1 || skc_scale_ops_of (&e->scales[k])->tile)
        continue;
      skc_coarse_plane *pl = &c->planes[k];
      coarse_rect (f, o->x, o->y, o->width, o->height, &pl->x0, &pl->y0,
                   &pl->width, &pl->height);
      pl->values = malloc ((size_t) pl->width * pl->height * rq->channels
                           * sizeof *pl->values);
      if (!pl->values)
        return 0;
      c->cells[k]
          = skc_grid_over (COARSE_CELL, pl->x0, pl->y0, pl->width, pl->height);
      cells += c->cells[k].across * c->cells[k].down;
      c->first_cell[k + 1] = cells;
    }
  return 1;
}

int
skc_coarse_cell (const skc_coarse_planes *c, const skc_engine *e,
                 const skc_apply_request *rq, int index,
                 skc_engine_worker *worker)
{
  int k = e->first_scale;
  while (index >= c->first_cell[k + 1])
    k++;
  int cell = index - c->first_cell[k];
  const skc_coarse_plane *pl = &c->planes[k];
  const int C = rq->channels;
  int cx0, cy0, cx1, cy1;
  skc_grid_cell (&c->cells[k], cell, &cx0, &cy0, &cx1, &cy1);
  const size_t stride = (size_t) pl->width * C;
  float *dst = pl->values + (size_t) (cy0 - pl->y0) * stride
               + (size_t) (cx0 - pl->x0) * C;
  for (int j = 0; j < cy1 - cy0; j++)
    memset (dst + (size_t) j * stride, 0,
            (size_t) (cx1 - cx0) * C * sizeof *dst);
  /* Only the part of the cell that pixels with weight here read: every
     coarse value is the same whatever rectangle computes it, and the rest
     is never used. */
  const int f = e->scales[k].factor;
  int ux0, uy0, ux1, uy1;
  skc_used_box (c->row_use, &rq->output, k, (cx0 - 1) * f, (cy0 - 1) * f,
                (cx1 + 1) * f, (cy1 + 1) * f, &ux0, &uy0, &ux1, &uy1);
  if (ux1 <= ux0 || uy1 <= uy0)
    return 1;
  int lx0, ly0, lw, lh;
  coarse_rect (f, ux0, uy0, ux1 - ux0, uy1 - uy0, &lx0, &ly0, &lw, &lh);
  int rx0 = lx0 > cx0 ? lx0 : cx0, ry0 = ly0 > cy0 ? ly0 : cy0;
  int rx1 = lx0 + lw < cx1 ? lx0 + lw : cx1;
  int ry1 = ly0 + lh < cy1 ? ly0 + lh : cy1;
  if (rx1 <= rx0 || ry1 <= ry0)
    return 1;
  const float *values = NULL;
  size_t values_stride = 0;
  if (!scale_values (e, &e->scales[k], rq, rx0, ry0, rx1 - rx0, ry1 - ry0,
                     &worker->scale[k], NULL, &values, &values_stride))
    return 0;
  for (int j = ry0; j < ry1; j++)
    memcpy (pl->values + (size_t) (j - pl->y0) * stride
                + (size_t) (rx0 - pl->x0) * C,
            values + (size_t) (j - ry0) * values_stride,
            (size_t) (rx1 - rx0) * C * sizeof *dst);
  return 1;
}

int
skc_coarse_prepare (skc_coarse_planes *c, const skc_engine *e,
                    const skc_apply_request *rq, int threads)
{
  c->row_use = malloc ((size_t) rq->output.height * SKC_ENGINE_MAX_SCALES * 2
                       * sizeof *c->row_use);
  if (!c->row_use || !plan_coarse_planes (c, e, rq))
    return 0;
  row_use_job job = { e, rq, c->row_use };
  skc_parallel_for ((rq->output.height + ROW_USE_BAND - 1) / ROW_USE_BAND,
                    threads, find_row_use, &job);
  return 1;
}

void
skc_coarse_free (skc_coarse_planes *c)
{
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    free (c->planes[k].values);
  free (c->row_use);
}
