/* skc — the dialog's presets page (see presets.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "presets.h"

#include <string.h>

#include <glib/gstdio.h>

#include "compat.h"

#define SUFFIX ".skcpreset"
/* Thumbnail side (px) and the radius its shape is drawn at. */
#define THUMB_SIZE 40

enum
{
  COLUMN_THUMB, /* the bokeh, once drawn (NULL until then) */
  COLUMN_NAME,
  COLUMN_KIND, /* "built-in" or "yours" */
  COLUMN_PATH,
  COLUMN_USER, /* the user's own: can be renamed and deleted */
  COLUMNS
};

typedef struct
{
  gchar *user_dir, *builtin_dir;
  SkcUiPresetHooks hooks;
  GtkListStore *store;
  GtkWidget *view, *status;
  GtkWidget *buttons[6]; /* use, save, rename, delete, import, export */
  gboolean saving;
  guint thumb_idle; /* the idle source drawing thumbnails, or 0 */
} Page;

/* Thumbnails drawn in this process, by path and modification time: the
   list is refreshed after each save, rename or import, and the dialog may
   open again. */
static GHashTable *thumb_cache;
G_LOCK_DEFINE_STATIC (thumb_cache);

static void
page_free (gpointer data)
{
  Page *page = data;
  if (page->thumb_idle)
    g_source_remove (page->thumb_idle);
  g_free (page->user_dir);
  g_free (page->builtin_dir);
  g_free (page);
}

static void
say (Page *page, const gchar *text)
{
  gtk_label_set_text (GTK_LABEL (page->status), text);
}

/* g_ptr_array_sort hands in pointers to the elements. */
static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (*(const gchar *const *) a, *(const gchar *const *) b);
}

/* Lists one folder's presets; broken ones are named in *skipped. */
static void
list_folder (Page *page, const gchar *dir, gboolean user, GString *skipped)
{
  GDir *folder = g_dir_open (dir, 0, NULL);
  const gchar *entry;
  GPtrArray *names;
  if (!folder)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((entry = g_dir_read_name (folder)))
    if (g_str_has_suffix (entry, SUFFIX))
      g_ptr_array_add (names, g_strdup (entry));
  g_dir_close (folder);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      gchar *path = g_build_filename (dir, names->pdata[i], NULL);
      skc_preset *preset = NULL;
      skc_error err;
      if (skc_preset_load (path, &preset, &err) == SKC_OK)
        {
          GtkTreeIter it;
          const gchar *name = skc_preset_get_name (preset);
          gtk_list_store_append (page->store, &it);
          gtk_list_store_set (page->store, &it, COLUMN_NAME,
                              name[0] ? name : (gchar *) names->pdata[i],
                              COLUMN_KIND, user ? "yours" : "built-in",
                              COLUMN_PATH, path, COLUMN_USER, user, -1);
        }
      else
        g_string_append_printf (skipped, "%sskipped %s",
                                skipped->len ? "\n" : "", err.message);
      skc_preset_free (preset);
      g_free (path);
    }
  g_ptr_array_unref (names);
}

GdkPixbuf *
skc_ui_presets_thumbnail (const gchar *path, gint size, skc_error *err)
{
  skc_preset *preset = NULL;
  skc_params p;
  skc_image kernel = { 0 };
  GdkPixbuf *thumb = NULL;
  /* Odd, as kernels are, one pixel short of the side at most. */
  gint side = size % 2 ? size : size - 1;
  if (skc_preset_load (path, &preset, err) != SKC_OK)
    return NULL;
  skc_params_init (&p);
  skc_preset_apply (preset, 0, &p);
  const skc_image *bitmap = skc_preset_bitmap (preset);
  skc_result r
      = bitmap
            ? skc_kernel_from_values (bitmap->data, bitmap->width,
                                      bitmap->height, bitmap->stride, side,
                                      &kernel, err)
            : skc_shape_render (&p.shape, (side - 1) / 2.0, side, &kernel, err);
  skc_preset_free (preset);
  if (r != SKC_OK)
    return NULL;
  float peak = 0;
  for (gint y = 0; y < kernel.height; y++)
    for (gint x = 0; x < kernel.width; x++)
      peak = MAX (peak, *skc_image_pixel (&kernel, x, y));
  thumb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, size, size);
  gdk_pixbuf_fill (thumb, 0x000000ff);
  guchar *pixels = gdk_pixbuf_get_pixels (thumb);
  gint stride = gdk_pixbuf_get_rowstride (thumb);
  gint dx = (size - kernel.width) / 2, dy = (size - kernel.height) / 2;
  for (gint y = 0; y < kernel.height; y++)
    for (gint x = 0; x < kernel.width; x++)
      {
        if (x + dx < 0 || x + dx >= size || y + dy < 0 || y + dy >= size)
          continue;
        float v = peak > 0 ? *skc_image_pixel (&kernel, x, y) / peak : 0;
        guchar *px = pixels + (gsize) (y + dy) * stride + (gsize) (x + dx) * 3;
        px[0] = px[1] = px[2]
            = (guchar) (255.0f * CLAMP (v, 0.0f, 1.0f) + 0.5f);
      }
  skc_image_free (&kernel);
  return thumb;
}

/* The cached thumbnail of path as it is now, or a new one (NULL for a file
 * that cannot be drawn). */
static GdkPixbuf *
cached_thumbnail (const gchar *path)
{
  GStatBuf st;
  gchar *key;
  GdkPixbuf *thumb;
  if (g_stat (path, &st) != 0)
    return NULL;
  key = g_strdup_printf ("%s|%lld|%lld", path, (long long) st.st_mtime,
                         (long long) st.st_size);
  G_LOCK (thumb_cache);
  if (!thumb_cache)
    thumb_cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         g_object_unref);
  thumb = g_hash_table_lookup (thumb_cache, key);
  G_UNLOCK (thumb_cache);
  if (thumb)
    {
      g_free (key);
      return g_object_ref (thumb);
    }
  thumb = skc_ui_presets_thumbnail (path, THUMB_SIZE, NULL);
  if (!thumb)
    {
      g_free (key);
      return NULL;
    }
  G_LOCK (thumb_cache);
  g_hash_table_replace (thumb_cache, key, g_object_ref (thumb));
  G_UNLOCK (thumb_cache);
  return thumb;
}

/* The first listed preset without a thumbnail, if any. */
static gboolean
next_without_thumb (Page *page, GtkTreeIter *it)
{
  GtkTreeModel *model = GTK_TREE_MODEL (page->store);
  gboolean valid = gtk_tree_model_get_iter_first (model, it);
  for (; valid; valid = gtk_tree_model_iter_next (model, it))
    {
      GdkPixbuf *thumb = NULL;
      gchar *path = NULL;
      gtk_tree_model_get (model, it, COLUMN_THUMB, &thumb, COLUMN_PATH, &path,
                          -1);
      gboolean missing = !thumb && path;
      if (thumb)
        g_object_unref (thumb);
      g_free (path);
      if (missing)
        return TRUE;
    }
  return FALSE;
}

/* One thumbnail per idle call: the list shows at once, the pictures come
 * in as they are drawn (a few ms each). */
static gboolean
draw_next_thumb (gpointer data)
{
  Page *page = data;
  GtkTreeIter it;
  if (!next_without_thumb (page, &it))
    {
      page->thumb_idle = 0;
      return G_SOURCE_REMOVE;
    }
  gchar *path = NULL;
  gtk_tree_model_get (GTK_TREE_MODEL (page->store), &it, COLUMN_PATH, &path,
                      -1);
  GdkPixbuf *thumb = cached_thumbnail (path);
  if (!thumb)
    {
      /* Not drawable: a plain square, so that it is not tried again. */
      thumb = gdk_pixbuf_new (GDK_COLORSPACE_RGB, FALSE, 8, THUMB_SIZE,
                              THUMB_SIZE);
      gdk_pixbuf_fill (thumb, 0x404040ff);
    }
  gtk_list_store_set (page->store, &it, COLUMN_THUMB, thumb, -1);
  g_object_unref (thumb);
  g_free (path);
  return G_SOURCE_CONTINUE;
}

guint
skc_ui_presets_thumbnails_pending (GtkWidget *widget)
{
  Page *page = g_object_get_data (G_OBJECT (widget), "skc-presets-page");
  GtkTreeModel *model = GTK_TREE_MODEL (page->store);
  GtkTreeIter it;
  guint pending = 0;
  gboolean valid = gtk_tree_model_get_iter_first (model, &it);
  for (; valid; valid = gtk_tree_model_iter_next (model, &it))
    {
      GdkPixbuf *thumb = NULL;
      gtk_tree_model_get (model, &it, COLUMN_THUMB, &thumb, -1);
      pending += thumb == NULL;
      if (thumb)
        g_object_unref (thumb);
    }
  return pending;
}

/* The store goes with the view: no thumbnail is drawn after that. */
static void
page_destroyed (GtkWidget *box, Page *page)
{
  if (page->thumb_idle)
    g_source_remove (page->thumb_idle);
  page->thumb_idle = 0;
}

static void
refresh (Page *page)
{
  GString *skipped = g_string_new (NULL);
  gtk_list_store_clear (page->store);
  list_folder (page, page->builtin_dir, FALSE, skipped);
  list_folder (page, page->user_dir, TRUE, skipped);
  say (page, skipped->str);
  g_string_free (skipped, TRUE);
  if (!page->thumb_idle)
    page->thumb_idle
        = g_idle_add_full (G_PRIORITY_LOW, draw_next_thumb, page, NULL);
}

/* The selected row's path and whether it is the user's (path NULL when
 * nothing is selected). */
static gchar *
selected (Page *page, gboolean *user)
{
  GtkTreeModel *model;
  GtkTreeIter it;
  gchar *path = NULL;
  GtkTreeSelection *selection
      = gtk_tree_view_get_selection (GTK_TREE_VIEW (page->view));
  if (gtk_tree_selection_get_selected (selection, &model, &it))
    gtk_tree_model_get (model, &it, COLUMN_PATH, &path, COLUMN_USER, user, -1);
  return path;
}

static void
update_buttons (Page *page)
{
  gboolean user = FALSE;
  gchar *path = selected (page, &user);
  gtk_widget_set_sensitive (page->buttons[0], path != NULL);
  gtk_widget_set_sensitive (page->buttons[1], !page->saving);
  gtk_widget_set_sensitive (page->buttons[2], path && user);
  gtk_widget_set_sensitive (page->buttons[3], path && user);
  gtk_widget_set_sensitive (page->buttons[5], path != NULL);
  g_free (path);
}

/* A file name for a preset name: letters, digits, '-', '_' and spaces kept,
 * the rest turned into '_', never empty nor hidden; "-2", "-3"... when the
 * name is taken. */
static gchar *
free_path (Page *page, const gchar *name)
{
  gchar *base = g_strdup (name);
  for (gchar *c = base; *c; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_' && *c != ' ')
      *c = '_';
  g_strstrip (base);
  if (!base[0] || base[0] == '.')
    {
      g_free (base);
      base = g_strdup ("preset");
    }
  gchar *path = NULL;
  for (int n = 1; !path || g_file_test (path, G_FILE_TEST_EXISTS); n++)
    {
      g_free (path);
      gchar *file = n == 1 ? g_strconcat (base, SUFFIX, NULL)
                           : g_strdup_printf ("%s-%d%s", base, n, SUFFIX);
      path = g_build_filename (page->user_dir, file, NULL);
      g_free (file);
    }
  g_free (base);
  return path;
}

/* Saving: the fits are made (and embedded) in a thread. */
typedef struct
{
  Page *page;
  skc_preset *preset, *keep;
  skc_params params;
  gboolean with_map;
  gchar *path;
  skc_error err;
  skc_result result;
  gboolean done;
} SaveJob;

static gpointer
save_thread (gpointer data)
{
  SaveJob *job = data;
  job->result = skc_preset_capture (job->preset, &job->params, job->with_map,
                                    NULL, NULL, &job->err);
  if (job->result == SKC_OK)
    job->result = skc_preset_save (job->preset, job->path, &job->err);
  return NULL;
}

static void
save_job_free (SaveJob *job)
{
  skc_preset_free (job->preset);
  skc_preset_free (job->keep);
  g_free (job->path);
  g_free (job);
}

/* Starts a save; NULL with err filled when the settings cannot be
 * saved. */
static SaveJob *
save_start (Page *page, const gchar *name, skc_error *err)
{
  SaveJob *job = g_new0 (SaveJob, 1);
  job->page = page;
  if (!page->hooks.current (page->hooks.data, &job->params, &job->with_map,
                            &job->keep, err))
    {
      save_job_free (job);
      return NULL;
    }
  job->preset = skc_preset_new ();
  if (!job->preset
      || skc_preset_set_params (job->preset, &job->params, err) != SKC_OK
      || skc_preset_set_name (job->preset, name, err) != SKC_OK)
    {
      save_job_free (job);
      return NULL;
    }
  if (g_mkdir_with_parents (page->user_dir, 0755) != 0)
    {
      skc_fail (err, SKC_ERR_IO, "%s: cannot create the folder",
                page->user_dir);
      save_job_free (job);
      return NULL;
    }
  job->path = free_path (page, name);
  return job;
}

static gboolean
save_finished (gpointer data)
{
  SaveJob *job = data;
  Page *page = job->page;
  page->saving = FALSE;
  refresh (page);
  if (job->result != SKC_OK)
    say (page, job->err.message);
  else
    {
      gchar *text = g_strdup_printf ("saved %s", job->path);
      say (page, text);
      g_free (text);
    }
  update_buttons (page);
  save_job_free (job);
  return G_SOURCE_REMOVE;
}

static gpointer
save_thread_then_report (gpointer data)
{
  save_thread (data);
  g_idle_add (save_finished, data);
  return NULL;
}

/* Asks for a text in a small modal dialog; NULL when cancelled. */
static gchar *
ask_text (GtkWidget *parent, const gchar *title, const gchar *initial)
{
  GtkWidget *dialog = gtk_dialog_new_with_buttons (
      title, GTK_WINDOW (gtk_widget_get_toplevel (parent)),
      GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, "_Cancel",
      GTK_RESPONSE_CANCEL, "_OK", GTK_RESPONSE_OK, NULL);
  GtkWidget *entry = gtk_entry_new ();
  gchar *text = NULL;
  gtk_entry_set_text (GTK_ENTRY (entry), initial);
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  gtk_dialog_set_default_response (GTK_DIALOG (dialog), GTK_RESPONSE_OK);
  gtk_box_pack_start (
      GTK_BOX (gtk_dialog_get_content_area (GTK_DIALOG (dialog))), entry, FALSE,
      FALSE, 6);
  gtk_widget_show_all (dialog);
  if (gtk_dialog_run (GTK_DIALOG (dialog)) == GTK_RESPONSE_OK)
    text = g_strstrip (g_strdup (gtk_entry_get_text (GTK_ENTRY (entry))));
  gtk_widget_destroy (dialog);
  if (text && !text[0])
    g_clear_pointer (&text, g_free);
  return text;
}

static gchar *
choose_file (GtkWidget *parent, gboolean save, const gchar *suggestion)
{
  GtkWidget *chooser = gtk_file_chooser_dialog_new (
      save ? "Export the preset" : "Import a preset",
      GTK_WINDOW (gtk_widget_get_toplevel (parent)),
      save ? GTK_FILE_CHOOSER_ACTION_SAVE : GTK_FILE_CHOOSER_ACTION_OPEN,
      "_Cancel", GTK_RESPONSE_CANCEL, save ? "_Export" : "_Import",
      GTK_RESPONSE_ACCEPT, NULL);
  gchar *path = NULL;
  if (save)
    {
      gtk_file_chooser_set_do_overwrite_confirmation (
          GTK_FILE_CHOOSER (chooser), TRUE);
      gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser),
                                         suggestion);
    }
  if (gtk_dialog_run (GTK_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
  gtk_widget_destroy (chooser);
  return path;
}

static void
on_use (GtkWidget *button, Page *page)
{
  gboolean user;
  gchar *path = selected (page, &user);
  if (path)
    page->hooks.use (page->hooks.data, path);
  g_free (path);
}

static void
on_save (GtkWidget *button, Page *page)
{
  gchar *name = ask_text (button, "Save the settings as a preset", "My bokeh");
  skc_error err;
  if (!name)
    return;
  SaveJob *job = save_start (page, name, &err);
  g_free (name);
  if (!job)
    {
      say (page, err.message);
      return;
    }
  page->saving = TRUE;
  update_buttons (page);
  say (page, "Saving (fitting the filters the settings need)...");
  g_thread_unref (
      g_thread_new ("skc-preset-save", save_thread_then_report, job));
}

static void
on_rename (GtkWidget *button, Page *page)
{
  gboolean user = FALSE;
  gchar *path = selected (page, &user), *name = NULL;
  skc_preset *preset = NULL;
  skc_error err;
  if (!path || !user)
    goto done;
  if (skc_preset_load (path, &preset, &err) != SKC_OK)
    {
      say (page, err.message);
      goto done;
    }
  name = ask_text (button, "Rename the preset", skc_preset_get_name (preset));
  if (!name)
    goto done;
  gchar *to = free_path (page, name);
  if (skc_preset_set_name (preset, name, &err) != SKC_OK
      || skc_preset_save (preset, to, &err) != SKC_OK)
    say (page, err.message);
  else
    {
      g_unlink (path);
      refresh (page);
    }
  g_free (to);
done:
  skc_preset_free (preset);
  g_free (path);
  g_free (name);
}

static void
on_delete (GtkWidget *button, Page *page)
{
  gboolean user = FALSE;
  gchar *path = selected (page, &user);
  if (path && user)
    {
      if (g_unlink (path) != 0)
        say (page, "the preset could not be deleted");
      refresh (page);
    }
  g_free (path);
}

static void
on_import (GtkWidget *button, Page *page)
{
  gchar *from = choose_file (button, FALSE, NULL);
  skc_preset *preset = NULL;
  skc_error err;
  if (!from)
    return;
  /* Only a valid preset enters the folder. */
  if (skc_preset_load (from, &preset, &err) != SKC_OK)
    say (page, err.message);
  else if (g_mkdir_with_parents (page->user_dir, 0755) != 0)
    say (page, "cannot create the presets folder");
  else
    {
      gchar *base = g_path_get_basename (from);
      if (g_str_has_suffix (base, SUFFIX))
        base[strlen (base) - strlen (SUFFIX)] = '\0';
      const gchar *name = skc_preset_get_name (preset);
      gchar *to = free_path (page, name[0] ? name : base);
      if (skc_preset_save (preset, to, &err) != SKC_OK)
        say (page, err.message);
      else
        refresh (page);
      g_free (to);
      g_free (base);
    }
  skc_preset_free (preset);
  g_free (from);
}

static void
on_export (GtkWidget *button, Page *page)
{
  gboolean user;
  gchar *path = selected (page, &user), *to = NULL;
  skc_preset *preset = NULL;
  skc_error err;
  if (path && skc_preset_load (path, &preset, &err) != SKC_OK)
    say (page, err.message);
  else if (path)
    {
      gchar *base = g_path_get_basename (path);
      to = choose_file (button, TRUE, base);
      if (to && skc_preset_save (preset, to, &err) != SKC_OK)
        say (page, err.message);
      g_free (base);
    }
  skc_preset_free (preset);
  g_free (path);
  g_free (to);
}

static void
selection_changed (GtkTreeSelection *selection, Page *page)
{
  update_buttons (page);
}

static void
row_activated (GtkTreeView *view, GtkTreePath *row, GtkTreeViewColumn *column,
               Page *page)
{
  on_use (NULL, page);
}

GtkWidget *
skc_ui_presets_page_new (const gchar *user_dir, const gchar *builtin_dir,
                         const SkcUiPresetHooks *hooks)
{
  static const gchar *labels[]
      = { "_Use",    "_Save current...", "_Rename...",
          "_Delete", "_Import...",       "_Export..." };
  static const GCallback actions[] = {
    G_CALLBACK (on_use),    G_CALLBACK (on_save),   G_CALLBACK (on_rename),
    G_CALLBACK (on_delete), G_CALLBACK (on_import), G_CALLBACK (on_export),
  };
  Page *page = g_new0 (Page, 1);
  GtkWidget *box = skc_ui_box_new (TRUE, 6);
  GtkWidget *scroller = gtk_scrolled_window_new (NULL, NULL);
  GtkWidget *buttons = skc_ui_box_new (FALSE, 4);
  page->user_dir = g_strdup (user_dir);
  page->builtin_dir = g_strdup (builtin_dir);
  page->hooks = *hooks;
  page->store
      = gtk_list_store_new (COLUMNS, GDK_TYPE_PIXBUF, G_TYPE_STRING,
                            G_TYPE_STRING, G_TYPE_STRING, G_TYPE_BOOLEAN);
  page->view = gtk_tree_view_new_with_model (GTK_TREE_MODEL (page->store));
  g_object_unref (page->store);
  GtkCellRenderer *thumb = gtk_cell_renderer_pixbuf_new ();
  /* Rows keep their height before their picture comes. */
  gtk_cell_renderer_set_fixed_size (thumb, THUMB_SIZE + 4, THUMB_SIZE + 4);
  gtk_tree_view_insert_column_with_attributes (GTK_TREE_VIEW (page->view), -1,
                                               "Bokeh", thumb, "pixbuf",
                                               COLUMN_THUMB, NULL);
  gtk_tree_view_insert_column_with_attributes (
      GTK_TREE_VIEW (page->view), -1, "Preset", gtk_cell_renderer_text_new (),
      "text", COLUMN_NAME, NULL);
  gtk_tree_view_insert_column_with_attributes (
      GTK_TREE_VIEW (page->view), -1, "", gtk_cell_renderer_text_new (), "text",
      COLUMN_KIND, NULL);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                  GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_size_request (scroller, -1, 260);
  gtk_container_add (GTK_CONTAINER (scroller), page->view);
  skc_ui_set_margin (box, 8);
  gtk_box_pack_start (GTK_BOX (box), scroller, TRUE, TRUE, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      page->buttons[i] = gtk_button_new_with_mnemonic (labels[i]);
      g_signal_connect (page->buttons[i], "clicked", actions[i], page);
      gtk_box_pack_start (GTK_BOX (buttons), page->buttons[i], FALSE, FALSE, 0);
    }
  gtk_box_pack_start (GTK_BOX (box), buttons, FALSE, FALSE, 0);
  page->status = gtk_label_new ("");
  gtk_label_set_line_wrap (GTK_LABEL (page->status), TRUE);
  gtk_label_set_selectable (GTK_LABEL (page->status), TRUE);
  gtk_box_pack_start (GTK_BOX (box), page->status, FALSE, FALSE, 0);
  g_signal_connect (gtk_tree_view_get_selection (GTK_TREE_VIEW (page->view)),
                    "changed", G_CALLBACK (selection_changed), page);
  g_signal_connect (page->view, "row-activated", G_CALLBACK (row_activated),
                    page);
  g_object_set_data_full (G_OBJECT (box), "skc-presets-page", page, page_free);
  g_signal_connect (box, "destroy", G_CALLBACK (page_destroyed), page);
  refresh (page);
  update_buttons (page);
  return box;
}

gchar *
skc_ui_presets_save_now (GtkWidget *widget, const gchar *name, skc_error *err)
{
  Page *page = g_object_get_data (G_OBJECT (widget), "skc-presets-page");
  SaveJob *job = save_start (page, name, err);
  gchar *path = NULL;
  if (!job)
    return NULL;
  save_thread (job);
  if (job->result == SKC_OK)
    path = g_strdup (job->path);
  else if (err)
    *err = job->err;
  save_job_free (job);
  refresh (page);
  return path;
}
