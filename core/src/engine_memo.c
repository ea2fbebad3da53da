/* skc — uniform engines kept per process for depth layers: a dialog or a
 * GEGL graph makes a new depth engine whenever the focus, the map's
 * shaping or the map itself change, and none of those changes its layers'
 * engines (they depend on the shape, radius, quality and lens settings
 * only), while planning one takes up to a few tenths of a second.  An
 * entry counts the depth engines using it and is freed only when none
 * does; an idle entry keeps its plan, not its working memory.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

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
