/* skc — fitting a filter to a target kernel, one entry point for every
 * method: `disk` (gradient descent with Adam on the exact impulse response
 * of the cascade), `pst` (parallel tempering / simulated annealing over the
 * same parameters, a baseline), `lowrank` (truncated SVD, a baseline) and
 * `knots` (piecewise-constant lines read from prefix sums, skc/knots.h:
 * exact for flat kernels, least-squares optimal within a budget).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FIT_H
#define SKC_FIT_H

#include <stdint.h>

#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SKC_METHOD_DISK,
  SKC_METHOD_PST,
  SKC_METHOD_LOWRANK,
  SKC_METHOD_KNOTS
} skc_method;

/* knots_axis of the fit options: the axis needing fewer knots (exact) or
 * giving the smaller error (budget). */
#define SKC_KNOTS_AXIS_BEST (-1)

typedef enum
{
  SKC_INIT_AUTO,   /* try radial and sparse briefly, keep the better */
  SKC_INIT_RADIAL, /* layer l evenly on a circle of radius l * dr */
  SKC_INIT_SPARSE, /* rejection sampling from the target's support */
  SKC_INIT_RANDOM  /* uniform in the target's square */
} skc_init;

/* Called from the fitting thread now and then; fraction in 0..1, loss is
 * the best loss so far (relative squared error). */
typedef void (*skc_progress_fn) (void *user, double fraction, double loss);

typedef struct
{
  size_t struct_size; /* sizeof (skc_fit_options), set by init */
  skc_method method;
  skc_offset_kind offsets;
  int layers;  /* 1..SKC_MAX_LAYERS (default 4) */
  int samples; /* per layer, 1..SKC_MAX_SAMPLES (default 24) */
  int rank;    /* lowrank: 1..SKC_MAX_RANK (default 2) */
  skc_init init;
  int steps;    /* disk: Adam steps per run; 0 = default */
  int restarts; /* disk: independent starts; 0 = default */
  uint64_t seed;
  int threads;     /* <= 0: one per core */
  int preview;     /* disk: a quick fit for live feedback */
  int evaluations; /* pst: loss evaluations; 0 = 30x disk's */
  /* disk: start from this complex (offsets times initial_scale) instead of
     the inits, one candidate; used to fit a basis whose members keep
     corresponding samples. */
  const skc_filter *initial;
  double initial_scale;
  skc_progress_fn progress;
  void *progress_user;
  /* NULL, or a flag another thread raises (sets non-zero) to stop the fit
     with SKC_ERR_CANCELLED.  Read with relaxed atomic loads: raise it with
     an atomic store (__atomic_store_n, g_atomic_int_set, C++20
     std::atomic_ref). */
  const int *cancel;
  /* knots: MACs per pixel and channel (knots + 1); <= 0 (default) or
     enough for every change of value: exact. */
  long knots_budget;
  /* knots: SKC_KNOTS_ROWS, SKC_KNOTS_COLUMNS or SKC_KNOTS_AXIS_BEST
     (default). */
  int knots_axis;
} skc_fit_options;

typedef struct
{
  long evaluations;   /* loss (+ gradient) evaluations; knots: 0 */
  double seconds;     /* wall time of the fit itself */
  double loss;        /* final fitting loss (skc_fit_loss); NaN when it
                         could not be measured */
  skc_init init_used; /* disk */
} skc_fit_report;

/* Defaults: disk, bilinear, 4 x 24, auto init, seed 1; knots exact along
 * the best axis.  Thread-safe. */
SKC_API void skc_fit_options_init (skc_fit_options *opts);

/* Fits a filter to `target` (a kernel: 1 channel, odd sides up to 513,
 * non-negative, finite, positive sum; normalised internally).
 * Deterministic for a given seed, whatever the thread count.  The filter's
 * info is left empty for the caller to fill.  Large targets cost time in
 * proportion to their area (see README).
 *
 * Knots take square targets up to SKC_MAX_KERNEL_SIDE and read only
 * knots_budget, knots_axis and cancel (once, before they start; they
 * report no progress).  They normalise in double precision: the weights
 * sit on a grid of 2^-23 of the largest value (so lines return to exactly
 * zero) and sum to 1.  They measure the report's loss only when a report
 * is asked for (it costs an FFT of twice the target's side).
 *
 * Thread-safe: concurrent fits share nothing. */
SKC_API skc_result skc_fit (const skc_image *target,
                            const skc_fit_options *opts, skc_filter **out,
                            skc_fit_report *report, skc_error *err);

/* The fitting loss of a filter against a target (1 channel, odd sides,
 * normalised to sum 1: skc_kernel_normalise), as the disk fitter measures
 * it (relative, natural-image weighted squared error), into *loss.
 * Thread-safe. */
SKC_API skc_result skc_fit_loss (const skc_filter *f, const skc_image *target,
                                 double *loss, skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
