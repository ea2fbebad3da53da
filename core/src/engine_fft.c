/* skc — exact FFT tiles: each tile is one cell of a grid aligned to the
 * image, transformed whole (so its values never depend on the region asked
 * for) and multiplied by the kernel's spectrum (engine.c, prepare_fft).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "engine.h"

/* The largest |value| an FFT cell takes unscaled: its transform sums
 * fewer than 2^20 of them (2^-20 of FLT_MAX leaves that room). */
#define FFT_SAFE_MAX 0x1p107f

/* b *= spectrum over n complex values. */
HOT_LOOP static void
multiply_spectrum (fftwf_complex *restrict b,
                   const fftwf_complex *restrict spectrum, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      float re = b[i][0] * spectrum[i][0] - b[i][1] * spectrum[i][1];
      float im = b[i][0] * spectrum[i][1] + b[i][1] * spectrum[i][0];
      b[i][0] = re;
      b[i][1] = im;
    }
}

/* A tile of an FFT scale: its whole cell is transformed, channel by
 * channel (the same transform whatever part of the cell was asked for),
 * and the tile's part is written to dst (w x h x channels). */
int
skc_fft_tile (const skc_engine *e, const skc_scale *sc,
          const skc_apply_request *rq, int x0, int y0, int w, int h,
          skc_tile_scratch *s, float *dst)
{
  const int C = rq->channels, T = sc->fft_cell, k = sc->fft_half;
  const int n0 = sc->fft_n0, n1 = sc->fft_n1;
  const int cx = skc_floor_div (x0, T) * T, cy = skc_floor_div (y0, T) * T;
  const int cw = rq->image_width - cx < T ? rq->image_width - cx : T;
  const int ch = rq->image_height - cy < T ? rq->image_height - cy : T;
  const int pw = cw + 2 * k, ph = ch + 2 * k;
  const size_t stride = 2 * (size_t) (n1 / 2 + 1);
  if (!s->fft_buffer)
    s->fft_buffer = fftwf_malloc ((size_t) n0 * stride * sizeof (float));
  if (!s->fft_buffer
      || !skc_tile_reserve (&s->buffers[0], &s->capacity[0], (size_t) pw * ph * C))
    return 0;
  float *padded = s->buffers[0], *b = s->fft_buffer;
  for (int j = 0; j < ph; j++)
    skc_prepare_row (e, rq, cy - k + j, cx - k, pw, padded + (size_t) j * pw * C);
  for (int c = 0; c < C; c++)
    {
      float top = 0;
      for (int j = 0; j < ph; j++)
        {
          float       *row = b + (size_t) j * stride;
          const float *src = padded + (size_t) j * pw * C + c;
          for (int i = 0; i < pw; i++)
            {
              row[i] = src[(size_t) i * C];
              top = skc_max_abs (top, row[i]);
            }
          memset (row + pw, 0, (stride - pw) * sizeof *row);
        }
      /* A transform sums the whole cell: values near FLT_MAX would
         overflow it, so such a cell is scaled by a power of two (exact)
         and back. */
      int shift = 0;
      if (top > FFT_SAFE_MAX)
        {
          shift = ilogbf (top) - ilogbf (FFT_SAFE_MAX);
          for (int j = 0; j < ph; j++)
            for (int i = 0; i < pw; i++)
              b[(size_t) j * stride + i]
                  = ldexpf (b[(size_t) j * stride + i], -shift);
        }
      memset (b + (size_t) ph * stride, 0,
              (size_t) (n0 - ph) * stride * sizeof *b);
      fftwf_execute_dft_r2c (sc->fft_forward, b, (fftwf_complex *) b);
      multiply_spectrum ((fftwf_complex *) b, sc->fft_spectrum,
                         (size_t) n0 * (n1 / 2 + 1));
      fftwf_execute_dft_c2r (sc->fft_inverse, (fftwf_complex *) b, b);
      for (int j = 0; j < h; j++)
        {
          const float *src = b + (size_t) (y0 - cy + j + k) * stride
                             + (x0 - cx + k);
          float *d = dst + (size_t) j * w * C + c;
          for (int i = 0; i < w; i++)
            d[(size_t) i * C] = shift ? ldexpf (src[i], shift) : src[i];
        }
    }
  return 1;
}

