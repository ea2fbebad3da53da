/* skc — what the engine fits: the target kernel at a radius (the shape or
 * the weight image, clipped for cat-eye), its stable name, and its fitted
 * complex through the cache.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "kernel_private.h"

/* Bumped whenever the fitter changes what it produces, so that stale disk
 * cache entries are not reused. */
#define FITTER_VERSION "disk-1"
/* Basis members continue from their neighbour's fit for this many steps. */
#define BASIS_STEPS 600

/* The engine's complexes have four layers: a quality level's samples
 * (skc/params.def) are spread over them. */
int
skc_samples_per_layer (skc_quality q)
{
  return skc_quality_samples (q) / 4;
}

void
skc_target_identity (const skc_params *p, char *buf, size_t len)
{
  if (!p->shape_image)
    {
      /* "area": drawn with exact pixel coverage (fits cached before, from
         point-sampled shapes, have other keys). */
      skc_shape_format (&p->shape, buf, len);
      size_t used = strlen (buf);
      snprintf (buf + used, len - used, "|area");
      return;
    }
  const skc_image *img = p->shape_image;
  uint64_t h = SKC_DIGEST_START;
  for (int y = 0; y < img->height; y++)
    h = skc_digest_bytes (h, skc_image_pixel (img, 0, y),
                          (size_t) img->width * sizeof (float));
  /* "spanning": the image spans 2 r + 1 px at radius r (fits cached
     before, scaled to the kernel's odd size, have other keys). */
  snprintf (buf, len, "image-spanning:%016llx:%dx%d", (unsigned long long) h,
            img->width, img->height);
}

/* The mask is the lens between two discs of the kernel's radius placed
 * symmetrically about the centre, amount x radius x SKC_ENGINE_CLIP_OFFSET
 * apart, so that the clipped kernel stays centred (blurred content does
 * not drift toward the image centre); the result is normalised. */
skc_result
skc_target_make (const skc_params *p, double radius, double amount,
                 skc_image *t, skc_error *err)
{
  int size = 2 * (int) ceil (radius) + 1;
  skc_result r
      = p->shape_image ? skc_kernel_from_values_spanning (
            p->shape_image->data, p->shape_image->width, p->shape_image->height,
            p->shape_image->stride, size, 2 * radius + 1, t, err)
                       : skc_shape_render (&p->shape, radius, size, t, err);
  if (r != SKC_OK || amount <= 0)
    return r;
  return skc_target_clip (t, radius, amount, 0, err);
}

/* Whether pixel (x, y) of a size x size target is on its rim: non-zero
 * beside a zero (or the border). */
static int
on_rim (const float *v, int size, int x, int y)
{
  static const int dx[] = { 1, -1, 0, 0 }, dy[] = { 0, 0, 1, -1 };
  for (int k = 0; k < 4; k++)
    {
      int u = x + dx[k], w = y + dy[k];
      if (u < 0 || w < 0 || u >= size || w >= size
          || v[(size_t) w * size + u] == 0)
        return 1;
    }
  return 0;
}

skc_result
skc_target_clip (skc_image *t, double radius, double amount, double angle,
                 skc_error *err)
{
  const int sub = 8;
  const double shift = amount * radius * SKC_ENGINE_CLIP_OFFSET / 2;
  const double limit = radius * radius;
  const int size = t->width, half = size / 2;
  /* The up axis (0, -1) turned: along it the discs sit at +-shift. */
  const double ux = angle != 0 ? sin (angle) : 0;
  const double uy = angle != 0 ? -cos (angle) : -1;
  /* A pixel's sub-samples lie within 0.62 px of its centre: beyond 0.75
     px of a disc's edge they all fall on one side of it. */
  const double sure = 0.75;
  /* Coverage is relative to a fully covered pixel's value. */
  float peak = 0;
  float *original = malloc ((size_t) size * size * sizeof *original);
  if (!original)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        original[(size_t) y * size + x] = *skc_image_pixel (t, x, y);
        peak = fmaxf (peak, original[(size_t) y * size + x]);
      }
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        float *v = skc_image_pixel (t, x, y);
        if (*v == 0)
          continue;
        double cx = x - half, cy = y - half;
        double along = cx * ux + cy * uy, across = cy * ux - cx * uy;
        double d0 = hypot (across, along - shift);
        double d1 = hypot (across, along + shift);
        if (d0 + sure <= radius && d1 + sure <= radius)
          continue;
        if (d0 - sure > radius || d1 - sure > radius)
          {
            *v = 0;
            continue;
          }
        int inside = 0;
        for (int j = 0; j < sub; j++)
          for (int i = 0; i < sub; i++)
            {
              double px = x - half - 0.5 + (i + 0.5) / sub;
              double py = y - half - 0.5 + (j + 0.5) / sub;
              double a = px * ux + py * uy, c = py * ux - px * uy;
              inside += c * c + (a - shift) * (a - shift) <= limit
                        && c * c + (a + shift) * (a + shift) <= limit;
            }
        /* The shape's own coverage is known only per pixel.  On its rim
           (a pixel beside an empty one) the lens' edge mostly follows the
           shape's (round apertures at small amounts), and the covered
           part is the smaller coverage: a product would darken the rim
           (19 dB off the plain disc at R 8).  Inside, where the shape's
           value is its texture, the lens covers a share of it. */
        float lens = (float) inside / (sub * sub);
        *v = on_rim (original, size, x, y) ? fminf (*v, lens * peak)
                                           : *v * lens;
      }
  free (original);
  skc_result r = skc_kernel_normalise (t, err);
  if (r != SKC_OK)
    skc_image_free (t);
  return r;
}

/* The lens' rim, sampled: a pixel is that many sub-samples per axis (at
 * most CLIP_SUB_MAX). */
#define CLIP_SUB_MAX 8
static int
clip_sub (double radius)
{
  return radius <= 30 ? 8 : radius <= 100 ? 6 : 4;
}

int
skc_target_fine_over (double radius)
{
  return radius <= 12 ? 7 : radius <= 40 ? 5 : radius <= 160 ? 3 : 1;
}

skc_result
skc_target_fine (const skc_params *p, double radius, skc_image *fine,
                 skc_error *err)
{
  const int over = skc_target_fine_over (radius);
  const int size = over * (2 * (int) ceil (radius) + 1);
  if (p->shape_image)
    return skc_kernel_from_values_spanning (
        p->shape_image->data, p->shape_image->width, p->shape_image->height,
        p->shape_image->stride, size, over * (2 * radius + 1), fine, err);
  return skc_shape_render (&p->shape, radius * over, size, fine, err);
}

/* The fine raster's weight per target pixel at kernel-frame offset
 * (u, v) from the centre: bilinear, 0 outside. */
static inline double
fine_density (const skc_image *fine, int over, double u, double v)
{
  const double centre = (fine->width - 1) / 2.0;
  const double fx = centre + u * over, fy = centre + v * over;
  /* floor () without the library call (no rounding instruction in the
     baseline x86-64 this builds for): the same integers. */
  int x0 = (int) fx, y0 = (int) fy;
  x0 -= fx < x0;
  y0 -= fy < y0;
  const double tx = fx - x0, ty = fy - y0;
  double acc = 0;
  if (x0 >= 0 && y0 >= 0 && x0 + 1 < fine->width && y0 + 1 < fine->height)
    {
      /* The four in the order of the checked loop below: the same sum. */
      const float *row0 = skc_image_pixel ((skc_image *) fine, x0, y0);
      const float *row1 = skc_image_pixel ((skc_image *) fine, x0, y0 + 1);
      acc += (1 - tx) * (1 - ty) * row0[0];
      acc += tx * (1 - ty) * row0[1];
      acc += (1 - tx) * ty * row1[0];
      acc += tx * ty * row1[1];
      return acc * over * over;
    }
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int x = x0 + i, y = y0 + j;
        if (x >= 0 && y >= 0 && x < fine->width && y < fine->height)
          acc += (i ? tx : 1 - tx) * (j ? ty : 1 - ty)
                 * *skc_image_pixel (fine, x, y);
      }
  return acc * over * over;
}

skc_result
skc_target_or_point (const skc_params *p, double radius, skc_image *t)
{
  if (radius >= 0.5)
    return skc_target_make (p, radius, 0, t, NULL);
  skc_result res = skc_image_alloc (t, 1, 1, 1);
  if (res == SKC_OK)
    t->data[0] = 1;
  return res;
}

skc_result
skc_target_clip_fine (skc_image *t, const skc_image *fine, double radius,
                      double amount, double angle, skc_error *err)
{
  return skc_target_clip_fine_classes (t, fine, radius, amount, angle, NULL,
                                       err);
}

void
skc_clip_init (skc_clip *g, const skc_image *fine, double radius, double amount,
               double angle, int size)
{
  g->fine = fine;
  g->over = skc_target_fine_over (radius);
  g->sub = clip_sub (radius);
  g->sub = g->sub < CLIP_SUB_MAX ? g->sub : CLIP_SUB_MAX;
  g->size = size;
  g->half = size / 2;
  g->shift = amount * radius * SKC_ENGINE_CLIP_OFFSET / 2;
  g->limit = radius * radius;
  /* Screen offset (x, y) lands in the kernel's frame at (c x + s y,
     -s x + c y); the lens' discs sit at v = +-shift there. */
  g->c = cos (angle);
  g->s = sin (angle);
  /* Sub-samples lie within 0.71 px of a pixel's centre: a pixel whose
     centre is 0.75 px inside both discs is covered, one 0.75 px outside
     either is not (compared as squares).  (The samples' own reach, 0.53
     px at 4 a side, sampled a third fewer pixels for no time measurable,
     and the pixels' own values in that band took a hexagon's cat-eye at
     R 8, high, from 41.0 to 37.6 dB against the truth, which samples.) */
  const double sure = 0.75;
  g->inner = radius > sure ? (radius - sure) * (radius - sure) : -1;
  g->outer = (radius + sure) * (radius + sure);
}

/* Where along a row a disc's squared distance d (X) = X^2 + b X + e,
 * X the pixel's offset from the centre, is within `limit`: [*lo, *hi];
 * 0 when nowhere (or only within rounding of it). */
static int
row_span (double b, double e, double limit, double *lo, double *hi)
{
  const double half_b = b / 2, reach = half_b * half_b - (e - limit);
  if (!(reach > 0))
    return 0;
  const double root = sqrt (reach);
  *lo = -half_b - root;
  *hi = -half_b + root;
  return 1;
}

void
skc_clip_row (const skc_clip *g, int y, skc_clip_span *span)
{
  /* Along the row, a disc's squared distance is a quadratic in the offset
     X (the turn keeps lengths): d0 = X^2 + b X + e0, d1 = X^2 - b X + e1.
     Pixels a whole pixel within both inner spans are inside, a whole pixel
     beyond either outer span outside (there the quadratic is over a pixel
     squared from its limit, far beyond rounding); only those between are
     left to skc_clip_pixel, so each keeps the class its test gives. */
  const int size = g->size, half = g->half;
  const double Y = y - half, shift = g->shift, b = 2 * shift * g->s;
  const double e0 = Y * Y - 2 * shift * g->c * Y + shift * shift;
  const double e1 = Y * Y + 2 * shift * g->c * Y + shift * shift;
  double lo0, hi0, lo1, hi1;
  int in_first = size, in_last = -1, out_first = 0, out_last = size - 1;
  const int reach0 = row_span (b, e0, g->outer, &lo0, &hi0);
  const int reach1 = row_span (-b, e1, g->outer, &lo1, &hi1);
  /* Beyond an outer disc entirely by over a pixel squared: the whole row
     outside; closer, the whole row is tested. */
  const double miss0 = b * b / 4 - (e0 - g->outer);
  const double miss1 = b * b / 4 - (e1 - g->outer);
  if ((!reach0 && miss0 < -1) || (!reach1 && miss1 < -1))
    out_first = size, out_last = -1;
  else if (reach0 && reach1)
    {
      out_first = (int) floor (half + fmax (lo0, lo1) - 1);
      out_last = (int) ceil (half + fmin (hi0, hi1) + 1);
    }
  span->out_first = out_first < 0 ? 0 : out_first;
  span->out_last = out_last > size - 1 ? size - 1 : out_last;
  if (row_span (b, e0, g->inner, &lo0, &hi0)
      && row_span (-b, e1, g->inner, &lo1, &hi1))
    {
      in_first = (int) ceil (half + fmax (lo0, lo1) + 1);
      in_last = (int) floor (half + fmin (hi0, hi1) - 1);
    }
  span->in_first = in_first < span->out_first ? span->out_first : in_first;
  span->in_last = in_last > span->out_last ? span->out_last : in_last;
}

static unsigned char
clip_pixel (const skc_clip *g, int x, int y, float *value, double *density,
            uint64_t *sampled)
{
  const int half = g->half, sub = g->sub;
  const double c = g->c, s = g->s, shift = g->shift, limit = g->limit;
  const double u = c * (x - half) + s * (y - half);
  const double v = -s * (x - half) + c * (y - half);
  const double d0 = u * u + (v - shift) * (v - shift);
  const double d1 = u * u + (v + shift) * (v + shift);
  const unsigned char class = d0 <= g->inner && d1 <= g->inner ? SKC_CLIP_INSIDE
                              : d0 > g->outer || d1 > g->outer
                                  ? SKC_CLIP_OUTSIDE
                                  : SKC_CLIP_EDGE;
  if (*value == 0 || class == SKC_CLIP_INSIDE)
    return class; /* outside the shape the lens takes nothing */
  if (class == SKC_CLIP_OUTSIDE)
    {
      *value = 0;
      return class;
    }
  /* On the lens' edge: the shape's own density where the lens covers it,
     as the pixel's share of both. */
  double acc = 0, offset[CLIP_SUB_MAX];
  for (int i = 0; i < sub; i++)
    offset[i] = (i + 0.5) / sub;
  for (int j = 0; j < sub; j++)
    for (int i = 0; i < sub; i++)
      {
        const double sx = x - half - 0.5 + offset[i];
        const double sy = y - half - 0.5 + offset[j];
        const double su = c * sx + s * sy, sv = -s * sx + c * sy;
        if (su * su + (sv - shift) * (sv - shift) <= limit
            && su * su + (sv + shift) * (sv + shift) <= limit)
          {
            const int k = j * sub + i;
            if (!density)
              acc += fine_density (g->fine, g->over, su, sv);
            else
              {
                if (!(*sampled >> k & 1))
                  {
                    density[k] = fine_density (g->fine, g->over, su, sv);
                    *sampled |= (uint64_t) 1 << k;
                  }
                acc += density[k];
              }
          }
      }
  *value = (float) (acc / (sub * sub));
  return class;
}

unsigned char
skc_clip_pixel (const skc_clip *g, int x, int y, float *value)
{
  return clip_pixel (g, x, y, value, NULL, NULL);
}

unsigned char
skc_clip_pixel_kept (const skc_clip *g, int x, int y, float *value,
                     double *density, uint64_t *sampled)
{
  return clip_pixel (g, x, y, value, density, sampled);
}

skc_result
skc_target_clip_fine_classes (skc_image *t, const skc_image *fine,
                              double radius, double amount, double angle,
                              unsigned char *classes, skc_error *err)
{
  const int size = t->width;
  skc_clip g;
  skc_clip_init (&g, fine, radius, amount, angle, size);
  unsigned char *row_classes
      = classes ? NULL : malloc ((size_t) (size > 0 ? size : 1));
  if (!classes && !row_classes)
    {
      skc_image_free (t); /* as where normalising fails */
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  for (int y = 0; y < size; y++)
    {
      unsigned char *class = classes ? classes + (size_t) y * size
                                     : row_classes;
      skc_clip_span span;
      skc_clip_row (&g, y, &span);
      for (int x = 0; x < size; x++)
        {
          if (x < span.out_first || x > span.out_last)
            {
              class[x] = SKC_CLIP_OUTSIDE;
              *skc_image_pixel (t, x, y) = 0;
            }
          else if (x >= span.in_first && x <= span.in_last)
            class[x] = SKC_CLIP_INSIDE;
          else
            class[x] = skc_clip_pixel (&g, x, y, skc_image_pixel (t, x, y));
        }
    }
  free (row_classes);
  skc_result r = skc_kernel_normalise (t, err);
  if (r != SKC_OK)
    skc_image_free (t);
  return r;
}

skc_result
skc_target_fit_as (const skc_params *p, const skc_run *run, double radius,
                   double amount, skc_offset_kind offsets,
                   const skc_filter *initial, double initial_scale,
                   const char *chain, skc_filter **out, double *loss,
                   skc_error *err)
{
  char identity[SKC_PATH_MAX + 64];
  skc_target_identity (p, identity, sizeof identity);
  char key[SKC_PATH_MAX + 256];
  char clip[48] = "";
  if (amount > 0)
    snprintf (clip, sizeof clip, "|cat-eye=%.9g|clip=min", amount);
  snprintf (key, sizeof key, "%s|%s|r=%.9g|%s|seed=%llu|%s%s%s", FITTER_VERSION,
            identity, radius, skc_quality_name (p->quality),
            (unsigned long long) p->seed, chain ? chain : "direct",
            offsets == SKC_OFFSETS_INTEGER ? "|integer" : "", clip);

  skc_image target = { 0 };
  skc_result r = skc_target_make (p, radius, amount, &target, err);
  if (r != SKC_OK)
    return r;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.samples = skc_samples_per_layer (p->quality);
  opts.offsets = offsets;
  opts.seed = p->seed;
  opts.threads = run->threads;
  opts.cancel = run->cancel;
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
      if (loss && skc_fit_loss (*out, &target, loss, NULL) != SKC_OK)
        *loss = -1;
    }
  skc_image_free (&target);
  return r;
}

skc_result
skc_target_fit (const skc_params *p, const skc_run *run, double radius,
                const skc_filter *initial, double initial_scale,
                const char *chain, skc_filter **out, skc_error *err)
{
  return skc_target_fit_as (p, run, radius, 0, SKC_OFFSETS_BILINEAR, initial,
                            initial_scale, chain, out, NULL, err);
}
