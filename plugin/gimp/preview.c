/* skc — the dialog's live preview (see preview.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "preview.h"

#include <string.h>

#include <libgimp/gimp.h>
#include <libgimp/gimpui.h>

#include "gegl-bridge.h"
#include "drawable-map.h"
#include "glue.h"
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
};

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
          text
              = skc_ui_status_line (skc_engine_method (engine),
                                    skc_engine_describe (engine), job->seconds);
          if (job->pv->log)
            g_printerr ("skc preview drawn: %s (%dx%d px; %s)\n", text,
                        job->roi.width, job->roi.height,
                        skc_engine_describe (engine));
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

/* The painted map's part under job->region (0 where it has none). */
static void
copy_painted (SkcGimpPreview *pv, Job *job)
{
  int width = 0, height = 0;
  const float *map = skc_map_painter_get_map (pv->painter, &width, &height);
  for (gint y = 0; map && y < job->region.height; y++)
    {
      gint my = job->region.y + y;
      if (my < 0 || my >= height)
        continue;
      for (gint x = 0; x < job->region.width; x++)
        {
          gint mx = job->region.x + x;
          if (mx >= 0 && mx < width)
            job->map[(gsize) y * job->region.width + x]
                = map[(gsize) my * width + mx];
        }
    }
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
  if (job->with_map && job->map_id == SKC_GIMP_MAP_PAINTED)
    copy_painted (pv, job);
  else if (job->with_map)
    skc_gimp_read_map (pv->drawable, job->map_id, &job->region,
                       job->subject
                           ? skc_gimp_map_linear_as_stored (job->map_id)
                           : job->params.map_linear,
                       job->map);
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
  job->result = skc_gegl_engine_new (&job->params, job->with_map, &job->run,
                                     &engine, &job->err);
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
  job->map_id = job->subject && pv->settings.map == -1 ? pv->selection
                                                       : pv->settings.map;
  job->with_map = job->map_id != -1;
  if (pv->settings.map == SKC_GIMP_MAP_PAINTED && !pv->painter)
    job->with_map = FALSE;
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
  g_signal_connect_after (gimp_preview_get_area (GIMP_PREVIEW (preview)),
                          "size-allocate", G_CALLBACK (area_resized), pv);
  return pv;
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
