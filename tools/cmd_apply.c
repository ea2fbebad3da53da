/* skc command-line tool — `skc apply`: blur an image with a fitted filter
 * or a shape (fitted on the spot), clamped edges.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cli_image.h"

/* A filter for --kernel: a .skc file as it is, or a shape / image target
 * fitted with the default options. */
static skc_filter *
kernel_filter (const char *kernel, double radius, int threads, int verbose)
{
  skc_error   err;
  skc_filter *filter = NULL;
  if (cli_has_suffix (kernel, ".skc"))
    {
      if (skc_filter_load (kernel, &filter, &err) != SKC_OK)
        cli_die ("%s", err.message);
      if (verbose)
        fprintf (stderr, "skc: loaded %s: %d taps, %ld MACs per pixel\n",
                 kernel, skc_filter_taps (filter), skc_filter_macs (filter));
      return filter;
    }
  skc_image       target = { 0 };
  skc_filter_info info;
  int size = strncmp (kernel, "shape:", 6) == 0 ? 0 : 2 * (int) radius + 1;
  if (cli_make_target (kernel, radius, size, &target, &info, &err) != SKC_OK)
    cli_die ("%s", err.message);
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.threads = threads;
  skc_fit_report report;
  if (skc_fit (&target, &opts, &filter, &report, &err) != SKC_OK)
    cli_die ("fit: %s", err.message);
  skc_filter_set_info (filter, &info);
  if (verbose)
    fprintf (stderr,
             "skc: fitted %s at radius %g (%dx%d) in %.2f s: complex 4x24, "
             "%d taps, %ld MACs per pixel\n",
             info.spec, radius, target.width, target.height, report.seconds,
             skc_filter_taps (filter), skc_filter_macs (filter));
  skc_image_free (&target);
  return filter;
}

int
cli_cmd_apply (int argc, char **argv)
{
  const char *input = NULL, *output = NULL, *kernel = NULL;
  double      radius = 20;
  int         threads = 0, verbose = 0;
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0)
        output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernel") == 0)
        kernel = cli_value (argc, argv, &i);
      else if (strcmp (a, "--radius") == 0)
        radius = cli_number (a, cli_value (argc, argv, &i), 0.5, 256);
      else if (strcmp (a, "--threads") == 0)
        threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--verbose") == 0 || strcmp (a, "-v") == 0)
        verbose = 1;
      else if (a[0] == '-' && a[1])
        cli_die ("apply: unknown option '%s'", a);
      else if (!input)
        input = a;
      else
        cli_die ("apply: more than one input ('%s', '%s')", input, a);
    }
  if (!input || !output || !kernel)
    cli_die ("apply: usage: skc apply IN -o OUT --kernel K.skc|shape:...");

  skc_error  err;
  skc_image  image = { 0 };
  cli_pixels kind;
  if (cli_load_photo (input, &image, &kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  skc_filter *filter = kernel_filter (kernel, radius, threads, verbose);
  skc_image   result = { 0 };
  skc_result  r = skc_filter_apply (filter, &image, &result, threads);
  if (r != SKC_OK)
    cli_die ("apply: %s", skc_strerror (r));
  if (cli_save_photo (output, &result, kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  printf ("wrote %s (%dx%d)\n", output, image.width, image.height);
  skc_image_free (&image);
  skc_image_free (&result);
  skc_filter_free (filter);
  return 0;
}
