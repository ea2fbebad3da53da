/* skc — complex layers as whole-pixel taps (see taps.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "taps.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"

int
skc_layer_taps_build (const skc_filter *f, int layer, skc_layer_taps *t)
{
  memset (t, 0, sizeof *t);
  int n = f->layer_size[layer];
  const skc_sample *s = f->layer[layer];
  t->dx = malloc (4 * (size_t) n * sizeof (int));
  t->dy = malloc (4 * (size_t) n * sizeof (int));
  t->c = malloc (4 * (size_t) n * sizeof (float));
  if (!t->dx || !t->dy || !t->c)
    {
      skc_layer_taps_free (t);
      return 0;
    }
  for (int i = 0; i < n; i++)
    {
      double fx = floor (s[i].dx), fy = floor (s[i].dy);
      double ax = s[i].dx - fx, ay = s[i].dy - fy;
      if (f->offsets == SKC_OFFSETS_INTEGER)
        ax = ay = 0;
      double cx[2] = { 1 - ax, ax }, cy[2] = { 1 - ay, ay };
      for (int k = 0; k < 4; k++)
        {
          float c = (float) (s[i].w * cx[k & 1] * cy[k >> 1]);
          if (c == 0)
            continue;
          int x = (int) fx + (k & 1), y = (int) fy + (k >> 1);
          t->dx[t->count] = x;
          t->dy[t->count] = y;
          t->c[t->count] = c;
          t->count++;
          int r = abs (x) > abs (y) ? abs (x) : abs (y);
          if (r > t->reach)
            t->reach = r;
        }
    }
  return 1;
}

int
skc_knot_taps_build (const skc_filter *f, skc_layer_taps *t)
{
  memset (t, 0, sizeof *t);
  int n = skc_filter_knot_count (f), half = f->size / 2;
  t->dx = malloc ((size_t) (n + 1) * sizeof (int));
  t->dy = malloc ((size_t) (n + 1) * sizeof (int));
  t->c = malloc ((size_t) (n + 1) * sizeof (float));
  if (!t->dx || !t->dy || !t->c)
    {
      skc_layer_taps_free (t);
      return 0;
    }
  for (int line = 0; line < f->size; line++)
    for (int k = f->knot_start[line]; k < f->knot_start[line + 1]; k++)
      {
        int along = f->knot_pos[k], across = line - half;
        t->dx[t->count] = f->axis == SKC_KNOTS_ROWS ? along : across;
        t->dy[t->count] = f->axis == SKC_KNOTS_ROWS ? across : along;
        t->c[t->count] = f->knot_w[k];
        t->count++;
      }
  t->reach = half + 1;
  return 1;
}

void
skc_layer_taps_free (skc_layer_taps *t)
{
  free (t->dx);
  free (t->dy);
  free (t->c);
  memset (t, 0, sizeof *t);
}
