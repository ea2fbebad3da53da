/* skc — pixels into and out of the engine: input rows clamped to what the
 * caller gave, non-finite pixels made transparent black and highlights
 * boosted; output rows clipped as asked.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <math.h>
#include <string.h>

#include "engine.h"

/* Highlights: the gain ramps in over this much above the threshold, so a
 * smooth gradient crossing the threshold does not band. */
#define HIGHLIGHT_RAMP 0.05f

/* Copies one input pixel, making it safe and boosting highlights. */
static inline void
prepare_pixel (const skc_params *p, const float *src, float *dst, int channels,
               int alpha)
{
  int finite = 1;
  for (int c = 0; c < channels; c++)
    finite &= isfinite (src[c]) != 0;
  if (!finite)
    {
      for (int c = 0; c < channels; c++)
        dst[c] = 0;
      return;
    }
  for (int c = 0; c < channels; c++)
    dst[c] = src[c];
  if (p->highlight_gain <= 1)
    return;
  /* Brightest colour channel, un-premultiplied: hue is kept because every
     colour channel gets the same factor. */
  float a = alpha >= 0 ? src[alpha] : 1.0f;
  float peak = 0;
  for (int c = 0; c < channels; c++)
    if (c != alpha)
      peak = fmaxf (peak, src[c]);
  if (a <= 0)
    return;
  float excess = (peak / a - (float) p->highlight_threshold) / HIGHLIGHT_RAMP;
  if (excess <= 0)
    return;
  float factor = 1 + ((float) p->highlight_gain - 1) * fminf (excess, 1.0f);
  for (int c = 0; c < channels; c++)
    if (c != alpha)
      dst[c] *= factor;
}

/* Image row y, columns [x0, x0 + n), clamped to the caller's rectangle,
 * made safe (a pixel with a non-finite channel becomes transparent black)
 * and highlight-boosted.  The inside part is copied in one go and checked
 * with a loop the compiler vectorises; the outside part repeats the edge. */
void
skc_prepare_row (const skc_engine *e, const skc_apply_request *rq, int y,
                 int x0, int n, float *dst)
{
  const skc_view *in = &rq->input;
  const int C = rq->channels;
  int sy = skc_clampi (y, in->y, in->y + in->height - 1);
  const float *row = in->pixels + (size_t) (sy - in->y) * in->stride;
  int lo = x0 > in->x ? x0 : in->x;
  int hi = x0 + n < in->x + in->width ? x0 + n : in->x + in->width;
  if (lo >= hi)
    {
      /* Entirely beside the rectangle: the nearest edge pixel. */
      lo = x0 >= in->x + in->width ? in->x + in->width - 1 : in->x;
      hi = lo + 1;
      float edge[4];
      prepare_pixel (&e->params, row + (size_t) (lo - in->x) * C, edge, C,
                     rq->alpha);
      for (int i = 0; i < n; i++)
        memcpy (dst + (size_t) i * C, edge, (size_t) C * sizeof *edge);
      return;
    }
  float *inside = dst + (size_t) (lo - x0) * C;
  const size_t count = (size_t) (hi - lo) * C;
  memcpy (inside, row + (size_t) (lo - in->x) * C, count * sizeof *inside);
  int bad = 0;
  for (size_t i = 0; i < count; i++)
    bad |= !(fabsf (inside[i]) <= FLT_MAX);
  if (bad || e->params.highlight_gain > 1)
    for (int i = 0; i < hi - lo; i++)
      prepare_pixel (&e->params, inside + (size_t) i * C,
                     inside + (size_t) i * C, C, rq->alpha);
  for (int i = x0; i < lo; i++)
    memcpy (dst + (size_t) (i - x0) * C, inside, (size_t) C * sizeof *dst);
  const float *last = inside + (size_t) (hi - lo - 1) * C;
  for (int i = hi; i < x0 + n; i++)
    memcpy (dst + (size_t) (i - x0) * C, last, (size_t) C * sizeof *dst);
}

/* Clips premultiplied pixels: alpha to 0..1, colour to 0..alpha.  RGBA
 * (the common case) has its own loop, which the compiler vectorises. */
HOT_LOOP static void
clip_premultiplied (const float *restrict src, float *restrict dst, int w,
                    int C, int alpha)
{
  if (C == 4 && alpha == 3)
    {
      for (int i = 0; i < w; i++)
        {
          const float *sp = src + (size_t) i * 4;
          float *dp = dst + (size_t) i * 4;
          float a = sp[3] < 0 ? 0 : sp[3] > 1 ? 1 : sp[3];
          for (int c = 0; c < 4; c++)
            {
              float top = c == 3 ? 1.0f : a;
              dp[c] = sp[c] < 0 ? 0 : sp[c] > top ? top : sp[c];
            }
        }
      return;
    }
  for (int i = 0; i < w; i++)
    {
      const float *sp = src + (size_t) i * C;
      float *dp = dst + (size_t) i * C;
      float a = sp[alpha] < 0 ? 0 : sp[alpha] > 1 ? 1 : sp[alpha];
      for (int c = 0; c < C; c++)
        {
          float v = sp[c] < 0 ? 0 : sp[c] > a ? a : sp[c];
          dp[c] = c == alpha ? a : v;
        }
    }
}

void
skc_write_row (const skc_engine *e, const skc_apply_request *rq,
               const float *src, float *dst, int w)
{
  const int C = rq->channels;
  if (!e->params.clip || rq->alpha < 0)
    {
      /* Plain rows: a copy, or a clamp the compiler vectorises. */
      const size_t row_floats = (size_t) w * C;
      if (!e->params.clip)
        memcpy (dst, src, row_floats * sizeof *dst);
      else
        for (size_t i = 0; i < row_floats; i++)
          dst[i] = src[i] < 0 ? 0 : src[i] > 1 ? 1 : src[i];
      return;
    }
  clip_premultiplied (src, dst, w, C, rq->alpha);
}
