/* skc — the GIMP 3 plug-in plug-in-skc-lens-blur: a GimpPlugIn whose one
 * image procedure takes the parameter table as arguments (remembered by
 * its GimpProcedureConfig), with undo and progress.  The blur itself is
 * ../blur.c; the dialog ../dialog.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "procedure.h"
#include "dialog.h"
#include "glue.h"
#include "shape-data.h"

#define SKC_TYPE_LENS_BLUR (skc_lens_blur_get_type ())
G_DECLARE_FINAL_TYPE (SkcLensBlur, skc_lens_blur, SKC, LENS_BLUR, GimpPlugIn)

struct _SkcLensBlur
{
  GimpPlugIn parent_instance;
};

G_DEFINE_TYPE (SkcLensBlur, skc_lens_blur, GIMP_TYPE_PLUG_IN)

GIMP_MAIN (SKC_TYPE_LENS_BLUR)

static GList *
query_procedures (GimpPlugIn *plug_in)
{
  return g_list_append (NULL, g_strdup (SKC_GIMP_PROCEDURE));
}

static GimpProcedure *create_procedure (GimpPlugIn *plug_in, const gchar *name);

/* A map painted in the dialog becomes a hidden channel of the image, the
 * blur map from then on (the caller holds an undo group open). */
static GimpChannel *
store_painted_map (GimpImage *image, GimpDrawable *drawable, const gfloat *map,
                   gboolean map_linear)
{
  GeglColor *tint = gegl_color_new ("rgb(0.0, 0.3, 1.0)");
  gint dx, dy;
  GimpChannel *channel = gimp_channel_new (
      image, SKC_GIMP_MAP_CHANNEL, gimp_image_get_width (image),
      gimp_image_get_height (image), 50.0, tint);
  g_object_unref (tint);
  gimp_image_insert_channel (image, channel, NULL, 0);
  gimp_item_set_visible (GIMP_ITEM (channel), FALSE);
  gimp_drawable_get_offsets (drawable, &dx, &dy);
  GeglBuffer *buffer = gimp_drawable_get_buffer (GIMP_DRAWABLE (channel));
  skc_gimp_write_map (buffer, dx, dy, gimp_drawable_get_width (drawable),
                      gimp_drawable_get_height (drawable), map, map_linear);
  g_object_unref (buffer);
  return channel;
}

/* Sets a table row (or the op's kernel-file or preset string) on a filter's
 * config, whatever type GIMP gave the property (an enum may come as a
 * choice of nicks). */
static void
config_set (GObject *config, const gchar *name, gdouble number,
            const gchar *text)
{
  GParamSpec *pspec
      = g_object_class_find_property (G_OBJECT_GET_CLASS (config), name);
  if (!pspec)
    return;
  if (G_IS_PARAM_SPEC_STRING (pspec))
    g_object_set (config, name, text ? text : "", NULL);
  else if (G_IS_PARAM_SPEC_ENUM (pspec) || G_IS_PARAM_SPEC_INT (pspec))
    g_object_set (config, name, (gint) number, NULL);
  else if (G_IS_PARAM_SPEC_BOOLEAN (pspec))
    g_object_set (config, name, number != 0, NULL);
  else if (G_IS_PARAM_SPEC_DOUBLE (pspec))
    g_object_set (config, name, number, NULL);
}

/* A shape from a file, as the effect carries it, so that the effect
 * renders without the file (on another machine, or after the file is
 * gone): an image (a drawn shape is a PFM in the profile) as shape data,
 * a fitted .skc filter as filter data (its bytes: the filter is the
 * user's exact choice, which its kernel fitted again would not be).
 * FALSE when the file cannot be read (the caller then blurs the pixels,
 * which reports why). */
static gboolean
file_shape_data (const gchar *path, gchar **data, gchar **filter_data)
{
  SkcGeglShapeFile file;
  *data = *filter_data = NULL;
  if (skc_gegl_shape_file_is_filter (path))
    return (*filter_data = skc_gegl_filter_data_from_file (path, NULL)) != NULL;
  if (skc_gegl_shape_file_load (path, SKC_GEGL_WANT_IMAGE_OR_FILTER, &file,
                                NULL)
      != SKC_OK)
    return FALSE;
  if (!file.filter)
    *data = skc_gegl_shape_data_encode (&file.weights, NULL);
  skc_gegl_shape_file_clear (&file);
  return *data != NULL;
}

/* A uniform blur of a layer is kept as an editable layer effect: the
 * module's skc:bokeh-blur appended to the layer with the settings as its
 * properties, naming no file: a shape file is embedded (file_shape_data)
 * and a preset is expanded into the properties (each row as the preset
 * and the settings give it, as `skc apply --preset` takes them; its shape
 * spec as the shape rows, its bitmap as shape data).  The preset's fitted
 * filters are not kept: the op fits them again, with the same seed.
 * FALSE (nothing changed) when it cannot be: not a layer, a bad spec,
 * shape or preset file, a preset with another fit seed than the default
 * (the op has no seed), or GIMP without the op or its filter-data (the
 * caller then blurs the pixels). */
static gboolean
attach_effect (GimpDrawable *drawable, const SkcGimpSettings *s)
{
  const skc_param_info *table = skc_param_table ();
  skc_params values, defaults;
  skc_preset *preset = NULL;
  gchar *data = NULL, *filter_data = NULL;
  skc_params_init (&defaults);
  gboolean embeddable
      = skc_gimp_glue_effect_possible (gimp_item_get_id (GIMP_ITEM (drawable)))
        && skc_gimp_settings_to_params (s, &values, &preset, NULL) == SKC_OK
        && values.seed == defaults.seed;
  /* The preset's bitmap (values points into the preset until it is
     freed). */
  if (embeddable && values.shape_image)
    embeddable = (data = skc_gegl_shape_data_encode (values.shape_image, NULL))
                 != NULL;
  else if (embeddable && values.shape.kind == SKC_SHAPE_FILE)
    embeddable = file_shape_data (values.shape.path, &data, &filter_data);
  gboolean shape_embedded = data || filter_data;
  values.shape_image = NULL;
  skc_preset_free (preset);
  GimpDrawableFilter *filter
      = embeddable ? gimp_drawable_filter_new (drawable, SKC_GIMP_EFFECT_OP,
                                               "Bokeh Blur (custom shape)")
                   : NULL;
  GObject *config
      = filter ? G_OBJECT (gimp_drawable_filter_get_config (filter)) : NULL;
  /* An older module without filter-data would render a disc. */
  if (config && filter_data
      && !g_object_class_find_property (G_OBJECT_GET_CLASS (config),
                                        "filter-data"))
    {
      gimp_drawable_filter_delete (filter);
      filter = NULL;
    }
  if (!filter)
    {
      g_free (data);
      g_free (filter_data);
      return FALSE;
    }
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    {
      const skc_param_info *row = &table[i];
      gdouble v = skc_param_get (&values, row);
      if (row->type == SKC_PARAM_TYPE_SHAPE)
        config_set (config, row->name, v,
                    shape_embedded ? skc_shape_name (SKC_SHAPE_DISC)
                                   : skc_shape_name (values.shape.kind));
      else if (skc_param_choice_count (row) > 0)
        config_set (config, row->name, v,
                    skc_param_choice_name (row, (gint) v));
      else
        config_set (config, row->name, v, NULL);
    }
  config_set (config, "kernel-file", 0, "");
  config_set (config, "shape-data", 0, data);
  config_set (config, "filter-data", 0, filter_data);
  config_set (config, "preset", 0, "");
  g_free (data);
  g_free (filter_data);
  gimp_drawable_filter_update (filter);
  gimp_drawable_append_filter (drawable, filter);
  /* A refused append can fail silently: look for it. */
  GimpDrawableFilter **filters = gimp_drawable_get_filters (drawable);
  gboolean kept = FALSE;
  for (gint i = 0; filters && filters[i]; i++)
    kept = kept
           || gimp_drawable_filter_get_id (filters[i])
                  == gimp_drawable_filter_get_id (filter);
  g_free (filters);
  return kept;
}

static GimpValueArray *
run (GimpProcedure *procedure, GimpRunMode run_mode, GimpImage *image,
     GimpDrawable **drawables, GimpProcedureConfig *config, gpointer data)
{
  GError *error = NULL;
  GimpPDBStatusType status = GIMP_PDB_SUCCESS;
  SkcGimpSettings settings;
  gfloat *painted = NULL;
  GimpChannel *channel = NULL;

  if (!drawables || !drawables[0] || drawables[1])
    {
      g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                   "%s works on exactly one drawable", SKC_GIMP_PROCEDURE);
      return gimp_procedure_new_return_values (procedure,
                                               GIMP_PDB_CALLING_ERROR, error);
    }
  gegl_init (NULL, NULL);
  /* The module's ops are GPL-3.0-or-later: listed to GPL programs only. */
  g_object_set (gegl_config (), "application-license", "GPL3", NULL);
  /* The dialog edits the config in place (GIMP keeps it only after a
     successful run); the blur reads it once it is final. */
  SkcGimpValues *values = (SkcGimpValues *) config;
  if (run_mode == GIMP_RUN_INTERACTIVE)
    {
      const SkcGimpArg *map_arg = skc_gimp_arg_find ("map");
      gimp_ui_init (SKC_GIMP_BINARY);
      /* A remembered map belongs to the image it was used on. */
      gint32 id = (gint32) skc_gimp_values_get (values, map_arg);
      GimpDrawable *map = id >= 0 ? gimp_drawable_get_by_id (id) : NULL;
      if (!map || gimp_item_get_image (GIMP_ITEM (map)) != image)
        skc_gimp_values_set (values, map_arg, -1);
      if (!skc_gimp_dialog_run (gimp_image_get_id (image),
                                gimp_item_get_id (GIMP_ITEM (drawables[0])),
                                values, &painted))
        status = GIMP_PDB_CANCEL;
    }
  skc_gimp_values_read (values, &settings);
  /* The new channel and the blur are one undo step; a failed blur takes
     the channel away again. */
  gimp_image_undo_group_start (image);
  if (status == GIMP_PDB_SUCCESS && painted)
    {
      channel = store_painted_map (image, drawables[0], painted,
                                   settings.values.map_linear);
      settings.map = gimp_item_get_id (GIMP_ITEM (channel));
      /* Remembered as the map from now on. */
      skc_gimp_values_set (values, skc_gimp_arg_find ("map"), settings.map);
    }
  /* Chosen in the dialog without a map: an effect the user can edit later
     from the layer's Effects (scripts get pixels, as they always have). */
  gboolean effect = status == GIMP_PDB_SUCCESS
                    && run_mode == GIMP_RUN_INTERACTIVE && settings.map == -1
                    && settings.values.depth != SKC_DEPTH_SUBJECT
                    && attach_effect (drawables[0], &settings);
  if (status == GIMP_PDB_SUCCESS && !effect)
    status = skc_gimp_blur_drawable (
        gimp_image_get_id (image), gimp_item_get_id (GIMP_ITEM (drawables[0])),
        &settings, &error);
  if (status != GIMP_PDB_SUCCESS && channel)
    gimp_image_remove_channel (image, channel);
  gimp_image_undo_group_end (image);
  g_free (painted);
  if (status == GIMP_PDB_SUCCESS && run_mode != GIMP_RUN_NONINTERACTIVE)
    gimp_displays_flush ();
  return gimp_procedure_new_return_values (procedure, status, error);
}

static GimpProcedure *
create_procedure (GimpPlugIn *plug_in, const gchar *name)
{
  if (g_strcmp0 (name, SKC_GIMP_PROCEDURE) != 0)
    return NULL;
  GimpProcedure *procedure = gimp_image_procedure_new (
      plug_in, name, GIMP_PDB_PROC_TYPE_PLUGIN, run, NULL, NULL);
  gimp_procedure_set_image_types (procedure, "RGB*, GRAY*");
  gimp_procedure_set_sensitivity_mask (procedure,
                                       GIMP_PROCEDURE_SENSITIVE_DRAWABLE);
  gimp_procedure_set_menu_label (procedure, "Sparse _Lens Blur...");
  gimp_procedure_add_menu_path (procedure, "<Image>/Filters/Blur");
  gimp_procedure_set_documentation (
      procedure, "Lens blur with a bokeh of any shape",
      "Out-of-focus blur whose bokeh (the shape one bright point takes) is a "
      "built-in iris, star, heart or ring, or any shape from a file, "
      "uniform or varying per pixel from a blur map, with swirl, cat-eye and "
      "highlight boost.  Computed with sparse kernel complexes.",
      name);
  gimp_procedure_set_attribution (procedure, "skc developers", "skc developers",
                                  "2026");

  gsize count;
  const SkcGimpArg *args = skc_gimp_args (&count);
  SkcGimpSettings defaults;
  skc_gimp_settings_init (&defaults);
  for (gsize i = 0; i < count; i++)
    {
      const SkcGimpArg *a = &args[i];
      switch (a->kind)
        {
        case SKC_GIMP_ARG_SPEC:
        case SKC_GIMP_ARG_PATH:
          gimp_procedure_add_string_argument (
              procedure, a->name, a->nick, a->blurb,
              skc_gimp_arg_text (&defaults, a), G_PARAM_READWRITE);
          break;
        case SKC_GIMP_ARG_DOUBLE:
          gimp_procedure_add_double_argument (procedure, a->name, a->nick,
                                              a->blurb, a->min, a->max,
                                              a->fallback, G_PARAM_READWRITE);
          break;
        case SKC_GIMP_ARG_DRAWABLE:
          gimp_procedure_add_drawable_argument (
              procedure, a->name, a->nick, a->blurb, TRUE, G_PARAM_READWRITE);
          break;
        case SKC_GIMP_ARG_CHOICE:
          {
            GimpChoice *choice = gimp_choice_new ();
            for (gint q = 0; q <= (gint) a->max; q++)
              gimp_choice_add (choice, skc_param_choice_name (a->row, q), q,
                               skc_param_choice_label (a->row, q), NULL);
            gimp_procedure_add_choice_argument (
                procedure, a->name, a->nick, a->blurb, choice,
                skc_param_choice_name (a->row, (gint) a->fallback),
                G_PARAM_READWRITE);
          }
          break;
        case SKC_GIMP_ARG_BOOLEAN:
          gimp_procedure_add_boolean_argument (procedure, a->name, a->nick,
                                               a->blurb, a->fallback != 0,
                                               G_PARAM_READWRITE);
          break;
        }
    }
  return procedure;
}

/* skc ships no translations (yet): say so, rather than have GIMP look. */
static gboolean
set_i18n (GimpPlugIn *plug_in, const gchar *procedure_name,
          gchar **gettext_domain, gchar **catalog_dir)
{
  return FALSE;
}

static void
skc_lens_blur_class_init (SkcLensBlurClass *klass)
{
  GimpPlugInClass *plug_in_class = GIMP_PLUG_IN_CLASS (klass);
  plug_in_class->set_i18n = set_i18n;
  plug_in_class->query_procedures = query_procedures;
  plug_in_class->create_procedure = create_procedure;
}

static void
skc_lens_blur_init (SkcLensBlur *self)
{
}
