/* skc — complexes: one uniform complex (the identity when it has one
 * tap; turned per pixel with swirl) or the DISK basis (complexes at radii
 * 30 % apart, fitted from neighbour to neighbour, and their cat-eye
 * clips).  In the tiles, the cascade of layers on shrinking windows of the
 * padded input; where pixels differ, each run of pixels sharing a code
 * runs its blended, turned taps, built on first use.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"

/* Basis members sit at radii R, R q, R q^2, ... down to about 1 px. */
#define BASIS_RATIO 0.7

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
      c->layer[l][i] = (skc_sample){ 0, 0, 1.0f / c->layer_size[l] };
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
      int r = (int) ceil (any_angle ? hypot (dx, dy) : fmax (dx, dy));
      reach = r > reach ? r : reach;
    }
  return reach;
}

/* Member j at cat-eye amount a of a basis. */
static const skc_filter *
scale_member (const skc_scale *sc, int amount, int j)
{
  const skc_complex_scale *c = &sc->complexes;
  return amount == 0 ? c->members[j]
                     : c->clipped[(size_t) (amount - 1) * c->member_count + j];
}

/* The complex's taps per layer; with swirl each layer reads as far as its
 * samples turned by any angle. */
skc_result
skc_complex_prepare (skc_engine *e, skc_scale *s, skc_filter *filter,
                     skc_error *err)
{
  const skc_params *p = &e->params;
  skc_complex_scale *c = &s->complexes;
  /* One tap: the identity (what radius 0 runs). */
  s->kind
      = skc_filter_taps (filter) <= 1 ? SKC_SCALE_IDENTITY : SKC_SCALE_COMPLEX;
  c->filter = filter;
  c->layers = c->filter->layer_count;
  c->varying = p->swirl > 0;
  for (int l = 0; l < c->layers; l++)
    {
      if (!skc_layer_taps_build (c->filter, l, &c->taps[l]))
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      c->layer_reach[l]
          = c->varying ? layer_reach (c->filter, l, 1) : c->taps[l].reach;
      s->reach += c->layer_reach[l];
    }
  e->reach = skc_scale_full_reach (s);
  char scale_note[96] = "";
  if (s->factor > 1)
    snprintf (scale_note, sizeof scale_note,
              " on %dx%d blocks (radius %g there)", s->factor, s->factor,
              p->radius / s->factor);
  snprintf (e->description, sizeof e->description,
            "uniform: complex %dx%d %s%s (%d taps, %ld MACs per pixel and "
            "channel%s, reach %d px)%s%s",
            c->layers, c->filter->layer_size[0],
            c->filter->offsets == SKC_OFFSETS_INTEGER ? "whole-pixel"
                                                      : "bilinear",
            scale_note, skc_filter_taps (c->filter),
            skc_filter_macs (c->filter), s->factor > 1 ? " at that scale" : "",
            e->reach, e->plan[0] ? "; planner: " : "", e->plan);
  return SKC_OK;
}

/* One scale's basis: members from `bottom` (0: the identity) to `top`
 * radius, in the scale's pixels, fitted from the top down so that sample i
 * stays sample i. */
skc_result
skc_basis_prepare (skc_engine *e, skc_scale *s, double top, double bottom,
                   skc_error *err)
{
  const skc_params *p = &e->params;
  skc_complex_scale *c = &s->complexes;
  double radii[64];
  int n = 0;
  s->kind = SKC_SCALE_BASIS;
  radii[n++] = top;
  /* Scale 0 goes down to about 1 px (then the identity); a coarser scale
     needs a member at or below the radius where it takes over. */
  while (
      !p->filter && n < 62
      && (bottom > 0 ? radii[n - 1] > bottom : radii[n - 1] * BASIS_RATIO >= 1))
    {
      radii[n] = radii[n - 1] * BASIS_RATIO;
      n++;
    }
  int with_identity = bottom <= 0;
  c->varying = 1;
  c->member_count = n + with_identity;
  c->members = calloc (c->member_count, sizeof *c->members);
  c->member_radius = calloc (c->member_count, sizeof *c->member_radius);
  if (!c->members || !c->member_radius)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  skc_result r = SKC_OK;
  int index = c->member_count - 1;
  if (p->filter)
    {
      /* A given filter stands for the full radius as it is. */
      c->members[index] = skc_filter_copy (p->filter);
      c->member_radius[index] = top;
    }
  else
    {
      char chain[96];
      snprintf (chain, sizeof chain, "basis-from=%.9g", top);
      r = skc_target_fit (p, &e->prepare_run, top, NULL, 1, NULL,
                          &c->members[index], err);
      c->member_radius[index] = top;
      for (int k = 1; k < n && r == SKC_OK; k++)
        {
          index--;
          r = skc_target_fit (p, &e->prepare_run, radii[k],
                              c->members[index + 1], radii[k] / radii[k - 1],
                              chain, &c->members[index], err);
          c->member_radius[index] = radii[k];
        }
    }
  if (r != SKC_OK)
    return r;
  const skc_filter *shape = c->members[c->member_count - 1];
  if (!shape || shape->kind != SKC_FILTER_COMPLEX)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "a blur map needs a sparse complex, not a separable "
                     "or knots filter");
  if (with_identity)
    {
      c->members[0] = identity_like (shape);
      c->member_radius[0] = 0;
    }
  for (int m = 0; m < c->member_count; m++)
    if (!c->members[m])
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  /* Cat-eye: every member again at growing clip amounts, each fitted from
     the one clipped a step less, so that samples keep corresponding. */
  c->amount_count = p->cat_eye > 0 && !p->filter ? SKC_ENGINE_AMOUNTS : 1;
  if (c->amount_count > 1)
    {
      c->clipped = calloc ((size_t) (c->amount_count - 1) * c->member_count,
                           sizeof *c->clipped);
      if (!c->clipped)
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      for (int a = 1; a < c->amount_count && r == SKC_OK; a++)
        for (int m = 0; m < c->member_count && r == SKC_OK; m++)
          {
            skc_filter **slot
                = &c->clipped[(size_t) (a - 1) * c->member_count + m];
            const skc_filter *from = scale_member (s, a - 1, m);
            if (c->member_radius[m] <= 0)
              *slot = identity_like (shape);
            else
              {
                char link[96];
                snprintf (link, sizeof link, "basis-from=%.9g|clip-step=%d",
                          top, a);
                r = skc_target_fit_as (p, &e->prepare_run, c->member_radius[m],
                                       (double) a / (SKC_ENGINE_AMOUNTS - 1),
                                       SKC_OFFSETS_BILINEAR, from, 1, link,
                                       slot, NULL, err);
              }
            if (r == SKC_OK && !*slot)
              r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          }
      if (r != SKC_OK)
        return r;
    }

  c->layers = shape->layer_count;
  int any_angle = p->swirl > 0 || p->cat_eye > 0;
  for (int l = 0; l < c->layers; l++)
    {
      for (int a = 0; a < c->amount_count; a++)
        for (int m = 0; m < c->member_count; m++)
          {
            int rm = layer_reach (scale_member (s, a, m), l, any_angle);
            c->layer_reach[l] = rm > c->layer_reach[l] ? rm : c->layer_reach[l];
          }
      s->reach += c->layer_reach[l];
    }
  return SKC_OK;
}

/* The slot of a code in the scratch's table (open addressing, linear
 * probing; grown at half load).  -1 when out of memory. */
static int
code_slot (skc_tile_scratch *s, int code)
{
  if (2 * (s->code_used + 1) > s->code_capacity)
    {
      int capacity = s->code_capacity ? 2 * s->code_capacity : 256;
      int *keys = malloc ((size_t) capacity * sizeof *keys);
      skc_layer_taps **taps = calloc ((size_t) capacity, sizeof *taps);
      if (!keys || !taps)
        {
          free (keys);
          free (taps);
          return -1;
        }
      for (int i = 0; i < capacity; i++)
        keys[i] = -1;
      for (int i = 0; i < s->code_capacity; i++)
        if (s->code_keys[i] >= 0)
          {
            unsigned h = (unsigned) s->code_keys[i] * 2654435761u;
            int slot = (int) (h & (unsigned) (capacity - 1));
            while (keys[slot] >= 0)
              slot = (slot + 1) & (capacity - 1);
            keys[slot] = s->code_keys[i];
            taps[slot] = s->code_taps[i];
          }
      free (s->code_keys);
      free (s->code_taps);
      s->code_keys = keys;
      s->code_taps = taps;
      s->code_capacity = capacity;
    }
  unsigned h = (unsigned) code * 2654435761u;
  int slot = (int) (h & (unsigned) (s->code_capacity - 1));
  while (s->code_keys[slot] >= 0 && s->code_keys[slot] != code)
    slot = (slot + 1) & (s->code_capacity - 1);
  return slot;
}

/* The whole-pixel taps of every layer for one pixel code: the samples of
 * its radius level and cat-eye amount (the uniform filter's, or up to four
 * members blended), turned by its angle. */
static skc_layer_taps *
level_taps (const skc_engine *e, const skc_scale *sc, skc_tile_scratch *s,
            int code)
{
  const skc_complex_scale *c = &sc->complexes;
  int slot = code_slot (s, code);
  if (slot < 0)
    return NULL;
  if (s->code_keys[slot] == code)
    return s->code_taps[slot];
  int step = code % e->angles;
  int amount_code = (code / e->angles) % e->amount_codes;
  int level = code / e->angles / e->amount_codes;
  /* Corner members: radius fraction t between j and j + 1, cat-eye
     fraction u between amounts a and a + 1. */
  const skc_filter *corner[4];
  float t = 0, u = 0;
  if (sc->kind != SKC_SCALE_BASIS)
    corner[0] = corner[1] = corner[2] = corner[3] = c->filter;
  else
    {
      int j, a = amount_code / SKC_ENGINE_AMOUNT_STEPS;
      u = (float) (amount_code - a * SKC_ENGINE_AMOUNT_STEPS)
          / SKC_ENGINE_AMOUNT_STEPS;
      if (c->amount_count < 2)
        a = 0, u = 0;
      else if (a >= c->amount_count - 1)
        a = c->amount_count - 2, u = 1;
      skc_scale_level_blend (sc, level, &j, &t);
      int j1 = c->member_count > 1 ? j + 1 : j;
      int a1 = c->amount_count > 1 ? a + 1 : a;
      corner[0] = scale_member (sc, a, j);
      corner[1] = scale_member (sc, a, j1);
      corner[2] = scale_member (sc, a1, j);
      corner[3] = scale_member (sc, a1, j1);
    }
  double angle = 2 * M_PI * step / e->angles;
  float ca = (float) cos (angle), sa = (float) sin (angle);
  /* Blended kernels this large lose little to whole-pixel offsets and cost
     a quarter: one tap per sample instead of four. */
  int whole_pixels = 0;
  if (sc->kind == SKC_SCALE_BASIS)
    {
      int j0 = level / SKC_ENGINE_LEVELS < c->member_count - 1
                   ? level / SKC_ENGINE_LEVELS
                   : c->member_count - 1;
      double r = c->member_radius[j0];
      whole_pixels = r >= SKC_ENGINE_WHOLE_PIXEL_RADIUS;
    }
  skc_layer_taps *taps = calloc (SKC_MAX_LAYERS, sizeof *taps);
  skc_filter *blend = skc_filter_copy (corner[0]);
  int ok = taps && blend;
  for (int l = 0; ok && l < c->layers; l++)
    {
      for (int i = 0; i < blend->layer_size[l]; i++)
        {
          /* Along the radius first, then (cat-eye) across amounts. */
          const skc_sample *a0 = &corner[0]->layer[l][i];
          const skc_sample *b0 = &corner[1]->layer[l][i];
          float dx = a0->dx + t * (b0->dx - a0->dx);
          float dy = a0->dy + t * (b0->dy - a0->dy);
          float w = a0->w + t * (b0->w - a0->w);
          if (u > 0)
            {
              const skc_sample *a1 = &corner[2]->layer[l][i];
              const skc_sample *b1 = &corner[3]->layer[l][i];
              float dx1 = a1->dx + t * (b1->dx - a1->dx);
              float dy1 = a1->dy + t * (b1->dy - a1->dy);
              float w1 = a1->w + t * (b1->w - a1->w);
              dx += u * (dx1 - dx);
              dy += u * (dy1 - dy);
              w += u * (w1 - w);
            }
          /* Turned exactly on the offsets (y down: positive angles turn
             clockwise on screen). */
          float tx = step ? ca * dx - sa * dy : dx;
          float ty = step ? sa * dx + ca * dy : dy;
          if (whole_pixels)
            tx = roundf (tx), ty = roundf (ty);
          blend->layer[l][i].dx = tx;
          blend->layer[l][i].dy = ty;
          blend->layer[l][i].w = w;
        }
      ok = skc_layer_taps_build (blend, l, &taps[l]);
    }
  skc_filter_free (blend);
  if (!ok)
    {
      for (int l = 0; taps && l < SKC_MAX_LAYERS; l++)
        skc_layer_taps_free (&taps[l]);
      free (taps);
      return NULL;
    }
  s->code_keys[slot] = code;
  s->code_taps[slot] = taps;
  s->code_used++;
  return taps;
}

/* One layer of a uniform complex: out(x) = sum c * in(x - d) on rows
 * [y0, y1) and columns [x0, x1) of the padded tile. */
static void
uniform_layer (const skc_layer_taps *taps, const float *in, float *out,
               size_t stride, int channels, int x0, int x1, int y0, int y1)
{
  skc_taps_apply (taps, in, stride, channels, 0, 0, out, stride, 0, 0, x0, x1,
                  y0, y1);
}

/* One layer with a blur map: each run of pixels sharing a blend level is
 * filtered like a uniform blur with that level's taps. */
static int
varying_layer (const skc_engine *e, const skc_scale *sc,
               skc_tile_scratch *scratch, int layer, const float *in,
               float *out, size_t stride, int pw, int channels, int x0, int x1,
               int y0, int y1)
{
  for (int y = y0; y < y1; y++)
    {
      const int *levels = scratch->level + (size_t) y * pw;
      for (int x = x0; x < x1;)
        {
          int q = levels[x], end = x + 1;
          while (end < x1 && levels[end] == q)
            end++;
          skc_layer_taps *taps = level_taps (e, sc, scratch, q);
          if (!taps)
            return 0;
          uniform_layer (&taps[layer], in, out, stride, channels, x, end, y,
                         y + 1);
          x = end;
        }
    }
  return 1;
}

/* The layers on shrinking windows of the padded input in s->buffers[0]
 * (which they overwrite), each pixel with its code (plain: unclipped and
 * unturned) where pixels differ; *values points at the result in the
 * scratch. */
static int
cascade (const skc_engine *e, const skc_scale *sc, const skc_apply_request *rq,
         const skc_scale_area *area, int plain, skc_tile_scratch *s,
         float **values)
{
  const skc_complex_scale *c = &sc->complexes;
  const int C = rq->channels, R = sc->reach;
  const int lw = area->w, lh = area->h, pw = area->pw;
  const size_t stride = (size_t) pw * C;
  /* Pixel codes: the blend level from the map (block averages on coarse
     scales; the uniform radius without a map), the cat-eye amount and the
     angle of the block's centre. */
  if (c->varying && !skc_pixel_codes (e, sc, rq, area, plain, s))
    return 0;
  int cur = 0, margin = R;
  for (int l = 0; l < c->layers; l++)
    {
      int out_margin = margin - c->layer_reach[l];
      int lo = R - out_margin;
      if (c->varying)
        {
          if (!varying_layer (e, sc, s, l, s->buffers[cur], s->buffers[1 - cur],
                              stride, pw, C, lo, R + lw + out_margin, lo,
                              R + lh + out_margin))
            return 0;
        }
      else
        uniform_layer (&c->taps[l], s->buffers[cur], s->buffers[1 - cur],
                       stride, C, lo, R + lw + out_margin, lo,
                       R + lh + out_margin);
      cur = 1 - cur;
      margin = out_margin;
    }
  *values = s->buffers[cur] + (size_t) R * stride + (size_t) R * C;
  return 1;
}

/* The plain kernel's weight at each output pixel of the area (block
 * centres on coarse scales) into s->plain_weight; *any and *all say
 * whether some or every pixel has weight.  0 when out of memory. */
static int
plain_weights (const skc_engine *e, const skc_scale *sc,
               const skc_apply_request *rq, const skc_scale_area *area,
               skc_tile_scratch *s, int *any, int *all)
{
  const int f = sc->factor;
  if (!skc_tile_reserve (&s->plain_weight, &s->plain_weight_capacity,
                         (size_t) area->w * area->h))
    return 0;
  *any = 0, *all = 1;
  for (int j = 0; j < area->h; j++)
    for (int i = 0; i < area->w; i++)
      {
        double cx = (area->x0 + i) * f + (f - 1) / 2.0;
        double cy = (area->y0 + j) * f + (f - 1) / 2.0;
        float w = skc_plain_weight (e, rq, cx, cy);
        s->plain_weight[(size_t) j * area->w + i] = w;
        *any |= w > 0;
        *all &= w == 1;
      }
  return 1;
}

/* The cascade on the padded input; the values stay in the scratch (`into`
 * is not used).  Near the image centre of an engine whose kernels turn
 * with the circle around it (skc_plain_zone), the plain kernel's cascade
 * is blended in by skc_plain_weight. */
static int
complex_values (const skc_engine *e, const skc_scale *sc,
                const skc_apply_request *rq, const skc_scale_area *area,
                skc_tile_scratch *s, float *into, const float **values,
                size_t *values_stride)
{
  const int C = rq->channels;
  const size_t stride = (size_t) area->pw * C;
  int any = 0, all = 0;
  if (sc->complexes.varying && skc_plain_zone (e)
      && !plain_weights (e, sc, rq, area, s, &any, &all))
    return 0;
  float *result = NULL;
  *values_stride = stride;
  if (!any || all)
    {
      int ok = cascade (e, sc, rq, area, all, s, &result);
      *values = result;
      return ok;
    }
  /* Both: the plain cascade first, on a copy of the padded input. */
  const size_t padded = (size_t) area->ph * stride;
  const size_t row = (size_t) area->w * C;
  if (!skc_tile_reserve (&s->plain_input, &s->plain_input_capacity, padded)
      || !skc_tile_reserve (&s->plain_values, &s->plain_values_capacity,
                            row * area->h))
    return 0;
  memcpy (s->plain_input, s->buffers[0], padded * sizeof (float));
  if (!cascade (e, sc, rq, area, 1, s, &result))
    return 0;
  for (int j = 0; j < area->h; j++)
    memcpy (s->plain_values + j * row, result + j * stride,
            row * sizeof (float));
  memcpy (s->buffers[0], s->plain_input, padded * sizeof (float));
  if (!cascade (e, sc, rq, area, 0, s, &result))
    return 0;
  for (int j = 0; j < area->h; j++)
    {
      float *v = result + j * stride;
      const float *p = s->plain_values + j * row;
      const float *w = s->plain_weight + (size_t) j * area->w;
      /* Exactly the one cascade where a weight is 0 or 1, as when the
         whole area is on one side (regions give the same bits). */
      for (int i = 0; i < area->w; i++)
        for (int ch = 0; ch < C; ch++)
          v[i * C + ch] = (1 - w[i]) * v[i * C + ch] + w[i] * p[i * C + ch];
    }
  *values = result;
  return 1;
}

static void
complex_free (skc_scale *sc)
{
  skc_complex_scale *c = &sc->complexes;
  for (int l = 0; l < SKC_MAX_LAYERS; l++)
    skc_layer_taps_free (&c->taps[l]);
  skc_filter_free (c->filter);
  for (int m = 0; c->members && m < c->member_count; m++)
    skc_filter_free (c->members[m]);
  for (int m = 0; c->clipped && m < (c->amount_count - 1) * c->member_count;
       m++)
    skc_filter_free (c->clipped[m]);
  free (c->clipped);
  free (c->members);
  free (c->member_radius);
}

const skc_scale_ops skc_identity_ops
    = { .method = "identity", .values = complex_values, .free = complex_free };
const skc_scale_ops skc_complex_ops
    = { .method = "complex", .values = complex_values, .free = complex_free };
const skc_scale_ops skc_basis_ops = { .method = "DISK basis",
                                      .values = complex_values,
                                      .free = complex_free };
