/* skc tests — the dialog's status line (ui/status.c): what it says for
 * real engines' descriptions (an exact FFT, approximate knots, a blur map,
 * no blur) and for descriptions written here.  The dB it shows must be
 * the one the description states, at or above the quality's floor.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "skc/skc.h"
#include "status.h"
#include "ui_check.h"

static void
check_line (const gchar *method, const gchar *description, gdouble seconds,
            const gchar *expected)
{
  gchar *line = skc_ui_status_line (method, description, seconds);
  CHECK (strcmp (line, expected) == 0, "\"%s\" gave \"%s\", not \"%s\"",
         description, line, expected);
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
                             skc_engine_describe (engine), 0.02);
  *description = g_strdup (skc_engine_describe (engine));
  printf ("%s\n    <- %s: %s\n", line, skc_engine_method (engine),
          *description);
  skc_engine_free (engine);
  return line;
}

int
main (void)
{
  /* Written here: each form the planner uses. */
  check_line ("FFT",
              "uniform: FFT, exact, 41x41 kernel on 450x450 cells; planner: "
              "FFT (exact) at full resolution",
              0.0149, "exact bokeh · 0.01 s");
  check_line ("knots",
              "uniform: knots 41x41 along rows (145 knots, reach 83 px); "
              "planner: knots at full resolution, cost 146, kernel SNR 31.1 "
              "dB (normal quality: at least 30 dB)",
              0.42, "approximate bokeh · 31 dB · 0.4 s");
  check_line ("knots tables",
              "blur map: 1 scale, ...; kernel SNR about 30.6 dB (worst table "
              "29.0 dB; floor 30 dB); planner: knots",
              12.3, "approximate bokeh · 31 dB · 12 s");
  check_line ("DISK basis",
              "blur map: 3 scales; coarser scales: kernel SNR not guaranteed; "
              "planner: DISK basis",
              1.0, "approximate bokeh · 1.0 s");
  check_line ("identity", "radius 0: the image as it is", 0.001,
              "no blur · 0.00 s");
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
