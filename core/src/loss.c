/* skc — the fitting loss (see loss.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "loss.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Corner frequency of the natural-image spectrum model, cycles/pixel, and
 * the flat floor relative to the weight at f = 0: the floor keeps the fit
 * honest about fine detail (rims), which image PSNR alone barely sees. */
#define SPECTRUM_CORNER 0.02
#define FLAT_FLOOR 0.002

int
skc_loss_init (skc_loss *loss, const skc_image *target)
{
  memset (loss, 0, sizeof *loss);
  int hw = target->width / 2, hh = target->height / 2;
  if (!skc_grid_reserve (&loss->target, -hw, -hh, target->width,
                         target->height))
    return 0;
  for (int y = 0; y < target->height; y++)
    for (int x = 0; x < target->width; x++)
      loss->target.v[(size_t) y * target->width + x]
          = *skc_image_pixel (target, x, y);
  /* Frequency resolution: the spectrum weight changes over ~0.02 cycles,
     so the FFT is at least twice the target (and at least 64). */
  int side = target->width > target->height ? target->width : target->height;
  loss->min_size = 2 * side - 1 > 64 ? 2 * side - 1 : 64;
  loss->flat_weight = FLAT_FLOOR;
  return 1;
}

static void
plan_free (skc_loss_plan *p)
{
  skc_fft_destroy (p->forward);
  skc_fft_destroy (p->backward);
  fftw_free (p->real);
  fftw_free (p->spectrum);
  free (p->weight);
  memset (p, 0, sizeof *p);
}

void
skc_loss_free (skc_loss *loss)
{
  for (int i = 0; i < loss->plan_count; i++)
    plan_free (&loss->plans[i]);
  skc_grid_free (&loss->target);
  free (loss->grad);
  memset (loss, 0, sizeof *loss);
}

/* Places grid g (scaled by sign) into the periodic size x size array. */
static void
wrap_add (double *real, int size, const skc_grid *g, double sign)
{
  for (int y = 0; y < g->height; y++)
    {
      int yy = ((g->y0 + y) % size + size) % size;
      double *row = real + (size_t) yy * size;
      for (int x = 0; x < g->width; x++)
        {
          int xx = ((g->x0 + x) % size + size) % size;
          row[xx] += sign * g->v[(size_t) y * g->width + x];
        }
    }
}

static double
weighted_energy (const skc_loss_plan *p)
{
  const int half = p->size / 2 + 1;
  double sum = 0;
  for (int y = 0; y < p->size; y++)
    for (int x = 0; x < half; x++)
      {
        size_t i = (size_t) y * half + x;
        double re = p->spectrum[i][0], im = p->spectrum[i][1];
        /* Columns 1 .. size/2 (exclusive of the Nyquist column for even
           sizes) stand for two conjugate frequencies. */
        int twice = x > 0 && !(p->size % 2 == 0 && x == p->size / 2);
        sum += (twice ? 2 : 1) * p->weight[i] * (re * re + im * im);
      }
  return sum;
}

static skc_loss_plan *
get_plan (skc_loss *loss, int size)
{
  for (int i = 0; i < loss->plan_count; i++)
    if (loss->plans[i].size == size)
      return &loss->plans[i];
  if (loss->plan_count == SKC_LOSS_PLAN_CACHE)
    plan_free (&loss->plans[--loss->plan_count]);
  skc_loss_plan *p = &loss->plans[loss->plan_count];
  const int half = size / 2 + 1;
  p->size = size;
  p->real = fftw_alloc_real ((size_t) size * size);
  p->spectrum = fftw_alloc_complex ((size_t) size * half);
  p->weight = malloc ((size_t) size * half * sizeof *p->weight);
  if (!p->real || !p->spectrum || !p->weight)
    {
      plan_free (p);
      return NULL;
    }
  p->forward = skc_fft_plan_r2c (size, size, p->real, p->spectrum);
  p->backward = skc_fft_plan_c2r (size, size, p->spectrum, p->real);
  if (!p->forward || !p->backward)
    {
      plan_free (p);
      return NULL;
    }
  const double f0 = SPECTRUM_CORNER;
  for (int y = 0; y < size; y++)
    for (int x = 0; x < half; x++)
      {
        double fy = (y <= size / 2 ? y : y - size) / (double) size;
        double fx = x / (double) size;
        p->weight[(size_t) y * half + x]
            = f0 * f0 / (fx * fx + fy * fy + f0 * f0) + loss->flat_weight;
      }
  memset (p->real, 0, (size_t) size * size * sizeof (double));
  wrap_add (p->real, size, &loss->target, 1.0);
  fftw_execute (p->forward);
  p->target_norm = weighted_energy (p);
  loss->plan_count++;
  return p;
}

double
skc_loss_eval (skc_loss *loss, const skc_grid *e, int want_grad)
{
  const skc_grid *t = &loss->target;
  int x0 = e->x0 < t->x0 ? e->x0 : t->x0;
  int y0 = e->y0 < t->y0 ? e->y0 : t->y0;
  int x1 = e->x0 + e->width > t->x0 + t->width ? e->x0 + e->width
                                               : t->x0 + t->width;
  int y1 = e->y0 + e->height > t->y0 + t->height ? e->y0 + e->height
                                                 : t->y0 + t->height;
  int extent = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
  int size
      = skc_fft_good_size (extent > loss->min_size ? extent : loss->min_size);
  skc_loss_plan *p = get_plan (loss, size);
  if (!p)
    return -1;

  memset (p->real, 0, (size_t) size * size * sizeof (double));
  wrap_add (p->real, size, e, 1.0);
  wrap_add (p->real, size, t, -1.0);
  fftw_execute (p->forward);
  double value = weighted_energy (p) / p->target_norm;
  if (!want_grad)
    return value;

  /* dloss/dD(x) = 2 * IDFT (W * D^)(x) / norm; FFTW's inverse is
     unnormalised, which is what the derivative of the forward sum asks. */
  const int half = size / 2 + 1;
  for (size_t i = 0; i < (size_t) size * half; i++)
    {
      double s = 2 * p->weight[i] / p->target_norm;
      p->spectrum[i][0] *= s;
      p->spectrum[i][1] *= s;
    }
  fftw_execute (p->backward);
  size_t need = (size_t) e->width * e->height;
  if (need > loss->grad_capacity)
    {
      double *g = realloc (loss->grad, need * sizeof *g);
      if (!g)
        return -1;
      loss->grad = g;
      loss->grad_capacity = need;
    }
  for (int y = 0; y < e->height; y++)
    {
      int yy = ((e->y0 + y) % size + size) % size;
      const double *row = p->real + (size_t) yy * size;
      for (int x = 0; x < e->width; x++)
        loss->grad[(size_t) y * e->width + x]
            = row[((e->x0 + x) % size + size) % size];
    }
  return value;
}
