/* skc — fitting knots filters: per-line dynamic programme, a knapsack over
 * the lines, the better axis, weights on an exact grid.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "knots_private.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "skc/metrics.h"

/* A line that changes value at more boundaries than this (a soft edge, a
 * ramp) tries knots only at this many of them, spread evenly over its
 * total variation (its first and last always), and takes at most this
 * many: its programme then costs LINE_CANDIDATES^3 steps, not m^3 (a
 * soft-edged shape's row at R 150 has ~200 changes). */
#define LINE_CANDIDATES 48
_Static_assert(LINE_CANDIDATES <= 255, "a share is kept in a byte");

/* The boundaries (0..n) where line v changes value, the steps from and to
 * zero included, into bound, with the value after each into level (either
 * may be NULL); returns how many.  These are a line's exact knots. */
static int
line_change_positions (const double *v, int n, int *bound, double *level)
{
  int c = 0;
  for (int j = 0; j <= n; j++)
    {
      double before = j > 0 ? v[j - 1] : 0, after = j < n ? v[j] : 0;
      if (before != after)
        {
          if (bound)
            bound[c] = j;
          if (level)
            level[c] = after;
          c++;
        }
    }
  return c;
}

/* Keeps LINE_CANDIDATES of a line's m change boundaries `at` (in place,
 * in order): the first, the last, and between them those where the
 * line's cumulative variation crosses equal steps; returns how many. */
static int
thin_candidates (const double *v, int n, int *at, int m)
{
  double total = 0;
  for (int t = 0; t < m; t++)
    {
      int j = at[t];
      total += fabs ((j < n ? v[j] : 0) - (j > 0 ? v[j - 1] : 0));
    }
  int kept = 1; /* at[0] */
  double seen = 0;
  for (int t = 0; t + 1 < m; t++)
    {
      int j = at[t];
      seen += fabs ((j < n ? v[j] : 0) - (j > 0 ? v[j - 1] : 0));
      /* The next step of variation kept: kept / (LINE_CANDIDATES - 1). */
      if (t > 0 && kept < LINE_CANDIDATES - 1
          && seen >= total * kept / (LINE_CANDIDATES - 1))
        at[kept++] = j;
    }
  at[kept++] = at[m - 1];
  return kept;
}

/* One line's programme.  Boundaries b = 0..n sit before pixel b (n: after
 * the last); a knot at b changes the value from pixel b on.  F[c][t] is the
 * least error over pixels [0, at[t]) with c knots, the c-th at candidate
 * boundary at[t] (the value is zero before the first); arg[c][t] the
 * candidate of knot c - 1, best_end[c] the last knot's candidate.
 *
 * Only boundaries where the line changes value are tried: moving a knot
 * within a run of equal values moves one value from one segment to the
 * next, and each segment's error, sum x^2 - (sum x)^2 / length, is then a
 * concave function of the position, so the least error sits at a run's
 * end.  A line of m runs costs k m^2 steps instead of k n^2 (a disc's row
 * has about 7 at any radius). */
typedef struct
{
  int n, kmax;
  int m, *at;      /* the m boundaries where the value changes */
  double *p1, *p2; /* prefix sums of values and squares, n + 1 each */
  double *seg;     /* m x m: seg[t m + s], the error of [at[s], at[t]) */
  double *f;       /* (kmax + 1) x (n + 1) */
  int *arg;
  double *best; /* kmax + 1: exactly k knots, ends included */
  int *best_end;
} line_dp;

static void
line_dp_free (line_dp *d)
{
  free (d->at);
  free (d->p1);
  free (d->p2);
  free (d->seg);
  free (d->f);
  free (d->arg);
  free (d->best);
  free (d->best_end);
  memset (d, 0, sizeof *d);
}

/* Squared error of pixels [a, j) around their mean. */
static inline double
segment_cost (const line_dp *d, int a, int j)
{
  double s = d->p1[j] - d->p1[a];
  double e = d->p2[j] - d->p2[a] - s * s / (j - a);
  return e > 0 ? e : 0;
}

static int
line_dp_run (line_dp *d, const double *v, int n, int kmax)
{
  memset (d, 0, sizeof *d);
  d->at = malloc ((size_t) (n + 1) * sizeof *d->at);
  if (!d->at)
    return 0;
  d->m = line_change_positions (v, n, d->at, NULL);
  if (d->m > LINE_CANDIDATES)
    d->m = thin_candidates (v, n, d->at, d->m);
  /* More knots than changes never help. */
  if (kmax > d->m)
    kmax = d->m;
  if (kmax < 1)
    kmax = 1;
  d->n = n;
  d->kmax = kmax;
  /* Cells per candidate, not per boundary: a soft line's n is large. */
  size_t cells = (size_t) (kmax + 1) * (d->m > 0 ? d->m : 1);
  d->p1 = malloc ((size_t) (n + 1) * sizeof *d->p1);
  d->p2 = malloc ((size_t) (n + 1) * sizeof *d->p2);
  d->f = malloc (cells * sizeof *d->f);
  d->arg = malloc (cells * sizeof *d->arg);
  d->best = malloc ((size_t) (kmax + 1) * sizeof *d->best);
  d->best_end = malloc ((size_t) (kmax + 1) * sizeof *d->best_end);
  /* Up to LINE_CANDIDATES squared. */
  const int W = d->m;
  d->seg = malloc ((size_t) (W > 0 ? W : 1) * (W > 0 ? W : 1) * sizeof *d->seg);
  if (!d->p1 || !d->p2 || !d->f || !d->arg || !d->best || !d->best_end
      || !d->seg)
    {
      line_dp_free (d);
      return 0;
    }
  d->p1[0] = d->p2[0] = 0;
  for (int i = 0; i < n; i++)
    {
      d->p1[i + 1] = d->p1[i] + v[i];
      d->p2[i + 1] = d->p2[i] + v[i] * v[i];
    }
  double *F = d->f;
  int *A = d->arg;
  const int *at = d->at, m = d->m;
  for (int t = 0; t < m; t++)
    {
      F[W + t] = d->p2[at[t]];
      A[W + t] = -1;
    }
  /* Each segment's error once, not once per knot count: the programme's
     inner loop is then an add and a compare (a Gaussian's 256 map
     tables at R 150, normal: 3.2 -> 1.8 s). */
  if (kmax >= 2)
    for (int t = 1; t < m; t++)
      for (int s = 0; s < t; s++)
        d->seg[(size_t) t * W + s] = segment_cost (d, at[s], at[t]);
  for (int c = 2; c <= kmax; c++)
    /* Knot c sits at change c - 1 at the earliest, knot c - 1 at c - 2. */
    for (int t = c - 1; t < m; t++)
      {
        const double *before = F + (size_t) (c - 1) * W;
        const double *seg = d->seg + (size_t) t * W;
        double best = INFINITY;
        int arg = -1;
        for (int s = c - 2; s < t; s++)
          {
            double e = before[s] + seg[s];
            if (e < best)
              best = e, arg = s;
          }
        F[(size_t) c * W + t] = best;
        A[(size_t) c * W + t] = arg;
      }
  /* No knots, or one (which could only step to a value it never leaves):
     the line is zero. */
  d->best[0] = d->p2[n];
  d->best_end[0] = -1;
  if (kmax >= 1)
    d->best[1] = d->p2[n], d->best_end[1] = -1;
  for (int c = 2; c <= kmax; c++)
    {
      double best = INFINITY;
      int end = -1;
      for (int t = c - 1; t < m; t++)
        {
          const int j = at[t];
          double e = F[(size_t) c * W + t] + (d->p2[n] - d->p2[j]);
          if (e < best)
            best = e, end = t;
        }
      d->best[c] = best;
      d->best_end[c] = end;
    }
  return 1;
}

/* A programme's least errors with at most 0..max_knots knots. */
static void
line_dp_costs (const line_dp *d, int max_knots, double *cost)
{
  for (int k = 0; k <= max_knots; k++)
    {
      int c = k < d->kmax ? k : d->kmax;
      double e = d->best[c];
      /* "At most k": more knots never hurt, but ties keep the fewer. */
      if (k > 0 && cost[k - 1] < e)
        e = cost[k - 1];
      cost[k] = e;
    }
}

/* Keeps of a programme what its knots are read from (candidates, choices,
 * least errors): a plan holds one per line between its costs and its
 * knots. */
static void
line_dp_keep_choices (line_dp *d)
{
  free (d->p1);
  free (d->p2);
  free (d->seg);
  free (d->f);
  d->p1 = d->p2 = d->seg = d->f = NULL;
  int *at = realloc (d->at, (size_t) (d->m > 0 ? d->m : 1) * sizeof *at);
  d->at = at ? at : d->at;
}

skc_result
skc_knots_line_costs (const double *values, int n, int max_knots, double *cost)
{
  line_dp d;
  if (n < 1 || max_knots < 0)
    return SKC_ERR_INVALID_ARGUMENT;
  if (!line_dp_run (&d, values, n, max_knots))
    return SKC_ERR_OUT_OF_MEMORY;
  line_dp_costs (&d, max_knots, cost);
  line_dp_free (&d);
  return SKC_OK;
}

/* Value changes of a line, the steps from and to zero included. */
static int
line_changes (const double *v, int n)
{
  return line_change_positions (v, n, NULL, NULL);
}

static int
check_target (const skc_image *t, skc_error *err)
{
  if (!t || !t->data || t->channels != 1 || t->width != t->height
      || t->width % 2 == 0 || t->width > SKC_MAX_KERNEL_SIDE)
    {
      skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                "a knots target is one odd square channel up to %d px",
                SKC_MAX_KERNEL_SIDE);
      return 0;
    }
  /* Whether any value is positive (of values at or above 0, exactly when
     they sum above 0), without a chain of additions. */
  int bad = 0, positive = 0;
  for (int y = 0; y < t->height; y++)
    {
      const float *row = skc_image_pixel ((skc_image *) t, 0, y);
      for (int x = 0; x < t->width; x++)
        {
          /* NaN fails both comparisons, infinity the second. */
          bad |= !((row[x] >= 0) & (row[x] <= FLT_MAX));
          positive |= row[x] > 0;
        }
    }
  if (bad)
    {
      skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                "a knots target is finite and non-negative");
      return 0;
    }
  if (!positive)
    {
      skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "the target sums to zero");
      return 0;
    }
  return 1;
}

/* The target's lines along `axis`, as doubles, normalised to sum 1. */
static double *
target_lines (const skc_image *t, skc_knots_axis axis)
{
  int n = t->width;
  double *v = malloc ((size_t) n * n * sizeof *v);
  if (!v)
    return NULL;
  double sum = 0;
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        double value = *skc_image_pixel ((skc_image *) t, x, y);
        v[axis == SKC_KNOTS_ROWS ? (size_t) y * n + x : (size_t) x * n + y]
            = value;
        sum += value;
      }
  for (size_t i = 0; i < (size_t) n * n; i++)
    v[i] /= sum;
  return v;
}

/* The exact knots of t along `axis`: its lines' changes of value, the
 * steps from and to zero included (line_changes on target_lines, which
 * scaling leaves alike), counted in place. */
static long
exact_changes (const skc_image *t, skc_knots_axis axis)
{
  const int n = t->width;
  long changes = 0;
  for (int i = 0; i < n; i++)
    {
      float before = 0;
      for (int j = 0; j < n; j++)
        {
          float v = *skc_image_pixel ((skc_image *) t,
                                      axis == SKC_KNOTS_ROWS ? j : i,
                                      axis == SKC_KNOTS_ROWS ? i : j);
          changes += v != before;
          before = v;
        }
      changes += before != 0;
    }
  return changes;
}

skc_result
skc_knots_exact_count (const skc_image *target, skc_knots_axis axis,
                       long *count, skc_error *err)
{
  if (!check_target (target, err))
    return SKC_ERR_INVALID_ARGUMENT;
  if (axis != SKC_KNOTS_ROWS && axis != SKC_KNOTS_COLUMNS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown knots axis %d",
                     (int) axis);
  *count = exact_changes (target, axis);
  return SKC_OK;
}

/* A plan for one axis: knots per line and the boundaries and segment
 * values that realise them. */
typedef struct
{
  int n;
  int *count;    /* knots per line */
  size_t *start; /* n + 1: line i's boundaries from start[i] (as many as
                    its changes of value, the most it can take) */
  int *bound;    /* boundaries */
  double *level; /* value after each boundary (0 after the last) */
  double error;  /* squared error against the normalised target */
  long knots;
} axis_plan;

static void
axis_plan_free (axis_plan *p)
{
  free (p->count);
  free (p->start);
  free (p->bound);
  free (p->level);
  memset (p, 0, sizeof *p);
}

static int
compare_descending (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return (x < y) - (x > y);
}

/* Aiming at an error, a plan gives up beyond this much work (line
 * programmes' m^2 steps per knot, m the line's changes of value): about a
 * quarter of a second. */
#define AIM_WORK_MAX 3e8
/* Aiming at an error, shares are priced rather than packed when the
 * knapsack would take more steps than this (budget x the lines' most
 * knots: a few ms). */
#define KNAPSACK_WORK_MAX 4e6
/* Lines that may take this many knots or more run the knapsack's four
 * lanes; fewer, one plain scan. */
#define KNAPSACK_LANES_FROM 8

/* The most knots a line with `changes` changes of value may take within a
 * budget of K, and its programme's steps. */
static int
line_share_max (int changes, int K)
{
  int most = changes <= LINE_CANDIDATES ? changes : LINE_CANDIDATES;
  return most < K ? most : K;
}

static double
line_work (int changes, int kmax)
{
  double m = changes <= LINE_CANDIDATES ? changes : LINE_CANDIDATES;
  return kmax * m * m;
}

/* The steps of n lines' programmes (each line's most knots into kmax
 * unless NULL) and of their shares within K knots: a knapsack, or, aiming
 * at an error where the knapsack would take more than KNAPSACK_WORK_MAX,
 * 64 bisection steps of a price over every line's knots (*priced). */
static double
shares_work (const int *changes, int n, int K, int aiming, int *kmax,
             int *priced)
{
  double work = 0, knapsack = 0;
  for (int i = 0; i < n; i++)
    {
      int most = line_share_max (changes[i], K);
      if (kmax)
        kmax[i] = most;
      work += line_work (changes[i], most);
      knapsack += (double) K * most;
    }
  *priced = aiming && knapsack > KNAPSACK_WORK_MAX;
  return work + (*priced ? 64 * knapsack / K : knapsack);
}

/* The lines' shares of at most K knots with the least error (a knapsack
 * over cost[at[i] + k], line i's error with at most k knots); aiming
 * at max_squared (>= 0, relative to norm), the fewest knots reaching it,
 * SKC_ERR_TOO_LARGE (quiet) when none within K does. */
static skc_result
shares_knapsack (const double *cost, const size_t *at, int n, const int *kmax,
                 int K, double max_squared, double norm, long total, int *share,
                 double *error, skc_error *err)
{
  double *g = malloc ((size_t) (K + 1) * sizeof *g);
  double *g_next = malloc ((size_t) (K + 1) * sizeof *g_next);
  /* A line's share is at most LINE_CANDIDATES: a byte. */
  unsigned char *choice = malloc ((size_t) n * (K + 1) * sizeof *choice);
  skc_result r = SKC_OK;
  if (!g || !g_next || !choice)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int b = 0; r == SKC_OK && b <= K; b++)
    g[b] = 0;
  for (int i = 0; r == SKC_OK && i < n; i++)
    {
      const double *c = cost + at[i];
      unsigned char *ch = choice + (size_t) i * (K + 1);
      if (kmax[i] < KNAPSACK_LANES_FROM)
        /* Few knots (most of a large flat kernel's lines): one scan in
           order, each least kept first, the fewest knots on ties. */
        for (int b = 0; b <= K; b++)
          {
            const int last = kmax[i] < b ? kmax[i] : b;
            double best = g[b] + c[0];
            int arg = 0;
            for (int k = 2; k <= last; k++)
              {
                double e = g[b - k] + c[k];
                if (e < best)
                  best = e, arg = k;
              }
            g_next[b] = best;
            ch[b] = (unsigned char) arg;
          }
      else
        for (int b = 0; b <= K; b++)
          {
            /* The least of g[b - k] + c[k], the fewest knots on ties: four
               independent runs (k = 2, 6, ...; 3, 7, ...) so that the
               comparisons need not wait on each other (the knapsack is most
               of a fit's time), each keeping its first least, then the least
               of those, the smallest k on ties: the sequential answer. */
            const int last = kmax[i] < b ? kmax[i] : b;
            double lane[4] = { INFINITY, INFINITY, INFINITY, INFINITY };
            int lane_arg[4] = { 0, 0, 0, 0 };
            int k = 2;
            for (; k + 3 <= last; k += 4)
              for (int j = 0; j < 4; j++)
                {
                  double e = g[b - k - j] + c[k + j];
                  if (e < lane[j])
                    lane[j] = e, lane_arg[j] = k + j;
                }
            for (int j = 0; k + j <= last; j++)
              {
                double e = g[b - k - j] + c[k + j];
                if (e < lane[j])
                  lane[j] = e, lane_arg[j] = k + j;
              }
            double best = g[b] + c[0];
            int arg = 0;
            for (int j = 0; j < 4; j++)
              if (lane_arg[j]
                  && (lane[j] < best || (lane[j] == best && lane_arg[j] < arg)))
                best = lane[j], arg = lane_arg[j];
            g_next[b] = best;
            ch[b] = (unsigned char) arg;
          }
      double *swap = g;
      g = g_next;
      g_next = swap;
    }
  /* The budget actually spent: all of it, or the fewest knots that reach
     max_squared. */
  int b = K;
  if (r == SKC_OK && max_squared >= 0)
    {
      b = 0;
      while (b < K && !(g[b] <= max_squared * norm))
        b++;
      if (!(g[b] <= max_squared * norm) && b < total)
        r = SKC_ERR_TOO_LARGE;
    }
  *error = r == SKC_OK ? g[b] : 0;
  for (int i = n - 1; i >= 0 && r == SKC_OK; i--)
    {
      share[i] = choice[(size_t) i * (K + 1) + b];
      b -= share[i];
    }
  free (g);
  free (g_next);
  free (choice);
  return r;
}

/* Line i's costs' lower convex hull over k = 0, 2 .. kmax[i], as knot
 * counts into hull from hull_at[i] (hull_at[n]: the end): only a hull's
 * vertex can be a line's least error + price x k at a price >= 0, the
 * fewer knots winning ties, so points on or above an edge, or no lower
 * than a vertex before them, are left out. */
static void
cost_hulls (const double *cost, const size_t *at, int n, const int *kmax,
            unsigned char *hull, size_t *hull_at)
{
  size_t h = 0;
  for (int i = 0; i < n; i++)
    {
      const double *c = cost + at[i];
      const size_t first = h;
      hull_at[i] = h;
      for (int k = 0; k <= kmax[i]; k = k ? k + 1 : 2)
        {
          if (h > first && !(c[k] < c[hull[h - 1]]))
            continue;
          while (h - first >= 2)
            {
              const int a = hull[h - 2], b = hull[h - 1];
              if ((c[b] - c[a]) * (k - a) < (c[k] - c[a]) * (b - a))
                break;
              h--;
            }
          hull[h++] = (unsigned char) k;
        }
    }
  hull_at[n] = h;
}

/* Each line's share at a price of `price` per knot: the k (0 or 2..kmax)
 * least in error + price x k, fewer knots on ties; their total error and
 * knots.  Along a line's hull that sum falls then rises, so each line
 * walks from its previous vertex pos[i] (a bisection's prices move little
 * from step to step). */
static void
shares_at_price (const double *cost, const size_t *at, int n,
                 const unsigned char *hull, const size_t *hull_at, double price,
                 int *pos, int *share, double *error, long *knots)
{
  *error = 0;
  *knots = 0;
  for (int i = 0; i < n; i++)
    {
      const double *c = cost + at[i];
      const unsigned char *k = hull + hull_at[i];
      const int last = (int) (hull_at[i + 1] - hull_at[i]) - 1;
      int j = pos[i];
      while (j < last
             && c[k[j + 1]] + price * k[j + 1] < c[k[j]] + price * k[j])
        j++;
      while (j > 0
             && !(c[k[j]] + price * k[j] < c[k[j - 1]] + price * k[j - 1]))
        j--;
      pos[i] = j;
      share[i] = k[j];
      *error += c[k[j]];
      *knots += k[j];
    }
}

/* The lines' cost hulls and each line's vertex of the last price, for
 * shares_at_price. */
typedef struct
{
  unsigned char *hull;
  size_t *hull_at;
  int *pos;
} share_walk;

static void
share_walk_free (share_walk *w)
{
  free (w->hull);
  free (w->hull_at);
  free (w->pos);
}

/* 0 when out of memory (nothing held). */
static int
share_walk_init (share_walk *w, const double *cost, const size_t *at, int n,
                 const int *kmax)
{
  w->hull = malloc ((at[n] > 0 ? at[n] : 1) * sizeof *w->hull);
  w->hull_at = malloc ((size_t) (n + 1) * sizeof *w->hull_at);
  w->pos = calloc ((size_t) (n > 0 ? n : 1), sizeof *w->pos);
  if (!w->hull || !w->hull_at || !w->pos)
    {
      share_walk_free (w);
      return 0;
    }
  cost_hulls (cost, at, n, kmax, w->hull, w->hull_at);
  return 1;
}

skc_result
skc_knots_shares_at_prices (const double *cost, const size_t *at, int n,
                            const int *kmax, const double *prices, int count,
                            int *shares)
{
  share_walk w;
  if (!share_walk_init (&w, cost, at, n, kmax))
    return SKC_ERR_OUT_OF_MEMORY;
  for (int p = 0; p < count; p++)
    {
      double error;
      long knots;
      shares_at_price (cost, at, n, w.hull, w.hull_at, prices[p], w.pos,
                       shares + (size_t) p * n, &error, &knots);
    }
  share_walk_free (&w);
  return SKC_OK;
}

/* Aiming at a squared error of at most `target`: the highest price per
 * knot whose shares reach it (bisection; the error grows with the price),
 * SKC_ERR_TOO_LARGE (quiet) when even every line's most knots or the
 * budget K fall short.  Each line's error curve is then met on its convex
 * hull: within a few knots of the knapsack's fewest, in n x kmax steps per
 * price instead of K x kmax per line. */
static skc_result
shares_priced (const double *cost, const size_t *at, int n, const int *kmax,
               int K, double target, int *share, double *error, skc_error *err)
{
  long knots;
  share_walk w;
  if (!share_walk_init (&w, cost, at, n, kmax))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  skc_result r = SKC_OK;
  shares_at_price (cost, at, n, w.hull, w.hull_at, 0, w.pos, share, error,
                   &knots);
  if (!(*error <= target))
    r = SKC_ERR_TOO_LARGE;
  double low = 0, high = 0;
  for (int i = 0; i < n; i++)
    high = fmax (high, cost[at[i]]);
  for (int step = 0; r == SKC_OK && step < 64; step++)
    {
      double mid = 0.5 * (low + high);
      shares_at_price (cost, at, n, w.hull, w.hull_at, mid, w.pos, share, error,
                       &knots);
      if (*error <= target)
        low = mid;
      else
        high = mid;
    }
  if (r == SKC_OK)
    {
      shares_at_price (cost, at, n, w.hull, w.hull_at, low, w.pos, share, error,
                       &knots);
      r = knots <= K ? SKC_OK : SKC_ERR_TOO_LARGE;
    }
  share_walk_free (&w);
  return r;
}

/* Whether lines v (n of n values) can reach a squared error of max_squared
 * (relative to their squared norm) with `budget` knots: a line kept takes
 * at least two, a line dropped adds its energy to the error.  Keeping the
 * strongest lines first is the best case. */
static int
lines_can_reach (const double *v, int n, long budget, double max_squared)
{
  double *energy = malloc ((size_t) n * sizeof *energy);
  if (!energy)
    return 1;
  double norm = 0;
  for (int i = 0; i < n; i++)
    {
      energy[i] = 0;
      for (int j = 0; j < n; j++)
        energy[i] += v[(size_t) i * n + j] * v[(size_t) i * n + j];
      norm += energy[i];
    }
  qsort (energy, (size_t) n, sizeof *energy, compare_descending);
  double dropped = norm;
  long kept = 0;
  while (kept < n && 2 * (kept + 1) <= budget)
    dropped -= energy[kept++];
  free (energy);
  return dropped <= max_squared * norm * (1 + 1e-9);
}

/* An earlier line of v (n lines of n values) equal to line i: its mirror
 * about the middle, or the line before; -1 when neither is. */
static int
line_twin (const double *v, int n, int i)
{
  const size_t bytes = (size_t) n * sizeof *v;
  const int mirror = n - 1 - i;
  if (mirror < i
      && !memcmp (v + (size_t) i * n, v + (size_t) mirror * n, bytes))
    return mirror;
  if (i > 0 && !memcmp (v + (size_t) i * n, v + (size_t) (i - 1) * n, bytes))
    return i - 1;
  return -1;
}

/* Every line's changes of value: the plan with no error. */
static void
plan_exact (const double *v, int n, long total, axis_plan *p)
{
  for (int i = 0; i < n; i++)
    p->count[i] = line_change_positions (
        v + (size_t) i * n, n, p->bound + p->start[i], p->level + p->start[i]);
  p->knots = total;
  p->error = 0;
}

/* Plans one axis for a budget of `budget` knots (< 0: exact).  With
 * max_squared >= 0 the plan takes the fewest knots within the budget whose
 * squared error is at most max_squared (relative to the target's squared
 * norm), and SKC_ERR_TOO_LARGE, quietly, when none reaches it. */
static skc_result
plan_axis (const double *v, int n, long budget, double max_squared,
           axis_plan *p, skc_error *err)
{
  memset (p, 0, sizeof *p);
  p->n = n;
  p->count = calloc ((size_t) n, sizeof *p->count);
  p->start = malloc ((size_t) (n + 1) * sizeof *p->start);
  int *changes = calloc ((size_t) n, sizeof *changes);
  long total = 0;
  if (p->count && p->start && changes)
    {
      /* Sized by the lines' changes, not n^2: a large kernel's plans are
         fitted by the thousand (a blur map's tables), and n^2 buffers
         cost more in page faults than in the fit. */
      p->start[0] = 0;
      for (int i = 0; i < n; i++)
        {
          changes[i] = line_changes (v + (size_t) i * n, n);
          total += changes[i];
          p->start[i + 1] = p->start[i] + (size_t) changes[i];
        }
      p->bound = malloc ((p->start[n] + 1) * sizeof *p->bound);
      p->level = malloc ((p->start[n] + 1) * sizeof *p->level);
    }
  if (!p->count || !p->start || !changes || !p->bound || !p->level)
    {
      free (changes);
      axis_plan_free (p);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  if (max_squared >= 0 && (budget < 0 || budget > total))
    budget = total;
  if (max_squared == 0 && budget < total)
    {
      free (changes);
      axis_plan_free (p);
      return SKC_ERR_TOO_LARGE; /* exact takes more */
    }
  if (max_squared == 0 || (max_squared < 0 && (budget < 0 || budget >= total)))
    {
      plan_exact (v, n, total, p);
      free (changes);
      return SKC_OK;
    }

  /* Each line's error for every k up to its exact count (or the budget;
     smooth lines at most LINE_CANDIDATES), then the lines' shares: a
     knapsack, G[i][b] the least error of lines [0, i) with at most b
     knots and choice[i][b] line i - 1's share; or, aiming at an error
     where the knapsack would take long, a common price per knot. */
  int K = (int) budget;
  int *kmax = malloc ((size_t) n * sizeof *kmax);
  int *share = calloc ((size_t) n, sizeof *share);
  if (!kmax || !share)
    {
      free (kmax);
      free (share);
      free (changes);
      axis_plan_free (p);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  int priced;
  double work = shares_work (changes, n, K, max_squared >= 0, kmax, &priced);
  /* Aiming at an error (a planner's question): each line kept costs at
     least two knots, and the lines dropped add their whole energy to the
     error, so some budgets cannot reach it; and a planner must answer in
     well under a second. */
  skc_result r = SKC_OK;
  if (max_squared >= 0
      && (work > AIM_WORK_MAX || !lines_can_reach (v, n, K, max_squared)))
    r = SKC_ERR_TOO_LARGE;
  /* Large smooth targets on a large budget: minutes and gigabytes. */
  else if (work > 2e10
           || (!priced && (double) n * (K + 1) > (double) (64 << 20)))
    r = skc_fail (err, SKC_ERR_TOO_LARGE,
                  "a %d px target with a budget of %ld knots is too "
                  "much work for the knots fitter; fit it exactly "
                  "(no budget) or smaller",
                  n, budget);
  /* Line i's errors with at most 0..kmax[i] knots from cost_at[i]. */
  size_t *cost_at
      = r == SKC_OK ? malloc ((size_t) (n + 1) * sizeof *cost_at) : NULL;
  double *cost = NULL;
  if (cost_at)
    {
      cost_at[0] = 0;
      for (int i = 0; i < n; i++)
        cost_at[i + 1] = cost_at[i] + (size_t) kmax[i] + 1;
      cost = malloc (cost_at[n] * sizeof *cost);
    }
  if (r == SKC_OK && !cost)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* A line equal to one before it (a symmetric kernel's mirror row, or
     its neighbour) has that line's costs and knots: the programme runs
     once. */
  int *twin = r == SKC_OK ? malloc ((size_t) n * sizeof *twin) : NULL;
  if (r == SKC_OK && !twin)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* Each line's programme, kept for its knots once shares are known:
     its rows up to a share are the rows a programme for that share
     would make. */
  line_dp *dp = r == SKC_OK ? calloc ((size_t) n, sizeof *dp) : NULL;
  if (r == SKC_OK && !dp)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; r == SKC_OK && i < n; i++)
    twin[i] = line_twin (v, n, i);
  for (int i = 0; r == SKC_OK && i < n; i++)
    {
      if (twin[i] >= 0)
        memcpy (cost + cost_at[i], cost + cost_at[twin[i]],
                ((size_t) kmax[i] + 1) * sizeof *cost);
      else if (!line_dp_run (&dp[i], v + (size_t) i * n, n, kmax[i]))
        r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      else
        {
          line_dp_costs (&dp[i], kmax[i], cost + cost_at[i]);
          line_dp_keep_choices (&dp[i]);
          if (kmax[i] == changes[i])
            cost[cost_at[i] + kmax[i]] = 0; /* exact, not rounding */
        }
    }
  if (r == SKC_OK)
    {
      double norm = 0;
      if (max_squared >= 0)
        for (size_t i = 0; i < (size_t) n * n; i++)
          norm += v[i] * v[i];
      r = priced ? shares_priced (cost, cost_at, n, kmax, K, max_squared * norm,
                                  share, &p->error, err)
                 : shares_knapsack (cost, cost_at, n, kmax, K, max_squared,
                                    norm, total, share, &p->error, err);
    }
  /* Aiming at an error the programme cannot reach (a line tries at most
     LINE_CANDIDATES knots, so a thin stroke's many-crossing rows keep
     an error; or its work is over AIM_WORK_MAX) while every change of
     value fits the budget: the exact plan reaches any aim.  A snowflake
     at R 214: 13339 MACs, within twice the cap, where the aim at high's
     floor found none. */
  const int exact
      = r == SKC_ERR_TOO_LARGE && max_squared >= 0 && budget == total;
  if (exact)
    {
      plan_exact (v, n, total, p);
      r = SKC_OK;
    }
  /* Each line's knots for its share. */
  double *prefix = NULL;
  for (int i = 0; !exact && i < n && r == SKC_OK; i++)
    {
      int k = share[i];
      const double *line = v + (size_t) i * n;
      int *bound = p->bound + p->start[i];
      double *level = p->level + p->start[i];
      if (k == 0)
        continue;
      const int j = twin[i];
      if (j >= 0 && share[j] == k)
        {
          p->count[i] = p->count[j];
          memcpy (bound, p->bound + p->start[j],
                  (size_t) p->count[j] * sizeof *bound);
          memcpy (level, p->level + p->start[j],
                  (size_t) p->count[j] * sizeof *level);
          p->knots += p->count[i];
          continue;
        }
      if (k >= changes[i])
        {
          p->count[i] = line_change_positions (line, n, bound, level);
          p->knots += p->count[i];
          continue;
        }
      /* The line's own programme, or its twin's (the same line). */
      int root = i;
      while (twin[root] >= 0)
        root = twin[root];
      const line_dp *d = &dp[root];
      /* The fewest knots reaching the least error up to k. */
      const int most = k < d->kmax ? k : d->kmax;
      int c = 0;
      for (int q = 2; q <= most; q++)
        if (d->best[q] < d->best[c])
          c = q;
      int t = d->best_end[c];
      for (int q = c; q >= 1; q--)
        {
          bound[q - 1] = d->at[t];
          t = d->arg[(size_t) q * d->m + t];
        }
      /* Each segment's mean, from the line's prefix sums as the
         programme took them. */
      if (!prefix && !(prefix = malloc ((size_t) (n + 1) * sizeof *prefix)))
        {
          r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      prefix[0] = 0;
      for (int x = 0; x < n; x++)
        prefix[x + 1] = prefix[x] + line[x];
      for (int q = 0; q < c; q++)
        {
          int a = bound[q], e = q + 1 < c ? bound[q + 1] : -1;
          level[q] = e < 0 ? 0 : (prefix[e] - prefix[a]) / (e - a);
        }
      p->count[i] = c;
      p->knots += c;
    }
  free (prefix);
  for (int i = 0; dp && i < n; i++)
    line_dp_free (&dp[i]);
  free (dp);
  free (changes);
  free (twin);
  free (cost);
  free (cost_at);
  free (kmax);
  free (share);
  if (r != SKC_OK)
    axis_plan_free (p);
  return r;
}

/* llround's integers, inline (the library call was half the time of a
 * cat-eye code's measurement): the fraction past the whole part is exact
 * for the grid's magnitudes. */
static inline long long
nearest_integer (double x)
{
  const double a = fabs (x);
  long long whole = (long long) a;
  whole += a - (double) whole >= 0.5;
  return x < 0 ? -whole : whole;
}

long
skc_knots_lines_grid (int n, const int *count, const size_t *start,
                      const int *bound, const double *level, long long *grid,
                      int *line_knots, double *step)
{
  double sum = 0, peak = 0;
  for (int i = 0; i < n; i++)
    for (size_t q = start[i]; q + 1 < start[i] + (size_t) count[i]; q++)
      {
        sum += level[q] * (bound[q + 1] - bound[q]);
        peak = fabs (level[q]) > peak ? fabs (level[q]) : peak;
      }
  if (!(sum > 0))
    return -1;
  int exponent;
  frexp (peak / sum, &exponent);
  *step = ldexp (1.0, exponent - 23);
  long knots = 0;
  for (int i = 0; i < n; i++)
    {
      long long previous = 0;
      int changes = 0;
      for (int q = 0; q < count[i]; q++)
        {
          long long *g = grid + start[i] + q;
          *g = q + 1 < count[i]
                   ? nearest_integer (level[start[i] + q] / sum / *step)
                   : 0;
          changes += *g != previous;
          previous = *g;
        }
      if (line_knots)
        line_knots[i] = changes;
      knots += changes;
    }
  return knots;
}

/* The filter of a plan: its lines on the knots' grid
 * (skc_knots_lines_grid). */
static skc_result
plan_filter (const axis_plan *p, skc_knots_axis axis, skc_filter **out,
             skc_error *err)
{
  int n = p->n;
  int *counts = malloc ((size_t) n * sizeof *counts);
  long long *grid = malloc ((p->start[n] + 1) * sizeof *grid);
  double step = 0;
  long knots = 0;
  skc_filter *f = NULL;
  if (counts && grid
      && (knots = skc_knots_lines_grid (n, p->count, p->start, p->bound,
                                        p->level, grid, counts, &step))
             >= 0)
    f = skc_filter_new_knots (axis, n, counts);
  if (!f)
    {
      free (counts);
      free (grid);
      return knots < 0 ? skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                                   "too few knots: the budget leaves the "
                                   "kernel empty")
                       : skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  int half = n / 2;
  for (int i = 0; i < n; i++)
    {
      const int *bound = p->bound + p->start[i];
      const long long *g = grid + p->start[i];
      int *pos = skc_filter_knot_positions (f, i);
      float *w = skc_filter_knot_weights (f, i);
      long long previous = 0;
      int c = 0;
      for (int q = 0; q < p->count[i]; q++)
        if (g[q] != previous)
          {
            pos[c] = bound[q] - half;
            w[c] = (float) ((double) (g[q] - previous) * step);
            previous = g[q];
            c++;
          }
    }
  free (counts);
  free (grid);
  *out = f;
  return SKC_OK;
}

double
skc_knots_fit_work (const skc_image *target, long max_macs)
{
  if (!check_target (target, NULL))
    return INFINITY;
  int n = target->width;
  double *v = target_lines (target, SKC_KNOTS_ROWS);
  int *changes = malloc ((size_t) n * sizeof *changes);
  if (!v || !changes)
    {
      free (v);
      free (changes);
      return INFINITY;
    }
  long total = 0;
  for (int i = 0; i < n; i++)
    total += changes[i] = line_changes (v + (size_t) i * n, n);
  long budget = max_macs <= 1 || max_macs - 1 > total ? total : max_macs - 1;
  /* The lines' programmes and shares as plan_axis runs them aiming at an
     error, and the target's own passes (lines, plans, the filter and its
     error): about 12 steps a pixel, measured. */
  int priced;
  double work
      = shares_work (changes, n, (int) budget, 1, NULL, &priced) + 12.0 * n * n;
  free (v);
  free (changes);
  return work;
}

/* skc_knots_fit and skc_knots_fit_to: max_error < 0 spends the budget,
 * else the fewest knots reaching it. */
static skc_result
knots_fit (const skc_image *target, long budget_macs, double max_error,
           int axis, skc_filter **out, skc_error *err)
{
  *out = NULL;
  if (!check_target (target, err))
    return SKC_ERR_INVALID_ARGUMENT;
  if (axis != SKC_KNOTS_AXIS_BEST && axis != SKC_KNOTS_ROWS
      && axis != SKC_KNOTS_COLUMNS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown knots axis %d",
                     axis);
  int n = target->width;
  /* One MAC per pixel goes to the prefix sum. */
  long budget = budget_macs <= 0 ? -1 : budget_macs - 1;
  if (budget == 0)
    budget = 1;
  if (budget > (long) n * (n + 1))
    budget = -1;
  double max_squared = max_error >= 0 ? max_error * max_error : -1;
  axis_plan plans[2];
  int have[2] = { 0, 0 };
  skc_result r = SKC_OK;
  for (int a = 0; a < 2 && r == SKC_OK; a++)
    {
      if (axis != SKC_KNOTS_AXIS_BEST && axis != a)
        continue;
      double *v = target_lines (target, (skc_knots_axis) a);
      if (!v)
        r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      else
        r = plan_axis (v, n, budget, max_squared, &plans[a], err);
      have[a] = r == SKC_OK;
      /* Aiming at an error, an axis that cannot reach it within the
         budget is no failure: the other may. */
      if (max_squared >= 0 && r == SKC_ERR_TOO_LARGE)
        r = SKC_OK;
      free (v);
    }
  if (r == SKC_OK && max_squared >= 0 && !have[0] && !have[1])
    return SKC_OK; /* *out stays NULL: out of reach */
  if (r == SKC_OK)
    {
      /* Spending a budget: the smaller error, then fewer knots (exact
         plans tie at zero).  Aiming at an error: fewer knots, then the
         smaller error.  Rows when both tie, so results do not flip on
         rounding. */
      int pick = have[0] ? 0 : 1;
      if (have[0] && have[1])
        {
          double e0 = plans[0].error, e1 = plans[1].error;
          long k0 = plans[0].knots, k1 = plans[1].knots;
          int fewer = k1 < k0, less = e1 < e0 * (1 - 1e-12);
          int tie_e = !less && !(e0 < e1 * (1 - 1e-12));
          pick = max_squared >= 0 ? fewer || (k1 == k0 && less)
                                  : less || (tie_e && fewer);
        }
      r = plan_filter (&plans[pick], (skc_knots_axis) pick, out, err);
    }
  for (int a = 0; a < 2; a++)
    if (have[a])
      axis_plan_free (&plans[a]);
  return r;
}

/* A target's values, for rounding to levels. */
typedef struct
{
  const skc_image *t;
  size_t count;
  float peak;
  double sum, energy;
} levels_source;

static levels_source
levels_source_of (const skc_image *t)
{
  levels_source src = { t, (size_t) t->width * t->height, 0, 0, 0 };
  for (size_t i = 0; i < src.count; i++)
    {
      float v = t->data[i];
      src.peak = v > src.peak ? v : src.peak;
      src.sum += v;
      src.energy += (double) v * v;
    }
  return src;
}

/* A non-negative value rounded to a multiple of step (inverse = 1 /
 * step): truncation rounds it half up. */
static inline float
nearest_level (float v, float step, float inverse)
{
  return step * (float) (int) (v * inverse + 0.5f);
}

/* The relative kernel error of rounding the values to multiples of
 * peak / levels (before the sum is restored, which moves it little). */
static double
levels_error (const levels_source *src, int levels)
{
  const float step = src->peak / levels, inverse = levels / src->peak;
  /* Eight sums side by side: one float sum's chain of additions was half
     a levelled fit's time. */
  float error[8] = { 0 };
  size_t i = 0;
  for (; i + 8 <= src->count; i += 8)
    for (int k = 0; k < 8; k++)
      {
        const float v = src->t->data[i + k];
        const float d = nearest_level (v, step, inverse) - v;
        error[k] += d * d;
      }
  for (; i < src->count; i++)
    {
      const float v = src->t->data[i];
      const float d = nearest_level (v, step, inverse) - v;
      error[0] += d * d;
    }
  double total = 0;
  for (int k = 0; k < 8; k++)
    total += error[k];
  return src->energy > 0 ? sqrt (total / src->energy) : 0;
}

/* Into q (t's size): the values rounded to multiples of peak / levels,
 * scaled back to t's sum. */
static void
round_levels (const levels_source *src, int levels, skc_image *q)
{
  const float step = src->peak / levels, inverse = levels / src->peak;
  double rounded = 0;
  for (size_t i = 0; i < src->count; i++)
    {
      q->data[i] = nearest_level (src->t->data[i], step, inverse);
      rounded += q->data[i];
    }
  const float scale = rounded > 0 ? (float) (src->sum / rounded) : 1;
  for (size_t i = 0; i < src->count; i++)
    q->data[i] *= scale;
}

/* Level counts tried, coarsest first. */
static const int level_counts[]
    = { 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256, 1024, 4096 };
#define LEVEL_COUNTS ((int) (sizeof level_counts / sizeof *level_counts))

/* The exact knots of the target rounded to level_counts[k] levels (k
 * past the last: the target itself), through q, into *out; NULL where
 * they take more than max_macs. */
static skc_result
levelled_knots (const levels_source *src, int k, long max_macs, int axis,
                skc_image *q, skc_filter **out, skc_error *err)
{
  if (k < LEVEL_COUNTS && src->peak > 0)
    round_levels (src, level_counts[k], q);
  else
    memcpy (q->data, src->t->data, src->count * sizeof *q->data);
  /* Exact knots are the lines' changes: more than max_macs (one goes to
     the prefix sum) along every axis allowed is out of reach, known
     without the fitter's tables. */
  if (max_macs > 0)
    {
      long fewest = axis == SKC_KNOTS_COLUMNS
                        ? exact_changes (q, SKC_KNOTS_COLUMNS)
                        : exact_changes (q, SKC_KNOTS_ROWS);
      if (axis == SKC_KNOTS_AXIS_BEST)
        {
          long columns = exact_changes (q, SKC_KNOTS_COLUMNS);
          fewest = columns < fewest ? columns : fewest;
        }
      if (fewest + 1 > max_macs)
        return SKC_OK;
    }
  return knots_fit (q, max_macs, 0, axis, out, err);
}

skc_result
skc_knots_fit_levelled (const skc_image *target, long max_macs,
                        double max_error, int axis, int *hint, skc_filter **out,
                        skc_error *err)
{
  *out = NULL;
  if (!check_target (target, err))
    return SKC_ERR_INVALID_ARGUMENT;
  skc_image q = { 0 };
  skc_result r = skc_image_alloc (&q, target->width, target->height, 1);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory");
  const levels_source src = levels_source_of (target);
  int k = hint && *hint >= 0 ? *hint : LEVEL_COUNTS / 2;
  k = k >= LEVEL_COUNTS ? LEVEL_COUNTS - 1 : k;
  if (max_error >= 0)
    {
      /* The error falls as levels grow: step from the hint to the first
         count within it. */
      if (levels_error (&src, level_counts[k]) <= max_error)
        while (k > 0 && levels_error (&src, level_counts[k - 1]) <= max_error)
          k--;
      else
        while (k < LEVEL_COUNTS
               && levels_error (&src, level_counts[k]) > max_error)
          k++;
      r = levelled_knots (&src, k, max_macs, axis, &q, out, err);
    }
  else
    {
      /* Knots grow with levels: the most levels within max_macs (none
         when even two levels take more). */
      for (k = LEVEL_COUNTS; k >= 0 && r == SKC_OK && !*out; k--)
        r = levelled_knots (&src, k, max_macs, axis, &q, out, err);
      k++;
    }
  if (hint)
    *hint = k;
  skc_image_free (&q);
  return r;
}

/* ---- merged knots: a greedy bottom-up programme ---- */

/* A run of one line's pixels taking one value (their mean). */
typedef struct
{
  double sum, squares;
  int count;
  int prev, next; /* neighbours on the line, -1 at its ends */
  /* Grows whenever the run or its next changes: its older joins are
     stale. */
  unsigned version;
  int alive;
} merge_run;

/* Joining run `left` with its next: the squared error it adds (16 bytes,
 * four to a heap slot's children). */
typedef struct
{
  double cost;
  int left;
  unsigned version;
} merge_step;

static int
step_before (const merge_step *a, const merge_step *b)
{
  return a->cost < b->cost || (a->cost == b->cost && a->left < b->left);
}

/* The heap is 4-ary: half the levels of a binary one, and a slot's
 * children side by side (a snowflake's cat-eye at R 150 sifts a heap of
 * 90 thousand joins per fit).  Joins come out by cost, then run, and a
 * run's stale joins are skipped wherever they come out: the same joins as
 * from any heap. */
#define HEAP_ARITY 4

static void
heap_push (merge_step *heap, int *n, merge_step v)
{
  int i = (*n)++;
  while (i > 0 && step_before (&v, &heap[(i - 1) / HEAP_ARITY]))
    {
      heap[i] = heap[(i - 1) / HEAP_ARITY];
      i = (i - 1) / HEAP_ARITY;
    }
  heap[i] = v;
}

/* Moves v down from slot i of a heap of n to where it belongs. */
static void
heap_sift (merge_step *heap, int n, int i, merge_step v)
{
  for (;;)
    {
      const int first = HEAP_ARITY * i + 1;
      if (first >= n)
        break;
      const int last = first + HEAP_ARITY < n ? first + HEAP_ARITY : n;
      int c = first;
      for (int j = first + 1; j < last; j++)
        if (step_before (&heap[j], &heap[c]))
          c = j;
      if (!step_before (&heap[c], &v))
        break;
      heap[i] = heap[c];
      i = c;
    }
  heap[i] = v;
}

static merge_step
heap_pop (merge_step *heap, int *n)
{
  merge_step top = heap[0], last = heap[--*n];
  if (*n > 0)
    heap_sift (heap, *n, 0, last);
  return top;
}

/* The squared error joining two runs adds: n_a n_b / (n_a + n_b) times
   the square of their means' difference. */
static double
join_cost (const merge_run *a, const merge_run *b)
{
  double d = a->sum / a->count - b->sum / b->count;
  return (double) a->count * b->count / (a->count + b->count) * d * d;
}

static merge_step
join_of (const merge_run *runs, int left)
{
  const merge_run *a = &runs[left], *b = &runs[a->next];
  return (merge_step){ join_cost (a, b), left, a->version };
}

/* Into q: t's lines (rows, or columns) as runs of one value each, joined
 * cheapest first (over all lines at once) while the squared error stays
 * within `budget`; each run takes its pixels' mean, so sums are kept.
 * 0 when out of memory. */
static int
merged_lines (const skc_image *t, int columns, double budget, skc_image *q)
{
  const int n = t->width, lines = t->height; /* square targets */
  const size_t count = (size_t) n * lines;
  merge_run *runs = malloc (count * sizeof *runs);
  merge_step *heap = malloc (count * sizeof *heap);
  /* Where each run's pixels start on its line (line x n + position):
     runs are made in that order, so run r ends where r + 1 starts. */
  int *first = malloc ((count + 1) * sizeof *first);
  if (!runs || !heap || !first)
    {
      free (runs);
      free (heap);
      free (first);
      return 0;
    }
  int used = 0, queued = 0;
  const size_t along = columns ? (size_t) n : 1, across = columns ? 1 : n;
  for (int l = 0; l < lines; l++)
    {
      const float *line = t->data + (size_t) l * across;
      int last = -1;
      /* Equal neighbours are one run from the start (the zeros around a
         shape, flat insides). */
      for (int i = 0, j; i < n; i = j)
        {
          const float v = line[(size_t) i * along];
          double sum = v, squares = (double) v * v;
          for (j = i + 1; j < n && line[(size_t) j * along] == v; j++)
            {
              sum += v;
              squares += (double) v * v;
            }
          runs[used] = (merge_run){ sum, squares, j - i, last, -1, 0, 1 };
          first[used] = l * n + i;
          if (last >= 0)
            runs[last].next = used;
          last = used++;
        }
    }
  first[used] = lines * n;
  /* Every join at once, then heap order from the bottom up (linear). */
  for (int r = 0; r < used; r++)
    if (runs[r].next >= 0)
      heap[queued++] = join_of (runs, r);
  for (int i = queued > 1 ? (queued - 2) / HEAP_ARITY : -1; i >= 0; i--)
    heap_sift (heap, queued, i, heap[i]);
  double total = 0;
  while (queued > 0)
    {
      merge_step s = heap_pop (heap, &queued);
      merge_run *a = &runs[s.left];
      if (!a->alive || a->version != s.version || a->next < 0)
        continue;
      if (total + s.cost > budget)
        break; /* the cheapest join left is too dear */
      total += s.cost;
      merge_run *b = &runs[a->next];
      a->sum += b->sum;
      a->squares += b->squares;
      a->count += b->count;
      a->next = b->next;
      if (b->next >= 0)
        runs[b->next].prev = s.left;
      b->alive = 0;
      b->next = s.left; /* so that b's pixels find their run below */
      a->version++;
      if (a->prev >= 0)
        runs[a->prev].version++; /* its next changed */
      if (a->prev >= 0)
        heap_push (heap, &queued, join_of (runs, a->prev));
      if (a->next >= 0)
        heap_push (heap, &queued, join_of (runs, s.left));
    }
  /* Each run's pixels take its survivor's mean, worked out once a run. */
  for (int r0 = 0; r0 < used; r0++)
    {
      int r = r0, root = r;
      while (!runs[root].alive)
        root = runs[root].next;
      /* Dead runs point at their survivor from now on. */
      while (r != root)
        {
          int next = runs[r].next;
          runs[r].next = root;
          r = next;
        }
      const float v = (float) (runs[root].sum / runs[root].count);
      float *line = q->data + (size_t) (first[r0] / n) * across;
      for (int i = first[r0] % n, end = i + first[r0 + 1] - first[r0]; i < end;
           i++)
        line[(size_t) i * along] = v;
    }
  free (runs);
  free (heap);
  free (first);
  return 1;
}

skc_result
skc_knots_fit_merged (const skc_image *target, long max_macs, double max_error,
                      int axis, skc_filter **out, skc_error *err)
{
  *out = NULL;
  if (!check_target (target, err))
    return SKC_ERR_INVALID_ARGUMENT;
  if (!(max_error >= 0))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a knots error must be 0 or more, not %g", max_error);
  if (axis != SKC_KNOTS_ROWS && axis != SKC_KNOTS_COLUMNS
      && axis != SKC_KNOTS_AXIS_BEST)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no knots axis %d", axis);
  double energy = 0;
  for (size_t i = 0; i < (size_t) target->width * target->height; i++)
    energy += (double) target->data[i] * target->data[i];
  /* Relative to the target's norm (the fit is scaled with it). */
  double budget = max_error * max_error * energy;
  skc_image q = { 0 };
  skc_result r = skc_image_alloc (&q, target->width, target->height, 1);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory");
  skc_filter *best = NULL;
  for (int a = 0; r == SKC_OK && a < 2; a++)
    {
      if (axis != SKC_KNOTS_AXIS_BEST && axis != a)
        continue;
      if (!merged_lines (target, a == SKC_KNOTS_COLUMNS, budget, &q))
        {
          r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      /* Exact knots of the joined runs, unless they take more than
         max_macs (counted before the fitter allocates). */
      if (max_macs > 0 && exact_changes (&q, (skc_knots_axis) a) + 1 > max_macs)
        continue;
      skc_filter *f = NULL;
      r = knots_fit (&q, max_macs, 0, a, &f, err);
      if (r == SKC_OK && f
          && (!best || skc_filter_macs (f) < skc_filter_macs (best)))
        {
          skc_filter_free (best);
          best = f;
        }
      else
        skc_filter_free (f);
    }
  skc_image_free (&q);
  if (r != SKC_OK)
    {
      skc_filter_free (best);
      return r;
    }
  *out = best;
  return SKC_OK;
}

skc_result
skc_knots_fit (const skc_image *target, long budget_macs, int axis,
               skc_filter **out, skc_error *err)
{
  return knots_fit (target, budget_macs, -1, axis, out, err);
}

static double
knots_snr_db (const skc_filter *f, const skc_image *target)
{
  double error = skc_filter_kernel_error (f, target);
  return isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
}

double
skc_knots_closer_if_short (const skc_image *target, long max_macs, double aim,
                           int axis, double floor_db, skc_filter **f)
{
  if (!*f)
    return NAN;
  double snr = knots_snr_db (*f, target);
  skc_filter *closer = NULL;
  if (aim > 0 && snr < floor_db
      && skc_knots_fit_to (target, max_macs, aim / 3, axis, &closer, NULL)
             == SKC_OK
      && closer)
    {
      skc_filter_free (*f);
      *f = closer;
      snr = knots_snr_db (*f, target);
    }
  return snr;
}

skc_result
skc_knots_fit_to (const skc_image *target, long max_macs, double max_error,
                  int axis, skc_filter **out, skc_error *err)
{
  if (!(max_error >= 0))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a knots error must be 0 or more, not %g", max_error);
  return knots_fit (target, max_macs, max_error, axis, out, err);
}
