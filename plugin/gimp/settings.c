/* skc — the plug-in's settings and procedure arguments (see settings.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "settings.h"

#include <stddef.h>
#include <string.h>

#define SHAPE_BLURB                                                            \
  "Bokeh shape: shape:NAME[:key=value,...] (NAME one of the table's "          \
  "shapes, keys blades, rotation, curvature, points, inner, sigma) or "        \
  "file:PATH (a .skc filter or an image)"

/* The arguments that are not table rows. */
static const SkcGimpArg shape_arg
    = { "shape", "Shape", SHAPE_BLURB, SKC_GIMP_ARG_SPEC, 0, 0, 0, NULL };
static const SkcGimpArg map_arg = {
  "map",
  "Blur map",
  "Drawable whose luminance is the blur map, aligned in image coordinates "
  "(0 outside it), or none (-1) for a uniform blur",
  SKC_GIMP_ARG_DRAWABLE,
  -1,
  G_MAXINT32,
  -1,
  NULL
};
static const SkcGimpArg preset_arg
    = { "preset",
        "Preset",
        "A .skcpreset file: its values (and fitted filters) are used for every "
        "argument left at its default, or \"\" for none",
        SKC_GIMP_ARG_PATH,
        0,
        0,
        0,
        NULL };

/* Rows added to the table after the procedure was first published (from
 * this one on) follow the preset, so that the arguments scripts already
 * pass by position keep their places. */
#define SKC_GIMP_LATER_ROWS SKC_PARAM_DEPTH

static SkcGimpArg args[SKC_PARAM_COUNT + 3];
static gsize arg_count;

static SkcGimpArg
table_arg (const skc_param_info *row)
{
  SkcGimpArg arg
      = { row->name, row->label, row->help,          SKC_GIMP_ARG_DOUBLE,
          row->min,  row->max,   row->default_value, row };
  if (row->type == SKC_PARAM_TYPE_BOOL)
    arg.kind = SKC_GIMP_ARG_BOOLEAN;
  else if (skc_param_choice_count (row) > 0)
    {
      arg.kind = SKC_GIMP_ARG_CHOICE;
      arg.max = skc_param_choice_count (row) - 1;
    }
  return arg;
}

const SkcGimpArg *
skc_gimp_args (gsize *count)
{
  static gsize made = 0;
  if (g_once_init_enter (&made))
    {
      const skc_param_info *table = skc_param_table ();
      /* The shape's keys travel in its spec; the fit seed stays the
         default's. */
      args[arg_count++] = shape_arg;
      for (gint i = 0; i < SKC_PARAM_COUNT; i++)
        {
          if (table[i].group == SKC_PARAM_GROUP_SHAPE
              || table[i].group == SKC_PARAM_GROUP_FIT)
            continue;
          if (i == SKC_GIMP_LATER_ROWS)
            args[arg_count++] = preset_arg;
          args[arg_count++] = table_arg (&table[i]);
          if (i == SKC_PARAM_RADIUS)
            args[arg_count++] = map_arg;
        }
      if (SKC_GIMP_LATER_ROWS >= SKC_PARAM_COUNT)
        args[arg_count++] = preset_arg;
      g_once_init_leave (&made, 1);
    }
  *count = arg_count;
  return args;
}

/* The argument of `row` when it is given, else the one named `name`. */
static const SkcGimpArg *
find_arg (const skc_param_info *row, const gchar *name)
{
  gsize count;
  const SkcGimpArg *all = skc_gimp_args (&count);
  for (gsize i = 0; i < count; i++)
    if (row ? all[i].row == row : g_strcmp0 (all[i].name, name) == 0)
      return &all[i];
  return NULL;
}

const SkcGimpArg *
skc_gimp_arg_of_row (const skc_param_info *row)
{
  return row ? find_arg (row, NULL) : NULL;
}

const SkcGimpArg *
skc_gimp_arg_find (const gchar *name)
{
  return find_arg (NULL, name);
}

gchar *
skc_gimp_arg_text (SkcGimpSettings *s, const SkcGimpArg *arg)
{
  return arg->kind == SKC_GIMP_ARG_SPEC   ? s->shape
         : arg->kind == SKC_GIMP_ARG_PATH ? s->preset
                                          : NULL;
}

gdouble
skc_gimp_arg_get (const SkcGimpSettings *s, const SkcGimpArg *arg)
{
  if (arg->row)
    return skc_param_get (&s->values, arg->row);
  return arg->kind == SKC_GIMP_ARG_DRAWABLE ? s->map : 0;
}

void
skc_gimp_arg_set (SkcGimpSettings *s, const SkcGimpArg *arg, gdouble value)
{
  /* Kept as given: skc_gimp_settings_to_params says what is wrong. */
  if (arg->row)
    skc_param_store (&s->values, arg->row, value);
  else if (arg->kind == SKC_GIMP_ARG_DRAWABLE)
    s->map = (gint32) value;
}

void
skc_gimp_settings_init (SkcGimpSettings *s)
{
  memset (s, 0, sizeof *s);
  skc_params_init (&s->values);
  skc_shape_format (&s->values.shape, s->shape, sizeof s->shape);
  s->map = (gint32) map_arg.fallback;
}

/* The preset fields the settings set explicitly: those not at the
 * table's defaults. */
static unsigned
explicit_fields (const SkcGimpSettings *s)
{
  SkcGimpSettings defaults;
  unsigned fields = 0;
  gsize count;
  const SkcGimpArg *all = skc_gimp_args (&count);
  skc_gimp_settings_init (&defaults);
  if (strcmp (s->shape, defaults.shape) != 0)
    fields |= SKC_PRESET_WHOLE_SHAPE;
  for (gsize i = 0; i < count; i++)
    if (all[i].row && skc_gimp_arg_get (s, &all[i]) != all[i].fallback)
      fields |= SKC_PARAM_BIT (all[i].row->id);
  return fields;
}

skc_result
skc_gimp_settings_to_params (const SkcGimpSettings *s, skc_params *p,
                             skc_preset **preset, skc_error *err)
{
  const skc_param_info *table = skc_param_table ();
  *preset = NULL;
  if (!memchr (s->shape, '\0', sizeof s->shape)
      || !memchr (s->preset, '\0', sizeof s->preset))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: too long",
                     memchr (s->shape, '\0', sizeof s->shape) ? "preset"
                                                              : "shape");
  skc_params_init (p);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    if (table[i].group != SKC_PARAM_GROUP_SHAPE)
      skc_param_copy (p, &s->values, &table[i]);
  const gchar *spec = s->shape[0] ? s->shape : "shape:disc";
  skc_error shape_err;
  if (skc_shape_parse (spec, &p->shape, &shape_err) != SKC_OK)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s", shape_err.message);
  /* A file shape is loaded later; check the rest now. */
  skc_shape_kind kind = p->shape.kind;
  p->shape.kind = SKC_SHAPE_DISC;
  skc_result r = skc_params_validate (p, err);
  p->shape.kind = kind;
  if (r == SKC_OK && s->preset[0])
    r = skc_preset_use (s->preset, explicit_fields (s), p, preset, err);
  return r;
}
