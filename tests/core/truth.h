/* skc tests — brute-force references for the engine's tests: dense
 * convolution in double with clamped edges, an impulse response against
 * its kernel, and the tilt-shift map with its per-pixel dense truth.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEST_TRUTH_H
#define SKC_TEST_TRUTH_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skc/skc.h"

/* Runs whose results must agree bit for bit. */
static const skc_run one_thread = { .threads = 1 };
static const skc_run three_threads = { .threads = 3 };

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

/* The largest |difference| between `out` (1 channel) and kernel k centred
 * at (cx, cy) in it, 0 outside k: how far an impulse response applied at
 * (cx, cy) is from the kernel stated for it. */
static inline double
response_vs_kernel (const skc_image *out, int cx, int cy, const skc_image *k)
{
  double worst = 0;
  int kw = k->width / 2, kh = k->height / 2;
  for (int y = 0; y < out->height; y++)
    for (int x = 0; x < out->width; x++)
      {
        int kx = x - cx + kw, ky = y - cy + kh;
        double want = kx >= 0 && ky >= 0 && kx < k->width && ky < k->height
                          ? *skc_image_pixel (k, kx, ky)
                          : 0;
        worst = fmax (worst, fabs (*skc_image_pixel (out, x, y) - want));
      }
  return worst;
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

/* The input a region [x0, x1) x [y0, y1) needs: grown by the reach R,
 * clipped to a w x h image; a view of `pixels` there (NULL: no pixels,
 * the rectangle only). */
static inline skc_view
grown_view (const skc_image *pixels, int x0, int y0, int x1, int y1, int R,
            int w, int h)
{
  int ix0 = x0 - R < 0 ? 0 : x0 - R, iy0 = y0 - R < 0 ? 0 : y0 - R;
  int ix1 = x1 + R > w ? w : x1 + R, iy1 = y1 + R > h ? h : y1 + R;
  skc_view v = { NULL, 0, ix0, iy0, ix1 - ix0, iy1 - iy0 };
  if (pixels)
    {
      v.pixels = skc_image_pixel (pixels, ix0, iy0);
      v.stride = pixels->stride;
    }
  return v;
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
        skc_apply_request rq = {
          .image_width = w,
          .image_height = h,
          .channels = in->channels,
          .alpha = alpha,
          .input = grown_view (in, x0, y0, x1, y1, R, w, h),
          .output = { skc_image_pixel (pieces, x0, y0), pieces->stride, x0, y0,
                      x1 - x0, y1 - y0 },
        };
        if (map)
          rq.map = grown_view (map, x0, y0, x1, y1, R, w, h);
        skc_error err;
        if (!CHECK (skc_engine_process (e, &rq, NULL, &err) == SKC_OK))
          {
            fprintf (stderr, "     region %d,%d: %s\n", x0, y0, err.message);
            ok = 0;
          }
      }
  return ok;
}

/* Pixels on demand (skc_pixel_io) from and into images in memory, with
 * what a caller must be able to rely on checked: reads lie in the input
 * rectangle, every output pixel is written once, inside the output. */
typedef struct
{
  const skc_image *in;
  skc_image *out;
  skc_view input, output; /* the request's rectangles */
  int *writes;            /* per output pixel, image-sized */
  int stray;              /* reads or writes outside their rectangle */
  int fail_after;         /* reads refused after this many; < 0: never */
  int reads;
  double last_progress;
  int progress_calls, progress_backwards, stop_at_progress;
  int straight; /* the request's straight_alpha */
} on_demand;

static inline int
on_demand_read (void *data, int x, int y, int width, int height, float *dst,
                size_t stride)
{
  on_demand *d = data;
  if (x < d->input.x || y < d->input.y || width < 1 || height < 1
      || x + width > d->input.x + d->input.width
      || y + height > d->input.y + d->input.height)
    {
      __atomic_store_n (&d->stray, 1, __ATOMIC_RELAXED);
      return 0;
    }
  int n = __atomic_fetch_add (&d->reads, 1, __ATOMIC_RELAXED);
  if (d->fail_after >= 0 && n >= d->fail_after)
    return 0;
  for (int j = 0; j < height; j++)
    memcpy (dst + (size_t) j * stride, skc_image_pixel (d->in, x, y + j),
            (size_t) width * d->in->channels * sizeof *dst);
  return 1;
}

static inline int
on_demand_write (void *data, int x, int y, int width, int height,
                 const float *src, size_t stride)
{
  on_demand *d = data;
  if (x < d->output.x || y < d->output.y
      || x + width > d->output.x + d->output.width
      || y + height > d->output.y + d->output.height)
    {
      __atomic_store_n (&d->stray, 1, __ATOMIC_RELAXED);
      return 0;
    }
  for (int j = 0; j < height; j++)
    {
      memcpy (skc_image_pixel (d->out, x, y + j), src + (size_t) j * stride,
              (size_t) width * d->out->channels * sizeof *src);
      for (int i = 0; i < width; i++)
        __atomic_fetch_add (
            &d->writes[(size_t) (y + j) * d->out->width + x + i], 1,
            __ATOMIC_RELAXED);
    }
  return 1;
}

static inline int
on_demand_progress (void *data, double done)
{
  on_demand *d = data;
  d->progress_backwards |= done < d->last_progress || done > 1;
  d->last_progress = done;
  d->progress_calls++;
  return d->stop_at_progress <= 0 || d->progress_calls < d->stop_at_progress;
}

/* Blurs the rectangle (x0, y0, w, h) of `in` into *out (allocated here,
 * the image's size, 0 outside the rectangle) with its input (the rectangle
 * grown by the reach) read on demand and its output written on demand;
 * `d` (zeroed by the caller but for fail_after and stop_at_progress) says
 * what happened.  Returns the process call's result. */
static inline skc_result
apply_on_demand (const skc_engine *e, const skc_image *in, int alpha,
                 const skc_image *map, int x0, int y0, int w, int h,
                 const skc_run *threads, on_demand *d, skc_image *out)
{
  int W = in->width, H = in->height, R = skc_engine_reach (e);
  if (skc_image_alloc (out, W, H, in->channels) != SKC_OK)
    return SKC_ERR_OUT_OF_MEMORY;
  memset (out->data, 0, sizeof (float) * out->stride * H);
  d->in = in;
  d->out = out;
  d->input = grown_view (NULL, x0, y0, x0 + w, y0 + h, R, W, H);
  d->output = (skc_view){ NULL, 0, x0, y0, w, h };
  d->writes = calloc ((size_t) W * H, sizeof *d->writes);
  skc_apply_request rq = {
    .image_width = W,
    .image_height = H,
    .channels = in->channels,
    .alpha = alpha,
    .input = d->input,
    .output = d->output,
    .straight_alpha = d->straight,
    .io = { on_demand_read, on_demand_write, d },
  };
  if (map)
    rq.map = grown_view (map, x0, y0, x0 + w, y0 + h, R, W, H);
  skc_run run = *threads;
  run.progress = on_demand_progress;
  run.progress_data = d;
  skc_result r = d->writes ? skc_engine_process (e, &rq, &run, NULL)
                           : SKC_ERR_OUT_OF_MEMORY;
  return r;
}

/* Whether every pixel of the rectangle was written exactly once (and no
 * other); frees the counts. */
static inline int
on_demand_written_once (on_demand *d)
{
  int ok = d->writes && !d->stray;
  for (int y = 0; ok && y < d->out->height; y++)
    for (int x = 0; x < d->out->width; x++)
      {
        int inside = x >= d->output.x && x < d->output.x + d->output.width
                     && y >= d->output.y && y < d->output.y + d->output.height;
        ok &= d->writes[(size_t) y * d->out->width + x] == inside;
      }
  free (d->writes);
  d->writes = NULL;
  return ok;
}

/* Straight colour and back, as skc_apply_request.straight_alpha promises
 * (colour times alpha; colour times 1 / alpha, 0 where alpha is not above
 * 0), into a new image. */
static inline skc_image
alpha_converted (const skc_image *img, int alpha, int to_straight)
{
  skc_image out = { 0 };
  if (skc_image_alloc (&out, img->width, img->height, img->channels) != SKC_OK)
    return out;
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width; x++)
      {
        const float *p = skc_image_pixel (img, x, y);
        float *q = skc_image_pixel (&out, x, y);
        float a = p[alpha];
        float factor = !to_straight ? a : a > 0 ? 1.0f / a : 0.0f;
        for (int c = 0; c < img->channels; c++)
          q[c] = c == alpha ? a : p[c] * factor;
      }
  return out;
}

#endif
