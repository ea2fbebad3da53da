/* skc — the dialog's status line (see status.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DOT " \xc2\xb7 " /* " · " */

/* A kernel this close to its target is exact but for float rounding (the
 * planner's own threshold). */
#define EXACT_SNR_DB 100.0

static gchar *
seconds_text (gdouble seconds)
{
  return g_strdup_printf (seconds < 0.095 ? "%.2f s"
                          : seconds < 9.5 ? "%.1f s"
                                          : "%.0f s",
                          seconds);
}

gchar *
skc_ui_status_line (const gchar *method, gdouble snr_db, gdouble seconds)
{
  gchar *time = seconds_text (seconds);
  gchar *line;
  if (method && strcmp (method, "identity") == 0)
    line = g_strdup_printf ("no blur" DOT "%s", time);
  else if (snr_db >= EXACT_SNR_DB)
    line = g_strdup_printf ("exact bokeh" DOT "%s", time);
  else if (isfinite (snr_db))
    line = g_strdup_printf ("approximate bokeh" DOT "%.0f dB" DOT "%s", snr_db,
                            time);
  else
    line = g_strdup_printf ("approximate bokeh" DOT "%s", time);
  g_free (time);
  return line;
}

gchar *
skc_ui_status_error (const gchar *message)
{
  gchar *line = g_strdup (message ? message : "");
  g_strdelimit (line, "\r\n\t", ' ');
  return g_strstrip (line);
}
