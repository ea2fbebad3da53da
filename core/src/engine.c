/* skc — preparing the apply engine: targets for each radius, fits through
 * the cache, the radius basis for blur maps.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "engine.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"

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

static skc_result
make_target (const skc_params *p, double radius, skc_image *t, skc_error *err)
{
  int size = 2 * (int) ceil (radius) + 1;
  if (p->shape_image)
    return skc_kernel_from_values (p->shape_image->data,
                                   p->shape_image->width,
                                   p->shape_image->height,
                                   p->shape_image->stride, size, t, err);
  return skc_shape_render (&p->shape, radius, size, t, err);
}

/* The fitted complex for one radius (at most the fit cap), through the
 * cache.  With `initial` the fit continues from that complex scaled to this
 * radius (basis members); `chain` then names where it came from. */
static skc_result
fit_radius (const skc_params *p, double radius, const skc_filter *initial,
            double initial_scale, const char *chain, skc_filter **out,
            skc_error *err)
{
  char identity[SKC_PATH_MAX + 64];
  target_identity (p, identity, sizeof identity);
  char key[SKC_PATH_MAX + 256];
  snprintf (key, sizeof key, "%s|%s|r=%.9g|%s|seed=%llu|%s", FITTER_VERSION,
            identity, radius, quality_names[p->quality],
            (unsigned long long) p->seed, chain ? chain : "direct");

  skc_image  target = { 0 };
  skc_result r = make_target (p, radius, &target, err);
  if (r != SKC_OK)
    return r;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.samples = samples_per_layer (p->quality);
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
  r = skc_cache_fit (cache, key, &target, &opts, out, NULL, err);
  if (r == SKC_OK)
    {
      skc_filter_info info = { 0 };
      snprintf (info.spec, sizeof info.spec, "%s", identity);
      info.radius = radius;
      info.target_size = target.width;
      skc_filter_set_info (*out, &info);
    }
  skc_image_free (&target);
  return r;
}

/* A copy of f with offsets scaled (radii beyond the fit cap). */
static skc_filter *
scaled_copy (const skc_filter *f, double scale)
{
  skc_filter *c = skc_filter_copy (f);
  if (!c || scale == 1)
    return c;
  for (int l = 0; l < c->layer_count; l++)
    for (int i = 0; i < c->layer_size[l]; i++)
      {
        c->layer[l][i].dx = (float) (c->layer[l][i].dx * scale);
        c->layer[l][i].dy = (float) (c->layer[l][i].dy * scale);
      }
  c->info.radius *= scale;
  return c;
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

static int
layer_reach (const skc_filter *f, int l)
{
  int reach = 0;
  for (int i = 0; i < f->layer_size[l]; i++)
    {
      int r = (int) ceil (fmax (fabs (f->layer[l][i].dx),
                                fabs (f->layer[l][i].dy)));
      reach = r > reach ? r : reach;
    }
  return reach;
}

static skc_result
prepare_uniform (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_result        r = SKC_OK;
  if (p->filter)
    e->filter = skc_filter_copy (p->filter);
  else if (p->radius < 0.5)
    {
      /* Nothing to blur: a one-sample identity. */
      int one = 1;
      e->filter = skc_filter_new_complex (1, &one, SKC_OFFSETS_INTEGER);
      if (e->filter)
        e->filter->layer[0][0].w = 1;
    }
  else
    {
      double      fit_r = fmin (p->radius, SKC_ENGINE_FIT_RADIUS_CAP);
      skc_filter *fitted = NULL;
      r = fit_radius (p, fit_r, NULL, 1, NULL, &fitted, err);
      if (r == SKC_OK)
        {
          e->filter = scaled_copy (fitted, p->radius / fit_r);
          skc_filter_free (fitted);
        }
    }
  if (r != SKC_OK)
    return r;
  if (!e->filter)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  if (e->filter->kind == SKC_FILTER_LOWRANK)
    {
      e->reach = e->filter->size / 2;
      snprintf (e->description, sizeof e->description,
                "uniform: separable rank %d, %dx%d (%d taps, %ld MACs per "
                "pixel and channel)",
                e->filter->rank, e->filter->size, e->filter->size,
                skc_filter_taps (e->filter), skc_filter_macs (e->filter));
      return SKC_OK;
    }
  e->layers = e->filter->layer_count;
  for (int l = 0; l < e->layers; l++)
    {
      if (!skc_layer_taps_build (e->filter, l, &e->taps[l]))
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      e->layer_reach[l] = e->taps[l].reach;
      e->reach += e->taps[l].reach;
    }
  snprintf (e->description, sizeof e->description,
            "uniform: complex %dx%d %s at radius %g (%d taps, %ld MACs per "
            "pixel and channel, reach %d px)",
            e->layers, e->filter->layer_size[0],
            e->filter->offsets == SKC_OFFSETS_INTEGER ? "whole-pixel"
                                                      : "bilinear",
            e->filter->info.radius, skc_filter_taps (e->filter),
            skc_filter_macs (e->filter), e->reach);
  return SKC_OK;
}

static skc_result
prepare_basis (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  double            top = p->radius;
  double            fit_top = fmin (top, SKC_ENGINE_FIT_RADIUS_CAP);
  /* Member radii, largest first: top, [fit_top,] fit_top q, ... >= 1. */
  double radii[64];
  int    n = 0;
  radii[n++] = top;
  if (fit_top < top)
    radii[n++] = fit_top;
  for (double r = fit_top * BASIS_RATIO; r >= 1.0 && n < 62 && !p->filter;
       r *= BASIS_RATIO)
    radii[n++] = r;

  e->member_count = n + 1;
  e->members = calloc (e->member_count, sizeof *e->members);
  e->member_radius = calloc (e->member_count, sizeof *e->member_radius);
  if (!e->members || !e->member_radius)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  skc_filter *top_fit = NULL;
  skc_result  r = SKC_OK;
  if (p->filter)
    top_fit = skc_filter_copy (p->filter);
  else
    r = fit_radius (p, fit_top, NULL, 1, NULL, &top_fit, err);
  if (r != SKC_OK)
    return r;
  if (!top_fit || top_fit->kind != SKC_FILTER_COMPLEX)
    {
      skc_filter_free (top_fit);
      return skc_fail (err, SKC_ERR_UNSUPPORTED,
                       "a blur map needs a sparse complex, not a separable "
                       "filter");
    }
  /* Members are stored smallest radius first: index 0 is the identity. */
  int index = e->member_count - 1;
  if (p->filter)
    {
      /* A given filter stands for the full radius as it is. */
      e->members[index] = top_fit;
      e->member_radius[index] = top;
      top_fit = NULL;
    }
  else
    {
      e->members[index] = scaled_copy (top_fit, top / fit_top);
      e->member_radius[index] = top;
      index--;
      if (fit_top < top)
        {
          e->members[index] = skc_filter_copy (top_fit);
          e->member_radius[index] = fit_top;
          index--;
        }
      char chain[96];
      snprintf (chain, sizeof chain, "basis-from=%.9g", fit_top);
      const skc_filter *previous = top_fit;
      double            previous_r = fit_top;
      for (int k = (fit_top < top ? 2 : 1); k < n && r == SKC_OK; k++)
        {
          skc_filter *member = NULL;
          r = fit_radius (p, radii[k], previous, radii[k] / previous_r, chain,
                          &member, err);
          if (r != SKC_OK)
            break;
          e->members[index] = member;
          e->member_radius[index] = radii[k];
          index--;
          previous = member;
          previous_r = radii[k];
        }
      skc_filter_free (top_fit);
      top_fit = NULL;
    }
  if (r != SKC_OK)
    return r;
  e->members[0] = identity_like (e->members[e->member_count - 1]);
  e->member_radius[0] = 0;
  for (int m = 0; m < e->member_count; m++)
    if (!e->members[m])
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  const skc_filter *shape = e->members[e->member_count - 1];
  e->layers = shape->layer_count;
  for (int l = 0; l < e->layers; l++)
    {
      for (int m = 0; m < e->member_count; m++)
        {
          int rm = layer_reach (e->members[m], l);
          e->layer_reach[l] = rm > e->layer_reach[l] ? rm : e->layer_reach[l];
        }
      e->reach += e->layer_reach[l];
    }
  snprintf (e->description, sizeof e->description,
            "blur map: basis of %d complexes %dx%d (radii 0..%g), each pixel "
            "blending two (%d bilinear taps per pixel, reach %d px)",
            e->member_count, e->layers, shape->layer_size[0], top,
            skc_filter_taps (shape), e->reach);
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
  skc_result r = with_map && p->radius >= 0.5 ? prepare_basis (e, err)
                                              : prepare_uniform (e, err);
  /* The engine keeps none of the caller's pointers beyond preparation. */
  e->params.shape_image = NULL;
  e->params.filter = NULL;
  if (with_map && p->radius < 0.5 && r == SKC_OK)
    e->with_map = 0; /* every radius is 0: nothing varies */
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
  for (int l = 0; l < SKC_MAX_LAYERS; l++)
    skc_layer_taps_free (&e->taps[l]);
  skc_filter_free (e->filter);
  for (int m = 0; m < e->member_count; m++)
    skc_filter_free (e->members ? e->members[m] : NULL);
  free (e->members);
  free (e->member_radius);
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

skc_result
skc_engine_kernel (const skc_engine *e, double radius, skc_image *out)
{
  if (!e->with_map)
    return skc_filter_render (e->filter, out);
  /* The two members around the radius, blended as the tiles blend them. */
  int   j;
  float tf;
  skc_engine_level_blend (e, skc_engine_radius_level (e, radius), &j, &tf);
  const skc_filter *a = e->members[j], *b = e->members[j + 1];
  skc_filter *blend = skc_filter_copy (a);
  if (!blend)
    return SKC_ERR_OUT_OF_MEMORY;
  for (int l = 0; l < blend->layer_count; l++)
    for (int i = 0; i < blend->layer_size[l]; i++)
      {
        const skc_sample *sa = &a->layer[l][i], *sb = &b->layer[l][i];
        blend->layer[l][i].dx = sa->dx + tf * (sb->dx - sa->dx);
        blend->layer[l][i].dy = sa->dy + tf * (sb->dy - sa->dy);
        blend->layer[l][i].w = sa->w + tf * (sb->w - sa->w);
      }
  skc_result r = skc_filter_render (blend, out);
  skc_filter_free (blend);
  return r;
}
