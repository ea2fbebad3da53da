/* skc — separable (low-rank) filters in the engine's tiles: each term's
 * row pass over the padded input, then its column pass added into the
 * output window.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"

/* Separable low-rank filter over the tile: each term's horizontal pass
 * into buffers[1], vertical pass accumulated into `acc` (output window). */
static void
lowrank_tile (const skc_scale *sc, skc_tile_scratch *s, int pw, int ph,
              int channels, int w, int h, float *acc)
{
  const skc_filter *f = sc->separable.filter;
  const int half = f->size / 2, R = sc->reach;
  const size_t stride = (size_t) pw * channels;
  float *in = s->buffers[0], *mid = s->buffers[1];
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
}

static int
separable_values (const skc_engine *e, const skc_scale *sc,
                  const skc_apply_request *rq, const skc_scale_area *area,
                  skc_tile_scratch *s, float *into, const float **values,
                  size_t *values_stride)
{
  lowrank_tile (sc, s, area->pw, area->ph, rq->channels, area->w, area->h,
                into);
  *values = into;
  *values_stride = (size_t) area->w * rq->channels;
  return 1;
}

skc_result
skc_separable_prepare (skc_engine *e, skc_scale *s, skc_filter *filter,
                       skc_error *err)
{
  s->kind = SKC_SCALE_SEPARABLE;
  s->separable.filter = filter;
  s->reach = filter->size / 2;
  e->reach = skc_scale_full_reach (s);
  snprintf (e->description, sizeof e->description,
            "uniform: separable rank %d, %dx%d%s (%d taps, %ld MACs per "
            "pixel and channel, reach %d px)%s%s",
            filter->rank, filter->size, filter->size,
            s->factor > 1 ? " on blocks" : "", skc_filter_taps (filter),
            skc_filter_macs (filter), e->reach, e->plan[0] ? "; planner: " : "",
            e->plan);
  return SKC_OK;
}

static void
separable_free (skc_scale *sc)
{
  skc_filter_free (sc->separable.filter);
}

const skc_scale_ops skc_separable_ops = { .method = "separable",
                                          .values = separable_values,
                                          .writes_into = 1,
                                          .free = separable_free };
