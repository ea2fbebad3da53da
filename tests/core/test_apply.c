/* skc tests — render and apply agree: the rendered kernel is the impulse
 * response of apply; apply equals a naive dense convolution with clamped
 * edges; results are bit-identical for any thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "internal.h"
#include "skc/skc.h"
#include "truth.h"

static skc_filter *
random_complex (skc_offset_kind kind, int layers, int n, double spread,
                uint64_t seed)
{
  int count[SKC_MAX_LAYERS];
  for (int l = 0; l < layers; l++)
    count[l] = n;
  skc_filter *f = skc_filter_new_complex (layers, count, kind);
  skc_rng rng;
  skc_rng_seed (&rng, seed, 7);
  for (int l = 0; l < layers; l++)
    for (int i = 0; i < n; i++)
      {
        skc_sample *s = &skc_filter_layer (f, l)[i];
        s->dx = (float) ((skc_rng_uniform (&rng) - 0.5) * 2 * spread);
        s->dy = (float) ((skc_rng_uniform (&rng) - 0.5) * 2 * spread);
        if (kind == SKC_OFFSETS_INTEGER)
          s->dx = roundf (s->dx), s->dy = roundf (s->dy);
        /* Some negative weights, as fits produce. */
        s->w = (float) ((skc_rng_uniform (&rng) - 0.2) / n);
      }
  return f;
}

static skc_filter *
random_lowrank (int rank, int size, uint64_t seed)
{
  skc_filter *f = skc_filter_new_lowrank (rank, size);
  skc_rng rng;
  skc_rng_seed (&rng, seed, 9);
  for (int k = 0; k < rank; k++)
    for (int i = 0; i < size; i++)
      {
        skc_filter_column (f, k)[i] = (float) (skc_rng_uniform (&rng) - 0.3);
        skc_filter_row (f, k)[i] = (float) (skc_rng_uniform (&rng) - 0.3);
      }
  return f;
}

static void
test_render_is_impulse_response (skc_filter *f, const char *what)
{
  skc_image e = { 0 };
  CHECK (skc_filter_render (f, &e) == SKC_OK);
  CHECK (e.width % 2 == 1 && e.width == e.height);
  CHECK (e.width <= 2 * skc_filter_reach (f) + 1);
  int n = e.width + 10, c = n / 2;
  skc_image impulse = { 0 }, out = { 0 };
  skc_image_alloc (&impulse, n, n, 1);
  *skc_image_pixel (&impulse, c, c) = 1;
  CHECK (skc_filter_apply (f, &impulse, &out, 2) == SKC_OK);
  double worst = out.data ? response_vs_kernel (&out, c, c, &e) : INFINITY;
  CHECK_MSG (worst < 2e-7, "%s: render and impulse response differ by %g", what,
             worst);
  skc_image_free (&e);
  skc_image_free (&impulse);
  skc_image_free (&out);
}

static int
clamp (int v, int n)
{
  return v < 0 ? 0 : v >= n ? n - 1 : v;
}

static void
test_apply_is_dense_convolution (skc_filter *f, int width, int height,
                                 int channels, const char *what)
{
  skc_image e = { 0 }, in = { 0 }, out = { 0 };
  skc_filter_render (f, &e);
  skc_image_alloc (&in, width, height, channels);
  skc_rng rng;
  skc_rng_seed (&rng, 5, 5);
  for (int i = 0; i < width * height * channels; i++)
    in.data[i] = (float) skc_rng_uniform (&rng);
  CHECK (skc_filter_apply (f, &in, &out, 2) == SKC_OK);
  int h = e.width / 2;
  double worst = 0;
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      for (int c = 0; c < channels; c++)
        {
          double acc = 0;
          for (int ky = 0; ky < e.height; ky++)
            for (int kx = 0; kx < e.width; kx++)
              acc += *skc_image_pixel (&e, kx, ky)
                     * skc_image_pixel (&in, clamp (x - (kx - h), width),
                                        clamp (y - (ky - h), height))[c];
          worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c] - acc));
        }
  CHECK_MSG (worst < 2e-5,
             "%s %dx%dx%d: apply differs from dense "
             "convolution by %g",
             what, width, height, channels, worst);

  /* Any thread count gives the same bits. */
  for (int threads = 1; threads <= 4; threads++)
    {
      skc_image other = { 0 };
      CHECK (skc_filter_apply (f, &in, &other, threads) == SKC_OK);
      CHECK_MSG (memcmp (other.data, out.data,
                         sizeof (float) * width * height * channels)
                     == 0,
                 "%s: %d threads differ", what, threads);
      skc_image_free (&other);
    }
  skc_image_free (&e);
  skc_image_free (&in);
  skc_image_free (&out);
}

int
main (void)
{
  skc_filter *filters[4] = {
    random_complex (SKC_OFFSETS_BILINEAR, 3, 7, 4.0, 1),
    random_complex (SKC_OFFSETS_INTEGER, 4, 5, 3.0, 2),
    random_complex (SKC_OFFSETS_BILINEAR, 1, 1, 0.0, 3),
    random_lowrank (3, 9, 4),
  };
  const char *names[4] = { "bilinear complex", "integer complex",
                           "identity-like complex", "lowrank" };
  for (int i = 0; i < 4; i++)
    {
      test_render_is_impulse_response (filters[i], names[i]);
      test_apply_is_dense_convolution (filters[i], 37, 23, 3, names[i]);
      test_apply_is_dense_convolution (filters[i], 19, 29, 4, names[i]);
      /* Kernels larger than the image, and a single pixel. */
      test_apply_is_dense_convolution (filters[i], 5, 3, 1, names[i]);
      test_apply_is_dense_convolution (filters[i], 1, 1, 2, names[i]);
    }
  for (int i = 0; i < 4; i++)
    skc_filter_free (filters[i]);
  return check_summary ();
}
