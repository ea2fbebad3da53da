/* skc — preparing the apply engine: targets for each radius, fits through
 * the cache, the radius basis for blur maps.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "internal.h"
#include "skc/knots.h"
#include "skc/metrics.h"

/* Bumped whenever the fitter changes what it produces, so that stale disk
 * cache entries are not reused. */
#define FITTER_VERSION "disk-1"
/* Basis members sit at radii R, R q, R q^2, ... down to about 1 px. */
#define BASIS_RATIO 0.7
#define BASIS_STEPS 600

static const char *const quality_names[] = { "draft", "normal", "high" };

void
skc_params_init (skc_params *p)
{
  memset (p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  skc_shape_init (&p->shape);
  p->radius = 20;
  p->quality = SKC_QUALITY_NORMAL;
  p->focus = 0;
  p->map_gamma = 1;
  p->highlight_threshold = 1;
  p->highlight_gain = 1;
  p->clip = 1;
  p->seed = 1;
}

static int
samples_per_layer (skc_quality q)
{
  return q == SKC_QUALITY_DRAFT ? 12 : q == SKC_QUALITY_HIGH ? 48 : 24;
}

/* A stable name for the target: the canonical shape spec, or a hash of
 * the weight image's pixels. */
static void
target_identity (const skc_params *p, char *buf, size_t len)
{
  if (!p->shape_image)
    {
      skc_shape_format (&p->shape, buf, len);
      return;
    }
  const skc_image *img = p->shape_image;
  uint64_t         h = 0xcbf29ce484222325ull;
  for (int y = 0; y < img->height; y++)
    {
      const unsigned char *row = (const unsigned char *) skc_image_pixel (img,
                                                                          0, y);
      for (size_t i = 0; i < (size_t) img->width * sizeof (float); i++)
        h = (h ^ row[i]) * 0x100000001b3ull;
    }
  snprintf (buf, len, "image:%016llx:%dx%d", (unsigned long long) h,
            img->width, img->height);
}

/* The kernel at `radius`, clipped (cat-eye) as a round aperture is by a
 * second one of its size moved by amount x radius x SKC_ENGINE_CLIP_OFFSET:
 * the mask is the lens between two such discs, placed symmetrically about
 * the centre so that the clipped kernel stays centred (blurred content
 * does not drift toward the image centre), then normalised. */
static skc_result
make_target (const skc_params *p, double radius, double amount, skc_image *t,
             skc_error *err)
{
  int        size = 2 * (int) ceil (radius) + 1;
  skc_result r = p->shape_image
                   ? skc_kernel_from_values (p->shape_image->data,
                                             p->shape_image->width,
                                             p->shape_image->height,
                                             p->shape_image->stride, size, t,
                                             err)
                   : skc_shape_render (&p->shape, radius, size, t, err);
  if (r != SKC_OK || amount <= 0)
    return r;
  const int    sub = 8;
  const double shift = amount * radius * SKC_ENGINE_CLIP_OFFSET / 2;
  const double limit = radius * radius;
  const int    half = size / 2;
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        int inside = 0;
        for (int v = 0; v < sub; v++)
          for (int u = 0; u < sub; u++)
            {
              double px = x - half - 0.5 + (u + 0.5) / sub;
              double py = y - half - 0.5 + (v + 0.5) / sub;
              inside += px * px + (py - shift) * (py - shift) <= limit
                        && px * px + (py + shift) * (py + shift) <= limit;
            }
        *skc_image_pixel (t, x, y) *= (float) inside / (sub * sub);
      }
  r = skc_kernel_normalise (t, err);
  if (r != SKC_OK)
    skc_image_free (t);
  return r;
}

/* The fitted complex for one radius (at most the fit cap), through the
 * cache.  With `initial` the fit continues from that complex scaled to this
 * radius (basis members); `chain` then names where it came from. */
static skc_result fit_radius_as (const skc_params *p, double radius,
                                 double amount, skc_offset_kind offsets,
                                 const skc_filter *initial,
                                 double initial_scale, const char *chain,
                                 skc_filter **out, double *loss,
                                 skc_error *err);

static skc_result
fit_radius (const skc_params *p, double radius, const skc_filter *initial,
            double initial_scale, const char *chain, skc_filter **out,
            skc_error *err)
{
  return fit_radius_as (p, radius, 0, SKC_OFFSETS_BILINEAR, initial,
                        initial_scale, chain, out, NULL, err);
}

/* As fit_radius, with a choice of offsets; *loss (if not NULL) receives the
 * fit's loss against its target, which the planner compares. */
static skc_result
fit_radius_as (const skc_params *p, double radius, double amount,
               skc_offset_kind offsets,
               const skc_filter *initial, double initial_scale,
               const char *chain, skc_filter **out, double *loss,
               skc_error *err)
{
  char identity[SKC_PATH_MAX + 64];
  target_identity (p, identity, sizeof identity);
  char key[SKC_PATH_MAX + 256];
  char clip[48] = "";
  if (amount > 0)
    snprintf (clip, sizeof clip, "|cat-eye=%.9g", amount);
  snprintf (key, sizeof key, "%s|%s|r=%.9g|%s|seed=%llu|%s%s%s",
            FITTER_VERSION, identity, radius, quality_names[p->quality],
            (unsigned long long) p->seed, chain ? chain : "direct",
            offsets == SKC_OFFSETS_INTEGER ? "|integer" : "", clip);

  skc_image  target = { 0 };
  skc_result r = make_target (p, radius, amount, &target, err);
  if (r != SKC_OK)
    return r;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.samples = samples_per_layer (p->quality);
  opts.offsets = offsets;
  opts.seed = p->seed;
  opts.threads = p->threads;
  opts.cancel = p->cancel;
  if (initial)
    {
      opts.initial = initial;
      opts.initial_scale = initial_scale;
      opts.steps = BASIS_STEPS;
    }
  skc_cache *cache = p->cache ? p->cache : skc_cache_default ();
  r = cache ? skc_cache_fit (cache, key, &target, &opts, out, NULL, err)
            : skc_fit (&target, &opts, out, NULL, err);
  if (r == SKC_OK)
    {
      skc_filter_info info = { 0 };
      snprintf (info.spec, sizeof info.spec, "%s", identity);
      info.radius = radius;
      info.target_size = target.width;
      skc_filter_set_info (*out, &info);
      if (loss)
        *loss = skc_fit_loss (*out, &target);
    }
  skc_image_free (&target);
  return r;
}

/* The identity complex shaped like f: zero offsets, weights 1/N. */
static skc_filter *
identity_like (const skc_filter *f)
{
  skc_filter *c = skc_filter_new_complex (f->layer_count, f->layer_size,
                                          SKC_OFFSETS_BILINEAR);
  if (!c)
    return NULL;
  for (int l = 0; l < c->layer_count; l++)
    for (int i = 0; i < c->layer_size[l]; i++)
      c->layer[l][i] = (skc_sample) { 0, 0, 1.0f / c->layer_size[l] };
  return c;
}

/* How far a layer reads; turned by any angle (swirl) when `any_angle`. */
static int
layer_reach (const skc_filter *f, int l, int any_angle)
{
  int reach = 0;
  for (int i = 0; i < f->layer_size[l]; i++)
    {
      double dx = fabs (f->layer[l][i].dx), dy = fabs (f->layer[l][i].dy);
      int    r = (int) ceil (any_angle ? hypot (dx, dy) : fmax (dx, dy));
      reach = r > reach ? r : reach;
    }
  return reach;
}

/* Full-resolution pixels a scale reads beyond its output: its own reach in
 * blocks, plus the blocks bilinear upsampling and block alignment touch. */
static int
scale_full_reach (const skc_scale *s)
{
  return s->factor == 1 ? s->reach : (s->reach + 2) * s->factor;
}

/* The scale a uniform blur of radius r needs: the smallest k with
 * r <= SCALE_RADIUS * 2^k. */
static int
scale_for_radius (double r)
{
  int k = 0;
  while (k + 1 < SKC_ENGINE_MAX_SCALES && r > SKC_ENGINE_SCALE_RADIUS * (1 << k))
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
static const double knots_normal_steps[] = { 3.0, 3.5, 4.0, 4.5,
                                             KNOTS_NORMAL_PER_LINE };
/* A separable filter this close to the target (kernel error, 60 dB) keeps
 * the separable path when it is cheaper: small Gaussians are flat enough
 * by the count above, but rank 1 is exact for them. */
#define SEPARABLE_EXACT_ERROR 1e-3
/* A separable filter's multiply-add runs ~2.5x slower than a complex's in
 * this engine (skc bench apply, 24 MP: rank 2 at 84 MACs took 0.37 s, a
 * whole-pixel complex at 96 MACs 0.17 s): the planner compares costs with
 * that factor. */
#define SEPARABLE_COST_FACTOR 2.5
/* An exact FFT over cells (prepare_fft) takes as long as a sparse filter
 * of about this many MACs per pixel and channel (24 MP RGBA, 2 threads,
 * side by side: coma R 24 by FFT 0.26 s, disc R 24 knots at 172 MACs
 * 0.28 s); full resolution only. */
#define FFT_COST_MACS 180

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
  skc_result r = make_target (p, radius, 0, &target, err);
  if (r != SKC_OK)
    return r;
  int size = target.width;
  long exact = skc_knots_exact_count (&target, SKC_KNOTS_ROWS);
  long columns = skc_knots_exact_count (&target, SKC_KNOTS_COLUMNS);
  exact = columns >= 0 && columns < exact ? columns : exact;
  if (exact < 0 || exact > (long) KNOTS_FLAT_PER_LINE * size)
    {
      skc_image_free (&target);
      return SKC_OK;
    }
  long budget = p->quality == SKC_QUALITY_HIGH
                    ? 0
                    : (long) lround ((p->quality == SKC_QUALITY_DRAFT
                                          ? KNOTS_DRAFT_PER_LINE
                                          : KNOTS_NORMAL_PER_LINE)
                                     * size);
  skc_filter *knots = NULL;
  skc_image   effective = { 0 };
  double      error = 1;
  size_t      steps = p->quality == SKC_QUALITY_NORMAL
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
  skc_filter *separable = r == SKC_OK && knots
                              ? exact_separable_below (&target,
                                                       filter_cost (knots))
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
  target_identity (p, info.spec, sizeof info.spec);
  info.radius = radius;
  info.target_size = size;
  skc_filter_set_info (knots, &info);
  snprintf (plan, plan_len,
            "knots (flat kernel: %ld exact knots, at most %d per line); %s "
            "quality: %s, kernel SNR %.1f dB",
            exact, KNOTS_FLAT_PER_LINE, quality_names[p->quality],
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
plan_uniform (const skc_params *p, double radius, long fft_cost,
              skc_filter **out, char *plan, size_t plan_len, skc_error *err)
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
  long complex_floor = 4L * samples_per_layer (p->quality);
  if (fft_cost > 0 && fft_cost < complex_floor)
    {
      skc_image target = { 0 };
      skc_result r = make_target (p, radius, 0, &target, err);
      if (r != SKC_OK)
        return r;
      *out = exact_separable_below (&target, (double) fft_cost);
      skc_image_free (&target);
      snprintf (plan, plan_len,
                *out ? "separable rank 1 (exact, cheaper than an FFT)"
                     : "no sparse filter at %s quality costs less than an "
                       "FFT (complexes: %ld MACs and more)",
                quality_names[p->quality], complex_floor);
      return SKC_OK;
    }
  double     bilinear_loss = 0;
  skc_result r = fit_radius_as (p, radius, 0, SKC_OFFSETS_BILINEAR, NULL, 1,
                                NULL, out, &bilinear_loss, err);
  if (r != SKC_OK || p->swirl > 0)
    {
      snprintf (plan, plan_len, "bilinear complex%s",
                p->swirl > 0 ? " (swirl turns offsets off the grid)" : "");
      return r;
    }
  const char *best_name = "bilinear complex";
  double      best_loss = bilinear_loss;
  long        best_cost = skc_filter_macs (*out);

  skc_filter *candidate = NULL;
  double      loss = 0;
  r = fit_radius_as (p, radius, 0, SKC_OFFSETS_INTEGER, NULL, 1, NULL,
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
  if (make_target (p, radius, 0, &target, NULL) == SKC_OK)
    for (int rank = 1; rank <= 2; rank++)
      {
        skc_fit_options opts;
        skc_fit_options_init (&opts);
        opts.method = SKC_METHOD_LOWRANK;
        opts.rank = rank;
        candidate = NULL;
        if (skc_fit (&target, &opts, &candidate, NULL, NULL) != SKC_OK)
          continue;
        loss = skc_fit_loss (candidate, &target);
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

/* A knots filter: its knots become taps on the prefix-sum image; the
 * tile code reads a block further back, where its prefix sums start. */
static skc_result
prepare_knots (skc_engine *e, skc_scale *s, skc_error *err)
{
  const skc_filter *f = s->filter;
  skc_image kernel = { 0 };
  if (!skc_knot_taps_build (f, &s->taps[0])
      || skc_filter_render (f, &kernel) != SKC_OK)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  s->knots_clamp = 1;
  for (int y = 0; y < kernel.height; y++)
    for (int x = 0; x < kernel.width; x++)
      s->knots_clamp &= *skc_image_pixel (&kernel, x, y) >= 0;
  skc_image_free (&kernel);
  double total = 0;
  for (int t = 0; t < s->taps[0].count; t++)
    total += fabs (s->taps[0].c[t]);
  s->knot_abs = (float) total;
  s->knots = 1;
  s->knot_axis = f->axis;
  s->knot_half = f->size / 2;
  s->reach = f->size / 2;
  e->kernel_reach = scale_full_reach (s);
  s->reach = f->size / 2 + SKC_ENGINE_KNOTS_BLOCK - 1;
  e->reach = scale_full_reach (s);
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

/* Cells are at least this large (pixels), grown to fill a transform size
 * FFTW is fast at: larger cells waste less on the kernel's padding. */
#define FFT_CELL 448

/* An exact uniform blur by FFT over image-aligned cells (see skc_scale);
 * `why` says what the planner weighed. */
static skc_result
prepare_fft (skc_engine *e, skc_scale *s, const char *why, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_image target = { 0 };
  skc_result r = make_target (p, p->radius, 0, &target, err);
  if (r != SKC_OK)
    return r;
  const int half = target.width / 2;
  int n = skc_fft_good_size (FFT_CELL + 2 * half);
  while (n % 2)
    n = skc_fft_good_size (n + 1);
  const size_t stride = 2 * (size_t) (n / 2 + 1);
  float *k = fftwf_malloc ((size_t) n * stride * sizeof *k);
  if (!k)
    {
      skc_image_free (&target);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  memset (k, 0, (size_t) n * stride * sizeof *k);
  /* Centred on the origin; the inverse transform is not normalised. */
  const float scale = 1.0f / ((float) n * (float) n);
  for (int y = 0; y < target.height; y++)
    for (int x = 0; x < target.width; x++)
      k[(size_t) ((y - half + n) % n) * stride + (size_t) ((x - half + n) % n)]
          = *skc_image_pixel (&target, x, y) * scale;
  skc_image_free (&target);
  s->fft_forward = skc_fftf_plan_r2c_inplace (n, n, k);
  s->fft_inverse = skc_fftf_plan_c2r_inplace (n, n, k);
  if (!s->fft_forward || !s->fft_inverse)
    {
      fftwf_free (k);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "FFTW could not plan");
    }
  fftwf_execute_dft_r2c (s->fft_forward, k, (fftwf_complex *) k);
  s->fft_spectrum = (fftwf_complex *) k;
  s->fft = 1;
  s->fft_half = half;
  s->fft_n0 = s->fft_n1 = n;
  s->fft_cell = n - 2 * half;
  /* A region's tiles are whole cells: the input must reach a cell's far
     side from any output pixel in it. */
  s->reach = s->fft_cell - 1 + half;
  e->reach = s->reach;
  e->kernel_reach = half;
  snprintf (e->description, sizeof e->description,
            "uniform: FFT, exact, %dx%d kernel on %dx%d cells (%dx%d "
            "transforms, about %d MACs of a sparse filter per pixel and "
            "channel, reach %d px); planner: %s",
            2 * half + 1, 2 * half + 1, s->fft_cell, s->fft_cell, n, n,
            FFT_COST_MACS, e->reach, why);
  return SKC_OK;
}

static skc_result
prepare_uniform (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int               k = p->filter ? 0 : scale_for_radius (p->radius);
  skc_scale        *s = &e->scales[k];
  skc_result        r = SKC_OK;
  e->scale_count = k + 1;
  e->first_scale = k;
  s->factor = 1 << k;
  /* An exact FFT competes at full resolution, for one kernel (swirl and
     cat-eye vary it). */
  long fft_cost = s->factor == 1 && !p->filter && p->swirl <= 0
                          && p->cat_eye <= 0
                      ? FFT_COST_MACS
                      : 0;
  if (p->filter)
    s->filter = skc_filter_copy (p->filter);
  else if (p->radius < 0.5)
    {
      /* Nothing to blur: a one-sample identity. */
      int one = 1;
      s->filter = skc_filter_new_complex (1, &one, SKC_OFFSETS_INTEGER);
      if (s->filter)
        s->filter->layer[0][0].w = 1;
    }
  else
    r = plan_uniform (p, p->radius / s->factor, fft_cost, &s->filter,
                      e->plan, sizeof e->plan, err);
  if (r != SKC_OK)
    return r;
  if (!s->filter && fft_cost > 0)
    return prepare_fft (e, s, e->plan, err);
  if (!s->filter)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  if (s->filter->kind == SKC_FILTER_LOWRANK && p->swirl > 0)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "swirl turns sparse complexes; this filter is separable");
  if (s->filter->kind == SKC_FILTER_KNOTS && p->swirl > 0)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "swirl turns sparse complexes; this filter is made of "
                     "knots");
  if (fft_cost > 0 && filter_cost (s->filter) > fft_cost)
    {
      char why[sizeof e->plan + 64];
      snprintf (why, sizeof why, "FFT (exact) costs less than the best "
                "sparse filter, %ld MACs: %s", skc_filter_macs (s->filter),
                e->plan);
      return prepare_fft (e, s, why, err);
    }
  if (s->filter->kind == SKC_FILTER_KNOTS)
    return prepare_knots (e, s, err);
  if (s->filter->kind == SKC_FILTER_LOWRANK)
    {
      s->reach = s->filter->size / 2;
      e->reach = scale_full_reach (s);
      snprintf (e->description, sizeof e->description,
                "uniform: separable rank %d, %dx%d%s (%d taps, %ld MACs per "
                "pixel and channel, reach %d px)%s%s",
                s->filter->rank, s->filter->size, s->filter->size,
                s->factor > 1 ? " on blocks" : "", skc_filter_taps (s->filter),
                skc_filter_macs (s->filter), e->reach,
                e->plan[0] ? "; planner: " : "", e->plan);
      return SKC_OK;
    }
  s->layers = s->filter->layer_count;
  s->varying = p->swirl > 0;
  for (int l = 0; l < s->layers; l++)
    {
      if (!skc_layer_taps_build (s->filter, l, &s->taps[l]))
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      s->layer_reach[l] = s->varying ? layer_reach (s->filter, l, 1)
                                     : s->taps[l].reach;
      s->reach += s->layer_reach[l];
    }
  e->reach = scale_full_reach (s);
  char scale_note[96] = "";
  if (s->factor > 1)
    snprintf (scale_note, sizeof scale_note,
              " on %dx%d blocks (radius %g there)", s->factor, s->factor,
              p->radius / s->factor);
  snprintf (e->description, sizeof e->description,
            "uniform: complex %dx%d %s%s (%d taps, %ld MACs per pixel and "
            "channel%s, reach %d px)%s%s",
            s->layers, s->filter->layer_size[0],
            s->filter->offsets == SKC_OFFSETS_INTEGER ? "whole-pixel"
                                                      : "bilinear",
            scale_note, skc_filter_taps (s->filter),
            skc_filter_macs (s->filter),
            s->factor > 1 ? " at that scale" : "", e->reach,
            e->plan[0] ? "; planner: " : "", e->plan);
  return SKC_OK;
}

/* One scale's basis: members from `bottom` (0: the identity) to `top`
 * radius, in the scale's pixels, fitted from the top down so that sample i
 * stays sample i. */
static skc_result
prepare_scale_basis (skc_engine *e, skc_scale *s, double top, double bottom,
                     skc_error *err)
{
  const skc_params *p = &e->params;
  double            radii[64];
  int               n = 0;
  radii[n++] = top;
  /* Scale 0 goes down to about 1 px (then the identity); a coarser scale
     needs a member at or below the radius where it takes over. */
  while (!p->filter && n < 62
         && (bottom > 0 ? radii[n - 1] > bottom
                        : radii[n - 1] * BASIS_RATIO >= 1))
    {
      radii[n] = radii[n - 1] * BASIS_RATIO;
      n++;
    }
  int with_identity = bottom <= 0;
  s->varying = 1;
  s->member_count = n + with_identity;
  s->members = calloc (s->member_count, sizeof *s->members);
  s->member_radius = calloc (s->member_count, sizeof *s->member_radius);
  if (!s->members || !s->member_radius)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  skc_result r = SKC_OK;
  int        index = s->member_count - 1;
  if (p->filter)
    {
      /* A given filter stands for the full radius as it is. */
      s->members[index] = skc_filter_copy (p->filter);
      s->member_radius[index] = top;
    }
  else
    {
      char chain[96];
      snprintf (chain, sizeof chain, "basis-from=%.9g", top);
      r = fit_radius (p, top, NULL, 1, NULL, &s->members[index], err);
      s->member_radius[index] = top;
      for (int k = 1; k < n && r == SKC_OK; k++)
        {
          index--;
          r = fit_radius (p, radii[k], s->members[index + 1],
                          radii[k] / radii[k - 1], chain, &s->members[index],
                          err);
          s->member_radius[index] = radii[k];
        }
    }
  if (r != SKC_OK)
    return r;
  const skc_filter *shape = s->members[s->member_count - 1];
  if (!shape || shape->kind != SKC_FILTER_COMPLEX)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "a blur map needs a sparse complex, not a separable "
                     "or knots filter");
  if (with_identity)
    {
      s->members[0] = identity_like (shape);
      s->member_radius[0] = 0;
    }
  for (int m = 0; m < s->member_count; m++)
    if (!s->members[m])
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  /* Cat-eye: every member again at growing clip amounts, each fitted from
     the one clipped a step less, so that samples keep corresponding. */
  s->amount_count = p->cat_eye > 0 && !p->filter ? SKC_ENGINE_AMOUNTS : 1;
  if (s->amount_count > 1)
    {
      s->clipped = calloc ((size_t) (s->amount_count - 1) * s->member_count,
                           sizeof *s->clipped);
      if (!s->clipped)
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      for (int a = 1; a < s->amount_count && r == SKC_OK; a++)
        for (int m = 0; m < s->member_count && r == SKC_OK; m++)
          {
            skc_filter **slot = &s->clipped[(size_t) (a - 1) * s->member_count
                                            + m];
            const skc_filter *from = skc_scale_member (s, a - 1, m);
            if (s->member_radius[m] <= 0)
              *slot = identity_like (shape);
            else
              {
                char link[96];
                snprintf (link, sizeof link, "basis-from=%.9g|clip-step=%d",
                          top, a);
                r = fit_radius_as (p, s->member_radius[m],
                                   (double) a / (SKC_ENGINE_AMOUNTS - 1),
                                   SKC_OFFSETS_BILINEAR, from, 1, link, slot,
                                   NULL, err);
              }
            if (r == SKC_OK && !*slot)
              r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          }
      if (r != SKC_OK)
        return r;
    }

  s->layers = shape->layer_count;
  int any_angle = p->swirl > 0 || p->cat_eye > 0;
  for (int l = 0; l < s->layers; l++)
    {
      for (int a = 0; a < s->amount_count; a++)
        for (int m = 0; m < s->member_count; m++)
          {
            int rm = layer_reach (skc_scale_member (s, a, m), l, any_angle);
            s->layer_reach[l] = rm > s->layer_reach[l] ? rm
                                                       : s->layer_reach[l];
          }
      s->reach += s->layer_reach[l];
    }
  return SKC_OK;
}

/* Blur maps with knots: tables every KNOTS_MAP_STEP px of radius (in the
 * scale's pixels); a pixel uses the nearest, so its kernel is at most
 * 1/16 px too small or too large. */
#define KNOTS_MAP_STEP 0.125
/* Blur maps of flat shapes up to this radius run on knots tables on
 * every scale; larger ones on tables at full resolution and the DISK
 * basis above (prepare_basis).  Measured (skc bench maps: 24 MP RGBA, 2
 * threads, disc and heart, tilt-shift and a synthetic depth map): tables
 * everywhere take 0.4-1.0x the basis' time and are 7-27 dB closer to
 * brute-force truth up to 50, but preparing them grows with the radius
 * (0.4-0.7 s at 100-150 against 0.02 s for cached basis fits). */
#define KNOTS_MAP_MAX_RADIUS 64.0
double skc_engine_knots_map_max_radius = KNOTS_MAP_MAX_RADIUS;

/* The rule's radius; SKC_KNOTS_MAP_MAX_RADIUS in the environment overrides
 * it, so that `skc bench maps` can measure both representations side by
 * side (-1: always the basis). */
static double
knots_map_max_radius (void)
{
  const char *text = getenv ("SKC_KNOTS_MAP_MAX_RADIUS");
  char *end = NULL;
  double v = text && *text ? strtod (text, &end) : NAN;
  return end && *end == '\0' && isfinite (v) ? v
                                             : skc_engine_knots_map_max_radius;
}

/* The knots budget (MACs) for a target of side `size` at the quality; 0
 * (exact) when high. */
static long
knots_budget (skc_quality q, int size)
{
  if (q == SKC_QUALITY_HIGH)
    return 0;
  return lround (
      (q == SKC_QUALITY_DRAFT ? KNOTS_DRAFT_PER_LINE : KNOTS_NORMAL_PER_LINE)
      * size);
}

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
      res = make_target (p, r, 0, &target, NULL);
      if (res == SKC_OK)
        res = skc_knots_fit (&target, knots_budget (p->quality, target.width),
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
static skc_result
prepare_scale_knots (skc_engine *e, skc_scale *s, double top, double bottom,
                     skc_knots_axis axis, skc_error *err)
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
  target_identity (p, key, sizeof key);
  size_t used = strlen (key);
  snprintf (key + used, sizeof key - used, "|%s|axis=%d|step=%.9g|%d..%d|top=%.9g",
            quality_names[p->quality], (int) axis, s->knot_step,
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
  if (make_target (p, top, 0, &target, NULL) != SKC_OK)
    return 0;
  long rows = skc_knots_exact_count (&target, SKC_KNOTS_ROWS);
  long columns = skc_knots_exact_count (&target, SKC_KNOTS_COLUMNS);
  int size = target.width;
  skc_image_free (&target);
  *axis = columns >= 0 && columns < rows ? SKC_KNOTS_COLUMNS : SKC_KNOTS_ROWS;
  long exact = *axis == SKC_KNOTS_ROWS ? rows : columns;
  return exact >= 0 && exact <= (long) KNOTS_FLAT_PER_LINE * size;
}

static skc_result
prepare_basis (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  int               top_scale = p->filter ? 0 : scale_for_radius (p->radius);
  e->scale_count = top_scale + 1;
  e->first_scale = 0;
  skc_knots_axis axis = SKC_KNOTS_ROWS;
  double knots_max = knots_map_max_radius ();
  /* Above the limit, the full-resolution scale still runs tables when the
     shape is flat: there the basis costs the most per pixel (a bilinear
     complex below SKC_ENGINE_WHOLE_PIXEL_RADIUS) and tables the least. */
  int knots_first = e->with_map && knots_max >= 0 && top_scale > 0
                    && p->radius > knots_max
                    && map_wants_knots (p, SKC_ENGINE_SCALE_RADIUS, &axis);
  if (e->with_map && p->radius <= knots_max
      && map_wants_knots (p, fmin (p->radius, SKC_ENGINE_SCALE_RADIUS), &axis))
    {
      long macs = 0;
      int tables = 0;
      for (int k = 0; k <= top_scale; k++)
        {
          skc_scale *s = &e->scales[k];
          s->factor = 1 << k;
          double top = k == top_scale ? p->radius / s->factor
                                      : SKC_ENGINE_SCALE_RADIUS;
          double bottom
              = k == 0 ? 0 : SKC_ENGINE_HANDOVER * SKC_ENGINE_SCALE_RADIUS / 2;
          skc_result r = prepare_scale_knots (e, s, top, bottom, axis, err);
          if (r != SKC_OK)
            return r;
          int reach = scale_full_reach (s);
          e->reach = reach > e->reach ? reach : e->reach;
          tables += s->knot_levels - s->knot_first;
          long top_macs = s->knot_table[s->knot_levels - 1].count + 1;
          macs = top_macs > macs ? top_macs : macs;
        }
      snprintf (e->description, sizeof e->description,
                "blur map: %d scale%s, knots tables every %g px of radius "
                "(%d tables along %s, radii 0..%g), each pixel its nearest; "
                "up to %ld MACs per pixel and channel (reach %d px); planner: "
                "knots (flat shape, largest radius %g <= %g), %s quality",
                e->scale_count, e->scale_count > 1 ? "s" : "", KNOTS_MAP_STEP,
                tables, axis == SKC_KNOTS_ROWS ? "rows" : "columns", p->radius,
                macs, e->reach, p->radius, knots_max,
                quality_names[p->quality]);
      return SKC_OK;
    }
  int members = 0;
  for (int k = 0; k <= top_scale; k++)
    {
      skc_scale *s = &e->scales[k];
      s->factor = 1 << k;
      double top = k == top_scale ? p->radius / s->factor
                                  : SKC_ENGINE_SCALE_RADIUS;
      /* Scale k > 0 serves from the handover of scale k - 1 upwards. */
      double bottom = k == 0 ? 0
                             : SKC_ENGINE_HANDOVER * SKC_ENGINE_SCALE_RADIUS
                                 / 2;
      skc_result r = k == 0 && knots_first
                         ? prepare_scale_knots (e, s, top, bottom, axis, err)
                         : prepare_scale_basis (e, s, top, bottom, err);
      if (r != SKC_OK)
        return r;
      int reach = scale_full_reach (s);
      e->reach = reach > e->reach ? reach : e->reach;
      members += s->member_count;
    }
  const skc_scale  *top = &e->scales[top_scale];
  const skc_filter *shape = top->members[top->member_count - 1];
  char              tables[160] = "";
  if (knots_first)
    snprintf (tables, sizeof tables,
              "; full resolution on knots tables every %g px (%d tables "
              "along %s, radii 0..%g, flat shape)",
              KNOTS_MAP_STEP, e->scales[0].knot_levels,
              axis == SKC_KNOTS_ROWS ? "rows" : "columns",
              SKC_ENGINE_SCALE_RADIUS);
  snprintf (e->description, sizeof e->description,
            "%s: %d scale%s, %d basis complexes %dx%d (radii %s..%g), "
            "each pixel blending two (%d bilinear taps per pixel, reach %d "
            "px)%s",
            e->with_map ? "blur map" : "kernels varying over the frame",
            e->scale_count, e->scale_count > 1 ? "s" : "", members,
            shape->layer_count, shape->layer_size[0],
            knots_first ? "12" : "0", p->radius, skc_filter_taps (shape),
            e->reach, tables);
  return SKC_OK;
}

skc_result
skc_engine_new (const skc_params *p, int with_map, skc_engine **out,
                skc_error *err)
{
  *out = NULL;
  if (!p || p->struct_size < sizeof (skc_params))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "parameters not initialised (skc_params_init)");
  if (!isfinite (p->radius) || p->radius < 0 || p->radius > 1000)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "radius %g is outside 0..1000 px", p->radius);
  if (!(p->swirl >= 0 && p->swirl <= 1))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "swirl %g is outside 0..1",
                     p->swirl);
  if (!(p->cat_eye >= 0 && p->cat_eye <= 1))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "cat-eye %g is outside 0..1", p->cat_eye);
  if (p->cat_eye > 0 && p->filter)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "cat-eye clips the shape and refits it; it needs a shape "
                     "or an image, not a fitted .skc filter");
  if (!(p->focus >= 0 && p->focus <= 1) || !(p->map_gamma >= 0.1)
      || !(p->map_gamma <= 10) || !(p->highlight_threshold >= 0)
      || !(p->highlight_threshold <= 1) || !(p->highlight_gain >= 1)
      || !(p->highlight_gain <= 100) || p->quality < SKC_QUALITY_DRAFT
      || p->quality > SKC_QUALITY_HIGH)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "focus 0..1, map gamma 0.1..10, highlight threshold "
                     "0..1 and gain 1..100, quality draft/normal/high");
  if (!p->filter && !p->shape_image && p->shape.kind == SKC_SHAPE_FILE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "file shapes are passed as shape_image");
  skc_engine *e = calloc (1, sizeof *e);
  if (!e)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  e->params = *p;
  e->with_map = with_map;
  e->angles = p->swirl > 0 || p->cat_eye > 0 ? SKC_ENGINE_ANGLES : 1;
  e->amount_codes = p->cat_eye > 0
                      ? (SKC_ENGINE_AMOUNTS - 1) * SKC_ENGINE_AMOUNT_STEPS + 1
                      : 1;
  /* Cat-eye varies the kernel over the frame: it needs the basis even for
     a uniform radius. */
  int        basis = (with_map || p->cat_eye > 0) && p->radius >= 0.5;
  skc_result r = basis ? prepare_basis (e, err) : prepare_uniform (e, err);
  if (r == SKC_OK && p->cat_eye > 0)
    {
      size_t used = strlen (e->description);
      snprintf (e->description + used, sizeof e->description - used,
                "; cat-eye %g (%d clip amounts per member)", p->cat_eye,
                SKC_ENGINE_AMOUNTS);
    }
  if (r == SKC_OK && p->swirl > 0)
    {
      size_t used = strlen (e->description);
      snprintf (e->description + used, sizeof e->description - used,
                "; swirl %g (kernels turned per pixel, %d angle steps)",
                p->swirl, SKC_ENGINE_ANGLES);
    }
  /* Tiles grow with the scale so that a coarse scale still works on
     enough blocks, up to 1024 px: a tile's full-resolution buffers (two per
     worker) stay at 16 MB however large the radius. */
  e->tile = 256 * e->scales[e->first_scale].factor;
  if (e->tile > 1024)
    e->tile = 1024;
  if (e->with_map || e->scale_count - e->first_scale > 1)
    e->tile = 512;
  if (e->scales[e->first_scale].fft)
    e->tile = e->scales[e->first_scale].fft_cell; /* tiles are the cells */
  /* The engine keeps none of the caller's pointers beyond preparation. */
  e->params.shape_image = NULL;
  e->params.filter = NULL;
  if (!basis && r == SKC_OK)
    e->with_map = 0; /* every radius is 0: nothing varies */
  if (!e->kernel_reach)
    e->kernel_reach = e->reach;
  if (r != SKC_OK)
    {
      skc_engine_free (e);
      return r;
    }
  *out = e;
  return SKC_OK;
}

void
skc_engine_free (skc_engine *e)
{
  if (!e)
    return;
  skc_worker_pool_free (e->pool);
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    {
      skc_scale *s = &e->scales[k];
      for (int l = 0; l < SKC_MAX_LAYERS; l++)
        skc_layer_taps_free (&s->taps[l]);
      for (int q = 0; s->knot_table && q < s->knot_levels; q++)
        skc_layer_taps_free (&s->knot_table[q]);
      free (s->knot_table);
      skc_filter_free (s->filter);
      for (int m = 0; s->members && m < s->member_count; m++)
        skc_filter_free (s->members[m]);
      for (int m = 0; s->clipped && m < (s->amount_count - 1) * s->member_count;
           m++)
        skc_filter_free (s->clipped[m]);
      free (s->clipped);
      free (s->members);
      free (s->member_radius);
      skc_fftf_destroy (s->fft_forward);
      skc_fftf_destroy (s->fft_inverse);
      if (s->fft_spectrum)
        fftwf_free (s->fft_spectrum);
    }
  free (e);
}

int
skc_engine_reach (const skc_engine *e)
{
  return e->reach;
}

const char *
skc_engine_describe (const skc_engine *e)
{
  return e->description;
}

const char *
skc_engine_method (const skc_engine *e)
{
  const skc_scale *s = &e->scales[e->first_scale];
  if (e->scale_count - e->first_scale > 1 || s->members || s->knot_levels > 0)
    {
      int tables = 0, basis = 0;
      for (int k = e->first_scale; k < e->scale_count; k++)
        {
          tables |= e->scales[k].knot_levels > 0;
          basis |= e->scales[k].members != NULL;
        }
      return tables && basis ? "knots tables and DISK basis"
             : tables        ? "knots tables"
                             : "DISK basis";
    }
  if (s->fft)
    return "FFT";
  if (s->knots)
    return "knots";
  if (s->filter && s->filter->kind == SKC_FILTER_LOWRANK)
    return "separable";
  if (s->filter && skc_filter_taps (s->filter) <= 1)
    return "identity";
  return "complex";
}

/* The map value that gives radius r (inverting focus, gamma, invert). */
static float
map_value_for_radius (const skc_params *p, double r)
{
  double v = p->radius > 0 ? r / p->radius : 0;
  v = p->focus + v <= 1 ? p->focus + v : p->focus - v;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  if (p->map_gamma != 1)
    v = pow (v, 1 / p->map_gamma);
  return (float) (p->invert_map ? 1 - v : v);
}

skc_result
skc_engine_kernel (const skc_engine *e, double radius, skc_image *out)
{
  /* The impulse response exactly as the engine runs it: one bright pixel
     in the middle of a black image (and a constant map). */
  int side = 2 * e->kernel_reach + 1, c = e->kernel_reach;
  skc_image impulse = { 0 }, map = { 0 };
  skc_result r = skc_image_alloc (&impulse, side, side, 1);
  if (r == SKC_OK && e->with_map)
    r = skc_image_alloc (&map, side, side, 1);
  if (r == SKC_OK)
    {
      *skc_image_pixel (&impulse, c, c) = 1;
      float v = map_value_for_radius (&e->params, radius);
      for (int i = 0; map.data && i < side * side; i++)
        map.data[i] = v;
      skc_engine quiet = *e;
      quiet.params.clip = 0;
      quiet.params.highlight_gain = 1;
      quiet.pool = NULL; /* its own working memory, freed here */
      r = skc_apply_image (&quiet, &impulse, -1, e->with_map ? &map : NULL,
                           out, NULL);
      skc_worker_pool_free (quiet.pool);
    }
  skc_image_free (&impulse);
  skc_image_free (&map);
  return r;
}

static int
contains (const skc_view *outer, const skc_view *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y
         && inner->x + inner->width <= outer->x + outer->width
         && inner->y + inner->height <= outer->y + outer->height;
}

skc_result
skc_engine_process (const skc_engine *e, const skc_apply_request *rq,
                    skc_error *err)
{
  if (!e || !rq)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no engine or request");
  if (rq->channels < 1 || rq->channels > 4 || rq->alpha >= rq->channels
      || rq->alpha < -1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "1..4 channels with the alpha index among them");
  if (rq->output.width < 0 || rq->output.height < 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "negative output size");
  if (rq->output.width == 0 || rq->output.height == 0)
    return SKC_OK;
  skc_view image = { NULL, 0, 0, 0, rq->image_width, rq->image_height };
  if (!rq->input.pixels || !rq->output.pixels || rq->input.width < 1
      || rq->input.height < 1 || !contains (&image, &rq->input)
      || !contains (&image, &rq->output) || !contains (&rq->input, &rq->output)
      || rq->input.stride < (size_t) rq->input.width * rq->channels
      || rq->output.stride < (size_t) rq->output.width * rq->channels)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the input must lie in the image and cover the output");
  if (e->with_map
      && (!rq->map.pixels || rq->map.x != rq->input.x
          || rq->map.y != rq->input.y || rq->map.width != rq->input.width
          || rq->map.height != rq->input.height
          || rq->map.stride < (size_t) rq->map.width))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the blur map must cover the input rectangle");
  return skc_engine_run (e, rq, err);
}

skc_result
skc_apply_image (const skc_engine *e, const skc_image *in, int alpha,
                 const skc_image *map, skc_image *out, skc_error *err)
{
  if (!in || !in->data)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no input image");
  if (e->with_map
      && (!map || !map->data || map->channels != 1 || map->width != in->width
          || map->height != in->height))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the blur map must be one channel of the image's size "
                     "(%dx%d)",
                     in->width, in->height);
  skc_result r = skc_image_alloc (out, in->width, in->height, in->channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory for a %dx%d result", in->width,
                     in->height);
  skc_apply_request rq = {
    .image_width = in->width,
    .image_height = in->height,
    .channels = in->channels,
    .alpha = alpha,
    .input = { in->data, in->stride, 0, 0, in->width, in->height },
    .output = { out->data, out->stride, 0, 0, in->width, in->height },
  };
  if (map && map->data)
    rq.map = (skc_view) { map->data, map->stride, 0, 0, map->width,
                          map->height };
  r = skc_engine_process (e, &rq, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}
