/* skc — the one apply path: every front end (the skc tool, the GEGL
 * operation, the GIMP plug-in) blurs through these calls with the same
 * parameters (skc/params.h, the table in skc/params.def).
 *
 * An engine is prepared once from the parameters (filters come fitted from
 * the cache), then processes any number of regions.  The caller hands in
 * the pixels of the output region grown by skc_engine_reach(), clipped to
 * the image; the core clamps to what it was given and never reads outside.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_APPLY_H
#define SKC_APPLY_H

#include "skc/cache.h"
#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"
#include "skc/kernel.h"
#include "skc/params.h"

#ifdef __cplusplus
extern "C" {
#endif

/* How one call runs, not what it computes: results never depend on it.
 * A zeroed skc_run, or NULL where a call takes a pointer to one, runs one
 * worker per core and cannot be cancelled. */
typedef struct
{
  int threads; /* worker threads; <= 0: one per core */
  /* NULL, or a flag another thread raises (sets non-zero) to stop the
     call with SKC_ERR_CANCELLED.  The core reads it with relaxed atomic
     loads, so raise it with an atomic store (__atomic_store_n,
     g_atomic_int_set, C++20 std::atomic_ref). */
  const int *cancel;
  /* NULL, or called now and then on the calling thread, never on another,
     with the share of the call's output done (0..1); returning 0 stops
     the call with SKC_ERR_CANCELLED.  Process calls report it (a GUI's
     progress bar and its Cancel button); other calls do not. */
  int (*progress) (void *data, double done);
  void *progress_data;
} skc_run;

typedef struct skc_engine skc_engine;

/* Prepares the filters for `p` (fitting what the cache lacks, with `run`'s
 * threads; its cancel flag stops the fits).  With with_map the engine
 * blurs per pixel from a blur map; without, uniformly.  Thread-safe; may
 * take seconds on a cold cache. */
SKC_API skc_result skc_engine_new (const skc_params *p, int with_map,
                                   const skc_run *run, skc_engine **out,
                                   skc_error *err);
/* The most values skc_engine_new_for_map takes (a 10-bit map's). */
#define SKC_MAP_VALUES_MAX 1024

/* skc_engine_new (p, 1, ...) for blur maps that hold only the `count`
 * values given (as the map is read, 0..1; any order, repeats allowed), as
 * an 8-bit map holds its 256 codes' at most: the engine may then fit its
 * kernels at exactly those values' radii (no radius rounded to a table's
 * step, fewer fits at large radii); a pixel whose value is not among them
 * gets the nearest one's radius.  values NULL or count 0: any value.
 * count at most SKC_MAP_VALUES_MAX.  Thread-safe; values are read only
 * during the call. */
SKC_API skc_result skc_engine_new_for_map (const skc_params *p,
                                           const float *values, int count,
                                           const skc_run *run, skc_engine **out,
                                           skc_error *err);

/* Frees engine (NULL allowed) once no call uses it. */
SKC_API void skc_engine_free (skc_engine *engine);

/* How far (px) the engine reads beyond the output region.  Thread-safe. */
SKC_API int skc_engine_reach (const skc_engine *engine);

/* One line saying what runs: representation, taps, MACs per pixel; it
 * lives as long as the engine.  Thread-safe. */
SKC_API const char *skc_engine_describe (const skc_engine *engine);

/* The kernel SNR (dB) that every pixel's full-resolution kernel reaches
 * against its target, as the planner measured it (the figure
 * skc_engine_describe states): at least 100 where exact (an FFT:
 * INFINITY), NAN where none is stated (a pyramid's coarse scales, the DISK
 * basis, depth layers).  For a front end's "exact" or "31 dB".
 * Thread-safe. */
SKC_API double skc_engine_kernel_snr (const skc_engine *engine);

/* The representation the planner picked, in a few words: "knots",
 * "FFT", "complex", "separable", "identity" (uniform blur); "knots
 * tables", "DISK basis" or "knots tables and DISK basis" (blur maps, and
 * kernels varying over the frame).  Thread-safe. */
SKC_API const char *skc_engine_method (const skc_engine *engine);

/* The effective kernel the engine applies at blur radius `radius` (an
 * engine without a map has one kernel and ignores it): for previews,
 * figures and tests.  Thread-safe. */
SKC_API skc_result skc_engine_kernel (const skc_engine *engine, double radius,
                                      skc_image *out);

/* The effective impulse response at a position, exactly as the engine
 * applies it there: one bright point (1.0, 1 channel) at pixel (x, y) of
 * an image_width x image_height image, with the blur map value
 * `map_value` everywhere (ignored without a map), blurred with clipping
 * and the highlight boost off.  `out` (allocated here) is the
 * (2 * reach + 1)-square window centred on (x, y), reach being how far
 * the response reaches; pixels outside the image are 0.  It varies with
 * the position where the engine's kernel does: the pyramid's phase, a
 * map's value, swirl and cat-eye.  Thread-safe. */
SKC_API skc_result skc_engine_kernel_at (const skc_engine *engine,
                                         int image_width, int image_height,
                                         int x, int y, double map_value,
                                         skc_image *out, skc_error *err);

/* A rectangle of float pixels in image coordinates. */
typedef struct
{
  float *pixels; /* row y of the rectangle starts at pixels + y * stride */
  size_t stride; /* floats */
  int x, y, width, height;
} skc_view;

/* Pixels read and written on demand, for callers whose images live in
 * their own storage (GEGL's tiles): the engine reads the rectangles of the
 * input its tiles need, when they need them, and hands over each finished
 * rectangle of the output, instead of the caller copying the whole input
 * into memory first and the output out of it after.  Rectangles are in
 * image coordinates, `channels` floats a pixel, rows `stride` floats
 * apart.  Called from the engine's worker threads, concurrently; an input
 * rectangle may be read more than once (neighbouring tiles share margins),
 * every output pixel is written once.  A call returns 0 to fail the
 * process call (SKC_ERR_IO). */
typedef struct
{
  /* Fills dst with the input rectangle, which lies in the request's input
     rectangle. */
  int (*read) (void *data, int x, int y, int width, int height, float *dst,
               size_t stride);
  /* Takes the output rectangle, which lies in the request's output
     rectangle; src is the engine's and may be reused after the call. */
  int (*write) (void *data, int x, int y, int width, int height,
                const float *src, size_t stride);
  void *data;
} skc_pixel_io;

typedef struct
{
  int image_width, image_height; /* the whole image */
  int channels;                  /* 1..4 */
  int alpha; /* index of the alpha channel (colour premultiplied
                by it, in and out, unless straight_alpha), or -1 */
  /* With an alpha channel: colour not premultiplied, in and out.  The
     engine premultiplies as it reads and divides as it writes (colour 0
     where alpha is 0), so that a caller whose pixels are straight (GEGL's
     "RGBA float") need not convert them. */
  int straight_alpha;
  skc_view input;  /* covers output grown by reach, clipped to image */
  skc_view map;    /* 1 channel, same rectangle as input; engines made
                      with_map need it, others ignore it */
  skc_view output; /* written; may not alias input */
  /* Where input.pixels is NULL the input is read through io.read, where
     output.pixels is NULL the output is written through io.write; the
     views' rectangles still say what is available and what is asked. */
  skc_pixel_io io;
} skc_apply_request;

/* Blurs request->output from request->input.  Non-finite input pixels are
 * treated as fully transparent black (they neither spread nor crash); map
 * values outside 0..1 are clamped, non-finite ones count as 0, except in a
 * depth map (params.depth), where they are an error
 * (SKC_ERR_INVALID_ARGUMENT naming the first).  Results do
 * not depend on the thread count or on how the image is cut into regions.
 * Thread-safe: concurrent calls on one engine may process different
 * regions. */
SKC_API skc_result skc_engine_process (const skc_engine *engine,
                                       const skc_apply_request *request,
                                       const skc_run *run, skc_error *err);

/* Whether the engine blurs whole images only.  None does any more (a
 * subject's engine runs on regions too): 0, kept for callers that ask.
 * Thread-safe. */
SKC_API int skc_engine_needs_whole_image (const skc_engine *engine);

/* Convenience for whole images in memory (the tool, tests): blurs `in`
 * (interleaved, `alpha` as above) into `out` (allocated here) with an
 * optional map of the same size.  Thread-safe, as skc_engine_process. */
SKC_API skc_result skc_apply_image (const skc_engine *engine,
                                    const skc_image *in, int alpha,
                                    const skc_image *map, const skc_run *run,
                                    skc_image *out, skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
