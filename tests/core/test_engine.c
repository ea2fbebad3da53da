/* skc tests — the apply engine: uniform blur equals dense convolution with
 * the effective kernel; blur-map blur equals a naive per-pixel gather with
 * the blended filters and comes close to brute-force dense truth on a
 * tilt-shift map; thread counts and region cuts give identical bits;
 * alpha, NaN/Inf, tiny images, highlights and map semantics.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
#include "engine_options.h"
#include "internal.h"
#include "skc/skc.h"
#include "truth.h"

static skc_cache *cache;

static skc_image
random_image (int w, int h, int channels, int alpha, uint64_t seed)
{
  skc_image img = { 0 };
  skc_image_alloc (&img, w, h, channels);
  skc_rng rng;
  skc_rng_seed (&rng, seed, 3);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        float *p = skc_image_pixel (&img, x, y);
        float a = alpha >= 0 ? (float) skc_rng_uniform (&rng) : 1;
        for (int c = 0; c < channels; c++)
          p[c] = c == alpha ? a : (float) skc_rng_uniform (&rng) * a;
      }
  return img;
}

/* An engine with the planner's options (NULL: the defaults). */
static skc_engine *
make_engine_with (const char *spec, double radius, int with_map, int threads,
                  const skc_engine_options *options)
{
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse (spec, &p.shape, NULL);
  p.radius = radius;
  p.cache = cache;
  skc_run run = { .threads = threads };
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new_with (&p, with_map, options, &run, &e, &err)
              == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return e;
}

static skc_engine *
make_engine (const char *spec, double radius, int with_map, int threads)
{
  return make_engine_with (spec, radius, with_map, threads, NULL);
}

static void
test_uniform_matches_dense (void)
{
  skc_engine *e = make_engine ("shape:heart", 6, 0, 2);
  if (!e)
    return;
  skc_image k = { 0 }, in = random_image (45, 31, 3, -1, 1), out = { 0 };
  CHECK (skc_engine_kernel (e, 6, &k) == SKC_OK);
  CHECK (skc_apply_image (e, &in, -1, NULL, NULL, &out, NULL) == SKC_OK);
  double worst = 0;
  for (int y = 0; y < in.height; y++)
    for (int x = 0; x < in.width; x++)
      for (int c = 0; c < 3; c++)
        worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c]
                                   - dense_at (&k, &in, x, y, c)));
  CHECK_MSG (worst < 1e-5, "uniform engine vs dense: %g", worst);
  skc_image_free (&k);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_engine_free (e);
}

/* Brute-force truth (truth.h) of a tilt-shift blur reaching rmax. */
static double
tilt_shift_psnr (const char *spec, double rmax, int pyramid,
                 const skc_image *photo)
{
  skc_engine_options options;
  skc_engine_options_init (&options);
  if (pyramid)
    options.map_tables_work_max = 0;
  options.map_levels = 0;
  skc_engine *e = make_engine_with (spec, rmax, 1, 2, &options);
  if (e)
    CHECK_MSG (pyramid && rmax > 32 ? e->scale_count > 1 : e->scale_count == 1,
               "R_max %g%s: %d scales", rmax, pyramid ? " (pyramid)" : "",
               e->scale_count);
  if (!e)
    return NAN;
  skc_image map = tilt_shift_map (photo->width, photo->height), out = { 0 };
  CHECK (skc_apply_image (e, photo, -1, &map, NULL, &out, NULL) == SKC_OK);
  double psnr = tilt_shift_truth_psnr (&out, photo, &map, spec, rmax);
  skc_image_free (&map);
  skc_image_free (&out);
  skc_engine_free (e);
  return psnr;
}

/* Naive reference of the blur-map cascade: every layer on the whole
 * extended domain (image plus reach, clamped input), each pixel with the
 * samples blended for its own map value (at the engine's blend level), in
 * double precision. */
static void
test_varying_matches_naive (const char *spec, double rmax, int C)
{
  /* The DISK basis (flat shapes would get knots tables: test_knots.c). */
  skc_engine_options basis_only;
  skc_engine_options_init (&basis_only);
  basis_only.knots_map_max_radius = -1;
  basis_only.map_levels = 0;
  skc_engine *e = make_engine_with (spec, rmax, 1, 2, &basis_only);
  if (!e)
    return;
  int w = 40, h = 28;
  skc_image in = random_image (w, h, C, -1, 4), map = { 0 }, out = { 0 };
  skc_image_alloc (&map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      *skc_image_pixel (&map, x, y) = (float) ((x + 2 * y) % 17) / 16.0f;
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL) == SKC_OK);

  /* Radii up to 32 px run on scale 0, at full resolution. */
  const skc_scale *sc = &e->scales[0];
  const skc_complex_scale *basis = &sc->complexes;
  CHECK (e->scale_count == 1 && sc->factor == 1 && sc->kind == SKC_SCALE_BASIS);
  int R = sc->reach, W = w + 2 * R, H = h + 2 * R;
  double *cur = calloc ((size_t) W * H * C, sizeof *cur);
  double *next = calloc ((size_t) W * H * C, sizeof *next);
  float *pos = calloc ((size_t) W * H, sizeof *pos);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        int ix = clampi (x - R, w), iy = clampi (y - R, h);
        float p = (float) skc_scale_level (
            sc, skc_engine_map_radius (e, *skc_image_pixel (&map, ix, iy)));
        pos[(size_t) y * W + x] = p;
        for (int c = 0; c < C; c++)
          cur[((size_t) y * W + x) * C + c] = skc_image_pixel (&in, ix, iy)[c];
      }
  int margin = R;
  for (int l = 0; l < basis->layers; l++)
    {
      int om = margin - basis->layer_reach[l];
      for (int y = R - om; y < R + h + om; y++)
        for (int x = R - om; x < R + w + om; x++)
          {
            int j;
            float t;
            skc_scale_level_blend (sc, (int) pos[(size_t) y * W + x], &j, &t);
            const skc_sample *a = skc_filter_layer_const (basis->members[j], l);
            const skc_sample *b
                = skc_filter_layer_const (basis->members[j + 1], l);
            for (int c = 0; c < C; c++)
              {
                double acc = 0;
                for (int s = 0;
                     s < skc_filter_layer_size (basis->members[j], l); s++)
                  {
                    float dx = a[s].dx + t * (b[s].dx - a[s].dx);
                    float dy = a[s].dy + t * (b[s].dy - a[s].dy);
                    float wt = a[s].w + t * (b[s].w - a[s].w);
                    double sx = x - (double) dx, sy = y - (double) dy;
                    int fx = (int) floor (sx), fy = (int) floor (sy);
                    double u = sx - fx, v = sy - fy;
                    double v00 = cur[((size_t) fy * W + fx) * C + c];
                    double v10 = cur[((size_t) fy * W + fx + 1) * C + c];
                    double v01 = cur[((size_t) (fy + 1) * W + fx) * C + c];
                    double v11 = cur[((size_t) (fy + 1) * W + fx + 1) * C + c];
                    acc += wt
                           * ((1 - u) * (1 - v) * v00 + u * (1 - v) * v10
                              + (1 - u) * v * v01 + u * v * v11);
                  }
                next[((size_t) y * W + x) * C + c] = acc;
              }
          }
      double *swap = cur;
      cur = next;
      next = swap;
      margin = om;
    }
  double worst = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int c = 0; c < C; c++)
        worst = fmax (worst,
                      fabs (skc_image_pixel (&out, x, y)[c]
                            - cur[((size_t) (y + R) * W + x + R) * C + c]));
  CHECK_MSG (worst < 1e-5, "%s: blur map vs naive blended gather: %g", spec,
             worst);
  free (cur);
  free (next);
  free (pos);
  skc_image_free (&map);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_engine_free (e);
}

/* Straight colour in and out (in memory and on demand) is the
 * premultiplied blur of the premultiplied image, divided back. */
static void
check_straight_alpha (const skc_engine *e, const skc_image *premultiplied,
                      const skc_image *map, int with_map)
{
  const int alpha = 3, w = premultiplied->width, h = premultiplied->height;
  skc_image straight = alpha_converted (premultiplied, alpha, 1);
  skc_image again = alpha_converted (&straight, alpha, 0);
  skc_image blurred = { 0 }, out = { 0 }, io_out = { 0 };
  CHECK (skc_apply_image (e, &again, alpha, map, &three_threads, &blurred, NULL)
         == SKC_OK);
  skc_image expected = alpha_converted (&blurred, alpha, 1);
  CHECK (skc_image_alloc (&out, w, h, 4) == SKC_OK);
  skc_apply_request rq = {
    .image_width = w,
    .image_height = h,
    .channels = 4,
    .alpha = alpha,
    .straight_alpha = 1,
    .input = { straight.data, straight.stride, 0, 0, w, h },
    .map = { map->data, map->stride, 0, 0, w, h },
    .output = { out.data, out.stride, 0, 0, w, h },
  };
  CHECK (skc_engine_process (e, &rq, &three_threads, NULL) == SKC_OK);
  CHECK_MSG (memcmp (expected.data, out.data, sizeof (float) * w * h * 4) == 0,
             "straight colour differs from the premultiplied blur (map %d)",
             with_map);
  on_demand d = { .fail_after = -1, .straight = 1 };
  CHECK (apply_on_demand (e, &straight, alpha, map, 0, 0, w, h, &three_threads,
                          &d, &io_out)
         == SKC_OK);
  free (d.writes);
  CHECK_MSG (memcmp (expected.data, io_out.data, sizeof (float) * w * h * 4)
                 == 0,
             "straight colour on demand differs (map %d)", with_map);
  skc_image_free (&straight);
  skc_image_free (&again);
  skc_image_free (&blurred);
  skc_image_free (&expected);
  skc_image_free (&out);
  skc_image_free (&io_out);
}

/* Processing the image in pieces, each with its own clipped margin, or with
 * other thread counts gives the same bits. */
static void
test_identity_across_cuts_of (const char *spec, int w, int h, int with_map,
                              double radius, double swirl)
{
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse (spec, &p.shape, NULL);
  p.radius = radius;
  p.swirl = swirl;
  p.cache = cache;
  skc_engine_options options;
  skc_engine_options_init (&options);
  if (with_map == -2 || with_map == -3)
    {
      /* Uniform cat-eye: knots per angle and clip amount, scattered;
         -3: each pixel blending the four codes around its angle and
         amount. */
      p.cat_eye = 0.5;
      options.angles_blend
          = with_map == -3 ? SKC_ANGLES_BLEND_ANGLE | SKC_ANGLES_BLEND_AMOUNT
                           : 0;
      with_map = 0;
    }
  else if (with_map == -4)
    {
      /* Uniform swirl, each pixel blending its two angle steps. */
      options.angles_blend = SKC_ANGLES_BLEND_ANGLE;
      with_map = 0;
    }
  else if (with_map < 0)
    {
      p.cat_eye = 0.8;
      with_map = 1;
    }
  skc_engine *e1 = NULL, *e3 = NULL;
  CHECK (skc_engine_new_with (&p, with_map, &options, &one_thread, &e1, NULL)
         == SKC_OK);
  CHECK (skc_engine_new_with (&p, with_map, &options, &three_threads, &e3, NULL)
         == SKC_OK);
  if (!e1 || !e3)
    return;
  CHECK_MSG (!options.angles_blend
                 || strstr (skc_engine_describe (e1),
                            p.swirl > 0 ? "blended angle" : "blended amount"),
             "cat-eye blending its steps: %s", skc_engine_describe (e1));
  int C = 4, alpha = 3;
  skc_image in = random_image (w, h, C, alpha, 7), map = tilt_shift_map (w, h);
  skc_image whole = { 0 }, other = { 0 };
  CHECK (skc_apply_image (e1, &in, alpha, &map, &one_thread, &whole, NULL)
         == SKC_OK);
  CHECK (skc_apply_image (e3, &in, alpha, &map, &three_threads, &other, NULL)
         == SKC_OK);
  CHECK_MSG (memcmp (whole.data, other.data, sizeof (float) * w * h * C) == 0,
             "1 vs 3 threads differ (map %d)", with_map);

  /* Irregular regions, each handed exactly its reach of margin. */
  skc_image pieces = { 0 };
  int cuts_x[] = { 0, 37, w * 3 / 5, w }, cuts_y[] = { 0, 101, 102, h };
  CHECK (apply_in_pieces (e3, &in, alpha, &map, cuts_x, cuts_y, &pieces));
  CHECK_MSG (memcmp (whole.data, pieces.data, sizeof (float) * w * h * C) == 0,
             "regions differ from the whole image (map %d)", with_map);
  skc_image_free (&pieces);

  /* Pixels on demand: the same bits, the whole image and a region. */
  for (int region = 0; region < 2; region++)
    {
      int x0 = region ? 37 : 0, y0 = region ? 101 : 0;
      int rw = region ? w * 3 / 5 - 37 : w, rh = region ? h - 101 : h;
      on_demand d = { .fail_after = -1 };
      skc_image io_out = { 0 };
      CHECK (apply_on_demand (e3, &in, alpha, &map, x0, y0, rw, rh,
                              &three_threads, &d, &io_out)
             == SKC_OK);
      CHECK_MSG (on_demand_written_once (&d),
                 "on demand: a pixel written twice, never or outside");
      int same = 1;
      for (int y = y0; y < y0 + rh; y++)
        same &= memcmp (skc_image_pixel (&whole, x0, y),
                        skc_image_pixel (&io_out, x0, y),
                        sizeof (float) * rw * C)
                == 0;
      CHECK_MSG (same, "pixels on demand differ from views (map %d, region %d)",
                 with_map, region);
      CHECK_MSG (d.progress_calls > 0 && !d.progress_backwards
                     && d.last_progress == 1.0,
                 "progress: %d calls, last %g, backwards %d", d.progress_calls,
                 d.last_progress, d.progress_backwards);
      skc_image_free (&io_out);
    }
  check_straight_alpha (e3, &in, &map, with_map);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&whole);
  skc_image_free (&other);
  skc_engine_free (e1);
  skc_engine_free (e3);
}

/* Pixels on demand where the engine works on views (depth layers, a
 * subject's whole image): the same bits as views, in bands; and what the
 * caller hears when its io refuses, when progress says stop, and when a
 * side has neither pixels nor io. */
static void
test_on_demand_views_and_errors (void)
{
  const int w = 160, h = 1300, C = 4, alpha = 3;
  skc_image in = random_image (w, h, C, alpha, 11), map = tilt_shift_map (w, h);
  for (int depth = SKC_DEPTH_NONE; depth <= SKC_DEPTH_SUBJECT; depth++)
    {
      if (depth == SKC_DEPTH_BLACK_NEAR)
        continue;
      skc_params p;
      skc_params_init (&p);
      skc_shape_parse ("shape:disc", &p.shape, NULL);
      p.radius = 6;
      p.cache = cache;
      p.depth = depth;
      skc_engine *e = NULL;
      if (!CHECK (skc_engine_new (&p, 1, &three_threads, &e, NULL) == SKC_OK))
        continue;
      skc_image views = { 0 }, io_out = { 0 };
      CHECK (skc_apply_image (e, &in, alpha, &map, &three_threads, &views, NULL)
             == SKC_OK);
      /* A subject's engine takes the whole image; the others a region
         across several bands. */
      int whole = skc_engine_needs_whole_image (e);
      int y0 = whole ? 0 : 3, rh = whole ? h : h - 10;
      on_demand d = { .fail_after = -1 };
      CHECK (apply_on_demand (e, &in, alpha, &map, 0, y0, w, rh, &three_threads,
                              &d, &io_out)
             == SKC_OK);
      CHECK_MSG (on_demand_written_once (&d),
                 "depth %d on demand: a pixel written twice, never or outside",
                 depth);
      CHECK_MSG (memcmp (skc_image_pixel (&views, 0, y0),
                         skc_image_pixel (&io_out, 0, y0),
                         sizeof (float) * w * rh * C)
                     == 0,
                 "depth %d: pixels on demand differ from views", depth);
      CHECK_MSG (d.last_progress == 1.0 && !d.progress_backwards,
                 "depth %d: progress ended at %g", depth, d.last_progress);
      skc_image_free (&io_out);
      check_straight_alpha (e, &in, &map, depth);

      /* The io refuses a read: SKC_ERR_IO; progress says stop:
         SKC_ERR_CANCELLED. */
      on_demand refused = { .fail_after = 0 };
      CHECK_MSG (apply_on_demand (e, &in, alpha, &map, 0, y0, w, rh,
                                  &three_threads, &refused, &io_out)
                     == SKC_ERR_IO,
                 "depth %d: a refused read is not SKC_ERR_IO", depth);
      free (refused.writes);
      skc_image_free (&io_out);
      on_demand stopped = { .fail_after = -1, .stop_at_progress = 1 };
      CHECK_MSG (apply_on_demand (e, &in, alpha, &map, 0, y0, w, rh,
                                  &three_threads, &stopped, &io_out)
                     == SKC_ERR_CANCELLED,
                 "depth %d: progress's stop is not SKC_ERR_CANCELLED", depth);
      CHECK (stopped.progress_calls == 1);
      free (stopped.writes);
      skc_image_free (&io_out);
      skc_image_free (&views);

      /* Neither pixels nor io on a side. */
      skc_apply_request rq = {
        .image_width = w,
        .image_height = h,
        .channels = C,
        .alpha = alpha,
        .input = { NULL, 0, 0, 0, w, h },
        .output = { NULL, 0, 0, 0, w, h },
        .map = { map.data, map.stride, 0, 0, w, h },
        .io = { NULL, on_demand_write, &d },
      };
      CHECK (skc_engine_process (e, &rq, NULL, NULL)
             == SKC_ERR_INVALID_ARGUMENT);
      skc_engine_free (e);
    }
  skc_image_free (&in);
  skc_image_free (&map);
}

/* Straight colour of any layout (alpha first, grey and alpha, no alpha),
 * with highlights, and with non-finite pixels: the premultiplied blur of
 * the premultiplied image, divided back, bit for bit, in memory and on
 * demand. */
static void
test_straight_kinds (void)
{
  static const struct
  {
    int C, alpha;
    double gain;
  } kinds[]
      = { { 4, 0, 1 }, { 2, 1, 1 }, { 3, -1, 1 }, { 4, 3, 3 }, { 2, 1, 3 } };
  const int w = 61, h = 47;
  for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++)
    {
      const int C = kinds[k].C, alpha = kinds[k].alpha;
      skc_params p;
      skc_params_init (&p);
      skc_shape_parse ("shape:disc", &p.shape, NULL);
      p.radius = 5;
      p.cache = cache;
      p.highlight_gain = kinds[k].gain;
      p.highlight_threshold = 0.5;
      skc_engine *e = NULL;
      if (!CHECK (skc_engine_new (&p, 0, &three_threads, &e, NULL) == SKC_OK))
        continue;
      skc_image pre = random_image (w, h, C, alpha, 23 + k);
      skc_image straight = alpha >= 0 ? alpha_converted (&pre, alpha, 1)
                                      : random_image (w, h, C, -1, 23 + k);
      /* Non-finite straight pixels: colour, alpha, colour under alpha 0. */
      float *bad = skc_image_pixel (&straight, 7, 9);
      bad[alpha == 0 ? 1 : 0] = NAN;
      bad = skc_image_pixel (&straight, 30, 20);
      bad[alpha >= 0 ? alpha : 0] = INFINITY;
      bad = skc_image_pixel (&straight, 50, 40);
      if (alpha >= 0)
        bad[alpha] = 0;
      bad[alpha == 0 ? 1 : 0] = INFINITY;
      skc_image again
          = alpha >= 0 ? alpha_converted (&straight, alpha, 0) : straight;
      skc_image blurred = { 0 }, out = { 0 }, io_out = { 0 };
      CHECK (skc_apply_image (e, &again, alpha, NULL, &three_threads, &blurred,
                              NULL)
             == SKC_OK);
      skc_image expected
          = alpha >= 0 ? alpha_converted (&blurred, alpha, 1) : blurred;
      CHECK (skc_image_alloc (&out, w, h, C) == SKC_OK);
      skc_apply_request rq = {
        .image_width = w,
        .image_height = h,
        .channels = C,
        .alpha = alpha,
        .straight_alpha = 1,
        .input = { straight.data, straight.stride, 0, 0, w, h },
        .output = { out.data, out.stride, 0, 0, w, h },
      };
      CHECK (skc_engine_process (e, &rq, &three_threads, NULL) == SKC_OK);
      CHECK_MSG (memcmp (expected.data, out.data, sizeof (float) * w * h * C)
                     == 0,
                 "straight kind %zu (C %d, alpha %d, gain %g) differs", k, C,
                 alpha, kinds[k].gain);
      on_demand d = { .fail_after = -1, .straight = 1 };
      CHECK (apply_on_demand (e, &straight, alpha, NULL, 0, 0, w, h,
                              &three_threads, &d, &io_out)
             == SKC_OK);
      free (d.writes);
      CHECK_MSG (memcmp (expected.data, io_out.data, sizeof (float) * w * h * C)
                     == 0,
                 "straight kind %zu on demand differs", k);
      if (alpha >= 0)
        {
          skc_image_free (&again);
          skc_image_free (&expected);
        }
      skc_image_free (&pre);
      skc_image_free (&straight);
      skc_image_free (&blurred);
      skc_image_free (&out);
      skc_image_free (&io_out);
      skc_engine_free (e);
    }
}

/* Tiny images and regions on demand: reads stay in the input rectangle,
 * each output pixel is written once, the bits are the views', and a
 * single pixel blurs to itself. */
static void
test_on_demand_tiny (void)
{
  static const int sizes[][2] = { { 1, 1 }, { 1, 9 }, { 11, 1 }, { 2, 3 } };
  /* Knots, FFT cells, knots tables, coarse scales, cat-eye's scatter,
     swirl. */
  static const struct
  {
    const char *spec;
    double radius, cat_eye, swirl;
    int with_map;
  } engines[]
      = { { "shape:heart", 7, 0, 0, 0 },   { "shape:disc", 60, 0, 0, 0 },
          { "shape:heart", 7, 0, 0, 1 },   { "shape:disc", 250, 0, 0, 1 },
          { "shape:disc", 12, 0.8, 0, 1 }, { "shape:disc", 12, 0.5, 0, 0 },
          { "shape:heart", 9, 0, 0.5, 0 } };
  for (size_t k = 0; k < sizeof engines / sizeof *engines; k++)
    for (size_t s = 0; s < sizeof sizes / sizeof *sizes; s++)
      {
        const int w = sizes[s][0], h = sizes[s][1], C = 4, alpha = 3;
        const int with_map = engines[k].with_map;
        skc_params p;
        skc_params_init (&p);
        skc_shape_parse (engines[k].spec, &p.shape, NULL);
        p.radius = engines[k].radius;
        p.cat_eye = engines[k].cat_eye;
        p.swirl = engines[k].swirl;
        p.cache = cache;
        skc_engine *e = NULL;
        CHECK (skc_engine_new (&p, with_map, &three_threads, &e, NULL)
               == SKC_OK);
        if (!CHECK (e))
          continue;
        skc_image in = random_image (w, h, C, alpha, 31 + s);
        skc_image map = tilt_shift_map (w, h);
        skc_image views = { 0 }, io_out = { 0 };
        CHECK (
            skc_apply_image (e, &in, alpha, &map, &three_threads, &views, NULL)
            == SKC_OK);
        on_demand d = { .fail_after = -1 };
        CHECK (apply_on_demand (e, &in, alpha, &map, 0, 0, w, h, &three_threads,
                                &d, &io_out)
               == SKC_OK);
        CHECK_MSG (on_demand_written_once (&d),
                   "%dx%d (engine %zu): a stray read or write", w, h, k);
        CHECK_MSG (memcmp (views.data, io_out.data, sizeof (float) * w * h * C)
                       == 0,
                   "%dx%d (engine %zu): on demand differs from views", w, h, k);
        if (w == 1 && h == 1)
          for (int c = 0; c < C; c++)
            CHECK_MSG (fabsf (views.data[c] - in.data[c]) < 1e-5f,
                       "1x1 (engine %zu): channel %d %g, not %g", k, c,
                       views.data[c], in.data[c]);
        skc_image_free (&in);
        skc_image_free (&map);
        skc_image_free (&views);
        skc_image_free (&io_out);
        skc_engine_free (e);
      }
}

/* Progress from every kind of engine, in memory too: called, never
 * backwards, ending at 1. */
static void
test_progress_in_memory (void)
{
  const int w = 90, h = 70, C = 4, alpha = 3;
  skc_image in = random_image (w, h, C, alpha, 41), map = tilt_shift_map (w, h);
  for (int depth = SKC_DEPTH_NONE; depth <= SKC_DEPTH_SUBJECT; depth++)
    {
      skc_params p;
      skc_params_init (&p);
      skc_shape_parse ("shape:disc", &p.shape, NULL);
      p.radius = 4;
      p.cache = cache;
      p.depth = depth;
      skc_engine *e = NULL;
      if (!CHECK (skc_engine_new (&p, 1, &three_threads, &e, NULL) == SKC_OK))
        continue;
      skc_image out = { 0 };
      CHECK (skc_image_alloc (&out, w, h, C) == SKC_OK);
      on_demand d = { .fail_after = -1 };
      skc_run run = three_threads;
      run.progress = on_demand_progress;
      run.progress_data = &d;
      skc_apply_request rq = {
        .image_width = w,
        .image_height = h,
        .channels = C,
        .alpha = alpha,
        .input = { in.data, in.stride, 0, 0, w, h },
        .map = { map.data, map.stride, 0, 0, w, h },
        .output = { out.data, out.stride, 0, 0, w, h },
      };
      CHECK (skc_engine_process (e, &rq, &run, NULL) == SKC_OK);
      CHECK_MSG (d.progress_calls > 0 && !d.progress_backwards
                     && d.last_progress == 1.0,
                 "depth %d in memory: progress %d calls, last %g", depth,
                 d.progress_calls, d.last_progress);
      skc_image_free (&out);
      skc_engine_free (e);
    }
  skc_image_free (&in);
  skc_image_free (&map);
}

static void
test_identity_across_cuts (int with_map, double radius, double swirl)
{
  test_identity_across_cuts_of ("shape:heart", 300, 270, with_map, radius,
                                swirl);
}

/* Exact kernels by FFT: the planner's pick for coma at R = 24 (not flat,
 * and a 4x24 complex costs more); the impulse response is the target,
 * apply is the dense convolution, and cells make regions and thread
 * counts give identical bits. */
static void
test_fft (void)
{
  skc_engine *e = make_engine ("shape:coma", 24, 0, 2);
  if (!e)
    return;
  CHECK_MSG (strstr (skc_engine_describe (e), "uniform: FFT"), "coma R=24: %s",
             skc_engine_describe (e));
  skc_image k = { 0 }, target = { 0 };
  skc_shape shape;
  skc_shape_parse ("shape:coma", &shape, NULL);
  skc_shape_render (&shape, 24, 0, &target, NULL);
  if (CHECK (skc_engine_kernel (e, 24, &k) == SKC_OK))
    CHECK_MSG (skc_kernel_error (&k, &target) < 1e-5, "FFT kernel error %g",
               skc_kernel_error (&k, &target));
  /* Larger than a cell, so that cell edges are crossed. */
  skc_image in = random_image (1000, 600, 3, -1, 5), out = { 0 };
  if (CHECK (skc_apply_image (e, &in, -1, NULL, NULL, &out, NULL) == SKC_OK))
    {
      double worst = 0;
      for (int y = 0; y < in.height; y += 13)
        for (int x = 0; x < in.width; x += 7)
          for (int c = 0; c < 3; c++)
            worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[c]
                                       - dense_at (&target, &in, x, y, c)));
      CHECK_MSG (worst < 1e-5, "FFT engine vs dense: %g", worst);
    }
  /* Values near FLT_MAX (junk, or a sun in linear light) must not
     overflow a cell's transform (eight of them sum past FLT_MAX): the
     blur stays finite and right, relative to the largest value. */
  for (int i = 0; i < 8; i++)
    in.data[(size_t) ((300 + i) * 1000 + 500) * 3] = 1e38f;
  skc_image_free (&out);
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse ("shape:coma", &p.shape, NULL);
  p.radius = 24;
  p.clip = 0;
  p.cache = cache;
  skc_engine *unclipped = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &unclipped, NULL) == SKC_OK);
  if (unclipped
      && CHECK (skc_apply_image (unclipped, &in, -1, NULL, NULL, &out, NULL)
                == SKC_OK))
    {
      double worst = 0;
      int finite = 1;
      for (size_t i = 0; i < (size_t) 1000 * 600 * 3; i++)
        finite &= isfinite (out.data[i]) != 0;
      for (int y = 290; y < 312; y += 3)
        for (int x = 490; x < 512; x += 3)
          worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[0]
                                     - dense_at (&target, &in, x, y, 0)));
      CHECK (finite);
      CHECK_MSG (worst < 1e-5 * 1e38, "FFT with 1e38 pixels: off by %g", worst);
    }
  skc_engine_free (unclipped);
  skc_image_free (&k);
  skc_image_free (&target);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_engine_free (e);
  test_identity_across_cuts_of ("shape:coma", 1000, 600, 0, 24, 0);
}

static void
test_alpha_nan_tiny (void)
{
  skc_engine *e = make_engine ("shape:disc", 4, 0, 2);
  if (!e)
    return;
  /* Opaque red beside transparent: premultiplied blur keeps pure red. */
  skc_image in = { 0 }, out = { 0 };
  skc_image_alloc (&in, 20, 10, 4);
  for (int y = 0; y < 10; y++)
    for (int x = 0; x < 10; x++)
      {
        float *p = skc_image_pixel (&in, x, y);
        p[0] = 1, p[3] = 1;
      }
  CHECK (skc_apply_image (e, &in, 3, NULL, NULL, &out, NULL) == SKC_OK);
  int fringe_ok = 1, partial = 0;
  for (int x = 5; x < 15; x++)
    {
      const float *p = skc_image_pixel (&out, x, 5);
      if (p[3] > 0.01f && p[3] < 0.99f)
        {
          partial++;
          fringe_ok &= fabsf (p[0] / p[3] - 1) < 1e-4f && p[1] == 0 && p[2] == 0
                       && p[0] <= p[3];
        }
    }
  CHECK (partial >= 3 && fringe_ok);
  skc_image_free (&out);

  /* NaN and infinity: treated as transparent black, nothing spreads. */
  skc_image grey = { 0 };
  skc_image_alloc (&grey, 16, 16, 1);
  for (int i = 0; i < 256; i++)
    grey.data[i] = 0.5f;
  grey.data[5 * 16 + 5] = NAN;
  grey.data[10 * 16 + 9] = INFINITY;
  grey.data[12 * 16 + 2] = -INFINITY;
  CHECK (skc_apply_image (e, &grey, -1, NULL, NULL, &out, NULL) == SKC_OK);
  int all_finite = 1;
  for (int i = 0; i < 256; i++)
    all_finite &= isfinite (out.data[i]) && out.data[i] >= 0.4f
                  && out.data[i] <= 0.5f + 1e-5f;
  CHECK (all_finite);
  CHECK (out.data[5 * 16 + 5] < 0.5f);
  skc_image_free (&out);
  skc_image_free (&grey);

  /* A 1x1 image and a kernel larger than the image. */
  skc_image one = { 0 };
  skc_image_alloc (&one, 1, 1, 3);
  one.data[0] = 0.25f, one.data[1] = 0.5f, one.data[2] = 0.75f;
  CHECK (skc_apply_image (e, &one, -1, NULL, NULL, &out, NULL) == SKC_OK);
  CHECK_NEAR (out.data[0], 0.25, 1e-6);
  CHECK_NEAR (out.data[2], 0.75, 1e-6);
  skc_image_free (&out);
  skc_image_free (&one);
  skc_image small = random_image (5, 3, 1, -1, 9), k = { 0 };
  CHECK (skc_apply_image (e, &small, -1, NULL, NULL, &out, NULL) == SKC_OK);
  skc_engine_kernel (e, 4, &k);
  double worst = 0;
  for (int y = 0; y < 3; y++)
    for (int x = 0; x < 5; x++)
      worst = fmax (worst, fabs (*skc_image_pixel (&out, x, y)
                                 - dense_at (&k, &small, x, y, 0)));
  CHECK (worst < 1e-5);
  skc_image_free (&k);
  skc_image_free (&small);
  skc_image_free (&out);
  skc_image_free (&in);
  skc_engine_free (e);
}

/* The largest radius, uniform and with a map, on an image far smaller
 * than the kernel: it runs (on the pyramid), and every result is a convex
 * combination of input values (the kernels are non-negative and sum to
 * 1), hence within their range; on a 1x1 image it is the pixel. */
static void
test_radius_1000 (void)
{
  for (int with_map = 0; with_map <= 1; with_map++)
    {
      skc_engine *e = make_engine ("shape:heart", 1000, with_map, 2);
      if (!e)
        continue;
      skc_image in = random_image (61, 37, 3, -1, 21), out = { 0 };
      skc_image map = tilt_shift_map (61, 37);
      float lo = 1, hi = 0;
      for (size_t i = 0; i < (size_t) 61 * 37 * 3; i++)
        {
          lo = fminf (lo, in.data[i]);
          hi = fmaxf (hi, in.data[i]);
        }
      if (CHECK (skc_apply_image (e, &in, -1, with_map ? &map : NULL, NULL,
                                  &out, NULL)
                 == SKC_OK))
        {
          int inside = 1;
          for (size_t i = 0; i < (size_t) 61 * 37 * 3; i++)
            inside &= out.data[i] >= lo - 1e-5f && out.data[i] <= hi + 1e-5f;
          CHECK_MSG (inside,
                     "R=1000 (map %d): results outside the input's "
                     "range",
                     with_map);
        }
      skc_image_free (&out);
      skc_image one = { 0 }, one_map = { 0 };
      skc_image_alloc (&one, 1, 1, 3);
      skc_image_alloc (&one_map, 1, 1, 1);
      one.data[0] = 0.2f, one.data[1] = 0.4f, one.data[2] = 0.6f;
      one_map.data[0] = 1;
      if (CHECK (skc_apply_image (e, &one, -1, with_map ? &one_map : NULL, NULL,
                                  &out, NULL)
                 == SKC_OK))
        CHECK_NEAR (out.data[1], 0.4, 1e-5);
      skc_image_free (&out);
      skc_image_free (&one);
      skc_image_free (&one_map);
      skc_image_free (&map);
      skc_image_free (&in);
      skc_engine_free (e);
    }
}

static void
test_highlights_and_map_semantics (void)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = 4;
  p.cache = cache;
  skc_image in = random_image (24, 24, 3, -1, 11), a = { 0 }, b = { 0 };
  skc_engine *plain = NULL, *off = NULL, *on = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &plain, NULL) == SKC_OK);
  p.highlight_threshold = 0.5; /* gain 1: still off */
  CHECK (skc_engine_new (&p, 0, NULL, &off, NULL) == SKC_OK);
  p.highlight_gain = 10;
  p.clip = 0;
  CHECK (skc_engine_new (&p, 0, NULL, &on, NULL) == SKC_OK);
  skc_apply_image (plain, &in, -1, NULL, NULL, &a, NULL);
  skc_apply_image (off, &in, -1, NULL, NULL, &b, NULL);
  CHECK (memcmp (a.data, b.data, sizeof (float) * 24 * 24 * 3) == 0);
  skc_image_free (&b);
  skc_apply_image (on, &in, -1, NULL, NULL, &b, NULL);
  double sa = 0, sb = 0;
  for (int i = 0; i < 24 * 24 * 3; i++)
    sa += a.data[i], sb += b.data[i];
  CHECK (sb > 1.5 * sa);
  skc_image_free (&a);
  skc_image_free (&b);
  skc_engine_free (plain);
  skc_engine_free (off);
  skc_engine_free (on);

  /* Map value == focus: radius 0, the image comes back; inverted white is
     black. */
  skc_image map = { 0 };
  skc_image_alloc (&map, 24, 24, 1);
  for (int i = 0; i < 24 * 24; i++)
    map.data[i] = 0.3f;
  skc_params_init (&p);
  p.radius = 6;
  p.cache = cache;
  p.focus = 0.3;
  skc_engine *e = NULL;
  CHECK (skc_engine_new (&p, 1, NULL, &e, NULL) == SKC_OK);
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &a, NULL) == SKC_OK);
  double worst = 0;
  for (int i = 0; i < 24 * 24 * 3; i++)
    worst = fmax (worst, fabs (a.data[i] - in.data[i]));
  CHECK_MSG (worst < 1e-5, "in-focus pixels changed by %g", worst);
  skc_image_free (&a);
  /* A map of the wrong size, or none, is refused. */
  skc_image wrong = { 0 };
  skc_image_alloc (&wrong, 23, 24, 1);
  skc_error err;
  CHECK (skc_apply_image (e, &in, -1, &wrong, NULL, &a, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (skc_apply_image (e, &in, -1, NULL, NULL, &a, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  skc_engine_free (e);
  skc_image_free (&wrong);
  skc_image_free (&map);
  skc_image_free (&in);

  /* Bad parameters. */
  skc_params_init (&p);
  p.radius = NAN;
  CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_ERR_INVALID_ARGUMENT);
  p.radius = 5000;
  CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_ERR_INVALID_ARGUMENT);
  p.radius = 5;
  p.map_gamma = 0;
  CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_ERR_INVALID_ARGUMENT);
}

/* A focus pick: skc_params_map_shaped gives a map value as the engine
 * compares it with the focus (clamped, inverted, raised to the gamma), and
 * that value as the focus makes the point sharp, with every depth order
 * that has a focus. */
static void
test_focus_pick (void)
{
  static const struct
  {
    float value;
    int invert;
    double gamma, shaped;
  } cases[] = {
    { 0.25f, 0, 1, 0.25 },  { 0.25f, 1, 1, 0.75 },  { 0.25f, 1, 2, 0.5625 },
    { 0.25f, 0, 0.5, 0.5 }, { 0.64f, 1, 0.5, 0.6 }, { -0.5f, 0, 3, 0 },
    { -0.5f, 1, 3, 1 },     { 1.5f, 0, 0.1, 1 },    { NAN, 1, 2, 1 },
  };
  skc_params p;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      skc_params_init (&p);
      p.invert_map = cases[i].invert;
      p.map_gamma = cases[i].gamma;
      double shaped = skc_params_map_shaped (&p, cases[i].value);
      CHECK_MSG (fabs (shaped - cases[i].shaped) < 1e-6,
                 "map %g, invert %d, gamma %g: shaped %g, not %g",
                 cases[i].value, cases[i].invert, cases[i].gamma, shaped,
                 cases[i].shaped);
    }

  /* The picked value as the focus: radius 0 there, and the image comes
     back unchanged where the map holds it; a value beside it blurs. */
  skc_image in = random_image (24, 24, 3, -1, 5), map = { 0 }, out = { 0 };
  skc_image_alloc (&map, 24, 24, 1);
  const float picked = 0.36f;
  for (int i = 0; i < 24 * 24; i++)
    map.data[i] = picked;
  for (int depth = SKC_DEPTH_NONE; depth < SKC_DEPTH_SUBJECT; depth++)
    for (int invert = 0; invert < 2; invert++)
      {
        skc_params_init (&p);
        p.radius = 6;
        p.cache = cache;
        p.depth = (skc_depth_order) depth;
        p.invert_map = invert;
        p.map_gamma = 2.2;
        p.focus = skc_params_map_shaped (&p, picked);
        skc_engine *e = NULL;
        if (!CHECK (skc_engine_new (&p, 1, NULL, &e, NULL) == SKC_OK))
          continue;
        CHECK_MSG (skc_engine_map_radius (e, picked) == 0,
                   "depth %d, invert %d: radius %g at the picked value", depth,
                   invert, skc_engine_map_radius (e, picked));
        CHECK_MSG (skc_engine_map_radius (e, picked + 0.2f) > 1,
                   "depth %d, invert %d: radius %g beside the picked value",
                   depth, invert, skc_engine_map_radius (e, picked + 0.2f));
        double worst = 0;
        if (CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL)
                   == SKC_OK))
          for (int i = 0; i < 24 * 24 * 3; i++)
            worst = fmax (worst, fabs (out.data[i] - in.data[i]));
        CHECK_MSG (worst < 1e-5,
                   "depth %d, invert %d: the picked depth changed by %g", depth,
                   invert, worst);
        skc_image_free (&out);
        skc_engine_free (e);
      }
  skc_image_free (&map);
  skc_image_free (&in);
}

/* Central second moments (x, y) of a response around (cx, cy) within
 * radius h, and how far its centroid is from (cx, cy). */
static void
moments (const skc_image *img, int cx, int cy, int h, double *mxx, double *myy,
         double *drift)
{
  double sum = 0, mx = 0, my = 0, sx = 0, sy = 0;
  for (int dy = -h; dy <= h; dy++)
    for (int dx = -h; dx <= h; dx++)
      {
        double v = *skc_image_pixel (img, cx + dx, cy + dy);
        sum += v, mx += v * dx, my += v * dy;
        sx += v * dx * dx, sy += v * dy * dy;
      }
  mx /= sum, my /= sum;
  *mxx = sx / sum - mx * mx;
  *myy = sy / sum - my * my;
  *drift = hypot (mx, my);
}

/* Cat-eye: round at the centre, squeezed toward the centre (a cat's eye
 * standing upright) at the right edge. */
static void
test_cat_eye (void)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = 6;
  p.cache = cache;
  p.cat_eye = 1;
  p.clip = 0;
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_OK))
    {
      fprintf (stderr, "     %s\n", err.message);
      return;
    }
  int w = 401, h = 41;
  skc_image impulse = { 0 }, out = { 0 };
  skc_image_alloc (&impulse, w, h, 1);
  *skc_image_pixel (&impulse, 200, 20) = 1; /* the centre */
  *skc_image_pixel (&impulse, 385, 20) = 1; /* near the right edge */
  CHECK (skc_apply_image (e, &impulse, -1, NULL, NULL, &out, NULL) == SKC_OK);
  double cxx, cyy, rxx, ryy, cdrift, rdrift;
  moments (&out, 200, 20, 10, &cxx, &cyy, &cdrift);
  moments (&out, 385, 20, 10, &rxx, &ryy, &rdrift);
  CHECK_MSG (cdrift < 0.1 && rdrift < 0.3,
             "drift %g at the centre, %g at "
             "the edge",
             cdrift, rdrift);
  CHECK_MSG (fabs (cxx - cyy) < 0.05 * cyy, "centre not round: %g vs %g", cxx,
             cyy);
  CHECK_MSG (rxx < 0.6 * ryy, "edge not a cat's eye: x %g, y %g", rxx, ryy);
  CHECK_MSG (ryy > 0.4 * cyy, "edge lost its height: %g vs %g", ryy, cyy);
  skc_image_free (&out);
  skc_image_free (&impulse);
  skc_engine_free (e);
  p.cat_eye = 2;
  CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_ERR_INVALID_ARGUMENT);
}

/* The planner: the cheapest representation whose kernel reaches the
 * quality's floor, at full resolution. */
static void
test_planner (void)
{
  /* Flat kernels (a few value changes per line) run as knots, the fewest
     that reach normal quality's floor (test_knots.c checks more). */
  skc_engine *small = make_engine ("shape:heart", 3, 0, 2);
  skc_engine *large = make_engine ("shape:disc", 24, 0, 2);
  if (small)
    CHECK_MSG (strstr (skc_engine_describe (small), "uniform: knots")
                   && small->kernel_snr_db
                          >= skc_quality_floor_db (SKC_QUALITY_NORMAL, 0),
               "R=3: %s", skc_engine_describe (small));
  if (large)
    CHECK_MSG (strstr (skc_engine_describe (large), "uniform: knots"),
               "R=24: %s", skc_engine_describe (large));
  /* Coma at R = 40 is not flat (its discs change value many times per
     line): knots would cost more than the exact FFT, which wins at full
     resolution; the plan says what it weighed. */
  skc_engine *coma = make_engine ("shape:coma", 40, 0, 2);
  if (coma)
    CHECK_MSG (strstr (skc_engine_describe (coma), "uniform: FFT")
                   && strstr (skc_engine_describe (coma), "weighed FFT"),
               "coma R=40: %s", skc_engine_describe (coma));
  skc_engine_free (coma);
  /* A Gaussian is separable: rank 1 is exact and cheapest. */
  skc_engine *gauss = make_engine ("shape:gaussian", 15, 0, 2);
  if (gauss)
    CHECK_MSG (strstr (skc_engine_describe (gauss), "separable rank 1"),
               "Gaussian: %s", skc_engine_describe (gauss));
  skc_image gk = { 0 }, gt = { 0 };
  skc_shape gs;
  skc_shape_parse ("shape:gaussian", &gs, NULL);
  skc_shape_render (&gs, 15, 0, &gt, NULL);
  if (gauss && skc_engine_kernel (gauss, 15, &gk) == SKC_OK)
    CHECK_MSG (skc_kernel_error (&gk, &gt) < 1e-4, "Gaussian kernel error %g",
               skc_kernel_error (&gk, &gt));
  skc_image_free (&gk);
  skc_image_free (&gt);
  skc_engine_free (gauss);
  /* Whatever it picks, the result is still the dense convolution with the
     engine's own kernel. */
  skc_image k = { 0 }, in = random_image (70, 60, 2, -1, 3), out = { 0 };
  if (large && skc_engine_kernel (large, 24, &k) == SKC_OK
      && skc_apply_image (large, &in, -1, NULL, NULL, &out, NULL) == SKC_OK)
    {
      double worst = 0;
      for (int y = 0; y < 60; y += 7)
        for (int x = 0; x < 70; x += 5)
          worst = fmax (worst, fabs (skc_image_pixel (&out, x, y)[1]
                                     - dense_at (&k, &in, x, y, 1)));
      CHECK_MSG (worst < 1e-5, "whole-pixel engine vs dense: %g", worst);
    }
  skc_image_free (&k);
  skc_image_free (&in);
  skc_image_free (&out);
  skc_engine_free (small);
  skc_engine_free (large);
}

/* Swirl turns each pixel's kernel: right of the centre, swirl 1 turns it
 * by 90 degrees (exact on a pixel grid); at the centre not at all. */
static void
test_swirl (void)
{
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse ("shape:heart", &p.shape, NULL);
  p.radius = 6;
  p.cache = cache;
  p.clip = 0;
  skc_engine *plain = NULL, *swirl = NULL, *none = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &plain, NULL) == SKC_OK);
  p.swirl = 1;
  CHECK (skc_engine_new (&p, 0, NULL, &swirl, NULL) == SKC_OK);
  if (!plain || !swirl)
    return;
  /* Swirl on a drawn shape runs knots per angle, each reaching the
     quality's floor for turned kernels: the kernel it turns is the shape
     as drawn. */
  CHECK (swirl->scales[swirl->first_scale].kind == SKC_SCALE_KNOTS_ANGLES);
  skc_image k = { 0 };
  skc_shape_render (&p.shape, 6, 0, &k, NULL);
  /* Far right of the centre (so that the whole footprint shares one angle
     step): the impulse response is k turned by 90 degrees clockwise on
     screen, (dx, dy) -> (-dy, dx). */
  int h = k.width / 2, w = 4001, n = 81, c = n / 2, px = 3900;
  skc_image impulse = { 0 }, out = { 0 };
  skc_image_alloc (&impulse, w, n, 1);
  *skc_image_pixel (&impulse, px, c) = 1;
  CHECK (skc_apply_image (swirl, &impulse, -1, NULL, NULL, &out, NULL)
         == SKC_OK);
  double error = 0, norm = 0, turned_mass = 0;
  for (int dy = -h; dy <= h; dy++)
    for (int dx = -h; dx <= h; dx++)
      {
        float expected = *skc_image_pixel (&k, dx + h, dy + h);
        float got = *skc_image_pixel (&out, px - dy, c + dx);
        error += (expected - got) * (double) (expected - got);
        norm += expected * (double) expected;
        turned_mass += got;
      }
  double snr = -10 * log10 (error / norm);
  CHECK_MSG (snr >= skc_quality_floor_db (SKC_QUALITY_NORMAL, 1),
             "swirl 1 at 3 o'clock: %.1f dB from the turned kernel", snr);
  CHECK_NEAR (turned_mass, 1, 1e-4);
  /* The heart is not symmetric under that turn: the test can tell. */
  double asym = 0;
  for (int dy = -h; dy <= h; dy++)
    for (int dx = -h; dx <= h; dx++)
      asym = fmax (asym, fabs (*skc_image_pixel (&k, dx + h, dy + h)
                               - *skc_image_pixel (&k, -dy + h, dx + h)));
  CHECK (asym > 1e-3);
  skc_image_free (&out);

  /* Swirl 0 is bit-identical to no swirl. */
  p.swirl = 0;
  CHECK (skc_engine_new (&p, 0, NULL, &none, NULL) == SKC_OK);
  skc_image in = random_image (50, 40, 3, -1, 21), a = { 0 }, b = { 0 };
  skc_apply_image (plain, &in, -1, NULL, NULL, &a, NULL);
  skc_apply_image (none, &in, -1, NULL, NULL, &b, NULL);
  CHECK (memcmp (a.data, b.data, sizeof (float) * 50 * 40 * 3) == 0);
  p.swirl = 1.5;
  skc_error err;
  skc_engine *bad = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &bad, &err) == SKC_ERR_INVALID_ARGUMENT);
  skc_image_free (&a);
  skc_image_free (&b);
  skc_image_free (&in);
  skc_image_free (&impulse);
  skc_image_free (&k);
  skc_engine_free (plain);
  skc_engine_free (swirl);
  skc_engine_free (none);
}

/* A point blurred alone, in a whole image, through skc_apply_image. */
static skc_image
point_blurred (skc_engine *e, int w, int h, int x, int y, double map_value)
{
  skc_image in = { 0 }, map = { 0 }, out = { 0 };
  skc_image_alloc (&in, w, h, 1);
  skc_image_alloc (&map, w, h, 1);
  *skc_image_pixel (&in, x, y) = 1;
  for (int i = 0; i < w * h; i++)
    map.data[i] = (float) map_value;
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL) == SKC_OK);
  skc_image_free (&in);
  skc_image_free (&map);
  return out;
}

/* skc_engine_kernel_at is the response of one point exactly as applied
 * there: equal, bit for bit, to the window of a whole image holding only
 * that point; it matches skc_engine_kernel for a uniform blur and varies
 * with the position where the engine does (swirl). */
static void
test_kernel_at (void)
{
  int w = 160, h = 120;
  skc_image k = { 0 }, at = { 0 };
  skc_error err;
  skc_engine *uniform = make_engine ("shape:heart", 6, 0, 2);
  if (uniform && CHECK (skc_engine_kernel (uniform, 6, &k) == SKC_OK)
      && CHECK (skc_engine_kernel_at (uniform, w, h, 80, 60, 0, &at, &err)
                == SKC_OK))
    CHECK_MSG (
        k.width == at.width && k.height == at.height
            && memcmp (k.data, at.data, sizeof (float) * k.width * k.height)
                   == 0,
        "uniform: kernel_at differs from kernel (%dx%d, %dx%d)", k.width,
        k.height, at.width, at.height);
  skc_image_free (&k);
  skc_image_free (&at);
  CHECK (skc_engine_kernel_at (uniform, w, h, w, 0, 0, &at, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  skc_engine_free (uniform);

  /* A blur map with swirl, at a point near a corner (its window clipped
     by the image) and one inside. */
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse ("shape:star:points=5", &p.shape, NULL);
  p.radius = 10;
  p.swirl = 0.6;
  p.cache = cache;
  skc_engine *swirled = NULL;
  CHECK (skc_engine_new (&p, 1, NULL, &swirled, NULL) == SKC_OK);
  const int points[][2] = { { 3, 4 }, { 120, 30 } };
  skc_image first = { 0 };
  for (int i = 0; swirled && i < 2; i++)
    {
      int x = points[i][0], y = points[i][1];
      skc_image whole = point_blurred (swirled, w, h, x, y, 0.8);
      if (!CHECK (skc_engine_kernel_at (swirled, w, h, x, y, 0.8, &at, &err)
                  == SKC_OK))
        continue;
      int half = at.width / 2, differ = 0;
      double sum = 0;
      for (int v = 0; v < at.height; v++)
        for (int u = 0; u < at.width; u++)
          {
            int ix = x - half + u, iy = y - half + v;
            float want = ix >= 0 && iy >= 0 && ix < w && iy < h
                             ? *skc_image_pixel (&whole, ix, iy)
                             : 0;
            differ += *skc_image_pixel (&at, u, v) != want;
            sum += *skc_image_pixel (&at, u, v);
          }
      CHECK_MSG (differ == 0,
                 "swirl map: kernel_at at (%d, %d) differs from "
                 "the blurred point in %d pixels",
                 x, y, differ);
      CHECK_MSG (sum > 0, "swirl map: an empty kernel at (%d, %d)", x, y);
      if (i == 0)
        first = at, at = (skc_image){ 0 };
      else
        CHECK_MSG (
            memcmp (first.data, at.data, sizeof (float) * at.width * at.height)
                != 0,
            "swirl: the kernel does not change with the position");
      skc_image_free (&whole);
      skc_image_free (&at);
    }
  skc_image_free (&first);
  skc_engine_free (swirled);
}

/* Blur maps on radius levels (a Gaussian at R 24, high: knots tables
 * would take nearly every pixel as a knot).  A point under a constant map
 * comes out as the kernel the engine states (its two levels' blend), within
 * high's floor of the target at its own radius; a textured image under a
 * ramp is the dense gather with each pixel's own target, within the floor;
 * thread counts and region cuts give identical bits. */
static void
test_levels (void)
{
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse ("shape:gaussian", &p.shape, NULL);
  p.radius = 24;
  p.quality = SKC_QUALITY_HIGH;
  p.clip = 0;
  p.cache = cache;
  skc_engine *e = NULL;
  CHECK (skc_engine_new (&p, 1, &three_threads, &e, NULL) == SKC_OK);
  if (!e)
    return;
  CHECK_MSG (strcmp (skc_engine_method (e), "radius levels") == 0,
             "Gaussian map R 24 high runs on %s", skc_engine_method (e));
  CHECK (skc_engine_kernel_snr (e) >= 40);

  const int side = 61, mid = side / 2;
  const float values[] = { 0.013f, 0.31f, 0.5f, 0.777f, 1.0f };
  for (size_t i = 0; i < sizeof values / sizeof *values; i++)
    {
      skc_image point = { 0 }, map = { 0 }, out = { 0 }, k = { 0 }, t = { 0 };
      skc_image_alloc (&point, side, side, 1);
      skc_image_alloc (&map, side, side, 1);
      *skc_image_pixel (&point, mid, mid) = 1;
      for (int j = 0; j < side * side; j++)
        map.data[j] = values[i];
      CHECK (skc_apply_image (e, &point, -1, &map, NULL, &out, NULL) == SKC_OK);
      CHECK (skc_engine_kernel_at (e, side, side, mid, mid, values[i], &k, NULL)
             == SKC_OK);
      double r = skc_engine_map_radius (e, values[i]);
      CHECK (skc_target_or_point (&p, r, &t) == SKC_OK);
      /* The response around the point (kernel_at's window, centred). */
      double worst = out.data && k.data
                         ? response_vs_kernel (&out, mid, mid, &k)
                         : INFINITY;
      CHECK_MSG (worst < 1e-7, "levels: applied point vs kernel_at %g", worst);
      double snr = skc_kernel_snr_db (skc_kernel_error (&k, &t));
      CHECK_MSG (snr >= 40, "levels: map value %g (R %.2f): %.1f dB < 40",
                 values[i], r, snr);
      skc_image_free (&point);
      skc_image_free (&map);
      skc_image_free (&out);
      skc_image_free (&k);
      skc_image_free (&t);
    }

  /* Noise under a ramp: the error's energy against the result's is the
     kernel SNR for white noise. */
  const int w = 96, h = 40;
  skc_image in = random_image (w, h, 1, -1, 11), map = { 0 }, out = { 0 };
  skc_image_alloc (&map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      *skc_image_pixel (&map, x, y) = (float) x / (w - 1);
  for (int j = 0; j < w * h; j++)
    in.data[j] -= 0.5f;
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &out, NULL) == SKC_OK);
  double err2 = 0, sig2 = 0;
  for (int x = 0; out.data && x < w; x++)
    {
      skc_image t = { 0 };
      double r = skc_engine_map_radius (e, *skc_image_pixel (&map, x, 0));
      CHECK (skc_target_or_point (&p, r, &t) == SKC_OK);
      for (int y = 0; t.data && y < h; y++)
        {
          double want = dense_at (&t, &in, x, y, 0);
          double d = *skc_image_pixel (&out, x, y) - want;
          err2 += d * d;
          sig2 += want * want;
        }
      skc_image_free (&t);
    }
  double snr = 10 * log10 (sig2 / err2);
  CHECK_MSG (snr >= 40, "levels: ramp vs dense gather %.1f dB < 40", snr);
  printf ("radius levels, Gaussian R 24 high: ramp vs dense gather %.1f dB\n",
          snr);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&out);
  skc_engine_free (e);
  /* Normal quality at R 45 takes levels too (tables would need 26 knots a
     line); the tilt-shift map crosses many. */
  test_identity_across_cuts_of ("shape:gaussian", 300, 270, 1, 45, 0);
}

int
main (void)
{
  cache = skc_cache_new (NULL, 64);
  test_uniform_matches_dense ();
  test_kernel_at ();
  test_focus_pick ();
  test_varying_matches_naive ("shape:star", 5, 2);
  test_varying_matches_naive ("shape:disc", 3, 3);
  test_identity_across_cuts (0, 9, 0);
  test_identity_across_cuts (1, 9, 0);
  /* Pyramid scales: 2x2 blocks for the uniform blur, two scales for the
     map; swirl centres come from the whole image, never the region. */
  test_identity_across_cuts (0, 45, 0);
  test_identity_across_cuts (1, 45, 0.7);
  test_identity_across_cuts (0, 9, 0.3);
  /* Knots per angle: around the centre (swirl above 1/2 blends the plain
     kernel in) and with blocks of running sums cut by the regions. */
  test_identity_across_cuts (0, 9, 0.8);
  test_identity_across_cuts (0, 24, 0.5);
  test_identity_across_cuts (-1, 12, 0);  /* map and cat-eye */
  test_identity_across_cuts (-2, 8, 0);   /* uniform cat-eye */
  test_identity_across_cuts (-3, 8, 0);   /* the same, codes blended */
  test_identity_across_cuts (-4, 9, 0.8); /* swirl, angle steps blended */
  /* A Gaussian's cat-eye codes are ramps (second differences summed
     twice; test_lens_light checks the choice): nearest and blended. */
  test_identity_across_cuts_of ("shape:gaussian", 300, 270, -2, 24, 0);
  test_identity_across_cuts_of ("shape:gaussian", 300, 270, -3, 24, 0);
  test_on_demand_views_and_errors ();
  test_straight_kinds ();
  test_on_demand_tiny ();
  test_progress_in_memory ();
  /* A flat shape's map above the tables' limit: tables on scale 0, the
     basis on the others. */
  test_identity_across_cuts (1, 100, 0);
  test_levels ();
  test_swirl ();
  test_planner ();
  test_fft ();
  test_radius_1000 ();
  test_cat_eye ();
  test_alpha_nan_tiny ();
  test_highlights_and_map_semantics ();

  const char *dir = getenv ("SKC_DATA_DIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/photos/tests-128.ppm", dir ? dir : "data");
  skc_image photo = { 0 };
  if (CHECK (skc_pnm_read (path, &photo, NULL) == SKC_OK))
    {
      double psnr = tilt_shift_psnr ("shape:disc", 8, 0, &photo);
      CHECK_MSG (psnr >= 35, "tilt-shift disc R=8: %.2f dB < 35 dB", psnr);
      printf ("tilt-shift disc R_max=8 against dense truth: %.2f dB\n", psnr);
      psnr = tilt_shift_psnr ("shape:heart", 8, 0, &photo);
      CHECK_MSG (psnr >= 35, "tilt-shift heart R=8: %.2f dB < 35 dB", psnr);
      printf ("tilt-shift heart R_max=8 against dense truth: %.2f dB\n", psnr);
    }
  skc_image_free (&photo);

  /* Large radii through the pyramid, against dense truth on a larger
     photo: a uniform blur and a tilt-shift map both reaching R = 40. */
  snprintf (path, sizeof path, "%s/photos/astronaut-384.ppm",
            dir ? dir : "data");
  skc_image big = { 0 }, crop = { 0 };
  if (CHECK (skc_pnm_read (path, &big, NULL) == SKC_OK))
    {
      skc_image_alloc (&crop, 200, 200, 3);
      for (int y = 0; y < 200; y++)
        memcpy (skc_image_pixel (&crop, 0, y),
                skc_image_pixel (&big, 92, 92 + y), 200 * 3 * sizeof (float));
      skc_engine *e = make_engine ("shape:disc", 40, 0, 2);
      skc_image out = { 0 }, k = { 0 };
      skc_shape disc;
      skc_shape_parse ("disc", &disc, NULL);
      skc_shape_render (&disc, 40, 0, &k, NULL);
      CHECK (e && e->first_scale == 0);
      CHECK (e
             && skc_apply_image (e, &crop, -1, NULL, NULL, &out, NULL)
                    == SKC_OK);
      double sse = 0;
      long n = 0;
      for (int y = 40; y < 160; y++)
        for (int x = 40; x < 160; x++)
          for (int c = 0; c < 3; c++)
            {
              double d = skc_image_pixel (&out, x, y)[c]
                         - dense_at (&k, &crop, x, y, c);
              sse += d * d;
              n++;
            }
      double psnr = -10 * log10 (sse / n);
      CHECK_MSG (psnr >= 45, "uniform disc R=40: %.2f dB", psnr);
      printf ("uniform disc R=40 against dense truth: %.2f dB\n", psnr);
      skc_image_free (&out);
      skc_image_free (&k);
      skc_engine_free (e);
      /* Tables at full resolution (the planner's choice for a disc) and
         on the pyramid's scales (soft shapes at large radii). */
      for (int pyramid = 0; pyramid < 2; pyramid++)
        for (int i = 0; i < 2; i++)
          {
            double rmax = i ? 70 : 40;
            psnr = tilt_shift_psnr ("shape:disc", rmax, pyramid, &crop);
            CHECK_MSG (psnr >= 35, "tilt-shift disc R=%g%s: %.2f dB < 35 dB",
                       rmax, pyramid ? " (pyramid)" : "", psnr);
            printf ("tilt-shift disc R_max=%g (%s) against dense truth: "
                    "%.2f dB\n",
                    rmax, pyramid ? "pyramid" : "one scale", psnr);
          }
    }
  skc_image_free (&crop);
  skc_image_free (&big);
  skc_cache_free (cache);
  return check_summary ();
}
