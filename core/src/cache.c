/* skc — the fit cache: an LRU of filters in memory, .skc files on disk and
 * one fit per key however many threads ask for it at once.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/cache.h"

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <pthread.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "skc/filterfile.h"
#include "skc/imagefile.h"
#include "internal.h"
#include "io_private.h"

/* The first line of every cache file; the key follows on the same line. */
#define KEY_LINE_PREFIX "# skc-cache-key "
/* Room for the key line on top of the largest .skc file the parser takes. */
#define CACHE_FILE_MAX_BYTES ((size_t) 64 << 20)
/* How often a waiting thread looks at its own cancel flag. */
#define CANCEL_POLL_NANOSECONDS 50000000L
#define DEFAULT_MAX_ENTRIES 64

typedef struct
{
  char *key;
  skc_filter *filter;
} cache_entry;

/* A fit (or disk read) under way for one key.  The thread doing it and the
 * threads waiting for it each hold one use; the last to leave frees it. */
typedef struct pending_fit
{
  struct pending_fit *next;
  char *key;
  int users;
  bool done;
  skc_result result;
  skc_error detail;   /* why it failed, for the waiters */
  skc_filter *filter; /* a copy for the waiters, when it succeeded */
} pending_fit;

struct skc_cache
{
  pthread_mutex_t lock;
  pthread_cond_t fit_finished; /* broadcast whenever a pending fit ends */
  char *disk_dir;              /* NULL: memory only */
  int max_entries;
  int entry_count;
  int entry_capacity;
  cache_entry *entries; /* most recently used first */
  pending_fit *pending;
  skc_cache *parent; /* consulted on a miss (skc_cache_set_parent) */
};

/* ------------------------------------------------------------------ */
/* Keys and file names                                                 */
/* ------------------------------------------------------------------ */

/* A key becomes the first line of a file, so it must be one line. */
static skc_result
check_key (const char *key, skc_error *err)
{
  if (key == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no cache key");
  if (strpbrk (key, "\n\r") != NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "a cache key must be a single line");
  return SKC_OK;
}

/* Good enough to spread keys over file names (collisions are caught by
 * the key line). */
static uint64_t
key_hash (const char *key)
{
  return skc_digest_bytes (SKC_DIGEST_START, key, strlen (key));
}

/* The cache file for key (malloc'd), or NULL when out of memory. */
static char *
disk_path (const skc_cache *cache, const char *key)
{
  size_t size = strlen (cache->disk_dir) + 1 + 16 + sizeof ".skc";
  char *path = malloc (size);

  if (path != NULL)
    snprintf (path, size, "%s/%016" PRIx64 ".skc", cache->disk_dir,
              key_hash (key));
  return path;
}

static char *
copy_string (const char *text)
{
  size_t size = strlen (text) + 1;
  char *copy = malloc (size);

  if (copy != NULL)
    memcpy (copy, text, size);
  return copy;
}

/* ------------------------------------------------------------------ */
/* Memory (call with the lock held)                                    */
/* ------------------------------------------------------------------ */

static int
memory_find (const skc_cache *cache, const char *key)
{
  int i;

  for (i = 0; i < cache->entry_count; i++)
    if (strcmp (cache->entries[i].key, key) == 0)
      return i;
  return -1;
}

/* Moves entry `index` to the front, as the most recently used. */
static void
memory_touch (skc_cache *cache, int index)
{
  cache_entry entry = cache->entries[index];

  memmove (cache->entries + 1, cache->entries,
           (size_t) index * sizeof (cache_entry));
  cache->entries[0] = entry;
}

static void
entry_clear (cache_entry *entry)
{
  free (entry->key);
  skc_filter_free (entry->filter);
  entry->key = NULL;
  entry->filter = NULL;
}

/* A copy of the filter under key, or NULL on a miss; *out_of_memory tells
 * a failed copy from a miss. */
static skc_filter *
memory_lookup (skc_cache *cache, const char *key, bool *out_of_memory)
{
  int index = memory_find (cache, key);
  skc_filter *copy;

  *out_of_memory = false;
  if (index < 0)
    return NULL;
  memory_touch (cache, index);
  copy = skc_filter_copy (cache->entries[0].filter);
  if (copy == NULL)
    *out_of_memory = true;
  return copy;
}

/* Keeps a copy of f under key at the front, replacing an older entry for
 * the same key or dropping the least recently used one.  False when out
 * of memory (the cache is then unchanged, apart from a replaced entry
 * being gone). */
static bool
memory_store (skc_cache *cache, const char *key, const skc_filter *f)
{
  cache_entry entry;
  int index;

  if (cache->max_entries == 0)
    return true;

  index = memory_find (cache, key);
  if (index >= 0)
    {
      memory_touch (cache, index);
      entry_clear (&cache->entries[0]);
      memmove (cache->entries, cache->entries + 1,
               (size_t) (cache->entry_count - 1) * sizeof (cache_entry));
      cache->entry_count--;
    }

  entry.key = copy_string (key);
  entry.filter = skc_filter_copy (f);
  if (entry.key == NULL || entry.filter == NULL)
    {
      entry_clear (&entry);
      return false;
    }

  if (cache->entry_count == cache->max_entries)
    {
      cache->entry_count--;
      entry_clear (&cache->entries[cache->entry_count]);
    }
  else if (cache->entry_count == cache->entry_capacity)
    {
      /* Grown on demand, so a generous max_entries costs nothing up
       * front. */
      int capacity = cache->max_entries;
      cache_entry *grown;

      if (cache->entry_capacity < cache->max_entries / 2)
        capacity = cache->entry_capacity >= 4 ? 2 * cache->entry_capacity : 8;
      if (capacity > cache->max_entries)
        capacity = cache->max_entries;
      grown
          = realloc (cache->entries, (size_t) capacity * sizeof (cache_entry));
      if (grown == NULL)
        {
          entry_clear (&entry);
          return false;
        }
      cache->entries = grown;
      cache->entry_capacity = capacity;
    }

  memmove (cache->entries + 1, cache->entries,
           (size_t) cache->entry_count * sizeof (cache_entry));
  cache->entries[0] = entry;
  cache->entry_count++;
  return true;
}

/* ------------------------------------------------------------------ */
/* Disk (no lock needed: files are replaced atomically)                */
/* ------------------------------------------------------------------ */

/* The filter stored on disk under key, or NULL: a missing, unreadable,
 * corrupt or foreign file is simply a miss. */
static skc_filter *
disk_read (const skc_cache *cache, const char *key)
{
  size_t prefix_length = strlen (KEY_LINE_PREFIX);
  size_t key_length = strlen (key);
  size_t header_length = prefix_length + key_length + 1;
  unsigned char *bytes = NULL;
  size_t length = 0;
  skc_filter *filter = NULL;
  char *path;

  if (cache->disk_dir == NULL)
    return NULL;
  path = disk_path (cache, key);
  if (path == NULL)
    return NULL;

  if (skc_read_file (path, CACHE_FILE_MAX_BYTES, &bytes, &length, NULL)
          == SKC_OK
      && length >= header_length
      && memcmp (bytes, KEY_LINE_PREFIX, prefix_length) == 0
      && memcmp (bytes + prefix_length, key, key_length) == 0
      && bytes[header_length - 1] == '\n')
    {
      if (skc_filter_parse ((const char *) bytes + header_length,
                            length - header_length, path, &filter, NULL)
          != SKC_OK)
        filter = NULL;
    }
  free (bytes);
  free (path);
  return filter;
}

/* Creates folder and its missing parents (mode 0700: the cache is
 * private to its user). */
static skc_result
make_folders (const char *folder, skc_error *err)
{
  struct stat info;
  char *path;
  char *slash;
  int saved_errno;

  if (stat (folder, &info) == 0 && S_ISDIR (info.st_mode))
    return SKC_OK;

  path = copy_string (folder);
  if (path == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  /* Starting after the first character skips the root's '/'. */
  for (slash = strchr (path + 1, '/'); slash != NULL;
       slash = strchr (slash + 1, '/'))
    {
      *slash = '\0';
      if (mkdir (path, 0700) != 0 && errno != EEXIST)
        {
          saved_errno = errno;
          skc_fail (err, SKC_ERR_IO, "%s: cannot create folder: %s", path,
                    skc_errno_text (saved_errno));
          free (path);
          return SKC_ERR_IO;
        }
      *slash = '/';
    }
  free (path);

  if (mkdir (folder, 0700) != 0 && errno != EEXIST)
    {
      saved_errno = errno;
      return skc_fail (err, SKC_ERR_IO, "%s: cannot create folder: %s", folder,
                       skc_errno_text (saved_errno));
    }
  /* EEXIST also covers a plain file of that name. */
  if (stat (folder, &info) != 0 || !S_ISDIR (info.st_mode))
    return skc_fail (err, SKC_ERR_IO, "%s: not a folder", folder);
  return SKC_OK;
}

/* Writes the key line and f to a temporary file, then renames it into
 * place, so that readers (other threads, other processes) never see half
 * a file. */
static skc_result
disk_write (const skc_cache *cache, const char *key, const skc_filter *f,
            skc_error *err)
{
  FILE *stream = NULL;
  char *temp_path = NULL;
  char *path;
  skc_result result;

  if (cache->disk_dir == NULL)
    return SKC_OK;
  result = make_folders (cache->disk_dir, err);
  if (result != SKC_OK)
    return result;
  path = disk_path (cache, key);
  if (path == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  result = skc_temporary_create (path, &stream, &temp_path, err);
  if (result == SKC_OK)
    {
      fprintf (stream, "%s%s\n", KEY_LINE_PREFIX, key);
      result = skc_filter_write (f, stream);
      if (result != SKC_OK)
        skc_fail (err, result, "%s: cannot write the filter: %s", path,
                  skc_strerror (result));
      result = skc_temporary_finish (stream, temp_path, path, result, err);
    }
  free (path);
  return result;
}

/* ------------------------------------------------------------------ */
/* Pending fits (call with the lock held)                              */
/* ------------------------------------------------------------------ */

static pending_fit *
pending_find (const skc_cache *cache, const char *key)
{
  pending_fit *pending;

  for (pending = cache->pending; pending != NULL; pending = pending->next)
    if (strcmp (pending->key, key) == 0)
      return pending;
  return NULL;
}

/* Registers a fit of key by the calling thread; NULL when out of memory. */
static pending_fit *
pending_start (skc_cache *cache, const char *key)
{
  pending_fit *pending = calloc (1, sizeof *pending);

  if (pending == NULL)
    return NULL;
  pending->key = copy_string (key);
  if (pending->key == NULL)
    {
      free (pending);
      return NULL;
    }
  pending->users = 1;
  pending->result = SKC_OK;
  pending->next = cache->pending;
  cache->pending = pending;
  return pending;
}

/* Drops one use; the last user frees it (it is already unlinked then). */
static void
pending_leave (pending_fit *pending)
{
  pending->users--;
  if (pending->users > 0)
    return;
  free (pending->key);
  skc_filter_free (pending->filter);
  free (pending);
}

/* Publishes the outcome, unlinks the fit so that later calls look at
 * memory again, and wakes the waiters. */
static void
pending_finish (skc_cache *cache, pending_fit *pending, skc_result result,
                const skc_error *detail, const skc_filter *filter)
{
  pending_fit **link;

  pending->done = true;
  pending->result = result;
  pending->detail = *detail;
  if (result == SKC_OK && pending->users > 1)
    {
      pending->filter = skc_filter_copy (filter);
      if (pending->filter == NULL)
        {
          pending->result = SKC_ERR_OUT_OF_MEMORY;
          snprintf (pending->detail.message, sizeof pending->detail.message,
                    "out of memory");
        }
    }

  for (link = &cache->pending; *link != NULL; link = &(*link)->next)
    if (*link == pending)
      {
        *link = pending->next;
        break;
      }
  pthread_cond_broadcast (&cache->fit_finished);
  pending_leave (pending);
}

/* The caller's cancel flag, when its options carry one. */
static const int *
cancel_flag (const skc_fit_options *opts)
{
  if (opts == NULL || opts->struct_size < sizeof (skc_fit_options))
    return NULL;
  return opts->cancel;
}

/* Waits (lock held) until `pending` is done, or until the caller's own
 * cancel flag is raised (false then). */
static bool
pending_wait (skc_cache *cache, pending_fit *pending, const int *cancel)
{
  while (!pending->done)
    {
      struct timespec until;

      if (cancel == NULL)
        {
          pthread_cond_wait (&cache->fit_finished, &cache->lock);
          continue;
        }
      if (skc_cancel_raised (cancel))
        return false;
      /* Condition variables cannot wait on the flag, so poll it. */
      clock_gettime (CLOCK_REALTIME, &until);
      until.tv_nsec += CANCEL_POLL_NANOSECONDS;
      if (until.tv_nsec >= 1000000000L)
        {
          until.tv_sec++;
          until.tv_nsec -= 1000000000L;
        }
      pthread_cond_timedwait (&cache->fit_finished, &cache->lock, &until);
    }
  return true;
}

/* ------------------------------------------------------------------ */
/* Public functions                                                    */
/* ------------------------------------------------------------------ */

skc_cache *
skc_cache_new (const char *disk_dir, int max_entries)
{
  skc_cache *cache;

  if (max_entries < 0)
    return NULL;
  cache = calloc (1, sizeof *cache);
  if (cache == NULL)
    return NULL;
  cache->max_entries = max_entries;
  if (disk_dir != NULL && disk_dir[0] != '\0')
    {
      cache->disk_dir = copy_string (disk_dir);
      if (cache->disk_dir == NULL)
        {
          free (cache);
          return NULL;
        }
    }
  if (pthread_mutex_init (&cache->lock, NULL) != 0)
    {
      free (cache->disk_dir);
      free (cache);
      return NULL;
    }
  if (pthread_cond_init (&cache->fit_finished, NULL) != 0)
    {
      pthread_mutex_destroy (&cache->lock);
      free (cache->disk_dir);
      free (cache);
      return NULL;
    }
  return cache;
}

/* No call on this cache may be under way (pending fits would be left
 * without their cache). */
void
skc_cache_free (skc_cache *cache)
{
  int i;

  if (cache == NULL)
    return;
  for (i = 0; i < cache->entry_count; i++)
    entry_clear (&cache->entries[i]);
  free (cache->entries);
  free (cache->disk_dir);
  pthread_cond_destroy (&cache->fit_finished);
  pthread_mutex_destroy (&cache->lock);
  free (cache);
}

static pthread_once_t default_cache_once = PTHREAD_ONCE_INIT;
static skc_cache *default_cache;

/* $NAME when set and not empty. */
static const char *
environment_value (const char *name)
{
  const char *value = getenv (name);

  return value != NULL && value[0] != '\0' ? value : NULL;
}

static void
create_default_cache (void)
{
  const char *setting = environment_value ("SKC_CACHE_DIR");
  const char *base = NULL;
  const char *suffix = NULL;
  char *folder = NULL;

  if (setting != NULL)
    {
      if (strcmp (setting, "off") != 0)
        {
          base = setting;
          suffix = "";
        }
    }
  else if ((base = environment_value ("XDG_CACHE_HOME")) != NULL
           && base[0] == '/')
    /* The XDG spec says to ignore relative paths. */
    suffix = "/skc";
  else if ((base = environment_value ("HOME")) != NULL)
    suffix = "/.cache/skc";

  if (base != NULL && suffix != NULL)
    {
      size_t size = strlen (base) + strlen (suffix) + 1;

      folder = malloc (size);
      if (folder != NULL)
        snprintf (folder, size, "%s%s", base, suffix);
    }
  /* Out of memory for the name: still cache in memory. */
  default_cache = skc_cache_new (folder, DEFAULT_MAX_ENTRIES);
  free (folder);
}

/* Lives until the process ends: callers anywhere may hold it, so there is
 * no safe moment to free it. */
skc_cache *
skc_cache_default (void)
{
  pthread_once (&default_cache_once, create_default_cache);
  return default_cache;
}

skc_result
skc_cache_lookup (skc_cache *cache, const char *key, skc_filter **out)
{
  skc_filter *filter;
  bool out_of_memory = false;

  if (out != NULL)
    *out = NULL;
  if (cache == NULL || out == NULL)
    return SKC_ERR_INVALID_ARGUMENT;
  if (check_key (key, NULL) != SKC_OK)
    return SKC_ERR_INVALID_ARGUMENT;

  pthread_mutex_lock (&cache->lock);
  filter = memory_lookup (cache, key, &out_of_memory);
  pthread_mutex_unlock (&cache->lock);
  if (out_of_memory)
    return SKC_ERR_OUT_OF_MEMORY;

  if (filter == NULL)
    {
      filter = disk_read (cache, key);
      if (filter != NULL)
        {
          /* Next time it comes from memory.  Failing to keep it there
           * costs only speed. */
          pthread_mutex_lock (&cache->lock);
          memory_store (cache, key, filter);
          pthread_mutex_unlock (&cache->lock);
        }
    }
  *out = filter;
  return SKC_OK;
}

void
skc_cache_set_parent (skc_cache *cache, skc_cache *parent)
{
  cache->parent = parent;
}

skc_result
skc_cache_store (skc_cache *cache, const char *key, const skc_filter *f)
{
  skc_result result;
  bool kept;

  if (cache == NULL || f == NULL)
    return SKC_ERR_INVALID_ARGUMENT;
  if (check_key (key, NULL) != SKC_OK)
    return SKC_ERR_INVALID_ARGUMENT;
  /* A filter that could never be saved or applied is not cached at all. */
  result = skc_filter_validate (f, NULL);
  if (result != SKC_OK)
    return result;

  pthread_mutex_lock (&cache->lock);
  kept = memory_store (cache, key, f);
  pthread_mutex_unlock (&cache->lock);

  result = disk_write (cache, key, f, NULL);
  if (result == SKC_OK && !kept)
    result = SKC_ERR_OUT_OF_MEMORY;
  return result;
}

/* Concurrent calls for one key: the first registers a pending fit and does
 * the work without the lock; the others wait for it and take a copy.  If
 * the fit was cancelled (by its own caller's flag), the waiters, whose
 * flags may be down, start over and one of them fits; any other failure
 * (an empty target, bad options, no memory) would fail again the same way,
 * so the waiters return it too. */
skc_result
skc_cache_fit (skc_cache *cache, const char *key, const skc_image *target,
               const skc_fit_options *opts, skc_filter **out, int *hit,
               skc_error *err)
{
  const int *cancel = cancel_flag (opts);
  skc_filter *filter = NULL;
  pending_fit *pending;
  skc_error detail = { { 0 } };
  skc_result result;
  bool out_of_memory = false;
  bool found_on_disk;

  if (out != NULL)
    *out = NULL;
  if (hit != NULL)
    *hit = 0;
  if (cache == NULL || out == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no cache or no output");
  result = check_key (key, err);
  if (result != SKC_OK)
    return result;

  pthread_mutex_lock (&cache->lock);
  for (;;)
    {
      filter = memory_lookup (cache, key, &out_of_memory);
      if (filter != NULL || out_of_memory)
        {
          pthread_mutex_unlock (&cache->lock);
          if (out_of_memory)
            return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          *out = filter;
          if (hit != NULL)
            *hit = 1;
          return SKC_OK;
        }

      pending = pending_find (cache, key);
      if (pending == NULL)
        break;

      pending->users++;
      if (!pending_wait (cache, pending, cancel))
        {
          pending_leave (pending);
          pthread_mutex_unlock (&cache->lock);
          return skc_fail (err, SKC_ERR_CANCELLED, "fit cancelled");
        }
      result = pending->result;
      if (result == SKC_OK)
        {
          filter = skc_filter_copy (pending->filter);
          pending_leave (pending);
          pthread_mutex_unlock (&cache->lock);
          if (filter == NULL)
            return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          *out = filter;
          if (hit != NULL)
            *hit = 1;
          return SKC_OK;
        }
      if (result != SKC_ERR_CANCELLED)
        {
          detail = pending->detail;
          pending_leave (pending);
          pthread_mutex_unlock (&cache->lock);
          return skc_fail (err, result, "%s", detail.message);
        }
      /* Cancelled by its own caller: look again, and fit if nobody else
       * has started. */
      pending_leave (pending);
    }

  pending = pending_start (cache, key);
  pthread_mutex_unlock (&cache->lock);
  if (pending == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  /* The slow part, without the lock: other keys proceed meanwhile. */
  result = SKC_OK;
  filter = disk_read (cache, key);
  if (filter == NULL && cache->parent != NULL
      && skc_cache_lookup (cache->parent, key, &filter) == SKC_OK
      && filter != NULL)
    disk_write (cache, key, filter, NULL);
  found_on_disk = filter != NULL;
  if (!found_on_disk)
    {
      result = skc_fit (target, opts, &filter, NULL, &detail);
      /* Failing to write only means fitting again next session. */
      if (result == SKC_OK)
        disk_write (cache, key, filter, NULL);
    }

  pthread_mutex_lock (&cache->lock);
  if (result == SKC_OK)
    memory_store (cache, key, filter);
  pending_finish (cache, pending, result, &detail, filter);
  pthread_mutex_unlock (&cache->lock);

  if (result != SKC_OK)
    {
      skc_filter_free (filter);
      return skc_fail (err, result, "%s", detail.message);
    }
  *out = filter;
  if (hit != NULL)
    *hit = found_on_disk ? 1 : 0;
  return SKC_OK;
}
