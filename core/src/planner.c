/* skc — the planner: which representation each scale of an engine runs,
 * and why.  A uniform blur runs at full resolution on the cheapest filter
 * whose effective kernel reaches the quality's kernel SNR floor (knots,
 * a separable filter or the exact FFT); uniform swirl and cat-eye run
 * knots per angle (and clip amount) code; a blur map, or swirl and
 * cat-eye with one, takes knots tables (any shape whose knots reach the
 * floor within a cap) or the DISK basis, on every scale of the pyramid up
 * to the radius.  The representations prepare themselves (their own
 * files); the planner says which, with the costs it weighed in e->plan
 * and e->description.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* A separable filter's multiply-add runs ~2.5x slower than a complex's in
 * this engine (skc bench apply, 24 MP: rank 2 at 84 MACs took 0.37 s, a
 * whole-pixel complex at 96 MACs 0.17 s): the planner compares costs with
 * that factor. */
#define SEPARABLE_COST_FACTOR 2.5
/* A kernel this close to its target is exact but for float rounding. */
#define EXACT_SNR_DB 100.0
/* Exact knots win over a cheaper filter that merely reaches the floor
 * when they cost at most this much more. */
#define EXACT_KNOTS_PREMIUM 1.25
/* Knots aim a little above the floor: the fit's error is measured before
 * its levels are rounded and renormalised. */
#define KNOTS_AIM 0.9
/* A blur map's knots tables take at most this many knots per kernel line
 * (an exact disc takes about 5, a ring 8.5, a soft-edged image shape at
 * 30 dB about 6, a coma at 40 dB 14, a Gaussian at 30 dB 26 and at high
 * quality nearly every pixel): where the top radius needs more to reach
 * the floor, the map runs on the basis, whose kernels stay 13-28 dB
 * (skc bench crisp: at 12 a coma at R 24, high, and a Gaussian at R 24,
 * normal, ran there). */
#define KNOTS_CAP_PER_LINE 20

/* Blur maps whose shape reaches the floor on knots run on knots tables on
 * every scale up to this radius (all of them: 1000 is the largest);
 * beyond it, on tables at full resolution and the DISK basis above
 * (plan_varying_scales).  Measured (skc bench maps: 24 MP RGBA, 2
 * threads): tables everywhere take 0.4-1.0x the basis' time and are 7-27 dB
 * closer to brute-force truth up to 50; at R 75 and 150, kernel SNR 16-18
 * dB against the basis' 10-11 (disc, heart), preparation alike (about 1 s
 * cold) since the line programme works on runs.  The default of
 * skc_engine_options, which tests move. */
#define KNOTS_MAP_MAX_RADIUS 1000.0
/* A blur map runs every radius at full resolution when fitting its
 * tables takes at most TABLES_WORK_MAX programme steps (skc_knots_fit_work),
 * counted as the top table's work times TABLES_WORK_SHARE per table
 * (tables' radii grow as the square of their index, and the work as the
 * radius' square or more) on the shape's own grid (a thin stroke's is up
 * to 4x finer than the error model's: 4x the tables), rather than drop to
 * the pyramid's 2-15 dB.  High quality, whose grid is three times finer
 * and whose preparation is not held to two seconds, may take
 * TABLES_WORK_HIGH times as much.  Measured cold, 2 threads: 1.0-2.3 ns
 * of CPU a step (12 shapes and qualities, R 75-450), so at normal quality
 * about 2 s of wall time: discs, hexagons, hearts, rings and stars pass
 * up to R 450, a drawn ampersand up to 300, thin strokes (snowflake) up to
 * about 100; at high, discs up to about 450 (5-8 s), soft image shapes
 * at R 150 (15-35 s at 4x: too long). */
#define TABLES_WORK_MAX 3.5e9
#define TABLES_WORK_HIGH 3.0
/* Draft's fits aim lower and take fewer steps than counted (0.9 ns a
   step measured: a snowflake's 746 tables at R 200, 1.6 s). */
#define TABLES_WORK_DRAFT 1.5
/* Where neither the tables within that time nor radius levels reach the
   floor, tables may take this many times normal's time rather than drop
   to the pyramid (thin strokes at R 150-300: 3-7 s at normal and draft;
   not more at high, where a coma at R 300 took 160 s). */
#define TABLES_WORK_RESCUE 4.0
#define TABLES_WORK_SHARE 0.2

void
skc_engine_options_init (skc_engine_options *options)
{
  /* Zero: the planner's FFT cell, any map value, blended steps where the
     nearest are too many. */
  *options = (skc_engine_options){ .knots_map_max_radius = KNOTS_MAP_MAX_RADIUS,
                                   .map_tables_work_max = TABLES_WORK_MAX,
                                   .map_levels = 1,
                                   .layers_tile = 512,
                                   .layers_gather = 1,
                                   .fft_cost_factor = 1 };
}

double
skc_knots_aim (skc_quality q, int exact_at_high)
{
  return q == SKC_QUALITY_HIGH && exact_at_high
             ? 0
             : KNOTS_AIM * pow (10, -skc_quality_floor_db (q, 0) / 20);
}

long
skc_knots_cap (int size)
{
  return (long) KNOTS_CAP_PER_LINE * size;
}

/* What a filter costs the engine: MACs per pixel and channel, a separable
 * filter's weighed by SEPARABLE_COST_FACTOR. */
static double
filter_cost (const skc_filter *f)
{
  double macs = (double) skc_filter_macs (f);
  return f->kind == SKC_FILTER_LOWRANK ? SEPARABLE_COST_FACTOR * macs : macs;
}

/* The kernel SNR of a filter's effective kernel against the target
 * (-INFINITY when it cannot be rendered). */
static double
filter_snr_db (const skc_filter *f, const skc_image *target)
{
  double error = skc_filter_kernel_error (f, target);
  return isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
}

/* The uniform planner's choice so far: a filter (NULL: the FFT), its cost
 * and its kernel SNR. */
typedef struct
{
  skc_filter *filter;
  const char *name;
  double cost;
  double snr_db;
} choice;

/* Takes `f` (which it owns) as the choice when it reaches the floor for
 * less; `weighed` gathers what was tried. */
static void
consider (choice *best, skc_filter *f, const char *name,
          const skc_image *target, double floor_db, char *weighed,
          size_t weighed_len)
{
  if (!f)
    return;
  double cost = filter_cost (f), snr = filter_snr_db (f, target);
  size_t used = strlen (weighed);
  snprintf (weighed + used, weighed_len - used, ", %s %.0f (%.1f dB)", name,
            cost, snr);
  if (snr >= floor_db && cost < best->cost)
    {
      skc_filter_free (best->filter);
      *best = (choice){ f, name, cost, snr };
    }
  else
    skc_filter_free (f);
}

/* A uniform blur at full resolution: the cheapest filter whose effective
 * kernel reaches the quality's kernel SNR floor (skc_quality_floor_db),
 * measured on the kernel the engine applies.  The candidates: the exact
 * FFT (its cost grows slowly with the radius); separable ranks 1 and 2 (an
 * SVD); knots, the fewest that reach the floor (exact at high quality),
 * for any shape, soft edges included.  DISK complexes are not among them:
 * measured so, they reach 2-13 dB on flat and image shapes at draft's
 * cost (heart R 24: 12-13 dB; polygon R 75: 2-12 dB), below every floor,
 * and take seconds to fit cold.  *out stays NULL when the FFT wins;
 * *snr_db gets the winner's kernel SNR. */
static skc_result
plan_full_resolution (const skc_params *p, double radius, double fft_factor,
                      skc_filter **out, double *snr_db, char *plan,
                      size_t plan_len, skc_error *err)
{
  *out = NULL;
  skc_image target = { 0 };
  skc_result r = skc_target_make (p, radius, 0, &target, err);
  if (r != SKC_OK)
    return r;
  const double floor_db = skc_quality_floor_db (p->quality, 0);
  const int exact = p->quality == SKC_QUALITY_HIGH;
  choice best = { NULL, "FFT (exact)",
                  fft_factor * (double) skc_fft_cost_macs (radius), INFINITY };
  char weighed[256];
  snprintf (weighed, sizeof weighed, "FFT %.0f", best.cost);

  /* Knots cheaper than the FFT, or none (first: where they win, a
     separable filter need not be fitted). */
  skc_filter *knots = NULL;
  long ceiling = (long) ceil (best.cost) - 1;
  double aim = skc_knots_aim (p->quality, 1);
  if (ceiling > 1
      && skc_knots_fit_to (&target, ceiling, aim, SKC_KNOTS_AXIS_BEST, &knots,
                           NULL)
             == SKC_OK)
    {
      skc_knots_closer_if_short (&target, ceiling, aim, SKC_KNOTS_AXIS_BEST,
                                 floor_db, &knots);
      consider (&best, knots, "knots", &target, floor_db, weighed,
                sizeof weighed);
    }
  /* A separable filter costs 2n MACs per rank; its SVD takes seconds at
     large sizes, so it is fitted only where a rank
     could win, once: the best rank 1 is the best rank 2's first term
     (Eckart-Young). */
  if (SEPARABLE_COST_FACTOR * 2 * target.width < best.cost)
    {
      skc_fit_options opts;
      skc_fit_options_init (&opts);
      opts.method = SKC_METHOD_LOWRANK;
      opts.rank = 2;
      skc_filter *two = NULL, *one = NULL;
      if (skc_fit (&target, &opts, &two, NULL, NULL) == SKC_OK
          && (one = skc_filter_new_lowrank (1, skc_filter_size (two))))
        {
          size_t n = (size_t) skc_filter_size (two);
          memcpy (skc_filter_column (one, 0), skc_filter_column (two, 0),
                  n * sizeof (float));
          memcpy (skc_filter_row (one, 0), skc_filter_row (two, 0),
                  n * sizeof (float));
        }
      consider (&best, one, "separable rank 1", &target, floor_db, weighed,
                sizeof weighed);
      if (two && SEPARABLE_COST_FACTOR * 2 * 2 * target.width < best.cost)
        consider (&best, two, "separable rank 2", &target, floor_db, weighed,
                  sizeof weighed);
      else
        skc_filter_free (two);
    }

  /* Exactness is worth a little: exact knots replace whatever won when
     they cost at most EXACT_KNOTS_PREMIUM times as much (small radii). */
  knots = NULL;
  ceiling = (long) floor (EXACT_KNOTS_PREMIUM * best.cost);
  if (best.snr_db < EXACT_SNR_DB && ceiling > 1
      && skc_knots_fit_to (&target, ceiling, 0, SKC_KNOTS_AXIS_BEST, &knots,
                           NULL)
             == SKC_OK
      && knots)
    {
      skc_filter_free (best.filter);
      best = (choice){ knots, "knots (exact)", filter_cost (knots),
                       filter_snr_db (knots, &target) };
    }
  skc_image_free (&target);
  *out = best.filter;
  *snr_db = best.snr_db;
  char measured[48];
  if (best.snr_db >= EXACT_SNR_DB)
    snprintf (measured, sizeof measured, "exact");
  else
    snprintf (measured, sizeof measured, "kernel SNR %.1f dB", best.snr_db);
  snprintf (plan, plan_len,
            "%s at full resolution, cost %.0f, %s (%s quality: %s%g dB); "
            "weighed %.160s",
            best.name, best.cost, measured, skc_quality_name (p->quality),
            exact ? "exact where a representation allows, at least "
                  : "at least ",
            floor_db, weighed);
  return SKC_OK;
}

/* Knots per angle may cost this many times the FFT before swirl turns
 * the bilinear complex instead: that complex stays 6-15 dB below the
 * floors at R 75 (skc bench crisp), where a soft leaf's knots take 8x the
 * FFT, a coma's 5x. */
#define SWIRL_KNOTS_FFT_FACTOR 8
/* At high quality up to R 75 (beyond, the floor is draft's), twice that:
 * a coma's knots at R 75 take 10x the FFT (38 dB, 0.8 s to prepare; the
 * complex 15.8 dB), a soft leaf's 14x (38 dB, 1.6 s; the complex 12.4
 * dB): slow to apply (a 24 MP image about a minute), but the quality
 * asked for.  At R 150 the same budget took a drawn ampersand 12 s to
 * prepare instead of 2 for draft's floor. */
#define SWIRL_KNOTS_FFT_FACTOR_HIGH 16
/* Cat-eye's knots per code may cost this many times the FFT, as swirl's:
 * the DISK basis, its alternative, stays 5-20 dB below the floors at R 75
 * (image shapes 0-7 dB, below draft's; skc bench crisp), while a ring's
 * clipped rims take 829 MACs at R 75, normal (FFT 267), a feathered star's
 * at draft about 1100, an ampersand's at normal up to 2100 (6 MP: blur
 * about 7 s, preparation 10 s). */
#define CAT_EYE_KNOTS_FFT_FACTOR 8
/* Up to R 75, where each quality seeks its own floor, twice that: a
 * coma's cat-eye at R 75, high, then holds 37.5 dB (1.6 s to prepare)
 * instead of 32.8 on normal's floor, a soft leaf's at normal 29.0 instead
 * of 23.1 on draft's.  Shapes whose knots reach the floor within 8x get
 * the same fits. */
#define CAT_EYE_KNOTS_FFT_FACTOR_OWN_FLOOR 16
/* Cat-eye's fits at normal quality may take this many target pixels in
 * all (fits times side squared) before its floor gives way to draft's
 * beyond R 75: about 1.4e-8 s a pixel on two cores (a disc at R 150: 7298
 * fits of 301 px, 9 s), so about two seconds. */
#define CAT_EYE_PREPARE_WORK 1.5e8

/* Beyond this radius the floors of swirl and cat-eye are draft's whatever
 * the quality (issue 13's contract): the quality's own is sought first,
 * then normal's, and where knots cannot reach it, draft's, which still
 * beats the turned complex or the DISK basis (2-10 dB for image shapes at
 * R 150).  Up to it, a floor out of reach steps down to draft's,
 * LENS_FLOOR_STEP_DB at a time: a star's cat-eye at R 75, high, was the
 * DISK basis' 4 dB blob where knots fitted to 30 dB give 32. */
#define LENS_OWN_FLOOR_RADIUS 75.0

/* Floors up to R 75 step down by this much rather than to the next
 * quality's: a Gaussian's cat-eye at R 75 (the DISK basis: 21.5 dB) took
 * 20.6 dB of knots fitted to draft's 15, 25.3 fitted to 20. */
#define LENS_FLOOR_STEP_DB 5.0

/* Where swirl's knots cannot reach even draft's floor within their MACs,
 * the floors are tried again with this many times the FFT's cost before
 * the turned complex (cat-eye has as many there from the start, and
 * beyond R 75 tries the larger factor before the DISK basis): a
 * snowflake at R 75 then holds 17-26 dB instead of 2 (5-9 s to prepare:
 * slow, but the bokeh's shape).  Beyond R 75 more: a snowflake at R 150
 * takes 6067 MACs (20.5x the FFT; 18.0 dB, about 1 s to prepare), where
 * 16x fell short after 4-9 s and the complex gives 1.3-1.5 dB, a blob. */
#define LENS_MACS_RESCUE_FACTOR 16
#define LENS_MACS_RESCUE_FACTOR_LARGE 24

/* The next floor a lens plan tries when knots cannot reach *floor_db:
 * *floor_db becomes it; 0 at draft's.  *note gets what the plan says. */
static int
lens_floor_falls_back (const skc_params *p, double *floor_db, char *note,
                       size_t note_len)
{
  const double draft = skc_quality_floor_db (SKC_QUALITY_DRAFT, 1);
  const double normal = skc_quality_floor_db (SKC_QUALITY_NORMAL, 1);
  if (*floor_db <= draft)
    return 0;
  if (p->radius > LENS_OWN_FLOOR_RADIUS)
    {
      /* High steps to normal's floor first, so that it never gives less
         than normal: an ampersand's swirl at R 150 gave 18.3 dB at high,
         29.0 at normal. */
      *floor_db = *floor_db > normal ? normal : draft;
      snprintf (note, note_len,
                ", %s's floor: the quality's out of reach beyond R 75",
                *floor_db > draft ? "normal" : "draft");
      return 1;
    }
  *floor_db = fmax (*floor_db - LENS_FLOOR_STEP_DB, draft);
  snprintf (note, note_len,
            ", %g dB: the quality's floor out of reach within the MACs",
            *floor_db);
  return 1;
}

/* Swirl on a drawn shape: knots per angle at full resolution, each
 * reaching the turned floor (skc_quality_floor_db (q, 1)) against the
 * shape drawn turned, at most SWIRL_KNOTS_FFT_FACTOR x the FFT's cost
 * (SWIRL_KNOTS_FFT_FACTOR_HIGH at high quality);
 * a shape image turns exactly by its pixels' squares (kernel.c).  *ok stays
 * 0 (the complex turns instead) when some angle's knots cannot reach the
 * floor within that. */
static skc_result
plan_swirl_knots (skc_engine *e, skc_scale *s, int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  *ok = 0;
  double floor_db = skc_quality_floor_db (p->quality, 1);
  const long fft = skc_fft_cost_macs (p->radius);
  /* The floors from the quality's down, within the quality's MACs, then
     (where that falls short) again within more. */
  const int base
      = p->quality == SKC_QUALITY_HIGH && p->radius <= LENS_OWN_FLOOR_RADIUS
            ? SWIRL_KNOTS_FFT_FACTOR_HIGH
            : SWIRL_KNOTS_FFT_FACTOR;
  const int rescue = p->radius <= LENS_OWN_FLOOR_RADIUS
                         ? LENS_MACS_RESCUE_FACTOR
                         : LENS_MACS_RESCUE_FACTOR_LARGE;
  const int budgets = base < rescue ? 2 : 1;
  e->scale_count = 1;
  e->first_scale = 0;
  s = &e->scales[0];
  s->factor = 1;
  skc_result r = SKC_OK;
  char fell_back[96] = "", more[64] = "";
  int factor = base;
  long max_macs = 0;
  for (int b = 0; r == SKC_OK && !*ok && b < budgets; b++)
    {
      factor = b ? rescue : base;
      max_macs = factor * fft;
      /* Beyond R 75 the rescue seeks draft's floor alone, the
         contract's there: the quality's would only take longer to fail. */
      floor_db = b && p->radius > LENS_OWN_FLOOR_RADIUS
                     ? skc_quality_floor_db (SKC_QUALITY_DRAFT, 1)
                     : skc_quality_floor_db (p->quality, 1);
      fell_back[0] = 0;
      if (b)
        snprintf (more, sizeof more, ", %d x the FFT's MACs", factor);
      r = skc_knots_angles_prepare (e, s, floor_db, max_macs, ok, err);
      while (
          r == SKC_OK && !*ok
          && lens_floor_falls_back (p, &floor_db, fell_back, sizeof fell_back))
        r = skc_knots_angles_prepare (e, s, floor_db, max_macs, ok, err);
    }
  if (r != SKC_OK || !*ok)
    {
      /* Back to the scale the complex needs. */
      int k = scale_for_radius (p->radius);
      e->scale_count = k + 1;
      e->first_scale = k;
      e->scales[k].factor = 1 << k;
      if (r == SKC_OK)
        snprintf (e->plan, sizeof e->plan,
                  "knots per angle out of reach (%s quality: %g dB within "
                  "%ld MACs, %d x the FFT)",
                  skc_quality_name (p->quality), floor_db, max_macs, factor);
      return r;
    }
  const skc_knots_angles_scale *a = &s->angles;
  int fitted = 0;
  for (int q = 0; q < a->codes; q++)
    fitted += a->fitted[q];
  snprintf (e->plan, sizeof e->plan,
            "knots per angle (%s quality: at least %g dB against the shape "
            "turned%s%s; FFT %ld)",
            skc_quality_name (p->quality), floor_db, fell_back, more, fft);
  snprintf (
      e->description, sizeof e->description,
      "uniform swirl: knots %dx%d along rows%s per angle (%d of %d %sangle "
      "codes fitted, %.3g degrees apart; up to %ld MACs per pixel and "
      "channel%s, each input pixel spreading its own; kernel SNR about "
      "%.1f dB against the shape turned exactly as at the pixel: fits "
      "%.1f dB, half a step %.1f dB; reach %d px); planner: %.320s",
      2 * a->half + 1, 2 * a->half + 1,
      a->order == 2 ? " (ramps: straight runs)" : "", fitted, a->codes,
      a->blend ? "blended " : "", 360.0 / a->angle_count, a->macs,
      a->blend ? " and code, two codes a pixel" : "", e->kernel_snr_db,
      a->worst_snr_db, a->rounding_snr_db, e->reach, e->plan);
  return SKC_OK;
}

/* Uniform cat-eye (no blur map, no swirl) on a drawn shape: knots per
 * angle x clip amount at full resolution, steps and knots chosen so that
 * every pixel's kernel reaches the turned floor against the shape clipped
 * and turned exactly as there, each code's knots at most
 * CAT_EYE_KNOTS_FFT_FACTOR x the FFT's cost (CAT_EYE_KNOTS_FFT_FACTOR_OWN_FLOOR
 * up to R 75), the floor stepping down where out of reach
 * (lens_floor_falls_back); *ok stays 0 (the DISK basis runs instead) for
 * a caller's filter, or when even draft's is out of reach. */
static skc_result
plan_cat_eye_knots (skc_engine *e, int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  *ok = 0;
  if (p->filter || p->swirl > 0 || e->with_map || p->radius < 0.5)
    return SKC_OK;
  double floor_db = skc_quality_floor_db (p->quality, 1);
  const long fft = skc_fft_cost_macs (p->radius);
  const long max_macs
      = (p->radius <= LENS_OWN_FLOOR_RADIUS ? CAT_EYE_KNOTS_FFT_FACTOR_OWN_FLOOR
                                            : CAT_EYE_KNOTS_FFT_FACTOR)
        * fft;
  e->scale_count = 1;
  e->first_scale = 0;
  skc_scale *s = &e->scales[0];
  s->factor = 1;
  char steps[160] = "";
  /* Where draft's floor may stand in, normal quality seeks its own only
     within a preparation of about two seconds (issue 13's bound; high
     takes the time its floor needs). */
  const double max_work
      = p->quality == SKC_QUALITY_NORMAL && p->radius > LENS_OWN_FLOOR_RADIUS
            ? CAT_EYE_PREPARE_WORK
            : 0;
  /* Blended steps (twice or four times the MACs, and many more fits to
     prepare: a disc at R 150, high, 37 dB in 40-70 s) only for the
     contract's floor: beyond R 75 that is draft's. */
  const double draft = skc_quality_floor_db (SKC_QUALITY_DRAFT, 1);
  const int own_floor = p->radius <= LENS_OWN_FLOOR_RADIUS;
  skc_result r = skc_knots_cat_eye_prepare (e, s, floor_db, max_macs, max_work,
                                            own_floor || floor_db <= draft, ok,
                                            steps, sizeof steps, err);
  char fell_back[96] = "";
  /* High falling to normal's floor beyond R 75 takes normal's bound on
     the preparation too, so gives what normal gives. */
  while (r == SKC_OK && !*ok
         && lens_floor_falls_back (p, &floor_db, fell_back, sizeof fell_back))
    r = skc_knots_cat_eye_prepare (
        e, s, floor_db, max_macs,
        floor_db > draft && !own_floor ? CAT_EYE_PREPARE_WORK : 0,
        own_floor || floor_db <= draft, ok, steps, sizeof steps, err);
  /* Beyond R 75, where even draft's floor is out of reach within the
     MACs, swirl's rescue: a snowflake at R 150 was the DISK basis' 0-0.2
     dB. */
  const long rescue_macs = LENS_MACS_RESCUE_FACTOR_LARGE * fft;
  if (r == SKC_OK && !*ok && p->radius > LENS_OWN_FLOOR_RADIUS)
    {
      r = skc_knots_cat_eye_prepare (e, s, floor_db, rescue_macs, 0, 1, ok,
                                     steps, sizeof steps, err);
      if (*ok)
        snprintf (fell_back + strlen (fell_back),
                  sizeof fell_back - strlen (fell_back),
                  ", %d x the FFT's MACs", LENS_MACS_RESCUE_FACTOR_LARGE);
    }
  if (r != SKC_OK || !*ok)
    {
      s->factor = 0;
      snprintf (e->plan, sizeof e->plan, "%s", steps);
      return r;
    }
  const skc_knots_angles_scale *a = &s->angles;
  snprintf (e->plan, sizeof e->plan,
            "knots per angle and clip amount (%s quality: at least %g dB "
            "against the shape clipped and turned%s; FFT %ld)",
            skc_quality_name (p->quality), floor_db, fell_back, fft);
  snprintf (e->description, sizeof e->description,
            "uniform cat-eye %g: knots %dx%d along rows%s per angle and clip "
            "amount, %s, up to %ld MACs per pixel and channel, each input "
            "pixel spreading its own; kernel SNR %.1f dB against the shape "
            "clipped and turned as at the pixel (steps included), reach %d "
            "px; planner: %.300s",
            p->cat_eye, 2 * a->half + 1, 2 * a->half + 1,
            a->order == 2 ? " (ramps: straight runs)" : "", steps, a->macs,
            a->worst_snr_db, e->reach, e->plan);
  return SKC_OK;
}

/* The uniform blur's one scale: the planned filter (or the caller's, or
 * the identity at radius 0) prepared as its representation, or an FFT.
 * Swirl turns a complex per pixel, on the scale its radius needs (the
 * bilinear fit: offsets leave the grid); every other uniform blur runs at
 * full resolution, where the planner measures what it guarantees. */
static skc_result
plan_uniform_scale (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int turned = p->swirl > 0 && !p->filter;
  int k = turned ? scale_for_radius (p->radius) : 0;
  skc_scale *s = &e->scales[k];
  skc_result r = SKC_OK;
  skc_filter *filter = NULL;
  e->scale_count = k + 1;
  e->first_scale = k;
  s->factor = 1 << k;
  if (p->filter)
    filter = skc_filter_copy (p->filter);
  else if (p->radius < 0.5)
    {
      /* Nothing to blur: a one-sample identity. */
      int one = 1;
      filter = skc_filter_new_complex (1, &one, SKC_OFFSETS_INTEGER);
      if (filter)
        filter->layer[0][0].w = 1;
      e->kernel_snr_db = INFINITY;
    }
  else if (turned)
    {
      int ok = 0;
      r = plan_swirl_knots (e, s, &ok, err);
      if (r != SKC_OK || ok)
        return r;
      r = skc_target_fit_as (p, &e->prepare_run, p->radius / s->factor, 0,
                             SKC_OFFSETS_BILINEAR, NULL, 1, NULL, &filter, NULL,
                             err);
      /* Why knots per angle did not run, for --verbose. */
      char why[sizeof e->plan];
      snprintf (why, sizeof why, "%s", e->plan);
      snprintf (e->plan, sizeof e->plan,
                "bilinear complex (swirl turns offsets off the grid; %.300s)",
                why);
    }
  else
    {
      r = plan_full_resolution (p, p->radius, e->options.fft_cost_factor,
                                &filter, &e->kernel_snr_db, e->plan,
                                sizeof e->plan, err);
      if (r == SKC_OK && !filter)
        return skc_fft_prepare (e, s, e->plan, err);
    }
  if (r == SKC_OK && !filter)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r != SKC_OK)
    {
      skc_filter_free (filter);
      return r;
    }
  if (p->swirl > 0 && filter->kind != SKC_FILTER_COMPLEX)
    {
      skc_filter_free (filter);
      return skc_fail (err, SKC_ERR_UNSUPPORTED,
                       "swirl turns sparse complexes only");
    }
  if (filter->kind == SKC_FILTER_KNOTS)
    return skc_knots_prepare (e, s, filter, err);
  if (filter->kind == SKC_FILTER_LOWRANK)
    return skc_separable_prepare (e, s, filter, err);
  return skc_complex_prepare (e, s, filter, err);
}

/* Whether a blur map runs on knots tables instead of the DISK basis: no
 * swirl or cat-eye, and knots within skc_knots_cap reach the quality's
 * floor at the top radius (any shape: soft edges take a few knots more);
 * *axis gets the better axis there. */
static int
target_wants_knots (const skc_params *p, const skc_image *target,
                    skc_knots_axis *axis)
{
  skc_filter *f = NULL;
  if (skc_knots_fit_to (target, skc_knots_cap (target->width),
                        skc_knots_aim (p->quality, 0), SKC_KNOTS_AXIS_BEST, &f,
                        NULL)
      != SKC_OK)
    f = NULL;
  if (f)
    *axis = f->axis;
  skc_filter_free (f);
  return f != NULL;
}

static int
map_wants_knots (const skc_params *p, double top, skc_knots_axis *axis)
{
  if (p->filter || p->swirl > 0 || p->cat_eye > 0)
    return 0;
  skc_image target = { 0 };
  int wants = skc_target_make (p, top, 0, &target, NULL) == SKC_OK
              && target_wants_knots (p, &target, axis);
  skc_image_free (&target);
  return wants;
}

/* High quality's dense ladders try this far below its floor too
 * (map_one_scale). */
#define HIGH_DENSE_STEP_DB 5.0

typedef enum
{
  MAP_PLAN_PYRAMID, /* nothing on one scale: the caller's scales */
  MAP_PLAN_TABLES,  /* knots tables on one scale, fitted to the floor of
                       e->params.quality (lowered where it had to be) */
  MAP_PLAN_LEVELS   /* radius levels, prepared */
} map_plan;

/* The ladders a quality's radius levels may take: dense ones at high
   quality only, since elsewhere their apply's time (a heart stroke to
   R 300 at normal, 6 MP tilt-shift: 60 s) is not what the quality asked
   for. */
static skc_ladder_kinds
ladders_for (skc_quality quality)
{
  return quality == SKC_QUALITY_HIGH ? SKC_LADDER_ANY : SKC_LADDER_GROWING;
}

/* Radius levels at floor_db on ladders of those kinds; the plan says so.  *how
   becomes MAP_PLAN_LEVELS where they reach it. */
static skc_result
map_levels_at (skc_engine *e, double floor_db, skc_ladder_kinds kinds,
               const char *fell_back, map_plan *how, skc_error *err)
{
  if (!e->options.map_levels || !kinds)
    return SKC_OK;
  int ok = 0;
  skc_result r = skc_levels_prepare (e, floor_db, kinds, &ok, err);
  if (r == SKC_OK && ok)
    {
      *how = MAP_PLAN_LEVELS;
      snprintf (e->plan, sizeof e->plan,
                "radius levels (knots tables out of reach on one scale%s)",
                fell_back);
    }
  return r;
}

/* A blur map beyond one scale: every radius at full resolution where it
 * can be, trying at each quality's floor from the asked one's down the
 * knots tables within the quality's time, radius levels whose
 * steps grow with the radius (shapes whose kernel changes smoothly with
 * it: soft, smooth and image shapes), the tables within TABLES_WORK_RESCUE
 * times normal's time (thin strokes, whose blends between levels double
 * their lines), then at high quality dense levels, whose apply costs the
 * most (a tile's blur per level it touches: a 6 MP tilt-shift to R 214
 * took 36 s on them against 6 s on the rescued tables).  Only then the
 * pyramid, whose resampling softens a rim to 2-16 dB (a heart stroke's map
 * at R 150, high: 6.9 dB, where normal's tables hold 34.4).  The
 * qualities' own floors rather than steps between them: their tables'
 * grids and times are the qualities', and levels at a floor in between
 * took a snowflake to R 300 482 levels (64 s for a 6 MP tilt-shift) where
 * draft's tables take 6 s.  The tables' floors are the qualities' own:
 * e->params.quality is left at the one whose tables were chosen, for the
 * caller to fit them and restore.  *fell_back says which floor where not
 * the quality's. */
static skc_result
map_one_scale (skc_engine *e, map_plan *how, skc_knots_axis *axis,
               char *fell_back, size_t fell_back_len, skc_error *err)
{
  const skc_params *p = &e->params;
  const skc_quality own = p->quality;
  *how = MAP_PLAN_PYRAMID;
  skc_image top_target = { 0 };
  double top_work = INFINITY;
  if (skc_target_make (p, p->radius, 0, &top_target, NULL) == SKC_OK)
    top_work
        = skc_knots_fit_work (&top_target, skc_knots_cap (top_target.width));
  const skc_ladder_kinds dense = ladders_for (own) & SKC_LADDER_DENSE;
  skc_result r = SKC_OK;
  for (;;)
    {
      double floor_db = skc_quality_floor_db (p->quality, 0);
      if (p->quality != own)
        snprintf (fell_back, fell_back_len,
                  "; %s's floor: %s's out of reach on one scale",
                  skc_quality_name (p->quality), skc_quality_name (own));
      /* As many tables as the shape's own grid takes (a thin stroke's is
         up to 4x finer than the error model's). */
      double share = p->quality == SKC_QUALITY_HIGH    ? TABLES_WORK_HIGH
                     : p->quality == SKC_QUALITY_DRAFT ? TABLES_WORK_DRAFT
                                                       : 1;
      double work_normal
          = e->options.map_tables_work_max
            / (skc_knots_tables_count (
                   skc_knots_tables_grid (p, p->radius, NULL), p->radius)
               * TABLES_WORK_SHARE);
      /* Asked once a floor: the fit is the costly part. */
      int wants = -1;
      if (top_work <= share * work_normal
          && (wants = target_wants_knots (p, &top_target, axis)))
        {
          *how = MAP_PLAN_TABLES;
          break;
        }
      r = map_levels_at (e, floor_db, SKC_LADDER_GROWING, fell_back, how, err);
      if (r != SKC_OK || *how != MAP_PLAN_PYRAMID)
        break;
      /* Not where the time sufficed and the knots fell short. */
      if (top_work > share * work_normal
          && top_work <= TABLES_WORK_RESCUE * work_normal
          && (wants < 0 ? target_wants_knots (p, &top_target, axis) : wants))
        {
          *how = MAP_PLAN_TABLES;
          break;
        }
      r = map_levels_at (e, floor_db, dense, fell_back, how, err);
      if (r != SKC_OK || *how != MAP_PLAN_PYRAMID
          || p->quality == SKC_QUALITY_DRAFT)
        break;
      if (dense && p->quality == own)
        {
          /* High's dense ladders 5 dB lower before normal's floor: a
             coma's tilt-shift to R 300 holds 44 dB on them, 39 on
             normal's levels. */
          char lower[96];
          snprintf (lower, sizeof lower,
                    "; %g dB: high's floor out of reach on one scale",
                    floor_db - HIGH_DENSE_STEP_DB);
          r = map_levels_at (e, floor_db - HIGH_DENSE_STEP_DB, dense, lower,
                             how, err);
          if (r != SKC_OK || *how != MAP_PLAN_PYRAMID)
            break;
        }
      e->params.quality = (skc_quality) (p->quality - 1);
    }
  skc_image_free (&top_target);
  if (*how != MAP_PLAN_TABLES)
    {
      e->params.quality = own;
      fell_back[0] = 0;
    }
  return r;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x > y) - (x < y);
}

/* A blur map of few values (skc_engine_new_for_map, e.g. the 256 of an
 * 8-bit map): one knots table at each value's radius, on one scale, where
 * they are no more than the radius grid's tables and the shape's knots
 * reach the floor at the largest.  A pixel whose value is one of them then
 * gets the kernel of its own radius (no radius rounded, no pyramid); one
 * whose value is not (a coloured map's luminance, a zoomed-out preview's
 * averages) gets the nearest radius'.  *ok stays 0 otherwise. */
static skc_result
plan_value_tables (skc_engine *e, int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  const int n = e->options.map_value_count;
  *ok = 0;
  if (!e->with_map || !e->options.map_values || n <= 0 || p->filter
      || p->swirl > 0 || p->cat_eye > 0 || p->depth != SKC_DEPTH_NONE)
    return SKC_OK;
  double *radii = malloc ((size_t) n * sizeof *radii);
  if (!radii)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; i < n; i++)
    radii[i] = skc_engine_map_radius (e, e->options.map_values[i]);
  qsort (radii, (size_t) n, sizeof *radii, compare_doubles);
  int count = 1;
  for (int i = 1; i < n; i++)
    if (radii[i] != radii[count - 1])
      radii[count++] = radii[i];
  const double top = radii[count - 1];
  /* The largest radius' table must reach the floor's aim within the cap
     (the others are smaller; each aims closer where it can), or within
     SKC_VALUE_TABLES_WIDE_CAP times it. */
  skc_knots_axis axis = SKC_KNOTS_ROWS;
  skc_image target = { 0 };
  skc_filter *largest = NULL;
  int cap_factor = 1;
  int wants = top >= 0.5
              && count <= skc_knots_tables_count (
                     skc_knots_tables_grid (p, top, NULL), top)
              && skc_target_make (p, top, 0, &target, NULL) == SKC_OK;
  for (int f = 1; wants && !largest && f <= SKC_VALUE_TABLES_WIDE_CAP;
       f *= SKC_VALUE_TABLES_WIDE_CAP)
    {
      cap_factor = f;
      if (skc_knots_fit_to (&target, f * skc_knots_cap (target.width),
                            skc_knots_aim (p->quality, 0), SKC_KNOTS_AXIS_BEST,
                            &largest, NULL)
          != SKC_OK)
        largest = NULL;
    }
  wants = wants && largest;
  if (largest)
    axis = largest->axis;
  skc_filter_free (largest);
  skc_image_free (&target);
  skc_result r = SKC_OK;
  if (wants)
    {
      e->scale_count = 1;
      e->first_scale = 0;
      skc_scale *s = &e->scales[0];
      s->factor = 1;
      r = skc_knots_value_tables_prepare (e, s, radii, count, axis, cap_factor,
                                          err);
      /* A radius between whose knots fell short of the floor: the grid's
         plans instead (their levels, or the next quality's floor). */
      if (r == SKC_OK
          && skc_knots_tables_snr_db (&s->knots)
                 < skc_quality_floor_db (p->quality, 0))
        {
          skc_scale_ops_of (s)->free (s);
          memset (s, 0, sizeof *s);
        }
      else if (r == SKC_OK)
        {
          *ok = 1;
          e->reach = skc_scale_full_reach (s);
          e->kernel_snr_db = skc_knots_tables_snr_db (&s->knots);
          long macs = 0;
          for (int q = 0; q < count; q++)
            macs = s->knots.table[q].count + 1 > macs
                       ? s->knots.table[q].count + 1
                       : macs;
          snprintf (e->plan, sizeof e->plan,
                    "knots at each of the map's %d radii", count);
          snprintf (e->description, sizeof e->description,
                    "blur map: 1 scale, a knots table at each radius the "
                    "map's %d values give (%d tables along %s, radii "
                    "%.3g..%g), each pixel its own; up to %ld MACs per pixel "
                    "and channel (reach %d px); kernel SNR about %.1f dB "
                    "(floor %g dB); planner: %s, %s quality",
                    n, count, axis == SKC_KNOTS_ROWS ? "rows" : "columns",
                    radii[0], top, macs, e->reach, e->kernel_snr_db,
                    skc_quality_floor_db (p->quality, 0), e->plan,
                    skc_quality_name (p->quality));
        }
    }
  free (radii);
  return r;
}

/* A blur map's (or cat-eye's) scales, from full resolution up to the
 * radius: knots tables where the shape's knots reach the floor and the
 * radius allows (map_wants_knots), the DISK basis elsewhere. */
static skc_result
plan_varying_scales (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int values_ok = 0;
  skc_result values_r = plan_value_tables (e, &values_ok, err);
  if (values_r != SKC_OK || values_ok)
    return values_r;
  int top_scale = p->filter ? 0 : scale_for_radius (p->radius);
  e->scale_count = top_scale + 1;
  e->first_scale = 0;
  skc_knots_axis axis = SKC_KNOTS_ROWS;
  double knots_max = e->options.knots_map_max_radius;
  /* Above the limit, the full-resolution scale still runs tables when the
     shape's knots reach the floor: there the basis costs the most per pixel (a
     bilinear complex below SKC_ENGINE_WHOLE_PIXEL_RADIUS) and tables the least.
   */
  int knots_first = e->with_map && knots_max >= 0 && top_scale > 0
                    && p->radius > knots_max
                    && map_wants_knots (p, SKC_ENGINE_SCALE_RADIUS, &axis);
  /* Every radius at full resolution when the tables up to it reach the
     floor there and can be fitted in time: a pyramid's resampling softens
     a rim to 14-18 dB at R 75-150 whatever the tables (its kernel SNR grows
     only as 10 log10 of the radius on its scale), below every floor.  In
     time: the top table's fit takes at most its share of the limit,
     counted before fitting. */
  /* Beyond one scale, every radius at full resolution where the tables or
     radius levels reach a floor, the quality's first (map_one_scale). */
  int one_scale = 0, stepped = 0;
  const skc_quality own = p->quality;
  char fell_back[96] = "";
  if (e->with_map && top_scale > 0 && p->radius <= knots_max && !p->filter
      && !(p->swirl > 0) && !(p->cat_eye > 0))
    {
      stepped = 1;
      map_plan how = MAP_PLAN_PYRAMID;
      skc_result r
          = map_one_scale (e, &how, &axis, fell_back, sizeof fell_back, err);
      if (r != SKC_OK || how == MAP_PLAN_LEVELS)
        return r;
      one_scale = how == MAP_PLAN_TABLES;
    }
  if (one_scale)
    {
      top_scale = 0;
      e->scale_count = 1;
    }
  int all_tables
      = e->with_map && p->radius <= knots_max
        && (one_scale
            || map_wants_knots (p, fmin (p->radius, SKC_ENGINE_SCALE_RADIUS),
                                &axis));
  /* Radius levels where the tables fall short on one scale, unless
     map_one_scale tried them. */
  if (e->with_map && e->options.map_levels && !stepped
      && !(all_tables && top_scale == 0))
    {
      int ok = 0;
      skc_result r
          = skc_levels_prepare (e, skc_quality_floor_db (p->quality, 0),
                                ladders_for (p->quality), &ok, err);
      if (r != SKC_OK || ok)
        {
          snprintf (e->plan, sizeof e->plan,
                    "radius levels (knots tables out of reach on one scale)");
          return r;
        }
    }
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
        {
          e->params.quality = own;
          return r;
        }
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
  /* The tables were fitted to the floor map_one_scale settled on. */
  const double tables_floor = skc_quality_floor_db (p->quality, 0);
  e->params.quality = own;
  if (all_tables)
    {
      /* On one scale the figure holds at every pixel; coarser scales blur
         rims on the way up, unmeasured here. */
      char measured[192] = "coarser scales: kernel SNR not guaranteed";
      if (e->scale_count == 1)
        {
          e->kernel_snr_db = skc_knots_tables_snr_db (&e->scales[0].knots);
          snprintf (measured, sizeof measured,
                    "kernel SNR about %.1f dB (worst table %.1f dB; floor "
                    "%g dB%s)",
                    e->kernel_snr_db, e->scales[0].knots.snr_db, tables_floor,
                    fell_back);
        }
      snprintf (e->description, sizeof e->description,
                "blur map: %d scale%s, knots tables every %.3g px of radius "
                "at radius 8 (steps grow as its square root; %d tables "
                "along %s, radii 0..%g), each pixel its nearest; up to %ld "
                "MACs per pixel and channel (reach %d px); %s; planner: knots "
                "(reaching the floor within the cap, largest radius %g <= "
                "%g), %s quality",
                e->scale_count, e->scale_count > 1 ? "s" : "",
                e->scales[0].knots.grid * sqrt (8.0), tables,
                axis == SKC_KNOTS_ROWS ? "rows" : "columns", p->radius, macs,
                e->reach, measured, p->radius, knots_max,
                skc_quality_name (p->quality));
      return SKC_OK;
    }
  const skc_complex_scale *top = &e->scales[top_scale].complexes;
  const skc_filter *shape = top->members[top->member_count - 1];
  char full_resolution[160] = "";
  if (knots_first)
    snprintf (full_resolution, sizeof full_resolution,
              "; full resolution on knots tables every %.3g px at radius 8 "
              "(%d tables along %s, radii 0..%g)",
              e->scales[0].knots.grid * sqrt (8.0), e->scales[0].knots.levels,
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
  /* Cat-eye varies the kernel over the frame: knots per angle and clip
     amount where they reach the floor, else the basis even for a uniform
     radius. */
  if (p->cat_eye > 0)
    {
      int ok = 0;
      skc_result r = plan_cat_eye_knots (e, &ok, err);
      if (r != SKC_OK || ok)
        return r;
    }
  if ((e->with_map || p->cat_eye > 0) && p->radius >= 0.5)
    return plan_varying_scales (e, err);
  skc_result r = plan_uniform_scale (e, err);
  if (r == SKC_OK)
    e->with_map = 0; /* every radius is 0: nothing varies */
  return r;
}
