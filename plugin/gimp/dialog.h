/* skc — the plug-in's dialog: settings beside a live preview, and the
 * widgets of ui/ (kernel designer, map painter, presets) as notebook pages
 * beside the settings page.  Built from the same code for GTK 2 (GIMP
 * 2.10) and GTK 3 (GIMP 3); what libgimp 2 and 3 spell differently goes
 * through glue.h.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_DIALOG_H
#define SKC_GIMP_DIALOG_H

#include "glue.h"

G_BEGIN_DECLS

/* Runs the dialog for `drawable` of `image` on `values` (GIMP 3: the
 * procedure's config), which every widget reads and writes as it changes
 * (glue.h): nothing is copied in or out, and on Cancel the caller
 * forgets them (GIMP 3 keeps a config after a successful run only).
 * Returns TRUE when the user pressed OK.  When the user painted the blur
 * map, the map argument is none and *painted holds the painting (the
 * drawable's width x height, row by row; g_free it), which the caller
 * stores as a channel and makes the map before blurring; otherwise
 * *painted is NULL.  Call after gimp_ui_init, from the main thread. */
gboolean skc_gimp_dialog_run (gint32 image, gint32 drawable,
                              SkcGimpValues *values, gfloat **painted);

G_END_DECLS

#endif
