/* skc tests — the dialog's status line (ui/status.c): what it says for
 * real engines (an exact FFT, approximate knots, a blur map, no blur) and
 * for figures written here.  The dB it shows must be the engine's kernel
 * SNR (skc_engine_kernel_snr), the one its description states, at or
 * above the quality's floor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include "skc/skc.h"
#include "status.h"
#include "ui_check.h"

static void
check_line (const gchar *method, gdouble snr_db, gdouble seconds,
            const gchar *expected)
{
  gchar *line = skc_ui_status_line (method, snr_db, seconds);
  CHECK (strcmp (line, expected) == 0, "%s %g dB gave \"%s\", not \"%s\"",
         method, snr_db, line, expected);
  g_free (line);
}

/* An engine's line, printed with its description. */
static gchar *
engine_line (const skc_params *p, int with_map, gchar **description)
{
  skc_engine *engine = NULL;
  skc_error err;
  gchar *line = NULL;
  skc_run run = { .threads = 1 };
  if (skc_engine_new (p, with_map, &run, &engine, &err) != SKC_OK)
    {
      CHECK (0, "no engine: %s", err.message);
      return g_strdup ("");
    }
  line = skc_ui_status_line (skc_engine_method (engine),
                             skc_engine_kernel_snr (engine), 0.02);
  *description = g_strdup (skc_engine_describe (engine));
  printf ("%s\n    <- %s: %s\n", line, skc_engine_method (engine),
          *description);
  skc_engine_free (engine);
  return line;
}

int
main (void)
{
  /* Written here: each kind of figure. */
  check_line ("FFT", INFINITY, 0.0149, "exact bokeh · 0.01 s");
  check_line ("knots", 133.2, 0.0149, "exact bokeh · 0.01 s");
  check_line ("knots", 31.1, 0.42, "approximate bokeh · 31 dB · 0.4 s");
  check_line ("knots tables", 30.6, 12.3, "approximate bokeh · 31 dB · 12 s");
  check_line ("DISK basis", NAN, 1.0, "approximate bokeh · 1.0 s");
  check_line ("identity", INFINITY, 0.001, "no blur · 0.00 s");
  gchar *error = skc_ui_status_error ("shape: unknown\nname 'x'\n");
  CHECK (strcmp (error, "shape: unknown name 'x'") == 0, "error line \"%s\"",
         error);
  g_free (error);

  /* Real engines: the line follows what the planner states. */
  skc_params p;
  gchar *description = NULL, *line;
  skc_params_init (&p);
  p.radius = 20;
  for (int q = SKC_QUALITY_DRAFT; q <= SKC_QUALITY_HIGH; q++)
    {
      p.quality = (skc_quality) q;
      line = engine_line (&p, 0, &description);
      double db = 0;
      if (g_str_has_prefix (line, "approximate bokeh · "))
        {
          db = g_ascii_strtod (line + strlen ("approximate bokeh · "), NULL);
          CHECK (db >= skc_quality_floor_db (p.quality, 0) - 0.5,
                 "%s: %.0f dB below the floor", line, db);
          CHECK (strstr (description, "kernel SNR") != NULL,
                 "%s: no SNR in the description", line);
        }
      else
        CHECK (g_str_has_prefix (line, "exact bokeh · ")
                   && strstr (description, "exact"),
               "%s for %s", line, description);
      g_free (line);
      g_free (description);
    }
  p.quality = SKC_QUALITY_NORMAL;
  line = engine_line (&p, 1, &description);
  CHECK (g_str_has_suffix (line, " · 0.02 s")
             && g_str_has_prefix (line, "approximate bokeh"),
         "with a map: %s", line);
  g_free (line);
  g_free (description);
  p.radius = 0;
  line = engine_line (&p, 0, &description);
  CHECK (strcmp (line, "no blur · 0.02 s") == 0, "radius 0: %s", line);
  g_free (line);
  g_free (description);
  return failures != 0;
}
