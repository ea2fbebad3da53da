/* skc — ball SNR of what the engine applies against the dense truth (see
 * crisp.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "crisp.h"
#include "engine.h"
#include "kernel_private.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The second aperture of cat-eye sits amount x radius x this apart (the
 * engine's SKC_ENGINE_CLIP_OFFSET, core/src/engine.h). */
#define CRISP_CLIP_OFFSET 1.0
/* A scale blurs at most this radius in its own pixels
 * (SKC_ENGINE_SCALE_RADIUS): the pyramid's block side follows. */
#define CRISP_SCALE_RADIUS 32.0
/* A blur map's value at the measured point (an 8-bit code, 179): the map
 * path blends basis members rather than sitting on the top one. */
#define CRISP_MAP_VALUE (179 / 255.0)
/* Swirl and cat-eye are measured over a 6 MP frame. */
#define CRISP_FRAME_W 3000
#define CRISP_FRAME_H 2000

static const char *const path_names[CRISP_PATHS]
    = { "uniform", "constant-map", "tilt-shift", "swirl", "cat-eye" };

const char *
crisp_path_name (crisp_path path)
{
  return path >= 0 && path < CRISP_PATHS ? path_names[path] : "?";
}

int
crisp_path_parse (const char *name)
{
  for (int i = 0; i < CRISP_PATHS; i++)
    if (strcmp (name, path_names[i]) == 0)
      return i;
  return -1;
}

double
crisp_floor_db (crisp_path path, skc_quality quality, double radius)
{
  int lens = path == CRISP_SWIRL || path == CRISP_CAT_EYE;
  double base = quality == SKC_QUALITY_DRAFT    ? 20
                : quality == SKC_QUALITY_NORMAL ? 30
                                                : 40;
  /* Swirl and cat-eye place a kernel within a fraction of a pixel at
     every angle: their floors hold up to R 75, draft's beyond. */
  if (lens && radius > 75)
    base = 20;
  return lens ? base - 5 : base;
}

static double
now_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

skc_result
crisp_shape_builtin (const char *name, const char *spec, crisp_shape *out,
                     skc_error *err)
{
  memset (out, 0, sizeof *out);
  snprintf (out->name, sizeof out->name, "%s", name);
  return skc_shape_parse (spec, &out->shape, err);
}

skc_result
crisp_shape_image (const char *path, crisp_shape *out, skc_error *err)
{
  memset (out, 0, sizeof *out);
  skc_shape_init (&out->shape);
  const char *base = strrchr (path, '/');
  base = base ? base + 1 : path;
  snprintf (out->name, sizeof out->name, "%s", base);
  char *dot = strrchr (out->name, '.');
  if (dot)
    *dot = '\0';
  skc_image raw = { 0 };
  skc_result r = skc_pnm_read (path, &raw, err);
  if (r != SKC_OK)
    return r;
  r = skc_image_alloc (&out->image, raw.width, raw.height, 1);
  for (int y = 0; r == SKC_OK && y < raw.height; y++)
    for (int x = 0; x < raw.width; x++)
      {
        const float *px = skc_image_pixel (&raw, x, y);
        *skc_image_pixel (&out->image, x, y)
            = raw.channels >= 3
                  ? 0.2126f * px[0] + 0.7152f * px[1] + 0.0722f * px[2]
                  : px[0];
      }
  skc_image_free (&raw);
  return r;
}

void
crisp_shape_free (crisp_shape *s)
{
  skc_image_free (&s->image);
}

skc_result
crisp_target (const crisp_shape *s, double radius, int oversample,
              skc_image *out, skc_error *err)
{
  int size = oversample * (2 * (int) ceil (radius) + 1);
  /* As the engine draws a shape image at a radius: spanning 2 r + 1 px. */
  if (s->image.data)
    return skc_kernel_from_values_spanning (
        s->image.data, s->image.width, s->image.height, s->image.stride, size,
        oversample * (2 * radius + 1), out, err);
  return skc_shape_render (&s->shape, radius * oversample, size, out, err);
}

/* Value of a centred odd-sized image at offset (dx, dy) from its centre;
 * 0 outside. */
static double
centred_at (const skc_image *img, int dx, int dy)
{
  int x = dx + img->width / 2, y = dy + img->height / 2;
  if (x < 0 || y < 0 || x >= img->width || y >= img->height)
    return 0;
  return *skc_image_pixel (img, x, y);
}

double
crisp_ball_snr (const skc_image *out, const skc_image *exact, int margin)
{
  int hx = exact->width / 2 + margin, hy = exact->height / 2 + margin;
  double error = 0, signal = 0;
  for (int dy = -hy; dy <= hy; dy++)
    for (int dx = -hx; dx <= hx; dx++)
      {
        double e = centred_at (exact, dx, dy);
        double d = centred_at (out, dx, dy) - e;
        error += d * d;
        signal += e * e;
      }
  if (error == 0)
    return INFINITY;
  return skc_kernel_snr_db (sqrt (error / signal));
}

double
crisp_sum (const skc_image *img)
{
  double s = 0;
  for (int y = 0; y < img->height; y++)
    for (int x = 0; x < img->width * img->channels; x++)
      s += img->data[(size_t) y * img->stride + x];
  return s;
}

/* ---- the truth under swirl and cat-eye ---- */

typedef struct
{
  skc_image fine; /* the target, `over` times finer, sum 1 */
  int over, sub;  /* oversampling; sub-samples per pixel and axis */
  double radius;
  /* A shape image: its pixels themselves, each a constant square (as
     skc_kernel_from_values_spanning maps it), `scale` kernel pixels wide;
     NULL: the fine raster. */
  const skc_image *image;
  double scale;
} lens_kernel;

/* The target's density (per full pixel) at kernel-frame position (u, v):
 * a shape image's pixel there (the image's centre on the kernel's, its
 * larger side spanning 2 r + 1 px, as skc_kernel_from_values_spanning
 * maps it), or bilinear in the fine raster.  Bilinear in a raster of the
 * image resampled blurred a snowflake's thin strokes: at angle 0 that
 * truth stood 29-33 dB from the engine's own target. */
static double
lens_density (const lens_kernel *k, double u, double v)
{
  if (k->image)
    {
      const skc_image *im = k->image;
      double ix = floor (u / k->scale + im->width / 2.0);
      double iy = floor (v / k->scale + im->height / 2.0);
      if (ix < 0 || iy < 0 || ix >= im->width || iy >= im->height)
        return 0;
      float value = *skc_image_pixel (im, (int) ix, (int) iy);
      return value > 0 ? value : 0;
    }
  double c = k->fine.width / 2;
  double fx = c + u * k->over, fy = c + v * k->over;
  int x0 = (int) floor (fx), y0 = (int) floor (fy);
  double tx = fx - x0, ty = fy - y0;
  double acc = 0;
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int x = x0 + i, y = y0 + j;
        if (x < 0 || y < 0 || x >= k->fine.width || y >= k->fine.height)
          continue;
        acc += (i ? tx : 1 - tx) * (j ? ty : 1 - ty)
               * *skc_image_pixel (&k->fine, x, y);
      }
  return acc * k->over * k->over;
}

/* The clipped target's (unnormalised) weight of the pixel whose centre is
 * at screen offset (wx, wy) from the point, turned by `angle` (y down: a
 * kernel-frame offset d lands at (c dx - s dy, s dx + c dy)) and clipped
 * by the lens of two discs `shift` above and below the kernel's centre. */
static double
lens_pixel (const lens_kernel *k, double wx, double wy, double angle,
            double shift)
{
  double c = cos (angle), s = sin (angle), r2 = k->radius * k->radius;
  double acc = 0;
  for (int j = 0; j < k->sub; j++)
    for (int i = 0; i < k->sub; i++)
      {
        double sx = wx - 0.5 + (i + 0.5) / k->sub;
        double sy = wy - 0.5 + (j + 0.5) / k->sub;
        double u = c * sx + s * sy, v = -s * sx + c * sy;
        if (shift > 0
            && (u * u + (v - shift) * (v - shift) > r2
                || u * u + (v + shift) * (v + shift) > r2))
          continue;
        acc += lens_density (k, u, v);
      }
  return acc / (k->sub * k->sub);
}

/* The area of convex polygon (x[i], y[i]), n <= 4 vertices, inside the
 * square [x0, x0 + 1] x [y0, y0 + 1]: clipped by each side in turn. */
static double
area_in_square (const double *x, const double *y, int n, double x0, double y0)
{
  double px[16], py[16], qx[16], qy[16];
  for (int i = 0; i < n; i++)
    px[i] = x[i], py[i] = y[i];
  for (int side = 0; side < 4 && n > 0; side++)
    {
      /* Inside: coordinate `axis` at least (side < 2) or at most `bound`. */
      int axis = side & 1, upper = side >= 2;
      double bound = (axis ? y0 : x0) + upper;
      int m = 0;
      for (int i = 0; i < n; i++)
        {
          int j = (i + 1) % n;
          double a = (axis ? py[i] : px[i]) - bound;
          double b = (axis ? py[j] : px[j]) - bound;
          int in_a = upper ? a <= 0 : a >= 0, in_b = upper ? b <= 0 : b >= 0;
          if (in_a)
            qx[m] = px[i], qy[m++] = py[i];
          if (in_a != in_b)
            {
              double t = a / (a - b);
              qx[m] = px[i] + t * (px[j] - px[i]);
              qy[m++] = py[i] + t * (py[j] - py[i]);
            }
        }
      n = m;
      for (int i = 0; i < n; i++)
        px[i] = qx[i], py[i] = qy[i];
    }
  double area2 = 0;
  for (int i = 0; i < n; i++)
    {
      int j = (i + 1) % n;
      area2 += px[i] * py[j] - px[j] * py[i];
    }
  return fabs (area2) / 2;
}

/* A shape image turned by `angle` into `out` (side x side, centred),
 * exactly: each image pixel, a constant square of k->scale kernel pixels,
 * turned onto the screen and shared among the pixels it covers by area.
 * With a clip (shift > 0), pixels the lens' rim may cross are sampled
 * instead (lens_pixel at 16x the sub-samples: at 4x a snowflake's truth at
 * R 8 stood 46 dB from a finer one's, at 16x 65); those wholly outside
 * are 0. */
static void
lens_image_exact (const lens_kernel *k, double angle, double shift, int half,
                  skc_image *out)
{
  const skc_image *im = k->image;
  const double c = cos (angle), s = sin (angle), a = k->scale;
  const int side = 2 * half + 1;
  for (int iy = 0; iy < im->height; iy++)
    for (int ix = 0; ix < im->width; ix++)
      {
        float value = *skc_image_pixel (im, ix, iy);
        if (!(value > 0))
          continue;
        /* The pixel's corners in the kernel frame, then on the screen
           (offsets from the point; screen pixel i covers [i - 1/2,
           i + 1/2]). */
        double x[4], y[4], lo_x = INFINITY, lo_y = INFINITY;
        double hi_x = -INFINITY, hi_y = -INFINITY;
        for (int q = 0; q < 4; q++)
          {
            double u = (ix + (q == 1 || q == 2) - im->width / 2.0) * a;
            double v = (iy + (q >= 2) - im->height / 2.0) * a;
            x[q] = c * u - s * v + half + 0.5;
            y[q] = s * u + c * v + half + 0.5;
            lo_x = fmin (lo_x, x[q]), hi_x = fmax (hi_x, x[q]);
            lo_y = fmin (lo_y, y[q]), hi_y = fmax (hi_y, y[q]);
          }
        for (int py = (int) floor (lo_y); py < (int) ceil (hi_y); py++)
          for (int px = (int) floor (lo_x); px < (int) ceil (hi_x); px++)
            if (px >= 0 && py >= 0 && px < side && py < side)
              *skc_image_pixel (out, px, py)
                  += (float) (value * area_in_square (x, y, 4, px, py));
      }
  if (!(shift > 0))
    return;
  lens_kernel fine = *k;
  fine.sub = 16 * k->sub;
  const double r = k->radius, reach = M_SQRT1_2;
  for (int j = -half; j <= half; j++)
    for (int i = -half; i <= half; i++)
      {
        /* The pixel centre's depth inside each disc. */
        double u = c * i + s * j, v = -s * i + c * j;
        double in1 = r - hypot (u, v - shift), in2 = r - hypot (u, v + shift);
        float *o = skc_image_pixel (out, i + half, j + half);
        if (in1 < -reach || in2 < -reach)
          *o = 0;
        else if (in1 < reach || in2 < reach)
          *o = (float) lens_pixel (&fine, i, j, angle, shift);
      }
}

/* Swirl fades toward the image centre over this many kernel radii
 * (engine.h's SKC_ENGINE_SWIRL_FADE). */
#define CRISP_SWIRL_FADE 4.0

/* The engine's angle and clip amount at pixel (x, y) for a kernel of
 * `radius` (engine_codes.c's swirl_angle and skc_cat_eye_at, without the
 * steps): swirl's strength s becomes min (s, 1/2 - L / 2d) up to 1/2 and
 * max (s, 1/2 + L / 2d) above, L = CRISP_SWIRL_FADE radii, d the distance
 * from the centre. */
static void
lens_at (double swirl, double cat_eye, double radius, int width, int height,
         double x, double y, double *angle, double *amount)
{
  double hx = (width - 1) / 2.0, hy = (height - 1) / 2.0;
  double dx = x - hx, dy = y - hy, d = hypot (dx, dy);
  double L = CRISP_SWIRL_FADE * fmax (radius, 1);
  double s = swirl <= 0 || d == 0 ? 0
             : swirl <= 0.5       ? fmax (0, fmin (swirl, 0.5 - L / (2 * d)))
                                  : fmin (1, fmax (swirl, 0.5 + L / (2 * d)));
  *angle = 0;
  if (s > 0)
    {
      double phi = atan2 (dy, dx) + M_PI / 2;
      *angle += atan2 (s * sin (phi), (1 - s) + s * cos (phi));
    }
  *amount = 0;
  if (cat_eye > 0)
    {
      if (dx != 0 || dy != 0)
        *angle += atan2 (-dx, dy);
      double corner = hypot (hx, hy);
      double rho = corner > 0 ? hypot (dx, dy) / corner : 0;
      *amount = cat_eye * (rho < 1 ? rho : 1);
    }
}

skc_result
crisp_truth_lens (const crisp_shape *s, double radius, double swirl,
                  double cat_eye, int width, int height, int x, int y, int half,
                  skc_image *out, skc_error *err)
{
  lens_kernel k = { { 0 }, 1, 2, radius, NULL, 0 };
  /* Finer rasters and more sub-samples where the rim is a larger part of
     the kernel; they keep the truth's own error above 45 dB. */
  k.over = radius <= 12 ? 7 : radius <= 40 ? 5 : radius <= 160 ? 3 : 1;
  k.sub = radius <= 30 ? 8 : radius <= 100 ? 4 : 2;
  skc_result r = SKC_OK;
  if (s->image.data)
    {
      /* A shape image's own pixels, turned exactly (lens_image_exact). */
      k.image = &s->image;
      k.scale = (2 * radius + 1)
                / (s->image.width > s->image.height ? s->image.width
                                                    : s->image.height);
    }
  else
    r = crisp_target (s, radius, k.over, &k.fine, err);
  if (r != SKC_OK)
    return r;
  int side = 2 * half + 1;
  r = skc_image_alloc (out, side, side, 1);
  if (r != SKC_OK)
    {
      skc_image_free (&k.fine);
      return skc_fail (err, r, "out of memory");
    }
  /* A uniform swirl or cat-eye spreads each input pixel's own kernel (the
     engine scatters it), so a point's response is the kernel of its own
     pixel, turned and clipped exactly as there, and normalised as sampled
     (the window holds any turn of the support). */
  double angle, amount;
  lens_at (swirl, cat_eye, radius, width, height, x, y, &angle, &amount);
  const double shift = amount * radius * CRISP_CLIP_OFFSET / 2;
  double sum = 0;
  if (k.image)
    {
      memset (out->data, 0, (size_t) side * out->stride * sizeof *out->data);
      lens_image_exact (&k, angle, shift, half, out);
      for (int j = 0; j < side; j++)
        for (int i = 0; i < side; i++)
          sum += *skc_image_pixel (out, i, j);
    }
  else
    for (int j = -half; j <= half; j++)
      for (int i = -half; i <= half; i++)
        {
          double v = lens_pixel (&k, i, j, angle, shift);
          *skc_image_pixel (out, i + half, j + half) = (float) v;
          sum += v;
        }
  for (int j = 0; j < side; j++)
    for (int i = 0; i < side; i++)
      *skc_image_pixel (out, i, j) /= (float) (sum > 0 ? sum : 1);
  skc_image_free (&k.fine);
  return SKC_OK;
}

/* ---- the tilt-shift map ---- */

/* The protocol's tilt-shift map (sharp in a band around the middle row,
 * growing linearly to 1 at the top and bottom) as an 8-bit map image
 * stores it. */
static float
tilt_shift_value (int y, int height)
{
  double d = fabs (y - height / 2.0) / (height / 2.0);
  double v = d < 0.15 ? 0 : (d - 0.15) / 0.85;
  return (float) (lround (v * 255) / 255.0);
}

/* The dense truth of one unit point at (x, y) under the tilt-shift map:
 * pixel q gets K_{r(q)} (q - p), r(q) = rmax x map (q). */
static skc_result
truth_tilt_shift (const crisp_shape *s, double rmax, int height, int x, int y,
                  int half, skc_image levels[256], skc_image *out,
                  skc_error *err)
{
  (void) x;
  skc_result r = skc_image_alloc (out, 2 * half + 1, 2 * half + 1, 1);
  for (int j = -half; r == SKC_OK && j <= half; j++)
    {
      int row = y + j;
      if (row < 0 || row >= height)
        continue;
      float v = tilt_shift_value (row, height);
      int level = (int) lroundf (v * 255);
      skc_image *k = &levels[level];
      if (!k->data)
        {
          double rq = rmax * v;
          if (rq >= 0.5 || s->image.data)
            r = crisp_target (s, rq, 1, k, err);
          else if ((r = skc_image_alloc (k, 1, 1, 1)) == SKC_OK)
            k->data[0] = 1;
          if (r != SKC_OK)
            break;
        }
      for (int i = -half; i <= half; i++)
        *skc_image_pixel (out, i + half, j + half)
            = (float) centred_at (k, i, j);
    }
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}

/* ---- one cell ---- */

static int
block_side (double radius)
{
  int f = 1;
  while (CRISP_SCALE_RADIUS * f < radius && f < 128)
    f *= 2;
  return f;
}

/* Offsets within a block (and across knots blocks and FFT cells) at
 * which points are placed; returns how many. */
static int
phase_offsets (int f, int quick, int *off)
{
  int cand[6] = { 0, f - 1, f / 2, 1, 37, 63 + f / 2 };
  int want = quick ? 2 : 6, n = 0;
  for (int i = 0; i < want; i++)
    {
      int dup = 0;
      for (int j = 0; j < n; j++)
        dup |= off[j] == cand[i];
      if (!dup)
        off[n++] = cand[i];
    }
  return n;
}

static void
record (crisp_result *res, double snr, double light, int x, int y,
        int off_centre)
{
  if (off_centre)
    res->snr_off_centre = fmin (res->snr_off_centre, snr);
  if (!(snr >= res->snr_worst))
    res->worst_x = x, res->worst_y = y;
  res->snr_worst = fmin (res->snr_worst, snr);
  res->light_min = fmin (res->light_min, light);
  res->light_max = fmax (res->light_max, light);
  res->positions++;
}

static skc_result
measure_point (const skc_image *out, const skc_image *exact, int x, int y,
               int off_centre, crisp_result *res)
{
  double se = crisp_sum (exact);
  record (res, crisp_ball_snr (out, exact, CRISP_MARGIN),
          se > 0 ? crisp_sum (out) / se : NAN, x, y, off_centre);
  return SKC_OK;
}

/* A window of `img` (1 channel) centred on (x, y), 0 outside. */
static skc_result
crop_centred (const skc_image *img, int x, int y, int half, skc_image *out)
{
  skc_result r = skc_image_alloc (out, 2 * half + 1, 2 * half + 1, 1);
  for (int j = -half; r == SKC_OK && j <= half; j++)
    for (int i = -half; i <= half; i++)
      {
        int sx = x + i, sy = y + j;
        if (sx >= 0 && sy >= 0 && sx < img->width && sy < img->height)
          *skc_image_pixel (out, i + half, j + half)
              = *skc_image_pixel (img, sx, sy);
      }
  return r;
}

static skc_result
measure_tilt_shift (const skc_engine *e, const crisp_shape *s, double radius,
                    double rmax, int quick, crisp_result *res, skc_error *err)
{
  int reach = skc_engine_reach (e);
  int f = block_side (rmax);
  /* The point sits where the map gives 2/3 of rmax (= radius), with room
     for the kernel below it. */
  int height = 12 * (int) ceil (radius) + 8 * f + 128;
  if (height < 512)
    height = 512;
  int width = 2 * reach + 2 * f + 160;
  int y0 = (int) lround (height / 2.0 * (1 + 0.15 + 0.85 * 2 / 3.0));
  int x0 = width / 2;
  skc_image in = { 0 }, map = { 0 }, out = { 0 };
  skc_result r = skc_image_alloc (&in, width, height, 1);
  if (r == SKC_OK)
    r = skc_image_alloc (&map, width, height, 1);
  for (int y = 0; r == SKC_OK && y < height; y++)
    for (int x = 0; x < width; x++)
      *skc_image_pixel (&map, x, y) = tilt_shift_value (y, height);
  /* The truth's kernels, one per map level, shared by the points. */
  skc_image *levels = calloc (256, sizeof *levels);
  if (!levels && r == SKC_OK)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  int off[6], n = phase_offsets (f, quick, off);
  for (int k = 0; r == SKC_OK && k < n; k++)
    {
      int x = x0 + off[k], y = y0 + off[(k + 1) % n];
      *skc_image_pixel (&in, x, y) = 1;
      r = skc_apply_image (e, &in, -1, &map, NULL, &out, err);
      *skc_image_pixel (&in, x, y) = 0;
      skc_image got = { 0 }, exact = { 0 };
      int half = (int) ceil (rmax) + 1;
      if (r == SKC_OK)
        r = crop_centred (&out, x, y, reach > half ? reach : half, &got);
      if (r == SKC_OK)
        r = truth_tilt_shift (s, rmax, height, x, y, half, levels, &exact, err);
      if (r == SKC_OK)
        measure_point (&got, &exact, x, y, 1, res);
      skc_image_free (&got);
      skc_image_free (&exact);
      skc_image_free (&out);
    }
  for (int i = 0; levels && i < 256; i++)
    skc_image_free (&levels[i]);
  free (levels);
  skc_image_free (&in);
  skc_image_free (&map);
  return r;
}

static skc_result
measure_lens (const skc_engine *e, const crisp_shape *s, double radius,
              const skc_params *p, int quick, crisp_result *res, skc_error *err)
{
  const int W = CRISP_FRAME_W, H = CRISP_FRAME_H;
  /* Points a kernel's reach inside the frame, so that none of its light
     falls off the image: a turned shape reaches up to sqrt 2 radii (a
     shape image filling its square), a clipped one stays within one. */
  int m = (int) ceil (radius * (p->swirl > 0 ? M_SQRT2 : 1)) + CRISP_MARGIN + 2;
  int f = block_side (radius);
  int xs[3] = { m, (W - 1) / 2, W - 1 - m },
      ys[3] = { m, (H - 1) / 2, H - 1 - m };
  int px[12], py[12], n = 0;
  if (quick)
    {
      px[n] = xs[1], py[n++] = ys[1];
      px[n] = xs[0], py[n++] = ys[0];
      px[n] = xs[2], py[n++] = ys[1];
    }
  else
    {
      for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++)
          px[n] = xs[i], py[n++] = ys[j];
      /* Other pyramid phases, off the axes. */
      px[n] = W / 4 + f - 1, py[n++] = H / 4 + f / 2;
      px[n] = 3 * W / 4 + f / 2, py[n++] = 3 * H / 4 + f - 1;
    }
  skc_result r = SKC_OK;
  for (int k = 0; r == SKC_OK && k < n; k++)
    {
      skc_image got = { 0 }, exact = { 0 };
      r = skc_engine_kernel_at (e, W, H, px[k], py[k], 0, &got, err);
      if (r == SKC_OK)
        r = crisp_truth_lens (s, radius, p->swirl, p->cat_eye, W, H, px[k],
                              py[k], (int) ceil (radius * M_SQRT2) + 1, &exact,
                              err);
      if (r == SKC_OK)
        measure_point (&got, &exact, px[k], py[k],
                       px[k] != xs[1] || py[k] != ys[1], res);
      skc_image_free (&got);
      skc_image_free (&exact);
    }
  return r;
}

/* The median of n (small) times, sorted in place. */
static double
median_seconds (double *t, int n)
{
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && t[j] < t[j - 1]; j--)
      {
        double swap = t[j];
        t[j] = t[j - 1];
        t[j - 1] = swap;
      }
  return n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
}

skc_result
crisp_measure (const crisp_shape *s, double radius, crisp_path path,
               skc_quality quality, int quick, int prepare_runs,
               crisp_result *res, skc_error *err)
{
  memset (res, 0, sizeof *res);
  res->snr_worst = INFINITY;
  res->snr_off_centre = INFINITY;
  res->light_min = INFINITY;
  res->light_max = -INFINITY;
  res->floor_db = crisp_floor_db (path, quality, radius);
  skc_params p;
  skc_params_init (&p);
  p.shape = s->shape;
  p.shape_image = s->image.data ? &s->image : NULL;
  p.quality = quality;
  p.clip = 0;
  int with_map = path == CRISP_CONSTANT_MAP || path == CRISP_TILT_SHIFT;
  double rmax = path == CRISP_CONSTANT_MAP ? radius / CRISP_MAP_VALUE
                : path == CRISP_TILT_SHIFT ? radius * 1.5
                                           : radius;
  p.radius = rmax;
  if (path == CRISP_SWIRL)
    p.swirl = 0.5;
  if (path == CRISP_CAT_EYE)
    p.cat_eye = 0.5;
  /* Both maps are 8-bit: the engine is told their 256 codes' values, as
     the CLI and the GEGL op tell it an 8-bit grey map's. */
  float values[256];
  for (int k = 0; k < 256; k++)
    values[k] = (float) (k / 255.0);
  /* Each preparation starts cold: fits from an empty cache of its own
     (another cell's fits are not this one's), and the process' memos of
     blur-map tables and uniform engines emptied; the engine of the last
     one is measured. */
  double seconds[CRISP_MAX_PREPARE_RUNS];
  prepare_runs = prepare_runs < 1 ? 1
                 : prepare_runs > CRISP_MAX_PREPARE_RUNS
                     ? CRISP_MAX_PREPARE_RUNS
                     : prepare_runs;
  skc_engine *e = NULL;
  skc_cache *cache = NULL;
  skc_result r = SKC_OK;
  for (int run = 0; r == SKC_OK && run < prepare_runs; run++)
    {
      skc_engine_free (e);
      e = NULL;
      skc_cache_free (cache);
      p.cache = cache = skc_cache_new (NULL, 256);
      if (!cache)
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      skc_table_memo_clear ();
      skc_engine_memo_clear_idle ();
      double t0 = now_seconds ();
      r = with_map ? skc_engine_new_for_map (&p, values, 256, NULL, &e, err)
                   : skc_engine_new (&p, 0, NULL, &e, err);
      seconds[run] = now_seconds () - t0;
    }
  if (r != SKC_OK)
    {
      skc_cache_free (cache);
      return r;
    }
  res->prepare_s = median_seconds (seconds, prepare_runs);
  snprintf (res->method, sizeof res->method, "%s", skc_engine_method (e));
  if (path == CRISP_TILT_SHIFT)
    r = measure_tilt_shift (e, s, radius, rmax, quick, res, err);
  else if (path == CRISP_SWIRL || path == CRISP_CAT_EYE)
    r = measure_lens (e, s, radius, &p, quick, res, err);
  else
    {
      skc_image exact = { 0 };
      r = crisp_target (s, radius, 1, &exact, err);
      int f = block_side (rmax);
      int off[6], n = phase_offsets (f, quick, off);
      /* Far from the edges of a large frame: the window alone is run. */
      const int W = 4096, H = 4096, base = 1024;
      double value = with_map ? CRISP_MAP_VALUE : 0;
      for (int i = 0; r == SKC_OK && i < n; i++)
        for (int j = 0; r == SKC_OK && j < n; j++)
          {
            /* The diagonal, and the first offset against every other. */
            if (i != j && i != 0 && j != 0)
              continue;
            skc_image got = { 0 };
            r = skc_engine_kernel_at (e, W, H, base + off[i], base + off[j],
                                      value, &got, err);
            if (r == SKC_OK)
              measure_point (&got, &exact, base + off[i], base + off[j], 1,
                             res);
            skc_image_free (&got);
          }
      skc_image_free (&exact);
    }
  skc_engine_free (e);
  skc_cache_free (cache);
  res->pass = res->positions > 0 && res->snr_worst >= res->floor_db
              && fabs (res->light_min - 1) <= 0.05
              && fabs (res->light_max - 1) <= 0.05;
  return r;
}
