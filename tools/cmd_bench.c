/* skc command-line tool — `skc bench fit`: the fidelity table of the
 * benchmark protocol (docs/benchmark-protocol.md) for the public kernel
 * suite: kernel x method x configuration, printed and written as CSV.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "engine_options.h"
#include "files.h"

typedef struct
{
  const char *name;
  const char *spec; /* shape spec, or NULL for a bundled file */
  const char *file; /* data/RELATIVE */
  double radius;
  int size;      /* 0: 2 * ceil (radius) + 1 */
  int separable; /* excluded from the non-separable means */
  int gaussian;
} bench_kernel;

/* 49 x 49, R = 22.5, except the Gaussians (size 2 * ceil (3 sigma) + 1). */
static const bench_kernel suite[] = {
  { "disc", "shape:disc", NULL, 22.5, 49, 0, 0 },
  { "ring", "shape:ring:inner=0.7", NULL, 22.5, 49, 0, 0 },
  { "square", "shape:polygon:blades=4,rotation=45", NULL, 27.0, 49, 1, 0 },
  { "hexagon", "shape:polygon:blades=6", NULL, 22.5, 49, 0, 0 },
  { "heart", "shape:heart", NULL, 22.5, 49, 0, 0 },
  { "star4", "shape:star:points=4,inner=0.35", NULL, 22.5, 49, 0, 0 },
  { "ampersand", NULL, "kernels/ampersand-392.pgm", 22.5, 49, 0, 0 },
  { "coma", "shape:coma", NULL, 22.5, 49, 0, 0 },
  { "gauss5", "shape:gaussian", NULL, 15, 0, 1, 1 },
  { "gauss7", "shape:gaussian", NULL, 21, 0, 1, 1 },
  { "gauss9", "shape:gaussian", NULL, 27, 0, 1, 1 },
  { "gauss11", "shape:gaussian", NULL, 33, 0, 1, 1 },
};
#define SUITE_SIZE ((int) (sizeof suite / sizeof suite[0]))

typedef struct
{
  const char *label;
  skc_method method;
  skc_offset_kind offsets;
  int uses_config;
  int rank;
  long knots; /* knots: the budget in MACs (0: exact) */
} bench_method;

/* Knots budgets: the issue's ~97 and ~193 MACs, the planner's normal
 * budget at 49 px (260) and exact. */
static const bench_method methods[] = {
  { "disk-bilinear", SKC_METHOD_DISK, SKC_OFFSETS_BILINEAR, 1, 0, 0 },
  { "disk-integer", SKC_METHOD_DISK, SKC_OFFSETS_INTEGER, 1, 0, 0 },
  { "pst", SKC_METHOD_PST, SKC_OFFSETS_BILINEAR, 1, 0, 0 },
  { "lowrank-r1", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 1, 0 },
  { "lowrank-r2", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 2, 0 },
  { "lowrank-r4", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 4, 0 },
  { "lowrank-r8", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 8, 0 },
  { "knots-97", SKC_METHOD_KNOTS, SKC_OFFSETS_INTEGER, 0, 0, 97 },
  { "knots-193", SKC_METHOD_KNOTS, SKC_OFFSETS_INTEGER, 0, 0, 193 },
  { "knots-260", SKC_METHOD_KNOTS, SKC_OFFSETS_INTEGER, 0, 0, 260 },
  { "knots-exact", SKC_METHOD_KNOTS, SKC_OFFSETS_INTEGER, 0, 0, 0 },
};
/* Run unless --methods says otherwise (the established table). */
#define DEFAULT_METHODS                                                        \
  ",disk-bilinear,disk-integer,pst,lowrank-r1,lowrank-r2,lowrank-r4,"

#define METHOD_COUNT ((int) (sizeof methods / sizeof methods[0]))

typedef struct
{
  int layers, samples;
} bench_config;

static const bench_config configs[]
    = { { 4, 24 }, { 4, 32 }, { 6, 8 }, { 4, 12 } };

typedef struct
{
  int kernel, method, layers, samples;
  int taps;
  long macs;
  double psnr, ksnr, kerr, seconds;
  long evaluations;
} bench_row;

static skc_result
make_kernel (const bench_kernel *k, skc_image *out, skc_error *err)
{
  if (k->file)
    {
      const char *path = cli_data_path (k->file);
      if (!path)
        return skc_fail (err, SKC_ERR_IO, "bundled data/%s not found", k->file);
      skc_image raw = { 0 };
      skc_result r = skc_pnm_read (path, &raw, err);
      if (r == SKC_OK)
        r = skc_kernel_from_values (raw.data, raw.width, raw.height, raw.stride,
                                    k->size, out, err);
      skc_image_free (&raw);
      return r;
    }
  skc_shape s;
  skc_result r = skc_shape_parse (k->spec, &s, err);
  if (r != SKC_OK)
    return r;
  if (k->gaussian)
    s.sigma = 1.0 / 3.0; /* sigma = radius / 3 exactly */
  return skc_shape_render (&s, k->radius, k->size, out, err);
}

static double
bench_seconds (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + 1e-9 * (double) t.tv_nsec;
}

static void
print_row (FILE *out, const bench_row *row, int csv)
{
  char config[32];
  if (methods[row->method].uses_config)
    snprintf (config, sizeof config, "%dx%d", row->layers, row->samples);
  else if (methods[row->method].method == SKC_METHOD_KNOTS
           && methods[row->method].knots > 0)
    snprintf (config, sizeof config, "budget %ld", methods[row->method].knots);
  else if (methods[row->method].method == SKC_METHOD_KNOTS)
    snprintf (config, sizeof config, "exact");
  else
    snprintf (config, sizeof config, "rank %d", methods[row->method].rank);
  if (csv)
    fprintf (out, "%s,%s,%s,%.3f,%.3f,%.5f,%d,%ld,%.3f,%ld\n",
             suite[row->kernel].name, methods[row->method].label, config,
             row->psnr, row->ksnr, row->kerr, row->taps, row->macs,
             row->seconds, row->evaluations);
  else
    fprintf (out,
             "| %-9s | %-13s | %-6s | %7.2f | %6.2f | %7.4f | %4d | %5ld "
             "| %7.3f | %7ld |\n",
             suite[row->kernel].name, methods[row->method].label, config,
             row->psnr, row->ksnr, row->kerr, row->taps, row->macs,
             row->seconds, row->evaluations);
}

/* Mean image PSNR of rows matching (method, config) over a kernel class. */
static double
mean_psnr (const bench_row *rows, int n, int method, int layers, int samples,
           int which, int *count) /* which: 0 non-separable, 1 gaussians */
{
  double sum = 0;
  *count = 0;
  for (int i = 0; i < n; i++)
    {
      const bench_kernel *k = &suite[rows[i].kernel];
      if (rows[i].method != method
          || (methods[method].uses_config
              && (rows[i].layers != layers || rows[i].samples != samples)))
        continue;
      if ((which == 0 && k->separable) || (which == 1 && !k->gaussian))
        continue;
      sum += rows[i].psnr;
      (*count)++;
    }
  return *count ? sum / *count : NAN;
}

/* ---- `skc bench stars`: the star-field artefact. ---- */

/* Pixels whose brightest linear colour exceeds this are multiplied by
 * STARS_GAIN: point lights well above white, as bokeh balls need. */
#define STARS_THRESHOLD 0.5f
#define STARS_GAIN 10.0f
#define STARS_CROP 128
#define STARS_ZOOM_SIDE 40
#define STARS_ZOOM 3
#define STARS_GAP 4

/* Dense convolution of RGBA `in` with kernel k, clamped edges, in double. */
static void
stars_dense (const skc_image *in, const skc_image *k, skc_image *out)
{
  skc_image_alloc (out, in->width, in->height, 4);
  int h = k->width / 2;
  for (int y = 0; y < in->height; y++)
    for (int x = 0; x < in->width; x++)
      {
        double acc[4] = { 0, 0, 0, 0 };
        for (int v = -h; v <= h; v++)
          for (int u = -h; u <= h; u++)
            {
              float w = *skc_image_pixel (k, u + h, v + h);
              if (w == 0)
                continue;
              int sx = x - u < 0            ? 0
                       : x - u >= in->width ? in->width - 1
                                            : x - u;
              int sy = y - v < 0             ? 0
                       : y - v >= in->height ? in->height - 1
                                             : y - v;
              const float *p = skc_image_pixel (in, sx, sy);
              for (int c = 0; c < 4; c++)
                acc[c] += w * p[c];
            }
        float *d = skc_image_pixel (out, x, y);
        for (int c = 0; c < 4; c++)
          d[c] = (float) acc[c];
      }
}

/* RMS of (a - b) over RMS of b, colour channels. */
static double
stars_relative_rms (const skc_image *a, const skc_image *b)
{
  double e = 0, n = 0;
  for (int y = 0; y < a->height; y++)
    for (int x = 0; x < a->width; x++)
      for (int c = 0; c < 3; c++)
        {
          double p = skc_image_pixel ((skc_image *) a, x, y)[c];
          double q = skc_image_pixel ((skc_image *) b, x, y)[c];
          e += (p - q) * (p - q);
          n += q * q;
        }
  return sqrt (e / n);
}

/* Copies src's window (sx, sy, side) scaled by `zoom` (nearest) into the
 * panel at (px, py), clipped to 0..1 for display. */
static void
stars_paste (skc_image *panel, const skc_image *src, int sx, int sy, int side,
             int zoom, int px, int py)
{
  for (int y = 0; y < side * zoom; y++)
    for (int x = 0; x < side * zoom; x++)
      {
        const float *s
            = skc_image_pixel ((skc_image *) src, sx + x / zoom, sy + y / zoom);
        float *d = skc_image_pixel (panel, px + x, py + y);
        for (int c = 0; c < 3; c++)
          d[c] = s[c] < 0 ? 0 : s[c] > 1 ? 1 : s[c];
        d[3] = 1;
      }
}

static int
cli_bench_stars (int argc, char **argv)
{
  const char *output = "docs/bench/stars-knots.png";
  double radius = 20;
  int threads = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-o") == 0)
        output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--radius") == 0)
        radius = cli_number (a, cli_value (argc, argv, &i), 2, 60);
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else
        cli_die ("bench stars: unknown option '%s' (-o PNG, --radius R, "
                 "--threads T)",
                 a);
    }
  const char *path = cli_data_path ("photos/hubble-deep-field.png");
  if (!path)
    cli_die ("bench stars: bundled data/photos/hubble-deep-field.png not "
             "found");
  skc_error err;
  skc_image photo = { 0 };
  SkcGeglPhotoFormat kind;
  if (skc_gegl_load_photo (path, &photo, &kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  if (kind.kind != SKC_GEGL_PIXELS_LINEAR_PREMUL || photo.channels != 4
      || photo.width < STARS_CROP || photo.height < STARS_CROP)
    cli_die ("bench stars: expected a linear RGBA photo of at least %d px",
             STARS_CROP);
  /* The crop with the most highlights (on a 16 px grid, first wins). */
  int best = -1, cx = 0, cy = 0;
  for (int y0 = 0; y0 + STARS_CROP <= photo.height; y0 += 16)
    for (int x0 = 0; x0 + STARS_CROP <= photo.width; x0 += 16)
      {
        int count = 0;
        for (int y = y0; y < y0 + STARS_CROP; y += 2)
          for (int x = x0; x < x0 + STARS_CROP; x += 2)
            {
              const float *p = skc_image_pixel (&photo, x, y);
              count += fmaxf (p[0], fmaxf (p[1], p[2])) > STARS_THRESHOLD;
            }
        if (count > best)
          best = count, cx = x0, cy = y0;
      }
  skc_image crop = { 0 };
  skc_image_alloc (&crop, STARS_CROP, STARS_CROP, 4);
  for (int y = 0; y < STARS_CROP; y++)
    for (int x = 0; x < STARS_CROP; x++)
      {
        const float *s = skc_image_pixel (&photo, cx + x, cy + y);
        float *d = skc_image_pixel (&crop, x, y);
        float peak = fmaxf (s[0], fmaxf (s[1], s[2]));
        float gain = peak > STARS_THRESHOLD ? STARS_GAIN : 1;
        for (int c = 0; c < 3; c++)
          d[c] = s[c] * gain;
        d[3] = s[3];
      }

  static const char *const shapes[2][2] = {
    { "heart", "shape:heart" },
    { "star4", "shape:star:points=4,inner=0.35" },
  };
  const int zoom_px = STARS_ZOOM_SIDE * STARS_ZOOM;
  const int column = zoom_px > STARS_CROP ? zoom_px : STARS_CROP;
  skc_image panel = { 0 };
  skc_image_alloc (&panel, 3 * column + 2 * STARS_GAP,
                   2 * (STARS_CROP + zoom_px) + 3 * STARS_GAP, 4);
  for (size_t i = 0; i < (size_t) panel.width * panel.height; i++)
    for (int c = 0; c < 4; c++)
      panel.data[i * 4 + c] = 1; /* white gaps */

  cli_print_machine (stdout);
  printf ("star field %s, crop %dx%d at (%d, %d), linear light, pixels "
          "above %.2f multiplied by %g; radius %g; zoom %dx on the %dx%d "
          "window with the most rim detail\n\n",
          "data/photos/hubble-deep-field.png", STARS_CROP, STARS_CROP, cx, cy,
          (double) STARS_THRESHOLD, (double) STARS_GAIN, radius, STARS_ZOOM,
          STARS_ZOOM_SIDE, STARS_ZOOM_SIDE);
  printf ("| shape | method | MACs | kernel SNR dB | RMS vs dense (crop) |\n"
          "|---|---|---|---|---|\n");
  for (int k = 0; k < 2; k++)
    {
      skc_shape shape;
      skc_image target = { 0 };
      if (skc_shape_parse (shapes[k][1], &shape, &err) != SKC_OK
          || skc_shape_render (&shape, radius, 0, &target, &err) != SKC_OK)
        cli_die ("%s", err.message);
      skc_image results[3] = { { 0 } };
      skc_filter *filters[3] = { NULL, NULL, NULL };
      skc_fit_options opts;
      skc_fit_options_init (&opts); /* DISK bilinear 4x24, seed 1 */
      opts.threads = threads;
      if (skc_fit (&target, &opts, &filters[1], NULL, &err) != SKC_OK)
        cli_die ("DISK: %s", err.message);
      /* The planner's normal-quality knots budget at this size. */
      opts.method = SKC_METHOD_KNOTS;
      opts.knots_budget = lround (5.3 * target.width);
      if (skc_fit (&target, &opts, &filters[2], NULL, &err) != SKC_OK)
        cli_die ("knots: %s", err.message);
      stars_dense (&crop, &target, &results[0]);
      /* The zoomed window: the most edge in the dense result, on an 8 px
         grid, among windows with nothing clipped (rims and interiors as
         they are, not saturated white). */
      int zx = 0, zy = 0;
      double most = -1;
      for (int y0 = 0; y0 + STARS_ZOOM_SIDE <= STARS_CROP; y0 += 8)
        for (int x0 = 0; x0 + STARS_ZOOM_SIDE <= STARS_CROP; x0 += 8)
          {
            double edge = 0;
            int saturated = 0;
            for (int y = y0; y < y0 + STARS_ZOOM_SIDE; y++)
              for (int x = x0; x < x0 + STARS_ZOOM_SIDE; x++)
                for (int c = 0; c < 3; c++)
                  saturated |= skc_image_pixel (&results[0], x, y)[c] >= 1;
            if (saturated)
              continue;
            for (int y = y0; y + 1 < y0 + STARS_ZOOM_SIDE; y++)
              for (int x = x0; x + 1 < x0 + STARS_ZOOM_SIDE; x++)
                for (int c = 0; c < 3; c++)
                  {
                    float v = skc_image_pixel (&results[0], x, y)[c];
                    float r = skc_image_pixel (&results[0], x + 1, y)[c];
                    float d = skc_image_pixel (&results[0], x, y + 1)[c];
                    edge += fabsf (r - v) + fabsf (d - v);
                  }
            if (edge > most)
              most = edge, zx = x0, zy = y0;
          }
      static const char *const names[3]
          = { "dense", "DISK bilinear 4x24", "knots (normal budget)" };
      for (int m = 0; m < 3; m++)
        {
          double snr = INFINITY;
          long macs = 0;
          if (m > 0)
            {
              skc_image effective = { 0 };
              if (skc_filter_render (filters[m], &effective) != SKC_OK
                  || skc_filter_apply (filters[m], &crop, &results[m], threads)
                         != SKC_OK)
                cli_die ("%s: out of memory", names[m]);
              snr = skc_kernel_snr_db (skc_kernel_error (&effective, &target));
              macs = skc_filter_macs (filters[m]);
              skc_image_free (&effective);
            }
          else
            for (int i = 0; i < target.width * target.height; i++)
              macs += target.data[i] != 0;
          printf ("| %s | %s | %ld | %.1f | %.2f %% |\n", shapes[k][0],
                  names[m], macs, snr,
                  100 * stars_relative_rms (&results[m], &results[0]));
          if (m == 0)
            fprintf (stderr, "bench stars: %s zoom window at (%d, %d)\n",
                     shapes[k][0], zx, zy);
          int px = m * (column + STARS_GAP);
          int py = k * (STARS_CROP + zoom_px + 2 * STARS_GAP);
          stars_paste (&panel, &results[m], 0, 0, STARS_CROP, 1, px, py);
          stars_paste (&panel, &results[m], zx, zy, STARS_ZOOM_SIDE, STARS_ZOOM,
                       px, py + STARS_CROP + STARS_GAP);
        }
      for (int m = 0; m < 3; m++)
        {
          skc_image_free (&results[m]);
          skc_filter_free (filters[m]);
        }
      skc_image_free (&target);
    }
  SkcGeglPhotoFormat linear = { SKC_GEGL_PIXELS_LINEAR_PREMUL, NULL };
  if (skc_gegl_save_photo (output, &panel, &linear, SKC_GEGL_DEPTH_KEEP, &err)
      != SKC_OK)
    cli_die ("%s", err.message);
  printf ("\npanel: columns dense | DISK 4x24 | knots; rows heart, heart "
          "%dx zoom, star4, star4 %dx zoom; written to %s\n",
          STARS_ZOOM, STARS_ZOOM, output);
  skc_image_free (&panel);
  skc_image_free (&crop);
  skc_image_free (&photo);
  return 0;
}

/* ---- `skc bench maps`: knots tables against the DISK basis. ---- */

/* The protocol's tilt-shift map: sharp in a band around the middle row,
 * growing linearly to 1 at the top and bottom. */
static float
maps_tilt_shift (int x, int y, int w, int h)
{
  (void) x;
  (void) w;
  double d = fabs (y - h / 2.0) / (h / 2.0);
  return d < 0.15 ? 0 : (float) ((d - 0.15) / 0.85);
}

/* A synthetic depth map (no depth photo is bundled): a far wall, a floor
 * coming toward the camera, a sharp ellipse and a box at mid depth, with
 * 1 px soft edges: steps and slopes as real depth maps have. */
static float
maps_depth (int x, int y, int w, int h)
{
  double fy = (y + 0.5) / h, fx = (x + 0.5) / w;
  double v = fy > 0.45 ? 0.9 - (fy - 0.45) / 0.55 * 0.8 : 0.9;
  double ex = (fx - 0.4) / 0.18, ey = (fy - 0.55) / 0.3;
  double inside = fmin (1, fmax (0, (1 - sqrt (ex * ex + ey * ey)) * w * 0.18));
  v *= 1 - inside;
  if (fx > 0.68 && fx < 0.9 && fy > 0.2 && fy < 0.7)
    v = 0.5;
  return (float) v;
}

typedef float (*maps_fn) (int x, int y, int w, int h);

static void
maps_fill (skc_image *map, maps_fn fn)
{
  for (int y = 0; y < map->height; y++)
    for (int x = 0; x < map->width; x++)
      *skc_image_pixel (map, x, y) = fn (x, y, map->width, map->height);
}

/* PSNR (peak 1) of the engine's map blur of `photo` against brute force:
 * each interior pixel gathers with the dense target of its own radius. */
static double
maps_psnr (const skc_engine *e, const skc_shape *shape, double rmax,
           const skc_image *photo, const skc_image *map)
{
  skc_image out = { 0 }, k = { 0 };
  if (skc_apply_image (e, photo, -1, map, NULL, &out, NULL) != SKC_OK)
    return NAN;
  int w = photo->width, h = photo->height, margin = (int) ceil (rmax);
  double sse = 0;
  long n = 0;
  float last = -1;
  for (int y = margin; y < h - margin; y++)
    for (int x = margin; x < w - margin; x++)
      {
        float v = *skc_image_pixel ((skc_image *) map, x, y);
        if (v != last)
          {
            /* The protocol's semantics with the defaults (focus 0, gamma
               1): r = R_max * v. */
            double r = rmax * (v < 0 ? 0 : v > 1 ? 1 : v);
            skc_image_free (&k);
            if (r > 0)
              skc_shape_render (shape, r, 0, &k, NULL);
            else if (skc_image_alloc (&k, 1, 1, 1) == SKC_OK)
              k.data[0] = 1;
            last = v;
          }
        int half = k.width / 2;
        for (int c = 0; c < photo->channels; c++)
          {
            double acc = 0;
            for (int ky = 0; ky < k.height; ky++)
              for (int kx = 0; kx < k.width; kx++)
                {
                  float wt = *skc_image_pixel (&k, kx, ky);
                  if (wt == 0)
                    continue;
                  int sx = x - (kx - half), sy = y - (ky - half);
                  sx = sx < 0 ? 0 : sx >= w ? w - 1 : sx;
                  sy = sy < 0 ? 0 : sy >= h ? h - 1 : sy;
                  acc += wt * skc_image_pixel ((skc_image *) photo, sx, sy)[c];
                }
            double d = skc_image_pixel (&out, x, y)[c] - acc;
            sse += d * d;
            n++;
          }
      }
  skc_image_free (&k);
  skc_image_free (&out);
  return -10 * log10 (sse / n);
}

static int
compare_seconds (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static int
cli_bench_maps (int argc, char **argv)
{
  int width = 6000, height = 4000, threads = 2, runs = 3;
  const char *csv_path = "bench-maps.csv";
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--size") == 0)
        {
          const char *v = cli_value (argc, argv, &i);
          char rest;
          if (sscanf (v, "%dx%d%c", &width, &height, &rest) != 2 || width < 64
              || height < 64 || width > SKC_IMAGE_MAX_SIDE
              || height > SKC_IMAGE_MAX_SIDE)
            cli_die ("--size needs WIDTHxHEIGHT (64..%d each), not '%s'",
                     SKC_IMAGE_MAX_SIDE, v);
        }
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 1, 256);
      else if (strcmp (a, "--runs") == 0)
        runs = cli_integer (a, cli_value (argc, argv, &i), 1, 64);
      else if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else
        cli_die ("bench maps: unknown option '%s' (--size WxH, --threads T, "
                 "--runs N, --csv FILE)",
                 a);
    }
  skc_error err;
  const char *photo_path = cli_data_path ("photos/astronaut-384.ppm");
  skc_image photo = { 0 }, big = { 0 }, big_map = { 0 };
  if (!photo_path || skc_pnm_read (photo_path, &photo, &err) != SKC_OK)
    cli_die ("bench maps: bundled data/photos/astronaut-384.ppm not found");
  if (skc_image_alloc (&big, width, height, 4) != SKC_OK
      || skc_image_alloc (&big_map, width, height, 1) != SKC_OK)
    cli_die ("bench maps: out of memory for %dx%d", width, height);
  for (size_t i = 0; i < (size_t) width * height; i++)
    {
      float *p = big.data + i * 4;
      p[0] = (float) (i * 7 % 101) / 100;
      p[1] = (float) (i * 13 % 97) / 96;
      p[2] = (float) (i % 89) / 88;
      p[3] = 1;
    }
  FILE *csv = cli_csv_create (csv_path, "shape,map,radius,representation,"
                                        "psnr_db,median_s,prepare_s,"
                                        "planner_pick");
  cli_print_machine (stdout);
  printf ("blur maps, knots tables against the DISK basis, side by side in "
          "one process: PSNR against brute-force per-pixel dense truth on "
          "astronaut-384 (interior, R_max <= 50); median of %d runs after a "
          "warm-up on %dx%d RGBA float, %d threads\n\n",
          runs, width, height, threads);
  printf ("| shape | map | R_max | representation | PSNR dB | median s | "
          "prep s | planner picks |\n|---|---|---|---|---|---|---|---|\n");
  static const char *const shapes[2] = { "shape:disc", "shape:heart" };
  static const char *const map_names[2] = { "tilt-shift", "depth (synthetic)" };
  static const maps_fn map_fns[2] = { maps_tilt_shift, maps_depth };
  static const double radii[5] = { 10, 25, 50, 100, 150 };
  for (int s = 0; s < 2; s++)
    for (int m = 0; m < 2; m++)
      {
        skc_image map = { 0 };
        skc_image_alloc (&map, photo.width, photo.height, 1);
        maps_fill (&map, map_fns[m]);
        maps_fill (&big_map, map_fns[m]);
        skc_run run = { .threads = threads };
        for (int r = 0; r < 5; r++)
          for (int knots = 1; knots >= 0; knots--)
            {
              /* What the planner picks without the override. */
              char pick[32] = "";
              {
                skc_params d;
                skc_params_init (&d);
                skc_shape_parse (shapes[s], &d.shape, NULL);
                d.radius = radii[r];
                skc_engine *e = NULL;
                if (skc_engine_new (&d, 1, &run, &e, &err) != SKC_OK)
                  cli_die ("%s", err.message);
                snprintf (pick, sizeof pick, "%s", skc_engine_method (e));
                skc_engine_free (e);
              }
              skc_params p;
              skc_params_init (&p);
              if (skc_shape_parse (shapes[s], &p.shape, &err) != SKC_OK)
                cli_die ("%s", err.message);
              p.radius = radii[r];
              p.clip = 0;
              /* The planner's rule overridden, for measurements
                 (engine_options.h): always tables, or always the basis. */
              skc_engine_options options;
              skc_engine_options_init (&options);
              options.knots_map_max_radius = knots ? 1000 : -1;
              options.map_levels = 0;
              double t0 = bench_seconds ();
              skc_engine *e = NULL;
              if (skc_engine_new_with (&p, 1, &options, &run, &e, &err)
                  != SKC_OK)
                cli_die ("%s", err.message);
              double prepare = bench_seconds () - t0;
              double psnr = radii[r] <= 50 ? maps_psnr (e, &p.shape, radii[r],
                                                        &photo, &map)
                                           : NAN;
              double times[64];
              skc_image out = { 0 };
              for (int k = -1; k < runs; k++)
                {
                  double t1 = bench_seconds ();
                  if (skc_apply_image (e, &big, 3, &big_map, &run, &out, &err)
                      != SKC_OK)
                    cli_die ("%s", err.message);
                  if (k >= 0)
                    times[k] = bench_seconds () - t1;
                  skc_image_free (&out);
                }
              qsort (times, (size_t) runs, sizeof *times, compare_seconds);
              double median = times[runs / 2];
              const char *name
                  = strstr (skc_engine_describe (e), "knots tables")
                        ? "knots tables"
                        : "DISK basis";
              char psnr_text[32] = "–";
              if (isfinite (psnr))
                snprintf (psnr_text, sizeof psnr_text, "%.2f", psnr);
              printf ("| %s | %s | %g | %s | %s | %.3f | %.2f | %s |\n",
                      shapes[s] + 6, map_names[m], radii[r], name, psnr_text,
                      median, prepare, pick);
              fprintf (csv, "%s,%s,%g,%s,%s,%.4f,%.3f,%s\n", shapes[s] + 6,
                       map_names[m], radii[r], name,
                       isfinite (psnr) ? psnr_text : "", median, prepare, pick);
              fflush (stdout);
              fflush (csv);
              skc_engine_free (e);
            }
        skc_image_free (&map);
      }
  fclose (csv);
  printf ("CSV written to %s\n", csv_path);
  skc_image_free (&photo);
  skc_image_free (&big);
  skc_image_free (&big_map);
  return 0;
}

int
cli_cmd_bench (int argc, char **argv)
{
  static const struct
  {
    const char *name;
    int (*run) (int argc, char **argv);
  } benches[]
      = { { "apply", cli_bench_apply },         { "stars", cli_bench_stars },
          { "maps", cli_bench_maps },           { "crisp", cli_bench_crisp },
          { "occlusion", cli_bench_occlusion }, { "op", cli_bench_op } };
  for (size_t i = 0; argc >= 2 && i < sizeof benches / sizeof *benches; i++)
    if (strcmp (argv[1], benches[i].name) == 0)
      return benches[i].run (argc - 1, argv + 1);
  if (argc < 2 || strcmp (argv[1], "fit") != 0)
    cli_die ("bench: usage: skc bench fit [--quick] [--csv FILE] "
             "[--kernels a,b] [--methods a,b] [--threads T] [--seed S], "
             "skc bench apply|stars|maps|crisp|occlusion|op [options]");
  const char *csv_path = "bench-fit.csv";
  char kernels[512] = "", only[512] = DEFAULT_METHODS;
  int quick = 0, threads = 0;
  uint64_t seed = 1;
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--quick") == 0)
        quick = 1;
      else if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernels") == 0)
        snprintf (kernels, sizeof kernels, ",%s,", cli_value (argc, argv, &i));
      else if (strcmp (a, "--methods") == 0)
        snprintf (only, sizeof only, ",%s,", cli_value (argc, argv, &i));
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--seed") == 0)
        seed = (uint64_t) cli_number (a, cli_value (argc, argv, &i), 0, 1e15);
      else
        cli_die ("bench: unknown option '%s'", a);
    }

  skc_error err;
  skc_photo_set *photos;
  if (cli_load_bench_photos (3, &photos, &err) != SKC_OK)
    cli_die ("%s", err.message);
  FILE *csv = cli_csv_create (csv_path, "kernel,method,config,image_psnr_db,"
                                        "kernel_snr_db,kernel_error,taps,macs,"
                                        "fit_seconds,evaluations");

  cli_print_machine (stdout);
  printf ("threads %d%s; image PSNR: mean over astronaut, coffee, rocket "
          "(384x384)%s\n\n",
          threads, threads <= 0 ? " (= cores)" : "",
          quick ? "; QUICK run (short fits, not the reference figures)" : "");
  printf ("| kernel    | method        | config | PSNR dB | kSNR dB | k.error "
          "| taps | MACs  | fit s   | evals   |\n"
          "|-----------|---------------|--------|---------|--------|---------"
          "|------|-------|---------|---------|\n");

  bench_row *rows = calloc (SUITE_SIZE * METHOD_COUNT * 4, sizeof *rows);
  int n = 0;
  for (int k = 0; k < SUITE_SIZE; k++)
    {
      char needle[64];
      snprintf (needle, sizeof needle, ",%s,", suite[k].name);
      if (*kernels && !strstr (kernels, needle))
        continue;
      skc_image target = { 0 };
      if (make_kernel (&suite[k], &target, &err) != SKC_OK)
        cli_die ("%s: %s", suite[k].name, err.message);
      for (int m = 0; m < METHOD_COUNT; m++)
        {
          char wanted[64];
          snprintf (wanted, sizeof wanted, ",%s,", methods[m].label);
          if (!strstr (only, wanted)
              || (quick && methods[m].method == SKC_METHOD_PST))
            continue;
          int nconfig = !methods[m].uses_config ? 1 : suite[k].gaussian ? 4 : 2;
          for (int c = 0; c < nconfig; c++)
            {
              skc_fit_options opts;
              skc_fit_options_init (&opts);
              opts.method = methods[m].method;
              opts.offsets = methods[m].offsets;
              opts.rank = methods[m].rank ? methods[m].rank : 1;
              opts.layers = configs[c].layers;
              opts.samples = configs[c].samples;
              opts.threads = threads;
              opts.seed = seed;
              opts.knots_budget = methods[m].knots;
              if (quick)
                opts.steps = 300, opts.restarts = 2;
              skc_filter *filter;
              skc_fit_report report = { 0 };
              if (skc_fit (&target, &opts, &filter, &report, &err) != SKC_OK)
                cli_die ("%s %s: %s", suite[k].name, methods[m].label,
                         err.message);
              skc_image effective = { 0 };
              if (skc_filter_render (filter, &effective) != SKC_OK)
                cli_die ("render: out of memory");
              bench_row *row = &rows[n++];
              row->kernel = k;
              row->method = m;
              row->layers = opts.layers;
              row->samples = opts.samples;
              row->taps = skc_filter_taps (filter);
              row->macs = skc_filter_macs (filter);
              row->kerr = skc_kernel_error (&effective, &target);
              row->ksnr = skc_kernel_snr_db (row->kerr);
              row->psnr = skc_photo_set_psnr (photos, &effective, &target);
              row->seconds = report.seconds;
              row->evaluations = report.evaluations;
              print_row (stdout, row, 0);
              print_row (csv, row, 1);
              fflush (stdout);
              fflush (csv);
              skc_image_free (&effective);
              skc_filter_free (filter);
            }
        }
      skc_image_free (&target);
    }
  fclose (csv);

  /* The targets, measured (when the DISK rows ran). */
  int count;
  mean_psnr (rows, n, 0, 4, 24, 0, &count);
  if (!count)
    {
      printf ("CSV written to %s\n", csv_path);
      free (rows);
      skc_photo_set_free (photos);
      return 0;
    }
  double bil = mean_psnr (rows, n, 0, 4, 24, 0, &count);
  printf ("\ndisk bilinear 4x24: mean image PSNR %.2f dB over %d "
          "non-separable kernels",
          bil, count);
  double gauss = mean_psnr (rows, n, 0, 4, 24, 1, &count);
  if (count)
    printf ("; Gaussians %.2f dB", gauss);
  double worst = INFINITY, worst_snr = INFINITY;
  for (int i = 0; i < n; i++)
    if (rows[i].method == 0 && rows[i].layers == 4 && rows[i].samples == 24)
      {
        worst = fmin (worst, rows[i].psnr);
        worst_snr = fmin (worst_snr, rows[i].ksnr);
      }
  printf ("; worst %.2f dB; worst kernel SNR %.2f dB\n", worst, worst_snr);
  double integer = mean_psnr (rows, n, 1, 4, 24, 0, &count);
  double rank1 = mean_psnr (rows, n, 3, 0, 0, 0, &count);
  printf ("disk integer 4x24 (96 MACs): mean %.2f dB over non-separable; "
          "%.2f dB above lowrank r1 (98 MACs) on average\n",
          integer, integer - rank1);
  double pst = mean_psnr (rows, n, 2, 4, 24, 0, &count);
  if (count)
    {
      long de = 0, pe = 0;
      for (int i = 0; i < n; i++)
        if (rows[i].layers == 4 && rows[i].samples == 24)
          {
            if (rows[i].method == 0)
              de += rows[i].evaluations;
            if (rows[i].method == 2)
              pe += rows[i].evaluations;
          }
      printf ("pst 4x24: mean %.2f dB over non-separable; disk is %.2f dB "
              "better with %.1fx fewer evaluations\n",
              pst, bil - pst, de ? (double) pe / de : NAN);
    }
  printf ("CSV written to %s\n", csv_path);
  free (rows);
  skc_photo_set_free (photos);
  return 0;
}
