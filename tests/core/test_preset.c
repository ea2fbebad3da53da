/* skc tests — presets: every field survives save -> load bit for bit,
 * bitmaps too; embedded fits seeded into a cache make engines without a
 * single fit; malformed, truncated and future files are refused with a
 * message naming the line; the built-in presets (folder in argv[1]) load
 * and apply.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skc/skc.h"

#include "check.h"
#include "filter_compare.h"

/* The preset as text (malloc'd). */
static char *
preset_text (const skc_preset *preset, size_t *length)
{
  char *text = NULL;
  FILE *stream = open_memstream (&text, length);

  if (stream == NULL)
    return NULL;
  if (skc_preset_write (preset, stream) != SKC_OK)
    {
      fclose (stream);
      free (text);
      return NULL;
    }
  fclose (stream);
  return text;
}

/* Writes and reads back; NULL (and a failed check) on any error. */
static skc_preset *
round_trip (const skc_preset *preset, char **text_out)
{
  size_t length = 0;
  char *text = preset_text (preset, &length);
  skc_preset *back = NULL;
  skc_error err = { "" };

  if (!CHECK (text != NULL))
    return NULL;
  CHECK_MSG (skc_preset_parse (text, length, "round-trip", &back, &err)
                 == SKC_OK,
             "%s\n%s", err.message, text);
  if (text_out != NULL)
    *text_out = text;
  else
    free (text);
  return back;
}

static bool
same_double (double a, double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

/* Every table field of two parameter sets, bit for bit. */
static void
check_same_params (const skc_params *a, const skc_params *b)
{
  CHECK_EQ_INT (a->shape.kind, b->shape.kind);
  CHECK_EQ_INT (a->shape.blades, b->shape.blades);
  CHECK (same_double (a->shape.rotation, b->shape.rotation));
  CHECK (same_double (a->shape.curvature, b->shape.curvature));
  CHECK_EQ_INT (a->shape.points, b->shape.points);
  CHECK (same_double (a->shape.inner, b->shape.inner));
  CHECK (same_double (a->shape.sigma, b->shape.sigma));
  CHECK (same_double (a->radius, b->radius));
  CHECK_EQ_INT (a->quality, b->quality);
  CHECK (same_double (a->focus, b->focus));
  CHECK_EQ_INT (a->invert_map, b->invert_map);
  CHECK (same_double (a->map_gamma, b->map_gamma));
  CHECK (same_double (a->swirl, b->swirl));
  CHECK (same_double (a->cat_eye, b->cat_eye));
  CHECK (same_double (a->highlight_threshold, b->highlight_threshold));
  CHECK (same_double (a->highlight_gain, b->highlight_gain));
  CHECK_EQ_INT (a->clip, b->clip);
  CHECK (a->seed == b->seed);
}

static void
test_defaults (void)
{
  skc_preset *preset = skc_preset_new ();
  skc_preset *back;
  skc_params expected, got;
  int map_linear = 1;

  skc_params_init (&expected);
  back = round_trip (preset, NULL);
  if (back != NULL)
    {
      skc_params_init (&got);
      got.radius = 99; /* overwritten: the preset says 20 */
      skc_preset_apply (back, 0, &got);
      map_linear = got.map_linear;
      check_same_params (&got, &expected);
      CHECK_EQ_INT (map_linear, 0);
      CHECK (got.shape_image == NULL);
      CHECK_EQ_INT (skc_preset_filter_count (back), 0);
      CHECK (strcmp (skc_preset_get_name (back), "") == 0);
    }
  skc_preset_free (back);
  skc_preset_free (preset);
}

/* Values chosen to need all 17 digits, sit on range ends, or differ from
 * every default. */
static void
test_every_field (void)
{
  skc_preset *preset = skc_preset_new ();
  skc_preset *back;
  skc_params p, got;
  skc_error err = { "" };
  char *text = NULL;
  int map_linear = 0;

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_STAR;
  p.shape.blades = 16;
  p.shape.rotation = 359.99999999999994;
  p.shape.curvature = 0.1 + 0.2;
  p.shape.points = 3;
  p.shape.inner = 0.95;
  p.shape.sigma = 1.0 / 3.0;
  p.radius = 123.456789012345678;
  p.quality = SKC_QUALITY_HIGH;
  p.focus = 1e-300;
  p.invert_map = 1;
  p.map_gamma = 0.1;
  p.swirl = 0.7;
  p.cat_eye = 1;
  p.highlight_threshold = 0.05;
  p.highlight_gain = 100;
  p.clip = 0;
  p.seed = UINT64_MAX;
  p.map_linear = 1;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_OK);
  CHECK (skc_preset_set_name (preset, "Étoile = star # not a comment", &err)
         == SKC_OK);
  back = round_trip (preset, &text);
  if (back != NULL)
    {
      char *again;
      size_t length;

      skc_params_init (&got);
      skc_preset_apply (back, 0, &got);
      map_linear = got.map_linear;
      check_same_params (&got, &p);
      CHECK_EQ_INT (map_linear, 1);
      CHECK (
          strcmp (skc_preset_get_name (back), "Étoile = star # not a comment")
          == 0);
      /* Writing what was read gives the same text. */
      again = preset_text (back, &length);
      CHECK (again != NULL && text != NULL && strcmp (again, text) == 0);
      free (again);
      /* Every key of the table is written under its table name. */
      CHECK (strstr (text, "\nhighlight-threshold = 0.05\n") != NULL);
      CHECK (strstr (text, "\ncat-eye = 1\n") != NULL);
      CHECK (strstr (text, "\nmap-linear = yes\n") != NULL);
      CHECK (strstr (text, "\nshape = star\n") != NULL);
      CHECK (strstr (text, "\ncurvature = 0.30000000000000004\n") != NULL);
    }
  free (text);
  skc_preset_free (back);

  /* Explicit fields stay as the caller set them; the rest come from the
   * preset. */
  skc_params_init (&got);
  got.radius = 7;
  got.shape.kind = SKC_SHAPE_HEART;
  got.shape.points = 9;
  map_linear = 0;
  skc_preset_apply (preset,
                    SKC_PRESET_RADIUS | SKC_PRESET_SHAPE | SKC_PRESET_POINTS
                        | SKC_PRESET_MAP_LINEAR,
                    &got);
  map_linear = got.map_linear;
  CHECK (got.radius == 7);
  CHECK_EQ_INT (got.shape.kind, SKC_SHAPE_HEART);
  CHECK_EQ_INT (got.shape.points, 9);
  CHECK_EQ_INT (map_linear, 0);
  CHECK (same_double (got.shape.inner, 0.95));
  CHECK (got.seed == UINT64_MAX);
  CHECK_EQ_INT (got.quality, SKC_QUALITY_HIGH);

  /* What set_params refuses. */
  p.radius = 1001;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "radius") != NULL);
  p.radius = 20;
  p.shape.blades = 2;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (strstr (err.message, "blades") != NULL);
  CHECK (skc_preset_set_name (preset, "two\nlines", &err)
         == SKC_ERR_INVALID_ARGUMENT);
  skc_preset_free (preset);
}

static void
test_bitmaps (void)
{
  skc_image hex = { 0 }, floats = { 0 };
  skc_params p, got;
  skc_preset *preset = skc_preset_new ();
  skc_preset *back;
  skc_error err = { "" };
  char *text = NULL;

  /* 8-bit grey levels are written as hex rows... */
  skc_image_alloc (&hex, 7, 5, 1);
  for (int y = 0; y < 5; y++)
    for (int x = 0; x < 7; x++)
      *skc_image_pixel (&hex, x, y)
          = (float) ((x * 37 + y * 101) % 256) / 255.0f;
  skc_params_init (&p);
  p.shape_image = &hex;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_OK);
  back = round_trip (preset, &text);
  CHECK (text != NULL && strstr (text, "\nshape = bitmap\n") != NULL
         && strstr (text, "\nbitmap = 7 5 hex\n") != NULL);
  if (back != NULL && CHECK (skc_preset_bitmap (back) != NULL))
    {
      const skc_image *b = skc_preset_bitmap (back);

      CHECK_EQ_INT (b->width, 7);
      CHECK_EQ_INT (b->height, 5);
      for (int y = 0; y < 5; y++)
        CHECK (memcmp (skc_image_pixel (b, 0, y), skc_image_pixel (&hex, 0, y),
                       7 * sizeof (float))
               == 0);
      skc_params_init (&got);
      skc_preset_apply (back, 0, &got);
      CHECK (got.shape_image == b);
      CHECK_EQ_INT (got.shape.kind, SKC_SHAPE_FILE);
    }
  free (text);
  text = NULL;
  skc_preset_free (back);

  /* ... anything else as exact decimals: -0, a subnormal, odd values. */
  skc_image_alloc (&floats, 3, 2, 1);
  floats.data[0] = -0.0f;
  floats.data[1] = 1e-45f;
  floats.data[2] = 0.1f;
  floats.data[3] = 3.4e38f;
  floats.data[4] = -2.5f;
  floats.data[5] = 1.0f / 3.0f;
  p.shape_image = &floats;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_OK);
  back = round_trip (preset, &text);
  CHECK (text != NULL && strstr (text, "\nbitmap = 3 2 float\n") != NULL);
  if (back != NULL && CHECK (skc_preset_bitmap (back) != NULL))
    for (int y = 0; y < 2; y++)
      CHECK (memcmp (skc_image_pixel (skc_preset_bitmap (back), 0, y),
                     skc_image_pixel (&floats, 0, y), 3 * sizeof (float))
             == 0);
  free (text);
  skc_preset_free (back);

  /* Bitmaps that could never be a kernel are refused up front. */
  for (int i = 0; i < 6; i++)
    floats.data[i] = 0;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_ERR_EMPTY_KERNEL);
  floats.data[2] = 1.0f / 0.0f;
  CHECK (skc_preset_set_params (preset, &p, &err) == SKC_ERR_NON_FINITE);

  skc_image_free (&hex);
  skc_image_free (&floats);
  skc_preset_free (preset);
}

/* A small test image with some structure. */
static void
make_photo (skc_image *img)
{
  skc_image_alloc (img, 24, 20, 1);
  for (int y = 0; y < 20; y++)
    for (int x = 0; x < 24; x++)
      *skc_image_pixel (img, x, y)
          = ((x / 3 + y / 4) % 3) * 0.4f + (x == 12 && y == 10 ? 5.0f : 0.0f);
}

static bool
same_image (const skc_image *a, const skc_image *b)
{
  if (a->width != b->width || a->height != b->height
      || a->channels != b->channels)
    return false;
  for (int y = 0; y < a->height; y++)
    if (memcmp (skc_image_pixel (a, 0, y), skc_image_pixel (b, 0, y),
                (size_t) a->width * a->channels * sizeof (float))
        != 0)
      return false;
  return true;
}

/* Captures the fits of one parameter set, saves, loads, seeds a fresh
 * cache, and builds again with the fits' cancel flag raised: any fit
 * would fail, so success means every filter came from the preset. */
static void
check_seeded_build (skc_params *p, int with_map, const char *what)
{
  int raised = 1; /* the core reads it atomically */
  skc_run stopped = { .threads = 0, .cancel = &raised };
  skc_preset *preset = skc_preset_new ();
  skc_preset *back = NULL;
  skc_cache *first = skc_cache_new (NULL, 4096);
  skc_cache *fresh = skc_cache_new (NULL, 4096);
  skc_engine *captured = NULL, *seeded = NULL, *cold = NULL;
  skc_image photo = { 0 }, map = { 0 }, out1 = { 0 }, out2 = { 0 };
  skc_error err = { "" };
  skc_params q;

  make_photo (&photo);
  skc_image_alloc (&map, photo.width, photo.height, 1);
  for (int y = 0; y < map.height; y++)
    for (int x = 0; x < map.width; x++)
      *skc_image_pixel (&map, x, y) = (float) x / (float) (map.width - 1);

  p->cache = first;
  CHECK_MSG (skc_preset_set_params (preset, p, &err) == SKC_OK, "%s: %s", what,
             err.message);
  CHECK_MSG (skc_preset_capture (preset, p, with_map, NULL, &captured, &err)
                 == SKC_OK,
             "%s: %s", what, err.message);
  CHECK_MSG (skc_preset_filter_count (preset) >= 1, "%s: no fits captured",
             what);
  back = round_trip (preset, NULL);
  if (back == NULL || captured == NULL)
    goto done;
  CHECK_EQ_INT (skc_preset_filter_count (back),
                skc_preset_filter_count (preset));
  for (int i = 0; i < skc_preset_filter_count (back); i++)
    {
      char why[200] = "";

      CHECK (strcmp (skc_preset_filter_key (back, i),
                     skc_preset_filter_key (preset, i))
             == 0);
      CHECK_MSG (filters_identical (skc_preset_filter (back, i),
                                    skc_preset_filter (preset, i), why,
                                    sizeof why),
                 "%s: filter %d: %s", what, i, why);
    }

  /* The captured fits also went to the caller's cache. */
  {
    skc_filter *f = NULL;

    CHECK (skc_cache_lookup (first, skc_preset_filter_key (preset, 0), &f)
               == SKC_OK
           && f != NULL);
    skc_filter_free (f);
  }

  skc_params_init (&q);
  skc_preset_apply (back, 0, &q);
  q.cache = fresh;
  /* Without the seed, the raised flag stops the first fit: the check
   * below can fail. */
  CHECK_MSG (skc_engine_new (&q, with_map, &stopped, &cold, &err)
                 == SKC_ERR_CANCELLED,
             "%s: a cold cache did not need a fit", what);
  skc_engine_free (cold);
  CHECK (skc_preset_seed_cache (back, fresh, &err) == SKC_OK);
  CHECK_MSG (skc_engine_new (&q, with_map, &stopped, &seeded, &err) == SKC_OK,
             "%s: seeded build still fitted: %s", what, err.message);
  /* The process calls below bring no flag: they may run. */
  if (seeded != NULL)
    {
      CHECK (
          strcmp (skc_engine_describe (seeded), skc_engine_describe (captured))
          == 0);
      CHECK (skc_apply_image (captured, &photo, -1, with_map ? &map : NULL,
                              NULL, &out1, &err)
             == SKC_OK);
      CHECK (skc_apply_image (seeded, &photo, -1, with_map ? &map : NULL, NULL,
                              &out2, &err)
             == SKC_OK);
      CHECK_MSG (same_image (&out1, &out2), "%s: outputs differ", what);
    }

done:
  p->cache = NULL;
  skc_engine_free (captured);
  skc_engine_free (seeded);
  skc_image_free (&photo);
  skc_image_free (&map);
  skc_image_free (&out1);
  skc_image_free (&out2);
  skc_preset_free (preset);
  skc_preset_free (back);
  skc_cache_free (first);
  skc_cache_free (fresh);
}

static void
test_seeded_fits (void)
{
  skc_params p;
  skc_image heart = { 0 };

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_POLYGON;
  p.shape.blades = 7;
  p.shape.curvature = 0.3;
  p.radius = 3;
  p.quality = SKC_QUALITY_DRAFT;
  /* Flat kernels blur uniformly without fits (knots), and so does swirl
   * on a drawn shape (knots per angle); a bitmap shape with swirl takes
   * the bilinear complex (below). */
  p.swirl = 0.5;
  /* A map: the radius basis, member from member (swirl keeps a flat
   * shape's map on it; without, maps up to 64 px run on knots tables,
   * which need no fits). */
  p.radius = 4;
  check_seeded_build (&p, 1, "map polygon");
  /* Cat-eye with a map varies the kernel over the frame: the basis,
     whatever the shape (uniform cat-eye on a drawn shape runs knots per
     angle and clip amount, which need no fits). */
  p.swirl = 0;
  p.cat_eye = 0.5;
  p.shape.kind = SKC_SHAPE_COMA;
  p.radius = 6;
  check_seeded_build (&p, 1, "map coma with cat-eye");
  /* A bitmap shape (a map with cat-eye runs the basis): its fits are
   * keyed by a hash of its floats, which must survive the file. */
  skc_image_alloc (&heart, 9, 9, 1);
  for (int y = 0; y < 9; y++)
    for (int x = 0; x < 9; x++)
      *skc_image_pixel (&heart, x, y)
          = (x - 4) * (x - 4) + (y - 4) * (y - 4) * 4 <= 16 ? 1.0f : 0.2f;
  p.shape_image = &heart;
  p.radius = 3;
  check_seeded_build (&p, 1, "map bitmap with cat-eye");
  skc_image_free (&heart);
}

typedef struct
{
  const char *text;
  skc_result result;
  const char *message; /* a piece of the expected message */
} bad_case;

static void
test_malformed (void)
{
  static const bad_case cases[] = {
    { "", SKC_ERR_PARSE, "bad:1: empty file" },
    { "# only a comment\n\n", SKC_ERR_PARSE, "empty file" },
    { "skc-filter 1\n", SKC_ERR_PARSE, "bad:1: not an skc preset" },
    { "skc-preset\nend\n", SKC_ERR_PARSE, "no format version" },
    { "skc-preset x1\nend\n", SKC_ERR_PARSE, "bad format version" },
    { "skc-preset 2.0\nend\n", SKC_ERR_UNSUPPORTED,
      "bad:1: written by a newer skc (preset format 2.0)" },
    { "skc-preset 99999999999999999999\n", SKC_ERR_UNSUPPORTED, "newer" },
    { "skc-preset 1.0\nfuture = 1\nend\n", SKC_ERR_PARSE,
      "bad:2: unknown key 'future'" },
    { "skc-preset 1.0\nradius 20\nend\n", SKC_ERR_PARSE,
      "bad:2: expected 'key = value'" },
    { "skc-preset 1.0\nradius = 1000.5\nend\n", SKC_ERR_PARSE,
      "bad:2: radius = 1000.5 is outside 0..1000" },
    { "skc-preset 1.0\nradius = -1\nend\n", SKC_ERR_PARSE, "outside" },
    { "skc-preset 1.0\nradius = nan\nend\n", SKC_ERR_PARSE,
      "not a finite number" },
    { "skc-preset 1.0\nradius = 1,5\nend\n", SKC_ERR_PARSE,
      "not a finite number" },
    { "skc-preset 1.0\nradius = 1e999\nend\n", SKC_ERR_PARSE,
      "not a finite number" },
    { "skc-preset 1.0\nradius =\nend\n", SKC_ERR_PARSE, "radius" },
    { "skc-preset 1.0\nblades = 6.5\nend\n", SKC_ERR_PARSE,
      "blades = 6.5 must be a whole number" },
    { "skc-preset 1.0\nblades = 17\nend\n", SKC_ERR_PARSE, "outside 3..16" },
    { "skc-preset 1.0\ninner = 0.96\nend\n", SKC_ERR_PARSE, "inner" },
    { "skc-preset 1.0\nsigma = 0\nend\n", SKC_ERR_PARSE, "sigma" },
    { "skc-preset 1.0\nmap-gamma = 0.09\nend\n", SKC_ERR_PARSE, "map-gamma" },
    { "skc-preset 1.0\nhighlight-gain = 0.5\nend\n", SKC_ERR_PARSE,
      "highlight-gain" },
    { "skc-preset 1.0\nhighlight-threshold = 2\nend\n", SKC_ERR_PARSE,
      "highlight-threshold" },
    { "skc-preset 1.0\nswirl = 1.01\nend\n", SKC_ERR_PARSE, "swirl" },
    { "skc-preset 1.0\ncat-eye = -0.1\nend\n", SKC_ERR_PARSE, "cat-eye" },
    { "skc-preset 1.0\nfocus = 3\nend\n", SKC_ERR_PARSE, "focus" },
    { "skc-preset 1.0\nrotation = 361\nend\n", SKC_ERR_PARSE, "rotation" },
    { "skc-preset 1.0\ncurvature = 2\nend\n", SKC_ERR_PARSE, "curvature" },
    { "skc-preset 1.0\npoints = 2\nend\n", SKC_ERR_PARSE, "points" },
    { "skc-preset 1.0\nquality = best\nend\n", SKC_ERR_PARSE,
      "quality: 'best' is not draft, normal, high" },
    { "skc-preset 1.0\nclip = maybe\nend\n", SKC_ERR_PARSE,
      "clip: 'maybe' is not yes or no" },
    { "skc-preset 1.0\nseed = -1\nend\n", SKC_ERR_PARSE, "seed" },
    { "skc-preset 1.0\nseed = 18446744073709551616\nend\n", SKC_ERR_PARSE,
      "seed" },
    { "skc-preset 1.0\nradius = 2\nradius = 3\nend\n", SKC_ERR_PARSE,
      "bad:3: duplicate 'radius' (first given on line 2)" },
    { "skc-preset 1.0\nradius = 20\n", SKC_ERR_PARSE,
      "bad:2: no 'end' line: the file is truncated" },
    { "skc-preset 1.0\nend\nradius = 3\n", SKC_ERR_PARSE,
      "bad:3: text after the preset's 'end' line" },
    { "skc-preset 1.0\nend now\n", SKC_ERR_PARSE, "after 'end'" },
    { "skc-preset 1.0\nname = a\001b\nend\n", SKC_ERR_PARSE,
      "control character" },
    { "skc-preset 1.0\nradius = 2\0\nend\n", SKC_ERR_PARSE, "NUL byte" },
    { "skc-preset 1.0\nshape = blob\nend\n", SKC_ERR_PARSE,
      "bad:2: shape: shape spec 'blob': unknown shape" },
    { "skc-preset 1.0\nshape = file:/etc/passwd\nend\n", SKC_ERR_PARSE,
      "not a file name" },
    { "skc-preset 1.0\nshape = shape:polygon:blades=9\nblades = 8\nend\n",
      SKC_ERR_PARSE, "bad:3: 'blades' given both here and in the shape spec" },
    { "skc-preset 1.0\nshape = bitmap\nend\n", SKC_ERR_PARSE,
      "bad:2: shape = bitmap, but there is no 'bitmap" },
    { "skc-preset 1.0\nbitmap = 1 1 hex\nff\nend\n", SKC_ERR_PARSE,
      "bad:2: a bitmap, but the shape is not 'bitmap'" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 2 hex\nffff\n", SKC_ERR_PARSE,
      "bad:3: bitmap: the file ends after 1 of its 2 rows" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 1 hex\nfg00\nend\n",
      SKC_ERR_PARSE, "bad:4: bitmap row 1: 'g' is not a hex digit" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 1 hex\nff\nend\n",
      SKC_ERR_PARSE, "bitmap row 1: expected 2" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 1 hex\nffffff\nend\n",
      SKC_ERR_PARSE, "bitmap row 1: expected 2" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 1 float\n1 inf\nend\n",
      SKC_ERR_PARSE, "'inf' is not a finite number" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2 1 hex\n0000\nend\n",
      SKC_ERR_PARSE, "no positive weight" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 2000 1 hex\nend\n",
      SKC_ERR_TOO_LARGE, "more than the 1024 pixels" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 0 1 hex\nend\n", SKC_ERR_PARSE,
      "at least 1" },
    { "skc-preset 1.0\nshape = bitmap\nbitmap = 1 1 png\nff\nend\n",
      SKC_ERR_PARSE, "unknown encoding 'png'" },
    { "skc-preset 1.0\nfilter = k\nskc-filter 1\nkind complex\n", SKC_ERR_PARSE,
      "bad:2: the filter starting here has no 'end' line" },
    { "skc-preset 1.0\nfilter = k\nskc-filter 1\nkind complex\noffsets "
      "bilinear\nlayers 1\nlayer 1\n0 0 nan\nend\nend\n",
      SKC_ERR_PARSE, "bad:8: in the filter from line 2: weight 'nan'" },
    { "skc-preset 1.0\nfilter =\nskc-filter 1\nend\nend\n", SKC_ERR_PARSE,
      "not a cache key" },
    { "skc-preset 1.0\nfilter = k\nskc-filter 1\nkind complex\noffsets "
      "integer\nlayers 1\nlayer 1\n0 0 1\nend\nfilter = k\nskc-filter 1\n"
      "kind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 1\nend\nend\n",
      SKC_ERR_PARSE, "bad:10: filter: key 'k' given twice" },
  };

  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      /* sizeof keeps embedded NUL bytes; the literal's own NUL is not
       * part of the text. */
      size_t length = strlen (cases[i].text);
      skc_preset *preset = (skc_preset *) 1;
      skc_error err = { "" };
      skc_result result;

      if (strstr (cases[i].message, "NUL") != NULL)
        length = strlen (cases[i].text) + 1 + strlen ("\nend\n");
      result = skc_preset_parse (cases[i].text, length, "bad", &preset, &err);
      CHECK_MSG (result == cases[i].result && preset == NULL
                     && strstr (err.message, cases[i].message) != NULL,
                 "case %zu: got %s, '%s'; expected '%s'", i,
                 skc_strerror (result), err.message, cases[i].message);
    }
}

static void
test_versions (void)
{
  skc_preset *preset = NULL;
  skc_error err = { "" };
  static const char newer_minor[]
      = "# written by skc 9\nskc-preset 1.7\nradius = 33\nlens-model = "
        "Helios 44\nglow = 0.5\nend\n";
  static const char short_version[] = "skc-preset 1\r\nradius = 3\r\nend";

  /* Unknown keys of a newer minor version are skipped, known ones read. */
  CHECK_MSG (
      skc_preset_parse (newer_minor, strlen (newer_minor), "new", &preset, &err)
          == SKC_OK,
      "%s", err.message);
  if (preset != NULL)
    {
      skc_params p;

      skc_params_init (&p);
      skc_preset_apply (preset, 0, &p);
      CHECK (p.radius == 33);
    }
  skc_preset_free (preset);
  preset = NULL;
  /* "1" is 1.0; CRLF and a last line without a newline are fine. */
  CHECK_MSG (skc_preset_parse (short_version, strlen (short_version), "short",
                               &preset, &err)
                 == SKC_OK,
             "%s", err.message);
  skc_preset_free (preset);
  preset = NULL;
  /* A shape spec with its keys. */
  {
    static const char spec[]
        = "skc-preset 1.0\nshape = shape:polygon:blades=9,curvature=0.6\n"
          "end\n";
    CHECK (skc_preset_parse (spec, strlen (spec), "spec", &preset, &err)
           == SKC_OK);
    if (preset != NULL)
      {
        skc_params p;

        skc_params_init (&p);
        skc_preset_apply (preset, 0, &p);
        CHECK_EQ_INT (p.shape.kind, SKC_SHAPE_POLYGON);
        CHECK_EQ_INT (p.shape.blades, 9);
        CHECK (p.shape.curvature == 0.6);
      }
    skc_preset_free (preset);
  }
}

/* Every cut of a complete preset (with a bitmap and a filter) is refused
 * with a message, except cuts that only drop the final newline. */
static void
test_truncation (void)
{
  skc_preset *preset = skc_preset_new ();
  skc_image bitmap = { 0 };
  skc_filter *f;
  skc_params p;
  skc_error err = { "" };
  const int sizes[2] = { 2, 1 };
  char *text;
  size_t length = 0;
  int refused = 0, cuts = 0;

  skc_image_alloc (&bitmap, 3, 3, 1);
  bitmap.data[4] = 1;
  skc_params_init (&p);
  p.shape_image = &bitmap;
  skc_preset_set_params (preset, &p, &err);
  f = skc_filter_new_complex (2, sizes, SKC_OFFSETS_BILINEAR);
  skc_filter_layer (f, 0)[0] = (skc_sample){ 1.5f, -2, 0.5f };
  skc_filter_layer (f, 0)[1] = (skc_sample){ 0, 0, 0.5f };
  skc_filter_layer (f, 1)[0] = (skc_sample){ 0, 1, 1 };
  CHECK (skc_preset_add_filter (preset, "some|key r=3", f, &err) == SKC_OK);
  text = preset_text (preset, &length);
  if (CHECK (text != NULL && length > 10))
    for (size_t cut = 0; cut + 1 < length; cut++)
      {
        skc_preset *back = NULL;
        skc_result result;

        err.message[0] = '\0';
        result = skc_preset_parse (text, cut, "cut", &back, &err);
        cuts++;
        if (result != SKC_OK && back == NULL
            && strncmp (err.message, "cut:", 4) == 0)
          refused++;
        else
          fprintf (stderr, "     cut at %zu: %s '%s'\n", cut,
                   skc_strerror (result), err.message);
        skc_preset_free (back);
      }
  CHECK_EQ_INT (refused, cuts);
  free (text);
  skc_filter_free (f);
  skc_image_free (&bitmap);
  skc_preset_free (preset);
}

static void
test_files (void)
{
  char folder[] = "/tmp/skc-test-preset-XXXXXX";
  char path[64];
  skc_preset *preset = skc_preset_new ();
  skc_preset *back = NULL;
  skc_error err = { "" };

  if (!CHECK (mkdtemp (folder) != NULL))
    return;
  snprintf (path, sizeof path, "%s/a.skcpreset", folder);
  skc_preset_set_name (preset, "file test", &err);
  CHECK_MSG (skc_preset_save (preset, path, &err) == SKC_OK, "%s", err.message);
  CHECK_MSG (skc_preset_load (path, &back, &err) == SKC_OK, "%s", err.message);
  CHECK (back != NULL && strcmp (skc_preset_get_name (back), "file test") == 0);
  skc_preset_free (back);
  back = NULL;
  unlink (path);
  CHECK (skc_preset_load (path, &back, &err) == SKC_ERR_IO && back == NULL
         && strstr (err.message, "a.skcpreset") != NULL);
  rmdir (folder);
  skc_preset_free (preset);
}

/* The shipped presets: each loads, has a name, round-trips, and applies;
 * when it carries fits, the uniform engine for its own parameters needs
 * no other. */
static void
test_builtin (const char *folder)
{
  int raised = 1; /* the core reads it atomically */
  skc_run run = { .threads = 0 };
  DIR *dir = opendir (folder);
  struct dirent *entry;
  int count = 0;
  skc_image photo = { 0 };

  CHECK_MSG (dir != NULL, "cannot open %s", folder);
  if (dir == NULL)
    return;
  make_photo (&photo);
  while ((entry = readdir (dir)) != NULL)
    {
      char path[4096];
      skc_preset *preset = NULL, *back;
      skc_error err = { "" };
      skc_params p;
      skc_engine *engine = NULL;
      skc_image out = { 0 };
      skc_cache *cache;
      size_t name_length = strlen (entry->d_name);

      if (name_length < 11
          || strcmp (entry->d_name + name_length - 10, ".skcpreset") != 0)
        continue;
      count++;
      snprintf (path, sizeof path, "%s/%s", folder, entry->d_name);
      CHECK_MSG (skc_preset_load (path, &preset, &err) == SKC_OK, "%s",
                 err.message);
      if (preset == NULL)
        continue;
      CHECK_MSG (skc_preset_get_name (preset)[0] != '\0', "%s has no name",
                 path);
      back = round_trip (preset, NULL);
      skc_preset_free (back);

      cache = skc_cache_new (NULL, 4096);
      skc_params_init (&p);
      skc_preset_apply (preset, 0, &p);
      p.cache = cache;
      run.cancel = NULL;
      if (skc_preset_filter_count (preset) > 0)
        {
          CHECK (skc_preset_seed_cache (preset, cache, &err) == SKC_OK);
          run.cancel = &raised;
        }
      else
        /* No fits shipped: apply small, so that fitting stays quick. */
        p.radius = 3;
      __atomic_store_n (&raised, 1, __ATOMIC_RELAXED);
      CHECK_MSG (skc_engine_new (&p, 0, &run, &engine, &err) == SKC_OK,
                 "%s: %s", path, err.message);
      __atomic_store_n (&raised, 0, __ATOMIC_RELAXED);
      if (engine != NULL)
        CHECK_MSG (skc_apply_image (engine, &photo, -1, NULL, NULL, &out, &err)
                       == SKC_OK,
                   "%s: %s", path, err.message);
      skc_engine_free (engine);
      skc_image_free (&out);
      skc_cache_free (cache);
      skc_preset_free (preset);
    }
  closedir (dir);
  CHECK_MSG (count >= 8, "only %d built-in presets in %s", count, folder);
  skc_image_free (&photo);
}

int
main (int argc, char **argv)
{
  test_defaults ();
  test_every_field ();
  test_bitmaps ();
  test_versions ();
  test_malformed ();
  test_truncation ();
  test_files ();
  test_seeded_fits ();
  if (argc > 1)
    test_builtin (argv[1]);
  else
    CHECK_MSG (0, "usage: test_preset PRESET_FOLDER");
  return check_summary ();
}
