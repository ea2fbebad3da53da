/* skc — the dialog's libgimp needs, GIMP 3 spelling (objects, looked up
 * by id).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "glue.h"
#include "settings.h"

static gboolean
of_image (GimpImage *image, GimpItem *item, gpointer data)
{
  return gimp_image_get_id (image) == GPOINTER_TO_INT (data);
}

gboolean
skc_gimp_glue_is_indexed (gint32 drawable)
{
  return gimp_drawable_is_indexed (gimp_drawable_get_by_id (drawable));
}

gboolean
skc_gimp_glue_is_drawable_of (gint32 item, gint32 image)
{
  GimpDrawable *drawable = gimp_drawable_get_by_id (item);
  GimpImage *owner
      = drawable ? gimp_item_get_image (GIMP_ITEM (drawable)) : NULL;
  return owner && gimp_image_get_id (owner) == image;
}

gboolean
skc_gimp_glue_mask_intersect (gint32 drawable, GeglRectangle *area)
{
  return gimp_drawable_mask_intersect (gimp_drawable_get_by_id (drawable),
                                       &area->x, &area->y, &area->width,
                                       &area->height);
}

GeglBuffer *
skc_gimp_glue_shadow_buffer (gint32 drawable)
{
  return gimp_drawable_get_shadow_buffer (gimp_drawable_get_by_id (drawable));
}

void
skc_gimp_glue_merge_shadow (gint32 drawable, const GeglRectangle *area)
{
  GimpDrawable *d = gimp_drawable_get_by_id (drawable);
  gimp_drawable_merge_shadow (d, TRUE);
  gimp_drawable_update (d, area->x, area->y, area->width, area->height);
}

gboolean
skc_gimp_glue_effect_possible (gint32 drawable)
{
  /* GIMP gives effects to layers only.  It finds the op where this
     process's GEGL does (the user's or the system's GEGL modules); asking
     GIMP for an op it lacks would show the user an error. */
  return gimp_item_is_layer (GIMP_ITEM (gimp_drawable_get_by_id (drawable)))
         && gegl_has_operation (SKC_GIMP_EFFECT_OP);
}

const gchar *
skc_gimp_glue_effect_note (gint32 drawable, gboolean with_map)
{
  if (!gimp_item_is_layer (GIMP_ITEM (gimp_drawable_get_by_id (drawable))))
    return "OK blurs the pixels (one undo step): GIMP keeps effects on "
           "layers only, not on channels or masks.";
  if (with_map)
    return "OK blurs the pixels (one undo step): GIMP 3 cannot keep a filter "
           "that reads a blur map as a layer effect.";
  if (!skc_gimp_glue_effect_possible (drawable))
    return "OK blurs the pixels (one undo step): GIMP has no skc:bokeh-blur "
           "to keep an effect with (install skc's GEGL module).";
  return "OK keeps the blur as a layer effect, editable later from the "
         "layer's effects (fx) in the Layers dialog.";
}

gint32
skc_gimp_glue_selection (gint32 image)
{
  GimpImage *im = gimp_image_get_by_id (image);
  return gimp_selection_is_empty (im)
             ? -1
             : gimp_item_get_id (GIMP_ITEM (gimp_image_get_selection (im)));
}

void
skc_gimp_glue_merge_shadow_unmasked (gint32 image, gint32 drawable,
                                     const GeglRectangle *area)
{
  GimpImage *im = gimp_image_get_by_id (image);
  GimpChannel *saved
      = gimp_selection_is_empty (im) ? NULL : gimp_selection_save (im);
  gimp_selection_none (im);
  skc_gimp_glue_merge_shadow (drawable, area);
  if (saved)
    {
      gimp_image_select_item (im, GIMP_CHANNEL_OP_REPLACE, GIMP_ITEM (saved));
      gimp_image_remove_channel (im, saved);
    }
}

GtkWidget *
skc_gimp_glue_drawable_combo_new (gint32 image)
{
  return gimp_drawable_combo_box_new (of_image, GINT_TO_POINTER (image), NULL);
}

GtkWidget *
skc_gimp_glue_preview_new (gint32 drawable)
{
  return gimp_drawable_preview_new_from_drawable (
      gimp_drawable_get_by_id (drawable));
}

GeglBuffer *
skc_gimp_glue_buffer (gint32 drawable)
{
  return gimp_drawable_get_buffer (gimp_drawable_get_by_id (drawable));
}

void
skc_gimp_glue_offsets (gint32 drawable, gint *x, gint *y)
{
  gimp_drawable_get_offsets (gimp_drawable_get_by_id (drawable), x, y);
}

typedef struct
{
  SkcGimpBrushPicked picked;
  gpointer data;
} BrushHook;

/* GIMP 3 names the brush; its mask is read through libgimp. */
static void
brush_set (GimpResourceChooser *chooser, GimpResource *resource,
           gboolean closing, gpointer data)
{
  BrushHook *hook = data;
  GeglBuffer *mask;
  if (!GIMP_IS_BRUSH (resource))
    return;
  mask = gimp_brush_get_mask (GIMP_BRUSH (resource), 1024, 1024,
                              babl_format ("Y float"));
  if (!mask)
    return;
  const GeglRectangle *extent = gegl_buffer_get_extent (mask);
  gfloat *values = g_try_new (gfloat, (gsize) extent->width * extent->height);
  if (values)
    {
      gegl_buffer_get (mask, extent, 1.0, babl_format ("Y float"), values,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      hook->picked (values, extent->width, extent->height, hook->data);
      g_free (values);
    }
  g_object_unref (mask);
}

GtkWidget *
skc_gimp_glue_brush_button_new (SkcGimpBrushPicked picked, gpointer data)
{
  BrushHook *hook = g_new (BrushHook, 1);
  GtkWidget *chooser
      = gimp_brush_chooser_new ("Start from a GIMP brush", "GIMP brush", NULL);
  hook->picked = picked;
  hook->data = data;
  g_signal_connect_data (chooser, "resource-set", G_CALLBACK (brush_set), hook,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  return chooser;
}

/* The values are the procedure's config: each argument a property of
 * it, under the argument's name. */
#define CONFIG(values) G_OBJECT (GIMP_PROCEDURE_CONFIG (values))

gdouble
skc_gimp_values_get (SkcGimpValues *values, const SkcGimpArg *arg)
{
  GObject *config = CONFIG (values);
  switch (arg->kind)
    {
    case SKC_GIMP_ARG_DOUBLE:
      {
        gdouble v = 0;
        g_object_get (config, arg->name, &v, NULL);
        return v;
      }
    case SKC_GIMP_ARG_DRAWABLE:
      {
        GimpDrawable *map = NULL;
        g_object_get (config, arg->name, &map, NULL);
        gint32 id = map ? gimp_item_get_id (GIMP_ITEM (map)) : -1;
        g_clear_object (&map);
        return id;
      }
    case SKC_GIMP_ARG_CHOICE:
      return gimp_procedure_config_get_choice_id (
          GIMP_PROCEDURE_CONFIG (values), arg->name);
    case SKC_GIMP_ARG_BOOLEAN:
      {
        gboolean v = FALSE;
        g_object_get (config, arg->name, &v, NULL);
        return v;
      }
    case SKC_GIMP_ARG_SPEC:
    case SKC_GIMP_ARG_PATH:
      break;
    }
  return 0;
}

void
skc_gimp_values_set (SkcGimpValues *values, const SkcGimpArg *arg,
                     gdouble value)
{
  GObject *config = CONFIG (values);
  switch (arg->kind)
    {
    case SKC_GIMP_ARG_DOUBLE:
      g_object_set (config, arg->name, value, NULL);
      break;
    case SKC_GIMP_ARG_DRAWABLE:
      g_object_set (
          config, arg->name,
          value >= 0 ? gimp_drawable_get_by_id ((gint32) value) : NULL, NULL);
      break;
    case SKC_GIMP_ARG_CHOICE:
      g_object_set (config, arg->name,
                    skc_param_choice_name (
                        arg->row, CLAMP ((gint) value, 0, (gint) arg->max)),
                    NULL);
      break;
    case SKC_GIMP_ARG_BOOLEAN:
      g_object_set (config, arg->name, value != 0, NULL);
      break;
    case SKC_GIMP_ARG_SPEC:
    case SKC_GIMP_ARG_PATH:
      break;
    }
}

gchar *
skc_gimp_values_dup_text (SkcGimpValues *values, const SkcGimpArg *arg)
{
  gchar *text = NULL;
  g_object_get (CONFIG (values), arg->name, &text, NULL);
  return text ? text : g_strdup ("");
}

void
skc_gimp_values_set_text (SkcGimpValues *values, const SkcGimpArg *arg,
                          const gchar *text)
{
  g_object_set (CONFIG (values), arg->name, text ? text : "", NULL);
}

void
skc_gimp_values_read (SkcGimpValues *values, SkcGimpSettings *out)
{
  gsize count;
  const SkcGimpArg *args = skc_gimp_args (&count);
  skc_gimp_settings_init (out);
  for (gsize i = 0; i < count; i++)
    {
      const SkcGimpArg *arg = &args[i];
      gchar *field = skc_gimp_arg_text (out, arg);
      if (field)
        {
          gchar *text = skc_gimp_values_dup_text (values, arg);
          g_strlcpy (field, text, SKC_GIMP_SPEC_MAX);
          g_free (text);
        }
      else
        skc_gimp_arg_set (out, arg, skc_gimp_values_get (values, arg));
    }
}
