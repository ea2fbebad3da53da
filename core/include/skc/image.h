/* skc — plain float images, used for photos, target kernels and rendered
 * effective kernels alike.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_IMAGE_H
#define SKC_IMAGE_H

#include <stddef.h>

#include "skc/common.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Interleaved float pixels; row y starts at data + y * stride (in floats).
 * A kernel is a 1-channel image with odd width and height whose centre pixel
 * is the origin. */
typedef struct
{
  int width;
  int height;
  int channels;
  size_t stride;
  float *data;
} skc_image;

/* Largest width or height skc allocates (a guard against absurd sizes taken
 * from files). */
#define SKC_IMAGE_MAX_SIDE 65536

/* Allocates a zero-filled image.  On failure img is left empty.
 * Thread-safe (touches only img). */
SKC_API skc_result skc_image_alloc (skc_image *img, int width, int height,
                                    int channels);

/* Frees the pixels and empties img; safe on an empty image.  Thread-safe
 * (touches only img). */
SKC_API void skc_image_free (skc_image *img);

/* Deep copy into dst (allocated here).  Thread-safe (reads src, writes
 * dst). */
SKC_API skc_result skc_image_copy (const skc_image *src, skc_image *dst);

/* The first channel of pixel (x, y).  Thread-safe. */
static inline float *
skc_image_pixel (const skc_image *img, int x, int y)
{
  return img->data + (size_t) y * img->stride + (size_t) x * img->channels;
}

#ifdef __cplusplus
}
#endif

#endif
