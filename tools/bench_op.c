/* skc command-line tool — `skc bench op`: the GEGL operations as GIMP
 * runs them (buffer-source -> op -> write-buffer on an RGBA float buffer,
 * a fresh graph per run), beside GEGL's floor for a point op
 * (gegl:invert-linear), the core alone on the same pixels and GEGL's own
 * gegl:lens-blur; the op's overhead is its time minus the core's.  Also a
 * 512x512 region of skc:bokeh-blur from a fresh graph (what a zoomed-in
 * canvas preview asks for) and the whole image at GEGL's mipmap levels 2
 * and 3 (zoomed-out previews at 25 and 12.5 %) against the whole image.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_apply.h"

#ifdef SKC_HAVE_GEGL
#include <gegl.h>

#define MAX_RADII 16
#define REGION_SIDE 512

typedef enum
{
  CASE_FLOOR,    /* gegl:invert-linear */
  CASE_BOKEH,    /* skc:bokeh-blur */
  CASE_LENS,     /* skc:lens-blur, no aux */
  CASE_LENS_MAP, /* skc:lens-blur with the map on aux */
  CASE_CORE,     /* skc_engine_process, whole image */
  CASE_CORE_MAP, /* the same with the map */
  CASE_GEGL,     /* gegl:lens-blur */
  CASE_GEGL_MAP, /* gegl:lens-blur with the map on aux */
  CASE_REGION,   /* one 512x512 region of skc:bokeh-blur */
  CASE_LEVEL,    /* skc:bokeh-blur's whole image at mipmap level 2 */
  CASE_LEVEL3,   /* ... and at level 3 */
  CASE_COUNT
} case_id;

/* What a row's note says (row_note). */
typedef enum
{
  NOTE_NONE,
  NOTE_OVERHEAD, /* time minus the other case's */
  NOTE_RATIO,    /* time over the other case's */
  NOTE_SHARE     /* the same, as a percentage */
} note_kind;

static const struct
{
  const char *key;       /* for --only */
  const char *label;     /* in the table */
  const char *operation; /* NULL: the core */
  int with_map;
  note_kind note;
  case_id against; /* the case the note compares with */
} cases[CASE_COUNT] = {
  { "floor", "gegl:invert-linear (floor)", "gegl:invert-linear", 0, NOTE_NONE,
    CASE_FLOOR },
  { "bokeh", "skc:bokeh-blur", "skc:bokeh-blur", 0, NOTE_OVERHEAD, CASE_CORE },
  { "lens", "skc:lens-blur", "skc:lens-blur", 0, NOTE_OVERHEAD, CASE_CORE },
  { "lens-map", "skc:lens-blur + map", "skc:lens-blur", 1, NOTE_OVERHEAD,
    CASE_CORE_MAP },
  { "core", "core (skc_engine_process)", NULL, 0, NOTE_NONE, CASE_CORE },
  { "core-map", "core + map", NULL, 1, NOTE_NONE, CASE_CORE },
  { "gegl", "gegl:lens-blur", "gegl:lens-blur", 0, NOTE_RATIO, CASE_LENS },
  { "gegl-map", "gegl:lens-blur + map", "gegl:lens-blur", 1, NOTE_RATIO,
    CASE_LENS_MAP },
  { "region", "skc:bokeh-blur 512x512 region", "skc:bokeh-blur", 0, NOTE_SHARE,
    CASE_BOKEH },
  { "level2", "skc:bokeh-blur level 2 (25 %)", "skc:bokeh-blur", 0, NOTE_SHARE,
    CASE_BOKEH },
  { "level3", "skc:bokeh-blur level 3 (12.5%)", "skc:bokeh-blur", 0, NOTE_SHARE,
    CASE_BOKEH },
};

typedef struct
{
  int width, height, threads, runs;
  skc_image input; /* RGBA float, alpha 1 (so also premultiplied) */
  skc_image map;   /* tilt-shift, 1 channel */
  GeglBuffer *in_buffer, *map_buffer, *out_buffer;
} op_bench;

/* One measured case at one radius. */
typedef struct
{
  case_id id;
  double radius;
  double median, min;
  int ok;
} op_row;

/* buffer-source -> operation -> write-buffer (or, for a region, a blit of
 * REGION_SIDE square at the centre; for a level, a blit of the whole image
 * at scale 2^-level, which GEGL computes at that mipmap level), from a fresh
 * graph. */
static void
run_graph (op_bench *b, case_id id, double radius)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", b->in_buffer, NULL);
  GeglNode *op
      = gegl_node_new_child (graph, "operation", cases[id].operation, NULL);
  if (id != CASE_FLOOR)
    gegl_node_set (op, "radius", radius, NULL);
  gegl_node_link (source, op);
  if (cases[id].with_map)
    {
      GeglNode *map
          = gegl_node_new_child (graph, "operation", "gegl:buffer-source",
                                 "buffer", b->map_buffer, NULL);
      gegl_node_connect_to (map, "output", op, "aux");
    }
  if (id == CASE_REGION)
    {
      int side = MIN (REGION_SIDE, MIN (b->width, b->height));
      GeglRectangle rect
          = { (b->width - side) / 2, (b->height - side) / 2, side, side };
      float *pixels = g_new (float, (gsize) side *side * 4);
      gegl_node_blit (op, 1.0, &rect, babl_format ("RaGaBaA float"), pixels,
                      GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
      g_free (pixels);
    }
  else if (id == CASE_LEVEL || id == CASE_LEVEL3)
    {
      int level = id == CASE_LEVEL ? 2 : 3;
      GeglRectangle rect = { 0, 0, b->width >> level, b->height >> level };
      float *pixels = g_new (float, (gsize) rect.width *rect.height * 4);
      gegl_node_blit (op, 1.0 / (1 << level), &rect,
                      babl_format ("RaGaBaA float"), pixels,
                      GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
      g_free (pixels);
    }
  else
    {
      GeglNode *sink
          = gegl_node_new_child (graph, "operation", "gegl:write-buffer",
                                 "buffer", b->out_buffer, NULL);
      gegl_node_link (op, sink);
      gegl_node_process (sink);
    }
  g_object_unref (graph);
}

/* The core on the same pixels: one whole-image call, engine made once
 * (outside the timing, as the op keeps its engine between calls). */
static int
measure_core (op_bench *b, int with_map, double radius, double *seconds)
{
  skc_params p;
  skc_params_init (&p);
  p.radius = radius;
  skc_run run = { .threads = b->threads };
  skc_engine *engine = NULL;
  skc_error err = { { 0 } };
  skc_image out = { 0 };
  if (skc_engine_new (&p, with_map, &run, &engine, &err) != SKC_OK
      || skc_image_alloc (&out, b->width, b->height, 4) != SKC_OK)
    {
      fprintf (stderr, "bench op: core: %s\n", err.message);
      skc_engine_free (engine);
      return 0;
    }
  skc_apply_request request = {
    .image_width = b->width,
    .image_height = b->height,
    .channels = 4,
    .alpha = 3,
    .input = { b->input.data, b->input.stride, 0, 0, b->width, b->height },
    .map = { b->map.data, b->map.stride, 0, 0, b->width, b->height },
    .output = { out.data, out.stride, 0, 0, b->width, b->height },
  };
  fprintf (stderr, "bench op: R %g%s: reach %d px; %s\n", radius,
           with_map ? " with a map" : "", skc_engine_reach (engine),
           skc_engine_describe (engine));
  int ok = 1;
  /* A warm-up, then the timed runs. */
  for (int i = -1; ok && i < b->runs; i++)
    {
      double t0 = bench_now_seconds ();
      ok = skc_engine_process (engine, &request, &run, &err) == SKC_OK;
      if (i >= 0)
        seconds[i] = bench_now_seconds () - t0;
    }
  if (!ok)
    fprintf (stderr, "bench op: core: %s\n", err.message);
  skc_image_free (&out);
  skc_engine_free (engine);
  return ok;
}

static void
measure (op_bench *b, op_row *row)
{
  double seconds[MAX_RUNS];
  row->ok = 1;
  if (!cases[row->id].operation)
    row->ok = measure_core (b, cases[row->id].with_map, row->radius, seconds);
  else
    /* A warm-up (fits, GEGL's first allocations), then the timed runs. */
    for (int i = -1; i < b->runs; i++)
      {
        double t0 = bench_now_seconds ();
        run_graph (b, row->id, row->radius);
        if (i >= 0)
          seconds[i] = bench_now_seconds () - t0;
      }
  if (!row->ok)
    return;
  row->median = bench_median (seconds, b->runs, &row->min);
}

/* The row of `id` at `radius` among rows[0..n), or NULL. */
static const op_row *
find_row (const op_row *rows, int n, case_id id, double radius)
{
  for (int i = 0; i < n; i++)
    if (rows[i].id == id && rows[i].ok
        && (id == CASE_FLOOR || rows[i].radius == radius))
      return &rows[i];
  return NULL;
}

/* What the table's last column says of a row, from the row of the case
 * it is measured against (cases[].against) at the same radius: an op's
 * time minus the core's (its overhead), gegl:lens-blur's time over ours,
 * a region's share of the whole image's time. */
static void
row_note (const op_row *rows, int n, const op_row *row, char *note, size_t size)
{
  static const char *const formats[] = {
    [NOTE_NONE] = "",
    [NOTE_OVERHEAD] = "op - core %.3f s",
    [NOTE_RATIO] = "%.2fx skc:lens-blur's time",
    [NOTE_SHARE] = "%.1f %% of the whole image's time",
  };
  note_kind kind = cases[row->id].note;
  const op_row *other = find_row (rows, n, cases[row->id].against, row->radius);
  note[0] = 0;
  if (kind == NOTE_NONE || !other)
    return;
  double value = kind == NOTE_OVERHEAD ? row->median - other->median
                                       : row->median / other->median;
  snprintf (note, size, formats[kind],
            kind == NOTE_SHARE ? 100 * value : value);
}

static void
print_row (FILE *out, const op_row *rows, int n, const op_row *row, int csv)
{
  char note[96], radius[32];
  row_note (rows, n, row, note, sizeof note);
  if (row->id == CASE_FLOOR)
    snprintf (radius, sizeof radius, "%s", csv ? "" : "-");
  else
    snprintf (radius, sizeof radius, "%g", row->radius);
  if (csv && row->ok)
    fprintf (out, "%s,%s,%.4f,%.4f,%s\n", radius, cases[row->id].key,
             row->median, row->min, note);
  else if (csv)
    fprintf (out, "%s,%s,,,FAILED\n", radius, cases[row->id].key);
  else if (row->ok)
    fprintf (out, "| %5s | %-30s | %8.3f | %8.3f | %s |\n", radius,
             cases[row->id].label, row->median, row->min, note);
  else
    fprintf (out, "| %5s | %-30s | %8s | %8s | FAILED |\n", radius,
             cases[row->id].label, "-", "-");
  fflush (out);
}

/* A comma-separated list of radii; "none" is the empty list. */
static int
parse_radii (const char *option, const char *text, double *radii)
{
  char copy[512];
  int n = 0;
  char *save = NULL;
  if (strcmp (text, "none") == 0)
    return 0;
  snprintf (copy, sizeof copy, "%s", text);
  for (char *item = strtok_r (copy, ",", &save); item;
       item = strtok_r (NULL, ",", &save))
    {
      if (n == MAX_RADII)
        cli_die ("%s takes at most %d radii", option, MAX_RADII);
      radii[n++] = cli_number (option, item, 1, 1000);
    }
  if (n == 0)
    cli_die ("%s needs a list like 24,75 (or none)", option);
  return n;
}

/* Which cases --only names (all when NULL). */
static unsigned
parse_only (const char *text)
{
  unsigned set = 0;
  char copy[256];
  char *save = NULL;
  if (!text)
    return (1u << CASE_COUNT) - 1;
  snprintf (copy, sizeof copy, "%s", text);
  for (char *item = strtok_r (copy, ",", &save); item;
       item = strtok_r (NULL, ",", &save))
    {
      int found = 0;
      for (int c = 0; c < CASE_COUNT; c++)
        if (strcmp (item, cases[c].key) == 0)
          set |= 1u << c, found = 1;
      if (!found)
        cli_die ("--only: unknown case '%s' (floor, bokeh, lens, lens-map, "
                 "core, core-map, gegl, gegl-map, region, level2, level3)",
                 item);
    }
  return set;
}

/* GEGL finds the module where GEGL_PATH (or its default folders) says; a
 * tool run from the build tree also looks in the build's module folder. */
static int
have_skc_ops (void)
{
  if (gegl_has_operation ("skc:lens-blur"))
    return 1;
#ifdef SKC_GEGL_BUILD_MODULE_DIR
  gegl_load_module_directory (SKC_GEGL_BUILD_MODULE_DIR);
#endif
  return gegl_has_operation ("skc:lens-blur")
         && gegl_has_operation ("skc:bokeh-blur");
}

int
cli_bench_op (int argc, char **argv)
{
  int width = 6000, height = 4000, threads = 2, runs = 5;
  double radii[MAX_RADII] = { 24, 75 }, map_radii[MAX_RADII] = { 150 };
  int radius_count = 2, map_radius_count = 1;
  const char *csv_path = "bench-op.csv", *only = NULL;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--size") == 0)
        bench_parse_size (cli_value (argc, argv, &i), &width, &height);
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 1, MAX_THREADS);
      else if (strcmp (a, "--radii") == 0)
        radius_count = parse_radii (a, cli_value (argc, argv, &i), radii);
      else if (strcmp (a, "--map-radii") == 0)
        map_radius_count
            = parse_radii (a, cli_value (argc, argv, &i), map_radii);
      else if (strcmp (a, "--runs") == 0)
        runs = cli_integer (a, cli_value (argc, argv, &i), 1, MAX_RUNS);
      else if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--only") == 0)
        only = cli_value (argc, argv, &i);
      else
        cli_die ("bench op: unknown option '%s' (--size WxH, --runs N, "
                 "--radii a,b, --map-radii a,b, --threads T, --only "
                 "CASES, --csv FILE)",
                 a);
    }
  unsigned wanted = parse_only (only);

  /* The op is GPL-3.0-or-later: GEGL lists it only to programs that say
     they accept GPL3 operations, before gegl_init. */
  g_object_set (gegl_config (), "application-license", "GPL3", NULL);
  gegl_init (NULL, NULL);
  /* As GIMP has it: a zoomed-out view asks for a mipmap level. */
  g_object_set (gegl_config (), "threads", threads, "mipmap-rendering", TRUE,
                NULL);
  /* GEGL_CACHE_SIZE (MB) sets the tile cache; without it, 8192 MB, so
     that 24 MP of RGBA float and its copies stay in memory. */
  if (!g_getenv ("GEGL_CACHE_SIZE"))
    g_object_set (gegl_config (), "tile-cache-size", (guint64) 8192 << 20,
                  NULL);
  guint64 cache_size = 0;
  g_object_get (gegl_config (), "tile-cache-size", &cache_size, NULL);
  if (!have_skc_ops ())
    cli_die ("bench op: skc:lens-blur and skc:bokeh-blur are not loaded "
             "(set GEGL_PATH to the folder of skc-lens-blur.so)");
  const char *theirs[] = { "gegl:invert-linear", "gegl:lens-blur",
                           "gegl:buffer-source", "gegl:write-buffer" };
  for (size_t i = 0; i < G_N_ELEMENTS (theirs); i++)
    if (!gegl_has_operation (theirs[i]))
      cli_die ("bench op: GEGL has no %s", theirs[i]);

  op_bench b
      = { .width = width, .height = height, .threads = threads, .runs = runs };
  if (skc_image_alloc (&b.input, width, height, 4) != SKC_OK
      || skc_image_alloc (&b.map, width, height, 1) != SKC_OK)
    cli_die ("bench op: out of memory for a %dx%d image", width, height);
  bench_parallel_bands (height, threads, bench_fill_photo_rows, &b.input);
  bench_add_highlights (&b.input);
  bench_fill_tilt_shift (&b.map);
  GeglRectangle all = { 0, 0, width, height };
  const Babl *rgba = babl_format ("RGBA float");
  /* The map as Y', which both ops read unless told the map is linear. */
  const Babl *grey = babl_format ("Y' float");
  b.in_buffer = gegl_buffer_new (&all, rgba);
  gegl_buffer_set (b.in_buffer, &all, 0, rgba, b.input.data,
                   b.input.stride * sizeof (float));
  b.map_buffer = gegl_buffer_new (&all, grey);
  gegl_buffer_set (b.map_buffer, &all, 0, grey, b.map.data,
                   b.map.stride * sizeof (float));
  b.out_buffer = gegl_buffer_new (&all, rgba);

  FILE *csv = cli_csv_create (csv_path, "radius,case,median_s,min_s,note");
  cli_print_machine (stdout);
  printf ("image %dx%d RGBA float (%.0f MB; pseudo-photo with highlights), "
          "disc, quality normal; buffer-source -> op -> write-buffer, a "
          "fresh graph per run, median of %d after a warm-up; %d threads; "
          "GEGL tile cache %.0f MB%s; blur map: tilt-shift\n\n",
          width, height, (double) width * height * 16 / 1048576.0, runs,
          threads, cache_size / 1048576.0,
          g_getenv ("GEGL_CACHE_SIZE") ? " (GEGL_CACHE_SIZE)" : "");
  printf ("| R     | what                           | median s | min s    "
          "| notes |\n"
          "|-------|--------------------------------|----------|----------"
          "|-------|\n");
  fflush (stdout);

  int capacity = 1 + (radius_count + map_radius_count) * CASE_COUNT;
  op_row *rows = calloc ((size_t) capacity, sizeof *rows);
  int n = 0;
  if (wanted & (1u << CASE_FLOOR))
    {
      rows[n] = (op_row){ .id = CASE_FLOOR };
      measure (&b, &rows[n]);
      print_row (stdout, rows, n + 1, &rows[n], 0);
      print_row (csv, rows, n + 1, &rows[n], 1);
      n++;
    }
  /* Uniform cases at --radii, map cases at --map-radii; each radius's
     rows in the order the notes need (core before the ops, ours before
     GEGL's, the whole image before a region). */
  static const case_id uniform[]
      = { CASE_CORE,   CASE_BOKEH, CASE_LENS,  CASE_GEGL,
          CASE_REGION, CASE_LEVEL, CASE_LEVEL3 };
  static const case_id mapped[]
      = { CASE_CORE_MAP, CASE_LENS_MAP, CASE_GEGL_MAP };
  for (int pass = 0; pass < 2; pass++)
    {
      const case_id *order = pass ? mapped : uniform;
      int count
          = pass ? (int) G_N_ELEMENTS (mapped) : (int) G_N_ELEMENTS (uniform);
      const double *list = pass ? map_radii : radii;
      for (int ri = 0; ri < (pass ? map_radius_count : radius_count); ri++)
        for (int c = 0; c < count; c++)
          {
            if (!(wanted & (1u << order[c])))
              continue;
            rows[n] = (op_row){ .id = order[c], .radius = list[ri] };
            fprintf (stderr, "bench op: %s, R %g...\n", cases[order[c]].label,
                     list[ri]);
            measure (&b, &rows[n]);
            print_row (stdout, rows, n + 1, &rows[n], 0);
            print_row (csv, rows, n + 1, &rows[n], 1);
            n++;
          }
    }
  fclose (csv);
  printf ("\nop - core: the op's time beyond the core's on the same pixels "
          "(GEGL's graph, conversions, copies); the floor is what any GEGL "
          "op pays for the same graph.  Figures in %s.\n",
          csv_path);
  free (rows);
  g_object_unref (b.in_buffer);
  g_object_unref (b.map_buffer);
  g_object_unref (b.out_buffer);
  skc_image_free (&b.input);
  skc_image_free (&b.map);
  gegl_exit ();
  return 0;
}

#else

int
cli_bench_op (int argc, char **argv)
{
  cli_die ("bench op: this skc was built without GEGL");
}

#endif
