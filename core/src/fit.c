/* skc — the fitting entry point and what the fitters share: validation,
 * workspaces, initialisations, conversion to filters.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fit_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "knots_private.h"
#include "skc/kernel.h"

void
skc_fit_options_init (skc_fit_options *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->struct_size = sizeof *opts;
  opts->method = SKC_METHOD_DISK;
  opts->offsets = SKC_OFFSETS_BILINEAR;
  opts->layers = 4;
  opts->samples = 24;
  opts->rank = 2;
  opts->init = SKC_INIT_AUTO;
  opts->seed = 1;
  opts->initial_scale = 1.0;
  opts->knots_axis = SKC_KNOTS_AXIS_BEST;
}

int
skc_fit_cancelled (const skc_fit_options *opts)
{
  return skc_cancel_raised (opts->cancel);
}

int
skc_fit_workspace_init (skc_fit_workspace *ws, const skc_image *target,
                        int layers, const int *count, skc_offset_kind offsets)
{
  memset (ws, 0, sizeof *ws);
  for (int l = 0; l < layers; l++)
    ws->total += count[l];
  if (!skc_cascade_init (&ws->cascade, layers, count, offsets))
    return 0;
  if (!skc_loss_init (&ws->loss, target))
    {
      skc_cascade_free (&ws->cascade);
      return 0;
    }
  return 1;
}

void
skc_fit_workspace_free (skc_fit_workspace *ws)
{
  skc_cascade_free (&ws->cascade);
  skc_loss_free (&ws->loss);
}

double
skc_fit_evaluate (skc_fit_workspace *ws, const skc_point *points,
                  skc_point *grad)
{
  if (!skc_cascade_forward (&ws->cascade, points))
    return -1;
  const skc_grid *e = &ws->cascade.partial[ws->cascade.layers - 1];
  double value = skc_loss_eval (&ws->loss, e, grad != NULL);
  if (value < 0 || !grad)
    return value;
  if (!skc_cascade_backward (&ws->cascade, points, ws->loss.grad, grad))
    return -1;
  return value;
}

double
skc_fit_offset_bound (const skc_image *target)
{
  int side = target->width > target->height ? target->width : target->height;
  return side / 2 + 2.0;
}

/* Second moment of the target about its centre, per axis (px^2). */
static double
target_moment (const skc_image *t)
{
  double m = 0;
  for (int y = 0; y < t->height; y++)
    for (int x = 0; x < t->width; x++)
      {
        double dx = x - t->width / 2, dy = y - t->height / 2;
        m += *skc_image_pixel (t, x, y) * (dx * dx + dy * dy) / 2;
      }
  return m;
}

/* Draws a position from the target's distribution by rejection sampling. */
static void
sample_target (const skc_image *t, float peak, skc_rng *rng, double *x,
               double *y)
{
  for (int tries = 0; tries < 100000; tries++)
    {
      double u = skc_rng_uniform (rng) * t->width;
      double v = skc_rng_uniform (rng) * t->height;
      float value = *skc_image_pixel (t, (int) u, (int) v);
      if (skc_rng_uniform (rng) * peak < value)
        {
          *x = u - t->width / 2.0;
          *y = v - t->height / 2.0;
          return;
        }
    }
  *x = *y = 0;
}

void
skc_fit_initialise (const skc_image *target, skc_init init, int layers,
                    const int *count, skc_rng *rng, skc_point *points)
{
  double sum_l2 = 0;
  for (int l = 1; l <= layers; l++)
    sum_l2 += (double) l * l;
  /* Rings of radius l * dr add variance r^2 / 2 per axis each: match the
     target's second moment. */
  double dr = sqrt (2 * target_moment (target) / sum_l2);
  float peak = 0;
  for (int y = 0; y < target->height; y++)
    for (int x = 0; x < target->width; x++)
      peak = fmaxf (peak, *skc_image_pixel (target, x, y));

  /* Sparse init: the last layer is drawn from the target itself; the
     layers before it are small rings whose spread fills the gaps between
     its samples (about the sample spacing). */
  double support = 0;
  for (int y = 0; y < target->height; y++)
    for (int x = 0; x < target->width; x++)
      support += *skc_image_pixel (target, x, y) > 0.05f * peak;
  double spacing = sqrt (support / count[layers - 1]);
  double small_dr = layers > 1 ? spacing / (layers * (layers - 1)) : 0;

  skc_point *p = points;
  for (int l = 0; l < layers; l++)
    {
      double phase = skc_rng_uniform (rng) * 2 * M_PI;
      for (int i = 0; i < count[l]; i++, p++)
        {
          double angle = phase + 2 * M_PI * i / count[l];
          p->w = 1.0 / count[l];
          switch (init)
            {
            case SKC_INIT_RANDOM:
              p->x = (skc_rng_uniform (rng) - 0.5) * target->width / layers;
              p->y = (skc_rng_uniform (rng) - 0.5) * target->height / layers;
              break;
            case SKC_INIT_SPARSE:
              if (l == layers - 1)
                sample_target (target, peak, rng, &p->x, &p->y);
              else
                {
                  p->x = (l + 1) * small_dr * cos (angle);
                  p->y = (l + 1) * small_dr * sin (angle);
                }
              break;
            case SKC_INIT_RADIAL:
            case SKC_INIT_AUTO:
            default:
              p->x = (l + 1) * dr * cos (angle);
              p->y = (l + 1) * dr * sin (angle);
              break;
            }
        }
    }
}

/* Image brightness must be kept exactly: a photo's mean dwarfs its detail,
 * so a 0.4 % error in the kernel's sum costs ~9 dB of image PSNR.  The
 * cascade's sum is the product of its layers' sums, so scaling each layer to
 * sum 1 fixes it exactly.  (Projecting after every Adam step instead
 * hampers the optimiser: measured 6 dB worse on a disc.) */
void
skc_fit_normalise_layers (skc_point *points, int layers, const int *count)
{
  skc_point *p = points;
  for (int l = 0; l < layers; l++)
    {
      double sum = 0;
      for (int i = 0; i < count[l]; i++)
        sum += p[i].w;
      if (sum > 1e-6)
        for (int i = 0; i < count[l]; i++)
          p[i].w /= sum;
      p += count[l];
    }
}

skc_filter *
skc_fit_points_to_filter (const skc_point *points, int layers, const int *count,
                          skc_offset_kind offsets)
{
  skc_filter *f = skc_filter_new_complex (layers, count, offsets);
  if (!f)
    return NULL;
  const skc_point *p = points;
  for (int l = 0; l < layers; l++)
    {
      skc_sample *s = skc_filter_layer (f, l);
      for (int i = 0; i < count[l]; i++, p++)
        {
          s[i].dx = offsets == SKC_OFFSETS_INTEGER ? (float) lround (p->x)
                                                   : (float) p->x;
          s[i].dy = offsets == SKC_OFFSETS_INTEGER ? (float) lround (p->y)
                                                   : (float) p->y;
          s[i].w = (float) p->w;
        }
    }
  return f;
}

/* SKC_METHOD_KNOTS.  The knots fitter normalises the target itself, in
 * double precision, so it is handed the caller's; the normalised copy
 * checks the target as the other methods do and measures the loss. */
static skc_result
fit_knots (const skc_image *target, const skc_fit_options *opts,
           skc_filter **out, skc_fit_report *report, skc_error *err)
{
  if (target->width != target->height)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a knots target is square (got %dx%d)", target->width,
                     target->height);
  if (target->width > SKC_MAX_KERNEL_SIDE)
    return skc_fail (err, SKC_ERR_TOO_LARGE,
                     "a knots target is at most %d px wide (got %d)",
                     SKC_MAX_KERNEL_SIDE, target->width);
  if (opts->knots_axis != SKC_KNOTS_AXIS_BEST
      && opts->knots_axis != SKC_KNOTS_ROWS
      && opts->knots_axis != SKC_KNOTS_COLUMNS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown knots axis %d",
                     opts->knots_axis);

  skc_image t = { 0 };
  skc_result r = skc_image_copy (target, &t);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory");
  r = skc_kernel_normalise (&t, err);
  if (r == SKC_OK && skc_fit_cancelled (opts))
    r = skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
  skc_fit_report local = { 0 };
  double start = skc_now ();
  if (r == SKC_OK)
    r = skc_knots_fit (target, opts->knots_budget, opts->knots_axis, out, err);
  local.seconds = skc_now () - start;
  if (r == SKC_OK && report
      && skc_fit_loss (*out, &t, &local.loss, NULL) != SKC_OK)
    local.loss = NAN;
  skc_image_free (&t);
  if (report)
    *report = local;
  return r;
}

skc_result
skc_fit (const skc_image *target, const skc_fit_options *opts, skc_filter **out,
         skc_fit_report *report, skc_error *err)
{
  *out = NULL;
  if (!opts || opts->struct_size < sizeof (skc_fit_options))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "fit options not initialised (skc_fit_options_init)");
  if (!target || !target->data || target->channels != 1
      || target->width % 2 == 0 || target->height % 2 == 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the target must be a 1-channel kernel with odd sides");
  if (opts->method == SKC_METHOD_KNOTS)
    return fit_knots (target, opts, out, report, err);
  if (target->width > 513 || target->height > 513)
    return skc_fail (err, SKC_ERR_TOO_LARGE,
                     "target %dx%d is larger than 513x513; resample it "
                     "(skc fit --size)",
                     target->width, target->height);
  if (opts->layers < 1 || opts->layers > SKC_MAX_LAYERS || opts->samples < 1
      || opts->samples > SKC_MAX_SAMPLES)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "layers must be 1..%d and samples 1..%d (got %d x %d)",
                     SKC_MAX_LAYERS, SKC_MAX_SAMPLES, opts->layers,
                     opts->samples);
  if (opts->rank < 1 || opts->rank > SKC_MAX_RANK)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "rank must be 1..%d",
                     SKC_MAX_RANK);
  if (opts->initial
      && (skc_filter_get_kind (opts->initial) != SKC_FILTER_COMPLEX
          || skc_filter_layer_count (opts->initial) != opts->layers
          || !(opts->initial_scale > 0) || !isfinite (opts->initial_scale)))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the initial filter must be a complex of %d layers "
                     "and the scale positive",
                     opts->layers);
  if (opts->initial)
    for (int l = 0; l < opts->layers; l++)
      if (skc_filter_layer_size (opts->initial, l) != opts->samples)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "the initial filter must have %d samples per layer",
                         opts->samples);
  if (opts->steps < 0 || opts->steps > 1000000 || opts->restarts < 0
      || opts->restarts > 64 || opts->evaluations < 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "steps 0..1000000, restarts 0..64, evaluations >= 0");

  skc_image t = { 0 };
  skc_result r = skc_image_copy (target, &t);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory");
  r = skc_kernel_normalise (&t, err);
  skc_fit_report local = { 0 };
  double start = skc_now ();
  if (r == SKC_OK)
    switch (opts->method)
      {
      case SKC_METHOD_DISK:
        r = skc_fit_disk (&t, opts, out, &local, err);
        break;
      case SKC_METHOD_PST:
        r = skc_fit_pst (&t, opts, out, &local, err);
        break;
      case SKC_METHOD_LOWRANK:
        r = skc_fit_lowrank (&t, opts, out, &local, err);
        break;
      default:
        r = skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown method");
      }
  local.seconds = skc_now () - start;
  if (r == SKC_OK && skc_fit_loss (*out, &t, &local.loss, NULL) != SKC_OK)
    local.loss = NAN;
  skc_image_free (&t);
  if (report)
    *report = local;
  return r;
}

skc_result
skc_fit_loss (const skc_filter *f, const skc_image *target, double *loss_out,
              skc_error *err)
{
  if (!f || !loss_out || !target || !target->data || target->channels != 1
      || target->width % 2 == 0 || target->height % 2 == 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a filter and a 1-channel target with odd sides");
  skc_image e = { 0 };
  skc_loss loss;
  double value = -1;
  skc_result r = skc_filter_render (f, &e);
  if (r != SKC_OK)
    return skc_fail (err, r, "cannot render the filter: %s", skc_strerror (r));
  if (skc_loss_init (&loss, target))
    {
      skc_grid g = { 0 };
      if (skc_grid_reserve (&g, -(e.width / 2), -(e.height / 2), e.width,
                            e.height))
        {
          for (int y = 0; y < e.height; y++)
            for (int x = 0; x < e.width; x++)
              g.v[(size_t) y * e.width + x] = *skc_image_pixel (&e, x, y);
          value = skc_loss_eval (&loss, &g, 0);
        }
      skc_grid_free (&g);
      skc_loss_free (&loss);
    }
  skc_image_free (&e);
  if (value < 0)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  *loss_out = value;
  return SKC_OK;
}
