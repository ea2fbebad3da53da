/* skc — the planner: which representation each scale of an engine runs,
 * and why.  A uniform blur takes the cheapest filter that reaches the
 * quality (knots for flat kernels, else a bilinear or whole-pixel complex
 * or a separable filter, or an exact FFT when it costs less); a blur map,
 * swirl or cat-eye takes knots tables (flat shapes, maps up to
 * knots_map_max_radius) or the DISK basis, on every scale of the pyramid
 * up to the radius.  The representations prepare themselves (their own
 * files); the planner says which, with the costs it weighed in e->plan
 * and e->description.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>

#include "engine.h"
#include "filter_private.h"
#include "knots_private.h"
#include "skc/metrics.h"

/* The scale a uniform blur of radius r needs: the smallest k with
 * r <= SCALE_RADIUS * 2^k. */
static int
scale_for_radius (double r)
{
  int k = 0;
  while (k + 1 < SKC_ENGINE_MAX_SCALES
         && r > SKC_ENGINE_SCALE_RADIUS * (1 << k))
    k++;
  return k;
}

/* A cheaper representation replaces the bilinear complex when its fit's
 * loss is at most this factor of the bilinear fit's (3 dB).  Whole-pixel
 * complexes (a quarter of the cost) pass at medium and large radii and fail
 * at small ones, where sub-pixel offsets matter; separable filters pass for
 * separable shapes (Gaussians, axis-aligned squares). */
#define CHEAPER_LOSS_ALLOWANCE 2.0
/* Knots (prefix sums, exact rims) replace complexes for flat kernels: a
 * kernel is flat when its exact knots cost at most this many reads per
 * kernel line (disc about 5, ring 8.5; a Gaussian needs every pixel). */
#define KNOTS_FLAT_PER_LINE 12
/* Knot budgets in MACs per kernel line: draft and normal (260 MACs at the
 * benchmark's 49 px, where the suite's flat shapes reach 30-40 dB kernel
 * SNR against DISK's 15); high quality is exact.  A uniform blur at normal
 * quality takes the smallest of the normal budgets that reaches
 * KNOTS_NORMAL_SNR_DB: each knot costs as much time as a sample of a
 * complex, so the spare ones are speed given away. */
#define KNOTS_DRAFT_PER_LINE 2.65
#define KNOTS_NORMAL_PER_LINE 5.3
#define KNOTS_NORMAL_SNR_DB 30.0
static const double knots_normal_steps[]
    = { 3.0, 3.5, 4.0, 4.5, KNOTS_NORMAL_PER_LINE };
/* A separable filter this close to the target (kernel error, 60 dB) keeps
 * the separable path when it is cheaper: small Gaussians are flat enough
 * by the count above, but rank 1 is exact for them. */
#define SEPARABLE_EXACT_ERROR 1e-3
/* A separable filter's multiply-add runs ~2.5x slower than a complex's in
 * this engine (skc bench apply, 24 MP: rank 2 at 84 MACs took 0.37 s, a
 * whole-pixel complex at 96 MACs 0.17 s): the planner compares costs with
 * that factor. */
#define SEPARABLE_COST_FACTOR 2.5

/* Blur maps of flat shapes up to this radius run on knots tables on
 * every scale; larger ones on tables at full resolution and the DISK
 * basis above (plan_varying_scales).  Measured (skc bench maps: 24 MP
 * RGBA, 2 threads, disc and heart, tilt-shift and a synthetic depth map):
 * tables everywhere take 0.4-1.0x the basis' time and are 7-27 dB closer
 * to brute-force truth up to 50, but preparing them grows with the radius
 * (0.4-0.7 s at 100-150 against 0.02 s for cached basis fits).  The
 * default of skc_engine_options, which tests move. */
#define KNOTS_MAP_MAX_RADIUS 64.0

void
skc_engine_options_init (skc_engine_options *options)
{
  options->knots_map_max_radius = KNOTS_MAP_MAX_RADIUS;
}

long
skc_knots_budget (skc_quality q, int size)
{
  if (q == SKC_QUALITY_HIGH)
    return 0;
  return lround (
      (q == SKC_QUALITY_DRAFT ? KNOTS_DRAFT_PER_LINE : KNOTS_NORMAL_PER_LINE)
      * size);
}

/* What a filter costs the engine: MACs per pixel and channel, a separable
 * filter's weighed by SEPARABLE_COST_FACTOR. */
static double
filter_cost (const skc_filter *f)
{
  double macs = (double) skc_filter_macs (f);
  return f->kind == SKC_FILTER_LOWRANK ? SEPARABLE_COST_FACTOR * macs : macs;
}

/* The rank-1 separable filter of `target` when it is exact
 * (SEPARABLE_EXACT_ERROR) and costs less than `ceiling`; else NULL. */
static skc_filter *
exact_separable_below (const skc_image *target, double ceiling)
{
  skc_image effective = { 0 };
  skc_filter *f = NULL;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.method = SKC_METHOD_LOWRANK;
  opts.rank = 1;
  if (skc_fit (target, &opts, &f, NULL, NULL) != SKC_OK
      || skc_filter_render (f, &effective) != SKC_OK
      || skc_kernel_error (&effective, target) > SEPARABLE_EXACT_ERROR
      || filter_cost (f) >= ceiling)
    {
      skc_filter_free (f);
      f = NULL;
    }
  skc_image_free (&effective);
  return f;
}

/* Knots for a flat target at this quality, or NULL (and no error) when
 * the target is not flat or a separable filter does better. */
static skc_result
plan_knots (const skc_params *p, double radius, skc_filter **out, char *plan,
            size_t plan_len, skc_error *err)
{
  *out = NULL;
  skc_image target = { 0 };
  skc_result r = skc_target_make (p, radius, 0, &target, err);
  if (r != SKC_OK)
    return r;
  int size = target.width;
  long exact, columns;
  skc_knots_exact_counts (&target, &exact, &columns);
  exact = columns >= 0 && columns < exact ? columns : exact;
  if (exact < 0 || exact > (long) KNOTS_FLAT_PER_LINE * size)
    {
      skc_image_free (&target);
      return SKC_OK;
    }
  long budget = skc_knots_budget (p->quality, size);
  skc_filter *knots = NULL;
  skc_image effective = { 0 };
  double error = 1;
  size_t steps = p->quality == SKC_QUALITY_NORMAL
                     ? sizeof knots_normal_steps / sizeof *knots_normal_steps
                     : 1;
  for (size_t step = 0; step < steps && r == SKC_OK; step++)
    {
      if (p->quality == SKC_QUALITY_NORMAL)
        budget = lround (knots_normal_steps[step] * size);
      skc_filter_free (knots);
      knots = NULL;
      r = skc_knots_fit (&target, budget, SKC_KNOTS_AXIS_BEST, &knots, err);
      if (r == SKC_OK && skc_filter_render (knots, &effective) != SKC_OK)
        r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      error = r == SKC_OK ? skc_kernel_error (&effective, &target) : 1;
      skc_image_free (&effective);
      if (error <= pow (10.0, -KNOTS_NORMAL_SNR_DB / 20.0))
        break;
    }

  /* Separable targets (squares, small Gaussians): rank 1 if it is exact
     and cheaper. */
  skc_filter *separable
      = r == SKC_OK && knots
            ? exact_separable_below (&target, filter_cost (knots))
            : NULL;
  if (separable)
    {
      skc_filter_free (knots);
      knots = NULL;
    }
  skc_filter_free (separable);
  skc_image_free (&target);
  if (r != SKC_OK || !knots)
    {
      skc_filter_free (knots);
      return r;
    }
  skc_filter_info info = { 0 };
  skc_target_identity (p, info.spec, sizeof info.spec);
  info.radius = radius;
  info.target_size = size;
  skc_filter_set_info (knots, &info);
  snprintf (plan, plan_len,
            "knots (flat kernel: %ld exact knots, at most %d per line); %s "
            "quality: %s, kernel SNR %.1f dB",
            exact, KNOTS_FLAT_PER_LINE, skc_quality_name (p->quality),
            budget > 0 && skc_filter_macs (knots) < exact + 1 ? "a budget"
                                                              : "exact",
            error > 0 ? -20 * log10 (error) : INFINITY);
  *out = knots;
  return SKC_OK;
}

/* The cheapest filter that reaches the quality: knots for flat kernels;
 * otherwise the bilinear complex sets the level, and a whole-pixel
 * complex or a rank-1/2 separable filter replaces it when close enough and
 * cheaper (MACs per pixel and channel).  Swirl turns offsets off the pixel
 * grid, so it always gets the bilinear fit.  fft_cost is what an FFT would
 * cost (0: none); *out stays NULL when no sparse filter could beat it. */
static skc_result
plan_uniform (const skc_params *p, const skc_run *run, double radius,
              long fft_cost, skc_filter **out, char *plan, size_t plan_len,
              skc_error *err)
{
  if (p->swirl <= 0)
    {
      skc_result r = plan_knots (p, radius, out, plan, plan_len, err);
      if (r != SKC_OK || *out)
        return r;
    }
  /* No complex at this quality costs less than its whole-pixel samples:
     when an FFT is cheaper still, only an exact separable filter can beat
     it, and nothing needs fitting. */
  long complex_floor = (long) skc_quality_samples (p->quality);
  if (fft_cost > 0 && fft_cost < complex_floor)
    {
      skc_image target = { 0 };
      skc_result r = skc_target_make (p, radius, 0, &target, err);
      if (r != SKC_OK)
        return r;
      *out = exact_separable_below (&target, (double) fft_cost);
      skc_image_free (&target);
      snprintf (plan, plan_len,
                *out ? "separable rank 1 (exact, cheaper than an FFT)"
                     : "no sparse filter at %s quality costs less than an "
                       "FFT (complexes: %ld MACs and more)",
                skc_quality_name (p->quality), complex_floor);
      return SKC_OK;
    }
  double bilinear_loss = 0;
  skc_result r = skc_target_fit_as (p, run, radius, 0, SKC_OFFSETS_BILINEAR,
                                    NULL, 1, NULL, out, &bilinear_loss, err);
  if (r != SKC_OK || p->swirl > 0)
    {
      snprintf (plan, plan_len, "bilinear complex%s",
                p->swirl > 0 ? " (swirl turns offsets off the grid)" : "");
      return r;
    }
  const char *best_name = "bilinear complex";
  double best_loss = bilinear_loss;
  long best_cost = skc_filter_macs (*out);

  skc_filter *candidate = NULL;
  double loss = 0;
  r = skc_target_fit_as (p, run, radius, 0, SKC_OFFSETS_INTEGER, NULL, 1, NULL,
                         &candidate, &loss, err);
  if (r != SKC_OK)
    return r;
  if (loss <= CHEAPER_LOSS_ALLOWANCE * bilinear_loss
      && skc_filter_macs (candidate) < best_cost)
    {
      skc_filter_free (*out);
      *out = candidate;
      best_name = "whole-pixel complex";
      best_loss = loss;
      best_cost = skc_filter_macs (candidate);
    }
  else
    skc_filter_free (candidate);

  /* Separable filters: an SVD of the target, no search needed. */
  skc_image target = { 0 };
  if (skc_target_make (p, radius, 0, &target, NULL) == SKC_OK)
    for (int rank = 1; rank <= 2; rank++)
      {
        skc_fit_options opts;
        skc_fit_options_init (&opts);
        opts.method = SKC_METHOD_LOWRANK;
        opts.rank = rank;
        candidate = NULL;
        if (skc_fit (&target, &opts, &candidate, NULL, NULL) != SKC_OK)
          continue;
        if (skc_fit_loss (candidate, &target, &loss, NULL) != SKC_OK)
          loss = -1;
        long cost = (long) filter_cost (candidate);
        if (loss <= CHEAPER_LOSS_ALLOWANCE * bilinear_loss && cost < best_cost)
          {
            skc_filter_free (*out);
            *out = candidate;
            best_name = rank == 1 ? "separable rank 1" : "separable rank 2";
            best_loss = loss;
            best_cost = cost;
          }
        else
          skc_filter_free (candidate);
      }
  skc_image_free (&target);
  snprintf (plan, plan_len,
            "%s, cost %ld, loss %.2fx the bilinear complex's (allowance "
            "%.1fx; cheapest within it)",
            best_name, best_cost,
            bilinear_loss > 0 ? best_loss / bilinear_loss : 1.0,
            CHEAPER_LOSS_ALLOWANCE);
  return SKC_OK;
}

/* The uniform blur's one scale: the planned filter (or the caller's, or
 * the identity at radius 0) prepared as its representation, or an FFT. */
static skc_result
plan_uniform_scale (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int k = p->filter ? 0 : scale_for_radius (p->radius);
  skc_scale *s = &e->scales[k];
  skc_result r = SKC_OK;
  skc_filter *filter = NULL;
  e->scale_count = k + 1;
  e->first_scale = k;
  s->factor = 1 << k;
  /* An exact FFT competes at full resolution, for one kernel (swirl and
     cat-eye vary it). */
  long fft_cost
      = s->factor == 1 && !p->filter && p->swirl <= 0 && p->cat_eye <= 0
            ? SKC_ENGINE_FFT_COST_MACS
            : 0;
  if (p->filter)
    filter = skc_filter_copy (p->filter);
  else if (p->radius < 0.5)
    {
      /* Nothing to blur: a one-sample identity. */
      int one = 1;
      filter = skc_filter_new_complex (1, &one, SKC_OFFSETS_INTEGER);
      if (filter)
        filter->layer[0][0].w = 1;
    }
  else
    r = plan_uniform (p, &e->prepare_run, p->radius / s->factor, fft_cost,
                      &filter, e->plan, sizeof e->plan, err);
  if (r != SKC_OK)
    {
      skc_filter_free (filter);
      return r;
    }
  if (!filter && fft_cost > 0)
    return skc_fft_prepare (e, s, e->plan, err);
  if (!filter)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  const char *unsupported
      = p->swirl <= 0                        ? NULL
        : filter->kind == SKC_FILTER_LOWRANK ? "this filter is separable"
        : filter->kind == SKC_FILTER_KNOTS   ? "this filter is made of knots"
                                             : NULL;
  if (unsupported)
    {
      skc_filter_free (filter);
      return skc_fail (err, SKC_ERR_UNSUPPORTED,
                       "swirl turns sparse complexes; %s", unsupported);
    }
  if (fft_cost > 0 && filter_cost (filter) > fft_cost)
    {
      char why[sizeof e->plan + 64];
      snprintf (why, sizeof why,
                "FFT (exact) costs less than the best "
                "sparse filter, %ld MACs: %s",
                skc_filter_macs (filter), e->plan);
      skc_filter_free (filter);
      return skc_fft_prepare (e, s, why, err);
    }
  if (filter->kind == SKC_FILTER_KNOTS)
    return skc_knots_prepare (e, s, filter, err);
  if (filter->kind == SKC_FILTER_LOWRANK)
    return skc_separable_prepare (e, s, filter, err);
  return skc_complex_prepare (e, s, filter, err);
}

/* Whether a blur map runs on knots tables instead of the DISK basis: flat
 * shapes, no swirl or cat-eye, the largest radius in the range where the
 * tables are faster (see KNOTS_MAP_MAX_RADIUS); *axis gets the better axis
 * at the top radius. */
static int
map_wants_knots (const skc_params *p, double top, skc_knots_axis *axis)
{
  if (p->filter || p->swirl > 0 || p->cat_eye > 0)
    return 0;
  skc_image target = { 0 };
  if (skc_target_make (p, top, 0, &target, NULL) != SKC_OK)
    return 0;
  long rows, columns;
  skc_knots_exact_counts (&target, &rows, &columns);
  int size = target.width;
  skc_image_free (&target);
  *axis = columns >= 0 && columns < rows ? SKC_KNOTS_COLUMNS : SKC_KNOTS_ROWS;
  long exact = *axis == SKC_KNOTS_ROWS ? rows : columns;
  return exact >= 0 && exact <= (long) KNOTS_FLAT_PER_LINE * size;
}

/* A blur map's (or cat-eye's) scales, from full resolution up to the
 * radius: knots tables where the shape is flat and the radius allows,
 * the DISK basis elsewhere. */
static skc_result
plan_varying_scales (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int top_scale = p->filter ? 0 : scale_for_radius (p->radius);
  e->scale_count = top_scale + 1;
  e->first_scale = 0;
  skc_knots_axis axis = SKC_KNOTS_ROWS;
  double knots_max = e->options.knots_map_max_radius;
  /* Above the limit, the full-resolution scale still runs tables when the
     shape is flat: there the basis costs the most per pixel (a bilinear
     complex below SKC_ENGINE_WHOLE_PIXEL_RADIUS) and tables the least. */
  int knots_first = e->with_map && knots_max >= 0 && top_scale > 0
                    && p->radius > knots_max
                    && map_wants_knots (p, SKC_ENGINE_SCALE_RADIUS, &axis);
  int all_tables = e->with_map && p->radius <= knots_max
                   && map_wants_knots (
                       p, fmin (p->radius, SKC_ENGINE_SCALE_RADIUS), &axis);
  long macs = 0;
  int tables = 0, members = 0;
  for (int k = 0; k <= top_scale; k++)
    {
      skc_scale *s = &e->scales[k];
      s->factor = 1 << k;
      double top
          = k == top_scale ? p->radius / s->factor : SKC_ENGINE_SCALE_RADIUS;
      /* Scale k > 0 serves from the handover of scale k - 1 upwards. */
      double bottom
          = k == 0 ? 0 : SKC_ENGINE_HANDOVER * SKC_ENGINE_SCALE_RADIUS / 2;
      skc_result r
          = all_tables || (k == 0 && knots_first)
                ? skc_knots_tables_prepare (e, s, top, bottom, axis, err)
                : skc_basis_prepare (e, s, top, bottom, err);
      if (r != SKC_OK)
        return r;
      int reach = skc_scale_full_reach (s);
      e->reach = reach > e->reach ? reach : e->reach;
      if (s->kind == SKC_SCALE_BASIS)
        members += s->complexes.member_count;
      else
        {
          tables += s->knots.levels - s->knots.first;
          long top_macs = s->knots.table[s->knots.levels - 1].count + 1;
          macs = top_macs > macs ? top_macs : macs;
        }
    }
  if (all_tables)
    {
      snprintf (e->description, sizeof e->description,
                "blur map: %d scale%s, knots tables every %g px of radius "
                "(%d tables along %s, radii 0..%g), each pixel its nearest; "
                "up to %ld MACs per pixel and channel (reach %d px); planner: "
                "knots (flat shape, largest radius %g <= %g), %s quality",
                e->scale_count, e->scale_count > 1 ? "s" : "",
                e->scales[0].knots.step, tables,
                axis == SKC_KNOTS_ROWS ? "rows" : "columns", p->radius, macs,
                e->reach, p->radius, knots_max, skc_quality_name (p->quality));
      return SKC_OK;
    }
  const skc_complex_scale *top = &e->scales[top_scale].complexes;
  const skc_filter *shape = top->members[top->member_count - 1];
  char full_resolution[160] = "";
  if (knots_first)
    snprintf (full_resolution, sizeof full_resolution,
              "; full resolution on knots tables every %g px (%d tables "
              "along %s, radii 0..%g, flat shape)",
              e->scales[0].knots.step, e->scales[0].knots.levels,
              axis == SKC_KNOTS_ROWS ? "rows" : "columns",
              SKC_ENGINE_SCALE_RADIUS);
  snprintf (e->description, sizeof e->description,
            "%s: %d scale%s, %d basis complexes %dx%d (radii %s..%g), "
            "each pixel blending two (%d bilinear taps per pixel, reach %d "
            "px)%s",
            e->with_map ? "blur map" : "kernels varying over the frame",
            e->scale_count, e->scale_count > 1 ? "s" : "", members,
            shape->layer_count, shape->layer_size[0], knots_first ? "12" : "0",
            p->radius, skc_filter_taps (shape), e->reach, full_resolution);
  return SKC_OK;
}

skc_result
skc_engine_plan (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  /* Cat-eye varies the kernel over the frame: it needs the basis even for
     a uniform radius. */
  if ((e->with_map || p->cat_eye > 0) && p->radius >= 0.5)
    return plan_varying_scales (e, err);
  skc_result r = plan_uniform_scale (e, err);
  if (r == SKC_OK)
    e->with_map = 0; /* every radius is 0: nothing varies */
  return r;
}
