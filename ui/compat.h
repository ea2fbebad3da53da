/* skc — the few GTK calls that differ between GTK 2 (GIMP 2.10) and GTK 3
 * (GIMP 3), so that the dialog's code is written once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_COMPAT_H
#define SKC_UI_COMPAT_H

#include <gtk/gtk.h>

#if GTK_CHECK_VERSION(3, 0, 0)
#define skc_ui_box_new(vertical, spacing)                                      \
  gtk_box_new ((vertical) ? GTK_ORIENTATION_VERTICAL                           \
                          : GTK_ORIENTATION_HORIZONTAL,                        \
               (spacing))
#define skc_ui_hscale_new(adjustment)                                          \
  gtk_scale_new (GTK_ORIENTATION_HORIZONTAL, (adjustment))
#define skc_ui_adjustment_new(v, lo, hi, step, page)                           \
  gtk_adjustment_new ((v), (lo), (hi), (step), (page), 0)
typedef GtkGrid SkcUiGrid;
#define skc_ui_grid_new(rows, columns) gtk_grid_new ()
#define skc_ui_grid_spacing(grid, spacing)                                     \
  (gtk_grid_set_row_spacing (GTK_GRID (grid), (spacing)),                      \
   gtk_grid_set_column_spacing (GTK_GRID (grid), 2 * (spacing)))
/* A child filling columns left .. left + width - 1 of one row; `expand`
 * lets it take the spare width. */
static inline void
skc_ui_grid_attach (GtkWidget *grid, GtkWidget *child, gint left, gint top,
                    gint width, gboolean expand)
{
  gtk_widget_set_hexpand (child, expand);
  gtk_grid_attach (GTK_GRID (grid), child, left, top, width, 1);
}
#define skc_ui_set_margin(widget, margin)                                      \
  g_object_set ((widget), "margin", (margin), NULL)
/* A vertical box to derive widgets from (GtkVBox is deprecated in GTK 3);
 * skc_ui_vbox_init goes in the subclass's instance init. */
typedef GtkBox SkcUiVBox;
typedef GtkBoxClass SkcUiVBoxClass;
#define SKC_UI_TYPE_VBOX GTK_TYPE_BOX
#define skc_ui_vbox_init(box)                                                  \
  gtk_orientable_set_orientation (GTK_ORIENTABLE (box),                        \
                                  GTK_ORIENTATION_VERTICAL)
#define skc_ui_cursor_unref(cursor) g_object_unref (cursor)
#else
#define skc_ui_box_new(vertical, spacing)                                      \
  ((vertical) ? gtk_vbox_new (FALSE, (spacing))                                \
              : gtk_hbox_new (FALSE, (spacing)))
#define skc_ui_hscale_new(adjustment)                                          \
  gtk_hscale_new (GTK_ADJUSTMENT (adjustment))
#define skc_ui_adjustment_new(v, lo, hi, step, page)                           \
  GTK_ADJUSTMENT (gtk_adjustment_new ((v), (lo), (hi), (step), (page), 0))
#define skc_ui_grid_new(rows, columns) gtk_table_new ((rows), (columns), FALSE)
#define skc_ui_grid_spacing(grid, spacing)                                     \
  (gtk_table_set_row_spacings (GTK_TABLE (grid), (spacing)),                   \
   gtk_table_set_col_spacings (GTK_TABLE (grid), 2 * (spacing)))
static inline void
skc_ui_grid_attach (GtkWidget *grid, GtkWidget *child, gint left, gint top,
                    gint width, gboolean expand)
{
  guint rows, columns;
  gtk_table_get_size (GTK_TABLE (grid), &rows, &columns);
  if ((guint) top >= rows || (guint) (left + width) > columns)
    gtk_table_resize (GTK_TABLE (grid), MAX (rows, (guint) top + 1),
                      MAX (columns, (guint) (left + width)));
  gtk_table_attach (GTK_TABLE (grid), child, left, left + width, top, top + 1,
                    expand ? GTK_EXPAND | GTK_FILL : GTK_FILL, GTK_FILL, 0, 0);
}
#define skc_ui_set_margin(widget, margin)                                      \
  gtk_container_set_border_width (GTK_CONTAINER (widget), (margin))
typedef GtkVBox SkcUiVBox;
typedef GtkVBoxClass SkcUiVBoxClass;
#define SKC_UI_TYPE_VBOX GTK_TYPE_VBOX
#define skc_ui_vbox_init(box) ((void) (box))
#define skc_ui_cursor_unref(cursor) gdk_cursor_unref (cursor)
#endif

/* Custom drawing with cairo: GTK 3's "draw" signal, or GTK 2's
 * "expose-event" with a cairo context clipped to the exposed region.  The
 * handler has the GTK 3 signature; coordinates are the widget's own. */
typedef gboolean (*SkcUiDrawFunc) (GtkWidget *widget, cairo_t *cr,
                                   gpointer data);
#if GTK_CHECK_VERSION(3, 0, 0)
static inline void
skc_ui_connect_draw (GtkWidget *widget, SkcUiDrawFunc func, gpointer data)
{
  g_signal_connect (widget, "draw", G_CALLBACK (func), data);
}
#else
typedef struct
{
  SkcUiDrawFunc func;
  gpointer data;
} SkcUiDrawClosure;

static inline gboolean
skc_ui_draw_expose (GtkWidget *widget, GdkEventExpose *event, gpointer data)
{
  SkcUiDrawClosure *c = data;
  cairo_t *cr = gdk_cairo_create (gtk_widget_get_window (widget));
  gboolean done;
  gdk_cairo_region (cr, event->region);
  cairo_clip (cr);
  done = c->func (widget, cr, c->data);
  cairo_destroy (cr);
  return done;
}

static inline void
skc_ui_draw_closure_free (gpointer data, GClosure *closure)
{
  g_free (data);
}

static inline void
skc_ui_connect_draw (GtkWidget *widget, SkcUiDrawFunc func, gpointer data)
{
  SkcUiDrawClosure *c = g_new (SkcUiDrawClosure, 1);
  c->func = func;
  c->data = data;
  g_signal_connect_data (widget, "expose-event",
                         G_CALLBACK (skc_ui_draw_expose), c,
                         skc_ui_draw_closure_free, 0);
}
#endif

#endif
