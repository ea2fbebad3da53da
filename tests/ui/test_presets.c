/* skc — the presets page's thumbnails (ui/presets.c): the list shows at
 * once and each preset's bokeh comes in idle time; each thumbnail is its
 * shape as the core renders it (checked pixel for pixel against
 * skc_shape_render for the built-in shapes), and tells the presets apart:
 * the mirror ring dark in its middle, the anamorphic oval taller than wide.
 *
 *   test_presets PRESETS_DIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>

#include "presets.h"
#include "ui_check.h"

#define SIZE 40 /* presets.c's THUMB_SIZE */

static gboolean
current (gpointer data, skc_params *params, gboolean *with_map,
         skc_preset **keep, skc_error *err)
{
  skc_params_init (params);
  *with_map = FALSE;
  *keep = NULL;
  return TRUE;
}

static void
use (gpointer data, const gchar *path)
{
}

static guchar
grey (GdkPixbuf *thumb, gint x, gint y)
{
  return gdk_pixbuf_get_pixels (thumb)[y * gdk_pixbuf_get_rowstride (thumb)
                                       + x * gdk_pixbuf_get_n_channels (thumb)];
}

/* The thumbnail against the preset's built-in shape rendered here, each
 * pixel its weight over the brightest (the largest difference, 0..255). */
static gint
difference_from_render (GdkPixbuf *thumb, const gchar *path)
{
  skc_preset *preset = NULL;
  skc_params p;
  skc_image k = { 0 };
  gint worst = 0;
  if (skc_preset_load (path, &preset, NULL) != SKC_OK)
    return 256;
  skc_params_init (&p);
  skc_preset_apply (preset, 0, &p);
  skc_preset_free (preset);
  if (skc_shape_render (&p.shape, (SIZE - 2) / 2.0, SIZE - 1, &k, NULL)
      != SKC_OK)
    return 256;
  float peak = 0;
  for (gint i = 0; i < k.width * k.height; i++)
    peak = fmaxf (peak, k.data[i]);
  for (gint y = 0; y < SIZE; y++)
    for (gint x = 0; x < SIZE; x++)
      {
        float v = x < k.width && y < k.height ? k.data[y * k.stride + x] : 0;
        gint want = (gint) lrintf (255 * v / peak);
        worst = MAX (worst, abs (want - grey (thumb, x, y)));
      }
  skc_image_free (&k);
  return worst;
}

static gint
bright_run (GdkPixbuf *thumb, gboolean across)
{
  gint count = 0;
  for (gint i = 0; i < SIZE; i++)
    count += grey (thumb, across ? i : SIZE / 2, across ? SIZE / 2 : i) > 128;
  return count;
}

int
main (int argc, char **argv)
{
  gtk_init (&argc, &argv);
  if (argc < 2)
    return 2;
  gchar *user = g_dir_make_tmp ("skc-presets-XXXXXX", NULL);
  SkcUiPresetHooks hooks = { current, use, NULL };
  gint64 start = g_get_monotonic_time ();
  GtkWidget *page = skc_ui_presets_page_new (user, argv[1], &hooks);
  gdouble listed = (g_get_monotonic_time () - start) / 1e6;
  guint rows = skc_ui_presets_thumbnails_pending (page);
  CHECK (rows >= 8, "%u presets listed, all waiting for thumbnails", rows);
  GtkWidget *window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_container_add (GTK_CONTAINER (window), page);
  gtk_widget_show_all (window);
  while (skc_ui_presets_thumbnails_pending (page) > 0
         && g_get_monotonic_time () - start < 30 * G_USEC_PER_SEC)
    gtk_main_iteration_do (FALSE);
  gdouble drawn = (g_get_monotonic_time () - start) / 1e6;
  CHECK (skc_ui_presets_thumbnails_pending (page) == 0,
         "thumbnails still missing after %.1f s", drawn);
  printf ("listed in %.3f s, %u thumbnails drawn by %.3f s\n", listed, rows,
          drawn);

  static const gchar *const spec_shaped[]
      = { "heart",       "hexagon-6",     "iris-9-rounded",
          "mirror-ring", "soft-gaussian", "star-5" };
  for (gsize i = 0; i < G_N_ELEMENTS (spec_shaped); i++)
    {
      gchar *path
          = g_strdup_printf ("%s/%s.skcpreset", argv[1], spec_shaped[i]);
      GdkPixbuf *thumb = skc_ui_presets_thumbnail (path, SIZE, NULL);
      CHECK (thumb && gdk_pixbuf_get_width (thumb) == SIZE, "%s: no thumbnail",
             path);
      if (thumb)
        {
          gint worst = difference_from_render (thumb, path);
          CHECK (worst <= 1, "%s: %d from the core's rendering", path, worst);
          CHECK (bright_run (thumb, TRUE) > 4, "%s: nothing bright", path);
          g_object_unref (thumb);
        }
      g_free (path);
    }
  gchar *ring = g_build_filename (argv[1], "mirror-ring.skcpreset", NULL);
  gchar *oval = g_build_filename (argv[1], "anamorphic-oval.skcpreset", NULL);
  GdkPixbuf *r = skc_ui_presets_thumbnail (ring, SIZE, NULL);
  GdkPixbuf *o = skc_ui_presets_thumbnail (oval, SIZE, NULL);
  CHECK (r && grey (r, SIZE / 2, SIZE / 2) < 40
             && grey (r, SIZE / 2 + 16, SIZE / 2) > 128,
         "the ring's thumbnail is not dark inside, bright on its rim");
  CHECK (o && bright_run (o, FALSE) > bright_run (o, TRUE) + 4,
         "the oval's thumbnail is not taller than wide (%d across, %d down)",
         o ? bright_run (o, TRUE) : 0, o ? bright_run (o, FALSE) : 0);
  skc_error err;
  CHECK (!skc_ui_presets_thumbnail ("/nonexistent.skcpreset", SIZE, &err),
         "a missing file has a thumbnail");
  g_clear_object (&r);
  g_clear_object (&o);
  g_free (ring);
  g_free (oval);
  gtk_widget_destroy (window);
  g_rmdir (user);
  g_free (user);
  return failures != 0;
}
