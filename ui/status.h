/* skc — the dialog's status line in a photographer's words: what the
 * planner promises (skc_engine_kernel_snr), in one short line ("exact
 * bokeh · 0.02 s", "approximate bokeh · 31 dB · 0.4 s"); the planner's
 * description belongs in a tooltip.  GLib only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_STATUS_H
#define SKC_UI_STATUS_H

#include <glib.h>

G_BEGIN_DECLS

/* method and snr_db are the engine's (skc_engine_method,
 * skc_engine_kernel_snr); seconds the time the preview took.  A kernel
 * SNR of 100 dB or more is exact, a lower one is shown in whole dB, none
 * (NAN) says "approximate".  Free the result. */
gchar *skc_ui_status_line (const gchar *method, gdouble snr_db,
                           gdouble seconds);

/* An error message as one line (line breaks become spaces).  Free it. */
gchar *skc_ui_status_error (const gchar *message);

G_END_DECLS

#endif
