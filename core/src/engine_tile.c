/* skc — the engine's processing: the output is cut into tiles; each tile
 * gathers its input once into a padded buffer (clamped to what the caller
 * gave, non-finite pixels zeroed, highlights boosted), then runs the
 * cascade layer by layer on shrinking windows with no edge checks, and
 * writes its part of the output.  Every value is computed by the same
 * operations in the same order whatever the tiling or thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"
#include "internal.h"

#define TILE_SIZE 256

/* The hot loops are compiled for several instruction sets and picked at
 * run time (GCC/Clang function multi-versioning on x86-64): AVX-512 runs the
 * uniform layer ~1.9x faster than the SSE2 baseline on this machine. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)        \
  && !defined(__SANITIZE_ADDRESS__)
#define HOT_LOOP __attribute__ ((target_clones ("avx512f", "avx2", "default")))
#else
#define HOT_LOOP
#endif
/* Highlights: the gain ramps in over this much above the threshold, so a
 * smooth gradient crossing the threshold does not band. */
#define HIGHLIGHT_RAMP 0.05f

void
skc_tile_scratch_free (skc_tile_scratch *s)
{
  free (s->buffers[0]);
  free (s->buffers[1]);
  free (s->level);
  for (int q = 0; q < s->level_count; q++)
    if (s->level_taps[q])
      {
        for (int l = 0; l < SKC_MAX_LAYERS; l++)
          skc_layer_taps_free (&s->level_taps[q][l]);
        free (s->level_taps[q]);
      }
  free (s->level_taps);
  memset (s, 0, sizeof *s);
}

static int
reserve (float **buffer, size_t *capacity, size_t need)
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

int
skc_engine_radius_level (const skc_engine *e, double r)
{
  int m = e->member_count;
  for (int j = 0; j + 1 < m; j++)
    if (r <= e->member_radius[j + 1])
      {
        double t = (r - e->member_radius[j])
                   / (e->member_radius[j + 1] - e->member_radius[j]);
        t = t < 0 ? 0 : t;
        return j * SKC_ENGINE_LEVELS + (int) lround (t * SKC_ENGINE_LEVELS);
      }
  return (m - 1) * SKC_ENGINE_LEVELS;
}

int
skc_engine_level (const skc_engine *e, float value)
{
  const skc_params *p = &e->params;
  double            v = isfinite (value) ? value : 0;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  if (p->invert_map)
    v = 1 - v;
  if (p->map_gamma != 1)
    v = pow (v, p->map_gamma);
  return skc_engine_radius_level (e, p->radius * fabs (v - p->focus));
}

void
skc_engine_level_blend (const skc_engine *e, int level, int *member, float *t)
{
  int j = level / SKC_ENGINE_LEVELS;
  if (j > e->member_count - 2)
    j = e->member_count - 2;
  *member = j;
  *t = (float) (level - j * SKC_ENGINE_LEVELS) / SKC_ENGINE_LEVELS;
}

/* The whole-pixel taps of every layer for one blend level. */
static skc_layer_taps *
level_taps (const skc_engine *e, skc_tile_scratch *s, int level)
{
  if (s->level_taps[level])
    return s->level_taps[level];
  int   j;
  float t;
  skc_engine_level_blend (e, level, &j, &t);
  skc_layer_taps *taps = calloc (SKC_MAX_LAYERS, sizeof *taps);
  skc_filter     *blend = skc_filter_copy (e->members[j]);
  int             ok = taps && blend;
  for (int l = 0; ok && l < e->layers; l++)
    {
      const skc_sample *a = e->members[j]->layer[l];
      const skc_sample *b = e->members[j + 1]->layer[l];
      for (int i = 0; i < blend->layer_size[l]; i++)
        {
          blend->layer[l][i].dx = a[i].dx + t * (b[i].dx - a[i].dx);
          blend->layer[l][i].dy = a[i].dy + t * (b[i].dy - a[i].dy);
          blend->layer[l][i].w = a[i].w + t * (b[i].w - a[i].w);
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
  s->level_taps[level] = taps;
  return taps;
}

/* One layer of a uniform complex: out(x) = sum c * in(x - d) on rows
 * [y0, y1) and columns [x0, x1) of the padded tile. */
HOT_LOOP static void
uniform_layer (const skc_layer_taps *taps, const float *in, float *out,
               size_t stride, int channels, int x0, int x1, int y0, int y1)
{
  const int n = (x1 - x0) * channels;
  for (int y = y0; y < y1; y++)
    {
      float *d = out + (size_t) y * stride + (size_t) x0 * channels;
      memset (d, 0, (size_t) n * sizeof *d);
      for (int t = 0; t < taps->count; t++)
        {
          const float  c = taps->c[t];
          const float *s = in + (size_t) (y - taps->dy[t]) * stride
                           + (size_t) (x0 - taps->dx[t]) * channels;
          for (int i = 0; i < n; i++)
            d[i] += c * s[i];
        }
    }
}

/* One layer with a blur map: each run of pixels sharing a blend level is
 * filtered like a uniform blur with that level's taps. */
static int
varying_layer (const skc_engine *e, skc_tile_scratch *scratch, int layer,
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
          skc_layer_taps *taps = level_taps (e, scratch, q);
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
lowrank_tile (const skc_engine *e, skc_tile_scratch *s, int pw, int ph,
              int channels, int w, int h, float *acc)
{
  const skc_filter *f = e->filter;
  const int         half = f->size / 2, R = e->reach;
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

int
skc_engine_tile (const skc_engine *e, const skc_apply_request *rq, int x0,
                 int y0, int w, int h, skc_tile_scratch *s)
{
  const int R = e->reach, C = rq->channels;
  const int pw = w + 2 * R, ph = h + 2 * R;
  const size_t stride = (size_t) pw * C;
  const size_t need = stride * ph;
  if (!reserve (&s->buffers[0], &s->capacity[0], need)
      || !reserve (&s->buffers[1], &s->capacity[1], need))
    return 0;

  /* Padded input, clamped to the caller's rectangle. */
  const skc_view *in = &rq->input;
  for (int j = 0; j < ph; j++)
    {
      int          sy = clampi (y0 - R + j, in->y, in->y + in->height - 1);
      const float *src_row = in->pixels + (size_t) (sy - in->y) * in->stride;
      float       *dst = s->buffers[0] + (size_t) j * stride;
      for (int i = 0; i < pw; i++)
        {
          int sx = clampi (x0 - R + i, in->x, in->x + in->width - 1);
          prepare_pixel (&e->params, src_row + (size_t) (sx - in->x) * C,
                         dst + (size_t) i * C, C, rq->alpha);
        }
    }

  float *result;
  size_t result_stride;
  int    rx, ry; /* where the output window starts in result */
  float *lowrank_acc = NULL;
  if (e->filter && e->filter->kind == SKC_FILTER_LOWRANK)
    {
      lowrank_acc = malloc ((size_t) w * h * C * sizeof (float));
      if (!lowrank_acc)
        return 0;
      lowrank_tile (e, s, pw, ph, C, w, h, lowrank_acc);
      result = lowrank_acc;
      result_stride = (size_t) w * C;
      rx = ry = 0;
    }
  else
    {
      if (e->with_map)
        {
          size_t n = (size_t) pw * ph;
          size_t bytes_cap = s->level_capacity;
          if (n > bytes_cap)
            {
              int *lv = realloc (s->level, n * sizeof *lv);
              if (!lv)
                return 0;
              s->level = lv;
              s->level_capacity = n;
            }
          if (!s->level_taps)
            {
              s->level_count = e->member_count * SKC_ENGINE_LEVELS + 1;
              s->level_taps = calloc (s->level_count, sizeof *s->level_taps);
              if (!s->level_taps)
                return 0;
            }
          const skc_view *map = &rq->map;
          for (int j = 0; j < ph; j++)
            {
              int          sy = clampi (y0 - R + j, map->y,
                                        map->y + map->height - 1);
              const float *row = map->pixels
                                 + (size_t) (sy - map->y) * map->stride;
              for (int i = 0; i < pw; i++)
                {
                  int sx = clampi (x0 - R + i, map->x,
                                   map->x + map->width - 1);
                  s->level[(size_t) j * pw + i]
                    = skc_engine_level (e, row[sx - map->x]);
                }
            }
        }
      int cur = 0, margin = R;
      for (int l = 0; l < e->layers; l++)
        {
          int out_margin = margin - e->layer_reach[l];
          int lo = R - out_margin;
          if (e->with_map)
            {
              if (!varying_layer (e, s, l, s->buffers[cur],
                                  s->buffers[1 - cur], stride, pw, C, lo,
                                  R + w + out_margin, lo, R + h + out_margin))
                return 0;
            }
          else
            uniform_layer (&e->taps[l], s->buffers[cur], s->buffers[1 - cur],
                           stride, C, lo, R + w + out_margin, lo,
                           R + h + out_margin);
          cur = 1 - cur;
          margin = out_margin;
        }
      result = s->buffers[cur];
      result_stride = stride;
      rx = ry = R;
    }

  /* Write the tile, clipped if asked. */
  const skc_view *out = &rq->output;
  for (int j = 0; j < h; j++)
    {
      const float *src = result + (size_t) (ry + j) * result_stride
                         + (size_t) rx * C;
      float *dst = out->pixels + (size_t) (y0 + j - out->y) * out->stride
                   + (size_t) (x0 - out->x) * C;
      for (int i = 0; i < w; i++)
        {
          const float *sp = src + (size_t) i * C;
          float       *dp = dst + (size_t) i * C;
          if (!e->params.clip)
            {
              memcpy (dp, sp, (size_t) C * sizeof *dp);
              continue;
            }
          float a = rq->alpha >= 0 ? fminf (fmaxf (sp[rq->alpha], 0), 1) : 1;
          for (int c = 0; c < C; c++)
            dp[c] = c == rq->alpha ? a : fminf (fmaxf (sp[c], 0), a);
        }
    }
  free (lowrank_acc);
  return 1;
}

typedef struct
{
  const skc_engine        *engine;
  const skc_apply_request *request;
  int                      tiles_x;
  atomic_int               failed;
} tile_job;

static void
run_tile (void *user, int index)
{
  tile_job                *job = user;
  const skc_apply_request *rq = job->request;
  const skc_engine        *e = job->engine;
  if (atomic_load (&job->failed)
      || (e->params.cancel && atomic_load (e->params.cancel)))
    return;
  int tx = index % job->tiles_x, ty = index / job->tiles_x;
  int x0 = rq->output.x + tx * TILE_SIZE, y0 = rq->output.y + ty * TILE_SIZE;
  int w = rq->output.x + rq->output.width - x0;
  int h = rq->output.y + rq->output.height - y0;
  w = w < TILE_SIZE ? w : TILE_SIZE;
  h = h < TILE_SIZE ? h : TILE_SIZE;
  skc_tile_scratch scratch = { 0 };
  if (!skc_engine_tile (e, rq, x0, y0, w, h, &scratch))
    atomic_store (&job->failed, 1);
  skc_tile_scratch_free (&scratch);
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
  job.tiles_x = (rq->output.width + TILE_SIZE - 1) / TILE_SIZE;
  int tiles_y = (rq->output.height + TILE_SIZE - 1) / TILE_SIZE;
  skc_parallel_for (job.tiles_x * tiles_y, e->params.threads, run_tile, &job);
  if (e->params.cancel && atomic_load (e->params.cancel))
    return skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
  if (atomic_load (&job.failed))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                     "out of memory for a %dx%d tile with a %d px margin",
                     TILE_SIZE, TILE_SIZE, e->reach);
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
