/* skc tests — knots filters: the per-line programme against brute force,
 * skc_fit's knots method against the fitter behind it and its errors,
 * exact knots against the dense target, apply against dense convolution
 * with the rendered kernel, HDR precision against a double reference,
 * identical bits across threads and region cuts, .skc round trips and the
 * planner's choice.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
#include "filter_compare.h"
#include "filter_private.h"
#include "internal.h"
#include "knots_private.h"
#include "skc/skc.h"
#include "truth.h"

static skc_image
shape_target (const char *spec, double radius, int size)
{
  skc_shape s;
  skc_image t = { 0 };
  CHECK (skc_shape_parse (spec, &s, NULL) == SKC_OK);
  CHECK (skc_shape_render (&s, radius, size, &t, NULL) == SKC_OK);
  return t;
}

/* Knots through the public entry point. */
static skc_filter *
fit_knots (const skc_image *t, long budget, int axis)
{
  skc_filter *f = NULL;
  skc_error err;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.method = SKC_METHOD_KNOTS;
  opts.knots_budget = budget;
  opts.knots_axis = axis;
  if (!CHECK (skc_fit (t, &opts, &f, NULL, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return f;
}

/* ---- The per-line programme against every knot set. ---- */

static double
brute_cost (const double *v, int n, unsigned set)
{
  int b[16], m = 0;
  for (int j = 0; j <= n; j++)
    if (set & (1u << j))
      b[m++] = j;
  double e = 0;
  if (m < 2)
    {
      for (int i = 0; i < n; i++)
        e += v[i] * v[i];
      return e;
    }
  for (int i = 0; i < b[0]; i++)
    e += v[i] * v[i];
  for (int i = b[m - 1]; i < n; i++)
    e += v[i] * v[i];
  for (int q = 0; q + 1 < m; q++)
    {
      double mean = 0;
      for (int i = b[q]; i < b[q + 1]; i++)
        mean += v[i];
      mean /= b[q + 1] - b[q];
      for (int i = b[q]; i < b[q + 1]; i++)
        e += (v[i] - mean) * (v[i] - mean);
    }
  return e;
}

static void
test_dp_against_brute_force (void)
{
  skc_rng rng;
  skc_rng_seed (&rng, 11, 0);
  int worst_n = 0;
  double worst = 0;
  for (int trial = 0; trial < 300; trial++)
    {
      int n = 1 + trial % 9;
      double v[9];
      for (int i = 0; i < n; i++)
        {
          /* Repeated levels and zeros, as in real kernel lines. */
          double u = skc_rng_uniform (&rng);
          v[i] = u < 0.2 ? 0 : u < 0.5 && i > 0 ? v[i - 1] : u;
        }
      double cost[11];
      CHECK (skc_knots_line_costs (v, n, n + 1, cost) == SKC_OK);
      for (int k = 0; k <= n + 1; k++)
        {
          double best = INFINITY;
          for (unsigned set = 0; set < 1u << (n + 1); set++)
            if (__builtin_popcount (set) <= k)
              best = fmin (best, brute_cost (v, n, set));
          double d = fabs (cost[k] - best);
          if (d > worst)
            worst = d, worst_n = n;
        }
      CHECK (cost[n + 1] < 1e-12);
    }
  CHECK_MSG (worst < 1e-12, "DP vs brute force: %g (n = %d)", worst, worst_n);
}

/* A smooth line with more changes of value than the programme tries (a
 * ramp over 200 px) is still approximated about as well as by equal
 * steps, which the programme's own candidates (spread over the line's
 * variation) allow. */
static void
test_smooth_line_candidates (void)
{
  enum
  {
    N = 200
  };
  double v[N], cost[13];
  for (int i = 0; i < N; i++)
    v[i] = (i + 1) / (double) N;
  CHECK (skc_knots_line_costs (v, N, 12, cost) == SKC_OK);
  /* Equal steps: 12 knots, the last back to zero at N, so 11 runs. */
  double equal = 0;
  for (int run = 0; run < 11; run++)
    {
      int a = run * N / 11, b = (run + 1) * N / 11;
      double mean = 0;
      for (int i = a; i < b; i++)
        mean += v[i] / (b - a);
      for (int i = a; i < b; i++)
        equal += (v[i] - mean) * (v[i] - mean);
    }
  CHECK_MSG (cost[12] <= equal * 1.05, "ramp, 12 knots: %g, equal steps %g",
             cost[12], equal);
  CHECK_MSG (cost[12] < cost[6] / 3, "ramp: 12 knots %g, 6 knots %g", cost[12],
             cost[6]);
}

/* The naive reference for the lines' shares: each line of v (n lines of
 * n) its least error for 0..kmax knots (skc_knots_line_costs), a plain
 * knapsack over `budget` knots (< 0: all the knots the lines' curves
 * take), and the fewest knots whose summed error is at most `limit`
 * (the budget when none is). */
static long
plain_fewest_knots (const double *v, int n, int kmax, long budget, double limit)
{
  double *cost = malloc ((size_t) n * (kmax + 1) * sizeof *cost);
  for (int y = 0; y < n; y++)
    CHECK (skc_knots_line_costs (v + (size_t) y * n, n, kmax,
                                 cost + (size_t) y * (kmax + 1))
           == SKC_OK);
  if (budget < 0)
    {
      budget = 0;
      for (int y = 0; y < n; y++)
        {
          int k = kmax;
          while (k > 0 && cost[(size_t) y * (kmax + 1) + k - 1] <= 0)
            k--;
          budget += k;
        }
    }
  double *g = malloc ((size_t) (budget + 1) * sizeof *g);
  double *next = malloc ((size_t) (budget + 1) * sizeof *next);
  for (long b = 0; b <= budget; b++)
    g[b] = 0;
  for (int y = 0; y < n; y++)
    {
      const double *c = cost + (size_t) y * (kmax + 1);
      for (long b = 0; b <= budget; b++)
        {
          next[b] = g[b] + c[0];
          for (int k = 2; k <= kmax && k <= b; k++)
            next[b] = fmin (next[b], g[b - k] + c[k]);
        }
      double *swap = g;
      g = next;
      next = swap;
    }
  long fewest = 0;
  while (fewest < budget && !(g[fewest] <= limit))
    fewest++;
  free (cost);
  free (g);
  free (next);
  return fewest;
}

/* Aiming at an error on a large target (here about 6e6 knapsack steps),
 * the lines' shares are priced
 * rather than packed: against a plain knapsack over the same lines'
 * curves (the naive reference), the fewest knots reaching the same error
 * within a few per cent, and the error is really reached. */
static void
test_priced_shares (void)
{
  skc_image t = shape_target ("shape:heart", 250, 0);
  int n = t.width;
  double norm = 0, sum = 0;
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      sum += *skc_image_pixel (&t, x, y);
  double *v = malloc ((size_t) n * n * sizeof *v);
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        v[(size_t) y * n + x] = *skc_image_pixel (&t, x, y) / sum;
        norm += v[(size_t) y * n + x] * v[(size_t) y * n + x];
      }
  const double max_error = 0.02; /* 34 dB */
  skc_filter *f = NULL;
  CHECK (skc_knots_fit_to (&t, 12L * n, max_error, SKC_KNOTS_ROWS, &f, NULL)
         == SKC_OK);
  if (!CHECK (f != NULL))
    {
      free (v);
      skc_image_free (&t);
      return;
    }
  skc_image e = { 0 };
  CHECK (skc_filter_render (f, &e) == SKC_OK);
  double error = skc_kernel_error (&e, &t);
  CHECK_MSG (error <= max_error * 1.01, "priced heart: error %g", error);
  long knots = skc_filter_macs (f) - 1;
  /* The reference: each line's least error for 0..12 knots, then the
     fewest total knots whose summed error reaches the aim. */
  long fewest = plain_fewest_knots (v, n, 12, 12L * n,
                                    max_error * max_error * norm * (1 - 1e-9));
  CHECK_MSG (knots <= fewest * 1.05 + 2,
             "priced heart: %ld knots, the knapsack's fewest %ld", knots,
             fewest);
  printf ("heart R 250 at 34 dB: priced %ld knots, knapsack %ld\n", knots,
          fewest);
  free (v);
  skc_image_free (&e);
  skc_filter_free (f);
  skc_image_free (&t);
}

/* The budgeted fit's error is the least over knot sets per line, summed:
 * with a budget of one line's worth it matches the best single line. */
static void
test_budget_is_spent_well (void)
{
  skc_image t = shape_target ("shape:heart", 22.5, 49);
  double previous = INFINITY;
  long budgets[] = { 60, 100, 160, 200, 260, 400, 0 };
  for (int i = 0; i < 7; i++)
    {
      skc_filter *f = fit_knots (&t, budgets[i], SKC_KNOTS_AXIS_BEST);
      if (!f)
        continue;
      skc_image e = { 0 };
      CHECK (skc_filter_render (f, &e) == SKC_OK);
      double error = skc_kernel_error (&e, &t);
      if (budgets[i] > 0)
        CHECK_MSG (skc_filter_macs (f) <= budgets[i], "budget %ld: %ld MACs",
                   budgets[i], skc_filter_macs (f));
      /* More budget never hurts (beyond the renormalisation's rounding). */
      CHECK_MSG (error <= previous * 1.02 + 1e-9,
                 "budget %ld: error %g after %g", budgets[i], error, previous);
      previous = error;
      if (budgets[i] == 260)
        CHECK_MSG (skc_kernel_snr_db (error) >= 30,
                   "heart at 260 MACs: %.2f dB", skc_kernel_snr_db (error));
      skc_image_free (&e);
      skc_filter_free (f);
    }
  skc_image_free (&t);
}

/* Aiming at an error on small targets, the lines' shares come from the
 * knapsack (whose comparisons the fitter runs in four lanes): the fewest
 * knots reaching the error are exactly a plain knapsack's over the same
 * lines' curves, on random soft targets with runs and zeros (9-19 px,
 * relative errors 0.05-0.5). */
static void
test_shares_match_knapsack (void)
{
  skc_rng rng;
  skc_rng_seed (&rng, 23, 0);
  int matched = 0;
  for (int trial = 0; trial < 24; trial++)
    {
      int n = 9 + 2 * (trial % 6);
      skc_image t = { 0 };
      skc_image_alloc (&t, n, n, 1);
      double *v = malloc ((size_t) n * n * sizeof *v), sum = 0, norm = 0;
      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
          {
            double u = skc_rng_uniform (&rng);
            float *at = skc_image_pixel (&t, x, y);
            *at = u < 0.25 ? 0 : u < 0.5 && x > 0 ? at[-1] : (float) u;
            if (x == n / 2 && y == n / 2)
              *at += 1; /* never all zero */
            sum += *at;
          }
      for (int y = 0; y < n; y++)
        for (int x = 0; x < n; x++)
          {
            double value = *skc_image_pixel (&t, x, y) / sum;
            v[(size_t) y * n + x] = value;
            norm += value * value;
          }
      double aim = 0.05 + 0.45 * skc_rng_uniform (&rng);
      skc_filter *f = NULL;
      CHECK (skc_knots_fit_to (&t, 0, aim, SKC_KNOTS_ROWS, &f, NULL) == SKC_OK);
      /* The reference: every line's curve, a plain knapsack over all the
         knots there are, the fewest whose error reaches the aim. */
      long fewest = plain_fewest_knots (v, n, n + 1, -1, aim * aim * norm);
      long knots = f ? skc_filter_macs (f) - 1 : -1;
      CHECK_MSG (knots == fewest,
                 "%dx%d at %.3f: %ld knots, the knapsack's "
                 "fewest %ld",
                 n, n, aim, knots, fewest);
      matched += knots == fewest;
      free (v);
      skc_filter_free (f);
      skc_image_free (&t);
    }
  printf ("shares against a plain knapsack: %d of 24 alike\n", matched);
}

/* ---- skc_fit's knots method: the fitter behind it, bit for bit (on the
 * caller's target, not a float-normalised copy), and the errors every
 * method gives. ---- */

static void
test_fit_entry_point (void)
{
  skc_image t = shape_target ("shape:star:points=5,inner=0.4", 22.5, 49);
  /* Not normalised: the knots fitter normalises in double precision. */
  for (size_t i = 0; i < (size_t) t.width * t.height; i++)
    t.data[i] *= 3;
  const long budgets[] = { 0, 120 };
  for (int i = 0; i < 2; i++)
    for (int axis = -1; axis <= 1; axis++)
      {
        skc_filter *direct = NULL;
        skc_fit_options opts;
        skc_fit_report report = { .evaluations = -1 };
        skc_error err;
        char why[200] = "";
        skc_fit_options_init (&opts);
        opts.method = SKC_METHOD_KNOTS;
        opts.knots_budget = budgets[i];
        opts.knots_axis = axis;
        skc_filter *fitted = NULL;
        CHECK (skc_fit (&t, &opts, &fitted, &report, &err) == SKC_OK);
        CHECK (skc_knots_fit (&t, budgets[i], axis, &direct, &err) == SKC_OK);
        if (fitted && direct)
          CHECK_MSG (filters_identical (fitted, direct, why, sizeof why),
                     "budget %ld axis %d: %s", budgets[i], axis, why);
        CHECK (report.evaluations == 0 && report.loss >= 0
               && report.seconds >= 0);
        skc_filter_free (fitted);
        skc_filter_free (direct);
      }

  skc_fit_options opts;
  skc_fit_options_init (&opts);
  CHECK_EQ_INT (opts.knots_axis, SKC_KNOTS_AXIS_BEST);
  CHECK (opts.knots_budget == 0);
  opts.method = SKC_METHOD_KNOTS;
  skc_filter *f = NULL;
  skc_error err;
  int raised = 1;
  opts.cancel = &raised;
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_CANCELLED);
  opts.cancel = NULL;
  opts.knots_axis = 2;
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_INVALID_ARGUMENT);
  opts.knots_axis = SKC_KNOTS_AXIS_BEST;
  CHECK (f == NULL);
  skc_image_free (&t);

  /* Knots take square targets beyond the other methods' 513 px. */
  skc_image_alloc (&t, 5, 7, 1);
  t.data[3] = 1;
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_INVALID_ARGUMENT);
  skc_image_free (&t);
  skc_image_alloc (&t, 7, 7, 1);
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_EMPTY_KERNEL);
  t.data[3] = NAN;
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_NON_FINITE);
  long count = -1;
  CHECK_EQ_INT (skc_knots_exact_count (&t, SKC_KNOTS_ROWS, &count, &err),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK (count == -1);
  skc_image_free (&t);
  skc_image_alloc (&t, 601, 601, 1);
  *skc_image_pixel (&t, 300, 300) = 1;
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_OK);
  CHECK (f && skc_filter_knot_count (f) == 2);
  skc_filter_free (f);
  f = NULL;
  skc_image_free (&t);
  skc_image_alloc (&t, SKC_MAX_KERNEL_SIDE + 2, SKC_MAX_KERNEL_SIDE + 2, 1);
  CHECK_EQ_INT (skc_fit (&t, &opts, &f, NULL, &err), SKC_ERR_TOO_LARGE);
  CHECK (f == NULL);
  skc_image_free (&t);
}

/* ---- Exact knots are the dense target. ---- */

static void
test_exact_equals_target (void)
{
  const char *specs[]
      = { "shape:disc",           "shape:polygon:blades=6",
          "shape:heart",          "shape:star:points=4,inner=0.35",
          "shape:ring:inner=0.7", "shape:coma" };
  for (int i = 0; i < 6; i++)
    {
      skc_image t = shape_target (specs[i], 22.5, 49);
      for (int axis = -1; axis <= 1; axis++)
        {
          skc_filter *f = fit_knots (&t, 0, axis);
          if (!f)
            continue;
          skc_image e = { 0 };
          CHECK (skc_filter_render (f, &e) == SKC_OK);
          double worst = 0, peak = 0;
          for (int y = 0; y < 49; y++)
            for (int x = 0; x < 49; x++)
              {
                double tv = *skc_image_pixel (&t, x, y);
                worst = fmax (worst, fabs (*skc_image_pixel (&e, x, y) - tv));
                peak = fmax (peak, tv);
              }
          CHECK_MSG (worst <= 2e-7 * peak, "%s axis %d: exact knots off by %g",
                     specs[i], axis, worst / peak);
          long rows = -1, cols = -1;
          CHECK (skc_knots_exact_count (&t, SKC_KNOTS_ROWS, &rows, NULL)
                 == SKC_OK);
          CHECK (skc_knots_exact_count (&t, SKC_KNOTS_COLUMNS, &cols, NULL)
                 == SKC_OK);
          long want = axis == 0     ? rows
                      : axis == 1   ? cols
                      : rows < cols ? rows
                                    : cols;
          CHECK_MSG (skc_filter_knot_count (f) <= want,
                     "%s axis %d: %d knots, %ld exact", specs[i], axis,
                     skc_filter_knot_count (f), want);
          CHECK (skc_filter_validate (f, NULL) == SKC_OK);
          skc_image_free (&e);
          skc_filter_free (f);
        }
      skc_image_free (&t);
    }
}

/* ---- Apply: dense convolution with the rendered kernel. ---- */

static skc_image
random_image (int w, int h, int channels, uint64_t seed)
{
  skc_image img = { 0 };
  skc_image_alloc (&img, w, h, channels);
  skc_rng rng;
  skc_rng_seed (&rng, seed, 5);
  for (size_t i = 0; i < (size_t) w * h * channels; i++)
    img.data[i] = (float) skc_rng_uniform (&rng);
  return img;
}

static void
test_apply_equals_dense (const char *spec, long budget, int axis)
{
  skc_image t = shape_target (spec, 9.5, 21);
  skc_filter *f = fit_knots (&t, budget, axis);
  skc_image k = { 0 }, in = random_image (157, 83, 3, 2), out = { 0 };
  if (f && CHECK (skc_filter_render (f, &k) == SKC_OK)
      && CHECK (skc_filter_apply (f, &in, &out, 2) == SKC_OK))
    {
      double worst = 0;
      for (int y = 0; y < in.height; y++)
        for (int x = 0; x < in.width; x++)
          for (int c = 0; c < 3; c++)
            worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c]
                                       - dense_at (&k, &in, x, y, c)));
      CHECK_MSG (worst < 2e-6, "%s budget %ld axis %d: apply vs dense %g", spec,
                 budget, axis, worst);
    }
  skc_image_free (&t);
  skc_image_free (&k);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_filter_free (f);
}

/* ---- HDR: long bright rows against a double reference. ---- */

static void
test_hdr_precision (int axis)
{
  /* Wide along the prefix-sum axis, so an unrestarted float sum would run
     over thousands of pixels with 1000.0 highlights in them. */
  int w = axis == SKC_KNOTS_ROWS ? 2400 : 90;
  int h = axis == SKC_KNOTS_ROWS ? 90 : 2400;
  skc_image t = shape_target ("shape:heart", 20, 41);
  skc_filter *f = fit_knots (&t, 0, axis);
  skc_image in = random_image (w, h, 1, 9), k = { 0 }, out = { 0 };
  for (int i = 0; i < w * h; i += 37)
    in.data[i] = 1000.0f;
  if (f && CHECK (skc_filter_render (f, &k) == SKC_OK)
      && CHECK (skc_filter_apply (f, &in, &out, 2) == SKC_OK))
    {
      double worst = 0;
      for (int y = 0; y < h; y += 3)
        for (int x = 0; x < w; x += 3)
          {
            double ref = dense_at (&k, &in, x, y, 0);
            worst = fmax (worst,
                          fabs (*skc_image_pixel (&out, x, y) - ref) / ref);
          }
      CHECK_MSG (worst <= 1e-5, "HDR axis %d: relative error %g", axis, worst);
      printf ("HDR (1000.0 highlights), axis %d: worst relative error %.3g "
              "against double\n",
              axis, worst);
    }
  /* Highlights on black: results are never negative. */
  memset (in.data, 0, (size_t) w * h * sizeof (float));
  for (int i = 0; i < w * h; i += 997)
    in.data[i] = 1000.0f;
  skc_image_free (&out);
  if (f && CHECK (skc_filter_apply (f, &in, &out, 2) == SKC_OK))
    {
      float lowest = 0;
      for (int i = 0; i < w * h; i++)
        lowest = fminf (lowest, out.data[i]);
      CHECK_MSG (lowest >= 0, "HDR axis %d: negative result %g", axis,
                 (double) lowest);
    }
  skc_image_free (&t);
  skc_image_free (&k);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_filter_free (f);
}

/* ---- Identical bits for any thread count and region cuts. ---- */

static void
test_identity (skc_engine *e1, skc_engine *e3, const char *what)
{
  int w = 331, h = 207, C = 4, alpha = 3;
  skc_image in = random_image (w, h, C, 7), whole = { 0 }, other = { 0 };
  for (int i = 0; i < w * h; i++)
    in.data[(size_t) i * C + 3] = 1;
  CHECK (skc_apply_image (e1, &in, alpha, NULL, &one_thread, &whole, NULL)
         == SKC_OK);
  CHECK (skc_apply_image (e3, &in, alpha, NULL, &three_threads, &other, NULL)
         == SKC_OK);
  CHECK_MSG (whole.data && other.data
                 && memcmp (whole.data, other.data, sizeof (float) * w * h * C)
                        == 0,
             "%s: 1 vs 3 threads differ", what);
  skc_image pieces = { 0 };
  int cuts_x[] = { 0, 37, 200, w }, cuts_y[] = { 0, 101, 102, h };
  CHECK (apply_in_pieces (e3, &in, alpha, NULL, cuts_x, cuts_y, &pieces));
  CHECK_MSG (whole.data
                 && memcmp (whole.data, pieces.data, sizeof (float) * w * h * C)
                        == 0,
             "%s: regions differ from the whole image", what);
  skc_image_free (&pieces);
  skc_image_free (&in);
  skc_image_free (&whole);
  skc_image_free (&other);
}

/* Kernels from 64 px of half on restart their prefix sums on longer
 * blocks (128, then 256 px): radius 70 checks the cuts there too. */
static void
test_identity_given_filter (int axis, double radius)
{
  int size = 2 * (int) ceil (radius) + 1;
  skc_image t = shape_target ("shape:star:points=4,inner=0.35", radius, size);
  skc_filter *f = fit_knots (&t, 90L * size / 29, axis);
  skc_params p;
  skc_params_init (&p);
  p.filter = f;
  p.clip = 0;
  skc_engine *e1 = NULL, *e3 = NULL;
  CHECK (skc_engine_new (&p, 0, &one_thread, &e1, NULL) == SKC_OK);
  CHECK (skc_engine_new (&p, 0, &three_threads, &e3, NULL) == SKC_OK);
  if (e1 && e3)
    test_identity (e1, e3,
                   axis == 0 ? "knots along rows" : "knots along columns");
  skc_engine_free (e1);
  skc_engine_free (e3);
  skc_filter_free (f);
  skc_image_free (&t);
}

/* ---- The planner. ---- */

static skc_engine *
planned (const char *spec, double radius, skc_quality q, int threads)
{
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse (spec, &p.shape, NULL) == SKC_OK);
  p.radius = radius;
  p.quality = q;
  p.cache = NULL;
  skc_run run = { .threads = threads };
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new (&p, 0, &run, &e, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return e;
}

static void
test_planner (void)
{
  /* Flat shapes: knots, within the normal budget; exact when high (at
     R = 24 the exact knots cost more than an FFT, which the planner then
     runs: exact too). */
  skc_engine *normal = planned ("shape:heart", 24, SKC_QUALITY_NORMAL, 2);
  skc_engine *high = planned ("shape:heart", 24, SKC_QUALITY_HIGH, 2);
  skc_engine *high_small = planned ("shape:heart", 12, SKC_QUALITY_HIGH, 2);
  if (high_small)
    CHECK_MSG (strstr (skc_engine_describe (high_small), "uniform: knots")
                   && strstr (skc_engine_describe (high_small), "exact"),
               "heart high R=12: %s", skc_engine_describe (high_small));
  skc_engine_free (high_small);
  if (normal)
    {
      const skc_scale *s = &normal->scales[normal->first_scale];
      CHECK_MSG (strstr (skc_engine_describe (normal), "uniform: knots")
                     && s->kind == SKC_SCALE_KNOTS
                     && skc_filter_macs (s->knots.filter) <= 260,
                 "heart normal: %s", skc_engine_describe (normal));
    }
  if (high)
    {
      CHECK_MSG (strstr (skc_engine_describe (high), "uniform: FFT, exact"),
                 "heart high: %s", skc_engine_describe (high));
      skc_image k = { 0 }, t = shape_target ("shape:heart", 24, 0);
      if (CHECK (skc_engine_kernel (high, 24, &k) == SKC_OK))
        CHECK_MSG (skc_kernel_snr_db (skc_kernel_error (&k, &t)) >= 60,
                   "heart high: engine kernel %.1f dB",
                   skc_kernel_snr_db (skc_kernel_error (&k, &t)));
      skc_image_free (&k);
      skc_image_free (&t);
    }
  /* Gaussians are not flat: separable. */
  skc_engine *gauss = planned ("shape:gaussian", 15, SKC_QUALITY_HIGH, 2);
  if (gauss)
    CHECK_MSG (!strstr (skc_engine_describe (gauss), "knots"), "Gaussian: %s",
               skc_engine_describe (gauss));
  /* A large radius runs at full resolution (knots or an FFT, whichever
     reaches the floor for less); still the same bits for any cut and
     thread count. */
  skc_engine *big1 = planned ("shape:heart", 45, SKC_QUALITY_NORMAL, 1);
  skc_engine *big3 = planned ("shape:heart", 45, SKC_QUALITY_NORMAL, 3);
  if (big1 && big3)
    {
      CHECK_MSG (big3->first_scale == 0
                     && big3->kernel_snr_db
                            >= skc_quality_floor_db (SKC_QUALITY_NORMAL, 0),
                 "heart R=45: %s", skc_engine_describe (big3));
      test_identity (big1, big3, "planned heart R 45");
    }
  skc_engine_free (normal);
  skc_engine_free (high);
  skc_engine_free (gauss);
  skc_engine_free (big1);
  skc_engine_free (big3);
}

/* ---- Blur maps: knots tables per radius. ---- */

static skc_engine *
map_engine_with (const char *spec, double radius, int threads, int knots,
                 int pyramid)
{
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse (spec, &p.shape, NULL) == SKC_OK);
  p.radius = radius;
  p.clip = 0;
  p.cache = NULL;
  skc_run run = { .threads = threads };
  skc_engine_options options;
  skc_engine_options_init (&options);
  options.knots_map_max_radius = knots ? 1e9 : -1;
  options.map_levels = 0;
  if (pyramid)
    options.map_tables_work_max = 0;
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new_with (&p, 1, &options, &run, &e, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  if (e)
    CHECK_MSG ((strstr (skc_engine_describe (e), "knots tables") != NULL)
                   == knots,
               "%s R=%g: %s", spec, radius, skc_engine_describe (e));
  return e;
}

static skc_engine *
map_engine (const char *spec, double radius, int threads, int knots)
{
  return map_engine_with (spec, radius, threads, knots, 0);
}

/* The dense kernel of one table's taps (on prefix sums along `axis`). */
static double
table_kernel (const skc_layer_taps *t, skc_knots_axis axis, int u, int v)
{
  double k = 0;
  for (int i = 0; i < t->count; i++)
    if (axis == SKC_KNOTS_ROWS ? t->dy[i] == v && t->dx[i] <= u
                               : t->dx[i] == u && t->dy[i] <= v)
      k += t->c[i];
  return k;
}

static skc_image
varied_map (int w, int h)
{
  skc_image map = { 0 };
  skc_image_alloc (&map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      *skc_image_pixel (&map, x, y) = (float) ((x + 2 * y) % 17) / 16.0f;
  return map;
}

/* Every pixel is the dense gather with its level's table. */
static void
test_map_matches_tables (const char *spec, double radius)
{
  skc_engine *e = map_engine (spec, radius, 2, 1);
  if (!e)
    return;
  const skc_knots_scale *sc = &e->scales[0].knots;
  CHECK (e->scale_count == 1 && e->scales[0].kind == SKC_SCALE_KNOTS_TABLES
         && sc->levels > 1);
  int w = 61, h = 37, C = 3;
  skc_image in = random_image (w, h, C, 4), map = varied_map (w, h);
  skc_image out = { 0 };
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL) == SKC_OK);
  int H = sc->half + 1;
  double worst = 0;
  for (int y = 0; out.data && y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double r = skc_engine_map_radius (e, *skc_image_pixel (&map, x, y));
        int q = skc_knots_table_level (sc, r);
        const skc_layer_taps *t = &sc->table[q];
        for (int c = 0; c < C; c++)
          {
            double acc = 0;
            for (int v = -H; v <= H; v++)
              for (int u = -H; u <= H; u++)
                {
                  double k = table_kernel (t, sc->axis, u, v);
                  if (k != 0)
                    acc += k
                           * skc_image_pixel (&in, clampi (x - u, w),
                                              clampi (y - v, h))[c];
                }
            worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c] - acc));
          }
      }
  CHECK_MSG (worst < 1e-5, "%s R=%g: map vs per-pixel tables %g", spec, radius,
             worst);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&out);
  skc_engine_free (e);
}

/* Against brute-force truth (each pixel the dense target of its own
 * radius) on a tilt-shift map: knots tables beat the DISK basis. */
static double
tilt_shift_psnr (const char *spec, double rmax, const skc_image *photo,
                 int knots)
{
  skc_engine *e = map_engine (spec, rmax, 2, knots);
  if (!e)
    return NAN;
  skc_image map = tilt_shift_map (photo->width, photo->height), out = { 0 };
  CHECK (skc_apply_image (e, photo, -1, &map, NULL, &out, NULL) == SKC_OK);
  double psnr = tilt_shift_truth_psnr (&out, photo, &map, spec, rmax);
  skc_image_free (&map);
  skc_image_free (&out);
  skc_engine_free (e);
  return psnr;
}

static void
test_map_fidelity (void)
{
  const char *dir = getenv ("SKC_DATA_DIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/photos/tests-128.ppm", dir ? dir : "data");
  skc_image photo = { 0 };
  if (!CHECK (skc_pnm_read (path, &photo, NULL) == SKC_OK))
    return;
  const char *specs[2] = { "shape:disc", "shape:heart" };
  for (int i = 0; i < 2; i++)
    {
      double knots = tilt_shift_psnr (specs[i], 8, &photo, 1);
      double disk = tilt_shift_psnr (specs[i], 8, &photo, 0);
      printf ("tilt-shift %s R_max=8 against dense truth: knots tables "
              "%.2f dB, DISK basis %.2f dB\n",
              specs[i], knots, disk);
      CHECK_MSG (knots >= 55 && knots >= disk + 6,
                 "%s: knots %.2f dB, DISK %.2f dB", specs[i], knots, disk);
    }
  skc_image_free (&photo);
}

/* One engine on one thread, its twin on three, and region cuts of the
 * twin give the same bits on a varied map (w x h RGBA; opaque: alpha 1). */
static void
check_map_identity (const skc_engine *e1, const skc_engine *e3, int w, int h,
                    int opaque, const char *what)
{
  int C = 4, alpha = 3;
  skc_image in = random_image (w, h, C, 8), map = varied_map (w, h);
  skc_image whole = { 0 }, other = { 0 }, pieces = { 0 };
  for (int i = 0; opaque && i < w * h; i++)
    in.data[(size_t) i * C + 3] = 1;
  CHECK (skc_apply_image (e1, &in, alpha, &map, &one_thread, &whole, NULL)
         == SKC_OK);
  CHECK (skc_apply_image (e3, &in, alpha, &map, &three_threads, &other, NULL)
         == SKC_OK);
  CHECK_MSG (whole.data && other.data
                 && memcmp (whole.data, other.data, sizeof (float) * w * h * C)
                        == 0,
             "%s: 1 vs 3 threads differ", what);
  int cuts_x[] = { 0, 41, w * 4 / 7, w }, cuts_y[] = { 0, 99, 100, h };
  CHECK (apply_in_pieces (e3, &in, alpha, &map, cuts_x, cuts_y, &pieces));
  CHECK_MSG (whole.data && pieces.data
                 && memcmp (whole.data, pieces.data, sizeof (float) * w * h * C)
                        == 0,
             "%s: regions differ from the whole image", what);
  skc_image_free (&pieces);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&whole);
  skc_image_free (&other);
}

static void
test_map_identity_sized (double radius, int pyramid, int w, int h)
{
  skc_engine *e1 = map_engine_with ("shape:heart", radius, 1, 1, pyramid);
  skc_engine *e3 = map_engine_with ("shape:heart", radius, 3, 1, pyramid);
  CHECK (!e1 || (e1->scale_count > 1) == (pyramid && radius > 32));
  if (!e1 || !e3)
    {
      skc_engine_free (e1);
      skc_engine_free (e3);
      return;
    }
  char what[64];
  snprintf (what, sizeof what, "knots map R=%g", radius);
  check_map_identity (e1, e3, w, h, 1, what);
  skc_engine_free (e1);
  skc_engine_free (e3);
}

/* A map's focus (radius 0) keeps the input exactly, next to 1000.0
 * highlights: on 256 px prefix-sum blocks (R 140) a difference of two
 * sums was off by up to 0.015 there. */
static void
test_map_focus_exact (void)
{
  skc_engine *e = map_engine_with ("shape:heart", 140, 2, 1, 0);
  if (!e)
    return;
  CHECK (e->scale_count == 1);
  int w = 700, h = 40, C = 3;
  skc_image in = random_image (w, h, C, 12), map = { 0 }, out = { 0 };
  skc_image_alloc (&map, w, h, 1);
  for (int i = 0; i < w * h * C; i += 29)
    in.data[i] = 1000.0f;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      *skc_image_pixel (&map, x, y) = x < w / 2 ? 0.0f : 1.0f;
  if (CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL) == SKC_OK))
    {
      double worst = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w / 2; x++)
          for (int c = 0; c < C; c++)
            worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c]
                                       - skc_image_pixel (&in, x, y)[c]));
      CHECK_MSG (worst == 0, "map focus at R 140: off by %g", worst);
    }
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&out);
  skc_engine_free (e);
}

/* A map of few values (skc_engine_new_for_map): a table at each value's
 * radius, a point's response there the target at that radius within the
 * floor, a value between them its nearest's kernel, and thread counts and
 * region cuts bit-identical. */
static skc_image
point_under_map (const skc_engine *e, float value, int side)
{
  skc_image in = { 0 }, map = { 0 }, out = { 0 };
  skc_image_alloc (&in, side, side, 1);
  skc_image_alloc (&map, side, side, 1);
  for (int i = 0; i < side * side; i++)
    map.data[i] = value;
  *skc_image_pixel (&in, side / 2, side / 2) = 1;
  CHECK (skc_apply_image (e, &in, -1, &map, &one_thread, &out, NULL) == SKC_OK);
  skc_image_free (&in);
  skc_image_free (&map);
  return out;
}

static void
test_value_tables (void)
{
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse ("shape:heart", &p.shape, NULL) == SKC_OK);
  p.radius = 60;
  p.clip = 0;
  p.cache = NULL;
  /* varied_map's 17 values, twice and out of order. */
  float values[34];
  for (int k = 0; k < 17; k++)
    values[k] = values[33 - k] = (float) k / 16.0f;
  skc_engine *e1 = NULL, *e3 = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new_for_map (&p, values, 34, &one_thread, &e1, &err)
              == SKC_OK)
      || !CHECK (
          skc_engine_new_for_map (&p, values, 34, &three_threads, &e3, &err)
          == SKC_OK))
    {
      fprintf (stderr, "     %s\n", err.message);
      skc_engine_free (e1);
      return;
    }
  const skc_knots_scale *k = &e1->scales[0].knots;
  CHECK_MSG (e1->scale_count == 1 && k->radii && k->levels == 17,
             "value tables: %s", skc_engine_describe (e1));
  /* A point where the map holds 10/16: the target at R 37.5. */
  const int side = 161;
  skc_image target = { 0 }, at = point_under_map (e1, 10 / 16.0f, side);
  CHECK (skc_target_make (&p, 37.5, 0, &target, NULL) == SKC_OK);
  if (at.data && target.data)
    {
      skc_image window = { 0 };
      int h = target.width / 2;
      skc_image_alloc (&window, target.width, target.height, 1);
      for (int y = 0; y < target.height; y++)
        for (int x = 0; x < target.width; x++)
          *skc_image_pixel (&window, x, y)
              = *skc_image_pixel (&at, side / 2 - h + x, side / 2 - h + y);
      double snr = skc_kernel_snr_db (skc_kernel_error (&window, &target));
      CHECK_MSG (snr >= skc_quality_floor_db (p.quality, 0),
                 "value table at R 37.5: %.1f dB", snr);
      skc_image_free (&window);
    }
  /* 0.63 lies nearest 10/16 = 0.625. */
  skc_image near = point_under_map (e1, 0.63f, side);
  CHECK (at.data && near.data
         && memcmp (at.data, near.data, sizeof (float) * side * side) == 0);
  skc_image_free (&near);
  skc_image_free (&at);
  skc_image_free (&target);

  check_map_identity (e1, e3, 300, 230, 0, "value tables");
  skc_engine_free (e1);
  skc_engine_free (e3);

  /* Bad lists are refused, in one line. */
  skc_engine *bad = NULL;
  float nan_value[2] = { 0.5f, NAN };
  CHECK (skc_engine_new_for_map (&p, values, SKC_MAP_VALUES_MAX + 1, NULL, &bad,
                                 &err)
             == SKC_ERR_INVALID_ARGUMENT
         && !bad);
  CHECK (skc_engine_new_for_map (&p, nan_value, 2, NULL, &bad, &err)
             == SKC_ERR_INVALID_ARGUMENT
         && !bad && strstr (err.message, "not a number"));
  CHECK (skc_engine_new_for_map (&p, NULL, 3, NULL, &bad, &err)
             == SKC_ERR_INVALID_ARGUMENT
         && !bad);
}

static void
test_map_identity (double radius, int pyramid)
{
  test_map_identity_sized (radius, pyramid, 300, 230);
}

/* ---- .skc files. ---- */

static void
test_file_round_trip (void)
{
  skc_image t = shape_target ("shape:ring:inner=0.7", 8, 17);
  skc_filter *f = fit_knots (&t, 60, SKC_KNOTS_AXIS_BEST);
  if (f)
    {
      size_t length = 0;
      char *text = filter_text (f, &length);
      skc_filter *back = NULL;
      char why[200] = "";
      CHECK (text && strncmp (text, "skc-filter 2\nkind knots\n", 24) == 0);
      CHECK (text
             && skc_filter_parse (text, length, "t", &back, NULL) == SKC_OK);
      CHECK_MSG (back && filters_identical (f, back, why, sizeof why), "%s",
                 why);
      skc_filter_free (back);
      free (text);
    }
  struct
  {
    const char *text, *message;
  } bad[] = {
    { "skc-filter 1\nkind knots\n", "needs format 2" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline -1 0.5 1 -0.25\n"
      "line\nline\nend\n",
      "sum to" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline 1 0.5 0 -0.5\n"
      "line\nline\nend\n",
      "increase" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline -2 0.5 2 -0.5\n"
      "line\nline\nend\n",
      "outside" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline -1 0.5\nline\n"
      "line\nend\n",
      "sum to" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline -1 0.5 2\nline\n"
      "line\nend\n",
      "no weight" },
    { "skc-filter 2\nkind knots\nsize 3\nline\nline\nline\nend\n",
      "missing 'axis'" },
    { "skc-filter 2\nkind knots\naxis rows\nsize 3\nline\nline\nend\n",
      "'end' after 2" },
    { "skc-filter 2\nkind knots\naxis diagonal\n", "unknown axis" },
    { "skc-filter 2\nkind complex\naxis rows\noffsets integer\nlayers 1\n"
      "layer 1\n0 0 1\nend\n",
      "'axis' is for knots" },
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      skc_filter *g = NULL;
      skc_error err = { 0 };
      skc_result r = skc_filter_parse (bad[i].text, strlen (bad[i].text), "bad",
                                       &g, &err);
      CHECK_MSG (r == SKC_ERR_PARSE && !g
                     && strstr (err.message, bad[i].message),
                 "case %zu: %s", i, err.message);
      skc_filter_free (g);
    }
  const char *good = "skc-filter 2\nkind knots\naxis columns\nsize 3\n"
                     "line\nline -1 0.25 2 -0.25\nline\nend\n";
  skc_filter *g = NULL;
  CHECK (skc_filter_parse (good, strlen (good), "good", &g, NULL) == SKC_OK);
  if (g)
    {
      skc_image e = { 0 };
      CHECK (skc_filter_render (g, &e) == SKC_OK);
      /* The middle column, all three rows at 0.25. */
      CHECK (e.data && *skc_image_pixel (&e, 1, 0) == 0.25f
             && *skc_image_pixel (&e, 1, 2) == 0.25f
             && *skc_image_pixel (&e, 0, 1) == 0);
      CHECK_EQ_INT (skc_filter_macs (g), 3);
      skc_image_free (&e);
    }
  skc_filter_free (g);
  skc_filter_free (f);
  skc_image_free (&t);
}

/* An engine whose tables come from the per-process memo (the same shape
 * and radius, another focus) blurs exactly as one that fitted them; another
 * radius or shape does not take them. */
static void
test_table_memo (void)
{
  skc_engine *fitted = map_engine ("shape:star:points=6", 13, 2, 1);
  skc_engine *again = map_engine ("shape:star:points=6", 13, 2, 1);
  skc_engine *other = map_engine ("shape:star:points=6", 12, 2, 1);
  skc_engine *disc = map_engine ("shape:disc", 13, 2, 1);
  if (!fitted || !again || !other || !disc)
    return;
  const skc_knots_scale *a = &fitted->scales[0].knots;
  const skc_knots_scale *b = &again->scales[0].knots;
  int same = a->levels == b->levels && a->half == b->half && a->abs == b->abs;
  for (int q = a->first; same && q < a->levels; q++)
    same = a->table[q].count == b->table[q].count
           && memcmp (a->table[q].c, b->table[q].c,
                      (size_t) a->table[q].count * sizeof (float))
                  == 0
           && memcmp (a->table[q].dx, b->table[q].dx,
                      (size_t) a->table[q].count * sizeof (int))
                  == 0;
  CHECK_MSG (same, "tables from the memo differ from fitted ones");
  CHECK (a->table != b->table); /* copies, owned by each engine */
  /* Emptied, the memo has nothing for the same settings. */
  skc_scale probe = fitted->scales[0];
  probe.knots.table = NULL;
  char memo_key[64];
  snprintf (memo_key, sizeof memo_key, "test|memo %d", a->levels);
  skc_table_memo_keep (memo_key, &fitted->scales[0]);
  CHECK (skc_table_memo_take (memo_key, &probe) == 1 && probe.knots.table);
  for (int k = probe.knots.first; probe.knots.table && k < probe.knots.levels;
       k++)
    skc_layer_taps_free (&probe.knots.table[k]);
  free (probe.knots.table);
  probe.knots.table = NULL;
  skc_table_memo_clear ();
  CHECK (skc_table_memo_take (memo_key, &probe) == 0 && !probe.knots.table);
  const skc_knots_scale *o = &other->scales[0].knots;
  const skc_knots_scale *d = &disc->scales[0].knots;
  CHECK (o->levels != a->levels);
  int q = a->levels - 1;
  CHECK (d->table[q].count != a->table[q].count
         || memcmp (d->table[q].c, a->table[q].c,
                    (size_t) a->table[q].count * sizeof (float))
                != 0);
  int w = 90, h = 70;
  skc_image in = random_image (w, h, 3, 12), map = varied_map (w, h);
  skc_image out1 = { 0 }, out2 = { 0 };
  if (CHECK (skc_apply_image (fitted, &in, -1, &map, NULL, &out1, NULL)
             == SKC_OK)
      && CHECK (skc_apply_image (again, &in, -1, &map, NULL, &out2, NULL)
                == SKC_OK))
    CHECK (memcmp (out1.data, out2.data, sizeof (float) * w * h * 3) == 0);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&out1);
  skc_image_free (&out2);
  skc_engine_free (fitted);
  skc_engine_free (again);
  skc_engine_free (other);
  skc_engine_free (disc);
}

/* Levelled knots (skc_knots_fit_levelled): the rounding's error stays
 * within the aim on the kernel the filter renders, with fewer knots than
 * the exact ones; no aim spends at most the MACs; too few MACs give no
 * filter; an aim of 0 gives the exact knots; a NaN target is refused. */
static void
test_levelled (void)
{
  skc_image t = shape_target ("shape:heart", 40, 0);
  const int n = t.width;
  skc_filter *exact = NULL, *f = NULL;
  CHECK (skc_knots_fit_to (&t, 0, 0, SKC_KNOTS_ROWS, &exact, NULL) == SKC_OK);
  const long exact_macs = exact ? skc_filter_macs (exact) : 0;
  const double aims[] = { 0.05, 0.02, 0.005 };
  for (int i = 0; i < 3; i++)
    {
      int hint = -1;
      CHECK (skc_knots_fit_levelled (&t, 0, aims[i], SKC_KNOTS_ROWS, &hint, &f,
                                     NULL)
             == SKC_OK);
      if (!CHECK (f != NULL))
        continue;
      skc_image e = { 0 };
      CHECK (skc_filter_render (f, &e) == SKC_OK);
      /* Restoring the sum moves the error a little past the rounding's. */
      double error = skc_kernel_error (&e, &t);
      CHECK_MSG (error <= aims[i] * 1.05, "levelled heart: error %g, aim %g",
                 error, aims[i]);
      CHECK_MSG (skc_filter_macs (f) < exact_macs,
                 "levelled heart: %ld MACs, exact %ld", skc_filter_macs (f),
                 exact_macs);
      CHECK (hint >= 0);
      skc_image_free (&e);
      skc_filter_free (f);
      f = NULL;
    }
  /* No aim: the most levels within the MACs. */
  const long budget = 4L * n;
  CHECK (skc_knots_fit_levelled (&t, budget, -1, SKC_KNOTS_ROWS, NULL, &f, NULL)
         == SKC_OK);
  if (CHECK (f != NULL))
    CHECK_MSG (skc_filter_macs (f) <= budget, "levelled heart: %ld MACs > %ld",
               skc_filter_macs (f), budget);
  skc_filter_free (f);
  f = NULL;
  /* Out of reach: each row takes at least two knots. */
  CHECK (skc_knots_fit_levelled (&t, n, 0.05, SKC_KNOTS_ROWS, NULL, &f, NULL)
             == SKC_OK
         && f == NULL);
  /* An aim of 0: the exact knots. */
  CHECK (skc_knots_fit_levelled (&t, 0, 0, SKC_KNOTS_ROWS, NULL, &f, NULL)
         == SKC_OK);
  if (CHECK (f != NULL))
    {
      skc_image e = { 0 };
      CHECK (skc_filter_render (f, &e) == SKC_OK);
      CHECK (skc_kernel_error (&e, &t) < 1e-6);
      CHECK (skc_filter_macs (f) == exact_macs);
      skc_image_free (&e);
    }
  skc_filter_free (f);
  f = NULL;
  *skc_image_pixel (&t, n / 2, n / 2) = NAN;
  CHECK (skc_knots_fit_levelled (&t, 0, 0.05, SKC_KNOTS_ROWS, NULL, &f, NULL)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (f == NULL);
  skc_filter_free (exact);
  skc_image_free (&t);
}

/* Merged knots (skc_knots_fit_merged): within the aim on the kernel the
 * filter renders, sums kept; on a soft shape fewer than levelled knots at
 * the same aim; too few MACs give no filter; an aim of 0 gives the exact
 * knots; a NaN target or a negative aim is refused. */
static void
test_merged (void)
{
  const char *specs[] = { "shape:gaussian", "shape:coma", "shape:heart" };
  for (int s = 0; s < 3; s++)
    {
      skc_image t = shape_target (specs[s], 40, 0);
      const double aims[] = { 0.1, 0.03, 0.01 };
      const int axes[]
          = { SKC_KNOTS_ROWS, SKC_KNOTS_COLUMNS, SKC_KNOTS_AXIS_BEST };
      for (int i = 0; i < 3; i++)
        for (int a = 0; a < 3; a++)
          {
            const int axis = axes[a];
            skc_filter *f = NULL, *lv = NULL;
            CHECK (skc_knots_fit_merged (&t, 0, aims[i], axis, &f, NULL)
                   == SKC_OK);
            if (!CHECK (f != NULL))
              continue;
            skc_image e = { 0 };
            CHECK (skc_filter_render (f, &e) == SKC_OK);
            double error = skc_kernel_error (&e, &t), sum = 0;
            for (int k = 0; k < e.width * e.height; k++)
              sum += e.data[k];
            CHECK_MSG (error <= aims[i] * 1.01 && fabs (sum - 1) < 1e-4,
                       "merged %s: error %g (aim %g), sum %g", specs[s], error,
                       aims[i], sum);
            int hint = -1;
            CHECK (
                skc_knots_fit_levelled (&t, 0, aims[i], axis, &hint, &lv, NULL)
                == SKC_OK);
            /* Soft shapes: merging follows the slopes with fewer runs
               (at 20 dB a coma's levels may take fewer). */
            if (s < 2 && i > 0 && lv)
              CHECK_MSG (skc_filter_macs (f) < skc_filter_macs (lv),
                         "merged %s aim %g: %ld MACs, levelled %ld", specs[s],
                         aims[i], skc_filter_macs (f), skc_filter_macs (lv));
            skc_image_free (&e);
            skc_filter_free (f);
            skc_filter_free (lv);
          }
      skc_filter *exact = NULL, *f = NULL;
      CHECK (skc_knots_fit_to (&t, 0, 0, SKC_KNOTS_ROWS, &exact, NULL)
             == SKC_OK);
      CHECK (skc_knots_fit_merged (&t, 0, 0, SKC_KNOTS_ROWS, &f, NULL)
             == SKC_OK);
      if (CHECK (f && exact))
        CHECK_MSG (skc_filter_macs (f) == skc_filter_macs (exact),
                   "merged %s, aim 0: %ld MACs, exact %ld", specs[s],
                   skc_filter_macs (f), skc_filter_macs (exact));
      skc_filter_free (f);
      f = NULL;
      /* Out of reach: a row of the shape takes at least two knots. */
      CHECK (skc_knots_fit_merged (&t, t.width, 0.01, SKC_KNOTS_ROWS, &f, NULL)
                 == SKC_OK
             && f == NULL);
      CHECK (skc_knots_fit_merged (&t, 0, -0.5, SKC_KNOTS_ROWS, &f, NULL)
             == SKC_ERR_INVALID_ARGUMENT);
      *skc_image_pixel (&t, t.width / 2, t.width / 2) = NAN;
      CHECK (skc_knots_fit_merged (&t, 0, 0.05, SKC_KNOTS_ROWS, &f, NULL)
             == SKC_ERR_INVALID_ARGUMENT);
      CHECK (f == NULL);
      skc_filter_free (exact);
      skc_image_free (&t);
    }
}

/* A thin stroke moves further for its width than the tables' error model
 * says when a radius is rounded to its table's: the steps are measured on
 * the shape and made finer (a ring a tenth of its radius wide: about 3x),
 * so that a pixel's kernel half-way between two tables still reaches the
 * floor; a plain ring keeps the model's steps. */
/* The kernel SNR of a one-scale map engine half-way between its tables q
 * and q + 1 (radius into *radius), where rounding costs the most, against
 * the target there. */
static double
between_tables_snr_db (const skc_engine *e, const skc_params *p, int q,
                       double *radius)
{
  const skc_knots_scale *sc = &e->scales[0].knots;
  double r = pow ((q + 0.5) * sc->grid / 2, 2);
  skc_image k = { 0 }, t = { 0 };
  CHECK (skc_engine_kernel (e, r, &k) == SKC_OK);
  CHECK (skc_target_make (p, r, 0, &t, NULL) == SKC_OK);
  double snr = skc_kernel_snr_db (skc_kernel_error (&k, &t));
  skc_image_free (&k);
  skc_image_free (&t);
  *radius = r;
  return snr;
}

static void
test_thin_stroke_tables (void)
{
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse ("shape:ring:inner=0.9", &p.shape, NULL) == SKC_OK);
  p.shape.inner = (float) 0.9; /* as the engine takes it */
  p.radius = 40;
  p.quality = SKC_QUALITY_NORMAL;
  const double model = skc_knots_tables_model_grid (p.quality);
  double rounding = 0;
  double grid = skc_knots_tables_grid (&p, p.radius, &rounding);
  CHECK_MSG (grid < 0.5 * model && rounding >= 32,
             "thin ring: grid %g (model %g), rounding %.1f dB", grid, model,
             rounding);
  skc_params plain = p;
  CHECK (skc_shape_parse ("shape:ring", &plain.shape, NULL) == SKC_OK);
  CHECK (skc_knots_tables_grid (&plain, plain.radius, NULL) == model);

  skc_engine *e = map_engine ("shape:ring:inner=0.9", p.radius, 2, 1);
  if (!e)
    return;
  const skc_knots_scale *sc = &e->scales[0].knots;
  CHECK (e->scale_count == 1 && sc->grid == grid);
  /* Radii half-way between tables, where rounding costs the most. */
  for (int q = sc->levels / 2; q < sc->levels - 1; q += sc->levels / 7)
    {
      double r = 0, snr = between_tables_snr_db (e, &p, q, &r);
      CHECK_MSG (snr >= 30, "thin ring at R %.3f (between tables): %.1f dB", r,
                 snr);
    }
  skc_engine_free (e);
}

/* skc_filter_kernel_error walks a knots filter's lines instead of drawing
 * it: the same figure, bit for bit, as drawing it (rows and columns, fits
 * and exact knots), and other filters and sizes drawn as before. */
static void
test_kernel_error_without_drawing (void)
{
  const char *specs[]
      = { "shape:heart", "shape:star:points=5,inner=0.4", "shape:ring" };
  for (int i = 0; i < 3; i++)
    for (int axis = 0; axis < 2; axis++)
      {
        skc_image t = shape_target (specs[i], 17.3, 0);
        skc_filter *fits[2]
            = { fit_knots (&t, 0, axis), fit_knots (&t, 90, axis) };
        for (int j = 0; j < 2; j++)
          {
            skc_image k = { 0 };
            if (!fits[j] || !CHECK (skc_filter_render (fits[j], &k) == SKC_OK))
              continue;
            double drawn = skc_kernel_error (&k, &t);
            double walked = skc_filter_kernel_error (fits[j], &t);
            CHECK_MSG (walked == drawn && isfinite (walked),
                       "%s axis %d budget %s: %.17g walked, %.17g drawn",
                       specs[i], axis, j ? "90" : "exact", walked, drawn);
            /* A larger target: drawn and padded, the same way. */
            skc_image big = { 0 };
            CHECK (skc_kernel_pad (&t, t.width + 6, t.height + 6, &big)
                   == SKC_OK);
            CHECK (skc_filter_kernel_error (fits[j], &big)
                   == skc_kernel_error (&k, &big));
            skc_image_free (&big);
            skc_image_free (&k);
            skc_filter_free (fits[j]);
          }
        skc_image_free (&t);
      }
}

/* A flat shape's blur map at R 300, normal quality, runs every radius on
 * one scale of tables (the pyramid's resampling left 10-16 dB there) and
 * reaches the floor between two tables. */
static void
test_large_map_one_scale (void)
{
  skc_engine *e = map_engine ("shape:disc", 300, 2, 1);
  if (!e)
    return;
  const skc_knots_scale *sc = &e->scales[0].knots;
  CHECK_MSG (e->scale_count == 1 && e->scales[0].kind == SKC_SCALE_KNOTS_TABLES
                 && e->kernel_snr_db >= 30,
             "disc map R 300: %s", skc_engine_describe (e));
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse ("shape:disc", &p.shape, NULL) == SKC_OK);
  p.quality = SKC_QUALITY_NORMAL;
  for (int q = sc->levels - 3; e->scale_count == 1 && q > sc->levels / 2;
       q -= sc->levels / 5)
    {
      double r = 0, snr = between_tables_snr_db (e, &p, q, &r);
      CHECK (r < 300);
      CHECK_MSG (snr >= 30, "disc map at R %.3f (between tables): %.1f dB", r,
                 snr);
    }
  skc_engine_free (e);
}

/* A fit aiming at an error prices each line's knots: the lines' shares at
 * a price, walked along their cost curves' hulls from the last price's,
 * equal a plain scan of every k in 0, 2..kmax (the fewer knots on ties)
 * at every price of a bisection, of prices going up and down at random,
 * and of prices exactly at a hull edge's slope (the ties).  Curves: real
 * lines' costs (random soft lines with runs and zeros), and made-up ones
 * with flat stretches, equal steps and dents. */
static void
test_shares_walk_hulls (void)
{
  enum
  {
    LINES = 60,
    KMAX = 24,
    PRICES = 200
  };
  double *cost = malloc ((size_t) LINES * (KMAX + 1) * sizeof *cost);
  size_t at[LINES + 1];
  int kmax[LINES];
  double *prices = malloc (PRICES * sizeof *prices);
  int *shares = malloc ((size_t) PRICES * LINES * sizeof *shares);
  skc_rng rng;
  skc_rng_seed (&rng, 23, 0);
  at[0] = 0;
  for (int i = 0; i < LINES; i++)
    {
      kmax[i] = 2 + (int) (skc_rng_uniform (&rng) * (KMAX - 1));
      at[i + 1] = at[i] + (size_t) kmax[i] + 1;
      double *c = cost + at[i];
      if (i % 2 == 0)
        {
          /* A soft line's own costs. */
          double v[40];
          for (int x = 0; x < 40; x++)
            {
              double u = skc_rng_uniform (&rng);
              v[x] = u < 0.3 ? 0 : x > 0 && u < 0.6 ? v[x - 1] : u;
            }
          CHECK (skc_knots_line_costs (v, 40, kmax[i], c) == SKC_OK);
        }
      else
        {
          /* Made up: non-increasing, with flats, equal steps (points on
             an edge) and dents (points above the hull). */
          c[0] = 10;
          c[1] = 10;
          for (int k = 2; k <= kmax[i]; k++)
            {
              double u = skc_rng_uniform (&rng);
              double drop = u < 0.25   ? 0
                            : u < 0.5  ? 1
                            : u < 0.75 ? 0.5 * skc_rng_uniform (&rng)
                                       : 3 * skc_rng_uniform (&rng);
              c[k] = fmax (c[k - 1] - drop, 0);
            }
        }
    }
  /* A bisection's prices, then random ones, then the slopes between
     neighbouring costs (exact ties). */
  double low = 0, high = 10;
  int count = 0;
  for (; count < 64; count++)
    {
      prices[count] = 0.5 * (low + high);
      if (skc_rng_uniform (&rng) < 0.5)
        low = prices[count];
      else
        high = prices[count];
    }
  for (; count < 128; count++)
    prices[count] = 5 * skc_rng_uniform (&rng);
  for (int i = 0; count < PRICES && i < LINES; i++)
    for (int k = 3; count < PRICES && k <= kmax[i]; k += 3)
      prices[count++] = cost[at[i] + k - 1] - cost[at[i] + k];
  CHECK (
      skc_knots_shares_at_prices (cost, at, LINES, kmax, prices, count, shares)
      == SKC_OK);
  int wrong = 0, moved = 0;
  for (int p = 0; p < count; p++)
    for (int i = 0; i < LINES; i++)
      {
        const double *c = cost + at[i];
        int arg = 0;
        double best = c[0];
        for (int k = 2; k <= kmax[i]; k++)
          if (c[k] + prices[p] * k < best + prices[p] * arg)
            best = c[k], arg = k;
        const int got = shares[(size_t) p * LINES + i];
        wrong += got != arg;
        moved += p > 0 && got != shares[(size_t) (p - 1) * LINES + i];
        if (got != arg && wrong <= 3)
          fprintf (stderr, "     line %d price %.17g: walk %d, scan %d\n", i,
                   prices[p], got, arg);
      }
  CHECK_MSG (wrong == 0, "%d of %d shares differ from the plain scan", wrong,
             count * LINES);
  /* The prices did move the shares (the walk was exercised). */
  CHECK_MSG (moved > LINES, "shares moved %d times", moved);
  free (cost);
  free (prices);
  free (shares);
}

int
main (void)
{
  test_dp_against_brute_force ();
  test_budget_is_spent_well ();
  test_shares_match_knapsack ();
  test_smooth_line_candidates ();
  test_priced_shares ();
  test_shares_walk_hulls ();
  test_fit_entry_point ();
  test_exact_equals_target ();
  test_levelled ();
  test_merged ();
  test_thin_stroke_tables ();
  test_kernel_error_without_drawing ();
  test_large_map_one_scale ();
  test_apply_equals_dense ("shape:heart", 0, SKC_KNOTS_ROWS);
  test_apply_equals_dense ("shape:heart", 60, SKC_KNOTS_COLUMNS);
  test_apply_equals_dense ("shape:star:points=4,inner=0.35", 80,
                           SKC_KNOTS_AXIS_BEST);
  test_hdr_precision (SKC_KNOTS_ROWS);
  test_hdr_precision (SKC_KNOTS_COLUMNS);
  test_identity_given_filter (SKC_KNOTS_ROWS, 14);
  test_identity_given_filter (SKC_KNOTS_COLUMNS, 14);
  test_identity_given_filter (SKC_KNOTS_ROWS, 70);
  test_identity_given_filter (SKC_KNOTS_COLUMNS, 70);
  test_planner ();
  test_map_matches_tables ("shape:disc", 7);
  test_map_matches_tables ("shape:heart", 11);
  test_map_fidelity ();
  test_map_identity (14, 0);
  test_map_identity (45, 0);  /* one scale at full resolution */
  test_map_identity (45, 1);  /* two scales */
  test_map_identity (140, 0); /* prefix sums on 256 px blocks */
  /* Wider than a tile (1024 px from a reach of 128). */
  test_map_identity_sized (140, 0, 2200, 120);
  test_map_focus_exact ();
  test_value_tables ();
  test_file_round_trip ();
  test_table_memo ();
  return check_summary ();
}
