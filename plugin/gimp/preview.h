/* skc — the dialog's live preview: the drawable's visible part blurred in
 * background threads with the dialog's settings, debounced, restarted on
 * every change and never blocking the main loop.  libgimp is touched from
 * the main thread only (reading pixels, drawing); the threads fit and
 * blur.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_PREVIEW_H
#define SKC_GIMP_PREVIEW_H

#include <gtk/gtk.h>

#include "settings.h"

G_BEGIN_DECLS

typedef struct SkcGimpPreview SkcGimpPreview;

/* Drives `preview` (a GimpDrawablePreview of `drawable`); `status` is a
 * label that tells what the preview shows or why it cannot. */
SkcGimpPreview *skc_gimp_preview_new (GtkWidget *preview, GtkWidget *status,
                                      gint32 drawable);
/* Settings changed: a new preview follows shortly. */
void skc_gimp_preview_update (SkcGimpPreview *pv,
                              const SkcGimpSettings *settings);
/* Where a map painted in the dialog comes from (settings.map ==
 * SKC_GIMP_MAP_PAINTED): `painter`'s map, on the drawable's grid. */
void skc_gimp_preview_set_painter (SkcGimpPreview *pv, GtkWidget *painter);
/* The image's selection (a channel id, or -1 when nothing is selected):
 * the subject when settings.map is -1 with depth 'subject'. */
void skc_gimp_preview_set_selection (SkcGimpPreview *pv, gint32 selection);
/* With `log`, a line on stderr ("skc preview drawn: ...") tells whenever a
 * blurred preview reaches the screen (the dialog tests wait for it). */
void skc_gimp_preview_set_log (SkcGimpPreview *pv, gboolean log);
/* A click on the preview (pressed and released on one spot, not a drag
 * that scrolls it) at a point of the drawable shown: `picked` gets that
 * point in the drawable's coordinates.  Clicks beside the drawn pixels
 * pick nothing. */
typedef void (*SkcGimpPreviewPicked) (gint x, gint y, gpointer data);
void skc_gimp_preview_set_picked (SkcGimpPreview *pv,
                                  SkcGimpPreviewPicked picked, gpointer data);
/* Whether a click picks something now: a crosshair over the preview and
 * `tooltip` on it (NULL: the preview's own cursor, no tooltip). */
void skc_gimp_preview_set_picking (SkcGimpPreview *pv, const gchar *tooltip);
/* The blur map of the last settings given at a pixel of the drawable (x,
 * y: the drawable's coordinates), read as the preview and the blur read
 * it (a map drawable in image coordinates, 0 outside it, as Y' or, when
 * `linear`, Y; a painted map); FALSE when the settings have no map. */
gboolean skc_gimp_preview_map_value (SkcGimpPreview *pv, gint x, gint y,
                                     gboolean linear, gfloat *value);
/* Stops the work in flight; results still arriving are dropped. */
void skc_gimp_preview_free (SkcGimpPreview *pv);

G_END_DECLS

#endif
