/* skc — the engine's processing: the output is cut into tiles; each tile
 * gathers its input once into a padded buffer (clamped to what the caller
 * gave, non-finite pixels zeroed, highlights boosted), then runs the
 * cascade layer by layer on shrinking windows with no edge checks, and
 * writes its part of the output.  Every value is computed by the same
 * operations in the same order whatever the tiling or thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"
#include "internal.h"

/* Highlights: the gain ramps in over this much above the threshold, so a
 * smooth gradient crossing the threshold does not band. */
#define HIGHLIGHT_RAMP 0.05f

void
skc_tile_scratch_free (skc_tile_scratch *s)
{
  free (s->buffers[0]);
  free (s->buffers[1]);
  free (s->level);
  for (int i = 0; i < s->code_capacity; i++)
    if (s->code_taps[i])
      {
        for (int l = 0; l < SKC_MAX_LAYERS; l++)
          skc_layer_taps_free (&s->code_taps[i][l]);
        free (s->code_taps[i]);
      }
  free (s->code_keys);
  free (s->code_taps);
  free (s->prefix);
  free (s->line_max);
  free (s->full_row);
  free (s->between);
  free (s->column);
  free (s->column_weight);
  free (s->coarse);
  free (s->map_row);
  free (s->map_blocks);
  if (s->fft_buffer)
    fftwf_free (s->fft_buffer);
  memset (s, 0, sizeof *s);
}

int
skc_tile_reserve (float **buffer, size_t *capacity, size_t need)
{
  if (need <= *capacity)
    return 1;
  float *b = realloc (*buffer, need * sizeof *b);
  if (!b)
    return 0;
  *buffer = b;
  *capacity = need;
  return 1;
}

static inline int
clampi (int v, int lo, int hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Copies one input pixel, making it safe and boosting highlights. */
static inline void
prepare_pixel (const skc_params *p, const float *src, float *dst, int channels,
               int alpha)
{
  int finite = 1;
  for (int c = 0; c < channels; c++)
    finite &= isfinite (src[c]) != 0;
  if (!finite)
    {
      for (int c = 0; c < channels; c++)
        dst[c] = 0;
      return;
    }
  for (int c = 0; c < channels; c++)
    dst[c] = src[c];
  if (p->highlight_gain <= 1)
    return;
  /* Brightest colour channel, un-premultiplied: hue is kept because every
     colour channel gets the same factor. */
  float a = alpha >= 0 ? src[alpha] : 1.0f;
  float peak = 0;
  for (int c = 0; c < channels; c++)
    if (c != alpha)
      peak = fmaxf (peak, src[c]);
  if (a <= 0)
    return;
  float excess = (peak / a - (float) p->highlight_threshold) / HIGHLIGHT_RAMP;
  if (excess <= 0)
    return;
  float factor = 1 + ((float) p->highlight_gain - 1) * fminf (excess, 1.0f);
  for (int c = 0; c < channels; c++)
    if (c != alpha)
      dst[c] *= factor;
}

double
skc_engine_map_radius (const skc_engine *e, float value)
{
  const skc_params *p = &e->params;
  double            v = isfinite (value) ? value : 0;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  if (p->invert_map)
    v = 1 - v;
  if (p->map_gamma != 1)
    v = pow (v, p->map_gamma);
  return p->radius * fabs (v - p->focus);
}

int
skc_scale_level (const skc_scale *s, double r)
{
  int m = s->member_count;
  if (m < 2 || r <= s->member_radius[0])
    return 0;
  for (int j = 0; j + 1 < m; j++)
    if (r <= s->member_radius[j + 1])
      {
        double t = (r - s->member_radius[j])
                   / (s->member_radius[j + 1] - s->member_radius[j]);
        return j * SKC_ENGINE_LEVELS + (int) lround (t * SKC_ENGINE_LEVELS);
      }
  return (m - 1) * SKC_ENGINE_LEVELS;
}

void
skc_scale_level_blend (const skc_scale *s, int level, int *member, float *t)
{
  int j = level / SKC_ENGINE_LEVELS;
  if (j > s->member_count - 2)
    j = s->member_count - 2;
  if (j < 0)
    j = 0;
  *member = j;
  *t = s->member_count < 2
         ? 0
         : (float) (level - j * SKC_ENGINE_LEVELS) / SKC_ENGINE_LEVELS;
}

/* The swirl angle (radians) of image position (x, y): the kernel's up
 * axis turns toward the tangent of the circle around the image centre,
 * by the angle of (1 - s) + s e^(i phi), phi being the full turn to the
 * tangent: continuous over the image for every swirl but exactly 0.5 (where
 * it has one seam below the centre). */
static double
swirl_angle (const skc_engine *e, const skc_apply_request *rq, double x,
             double y)
{
  double s = e->params.swirl;
  double dx = x - (rq->image_width - 1) / 2.0;
  double dy = y - (rq->image_height - 1) / 2.0;
  if (dx == 0 && dy == 0)
    return 0;
  double phi = atan2 (dy, dx) + M_PI / 2;
  return atan2 (s * sin (phi), (1 - s) + s * cos (phi));
}

/* Cat-eye: the clip amount grows from 0 at the centre to cat-eye at the
 * corners, quantised to SKC_ENGINE_AMOUNT_STEPS between members. */
static int
cat_eye_code (const skc_engine *e, const skc_apply_request *rq, double x,
              double y)
{
  double hx = (rq->image_width - 1) / 2.0, hy = (rq->image_height - 1) / 2.0;
  double corner = hypot (hx, hy);
  double rho = corner > 0 ? hypot (x - hx, y - hy) / corner : 0;
  double amount = e->params.cat_eye * (rho < 1 ? rho : 1);
  return (int) lround (amount * (SKC_ENGINE_AMOUNTS - 1)
                       * SKC_ENGINE_AMOUNT_STEPS);
}

/* A pixel's kernel angle: with cat-eye the kernel's up axis (where its
 * members are clipped) faces the image centre; swirl turns it further. */
static double
pixel_angle (const skc_engine *e, const skc_apply_request *rq, double x,
             double y)
{
  double angle = 0;
  if (e->params.swirl > 0)
    angle += swirl_angle (e, rq, x, y);
  if (e->params.cat_eye > 0)
    {
      double ux = (rq->image_width - 1) / 2.0 - x;
      double uy = (rq->image_height - 1) / 2.0 - y;
      if (ux != 0 || uy != 0)
        angle += atan2 (ux, -uy); /* turns (0, -1) onto (ux, uy) */
    }
  return angle;
}

static int
angle_step (double angle)
{
  int step = (int) lround (angle / (2 * M_PI) * SKC_ENGINE_ANGLES);
  step %= SKC_ENGINE_ANGLES;
  return step < 0 ? step + SKC_ENGINE_ANGLES : step;
}

const skc_filter *
skc_scale_member (const skc_scale *sc, int amount, int j)
{
  return amount == 0 ? sc->members[j]
                     : sc->clipped[(size_t) (amount - 1) * sc->member_count + j];
}

/* The slot of a code in the scratch's table (open addressing, linear
 * probing; grown at half load).  -1 when out of memory. */
static int
code_slot (skc_tile_scratch *s, int code)
{
  if (2 * (s->code_used + 1) > s->code_capacity)
    {
      int              capacity = s->code_capacity ? 2 * s->code_capacity : 256;
      int             *keys = malloc ((size_t) capacity * sizeof *keys);
      skc_layer_taps **taps = calloc ((size_t) capacity, sizeof *taps);
      if (!keys || !taps)
        {
          free (keys);
          free (taps);
          return -1;
        }
      for (int i = 0; i < capacity; i++)
        keys[i] = -1;
      for (int i = 0; i < s->code_capacity; i++)
        if (s->code_keys[i] >= 0)
          {
            unsigned h = (unsigned) s->code_keys[i] * 2654435761u;
            int      slot = (int) (h & (unsigned) (capacity - 1));
            while (keys[slot] >= 0)
              slot = (slot + 1) & (capacity - 1);
            keys[slot] = s->code_keys[i];
            taps[slot] = s->code_taps[i];
          }
      free (s->code_keys);
      free (s->code_taps);
      s->code_keys = keys;
      s->code_taps = taps;
      s->code_capacity = capacity;
    }
  unsigned h = (unsigned) code * 2654435761u;
  int      slot = (int) (h & (unsigned) (s->code_capacity - 1));
  while (s->code_keys[slot] >= 0 && s->code_keys[slot] != code)
    slot = (slot + 1) & (s->code_capacity - 1);
  return slot;
}

/* The whole-pixel taps of every layer for one pixel code: the samples of
 * its radius level and cat-eye amount (the uniform filter's, or up to four
 * members blended), turned by its angle. */
static skc_layer_taps *
level_taps (const skc_engine *e, const skc_scale *sc, skc_tile_scratch *s,
            int code)
{
  int slot = code_slot (s, code);
  if (slot < 0)
    return NULL;
  if (s->code_keys[slot] == code)
    return s->code_taps[slot];
  int step = code % e->angles;
  int amount_code = (code / e->angles) % e->amount_codes;
  int level = code / e->angles / e->amount_codes;
  /* Corner members: radius fraction t between j and j + 1, cat-eye
     fraction u between amounts a and a + 1. */
  const skc_filter *corner[4];
  float             t = 0, u = 0;
  if (sc->filter)
    corner[0] = corner[1] = corner[2] = corner[3] = sc->filter;
  else
    {
      int j, a = amount_code / SKC_ENGINE_AMOUNT_STEPS;
      u = (float) (amount_code - a * SKC_ENGINE_AMOUNT_STEPS)
          / SKC_ENGINE_AMOUNT_STEPS;
      if (sc->amount_count < 2)
        a = 0, u = 0;
      else if (a >= sc->amount_count - 1)
        a = sc->amount_count - 2, u = 1;
      skc_scale_level_blend (sc, level, &j, &t);
      int j1 = sc->member_count > 1 ? j + 1 : j;
      int a1 = sc->amount_count > 1 ? a + 1 : a;
      corner[0] = skc_scale_member (sc, a, j);
      corner[1] = skc_scale_member (sc, a, j1);
      corner[2] = skc_scale_member (sc, a1, j);
      corner[3] = skc_scale_member (sc, a1, j1);
    }
  double          angle = 2 * M_PI * step / e->angles;
  float           ca = (float) cos (angle), sa = (float) sin (angle);
  /* Blended kernels this large lose little to whole-pixel offsets and cost
     a quarter: one tap per sample instead of four. */
  int whole_pixels = 0;
  if (!sc->filter)
    {
      int    j0 = level / SKC_ENGINE_LEVELS < sc->member_count - 1
                    ? level / SKC_ENGINE_LEVELS
                    : sc->member_count - 1;
      double r = sc->member_radius[j0];
      whole_pixels = r >= SKC_ENGINE_WHOLE_PIXEL_RADIUS;
    }
  skc_layer_taps *taps = calloc (SKC_MAX_LAYERS, sizeof *taps);
  skc_filter     *blend = skc_filter_copy (corner[0]);
  int             ok = taps && blend;
  for (int l = 0; ok && l < sc->layers; l++)
    {
      for (int i = 0; i < blend->layer_size[l]; i++)
        {
          /* Along the radius first, then (cat-eye) across amounts. */
          const skc_sample *a0 = &corner[0]->layer[l][i];
          const skc_sample *b0 = &corner[1]->layer[l][i];
          float dx = a0->dx + t * (b0->dx - a0->dx);
          float dy = a0->dy + t * (b0->dy - a0->dy);
          float w = a0->w + t * (b0->w - a0->w);
          if (u > 0)
            {
              const skc_sample *a1 = &corner[2]->layer[l][i];
              const skc_sample *b1 = &corner[3]->layer[l][i];
              float dx1 = a1->dx + t * (b1->dx - a1->dx);
              float dy1 = a1->dy + t * (b1->dy - a1->dy);
              float w1 = a1->w + t * (b1->w - a1->w);
              dx += u * (dx1 - dx);
              dy += u * (dy1 - dy);
              w += u * (w1 - w);
            }
          /* Turned exactly on the offsets (y down: positive angles turn
             clockwise on screen). */
          float tx = step ? ca * dx - sa * dy : dx;
          float ty = step ? sa * dx + ca * dy : dy;
          if (whole_pixels)
            tx = roundf (tx), ty = roundf (ty);
          blend->layer[l][i].dx = tx;
          blend->layer[l][i].dy = ty;
          blend->layer[l][i].w = w;
        }
      ok = skc_layer_taps_build (blend, l, &taps[l]);
    }
  skc_filter_free (blend);
  if (!ok)
    {
      for (int l = 0; taps && l < SKC_MAX_LAYERS; l++)
        skc_layer_taps_free (&taps[l]);
      free (taps);
      return NULL;
    }
  s->code_keys[slot] = code;
  s->code_taps[slot] = taps;
  s->code_used++;
  return taps;
}

/* Taps on an image S (row y, column x at S + (y - sy0) * s_stride +
 * (x - sx0) * C) for outputs [x0, x1) x [y0, y1) written to acc (origin
 * ax0, ay0): eight taps per pass, then four, then one, the same order for
 * every value. */
HOT_LOOP static void
taps_run (const skc_layer_taps *taps, const float *S, size_t s_stride, int C,
           int sx0, int sy0, float *acc, size_t a_stride, int ax0, int ay0,
           int x0, int x1, int y0, int y1)
{
  const int n = (x1 - x0) * C;
  const int count = taps->count;
  for (int y = y0; y < y1; y++)
    {
      float *restrict d
          = acc + (size_t) (y - ay0) * a_stride + (size_t) (x0 - ax0) * C;
      const float *src[4];
      int t = 0;
      if (count < 4)
        memset (d, 0, (size_t) n * sizeof *d);
      /* Eight knots per pass while there are: the output run is read and
         written half as often (1.25 loads per multiply-add instead of
         1.5). */
      for (; t + 8 <= count; t += 8)
        {
          const float *q[8];
          for (int k = 0; k < 8; k++)
            q[k] = S + (size_t) (y - taps->dy[t + k] - sy0) * s_stride
                   + (size_t) (x0 - taps->dx[t + k] - sx0) * C;
          const float *c = taps->c + t;
          const float *restrict s0 = q[0], *restrict s1 = q[1];
          const float *restrict s2 = q[2], *restrict s3 = q[3];
          const float *restrict s4 = q[4], *restrict s5 = q[5];
          const float *restrict s6 = q[6], *restrict s7 = q[7];
          const float c0 = c[0], c1 = c[1], c2 = c[2], c3 = c[3];
          const float c4 = c[4], c5 = c[5], c6 = c[6], c7 = c[7];
          if (t == 0)
            for (int i = 0; i < n; i++)
              d[i] = ((c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]))
                     + ((c4 * s4[i] + c5 * s5[i]) + (c6 * s6[i] + c7 * s7[i]));
          else
            for (int i = 0; i < n; i++)
              d[i] += ((c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]))
                      + ((c4 * s4[i] + c5 * s5[i]) + (c6 * s6[i] + c7 * s7[i]));
        }
      for (; t + 4 <= count; t += 4)
        {
          for (int k = 0; k < 4; k++)
            src[k] = S + (size_t) (y - taps->dy[t + k] - sy0) * s_stride
                     + (size_t) (x0 - taps->dx[t + k] - sx0) * C;
          const float c0 = taps->c[t], c1 = taps->c[t + 1];
          const float c2 = taps->c[t + 2], c3 = taps->c[t + 3];
          const float *restrict s0 = src[0], *restrict s1 = src[1];
          const float *restrict s2 = src[2], *restrict s3 = src[3];
          if (t == 0)
            for (int i = 0; i < n; i++)
              d[i] = (c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]);
          else
            for (int i = 0; i < n; i++)
              d[i] += (c0 * s0[i] + c1 * s1[i]) + (c2 * s2[i] + c3 * s3[i]);
        }
      for (; t < count; t++)
        {
          const float c = taps->c[t];
          const float *restrict s0
              = S + (size_t) (y - taps->dy[t] - sy0) * s_stride
                + (size_t) (x0 - taps->dx[t] - sx0) * C;
          for (int i = 0; i < n; i++)
            d[i] += c * s0[i];
        }
    }
}

/* Columns per taps_run call: the output run stays in L1 while every tap
 * streams over it (whole tile rows spill it: 2.5x slower here for
 * knots). */
#define TAPS_CHUNK 64

void
skc_taps_apply (const skc_layer_taps *taps, const float *S, size_t s_stride, int C,
             int sx0, int sy0, float *acc, size_t a_stride, int ax0, int ay0,
             int x0, int x1, int y0, int y1)
{
  for (int x = x0; x < x1; x += TAPS_CHUNK)
    taps_run (taps, S, s_stride, C, sx0, sy0, acc, a_stride, ax0, ay0, x,
               x + TAPS_CHUNK < x1 ? x + TAPS_CHUNK : x1, y0, y1);
}

/* One layer of a uniform complex: out(x) = sum c * in(x - d) on rows
 * [y0, y1) and columns [x0, x1) of the padded tile. */
static void
uniform_layer (const skc_layer_taps *taps, const float *in, float *out,
               size_t stride, int channels, int x0, int x1, int y0, int y1)
{
  skc_taps_apply (taps, in, stride, channels, 0, 0, out, stride, 0, 0, x0, x1,
                  y0, y1);
}

/* One layer with a blur map: each run of pixels sharing a blend level is
 * filtered like a uniform blur with that level's taps. */
static int
varying_layer (const skc_engine *e, const skc_scale *sc,
               skc_tile_scratch *scratch, int layer,
               const float *in, float *out, size_t stride, int pw,
               int channels, int x0, int x1, int y0, int y1)
{
  for (int y = y0; y < y1; y++)
    {
      const int *levels = scratch->level + (size_t) y * pw;
      for (int x = x0; x < x1;)
        {
          int q = levels[x], end = x + 1;
          while (end < x1 && levels[end] == q)
            end++;
          skc_layer_taps *taps = level_taps (e, sc, scratch, q);
          if (!taps)
            return 0;
          uniform_layer (&taps[layer], in, out, stride, channels, x, end, y,
                         y + 1);
          x = end;
        }
    }
  return 1;
}

/* Separable low-rank filter over the tile: each term's horizontal pass
 * into buffers[1], vertical pass accumulated into `acc` (output window). */
static int
lowrank_tile (const skc_scale *sc, skc_tile_scratch *s, int pw, int ph,
              int channels, int w, int h, float *acc)
{
  const skc_filter *f = sc->filter;
  const int         half = f->size / 2, R = sc->reach;
  const size_t      stride = (size_t) pw * channels;
  float            *in = s->buffers[0], *mid = s->buffers[1];
  memset (acc, 0, (size_t) w * h * channels * sizeof *acc);
  for (int k = 0; k < f->rank; k++)
    {
      const float *row = f->row + (size_t) k * f->size;
      const float *col = f->column + (size_t) k * f->size;
      for (int y = 0; y < ph; y++)
        {
          float *d = mid + (size_t) y * stride + (size_t) R * channels;
          memset (d, 0, (size_t) w * channels * sizeof *d);
          for (int j = 0; j < f->size; j++)
            {
              const float *src = in + (size_t) y * stride
                                 + (size_t) (R - (j - half)) * channels;
              for (int i = 0; i < w * channels; i++)
                d[i] += row[j] * src[i];
            }
        }
      for (int y = 0; y < h; y++)
        {
          float *d = acc + (size_t) y * w * channels;
          for (int j = 0; j < f->size; j++)
            {
              const float *src = mid + (size_t) (y + R - (j - half)) * stride
                                 + (size_t) R * channels;
              for (int i = 0; i < w * channels; i++)
                d[i] += col[j] * src[i];
            }
        }
    }
  return 1;
}

/* Image row y, columns [x0, x0 + n), clamped to the caller's rectangle,
 * made safe (a pixel with a non-finite channel becomes transparent black)
 * and highlight-boosted.  The inside part is copied in one go and checked
 * with a loop the compiler vectorises; the outside part repeats the edge. */
void
skc_prepare_row (const skc_engine *e, const skc_apply_request *rq, int y, int x0,
             int n, float *dst)
{
  const skc_view *in = &rq->input;
  const int       C = rq->channels;
  int             sy = clampi (y, in->y, in->y + in->height - 1);
  const float    *row = in->pixels + (size_t) (sy - in->y) * in->stride;
  int lo = x0 > in->x ? x0 : in->x;
  int hi = x0 + n < in->x + in->width ? x0 + n : in->x + in->width;
  if (lo >= hi)
    {
      /* Entirely beside the rectangle: the nearest edge pixel. */
      lo = x0 >= in->x + in->width ? in->x + in->width - 1 : in->x;
      hi = lo + 1;
      float edge[4];
      prepare_pixel (&e->params, row + (size_t) (lo - in->x) * C, edge, C,
                     rq->alpha);
      for (int i = 0; i < n; i++)
        memcpy (dst + (size_t) i * C, edge, (size_t) C * sizeof *edge);
      return;
    }
  float       *inside = dst + (size_t) (lo - x0) * C;
  const size_t count = (size_t) (hi - lo) * C;
  memcpy (inside, row + (size_t) (lo - in->x) * C, count * sizeof *inside);
  int bad = 0;
  for (size_t i = 0; i < count; i++)
    bad |= !(fabsf (inside[i]) <= FLT_MAX);
  if (bad || e->params.highlight_gain > 1)
    for (int i = 0; i < hi - lo; i++)
      prepare_pixel (&e->params, inside + (size_t) i * C,
                     inside + (size_t) i * C, C, rq->alpha);
  for (int i = x0; i < lo; i++)
    memcpy (dst + (size_t) (i - x0) * C, inside, (size_t) C * sizeof *dst);
  const float *last = inside + (size_t) (hi - lo - 1) * C;
  for (int i = hi; i < x0 + n; i++)
    memcpy (dst + (size_t) (i - x0) * C, last, (size_t) C * sizeof *dst);
}

/* The map's means over n blocks of f x f pixels, block i starting at
 * (x + i f, y), into out; map values outside the map repeat its edge and
 * non-finite ones count as 0.  `row` holds n f values. */
static void
map_block_row (const skc_apply_request *rq, int x, int y, int n, int f,
               float block_weight, float *restrict row, float *restrict out)
{
  const skc_view *m = &rq->map;
  const int       count = n * f, right = m->x + m->width - 1;
  for (int i = 0; i < n; i++)
    out[i] = 0;
  /* Columns [lo, hi) of the row lie in the map: no clamping there. */
  const int lo = clampi (m->x - x, 0, count);
  const int hi = clampi (right + 1 - x, lo, count);
  for (int dv = 0; dv < f; dv++)
    {
      int          sy = clampi (y + dv, m->y, m->y + m->height - 1);
      const float *src = m->pixels + (size_t) (sy - m->y) * m->stride;
      const long   shift = (long) x - m->x;
      for (int k = 0; k < lo; k++)
        row[k] = isfinite (src[0]) ? src[0] : 0;
      for (int k = lo; k < hi; k++)
        {
          float v = src[shift + k];
          row[k] = fabsf (v) <= FLT_MAX ? v : 0;
        }
      for (int k = hi; k < count; k++)
        row[k] = isfinite (src[right - m->x]) ? src[right - m->x] : 0;
      if (f == 1)
        for (int i = 0; i < n; i++)
          out[i] += row[i];
      else
        for (int i = 0; i < n; i++)
          for (int du = 0; du < f; du++)
            out[i] += row[(size_t) i * f + du];
    }
  for (int i = 0; i < n; i++)
    out[i] *= block_weight;
}

/* Grows the scratch's pixel codes to n; 0 when out of memory. */
static int
reserve_levels (skc_tile_scratch *s, size_t n)
{
  if (n <= s->level_capacity)
    return 1;
  int *lv = realloc (s->level, n * sizeof *lv);
  if (!lv)
    return 0;
  s->level = lv;
  s->level_capacity = n;
  return 1;
}

/* Reserves the map rows of n blocks of f pixels in the scratch. */
static int
reserve_map_rows (skc_tile_scratch *s, int n, int f)
{
  return skc_tile_reserve (&s->map_row, &s->map_row_capacity, (size_t) n * f)
         && skc_tile_reserve (&s->map_blocks, &s->map_blocks_capacity, (size_t) n);
}

/* d[i] += the f pixels of full row block i, for pw blocks. */
HOT_LOOP static void
add_blocks (const float *restrict full, float *restrict d, int pw, int f,
            int C)
{
  if (C == 4)
    {
      for (int i = 0; i < pw; i++)
        for (int u = 0; u < f; u++)
          for (int c = 0; c < 4; c++)
            d[(size_t) i * 4 + c] += full[((size_t) i * f + u) * 4 + c];
      return;
    }
  for (int i = 0; i < pw; i++)
    for (int u = 0; u < f; u++)
      for (int c = 0; c < C; c++)
        d[(size_t) i * C + c] += full[((size_t) i * f + u) * C + c];
}

/* One output row from two coarse rows: between = (1 - b) r0 + b r1 over n
 * values, then pixel i = (1 - a_i) between[X_i] + a_i between[X_i + 1]. */
HOT_LOOP static void
upsample_row (const float *restrict r0, const float *restrict r1, float b,
              float *restrict between, int n, const int *restrict column,
              const float *restrict weight, float *restrict d, int w, int C)
{
  for (int k = 0; k < n; k++)
    between[k] = (1 - b) * r0[k] + b * r1[k];
  if (C == 4)
    {
      for (int i = 0; i < w; i++)
        {
          const float *p = between + (size_t) column[i] * 4;
          float        a = weight[i];
          for (int c = 0; c < 4; c++)
            d[(size_t) i * 4 + c] = (1 - a) * p[c] + a * p[4 + c];
        }
      return;
    }
  for (int i = 0; i < w; i++)
    {
      const float *p = between + (size_t) column[i] * C;
      float        a = weight[i];
      for (int c = 0; c < C; c++)
        d[(size_t) i * C + c] = (1 - a) * p[c] + a * p[C + c];
    }
}

static int
reserve_columns (skc_tile_scratch *s, size_t n)
{
  int   *column = realloc (s->column, n * sizeof *column);
  if (column)
    s->column = column;
  float *weight = realloc (s->column_weight, n * sizeof *weight);
  if (weight)
    s->column_weight = weight;
  if (!column || !weight)
    return 0;
  s->column_capacity = n;
  return 1;
}

/* A scale's values on its rectangle [lx0, lx0 + lw) x [ly0, ly0 + lh) (in
 * its own pixels, unclipped): written to `into` (lw x lh x channels) when
 * given and the filter is knots or separable; *values and *values_stride
 * say where they are. */
static int
scale_values (const skc_engine *e, const skc_scale *sc,
              const skc_apply_request *rq, int lx0, int ly0, int lw, int lh,
              skc_tile_scratch *s, float *into, const float **values,
              size_t *values_stride)
{
  const int C = rq->channels, f = sc->factor, R = sc->reach;
  /* The padded input: the scale's reach on every side, but knots read
     less: across their axis the kernel's half, along it from the first
     prefix block's start to the last one's end, each grown by the half. */
  int pad_l = R, pad_r = R, pad_t = R, pad_b = R;
  if (sc->knots)
    {
      const int B = SKC_ENGINE_KNOTS_BLOCK, kh = sc->knot_half;
      const int rows = sc->knot_axis == SKC_KNOTS_ROWS;
      const int lo = rows ? lx0 : ly0, hi = lo + (rows ? lw : lh);
      const int before = lo - skc_floor_div (lo, B) * B + kh;
      const int after = skc_floor_div (hi - 1, B) * B + B + kh - hi;
      pad_l = rows ? before : kh;
      pad_r = rows ? after : kh;
      pad_t = rows ? kh : before;
      pad_b = rows ? kh : after;
    }
  const int    pw = lw + pad_l + pad_r, ph = lh + pad_t + pad_b;
  const size_t stride = (size_t) pw * C;
  const size_t need = stride * ph;
  if (!skc_tile_reserve (&s->buffers[0], &s->capacity[0], need)
      || !skc_tile_reserve (&s->buffers[1], &s->capacity[1], need))
    return 0;

  /* Padded input at this scale: f x f block averages aligned to the image
     origin. */
  const float block_weight = 1.0f / (float) (f * f);
  float      *full_row = NULL;
  if (f > 1)
    {
      if (!skc_tile_reserve (&s->full_row, &s->full_row_capacity,
                    (size_t) pw * f * C))
        return 0;
      full_row = s->full_row;
    }
  for (int j = 0; j < ph; j++)
    {
      float *d = s->buffers[0] + (size_t) j * stride;
      int    by = (ly0 - pad_t + j) * f, bx = (lx0 - pad_l) * f;
      if (f == 1)
        {
          skc_prepare_row (e, rq, by, bx, pw, d);
          continue;
        }
      memset (d, 0, stride * sizeof *d);
      for (int v = 0; v < f; v++)
        {
          skc_prepare_row (e, rq, by + v, bx, pw * f, full_row);
          add_blocks (full_row, d, pw, f, C);
        }
      for (size_t i = 0; i < stride; i++)
        d[i] *= block_weight;
    }

  float *result = NULL;
  size_t result_stride = stride;
  int    rx = R, ry = R;
  float *lowrank_acc = NULL;
  if (sc->knots || (sc->filter && sc->filter->kind == SKC_FILTER_LOWRANK))
    {
      /* At full resolution these write the tile's output directly. */
      if (!into && !skc_tile_reserve (&s->coarse, &s->coarse_capacity,
                             (size_t) lw * lh * C))
        return 0;
      lowrank_acc = into ? into : s->coarse;
      const int *level = NULL;
      if (sc->knot_levels > 0)
        {
          /* Each output pixel's table: its radius (block-averaged map on
             coarse scales) to the nearest level this scale has. */
          if (!reserve_levels (s, (size_t) lw * lh)
              || !reserve_map_rows (s, lw, f))
            return 0;
          float last_value = NAN;
          int last_level = 0;
          for (int j = 0; j < lh; j++)
            {
            map_block_row (rq, lx0 * f, (ly0 + j) * f, lw, f, block_weight,
                           s->map_row, s->map_blocks);
            for (int i = 0; i < lw; i++)
              {
                float v = s->map_blocks[i];
                if (v != last_value)
                  {
                    double r = skc_engine_map_radius (e, v) / f;
                    long q = lround (r / sc->knot_step);
                    last_level = q < sc->knot_first     ? sc->knot_first
                                 : q >= sc->knot_levels ? sc->knot_levels - 1
                                                        : (int) q;
                    last_value = v;
                  }
                s->level[(size_t) j * lw + i] = last_level;
              }
            }
          level = s->level;
        }
      int ok = sc->knots ? skc_knots_tile (sc, s, pw, C, lx0, ly0, lw, lh,
                                       pad_l, pad_t, level, lowrank_acc)
                         : lowrank_tile (sc, s, pw, ph, C, lw, lh,
                                         lowrank_acc);
      if (!ok)
        return 0;
      result = lowrank_acc;
      result_stride = (size_t) lw * C;
      rx = ry = 0;
    }
  else
    {
      if (sc->varying)
        {
          /* Pixel codes: the blend level from the map (block averages on
             coarse scales; the uniform radius without a map), the cat-eye
             amount and the angle of the block's centre. */
          if (!reserve_levels (s, (size_t) pw * ph))
            return 0;
          /* Maps repeat values (constant rows, 8-bit sources): the level of
             the previous value is reused, computed the same way. */
          const int map_rows = !sc->filter && e->with_map;
          if (map_rows && !reserve_map_rows (s, pw, f))
            return 0;
          float last_value = NAN;
          int   last_level = 0;
          for (int j = 0; j < ph; j++)
            {
            if (map_rows)
              map_block_row (rq, (lx0 - R) * f, (ly0 - R + j) * f, pw, f,
                             block_weight, s->map_row, s->map_blocks);
            for (int i = 0; i < pw; i++)
              {
                int    bx = (lx0 - R + i) * f, by = (ly0 - R + j) * f;
                double cx = bx + (f - 1) / 2.0, cy = by + (f - 1) / 2.0;
                int    level = 0, amount = 0, step = 0;
                if (!sc->filter)
                  {
                    float v = map_rows ? s->map_blocks[i] : 0;
                    if (v != last_value)
                      {
                        double r = e->with_map ? skc_engine_map_radius (e, v)
                                               : e->params.radius;
                        last_level = skc_scale_level (sc, r / f);
                        last_value = v;
                      }
                    level = last_level;
                  }
                if (e->amount_codes > 1)
                  amount = cat_eye_code (e, rq, cx, cy);
                if (e->angles > 1)
                  step = angle_step (pixel_angle (e, rq, cx, cy));
                s->level[(size_t) j * pw + i]
                  = (level * e->amount_codes + amount) * e->angles + step;
              }
            }
        }
      int cur = 0, margin = R;
      for (int l = 0; l < sc->layers; l++)
        {
          int out_margin = margin - sc->layer_reach[l];
          int lo = R - out_margin;
          if (sc->varying)
            {
              if (!varying_layer (e, sc, s, l, s->buffers[cur],
                                  s->buffers[1 - cur], stride, pw, C, lo,
                                  R + lw + out_margin, lo,
                                  R + lh + out_margin))
                return 0;
            }
          else
            uniform_layer (&sc->taps[l], s->buffers[cur], s->buffers[1 - cur],
                           stride, C, lo, R + lw + out_margin, lo,
                           R + lh + out_margin);
          cur = 1 - cur;
          margin = out_margin;
        }
      result = s->buffers[cur];
    }
  *values = result + (size_t) ry * result_stride + (size_t) rx * C;
  *values_stride = result_stride;
  return 1;
}

/* Full-resolution pixels [x0, x0 + w) x [y0, y0 + h) from a scale's
 * values (origin gx0, gy0 in its pixels) by bilinear upsampling, where
 * pixel x sits at (x + 0.5) / f - 0.5 in block coordinates: each column's
 * coarse column X and weight a (the same for every row), then per row the
 * two coarse rows blended by b, sampled at X and X + 1. */
static int
upsample_tile (skc_tile_scratch *s, const float *values, size_t stride,
               int gx0, int gy0, int f, int x0, int y0, int w, int h, int C,
               float *dst)
{
  const int first = skc_floor_div (2 * x0 + 1 - f, 2 * f);
  const int last = skc_floor_div (2 * (x0 + w - 1) + 1 - f, 2 * f) + 1;
  if (!skc_tile_reserve (&s->between, &s->between_capacity,
                (size_t) (last - first + 1) * C)
      || (w > (int) s->column_capacity && !reserve_columns (s, (size_t) w)))
    return 0;
  for (int i = 0; i < w; i++)
    {
      int tx = 2 * (x0 + i) + 1 - f, X = skc_floor_div (tx, 2 * f);
      s->column[i] = X - first;
      s->column_weight[i] = (float) (tx - X * 2 * f) / (2 * f);
    }
  for (int j = 0; j < h; j++)
    {
      int   ty = 2 * (y0 + j) + 1 - f, Y = skc_floor_div (ty, 2 * f);
      float b = (float) (ty - Y * 2 * f) / (2 * f);
      const float *r0 = values + (size_t) (Y - gy0) * stride
                        + (size_t) (first - gx0) * C;
      upsample_row (r0, r0 + stride, b, s->between, (last - first + 1) * C,
                    s->column, s->column_weight, dst + (size_t) j * w * C, w,
                    C);
    }
  return 1;
}

/* The coarse rectangle [*lx0, *lx0 + *lw) x ... of a scale with blocks of
 * f that upsampling full-resolution [x0, x0 + w) x [y0, y0 + h) reads. */
static void
coarse_rect (int f, int x0, int y0, int w, int h, int *lx0, int *ly0,
             int *lw, int *lh)
{
  *lx0 = skc_floor_div (2 * x0 + 1 - f, 2 * f);
  *ly0 = skc_floor_div (2 * y0 + 1 - f, 2 * f);
  *lw = skc_floor_div (2 * (x0 + w - 1) + 1 - f, 2 * f) + 2 - *lx0;
  *lh = skc_floor_div (2 * (y0 + h - 1) + 1 - f, 2 * f) + 2 - *ly0;
}

/* One scale's blur of the output tile [x0, x0 + w) x [y0, y0 + h) into dst
 * (w x h x channels, unclipped). */
static int
scale_tile (const skc_engine *e, const skc_scale *sc,
            const skc_apply_request *rq, int x0, int y0, int w, int h,
            skc_tile_scratch *s, float *dst)
{
  if (sc->fft)
    return skc_fft_tile (e, sc, rq, x0, y0, w, h, s, dst);
  const int    C = rq->channels, f = sc->factor;
  const float *values = NULL;
  size_t       stride = 0;
  if (f == 1)
    {
      /* Knots and separable filters write the tile directly. */
      int direct = sc->knots
                   || (sc->filter && sc->filter->kind == SKC_FILTER_LOWRANK);
      if (!scale_values (e, sc, rq, x0, y0, w, h, s, direct ? dst : NULL,
                         &values, &stride))
        return 0;
      if (!direct)
        for (int j = 0; j < h; j++)
          memcpy (dst + (size_t) j * w * C, values + (size_t) j * stride,
                  (size_t) w * C * sizeof *dst);
      return 1;
    }
  int lx0, ly0, lw, lh;
  coarse_rect (f, x0, y0, w, h, &lx0, &ly0, &lw, &lh);
  return scale_values (e, sc, rq, lx0, ly0, lw, lh, s, NULL, &values,
                       &stride)
         && upsample_tile (s, values, stride, lx0, ly0, f, x0, y0, w, h, C,
                           dst);
}

/* How much of scale k a full-resolution radius takes. */
static float
scale_weight (const skc_engine *e, int k, double r)
{
  double top = SKC_ENGINE_SCALE_RADIUS * (1 << k);
  double handover = SKC_ENGINE_HANDOVER * top;
  double below_top = SKC_ENGINE_SCALE_RADIUS * (k > 0 ? 1 << (k - 1) : 0);
  double below_handover = SKC_ENGINE_HANDOVER * below_top;
  int    last = k == e->scale_count - 1;
  if (k > 0 && r <= below_handover)
    return 0;
  if (k > 0 && r < below_top)
    return (float) ((r - below_handover) / (below_top - below_handover));
  if (last || r <= handover)
    return 1;
  if (r < top)
    return (float) (1 - (r - handover) / (top - handover));
  return 0;
}

/* What one worker keeps across tiles: per-scale scratch (with the taps it
 * built) and the tile's accumulation buffers, so tiles allocate nothing. */
typedef struct
{
  skc_tile_scratch scale[SKC_ENGINE_MAX_SCALES];
  float           *acc, *part, *weight, *radius;
  size_t           acc_capacity, part_capacity, weight_capacity;
  size_t           radius_capacity;
} engine_worker;

static void
engine_worker_free (engine_worker *w)
{
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    skc_tile_scratch_free (&w->scale[k]);
  free (w->acc);
  free (w->part);
  free (w->weight);
  free (w->radius);
}

/* A coarse scale's values over everything a region's upsampling reads
 * (multi-scale engines): computed once per process call, cell by cell,
 * instead of once per tile with each tile's wide margins. */
typedef struct
{
  float *values; /* width x height x channels, origin x0, y0 (its pixels) */
  int    x0, y0, width, height;
} coarse_plane;

/* Coarse cells of a plane: this many of the scale's pixels, on a grid
 * aligned to its origin (so knots blocks start on them). */
#define COARSE_CELL 256

/* The bounding box [*x0, *x1) x [*y0, *y1) of the pixels with weight on
 * scale k within [sx0, sx1) x [sy0, sy1) of the output o, from the rows'
 * ranges in row_use (see tile_job) (a superset: a row's range may have gaps); empty: *x1 <= *x0. */
static void
used_box (const int *row_use, const skc_view *o, int k, int sx0, int sy0,
          int sx1, int sy1, int *x0, int *y0, int *x1, int *y1)
{
  sx0 = sx0 > o->x ? sx0 : o->x;
  sy0 = sy0 > o->y ? sy0 : o->y;
  sx1 = sx1 < o->x + o->width ? sx1 : o->x + o->width;
  sy1 = sy1 < o->y + o->height ? sy1 : o->y + o->height;
  *x0 = sx1, *y0 = sy1, *x1 = sx0, *y1 = sy0;
  for (int y = sy0; y < sy1; y++)
    {
      const int *use = row_use
                       + ((size_t) (y - o->y) * SKC_ENGINE_MAX_SCALES + k) * 2;
      int first = use[0] > sx0 ? use[0] : sx0;
      int last = use[1] < sx1 ? use[1] : sx1;
      if (first >= last)
        continue;
      *x0 = first < *x0 ? first : *x0;
      *x1 = last > *x1 ? last : *x1;
      *y0 = y < *y0 ? y : *y0;
      *y1 = y + 1;
    }
}

/* acc += part x weight on the rectangle [i0, i0 + sw) x [j0, j0 + sh) of a
 * w-wide tile; part holds just that rectangle. */
HOT_LOOP static void
add_weighted (float *restrict acc, const float *restrict part,
              const float *restrict weight, int w, int i0, int j0, int sw,
              int sh, int C)
{
  for (int j = 0; j < sh; j++)
    {
      float       *a = acc + ((size_t) (j0 + j) * w + i0) * C;
      const float *p = part + (size_t) j * sw * C;
      const float *wt = weight + (size_t) (j0 + j) * w + i0;
      if (C == 4)
        for (int i = 0; i < sw; i++)
          for (int c = 0; c < 4; c++)
            a[(size_t) i * 4 + c] += p[(size_t) i * 4 + c] * wt[i];
      else
        for (int i = 0; i < sw; i++)
          for (int c = 0; c < C; c++)
            a[(size_t) i * C + c] += p[(size_t) i * C + c] * wt[i];
    }
}

/* Clips premultiplied pixels: alpha to 0..1, colour to 0..alpha.  RGBA
 * (the common case) has its own loop, which the compiler vectorises. */
HOT_LOOP static void
clip_premultiplied (const float *restrict src, float *restrict dst, int w,
                    int C, int alpha)
{
  if (C == 4 && alpha == 3)
    {
      for (int i = 0; i < w; i++)
        {
          const float *sp = src + (size_t) i * 4;
          float       *dp = dst + (size_t) i * 4;
          float a = sp[3] < 0 ? 0 : sp[3] > 1 ? 1 : sp[3];
          for (int c = 0; c < 4; c++)
            {
              float top = c == 3 ? 1.0f : a;
              dp[c] = sp[c] < 0 ? 0 : sp[c] > top ? top : sp[c];
            }
        }
      return;
    }
  for (int i = 0; i < w; i++)
    {
      const float *sp = src + (size_t) i * C;
      float       *dp = dst + (size_t) i * C;
      float a = sp[alpha] < 0 ? 0 : sp[alpha] > 1 ? 1 : sp[alpha];
      for (int c = 0; c < C; c++)
        {
          float v = sp[c] < 0 ? 0 : sp[c] > a ? a : sp[c];
          dp[c] = c == alpha ? a : v;
        }
    }
}

static int
engine_tile (const skc_engine *e, const skc_apply_request *rq,
             const coarse_plane *planes, const int *row_use, int x0, int y0,
             int w, int h, engine_worker *worker)
{
  const int C = rq->channels;
  size_t    n = (size_t) w * h * C;
  /* Several scales (a map, or cat-eye at a large radius) share pixels. */
  int       need_weight = e->scale_count - e->first_scale > 1;
  int ok = skc_tile_reserve (&worker->acc, &worker->acc_capacity, n)
           && skc_tile_reserve (&worker->part, &worker->part_capacity, n)
           && (!need_weight
               || skc_tile_reserve (&worker->weight, &worker->weight_capacity,
                           (size_t) w * h));
  float *acc = worker->acc, *part = worker->part;
  float *weight = need_weight ? worker->weight : NULL;
  /* Each pixel's radius, once: the scales' weights all derive from it. */
  float *radius = NULL;
  if (ok && weight)
    {
      ok = skc_tile_reserve (&worker->radius, &worker->radius_capacity, (size_t) w * h);
      radius = worker->radius;
      float last_value = NAN, last_radius = 0;
      const skc_view *m = &rq->map;
      for (int j = 0; ok && j < h; j++)
        for (int i = 0; i < w; i++)
          {
            /* The output lies in the input, which the map covers. */
            float v = 0;
            if (e->with_map)
              {
                v = m->pixels[(size_t) (y0 + j - m->y) * m->stride + x0 + i
                              - m->x];
                v = isfinite (v) ? v : 0;
              }
            if (v != last_value)
              {
                last_radius = e->with_map
                                ? (float) skc_engine_map_radius (e, v)
                                : (float) e->params.radius;
                last_value = v;
              }
            radius[(size_t) j * w + i] = last_radius;
          }
    }
  /* acc is cleared before the first weighted sum; a scale with weight 1 on
     the whole tile (the others then have none) writes it directly. */
  int acc_ready = 0;
  for (int k = e->first_scale; ok && k < e->scale_count; k++)
    {
      const skc_scale *sc = &e->scales[k];
      /* With several scales each runs only on the rectangle of the pixels
         it has weight on (a band of a tilt-shift map): every pixel's value
         on a scale is the same whatever rectangle it is computed in. */
      int i0 = 0, i1 = w - 1, j0 = 0, j1 = h - 1, all_one = 1;
      if (weight)
        {
          /* Weights only where the rows say the scale is used. */
          int bx0, by0, bx1, by1;
          used_box (row_use, &rq->output, k, x0, y0, x0 + w, y0 + h, &bx0,
                    &by0, &bx1, &by1);
          if (bx1 <= bx0)
            continue;
          all_one = bx0 == x0 && by0 == y0 && bx1 == x0 + w && by1 == y0 + h;
          i0 = w, i1 = -1, j0 = h, j1 = -1;
          float last_radius = NAN, v = 0;
          for (int j = by0 - y0; j < by1 - y0; j++)
            for (int i = bx0 - x0; i < bx1 - x0; i++)
              {
                float r = radius[(size_t) j * w + i];
                if (r != last_radius)
                  v = scale_weight (e, k, r), last_radius = r;
                weight[(size_t) j * w + i] = v;
                all_one &= v == 1;
                if (v > 0)
                  {
                    i0 = i < i0 ? i : i0;
                    i1 = i > i1 ? i : i1;
                    j0 = j < j0 ? j : j0;
                    j1 = j;
                  }
              }
        }
      if (i1 < i0)
        continue;
      int sw = i1 - i0 + 1, sh = j1 - j0 + 1;
      int direct = !weight || all_one;
      const coarse_plane *plane = planes && planes[k].values ? &planes[k]
                                                            : NULL;
      if (plane)
        ok = upsample_tile (&worker->scale[k], plane->values,
                            (size_t) plane->width * C, plane->x0, plane->y0,
                            sc->factor, x0 + i0, y0 + j0, sw, sh, C,
                            direct ? acc : part);
      else
        ok = scale_tile (e, sc, rq, x0 + i0, y0 + j0, sw, sh,
                         &worker->scale[k], direct ? acc : part);
      if (!ok)
        break;
      if (direct)
        {
          acc_ready = 1;
          continue;
        }
      if (!acc_ready)
        memset (acc, 0, n * sizeof *acc);
      acc_ready = 1;
      add_weighted (acc, part, weight, w, i0, j0, sw, sh, C);
    }
  if (ok && !acc_ready)
    memset (acc, 0, n * sizeof *acc); /* no scale has weight: 0 */

  /* Write the tile, clipped if asked. */
  const skc_view *out = &rq->output;
  for (int j = 0; ok && j < h; j++)
    {
      float *dst = out->pixels + (size_t) (y0 + j - out->y) * out->stride
                   + (size_t) (x0 - out->x) * C;
      const float *src = acc + (size_t) j * w * C;
      if (!e->params.clip || rq->alpha < 0)
        {
          /* Plain rows: a copy, or a clamp the compiler vectorises. */
          const size_t row_floats = (size_t) w * C;
          if (!e->params.clip)
            memcpy (dst, src, row_floats * sizeof *dst);
          else
            for (size_t i = 0; i < row_floats; i++)
              dst[i] = src[i] < 0 ? 0 : src[i] > 1 ? 1 : src[i];
          continue;
        }
      clip_premultiplied (src, dst, w, C, rq->alpha);
    }
  return ok;
}

/* The cells of side `size`, on a grid aligned to the origin, that meet
 * the rectangle [x, x + w) x [y, y + h): across x down of them from cell
 * (first_x, first_y). */
typedef struct
{
  int size, first_x, first_y, across, down;
  int x, y, w, h;
} cell_grid;

static cell_grid
grid_over (int size, int x, int y, int w, int h)
{
  cell_grid g = { size, skc_floor_div (x, size), skc_floor_div (y, size), 0,
                  0, x, y, w, h };
  g.across = skc_floor_div (x + w - 1, size) - g.first_x + 1;
  g.down = skc_floor_div (y + h - 1, size) - g.first_y + 1;
  return g;
}

/* Cell `index` (row by row) clipped to the rectangle: [*x0, *x1) x
 * [*y0, *y1). */
static void
grid_cell (const cell_grid *g, int index, int *x0, int *y0, int *x1, int *y1)
{
  int cx = (g->first_x + index % g->across) * g->size;
  int cy = (g->first_y + index / g->across) * g->size;
  *x0 = cx > g->x ? cx : g->x;
  *y0 = cy > g->y ? cy : g->y;
  *x1 = cx + g->size < g->x + g->w ? cx + g->size : g->x + g->w;
  *y1 = cy + g->size < g->y + g->h ? cy + g->size : g->y + g->h;
}

typedef struct
{
  const skc_engine        *engine;
  const skc_apply_request *request;
  cell_grid                tiles; /* over the output, e->tile wide */
  atomic_int               failed;
  engine_worker           *workers;
  coarse_plane             planes[SKC_ENGINE_MAX_SCALES];
  /* Coarse cells: scale k's are numbered from first_cell[k], on the grid
     cells[k] over its plane. */
  int       first_cell[SKC_ENGINE_MAX_SCALES + 1];
  cell_grid cells[SKC_ENGINE_MAX_SCALES];
  /* Per output row y (from the output's top) and scale k: the first and
     one past the last column with weight there, at
     row_use[(y * SKC_ENGINE_MAX_SCALES + k) * 2] (empty: first >= last). */
  int *row_use;
} tile_job;

/* Rows of row_use found per parallel item. */
#define ROW_USE_BAND 64

/* Fills job->row_use for the output rows of band `index`. */
static void
find_row_use (void *user, int index)
{
  tile_job                *job = user;
  const int begin = index * ROW_USE_BAND;
  const int end = begin + ROW_USE_BAND < job->request->output.height
                      ? begin + ROW_USE_BAND
                      : job->request->output.height;
  const skc_engine        *e = job->engine;
  const skc_apply_request *rq = job->request;
  const skc_view          *o = &rq->output, *m = &rq->map;
  float                    last_value = NAN;
  float                    weights[SKC_ENGINE_MAX_SCALES] = { 0 };
  for (int j = begin; j < end; j++)
    {
      int *use = job->row_use + (size_t) j * SKC_ENGINE_MAX_SCALES * 2;
      for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
        use[2 * k] = o->x + o->width, use[2 * k + 1] = o->x;
      const float *row = e->with_map ? m->pixels
                                           + (size_t) (o->y + j - m->y)
                                                 * m->stride
                                           - m->x
                                     : NULL;
      /* Runs of one map value: each run's scales take its columns. */
      int run_start = o->x;
      for (int x = o->x; x <= o->x + o->width; x++)
        {
          float v = x == o->x + o->width ? NAN
                    : row                ? (isfinite (row[x]) ? row[x] : 0)
                                         : 0;
          if (v == last_value)
            continue;
          for (int k = e->first_scale; x > run_start && k < e->scale_count;
               k++)
            if (weights[k] > 0)
              {
                use[2 * k] = run_start < use[2 * k] ? run_start : use[2 * k];
                use[2 * k + 1] = x;
              }
          if (x == o->x + o->width)
            break;
          double r = row ? skc_engine_map_radius (e, v) : e->params.radius;
          for (int k = e->first_scale; k < e->scale_count; k++)
            weights[k] = scale_weight (e, k, r);
          last_value = v;
          run_start = x;
        }
      last_value = NAN; /* the next row starts a run */
    }
}

/* Whether the call failed or was cancelled: work items then stop. */
static int
job_stopped (tile_job *job)
{
  const skc_engine *e = job->engine;
  return atomic_load (&job->failed)
         || skc_cancel_raised (e->params.cancel);
}

/* One coarse cell of one scale into its plane (zeros where unused). */
static void
run_coarse_cell (void *user, int index, int worker)
{
  tile_job                *job = user;
  const skc_engine        *e = job->engine;
  const skc_apply_request *rq = job->request;
  if (job_stopped (job))
    return;
  int k = e->first_scale;
  while (index >= job->first_cell[k + 1])
    k++;
  int                 cell = index - job->first_cell[k];
  const coarse_plane *pl = &job->planes[k];
  const int           C = rq->channels;
  int                 cx0, cy0, cx1, cy1;
  grid_cell (&job->cells[k], cell, &cx0, &cy0, &cx1, &cy1);
  const size_t stride = (size_t) pl->width * C;
  float *dst = pl->values + (size_t) (cy0 - pl->y0) * stride
               + (size_t) (cx0 - pl->x0) * C;
  for (int j = 0; j < cy1 - cy0; j++)
    memset (dst + (size_t) j * stride, 0,
            (size_t) (cx1 - cx0) * C * sizeof *dst);
  /* Only the part of the cell that pixels with weight here read: every
     coarse value is the same whatever rectangle computes it, and the rest
     is never used. */
  const int f = e->scales[k].factor;
  int       ux0, uy0, ux1, uy1;
  used_box (job->row_use, &rq->output, k, (cx0 - 1) * f, (cy0 - 1) * f,
            (cx1 + 1) * f, (cy1 + 1) * f, &ux0, &uy0, &ux1, &uy1);
  if (ux1 <= ux0 || uy1 <= uy0)
    return;
  int lx0, ly0, lw, lh;
  coarse_rect (f, ux0, uy0, ux1 - ux0, uy1 - uy0, &lx0, &ly0, &lw, &lh);
  int rx0 = lx0 > cx0 ? lx0 : cx0, ry0 = ly0 > cy0 ? ly0 : cy0;
  int rx1 = lx0 + lw < cx1 ? lx0 + lw : cx1;
  int ry1 = ly0 + lh < cy1 ? ly0 + lh : cy1;
  if (rx1 <= rx0 || ry1 <= ry0)
    return;
  const float *values = NULL;
  size_t       values_stride = 0;
  if (!scale_values (e, &e->scales[k], rq, rx0, ry0, rx1 - rx0, ry1 - ry0,
                     &job->workers[worker].scale[k], NULL, &values,
                     &values_stride))
    {
      atomic_store (&job->failed, 1);
      return;
    }
  for (int j = ry0; j < ry1; j++)
    memcpy (pl->values + (size_t) (j - pl->y0) * stride
                + (size_t) (rx0 - pl->x0) * C,
            values + (size_t) (j - ry0) * values_stride,
            (size_t) (rx1 - rx0) * C * sizeof *dst);
}

/* The planes of a multi-scale engine's coarse scales for the request's
 * output, and their cells; 0 when out of memory. */
static int
plan_coarse_planes (tile_job *job)
{
  const skc_engine        *e = job->engine;
  const skc_apply_request *rq = job->request;
  const skc_view          *o = &rq->output;
  int                      cells = 0;
  for (int k = e->first_scale; k < e->scale_count; k++)
    {
      job->first_cell[k] = cells;
      job->first_cell[k + 1] = cells;
      const int f = e->scales[k].factor;
      if (f == 1 || e->scales[k].fft)
        continue;
      coarse_plane *pl = &job->planes[k];
      coarse_rect (f, o->x, o->y, o->width, o->height, &pl->x0, &pl->y0,
                   &pl->width, &pl->height);
      pl->values = malloc ((size_t) pl->width * pl->height * rq->channels
                           * sizeof *pl->values);
      if (!pl->values)
        return 0;
      job->cells[k] = grid_over (COARSE_CELL, pl->x0, pl->y0, pl->width,
                                 pl->height);
      cells += job->cells[k].across * job->cells[k].down;
      job->first_cell[k + 1] = cells;
    }
  return 1;
}


static void
run_tile (void *user, int index, int worker)
{
  tile_job *job = user;
  if (job_stopped (job))
    return;
  /* Tiles are the cells of a grid aligned to the image origin, so that
     most start on a knots block whatever region is asked for. */
  int x0, y0, x1, y1;
  grid_cell (&job->tiles, index, &x0, &y0, &x1, &y1);
  if (!engine_tile (job->engine, job->request, job->planes, job->row_use, x0,
                    y0, x1 - x0, y1 - y0, &job->workers[worker]))
    atomic_store (&job->failed, 1);
}

/* The engine's pool of working memory: calls take what is there and give
 * it back; concurrent calls each get their own (the pool is only touched
 * under its lock).  At most POOL_KEEP sets are kept. */
#define POOL_KEEP 8
struct skc_worker_pool
{
  pthread_mutex_t lock;
  engine_worker   kept[POOL_KEEP];
  int             count;
};
static pthread_mutex_t pool_create_lock = PTHREAD_MUTEX_INITIALIZER;

static struct skc_worker_pool *
worker_pool (const skc_engine *e)
{
  /* Made on first use: the engine is shared read-only between calls, its
     pool pointer is the one field set after preparation. */
  skc_engine *mutable_engine = (skc_engine *) e;
  pthread_mutex_lock (&pool_create_lock);
  if (!mutable_engine->pool)
    {
      struct skc_worker_pool *p = calloc (1, sizeof *p);
      if (p && pthread_mutex_init (&p->lock, NULL) != 0)
        {
          free (p);
          p = NULL;
        }
      mutable_engine->pool = p;
    }
  struct skc_worker_pool *p = mutable_engine->pool;
  pthread_mutex_unlock (&pool_create_lock);
  return p;
}

static void
worker_pool_take (const skc_engine *e, engine_worker *workers, int n)
{
  struct skc_worker_pool *p = worker_pool (e);
  if (!p)
    return;
  pthread_mutex_lock (&p->lock);
  for (int i = 0; i < n && p->count > 0; i++)
    workers[i] = p->kept[--p->count];
  pthread_mutex_unlock (&p->lock);
}

static void
worker_pool_give (const skc_engine *e, engine_worker *workers, int n)
{
  struct skc_worker_pool *p = e->pool;
  int i = 0;
  if (p)
    {
      pthread_mutex_lock (&p->lock);
      for (; i < n && p->count < POOL_KEEP; i++)
        p->kept[p->count++] = workers[i];
      pthread_mutex_unlock (&p->lock);
    }
  for (; i < n; i++)
    engine_worker_free (&workers[i]);
}

void
skc_worker_pool_free (struct skc_worker_pool *p)
{
  if (!p)
    return;
  for (int i = 0; i < p->count; i++)
    engine_worker_free (&p->kept[i]);
  pthread_mutex_destroy (&p->lock);
  free (p);
}

static int
contains (const skc_view *outer, const skc_view *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y
         && inner->x + inner->width <= outer->x + outer->width
         && inner->y + inner->height <= outer->y + outer->height;
}

skc_result
skc_engine_process (const skc_engine *e, const skc_apply_request *rq,
                    skc_error *err)
{
  if (!e || !rq)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no engine or request");
  if (rq->channels < 1 || rq->channels > 4 || rq->alpha >= rq->channels
      || rq->alpha < -1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "1..4 channels with the alpha index among them");
  if (rq->output.width < 0 || rq->output.height < 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "negative output size");
  if (rq->output.width == 0 || rq->output.height == 0)
    return SKC_OK;
  skc_view image = { NULL, 0, 0, 0, rq->image_width, rq->image_height };
  if (!rq->input.pixels || !rq->output.pixels || rq->input.width < 1
      || rq->input.height < 1 || !contains (&image, &rq->input)
      || !contains (&image, &rq->output) || !contains (&rq->input, &rq->output)
      || rq->input.stride < (size_t) rq->input.width * rq->channels
      || rq->output.stride < (size_t) rq->output.width * rq->channels)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the input must lie in the image and cover the output");
  if (e->with_map
      && (!rq->map.pixels || rq->map.x != rq->input.x
          || rq->map.y != rq->input.y || rq->map.width != rq->input.width
          || rq->map.height != rq->input.height
          || rq->map.stride < (size_t) rq->map.width))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the blur map must cover the input rectangle");

  tile_job job = { .engine = e, .request = rq };
  atomic_init (&job.failed, 0);
  job.tiles = grid_over (e->tile, rq->output.x, rq->output.y,
                         rq->output.width, rq->output.height);
  int tiles = job.tiles.across * job.tiles.down;
  int workers = skc_parallel_workers (tiles, e->params.threads);
  job.workers = calloc (workers, sizeof *job.workers);
  if (!job.workers)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  worker_pool_take (e, job.workers, workers);
  /* Multi-scale engines: the coarse scales first, then the tiles. */
  if (e->scale_count - e->first_scale > 1)
    {
      job.row_use = malloc ((size_t) rq->output.height * SKC_ENGINE_MAX_SCALES
                            * 2 * sizeof *job.row_use);
      if (!job.row_use || !plan_coarse_planes (&job))
        atomic_store (&job.failed, 1);
      else
        skc_parallel_for ((rq->output.height + ROW_USE_BAND - 1)
                              / ROW_USE_BAND,
                          e->params.threads, find_row_use, &job);
      int cells = job.first_cell[e->scale_count];
      if (cells > 0 && !atomic_load (&job.failed))
        {
          /* Fewer cells than tiles: never more workers than scratch. */
          int threads = skc_parallel_workers (cells, e->params.threads);
          threads = threads < workers ? threads : workers;
          skc_parallel_for_workers (cells, threads, run_coarse_cell, &job);
        }
    }
  if (!atomic_load (&job.failed))
    skc_parallel_for_workers (tiles, e->params.threads, run_tile, &job);
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    free (job.planes[k].values);
  free (job.row_use);
  worker_pool_give (e, job.workers, workers);
  free (job.workers);
  if (skc_cancel_raised (e->params.cancel))
    return skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
  if (atomic_load (&job.failed))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                     "out of memory for a %dx%d tile with a %d px margin",
                     e->tile, e->tile, e->reach);
  return SKC_OK;
}

skc_result
skc_apply_image (const skc_engine *e, const skc_image *in, int alpha,
                 const skc_image *map, skc_image *out, skc_error *err)
{
  if (!in || !in->data)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no input image");
  if (e->with_map
      && (!map || !map->data || map->channels != 1 || map->width != in->width
          || map->height != in->height))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the blur map must be one channel of the image's size "
                     "(%dx%d)",
                     in->width, in->height);
  skc_result r = skc_image_alloc (out, in->width, in->height, in->channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory for a %dx%d result", in->width,
                     in->height);
  skc_apply_request rq = {
    .image_width = in->width,
    .image_height = in->height,
    .channels = in->channels,
    .alpha = alpha,
    .input = { in->data, in->stride, 0, 0, in->width, in->height },
    .output = { out->data, out->stride, 0, 0, in->width, in->height },
  };
  if (map && map->data)
    rq.map = (skc_view) { map->data, map->stride, 0, 0, map->width,
                          map->height };
  r = skc_engine_process (e, &rq, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}
