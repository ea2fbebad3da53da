/* skc — exact pixel coverage from signed polygon edges (see coverage.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "coverage.h"

#include <math.h>
#include <stdlib.h>

int
skc_coverage_init (skc_coverage *c, int size)
{
  c->size = size;
  c->area = calloc ((size_t) size * size, sizeof *c->area);
  c->carry = calloc ((size_t) size * (size + 1), sizeof *c->carry);
  if (c->area && c->carry)
    return 1;
  skc_coverage_free (c);
  return 0;
}

void
skc_coverage_free (skc_coverage *c)
{
  free (c->area);
  free (c->carry);
  c->area = c->carry = NULL;
}

/* floor () inline: the baseline x86-64 this builds for has no rounding
 * instruction, and the library call was a third of an edge's time.  The
 * same value for coordinates in range (beyond 2^52, or NaN, the library's
 * own). */
static inline double
floor_of (double v)
{
  if (!(fabs (v) < 4503599627370496.0))
    return floor (v);
  const double i = (double) (long long) v;
  return i > v ? i - 1 : i;
}

static inline double
ceil_of (double v)
{
  return -floor_of (-v);
}

/* A closed loop's winding at a point counts its edges crossing the
 * point's row to the left, by direction.  A pixel's area inside is that
 * count integrated over the pixel, so each piece of an edge (cut at pixel
 * rows and columns; x is linear along it) gives its own pixel its signed
 * height times the part of the pixel's width right of it (exact at the
 * piece's middle), and every pixel further right in the row its whole
 * signed height: `carry`, summed along the row at the end. */
void
skc_coverage_add_edge (skc_coverage *c, double xa, double ya, double xb,
                       double yb, double weight)
{
  const int size = c->size;
  const double dx = xb - xa, dy = yb - ya;
  if (dy == 0)
    return; /* a horizontal edge spans no height */
  /* The next column and row boundaries the edge meets, as fractions t of
     its length. */
  double next_x = dx > 0 ? floor_of (xa) + 1 : ceil_of (xa) - 1;
  double next_y = dy > 0 ? floor_of (ya) + 1 : ceil_of (ya) - 1;
  double tx = dx != 0 ? (next_x - xa) / dx : INFINITY;
  double ty = (next_y - ya) / dy;
  for (double t = 0; t < 1;)
    {
      double t_end = fmin (fmin (tx, ty), 1);
      if (t_end > t)
        {
          double t_mid = (t + t_end) / 2;
          double x = xa + dx * t_mid, y = ya + dy * t_mid;
          double h = weight * dy * (t_end - t);
          double row = floor_of (y), col = floor_of (x);
          if (row >= 0 && row < size && col < size)
            {
              size_t at = (size_t) row * (size + 1);
              if (col < 0)
                c->carry[at] += h;
              else
                {
                  c->area[(size_t) row * size + (size_t) col]
                      += h * (col + 1 - x);
                  c->carry[at + (size_t) col + 1] += h;
                }
            }
        }
      t = t_end;
      if (tx <= ty)
        {
          next_x += dx > 0 ? 1 : -1;
          tx = (next_x - xa) / dx;
        }
      else
        {
          next_y += dy > 0 ? 1 : -1;
          ty = (next_y - ya) / dy;
        }
    }
}

void
skc_coverage_resolve (skc_coverage *c)
{
  const int size = c->size;
  for (int r = 0; r < size; r++)
    {
      double run = 0;
      for (int col = 0; col < size; col++)
        {
          run += c->carry[(size_t) r * (size + 1) + col];
          c->area[(size_t) r * size + col] += run;
        }
    }
}
