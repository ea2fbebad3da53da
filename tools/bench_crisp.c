/* skc bench crisp — the quality floors of issue 13, measured on what the
 * user gets: the worst ball SNR of the effective full-resolution impulse
 * response over positions (pyramid phases, a grid over the frame for swirl
 * and cat-eye), and the light kept, for every shape x radius x path x
 * quality (tools/crisp.h says how).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "crisp.h"

static const char *const builtin[][2] = {
  { "disc", "shape:disc" },   { "hexagon", "shape:polygon:blades=6" },
  { "heart", "shape:heart" }, { "ring", "shape:ring" },
  { "star", "shape:star" },   { "gaussian", "shape:gaussian" },
  { "coma", "shape:coma" },
};
#define BUILTIN_COUNT ((int) (sizeof builtin / sizeof builtin[0]))
#define MAX_SHAPES 64
#define MAX_RADII 16

/* Whether `name` is in the comma-separated list (NULL: everything). */
static int
listed (const char *list, const char *name)
{
  if (!list)
    return 1;
  size_t n = strlen (name);
  for (const char *p = list; *p;)
    {
      const char *end = strchr (p, ',');
      size_t len = end ? (size_t) (end - p) : strlen (p);
      if (len == n && strncmp (p, name, n) == 0)
        return 1;
      if (!end)
        break;
      p = end + 1;
    }
  return 0;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* The bundled image shapes: every .pgm in data/kernels, by name. */
static int
load_image_shapes (const char *wanted, crisp_shape *shapes, int n)
{
  const char *readme = cli_data_path ("kernels/README.md");
  if (!readme)
    cli_die ("bench crisp: bundled data/kernels not found");
  char dir[SKC_PATH_MAX];
  snprintf (dir, sizeof dir, "%s", readme);
  *strrchr (dir, '/') = '\0';
  DIR *d = opendir (dir);
  if (!d)
    cli_die ("bench crisp: cannot list %s", dir);
  char *names[MAX_SHAPES];
  int count = 0;
  struct dirent *ent;
  while ((ent = readdir (d)) && count < MAX_SHAPES)
    if (cli_has_suffix (ent->d_name, ".pgm"))
      names[count++] = strdup (ent->d_name);
  closedir (d);
  qsort (names, (size_t) count, sizeof *names, compare_names);
  for (int i = 0; i < count; i++)
    {
      char path[SKC_PATH_MAX * 2], stem[256];
      snprintf (stem, sizeof stem, "%s", names[i]);
      stem[strlen (stem) - 4] = '\0';
      if (listed (wanted, stem) && n < MAX_SHAPES)
        {
          snprintf (path, sizeof path, "%s/%s", dir, names[i]);
          skc_error err;
          if (crisp_shape_image (path, &shapes[n], &err) != SKC_OK)
            cli_die ("bench crisp: %s", err.message);
          n++;
        }
      free (names[i]);
    }
  return n;
}

int
cli_bench_crisp (int argc, char **argv)
{
  const char *csv_path = "bench-crisp.csv", *shape_list = NULL;
  const char *path_list = NULL, *quality_list = NULL;
  double radii[MAX_RADII] = { 8, 24, 75, 150, 300 };
  int radius_count = 5, quick = 0, prepare_runs = 1;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--shapes") == 0)
        shape_list = cli_value (argc, argv, &i);
      else if (strcmp (a, "--paths") == 0)
        path_list = cli_value (argc, argv, &i);
      else if (strcmp (a, "--qualities") == 0)
        quality_list = cli_value (argc, argv, &i);
      else if (strcmp (a, "--quick") == 0)
        quick = 1;
      else if (strcmp (a, "--prepare-runs") == 0)
        prepare_runs
            = (int) cli_number ("--prepare-runs", cli_value (argc, argv, &i), 1,
                                CRISP_MAX_PREPARE_RUNS);
      else if (strcmp (a, "--radii") == 0)
        {
          char buf[256];
          snprintf (buf, sizeof buf, "%s", cli_value (argc, argv, &i));
          radius_count = 0;
          for (char *t = strtok (buf, ","); t; t = strtok (NULL, ","))
            {
              if (radius_count == MAX_RADII)
                cli_die ("--radii takes at most %d radii", MAX_RADII);
              radii[radius_count++] = cli_number ("--radii", t, 1, 500);
            }
          if (!radius_count)
            cli_die ("--radii needs a list such as 8,24");
        }
      else
        cli_die ("bench crisp: unknown option '%s' (--csv FILE, --shapes a,b, "
                 "--radii 8,24, --paths uniform,constant-map,tilt-shift,"
                 "swirl,cat-eye, --qualities draft,normal,high, --quick, "
                 "--prepare-runs N)",
                 a);
    }
  for (const char *p = path_list; p && *p;)
    {
      char name[64];
      size_t len = strcspn (p, ",");
      snprintf (name, sizeof name, "%.*s", (int) len, p);
      if (crisp_path_parse (name) < 0)
        cli_die ("bench crisp: unknown path '%s'", name);
      p += len + (p[len] == ',');
    }

  crisp_shape shapes[MAX_SHAPES];
  int n = 0;
  for (int i = 0; i < BUILTIN_COUNT; i++)
    if (listed (shape_list, builtin[i][0]))
      {
        skc_error err;
        if (crisp_shape_builtin (builtin[i][0], builtin[i][1], &shapes[n], &err)
            != SKC_OK)
          cli_die ("%s", err.message);
        n++;
      }
  n = load_image_shapes (shape_list, shapes, n);
  if (!n)
    cli_die ("bench crisp: no shape matches --shapes");

  FILE *csv
      = cli_csv_create (csv_path, "shape,radius,path,quality,snr_db_worst,"
                                  "light_min,light_max,floor_db,pass,prepare_s,"
                                  "method,worst_at,snr_db_off_centre");
  cli_print_machine (stdout);
  printf ("ball SNR of the applied impulse response against the dense truth "
          "(worst over positions; light = sum out / sum truth; preparation "
          "from an empty fit cache, the median of %d)%s\n\n",
          prepare_runs, quick ? "; QUICK: fewer positions" : "");
  printf ("| shape | radius | path | quality | worst SNR dB | floor | light "
          "| pass | prep s | method | worst at | off centre |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  int cells = 0, failed = 0;
  for (int s = 0; s < n; s++)
    for (int ri = 0; ri < radius_count; ri++)
      for (int path = 0; path < CRISP_PATHS; path++)
        {
          if (!listed (path_list, crisp_path_name (path)))
            continue;
          for (int q = 0; q < SKC_QUALITY_COUNT; q++)
            {
              if (!listed (quality_list, skc_quality_name (q)))
                continue;
              crisp_result res;
              skc_error err;
              if (crisp_measure (&shapes[s], radii[ri], path, q, quick,
                                 prepare_runs, &res, &err)
                  != SKC_OK)
                cli_die ("bench crisp: %s r %g %s %s: %s", shapes[s].name,
                         radii[ri], crisp_path_name (path),
                         skc_quality_name (q), err.message);
              cells++;
              failed += !res.pass;
              printf ("| %s | %g | %s | %s | %.2f | %g | %.4f–%.4f | %s | "
                      "%.2f | %s | %d,%d | %.2f |\n",
                      shapes[s].name, radii[ri], crisp_path_name (path),
                      skc_quality_name (q), res.snr_worst, res.floor_db,
                      res.light_min, res.light_max, res.pass ? "yes" : "NO",
                      res.prepare_s, res.method, res.worst_x, res.worst_y,
                      res.snr_off_centre);
              fprintf (
                  csv, "%s,%g,%s,%s,%.3f,%.5f,%.5f,%g,%d,%.3f,%s,%d;%d,%.3f\n",
                  shapes[s].name, radii[ri], crisp_path_name (path),
                  skc_quality_name (q), res.snr_worst, res.light_min,
                  res.light_max, res.floor_db, res.pass, res.prepare_s,
                  res.method, res.worst_x, res.worst_y, res.snr_off_centre);
              fflush (stdout);
              fflush (csv);
            }
        }
  fclose (csv);
  printf ("\n%d cells, %d below their floor; CSV written to %s\n", cells,
          failed, csv_path);
  for (int s = 0; s < n; s++)
    crisp_shape_free (&shapes[s]);
  return 0;
}
