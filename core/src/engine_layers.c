/* skc — depth-aware blur (occlusion) on layers: the map is depth as well
 * as blur (params.depth), so near things hide what lies behind them.
 *
 * The first version, for whole images (skc_apply_image) and not yet tiled:
 *  1. each pixel's signed radius, rho = radius x (v - focus) after
 *     invert-map and map-gamma, positive toward the near end (white with
 *     white-near, black with black-near);
 *  2. layers by rho: whole pixels up to SKC_LAYERS_FINE px, then bins 1/8
 *     of the radius wide, on each side of the focus; a layer blurs with
 *     the mean radius of its pixels;
 *  3. far to near, each layer is its pixels' colour times coverage, and
 *     where nearer layers hide it (within the bounded fill distance of its
 *     own pixels: the largest layer radius plus its own) its colour filled
 *     in by pull-push from its own pixels (but those on an edge in depth,
 *     which hold some of the nearer thing's colour, and are filled too);
 *     blurred uniformly by an engine of its radius (any shape, highlights,
 *     swirl, cat-eye), colour times coverage and coverage alike (coverage
 *     is the alpha channel, or one added);
 *  4. composited back to front: C = blur (L a) + (1 - blur (a)) C; without
 *     an alpha channel the colour is divided by the coverage at the end.
 * Every step runs in a fixed order on the whole image, so results do not
 * depend on the thread count.  Memory: a few copies of the image, one
 * layer at a time.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Radii below this many pixels get one layer per whole pixel; above, bins
 * grow with the radius (1/8 of it wide). */
#define SKC_LAYERS_FINE 8.0
#define SKC_LAYERS_GROWTH 1.125

/* A radius's bin: whole pixels up to SKC_LAYERS_FINE, then steps of
 * SKC_LAYERS_GROWTH (continuous in slope at the join). */
static int
radius_bin (double r)
{
  if (r <= SKC_LAYERS_FINE)
    return (int) lround (r);
  return (int) lround (SKC_LAYERS_FINE
                       + log (r / SKC_LAYERS_FINE) / log (SKC_LAYERS_GROWTH));
}

/* Each pixel's layer (signed bin, near positive) from the map; -1 when
 * all are finite, else the index of the first that is not (a NaN has no
 * place in the order of depths). */
static long
pixel_layers (const skc_engine *e, const skc_image *map, int *bin,
              double *radius)
{
  const skc_params *p = &e->params;
  double sign = p->depth == SKC_DEPTH_BLACK_NEAR ? -1 : 1;
  size_t n = (size_t) map->width * map->height;
  float last = NAN;
  int last_bin = 0;
  double last_radius = 0;
  for (size_t i = 0; i < n; i++)
    {
      float v = map->data[(i / map->width) * map->stride + i % map->width];
      if (!isfinite (v))
        return (long) i;
      if (v != last)
        {
          double rho
              = sign * p->radius * (skc_engine_map_shaped (e, v) - p->focus);
          last_radius = fabs (rho);
          last_bin = radius_bin (last_radius);
          last_bin = rho < 0 ? -last_bin : last_bin;
          last = v;
        }
      bin[i] = last_bin;
      radius[i] = last_radius;
    }
  return -1;
}

/* 1-D distance (capped at cap + 1) to the nearest set entry of a line of
 * n, stride apart, in place. */
static void
line_distance (int *d, int n, size_t stride, int cap)
{
  int run = cap + 1;
  for (int i = 0; i < n; i++)
    {
      int *v = &d[(size_t) i * stride];
      run = *v == 0 ? 0 : run < cap + 1 ? run + 1 : cap + 1;
      *v = run < *v ? run : *v;
    }
  run = cap + 1;
  for (int i = n - 1; i >= 0; i--)
    {
      int *v = &d[(size_t) i * stride];
      run = *v == 0 ? 0 : run < cap + 1 ? run + 1 : cap + 1;
      *v = run < *v ? run : *v;
    }
}

/* dist[i] <= reach where a pixel lies within `reach` (chessboard
 * distance) of a layer pixel (bin[i] == layer), reach + 1 elsewhere: rows,
 * then columns. */
static void
within_reach (const int *bin, int layer, int w, int h, int reach, int *dist)
{
  size_t n = (size_t) w * h;
  for (size_t i = 0; i < n; i++)
    dist[i] = bin[i] == layer ? 0 : reach + 1;
  for (int y = 0; y < h; y++)
    line_distance (dist + (size_t) y * w, w, 1, reach);
  /* Chessboard: a column's distance is the smallest row distance within
     reach rows; the row pass set 0 on the row's hits only, so the
     column pass of 0/not-0 flags gives the max-norm disc. */
  for (size_t i = 0; i < n; i++)
    dist[i] = dist[i] <= reach ? 0 : reach + 1;
  for (int x = 0; x < w; x++)
    line_distance (dist + x, h, (size_t) w, reach);
}

/* Pull-push fill: the layer's pixels (weight 1) spread into the rest of
 * the image, aligned to the origin; values at weighted pixels stay.
 * `values` (w x h x C) holds the layer's pixels and receives the fill;
 * `weight` (w x h) is 1 on them, 0 elsewhere.  0 when out of memory. */
static int
pull_push (float *values, const float *weight, int w, int h, int C)
{
  int levels = 1;
  int lw[32], lh[32];
  float *lv[32], *lwt[32];
  lw[0] = w, lh[0] = h, lv[0] = values, lwt[0] = (float *) weight;
  while ((lw[levels - 1] > 1 || lh[levels - 1] > 1) && levels < 32)
    {
      lw[levels] = (lw[levels - 1] + 1) / 2;
      lh[levels] = (lh[levels - 1] + 1) / 2;
      levels++;
    }
  int ok = 1;
  for (int l = 1; l < levels; l++)
    {
      lv[l] = malloc ((size_t) lw[l] * lh[l] * C * sizeof (float));
      lwt[l] = malloc ((size_t) lw[l] * lh[l] * sizeof (float));
      ok &= lv[l] && lwt[l];
    }
  /* Pull: each coarse pixel the weighted mean of its 2 x 2, its weight
     their sum capped at 1. */
  for (int l = 1; ok && l < levels; l++)
    for (int y = 0; y < lh[l]; y++)
      for (int x = 0; x < lw[l]; x++)
        {
          double sum[4] = { 0, 0, 0, 0 }, wsum = 0;
          for (int dy = 0; dy < 2; dy++)
            for (int dx = 0; dx < 2; dx++)
              {
                int fx = 2 * x + dx, fy = 2 * y + dy;
                if (fx >= lw[l - 1] || fy >= lh[l - 1])
                  continue;
                size_t fi = (size_t) fy * lw[l - 1] + fx;
                float fw = lwt[l - 1][fi];
                wsum += fw;
                for (int c = 0; c < C; c++)
                  sum[c] += fw * lv[l - 1][fi * C + c];
              }
          size_t i = (size_t) y * lw[l] + x;
          for (int c = 0; c < C; c++)
            lv[l][i * C + c] = wsum > 0 ? (float) (sum[c] / wsum) : 0;
          lwt[l][i] = wsum < 1 ? (float) wsum : 1;
        }
  /* Push: from the top down, each pixel blends toward its parent level's
     bilinear value by what its own weight lacks. */
  for (int l = levels - 2; ok && l >= 0; l--)
    for (int y = 0; y < lh[l]; y++)
      {
        double py = (y + 0.5) / 2 - 0.5;
        int y0 = (int) floor (py);
        double ty = py - y0;
        int ya = skc_clampi (y0, 0, lh[l + 1] - 1);
        int yb = skc_clampi (y0 + 1, 0, lh[l + 1] - 1);
        for (int x = 0; x < lw[l]; x++)
          {
            size_t i = (size_t) y * lw[l] + x;
            float own = lwt[l][i];
            if (own >= 1)
              continue;
            double px = (x + 0.5) / 2 - 0.5;
            int x0 = (int) floor (px);
            double tx = px - x0;
            int xa = skc_clampi (x0, 0, lw[l + 1] - 1);
            int xb = skc_clampi (x0 + 1, 0, lw[l + 1] - 1);
            const float *up = lv[l + 1];
            size_t pw = (size_t) lw[l + 1];
            for (int c = 0; c < C; c++)
              {
                double top = (1 - tx) * up[((size_t) ya * pw + xa) * C + c]
                             + tx * up[((size_t) ya * pw + xb) * C + c];
                double bottom = (1 - tx) * up[((size_t) yb * pw + xa) * C + c]
                                + tx * up[((size_t) yb * pw + xb) * C + c];
                double coarse = (1 - ty) * top + ty * bottom;
                lv[l][i * C + c]
                    = (float) (own * lv[l][i * C + c] + (1 - own) * coarse);
              }
          }
      }
  for (int l = 1; l < levels; l++)
    {
      free (lv[l]);
      free (lwt[l]);
    }
  return ok;
}

/* One layer: its radius and the signed bin it stands for. */
typedef struct
{
  int bin;
  double radius_sum;
  size_t count;
} layer_info;

static int
compare_layers (const void *a, const void *b)
{
  int x = ((const layer_info *) a)->bin, y = ((const layer_info *) b)->bin;
  return (x > y) - (x < y);
}

/* Blurs the layer image (w x h x C, alpha at ca) uniformly with radius r
 * over the bounding box of its non-zero pixels grown by the reach, and
 * composites it over `acc` there. */
static skc_result
blur_and_composite (const skc_engine *e, const float *layer, float *blurred,
                    float *acc, int w, int h, int C, int ca, double r, int bx0,
                    int by0, int bx1, int by1, const skc_run *run,
                    skc_error *err)
{
  skc_params p = e->params;
  p.radius = r;
  p.depth = SKC_DEPTH_NONE;
  p.shape_image = e->depth_shape.data ? &e->depth_shape : NULL;
  skc_engine *le = NULL;
  skc_result res = skc_engine_new (&p, 0, run, &le, err);
  if (res != SKC_OK)
    return res;
  int reach = skc_engine_reach (le);
  int ox0 = bx0 - reach > 0 ? bx0 - reach : 0;
  int oy0 = by0 - reach > 0 ? by0 - reach : 0;
  int ox1 = bx1 + reach < w ? bx1 + reach : w;
  int oy1 = by1 + reach < h ? by1 + reach : h;
  int ix0 = ox0 - reach > 0 ? ox0 - reach : 0;
  int iy0 = oy0 - reach > 0 ? oy0 - reach : 0;
  int ix1 = ox1 + reach < w ? ox1 + reach : w;
  int iy1 = oy1 + reach < h ? oy1 + reach : h;
  size_t stride = (size_t) w * C;
  skc_apply_request rq = {
    .image_width = w,
    .image_height = h,
    .channels = C,
    .alpha = ca,
    .input = { (float *) layer + iy0 * stride + (size_t) ix0 * C, stride, ix0,
               iy0, ix1 - ix0, iy1 - iy0 },
    .output = { blurred + oy0 * stride + (size_t) ox0 * C, stride, ox0, oy0,
                ox1 - ox0, oy1 - oy0 },
  };
  res = skc_engine_process (le, &rq, run, err);
  skc_engine_free (le);
  if (res != SKC_OK)
    return res;
  for (int y = oy0; y < oy1; y++)
    for (int x = ox0; x < ox1; x++)
      {
        size_t i = (size_t) y * stride + (size_t) x * C;
        float keep = 1 - blurred[i + ca];
        for (int c = 0; c < C; c++)
          acc[i + c] = blurred[i + c] + keep * acc[i + c];
      }
  return SKC_OK;
}

skc_result
skc_layers_apply (const skc_engine *e, const skc_image *in, int alpha,
                  const skc_image *map, const skc_run *run, skc_image *out,
                  skc_error *err)
{
  const int w = in->width, h = in->height, Cin = in->channels;
  const int C = alpha >= 0 ? Cin : Cin + 1, ca = alpha >= 0 ? alpha : Cin;
  if (C > 4)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "depth-aware blur takes at most 3 channels without "
                     "alpha");
  size_t n = (size_t) w * h;
  float *pixels = malloc (n * C * sizeof (float));
  float *layer = malloc (n * C * sizeof (float));
  float *blurred = malloc (n * C * sizeof (float));
  float *acc = calloc (n * C, sizeof (float));
  float *weight = malloc (n * sizeof (float));
  int *bin = malloc (n * sizeof (int));
  int *dist = malloc (n * sizeof (int));
  double *radius = malloc (n * sizeof (double));
  layer_info *layers = NULL;
  skc_result res = SKC_OK;
  if (!pixels || !layer || !blurred || !acc || !weight || !bin || !dist
      || !radius)
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                    "out of memory for depth layers of %dx%d", w, h);
  /* The pixels with a coverage channel; non-finite ones are transparent
     black, as the engine treats them. */
  for (size_t i = 0; res == SKC_OK && i < n; i++)
    {
      const float *src = in->data + (i / w) * in->stride + (i % w) * Cin;
      float *dst = pixels + i * C;
      int finite = 1;
      for (int c = 0; c < Cin; c++)
        finite &= isfinite (src[c]) != 0;
      for (int c = 0; c < Cin; c++)
        dst[c] = finite ? src[c] : 0;
      if (alpha < 0)
        dst[ca] = finite ? 1 : 0;
    }
  /* The layers present, far to near, each with its pixels' mean radius. */
  int count = 0;
  if (res == SKC_OK)
    {
      long bad = pixel_layers (e, map, bin, radius);
      if (bad >= 0)
        res = skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                        "depth map: pixel (%ld, %ld) is not a number", bad % w,
                        bad / w);
    }
  if (res == SKC_OK)
    {
      int lo = 0, hi = 0;
      for (size_t i = 0; i < n; i++)
        {
          lo = bin[i] < lo ? bin[i] : lo;
          hi = bin[i] > hi ? bin[i] : hi;
        }
      layers = calloc ((size_t) (hi - lo + 1), sizeof *layers);
      if (!layers)
        res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      for (size_t i = 0; layers && i < n; i++)
        {
          layer_info *l = &layers[bin[i] - lo];
          l->radius_sum += radius[i];
          l->count++;
        }
      for (int b = lo; layers && b <= hi; b++)
        if (layers[b - lo].count)
          {
            layers[count] = layers[b - lo];
            layers[count++].bin = b;
          }
      qsort (layers, count, sizeof *layers, compare_layers);
    }
  double largest = 0;
  for (int k = 0; k < count; k++)
    {
      double r = layers[k].radius_sum / layers[k].count;
      largest = r > largest ? r : largest;
    }
  for (int k = 0; res == SKC_OK && k < count; k++)
    {
      if (skc_cancel_raised (run ? run->cancel : NULL))
        {
          res = skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
          break;
        }
      int b = layers[k].bin;
      double r = layers[k].radius_sum / layers[k].count;
      /* Hidden parts matter where a nearer layer's blur uncovers them and
         this layer's blur reaches: the fill goes that far from its pixels. */
      int reach = (int) ceil (largest + r) + 1;
      within_reach (bin, b, w, h, reach, dist);
      int nearer_near = 0;
      for (size_t i = 0; i < n; i++)
        {
          weight[i] = bin[i] == b ? 1.0f : 0.0f;
          nearer_near |= bin[i] > b && dist[i] <= reach;
        }
      /* A pixel of this layer beside a nearer thing (a layer more than
         one bin nearer: an edge in depth, not a slope) holds some of its
         colour (an anti-aliased edge given whole to one layer): it takes
         the fill too, or blurring would spread that colour around the
         nearer thing as a halo. */
      int step = b + 1;
      for (int y = 0; nearer_near && y < h; y++)
        for (int x = 0; x < w; x++)
          {
            size_t i = (size_t) y * w + x;
            if (bin[i] == b
                && ((x > 0 && bin[i - 1] > step)
                    || (x + 1 < w && bin[i + 1] > step)
                    || (y > 0 && bin[i - w] > step)
                    || (y + 1 < h && bin[i + w] > step)))
              weight[i] = 0;
          }
      memcpy (layer, pixels, n * C * sizeof (float));
      if (nearer_near && !pull_push (layer, weight, w, h, C))
        {
          res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      int bx0 = w, by0 = h, bx1 = 0, by1 = 0;
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            size_t i = (size_t) y * w + x;
            int keep = bin[i] == b || (bin[i] > b && dist[i] <= reach);
            if (!keep)
              memset (layer + i * C, 0, C * sizeof (float));
            else
              {
                bx0 = x < bx0 ? x : bx0, bx1 = x + 1 > bx1 ? x + 1 : bx1;
                by0 = y < by0 ? y : by0, by1 = y + 1;
              }
          }
      res = blur_and_composite (e, layer, blurred, acc, w, h, C, ca, r, bx0,
                                by0, bx1, by1, run, err);
    }
  if (res == SKC_OK)
    res = skc_image_alloc (out, w, h, Cin);
  if (res == SKC_OK)
    for (size_t i = 0; i < n; i++)
      {
        const float *src = acc + i * C;
        float *dst = out->data + (i / w) * out->stride + (i % w) * Cin;
        if (alpha >= 0)
          memcpy (dst, src, Cin * sizeof (float));
        else
          for (int c = 0; c < Cin; c++)
            dst[c] = src[ca] > 1e-6f ? src[c] / src[ca] : 0;
      }
  free (pixels);
  free (layer);
  free (blurred);
  free (acc);
  free (weight);
  free (bin);
  free (dist);
  free (radius);
  free (layers);
  return res;
}

int
skc_layers_fill (float *values, const float *weight, int w, int h, int C)
{
  return pull_push (values, weight, w, h, C);
}
