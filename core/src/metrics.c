/* skc — fidelity metrics (benchmark protocol): kernel error and image PSNR
 * on photos, the latter exact through FFTs.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/metrics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "skc/kernel.h"

/* E - T on the smallest odd square grid holding both, centres aligned. */
static double *
difference (const skc_image *e, const skc_image *t, int *side)
{
  int s = e->width;
  s = e->height > s ? e->height : s;
  s = t->width > s ? t->width : s;
  s = t->height > s ? t->height : s;
  *side = s;
  double *d = calloc ((size_t) s * s, sizeof *d);
  if (!d)
    return NULL;
  for (int pass = 0; pass < 2; pass++)
    {
      const skc_image *k = pass ? t : e;
      double sign = pass ? -1 : 1;
      int ox = (s - k->width) / 2, oy = (s - k->height) / 2;
      for (int y = 0; y < k->height; y++)
        for (int x = 0; x < k->width; x++)
          d[(size_t) (y + oy) * s + x + ox]
              += sign * *skc_image_pixel (k, x, y);
    }
  return d;
}

double
skc_kernel_error (const skc_image *effective, const skc_image *target)
{
  int side;
  double *d = difference (effective, target, &side);
  if (!d)
    return NAN;
  double num = 0, den = 0;
  for (size_t i = 0; i < (size_t) side * side; i++)
    num += d[i] * d[i];
  for (int y = 0; y < target->height; y++)
    for (int x = 0; x < target->width; x++)
      {
        double v = *skc_image_pixel (target, x, y);
        den += v * v;
      }
  free (d);
  return den > 0 ? sqrt (num / den) : NAN;
}

double
skc_kernel_snr_db (double kernel_error)
{
  return -20 * log10 (kernel_error);
}

struct skc_photo_set
{
  int count;
  int *width, *height, *channels;
  fftw_complex **spectra; /* per photo: channels planes of h x (w/2+1) */
  fftw_plan *forward, *backward;
};

void
skc_photo_set_free (skc_photo_set *set)
{
  if (!set)
    return;
  for (int i = 0; i < set->count; i++)
    {
      fftw_free (set->spectra[i]);
      skc_fft_destroy (set->forward[i]);
      skc_fft_destroy (set->backward[i]);
    }
  free (set->width);
  free (set->height);
  free (set->channels);
  free (set->spectra);
  free (set->forward);
  free (set->backward);
  free (set);
}

skc_result
skc_photo_set_new (const skc_image *photos, int count, skc_photo_set **out,
                   skc_error *err)
{
  *out = NULL;
  skc_photo_set *set = calloc (1, sizeof *set);
  if (!set)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  set->count = count;
  set->width = calloc (count, sizeof (int));
  set->height = calloc (count, sizeof (int));
  set->channels = calloc (count, sizeof (int));
  set->spectra = calloc (count, sizeof (fftw_complex *));
  set->forward = calloc (count, sizeof (fftw_plan));
  set->backward = calloc (count, sizeof (fftw_plan));
  if (!set->width || !set->height || !set->channels || !set->spectra
      || !set->forward || !set->backward)
    {
      skc_photo_set_free (set);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  for (int i = 0; i < count; i++)
    {
      const skc_image *p = &photos[i];
      int w = p->width, h = p->height, half = w / 2 + 1;
      set->width[i] = w;
      set->height[i] = h;
      set->channels[i] = p->channels < 3 ? p->channels : 3;
      double *real = fftw_alloc_real ((size_t) w * h);
      fftw_complex *spec = fftw_alloc_complex ((size_t) h * half);
      set->spectra[i]
          = fftw_alloc_complex ((size_t) h * half * set->channels[i]);
      if (real && spec)
        {
          set->forward[i] = skc_fft_plan_r2c (h, w, real, spec);
          set->backward[i] = skc_fft_plan_c2r (h, w, spec, real);
        }
      if (!real || !spec || !set->spectra[i] || !set->forward[i]
          || !set->backward[i])
        {
          fftw_free (real);
          fftw_free (spec);
          skc_photo_set_free (set);
          return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
        }
      for (int c = 0; c < set->channels[i]; c++)
        {
          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              real[(size_t) y * w + x] = skc_image_pixel (p, x, y)[c];
          fftw_execute_dft_r2c (set->forward[i], real,
                                set->spectra[i] + (size_t) c * h * half);
        }
      fftw_free (real);
      fftw_free (spec);
    }
  *out = set;
  return SKC_OK;
}

double
skc_photo_set_psnr (const skc_photo_set *set, const skc_image *effective,
                    const skc_image *target)
{
  int side;
  double *d = difference (effective, target, &side);
  if (!d)
    return NAN;
  double psnr_sum = 0;
  int used = 0;
  for (int i = 0; i < set->count; i++)
    {
      int w = set->width[i], h = set->height[i], half = w / 2 + 1;
      int margin = side / 2;
      if (2 * margin >= w || 2 * margin >= h)
        continue;
      double *real = fftw_alloc_real ((size_t) w * h);
      fftw_complex *dspec = fftw_alloc_complex ((size_t) h * half);
      fftw_complex *prod = fftw_alloc_complex ((size_t) h * half);
      if (!real || !dspec || !prod)
        {
          fftw_free (real), fftw_free (dspec), fftw_free (prod);
          free (d);
          return NAN;
        }
      /* The difference kernel, centre at (0, 0) of the periodic grid. */
      memset (real, 0, (size_t) w * h * sizeof *real);
      for (int y = 0; y < side; y++)
        for (int x = 0; x < side; x++)
          {
            int yy = ((y - margin) % h + h) % h,
                xx = ((x - margin) % w + w) % w;
            real[(size_t) yy * w + xx] += d[(size_t) y * side + x];
          }
      fftw_execute_dft_r2c (set->forward[i], real, dspec);
      double sse = 0;
      long n = 0;
      for (int c = 0; c < set->channels[i]; c++)
        {
          const fftw_complex *p = set->spectra[i] + (size_t) c * h * half;
          for (size_t k = 0; k < (size_t) h * half; k++)
            {
              prod[k][0] = p[k][0] * dspec[k][0] - p[k][1] * dspec[k][1];
              prod[k][1] = p[k][0] * dspec[k][1] + p[k][1] * dspec[k][0];
            }
          fftw_execute_dft_c2r (set->backward[i], prod, real);
          double scale = 1.0 / ((double) w * h);
          for (int y = margin; y < h - margin; y++)
            for (int x = margin; x < w - margin; x++)
              {
                double v = real[(size_t) y * w + x] * scale;
                sse += v * v;
                n++;
              }
        }
      fftw_free (real), fftw_free (dspec), fftw_free (prod);
      double mse = sse / n;
      psnr_sum += mse > 0 ? -10 * log10 (mse) : INFINITY;
      used++;
    }
  free (d);
  return used ? psnr_sum / used : NAN;
}
