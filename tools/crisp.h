/* skc — what a user gets, measured: the ball SNR of the effective
 * full-resolution impulse response as applied (skc_engine_kernel_at, or
 * skc_apply_image with a blur map) against the dense truth, for
 * `skc bench crisp` and its contract test.  Uses the core only.
 *
 * Ball SNR = -20 log10 (||out - exact|| / ||exact||) over the exact
 * response's window grown by CRISP_MARGIN px on every side; `exact` is
 * what a dense per-pixel blur gives for one unit point p:
 * out (q) = K_q (q - p), K_q the target kernel of pixel q (its radius on a
 * blur map, its swirl angle and cat-eye clip), so for a uniform blur the
 * target itself centred on p.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TOOLS_CRISP_H
#define SKC_TOOLS_CRISP_H

#include "skc/skc.h"

#define CRISP_MARGIN 5

typedef enum
{
  CRISP_UNIFORM,      /* uniform engine, kernel_at at pyramid phases */
  CRISP_CONSTANT_MAP, /* with_map engine, the map value giving the radius */
  CRISP_TILT_SHIFT,   /* an 8-bit tilt-shift map through skc_apply_image */
  CRISP_SWIRL,        /* swirl 0.5 over a 3000 x 2000 frame */
  CRISP_CAT_EYE,      /* cat-eye 0.5 over a 3000 x 2000 frame */
  CRISP_PATHS
} crisp_path;

/* A shape of the bench: a built-in shape, or weights from an image. */
typedef struct
{
  char name[64];
  skc_shape shape;
  skc_image image; /* 1 channel; empty for a built-in shape */
} crisp_shape;

typedef struct
{
  double snr_worst; /* dB, the worst over the positions */
  /* The worst away from the frame centre (swirl and cat-eye: the centre
     is where their kernels turn fastest; the other paths: snr_worst). */
  double snr_off_centre;
  double light_min; /* sum of out / sum of exact over the positions */
  double light_max;
  double floor_db;  /* the quality's floor for this path */
  double prepare_s; /* skc_engine_new */
  int positions;
  int worst_x, worst_y; /* where the worst SNR was measured */
  int pass;             /* snr_worst >= floor_db, light within 5 % */
  char method[64];      /* skc_engine_method */
} crisp_result;

/* Name of a path ("uniform", "constant-map", "tilt-shift", "swirl",
 * "cat-eye"), and the path of a name (-1 if none). */
const char *crisp_path_name (crisp_path path);
int crisp_path_parse (const char *name);

/* The floor of issue 13 at `radius`: draft 20, normal 30, high 40 dB;
 * swirl and cat-eye 15, 25, 35 up to R 75, and draft's 15 beyond. */
double crisp_floor_db (crisp_path path, skc_quality quality, double radius);

/* A built-in shape from a spec, named `name`. */
skc_result crisp_shape_builtin (const char *name, const char *spec,
                                crisp_shape *out, skc_error *err);
/* An image shape from a PGM/PPM file (its first channel, or luminance
 * for RGB), named after the file without its extension. */
skc_result crisp_shape_image (const char *path, crisp_shape *out,
                              skc_error *err);
void crisp_shape_free (crisp_shape *s);

/* The target kernel at `radius` as the engine makes it: the shape
 * rendered (or the image resampled) into 2 ceil (radius) + 1 pixels times
 * `oversample` (odd), normalised to sum 1. */
skc_result crisp_target (const crisp_shape *s, double radius, int oversample,
                         skc_image *out, skc_error *err);

/* Ball SNR (dB) of `out` against `exact`: both odd-sized and centred on
 * the same point; compared over exact's window grown by `margin` px
 * (values of `out` outside its window count as 0).  +inf when equal. */
double crisp_ball_snr (const skc_image *out, const skc_image *exact,
                       int margin);
/* Sum of an image's values. */
double crisp_sum (const skc_image *img);

/* The dense truth of one unit point at (x, y) of a width x height frame
 * under swirl and cat-eye (as the engine defines them: the pixel's angle
 * and clip, taken exactly, not in steps), for a kernel of `radius`, as a
 * (2 half + 1)-square window centred on the point.  Each pixel averages
 * sub-samples of the target, rendered `oversample` times finer and turned
 * by bilinear interpolation, clipped by the lens of two discs exactly. */
skc_result crisp_truth_lens (const crisp_shape *s, double radius, double swirl,
                             double cat_eye, int width, int height, int x,
                             int y, int half, skc_image *out, skc_error *err);

/* Measures one cell: the shape at `radius` on `path` at `quality`.
 * `quick` takes fewer positions.  The engine is prepared `prepare_runs`
 * times (1 .. CRISP_MAX_PREPARE_RUNS), each from an empty fit cache of
 * its own; res->prepare_s is their median. */
#define CRISP_MAX_PREPARE_RUNS 9
skc_result crisp_measure (const crisp_shape *s, double radius, crisp_path path,
                          skc_quality quality, int quick, int prepare_runs,
                          crisp_result *res, skc_error *err);

#endif
