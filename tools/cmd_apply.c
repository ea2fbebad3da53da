/* skc command-line tool — `skc apply`: blur an image through the core's
 * one apply path, uniformly or from a blur map, with every parameter of
 * the parameter table that the engine implements.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "cli_image.h"

static const char *const quality_names[] = { "draft", "normal", "high" };

int
cli_cmd_apply (int argc, char **argv)
{
  const char *input = NULL, *output = NULL, *kernel = NULL, *map_path = NULL;
  int         verbose = 0, map_linear = 0;
  skc_params  params;
  skc_params_init (&params);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0)
        output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernel") == 0 || strcmp (a, "--shape") == 0)
        kernel = cli_value (argc, argv, &i);
      else if (strcmp (a, "--radius") == 0)
        params.radius = cli_number (a, cli_value (argc, argv, &i), 0, 1000);
      else if (strcmp (a, "--quality") == 0)
        {
          const char *q = cli_value (argc, argv, &i);
          int         found = 0;
          for (int k = 0; k < 3; k++)
            if (strcmp (q, quality_names[k]) == 0)
              params.quality = (skc_quality) k, found = 1;
          if (!found)
            cli_die ("--quality: unknown value '%s' (draft, normal, high)", q);
        }
      else if (strcmp (a, "--map") == 0)
        map_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--focus") == 0)
        params.focus = cli_number (a, cli_value (argc, argv, &i), 0, 1);
      else if (strcmp (a, "--invert-map") == 0)
        params.invert_map = 1;
      else if (strcmp (a, "--map-gamma") == 0)
        params.map_gamma = cli_number (a, cli_value (argc, argv, &i), 0.1, 10);
      else if (strcmp (a, "--map-linear") == 0)
        map_linear = 1;
      else if (strcmp (a, "--swirl") == 0)
        params.swirl = cli_number (a, cli_value (argc, argv, &i), 0, 1);
      else if (strcmp (a, "--cat-eye") == 0)
        params.cat_eye = cli_number (a, cli_value (argc, argv, &i), 0, 1);
      else if (strcmp (a, "--highlight-threshold") == 0)
        params.highlight_threshold = cli_number (a, cli_value (argc, argv, &i),
                                                 0, 1);
      else if (strcmp (a, "--highlight-gain") == 0)
        params.highlight_gain = cli_number (a, cli_value (argc, argv, &i), 1,
                                            100);
      else if (strcmp (a, "--no-clip") == 0)
        params.clip = 0;
      else if (strcmp (a, "--threads") == 0)
        params.threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--seed") == 0)
        params.seed = (uint64_t) cli_number (a, cli_value (argc, argv, &i), 0,
                                             1e15);
      else if (strcmp (a, "--verbose") == 0 || strcmp (a, "-v") == 0)
        verbose = 1;
      else if (a[0] == '-' && a[1])
        cli_die ("apply: unknown option '%s'", a);
      else if (!input)
        input = a;
      else
        cli_die ("apply: more than one input ('%s', '%s')", input, a);
    }
  if (!input || !output)
    cli_die ("apply: usage: skc apply IN -o OUT [--kernel K.skc|shape:...] "
             "[--radius R] [--map MAP] ...");
  if (!kernel)
    kernel = "shape:disc";

  skc_error  err;
  skc_image  image = { 0 }, map = { 0 }, weights = { 0 };
  skc_filter *filter = NULL;
  cli_pixels kind;
  if (cli_load_photo (input, &image, &kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  if (map_path)
    {
      if (cli_load_map (map_path, map_linear, &map, &err) != SKC_OK)
        cli_die ("%s", err.message);
      if (map.width != image.width || map.height != image.height)
        cli_die ("blur map %s is %dx%d but the image %s is %dx%d", map_path,
                 map.width, map.height, input, image.width, image.height);
    }

  /* --kernel: a fitted .skc, a shape spec, or a weight image. */
  struct stat st;
  const char *weights_path = strncmp (kernel, "file:", 5) == 0 ? kernel + 5
                             : stat (kernel, &st) == 0         ? kernel
                                                               : NULL;
  if (cli_has_suffix (kernel, ".skc"))
    {
      if (skc_filter_load (kernel, &filter, &err) != SKC_OK)
        cli_die ("%s", err.message);
      params.filter = filter;
    }
  else if (weights_path && strncmp (kernel, "shape:", 6) != 0)
    {
      if (cli_load_weights (weights_path, &weights, &err) != SKC_OK)
        cli_die ("%s", err.message);
      params.shape_image = &weights;
    }
  else if (skc_shape_parse (kernel, &params.shape, &err) != SKC_OK)
    cli_die ("%s", err.message);

  skc_engine *engine = NULL;
  if (skc_engine_new (&params, map_path != NULL, &engine, &err) != SKC_OK)
    cli_die ("%s", err.message);
  if (verbose)
    fprintf (stderr, "skc: %s\n", skc_engine_describe (engine));
  skc_image result = { 0 };
  if (skc_apply_image (engine, &image, kind == CLI_PIXELS_LINEAR_PREMUL ? 3
                                                                        : -1,
                       map_path ? &map : NULL, &result, &err)
      != SKC_OK)
    cli_die ("apply: %s", err.message);
  if (cli_save_photo (output, &result, kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  printf ("wrote %s (%dx%d)\n", output, image.width, image.height);
  skc_engine_free (engine);
  skc_image_free (&image);
  skc_image_free (&map);
  skc_image_free (&weights);
  skc_image_free (&result);
  skc_filter_free (filter);
  return 0;
}
