/* skc — the plug-in's dialog (see dialog.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "dialog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "compat.h"
#include "designer.h"
#include "drawable-map.h"
#include "files.h"
#include "glue.h"
#include "map-painter.h"
#include "presets.h"
#include "preview.h"

/* The shape menu: the built-in shapes in the table's order (an entry's
 * index is its kind), then "from a file". */
#define FILE_ENTRY_LABEL "From a file"

/* One slider for a number row of the parameter table: a scale over the
 * row's slider range and a spin button over its whole range, in step. */
typedef struct
{
  const skc_param_info *row; /* NULL: the row is not a slider */
  GtkAdjustment *scale, *spin;
  GtkWidget *widgets[3]; /* label, scale, spin */
} Slider;

typedef struct
{
  /* Where every value lives (GIMP 3: the procedure's config), read and
     written through glue.h; the dialog keeps no copy of its own. */
  SkcGimpValues *values;
  const SkcGimpArg *shape_arg, *map_arg, *preset_arg;
  /* "Painted on the Blur map page" is chosen: the map argument stays
     none until OK makes the painting a channel. */
  gboolean map_painted;
  /* The shape being edited, parsed from the spec in the values: the
     table's shape keys are skc_params offsets, so it lives in a
     skc_params. */
  skc_params edited;
  GtkWidget *shape_combo, *file_button, *file_label, *map_combo;
  GtkWidget *effect_note; /* where OK's blur goes (GIMP 3) */
  GtkWidget *focus_hint;  /* "click the preview", under the focus row */
  Slider sliders[SKC_PARAM_COUNT];     /* number rows */
  GtkWidget *checks[SKC_PARAM_COUNT];  /* boolean rows */
  GtkWidget *choices[SKC_PARAM_COUNT]; /* rows of named choices */
  GtkWidget *choice_labels[SKC_PARAM_COUNT];
  GString *mnemonics; /* letters used on the settings page */
  GtkWidget *preset_label, *preset_clear;
  GtkWidget *designer;     /* the shape designer page's designer */
  gboolean designer_ready; /* it shows the current shape */
  skc_photo_set *photos;   /* its image PSNR photos, or NULL */
  GtkWidget *painter;      /* the blur map page's painter */
  gboolean painter_ready;  /* it shows the drawable */
  gint32 image, drawable;
  SkcGimpPreview *preview;
  gboolean syncing; /* widgets being set from code */
} Dialog;

static void designer_load (Dialog *d);
static gboolean current_params (gpointer data, skc_params *params,
                                gboolean *with_map, skc_preset **keep,
                                skc_error *err);

/* A row's value: shape keys in the shape being edited, the rest in the
 * values (as their procedure argument). */
static gdouble
row_get (Dialog *d, const skc_param_info *row)
{
  return row->group == SKC_PARAM_GROUP_SHAPE
             ? skc_param_get (&d->edited, row)
             : skc_gimp_values_get (d->values, skc_gimp_arg_of_row (row));
}

static void
row_set (Dialog *d, const skc_param_info *row, gdouble value)
{
  if (row->group == SKC_PARAM_GROUP_SHAPE)
    skc_param_store (&d->edited, row, value);
  else
    skc_gimp_values_set (d->values, skc_gimp_arg_of_row (row), value);
}

static gboolean
is_subject (Dialog *d)
{
  return row_get (d, &skc_param_table ()[SKC_PARAM_DEPTH]) == SKC_DEPTH_SUBJECT;
}

/* The values as the preview and the presets page take them (a painted
 * map as SKC_GIMP_MAP_PAINTED). */
static void
read_values (Dialog *d, SkcGimpSettings *s)
{
  skc_gimp_values_read (d->values, s);
  if (d->map_painted)
    s->map = SKC_GIMP_MAP_PAINTED;
}

static gboolean
has_map (Dialog *d)
{
  return d->map_painted || skc_gimp_values_get (d->values, d->map_arg) != -1;
}

static void
slider_show (Slider *s, gboolean shown)
{
  for (int i = 0; i < 3; i++)
    gtk_widget_set_visible (s->widgets[i], shown);
}

/* A click on the preview sets the focus where there is one: with a map,
 * not for a subject (which is sharp). */
static gboolean
can_pick_focus (Dialog *d)
{
  return has_map (d) && !is_subject (d);
}

#define FOCUS_PICK_HINT "Click the preview to focus there"

/* The focus row and the preview say that a click picks the focus. */
static void
show_focus_pick (Dialog *d)
{
  const skc_param_info *focus = &skc_param_table ()[SKC_PARAM_FOCUS];
  gboolean pick = can_pick_focus (d);
  if (!d->focus_hint)
    return; /* the settings page is being made */
  gchar *help = pick ? g_strdup_printf ("%s. " FOCUS_PICK_HINT
                                        ": the blur map's value at the "
                                        "point clicked becomes the focus.",
                                        focus->help)
                     : g_strdup (focus->help);
  for (int i = 0; i < 3; i++)
    gtk_widget_set_tooltip_text (d->sliders[SKC_PARAM_FOCUS].widgets[i], help);
  g_free (help);
  gtk_widget_set_visible (d->focus_hint, pick);
  skc_gimp_preview_set_picking (
      d->preview,
      pick ? "Click to focus here: the blur map's value here becomes the focus"
           : NULL);
}

/* A click on the preview at (x, y) of the drawable: the blur map's value
 * there, shaped as the engine shapes it (invert-map, map-gamma), becomes
 * the focus, so that the point comes out sharp.  The focus slider takes
 * it, and with it the values and the preview. */
static void
focus_picked (gint x, gint y, gpointer data)
{
  Dialog *d = data;
  skc_params params;
  skc_preset *preset = NULL;
  skc_error err;
  gboolean with_map;
  gfloat value;
  if (!can_pick_focus (d))
    return;
  /* Settings the blur refuses are already told under the preview. */
  if (current_params (d, &params, &with_map, &preset, &err)
      && skc_gimp_preview_map_value (d->preview, x, y, params.map_linear,
                                     &value))
    {
      gdouble focus = skc_params_map_shaped (&params, value);
#ifdef SKC_TEST_HOOKS
      if (g_getenv ("SKC_TEST_PREVIEW_LOG"))
        g_printerr ("skc focus picked: %.6f (map %.6f at %d, %d)\n", focus,
                    value, x, y);
#endif
      gtk_adjustment_set_value (d->sliders[SKC_PARAM_FOCUS].spin, focus);
    }
  skc_preset_free (preset);
}

/* Only what matters is shown: the keys the current shape has (as the
 * table's rows say), the file chooser for a file shape, the map's rows
 * with a map.  Rows come and go rather than grey out, so that the
 * settings stay short beside the preview. */
static void
update_visibility (Dialog *d)
{
  const skc_param_info *table = skc_param_table ();
  skc_shape_kind k = d->edited.shape.kind;
  gboolean subject = is_subject (d);
  gboolean map = has_map (d) || subject;
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    {
      gboolean on
          = table[i].group == SKC_PARAM_GROUP_SHAPE
                ? k != SKC_SHAPE_FILE && skc_param_applies (&table[i], k)
            : table[i].group == SKC_PARAM_GROUP_MAP ? map
                                                    : TRUE;
      /* A subject's mask has no focus: the subject is sharp. */
      if (i == SKC_PARAM_FOCUS && subject)
        on = FALSE;
      if (d->sliders[i].row)
        slider_show (&d->sliders[i], on);
      if (d->checks[i])
        gtk_widget_set_visible (d->checks[i], on);
      if (d->choices[i])
        {
          gtk_widget_set_visible (d->choices[i], on);
          gtk_widget_set_visible (d->choice_labels[i], on);
        }
    }
  gtk_widget_set_visible (d->file_button, k == SKC_SHAPE_FILE);
  gtk_widget_set_visible (d->file_label, k == SKC_SHAPE_FILE);
#ifdef SKC_TEST_HOOKS
  /* SKC_TEST_PREVIEW_LOG also logs the shape rows shown. */
  if (g_getenv ("SKC_TEST_PREVIEW_LOG"))
    {
      GString *shown = g_string_new ("skc shape rows:");
      for (gint i = 0; i < SKC_PARAM_COUNT; i++)
        if (table[i].group == SKC_PARAM_GROUP_SHAPE && d->sliders[i].row
            && gtk_widget_get_visible (d->sliders[i].widgets[0]))
          g_string_append_printf (shown, " %s", table[i].name);
      if (k == SKC_SHAPE_FILE)
        g_string_append (shown, " file");
      g_printerr ("%s\n", shown->str);
      g_string_free (shown, TRUE);
    }
#endif
  show_focus_pick (d);
  const gchar *note = skc_gimp_glue_effect_note (d->drawable, map);
  gtk_label_set_text (GTK_LABEL (d->effect_note), note ? note : "");
  gtk_widget_set_visible (d->effect_note, note != NULL);
}

/* The widgets changed: the values follow, the preview restarts. */
static void
settings_changed (Dialog *d)
{
  const skc_param_info *table = skc_param_table ();
  gchar spec[SKC_GIMP_SPEC_MAX];
  if (d->syncing)
    return;
  d->edited.shape.kind = (skc_shape_kind) MAX (
      0, gtk_combo_box_get_active (GTK_COMBO_BOX (d->shape_combo)));
  if (d->edited.shape.kind == SKC_SHAPE_FILE)
    {
      gchar *path
          = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (d->file_button));
      g_strlcpy (d->edited.shape.path, path ? path : "",
                 sizeof d->edited.shape.path);
      g_free (path);
    }
  skc_shape_format (&d->edited.shape, spec, sizeof spec);
  skc_gimp_values_set_text (d->values, d->shape_arg, spec);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    if (d->choices[i])
      row_set (
          d, &table[i],
          MAX (0, gtk_combo_box_get_active (GTK_COMBO_BOX (d->choices[i]))));
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    if (d->checks[i])
      row_set (d, &table[i],
               gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (d->checks[i])));
  gint map = -1;
  gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (d->map_combo), &map);
  /* "Subject: the selection" is depth 'subject' without a map: the map's
     entry follows the depth row (map_changed does the other way). */
  gboolean subject = is_subject (d);
  gint shown = subject && map == -1 ? SKC_GIMP_MAP_SELECTION
               : !subject && map == SKC_GIMP_MAP_SELECTION ? -1
                                                           : map;
  if (shown != map)
    {
      d->syncing = TRUE;
      gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo), shown);
      d->syncing = FALSE;
    }
  d->map_painted = shown == SKC_GIMP_MAP_PAINTED;
  skc_gimp_values_set (d->values, d->map_arg, MAX (shown, -1));
  update_visibility (d);
  SkcGimpSettings now;
  read_values (d, &now);
  skc_gimp_preview_update (d->preview, &now);
}

static void
widget_changed (GtkWidget *widget, gpointer data)
{
  settings_changed (data);
}

static void
slider_moved (GtkAdjustment *adjustment, gpointer data)
{
  Dialog *d = g_object_get_data (G_OBJECT (adjustment), "skc-dialog");
  Slider *s = data;
  gdouble v = gtk_adjustment_get_value (adjustment);
  if (d->syncing)
    return;
  row_set (d, s->row, v);
  /* Keep the other half in step without recursing into here. */
  d->syncing = TRUE;
  if (adjustment == s->spin)
    gtk_adjustment_set_value (s->scale, v);
  else
    gtk_adjustment_set_value (s->spin, v);
  d->syncing = FALSE;
  settings_changed (d);
}

/* "Map gamma" as "Map _gamma:": a letter not yet taken on the page. */
static gchar *
mnemonic_label (Dialog *d, const gchar *label, const gchar *end)
{
  GString *text = g_string_new (NULL);
  gboolean marked = FALSE;
  for (const gchar *c = label; *c; c++)
    {
      gchar lower = g_ascii_tolower (*c);
      if (!marked && g_ascii_isalpha (*c) && !strchr (d->mnemonics->str, lower))
        {
          g_string_append_c (text, '_');
          g_string_append_c (d->mnemonics, lower);
          marked = TRUE;
        }
      g_string_append_c (text, *c);
    }
  g_string_append (text, end);
  return g_string_free (text, FALSE);
}

static void
add_slider (Dialog *d, GtkWidget *grid, gint row, const skc_param_info *info)
{
  Slider *s = &d->sliders[info->id];
  gdouble value = row_get (d, info);
  gchar *label = mnemonic_label (d, info->label, ":");
  s->row = info;
  s->scale = skc_ui_adjustment_new (CLAMP (value, info->ui_min, info->ui_max),
                                    info->ui_min, info->ui_max, info->step,
                                    10 * info->step);
  s->spin = skc_ui_adjustment_new (value, info->min, info->max, info->step,
                                   10 * info->step);
  s->widgets[0] = gtk_label_new_with_mnemonic (label);
  g_free (label);
  gtk_misc_set_alignment (GTK_MISC (s->widgets[0]), 0.0, 0.5);
  s->widgets[1] = skc_ui_hscale_new (s->scale);
  gtk_scale_set_draw_value (GTK_SCALE (s->widgets[1]), FALSE);
  gtk_widget_set_size_request (s->widgets[1], 160, -1);
  s->widgets[2] = gtk_spin_button_new (s->spin, info->step, info->digits);
  gtk_label_set_mnemonic_widget (GTK_LABEL (s->widgets[0]), s->widgets[2]);
  for (int i = 0; i < 3; i++)
    gtk_widget_set_tooltip_text (s->widgets[i], info->help);
  skc_ui_grid_attach (grid, s->widgets[0], 0, row, 1, FALSE);
  skc_ui_grid_attach (grid, s->widgets[1], 1, row, 1, TRUE);
  skc_ui_grid_attach (grid, s->widgets[2], 2, row, 1, FALSE);
  g_object_set_data (G_OBJECT (s->scale), "skc-dialog", d);
  g_object_set_data (G_OBJECT (s->spin), "skc-dialog", d);
  g_signal_connect (s->scale, "value-changed", G_CALLBACK (slider_moved), s);
  g_signal_connect (s->spin, "value-changed", G_CALLBACK (slider_moved), s);
}

static void
add_check (Dialog *d, GtkWidget *grid, gint row, const skc_param_info *info)
{
  gchar *label = mnemonic_label (d, info->label, "");
  GtkWidget *check = gtk_check_button_new_with_mnemonic (label);
  g_free (label);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (check),
                                row_get (d, info) != 0);
  gtk_widget_set_tooltip_text (check, info->help);
  skc_ui_grid_attach (grid, check, 0, row, 3, TRUE);
  g_signal_connect (check, "toggled", G_CALLBACK (widget_changed), d);
  d->checks[info->id] = check;
}

static GtkWidget *
add_frame (GtkWidget *box, const gchar *title, GtkWidget **grid)
{
  GtkWidget *frame = gimp_frame_new (title);
  *grid = skc_ui_grid_new (1, 3);
  skc_ui_grid_spacing (*grid, 4);
  gtk_container_add (GTK_CONTAINER (frame), *grid);
  gtk_box_pack_start (GTK_BOX (box), frame, FALSE, FALSE, 0);
  return frame;
}

static GtkWidget *
add_label (GtkWidget *grid, gint row, const gchar *text, GtkWidget *widget)
{
  GtkWidget *label = gtk_label_new_with_mnemonic (text);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), widget);
  skc_ui_grid_attach (grid, label, 0, row, 1, FALSE);
  skc_ui_grid_attach (grid, widget, 1, row, 2, TRUE);
  return label;
}

/* A row of named choices (quality, depth) as a combo box. */
static void
add_choice (Dialog *d, GtkWidget *grid, gint row, const skc_param_info *info)
{
  gchar *label = mnemonic_label (d, info->label, ":");
  GtkWidget *combo = gtk_combo_box_text_new ();
  for (gint q = 0; q < skc_param_choice_count (info); q++)
    gtk_combo_box_text_append_text (GTK_COMBO_BOX_TEXT (combo),
                                    skc_param_choice_label (info, q));
  gtk_combo_box_set_active (GTK_COMBO_BOX (combo), (gint) row_get (d, info));
  gtk_widget_set_tooltip_text (combo, info->help);
  d->choice_labels[info->id] = add_label (grid, row, label, combo);
  g_free (label);
  g_signal_connect (combo, "changed", G_CALLBACK (widget_changed), d);
  d->choices[info->id] = combo;
}

/* The shape being edited is the values' spec (a disc when it is not
 * one). */
static void
parse_shape (Dialog *d)
{
  gchar *spec = skc_gimp_values_dup_text (d->values, d->shape_arg);
  if (skc_shape_parse (spec, &d->edited.shape, NULL) != SKC_OK)
    skc_shape_init (&d->edited.shape);
  g_free (spec);
}

/* The widgets show the values (after a preset was loaded). */
static void
sync_widgets (Dialog *d)
{
  const skc_param_info *table = skc_param_table ();
  parse_shape (d);
  d->syncing = TRUE;
  gtk_combo_box_set_active (GTK_COMBO_BOX (d->shape_combo),
                            (gint) d->edited.shape.kind);
  if (d->edited.shape.kind == SKC_SHAPE_FILE)
    gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (d->file_button),
                                   d->edited.shape.path);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    {
      /* Rows without a widget (the fit seed) have no argument either. */
      if (!d->sliders[i].row && !d->checks[i] && !d->choices[i])
        continue;
      gdouble v = row_get (d, &table[i]);
      if (d->sliders[i].row)
        {
          gtk_adjustment_set_value (d->sliders[i].spin, v);
          gtk_adjustment_set_value (d->sliders[i].scale, v);
        }
      if (d->checks[i])
        gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (d->checks[i]), v != 0);
      if (d->choices[i])
        gtk_combo_box_set_active (GTK_COMBO_BOX (d->choices[i]), (gint) v);
    }
  d->syncing = FALSE;
}

static void
show_preset (Dialog *d)
{
  gchar *text = NULL;
  gchar *preset = skc_gimp_values_dup_text (d->values, d->preset_arg);
  if (preset[0])
    {
      gchar *base = g_path_get_basename (preset);
      text = g_strdup_printf ("Preset: %s", base);
      g_free (base);
    }
  g_free (preset);
  gtk_label_set_text (GTK_LABEL (d->preset_label), text ? text : "No preset");
  gtk_widget_set_sensitive (d->preset_clear, text != NULL);
  g_free (text);
}

static gboolean
current_params (gpointer data, skc_params *params, gboolean *with_map,
                skc_preset **keep, skc_error *err)
{
  Dialog *d = data;
  SkcGimpSettings now;
  read_values (d, &now);
  *with_map = now.map != -1;
  return skc_gimp_settings_to_params (&now, params, keep, err) == SKC_OK;
}

/* A preset becomes the settings: every value shown is the preset's, and
 * the preset stays attached for what the settings cannot say (a drawn
 * shape, its fitted filters). */
static void
use_preset (gpointer data, const gchar *path)
{
  Dialog *d = data;
  const skc_param_info *table = skc_param_table ();
  skc_preset *preset = NULL;
  skc_params p;
  skc_error err;
  gchar spec[SKC_GIMP_SPEC_MAX] = "shape:disc";
  if (skc_preset_load (path, &preset, &err) != SKC_OK)
    return;
  skc_params_init (&p);
  skc_preset_apply (preset, 0, &p);
  if (!skc_preset_bitmap (preset))
    skc_shape_format (&p.shape, spec, sizeof spec);
  skc_gimp_values_set_text (d->values, d->shape_arg, spec);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    if (skc_gimp_arg_of_row (&table[i]))
      row_set (d, &table[i], skc_param_get (&p, &table[i]));
  skc_gimp_values_set_text (d->values, d->preset_arg, path);
  skc_preset_free (preset);
  sync_widgets (d);
  show_preset (d);
  settings_changed (d);
}

static void
clear_preset (GtkWidget *button, gpointer data)
{
  Dialog *d = data;
  skc_gimp_values_set_text (d->values, d->preset_arg, "");
  show_preset (d);
  settings_changed (d);
}

/* The painter shows the drawable, and starts from the chosen map drawable
 * when there is one (so that it can be refined).  Done when the page is
 * first needed: reading a large drawable takes a moment. */
static void
painter_load (Dialog *d)
{
  if (d->painter_ready)
    return;
  d->painter_ready = TRUE;
  GeglBuffer *source = skc_gimp_glue_buffer (d->drawable);
  const GeglRectangle *extent = gegl_buffer_get_extent (source);
  gint w = extent->width, h = extent->height;
  guchar *rgba = g_try_malloc ((gsize) w * h * 4);
  if (rgba)
    {
      gegl_buffer_get (source, extent, 1.0, babl_format ("R'G'B'A u8"), rgba,
                       GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
      skc_map_painter_set_image (d->painter, rgba, w, h, w * 4);
      g_free (rgba);
    }
  g_object_unref (source);
  gint32 chosen = (gint32) skc_gimp_values_get (d->values, d->map_arg);
  if (chosen < 0)
    return;
  gfloat *map = g_try_new (gfloat, (gsize) w * h);
  if (map)
    {
      GeglRectangle all = { 0, 0, w, h };
      skc_gimp_read_map (
          d->drawable, chosen, &all,
          row_get (d, &skc_param_table ()[SKC_PARAM_MAP_LINEAR]) != 0, map);
      skc_map_painter_set_map (d->painter, map, w, h);
      g_free (map);
    }
}

static void
page_switched (GtkNotebook *notebook, gpointer page, guint number,
               gpointer data)
{
  Dialog *d = data;
  GtkWidget *shown = gtk_notebook_get_nth_page (notebook, (gint) number);
  if (shown == d->painter)
    painter_load (d);
  else if (gtk_widget_is_ancestor (d->designer, shown))
    designer_load (d);
}

/* Picking "Subject: the selection" sets depth 'subject'; picking no map
 * in subject mode leaves it. */
static void
map_changed (GtkWidget *combo, gpointer data)
{
  Dialog *d = data;
  GtkComboBox *depth = GTK_COMBO_BOX (d->choices[SKC_PARAM_DEPTH]);
  gint map = -1;
  if (d->syncing)
    return;
  gimp_int_combo_box_get_active (GIMP_INT_COMBO_BOX (combo), &map);
  d->syncing = TRUE;
  if (map == SKC_GIMP_MAP_SELECTION)
    gtk_combo_box_set_active (depth, SKC_DEPTH_SUBJECT);
  else if (map == -1 && gtk_combo_box_get_active (depth) == SKC_DEPTH_SUBJECT)
    gtk_combo_box_set_active (depth, SKC_DEPTH_NONE);
  d->syncing = FALSE;
  settings_changed (d);
}

/* Painting makes the painted map the blur map. */
static void
map_painted (GtkWidget *painter, gboolean finished, gpointer data)
{
  Dialog *d = data;
  if (!d->map_painted)
    {
      d->syncing = TRUE;
      gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo),
                                     SKC_GIMP_MAP_PAINTED);
      d->syncing = FALSE;
    }
  settings_changed (d);
}

static GtkWidget *
map_page (Dialog *d)
{
  d->painter = skc_map_painter_new ();
  gtk_widget_set_size_request (d->painter, 520, 440);
  skc_gimp_preview_set_painter (d->preview, d->painter);
  g_signal_connect (d->painter, "map-changed", G_CALLBACK (map_painted), d);
  return d->painter;
}

/* The protocol's photos (image PSNR in the designer, as `skc bench`
 * measures it), or NULL: then the designer shows kernel SNR only. */
static skc_photo_set *
load_photos (void)
{
  static const gchar *const names[]
      = { "astronaut-384.ppm", "coffee-384.ppm", "rocket-384.ppm" };
  const gchar *env = g_getenv ("SKC_DATA_DIR");
  const gchar *dir = env && env[0] ? env : SKC_DATA_DIR_DEFAULT;
  skc_image photos[3] = { { 0 } };
  skc_photo_set *set = NULL;
  skc_result r = SKC_OK;
  for (int i = 0; i < 3 && r == SKC_OK; i++)
    {
      gchar *path = g_build_filename (dir, "photos", names[i], NULL);
      r = skc_pnm_read (path, &photos[i], NULL);
      g_free (path);
    }
  if (r == SKC_OK && skc_photo_set_new (photos, 3, &set, NULL) != SKC_OK)
    set = NULL;
  for (int i = 0; i < 3; i++)
    skc_image_free (&photos[i]);
  return set;
}

/* "Load image..." in the designer reads what the GEGL op and the CLI
 * read. */
static gboolean
designer_loader (const gchar *path, skc_image *weights, GError **error,
                 gpointer data)
{
  skc_error err;
  skc_result r = skc_gegl_load_weights (path, SKC_GEGL_WANT_IMAGE_OR_FILTER,
                                        weights, &err);
  if (r != SKC_OK)
    g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_FAILED, err.message);
  return r == SKC_OK;
}

/* A drawn shape becomes the shape: a small PFM in the GIMP profile, named
 * by its content (so a remembered or scripted `file:` spec keeps
 * working). */
static void
designer_changed (GtkWidget *designer, gpointer data)
{
  Dialog *d = data;
  const skc_image *target = skc_designer_get_target (designer);
  skc_error err;
  if (!target || !target->data)
    return;
  gchar *sum = g_compute_checksum_for_data (
      G_CHECKSUM_SHA1, (const guchar *) target->data,
      target->stride * target->height * sizeof (float));
  gchar *dir = g_build_filename (gimp_directory (), "skc-shapes", NULL);
  gchar *name = g_strdup_printf ("shape-%.12s.pfm", sum);
  gchar *path = g_build_filename (dir, name, NULL);
  if (g_mkdir_with_parents (dir, 0755) == 0
      && (g_file_test (path, G_FILE_TEST_EXISTS)
          || skc_pfm_write (path, target, &err) == SKC_OK))
    {
      gchar *spec = g_strdup_printf ("file:%s", path);
      skc_gimp_values_set_text (d->values, d->shape_arg, spec);
      g_free (spec);
      sync_widgets (d);
      settings_changed (d);
    }
  g_free (sum);
  g_free (dir);
  g_free (name);
  g_free (path);
}

static void
brush_picked (const float *mask, gint width, gint height, gpointer data)
{
  Dialog *d = data;
  designer_load (d);
  skc_designer_set_target (d->designer, mask, width, height);
}

/* The designer starts from the current shape (when the page is first
 * needed: fitting it costs a moment). */
static void
designer_load (Dialog *d)
{
  if (d->designer_ready)
    return;
  d->designer_ready = TRUE;
  if (d->edited.shape.kind == SKC_SHAPE_FILE)
    skc_designer_load_file (d->designer, d->edited.shape.path, NULL);
  else
    skc_designer_set_shape (d->designer, &d->edited.shape);
  /* From here on, edits are the user's. */
  g_signal_connect (d->designer, "changed", G_CALLBACK (designer_changed), d);
}

static GtkWidget *
designer_page (Dialog *d)
{
  GtkWidget *page = skc_ui_box_new (TRUE, 6);
  GtkWidget *row = skc_ui_box_new (FALSE, 6);
  skc_ui_set_margin (page, 6);
  d->photos = load_photos ();
  d->designer = skc_designer_new (d->photos);
  skc_designer_set_loader (d->designer, designer_loader, NULL, NULL, NULL);
  gtk_box_pack_start (GTK_BOX (row), gtk_label_new ("Start from a GIMP brush:"),
                      FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (row),
                      skc_gimp_glue_brush_button_new (brush_picked, d), FALSE,
                      FALSE, 0);
  gtk_box_pack_start (GTK_BOX (page), row, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (page), d->designer, TRUE, TRUE, 0);
  return page;
}

static GtkWidget *
presets_page (Dialog *d)
{
  const gchar *env = g_getenv ("SKC_PRESETS_DIR");
  gchar *user = g_build_filename (gimp_directory (), "skc-presets", NULL);
  SkcUiPresetHooks hooks = { current_params, use_preset, d };
  GtkWidget *page = skc_ui_presets_page_new (
      user, env && env[0] ? env : SKC_PRESETS_DIR, &hooks);
  g_free (user);
  return page;
}

static GtkWidget *
settings_page (Dialog *d, gint32 image)
{
  gint32 map = (gint32) skc_gimp_values_get (d->values, d->map_arg);
  GtkWidget *page = skc_ui_box_new (TRUE, 8);
  GtkWidget *grid;
  skc_ui_set_margin (page, 8);

  /* The preset in use, if any */
  GtkWidget *preset_row = skc_ui_box_new (FALSE, 6);
  d->preset_label = gtk_label_new ("");
  d->preset_clear = gtk_button_new_with_mnemonic ("Forget the pr_eset");
  gtk_box_pack_start (GTK_BOX (preset_row), d->preset_label, FALSE, FALSE, 0);
  gtk_box_pack_end (GTK_BOX (preset_row), d->preset_clear, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (page), preset_row, FALSE, FALSE, 0);
  g_signal_connect (d->preset_clear, "clicked", G_CALLBACK (clear_preset), d);

  /* A frame per group of the table, its rows in the table's order; the
     shape and the map come first in theirs (spec and drawable, not
     numbers).  The fit seed is not the user's concern here. */
  static const struct
  {
    skc_param_group group;
    const gchar *title;
  } frames[] = {
    { SKC_PARAM_GROUP_SHAPE, "Shape" },
    { SKC_PARAM_GROUP_BLUR, "Blur" },
    { SKC_PARAM_GROUP_MAP, "Blur map" },
    { SKC_PARAM_GROUP_LENS, "Lens" },
    { SKC_PARAM_GROUP_HIGHLIGHTS, "Highlights" },
  };
  const skc_param_info *table = skc_param_table ();
  d->mnemonics = g_string_new ("e"); /* "Forget the pr_eset" */
  for (gsize f = 0; f < G_N_ELEMENTS (frames); f++)
    {
      gint row = 0;
      add_frame (page, frames[f].title, &grid);
      if (frames[f].group == SKC_PARAM_GROUP_SHAPE)
        {
          d->shape_combo = gtk_combo_box_text_new ();
          for (gint k = 0; k <= SKC_SHAPE_FILE; k++)
            gtk_combo_box_text_append_text (
                GTK_COMBO_BOX_TEXT (d->shape_combo),
                k < SKC_SHAPE_FILE ? skc_shape_label ((skc_shape_kind) k)
                                   : FILE_ENTRY_LABEL);
          gtk_combo_box_set_active (GTK_COMBO_BOX (d->shape_combo),
                                    (gint) d->edited.shape.kind);
          gtk_widget_set_tooltip_text (d->shape_combo,
                                       table[SKC_PARAM_SHAPE].help);
          add_label (grid, row++, "S_hape:", d->shape_combo);
          g_string_append (d->mnemonics, "hf");
          d->file_button = gtk_file_chooser_button_new (
              "Bokeh shape file", GTK_FILE_CHOOSER_ACTION_OPEN);
          if (d->edited.shape.kind == SKC_SHAPE_FILE && d->edited.shape.path[0])
            gtk_file_chooser_set_filename (GTK_FILE_CHOOSER (d->file_button),
                                           d->edited.shape.path);
          d->file_label = add_label (grid, row++, "_File:", d->file_button);
          g_signal_connect (d->shape_combo, "changed",
                            G_CALLBACK (widget_changed), d);
          g_signal_connect (d->file_button, "file-set",
                            G_CALLBACK (widget_changed), d);
        }
      if (frames[f].group == SKC_PARAM_GROUP_MAP)
        {
          d->map_combo = skc_gimp_glue_drawable_combo_new (image);
          gimp_int_combo_box_prepend (
              GIMP_INT_COMBO_BOX (d->map_combo), GIMP_INT_STORE_VALUE,
              SKC_GIMP_MAP_SELECTION, GIMP_INT_STORE_LABEL,
              "Subject: the selection (sharp, in front)", -1);
          gimp_int_combo_box_prepend (
              GIMP_INT_COMBO_BOX (d->map_combo), GIMP_INT_STORE_VALUE,
              SKC_GIMP_MAP_PAINTED, GIMP_INT_STORE_LABEL,
              "Painted on the Blur map page", -1);
          gimp_int_combo_box_prepend (
              GIMP_INT_COMBO_BOX (d->map_combo), GIMP_INT_STORE_VALUE, -1,
              GIMP_INT_STORE_LABEL, "None (uniform blur)", -1);
          if (map == -1 && is_subject (d))
            gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo),
                                           SKC_GIMP_MAP_SELECTION);
          else if (!gimp_int_combo_box_set_active (
                       GIMP_INT_COMBO_BOX (d->map_combo), map))
            {
              skc_gimp_values_set (d->values, d->map_arg, -1);
              gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo),
                                             -1);
            }
          add_label (grid, row++, "_Map:", d->map_combo);
          g_string_append_c (d->mnemonics, 'm');
          d->effect_note = gtk_label_new ("");
          gtk_label_set_line_wrap (GTK_LABEL (d->effect_note), TRUE);
          /* Wrapped at a settings page's width, not at its one line's. */
          gtk_label_set_max_width_chars (GTK_LABEL (d->effect_note), 50);
          gtk_misc_set_alignment (GTK_MISC (d->effect_note), 0.0, 0.5);
          /* Shown (or not) by update_visibility, not by show_all. */
          gtk_widget_set_no_show_all (d->effect_note, TRUE);
          skc_ui_grid_attach (grid, d->effect_note, 0, row++, 3, TRUE);
          g_signal_connect (d->map_combo, "changed", G_CALLBACK (map_changed),
                            d);
        }
      for (gint i = 0; i < SKC_PARAM_COUNT; i++)
        {
          const skc_param_info *info = &table[i];
          if (info->group != frames[f].group)
            continue;
          switch (info->type)
            {
            case SKC_PARAM_TYPE_NUMBER:
            case SKC_PARAM_TYPE_WHOLE:
              add_slider (d, grid, row++, info);
              if (info->id == SKC_PARAM_FOCUS)
                {
                  /* Shown (or not) by update_visibility. */
                  d->focus_hint = gtk_label_new (FOCUS_PICK_HINT ".");
                  gtk_misc_set_alignment (GTK_MISC (d->focus_hint), 0.0, 0.5);
                  gtk_widget_set_no_show_all (d->focus_hint, TRUE);
                  skc_ui_grid_attach (grid, d->focus_hint, 1, row++, 2, TRUE);
                }
              break;
            case SKC_PARAM_TYPE_BOOL:
              add_check (d, grid, row++, info);
              break;
            case SKC_PARAM_TYPE_QUALITY:
            case SKC_PARAM_TYPE_DEPTH:
              add_choice (d, grid, row++, info);
              break;
            case SKC_PARAM_TYPE_SHAPE:
            case SKC_PARAM_TYPE_SEED:
              break;
            }
        }
    }
  return page;
}

/* The settings scroll when the screen is short: the preview, not the
 * list of settings, decides the window's height. */
static GtkWidget *
scrolled (GtkWidget *page)
{
  GtkWidget *scroller = gtk_scrolled_window_new (NULL, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_shadow_type (GTK_SCROLLED_WINDOW (scroller),
                                       GTK_SHADOW_NONE);
#if GTK_CHECK_VERSION(3, 0, 0)
  gtk_container_add (GTK_CONTAINER (scroller), page);
#else
  gtk_scrolled_window_add_with_viewport (GTK_SCROLLED_WINDOW (scroller), page);
#endif
  gtk_viewport_set_shadow_type (
      GTK_VIEWPORT (gtk_bin_get_child (GTK_BIN (scroller))), GTK_SHADOW_NONE);
  return scroller;
}

/* The preview's starting size: the drawable's shape, its longer side
 * PREVIEW_SIDE px or what the screen leaves (room for the title, the
 * status line and the buttons below, the notebook beside), never larger
 * than the drawable (GIMP's preview shows pixels 1:1).  It grows with the
 * window from there. */
#define PREVIEW_SIDE 720
#define PREVIEW_MIN_SIDE 512
static gint
screen_room (GtkWidget *widget)
{
  return gdk_screen_get_height (gtk_widget_get_screen (widget)) - 280;
}

/* A widget's natural size, once its children are shown. */
static GtkRequisition
natural_size (GtkWidget *widget)
{
  GtkRequisition natural;
#if GTK_CHECK_VERSION(3, 0, 0)
  gtk_widget_get_preferred_size (widget, NULL, &natural);
#else
  gtk_widget_size_request (widget, &natural);
#endif
  return natural;
}

static void
preview_sized (GtkWidget *preview)
{
  GtkWidget *area = gimp_preview_get_area (GIMP_PREVIEW (preview));
  GeglBuffer *buffer = skc_gimp_glue_buffer (
      GPOINTER_TO_INT (g_object_get_data (G_OBJECT (preview), "skc-drawable")));
  gint width = gegl_buffer_get_width (buffer);
  gint height = gegl_buffer_get_height (buffer);
  g_object_unref (buffer);
  GtkWidget *beside = g_object_get_data (G_OBJECT (preview), "skc-beside");
  gint width_room = gdk_screen_get_width (gtk_widget_get_screen (preview))
                    - natural_size (beside).width - 80;
  gint side = MIN (PREVIEW_SIDE, MAX (MIN (screen_room (preview), width_room),
                                      PREVIEW_MIN_SIDE / 2));
  gdouble scale = MIN (1.0, (gdouble) side / MAX (1, MAX (width, height)));
  gtk_widget_set_size_request (area, MAX (1, (gint) (width * scale)),
                               MAX (1, (gint) (height * scale)));
}

/* GIMP's preview sizes its area again on a theme change: after it. */
static void
preview_restyled (GtkWidget *preview, gpointer previous, gpointer data)
{
  preview_sized (preview);
}

static void
preview_size (GtkWidget *preview, gint32 drawable, GtkWidget *beside)
{
  g_object_set_data (G_OBJECT (preview), "skc-drawable",
                     GINT_TO_POINTER (drawable));
  g_object_set_data (G_OBJECT (preview), "skc-beside", beside);
  preview_sized (preview);
#if GTK_CHECK_VERSION(3, 0, 0)
  g_signal_connect_after (preview, "style-updated",
                          G_CALLBACK (preview_restyled), NULL);
#else
  g_signal_connect_after (preview, "style-set", G_CALLBACK (preview_restyled),
                          NULL);
#endif
}

/* A scrolled window asks for little height: the settings' own, within
 * what the screen leaves. */
static void
fit_settings_height (GtkWidget *scroller)
{
  GtkRequisition natural
      = natural_size (gtk_bin_get_child (GTK_BIN (scroller)));
  gtk_widget_set_size_request (scroller, -1,
                               MIN (natural.height, screen_room (scroller)));
}

#ifdef SKC_TEST_HOOKS
/* Test hooks, for the dialog tests in a real GIMP (which cannot click),
 * read from the environment once the dialog shows: SKC_TEST_PREVIEW_LOG
 * logs each preview drawn (and where the preview is on the screen, and
 * each focus picked), SKC_TEST_USE_PRESET uses a preset as its row in
 * the presets page would, SKC_TEST_MAP_BAND (x0,y0,x1,y1) paints a
 * tilt-shift band, SKC_TEST_DESIGNER_LOAD loads a file into the designer
 * SKC_TEST_MAP_ENTRY picks an entry of the map list by its value (-3:
 * "Subject: the selection"), SKC_TEST_MAP_NAME the first entry whose
 * label holds that text (a drawable's name) and SKC_TEST_PAGE shows a
 * page for the screenshot. */
static void
test_pick_map_named (Dialog *d, const gchar *name)
{
  GtkTreeModel *model = gtk_combo_box_get_model (GTK_COMBO_BOX (d->map_combo));
  GtkTreeIter iter;
  for (gboolean more = gtk_tree_model_get_iter_first (model, &iter); more;
       more = gtk_tree_model_iter_next (model, &iter))
    {
      gchar *label = NULL;
      gint value = -1;
      gtk_tree_model_get (model, &iter, GIMP_INT_STORE_LABEL, &label,
                          GIMP_INT_STORE_VALUE, &value, -1);
      gboolean found = label && strstr (label, name);
      g_free (label);
      if (found)
        {
          gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo),
                                         value);
          return;
        }
    }
  g_printerr ("skc: no map named '%s' in the list\n", name);
}

static void
test_hooks_opened (Dialog *d, GtkWidget *notebook)
{
  const gchar *use = g_getenv ("SKC_TEST_USE_PRESET");
  const gchar *shown = g_getenv ("SKC_TEST_PAGE");
  const gchar *band = g_getenv ("SKC_TEST_MAP_BAND");
  const gchar *drawn = g_getenv ("SKC_TEST_DESIGNER_LOAD");
  double b[4];
  skc_gimp_preview_set_log (d->preview,
                            g_getenv ("SKC_TEST_PREVIEW_LOG") != NULL);
  if (use && use[0])
    use_preset (d, use);
  if (band && sscanf (band, "%lf,%lf,%lf,%lf", &b[0], &b[1], &b[2], &b[3]) == 4)
    {
      painter_load (d);
      skc_map_painter_band (d->painter, b[0], b[1], b[2], b[3]);
    }
  if (drawn && drawn[0])
    {
      designer_load (d);
      skc_designer_load_file (d->designer, drawn, NULL);
    }
  const gchar *entry = g_getenv ("SKC_TEST_MAP_ENTRY");
  if (entry && entry[0])
    gimp_int_combo_box_set_active (GIMP_INT_COMBO_BOX (d->map_combo),
                                   atoi (entry));
  const gchar *name = g_getenv ("SKC_TEST_MAP_NAME");
  if (name && name[0])
    test_pick_map_named (d, name);
  if (shown && shown[0])
    gtk_notebook_set_current_page (GTK_NOTEBOOK (notebook), atoi (shown));
}

/* SKC_TEST_SAVE_PRESET=NAME: OK also saves the settings as a preset of the
 * user's, as the presets page's Save would. */
static void
test_hooks_ok (GtkWidget *presets)
{
  const gchar *save = g_getenv ("SKC_TEST_SAVE_PRESET");
  skc_error err;
  gchar *path;
  if (!save || !save[0])
    return;
  path = skc_ui_presets_save_now (presets, save, &err);
  if (path)
    g_printerr ("skc: saved preset %s\n", path);
  else
    g_printerr ("skc: preset not saved: %s\n", err.message);
  g_free (path);
}
#endif

gboolean
skc_gimp_dialog_run (gint32 image, gint32 drawable, SkcGimpValues *values,
                     gfloat **painted)
{
  Dialog d = { 0 };
  d.values = values;
  d.shape_arg = skc_gimp_arg_find ("shape");
  d.map_arg = skc_gimp_arg_find ("map");
  d.preset_arg = skc_gimp_arg_find ("preset");
  d.image = image;
  d.drawable = drawable;
  *painted = NULL;
  skc_params_init (&d.edited);
  parse_shape (&d);

  GtkWidget *dialog
      = gimp_dialog_new ("Sparse Lens Blur", SKC_GIMP_BINARY, NULL, 0,
                         gimp_standard_help_func, SKC_GIMP_PROCEDURE, "_Cancel",
                         GTK_RESPONSE_CANCEL, "_OK", GTK_RESPONSE_OK, NULL);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gimp_window_set_transient (GTK_WINDOW (dialog));

  GtkWidget *main_box = skc_ui_box_new (FALSE, 12);
  skc_ui_set_margin (main_box, 12);
  gtk_box_pack_start (
      GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), main_box,
      TRUE, TRUE, 0);

  /* Left: the live preview, as large as the screen allows and growing
     with the window, and one line saying what it shows (the planner's
     details in its tooltip). */
  GtkWidget *left = skc_ui_box_new (TRUE, 6);
  GtkWidget *preview = skc_gimp_glue_preview_new (drawable);
  GtkWidget *status = gtk_label_new ("");
  gtk_label_set_ellipsize (GTK_LABEL (status), PANGO_ELLIPSIZE_END);
  gtk_misc_set_alignment (GTK_MISC (status), 0.0, 0.5);
  gtk_box_pack_start (GTK_BOX (left), preview, TRUE, TRUE, 0);
  gtk_box_pack_start (GTK_BOX (left), status, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (main_box), left, TRUE, TRUE, 0);

  /* Right: pages of settings; the kernel designer, the map painter and
     presets come as further pages. */
  GtkWidget *notebook = gtk_notebook_new ();
  GtkWidget *settings_scroller;
  d.preview = skc_gimp_preview_new (preview, status, drawable);
  skc_gimp_preview_set_picked (d.preview, focus_picked, &d);
  skc_gimp_preview_set_selection (d.preview, skc_gimp_glue_selection (image));
  settings_scroller = scrolled (settings_page (&d, image));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), settings_scroller,
                            gtk_label_new_with_mnemonic ("_Settings"));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), designer_page (&d),
                            gtk_label_new_with_mnemonic ("Shape _designer"));
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), map_page (&d),
                            gtk_label_new_with_mnemonic ("Blur _map"));
  g_signal_connect (notebook, "switch-page", G_CALLBACK (page_switched), &d);
  GtkWidget *presets = presets_page (&d);
  gtk_notebook_append_page (GTK_NOTEBOOK (notebook), presets,
                            gtk_label_new_with_mnemonic ("_Presets"));
  show_preset (&d);
  gtk_box_pack_start (GTK_BOX (main_box), notebook, FALSE, FALSE, 0);

  settings_changed (&d);
  /* The notebook's width known (its pages shown), the preview takes what
     the screen leaves beside it. */
  gtk_widget_show_all (notebook);
  preview_size (preview, drawable, notebook);
  gtk_widget_show_all (dialog);
  update_visibility (&d);
  fit_settings_height (settings_scroller);

#ifdef SKC_TEST_HOOKS
  test_hooks_opened (&d, notebook);
#endif

  gboolean ok = gimp_dialog_run (GIMP_DIALOG (dialog)) == GTK_RESPONSE_OK;
  if (ok && d.map_painted)
    {
      /* Chosen but never painted: no map (the values say none). */
      int w = 0, h = 0;
      const float *map = d.painter_ready
                             ? skc_map_painter_get_map (d.painter, &w, &h)
                             : NULL;
      if (map)
        *painted = g_memdup2 (map, (gsize) w * h * sizeof (gfloat));
    }
#ifdef SKC_TEST_HOOKS
  if (ok)
    test_hooks_ok (presets);
#endif
  skc_gimp_preview_free (d.preview);
  g_signal_handlers_disconnect_by_data (notebook, &d);
  g_signal_handlers_disconnect_by_data (d.painter, &d);
  g_signal_handlers_disconnect_by_data (d.designer, &d);
  gtk_widget_destroy (dialog);
  skc_photo_set_free (d.photos);
  g_string_free (d.mnemonics, TRUE);
  return ok;
}
