/* skc — the dialog's presets page: the built-in presets and the user's own
 * (one .skcpreset file each in the user's folder), to use, save (with the
 * fits the current settings need, made in a background thread), rename,
 * delete, import and export.  Broken files are listed as skipped, with the
 * reason.  GTK only (no libgimp): the dialog hands in the folders and how
 * to read and set its settings.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_PRESETS_H
#define SKC_UI_PRESETS_H

#include <gtk/gtk.h>

#include "skc/skc.h"

G_BEGIN_DECLS

typedef struct
{
  /* The current settings as core parameters (and whether a blur map is
     chosen); *keep receives what the parameters may point into (free it
     after use).  FALSE with err filled when the settings are invalid. */
  gboolean (*current) (gpointer data, skc_params *params, gboolean *with_map,
                       skc_preset **keep, skc_error *err);
  /* Makes the dialog use the preset file at path. */
  void (*use) (gpointer data, const gchar *path);
  gpointer data;
} SkcUiPresetHooks;

/* user_dir is created on the first save or import; builtin_dir may be
 * missing.  The hooks are copied. */
GtkWidget *skc_ui_presets_page_new (const gchar *user_dir,
                                    const gchar *builtin_dir,
                                    const SkcUiPresetHooks *hooks);

/* A preset's bokeh as a size x size thumbnail (a new reference): its
 * shape (a built-in shape's spec or its bitmap) rendered as the core
 * renders targets, brightest weight full white, on black.  NULL with err
 * filled when the file cannot be read.  Thread-safe. */
GdkPixbuf *skc_ui_presets_thumbnail (const gchar *path, gint size,
                                     skc_error *err);

/* For tests: how many listed presets still wait for their thumbnail
 * (drawn in idle time after the list shows). */
guint skc_ui_presets_thumbnails_pending (GtkWidget *page);

/* For tests and scripts: saves the current settings as a preset named
 * `name` in the user folder and waits for it (fits included).  Returns the
 * file's path (free it) or NULL with err filled. */
gchar *skc_ui_presets_save_now (GtkWidget *page, const gchar *name,
                                skc_error *err);

G_END_DECLS

#endif
