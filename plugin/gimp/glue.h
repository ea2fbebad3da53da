/* skc — what the shared code (the blur of procedure.c, the dialog) needs
 * from libgimp that GIMP 2.10 and GIMP 3 spell differently (ids in 2.10,
 * objects in 3).  Implemented once per GIMP version
 * (plugin/gimp/gimp2/glue2.c, plugin/gimp/gimp3/glue3.c); images and
 * drawables travel as ids.  Main thread only, like all of libgimp.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GIMP_GLUE_H
#define SKC_GIMP_GLUE_H

#include <gegl.h>
#include <gtk/gtk.h>

#include "settings.h"

G_BEGIN_DECLS

/* The blur (skc_gimp_blur_drawable). */
gboolean skc_gimp_glue_is_indexed (gint32 drawable);
/* Whether `item` is a layer, channel or mask of `image`. */
gboolean skc_gimp_glue_is_drawable_of (gint32 item, gint32 image);
/* The part of the drawable the selection covers, in the drawable's
 * coordinates; FALSE when the selection misses it. */
gboolean skc_gimp_glue_mask_intersect (gint32 drawable, GeglRectangle *area);
GeglBuffer *skc_gimp_glue_shadow_buffer (gint32 drawable);
/* Merges the shadow buffer into the drawable (one undo step) and redraws
 * `area`. */
void skc_gimp_glue_merge_shadow (gint32 drawable, const GeglRectangle *area);
/* The image's selection as a channel id, or -1 when nothing is selected. */
gint32 skc_gimp_glue_selection (gint32 image);
/* As skc_gimp_glue_merge_shadow, over the whole drawable whatever the
 * selection (a merge keeps what the selection leaves out): the selection
 * is saved, dropped for the merge and restored, in the caller's undo
 * group. */
void skc_gimp_glue_merge_shadow_unmasked (gint32 image, gint32 drawable,
                                          const GeglRectangle *area);

/* Whether OK may keep a uniform blur of the drawable as an editable layer
 * effect (GIMP 3: a layer, and GIMP finds the module's skc:bokeh-blur;
 * never in GIMP 2.10, which has no effects).  Call after gegl_init. */
gboolean skc_gimp_glue_effect_possible (gint32 drawable);
/* One short line for the dialog: where OK's blur goes (an effect, or the
 * pixels and why); NULL in GIMP 2.10, where it always goes into the
 * pixels. */
const gchar *skc_gimp_glue_effect_note (gint32 drawable, gboolean with_map);

/* Where the dialog's values live, read and written one procedure
 * argument (skc_gimp_args) at a time: in GIMP 3 the procedure's
 * GimpProcedureConfig itself (its properties are the arguments, and GIMP
 * keeps it after a successful interactive run only), in GIMP 2.10 the
 * SkcGimpSettings that gimp_get_data and gimp_set_data keep.  Numbers,
 * choices (their index), booleans (0 or 1) and the map (a drawable id, -1
 * for none) go as doubles; the shape spec and the preset as text. */
typedef struct SkcGimpValues SkcGimpValues;
gdouble skc_gimp_values_get (SkcGimpValues *values, const SkcGimpArg *arg);
void skc_gimp_values_set (SkcGimpValues *values, const SkcGimpArg *arg,
                          gdouble value);
/* The text of a SPEC or PATH argument (free it). */
gchar *skc_gimp_values_dup_text (SkcGimpValues *values, const SkcGimpArg *arg);
void skc_gimp_values_set_text (SkcGimpValues *values, const SkcGimpArg *arg,
                               const gchar *text);
/* All of them at once, as the blur and the preview's threads take them. */
void skc_gimp_values_read (SkcGimpValues *values, SkcGimpSettings *out);

/* A GimpIntComboBox of the image's drawables (layers, channels, masks),
 * values being drawable ids. */
GtkWidget *skc_gimp_glue_drawable_combo_new (gint32 image);
/* A GimpDrawablePreview of the drawable. */
GtkWidget *skc_gimp_glue_preview_new (gint32 drawable);
/* The drawable's pixels (a new reference) and its offsets in the image. */
GeglBuffer *skc_gimp_glue_buffer (gint32 drawable);
void skc_gimp_glue_offsets (gint32 drawable, gint *x, gint *y);

/* A button that opens GIMP's own brush chooser; each brush picked is
 * handed over as its mask (0..1, width x height, row by row). */
typedef void (*SkcGimpBrushPicked) (const float *mask, gint width, gint height,
                                    gpointer data);
GtkWidget *skc_gimp_glue_brush_button_new (SkcGimpBrushPicked picked,
                                           gpointer data);

G_END_DECLS

#endif
