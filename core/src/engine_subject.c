/* skc — a sharp subject in front of a blurred background (params.depth
 * SUBJECT): portrait mode from a selection or a mask, for images that have
 * no depth map.
 *
 * The mask is the subject's coverage a (after invert-map and map-gamma),
 * not a depth: a soft edge (a feathered selection, hair) is part subject
 * and part background, never a band of intermediate depths.  So:
 *  1. the background is the image where a is (nearly) 0, clear of the
 *     subject; elsewhere the subject hides it (hidden pixels), and its
 *     colour there is filled in from the clear pixels around it by the
 *     bounded pull-push (engine_fill.c), so that no colour of the subject
 *     is in it;
 *  2. that background is blurred uniformly by the engine itself, which
 *     was planned without the map (any shape, quality, highlights, swirl
 *     and cat-eye);
 *  3. out = a x in + (1 - a) x blurred: the subject as it is, its edge
 *     over a background that nothing of the subject leaks into (no halo)
 *     and that does not bleed into the subject.
 *
 * The limit.  A pixel of coverage between 1/128 and 1 is hidden for the
 * fill yet blurs with (1 - a) of the background, so a wide half-transparent
 * matte would need the fill to reach arbitrarily far.  The fill is bounded
 * instead: it runs skc_subject_fill_levels (R) levels (the fewest with
 * 2^levels > ceil (R) + SKC_SUBJECT_SOFT_DEPTH, 64), so every hidden pixel
 * within ceil (R) + 64 px (chessboard) of a clear one is filled, and none
 * beyond 2^(levels + 1) px is; a hidden pixel the fill leaves without
 * anything known keeps its own colour.  A soft edge up to 64 px deep is
 * therefore blurred from the background alone; deeper inside a wide soft matte
 * the background blur takes some of the subject's own colour.
 *
 * Tiles of the output (a grid aligned to the origin) run in parallel, each
 * from the input around it (the blur's reach, and the fill's sources
 * around that): every value a tile computes is the same in any other
 * tiling (the fill is aligned to the image origin and bounded, the blur is
 * the engine's), so results depend neither on the tiling, nor on the
 * region asked for, nor on the thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Pixels covered by the subject up to this much are background as they
 * are (an 8-bit mask's faintest levels are noise, not subject). */
#define SKC_SUBJECT_CLEAR (1.0 / 128)

struct skc_subject
{
  /* The engine as planned, as a uniform blur: its scales are the subject
     engine's (not owned), its working memory its own. */
  skc_engine *blur;
  int levels; /* the fill's */
  int tile;   /* output tile side */
  /* An FFT blur computes whole cells of this side (else 0), reading
     blur_read px around them; other blurs read blur_read around any
     region. */
  int cell, blur_read;
};

int
skc_subject_fill_levels (double radius)
{
  return skc_fill_levels ((int) ceil (radius) + SKC_SUBJECT_SOFT_DEPTH);
}

skc_result
skc_subject_prepare (skc_engine *e, skc_error *err)
{
  struct skc_subject *S = calloc (1, sizeof *S);
  skc_engine *blur = malloc (sizeof *blur);
  if (!S || !blur)
    {
      free (S);
      free (blur);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  *blur = *e;
  blur->subject = 0;
  blur->subject_state = NULL;
  blur->params.depth = SKC_DEPTH_NONE;
  blur->pool = NULL;
  S->blur = blur;
  S->levels = skc_subject_fill_levels (e->params.radius);
  /* FFT tiles are its cells, transformed whole: whole cells per tile, and
     the input a cell reads (its reach is from any pixel of a cell). */
  S->tile = e->options.layers_tile;
  S->blur_read = blur->reach;
  const skc_scale *first = &e->scales[e->first_scale];
  if (first->kind == SKC_SCALE_FFT)
    {
      S->cell = first->fft.cell;
      S->tile = (S->tile + S->cell - 1) / S->cell * S->cell;
      S->blur_read = first->fft.half;
    }
  e->subject_state = S;
  /* A tile reads the blur's reach around it, and the fill's sources
     around that. */
  e->reach = blur->reach + (2 << S->levels);
  return SKC_OK;
}

void
skc_subject_free (skc_engine *e)
{
  struct skc_subject *S = e->subject_state;
  if (!S)
    return;
  skc_worker_pool_free (S->blur->pool);
  free (S->blur);
  free (S);
  e->subject_state = NULL;
}

/* A worker's memory, kept across its tiles. */
typedef struct
{
  float *cover, *background, *source, *weight, *filled, *known, *blurred;
  size_t cover_capacity, background_capacity, source_capacity, weight_capacity,
      filled_capacity, known_capacity, blurred_capacity;
  skc_fill_scratch fill;
} subject_worker;

static void
worker_free (void *state)
{
  subject_worker *w = state;
  free (w->cover);
  free (w->background);
  free (w->source);
  free (w->weight);
  free (w->filled);
  free (w->known);
  free (w->blurred);
  skc_fill_scratch_free (&w->fill);
}

/* Input pixel (x, y): non-finite pixels are transparent black, as the
 * engine treats them. */
static inline void
input_pixel (const skc_apply_request *rq, int x, int y, float *dst)
{
  const skc_view *in = &rq->input;
  int C = rq->channels;
  const float *src = in->pixels + (size_t) (y - in->y) * in->stride
                     + (size_t) (x - in->x) * C;
  int finite = 1;
  for (int c = 0; c < C; c++)
    finite &= isfinite (src[c]) != 0;
  for (int c = 0; c < C; c++)
    dst[c] = finite ? src[c] : 0;
}

/* The coverage of rectangle r, row by row into cover (r's width a row);
 * mask runs share one shaping (masks are mostly flat). */
static void
coverage (const skc_engine *e, const skc_apply_request *rq, skc_rect r,
          float *cover)
{
  const skc_view *m = &rq->map;
  int rw = r.x1 - r.x0;
  for (int y = r.y0; y < r.y1; y++)
    {
      const float *v = m->pixels + (size_t) (y - m->y) * m->stride - m->x;
      float *row = cover + (size_t) (y - r.y0) * rw - r.x0;
      float last = NAN, shaped = 0;
      for (int x = r.x0; x < r.x1; x++)
        {
          if (v[x] != last)
            last = v[x], shaped = (float) skc_engine_map_shaped (e, last);
          row[x] = shaped;
        }
    }
}

/* One output tile t: its background over t grown by the blur's reach
 * (hidden pixels filled), blurred, and composited under the subject. */
static skc_result
subject_tile (void *user, skc_rect t, void *state, skc_error *err)
{
  const skc_view_call *call = user;
  const skc_engine *e = call->e;
  const skc_apply_request *rq = call->rq;
  const skc_run *run = call->run;
  const int threads = call->inner_threads;
  subject_worker *w = state;
  const struct skc_subject *S = e->subject_state;
  const int W = rq->image_width, H = rq->image_height, C = rq->channels;
  const skc_view *out = &rq->output;
  int tw = t.x1 - t.x0, th = t.y1 - t.y0;
  /* The background the blur reads: around t, or around its cells. */
  skc_rect cells = t;
  if (S->cell)
    {
      cells.x0 = skc_floor_div (t.x0, S->cell) * S->cell;
      cells.y0 = skc_floor_div (t.y0, S->cell) * S->cell;
      cells.x1 = (skc_floor_div (t.x1 - 1, S->cell) + 1) * S->cell;
      cells.y1 = (skc_floor_div (t.y1 - 1, S->cell) + 1) * S->cell;
    }
  skc_rect i = skc_rect_grow (cells, S->blur_read, W, H);
  int iw = i.x1 - i.x0, ih = i.y1 - i.y0;
  size_t n = (size_t) iw * ih;
  if (!skc_tile_reserve (&w->cover, &w->cover_capacity, n))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  coverage (e, rq, i, w->cover);
  /* Under a subject that covers the whole tile, nothing of the
     background shows. */
  int shows = 0;
  for (int y = t.y0; !shows && y < t.y1; y++)
    {
      const float *a = w->cover + (size_t) (y - i.y0) * iw - i.x0;
      for (int x = t.x0; !shows && x < t.x1; x++)
        shows = a[x] < 1;
    }
  if (!shows)
    {
      for (int y = t.y0; y < t.y1; y++)
        for (int x = t.x0; x < t.x1; x++)
          input_pixel (rq, x, y,
                       out->pixels + (size_t) (y - out->y) * out->stride
                           + (size_t) (x - out->x) * C);
      return SKC_OK;
    }
  if (!skc_tile_reserve (&w->background, &w->background_capacity, n * C)
      || !skc_tile_reserve (&w->blurred, &w->blurred_capacity,
                            (size_t) tw * th * C))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* The image, and the box of its hidden pixels. */
  skc_rect need = { W, H, 0, 0 };
  for (int y = i.y0; y < i.y1; y++)
    {
      const float *a = w->cover + (size_t) (y - i.y0) * iw - i.x0;
      float *row = w->background + ((size_t) (y - i.y0) * iw - i.x0) * C;
      for (int x = i.x0; x < i.x1; x++)
        {
          input_pixel (rq, x, y, row + (size_t) x * C);
          if (a[x] > SKC_SUBJECT_CLEAR)
            {
              need.x0 = x < need.x0 ? x : need.x0;
              need.x1 = x + 1 > need.x1 ? x + 1 : need.x1;
              need.y0 = y < need.y0 ? y : need.y0;
              need.y1 = y + 1;
            }
        }
    }
  if (need.x1 > need.x0)
    {
      /* The fill of the hidden pixels from the clear ones around. */
      skc_rect src;
      skc_fill_source (S->levels, W, H, &need, &src);
      int sw = src.x1 - src.x0, nw = need.x1 - need.x0;
      size_t sn = (size_t) sw * (src.y1 - src.y0);
      size_t nn = (size_t) nw * (need.y1 - need.y0);
      if (!skc_tile_reserve (&w->source, &w->source_capacity, sn * C)
          || !skc_tile_reserve (&w->weight, &w->weight_capacity, sn)
          || !skc_tile_reserve (&w->filled, &w->filled_capacity, nn * C)
          || !skc_tile_reserve (&w->known, &w->known_capacity, nn))
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      /* The weights first (the coverage, in place), then the clear
         pixels' colours. */
      coverage (e, rq, src, w->weight);
      for (int y = src.y0; y < src.y1; y++)
        for (int x = src.x0; x < src.x1; x++)
          {
            size_t k = (size_t) (y - src.y0) * sw + (x - src.x0);
            int clear = w->weight[k] <= SKC_SUBJECT_CLEAR;
            w->weight[k] = clear ? 1.0f : 0.0f;
            /* Hidden ones are 0 (their weight): the push multiplies. */
            if (clear)
              input_pixel (rq, x, y, w->source + k * C);
            else
              memset (w->source + k * C, 0, C * sizeof (float));
          }
      if (!skc_fill (S->levels, W, H, C, w->source, w->weight, (size_t) sw,
                     &src, &need, w->filled, w->known, (size_t) nw, &w->fill))
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
      /* A hidden pixel the fill reaches takes its value; one it does not
         keeps its own colour (the limit: see the top). */
      for (int y = need.y0; y < need.y1; y++)
        {
          const float *a = w->cover + (size_t) (y - i.y0) * iw - i.x0;
          float *row = w->background + ((size_t) (y - i.y0) * iw - i.x0) * C;
          const float *filled
              = w->filled + ((size_t) (y - need.y0) * nw - need.x0) * C;
          const float *known = w->known + (size_t) (y - need.y0) * nw - need.x0;
          for (int x = need.x0; x < need.x1; x++)
            if (a[x] > SKC_SUBJECT_CLEAR && known[x] > 0)
              memcpy (row + (size_t) x * C, filled + (size_t) x * C,
                      C * sizeof (float));
        }
    }
  /* The background's blur over the tile. */
  skc_apply_request bq = {
    .image_width = W,
    .image_height = H,
    .channels = C,
    .alpha = rq->alpha,
    .input = { w->background, (size_t) iw * C, i.x0, i.y0, iw, ih },
    .output = { w->blurred, (size_t) tw * C, t.x0, t.y0, tw, th },
  };
  skc_run inner = { .threads = threads, .cancel = run->cancel };
  skc_result res = skc_engine_process (S->blur, &bq, &inner, err);
  if (res != SKC_OK)
    return res;
  /* out = a in + (1 - a) blurred; the subject where it covers all. */
  float own[4];
  for (int y = t.y0; y < t.y1; y++)
    {
      const float *a = w->cover + (size_t) (y - i.y0) * iw - i.x0;
      const float *b = w->blurred + ((size_t) (y - t.y0) * tw - t.x0) * C;
      float *dst = out->pixels + (size_t) (y - out->y) * out->stride
                   - (size_t) out->x * C;
      for (int x = t.x0; x < t.x1; x++)
        {
          input_pixel (rq, x, y, own);
          float *d = dst + (size_t) x * C;
          const float *bx = b + (size_t) x * C;
          for (int c = 0; c < C; c++)
            d[c] = a[x] >= 1 ? own[c] : a[x] * own[c] + (1 - a[x]) * bx[c];
        }
    }
  return SKC_OK;
}

skc_result
skc_subject_process (const skc_engine *e, const skc_apply_request *rq,
                     const skc_run *run, skc_error *err)
{
  const struct skc_subject *S = e->subject_state;
  const skc_view *o = &rq->output;
  /* The first NaN the input rectangle holds is named. */
  const skc_view *m = &rq->map;
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      if (!isfinite (m->pixels[(size_t) y * m->stride + x]))
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "subject mask: pixel (%d, %d) is not a number",
                         m->x + x, m->y + y);
  skc_cell_grid tiles
      = skc_grid_over (S->tile, o->x, o->y, o->width, o->height);
  /* One tile: its blur takes the threads (the same bits either way). */
  skc_view_call call
      = { e, rq, run, tiles.across * tiles.down == 1 ? run->threads : 1 };
  return skc_view_tiles_run (S->tile, o, run, sizeof (subject_worker),
                             worker_free, subject_tile, &call, err);
}
