/* skc — the apply engine's private parts: what an engine holds once
 * prepared, and the per-tile processing (engine_tile.c).
 *
 * Large radii run on a pyramid: scale k works on 2^k x 2^k blocks of the
 * image (box-averaged, aligned to the image origin so results never depend
 * on how the image is cut), blurs there with a radius of at most
 * SKC_ENGINE_SCALE_RADIUS, and is upsampled bilinearly.  A uniform blur
 * uses the one scale its radius needs; a blur map uses every scale up to
 * the largest radius and hands pixels from scale k to k + 1 over the top
 * quarter of scale k's range.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_ENGINE_H
#define SKC_ENGINE_H

#include <fftw3.h>

#include "skc/apply.h"
#include "taps.h"

/* Largest radius (in its own pixels) a scale blurs with; fits are made at
 * most this large. */
#define SKC_ENGINE_SCALE_RADIUS 32.0
/* Scale k + 1 takes over from scale k between 0.75 and 1 of scale k's top
 * radius. */
#define SKC_ENGINE_HANDOVER 0.75
#define SKC_ENGINE_MAX_SCALES 8

/* A pixel's blend between two basis members is quantised to this many
 * steps per member interval (members are 30 % apart in radius, so a step
 * is under 0.5 % of the radius: invisible).  Pixels of one level share
 * whole-pixel taps, so runs of them filter like a uniform blur. */
#define SKC_ENGINE_LEVELS 64
/* Blended kernels from this radius (in a scale's pixels) up run with
 * whole-pixel offsets: a quarter of the taps, for an error the tilt-shift
 * tests do not see. */
#define SKC_ENGINE_WHOLE_PIXEL_RADIUS 12.0

/* Knots filters restart their prefix sums every this many pixels (of the
 * scale), on blocks aligned to the scale's origin: every value is then
 * summed from the same start whatever the tiling, and float sums stay
 * short (a block plus the kernel).  The engine reads this much further so
 * that a tile's first block can start before it. */
#define SKC_ENGINE_KNOTS_BLOCK 64

/* Swirl and cat-eye turn kernels by angles quantised to 2 degrees. */
#define SKC_ENGINE_ANGLES 180
/* Cat-eye: members clipped by 0, 1/4, ... 1 of the full amount; a pixel's
 * amount is quantised to 16 steps between two of them. */
#define SKC_ENGINE_AMOUNTS 5
#define SKC_ENGINE_AMOUNT_STEPS 16
/* The second aperture: a disc of the kernel's radius, moved toward the
 * image centre by amount x radius. */
#define SKC_ENGINE_CLIP_OFFSET 1.0

typedef struct
{
  int factor;  /* block side: 1, 2, 4, ... */
  int varying; /* pixels differ (map or swirl): per-pixel level codes */

  /* Uniform blur: one filter.  A knots filter keeps its knots as taps on
     the prefix-sum image in taps[0]. */
  skc_filter    *filter;
  skc_layer_taps taps[SKC_MAX_LAYERS];
  /* Knots: the kernel is non-negative, so negative results are rounding
     (knot weights alternate in sign) and tiny ones are clamped to 0;
     knot_abs is the sum of the knots' |weights|, their rounding scale. */
  int knots_clamp;
  float knot_abs;
  /* Knots on this scale (a uniform knots filter, or a blur map's tables):
     prefix sums along knot_axis, kernels up to knot_half from the centre. */
  int knots;
  skc_knots_axis knot_axis;
  int knot_half;
  /* Blur map with knots: tables at radii q * knot_step (this scale's
     pixels) for q in [knot_first, knot_levels), all along one axis so that
     they share the prefix sums; each pixel uses its nearest.  knot_abs is
     the largest table's sum of |weights|. */
  int knot_levels, knot_first;
  double knot_step;
  skc_layer_taps *knot_table;

  /* Blur map: members[0] is the lowest radius (the identity at radius 0 on
     scale 0), then fits at growing radii with corresponding samples; radii
     in this scale's pixels.  A pixel blends its two neighbours. */
  int          member_count;
  double      *member_radius;
  skc_filter **members;
  /* With cat-eye, amount a > 0 of member j is
     clipped[(a - 1) * member_count + j]; amount 0 is members[j]. */
  int          amount_count;
  skc_filter **clipped;

  /* Uniform blur by FFT (exact): each tile is one cell of a grid of
     fft_cell pixels aligned to the image, always transformed whole (so
     values do not depend on the region asked for), padded by fft_half on
     every side to fft_n0 x fft_n1; the kernel's spectrum, divided by the
     transform size, multiplies the cell's. */
  int            fft;
  int            fft_cell, fft_half, fft_n0, fft_n1;
  fftwf_complex *fft_spectrum;
  fftwf_plan     fft_forward, fft_inverse;

  int layers;
  int layer_reach[SKC_MAX_LAYERS];
  int reach; /* in this scale's pixels */
} skc_scale;

struct skc_engine
{
  skc_params params;
  int        with_map;
  int        scale_count;
  skc_scale  scales[SKC_ENGINE_MAX_SCALES];
  int        first_scale; /* a uniform blur uses only its own scale */
  int        angles;      /* SKC_ENGINE_ANGLES with swirl or cat-eye, else 1 */
  int        amount_codes; /* cat-eye amount steps + 1, else 1 */
  int        reach;       /* full-resolution pixels */
  int kernel_reach;       /* of the impulse response (knots read further:
                             their prefix sums start a block back) */
  int        tile;        /* output tile side */
  /* Working memory of finished process calls, lent to the next ones so
     that a region-by-region caller (GEGL) does not fault in fresh pages
     on every call; engine_tile.c owns it. */
  struct skc_worker_pool *pool;
  char       plan[256];        /* why this representation */
  char       description[768];
};

/* Per-thread working memory of one tile at one scale. */
typedef struct
{
  float *buffers[2];
  size_t capacity[2]; /* floats */
  int   *level;       /* pixel code per padded pixel, when pixels differ */
  size_t level_capacity;
  /* Taps per pixel code, built on first use: an open-addressing table
     (codes combine radius level, cat-eye amount and angle: too many for an
     array, few in any one image). */
  int             *code_keys;
  skc_layer_taps **code_taps;
  int              code_capacity, code_used;
  /* Knots: a running sum per value of a prefix-sum row, and the largest
     |prefix sum| of each line. */
  double *prefix;
  size_t prefix_capacity;
  float *line_max;
  size_t line_max_capacity;
  /* Coarse scales: one full-resolution input row, one row of the result
     interpolated between two coarse rows, and each output column's coarse
     column and weight. */
  float *full_row, *between;
  size_t full_row_capacity, between_capacity;
  int   *column;
  float *column_weight;
  size_t column_capacity;
  float *coarse; /* a coarse result, for the upsampling */
  size_t coarse_capacity;
  /* FFT: one cell's padded channel, transformed in place (fftwf_malloc,
     so that it is aligned as the plans expect). */
  float *fft_buffer;
  /* Blur map: one row of map values, and a row of their block means. */
  float *map_row, *map_blocks;
  size_t map_row_capacity, map_blocks_capacity;
} skc_tile_scratch;

void skc_tile_scratch_free (skc_tile_scratch *s);

/* ---- shared by the tile code (engine_tile.c, engine_knots.c,
 * engine_fft.c) ---- */

/* The hot loops are compiled for several instruction sets and picked at
 * run time (GCC function multi-versioning on x86-64): AVX-512 runs the
 * uniform layer ~1.9x faster than the SSE2 baseline on this machine. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)        \
  && !defined(__SANITIZE_ADDRESS__)
#define HOT_LOOP __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define HOT_LOOP
#endif

static inline int
skc_floor_div (int a, int b)
{
  return a >= 0 ? a / b : -((-a + b - 1) / b);
}

/* max (top, |v|) without libm's NaN rules (values here are finite), so
 * that it inlines and vectorises. */
static inline float
skc_max_abs (float top, float v)
{
  float a = v < 0 ? -v : v;
  return a > top ? a : top;
}

/* Taps (a complex layer, or knots on prefix sums) on an image S (row y,
 * column x at S + (y - sy0) * s_stride + (x - sx0) * C) for outputs
 * [x0, x1) x [y0, y1) written to acc (origin ax0, ay0).  Every value is
 * summed in the same order whatever the rectangle. */
void skc_taps_apply (const skc_layer_taps *taps, const float *S,
                     size_t s_stride, int C, int sx0, int sy0, float *acc,
                     size_t a_stride, int ax0, int ay0, int x0, int x1, int y0,
                     int y1);

/* Grows *buffer to at least `need` floats; 0 when out of memory. */
int skc_tile_reserve (float **buffer, size_t *capacity, size_t need);

/* n pixels of input row y from column x0 into dst: clamped to the
 * request's input rectangle, non-finite pixels made transparent black,
 * highlights boosted. */
void skc_prepare_row (const skc_engine *e, const skc_apply_request *rq, int y,
                      int x0, int n, float *dst);

/* engine_knots.c: a knots scale's values on [lx0, lx0 + lw) x [ly0, ly0 +
 * lh) from the padded input in s->buffers[0] (pw wide, origin lx0 - pad_l,
 * ly0 - pad_t), each pixel with its table when `level` is given, into acc
 * (lw x lh x C).  0 when out of memory. */
int skc_knots_tile (const skc_scale *sc, skc_tile_scratch *s, int pw, int C,
                    int lx0, int ly0, int lw, int lh, int pad_l, int pad_t,
                    const int *level, float *acc);

/* engine_fft.c: an FFT scale's blur of the tile [x0, x0 + w) x [y0, y0 +
 * h), which lies in one cell, into dst (w x h x channels).  0 when out of
 * memory. */
int skc_fft_tile (const skc_engine *e, const skc_scale *sc,
                  const skc_apply_request *rq, int x0, int y0, int w, int h,
                  skc_tile_scratch *s, float *dst);

/* table_memo.c: a blur map scale's knots tables by a key naming all they
 * depend on.  take copies a kept set into s (knot_table, knot_abs,
 * knot_half; knot_levels and knot_first must match) and returns 1, or 0;
 * keep stores a copy of s's.  Thread-safe. */
int  skc_table_memo_take (const char *key, skc_scale *s);
void skc_table_memo_keep (const char *key, const skc_scale *s);
void skc_worker_pool_free (struct skc_worker_pool *pool);

/* Blur maps of flat shapes up to this radius (px) run on knots tables,
 * larger ones on the DISK basis (the planner's rule; default in engine.c;
 * SKC_KNOTS_MAP_MAX_RADIUS in the environment overrides it).  Tests may
 * change it before creating engines; not while another thread creates
 * one. */
extern double skc_engine_knots_map_max_radius;

/* Radius (full-resolution px) of a blur-map value. */
double skc_engine_map_radius (const skc_engine *engine, float map_value);

/* Member j at cat-eye amount a of a scale. */
const skc_filter *skc_scale_member (const skc_scale *scale, int amount,
                                    int j);

/* The blend level of a radius (in the scale's pixels) and the member pair
 * and fraction a level stands for.  A pixel's full code is
 * level * SKC_ENGINE_ANGLES + angle step. */
int  skc_scale_level (const skc_scale *scale, double radius);
void skc_scale_level_blend (const skc_scale *scale, int level, int *member,
                            float *t);

#endif
