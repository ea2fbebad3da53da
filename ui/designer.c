/* skc — the kernel designer (see designer.h): the widget, its edits and
 * when fits run (the canvas and the pointer: designer-canvas.c).
 *
 * Fits: every change bumps the target's generation, cancels the fit in
 * flight and asks for a preview fit after a short quiet time, and for the
 * full-quality fit after a longer one.  While the user keeps drawing and
 * the figures shown are THROTTLE_MS old, a preview is started anyway and
 * let finish, so the figures follow the brush instead of waiting for it to
 * stop.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "designer-private.h"

#include <math.h>
#include <string.h>

#include "skc/imagefile.h"

/* Quiet time before a preview fit (coalesces the pointer's bursts). */
#define DEBOUNCE_MS 40
/* Longest time without new figures while the drawing keeps changing. */
#define THROTTLE_MS 250
/* Quiet time before the full-quality fit ("the user pauses"). */
#define FULL_DELAY_MS 600
/* Screen pixels per cell the canvas asks for, and the side views. */
#define CANVAS_CELL 6
#define VIEW_CELL 3

enum
{
  SIGNAL_CHANGED,
  SIGNAL_FITTED,
  SIGNAL_COUNT
};

static guint signals[SIGNAL_COUNT];

typedef struct
{
  SkcUiVBoxClass parent_class;
} SkcDesignerClass;

G_DEFINE_TYPE (SkcDesigner, skc_designer, SKC_UI_TYPE_VBOX)

static void fit_done (SkcDesignerFitResult *r, gpointer data);

/* ---- fits ------------------------------------------------------------ */

static void
start_fit (SkcDesigner *d, gboolean full, gboolean protect)
{
  /* A protected preview is let finish, and so is a preview of this very
     drawing (it shows sooner than the full fit queued behind it). */
  gboolean cancel
      = !(d->job_pending
          && (full ? d->job_generation == d->generation : d->job_protected));
  d->last_job
      = skc_designer_fit_start (d->fit, skc_paint_image (d->paint), full,
                                d->generation, d->changed_at, cancel);
  d->job_pending = TRUE;
  d->job_protected = protect;
  d->job_generation = d->generation;
}

static gboolean
preview_due (gpointer data)
{
  SkcDesigner *d = data;
  d->preview_timer = 0;
  start_fit (d, FALSE,
             d->stale_since
                 && g_get_monotonic_time () - d->stale_since
                        >= THROTTLE_MS * 1000);
  return G_SOURCE_REMOVE;
}

static gboolean
full_due (gpointer data)
{
  SkcDesigner *d = data;
  d->full_timer = 0;
  if (!(d->figures_shown.full && d->figures_shown.current))
    start_fit (d, TRUE, FALSE);
  return G_SOURCE_REMOVE;
}

static void
set_status (SkcDesigner *d, const gchar *text)
{
  gtk_label_set_text (GTK_LABEL (d->status), text);
}

/* The target changed: new fits. */
static void
schedule_fits (SkcDesigner *d)
{
  gint64 now = g_get_monotonic_time ();
  d->generation++;
  d->changed_at = now;
  d->figures_shown.current = FALSE;
  g_clear_pointer (&d->filter, skc_filter_free);
  if (!d->fit)
    return;
  if (!d->stale_since)
    d->stale_since = now;
  if (d->job_pending && !d->job_protected)
    {
      skc_designer_fit_cancel (d->fit);
      d->job_pending = FALSE;
    }
  /* Postpone the preview while changes come quickly, but not past the
     throttle. */
  if (d->preview_timer && now - d->stale_since < THROTTLE_MS * 1000)
    {
      g_source_remove (d->preview_timer);
      d->preview_timer = 0;
    }
  if (!d->preview_timer)
    d->preview_timer = g_timeout_add (DEBOUNCE_MS, preview_due, d);
  if (d->full_timer)
    g_source_remove (d->full_timer);
  d->full_timer = g_timeout_add (FULL_DELAY_MS, full_due, d);
  set_status (d, "Fitting…");
}

static void
show_figures (SkcDesigner *d)
{
  const SkcDesignerFigures *f = &d->figures_shown;
  gchar psnr[64], *markup;
  if (!f->valid)
    {
      gtk_label_set_markup (GTK_LABEL (d->figures),
                            "Image PSNR  <b>–</b>\nKernel SNR  <b>–</b>");
      return;
    }
  if (isfinite (f->image_psnr))
    g_snprintf (psnr, sizeof psnr, "%.1f dB", f->image_psnr);
  else
    g_strlcpy (psnr, d->photos ? "exact" : "– (no photos)", sizeof psnr);
  markup = g_markup_printf_escaped (
      "Image PSNR  <b><big>%s</big></b>\nKernel SNR  <b><big>%.1f dB</big></b>"
      "\n<small>%s fit, %d samples, %.2f s%s</small>",
      psnr, f->kernel_snr, f->full ? "Full-quality" : "Preview", f->taps,
      f->seconds, f->current ? "" : " (updating)");
  gtk_label_set_markup (GTK_LABEL (d->figures), markup);
  g_free (markup);
}

static void
fit_done (SkcDesignerFitResult *r, gpointer data)
{
  SkcDesigner *d = data;
  if (r->job == d->last_job)
    d->job_pending = FALSE;

  if (r->result == SKC_ERR_CANCELLED)
    return;
  /* What is shown is as old as the drawing it fitted. */
  d->stale_since = r->generation == d->generation ? 0 : r->stamp;
  if (r->result != SKC_OK)
    {
      d->figures_shown.valid = FALSE;
      skc_image_free (&d->effective);
      skc_image_free (&d->difference);
      set_status (d, r->result == SKC_ERR_EMPTY_KERNEL
                         ? "The kernel is empty: draw something."
                         : r->message);
      show_figures (d);
      gtk_widget_queue_draw (d->fitted_view);
      gtk_widget_queue_draw (d->difference_view);
      return;
    }
  SkcDesignerFigures *f = &d->figures_shown;
  f->valid = TRUE;
  f->full = r->full;
  f->current = r->generation == d->generation;
  f->image_psnr = r->image_psnr;
  f->kernel_snr = r->kernel_snr;
  f->kernel_error = r->kernel_error;
  f->seconds = r->seconds;
  f->latency = (g_get_monotonic_time () - r->stamp) / 1e6;
  f->taps = skc_filter_taps (r->filter);
  if (r->full)
    f->fulls_shown++;
  else
    f->previews_shown++;
  skc_image_free (&d->effective);
  skc_image_free (&d->difference);
  d->effective = r->effective;
  d->difference = r->difference;
  memset (&r->effective, 0, sizeof r->effective);
  memset (&r->difference, 0, sizeof r->difference);
  if (r->full && f->current)
    {
      skc_filter_free (d->filter);
      d->filter = r->filter;
      r->filter = NULL;
    }
  show_figures (d);
  if (!f->current)
    set_status (d, "Fitting…");
  else if (f->full)
    set_status (d, "Full-quality fit: this is what the blur will use.");
  else
    set_status (d, "Quick preview fit; the full-quality fit follows when "
                   "you pause.");
  gtk_widget_queue_draw (d->fitted_view);
  gtk_widget_queue_draw (d->difference_view);
  g_signal_emit (d, signals[SIGNAL_FITTED], 0, r->full);
}

/* ---- edits ----------------------------------------------------------- */

void
skc_designer_update_history_buttons (SkcDesigner *d)
{
  gtk_widget_set_sensitive (d->controls.undo, skc_paint_can_undo (d->paint));
  gtk_widget_set_sensitive (d->controls.redo, skc_paint_can_redo (d->paint));
}

void
skc_designer_edited (SkcDesigner *d, gboolean done, gboolean is_shape)
{
  if (!is_shape && d->shape_edit)
    {
      d->shape_edit = FALSE;
      d->shape_step_open = FALSE;
      skc_designer_controls_sync (d);
    }
  skc_designer_update_history_buttons (d);
  schedule_fits (d);
  gtk_widget_queue_draw (d->canvas);
  if (done)
    g_signal_emit (d, signals[SIGNAL_CHANGED], 0);
}

/* Replaces the ink by `ink` (the grid's size, any scale: its peak becomes
 * 1); `coalesce` updates the last undo step instead of adding one. */
static gboolean
replace_ink (SkcDesigner *d, skc_image *ink, gboolean coalesce)
{
  float peak = 0;
  for (gint y = 0; y < ink->height; y++)
    for (gint x = 0; x < ink->width; x++)
      {
        float *v = skc_image_pixel (ink, x, y);
        if (!isfinite (*v) || *v < 0)
          *v = 0;
        peak = MAX (peak, *v);
      }
  if (peak <= 0)
    return FALSE;
  for (gint y = 0; y < ink->height; y++)
    for (gint x = 0; x < ink->width; x++)
      *skc_image_pixel (ink, x, y) /= peak;
  skc_paint_stroke_end (d->paint);
  if (coalesce)
    skc_paint_replace_last (d->paint, ink);
  else
    skc_paint_replace (d->paint, ink);
  return TRUE;
}

/* Renders d->shape over the grid. */
static gboolean
render_shape (SkcDesigner *d, gboolean coalesce)
{
  gint n = skc_paint_size (d->paint);
  skc_image k = { 0 };
  skc_error err;
  if (skc_shape_render (&d->shape, n / 2 - 1.5, n, &k, &err) != SKC_OK)
    {
      set_status (d, err.message);
      return FALSE;
    }
  gboolean ok = replace_ink (d, &k, coalesce);
  skc_image_free (&k);
  return ok;
}

void
skc_designer_shape_changed (SkcDesigner *d)
{
  /* A shape's keys being dragged make one undo step. */
  if (!render_shape (d, d->shape_step_open))
    return;
  d->shape_edit = TRUE;
  d->shape_step_open = TRUE;
  skc_designer_controls_sync (d);
  skc_designer_edited (d, TRUE, TRUE);
}

static gboolean
set_weights (SkcDesigner *d, const float *values, gint width, gint height,
             gsize stride, GError **error)
{
  gint n = skc_paint_size (d->paint);
  skc_image ink = { 0 };
  skc_error err;
  if (!values || width < 1 || height < 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "no weights");
      return FALSE;
    }
  if (width == n && height == n)
    {
      /* Cell for cell: exactly what was given (up to its scale). */
      if (skc_image_alloc (&ink, n, n, 1) != SKC_OK)
        g_error ("skc designer: out of memory");
      for (gint y = 0; y < n; y++)
        memcpy (skc_image_pixel (&ink, 0, y), values + (gsize) y * stride,
                n * sizeof (float));
    }
  else
    {
      /* Resampled into the grid with a one-cell empty margin, as the
         built-in shapes have. */
      skc_image k = { 0 };
      float *clean = g_new (float, (gsize) width *height);
      for (gint y = 0; y < height; y++)
        for (gint x = 0; x < width; x++)
          {
            float v = values[(gsize) y * stride + x];
            clean[(gsize) y * width + x] = isfinite (v) && v > 0 ? v : 0;
          }
      skc_result r = skc_kernel_from_values (clean, width, height, width, n - 2,
                                             &k, &err);
      g_free (clean);
      if (r == SKC_OK)
        r = skc_kernel_pad (&k, n, n, &ink);
      skc_image_free (&k);
      if (r != SKC_OK)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "%s",
                       r == SKC_ERR_EMPTY_KERNEL ? "the image has no weight"
                                                 : skc_strerror (r));
          return FALSE;
        }
    }
  gboolean ok = replace_ink (d, &ink, FALSE);
  skc_image_free (&ink);
  if (!ok)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   "the image has no weight");
      return FALSE;
    }
  skc_designer_edited (d, TRUE, FALSE);
  return TRUE;
}

static gboolean
default_loader (const gchar *path, skc_image *weights, GError **error,
                gpointer user_data)
{
  skc_error err;
  if (skc_values_read (path, weights, &err) != SKC_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", err.message);
      return FALSE;
    }
  return TRUE;
}

void
skc_designer_choose_file (SkcDesigner *d)
{
  GtkWidget *toplevel = gtk_widget_get_toplevel (GTK_WIDGET (d));
  GtkWidget *chooser = gtk_file_chooser_dialog_new (
      "Load a kernel image",
      gtk_widget_is_toplevel (toplevel) ? GTK_WINDOW (toplevel) : NULL,
      GTK_FILE_CHOOSER_ACTION_OPEN, "_Cancel", GTK_RESPONSE_CANCEL, "_Open",
      GTK_RESPONSE_ACCEPT, NULL);
  if (d->loader_patterns)
    {
      GtkFileFilter *filter = gtk_file_filter_new ();
      gtk_file_filter_set_name (filter, "Images");
      for (gchar **p = d->loader_patterns; *p; p++)
        gtk_file_filter_add_pattern (filter, *p);
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
    }
  if (gtk_dialog_run (GTK_DIALOG (chooser)) == GTK_RESPONSE_ACCEPT)
    {
      gchar *path = gtk_file_chooser_get_filename (GTK_FILE_CHOOSER (chooser));
      GError *error = NULL;
      if (!skc_designer_load_file (GTK_WIDGET (d), path, &error))
        {
          gchar *text
              = g_strdup_printf ("Could not load %s: %s", path, error->message);
          set_status (d, text);
          g_free (text);
          g_error_free (error);
        }
      g_free (path);
    }
  gtk_widget_destroy (chooser);
}

static GtkWidget *
caption (const gchar *markup)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (label), markup);
  gtk_misc_set_alignment (GTK_MISC (label), 0.0, 0.5);
  return label;
}

/* ---- the object ------------------------------------------------------ */

static void
skc_designer_init (SkcDesigner *d)
{
  gint side = SKC_DESIGNER_DEFAULT_SIZE;
  skc_ui_vbox_init (d);
  gtk_box_set_spacing (GTK_BOX (d), 6);
  d->paint = skc_paint_new (side);
  d->polygon_u = g_array_new (FALSE, FALSE, sizeof (gdouble));
  d->polygon_v = g_array_new (FALSE, FALSE, sizeof (gdouble));
  d->brush = (SkcBrush){ 5, 0.8, 1.0, 1.0f };
  d->tool = SKC_DESIGNER_TOOL_BRUSH;
  d->loader = default_loader;
  d->loader_patterns = g_strsplit ("*.pfm *.PFM *.pgm *.PGM *.ppm *.PPM "
                                   "*.pnm *.PNM",
                                   " ", -1);
  skc_shape_init (&d->shape);

  gtk_box_pack_start (GTK_BOX (d), skc_designer_controls_new (d), FALSE, FALSE,
                      0);

  /* The target on the left, large; what skc made of it on the right. */
  GtkWidget *main_row = skc_ui_box_new (FALSE, 12);
  GtkWidget *left = skc_ui_box_new (TRUE, 4);
  gtk_box_pack_start (GTK_BOX (left),
                      caption ("<b>Your kernel</b> — draw the bokeh shape "
                               "here"),
                      FALSE, FALSE, 0);
  d->canvas = skc_designer_canvas_new (d, side * CANVAS_CELL + 1);
  gtk_box_pack_start (GTK_BOX (left), d->canvas, TRUE, TRUE, 0);
  d->controls.hint = gtk_label_new ("");
  gtk_misc_set_alignment (GTK_MISC (d->controls.hint), 0.0, 0.5);
  /* One line, never wider than the canvas: the hint changes with the
     tool and must not resize the window (the canvas would move under
     the pointer). */
  gtk_label_set_ellipsize (GTK_LABEL (d->controls.hint), PANGO_ELLIPSIZE_END);
  gtk_label_set_max_width_chars (GTK_LABEL (d->controls.hint), 30);
  gtk_box_pack_start (GTK_BOX (left), d->controls.hint, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (left), skc_designer_shape_controls_new (d),
                      FALSE, FALSE, 4);
  gtk_box_pack_start (GTK_BOX (main_row), left, TRUE, TRUE, 0);

  GtkWidget *right = skc_ui_box_new (TRUE, 4);
  gtk_box_pack_start (GTK_BOX (right),
                      caption ("<b>Fitted kernel</b>\nwhat the blur uses"),
                      FALSE, FALSE, 0);
  d->fitted_view = skc_designer_side_view_new (d, side * VIEW_CELL + 1);
  gtk_box_pack_start (GTK_BOX (right), d->fitted_view, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (right),
                      caption ("<b>Difference</b> ×4\n<span foreground="
                               "\"#d03020\">red: too much</span>, <span "
                               "foreground=\"#3070e0\">blue: missing</span>"),
                      FALSE, FALSE, 0);
  d->difference_view = skc_designer_side_view_new (d, side * VIEW_CELL + 1);
  gtk_box_pack_start (GTK_BOX (right), d->difference_view, FALSE, FALSE, 0);
  d->figures = gtk_label_new (NULL);
  gtk_widget_set_name (d->figures, "skc-designer-figures");
  gtk_misc_set_alignment (GTK_MISC (d->figures), 0.0, 0.0);
  gtk_widget_set_tooltip_text (d->figures,
                               "Image PSNR: photos blurred with the fitted "
                               "kernel against the exact one (40 dB and up "
                               "look identical). Kernel SNR: the kernels "
                               "themselves. As `skc bench fit` measures "
                               "them.");
  gtk_box_pack_start (GTK_BOX (right), d->figures, FALSE, FALSE, 4);
  d->status = gtk_label_new ("");
  gtk_widget_set_name (d->status, "skc-designer-status");
  gtk_label_set_line_wrap (GTK_LABEL (d->status), TRUE);
  gtk_label_set_max_width_chars (GTK_LABEL (d->status), 30);
  gtk_widget_set_size_request (d->status, side * VIEW_CELL, -1);
  gtk_misc_set_alignment (GTK_MISC (d->status), 0.0, 0.0);
  gtk_box_pack_start (GTK_BOX (right), d->status, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (main_row), right, FALSE, FALSE, 0);
  gtk_box_pack_start (GTK_BOX (d), main_row, TRUE, TRUE, 0);

  /* A disc to start from, not an undo step. */
  d->shape_edit = TRUE;
  render_shape (d, TRUE);
  show_figures (d);
  skc_designer_controls_sync (d);
}

static void
skc_designer_dispose (GObject *object)
{
  SkcDesigner *d = SKC_DESIGNER (object);
  /* The worker may be fitting: stop it before anything it reads goes. */
  g_clear_pointer (&d->fit, skc_designer_fit_free);
  if (d->preview_timer)
    g_source_remove (d->preview_timer);
  if (d->full_timer)
    g_source_remove (d->full_timer);
  d->preview_timer = d->full_timer = 0;
  if (d->loader_destroy)
    d->loader_destroy (d->loader_data);
  d->loader_destroy = NULL;
  G_OBJECT_CLASS (skc_designer_parent_class)->dispose (object);
}

static void
skc_designer_finalize (GObject *object)
{
  SkcDesigner *d = SKC_DESIGNER (object);
  skc_paint_free (d->paint);
  g_array_unref (d->polygon_u);
  g_array_unref (d->polygon_v);
  g_strfreev (d->loader_patterns);
  skc_image_free (&d->effective);
  skc_image_free (&d->difference);
  skc_filter_free (d->filter);
  G_OBJECT_CLASS (skc_designer_parent_class)->finalize (object);
}

static void
skc_designer_class_init (SkcDesignerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = skc_designer_dispose;
  object_class->finalize = skc_designer_finalize;
  widget_class->key_press_event = skc_designer_key_press;
  signals[SIGNAL_CHANGED] = g_signal_new (
      "changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
      g_cclosure_marshal_VOID__VOID, G_TYPE_NONE, 0);
  signals[SIGNAL_FITTED] = g_signal_new (
      "fitted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
      g_cclosure_marshal_VOID__BOOLEAN, G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

/* ---- public API ------------------------------------------------------ */

/* The usual argument check, then d. */
#define DESIGNER_OR_RETURN(widget, value)                                      \
  g_return_val_if_fail (SKC_IS_DESIGNER (widget), value);                      \
  SkcDesigner *d = SKC_DESIGNER (widget)
#define DESIGNER_OR_RETURN_VOID(widget)                                        \
  g_return_if_fail (SKC_IS_DESIGNER (widget));                                 \
  SkcDesigner *d = SKC_DESIGNER (widget)

GtkWidget *
skc_designer_new (const skc_photo_set *photos)
{
  SkcDesigner *d = g_object_new (SKC_TYPE_DESIGNER, NULL);
  d->photos = photos;
  d->fit = skc_designer_fit_new (photos, fit_done, d);
  schedule_fits (d);
  return GTK_WIDGET (d);
}

const skc_image *
skc_designer_get_target (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, NULL);
  return skc_paint_image (d->paint);
}

gboolean
skc_designer_set_target (GtkWidget *designer, const float *values, int width,
                         int height)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  return set_weights (d, values, width, height, (gsize) MAX (width, 0), NULL);
}

gboolean
skc_designer_set_shape (GtkWidget *designer, const skc_shape *shape)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  g_return_val_if_fail (shape && shape->kind != SKC_SHAPE_FILE, FALSE);
  d->shape = *shape;
  if (!render_shape (d, FALSE))
    return FALSE;
  d->shape_edit = TRUE;
  d->shape_step_open = FALSE;
  skc_designer_controls_sync (d);
  skc_designer_edited (d, TRUE, TRUE);
  return TRUE;
}

gboolean
skc_designer_load_file (GtkWidget *designer, const gchar *path, GError **error)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  skc_image weights = { 0 };
  if (!d->loader (path, &weights, error, d->loader_data))
    return FALSE;
  gboolean ok = FALSE;
  if (weights.channels != 1)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 "%s: the loader gave %d channels, not 1", path,
                 weights.channels);
  else
    ok = set_weights (d, weights.data, weights.width, weights.height,
                      weights.stride, error);
  skc_image_free (&weights);
  return ok;
}

void
skc_designer_set_loader (GtkWidget *designer, SkcDesignerLoader loader,
                         gpointer user_data, GDestroyNotify destroy,
                         const gchar *const *patterns)
{
  DESIGNER_OR_RETURN_VOID (designer);
  if (d->loader_destroy)
    d->loader_destroy (d->loader_data);
  d->loader = loader ? loader : default_loader;
  d->loader_data = user_data;
  d->loader_destroy = destroy;
  g_strfreev (d->loader_patterns);
  d->loader_patterns = g_strdupv ((gchar **) patterns);
}

void
skc_designer_set_size (GtkWidget *designer, int size)
{
  DESIGNER_OR_RETURN_VOID (designer);
  g_return_if_fail (size >= SKC_DESIGNER_MIN_SIZE
                    && size <= SKC_DESIGNER_MAX_SIZE && size % 2 == 1);
  if (!skc_paint_resize (d->paint, size))
    return;
  skc_designer_polygon_reset (d);
  skc_image_free (&d->effective);
  skc_image_free (&d->difference);
  /* A shape is drawn again crisp at the new size, in the same step. */
  if (d->shape_edit)
    render_shape (d, TRUE);
  d->shape_step_open = FALSE;
  skc_designer_edited (d, TRUE, TRUE);
  gtk_widget_queue_draw (d->fitted_view);
  gtk_widget_queue_draw (d->difference_view);
}

int
skc_designer_get_size (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, 0);
  return skc_paint_size (d->paint);
}

void
skc_designer_clear (GtkWidget *designer)
{
  DESIGNER_OR_RETURN_VOID (designer);
  skc_paint_stroke_end (d->paint);
  if (skc_paint_clear (d->paint))
    skc_designer_edited (d, TRUE, FALSE);
}

void
skc_designer_invert (GtkWidget *designer)
{
  DESIGNER_OR_RETURN_VOID (designer);
  skc_paint_stroke_end (d->paint);
  if (skc_paint_invert (d->paint))
    skc_designer_edited (d, TRUE, FALSE);
}

gboolean
skc_designer_undo (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  if (!skc_paint_undo (d->paint))
    return FALSE;
  skc_designer_edited (d, TRUE, FALSE);
  return TRUE;
}

gboolean
skc_designer_redo (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  if (!skc_paint_redo (d->paint))
    return FALSE;
  skc_designer_edited (d, TRUE, FALSE);
  return TRUE;
}

void
skc_designer_set_tool (GtkWidget *designer, SkcDesignerTool tool)
{
  DESIGNER_OR_RETURN_VOID (designer);
  g_return_if_fail (tool >= SKC_DESIGNER_TOOL_BRUSH
                    && tool <= SKC_DESIGNER_TOOL_POLYGON);
  if (tool != SKC_DESIGNER_TOOL_POLYGON)
    skc_designer_polygon_reset (d);
  d->tool = tool;
  skc_designer_controls_sync (d);
  gtk_widget_queue_draw (d->canvas);
}

void
skc_designer_set_brush (GtkWidget *designer, double size, double hardness,
                        double opacity)
{
  DESIGNER_OR_RETURN_VOID (designer);
  d->brush.size = CLAMP (size, 1, 33);
  d->brush.hardness = CLAMP (hardness, 0, 1);
  d->brush.opacity = CLAMP (opacity, 0, 1);
  skc_designer_controls_sync (d);
  gtk_widget_queue_draw (d->canvas);
}

void
skc_designer_set_symmetry (GtkWidget *designer, gboolean mirror_x,
                           gboolean mirror_y, int n_fold)
{
  DESIGNER_OR_RETURN_VOID (designer);
  SkcSymmetry s = { mirror_x, mirror_y, CLAMP (n_fold, 1, 16) };
  skc_paint_set_symmetry (d->paint, &s);
  skc_designer_controls_sync (d);
  gtk_widget_queue_draw (d->canvas);
}

void
skc_designer_get_figures (GtkWidget *designer, SkcDesignerFigures *figures)
{
  DESIGNER_OR_RETURN_VOID (designer);
  *figures = d->figures_shown;
}

const skc_filter *
skc_designer_get_filter (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, NULL);
  return d->filter;
}

gboolean
skc_designer_is_fitting (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, FALSE);
  return d->preview_timer || d->full_timer || d->job_pending;
}

GtkWidget *
skc_designer_get_canvas (GtkWidget *designer)
{
  DESIGNER_OR_RETURN (designer, NULL);
  return d->canvas;
}
