/* skc tests — depth-aware blur (params.depth, engine_layers.c): the depth
 * row's names, the layered path against a layered reference computed
 * here by dense convolution, against the gather on a scene whose hidden
 * background matters, the same bits whatever the thread count, black-near
 * as white-near of the inverted map, and region calls refused; a subject
 * from a mask (depth SUBJECT) against its reference, the fill and blur
 * written plainly here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skc/skc.h"

#define W 96
#define H 72

static skc_cache *cache;

/* A textured colour in 0..1 (three channels). */
static float
texture (int x, int y, int c, int seed)
{
  double v = 0.5 + 0.25 * sin (0.37 * x + 0.21 * y * (c + 1) + seed)
             + 0.2 * cos (0.13 * x * (c + 2) - 0.29 * y + 2 * seed);
  return (float) (v < 0 ? 0 : v > 1 ? 1 : v);
}

/* The subject: a disc of radius 16 px at the centre, with a hard edge
 * (a depth map gives an edge pixel to one layer whole). */
static float
subject_alpha (int x, int y)
{
  return hypot (x + 0.5 - W / 2.0, y + 0.5 - H / 2.0) < 16 ? 1.0f : 0.0f;
}

/* Dense convolution of n planes (W x H) with the uniform engine's own
 * kernel at `radius`, edges clamped, in place. */
static void
blur_planes (float *planes, int n, double radius)
{
  if (radius <= 0)
    return;
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  p.cache = cache;
  skc_engine *e = NULL;
  skc_image k = { 0 };
  if (!CHECK (skc_engine_new (&p, 0, NULL, &e, NULL) == SKC_OK)
      || !CHECK (skc_engine_kernel (e, radius, &k) == SKC_OK))
    {
      skc_engine_free (e);
      return;
    }
  int half = k.width / 2;
  float *copy = malloc (sizeof (float) * W * H);
  for (int i = 0; copy && i < n; i++)
    {
      float *plane = planes + (size_t) i * W * H;
      memcpy (copy, plane, sizeof (float) * W * H);
      for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
          {
            double sum = 0;
            for (int dy = -half; dy <= half; dy++)
              for (int dx = -half; dx <= half; dx++)
                {
                  /* The response at (x, y) of a point at (x - dx, y - dy). */
                  int sx = x - dx < 0 ? 0 : x - dx >= W ? W - 1 : x - dx;
                  int sy = y - dy < 0 ? 0 : y - dy >= H ? H - 1 : y - dy;
                  sum += copy[sy * W + sx]
                         * k.data[(size_t) (dy + half) * k.stride + dx + half];
                }
            plane[y * W + x] = (float) sum;
          }
    }
  free (copy);
  skc_image_free (&k);
  skc_engine_free (e);
}

/* The truth of a two-layer scene: the background (colour bg everywhere,
 * radius rb) and the subject (textured, radius rs) composited back to
 * front with blurred coverage; RGB. */
static void
layered_truth (const float *bg, double rb, double rs, float *out)
{
  size_t n = (size_t) W * H;
  float *planes = malloc (sizeof (float) * 4 * n);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      planes[c * n + i] = bg[i * 3 + c];
  blur_planes (planes, 3, rb);
  memset (out, 0, sizeof (float) * 3 * n);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      out[i * 3 + c] = planes[c * n + i];
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        size_t i = (size_t) y * W + x;
        float a = subject_alpha (x, y);
        for (int c = 0; c < 3; c++)
          planes[c * n + i] = texture (x, y, c, 7) * a;
        planes[3 * n + i] = a;
      }
  blur_planes (planes, 4, rs);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      out[i * 3 + c]
          = planes[c * n + i] + (1 - planes[3 * n + i]) * out[i * 3 + c];
  free (planes);
}

/* The sharp composite and its depth map (1 on the subject, 0 behind). */
static void
scene_input (const float *bg, skc_image *in, skc_image *map)
{
  skc_image_alloc (in, W, H, 3);
  skc_image_alloc (map, W, H, 1);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        size_t i = (size_t) y * W + x;
        float a = subject_alpha (x, y);
        for (int c = 0; c < 3; c++)
          in->data[i * 3 + c]
              = texture (x, y, c, 7) * a + (1 - a) * bg[i * 3 + c];
        map->data[i] = a >= 0.5f ? 1.0f : 0.0f;
      }
}

static skc_result
blur (const skc_image *in, const skc_image *map, double radius, double focus,
      skc_depth_order depth, int threads, skc_image *out)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  p.focus = focus;
  p.depth = depth;
  p.cache = cache;
  skc_run run = { threads, NULL };
  skc_engine *e = NULL;
  skc_error err;
  skc_result r = skc_engine_new (&p, 1, &run, &e, &err);
  if (r == SKC_OK)
    r = skc_apply_image (e, in, -1, map, &run, out, &err);
  if (r != SKC_OK)
    fprintf (stderr, "     %s\n", err.message);
  skc_engine_free (e);
  return r;
}

/* PSNR (peak 1) over the pixels within `band` px of the subject's edge. */
static double
band_psnr (const float *a, const float *b, int band)
{
  double sse = 0;
  long n = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double d = fabs (16 - hypot (x + 0.5 - W / 2.0, y + 0.5 - H / 2.0));
        if (d > band)
          continue;
        for (int c = 0; c < 3; c++)
          {
            double e = a[(y * W + x) * 3 + c] - b[(y * W + x) * 3 + c];
            sse += e * e;
            n++;
          }
      }
  return sse > 0 ? 10 * log10 (n / sse) : INFINITY;
}

static void
test_names (void)
{
  const skc_param_info *row = skc_param_find ("depth");
  int v = -1;
  if (!CHECK (row != NULL))
    return;
  CHECK_EQ_INT (row->group, SKC_PARAM_GROUP_MAP);
  CHECK_EQ_INT (skc_param_choice_count (row), 4);
  CHECK (strcmp (skc_param_choice_names (row),
                 "none, white-near, black-near, subject")
         == 0);
  CHECK (skc_param_choice_parse (row, "black-near", &v, NULL) == SKC_OK
         && v == SKC_DEPTH_BLACK_NEAR);
  CHECK (skc_param_choice_parse (row, "near", &v, NULL)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strcmp (skc_param_choice_name (skc_param_find ("quality"), 2), "high")
         == 0);
  CHECK (skc_param_choice_count (skc_param_find ("radius")) == 0);
  skc_params p;
  skc_params_init (&p);
  CHECK_EQ_INT (p.depth, SKC_DEPTH_NONE);
  CHECK (skc_param_set (&p, row, 4, NULL) == SKC_ERR_INVALID_ARGUMENT);
}

/* A plain background behind a blurred subject: whatever fills the hidden
 * background is that colour, so the layered path must match the layered
 * reference to rounding. */
static void
test_reference (void)
{
  float *bg = malloc (sizeof (float) * 3 * W * H);
  float *truth = malloc (sizeof (float) * 3 * W * H);
  for (int i = 0; i < W * H; i++)
    bg[i * 3] = 0.2f, bg[i * 3 + 1] = 0.4f, bg[i * 3 + 2] = 0.7f;
  /* R 10, focus 0.4: background radius 4, subject 6. */
  layered_truth (bg, 4, 6, truth);
  skc_image in = { 0 }, map = { 0 }, out = { 0 };
  scene_input (bg, &in, &map);
  if (CHECK (blur (&in, &map, 10, 0.4, SKC_DEPTH_WHITE_NEAR, 0, &out)
             == SKC_OK))
    {
      double worst = 0;
      for (int i = 0; i < W * H * 3; i++)
        worst = fmax (worst, fabs (out.data[i] - truth[i]));
      CHECK_MSG (worst < 2e-5, "layered vs reference: worst %g", worst);
    }
  skc_image_free (&out);
  skc_image_free (&in);
  skc_image_free (&map);
  free (bg);
  free (truth);
}

/* A textured background blurred behind a sharp subject: the gather takes
 * the subject's colour into the background (a halo); the layered path
 * fills the hidden background instead. */
static void
test_beats_gather (void)
{
  float *bg = malloc (sizeof (float) * 3 * W * H);
  float *truth = malloc (sizeof (float) * 3 * W * H);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      for (int c = 0; c < 3; c++)
        bg[(y * W + x) * 3 + c] = 0.15f + 0.2f * texture (x, y, c, 3);
  /* R 8, focus 1: the background blurs by 8, the subject stays sharp. */
  layered_truth (bg, 8, 0, truth);
  skc_image in = { 0 }, map = { 0 }, gather = { 0 }, layered = { 0 };
  skc_image layered1 = { 0 }, layered3 = { 0 };
  scene_input (bg, &in, &map);
  if (CHECK (blur (&in, &map, 8, 1, SKC_DEPTH_NONE, 0, &gather) == SKC_OK)
      && CHECK (blur (&in, &map, 8, 1, SKC_DEPTH_WHITE_NEAR, 0, &layered)
                == SKC_OK))
    {
      double g = band_psnr (gather.data, truth, 8);
      double l = band_psnr (layered.data, truth, 8);
      printf ("edge band: gather %.1f dB, layered %.1f dB\n", g, l);
      CHECK_MSG (l >= g + 8 && l >= 35, "gather %.1f dB, layered %.1f dB", g,
                 l);
    }
  /* The same bits on one thread and on three. */
  if (CHECK (blur (&in, &map, 8, 1, SKC_DEPTH_WHITE_NEAR, 1, &layered1)
             == SKC_OK)
      && CHECK (blur (&in, &map, 8, 1, SKC_DEPTH_WHITE_NEAR, 3, &layered3)
                == SKC_OK)
      && layered.data)
    {
      size_t bytes = sizeof (float) * 3 * W * H;
      CHECK (memcmp (layered1.data, layered.data, bytes) == 0);
      CHECK (memcmp (layered3.data, layered.data, bytes) == 0);
    }
  /* Black near: the inverted map with the inverted focus is the same
     scene. */
  skc_image inverted = { 0 }, black = { 0 };
  skc_image_copy (&map, &inverted);
  for (int i = 0; i < W * H; i++)
    inverted.data[i] = 1 - inverted.data[i];
  if (CHECK (blur (&in, &inverted, 8, 0, SKC_DEPTH_BLACK_NEAR, 0, &black)
             == SKC_OK)
      && layered.data)
    {
      double worst = 0;
      for (int i = 0; i < W * H * 3; i++)
        worst = fmax (worst, fabs (black.data[i] - layered.data[i]));
      CHECK_MSG (worst < 1e-6, "black-near vs white-near: worst %g", worst);
    }
  skc_image_free (&inverted);
  skc_image_free (&black);
  skc_image_free (&gather);
  skc_image_free (&layered);
  skc_image_free (&layered1);
  skc_image_free (&layered3);
  skc_image_free (&in);
  skc_image_free (&map);
  free (bg);
  free (truth);
}

/* Regions are not available yet: a process call takes the whole image
 * as input (any output region, cut from the whole result) and refuses
 * less, clearly, rather than gather silently. */
static void
test_regions (void)
{
  skc_params p;
  skc_params_init (&p);
  p.depth = SKC_DEPTH_WHITE_NEAR;
  p.radius = 6;
  p.cache = cache;
  skc_engine *e = NULL;
  if (!CHECK (skc_engine_new (&p, 1, NULL, &e, NULL) == SKC_OK))
    return;
  CHECK (skc_engine_needs_whole_image (e));
  skc_image in = { 0 }, map = { 0 }, whole = { 0 };
  skc_image_alloc (&in, 16, 16, 1);
  skc_image_alloc (&map, 16, 16, 1);
  for (int i = 0; i < 16 * 16; i++)
    {
      in.data[i] = (float) ((i * 37) % 11) / 10;
      map.data[i] = i % 16 > 9 ? 1.0f : 0.0f;
    }
  float out[5 * 4];
  skc_apply_request rq = {
    .image_width = 16,
    .image_height = 16,
    .channels = 1,
    .alpha = -1,
    .input = { in.data, 16, 0, 0, 16, 16 },
    .map = { map.data, 16, 0, 0, 16, 16 },
    .output = { out, 5, 7, 3, 5, 4 },
  };
  skc_error err;
  if (CHECK (skc_engine_process (e, &rq, NULL, &err) == SKC_OK)
      && CHECK (skc_apply_image (e, &in, -1, &map, NULL, &whole, &err)
                == SKC_OK))
    {
      int same = 1;
      for (int y = 0; y < 4; y++)
        for (int x = 0; x < 5; x++)
          same &= out[y * 5 + x] == *skc_image_pixel (&whole, 7 + x, 3 + y);
      CHECK (same);
    }
  rq.input = (skc_view){ in.data + 16, 16, 0, 1, 16, 15 };
  rq.map = (skc_view){ map.data + 16, 16, 0, 1, 16, 15 };
  CHECK (skc_engine_process (e, &rq, NULL, &err) == SKC_ERR_UNSUPPORTED);
  CHECK (strstr (err.message, "depth-aware blur is not available yet") != NULL);
  /* A NaN in a depth map is an error (a blur amount reads it as 0). */
  skc_image nan_out = { 0 };
  map.data[16 + 4] = NAN;
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &nan_out, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "pixel (4, 1) is not a number") != NULL);
  CHECK (nan_out.data == NULL);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&whole);
  skc_engine_free (e);
}

/* The subject's coverage: a disc of radius 16 px at the centre, its edge
 * feathered over 4 px (a soft selection). */
static float
soft_alpha (int x, int y)
{
  double d = hypot (x + 0.5 - W / 2.0, y + 0.5 - H / 2.0);
  double a = (16 - d) / 4 + 0.5;
  return (float) (a < 0 ? 0 : a > 1 ? 1 : a);
}

/* The fill written plainly, recursively: each pixel of the half-size
 * level is the weighted mean of its 2 x 2 (weight: their sum, at most 1);
 * that level is filled the same way; then every pixel here that lacks
 * weight takes the rest from the bilinear value of the level below.
 * Values are C interleaved channels. */
static void
plain_fill (float *v, float *wt, int w, int h, int C)
{
  if (w == 1 && h == 1)
    return;
  int hw = (w + 1) / 2, hh = (h + 1) / 2;
  float *hv = calloc ((size_t) hw * hh * C, sizeof (float));
  float *hwt = calloc ((size_t) hw * hh, sizeof (float));
  for (int y = 0; y < hh; y++)
    for (int x = 0; x < hw; x++)
      {
        double sum[4] = { 0, 0, 0, 0 }, total = 0;
        for (int sy = 2 * y; sy < 2 * y + 2 && sy < h; sy++)
          for (int sx = 2 * x; sx < 2 * x + 2 && sx < w; sx++)
            {
              total += wt[sy * w + sx];
              for (int c = 0; c < C; c++)
                sum[c] += wt[sy * w + sx] * v[(sy * w + sx) * C + c];
            }
        for (int c = 0; c < C; c++)
          hv[(y * hw + x) * C + c] = total > 0 ? (float) (sum[c] / total) : 0;
        hwt[y * hw + x] = (float) fmin (total, 1);
      }
  plain_fill (hv, hwt, hw, hh, C);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        double fx = (x + 0.5) / 2 - 0.5, fy = (y + 0.5) / 2 - 0.5;
        int x0 = (int) floor (fx), y0 = (int) floor (fy);
        double tx = fx - x0, ty = fy - y0;
        int xa = x0 < 0 ? 0 : x0, xb = x0 + 1 >= hw ? hw - 1 : x0 + 1;
        int ya = y0 < 0 ? 0 : y0, yb = y0 + 1 >= hh ? hh - 1 : y0 + 1;
        float own = wt[y * w + x];
        for (int c = 0; own < 1 && c < C; c++)
          {
            double below = (1 - ty)
                               * ((1 - tx) * hv[(ya * hw + xa) * C + c]
                                  + tx * hv[(ya * hw + xb) * C + c])
                           + ty
                                 * ((1 - tx) * hv[(yb * hw + xa) * C + c]
                                    + tx * hv[(yb * hw + xb) * C + c]);
            v[(y * w + x) * C + c]
                = (float) (own * v[(y * w + x) * C + c] + (1 - own) * below);
          }
      }
  free (hv);
  free (hwt);
}

/* The subject scene with C channels (4: premultiplied RGBA, the alpha
 * falling to 0.6 on the right): a textured subject of coverage
 * soft_alpha over a background of colour bg (or a texture when bg is
 * NULL); the mask is the coverage. */
static void
subject_scene (int C, const float *bg, skc_image *in, skc_image *mask)
{
  skc_image_alloc (in, W, H, C);
  skc_image_alloc (mask, W, H, 1);
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        float a = soft_alpha (x, y);
        float opacity = C == 4 ? 1 - 0.4f * x / W : 1;
        for (int c = 0; c < 3; c++)
          in->data[(y * W + x) * C + c]
              = opacity
                * (a * texture (x, y, c, 7)
                   + (1 - a)
                         * (bg ? bg[c] : 0.1f + 0.3f * texture (x, y, c, 3)));
        if (C == 4)
          in->data[(y * W + x) * C + 3] = opacity;
        mask->data[y * W + x] = a;
      }
}

static skc_result
subject_blur (const skc_image *in, const skc_image *mask, double radius,
              int threads, skc_image *out, skc_error *err)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  p.depth = SKC_DEPTH_SUBJECT;
  p.cache = cache;
  skc_run run = { threads, NULL };
  skc_engine *e = NULL;
  skc_result r = skc_engine_new (&p, 1, &run, &e, err);
  if (r == SKC_OK)
    r = skc_apply_image (e, in, in->channels == 4 ? 3 : -1, mask, &run, out,
                         err);
  skc_engine_free (e);
  return r;
}

/* The subject path against its reference: the background (the image
 * where the mask is below 1/128) filled plainly, blurred by dense
 * convolution with the engine's kernel, and out = a in + (1 - a)
 * blurred; RGB and premultiplied RGBA. */
static void
test_subject_reference (void)
{
  const double radius = 6;
  for (int C = 3; C <= 4; C++)
    {
      skc_image in = { 0 }, mask = { 0 }, out = { 0 };
      subject_scene (C, NULL, &in, &mask);
      size_t n = (size_t) W * H;
      float *fill = malloc (sizeof (float) * C * n);
      float *wt = malloc (sizeof (float) * n);
      float *planes = malloc (sizeof (float) * C * n);
      memcpy (fill, in.data, sizeof (float) * C * n);
      for (size_t i = 0; i < n; i++)
        wt[i] = mask.data[i] <= 1.0f / 128 ? 1.0f : 0.0f;
      plain_fill (fill, wt, W, H, C);
      for (size_t i = 0; i < n; i++)
        for (int c = 0; c < C; c++)
          planes[c * n + i] = fill[i * C + c];
      blur_planes (planes, C, radius);
      skc_error err;
      if (CHECK (subject_blur (&in, &mask, radius, 0, &out, &err) == SKC_OK))
        {
          double worst = 0;
          for (size_t i = 0; i < n; i++)
            for (int c = 0; c < C; c++)
              {
                float a = mask.data[i];
                double want
                    = a * in.data[i * C + c] + (1 - a) * planes[c * n + i];
                worst = fmax (worst, fabs (out.data[i * C + c] - want));
              }
          CHECK_MSG (worst < 1e-5,
                     "subject vs reference (%d channels): "
                     "worst %g",
                     C, worst);
        }
      skc_image_free (&in);
      skc_image_free (&mask);
      skc_image_free (&out);
      free (fill);
      free (wt);
      free (planes);
    }
}

/* A plain background: outside the subject's coverage the result is that
 * colour exactly (no halo: the gather with the mask as a blur map takes
 * the subject's colour out there), inside the full coverage the subject
 * as it was; the same bits on one thread and three; a radius of 0 leaves
 * the image as it is. */
static void
test_subject_halo (void)
{
  const float bg[3] = { 0.2f, 0.4f, 0.7f };
  skc_image in = { 0 }, mask = { 0 }, out = { 0 }, out1 = { 0 }, out3 = { 0 };
  skc_image gather = { 0 }, same = { 0 };
  subject_scene (3, bg, &in, &mask);
  skc_error err;
  if (CHECK (subject_blur (&in, &mask, 8, 0, &out, &err) == SKC_OK)
      && CHECK (blur (&in, &mask, 8, 1, SKC_DEPTH_NONE, 0, &gather) == SKC_OK))
    {
      double halo = 0, leak = 0, inside = 0;
      for (int i = 0; i < W * H; i++)
        for (int c = 0; c < 3; c++)
          {
            if (mask.data[i] == 0)
              {
                halo = fmax (halo, fabs (out.data[i * 3 + c] - bg[c]));
                leak = fmax (leak, fabs (gather.data[i * 3 + c] - bg[c]));
              }
            if (mask.data[i] == 1)
              inside = fmax (inside,
                             fabs (out.data[i * 3 + c] - in.data[i * 3 + c]));
          }
      printf ("subject outside its mask: %g from the background (the gather: "
              "%g); inside: %g\n",
              halo, leak, inside);
      CHECK_MSG (halo < 1e-5 && leak > 0.05, "halo %g, the gather's %g", halo,
                 leak);
      CHECK_MSG (inside == 0, "the sharp subject changed by %g", inside);
    }
  if (CHECK (subject_blur (&in, &mask, 8, 1, &out1, &err) == SKC_OK)
      && CHECK (subject_blur (&in, &mask, 8, 3, &out3, &err) == SKC_OK)
      && out.data)
    {
      size_t bytes = sizeof (float) * 3 * W * H;
      CHECK (memcmp (out1.data, out.data, bytes) == 0);
      CHECK (memcmp (out3.data, out.data, bytes) == 0);
    }
  if (CHECK (subject_blur (&in, &mask, 0, 0, &same, &err) == SKC_OK))
    CHECK (memcmp (same.data, in.data, sizeof (float) * 3 * W * H) == 0);
  skc_image_free (&in);
  skc_image_free (&mask);
  skc_image_free (&out);
  skc_image_free (&out1);
  skc_image_free (&out3);
  skc_image_free (&gather);
  skc_image_free (&same);
}

/* Bad masks: a NaN, another size; nothing is written. */
static void
test_subject_errors (void)
{
  skc_image in = { 0 }, mask = { 0 }, out = { 0 }, small = { 0 };
  subject_scene (3, NULL, &in, &mask);
  skc_error err;
  mask.data[3 * W + 5] = NAN;
  CHECK (subject_blur (&in, &mask, 8, 0, &out, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "subject mask: pixel (5, 3) is not a number")
         != NULL);
  CHECK (out.data == NULL);
  /* No mask at all: refused, not a uniform blur. */
  skc_params p;
  skc_params_init (&p);
  p.depth = SKC_DEPTH_SUBJECT;
  p.cache = cache;
  skc_engine *e = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &e, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "needs the subject's mask") != NULL);
  CHECK (e == NULL);
  skc_image_alloc (&small, W - 1, H, 1);
  CHECK (subject_blur (&in, &small, 8, 0, &out, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "subject's mask must be one channel of the "
                              "image's size")
         != NULL);
  CHECK (out.data == NULL);
  skc_image_free (&in);
  skc_image_free (&mask);
  skc_image_free (&small);
}

int
main (void)
{
  cache = skc_cache_new (NULL, 64);
  test_names ();
  test_reference ();
  test_beats_gather ();
  test_regions ();
  test_subject_reference ();
  test_subject_halo ();
  test_subject_errors ();
  skc_cache_free (cache);
  return check_summary ();
}
