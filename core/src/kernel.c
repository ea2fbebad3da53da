/* skc — target kernels from images; validation, normalisation, padding.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/kernel.h"
#include "kernel_private.h"
#include "coverage.h"

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

/* An image of kernel values and the side asked of its kernel: sizes in
 * range, every value finite. */
static skc_result
check_values (const float *values, int width, int height, size_t stride,
              int size, skc_error *err)
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
  return SKC_OK;
}

skc_result
skc_kernel_from_values_spanning (const float *values, int width, int height,
                                 size_t stride, int size, double span,
                                 skc_image *out, skc_error *err)
{
  skc_result r = check_values (values, width, height, stride, size, err);
  if (r != SKC_OK)
    return r;
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

/* Image pixels at most this many per kernel pixel and axis are turned
 * themselves; a larger image is first resampled to this many (each pixel
 * a mean of its own), which bounds the work by the kernel's size. */
#define TURN_PIXELS_PER_KERNEL_PIXEL 16

/* A grid point of the image with an edge leaving it: the side down
 * (between pixels gx - 1 and gx of row gy) and the side right (between
 * rows gy - 1 and gy of column gx), each weighted by the change of value
 * across it (0: none). */
typedef struct
{
  int gx, gy;
  double down, right;
} turn_edge;

struct skc_turner
{
  int width, height, size;
  double span;
  size_t padded_width;
  float *padded; /* the positive values in a border of zeros */
  size_t count;
  turn_edge *edges; /* in the grid's order, rows first */
};

void
skc_turner_free (skc_turner *t)
{
  if (!t)
    return;
  free (t->padded);
  free (t->edges);
  free (t);
}

skc_result
skc_turner_new (const float *values, int width, int height, size_t stride,
                int size, double span, skc_turner **out, skc_error *err)
{
  *out = NULL;
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
  skc_result r = check_values (values, width, height, stride, size, err);
  if (r == SKC_OK && size > 0 && (!(span > 0) || span > size))
    r = skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                  "a kernel image spans 0..%d px, not %g", size, span);
  skc_turner *t = r == SKC_OK ? calloc (1, sizeof *t) : NULL;
  if (r == SKC_OK && t)
    {
      t->width = width;
      t->height = height;
      t->size = size;
      t->span = span;
      t->padded_width = (size_t) width + 2;
      t->padded = calloc (t->padded_width * (height + 2), sizeof *t->padded);
      t->edges
          = malloc (((size_t) width + 1) * (height + 1) * sizeof *t->edges);
    }
  if (r == SKC_OK && (!t || !t->padded || !t->edges))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r != SKC_OK)
    {
      skc_turner_free (t);
      skc_image_free (&fine);
      return r;
    }
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        const float v = values[(size_t) y * stride + x];
        t->padded[(size_t) (y + 1) * t->padded_width + x + 1] = v > 0 ? v : 0;
      }
  skc_image_free (&fine);
  /* Summed over the pixels, a grid line between two of them is an edge
     weighted by their difference, so a turn's work is the image's
     changes of value, listed once here. */
  for (int gy = 0; gy <= height; gy++)
    {
      /* Image rows gy - 1 and gy (the border where they are beyond). */
      const float *above = t->padded + (size_t) gy * t->padded_width + 1;
      const float *row = above + t->padded_width;
      for (int gx = 0; gx <= width; gx++)
        {
          const int down = gy < height && row[gx] != row[gx - 1];
          const int right = gx < width && above[gx] != row[gx];
          if (down || right)
            t->edges[t->count++] = (turn_edge){
              gx, gy, down ? (double) row[gx] - (double) row[gx - 1] : 0,
              right ? (double) above[gx] - (double) row[gx] : 0
            };
        }
    }
  /* The list kept at its length (a textured image's worst case is a
     grid point per pixel). */
  turn_edge *kept
      = realloc (t->edges, (t->count > 0 ? t->count : 1) * sizeof *t->edges);
  t->edges = kept ? kept : t->edges;
  *out = t;
  return SKC_OK;
}

skc_result
skc_turner_draw (const skc_turner *t, double angle, skc_image *out,
                 skc_error *err)
{
  const int width = t->width, height = t->height, size = t->size;
  if (angle == 0 || size == 0)
    return skc_kernel_from_values_spanning (t->padded + t->padded_width + 1,
                                            width, height, t->padded_width,
                                            size, t->span, out, err);
  if (skc_image_alloc (out, size, size, 1) != SKC_OK)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* Each image pixel, a constant square of `scale` kernel pixels centred
     as skc_kernel_from_values_spanning places it, turned clockwise on
     screen (y down: (u, v) lands at (c u - s v, s u + c v)) about the
     kernel's centre, covers the pixels by area times its value: its
     edges, from the list (a square's own loop winds clockwise: its edges
     weigh -value, and a neighbour runs the shared side the other way). */
  skc_coverage cover;
  if (!skc_coverage_init (&cover, size))
    {
      skc_image_free (out);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  const double scale = t->span / (width > height ? width : height);
  const double c = cos (angle), s = sin (angle), centre = size / 2.0;
  /* Image grid point (gx, gy) on the screen: origin + gx ex + gy ey. */
  const double ex = c * scale, ey = s * scale;
  const double ox = centre - ex * width / 2.0 + ey * height / 2.0;
  const double oy = centre - ey * width / 2.0 - ex * height / 2.0;
  for (size_t i = 0; i < t->count; i++)
    {
      const turn_edge *g = &t->edges[i];
      const double px = ox + g->gx * ex - g->gy * ey,
                   py = oy + g->gx * ey + g->gy * ex;
      if (g->down != 0)
        skc_coverage_add_edge (&cover, px, py, px - ey, py + ex, g->down);
      if (g->right != 0)
        skc_coverage_add_edge (&cover, px, py, px + ex, py + ey, g->right);
    }
  skc_coverage_resolve (&cover);
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      {
        /* Rounding leaves about 1e-15 either side of 0. */
        double v = cover.area[(size_t) y * size + x];
        *skc_image_pixel (out, x, y) = v > 0 ? (float) v : 0;
      }
  skc_coverage_free (&cover);
  skc_result r = skc_kernel_normalise (out, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}

skc_result
skc_kernel_turned_from_values (const float *values, int width, int height,
                               size_t stride, int size, double span,
                               double angle, skc_image *out, skc_error *err)
{
  skc_turner *t = NULL;
  skc_result r
      = skc_turner_new (values, width, height, stride, size, span, &t, err);
  if (r == SKC_OK)
    r = skc_turner_draw (t, angle, out, err);
  skc_turner_free (t);
  return r;
}
