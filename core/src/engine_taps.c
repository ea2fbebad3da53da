/* skc — the engine's one hot loop: taps (a complex layer's whole-pixel
 * offsets, or knots on prefix sums) multiplied and added over a
 * rectangle, in the same order for every value whatever the rectangle,
 * compiled for several instruction sets (HOT_LOOP).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "engine.h"

/* Taps on an image S (row y, column x at S + (y - sy0) * s_stride +
 * (x - sx0) * C) for outputs [x0, x1) x [y0, y1) written to acc (origin
 * ax0, ay0): eight taps per pass, then four, then one, the same order for
 * every value. */
HOT_LOOP static void
taps_run (const skc_layer_taps *taps, const float *S, size_t s_stride, int C,
          int sx0, int sy0, float *acc, size_t a_stride, int ax0, int ay0,
          int x0, int x1, int y0, int y1)
{
  const int n = (x1 - x0) * C;
  const int count = taps->count;
  for (int y = y0; y < y1; y++)
    {
      float *restrict d
          = acc + (size_t) (y - ay0) * a_stride + (size_t) (x0 - ax0) * C;
      const float *src[4];
      int t = 0;
      if (count < 4)
        memset (d, 0, (size_t) n * sizeof *d);
      /* Eight knots per pass while there are: the output run is read and
         written half as often (1.25 loads per multiply-add instead of
         1.5). */
      for (; t + 8 <= count; t += 8)
        {
          const float *q[8];
          for (int k = 0; k < 8; k++)
            q[k] = S + (size_t) (y - taps->dy[t + k] - sy0) * s_stride
                   + (size_t) (x0 - taps->dx[t + k] - sx0) * C;
          const float *c = taps->c + t;
          const float *restrict s0 = q[0], *restrict s1 = q[1];
          const float *restrict s2 = q[2], *restrict s3 = q[3];
          const float *restrict s4 = q[4], *restrict s5 = q[5];
          const float *restrict s6 = q[6], *restrict s7 = q[7];
          const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
          const float c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
          if (t == 0)
            for (int i = 0; i < n; i++)
              d[i] = ((c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]))
                     + ((c4 * s4[i] + c5 * s5[i]) + (c6 * s6[i] + c7 * s7[i]));
          else
            for (int i = 0; i < n; i++)
              d[i] += ((c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]))
                      + ((c4 * s4[i] + c5 * s5[i]) + (c6 * s6[i] + c7 * s7[i]));
        }
      for (; t + 4 <= count; t += 4)
        {
          for (int k = 0; k < 4; k++)
            src[k] = S + (size_t) (y - taps->dy[t + k] - sy0) * s_stride
                     + (size_t) (x0 - taps->dx[t + k] - sx0) * C;
          const float c0 = taps->c[t], c1 = taps->c[t + 1];
          const float c2 = taps->c[t + 2], c3 = taps->c[t + 3];
          const float *restrict s0 = src[0], *restrict s1 = src[1];
          const float *restrict s2 = src[2], *restrict s3 = src[3];
          if (t == 0)
            for (int i = 0; i < n; i++)
              d[i] = (c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]);
          else
            for (int i = 0; i < n; i++)
              d[i] += (c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]);
        }
      for (; t < count; t++)
        {
          const float c = taps->c[t];
          const float *restrict s0
              = S + (size_t) (y - taps->dy[t] - sy0) * s_stride
                + (size_t) (x0 - taps->dx[t] - sx0) * C;
          for (int i = 0; i < n; i++)
            d[i] += c * s0[i];
        }
    }
}

/* Columns per taps_run call: the output run stays in L1 while every tap
 * streams over it (whole tile rows spill it: 2.5x slower here for
 * knots). */
#define TAPS_CHUNK 64

void
skc_taps_apply (const skc_layer_taps *taps, const float *S, size_t s_stride,
                int C, int sx0, int sy0, float *acc, size_t a_stride, int ax0,
                int ay0, int x0, int x1, int y0, int y1)
{
  for (int x = x0; x < x1; x += TAPS_CHUNK)
    taps_run (taps, S, s_stride, C, sx0, sy0, acc, a_stride, ax0, ay0, x,
              x + TAPS_CHUNK < x1 ? x + TAPS_CHUNK : x1, y0, y1);
}
