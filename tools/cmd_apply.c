/* skc command-line tool — `skc apply`: blur an image through the core's
 * one apply path, uniformly or from a blur map, with every parameter of
 * the parameter table that the engine implements.  --preset loads every
 * parameter and the fitted filters from a preset (explicit options win);
 * --save-preset writes the run's parameters and fits as one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "files.h"

/* A row of the parameter table as an option: `--NAME VALUE` for numbers
 * and quality levels, `--NAME` and `--no-NAME` for booleans.  The shape
 * and its keys come whole from --kernel.  Returns the row, or NULL when
 * `option` is not one. */
static const skc_param_info *
table_option (const char *option, int *negated)
{
  const skc_param_info *row;

  if (strncmp (option, "--", 2) != 0)
    return NULL;
  option += 2;
  *negated = strncmp (option, "no-", 3) == 0;
  row = skc_param_find (*negated ? option + 3 : option);
  if (!row || row->group == SKC_PARAM_GROUP_SHAPE
      || (*negated && row->type != SKC_PARAM_TYPE_BOOL))
    return NULL;
  return row;
}

/* Reads the option at argv[*i] into p. */
static void
read_table_option (const skc_param_info *row, int negated, int argc,
                   char **argv, int *i, skc_params *p)
{
  const char *option = argv[*i];
  skc_error err;
  double value = 1;
  int choice;

  switch (row->type)
    {
    case SKC_PARAM_TYPE_BOOL:
      value = !negated;
      break;
    case SKC_PARAM_TYPE_QUALITY:
    case SKC_PARAM_TYPE_DEPTH:
      if (skc_param_choice_parse (row, cli_value (argc, argv, i), &choice, &err)
          != SKC_OK)
        cli_die ("--%s: %s", row->name, err.message);
      value = choice;
      break;
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_SEED:
      value
          = cli_number (option, cli_value (argc, argv, i), row->min, row->max);
      if (value != floor (value))
        cli_die ("%s needs a whole number", option);
      break;
    case SKC_PARAM_TYPE_NUMBER:
      value
          = cli_number (option, cli_value (argc, argv, i), row->min, row->max);
      break;
    case SKC_PARAM_TYPE_SHAPE:
      break;
    }
  if (skc_param_set (p, row, value, &err) != SKC_OK)
    cli_die ("--%s: %s", row->name, err.message);
}

void
cli_apply_options_help (FILE *out)
{
  const skc_param_info *table = skc_param_table ();

  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    {
      const skc_param_info *row = &table[i];
      char option[64], range[96];

      if (row->group == SKC_PARAM_GROUP_SHAPE)
        continue;
      switch (row->type)
        {
        case SKC_PARAM_TYPE_BOOL:
          snprintf (option, sizeof option, "--%s%s",
                    row->default_value ? "no-" : "", row->name);
          snprintf (range, sizeof range, "%s",
                    row->default_value ? "on by default; this turns it off"
                                       : "off by default");
          break;
        case SKC_PARAM_TYPE_QUALITY:
        case SKC_PARAM_TYPE_DEPTH:
          snprintf (option, sizeof option, "--%s NAME", row->name);
          snprintf (range, sizeof range, "%s; default %s",
                    skc_param_choice_names (row),
                    skc_param_choice_name (row, (int) row->default_value));
          break;
        default:
          snprintf (option, sizeof option, "--%s N", row->name);
          snprintf (range, sizeof range, "%g..%g%s%s; default %g", row->min,
                    row->max, row->unit[0] ? " " : "", row->unit,
                    row->default_value);
          break;
        }
      fprintf (out, "      %-26s %s (%s)\n", option, row->help, range);
    }
}

/* A saved preset is named after its file: "dir/soft glow.skcpreset" is
   "soft glow". */
static void
name_from_path (const char *path, char *name, size_t size)
{
  const char *base = strrchr (path, '/');
  const char *dot;
  size_t length;

  base = base ? base + 1 : path;
  dot = strrchr (base, '.');
  length = dot && dot > base ? (size_t) (dot - base) : strlen (base);
  if (length >= size)
    length = size - 1;
  memcpy (name, base, length);
  name[length] = '\0';
}

int
cli_cmd_apply (int argc, char **argv)
{
  const char *input = NULL, *output = NULL, *kernel = NULL, *map_path = NULL;
  const char *preset_path = NULL, *save_path = NULL, *subject = NULL;
  int verbose = 0, negated = 0;
  int at_x = -1, at_y = -1; /* --kernel-at: the pixel, or none */
  unsigned given = 0;       /* SKC_PRESET_* bits of the options given */
  skc_params params;
  skc_run run = { 0 }; /* every core unless --threads */
  skc_params_init (&params);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const skc_param_info *row = table_option (a, &negated);
      if (row)
        {
          read_table_option (row, negated, argc, argv, &i, &params);
          given |= SKC_PARAM_BIT (row->id);
        }
      else if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0)
        output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--preset") == 0)
        preset_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--save-preset") == 0)
        save_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernel") == 0 || strcmp (a, "--shape") == 0)
        {
          kernel = cli_value (argc, argv, &i);
          given |= SKC_PRESET_WHOLE_SHAPE;
        }
      else if (strcmp (a, "--map") == 0)
        map_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--subject") == 0)
        subject = cli_value (argc, argv, &i);
      else if (strcmp (a, "--threads") == 0)
        run.threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--verbose") == 0 || strcmp (a, "-v") == 0)
        verbose = 1;
      else if (strcmp (a, "--kernel-at") == 0)
        {
          const char *xy = cli_value (argc, argv, &i);
          char end;
          if (sscanf (xy, "%d,%d%c", &at_x, &at_y, &end) != 2 || at_x < 0
              || at_y < 0)
            cli_die ("--kernel-at needs a pixel X,Y (whole numbers from 0), "
                     "not '%s'",
                     xy);
        }
      else
        cli_positional ("apply", "input", a, &input);
    }
  if (!input || !output)
    cli_die ("apply: usage: skc apply IN -o OUT [--preset P] "
             "[--kernel K.skc|shape:...] [--radius R] [--map MAP | --subject "
             "MASK] ... [--save-preset P]");
  /* --subject MASK: the mask is the map, read as the subject's coverage. */
  if (subject && map_path)
    cli_die ("--subject and --map both give the map: use one");
  if (subject && (given & SKC_PARAM_BIT (SKC_PARAM_DEPTH))
      && params.depth != SKC_DEPTH_SUBJECT)
    cli_die ("--subject reads the mask as a subject: it takes no --depth %s",
             skc_param_choice_name (skc_param_find ("depth"), params.depth));
  if (subject)
    {
      params.depth = SKC_DEPTH_SUBJECT;
      given |= SKC_PARAM_BIT (SKC_PARAM_DEPTH);
    }

  skc_error err;
  skc_image image = { 0 }, map = { 0 };
  SkcGeglShapeFile shape_file = { 0 };
  skc_preset *preset = NULL;
  SkcGeglPhotoFormat kind;
  /* The preset first: what it says fills whatever no option gave, and its
     fits go to the cache before the engine asks for them. */
  if (preset_path)
    {
      if (skc_preset_use (preset_path, given, &params, &preset, &err) != SKC_OK)
        cli_die ("%s", err.message);
      if (verbose)
        fprintf (stderr, "skc: preset '%s' (%d fitted filters)\n",
                 skc_preset_get_name (preset),
                 skc_preset_filter_count (preset));
    }
  else if (!kernel)
    kernel = "shape:disc";
  if (params.depth == SKC_DEPTH_SUBJECT && !subject && !map_path)
    cli_die ("--depth subject needs the subject's mask: --subject MASK");
  if (skc_gegl_load_photo (input, &image, &kind, &err) != SKC_OK)
    cli_die ("%s", err.message);
  /* A subject's mask is its alpha if it has one, else its grey (as a
     kernel image's weights); a blur map is its luminance. */
  const char *what = subject ? "subject mask" : "blur map";
  if (subject
      && skc_gegl_load_weights (subject, SKC_GEGL_WANT_IMAGE, &map, &err)
             != SKC_OK)
    cli_die ("%s", err.message);
  else if (map_path
           && skc_gegl_load_map (map_path, params.map_linear, &map, &err)
                  != SKC_OK)
    cli_die ("%s", err.message);
  if (subject)
    map_path = subject;
  if (map_path)
    {
      if (map.width != image.width || map.height != image.height)
        cli_die ("%s %s is %dx%d but the image %s is %dx%d", what, map_path,
                 map.width, map.height, input, image.width, image.height);
      /* A depth map orders what hides what, a subject's mask says how much
         is subject: a NaN there has no place (a blur amount counts it as
         0, as the core does). */
      for (int y = 0; params.depth != SKC_DEPTH_NONE && y < map.height; y++)
        for (int x = 0; x < map.width; x++)
          if (!isfinite (*skc_image_pixel (&map, x, y)))
            cli_die ("%s %s: pixel (%d, %d) is not a number",
                     subject ? what : "depth map", map_path, x, y);
    }

  /* --kernel: a fitted .skc or a weight image (a file), or a shape spec;
     without it, the preset's shape. */
  struct stat st;
  const char *file = !kernel                              ? NULL
                     : cli_has_suffix (kernel, ".skc")    ? kernel
                     : strncmp (kernel, "shape:", 6) == 0 ? NULL
                     : strncmp (kernel, "file:", 5) == 0  ? kernel + 5
                     : stat (kernel, &st) == 0            ? kernel
                                                          : NULL;
  if (file)
    {
      if (skc_gegl_shape_file_load (file, SKC_GEGL_WANT_IMAGE, &shape_file,
                                    &err)
          != SKC_OK)
        cli_die ("%s", err.message);
      skc_gegl_shape_file_use (&shape_file, &params);
    }
  else if (kernel && skc_shape_parse (kernel, &params.shape, &err) != SKC_OK)
    cli_die ("%s", err.message);
  else if (kernel)
    params.shape_image = NULL;

  skc_engine *engine = NULL;
  if (save_path)
    {
      /* The engine is built while the preset watches which fits it uses. */
      skc_preset *saved = skc_preset_new ();
      char name[SKC_PRESET_NAME_MAX + 1];
      if (!saved)
        cli_die ("out of memory");
      /* A preset saved from a preset keeps its name. */
      if (preset && skc_preset_get_name (preset)[0])
        snprintf (name, sizeof name, "%s", skc_preset_get_name (preset));
      else
        name_from_path (save_path, name, sizeof name);
      if (skc_preset_set_params (saved, &params, &err) != SKC_OK
          || skc_preset_set_name (saved, name, &err) != SKC_OK)
        cli_die ("--save-preset: %s", err.message);
      if (skc_preset_capture (saved, &params, map_path != NULL, &run, &engine,
                              &err)
          != SKC_OK)
        cli_die ("%s", err.message);
      if (skc_preset_save (saved, save_path, &err) != SKC_OK)
        cli_die ("%s", err.message);
      if (verbose)
        fprintf (stderr, "skc: saved preset '%s' with %d fitted filters\n",
                 name, skc_preset_filter_count (saved));
      skc_preset_free (saved);
    }
  else if (skc_engine_new (&params, map_path != NULL, &run, &engine, &err)
           != SKC_OK)
    cli_die ("%s", err.message);
  if (verbose)
    fprintf (stderr, "skc: %s\n", skc_engine_describe (engine));
  skc_image result = { 0 };
  if (at_x >= 0)
    {
      /* What this pixel of this image gets: the effective impulse
         response there, the map's value at the pixel included. */
      if (at_x >= image.width || at_y >= image.height)
        cli_die ("--kernel-at %d,%d is outside the %dx%d image", at_x, at_y,
                 image.width, image.height);
      double value = map_path ? *skc_image_pixel (&map, at_x, at_y) : 0;
      if (skc_engine_kernel_at (engine, image.width, image.height, at_x, at_y,
                                value, &result, &err)
              != SKC_OK
          || skc_pfm_write (output, &result, &err) != SKC_OK)
        cli_die ("%s", err.message);
      double light = 0;
      for (size_t i = 0; i < (size_t) result.width * result.height; i++)
        light += result.data[i];
      printf ("wrote %s (%dx%d effective kernel at %d,%d; light %.4f)\n",
              output, result.width, result.height, at_x, at_y, light);
    }
  else
    {
      if (skc_apply_image (engine, &image,
                           kind.kind == SKC_GEGL_PIXELS_LINEAR_PREMUL ? 3 : -1,
                           map_path ? &map : NULL, &run, &result, &err)
          != SKC_OK)
        cli_die ("apply: %s", err.message);
      if (skc_gegl_save_photo (output, &result, &kind, &err) != SKC_OK)
        cli_die ("%s", err.message);
      printf ("wrote %s (%dx%d)\n", output, image.width, image.height);
    }
  skc_engine_free (engine);
  skc_image_free (&image);
  skc_image_free (&map);
  skc_image_free (&result);
  skc_gegl_shape_file_clear (&shape_file);
  skc_preset_free (preset);
  return 0;
}
