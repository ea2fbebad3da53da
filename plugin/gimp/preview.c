/* skc — the dialog's live preview (see preview.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "preview.h"

#include <math.h>
#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gegl-bridge.h"
#include "drawable-map.h"
#include "glue.h"
#include "compat.h"
#include "map-painter.h"
#include "status.h"

/* Quiet time after a change before work starts (slider drags). */
#define DEBOUNCE_MS 150

struct SkcGimpPreview
{
  GtkWidget *preview;
  GtkWidget *status;
  gint32 drawable;
  SkcGimpSettings settings;
  guint debounce;              /* pending timeout source, or 0 */
  guint generation;            /* of the newest request */
  gint *cancel;                /* raised (g_atomic_int_set) to stop the fit
                                  in flight */
  SkcGeglSharedEngine *engine; /* the last engine built, or NULL */
  gboolean closed;
  gint area_width, area_height; /* last seen allocation */
  GtkWidget *painter;           /* of a painted map, or NULL */
  gint32 selection;             /* the image's selection, or -1 */
  gboolean log;                 /* tell each preview drawn */
  SkcGimpPreviewPicked picked;  /* told of clicks, or NULL */
  gpointer picked_data;
  gboolean picking;           /* clicks pick: a crosshair over the preview */
  GdkCursor *crosshair;       /* made when first needed */
  gboolean pressed;           /* button 1 is down on the preview ... */
  gdouble press_x, press_y;   /* ... since here (the area's coordinates) */
  gint press_left, press_top; /* the preview's position then */
};

/* A press and release this close (px) is a click, not a drag. */
#define CLICK_SLOP 3

/* One request: built in the main thread, worked in a thread, handed back
 * through an idle callback (which owns it from then on). */
typedef struct
{
  SkcGimpPreview *pv; /* a reference */
  guint generation;
  gint *cancel; /* a reference */
  skc_params params;
  skc_run run;        /* its threads, and the cancel flag */
  skc_preset *preset; /* what params may point into */
  gboolean with_map;
  gint32 map_id;    /* the map drawable (the selection for a subject) */
  gboolean subject; /* depth 'subject': the map read as stored */
  gchar *key;
  SkcGeglSharedEngine *engine; /* a reference once built */
  skc_error err;
  skc_result result;
  /* pixels in and out */
  const Babl *format;
  const Babl *to_screen; /* fish from format to 8-bit RGBA */
  gint image_width, image_height;
  GeglRectangle region, roi;
  gfloat *in, *map, *out;
  guchar *rgba;
  gdouble seconds;
} Job;

static void start_job (SkcGimpPreview *pv);

static void
preview_clear (gpointer data)
{
  SkcGimpPreview *pv = data;
  skc_gegl_shared_engine_release (pv->engine);
  g_atomic_rc_box_release (pv->cancel);
  if (pv->crosshair)
    skc_ui_cursor_unref (pv->crosshair);
}

static void
job_free (Job *job)
{
  skc_gegl_shared_engine_release (job->engine);
  g_atomic_rc_box_release (job->cancel);
  g_rc_box_release_full (job->pv, preview_clear);
  skc_preset_free (job->preset);
  g_free (job->key);
  g_free (job->in);
  g_free (job->map);
  g_free (job->out);
  g_free (job->rgba);
  g_free (job);
}

static gboolean
job_is_stale (const Job *job)
{
  return job->pv->closed || job->generation != job->pv->generation;
}

/* One line under the preview; `details` (the planner's description, or
 * a whole error message) in its tooltip. */
static void
show_status_details (SkcGimpPreview *pv, const gchar *text,
                     const gchar *details)
{
  gtk_label_set_text (GTK_LABEL (pv->status), text);
  gtk_widget_set_tooltip_text (pv->status, details);
}

static void
show_status (SkcGimpPreview *pv, const gchar *text)
{
  show_status_details (pv, text, NULL);
}

static void
show_error (SkcGimpPreview *pv, const gchar *message)
{
  gchar *line = skc_ui_status_error (message);
  show_status_details (pv, line, message);
  g_free (line);
}

/* Everything the engine depends on, as one string. */
static gchar *
engine_key (const SkcGimpSettings *s, gboolean with_map)
{
  gchar *rows = skc_gegl_params_key (&s->values);
  gchar *key = g_strdup_printf ("%s|%s|map=%d|%s", s->shape, s->preset,
                                with_map, rows);
  g_free (rows);
  return key;
}

/* Second half, main thread: the blurred pixels reach the screen. */
static gboolean
job_drawn (gpointer data)
{
  Job *job = data;
  if (!job_is_stale (job))
    {
      if (job->result == SKC_OK)
        {
          GtkWidget *area
              = gimp_preview_get_area (GIMP_PREVIEW (job->pv->preview));
          gchar *text;
          gimp_preview_area_draw (
              GIMP_PREVIEW_AREA (area), 0, 0, job->roi.width, job->roi.height,
              GIMP_RGBA_IMAGE, job->rgba, job->roi.width * 4);
          const skc_engine *engine = job->engine->engine;
          text = skc_ui_status_line (skc_engine_method (engine),
                                     skc_engine_kernel_snr (engine),
                                     job->seconds);
          if (job->pv->log)
            {
              gint left = 0, top = 0;
              GtkAllocation allocation;
              gdk_window_get_origin (gtk_widget_get_window (area), &left, &top);
              gtk_widget_get_allocation (area, &allocation);
              g_printerr ("skc preview drawn: %s (%dx%d px; %s)\n", text,
                          job->roi.width, job->roi.height,
                          skc_engine_describe (engine));
              /* Where a test clicks: the area's window on the screen. */
              g_printerr ("skc preview area: %d %d %d %d (at %d, %d)\n", left,
                          top, allocation.width, allocation.height, job->roi.x,
                          job->roi.y);
            }
          show_status_details (job->pv, text, skc_engine_describe (engine));
          g_free (text);
        }
      else if (job->result != SKC_ERR_CANCELLED)
        show_error (job->pv, job->err.message);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

/* Second half, worker: blur the pixels read for it. */
static gpointer
blur_thread (gpointer data)
{
  Job *job = data;
  gint64 start = g_get_monotonic_time ();
  skc_apply_request request = {
    .image_width = job->image_width,
    .image_height = job->image_height,
    .channels = 4,
    .alpha = 3,
    .input = { job->in, (size_t) job->region.width * 4, job->region.x,
               job->region.y, job->region.width, job->region.height },
    .map = { job->map, (size_t) job->region.width, job->region.x, job->region.y,
             job->region.width, job->region.height },
    .output = { job->out, (size_t) job->roi.width * 4, job->roi.x, job->roi.y,
                job->roi.width, job->roi.height },
  };
  job->result = skc_engine_process (job->engine->engine, &request, &job->run,
                                    &job->err);
  if (job->result == SKC_OK)
    babl_process (job->to_screen, job->out, job->rgba,
                  (long) job->roi.width * job->roi.height);
  job->seconds = (g_get_monotonic_time () - start) / 1e6;
  g_idle_add (job_drawn, job);
  return NULL;
}

/* The painted map's part under `rect` (0 where it has none; out starts
 * at 0). */
static void
copy_painted (SkcGimpPreview *pv, const GeglRectangle *rect, gfloat *out)
{
  int width = 0, height = 0;
  const float *map = skc_map_painter_get_map (pv->painter, &width, &height);
  for (gint y = 0; map && y < rect->height; y++)
    {
      gint my = rect->y + y;
      if (my < 0 || my >= height)
        continue;
      for (gint x = 0; x < rect->width; x++)
        {
          gint mx = rect->x + x;
          if (mx >= 0 && mx < width)
            out[(gsize) y * rect->width + x] = map[(gsize) my * width + mx];
        }
    }
}

/* The map `map_id` (a drawable, or SKC_GIMP_MAP_PAINTED) under `rect` of
 * the drawable's grid, into out (zeros to start with). */
static void
read_map (SkcGimpPreview *pv, gint32 map_id, gboolean linear,
          const GeglRectangle *rect, gfloat *out)
{
  if (map_id == SKC_GIMP_MAP_PAINTED)
    copy_painted (pv, rect, out);
  else
    skc_gimp_read_map (pv->drawable, map_id, rect, linear, out);
}

/* The map the settings name (the selection for a subject without one),
 * or -1. */
static gint32
settings_map (SkcGimpPreview *pv)
{
  gboolean subject = pv->settings.values.depth == SKC_DEPTH_SUBJECT;
  gint32 map
      = subject && pv->settings.map == -1 ? pv->selection : pv->settings.map;
  if (map == SKC_GIMP_MAP_PAINTED && !pv->painter)
    return -1;
  return map;
}

/* Main thread, with an engine: read the visible part of the drawable
 * (and of the map) grown by the engine's reach, then blur it in a
 * thread. */
static void
read_and_blur (Job *job)
{
  SkcGimpPreview *pv = job->pv;
  GeglBuffer *source = skc_gimp_glue_buffer (pv->drawable);
  const GeglRectangle *extent = gegl_buffer_get_extent (source);
  gint reach = skc_engine_reach (job->engine->engine);
  gint x, y, width, height;
  gimp_preview_get_position (GIMP_PREVIEW (pv->preview), &x, &y);
  gimp_preview_get_size (GIMP_PREVIEW (pv->preview), &width, &height);
  job->image_width = extent->width;
  job->image_height = extent->height;
  job->roi = (GeglRectangle){ x, y, width, height };
  job->region = (GeglRectangle){ x - reach, y - reach, width + 2 * reach,
                                 height + 2 * reach };
  gegl_rectangle_intersect (&job->region, &job->region, extent);
  job->format = babl_format_with_space (
      "RaGaBaA float", babl_format_get_space (gegl_buffer_get_format (source)));
  job->to_screen = babl_fish (job->format, babl_format ("R'G'B'A u8"));

  gsize count = (gsize) job->region.width * job->region.height;
  gsize shown = (gsize) width * height;
  job->in = g_try_new (gfloat, 4 * count);
  job->out = g_try_new (gfloat, 4 * shown);
  job->rgba = g_try_new (guchar, 4 * shown);
  job->map = job->with_map ? g_try_new0 (gfloat, count) : NULL;
  if (!job->in || !job->out || !job->rgba || (job->with_map && !job->map))
    {
      show_status (pv, "Not enough memory for the preview");
      g_object_unref (source);
      job_free (job);
      return;
    }
  gegl_buffer_get (source, &job->region, 1.0, job->format, job->in,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  if (job->with_map)
    read_map (pv, job->map_id,
              job->subject ? skc_gimp_map_linear_as_stored (job->map_id)
                           : job->params.map_linear,
              &job->region, job->map);
  g_object_unref (source);
  g_thread_unref (g_thread_new ("skc-preview-blur", blur_thread, job));
}

/* First half, main thread: the engine is there (or failed). */
static gboolean
engine_built (gpointer data)
{
  Job *job = data;
  if (job_is_stale (job))
    {
      job_free (job);
      return G_SOURCE_REMOVE;
    }
  if (job->result != SKC_OK)
    {
      if (job->result != SKC_ERR_CANCELLED)
        show_error (job->pv, job->err.message);
      job_free (job);
      return G_SOURCE_REMOVE;
    }
  skc_gegl_shared_engine_release (job->pv->engine);
  job->pv->engine = skc_gegl_shared_engine_acquire (job->engine);
  /* Later changes must not cancel the engine kept for reuse: they get a
     flag of their own. */
  g_atomic_rc_box_release (job->pv->cancel);
  job->pv->cancel = g_atomic_rc_box_new0 (gint);
  show_status (job->pv, "Blurring...");
  read_and_blur (job);
  return G_SOURCE_REMOVE;
}

/* First half, worker: build the engine (fitting what the cache lacks). */
static gpointer
engine_thread (gpointer data)
{
  Job *job = data;
  skc_engine *engine = NULL;
  job->result = skc_gegl_engine_new (&job->params, job->with_map, NULL, 0,
                                     &job->run, &engine, &job->err);
  if (job->result == SKC_OK)
    {
      job->engine = skc_gegl_shared_engine_new (engine, job->key);
    }
  g_idle_add (engine_built, job);
  return NULL;
}

static void
start_job (SkcGimpPreview *pv)
{
  skc_error err;
  Job *job = g_new0 (Job, 1);
  job->pv = g_rc_box_acquire (pv);
  job->generation = pv->generation;
  job->cancel = g_atomic_rc_box_acquire (pv->cancel);
  job->subject = pv->settings.values.depth == SKC_DEPTH_SUBJECT;
  job->map_id = settings_map (pv);
  job->with_map = job->map_id != -1;
  if (job->subject && !job->with_map)
    {
      show_status (pv, "Subject: select it first, or choose a channel as the "
                       "map");
      job_free (job);
      return;
    }
  job->key = engine_key (&pv->settings, job->with_map);
  if (skc_gimp_settings_to_params (&pv->settings, &job->params, &job->preset,
                                   &err)
      != SKC_OK)
    {
      show_error (pv, err.message);
      job_free (job);
      return;
    }
  job->run.threads = (int) g_get_num_processors ();
  job->run.cancel = job->cancel;
  if (pv->engine && strcmp (pv->engine->key, job->key) == 0)
    {
      job->engine = skc_gegl_shared_engine_acquire (pv->engine);
      read_and_blur (job);
      return;
    }
  show_status (pv, "Fitting the shape...");
  g_thread_unref (g_thread_new ("skc-preview-fit", engine_thread, job));
}

static gboolean
debounced (gpointer data)
{
  SkcGimpPreview *pv = data;
  pv->debounce = 0;
  start_job (pv);
  return G_SOURCE_REMOVE;
}

/* A new request: whatever runs for an older one is stopped and dropped. */
static void
restart (SkcGimpPreview *pv)
{
  pv->generation++;
  g_atomic_int_set (pv->cancel, 1);
  g_atomic_rc_box_release (pv->cancel);
  pv->cancel = g_atomic_rc_box_new0 (gint);
  if (pv->debounce)
    g_source_remove (pv->debounce);
  pv->debounce = g_timeout_add (DEBOUNCE_MS, debounced, pv);
}

static void
preview_invalidated (GtkWidget *widget, gpointer data)
{
  restart (data);
}

/* The preview paints the unblurred drawable whenever its area gets a new
 * size, sometimes without saying "invalidated": blur again after it.
 * GTK 3 allocates again on any resize nearby (the status label's text),
 * so only a real change of size counts. */
static void
area_resized (GtkWidget *widget, GtkAllocation *allocation, gpointer data)
{
  SkcGimpPreview *pv = data;
  if (allocation->width == pv->area_width
      && allocation->height == pv->area_height)
    return;
  pv->area_width = allocation->width;
  pv->area_height = allocation->height;
  restart (pv);
}

/* The drawable's pixel under a point of the preview's area, or FALSE
 * beside the pixels drawn: GimpPreviewArea draws the visible part (the
 * preview's size, from its position in the drawable) centred in its
 * allocation when the allocation is larger. */
static gboolean
area_to_drawable (SkcGimpPreview *pv, gdouble area_x, gdouble area_y, gint *x,
                  gint *y)
{
  GimpPreview *preview = GIMP_PREVIEW (pv->preview);
  GtkAllocation allocation;
  gint left, top, width, height;
  gtk_widget_get_allocation (gimp_preview_get_area (preview), &allocation);
  gimp_preview_get_position (preview, &left, &top);
  gimp_preview_get_size (preview, &width, &height);
  gint column = (gint) floor (area_x) - (allocation.width - width) / 2;
  gint row = (gint) floor (area_y) - (allocation.height - height) / 2;
  if (column < 0 || row < 0 || column >= width || row >= height)
    return FALSE;
  *x = left + column;
  *y = top + row;
  return TRUE;
}

static GdkCursor *
crosshair (SkcGimpPreview *pv, GtkWidget *area)
{
  if (!pv->crosshair)
    pv->crosshair = gdk_cursor_new_for_display (gtk_widget_get_display (area),
                                                GDK_CROSSHAIR);
  return pv->crosshair;
}

/* Clicks pick a point; a press that moves (GIMP's preview scrolls while
 * button 1 drags it) picks nothing.  Runs before the preview's own
 * handler and leaves the events to it. */
static gboolean
area_event (GtkWidget *area, GdkEvent *event, gpointer data)
{
  SkcGimpPreview *pv = data;
  GimpPreview *preview = GIMP_PREVIEW (pv->preview);
  gint left, top, x, y;
  if (event->any.window != gtk_widget_get_window (area))
    return FALSE;
  switch (event->type)
    {
    case GDK_ENTER_NOTIFY:
    case GDK_MOTION_NOTIFY:
      /* Over a drawable larger than the view GIMP puts a hand (drag to
         scroll) after every redraw: the crosshair still says that a
         click picks. */
      if (pv->picking && !pv->pressed
          && gdk_window_get_cursor (event->any.window) != crosshair (pv, area))
        gdk_window_set_cursor (event->any.window, crosshair (pv, area));
      break;
    case GDK_BUTTON_PRESS:
      if (event->button.button != 1)
        break;
      pv->pressed = TRUE;
      pv->press_x = event->button.x;
      pv->press_y = event->button.y;
      gimp_preview_get_position (preview, &pv->press_left, &pv->press_top);
      break;
    case GDK_BUTTON_RELEASE:
      if (event->button.button != 1 || !pv->pressed)
        break;
      pv->pressed = FALSE;
      gimp_preview_get_position (preview, &left, &top);
      if (pv->picking && pv->picked && left == pv->press_left
          && top == pv->press_top
          && fabs (event->button.x - pv->press_x) <= CLICK_SLOP
          && fabs (event->button.y - pv->press_y) <= CLICK_SLOP
          && area_to_drawable (pv, event->button.x, event->button.y, &x, &y))
        pv->picked (x, y, pv->picked_data);
      break;
    default:
      break;
    }
  return FALSE;
}

SkcGimpPreview *
skc_gimp_preview_new (GtkWidget *preview, GtkWidget *status, gint32 drawable)
{
  SkcGimpPreview *pv = g_rc_box_new0 (SkcGimpPreview);
  pv->preview = preview;
  pv->status = status;
  pv->drawable = drawable;
  pv->selection = -1;
  pv->cancel = g_atomic_rc_box_new0 (gint);
  skc_gimp_settings_init (&pv->settings);
  g_signal_connect (preview, "invalidated", G_CALLBACK (preview_invalidated),
                    pv);
  GtkWidget *area = gimp_preview_get_area (GIMP_PREVIEW (preview));
  g_signal_connect_after (area, "size-allocate", G_CALLBACK (area_resized), pv);
  gtk_widget_add_events (area, GDK_BUTTON_PRESS_MASK | GDK_BUTTON_RELEASE_MASK
                                   | GDK_ENTER_NOTIFY_MASK
                                   | GDK_POINTER_MOTION_MASK);
  g_signal_connect (area, "event", G_CALLBACK (area_event), pv);
  return pv;
}

void
skc_gimp_preview_set_picked (SkcGimpPreview *pv, SkcGimpPreviewPicked picked,
                             gpointer data)
{
  pv->picked = picked;
  pv->picked_data = data;
}

void
skc_gimp_preview_set_picking (SkcGimpPreview *pv, const gchar *tooltip)
{
  GtkWidget *area = gimp_preview_get_area (GIMP_PREVIEW (pv->preview));
  gboolean picking = tooltip != NULL;
  gtk_widget_set_tooltip_text (area, tooltip);
  if (picking == pv->picking)
    return;
  pv->picking = picking;
  /* The crosshair goes on the area's window itself (area_event keeps it
     there): GIMP 2.10's gimp_preview_set_default_cursor takes a GTK 2
     cursor for a GObject and crashes.  An invalidation has GIMP's preview
     put its own cursor back (an arrow, or a hand over a larger drawable
     to scroll it). */
  GdkWindow *window = gtk_widget_get_window (area);
  if (picking && window)
    gdk_window_set_cursor (window, crosshair (pv, area));
  else if (!picking)
    gimp_preview_invalidate (GIMP_PREVIEW (pv->preview));
}

gboolean
skc_gimp_preview_map_value (SkcGimpPreview *pv, gint x, gint y, gboolean linear,
                            gfloat *value)
{
  gint32 map = settings_map (pv);
  GeglRectangle pixel = { x, y, 1, 1 };
  *value = 0;
  if (map == -1)
    return FALSE;
  read_map (pv, map, linear, &pixel, value);
  return TRUE;
}

void
skc_gimp_preview_update (SkcGimpPreview *pv, const SkcGimpSettings *settings)
{
  pv->settings = *settings;
  restart (pv);
}

void
skc_gimp_preview_set_painter (SkcGimpPreview *pv, GtkWidget *painter)
{
  pv->painter = painter;
}

void
skc_gimp_preview_set_log (SkcGimpPreview *pv, gboolean log)
{
  pv->log = log;
}

void
skc_gimp_preview_free (SkcGimpPreview *pv)
{
  if (!pv)
    return;
  g_signal_handlers_disconnect_by_data (pv->preview, pv);
  g_signal_handlers_disconnect_by_data (
      gimp_preview_get_area (GIMP_PREVIEW (pv->preview)), pv);
  if (pv->debounce)
    g_source_remove (pv->debounce);
  pv->debounce = 0;
  pv->closed = TRUE;
  g_atomic_int_set (pv->cancel, 1);
  /* Jobs in flight hold references and drop their results. */
  g_rc_box_release_full (pv, preview_clear);
}

void
skc_gimp_preview_set_selection (SkcGimpPreview *pv, gint32 selection)
{
  pv->selection = selection;
  restart (pv);
}
