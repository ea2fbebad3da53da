/* skc — applying one filter uniformly with clamped edges: the input is
 * padded once by the filter's reach, then each layer gathers from the
 * previous one with precomputed whole-pixel taps and no edge checks (the
 * valid region shrinks by the layer's reach each time).  Rows are split
 * between threads; each output value is summed in the same order whatever
 * the split, so results do not depend on the thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "internal.h"
#include "taps.h"

typedef struct
{
  const float          *src;
  float                *dst;
  size_t                src_stride, dst_stride; /* floats */
  int                   width;                  /* output pixels per row */
  int                   channels;
  int                   src_margin;             /* src border around dst */
  const skc_layer_taps *taps;
  /* low-rank passes: a 1-D kernel along x or y */
  const float          *kernel;
  int                   kernel_half;
  int                   vertical;
} gather_job;

static void
gather_row (void *user, int y)
{
  const gather_job *job = user;
  const int         ch = job->channels, n = job->width * ch;
  float            *d = job->dst + (size_t) y * job->dst_stride;
  memset (d, 0, (size_t) n * sizeof *d);
  for (int t = 0; t < job->taps->count; t++)
    {
      /* out(x) += c * in(x - d): the source row and column shift by -d. */
      const float  c = job->taps->c[t];
      const float *s = job->src
                       + (size_t) (y + job->src_margin - job->taps->dy[t])
                           * job->src_stride
                       + (size_t) (job->src_margin - job->taps->dx[t]) * ch;
      for (int i = 0; i < n; i++)
        d[i] += c * s[i];
    }
}

static void
gather_row_1d (void *user, int y)
{
  /* One pass of a separable term: src row y + row_margin, column
     col_margin is the output pixel's own input. */
  const gather_job *job = user;
  const int         ch = job->channels, n = job->width * ch;
  const int         h = job->kernel_half;
  const int         row_margin = job->vertical ? job->src_margin : 0;
  const int         col_margin = job->vertical ? 0 : job->src_margin;
  float            *d = job->dst + (size_t) y * job->dst_stride;
  memset (d, 0, (size_t) n * sizeof *d);
  for (int j = 0; j < 2 * h + 1; j++)
    {
      const float c = job->kernel[j];
      int         shift = j - h; /* impulse response position */
      if (c == 0)
        continue;
      const float *s = job->src
                       + (size_t) (y + row_margin - (job->vertical ? shift : 0))
                           * job->src_stride
                       + (size_t) (col_margin - (job->vertical ? 0 : shift))
                           * ch;
      for (int i = 0; i < n; i++)
        d[i] += c * s[i];
    }
}

/* Copies `in` into a buffer with a clamped border of `margin` pixels. */
static float *
pad_clamped (const skc_image *in, int margin, size_t *stride)
{
  const int ch = in->channels;
  int       pw = in->width + 2 * margin, ph = in->height + 2 * margin;
  *stride = (size_t) pw * ch;
  float *p = malloc ((size_t) ph * *stride * sizeof *p);
  if (!p)
    return NULL;
  for (int y = 0; y < ph; y++)
    {
      int sy = y - margin;
      sy = sy < 0 ? 0 : sy >= in->height ? in->height - 1 : sy;
      const float *src = skc_image_pixel (in, 0, sy);
      float       *dst = p + (size_t) y * *stride;
      for (int x = 0; x < pw; x++)
        {
          int sx = x - margin;
          sx = sx < 0 ? 0 : sx >= in->width ? in->width - 1 : sx;
          memcpy (dst + (size_t) x * ch, src + (size_t) sx * ch,
                  (size_t) ch * sizeof (float));
        }
    }
  return p;
}

static skc_result
apply_complex (const skc_filter *f, const skc_image *in, skc_image *out,
               int threads)
{
  skc_layer_taps taps[SKC_MAX_LAYERS];
  int            reach = 0, built = 0;
  skc_result     r = SKC_OK;
  for (; built < f->layer_count; built++)
    {
      if (!skc_layer_taps_build (f, built, &taps[built]))
        {
          r = SKC_ERR_OUT_OF_MEMORY;
          break;
        }
      reach += taps[built].reach;
    }
  size_t stride = 0;
  float *cur = r == SKC_OK ? pad_clamped (in, reach, &stride) : NULL;
  float *next = cur ? malloc ((size_t) (in->height + 2 * reach) * stride
                              * sizeof (float))
                    : NULL;
  if (!cur || !next)
    r = SKC_ERR_OUT_OF_MEMORY;
  int margin = reach;
  for (int l = 0; r == SKC_OK && l < f->layer_count; l++)
    {
      /* Input valid within `margin` of the image; output within
         margin - reach_l. */
      int        out_margin = margin - taps[l].reach;
      gather_job job = {
        .src = cur + (size_t) (reach - margin) * stride
               + (size_t) (reach - margin) * in->channels,
        .dst = next + (size_t) (reach - out_margin) * stride
               + (size_t) (reach - out_margin) * in->channels,
        .src_stride = stride,
        .dst_stride = stride,
        .width = in->width + 2 * out_margin,
        .channels = in->channels,
        .src_margin = taps[l].reach,
        .taps = &taps[l],
      };
      skc_parallel_for (in->height + 2 * out_margin, threads, gather_row, &job);
      margin = out_margin;
      float *swap = cur;
      cur = next;
      next = swap;
    }
  if (r == SKC_OK)
    r = skc_image_alloc (out, in->width, in->height, in->channels);
  if (r == SKC_OK)
    for (int y = 0; y < in->height; y++)
      memcpy (skc_image_pixel (out, 0, y),
              cur + (size_t) (y + reach) * stride
                  + (size_t) reach * in->channels,
              (size_t) in->width * in->channels * sizeof (float));
  free (cur);
  free (next);
  for (int l = 0; l < built; l++)
    skc_layer_taps_free (&taps[l]);
  return r;
}

static skc_result
apply_lowrank (const skc_filter *f, const skc_image *in, skc_image *out,
               int threads)
{
  const int h = f->size / 2, ch = in->channels;
  size_t    stride;
  float    *padded = pad_clamped (in, h, &stride);
  /* After the horizontal pass: rows keep their vertical margin. */
  size_t    mid_stride = (size_t) in->width * ch;
  float    *mid = malloc ((size_t) (in->height + 2 * h) * mid_stride
                          * sizeof (float));
  float    *term = malloc ((size_t) in->height * in->width * ch
                           * sizeof (float));
  skc_result r = padded && mid && term ? skc_image_alloc (out, in->width,
                                                          in->height, ch)
                                       : SKC_ERR_OUT_OF_MEMORY;
  for (int k = 0; r == SKC_OK && k < f->rank; k++)
    {
      /* Horizontal pass over every padded row (the vertical pass needs the
         margin rows too). */
      gather_job row_pass = {
        .src = padded, .dst = mid,
        .src_stride = stride, .dst_stride = mid_stride,
        .width = in->width, .channels = ch, .src_margin = h,
        .kernel = f->row + (size_t) k * f->size, .kernel_half = h,
      };
      skc_parallel_for (in->height + 2 * h, threads, gather_row_1d, &row_pass);
      gather_job column_pass = {
        .src = mid, .dst = term,
        .src_stride = mid_stride, .dst_stride = (size_t) in->width * ch,
        .width = in->width, .channels = ch, .src_margin = h,
        .kernel = f->column + (size_t) k * f->size, .kernel_half = h,
        .vertical = 1,
      };
      skc_parallel_for (in->height, threads, gather_row_1d, &column_pass);
      for (int y = 0; y < in->height; y++)
        {
          float       *o = skc_image_pixel (out, 0, y);
          const float *t = term + (size_t) y * in->width * ch;
          for (int i = 0; i < in->width * ch; i++)
            o[i] += t[i];
        }
    }
  free (padded);
  free (mid);
  free (term);
  return r;
}

skc_result
skc_filter_apply (const skc_filter *f, const skc_image *in, skc_image *out,
                  int threads)
{
  if (!f || !in || !in->data || !out || in->width < 1 || in->height < 1
      || in->channels < 1 || in->channels > 4)
    return SKC_ERR_INVALID_ARGUMENT;
  return f->kind == SKC_FILTER_COMPLEX ? apply_complex (f, in, out, threads)
                                       : apply_lowrank (f, in, out, threads);
}
