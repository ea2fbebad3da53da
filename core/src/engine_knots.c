/* skc — knots filters in the engine's tiles: prefix sums of the padded
 * input along one axis, restarted on blocks aligned to the scale's origin,
 * and the knots read from them as taps (one filter, or a blur map's table
 * per pixel).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"

/* Rounding of a knots result is at most about 2^-24 x the sum of the
 * knots' |weights| x the largest |prefix sum| read; anything negative
 * within 64 times that is rounding of a non-negative result. */
#define KNOTS_CLAMP_SCALE 0x1p-18f

/* Prefix sums along `rows` rows of the padded input: row j of S is 0
 * followed by the running sums of `count` pixels from src + j * stride,
 * summed in double and stored as float; m[j] is the row's largest
 * |value|.  Four channels run as one vector and four rows at once, so
 * the double additions' latency overlaps. */
HOT_LOOP static void
prefix_rows (const float *src, size_t stride, int C, int count, int rows,
             float *S, size_t s_stride, float *m)
{
  int j = 0;
#if defined(__GNUC__)
  typedef double v4d __attribute__ ((vector_size (32)));
  typedef float v4f __attribute__ ((vector_size (16)));
  typedef int v4i __attribute__ ((vector_size (16)));
  if (C == 4)
    for (; j + 4 <= rows; j += 4)
      {
        v4d run[4] = { { 0 } };
        v4f top[4] = { { 0 } };
        const float *in[4];
        float *out[4];
        for (int k = 0; k < 4; k++)
          {
            in[k] = src + (size_t) (j + k) * stride;
            out[k] = S + (size_t) (j + k) * s_stride;
            memset (out[k], 0, 4 * sizeof (float));
          }
        for (int i = 0; i < count; i++)
          for (int k = 0; k < 4; k++)
            {
              v4f x;
              memcpy (&x, in[k] + (size_t) i * 4, sizeof x);
              run[k] += __builtin_convertvector(x, v4d);
              v4f v = __builtin_convertvector(run[k], v4f);
              memcpy (out[k] + (size_t) (i + 1) * 4, &v, sizeof v);
              v4i a = (v4i) v & 0x7fffffff, more = a > (v4i) top[k];
              top[k] = (v4f) ((a & more) | ((v4i) top[k] & ~more));
            }
        for (int k = 0; k < 4; k++)
          {
            float t = top[k][0] > top[k][1] ? top[k][0] : top[k][1];
            t = top[k][2] > t ? top[k][2] : t;
            m[j + k] = top[k][3] > t ? top[k][3] : t;
          }
      }
#endif
  for (; j < rows; j++)
    {
      const float *in = src + (size_t) j * stride;
      float *d = S + (size_t) j * s_stride;
      double run[4] = { 0, 0, 0, 0 };
      float top = 0;
      for (int c = 0; c < C; c++)
        d[c] = 0;
      for (int i = 0; i < count; i++)
        for (int c = 0; c < C; c++)
          {
            run[c] += in[(size_t) i * C + c];
            float v = (float) run[c];
            d[(size_t) (i + 1) * C + c] = v;
            top = skc_max_abs (top, v);
          }
      m[j] = top;
    }
}

/* One row of prefix sums down the columns: run += src, d = (float) run. */
HOT_LOOP static void
prefix_step (double *restrict run, const float *restrict src, float *restrict d,
             size_t n)
{
  for (size_t q = 0; q < n; q++)
    {
      run[q] += src[q];
      d[q] = (float) run[q];
    }
}

/* Values in (-limit, 0) are rounding of a non-negative result: 0. */
HOT_LOOP static void
clamp_rounding (float *d, size_t n, float limit)
{
  for (size_t i = 0; i < n; i++)
    d[i] = d[i] < 0 && d[i] > -limit ? 0.0f : d[i];
}

/* skc_taps_apply with the scale's one filter (level NULL), or, for a blur
 * map, with each run of output pixels sharing a level (level: lw per row,
 * origin ax0, ay0) filtered with that level's table. */
static void
knots_apply_levels (const skc_scale *sc, const int *level, int lw,
                    const float *S, size_t s_stride, int C, int sx0, int sy0,
                    float *acc, size_t a_stride, int ax0, int ay0, int x0,
                    int x1, int y0, int y1)
{
  if (!level)
    {
      skc_taps_apply (&sc->knots.taps, S, s_stride, C, sx0, sy0, acc, a_stride,
                      ax0, ay0, x0, x1, y0, y1);
      return;
    }
  for (int y = y0; y < y1; y++)
    {
      const int *lv = level + (size_t) (y - ay0) * lw - ax0;
      for (int x = x0; x < x1;)
        {
          int q = lv[x], end = x + 1;
          while (end < x1 && lv[end] == q)
            end++;
          skc_taps_apply (&sc->knots.table[q], S, s_stride, C, sx0, sy0, acc,
                          a_stride, ax0, ay0, x, end, y, y + 1);
          x = end;
        }
    }
}

/* Prefix sums of the padded input along the axis, restarted on blocks of
 * skc_knots_block aligned to the scale's origin and always computed
 * over the whole block (so every value and every clamp decision is the
 * same whatever the tiling), summed in double and stored as float; then
 * the knots as taps on them. */
int
skc_knots_tile (const skc_scale *sc, skc_tile_scratch *s,
                const skc_scale_area *area, int C, const int *level, float *acc)
{
  const int lx0 = area->x0, ly0 = area->y0, lw = area->w, lh = area->h;
  const int pw = area->pw, pad_l = area->pad_l, pad_t = area->pad_t;
  const int h = sc->knots.half;
  const int B = skc_knots_block (sc->knots.half);
  const size_t stride = (size_t) pw * C;
  const size_t a_stride = (size_t) lw * C;
  const float *in = s->buffers[0];
  const int rows = sc->knots.axis == SKC_KNOTS_ROWS;
  /* S: rows axis, one block of columns for every row the taps read;
     columns axis, one block of rows for every column. */
  const int sw = rows ? B + 2 * h + 1 : lw + 2 * h;
  const int sh = rows ? lh + 2 * h : B + 2 * h + 1;
  const size_t s_stride = (size_t) sw * C;
  const int lines = rows ? sh : sw;
  if (!skc_tile_reserve (&s->buffers[1], &s->capacity[1], s_stride * sh)
      || !skc_tile_reserve (&s->line_max, &s->line_max_capacity,
                            (size_t) lines))
    return 0;
  if (!rows && s_stride > s->prefix_capacity)
    {
      double *p = realloc (s->prefix, s_stride * sizeof *p);
      if (!p)
        return 0;
      s->prefix = p;
      s->prefix_capacity = s_stride;
    }
  float *S = s->buffers[1];
  float *m = s->line_max;
  const float eps = KNOTS_CLAMP_SCALE * sc->knots.abs;
  const int lo = rows ? lx0 : ly0, extent = rows ? lw : lh;
  for (int b0 = skc_floor_div (lo, B) * B; b0 < lo + extent; b0 += B)
    {
      int first = b0 > lo ? b0 : lo;
      int last = b0 + B < lo + extent ? b0 + B : lo + extent;
      if (rows)
        {
          /* S column i is the sum of columns b0 - h .. b0 - h - 1 + i. */
          prefix_rows (in + (size_t) (pad_t - h) * stride
                           + (size_t) (b0 - h - (lx0 - pad_l)) * C,
                       stride, C, sw - 1, sh, S, s_stride, m);
          knots_apply_levels (sc, level, lw, S, s_stride, C, b0 - h - 1,
                              ly0 - h, acc, a_stride, lx0, ly0, first, last,
                              ly0, ly0 + lh);
          if (sc->knots.clamp)
            for (int y = ly0; y < ly0 + lh; y++)
              {
                float top = 0;
                for (int j = y - ly0; j <= y - ly0 + 2 * h; j++)
                  top = top > m[j] ? top : m[j];
                clamp_rounding (acc + (size_t) (y - ly0) * a_stride
                                    + (size_t) (first - lx0) * C,
                                (size_t) (last - first) * C, eps * top);
              }
        }
      else
        {
          /* S row i is the sum of rows b0 - h .. b0 - h - 1 + i, over
             columns lx0 - h .. lx0 + lw - 1 + h. */
          double *run = s->prefix;
          for (size_t q = 0; q < s_stride; q++)
            run[q] = 0, S[q] = 0;
          for (int x = 0; x < sw; x++)
            m[x] = 0;
          for (int i = 1; i < sh; i++)
            {
              const float *src
                  = in + (size_t) (b0 - h - 1 + i - (ly0 - pad_t)) * stride
                    + (size_t) (pad_l - h) * C;
              float *d = S + (size_t) i * s_stride;
              prefix_step (run, src, d, s_stride);
              for (int x = 0; x < sw; x++)
                for (int c = 0; c < C; c++)
                  m[x] = skc_max_abs (m[x], d[(size_t) x * C + c]);
            }
          knots_apply_levels (sc, level, lw, S, s_stride, C, lx0 - h,
                              b0 - h - 1, acc, a_stride, lx0, ly0, lx0,
                              lx0 + lw, first, last);
          if (sc->knots.clamp)
            {
              /* Each output column's bound, once per block: m[x] becomes
                 the largest over the columns its knots read. */
              for (int x = 0; x < lw; x++)
                {
                  float top = 0;
                  for (int j = x; j <= x + 2 * h; j++)
                    top = top > m[j] ? top : m[j];
                  m[x] = top;
                }
              for (int y = first; y < last; y++)
                {
                  float *d = acc + (size_t) (y - ly0) * a_stride;
                  for (int x = 0; x < lw; x++)
                    for (int c = 0; c < C; c++)
                      if (d[(size_t) x * C + c] < 0
                          && d[(size_t) x * C + c] > -eps * m[x])
                        d[(size_t) x * C + c] = 0;
                }
            }
        }
    }
  /* A map's radius 0 (its focus) is the identity: the input itself, not
     the difference of two prefix sums, whose rounding grows with the
     block (next to 1000.0 highlights on 256 px blocks: up to 0.015). */
  if (level && sc->knots.first == 0
      && skc_knots_table_radius (&sc->knots, 0) == 0)
    for (int y = ly0; y < ly0 + lh; y++)
      {
        const int *lv = level + (size_t) (y - ly0) * lw;
        const float *src
            = in + (size_t) (y - ly0 + pad_t) * stride + (size_t) pad_l * C;
        float *d = acc + (size_t) (y - ly0) * a_stride;
        for (int x = 0; x < lw; x++)
          if (lv[x] == 0)
            for (int c = 0; c < C; c++)
              d[(size_t) x * C + c] = src[(size_t) x * C + c];
      }
  return 1;
}

void
skc_knots_margins (const skc_scale *sc, skc_scale_area *area)
{
  /* Across their axis the kernel's half, along it from the first prefix
     block's start to the last one's end, each grown by the half. */
  const int B = skc_knots_block (sc->knots.half), kh = sc->knots.half;
  const int rows = sc->knots.axis == SKC_KNOTS_ROWS;
  const int lo = rows ? area->x0 : area->y0;
  const int hi = lo + (rows ? area->w : area->h);
  const int before = lo - skc_floor_div (lo, B) * B + kh;
  const int after = skc_floor_div (hi - 1, B) * B + B + kh - hi;
  area->pad_l = rows ? before : kh;
  area->pad_r = rows ? after : kh;
  area->pad_t = rows ? kh : before;
  area->pad_b = rows ? kh : after;
}

/* The one filter's knots on every pixel. */
static int
knots_values (const skc_engine *e, const skc_scale *sc,
              const skc_apply_request *rq, const skc_scale_area *area,
              skc_tile_scratch *s, float *into, const float **values,
              size_t *values_stride)
{
  if (!skc_knots_tile (sc, s, area, rq->channels, NULL, into))
    return 0;
  *values = into;
  *values_stride = (size_t) area->w * rq->channels;
  return 1;
}

/* A knots filter: its knots become taps on the prefix-sum image; the
 * tile code reads a block further back, where its prefix sums start. */
skc_result
skc_knots_prepare (skc_engine *e, skc_scale *s, skc_filter *filter,
                   skc_error *err)
{
  const skc_filter *f = filter;
  skc_knots_scale *k = &s->knots;
  s->kind = SKC_SCALE_KNOTS;
  k->filter = filter;
  skc_image kernel = { 0 };
  if (!skc_knot_taps_build (f, &k->taps)
      || skc_filter_render (f, &kernel) != SKC_OK)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  k->clamp = 1;
  for (int y = 0; y < kernel.height; y++)
    for (int x = 0; x < kernel.width; x++)
      k->clamp &= *skc_image_pixel (&kernel, x, y) >= 0;
  skc_image_free (&kernel);
  double total = 0;
  for (int t = 0; t < k->taps.count; t++)
    total += fabs (k->taps.c[t]);
  k->abs = (float) total;
  k->axis = f->axis;
  k->half = f->size / 2;
  s->reach = f->size / 2;
  e->kernel_reach = skc_scale_full_reach (s);
  s->reach = f->size / 2 + skc_knots_block (f->size / 2) - 1;
  e->reach = skc_scale_full_reach (s);
  char scale_note[96] = "";
  if (s->factor > 1)
    snprintf (scale_note, sizeof scale_note,
              " on %dx%d blocks (radius %g there)", s->factor, s->factor,
              e->params.radius / s->factor);
  snprintf (e->description, sizeof e->description,
            "uniform: knots %dx%d along %s%s (%d knots, %ld MACs per pixel "
            "and channel%s, reach %d px)%s%s",
            f->size, f->size, f->axis == SKC_KNOTS_ROWS ? "rows" : "columns",
            scale_note, skc_filter_knot_count (f), skc_filter_macs (f),
            s->factor > 1 ? " at that scale" : "", e->reach,
            e->plan[0] ? "; planner: " : "", e->plan);
  return SKC_OK;
}

static void
knots_free (skc_scale *sc)
{
  skc_layer_taps_free (&sc->knots.taps);
  skc_filter_free (sc->knots.filter);
}

const skc_scale_ops skc_knots_ops = { .method = "knots",
                                      .margins = skc_knots_margins,
                                      .values = knots_values,
                                      .writes_into = 1,
                                      .free = knots_free };
