/* skc — uniform engines kept per process for depth layers and radius
 * levels (rows of uniform engines, one per radius): a dialog or a GEGL
 * graph makes a new engine whenever the focus, the map's shaping or the
 * map itself change, and none of those changes its rows' engines (they
 * depend on the shape, radius, quality and lens settings only), while
 * planning one takes up to a few tenths of a second.  An
 * entry counts the depth engines using it and is freed only when none
 * does; an idle entry keeps its plan, not its working memory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "internal.h"

/* Enough for the layers of a smooth depth map and the previous engine's. */
#define MEMO_ENGINES 48

typedef struct
{
  char *key;
  skc_engine *engine;
  int users;
  unsigned long used; /* last use, for eviction */
} memo_entry;

static memo_entry memo[MEMO_ENGINES];
static unsigned long memo_clock;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

skc_engine *
skc_engine_memo_take (const char *key)
{
  skc_engine *found = NULL;
  pthread_mutex_lock (&memo_lock);
  for (int i = 0; i < MEMO_ENGINES && !found; i++)
    if (memo[i].key && strcmp (memo[i].key, key) == 0)
      {
        memo[i].users++;
        memo[i].used = ++memo_clock;
        found = memo[i].engine;
      }
  pthread_mutex_unlock (&memo_lock);
  return found;
}

skc_engine *
skc_engine_memo_keep (const char *key, skc_engine *engine, int *kept)
{
  skc_engine *use = engine;
  *kept = 0;
  pthread_mutex_lock (&memo_lock);
  int slot = -1;
  for (int i = 0; i < MEMO_ENGINES; i++)
    {
      if (memo[i].key && strcmp (memo[i].key, key) == 0)
        {
          /* Another caller kept the same one meanwhile: share it. */
          memo[i].users++;
          memo[i].used = ++memo_clock;
          use = memo[i].engine;
          *kept = 1;
          slot = -2;
          break;
        }
      if (memo[i].users == 0
          && (slot < 0 || !memo[i].key || memo[i].used < memo[slot].used))
        slot = slot >= 0 && !memo[slot].key ? slot : i;
    }
  char *copy = slot >= 0 ? strdup (key) : NULL;
  if (slot >= 0 && copy)
    {
      free (memo[slot].key);
      skc_engine_free (memo[slot].engine);
      memo[slot] = (memo_entry){ copy, engine, 1, ++memo_clock };
      *kept = 1;
    }
  pthread_mutex_unlock (&memo_lock);
  if (use != engine)
    skc_engine_free (engine);
  return use;
}

void
skc_engine_memo_release (skc_engine *engine)
{
  pthread_mutex_lock (&memo_lock);
  for (int i = 0; i < MEMO_ENGINES; i++)
    if (memo[i].engine == engine && memo[i].users > 0)
      {
        if (--memo[i].users == 0)
          {
            skc_worker_pool_free (engine->pool);
            engine->pool = NULL;
          }
        break;
      }
  pthread_mutex_unlock (&memo_lock);
}

void
skc_engine_memo_clear_idle (void)
{
  pthread_mutex_lock (&memo_lock);
  for (int i = 0; i < MEMO_ENGINES; i++)
    if (memo[i].key && memo[i].users == 0)
      {
        free (memo[i].key);
        skc_engine_free (memo[i].engine);
        memset (&memo[i], 0, sizeof memo[i]);
      }
  pthread_mutex_unlock (&memo_lock);
}

void
skc_engine_memo_drop (skc_engine *engine, int kept)
{
  if (kept)
    skc_engine_memo_release (engine);
  else
    skc_engine_free (engine);
}

/* ---- rows of uniform engines ---- */

/* The rows' engines weigh the FFT at this many times its cost
 * (engine_options.h): a flat disc then runs on knots up to a radius of
 * about 75 (an FFT cell would have a tile read 400-900 px around it).
 * Measured on this machine, 2 made some engines slow to plan (1-3 s at
 * radii 30-40, against 0.03-0.3 s at 1.8). */
#define ROW_FFT_FACTOR 1.8

struct skc_uniform_row
{
  pthread_mutex_t lock;
  int count;
  skc_engine **engines; /* per index, made on first use, under lock */
  unsigned char *kept;  /* per index: the memo's, else the row's own */
};

skc_uniform_row *
skc_uniform_row_new (int count)
{
  skc_uniform_row *row = calloc (1, sizeof *row);
  if (!row)
    return NULL;
  row->count = count;
  row->engines = calloc ((size_t) count, sizeof *row->engines);
  row->kept = calloc ((size_t) count, 1);
  if (!row->engines || !row->kept || pthread_mutex_init (&row->lock, NULL) != 0)
    {
      free (row->engines);
      free (row->kept);
      free (row);
      return NULL;
    }
  return row;
}

void
skc_uniform_row_free (skc_uniform_row *row)
{
  if (!row)
    return;
  for (int i = 0; i < row->count; i++)
    skc_engine_memo_drop (row->engines[i], row->kept[i]);
  free (row->engines);
  free (row->kept);
  pthread_mutex_destroy (&row->lock);
  free (row);
}

skc_engine *
skc_uniform_row_made (const skc_uniform_row *row, int index)
{
  return index >= 0 && index < row->count ? row->engines[index] : NULL;
}

skc_result
skc_engine_memo_get (const skc_params *p, int with_map,
                     const skc_engine_options *options, const skc_run *run,
                     skc_engine **out, int *kept, skc_error *err)
{
  /* All an engine depends on (the fits' cache aside). */
  char key[SKC_PATH_MAX + 480];
  skc_target_identity (p, key, sizeof key);
  size_t used = strlen (key);
  snprintf (key + used, sizeof key - used,
            "|r=%.17g|%s|seed=%llu|swirl=%.17g|cat-eye=%.17g|"
            "highlights=%.17g,%.17g|clip=%d|fft=%.17g,%d|tables=%.17g|"
            "blend=%d",
            p->radius, skc_quality_name (p->quality),
            (unsigned long long) p->seed, p->swirl, p->cat_eye,
            p->highlight_threshold, p->highlight_gain, p->clip,
            options->fft_cost_factor, options->fft_cell,
            options->knots_map_max_radius, options->angles_blend);
  used = strlen (key);
  if (with_map && options->map_values && options->map_value_count > 0)
    {
      uint64_t h = skc_digest_bytes (SKC_DIGEST_START, options->map_values,
                                     (size_t) options->map_value_count
                                         * sizeof *options->map_values);
      snprintf (key + used, sizeof key - used, "|values=%d:%016llx",
                options->map_value_count, (unsigned long long) h);
      used = strlen (key);
    }
  if (with_map)
    snprintf (key + used, sizeof key - used,
              "|map:focus=%.17g,invert=%d,gamma=%.17g,depth=%d,work=%.17g,"
              "levels=%d,tile=%d",
              p->focus, p->invert_map, p->map_gamma, (int) p->depth,
              options->map_tables_work_max, options->map_levels,
              options->layers_tile);
  *kept = 1;
  skc_engine *made = skc_engine_memo_take (key);
  skc_result res = SKC_OK;
  if (!made)
    {
      res = skc_engine_new_with (p, with_map, options, run, &made, err);
      if (res == SKC_OK)
        made = skc_engine_memo_keep (key, made, kept);
    }
  *out = res == SKC_OK ? made : NULL;
  return res;
}

skc_result
skc_uniform_row_get (skc_uniform_row *row, const skc_engine *e, int index,
                     double radius, skc_quality quality, skc_engine **out,
                     skc_error *err)
{
  skc_result res = SKC_OK;
  pthread_mutex_lock (&row->lock);
  skc_engine *ue = row->engines[index];
  if (!ue)
    {
      skc_params p = e->params;
      p.radius = radius;
      p.quality = quality;
      p.depth = SKC_DEPTH_NONE;
      p.shape_image = e->shape_copy.data ? &e->shape_copy : NULL;
      skc_engine_options options = e->options;
      options.fft_cost_factor = ROW_FFT_FACTOR;
      options.fft_cell = SKC_UNIFORM_ROW_FFT_CELL;
      int kept = 1;
      res = skc_engine_memo_get (&p, 0, &options, &e->prepare_run, &ue, &kept,
                                 err);
      row->engines[index] = ue;
      row->kept[index] = (unsigned char) kept;
    }
  pthread_mutex_unlock (&row->lock);
  *out = ue;
  return res;
}
