/* skc command-line tool — `skc bench occlusion`: depth of field on layered
 * synthetic scenes with exact truth (issue 14).  Each scene is a stack of
 * layers, far to near, each with full colour (hidden parts included),
 * alpha and its own circle of confusion.  The truth blurs each layer's
 * colour x alpha and alpha with the exact disc of its radius (dense FFT
 * convolution, clamped edges) and composites back to front,
 * C = blur (L a) + (1 - blur (a)) C.  The methods see only the sharp
 * composite and its depth map (the nearest layer whose alpha is at least
 * 1/2): skc's gather (a blur map), skc's layered path (--depth white-near)
 * and gegl:lens-blur with the blur amount as its aux map; where the scene
 * is a sharp subject before one background, also skc's subject mode
 * (--subject) with the subject's true alpha as the mask.  A tilted plane
 * (one surface whose depth changes smoothly, hiding nothing) has its own
 * truth: every pixel's exact disc at its own radius, summed (see
 * scatter_rows); it shows the seams a layered path may leave where its
 * layers meet.
 *
 * Figures: PSNR (linear light, peak 1) over the edge band (pixels within
 * the largest radius of a depth edge, at least that far from the image's
 * border); the halo index (the mean excess of the subject's colour over
 * the truth in a 30 px band outside its silhouette, as a fraction of the
 * subject/background contrast) and the bleed index (the same for the
 * background's colour in a 30 px band inside the subject); the mean
 * |second vertical difference| over the band, over the truth's (a seam
 * adds to it, a blur softer than the truth takes from it; on the tilted
 * plane the band is its inside, where the radius is at least 2 px);
 * seconds of the second of two runs (preparation and blur; fits come
 * from the cache).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <fftw3.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifdef SKC_HAVE_GEGL
#include <gegl.h>
#endif

#include "bench_apply.h"
#include "cli.h"

#define OCC_MAX_LAYERS 3
#define OCC_BAND 30 /* px: the halo and bleed bands */

/* One layer: a value of the depth map (white near) and a shape. */
typedef struct
{
  float depth;
  int shape; /* 0: everywhere; 1: a lobed blob; 2: a bar with a knob */
  double cx, cy, size;
  float tint[3];
  unsigned seed;
  int ramp;     /* the depth runs from `depth` at the top to `bottom` */
  float bottom; /* at the bottom row (a tilted plane) */
} occ_layer;

typedef struct
{
  const char *name;
  double radius, focus; /* the blur's R_max and focus: r = R |v - focus| */
  int layers;
  occ_layer layer[OCC_MAX_LAYERS]; /* far to near */
  int subject;                     /* the layer the halo is measured on */
  int foreground;  /* a blurred near layer of shape 2 whose edge width is
                      measured (over the background), or -1 */
  const char *key; /* the speed table's name */
} occ_scene;

static const occ_scene scenes[] = {
  { "sharp subject before a blurred background (R 30)",
    30,
    1,
    2,
    { { 0.0f, 0, 0, 0, 0, { 0.25f, 0.45f, 0.30f }, 11, 0, 0.0f },
      { 1.0f, 1, 0.45, 0.5, 0.30, { 0.85f, 0.45f, 0.35f }, 12, 0, 0.0f } },
    1,
    -1,
    "sharp subject" },
  { "blurred foreground (R 25) before a sharp background",
    25,
    0,
    2,
    { { 0.0f, 0, 0, 0, 0, { 0.30f, 0.35f, 0.55f }, 21, 0, 0.0f },
      { 1.0f, 2, 0.55, 0.45, 0.26, { 0.80f, 0.70f, 0.25f }, 22, 0, 0.0f } },
    1,
    1,
    "blurred foreground" },
  { "three planes, focus in the middle",
    40,
    0.5,
    3,
    { { 0.0f, 0, 0, 0, 0, { 0.35f, 0.30f, 0.50f }, 31, 0, 0.0f },
      { 0.5f, 1, 0.42, 0.55, 0.26, { 0.80f, 0.50f, 0.30f }, 32, 0, 0.0f },
      { 1.0f, 2, 0.72, 0.35, 0.17, { 0.30f, 0.70f, 0.45f }, 33, 0, 0.0f } },
    1,
    2,
    "three planes" },
  /* Two planes close in depth (radii 15 and 18.6): the nearer hides the
     farther, but their blurs hardly differ. */
  { "two planes close in depth (R 15 / 18.6)",
    30,
    0,
    2,
    { { 0.5f, 0, 0, 0, 0, { 0.30f, 0.45f, 0.60f }, 51, 0, 0.0f },
      { 0.62f, 1, 0.5, 0.5, 0.30, { 0.85f, 0.60f, 0.30f }, 52, 0, 0.0f } },
    1,
    -1,
    "close planes" },
  /* A floor: one textured plane whose depth runs from far at the top to
     near at the bottom, in focus a third of the way down (radius 10.5 at
     the top, 19.5 at the bottom); nothing hides anything. */
  { "tilted plane, focus a third down (R 30)",
    30,
    0.35,
    1,
    { { 0.0f, 0, 0, 0, 0, { 0.70f, 0.55f, 0.40f }, 41, 1, 1.0f } },
    0,
    -1,
    "tilted plane" },
};
#define SCENE_COUNT ((int) (sizeof scenes / sizeof scenes[0]))

/* A hash of integer coordinates to 0..1. */
static float
hash01 (unsigned seed, int x, int y)
{
  uint32_t h = seed * 0x9E3779B9u ^ (uint32_t) x * 0x85EBCA6Bu
               ^ (uint32_t) y * 0xC2B2AE35u;
  h ^= h >> 16;
  h *= 0x7FEB352Du;
  h ^= h >> 15;
  h *= 0x846CA68Bu;
  h ^= h >> 16;
  return (h >> 8) * (1.0f / 16777216.0f);
}

/* Smooth value noise of cell size `cell` px. */
static float
value_noise (unsigned seed, double x, double y, double cell)
{
  double fx = x / cell, fy = y / cell;
  int ix = (int) floor (fx), iy = (int) floor (fy);
  double tx = fx - ix, ty = fy - iy;
  tx = tx * tx * (3 - 2 * tx);
  ty = ty * ty * (3 - 2 * ty);
  double a = hash01 (seed, ix, iy), b = hash01 (seed, ix + 1, iy);
  double c = hash01 (seed, ix, iy + 1), d = hash01 (seed, ix + 1, iy + 1);
  return (float) ((a * (1 - tx) + b * tx) * (1 - ty)
                  + (c * (1 - tx) + d * tx) * ty);
}

/* How far inside the layer's shape (x, y) is, in px (negative outside;
 * the background is everywhere). */
static double
inside (const occ_layer *l, int w, int h, double x, double y)
{
  double s = l->size * h, dx = x - l->cx * w, dy = y - l->cy * h;
  if (l->shape == 0)
    return 1e9;
  if (l->shape == 1)
    {
      /* A disc with five lobes. */
      double a = atan2 (dy, dx);
      double r = s
                 * (1 + 0.12 * sin (5 * a + l->seed)
                    + 0.05 * sin (3 * a - 0.7 * l->seed));
      return r - sqrt (dx * dx + dy * dy);
    }
  /* A knob (disc of 0.55 s) on a vertical bar 0.4 s wide reaching down. */
  double knob = 0.55 * s - sqrt (dx * dx + dy * dy);
  double bar = dy > 0 ? 0.2 * s - fabs (dx) : knob;
  return knob > bar ? knob : bar;
}

/* A layer's colour (textured, with a few highlights) and alpha (the shape
 * anti-aliased over a pixel) at every pixel. */
static void
make_layer (const occ_layer *l, int w, int h, float *colour, float *alpha)
{
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        double d = inside (l, w, h, x + 0.5, y + 0.5);
        alpha[i] = (float) (d > 0.5 ? 1 : d < -0.5 ? 0 : d + 0.5);
        float coarse = value_noise (l->seed, x, y, 40);
        float fine = value_noise (l->seed + 7, x, y, 6);
        for (int c = 0; c < 3; c++)
          {
            float stripe
                = 0.5f
                  + 0.5f * (float) sin ((x * (c + 1) + 2 * y) * 0.05 + l->seed);
            float v = l->tint[c]
                      * (0.55f + 0.5f * coarse + 0.25f * fine - 0.15f * stripe);
            colour[i * 3 + c] = v < 0 ? 0 : v > 1 ? 1 : v;
          }
        /* Highlights: a few bright dots on a grid of 64 px cells. */
        int cx = x / 64, cy = y / 64;
        if (hash01 (l->seed + 99, cx, cy) < 0.12f)
          {
            double hx = cx * 64 + 12 + 40 * hash01 (l->seed + 5, cx, cy);
            double hy = cy * 64 + 12 + 40 * hash01 (l->seed + 6, cx, cy);
            double r2 = (x + 0.5 - hx) * (x + 0.5 - hx)
                        + (y + 0.5 - hy) * (y + 0.5 - hy);
            if (r2 < 4)
              for (int c = 0; c < 3; c++)
                colour[i * 3 + c] = 1;
          }
      }
}

/* Convolution of `n` planes (w x h each) with a kernel (odd side k,
 * centred), edges clamped, by FFT; in place. */
static void
fft_convolve (float *planes, int n, int w, int h, const skc_image *kernel)
{
  int half = kernel->width / 2;
  int pw = w + 2 * half, ph = h + 2 * half;
  int cw = pw / 2 + 1;
  float *buf = fftwf_malloc (sizeof (float) * pw * ph);
  float *kbuf = fftwf_malloc (sizeof (float) * pw * ph);
  fftwf_complex *spec = fftwf_malloc (sizeof (fftwf_complex) * ph * cw);
  fftwf_complex *kspec = fftwf_malloc (sizeof (fftwf_complex) * ph * cw);
  if (!buf || !kbuf || !spec || !kspec)
    cli_die ("bench occlusion: out of memory");
  fftwf_plan fk = fftwf_plan_dft_r2c_2d (ph, pw, kbuf, kspec, FFTW_ESTIMATE);
  fftwf_plan fwd = fftwf_plan_dft_r2c_2d (ph, pw, buf, spec, FFTW_ESTIMATE);
  fftwf_plan inv = fftwf_plan_dft_c2r_2d (ph, pw, spec, buf, FFTW_ESTIMATE);
  memset (kbuf, 0, sizeof (float) * pw * ph);
  for (int y = -half; y <= half; y++)
    for (int x = -half; x <= half; x++)
      kbuf[(size_t) ((y + ph) % ph) * pw + (x + pw) % pw]
          = kernel->data[(size_t) (y + half) * kernel->stride + x + half];
  fftwf_execute (fk);
  for (int p = 0; p < n; p++)
    {
      float *plane = planes + (size_t) p * w * h;
      for (int y = 0; y < ph; y++)
        for (int x = 0; x < pw; x++)
          {
            int sx = x - half < 0 ? 0 : x - half >= w ? w - 1 : x - half;
            int sy = y - half < 0 ? 0 : y - half >= h ? h - 1 : y - half;
            buf[(size_t) y * pw + x] = plane[(size_t) sy * w + sx];
          }
      fftwf_execute (fwd);
      for (size_t i = 0; i < (size_t) ph * cw; i++)
        {
          float re = spec[i][0] * kspec[i][0] - spec[i][1] * kspec[i][1];
          float im = spec[i][0] * kspec[i][1] + spec[i][1] * kspec[i][0];
          spec[i][0] = re / ((float) pw * ph);
          spec[i][1] = im / ((float) pw * ph);
        }
      fftwf_execute (inv);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          plane[(size_t) y * w + x] = buf[(size_t) (y + half) * pw + x + half];
    }
  fftwf_destroy_plan (fk);
  fftwf_destroy_plan (fwd);
  fftwf_destroy_plan (inv);
  fftwf_free (buf);
  fftwf_free (kbuf);
  fftwf_free (spec);
  fftwf_free (kspec);
}

/* Everything a scene's methods and figures need. */
typedef struct
{
  const occ_scene *s;
  int w, h;
  skc_image input, map, amount, truth; /* RGB, 1, 1, RGB */
  skc_image subject_alpha;             /* the subject layer's alpha */
  unsigned char *label;                /* each pixel's layer (the map's) */
  unsigned char *band;                 /* the edge band */
  unsigned char *rim; /* within OCC_BAND px of the subject's silhouette */
  double band_radius;
  float subject[3], background[3]; /* mean colours, for the indices */
  float foreground[3];             /* of scene->foreground's layer */
  double truth_edge_width;         /* px, 10-90 % (NAN: no foreground) */
} occ_case;

/* Layer k's depth at row y of h. */
static double
layer_depth (const occ_layer *l, int y, int h)
{
  return l->ramp ? l->depth + (l->bottom - l->depth) * (y + 0.5) / h : l->depth;
}

/* Layer k's largest radius. */
static double
layer_radius (const occ_scene *s, int k)
{
  const occ_layer *l = &s->layer[k];
  double r = s->radius * fabs (l->depth - s->focus);
  double bottom = s->radius * fabs (l->bottom - s->focus);
  return l->ramp && bottom > r ? bottom : r;
}

/* A tilted layer's truth: a continuous surface hides nothing of itself,
 * so each point spreads by its own circle of confusion: the sum of every
 * pixel's exact disc at its own radius (the limit of the layered truth
 * as its layers grow thin; a gather, each pixel taking the disc of its
 * own radius, is what skc's map blur computes and is not the physics).
 * Dense, row by row (a row has one radius), into `n` planes in place;
 * pixels that the image's border cuts off spread nothing in, so only
 * pixels the largest radius away from the border are measured. */
static void
scatter_rows (float *planes, int n, int w, int h, const occ_scene *s,
              const occ_layer *l)
{
  size_t np = (size_t) w * h;
  float *out = calloc (np * n, sizeof (float));
  if (!out)
    cli_die ("bench occlusion: out of memory");
  skc_shape disc;
  skc_shape_init (&disc);
  for (int y = 0; y < h; y++)
    {
      double r = s->radius * fabs (layer_depth (l, y, h) - s->focus);
      skc_image kernel = { 0 };
      skc_error err;
      if (skc_shape_render (&disc, r, 0, &kernel, &err) != SKC_OK)
        cli_die ("bench occlusion: %s", err.message);
      int half = kernel.width / 2;
      for (int dy = -half; dy <= half; dy++)
        {
          if (y + dy < 0 || y + dy >= h)
            continue;
          const float *k = kernel.data + (size_t) (dy + half) * kernel.stride;
          for (int p = 0; p < n; p++)
            {
              const float *src = planes + p * np + (size_t) y * w;
              float *dst = out + p * np + (size_t) (y + dy) * w;
              for (int dx = -half; dx <= half; dx++)
                {
                  float kv = k[dx + half];
                  if (kv == 0)
                    continue;
                  int x0 = dx < 0 ? -dx : 0, x1 = dx > 0 ? w - dx : w;
                  for (int x = x0; x < x1; x++)
                    dst[x + dx] += kv * src[x];
                }
            }
        }
      skc_image_free (&kernel);
    }
  memcpy (planes, out, np * n * sizeof (float));
  free (out);
}

static double edge_width (const occ_case *oc, const float *out);

/* A scene's input, depth map and blur amount; with `truth`, its truth
 * and the bands the figures use. */
static void
make_case (const occ_scene *s, int w, int h, int truth, occ_case *oc)
{
  size_t n = (size_t) w * h;
  memset (oc, 0, sizeof *oc);
  oc->s = s, oc->w = w, oc->h = h;
  if (skc_image_alloc (&oc->input, w, h, 3) != SKC_OK
      || (truth && skc_image_alloc (&oc->truth, w, h, 3) != SKC_OK)
      || skc_image_alloc (&oc->map, w, h, 1) != SKC_OK
      || skc_image_alloc (&oc->amount, w, h, 1) != SKC_OK
      || skc_image_alloc (&oc->subject_alpha, w, h, 1) != SKC_OK)
    cli_die ("bench occlusion: out of memory");
  oc->label = calloc (n, 1);
  oc->band = calloc (n, 1);
  oc->rim = calloc (n, 1);
  float *colour = malloc (n * 3 * sizeof (float));
  float *alpha = malloc (n * sizeof (float));
  float *planes = malloc (n * 4 * sizeof (float));
  if (!oc->label || !oc->band || !oc->rim || !colour || !alpha || !planes)
    cli_die ("bench occlusion: out of memory");
  double sums[3][4] = { { 0 } };
  for (int k = 0; k < s->layers; k++)
    {
      make_layer (&s->layer[k], w, h, colour, alpha);
      if (k == s->subject)
        memcpy (oc->subject_alpha.data, alpha, n * sizeof (float));
      for (size_t i = 0; i < n; i++)
        {
          for (int c = 0; c < 3; c++)
            {
              float la = colour[i * 3 + c] * alpha[i];
              oc->input.data[i * 3 + c]
                  = la + (1 - alpha[i]) * oc->input.data[i * 3 + c];
              planes[c * n + i] = la;
            }
          planes[3 * n + i] = alpha[i];
          if (alpha[i] >= 0.5f)
            oc->label[i] = (unsigned char) k;
          /* Mean colours where the layer is fully there. */
          int which[3] = { k == s->subject, k == 0, k == s->foreground };
          for (int j = 0; j < 3; j++)
            if (which[j] && alpha[i] >= 1)
              {
                for (int c = 0; c < 3; c++)
                  sums[j][c] += colour[i * 3 + c];
                sums[j][3] += 1;
              }
        }
      double r = layer_radius (s, k);
      if (!truth)
        continue;
      if (s->layer[k].ramp)
        scatter_rows (planes, 4, w, h, s, &s->layer[k]);
      else if (r > 0)
        {
          skc_shape disc;
          skc_image kernel = { 0 };
          skc_error err;
          skc_shape_init (&disc);
          if (skc_shape_render (&disc, r, 0, &kernel, &err) != SKC_OK)
            cli_die ("bench occlusion: %s", err.message);
          fft_convolve (planes, 4, w, h, &kernel);
          skc_image_free (&kernel);
        }
      for (size_t i = 0; i < n; i++)
        for (int c = 0; c < 3; c++)
          oc->truth.data[i * 3 + c]
              = planes[c * n + i]
                + (1 - planes[3 * n + i]) * oc->truth.data[i * 3 + c];
    }
  for (int c = 0; c < 3; c++)
    {
      oc->subject[c] = (float) (sums[0][c] / sums[0][3]);
      oc->background[c] = (float) (sums[1][c] / sums[1][3]);
      oc->foreground[c]
          = sums[2][3] > 0 ? (float) (sums[2][c] / sums[2][3]) : 0;
    }
  /* The depth map and the blur amount (gegl:lens-blur's aux). */
  for (size_t i = 0; i < n; i++)
    {
      float v = (float) layer_depth (&s->layer[oc->label[i]], (int) (i / w), h);
      oc->map.data[i] = v;
      oc->amount.data[i] = (float) fabs (v - s->focus);
    }
  free (planes);
  planes = NULL;
  oc->truth_edge_width = truth ? edge_width (oc, oc->truth.data) : NAN;
  /* The band: within the largest radius of a depth edge, that far from
     the border. */
  double rb = 0;
  for (int k = 0; k < s->layers; k++)
    rb = layer_radius (s, k) > rb ? layer_radius (s, k) : rb;
  oc->band_radius = rb;
  int ir = (int) ceil (rb);
  for (int y = 0; truth && y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        int edge = (x + 1 < w && oc->label[i] != oc->label[i + 1])
                   || (y + 1 < h && oc->label[i] != oc->label[i + w]);
        if (!edge)
          continue;
        for (int dy = -ir; dy <= ir; dy++)
          for (int dx = -ir; dx <= ir; dx++)
            {
              int bx = x + dx, by = y + dy;
              if (dx * dx + dy * dy <= rb * rb && bx >= ir && by >= ir
                  && bx < w - ir && by < h - ir)
                oc->band[(size_t) by * w + bx] = 1;
            }
      }
  /* A tilted plane has no depth edge: its band is all that lies the
     largest radius from the border, where its radius is at least 2 px
     (below, the engines' small discs and the exact ones' sampling differ
     more than any seam: not what is measured here). */
  for (int k = 0; truth && k < s->layers; k++)
    for (int y = ir; s->layer[k].ramp && y < h - ir; y++)
      if (s->radius * fabs (layer_depth (&s->layer[k], y, h) - s->focus) >= 2)
        memset (oc->band + (size_t) y * w + ir, 1, (size_t) (w - 2 * ir));
  /* The rim: within OCC_BAND px of an edge of the subject's silhouette. */
  for (int y = 0; truth && y < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        int in = oc->label[i] == s->subject;
        int edge = (x + 1 < w && (oc->label[i + 1] == s->subject) != in)
                   || (y + 1 < h && (oc->label[i + w] == s->subject) != in);
        for (int dy = -OCC_BAND; edge && dy <= OCC_BAND; dy++)
          for (int dx = -OCC_BAND; dx <= OCC_BAND; dx++)
            if (dx * dx + dy * dy <= OCC_BAND * OCC_BAND && x + dx >= 0
                && y + dy >= 0 && x + dx < w && y + dy < h)
              oc->rim[(size_t) (y + dy) * w + x + dx] = 1;
      }
  free (colour);
  free (alpha);
}

static void
free_case (occ_case *oc)
{
  skc_image_free (&oc->input);
  skc_image_free (&oc->map);
  skc_image_free (&oc->amount);
  skc_image_free (&oc->truth);
  skc_image_free (&oc->subject_alpha);
  free (oc->label);
  free (oc->band);
  free (oc->rim);
}

typedef struct
{
  double psnr, halo, bleed, edge, seconds;
  int ok;
  double cpu; /* seconds of every thread of the process */
  double d2;  /* mean |second difference| down the band, over the truth's */
} occ_figures;

/* CPU seconds of the process (all threads): on a shared machine steadier
 * than the wall clock. */
static double
cpu_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

/* Bilinear sample of an RGB image at (x, y) (pixel centres at + 0.5),
 * edges clamped. */
static void
sample (const float *rgb, int w, int h, double x, double y, double *out)
{
  x -= 0.5, y -= 0.5;
  int x0 = (int) floor (x), y0 = (int) floor (y);
  double tx = x - x0, ty = y - y0;
  for (int c = 0; c < 3; c++)
    out[c] = 0;
  for (int j = 0; j < 4; j++)
    {
      int sx = x0 + j % 2, sy = y0 + j / 2;
      sx = sx < 0 ? 0 : sx >= w ? w - 1 : sx;
      sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
      double wt = (j % 2 ? tx : 1 - tx) * (j / 2 ? ty : 1 - ty);
      for (int c = 0; c < 3; c++)
        out[c] += wt * rgb[((size_t) sy * w + sx) * 3 + c];
    }
}

#define EDGE_ANGLES 64
#define EDGE_STEP 0.25 /* px between profile samples */

/* The blurred foreground's 10-90 % edge width (px) along the edge normal:
 * the mean profile across the top of its knob (a disc; the bar hangs
 * below), over EDGE_ANGLES normals from 200 to 340 degrees, each sample
 * the colour's share of the way from the background's mean to the
 * foreground's; the width is the distance between where the mean profile,
 * coming in from outside, first reaches 10 % and 90 % of the way from its
 * outer plateau to its inner one.  NAN without a foreground. */
static double
edge_width (const occ_case *oc, const float *out)
{
  const occ_scene *s = oc->s;
  if (s->foreground < 0)
    return NAN;
  const occ_layer *l = &s->layer[s->foreground];
  double cx = l->cx * oc->w, cy = l->cy * oc->h;
  double knob = 0.55 * l->size * oc->h;
  double reach = layer_radius (s, s->foreground) + 6;
  if (knob - reach < 8)
    return NAN; /* the image is too small for the profile */
  int n = (int) (2 * reach / EDGE_STEP) + 1;
  double *profile = calloc ((size_t) n, sizeof *profile);
  double d[3], dd = 0;
  if (!profile)
    cli_die ("bench occlusion: out of memory");
  for (int c = 0; c < 3; c++)
    d[c] = oc->foreground[c] - oc->background[c], dd += d[c] * d[c];
  for (int a = 0; a < EDGE_ANGLES; a++)
    {
      double angle = (200 + 140.0 * a / (EDGE_ANGLES - 1)) * M_PI / 180;
      for (int k = 0; k < n; k++)
        {
          /* t < 0 inside the foreground, t > 0 outside. */
          double t = -reach + k * EDGE_STEP, v[3], share = 0;
          sample (out, oc->w, oc->h, cx + (knob + t) * cos (angle),
                  cy + (knob + t) * sin (angle), v);
          for (int c = 0; c < 3; c++)
            share += (v[c] - oc->background[c]) * d[c] / dd;
          profile[k] += share / EDGE_ANGLES;
        }
    }
  /* The plateaus: the profile's first and last 2 px. */
  int ends = (int) (2 / EDGE_STEP);
  double inner = 0, outer = 0;
  for (int k = 0; k < ends; k++)
    inner += profile[k] / ends, outer += profile[n - 1 - k] / ends;
  double at[2] = { NAN, NAN }, level[2] = { 0.1, 0.9 };
  for (int q = 0; q < 2; q++)
    for (int k = n - 1; k > 0; k--)
      {
        double f1 = (profile[k] - outer) / (inner - outer);
        double f0 = (profile[k - 1] - outer) / (inner - outer);
        if (f1 < level[q] && f0 >= level[q])
          {
            at[q] = -reach + (k - (level[q] - f1) / (f0 - f1)) * EDGE_STEP;
            break;
          }
      }
  free (profile);
  return at[0] - at[1];
}

/* The subject's colour in excess of the truth, as a fraction of the
 * contrast (toward the subject's mean), averaged over the pixels within
 * OCC_BAND px outside (or, for the bleed, inside and toward the
 * background's) the subject's silhouette. */
static double
excess (const occ_case *oc, const float *out, int outside)
{
  const float *toward = outside ? oc->subject : oc->background;
  const float *from = outside ? oc->background : oc->subject;
  double d[3], dd = 0, sum = 0;
  long count = 0;
  int w = oc->w, h = oc->h, subject = oc->s->subject;
  for (int c = 0; c < 3; c++)
    d[c] = toward[c] - from[c], dd += d[c] * d[c];
  for (int y = OCC_BAND; y < h - OCC_BAND; y++)
    for (int x = OCC_BAND; x < w - OCC_BAND; x++)
      {
        size_t i = (size_t) y * w + x;
        int in_subject = oc->label[i] == subject;
        /* Outside: the layers behind the subject only. */
        if (outside ? in_subject || oc->label[i] > subject : !in_subject)
          continue;
        if (!oc->rim[i])
          continue;
        double e = 0;
        for (int c = 0; c < 3; c++)
          e += (out[i * 3 + c] - oc->truth.data[i * 3 + c]) * d[c];
        sum += e / dd;
        count++;
      }
  return count ? sum / count : NAN;
}

static void
measure (const occ_case *oc, const float *out, occ_figures *f)
{
  f->ok = 1;
  if (!oc->truth.data)
    return; /* timing only */
  double sse = 0;
  long count = 0;
  size_t n = (size_t) oc->w * oc->h;
  for (size_t i = 0; i < n; i++)
    if (oc->band[i])
      for (int c = 0; c < 3; c++)
        {
          double e = out[i * 3 + c] - oc->truth.data[i * 3 + c];
          sse += e * e;
          count++;
        }
  f->psnr = count && sse > 0 ? 10 * log10 (count / sse) : INFINITY;
  /* Sharpness down the band: the mean |second vertical difference| of the
     result over the truth's (1: as sharp; a layer's seam adds to it). */
  int w = oc->w, h = oc->h;
  double d2[2] = { 0, 0 };
  for (int y = 1; y + 1 < h; y++)
    for (int x = 0; x < w; x++)
      {
        size_t i = (size_t) y * w + x;
        if (!oc->band[i] || !oc->band[i - w] || !oc->band[i + w])
          continue;
        for (int c = 0; c < 3; c++)
          for (int t = 0; t < 2; t++)
            {
              const float *v = t ? oc->truth.data : out;
              d2[t] += fabs (v[(i - w) * 3 + c] - 2 * v[i * 3 + c]
                             + v[(i + w) * 3 + c]);
            }
      }
  f->d2 = d2[1] > 0 ? d2[0] / d2[1] : NAN;
  f->halo = excess (oc, out, 1);
  f->bleed = excess (oc, out, 0);
  f->edge = edge_width (oc, out);
}

/* Whether the scene is a sharp subject in front of one background: skc's
 * subject mode applies. */
static int
subject_scene (const occ_scene *s)
{
  return s->layers == 2 && s->subject == 1 && layer_radius (s, 1) == 0;
}

/* skc through the one apply path: a blur map, with or without depth, or
 * (SKC_DEPTH_SUBJECT) the subject's true alpha in front of the background
 * at its radius. */
static void
run_skc (const occ_case *oc, skc_depth_order depth, int threads, occ_figures *f)
{
  skc_params p;
  skc_params_init (&p);
  int subject = depth == SKC_DEPTH_SUBJECT;
  p.radius = subject ? layer_radius (oc->s, 0) : oc->s->radius;
  p.focus = oc->s->focus;
  p.depth = depth;
  skc_run run = { .threads = threads };
  skc_engine *e = NULL;
  skc_image out = { 0 };
  skc_error err;
  double t0 = bench_now_seconds (), c0 = cpu_seconds ();
  if (skc_engine_new (&p, 1, &run, &e, &err) != SKC_OK
      || skc_apply_image (e, &oc->input, -1,
                          subject ? &oc->subject_alpha : &oc->map, &run, &out,
                          &err)
             != SKC_OK)
    cli_die ("bench occlusion: %s", err.message);
  f->seconds = bench_now_seconds () - t0;
  f->cpu = cpu_seconds () - c0;
  measure (oc, out.data, f);
  skc_engine_free (e);
  skc_image_free (&out);
}

#ifdef SKC_HAVE_GEGL
/* gegl:lens-blur with the blur amount |v - focus| as its aux map. */
static void
run_gegl_lens (const occ_case *oc, int threads, occ_figures *f)
{
  static int ready;
  if (!ready)
    {
      gegl_init (NULL, NULL);
      g_object_set (
          gegl_config (), "application-license", "GPL3", "threads",
          threads > 0 ? threads : (int) sysconf (_SC_NPROCESSORS_ONLN), NULL);
      ready = 1;
    }
  if (!gegl_has_operation ("gegl:lens-blur"))
    return;
  int w = oc->w, h = oc->h;
  size_t n = (size_t) w * h;
  GeglRectangle all = { 0, 0, w, h };
  const Babl *rgb = babl_format ("RGB float");
  float *out = malloc (n * 3 * sizeof (float));
  if (!out)
    cli_die ("bench occlusion: out of memory");
  double t0 = bench_now_seconds (), c0 = cpu_seconds ();
  GeglBuffer *input = gegl_buffer_new (&all, rgb);
  gegl_buffer_set (input, &all, 0, rgb, oc->input.data, GEGL_AUTO_ROWSTRIDE);
  /* Stored as Y' so that the op, which reads Y', sees the values. */
  const Babl *grey = babl_format ("Y' float");
  GeglBuffer *aux = gegl_buffer_new (&all, grey);
  gegl_buffer_set (aux, &all, 0, grey, oc->amount.data, GEGL_AUTO_ROWSTRIDE);
  GeglBuffer *output = gegl_buffer_new (&all, rgb);
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", input, NULL);
  GeglNode *map = gegl_node_new_child (graph, "operation", "gegl:buffer-source",
                                       "buffer", aux, NULL);
  GeglNode *op = gegl_node_new_child (graph, "operation", "gegl:lens-blur",
                                      "radius", oc->s->radius, NULL);
  GeglNode *sink = gegl_node_new_child (graph, "operation", "gegl:write-buffer",
                                        "buffer", output, NULL);
  gegl_node_link_many (source, op, sink, NULL);
  gegl_node_connect_to (map, "output", op, "aux");
  gegl_node_process (sink);
  gegl_buffer_get (output, &all, 1.0, rgb, out, GEGL_AUTO_ROWSTRIDE,
                   GEGL_ABYSS_NONE);
  f->seconds = bench_now_seconds () - t0;
  f->cpu = cpu_seconds () - c0;
  measure (oc, out, f);
  g_object_unref (graph);
  g_object_unref (input);
  g_object_unref (aux);
  g_object_unref (output);
  free (out);
}
#endif

/* One method on a case: `warm` untimed runs, then `runs` timed ones;
 * the median seconds (wall), and of CPU seconds in *cpu. */
static double
timed (occ_case *oc, int method, int threads, int warm, int runs, double *cpu)
{
  double seconds[64], cpus[64];
  *cpu = NAN;
  for (int k = 0; k < warm + runs; k++)
    {
      occ_figures f = { NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN };
      if (method < 2)
        run_skc (oc, method ? SKC_DEPTH_WHITE_NEAR : SKC_DEPTH_NONE, threads,
                 &f);
#ifdef SKC_HAVE_GEGL
      else
        run_gegl_lens (oc, threads, &f);
#endif
      if (!f.ok)
        return NAN;
      if (k >= warm)
        seconds[k - warm] = f.seconds, cpus[k - warm] = f.cpu;
    }
  double least;
  *cpu = bench_median (cpus, runs, &least);
  return bench_median (seconds, runs, &least);
}

/* --speed: each scene at R_max `radius` (its layers' radii scaled), no
 * truth: the gather, the layered path and gegl:lens-blur, median of
 * `runs` (skc's after one warm run: fits and tables from the cache). */
static void
speed_table (int w, int h, double radius, int threads, int runs, int gegl,
             FILE *csv)
{
  printf ("| scene | size | R_max | skc gather s (CPU s) | skc occlusion s "
          "(CPU s) | gegl:lens-blur s (CPU s) | occlusion / gather | "
          "occlusion / gegl |\n");
  printf ("|---|---|---|---|---|---|---|---|\n");
  for (int s = 0; s < SCENE_COUNT; s++)
    {
      occ_scene scene = scenes[s];
      scene.radius = radius;
      occ_case oc;
      make_case (&scene, w, h, 0, &oc);
      double t[3] = { NAN, NAN, NAN }, c[3] = { NAN, NAN, NAN };
      t[0] = timed (&oc, 0, threads, 1, runs, &c[0]);
      t[1] = timed (&oc, 1, threads, 1, runs, &c[1]);
      if (gegl)
        t[2] = timed (&oc, 2, threads, 0, runs, &c[2]);
      printf ("| %s | %dx%d | %g | %.2f (%.2f) | %.2f (%.2f) | %.2f (%.2f) | "
              "%.2f (CPU %.2f) | %.2f (CPU %.2f) |\n",
              scene.key, w, h, radius, t[0], c[0], t[1], c[1], t[2], c[2],
              t[1] / t[0], c[1] / c[0], t[1] / t[2], c[1] / c[2]);
      fprintf (csv, "%s,%dx%d,%g,%d,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n", scene.key,
               w, h, radius, threads, t[0], t[1], t[2], c[0], c[1], c[2]);
      fflush (stdout);
      free_case (&oc);
    }
}

int
cli_bench_occlusion (int argc, char **argv)
{
  const char *csv_path = NULL;
  int w = 768, h = 512, threads = 0, gegl = 1, speed = 0, runs = 3;
  double radius = 50;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--size") == 0)
        {
          const char *v = cli_value (argc, argv, &i);
          if (sscanf (v, "%dx%d", &w, &h) != 2 || w < 128 || h < 128 || w > 8192
              || h > 8192)
            cli_die ("--size: WxH, 128..8192 each");
        }
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--no-gegl") == 0)
        gegl = 0;
      else if (strcmp (a, "--speed") == 0)
        speed = 1;
      else if (strcmp (a, "--radius") == 0)
        radius = cli_integer (a, cli_value (argc, argv, &i), 1, 300);
      else if (strcmp (a, "--runs") == 0)
        runs = cli_integer (a, cli_value (argc, argv, &i), 1, 64);
      else
        cli_die ("bench occlusion: unknown option %s (--size WxH, --csv "
                 "FILE, --threads T, --no-gegl, --speed, --radius R, "
                 "--runs N)",
                 a);
    }
#ifndef SKC_HAVE_GEGL
  gegl = 0;
#endif
  cli_print_machine (stdout);
  if (speed)
    {
      printf ("%dx%d RGB, disc, %d threads (0: every core); median of %d "
              "runs (skc's after a warm one)\n",
              w, h, threads, runs);
      FILE *csv
          = cli_csv_create (csv_path ? csv_path : "bench-occlusion-speed.csv",
                            "scene,size,r_max,threads,gather_s,"
                            "occlusion_s,gegl_s,gather_cpu_s,"
                            "occlusion_cpu_s,gegl_cpu_s");
      speed_table (w, h, radius, threads, runs, gegl, csv);
      fclose (csv);
      printf ("wrote %s\n", csv_path ? csv_path : "bench-occlusion-speed.csv");
      return 0;
    }
  csv_path = csv_path ? csv_path : "bench-occlusion.csv";
  printf ("%dx%d RGB, disc, %d threads (0: every core); edge band within "
          "the largest radius of a depth edge (the tilted plane: its inside, "
          "where its radius is at least 2 px)\n",
          w, h, threads);
  FILE *csv = cli_csv_create (csv_path, "scene,method,band_psnr_db,halo,bleed,"
                                        "seconds,edge_width,truth_edge_width,"
                                        "d2_ratio");
  const char *names[] = { "skc gather (map)", "skc layered (depth)",
                          "gegl:lens-blur (aux)", "skc subject (true alpha)" };
  printf ("| scene | method | edge-band PSNR dB | halo %% | bleed %% | "
          "edge 10-90 %% px (truth) | 2nd diff / truth's | s |\n");
  printf ("|---|---|---|---|---|---|---|---|\n");
  for (int s = 0; s < SCENE_COUNT; s++)
    {
      occ_case oc;
      make_case (&scenes[s], w, h, 1, &oc);
      for (int m = 0; m < 4; m++)
        {
          occ_figures f = { NAN, NAN, NAN, NAN, NAN, 0, NAN, NAN };
          /* Twice, the second timed: fits and tables come warm from the
             cache, as they do for a dialog's second preview. */
          for (int run = 0; run < 2; run++)
            if (m == 0)
              run_skc (&oc, SKC_DEPTH_NONE, threads, &f);
            else if (m == 1)
              run_skc (&oc, SKC_DEPTH_WHITE_NEAR, threads, &f);
            else if (m == 3 && subject_scene (&scenes[s]))
              run_skc (&oc, SKC_DEPTH_SUBJECT, threads, &f);
#ifdef SKC_HAVE_GEGL
            else if (m == 2 && gegl)
              run_gegl_lens (&oc, threads, &f);
#endif
          if (!f.ok)
            continue;
          printf ("| %s | %s | %.1f | %.1f | %.1f | %.1f (%.1f) | %.3f | "
                  "%.2f |\n",
                  scenes[s].name, names[m], f.psnr, 100 * f.halo, 100 * f.bleed,
                  f.edge, oc.truth_edge_width, f.d2, f.seconds);
          fprintf (csv, "\"%s\",%s,%.2f,%.4f,%.4f,%.3f,%.2f,%.2f,%.4f\n",
                   scenes[s].name, names[m], f.psnr, f.halo, f.bleed, f.seconds,
                   f.edge, oc.truth_edge_width, f.d2);
        }
      free_case (&oc);
    }
  fclose (csv);
  printf ("wrote %s\n", csv_path);
  return 0;
}
