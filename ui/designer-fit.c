/* skc — the kernel designer's background fits (see designer-fit.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
/* For gettid: a thread's own priority on Linux. */
#define _GNU_SOURCE
#include "designer-fit.h"

#include <math.h>
#if defined(__linux__)
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "skc/fit.h"
#include "skc/kernel.h"

typedef struct
{
  guint job, generation;
  gint64 stamp;
  gboolean full;
  skc_image ink;
} Request;

/* What results in the main loop's queue need of their owner: whether it
 * still wants them.  Reference-counted, so late results find it. */
typedef struct
{
  SkcDesignerFitDone done;
  gpointer user_data;
  gboolean alive; /* main thread only */
} Channel;

struct SkcDesignerFit
{
  const skc_photo_set *photos;
  Channel *channel;
  GThread *thread;
  GMutex lock;
  GCond wake;
  Request *waiting;       /* under lock */
  gboolean running, quit; /* under lock */
  gint cancel;            /* for the running fit: g_atomic_int only */
  guint next_job;
};

typedef struct
{
  Channel *channel;
  SkcDesignerFitResult *result;
} Delivery;

static void
request_free (Request *r)
{
  if (!r)
    return;
  skc_image_free (&r->ink);
  g_free (r);
}

static void
result_free (SkcDesignerFitResult *r)
{
  skc_image_free (&r->effective);
  skc_image_free (&r->difference);
  skc_filter_free (r->filter);
  g_free (r->message);
  g_free (r);
}

static gboolean
deliver (gpointer data)
{
  Delivery *d = data;
  if (d->channel->alive)
    d->channel->done (d->result, d->channel->user_data);
  result_free (d->result);
  g_rc_box_release (d->channel);
  g_free (d);
  return G_SOURCE_REMOVE;
}

/* The effective kernel and the difference on the target's grid, in units
 * of the target's peak (how the designer shows them). */
static skc_result
views (const skc_image *effective, const skc_image *target,
       SkcDesignerFitResult *r)
{
  gint n = target->width, ew = effective->width, eh = effective->height;
  if (skc_image_alloc (&r->effective, n, n, 1) != SKC_OK
      || skc_image_alloc (&r->difference, n, n, 1) != SKC_OK)
    return SKC_ERR_OUT_OF_MEMORY;
  float peak = 0;
  for (gint i = 0; i < n * n; i++)
    peak = MAX (peak, target->data[i]);
  for (gint y = 0; y < n; y++)
    for (gint x = 0; x < n; x++)
      {
        gint ex = x - n / 2 + ew / 2, ey = y - n / 2 + eh / 2;
        float e = ex >= 0 && ey >= 0 && ex < ew && ey < eh
                      ? *skc_image_pixel (effective, ex, ey)
                      : 0.0f;
        *skc_image_pixel (&r->effective, x, y) = e / peak;
        *skc_image_pixel (&r->difference, x, y)
            = (e - *skc_image_pixel (target, x, y)) / peak;
      }
  return SKC_OK;
}

/* The worker's part: fit, render, measure. */
static void
work (SkcDesignerFit *f, Request *q, SkcDesignerFitResult *r)
{
  gint64 start = g_get_monotonic_time ();
  skc_error err = { { 0 } };
  skc_image target = { 0 }, effective = { 0 };
  skc_fit_options opts;
  r->image_psnr = r->kernel_snr = r->kernel_error = NAN;
  skc_fit_options_init (&opts);
  opts.preview = !q->full;
  opts.cancel = &f->cancel;
  /* The metrics compare against the normalised target, as the benchmark
     does; the fit normalises its own copy the same way. */
  r->result = skc_image_copy (&q->ink, &target);
  if (r->result == SKC_OK)
    r->result = skc_kernel_normalise (&target, &err);
  if (r->result == SKC_OK)
    r->result = skc_fit (&target, &opts, &r->filter, NULL, &err);
  if (r->result == SKC_OK
      && skc_filter_render (r->filter, &effective) != SKC_OK)
    r->result = skc_fail (&err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r->result == SKC_OK && g_atomic_int_get (&f->cancel))
    r->result = SKC_ERR_CANCELLED;
  if (r->result == SKC_OK)
    {
      r->kernel_error = skc_kernel_error (&effective, &target);
      r->kernel_snr = skc_kernel_snr_db (r->kernel_error);
      if (f->photos)
        r->image_psnr = skc_photo_set_psnr (f->photos, &effective, &target);
      r->result = views (&effective, &target, r);
    }
  if (r->result != SKC_OK && r->result != SKC_ERR_CANCELLED)
    r->message
        = g_strdup (err.message[0] ? err.message : skc_strerror (r->result));
  r->seconds = (g_get_monotonic_time () - start) / 1e6;
  skc_image_free (&target);
  skc_image_free (&effective);
}

/* Fits yield to the user interface: the worker (and the fit's threads,
 * which inherit it) runs at a lower priority, so the main loop gets a core
 * as soon as it wakes up even when every core fits. */
#define WORKER_NICENESS 5

static gpointer
worker (gpointer data)
{
  SkcDesignerFit *f = data;
#if defined(__linux__)
  /* Per thread on Linux; elsewhere the fits share the priority. */
  setpriority (PRIO_PROCESS, (id_t) gettid (), WORKER_NICENESS);
#endif
  g_mutex_lock (&f->lock);
  for (;;)
    {
      while (!f->waiting && !f->quit)
        g_cond_wait (&f->wake, &f->lock);
      if (f->quit)
        break;
      Request *q = f->waiting;
      f->waiting = NULL;
      f->running = TRUE;
      /* Reset under the lock: a cancel meant for this request can only
         come after it. */
      g_atomic_int_set (&f->cancel, 0);
      g_mutex_unlock (&f->lock);

      SkcDesignerFitResult *r = g_new0 (SkcDesignerFitResult, 1);
      r->job = q->job;
      r->generation = q->generation;
      r->stamp = q->stamp;
      r->full = q->full;
      work (f, q, r);
      request_free (q);
      Delivery *d = g_new (Delivery, 1);
      d->channel = g_rc_box_acquire (f->channel);
      d->result = r;
      g_idle_add (deliver, d);

      g_mutex_lock (&f->lock);
      f->running = FALSE;
    }
  g_mutex_unlock (&f->lock);
  return NULL;
}

SkcDesignerFit *
skc_designer_fit_new (const skc_photo_set *photos, SkcDesignerFitDone done,
                      gpointer user_data)
{
  SkcDesignerFit *f = g_new0 (SkcDesignerFit, 1);
  f->photos = photos;
  f->channel = g_rc_box_new0 (Channel);
  f->channel->done = done;
  f->channel->user_data = user_data;
  f->channel->alive = TRUE;
  g_mutex_init (&f->lock);
  g_cond_init (&f->wake);
  f->thread = g_thread_new ("skc-designer-fit", worker, f);
  return f;
}

guint
skc_designer_fit_start (SkcDesignerFit *f, const skc_image *ink, gboolean full,
                        guint generation, gint64 stamp, gboolean cancel_running)
{
  Request *q = g_new0 (Request, 1);
  q->job = ++f->next_job;
  q->generation = generation;
  q->stamp = stamp;
  q->full = full;
  if (skc_image_copy (ink, &q->ink) != SKC_OK)
    g_error ("skc designer: out of memory");
  g_mutex_lock (&f->lock);
  request_free (f->waiting);
  f->waiting = q;
  if (f->running && cancel_running)
    g_atomic_int_set (&f->cancel, 1);
  g_cond_signal (&f->wake);
  g_mutex_unlock (&f->lock);
  /* q belongs to the worker now (it may be done with it already). */
  return f->next_job;
}

void
skc_designer_fit_cancel (SkcDesignerFit *f)
{
  g_mutex_lock (&f->lock);
  g_clear_pointer (&f->waiting, request_free);
  if (f->running)
    g_atomic_int_set (&f->cancel, 1);
  g_mutex_unlock (&f->lock);
}

void
skc_designer_fit_free (SkcDesignerFit *f)
{
  if (!f)
    return;
  g_mutex_lock (&f->lock);
  g_clear_pointer (&f->waiting, request_free);
  f->quit = TRUE;
  g_atomic_int_set (&f->cancel, 1);
  g_cond_signal (&f->wake);
  g_mutex_unlock (&f->lock);
  g_thread_join (f->thread);
  f->channel->alive = FALSE;
  g_rc_box_release (f->channel);
  g_mutex_clear (&f->lock);
  g_cond_clear (&f->wake);
  g_free (f);
}
