/* skc — the apply engine's private parts: what an engine holds once
 * prepared, and the per-region processing (engine_tile.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_ENGINE_H
#define SKC_ENGINE_H

#include "skc/apply.h"
#include "taps.h"

/* Radius above which fits are not made directly: larger radii scale the
 * offsets of the fit at this radius. */
#define SKC_ENGINE_FIT_RADIUS_CAP 32.0

/* A pixel's blend between two basis members is quantised to this many
 * steps per member interval (members are 30 % apart in radius, so a step
 * is under 0.5 % of the radius: invisible).  Pixels of one level share
 * whole-pixel taps, so runs of them filter like a uniform blur. */
#define SKC_ENGINE_LEVELS 64

struct skc_engine
{
  skc_params params;
  int        with_map;

  /* Uniform blur: one filter. */
  skc_filter    *filter;
  skc_layer_taps taps[SKC_MAX_LAYERS];
  int            layer_reach[SKC_MAX_LAYERS]; /* also for the basis */
  int            layers;
  int            reach;

  /* Blur map: members[0] is the identity (radius 0), then fits at growing
     radii with corresponding samples; a pixel blends its two neighbours. */
  int          member_count;
  double      *member_radius;
  skc_filter **members;

  char description[512];
};

/* Processes one output tile; scratch is the caller's (per thread). */
typedef struct
{
  float *buffers[2];
  size_t capacity[2]; /* floats */
  int   *level;    /* per padded pixel, with a map */
  size_t level_capacity;
  skc_layer_taps **level_taps; /* per level, built on first use */
  int    level_count;
} skc_tile_scratch;

void skc_tile_scratch_free (skc_tile_scratch *s);

/* The blend level of a blur-map value, and the member pair and fraction
 * a level stands for. */
int  skc_engine_level (const skc_engine *engine, float map_value);
int  skc_engine_radius_level (const skc_engine *engine, double radius);
void skc_engine_level_blend (const skc_engine *engine, int level, int *member,
                             float *t);

int skc_engine_tile (const skc_engine *engine, const skc_apply_request *rq,
                     int x0, int y0, int width, int height,
                     skc_tile_scratch *scratch);

#endif
