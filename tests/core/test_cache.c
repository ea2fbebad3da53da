/* skc tests — the fit cache: memory and disk hits, independent copies,
 * corrupt files, LRU eviction, one fit per key under concurrency, cancel
 * and failure handling, the process-wide cache.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <dirent.h>
#include <ftw.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "skc/cache.h"
#include "skc/filterfile.h"
#include "skc/imagefile.h"
#include "skc/kernel.h"

#include "check.h"
#include "filter_compare.h"

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

static char temp_root[64];
static skc_image disc_target;
static skc_image empty_target;
/* Progress calls of one uncached fit with fast_options: fits are
 * deterministic, so a count of calls tells how many fits ran. */
static int calls_per_fit;

/* What the progress callback sees: how often it was called, and how long
 * to sleep per call so that a fit stays under way while others arrive. */
typedef struct
{
  atomic_int calls;
  int sleep_ms;
} fit_counter;

static void
sleep_ms (int milliseconds)
{
  struct timespec delay;

  delay.tv_sec = milliseconds / 1000;
  delay.tv_nsec = (long) (milliseconds % 1000) * 1000000L;
  nanosleep (&delay, NULL);
}

static void
count_progress (void *user, double fraction, double loss)
{
  fit_counter *counter = user;

  atomic_fetch_add (&counter->calls, 1);
  if (counter->sleep_ms > 0)
    sleep_ms (counter->sleep_ms);
}

/* A fit that takes milliseconds. */
static void
fast_options (skc_fit_options *opts, fit_counter *counter)
{
  skc_fit_options_init (opts);
  opts->steps = 50;
  opts->restarts = 1;
  opts->layers = 2;
  opts->samples = 6;
  opts->threads = 1;
  opts->progress = count_progress;
  opts->progress_user = counter;
}

static void
counter_reset (fit_counter *counter, int sleep_milliseconds)
{
  atomic_store (&counter->calls, 0);
  counter->sleep_ms = sleep_milliseconds;
}

/* temp_root/name, in buf. */
static const char *
temp_path (char *buf, size_t size, const char *name)
{
  snprintf (buf, size, "%s/%s", temp_root, name);
  return buf;
}

static bool
filters_equal (const skc_filter *a, const skc_filter *b)
{
  char why[256];

  if (a == NULL || b == NULL)
    return false;
  if (!filters_identical (a, b, why, sizeof why))
    {
      fprintf (stderr, "     filters differ: %s\n", why);
      return false;
    }
  return true;
}

/* Number of .skc files in folder; the last one's path goes to path. */
static int
count_cache_files (const char *folder, char *path, size_t size)
{
  DIR *dir = opendir (folder);
  struct dirent *item;
  int count = 0;

  if (dir == NULL)
    return 0;
  while ((item = readdir (dir)) != NULL)
    {
      size_t length = strlen (item->d_name);

      if (length > 4 && strcmp (item->d_name + length - 4, ".skc") == 0)
        {
          count++;
          if (path != NULL)
            snprintf (path, size, "%s/%s", folder, item->d_name);
        }
    }
  closedir (dir);
  return count;
}

/* Whole file as a string (malloc'd), or NULL. */
static char *
file_text (const char *path, size_t *length)
{
  unsigned char *bytes = NULL;
  size_t size = 0;

  if (skc_read_file (path, (size_t) 1 << 24, &bytes, &size, NULL) != SKC_OK)
    return NULL;
  if (length != NULL)
    *length = size;
  return (char *) bytes;
}

static bool
file_replace (const char *path, const char *text, size_t length)
{
  FILE *stream = fopen (path, "wb");
  bool ok;

  if (stream == NULL)
    return false;
  ok = fwrite (text, 1, length, stream) == length;
  return fclose (stream) == 0 && ok;
}

static int
remove_entry (const char *path, const struct stat *info, int type,
              struct FTW *where)
{
  return remove (path);
}

static void
remove_tree (const char *path)
{
  nftw (path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ------------------------------------------------------------------ */
/* Memory                                                              */
/* ------------------------------------------------------------------ */

static void
test_memory_hit (void)
{
  skc_cache *cache = skc_cache_new (NULL, 8);
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *first = NULL;
  skc_filter *second = NULL;
  skc_filter *third = NULL;
  skc_filter *missing = NULL;
  int hit = -1;

  CHECK (cache != NULL);
  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  CHECK_EQ_INT (skc_cache_fit (cache, "disc 3.5", &disc_target, &opts, &first,
                               &hit, NULL),
                SKC_OK);
  CHECK_EQ_INT (hit, 0);
  CHECK (first != NULL);
  CHECK (atomic_load (&counter.calls) > 0);
  calls_per_fit = atomic_load (&counter.calls);

  counter_reset (&counter, 0);
  CHECK_EQ_INT (skc_cache_fit (cache, "disc 3.5", &disc_target, &opts, &second,
                               &hit, NULL),
                SKC_OK);
  CHECK_EQ_INT (hit, 1);
  CHECK_EQ_INT (atomic_load (&counter.calls), 0);
  CHECK (first != second);
  CHECK (filters_equal (first, second));

  /* Changing what we got must not change what the cache holds. */
  float first_dx = first ? skc_filter_layer (first, 0)[0].dx : 0;
  if (first != NULL && second != NULL)
    {
      skc_filter_layer (first, 0)[0].dx += 1.0f;
      skc_filter_layer (second, 1)[2].w *= 0.5f;
    }
  CHECK_EQ_INT (skc_cache_lookup (cache, "disc 3.5", &third), SKC_OK);
  CHECK (third != NULL);
  CHECK (!filters_identical (first, third, (char[8]){ 0 }, 8));
  if (first != NULL)
    skc_filter_layer (first, 0)[0].dx = first_dx; /* x + 1 - 1 may round */
  CHECK (filters_equal (first, third));

  CHECK_EQ_INT (skc_cache_lookup (cache, "not there", &missing), SKC_OK);
  CHECK (missing == NULL);

  /* A hit needs neither target nor options. */
  skc_filter_free (third);
  third = NULL;
  CHECK_EQ_INT (
      skc_cache_fit (cache, "disc 3.5", NULL, NULL, &third, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 1);
  CHECK (filters_equal (first, third));

  skc_filter_free (first);
  skc_filter_free (second);
  skc_filter_free (third);
  skc_cache_free (cache);
}

static void
test_bad_keys (void)
{
  skc_cache *cache = skc_cache_new (NULL, 4);
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *filter = NULL;
  skc_filter *fitted = NULL;
  skc_error err;
  int hit = -1;

  counter_reset (&counter, 0);
  fast_options (&opts, &counter);
  CHECK_EQ_INT (skc_fit (&disc_target, &opts, &fitted, NULL, NULL), SKC_OK);

  err.message[0] = '\0';
  CHECK_EQ_INT (skc_cache_fit (cache, "two\nlines", &disc_target, &opts,
                               &filter, &hit, &err),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK (filter == NULL);
  CHECK (err.message[0] != '\0');
  CHECK_EQ_INT (skc_cache_fit (cache, "carriage\rreturn", &disc_target, &opts,
                               &filter, &hit, NULL),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (
      skc_cache_fit (cache, NULL, &disc_target, &opts, &filter, &hit, NULL),
      SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_cache_store (cache, "a\nb", fitted),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_cache_lookup (cache, "a\nb", &filter),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK (filter == NULL);
  CHECK_EQ_INT (skc_cache_lookup (NULL, "key", &filter),
                SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_cache_store (cache, "key", NULL), SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (atomic_load (&counter.calls), calls_per_fit);
  CHECK (skc_cache_new (NULL, -1) == NULL);

  skc_filter_free (fitted);
  skc_cache_free (cache);
}

/* ------------------------------------------------------------------ */
/* Disk                                                                */
/* ------------------------------------------------------------------ */

static void
test_disk_hit (void)
{
  char folder[256];
  char path[512];
  const char *key = "shape:disc radius=3.5 size=9 2x6";
  skc_cache *writer;
  skc_cache *reader;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *fitted = NULL;
  skc_filter *looked_up = NULL;
  skc_filter *read_back = NULL;
  skc_filter *from_fit = NULL;
  char *text;
  const char *name;
  int hit = -1;
  int i;

  /* Two levels that do not exist yet: the cache creates them. */
  temp_path (folder, sizeof folder, "disk/nested");
  writer = skc_cache_new (folder, 4);
  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  CHECK_EQ_INT (
      skc_cache_fit (writer, key, &disc_target, &opts, &fitted, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 0);
  CHECK_EQ_INT (count_cache_files (folder, path, sizeof path), 1);

  /* 16 hex digits + ".skc"; the first line names the key. */
  name = strrchr (path, '/') + 1;
  CHECK_EQ_INT (strlen (name), 20);
  for (i = 0; i < 16; i++)
    CHECK_MSG (strchr ("0123456789abcdef", name[i]) != NULL && name[i] != 0,
               "name %s", name);
  text = file_text (path, NULL);
  CHECK (text != NULL);
  if (text != NULL)
    {
      CHECK (strncmp (text, "# skc-cache-key ", 16) == 0);
      CHECK (strncmp (text + 16, key, strlen (key)) == 0);
      CHECK (text[16 + strlen (key)] == '\n');
      CHECK (strstr (text, "skc-filter 1\n") != NULL);
    }
  free (text);

  /* The file on its own is a valid .skc filter (the key line is a
   * comment). */
  CHECK_EQ_INT (skc_filter_load (path, &read_back, NULL), SKC_OK);
  CHECK (filters_equal (fitted, read_back));

  /* Another cache on the same folder: a disk hit, no fit. */
  reader = skc_cache_new (folder, 4);
  counter_reset (&counter, 0);
  CHECK_EQ_INT (skc_cache_lookup (reader, key, &looked_up), SKC_OK);
  CHECK (filters_equal (fitted, looked_up));
  CHECK_EQ_INT (
      skc_cache_fit (reader, key, &disc_target, &opts, &from_fit, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 1);
  CHECK_EQ_INT (atomic_load (&counter.calls), 0);
  CHECK (filters_equal (fitted, from_fit));
  skc_cache_free (reader);

  /* A fresh cache whose first contact is skc_cache_fit. */
  reader = skc_cache_new (folder, 0);
  skc_filter_free (from_fit);
  from_fit = NULL;
  CHECK_EQ_INT (
      skc_cache_fit (reader, key, &disc_target, &opts, &from_fit, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 1);
  CHECK_EQ_INT (atomic_load (&counter.calls), 0);
  CHECK (filters_equal (fitted, from_fit));

  skc_filter_free (fitted);
  skc_filter_free (looked_up);
  skc_filter_free (read_back);
  skc_filter_free (from_fit);
  skc_cache_free (reader);
  skc_cache_free (writer);
}

typedef enum
{
  CORRUPT_TRUNCATED,
  CORRUPT_GARBAGE,
  CORRUPT_WRONG_KEY,
  CORRUPT_KEY_PREFIX, /* the key line holds a longer key */
  CORRUPT_EMPTY,
  CORRUPT_NO_KEY_LINE
} corruption;

static void
test_corrupt_file (corruption kind)
{
  char folder[256];
  char path[512];
  const char *key = "corrupt me";
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *fitted = NULL;
  skc_filter *filter = NULL;
  char *text;
  size_t length = 0;
  int hit = -1;
  char name[32];

  snprintf (name, sizeof name, "corrupt-%d", (int) kind);
  temp_path (folder, sizeof folder, name);
  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  cache = skc_cache_new (folder, 4);
  CHECK_EQ_INT (
      skc_cache_fit (cache, key, &disc_target, &opts, &fitted, &hit, NULL),
      SKC_OK);
  skc_cache_free (cache);
  CHECK_EQ_INT (count_cache_files (folder, path, sizeof path), 1);
  text = file_text (path, &length);
  CHECK (text != NULL);
  if (text == NULL)
    {
      skc_filter_free (fitted);
      return;
    }

  switch (kind)
    {
    case CORRUPT_TRUNCATED:
      CHECK (file_replace (path, text, length / 2));
      break;
    case CORRUPT_GARBAGE:
      {
        static const char garbage[] = "# skc-cache-key corrupt me\n"
                                      "\x01\x02 not a filter \xff\xfe\n";

        CHECK (file_replace (path, garbage, sizeof garbage - 1));
      }
      break;
    case CORRUPT_WRONG_KEY:
      {
        /* A valid filter under another key: what a hash collision looks
         * like. */
        char *other = malloc (length + 16);

        CHECK (other != NULL);
        if (other != NULL)
          {
            int used
                = snprintf (other, length + 16, "# skc-cache-key other\n%s",
                            strchr (text, '\n') + 1);

            CHECK (file_replace (path, other, (size_t) used));
            free (other);
          }
      }
      break;
    case CORRUPT_KEY_PREFIX:
      {
        char *other = malloc (length + 16);

        CHECK (other != NULL);
        if (other != NULL)
          {
            int used = snprintf (other, length + 16,
                                 "# skc-cache-key corrupt me too\n%s",
                                 strchr (text, '\n') + 1);

            CHECK (file_replace (path, other, (size_t) used));
            free (other);
          }
      }
      break;
    case CORRUPT_EMPTY:
      CHECK (file_replace (path, "", 0));
      break;
    case CORRUPT_NO_KEY_LINE:
      CHECK (file_replace (path, strchr (text, '\n') + 1,
                           length - (size_t) (strchr (text, '\n') + 1 - text)));
      break;
    }

  /* A miss, not an error... */
  cache = skc_cache_new (folder, 4);
  CHECK_EQ_INT (skc_cache_lookup (cache, key, &filter), SKC_OK);
  CHECK_MSG (filter == NULL, "corruption %d", (int) kind);
  skc_filter_free (filter);
  filter = NULL;

  /* ...so the fit runs again and rewrites the file. */
  counter_reset (&counter, 0);
  CHECK_EQ_INT (
      skc_cache_fit (cache, key, &disc_target, &opts, &filter, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 0);
  CHECK_EQ_INT (atomic_load (&counter.calls), calls_per_fit);
  CHECK (filters_equal (fitted, filter));
  skc_cache_free (cache);
  skc_filter_free (filter);
  filter = NULL;

  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 1);
  cache = skc_cache_new (folder, 4);
  CHECK_EQ_INT (skc_cache_lookup (cache, key, &filter), SKC_OK);
  CHECK (filters_equal (fitted, filter));
  skc_cache_free (cache);

  free (text);
  skc_filter_free (filter);
  skc_filter_free (fitted);
}

/* A folder that cannot be created: stores report it, fits do not. */
static void
test_unwritable_folder (void)
{
  char blocker[256];
  char folder[300];
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *fitted = NULL;
  skc_filter *filter = NULL;
  int hit = -1;

  temp_path (blocker, sizeof blocker, "plain-file");
  CHECK (file_replace (blocker, "x", 1));
  snprintf (folder, sizeof folder, "%s/cache", blocker);
  cache = skc_cache_new (folder, 4);
  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  CHECK_EQ_INT (
      skc_cache_fit (cache, "k1", &disc_target, &opts, &fitted, &hit, NULL),
      SKC_OK);
  CHECK (fitted != NULL);
  CHECK_EQ_INT (skc_cache_store (cache, "k2", fitted), SKC_ERR_IO);
  /* ...yet both are kept in memory. */
  CHECK_EQ_INT (skc_cache_lookup (cache, "k1", &filter), SKC_OK);
  CHECK (filters_equal (fitted, filter));
  skc_filter_free (filter);
  filter = NULL;
  CHECK_EQ_INT (skc_cache_lookup (cache, "k2", &filter), SKC_OK);
  CHECK (filters_equal (fitted, filter));

  skc_filter_free (filter);
  skc_filter_free (fitted);
  skc_cache_free (cache);
}

/* ------------------------------------------------------------------ */
/* Eviction                                                            */
/* ------------------------------------------------------------------ */

static bool
is_cached (skc_cache *cache, const char *key)
{
  skc_filter *filter = NULL;
  bool found;

  CHECK_EQ_INT (skc_cache_lookup (cache, key, &filter), SKC_OK);
  found = filter != NULL;
  skc_filter_free (filter);
  return found;
}

static void
remove_cache_files (const char *folder)
{
  char path[512];

  while (count_cache_files (folder, path, sizeof path) > 0)
    if (remove (path) != 0)
      break;
}

static void
test_eviction (void)
{
  char folder[256];
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *filter = NULL;
  int hit = -1;

  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  /* Memory only: the oldest of three is gone. */
  cache = skc_cache_new (NULL, 2);
  CHECK_EQ_INT (
      skc_cache_fit (cache, "k1", &disc_target, &opts, &filter, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (skc_cache_store (cache, "k2", filter), SKC_OK);
  CHECK_EQ_INT (skc_cache_store (cache, "k3", filter), SKC_OK);
  CHECK (!is_cached (cache, "k1"));
  CHECK (is_cached (cache, "k2"));
  CHECK (is_cached (cache, "k3"));
  skc_filter_free (filter);
  filter = NULL;
  counter_reset (&counter, 0);
  CHECK_EQ_INT (
      skc_cache_fit (cache, "k1", &disc_target, &opts, &filter, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 0);
  CHECK_EQ_INT (atomic_load (&counter.calls), calls_per_fit);
  /* k1 evicted k2 (k3 was used more recently). */
  CHECK (!is_cached (cache, "k2"));
  CHECK (is_cached (cache, "k3"));
  CHECK (is_cached (cache, "k1"));

  /* Use refreshes: k3, k1 touched in that order, so a new key evicts k3. */
  CHECK (is_cached (cache, "k3"));
  CHECK (is_cached (cache, "k1"));
  CHECK_EQ_INT (skc_cache_store (cache, "k4", filter), SKC_OK);
  CHECK (!is_cached (cache, "k3"));
  CHECK (is_cached (cache, "k1"));
  CHECK (is_cached (cache, "k4"));

  /* Storing a key again replaces it without evicting anything. */
  CHECK_EQ_INT (skc_cache_store (cache, "k4", filter), SKC_OK);
  CHECK (is_cached (cache, "k1"));
  CHECK (is_cached (cache, "k4"));
  skc_cache_free (cache);

  /* No memory at all: nothing is kept. */
  cache = skc_cache_new (NULL, 0);
  CHECK_EQ_INT (skc_cache_store (cache, "k1", filter), SKC_OK);
  CHECK (!is_cached (cache, "k1"));
  skc_cache_free (cache);

  /* With a folder, the evicted key still comes back from disk. */
  temp_path (folder, sizeof folder, "eviction");
  cache = skc_cache_new (folder, 2);
  CHECK_EQ_INT (skc_cache_store (cache, "k1", filter), SKC_OK);
  CHECK_EQ_INT (skc_cache_store (cache, "k2", filter), SKC_OK);
  CHECK_EQ_INT (skc_cache_store (cache, "k3", filter), SKC_OK);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 3);
  counter_reset (&counter, 0);
  skc_filter_free (filter);
  filter = NULL;
  CHECK_EQ_INT (
      skc_cache_fit (cache, "k1", &disc_target, &opts, &filter, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 1);
  CHECK_EQ_INT (atomic_load (&counter.calls), 0);
  /* Without the files, memory shows what it holds: k1 (back from disk)
   * and k3; k2 was evicted to make room for k1. */
  remove_cache_files (folder);
  CHECK (is_cached (cache, "k1"));
  CHECK (is_cached (cache, "k3"));
  CHECK (!is_cached (cache, "k2"));
  skc_cache_free (cache);

  skc_filter_free (filter);
}

/* ------------------------------------------------------------------ */
/* Threads                                                             */
/* ------------------------------------------------------------------ */

#define RACERS 4

typedef struct
{
  skc_cache *cache;
  const char *key;
  const skc_fit_options *opts;
  atomic_int *ready; /* racers at the start line */
  skc_result result;
  skc_filter *filter;
  int hit;
} racer;

static void *
race (void *user)
{
  racer *r = user;

  /* A hand-made barrier (macOS has no pthread_barrier_t). */
  atomic_fetch_add (r->ready, 1);
  while (atomic_load (r->ready) < RACERS)
    sleep_ms (1);
  r->result = skc_cache_fit (r->cache, r->key, &disc_target, r->opts,
                             &r->filter, &r->hit, NULL);
  return NULL;
}

static void
test_one_fit_per_key (bool with_folder)
{
  char folder[256];
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  atomic_int ready;
  pthread_t threads[RACERS];
  racer racers[RACERS];
  int misses = 0;
  int i;

  temp_path (folder, sizeof folder, "race");
  cache = skc_cache_new (with_folder ? folder : NULL, 4);
  /* Slow progress keeps the fit under way while the others arrive. */
  counter_reset (&counter, 20);
  fast_options (&opts, &counter);
  atomic_init (&ready, 0);

  for (i = 0; i < RACERS; i++)
    {
      racers[i].cache = cache;
      racers[i].key = "raced";
      racers[i].opts = &opts;
      racers[i].ready = &ready;
      racers[i].result = SKC_ERR_IO;
      racers[i].filter = NULL;
      racers[i].hit = -1;
      pthread_create (&threads[i], NULL, race, &racers[i]);
    }
  for (i = 0; i < RACERS; i++)
    pthread_join (threads[i], NULL);

  for (i = 0; i < RACERS; i++)
    {
      CHECK_EQ_INT (racers[i].result, SKC_OK);
      if (racers[i].hit == 0)
        misses++;
      CHECK (filters_equal (racers[0].filter, racers[i].filter));
    }
  CHECK_EQ_INT (misses, 1);
  CHECK_EQ_INT (atomic_load (&counter.calls), calls_per_fit);
  for (i = 0; i < RACERS; i++)
    skc_filter_free (racers[i].filter);

  skc_cache_free (cache);
}

/* Two fits of different keys must run at the same time: each one's
 * progress waits until the other's has started.  Were the lock held
 * while fitting, each would wait out its timeout. */
typedef struct
{
  atomic_int *mine;
  atomic_int *other;
  bool saw_other;
} meeting;

static void
meet_progress (void *user, double fraction, double loss)
{
  meeting *m = user;
  int waited;

  atomic_store (m->mine, 1);
  for (waited = 0; waited < 5000 && atomic_load (m->other) == 0; waited += 5)
    sleep_ms (5);
  if (atomic_load (m->other) != 0)
    m->saw_other = true;
}

typedef struct
{
  skc_cache *cache;
  const char *key;
  skc_fit_options opts;
  skc_result result;
  skc_filter *filter;
} keyed_fit;

static void *
run_keyed_fit (void *user)
{
  keyed_fit *job = user;

  job->result = skc_cache_fit (job->cache, job->key, &disc_target, &job->opts,
                               &job->filter, NULL, NULL);
  return NULL;
}

static void
test_keys_fit_concurrently (void)
{
  skc_cache *cache = skc_cache_new (NULL, 4);
  atomic_int started[2];
  meeting meetings[2];
  keyed_fit jobs[2];
  pthread_t threads[2];
  fit_counter unused;
  int i;

  atomic_init (&started[0], 0);
  atomic_init (&started[1], 0);
  for (i = 0; i < 2; i++)
    {
      meetings[i].mine = &started[i];
      meetings[i].other = &started[1 - i];
      meetings[i].saw_other = false;
      jobs[i].cache = cache;
      jobs[i].key = i == 0 ? "left" : "right";
      fast_options (&jobs[i].opts, &unused);
      jobs[i].opts.progress = meet_progress;
      jobs[i].opts.progress_user = &meetings[i];
      jobs[i].result = SKC_ERR_IO;
      jobs[i].filter = NULL;
    }
  for (i = 0; i < 2; i++)
    pthread_create (&threads[i], NULL, run_keyed_fit, &jobs[i]);
  for (i = 0; i < 2; i++)
    pthread_join (threads[i], NULL);
  for (i = 0; i < 2; i++)
    {
      CHECK_EQ_INT (jobs[i].result, SKC_OK);
      CHECK (meetings[i].saw_other);
      skc_filter_free (jobs[i].filter);
    }
  skc_cache_free (cache);
}

/* The fitter's caller cancels; a waiter (not cancelled) fits instead. */
typedef struct
{
  atomic_int started;
  int *cancel; /* a fit's flag: the core reads it atomically */
} cancelling;

static void
cancel_progress (void *user, double fraction, double loss)
{
  cancelling *c = user;

  atomic_store (&c->started, 1);
  /* Long enough for the waiter to be waiting. */
  sleep_ms (200);
  __atomic_store_n (c->cancel, 1, __ATOMIC_RELAXED);
}

static void *
run_fit (void *user)
{
  racer *r = user;

  r->result = skc_cache_fit (r->cache, r->key, &disc_target, r->opts,
                             &r->filter, &r->hit, NULL);
  return NULL;
}

static void
test_cancel (void)
{
  skc_cache *cache = skc_cache_new (NULL, 4);
  /* Cancel flags of fits: plain ints, raised with atomic stores. */
  int cancel_flag = 0;
  int raised = 1;
  cancelling cancel_state;
  skc_fit_options cancelled_opts;
  skc_fit_options plain_opts;
  skc_fit_options impatient_opts;
  skc_fit_options patient_opts;
  skc_fit_options later_opts;
  int patient_flag = 0;
  int later_flag = 0;
  racer patient;
  racer later;
  pthread_t patient_thread;
  pthread_t later_thread;
  fit_counter counter;
  fit_counter slow_counter;
  racer first;
  racer second;
  pthread_t thread;
  skc_filter *filter = NULL;
  int waited;
  int hit = -1;

  /* 1. The fitter is cancelled while another call waits for it. */
  atomic_init (&cancel_state.started, 0);
  cancel_state.cancel = &cancel_flag;
  fast_options (&cancelled_opts, &counter);
  cancelled_opts.progress = cancel_progress;
  cancelled_opts.progress_user = &cancel_state;
  cancelled_opts.cancel = &cancel_flag;
  counter_reset (&counter, 0);
  fast_options (&plain_opts, &counter);

  first = (racer){ .cache = cache,
                   .key = "cancelled",
                   .opts = &cancelled_opts,
                   .result = SKC_OK,
                   .hit = -1 };
  pthread_create (&thread, NULL, run_fit, &first);
  for (waited = 0; waited < 5000 && atomic_load (&cancel_state.started) == 0;
       waited++)
    sleep_ms (1);
  second = (racer){ .cache = cache,
                    .key = "cancelled",
                    .opts = &plain_opts,
                    .result = SKC_ERR_IO,
                    .hit = -1 };
  run_fit (&second);
  pthread_join (thread, NULL);

  CHECK_EQ_INT (first.result, SKC_ERR_CANCELLED);
  CHECK (first.filter == NULL);
  CHECK_EQ_INT (second.result, SKC_OK);
  CHECK_EQ_INT (second.hit, 0);
  CHECK_EQ_INT (atomic_load (&counter.calls), calls_per_fit);
  skc_filter_free (second.filter);

  /* 2. Waiters carrying a cancel flag watch it: one whose flag is up
   * gives up at once, one whose flag goes up while it waits gives up
   * then, one whose flag stays down gets the fitter's result. */
  counter_reset (&slow_counter, 300);
  fast_options (&plain_opts, &slow_counter);
  first = (racer){ .cache = cache,
                   .key = "slow",
                   .opts = &plain_opts,
                   .result = SKC_ERR_IO,
                   .hit = -1 };
  pthread_create (&thread, NULL, run_fit, &first);
  for (waited = 0; waited < 5000 && atomic_load (&slow_counter.calls) == 0;
       waited++)
    sleep_ms (1);

  counter_reset (&counter, 0);
  fast_options (&patient_opts, &counter);
  patient_opts.cancel = &patient_flag;
  patient = (racer){ .cache = cache,
                     .key = "slow",
                     .opts = &patient_opts,
                     .result = SKC_ERR_IO,
                     .hit = -1 };
  pthread_create (&patient_thread, NULL, run_fit, &patient);
  fast_options (&later_opts, &counter);
  later_opts.cancel = &later_flag;
  later = (racer){ .cache = cache,
                   .key = "slow",
                   .opts = &later_opts,
                   .result = SKC_ERR_IO,
                   .hit = -1 };
  pthread_create (&later_thread, NULL, run_fit, &later);

  fast_options (&impatient_opts, &counter);
  impatient_opts.cancel = &raised;
  CHECK_EQ_INT (skc_cache_fit (cache, "slow", &disc_target, &impatient_opts,
                               &filter, &hit, NULL),
                SKC_ERR_CANCELLED);
  CHECK (filter == NULL);
  sleep_ms (30);
  __atomic_store_n (&later_flag, 1, __ATOMIC_RELAXED);
  pthread_join (later_thread, NULL);
  CHECK_EQ_INT (later.result, SKC_ERR_CANCELLED);
  CHECK (later.filter == NULL);

  pthread_join (thread, NULL);
  pthread_join (patient_thread, NULL);
  CHECK_EQ_INT (first.result, SKC_OK);
  CHECK_EQ_INT (first.hit, 0);
  CHECK_EQ_INT (atomic_load (&slow_counter.calls), calls_per_fit);
  CHECK_EQ_INT (patient.result, SKC_OK);
  CHECK_EQ_INT (patient.hit, 1);
  CHECK (filters_equal (first.filter, patient.filter));
  CHECK_EQ_INT (atomic_load (&counter.calls), 0);
  skc_filter_free (first.filter);
  skc_filter_free (patient.filter);

  skc_cache_free (cache);
}

/* ------------------------------------------------------------------ */
/* Failure and the default cache                                       */
/* ------------------------------------------------------------------ */

static void
test_failed_fit (void)
{
  char folder[256];
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *filter = NULL;
  skc_error err;
  int hit = -1;

  temp_path (folder, sizeof folder, "failed");
  cache = skc_cache_new (folder, 4);
  counter_reset (&counter, 0);
  fast_options (&opts, &counter);

  err.message[0] = '\0';
  CHECK_EQ_INT (
      skc_cache_fit (cache, "empty", &empty_target, &opts, &filter, &hit, &err),
      SKC_ERR_EMPTY_KERNEL);
  CHECK (filter == NULL);
  CHECK_EQ_INT (hit, 0);
  CHECK (err.message[0] != '\0');
  CHECK (!is_cached (cache, "empty"));
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 0);

  /* Nothing was kept, so a good target under that key fits now. */
  CHECK_EQ_INT (
      skc_cache_fit (cache, "empty", &disc_target, &opts, &filter, &hit, NULL),
      SKC_OK);
  CHECK_EQ_INT (hit, 0);
  CHECK (filter != NULL);
  skc_filter_free (filter);
  skc_cache_free (cache);
}

static void
test_default_cache (void)
{
  char folder[256];
  skc_cache *cache;
  skc_fit_options opts;
  fit_counter counter;
  skc_filter *fitted = NULL;
  skc_filter *filter = NULL;

  temp_path (folder, sizeof folder, "default");
  setenv ("SKC_CACHE_DIR", folder, 1);
  cache = skc_cache_default ();
  CHECK (cache != NULL);
  CHECK (cache == skc_cache_default ());
  if (cache == NULL)
    return;

  counter_reset (&counter, 0);
  fast_options (&opts, &counter);
  CHECK_EQ_INT (skc_fit (&disc_target, &opts, &fitted, NULL, NULL), SKC_OK);
  CHECK_EQ_INT (skc_cache_store (cache, "default key", fitted), SKC_OK);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 1);
  CHECK_EQ_INT (skc_cache_lookup (cache, "default key", &filter), SKC_OK);
  CHECK (filters_equal (fitted, filter));
  skc_filter_free (filter);
  skc_filter_free (fitted);
}

/* Runs in a child process, since the default cache is made once per
 * process: sets the three variables (NULL unsets), stores a filter in the
 * default cache and exits 0 if it is found again. */
static void
default_cache_child (const char *cache_dir, const char *xdg, const char *home)
{
  const char *names[3] = { "SKC_CACHE_DIR", "XDG_CACHE_HOME", "HOME" };
  const char *values[3];
  int samples[1] = { 1 };
  skc_filter *stored
      = skc_filter_new_complex (1, samples, SKC_OFFSETS_BILINEAR);
  skc_filter *found = NULL;
  skc_cache *cache;
  int i;
  bool ok;

  values[0] = cache_dir;
  values[1] = xdg;
  values[2] = home;
  for (i = 0; i < 3; i++)
    if (values[i] != NULL)
      setenv (names[i], values[i], 1);
    else
      unsetenv (names[i]);
  if (stored == NULL)
    _exit (2);
  skc_filter_layer (stored, 0)[0].w = 1.0f;
  cache = skc_cache_default ();
  ok = cache != NULL && skc_cache_store (cache, "child key", stored) == SKC_OK
       && skc_cache_lookup (cache, "child key", &found) == SKC_OK
       && found != NULL && filters_equal (stored, found);
  /* _exit: the child must not run the parent's exit-time checks. */
  _exit (ok ? 0 : 1);
}

static int
run_default_cache_child (const char *cache_dir, const char *xdg,
                         const char *home)
{
  pid_t child;
  int status = 0;

  fflush (NULL);
  child = fork ();
  if (child < 0)
    return -1;
  if (child == 0)
    default_cache_child (cache_dir, xdg, home);
  if (waitpid (child, &status, 0) != child || !WIFEXITED (status))
    return -1;
  return WEXITSTATUS (status);
}

/* Where the default cache goes, by environment. */
static void
test_default_cache_folders (void)
{
  char xdg[256];
  char home[256];
  char folder[300];

  /* "off" wins over everything: memory only. */
  temp_path (xdg, sizeof xdg, "xdg-off");
  temp_path (home, sizeof home, "home-off");
  CHECK_EQ_INT (run_default_cache_child ("off", xdg, home), 0);
  snprintf (folder, sizeof folder, "%s/skc", xdg);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 0);
  snprintf (folder, sizeof folder, "%s/.cache/skc", home);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 0);

  /* $XDG_CACHE_HOME/skc before $HOME/.cache/skc. */
  temp_path (xdg, sizeof xdg, "xdg");
  temp_path (home, sizeof home, "home-unused");
  CHECK_EQ_INT (run_default_cache_child (NULL, xdg, home), 0);
  snprintf (folder, sizeof folder, "%s/skc", xdg);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 1);
  snprintf (folder, sizeof folder, "%s/.cache/skc", home);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 0);

  /* A relative $XDG_CACHE_HOME is ignored, as the XDG spec asks. */
  temp_path (home, sizeof home, "home");
  CHECK_EQ_INT (run_default_cache_child (NULL, "relative/cache", home), 0);
  snprintf (folder, sizeof folder, "%s/.cache/skc", home);
  CHECK_EQ_INT (count_cache_files (folder, NULL, 0), 1);

  /* Nowhere to go: memory only, still working. */
  CHECK_EQ_INT (run_default_cache_child (NULL, NULL, NULL), 0);
}

int
main (void)
{
  skc_shape shape;
  corruption kind;

  snprintf (temp_root, sizeof temp_root, "/tmp/skc-test-cache-XXXXXX");
  if (mkdtemp (temp_root) == NULL)
    {
      perror ("mkdtemp");
      return 1;
    }

  CHECK_EQ_INT (skc_shape_parse ("shape:disc", &shape, NULL), SKC_OK);
  CHECK_EQ_INT (skc_shape_render (&shape, 3.5, 9, &disc_target, NULL), SKC_OK);
  CHECK_EQ_INT (skc_image_alloc (&empty_target, 9, 9, 1), SKC_OK);

  test_memory_hit ();
  test_bad_keys ();
  test_disk_hit ();
  for (kind = CORRUPT_TRUNCATED; kind <= CORRUPT_NO_KEY_LINE; kind++)
    test_corrupt_file (kind);
  test_unwritable_folder ();
  test_eviction ();
  test_one_fit_per_key (false);
  test_one_fit_per_key (true);
  test_keys_fit_concurrently ();
  test_cancel ();
  test_failed_fit ();
  /* Before this process makes its own default cache, which children
   * would inherit. */
  test_default_cache_folders ();
  test_default_cache ();

  skc_image_free (&disc_target);
  skc_image_free (&empty_target);
  remove_tree (temp_root);
  return check_summary ();
}
