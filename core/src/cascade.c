/* skc — forward and backward passes through a sparse kernel complex
 * (see cascade.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cascade.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int
skc_grid_reserve (skc_grid *g, int x0, int y0, int width, int height)
{
  size_t need = (size_t) width * height;
  if (need > g->capacity)
    {
      double *v = realloc (g->v, need * sizeof *v);
      if (!v)
        return 0;
      g->v = v;
      g->capacity = need;
    }
  g->x0 = x0;
  g->y0 = y0;
  g->width = width;
  g->height = height;
  memset (g->v, 0, need * sizeof *g->v);
  return 1;
}

void
skc_grid_free (skc_grid *g)
{
  free (g->v);
  memset (g, 0, sizeof *g);
}

int
skc_cascade_init (skc_cascade *c, int layers, const int *count,
                  skc_offset_kind offsets)
{
  memset (c, 0, sizeof *c);
  c->layers = layers;
  c->offsets = offsets;
  for (int l = 0; l < layers; l++)
    {
      c->count[l] = count[l];
      size_t taps = 4 * (size_t) count[l];
      c->tap_x[l] = malloc (taps * sizeof (int));
      c->tap_y[l] = malloc (taps * sizeof (int));
      c->tap_c[l] = malloc (taps * sizeof (double));
      c->tap_g[l] = malloc (taps * sizeof (double));
      if (!c->tap_x[l] || !c->tap_y[l] || !c->tap_c[l] || !c->tap_g[l])
        {
          skc_cascade_free (c);
          return 0;
        }
    }
  return 1;
}

void
skc_cascade_free (skc_cascade *c)
{
  for (int l = 0; l < SKC_MAX_LAYERS; l++)
    {
      free (c->tap_x[l]);
      free (c->tap_y[l]);
      free (c->tap_c[l]);
      free (c->tap_g[l]);
      skc_grid_free (&c->partial[l]);
    }
  skc_grid_free (&c->back[0]);
  skc_grid_free (&c->back[1]);
  memset (c, 0, sizeof *c);
}

/* Splats a layer's samples into taps; returns the taps' bounding box.
 * Bilinear taps always keep all four corners (even with a zero
 * coefficient) so that tap i belongs to sample i / 4 in the backward
 * pass. */
static void
make_taps (skc_cascade *c, int l, const skc_point *pts, int *bx0, int *by0,
           int *bx1, int *by1)
{
  int n = 0;
  int x0 = 1 << 30, y0 = 1 << 30, x1 = -(1 << 30), y1 = -(1 << 30);
  for (int i = 0; i < c->count[l]; i++)
    {
      const skc_point *p = &pts[i];
      if (c->offsets == SKC_OFFSETS_INTEGER)
        {
          int ix = (int) lround (p->x), iy = (int) lround (p->y);
          c->tap_x[l][n] = ix;
          c->tap_y[l][n] = iy;
          c->tap_c[l][n] = p->w;
          n++;
          x0 = ix < x0 ? ix : x0, x1 = ix > x1 ? ix : x1;
          y0 = iy < y0 ? iy : y0, y1 = iy > y1 ? iy : y1;
          continue;
        }
      double fx = floor (p->x), fy = floor (p->y);
      double ax = p->x - fx, ay = p->y - fy;
      int ix = (int) fx, iy = (int) fy;
      double cx[2] = { 1 - ax, ax }, cy[2] = { 1 - ay, ay };
      for (int k = 0; k < 4; k++)
        {
          c->tap_x[l][n] = ix + (k & 1);
          c->tap_y[l][n] = iy + (k >> 1);
          c->tap_c[l][n] = p->w * cx[k & 1] * cy[k >> 1];
          n++;
        }
      x0 = ix < x0 ? ix : x0, x1 = ix + 1 > x1 ? ix + 1 : x1;
      y0 = iy < y0 ? iy : y0, y1 = iy + 1 > y1 ? iy + 1 : y1;
    }
  c->tap_count[l] = n;
  *bx0 = x0, *by0 = y0, *bx1 = x1, *by1 = y1;
}

int
skc_cascade_forward (skc_cascade *c, const skc_point *points)
{
  const skc_point *pts = points;
  for (int l = 0; l < c->layers; l++)
    {
      int x0, y0, x1, y1;
      make_taps (c, l, pts, &x0, &y0, &x1, &y1);
      pts += c->count[l];
      skc_grid *out = &c->partial[l];
      if (l == 0)
        {
          if (!skc_grid_reserve (out, x0, y0, x1 - x0 + 1, y1 - y0 + 1))
            return 0;
          for (int t = 0; t < c->tap_count[0]; t++)
            out->v[(size_t) (c->tap_y[0][t] - y0) * out->width
                   + (c->tap_x[0][t] - x0)]
                += c->tap_c[0][t];
          continue;
        }
      const skc_grid *in = &c->partial[l - 1];
      if (!skc_grid_reserve (out, in->x0 + x0, in->y0 + y0, in->width + x1 - x0,
                             in->height + y1 - y0))
        return 0;
      const int *tx = c->tap_x[l], *ty = c->tap_y[l];
      const double *tc = c->tap_c[l];
      for (int t = 0; t < c->tap_count[l]; t++)
        {
          const double coef = tc[t];
          if (coef == 0)
            continue;
          double *dst
              = out->v + (size_t) (ty[t] - y0) * out->width + (tx[t] - x0);
          for (int y = 0; y < in->height; y++)
            {
              const double *src = in->v + (size_t) y * in->width;
              double *d = dst + (size_t) y * out->width;
              for (int x = 0; x < in->width; x++)
                d[x] += coef * src[x];
            }
        }
    }
  return 1;
}

int
skc_cascade_backward (skc_cascade *c, const skc_point *points,
                      const double *grad_e, skc_point *grad)
{
  const int last = c->layers - 1;
  /* back[cur] holds dloss / d partial[l], on partial[l]'s grid. */
  int cur = 0;
  skc_grid *g = &c->back[cur];
  const skc_grid *e = &c->partial[last];
  if (!skc_grid_reserve (g, e->x0, e->y0, e->width, e->height))
    return 0;
  memcpy (g->v, grad_e, (size_t) e->width * e->height * sizeof (double));

  for (int l = last; l >= 0; l--)
    {
      g = &c->back[cur];
      double *tg = c->tap_g[l];
      const int *tx = c->tap_x[l], *ty = c->tap_y[l];
      const double *tc = c->tap_c[l];
      if (l == 0)
        {
          /* partial[0] is the taps themselves. */
          for (int t = 0; t < c->tap_count[0]; t++)
            tg[t] = g->v[(size_t) (ty[t] - g->y0) * g->width + (tx[t] - g->x0)];
          break;
        }
      const skc_grid *in = &c->partial[l - 1];
      skc_grid *gin = &c->back[1 - cur];
      if (!skc_grid_reserve (gin, in->x0, in->y0, in->width, in->height))
        return 0;
      /* The tap at (tx, ty) maps in(p) to out(p + t). */
      for (int t = 0; t < c->tap_count[l]; t++)
        {
          const double *src = g->v
                              + (size_t) (in->y0 + ty[t] - g->y0) * g->width
                              + (in->x0 + tx[t] - g->x0);
          const double coef = tc[t];
          double dot = 0;
          for (int y = 0; y < in->height; y++)
            {
              const double *s = src + (size_t) y * g->width;
              const double *p = in->v + (size_t) y * in->width;
              double *d = gin->v + (size_t) y * in->width;
              double row_dot = 0;
              for (int x = 0; x < in->width; x++)
                {
                  row_dot += s[x] * p[x];
                  d[x] += coef * s[x];
                }
              dot += row_dot;
            }
          tg[t] = dot;
        }
      cur = 1 - cur;
    }

  /* Taps to samples. */
  const skc_point *pts = points;
  skc_point *out = grad;
  for (int l = 0; l < c->layers; l++)
    {
      const double *tg = c->tap_g[l];
      for (int i = 0; i < c->count[l]; i++)
        {
          const skc_point *p = &pts[i];
          if (c->offsets == SKC_OFFSETS_INTEGER)
            {
              out[i].x = out[i].y = 0;
              out[i].w = tg[i];
              continue;
            }
          double ax = p->x - floor (p->x), ay = p->y - floor (p->y);
          const double *g4 = tg + 4 * i; /* (0,0) (1,0) (0,1) (1,1) */
          out[i].w = g4[0] * (1 - ax) * (1 - ay) + g4[1] * ax * (1 - ay)
                     + g4[2] * (1 - ax) * ay + g4[3] * ax * ay;
          out[i].x = p->w * ((g4[1] - g4[0]) * (1 - ay) + (g4[3] - g4[2]) * ay);
          out[i].y = p->w * ((g4[2] - g4[0]) * (1 - ax) + (g4[3] - g4[1]) * ax);
        }
      pts += c->count[l];
      out += c->count[l];
    }
  return 1;
}
