/* skc — presets: every parameter of the table, the bokeh shape (a spec or
 * an embedded bitmap) and the fitted filters a run used, in one versioned,
 * human-readable text file.  Loading a preset seeds the fit cache, so the
 * radii it was saved at are never fitted again.
 *
 *   skc-preset 1.1
 *   # Blank lines and lines starting with '#' are ignored.
 *   name = 9-blade rounded iris       (rest of the line; may be empty)
 *   shape = polygon                   (a shape name, a full spec such as
 *                                      shape:polygon:blades=9,curvature=0.6,
 *                                      or bitmap)
 *   blades = 9                        (the parameter table's names, ranges
 *   rotation = 0                       and meanings; every key optional,
 *   curvature = 0.6                    defaults from the table)
 *   points = 5
 *   inner = 0.4
 *   sigma = 0.33
 *   radius = 20
 *   quality = normal                  (draft, normal or high)
 *   focus = 0
 *   invert-map = no                   (yes or no; true and false too)
 *   map-gamma = 1
 *   map-linear = no
 *   swirl = 0
 *   cat-eye = 0
 *   highlight-threshold = 1
 *   highlight-gain = 1
 *   clip = yes
 *   seed = 1                          (the fits' seed: part of their keys)
 *   depth = none                      (none, white-near or black-near;
 *                                      since 1.1)
 *   bitmap = 5 3 hex                  (shape = bitmap only: width, height,
 *   00ff00ff00                         then `height` rows of 2-digit hex,
 *   ff80ff80ff                         value k / 255.0f, or with `float`
 *   00ff00ff00                         rows of `width` decimal numbers)
 *   filter = disk-1|shape:polygon:...|r=20|normal|seed=1|direct
 *   skc-filter 1                      (a .skc text, filterfile.h, up to and
 *   ...                                including its `end` line, stored
 *   end                                under the fit cache key above)
 *   end                               (the preset's own end: a file cut
 *                                      short is refused, not half-read)
 *
 * A shape spec with keys (`shape = shape:star:points=6`) sets those keys;
 * the separate shape keys are then refused.  Keys that do not apply to the
 * shape (blades of a star) are still kept, range-checked and written, so
 * that a dialog switching shapes keeps them.
 *
 * Versions: a newer minor version (1.1) may add `key = value` lines only;
 * this build skips keys it does not know in such files but refuses them in
 * 1.0 files (a typo should not pass silently).  A newer major version is
 * refused with SKC_ERR_UNSUPPORTED.
 *
 * Numbers are written in the shortest form that reads back as the same
 * double, whatever the locale; the bitmap and the filters round-trip bit
 * for bit, so the fit cache keys (which hash a bitmap's floats) still
 * match after a save and a load.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_PRESET_H
#define SKC_PRESET_H

#include <stdio.h>

#include "skc/apply.h"
#include "skc/cache.h"
#include "skc/common.h"
#include "skc/params.h"
#include "skc/filter.h"
#include "skc/image.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SKC_PRESET_FORMAT_MAJOR 1
#define SKC_PRESET_FORMAT_MINOR 1

/* Longest name (bytes, without the NUL) and bitmap side a preset holds. */
#define SKC_PRESET_NAME_MAX 255
#define SKC_PRESET_BITMAP_MAX 1024
/* Most fitted filters one preset embeds (a blur map with cat-eye at a
 * large radius uses a few hundred). */
#define SKC_PRESET_FILTERS_MAX 4096

/* One bit per row of the parameter table (SKC_PRESET_SHAPE,
 * SKC_PRESET_RADIUS, ... as SKC_PARAM_BIT of the row).  Front ends pass
 * the parameters the user gave explicitly to skc_preset_apply, which then
 * leaves those alone: explicit parameters override the preset. */
typedef enum
{
#define SKC_PARAM(ID, ...) SKC_PRESET_##ID = SKC_PARAM_BIT (SKC_PARAM_##ID),
#include "skc/params.def"
} skc_preset_field;

/* A whole shape spec (`--kernel shape:...`, an image, a .skc) sets the
 * kind and every key at once. */
#define SKC_PRESET_WHOLE_SHAPE                                                 \
  (SKC_PRESET_SHAPE | SKC_PRESET_BLADES | SKC_PRESET_ROTATION                  \
   | SKC_PRESET_CURVATURE | SKC_PRESET_POINTS | SKC_PRESET_INNER               \
   | SKC_PRESET_SIGMA)
#define SKC_PRESET_ALL_FIELDS (SKC_PARAM_BIT (SKC_PARAM_COUNT) - 1)

/* Opaque.  Functions taking a const preset only read it, so threads may
 * share a preset that none modifies. */
typedef struct skc_preset skc_preset;

/* A preset holding the parameter table's defaults (a disc), named "", no
 * bitmap, no filters.  NULL when out of memory.  Thread-safe.
 * skc_preset_free (NULL allowed) once no thread uses the preset. */
SKC_API skc_preset *skc_preset_new (void);
SKC_API void skc_preset_free (skc_preset *preset);

/* The name: one line of at most SKC_PRESET_NAME_MAX bytes without control
 * characters (SKC_ERR_INVALID_ARGUMENT otherwise).  Thread-safe on
 * distinct presets. */
SKC_API const char *skc_preset_get_name (const skc_preset *preset);
SKC_API skc_result skc_preset_set_name (skc_preset *preset, const char *name,
                                        skc_error *err);

/* Takes every table parameter from p, checked by skc_params_validate.  A
 * p->shape_image (1 channel, finite, some weight positive, sides up to
 * SKC_PRESET_BITMAP_MAX) is copied bit for bit as the bitmap; a fixed
 * p->filter cannot be a preset's shape (SKC_ERR_UNSUPPORTED).  The
 * embedded filters are kept.  Thread-safe on distinct presets. */
SKC_API skc_result skc_preset_set_params (skc_preset *preset,
                                          const skc_params *p, skc_error *err);

/* Writes the preset's values into every field of p whose bit is not in
 * explicit_fields.  When the shape is taken
 * from the preset, p->shape_image points to the preset's bitmap (or is
 * NULL) and p->filter is NULL; the pointer lives as long as the preset.
 * p->cache is never touched.  Pass 0 to read
 * every value (a dialog loading a preset).  Thread-safe. */
SKC_API void skc_preset_apply (const skc_preset *preset,
                               unsigned explicit_fields, skc_params *p);

/* The bitmap shape (1 channel), or NULL when the shape is a spec.
 * Thread-safe. */
SKC_API const skc_image *skc_preset_bitmap (const skc_preset *preset);

/* The embedded filters, in the order they were added or read; keys and
 * filters live until the preset's filters change.  Thread-safe. */
SKC_API int skc_preset_filter_count (const skc_preset *preset);
SKC_API const char *skc_preset_filter_key (const skc_preset *preset, int index);
SKC_API const skc_filter *skc_preset_filter (const skc_preset *preset,
                                             int index);

/* Embeds a copy of f under a fit cache key (one line, no control
 * characters), replacing a filter stored under the same key.  The filter
 * must validate.  skc_preset_clear_filters drops them all.  Both are
 * thread-safe on distinct presets. */
SKC_API skc_result skc_preset_add_filter (skc_preset *preset, const char *key,
                                          const skc_filter *f, skc_error *err);
SKC_API void skc_preset_clear_filters (skc_preset *preset);

/* Stores every embedded filter in `cache` (NULL: skc_cache_default ())
 * under its key, so that an engine built for the preset's parameters finds
 * them instead of fitting.  A disk cache that cannot be written is not an
 * error (memory still holds them).  Thread-safe. */
SKC_API skc_result skc_preset_seed_cache (const skc_preset *preset,
                                          skc_cache *cache, skc_error *err);

/* Builds an engine for p (as skc_engine_new (p, with_map, ...)) and embeds
 * every fitted filter it used in the preset, replacing the filters it had.
 * The build goes through a private cache in a temporary folder, which
 * takes what p->cache (NULL: the default cache) holds and fits the rest
 * (fits are deterministic for the seed: they equal what the caller's cache
 * would give); those are then stored in p->cache too, so later engines
 * find them.
 * When engine is not NULL, *engine is skc_engine_new (p, with_map) made
 * after that store (so it fits nothing unless a small memory-only cache
 * dropped entries).  Thread-safe on distinct presets; may take seconds. */
SKC_API skc_result skc_preset_capture (skc_preset *preset, const skc_params *p,
                                       int with_map, const skc_run *run,
                                       skc_engine **engine, skc_error *err);

/* Writes the preset as text.  SKC_ERR_IO on a stream error.
 * Thread-safe. */
SKC_API skc_result skc_preset_write (const skc_preset *preset, FILE *stream);
/* Writes to a temporary file beside `path` and renames it into place.
 * Thread-safe. */
SKC_API skc_result skc_preset_save (const skc_preset *preset, const char *path,
                                    skc_error *err);

/* Parses `length` bytes, or a file.  Errors read "NAME:LINE: reason"
 * (NAME is `name`, "<memory>" when NULL, or the path): SKC_ERR_PARSE for
 * malformed or truncated text, SKC_ERR_TOO_LARGE beyond the limits above,
 * SKC_ERR_UNSUPPORTED for a newer major version.  Never reads outside the
 * text.  Thread-safe. */
SKC_API skc_result skc_preset_parse (const char *text, size_t length,
                                     const char *name, skc_preset **out,
                                     skc_error *err);
SKC_API skc_result skc_preset_load (const char *path, skc_preset **out,
                                    skc_error *err);

/* What every front end does with a preset file (the `preset` parameter):
 * loads it, seeds p->cache (NULL: the default cache) with its filters and
 * applies it to p under explicit_fields.  *out keeps the
 * bitmap that p->shape_image may now point to: free it once the engine is
 * built.  Thread-safe. */
SKC_API skc_result skc_preset_use (const char *path, unsigned explicit_fields,
                                   skc_params *p, skc_preset **out,
                                   skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
