/* skc — the knots fitter behind skc_fit's SKC_METHOD_KNOTS, for the
 * engine's planner (which fits knots outside the fit cache) and the tests.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_KNOTS_PRIVATE_H
#define SKC_KNOTS_PRIVATE_H

#include "skc/fit.h"
#include "skc/knots.h"

/* Fits a knots filter to `target` (1 channel, odd square, finite,
 * non-negative; normalised here).  budget_macs: MACs per pixel and channel
 * (knots + 1); <= 0 or enough for every change of value: exact.  axis:
 * SKC_KNOTS_ROWS, SKC_KNOTS_COLUMNS or SKC_KNOTS_AXIS_BEST.  The result's
 * weights sit on a grid of 2^-23 of its largest value (so lines return to
 * exactly zero) and it sums to 1.  Deterministic; thread-safe. */
skc_result skc_knots_fit (const skc_image *target, long budget_macs, int axis,
                          skc_filter **out, skc_error *err);

/* The fewest knots (at most max_macs MACs, <= 0: any number) whose
 * relative kernel error, ||fit - target|| / ||target||, is at most
 * max_error; *out stays NULL (SKC_OK) when none within max_macs reaches
 * it.  Otherwise as skc_knots_fit.  Thread-safe. */
skc_result skc_knots_fit_to (const skc_image *target, long max_macs,
                             double max_error, int axis, skc_filter **out,
                             skc_error *err);
/* *f, fitted by skc_knots_fit_to at max_error `aim` (> 0), refitted once a
 * third closer where its kernel as applied misses floor_db: the aim is
 * judged before the levels are rounded and renormalised, which on a kernel
 * of a few pixels can cost a dB (a disc of 1.75 px at normal: 29.8 dB).
 * *f stays as it is where the closer fit finds none.  Returns the kernel
 * SNR of *f as it ends (-INFINITY for a NaN error), NAN when *f is NULL. */
double skc_knots_closer_if_short (const skc_image *target, long max_macs,
                                  double aim, int axis, double floor_db,
                                  skc_filter **f);

/* Knots without the per-line programme, for planners fitting thousands
 * of targets: each line's runs joined cheapest first (all lines at once,
 * each run its pixels' mean) while the relative kernel error stays within
 * max_error, then the exact knots of that; along `axis` (either: the
 * fewer).  *out NULL when those take more than max_macs.  Near the
 * fewest-knots programme's count for a fraction of its time.
 * Thread-safe. */
skc_result skc_knots_fit_merged (const skc_image *target, long max_macs,
                                 double max_error, int axis, skc_filter **out,
                                 skc_error *err);

/* Knots without the per-line programme, for planners fitting thousands
 * of targets: the exact knots of `target` with its values rounded to
 * multiples of peak / L (its sum kept), L the fewest of a few counts
 * whose rounding stays within max_error (relative kernel error), *out
 * NULL when those take more than max_macs; with max_error < 0, the most
 * levels within max_macs.  `hint` (may be NULL) starts the search and
 * gets the choice: neighbouring targets take alike.  Thread-safe. */
skc_result skc_knots_fit_levelled (const skc_image *target, long max_macs,
                                   double max_error, int axis, int *hint,
                                   skc_filter **out, skc_error *err);

/* Lines given by their changes of value (line i's count[i] boundaries,
 * 0..n increasing, from bound[start[i]], the value after each in
 * level[start[i]], the last 0, as the fitters' plans hold them) on the
 * knots' grid: normalised to sum 1, each value an integer multiple
 * (grid[start[i] + q]) of *step, 2^-23 of the largest at the power of
 * two, so that each knot's weight (a difference of two values) is an
 * exact float and every line's weights sum to exactly zero.  Returns the
 * knots (changes of grid value) in all, line_knots[i] (may be NULL) each
 * line's; -1 where the lines sum to nothing.  Thread-safe. */
long skc_knots_lines_grid (int n, const int *count, const size_t *start,
                           const int *bound, const double *level,
                           long long *grid, int *line_knots, double *step);

/* About how many steps skc_knots_fit_to's programme takes on `target`
 * along rows within max_macs (for a planner weighing many fits before
 * running them); INFINITY for a target it would refuse.  Thread-safe. */
double skc_knots_fit_work (const skc_image *target, long max_macs);

/* The per-line dynamic programme: cost[k] for k = 0..max_knots is the least
 * squared error between values[0..n) and a piecewise-constant line with at
 * most k knots that is zero before its first knot and after its last
 * (n + 1 knots always suffice).  SKC_ERR_INVALID_ARGUMENT when n < 1 or
 * max_knots < 0, SKC_ERR_OUT_OF_MEMORY.  Thread-safe. */
skc_result skc_knots_line_costs (const double *values, int n, int max_knots,
                                 double *cost);

/* Lines' shares of knots at a price per knot, as a fit aiming at an error
 * prices them: line i's costs (at most 0..kmax[i] knots, non-increasing)
 * from cost[at[i]], and for each of `count` prices (>= 0, in that order)
 * each line's k in 0, 2..kmax[i] least in cost + price x k, the fewer
 * knots on ties, into shares[p n + i] (a tie in exact arithmetic, costs
 * collinear at exactly the price, may fall either way under rounding).
 * Each price's walk starts where the last ended.  SKC_ERR_OUT_OF_MEMORY.
 * Thread-safe. */
skc_result skc_knots_shares_at_prices (const double *cost, const size_t *at,
                                       int n, const int *kmax,
                                       const double *prices, int count,
                                       int *shares);

#endif
