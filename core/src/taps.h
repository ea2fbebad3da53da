/* skc — a complex layer as the apply engine runs it: whole-pixel offsets
 * with float coefficients (a bilinear sample becomes up to four taps).
 * render and apply both start from these, so the rendered kernel is the
 * applied one.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TAPS_H
#define SKC_TAPS_H

#include "skc/filter.h"

typedef struct
{
  int count;
  int *dx, *dy; /* impulse response position of each tap */
  float *c;
  int reach; /* max |dx|, |dy| */
} skc_layer_taps;

/* Builds the taps of one layer (zero coefficients dropped). */
int skc_layer_taps_build (const skc_filter *f, int layer, skc_layer_taps *t);
void skc_layer_taps_free (skc_layer_taps *t);
/* A knots filter's knots as taps on its prefix-sum image: tap (dx, dy, c)
 * adds c * S (x - dx, y - dy), line by line, knots in order.  reach is
 * size / 2 + 1 (the knot that closes a line sits one past its end). */
int skc_knot_taps_build (const skc_filter *f, skc_layer_taps *t);

#endif
