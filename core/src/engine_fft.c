/* skc — exact FFT tiles: each tile is one cell of a grid aligned to the
 * image, transformed whole (so its values never depend on the region asked
 * for) and multiplied by the kernel's spectrum (skc_fft_prepare).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

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

/* A tile of an FFT scale, which lies in one cell: its whole cell is
 * transformed, channel by channel (the same transform whatever part of the
 * cell was asked for), and the tile's part is written to dst (w x h x
 * channels). */
static int
fft_tile (const skc_engine *e, const skc_scale *sc, const skc_apply_request *rq,
          int x0, int y0, int w, int h, skc_tile_scratch *s, float *dst)
{
  const int C = rq->channels, T = sc->fft.cell, k = sc->fft.half;
  const int n0 = sc->fft.n0, n1 = sc->fft.n1;
  const int cx = skc_floor_div (x0, T) * T, cy = skc_floor_div (y0, T) * T;
  const int cw = rq->image_width - cx < T ? rq->image_width - cx : T;
  const int ch = rq->image_height - cy < T ? rq->image_height - cy : T;
  const int pw = cw + 2 * k, ph = ch + 2 * k;
  const size_t stride = 2 * (size_t) (n1 / 2 + 1);
  if (!s->fft_buffer)
    s->fft_buffer = fftwf_malloc ((size_t) n0 * stride * sizeof (float));
  if (!s->fft_buffer
      || !skc_tile_reserve (&s->buffers[0], &s->capacity[0],
                            (size_t) pw * ph * C))
    return 0;
  float *padded = s->buffers[0], *b = s->fft_buffer;
  if (!skc_prepare_rows (e, rq, cy - k, cx - k, pw, ph, padded))
    return 0;
  for (int c = 0; c < C; c++)
    {
      float top = 0;
      for (int j = 0; j < ph; j++)
        {
          float *row = b + (size_t) j * stride;
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
      fftwf_execute_dft_r2c (sc->fft.forward, b, (fftwf_complex *) b);
      multiply_spectrum ((fftwf_complex *) b, sc->fft.spectrum,
                         (size_t) n0 * (n1 / 2 + 1));
      fftwf_execute_dft_c2r (sc->fft.inverse, (fftwf_complex *) b, b);
      for (int j = 0; j < h; j++)
        {
          const float *src
              = b + (size_t) (y0 - cy + j + k) * stride + (x0 - cx + k);
          float *d = dst + (size_t) j * w * C + c;
          for (int i = 0; i < w; i++)
            d[(size_t) i * C] = shift ? ldexpf (src[i], shift) : src[i];
        }
    }
  return 1;
}

/* Cells are at least this large (pixels), and at least FFT_CELL_PER_HALF
 * times the kernel's half-width so that large kernels waste no more on
 * padding than small ones; then grown to fill a transform size FFTW is
 * fast at.  Measured (24 MP, disc, 2 threads): 6 half-widths beat 4, 8
 * and 12 (R 75: 0.87 s against 1.05 with 8; R 150: 1.23 s against 1.49,
 * 1.55 with 4 and 2.1 with 12): smaller transforms stay in cache, which
 * fft_work's count does not see. */
#define FFT_CELL 448
#define FFT_CELL_PER_HALF 6
/* The half-width SKC_ENGINE_FFT_COST_MACS was measured at (radius 24). */
#define FFT_COST_HALF 25

/* The transform side for a kernel of this half-width. */
static int
fft_size (int half)
{
  int cell = FFT_CELL > FFT_CELL_PER_HALF * half ? FFT_CELL
                                                 : FFT_CELL_PER_HALF * half;
  return skc_fft_good_even_size (cell + 2 * half);
}

/* Work per output pixel of a cell: n^2 log n over the cell's area. */
static double
fft_work (int half)
{
  double n = fft_size (half), cell = n - 2 * half;
  return n * n * log2 (n) / (cell * cell);
}

long
skc_fft_cost_macs (double radius)
{
  int half = (int) ceil (radius);
  return lround (SKC_ENGINE_FFT_COST_MACS * fft_work (half)
                 / fft_work (FFT_COST_HALF));
}

/* An exact uniform blur by FFT over image-aligned cells (see skc_scale);
 * `why` says what the planner weighed. */
skc_result
skc_fft_prepare (skc_engine *e, skc_scale *s, const char *why, skc_error *err)
{
  const skc_params *p = &e->params;
  s->kind = SKC_SCALE_FFT;
  skc_image target = { 0 };
  skc_result r = skc_target_make (p, p->radius, 0, &target, err);
  if (r != SKC_OK)
    return r;
  const int half = target.width / 2;
  const int cell = e->options.fft_cell;
  const int n
      = cell > 0 ? skc_fft_good_even_size (cell + 2 * half) : fft_size (half);
  const size_t stride = 2 * (size_t) (n / 2 + 1);
  float *k = fftwf_malloc ((size_t) n * stride * sizeof *k);
  if (!k)
    {
      skc_image_free (&target);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  memset (k, 0, (size_t) n * stride * sizeof *k);
  /* Centred on the origin; the inverse transform is not normalised. */
  const float scale = 1.0f / ((float) n * (float) n);
  for (int y = 0; y < target.height; y++)
    for (int x = 0; x < target.width; x++)
      k[(size_t) ((y - half + n) % n) * stride + (size_t) ((x - half + n) % n)]
          = *skc_image_pixel (&target, x, y) * scale;
  skc_image_free (&target);
  s->fft.forward = skc_fftf_plan_r2c_inplace (n, n, k);
  s->fft.inverse = skc_fftf_plan_c2r_inplace (n, n, k);
  if (!s->fft.forward || !s->fft.inverse)
    {
      fftwf_free (k);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "FFTW could not plan");
    }
  fftwf_execute_dft_r2c (s->fft.forward, k, (fftwf_complex *) k);
  s->fft.spectrum = (fftwf_complex *) k;
  s->fft.half = half;
  s->fft.n0 = s->fft.n1 = n;
  /* A cell asked for stays that size (the transform may pad more). */
  s->fft.cell = cell > 0 ? cell : n - 2 * half;
  /* A region's tiles are whole cells: the input must reach a cell's far
     side from any output pixel in it. */
  s->reach = s->fft.cell - 1 + half;
  e->reach = s->reach;
  e->kernel_reach = half;
  snprintf (e->description, sizeof e->description,
            "uniform: FFT, exact, %dx%d kernel on %dx%d cells (%dx%d "
            "transforms, about %ld MACs of a sparse filter per pixel and "
            "channel, reach %d px); planner: %s",
            2 * half + 1, 2 * half + 1, s->fft.cell, s->fft.cell, n, n,
            skc_fft_cost_macs (p->radius), e->reach, why);
  return SKC_OK;
}

static void
fft_free (skc_scale *sc)
{
  skc_fftf_destroy (sc->fft.forward);
  skc_fftf_destroy (sc->fft.inverse);
  if (sc->fft.spectrum)
    fftwf_free (sc->fft.spectrum);
}

/* Tiles are whole cells at full resolution: no margins, values or
 * upsampling. */
const skc_scale_ops skc_fft_ops
    = { .method = "FFT", .tile = fft_tile, .free = fft_free };
