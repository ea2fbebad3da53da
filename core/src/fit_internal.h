/* skc — what the fitters share: parameters as point arrays, inits, the
 * evaluation of a point set's loss.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FIT_INTERNAL_H
#define SKC_FIT_INTERNAL_H

#include "cascade.h"
#include "internal.h"
#include "loss.h"
#include "skc/fit.h"

/* Everything one fitting run needs, owned by one thread. */
typedef struct
{
  skc_cascade cascade;
  skc_loss loss;
  int total; /* points */
} skc_fit_workspace;

int skc_fit_workspace_init (skc_fit_workspace *ws, const skc_image *target,
                            int layers, const int *count,
                            skc_offset_kind offsets);
void skc_fit_workspace_free (skc_fit_workspace *ws);

/* Loss of a point set; with grad != NULL also its gradient.  Negative on
 * allocation failure. */
double skc_fit_evaluate (skc_fit_workspace *ws, const skc_point *points,
                         skc_point *grad);

/* Fills points (layer-major) with the given initialisation. */
void skc_fit_initialise (const skc_image *target, skc_init init, int layers,
                         const int *count, skc_rng *rng, skc_point *points);

/* Largest |offset| a fit may use: the target's half side plus a margin. */
double skc_fit_offset_bound (const skc_image *target);

/* Scales each layer's weights to sum 1 (the kernel's sum is then 1). */
void skc_fit_normalise_layers (skc_point *points, int layers, const int *count);

skc_filter *skc_fit_points_to_filter (const skc_point *points, int layers,
                                      const int *count,
                                      skc_offset_kind offsets);

int skc_fit_cancelled (const skc_fit_options *opts);

skc_result skc_fit_disk (const skc_image *target, const skc_fit_options *opts,
                         skc_filter **out, skc_fit_report *report,
                         skc_error *err);
skc_result skc_fit_pst (const skc_image *target, const skc_fit_options *opts,
                        skc_filter **out, skc_fit_report *report,
                        skc_error *err);
skc_result skc_fit_lowrank (const skc_image *target,
                            const skc_fit_options *opts, skc_filter **out,
                            skc_fit_report *report, skc_error *err);

/* Default Adam steps of a disk fit (the pst budget is derived from it). */
int skc_fit_disk_default_evaluations (const skc_fit_options *opts);

#endif
