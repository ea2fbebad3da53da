/* skc command-line tool — `skc bench apply`: the speed table of the
 * benchmark protocol (docs/benchmark-protocol.md, "Speed"): skc against
 * dense direct convolution, FFTW, SVD low-rank and GEGL's blurs on one
 * large image, each method measured in a process of its own.  The
 * comparators other than SVD live in bench_apply_baselines.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_apply.h"
#include "crisp.h"

#define MAX_RADII 16

typedef enum
{
  METHOD_SKC,
  METHOD_DENSE,
  METHOD_FFT,
  METHOD_SVD,
  METHOD_GEGL_LENS,
  METHOD_GEGL_VARIABLE,
  METHOD_GEGL_FLOOR
} method_id;

static const char *const method_names[] = { "skc",
                                            "dense direct",
                                            "fftw r2c",
                                            "svd rank 4",
                                            "gegl:lens-blur",
                                            "gegl:variable-blur",
                                            "gegl floor (invert-linear)" };

typedef struct
{
  double radius;
  method_id method;
  int with_map;
  method_report rep;
  double median, min;
} bench_row;

double
bench_now_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

static long
peak_rss_kb (void)
{
  struct rusage u;
  getrusage (RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

int
bench_clamp_int (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* ---- Threads: contiguous bands of rows, one per worker. ---- */

typedef struct
{
  band_fn fn;
  void *data;
  int begin, end, worker;
} band_arg;

static void *
band_main (void *p)
{
  band_arg *a = p;
  a->fn (a->data, a->begin, a->end, a->worker);
  return NULL;
}

void
bench_parallel_bands (int n, int threads, band_fn fn, void *data)
{
  threads = bench_clamp_int (threads, 1, MAX_THREADS);
  if (threads > n)
    threads = n > 0 ? n : 1;
  pthread_t tid[MAX_THREADS];
  band_arg args[MAX_THREADS];
  int started[MAX_THREADS] = { 0 };
  for (int w = 0; w < threads; w++)
    args[w] = (band_arg){ fn, data, (int) ((long) n * w / threads),
                          (int) ((long) n * (w + 1) / threads), w };
  for (int w = 1; w < threads; w++)
    started[w] = pthread_create (&tid[w], NULL, band_main, &args[w]) == 0;
  band_main (&args[0]);
  for (int w = 1; w < threads; w++)
    if (started[w])
      pthread_join (tid[w], NULL);
    else
      band_main (&args[w]); /* could not start: do its share here */
}

/* ---- The test image: a deterministic pseudo-photo and its map. ---- */

static uint32_t
hash32 (uint32_t x)
{
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

void
bench_fill_photo_rows (void *data, int begin, int end, int worker)
{
  skc_image *img = data;
  double w = img->width, h = img->height;
  for (int y = begin; y < end; y++)
    for (int x = 0; x < img->width; x++)
      {
        double fx = x / w, fy = y / h;
        /* Smooth gradients, hard-edged blocks (edges matter for PSNR),
           then fine noise. */
        double block = ((x * 8 / img->width) + (y * 6 / img->height)) % 3 == 0
                           ? 0.15
                           : 0.0;
        double rgb[3] = {
          0.25 + 0.2 * sin (6.3 * fx + 1.3 * fy) + 0.15 * fy + block,
          0.35 + 0.2 * cos (4.1 * fy - 2.2 * fx) + 0.5 * block,
          0.30 + 0.25 * fx * fy + 0.1 * sin (17.0 * fx) - 0.5 * block,
        };
        float *p = skc_image_pixel (img, x, y);
        for (int c = 0; c < 3; c++)
          {
            uint32_t n = hash32 ((uint32_t) (y * img->width + x) * 3u + c);
            double v = rgb[c] + 0.06 * (n / 4294967296.0 - 0.5);
            p[c] = (float) (v < 0 ? 0 : v > 1 ? 1 : v);
          }
        p[3] = 1.0f;
      }
}

/* Small white dots, like distant lights: what bokeh balls are made of. */
void
bench_add_highlights (skc_image *img)
{
  long count = (long) img->width * img->height / 40000 + 4;
  for (long i = 0; i < count; i++)
    {
      int cx = hash32 ((uint32_t) (2 * i + 1)) % img->width;
      int cy = hash32 ((uint32_t) (2 * i + 2) ^ 0x9e3779b9u) % img->height;
      double r = 1.0 + (hash32 ((uint32_t) i ^ 0x51ed270bu) % 200) / 100.0;
      for (int y = (int) (cy - r); y <= (int) (cy + r); y++)
        for (int x = (int) (cx - r); x <= (int) (cx + r); x++)
          if (x >= 0 && y >= 0 && x < img->width && y < img->height
              && (x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r)
            {
              float *p = skc_image_pixel (img, x, y);
              p[0] = p[1] = p[2] = 1.0f;
            }
    }
}

/* Tilt-shift: sharp in a band around the middle row (a fifth of the
 * height), the blur growing linearly to the full radius at top and
 * bottom. */
void
bench_fill_tilt_shift (skc_image *map)
{
  double middle = 0.5 * (map->height - 1);
  double band = 0.1 * map->height;
  double span = fmax (middle - band, 1.0);
  for (int y = 0; y < map->height; y++)
    {
      double v = fmin (fmax (fabs (y - middle) - band, 0.0) / span, 1.0);
      float *row = skc_image_pixel (map, 0, y);
      for (int x = 0; x < map->width; x++)
        row[x] = (float) v;
    }
}

double
bench_interior_psnr (const bench_setup *s, const float *out, int out_y0,
                     int out_y1, int margin)
{
  int y0 = out_y0 > margin ? out_y0 : margin;
  int y1 = out_y1 < s->height - margin ? out_y1 : s->height - margin;
  if (s->reference_y0 > y0)
    y0 = s->reference_y0;
  if (s->reference_y1 < y1)
    y1 = s->reference_y1;
  int x0 = margin, x1 = s->width - margin;
  if (y0 >= y1 || x0 >= x1)
    return NAN;
  double sum = 0;
  for (int y = y0; y < y1; y++)
    {
      const float *a = out + (size_t) (y - out_y0) * s->width * 4;
      const float *b = s->reference + (size_t) y * s->width * 4;
      for (int x = x0; x < x1; x++)
        for (int c = 0; c < 3; c++)
          {
            double d = (double) a[x * 4 + c] - b[x * 4 + c];
            sum += d * d;
          }
    }
  double mse = sum / ((double) (y1 - y0) * (x1 - x0) * 3);
  return mse > 0 ? -10.0 * log10 (mse) : INFINITY;
}

void
bench_store_reference (bench_setup *s, const float *out, int y0, int rows)
{
  memcpy (s->reference + (size_t) y0 * s->width * 4, out,
          (size_t) rows * s->width * 4 * sizeof (float));
}

int
bench_time_runs (const bench_setup *s, run_fn run, void *ctx, double scale,
                 method_report *rep)
{
  if (!run (ctx))
    return 0;
  for (int i = 0; i < s->runs; i++)
    {
      double t0 = bench_now_seconds ();
      if (!run (ctx))
        return 0;
      rep->seconds[i] = (bench_now_seconds () - t0) * scale;
    }
  rep->runs = s->runs;
  rep->peak_kb = peak_rss_kb ();
  return 1;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

double
bench_median (const double *seconds, int n, double *min)
{
  double sorted[MAX_RUNS];
  memcpy (sorted, seconds, n * sizeof (double));
  qsort (sorted, n, sizeof (double), compare_doubles);
  *min = sorted[0];
  return n % 2 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
}

void
bench_report_failure (method_report *rep, const char *message)
{
  rep->ok = 0;
  snprintf (rep->message, sizeof rep->message, "%s", message);
}

/* ---- skc: the engine, uniform or with the blur map. ---- */

typedef struct
{
  const skc_engine *engine;
  skc_apply_request request;
  skc_run run;
} engine_run;

static int
run_engine (void *ctx)
{
  engine_run *r = ctx;
  skc_error err;
  return skc_engine_process (r->engine, &r->request, &r->run, &err) == SKC_OK;
}

/* Times an engine on the whole image into a preallocated output; fills
 * PSNR when `exact` (uniform) and the reference is there. */
static void
measure_engine (bench_setup *s, const skc_engine *engine, int alpha,
                int with_map, method_report *rep)
{
  skc_image out = { 0 };
  if (skc_image_alloc (&out, s->width, s->height, 4) != SKC_OK)
    {
      bench_report_failure (rep, "out of memory for the output");
      return;
    }
  engine_run r = { .engine = engine, .run = { s->threads, NULL } };
  r.request.image_width = s->width;
  r.request.image_height = s->height;
  r.request.channels = 4;
  r.request.alpha = alpha;
  r.request.input
      = (skc_view){ s->input.data, s->input.stride, 0, 0, s->width, s->height };
  r.request.output
      = (skc_view){ out.data, out.stride, 0, 0, s->width, s->height };
  if (with_map)
    r.request.map
        = (skc_view){ s->map.data, s->map.stride, 0, 0, s->width, s->height };
  if (!bench_time_runs (s, run_engine, &r, 1.0, rep))
    bench_report_failure (rep, "skc_engine_process failed");
  else
    {
      rep->ok = 1;
      if (!with_map)
        rep->psnr = bench_interior_psnr (s, out.data, 0, s->height,
                                         s->kernel.width / 2);
    }
  skc_image_free (&out);
}

/* MACs per pixel and channel the engine's description states (0 if it
 * states none, e.g. blur maps). */
static long
engine_macs (const skc_engine *engine)
{
  const char *what = skc_engine_describe (engine);
  const char *at = strstr (what, " MACs");
  if (!at)
    return 0;
  while (at > what && at[-1] >= '0' && at[-1] <= '9')
    at--;
  return strtol (at, NULL, 10);
}

static void
method_skc (bench_setup *s, int with_map, method_report *rep)
{
  skc_params p;
  skc_params_init (&p);
  p.shape = s->shape;
  p.shape_image = s->shape_image.data ? &s->shape_image : NULL;
  p.radius = s->radius;
  p.quality = s->quality;
  p.clip = 0; /* compare the filter itself with the exact convolution */
  skc_engine *engine;
  skc_error err;
  double t0 = bench_now_seconds ();
  skc_run run = { .threads = s->threads };
  if (skc_engine_new (&p, with_map, &run, &engine, &err) != SKC_OK)
    {
      bench_report_failure (rep, err.message);
      return;
    }
  rep->prepare = bench_now_seconds () - t0;
  snprintf (rep->describe, sizeof rep->describe, "%s",
            skc_engine_describe (engine));
  /* The representation the planner picked, from the description. */
  const char *what = skc_engine_describe (engine);
  const char *kind = skc_engine_method (engine);
  char macs[48] = "";
  if (engine_macs (engine) > 0 && strcmp (kind, "FFT") != 0)
    snprintf (macs, sizeof macs, "; %s%ld MACs",
              strstr (what, "up to ") ? "up to " : "", engine_macs (engine));
  snprintf (rep->note, sizeof rep->note,
            "prep: engine (fit cache); quality %s: %s%s",
            skc_quality_name (s->quality), kind, macs);
  measure_engine (s, engine, 3, with_map, rep);
  skc_engine_free (engine);
}

/* SVD rank 4: skc_fit lowrank, applied the way skc_filter_apply does it
 * (an engine around the filter), but into a preallocated output like the
 * others. */
static void
method_svd (bench_setup *s, int with_map, method_report *rep)
{
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.method = SKC_METHOD_LOWRANK;
  opts.rank = 4;
  opts.threads = s->threads;
  skc_filter *filter;
  skc_fit_report report;
  skc_error err;
  double t0 = bench_now_seconds ();
  if (skc_fit (&s->kernel, &opts, &filter, &report, &err) != SKC_OK)
    {
      bench_report_failure (rep, err.message);
      return;
    }
  skc_params p;
  skc_params_init (&p);
  p.filter = filter;
  p.clip = 0;
  skc_engine *engine;
  skc_run run = { .threads = s->threads };
  if (skc_engine_new (&p, 0, &run, &engine, &err) != SKC_OK)
    {
      bench_report_failure (rep, err.message);
      skc_filter_free (filter);
      return;
    }
  rep->prepare = bench_now_seconds () - t0;
  snprintf (rep->describe, sizeof rep->describe, "%s",
            skc_engine_describe (engine));
  snprintf (rep->note, sizeof rep->note, "prep: SVD fit");
  measure_engine (s, engine, -1, 0, rep);
  skc_engine_free (engine);
  skc_filter_free (filter);
}

/* ---- Running each method in a child process. ---- */

typedef void (*method_fn) (bench_setup *s, int with_map, method_report *rep);

static void
run_in_child (bench_setup *s, method_fn fn, int with_map, method_report *rep)
{
  memset (rep, 0, sizeof *rep);
  rep->prepare = -1;
  rep->psnr = NAN;
  rep->threads = s->threads;
  int fds[2];
  if (pipe (fds) != 0)
    cli_die ("bench apply: pipe: %s", strerror (errno));
  fflush (NULL); /* or the child would print what is buffered again */
  pid_t pid = fork ();
  if (pid < 0)
    cli_die ("bench apply: fork: %s", strerror (errno));
  if (pid == 0)
    {
      close (fds[0]);
      rep->start_kb = peak_rss_kb (); /* = the resident set at fork */
      fn (s, with_map, rep);
      const char *p = (const char *) rep;
      size_t left = sizeof *rep;
      while (left > 0)
        {
          ssize_t n = write (fds[1], p, left);
          if (n <= 0 && errno != EINTR)
            _exit (1);
          if (n > 0)
            p += n, left -= (size_t) n;
        }
      _exit (0);
    }
  close (fds[1]);
  char *p = (char *) rep;
  size_t got = 0;
  while (got < sizeof *rep)
    {
      ssize_t n = read (fds[0], p + got, sizeof *rep - got);
      if (n == 0 || (n < 0 && errno != EINTR))
        break;
      if (n > 0)
        got += (size_t) n;
    }
  close (fds[0]);
  int status = 0;
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;
  if (got != sizeof *rep)
    {
      memset (rep, 0, sizeof *rep);
      rep->psnr = NAN;
      rep->prepare = -1;
      if (WIFSIGNALED (status))
        snprintf (rep->message, sizeof rep->message,
                  "the child process died of signal %d (out of memory?)",
                  WTERMSIG (status));
      else
        snprintf (rep->message, sizeof rep->message,
                  "the child process exited without a report");
    }
}

typedef struct
{
  method_id method;
  method_fn fn;
  int with_map;
} planned_method;

static void
summarise (bench_row *row)
{
  row->median = row->min = NAN;
  if (row->rep.ok && row->rep.runs >= 1)
    row->median = bench_median (row->rep.seconds, row->rep.runs, &row->min);
}

/* ---- Output. ---- */

/* Comparator time over skc's time at the same radius and blur kind. */
static double
ratio_vs_skc (const bench_row *rows, int n, const bench_row *row)
{
  if (row->method == METHOD_GEGL_FLOOR)
    return NAN;
  for (int i = 0; i < n; i++)
    if (rows[i].method == METHOD_SKC && rows[i].radius == row->radius
        && rows[i].with_map == row->with_map && rows[i].rep.ok)
      return row->median / rows[i].median;
  return NAN;
}

static void
format_number (char *buf, size_t len, double v, const char *format)
{
  if (isnan (v))
    snprintf (buf, len, "%s", "");
  else if (isinf (v))
    snprintf (buf, len, "%s", "inf");
  else
    snprintf (buf, len, format, v);
}

static void
print_row (FILE *out, const bench_row *rows, int n, const bench_row *row,
           double input_mb, int csv)
{
  const method_report *rep = &row->rep;
  char radius[32], median[32], min[32], prepare[32], psnr[32], extra[32],
      ratio_in[32], ratio[32];
  if (row->method == METHOD_GEGL_FLOOR)
    snprintf (radius, sizeof radius, "%s", csv ? "" : "-");
  else
    snprintf (radius, sizeof radius, "%g", row->radius);
  format_number (median, sizeof median, row->median, "%.4g");
  format_number (min, sizeof min, row->min, "%.4g");
  format_number (prepare, sizeof prepare,
                 rep->prepare >= 0 ? rep->prepare : NAN, "%.3f");
  format_number (psnr, sizeof psnr, rep->psnr, "%.2f");
  /* A crop's memory says nothing about the whole image. */
  double extra_mb = rep->ok && !rep->crop_rows
                        ? (rep->peak_kb - rep->start_kb) / 1024.0
                        : NAN;
  format_number (extra, sizeof extra, extra_mb, "%.0f");
  format_number (ratio_in, sizeof ratio_in, extra_mb / input_mb, "%.2f");
  format_number (ratio, sizeof ratio, ratio_vs_skc (rows, n, row), "%.2f");
  const char *blur = row->method == METHOD_GEGL_FLOOR ? "-"
                     : row->with_map                  ? "map"
                                                      : "uniform";
  char note[sizeof rep->note + sizeof rep->message + 16];
  if (rep->ok)
    snprintf (note, sizeof note, "%s", rep->note);
  else
    snprintf (note, sizeof note, "FAILED: %s", rep->message);
  if (csv)
    {
      for (char *c = note; *c; c++)
        if (*c == '"')
          *c = '\'';
      fprintf (out, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%d,%d,\"%s\"\n", radius,
               method_names[row->method], blur, median, min, prepare, psnr,
               extra, ratio_in, ratio, rep->threads, rep->crop_rows, note);
    }
  else
    fprintf (out,
             "| %5s | %-26s | %-7s | %8s | %8s | %7s | %7s | %6s | "
             "%5s | %6s | %3d | %s |\n",
             radius, method_names[row->method], blur, median, min, prepare,
             psnr, extra, ratio_in, ratio, rep->threads, note);
}

void
bench_parse_size (const char *text, int *width, int *height)
{
  char rest;
  if (sscanf (text, "%dx%d%c", width, height, &rest) != 2 || *width < 8
      || *height < 8 || *width > SKC_IMAGE_MAX_SIDE
      || *height > SKC_IMAGE_MAX_SIDE)
    cli_die ("--size needs WIDTHxHEIGHT (8..%d each), not '%s'",
             SKC_IMAGE_MAX_SIDE, text);
}

static int
parse_radii (const char *text, double *radii)
{
  char copy[512];
  snprintf (copy, sizeof copy, "%s", text);
  int n = 0;
  char *save = NULL;
  for (char *item = strtok_r (copy, ",", &save); item;
       item = strtok_r (NULL, ",", &save))
    {
      if (n == MAX_RADII)
        cli_die ("--radii takes at most %d radii", MAX_RADII);
      radii[n++] = cli_number ("--radii", item, 1, 1000);
    }
  if (n == 0)
    cli_die ("--radii needs a list like 10,24,75");
  return n;
}

int
cli_bench_apply (int argc, char **argv)
{
  int width = 6000, height = 4000, threads = 2, runs = 5;
  int size_set = 0, runs_set = 0, radii_set = 0, quick = 0;
  int use_gegl = 1;
  double radii[MAX_RADII] = { 10, 24, 75, 150 };
  int radius_count = 4;
  const char *csv_path = "bench-apply.csv";
  const char *shape_spec = "shape:disc";
  skc_quality quality = SKC_QUALITY_NORMAL;
  /* Which comparators run: all by default. */
  char only[256] = ",skc,skc-map,fftw,dense,svd,gegl,";
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--size") == 0)
        bench_parse_size (cli_value (argc, argv, &i), &width, &height),
            size_set = 1;
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 1, MAX_THREADS);
      else if (strcmp (a, "--radii") == 0)
        radius_count = parse_radii (cli_value (argc, argv, &i), radii),
        radii_set = 1;
      else if (strcmp (a, "--shape") == 0)
        shape_spec = cli_value (argc, argv, &i);
      else if (strcmp (a, "--runs") == 0)
        runs = cli_integer (a, cli_value (argc, argv, &i), 1, MAX_RUNS),
        runs_set = 1;
      else if (strcmp (a, "--quick") == 0)
        quick = 1;
      else if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--no-gegl") == 0)
        use_gegl = 0;
      else if (strcmp (a, "--quality") == 0)
        {
          skc_error err;
          if (skc_quality_parse (cli_value (argc, argv, &i), &quality, &err)
              != SKC_OK)
            cli_die ("--quality: %s", err.message);
        }
      else if (strcmp (a, "--methods") == 0)
        snprintf (only, sizeof only, ",%s,", cli_value (argc, argv, &i));
      else
        cli_die ("bench apply: unknown option '%s' (--size WxH, --threads T, "
                 "--radii a,b, --shape SPEC, --quality Q, --methods "
                 "skc,skc-map,fftw,dense,svd,gegl, --runs N, --quick, --csv "
                 "FILE, --no-gegl)",
                 a);
    }
  if (quick)
    {
      /* Explicit options win over --quick's, in any order. */
      if (!size_set)
        width = 1500, height = 1000;
      if (!runs_set)
        runs = 3;
      if (!radii_set)
        radii[0] = 10, radii[1] = 24, radius_count = 2;
    }
#ifndef SKC_HAVE_GEGL
  use_gegl = 0;
#endif

  bench_setup s = { .width = width,
                    .height = height,
                    .threads = threads,
                    .runs = runs,
                    .quality = quality };
  if (!strstr (only, ",gegl,"))
    use_gegl = 0;
  skc_error err;
  if (skc_shape_parse (shape_spec, &s.shape, &err) != SKC_OK)
    cli_die ("--shape: %s", err.message);
  /* A shape image (a PGM or PPM: file:PATH), drawn as the engine draws
     it, for the soft-shape target beside the disc. */
  crisp_shape file_shape = { 0 };
  if (s.shape.kind == SKC_SHAPE_FILE)
    {
      if (strncmp (shape_spec, "file:", 5) != 0)
        cli_die ("--shape: a shape image is given as file:PATH");
      if (crisp_shape_image (shape_spec + 5, &file_shape, &err) != SKC_OK)
        cli_die ("--shape: %s", err.message);
      s.shape_image = file_shape.image;
    }
  if (skc_image_alloc (&s.input, width, height, 4) != SKC_OK
      || skc_image_alloc (&s.map, width, height, 1) != SKC_OK)
    cli_die ("bench apply: out of memory for a %dx%d image", width, height);
  size_t image_bytes = (size_t) width * height * 4 * sizeof (float);
  s.reference = mmap (NULL, image_bytes, PROT_READ | PROT_WRITE,
                      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (s.reference == MAP_FAILED)
    cli_die ("bench apply: cannot map %zu bytes", image_bytes);
  bench_parallel_bands (height, threads, bench_fill_photo_rows, &s.input);
  bench_add_highlights (&s.input);
  bench_fill_tilt_shift (&s.map);
  double input_mb = image_bytes / 1048576.0;

  FILE *csv = cli_csv_create (csv_path, "radius,method,blur,median_s,min_s,"
                                        "prepare_s,psnr_db,extra_mb,"
                                        "extra_per_input,ratio_vs_skc,threads,"
                                        "crop_rows,note");

  cli_print_machine (stdout);
  char shape_name[SKC_PATH_MAX + 64];
  skc_shape_format (&s.shape, shape_name, sizeof shape_name);
  printf ("image %dx%d RGBA float (%.0f MB; pseudo-photo with highlights), "
          "shape %s, skc quality %s, %d threads, median of %d runs after "
          "a warm-up; blur map: tilt-shift%s%s\n",
          width, height, input_mb, shape_name, skc_quality_name (quality),
          threads, runs,
#ifdef SKC_HAVE_FFTW3F
          "; PSNR against the exact convolution (FFTW result), interior, "
          "colour",
#else
          "; PSNR against the exact convolution (dense crop rows), interior, "
          "colour",
#endif
          use_gegl ? "" : "; GEGL comparators skipped");
  printf ("extra MB: peak resident memory of the method's process beyond "
          "what it inherited (the input); x input: that over the input "
          "size; vs skc: comparator time / skc time at the same radius and "
          "blur (> 1: skc is faster)\n\n");
  printf ("| R     | method                     | blur    | median s | "
          "min s    | prep s  | PSNR dB | extra MB | x in. | vs skc | thr "
          "| notes |\n"
          "|-------|----------------------------|---------|----------|"
          "----------|---------|---------|----------|-------|--------|-----"
          "|-------|\n");
  fflush (stdout);

  bench_row *rows = calloc ((size_t) radius_count * 8 + 1, sizeof *rows);
  int n = 0;
#ifdef SKC_HAVE_GEGL
  if (use_gegl)
    {
      bench_row *row = &rows[n++];
      row->method = METHOD_GEGL_FLOOR;
      fprintf (stderr, "bench apply: GEGL floor...\n");
      run_in_child (&s, bench_method_gegl_floor, 0, &row->rep);
      summarise (row);
      print_row (stdout, rows, n, row, input_mb, 0);
      print_row (csv, rows, n, row, input_mb, 1);
    }
#endif

  for (int ri = 0; ri < radius_count; ri++)
    {
      s.radius = radii[ri];
      if ((file_shape.image.data
               ? crisp_target (&file_shape, s.radius, 1, &s.kernel, &err)
               : skc_shape_render (&s.shape, s.radius, 0, &s.kernel, &err))
          != SKC_OK)
        cli_die ("R=%g: %s", s.radius, err.message);
      s.reference_y0 = s.reference_y1 = 0;

      planned_method plan[8];
      int count = 0;
#ifdef SKC_HAVE_FFTW3F
      /* First: its result is the reference for the others' PSNR. */
      plan[count++] = (planned_method){ METHOD_FFT, bench_method_fft, 0 };
#endif
      plan[count++] = (planned_method){ METHOD_DENSE, bench_method_dense, 0 };
      plan[count++] = (planned_method){ METHOD_SKC, method_skc, 0 };
      plan[count++] = (planned_method){ METHOD_SKC, method_skc, 1 };
      plan[count++] = (planned_method){ METHOD_SVD, method_svd, 0 };
#ifdef SKC_HAVE_GEGL
      if (use_gegl)
        {
          plan[count++]
              = (planned_method){ METHOD_GEGL_LENS, bench_method_gegl_lens, 0 };
          plan[count++]
              = (planned_method){ METHOD_GEGL_LENS, bench_method_gegl_lens, 1 };
          plan[count++] = (planned_method){ METHOD_GEGL_VARIABLE,
                                            bench_method_gegl_variable, 1 };
        }
#endif
      /* Keep the methods asked for (FFTW first still: the reference). */
      static const char *const keys[]
          = { "skc", "dense", "fftw", "svd", "gegl", "gegl", "gegl" };
      int kept = 0;
      for (int m = 0; m < count; m++)
        {
          char key[32];
          snprintf (key, sizeof key, ",%s%s,", keys[plan[m].method],
                    plan[m].method == METHOD_SKC && plan[m].with_map ? "-map"
                                                                     : "");
          if (strstr (only, key))
            plan[kept++] = plan[m];
        }
      count = kept;
      int first = n;
      for (int m = 0; m < count; m++)
        {
          bench_row *row = &rows[n++];
          row->radius = s.radius;
          row->method = plan[m].method;
          row->with_map = plan[m].with_map;
          fprintf (stderr, "bench apply: R=%g %s %s...\n", s.radius,
                   method_names[row->method],
                   row->with_map ? "map" : "uniform");
          run_in_child (&s, plan[m].fn, plan[m].with_map, &row->rep);
          summarise (row);
          if (!row->rep.ok)
            fprintf (stderr, "bench apply: R=%g %s failed: %s\n", s.radius,
                     method_names[row->method], row->rep.message);
          /* Record which rows of the shared reference are now exact. */
          if (row->rep.ok && s.reference_y1 <= s.reference_y0
              && (row->method == METHOD_FFT || row->method == METHOD_DENSE))
            {
              s.reference_y0 = row->rep.crop_rows ? row->rep.crop_y0 : 0;
              s.reference_y1 = row->rep.crop_rows
                                   ? row->rep.crop_y0 + row->rep.crop_rows
                                   : height;
            }
        }
      /* Printed once the radius is done: the ratios need skc's time. */
      for (int i = first; i < n; i++)
        {
          print_row (stdout, rows, n, &rows[i], input_mb, 0);
          print_row (csv, rows, n, &rows[i], input_mb, 1);
        }
      fflush (stdout);
      fflush (csv);
      skc_image_free (&s.kernel);
    }
  fclose (csv);

  printf ("\n");
  for (int i = 0; i < n; i++)
    if (rows[i].rep.ok && rows[i].rep.describe[0])
      printf ("R=%g %s: %s\n", rows[i].radius, method_names[rows[i].method],
              rows[i].rep.describe);
  printf ("CSV written to %s\n", csv_path);
  free (rows);
  munmap (s.reference, image_bytes);
  skc_image_free (&s.input);
  skc_image_free (&s.map);
  crisp_shape_free (&file_shape);
  return 0;
}
