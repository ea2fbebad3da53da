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

GtkWidget *
skc_ui_glue_drawable_combo_new (gint32 image)
{
  return gimp_drawable_combo_box_new (of_image, GINT_TO_POINTER (image));
}

GtkWidget *
skc_ui_glue_preview_new (gint32 drawable)
{
  return gimp_drawable_preview_new_from_drawable_id (drawable);
}

GeglBuffer *
skc_ui_glue_buffer (gint32 drawable)
{
  return gimp_drawable_get_buffer (drawable);
}

void
skc_ui_glue_offsets (gint32 drawable, gint *x, gint *y)
{
  gimp_drawable_offsets (drawable, x, y);
}
