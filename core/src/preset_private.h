/* skc — the preset object, shared by preset.c (the object, its filters,
 * the writer) and preset_parse.c (the parser).  Private to the core.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_PRESET_PRIVATE_H
#define SKC_PRESET_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "skc/preset.h"

/* A filter's cache key: one line, at most this long. */
#define KEY_MAX_BYTES (SKC_PATH_MAX + 256)

/* A preset's keys are the parameter table's names (skc/params.def) and
 * these: the preset's name, its bitmap shape and its fitted filters. */
#define KEY_NAME "name"
#define KEY_BITMAP "bitmap"
#define KEY_FILTER "filter"

struct skc_preset
{
  char name[SKC_PRESET_NAME_MAX + 1];
  skc_params params; /* shape_image, filter, cache, cancel: NULL */
  skc_image bitmap;  /* data NULL: the shape is params.shape */
  int filter_count;
  int filter_capacity;
  char **keys;
  skc_filter **filters;
};

static inline const skc_param_info *
row_of (skc_param_id id)
{
  return &skc_param_table ()[id];
}

/* One line, no control characters: the name ends up in a `key = value`
 * line and on terminals. */
bool skc_preset_clean_line (const char *text, size_t length);

/* Whether `key` can be a filter's cache key in a preset. */
bool skc_preset_good_key (const char *key, size_t length);

/* Checks a weight image can be a bitmap shape; says why not. */
skc_result skc_preset_check_bitmap (const skc_image *image, skc_error *err);

/* Adds f under `key`, replacing a filter of the same key.  Takes ownership
 * of f (freed on failure).  SKC_ERR_TOO_LARGE past SKC_PRESET_FILTERS_MAX,
 * SKC_ERR_OUT_OF_MEMORY; sets no message. */
skc_result skc_preset_add_filter_owned (skc_preset *preset, const char *key,
                                        size_t key_length, skc_filter *f);

#endif
