/* skc:lens-blur — the GEGL operation: custom-bokeh lens blur through the
 * core's one apply path (properties, regions and buffers; no filtering here).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* gegl-op.h translates enum labels through dgettext (GETTEXT_PACKAGE, set
 * by the build); skc ships no catalogue, so they stay English. */
#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

/* The properties are the parameter table's rows (skc/params.def): the
 * macros below turn each row into GEGL's chant, so names, ranges and
 * defaults are written once.  Property names are permanent (XCF files
 * store them).  The table's FIT rows (the seed) are not properties. */
/* clang-format off */
/* Shape keys show only for the shapes they apply to. */
#define SKC_CHANT_VISIBLE(type, group, shapes)                              \
  SKC_CHANT_VISIBLE_##type (SKC_CHANT_VISIBLE_IN_##group (shapes))
#define SKC_CHANT_VISIBLE_NUMBER(meta) meta
#define SKC_CHANT_VISIBLE_PIXELS(meta) meta
#define SKC_CHANT_VISIBLE_DEGREES(meta) meta
#define SKC_CHANT_VISIBLE_WHOLE(meta) meta
#define SKC_CHANT_VISIBLE_BOOL(meta) meta
#define SKC_CHANT_VISIBLE_QUALITY(meta)
#define SKC_CHANT_VISIBLE_SHAPE(meta)
#define SKC_CHANT_VISIBLE_SEED(meta)
#define SKC_CHANT_VISIBLE_IN_SHAPE(shapes)                                  \
  ui_meta ("visible", "shape {" shapes "}")
#define SKC_CHANT_VISIBLE_IN_BLUR(shapes)
#define SKC_CHANT_VISIBLE_IN_MAP(shapes)
#define SKC_CHANT_VISIBLE_IN_LENS(shapes)
#define SKC_CHANT_VISIBLE_IN_HIGHLIGHTS(shapes)
#define SKC_CHANT_VISIBLE_IN_FIT(shapes)
#define SKC_CHANT_NUMBER(id, label, help, min, max, ui_min, ui_max, gamma,   \
                         step, digits, def)                                 \
  property_double (id, label, def)                                          \
    description (help)                                                      \
    value_range (min, max)                                                  \
    ui_range (ui_min, ui_max)                                               \
    ui_gamma (gamma)                                                        \
    ui_steps (step, 10 * step)                                              \
    ui_digits (digits)
#define SKC_CHANT_PIXELS(...)                                               \
  SKC_CHANT_NUMBER (__VA_ARGS__) ui_meta ("unit", "pixel-distance")
#define SKC_CHANT_DEGREES(...)                                              \
  SKC_CHANT_NUMBER (__VA_ARGS__) ui_meta ("unit", "degree")
#define SKC_CHANT_WHOLE(id, label, help, min, max, ui_min, ui_max, gamma,    \
                        step, digits, def)                                  \
  property_int (id, label, def)                                             \
    description (help)                                                      \
    value_range (min, max)                                                  \
    ui_range (ui_min, ui_max)
#define SKC_CHANT_BOOL(id, label, help, min, max, ui_min, ui_max, gamma,     \
                       step, digits, def)                                   \
  property_boolean (id, label, def)                                         \
    description (help)
#define SKC_CHANT_QUALITY(id, label, help, min, max, ui_min, ui_max, gamma,  \
                          step, digits, def)                                \
  property_enum (id, label, SkcLensBlurQuality, skc_lens_blur_quality,      \
                 SKC_LENS_BLUR_QUALITY_##def)                               \
    description (help)
#define SKC_CHANT_SHAPE(id, label, help, min, max, ui_min, ui_max, gamma,    \
                        step, digits, def)                                  \
  property_enum (id, label, SkcLensBlurShape, skc_lens_blur_shape,          \
                 SKC_LENS_BLUR_SHAPE_##def)                                 \
    description (help)
#define SKC_CHANT_SEED(...)
#define SKC_CHANT_ROW(ident, type, group, label, help, min, max, ui_min,     \
                      ui_max, gamma, step, digits, def, shapes)             \
  SKC_CHANT_##type (ident, label, help, min, max, ui_min, ui_max, gamma,    \
                    step, digits, def)                                      \
    SKC_CHANT_VISIBLE (type, group, shapes)
/* Rows of one group, or of all but one. */
#define SKC_CHANT_ONLY_SHAPE_SHAPE(row) row
#define SKC_CHANT_ONLY_SHAPE_BLUR(row)
#define SKC_CHANT_ONLY_SHAPE_MAP(row)
#define SKC_CHANT_ONLY_SHAPE_LENS(row)
#define SKC_CHANT_ONLY_SHAPE_HIGHLIGHTS(row)
#define SKC_CHANT_ONLY_SHAPE_FIT(row)
#define SKC_CHANT_NOT_SHAPE_SHAPE(row)
#define SKC_CHANT_NOT_SHAPE_BLUR(row) row
#define SKC_CHANT_NOT_SHAPE_MAP(row) row
#define SKC_CHANT_NOT_SHAPE_LENS(row) row
#define SKC_CHANT_NOT_SHAPE_HIGHLIGHTS(row) row
#define SKC_CHANT_NOT_SHAPE_FIT(row)

enum_start (skc_lens_blur_shape)
#define SKC_SHAPE_ROW(ID, name, label)                                      \
  enum_value (SKC_LENS_BLUR_SHAPE_##ID, name, label)
#include "skc/params.def"
enum_end (SkcLensBlurShape)

enum_start (skc_lens_blur_quality)
#define SKC_QUALITY_ROW(ID, name, label, samples)                           \
  enum_value (SKC_LENS_BLUR_QUALITY_##ID, name, label)
#include "skc/params.def"
enum_end (SkcLensBlurQuality)

/* The shape and its keys first, then the shape sources, then the rest. */
#define SKC_PARAM(ID, ident, name, type, field, group, label, help, min,    \
                  max, ui_min, ui_max, gamma, step, digits, def, shapes)    \
  SKC_CHANT_ONLY_SHAPE_##group (SKC_CHANT_ROW (ident, type, group, label,   \
    help, min, max, ui_min, ui_max, gamma, step, digits, def, shapes))
#include "skc/params.def"

/* Paths are plain strings: GIMP 3.0's filter API cannot carry GEGL's
   file-path property type (and loses every property after one). */
property_string (kernel_file, "Kernel file", "")
  description ("A fitted .skc filter, or an image whose alpha (or else "
               "luminance) is the bokeh shape; when set it replaces the shape")

property_string (preset, "Preset", "")
  description ("A .skcpreset file: its values and fitted filters are used "
               "for every property left at its default")

#define SKC_PARAM(ID, ident, name, type, field, group, label, help, min,    \
                  max, ui_min, ui_max, gamma, step, digits, def, shapes)    \
  SKC_CHANT_NOT_SHAPE_##group (SKC_CHANT_ROW (ident, type, group, label,    \
    help, min, max, ui_min, ui_max, gamma, step, digits, def, shapes))
#include "skc/params.def"
/* clang-format on */

#else

#define GEGL_OP_COMPOSER
/* The source's name is a file name, not an expression. */
/* clang-format off */
#define GEGL_OP_NAME     skc_lens_blur
#define GEGL_OP_C_SOURCE skc-lens-blur.c
/* clang-format on */

#include "gegl-op.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "skc/skc.h"
#include "gegl-bridge.h"

/* A prepared engine shared between process() calls: reference-counted so
 * that a call still using it survives a rebuild on another thread. */
typedef struct
{
  skc_engine *engine;
} SkcEngineRef;

/* Per-instance state, kept in GeglProperties' user_data. */
typedef struct
{
  GMutex lock;
  gchar *key;        /* the settings the engine (or failure) is for */
  SkcEngineRef *ref; /* NULL when building for `key` failed */
} SkcOpState;

static void
engine_ref_clear (gpointer data)
{
  SkcEngineRef *ref = data;
  skc_engine_free (ref->engine);
}

static void
engine_ref_release (SkcEngineRef *ref)
{
  if (ref)
    g_atomic_rc_box_release_full (ref, engine_ref_clear);
}

static SkcOpState *
op_state (GeglOperation *operation)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  return o->user_data;
}

static void
state_free (SkcOpState *state)
{
  if (!state)
    return;
  engine_ref_release (state->ref);
  g_free (state->key);
  g_mutex_clear (&state->lock);
  g_free (state);
}

static gint
gegl_thread_count (void)
{
  gint threads = 1;
  g_object_get (gegl_config (), "threads", &threads, NULL);
  return threads;
}

/* A table row's property value as a number (enums by their value: the
 * chant's enums follow the table's rows, as the core's do), or FALSE when
 * the row is not a property of the op. */
static gboolean
property_number (GObject *op, const skc_param_info *row, gdouble *out)
{
  GParamSpec *pspec
      = g_object_class_find_property (G_OBJECT_GET_CLASS (op), row->name);
  GValue value = G_VALUE_INIT;

  if (!pspec)
    return FALSE;
  g_value_init (&value, pspec->value_type);
  g_object_get_property (op, row->name, &value);
  if (G_VALUE_HOLDS_ENUM (&value))
    *out = g_value_get_enum (&value);
  else if (G_VALUE_HOLDS_BOOLEAN (&value))
    *out = g_value_get_boolean (&value);
  else if (G_VALUE_HOLDS_INT (&value))
    *out = g_value_get_int (&value);
  else
    *out = g_value_get_double (&value);
  g_value_unset (&value);
  return TRUE;
}

/* The core parameters for the current properties, filled as `skc apply`
 * fills them from its options: row by row of the parameter table. */
static void
params_from_properties (GeglOperation *operation, skc_params *p)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  const skc_param_info *table = skc_param_table ();

  skc_params_init (p);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    {
      gdouble value;
      /* GEGL enforces the properties' ranges: nothing to refuse here. */
      if (property_number (G_OBJECT (operation), &table[i], &value))
        skc_param_set (p, &table[i], value, NULL);
    }
  /* A kernel file replaces the shape. */
  if (o->kernel_file && o->kernel_file[0]
      && strlen (o->kernel_file) < sizeof p->shape.path)
    {
      p->shape.kind = SKC_SHAPE_FILE;
      strcpy (p->shape.path, o->kernel_file);
    }
}

/* GEGL hands the op its whole extent in one call (get_cached_region); the
 * engine spreads each band of it over GEGL's thread count, read per call
 * (a change of it rebuilds nothing). */
static skc_run
gegl_run (void)
{
  skc_run run = { gegl_thread_count (), NULL };
  return run;
}

/* The preset fields that properties set explicitly: those not at their
 * defaults (a GEGL property cannot tell "set to the default" from "not
 * set"). */
static unsigned
explicit_fields (GeglOperation *operation)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (operation);
  const skc_param_info *table = skc_param_table ();
  unsigned fields = 0;
  for (gint i = 0; i <= SKC_PARAM_COUNT; i++)
    {
      /* The kernel file sets the whole shape. */
      const gchar *name = i < SKC_PARAM_COUNT ? table[i].name : "kernel-file";
      GParamSpec *pspec = g_object_class_find_property (klass, name);
      GValue value = G_VALUE_INIT;
      if (!pspec)
        continue;
      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (operation), name, &value);
      if (!g_param_value_defaults (pspec, &value))
        fields
            |= i < SKC_PARAM_COUNT ? SKC_PARAM_BIT (i) : SKC_PRESET_WHOLE_SHAPE;
      g_value_unset (&value);
    }
  return fields;
}

/* A file's path, size and time stamp: an edited file gives a new key. */
static gchar *
file_key (const gchar *path)
{
  GStatBuf st = { 0 };
  if (!path || !path[0])
    return g_strdup ("");
  if (g_stat (path, &st) != 0)
    memset (&st, 0, sizeof st);
  return g_strdup_printf ("%s:%lld:%lld", path, (long long) st.st_size,
                          (long long) st.st_mtime);
}

/* Everything an engine depends on, as one string: two equal keys give
 * identical engines. */
static gchar *
engine_key (GeglProperties *o, const skc_params *p, gboolean with_map)
{
  char shape[512];
  gchar *kernel_file = file_key (o->kernel_file);
  gchar *preset = file_key (o->preset);
  gchar *rows = skc_gegl_params_key (p);
  skc_shape_format (&p->shape, shape, sizeof shape);
  gchar *key = g_strdup_printf ("%s|file=%s|preset=%s|map=%d|%s", shape,
                                kernel_file, preset, with_map ? 1 : 0, rows);
  g_free (rows);
  g_free (kernel_file);
  g_free (preset);
  return key;
}

/* The engine for the current properties, shared (release it with
 * engine_ref_release), or NULL after a g_warning when it cannot be built.
 * Rebuilt only when the settings change; a failure is remembered too, so
 * that it is reported once rather than on every region. */
static SkcEngineRef *
acquire_engine (GeglOperation *operation, gboolean with_map)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  SkcOpState *state = op_state (operation);
  SkcEngineRef *ref = NULL;
  skc_params params;
  params_from_properties (operation, &params);
  gchar *key = engine_key (o, &params, with_map);

  g_mutex_lock (&state->lock);
  if (!state->key || strcmp (state->key, key) != 0)
    {
      skc_engine *engine = NULL;
      skc_error err = { { 0 } };
      engine_ref_release (state->ref);
      state->ref = NULL;
      g_free (state->key);
      state->key = key;
      key = NULL;
      skc_preset *preset = NULL;
      skc_result r = SKC_OK;
      if (o->preset && o->preset[0])
        r = skc_preset_use (o->preset, explicit_fields (operation), &params,
                            &preset, &err);
      if (r == SKC_OK)
        {
          skc_run run = gegl_run ();
          r = skc_gegl_engine_new (&params, with_map, &run, &engine, &err);
        }
      skc_preset_free (preset);
      if (r == SKC_OK)
        {
          state->ref = g_atomic_rc_box_new0 (SkcEngineRef);
          state->ref->engine = engine;
        }
      else
        g_warning ("skc:lens-blur: %s (the input passes through unchanged)",
                   err.message);
    }
  if (state->ref)
    ref = g_atomic_rc_box_acquire (state->ref);
  g_mutex_unlock (&state->lock);
  g_free (key);
  return ref;
}

/* The reach of the engine already built for the current properties, or -1
 * when there is none yet (never builds: this runs while GEGL plans). */
static gint
current_reach (GeglOperation *operation)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  SkcOpState *state = op_state (operation);
  gint reach = -1;
  skc_params params;
  params_from_properties (operation, &params);
  gboolean with_map
      = gegl_operation_source_get_bounding_box (operation, "aux") != NULL;
  gchar *key = engine_key (o, &params, with_map);
  g_mutex_lock (&state->lock);
  if (state->ref && state->key && strcmp (state->key, key) == 0)
    reach = skc_engine_reach (state->ref->engine);
  g_mutex_unlock (&state->lock);
  g_free (key);
  return reach;
}

/* How the map is read: as the property says, unless a preset says
 * otherwise for a property left at its default.  (An unreadable preset
 * changes nothing here; building the engine reports it.) */
static gboolean
map_linear (GeglOperation *operation)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  int linear = o->map_linear;
  skc_preset *preset = NULL;
  if (o->preset && o->preset[0]
      && !(explicit_fields (operation) & SKC_PRESET_MAP_LINEAR)
      && skc_preset_load (o->preset, &preset, NULL) == SKC_OK)
    {
      skc_params from_preset;
      skc_params_init (&from_preset);
      skc_preset_apply (preset, 0, &from_preset);
      linear = from_preset.map_linear;
      skc_preset_free (preset);
    }
  return linear != 0;
}

static void
prepare (GeglOperation *operation)
{
  const Babl *in_format = gegl_operation_get_source_format (operation, "input");
  const Babl *aux_format = gegl_operation_get_source_format (operation, "aux");
  const Babl *space = in_format ? babl_format_get_space (in_format) : NULL;
  const Babl *aux_space
      = aux_format ? babl_format_get_space (aux_format) : space;
  /* Linear light, premultiplied: what the core blurs (alpha index 3). */
  const Babl *format = babl_format_with_space ("RaGaBaA float", space);

  gegl_operation_set_format (operation, "input", format);
  gegl_operation_set_format (operation, "output", format);
  gegl_operation_set_format (
      operation, "aux",
      skc_gegl_map_format (aux_space, map_linear (operation)));
}

static GeglRectangle
get_bounding_box (GeglOperation *operation)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (operation, "input");
  GeglRectangle none = { 0, 0, 0, 0 };
  return in_rect ? *in_rect : none;
}

static gboolean
is_whole_image (const GeglRectangle *rect)
{
  return rect && !gegl_rectangle_is_infinite_plane (rect)
         && !gegl_rectangle_is_empty (rect);
}

/* The op computes its whole extent at once: GEGL's chunks would each
 * recompute a margin of `reach` pixels, which at large radii costs more
 * than the chunk itself.  process() works down it in bands threaded by the
 * engine, and GEGL's cache of this node serves every later chunk. */
static GeglRectangle
get_cached_region (GeglOperation *operation, const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (operation, "input");
  return is_whole_image (in_rect) ? *in_rect : *roi;
}

static GeglRectangle
grow (const GeglRectangle *rect, gint by)
{
  /* The infinite plane (an invalidated generator) stays what it is. */
  if (gegl_rectangle_is_infinite_plane (rect))
    return *rect;
  GeglRectangle grown = *rect;
  grown.x -= by;
  grown.y -= by;
  grown.width += 2 * by;
  grown.height += 2 * by;
  return grown;
}

static GeglRectangle
get_required_for_output (GeglOperation *operation, const gchar *input_pad,
                         const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (operation, "input");
  /* roi is the whole extent (get_cached_region): needing all of the input
     needs no reach, hence no engine, while GEGL plans. */
  if (is_whole_image (in_rect))
    return *in_rect;
  /* An infinite input (a generator) is processed as requested, so the
     engine must be known now. */
  SkcEngineRef *ref = acquire_engine (
      operation,
      gegl_operation_source_get_bounding_box (operation, "aux") != NULL);
  gint reach = ref ? skc_engine_reach (ref->engine) : 0;
  engine_ref_release (ref);
  return grow (roi, reach);
}

static GeglRectangle
get_invalidated_by_change (GeglOperation *operation, const gchar *input_pad,
                           const GeglRectangle *input_roi)
{
  gint reach = current_reach (operation);
  if (reach >= 0)
    return grow (input_roi, reach);
  /* No engine yet, so no reach: everything may change. */
  return get_bounding_box (operation);
}

/* Output = input on the region: the defined result after an error. */
static void
pass_through (GeglBuffer *input, GeglBuffer *output, const GeglRectangle *roi)
{
  gegl_buffer_copy (input, roi, GEGL_ABYSS_NONE, output, roi);
}

static gboolean
process (GeglOperation *operation, GeglBuffer *input, GeglBuffer *aux,
         GeglBuffer *output, const GeglRectangle *roi, gint level)
{
  if (!input)
    return TRUE;
  SkcEngineRef *ref = acquire_engine (operation, aux != NULL);
  if (!ref)
    {
      pass_through (input, output, roi);
      return TRUE;
    }

  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (operation, "input");
  GeglRectangle image = in_rect ? *in_rect : *roi;
  skc_error err = { { 0 } };
  skc_run run = gegl_run ();
  skc_result r = skc_gegl_blur (ref->engine, input, aux, output,
                                gegl_operation_get_format (operation, "input"),
                                gegl_operation_get_format (operation, "aux"),
                                &image, roi, &run, NULL, NULL, &err);
  if (r != SKC_OK)
    {
      g_warning ("skc:lens-blur: %s (the input passes through unchanged)",
                 err.message);
      pass_through (input, output, roi);
    }
  engine_ref_release (ref);
  return TRUE;
}

/* The state exists from construction on, before any thread can use it. */
static void
constructed (GObject *object)
{
  GeglProperties *o = GEGL_PROPERTIES (object);
  SkcOpState *state = g_new0 (SkcOpState, 1);
  g_mutex_init (&state->lock);
  o->user_data = state;
  G_OBJECT_CLASS (gegl_op_parent_class)->constructed (object);
}

static void
finalize (GObject *object)
{
  GeglProperties *o = GEGL_PROPERTIES (object);
  state_free (o->user_data);
  o->user_data = NULL;
  G_OBJECT_CLASS (gegl_op_parent_class)->finalize (object);
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GeglOperationClass *operation_class = GEGL_OPERATION_CLASS (klass);
  GeglOperationComposerClass *composer_class
      = GEGL_OPERATION_COMPOSER_CLASS (klass);

  object_class->constructed = constructed;
  object_class->finalize = finalize;
  operation_class->prepare = prepare;
  operation_class->get_bounding_box = get_bounding_box;
  operation_class->get_cached_region = get_cached_region;
  operation_class->get_required_for_output = get_required_for_output;
  operation_class->get_invalidated_by_change = get_invalidated_by_change;
  /* One call for the whole extent, threaded by the engine itself. */
  operation_class->threaded = FALSE;
  composer_class->process = process;
  composer_class->aux_label = "Blur map";
  composer_class->aux_description
      = "How far from the focus each pixel is (its luminance; 0 outside the "
        "map): the blur radius is radius x |map - focus|";

  gegl_operation_class_set_keys (
      operation_class, "name", "skc:lens-blur", "title",
      "Lens Blur (custom bokeh)", "categories", "blur", "license", "GPL3+",
      "description",
      "Out-of-focus blur with a bokeh of any shape (built-in or from a "
      "file), uniform or varying per pixel from a blur map, through sparse "
      "kernel complexes",
      NULL);
}

#endif
