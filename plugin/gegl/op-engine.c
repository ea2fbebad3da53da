/* skc — what the module's operations share (see op-engine.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "op-engine.h"

#include <string.h>

#include "shape-data.h"
#include <glib/gstdio.h>

/* GEGL's mipmap levels: a zoomed-out view asks an op for level L, whose
 * pixels are 2^L x 2^L blocks of the image (GEGL evaluates levels 0 to 7,
 * GEGL_CACHE_VALID_MIPMAPS - 1). */
#define LEVELS 8

/* What GEGL's plans take for the op's settings (GEGL plans a request
 * without saying at which level it will be computed). */
typedef struct
{
  gint reach;   /* the input asked for around a region, in level-0
                   pixels: the most any level it works at reads */
  gint level0;  /* the level-0 engine's reach */
  guint levels; /* bit L: level L is computed at that level; another
                   level at the finest one below it that is, and
                   averaged down */
} SkcOpPlan;

/* An instance's state: its engine for each level (the radius scaled by
 * 2^-level), and the settings each was built for; the plan and the
 * level-0 settings it is for. */
typedef struct
{
  GMutex lock;
  gchar *key[LEVELS];               /* the settings an engine (or failure)
                                       is for */
  SkcGeglSharedEngine *ref[LEVELS]; /* NULL when building for `key` failed */
  gchar *plan_key;
  SkcOpPlan plan;
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

/* The engines built last, by settings key, shared by every instance of
 * the module's ops: a graph made afresh for each render (a script, a
 * benchmark, GIMP rebuilding a filter's graph) finds its engines ready.
 * A few settings' worth are kept (each with its levels), the most recent
 * first; each holds one reference. */
#define RECENT_ENGINES (3 * LEVELS)

static GMutex recent_lock;
static SkcGeglSharedEngine *recent[RECENT_ENGINES];

/* A new reference to the recent engine built for `key`, or NULL. */
static SkcGeglSharedEngine *
recent_find (const gchar *key)
{
  SkcGeglSharedEngine *found = NULL;
  g_mutex_lock (&recent_lock);
  for (gint i = 0; i < RECENT_ENGINES && !found; i++)
    if (recent[i] && strcmp (recent[i]->key, key) == 0)
      {
        found = skc_gegl_shared_engine_acquire (recent[i]);
        /* Most recent first. */
        for (; i > 0; i--)
          {
            SkcGeglSharedEngine *swap = recent[i];
            recent[i] = recent[i - 1];
            recent[i - 1] = swap;
          }
      }
  g_mutex_unlock (&recent_lock);
  return found;
}

/* Keeps `shared` (its key set) as the most recent engine, dropping the
 * oldest. */
static void
recent_add (SkcGeglSharedEngine *shared)
{
  g_mutex_lock (&recent_lock);
  SkcGeglSharedEngine *oldest = recent[RECENT_ENGINES - 1];
  memmove (recent + 1, recent, (RECENT_ENGINES - 1) * sizeof *recent);
  recent[0] = skc_gegl_shared_engine_acquire (shared);
  g_mutex_unlock (&recent_lock);
  skc_gegl_shared_engine_release (oldest);
}

static void
state_free (gpointer data)
{
  SkcOpState *state = data;
  for (gint level = 0; level < LEVELS; level++)
    {
      skc_gegl_shared_engine_release (state->ref[level]);
      g_free (state->key[level]);
    }
  g_free (state->plan_key);
  g_mutex_clear (&state->lock);
  g_free (state);
}

/* GEGL hands the op one region per call; the engine spreads each band of
 * it over GEGL's thread count, read per call (a change of it rebuilds
 * nothing). */
static skc_run
gegl_run (void)
{
  gint threads = 1;
  g_object_get (gegl_config (), "threads", &threads, NULL);
  skc_run run = { .threads = threads };
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

static gboolean
has_text (const gchar *text)
{
  return text && text[0];
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
  /* A kernel file replaces the shape (embedded shape or filter data
     replaces both: build_engine decodes it). */
  if (!has_text (sources->shape_data) && !has_text (sources->filter_data)
      && has_text (sources->kernel_file)
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
  /* Then the shape's sources, which set the whole shape. */
  const gchar *sources[] = { "kernel-file", "shape-data", "filter-data" };
  for (gint i = 0; i < SKC_PARAM_COUNT + (gint) G_N_ELEMENTS (sources); i++)
    {
      const gchar *name
          = i < SKC_PARAM_COUNT ? table[i].name : sources[i - SKC_PARAM_COUNT];
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
 * identical engines.  `level` scales the radius (after a preset's). */
static gchar *
engine_key (const SkcOpSources *sources, const skc_params *p, gint level)
{
  char shape[512];
  gchar *kernel_file = file_key (sources->kernel_file);
  gchar *preset = file_key (sources->preset);
  gchar *rows = skc_gegl_params_key (p);
  /* Shape and filter data can be long: their digests stand for them. */
  gchar *data = has_text (sources->shape_data) ? g_compute_checksum_for_string (
                    G_CHECKSUM_SHA256, sources->shape_data, -1)
                                               : g_strdup ("");
  gchar *filter = has_text (sources->filter_data)
                      ? g_compute_checksum_for_string (G_CHECKSUM_SHA256,
                                                       sources->filter_data, -1)
                      : g_strdup ("");
  skc_shape_format (&p->shape, shape, sizeof shape);
  /* The map's format says which values it can hold (skc_gegl_map_codes). */
  gchar *key = g_strdup_printf (
      "%s|file=%s|data=%s|filter=%s|preset=%s|map=%d:%s|%s|level=%d", shape,
      kernel_file, data, filter, preset, sources->with_map ? 1 : 0,
      sources->with_map && sources->map_source
          ? babl_get_name (sources->map_source)
          : "",
      rows, level);
  g_free (data);
  g_free (filter);
  g_free (rows);
  g_free (kernel_file);
  g_free (preset);
  return key;
}

/* A new engine for `params` and the op's sources at `level`, kept among
 * the recent ones under `key`; NULL after a warning when it cannot be
 * built. */
static SkcGeglSharedEngine *
build_engine (GeglOperation *op, const SkcOpSources *sources,
              skc_params *params, gint level, const gchar *key)
{
  skc_engine *engine = NULL;
  skc_error err = { { 0 } };
  skc_preset *preset = NULL;
  skc_image shape = { 0 };
  skc_filter *filter = NULL;
  skc_result r = SKC_OK;
  if (has_text (sources->preset))
    r = skc_preset_use (sources->preset, explicit_fields (op), params, &preset,
                        &err);
  /* Embedded shape or filter data is the shape (the preset's shape is not
     used: explicit_fields counts the data as a whole shape). */
  if (r == SKC_OK && has_text (sources->shape_data))
    {
      r = skc_gegl_shape_data_decode (sources->shape_data, &shape, &err);
      skc_shape_init (&params->shape);
      params->shape_image = &shape;
      params->filter = NULL;
    }
  else if (r == SKC_OK && has_text (sources->filter_data))
    {
      r = skc_gegl_filter_data_decode (sources->filter_data, &filter, &err);
      skc_shape_init (&params->shape);
      params->shape_image = NULL;
      params->filter = filter;
    }
  if (r == SKC_OK)
    {
      skc_run run = gegl_run ();
      /* A level's pixels are 2^level wide: so is its radius, in them. */
      params->radius = ldexp (params->radius, -level);
      /* An 8-bit map holds its 256 codes' values at most (as the aux is
         read, in the format prepare set): the engine fits its kernels at
         exactly their radii. */
      float codes[256];
      int count = sources->with_map && sources->map_source
                      ? skc_gegl_map_codes (
                          sources->map_source,
                          gegl_operation_get_format (op, "aux"), codes)
                      : 0;
      r = skc_gegl_engine_new (params, sources->with_map, codes, count, &run,
                               &engine, &err);
    }
  params->shape_image = NULL;
  params->filter = NULL;
  skc_image_free (&shape);
  skc_filter_free (filter);
  skc_preset_free (preset);
  if (r != SKC_OK)
    {
      g_warning ("%s: %s (the input passes through unchanged)",
                 class_data (op)->name, err.message);
      return NULL;
    }
  SkcGeglSharedEngine *shared = skc_gegl_shared_engine_new (engine, key);
  recent_add (shared);
  return shared;
}

/* The engine for the op's current properties at `level` (release it with
 * skc_gegl_shared_engine_release), or NULL after one g_warning per
 * settings when it cannot be built.  Built only when no recent one has
 * the settings. */
static SkcGeglSharedEngine *
acquire_engine (GeglOperation *op, const SkcOpSources *sources, gint level)
{
  SkcOpState *state = op_state (op);
  SkcGeglSharedEngine *ref = NULL;
  skc_params params;
  params_from_properties (op, sources, &params);
  gchar *key = engine_key (sources, &params, level);

  g_mutex_lock (&state->lock);
  if (!state->key[level] || strcmp (state->key[level], key) != 0)
    {
      skc_gegl_shared_engine_release (state->ref[level]);
      g_free (state->key[level]);
      state->key[level] = key;
      key = NULL;
      state->ref[level] = recent_find (state->key[level]);
      if (!state->ref[level])
        state->ref[level]
            = build_engine (op, sources, &params, level, state->key[level]);
    }
  if (state->ref[level])
    ref = skc_gegl_shared_engine_acquire (state->ref[level]);
  g_mutex_unlock (&state->lock);
  g_free (key);
  return ref;
}

/* A level is worked at when what it reads, in level-0 pixels, stays
 * within this many times the full-resolution reach (or LEVEL_MIN_REACH):
 * GEGL asks for the input of a request before it says the level, so the
 * input asked for at every level covers the most any of them reads.  A
 * level's engine reads its reach in its own pixels, and the knots' block
 * margin (63 px) does not shrink with the radius: at high levels that
 * margin alone is thousands of level-0 pixels. */
#define LEVEL_REACH_FACTOR 4
#define LEVEL_MIN_REACH 256

/* The plan for the op's current properties (sources from op_sources):
 * the levels it works at and the input around a region they need.
 * Builds the levels' engines when no recent ones have the settings (GEGL
 * asks while it plans).  A fitted filter (a .skc kernel file) has its own
 * size, which no radius scales: it works at full resolution at every
 * level, and GEGL averages the level's pixels from it.  Such a level
 * reads its input at the level worked at: right after a buffer source
 * (GIMP's layer), not yet after an op that computes only the level
 * asked for. */
static SkcOpPlan
current_plan (GeglOperation *op, const SkcOpSources *sources)
{
  SkcOpState *state = op_state (op);
  skc_params params;
  params_from_properties (op, sources, &params);
  gchar *key = engine_key (sources, &params, 0);
  SkcOpPlan plan = { 0, 0, 1 };
  gboolean known = FALSE;
  g_mutex_lock (&state->lock);
  if (state->plan_key && strcmp (state->plan_key, key) == 0)
    {
      plan = state->plan;
      known = TRUE;
    }
  g_mutex_unlock (&state->lock);
  if (known)
    {
      g_free (key);
      return plan;
    }
  gboolean fixed_size
      = !has_text (sources->shape_data)
        && (has_text (sources->filter_data)
            || (sources->kernel_file
                && skc_gegl_shape_file_is_filter (sources->kernel_file)));
  gint bound = LEVEL_MIN_REACH;
  for (gint level = 0; level < (fixed_size ? 1 : LEVELS); level++)
    {
      SkcGeglSharedEngine *ref = acquire_engine (op, sources, level);
      /* Settings that build no engine (a warning said why) pass the input
         through at every level. */
      if (!ref && level == 0)
        break;
      if (!ref)
        continue;
      /* A level's region is rounded out to its grid, GEGL's input to it
         perhaps in: two of its pixels more. */
      gint reach = skc_engine_reach (ref->engine);
      if (level > 0)
        reach = (reach + 2) << level;
      else
        bound = MAX (bound, LEVEL_REACH_FACTOR * reach);
      if (level == 0 || reach <= bound)
        {
          plan.reach = MAX (plan.reach, reach);
          plan.levels |= 1u << level;
        }
      if (level == 0)
        plan.level0 = reach;
      skc_gegl_shared_engine_release (ref);
    }
  /* A level not taken is worked at a finer one over its pixels' whole
     footprint: up to 2^7 - 1 level-0 pixels beyond the region.  And a
     multiple of 2^7 keeps the input asked for on every level's grid when
     the region is (GEGL asks for a level's region scaled up), which
     spares the ops before this one the rounding at a level (a point op
     drops a pixel where a region is off the grid). */
  gint coarsest = 1 << (LEVELS - 1);
  if (plan.levels != (1u << LEVELS) - 1)
    plan.reach += coarsest - 1;
  plan.reach = (plan.reach + coarsest - 1) / coarsest * coarsest;
  g_mutex_lock (&state->lock);
  g_free (state->plan_key);
  state->plan_key = key;
  state->plan = plan;
  g_mutex_unlock (&state->lock);
  return plan;
}

/* The plan's reach for the current properties, or -1 when none is known
 * yet (never builds). */
static gint
current_reach (GeglOperation *op)
{
  SkcOpState *state = op_state (op);
  SkcOpSources sources = op_sources (op);
  gint reach = -1;
  skc_params params;
  params_from_properties (op, &sources, &params);
  gchar *key = engine_key (&sources, &params, 0);
  g_mutex_lock (&state->lock);
  if (state->plan_key && strcmp (state->plan_key, key) == 0)
    reach = state->plan.reach;
  g_mutex_unlock (&state->lock);
  g_free (key);
  return reach;
}

const Babl *
skc_op_pixel_format (const Babl *input_format)
{
  if (!input_format)
    return babl_format ("RGBA float");
  gboolean premultiplied
      = (babl_get_model_flags (babl_format_get_model (input_format))
         & BABL_MODEL_FLAG_ASSOCIATED)
        != 0;
  return babl_format_with_space (premultiplied ? "RaGaBaA float" : "RGBA float",
                                 babl_format_get_space (input_format));
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
  if (has_text (sources.preset)
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

static GeglRectangle grow (const GeglRectangle *rect, gint by);

/* A request whose input (grown by the reach) is more than this share of
 * the image, and more than twice the request, computes the whole image
 * (get_cached_region). */
#define WHOLE_IMAGE_SHARE 0.125

/* The region the op computes for a request: the region asked for (so that
 * a zoomed-in preview costs its view plus the reach), unless its input
 * (the request grown by the reach) is both more than twice the request
 * and a good part of the image: then the whole image, once, and later
 * requests come from GEGL's cache of the node.  Large reaches (FFT cells,
 * coarse scales) would otherwise make each of GEGL's chunks of a whole
 * render recompute most of its neighbours' work; small ones cost a chunk
 * less than the whole image's one pass does.  Results do not depend on
 * the choice (the core's promise).  GEGL asks while it plans: the engine
 * is built here when no recent one has the settings. */
static GeglRectangle
get_cached_region (GeglOperation *op, const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
  if (!in_rect || gegl_rectangle_is_infinite_plane (in_rect)
      || gegl_rectangle_is_empty (in_rect))
    return *roi;
  SkcOpSources sources = op_sources (op);
  SkcOpPlan plan = current_plan (op, &sources);
  /* What a full-resolution render of a request of this size reads (other
     levels cost in proportion), counted away from the image's edges: GEGL
     renders a whole image in chunks from a corner, where the reach is cut
     off on two sides, and a first chunk computed alone was computed again
     with the whole image the second chunk brought (24 MP, map R 150: 0.12
     s of 1.5). */
  GeglRectangle need = grow (roi, plan.level0);
  gdouble need_area = (gdouble) need.width * need.height;
  if (need_area > WHOLE_IMAGE_SHARE * in_rect->width * in_rect->height
      && need_area > 2.0 * roi->width * roi->height)
    return *in_rect;
  return *roi;
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

/* The region grown by the engine's reach, within the input (the core
 * clamps at the input's edges and reads nothing beyond); the aux map is
 * read over the same rectangle.  GEGL asks while it plans: the engine is
 * built here when no recent one has the settings. */
static GeglRectangle
get_required_for_output (GeglOperation *op, const gchar *input_pad,
                         const GeglRectangle *roi)
{
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
  SkcOpSources sources = op_sources (op);
  SkcOpPlan plan = current_plan (op, &sources);
  gint reach = plan.reach;
  GeglRectangle need = grow (roi, reach);
  if (in_rect && !gegl_rectangle_is_infinite_plane (in_rect)
      && !gegl_rectangle_is_infinite_plane (&need))
    gegl_rectangle_intersect (&need, &need, in_rect);
  return need;
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

/* GEGL's progress for the op's node: the fraction of the region done
 * (GEGL gives an op no way to be cancelled mid-region; GIMP stops between
 * regions, which stay small). */
static gboolean
report_progress (gdouble fraction, gpointer data)
{
  gegl_operation_progress (data, fraction, (gchar *) "");
  return TRUE;
}

/* `rect` (level-0 pixels) on the grid of `level`: every level pixel it
 * touches.  Neighbouring regions share their edge pixels; both compute
 * them alike. */
static GeglRectangle
level_rect (const GeglRectangle *rect, gint level)
{
  gint x0 = rect->x >> level, y0 = rect->y >> level;
  /* Right shifts of negative numbers round down (GCC, Clang). */
  gint x1 = -((-(rect->x + rect->width)) >> level);
  gint y1 = -((-(rect->y + rect->height)) >> level);
  GeglRectangle scaled = { x0, y0, x1 - x0, y1 - y0 };
  return scaled;
}

void
skc_op_process (GeglOperation *op, gboolean with_map, GeglBuffer *input,
                GeglBuffer *aux, GeglBuffer *output, const GeglRectangle *roi,
                gint level)
{
  SkcOpSources sources = op_sources (op);
  sources.with_map = with_map;
  if (!with_map)
    sources.map_source = NULL;
  const Babl *format = gegl_operation_get_format (op, "input");
  if (level < 0 || level >= LEVELS)
    level = 0;
  /* A level the plan did not take is worked at the finest one below it
     that it took: GEGL averages the level's pixels from that one's. */
  guint levels = current_plan (op, &sources).levels;
  gint work = level;
  while (work > 0 && !(levels & (1u << work)))
    work--;
  SkcGeglSharedEngine *ref = acquire_engine (op, &sources, work);
  skc_result r = SKC_ERR_INVALID_ARGUMENT;
  const GeglRectangle *in_rect
      = gegl_operation_source_get_bounding_box (op, "input");
  GeglRectangle image = level_rect (in_rect ? in_rect : roi, level);
  /* Only the image has pixels to blur; GEGL clips its requests to the
     bounding box, this is for safety. */
  GeglRectangle rect = level_rect (roi, level);
  gegl_rectangle_intersect (&rect, &rect, &image);
  /* The pixels of the level worked at under rect's, all of them, so that
     each of rect's pixels averages the same ones whatever the region. */
  gint up = level - work;
  GeglRectangle work_image = level_rect (in_rect ? in_rect : roi, work);
  GeglRectangle work_rect = { rect.x * (1 << up), rect.y * (1 << up),
                              rect.width << up, rect.height << up };
  gegl_rectangle_intersect (&work_rect, &work_rect, &work_image);
  /* Worked at a finer level, the region goes through a buffer of its own
     (in level-0 pixels), whose coarser levels GEGL averages from it. */
  GeglBuffer *target = output;
  if (work != level)
    {
      GeglRectangle extent
          = { work_rect.x * (1 << work), work_rect.y * (1 << work),
              work_rect.width << work, work_rect.height << work };
      target = gegl_buffer_new (&extent, format);
    }
  if (ref)
    {
      skc_error err = { { 0 } };
      skc_run run = gegl_run ();
      r = skc_gegl_blur (
          ref->engine, input, with_map ? aux : NULL, target, format,
          with_map ? gegl_operation_get_format (op, "aux") : NULL, &work_image,
          &work_rect, work, &run, report_progress, op, &err);
      if (r != SKC_OK)
        g_warning ("%s: %s (the input passes through unchanged)",
                   class_data (op)->name, err.message);
      skc_gegl_shared_engine_release (ref);
    }
  if (target != output)
    {
      if (r == SKC_OK)
        skc_gegl_copy_at_level (target, output, &rect, level, format);
      g_object_unref (target);
    }
  /* Output = input on the region: the defined result after an error. */
  if (r != SKC_OK)
    skc_gegl_copy_at_level (input, output, &rect, level, format);
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
  /* One call per region, threaded by the engine itself (GEGL's threads
     would each cut the region again, each piece with its margin). */
  klass->threaded = FALSE;
}
