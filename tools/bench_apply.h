/* skc command-line tool — what `skc bench apply` (bench_apply.c) shares
 * with the comparators it measures skc against (bench_apply_baselines.c):
 * the setup every child process reads, the report it sends back, rows in
 * threads, timing and PSNR.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_BENCH_APPLY_H
#define SKC_BENCH_APPLY_H

#include "cli.h"

#define MAX_RUNS 64
#define MAX_THREADS 256

/* What a child process sends back through its pipe. */
typedef struct
{
  int ok;
  char message[sizeof ((skc_error *) 0)->message];
  int runs;
  double seconds[MAX_RUNS]; /* full-image seconds (crop-scaled if a crop) */
  double prepare;           /* s; < 0: nothing prepared */
  double psnr;              /* dB against the exact result; NAN: not measured */
  int crop_y0, crop_rows;   /* crop_rows 0: the whole image */
  int threads;
  long start_kb, peak_kb; /* ru_maxrss at fork and after the runs */
  char note[160];
  char describe[256];
} method_report;

/* Everything the children read; children inherit it by fork. */
typedef struct
{
  int width, height, threads, runs;
  skc_shape shape;
  skc_image shape_image; /* a file shape's values (empty: built-in) */
  skc_image input;       /* RGBA float, alpha 1 */
  skc_image map;         /* tilt-shift blur map, 1 channel */
  float *reference;      /* shared between processes: the exact uniform
                            result, rows [reference_y0, reference_y1) valid */
  int reference_y0, reference_y1;
  double radius;
  skc_image kernel;    /* the dense target at `radius` */
  skc_quality quality; /* skc's */
} bench_setup;

/* Monotonic seconds. */
double bench_now_seconds (void);

int bench_clamp_int (int v, int lo, int hi);

/* Rows [begin, end) of some work, on thread `worker`. */
typedef void (*band_fn) (void *data, int begin, int end, int worker);

/* Runs fn over rows 0..n in contiguous bands, one per thread. */
void bench_parallel_bands (int n, int threads, band_fn fn, void *data);

/* The test image (also `skc bench op`'s): rows [begin, end) of a
 * deterministic pseudo-photo (RGBA float, alpha 1; a band_fn on an
 * skc_image), small white highlights over it, and a tilt-shift blur map
 * (sharp around the middle row, full blur at top and bottom). */
void bench_fill_photo_rows (void *data, int begin, int end, int worker);
void bench_add_highlights (skc_image *img);
void bench_fill_tilt_shift (skc_image *map);

/* --size WIDTHxHEIGHT; dies on anything else. */
void bench_parse_size (const char *text, int *width, int *height);

/* One run of a method; 0 when it failed. */
typedef int (*run_fn) (void *ctx);

/* One warm-up run, then s->runs timed ones, each time multiplied by
 * `scale` (a crop's time to the whole image's); peak memory noted after.
 * 0 when a run failed. */
int bench_time_runs (const bench_setup *s, run_fn run, void *ctx, double scale,
                     method_report *rep);

void bench_report_failure (method_report *rep, const char *message);

/* The median of seconds[0..n) (1 <= n <= MAX_RUNS), the least in *min. */
double bench_median (const double *seconds, int n, double *min);

/* Stores rows [y0, y0 + rows) of an exact result as the reference.  Runs
 * in a child after its memory was measured; the parent records which rows
 * are valid. */
void bench_store_reference (bench_setup *s, const float *out, int y0, int rows);

/* PSNR (peak 1) of the colour channels of `out` against the reference,
 * on the interior (`margin` px dropped from every edge) and on the rows
 * both hold.  `out` holds image rows [out_y0, out_y1). */
double bench_interior_psnr (const bench_setup *s, const float *out, int out_y0,
                            int out_y1, int margin);

/* The comparators (bench_apply_baselines.c), each run in a child process
 * of its own: dense direct convolution over the kernel's taps, FFTW, and
 * GEGL's blurs with the floor of a GEGL graph that does nearly nothing. */
void bench_method_dense (bench_setup *s, int with_map, method_report *rep);
#ifdef SKC_HAVE_FFTW3F
void bench_method_fft (bench_setup *s, int with_map, method_report *rep);
#endif
#ifdef SKC_HAVE_GEGL
void bench_method_gegl_lens (bench_setup *s, int with_map, method_report *rep);
void bench_method_gegl_variable (bench_setup *s, int with_map,
                                 method_report *rep);
void bench_method_gegl_floor (bench_setup *s, int with_map, method_report *rep);
#endif

#endif
