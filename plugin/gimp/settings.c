/* skc — the plug-in's settings and procedure arguments (see settings.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "settings.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#define FIELD(name) offsetof (SkcGimpSettings, name)

/* The parameter table of docs/architecture.md, in procedure order. */
static const SkcGimpArg args[] = {
  { "shape", "Shape",
    "Bokeh shape: shape:NAME[:key=value,...] (disc, polygon, star, heart, "
    "ring, gaussian, coma; keys blades, rotation, curvature, points, inner, "
    "sigma) or file:PATH (a .skc filter or an image)",
    SKC_GIMP_ARG_SPEC, 0, 0, 0, FIELD (shape), SKC_PRESET_WHOLE_SHAPE },
  { "radius", "Radius",
    "Outer radius of the bokeh shape in pixels; with a blur map, the radius "
    "where the map is farthest from the focus",
    SKC_GIMP_ARG_DOUBLE, 0, 1000, 20, FIELD (radius), SKC_PRESET_RADIUS },
  { "map", "Blur map",
    "Drawable whose luminance is the blur map, aligned in image "
    "coordinates (0 outside it), or none (-1) for a uniform blur",
    SKC_GIMP_ARG_DRAWABLE, -1, G_MAXINT32, -1, FIELD (map), 0 },
  { "quality", "Quality", "0 draft, 1 normal, 2 high (48, 96, 192 samples)",
    SKC_GIMP_ARG_QUALITY, 0, 2, SKC_QUALITY_NORMAL, FIELD (quality), SKC_PRESET_QUALITY },
  { "focus", "Focus", "Blur map value that stays sharp",
    SKC_GIMP_ARG_DOUBLE, 0, 1, 0, FIELD (focus), SKC_PRESET_FOCUS },
  { "invert-map", "Invert map", "Read the blur map as 1 - value",
    SKC_GIMP_ARG_BOOLEAN, 0, 1, 0, FIELD (invert_map), SKC_PRESET_INVERT_MAP },
  { "map-gamma", "Map gamma", "Exponent applied to the blur map value",
    SKC_GIMP_ARG_DOUBLE, 0.1, 10, 1, FIELD (map_gamma), SKC_PRESET_MAP_GAMMA },
  { "map-linear", "Linear map",
    "Read the blur map as linear luminance Y instead of perceptual Y'",
    SKC_GIMP_ARG_BOOLEAN, 0, 1, 0, FIELD (map_linear), SKC_PRESET_MAP_LINEAR },
  { "swirl", "Swirl",
    "Turn each kernel toward the tangent of the circle around the image "
    "centre (rotational bokeh)",
    SKC_GIMP_ARG_DOUBLE, 0, 1, 0, FIELD (swirl), SKC_PRESET_SWIRL },
  { "cat-eye", "Cat-eye",
    "Clip kernels by a second aperture moved toward the image centre, more "
    "toward the corners (mechanical vignetting)",
    SKC_GIMP_ARG_DOUBLE, 0, 1, 0, FIELD (cat_eye), SKC_PRESET_CAT_EYE },
  { "highlight-threshold", "Highlight threshold",
    "Linear values above this are boosted before blurring (bokeh balls)",
    SKC_GIMP_ARG_DOUBLE, 0, 1, 1, FIELD (highlight_threshold),
    SKC_PRESET_HIGHLIGHT_THRESHOLD },
  { "highlight-gain", "Highlight gain",
    "How strongly highlights above the threshold are boosted",
    SKC_GIMP_ARG_DOUBLE, 1, 100, 1, FIELD (highlight_gain), SKC_PRESET_HIGHLIGHT_GAIN },
  { "clip", "Clip", "Clip the result to 0..1 after the highlight boost",
    SKC_GIMP_ARG_BOOLEAN, 0, 1, 1, FIELD (clip), SKC_PRESET_CLIP },
  { "preset", "Preset",
    "A .skcpreset file: its values (and fitted filters) are used for every "
    "argument left at its default, or \"\" for none",
    SKC_GIMP_ARG_PATH, 0, 0, 0, FIELD (preset), 0 },
};

const SkcGimpArg *
skc_gimp_args (gsize *count)
{
  *count = G_N_ELEMENTS (args);
  return args;
}

gdouble
skc_gimp_arg_get (const SkcGimpSettings *s, const SkcGimpArg *arg)
{
  const char *field = (const char *) s + arg->offset;
  switch (arg->kind)
    {
    case SKC_GIMP_ARG_DOUBLE:
      return *(const gdouble *) field;
    case SKC_GIMP_ARG_DRAWABLE:
      return *(const gint32 *) field;
    case SKC_GIMP_ARG_QUALITY:
    case SKC_GIMP_ARG_BOOLEAN:
      return *(const gint *) field;
    case SKC_GIMP_ARG_SPEC:
    case SKC_GIMP_ARG_PATH:
      break;
    }
  return 0;
}

void
skc_gimp_arg_set (SkcGimpSettings *s, const SkcGimpArg *arg, gdouble value)
{
  char *field = (char *) s + arg->offset;
  switch (arg->kind)
    {
    case SKC_GIMP_ARG_DOUBLE:
      *(gdouble *) field = value;
      break;
    case SKC_GIMP_ARG_DRAWABLE:
      *(gint32 *) field = (gint32) value;
      break;
    case SKC_GIMP_ARG_QUALITY:
      *(gint *) field = (gint) value;
      break;
    case SKC_GIMP_ARG_BOOLEAN:
      *(gboolean *) field = value != 0;
      break;
    case SKC_GIMP_ARG_SPEC:
    case SKC_GIMP_ARG_PATH:
      break;
    }
}

void
skc_gimp_settings_init (SkcGimpSettings *s)
{
  memset (s, 0, sizeof *s);
  g_strlcpy (s->shape, "shape:disc", sizeof s->shape);
  for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
    skc_gimp_arg_set (s, &args[i], args[i].fallback);
}

/* The preset fields the settings set explicitly: those not at the
 * table's defaults. */
static unsigned
explicit_fields (const SkcGimpSettings *s)
{
  SkcGimpSettings defaults;
  unsigned        fields = 0;
  skc_gimp_settings_init (&defaults);
  for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
    {
      const SkcGimpArg *arg = &args[i];
      gboolean          changed;
      if (arg->kind == SKC_GIMP_ARG_SPEC || arg->kind == SKC_GIMP_ARG_PATH)
        changed = strcmp ((const char *) s + arg->offset,
                          (const char *) &defaults + arg->offset)
                  != 0;
      else
        changed = skc_gimp_arg_get (s, arg) != arg->fallback;
      if (changed)
        fields |= arg->preset_fields;
    }
  return fields;
}

skc_result
skc_gimp_settings_to_params (const SkcGimpSettings *s, skc_params *p,
                             int *map_linear, skc_preset **preset,
                             skc_error *err)
{
  *preset = NULL;
  skc_params_init (p);
  for (gsize i = 0; i < G_N_ELEMENTS (args); i++)
    {
      const SkcGimpArg *arg = &args[i];
      if (arg->kind == SKC_GIMP_ARG_SPEC || arg->kind == SKC_GIMP_ARG_PATH)
        {
          if (!memchr ((const char *) s + arg->offset, '\0',
                       SKC_GIMP_SPEC_MAX))
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: too long",
                             arg->name);
          continue;
        }
      if (arg->kind == SKC_GIMP_ARG_DRAWABLE)
        continue;
      gdouble v = skc_gimp_arg_get (s, arg);
      if (!isfinite (v) || v < arg->min || v > arg->max)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "%s = %g is outside %g..%g", arg->name, v, arg->min,
                         arg->max);
    }
  const gchar *spec = s->shape[0] ? s->shape : "shape:disc";
  skc_error    shape_err;
  if (skc_shape_parse (spec, &p->shape, &shape_err) != SKC_OK)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s", shape_err.message);
  p->radius = s->radius;
  p->quality = (skc_quality) s->quality;
  p->focus = s->focus;
  p->invert_map = s->invert_map ? 1 : 0;
  p->map_gamma = s->map_gamma;
  p->swirl = s->swirl;
  p->cat_eye = s->cat_eye;
  p->highlight_threshold = s->highlight_threshold;
  p->highlight_gain = s->highlight_gain;
  p->clip = s->clip ? 1 : 0;
  p->map_linear = s->map_linear ? 1 : 0;
  skc_result r = SKC_OK;
  if (s->preset[0])
    r = skc_preset_use (s->preset, explicit_fields (s), p, preset, err);
  *map_linear = p->map_linear;
  return r;
}
