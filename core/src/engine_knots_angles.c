/* skc — swirl on knots per angle: for every angle code the swirl can
 * produce, the fewest knots (along rows) that reach the quality's turned
 * floor against the shape rendered turned by that angle.  Each input
 * pixel spreads its own code's kernel (a scatter: the knots become steps
 * in a row of differences whose running sum is the output), so the
 * response to a point is exactly its code's kernel, whatever the codes
 * around it, and keeps its light.
 *
 * Running sums restart on blocks of ANGLES_BLOCK columns aligned to the
 * image origin: a block's sum starts from the value one column before it,
 * gathered from the kernels' partial line sums, and every value of a
 * block is computed the same whatever the tiling.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"
#include "internal.h"
#include "knots_private.h"
#include "skc/metrics.h"

/* Columns per running-sum block: each block gathers one value of its
 * running sum first ((2 half + 1)^2 MACs per row), and the engine reads
 * this much further to the left. */
#define ANGLES_BLOCK 128
/* Knots aim a little above the floor (their levels are rounded after the
 * fit), as in the planner. */
#define ANGLES_AIM 0.9
/* Negative results within this many units of float rounding of the sum of
 * |differences| run over are rounding of a non-negative result: 0. */
#define ANGLES_CLAMP_SCALE 0x1p-18f

/* The swirl's codes: those whose angle the model can give.  Up to 1/2
 * the turn stays within asin (s / (1 - s)) of the plain kernel; above
 * 1/2 every angle occurs. */
static int
code_used (double swirl, int code)
{
  if (swirl > 0.5)
    return 1;
  double limit = asin (swirl / (1 - swirl));
  int steps = code <= SKC_ENGINE_ANGLES / 2 ? code : SKC_ENGINE_ANGLES - code;
  return steps * 2 * M_PI / SKC_ENGINE_ANGLES
         <= limit + 2 * 2 * M_PI / SKC_ENGINE_ANGLES;
}

typedef struct
{
  const skc_params *params;
  skc_knots_angles_scale *a;
  double max_error;
  long max_macs;
  skc_result *results;
  double *snr;
  int *halves;
  const int *codes; /* the codes to fit, in order */
} angles_job;

/* The shape turned clockwise on screen by code's angle (as the complexes
 * turn), at the full radius. */
static skc_result
turned_target (const skc_params *p, int code, skc_image *t)
{
  skc_shape shape = p->shape;
  shape.rotation -= code * 360.0 / SKC_ENGINE_ANGLES;
  int size = 2 * (int) ceil (p->radius) + 1;
  return skc_shape_render (&shape, p->radius, size, t, NULL);
}

static void
fit_angle (void *user, int index)
{
  angles_job *job = user;
  skc_knots_angles_scale *a = job->a;
  const int code = job->codes[index];
  skc_image target = { 0 }, effective = { 0 };
  skc_filter *f = NULL;
  skc_result r = turned_target (job->params, code, &target);
  if (r == SKC_OK)
    r = skc_knots_fit_to (&target, job->max_macs, job->max_error,
                          SKC_KNOTS_ROWS, &f, NULL);
  job->snr[index] = -INFINITY;
  if (r == SKC_OK && f && skc_filter_render (f, &effective) == SKC_OK)
    {
      double error = skc_kernel_error (&effective, &target);
      job->snr[index] = isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
    }
  if (r == SKC_OK && f && !skc_knot_taps_build (f, &a->table[code]))
    r = SKC_ERR_OUT_OF_MEMORY;
  job->halves[index] = f ? f->size / 2 : -1;
  job->results[index] = r;
  skc_filter_free (f);
  skc_image_free (&target);
  skc_image_free (&effective);
}

/* Each code's line starts and partial line sums: partial[line][i] is the
 * sum, in tap order, of the line's knots at dx <= i - half - 1 (an input
 * pixel's share of the running sum i - half - 1 columns to its right: a
 * knot at dx adds its weight from column x + dx on). */
static int
build_partials (skc_knots_angles_scale *a)
{
  const int h = a->half, lines = 2 * h + 1, width = 2 * h + 4;
  a->line_start = calloc ((size_t) a->codes * (lines + 1), sizeof (int));
  a->partial = calloc ((size_t) a->codes * lines * width, sizeof (float));
  if (!a->line_start || !a->partial)
    return 0;
  for (int q = 0; q < a->codes; q++)
    {
      if (!a->fitted[q])
        continue;
      const skc_layer_taps *t = &a->table[q];
      int *start = a->line_start + (size_t) q * (lines + 1);
      float *part = a->partial + (size_t) q * lines * width;
      int k = 0;
      for (int line = 0; line < lines; line++)
        {
          start[line] = k;
          int end = k;
          while (end < t->count && t->dy[end] == line - h)
            end++;
          for (int i = 0; i < width; i++)
            {
              float sum = 0;
              for (int j = k; j < end; j++)
                if (t->dx[j] <= i - h - 1)
                  sum += t->c[j];
              part[(size_t) line * width + i] = sum;
            }
          k = end;
        }
      start[lines] = k;
      if (k != t->count)
        return 0; /* taps out of line order */
    }
  return 1;
}

skc_result
skc_knots_angles_prepare (skc_engine *e, skc_scale *s, double floor_db,
                          long max_macs, int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_angles_scale *a = &s->angles;
  *ok = 0;
  memset (a, 0, sizeof *a);
  a->codes = SKC_ENGINE_ANGLES;
  int codes[SKC_ENGINE_ANGLES], count = 0;
  for (int q = 0; q < a->codes; q++)
    if (code_used (p->swirl, q))
      codes[count++] = q;
  a->fitted = calloc ((size_t) a->codes, 1);
  a->table = calloc ((size_t) a->codes, sizeof *a->table);
  angles_job job = { p,
                     a,
                     ANGLES_AIM * pow (10, -floor_db / 20),
                     max_macs,
                     calloc ((size_t) count, sizeof (skc_result)),
                     calloc ((size_t) count, sizeof (double)),
                     calloc ((size_t) count, sizeof (int)),
                     codes };
  skc_result r = SKC_OK;
  if (!a->fitted || !a->table || !job.results || !job.snr || !job.halves)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r == SKC_OK)
    skc_parallel_for (count, e->prepare_run.threads, fit_angle, &job);
  int reached = 1;
  a->worst_snr_db = INFINITY;
  a->half = -1;
  for (int i = 0; r == SKC_OK && i < count; i++)
    {
      if (job.results[i] != SKC_OK)
        r = skc_fail (err, job.results[i], "swirl knots at %g degrees: %s",
                      codes[i] * 360.0 / SKC_ENGINE_ANGLES,
                      skc_strerror (job.results[i]));
      else if (job.halves[i] < 0)
        reached = 0;
      else
        {
          const skc_layer_taps *t = &a->table[codes[i]];
          a->fitted[codes[i]] = 1;
          a->half = job.halves[i];
          a->worst_snr_db = fmin (a->worst_snr_db, job.snr[i]);
          a->macs = t->count + 1 > a->macs ? t->count + 1 : a->macs;
        }
    }
  free (job.results);
  free (job.snr);
  free (job.halves);
  if (r == SKC_OK && reached && !build_partials (a))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r != SKC_OK || !reached)
    {
      skc_knots_angles_ops.free (s);
      memset (a, 0, sizeof *a);
      return r;
    }
  *ok = 1;
  s->kind = SKC_SCALE_KNOTS_ANGLES;
  /* A block's running sum starts up to ANGLES_BLOCK - 1 columns left of
     an output, from input half + 1 further. */
  s->reach = a->half + ANGLES_BLOCK + 1;
  e->kernel_reach = a->half;
  e->reach = s->reach;
  e->kernel_snr_db = a->worst_snr_db;
  return SKC_OK;
}

/* Rows: across the kernel's half; columns: from half + 1 before the
 * area's first block to the half (and the knot past a line's end) after
 * the area. */
static void
angles_margins (const skc_scale *sc, skc_scale_area *area)
{
  const int h = sc->angles.half;
  area->pad_t = area->pad_b = h;
  area->pad_l = area->x0 - skc_floor_div (area->x0, ANGLES_BLOCK) * ANGLES_BLOCK
                + h + 1;
  area->pad_r = h + 1;
}

/* d[i] += c * v[i] */
HOT_LOOP static void
axpy (float *restrict d, const float *restrict v, float c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    d[i] += c * v[i];
}

/* One pass of the scatter over an area: `in` (the padded input, or a copy
 * weighted per pixel) with each pixel's code from `code` (pw per row, or
 * NULL: code 0 everywhere), into out (w x h x C): written, or added where
 * not zero when `add`.  D is the block's row of differences. */
static void
scatter_pass (const skc_knots_angles_scale *a, const skc_scale_area *area,
              int C, const float *in, const int *code, float *D, int add,
              float *out)
{
  const int h = a->half, lines = 2 * h + 1, width = 2 * h + 4;
  const int B = ANGLES_BLOCK, pw = area->pw;
  const int px0 = area->x0 - area->pad_l; /* the padded input's origin */
  const size_t stride = (size_t) pw * C;
  for (int b0 = skc_floor_div (area->x0, B) * B; b0 < area->x0 + area->w;
       b0 += B)
    {
      const int first = b0 > area->x0 ? b0 : area->x0;
      const int last
          = b0 + B < area->x0 + area->w ? b0 + B : area->x0 + area->w;
      for (int j = 0; j < area->h; j++)
        {
          /* The running sum one column before the block: each input
             pixel's partial line sums there. */
          double run[4] = { 0, 0, 0, 0 };
          for (int line = 0; line < lines; line++)
            {
              const int r = j + area->pad_t - (line - h); /* padded row */
              const float *row = in + (size_t) r * stride;
              const int *qrow = code ? code + (size_t) r * pw : NULL;
              for (int i = 1; i < width - 2; i++)
                {
                  /* Input column b0 - 1 - (i - h - 1) = b0 + h - i. */
                  int x = b0 + h - i - px0;
                  int q = qrow ? qrow[x] : 0;
                  float pv = a->partial[((size_t) q * lines + line) * width
                                        + (size_t) i];
                  if (pv != 0)
                    for (int c = 0; c < C; c++)
                      run[c] += (double) pv * row[(size_t) x * C + c];
                }
            }
          /* The differences over [b0, last): each input pixel's knots,
             runs of one code at a time. */
          const int n = last - b0;
          memset (D, 0, (size_t) n * C * sizeof *D);
          for (int line = 0; line < lines; line++)
            {
              const int r = j + area->pad_t - (line - h);
              const float *row = in + (size_t) r * stride;
              const int *qrow = code ? code + (size_t) r * pw : NULL;
              const int lo = b0 - h - 1 - px0, hi = last + h - px0;
              for (int x = lo; x < hi;)
                {
                  int q = qrow ? qrow[x] : 0, end = x + 1;
                  while (qrow && end < hi && qrow[end] == q)
                    end++;
                  const skc_layer_taps *t = &a->table[q];
                  const int *start = a->line_start + (size_t) q * (lines + 1);
                  for (int k = start[line]; k < start[line + 1]; k++)
                    {
                      /* Input x steps at x + dx (block columns). */
                      int shift = t->dx[k] + px0 - b0;
                      int u0 = x + shift > 0 ? x + shift : 0;
                      int u1 = end + shift < n ? end + shift : n;
                      if (u0 < u1)
                        axpy (D + (size_t) u0 * C,
                              row + (size_t) (u0 - shift) * C, t->c[k],
                              (size_t) (u1 - u0) * C);
                    }
                  x = end;
                }
            }
          /* The running sum; tiny negatives (rounding of a non-negative
             result) become 0. */
          float mass[4] = { 0, 0, 0, 0 };
          for (int c = 0; c < C; c++)
            mass[c] = (float) fabs (run[c]);
          float *o = out + (size_t) j * area->w * C;
          for (int u = 0; u < n; u++)
            for (int c = 0; c < C; c++)
              {
                float d = D[(size_t) u * C + c];
                run[c] += d;
                mass[c] += d < 0 ? -d : d;
                if (b0 + u < first)
                  continue;
                float v = (float) run[c];
                if (v < 0 && v > -ANGLES_CLAMP_SCALE * mass[c])
                  v = 0;
                float *dst = o + (size_t) (b0 + u - area->x0) * C + c;
                if (!add)
                  *dst = v;
                else if (v != 0)
                  *dst += v;
              }
        }
    }
}

/* Every padded pixel's angle code, and with the plain zone (swirl above
 * 1/2) its plain weight; *plain says whether any is above 0. */
static int
area_codes (const skc_engine *e, const skc_apply_request *rq,
            const skc_scale_area *area, skc_tile_scratch *s, int *plain)
{
  const int pw = area->pw, ph = area->ph;
  const int px0 = area->x0 - area->pad_l, py0 = area->y0 - area->pad_t;
  const int zone = skc_plain_zone (e);
  *plain = 0;
  if (!skc_reserve_levels (s, (size_t) pw * ph)
      || (zone
          && !skc_tile_reserve (&s->plain_weight, &s->plain_weight_capacity,
                                (size_t) pw * ph)))
    return 0;
  for (int j = 0; j < ph; j++)
    for (int i = 0; i < pw; i++)
      {
        size_t at = (size_t) j * pw + i;
        s->level[at] = skc_angle_code (e, rq, px0 + i, py0 + j);
        if (zone)
          {
            float w = skc_plain_weight (e, rq, px0 + i, py0 + j);
            s->plain_weight[at] = w;
            *plain |= w > 0;
          }
      }
  return 1;
}

static int
angles_values (const skc_engine *e, const skc_scale *sc,
               const skc_apply_request *rq, const skc_scale_area *area,
               skc_tile_scratch *s, float *into, const float **values,
               size_t *values_stride)
{
  const skc_knots_angles_scale *a = &sc->angles;
  const int C = rq->channels;
  const size_t n = (size_t) area->pw * area->ph;
  int plain = 0;
  if (!area_codes (e, rq, area, s, &plain)
      || !skc_tile_reserve (&s->buffers[1], &s->capacity[1],
                            (size_t) ANGLES_BLOCK * C))
    return 0;
  /* Codes the swirl cannot give (none, by the model) run the plain
     kernel. */
  for (size_t i = 0; i < n; i++)
    if (!a->fitted[s->level[i]])
      s->level[i] = 0;
  if (!plain)
    scatter_pass (a, area, C, s->buffers[0], s->level, s->buffers[1], 0, into);
  else
    {
      /* Around the centre each input pixel spreads its turned kernel by
         1 - w and the plain one by w. */
      if (!skc_tile_reserve (&s->plain_input, &s->plain_input_capacity, n * C))
        return 0;
      float *in = s->buffers[0], *part = s->plain_input;
      for (size_t i = 0; i < n; i++)
        for (int c = 0; c < C; c++)
          part[i * C + c] = in[i * C + c] * (1 - s->plain_weight[i]);
      scatter_pass (a, area, C, part, s->level, s->buffers[1], 0, into);
      for (size_t i = 0; i < n; i++)
        for (int c = 0; c < C; c++)
          part[i * C + c] = in[i * C + c] * s->plain_weight[i];
      scatter_pass (a, area, C, part, NULL, s->buffers[1], 1, into);
    }
  *values = into;
  *values_stride = (size_t) area->w * C;
  return 1;
}

static void
angles_free (skc_scale *sc)
{
  skc_knots_angles_scale *a = &sc->angles;
  for (int q = 0; a->table && q < a->codes; q++)
    skc_layer_taps_free (&a->table[q]);
  free (a->table);
  free (a->fitted);
  free (a->line_start);
  free (a->partial);
}

const skc_scale_ops skc_knots_angles_ops = { .method = "knots per angle",
                                             .margins = angles_margins,
                                             .values = angles_values,
                                             .writes_into = 1,
                                             .free = angles_free };
