/* skc — a bounded pull-push fill on any region: pixels of weight 0 take
 * their colour from the weighted pixels around them, through a pyramid of
 * 2 x 2 blocks aligned to the image origin and stopped at `levels` levels
 * (blocks of 2^levels px).  A pixel's value depends only on the pixels
 * within 2^(levels + 1) of it, never on the region it is computed in:
 * the region of each level is what the levels below read, and the push
 * reads parents clamped to the image's own level sizes.
 *
 *  - pull: a coarse pixel is the weighted mean of its 2 x 2, its weight
 *    their sum capped at 1 (0/1 weights stay 0/1);
 *  - push, from the top down: a pixel whose weight is short of 1 blends
 *    toward the bilinear mean of its parents, weighted by what the parents
 *    know (a parent with nothing under it and nothing above counts for
 *    nothing: no fade to black); what it then knows is its weight plus the
 *    rest times its parents'.
 * A pixel within 2^levels - 1 (chessboard) of a pixel of weight 1 always
 * ends up known.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>

#include "engine.h"

int
skc_fill_levels (int distance)
{
  int levels = 0;
  while ((1 << levels) < distance + 1 && levels < 24)
    levels++;
  return levels;
}

/* Level sizes of the image, each (n + 1) / 2 of the one below. */
static int
level_size (int n, int level)
{
  for (int l = 0; l < level; l++)
    n = (n + 1) / 2;
  return n;
}

/* The rectangles each level needs: need[l] (pushed there) and pull[l]
 * (pulled there, for the level above), l = 0 .. levels. */
static void
fill_plan (int levels, int width, int height, const skc_rect *need,
           skc_rect *needed, skc_rect *pulled)
{
  needed[0] = *need;
  for (int l = 0; l < levels; l++)
    {
      const skc_rect *n = &needed[l];
      int lw = level_size (width, l + 1), lh = level_size (height, l + 1);
      /* Pixel x of level l reads parents floor ((x - 0.5) / 2) and the
         next one. */
      needed[l + 1]
          = (skc_rect){ (n->x0 - 1) >> 1, (n->y0 - 1) >> 1,
                        ((n->x1 - 2) >> 1) + 2, ((n->y1 - 2) >> 1) + 2 };
      skc_rect *p = &needed[l + 1];
      p->x0 = p->x0 < 0 ? 0 : p->x0, p->y0 = p->y0 < 0 ? 0 : p->y0;
      p->x1 = p->x1 > lw ? lw : p->x1, p->y1 = p->y1 > lh ? lh : p->y1;
    }
  pulled[levels] = needed[levels];
  for (int l = levels - 1; l >= 0; l--)
    {
      int lw = level_size (width, l), lh = level_size (height, l);
      const skc_rect *up = &pulled[l + 1];
      pulled[l] = (skc_rect){ 2 * up->x0, 2 * up->y0,
                              2 * up->x1 < lw ? 2 * up->x1 : lw,
                              2 * up->y1 < lh ? 2 * up->y1 : lh };
    }
}

void
skc_fill_source (int levels, int width, int height, const skc_rect *need,
                 skc_rect *source)
{
  skc_rect needed[25], pulled[25];
  fill_plan (levels, width, height, need, needed, pulled);
  *source = pulled[0];
}

static int
grow (float **buffer, size_t *capacity, size_t need)
{
  return skc_tile_reserve (buffer, capacity, need);
}

void
skc_fill_scratch_free (skc_fill_scratch *s)
{
  for (int l = 0; l < SKC_FILL_MAX_LEVELS; l++)
    {
      free (s->values[l]);
      free (s->weight[l]);
    }
}

int
skc_fill (int levels, int width, int height, int C, const float *values,
          const float *weight, size_t stride, const skc_rect *source,
          const skc_rect *need, float *out, float *known, size_t out_stride,
          skc_fill_scratch *s)
{
  if (levels > SKC_FILL_MAX_LEVELS - 1)
    return 0;
  skc_rect needed[SKC_FILL_MAX_LEVELS], pulled[SKC_FILL_MAX_LEVELS];
  fill_plan (levels, width, height, need, needed, pulled);
  /* Level l's arrays span pulled[l]; level 0 is the caller's. */
  for (int l = 1; l <= levels; l++)
    {
      size_t n = (size_t) (pulled[l].x1 - pulled[l].x0)
                 * (pulled[l].y1 - pulled[l].y0);
      if (!grow (&s->values[l], &s->values_capacity[l], n * C)
          || !grow (&s->weight[l], &s->weight_capacity[l], n))
        return 0;
    }
  /* Pull. */
  for (int l = 1; l <= levels; l++)
    {
      const skc_rect *p = &pulled[l], *f = &pulled[l - 1];
      int pw = p->x1 - p->x0, fw = f->x1 - f->x0;
      const float *fv = l == 1 ? values : s->values[l - 1];
      const float *fwt = l == 1 ? weight : s->weight[l - 1];
      size_t fstride = l == 1 ? stride : (size_t) fw;
      int fx0 = l == 1 ? source->x0 : f->x0, fy0 = l == 1 ? source->y0 : f->y0;
      for (int y = p->y0; y < p->y1; y++)
        for (int x = p->x0; x < p->x1; x++)
          {
            double sum[4] = { 0, 0, 0, 0 }, wsum = 0;
            for (int dy = 0; dy < 2; dy++)
              for (int dx = 0; dx < 2; dx++)
                {
                  int cx = 2 * x + dx, cy = 2 * y + dy;
                  if (cx >= f->x1 || cy >= f->y1)
                    continue;
                  size_t i = (size_t) (cy - fy0) * fstride + (cx - fx0);
                  float w = fwt[i];
                  if (w == 0)
                    continue;
                  wsum += w;
                  for (int c = 0; c < C; c++)
                    sum[c] += w * fv[i * C + c];
                }
            size_t o = (size_t) (y - p->y0) * pw + (x - p->x0);
            for (int c = 0; c < C; c++)
              s->values[l][o * C + c] = wsum > 0 ? (float) (sum[c] / wsum) : 0;
            s->weight[l][o] = wsum < 1 ? (float) wsum : 1;
          }
    }
  /* Push, from the level below the top down to the caller's pixels; at
     each level only what the level below reads. */
  for (int l = levels - 1; l >= 0; l--)
    {
      const skc_rect *n = &needed[l], *up = &pulled[l + 1];
      int uw = up->x1 - up->x0;
      int lw = level_size (width, l + 1) - 1,
          lh = level_size (height, l + 1) - 1;
      const float *uv = s->values[l + 1], *uk = s->weight[l + 1];
      for (int y = n->y0; y < n->y1; y++)
        {
          int ya = (y - 1) >> 1;
          double ty = ((y + 0.5) / 2 - 0.5) - ya;
          int y0 = skc_clampi (ya, 0, lh) - up->y0;
          int y1 = skc_clampi (ya + 1, 0, lh) - up->y0;
          for (int x = n->x0; x < n->x1; x++)
            {
              float *v, *k;
              const float *own_v;
              float own;
              if (l == 0)
                {
                  size_t i
                      = (size_t) (y - source->y0) * stride + (x - source->x0);
                  own = weight[i];
                  own_v = values + i * C;
                  size_t o = (size_t) (y - n->y0) * out_stride
                             + (size_t) (x - n->x0);
                  v = out + o * C;
                  k = known ? known + o : NULL;
                }
              else
                {
                  size_t i = (size_t) (y - pulled[l].y0)
                                 * (pulled[l].x1 - pulled[l].x0)
                             + (x - pulled[l].x0);
                  own = s->weight[l][i];
                  own_v = v = s->values[l] + i * C;
                  k = s->weight[l] + i;
                }
              if (own >= 1)
                {
                  for (int c = 0; c < C && v != own_v; c++)
                    v[c] = own_v[c];
                  if (k)
                    *k = 1;
                  continue;
                }
              int xa = (x - 1) >> 1;
              double tx = ((x + 0.5) / 2 - 0.5) - xa;
              int x0 = skc_clampi (xa, 0, lw) - up->x0;
              int x1 = skc_clampi (xa + 1, 0, lw) - up->x0;
              size_t q[4] = { (size_t) y0 * uw + x0, (size_t) y0 * uw + x1,
                              (size_t) y1 * uw + x0, (size_t) y1 * uw + x1 };
              double b[4] = { (1 - tx) * (1 - ty), tx * (1 - ty), (1 - tx) * ty,
                              tx * ty };
              double kw[4], ksum = 0;
              for (int j = 0; j < 4; j++)
                kw[j] = b[j] * uk[q[j]], ksum += kw[j];
              double have = own + (1 - own) * ksum;
              for (int c = 0; c < C; c++)
                {
                  double coarse = 0;
                  for (int j = 0; j < 4; j++)
                    coarse += kw[j] * uv[q[j] * C + c];
                  v[c] = have > 0
                             ? (float) ((own * own_v[c] + (1 - own) * coarse)
                                        / have)
                             : 0;
                }
              if (k)
                *k = (float) have;
            }
        }
    }
  return 1;
}
