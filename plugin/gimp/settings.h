/* skc — the plug-in's settings: one field per row of the parameter table
 * (docs/architecture.md), the procedure arguments they travel as, and
 * their translation into core parameters.  Shared by the GIMP 2.10 and
 * GIMP 3 builds; no libgimp here.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_SETTINGS_H
#define SKC_GIMP_SETTINGS_H

#include <glib.h>

#include "skc/skc.h"

G_BEGIN_DECLS

#define SKC_GIMP_PROCEDURE "plug-in-skc-lens-blur"
#define SKC_GIMP_BINARY    "skc-lens-blur"
#define SKC_GIMP_SPEC_MAX  4200 /* "file:" + a path */
/* The map setting of a map painted in the dialog (not yet a channel). */
#define SKC_GIMP_MAP_PAINTED (-2)

/* What the user (or a script) chose; the map is a drawable id in GIMP 2.10
 * and kept here as an id in both (-1: none). */
typedef struct
{
  gchar    shape[SKC_GIMP_SPEC_MAX]; /* `shape:NAME[:k=v,...]` or file:PATH */
  gdouble  radius;
  gint32   map;
  gint     quality;                  /* skc_quality */
  gdouble  focus;
  gboolean invert_map;
  gdouble  map_gamma;
  gboolean map_linear;
  gdouble  swirl;
  gdouble  cat_eye;
  gdouble  highlight_threshold;
  gdouble  highlight_gain;
  gboolean clip;
  gchar    preset[SKC_GIMP_SPEC_MAX]; /* a .skcpreset file, or "" */
} SkcGimpSettings;

typedef enum
{
  SKC_GIMP_ARG_SPEC,     /* string */
  SKC_GIMP_ARG_DOUBLE,
  SKC_GIMP_ARG_DRAWABLE, /* or none */
  SKC_GIMP_ARG_QUALITY,  /* draft / normal / high, 0..2 */
  SKC_GIMP_ARG_BOOLEAN,
  SKC_GIMP_ARG_PATH      /* string: a file, or "" for none */
} SkcGimpArgKind;

/* One procedure argument after run-mode, image and drawable(s), in the
 * order scripts rely on (shape, radius, map first). */
typedef struct
{
  const gchar   *name;   /* the parameter table's name */
  const gchar   *nick;   /* label in dialogs */
  const gchar   *blurb;
  SkcGimpArgKind kind;
  gdouble        min, max, fallback;
  gsize          offset; /* of the field in SkcGimpSettings */
  unsigned       preset_fields; /* what a value other than the default
                                   overrides in a preset (skc_preset_field) */
} SkcGimpArg;

/* The arguments, `count` of them. */
const SkcGimpArg *skc_gimp_args (gsize *count);

/* The parameter table's defaults: a disc of radius 20, no map. */
void skc_gimp_settings_init (SkcGimpSettings *s);

/* Field access by table row, for the version-specific layers. */
gdouble skc_gimp_arg_get (const SkcGimpSettings *s, const SkcGimpArg *arg);
void    skc_gimp_arg_set (SkcGimpSettings *s, const SkcGimpArg *arg,
                          gdouble value);

/* Checks every field against the table (a script may pass anything) and
 * fills core parameters and *map_linear; the shape spec is parsed here.
 * With a preset, its values fill what the settings leave at the table's
 * defaults and its fits seed the cache; *preset then holds what
 * p->shape_image may point to (free it once the engine is built; NULL
 * without a preset).  The map id is not looked at.  An error says which
 * argument is wrong and why. */
skc_result skc_gimp_settings_to_params (const SkcGimpSettings *s,
                                        skc_params *p, int *map_linear,
                                        skc_preset **preset, skc_error *err);

G_END_DECLS

#endif
