/* skc — the plug-in's dialog: settings beside a live preview.  Built from
 * the same code for GTK 2 (GIMP 2.10) and GTK 3 (GIMP 3).  Later pages
 * (kernel designer, map painter, presets) are notebook pages beside the
 * settings page.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_DIALOG_H
#define SKC_UI_DIALOG_H

#include "settings.h"

G_BEGIN_DECLS

/* Runs the dialog for `drawable` of `image`, starting from *settings.
 * Returns TRUE with *settings updated when the user pressed OK.  Call
 * after gimp_ui_init, from the main thread. */
gboolean skc_ui_dialog_run (gint32 image, gint32 drawable,
                            SkcGimpSettings *settings);

G_END_DECLS

#endif
