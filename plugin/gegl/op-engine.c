/* skc — what the module's operations share (see op-engine.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "op-engine.h"

#include <string.h>
#include <glib/gstdio.h>

/* An instance's state: its engine, and the settings it was built for. */
typedef struct
{
  GMutex lock;
  gchar *key;               /* the settings the engine (or failure) is for */
  SkcGeglSharedEngine *ref; /* NULL when building for `key` failed */
} SkcOpState;

/* What skc_op_class_init was told, kept with the op's type. */
typedef struct
{
  const gchar *name;
  SkcOpSourcesOf sources_of;
} SkcOpClassData;

static GQuark
class_quark (void)
{
  return g_quark_from_static_string ("skc-op-class");
}

static GQuark
state_quark (void)
{
  return g_quark_from_static_string ("skc-op-state");
}

static const SkcOpClassData *
class_data (GeglOperation *op)
{
  return g_type_get_qdata (G_OBJECT_TYPE (op), class_quark ());
}

static SkcOpState *
op_state (GeglOperation *op)
{
  return g_object_get_qdata (G_OBJECT (op), state_quark ());
}

static SkcOpSources
op_sources (GeglOperation *op)
{
  return class_data (op)->sources_of (op);
}

static void
state_free (gpointer data)
{
  SkcOpState *state = data;
  skc_gegl_shared_engine_release (state->ref);
  g_free (state->key);
  g_mutex_clear (&state->lock);
  g_free (state);
}

/* GEGL hands the op its whole extent in one call; the engine spreads each
 * band of it over GEGL's thread count, read per call (a change of it
 * rebuilds nothing). */
static skc_run
gegl_run (void)
{
  gint threads = 1;
  g_object_get (gegl_config (), "threads", &threads, NULL);
  skc_run run = { threads, NULL };
  return run;
}

/* A table row's property value as a number (enums by their value: the
 * chant's enums follow the table's rows, as the core's do), or FALSE when
 * the row is not a property of the op. */
static gboolean
property_number (GObject *op, const gchar *name, gdouble *out)
{
  GParamSpec *pspec
      = g_object_class_find_property (G_OBJECT_GET_CLASS (op), name);
  GValue value = G_VALUE_INIT;

  if (!pspec)
    return FALSE;
  g_value_init (&value, pspec->value_type);
  g_object_get_property (op, name, &value);
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
 * fills them from its options: row by row of the parameter table (rows
 * the op does not have keep their defaults). */
static void
params_from_properties (GeglOperation *op, const SkcOpSources *sources,
                        skc_params *p)
{
  const skc_param_info *table = skc_param_table ();
  skc_params_init (p);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    {
      gdouble value;
      /* GEGL enforces the properties' ranges: nothing to refuse here. */
      if (property_number (G_OBJECT (op), table[i].name, &value))
        skc_param_set (p, &table[i], value, NULL);
    }
  /* A kernel file replaces the shape. */
  if (sources->kernel_file && sources->kernel_file[0]
      && strlen (sources->kernel_file) < sizeof p->shape.path)
    {
      p->shape.kind = SKC_SHAPE_FILE;
      strcpy (p->shape.path, sources->kernel_file);
    }
}

/* The preset fields that properties set explicitly: those not at their
 * defaults (a GEGL property cannot tell "set to the default" from "not
 * set"). */
static unsigned
explicit_fields (GeglOperation *op)
{
  GObjectClass *klass = G_OBJECT_GET_CLASS (op);
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
      g_object_get_property (G_OBJECT (op), name, &value);
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
engine_key (const SkcOpSources *sources, const skc_params *p)
{
  char shape[512];
  gchar *kernel_file = file_key (sources->kernel_file);
  gchar *preset = file_key (sources->preset);
  gchar *rows = skc_gegl_params_key (p);
  skc_shape_format (&p->shape, shape, sizeof shape);
  gchar *key
      = g_strdup_printf ("%s|file=%s|preset=%s|map=%d|%s", shape, kernel_file,
                         preset, sources->with_map ? 1 : 0, rows);
  g_free (rows);
  g_free (kernel_file);
  g_free (preset);
  return key;
}

/* The engine for the op's current properties (release it with
 * skc_gegl_shared_engine_release), or NULL after one g_warning per settings
 * when it cannot be built.  Rebuilt only when the settings change. */
static SkcGeglSharedEngine *
acquire_engine (GeglOperation *op, const SkcOpSources *sources)
{
  SkcOpState *state = op_state (op);
  SkcGeglSharedEngine *ref = NULL;
  skc_params params;
  params_from_properties (op, sources, &params);
  gchar *key = engine_key (sources, &params);

  g_mutex_lock (&state->lock);
  if (!state->key || strcmp (state->key, key) != 0)
    {
      skc_engine *engine = NULL;
      skc_error err = { { 0 } };
      skc_gegl_shared_engine_release (state->ref);
      state->ref = NULL;
      g_free (state->key);
      state->key = key;
      key = NULL;
      skc_preset *preset = NULL;
      skc_result r = SKC_OK;
      if (sources->preset && sources->preset[0])
        r = skc_preset_use (sources->preset, explicit_fields (op), &params,
                            &preset, &err);
      if (r == SKC_OK)
        {
          skc_run run = gegl_run ();
          r = skc_gegl_engine_new (&params, sources->with_map, &run, &engine,
                                   &err);
        }
      skc_preset_free (preset);
      if (r == SKC_OK)
        state->ref = skc_gegl_shared_engine_new (engine, NULL);
      else
        g_warning ("%s: %s (the input passes through unchanged)",
                   class_data (op)->name, err.message);
    }
  if (state->ref)
    ref = skc_gegl_shared_engine_acquire (state->ref);
  g_mutex_unlock (&state->lock);
  g_free (key);
  return ref;
}

/* The reach of the engine already built for the current properties, or -1
 * when there is none yet (never builds: this runs while GEGL plans). */
static gint
current_reach (GeglOperation *op)
{
  SkcOpState *state = op_state (op);
  SkcOpSources sources = op_sources (op);
  gint reach = -1;
  skc_params params;
  params_from_properties (op, &sources, &params);
  gchar *key = engine_key (&sources, &params);
  g_mutex_lock (&state->lock);
  if (state->ref && state->key && strcmp (state->key, key) == 0)
    reach = skc_engine_reach (state->ref->engine);
  g_mutex_unlock (&state->lock);
  g_free (key);
  return reach;
}

gboolean
skc_op_map_linear (GeglOperation *op)
{
  SkcOpSources sources = op_sources (op);
  gdouble linear = 0;
  skc_preset *preset = NULL;
  if (!property_number (G_OBJECT (op), "map-linear", &linear))
    return FALSE;
  /* An unreadable preset changes nothing here; building the engine
     reports it. */
  if (sources.preset && sources.preset[0]
      && !(explicit_fields (op) & SKC_PRESET_MAP_LINEAR)
      && skc_preset_load (sources.preset, &preset, NULL) == SKC_OK)
    {
      skc_params from_preset;
      skc_params_init (&from_preset);
      skc_preset_apply (preset, 0, &from_preset);
      linear = from_preset.map_linear;
      skc_preset_free (preset);
    }
  return linear != 0;
}

static GeglRectangle
get_bounding_box (GeglOperation *op)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
  GeglRectangle none = { 0, 0, 0, 0 };
  return in_rect ? *in_rect : none;
}

static gboolean
is_whole_image (const GeglRectangle *rect)
{
  return rect && !gegl_rectangle_is_infinite_plane (rect)
         && !gegl_rectangle_is_empty (rect);
}

static GeglRectangle
get_cached_region (GeglOperation *op, const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
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
get_required_for_output (GeglOperation *op, const gchar *input_pad,
                         const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
  /* roi is the whole extent (get_cached_region): needing all of the input
     needs no reach, hence no engine, while GEGL plans. */
  if (is_whole_image (in_rect))
    return *in_rect;
  /* An infinite input (a generator) is processed as requested, so the
     engine must be known now. */
  SkcOpSources sources = op_sources (op);
  SkcGeglSharedEngine *ref = acquire_engine (op, &sources);
  gint reach = ref ? skc_engine_reach (ref->engine) : 0;
  skc_gegl_shared_engine_release (ref);
  return grow (roi, reach);
}

static GeglRectangle
get_invalidated_by_change (GeglOperation *op, const gchar *input_pad,
                           const GeglRectangle *input_roi)
{
  gint reach = current_reach (op);
  if (reach >= 0)
    return grow (input_roi, reach);
  /* No engine yet, so no reach: everything may change. */
  return get_bounding_box (op);
}

void
skc_op_process (GeglOperation *op, gboolean with_map, GeglBuffer *input,
                GeglBuffer *aux, GeglBuffer *output, const GeglRectangle *roi)
{
  SkcOpSources sources = op_sources (op);
  sources.with_map = with_map;
  SkcGeglSharedEngine *ref = acquire_engine (op, &sources);
  skc_result r = SKC_ERR_INVALID_ARGUMENT;
  if (ref)
    {
      const GeglRectangle *in_rect
          = gegl_operation_source_get_bounding_box (op, "input");
      GeglRectangle image = in_rect ? *in_rect : *roi;
      skc_error err = { { 0 } };
      skc_run run = gegl_run ();
      r = skc_gegl_blur (ref->engine, input, with_map ? aux : NULL, output,
                         gegl_operation_get_format (op, "input"),
                         with_map ? gegl_operation_get_format (op, "aux")
                                  : NULL,
                         &image, roi, &run, NULL, NULL, &err);
      if (r != SKC_OK)
        g_warning ("%s: %s (the input passes through unchanged)",
                   class_data (op)->name, err.message);
      skc_gegl_shared_engine_release (ref);
    }
  /* Output = input on the region: the defined result after an error. */
  if (r != SKC_OK)
    gegl_buffer_copy (input, roi, GEGL_ABYSS_NONE, output, roi);
}

/* The state exists from construction on, before any thread can use it,
 * and goes with the instance. */
static void
constructed (GObject *object)
{
  SkcOpState *state = g_new0 (SkcOpState, 1);
  g_mutex_init (&state->lock);
  g_object_set_qdata_full (object, state_quark (), state, state_free);
  GObjectClass *parent = g_type_class_peek_parent (G_OBJECT_GET_CLASS (object));
  parent->constructed (object);
}

void
skc_op_class_init (GeglOperationClass *klass, const gchar *name,
                   SkcOpSourcesOf sources_of)
{
  SkcOpClassData *data = g_new0 (SkcOpClassData, 1); /* lives with the type */
  data->name = name;
  data->sources_of = sources_of;
  g_type_set_qdata (G_TYPE_FROM_CLASS (klass), class_quark (), data);
  G_OBJECT_CLASS (klass)->constructed = constructed;
  klass->get_bounding_box = get_bounding_box;
  klass->get_cached_region = get_cached_region;
  klass->get_required_for_output = get_required_for_output;
  klass->get_invalidated_by_change = get_invalidated_by_change;
  /* One call for the whole extent, threaded by the engine itself. */
  klass->threaded = FALSE;
}
