/* skc — fitted filters kept for reuse: in memory (per process) and on
 * disk (across sessions), so a user never waits twice for the same shape,
 * radius and quality.
 *
 * Entries are keyed by a caller-built string that names everything the
 * fit depends on (target, radius, fit options, fitter version).  On disk an
 * entry is a .skc file named by a hash of the key, whose first line repeats
 * the key (so a hash collision or a foreign file is a miss, not a wrong
 * filter).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_CACHE_H
#define SKC_CACHE_H

#include "skc/common.h"
#include "skc/filter.h"
#include "skc/fit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct skc_cache skc_cache;

/* A cache holding up to max_entries filters in memory (least recently used
 * dropped first; 0 keeps none in memory); disk_dir NULL or "" means memory
 * only.  The folder is created on first store.  NULL when out of memory or
 * max_entries < 0.  Thread-safe; free only when no call is running. */
SKC_API skc_cache *skc_cache_new (const char *disk_dir, int max_entries);
SKC_API void skc_cache_free (skc_cache *cache);

/* The process-wide cache: disk folder $SKC_CACHE_DIR, else
 * $XDG_CACHE_HOME/skc, else $HOME/.cache/skc; SKC_CACHE_DIR=off (or no
 * home) keeps it in memory only.  Created on first use, never freed; NULL
 * only when out of memory.  Thread-safe. */
SKC_API skc_cache *skc_cache_default (void);

/* Keys are one line (no CR or LF: SKC_ERR_INVALID_ARGUMENT otherwise).
 *
 * Returns a copy of the filter stored under key (memory first, then disk),
 * or fits `target` with `opts`, stores the result and returns a copy.
 * Concurrent calls with the same key fit once; the others wait for it.
 * *hit (if not NULL) tells whether no fit was needed.  A failed fit stores
 * nothing.  Thread-safe. */
SKC_API skc_result skc_cache_fit (skc_cache *cache, const char *key,
                                  const skc_image *target,
                                  const skc_fit_options *opts, skc_filter **out,
                                  int *hit, skc_error *err);

/* Looks up only (memory, then disk); SKC_OK with *out NULL on a miss.
 * Thread-safe. */
SKC_API skc_result skc_cache_lookup (skc_cache *cache, const char *key,
                                     skc_filter **out);

/* Stores a copy of f under key (memory and disk).  A disk write failure is
 * not an error for the caller (the cache is an optimisation) but is
 * reported through the return value.  Thread-safe. */
SKC_API skc_result skc_cache_store (skc_cache *cache, const char *key,
                                    const skc_filter *f);

#ifdef __cplusplus
}
#endif

#endif
