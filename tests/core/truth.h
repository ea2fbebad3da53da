/* skc tests — brute-force references for the engine's tests: dense
 * convolution in double with clamped edges, and the tilt-shift map with
 * its per-pixel dense truth.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEST_TRUTH_H
#define SKC_TEST_TRUTH_H

#include <math.h>
#include <stdio.h>

#include "check.h"
#include "skc/skc.h"

/* Runs whose results must agree bit for bit. */
static const skc_run one_thread = { 1, NULL };
static const skc_run three_threads = { 3, NULL };

static inline int
clampi (int v, int n)
{
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

/* Channel c of the dense convolution of `in` with kernel k at (x, y),
 * in double, edges clamped. */
static inline double
dense_at (const skc_image *k, const skc_image *in, int x, int y, int c)
{
  int h = k->width / 2;
  double acc = 0;
  for (int ky = 0; ky < k->height; ky++)
    for (int kx = 0; kx < k->width; kx++)
      {
        float w = *skc_image_pixel (k, kx, ky);
        if (w != 0)
          acc += (double) w
                 * skc_image_pixel (in, clampi (x - (kx - h), in->width),
                                    clampi (y - (ky - h), in->height))[c];
      }
  return acc;
}

/* A tilt-shift map: 0 in a band around the middle row, growing linearly
 * to 1 at the top and bottom. */
static inline skc_image
tilt_shift_map (int w, int h)
{
  skc_image m = { 0 };
  skc_image_alloc (&m, w, h, 1);
  for (int y = 0; y < h; y++)
    {
      double d = fabs (y - h / 2.0) / (h / 2.0);
      double v = d < 0.15 ? 0 : (d - 0.15) / 0.85;
      for (int x = 0; x < w; x++)
        *skc_image_pixel (&m, x, y) = (float) v;
    }
  return m;
}

/* PSNR of `out` (a blur of photo with `map`, rows of one value) against
 * brute-force truth: every pixel gathers with the dense kernel of `spec`
 * at its own radius rmax x map, away from the edges by rmax. */
static inline double
tilt_shift_truth_psnr (const skc_image *out, const skc_image *photo,
                       const skc_image *map, const char *spec, double rmax)
{
  skc_shape s;
  skc_shape_parse (spec, &s, NULL);
  int w = photo->width, h = photo->height, margin = (int) ceil (rmax);
  double sse = 0;
  long n = 0;
  for (int y = margin; out->data && y < h - margin; y++)
    {
      double r = rmax * *skc_image_pixel (map, 0, y);
      skc_image k = { 0 };
      if (r > 0)
        skc_shape_render (&s, r, 0, &k, NULL);
      else
        {
          skc_image_alloc (&k, 1, 1, 1);
          k.data[0] = 1;
        }
      for (int x = margin; x < w - margin; x++)
        for (int c = 0; c < photo->channels; c++)
          {
            double d = skc_image_pixel (out, x, y)[c]
                       - dense_at (&k, photo, x, y, c);
            sse += d * d;
            n++;
          }
      skc_image_free (&k);
    }
  return -10 * log10 (sse / n);
}

/* Blurs `in` (alpha as in skc_apply_image; map NULL or the image's size)
 * into `pieces` (allocated here) as nine regions cut at cuts_x[1..2] and
 * cuts_y[1..2] (cuts_x[3], cuts_y[3]: the image's size), each handed
 * exactly its engine's reach of margin; each call is checked (a failure's
 * message printed), and 0 returned if one failed. */
static inline int
apply_in_pieces (const skc_engine *e, const skc_image *in, int alpha,
                 const skc_image *map, const int cuts_x[4], const int cuts_y[4],
                 skc_image *pieces)
{
  int w = in->width, h = in->height, ok = 1;
  int R = skc_engine_reach (e);
  if (skc_image_alloc (pieces, w, h, in->channels) != SKC_OK)
    return 0;
  for (int i = 0; i < 3; i++)
    for (int j = 0; j < 3; j++)
      {
        int x0 = cuts_x[i], x1 = cuts_x[i + 1];
        int y0 = cuts_y[j], y1 = cuts_y[j + 1];
        int ix0 = x0 - R < 0 ? 0 : x0 - R, iy0 = y0 - R < 0 ? 0 : y0 - R;
        int ix1 = x1 + R > w ? w : x1 + R, iy1 = y1 + R > h ? h : y1 + R;
        skc_apply_request rq = {
          .image_width = w,
          .image_height = h,
          .channels = in->channels,
          .alpha = alpha,
          .input = { skc_image_pixel (in, ix0, iy0), in->stride, ix0, iy0,
                     ix1 - ix0, iy1 - iy0 },
          .output = { skc_image_pixel (pieces, x0, y0), pieces->stride, x0, y0,
                      x1 - x0, y1 - y0 },
        };
        if (map)
          rq.map = (skc_view){ skc_image_pixel (map, ix0, iy0),
                               map->stride,
                               ix0,
                               iy0,
                               ix1 - ix0,
                               iy1 - iy0 };
        skc_error err;
        if (!CHECK (skc_engine_process (e, &rq, NULL, &err) == SKC_OK))
          {
            fprintf (stderr, "     region %d,%d: %s\n", x0, y0, err.message);
            ok = 0;
          }
      }
  return ok;
}

#endif
