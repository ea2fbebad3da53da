/* skc tests — filter objects, .skc round trips and malformed .skc files.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <float.h>
#include <dirent.h>
#include <locale.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skc/filterfile.h"
#include "skc/imagefile.h"

#include "check.h"
#include "filter_compare.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

/* Parses an exact-size heap copy, so that ASan sees any read past the end
 * (the parser must not rely on a terminating NUL). */
static skc_result
parse_exact (const char *text, size_t length, const char *name,
             skc_filter **out, skc_error *err)
{
  char *copy = malloc (length > 0 ? length : 1);
  skc_result result;

  if (copy == NULL)
    return SKC_ERR_OUT_OF_MEMORY;
  memcpy (copy, text, length);
  result = skc_filter_parse (length > 0 ? copy : NULL, length, name, out, err);
  free (copy);
  return result;
}

/* A deterministic stream of awkward floats. */
static uint32_t test_rng_state = 12345u;

static float
awkward_float (float scale)
{
  test_rng_state = test_rng_state * 1664525u + 1013904223u;
  return ((float) (test_rng_state >> 8) / 16777216.0f * 2.0f - 1.0f) * scale;
}

static void
set_info (skc_filter *f, const char *spec, double radius, int target_size)
{
  skc_filter_info info;

  memset (&info, 0, sizeof info);
  snprintf (info.spec, sizeof info.spec, "%s", spec);
  info.radius = radius;
  info.target_size = target_size;
  skc_filter_set_info (f, &info);
}

static skc_filter *
make_bilinear (void)
{
  const int sizes[3] = { 5, 1, SKC_MAX_SAMPLES };
  skc_filter *f = skc_filter_new_complex (3, sizes, SKC_OFFSETS_BILINEAR);
  skc_sample *s;
  int l;
  int i;

  if (f == NULL)
    return NULL;
  for (l = 0; l < 3; l++)
    for (i = 0; i < sizes[l]; i++)
      {
        s = &skc_filter_layer (f, l)[i];
        s->dx = awkward_float (30.0f);
        s->dy = awkward_float (30.0f);
        s->w = awkward_float (1.0f);
      }
  /* The corners of float formatting: signed zero, the smallest subnormal,
   * the largest float, exact limits and thirds. */
  s = skc_filter_layer (f, 0);
  s[0].dx = -0.0f;
  s[0].dy = 1.0f / 3.0f;
  s[0].w = 1.40129846e-45f;
  s[1].dx = SKC_MAX_OFFSET;
  s[1].dy = -SKC_MAX_OFFSET;
  s[1].w = FLT_MAX;
  s[2].w = -FLT_MAX;
  s[3].w = FLT_MIN;
  s[4].dx = 0.1f;
  s[4].w = 0.0f;
  set_info (f, "shape:polygon:blades=6,rotation=15 (with spaces: yes)", 22.5,
            49);
  return f;
}

static skc_filter *
make_integer (void)
{
  const int sizes[2] = { 4, 3 };
  skc_filter *f = skc_filter_new_complex (2, sizes, SKC_OFFSETS_INTEGER);
  skc_sample *s;

  if (f == NULL)
    return NULL;
  s = skc_filter_layer (f, 0);
  s[0] = (skc_sample){ -2048.0f, 2048.0f, 0.25f };
  s[1] = (skc_sample){ 0.0f, -0.0f, 0.1f };
  s[2] = (skc_sample){ 3.0f, -7.0f, 1e-30f };
  s[3] = (skc_sample){ 1.0f, 1.0f, -3.5f };
  s = skc_filter_layer (f, 1);
  s[0] = (skc_sample){ 5.0f, 0.0f, 1.0f / 7.0f };
  s[1] = (skc_sample){ -1.0f, 2.0f, 123456.789f };
  s[2] = (skc_sample){ 16.0f, 16.0f, -0.0f };
  set_info (f, "file:/tmp/some kernel: with colons.png", 0.1, 0);
  return f;
}

static skc_filter *
make_lowrank (int rank, int size)
{
  skc_filter *f = skc_filter_new_lowrank (rank, size);
  int k;
  int i;

  if (f == NULL)
    return NULL;
  for (k = 0; k < rank; k++)
    for (i = 0; i < size; i++)
      {
        skc_filter_column (f, k)[i] = awkward_float (2.0f);
        skc_filter_row (f, k)[i] = awkward_float (1e-3f);
      }
  skc_filter_column (f, 0)[0] = -0.0f;
  set_info (f, "", 1.0 / 3.0, size);
  return f;
}

/* ------------------------------------------------------------------ */
/* Filter objects                                                      */
/* ------------------------------------------------------------------ */

static void
test_constructors (void)
{
  const int good[2] = { 1, SKC_MAX_SAMPLES };
  const int too_many[1] = { SKC_MAX_SAMPLES + 1 };
  const int none[1] = { 0 };
  int many[SKC_MAX_LAYERS + 1];
  skc_filter *f;
  int i;

  for (i = 0; i <= SKC_MAX_LAYERS; i++)
    many[i] = 1;

  CHECK (skc_filter_new_complex (0, good, SKC_OFFSETS_BILINEAR) == NULL);
  CHECK (skc_filter_new_complex (-1, good, SKC_OFFSETS_BILINEAR) == NULL);
  CHECK (skc_filter_new_complex (1, NULL, SKC_OFFSETS_BILINEAR) == NULL);
  CHECK (skc_filter_new_complex (1, too_many, SKC_OFFSETS_BILINEAR) == NULL);
  CHECK (skc_filter_new_complex (1, none, SKC_OFFSETS_BILINEAR) == NULL);
  CHECK (skc_filter_new_complex (SKC_MAX_LAYERS + 1, many, SKC_OFFSETS_BILINEAR)
         == NULL);
  CHECK (skc_filter_new_complex (1, good, (skc_offset_kind) 7) == NULL);
  CHECK (skc_filter_new_lowrank (0, 3) == NULL);
  CHECK (skc_filter_new_lowrank (SKC_MAX_RANK + 1, 3) == NULL);
  CHECK (skc_filter_new_lowrank (1, 4) == NULL);
  CHECK (skc_filter_new_lowrank (1, 0) == NULL);
  CHECK (skc_filter_new_lowrank (1, SKC_MAX_KERNEL_SIDE + 2) == NULL);

  f = skc_filter_new_complex (SKC_MAX_LAYERS, many, SKC_OFFSETS_INTEGER);
  CHECK (f != NULL);
  if (f != NULL)
    {
      CHECK_EQ_INT (skc_filter_layer_count (f), SKC_MAX_LAYERS);
      CHECK_EQ_INT (skc_filter_taps (f), SKC_MAX_LAYERS);
      CHECK (skc_filter_layer (f, SKC_MAX_LAYERS) == NULL);
      CHECK (skc_filter_layer (f, -1) == NULL);
      CHECK_EQ_INT (skc_filter_layer_size (f, SKC_MAX_LAYERS), 0);
      CHECK (skc_filter_column (f, 0) == NULL);
      CHECK_EQ_INT (skc_filter_rank (f), 0);
      skc_filter_free (f);
    }

  f = skc_filter_new_lowrank (SKC_MAX_RANK, SKC_MAX_KERNEL_SIDE);
  CHECK (f != NULL);
  if (f != NULL)
    {
      CHECK_EQ_INT (skc_filter_taps (f),
                    2 * SKC_MAX_RANK * SKC_MAX_KERNEL_SIDE);
      CHECK_EQ_INT (skc_filter_reach (f), SKC_MAX_KERNEL_SIDE / 2);
      CHECK_EQ_INT (skc_filter_layer_count (f), 0);
      CHECK (skc_filter_layer (f, 0) == NULL);
      CHECK (skc_filter_row (f, SKC_MAX_RANK) == NULL);
      CHECK (skc_filter_column (f, SKC_MAX_RANK - 1) != NULL);
      CHECK_EQ_INT (skc_filter_validate (f, NULL), SKC_OK);
      skc_filter_free (f);
    }
  skc_filter_free (NULL);
}

static void
test_costs_and_reach (void)
{
  const int sizes[2] = { 3, 2 };
  skc_filter *f = skc_filter_new_complex (2, sizes, SKC_OFFSETS_BILINEAR);
  skc_filter *g;
  skc_sample *s;

  CHECK (f != NULL);
  if (f == NULL)
    return;
  s = skc_filter_layer (f, 0);
  s[0] = (skc_sample){ 2.3f, 0.0f, 1.0f };   /* touches pixel 3 */
  s[1] = (skc_sample){ -1.0f, -2.9f, 1.0f }; /* 3 */
  s[2] = (skc_sample){ 0.0f, 0.0f, 1.0f };
  s = skc_filter_layer (f, 1);
  s[0] = (skc_sample){ 0.0f, 2.0f, 1.0f }; /* exactly 2 */
  s[1] = (skc_sample){ -0.5f, 0.0f, 1.0f };
  CHECK_EQ_INT (skc_filter_taps (f), 5);
  CHECK_EQ_INT (skc_filter_macs (f), 20);
  CHECK_EQ_INT (skc_filter_reach (f), 5);
  CHECK_EQ_INT (skc_filter_validate (f, NULL), SKC_OK);

  /* A copy is deep: changing it leaves the original alone. */
  g = skc_filter_copy (f);
  CHECK (g != NULL);
  if (g != NULL)
    {
      char why[128] = "";

      CHECK_MSG (filters_identical (f, g, why, sizeof why), "%s", why);
      CHECK (skc_filter_layer (g, 1) != skc_filter_layer (f, 1));
      skc_filter_layer (g, 1)[1].w = 9.0f;
      CHECK (skc_filter_layer (f, 1)[1].w == 1.0f);
      skc_filter_free (g);
    }

  skc_filter_free (f);

  f = skc_filter_new_complex (2, sizes, SKC_OFFSETS_INTEGER);
  CHECK (f != NULL);
  if (f == NULL)
    return;
  skc_filter_layer (f, 0)[0].dx = 2.0f;
  skc_filter_layer (f, 1)[1].dy = -4.0f;
  CHECK_EQ_INT (skc_filter_macs (f), 5);
  CHECK_EQ_INT (skc_filter_reach (f), 6);
  skc_filter_free (f);

  f = skc_filter_new_lowrank (3, 9);
  CHECK (f != NULL);
  if (f == NULL)
    return;
  CHECK_EQ_INT (skc_filter_taps (f), 54);
  CHECK_EQ_INT (skc_filter_macs (f), 54);
  CHECK_EQ_INT (skc_filter_reach (f), 4);
  skc_filter_free (f);
}

static void
test_validate (void)
{
  const int sizes[2] = { 2, 3 };
  skc_filter *f = skc_filter_new_complex (2, sizes, SKC_OFFSETS_INTEGER);
  skc_error err;

  CHECK (f != NULL);
  if (f == NULL)
    return;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_OK);

  skc_filter_layer (f, 1)[2].w = NAN;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_ERR_NON_FINITE);
  CHECK_MSG (strstr (err.message, "layer 1") != NULL
                 && strstr (err.message, "sample 2") != NULL,
             "message: %s", err.message);
  skc_filter_layer (f, 1)[2].w = 1.0f;

  skc_filter_layer (f, 0)[1].dx = INFINITY;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_ERR_NON_FINITE);
  /* reach stays sane on an invalid filter */
  CHECK_EQ_INT (skc_filter_reach (f), (int) SKC_MAX_OFFSET);
  skc_filter_layer (f, 0)[1].dx = 2049.0f;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_ERR_INVALID_ARGUMENT);
  skc_filter_layer (f, 0)[1].dx = 1.5f;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_ERR_INVALID_ARGUMENT);
  CHECK_MSG (strstr (err.message, "whole") != NULL, "message: %s", err.message);
  skc_filter_free (f);

  f = skc_filter_new_lowrank (2, 5);
  CHECK (f != NULL);
  if (f == NULL)
    return;
  skc_filter_row (f, 1)[4] = -INFINITY;
  CHECK_EQ_INT (skc_filter_validate (f, &err), SKC_ERR_NON_FINITE);
  CHECK_MSG (strstr (err.message, "term 1") != NULL, "message: %s",
             err.message);
  skc_filter_free (f);

  CHECK_EQ_INT (skc_filter_validate (NULL, NULL), SKC_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                         */
/* ------------------------------------------------------------------ */

static void
check_text_round_trip (const char *label, skc_filter *f)
{
  char *text;
  size_t length = 0;
  skc_filter *back = NULL;
  skc_error err;
  skc_result result;
  char why[256] = "";

  CHECK_MSG (f != NULL, "%s: no filter", label);
  if (f == NULL)
    return;
  text = filter_text (f, &length);
  CHECK_MSG (text != NULL, "%s: write failed", label);
  if (text != NULL)
    {
      err.message[0] = '\0';
      result = parse_exact (text, length, label, &back, &err);
      CHECK_MSG (result == SKC_OK, "%s: %s", label, err.message);
      if (back != NULL)
        {
          CHECK_MSG (filters_identical (f, back, why, sizeof why),
                     "%s differs after the round trip: %s", label, why);
          skc_filter_free (back);
        }
      free (text);
    }
}

static void
test_round_trips (void)
{
  skc_filter *f;

  f = make_bilinear ();
  check_text_round_trip ("bilinear", f);
  skc_filter_free (f);

  f = make_integer ();
  check_text_round_trip ("integer", f);
  skc_filter_free (f);

  f = make_lowrank (3, 7);
  check_text_round_trip ("lowrank", f);
  skc_filter_free (f);

  f = make_lowrank (1, 1);
  check_text_round_trip ("lowrank 1x1", f);
  skc_filter_free (f);

  /* The largest low-rank filter makes the longest lines. */
  f = make_lowrank (2, SKC_MAX_KERNEL_SIDE);
  check_text_round_trip ("lowrank wide", f);
  skc_filter_free (f);
}

/* A temporary folder for save and load. */
static char temp_dir[256];

static bool
make_temp_dir (void)
{
  const char *base = getenv ("TMPDIR");

  if (base == NULL || base[0] == '\0')
    base = "/tmp";
  snprintf (temp_dir, sizeof temp_dir, "%s/skc-test-XXXXXX", base);
  return mkdtemp (temp_dir) != NULL;
}

/* Entries in a folder, to see that a failed save left nothing behind. */
static int
count_dir_entries (const char *path)
{
  DIR *dir = opendir (path);
  struct dirent *entry;
  int count = 0;

  if (dir == NULL)
    return -1;
  while ((entry = readdir (dir)) != NULL)
    if (strcmp (entry->d_name, ".") != 0 && strcmp (entry->d_name, "..") != 0)
      count++;
  closedir (dir);
  return count;
}

static void
test_save_load (void)
{
  char path[512];
  char missing[512];
  skc_filter *f = make_bilinear ();
  skc_filter *g = make_lowrank (2, 5);
  skc_filter *back = NULL;
  skc_error err;
  char why[256] = "";

  CHECK (f != NULL && g != NULL);
  if (f == NULL || g == NULL || !make_temp_dir ())
    {
      CHECK_MSG (false, "cannot create a temporary folder");
      skc_filter_free (f);
      skc_filter_free (g);
      return;
    }
  snprintf (path, sizeof path, "%s/f.skc", temp_dir);

  CHECK_EQ_INT (skc_filter_save (f, path, &err), SKC_OK);
  CHECK_EQ_INT (skc_filter_load (path, &back, &err), SKC_OK);
  if (back != NULL)
    {
      CHECK_MSG (filters_identical (f, back, why, sizeof why), "%s", why);
      skc_filter_free (back);
      back = NULL;
    }

  /* Saving over an existing file replaces it. */
  CHECK_EQ_INT (skc_filter_save (g, path, &err), SKC_OK);
  CHECK_EQ_INT (skc_filter_load (path, &back, &err), SKC_OK);
  if (back != NULL)
    {
      CHECK_MSG (filters_identical (g, back, why, sizeof why), "%s", why);
      skc_filter_free (back);
      back = NULL;
    }

  /* A refused filter leaves the old file and no temporary behind. */
  skc_filter_column (g, 0)[0] = NAN;
  CHECK_EQ_INT (skc_filter_save (g, path, &err), SKC_ERR_NON_FINITE);
  CHECK_MSG (strstr (err.message, path) != NULL, "message: %s", err.message);
  CHECK_EQ_INT (count_dir_entries (temp_dir), 1);
  CHECK_EQ_INT (skc_filter_load (path, &back, &err), SKC_OK);
  skc_filter_free (back);
  back = NULL;
  skc_filter_column (g, 0)[0] = 0.0f;

  /* So does a spec the format cannot hold. */
  set_info (g, "two\nlines", 1.0, 3);
  CHECK_EQ_INT (skc_filter_save (g, path, &err), SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (count_dir_entries (temp_dir), 1);

  snprintf (missing, sizeof missing, "%s/no/such/folder/f.skc", temp_dir);
  CHECK_EQ_INT (skc_filter_save (f, missing, &err), SKC_ERR_IO);
  CHECK_MSG (strstr (err.message, missing) != NULL, "message: %s", err.message);
  CHECK_EQ_INT (skc_filter_load (missing, &back, &err), SKC_ERR_IO);
  CHECK (back == NULL);
  CHECK_MSG (strstr (err.message, missing) != NULL, "message: %s", err.message);

  /* A parse error names the file and line. */
  {
    char bad[512];
    FILE *stream;

    snprintf (bad, sizeof bad, "%s/bad.skc", temp_dir);
    stream = fopen (bad, "w");
    CHECK (stream != NULL);
    if (stream != NULL)
      {
        fputs ("skc-filter 1\nkind complex\nkind complex\n", stream);
        fclose (stream);
        CHECK_EQ_INT (skc_filter_load (bad, &back, &err), SKC_ERR_PARSE);
        CHECK_MSG (strncmp (err.message, bad, strlen (bad)) == 0
                       && strstr (err.message, ":3:") != NULL,
                   "message: %s", err.message);
        remove (bad);
      }
  }

  remove (path);
  rmdir (temp_dir);
  skc_filter_free (f);
  skc_filter_free (g);
}

/* ------------------------------------------------------------------ */
/* Hand-written files                                                  */
/* ------------------------------------------------------------------ */

#define HEAD                                                                   \
  "skc-filter 1\nkind complex\noffsets bilinear\nspec shape:disc\n"            \
  "radius 4\ntarget-size 9\n"
#define BODY "layers 2\nlayer 2\n  1 0 0.5\n  -1 0 0.5\nlayer 1\n  0 1 1\n"
#define GOOD HEAD BODY "end\n"
#define LOWRANK_HEAD                                                           \
  "skc-filter 1\nkind lowrank\nspec x\nradius 1\ntarget-size 3\nrank 1\n"      \
  "size 3\n"

static void
test_accepted_variants (void)
{
  static const char *const texts[] = {
    GOOD,
    /* no final newline */
    HEAD BODY "end",
    /* CRLF */
    "skc-filter 1\r\nkind complex\r\noffsets bilinear\r\nspec shape:disc\r\n"
    "radius 4\r\ntarget-size 9\r\nlayers 2\r\nlayer 2\r\n  1 0 0.5\r\n"
    "  -1 0 0.5\r\nlayer 1\r\n  0 1 1\r\nend\r\n",
    /* comments, blank lines, another key order, comments after end */
    "# a filter\n\nskc-filter 1\n  # indented comment\ntarget-size 9\n"
    "layers 2\nradius 4\nspec   shape:disc   \noffsets bilinear\n"
    "kind complex\n\t\nlayer 2\n1 0 0.5\n# between samples\n-1 0 0.5\n"
    "layer 1\n0 1 1\nend\n\n# trailing comment\n   \n",
    /* spelling variants of the same numbers */
    HEAD "layers 2\nlayer +2\n  1.0 0e0 5e-1\n  -1. -0 .5\nlayer 01\n"
         "  0 1E0 1\nend\n",
  };
  skc_filter *reference = NULL;
  skc_error err;
  size_t i;

  CHECK_EQ_INT (
      skc_filter_parse (GOOD, strlen (GOOD), "good", &reference, &err), SKC_OK);
  if (reference == NULL)
    return;
  CHECK (strcmp (skc_filter_get_info (reference)->spec, "shape:disc") == 0);
  CHECK (skc_filter_get_info (reference)->radius == 4.0);
  CHECK_EQ_INT (skc_filter_get_info (reference)->target_size, 9);

  for (i = 0; i < sizeof texts / sizeof texts[0]; i++)
    {
      skc_filter *f = NULL;
      char why[256] = "";
      skc_result result;

      err.message[0] = '\0';
      result = parse_exact (texts[i], strlen (texts[i]), "variant", &f, &err);
      CHECK_MSG (result == SKC_OK, "variant %zu: %s", i, err.message);
      if (f == NULL)
        continue;
      /* "-0" is a different float from "0", so variant 4 differs in one
       * bit only. */
      if (i != 4)
        CHECK_MSG (filters_identical (reference, f, why, sizeof why),
                   "variant %zu: %s", i, why);
      skc_filter_free (f);
    }

  /* A spec with colons and inner spaces survives as written. */
  {
    const char *text = HEAD "layers 1\nlayer 1\n0 0 1\nend\n";
    const char *spec_text
        = "skc-filter 1\nkind complex\noffsets integer\n"
          "spec file:/a b/c:d.png  \nlayers 1\nlayer 1\n0 0 1\nend\n";
    skc_filter *f = NULL;

    CHECK_EQ_INT (parse_exact (text, strlen (text), "t", &f, &err), SKC_OK);
    skc_filter_free (f);
    f = NULL;
    CHECK_EQ_INT (parse_exact (spec_text, strlen (spec_text), "t", &f, &err),
                  SKC_OK);
    if (f != NULL)
      {
        CHECK (strcmp (skc_filter_get_info (f)->spec, "file:/a b/c:d.png")
               == 0);
        /* radius and target-size are optional */
        CHECK (skc_filter_get_info (f)->radius == 0.0);
        CHECK_EQ_INT (skc_filter_get_info (f)->target_size, 0);
        skc_filter_free (f);
      }
  }
  skc_filter_free (reference);
}

/* A comma-decimal locale must not change what is written or read. */
static void
test_locale (void)
{
  static const char *const locales[]
      = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
          "fr_FR.utf8",  "de_DE",      "nl_NL.UTF-8" };
  const char *chosen = NULL;
  skc_filter *f;
  char *text;
  size_t length = 0;
  size_t i;

  for (i = 0; i < sizeof locales / sizeof locales[0] && chosen == NULL; i++)
    if (setlocale (LC_NUMERIC, locales[i]) != NULL)
      chosen = locales[i];
  if (chosen == NULL)
    {
      printf ("locale test skipped: no comma-decimal locale installed\n");
      return;
    }

  f = make_bilinear ();
  text = f != NULL ? filter_text (f, &length) : NULL;
  CHECK (text != NULL);
  if (text != NULL)
    {
      skc_filter *back = NULL;
      skc_error err;
      char why[256] = "";

      CHECK_MSG (strstr (text, "radius 22.5\n") != NULL,
                 "locale %s wrote a ',' radius", chosen);
      CHECK_EQ_INT (parse_exact (text, length, "locale", &back, &err), SKC_OK);
      if (back != NULL)
        {
          CHECK_MSG (filters_identical (f, back, why, sizeof why), "%s", why);
          skc_filter_free (back);
        }
      free (text);
    }
  skc_filter_free (f);
  setlocale (LC_NUMERIC, "C");
}

/* ------------------------------------------------------------------ */
/* Malformed files                                                     */
/* ------------------------------------------------------------------ */

#define NUL_INSIDE "skc-filter 1\nkind complex\nspec a\0b\nend\n"

typedef struct
{
  const char *label;
  const char *text;
  size_t length;        /* 0: strlen (text) */
  int line;             /* the line the message must name; 0: any */
  const char *contains; /* a phrase the message must contain, or NULL */
  skc_result expected;  /* SKC_OK: PARSE or TOO_LARGE will do */
} malformed_case;

static const malformed_case malformed[] = {
  { "empty", "", 0, 1, "empty", SKC_ERR_PARSE },
  { "only comments", "\n# nothing\n\n", 0, 3, NULL, SKC_ERR_PARSE },
  { "wrong magic", "skc-filtre 1\n", 0, 1, "not an skc filter", SKC_ERR_PARSE },
  { "binary", "\x89PNG\r\n\x1a\n", 0, 1, NULL, SKC_ERR_PARSE },
  { "future version", "skc-filter 3\nkind complex\n", 0, 1,
    "written by a newer skc (format 3), this build reads 2", SKC_ERR_PARSE },
  { "far future version", "skc-filter 123456789012345678901234\n", 0, 1,
    "newer skc", SKC_ERR_PARSE },
  { "version 0", "skc-filter 0\n", 0, 1, NULL, SKC_ERR_PARSE },
  { "no version", "skc-filter\n", 0, 1, NULL, SKC_ERR_PARSE },
  { "version junk", "skc-filter 1x\n", 0, 1, NULL, SKC_ERR_PARSE },
  { "magic junk", "skc-filter 1 2\n", 0, 1, NULL, SKC_ERR_PARSE },
  { "magic twice", "skc-filter 1\nskc-filter 1\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "huge layer count", HEAD "layers 1000000000\n", 0, 7, NULL,
    SKC_ERR_TOO_LARGE },
  { "overflowing layer count", HEAD "layers 99999999999999999999999\n", 0, 7,
    NULL, SKC_ERR_TOO_LARGE },
  { "17 layers", HEAD "layers 17\n", 0, 7, NULL, SKC_ERR_TOO_LARGE },
  { "negative layer count", HEAD "layers -1\n", 0, 7, NULL, SKC_ERR_PARSE },
  { "zero layers", HEAD "layers 0\n", 0, 7, NULL, SKC_ERR_PARSE },
  { "fractional layer count", HEAD "layers 2.0\n", 0, 7, NULL, SKC_ERR_PARSE },
  { "65 samples", HEAD "layers 1\nlayer 65\n", 0, 8, NULL, SKC_ERR_TOO_LARGE },
  { "negative samples", HEAD "layers 1\nlayer -3\n", 0, 8, NULL,
    SKC_ERR_PARSE },
  { "zero samples", HEAD "layers 1\nlayer 0\nend\n", 0, 8, NULL,
    SKC_ERR_PARSE },
  { "NaN weight", HEAD "layers 1\nlayer 1\n0 0 nan\nend\n", 0, 9,
    "not a finite number", SKC_ERR_PARSE },
  { "NAN weight", HEAD "layers 1\nlayer 1\n0 0 NAN\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "inf offset", HEAD "layers 1\nlayer 1\ninf 0 1\nend\n", 0, 9,
    "offset 'inf' is not a finite number", SKC_ERR_PARSE },
  { "-infinity offset", HEAD "layers 1\nlayer 1\n0 -infinity 1\nend\n", 0, 9,
    NULL, SKC_ERR_PARSE },
  { "offset 1e30", HEAD "layers 1\nlayer 1\n1e30 0 1\nend\n", 0, 9,
    "pixels from the centre", SKC_ERR_PARSE },
  { "offset 2048.5", HEAD "layers 1\nlayer 1\n0 2048.5 1\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "weight overflows a float", HEAD "layers 1\nlayer 1\n0 0 1e39\nend\n", 0, 9,
    NULL, SKC_ERR_PARSE },
  { "weight overflows a double", HEAD "layers 1\nlayer 1\n0 0 1e999\nend\n", 0,
    9, NULL, SKC_ERR_PARSE },
  { "trailing junk in a number", HEAD "layers 1\nlayer 1\n0 0 0.5x\nend\n", 0,
    9, NULL, SKC_ERR_PARSE },
  { "hex float", HEAD "layers 1\nlayer 1\n0 0 0x1p3\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "decimal comma", HEAD "layers 1\nlayer 1\n0 0 0,5\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "two signs", HEAD "layers 1\nlayer 1\n0 --1 1\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "long number",
    HEAD "layers 1\nlayer 1\n0 0 "
         "1.000000000000000000000000000000000000000000000000000000001\nend\n",
    0, 9, NULL, SKC_ERR_PARSE },
  { "two numbers", HEAD "layers 1\nlayer 1\n0 0\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "four numbers", HEAD "layers 1\nlayer 1\n0 0 1 1\nend\n", 0, 9, NULL,
    SKC_ERR_PARSE },
  { "too few sample lines",
    HEAD "layers 2\nlayer 2\n1 0 0.5\nlayer 1\n0 0 1\nend\n", 0, 10, NULL,
    SKC_ERR_PARSE },
  { "too many sample lines (first layer)",
    HEAD "layers 2\nlayer 1\n1 0 0.5\n1 0 0.5\nlayer 1\n0 0 1\nend\n", 0, 10,
    NULL, SKC_ERR_PARSE },
  { "too many sample lines (last layer)",
    HEAD "layers 1\nlayer 1\n1 0 0.5\n1 0 0.5\nend\n", 0, 10, "more samples",
    SKC_ERR_PARSE },
  { "fewer layers than declared",
    HEAD "layers 3\nlayer 1\n0 0 1\nlayer 1\n0 0 1\nend\n", 0, 12, NULL,
    SKC_ERR_PARSE },
  { "more layers than declared",
    HEAD "layers 1\nlayer 1\n0 0 1\nlayer 1\n0 0 1\nend\n", 0, 10,
    "more layers", SKC_ERR_PARSE },
  { "missing end", HEAD BODY, 0, 12, "end", SKC_ERR_PARSE },
  { "missing end, file ends mid-layer", HEAD "layers 1\nlayer 3\n0 0 1\n", 0, 9,
    NULL, SKC_ERR_PARSE },
  { "junk after end", GOOD "foo\n", 0, 14, "after 'end'", SKC_ERR_PARSE },
  { "second filter after end", GOOD GOOD, 0, 14, NULL, SKC_ERR_PARSE },
  { "junk on the end line", HEAD BODY "end now\n", 0, 13, NULL, SKC_ERR_PARSE },
  { "duplicate kind", "skc-filter 1\nkind complex\nkind complex\n", 0, 3,
    "duplicate", SKC_ERR_PARSE },
  { "duplicate radius", HEAD "radius 4\n" BODY "end\n", 0, 7, "line 5",
    SKC_ERR_PARSE },
  { "duplicate spec", HEAD "spec again\n" BODY "end\n", 0, 7, NULL,
    SKC_ERR_PARSE },
  { "integer kind, fractional offset",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n"
    "0.5 0 1\nend\n",
    0, 6, "whole", SKC_ERR_PARSE },
  { "missing kind",
    "skc-filter 1\noffsets bilinear\nlayers 1\nlayer 1\n"
    "0 0 1\nend\n",
    0, 4, "kind", SKC_ERR_PARSE },
  { "missing offsets",
    "skc-filter 1\nkind complex\nlayers 1\nlayer 1\n"
    "0 0 1\nend\n",
    0, 4, "offsets", SKC_ERR_PARSE },
  { "missing layers",
    "skc-filter 1\nkind complex\noffsets integer\n"
    "layer 1\n0 0 1\nend\n",
    0, 4, "layers", SKC_ERR_PARSE },
  { "rank in a complex filter", HEAD "rank 2\n" BODY "end\n", 0, 7, "rank",
    SKC_ERR_PARSE },
  { "unknown key", HEAD "colour red\n" BODY "end\n", 0, 7, "unknown key",
    SKC_ERR_PARSE },
  { "unknown kind", "skc-filter 1\nkind fancy\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "unknown offsets", "skc-filter 1\nkind complex\noffsets nearest\n", 0, 3,
    NULL, SKC_ERR_PARSE },
  { "kind with two words", "skc-filter 1\nkind complex lowrank\n", 0, 2, NULL,
    SKC_ERR_PARSE },
  { "kind without a value", "skc-filter 1\nkind\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "stray CR", "skc-filter 1\nkind complex\r\r\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "negative radius", "skc-filter 1\nradius -1\n", 0, 2, "outside",
    SKC_ERR_PARSE },
  { "NaN radius", "skc-filter 1\nradius nan\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "huge radius", "skc-filter 1\nradius 1e300\n", 0, 2, NULL, SKC_ERR_PARSE },
  { "fractional target size", "skc-filter 1\ntarget-size 1e3\n", 0, 2, NULL,
    SKC_ERR_PARSE },
  { "negative target size", "skc-filter 1\ntarget-size -5\n", 0, 2, NULL,
    SKC_ERR_PARSE },
  { "spec with a control character", "skc-filter 1\nspec a\x01z\n", 0, 2,
    "control", SKC_ERR_PARSE },
  { "layer before its header", "skc-filter 1\nlayer 1\n0 0 1\nend\n", 0, 2,
    NULL, SKC_ERR_PARSE },
  { "header key between layers",
    HEAD "layers 2\nlayer 1\n0 0 1\nradius 3\nlayer 1\n0 0 1\nend\n", 0, 10,
    NULL, SKC_ERR_PARSE },
  { "end straight after the header", HEAD "layers 1\nend\n", 0, 8, NULL,
    SKC_ERR_PARSE },
  { "lowrank: too few values", LOWRANK_HEAD "column 1 2\nrow 1 2 3\nend\n", 0,
    8, "expected 3", SKC_ERR_PARSE },
  { "lowrank: too many values",
    LOWRANK_HEAD "column 1 2 3\nrow 1 2 3 4\n"
                 "end\n",
    0, 9, NULL, SKC_ERR_PARSE },
  { "lowrank: NaN value", LOWRANK_HEAD "column 1 nan 3\nrow 1 2 3\nend\n", 0, 8,
    NULL, SKC_ERR_PARSE },
  { "lowrank: row before column",
    LOWRANK_HEAD "row 1 2 3\ncolumn 1 2 3\n"
                 "end\n",
    0, 8, NULL, SKC_ERR_PARSE },
  { "lowrank: more terms than the rank",
    LOWRANK_HEAD "column 1 2 3\nrow 1 2 3\ncolumn 1 2 3\nrow 1 2 3\nend\n", 0,
    10, "more terms", SKC_ERR_PARSE },
  { "lowrank: fewer terms than the rank",
    "skc-filter 1\nkind lowrank\nrank 2\nsize 1\ncolumn 1\nrow 1\nend\n", 0, 7,
    NULL, SKC_ERR_PARSE },
  { "lowrank: even size", "skc-filter 1\nkind lowrank\nrank 1\nsize 4\n", 0, 4,
    "odd", SKC_ERR_PARSE },
  { "lowrank: size too large", "skc-filter 1\nkind lowrank\nsize 4099\n", 0, 3,
    NULL, SKC_ERR_TOO_LARGE },
  { "lowrank: rank too large", "skc-filter 1\nkind lowrank\nrank 65\n", 0, 3,
    NULL, SKC_ERR_TOO_LARGE },
  { "lowrank: offsets given",
    "skc-filter 1\nkind lowrank\noffsets integer\nrank 1\nsize 1\n"
    "column 1\nrow 1\nend\n",
    0, 3, NULL, SKC_ERR_PARSE },
  { "lowrank: missing size",
    "skc-filter 1\nkind lowrank\nrank 1\n"
    "column 1\nrow 1\nend\n",
    0, 4, "size", SKC_ERR_PARSE },
  { "NUL byte inside", NUL_INSIDE, sizeof (NUL_INSIDE) - 1, 3, "NUL",
    SKC_ERR_PARSE },
  { "NUL byte after end", GOOD "\0", sizeof (GOOD), 14, "NUL", SKC_ERR_PARSE },
};

/* Checks that a failed parse is clean: the right code, no filter, and a
 * message "NAME:LINE: ..." naming the expected line. */
static void
check_malformed (const char *label, const char *text, size_t length, int line,
                 const char *contains, skc_result expected)
{
  skc_filter *f = (skc_filter *) &f; /* must be overwritten with NULL */
  skc_error err;
  skc_result result;
  char prefix[32];

  memset (err.message, 0, sizeof err.message);
  result = parse_exact (text, length, "case.skc", &f, &err);
  if (expected != SKC_OK)
    CHECK_MSG (result == expected, "%s: got %s (%s)", label,
               skc_strerror (result), err.message);
  else
    CHECK_MSG (result == SKC_ERR_PARSE || result == SKC_ERR_TOO_LARGE,
               "%s: got %s (%s)", label, skc_strerror (result), err.message);
  CHECK_MSG (f == NULL, "%s: no filter expected", label);
  /* SKC_TEST_VERBOSE=1 shows every message, to judge their wording. */
  if (getenv ("SKC_TEST_VERBOSE") != NULL)
    printf ("%-40s %s\n", label, err.message);
  if (result == SKC_OK)
    {
      skc_filter_free (f);
      return;
    }
  CHECK_MSG (strncmp (err.message, "case.skc:", 9) == 0,
             "%s: message does not name the file: %s", label, err.message);
  if (line > 0)
    {
      snprintf (prefix, sizeof prefix, "case.skc:%d:", line);
      CHECK_MSG (strncmp (err.message, prefix, strlen (prefix)) == 0,
                 "%s: expected line %d: %s", label, line, err.message);
    }
  if (contains != NULL)
    CHECK_MSG (strstr (err.message, contains) != NULL,
               "%s: message lacks '%s': %s", label, contains, err.message);
}

static void
test_malformed (void)
{
  size_t i;
  size_t long_length = (size_t) 2 << 20;
  char *text;

  /* The table must itself be sound: the base text parses. */
  {
    skc_filter *f = NULL;
    skc_error err;

    CHECK_EQ_INT (skc_filter_parse (GOOD, strlen (GOOD), "good", &f, &err),
                  SKC_OK);
    skc_filter_free (f);
  }

  for (i = 0; i < sizeof malformed / sizeof malformed[0]; i++)
    {
      const malformed_case *c = &malformed[i];

      check_malformed (c->label, c->text,
                       c->length > 0 ? c->length : strlen (c->text), c->line,
                       c->contains, c->expected);
    }

  /* Lines too long to be real, as a comment and as a spec. */
  text = malloc (long_length + 64);
  CHECK (text != NULL);
  if (text != NULL)
    {
      strcpy (text, "skc-filter 1\n#");
      memset (text + 14, 'x', long_length);
      strcpy (text + 14 + long_length, "\nend\n");
      check_malformed ("very long line", text, strlen (text), 2, "longer",
                       SKC_ERR_PARSE);

      strcpy (text, "skc-filter 1\nspec ");
      memset (text + 18, 'y', 5000);
      strcpy (text + 18 + 5000, "\nend\n");
      check_malformed ("very long spec", text, strlen (text), 2, "spec",
                       SKC_ERR_PARSE);

      /* A low-rank line with far more values than any size. */
      strcpy (text, "skc-filter 1\nkind lowrank\nrank 1\nsize 3\ncolumn");
      {
        size_t at = strlen (text);
        int k;

        for (k = 0; k < 20000; k++)
          {
            memcpy (text + at, " 1", 2);
            at += 2;
          }
        strcpy (text + at, "\nrow 1 1 1\nend\n");
      }
      check_malformed ("lowrank: 20000 values", text, strlen (text), 5,
                       "or more", SKC_ERR_PARSE);
      free (text);
    }

  /* Bad arguments. */
  {
    skc_filter *f = NULL;

    CHECK_EQ_INT (skc_filter_parse (NULL, 5, "x", &f, NULL),
                  SKC_ERR_INVALID_ARGUMENT);
    CHECK_EQ_INT (skc_filter_parse (GOOD, strlen (GOOD), "x", NULL, NULL),
                  SKC_ERR_INVALID_ARGUMENT);
    /* NULL name and err are allowed */
    CHECK_EQ_INT (skc_filter_parse ("x", 1, NULL, &f, NULL), SKC_ERR_PARSE);
    CHECK (f == NULL);
  }
}

/* The exact messages of the header's keys and the data blocks, which are
 * read through shared tables and helpers: a change there must not change
 * what a user reads. */
typedef struct
{
  const char *label;
  const char *text;
  skc_result expected;
  const char *message;
} message_case;

static const message_case messages[] = {
  { "duplicate kind, in full", "skc-filter 1\nkind complex\nkind lowrank\n",
    SKC_ERR_PARSE, "case.skc:3: duplicate 'kind' (first given on line 2)" },
  { "unknown kind, in full", "skc-filter 1\nkind fancy\n", SKC_ERR_PARSE,
    "case.skc:2: unknown kind 'fancy' (expected complex, lowrank or knots)" },
  { "unknown axis, in full", "skc-filter 2\nkind knots\naxis diagonal\n",
    SKC_ERR_PARSE,
    "case.skc:3: unknown axis 'diagonal' (expected rows or columns)" },
  { "unknown offsets, in full", "skc-filter 1\noffsets nearest\n",
    SKC_ERR_PARSE,
    "case.skc:2: unknown offsets 'nearest' (expected bilinear or integer)" },
  { "knots in format 1", "skc-filter 1\nkind knots\n", SKC_ERR_PARSE,
    "case.skc:2: kind knots needs format 2 or later, but the file says 1" },
  { "no value after a key", "skc-filter 1\naxis\n", SKC_ERR_PARSE,
    "case.skc:2: no value after 'axis'" },
  { "junk after the kind", "skc-filter 1\nkind complex x\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected 'x' after the kind" },
  { "junk after the axis", "skc-filter 2\naxis rows x\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected 'x' after the axis" },
  { "junk after the offsets", "skc-filter 1\noffsets integer x\n",
    SKC_ERR_PARSE, "case.skc:2: unexpected 'x' after the offsets" },
  { "junk after the radius", "skc-filter 1\nradius 2 3\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected '3' after the radius" },
  { "junk after the target size", "skc-filter 1\ntarget-size 2 3\n",
    SKC_ERR_PARSE, "case.skc:2: unexpected '3' after the target size" },
  { "junk after the layer count", "skc-filter 1\nlayers 2 3\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected '3' after the layer count" },
  { "junk after the rank", "skc-filter 1\nrank 2 3\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected '3' after the rank" },
  { "junk after the size", "skc-filter 1\nsize 3 3\n", SKC_ERR_PARSE,
    "case.skc:2: unexpected '3' after the size" },
  { "rank not a number", "skc-filter 1\nrank two\n", SKC_ERR_PARSE,
    "case.skc:2: rank: 'two' is not a whole number" },
  { "size even", "skc-filter 1\nsize 4\n", SKC_ERR_PARSE,
    "case.skc:2: size: 4 is not odd" },
  { "layers above the limit", "skc-filter 1\nlayers 17\n", SKC_ERR_TOO_LARGE,
    "case.skc:2: layers: 17 is more than the 16 skc supports" },
  { "target size below 0", "skc-filter 1\ntarget-size -5\n", SKC_ERR_PARSE,
    "case.skc:2: target-size: -5 is below 0" },
  { "radius not finite", "skc-filter 1\nradius inf\n", SKC_ERR_PARSE,
    "case.skc:2: radius: 'inf' is not a finite number" },
  { "radius out of range", "skc-filter 1\nradius 1e9\n", SKC_ERR_PARSE,
    "case.skc:2: radius: 1e9 is outside 0 to 65536" },
  { "spec with a control character, in full", "skc-filter 1\nspec a\001\n",
    SKC_ERR_PARSE, "case.skc:2: the spec contains a control character" },
  { "unknown key, in full", "skc-filter 1\ncolour red\n", SKC_ERR_PARSE,
    "case.skc:2: unknown key 'colour'" },
  { "magic twice, in full", "skc-filter 1\nskc-filter 1\n", SKC_ERR_PARSE,
    "case.skc:2: duplicate 'skc-filter' line" },
  { "complex with an axis", "skc-filter 2\naxis rows\nkind complex\nlayer 1\n",
    SKC_ERR_PARSE,
    "case.skc:2: 'axis' is for knots filters, but the kind is complex" },
  { "lowrank with an axis", "skc-filter 2\nkind lowrank\naxis columns\nrow 1\n",
    SKC_ERR_PARSE,
    "case.skc:3: 'axis' is for knots filters, but the kind is lowrank" },
  { "complex with a rank", "skc-filter 1\nkind complex\nrank 2\nlayer 1\n",
    SKC_ERR_PARSE,
    "case.skc:3: 'rank' is for low-rank filters, but the kind is complex" },
  { "complex with a size", "skc-filter 1\nkind complex\nsize 3\nlayer 1\n",
    SKC_ERR_PARSE,
    "case.skc:3: 'size' is for low-rank filters, but the kind is complex" },
  { "lowrank with offsets",
    "skc-filter 1\nkind lowrank\noffsets integer\ncolumn 1\n", SKC_ERR_PARSE,
    "case.skc:3: 'offsets' is for complex filters, but the kind is lowrank" },
  { "lowrank with layers", "skc-filter 1\nlayers 1\nkind lowrank\ncolumn 1\n",
    SKC_ERR_PARSE,
    "case.skc:2: 'layers' is for complex filters, but the kind is lowrank" },
  { "knots with offsets",
    "skc-filter 2\nkind knots\nrank 1\noffsets integer\nline\n", SKC_ERR_PARSE,
    "case.skc:4: 'offsets' is not for knots filters" },
  { "knots with layers", "skc-filter 2\nkind knots\nrank 1\nlayers 1\nline\n",
    SKC_ERR_PARSE, "case.skc:4: 'layers' is not for knots filters" },
  { "knots with a rank", "skc-filter 2\nkind knots\nrank 1\nline\n",
    SKC_ERR_PARSE, "case.skc:3: 'rank' is not for knots filters" },
  { "missing kind, in full", "skc-filter 1\nlayer 1\n", SKC_ERR_PARSE,
    "case.skc:2: missing 'kind' before this line" },
  { "missing offsets, in full",
    "skc-filter 1\nkind complex\nlayers 1\nlayer 1\n", SKC_ERR_PARSE,
    "case.skc:4: missing 'offsets' before this line" },
  { "missing layers, in full",
    "skc-filter 1\nkind complex\noffsets integer\nlayer 1\n", SKC_ERR_PARSE,
    "case.skc:4: missing 'layers' before this line" },
  { "missing rank", "skc-filter 1\nkind lowrank\nsize 1\ncolumn 1\n",
    SKC_ERR_PARSE, "case.skc:4: missing 'rank' before this line" },
  { "missing size (lowrank)", "skc-filter 1\nkind lowrank\nrank 1\ncolumn 1\n",
    SKC_ERR_PARSE, "case.skc:4: missing 'size' before this line" },
  { "missing axis", "skc-filter 2\nkind knots\nsize 1\nline\n", SKC_ERR_PARSE,
    "case.skc:4: missing 'axis' before this line" },
  { "missing size (knots)", "skc-filter 2\nkind knots\naxis rows\nline\n",
    SKC_ERR_PARSE, "case.skc:4: missing 'size' before this line" },
  { "complex: end too early",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 2\nlayer 1\n0 0 "
    "1\nend\n",
    SKC_ERR_PARSE, "case.skc:7: 'end' after 1 of the 2 declared layers" },
  { "complex: not a layer",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nline 1\n",
    SKC_ERR_PARSE, "case.skc:5: expected 'layer', found 'line'" },
  { "complex: text ends between layers",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 2\nlayer 1\n0 0 1\n",
    SKC_ERR_PARSE,
    "case.skc:6: unexpected end of file (fewer layers than declared, no "
    "'end')" },
  { "complex: more layers",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 "
    "1\nlayer 1\n",
    SKC_ERR_PARSE, "case.skc:7: more layers than the 1 declared" },
  { "complex: more samples",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 1\n0 "
    "0 1\n",
    SKC_ERR_PARSE, "case.skc:7: more samples than the 1 declared for layer 1" },
  { "complex: no end",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 1\n",
    SKC_ERR_PARSE, "case.skc:6: unexpected end of file (no 'end' line)" },
  { "complex: not end",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 "
    "1\nfin\n",
    SKC_ERR_PARSE, "case.skc:7: expected 'end', found 'fin'" },
  { "complex: junk on the end line",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1\n0 0 "
    "1\nend x\n",
    SKC_ERR_PARSE, "case.skc:7: unexpected 'x' after 'end'" },
  { "complex: junk after the sample count",
    "skc-filter 1\nkind complex\noffsets integer\nlayers 1\nlayer 1 2\n",
    SKC_ERR_PARSE, "case.skc:5: unexpected '2' after the sample count" },
  { "lowrank: end too early",
    "skc-filter 1\nkind lowrank\nrank 2\nsize 1\ncolumn 1\nrow 1\nend\n",
    SKC_ERR_PARSE,
    "case.skc:7: 'end' after 1 of the 2 terms (expected 'column')" },
  { "lowrank: end instead of a row",
    "skc-filter 1\nkind lowrank\nrank 1\nsize 1\ncolumn 1\nend\n",
    SKC_ERR_PARSE,
    "case.skc:6: 'end' after 0 of the 1 terms (expected 'row')" },
  { "lowrank: row first", "skc-filter 1\nkind lowrank\nrank 1\nsize 1\nrow 1\n",
    SKC_ERR_PARSE, "case.skc:5: expected 'column', found 'row'" },
  { "lowrank: text ends between terms",
    "skc-filter 1\nkind lowrank\nrank 2\nsize 1\ncolumn 1\nrow 1\n",
    SKC_ERR_PARSE,
    "case.skc:6: unexpected end of file (fewer terms than the rank, no "
    "'end')" },
  { "lowrank: more terms",
    "skc-filter 1\nkind lowrank\nrank 1\nsize 1\ncolumn 1\nrow 1\nrow 1\n",
    SKC_ERR_PARSE, "case.skc:7: more terms than the rank 1" },
  { "lowrank: not end",
    "skc-filter 1\nkind lowrank\nrank 1\nsize 1\ncolumn 1\nrow 1\nlayer 1\n",
    SKC_ERR_PARSE, "case.skc:7: expected 'end', found 'layer'" },
  { "knots: end too early",
    "skc-filter 2\nkind knots\naxis rows\nsize 3\nline\nend\n", SKC_ERR_PARSE,
    "case.skc:6: 'end' after 1 of the 3 lines" },
  { "knots: not a line", "skc-filter 2\nkind knots\naxis rows\nsize 1\nrow\n",
    SKC_ERR_PARSE, "case.skc:5: expected 'line', found 'row'" },
  { "knots: text ends between lines",
    "skc-filter 2\nkind knots\naxis rows\nsize 3\nline\n", SKC_ERR_PARSE,
    "case.skc:5: unexpected end of file (fewer lines than the size, no "
    "'end')" },
  { "knots: more lines",
    "skc-filter 2\nkind knots\naxis rows\nsize 1\nline\nline\n", SKC_ERR_PARSE,
    "case.skc:6: more lines than the size 1" },
  { "knots: not end",
    "skc-filter 2\nkind knots\naxis rows\nsize 1\nline\nlayer\n", SKC_ERR_PARSE,
    "case.skc:6: expected 'end', found 'layer'" },
  { "knots: no end", "skc-filter 2\nkind knots\naxis rows\nsize 1\nline\n",
    SKC_ERR_PARSE, "case.skc:5: unexpected end of file (no 'end' line)" },
};

static void
test_messages_in_full (void)
{
  size_t i;

  for (i = 0; i < sizeof messages / sizeof messages[0]; i++)
    {
      const message_case *c = &messages[i];
      skc_filter *f = NULL;
      skc_error err;
      skc_result result;

      memset (err.message, 0, sizeof err.message);
      result = parse_exact (c->text, strlen (c->text), "case.skc", &f, &err);
      CHECK_MSG (result == c->expected, "%s: got %s (%s)", c->label,
                 skc_strerror (result), err.message);
      CHECK_MSG (strcmp (err.message, c->message) == 0,
                 "%s: message '%s', expected '%s'", c->label, err.message,
                 c->message);
      skc_filter_free (f);
    }
}

/* Every prefix of a valid file: cleanly refused, or (only when just the
 * final newline is missing) the same filter. */
static void
check_truncations (const char *label, const skc_filter *f)
{
  size_t length = 0;
  char *text = filter_text (f, &length);
  size_t cut;
  int accepted = 0;

  CHECK_MSG (text != NULL, "%s: write failed", label);
  if (text == NULL)
    return;
  for (cut = 0; cut < length; cut++)
    {
      skc_filter *back = NULL;
      skc_error err;
      skc_result result;

      err.message[0] = '\0';
      result = parse_exact (text, cut, label, &back, &err);
      if (result == SKC_OK)
        {
          char why[256] = "";

          accepted++;
          CHECK_MSG (filters_identical (f, back, why, sizeof why),
                     "%s cut at %zu: %s", label, cut, why);
          skc_filter_free (back);
        }
      else if (result != SKC_ERR_PARSE && result != SKC_ERR_TOO_LARGE)
        CHECK_MSG (false, "%s cut at %zu: %s", label, cut,
                   skc_strerror (result));
      else if (back != NULL || err.message[0] == '\0')
        CHECK_MSG (false, "%s cut at %zu: unclean failure", label, cut);
    }
  CHECK_MSG (accepted == 1, "%s: %d prefixes accepted, expected 1", label,
             accepted);
  free (text);
}

static void
test_truncations (void)
{
  skc_filter *f;

  f = make_bilinear ();
  if (f != NULL)
    check_truncations ("bilinear", f);
  skc_filter_free (f);
  f = make_integer ();
  if (f != NULL)
    check_truncations ("integer", f);
  skc_filter_free (f);
  f = make_lowrank (2, 5);
  if (f != NULL)
    check_truncations ("lowrank", f);
  skc_filter_free (f);
}

int
main (void)
{
  test_constructors ();
  test_costs_and_reach ();
  test_validate ();
  test_round_trips ();
  test_save_load ();
  test_accepted_variants ();
  test_locale ();
  test_malformed ();
  test_messages_in_full ();
  test_truncations ();
  return check_summary ();
}
