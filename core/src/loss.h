/* skc — the fitting loss: squared error between an impulse response E and
 * the target T, weighted in the Fourier domain by a natural-image spectrum
 * (about 1 / (f^2 + f0^2)) plus a flat floor, relative to T's own weighted
 * energy.  Energy E puts outside T's window is error like any other.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_LOSS_H
#define SKC_LOSS_H

#include "cascade.h"
#include "internal.h"
#include "skc/image.h"

#define SKC_LOSS_PLAN_CACHE 6

typedef struct
{
  int size;               /* FFT side */
  double *real;           /* size x size */
  fftw_complex *spectrum; /* size x (size / 2 + 1) */
  double *weight;         /* per frequency of the half spectrum */
  fftw_plan forward, backward;
  double target_norm; /* sum of weight * |T^|^2 */
} skc_loss_plan;

typedef struct
{
  skc_grid target; /* centred: x0 = y0 = -half */
  skc_loss_plan plans[SKC_LOSS_PLAN_CACHE];
  int plan_count;
  int min_size;
  double flat_weight;
  double *grad; /* dloss / dE on E's grid */
  size_t grad_capacity;
} skc_loss;

/* Prepares the loss for a kernel target (1 channel, odd sides, sum 1). */
int skc_loss_init (skc_loss *loss, const skc_image *target);
void skc_loss_free (skc_loss *loss);

/* Loss of E; when want_grad, loss->grad receives dloss/dE on E's grid.
 * Returns a negative value on allocation failure. */
double skc_loss_eval (skc_loss *loss, const skc_grid *e, int want_grad);

#endif
