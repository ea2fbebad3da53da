/* skc command-line tool — `skc bench fit`: the fidelity table of the
 * benchmark protocol (docs/benchmark-protocol.md) for the public kernel
 * suite: kernel x method x configuration, printed and written as CSV.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

typedef struct
{
  const char *name;
  const char *spec;  /* shape spec, or NULL for a bundled file */
  const char *file;  /* data/RELATIVE */
  double      radius;
  int         size;  /* 0: 2 * ceil (radius) + 1 */
  int         separable; /* excluded from the non-separable means */
  int         gaussian;
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
  skc_method  method;
  skc_offset_kind offsets;
  int         uses_config;
  int         rank;
} bench_method;

static const bench_method methods[] = {
  { "disk-bilinear", SKC_METHOD_DISK, SKC_OFFSETS_BILINEAR, 1, 0 },
  { "disk-integer", SKC_METHOD_DISK, SKC_OFFSETS_INTEGER, 1, 0 },
  { "pst", SKC_METHOD_PST, SKC_OFFSETS_BILINEAR, 1, 0 },
  { "lowrank-r1", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 1 },
  { "lowrank-r2", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 2 },
  { "lowrank-r4", SKC_METHOD_LOWRANK, SKC_OFFSETS_BILINEAR, 0, 4 },
};
#define METHOD_COUNT ((int) (sizeof methods / sizeof methods[0]))

typedef struct
{
  int layers, samples;
} bench_config;

static const bench_config configs[] = { { 4, 24 }, { 4, 32 }, { 6, 8 },
                                        { 4, 12 } };

typedef struct
{
  int    kernel, method, layers, samples;
  int    taps;
  long   macs;
  double psnr, ksnr, kerr, seconds;
  long   evaluations;
} bench_row;

static skc_result
make_kernel (const bench_kernel *k, skc_image *out, skc_error *err)
{
  if (k->file)
    {
      const char *path = cli_data_path (k->file);
      if (!path)
        return skc_fail (err, SKC_ERR_IO, "bundled data/%s not found",
                         k->file);
      skc_image  raw = { 0 };
      skc_result r = skc_pnm_read (path, &raw, err);
      if (r == SKC_OK)
        r = skc_kernel_from_values (raw.data, raw.width, raw.height,
                                    raw.stride, k->size, out, err);
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

static void
print_row (FILE *out, const bench_row *row, int csv)
{
  char config[32];
  if (methods[row->method].uses_config)
    snprintf (config, sizeof config, "%dx%d", row->layers, row->samples);
  else
    snprintf (config, sizeof config, "rank %d", methods[row->method].rank);
  if (csv)
    fprintf (out, "%s,%s,%s,%.3f,%.3f,%.5f,%d,%ld,%.3f,%ld\n",
             suite[row->kernel].name, methods[row->method].label, config,
             row->psnr, row->ksnr, row->kerr, row->taps, row->macs,
             row->seconds, row->evaluations);
  else
    fprintf (out, "| %-9s | %-13s | %-6s | %7.2f | %6.2f | %7.4f | %4d | %5ld "
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

int
cli_cmd_bench (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "apply") == 0)
    return cli_bench_apply (argc - 1, argv + 1);
  if (argc < 2 || strcmp (argv[1], "fit") != 0)
    cli_die ("bench: usage: skc bench fit [--quick] [--csv FILE] "
             "[--kernels a,b] [--threads T] [--seed S], or skc bench apply "
             "[options]");
  const char *csv_path = "bench-fit.csv";
  char        kernels[512] = "";
  int         quick = 0, threads = 0;
  uint64_t    seed = 1;
  for (int i = 2; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "--quick") == 0)
        quick = 1;
      else if (strcmp (a, "--csv") == 0)
        csv_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernels") == 0)
        snprintf (kernels, sizeof kernels, ",%s,", cli_value (argc, argv, &i));
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--seed") == 0)
        seed = (uint64_t) cli_number (a, cli_value (argc, argv, &i), 0, 1e15);
      else
        cli_die ("bench: unknown option '%s'", a);
    }

  skc_error      err;
  skc_photo_set *photos;
  if (cli_load_bench_photos (3, &photos, &err) != SKC_OK)
    cli_die ("%s", err.message);
  FILE *csv = fopen (csv_path, "w");
  if (!csv)
    cli_die ("%s: cannot write", csv_path);
  fprintf (csv, "kernel,method,config,image_psnr_db,kernel_snr_db,"
                "kernel_error,taps,macs,fit_seconds,evaluations\n");

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
  int        n = 0;
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
          if (quick && methods[m].method == SKC_METHOD_PST)
            continue;
          int nconfig = !methods[m].uses_config ? 1 : suite[k].gaussian ? 4
                                                                          : 2;
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
              if (quick)
                opts.steps = 300, opts.restarts = 2;
              skc_filter    *filter;
              skc_fit_report report;
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

  /* The targets, measured. */
  int    count;
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
