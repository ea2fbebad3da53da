/* skc — a sharp subject in front of a blurred background (params.depth
 * SUBJECT): portrait mode from a selection or a mask, for images that have
 * no depth map.
 *
 * The mask is the subject's coverage a (after invert-map and map-gamma),
 * not a depth: a soft edge (a feathered selection, hair) is part subject
 * and part background, never a band of intermediate depths.  So:
 *  1. the background is the image where a is (nearly) 0; elsewhere the
 *     subject hides it, and its colour there is filled in from the
 *     background around it (the depth layers' pull-push fill), so that no
 *     colour of the subject is in it;
 *  2. that background is blurred uniformly by the engine itself, which
 *     was planned without the map (any shape, quality, highlights, swirl
 *     and cat-eye);
 *  3. out = a x in + (1 - a) x blurred: the subject as it is, its edge
 *     over a background that nothing of the subject leaks into (no halo)
 *     and that does not bleed into the subject.
 * Whole images in one fixed order, so results do not depend on the thread
 * count.  Memory: four copies of the image.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Pixels covered by the subject up to this much are background as they
 * are (an 8-bit mask's faintest levels are noise, not subject). */
#define SKC_SUBJECT_CLEAR (1.0 / 128)

/* The subject's coverage per pixel, and the background's weight for the
 * fill: 1 where the coverage is clear of the subject, else 0.  -1 when
 * the mask is finite, else the index of its first pixel that is not. */
static long
coverage (const skc_engine *e, const skc_image *mask, float *cover,
          float *weight, size_t *clear)
{
  size_t n = (size_t) mask->width * mask->height;
  *clear = 0;
  for (size_t i = 0; i < n; i++)
    {
      float v = mask->data[(i / mask->width) * mask->stride + i % mask->width];
      if (!isfinite (v))
        return (long) i;
      cover[i] = (float) skc_engine_map_shaped (e, v);
      weight[i] = cover[i] <= SKC_SUBJECT_CLEAR ? 1.0f : 0.0f;
      *clear += cover[i] <= SKC_SUBJECT_CLEAR;
    }
  return -1;
}

static int
finite_pixel (const float *p, int C)
{
  int finite = 1;
  for (int c = 0; c < C; c++)
    finite &= isfinite (p[c]) != 0;
  return finite;
}

skc_result
skc_subject_apply (const skc_engine *e, const skc_image *in, int alpha,
                   const skc_image *mask, const skc_run *run, skc_image *out,
                   skc_error *err)
{
  const int w = in->width, h = in->height, C = in->channels;
  size_t n = (size_t) w * h;
  float *cover = malloc (n * sizeof (float));
  float *weight = malloc (n * sizeof (float));
  skc_image background = { 0 }, blurred = { 0 };
  skc_result res = SKC_OK;
  if (!cover || !weight || skc_image_alloc (&background, w, h, C) != SKC_OK)
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                    "out of memory for a subject's background of %dx%d", w, h);
  size_t clear = 0;
  if (res == SKC_OK)
    {
      long bad = coverage (e, mask, cover, weight, &clear);
      if (bad >= 0)
        res = skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                        "subject mask: pixel (%ld, %ld) is not a number",
                        bad % w, bad / w);
    }
  /* The image, non-finite pixels transparent black as the engine treats
     them; without a clear pixel the whole image is the background. */
  for (size_t i = 0; res == SKC_OK && i < n; i++)
    {
      const float *src = in->data + (i / w) * in->stride + (i % w) * C;
      float *dst = background.data + i * C;
      int finite = finite_pixel (src, C);
      for (int c = 0; c < C; c++)
        dst[c] = finite ? src[c] : 0;
      if (!clear)
        weight[i] = 1;
    }
  if (res == SKC_OK && clear < n
      && !skc_layers_fill (background.data, weight, w, h, C))
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (res == SKC_OK)
    {
      /* The engine as planned: a uniform blur, with its own working
         memory (the caller's engine is shared and stays as it is). */
      skc_engine plain = *e;
      plain.subject = 0;
      plain.params.depth = SKC_DEPTH_NONE;
      plain.pool = NULL;
      res = skc_apply_image (&plain, &background, alpha, NULL, run, &blurred,
                             err);
      skc_worker_pool_free (plain.pool);
    }
  if (res == SKC_OK && skc_image_alloc (out, w, h, C) != SKC_OK)
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                    "out of memory for a %dx%d result", w, h);
  if (res == SKC_OK)
    for (size_t i = 0; i < n; i++)
      {
        const float *src = in->data + (i / w) * in->stride + (i % w) * C;
        const float *b = blurred.data + i * C;
        float *dst = out->data + (i / w) * out->stride + (i % w) * C;
        float a = cover[i];
        int finite = finite_pixel (src, C);
        for (int c = 0; c < C; c++)
          dst[c] = (finite ? a * src[c] : 0) + (1 - a) * b[c];
      }
  free (cover);
  free (weight);
  skc_image_free (&background);
  skc_image_free (&blurred);
  return res;
}
