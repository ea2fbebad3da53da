/* skc — the kernel designer's controls: tools, brush, symmetry, history
 * buttons and the "Start from" row of shapes and image files.  They call
 * the public setters, which keep them in step through
 * skc_designer_controls_sync.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "designer-private.h"

static const gchar *const tool_labels[4]
    = { "Brush", "Eraser", "Fill", "Polygon" };
static const gchar *const tool_tips[4] = {
  "Drag to paint ink (weight) into the kernel", "Drag to remove ink",
  "Click to fill the region of similar ink",
  "Click corners; click the first again (or Enter) to fill; Esc cancels"
};

/* "Start from": entry 0 is the drawing itself, entry k + 1 the built-in
 * shape of kind k (the parameter table's shapes, in its order). */
#define DRAWING_ENTRY_LABEL "Your drawing"
#define MENU_ENTRIES (1 + SKC_SHAPE_FILE)

/* The shape keys are the table's shape rows after the kind itself. */
static gboolean
is_shape_key (const skc_param_info *row)
{
  return row->group == SKC_PARAM_GROUP_SHAPE
         && row->type != SKC_PARAM_TYPE_SHAPE;
}

static SkcDesigner *
owner (gpointer object)
{
  return g_object_get_data (G_OBJECT (object), "skc-designer");
}

static void
tool_toggled (GtkToggleButton *button, gpointer data)
{
  SkcDesigner *d = owner (button);
  if (d->syncing || !gtk_toggle_button_get_active (button))
    return;
  skc_designer_set_tool (GTK_WIDGET (d), GPOINTER_TO_INT (data));
}

static void
brush_changed (GtkAdjustment *adjustment, gpointer data)
{
  SkcDesigner *d = data;
  if (d->syncing)
    return;
  skc_designer_set_brush (GTK_WIDGET (d),
                          gtk_adjustment_get_value (d->controls.size),
                          gtk_adjustment_get_value (d->controls.hardness),
                          gtk_adjustment_get_value (d->controls.opacity));
}

static void
symmetry_changed (gpointer widget, gpointer data)
{
  SkcDesigner *d = data;
  if (d->syncing)
    return;
  skc_designer_set_symmetry (
      GTK_WIDGET (d),
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->controls.mirror_x)),
      gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->controls.mirror_y)),
      (int) gtk_adjustment_get_value (d->controls.n_fold));
}

static void
history_clicked (GtkButton *button, gpointer data)
{
  SkcDesigner *d = owner (button);
  switch (GPOINTER_TO_INT (data))
    {
    case 0:
      skc_designer_undo (GTK_WIDGET (d));
      break;
    case 1:
      skc_designer_redo (GTK_WIDGET (d));
      break;
    case 2:
      skc_designer_clear (GTK_WIDGET (d));
      break;
    default:
      skc_designer_invert (GTK_WIDGET (d));
      break;
    }
}

static void
shape_control_changed (gpointer widget, gpointer data)
{
  SkcDesigner *d = data;
  if (d->syncing)
    return;
  gint i = gtk_combo_box_get_active (GTK_COMBO_BOX (d->controls.shape_combo));
  if (i <= 0)
    return;
  d->shape.kind = (skc_shape_kind) (i - 1);
  for (gint k = 0; k < SKC_PARAM_COUNT; k++)
    if (d->controls.keys[k])
      skc_shape_key_store (&d->shape, &skc_param_table ()[k],
                           gtk_adjustment_get_value (d->controls.keys[k]));
  skc_designer_shape_changed (d);
}

static void
load_clicked (GtkButton *button, gpointer data)
{
  skc_designer_choose_file (data);
}

static GtkWidget *
button (SkcDesigner *d, const gchar *label, const gchar *tip, gint what)
{
  GtkWidget *b = gtk_button_new_with_mnemonic (label);
  gtk_widget_set_tooltip_text (b, tip);
  g_object_set_data (G_OBJECT (b), "skc-designer", d);
  g_signal_connect (b, "clicked", G_CALLBACK (history_clicked),
                    GINT_TO_POINTER (what));
  return b;
}

static GtkAdjustment *
labelled_scale (SkcDesigner *d, GtkWidget *box, const gchar *label,
                gdouble value, gdouble lo, gdouble hi, gdouble step,
                gint digits, const gchar *tip)
{
  GtkAdjustment *a = skc_ui_adjustment_new (value, lo, hi, step, 10 * step);
  GtkWidget *l = gtk_label_new (label);
  GtkWidget *s = skc_ui_hscale_new (a);
  gtk_scale_set_digits (GTK_SCALE (s), digits);
  gtk_scale_set_value_pos (GTK_SCALE (s), GTK_POS_RIGHT);
  /* Narrow: the designer shares the dialog's width with the preview. */
  gtk_widget_set_size_request (s, 90, -1);
  gtk_widget_set_tooltip_text (s, tip);
  gtk_box_pack_start (GTK_BOX (box), l, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), s, FALSE, FALSE, 0);
  g_signal_connect (a, "value-changed", G_CALLBACK (brush_changed), d);
  return a;
}

GtkWidget *
skc_designer_controls_new (SkcDesigner *d)
{
  SkcDesignerControls *c = &d->controls;
  GtkWidget *rows = skc_ui_box_new (TRUE, 4);

  /* Tools, then history and whole-grid edits. */
  GtkWidget *row = skc_ui_box_new (FALSE, 4);
  GSList *group = NULL;
  for (gint i = 0; i < 4; i++)
    {
      c->tools[i] = gtk_radio_button_new_with_label (group, tool_labels[i]);
      group = gtk_radio_button_get_group (GTK_RADIO_BUTTON (c->tools[i]));
      /* Buttons that stay pressed, not round radio marks: a tool bar. */
      gtk_toggle_button_set_mode (GTK_TOGGLE_BUTTON (c->tools[i]), FALSE);
      gtk_widget_set_tooltip_text (c->tools[i], tool_tips[i]);
      g_object_set_data (G_OBJECT (c->tools[i]), "skc-designer", d);
      g_signal_connect (c->tools[i], "toggled", G_CALLBACK (tool_toggled),
                        GINT_TO_POINTER (i));
      gtk_box_pack_start (GTK_BOX (row), c->tools[i], FALSE, FALSE, 0);
    }
  GtkWidget *clear = button (d, "Clear", "Remove all ink", 2);
  GtkWidget *invert = button (d, "Invert", "Ink becomes empty and back", 3);
  c->redo = button (d, "Redo", "Redo (Ctrl+Shift+Z)", 1);
  c->undo = button (d, "Undo", "Undo (Ctrl+Z)", 0);
  gtk_box_pack_end (GTK_BOX (row), invert, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (row), clear, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (row), c->redo, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (row), c->undo, FALSE, FALSE, 8);
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);

  /* Brush */
  row = skc_ui_box_new (FALSE, 6);
  c->size = labelled_scale (d, row, "Size", d->brush.size, 1, 33, 1, 0,
                            "Brush diameter in cells");
  c->hardness
      = labelled_scale (d, row, "Hardness", d->brush.hardness, 0, 1, 0.05, 2,
                        "0: soft from the centre, 1: a "
                        "crisp edge");
  c->opacity
      = labelled_scale (d, row, "Opacity", d->brush.opacity, 0, 1, 0.05, 2,
                        "How much ink one stroke puts down "
                        "(or removes)");
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);

  /* Symmetry */
  row = skc_ui_box_new (FALSE, 6);
  gtk_box_pack_start (GTK_BOX (row), gtk_label_new ("Symmetry:"), FALSE, FALSE,
                      0);
  c->mirror_x = gtk_check_button_new_with_label ("Mirror ↔");
  c->mirror_y = gtk_check_button_new_with_label ("Mirror ↕");
  gtk_widget_set_tooltip_text (c->mirror_x, "Mirror left ↔ right");
  gtk_widget_set_tooltip_text (c->mirror_y, "Mirror top ↕ bottom");
  c->n_fold = skc_ui_adjustment_new (1, 1, 16, 1, 2);
  GtkWidget *spin = gtk_spin_button_new (c->n_fold, 1, 0);
  gtk_widget_set_tooltip_text (spin, "Rotational copies about the centre "
                                     "(6: a snowflake; 1: none)");
  gtk_box_pack_start (GTK_BOX (row), c->mirror_x, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), c->mirror_y, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), gtk_label_new ("Rotations:"), FALSE, FALSE,
                      6);
  gtk_box_pack_start (GTK_BOX (row), spin, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row), gtk_label_new ("-fold"), FALSE, FALSE, 0);
  g_signal_connect (c->mirror_x, "toggled", G_CALLBACK (symmetry_changed), d);
  g_signal_connect (c->mirror_y, "toggled", G_CALLBACK (symmetry_changed), d);
  g_signal_connect (c->n_fold, "value-changed", G_CALLBACK (symmetry_changed),
                    d);
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);
  return rows;
}

static GtkAdjustment *
shape_adjustment (SkcDesigner *d, const skc_param_info *row)
{
  GtkAdjustment *a = skc_ui_adjustment_new (
      row->default_value, row->min, row->max, row->step, 10 * row->step);
  g_signal_connect (a, "value-changed", G_CALLBACK (shape_control_changed), d);
  return a;
}

/* A key on a page: its label and a spin button on the shared
 * adjustment, two to a row. */
static void
shape_key (GtkWidget *grid, gint slot, const gchar *label, GtkAdjustment *a,
           gint digits)
{
  GtkWidget *l = gtk_label_new (label);
  GtkWidget *s
      = gtk_spin_button_new (a, gtk_adjustment_get_step_increment (a), digits);
  gtk_entry_set_width_chars (GTK_ENTRY (s), 4);
  gtk_misc_set_alignment (GTK_MISC (l), 0.0, 0.5);
  skc_ui_grid_attach (grid, l, 2 * (slot % 2), slot / 2, 1, FALSE);
  skc_ui_grid_attach (grid, s, 2 * (slot % 2) + 1, slot / 2, 1, FALSE);
}

static GtkWidget *
shape_page (const gchar *note)
{
  GtkWidget *page;
  if (note)
    {
      page = gtk_label_new (note);
      gtk_label_set_line_wrap (GTK_LABEL (page), TRUE);
      gtk_misc_set_alignment (GTK_MISC (page), 0.0, 0.0);
    }
  else
    {
      page = skc_ui_grid_new (2, 4);
      skc_ui_grid_spacing (page, 4);
    }
  gtk_widget_show (page);
  return page;
}

GtkWidget *
skc_designer_shape_controls_new (SkcDesigner *d)
{
  SkcDesignerControls *c = &d->controls;
  GtkWidget *box = skc_ui_box_new (TRUE, 4);
  GtkWidget *row = skc_ui_box_new (FALSE, 6);
  gtk_box_pack_start (GTK_BOX (row), gtk_label_new ("Start from:"), FALSE,
                      FALSE, 0);
  c->shape_combo = gtk_combo_box_text_new ();
  for (gint i = 0; i < MENU_ENTRIES; i++)
    gtk_combo_box_text_append_text (
        GTK_COMBO_BOX_TEXT (c->shape_combo),
        i ? skc_shape_label ((skc_shape_kind) (i - 1)) : DRAWING_ENTRY_LABEL);
  gtk_widget_set_tooltip_text (c->shape_combo,
                               "Replace the drawing by a built-in shape "
                               "(undo brings it back)");
  gtk_box_pack_start (GTK_BOX (row), c->shape_combo, FALSE, FALSE, 0);
  g_signal_connect (c->shape_combo, "changed",
                    G_CALLBACK (shape_control_changed), d);
  c->load = gtk_button_new_with_label ("Load image…");
  gtk_widget_set_tooltip_text (c->load, "Use an image as the kernel: its "
                                        "brightness (or alpha) is the "
                                        "weight");
  g_signal_connect (c->load, "clicked", G_CALLBACK (load_clicked), d);
  gtk_box_pack_end (GTK_BOX (row), c->load, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), row, FALSE, FALSE, 0);

  /* The shape's keys: one page per entry of the menu, tabs hidden.  A
     notebook is as large as its largest page, so switching shapes never
     moves the canvas. */
  const skc_param_info *table = skc_param_table ();
  for (gint k = 0; k < SKC_PARAM_COUNT; k++)
    if (is_shape_key (&table[k]))
      c->keys[k] = shape_adjustment (d, &table[k]);
  c->shape_pages = gtk_notebook_new ();
  gtk_notebook_set_show_tabs (GTK_NOTEBOOK (c->shape_pages), FALSE);
  gtk_notebook_set_show_border (GTK_NOTEBOOK (c->shape_pages), FALSE);
  for (gint i = 0; i < MENU_ENTRIES; i++)
    {
      GtkWidget *page = NULL;
      skc_shape_kind kind = (skc_shape_kind) (i - 1);
      gint slot = 0;
      if (i == 0)
        page = shape_page ("Paint on the canvas, or pick a shape or an "
                           "image to start from.");
      for (gint k = 0; i > 0 && k < SKC_PARAM_COUNT; k++)
        if (c->keys[k] && skc_param_applies (&table[k], kind))
          {
            if (!page)
              page = shape_page (NULL);
            shape_key (page, slot++, table[k].label, c->keys[k],
                       table[k].digits);
          }
      if (!page)
        page = shape_page ("This shape has no settings.");
      gtk_notebook_append_page (GTK_NOTEBOOK (c->shape_pages), page, NULL);
    }
  gtk_box_pack_start (GTK_BOX (box), c->shape_pages, FALSE, FALSE, 0);
  return box;
}

void
skc_designer_controls_sync (SkcDesigner *d)
{
  SkcDesignerControls *c = &d->controls;
  d->syncing = TRUE;
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (c->tools[d->tool]), TRUE);
  gtk_widget_set_tooltip_text (c->hint, tool_tips[d->tool]);
  gtk_label_set_text (GTK_LABEL (c->hint), tool_tips[d->tool]);
  gtk_adjustment_set_value (c->size, d->brush.size);
  gtk_adjustment_set_value (c->hardness, d->brush.hardness);
  gtk_adjustment_set_value (c->opacity, d->brush.opacity);
  const SkcSymmetry *s = skc_paint_get_symmetry (d->paint);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (c->mirror_x), s->mirror_x);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (c->mirror_y), s->mirror_y);
  gtk_adjustment_set_value (c->n_fold, s->n_fold);

  gint active = d->shape_edit && d->shape.kind < SKC_SHAPE_FILE
                    ? 1 + (gint) d->shape.kind
                    : 0;
  gtk_combo_box_set_active (GTK_COMBO_BOX (c->shape_combo), active);
  for (gint k = 0; k < SKC_PARAM_COUNT; k++)
    if (c->keys[k])
      gtk_adjustment_set_value (
          c->keys[k], skc_shape_key_get (&d->shape, &skc_param_table ()[k]));
  gtk_notebook_set_current_page (GTK_NOTEBOOK (c->shape_pages), active);
  skc_designer_update_history_buttons (d);
  d->syncing = FALSE;
}
