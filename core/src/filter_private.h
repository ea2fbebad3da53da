/* skc — the layout of skc_filter, shared by the core's own files only.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_FILTER_PRIVATE_H
#define SKC_FILTER_PRIVATE_H

#include "skc/filter.h"

struct skc_filter
{
  skc_filter_kind kind;
  skc_filter_info info;

  /* SKC_FILTER_COMPLEX */
  skc_offset_kind offsets;
  int layer_count;
  int layer_size[SKC_MAX_LAYERS];
  skc_sample *layer[SKC_MAX_LAYERS]; /* one allocation, layer[0] owns it */

  /* SKC_FILTER_LOWRANK: term k is column[k * size ...] x row[k * size ...] */
  int rank;
  int size; /* also the knots filter's side */
  float *column;
  float *row;

  /* SKC_FILTER_KNOTS: line i's knots are knot_pos / knot_w
     [knot_start[i], knot_start[i + 1]) */
  skc_knots_axis axis;
  int *knot_start; /* size + 1 */
  int *knot_pos;
  float *knot_w;
};

/* skc_kernel_error (rendered f, target), bit for bit, without drawing f
 * where it is a knots filter of the target's side (a blur map's tables
 * measure thousands of fits); NAN when it cannot be rendered. */
double skc_filter_kernel_error (const skc_filter *f, const skc_image *target);

#endif
