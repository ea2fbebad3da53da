/* skc — which fitted filters an engine used, for a preset to embed.
 *
 * The engine asks its cache for every filter by key and keeps no list of
 * them, so the build runs through a private cache whose disk folder is a
 * fresh temporary one: every key the engine asked for ends up there as a
 * file, and skc_cache_lookup reads each back by its key (which also checks
 * the file's key line).  The price is one fresh fit per key; a hook that
 * reported the keys an engine used (or a cache observer) would remove it.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/preset.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "skc/imagefile.h"
#include "internal.h"
#include "io_private.h"

/* cache.c starts every file with this, followed by the key. */
#define KEY_LINE_PREFIX "# skc-cache-key "
#define CACHE_FILE_MAX_BYTES ((size_t) 64 << 20)

typedef struct
{
  char *key;
  skc_filter *filter;
} captured;

static int
compare_captured (const void *a, const void *b)
{
  return strcmp (((const captured *) a)->key, ((const captured *) b)->key);
}

static char *
join (const char *folder, const char *file)
{
  size_t size = strlen (folder) + 1 + strlen (file) + 1;
  char *path = malloc (size);

  if (path != NULL)
    snprintf (path, size, "%s/%s", folder, file);
  return path;
}

/* The key in a cache file's first line (malloc'd), or NULL. */
static char *
file_key (const char *path)
{
  unsigned char *bytes = NULL;
  size_t length = 0;
  size_t prefix = strlen (KEY_LINE_PREFIX);
  char *key = NULL;

  if (skc_read_file (path, CACHE_FILE_MAX_BYTES, &bytes, &length, NULL)
      != SKC_OK)
    return NULL;
  if (length > prefix && memcmp (bytes, KEY_LINE_PREFIX, prefix) == 0)
    {
      unsigned char *newline = memchr (bytes + prefix, '\n', length - prefix);

      if (newline != NULL)
        {
          size_t key_length = (size_t) (newline - bytes) - prefix;

          key = malloc (key_length + 1);
          if (key != NULL)
            {
              memcpy (key, bytes + prefix, key_length);
              key[key_length] = '\0';
            }
        }
    }
  free (bytes);
  return key;
}

/* Reads every entry of the private cache in `folder` back, sorted by key
 * (readdir's order is the file system's), then empties the folder. */
static skc_result
collect (skc_cache *cache, const char *folder, captured **out, int *count,
         skc_error *err)
{
  DIR *dir = opendir (folder);
  struct dirent *entry;
  captured *list = NULL;
  int used = 0;
  int capacity = 0;
  skc_result result = SKC_OK;

  *out = NULL;
  *count = 0;
  if (dir == NULL)
    return skc_fail (err, SKC_ERR_IO, "%s: cannot read the folder: %s", folder,
                     skc_errno_text (errno));
  while ((entry = readdir (dir)) != NULL)
    {
      char *path;
      char *key;
      skc_filter *filter = NULL;

      if (entry->d_name[0] == '.')
        continue;
      path = join (folder, entry->d_name);
      if (path == NULL)
        {
          result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          break;
        }
      key = file_key (path);
      if (key != NULL)
        skc_cache_lookup (cache, key, &filter);
      unlink (path);
      free (path);
      if (key == NULL || filter == NULL)
        {
          free (key);
          result = skc_fail (err, SKC_ERR_IO,
                             "%s: a fit the engine made cannot be read back",
                             folder);
          break;
        }
      if (used == capacity)
        {
          int larger = capacity ? 2 * capacity : 16;
          captured *grown = realloc (list, (size_t) larger * sizeof *grown);

          if (grown == NULL)
            {
              free (key);
              skc_filter_free (filter);
              result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
              break;
            }
          list = grown;
          capacity = larger;
        }
      list[used].key = key;
      list[used].filter = filter;
      used++;
    }
  closedir (dir);
  if (result != SKC_OK)
    {
      for (int i = 0; i < used; i++)
        {
          free (list[i].key);
          skc_filter_free (list[i].filter);
        }
      free (list);
      return result;
    }
  if (used > 1)
    qsort (list, (size_t) used, sizeof *list, compare_captured);
  *out = list;
  *count = used;
  return SKC_OK;
}

/* Removes whatever is left in the folder (temporary files of a failed
 * write), then the folder. */
static void
remove_folder (const char *folder)
{
  DIR *dir = opendir (folder);
  struct dirent *entry;

  if (dir != NULL)
    {
      while ((entry = readdir (dir)) != NULL)
        {
          char *path;

          if (strcmp (entry->d_name, ".") == 0
              || strcmp (entry->d_name, "..") == 0)
            continue;
          path = join (folder, entry->d_name);
          if (path != NULL)
            unlink (path);
          free (path);
        }
      closedir (dir);
    }
  rmdir (folder);
}

skc_result
skc_preset_capture (skc_preset *preset, const skc_params *p, int with_map,
                    const skc_run *run, skc_engine **engine, skc_error *err)
{
  const char *base = getenv ("TMPDIR");
  char *folder;
  size_t size;
  skc_cache *recorder;
  skc_cache *target;
  skc_params q;
  skc_engine *built = NULL;
  captured *list = NULL;
  int count = 0;
  skc_result result;

  if (engine != NULL)
    *engine = NULL;
  if (preset == NULL || p == NULL || p->struct_size < sizeof (skc_params))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "no preset, or parameters not initialised");
  if (base == NULL || base[0] != '/')
    base = "/tmp";
  size = strlen (base) + sizeof "/skc-preset-XXXXXX";
  folder = malloc (size);
  if (folder == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  snprintf (folder, size, "%s/skc-preset-XXXXXX", base);
  if (mkdtemp (folder) == NULL)
    {
      result = skc_fail (err, SKC_ERR_IO,
                         "%s: cannot create a temporary folder: %s", base,
                         skc_errno_text (errno));
      free (folder);
      return result;
    }

  /* No memory entries: every request reaches the folder (where what the
     caller's cache holds is copied first). */
  recorder = skc_cache_new (folder, 0);
  if (recorder == NULL)
    {
      remove_folder (folder);
      free (folder);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  /* Filters the caller's cache holds are copied, not fitted again. */
  skc_cache_set_parent (recorder,
                        p->cache != NULL ? p->cache : skc_cache_default ());
  q = *p;
  q.cache = recorder;
  result = skc_engine_new (&q, with_map, run, &built, err);
  if (result == SKC_OK)
    result = collect (recorder, folder, &list, &count, err);
  skc_cache_free (recorder);
  remove_folder (folder);
  free (folder);
  if (result != SKC_OK)
    {
      skc_engine_free (built);
      return result;
    }

  target = p->cache != NULL ? p->cache : skc_cache_default ();
  skc_preset_clear_filters (preset);
  for (int i = 0; i < count; i++)
    {
      if (result == SKC_OK)
        result
            = skc_preset_add_filter (preset, list[i].key, list[i].filter, err);
      /* Later engines for these parameters find them. */
      if (target != NULL)
        skc_cache_store (target, list[i].key, list[i].filter);
      free (list[i].key);
      skc_filter_free (list[i].filter);
    }
  free (list);
  /* The engine remembers the cache it was built with, and the private
   * one is gone: the caller gets one built through its own cache, which
   * now holds every filter (only a tiny memory-only cache could have
   * dropped some, which then means fitting again, not a wrong result). */
  skc_engine_free (built);
  if (result == SKC_OK && engine != NULL)
    result = skc_engine_new (p, with_map, run, engine, err);
  return result;
}
