/* skc — target kernels from images; validation, normalisation, padding.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/kernel.h"
#include "kernel_private.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

skc_result
skc_kernel_normalise (skc_image *k, skc_error *err)
{
  if (!k || !k->data || k->channels != 1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a kernel has exactly one channel");
  if (k->width % 2 == 0 || k->height % 2 == 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "kernel sides must be odd (got %dx%d)", k->width,
                     k->height);
  double sum = 0;
  for (int y = 0; y < k->height; y++)
    for (int x = 0; x < k->width; x++)
      {
        float v = *skc_image_pixel (k, x, y);
        if (!isfinite (v))
          return skc_fail (err, SKC_ERR_NON_FINITE,
                           "kernel value at (%d, %d) is not finite", x, y);
        if (v < 0)
          return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                           "kernel value at (%d, %d) is negative", x, y);
        sum += v;
      }
  if (!(sum > 0) || !isfinite (sum))
    return skc_fail (err, SKC_ERR_EMPTY_KERNEL,
                     "kernel is empty (no positive weight)");
  for (int y = 0; y < k->height; y++)
    for (int x = 0; x < k->width; x++)
      *skc_image_pixel (k, x, y) = (float) (*skc_image_pixel (k, x, y) / sum);
  return SKC_OK;
}

/* Overlap of [a0, a1) and [b0, b1). */
static double
overlap (double a0, double a1, double b0, double b1)
{
  double lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
  return hi > lo ? hi - lo : 0;
}

skc_result
skc_kernel_from_values (const float *values, int width, int height,
                        size_t stride, int size, skc_image *out, skc_error *err)
{
  return skc_kernel_from_values_spanning (values, width, height, stride, size,
                                          size, out, err);
}

skc_result
skc_kernel_from_values_spanning (const float *values, int width, int height,
                                 size_t stride, int size, double span,
                                 skc_image *out, skc_error *err)
{
  if (!values || width < 1 || height < 1 || width > SKC_IMAGE_MAX_SIDE
      || height > SKC_IMAGE_MAX_SIDE || stride < (size_t) width)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "bad kernel image size");
  if (size < 0 || (size > 0 && size % 2 == 0) || size > SKC_MAX_KERNEL_SIDE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "kernel size %d must be odd and at most %d", size,
                     SKC_MAX_KERNEL_SIDE);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      if (!isfinite (values[(size_t) y * stride + x]))
        return skc_fail (err, SKC_ERR_NON_FINITE,
                         "kernel image value at (%d, %d) is not finite", x, y);

  skc_result r;
  if (size == 0)
    {
      int w = width | 1, h = height | 1;
      if (w > SKC_MAX_KERNEL_SIDE || h > SKC_MAX_KERNEL_SIDE)
        return skc_fail (err, SKC_ERR_TOO_LARGE,
                         "kernel image %dx%d is larger than %d px; give a "
                         "size to resample it",
                         width, height, SKC_MAX_KERNEL_SIDE);
      if ((r = skc_image_alloc (out, w, h, 1)) != SKC_OK)
        return skc_fail (err, r, "out of memory");
      for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
          {
            float v = values[(size_t) y * stride + x];
            *skc_image_pixel (out, x, y) = v > 0 ? v : 0;
          }
    }
  else
    {
      /* Area resampling: the image's larger side maps onto `span` output
         pixels, centres aligned; each output pixel averages the input
         pixels it overlaps, weighted by the overlap. */
      if (!(span > 0) || span > size)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "a kernel image spans 0..%d px, not %g", size, span);
      if ((r = skc_image_alloc (out, size, size, 1)) != SKC_OK)
        return skc_fail (err, r, "out of memory");
      double scale = span / (width > height ? width : height);
      /* Each output column's input columns and their overlaps, once (a
         blur map's tables resample the image at a thousand sizes). */
      const int taps = (int) ceil (1 / scale) + 2;
      int *x_lo = malloc ((size_t) size * sizeof *x_lo);
      int *x_hi = malloc ((size_t) size * sizeof *x_hi);
      double *x_weight = malloc ((size_t) size * taps * sizeof *x_weight);
      if (!x_lo || !x_hi || !x_weight)
        {
          free (x_lo);
          free (x_hi);
          free (x_weight);
          skc_image_free (out);
          return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
        }
      for (int u = 0; u < size; u++)
        {
          double ix0 = (u - size / 2.0) / scale + width / 2.0;
          double ix1 = ix0 + 1 / scale;
          x_lo[u] = ix0 > 0 ? (int) floor (ix0) : 0;
          x_hi[u] = ix1 < width ? (int) ceil (ix1) : width;
          for (int x = x_lo[u]; x < x_hi[u]; x++)
            x_weight[(size_t) u * taps + x - x_lo[u]]
                = overlap (ix0, ix1, x, x + 1);
        }
      for (int v = 0; v < size; v++)
        {
          /* Output row v covers input rows [iy0, iy1). */
          double iy0 = (v - size / 2.0) / scale + height / 2.0;
          double iy1 = iy0 + 1 / scale;
          int y_lo = iy0 > 0 ? (int) floor (iy0) : 0;
          int y_hi = iy1 < height ? (int) ceil (iy1) : height;
          for (int u = 0; u < size; u++)
            {
              const double *wx = x_weight + (size_t) u * taps - x_lo[u];
              double acc = 0;
              for (int y = y_lo; y < y_hi; y++)
                {
                  double wy = overlap (iy0, iy1, y, y + 1);
                  const float *row = values + (size_t) y * stride;
                  for (int x = x_lo[u]; x < x_hi[u]; x++)
                    if (row[x] > 0)
                      acc += wy * wx[x] * row[x];
                }
              *skc_image_pixel (out, u, v) = (float) acc;
            }
        }
      free (x_lo);
      free (x_hi);
      free (x_weight);
    }
  r = skc_kernel_normalise (out, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}

skc_result
skc_kernel_pad (const skc_image *k, int width, int height, skc_image *out)
{
  if (width < k->width || height < k->height || width % 2 == 0
      || height % 2 == 0)
    return SKC_ERR_INVALID_ARGUMENT;
  skc_result r = skc_image_alloc (out, width, height, 1);
  if (r != SKC_OK)
    return r;
  int ox = (width - k->width) / 2, oy = (height - k->height) / 2;
  for (int y = 0; y < k->height; y++)
    memcpy (skc_image_pixel (out, ox, oy + y), skc_image_pixel (k, 0, y),
            (size_t) k->width * sizeof (float));
  return SKC_OK;
}

/* A convex polygon: a pixel's square turned, clipped by a pixel's sides
   (at most 8 vertices). */
typedef struct
{
  int n;
  double x[12], y[12];
} convex_polygon;

/* Keeps the part of p where side x (coordinate - bound) >= 0, the
   coordinate y's when along_y, else x's. */
static void
keep_side (convex_polygon *p, int along_y, double bound, double side)
{
  convex_polygon kept = { 0 };
  for (int i = 0; i < p->n; i++)
    {
      int next = i + 1 < p->n ? i + 1 : 0;
      double here = side * ((along_y ? p->y[i] : p->x[i]) - bound);
      double there = side * ((along_y ? p->y[next] : p->x[next]) - bound);
      if (here >= 0)
        {
          kept.x[kept.n] = p->x[i];
          kept.y[kept.n++] = p->y[i];
        }
      if ((here >= 0) != (there >= 0))
        {
          double t = here / (here - there);
          kept.x[kept.n] = p->x[i] + t * (p->x[next] - p->x[i]);
          kept.y[kept.n++] = p->y[i] + t * (p->y[next] - p->y[i]);
        }
    }
  *p = kept;
}

/* The area of quadrilateral q inside pixel [px, px + 1) x [py, py + 1). */
static double
area_in_pixel (const convex_polygon *q, int px, int py)
{
  convex_polygon p = *q;
  keep_side (&p, 0, px, 1);
  keep_side (&p, 0, px + 1, -1);
  keep_side (&p, 1, py, 1);
  keep_side (&p, 1, py + 1, -1);
  double twice = 0;
  for (int i = 0; i < p.n; i++)
    {
      int next = i + 1 < p.n ? i + 1 : 0;
      twice += p.x[i] * p.y[next] - p.x[next] * p.y[i];
    }
  return fabs (twice) / 2;
}

/* Image pixels at most this many per kernel pixel and axis are turned
 * themselves; a larger image is first resampled to this many (each pixel
 * a mean of its own), which bounds the work by the kernel's size. */
#define TURN_PIXELS_PER_KERNEL_PIXEL 16

skc_result
skc_kernel_turned_from_values (const float *values, int width, int height,
                               size_t stride, int size, double span,
                               double angle, skc_image *out, skc_error *err)
{
  skc_image fine = { 0 };
  const int most = (TURN_PIXELS_PER_KERNEL_PIXEL * (int) ceil (span)) | 1;
  if (values && (width > most || height > most) && size > 0)
    {
      /* The image resampled to `most` pixels across its larger side (a
         square: the smaller side centred in it, as it is in the kernel). */
      skc_result r = skc_kernel_from_values_spanning (
          values, width, height, stride, most, most, &fine, err);
      if (r != SKC_OK)
        return r;
      values = fine.data;
      width = height = most;
      stride = fine.stride;
    }
  skc_result r = skc_kernel_from_values_spanning (values, width, height, stride,
                                                  size, span, out, err);
  if (r != SKC_OK || angle == 0)
    {
      skc_image_free (&fine);
      return r;
    }
  /* Each image pixel, a constant square of `scale` kernel pixels centred
     as skc_kernel_from_values_spanning places it, turned clockwise on
     screen (y down: (u, v) lands at (c u - s v, s u + c v)) about the
     kernel's centre, adds its value times its area in each pixel. */
  memset (out->data, 0, (size_t) size * out->stride * sizeof *out->data);
  const double scale = span / (width > height ? width : height);
  const double c = cos (angle), s = sin (angle), centre = size / 2.0;
  for (int iy = 0; iy < height; iy++)
    for (int ix = 0; ix < width; ix++)
      {
        float value = values[(size_t) iy * stride + ix];
        if (!(value > 0))
          continue;
        convex_polygon square = { .n = 4 };
        double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY,
               hi_y = -INFINITY;
        for (int q = 0; q < 4; q++)
          {
            double u = (ix + (q == 1 || q == 2) - width / 2.0) * scale;
            double v = (iy + (q >= 2) - height / 2.0) * scale;
            square.x[q] = centre + c * u - s * v;
            square.y[q] = centre + s * u + c * v;
            lo_x = fmin (lo_x, square.x[q]);
            hi_x = fmax (hi_x, square.x[q]);
            lo_y = fmin (lo_y, square.y[q]);
            hi_y = fmax (hi_y, square.y[q]);
          }
        int x0 = lo_x > 0 ? (int) floor (lo_x) : 0;
        int y0 = lo_y > 0 ? (int) floor (lo_y) : 0;
        int x1 = hi_x < size ? (int) ceil (hi_x) : size;
        int y1 = hi_y < size ? (int) ceil (hi_y) : size;
        for (int py = y0; py < y1; py++)
          for (int px = x0; px < x1; px++)
            *skc_image_pixel (out, px, py)
                += (float) (value * area_in_pixel (&square, px, py));
      }
  skc_image_free (&fine);
  r = skc_kernel_normalise (out, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}
