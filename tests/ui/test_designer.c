/* skc — the kernel designer under Xvfb: real X pointer and key events
 * (xdotool, through the X server as a user's would come) draw strokes,
 * polygons and fills on the widget, and the target array must change
 * exactly where the tools say and nowhere else; symmetry modes must give
 * symmetric arrays; undo and redo must restore arrays exactly; the live fit
 * must show figures equal to `skc bench fit`'s for the same target; and a
 * 10 ms timeout measures that the main loop never stalls for 100 ms while
 * fits run.  A screenshot is kept in OUTDIR.
 *
 *   test_designer OUTDIR DATADIR
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gtk/gtk.h>

#include "designer.h"
#include "ui_check.h"
#include "skc/fit.h"
#include "skc/imagefile.h"

#define GTK_NAME (GTK_CHECK_VERSION (3, 0, 0) ? "gtk3" : "gtk2")
/* The main loop may not stall longer than this (the bound). */
#define MAX_STALL_MS 100.0

static GtkWidget *window, *designer, *canvas;
static int changed_count, fitted_count;

/* ---- the main loop's pulse ------------------------------------------- */

/* Every 10 ms: the largest gap between two ticks is the longest the
 * main loop did not run (plus the 10 ms). */
static gint64 last_tick, max_gap;
static gboolean monitoring;
static const char *phase = "start", *max_gap_phase = "";

static gboolean
tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  if (monitoring && last_tick && now - last_tick > max_gap)
    {
      max_gap = now - last_tick;
      max_gap_phase = phase;
    }
  last_tick = now;
  return G_SOURCE_CONTINUE;
}

/* The test's own blocking work (a reference fit, a screenshot) is not the
 * widget's: the monitor looks away meanwhile. */
static void
monitor (gboolean on)
{
  monitoring = on;
  last_tick = g_get_monotonic_time ();
}

static double
seconds (void)
{
  return g_get_monotonic_time () / 1e6;
}

/* Runs the main loop until cond() or the timeout; returns cond(). */
static gboolean
wait_for (gboolean (*cond) (void), double timeout)
{
  double end = seconds () + timeout;
  while (!(cond && cond ()) && seconds () < end)
    g_main_context_iteration (NULL, TRUE); /* tick wakes it */
  return cond ? cond () : TRUE;
}

static void
pump (double s)
{
  wait_for (NULL, s);
}

/* ---- X events through xdotool ---------------------------------------- */

static gboolean xdotool_done;

static void
xdotool_exited (GPid pid, gint status, gpointer data)
{
  g_spawn_close_pid (pid);
  xdotool_done = TRUE;
}

static gboolean
xdotool_finished (void)
{
  return xdotool_done;
}

/* Runs xdotool with the main loop running (a blocking spawn would stall
 * it), then lets GTK take the events. */
static void
xdotool (GPtrArray *args)
{
  GPid pid;
  GError *error = NULL;
  g_ptr_array_insert (args, 0, g_strdup ("xdotool"));
  g_ptr_array_add (args, NULL);
  xdotool_done = FALSE;
  if (!g_spawn_async (NULL, (gchar **) args->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD, NULL,
                      NULL, &pid, &error))
    {
      printf ("FAIL: xdotool: %s\n", error->message);
      failures++;
      g_error_free (error);
      g_ptr_array_unref (args);
      return;
    }
  g_child_watch_add (pid, xdotool_exited, NULL);
  CHECK (wait_for (xdotool_finished, 20), "xdotool did not finish");
  g_ptr_array_unref (args);
  gdk_display_sync (gdk_display_get_default ());
  pump (0.15);
}

static GPtrArray *
args_new (void)
{
  return g_ptr_array_new_with_free_func (g_free);
}

/* The root-window pixel nearest to cell (u, v), and the cell it stands
 * for exactly (what the widget will see). */
static void
cell_to_root (double u, double v, int *rx, int *ry, double *su, double *sv)
{
  gint ox, oy;
  double x, y;
  gdk_window_get_origin (gtk_widget_get_window (canvas), &ox, &oy);
  skc_designer_cell_to_canvas (designer, u, v, &x, &y);
  *rx = ox + (int) floor (x);
  *ry = oy + (int) floor (y);
  skc_designer_canvas_to_cell (designer, *rx - ox, *ry - oy, su, sv);
}

static void
add_move (GPtrArray *a, int x, int y)
{
  g_ptr_array_add (a, g_strdup ("mousemove"));
  g_ptr_array_add (a, g_strdup ("--sync"));
  g_ptr_array_add (a, g_strdup_printf ("%d", x));
  g_ptr_array_add (a, g_strdup_printf ("%d", y));
  /* Time for GTK to take each motion on its own (GTK 3 merges motions
     queued together). */
  g_ptr_array_add (a, g_strdup ("sleep"));
  g_ptr_array_add (a, g_strdup ("0.04"));
}

/* Lets a pending relayout happen before screen positions are taken. */
static void
settle (void)
{
  gdk_display_sync (gdk_display_get_default ());
  pump (0.1);
}

/* A stroke with button 1 through the cells `pts` (u, v pairs); `sent`
 * receives the cells the pointer really stood on. */
static void
stroke (const double *pts, int count, double *sent)
{
  GPtrArray *a = args_new ();
  settle ();
  for (int i = 0; i < count; i++)
    {
      int rx, ry;
      cell_to_root (pts[2 * i], pts[2 * i + 1], &rx, &ry, &sent[2 * i],
                    &sent[2 * i + 1]);
      add_move (a, rx, ry);
      if (i == 0)
        {
          g_ptr_array_add (a, g_strdup ("mousedown"));
          g_ptr_array_add (a, g_strdup ("1"));
        }
    }
  g_ptr_array_add (a, g_strdup ("mouseup"));
  g_ptr_array_add (a, g_strdup ("1"));
  xdotool (a);
}

static void
click (double u, double v, double *su, double *sv)
{
  GPtrArray *a = args_new ();
  int rx, ry;
  settle ();
  cell_to_root (u, v, &rx, &ry, su, sv);
  add_move (a, rx, ry);
  g_ptr_array_add (a, g_strdup ("click"));
  g_ptr_array_add (a, g_strdup ("1"));
  xdotool (a);
}

static void
key (const char *keys)
{
  GPtrArray *a = args_new ();
  g_ptr_array_add (a, g_strdup ("key"));
  g_ptr_array_add (a, g_strdup (keys));
  xdotool (a);
}

/* ---- arrays ---------------------------------------------------------- */

static int N; /* the grid's side */

static float *
target_copy (void)
{
  const skc_image *t = skc_designer_get_target (designer);
  N = t->width;
  float *copy = g_new (float, (gsize) N *N);
  for (int y = 0; y < N; y++)
    memcpy (copy + (gsize) y * N, skc_image_pixel (t, 0, y),
            N * sizeof (float));
  return copy;
}

static gboolean
same (const float *a, const float *b)
{
  return memcmp (a, b, (gsize) N * N * sizeof (float)) == 0;
}

/* Ink at cell (u, v) relative to the centre, bilinear, 0 outside. */
static double
sample (const float *ink, double u, double v)
{
  double x = u + N / 2, y = v + N / 2;
  int x0 = (int) floor (x), y0 = (int) floor (y);
  double fx = x - x0, fy = y - y0, sum = 0;
  for (int j = 0; j < 2; j++)
    for (int i = 0; i < 2; i++)
      {
        int xi = x0 + i, yj = y0 + j;
        if (xi >= 0 && yj >= 0 && xi < N && yj < N)
          sum += (i ? fx : 1 - fx) * (j ? fy : 1 - fy) * ink[yj * N + xi];
      }
  return sum;
}

/* Mean |ink - ink rotated by `degrees`| over the ink's mean: 0 for a
 * shape with that rotational symmetry. */
static double
rotation_error (const float *ink, double degrees)
{
  double a = degrees * G_PI / 180, c = cos (a), s = sin (a), diff = 0,
         total = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      {
        double u = x - N / 2, v = y - N / 2;
        diff += fabs (ink[y * N + x]
                      - sample (ink, c * u - s * v, s * u + c * v));
        total += ink[y * N + x];
      }
  return total > 0 ? diff / total : INFINITY;
}

static gboolean
mirror_x_exact (const float *ink)
{
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      if (ink[y * N + x] != ink[y * N + N - 1 - x])
        return FALSE;
  return TRUE;
}

static gboolean
mirror_y_exact (const float *ink)
{
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      if (ink[y * N + x] != ink[(N - 1 - y) * N + x])
        return FALSE;
  return TRUE;
}

static int
count_inked (const float *ink)
{
  int n = 0;
  for (int i = 0; i < N * N; i++)
    n += ink[i] != 0;
  return n;
}

/* Distance from (u, v) to the polyline through `pts`. */
static double
polyline_distance (const double *pts, int count, double u, double v)
{
  double best = INFINITY;
  for (int i = 0; i + 1 < count || (count == 1 && i == 0); i++)
    {
      double ax = pts[2 * i], ay = pts[2 * i + 1];
      double bx = count > 1 ? pts[2 * i + 2] : ax;
      double by = count > 1 ? pts[2 * i + 3] : ay;
      double dx = bx - ax, dy = by - ay, len = dx * dx + dy * dy;
      double t = len > 0 ? ((u - ax) * dx + (v - ay) * dy) / len : 0;
      t = CLAMP (t, 0.0, 1.0);
      best = MIN (best, hypot (u - ax - t * dx, v - ay - t * dy));
    }
  return best;
}

/* ---- widgets --------------------------------------------------------- */

static void
find_named (GtkWidget *w, gpointer data)
{
  gpointer *found = data;
  if (!found[1] && g_strcmp0 (gtk_widget_get_name (w), found[0]) == 0)
    found[1] = w;
  if (!found[1] && GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), find_named, data);
}

static GtkWidget *
named (const char *name)
{
  gpointer found[2] = { (gpointer) name, NULL };
  find_named (designer, found);
  return found[1];
}

static void
find_button (GtkWidget *w, gpointer data)
{
  gpointer *found = data;
  if (!found[1] && GTK_IS_BUTTON (w)
      && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (w)), found[0]) == 0)
    found[1] = w;
  if (!found[1] && GTK_IS_CONTAINER (w))
    gtk_container_forall (GTK_CONTAINER (w), find_button, data);
}

static GtkWidget *
button (const char *label)
{
  gpointer found[2] = { (gpointer) label, NULL };
  find_button (designer, found);
  return found[1];
}

static void
on_changed (GtkWidget *w, gpointer data)
{
  changed_count++;
}

static void
on_fitted (GtkWidget *w, gboolean full, gpointer data)
{
  fitted_count++;
}

static gboolean
full_fit_current (void)
{
  SkcDesignerFigures f;
  skc_designer_get_figures (designer, &f);
  return f.valid && f.full && f.current && !skc_designer_is_fitting (designer);
}

static gboolean
fits_idle (void)
{
  return !skc_designer_is_fitting (designer);
}

static void
screenshot (const char *dir, const char *name)
{
  gint x, y;
  GtkAllocation a;
  gchar *path = g_strdup_printf ("%s/%s-%s.png", dir, name, GTK_NAME);
  GError *error = NULL;
  GdkWindow *root = gdk_get_default_root_window ();
  gdk_window_get_origin (gtk_widget_get_window (window), &x, &y);
  gtk_widget_get_allocation (window, &a);
#if GTK_CHECK_VERSION(3, 0, 0)
  GdkPixbuf *shot = gdk_pixbuf_get_from_window (root, x, y, a.width, a.height);
#else
  GdkPixbuf *shot = gdk_pixbuf_get_from_drawable (NULL, root, NULL, x, y, 0, 0,
                                                  a.width, a.height);
#endif
  CHECK (shot && gdk_pixbuf_save (shot, path, "png", &error, NULL),
         "screenshot %s: %s", path, error ? error->message : "no pixels");
  if (shot)
    g_object_unref (shot);
  printf ("screenshot: %s\n", path);
  g_free (path);
}

/* ---- the tests ------------------------------------------------------- */

static void
test_stroke_and_history (void)
{
  skc_designer_set_symmetry (designer, FALSE, FALSE, 1);
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_BRUSH);
  skc_designer_set_brush (designer, 5, 1, 1);
  skc_designer_clear (designer);
  float *before = target_copy ();
  int changes = changed_count;
  /* An L-shaped stroke through three points. */
  double pts[6] = { -18, -10, 6, -10, 14, 8 }, sent[6];
  stroke (pts, 3, sent);
  float *after = target_copy ();
  CHECK (changed_count == changes + 1, "one stroke, one \"changed\" (%d)",
         changed_count - changes);
  /* Brush radius 2.5, hard: full ink within 2 cells of the path (marks
     every half cell), none 3 cells away or more. */
  int inside = 0, outside = 0, bad_in = 0, bad_out = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      {
        double dist = polyline_distance (sent, 3, x - N / 2, y - N / 2);
        float v = after[y * N + x];
        if (dist <= 1.9)
          inside++, bad_in += v != 1.0f;
        else if (dist >= 3.0)
          outside++, bad_out += v != before[y * N + x];
      }
  printf ("stroke: %d cells along the path, %d away from it\n", inside,
          outside);
  CHECK (inside > 100 && bad_in == 0,
         "%d of %d cells on the path not fully inked", bad_in, inside);
  CHECK (bad_out == 0, "%d cells away from the path changed", bad_out);

  /* Keyboard undo / redo restore the arrays exactly. */
  key ("ctrl+z");
  float *undone = target_copy ();
  CHECK (same (undone, before), "Ctrl+Z did not restore the array");
  key ("ctrl+shift+z");
  float *redone = target_copy ();
  CHECK (same (redone, after), "Ctrl+Shift+Z did not restore the array");
  /* And the buttons. */
  GtkWidget *undo = button ("Undo"), *redo = button ("Redo");
  CHECK (undo && redo, "no Undo / Redo buttons");
  if (undo && redo)
    {
      gtk_button_clicked (GTK_BUTTON (undo));
      g_free (undone);
      undone = target_copy ();
      CHECK (same (undone, before), "Undo button did not restore");
      gtk_button_clicked (GTK_BUTTON (redo));
      g_free (redone);
      redone = target_copy ();
      CHECK (same (redone, after), "Redo button did not restore");
    }
  g_free (before);
  g_free (after);
  g_free (undone);
  g_free (redone);
}

static void
test_eraser (void)
{
  /* Erasing across the stroke of the previous test: cells near the eraser
     path empty, the rest as they were. */
  float *before = target_copy ();
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_ERASER);
  skc_designer_set_brush (designer, 3, 1, 1);
  double pts[4] = { -6, -16, -6, -4 }, sent[4];
  stroke (pts, 2, sent);
  float *after = target_copy ();
  int bad = 0, erased = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      {
        double dist = polyline_distance (sent, 2, x - N / 2, y - N / 2);
        gboolean wrong = FALSE;
        if (dist <= 0.9)
          erased += before[y * N + x] != 0, wrong = after[y * N + x] != 0;
        else if (dist >= 2.0)
          wrong = after[y * N + x] != before[y * N + x];
        if (wrong && bad++ < 5)
          printf ("eraser: cell (%d, %d) %.2f from the path: %g, was %g\n",
                  x - N / 2, y - N / 2, dist, after[y * N + x],
                  before[y * N + x]);
      }
  CHECK (erased > 0 && bad == 0, "eraser: %d bad cells (%d erased)", bad,
         erased);
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_BRUSH);
  g_free (before);
  g_free (after);
}

static void
test_symmetry (void)
{
  double pts[6] = { 5, -20, 16, -12, 20, 3 }, sent[6];
  skc_designer_set_brush (designer, 3, 0.5, 1);

  skc_designer_set_symmetry (designer, TRUE, FALSE, 1);
  skc_designer_clear (designer);
  stroke (pts, 3, sent);
  float *ink = target_copy ();
  CHECK (count_inked (ink) > 40, "mirror X: nothing drawn");
  CHECK (mirror_x_exact (ink), "mirror X: not left-right symmetric");
  CHECK (!mirror_y_exact (ink), "mirror X: top-bottom symmetric too (the "
                                "check would prove nothing)");
  g_free (ink);

  skc_designer_set_symmetry (designer, FALSE, TRUE, 1);
  skc_designer_clear (designer);
  stroke (pts, 3, sent);
  ink = target_copy ();
  CHECK (mirror_y_exact (ink), "mirror Y: not top-bottom symmetric");
  CHECK (!mirror_x_exact (ink), "mirror Y: left-right symmetric too");
  g_free (ink);

  skc_designer_set_symmetry (designer, TRUE, TRUE, 1);
  skc_designer_clear (designer);
  stroke (pts, 3, sent);
  ink = target_copy ();
  CHECK (mirror_x_exact (ink) && mirror_y_exact (ink),
         "mirror X and Y: not symmetric both ways");
  g_free (ink);

  /* Without symmetry the same stroke is not 6-fold symmetric: the
     measure discriminates. */
  skc_designer_set_symmetry (designer, FALSE, FALSE, 1);
  skc_designer_clear (designer);
  stroke (pts, 3, sent);
  ink = target_copy ();
  double plain60 = rotation_error (ink, 60);
  g_free (ink);

  skc_designer_set_symmetry (designer, FALSE, FALSE, 6);
  skc_designer_clear (designer);
  stroke (pts, 3, sent);
  ink = target_copy ();
  double e60 = rotation_error (ink, 60), e120 = rotation_error (ink, 120);
  double e90 = rotation_error (ink, 90), e180 = 0;
  for (int i = 0; i < N * N; i++)
    e180 = MAX (e180, fabs (ink[i] - ink[N * N - 1 - i]));
  printf ("6-fold: rotation error 60° %.3f, 120° %.3f, 90° %.3f; without "
          "symmetry 60° %.3f; half-turn max %.2g\n",
          e60, e120, e90, plain60, e180);
  /* Six copies on a square grid agree up to resampling; the half turn
     lands on whole cells, exactly. */
  CHECK (e60 < 0.2 && e120 < 0.2, "6-fold: not 60° symmetric (%.3f, %.3f)", e60,
         e120);
  CHECK (e90 > 3 * e60 && plain60 > 3 * e60,
         "6-fold: the measure does not discriminate (90° %.3f, plain %.3f)",
         e90, plain60);
  CHECK (e180 == 0, "6-fold: half turn not exact (%.2g)", e180);
  g_free (ink);
  skc_designer_set_symmetry (designer, FALSE, FALSE, 1);
}

static void
test_polygon_and_fill (void)
{
  double su, sv, cu[3], cv[3];
  skc_designer_set_brush (designer, 5, 1, 1);
  skc_designer_clear (designer);
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_POLYGON);
  double corners[3][2] = { { -20, 18 }, { 22, 14 }, { 0, -22 } };
  for (int i = 0; i < 3; i++)
    click (corners[i][0], corners[i][1], &cu[i], &cv[i]);
  click (corners[0][0], corners[0][1], &su, &sv); /* closes */
  float *ink = target_copy ();
  double area = fabs ((cu[1] - cu[0]) * (cv[2] - cv[0])
                      - (cu[2] - cu[0]) * (cv[1] - cv[0]))
                / 2;
  double sum = 0;
  for (int i = 0; i < N * N; i++)
    sum += ink[i];
  int cx = (int) lround ((cu[0] + cu[1] + cu[2]) / 3) + N / 2;
  int cy = (int) lround ((cv[0] + cv[1] + cv[2]) / 3) + N / 2;
  printf ("polygon: ink %.1f cells for a triangle of %.1f\n", sum, area);
  CHECK (fabs (sum - area) < 0.03 * area, "polygon: ink %.1f, area %.1f", sum,
         area);
  CHECK (ink[cy * N + cx] == 1.0f && ink[0] == 0 && ink[N * N - 1] == 0,
         "polygon: inside %g, corners %g %g", ink[cy * N + cx], ink[0],
         ink[N * N - 1]);
  g_free (ink);

  /* Fill inside a ring: the hole fills, the outside stays empty. */
  skc_shape ring;
  skc_shape_init (&ring);
  ring.kind = SKC_SHAPE_RING;
  ring.inner = 0.6;
  skc_designer_set_shape (designer, &ring);
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_FILL);
  float *before = target_copy ();
  click (0, 0, &su, &sv);
  ink = target_copy ();
  int c = N / 2, r = (int) (0.5 * (N / 2 - 1.5)); /* well inside the hole */
  CHECK (before[c * N + c] == 0 && ink[c * N + c] == 1.0f
             && ink[c * N + c + r] == 1.0f,
         "fill: hole not filled (%g, %g)", ink[c * N + c], ink[c * N + c + r]);
  int outside_changed = 0;
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      if (hypot (x - c, y - c) > N / 2 - 1.0)
        outside_changed += ink[y * N + x] != before[y * N + x];
  CHECK (outside_changed == 0, "fill: %d cells outside the ring changed",
         outside_changed);
  skc_designer_set_tool (designer, SKC_DESIGNER_TOOL_BRUSH);
  g_free (before);
  g_free (ink);
}

/* Where the centre cell is on the screen and how large cells are. */
static void
canvas_place (double *x, double *y, double *cell)
{
  gint ox, oy;
  double x1, y1;
  settle ();
  gdk_window_get_origin (gtk_widget_get_window (canvas), &ox, &oy);
  skc_designer_cell_to_canvas (designer, 0, 0, x, y);
  skc_designer_cell_to_canvas (designer, 1, 0, &x1, &y1);
  *cell = x1 - *x;
  *x += ox;
  *y += oy;
}

/* Choosing a shape shows its keys; the canvas must not move or change
 * scale under the user's pointer meanwhile. */
static void
test_layout_stable (void)
{
  static const skc_shape_kind kinds[]
      = { SKC_SHAPE_POLYGON, SKC_SHAPE_STAR, SKC_SHAPE_RING, SKC_SHAPE_GAUSSIAN,
          SKC_SHAPE_HEART };
  double x0, y0, c0, x, y, c;
  canvas_place (&x0, &y0, &c0);
  for (gsize i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      skc_shape s;
      skc_shape_init (&s);
      s.kind = kinds[i];
      skc_designer_set_shape (designer, &s);
      canvas_place (&x, &y, &c);
      CHECK (x == x0 && y == y0 && c == c0,
             "shape %d moved the canvas: centre (%g, %g) cell %g, was "
             "(%g, %g) cell %g",
             (int) kinds[i], x, y, c, x0, y0, c0);
    }
  /* New figures and status texts beside it. */
  CHECK (wait_for (full_fit_current, 60), "no full fit of the heart");
  canvas_place (&x, &y, &c);
  CHECK (x == x0 && y == y0 && c == c0,
         "new figures moved the canvas: (%g, %g) cell %g, was (%g, %g) "
         "cell %g",
         x, y, c, x0, y0, c0);
  skc_designer_clear (designer);
  CHECK (wait_for (fits_idle, 60), "the empty drawing was not dealt with");
  canvas_place (&x, &y, &c);
  CHECK (x == x0 && y == y0 && c == c0, "clear moved the canvas");
  for (int t = SKC_DESIGNER_TOOL_POLYGON; t >= SKC_DESIGNER_TOOL_BRUSH; t--)
    {
      skc_designer_set_tool (designer, (SkcDesignerTool) t);
      canvas_place (&x, &y, &c);
      CHECK (x == x0 && y == y0 && c == c0,
             "tool %d moved the canvas: (%g, %g) cell %g, was (%g, %g) cell %g",
             t, x, y, c, x0, y0, c0);
    }
}

/* An image file through the default loader (the core's PGM reader). */
static void
test_load_file (const char *datadir)
{
  gchar *path
      = g_build_filename (datadir, "kernels", "ampersand-392.pgm", NULL);
  GError *error = NULL;
  float *before = target_copy ();
  CHECK (skc_designer_load_file (designer, path, &error), "%s: %s", path,
         error ? error->message : "?");
  g_clear_error (&error);
  float *ink = target_copy ();
  int border = 0;
  for (int i = 0; i < N; i++)
    border += ink[i] != 0 || ink[(N - 1) * N + i] != 0 || ink[i * N] != 0
              || ink[i * N + N - 1] != 0;
  float peak = 0;
  for (int i = 0; i < N * N; i++)
    peak = MAX (peak, ink[i]);
  CHECK (peak == 1.0f && border == 0 && count_inked (ink) > N * N / 10,
         "ampersand: peak %g, border %d, inked %d", peak, border,
         count_inked (ink));
  CHECK (!skc_designer_load_file (designer, "/nonexistent/kernel.pgm", &error)
             && error,
         "a missing file loaded");
  g_clear_error (&error);
  g_free (ink);
  ink = target_copy ();
  CHECK (skc_designer_undo (designer), "undo after load");
  g_free (ink);
  ink = target_copy ();
  CHECK (same (ink, before), "undo of a load not exact");
  g_free (ink);
  g_free (before);
  g_free (path);
}

static void
test_set_target (void)
{
  /* Cell for cell at the grid's size (up to the peak), and undo. */
  float *before = target_copy ();
  float *mine = g_new0 (float, (gsize) N *N);
  for (int y = 0; y < N; y++)
    for (int x = 0; x < N; x++)
      mine[y * N + x] = (x * 7 + y * 3) % 11 == 0 ? 0.5f : 0.25f * (x < y);
  mine[5] = 1.0f;
  CHECK (skc_designer_set_target (designer, mine, N, N), "set_target");
  float *now = target_copy ();
  CHECK (same (now, mine), "set_target at the grid's size is not exact");
  CHECK (skc_designer_undo (designer), "undo after set_target");
  g_free (now);
  now = target_copy ();
  CHECK (same (now, before), "undo of set_target not exact");
  g_free (now);

  /* Another size (a GIMP brush, say): resampled with an empty margin. */
  float brush[21 * 31];
  for (int i = 0; i < 21 * 31; i++)
    brush[i] = 3.0f; /* any scale: the peak becomes 1 */
  CHECK (skc_designer_set_target (designer, brush, 31, 21), "brush");
  now = target_copy ();
  int c = N / 2, border = 0;
  for (int i = 0; i < N; i++)
    border += now[i] != 0 || now[(N - 1) * N + i] != 0 || now[i * N] != 0
              || now[i * N + N - 1] != 0;
  CHECK (now[c * N + c] == 1.0f && border == 0 && now[c * N + 1] > 0.9f
             && now[2 * N + c] == 0,
         "brush: centre %g, border cells %d, left %g, top %g", now[c * N + c],
         border, now[c * N + 1], now[2 * N + c]);
  float zeros[9] = { 0 };
  g_free (now);
  now = target_copy ();
  CHECK (!skc_designer_set_target (designer, zeros, 3, 3),
         "an all-zero target was accepted");
  float *kept = target_copy ();
  CHECK (same (now, kept), "a refused target changed the drawing");
  g_free (kept);
  g_free (now);
  g_free (mine);
  g_free (before);
}

/* The figures of a full fit against the benchmark's computation. */
static void
test_fit_figures (const skc_photo_set *photos)
{
  skc_shape heart;
  skc_shape_init (&heart);
  heart.kind = SKC_SHAPE_HEART;
  /* The benchmark's geometry: 49 px, radius 22.5. */
  skc_designer_set_size (designer, 49);
  SkcDesignerFigures f0, f;
  skc_designer_get_figures (designer, &f0);
  double t0 = seconds ();
  skc_designer_set_shape (designer, &heart);
  CHECK (wait_for (full_fit_current, 60), "no full fit within 60 s");
  double t_full = seconds () - t0;
  skc_designer_get_figures (designer, &f);
  printf ("heart 49: preview fits shown %u, full %u; full fit shown %.2f s "
          "after the change (fit %.2f s)\n",
          f.previews_shown - f0.previews_shown, f.fulls_shown - f0.fulls_shown,
          t_full, f.seconds);
  CHECK (f.previews_shown > f0.previews_shown,
         "no preview before the full fit");

  /* The same computation as `skc bench fit` (DISK 4x24, seed 1). */
  monitor (FALSE);
  skc_image target = { 0 }, effective = { 0 };
  skc_filter *filter = NULL;
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  skc_image_copy (skc_designer_get_target (designer), &target);
  skc_image reference = { 0 };
  skc_shape_render (&heart, 22.5, 49, &reference, NULL);
  CHECK (skc_kernel_normalise (&target, NULL) == SKC_OK
             && skc_fit (&reference, &opts, &filter, NULL, NULL) == SKC_OK
             && skc_filter_render (filter, &effective) == SKC_OK,
         "reference fit failed");
  double psnr = skc_photo_set_psnr (photos, &effective, &reference);
  double ksnr = skc_kernel_snr_db (skc_kernel_error (&effective, &reference));
  monitor (TRUE);
  printf ("heart 49: designer PSNR %.3f dB kSNR %.3f dB; skc bench fit "
          "PSNR %.3f dB kSNR %.3f dB\n",
          f.image_psnr, f.kernel_snr, psnr, ksnr);
  CHECK (fabs (f.image_psnr - psnr) <= 0.1, "image PSNR %.3f vs %.3f",
         f.image_psnr, psnr);
  CHECK (fabs (f.kernel_snr - ksnr) <= 0.1, "kernel SNR %.3f vs %.3f",
         f.kernel_snr, ksnr);
  const skc_filter *kept = skc_designer_get_filter (designer);
  CHECK (kept && skc_filter_taps (kept) == 96, "no 4x24 filter kept");

  /* The figures shown are those. */
  GtkWidget *label = named ("skc-designer-figures");
  gchar want[64], want_k[64];
  g_snprintf (want, sizeof want, "%.1f dB", f.image_psnr);
  g_snprintf (want_k, sizeof want_k, "%.1f dB", f.kernel_snr);
  const gchar *text = label ? gtk_label_get_text (GTK_LABEL (label)) : "";
  CHECK (strstr (text, want) && strstr (text, want_k)
             && strstr (text, "Full-quality"),
         "figures label shows '%s', not %s / %s", text, want, want_k);
  skc_image_free (&target);
  skc_image_free (&reference);
  skc_image_free (&effective);
  skc_filter_free (filter);
}

static void
screenshot_heart (const char *outdir)
{
  /* The benchmark's heart, fitted, with the pointer off the canvas. */
  GPtrArray *a = args_new ();
  add_move (a, 1, 1);
  xdotool (a);
  pump (0.3);
  monitor (FALSE);
  screenshot (outdir, "designer-heart");
  monitor (TRUE);
}

/* Drawing without a pause: previews follow the brush, the full fit comes
 * after it stops, and the main loop keeps its pulse throughout. */
static void
test_live_drawing (const char *outdir)
{
  skc_designer_set_size (designer, SKC_DESIGNER_DEFAULT_SIZE);
  skc_designer_clear (designer);
  skc_designer_set_symmetry (designer, FALSE, FALSE, 6);
  skc_designer_set_brush (designer, 3, 0.7, 1);
  SkcDesignerFigures f0, f;
  skc_designer_get_figures (designer, &f0);
  /* A long wavy stroke, one motion every 40 ms or so: about 1.5 s. */
  enum
  {
    POINTS = 30
  };
  double pts[2 * POINTS], sent[2 * POINTS];
  for (int i = 0; i < POINTS; i++)
    {
      double t = (double) i / (POINTS - 1);
      pts[2 * i] = 3 + 26 * t * cos (6 * t) * 0.9;
      pts[2 * i + 1] = -4 - 24 * t * (0.6 + 0.4 * sin (9 * t));
    }
  double t0 = seconds ();
  stroke (pts, POINTS, sent);
  double stroke_s = seconds () - t0;
  skc_designer_get_figures (designer, &f);
  guint during = f.previews_shown - f0.previews_shown;
  printf ("live: %.2f s stroke, %u preview fits shown during it\n", stroke_s,
          during);
  CHECK (during >= 2, "previews did not follow a %.1f s stroke (%u)", stroke_s,
         during);
  t0 = seconds ();
  CHECK (wait_for (full_fit_current, 60), "no full fit after the stroke");
  skc_designer_get_figures (designer, &f);
  printf ("live: full fit shown %.2f s after the stroke ended (latency from "
          "the last change %.2f s, fit %.2f s); PSNR %.1f dB, kSNR %.1f dB\n",
          seconds () - t0, f.latency, f.seconds, f.image_psnr, f.kernel_snr);

  /* A quick single change: how soon its preview is shown. */
  skc_designer_set_symmetry (designer, TRUE, FALSE, 6);
  double pts2[4] = { -3, -27, 3, -27 }, sent2[4];
  skc_designer_get_figures (designer, &f0);
  stroke (pts2, 2, sent2);
  gboolean got_preview = FALSE;
  double end = seconds () + 10;
  while (seconds () < end && !got_preview)
    {
      skc_designer_get_figures (designer, &f);
      got_preview = f.previews_shown > f0.previews_shown && f.current;
      g_main_context_iteration (NULL, TRUE);
    }
  CHECK (got_preview, "no preview for a single change");
  printf ("live: preview shown %.3f s after the change (fit %.3f s)\n",
          f.latency, f.seconds);
  CHECK (wait_for (full_fit_current, 60), "no full fit after the change");
  skc_designer_get_figures (designer, &f);
  printf ("live: full fit shown %.2f s after the change (fit %.2f s)\n",
          f.latency, f.seconds);
  /* The pointer off the canvas, for a clean screenshot. */
  GPtrArray *a = args_new ();
  add_move (a, 1, 1);
  xdotool (a);
  pump (0.3);
  monitor (FALSE);
  screenshot (outdir, "designer");
  monitor (TRUE);
}

int
main (int argc, char **argv)
{
  gtk_init (&argc, &argv);
  if (argc < 3)
    {
      fprintf (stderr, "usage: test_designer OUTDIR DATADIR\n");
      return 2;
    }
  gchar *xdotool_path = g_find_program_in_path ("xdotool");
  if (!xdotool_path)
    {
      printf ("SKIP: xdotool not found\n");
      return 77;
    }
  g_free (xdotool_path);
  g_mkdir_with_parents (argv[1], 0755);

  /* The protocol's photos, as cli_load_bench_photos loads them. */
  static const char *const names[3]
      = { "astronaut-384.ppm", "coffee-384.ppm", "rocket-384.ppm" };
  skc_image photos[3] = { { 0 } };
  skc_photo_set *set = NULL;
  skc_error err;
  for (int i = 0; i < 3; i++)
    {
      gchar *path = g_build_filename (argv[2], "photos", names[i], NULL);
      if (skc_pnm_read (path, &photos[i], &err) != SKC_OK)
        {
          printf ("FAIL: %s\n", err.message);
          return 1;
        }
      g_free (path);
    }
  if (skc_photo_set_new (photos, 3, &set, &err) != SKC_OK)
    {
      printf ("FAIL: %s\n", err.message);
      return 1;
    }

  window = gtk_window_new (GTK_WINDOW_TOPLEVEL);
  gtk_window_set_title (GTK_WINDOW (window), "skc kernel designer");
  gtk_window_move (GTK_WINDOW (window), 0, 0);
  designer = skc_designer_new (set);
  canvas = skc_designer_get_canvas (designer);
  g_signal_connect (designer, "changed", G_CALLBACK (on_changed), NULL);
  g_signal_connect (designer, "fitted", G_CALLBACK (on_fitted), NULL);
  gtk_container_set_border_width (GTK_CONTAINER (window), 8);
  gtk_container_add (GTK_CONTAINER (window), designer);
  gtk_widget_show_all (window);
  g_timeout_add (10, tick, NULL);
  pump (0.5);
  CHECK (wait_for (full_fit_current, 60), "the initial disc was not fitted");
  monitor (TRUE);

  phase = "layout stable";
  test_layout_stable ();
  phase = "stroke and history";
  test_stroke_and_history ();
  phase = "eraser";
  test_eraser ();
  phase = "symmetry";
  test_symmetry ();
  phase = "polygon and fill";
  test_polygon_and_fill ();
  phase = "set target";
  test_set_target ();
  phase = "load file";
  test_load_file (argv[2]);
  CHECK (wait_for (fits_idle, 60), "fits did not settle");
  printf ("max main-loop gap so far %.1f ms (%s)\n", max_gap / 1e3,
          max_gap_phase);
  phase = "fit figures";
  test_fit_figures (set);
  screenshot_heart (argv[1]);
  phase = "live drawing";
  test_live_drawing (argv[1]);

  printf ("max main-loop gap while drawing and fitting: %.1f ms (in %s; "
          "%d fits shown)\n",
          max_gap / 1e3, max_gap_phase, fitted_count);
  CHECK (max_gap / 1e3 < MAX_STALL_MS, "the main loop stalled %.1f ms",
         max_gap / 1e3);

  gtk_widget_destroy (window);
  skc_photo_set_free (set);
  for (int i = 0; i < 3; i++)
    skc_image_free (&photos[i]);
  printf ("%s: %d failure(s)\n", GTK_NAME, failures);
  return failures ? 1 : 0;
}
