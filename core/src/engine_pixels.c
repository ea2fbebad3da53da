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

/* Colour times alpha, in place; RGBA has a loop the compiler
 * vectorises. */
HOT_LOOP static void
premultiply (float *pixels, int n, int C, int alpha)
{
  if (C == 4 && alpha == 3)
    {
      for (int i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
          pixels[(size_t) i * 4 + c] *= pixels[(size_t) i * 4 + 3];
      return;
    }
  for (int i = 0; i < n; i++)
    for (int c = 0; c < C; c++)
      if (c != alpha)
        pixels[(size_t) i * C + c] *= pixels[(size_t) i * C + alpha];
}

/* Colour divided by alpha, in place; 0 where alpha is not above 0. */
HOT_LOOP static void
unpremultiply (float *pixels, int n, int C, int alpha)
{
  if (C == 4 && alpha == 3)
    {
      for (int i = 0; i < n; i++)
        {
          float a = pixels[(size_t) i * 4 + 3];
          float scale = a > 0 ? 1.0f / a : 0.0f;
          for (int c = 0; c < 3; c++)
            pixels[(size_t) i * 4 + c] *= scale;
        }
      return;
    }
  for (int i = 0; i < n; i++)
    {
      float a = pixels[(size_t) i * C + alpha];
      float scale = a > 0 ? 1.0f / a : 0.0f;
      for (int c = 0; c < C; c++)
        if (c != alpha)
          pixels[(size_t) i * C + c] *= scale;
    }
}

/* Whether any of count values is not finite: a loop the compiler
 * vectorises. */
HOT_LOOP static int
any_not_finite (const float *values, size_t count)
{
  int bad = 0;
  for (size_t i = 0; i < count; i++)
    bad |= !(fabsf (values[i]) <= FLT_MAX);
  return bad;
}

/* Straight RGBA premultiplied in place, and whether a result is not
 * finite (a non-finite colour or alpha makes one), in one pass. */
HOT_LOOP static int
premultiply_rgba_checked (float *pixels, int n)
{
  int bad = 0;
  for (int i = 0; i < n; i++)
    {
      float *p = pixels + (size_t) i * 4;
      float a = p[3];
      for (int c = 0; c < 4; c++)
        {
          float v = c == 3 ? a : p[c] * a;
          p[c] = v;
          bad |= !(fabsf (v) <= FLT_MAX);
        }
    }
  return bad;
}

/* Makes n pixels of the caller's safe (a pixel with a non-finite channel
 * becomes transparent black), premultiplied if they are straight, and
 * boosts highlights, in place.  The common case is one vectorised pass;
 * the slow path runs only where it is needed. */
static void
make_safe (const skc_engine *e, const skc_apply_request *rq, float *pixels,
           int n)
{
  const int C = rq->channels;
  int bad;
  if (!skc_request_straight (rq))
    bad = any_not_finite (pixels, (size_t) n * C);
  else if (C == 4 && rq->alpha == 3)
    bad = premultiply_rgba_checked (pixels, n);
  else
    {
      premultiply (pixels, n, C, rq->alpha);
      bad = any_not_finite (pixels, (size_t) n * C);
    }
  if (bad || e->params.highlight_gain > 1)
    for (int i = 0; i < n; i++)
      prepare_pixel (&e->params, pixels + (size_t) i * C,
                     pixels + (size_t) i * C, C, rq->alpha);
}

/* The rectangle [x0, x0 + n) x [y0, y0 + h) of the image, clamped to the
 * caller's input rectangle (outside it the nearest edge pixel repeats),
 * made safe and highlight-boosted, into dst (n pixels a row).  The part
 * inside is read in one go: from the input view, or through io.read. */
int
skc_prepare_rows (const skc_engine *e, const skc_apply_request *rq, int y0,
                  int x0, int n, int h, float *dst)
{
  const skc_view *in = &rq->input;
  const int C = rq->channels;
  const size_t row_floats = (size_t) n * C;
  /* The columns and rows read: the rectangle's part inside, or the edge
     nearest to it. */
  int lo = skc_clampi (x0, in->x, in->x + in->width - 1);
  int hi = skc_clampi (x0 + n, lo + 1, in->x + in->width);
  int top = skc_clampi (y0, in->y, in->y + in->height - 1);
  int bottom = skc_clampi (y0 + h, top + 1, in->y + in->height);
  /* Where they land in dst: a column or row read for several clamped ones
     goes to the first of them. */
  int at_x = lo > x0 ? lo - x0 : 0, at_y = top > y0 ? top - y0 : 0;
  if (at_x >= n)
    at_x = n - 1;
  if (at_y >= h)
    at_y = h - 1;
  int read_w = hi - lo < n - at_x ? hi - lo : n - at_x;
  int read_h = bottom - top < h - at_y ? bottom - top : h - at_y;
  float *inside = dst + (size_t) at_y * row_floats + (size_t) at_x * C;
  if (in->pixels)
    for (int j = 0; j < read_h; j++)
      memcpy (inside + (size_t) j * row_floats,
              in->pixels + (size_t) (top + j - in->y) * in->stride
                  + (size_t) (lo - in->x) * C,
              (size_t) read_w * C * sizeof *dst);
  else if (!rq->io.read
           || !rq->io.read (rq->io.data, lo, top, read_w, read_h, inside,
                            row_floats))
    return 0;
  for (int j = 0; j < read_h; j++)
    {
      float *row = dst + (size_t) (at_y + j) * row_floats;
      make_safe (e, rq, row + (size_t) at_x * C, read_w);
      for (int i = 0; i < at_x; i++)
        memcpy (row + (size_t) i * C, row + (size_t) at_x * C,
                (size_t) C * sizeof *dst);
      const float *last = row + (size_t) (at_x + read_w - 1) * C;
      for (int i = at_x + read_w; i < n; i++)
        memcpy (row + (size_t) i * C, last, (size_t) C * sizeof *dst);
    }
  for (int j = 0; j < at_y; j++)
    memcpy (dst + (size_t) j * row_floats, dst + (size_t) at_y * row_floats,
            row_floats * sizeof *dst);
  const float *last_row = dst + (size_t) (at_y + read_h - 1) * row_floats;
  for (int j = at_y + read_h; j < h; j++)
    memcpy (dst + (size_t) j * row_floats, last_row, row_floats * sizeof *dst);
  return 1;
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

/* Premultiplied RGBA clipped (as clip_premultiplied) and divided back to
 * straight colour (as unpremultiply), in one pass. */
HOT_LOOP static void
clip_unpremultiply_rgba (const float *restrict src, float *restrict dst, int w)
{
  for (int i = 0; i < w; i++)
    {
      const float *sp = src + (size_t) i * 4;
      float *dp = dst + (size_t) i * 4;
      float a = sp[3] < 0 ? 0 : sp[3] > 1 ? 1 : sp[3];
      float scale = a > 0 ? 1.0f / a : 0.0f;
      for (int c = 0; c < 3; c++)
        {
          float v = sp[c] < 0 ? 0 : sp[c] > a ? a : sp[c];
          dp[c] = v * scale;
        }
      dp[3] = a;
    }
}

/* (Hot loops have per-CPU clones, which would be exported: callers
 * elsewhere go through these.) */
void
skc_premultiply (float *pixels, int n, int C, int alpha)
{
  premultiply (pixels, n, C, alpha);
}

void
skc_unpremultiply (float *pixels, int n, int C, int alpha)
{
  unpremultiply (pixels, n, C, alpha);
}

void
skc_write_row (const skc_engine *e, const skc_apply_request *rq,
               const float *src, float *dst, int w)
{
  const int C = rq->channels;
  if (skc_request_straight (rq))
    {
      if (e->params.clip && C == 4 && rq->alpha == 3)
        clip_unpremultiply_rgba (src, dst, w);
      else
        {
          if (e->params.clip)
            clip_premultiplied (src, dst, w, C, rq->alpha);
          else
            memcpy (dst, src, (size_t) w * C * sizeof *dst);
          unpremultiply (dst, w, C, rq->alpha);
        }
      return;
    }
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
