/* skc tests — shape specs and the shape generators: sums, symmetries,
 * ranges, malformed specs, kernels from images.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <locale.h>
#include <string.h>

#include "check.h"
#include "kernel_private.h"
#include "skc/skc.h"

static double
sum_of (const skc_image *k)
{
  double s = 0;
  for (int y = 0; y < k->height; y++)
    for (int x = 0; x < k->width; x++)
      s += *skc_image_pixel (k, x, y);
  return s;
}

/* Largest |k(x, y) - k(mirror)| for a mirror: 0 left-right, 1 up-down,
 * 2 transpose. */
static double
asymmetry (const skc_image *k, int mirror)
{
  double worst = 0;
  int n = k->width;
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++)
      {
        int mx = mirror == 0 ? n - 1 - x : mirror == 1 ? x : y;
        int my = mirror == 0 ? y : mirror == 1 ? n - 1 - y : x;
        double d
            = fabs (*skc_image_pixel (k, x, y) - *skc_image_pixel (k, mx, my));
        worst = d > worst ? d : worst;
      }
  return worst;
}

static skc_image
render (const char *spec, double radius, int size)
{
  skc_shape s;
  skc_error err;
  skc_image k = { 0 };
  if (!CHECK (skc_shape_parse (spec, &s, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  else if (!CHECK (skc_shape_render (&s, radius, size, &k, &err) == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  return k;
}

static void
test_generators (void)
{
  static const struct
  {
    const char *spec;
    int lr, ud, tr; /* expected mirror symmetries */
  } cases[] = {
    { "shape:disc", 1, 1, 1 },
    { "shape:ring:inner=0.7", 1, 1, 1 },
    { "shape:polygon:blades=6", 1, 1, 0 },
    { "shape:polygon:blades=4,rotation=45", 1, 1, 1 },
    { "shape:polygon:blades=9,curvature=0.6", 1, 0, 0 },
    { "shape:star:points=4,inner=0.35", 1, 1, 1 },
    { "shape:star", 1, 0, 0 },
    { "shape:heart", 1, 0, 0 },
    { "shape:gaussian:sigma=0.3", 1, 1, 1 },
    { "shape:coma", 0, 1, 0 },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      skc_image k = render (cases[i].spec, 22.5, 49);
      if (!k.data)
        continue;
      CHECK_EQ_INT (k.width, 49);
      CHECK_NEAR (sum_of (&k), 1.0, 1e-5);
      if (cases[i].lr)
        CHECK_MSG (asymmetry (&k, 0) < 1e-6, "%s not left-right symmetric",
                   cases[i].spec);
      if (cases[i].ud)
        CHECK_MSG (asymmetry (&k, 1) < 1e-6, "%s not up-down symmetric",
                   cases[i].spec);
      if (cases[i].tr)
        CHECK_MSG (asymmetry (&k, 2) < 1e-6, "%s not diagonal symmetric",
                   cases[i].spec);
      float minimum = 1;
      for (int p = 0; p < k.width * k.height; p++)
        minimum = fminf (minimum, k.data[p]);
      CHECK (minimum >= 0);
      skc_image_free (&k);
    }

  /* A 6-blade iris has a vertex pointing up: the top row is reached at the
     centre column, and the 9-blade one is not up-down symmetric. */
  skc_image hex = render ("shape:polygon:blades=6", 22.5, 49);
  skc_image hex_rot = render ("shape:polygon:blades=6,rotation=30", 22.5, 49);
  if (hex.data && hex_rot.data)
    {
      CHECK (*skc_image_pixel (&hex, 24, 2) > 0);
      CHECK (*skc_image_pixel (&hex, 24, 2) > *skc_image_pixel (&hex, 2, 24));
      /* Rotated by 30 degrees the vertex points sideways instead. */
      CHECK (*skc_image_pixel (&hex_rot, 2, 24)
             > *skc_image_pixel (&hex_rot, 24, 2));
    }
  skc_image_free (&hex);
  skc_image_free (&hex_rot);

  /* The heart's point is at the bottom (y grows downwards). */
  skc_image heart = render ("shape:heart", 22.5, 49);
  if (heart.data)
    {
      CHECK (*skc_image_pixel (&heart, 24, 41) > 0);
      CHECK (*skc_image_pixel (&heart, 24, 46) == 0);
      CHECK (*skc_image_pixel (&heart, 24, 4) == 0); /* the notch */
    }
  skc_image_free (&heart);

  /* A disc's area matches pi r^2 (coverage is exact up to sampling). */
  skc_shape disc;
  skc_shape_parse ("disc", &disc, NULL);
  skc_image d = { 0 };
  CHECK (skc_shape_render (&disc, 10, 0, &d, NULL) == SKC_OK);
  CHECK_EQ_INT (d.width, 21);
  if (d.data)
    {
      float peak = d.data[10 * 21 + 10];
      CHECK_NEAR (1.0 / peak, M_PI * 100, M_PI * 100 * 0.002);
    }
  skc_image_free (&d);

  /* Coverage is the exact area: a square of half side 2.25 (circumradius
     2.25 sqrt 2) covers its rim pixels 3/4 and its corners 9/16. */
  skc_image sq = render ("shape:polygon:blades=4,rotation=45,curvature=0",
                         2.25 * sqrt (2), 7);
  if (sq.data)
    {
      double inner = *skc_image_pixel (&sq, 3, 3);
      CHECK_NEAR (inner, 1 / (4.5 * 4.5), 1e-6);
      CHECK_NEAR (*skc_image_pixel (&sq, 1, 3), 0.75 * inner, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&sq, 5, 1), 0.5625 * inner, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&sq, 0, 3), 0, 1e-9);
    }
  skc_image_free (&sq);

  /* ... so a kernel follows its radius smoothly: a hexagon of radius 3.5
     against 3.502 (a blur map's radius step at high quality) differs by
     about 57 dB; points sampled 16 to a pixel's side moved the straight
     rim a sixteenth at a time (30.7 dB). */
  skc_image h0 = render ("shape:polygon:blades=6", 3.5, 9);
  skc_image h1 = render ("shape:polygon:blades=6", 3.502, 9);
  if (h0.data && h1.data)
    CHECK_MSG (skc_kernel_snr_db (skc_kernel_error (&h1, &h0)) > 50,
               "hexagon 3.5 against 3.502: %.1f dB",
               skc_kernel_snr_db (skc_kernel_error (&h1, &h0)));
  skc_image_free (&h0);
  skc_image_free (&h1);

  /* A ring's hole is empty and its area pi (1 - inner^2) r^2. */
  skc_image ring = render ("shape:ring:inner=0.5", 10, 21);
  if (ring.data)
    {
      CHECK_NEAR (*skc_image_pixel (&ring, 10, 10), 0, 1e-9);
      CHECK_NEAR (1.0 / *skc_image_pixel (&ring, 10, 1), M_PI * 75,
                  M_PI * 75 * 1e-5);
    }
  skc_image_free (&ring);

  /* Gaussian: sigma is a fraction of the radius. */
  skc_image g = render ("shape:gaussian:sigma=0.3333333333333333", 15, 61);
  if (g.data)
    {
      /* A 61 px window holds +-6 sigma: truncation is negligible. */
      double var = 0;
      for (int y = 0; y < g.height; y++)
        for (int x = 0; x < g.width; x++)
          var += *skc_image_pixel (&g, x, y) * (x - 30.0) * (x - 30.0);
      /* sigma 5 plus the pixel box's 1/12 */
      CHECK_NEAR (var, 25 + 1.0 / 12, 0.05);
    }
  skc_image_free (&g);
}

static void
test_specs (void)
{
  skc_shape s;
  skc_error err;
  CHECK (skc_shape_parse ("shape:polygon:blades=9,curvature=0.6", &s, &err)
         == SKC_OK);
  CHECK_EQ_INT (s.kind, SKC_SHAPE_POLYGON);
  CHECK_EQ_INT (s.blades, 9);
  CHECK_NEAR (s.curvature, 0.6, 0);
  char buf[256];
  skc_shape_format (&s, buf, sizeof buf);
  skc_shape back;
  CHECK (skc_shape_parse (buf, &back, &err) == SKC_OK);
  CHECK (back.blades == 9 && back.curvature == s.curvature);
  CHECK_MSG (strcmp (buf, "shape:polygon:blades=9,curvature=0.6") == 0,
             "formatted as %s", buf);
  CHECK (skc_shape_parse ("file:/tmp/x.png", &s, &err) == SKC_OK
         && s.kind == SKC_SHAPE_FILE && strcmp (s.path, "/tmp/x.png") == 0);
  CHECK (skc_shape_parse ("heart", &s, &err) == SKC_OK
         && s.kind == SKC_SHAPE_HEART);

  static const char *const bad[] = {
    "",
    "shape:",
    "shape:blob",
    "shape:polygon:blades=2",
    "shape:polygon:blades=17",
    "shape:polygon:blades=6.5",
    "shape:polygon:blades=",
    "shape:polygon:blades=abc",
    "shape:polygon:curvature=1.5",
    "shape:polygon:points=5",
    "shape:star:inner=0",
    "shape:gaussian:sigma=nan",
    "shape:gaussian:sigma=inf",
    "shape:disc:rotation=10",
    "shape:polygon:=3",
    "shape:polygon:blades",
    "shape:polygon:colour=red",
    "file:",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    {
      err.message[0] = '\0';
      skc_result r = skc_shape_parse (bad[i], &s, &err);
      CHECK_MSG (r != SKC_OK && err.message[0], "spec '%s' was accepted",
                 bad[i]);
    }
  /* A long spec is refused, not overflowed. */
  char *huge = malloc (100000);
  memset (huge, 'a', 99999);
  huge[99999] = '\0';
  memcpy (huge, "shape:", 6);
  CHECK (skc_shape_parse (huge, &s, &err) != SKC_OK);
  free (huge);

  skc_shape_init (&s);
  skc_image k = { 0 };
  CHECK (skc_shape_render (&s, -1, 0, &k, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (skc_shape_render (&s, NAN, 0, &k, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (skc_shape_render (&s, 5, 10, &k, &err) == SKC_ERR_INVALID_ARGUMENT);
  /* Radius 0 is the identity. */
  CHECK (skc_shape_render (&s, 0, 0, &k, &err) == SKC_OK && k.width == 1
         && k.data[0] == 1.0f);
  skc_image_free (&k);
}

static void
test_from_values (void)
{
  skc_image k = { 0 };
  skc_error err;
  float zeros[9] = { 0 };
  CHECK (skc_kernel_from_values (zeros, 3, 3, 3, 0, &k, &err)
         == SKC_ERR_EMPTY_KERNEL);
  float nan_values[4] = { 1, NAN, 1, 1 };
  CHECK (skc_kernel_from_values (nan_values, 2, 2, 2, 0, &k, &err)
         == SKC_ERR_NON_FINITE);

  /* Even sides gain a zero column/row; negatives count as zero. */
  float values[6] = { 1, -5, 1, 1, 1, 1 };
  CHECK (skc_kernel_from_values (values, 3, 2, 3, 0, &k, &err) == SKC_OK);
  CHECK (k.width == 3 && k.height == 3);
  CHECK_NEAR (sum_of (&k), 1, 1e-6);
  CHECK (*skc_image_pixel (&k, 1, 0) == 0);
  skc_image_free (&k);

  /* Area resampling of an 8x supersampled square gives the box. */
  int n = 7 * 8;
  float *big = calloc ((size_t) n * n, sizeof *big);
  for (int y = 16; y < 40; y++)
    for (int x = 16; x < 40; x++)
      big[y * n + x] = 1;
  CHECK (skc_kernel_from_values (big, n, n, n, 7, &k, &err) == SKC_OK);
  if (k.data)
    {
      CHECK_NEAR (*skc_image_pixel (&k, 3, 3), 1.0 / 9, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&k, 1, 1), 0, 1e-9);
    }
  skc_image_free (&k);
  free (big);
}

/* A shape image turned exactly (skc_kernel_turned_from_values, what swirl
 * and cat-eye fit per angle): no turn is the unturned kernel; a quarter
 * turn moves every pixel's square onto a pixel's (clockwise on screen:
 * (dx, dy) lands at (-dy, dx)); 45 degrees keeps the light and spreads a
 * pixel's square over the pixels it covers by area; bad input fails. */
static void
test_turned_from_values (void)
{
  enum
  {
    N = 40,
    SIZE = 31
  };
  float *image = calloc ((size_t) N * N, sizeof *image);
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      image[y * N + x] = x < 12 ? 1.0f : y >= 30 ? (float) (x - 10) / 30 : 0;
  skc_image plain = { 0 }, turned = { 0 }, quarter = { 0 };
  CHECK (
      skc_kernel_from_values_spanning (image, N, N, N, SIZE, 21, &plain, NULL)
      == SKC_OK);
  CHECK (
      skc_kernel_turned_from_values (image, N, N, N, SIZE, 21, 0, &turned, NULL)
      == SKC_OK);
  if (plain.data && turned.data)
    CHECK_MSG (memcmp (plain.data, turned.data, sizeof (float) * SIZE * SIZE)
                   == 0,
               "no turn differs from the unturned kernel");
  skc_image_free (&turned);
  CHECK (skc_kernel_turned_from_values (image, N, N, N, SIZE, 21, M_PI / 2,
                                        &quarter, NULL)
         == SKC_OK);
  double worst = 0;
  const int c = SIZE / 2;
  for (int y = 0; plain.data && quarter.data && y < SIZE; y++)
    for (int x = 0; x < SIZE; x++)
      worst = fmax (worst,
                    fabs (*skc_image_pixel (&quarter, c - (y - c), c + (x - c))
                          - *skc_image_pixel (&plain, x, y)));
  CHECK_MSG (worst < 1e-6, "a quarter turn is off by %g", worst);
  skc_image_free (&quarter);

  /* One lit pixel a kernel pixel wide, turned 45 degrees about the
     centre: a diamond of area 1 whose four tips reach t = sqrt 2 / 2 - 1/2
     into the neighbours (a triangle of area t^2 in each). */
  const double t = M_SQRT2 / 2 - 0.5;
  float dot[9] = { 0, 0, 0, 0, 1, 0, 0, 0, 0 };
  CHECK (skc_kernel_turned_from_values (dot, 3, 3, 3, 3, 3, M_PI / 4, &turned,
                                        NULL)
         == SKC_OK);
  if (turned.data)
    {
      CHECK_NEAR (*skc_image_pixel (&turned, 1, 1), 1 - 4 * t * t, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&turned, 0, 1), t * t, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&turned, 1, 2), t * t, 1e-6);
      CHECK_NEAR (*skc_image_pixel (&turned, 0, 0), 0, 1e-9);
      CHECK_NEAR (sum_of (&turned), 1, 1e-6);
    }
  skc_image_free (&turned);
  float zeros[9] = { 0 };
  CHECK (
      skc_kernel_turned_from_values (zeros, 3, 3, 3, 3, 3, 0.3, &turned, NULL)
      == SKC_ERR_EMPTY_KERNEL);
  CHECK (skc_kernel_turned_from_values (dot, 3, 3, 3, 4, 3, 0.3, &turned, NULL)
         == SKC_ERR_INVALID_ARGUMENT);
  skc_image_free (&plain);
  free (image);
}

/* Specs read and write the C spelling under a host's LC_NUMERIC that
 * spells 0.6 as "0,6" (GIMP runs plug-ins under the user's locale). */
static void
test_specs_in_comma_locale (void)
{
  if (!setlocale (LC_NUMERIC, "de_DE.UTF-8"))
    {
      printf ("skipped: no de_DE.UTF-8 locale (scripts/install-deps.sh "
              "generates it)\n");
      return;
    }
  char probe[16];
  snprintf (probe, sizeof probe, "%.1f", 0.5);
  CHECK_MSG (strcmp (probe, "0,5") == 0, "the locale prints %s", probe);
  skc_shape s;
  skc_error err;
  CHECK (skc_shape_parse ("shape:polygon:blades=9,curvature=0.6", &s, &err)
         == SKC_OK);
  CHECK_NEAR (s.curvature, 0.6, 0);
  char buf[256];
  skc_shape_format (&s, buf, sizeof buf);
  CHECK_MSG (strcmp (buf, "shape:polygon:blades=9,curvature=0.6") == 0,
             "formatted as %s", buf);
  skc_shape other;
  CHECK (skc_shape_parse ("shape:polygon:curvature=0,6", &other, &err)
         != SKC_OK);
  setlocale (LC_NUMERIC, "C");
}

int
main (void)
{
  test_generators ();
  test_specs ();
  test_specs_in_comma_locale ();
  test_from_values ();
  test_turned_from_values ();
  return check_summary ();
}
