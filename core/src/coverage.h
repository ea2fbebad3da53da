/* skc — exact pixel coverage from signed polygon edges: each edge, cut at
 * pixel rows and columns, gives the pixel it crosses its signed height
 * times the part of the pixel right of it, and every pixel further right
 * in the row its whole signed height (a running sum).  Closed loops so
 * added give each pixel its exact area inside them, weighted; a shape's
 * outline and holes (shape.c) and a shape image's pixels turned as squares
 * (kernel.c) are drawn this way.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_COVERAGE_H
#define SKC_COVERAGE_H

#include <stddef.h>

typedef struct
{
  int size;      /* size x size pixels; pixel (c, r) spans [c, c + 1] x
                    [r, r + 1] */
  double *area;  /* per pixel */
  double *carry; /* per row, size + 1 entries: heights for the pixels right
                    of an edge */
} skc_coverage;

/* Zeroed buffers for size x size pixels; 0 when out of memory. */
int skc_coverage_init (skc_coverage *c, int size);
void skc_coverage_free (skc_coverage *c);

/* Adds the edge from (xa, ya) to (xb, yb), weighted: a loop turning
 * counter-clockwise on the screen (y down) with weight 1 covers its inside
 * by 1. */
void skc_coverage_add_edge (skc_coverage *c, double xa, double ya, double xb,
                            double yb, double weight);

/* Each pixel's weighted coverage, into c->area (the running sums added);
 * after this no edge may be added. */
void skc_coverage_resolve (skc_coverage *c);

#endif
