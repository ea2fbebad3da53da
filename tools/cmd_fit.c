/* skc command-line tool — `skc fit` and `skc render`.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "skc/knots.h"

static const char *const init_names[]
    = { "auto", "radial", "sparse", "random" };

static int
pick (const char *option, const char *value, const char *const *names,
      int count)
{
  for (int i = 0; i < count; i++)
    if (strcmp (value, names[i]) == 0)
      return i;
  cli_die ("%s: unknown value '%s'", option, value);
}

int
cli_cmd_fit (int argc, char **argv)
{
  /* In skc_method's order. */
  static const char *const methods[] = { "disk", "pst", "lowrank", "knots" };
  static const char *const offsets[] = { "bilinear", "integer" };
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  const char *target = NULL, *output = NULL;
  double radius = 0;
  int size = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0)
        output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--layers") == 0)
        opts.layers
            = cli_integer (a, cli_value (argc, argv, &i), 1, SKC_MAX_LAYERS);
      else if (strcmp (a, "--samples") == 0)
        opts.samples
            = cli_integer (a, cli_value (argc, argv, &i), 1, SKC_MAX_SAMPLES);
      else if (strcmp (a, "--offsets") == 0)
        opts.offsets = (skc_offset_kind) pick (a, cli_value (argc, argv, &i),
                                               offsets, 2);
      else if (strcmp (a, "--method") == 0)
        opts.method
            = (skc_method) pick (a, cli_value (argc, argv, &i), methods, 4);
      else if (strcmp (a, "--budget") == 0)
        opts.knots_budget
            = cli_integer (a, cli_value (argc, argv, &i), 2, 100000000);
      else if (strcmp (a, "--rank") == 0)
        opts.rank
            = cli_integer (a, cli_value (argc, argv, &i), 1, SKC_MAX_RANK);
      else if (strcmp (a, "--init") == 0)
        opts.init
            = (skc_init) pick (a, cli_value (argc, argv, &i), init_names, 4);
      else if (strcmp (a, "--steps") == 0)
        opts.steps = cli_integer (a, cli_value (argc, argv, &i), 1, 1000000);
      else if (strcmp (a, "--preview") == 0)
        opts.preview = 1;
      else if (strcmp (a, "--seed") == 0)
        opts.seed = (uint64_t) cli_number (a, cli_value (argc, argv, &i), 0,
                                           9007199254740992.0);
      else if (strcmp (a, "--size") == 0)
        {
          size = cli_integer (a, cli_value (argc, argv, &i), 1, 513);
          if (size % 2 == 0)
            cli_die ("--size must be odd (got %d)", size);
        }
      else if (strcmp (a, "--radius") == 0)
        radius = cli_number (a, cli_value (argc, argv, &i), 0.5, 256);
      else if (strcmp (a, "--threads") == 0)
        opts.threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else
        cli_positional ("fit", "target", a, &target);
    }
  if (!target)
    cli_die ("fit: no TARGET given (a shape spec or an image file)");
  if (!output)
    cli_die ("fit: no output given (-o OUT.skc)");
  int knots = opts.method == SKC_METHOD_KNOTS;
  if (opts.knots_budget && !knots)
    cli_die ("fit: --budget is for --method knots");

  /* Shapes default to the benchmark protocol's geometry: a 49 px kernel
     with radius 22.5 px (anti-aliased rims inside the window). */
  if (radius == 0 && size == 0 && strncmp (target, "shape:", 6) == 0)
    size = 49;
  if (radius == 0 && size > 0)
    radius = size / 2 - 1.5 > 0.5 ? size / 2 - 1.5 : 0.5;

  skc_error err;
  skc_image kernel = { 0 };
  skc_filter_info info;
  if (cli_make_target (target, radius, size, &kernel, &info, &err) != SKC_OK)
    cli_die ("%s", err.message);

  skc_filter *filter;
  skc_fit_report report = { 0 };
  if (skc_fit (&kernel, &opts, &filter, &report, &err) != SKC_OK)
    cli_die ("fit: %s", err.message);
  skc_filter_set_info (filter, &info);

  skc_image effective = { 0 };
  if (skc_filter_render (filter, &effective) != SKC_OK)
    cli_die ("render: out of memory");
  double kernel_error = skc_kernel_error (&effective, &kernel);
  skc_photo_set *photos = NULL;
  double psnr = NAN;
  if (cli_load_bench_photos (1, &photos, &err) == SKC_OK)
    psnr = skc_photo_set_psnr (photos, &effective, &kernel);
  else
    fprintf (stderr, "skc: %s (image PSNR not measured)\n", err.message);

  if (skc_filter_save (filter, output, &err) != SKC_OK)
    cli_die ("%s", err.message);

  const char *method = methods[opts.method];
  if (knots)
    {
      /* Within the budget, unless the budget bought the exact kernel. */
      skc_knots_axis axis = skc_filter_knots_axis (filter);
      long exact = 0;
      int within_budget
          = opts.knots_budget && skc_filter_macs (filter) <= opts.knots_budget
            && skc_knots_exact_count (&kernel, axis, &exact, NULL) == SKC_OK
            && skc_filter_macs (filter) < 1 + exact;
      printf ("fitted %s (%dx%d, radius %g) with knots along %s, %s: %d "
              "knots, %ld MACs\n",
              info.spec, kernel.width, kernel.height, info.radius,
              axis == SKC_KNOTS_ROWS ? "rows" : "columns",
              within_budget ? "budget" : "exact",
              skc_filter_knot_count (filter), skc_filter_macs (filter));
    }
  else if (opts.method == SKC_METHOD_LOWRANK)
    printf ("fitted %s (%dx%d) with lowrank rank %d: %d taps, %ld MACs\n",
            info.spec, kernel.width, kernel.height, opts.rank,
            skc_filter_taps (filter), skc_filter_macs (filter));
  else
    printf ("fitted %s (%dx%d, radius %g) with %s, %s %dx%d: %d taps, "
            "%ld MACs\n",
            info.spec, kernel.width, kernel.height, info.radius, method,
            offsets[opts.offsets], opts.layers, opts.samples,
            skc_filter_taps (filter), skc_filter_macs (filter));
  printf ("image PSNR %.2f dB (bundled photo astronaut-384), kernel SNR "
          "%.2f dB (kernel error %.4f)\n",
          psnr, skc_kernel_snr_db (kernel_error), kernel_error);
  printf ("fit time %.3f s, %ld loss evaluations", report.seconds,
          report.evaluations);
  if (opts.method == SKC_METHOD_DISK)
    printf (", init %s", init_names[report.init_used]);
  printf ("\nwrote %s\n", output);

  skc_photo_set_free (photos);
  skc_image_free (&effective);
  skc_image_free (&kernel);
  skc_filter_free (filter);
  return 0;
}

int
cli_cmd_render (int argc, char **argv)
{
  const char *input = NULL, *output = NULL;
  for (int i = 1; i < argc; i++)
    {
      if (strcmp (argv[i], "-o") == 0 || strcmp (argv[i], "--output") == 0)
        output = cli_value (argc, argv, &i);
      else if (argv[i][0] == '-' && argv[i][1])
        cli_die ("render: unknown option '%s'", argv[i]);
      else if (!input)
        input = argv[i];
      else
        cli_die ("render: more than one input");
    }
  if (!input || !output)
    cli_die ("render: usage: skc render IN.skc -o KERNEL.pfm");
  skc_error err;
  skc_filter *filter;
  if (skc_filter_load (input, &filter, &err) != SKC_OK)
    cli_die ("%s", err.message);
  skc_image kernel = { 0 };
  if (skc_filter_render (filter, &kernel) != SKC_OK)
    cli_die ("render: out of memory");
  if (skc_pfm_write (output, &kernel, &err) != SKC_OK)
    cli_die ("%s", err.message);
  printf ("wrote %s (%dx%d effective kernel)\n", output, kernel.width,
          kernel.height);
  skc_image_free (&kernel);
  skc_filter_free (filter);
  return 0;
}
