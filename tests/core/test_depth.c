/* skc tests — depth-aware blur (params.depth, engine_layers.c): the depth
 * row's names, the layered path against a layered reference computed
 * here by dense convolution, against its rule written plainly over the
 * whole image (bins, edges, the naive fill, dense convolution, layers
 * that hide and layers that add up), on a tilted plane against the sum
 * of every pixel's own kernel (no seams), against the gather on a scene
 * whose hidden background matters, the same bits whatever the thread count,
 * black-near as white-near of the inverted map; tiles, threads and regions bit
 * for bit; the bounded fill on regions against a naive whole-image one; the
 * layers' engine memo; a subject from a mask (depth SUBJECT) against its
 * reference, the fill and blur written plainly here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
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

/* Dense convolution of n planes (w x h) with the kernel of `engine` (NULL:
 * the uniform engine's at `radius`), edges clamped, in place. */
/* The kernel `engine` applies at `radius`, or without one a uniform
 * engine of the default shape made for it; 0 when it cannot be had. */
static int
uniform_kernel (const skc_engine *engine, double radius, skc_image *k)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  p.cache = cache;
  skc_engine *e = NULL;
  int ok
      = (engine || CHECK (skc_engine_new (&p, 0, NULL, &e, NULL) == SKC_OK))
        && CHECK (skc_engine_kernel (engine ? engine : e, radius, k) == SKC_OK);
  skc_engine_free (e);
  return ok;
}

static void
blur_planes_sized (float *planes, int n, int w, int h, double radius,
                   const skc_engine *engine)
{
  if (radius <= 0)
    return;
  skc_image k = { 0 };
  if (!uniform_kernel (engine, radius, &k))
    return;
  int half = k.width / 2;
  float *copy = malloc (sizeof (float) * w * h);
  for (int i = 0; copy && i < n; i++)
    {
      float *plane = planes + (size_t) i * w * h;
      memcpy (copy, plane, sizeof (float) * w * h);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            double sum = 0;
            for (int dy = -half; dy <= half; dy++)
              for (int dx = -half; dx <= half; dx++)
                {
                  /* The response at (x, y) of a point at (x - dx, y - dy). */
                  int sx = x - dx < 0 ? 0 : x - dx >= w ? w - 1 : x - dx;
                  int sy = y - dy < 0 ? 0 : y - dy >= h ? h - 1 : y - dy;
                  sum += copy[sy * w + sx]
                         * k.data[(size_t) (dy + half) * k.stride + dx + half];
                }
            plane[y * w + x] = (float) sum;
          }
    }
  free (copy);
  skc_image_free (&k);
}

static void
blur_planes (float *planes, int n, double radius)
{
  blur_planes_sized (planes, n, W, H, radius, NULL);
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
  skc_run run = { .threads = threads };
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

static void naive_fill (int levels, int w, int h, int C, const float *values,
                        const float *weight, float *out, float *known);

/* The layers' rule (engine_layers.c) written plainly over the whole
 * image, RGB without alpha, white near, map values as they are: */

/* a radius's bin: a quarter pixel wide up to 8 px, then 1/32 of the
 * radius; */
static int
plain_bin (double r)
{
  return r <= 8 ? (int) lround (4 * r)
                : 32 + (int) lround (log (r / 8) / log (1 + 1.0 / 32));
}

/* a bin's radius; */
static double
plain_bin_radius (int b)
{
  b = abs (b);
  return b <= 32 ? b / 4.0 : 8 * pow (1 + 1.0 / 32, b - 32);
}

/* each pixel's signed bin, then every layer near to far: its pixels
 * (colour, coverage 1), those beside one more than one bin nearer (on an
 * edge) and the pixels nearer than it that lie near a depth edge (a pixel
 * with a neighbour more than one bin farther, itself no more than one bin
 * nearer than they, in an 8 px block at most ceil ((ceil (2 x the
 * largest radius) + 2) / 8) blocks from theirs) within
 * the fill distance (chessboard) of its pixels filled by the naive
 * bounded fill from its pixels off edges, where it knows anything; its
 * hiding part: its pixels near an edge and all it fills; both blurred by
 * dense convolution with the kernel of the layer's radius; a layer is
 * seen through 1 - the blurred coverage of every layer 8 or more bins
 * nearer and 1 - the blurred hiding part of those nearer by less; the
 * sum divided by its coverage.  *layers counts the layers that have
 * pixels. */
static void
layers_reference (const skc_image *in, const skc_image *map, double radius,
                  double focus, float *out, int *layers)
{
  const int w = in->width, h = in->height, C = 4, K = 8;
  size_t n = (size_t) w * h;
  double largest = radius * (focus > 0.5 ? focus : 1 - focus);
  int top = plain_bin (largest);
  largest = fmax (largest, plain_bin_radius (top));
  int blocks = ((int) ceil (2 * largest) + 2 + 7) / 8, bins = 2 * top + 1;
  int *bin = malloc (sizeof (int) * n);
  unsigned char *near = calloc (n, 1);
  float *layer = malloc (sizeof (float) * (C + 1) * n);
  float *weight = malloc (sizeof (float) * n);
  float *filled = malloc (sizeof (float) * C * n);
  float *known = malloc (sizeof (float) * n);
  float *image = malloc (sizeof (float) * C * n);
  /* Per layer, its blurred coverage and hiding part. */
  float *cover = calloc ((size_t) bins * n, sizeof (float));
  float *hide = calloc ((size_t) bins * n, sizeof (float));
  double *acc = calloc (n * C, sizeof (double));
  for (size_t i = 0; i < n; i++)
    {
      double rho = radius * (map->data[i] - focus);
      bin[i] = rho < 0 ? -plain_bin (-rho) : plain_bin (rho);
      for (int c = 0; c < 3; c++)
        image[i * C + c] = in->data[i * 3 + c];
      image[i * C + 3] = 1;
    }
    /* A pixel beside one that differs from its bin by more than `by` in
       the direction of `sign` (+1: nearer, -1: farther). */
#define BESIDE(x, y, sign)                                                     \
  (((x) > 0 && (sign) * (bin[(y) *w + (x) -1] - bin[(y) *w + (x)]) > 1)        \
   || ((x) + 1 < w                                                             \
       && (sign) * (bin[(y) *w + (x) + 1] - bin[(y) *w + (x)]) > 1)            \
   || ((y) > 0 && (sign) * (bin[((y) -1) * w + (x)] - bin[(y) *w + (x)]) > 1)  \
   || ((y) + 1 < h                                                             \
       && (sign) * (bin[((y) + 1) * w + (x)] - bin[(y) *w + (x)]) > 1))
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      for (int yy = 0; yy < h && !near[y * w + x]; yy++)
        for (int xx = 0; xx < w; xx++)
          if (abs (yy / 8 - y / 8) <= blocks && abs (xx / 8 - x / 8) <= blocks
              && bin[yy * w + xx] <= bin[y * w + x] + 1 && BESIDE (xx, yy, -1))
            {
              near[y * w + x] = 1;
              break;
            }
  *layers = 0;
  for (int b = top; b >= -top; b--)
    {
      int any = 0;
      for (size_t i = 0; i < n && !any; i++)
        any = bin[i] == b;
      if (!any)
        continue;
      ++*layers;
      int D = (int) ceil (largest + plain_bin_radius (b)) + 1;
      memset (layer, 0, sizeof (float) * (C + 1) * n);
      for (size_t i = 0; i < n; i++)
        {
          int x = (int) (i % w), y = (int) (i / w);
          weight[i] = bin[i] == b && !BESIDE (x, y, 1) ? 1.0f : 0.0f;
          if (bin[i] == b)
            {
              for (int c = 0; c < C; c++)
                layer[c * n + i] = image[i * C + c];
              layer[C * n + i] = near[i] ? 1.0f : 0.0f;
            }
        }
      naive_fill (skc_fill_levels (D), w, h, C, image, weight, filled, known);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            size_t i = (size_t) y * w + x;
            int mine = bin[i] == b, target = 0;
            if (mine)
              target = BESIDE (x, y, 1);
            else if (bin[i] > b && near[i])
              for (int yy = y - D; yy <= y + D && !target; yy++)
                for (int xx = x - D; xx <= x + D && !target; xx++)
                  target = xx >= 0 && yy >= 0 && xx < w && yy < h
                           && bin[yy * w + xx] == b;
            if (!target || known[i] <= 0)
              continue;
            for (int c = 0; c < C; c++)
              layer[c * n + i] = filled[i * C + c];
            layer[C * n + i] = !mine || near[i] ? filled[i * C + 3] : 0;
          }
      blur_planes_sized (layer, C + 1, w, h, plain_bin_radius (b), NULL);
      float *cv = cover + (size_t) (b + top) * n;
      float *hd = hide + (size_t) (b + top) * n;
      for (size_t i = 0; i < n; i++)
        {
          double seen = 1;
          for (int k = b + 1; k <= top; k++)
            seen *= 1 - (k >= b + K ? cover : hide)[(size_t) (k + top) * n + i];
          for (int c = 0; c < C; c++)
            acc[i * C + c] += seen * layer[c * n + i];
          cv[i] = layer[3 * n + i];
          hd[i] = layer[C * n + i];
        }
    }
#undef BESIDE
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < 3; c++)
      out[i * 3 + c] = acc[i * C + 3] > 1e-6
                           ? (float) (acc[i * C + c] / acc[i * C + 3])
                           : 0;
  free (bin);
  free (near);
  free (layer);
  free (weight);
  free (filled);
  free (known);
  free (image);
  free (cover);
  free (hide);
  free (acc);
}

/* A scene for the plain rule (R 8, focus 0.3): a textured floor whose
 * depth runs smoothly down the image (radius -2.4 to 2.4: a slope of
 * layers), on it a patch a little nearer than the floor around it (close
 * in depth, behind an edge), and a near disc (radius 5.6) with a hard
 * edge. */
static void
rule_scene (int w, int h, skc_image *in, skc_image *map)
{
  skc_image_alloc (in, w, h, 3);
  skc_image_alloc (map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        float v = 0.6f * (y + 0.5f) / h;
        if (x > 0.55 * w && x < 0.8 * w && y > 0.2 * h && y < 0.5 * h)
          v += 0.15f;
        if (hypot (x - 0.3 * w, y - 0.6 * h) < 0.18 * h)
          v = 1;
        map->data[i] = v;
        for (int c = 0; c < 3; c++)
          in->data[i * 3 + c] = texture (x, y, c, v == 1 ? 4 : 6);
      }
}

/* The layers against their rule written plainly (layers_reference): to
 * rounding, on a scene with a slope, an edge close in depth and one far
 * in depth. */
static void
test_rule (void)
{
  const int w = 72, h = 60;
  skc_image in = { 0 }, map = { 0 }, out = { 0 };
  rule_scene (w, h, &in, &map);
  float *want = malloc (sizeof (float) * 3 * w * h);
  int layers = 0;
  layers_reference (&in, &map, 8, 0.3, want, &layers);
  CHECK_MSG (layers >= 15, "%d layers", layers);
  if (CHECK (blur (&in, &map, 8, 0.3, SKC_DEPTH_WHITE_NEAR, 0, &out) == SKC_OK))
    {
      double worst = 0;
      for (int i = 0; i < w * h * 3; i++)
        worst = fmax (worst, fabs (out.data[i] - want[i]));
      printf ("layers vs their rule (%d layers): worst %g\n", layers, worst);
      CHECK_MSG (worst < 2e-5, "layers vs their rule: worst %g", worst);
    }
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&out);
  free (want);
}

/* A tilted plane (depth running smoothly down the image, radius 0 to
 * 10: some forty layers) against its truth: every pixel spread by the
 * kernel of its own radius (the uniform engine's, so that only the
 * layering differs), summed.  Layers blurred and hidden one by one leave
 * seams where they meet (a filled layer seen through the nearer one's
 * blurred edge): PSNR down, second differences up; one surface adds up
 * like the truth, and must come at least as close to it as the gather
 * (the map as blur, no depth). */
static void
test_seams (void)
{
  const int w = 96, h = 72, R = 10;
  size_t n = (size_t) w * h;
  skc_image in = { 0 }, map = { 0 }, layered = { 0 }, gather = { 0 };
  skc_image_alloc (&in, w, h, 3);
  skc_image_alloc (&map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        map.data[y * w + x] = (y + 0.5f) / h;
        for (int c = 0; c < 3; c++)
          in.data[(y * w + x) * 3 + c] = 0.5f * texture (x, y, c, 2)
                                         + 0.5f * texture (3 * x, 2 * y, c, 5);
      }
  double *truth = calloc (n * 3, sizeof (double));
  for (int y = 0; y < h; y++)
    {
      double r = R * (y + 0.5) / h;
      skc_image k = { 0 };
      if (!uniform_kernel (NULL, r, &k))
        break;
      int half = k.width / 2;
      for (int x = 0; x < w; x++)
        for (int dy = -half; dy <= half; dy++)
          for (int dx = -half; dx <= half; dx++)
            {
              int ty = y + dy, tx = x + dx;
              if (tx < 0 || ty < 0 || tx >= w || ty >= h)
                continue;
              double kv = k.data[(size_t) (dy + half) * k.stride + dx + half];
              for (int c = 0; c < 3; c++)
                truth[((size_t) ty * w + tx) * 3 + c]
                    += kv * in.data[((size_t) y * w + x) * 3 + c];
            }
      skc_image_free (&k);
    }
  if (CHECK (blur (&in, &map, R, 0, SKC_DEPTH_WHITE_NEAR, 0, &layered)
             == SKC_OK)
      && CHECK (blur (&in, &map, R, 0, SKC_DEPTH_NONE, 0, &gather) == SKC_OK))
    {
      /* Inside: the largest radius from the border (the truth there takes
         nothing from beyond it), where the radius is at least 2 px. */
      double sse[2] = { 0, 0 }, d2[3] = { 0, 0, 0 };
      long count = 0;
      for (int y = (int) (0.2 * h) + 1; y < h - R - 1; y++)
        for (int x = R; x < w - R; x++)
          for (int c = 0; c < 3; c++)
            {
              size_t i = ((size_t) y * w + x) * 3 + c, up = i - 3 * w,
                     down = i + 3 * w;
              const float *v[2] = { layered.data, gather.data };
              for (int m = 0; m < 2; m++)
                {
                  sse[m] += (v[m][i] - truth[i]) * (v[m][i] - truth[i]);
                  d2[m] += fabs (v[m][up] - 2 * v[m][i] + v[m][down]);
                }
              d2[2] += fabs (truth[up] - 2 * truth[i] + truth[down]);
              count++;
            }
      double psnr = 10 * log10 (count / sse[0]);
      double gpsnr = 10 * log10 (count / sse[1]);
      printf ("tilted plane: layered %.1f dB, second differences %.3f of the "
              "truth's; the gather %.1f dB, %.3f\n",
              psnr, d2[0] / d2[2], gpsnr, d2[1] / d2[2]);
      /* Layers hidden one by one: 33.8 dB here (second differences
         1.015, their seams offsetting the layers' rounded radii). */
      CHECK_MSG (psnr >= 45 && psnr >= gpsnr,
                 "seams: %.1f dB (the gather %.1f dB)", psnr, gpsnr);
    }
  skc_image_free (&in);
  skc_image_free (&map);
  skc_image_free (&layered);
  skc_image_free (&gather);
  free (truth);
}

/* A scene for the tiling tests: a far textured background, a sharp
 * middle disc, a near bar, and a ramp of depths in a corner (a slope, many
 * bins); `a` gives an alpha channel. */
static void
tiling_scene (int w, int h, int alpha, skc_image *in, skc_image *map)
{
  int C = alpha ? 4 : 3;
  skc_image_alloc (in, w, h, C);
  skc_image_alloc (map, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        float v = 0;
        if (hypot (x - 0.4 * w, y - 0.5 * h) < 0.25 * h)
          v = 0.5f;
        if (fabs (x - 0.7 * w) < 6 && y > 0.3 * h)
          v = 1;
        if (x < 0.3 * w && y > 0.7 * h)
          v = (float) x / (0.3f * w);
        map->data[i] = v;
        float a = alpha ? 0.5f + 0.5f * texture (x, y, 0, 5) : 1;
        for (int c = 0; c < 3; c++)
          in->data[i * C + c] = a * texture (x, y, c, (int) (v * 4));
        if (alpha)
          in->data[i * C + 3] = a;
      }
}

/* A depth engine; `gather` 0 keeps layers everywhere (no gather on
 * smooth surfaces). */
static skc_engine *
depth_engine_with (double radius, double focus, int tile, int gather)
{
  skc_params p;
  skc_params_init (&p);
  p.depth = SKC_DEPTH_WHITE_NEAR;
  p.radius = radius;
  p.focus = focus;
  p.cache = cache;
  skc_engine_options options;
  skc_engine_options_init (&options);
  options.layers_tile = tile;
  options.layers_gather = gather;
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new_with (&p, 1, &options, NULL, &e, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return e;
}

static skc_engine *
depth_engine (double radius, double focus, int tile)
{
  return depth_engine_with (radius, focus, tile, 1);
}

/* Output [x0, x0 + w) x [y0, y0 + h) from its input grown by the reach,
 * compared bit for bit with the whole image's result. */
static int
region_matches (skc_engine *e, const skc_image *in, const skc_image *map,
                int alpha, const skc_image *whole, int x0, int y0, int w, int h,
                int threads)
{
  int reach = skc_engine_reach (e), C = in->channels;
  int ix0 = x0 - reach > 0 ? x0 - reach : 0;
  int iy0 = y0 - reach > 0 ? y0 - reach : 0;
  int ix1 = x0 + w + reach < in->width ? x0 + w + reach : in->width;
  int iy1 = y0 + h + reach < in->height ? y0 + h + reach : in->height;
  float *out = malloc (sizeof (float) * w * h * C);
  skc_apply_request rq = {
    .image_width = in->width,
    .image_height = in->height,
    .channels = C,
    .alpha = alpha,
    .input = { skc_image_pixel (in, ix0, iy0), in->stride, ix0, iy0, ix1 - ix0,
               iy1 - iy0 },
    .map = { skc_image_pixel (map, ix0, iy0), map->stride, ix0, iy0, ix1 - ix0,
             iy1 - iy0 },
    .output = { out, (size_t) w * C, x0, y0, w, h },
  };
  skc_run run = { .threads = threads };
  skc_error err;
  int same = out && skc_engine_process (e, &rq, &run, &err) == SKC_OK;
  for (int y = 0; same && y < h; y++)
    same = memcmp (out + (size_t) y * w * C,
                   skc_image_pixel (whole, x0, y0 + y), sizeof (float) * w * C)
           == 0;
  free (out);
  return same;
}

/* Tiles, threads and regions: the same bits as one whole-image call, with
 * and without alpha; an input short of the reach refused; NaN depths
 * named. */
static void
test_tiling (void)
{
  const int w = 131, h = 97;
  for (int alpha = 0; alpha < 2; alpha++)
    {
      skc_image in = { 0 }, map = { 0 }, whole = { 0 };
      tiling_scene (w, h, alpha, &in, &map);
      int a = alpha ? 3 : -1;
      skc_engine *e = depth_engine (9, 0.5, 512);
      if (!e)
        return;
      CHECK (!skc_engine_needs_whole_image (e));
      skc_run one = { .threads = 1 };
      if (!CHECK (skc_apply_image (e, &in, a, &map, &one, &whole, NULL)
                  == SKC_OK))
        return;
      /* The layered scene changed something: not a copy of the input. */
      CHECK (memcmp (whole.data, in.data, sizeof (float) * w * h * in.channels)
             != 0);
      const int tiles[] = { 7, 32, 50, 128 };
      for (int t = 0; t < 4; t++)
        for (int threads = 1; threads <= 3; threads += 2)
          {
            skc_engine *te = depth_engine (9, 0.5, tiles[t]);
            skc_image out = { 0 };
            skc_run run = { .threads = threads };
            if (te
                && CHECK (skc_apply_image (te, &in, a, &map, &run, &out, NULL)
                          == SKC_OK))
              CHECK_MSG (memcmp (out.data, whole.data,
                                 sizeof (float) * w * h * in.channels)
                             == 0,
                         "alpha %d, tile %d, %d threads: not the whole "
                         "image's bits",
                         alpha, tiles[t], threads);
            skc_image_free (&out);
            skc_engine_free (te);
          }
      /* Regions: across tiles, at the borders, one pixel, the whole. */
      skc_engine *re = depth_engine (9, 0.5, 32);
      const int cuts[][4]
          = { { 0, 0, w, h },    { 10, 20, 40, 30 }, { 60, 5, 71, 92 },
              { 0, 90, 131, 7 }, { 77, 41, 1, 1 },   { 31, 31, 33, 2 } };
      for (int k = 0; re && k < 6; k++)
        CHECK_MSG (region_matches (re, &in, &map, a, &whole, cuts[k][0],
                                   cuts[k][1], cuts[k][2], cuts[k][3], 2),
                   "alpha %d, region %d: not the whole image's bits", alpha, k);
      skc_engine_free (re);
      skc_image_free (&whole);
      skc_image_free (&in);
      skc_image_free (&map);
      skc_engine_free (e);
    }
  /* An input short of the reach is refused; a NaN depth is named. */
  skc_image in = { 0 }, map = { 0 }, nan_out = { 0 };
  tiling_scene (w, h, 0, &in, &map);
  skc_engine *e = depth_engine (9, 0.5, 512);
  if (!e)
    return;
  float out[5 * 4 * 3];
  skc_apply_request rq = {
    .image_width = w,
    .image_height = h,
    .channels = 3,
    .alpha = -1,
    .input = { skc_image_pixel (&in, 0, 1), in.stride, 0, 1, w, h - 1 },
    .map = { skc_image_pixel (&map, 0, 1), map.stride, 0, 1, w, h - 1 },
    .output = { out, 5 * 3, 7, 3, 5, 4 },
  };
  skc_error err;
  CHECK (skc_engine_process (e, &rq, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "the input must cover it") != NULL);
  map.data[w + 4] = NAN;
  CHECK (skc_apply_image (e, &in, -1, &map, NULL, &nan_out, &err)
         == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "pixel (4, 1) is not a number") != NULL);
  CHECK (nan_out.data == NULL);
  skc_image_free (&in);
  skc_image_free (&map);
  skc_engine_free (e);
}

/* Smooth surfaces gather (engine_layers.c, smooth_blocks): a gentle
 * floor (radius 3.6 to 4.8 down 240 rows) with a sharp near disc (radius
 * 12).  Far from the disc the gather stands in for the layers' sum (the
 * two within 45 dB of each other); near it the layers run as they would
 * everywhere (the same bits); every tile, thread count and region gives
 * the whole image's bits. */
static void
test_smooth_gather (void)
{
  const int w = 200, h = 240, R = 12;
  for (int alpha = 0; alpha < 2; alpha++)
    {
      const int C = alpha ? 4 : 3, a = alpha ? 3 : -1;
      skc_image in = { 0 }, map = { 0 }, hybrid = { 0 }, layered = { 0 };
      skc_image_alloc (&in, w, h, C);
      skc_image_alloc (&map, w, h, 1);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          {
            int subject = hypot (x - 50, y - 50) < 20;
            float cover = alpha ? 0.5f + 0.5f * texture (x, y, 0, 8) : 1;
            map.data[y * w + x] = subject ? 1.0f : 0.3f + 0.1f * y / h;
            for (int c = 0; c < 3; c++)
              in.data[(y * w + x) * C + c]
                  = cover * texture (x, y, c, subject ? 4 : 6);
            if (alpha)
              in.data[(y * w + x) * C + 3] = cover;
          }
      skc_engine *e = depth_engine_with (R, 0, 512, 1);
      skc_engine *le = depth_engine_with (R, 0, 512, 0);
      if (e && le
          && CHECK (skc_apply_image (e, &in, a, &map, NULL, &hybrid, NULL)
                    == SKC_OK)
          && CHECK (skc_apply_image (le, &in, a, &map, NULL, &layered, NULL)
                    == SKC_OK))
        {
          /* Near the disc (within its blur and the distance an edge hides
             across, 2 x 12 px, of its edge): the layers' bits. */
          double sse = 0;
          long gathered = 0, near_differ = 0;
          for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
              for (int c = 0; c < C; c++)
                {
                  size_t i = ((size_t) y * w + x) * C + c;
                  double d = hybrid.data[i] - layered.data[i];
                  sse += d * d;
                  gathered += d != 0;
                  near_differ += d != 0 && hypot (x - 50, y - 50) < 20 + 3 * R;
                }
          double psnr = 10 * log10 ((double) C * w * h / fmax (sse, 1e-30));
          printf ("smooth floor (alpha %d): the gather's %ld values against "
                  "the layers': %.1f dB\n",
                  alpha, gathered, psnr);
          CHECK_MSG (gathered > w * h, "%ld values gathered", gathered);
          CHECK_MSG (near_differ == 0,
                     "%ld values near the disc not the layers'", near_differ);
          CHECK_MSG (psnr >= 45, "the gather against the layers: %.1f dB",
                     psnr);
          const int tiles[] = { 7, 50, 128 };
          for (int t = 0; t < 3; t++)
            for (int threads = 1; threads <= 3; threads += 2)
              {
                skc_engine *te = depth_engine_with (R, 0, tiles[t], 1);
                skc_image out = { 0 };
                skc_run run = { .threads = threads };
                if (te
                    && CHECK (
                        skc_apply_image (te, &in, a, &map, &run, &out, NULL)
                        == SKC_OK))
                  CHECK_MSG (
                      memcmp (out.data, hybrid.data, sizeof (float) * w * h * C)
                          == 0,
                      "alpha %d, tile %d, %d threads: not the whole "
                      "image's bits",
                      alpha, tiles[t], threads);
                skc_image_free (&out);
                skc_engine_free (te);
              }
          const int cuts[][4] = { { 0, 0, w, h },
                                  { 10, 120, 90, 70 },
                                  { 150, 5, 50, 230 },
                                  { 99, 200, 1, 1 } };
          for (int k = 0; k < 4; k++)
            CHECK_MSG (region_matches (e, &in, &map, a, &hybrid, cuts[k][0],
                                       cuts[k][1], cuts[k][2], cuts[k][3], 2),
                       "alpha %d, region %d: not the whole image's bits", alpha,
                       k);
        }
      skc_engine_free (e);
      skc_engine_free (le);
      skc_image_free (&in);
      skc_image_free (&map);
      skc_image_free (&hybrid);
      skc_image_free (&layered);
    }
}

/* A depth engine plans no blur-map engine of its own: it describes its
 * layers, names its largest layer's method, and its kernel at a map value
 * is the response of that one layer, exactly as the engine applies it to
 * a point (a point hides nothing); different radii give different
 * kernels. */
static void
test_depth_kernel (void)
{
  const int side = 101, mid = 50;
  skc_engine *e = depth_engine (9, 0.5, 32);
  if (!e)
    return;
  CHECK (strstr (skc_engine_describe (e), "depth (white near)") != NULL);
  /* A map engine only for smooth surfaces, said as such. */
  const char *gather = strstr (skc_engine_describe (e), "blur map");
  const char *smooth = strstr (skc_engine_describe (e), "depth is smooth");
  CHECK (smooth != NULL && (gather == NULL || gather > smooth));
  CHECK (strcmp (skc_engine_method (e), "knots") == 0);
  const double values[] = { 0, 0.3, 0.5, 0.8, 1 };
  double previous_peak = -1;
  for (int k = 0; k < 5; k++)
    {
      skc_image kernel = { 0 }, point = { 0 }, map = { 0 }, out = { 0 };
      skc_error err;
      if (!CHECK (skc_engine_kernel_at (e, side, side, mid, mid, values[k],
                                        &kernel, &err)
                  == SKC_OK))
        continue;
      skc_image_alloc (&point, side, side, 1);
      skc_image_alloc (&map, side, side, 1);
      point.data[mid * side + mid] = 1;
      for (int i = 0; i < side * side; i++)
        map.data[i] = (float) values[k];
      if (CHECK (skc_apply_image (e, &point, -1, &map, NULL, &out, &err)
                 == SKC_OK))
        {
          int half = kernel.width / 2;
          double worst = 0, sum = 0;
          for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
              {
                int kx = x - mid + half, ky = y - mid + half;
                float want = kx >= 0 && ky >= 0 && kx < kernel.width
                                     && ky < kernel.height
                                 ? *skc_image_pixel (&kernel, kx, ky)
                                 : 0;
                worst = fmax (worst, fabs (out.data[y * side + x] - want));
                sum += want;
              }
          CHECK_MSG (worst < 1e-5 && fabs (sum - 1) < 1e-3,
                     "depth kernel at %g: worst %g, sum %g", values[k], worst,
                     sum);
          /* Radius 4.5, 1.8, 0, 2.7, 4.5: the peak changes with it. */
          double peak = *skc_image_pixel (&kernel, half, half);
          if (k == 1 || k == 2)
            CHECK (peak > previous_peak);
          previous_peak = peak;
        }
      skc_image_free (&kernel);
      skc_image_free (&point);
      skc_image_free (&map);
      skc_image_free (&out);
    }
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
  skc_run run = { .threads = threads };
  skc_engine *e = NULL;
  skc_result r = skc_engine_new (&p, 1, &run, &e, err);
  if (r == SKC_OK)
    r = skc_apply_image (e, in, in->channels == 4 ? 3 : -1, mask, &run, out,
                         err);
  skc_engine_free (e);
  return r;
}

/* The subject's rule written plainly over the whole image (engine_subject.c):
 * the image (non-finite pixels transparent black); the background is it
 * where the mask is at most 1/128 (clear), elsewhere (hidden) the naive
 * bounded fill from the clear pixels, of the fewest levels whose 2^levels
 * exceeds ceil (radius) + SKC_SUBJECT_SOFT_DEPTH, where it knows
 * anything, else the pixel's own colour; blurred by dense convolution
 * with the kernel of e (the subject engine's background); out = a in + (1 - a)
 * blurred (in where a is 1). *within counts hidden pixels within ceil (radius)
 * + 64 px (chessboard) of a clear one that the fill leaves unknown (the stated
 * limit: none), *beyond those further than 2^(levels + 1) px that it knows
 * (none), *unknown all it leaves unknown. */
static void
subject_reference (const skc_image *in, const skc_image *mask, double radius,
                   const skc_engine *e, float *out, int *within, int *beyond,
                   int *unknown)
{
  const int w = in->width, h = in->height, C = in->channels;
  size_t n = (size_t) w * h;
  float *image = malloc (sizeof (float) * C * n);
  float *weight = malloc (sizeof (float) * n);
  float *filled = malloc (sizeof (float) * C * n);
  float *known = malloc (sizeof (float) * n);
  float *planes = malloc (sizeof (float) * C * n);
  for (size_t i = 0; i < n; i++)
    {
      int finite = 1;
      for (int c = 0; c < C; c++)
        finite &= isfinite (in->data[i * C + c]) != 0;
      for (int c = 0; c < C; c++)
        image[i * C + c] = finite ? in->data[i * C + c] : 0;
      weight[i] = mask->data[i] <= 1.0f / 128 ? 1.0f : 0.0f;
    }
  int soft = (int) ceil (radius) + SKC_SUBJECT_SOFT_DEPTH;
  int levels = skc_fill_levels (soft);
  CHECK ((1 << levels) > soft && (1 << (levels - 1)) <= soft);
  naive_fill (levels, w, h, C, image, weight, filled, known);
  /* Each pixel's chessboard distance to the nearest clear pixel: along
     its row, then the least max (row distance there, rows apart). */
  int *row = malloc (sizeof (int) * n);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int best = w + h;
        for (int xx = 0; xx < w; xx++)
          if (weight[(size_t) y * w + xx] == 1 && abs (xx - x) < best)
            best = abs (xx - x);
        row[(size_t) y * w + x] = best;
      }
  *within = *beyond = *unknown = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        int d = w + h;
        for (int yy = 0; yy < h; yy++)
          {
            int r = row[(size_t) yy * w + x], dy = abs (yy - y);
            d = (r > dy ? r : dy) < d ? (r > dy ? r : dy) : d;
          }
        *within += d <= soft && known[i] == 0;
        *beyond += d > 2 << levels && known[i] > 0;
        *unknown += d > 0 && known[i] == 0;
      }
  free (row);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < C; c++)
      planes[c * n + i] = weight[i] == 1 || known[i] == 0 ? image[i * C + c]
                                                          : filled[i * C + c];
  blur_planes_sized (planes, C, w, h, radius, e);
  for (size_t i = 0; i < n; i++)
    for (int c = 0; c < C; c++)
      {
        float a = mask->data[i];
        out[i * C + c]
            = a >= 1 ? image[i * C + c]
                     : a * image[i * C + c] + (1 - a) * planes[c * n + i];
      }
  free (image);
  free (weight);
  free (filled);
  free (known);
  free (planes);
}

/* A wide scene for the subject on regions (C 3 or 4, 4 premultiplied):
 * a textured background; an opaque disc with a 6 px feathered edge; a
 * half-transparent matte (a = 0.5) from x = 280 to the right edge, wider
 * than the fill reaches, its far part keeping its own colour; a NaN pixel
 * in the background and one under the matte. */
static void
wide_subject_scene (int C, skc_image *in, skc_image *mask)
{
  const int w = 600, h = 90;
  skc_image_alloc (in, w, h, C);
  skc_image_alloc (mask, w, h, 1);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        double d = hypot (x + 0.5 - 150, y + 0.5 - 45);
        double a = (36 - d) / 6 + 0.5;
        a = a < 0 ? 0 : a > 1 ? 1 : a;
        if (x >= 280)
          a = 0.5;
        float opacity = C == 4 ? 1 - 0.3f * y / h : 1;
        for (int c = 0; c < 3; c++)
          in->data[i * C + c]
              = opacity
                * (float) (a * texture (x, y, c, 9)
                           + (1 - a) * (0.1f + 0.3f * texture (x, y, c, 4)));
        if (C == 4)
          in->data[i * C + 3] = opacity;
        mask->data[i] = (float) a;
      }
  in->data[((size_t) 20 * w + 60) * C + 1] = NAN;
  in->data[((size_t) 70 * w + 420) * C] = INFINITY;
}

static skc_engine *
subject_engine (double radius, int tile, double fft_factor)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  p.depth = SKC_DEPTH_SUBJECT;
  p.cache = cache;
  skc_engine_options options;
  skc_engine_options_init (&options);
  options.layers_tile = tile;
  options.fft_cost_factor = fft_factor;
  skc_engine *e = NULL;
  skc_error err;
  if (!CHECK (skc_engine_new_with (&p, 1, &options, NULL, &e, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return e;
}

/* The subject path against its reference (the rule written plainly, the
 * naive fill, dense convolution): RGB and premultiplied RGBA, the centred
 * soft disc and the wide scene (a matte wider than the fill's limit, NaN
 * pixels); on the wide scene also with the blur on FFT cells.  The
 * limit holds as stated, and the wide scene goes past it. */
static void
test_subject_reference (void)
{
  for (int scene = 0; scene < 2; scene++)
    for (int C = 3; C <= 4; C++)
      for (int fft = 0; fft < 1 + scene; fft++)
        {
          const double radius = scene ? 5 : 6;
          skc_image in = { 0 }, mask = { 0 }, out = { 0 };
          if (scene)
            wide_subject_scene (C, &in, &mask);
          else
            subject_scene (C, NULL, &in, &mask);
          size_t n = (size_t) in.width * in.height;
          float *want = malloc (sizeof (float) * C * n);
          skc_engine *e = subject_engine (radius, 512, fft ? 1e-3 : 1);
          if (!e)
            return;
          int within, beyond, unknown;
          subject_reference (&in, &mask, radius, e, want, &within, &beyond,
                             &unknown);
          CHECK_EQ_INT (within, 0);
          CHECK_EQ_INT (beyond, 0);
          /* The wide matte's far part is past the limit. */
          CHECK (scene ? unknown > 1000 : unknown == 0);
          skc_error err;
          if (fft)
            CHECK (strstr (skc_engine_describe (e), "FFT") != NULL);
          if (CHECK (skc_apply_image (e, &in, C == 4 ? 3 : -1, &mask, NULL,
                                      &out, &err)
                     == SKC_OK))
            {
              double worst = 0;
              for (size_t i = 0; i < n * C; i++)
                worst = fmax (worst, fabs (out.data[i] - want[i]));
              CHECK_MSG (worst < 1e-5,
                         "subject vs reference (scene %d, %d channels%s): "
                         "worst %g",
                         scene, C, fft ? ", FFT" : "", worst);
            }
          skc_engine_free (e);
          skc_image_free (&in);
          skc_image_free (&mask);
          skc_image_free (&out);
          free (want);
        }
}

/* The subject on regions: tiles of 7 to 128 px, 1 and 3 threads, and
 * regions (across tiles, at the borders, one pixel) give the whole
 * image's bits, with and without alpha, with the blur on knots and on FFT
 * cells; an input short of the reach is refused. */
static void
test_subject_tiling (void)
{
  for (int alpha = 0; alpha < 2; alpha++)
    for (int fft = 0; fft < 2; fft++)
      {
        skc_image in = { 0 }, mask = { 0 }, whole = { 0 };
        wide_subject_scene (alpha ? 4 : 3, &in, &mask);
        int a = alpha ? 3 : -1, w = in.width, h = in.height;
        double factor = fft ? 1e-3 : 1;
        skc_engine *e = subject_engine (5, 512, factor);
        if (!e)
          return;
        CHECK (!skc_engine_needs_whole_image (e));
        skc_run one = { .threads = 1 };
        if (!CHECK (skc_apply_image (e, &in, a, &mask, &one, &whole, NULL)
                    == SKC_OK))
          return;
        const int tiles[] = { 7, 32, 50, 128 };
        for (int t = 0; t < 4; t++)
          for (int threads = 1; threads <= 3; threads += 2)
            {
              skc_engine *te = subject_engine (5, tiles[t], factor);
              skc_image out = { 0 };
              skc_run run = { .threads = threads };
              if (te
                  && CHECK (
                      skc_apply_image (te, &in, a, &mask, &run, &out, NULL)
                      == SKC_OK))
                CHECK_MSG (memcmp (out.data, whole.data,
                                   sizeof (float) * w * h * in.channels)
                               == 0,
                           "subject: alpha %d, fft %d, tile %d, %d threads: "
                           "not the whole image's bits",
                           alpha, fft, tiles[t], threads);
              skc_image_free (&out);
              skc_engine_free (te);
            }
        skc_engine *re = subject_engine (5, 32, factor);
        const int cuts[][4]
            = { { 0, 0, 600, 90 }, { 10, 20, 40, 30 }, { 400, 5, 71, 80 },
                { 0, 85, 600, 5 }, { 577, 41, 1, 1 },  { 131, 31, 233, 2 } };
        for (int k = 0; re && k < 6; k++)
          CHECK_MSG (region_matches (re, &in, &mask, a, &whole, cuts[k][0],
                                     cuts[k][1], cuts[k][2], cuts[k][3], 2),
                     "subject: alpha %d, fft %d, region %d: not the whole "
                     "image's bits",
                     alpha, fft, k);
        /* An input short of the reach is refused. */
        float out[5 * 4 * 4];
        skc_apply_request rq = {
          .image_width = w,
          .image_height = h,
          .channels = in.channels,
          .alpha = a,
          .input = { skc_image_pixel (&in, 1, 0), in.stride, 1, 0, w - 1, h },
          .map = { skc_image_pixel (&mask, 1, 0), mask.stride, 1, 0, w - 1, h },
          .output = { out, 5 * (size_t) in.channels, 7, 3, 5, 4 },
        };
        skc_error err;
        CHECK (re
               && skc_engine_process (re, &rq, NULL, &err)
                      == SKC_ERR_INVALID_ARGUMENT
               && strstr (err.message, "the input must cover it") != NULL);
        skc_engine_free (re);
        skc_engine_free (e);
        skc_image_free (&whole);
        skc_image_free (&in);
        skc_image_free (&mask);
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

/* The naive bounded pull-push: every level whole, as the fill describes
 * it (2 x 2 weighted means with weights capped at 1, then from the top
 * down each pixel short of weight 1 blended toward its parents' bilinear
 * mean weighted by what they know). */
static void
naive_fill (int levels, int w, int h, int C, const float *values,
            const float *weight, float *out, float *known)
{
  int lw[32], lh[32];
  float *v[32], *k[32];
  lw[0] = w, lh[0] = h;
  for (int l = 1; l <= levels; l++)
    lw[l] = (lw[l - 1] + 1) / 2, lh[l] = (lh[l - 1] + 1) / 2;
  v[0] = out, k[0] = known;
  memcpy (out, values, sizeof (float) * w * h * C);
  memcpy (known, weight, sizeof (float) * w * h);
  for (int l = 1; l <= levels; l++)
    {
      v[l] = calloc ((size_t) lw[l] * lh[l] * C, sizeof (float));
      k[l] = calloc ((size_t) lw[l] * lh[l], sizeof (float));
      for (int y = 0; y < lh[l]; y++)
        for (int x = 0; x < lw[l]; x++)
          {
            double sum[4] = { 0 }, ws = 0;
            for (int j = 0; j < 4; j++)
              {
                int fx = 2 * x + j % 2, fy = 2 * y + j / 2;
                if (fx >= lw[l - 1] || fy >= lh[l - 1])
                  continue;
                float fw = k[l - 1][fy * lw[l - 1] + fx];
                if (fw == 0)
                  continue;
                ws += fw;
                for (int c = 0; c < C; c++)
                  sum[c] += fw * v[l - 1][(fy * lw[l - 1] + fx) * C + c];
              }
            for (int c = 0; c < C; c++)
              v[l][(y * lw[l] + x) * C + c]
                  = ws > 0 ? (float) (sum[c] / ws) : 0;
            k[l][y * lw[l] + x] = ws < 1 ? (float) ws : 1;
          }
    }
  for (int l = levels - 1; l >= 0; l--)
    for (int y = 0; y < lh[l]; y++)
      for (int x = 0; x < lw[l]; x++)
        {
          int i = y * lw[l] + x;
          float own = k[l][i];
          if (own >= 1)
            continue;
          double py = (y + 0.5) / 2 - 0.5, px = (x + 0.5) / 2 - 0.5;
          int y0 = (int) floor (py), x0 = (int) floor (px);
          double ty = py - y0, tx = px - x0, kw[4], ks = 0;
          int q[4];
          for (int j = 0; j < 4; j++)
            {
              int qx = x0 + j % 2, qy = y0 + j / 2;
              qx = qx < 0 ? 0 : qx >= lw[l + 1] ? lw[l + 1] - 1 : qx;
              qy = qy < 0 ? 0 : qy >= lh[l + 1] ? lh[l + 1] - 1 : qy;
              q[j] = qy * lw[l + 1] + qx;
              kw[j] = (j % 2 ? tx : 1 - tx) * (j / 2 ? ty : 1 - ty)
                      * k[l + 1][q[j]];
              ks += kw[j];
            }
          double have = own + (1 - own) * ks;
          for (int c = 0; c < C; c++)
            {
              double coarse = 0;
              for (int j = 0; j < 4; j++)
                coarse += kw[j] * v[l + 1][q[j] * C + c];
              v[l][i * C + c]
                  = have > 0
                        ? (float) ((own * v[l][i * C + c] + (1 - own) * coarse)
                                   / have)
                        : 0;
            }
          k[l][i] = (float) have;
        }
  for (int l = 1; l <= levels; l++)
    free (v[l]), free (k[l]);
}

/* The fill on regions against the naive whole-image fill: the same
 * values (to rounding), whatever region is filled; every pixel within
 * 2^levels - 1 of a weighted one known. */
static void
test_fill (void)
{
  const int w = 203, h = 117, C = 4, levels = 4;
  float *values = malloc (sizeof (float) * w * h * C);
  float *weight = malloc (sizeof (float) * w * h);
  float *ref = malloc (sizeof (float) * w * h * C);
  float *ref_known = malloc (sizeof (float) * w * h);
  float *out = malloc (sizeof (float) * w * h * C);
  float *known = malloc (sizeof (float) * w * h);
  unsigned seed = 7;
  for (int i = 0; i < w * h; i++)
    {
      seed = seed * 1103515245u + 12345u;
      int x = i % w, y = i / w;
      /* Sparse sources: a few blobs, a line, and scattered pixels. */
      int on = hypot (x - 40, y - 30) < 6 || (y == 90 && x > 120)
               || (seed >> 16) % 97 == 0;
      weight[i] = on ? 1.0f : (seed >> 16) % 211 == 0 ? 0.5f : 0.0f;
      for (int c = 0; c < C; c++)
        values[i * C + c] = weight[i] > 0 ? texture (x, y, c, 2) : 0;
    }
  naive_fill (levels, w, h, C, values, weight, ref, ref_known);
  skc_fill_scratch scratch = { 0 };
  const skc_rect needs[] = { { 0, 0, w, h },
                             { 30, 20, 90, 70 },
                             { 150, 80, 203, 117 },
                             { 5, 100, 6, 101 } };
  for (int k = 0; k < 4; k++)
    {
      skc_rect n = needs[k], src;
      skc_fill_source (levels, w, h, &n, &src);
      CHECK (src.x0 <= n.x0 && src.y0 <= n.y0 && src.x1 >= n.x1
             && src.y1 >= n.y1 && n.x0 - src.x0 <= 2 << levels
             && src.x1 - n.x1 <= 2 << levels);
      int nw = n.x1 - n.x0;
      if (!CHECK (skc_fill (levels, w, h, C, values + (src.y0 * w + src.x0) * C,
                            weight + src.y0 * w + src.x0, w, &src, &n, out,
                            known, nw, &scratch)))
        continue;
      double worst = 0;
      for (int y = n.y0; y < n.y1; y++)
        for (int x = n.x0; x < n.x1; x++)
          {
            int q = (y - n.y0) * nw + x - n.x0;
            for (int c = 0; c < C; c++)
              worst = fmax (worst,
                            fabs (out[q * C + c] - ref[(y * w + x) * C + c]));
            worst = fmax (worst, fabs (known[q] - ref_known[y * w + x]));
          }
      CHECK_MSG (worst <= 1e-6, "fill of region %d: worst %g", k, worst);
    }
  /* Reach: every pixel within 2^levels - 1 of a source is known. */
  int unknown = 0, reach = (1 << levels) - 1;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        int near = 0;
        for (int dy = -reach; !near && dy <= reach; dy++)
          for (int dx = -reach; !near && dx <= reach; dx++)
            near = x + dx >= 0 && y + dy >= 0 && x + dx < w && y + dy < h
                   && weight[(y + dy) * w + x + dx] == 1;
        unknown += near && ref_known[y * w + x] == 0;
      }
  CHECK_EQ_INT (unknown, 0);
  skc_fill_scratch_free (&scratch);
  free (values);
  free (weight);
  free (ref);
  free (ref_known);
  free (out);
  free (known);
}

static skc_engine *
small_engine (void)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = 3;
  p.cache = cache;
  skc_engine *e = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &e, NULL) == SKC_OK);
  return e;
}

/* The layers' engine memo: a kept engine is shared by key, a second keep
 * of a key shares the first, idle entries make room, and when every entry
 * is in use a new engine stays its caller's. */
static void
test_memo (void)
{
  skc_engine *a = small_engine (), *b = small_engine ();
  int kept = 0;
  CHECK (skc_engine_memo_take ("test|a") == NULL);
  CHECK (skc_engine_memo_keep ("test|a", a, &kept) == a && kept);
  CHECK (skc_engine_memo_take ("test|a") == a);
  CHECK (skc_engine_memo_keep ("test|a", b, &kept) == a && kept);
  for (int k = 0; k < 3; k++)
    skc_engine_memo_release (a);
  /* Many keys, each released at once: idle entries are evicted. */
  char key[32];
  for (int k = 0; k < 100; k++)
    {
      snprintf (key, sizeof key, "test|idle %d", k);
      skc_engine *e = small_engine ();
      CHECK (skc_engine_memo_keep (key, e, &kept) == e && kept);
      skc_engine_memo_release (e);
    }
  /* Every entry in use: the next engine is not kept. */
  skc_engine *busy[128];
  int held = 0, refused = 0;
  for (int k = 0; k < 128 && !refused; k++)
    {
      snprintf (key, sizeof key, "test|busy %d", k);
      busy[held] = small_engine ();
      skc_engine *use = skc_engine_memo_keep (key, busy[held], &kept);
      CHECK (use == busy[held]);
      if (kept)
        held++;
      else
        {
          refused = 1;
          skc_engine_free (busy[held]);
        }
    }
  CHECK (refused && held >= 8);
  /* Emptying the memo frees its idle engines and keeps those in use. */
  skc_engine_memo_release (busy[0]);
  skc_engine_memo_clear_idle ();
  CHECK (skc_engine_memo_take ("test|busy 0") == NULL);
  CHECK (skc_engine_memo_take ("test|busy 1") == busy[1]);
  skc_engine_memo_release (busy[1]);
  for (int k = 1; k < held; k++)
    skc_engine_memo_release (busy[k]);
  skc_engine_memo_clear_idle ();
}

int
main (void)
{
  cache = skc_cache_new (NULL, 64);
  test_names ();
  test_reference ();
  test_rule ();
  test_seams ();
  test_beats_gather ();
  test_tiling ();
  test_smooth_gather ();
  test_depth_kernel ();
  test_fill ();
  test_memo ();
  test_subject_reference ();
  test_subject_tiling ();
  test_subject_halo ();
  test_subject_errors ();
  skc_cache_free (cache);
  return check_summary ();
}
