/* skc — the effective kernel of a filter: its impulse response, computed
 * from the same taps the apply code runs, in double precision.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "skc/metrics.h"
#include "taps.h"

static skc_result
render_complex (const skc_filter *f, skc_image *out)
{
  int reach = 0;
  skc_layer_taps taps[SKC_MAX_LAYERS];
  for (int l = 0; l < f->layer_count; l++)
    {
      if (!skc_layer_taps_build (f, l, &taps[l]))
        {
          for (int k = 0; k < l; k++)
            skc_layer_taps_free (&taps[k]);
          return SKC_ERR_OUT_OF_MEMORY;
        }
      reach += taps[l].reach;
    }
  int side = 2 * reach + 1;
  skc_result r = SKC_ERR_OUT_OF_MEMORY;
  double *acc = calloc ((size_t) side * side, sizeof *acc);
  double *next = calloc ((size_t) side * side, sizeof *next);
  if (acc && next)
    {
      /* acc holds the impulse response of layers 0..l within radius
         `current`. */
      acc[(size_t) reach * side + reach] = 1;
      int current = 0;
      for (int l = 0; l < f->layer_count; l++)
        {
          memset (next, 0, (size_t) side * side * sizeof *next);
          for (int y = reach - current; y <= reach + current; y++)
            for (int x = reach - current; x <= reach + current; x++)
              {
                double v = acc[(size_t) y * side + x];
                if (v == 0)
                  continue;
                for (int t = 0; t < taps[l].count; t++)
                  next[(size_t) (y + taps[l].dy[t]) * side + x + taps[l].dx[t]]
                      += v * taps[l].c[t];
              }
          current += taps[l].reach;
          double *swap = acc;
          acc = next;
          next = swap;
        }
      r = skc_image_alloc (out, side, side, 1);
      if (r == SKC_OK)
        for (size_t i = 0; i < (size_t) side * side; i++)
          out->data[i] = (float) acc[i];
    }
  free (acc);
  free (next);
  for (int l = 0; l < f->layer_count; l++)
    skc_layer_taps_free (&taps[l]);
  return r;
}

static void
fill_lowrank (const skc_filter *f, skc_image *out)
{
  for (int y = 0; y < f->size; y++)
    for (int x = 0; x < f->size; x++)
      {
        double v = 0;
        for (int k = 0; k < f->rank; k++)
          v += (double) f->column[(size_t) k * f->size + y]
               * f->row[(size_t) k * f->size + x];
        *skc_image_pixel (out, x, y) = (float) v;
      }
}

/* Each line is the running sum of its knots' weights: what the prefix-sum
 * reads add up to for an impulse. */
static void
fill_knots (const skc_filter *f, skc_image *out)
{
  int half = f->size / 2;
  for (int line = 0; line < f->size; line++)
    {
      const int *pos = skc_filter_knot_positions_const (f, line);
      const float *w = skc_filter_knot_weights_const (f, line);
      int n = skc_filter_knot_line_size (f, line), k = 0;
      double level = 0;
      for (int u = -half; u <= half; u++)
        {
          while (k < n && pos[k] <= u)
            level += w[k++];
          int x = f->axis == SKC_KNOTS_ROWS ? u + half : line;
          int y = f->axis == SKC_KNOTS_ROWS ? line : u + half;
          *skc_image_pixel (out, x, y) = (float) level;
        }
    }
}

skc_result
skc_filter_render (const skc_filter *f, skc_image *out)
{
  if (!f || !out)
    return SKC_ERR_INVALID_ARGUMENT;
  if (f->kind == SKC_FILTER_COMPLEX)
    return render_complex (f, out);
  if (f->kind != SKC_FILTER_LOWRANK && f->kind != SKC_FILTER_KNOTS)
    return SKC_ERR_INVALID_ARGUMENT;
  /* The separable kinds draw exactly the filter's size, square. */
  skc_result r = skc_image_alloc (out, f->size, f->size, 1);
  if (r != SKC_OK)
    return r;
  if (f->kind == SKC_FILTER_LOWRANK)
    fill_lowrank (f, out);
  else
    fill_knots (f, out);
  return SKC_OK;
}

/* Row by row over the target, as skc_kernel_error sums, each knots line
 * keeping its running level: the same float values fill_knots draws. */
static double
knots_kernel_error (const skc_filter *f, const skc_image *target)
{
  int n = f->size, half = n / 2;
  const int **pos = malloc ((size_t) n * sizeof *pos);
  const float **w = malloc ((size_t) n * sizeof *w);
  int *count = malloc ((size_t) n * sizeof *count);
  int *next = calloc ((size_t) n, sizeof *next);
  double *level = calloc ((size_t) n, sizeof *level);
  double error = NAN;
  if (pos && w && count && next && level)
    {
      for (int line = 0; line < n; line++)
        {
          pos[line] = skc_filter_knot_positions_const (f, line);
          w[line] = skc_filter_knot_weights_const (f, line);
          count[line] = skc_filter_knot_line_size (f, line);
        }
      const int rows = f->axis == SKC_KNOTS_ROWS;
      double num = 0, den = 0;
      for (int y = 0; y < n; y++)
        {
          const float *t = skc_image_pixel (target, 0, y);
          for (int x = 0; x < n; x++)
            {
              const int line = rows ? y : x, u = (rows ? x : y) - half;
              while (next[line] < count[line] && pos[line][next[line]] <= u)
                level[line] += w[line][next[line]++];
              double d = (double) (float) level[line] - (double) t[x];
              num += d * d;
              den += (double) t[x] * t[x];
            }
        }
      error = den > 0 ? sqrt (num / den) : NAN;
    }
  free (pos);
  free (w);
  free (count);
  free (next);
  free (level);
  return error;
}

double
skc_filter_kernel_error (const skc_filter *f, const skc_image *target)
{
  if (f && f->kind == SKC_FILTER_KNOTS && target && target->channels == 1
      && target->width == f->size && target->height == f->size)
    return knots_kernel_error (f, target);
  skc_image effective = { 0 };
  if (skc_filter_render (f, &effective) != SKC_OK)
    return NAN;
  double error = skc_kernel_error (&effective, target);
  skc_image_free (&effective);
  return error;
}
