/* skc — the exact impulse response of a sparse kernel complex and its
 * gradient, in double precision, for the fitters and for rendering.
 *
 * A layer's samples are splatted into taps (4 bilinear corners, or 1 for
 * whole-pixel offsets); the impulse response is the convolution of the
 * layers' tap sets, built layer by layer on growing dense grids.  Backward,
 * the gradient flows from the last grid to every tap and then to each
 * sample's offset and weight.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_CASCADE_H
#define SKC_CASCADE_H

#include "skc/filter.h"

/* A dense grid over [x0, x0 + width) x [y0, y0 + height), y down. */
typedef struct
{
  int x0, y0, width, height;
  double *v;
  size_t capacity;
} skc_grid;

/* One sample of a complex, in PSF coordinates (its impulse response lands
 * at (x, y)). */
typedef struct
{
  double x, y, w;
} skc_point;

typedef struct
{
  int layers;
  int count[SKC_MAX_LAYERS];
  skc_offset_kind offsets;

  /* Taps of each layer: up to 4 per sample. */
  int tap_count[SKC_MAX_LAYERS];
  int *tap_x[SKC_MAX_LAYERS], *tap_y[SKC_MAX_LAYERS];
  double *tap_c[SKC_MAX_LAYERS];
  double *tap_g[SKC_MAX_LAYERS]; /* gradient per tap */

  skc_grid partial[SKC_MAX_LAYERS]; /* partial[l] = layers 0..l convolved */
  skc_grid back[2];                 /* gradient w.r.t. a partial product */
} skc_cascade;

/* Allocates workspace for `layers` layers of count[l] samples. */
int skc_cascade_init (skc_cascade *c, int layers, const int *count,
                      skc_offset_kind offsets);
void skc_cascade_free (skc_cascade *c);

/* Impulse response of the points (layer-major, count[l] per layer); the
 * result is c->partial[layers - 1].  Returns 0 on allocation failure. */
int skc_cascade_forward (skc_cascade *c, const skc_point *points);

/* Given dloss/dE on the grid of the last forward pass, writes the gradient
 * w.r.t. every point (x, y, w); for whole-pixel offsets only w. */
int skc_cascade_backward (skc_cascade *c, const skc_point *points,
                          const double *grad_e, skc_point *grad);

/* Grid helpers. */
int skc_grid_reserve (skc_grid *g, int x0, int y0, int width, int height);
void skc_grid_free (skc_grid *g);

#endif
