/* skc — the apply engine's private parts: what an engine holds once
 * prepared, the representations a scale can run, and what the engine's
 * files share.
 *
 * Large radii run on a pyramid: scale k works on 2^k x 2^k blocks of the
 * image (box-averaged, aligned to the image origin so results never depend
 * on how the image is cut), blurs there with a radius of at most
 * SKC_ENGINE_SCALE_RADIUS, and is upsampled bilinearly.  A uniform blur
 * uses the one scale its radius needs; a blur map uses every scale up to
 * the largest radius and hands pixels from scale k to k + 1 over the top
 * quarter of scale k's range.
 *
 * The files, from the entry points down:
 *   engine.c               new, free, reach, describe, method, kernel,
 *                          process, apply_image; the kinds' table
 *   planner.c              which representation each scale runs, and why
 *   engine_targets.c       target kernels and their fits through the cache
 *   engine_tile.c          a process call over tiles: scales blended by
 *                          weight, clipped, written
 *   engine_pyramid.c       block sums, a scale's values on a rectangle,
 *                          upsampling, the coarse planes of a call
 *   engine_complex.c       IDENTITY, COMPLEX and BASIS
 *   engine_separable.c     SEPARABLE
 *   engine_knots.c         KNOTS (and the prefix sums the tables share)
 *   engine_knots_tables.c  KNOTS_TABLES (kept per process: table_memo.c)
 *   engine_knots_angles.c  KNOTS_ANGLES (swirl: knots per angle, scattered)
 *   engine_fft.c           FFT
 *   engine_taps.c          the vectorised tap loop they all run
 *   engine_pixels.c        input rows (edges, non-finite pixels,
 *                          highlights) and output rows (clipping)
 *   engine_codes.c         per-pixel radius level, swirl angle and cat-eye
 *                          amount codes
 *   engine_layers.c        depth-aware blur (occlusion) on layers, tile
 *                          by tile, a uniform engine per layer
 *   engine_levels.c        a blur map on radius levels, a uniform engine
 *                          per level, each pixel blending two
 *   engine_subject.c       a sharp subject before its background's blur
 *   engine_pool.c          the workers' scratch and the engine's pool of it
 * A new representation takes a kind below, a file with its preparation
 * and its skc_scale_ops, a row in engine.c's table and a rule in the
 * planner.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_ENGINE_H
#define SKC_ENGINE_H

#include <fftw3.h>
#include <stdint.h>

#include "engine_options.h"
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

/* Knots filters restart their prefix sums every block of this many
 * pixels (of the scale), on blocks aligned to the scale's origin: every
 * value is then summed from the same start whatever the tiling, and float
 * sums stay short (a block plus the kernel).  Each block sums its kernel's
 * width again beside it, so the block grows with the kernel's half (a
 * power of two from 64 to 256 px: at R 150 the prefix sums were a fifth
 * of the taps' time with 64 px blocks, 8 % with 256).  The engine reads a
 * block further so that a tile's first block can start before it. */
static inline int
skc_knots_block (int half)
{
  int block = 64;
  while (block < half && block < 256)
    block *= 2;
  return block;
}

/* An exact FFT over cells takes as long as a sparse filter of about this
 * many MACs per pixel and channel (24 MP RGBA, 2 threads, side by side:
 * coma R 24 by FFT 0.26 s, disc R 24 knots at 172 MACs 0.28 s); the
 * planner weighs it at full resolution only. */
#define SKC_ENGINE_FFT_COST_MACS 180

/* Swirl and cat-eye turn kernels by angles quantised to 2 degrees (cat-eye
 * on knots: as finely as its floor asks). */
#define SKC_ENGINE_ANGLES 180
/* Cat-eye: members clipped by 0, 1/4, ... 1 of the full amount; a pixel's
 * amount is quantised to 16 steps between two of them. */
#define SKC_ENGINE_AMOUNTS 5
#define SKC_ENGINE_AMOUNT_STEPS 16
/* The second aperture: a disc of the kernel's radius, moved toward the
 * image centre by amount x radius. */
#define SKC_ENGINE_CLIP_OFFSET 1.0
/* Swirl is smoothed over this many kernel radii (engine_codes.c). */
#define SKC_ENGINE_SWIRL_FADE 4.0
/* Kernels that turn with the circle around the centre (cat-eye, swirl
 * above 1/2) are plain within this many kernel radii of the image centre
 * and fully turned beyond the second (skc_plain_weight). */
#define SKC_ENGINE_PLAIN_INNER 8.0
#define SKC_ENGINE_PLAIN_OUTER 16.0

/* The representations a scale can run: the planner (planner.c) picks one
 * per scale; each has its own file with its preparation and its
 * skc_scale_ops. */
typedef enum
{
  SKC_SCALE_UNUSED,       /* not prepared: the engine does not run it */
  SKC_SCALE_IDENTITY,     /* a one-tap complex (radius 0): engine_complex.c */
  SKC_SCALE_COMPLEX,      /* one sparse complex, turned per pixel with
                             swirl: engine_complex.c */
  SKC_SCALE_BASIS,        /* the DISK basis, blended per pixel (blur maps,
                             cat-eye): engine_complex.c */
  SKC_SCALE_SEPARABLE,    /* low-rank, rows then columns: engine_separable.c */
  SKC_SCALE_KNOTS,        /* one knots filter on prefix sums: engine_knots.c */
  SKC_SCALE_KNOTS_TABLES, /* a blur map's knots table per radius step:
                             engine_knots_tables.c */
  SKC_SCALE_FFT,          /* exact, over image-aligned cells: engine_fft.c */
  SKC_SCALE_KNOTS_ANGLES, /* swirl: knots per angle code, each input pixel
                             spreading its own: engine_knots_angles.c */
  SKC_SCALE_KINDS
} skc_scale_kind;

/* IDENTITY, COMPLEX and BASIS: the cascade of layers, each pixel with the
 * same taps or with those of its code (engine_codes.c). */
typedef struct
{
  int layers;
  int layer_reach[SKC_MAX_LAYERS];
  int varying; /* pixels differ (basis or swirl): per-pixel codes */
  /* IDENTITY and COMPLEX: one filter and its taps per layer. */
  skc_filter *filter;
  skc_layer_taps taps[SKC_MAX_LAYERS];
  /* BASIS: members[0] is the lowest radius (the identity at radius 0 on
     scale 0), then fits at growing radii with corresponding samples; radii
     in this scale's pixels.  A pixel blends its two neighbours. */
  int member_count;
  double *member_radius;
  skc_filter **members;
  /* With cat-eye, amount a > 0 of member j is
     clipped[(a - 1) * member_count + j]; amount 0 is members[j]. */
  int amount_count;
  skc_filter **clipped;
} skc_complex_scale;

/* SEPARABLE */
typedef struct
{
  skc_filter *filter;
} skc_separable_scale;

/* KNOTS and KNOTS_TABLES: prefix sums along `axis`, kernels up to `half`
 * from the centre. */
typedef struct
{
  skc_knots_axis axis;
  int half;
  /* The kernel is non-negative, so negative results are rounding (knot
     weights alternate in sign) and tiny ones are clamped to 0; abs is the
     sum of the knots' |weights| (of the largest table), their rounding
     scale. */
  int clamp;
  float abs;
  /* KNOTS: the filter, its knots as taps on the prefix-sum image. */
  skc_filter *filter;
  skc_layer_taps taps;
  /* KNOTS_TABLES: tables at radii (q * grid / 2)^2 (this scale's pixels)
     for q in [first, levels), all along one axis so that they share the
     prefix sums; each pixel uses its nearest (skc_knots_table_level).  The
     step between tables, grid * sqrt (r), keeps a radius' rounding error
     at the same kernel SNR at every radius. */
  int levels, first;
  double grid;
  double snr_db;      /* the worst table's kernel SNR against its target */
  double rounding_db; /* a radius rounded to its table's, measured */
  skc_layer_taps *table;
  /* Value tables (a map of few values): table q at radii[q], ascending,
     levels of them (first 0), each pixel the nearest; NULL: the grid.
     Their knots may take cap_factor times skc_knots_cap's, and
     SKC_VALUE_TABLES_WIDE_CAP times it where that misses the floor. */
  double *radii;
  int cap_factor;
} skc_knots_scale;

/* FFT (uniform, exact): each tile is one cell of a grid of `cell` pixels
 * aligned to the image, always transformed whole (so values do not depend
 * on the region asked for), padded by `half` on every side to n0 x n1;
 * the kernel's spectrum, divided by the transform size, multiplies the
 * cell's. */
typedef struct
{
  int cell, half, n0, n1;
  fftwf_complex *spectrum;
  fftwf_plan forward, inverse;
} skc_fft_scale;

/* One fit of KNOTS_ANGLES, compact (tens of thousands of them at large
 * radii): line l of 2 half + 1 (dy = l - half) holds knots start[l] ..
 * start[l + 1] - 1, knot k adding c[k] at dx[k] on the prefix sums.  One
 * allocation, at start. */
typedef struct
{
  int half, count;
  int *start; /* 2 half + 2 */
  float *c;
  int16_t *dx;
} skc_angle_fit;

/* Ramps (engine_knots_ramps.c): `target`'s rows (odd square, non-negative,
 * finite) as runs of least-squares lines within max_error (relative
 * kernel error against the target over its sum), as knots on second
 * differences: line l's knot k adds c[k] at dx[k] (-half .. half + 2) to
 * a row whose running sum, summed again, is the kernel over its sum.  The
 * fewest runs found; out->start stays NULL (SKC_OK) when their knots take
 * more than max_macs - 1 (max_macs <= 0: any).  *error: theirs, as
 * drawn.  Thread-safe. */
skc_result skc_ramps_fit (const skc_image *target, long max_macs,
                          double max_error, skc_angle_fit *out, double *error);

/* KNOTS_ANGLES (uniform swirl or cat-eye at full resolution): one knots
 * kernel per code, all along rows with the same half; each input pixel
 * scatters its own code's kernel, so a point's response is exactly that
 * kernel.  Swirl's codes are its angle steps; cat-eye's are angle x clip
 * amount, code = amount_code x angle_count + angle_code, and a code may
 * read another's fit mirrored (the kernels' symmetries). */
typedef struct
{
  int half;
  int codes;              /* angle_count x amount_count */
  int angle_count;        /* steps around the circle */
  int amount_count;       /* 1 (swirl), or cat-eye's amounts 0 .. count - 1 */
  double amount_step;     /* cat-eye amount per amount code */
  unsigned char *fitted;  /* per code: it has a kernel */
  int *slot;              /* per code: the fit it reads */
  unsigned char *flip;    /* per code: SKC_ANGLES_FLIP_X | SKC_ANGLES_FLIP_Y */
  int slots;              /* fits */
  skc_angle_fit *fit;     /* per slot (count 0: not fitted) */
  long macs;              /* the most knots of a code, plus one */
  double worst_snr_db;    /* over the fits, against their targets (cat-eye:
                             with the quantisation of angle and amount) */
  double rounding_snr_db; /* swirl: a half step of angle's, measured */
  /* SKC_ANGLES_BLEND_ANGLE: each pixel spreads the kernels of the two
     angle steps around its angle, weighted by where it lies between them
     (1 - t and t): the angle's error is then second order (a star's
     cat-eye at R 75, half a step of 1/1024 turn: 28.6 dB nearest, 42.7
     blended) for twice the MACs.  SKC_ANGLES_BLEND_AMOUNT: the same
     between cat-eye's two amount steps (both: four kernels a pixel). */
  int blend;
  /* The fits' knots: on first differences (1: steps) or, for every fit,
     on second differences (2: ramps, skc_ramps_fit). */
  int order;
} skc_knots_angles_scale;

#define SKC_ANGLES_BLEND_ANGLE 1
#define SKC_ANGLES_BLEND_AMOUNT 2

/* A KNOTS_ANGLES code's kernel is its slot's mirrored left to right
 * and/or top to bottom. */
#define SKC_ANGLES_FLIP_X 1
#define SKC_ANGLES_FLIP_Y 2

typedef struct
{
  skc_scale_kind kind;
  int factor; /* block side: 1, 2, 4, ... */
  int reach;  /* in this scale's pixels */
  union
  {
    skc_complex_scale complexes; /* IDENTITY, COMPLEX, BASIS */
    skc_separable_scale separable;
    skc_knots_scale knots; /* KNOTS, KNOTS_TABLES */
    skc_fft_scale fft;
    skc_knots_angles_scale angles;
  };
} skc_scale;

struct skc_engine
{
  skc_params params;
  skc_engine_options options;
  /* How skc_engine_new runs its fits (threads, cancel flag): read only
     while the engine is prepared; process calls bring their own. */
  skc_run prepare_run;
  int with_map;
  int scale_count;
  skc_scale scales[SKC_ENGINE_MAX_SCALES];
  int first_scale;  /* a uniform blur uses only its own scale */
  int angles;       /* SKC_ENGINE_ANGLES with swirl or cat-eye, else 1 */
  int amount_codes; /* cat-eye amount steps + 1, else 1 */
  int reach;        /* full-resolution pixels */
  int kernel_reach; /* of the impulse response (knots read further: their
                       prefix sums start a block back) */
  int tile;         /* output tile side */
  /* Working memory of finished process calls, lent to the next ones so
     that a region-by-region caller (GEGL) does not fault in fresh pages
     on every call; engine_pool.c owns it. */
  struct skc_worker_pool *pool;
  char plan[384]; /* why this representation */
  /* The kernel SNR (dB) the planner measured for the effective kernel at
     full resolution against the target (INFINITY: exact), or NAN when it
     did not (blur maps, swirl, cat-eye, a caller's filter). */
  double kernel_snr_db;
  char description[768];
  /* Engines with a map: the shape image their rows of uniform engines
     (depth layers, radius levels) are made from (owned; empty for
     built-in shapes). */
  skc_image shape_copy;
  /* params.depth SUBJECT with a map (the subject's mask) and a radius:
     with_map is 0 (the engine is the background's uniform blur) and
     process calls go to skc_subject_process, with its state
     (engine_subject.c). */
  int subject;
  struct skc_subject *subject_state;
  /* Their layers' engines and bounds (engine_layers.c). */
  struct skc_layers *layers;
  /* A blur map on radius levels (engine_levels.c): no scales of its own;
     process calls go to skc_levels_process. */
  struct skc_levels *levels;
};

/* Per-thread working memory of one tile at one scale. */
typedef struct
{
  float *buffers[2];
  size_t capacity[2]; /* floats */
  int *level;         /* pixel code per padded pixel, when pixels differ */
  size_t level_capacity;
  /* Taps per pixel code, built on first use: an open-addressing table
     (codes combine radius level, cat-eye amount and angle: too many for an
     array, few in any one image). */
  int *code_keys;
  skc_layer_taps **code_taps;
  int code_capacity, code_used;
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
  int *column;
  float *column_weight;
  size_t column_capacity;
  float *coarse; /* a coarse result, for the upsampling */
  size_t coarse_capacity;
  /* FFT: one cell's padded channel, transformed in place (fftwf_malloc,
     so that it is aligned as the plans expect). */
  float *fft_buffer;
  /* Near the image centre (skc_plain_zone): the padded input kept for a
     second cascade, that cascade's values, and the plain kernel's weight
     per output pixel. */
  float *plain_input, *plain_values, *plain_weight;
  size_t plain_input_capacity, plain_values_capacity, plain_weight_capacity;
  /* Knots per angle, blended steps: each padded pixel's weight of the
     step above its angle and of the amount step above its amount, and
     the codes of one pass. */
  float *step_weight, *amount_weight;
  size_t step_weight_capacity, amount_weight_capacity;
  int *pass_code;
  size_t pass_code_bytes;
  /* Blur map: one row of map values, and a row of their block means. */
  float *map_row, *map_blocks;
  size_t map_row_capacity, map_blocks_capacity;
} skc_tile_scratch;

/* What one worker keeps across tiles: per-scale scratch (with the taps it
 * built) and the tile's accumulation buffers, so tiles allocate nothing. */
typedef struct
{
  skc_tile_scratch scale[SKC_ENGINE_MAX_SCALES];
  float *acc, *part, *weight, *radius;
  size_t acc_capacity, part_capacity, weight_capacity;
  size_t radius_capacity;
} skc_engine_worker;

/* A scale's rectangle [x0, x0 + w) x [y0, y0 + h) in its own pixels and
 * the padded input around it in a scratch's buffers[0]: pw x ph pixels
 * from (x0 - pad_l, y0 - pad_t), stride pw x channels. */
typedef struct
{
  int x0, y0, w, h;
  int pad_l, pad_r, pad_t, pad_b;
  int pw, ph;
  float block_weight; /* of a block's pixels: 1 / (factor x factor) */
} skc_scale_area;

/* What the tile code asks of a representation (engine_pyramid.c runs
 * them; engine.c keeps the table by kind). */
typedef struct
{
  const char *method; /* what skc_engine_method names it */
  /* How far its values read around an area: sets the pads (NULL: the
     scale's reach on every side). */
  void (*margins) (const skc_scale *sc, skc_scale_area *area);
  /* The scale's values on the area from the padded input in
     s->buffers[0]: written to `into` (w x h x channels) when writes_into,
     else left in the scratch; *values and *values_stride say where they
     are.  0 when out of memory. */
  int (*values) (const skc_engine *e, const skc_scale *sc,
                 const skc_apply_request *rq, const skc_scale_area *area,
                 skc_tile_scratch *s, float *into, const float **values,
                 size_t *values_stride);
  int writes_into;
  /* A whole full-resolution tile its own way (NULL: margins and values,
     then upsampling on coarse scales). */
  int (*tile) (const skc_engine *e, const skc_scale *sc,
               const skc_apply_request *rq, int x0, int y0, int w, int h,
               skc_tile_scratch *s, float *dst);
  /* Frees what the scale holds, prepared or partly so. */
  void (*free) (skc_scale *sc);
} skc_scale_ops;

extern const skc_scale_ops skc_identity_ops, skc_complex_ops, skc_basis_ops,
    skc_separable_ops, skc_knots_ops, skc_knots_tables_ops, skc_fft_ops,
    skc_knots_angles_ops;

/* The operations of a prepared scale's kind. */
const skc_scale_ops *skc_scale_ops_of (const skc_scale *sc);

/* ---- shared by the tile code ---- */

/* The hot loops are compiled for several instruction sets and picked at
 * run time (GCC function multi-versioning on x86-64): AVX-512 runs the
 * uniform layer ~1.9x faster than the SSE2 baseline on this machine. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)            \
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

static inline int
skc_clampi (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* max (top, |v|) without libm's NaN rules (values here are finite), so
 * that it inlines and vectorises. */
static inline float
skc_max_abs (float top, float v)
{
  float a = v < 0 ? -v : v;
  return a > top ? a : top;
}

/* The cells of side `size`, on a grid aligned to the origin, that meet
 * the rectangle [x, x + w) x [y, y + h): across x down of them from cell
 * (first_x, first_y). */
typedef struct
{
  int size, first_x, first_y, across, down;
  int x, y, w, h;
} skc_cell_grid;

static inline skc_cell_grid
skc_grid_over (int size, int x, int y, int w, int h)
{
  skc_cell_grid g
      = { size, skc_floor_div (x, size), skc_floor_div (y, size), 0, 0, x, y, w,
          h };
  g.across = skc_floor_div (x + w - 1, size) - g.first_x + 1;
  g.down = skc_floor_div (y + h - 1, size) - g.first_y + 1;
  return g;
}

/* Cell `index` (row by row) clipped to the rectangle: [*x0, *x1) x
 * [*y0, *y1). */
static inline void
skc_grid_cell (const skc_cell_grid *g, int index, int *x0, int *y0, int *x1,
               int *y1)
{
  int cx = (g->first_x + index % g->across) * g->size;
  int cy = (g->first_y + index / g->across) * g->size;
  *x0 = cx > g->x ? cx : g->x;
  *y0 = cy > g->y ? cy : g->y;
  *x1 = cx + g->size < g->x + g->w ? cx + g->size : g->x + g->w;
  *y1 = cy + g->size < g->y + g->h ? cy + g->size : g->y + g->h;
}

/* How much of scale k a full-resolution radius takes: scale k + 1 takes
 * over from scale k over the top quarter of scale k's range. */
static inline float
skc_scale_weight (const skc_engine *e, int k, double r)
{
  double top = SKC_ENGINE_SCALE_RADIUS * (1 << k);
  double handover = SKC_ENGINE_HANDOVER * top;
  double below_top = SKC_ENGINE_SCALE_RADIUS * (k > 0 ? 1 << (k - 1) : 0);
  double below_handover = SKC_ENGINE_HANDOVER * below_top;
  int last = k == e->scale_count - 1;
  if (k > 0 && r <= below_handover)
    return 0;
  if (k > 0 && r < below_top)
    return (float) ((r - below_handover) / (below_top - below_handover));
  if (last || r <= handover)
    return 1;
  if (r < top)
    return (float) (1 - (r - handover) / (top - handover));
  return 0;
}

/* Full-resolution pixels a scale reads beyond its output: its own reach in
 * blocks, plus the blocks bilinear upsampling and block alignment touch. */
static inline int
skc_scale_full_reach (const skc_scale *s)
{
  return s->factor == 1 ? s->reach : (s->reach + 2) * s->factor;
}

/* ---- planner.c ---- */

/* Plans and prepares the engine's scales from e->params and e->with_map
 * (cleared when nothing varies), with e->plan and e->description. */
skc_result skc_engine_plan (skc_engine *e, skc_error *err);
/* The relative kernel error knots aim at for the quality (its floor, with
 * a margin; 0, exact, at high quality with exact_at_high), and the most
 * MACs a blur map's table of side `size` may take. */
double skc_knots_aim (skc_quality q, int exact_at_high);
/* engine_knots_tables.c: the grid of a scale's steps (radii 0..top, its
   pixels) for the shape and quality, *rounding_db (if not NULL) the
   measured kernel SNR of a radius rounded to its nearest table; how many
   tables that grid has; the table nearest radius r (this scale's pixels),
   clamped to the tables there are, and a table's radius. */
double skc_knots_tables_grid (const skc_params *p, double top,
                              double *rounding_db);
/* The grid the error model gives any shape at quality q (the measured
   grid is at most GRID_REFINE_MAX times finer). */
double skc_knots_tables_model_grid (skc_quality q);
int skc_knots_tables_count (double grid, double top);
int skc_knots_table_level (const skc_knots_scale *k, double r);
double skc_knots_table_radius (const skc_knots_scale *k, int q);
/* The kernel SNR a pixel's kernel reaches on these tables: the worst
   table's against its target and the radius' rounding, their error
   energies added. */
double skc_knots_tables_snr_db (const skc_knots_scale *k);
long skc_knots_cap (int size);

/* ---- each representation's preparation of a scale (factor set), with
 * its reach and, for a uniform blur, e->reach and e->description; those
 * given a filter own it from then on. */
skc_result skc_complex_prepare (skc_engine *e, skc_scale *s, skc_filter *filter,
                                skc_error *err);
/* The DISK basis: members from `bottom` (0: the identity) to `top` radius
 * (the scale's pixels), cat-eye clips of each. */
skc_result skc_basis_prepare (skc_engine *e, skc_scale *s, double top,
                              double bottom, skc_error *err);
skc_result skc_separable_prepare (skc_engine *e, skc_scale *s,
                                  skc_filter *filter, skc_error *err);
skc_result skc_knots_prepare (skc_engine *e, skc_scale *s, skc_filter *filter,
                              skc_error *err);
/* Tables for radii from `bottom` to `top` (the scale's pixels) along
 * `axis`. */
skc_result skc_knots_tables_prepare (skc_engine *e, skc_scale *s, double top,
                                     double bottom, skc_knots_axis axis,
                                     skc_error *err);
/* Value tables whose knots miss the floor within skc_knots_cap may take
 * this many times it: a thin stroke's knots grow with its rows' crossings
 * (a snowflake's exact knots at R 150: 7603 MACs, the cap 6020; at R 300:
 * 20801, the cap 12020), and a heart stroke at R 427, high, misses 40 dB
 * within the cap at two radii of 256 (37.0 and 37.6 dB). */
#define SKC_VALUE_TABLES_WIDE_CAP 2
/* Value tables on one scale: one table at each of `count` radii
 * (ascending, distinct; the caller's), fitted to the quality's floor
 * along `axis`. */
skc_result skc_knots_value_tables_prepare (skc_engine *e, skc_scale *s,
                                           const double *radii, int count,
                                           skc_knots_axis axis, int cap_factor,
                                           skc_error *err);
/* Swirl at full resolution on knots per angle code (a turned target
 * each, the fewest knots reaching `floor_db`, at most `max_macs`); sets
 * *ok to 0, preparing nothing, when some code's knots cannot reach it. */
skc_result skc_knots_angles_prepare (skc_engine *e, skc_scale *s,
                                     double floor_db, long max_macs, int *ok,
                                     skc_error *err);
/* Uniform cat-eye at full resolution on knots per angle x clip amount
 * code: steps fine enough, and knots close enough (at most `max_macs`),
 * that every pixel's kernel reaches `floor_db` against the shape clipped
 * and turned exactly as at that pixel.  Sets *ok to 0, preparing nothing,
 * when that is out of reach (why says so), or when the fits would take
 * more than `max_work` target pixels in all (> 0; their count times their
 * side squared: preparation time).  may_blend: where the nearest steps
 * are too many, blended steps are tried (slower to prepare and apply). */
skc_result skc_knots_cat_eye_prepare (skc_engine *e, skc_scale *s,
                                      double floor_db, long max_macs,
                                      double max_work, int may_blend, int *ok,
                                      char *why, size_t why_len,
                                      skc_error *err);
/* The exact FFT of the full-radius target; `why` says what the planner
 * weighed. */
skc_result skc_fft_prepare (skc_engine *e, skc_scale *s, const char *why,
                            skc_error *err);
/* What that FFT costs per pixel and channel, in MACs of a sparse filter
 * (SKC_ENGINE_FFT_COST_MACS at radius 24, more at larger radii). */
long skc_fft_cost_macs (double radius);

/* ---- engine_targets.c ---- */

int skc_samples_per_layer (skc_quality q); /* of the engine's complexes */
/* A stable name for the target: the canonical shape spec, or a hash of
 * the weight image's pixels. */
void skc_target_identity (const skc_params *p, char *buf, size_t len);
/* The kernel at `radius`, clipped (cat-eye) as a round aperture is by a
 * second one of its size moved by amount x radius x
 * SKC_ENGINE_CLIP_OFFSET. */
skc_result skc_target_make (const skc_params *p, double radius, double amount,
                            skc_image *t, skc_error *err);
/* The unclipped target at `radius`, or below half a pixel (where engines
 * leave the image as it is) a one-pixel point. */
skc_result skc_target_or_point (const skc_params *p, double radius,
                                skc_image *t);
/* Clips kernel t (of `radius`) as skc_target_make does, with the clip's
 * axis turned clockwise on screen by `angle` (radians), and normalises
 * it. */
skc_result skc_target_clip (skc_image *t, double radius, double amount,
                            double angle, skc_error *err);
/* The shape drawn skc_target_fine_over (radius) times finer than its
 * target at `radius` (centred, odd), for sampling a clip's rim. */
int skc_target_fine_over (double radius);
skc_result skc_target_fine (const skc_params *p, double radius, skc_image *fine,
                            skc_error *err);
/* Clips kernel t (of `radius`, turned clockwise on screen by `angle`) by
 * the lens of skc_target_make along its turned up axis, pixels on the
 * lens' edge sampled from `fine` (skc_target_fine, unturned) as the
 * shape's density under the lens; normalises it. */
skc_result skc_target_clip_fine (skc_image *t, const skc_image *fine,
                                 double radius, double amount, double angle,
                                 skc_error *err);
/* The same, saying of each pixel (classes: t's width x height, row by
 * row) whether it kept its value, was taken or was sampled on the lens'
 * edge. */
enum
{
  SKC_CLIP_INSIDE,
  SKC_CLIP_OUTSIDE,
  SKC_CLIP_EDGE
};
skc_result skc_target_clip_fine_classes (skc_image *t, const skc_image *fine,
                                         double radius, double amount,
                                         double angle, unsigned char *classes,
                                         skc_error *err);
/* A clip's geometry on a target of side `size`, for taking it row by row:
 * skc_clip_row's span, then skc_clip_pixel for the pixels it leaves open
 * (those skc_target_clip_fine_classes samples). */
typedef struct
{
  const skc_image *fine;
  int over, sub, size, half;
  double shift, limit, inner, outer, c, s;
} skc_clip;
void skc_clip_init (skc_clip *g, const skc_image *fine, double radius,
                    double amount, double angle, int size);
/* Row y: pixels before out_first or after out_last are outside the lens,
 * those from in_first to in_last inside (none when in_first > in_last);
 * between, skc_clip_pixel tells. */
typedef struct
{
  int out_first, out_last, in_first, in_last;
} skc_clip_span;
void skc_clip_row (const skc_clip *g, int y, skc_clip_span *span);
/* Pixel (x, y)'s class; *value, the shape's there, becomes what the lens
 * keeps of it. */
unsigned char skc_clip_pixel (const skc_clip *g, int x, int y, float *value);
/* The same, the shape's density at the pixel's sub-samples kept in
 * `density` (sub x sub of them), those worked out marked in *sampled: a
 * turn's sub-samples are the same at every clip amount, so its codes
 * share them (the same sums, as each is the same double). */
unsigned char skc_clip_pixel_kept (const skc_clip *g, int x, int y,
                                   float *value, double *density,
                                   uint64_t *sampled);

/* Cat-eye's clipped codes of one angle from its unclipped fit
 * (engine_knots_clip.c): `shape` the shape turned to the angle, `whole`
 * its fit's kernel (both n x n, n odd; kept by the caller).  The fit's
 * runs are kept compact (a code reads a few values a row, where the
 * prefix sums' rows would each be a cache miss). */
typedef struct
{
  int n;
  const skc_image *shape, *whole;
  double shape_sum, whole_peak;
  double clipped, peak;    /* the sampled code's sum and largest value */
  double *p1, *p2;         /* per row, n + 1 prefix sums of shape and squares */
  size_t *change_start;    /* n + 1: row y's changes of the fit from here */
  int *change;             /* where the fit's rows change value, */
  double *run_value;       /* the fit's value from there on (0 for below 0), */
  double *run_p1, *run_p2; /* and the prefix sums there */
  double *raw;             /* n x n: the edge pixels' samples of a code */
  unsigned char *class;    /* n x n: their classes */
  /* n x n x sub^2 (made at the first sample, where not too large): the
     turn's density at each pixel's sub-samples, and which are known */
  double *density;
  uint64_t *sampled;
  int density_sub; /* 0: not made yet, -1: none */
  double density_angle;
  const skc_image *density_fine;
  skc_clip_span *spans; /* n */
  double *inside_p;     /* 4 per row: p1 and p2 where the inside run starts
                           and ends */
  size_t *first_run;    /* per row, the first change after the inside's start */
  int *count;           /* a code's knots per row, */
  size_t *start;        /* n + 1, where they start, */
  int *bound;           /* their boundaries, */
  double *level;        /* the value after each */
  long long *grid;      /* and that value on the knots' grid */
  int measured;         /* the levels the lines were last measured with */
  double step;          /* their grid's step */
  long knots;           /* their knots on the grid (-1: none left) */
} skc_clip_rows;
skc_result skc_clip_rows_init (skc_clip_rows *c, const skc_image *shape,
                               const skc_image *whole);
void skc_clip_rows_free (skc_clip_rows *c);
/* Samples the code (amount, angle) of radius `radius` into c: each row's
 * span in the lens and its edge pixels, sampled from `fine` as
 * skc_target_clip_fine_classes does; 0 where the lens keeps no pixel
 * whole (the code is then the caller's to fit). */
int skc_clip_rows_sample (skc_clip_rows *c, const skc_image *fine,
                          double radius, double amount, double angle);
/* Measures the last sampled code's knots along rows: inside the lens the
 * fit's values, on its edge the samples over the shape's sum (levels > 0:
 * rounded to multiples of the code's peak / levels, so that neighbours
 * merge), beyond it nothing, all scaled to sum 1 on the grid of
 * skc_knots_lines_grid; *macs their MACs (0 where nothing is left),
 * *error their relative kernel error as drawn against the clipped shape.
 * No allocation; one code at a time per c. */
void skc_clip_rows_fit (skc_clip_rows *c, int levels, long *macs,
                        double *error);
/* The knots last measured, as a compact fit (one line a row); 0 when out
 * of memory or when nothing was left. */
int skc_clip_rows_write (const skc_clip_rows *c, skc_angle_fit *out);
/* The fitted complex for one radius (at most the fit cap), through the
 * cache.  With `initial` the fit continues from that complex scaled to
 * this radius (basis members); `chain` then names where it came from. */
skc_result skc_target_fit (const skc_params *p, const skc_run *run,
                           double radius, const skc_filter *initial,
                           double initial_scale, const char *chain,
                           skc_filter **out, skc_error *err);
/* As skc_target_fit, clipped by a cat-eye amount, with a choice of
 * offsets; *loss (if not NULL) receives the fit's loss against its target,
 * which the planner compares. */
skc_result skc_target_fit_as (const skc_params *p, const skc_run *run,
                              double radius, double amount,
                              skc_offset_kind offsets,
                              const skc_filter *initial, double initial_scale,
                              const char *chain, skc_filter **out, double *loss,
                              skc_error *err);

/* ---- engine_tile.c: a process call (its request checked) over tiles */
skc_result skc_engine_run (const skc_engine *e, const skc_apply_request *rq,
                           const skc_run *run, skc_error *err);

/* ---- engine_taps.c ---- */

/* Taps (a complex layer, or knots on prefix sums) on an image S (row y,
 * column x at S + (y - sy0) * s_stride + (x - sx0) * C) for outputs
 * [x0, x1) x [y0, y1) written to acc (origin ax0, ay0).  Every value is
 * summed in the same order whatever the rectangle. */
void skc_taps_apply (const skc_layer_taps *taps, const float *S,
                     size_t s_stride, int C, int sx0, int sy0, float *acc,
                     size_t a_stride, int ax0, int ay0, int x0, int x1, int y0,
                     int y1);

/* ---- engine_pixels.c ---- */

/* The rectangle [x0, x0 + n) x [y0, y0 + h) of the input into dst (n
 * pixels a row): clamped to the request's input rectangle (the nearest
 * edge pixel outside it), non-finite pixels made transparent black,
 * highlights boosted.  Read from the input view, or through io.read
 * where the request has none: 0 when that fails. */
int skc_prepare_rows (const skc_engine *e, const skc_apply_request *rq, int y0,
                      int x0, int n, int h, float *dst);
/* w pixels of a result row into the output: copied, or clipped (to 0..1,
 * premultiplied colour to 0..alpha) when the engine clips. */
void skc_write_row (const skc_engine *e, const skc_apply_request *rq,
                    const float *src, float *dst, int w);
/* Whether the request's colour is straight (straight_alpha with an alpha
 * channel): premultiplied as it is read, divided back as it is written. */
static inline int
skc_request_straight (const skc_apply_request *rq)
{
  return rq->straight_alpha && rq->alpha >= 0;
}
/* Straight colour to premultiplied and back, n pixels in place (back:
 * colour 0 where alpha is not above 0). */
void skc_premultiply (float *pixels, int n, int C, int alpha);
void skc_unpremultiply (float *pixels, int n, int C, int alpha);

/* ---- engine_codes.c ---- */

/* Radius (full-resolution px) of a blur-map value, and the value itself
 * after clamping, invert-map and map-gamma (skc_params_map_shaped on the
 * engine's parameters). */
double skc_engine_map_radius (const skc_engine *engine, float map_value);
double skc_engine_map_shaped (const skc_engine *engine, float map_value);

/* The blend level of a radius (in a basis scale's pixels) and the member
 * pair and fraction a level stands for. */
int skc_scale_level (const skc_scale *scale, double radius);
void skc_scale_level_blend (const skc_scale *scale, int level, int *member,
                            float *t);

/* The map's means over n blocks of f x f pixels, block i starting at
 * (x + i f, y), into out; map values outside the map repeat its edge and
 * non-finite ones count as 0.  `row` holds n f values. */
void skc_map_block_row (const skc_apply_request *rq, int x, int y, int n, int f,
                        float block_weight, float *restrict row,
                        float *restrict out);
/* Grow the scratch's pixel codes to n, its map rows to n blocks of f
 * pixels; 0 when out of memory. */
int skc_reserve_levels (skc_tile_scratch *s, size_t n);
int skc_reserve_map_rows (skc_tile_scratch *s, int n, int f);
/* Every padded pixel's code into s->level (pw per row): its blend level,
 * cat-eye amount and angle step, as
 * (level * amount_codes + amount) * angles + step; with `plain`, amount
 * and step 0 (the kernel unclipped, unturned).  0 when out of memory. */
int skc_pixel_codes (const skc_engine *e, const skc_scale *sc,
                     const skc_apply_request *rq, const skc_scale_area *area,
                     int plain, skc_tile_scratch *s);
/* Whether kernels turn with the circle around the image centre (cat-eye,
 * swirl above 1/2): no turn can be smooth at the centre, so a cascade of
 * layers each turned at its own pixel is not the turned kernel there.
 * Around the centre such engines blend in the plain kernel, by
 * skc_plain_weight at full-resolution position (x, y): 1 within
 * SKC_ENGINE_PLAIN_INNER kernel radii, 0 beyond SKC_ENGINE_PLAIN_OUTER,
 * smooth between. */
int skc_plain_zone (const skc_engine *e);
/* The angle code (0 .. count - 1, count steps around the circle) of
 * full-resolution pixel (x, y), without cat-eye's amount. */
int skc_angle_code (const skc_engine *e, const skc_apply_request *rq, double x,
                    double y, int count);
/* The same pixel's angle in steps of a count-th of a turn, unrounded and
 * unwrapped (skc_angle_code is it rounded, modulo count). */
double skc_angle_position (const skc_engine *e, const skc_apply_request *rq,
                           double x, double y, int count);
float skc_plain_weight (const skc_engine *e, const skc_apply_request *rq,
                        double x, double y);
/* Cat-eye at full-resolution pixel (x, y), unquantised: the angle
 * (radians, clockwise on screen) that turns the kernel's up axis toward the
 * image centre, and the clip amount (0 at the centre, cat-eye at the
 * corners). */
void skc_cat_eye_at (const skc_engine *e, const skc_apply_request *rq, double x,
                     double y, double *angle, double *amount);

/* ---- engine_layers.c ---- */

/* Depth-aware engines (params.depth with a map), which have no plan of
 * their own: prepares the layers' state (e->layers) with the largest
 * layer's engine, and sets e->reach, e->kernel_reach and the
 * description; frees it. */
skc_result skc_layers_prepare (skc_engine *e, skc_error *err);
void skc_layers_free (skc_engine *e);
/* skc_engine_method of a depth-aware engine: its largest layer's. */
const char *skc_layers_method (const skc_engine *e);
/* skc_engine_kernel_at of a depth-aware engine, whose arguments are
 * checked: the kernel of the layer of map_value (a point hides nothing),
 * in a window of e->kernel_reach. */
skc_result skc_layers_kernel_at (const skc_engine *e, int image_width,
                                 int image_height, int x, int y,
                                 double map_value, skc_image *out,
                                 skc_error *err);
/* A process call of a depth-aware engine, whose checks have passed: tiles
 * of the output in parallel, each blurring the layers that reach it. */
skc_result skc_layers_process (const skc_engine *e, const skc_apply_request *rq,
                               const skc_run *run, skc_error *err);

/* engine.c: adds weight x kernel k into kernel out, centres aligned (both
 * odd and square; what falls outside out is dropped): a views engine's
 * kernel_at from its uniform engines' kernels. */
void skc_kernel_add_centred (skc_image *out, const skc_image *k, float weight);

/* ---- engine_levels.c: a blur map on radius levels (see there) ---- */

/* Which ladders skc_levels_prepare may take: those whose levels grow
 * with the radius, or those whose levels are at most a few px apart at the
 * top (many more levels: a map's ramp blurs a tile once per level, about
 * 30 s for a 6 MP tilt-shift to R 214 at high), or either. */
typedef enum
{
  SKC_LADDER_GROWING = 1,
  SKC_LADDER_DENSE = 2,
  SKC_LADDER_ANY = 3
} skc_ladder_kinds;

/* Plans and prepares them where a ladder of those kinds reaches
 * `floor_db` with its margin (no caller's filter, swirl or cat-eye); *ok
 * stays 0, nothing prepared, otherwise. */
skc_result skc_levels_prepare (skc_engine *e, double floor_db,
                               skc_ladder_kinds kinds, int *ok, skc_error *err);
void skc_levels_free (skc_engine *e);
const char *skc_levels_method (const skc_engine *e);
skc_result skc_levels_kernel_at (const skc_engine *e, int image_width,
                                 int image_height, int x, int y,
                                 double map_value, skc_image *out,
                                 skc_error *err);
/* The request's output from its input (premultiplied, in memory, the
 * input covering the output grown by the reach), tiles in parallel. */
skc_result skc_levels_process (const skc_engine *e, const skc_apply_request *rq,
                               const skc_run *run, skc_error *err);

/* ---- engine_memo.c: uniform engines kept per process for depth layers,
 * by a key naming all they depend on.  take returns the kept engine (one
 * more user) or NULL; keep stores a new engine with one user and sets
 * *kept, or, when the key was kept meanwhile, frees it and returns the
 * kept one, or leaves *kept 0 when every entry is in use (the caller then
 * owns it alone); release ends a use of a kept engine.  Thread-safe. */
skc_engine *skc_engine_memo_take (const char *key);
skc_engine *skc_engine_memo_keep (const char *key, skc_engine *engine,
                                  int *kept);
void skc_engine_memo_release (skc_engine *engine);
/* Frees the kept engines no one uses (a benchmark's cold start).
 * Thread-safe. */
void skc_engine_memo_clear_idle (void);
/* Ends a use from skc_engine_memo_get: released when `kept`, else freed
 * (NULL: nothing). */
void skc_engine_memo_drop (skc_engine *engine, int kept);
/* The kept engine for these settings, else a new one kept (*kept 0 where
 * the memo was full: the caller's own, to free). */
skc_result skc_engine_memo_get (const skc_params *p, int with_map,
                                const skc_engine_options *options,
                                const skc_run *run, skc_engine **out, int *kept,
                                skc_error *err);

/* A row of uniform engines like e's (its shape, lens and highlights; no
 * map, no depth), one per index at a radius the caller names, made on
 * first use (through the memo) by get, which may run from any thread.
 * Their FFTs work on cells of SKC_UNIFORM_ROW_FFT_CELL px aligned to the
 * origin, so that a caller's tiles of that side are one cell each and
 * read a half-width around them (the cells never follow the tile option,
 * so that the tiling never changes a result); they prefer knots a little
 * (an FFT cell reads far beyond the kernel).  made returns an index's
 * engine if it was made, else NULL. */
#define SKC_UNIFORM_ROW_FFT_CELL 512
typedef struct skc_uniform_row skc_uniform_row;
skc_uniform_row *skc_uniform_row_new (int count);
skc_result skc_uniform_row_get (skc_uniform_row *row, const skc_engine *e,
                                int index, double radius, skc_quality quality,
                                skc_engine **out, skc_error *err);
skc_engine *skc_uniform_row_made (const skc_uniform_row *row, int index);
void skc_uniform_row_free (skc_uniform_row *row);

/* ---- engine_fill.c: the bounded pull-push fill (see there) ---- */

/* A rectangle [x0, x1) x [y0, y1). */
typedef struct
{
  int x0, y0, x1, y1;
} skc_rect;

/* engine_tile.c: */
/* The engines that work on views (depth layers, radius levels, a subject)
 * run their tiles through one runner: fn computes tile t with its
 * worker's state (state_size bytes, zeroed at first, kept across that
 * worker's tiles, freed by state_free at the end), failing into err; the
 * output's cells of `side` (aligned to the origin) run in parallel, a
 * raised cancel flag or the first failure stops the rest, and that failure
 * is returned with its message. */
typedef skc_result (*skc_view_tile_fn) (void *user, skc_rect t, void *state,
                                        skc_error *err);
/* What the view tiles of one process call share (their fn's user). */
typedef struct
{
  const skc_engine *e;
  const skc_apply_request *rq;
  const skc_run *run;
  int inner_threads; /* each tile's own threads (a subject's one tile) */
} skc_view_call;
skc_result skc_view_tiles_run (int side, const skc_view *output,
                               const skc_run *run, size_t state_size,
                               void (*state_free) (void *state),
                               skc_view_tile_fn fn, void *user, skc_error *err);

/* r grown by `by` on every side, clipped to a width x height image. */
static inline skc_rect
skc_rect_grow (skc_rect r, int by, int width, int height)
{
  r.x0 = r.x0 - by > 0 ? r.x0 - by : 0;
  r.y0 = r.y0 - by > 0 ? r.y0 - by : 0;
  r.x1 = r.x1 + by < width ? r.x1 + by : width;
  r.y1 = r.y1 + by < height ? r.y1 + by : height;
  return r;
}

#define SKC_FILL_MAX_LEVELS 25

/* A fill's pyramid, kept between calls (zero it before the first). */
typedef struct
{
  float *values[SKC_FILL_MAX_LEVELS], *weight[SKC_FILL_MAX_LEVELS];
  size_t values_capacity[SKC_FILL_MAX_LEVELS];
  size_t weight_capacity[SKC_FILL_MAX_LEVELS];
} skc_fill_scratch;

void skc_fill_scratch_free (skc_fill_scratch *s);
/* The fewest levels that reach `distance` px (2^levels > distance). */
int skc_fill_levels (int distance);
/* The pixels (image coordinates, within 2^(levels + 1) of `need`) whose
 * values and weights the fill of `need` reads, in an image of width x
 * height. */
void skc_fill_source (int levels, int width, int height, const skc_rect *need,
                      skc_rect *source);
/* Fills `need`: values (C <= 4 channels a pixel) and weights (0..1) over
 * `source` (which holds skc_fill_source's rectangle; `stride` pixels a
 * row) give each pixel of `need` its filled value in out (C channels,
 * out_stride pixels a row) and, if known is not NULL, how much it knows
 * (0: no weighted pixel near enough; its value is then 0).  Pixels of
 * weight 1 keep their values.  The same values whatever `need` and
 * `source` hold around them.  0 when out of memory. */
int skc_fill (int levels, int width, int height, int C, const float *values,
              const float *weight, size_t stride, const skc_rect *source,
              const skc_rect *need, float *out, float *known, size_t out_stride,
              skc_fill_scratch *s);

/* ---- engine_subject.c ---- */

/* A subject's fill reaches every hidden pixel within ceil (radius) + this
 * many px of the background (a soft edge this deep is exact): it runs
 * skc_subject_fill_levels (radius) levels. */
#define SKC_SUBJECT_SOFT_DEPTH 64
int skc_subject_fill_levels (double radius);
/* A subject engine (e->subject): its state (the background's blur, the
 * fill) and e->reach, once the engine is planned; frees it. */
skc_result skc_subject_prepare (skc_engine *e, skc_error *err);
void skc_subject_free (skc_engine *e);
/* A process call of a subject engine, whose checks have passed (the map
 * is the subject's mask): tiles of the output in parallel. */
skc_result skc_subject_process (const skc_engine *e,
                                const skc_apply_request *rq, const skc_run *run,
                                skc_error *err);

/* ---- engine_pool.c ---- */

/* Grows *buffer to at least `need` floats; 0 when out of memory. */
int skc_tile_reserve (float **buffer, size_t *capacity, size_t need);
/* Grows the allocation at *(void **) buffer to at least `need` bytes;
 * 0 when out of memory. */
int skc_reserve_bytes (void *buffer, size_t *capacity, size_t need);
void skc_tile_scratch_free (skc_tile_scratch *s);
/* A call's workers take the scratch the engine's pool keeps (as many as
 * it has) and give it back when done; the pool keeps a few sets and frees
 * the rest. */
void skc_worker_pool_take (const skc_engine *e, skc_engine_worker *workers,
                           int n);
void skc_worker_pool_give (const skc_engine *e, skc_engine_worker *workers,
                           int n);
/* Frees the sets the pool keeps (not those calls hold now): an engine
 * used briefly among many (radius levels) keeps no memory idle. */
void skc_worker_pool_trim (const skc_engine *e);
void skc_worker_pool_free (struct skc_worker_pool *pool);

/* ---- engine_pyramid.c ---- */

/* One scale's blur of the output tile [x0, x0 + w) x [y0, y0 + h) into dst
 * (w x h x channels, unclipped). */
int skc_scale_tile (const skc_engine *e, const skc_scale *sc,
                    const skc_apply_request *rq, int x0, int y0, int w, int h,
                    skc_tile_scratch *s, float *dst);
/* Full-resolution [x0, x0 + w) x [y0, y0 + h) into dst by bilinear
 * upsampling of a scale's values (blocks of f, origin gx0, gy0 in its
 * pixels, `stride` floats a row). */
int skc_upsample_tile (skc_tile_scratch *s, const float *values, size_t stride,
                       int gx0, int gy0, int f, int x0, int y0, int w, int h,
                       int C, float *dst);

/* A coarse scale's values over everything a region's upsampling reads. */
typedef struct
{
  float *values; /* width x height x channels, origin x0, y0 (its pixels) */
  int x0, y0, width, height;
} skc_coarse_plane;

/* A multi-scale process call's coarse planes, computed once per call cell
 * by cell: scale k's cells are numbered from first_cell[k], on the grid
 * cells[k] over its plane.  Per output row y (from the output's top) and
 * scale k, the first and one past the last column with weight there are
 * at row_use[(y * SKC_ENGINE_MAX_SCALES + k) * 2] (empty: first >=
 * last). */
typedef struct
{
  skc_coarse_plane planes[SKC_ENGINE_MAX_SCALES];
  int first_cell[SKC_ENGINE_MAX_SCALES + 1];
  skc_cell_grid cells[SKC_ENGINE_MAX_SCALES];
  int *row_use;
} skc_coarse_planes;

/* Plans the planes and finds every row's use; 0 when out of memory. */
int skc_coarse_prepare (skc_coarse_planes *c, const skc_engine *e,
                        const skc_apply_request *rq, int threads);
/* Computes coarse cell `index` into its plane (zeros where unused); 0 when
 * out of memory. */
int skc_coarse_cell (const skc_coarse_planes *c, const skc_engine *e,
                     const skc_apply_request *rq, int index,
                     skc_engine_worker *worker);
void skc_coarse_free (skc_coarse_planes *c);
/* The bounding box [*x0, *x1) x [*y0, *y1) of the pixels with weight on
 * scale k within [sx0, sx1) x [sy0, sy1) of the output o, from the rows'
 * ranges in row_use (a superset: a row's range may have gaps); empty:
 * *x1 <= *x0. */
void skc_used_box (const int *row_use, const skc_view *o, int k, int sx0,
                   int sy0, int sx1, int sy1, int *x0, int *y0, int *x1,
                   int *y1);

/* ---- engine_knots.c, shared with engine_knots_tables.c: the margins
 * knots read (less than their reach: the prefix blocks they need), and a
 * knots scale's values on an area from its padded input, each pixel with
 * its table when `level` is given (w per row), into acc (w x h x C); 0
 * when out of memory. */
void skc_knots_margins (const skc_scale *sc, skc_scale_area *area);
int skc_knots_tile (const skc_scale *sc, skc_tile_scratch *s,
                    const skc_scale_area *area, int C, const int *level,
                    float *acc);

/* table_memo.c: a blur map scale's knots tables by a key naming all they
 * depend on.  take copies a kept set into s->knots (table, abs, half;
 * levels and first must match) and returns 1, or 0; keep stores a copy of
 * s's.  Thread-safe. */
int skc_table_memo_take (const char *key, skc_scale *s);
void skc_table_memo_keep (const char *key, const skc_scale *s);
/* Forgets every kept set (a benchmark's cold start).  Thread-safe. */
void skc_table_memo_clear (void);

#endif
