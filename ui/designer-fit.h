/* skc — the kernel designer's background fits: one worker thread fits the
 * newest drawing it was given (a quick preview or the full-quality fit),
 * measures it as `skc bench fit` does and hands the result to the main
 * loop.  A newer request replaces one still waiting and may cancel the one
 * running (the fit watches an atomic flag between its steps).  GTK is
 * never called from the worker.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_DESIGNER_FIT_H
#define SKC_UI_DESIGNER_FIT_H

#include <glib.h>

#include "skc/filter.h"
#include "skc/image.h"
#include "skc/metrics.h"

G_BEGIN_DECLS

typedef struct
{
  guint job;        /* the request's number (skc_designer_fit_start) */
  guint generation; /* the caller's tags for the drawing fitted */
  gint64 stamp;
  gboolean full;     /* full quality, else a preview */
  skc_result result; /* SKC_ERR_CANCELLED: nothing else is set */
  gchar *message;    /* why it failed, when it did */
  /* Both size x size like the drawing, in units of the target's peak:
     the effective kernel (the filter's impulse response, centred) and
     effective - target. */
  skc_image effective;
  skc_image difference;
  gdouble image_psnr;   /* dB, NAN without photos */
  gdouble kernel_snr;   /* dB */
  gdouble kernel_error; /* ||E - T|| / ||T|| */
  gdouble seconds;      /* fit and measures */
  skc_filter *filter;   /* the fitted filter; a callback may take it */
} SkcDesignerFitResult;

/* Main thread, from the main loop.  The result is freed after it
 * returns. */
typedef void (*SkcDesignerFitDone) (SkcDesignerFitResult *result,
                                    gpointer user_data);

typedef struct SkcDesignerFit SkcDesignerFit;

/* `photos` (may be NULL: no image PSNR) must outlive the object. */
SkcDesignerFit *skc_designer_fit_new (const skc_photo_set *photos,
                                      SkcDesignerFitDone done,
                                      gpointer user_data);
/* Fits `ink` (copied; any non-negative scale) with the preview options
 * (full FALSE) or the defaults `skc bench fit` uses for 4 x 24 DISK (full
 * TRUE).  A request still waiting is dropped; the running one is
 * cancelled if `cancel_running`.  Returns the request's number. */
guint skc_designer_fit_start (SkcDesignerFit *f, const skc_image *ink,
                              gboolean full, guint generation, gint64 stamp,
                              gboolean cancel_running);
/* Drops the waiting request and cancels the running one. */
void skc_designer_fit_cancel (SkcDesignerFit *f);
/* Cancels, waits for the worker to stop, drops undelivered results. */
void skc_designer_fit_free (SkcDesignerFit *f);

G_END_DECLS

#endif
