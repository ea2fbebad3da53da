/* skc — blur maps on radius levels: the kernel at a ladder of radii, each
 * level the whole image blurred uniformly by an engine of its own (any
 * shape, on the FFT, knots or a separable filter, at high quality: exact
 * where a representation allows), and each pixel the blend of the two
 * levels around its radius.
 *
 * Why: knots tables hold every radius' kernel exactly where a shape takes
 * few knots a line (flat shapes), but a soft or smooth shape (a Gaussian,
 * a coma, a feathered image) takes too many at large radii or at high
 * quality, and thin image shapes too, and the pyramid's resampling then
 * softens them to 2-25 dB (skc bench crisp).  Such kernels change
 * smoothly with the radius: blending the two levels around a radius
 * misses the kernel there by a second-order error that the ladder's steps
 * set.  The ladder: `step` px apart up to the join at n x step, then each
 * level 1 + 1/n times the last; the planner takes the widest steps whose
 * blend, measured half-way between two levels against the target there,
 * keeps a margin above the quality's floor at radii spread over the
 * range, and gives up (the tables or the basis run instead) when the
 * ladder would be too long.
 *
 * Tiles of the output (a grid aligned to the origin) run in parallel;
 * each blurs only the levels its pixels touch, each over the box of those
 * pixels, and sums them in the order of the levels: every value is the
 * same in any tiling, region cut or thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"
#include "skc/metrics.h"

/* The blend half-way between two levels aims this far above the floor:
   the levels' own engines (at least 40 dB, most exact) add their error. */
#define LEVELS_MARGIN_DB 3.0
/* At most this many levels (a smooth map's tile touches a few; a steep
   ramp's many, each a uniform blur of its box): a leaf at R 430-450 takes
   about 420 (a 6 MP tilt-shift at R 450: 27 s and 1.5 GB, against the
   pyramid's 12 dB). */
#define LEVELS_MAX 512

struct skc_levels
{
  double step; /* px between levels up to the join */
  int n;       /* the join is at n x step; beyond, each level is
                  1 + 1 / n times the last */
  double cap;  /* ... until levels are cap px apart (at level m);
                  beyond, cap px apart (INFINITY: never) */
  int m;
  int count;            /* levels 0 (radius 0) .. count - 1 */
  skc_uniform_row *row; /* per level, made on first use */
  double worst_db;      /* the worst blend measured */
};

static double
geometric_radius (const struct skc_levels *L, int i)
{
  return L->n * L->step * pow (1 + 1.0 / L->n, i - L->n);
}

static double
level_radius (const struct skc_levels *L, int i)
{
  if (i <= L->n)
    return i * L->step;
  if (i <= L->m)
    return geometric_radius (L, i);
  return geometric_radius (L, L->m) + (i - L->m) * L->cap;
}

/* The ladder's position of radius r (level index plus fraction). */
static double
level_position (const struct skc_levels *L, double r)
{
  double join = L->n * L->step;
  if (r <= join)
    return r / L->step;
  double linear = geometric_radius (L, L->m);
  if (r <= linear)
    return L->n + log (r / join) / log1p (1.0 / L->n);
  return L->m + (r - linear) / L->cap;
}

/* Where the geometric part reaches `cap` px between levels, and how many
   levels reach top. */
static void
ladder_count (struct skc_levels *L, double top)
{
  L->m = INT_MAX;
  if (isfinite (L->cap))
    L->m
        = L->cap <= L->step
              ? L->n
              : L->n + (int) ceil (log (L->cap / L->step) / log1p (1.0 / L->n));
  double position = level_position (L, top);
  L->count = position > LEVELS_MAX ? LEVELS_MAX + 1 : (int) ceil (position) + 1;
  L->count = L->count < 2 ? 2 : L->count;
}

/* Where radius r falls on the ladder: level *lo and the weight *t of
   level *lo + 1 (1 - *t of *lo); linear in r between the levels. */
static void
level_of (const struct skc_levels *L, double r, int *lo, float *t)
{
  double pos = level_position (L, r);
  if (!(pos > 0))
    pos = 0;
  int i = (int) pos;
  if (i >= L->count - 1)
    {
      *lo = L->count - 2;
      *t = 1;
      return;
    }
  double r0 = level_radius (L, i), r1 = level_radius (L, i + 1);
  double f = (r - r0) / (r1 - r0);
  *lo = i;
  *t = (float) (f < 0 ? 0 : f > 1 ? 1 : f);
}

/* Kernel SNR of the blend of the targets at r0 and r1 half-way between
   them against the target there (-INFINITY on failure). */
static double
blend_snr_db (const skc_params *p, double r0, double r1)
{
  skc_image a = { 0 }, b = { 0 }, m = { 0 }, pa = { 0 };
  double snr = -INFINITY;
  if (skc_target_or_point (p, r0, &a) == SKC_OK
      && skc_target_or_point (p, r1, &b) == SKC_OK
      && skc_target_or_point (p, (r0 + r1) / 2, &m) == SKC_OK
      && skc_kernel_pad (&a, b.width, b.height, &pa) == SKC_OK)
    {
      for (size_t i = 0; i < (size_t) b.width * b.height; i++)
        pa.data[i] = 0.5f * pa.data[i] + 0.5f * b.data[i];
      double error = skc_kernel_error (&pa, &m);
      snr = isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
    }
  skc_image_free (&a);
  skc_image_free (&b);
  skc_image_free (&m);
  skc_image_free (&pa);
  return snr;
}

/* The worst blend of a ladder over radii spread from 1 px to the top
   (doubling), each tested between its level and the next; at most `aim`
   is sought, so the search stops at the first miss. */
static double
ladder_worst_db (const skc_params *p, const struct skc_levels *L, double top,
                 double aim)
{
  double worst = INFINITY;
  for (double r = 1; worst >= aim; r *= 2)
    {
      double at = r < top ? r : top;
      int lo;
      float t;
      level_of (L, at, &lo, &t);
      double snr
          = blend_snr_db (p, level_radius (L, lo), level_radius (L, lo + 1));
      worst = snr < worst ? snr : worst;
      if (at >= top)
        break;
    }
  return worst;
}

/* The widest ladder whose blend reaches floor + margin, tried from the
   widest: growth 1/n over the large radii first, then the step below the
   join; then the same with levels at most `cap` px apart at the top,
   where a sharp rim's blend of two levels more than a pixel or two apart
   shows both rims (a coma at R 214, levels 1.7 px apart: 42.6 dB).  0
   when none within LEVELS_MAX levels does. */
static int
choose_ladder (const skc_params *p, double floor_db, skc_ladder_kinds kinds,
               struct skc_levels *L)
{
  static const double caps[] = { INFINITY, 2, 1.4, 1 };
  static const int ns[] = { 8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384 };
  static const double steps[] = { 0.5, 0.35, 0.25, 0.18, 0.125, 0.09 };
  const double top = p->radius, aim = floor_db + LEVELS_MARGIN_DB;
  for (size_t k = 0; k < sizeof caps / sizeof *caps; k++)
    for (size_t a = 0; a < sizeof ns / sizeof *ns; a++)
      {
        if (!(kinds & (k == 0 ? SKC_LADDER_GROWING : SKC_LADDER_DENSE)))
          break;
        /* A cap that the growth does not reach below the top leaves the
           ladder tried without one. */
        if (k > 0 && caps[k] * ns[a] >= top)
          break;
        for (size_t b = 0; b < sizeof steps / sizeof *steps; b++)
          {
            struct skc_levels c = { steps[b], ns[a], caps[k], 0, 0, NULL, 0 };
            ladder_count (&c, top);
            if (c.count > LEVELS_MAX)
              break; /* finer steps only add levels */
            c.worst_db = ladder_worst_db (p, &c, top, aim);
            if (c.worst_db >= aim)
              {
                *L = c;
                return 1;
              }
          }
      }
  return 0;
}

skc_result
skc_levels_prepare (skc_engine *e, double floor_db, skc_ladder_kinds kinds,
                    int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  *ok = 0;
  struct skc_levels chosen;
  if (p->filter || p->swirl > 0 || p->cat_eye > 0 || p->radius < 0.5
      || !choose_ladder (p, floor_db, kinds, &chosen))
    return SKC_OK;
  struct skc_levels *L = malloc (sizeof *L);
  if (L)
    *L = chosen;
  if (L && !(L->row = skc_uniform_row_new (L->count)))
    {
      free (L);
      L = NULL;
    }
  if (!L)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  e->levels = L;
  e->scale_count = 0;
  /* The top level's engine now: it says what the largest reads. */
  skc_engine *top = NULL;
  skc_result r = skc_uniform_row_get (L->row, e, L->count - 1,
                                      level_radius (L, L->count - 1),
                                      SKC_QUALITY_HIGH, &top, err);
  if (r != SKC_OK)
    return r;
  /* Any level may run on FFT cells, whose reach is a cell beyond the
     kernel; the largest kernel's bounds them all. */
  int half = (int) ceil (p->radius) + 1;
  int cells = SKC_UNIFORM_ROW_FFT_CELL - 1 + half;
  e->reach = skc_engine_reach (top) > cells ? skc_engine_reach (top) : cells;
  e->kernel_reach = top->kernel_reach;
  e->kernel_snr_db = L->worst_db;
  *ok = 1;
  char spacing[96] = "";
  if (L->m < L->count)
    snprintf (spacing, sizeof spacing, " up to %.4g, then %g px apart",
              level_radius (L, L->m), L->cap);
  snprintf (e->description, sizeof e->description,
            "blur map: %d radius levels (every %g px up to %g, then each "
            "%.4g times the last%s, up to %g), each the image blurred "
            "uniformly by its own engine at high quality (made on first "
            "use), each pixel the blend of the two around its radius; "
            "kernel SNR of the blend half-way between levels at least "
            "%.1f dB (floor %g dB); reach %d px; its top level: %.300s",
            L->count, L->step, L->n * L->step, 1 + 1.0 / L->n, spacing,
            p->radius, L->worst_db, floor_db, e->reach,
            skc_engine_describe (top));
  return SKC_OK;
}

void
skc_levels_free (skc_engine *e)
{
  struct skc_levels *L = e->levels;
  if (!L)
    return;
  skc_uniform_row_free (L->row);
  free (L);
  e->levels = NULL;
}

const char *
skc_levels_method (const skc_engine *e)
{
  (void) e;
  return "radius levels";
}

/* A worker's memory, kept across its tiles. */
typedef struct
{
  int *lo;
  float *t, *acc, *result;
  skc_rect *boxes;
  size_t lo_capacity, t_capacity, acc_capacity, result_capacity;
} levels_worker;

static void
levels_worker_free (void *state)
{
  levels_worker *w = state;
  free (w->lo);
  free (w->t);
  free (w->acc);
  free (w->result);
  free (w->boxes);
}

static void
grow_box (skc_rect *b, int x, int y)
{
  b->x0 = x < b->x0 ? x : b->x0;
  b->y0 = y < b->y0 ? y : b->y0;
  b->x1 = x + 1 > b->x1 ? x + 1 : b->x1;
  b->y1 = y + 1 > b->y1 ? y + 1 : b->y1;
}

/* One tile: each pixel's two levels and weight, then level by level in
 * order, the level's blur over the box of its pixels, summed with the
 * weights; written. */
static skc_result
levels_tile (void *user, skc_rect t, void *state, skc_error *err)
{
  const skc_view_call *call = user;
  const skc_engine *e = call->e;
  const skc_apply_request *rq = call->rq;
  const skc_run *run = call->run;
  levels_worker *w = state;
  const struct skc_levels *L = e->levels;
  const int C = rq->channels, tw = t.x1 - t.x0, th = t.y1 - t.y0;
  const size_t n = (size_t) tw * th;
  if (!w->boxes)
    w->boxes = malloc ((size_t) L->count * sizeof *w->boxes);
  if (!w->boxes || !skc_tile_reserve (&w->t, &w->t_capacity, n)
      || !skc_tile_reserve (&w->acc, &w->acc_capacity, n * C)
      || !skc_reserve_bytes (&w->lo, &w->lo_capacity, n * sizeof *w->lo))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int l = 0; l < L->count; l++)
    w->boxes[l] = (skc_rect){ t.x1, t.y1, t.x0, t.y0 };
  const skc_view *m = &rq->map;
  float last = NAN;
  int last_lo = 0;
  float last_t = 0;
  for (int y = t.y0; y < t.y1; y++)
    {
      const float *row = m->pixels + (size_t) (y - m->y) * m->stride - m->x;
      for (int x = t.x0; x < t.x1; x++)
        {
          float v = isfinite (row[x]) ? row[x] : 0;
          if (v != last)
            {
              level_of (L, skc_engine_map_radius (e, v), &last_lo, &last_t);
              last = v;
            }
          size_t k = (size_t) (y - t.y0) * tw + (x - t.x0);
          w->lo[k] = last_lo;
          w->t[k] = last_t;
          if (last_t < 1)
            grow_box (&w->boxes[last_lo], x, y);
          if (last_t > 0)
            grow_box (&w->boxes[last_lo + 1], x, y);
        }
    }
  memset (w->acc, 0, n * C * sizeof (float));
  skc_result res = SKC_OK;
  for (int l = 0; res == SKC_OK && l < L->count; l++)
    {
      skc_rect b = w->boxes[l];
      if (b.x1 <= b.x0)
        continue;
      if (skc_cancel_raised (run->cancel))
        return skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
      skc_engine *le = NULL;
      res = skc_uniform_row_get (L->row, e, l, level_radius (L, l),
                                 SKC_QUALITY_HIGH, &le, err);
      int bw = b.x1 - b.x0, bh = b.y1 - b.y0;
      if (res == SKC_OK
          && !skc_tile_reserve (&w->result, &w->result_capacity,
                                (size_t) bw * bh * C))
        res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      if (res != SKC_OK)
        break;
      skc_apply_request lq = {
        .image_width = rq->image_width,
        .image_height = rq->image_height,
        .channels = C,
        .alpha = rq->alpha,
        .input = rq->input,
        .output = { w->result, (size_t) bw * C, b.x0, b.y0, bw, bh },
      };
      skc_run one = { .threads = 1, .cancel = run->cancel };
      res = skc_engine_process (le, &lq, &one, err);
      /* A tile uses a level once: its scratch would sit idle (hundreds of
         levels, megabytes each). */
      skc_worker_pool_trim (le);
      for (int y = 0; res == SKC_OK && y < bh; y++)
        {
          size_t k = (size_t) (b.y0 + y - t.y0) * tw + (b.x0 - t.x0);
          const float *src = w->result + (size_t) y * bw * C;
          float *acc = w->acc + k * C;
          for (int x = 0; x < bw; x++)
            {
              int lo = w->lo[k + x];
              float f = w->t[k + x];
              float weight = lo == l ? 1 - f : lo + 1 == l ? f : 0;
              if (weight != 0)
                for (int c = 0; c < C; c++)
                  acc[(size_t) x * C + c] += weight * src[(size_t) x * C + c];
            }
        }
    }
  /* Written with + 0.0f: a zero's sign never depends on what was
     skipped. */
  const skc_view *out = &rq->output;
  for (int y = t.y0; res == SKC_OK && y < t.y1; y++)
    {
      const float *src = w->acc + (size_t) (y - t.y0) * tw * C;
      float *dst = out->pixels + (size_t) (y - out->y) * out->stride
                   + (size_t) (t.x0 - out->x) * C;
      for (size_t i = 0; i < (size_t) tw * C; i++)
        dst[i] = src[i] + 0.0f;
    }
  return res;
}

skc_result
skc_levels_process (const skc_engine *e, const skc_apply_request *rq,
                    const skc_run *run, skc_error *err)
{
  skc_view_call call = { e, rq, run, 1 };
  return skc_view_tiles_run (e->options.layers_tile, &rq->output, run,
                             sizeof (levels_worker), levels_worker_free,
                             levels_tile, &call, err);
}

skc_result
skc_levels_kernel_at (const skc_engine *e, int image_width, int image_height,
                      int x, int y, double map_value, skc_image *out,
                      skc_error *err)
{
  const struct skc_levels *L = e->levels;
  int lo;
  float t;
  level_of (L, skc_engine_map_radius (e, (float) map_value), &lo, &t);
  int side = 2 * e->kernel_reach + 1;
  skc_result r = skc_image_alloc (out, side, side, 1);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory for a %dx%d kernel", side, side);
  for (int l = lo; r == SKC_OK && l <= lo + 1; l++)
    {
      float weight = l == lo ? 1 - t : t;
      if (weight == 0)
        continue;
      skc_engine *le = NULL;
      skc_image k = { 0 };
      r = skc_uniform_row_get (L->row, e, l, level_radius (L, l),
                               SKC_QUALITY_HIGH, &le, err);
      if (r == SKC_OK)
        r = skc_engine_kernel_at (le, image_width, image_height, x, y, 0, &k,
                                  err);
      /* Centred in the engine's window (the top level's, which a lower
         level's fits in). */
      if (r == SKC_OK)
        skc_kernel_add_centred (out, &k, weight);
      skc_image_free (&k);
    }
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}
