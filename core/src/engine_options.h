/* skc — what tests and measurements may change in how an engine is
 * planned, without a global or the environment: options passed to
 * skc_engine_new_with.  Private (tests include it); skc_engine_new always
 * runs the defaults.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_ENGINE_OPTIONS_H
#define SKC_ENGINE_OPTIONS_H

#include "skc/apply.h"

typedef struct
{
  /* Blur maps of flat shapes up to this radius (px) run on knots tables
     on every scale; larger ones on tables at full resolution and the DISK
     basis above (the planner's rule).  Negative: always the DISK basis;
     1000 (the largest radius) or more: always tables. */
  double knots_map_max_radius;
  /* A blur map on tables runs every radius at full resolution when
     fitting its tables takes at most this much work (skc_knots_fit_work
     steps, counted as the planner does), else on the pyramid's scales.
     0: always the pyramid. */
  double map_tables_work_max;
  /* 1: a blur map whose knots tables cannot hold every radius on one
     scale runs on radius levels where a ladder reaches the floor (the
     planner's rule); 0: never (the tables on the pyramid or the basis
     run instead). */
  int map_levels;
  /* Depth-aware blur's and radius levels' output tile side (px, at least
     1). */
  int layers_tile;
  /* 1: depth-aware blur gathers with the map where the depth is smooth
     and no edge is near (engine_layers.c), 0: layers everywhere. */
  int layers_gather;
  /* Uniform blurs weigh the FFT's cost by this factor (1: as it is): the
     depth layers' engines prefer knots, whose reach is the kernel's
     (an FFT cell reads far beyond it, and a tile builds its layers over
     all a blur reads). */
  double fft_cost_factor;
  /* > 0: uniform blurs by FFT work on cells this side (px) instead of the
     planner's (6 half-widths, at least 448): the depth layers' engines
     take their tiles' side, so that a tile is one cell and reads a
     half-width around it rather than a large cell's far side. */
  int fft_cell;
  /* The values a blur map may hold (as read, 0..1), when few: the
     caller's array, read while the engine is made (skc_engine_new_for_map);
     NULL: any value. */
  const float *map_values;
  int map_value_count;
  /* Not 0: knots per angle (swirl, cat-eye) always blend steps per pixel
     along these axes (SKC_ANGLES_BLEND_ANGLE, and for cat-eye
     SKC_ANGLES_BLEND_AMOUNT; skc_knots_angles_scale's blend); 0: only
     where the nearest steps are too many (the planner's rule: angles, then
     cat-eye's amounts too). */
  int angles_blend;
} skc_engine_options;

/* The defaults (planner.c). */
void skc_engine_options_init (skc_engine_options *options);

/* skc_engine_new with options (NULL: the defaults). */
skc_result skc_engine_new_with (const skc_params *p, int with_map,
                                const skc_engine_options *options,
                                const skc_run *run, skc_engine **out,
                                skc_error *err);

#endif
