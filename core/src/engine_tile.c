/* skc — a process call cut into tiles: each output tile runs every scale
 * with weight on it (only on the rectangle of its pixels with weight),
 * blends them by weight, clips and writes its part of the output.  Tiles
 * are the cells of a grid aligned to the image origin and run in
 * parallel, after the coarse planes (engine_pyramid.c) where several
 * scales share the image.  Every value is computed by the same operations
 * in the same order whatever the tiling or thread count.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* acc += part x weight on the rectangle [i0, i0 + sw) x [j0, j0 + sh) of a
 * w-wide tile; part holds just that rectangle. */
HOT_LOOP static void
add_weighted (float *restrict acc, const float *restrict part,
              const float *restrict weight, int w, int i0, int j0, int sw,
              int sh, int C)
{
  for (int j = 0; j < sh; j++)
    {
      float *a = acc + ((size_t) (j0 + j) * w + i0) * C;
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

/* Output tile [x0, x0 + w) x [y0, y0 + h): every scale with weight there,
 * blended by weight, clipped if asked and written to the output. */
static int
engine_tile (const skc_engine *e, const skc_apply_request *rq,
             const skc_coarse_planes *coarse, int x0, int y0, int w, int h,
             skc_engine_worker *worker)
{
  const int C = rq->channels;
  size_t n = (size_t) w * h * C;
  /* Several scales (a map, or cat-eye at a large radius) share pixels. */
  int need_weight = e->scale_count - e->first_scale > 1;
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
      ok = skc_tile_reserve (&worker->radius, &worker->radius_capacity,
                             (size_t) w * h);
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
                last_radius = e->with_map ? (float) skc_engine_map_radius (e, v)
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
          skc_used_box (coarse->row_use, &rq->output, k, x0, y0, x0 + w, y0 + h,
                        &bx0, &by0, &bx1, &by1);
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
                  v = skc_scale_weight (e, k, r), last_radius = r;
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
      const skc_coarse_plane *plane
          = coarse->planes[k].values ? &coarse->planes[k] : NULL;
      if (plane)
        ok = skc_upsample_tile (&worker->scale[k], plane->values,
                                (size_t) plane->width * C, plane->x0, plane->y0,
                                sc->factor, x0 + i0, y0 + j0, sw, sh, C,
                                direct ? acc : part);
      else
        ok = skc_scale_tile (e, sc, rq, x0 + i0, y0 + j0, sw, sh,
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

  /* Write the tile, clipped if asked: into the output view, or handed
     over whole through io.write (part is free by now). */
  const skc_view *out = &rq->output;
  if (!ok)
    return 0;
  if (!out->pixels)
    {
      for (int j = 0; j < h; j++)
        skc_write_row (e, rq, acc + (size_t) j * w * C,
                       part + (size_t) j * w * C, w);
      return rq->io.write (rq->io.data, x0, y0, w, h, part, (size_t) w * C);
    }
  for (int j = 0; j < h; j++)
    skc_write_row (e, rq, acc + (size_t) j * w * C,
                   out->pixels + (size_t) (y0 + j - out->y) * out->stride
                       + (size_t) (x0 - out->x) * C,
                   w);
  return 1;
}

/* One process call: its tiles, the workers' scratch, and with several
 * scales the coarse planes. */
typedef struct
{
  const skc_engine *engine;
  const skc_apply_request *request; /* the caller's, its io wrapped */
  skc_pixel_io io;                  /* the caller's */
  const skc_run *run;
  skc_cell_grid tiles; /* over the output, e->tile wide */
  atomic_int failed;
  atomic_int io_failed; /* the caller's io refused a rectangle */
  atomic_int cancelled; /* the progress callback said stop */
  atomic_int tiles_done;
  skc_engine_worker *workers;
  skc_coarse_planes coarse; /* multi-scale engines */
} tile_job;

/* Whether the call failed or was cancelled: work items then stop. */
static int
job_stopped (tile_job *job)
{
  return atomic_load (&job->failed) || atomic_load (&job->cancelled)
         || skc_cancel_raised (job->run->cancel);
}

/* The caller's io, noting a refusal (reported as SKC_ERR_IO rather than
 * as a lack of memory). */
static int
noted (tile_job *job, int ok)
{
  if (!ok)
    atomic_store (&job->io_failed, 1);
  return ok;
}

static int
job_read (void *data, int x, int y, int width, int height, float *dst,
          size_t stride)
{
  tile_job *job = data;
  return noted (job,
                job->io.read (job->io.data, x, y, width, height, dst, stride));
}

static int
job_write (void *data, int x, int y, int width, int height, const float *src,
           size_t stride)
{
  tile_job *job = data;
  return noted (job,
                job->io.write (job->io.data, x, y, width, height, src, stride));
}

/* Progress, from the calling thread (worker 0) only; the end (1) is
 * reported once all workers are done. */
static void
report_tile_done (tile_job *job, int worker)
{
  int done = atomic_fetch_add (&job->tiles_done, 1) + 1;
  const skc_run *run = job->run;
  int tiles = job->tiles.across * job->tiles.down;
  if (worker != 0 || !run->progress || done == tiles)
    return;
  if (!run->progress (run->progress_data, (double) done / tiles))
    atomic_store (&job->cancelled, 1);
}

/* One coarse cell of one scale into its plane. */
static void
run_coarse_cell (void *user, int index, int worker)
{
  tile_job *job = user;
  if (job_stopped (job))
    return;
  if (!skc_coarse_cell (&job->coarse, job->engine, job->request, index,
                        &job->workers[worker]))
    atomic_store (&job->failed, 1);
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
  skc_grid_cell (&job->tiles, index, &x0, &y0, &x1, &y1);
  if (!engine_tile (job->engine, job->request, &job->coarse, x0, y0, x1 - x0,
                    y1 - y0, &job->workers[worker]))
    atomic_store (&job->failed, 1);
  else
    report_tile_done (job, worker);
}

skc_result
skc_engine_run (const skc_engine *e, const skc_apply_request *rq,
                const skc_run *run, skc_error *err)
{
  tile_job job = { .engine = e, .io = rq->io, .run = run };
  skc_apply_request wrapped = *rq;
  wrapped.io.data = &job;
  wrapped.io.read = rq->io.read ? job_read : NULL;
  wrapped.io.write = rq->io.write ? job_write : NULL;
  job.request = &wrapped;
  atomic_init (&job.failed, 0);
  atomic_init (&job.io_failed, 0);
  atomic_init (&job.cancelled, 0);
  atomic_init (&job.tiles_done, 0);
  job.tiles = skc_grid_over (e->tile, rq->output.x, rq->output.y,
                             rq->output.width, rq->output.height);
  int tiles = job.tiles.across * job.tiles.down;
  int workers = skc_parallel_workers (tiles, run->threads);
  job.workers = calloc (workers, sizeof *job.workers);
  if (!job.workers)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  skc_worker_pool_take (e, job.workers, workers);
  /* Multi-scale engines: the coarse scales first, then the tiles. */
  if (e->scale_count - e->first_scale > 1)
    {
      if (!skc_coarse_prepare (&job.coarse, e, &wrapped, run->threads))
        atomic_store (&job.failed, 1);
      int cells = job.coarse.first_cell[e->scale_count];
      if (cells > 0 && !atomic_load (&job.failed))
        {
          /* Fewer cells than tiles: never more workers than scratch. */
          int threads = skc_parallel_workers (cells, run->threads);
          threads = threads < workers ? threads : workers;
          skc_parallel_for_workers (cells, threads, run_coarse_cell, &job);
        }
    }
  if (!atomic_load (&job.failed))
    skc_parallel_for_workers (tiles, run->threads, run_tile, &job);
  if (run->progress && !job_stopped (&job)
      && !run->progress (run->progress_data, 1.0))
    atomic_store (&job.cancelled, 1);
  skc_coarse_free (&job.coarse);
  skc_worker_pool_give (e, job.workers, workers);
  free (job.workers);
  if (skc_cancel_raised (run->cancel) || atomic_load (&job.cancelled))
    return skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
  if (atomic_load (&job.io_failed))
    return skc_fail (err, SKC_ERR_IO,
                     "the image's pixels could not be read or written");
  if (atomic_load (&job.failed))
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                     "out of memory for a %dx%d tile with a %d px margin",
                     e->tile, e->tile, e->reach);
  return SKC_OK;
}

/* ---- tiles of the engines that work on views ---- */

typedef struct
{
  skc_cell_grid tiles;
  const skc_run *run;
  skc_view_tile_fn fn;
  void *user;
  char *states;
  size_t state_size;
  skc_result *results;
  skc_error *errors;
  atomic_int failed; /* 1 + the worker whose tile failed first */
} view_tiles_job;

static void
run_view_tile (void *user, int index, int worker)
{
  view_tiles_job *job = user;
  if (atomic_load (&job->failed))
    return;
  skc_result r;
  if (skc_cancel_raised (job->run->cancel))
    r = skc_fail (&job->errors[worker], SKC_ERR_CANCELLED, "cancelled");
  else
    {
      skc_rect t;
      skc_grid_cell (&job->tiles, index, &t.x0, &t.y0, &t.x1, &t.y1);
      r = job->fn (job->user, t,
                   job->states + (size_t) worker * job->state_size,
                   &job->errors[worker]);
    }
  if (r != SKC_OK)
    {
      job->results[worker] = r;
      int none = 0;
      atomic_compare_exchange_strong (&job->failed, &none, 1 + worker);
    }
}

skc_result
skc_view_tiles_run (int side, const skc_view *output, const skc_run *run,
                    size_t state_size, void (*state_free) (void *state),
                    skc_view_tile_fn fn, void *user, skc_error *err)
{
  view_tiles_job job
      = { .run = run, .fn = fn, .user = user, .state_size = state_size };
  atomic_init (&job.failed, 0);
  job.tiles = skc_grid_over (side, output->x, output->y, output->width,
                             output->height);
  int tiles = job.tiles.across * job.tiles.down;
  int workers = skc_parallel_workers (tiles, run->threads);
  job.states = calloc ((size_t) workers, state_size);
  job.results = calloc ((size_t) workers, sizeof *job.results);
  job.errors = calloc ((size_t) workers, sizeof *job.errors);
  skc_result res = SKC_OK;
  if (!job.states || !job.results || !job.errors)
    res = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  else
    skc_parallel_for_workers (tiles, run->threads, run_view_tile, &job);
  int failed = atomic_load (&job.failed);
  if (failed)
    res = skc_fail (err, job.results[failed - 1], "%s",
                    job.errors[failed - 1].message);
  for (int k = 0; job.states && k < workers; k++)
    state_free (job.states + (size_t) k * state_size);
  free (job.states);
  free (job.results);
  free (job.errors);
  return res;
}
