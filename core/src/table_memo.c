/* skc — the knots tables of recent blur-map engines, kept per process: a
 * dialog or GEGL graph rebuilds its engine whenever focus, gamma or the
 * map change, and none of those changes the tables (they depend on the
 * shape, quality and radii only).  Entries are copies, so engines own
 * their tables as before.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"

/* A few table sets (each up to a few MB): enough for the scales of the
 * engine being tuned and the one before. */
#define MEMO_SETS 6

typedef struct
{
  char *key;
  int levels, first, half;
  float abs;
  double snr_db;
  skc_layer_taps *tables; /* [levels]; first .. levels - 1 filled */
  unsigned long used;     /* last use, for eviction */
} table_set;

static table_set memo[MEMO_SETS];
static unsigned long memo_clock;
static pthread_mutex_t memo_lock = PTHREAD_MUTEX_INITIALIZER;

static int
taps_copy (const skc_layer_taps *from, skc_layer_taps *to)
{
  size_t n = (size_t) (from->count > 0 ? from->count : 1);
  to->count = from->count;
  to->reach = from->reach;
  to->dx = malloc (n * sizeof *to->dx);
  to->dy = malloc (n * sizeof *to->dy);
  to->c = malloc (n * sizeof *to->c);
  if (!to->dx || !to->dy || !to->c)
    {
      skc_layer_taps_free (to);
      return 0;
    }
  memcpy (to->dx, from->dx, (size_t) from->count * sizeof *to->dx);
  memcpy (to->dy, from->dy, (size_t) from->count * sizeof *to->dy);
  memcpy (to->c, from->c, (size_t) from->count * sizeof *to->c);
  return 1;
}

/* Copies levels first .. levels - 1; 0 (and nothing kept) when out of
 * memory. */
static skc_layer_taps *
tables_copy (const skc_layer_taps *from, int levels, int first)
{
  skc_layer_taps *to = calloc ((size_t) levels, sizeof *to);
  for (int q = first; to && q < levels; q++)
    if (!taps_copy (&from[q], &to[q]))
      {
        for (int i = first; i < q; i++)
          skc_layer_taps_free (&to[i]);
        free (to);
        to = NULL;
      }
  return to;
}

static void
set_clear (table_set *t)
{
  for (int q = t->first; t->tables && q < t->levels; q++)
    skc_layer_taps_free (&t->tables[q]);
  free (t->tables);
  free (t->key);
  memset (t, 0, sizeof *t);
}

int
skc_table_memo_take (const char *key, skc_scale *s)
{
  int hit = 0;
  pthread_mutex_lock (&memo_lock);
  for (int i = 0; i < MEMO_SETS && !hit; i++)
    {
      table_set *t = &memo[i];
      if (!t->key || strcmp (t->key, key) != 0 || t->levels != s->knots.levels
          || t->first != s->knots.first)
        continue;
      s->knots.table = tables_copy (t->tables, t->levels, t->first);
      if (!s->knots.table)
        break;
      s->knots.abs = t->abs;
      s->knots.half = t->half;
      s->knots.snr_db = t->snr_db;
      t->used = ++memo_clock;
      hit = 1;
    }
  pthread_mutex_unlock (&memo_lock);
  return hit;
}

void
skc_table_memo_clear (void)
{
  pthread_mutex_lock (&memo_lock);
  for (int i = 0; i < MEMO_SETS; i++)
    set_clear (&memo[i]);
  pthread_mutex_unlock (&memo_lock);
}

void
skc_table_memo_keep (const char *key, const skc_scale *s)
{
  skc_layer_taps *tables
      = tables_copy (s->knots.table, s->knots.levels, s->knots.first);
  char *key_copy = strdup (key);
  if (!tables || !key_copy)
    {
      for (int q = s->knots.first; tables && q < s->knots.levels; q++)
        skc_layer_taps_free (&tables[q]);
      free (tables);
      free (key_copy);
      return; /* the memo is an optimisation */
    }
  pthread_mutex_lock (&memo_lock);
  table_set *oldest = &memo[0];
  for (int i = 1; i < MEMO_SETS; i++)
    if (memo[i].used < oldest->used)
      oldest = &memo[i];
  set_clear (oldest);
  *oldest = (table_set){ key_copy,      s->knots.levels, s->knots.first,
                         s->knots.half, s->knots.abs,    s->knots.snr_db,
                         tables,        ++memo_clock };
  pthread_mutex_unlock (&memo_lock);
}
