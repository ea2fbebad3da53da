/* skc — the dialog's libgimp needs, GIMP 2.10 spelling (drawable ids).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "glue.h"

static gboolean
of_image (gint32 image, gint32 item, gpointer data)
{
  return image == GPOINTER_TO_INT (data);
}

gboolean
skc_gimp_glue_is_indexed (gint32 drawable)
{
  return gimp_drawable_is_indexed (drawable);
}

gboolean
skc_gimp_glue_is_drawable_of (gint32 item, gint32 image)
{
  return gimp_item_is_valid (item) && gimp_item_is_drawable (item)
         && gimp_item_get_image (item) == image;
}

gboolean
skc_gimp_glue_effect_possible (gint32 drawable)
{
  return FALSE;
}

const gchar *
skc_gimp_glue_effect_note (gint32 drawable, gboolean with_map)
{
  return NULL;
}

gboolean
skc_gimp_glue_mask_intersect (gint32 drawable, GeglRectangle *area)
{
  return gimp_drawable_mask_intersect (drawable, &area->x, &area->y,
                                       &area->width, &area->height);
}

GeglBuffer *
skc_gimp_glue_shadow_buffer (gint32 drawable)
{
  return gimp_drawable_get_shadow_buffer (drawable);
}

void
skc_gimp_glue_merge_shadow (gint32 drawable, const GeglRectangle *area)
{
  gimp_drawable_merge_shadow (drawable, TRUE);
  gimp_drawable_update (drawable, area->x, area->y, area->width, area->height);
}

gint32
skc_gimp_glue_selection (gint32 image)
{
  return gimp_selection_is_empty (image) ? -1
                                         : gimp_image_get_selection (image);
}

void
skc_gimp_glue_merge_shadow_unmasked (gint32 image, gint32 drawable,
                                     const GeglRectangle *area)
{
  gint32 saved
      = gimp_selection_is_empty (image) ? -1 : gimp_selection_save (image);
  gimp_selection_none (image);
  skc_gimp_glue_merge_shadow (drawable, area);
  if (saved != -1)
    {
      gimp_image_select_item (image, GIMP_CHANNEL_OP_REPLACE, saved);
      gimp_image_remove_channel (image, saved);
    }
}

GtkWidget *
skc_gimp_glue_drawable_combo_new (gint32 image)
{
  return gimp_drawable_combo_box_new (of_image, GINT_TO_POINTER (image));
}

GtkWidget *
skc_gimp_glue_preview_new (gint32 drawable)
{
  return gimp_drawable_preview_new_from_drawable_id (drawable);
}

GeglBuffer *
skc_gimp_glue_buffer (gint32 drawable)
{
  return gimp_drawable_get_buffer (drawable);
}

void
skc_gimp_glue_offsets (gint32 drawable, gint *x, gint *y)
{
  gimp_drawable_offsets (drawable, x, y);
}

typedef struct
{
  SkcGimpBrushPicked picked;
  gpointer data;
} BrushHook;

/* GIMP 2.10 hands the brush's mask over with the signal. */
static void
brush_set (GimpBrushSelectButton *button, const gchar *name, gdouble opacity,
           gint spacing, GimpLayerMode mode, gint width, gint height,
           const guchar *mask, gboolean closing, gpointer data)
{
  BrushHook *hook = data;
  gsize count = (gsize) width * height;
  gfloat *values = mask ? g_try_new (gfloat, count) : NULL;
  if (!values)
    return;
  for (gsize i = 0; i < count; i++)
    values[i] = mask[i] / 255.0f;
  hook->picked (values, width, height, hook->data);
  g_free (values);
}

GtkWidget *
skc_gimp_glue_brush_button_new (SkcGimpBrushPicked picked, gpointer data)
{
  BrushHook *hook = g_new (BrushHook, 1);
  GtkWidget *button = gimp_brush_select_button_new ("Start from a GIMP brush",
                                                    NULL, -1.0, -1, -1);
  hook->picked = picked;
  hook->data = data;
  g_signal_connect_data (button, "brush-set", G_CALLBACK (brush_set), hook,
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  return button;
}

/* GIMP 2.10 has no procedure config: the values are the settings struct
 * the plug-in keeps with gimp_get_data and gimp_set_data. */
gdouble
skc_gimp_values_get (SkcGimpValues *values, const SkcGimpArg *arg)
{
  return skc_gimp_arg_get ((SkcGimpSettings *) values, arg);
}

void
skc_gimp_values_set (SkcGimpValues *values, const SkcGimpArg *arg,
                     gdouble value)
{
  skc_gimp_arg_set ((SkcGimpSettings *) values, arg, value);
}

gchar *
skc_gimp_values_dup_text (SkcGimpValues *values, const SkcGimpArg *arg)
{
  const gchar *text = skc_gimp_arg_text ((SkcGimpSettings *) values, arg);
  return g_strdup (text ? text : "");
}

void
skc_gimp_values_set_text (SkcGimpValues *values, const SkcGimpArg *arg,
                          const gchar *text)
{
  gchar *field = skc_gimp_arg_text ((SkcGimpSettings *) values, arg);
  if (field)
    g_strlcpy (field, text ? text : "", SKC_GIMP_SPEC_MAX);
}

void
skc_gimp_values_read (SkcGimpValues *values, SkcGimpSettings *out)
{
  *out = *(SkcGimpSettings *) values;
}
