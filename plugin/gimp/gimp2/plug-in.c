/* skc — the GIMP 2.10 plug-in plug-in-skc-lens-blur: procedure
 * registration, arguments, undo and progress (query/run, libgimp 2).  The
 * blur itself is ../blur.c; the dialog ../dialog.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "procedure.h"
#include "dialog.h"

static void query (void);
static void run (const gchar *name, gint nparams, const GimpParam *param,
                 gint *nreturn_vals, GimpParam **return_vals);

const GimpPlugInInfo PLUG_IN_INFO = { NULL, NULL, query, run };

MAIN ()

/* The fixed arguments before the table's. */
enum
{
  ARG_RUN_MODE,
  ARG_IMAGE,
  ARG_DRAWABLE,
  FIXED_ARGS
};

static GimpPDBArgType
pdb_type (SkcGimpArgKind kind)
{
  switch (kind)
    {
    case SKC_GIMP_ARG_SPEC:
    case SKC_GIMP_ARG_PATH:
      return GIMP_PDB_STRING;
    case SKC_GIMP_ARG_DOUBLE:
      return GIMP_PDB_FLOAT;
    case SKC_GIMP_ARG_DRAWABLE:
      return GIMP_PDB_DRAWABLE;
    case SKC_GIMP_ARG_CHOICE:
    case SKC_GIMP_ARG_BOOLEAN:
      break;
    }
  return GIMP_PDB_INT32;
}

static void
query (void)
{
  gsize count;
  const SkcGimpArg *args = skc_gimp_args (&count);
  GimpParamDef *defs = g_new0 (GimpParamDef, FIXED_ARGS + count);
  defs[ARG_RUN_MODE] = (GimpParamDef){ GIMP_PDB_INT32, "run-mode",
                                       "The run mode { RUN-INTERACTIVE (0), "
                                       "RUN-NONINTERACTIVE (1) }" };
  defs[ARG_IMAGE]
      = (GimpParamDef){ GIMP_PDB_IMAGE, "image", "Input image (unused)" };
  defs[ARG_DRAWABLE]
      = (GimpParamDef){ GIMP_PDB_DRAWABLE, "drawable", "Input drawable" };
  for (gsize i = 0; i < count; i++)
    defs[FIXED_ARGS + i]
        = (GimpParamDef){ pdb_type (args[i].kind), (gchar *) args[i].name,
                          (gchar *) args[i].blurb };

  gimp_install_procedure (
      SKC_GIMP_PROCEDURE, "Lens blur with a bokeh of any shape",
      "Out-of-focus blur whose bokeh (the shape one bright point takes) is a "
      "built-in iris, star, heart or ring, or any shape from a file, "
      "uniform or varying per pixel from a blur map, with swirl, cat-eye and "
      "highlight boost.  Computed with sparse kernel complexes.",
      "skc developers", "skc developers", "2026", "Sparse _Lens Blur...",
      "RGB*, GRAY*", GIMP_PLUGIN, (gint) (FIXED_ARGS + count), 0, defs, NULL);
  gimp_plugin_menu_register (SKC_GIMP_PROCEDURE, "<Image>/Filters/Blur");
  g_free (defs);
}

static gboolean
settings_from_args (SkcGimpSettings *s, gint nparams, const GimpParam *param)
{
  gsize count;
  const SkcGimpArg *args = skc_gimp_args (&count);
  if (nparams != (gint) (FIXED_ARGS + count))
    return FALSE;
  for (gsize i = 0; i < count; i++)
    {
      const GimpParam *p = &param[FIXED_ARGS + i];
      switch (args[i].kind)
        {
        case SKC_GIMP_ARG_SPEC:
        case SKC_GIMP_ARG_PATH:
          g_strlcpy (skc_gimp_arg_text (s, &args[i]),
                     p->data.d_string ? p->data.d_string : "",
                     SKC_GIMP_SPEC_MAX);
          break;
        case SKC_GIMP_ARG_DOUBLE:
          skc_gimp_arg_set (s, &args[i], p->data.d_float);
          break;
        case SKC_GIMP_ARG_DRAWABLE:
          skc_gimp_arg_set (s, &args[i], p->data.d_drawable);
          break;
        case SKC_GIMP_ARG_CHOICE:
        case SKC_GIMP_ARG_BOOLEAN:
          skc_gimp_arg_set (s, &args[i], p->data.d_int32);
          break;
        }
    }
  return TRUE;
}

/* A map painted in the dialog becomes a hidden channel of the image, the
 * blur map from then on (the caller holds an undo group open). */
static gint32
store_painted_map (gint32 image, gint32 drawable, const gfloat *map,
                   gboolean map_linear)
{
  static const GimpRGB tint = { 0.0, 0.3, 1.0, 1.0 };
  gint dx, dy;
  gint32 channel
      = gimp_channel_new (image, SKC_GIMP_MAP_CHANNEL, gimp_image_width (image),
                          gimp_image_height (image), 50.0, &tint);
  gimp_image_insert_channel (image, channel, 0, 0);
  gimp_item_set_visible (channel, FALSE);
  gimp_drawable_offsets (drawable, &dx, &dy);
  GeglBuffer *buffer = gimp_drawable_get_buffer (channel);
  skc_gimp_write_map (buffer, dx, dy, gimp_drawable_width (drawable),
                      gimp_drawable_height (drawable), map, map_linear);
  g_object_unref (buffer);
  return channel;
}

/* A remembered map belongs to the image it was used on. */
static void
forget_stale_map (SkcGimpSettings *s, gint32 image)
{
  s->shape[sizeof s->shape - 1] = '\0';
  if (s->map != -1
      && (!gimp_item_is_valid (s->map)
          || gimp_item_get_image (s->map) != image))
    s->map = -1;
}

static void
run (const gchar *name, gint nparams, const GimpParam *param,
     gint *nreturn_vals, GimpParam **return_vals)
{
  static GimpParam values[2];
  GimpPDBStatusType status = GIMP_PDB_SUCCESS;
  GError *error = NULL;
  SkcGimpSettings settings;
  gfloat *painted = NULL;
  gint32 channel = -1;
  GimpRunMode mode = param[ARG_RUN_MODE].data.d_int32;
  gint32 image = param[ARG_IMAGE].data.d_image;
  gint32 drawable = param[ARG_DRAWABLE].data.d_drawable;

  gegl_init (NULL, NULL);
  skc_gimp_settings_init (&settings);

  switch (mode)
    {
    case GIMP_RUN_INTERACTIVE:
      gimp_get_data (SKC_GIMP_PROCEDURE, &settings);
      forget_stale_map (&settings, image);
      gimp_ui_init (SKC_GIMP_BINARY, FALSE);
      if (!skc_gimp_dialog_run (image, drawable, (SkcGimpValues *) &settings,
                                &painted))
        status = GIMP_PDB_CANCEL;
      break;
    case GIMP_RUN_NONINTERACTIVE:
      if (!settings_from_args (&settings, nparams, param))
        {
          gsize count;
          skc_gimp_args (&count);
          g_set_error (&error, GIMP_PLUG_IN_ERROR, 0,
                       "%s takes %d arguments, got %d", SKC_GIMP_PROCEDURE,
                       (int) (FIXED_ARGS + count), nparams);
          status = GIMP_PDB_CALLING_ERROR;
        }
      break;
    case GIMP_RUN_WITH_LAST_VALS:
      gimp_get_data (SKC_GIMP_PROCEDURE, &settings);
      forget_stale_map (&settings, image);
      break;
    }

  /* The new channel and the blur are one undo step; a failed blur takes
     the channel away again. */
  gimp_image_undo_group_start (image);
  if (status == GIMP_PDB_SUCCESS && painted)
    settings.map = channel = store_painted_map (image, drawable, painted,
                                                settings.values.map_linear);
  if (status == GIMP_PDB_SUCCESS)
    status = skc_gimp_blur_drawable (image, drawable, &settings, &error);
  if (status != GIMP_PDB_SUCCESS && channel != -1)
    gimp_image_remove_channel (image, channel);
  gimp_image_undo_group_end (image);
  g_free (painted);
  if (status == GIMP_PDB_SUCCESS && mode != GIMP_RUN_NONINTERACTIVE)
    {
      gimp_displays_flush ();
      gimp_set_data (SKC_GIMP_PROCEDURE, &settings, sizeof settings);
    }

  *nreturn_vals = 1;
  *return_vals = values;
  values[0].type = GIMP_PDB_STATUS;
  values[0].data.d_status = status;
  if (error)
    {
      *nreturn_vals = 2;
      values[1].type = GIMP_PDB_STRING;
      values[1].data.d_string = g_strdup (error->message);
      g_error_free (error);
    }
  gegl_exit ();
}
