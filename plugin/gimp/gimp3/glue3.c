/* skc — the dialog's libgimp needs, GIMP 3 spelling (objects, looked up
 * by id).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "glue.h"

static gboolean
of_image (GimpImage *image, GimpItem *item, gpointer data)
{
  return gimp_image_get_id (image) == GPOINTER_TO_INT (data);
}

GtkWidget *
skc_ui_glue_drawable_combo_new (gint32 image)
{
  return gimp_drawable_combo_box_new (of_image, GINT_TO_POINTER (image),
                                      NULL);
}

GtkWidget *
skc_ui_glue_preview_new (gint32 drawable)
{
  return gimp_drawable_preview_new_from_drawable (
    gimp_drawable_get_by_id (drawable));
}

GeglBuffer *
skc_ui_glue_buffer (gint32 drawable)
{
  return gimp_drawable_get_buffer (gimp_drawable_get_by_id (drawable));
}

void
skc_ui_glue_offsets (gint32 drawable, gint *x, gint *y)
{
  gimp_drawable_get_offsets (gimp_drawable_get_by_id (drawable), x, y);
}
