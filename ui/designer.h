/* skc — the kernel designer: a widget on which the user draws a bokeh
 * shape (the target kernel) cell by cell, or starts from a built-in shape,
 * an image file or any array of weights, and sees beside it the kernel
 * skc actually fits to it and the difference, with the fidelity figures of
 * `skc bench fit` (image PSNR on the protocol photos, kernel SNR) kept up
 * to date: a quick preview fit in a background thread after every change,
 * the full-quality fit once the user pauses.
 *
 * GTK 2 or GTK 3 (through compat.h) and the skc core only, no libgimp: the
 * plug-in feeds GIMP brushes in with skc_designer_set_target and images
 * through a loader of its own (skc_designer_set_loader).  Main thread
 * only, like all of GTK.
 *
 * Signals:
 *   "changed" (GtkWidget *designer): the target changed by an edit that is
 *     complete (a stroke released, a fill, a polygon, clear, invert, undo,
 *     redo, a shape, an image, set_target).
 *   "fitted" (GtkWidget *designer, gboolean full): new figures are shown
 *     (skc_designer_get_figures); full is TRUE for a full-quality fit.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_DESIGNER_H
#define SKC_UI_DESIGNER_H

#include <gtk/gtk.h>

#include "skc/filter.h"
#include "skc/image.h"
#include "skc/kernel.h"
#include "skc/metrics.h"

G_BEGIN_DECLS

#define SKC_TYPE_DESIGNER (skc_designer_get_type ())
#define SKC_IS_DESIGNER(o) (G_TYPE_CHECK_INSTANCE_TYPE ((o), SKC_TYPE_DESIGNER))

/* The grid the designer starts with (cells per side), and the range of
 * skc_designer_set_size. */
#define SKC_DESIGNER_DEFAULT_SIZE 65
#define SKC_DESIGNER_MIN_SIZE 9
#define SKC_DESIGNER_MAX_SIZE 129

typedef enum
{
  SKC_DESIGNER_TOOL_BRUSH,  /* drag: paint ink */
  SKC_DESIGNER_TOOL_ERASER, /* drag: remove ink */
  SKC_DESIGNER_TOOL_FILL,   /* click: fill the region of similar ink */
  SKC_DESIGNER_TOOL_POLYGON /* click vertices; click the first one,
                               double-click, right-click or Enter fills */
} SkcDesignerTool;

/* The fidelity of the last fit shown.  The figures are those of
 * `skc bench fit` for the same target and options: kernel SNR from
 * skc_kernel_error, image PSNR from skc_photo_set_psnr on the caller's
 * photos. */
typedef struct
{
  gboolean valid;       /* a fit has been shown */
  gboolean full;        /* it was the full-quality fit (else a preview) */
  gboolean current;     /* it was made for the target as it is now */
  gdouble image_psnr;   /* dB; NAN without photos */
  gdouble kernel_snr;   /* dB */
  gdouble kernel_error; /* ||E - T|| / ||T|| */
  gdouble seconds;      /* the fit's time in the worker */
  gdouble latency;      /* s from the change it fitted to it being shown */
  gint taps;            /* samples of the fitted filter */
  guint previews_shown, fulls_shown; /* counts since creation */
} SkcDesignerFigures;

/* Reads an image file into weights (1 channel, any size; alpha or
 * luminance, as the front end decides).  Main thread. */
typedef gboolean (*SkcDesignerLoader) (const gchar *path, skc_image *weights,
                                       GError **error, gpointer user_data);

GType skc_designer_get_type (void) G_GNUC_CONST;
/* A designer showing a disc.  `photos` (NULL: kernel SNR only) is the
 * set image PSNR is measured on (the protocol's: astronaut, coffee,
 * rocket); it must outlive the widget. */
GtkWidget *skc_designer_new (const skc_photo_set *photos);

/* The target: `size` x `size` cells, centred, the raw ink the user drew,
 * 0..1 per cell (not normalised: a kernel is this divided by its sum, as
 * skc_kernel_normalise does).  Valid until the next change. */
const skc_image *skc_designer_get_target (GtkWidget *designer);
/* Replaces the target by `values` (width x height floats, row by row;
 * "ink = weight"), scaled so that its peak is 1.  The same size as the
 * grid is taken cell for cell; any other size is area-resampled to fit
 * inside the grid with a one-cell margin, centred.  Negative and
 * non-finite values count as 0.  One undo step.  Returns FALSE (and
 * changes nothing) for an empty or all-zero array. */
gboolean skc_designer_set_target (GtkWidget *designer, const float *values,
                                  int width, int height);
/* Renders a built-in shape (not SKC_SHAPE_FILE) over the grid with radius
 * size / 2 - 1.5 cells (the benchmark's geometry: 22.5 at 49 cells) and
 * shows its parameters in the "Start from" controls.  One undo step. */
gboolean skc_designer_set_shape (GtkWidget *designer, const skc_shape *shape);
/* Loads an image file through the loader (see set_loader) as a target. */
gboolean skc_designer_load_file (GtkWidget *designer, const gchar *path,
                                 GError **error);
/* The loader for "Load image…" and load_file.  The default reads PFM and
 * PNM with the core (skc_values_read).  `patterns` (NULL-terminated, may
 * be NULL: all files) filter the file chooser. */
void skc_designer_set_loader (GtkWidget *designer, SkcDesignerLoader loader,
                              gpointer user_data, GDestroyNotify destroy,
                              const gchar *const *patterns);
/* Cells per side (odd, SKC_DESIGNER_MIN_SIZE .. MAX_SIZE): the drawing is
 * resampled to it.  One undo step. */
void skc_designer_set_size (GtkWidget *designer, int size);
int skc_designer_get_size (GtkWidget *designer);

/* Edits, as the buttons make them (each one undo step). */
void skc_designer_clear (GtkWidget *designer);
void skc_designer_invert (GtkWidget *designer);
gboolean skc_designer_undo (GtkWidget *designer);
gboolean skc_designer_redo (GtkWidget *designer);

/* Tools, brush and symmetry, as the controls set them.  Sizes in cells. */
void skc_designer_set_tool (GtkWidget *designer, SkcDesignerTool tool);
void skc_designer_set_brush (GtkWidget *designer, double size, double hardness,
                             double opacity);
/* mirror_x: left <-> right; mirror_y: top <-> bottom; n_fold 1..16
 * rotational copies about the centre. */
void skc_designer_set_symmetry (GtkWidget *designer, gboolean mirror_x,
                                gboolean mirror_y, int n_fold);

/* The last fit shown. */
void skc_designer_get_figures (GtkWidget *designer,
                               SkcDesignerFigures *figures);
/* The last full-quality filter for the current target, or NULL (a fit is
 * pending or running); owned by the designer. */
const skc_filter *skc_designer_get_filter (GtkWidget *designer);
/* Whether a fit is waiting, running or scheduled. */
gboolean skc_designer_is_fitting (GtkWidget *designer);

/* The drawing canvas (it receives the pointer) and the mapping between
 * its coordinates and cell coordinates relative to the centre cell (u to
 * the right, v down; cell centres at whole numbers).  For tests and for
 * callers drawing marks of their own. */
GtkWidget *skc_designer_get_canvas (GtkWidget *designer);
void skc_designer_cell_to_canvas (GtkWidget *designer, double u, double v,
                                  double *x, double *y);
void skc_designer_canvas_to_cell (GtkWidget *designer, double x, double y,
                                  double *u, double *v);

G_END_DECLS

#endif
