/* skc tests — the quality contract of issue 13 on a small grid, and the
 * ball SNR of `skc bench crisp` itself (tools/crisp.c).
 *
 * The grid: shapes x radii {8, 24, 75} x {uniform, constant map,
 * tilt-shift map, swirl, cat-eye} at draft; every cell is printed with its
 * worst ball SNR and the light it keeps, and asserted (SNR at least the
 * draft floor, 20 dB or 15 for swirl and cat-eye; light within 5 %) unless
 * it is in
 * `known_below` — cells below the floor on the commit this test came
 * with, to be removed as the planner reaches them.  Built-in shapes at
 * radius 8 and 24, uniform, are asserted always.
 *
 * Usage: test-crisp DATA_DIR.  Skipped (exit 77) in unoptimised and
 * sanitizer builds, where the grid would take minutes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/check.h"
#include "crisp.h"

/* Below the floor today (shape/radius/path); see the header.  None: the
   last, the soft leaf's cat-eye at R 75 (once the DISK basis, its knots
   out of reach), runs knots at 18.3 dB today. */
static const char *const known_below[] = {
  NULL,
};

static int
is_known_below (const char *name, double radius, crisp_path path)
{
  char cell[160];
  snprintf (cell, sizeof cell, "%.64s/%g/%s", name, radius,
            crisp_path_name (path));
  for (int i = 0; known_below[i]; i++)
    if (strcmp (known_below[i], cell) == 0)
      return 1;
  return 0;
}

/* The metric: equal kernels give +inf, a shifted one a low figure, and
 * energy outside the target's window (within the margin) counts. */
static void
test_ball_snr (void)
{
  crisp_shape disc;
  skc_error err;
  CHECK (crisp_shape_builtin ("disc", "shape:disc", &disc, &err) == SKC_OK);
  skc_image t = { 0 }, copy = { 0 }, shifted = { 0 }, wide = { 0 };
  CHECK (crisp_target (&disc, 8, 1, &t, &err) == SKC_OK);
  CHECK (skc_image_copy (&t, &copy) == SKC_OK);
  CHECK (isinf (crisp_ball_snr (&copy, &t, CRISP_MARGIN)));
  /* The same kernel one pixel to the right (on a wider canvas). */
  CHECK (skc_image_alloc (&shifted, t.width + 2, t.height, 1) == SKC_OK);
  for (int y = 0; y < t.height; y++)
    for (int x = 0; x < t.width; x++)
      *skc_image_pixel (&shifted, x + 2, y) = *skc_image_pixel (&t, x, y);
  double snr = crisp_ball_snr (&shifted, &t, CRISP_MARGIN);
  CHECK_MSG (snr < 15 && snr > 0, "1 px shift: %.2f dB", snr);
  /* Beyond the window but within the margin: counted. */
  CHECK (skc_kernel_pad (&t, t.width + 8, t.height + 8, &wide) == SKC_OK);
  *skc_image_pixel (&wide, 1, 1) = 0.5f;
  snr = crisp_ball_snr (&wide, &t, CRISP_MARGIN);
  CHECK_MSG (snr < 10, "stray energy within the margin: %.2f dB", snr);
  /* A small perturbation: the figure is -20 log10 of the relative error. */
  double norm = 0;
  for (int i = 0; i < t.width * t.height; i++)
    norm += (double) t.data[i] * t.data[i];
  copy.data[(t.height / 2) * t.width + t.width / 2]
      += (float) (0.01 * sqrt (norm));
  snr = crisp_ball_snr (&copy, &t, CRISP_MARGIN);
  CHECK_MSG (fabs (snr - 40) < 0.01, "1 %% error: %.3f dB", snr);
  skc_image_free (&t);
  skc_image_free (&copy);
  skc_image_free (&shifted);
  skc_image_free (&wide);
  crisp_shape_free (&disc);
}

/* The truth under swirl and cat-eye, where it is known: no swirl and no
 * clip is the target itself; a disc is the same turned by any angle; a
 * clip of amount 0 changes nothing. */
static void
test_lens_truth (void)
{
  const char *specs[3] = { "shape:disc", "shape:heart", "shape:star" };
  const double radii[3] = { 8, 24, 75 };
  for (int s = 0; s < 3; s++)
    for (int r = 0; r < 3; r++)
      {
        crisp_shape shape;
        skc_error err;
        CHECK (crisp_shape_builtin ("s", specs[s], &shape, &err) == SKC_OK);
        skc_image t = { 0 }, lens = { 0 };
        CHECK (crisp_target (&shape, radii[r], 1, &t, &err) == SKC_OK);
        CHECK (crisp_truth_lens (&shape, radii[r], 0, 0, 3000, 2000, 700, 600,
                                 (int) ceil (radii[r]) + 1, &lens, &err)
               == SKC_OK);
        double snr = crisp_ball_snr (&lens, &t, CRISP_MARGIN);
        CHECK_MSG (snr > 40, "%s r %g unturned truth: %.2f dB", specs[s],
                   radii[r], snr);
        skc_image_free (&lens);
        if (s == 0)
          {
            /* A disc turned by swirl (any angle) stays the disc. */
            CHECK (crisp_truth_lens (&shape, radii[r], 0.5, 0, 3000, 2000, 100,
                                     1700, (int) ceil (radii[r]) + 1, &lens,
                                     &err)
                   == SKC_OK);
            snr = crisp_ball_snr (&lens, &t, CRISP_MARGIN);
            CHECK_MSG (snr > 40, "disc r %g turned: %.2f dB", radii[r], snr);
            skc_image_free (&lens);
          }
        skc_image_free (&t);
        crisp_shape_free (&shape);
      }
}

static void
test_contract (const char *data_dir)
{
  const char *names[3] = { "disc", "hexagon", "heart" };
  const char *specs[3]
      = { "shape:disc", "shape:polygon:blades=6", "shape:heart" };
  const char *images[2] = { "feathered-star-256.pgm", "leaf-256.pgm" };
  crisp_shape shapes[5];
  skc_error err;
  int n = 0;
  for (int i = 0; i < 3; i++)
    if (CHECK (crisp_shape_builtin (names[i], specs[i], &shapes[n], &err)
               == SKC_OK))
      n++;
  for (int i = 0; i < 2; i++)
    {
      char path[4096];
      snprintf (path, sizeof path, "%s/kernels/%s", data_dir, images[i]);
      int ok = crisp_shape_image (path, &shapes[n], &err) == SKC_OK;
      CHECK_MSG (ok, "%s: %s", path, err.message);
      n += ok;
    }
  const double radii[3] = { 8, 24, 75 };
  const crisp_path paths[5] = { CRISP_UNIFORM, CRISP_CONSTANT_MAP,
                                CRISP_TILT_SHIFT, CRISP_SWIRL, CRISP_CAT_EYE };
  for (int s = 0; s < n; s++)
    for (int r = 0; r < 3; r++)
      for (int p = 0; p < 5; p++)
        {
          crisp_result res;
          int ok = crisp_measure (&shapes[s], radii[r], paths[p],
                                  SKC_QUALITY_DRAFT, 1, 1, &res, &err)
                   == SKC_OK;
          CHECK_MSG (ok, "%s: %s", shapes[s].name, err.message);
          if (!ok)
            continue;
          int builtin = !shapes[s].image.data;
          int always = builtin && radii[r] <= 24 && paths[p] == CRISP_UNIFORM;
          int known = is_known_below (shapes[s].name, radii[r], paths[p]);
          int asserted = always || !known;
          printf ("%-20s r %-3g %-12s draft: worst %7.2f dB (floor %g), "
                  "light %.4f..%.4f, %s, %s%s\n",
                  shapes[s].name, radii[r], crisp_path_name (paths[p]),
                  res.snr_worst, res.floor_db, res.light_min, res.light_max,
                  res.method, res.pass ? "meets" : "BELOW",
                  asserted ? "" : " (known, not asserted)");
          if (known && res.pass)
            printf ("  -> now meets its floor: remove it from known_below\n");
          if (asserted)
            CHECK_MSG (res.pass, "%s r %g %s: %.2f dB, light %.4f..%.4f",
                       shapes[s].name, radii[r], crisp_path_name (paths[p]),
                       res.snr_worst, res.light_min, res.light_max);
        }
  for (int s = 0; s < n; s++)
    crisp_shape_free (&shapes[s]);
}

/* Beyond the draft grid, cells that a particular way reaches (issue 13's
 * floors), so that a planner change that loses them fails here: swirl and
 * cat-eye on knots per code (cat-eye image shapes at R 75 on merged
 * knots), blur maps of smooth shapes on radius levels, and a thin stroke's
 * map on tables with measured steps. */
static void
test_way_floors (const char *data_dir)
{
  static const struct
  {
    const char *name, *spec; /* spec: a shape, or an image under kernels/ */
    double radius;
    crisp_path path;
    skc_quality quality;
  } cells[] = {
    { "star", "shape:star", 24, CRISP_SWIRL, SKC_QUALITY_HIGH },
    { "heart", "shape:heart", 75, CRISP_SWIRL, SKC_QUALITY_NORMAL },
    { "feathered-star-256", "feathered-star-256.pgm", 75, CRISP_SWIRL,
      SKC_QUALITY_NORMAL },
    { "disc", "shape:disc", 8, CRISP_CAT_EYE, SKC_QUALITY_HIGH },
    { "heart", "shape:heart", 24, CRISP_CAT_EYE, SKC_QUALITY_NORMAL },
    { "leaf-256", "leaf-256.pgm", 75, CRISP_CAT_EYE, SKC_QUALITY_DRAFT },
    { "gaussian", "shape:gaussian", 75, CRISP_TILT_SHIFT, SKC_QUALITY_NORMAL },
    { "coma", "shape:coma", 75, CRISP_CONSTANT_MAP, SKC_QUALITY_HIGH },
    { "snowflake-256", "snowflake-256.pgm", 24, CRISP_TILT_SHIFT,
      SKC_QUALITY_DRAFT },
    /* Up to R 75 cat-eye's knots may cost 16x the FFT (the DISK basis:
       2.6 and 2.0 dB). */
    { "coma", "shape:coma", 75, CRISP_CAT_EYE, SKC_QUALITY_HIGH },
    { "leaf-256", "leaf-256.pgm", 75, CRISP_CAT_EYE, SKC_QUALITY_NORMAL },
    /* Up to R 75, knots with twice the MACs where draft's floor is out
       of reach within the usual (the DISK basis: 0 dB). */
    { "snowflake-256", "snowflake-256.pgm", 75, CRISP_CAT_EYE,
      SKC_QUALITY_DRAFT },
    /* Beyond R 75 the lens floors are draft's: a leaf's knots per angle
       reach it where high's are out of reach (the turned complex: 12 dB). */
    { "leaf-256", "leaf-256.pgm", 100, CRISP_SWIRL, SKC_QUALITY_HIGH },
    /* Radius levels at most a few px apart at the top: a sharp rim's
       blend holds high's floor (the pyramid: 13.4 dB). */
    { "feathered-star-256", "feathered-star-256.pgm", 150, CRISP_CONSTANT_MAP,
      SKC_QUALITY_HIGH },
  };
  for (size_t i = 0; i < sizeof cells / sizeof *cells; i++)
    {
      crisp_shape shape;
      skc_error err;
      char path[4096];
      int ok;
      if (strncmp (cells[i].spec, "shape:", 6) == 0)
        ok = crisp_shape_builtin (cells[i].name, cells[i].spec, &shape, &err)
             == SKC_OK;
      else
        {
          snprintf (path, sizeof path, "%s/kernels/%s", data_dir,
                    cells[i].spec);
          ok = crisp_shape_image (path, &shape, &err) == SKC_OK;
        }
      if (!CHECK (ok))
        continue;
      crisp_result res;
      ok = crisp_measure (&shape, cells[i].radius, cells[i].path,
                          cells[i].quality, 1, 1, &res, &err)
           == SKC_OK;
      CHECK_MSG (ok, "%s: %s", cells[i].name, err.message);
      if (ok)
        {
          printf ("%-20s r %-3g %-12s %s: worst %7.2f dB (floor %g), %s\n",
                  cells[i].name, cells[i].radius,
                  crisp_path_name (cells[i].path),
                  skc_quality_name (cells[i].quality), res.snr_worst,
                  res.floor_db, res.method);
          CHECK_MSG (res.pass, "%s r %g %s %s: %.2f dB, light %.4f..%.4f",
                     cells[i].name, cells[i].radius,
                     crisp_path_name (cells[i].path),
                     skc_quality_name (cells[i].quality), res.snr_worst,
                     res.light_min, res.light_max);
        }
      crisp_shape_free (&shape);
    }
}

/* One cell measured at high quality: its worst kernel SNR at least the
 * floor of `floor_quality` on a method naming `method`, and its light
 * kept. */
static void
check_cell (const crisp_shape *shape, double radius, crisp_path path,
            skc_quality floor_quality, const char *method, const char *why)
{
  const double floor_db = crisp_floor_db (path, floor_quality, radius);
  skc_error err;
  crisp_result res;
  int ok
      = crisp_measure (shape, radius, path, SKC_QUALITY_HIGH, 1, 1, &res, &err)
        == SKC_OK;
  CHECK_MSG (ok, "%s: %s", shape->name, err.message);
  if (!ok)
    return;
  printf ("%s r %g %s high, %s: worst %.2f dB (floor %g), %s\n", shape->name,
          radius, crisp_path_name (path), why, res.snr_worst, floor_db,
          res.method);
  CHECK_MSG (res.snr_worst >= floor_db && strstr (res.method, method),
             "%s r %g %s high: %.2f dB, %s", shape->name, radius,
             crisp_path_name (path), res.snr_worst, res.method);
  CHECK (res.light_min > 0.95 && res.light_max < 1.05);
}

/* Up to R 75, where knots cannot reach a lens floor within their MACs,
 * the plan steps down 5 dB at a time rather than leave it to the DISK
 * basis: a Gaussian's cat-eye at R 75, high, out of reach at 35 dB (its
 * smooth rows take over 16x the FFT's MACs for the fits' share), must
 * reach normal's 25 on knots (the basis: 21.5).  Where the nearest steps
 * are too many, blended steps reach the quality's own floor: a star's
 * cat-eye at R 75, high (3760 x 107 nearest steps, 623 MB of fits; it
 * stepped down to 32.0, and was the basis' 4.3 dB before that).  A blur
 * map holds its floor on one scale: a thin stroke at R 150, high, on a
 * table per map value (the pyramid's 6.9 dB, then normal's tables' 34.4). */
static void
test_floors_on_knots (const char *data_dir)
{
  static const char *const builtins[][2]
      = { { "gaussian", "shape:gaussian" }, { "star", "shape:star" } };
  const skc_quality floors[] = { SKC_QUALITY_NORMAL, SKC_QUALITY_HIGH };
  const char *why[] = { "stepped down", "blended steps" };
  crisp_shape shape;
  skc_error err;
  for (int i = 0; i < 2; i++)
    {
      if (CHECK (
              crisp_shape_builtin (builtins[i][0], builtins[i][1], &shape, &err)
              == SKC_OK))
        check_cell (&shape, 75, CRISP_CAT_EYE, floors[i], "knots", why[i]);
      crisp_shape_free (&shape);
    }
  char path[4096];
  snprintf (path, sizeof path, "%s/kernels/heart-stroke-256.pgm", data_dir);
  if (CHECK (crisp_shape_image (path, &shape, &err) == SKC_OK))
    check_cell (&shape, 150, CRISP_CONSTANT_MAP, SKC_QUALITY_HIGH, "tables",
                "a table per map value");
  crisp_shape_free (&shape);
}

int
main (int argc, char **argv)
{
#if defined(__SANITIZE_ADDRESS__) || !defined(__OPTIMIZE__)
  (void) argc;
  (void) argv;
  printf ("skipped: the contract grid needs an optimised build without "
          "sanitizers\n");
  return 77;
#else
  if (argc < 2)
    {
      fprintf (stderr, "usage: test-crisp DATA_DIR\n");
      return 2;
    }
  struct timespec t0, t1;
  clock_gettime (CLOCK_MONOTONIC, &t0);
  test_ball_snr ();
  test_lens_truth ();
  test_contract (argv[1]);
  test_way_floors (argv[1]);
  test_floors_on_knots (argv[1]);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  printf ("%.1f s; %d passed, %d failed\n",
          (double) (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec),
          check_passed, check_failed);
  return check_failed ? 1 : 0;
#endif
}
