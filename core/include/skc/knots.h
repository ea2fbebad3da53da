/* skc — knots: flat kernels as piecewise-constant lines read from prefix
 * sums.  A line that is piecewise constant is the running sum of a sparse
 * difference line, so image (x) kernel = S (x) D, S the image's prefix sum
 * along the lines and D the knots (one read of S each).  The exact kernel
 * needs as many knots as its lines have value changes; for a smaller
 * budget a per-line dynamic programme gives the best piecewise-constant
 * line with k knots for every k, and a knapsack spreads the budget over
 * the lines: the least-squares optimum over knot sets.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_KNOTS_H
#define SKC_KNOTS_H

#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"

#ifdef __cplusplus
extern "C"
{
#endif

/* The axis argument of skc_knots_fit: the one needing fewer knots (exact)
 * or giving the smaller error (budget). */
#define SKC_KNOTS_AXIS_BEST (-1)

  /* Fits a knots filter to `target` (1 channel, odd square, finite,
   * non-negative; normalised here).  budget_macs: MACs per pixel and channel
   * (knots + 1); <= 0 or enough for every change of value: exact.  axis:
   * SKC_KNOTS_ROWS, SKC_KNOTS_COLUMNS or SKC_KNOTS_AXIS_BEST.  The result's
   * weights sit on a grid of 2^-23 of its largest value (so lines return to
   * exactly zero) and it sums to 1.  Deterministic; thread-safe. */
  SKC_API skc_result skc_knots_fit (const skc_image *target, long budget_macs,
                                    int axis, skc_filter **out,
                                    skc_error *err);

  /* Knots the exact kernel needs along `axis` (value changes of its lines,
   * counting the steps up from and down to zero at the ends).  Cheap: the
   * planner's flatness test.  -1 on a bad target.  Thread-safe. */
  SKC_API long skc_knots_exact_count (const skc_image *target,
                                      skc_knots_axis axis);

  /* The per-line dynamic programme: cost[k] for k = 0..max_knots is the least
   * squared error between values[0..n) and a piecewise-constant line with at
   * most k knots that is zero before its first knot and after its last
   * (n + 1 knots always suffice).  Returns 0 when out of memory.  Exposed for
   * tests.  Thread-safe. */
  SKC_API int skc_knots_line_costs (const double *values, int n, int max_knots,
                                    double *cost);

#ifdef __cplusplus
}
#endif

#endif
