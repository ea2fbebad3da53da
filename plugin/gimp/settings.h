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
#define SKC_GIMP_BINARY "skc-lens-blur"
/* The GEGL op a uniform blur of a layer is kept as, as a layer effect. */
#define SKC_GIMP_EFFECT_OP "skc:bokeh-blur"
#define SKC_GIMP_SPEC_MAX 4200 /* "file:" + a path */
/* The map setting of a map painted in the dialog (not yet a channel). */
#define SKC_GIMP_MAP_PAINTED (-2)
/* The dialog's map entry "Subject: the selection": map -1 with depth
 * 'subject' (never a setting itself). */
#define SKC_GIMP_MAP_SELECTION (-3)

/* What the user (or a script) chose.  The shape travels as a spec string
 * (its kind and keys, or a file), the map as a drawable id (-1: none; an
 * id in GIMP 2.10, kept as one in both), every other row of the parameter
 * table (skc/params.def) in `values`. */
typedef struct
{
  gchar shape[SKC_GIMP_SPEC_MAX]; /* `shape:NAME[:k=v,...]` or file:PATH */
  gint32 map;
  gchar preset[SKC_GIMP_SPEC_MAX]; /* a .skcpreset file, or "" */
  skc_params values; /* radius, quality, ...; its shape is not used */
} SkcGimpSettings;

typedef enum
{
  SKC_GIMP_ARG_SPEC, /* string */
  SKC_GIMP_ARG_DOUBLE,
  SKC_GIMP_ARG_DRAWABLE, /* or none */
  SKC_GIMP_ARG_CHOICE,   /* a row of named choices (quality, depth):
                            0 .. skc_param_choice_count (row) - 1 */
  SKC_GIMP_ARG_BOOLEAN,
  SKC_GIMP_ARG_PATH /* string: a file, or "" for none */
} SkcGimpArgKind;

/* One procedure argument after run-mode, image and drawable(s), in the
 * order scripts rely on: shape, radius, map, the table's other rows in
 * table order (its fit seed aside), preset, then the rows added to the
 * table since (depth).  Names, labels, help, ranges
 * and defaults of the table's rows are the table's. */
typedef struct
{
  const gchar *name; /* the parameter table's name */
  const gchar *nick; /* label in dialogs */
  const gchar *blurb;
  SkcGimpArgKind kind;
  gdouble min, max, fallback;
  const skc_param_info *row; /* the table's row, or NULL for the shape
                                spec, the map and the preset */
} SkcGimpArg;

/* The arguments, `count` of them.  Thread-safe. */
const SkcGimpArg *skc_gimp_args (gsize *count);
/* The argument of a table row (NULL for the shape keys and the fit
 * seed), or of a name ("shape", "map", "preset", or a row's). */
const SkcGimpArg *skc_gimp_arg_of_row (const skc_param_info *row);
const SkcGimpArg *skc_gimp_arg_find (const gchar *name);

/* The parameter table's defaults: a disc of radius 20, no map. */
void skc_gimp_settings_init (SkcGimpSettings *s);

/* Field access by argument, for the version-specific layers: numbers
 * (and the map id) by value, strings by pointer (NULL for numbers). */
gdouble skc_gimp_arg_get (const SkcGimpSettings *s, const SkcGimpArg *arg);
void skc_gimp_arg_set (SkcGimpSettings *s, const SkcGimpArg *arg,
                       gdouble value);
gchar *skc_gimp_arg_text (SkcGimpSettings *s, const SkcGimpArg *arg);

/* Checks every field against the table (a script may pass anything) and
 * fills core parameters; the shape spec is parsed here.  With a preset,
 * its values fill what the settings leave at the table's defaults and its
 * fits seed the cache; *preset then holds what p->shape_image may point
 * to (free it once the engine is built; NULL without a preset).  The map
 * id is not looked at.  An error says which argument is wrong and why. */
skc_result skc_gimp_settings_to_params (const SkcGimpSettings *s, skc_params *p,
                                        skc_preset **preset, skc_error *err);

G_END_DECLS

#endif
