/* skc — the dialog's status line in a photographer's words: what the
 * planner's description (skc_engine_describe) promises, in one short line
 * ("exact bokeh · 0.02 s", "approximate bokeh · 31 dB · 0.4 s"); the
 * description itself belongs in a tooltip.  GLib only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_STATUS_H
#define SKC_UI_STATUS_H

#include <glib.h>

G_BEGIN_DECLS

/* method and description are the engine's (skc_engine_method,
 * skc_engine_describe); seconds the time the preview took.  The kernel
 * SNR the description guarantees is shown in whole dB; a description
 * with none but "exact" is exact.  Free the result. */
gchar *skc_ui_status_line (const gchar *method, const gchar *description,
                           gdouble seconds);

/* An error message as one line (line breaks become spaces).  Free it. */
gchar *skc_ui_status_error (const gchar *message);

G_END_DECLS

#endif
