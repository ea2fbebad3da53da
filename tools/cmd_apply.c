/* skc command-line tool — `skc apply`: blur an image through the core's
 * one apply path, uniformly or from a blur map, with every parameter of
 * the parameter table that the engine implements.  --preset loads every
 * parameter and the fitted filters from a preset (explicit options win);
 * --save-preset writes the run's parameters and fits as one.  Several
 * inputs or a folder go to apply_batch.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "bench_apply.h"

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

skc_result
cli_apply_prepare (const cli_apply_options *o, const float *map_values,
                   int count, cli_apply_setup *s, skc_error *err)
{
  skc_result r;
  const char *kernel = o->kernel;
  memset (s, 0, sizeof *s);
  s->params = o->params;
  /* The preset first: what it says fills whatever no option gave, and its
     fits go to the cache before the engine asks for them. */
  if (o->preset_path)
    {
      r = skc_preset_use (o->preset_path, o->given, &s->params, &s->preset,
                          err);
      if (r != SKC_OK)
        return r;
      if (o->verbose)
        fprintf (stderr, "skc: preset '%s' (%d fitted filters)\n",
                 skc_preset_get_name (s->preset),
                 skc_preset_filter_count (s->preset));
    }
  else if (!kernel)
    kernel = "shape:disc";

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
      r = skc_gegl_shape_file_load (file, SKC_GEGL_WANT_IMAGE, &s->shape_file,
                                    err);
      if (r != SKC_OK)
        return r;
      skc_gegl_shape_file_use (&s->shape_file, &s->params);
    }
  else if (kernel)
    {
      r = skc_shape_parse (kernel, &s->params.shape, err);
      if (r != SKC_OK)
        return r;
      s->params.shape_image = NULL;
    }

  int with_map = o->map_path != NULL;
  if (o->save_path)
    {
      /* The engine is built while the preset watches which fits it uses. */
      skc_preset *saved = skc_preset_new ();
      char name[SKC_PRESET_NAME_MAX + 1];
      skc_error why;
      if (!saved)
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      /* A preset saved from a preset keeps its name. */
      if (s->preset && skc_preset_get_name (s->preset)[0])
        snprintf (name, sizeof name, "%s", skc_preset_get_name (s->preset));
      else
        name_from_path (o->save_path, name, sizeof name);
      r = skc_preset_set_params (saved, &s->params, &why);
      if (r == SKC_OK)
        r = skc_preset_set_name (saved, name, &why);
      if (r != SKC_OK)
        skc_fail (err, r, "--save-preset: %s", why.message);
      if (r == SKC_OK)
        r = skc_preset_capture (saved, &s->params, with_map, &o->run,
                                &s->engine, err);
      if (r == SKC_OK)
        r = skc_preset_save (saved, o->save_path, err);
      if (r == SKC_OK && o->verbose)
        fprintf (stderr, "skc: saved preset '%s' with %d fitted filters\n",
                 name, skc_preset_filter_count (saved));
      skc_preset_free (saved);
      if (r != SKC_OK)
        return r;
    }
  else
    {
      r = with_map ? skc_engine_new_for_map (&s->params, map_values, count,
                                             &o->run, &s->engine, err)
                   : skc_engine_new (&s->params, 0, &o->run, &s->engine, err);
      if (r != SKC_OK)
        return r;
    }
  if (o->verbose)
    fprintf (stderr, "skc: %s\n", skc_engine_describe (s->engine));
  return SKC_OK;
}

void
cli_apply_setup_clear (cli_apply_setup *s)
{
  skc_engine_free (s->engine);
  skc_gegl_shape_file_clear (&s->shape_file);
  skc_preset_free (s->preset);
  memset (s, 0, sizeof *s);
}

skc_result
cli_apply_read (const char *input, cli_photo *photo, skc_error *err)
{
  double t0 = bench_now_seconds ();
  memset (photo, 0, sizeof *photo);
  skc_result r = skc_gegl_load_photo (input, &photo->image, &photo->kind, err);
  photo->read_seconds = bench_now_seconds () - t0;
  return r;
}

skc_result
cli_apply_write (const cli_apply_options *o, const cli_apply_setup *s,
                 const char *input, const cli_photo *photo,
                 const skc_image *map, const char *output, skc_error *err)
{
  const skc_image *image = &photo->image;
  skc_image result = { 0 };
  skc_error why;
  double t0 = bench_now_seconds ();
  skc_result r = skc_apply_image (
      s->engine, image,
      photo->kind.kind == SKC_GEGL_PIXELS_LINEAR_PREMUL ? 3 : -1, map, &o->run,
      &result, &why);
  if (r != SKC_OK)
    return skc_fail (err, r, "apply: %s", why.message);
  double t1 = bench_now_seconds ();
  r = skc_gegl_save_photo (output, &result, &photo->kind, o->bit_depth, err);
  if (r == SKC_OK && o->verbose)
    fprintf (stderr, "skc: %s: read %.2f s, blur %.2f s, write %.2f s\n", input,
             photo->read_seconds, t1 - t0, bench_now_seconds () - t1);
  skc_image_free (&result);
  return r;
}

int
cli_same_file (const char *a, const char *b)
{
  struct stat sa, sb;
  return stat (a, &sa) == 0 && stat (b, &sb) == 0 && sa.st_dev == sb.st_dev
         && sa.st_ino == sb.st_ino;
}

/* Loads --map (or --subject's mask) for `input`'s image: of its size; a
   depth map or a mask may hold no NaN.  *code_count: how many values a
   blur map's file can hold when few, those into codes (else 0). */
static void
load_map (const cli_apply_options *o, const char *input, const skc_image *image,
          skc_image *map, float codes[256], int *code_count)
{
  *code_count = 0;
  skc_error err;
  /* A subject's mask is its alpha if it has one, else its grey (as a
     kernel image's weights); a blur map is its luminance. */
  const char *what = o->subject ? "subject mask" : "blur map";
  skc_result r
      = o->subject
            ? skc_gegl_load_weights (o->subject, SKC_GEGL_WANT_IMAGE, map, &err)
            : skc_gegl_load_map (o->map_path, o->params.map_linear, map, codes,
                                 code_count, &err);
  if (r != SKC_OK)
    cli_die ("%s", err.message);
  if (map->width != image->width || map->height != image->height)
    cli_die ("%s %s is %dx%d but the image %s is %dx%d", what, o->map_path,
             map->width, map->height, input, image->width, image->height);
  /* A depth map orders what hides what, a subject's mask says how much is
     subject: a NaN there has no place (a blur amount counts it as 0, as
     the core does). */
  for (int y = 0; o->params.depth != SKC_DEPTH_NONE && y < map->height; y++)
    for (int x = 0; x < map->width; x++)
      if (!isfinite (*skc_image_pixel (map, x, y)))
        cli_die ("%s %s: pixel (%d, %d) is not a number",
                 o->subject ? what : "depth map", o->map_path, x, y);
}

/* --kernel-at: what pixel (at_x, at_y) of the input gets, the effective
   impulse response there with the map's value at the pixel, as a PFM. */
static void
write_kernel_at (const cli_apply_options *o, const cli_apply_setup *s,
                 const skc_image *image, const skc_image *map)
{
  skc_error err;
  skc_image kernel = { 0 };
  if (o->at_x >= image->width || o->at_y >= image->height)
    cli_die ("--kernel-at %d,%d is outside the %dx%d image", o->at_x, o->at_y,
             image->width, image->height);
  double value = map ? *skc_image_pixel (map, o->at_x, o->at_y) : 0;
  if (skc_engine_kernel_at (s->engine, image->width, image->height, o->at_x,
                            o->at_y, value, &kernel, &err)
          != SKC_OK
      || skc_pfm_write (o->output, &kernel, &err) != SKC_OK)
    cli_die ("%s", err.message);
  double light = 0;
  for (size_t i = 0; i < (size_t) kernel.width * kernel.height; i++)
    light += kernel.data[i];
  printf ("wrote %s (%dx%d effective kernel at %d,%d; light %.4f)\n", o->output,
          kernel.width, kernel.height, o->at_x, o->at_y, light);
  skc_image_free (&kernel);
}

int
cli_cmd_apply (int argc, char **argv)
{
  cli_apply_options o = { .at_x = -1, .at_y = -1, .progress = -1 };
  int negated = 0;
  const char **inputs = calloc ((size_t) argc, sizeof *inputs);
  if (!inputs)
    cli_die ("out of memory");
  skc_params_init (&o.params);
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      const skc_param_info *row = table_option (a, &negated);
      if (row)
        {
          read_table_option (row, negated, argc, argv, &i, &o.params);
          o.given |= SKC_PARAM_BIT (row->id);
        }
      else if (strcmp (a, "-o") == 0 || strcmp (a, "--output") == 0)
        o.output = cli_value (argc, argv, &i);
      else if (strcmp (a, "--preset") == 0)
        o.preset_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--save-preset") == 0)
        o.save_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--kernel") == 0 || strcmp (a, "--shape") == 0)
        {
          o.kernel = cli_value (argc, argv, &i);
          o.given |= SKC_PRESET_WHOLE_SHAPE;
        }
      else if (strcmp (a, "--map") == 0)
        o.map_path = cli_value (argc, argv, &i);
      else if (strcmp (a, "--subject") == 0)
        o.subject = cli_value (argc, argv, &i);
      else if (strcmp (a, "--threads") == 0)
        o.run.threads = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--jobs") == 0)
        o.jobs = cli_integer (a, cli_value (argc, argv, &i), 0, 256);
      else if (strcmp (a, "--bit-depth") == 0)
        {
          const char *depth = cli_value (argc, argv, &i);
          o.bit_depth = strcmp (depth, "8") == 0    ? 8
                        : strcmp (depth, "16") == 0 ? 16
                        : strcmp (depth, "32") == 0 ? 32
                                                    : -1;
          if (o.bit_depth < 0)
            cli_die ("--bit-depth must be 8, 16 or 32 (float), not '%s'",
                     depth);
        }
      else if (strcmp (a, "--progress") == 0)
        o.progress = 1;
      else if (strcmp (a, "--no-progress") == 0)
        o.progress = 0;
      else if (strcmp (a, "--verbose") == 0 || strcmp (a, "-v") == 0)
        o.verbose = 1;
      else if (strcmp (a, "--kernel-at") == 0)
        {
          const char *xy = cli_value (argc, argv, &i);
          char end;
          if (sscanf (xy, "%d,%d%c", &o.at_x, &o.at_y, &end) != 2 || o.at_x < 0
              || o.at_y < 0)
            cli_die ("--kernel-at needs a pixel X,Y (whole numbers from 0), "
                     "not '%s'",
                     xy);
        }
      else if (a[0] == '-' && a[1])
        cli_die ("apply: unknown option '%s'", a);
      else
        inputs[o.n_inputs++] = a;
    }
  o.inputs = inputs;
  if (!o.n_inputs || !o.output)
    cli_die ("apply: usage: skc apply IN... -o OUT [--preset P] "
             "[--kernel K.skc|shape:...] [--radius R] [--map MAP | "
             "--subject MASK] [--bit-depth 8|16|32] ... [--save-preset P]");
  /* --subject MASK: the mask is the map, read as the subject's coverage. */
  if (o.subject && o.map_path)
    cli_die ("--subject and --map both give the map: use one");
  if (o.subject && (o.given & SKC_PARAM_BIT (SKC_PARAM_DEPTH))
      && o.params.depth != SKC_DEPTH_SUBJECT)
    cli_die ("--subject reads the mask as a subject: it takes no --depth %s",
             skc_param_choice_name (skc_param_find ("depth"), o.params.depth));
  if (o.subject)
    {
      o.params.depth = SKC_DEPTH_SUBJECT;
      o.given |= SKC_PARAM_BIT (SKC_PARAM_DEPTH);
      o.map_path = o.subject;
    }
  if (o.params.depth == SKC_DEPTH_SUBJECT && !o.map_path)
    cli_die ("--depth subject needs the subject's mask: --subject MASK");
  struct stat st;
  if (o.n_inputs > 1 || (stat (o.inputs[0], &st) == 0 && S_ISDIR (st.st_mode))
      || (stat (o.output, &st) == 0 && S_ISDIR (st.st_mode)))
    {
      int status = cli_apply_batch (&o);
      free (inputs);
      return status;
    }

  /* One file: refused before anything is read or written when the output
     is the input or a format skc cannot write at the depth asked. */
  const char *input = o.inputs[0];
  skc_error err;
  if (cli_same_file (input, o.output))
    cli_die ("%s: the output is the input file; skc never overwrites its "
             "input (choose another -o)",
             o.output);
  if (o.at_x < 0
      && skc_gegl_output_check (o.output, o.bit_depth, &err) != SKC_OK)
    cli_die ("%s", err.message);
  skc_image map = { 0 };
  cli_photo photo;
  cli_apply_setup setup;
  if (cli_apply_read (input, &photo, &err) != SKC_OK)
    cli_die ("%s", err.message);
  float codes[256];
  int code_count = 0;
  if (o.map_path)
    load_map (&o, input, &photo.image, &map, codes, &code_count);
  if (cli_apply_prepare (&o, codes, code_count, &setup, &err) != SKC_OK)
    cli_die ("%s", err.message);
  if (o.at_x >= 0)
    write_kernel_at (&o, &setup, &photo.image, o.map_path ? &map : NULL);
  else if (cli_apply_write (&o, &setup, input, &photo, o.map_path ? &map : NULL,
                            o.output, &err)
           != SKC_OK)
    cli_die ("%s", err.message);
  else
    printf ("wrote %s (%dx%d)\n", o.output, photo.image.width,
            photo.image.height);
  cli_apply_setup_clear (&setup);
  skc_image_free (&photo.image);
  skc_image_free (&map);
  free (inputs);
  return 0;
}
