/* skc — the map painter's tool bar: tools, map edits, history and view on
 * one row, the tools' settings and the overlay on a second.  Its widgets
 * only call the painter's public functions and show its state.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-private.h"

static const char *tool_labels[] = { "_Brush", "_Band", "Focus _point" };
static const char *tool_tips[] = {
  "Paint the blur amount with the brush",
  "Tilt-shift: drag a line that stays sharp; blur rises beyond the band",
  "Click the point that stays sharp and drag to where the blur is full",
};

static void
tool_toggled (GtkToggleButton *button, SkcMapPainter *self)
{
  if (self->syncing || !gtk_toggle_button_get_active (button))
    return;
  for (int t = 0; t < 3; t++)
    if (self->tool_buttons[t] == GTK_WIDGET (button))
      skc_map_painter_set_tool (GTK_WIDGET (self), (SkcMapTool) t);
}

static void
overlay_toggled (GtkToggleButton *button, SkcMapPainter *self)
{
  if (!self->syncing)
    skc_map_painter_set_overlay (GTK_WIDGET (self),
                                 gtk_toggle_button_get_active (button),
                                 gtk_adjustment_get_value (self->opacity));
}

typedef enum
{
  ACTION_FILL,
  ACTION_CLEAR,
  ACTION_INVERT,
  ACTION_UNDO,
  ACTION_REDO,
  ACTION_FIT,
  ACTION_ONE,
  ACTION_OUT,
  ACTION_IN
} Action;

static void
action_clicked (GtkButton *button, SkcMapPainter *self)
{
  GtkWidget *p = GTK_WIDGET (self);
  Action a
      = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "skc-action"));
  double zoom = self->zoom;
  switch (a)
    {
    case ACTION_FILL:
      skc_map_painter_fill (p);
      return;
    case ACTION_CLEAR:
      skc_map_painter_clear (p);
      return;
    case ACTION_INVERT:
      skc_map_painter_invert (p);
      return;
    case ACTION_UNDO:
      skc_map_painter_undo (p);
      return;
    case ACTION_REDO:
      skc_map_painter_redo (p);
      return;
    case ACTION_FIT:
      skc_map_painter_zoom_fit (p);
      return;
    case ACTION_ONE:
      zoom = 1;
      break;
    case ACTION_OUT:
      zoom *= G_SQRT2 / 2;
      break;
    case ACTION_IN:
      zoom *= G_SQRT2;
      break;
    }
  skc_map_painter_set_view (p, zoom, self->centre_x, self->centre_y);
}

static GtkWidget *
action_button (SkcMapPainter *self, GtkWidget *box, const char *label,
               const char *tip, Action a)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gtk_widget_set_tooltip_text (button, tip);
  gtk_widget_set_can_focus (button, FALSE);
  g_object_set_data (G_OBJECT (button), "skc-action", GINT_TO_POINTER (a));
  g_signal_connect (button, "clicked", G_CALLBACK (action_clicked), self);
  gtk_box_pack_start (GTK_BOX (box), button, FALSE, FALSE, 0);
  return button;
}

static void
separator (GtkWidget *box)
{
  gtk_box_pack_start (GTK_BOX (box), gtk_label_new (" "), FALSE, FALSE, 2);
}

/* A label and a spin button on `adjustment`; both go to widgets[0..1]. */
static void
setting (GtkWidget *box, const char *label, const char *tip,
         GtkAdjustment *adjustment, int digits, GtkWidget **widgets)
{
  widgets[0] = gtk_label_new_with_mnemonic (label);
  widgets[1] = gtk_spin_button_new (
      adjustment, gtk_adjustment_get_step_increment (adjustment), digits);
  gtk_entry_set_width_chars (GTK_ENTRY (widgets[1]), 4);
  gtk_label_set_mnemonic_widget (GTK_LABEL (widgets[0]), widgets[1]);
  gtk_widget_set_tooltip_text (widgets[0], tip);
  gtk_widget_set_tooltip_text (widgets[1], tip);
  gtk_box_pack_start (GTK_BOX (box), widgets[0], FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (box), widgets[1], FALSE, FALSE, 0);
}

void
skc_map_painter_controls_build (SkcMapPainter *self)
{
  GtkWidget *rows = skc_ui_box_new (TRUE, 4);
  GtkWidget *row = skc_ui_box_new (FALSE, 4);
  GSList *group = NULL;
  for (int t = 0; t < 3; t++)
    {
      GtkWidget *b = gtk_radio_button_new_with_mnemonic (group, tool_labels[t]);
      group = gtk_radio_button_get_group (GTK_RADIO_BUTTON (b));
      /* Shown as buttons that stay down, as tool boxes do. */
      gtk_toggle_button_set_mode (GTK_TOGGLE_BUTTON (b), FALSE);
      gtk_widget_set_tooltip_text (b, tool_tips[t]);
      gtk_widget_set_can_focus (b, FALSE);
      g_signal_connect (b, "toggled", G_CALLBACK (tool_toggled), self);
      gtk_box_pack_start (GTK_BOX (row), b, FALSE, FALSE, 0);
      self->tool_buttons[t] = b;
    }
  separator (row);
  action_button (self, row, "_Fill", "Set the whole map to the blur amount",
                 ACTION_FILL);
  action_button (self, row, "_Clear", "Set the whole map to 0 (all sharp)",
                 ACTION_CLEAR);
  action_button (self, row, "_Invert", "Swap sharp and blurred (1 − value)",
                 ACTION_INVERT);
  /* Short rows: the painter shares the dialog's width with the preview
     (GTK 3's buttons and spin buttons are wide). */
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);
  row = skc_ui_box_new (FALSE, 4);
  self->undo_button
      = action_button (self, row, "_Undo", "Undo (Ctrl+Z)", ACTION_UNDO);
  self->redo_button
      = action_button (self, row, "_Redo", "Redo (Ctrl+Y)", ACTION_REDO);
  separator (row);
  action_button (self, row, "Fi_t", "Show the whole image", ACTION_FIT);
  action_button (self, row, "1:1", "One screen pixel per image pixel (1)",
                 ACTION_ONE);
  action_button (self, row, "−", "Zoom out (− or the wheel)", ACTION_OUT);
  action_button (self, row, "+", "Zoom in (+ or the wheel)", ACTION_IN);
  self->zoom_label = gtk_label_new ("");
  gtk_label_set_width_chars (GTK_LABEL (self->zoom_label), 6);
  gtk_box_pack_start (GTK_BOX (row), self->zoom_label, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);

  /* Third row: the value, then only the current tool's settings (so the
     row stays short); the overlay on a row of its own. */
  row = skc_ui_box_new (FALSE, 4);
  setting (row, "Bl_ur:",
           "The blur amount the brush and Fill put down: 0 sharp, 1 most "
           "blurred",
           self->value, 2, &self->brush_widgets[4]);
  separator (row);
  setting (row, "Si_ze:", "Brush diameter in image pixels ([ and ])",
           self->size, 0, &self->brush_widgets[0]);
  setting (row, "_Hardness:", "0: soft from the centre, 1: a hard edge",
           self->hardness, 2, &self->brush_widgets[2]);
  setting (row, "Band _width:", "Width of the sharp band, in image pixels",
           self->band_width, 0, &self->band_widgets[0]);
  setting (row, "R_amp:",
           "Distance over which the blur rises from 0 to full beyond the "
           "band",
           self->band_ramp, 0, &self->band_widgets[2]);
  for (int i = 0; i < 4; i++)
    {
      gtk_widget_set_no_show_all (self->brush_widgets[i], TRUE);
      gtk_widget_set_no_show_all (self->band_widgets[i], TRUE);
    }
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);
  row = skc_ui_box_new (FALSE, 4);
  GtkWidget *opacity = gtk_spin_button_new (self->opacity, 0.05, 2);
  gtk_entry_set_width_chars (GTK_ENTRY (opacity), 4);
  gtk_widget_set_tooltip_text (opacity, "Strength of the overlay's tint");
  gtk_box_pack_start (GTK_BOX (row), opacity, FALSE, FALSE, 0);
  self->overlay_check
      = gtk_check_button_new_with_mnemonic ("_Overlay (blue = blur)");
  gtk_widget_set_tooltip_text (self->overlay_check,
                               "Tint the image blue where it will be blurred");
  gtk_widget_set_can_focus (self->overlay_check, FALSE);
  g_signal_connect (self->overlay_check, "toggled",
                    G_CALLBACK (overlay_toggled), self);
  gtk_box_pack_start (GTK_BOX (row), self->overlay_check, FALSE, FALSE, 0);
  gtk_box_reorder_child (GTK_BOX (row), self->overlay_check, 0);
  gtk_box_pack_start (GTK_BOX (rows), row, FALSE, FALSE, 0);
  self->controls = rows;
}

void
skc_map_painter_controls_sync (SkcMapPainter *self)
{
  if (!self->controls)
    return;
  self->syncing = TRUE;
  gtk_toggle_button_set_active (
      GTK_TOGGLE_BUTTON (self->tool_buttons[self->tool]), TRUE);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (self->overlay_check),
                                self->overlay);
  self->syncing = FALSE;
  for (int i = 0; i < 4; i++)
    {
      gtk_widget_set_visible (self->brush_widgets[i],
                              self->tool == SKC_MAP_TOOL_BRUSH);
      gtk_widget_set_visible (self->band_widgets[i],
                              self->tool == SKC_MAP_TOOL_BAND);
    }
  gtk_widget_set_sensitive (self->undo_button,
                            self->map && skc_paint_map_can_undo (self->map));
  gtk_widget_set_sensitive (self->redo_button,
                            self->map && skc_paint_map_can_redo (self->map));
  char text[32];
  g_snprintf (text, sizeof text, "%.0f%%", self->zoom * 100);
  gtk_label_set_text (GTK_LABEL (self->zoom_label), text);
}
