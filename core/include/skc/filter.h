/* skc — a fitted filter: a sparse kernel complex (layers of weighted,
 * offset samples applied in sequence), a low-rank separable filter or a
 * knots filter (a piecewise-constant kernel applied through prefix sums).
 *
 * Convention: a sample (dx, dy, w) of a layer contributes
 *   out(x, y) += w * in_bilinear(x - dx, y - dy)
 * so that its impulse response has weight w at (dx, dy): offsets are drawn
 * where the bokeh is, the same way up as the target kernel.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FILTER_H
#define SKC_FILTER_H

#include "skc/common.h"
#include "skc/image.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
  SKC_FILTER_COMPLEX, /* layers of samples */
  SKC_FILTER_LOWRANK, /* sum of rank-one separable terms */
  SKC_FILTER_KNOTS    /* piecewise-constant lines read from prefix sums */
} skc_filter_kind;

/* Knots: the kernel's lines run along this axis; each line is piecewise
 * constant, stored as its knots (where its value changes, by how much), so
 * that image (x) kernel = prefix sum of the image along the axis (x) knots:
 * one read per knot. */
typedef enum
{
  SKC_KNOTS_ROWS,   /* lines are rows: prefix sums along x */
  SKC_KNOTS_COLUMNS /* lines are columns: prefix sums along y */
} skc_knots_axis;

typedef enum
{
  SKC_OFFSETS_BILINEAR, /* real offsets, 4 multiply-adds per tap */
  SKC_OFFSETS_INTEGER   /* whole-pixel offsets, 1 multiply-add per tap */
} skc_offset_kind;

typedef struct
{
  float dx;
  float dy;
  float w;
} skc_sample;

#define SKC_MAX_LAYERS 16
#define SKC_MAX_SAMPLES 64 /* per layer */
#define SKC_MAX_RANK 64
#define SKC_MAX_KERNEL_SIDE 4097
/* Knots of one filter, all lines together (a 513 px flat kernel needs
 * about 6000). */
#define SKC_MAX_KNOTS (1 << 22)
/* Offsets beyond this many pixels are refused (files and fits alike). */
#define SKC_MAX_OFFSET 2048.0f

/* Opaque; created by the fitters, skc_filter_load or the constructors
 * below.  A filter is not modified by any const function, so one filter may
 * be shared by threads that only read it. */
typedef struct skc_filter skc_filter;

/* What a filter was fitted for, kept in .skc files. */
typedef struct
{
  char spec[SKC_PATH_MAX + 64]; /* shape spec or file the target came from */
  double radius;                /* px; 0 when unknown */
  int target_size;              /* side of the target kernel it was fitted to */
} skc_filter_info;

/* Constructors: NULL on bad counts or out of memory.  Thread-safe.
 *
 * A complex with `layers` layers of samples[l] zero samples each. */
SKC_API skc_filter *skc_filter_new_complex (int layers, const int *samples,
                                            skc_offset_kind offsets);
/* A rank-`rank` separable filter of size x size (odd), all zero. */
SKC_API skc_filter *skc_filter_new_lowrank (int rank, int size);
/* A knots filter of size x size (odd) along `axis`; line i (offset
 * i - size / 2 across the axis) has counts[i] knots (0 to size + 1), all at
 * position 0 with weight 0 until set. */
SKC_API skc_filter *skc_filter_new_knots (skc_knots_axis axis, int size,
                                          const int *counts);
/* A deep copy; NULL when f is NULL or out of memory.  Thread-safe. */
SKC_API skc_filter *skc_filter_copy (const skc_filter *f);
/* Frees f; NULL is allowed.  Not while another thread uses f. */
SKC_API void skc_filter_free (skc_filter *f);

/* The accessors below are thread-safe on a filter that no thread modifies;
 * the setter and the non-const accessors (whose pointers let the caller
 * fill a filter) are for one thread at a time. */
SKC_API skc_filter_kind skc_filter_get_kind (const skc_filter *f);
SKC_API const skc_filter_info *skc_filter_get_info (const skc_filter *f);
SKC_API void skc_filter_set_info (skc_filter *f, const skc_filter_info *info);

/* Complex access (thread safety as above). */
SKC_API skc_offset_kind skc_filter_offsets (const skc_filter *f);
SKC_API int skc_filter_layer_count (const skc_filter *f);
SKC_API int skc_filter_layer_size (const skc_filter *f, int layer);
SKC_API skc_sample *skc_filter_layer (skc_filter *f, int layer);
SKC_API const skc_sample *skc_filter_layer_const (const skc_filter *f,
                                                  int layer);

/* Low-rank access: term k is column[k] (vertical, size values) times
 * row[k] (horizontal, size values).  skc_filter_size is also a knots
 * filter's side.  Thread safety as above. */
SKC_API int skc_filter_rank (const skc_filter *f);
SKC_API int skc_filter_size (const skc_filter *f);
SKC_API float *skc_filter_column (skc_filter *f, int term);
SKC_API float *skc_filter_row (skc_filter *f, int term);
SKC_API const float *skc_filter_column_const (const skc_filter *f, int term);
SKC_API const float *skc_filter_row_const (const skc_filter *f, int term);

/* Knots access.  Line `line` of a size x size knots filter holds the
 * kernel values at offset line - size / 2 across the axis; its knot k at
 * position p (along the axis, -size / 2 to size / 2 + 1, strictly
 * increasing) with weight w adds w to the line's value from p onwards.  A
 * line's weights sum to exactly zero, so it ends at zero.
 * skc_filter_knot_count counts the knots of all lines.  Thread safety as
 * above. */
SKC_API skc_knots_axis skc_filter_knots_axis (const skc_filter *f);
SKC_API int skc_filter_knot_count (const skc_filter *f);
SKC_API int skc_filter_knot_line_size (const skc_filter *f, int line);
SKC_API int *skc_filter_knot_positions (skc_filter *f, int line);
SKC_API float *skc_filter_knot_weights (skc_filter *f, int line);
SKC_API const int *skc_filter_knot_positions_const (const skc_filter *f,
                                                    int line);
SKC_API const float *skc_filter_knot_weights_const (const skc_filter *f,
                                                    int line);

/* Taps per pixel and multiply-adds per pixel per channel, as the benchmark
 * protocol counts them (knots: taps are the knots; MACs are the knots plus
 * one for the prefix sum pass).  Thread-safe. */
SKC_API int skc_filter_taps (const skc_filter *f);
SKC_API long skc_filter_macs (const skc_filter *f);

/* Half-size of the smallest odd square that holds the impulse response:
 * the filter reads at most `reach` pixels away from the output pixel.
 * Thread-safe. */
SKC_API int skc_filter_reach (const skc_filter *f);

/* Checks offsets and weights are finite and within bounds.  Thread-safe. */
SKC_API skc_result skc_filter_validate (const skc_filter *f, skc_error *err);

/* The effective kernel: the filter's impulse response exactly as
 * skc_filter_apply computes it, on a (2 * reach + 1)^2 grid, centred.
 * Thread-safe. */
SKC_API skc_result skc_filter_render (const skc_filter *f, skc_image *out);

/* Applies the filter to every channel of `in` with clamped edges, writing
 * `out` (allocated here, same size and channels).  `threads` <= 0 means
 * one per core.  Results do not depend on the thread count.
 * Thread-safe. */
SKC_API skc_result skc_filter_apply (const skc_filter *f, const skc_image *in,
                                     skc_image *out, int threads);

#ifdef __cplusplus
}
#endif

#endif
