/* skc tests — swirl and cat-eye keep a highlight's light and shape
 * wherever it lies (issue 13): one bright point blurred alone, at the
 * image centre, beside it, mid-way to a corner and near a corner, in
 * images of odd and even size, sums to 1 within 5 %, and its response is
 * the kernel turned (swirl) or clipped and turned (cat-eye) as the model
 * says at that point (cat-eye: by the point's exact angle and amount).  Before
 * the fix the centre's point came out with 0 to 2 times its light and a kernel
 * SNR of -2 dB. SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "engine.h"
#include "engine_options.h"
#include "filter_private.h"
#include "kernel_private.h"
#include "knots_private.h"
#include "skc/skc.h"

static skc_cache *cache;

/* The model's swirl angle (engine_codes.c, written out again here). */
static double
model_swirl (double s, double radius, int w, int h, double x, double y)
{
  double dx = x - (w - 1) / 2.0, dy = y - (h - 1) / 2.0, d = hypot (dx, dy);
  double L = SKC_ENGINE_SWIRL_FADE * fmax (radius, 1);
  if (d == 0)
    return 0;
  s = s <= 0.5 ? fmax (0, fmin (s, 0.5 - L / (2 * d)))
               : fmin (1, fmax (s, 0.5 + L / (2 * d)));
  if (s <= 0)
    return 0;
  double phi = atan2 (dy, dx) + M_PI / 2;
  return atan2 (s * sin (phi), (1 - s) + s * cos (phi));
}

/* The plain kernel's share near the centre (cat-eye, swirl above 1/2). */
static double
model_plain (double radius, int w, int h, double x, double y)
{
  double r = fmax (radius, 1), d = hypot (x - (w - 1) / 2.0, y - (h - 1) / 2.0);
  double inner = SKC_ENGINE_PLAIN_INNER * r, outer = SKC_ENGINE_PLAIN_OUTER * r;
  if (d <= inner)
    return 1;
  if (d >= outer)
    return 0;
  double t = (outer - d) / (outer - inner);
  return t * t * (3 - 2 * t);
}

/* The angle as the engine quantises it. */
static double
quantised (double angle)
{
  double step = 2 * M_PI / SKC_ENGINE_ANGLES;
  return step * lround (angle / step);
}

/* The shape at `radius` turned clockwise on screen by `angle` and, with
 * `amount`, clipped by two discs of the radius amount x radius apart along
 * its turned up axis: drawn OVER times finer, clipped there (where a pixel
 * is nearly all in or out, so the product of coverages is close to the
 * intersection's) and summed back, independently of the engine's rule for
 * the rim. */
#define OVER 5
static skc_image
truth (const char *spec, double radius, double angle, double amount)
{
  skc_shape s;
  skc_image fine = { 0 }, k = { 0 };
  skc_shape_parse (spec, &s, NULL);
  s.rotation = -angle * 180 / M_PI; /* shapes turn counter-clockwise */
  /* A canvas that holds the shape at any angle (the radius' square's
     corners). */
  const int n = 2 * (int) ceil (radius * M_SQRT2) + 1;
  if (amount <= 0)
    {
      skc_shape_render (&s, radius, n, &k, NULL);
      return k;
    }
  if (skc_shape_render (&s, radius * OVER, n * OVER, &fine, NULL) != SKC_OK
      || skc_image_alloc (&k, n, n, 1) != SKC_OK)
    {
      skc_image_free (&fine);
      return k;
    }
  const int sub = 4, half = n * OVER / 2;
  const double shift = amount * radius * OVER * SKC_ENGINE_CLIP_OFFSET / 2;
  const double ux = sin (angle), uy = -cos (angle);
  const double lim = radius * OVER * radius * OVER;
  for (int y = 0; y < n * OVER; y++)
    for (int x = 0; x < n * OVER; x++)
      {
        float value = *skc_image_pixel (&fine, x, y);
        if (value == 0)
          continue;
        int inside = 0;
        for (int v = 0; v < sub; v++)
          for (int u = 0; u < sub; u++)
            {
              double px = x - half - 0.5 + (u + 0.5) / sub;
              double py = y - half - 0.5 + (v + 0.5) / sub;
              double along = px * ux + py * uy, across = py * ux - px * uy;
              inside
                  += across * across + (along - shift) * (along - shift) <= lim
                     && across * across + (along + shift) * (along + shift)
                            <= lim;
            }
        *skc_image_pixel (&k, x / OVER, y / OVER)
            += value * (float) inside / (sub * sub);
      }
  skc_image_free (&fine);
  skc_kernel_normalise (&k, NULL);
  return k;
}

/* The expected response at (x, y) of a w x h image. */
static skc_image
expected (const char *spec, double radius, double swirl, double cat_eye, int w,
          int h, int x, int y)
{
  double cx = (w - 1) / 2.0, cy = (h - 1) / 2.0;
  int round = strstr (spec, "disc") != NULL;
  if (cat_eye > 0 && swirl == 0)
    {
      /* Uniform cat-eye runs each pixel's own kernel: the truth is the
         shape clipped and turned by the pixel's exact amount and angle
         (unquantised), unclipped only at the centre itself. */
      double angle = x != cx || y != cy ? atan2 (cx - x, y - cy) : 0;
      double rho = hypot (x - cx, y - cy) / hypot (cx, cy);
      return truth (spec, radius, angle, cat_eye * fmin (rho, 1));
    }
  double angle
      = swirl > 0 && !round ? model_swirl (swirl, radius, w, h, x, y) : 0;
  double amount = 0;
  if (cat_eye > 0 && (x != cx || y != cy))
    angle += atan2 (cx - x, y - cy); /* the up axis faces the centre */
  double rho = hypot (x - cx, y - cy) / hypot (cx, cy);
  if (cat_eye > 0)
    amount = cat_eye * fmin (rho, 1);
  /* Amounts are quantised too, to 1/64 of the full one. */
  double steps = (SKC_ENGINE_AMOUNTS - 1) * SKC_ENGINE_AMOUNT_STEPS;
  amount = lround (amount * steps) / steps;
  /* Swirl alone runs knots per angle, their steps sized from the floor:
     the truth is the exact angle.  The basis (swirl with cat-eye) turns by
     2-degree steps. */
  skc_image t
      = truth (spec, radius, cat_eye > 0 ? quantised (angle) : angle, amount);
  /* Kernels that turn with the circle are plain about the centre. */
  double plain = cat_eye > 0 || (swirl > 0.5 && !round)
                     ? model_plain (radius, w, h, x, y)
                     : 0;
  if (plain > 0 && t.data)
    {
      skc_image p = truth (spec, radius, 0, 0);
      for (int i = 0; p.data && i < t.width * t.height; i++)
        t.data[i] += (float) (plain * (p.data[i] - t.data[i]));
      skc_image_free (&p);
    }
  return t;
}

/* blend: knots per angle blend steps at every pixel along these axes
 * (SKC_ANGLES_BLEND_ANGLE, and cat-eye's SKC_ANGLES_BLEND_AMOUNT). */
static void
check_points (const char *spec, double radius, double swirl, double cat_eye,
              double floor_db, int blend)
{
  /* A Gaussian's codes are ramps (straight runs along rows) from R 20 (at
     R 8 its steps are as few), other shapes' steps. */
  const int ramps = strstr (spec, "gaussian") != NULL && radius >= 20;
  skc_params p;
  skc_params_init (&p);
  skc_shape_parse (spec, &p.shape, NULL);
  p.radius = radius;
  p.swirl = swirl;
  p.cat_eye = cat_eye;
  p.clip = 0;
  p.cache = cache;
  skc_engine *e = NULL;
  skc_error err;
  skc_engine_options options;
  skc_engine_options_init (&options);
  options.angles_blend = blend;
  if (!CHECK (skc_engine_new_with (&p, 0, &options, NULL, &e, &err) == SKC_OK))
    {
      fprintf (stderr, "     %s\n", err.message);
      return;
    }
  CHECK_MSG (!blend || strstr (skc_engine_describe (e), "blended"),
             "%s R %g cat-eye %g, steps blended: %s", spec, radius, cat_eye,
             skc_engine_describe (e));
  CHECK_MSG (!ramps == !strstr (skc_engine_describe (e), "ramps"),
             "%s R %g cat-eye %g, ramps %s: %s", spec, radius, cat_eye,
             ramps ? "expected" : "not expected", skc_engine_describe (e));
  /* Mid-way lies beyond the plain zone: images of 48 radii. */
  const int side = (int) (48 * radius);
  double worst_snr = INFINITY, worst_light = 0;
  const int sizes[][2]
      = { { side + 1, side * 3 / 4 + 1 }, { side, side * 3 / 4 } };
  for (int s = 0; s < 2; s++)
    {
      int w = sizes[s][0], h = sizes[s][1], m = (int) ceil (radius) + 3;
      int cx = (w - 1) / 2, cy = (h - 1) / 2;
      const int points[][2] = { { cx, cy },
                                { cx + 1, cy + 1 },
                                { cx + 2, cy - 3 },
                                { cx - (int) radius, cy + 2 },
                                { cx + w / 4, cy + h / 4 },
                                { cx - w / 4, cy + h / 3 },
                                { m, m },
                                { w - 1 - m, m } };
      for (size_t i = 0; i < sizeof points / sizeof points[0]; i++)
        {
          int x = points[i][0], y = points[i][1];
          skc_image k = { 0 };
          if (!CHECK (skc_engine_kernel_at (e, w, h, x, y, 0, &k, &err)
                      == SKC_OK))
            continue;
          double light = 0;
          for (int j = 0; j < k.width * k.height; j++)
            light += k.data[j];
          skc_image t = expected (spec, radius, swirl, cat_eye, w, h, x, y);
          double snr = skc_kernel_snr_db (skc_kernel_error (&k, &t));
          CHECK_MSG (fabs (light - 1) <= 0.05,
                     "%s R %g swirl %g cat-eye %g, %dx%d at (%d, %d): "
                     "light %.4f",
                     spec, radius, swirl, cat_eye, w, h, x, y, light);
          CHECK_MSG (snr >= floor_db,
                     "%s R %g swirl %g cat-eye %g, %dx%d at (%d, %d): "
                     "kernel SNR %.2f dB < %.1f dB",
                     spec, radius, swirl, cat_eye, w, h, x, y, snr, floor_db);
          worst_snr = fmin (worst_snr, snr);
          worst_light = fmax (worst_light, fabs (light - 1));
          skc_image_free (&t);
          skc_image_free (&k);
        }
    }
  printf ("%s R %g swirl %g cat-eye %g: %s; worst kernel SNR %.2f dB, light "
          "within %.4f\n",
          spec, radius, swirl, cat_eye, skc_engine_method (e), worst_snr,
          worst_light);
  skc_engine_free (e);
}

/* A uniform swirl engine on the shape image `bitmap` (kept by the
 * caller), unclipped; NULL when it fails. */
static skc_engine *
image_swirl_engine (const skc_image *bitmap, double radius, double swirl)
{
  skc_params p;
  skc_params_init (&p);
  p.shape_image = bitmap;
  p.radius = radius;
  p.swirl = swirl;
  p.clip = 0;
  p.cache = cache;
  skc_engine *e = NULL;
  CHECK (skc_engine_new (&p, 0, NULL, &e, NULL) == SKC_OK);
  return e;
}

/* A shape image turns by its pixels' squares: with swirl 1 a point straight
 * right of the centre turns its kernel by exactly a quarter turn (clockwise on
 * screen), which the image's own target turned by swapping its axes
 * gives without any resampling. */
static void
check_image_quarter_turn (double radius)
{
  /* An L of two bars, soft on one side: no turn or mirror maps it onto
     itself. */
  skc_image bitmap = { 0 }, target = { 0 }, turned = { 0 }, k = { 0 };
  skc_image_alloc (&bitmap, 40, 40, 1);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++)
      *skc_image_pixel (&bitmap, x, y) = x < 12    ? 1.0f
                                         : y >= 30 ? (float) (x - 10) / 30
                                                   : 0.0f;
  skc_engine *e = image_swirl_engine (&bitmap, radius, 1);
  int n = 2 * (int) ceil (radius) + 1, w = 64 * (int) radius + 1, h = w;
  int x = w - 2 * n, y = h / 2;
  CHECK (skc_kernel_from_values (bitmap.data, 40, 40, bitmap.stride, n, &target,
                                 NULL)
         == SKC_OK);
  if (e && target.data
      && skc_engine_kernel_at (e, w, h, x, y, 0, &k, NULL) == SKC_OK
      && skc_image_alloc (&turned, n, n, 1) == SKC_OK)
    {
      /* Clockwise on screen (y down): (dx, dy) lands at (-dy, dx). */
      int c = n / 2;
      for (int v = 0; v < n; v++)
        for (int u = 0; u < n; u++)
          *skc_image_pixel (&turned, c - (v - c), c + (u - c))
              = *skc_image_pixel (&target, u, v);
      double snr = skc_kernel_snr_db (skc_kernel_error (&k, &turned));
      CHECK_MSG (strstr (skc_engine_method (e), "angle") && snr >= 25,
                 "image R %g swirl 1 at 3 o'clock (%s): %.1f dB from the "
                 "quarter turn",
                 radius, skc_engine_method (e), snr);
      printf ("image R %g, swirl 1 at 3 o'clock: %s, %.1f dB from the "
              "quarter turn\n",
              radius, skc_engine_method (e), snr);
    }
  skc_image_free (&bitmap);
  skc_image_free (&target);
  skc_image_free (&turned);
  skc_image_free (&k);
  skc_engine_free (e);
}

/* A compact fit of steps along rows drawn: each row the running sum of
 * its knots (n x n). */
static int
draw_steps (const skc_angle_fit *f, int n, skc_image *out)
{
  if (skc_image_alloc (out, n, n, 1) != SKC_OK)
    return 0;
  int inside = f->half == n / 2 && f->start[0] == 0 && f->start[n] == f->count;
  for (int y = 0; inside && y < n; y++)
    {
      double value = 0;
      int k = f->start[y];
      for (int x = 0; x < n; x++)
        {
          while (k < f->start[y + 1] && f->dx[k] + n / 2 <= x)
            value += f->c[k++];
          *skc_image_pixel (out, x, y) = (float) value;
        }
      /* Every knot within the row, and the row back to 0 after it. */
      inside &= k == f->start[y + 1]
                || (k + 1 == f->start[y + 1] && f->dx[k] + n / 2 == n
                    && value + f->c[k] == 0);
      inside &= f->start[y] <= f->start[y + 1];
    }
  return inside;
}

/* Cat-eye's clipped codes taken row by row (engine_knots_clip.c) against
 * the dense way: the whole clipped target (skc_target_clip_fine_classes,
 * whose spans are checked pixel by pixel against skc_clip_pixel's own
 * test), the fit's values inside, the samples on the edge, nothing beyond,
 * and the exact knots of that (skc_knots_fit); the rows' compact fit draws
 * the dense filter's kernel, with its MACs, and the error the rows say is
 * the drawn kernel's against the target, with the edge exact and rounded
 * to levels. */
static void
check_clip_rows (const char *spec, double radius)
{
  skc_params p;
  skc_params_init (&p);
  CHECK (skc_shape_parse (spec, &p.shape, NULL) == SKC_OK);
  p.radius = radius;
  p.cat_eye = 0.5;
  skc_image shape = { 0 }, fine = { 0 }, whole = { 0 };
  skc_filter *fit = NULL;
  CHECK (skc_target_make (&p, radius, 0, &shape, NULL) == SKC_OK);
  CHECK (skc_target_fine (&p, radius, &fine, NULL) == SKC_OK);
  /* A fit a little off the shape, as the unclipped code's is. */
  CHECK (skc_knots_fit_to (&shape, 0, 0.02, SKC_KNOTS_ROWS, &fit, NULL)
         == SKC_OK);
  CHECK (fit && skc_filter_render (fit, &whole) == SKC_OK);
  skc_clip_rows rows;
  CHECK (skc_clip_rows_init (&rows, &shape, &whole) == SKC_OK);
  const int n = shape.width;
  unsigned char *classes = malloc ((size_t) n * n);
  int compared = 0;
  for (int a = 0; a < 5 && classes; a++)
    for (int m = 0; m <= 4; m++)
      {
        const double angle = 0.3 + a * 1.234, amount = m * 0.25;
        skc_image target = { 0 }, q = { 0 };
        skc_filter *dense = NULL;
        double error = NAN;
        CHECK (skc_image_alloc (&target, n, n, 1) == SKC_OK);
        memcpy (target.data, shape.data, (size_t) n * n * sizeof (float));
        CHECK (skc_target_clip_fine_classes (&target, &fine, radius, amount,
                                             angle, classes, NULL)
               == SKC_OK);
        skc_clip g;
        skc_clip_init (&g, &fine, radius, amount, angle, n);
        int classes_agree = 1;
        for (int y = 0; y < n; y++)
          for (int x = 0; x < n; x++)
            {
              float value = 1;
              classes_agree &= skc_clip_pixel (&g, x, y, &value)
                               == classes[(size_t) y * n + x];
            }
        CHECK_MSG (classes_agree,
                   "%s R %g: spans' classes at angle %g, "
                   "amount %g",
                   spec, radius, angle, amount);
        /* The dense q: the clipped target back on the shape's scale. */
        double clipped = 0;
        for (int i = 0; i < n * n; i++)
          clipped += shape.data[i] * (classes[i] == SKC_CLIP_INSIDE);
        double inside = 0;
        for (int i = 0; i < n * n; i++)
          inside += target.data[i] * (classes[i] == SKC_CLIP_INSIDE);
        CHECK (skc_image_alloc (&q, n, n, 1) == SKC_OK);
        for (int i = 0; i < n * n; i++)
          q.data[i] = classes[i] == SKC_CLIP_INSIDE ? fmaxf (whole.data[i], 0)
                      : classes[i] == SKC_CLIP_EDGE
                          ? (float) (target.data[i] * clipped / inside)
                          : 0;
        CHECK (skc_knots_fit (&q, 0, SKC_KNOTS_ROWS, &dense, NULL) == SKC_OK);
        CHECK (skc_clip_rows_sample (&rows, &fine, radius, amount, angle));
        long macs = 0;
        skc_clip_rows_fit (&rows, 0, &macs, &error);
        skc_angle_fit by_rows = { 0 };
        skc_image kd = { 0 }, kr = { 0 };
        const int written
            = dense && macs > 0 && skc_clip_rows_write (&rows, &by_rows);
        CHECK_MSG (written, "%s R %g angle %g amount %g: no rows' knots", spec,
                   radius, angle, amount);
        if (written && CHECK (skc_filter_render (dense, &kd) == SKC_OK)
            && CHECK (draw_steps (&by_rows, n, &kr)))
          {
            double diff = 0, peak = 0;
            for (int i = 0; i < n * n; i++)
              {
                diff = fmax (diff, fabs (kd.data[i] - kr.data[i]));
                peak = fmax (peak, kd.data[i]);
              }
            CHECK_MSG (diff <= 1e-5 * peak,
                       "%s R %g angle %g amount %g: rows' kernel %.3g off "
                       "the dense one's (peak %.3g)",
                       spec, radius, angle, amount, diff, peak);
            CHECK_MSG (macs == by_rows.count + 1
                           && macs <= skc_filter_macs (dense),
                       "%s R %g angle %g amount %g: %ld MACs said, %d knots "
                       "written, %ld dense",
                       spec, radius, angle, amount, macs, by_rows.count,
                       skc_filter_macs (dense));
            const double drawn = skc_kernel_error (&kr, &target);
            CHECK_MSG (fabs (error - drawn) <= 1e-4 * drawn + 1e-6,
                       "%s R %g angle %g amount %g: rows' error %.6g, drawn "
                       "%.6g",
                       spec, radius, angle, amount, error, drawn);
            compared += error > 1e-4; /* a fit, not the shape itself */
            /* The edge rounded to 4 levels: fewer knots, and the error
               said is still the drawn kernel's. */
            long levelled_macs = 0;
            double levelled_error = NAN;
            skc_angle_fit levelled = { 0 };
            skc_image kl = { 0 };
            skc_clip_rows_fit (&rows, 4, &levelled_macs, &levelled_error);
            if (CHECK (levelled_macs > 0 && levelled_macs <= macs
                       && skc_clip_rows_write (&rows, &levelled))
                && CHECK (draw_steps (&levelled, n, &kl)))
              {
                const double levelled_drawn = skc_kernel_error (&kl, &target);
                CHECK_MSG (fabs (levelled_error - levelled_drawn)
                               <= 1e-4 * levelled_drawn + 1e-6,
                           "%s R %g angle %g amount %g: 4 levels' error "
                           "%.6g, drawn %.6g",
                           spec, radius, angle, amount, levelled_error,
                           levelled_drawn);
              }
            free (levelled.start);
            skc_image_free (&kl);
          }
        free (by_rows.start);
        skc_image_free (&kd);
        skc_image_free (&kr);
        skc_filter_free (dense);
        skc_image_free (&q);
        skc_image_free (&target);
      }
  CHECK (compared > 0);
  free (classes);
  skc_clip_rows_free (&rows);
  skc_filter_free (fit);
  skc_image_free (&whole);
  skc_image_free (&fine);
  skc_image_free (&shape);
}

/* A shape image whose content lies within its inscribed circle turns on
 * the radius' square (no corner of it can reach further), one that fills
 * its corners on sqrt 2 times that: swirl's codes at 2 R + 1 and
 * 2 ceil (R sqrt 2) + 1 px, and either kernel, mid-way to a corner, is the
 * image turned exactly by the model's angle there and keeps its light. */
static void
check_image_reach (double radius, int round)
{
  skc_image bitmap = { 0 }, k = { 0 }, t = { 0 };
  skc_image_alloc (&bitmap, 40, 40, 1);
  for (int y = 0; y < 40; y++)
    for (int x = 0; x < 40; x++)
      {
        /* A soft disc missing a quarter (no symmetry), or a square with
           a soft ramp. */
        double d = hypot (x + 0.5 - 20, y + 0.5 - 20);
        float v = round ? (float) fmin (fmax (19.5 - d, 0), 1)
                              * (x < 20 || y < 20 ? 1.0f : 0.0f)
                        : (float) (x + 1) / 40;
        *skc_image_pixel (&bitmap, x, y) = v;
      }
  skc_engine *e = image_swirl_engine (&bitmap, radius, 0.5);
  const int w = 64 * (int) radius + 1, h = w * 3 / 4, x = w * 3 / 4, y = h / 4;
  /* The round image's pixels' corners reach a little past the circle. */
  const int least = 2 * (int) ceil (radius) + 1;
  const int corners = 2 * (int) ceil (radius * M_SQRT2) + 1;
  const char *at = e ? strstr (skc_engine_describe (e), "knots ") : NULL;
  int side = 0;
  CHECK_MSG (
      at && sscanf (at, "knots %dx", &side) == 1
          && (round ? side >= least && side <= least + 2 : side == corners),
      "image R %g (%s): %s (%d px codes)", radius, round ? "round" : "square",
      e ? skc_engine_describe (e) : "-", side);
  const double angle = model_swirl (0.5, radius, w, h, x, y);
  if (e && skc_engine_kernel_at (e, w, h, x, y, 0, &k, NULL) == SKC_OK
      && skc_kernel_turned_from_values (bitmap.data, 40, 40, bitmap.stride,
                                        2 * (int) ceil (radius * M_SQRT2) + 1,
                                        2 * radius + 1, angle, &t, NULL)
             == SKC_OK)
    {
      double light = 0;
      for (int i = 0; i < k.width * k.height; i++)
        light += k.data[i];
      double snr = skc_kernel_snr_db (skc_kernel_error (&k, &t));
      CHECK_MSG (snr >= skc_quality_floor_db (SKC_QUALITY_NORMAL, 1)
                     && fabs (light - 1) <= 1e-3,
                 "image R %g (%s) at %.1f degrees: %.1f dB, light %.5f", radius,
                 round ? "round" : "square", angle * 180 / M_PI, snr, light);
      printf ("image R %g (%s), swirl 0.5 at %.1f degrees: %.1f dB, light "
              "%.5f\n",
              radius, round ? "round" : "square", angle * 180 / M_PI, snr,
              light);
    }
  else
    CHECK_MSG (0, "image R %g: no kernel", radius);
  skc_image_free (&bitmap);
  skc_image_free (&k);
  skc_image_free (&t);
  skc_engine_free (e);
}

/* Beyond R 75, where a quality's own floor may give way to a lower one,
 * high never plans less than normal: an ampersand's swirl at R 150 gave
 * 18.3 dB at high (straight to draft's floor) and 29.0 at normal. */
static void
check_high_not_below_normal (void)
{
  const char *dir = getenv ("SKC_DATA_DIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/kernels/ampersand-392.pgm",
            dir ? dir : "data");
  skc_image raw = { 0 };
  if (!CHECK (skc_pnm_read (path, &raw, NULL) == SKC_OK))
    return;
  double snr[2] = { 0, 0 };
  for (int q = 0; q < 2; q++)
    {
      skc_params p;
      skc_params_init (&p);
      p.shape_image = &raw;
      p.radius = 150;
      p.swirl = 0.5;
      p.quality = q ? SKC_QUALITY_HIGH : SKC_QUALITY_NORMAL;
      p.cache = cache;
      skc_engine *e = NULL;
      if (CHECK (skc_engine_new (&p, 0, NULL, &e, NULL) == SKC_OK))
        snr[q] = skc_engine_kernel_snr (e);
      skc_engine_free (e);
    }
  CHECK_MSG (snr[1] >= snr[0] - 1e-9 && snr[0] >= 25,
             "ampersand swirl R 150: high %.2f dB, normal %.2f dB", snr[1],
             snr[0]);
  printf ("ampersand swirl R 150: normal %.1f dB, high %.1f dB\n", snr[0],
          snr[1]);
  skc_image_free (&raw);
}

/* Ramps (engine_knots_ramps.c) drawn here from their knots: each line's
 * second differences summed twice, in double.  Their error is what the
 * fitter says, within the aim; the kernel sums to 1, is never negative and
 * each line returns to 0 after its last knot; a tighter aim takes more
 * knots; the MACs bound holds; bad targets are refused. */
static void
check_ramps (const char *spec, double radius, double amount)
{
  skc_image target = truth (spec, radius, 0.3, amount);
  if (!CHECK (target.data != NULL))
    return;
  /* truth draws on the square of the shape turned: trim it to the
     radius' square, where the clipped shape lies. */
  const int n = 2 * (int) ceil (radius) + 1, off = (target.width - n) / 2;
  skc_image t = { 0 };
  if (!CHECK (skc_image_alloc (&t, n, n, 1) == SKC_OK))
    return;
  double sum = 0;
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      sum += *skc_image_pixel (&t, x, y)
          = *skc_image_pixel (&target, x + off, y + off);
  int last_count = 0;
  const double aims[] = { 0.1, 0.03, 0.01 };
  for (int a = 0; a < 3; a++)
    {
      skc_angle_fit f;
      double error = NAN;
      if (!CHECK (skc_ramps_fit (&t, 0, aims[a], &f, &error) == SKC_OK))
        continue;
      CHECK_MSG (f.start != NULL, "%s R %g: no ramps at %g", spec, radius,
                 aims[a]);
      if (!f.start)
        continue;
      CHECK_MSG (f.half == n / 2 && f.start[0] == 0 && f.start[n] == f.count,
                 "%s R %g: half %d, lines %d .. %d of %d", spec, radius, f.half,
                 f.start[0], f.start[n], f.count);
      double wrong = 0, energy = 0, light = 0, lowest = 0, leak = 0, peak = 0;
      /* Each line's knots and their first moment sum to exactly 0 (a
         float's rounding of a knot would leave the scatter's twice
         running sum a slope to the end of its block). */
      int unbalanced = 0;
      double *row = calloc ((size_t) n + 3, sizeof *row);
      for (int y = 0; row && y < n; y++)
        {
          memset (row, 0, ((size_t) n + 3) * sizeof *row);
          double sum0 = 0, sum1 = 0;
          for (int k = f.start[y]; k < f.start[y + 1]; k++)
            {
              sum0 += f.c[k];
              sum1 += (double) f.c[k] * f.dx[k];
              int x = f.dx[k] + n / 2;
              CHECK_MSG (x >= 0 && x <= n + 1, "%s: knot at %d", spec, x);
              if (x >= 0 && x <= n + 1)
                row[x] += f.c[k];
            }
          unbalanced += sum0 != 0 || sum1 != 0;
          double slope = 0, value = 0;
          for (int x = 0; x < n + 3; x++)
            {
              slope += row[x];
              value += slope;
              if (x >= n)
                leak = fmax (leak, fabs (value));
              else
                {
                  double v = *skc_image_pixel (&t, x, y) / sum;
                  wrong += (value - v) * (value - v);
                  energy += v * v;
                  peak = fmax (peak, v);
                  light += value;
                  lowest = fmin (lowest, value);
                }
            }
        }
      free (row);
      CHECK_MSG (unbalanced == 0,
                 "%s R %g aim %g: %d lines' knots do not sum "
                 "to 0",
                 spec, radius, aims[a], unbalanced);
      const double drawn = sqrt (wrong / energy);
      CHECK_MSG (fabs (drawn - error) <= 1e-3 * error + 1e-7
                     && drawn <= aims[a] * (1 + 1e-6),
                 "%s R %g aim %g: error %.6g, drawn %.6g", spec, radius,
                 aims[a], error, drawn);
      /* Float's rounding of the knots aside. */
      CHECK_MSG (fabs (light - 1) <= 1e-5 && lowest >= -1e-5 * peak
                     && leak <= 1e-5 * peak,
                 "%s R %g aim %g: light %.8f, lowest %.3g, after a line %.3g",
                 spec, radius, aims[a], light, lowest, leak);
      CHECK_MSG (f.count >= last_count, "%s R %g: %d knots at %g after %d",
                 spec, radius, f.count, aims[a], last_count);
      /* Within one MAC fewer, out of reach; within exactly, the same. */
      skc_angle_fit g;
      double e2;
      CHECK (skc_ramps_fit (&t, f.count, aims[a], &g, &e2) == SKC_OK
             && g.start == NULL);
      CHECK (skc_ramps_fit (&t, f.count + 1, aims[a], &g, &e2) == SKC_OK
             && g.start != NULL && g.count == f.count && e2 == error);
      free (g.start);
      last_count = f.count;
      free (f.start);
    }
  printf ("%s R %g amount %g: ramps %d knots at 40 dB\n", spec, radius, amount,
          last_count);
  /* Refused: a NaN, nothing at all, an even side. */
  skc_angle_fit g;
  double e;
  t.data[n * n / 2] = NAN;
  CHECK (skc_ramps_fit (&t, 0, 0.03, &g, &e) == SKC_ERR_INVALID_ARGUMENT
         && g.start == NULL);
  memset (t.data, 0, (size_t) n * n * sizeof *t.data);
  CHECK (skc_ramps_fit (&t, 0, 0.03, &g, &e) == SKC_ERR_INVALID_ARGUMENT);
  skc_image even = { 0 };
  if (CHECK (skc_image_alloc (&even, n + 1, n + 1, 1) == SKC_OK))
    {
      even.data[0] = 1;
      CHECK (skc_ramps_fit (&even, 0, 0.03, &g, &e)
             == SKC_ERR_INVALID_ARGUMENT);
    }
  skc_image_free (&even);
  skc_image_free (&t);
  skc_image_free (&target);
}

int
main (void)
{
  cache = skc_cache_new (NULL, 64);
  check_image_quarter_turn (8);
  check_image_quarter_turn (20);
  check_image_reach (12, 1);
  check_image_reach (12, 0);
  check_high_not_below_normal ();
  check_clip_rows ("shape:star", 12);
  check_clip_rows ("shape:heart", 30);
  check_clip_rows ("shape:gaussian", 20);
  check_clip_rows ("shape:polygon", 45);
  check_ramps ("shape:gaussian", 20, 0);
  check_ramps ("shape:gaussian", 30, 0.6);
  check_ramps ("shape:heart", 12, 0.3);
  /* A round kernel is its own turn: swirl leaves it exact (knots). */
  check_points ("shape:disc", 8, 0.5, 0, 25, 0);
  check_points ("shape:disc", 24, 0.5, 0, 25, 0);
  /* Shapes that turn run on knots per angle: each point spreads its own
     angle's knots, which reach the turned floor (normal: 25 dB) against
     the shape turned (before, DISK complexes turned per pixel reached
     11-19 dB). */
  const double floor_db = skc_quality_floor_db (SKC_QUALITY_NORMAL, 1);
  check_points ("shape:heart", 8, 0.5, 0, floor_db, 0);
  check_points ("shape:heart", 24, 0.5, 0, floor_db, 0);
  check_points ("shape:polygon", 8, 0.5, 0, floor_db, 0);
  check_points ("shape:polygon", 24, 0.5, 0, floor_db, 0);
  check_points ("shape:heart", 8, 0.8, 0, floor_db, 0);
  /* Each pixel blending the kernels of the two angle steps around its
     angle (the planner's choice where the nearest steps are too many). */
  check_points ("shape:heart", 24, 0.5, 0, floor_db, SKC_ANGLES_BLEND_ANGLE);
  check_points ("shape:heart", 8, 0.8, 0, floor_db, SKC_ANGLES_BLEND_ANGLE);
  /* Uniform cat-eye runs knots per angle and clip amount, each point its
     own code's kernel: the floor against the shape clipped and turned as
     at that point, quantisation included (before, the DISK basis with a
     plain blend about the centre reached 11-16.5 dB on the disc). */
  check_points ("shape:disc", 8, 0, 0.5, floor_db, 0);
  check_points ("shape:disc", 24, 0, 0.5, floor_db, 0);
  check_points ("shape:heart", 8, 0, 0.5, floor_db, 0);
  check_points ("shape:heart", 24, 0, 0.5, floor_db, 0);
  /* Each pixel blending the kernels of the two angle steps around its
     angle, and of the two amount steps around its amount (the planner's
     choice where the nearest steps are too many): the same floor against
     the exact angle and amount, on fewer steps. */
  check_points ("shape:heart", 24, 0, 0.5, floor_db, SKC_ANGLES_BLEND_ANGLE);
  check_points ("shape:star", 24, 0, 0.5, floor_db, SKC_ANGLES_BLEND_ANGLE);
  check_points ("shape:heart", 24, 0, 0.5, floor_db,
                SKC_ANGLES_BLEND_ANGLE | SKC_ANGLES_BLEND_AMOUNT);
  /* A Gaussian's codes as ramps (second differences, summed twice), the
     nearest steps and blended. */
  check_points ("shape:gaussian", 8, 0, 0.5, floor_db, 0);
  check_points ("shape:gaussian", 24, 0, 0.5, floor_db, 0);
  check_points ("shape:gaussian", 24, 0, 0.5, floor_db,
                SKC_ANGLES_BLEND_ANGLE | SKC_ANGLES_BLEND_AMOUNT);
  skc_cache_free (cache);
  return check_summary ();
}
