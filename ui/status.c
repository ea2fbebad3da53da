/* skc — the dialog's status line (see status.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "status.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DOT " \xc2\xb7 " /* " · " */

/* The kernel SNR the description states ("kernel SNR 31.1 dB", "kernel
 * SNR about 30.2 dB"), or NAN when it states none (FFT, "not
 * guaranteed"). */
static gdouble
stated_snr_db (const gchar *description)
{
  const gchar *at = strstr (description, "kernel SNR ");
  while (at)
    {
      const gchar *number = at + strlen ("kernel SNR ");
      gchar *end;
      if (g_str_has_prefix (number, "about "))
        number += strlen ("about ");
      gdouble db = g_ascii_strtod (number, &end);
      if (end != number)
        return db;
      at = strstr (number, "kernel SNR ");
    }
  return NAN;
}

static gchar *
seconds_text (gdouble seconds)
{
  return g_strdup_printf (seconds < 0.095 ? "%.2f s"
                          : seconds < 9.5 ? "%.1f s"
                                          : "%.0f s",
                          seconds);
}

gchar *
skc_ui_status_line (const gchar *method, const gchar *description,
                    gdouble seconds)
{
  gchar *time = seconds_text (seconds);
  gchar *line;
  gdouble db = stated_snr_db (description ? description : "");
  if (method && strcmp (method, "identity") == 0)
    line = g_strdup_printf ("no blur" DOT "%s", time);
  else if (isfinite (db))
    line = g_strdup_printf ("approximate bokeh" DOT "%.0f dB" DOT "%s", db,
                            time);
  else if (isnan (db) && description && strstr (description, "exact")
           && !strstr (description, "not guaranteed"))
    line = g_strdup_printf ("exact bokeh" DOT "%s", time);
  else if (isinf (db) && db > 0)
    line = g_strdup_printf ("exact bokeh" DOT "%s", time);
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
