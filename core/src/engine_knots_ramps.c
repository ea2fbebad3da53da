/* skc — ramps: a kernel's rows as runs of straight lines (each run's
 * values fitted by least squares) for the knots per code of swirl and
 * cat-eye, stored as the rows' second differences.  A smooth kernel's row
 * needs few lines where steps need many: a Gaussian's centre row at R 75
 * holds 40 dB with 8 lines and 35 dB with 48 steps.  Each run boundary
 * costs two second differences (a step costs one first difference), so
 * flat shapes keep their steps; the caller compares.
 *
 * Runs are cut greedily along each row: a run grows while its line's
 * squared error stays within a bound common to every row, and the bound
 * is searched so that the whole kernel's error meets the aim.  Values sit
 * on a power-of-two grid of 2^-20 to 2^-21 of the kernel's peak, so the
 * second differences (small multiples of the grid) are exact in float and
 * each row's knots sum, and sum again, to exactly zero (the scatter's own
 * float sums aside).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* The grid of the rows' values, from the peak's power of two: second
   differences up to 4 x 2^21 grid steps fit float's 24 bits. */
#define RAMPS_GRID_BITS 20
/* Bisection steps of the run bound (its logarithm, over 36 decades). */
#define RAMPS_SEARCH_STEPS 40

typedef struct
{
  int n;
  const double *v;      /* n x n, the target over its sum */
  double *p1, *p2, *px; /* per row, n + 1 prefix sums: v, v^2, x v */
} ramps_rows;

/* Run [a, b) of row y: the squared error of its least-squares line kept
 * at or above 0 (pivoted on 0 at the end it would cross), and (where
 * asked) the line's value at a and slope. */
static double
run_line (const ramps_rows *w, int y, int a, int b, double *start,
          double *slope)
{
  const size_t o = (size_t) y * (w->n + 1);
  const double m = b - a;
  const double sv = w->p1[o + b] - w->p1[o + a];
  const double svv = w->p2[o + b] - w->p2[o + a];
  /* Local positions t = x - a. */
  const double st = m * (m - 1) / 2, stt = (m - 1) * m * (2 * m - 1) / 6;
  const double stv = w->px[o + b] - w->px[o + a] - a * sv;
  double s = 0, v0 = sv / m, e = svv - sv * sv / m;
  if (m > 1)
    {
      const double cov = stv - st * sv / m;
      s = cov / (stt - st * st / m);
      v0 = sv / m - s * (m - 1) / 2;
      e -= cov * s;
      const double end = m - 1;
      if (v0 < 0 || v0 + s * end < 0)
        {
          /* Through 0 at t = pivot: s = sum u v / sum u^2, u = t - pivot. */
          const double pivot = v0 < 0 ? 0 : end;
          const double suv = stv - pivot * sv;
          const double suu = stt - 2 * pivot * st + m * pivot * pivot;
          s = suv / suu;
          v0 = -s * pivot;
          e = svv - s * suv;
        }
    }
  if (start)
    *start = v0;
  if (slope)
    *slope = s;
  return e > 0 ? e : 0;
}

/* Row y cut into runs each within `bound`: the ends into ends (NULL:
 * counted only); returns the runs, *error their summed error. */
static int
row_runs (const ramps_rows *w, int y, double bound, int *ends, double *error)
{
  int runs = 0, a = 0;
  double sum = 0;
  while (a < w->n)
    {
      /* Grow by doubling, then bisect the last doubling. */
      int good = a + 1, step = 1;
      while (good + step <= w->n
             && run_line (w, y, a, good + step, NULL, NULL) <= bound)
        {
          good += step;
          step *= 2;
        }
      for (step /= 2; step > 0; step /= 2)
        if (good + step <= w->n
            && run_line (w, y, a, good + step, NULL, NULL) <= bound)
          good += step;
      sum += run_line (w, y, a, good, NULL, NULL);
      if (ends)
        ends[runs] = good;
      runs++;
      a = good;
    }
  *error = sum;
  return runs;
}

/* The whole kernel's runs and error within `bound`. */
static long
kernel_runs (const ramps_rows *w, double bound, double *error)
{
  long runs = 0;
  double sum = 0, e;
  for (int y = 0; y < w->n; y++)
    {
      runs += row_runs (w, y, bound, NULL, &e);
      sum += e;
    }
  *error = sum;
  return runs;
}

static void
rows_free (ramps_rows *w)
{
  free (w->p1);
  free (w->p2);
  free (w->px);
}

/* The runs within `bound` as lines on the grid `step` (a power of two),
 * their second differences as knots into *out (start NULL when they take
 * more than max_macs - 1, max_macs > 0), scaled before rounding so that
 * they sum to 1 (lines pivoted on 0 do not keep their run's sum); *wrong:
 * the kernel's squared error against the target.  `ends` (n + 1) and
 * `grid` (n + 4): scratch. */
static skc_result
draw_knots (const ramps_rows *w, double bound, double step, long max_macs,
            int *ends, long *grid, skc_angle_fit *out, double *wrong)
{
  const int n = w->n;
  long count = 0;
  int *start = NULL;
  float *c = NULL;
  int16_t *dx = NULL;
  double units = 0, gain = 1;
  memset (out, 0, sizeof *out);
  /* Pass 0 takes the lines' sum, pass 1 counts the knots of the lines
     scaled by its inverse, pass 2 writes them. */
  for (int pass = 0; pass < 3; pass++)
    {
      if (pass == 1)
        gain = units > 0 ? 1 / (units * step) : 1;
      if (pass == 2)
        {
          if (max_macs > 0 && count + 1 > max_macs)
            return SKC_OK;
          char *block
              = malloc ((size_t) (n + 1) * sizeof (int)
                        + (size_t) count * (sizeof (float) + sizeof (int16_t)));
          if (!block)
            return SKC_ERR_OUT_OF_MEMORY;
          start = (int *) block;
          c = (float *) (block + (size_t) (n + 1) * sizeof (int));
          dx = (int16_t *) (c + count);
        }
      long k = 0;
      *wrong = 0;
      for (int y = 0; y < n; y++)
        {
          double e;
          int runs = row_runs (w, y, bound, ends, &e);
          /* grid[x + 2] is the row's value at x on the grid (0 outside). */
          grid[0] = grid[1] = grid[n + 2] = grid[n + 3] = 0;
          for (int i = 0, a = 0; i < runs; a = ends[i++])
            {
              /* The line's start and slope on the grid, so that it stays
                 straight there (and at or above 0: a line through 0 at
                 its end is pivoted on the grid's 0). */
              double start_value, slope;
              run_line (w, y, a, ends[i], &start_value, &slope);
              const int last = ends[i] - 1;
              long rise = lrint (gain * slope / step);
              long first = lrint (gain * start_value / step);
              if (first + rise * (last - a) < 0)
                first = -rise * (last - a);
              if (first < 0)
                first = 0;
              for (int x = a; x <= last; x++)
                {
                  grid[x + 2] = first + rise * (x - a);
                  units += pass == 0 ? (double) grid[x + 2] : 0;
                  double d = grid[x + 2] * step - w->v[(size_t) y * n + x];
                  *wrong += d * d;
                }
            }
          if (pass == 2)
            start[y] = (int) k;
          for (int x = 0; x < n + 2; x++)
            {
              long d2 = grid[x + 2] - 2 * grid[x + 1] + grid[x];
              if (d2 == 0)
                continue;
              if (pass == 2)
                {
                  c[k] = (float) (d2 * step); /* exact: |d2| < 2^24 */
                  dx[k] = (int16_t) (x - n / 2);
                }
              k++;
            }
        }
      if (pass == 2)
        start[n] = (int) k;
      count = k;
    }
  *out = (skc_angle_fit){ n / 2, (int) count, start, c, dx };
  return SKC_OK;
}

/* Rounding to the grid may take a fit past its aim: the bound shrinks by
 * this much until it does not. */
#define RAMPS_BOUND_RETRY 0.8
#define RAMPS_RETRIES 16

skc_result
skc_ramps_fit (const skc_image *target, long max_macs, double max_error,
               skc_angle_fit *out, double *error)
{
  memset (out, 0, sizeof *out);
  *error = NAN;
  const int n = target->width;
  if (n != target->height || n % 2 == 0 || target->channels != 1)
    return SKC_ERR_INVALID_ARGUMENT;
  const size_t cells = (size_t) n * (n + 1);
  double *v = malloc ((size_t) n * n * sizeof *v);
  ramps_rows w
      = { n, v, malloc (cells * sizeof (double)),
          malloc (cells * sizeof (double)), malloc (cells * sizeof (double)) };
  int *ends = malloc ((size_t) (n + 1) * sizeof *ends);
  long *grid = malloc ((size_t) (n + 4) * sizeof *grid);
  skc_result r = v && w.p1 && w.p2 && w.px && ends && grid
                     ? SKC_OK
                     : SKC_ERR_OUT_OF_MEMORY;
  double sum = 0, peak = 0, energy = 0;
  for (int y = 0; r == SKC_OK && y < n; y++)
    for (int x = 0; x < n; x++)
      {
        double t = *skc_image_pixel (target, x, y);
        if (!(t >= 0) || !isfinite (t))
          r = SKC_ERR_INVALID_ARGUMENT;
        sum += t;
      }
  if (r == SKC_OK && !(sum > 0))
    r = SKC_ERR_INVALID_ARGUMENT;
  for (int y = 0; r == SKC_OK && y < n; y++)
    {
      const size_t o = (size_t) y * (n + 1);
      w.p1[o] = w.p2[o] = w.px[o] = 0;
      for (int x = 0; x < n; x++)
        {
          double t = *skc_image_pixel (target, x, y) / sum;
          v[(size_t) y * n + x] = t;
          peak = fmax (peak, t);
          energy += t * t;
          w.p1[o + x + 1] = w.p1[o + x] + t;
          w.p2[o + x + 1] = w.p2[o + x] + t * t;
          w.px[o + x + 1] = w.px[o + x] + x * t;
        }
    }
  /* The largest bound whose runs meet the aim: the fewest runs found
     among the bounds that do (the error grows about monotonically). */
  const double aim = max_error * max_error * energy;
  double best_bound = -1;
  long best_runs = -1;
  double lo = log (aim) - 36 * M_LN10, hi = log (aim);
  for (int i = 0; r == SKC_OK && i < RAMPS_SEARCH_STEPS; i++)
    {
      const double mid = i == 0 ? hi : (lo + hi) / 2, bound = exp (mid);
      double e;
      long runs = kernel_runs (&w, bound, &e);
      if (e <= aim)
        {
          if (best_runs < 0 || runs < best_runs)
            best_runs = runs, best_bound = bound;
          lo = mid;
          if (i == 0)
            break;
        }
      else
        hi = mid;
    }
  /* The lines on the grid, their second differences as knots; the grid a
     power of two, so that every knot (a small multiple of it) is an exact
     float and each row's knots sum, and sum again, to exactly 0. */
  const double step = peak > 0 ? ldexp (1, ilogb (peak) - RAMPS_GRID_BITS) : 1;
  double wrong = 0;
  for (int retry = 0; r == SKC_OK && best_runs >= 0 && retry < RAMPS_RETRIES;
       retry++, best_bound *= RAMPS_BOUND_RETRY)
    {
      free (out->start);
      r = draw_knots (&w, best_bound, step, max_macs, ends, grid, out, &wrong);
      if (r != SKC_OK || !out->start || wrong <= aim)
        break;
    }
  if (r == SKC_OK && out->start && wrong <= aim)
    *error = sqrt (wrong / energy);
  else
    {
      free (out->start);
      memset (out, 0, sizeof *out);
    }
  free (v);
  free (ends);
  free (grid);
  rows_free (&w);
  return r;
}
