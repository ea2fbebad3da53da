/* skc — the blur map painter under Xvfb: synthetic pointer events (and, when
 * xdotool is there, real X ones) paint and drag on the widget, and the map
 * must change exactly where the tools say; the view (zoom, pan, wheel) must
 * keep the pointer, the map and the drawn pixels aligned.  Screenshots are
 * kept as artefacts in the folder given as the first argument.
 *
 *   test_map_painter OUTDIR [PHOTO]
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include <gtk/gtk.h>
#include <gdk/gdkkeysyms.h>

#include "map-painter.h"
#include "ui_check.h"

static GtkWidget *painter, *canvas, *window;
static int W, H; /* the image's size */
static int partial_count, final_count;

static void
on_map_changed (GtkWidget *w, gboolean finished, gpointer data)
{
  if (finished)
    final_count++;
  else
    partial_count++;
}

/* Lets GTK and the X server catch up: events, idles, redraws. */
static void
pump (void)
{
  for (int round = 0; round < 3; round++)
    {
      gdk_display_sync (gdk_display_get_default ());
      while (gtk_events_pending ())
        gtk_main_iteration ();
      g_usleep (10000);
    }
  while (gtk_events_pending ())
    gtk_main_iteration ();
}

/* ---- synthetic events, delivered as the X server's would be ---- */

static void
set_device (GdkEvent *ev, gboolean keyboard)
{
#if GTK_CHECK_VERSION(3, 0, 0)
  GdkSeat *seat = gdk_display_get_default_seat (gdk_display_get_default ());
  GdkDevice *d
      = keyboard ? gdk_seat_get_keyboard (seat) : gdk_seat_get_pointer (seat);
  gdk_event_set_device (ev, d);
  gdk_event_set_source_device (ev, d);
#else
  if (!keyboard)
    {
      if (ev->type == GDK_MOTION_NOTIFY)
        ev->motion.device = gdk_device_get_core_pointer ();
      else if (ev->type == GDK_SCROLL)
        ev->scroll.device = gdk_device_get_core_pointer ();
      else
        ev->button.device = gdk_device_get_core_pointer ();
    }
#endif
}

static guint modifiers; /* keys and buttons held, as events report them */

static void
send_button (GdkEventType type, guint button, double x, double y)
{
  GdkEvent *ev = gdk_event_new (type);
  ev->button.window = g_object_ref (gtk_widget_get_window (canvas));
  ev->button.send_event = TRUE;
  ev->button.time = GDK_CURRENT_TIME;
  ev->button.x = x;
  ev->button.y = y;
  ev->button.button = button;
  ev->button.state = modifiers;
  set_device (ev, FALSE);
  gtk_main_do_event (ev);
  gdk_event_free (ev);
  guint mask = button == 1 ? GDK_BUTTON1_MASK : GDK_BUTTON2_MASK;
  if (type == GDK_BUTTON_PRESS)
    modifiers |= mask;
  else
    modifiers &= ~mask;
}

static void
send_motion (double x, double y)
{
  GdkEvent *ev = gdk_event_new (GDK_MOTION_NOTIFY);
  ev->motion.window = g_object_ref (gtk_widget_get_window (canvas));
  ev->motion.send_event = TRUE;
  ev->motion.time = GDK_CURRENT_TIME;
  ev->motion.x = x;
  ev->motion.y = y;
  ev->motion.state = modifiers;
  set_device (ev, FALSE);
  gtk_main_do_event (ev);
  gdk_event_free (ev);
}

static void
send_scroll (GdkScrollDirection direction, double x, double y)
{
  GdkEvent *ev = gdk_event_new (GDK_SCROLL);
  ev->scroll.window = g_object_ref (gtk_widget_get_window (canvas));
  ev->scroll.send_event = TRUE;
  ev->scroll.time = GDK_CURRENT_TIME;
  ev->scroll.x = x;
  ev->scroll.y = y;
  ev->scroll.direction = direction;
  set_device (ev, FALSE);
  gtk_main_do_event (ev);
  gdk_event_free (ev);
}

/* The pointer leaves the canvas (its brush outline goes). */
static void
send_leave (void)
{
  GdkEvent *ev = gdk_event_new (GDK_LEAVE_NOTIFY);
  ev->crossing.window = g_object_ref (gtk_widget_get_window (canvas));
  ev->crossing.send_event = TRUE;
  ev->crossing.time = GDK_CURRENT_TIME;
  ev->crossing.x = ev->crossing.y = -10;
  ev->crossing.mode = GDK_CROSSING_NORMAL;
  ev->crossing.detail = GDK_NOTIFY_ANCESTOR;
#if GTK_CHECK_VERSION(3, 0, 0)
  set_device (ev, FALSE);
#endif
  gtk_main_do_event (ev);
  gdk_event_free (ev);
}

/* Key events go to the toplevel, which hands them to the focus widget. */
static void
send_key (GdkEventType type, guint keyval)
{
  GdkEvent *ev = gdk_event_new (type);
  ev->key.window = g_object_ref (gtk_widget_get_window (window));
  ev->key.send_event = TRUE;
  ev->key.time = GDK_CURRENT_TIME;
  ev->key.keyval = keyval;
  ev->key.state = modifiers;
  set_device (ev, TRUE);
  gtk_main_do_event (ev);
  gdk_event_free (ev);
}

/* The canvas point showing image point (ix, iy), computed here from the
   view's definition (zoom, and the centre at the canvas's centre), not by
   the widget's own helper, so a wrong mapping cannot hide itself. */
static double view_zoom, view_cx, view_cy;

static void
image_to_canvas (double ix, double iy, double *x, double *y)
{
  GtkAllocation a;
  gtk_widget_get_allocation (canvas, &a);
  *x = (ix - view_cx) * view_zoom + a.width / 2.0;
  *y = (iy - view_cy) * view_zoom + a.height / 2.0;
}

/* A press at image point (x0, y0), motions in `steps` to (x1, y1), a
   release: a stroke with the brush or a drag with the band or radial
   tool. */
static void
drag_image (double x0, double y0, double x1, double y1, int steps,
            gboolean release)
{
  double cx, cy;
  image_to_canvas (x0, y0, &cx, &cy);
  send_motion (cx, cy);
  send_button (GDK_BUTTON_PRESS, 1, cx, cy);
  for (int i = 1; i <= steps; i++)
    {
      double t = (double) i / steps;
      image_to_canvas (x0 + t * (x1 - x0), y0 + t * (y1 - y0), &cx, &cy);
      send_motion (cx, cy);
    }
  if (release)
    send_button (GDK_BUTTON_RELEASE, 1, cx, cy);
  pump ();
}

static float *
map_copy (void)
{
  int w, h;
  const float *m = skc_map_painter_get_map (painter, &w, &h);
  return g_memdup2 (m, sizeof (float) * w * h);
}

static const float *
map_now (void)
{
  return skc_map_painter_get_map (painter, NULL, NULL);
}

/* Distance from the centre of pixel (x, y) to the segment a–b. */
static double
segment_distance (int x, int y, double ax, double ay, double bx, double by)
{
  double px = x + 0.5 - ax, py = y + 0.5 - ay;
  double dx = bx - ax, dy = by - ay;
  double t = CLAMP ((px * dx + py * dy) / (dx * dx + dy * dy), 0, 1);
  return hypot (px - t * dx, py - t * dy);
}

/* A hard brush stroke lands on the segment's pixels: exactly the value
   within the hard core, untouched beyond the brush's reach, antialiased
   only in the one-pixel rim. */
static void
check_hard_stroke (const char *what, const float *before, double ax, double ay,
                   double bx, double by, double radius, float value)
{
  const float *m = map_now ();
  long inside = 0, outside = 0, bad_in = 0, bad_out = 0, changed = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        gsize i = (gsize) y * W + x;
        double d = segment_distance (x, y, ax, ay, bx, by);
        changed += m[i] != before[i];
        /* Within two pixels of the rim, a pixel may fall between two
           dabs (spaced radius / 7 apart) and not get their full core. */
        if (d < radius - 2)
          {
            inside++;
            bad_in += m[i] != value;
          }
        else if (d > radius + 0.01)
          {
            outside++;
            bad_out += m[i] != before[i];
          }
      }
  printf ("%s: %ld pixels changed; %ld in the core (%ld wrong), %ld beyond "
          "the brush (%ld touched)\n",
          what, changed, inside, bad_in, outside, bad_out);
  CHECK (inside > 0 && bad_in == 0, "%s: core pixels not %g", what, value);
  CHECK (bad_out == 0, "%s: pixels beyond the brush changed", what);
}

static gboolean
arrays_equal (const float *a, const float *b)
{
  return memcmp (a, b, sizeof (float) * W * H) == 0;
}

static void
set_view (double zoom, double cx, double cy)
{
  skc_map_painter_set_view (painter, zoom, cx, cy);
  view_zoom = zoom;
  view_cx = cx;
  view_cy = cy;
  pump ();
}

static void
fit_view (void)
{
  GtkAllocation a;
  skc_map_painter_zoom_fit (painter);
  pump ();
  gtk_widget_get_allocation (canvas, &a);
  view_zoom = MIN ((double) a.width / W, (double) a.height / H);
  view_cx = W / 2.0;
  view_cy = H / 2.0;
}

/* ---- the image ---- */

static guchar *
load_image (const char *path, int *w, int *h)
{
  GdkPixbuf *pb = path ? gdk_pixbuf_new_from_file (path, NULL) : NULL;
  if (pb)
    {
      /* Not square, so that fitting letterboxes on one side only. */
      *w = gdk_pixbuf_get_width (pb);
      *h = MIN (gdk_pixbuf_get_height (pb), *w * 4 / 5);
      GdkPixbuf *rgba = gdk_pixbuf_add_alpha (pb, FALSE, 0, 0, 0);
      guchar *out = g_new (guchar, (gsize) *w * *h * 4);
      for (int y = 0; y < *h; y++)
        memcpy (out + (gsize) y * *w * 4,
                gdk_pixbuf_get_pixels (rgba)
                    + (gsize) y * gdk_pixbuf_get_rowstride (rgba),
                (gsize) *w * 4);
      g_object_unref (rgba);
      g_object_unref (pb);
      return out;
    }
  /* No photo: a gradient with a grid, recognisable at any zoom. */
  *w = 512;
  *h = 400;
  guchar *out = g_new (guchar, (gsize) *w * *h * 4);
  for (int y = 0; y < *h; y++)
    for (int x = 0; x < *w; x++)
      {
        guchar *p = out + ((gsize) y * *w + x) * 4;
        gboolean line = x % 32 == 0 || y % 32 == 0;
        p[0] = line ? 255 : (guchar) (x / 2);
        p[1] = line ? 255 : (guchar) (y * 255 / *h);
        p[2] = line ? 255 : 128;
        p[3] = 255;
      }
  return out;
}

/* Redraws of the canvas begun, counted by an emission hook, which runs
   whatever the handlers return. */
static int draws;

static gboolean
count_draw (GSignalInvocationHint *hint, guint n, const GValue *values,
            gpointer data)
{
  if (g_value_get_object (&values[0]) == (gpointer) canvas)
    draws++;
  return TRUE;
}

/* Redraws the canvas and waits until it is on screen: GTK 3 paints on its
   frame clock, later than the events that asked for it, and later still
   when the machine is busy. */
static void
redraw_and_wait (void)
{
  int before = draws;
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  gtk_widget_queue_draw (canvas);
  while (draws == before && g_get_monotonic_time () < end)
    {
      while (gtk_events_pending ())
        gtk_main_iteration ();
      g_usleep (2000);
    }
  CHECK (draws > before, "the canvas was not redrawn within 5 s");
  pump ();
}

/* The canvas as shown on screen, as 8-bit RGB. */
static GdkPixbuf *
grab_canvas (void)
{
  GtkAllocation a;
  redraw_and_wait ();
  gtk_widget_get_allocation (canvas, &a);
#if GTK_CHECK_VERSION(3, 0, 0)
  return gdk_pixbuf_get_from_window (gtk_widget_get_window (canvas), 0, 0,
                                     a.width, a.height);
#else
  return gdk_pixbuf_get_from_drawable (NULL, gtk_widget_get_window (canvas),
                                       NULL, 0, 0, 0, 0, a.width, a.height);
#endif
}

static void
screenshot (const char *dir, const char *name)
{
  char *path
      = g_strdup_printf ("%s/%s-gtk%d.png", dir, name, GTK_MAJOR_VERSION);
  /* The root window, cropped to ours (the screen is larger). */
  GtkAllocation a;
  int x, y;
  gtk_widget_get_allocation (window, &a);
  gdk_window_get_origin (gtk_widget_get_window (window), &x, &y);
  char *crop = g_strdup_printf ("%dx%d+%d+%d", a.width, a.height, x, y);
  char *argv[] = { "import", "-window", "root", "-crop", crop, path, NULL };
  int status = -1;
  GError *error = NULL;
  redraw_and_wait ();
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL,
                     NULL, &status, &error))
    {
      printf ("screenshot: import not run (%s)\n", error->message);
      g_error_free (error);
    }
  else
    {
      CHECK (status == 0 && g_file_test (path, G_FILE_TEST_EXISTS),
             "screenshot %s not written", path);
      printf ("screenshot: %s\n", path);
    }
  g_free (crop);
  g_free (path);
}

/* ---- the tests ---- */

static void
test_brush (void)
{
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_clear (painter);
  fit_view ();
  float *before = map_copy ();

  /* A hard stroke at the fitted zoom. */
  skc_map_painter_set_brush_size (painter, 24);
  skc_map_painter_set_brush_hardness (painter, 1);
  skc_map_painter_set_brush_value (painter, 1);
  partial_count = final_count = 0;
  drag_image (100, 150, 300, 190, 12, TRUE);
  check_hard_stroke ("hard stroke, fitted view", before, 100, 150, 300, 190, 12,
                     1.0f);
  CHECK (final_count == 1, "%d final map-changed for one stroke", final_count);
  printf ("stroke: %d partial and %d final map-changed\n", partial_count,
          final_count);

  /* A soft stroke of 0.5 going back over itself: no pile-up beyond the
     value, the value exactly on its path, easing off across it. */
  skc_map_painter_clear (painter);
  g_free (before);
  before = map_copy ();
  skc_map_painter_set_brush_size (painter, 40);
  skc_map_painter_set_brush_hardness (painter, 0.25);
  skc_map_painter_set_brush_value (painter, 0.5);
  double cx, cy;
  image_to_canvas (150, 300, &cx, &cy);
  send_button (GDK_BUTTON_PRESS, 1, cx, cy);
  for (int pass = 0; pass < 3; pass++)
    for (int i = 0; i <= 10; i++)
      {
        double x = pass % 2 ? 350 - 20 * i : 150 + 20 * i;
        image_to_canvas (x, 300, &cx, &cy);
        send_motion (cx, cy);
      }
  send_button (GDK_BUTTON_RELEASE, 1, cx, cy);
  pump ();
  const float *m = map_now ();
  float top = 0;
  for (gsize i = 0; i < (gsize) W * H; i++)
    top = MAX (top, m[i]);
  printf ("soft stroke: largest value %.6f, on the path %.6f, 10 px off %.4f, "
          "19 px off %.4f, 21 px off %.4f\n",
          top, m[300 * W + 250], m[310 * W + 250], m[319 * W + 250],
          m[321 * W + 250]);
  CHECK (top == 0.5f, "a 0.5 stroke over itself reached %g", top);
  CHECK (m[300 * W + 250] == 0.5f, "path pixel %g", m[300 * W + 250]);
  gboolean monotone = TRUE;
  for (int k = 0; k < 25; k++) /* k pixels below and above the path */
    monotone = monotone && m[(301 + k) * W + 250] <= m[(300 + k) * W + 250]
               && m[(299 - k) * W + 250] <= m[(300 - k) * W + 250];
  CHECK (monotone, "soft stroke does not ease off monotonically");
  CHECK (m[310 * W + 250] > 0 && m[310 * W + 250] < 0.5f, "soft rim value %g",
         m[310 * W + 250]);
  CHECK (m[321 * W + 250] == 0 && m[(300 - 22) * W + 250] == 0,
         "the soft brush reached beyond its radius");
  g_free (before);
}

static void
test_throttle (void)
{
  /* A slow stroke of 0.6 s with a 50 ms throttle: partial updates come,
     never faster than the throttle, and one final update closes them. */
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_throttle (painter, 50);
  skc_map_painter_set_brush_size (painter, 10);
  partial_count = final_count = 0;
  double cx, cy;
  gint64 t0 = g_get_monotonic_time ();
  image_to_canvas (50, 50, &cx, &cy);
  send_button (GDK_BUTTON_PRESS, 1, cx, cy);
  for (int i = 1; i <= 30; i++)
    {
      image_to_canvas (50 + 10 * i, 50, &cx, &cy);
      send_motion (cx, cy);
      g_usleep (20000);
      while (gtk_events_pending ())
        gtk_main_iteration ();
    }
  int partial_during = partial_count;
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  send_button (GDK_BUTTON_RELEASE, 1, cx, cy);
  pump ();
  printf ("throttle: %d partial map-changed in %.0f ms of stroke (at most "
          "%d allowed), %d final\n",
          partial_during, ms, (int) (ms / 50) + 1, final_count);
  CHECK (partial_during >= 2, "only %d partial updates", partial_during);
  CHECK (partial_during <= (int) (ms / 50) + 1, "%d partial updates",
         partial_during);
  CHECK (final_count == 1, "%d final updates", final_count);
  skc_map_painter_set_throttle (painter, 100);
}

static void
test_band (void)
{
  const double width = 40, ramp = 100;
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BAND);
  skc_map_painter_set_band (painter, width, ramp);
  fit_view ();
  /* A horizontal focus line at y = 200, dragged with the pointer. */
  partial_count = final_count = 0;
  drag_image (60, 200, 440, 200, 8, TRUE);
  const float *m = map_now ();
  double err = 0;
  gboolean rows_flat = TRUE, monotone = TRUE;
  for (int y = 0; y < H; y++)
    {
      double d = fabs (y + 0.5 - 200) - width / 2;
      double want = d <= 0 ? 0 : MIN (1, d / ramp);
      for (int x = 0; x < W; x++)
        {
          err = MAX (err, fabs (m[y * W + x] - want));
          rows_flat = rows_flat && m[y * W + x] == m[y * W];
        }
      if (y >= 200 && y + 1 < H)
        monotone = monotone && m[(y + 1) * W] >= m[y * W];
      if (y < 200 && y > 0)
        monotone = monotone && m[(y - 1) * W] >= m[y * W];
    }
  printf ("band (pointer): profile at 0, 20, 21, 70, 120, 121 px from the "
          "line: %.4f %.4f %.4f %.4f %.4f %.4f; largest error %.2g\n",
          m[200 * W], m[220 * W], m[221 * W], m[270 * W], m[320 * W],
          m[321 * W], err);
  CHECK (err < 1e-4, "band profile off by %g", err);
  CHECK (m[200 * W] == 0 && m[219 * W] == 0 && m[180 * W] == 0,
         "band not sharp in the middle");
  CHECK (m[330 * W] == 1 && m[60 * W] == 1, "band not fully blurred far away");
  CHECK (rows_flat, "a horizontal band varies along x");
  CHECK (monotone, "band ramps not monotone");
  CHECK (final_count == 1, "%d final updates for one drag", final_count);

  /* A tilted band through the API: distance to the 30° line. */
  double a = G_PI / 6, x0 = W / 2.0, y0 = H / 2.0;
  skc_map_painter_band (painter, x0, y0, x0 + 100 * cos (a),
                        y0 + 100 * sin (a));
  m = map_now ();
  err = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double d = fabs (-(x + 0.5 - x0) * sin (a) + (y + 0.5 - y0) * cos (a))
                   - width / 2;
        double want = d <= 0 ? 0 : MIN (1, d / ramp);
        err = MAX (err, fabs (m[y * W + x] - want));
      }
  printf ("band (30°, API): largest error %.2g\n", err);
  CHECK (err < 1e-5, "tilted band off by %g", err);
}

static void
test_radial (void)
{
  const double fx = 256, fy = 180, r = 150;
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_RADIAL);
  fit_view ();
  drag_image (fx, fy, fx + r * 0.6, fy + r * 0.8, 6, TRUE);
  const float *m = map_now ();
  double err = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double want = MIN (1, hypot (x + 0.5 - fx, y + 0.5 - fy) / r);
        err = MAX (err, fabs (m[y * W + x] - want));
      }
  /* Along a ray to the right: 0 at the point, rising, then 1. */
  gboolean monotone = TRUE;
  for (int x = (int) fx; x + 1 < W; x++)
    monotone = monotone && m[(int) fy * W + x + 1] >= m[(int) fy * W + x];
  printf ("radial (pointer): at 0, 75, 150, 200 px: %.4f %.4f %.4f %.4f; "
          "largest error %.2g\n",
          m[(int) fy * W + (int) fx], m[(int) fy * W + (int) fx + 75],
          m[(int) fy * W + (int) fx + 150], m[(int) fy * W + (int) fx + 200],
          err);
  CHECK (err < 1e-4, "radial profile off by %g", err);
  CHECK (m[(int) fy * W + (int) fx] < 0.01, "focus point not sharp");
  CHECK (m[(int) fy * W + (int) fx + 200] == 1, "not fully blurred far away");
  CHECK (monotone, "radial ramp not monotone");
}

static void
test_fill_invert_undo (void)
{
  /* Loading a map starts a new history: the undos below end at it. */
  float *zeros = g_new0 (float, (gsize) W *H);
  partial_count = final_count = 0;
  CHECK (skc_map_painter_set_map (painter, zeros, W, H), "set_map refused");
  CHECK (!skc_map_painter_can_undo (painter), "history kept by set_map");
  CHECK (final_count == 0 && partial_count == 0, "set_map emitted");
  g_free (zeros);
  float *a = map_copy ();
  long bad_clear = 0;
  for (gsize i = 0; i < (gsize) W * H; i++)
    bad_clear += a[i] != 0;
  CHECK (bad_clear == 0, "%ld pixels not 0 after set_map", bad_clear);

  /* A stroke, then fill, invert and clear, each one undo step. */
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_brush_size (painter, 30);
  skc_map_painter_set_brush_value (painter, 0.8);
  drag_image (80, 80, 400, 300, 10, TRUE);
  float *b = map_copy ();
  skc_map_painter_set_brush_value (painter, 0.3);
  skc_map_painter_fill (painter);
  float *c = map_copy ();
  skc_map_painter_set_brush_value (painter, 0.8);
  drag_image (400, 80, 80, 300, 10, TRUE);
  float *d = map_copy ();
  skc_map_painter_invert (painter);
  float *e = map_copy ();

  long bad_fill = 0, bad_invert = 0;
  for (gsize i = 0; i < (gsize) W * H; i++)
    {
      bad_fill += c[i] != 0.3f;
      bad_invert += e[i] != 1.0f - d[i];
    }
  CHECK (bad_fill == 0, "%ld pixels not 0.3 after fill", bad_fill);
  CHECK (bad_invert == 0, "%ld pixels not 1 - v after invert", bad_invert);
  CHECK (!arrays_equal (a, b) && !arrays_equal (c, d), "strokes did nothing");

  const float *states[] = { a, b, c, d, e };
  gboolean exact = TRUE;
  for (int k = 4; k > 0; k--)
    {
      CHECK (skc_map_painter_undo (painter), "undo %d refused", k);
      exact = exact && arrays_equal (map_now (), states[k - 1]);
    }
  CHECK (!skc_map_painter_can_undo (painter), "undo past the first edit");
  CHECK (!skc_map_painter_undo (painter), "undo past the first edit");
  for (int k = 1; k <= 4; k++)
    {
      CHECK (skc_map_painter_redo (painter), "redo %d refused", k);
      exact = exact && arrays_equal (map_now (), states[k]);
    }
  CHECK (!skc_map_painter_redo (painter), "redo past the last edit");
  CHECK (exact, "undo/redo did not restore the exact arrays");
  /* A new edit after an undo drops the redo branch. */
  skc_map_painter_undo (painter);
  skc_map_painter_clear (painter);
  CHECK (!skc_map_painter_can_redo (painter), "redo kept after a new edit");
  skc_map_painter_undo (painter);
  CHECK (arrays_equal (map_now (), d), "undo of clear not exact");
  skc_map_painter_clear (painter);
  bad_clear = 0;
  for (gsize i = 0; i < (gsize) W * H; i++)
    bad_clear += map_now ()[i] != 0;
  CHECK (bad_clear == 0, "%ld pixels not 0 after clear", bad_clear);
  skc_map_painter_undo (painter);

  /* A new image of the same size (a preview) keeps map and history; a new
     size starts over. */
  const guchar *img = g_object_get_data (G_OBJECT (painter), "test-image");
  partial_count = final_count = 0;
  skc_map_painter_set_image (painter, img, W, H, W * 4);
  skc_map_painter_update_image (painter, img, 10, 10, 20, 20, W * 4);
  CHECK (arrays_equal (map_now (), d) && skc_map_painter_can_undo (painter),
         "replacing the image lost the map");
  CHECK (final_count == 0 && partial_count == 0, "set_image emitted");
  skc_map_painter_set_image (painter, img, W / 2, H / 2, W * 4);
  int w2, h2;
  const float *m2 = skc_map_painter_get_map (painter, &w2, &h2);
  CHECK (w2 == W / 2 && h2 == H / 2 && m2[0] == 0
             && !skc_map_painter_can_undo (painter),
         "a new size kept the old map (%d×%d)", w2, h2);
  skc_map_painter_set_image (painter, img, W, H, W * 4);
  pump ();
  printf ("fill, invert, clear exact; 4 undos and 4 redos restore the exact "
          "arrays: %s\n",
          exact ? "yes" : "no");
  g_free (a);
  g_free (b);
  g_free (c);
  g_free (d);
  g_free (e);
}

static void
test_view (void)
{
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_brush_hardness (painter, 1);
  skc_map_painter_set_brush_value (painter, 1);
  skc_map_painter_set_brush_size (painter, 8);

  /* Zoom 2: a stroke lands on the image pixels under the pointer. */
  skc_map_painter_clear (painter);
  set_view (2, 300, 250);
  float *before = map_copy ();
  drag_image (280, 240, 330, 260, 6, TRUE);
  check_hard_stroke ("hard stroke at zoom 2", before, 280, 240, 330, 260, 4,
                     1.0f);

  /* The pixels drawn at zoom 2 are the image's (overlay off): each canvas
     pixel shows the image pixel its centre maps to. */
  skc_map_painter_set_overlay (painter, FALSE, 0.6);
  send_leave ();
  GdkPixbuf *shot = grab_canvas ();
  int mismatches = 0, compared = 0;
  int sw = gdk_pixbuf_get_width (shot);
  int sh = gdk_pixbuf_get_height (shot);
  int n = gdk_pixbuf_get_n_channels (shot);
  int rs = gdk_pixbuf_get_rowstride (shot);
  const guchar *img = g_object_get_data (G_OBJECT (painter), "test-image");
  for (int y = 2; y < sh - 2; y += 7)
    for (int x = 2; x < sw - 2; x += 7)
      {
        double fx = (x + 0.5 - sw / 2.0) / view_zoom + view_cx;
        double fy = (y + 0.5 - sh / 2.0) / view_zoom + view_cy;
        int ix = (int) floor (fx), iy = (int) floor (fy);
        /* A centre on a pixel's edge (odd canvas sizes) may round to
           either pixel. */
        if (ix < 0 || iy < 0 || ix >= W || iy >= H
            || fabs (fx - round (fx)) < 0.01 || fabs (fy - round (fy)) < 0.01)
          continue;
        const guchar *s = gdk_pixbuf_get_pixels (shot) + y * rs + x * n;
        const guchar *p = img + ((gsize) iy * W + ix) * 4;
        compared++;
        mismatches += abs (s[0] - p[0]) > 1 || abs (s[1] - p[1]) > 1
                      || abs (s[2] - p[2]) > 1;
      }
  g_object_unref (shot);
  printf ("drawn at zoom 2: %d of %d sampled canvas pixels differ from the "
          "image pixel under them\n",
          mismatches, compared);
  CHECK (compared > 1000 && mismatches == 0, "drawing misaligned");

  /* With the overlay, painted pixels are tinted and unpainted ones not. */
  skc_map_painter_set_overlay (painter, TRUE, 0.6);
  shot = grab_canvas ();
  double px, py, qx, qy;
  image_to_canvas (305.5, 250.5, &px, &py); /* on the stroke */
  image_to_canvas (305.5, 200.5, &qx, &qy); /* well off it */
  const guchar *sp = gdk_pixbuf_get_pixels (shot)
                     + (int) py * gdk_pixbuf_get_rowstride (shot)
                     + (int) px * gdk_pixbuf_get_n_channels (shot);
  const guchar *sq = gdk_pixbuf_get_pixels (shot)
                     + (int) qy * gdk_pixbuf_get_rowstride (shot)
                     + (int) qx * gdk_pixbuf_get_n_channels (shot);
  const guchar *ip = img + ((gsize) 250 * W + 305) * 4;
  const guchar *iq = img + ((gsize) 200 * W + 305) * 4;
  int expect_b = (int) (ip[2] * 0.4 + 255 * 0.6 + 0.5);
  printf ("overlay: painted pixel blue %d (expected %d), unpainted %d (image "
          "%d)\n",
          sp[2], expect_b, sq[2], iq[2]);
  CHECK (abs (sp[2] - expect_b) <= 1, "painted pixel not tinted");
  CHECK (abs (sq[2] - iq[2]) <= 1 && abs (sq[0] - iq[0]) <= 1,
         "unpainted pixel tinted");
  g_object_unref (shot);

  /* Middle drag pans: 40, 20 canvas pixels right and down at zoom 2 move
     the view 20, 10 image pixels up-left, and paint nothing. */
  double cx, cy;
  g_free (before);
  before = map_copy ();
  image_to_canvas (300, 250, &cx, &cy);
  send_button (GDK_BUTTON_PRESS, 2, cx, cy);
  send_motion (cx + 20, cy + 10);
  send_motion (cx + 40, cy + 20);
  send_button (GDK_BUTTON_RELEASE, 2, cx + 40, cy + 20);
  pump ();
  view_cx -= 20;
  view_cy -= 10;
  double ix, iy;
  skc_map_painter_canvas_to_image (painter, cx + 40, cy + 20, &ix, &iy);
  printf ("middle-drag pan: the grabbed point (300, 250) is now under the "
          "pointer at (%.3f, %.3f)\n",
          ix, iy);
  CHECK (fabs (ix - 300) < 1e-9 && fabs (iy - 250) < 1e-9,
         "pan did not follow the pointer");
  CHECK (arrays_equal (before, map_now ()), "panning painted");
  /* Space + left drag pans as well. */
  gtk_widget_grab_focus (canvas);
  send_key (GDK_KEY_PRESS, GDK_KEY_space);
  image_to_canvas (300, 250, &cx, &cy);
  send_button (GDK_BUTTON_PRESS, 1, cx, cy);
  send_motion (cx - 30, cy);
  send_button (GDK_BUTTON_RELEASE, 1, cx - 30, cy);
  send_key (GDK_KEY_RELEASE, GDK_KEY_space);
  pump ();
  view_cx += 15;
  skc_map_painter_canvas_to_image (painter, cx - 30, cy, &ix, &iy);
  CHECK (fabs (ix - 300) < 1e-9 && fabs (iy - 250) < 1e-9,
         "space-drag pan did not follow the pointer (%g, %g)", ix, iy);
  CHECK (arrays_equal (before, map_now ()), "space-drag painted");

  /* After the pans, a stroke still lands where the pointer is. */
  skc_map_painter_clear (painter);
  g_free (before);
  before = map_copy ();
  drag_image (250, 230, 290, 280, 5, TRUE);
  check_hard_stroke ("hard stroke after panning", before, 250, 230, 290, 280, 4,
                     1.0f);

  /* The wheel zooms about the pointer by 2^(1/4) a notch. */
  double z0 = skc_map_painter_get_zoom (painter), bx, by, ax, ay;
  image_to_canvas (270, 240, &cx, &cy);
  skc_map_painter_canvas_to_image (painter, cx, cy, &bx, &by);
  send_scroll (GDK_SCROLL_UP, cx, cy);
  send_scroll (GDK_SCROLL_UP, cx, cy);
  pump ();
  double z1 = skc_map_painter_get_zoom (painter);
  skc_map_painter_canvas_to_image (painter, cx, cy, &ax, &ay);
  printf ("wheel: zoom %.4f -> %.4f, pointed image point (%.3f, %.3f) -> "
          "(%.3f, %.3f)\n",
          z0, z1, bx, by, ax, ay);
  CHECK (fabs (z1 / z0 - sqrt (2.0)) < 1e-9, "two notches zoomed by %g",
         z1 / z0);
  CHECK (fabs (ax - bx) < 1e-9 && fabs (ay - by) < 1e-9,
         "wheel zoom moved the pointed point");
  send_scroll (GDK_SCROLL_DOWN, cx, cy);
  pump ();
  CHECK (fabs (skc_map_painter_get_zoom (painter) / z1 - pow (2, -0.25)) < 1e-9,
         "wheel down did not zoom out");

  /* Fit shows the whole image, centred. */
  skc_map_painter_zoom_fit (painter);
  pump ();
  int vx, vy, vw, vh;
  skc_map_painter_get_visible (painter, &vx, &vy, &vw, &vh);
  CHECK (vx == 0 && vy == 0 && vw == W && vh == H, "fit shows %d,%d %dx%d", vx,
         vy, vw, vh);
  g_free (before);
}

/* Milliseconds to redraw the whole canvas: GTK 2 redraws from the event
   loop, GTK 3 on its frame clock, where it can be drawn directly. */
static double
timed_redraw (void)
{
  gint64 t0;
#if GTK_CHECK_VERSION(3, 0, 0)
  GtkAllocation a;
  gtk_widget_get_allocation (canvas, &a);
  cairo_surface_t *s
      = cairo_image_surface_create (CAIRO_FORMAT_RGB24, a.width, a.height);
  cairo_t *cr = cairo_create (s);
  t0 = g_get_monotonic_time ();
  gtk_widget_draw (canvas, cr);
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
  cairo_destroy (cr);
  cairo_surface_destroy (s);
#else
  t0 = g_get_monotonic_time ();
  gtk_widget_queue_draw (canvas);
  gdk_display_sync (gdk_display_get_default ());
  while (gtk_events_pending ())
    gtk_main_iteration ();
  gdk_display_sync (gdk_display_get_default ());
  double ms = (g_get_monotonic_time () - t0) / 1000.0;
#endif
  return ms;
}

/* A 12-megapixel image: what a redraw, a brush stroke and a band drag
   cost (figures printed; the bounds only catch gross regressions, such as
   drawing the whole image rather than the visible part). */
static void
test_large (const guchar *small)
{
  const int bw = 4000, bh = 3000;
  guchar *big = g_new (guchar, (gsize) bw * bh * 4);
  for (int y = 0; y < bh; y++)
    for (int x = 0; x < bw; x++)
      memcpy (big + ((gsize) y * bw + x) * 4,
              small + ((gsize) (y % H) * W + x % W) * 4, 4);
  gint64 t0 = g_get_monotonic_time ();
  skc_map_painter_set_image (painter, big, bw, bh, bw * 4);
  double set_ms = (g_get_monotonic_time () - t0) / 1000.0;
  int saved_w = W, saved_h = H;
  W = bw;
  H = bh;
  fit_view ();
  pump ();
  double fit_ms = timed_redraw ();
  set_view (1, bw / 2.0, bh / 2.0);
  double one_ms = timed_redraw ();
  fit_view ();

  /* Zoomed out to under 1/4, each canvas pixel shows the average of the
     4 × 4 image pixels its centre falls in (the pyramid's level 2), not
     one of them. */
  skc_map_painter_set_overlay (painter, FALSE, 0.6);
  send_leave ();
  GdkPixbuf *shot = grab_canvas ();
  int sw = gdk_pixbuf_get_width (shot);
  int sh = gdk_pixbuf_get_height (shot);
  int n = gdk_pixbuf_get_n_channels (shot);
  int rs = gdk_pixbuf_get_rowstride (shot);
  int compared = 0, off = 0;
  double worst = 0;
  for (int y = 3; y < sh - 3; y += 11)
    for (int x = 3; x < sw - 3; x += 11)
      {
        double fx = (x + 0.5 - sw / 2.0) / view_zoom + view_cx;
        double fy = (y + 0.5 - sh / 2.0) / view_zoom + view_cy;
        int ix = (int) floor (fx), iy = (int) floor (fy);
        /* A centre on a block's edge may round to either block. */
        if (ix < 0 || iy < 0 || ix >= bw || iy >= bh
            || fabs (fx - 4 * round (fx / 4)) < 0.01
            || fabs (fy - 4 * round (fy / 4)) < 0.01)
          continue;
        const guchar *s = gdk_pixbuf_get_pixels (shot) + y * rs + x * n;
        for (int c = 0; c < 3; c++)
          {
            double sum = 0;
            for (int j = 0; j < 4; j++)
              for (int i = 0; i < 4; i++)
                sum += big[((gsize) ((iy & ~3) + j) * bw + (ix & ~3) + i) * 4
                           + c];
            double d = fabs (s[c] - sum / 16);
            worst = MAX (worst, d);
            off += d > 2;
          }
        compared++;
      }
  g_object_unref (shot);
  printf ("4000×3000 at zoom %.3f: %d sampled canvas pixels, largest "
          "difference from their 4×4 block's mean %.1f\n",
          view_zoom, compared, worst);
  CHECK (view_zoom < 0.25 && compared > 1000 && off == 0,
         "zoomed-out view not the 4×4 means (%d channels off)", off);
  skc_map_painter_set_overlay (painter, TRUE, 0.6);

  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_brush_size (painter, 200);
  skc_map_painter_set_brush_value (painter, 1);
  t0 = g_get_monotonic_time ();
  drag_image (500, 500, 3500, 2500, 20, TRUE);
  double stroke_ms = (g_get_monotonic_time () - t0) / 1000.0 - 30;
  const float *m = map_now ();
  CHECK (m[(gsize) 1500 * bw + 2000] == 1 && m[(gsize) 2500 * bw + 500] == 0,
         "large-image stroke misplaced");

  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BAND);
  t0 = g_get_monotonic_time ();
  drag_image (0, 1500, 4000, 1400, 10, TRUE);
  double band_ms = (g_get_monotonic_time () - t0) / 1000.0 - 30;
  m = map_now ();
  CHECK (m[(gsize) 1450 * bw + 2000] == 0 && m[0] == 1,
         "large-image band misplaced");
  t0 = g_get_monotonic_time ();
  skc_map_painter_undo (painter);
  double undo_ms = (g_get_monotonic_time () - t0) / 1000.0;
  CHECK (map_now ()[(gsize) 1500 * bw + 2000] == 1, "large undo wrong");
  printf ("4000×3000: set_image %.0f ms; full-canvas redraw %.1f ms fitted, "
          "%.1f ms at 1:1; a 200 px stroke across it %.0f ms, a band drag "
          "(motions merged) %.0f ms, its undo %.0f ms\n",
          set_ms, fit_ms, one_ms, stroke_ms, band_ms, undo_ms);
  CHECK (fit_ms < 500 && one_ms < 500, "redraws too slow");

  W = saved_w;
  H = saved_h;
  skc_map_painter_set_image (painter, small, W, H, W * 4);
  fit_view ();
  g_free (big);
}

/* Real X events (XTest through xdotool): checks that the canvas asks the
   X server for the events it handles, which synthetic events bypass. */
static void
test_xdotool (void)
{
  char *xdotool = g_find_program_in_path ("xdotool");
  if (!xdotool)
    {
      printf ("xdotool: not found, real-pointer check skipped\n");
      return;
    }
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_brush_size (painter, 16);
  skc_map_painter_set_brush_hardness (painter, 1);
  skc_map_painter_set_brush_value (painter, 1);
  skc_map_painter_clear (painter);
  fit_view ();
  int ox, oy;
  gdk_window_get_origin (gtk_widget_get_window (canvas), &ox, &oy);
  double x0, y0, x1, y1;
  image_to_canvas (120, 320, &x0, &y0);
  image_to_canvas (400, 320, &x1, &y1);
  char *cmd = g_strdup_printf (
      "%s mousemove %d %d sleep 0.1 mousedown 1 sleep 0.1 mousemove %d %d "
      "sleep 0.1 mousemove %d %d sleep 0.1 mouseup 1",
      xdotool, ox + (int) x0, oy + (int) y0, ox + (int) ((x0 + x1) / 2),
      oy + (int) y0, ox + (int) x1, oy + (int) y1);
  GError *error = NULL;
  int status = -1;
  /* xdotool runs while this loop keeps handling the events it makes. */
  gchar **argv = NULL;
  g_shell_parse_argv (cmd, NULL, &argv, NULL);
  GPid pid;
  if (!g_spawn_async (NULL, argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                      &pid, &error))
    {
      printf ("xdotool: not run (%s)\n", error->message);
      g_error_free (error);
      failures++;
      return;
    }
  gint64 end = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < end)
    {
      pump ();
      if (waitpid (pid, &status, WNOHANG) == pid)
        break;
    }
  pump ();
  g_spawn_close_pid (pid);
  g_strfreev (argv);
  g_free (cmd);
  g_free (xdotool);
  /* Integer screen positions: the stroke's ends move by up to a pixel. */
  const float *m = map_now ();
  double ax, ay, bx, by;
  skc_map_painter_canvas_to_image (painter, (int) x0, (int) y0, &ax, &ay);
  skc_map_painter_canvas_to_image (painter, (int) x1, (int) y1, &bx, &by);
  long core = 0, core_bad = 0, far_bad = 0;
  for (int y = 0; y < H; y++)
    for (int x = 0; x < W; x++)
      {
        double d = segment_distance (x, y, ax, ay, bx, by);
        if (d < 6)
          core++, core_bad += m[y * W + x] != 1;
        else if (d > 8.5)
          far_bad += m[y * W + x] != 0;
      }
  printf ("xdotool stroke: %ld core pixels (%ld not painted), %ld painted "
          "off the stroke\n",
          core, core_bad, far_bad);
  CHECK (core > 0 && core_bad == 0, "real pointer stroke not painted");
  CHECK (far_bad == 0, "real pointer stroke painted elsewhere");
}

int
main (int argc, char **argv)
{
  gtk_init (&argc, &argv);
  /* A GTK or GLib critical is a bug in the widget: fail on it. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL);
  const char *outdir = argc > 1 ? argv[1] : ".";
  g_mkdir_with_parents (outdir, 0755);
  guchar *rgba = load_image (argc > 2 ? argv[2] : NULL, &W, &H);
  printf ("image %d×%d, GTK %u.%u.%u\n", W, H, gtk_major_version,
          gtk_minor_version, gtk_micro_version);

  window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  g_signal_add_emission_hook (
      g_signal_lookup (GTK_MAJOR_VERSION >= 3 ? "draw" : "expose-event",
                       GTK_TYPE_WIDGET),
      0, count_draw, NULL, NULL);
  gtk_window_set_title (GTK_WINDOW (window), "skc blur map painter");
  gtk_window_set_default_size (GTK_WINDOW (window), 960, 720);
  gtk_window_move (GTK_WINDOW (window), 0, 0);
  painter = skc_map_painter_new ();
  gtk_container_set_border_width (GTK_CONTAINER (window), 8);
  gtk_container_add (GTK_CONTAINER (window), painter);
  g_signal_connect (painter, "map-changed", G_CALLBACK (on_map_changed), NULL);
  skc_map_painter_set_image (painter, rgba, W, H, W * 4);
  g_object_set_data (G_OBJECT (painter), "test-image", rgba);
  canvas = skc_map_painter_get_canvas (painter);
  gtk_widget_show_all (window);
  for (int i = 0; i < 50 && !gtk_widget_get_mapped (canvas); i++)
    pump ();
  pump ();
  int w, h;
  CHECK (skc_map_painter_get_map (painter, &w, &h) && w == W && h == H,
         "the map is %d×%d", w, h);

  test_brush ();
  test_throttle ();
  test_band ();
  test_radial ();
  test_fill_invert_undo ();
  test_view ();
  test_xdotool ();
  test_large (rgba);

  /* The artefacts, overlay on: a tilt-shift band being dragged (its
     guides showing), a focus point being dragged, and the band with the
     face brushed sharp. */
  skc_map_painter_set_overlay (painter, TRUE, 0.6);
  skc_map_painter_set_band (painter, 60, 120);
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BAND);
  fit_view ();
  drag_image (40, H * 0.62, W - 40, H * 0.48, 6, FALSE);
  screenshot (outdir, "map-painter-band");
  send_button (GDK_BUTTON_RELEASE, 1, 0, 0);
  /* A focus point on the face, its radius being dragged; then back to the
     band. */
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_RADIAL);
  drag_image (W * 0.42, H * 0.26, W * 0.42 + 150, H * 0.26 + 120, 6, FALSE);
  screenshot (outdir, "map-painter-focus");
  send_button (GDK_BUTTON_RELEASE, 1, 0, 0);
  pump ();
  skc_map_painter_undo (painter);
  skc_map_painter_set_tool (painter, SKC_MAP_TOOL_BRUSH);
  skc_map_painter_set_brush_value (painter, 0);
  skc_map_painter_set_brush_hardness (painter, 0.4);
  skc_map_painter_set_brush_size (painter, 90);
  drag_image (W * 0.43, H * 0.17, W * 0.43, H * 0.33, 6, TRUE);
  double cx, cy;
  image_to_canvas (W * 0.8, H * 0.3, &cx, &cy);
  send_motion (cx, cy); /* the brush outline shows where it would paint */
  screenshot (outdir, "map-painter-brush");

  gtk_widget_destroy (window);
  g_free (rgba);
  printf ("%s (%d failures)\n", failures ? "FAILED" : "passed", failures);
  return failures ? 1 : 0;
}
