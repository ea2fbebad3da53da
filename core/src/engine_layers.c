/* skc — depth-aware blur (occlusion) on layers: the map is depth as well
 * as blur (params.depth), so near things hide what lies behind them.
 *
 *  1. each pixel's signed radius, rho = radius x (v - focus) after
 *     invert-map and map-gamma, positive toward the near end (white with
 *     white-near, black with black-near), and its layer: bins a quarter
 *     pixel wide up to 8 px, then 1/32 of the radius wide, on each side of
 *     the focus; a layer blurs with its bin's radius (a function of the
 *     bin alone, so that every tile blurs it alike);
 *  2. what hides what: a depth edge's near side is a pixel with a
 *     neighbour more than one bin farther; a pixel lies near an edge when
 *     such a pixel, no more than one bin nearer than it, lies within
 *     about twice the largest radius (in blocks of 8 px aligned to the
 *     origin).  A layer is hidden by the pixels 8 or more bins nearer, and
 *     by those nearer by less only where they lie near an edge: elsewhere
 *     (a slope, a floor, a surface's inside) layers less than 8 bins apart
 *     are one surface and add up, as that surface's own blur would, so
 *     its layers meet without seams (a layer filled and seen through the
 *     next one's blurred edge left one wherever two met);
 *  3. far to near, each layer is its pixels' colour times coverage, and
 *     under the nearer pixels near an edge that hide it (within the fill
 *     distance of its own pixels: the largest radius a map can give plus
 *     its own) its colour filled in by a bounded pull-push (engine_fill.c)
 *     from its own pixels (but those on an edge in depth, which hold some
 *     of the nearer thing's colour, and are filled too); blurred uniformly
 *     by an engine of its radius (any shape, highlights, swirl, cat-eye),
 *     colour times coverage and coverage alike (coverage is the alpha
 *     channel, or one added), and where a layer within 8 bins behind it
 *     needs it, its hiding part (its pixels near an edge and all it
 *     fills) on its own;
 *  4. composited near to far, C += T blur (L a), T the product of
 *     1 - blur (a) over the layers 8 or more bins nearer and of 1 - the
 *     blur of their hiding part over those nearer by less (back to front's
 *     C = blur (L a) + (1 - blur (a)) C where layers hide each other, their
 *     sum where they add up), so that a layer is blurred only where the
 *     nearer ones leave something to see (T > 0: behind a sharp opaque
 *     subject, nothing); without an alpha channel the colour is divided
 *     by the coverage at the end.
 * Tiles of the output (a grid aligned to the origin) run in parallel, each
 * from the input around it: only the layers present there, each over the
 * tile's open part grown by its blur's reach, filled only where something
 * needs it.
 * Every value a tile computes is the same in any other tiling (the fill's
 * pyramid and the edges' blocks are aligned to the image origin and
 * bounded; the distances are exact within their reach; factors of T are
 * taken in the same order), so results depend neither on the tiling, nor
 * on the region asked for, nor on the thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <limits.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Bins a quarter pixel wide up to 8 px (32 of them), then 1/32 of the
 * radius wide (the same width at the join). */
#define SKC_LAYERS_QUARTERS 32
#define SKC_LAYERS_GROWTH (1 + 1.0 / 32)
/* One surface: a layer is hidden by the pixels at least SKC_LAYERS_APART
 * bins nearer, and by those nearer by less only where they lie near a
 * depth edge (see near_edges); otherwise they add up with it. */
#define SKC_LAYERS_APART 8
/* A smooth surface (see smooth_blocks): no depth edge near, two layers
 * or more across the largest kernel (one layer alone blurs faster than
 * the gather, and exactly), and the radius changing slowly enough that
 * a gather puts a point's ball no further than this (px) from where the
 * layers put it. */
#define SKC_LAYERS_SMOOTH_SHIFT 0.5
struct skc_layers
{
  int top;              /* bins -top .. top */
  skc_uniform_row *row; /* per |bin| (a radius), made on first use */
  double largest;       /* the largest radius a map value can give */
  int blur_reach;       /* no layer's engine reads further */
  /* The map's gather for smooth surfaces (NULL: layers everywhere), its
     map each pixel's bin's radius over the gather's radius. */
  skc_engine *gather;
  float *snap;     /* per bin (+ top): that map value */
  int gather_kept; /* the memo's, else ours */
  int gather_reach;
  int smooth_reach; /* blocks a smooth block's test looks across (edges) */
  int span_reach;   /* blocks its bins' span is taken over */
};

static int
radius_bin (double r)
{
  if (r <= 8)
    return (int) lround (4 * r);
  return SKC_LAYERS_QUARTERS
         + (int) lround (log (r / 8) / log (SKC_LAYERS_GROWTH));
}

/* A bin's radius: the middle of its range. */
static double
bin_radius (int b)
{
  b = abs (b);
  if (b <= SKC_LAYERS_QUARTERS)
    return b / 4.0;
  return 8 * pow (SKC_LAYERS_GROWTH, b - SKC_LAYERS_QUARTERS);
}

/* How far from its own pixels a layer's hidden part is filled: where a
 * nearer layer's blur (at most the largest radius) uncovers it and its
 * own blur reaches. */
static int
fill_distance (const struct skc_layers *L, int b)
{
  return (int) ceil (L->largest + bin_radius (b)) + 1;
}

/* How far from a depth edge its near side hides what lies behind however
 * close in depth: the farther layer is filled up to the largest radius
 * plus its own past the edge and blurred by its own beyond, and must not
 * show through where the hiding stops (skc bench occlusion's two close
 * planes, radii 15 and 18.6 of R 30: hidden to 30 px, 1 % bleeds; to 45
 * or 60 px, none); in blocks of SKC_LAYERS_BLOCK px. */
#define SKC_LAYERS_BLOCK 8
static int
edge_blocks (const struct skc_layers *L)
{
  return ((int) ceil (2 * L->largest) + 2 + SKC_LAYERS_BLOCK - 1)
         / SKC_LAYERS_BLOCK;
}

/* Layer b's engine, made on first use. */
static skc_result
layer_engine (const skc_engine *e, int b, skc_engine **out, skc_error *err)
{
  struct skc_layers *L = e->layers;
  skc_engine *le = NULL;
  skc_result res = skc_uniform_row_get (L->row, e, abs (b), bin_radius (b),
                                        e->params.quality, &le, err);
  if (res == SKC_OK && L->blur_reach && skc_engine_reach (le) > L->blur_reach)
    res = skc_fail (err, SKC_ERR_UNSUPPORTED,
                    "depth layer at radius %g reads %d px, more than the "
                    "largest radius's %d",
                    bin_radius (b), skc_engine_reach (le), L->blur_reach);
  *out = res == SKC_OK ? le : NULL;
  return res;
}

/* The gather for smooth surfaces: the map engine of these settings at the
 * largest bin's radius, its map each pixel's bin radius over that (focus
 * 0, no shaping), so that it blurs each pixel with its layer's radius.
 * Settings a map engine cannot run, or not at the quality's floor, leave
 * the layers everywhere. */
static void
gather_prepare (skc_engine *e, struct skc_layers *L)
{
  skc_params q = e->params;
  q.depth = SKC_DEPTH_NONE;
  q.radius = fmax (q.radius, bin_radius (L->top));
  q.focus = 0;
  q.invert_map = 0;
  q.map_gamma = 1;
  q.shape_image = e->shape_copy.data ? &e->shape_copy : NULL;
  skc_error ignored;
  skc_engine *g = NULL;
  if (skc_engine_memo_get (&q, 1, &e->options, &e->prepare_run, &g,
                           &L->gather_kept, &ignored)
      != SKC_OK)
    return;
  /* Only a gather as crisp as the layers' own engines (each meets the
     quality's floor): otherwise the layers everywhere. */
  int turned = q.swirl > 0 || q.cat_eye > 0;
  if (!(skc_engine_kernel_snr (g) >= skc_quality_floor_db (q.quality, turned))
      || !(L->snap = malloc ((size_t) (2 * L->top + 1) * sizeof *L->snap)))
    {
      skc_engine_memo_drop (g, L->gather_kept);
      return;
    }
  for (int b = -L->top; b <= L->top; b++)
    L->snap[b + L->top] = (float) (bin_radius (b) / q.radius);
  L->gather = g;
  L->gather_reach = skc_engine_reach (g);
  /* A layer's kernel reaches its radius (its engine may read further,
     for cells or scales, to no effect beyond the kernel). */
  int kernel = (int) ceil (L->largest) + 1;
  L->span_reach = (kernel + SKC_LAYERS_BLOCK - 1) / SKC_LAYERS_BLOCK + 1;
  L->smooth_reach = L->span_reach + edge_blocks (L) + 1;
  /* The tests' blocks, whole, and a pixel around them for the edge test;
     the gather's input. */
  int blocks = SKC_LAYERS_BLOCK * (L->smooth_reach + 3);
  e->reach = e->reach > blocks ? e->reach : blocks;
  e->reach = e->reach > L->gather_reach ? e->reach : L->gather_reach;
  size_t used = strlen (e->description);
  snprintf (e->description + used, sizeof e->description - used,
            "; where the depth is smooth and no edge near, the map's gather "
            "on the layers' radii: %.300s",
            skc_engine_describe (g));
}

skc_result
skc_layers_prepare (skc_engine *e, skc_error *err)
{
  const skc_params *p = &e->params;
  struct skc_layers *L = calloc (1, sizeof *L);
  if (!L)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  double largest = p->radius * (p->focus > 0.5 ? p->focus : 1 - p->focus);
  L->top = radius_bin (largest);
  L->largest = fmax (largest, bin_radius (L->top));
  L->row = skc_uniform_row_new (L->top + 1);
  if (!L->row)
    {
      free (L);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  e->layers = L;
  /* The largest radius's engine reads furthest. */
  skc_engine *big = NULL;
  skc_result res = layer_engine (e, L->top, &big, err);
  if (res != SKC_OK)
    return res;
  L->blur_reach = skc_engine_reach (big);
  e->kernel_reach = big->kernel_reach;
  /* What the engine says: its layers, then any notes made before. */
  char notes[sizeof e->description];
  snprintf (notes, sizeof notes, "%s", e->description);
  snprintf (e->description, sizeof e->description,
            "depth (%s): occlusion on layers by radius, each blurred "
            "uniformly by its own engine (made on first use), tile by tile; "
            "its largest layer (radius %g): %.400s%.150s",
            p->depth == SKC_DEPTH_WHITE_NEAR ? "white near" : "black near",
            bin_radius (L->top), skc_engine_describe (big), notes);
  /* A tile reads its layers' blur reach, and around that the fill's
     sources or the blocks that say which pixels lie near an edge,
     whichever reach further (and one more pixel for the edge tests). */
  int levels = skc_fill_levels (fill_distance (L, L->top));
  int fill = 1 << (levels + 1), near = SKC_LAYERS_BLOCK * (edge_blocks (L) + 1);
  e->reach = L->blur_reach + (fill > near ? fill : near) + 1;
  if (e->options.layers_gather)
    gather_prepare (e, L);
  return SKC_OK;
}

void
skc_layers_free (skc_engine *e)
{
  struct skc_layers *L = e->layers;
  if (!L)
    return;
  skc_uniform_row_free (L->row);
  skc_engine_memo_drop (L->gather, L->gather_kept);
  free (L->snap);
  free (L);
  e->layers = NULL;
}

/* The blurred coverage of a layer in the window of the SKC_LAYERS_APART - 1
 * nearer than the one being blurred: all of it, and the part that hides
 * the layers in the window (edge: 0 none, 1 all, 2 its own plane). */
typedef struct
{
  skc_rect box; /* empty: no layer */
  float *cover, *hide;
  size_t cover_capacity, hide_capacity;
  int edge;
} layers_slot;

/* A worker's memory, kept across its tiles. */
typedef struct
{
  int *bin; /* the tile's scan region */
  int *dist, *least;
  unsigned char *need, *near;
  size_t bin_capacity, dist_capacity, least_capacity, need_capacity,
      near_capacity;
  float *layer, *edge, *result, *acc, *seen, *source, *weight, *filled, *known;
  size_t layer_capacity, edge_capacity, result_capacity, acc_capacity,
      seen_capacity, source_capacity, weight_capacity, filled_capacity,
      known_capacity;
  int *blocks; /* smooth_blocks */
  unsigned char *smooth;
  float *snapped, *gathered;
  size_t blocks_capacity, smooth_capacity, snapped_capacity, gathered_capacity;
  skc_fill_scratch fill;
  layers_slot slot[SKC_LAYERS_APART];
  skc_result res; /* of the tile that failed */
  skc_error err;
} layers_worker;

static void
worker_free (void *state)
{
  layers_worker *w = state;
  free (w->bin);
  free (w->dist);
  free (w->least);
  free (w->need);
  free (w->near);
  free (w->layer);
  free (w->edge);
  free (w->result);
  free (w->acc);
  free (w->seen);
  free (w->source);
  free (w->weight);
  free (w->filled);
  free (w->known);
  free (w->blocks);
  free (w->smooth);
  free (w->snapped);
  free (w->gathered);
  for (int k = 0; k < SKC_LAYERS_APART; k++)
    free (w->slot[k].cover), free (w->slot[k].hide);
  skc_fill_scratch_free (&w->fill);
}

/* 1-D distance (capped at cap + 1) to the nearest set entry of a line of
 * n, stride apart, in place. */
static void
line_distance (int *d, int n, size_t stride, int cap)
{
  int run = cap + 1;
  for (int i = 0; i < n; i++)
    {
      int *v = &d[(size_t) i * stride];
      run = *v == 0 ? 0 : run < cap + 1 ? run + 1 : cap + 1;
      *v = run < *v ? run : *v;
    }
  run = cap + 1;
  for (int i = n - 1; i >= 0; i--)
    {
      int *v = &d[(size_t) i * stride];
      run = *v == 0 ? 0 : run < cap + 1 ? run + 1 : cap + 1;
      *v = run < *v ? run : *v;
    }
}

/* What one tile works on. */
typedef struct
{
  const skc_engine *e;
  const skc_apply_request *rq;
  int C, ca;      /* channels with coverage, and its index */
  skc_rect s;     /* the scan region: the tile grown by the engine's reach */
  const int *bin; /* over s */
  const unsigned char *near; /* over s: near_edges */
  const skc_rect *bins_box;  /* per bin (+ top): its pixels' box in s */
} tile_frame;

static int
bin_at (const tile_frame *f, int x, int y)
{
  return f->bin[(size_t) (y - f->s.y0) * (f->s.x1 - f->s.x0) + (x - f->s.x0)];
}

static int
meets (const skc_rect *a, const skc_rect *b)
{
  return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

static skc_rect
clip_rect (skc_rect r, const skc_rect *to)
{
  r.x0 = r.x0 > to->x0 ? r.x0 : to->x0, r.y0 = r.y0 > to->y0 ? r.y0 : to->y0;
  r.x1 = r.x1 < to->x1 ? r.x1 : to->x1, r.y1 = r.y1 < to->y1 ? r.y1 : to->y1;
  return r;
}

/* Whether pixel (x, y) lies beside one more than one bin nearer (an edge
 * in depth, not a slope): it holds some of the nearer thing's colour. */
static inline int
on_edge (const tile_frame *f, int x, int y)
{
  const skc_apply_request *rq = f->rq;
  size_t sw = (size_t) (f->s.x1 - f->s.x0);
  const int *at = f->bin + (size_t) (y - f->s.y0) * sw + (x - f->s.x0);
  int step = at[0] + 1;
  return (x > 0 && at[-1] > step) || (x + 1 < rq->image_width && at[1] > step)
         || (y > 0 && at[-(ptrdiff_t) sw] > step)
         || (y + 1 < rq->image_height && at[sw] > step);
}

/* Input pixel (x, y) with its coverage (C channels): non-finite pixels
 * are transparent black, as the engine treats them. */
static inline void
input_pixel (const tile_frame *f, int x, int y, float *dst)
{
  const skc_apply_request *rq = f->rq;
  const skc_view *in = &rq->input;
  int Cin = rq->channels;
  const float *src = in->pixels + (size_t) (y - in->y) * in->stride
                     + (size_t) (x - in->x) * Cin;
  int finite = 1;
  for (int c = 0; c < Cin; c++)
    finite &= isfinite (src[c]) != 0;
  for (int c = 0; c < Cin; c++)
    dst[c] = finite ? src[c] : 0;
  if (rq->alpha < 0)
    dst[f->ca] = finite ? 1 : 0;
}

/* Layer b over rectangle i (its pixels, hidden parts filled) into
 * w->layer, and into w->edge the coverage of what hides the layers
 * SKC_LAYERS_APART - 1 farther (its pixels near a depth edge, and what is
 * filled); its non-zero pixels' bounding box in *box (empty: x1 <= x0),
 * in *kind bit 1 whether it has coverage off edges, bit 2 near them.
 * 0 when out of memory. */
static int
build_layer (const tile_frame *f, int b, skc_rect i, layers_worker *w,
             skc_rect *box, int *kind)
{
  const skc_apply_request *rq = f->rq;
  const struct skc_layers *L = f->e->layers;
  const int C = f->C, W = rq->image_width, H = rq->image_height;
  int D = fill_distance (L, b);
  skc_rect x = skc_rect_grow (i, D, W, H);
  const skc_rect *mine_box = &f->bins_box[b + L->top];
  size_t fw = (size_t) (f->s.x1 - f->s.x0);
  box->x0 = box->y0 = 0, box->x1 = box->y1 = 0;
  *kind = 0;
  if (!meets (mine_box, &x))
    return 1;
  /* Nearer layers whose pixels come within reach (by their boxes). */
  int nearer = 0;
  for (int k = b + 1; !nearer && k <= L->top; k++)
    nearer = meets (&f->bins_box[k + L->top], &x);
  int iw = i.x1 - i.x0, ih = i.y1 - i.y0;
  size_t n = (size_t) iw * ih;
  if (!skc_tile_reserve (&w->layer, &w->layer_capacity, n * C)
      || !skc_tile_reserve (&w->edge, &w->edge_capacity, n)
      || !skc_reserve_bytes (&w->need, &w->need_capacity, n))
    return 0;
  memset (w->layer, 0, n * C * sizeof (float));
  memset (w->edge, 0, n * sizeof (float));
  /* Only pixels within D of the layer's box can be non-zero. */
  skc_rect j = clip_rect (skc_rect_grow (*mine_box, D, W, H), &i);
  if (j.x1 <= j.x0 || j.y1 <= j.y0)
    return 1;
  x = clip_rect (skc_rect_grow (j, D, W, H), &x);
  int xw = x.x1 - x.x0, xh = x.y1 - x.y0;
  /* Within D (chessboard) of a pixel of the layer: rows, then columns. */
  if (nearer)
    {
      if (!skc_reserve_bytes (&w->dist, &w->dist_capacity,
                              (size_t) xw * xh * sizeof (int)))
        return 0;
      for (int y = 0; y < xh; y++)
        {
          int *row = w->dist + (size_t) y * xw;
          const int *bins
              = f->bin + (size_t) (x.y0 + y - f->s.y0) * fw + (x.x0 - f->s.x0);
          for (int xx = 0; xx < xw; xx++)
            row[xx] = bins[xx] == b ? 0 : D + 1;
          line_distance (row, xw, 1, D);
          for (int xx = 0; xx < xw; xx++)
            row[xx] = row[xx] <= D ? 0 : D + 1;
        }
      for (int xx = j.x0 - x.x0; xx < j.x1 - x.x0; xx++)
        line_distance (w->dist + xx, xh, (size_t) xw, D);
    }
  skc_rect need = { W, H, 0, 0 };
  *box = need;
  for (int y = j.y0; y < j.y1; y++)
    {
      const int *bins = f->bin + (size_t) (y - f->s.y0) * fw - f->s.x0;
      const unsigned char *nears
          = f->near + (size_t) (y - f->s.y0) * fw - f->s.x0;
      const int *dist
          = nearer ? w->dist + (size_t) (y - x.y0) * xw - x.x0 : NULL;
      unsigned char *needs = w->need + (size_t) (y - i.y0) * iw - i.x0;
      float *row = w->layer + ((size_t) (y - i.y0) * iw - i.x0) * C;
      float *edge = w->edge + (size_t) (y - i.y0) * iw - i.x0;
      int first = W, last = -1, nfirst = W, nlast = -1;
      for (int xx = j.x0; xx < j.x1; xx++)
        {
          int v = bins[xx];
          int mine = v == b, fill = 0;
          if (nearer)
            fill = mine ? on_edge (f, xx, y)
                        : v > b && nears[xx] && dist[xx] <= D;
          needs[xx] = (unsigned char) fill;
          if (mine)
            {
              float *px = row + (size_t) xx * C;
              input_pixel (f, xx, y, px);
              if (nears[xx])
                edge[xx] = px[f->ca];
              if (px[f->ca] != 0)
                *kind |= nears[xx] ? 2 : 1;
            }
          if (!mine && !fill)
            continue;
          first = xx < first ? xx : first, last = xx;
          if (fill)
            nfirst = xx < nfirst ? xx : nfirst, nlast = xx;
        }
      if (last >= first)
        {
          box->x0 = first < box->x0 ? first : box->x0;
          box->x1 = last + 1 > box->x1 ? last + 1 : box->x1;
          box->y0 = y < box->y0 ? y : box->y0;
          box->y1 = y + 1;
        }
      if (nlast >= nfirst)
        {
          need.x0 = nfirst < need.x0 ? nfirst : need.x0;
          need.x1 = nlast + 1 > need.x1 ? nlast + 1 : need.x1;
          need.y0 = y < need.y0 ? y : need.y0;
          need.y1 = y + 1;
        }
    }
  if (need.x1 <= need.x0)
    return 1;
  /* The fill: from the layer's pixels off its depth edges. */
  int levels = skc_fill_levels (D);
  skc_rect src;
  skc_fill_source (levels, W, H, &need, &src);
  int sw = src.x1 - src.x0, nw = need.x1 - need.x0;
  size_t sn = (size_t) sw * (src.y1 - src.y0);
  size_t nn = (size_t) nw * (need.y1 - need.y0);
  if (!skc_tile_reserve (&w->source, &w->source_capacity, sn * C)
      || !skc_tile_reserve (&w->weight, &w->weight_capacity, sn)
      || !skc_tile_reserve (&w->filled, &w->filled_capacity, nn * C)
      || !skc_tile_reserve (&w->known, &w->known_capacity, nn))
    return 0;
  memset (w->weight, 0, sn * sizeof (float));
  memset (w->source, 0, sn * C * sizeof (float));
  /* Sources only where the layer has pixels (its box). */
  skc_rect own = clip_rect (*mine_box, &src);
  for (int y = own.y0; y < own.y1; y++)
    for (int xx = own.x0; xx < own.x1; xx++)
      {
        size_t k = (size_t) (y - src.y0) * sw + (xx - src.x0);
        if (bin_at (f, xx, y) == b && !on_edge (f, xx, y))
          {
            w->weight[k] = 1;
            input_pixel (f, xx, y, w->source + k * C);
          }
      }
  if (!skc_fill (levels, W, H, C, w->source, w->weight, (size_t) sw, &src,
                 &need, w->filled, w->known, (size_t) nw, &w->fill))
    return 0;
  /* A pixel the fill does not reach keeps what it has (its own colour on
     an edge, else nothing); what is filled under a nearer thing hides
     what lies behind as that thing does. */
  for (int y = need.y0; y < need.y1; y++)
    for (int xx = need.x0; xx < need.x1; xx++)
      {
        size_t k = (size_t) (y - i.y0) * iw + (xx - i.x0);
        size_t q = (size_t) (y - need.y0) * nw + (xx - need.x0);
        if (!w->need[k] || w->known[q] <= 0)
          continue;
        memcpy (w->layer + k * C, w->filled + q * C, C * sizeof (float));
        int near = bin_at (f, xx, y) != b
                   || f->near[(size_t) (y - f->s.y0) * fw + (xx - f->s.x0)];
        w->edge[k] = near ? w->layer[k * C + f->ca] : 0;
        if (w->layer[k * C + f->ca] != 0)
          *kind |= near ? 2 : 1;
      }
  return 1;
}

/* out = the least of in over r entries each way along lines of n
 * (`step` apart, lines `next` apart, `lines` of them). */
static void
least_around (const int *in, int *out, int n, int lines, size_t step,
              size_t next, int r)
{
  /* Blocks of 2r + 1 entries: the least from each block's start up to i
     (ahead) and from i to its end or the line's (behind).  A window a..b
     of at most 2r + 1 meets at most two blocks: its least is behind[a]
     and ahead[b]; within one block it starts at the block's start
     (ahead[b]) or ends at the line's end (behind[a]). */
  int w = 2 * r + 1;
  int *ahead = malloc (2 * (size_t) n * sizeof (int)), *behind = ahead + n;
  for (int l = 0; l < lines; l++)
    {
      const int *line = in + l * next;
      if (!ahead)
        {
          /* Out of memory: the plain way. */
          for (int i = 0; i < n; i++)
            {
              int v = INT_MAX;
              for (int k = i - r; k <= i + r; k++)
                if (k >= 0 && k < n && line[k * step] < v)
                  v = line[k * step];
              out[l * next + i * step] = v;
            }
          continue;
        }
      for (int i = 0; i < n; i++)
        {
          int v = line[i * step];
          ahead[i] = i % w == 0 || v < ahead[i - 1] ? v : ahead[i - 1];
        }
      for (int i = n - 1; i >= 0; i--)
        {
          int v = line[i * step];
          behind[i] = i == n - 1 || (i + 1) % w == 0 || v < behind[i + 1]
                          ? v
                          : behind[i + 1];
        }
      for (int i = 0; i < n; i++)
        {
          int a = i - r > 0 ? i - r : 0, b = i + r < n - 1 ? i + r : n - 1;
          int v = a / w != b / w ? (behind[a] < ahead[b] ? behind[a] : ahead[b])
                  : a % w == 0   ? ahead[b]
                                 : behind[a];
          out[l * next + i * step] = v;
        }
    }
  free (ahead);
}

/* Which pixels within the blur's reach of tile t lie near a depth edge
 * on its near side, into f->near (over the scan region): a pixel with a
 * neighbour more than one bin farther (the edge's near side) that lies no
 * more than one bin nearer than they do (they are that near side, or
 * nearer) in a block of SKC_LAYERS_BLOCK px (aligned to the image's
 * origin) at most edge_blocks blocks from theirs, so within about twice
 * the largest radius of them (blocks keep it cheap).  Such a pixel hides what
 * lies behind the edge however close in depth; elsewhere (a slope, a surface's
 * inside, the far side of an edge) a pixel adds up with the layers less than
 * SKC_LAYERS_APART bins farther, as one surface.  0 when out of memory. */
static int
near_edges (tile_frame *f, skc_rect t, layers_worker *w)
{
  const struct skc_layers *L = f->e->layers;
  const int S = SKC_LAYERS_BLOCK, B = edge_blocks (L);
  int sw = f->s.x1 - f->s.x0, sh = f->s.y1 - f->s.y0;
  /* Only pixels within the blur's reach of the tile are asked about (the
     layers' pixels and what hides them); the blocks they read, and one
     pixel more for the edge tests, lie in the scan region. */
  const skc_apply_request *rq = f->rq;
  skc_rect c
      = skc_rect_grow (t, L->blur_reach, rq->image_width, rq->image_height);
  skc_rect z = clip_rect (
      skc_rect_grow (c, S * (B + 1), rq->image_width, rq->image_height), &f->s);
  int bx0 = z.x0 / S, by0 = z.y0 / S;
  int gw = (z.x1 - 1) / S - bx0 + 1, gh = (z.y1 - 1) / S - by0 + 1;
  size_t n = (size_t) sw * sh, g = (size_t) gw * gh;
  if (!skc_reserve_bytes (&w->least, &w->least_capacity,
                          (2 * g + (size_t) (z.x1 - z.x0)) * sizeof (int))
      || !skc_reserve_bytes (&w->near, &w->near_capacity, n))
    return 0;
  f->near = w->near;
  int *least = w->least, *tmp = w->least + g;
  for (size_t k = 0; k < g; k++)
    least[k] = INT_MAX;
  /* Neighbours outside the scan region are not seen: the blocks that
     pixels which matter read lie inside it (the engine's reach). */
  memset (w->near, 0, n);
  int any = INT_MAX, *jump = tmp + g - z.x0;
  for (int gy = z.y0; gy < z.y1; gy++)
    {
      int y = gy - f->s.y0;
      const int *at = f->bin + (size_t) y * sw - f->s.x0;
      const int *up = y > 0 ? at - sw : at, *down = y + 1 < sh ? at + sw : at;
      int *row = least + (size_t) (gy / S - by0) * gw - bx0;
      /* Each pixel's bin where it has a neighbour more than one bin
         farther, at the ends its own bin standing in for what is not
         seen. */
      int x0 = z.x0 > f->s.x0 ? z.x0 : z.x0 + 1;
      int x1 = z.x1 < f->s.x1 ? z.x1 : z.x1 - 1;
      for (int x = z.x0; x < z.x1; x++)
        if (x < x0 || x >= x1)
          {
            int left = at[x > f->s.x0 ? x - 1 : x];
            int right = at[x + 1 < f->s.x1 ? x + 1 : x];
            int m = up[x] < down[x] ? up[x] : down[x];
            m = left < m ? left : m;
            m = right < m ? right : m;
            jump[x] = m < at[x] - 1 ? at[x] : INT_MAX;
          }
      for (int x = x0; x < x1; x++)
        {
          int m = up[x] < down[x] ? up[x] : down[x];
          m = at[x - 1] < m ? at[x - 1] : m;
          m = at[x + 1] < m ? at[x + 1] : m;
          jump[x] = m < at[x] - 1 ? at[x] : INT_MAX;
        }
      for (int x = z.x0; x < z.x1; x++)
        {
          int *v = &row[x / S];
          *v = jump[x] < *v ? jump[x] : *v;
          any = jump[x] < any ? jump[x] : any;
        }
    }
  if (any == INT_MAX)
    return 1;
  /* The least over B blocks each way: along rows, then along columns. */
  least_around (least, tmp, gw, gh, 1, gw, B);
  least_around (tmp, least, gh, gw, gw, 1, B);
  for (int gy = c.y0; gy < c.y1; gy++)
    {
      size_t y = (size_t) (gy - f->s.y0) * sw - f->s.x0;
      const int *at = f->bin + y;
      const int *row = least + (size_t) (gy / S - by0) * gw - bx0;
      unsigned char *near = w->near + y;
      for (int x = c.x0; x < c.x1; x++)
        {
          int v = row[x / S];
          near[x] = v != INT_MAX && v <= at[x] + 1;
        }
    }
  return 1;
}

/* How far a gather puts a point's ball from its own (a layer's) where
 * bins lo..hi lie across `window` px: where the radius changes by g per
 * px, a pixel d px from the point gathers with radius r + g d, so its
 * ball is the point's own moved by about g r.  A bin's width is taken
 * off the change (a flat surface whose depth crosses a bin's edge is
 * flat). */
static double
ball_shift (int lo, int hi, double window)
{
  double rlo = (lo < 0 ? -1 : 1) * bin_radius (lo);
  double rhi = (hi < 0 ? -1 : 1) * bin_radius (hi);
  int far = abs (hi) > abs (lo) ? hi : lo;
  double r = bin_radius (far);
  double width = bin_radius (abs (far) + 1) - r;
  double change = rhi - rlo - width;
  return change > 0 ? change / window * r : 0;
}

/* Which blocks of SKC_LAYERS_BLOCK px (aligned to the image's origin) of
 * tile t lie on a smooth surface, into w->smooth (row by row over t's
 * blocks): no depth edge (a pixel beside one more than one bin apart)
 * within the largest kernel plus the distance an edge hides across, and
 * bins that change slowly but do change (ball_shift) within the largest
 * kernel.  There nothing should hide anything (one surface) and nothing
 * is filled: each pixel spreads its own bin's kernel, which the map's
 * gather (each pixel gathering with its own bin's kernel) matches while
 * the radius hardly changes across a kernel, at one blur's cost however
 * many layers the slope crosses (the layers would also hide those 8 bins
 * apart or more wholly, as if a slope were an edge).  Blocks are read
 * whole: the result depends on the block alone.  The boxes of t's smooth and
 * other pixels in *smooth_box and *rough_box; 0 when out of memory. */
static int
smooth_blocks (const tile_frame *f, skc_rect t, layers_worker *w,
               skc_rect *smooth_box, skc_rect *rough_box)
{
  const struct skc_layers *L = f->e->layers;
  const skc_apply_request *rq = f->rq;
  const int S = SKC_LAYERS_BLOCK, W = rq->image_width, H = rq->image_height;
  *smooth_box = (skc_rect){ W, H, 0, 0 };
  *rough_box = (skc_rect){ W, H, 0, 0 };
  int bx0 = t.x0 / S - L->smooth_reach, by0 = t.y0 / S - L->smooth_reach;
  int bx1 = (t.x1 - 1) / S + L->smooth_reach + 1;
  int by1 = (t.y1 - 1) / S + L->smooth_reach + 1;
  bx0 = bx0 > 0 ? bx0 : 0, by0 = by0 > 0 ? by0 : 0;
  bx1 = bx1 < (W + S - 1) / S ? bx1 : (W + S - 1) / S;
  by1 = by1 < (H + S - 1) / S ? by1 : (H + S - 1) / S;
  int gw = bx1 - bx0, gh = by1 - by0;
  size_t g = (size_t) gw * gh;
  int tbx0 = t.x0 / S, tby0 = t.y0 / S;
  int tgw = (t.x1 - 1) / S - tbx0 + 1, tgh = (t.y1 - 1) / S - tby0 + 1;
  if (!skc_reserve_bytes (&w->blocks, &w->blocks_capacity, 4 * g * sizeof (int))
      || !skc_reserve_bytes (&w->smooth, &w->smooth_capacity,
                             (size_t) tgw * tgh))
    return 0;
  /* Per block: the least bin, minus the largest, and 0 where an edge is. */
  int *least = w->blocks, *most = least + g, *calm = most + g, *tmp = calm + g;
  for (size_t k = 0; k < g; k++)
    least[k] = INT_MAX, most[k] = INT_MAX, calm[k] = 1;
  int sw = f->s.x1 - f->s.x0;
  int x1 = bx1 * S < W ? bx1 * S : W, y1 = by1 * S < H ? by1 * S : H;

  for (int y = by0 * S; y < y1; y++)
    {
      const int *at = f->bin + (size_t) (y - f->s.y0) * sw - f->s.x0;
      const int *up = y > 0 ? at - sw : at, *down = y + 1 < H ? at + sw : at;
      int *lrow = least + (size_t) (y / S - by0) * gw - bx0;
      int *mrow = most + (size_t) (y / S - by0) * gw - bx0;
      int *crow = calm + (size_t) (y / S - by0) * gw - bx0;
      /* Block by block, without branches: the image's first and last
         columns see themselves beyond the border. */
      for (int b = bx0; b < bx1; b++)
        {
          int lo = INT_MAX, hi = INT_MIN, edge = 0;
          int from = b * S, to = (b + 1) * S < x1 ? (b + 1) * S : x1;
          for (int x = from; x < to; x++)
            {
              int v = at[x];
              int left = at[x > 0 ? x - 1 : x];
              int right = at[x + 1 < W ? x + 1 : x];
              edge |= (abs (left - v) > 1) | (abs (right - v) > 1)
                      | (abs (up[x] - v) > 1) | (abs (down[x] - v) > 1);
              lo = v < lo ? v : lo;
              hi = v > hi ? v : hi;
            }
          lrow[b] = lo < lrow[b] ? lo : lrow[b];
          mrow[b] = -hi < mrow[b] ? -hi : mrow[b];
          crow[b] &= !edge;
        }
    }

  double window = 2.0 * S * L->span_reach;
  least_around (least, tmp, gw, gh, 1, gw, L->span_reach);
  least_around (tmp, least, gh, gw, gw, 1, L->span_reach);
  least_around (most, tmp, gw, gh, 1, gw, L->span_reach);
  least_around (tmp, most, gh, gw, gw, 1, L->span_reach);
  least_around (calm, tmp, gw, gh, 1, gw, L->smooth_reach);
  least_around (tmp, calm, gh, gw, gw, 1, L->smooth_reach);
  for (int by = 0; by < tgh; by++)
    for (int bx = 0; bx < tgw; bx++)
      {
        size_t k = (size_t) (tby0 + by - by0) * gw + (tbx0 + bx - bx0);
        int yes = calm[k] && -most[k] > least[k]
                  && ball_shift (least[k], -most[k], window)
                         <= SKC_LAYERS_SMOOTH_SHIFT;
        w->smooth[(size_t) by * tgw + bx] = (unsigned char) yes;
        skc_rect r = { (tbx0 + bx) * S, (tby0 + by) * S, (tbx0 + bx + 1) * S,
                       (tby0 + by + 1) * S };
        r = clip_rect (r, &t);
        skc_rect *box = yes ? smooth_box : rough_box;
        box->x0 = r.x0 < box->x0 ? r.x0 : box->x0;
        box->y0 = r.y0 < box->y0 ? r.y0 : box->y0;
        box->x1 = r.x1 > box->x1 ? r.x1 : box->x1;
        box->y1 = r.y1 > box->y1 ? r.y1 : box->y1;
      }
  return 1;
}

/* The map's gather over box (smooth pixels of the tile) into
 * w->gathered, each pixel's map its bin's radius over the gather's. */
static skc_result
gather_smooth (const tile_frame *f, skc_rect box, layers_worker *w,
               const skc_run *run, skc_error *err)
{
  const struct skc_layers *L = f->e->layers;
  const skc_apply_request *rq = f->rq;
  const int Cin = rq->channels;
  skc_rect g
      = skc_rect_grow (box, L->gather_reach, rq->image_width, rq->image_height);
  int gw = g.x1 - g.x0, gh = g.y1 - g.y0, bw = box.x1 - box.x0;
  if (!skc_tile_reserve (&w->snapped, &w->snapped_capacity, (size_t) gw * gh)
      || !skc_tile_reserve (&w->gathered, &w->gathered_capacity,
                            (size_t) bw * (box.y1 - box.y0) * Cin))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int y = g.y0; y < g.y1; y++)
    for (int x = g.x0; x < g.x1; x++)
      w->snapped[(size_t) (y - g.y0) * gw + (x - g.x0)]
          = L->snap[bin_at (f, x, y) + L->top];
  const skc_view *in = &rq->input;
  skc_apply_request gq = {
    .image_width = rq->image_width,
    .image_height = rq->image_height,
    .channels = Cin,
    .alpha = rq->alpha,
    .input = { in->pixels + (size_t) (g.y0 - in->y) * in->stride
                   + (size_t) (g.x0 - in->x) * Cin,
               in->stride, g.x0, g.y0, gw, gh },
    .map = { w->snapped, (size_t) gw, g.x0, g.y0, gw, gh },
    .output
    = { w->gathered, (size_t) bw * Cin, box.x0, box.y0, bw, box.y1 - box.y0 },
  };
  skc_run one = { .threads = 1, .cancel = run->cancel };
  return skc_engine_process (L->gather, &gq, &one, err);
}

/* The box of the pixels of `open` (in tile t) still seen. */
static skc_rect
still_open (const float *seen, skc_rect t, skc_rect open)
{
  int tw = t.x1 - t.x0;
  skc_rect still = { t.x1, t.y1, t.x0, t.y0 };
  for (int y = open.y0; y < open.y1; y++)
    {
      const float *row = seen + (size_t) (y - t.y0) * tw - t.x0;
      for (int x = open.x0; x < open.x1; x++)
        if (row[x] > 0)
          {
            still.x0 = x < still.x0 ? x : still.x0;
            still.x1 = x + 1 > still.x1 ? x + 1 : still.x1;
            still.y0 = y < still.y0 ? y : still.y0;
            still.y1 = y + 1;
          }
    }
  return still;
}

/* One output tile t: its layers near to far, each where the nearer ones
 * leave something to see (out += T B, T the product of 1 - B's coverage
 * of the layers that hide it: back to front's sum, and a layer is
 * skipped where T is 0), written. */
static skc_result
layers_tile (void *user, skc_rect t, void *state, skc_error *err)
{
  const skc_view_call *call = user;
  const skc_engine *e = call->e;
  const skc_apply_request *rq = call->rq;
  const skc_run *run = call->run;
  layers_worker *w = state;
  const struct skc_layers *L = e->layers;
  const int W = rq->image_width, H = rq->image_height, Cin = rq->channels;
  tile_frame f = { e,
                   rq,
                   rq->alpha >= 0 ? Cin : Cin + 1,
                   rq->alpha >= 0 ? rq->alpha : Cin,
                   skc_rect_grow (t, e->reach, W, H),
                   NULL,
                   NULL,
                   NULL };
  const int C = f.C;
  int sw = f.s.x1 - f.s.x0, sh = f.s.y1 - f.s.y0;
  int tw = t.x1 - t.x0, th = t.y1 - t.y0;
  int bins = 2 * L->top + 1;
  skc_rect *boxes = malloc ((size_t) bins * sizeof *boxes);
  if (!boxes
      || !skc_reserve_bytes (&w->bin, &w->bin_capacity,
                             (size_t) sw * sh * sizeof (int))
      || !skc_tile_reserve (&w->acc, &w->acc_capacity, (size_t) tw * th * C)
      || !skc_tile_reserve (&w->seen, &w->seen_capacity, (size_t) tw * th))
    {
      free (boxes);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  for (int b = 0; b < bins; b++)
    boxes[b] = (skc_rect){ W, H, 0, 0 };
  /* Each pixel's signed bin (the map is finite: checked before), and each
     bin's box, run by run. */
  const skc_params *p = &e->params;
  double sign = p->depth == SKC_DEPTH_BLACK_NEAR ? -1 : 1;
  float last = NAN;
  int last_bin = 0;
  for (int y = f.s.y0; y < f.s.y1; y++)
    {
      const float *m = rq->map.pixels
                       + (size_t) (y - rq->map.y) * rq->map.stride - rq->map.x;
      int *row = w->bin + (size_t) (y - f.s.y0) * sw - f.s.x0;
      int start = f.s.x0;
      for (int x = f.s.x0; x <= f.s.x1; x++)
        {
          if (x < f.s.x1 && m[x] == last)
            {
              row[x] = last_bin;
              continue;
            }
          if (x > start)
            {
              skc_rect *r = &boxes[last_bin + L->top];
              r->x0 = start < r->x0 ? start : r->x0;
              r->x1 = x > r->x1 ? x : r->x1;
              r->y0 = y < r->y0 ? y : r->y0;
              r->y1 = y + 1;
            }
          if (x == f.s.x1)
            break;
          last = m[x];
          double rho
              = sign * p->radius * (skc_engine_map_shaped (e, last) - p->focus);
          last_bin = radius_bin (fabs (rho));
          last_bin = rho < 0 ? -last_bin : last_bin;
          row[x] = last_bin;
          start = x;
        }
      last = NAN; /* each row's runs start afresh */
    }
  f.bin = w->bin;
  f.bins_box = boxes;
  memset (w->acc, 0, (size_t) tw * th * C * sizeof (float));
  for (size_t k = 0; k < (size_t) tw * th; k++)
    w->seen[k] = 1;
  skc_rect open = t; /* the box of pixels with T > 0 */
  skc_result res = SKC_OK;
  const int K = SKC_LAYERS_APART;
  for (int k = 0; k < K; k++)
    w->slot[k].box = (skc_rect){ 0, 0, 0, 0 };
  /* Smooth surfaces gather; layers only for the rest. */
  skc_rect smooth = { 0, 0, 0, 0 };
  if (L->gather && !smooth_blocks (&f, t, w, &smooth, &open))
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (res == SKC_OK && smooth.x1 > smooth.x0)
    res = gather_smooth (&f, smooth, w, run, err);
  if (res == SKC_OK && open.x1 > open.x0 && !near_edges (&f, t, w))
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* Near to far: w->seen is T of the layers K or more bins nearer (they
     hide this one wholly); those in the window between hide it by their
     edges' part only. */
  for (int b = L->top; res == SKC_OK && b >= -L->top; b--)
    {
      layers_slot *slot = &w->slot[((b % K) + K) % K];
      /* Layer b + K leaves the window: from now on it hides wholly. */
      if (slot->box.x1 > slot->box.x0)
        {
          skc_rect o = slot->box;
          int ow = o.x1 - o.x0;
          for (int y = o.y0; y < o.y1; y++)
            {
              float *seen = w->seen + (size_t) (y - t.y0) * tw - t.x0;
              const float *c = slot->cover + (size_t) (y - o.y0) * ow - o.x0;
              for (int x = o.x0; x < o.x1; x++)
                seen[x] *= 1 - c[x];
            }
          slot->box = (skc_rect){ 0, 0, 0, 0 };
          open = still_open (w->seen, t, open);
        }
      if (open.x1 <= open.x0)
        break; /* nothing farther shows */
      if (boxes[b + L->top].x1 <= boxes[b + L->top].x0)
        continue;
      if (skc_cancel_raised (run->cancel))
        {
          res = skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
          break;
        }
      skc_engine *le = NULL;
      res = layer_engine (e, b, &le, err);
      if (res != SKC_OK)
        break;
      int reach = skc_engine_reach (le), kind;
      skc_rect i = skc_rect_grow (open, reach, W, H), box;
      if (!build_layer (&f, b, i, w, &box, &kind))
        {
          res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      /* Only the pixels still open that the layer's blur reaches. */
      skc_rect o = clip_rect (skc_rect_grow (box, reach, W, H), &open);
      if (box.x1 <= box.x0 || o.x1 <= o.x0 || o.y1 <= o.y0)
        continue;
      /* Its edges' part is blurred on its own only where it differs from
         none and all, and a layer in the window behind can use it. */
      int behind = 0;
      for (int k = b - 1; !behind && k > b - K && k >= -L->top; k--)
        behind = boxes[k + L->top].x1 > boxes[k + L->top].x0;
      slot->edge = kind == 3 && behind ? 2 : kind & 2 ? 1 : 0;
      /* With no layer in the window behind it nor any still waiting
         above, it hides wholly at once: the same factors in the same
         order. */
      int alone = !behind;
      for (int k = b + 1; alone && k < b + K; k++)
        alone = w->slot[((k % K) + K) % K].box.x1
                <= w->slot[((k % K) + K) % K].box.x0;
      int ow = o.x1 - o.x0, oh = o.y1 - o.y0, iw = i.x1 - i.x0;
      size_t on = (size_t) ow * oh;
      if (!skc_tile_reserve (&w->result, &w->result_capacity, on * C)
          || (!alone
              && !skc_tile_reserve (&slot->cover, &slot->cover_capacity, on))
          || (slot->edge == 2
              && !skc_tile_reserve (&slot->hide, &slot->hide_capacity, on)))
        {
          res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      skc_apply_request lq = {
        .image_width = W,
        .image_height = H,
        .channels = C,
        .alpha = f.ca,
        .input = { w->layer, (size_t) iw * C, i.x0, i.y0, iw, i.y1 - i.y0 },
        .output = { w->result, (size_t) ow * C, o.x0, o.y0, ow, oh },
      };
      skc_run one = { .threads = 1, .cancel = run->cancel };
      res = skc_engine_process (le, &lq, &one, err);
      if (res == SKC_OK && slot->edge == 2)
        {
          /* Blurred as coverage, as the alpha channel is. */
          skc_apply_request eq = lq;
          eq.channels = 1;
          eq.alpha = 0;
          eq.input.pixels = w->edge;
          eq.input.stride = (size_t) iw;
          eq.output.pixels = slot->hide;
          eq.output.stride = (size_t) ow;
          res = skc_engine_process (le, &eq, &one, err);
        }
      /* The layers in the window whose edges' part meets this one's. */
      const layers_slot *window[SKC_LAYERS_APART];
      int hiders = 0;
      for (int k = b + 1; k < b + K; k++)
        {
          const layers_slot *h = &w->slot[((k % K) + K) % K];
          if (h->edge && meets (&h->box, &o))
            window[hiders++] = h;
        }
      for (int y = 0; res == SKC_OK && alone && y < oh; y++)
        {
          const float *src = w->result + (size_t) y * ow * C;
          size_t at = (size_t) (o.y0 - t.y0 + y) * tw + (o.x0 - t.x0);
          float *acc = w->acc + at * C, *seen = w->seen + at;
          for (int x = 0; x < ow; x++)
            {
              float see = seen[x];
              for (int c = 0; c < C; c++)
                acc[(size_t) x * C + c] += see * src[(size_t) x * C + c];
              seen[x] = see * (1 - src[(size_t) x * C + f.ca]);
            }
        }
      if (alone)
        {
          open = still_open (w->seen, t, open);
          continue;
        }
      for (int y = 0; res == SKC_OK && y < oh; y++)
        {
          const float *src = w->result + (size_t) y * ow * C;
          size_t at = (size_t) (o.y0 - t.y0 + y) * tw + (o.x0 - t.x0);
          float *acc = w->acc + at * C, *cover = slot->cover + (size_t) y * ow;
          const float *seen = w->seen + at;
          for (int x = 0; x < ow; x++)
            {
              /* T: the layers K or more bins nearer, then the window's
                 edges. */
              float see = seen[x];
              for (int k = 0; k < hiders && see != 0; k++)
                {
                  const layers_slot *h = window[k];
                  int gx = o.x0 + x, gy = o.y0 + y;
                  if (gx < h->box.x0 || gx >= h->box.x1 || gy < h->box.y0
                      || gy >= h->box.y1)
                    continue;
                  size_t q = (size_t) (gy - h->box.y0) * (h->box.x1 - h->box.x0)
                             + (gx - h->box.x0);
                  see *= 1 - (h->edge == 2 ? h->hide[q] : h->cover[q]);
                }
              for (int c = 0; c < C; c++)
                acc[(size_t) x * C + c] += see * src[(size_t) x * C + c];
              cover[x] = src[(size_t) x * C + f.ca];
            }
        }
      slot->box = o;
    }
  free (boxes);
  /* Written with + 0.0f: a zero's sign never depends on what was
     skipped. */
  const skc_view *out = &rq->output;
  const int S = SKC_LAYERS_BLOCK, tgw = (t.x1 - 1) / S - t.x0 / S + 1;
  for (int y = t.y0; res == SKC_OK && y < t.y1; y++)
    {
      const float *src = w->acc + (size_t) (y - t.y0) * tw * C;
      float *dst = out->pixels + (size_t) (y - out->y) * out->stride
                   + (size_t) (t.x0 - out->x) * Cin;
      const unsigned char *smooth_row
          = L->gather ? w->smooth + (size_t) (y / S - t.y0 / S) * tgw : NULL;
      for (int x = t.x0; x < t.x1; x++, src += C, dst += Cin)
        if (smooth_row && smooth_row[x / S - t.x0 / S])
          {
            const float *g
                = w->gathered
                  + ((size_t) (y - smooth.y0) * (smooth.x1 - smooth.x0)
                     + (x - smooth.x0))
                        * Cin;
            for (int c = 0; c < Cin; c++)
              dst[c] = g[c] + 0.0f;
          }
        else
          for (int c = 0; c < Cin; c++)
            dst[c] = (rq->alpha >= 0      ? src[c]
                      : src[f.ca] > 1e-6f ? src[c] / src[f.ca]
                                          : 0)
                     + 0.0f;
    }
  return res;
}

skc_result
skc_layers_process (const skc_engine *e, const skc_apply_request *rq,
                    const skc_run *run, skc_error *err)
{
  if (rq->alpha < 0 && rq->channels > 3)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "depth-aware blur takes at most 3 channels without "
                     "alpha");
  /* A NaN has no place in the order of depths: the first one the input
     rectangle holds is named. */
  const skc_view *m = &rq->map;
  for (int y = 0; y < m->height; y++)
    for (int x = 0; x < m->width; x++)
      if (!isfinite (m->pixels[(size_t) y * m->stride + x]))
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "depth map: pixel (%d, %d) is not a number", m->x + x,
                         m->y + y);
  skc_view_call call = { e, rq, run, 1 };
  return skc_view_tiles_run (e->options.layers_tile, &rq->output, run,
                             sizeof (layers_worker), worker_free, layers_tile,
                             &call, err);
}

const char *
skc_layers_method (const skc_engine *e)
{
  const struct skc_layers *L = e->layers;
  return skc_engine_method (skc_uniform_row_made (L->row, L->top));
}

skc_result
skc_layers_kernel_at (const skc_engine *e, int image_width, int image_height,
                      int x, int y, double map_value, skc_image *out,
                      skc_error *err)
{
  const skc_params *p = &e->params;
  double rho
      = p->radius * (skc_engine_map_shaped (e, (float) map_value) - p->focus);
  skc_engine *le = NULL;
  skc_image k = { 0 };
  /* Under a constant map one layer (never the gather: see
     smooth_blocks). */
  skc_result r = layer_engine (e, radius_bin (fabs (rho)), &le, err);
  if (r == SKC_OK)
    r = skc_engine_kernel_at (le, image_width, image_height, x, y, 0, &k, err);
  /* Centred in the engine's window (the largest layer's, which a smaller
     layer's fits in). */
  int side = 2 * e->kernel_reach + 1;
  if (r == SKC_OK && skc_image_alloc (out, side, side, 1) != SKC_OK)
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                  "out of memory for a %dx%d "
                  "kernel",
                  side, side);
  if (r == SKC_OK)
    skc_kernel_add_centred (out, &k, 1);
  skc_image_free (&k);
  return r;
}
