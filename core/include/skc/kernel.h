/* skc — target kernels: the bokeh shapes of the parameter table, kernels
 * from images, normalisation.  A target kernel is a point-spread function:
 * what one bright point looks like after blurring (y grows downwards, as in
 * images).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_KERNEL_H
#define SKC_KERNEL_H

#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The built-in shapes (rows of skc/params.def: SKC_SHAPE_DISC,
 * SKC_SHAPE_POLYGON, ... SKC_SHAPE_COMA), then weights from a file. */
typedef enum
{
#define SKC_SHAPE_ROW(ID, name, label) SKC_SHAPE_##ID,
#include "skc/params.def"
  SKC_SHAPE_FILE
} skc_shape_kind;

/* A parsed shape spec (`shape:NAME[:key=value,...]` or `file:PATH`).
 * Keys and ranges are the parameter table's (skc/params.def);
 * skc_shape_parse enforces them. */
typedef struct
{
  skc_shape_kind kind;
  int blades;              /* polygon */
  double rotation;         /* degrees */
  double curvature;        /* polygon: 0 straight blades .. 1 round */
  int points;              /* star */
  double inner;            /* star or ring: inner radius / radius */
  double sigma;            /* gaussian, fraction of the radius */
  char path[SKC_PATH_MAX]; /* file: */
} skc_shape;

/* Fills s with the parameter table's defaults for a disc.  Thread-safe. */
SKC_API void skc_shape_init (skc_shape *s);

/* Parses a spec.  Accepts `shape:NAME[:k=v,...]`, a bare NAME, and
 * `file:PATH`.  Thread-safe. */
SKC_API skc_result skc_shape_parse (const char *spec, skc_shape *out,
                                    skc_error *err);

/* Writes the canonical spec of s (every key that applies, shortest exact
 * decimal form) into buf.  Thread-safe. */
SKC_API void skc_shape_format (const skc_shape *s, char *buf, size_t len);

/* Rasterises a built-in shape with outer radius `radius` px into a
 * size x size kernel (size odd; 0 means 2 * ceil (radius) + 1), anti-aliased
 * by 16x16 supersampling, normalised to sum 1.  SKC_SHAPE_FILE is not
 * rasterised here: load the image and use skc_kernel_from_values.
 * Thread-safe. */
SKC_API skc_result skc_shape_render (const skc_shape *s, double radius,
                                     int size, skc_image *out, skc_error *err);

/* Builds a kernel from a weight image (alpha or luminance, one value per
 * pixel, row stride in floats).  The image centre becomes the kernel centre;
 * an even side gets one zero column/row so that it is odd.  When size > 0
 * the image is area-resampled so that its larger side spans `size` pixels
 * (the kernel is then size x size).  Negative values count as 0; non-finite
 * values and all-zero images are errors.  Normalised to sum 1.
 * Thread-safe. */
SKC_API skc_result skc_kernel_from_values (const float *values, int width,
                                           int height, size_t stride, int size,
                                           skc_image *out, skc_error *err);

/* Checks that k is a valid target (1 channel, odd sides, finite,
 * non-negative, positive sum) and scales it to sum 1.  Thread-safe. */
SKC_API skc_result skc_kernel_normalise (skc_image *k, skc_error *err);

/* Copies k into a larger odd canvas of width x height, centres aligned
 * (used to compare kernels of different sizes).  Thread-safe. */
SKC_API skc_result skc_kernel_pad (const skc_image *k, int width, int height,
                                   skc_image *out);

#ifdef __cplusplus
}
#endif

#endif
