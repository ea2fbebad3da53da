/* skc — knots: flat kernels as piecewise-constant lines read from prefix
 * sums.  A line that is piecewise constant is the running sum of a sparse
 * difference line, so image (x) kernel = S (x) D, S the image's prefix sum
 * along the lines and D the knots (one read of S each).  The exact kernel
 * needs as many knots as its lines have value changes; for a smaller
 * budget a per-line dynamic programme gives the best piecewise-constant
 * line with k knots for every k, and a knapsack spreads the budget over
 * the lines: the least-squares optimum over knot sets.
 *
 * Knots filters are fitted by skc_fit with SKC_METHOD_KNOTS (skc/fit.h)
 * and read through the knots accessors of skc/filter.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_KNOTS_H
#define SKC_KNOTS_H

#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Knots the exact kernel needs along `axis` (value changes of its lines,
 * counting the steps up from and down to zero at the ends), into *count.
 * `target` is a knots target: 1 channel, odd square up to
 * SKC_MAX_KERNEL_SIDE, finite, non-negative, positive sum.  Cheap: the
 * planner's flatness test.  Thread-safe. */
SKC_API skc_result skc_knots_exact_count (const skc_image *target,
                                          skc_knots_axis axis, long *count,
                                          skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
