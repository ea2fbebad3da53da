/* skc — the engine's working memory: each worker's scratch per scale and
 * tile buffers, grown as tiles need and kept across tiles, and a pool per
 * engine that lends finished calls' scratch to the next ones (a
 * region-by-region caller, GEGL, then does not fault in fresh pages on
 * every call).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

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
  free (s->plain_input);
  free (s->plain_values);
  free (s->plain_weight);
  free (s->step_weight);
  free (s->amount_weight);
  free (s->pass_code);
  if (s->fft_buffer)
    fftwf_free (s->fft_buffer);
  memset (s, 0, sizeof *s);
}

int
skc_tile_reserve (float **buffer, size_t *capacity, size_t need)
{
  size_t bytes = *capacity * sizeof (float);
  int ok = skc_reserve_bytes (buffer, &bytes, need * sizeof (float));
  *capacity = bytes / sizeof (float);
  return ok;
}

int
skc_reserve_bytes (void *buffer, size_t *capacity, size_t need)
{
  void **b = buffer;
  if (need <= *capacity)
    return 1;
  void *grown = realloc (*b, need);
  if (!grown)
    return 0;
  *b = grown;
  *capacity = need;
  return 1;
}

static void
engine_worker_free (skc_engine_worker *w)
{
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    skc_tile_scratch_free (&w->scale[k]);
  free (w->acc);
  free (w->part);
  free (w->weight);
  free (w->radius);
}

/* The engine's pool of working memory: calls take what is there and give
 * it back; concurrent calls each get their own (the pool is only touched
 * under its lock).  At most POOL_KEEP sets are kept. */
#define POOL_KEEP 8
struct skc_worker_pool
{
  pthread_mutex_t lock;
  skc_engine_worker kept[POOL_KEEP];
  int count;
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

void
skc_worker_pool_take (const skc_engine *e, skc_engine_worker *workers, int n)
{
  struct skc_worker_pool *p = worker_pool (e);
  if (!p)
    return;
  pthread_mutex_lock (&p->lock);
  for (int i = 0; i < n && p->count > 0; i++)
    workers[i] = p->kept[--p->count];
  pthread_mutex_unlock (&p->lock);
}

void
skc_worker_pool_give (const skc_engine *e, skc_engine_worker *workers, int n)
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
skc_worker_pool_trim (const skc_engine *e)
{
  struct skc_worker_pool *p = e->pool;
  if (!p)
    return;
  pthread_mutex_lock (&p->lock);
  for (int i = 0; i < p->count; i++)
    engine_worker_free (&p->kept[i]);
  p->count = 0;
  pthread_mutex_unlock (&p->lock);
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
