/* skc — what the kernel designer's files share: the widget's state.  The
 * widget (edits, fits, API) lives in designer.c, its canvas and pointer in
 * designer-canvas.c, its controls in designer-controls.c, how grids are
 * painted on screen in designer-view.c, the drawing and its history in
 * designer-paint.c and the background fits in designer-fit.c.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_UI_DESIGNER_PRIVATE_H
#define SKC_UI_DESIGNER_PRIVATE_H

#include "compat.h"
#include "designer-fit.h"
#include "designer-paint.h"
#include "designer.h"
#include "skc/params.h"

G_BEGIN_DECLS

typedef struct _SkcDesigner SkcDesigner;

#define SKC_DESIGNER(o)                                                        \
  (G_TYPE_CHECK_INSTANCE_CAST ((o), SKC_TYPE_DESIGNER, SkcDesigner))

/* The controls, so that setters called from code keep them in step. */
typedef struct
{
  GtkWidget *tools[4]; /* radio buttons, by SkcDesignerTool */
  GtkWidget *undo, *redo;
  GtkAdjustment *size, *hardness, *opacity;
  GtkWidget *mirror_x, *mirror_y;
  GtkAdjustment *n_fold;
  GtkWidget *shape_combo, *load;
  /* The shape keys' values, by parameter table row (NULL for the
     other rows). */
  GtkAdjustment *keys[SKC_PARAM_COUNT];
  GtkWidget *shape_pages; /* the keys of each shape menu entry */
  GtkWidget *hint;        /* what the tool does */
} SkcDesignerControls;

struct _SkcDesigner
{
  SkcUiVBox parent;
  const skc_photo_set *photos;
  SkcPaint *paint;
  SkcDesignerControls controls;
  gboolean syncing; /* controls being set from code */
  GtkWidget *canvas, *fitted_view, *difference_view;
  GtkWidget *figures, *status;

  /* Tools */
  SkcDesignerTool tool;
  SkcBrush brush; /* ink and opacity set per tool */
  gboolean pointer_in;
  gdouble pointer_u, pointer_v;
  GArray *polygon_u, *polygon_v; /* vertices clicked so far */
  gboolean shape_edit;           /* the drawing is the shape of the controls */
  gboolean shape_step_open;      /* its undo step takes more shape edits */
  skc_shape shape;               /* the shape shown in the controls */

  /* Loader */
  SkcDesignerLoader loader;
  gpointer loader_data;
  GDestroyNotify loader_destroy;
  gchar **loader_patterns;

  /* Fits */
  SkcDesignerFit *fit;
  guint generation;   /* of the target; bumped on every change */
  gint64 changed_at;  /* when the newest change happened */
  gint64 stale_since; /* the figures shown lag the drawing since
                         then, or 0 */
  guint preview_timer, full_timer;
  guint last_job;                  /* newest request */
  gboolean job_pending;            /* last_job not yet answered */
  gboolean job_protected;          /* it may not be cancelled by changes */
  guint job_generation;            /* the drawing it fits */
  skc_image effective, difference; /* of the last fit shown */
  skc_filter *filter;              /* last full fit, for `generation` */
  SkcDesignerFigures figures_shown;
};

/* designer-controls.c */
GtkWidget *skc_designer_controls_new (SkcDesigner *d);
GtkWidget *skc_designer_shape_controls_new (SkcDesigner *d);
void skc_designer_controls_sync (SkcDesigner *d);

/* designer-view.c: grids on screen.  A grid fills the widget's largest
 * centred square, cells being squares of `cell` px from (x0, y0). */
typedef struct
{
  gdouble cell, x0, y0;
} SkcGridGeometry;

void skc_designer_view_geometry (GtkWidget *widget, gint size,
                                 SkcGridGeometry *g);
/* Ink 0..1 (target, effective) white on black, perceptually spaced. */
void skc_designer_view_paint_ink (cairo_t *cr, const SkcGridGeometry *g,
                                  const skc_image *ink);
/* Signed values: red where above 0, blue where below, `gain` x. */
void skc_designer_view_paint_signed (cairo_t *cr, const SkcGridGeometry *g,
                                     const skc_image *values, gdouble gain);
/* Faint cell lines (when cells are large enough) and the centre. */
void skc_designer_view_paint_grid (cairo_t *cr, const SkcGridGeometry *g,
                                   gint size);

/* designer-canvas.c: the canvas, which the pointer draws on, and the views
 * of the fitted kernel and its difference beside it (`side` px square). */
GtkWidget *skc_designer_canvas_new (SkcDesigner *d, gint side);
GtkWidget *skc_designer_side_view_new (SkcDesigner *d, gint side);
/* Forgets the corners of the polygon being clicked. */
void skc_designer_polygon_reset (SkcDesigner *d);
/* The widget's key_press_event: undo, redo, closing the polygon. */
gboolean skc_designer_key_press (GtkWidget *widget, GdkEventKey *event);

/* designer.c, for the controls and the canvas */
void skc_designer_shape_changed (SkcDesigner *d);
void skc_designer_choose_file (SkcDesigner *d);
void skc_designer_update_history_buttons (SkcDesigner *d);
/* After an edit of the ink; `done` when it is complete (not mid-stroke). */
void skc_designer_edited (SkcDesigner *d, gboolean done, gboolean is_shape);

G_END_DECLS

#endif
