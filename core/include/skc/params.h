/* skc — the parameters of a blur: skc_params, and the parameter table
 * (skc/params.def) as data that front ends walk instead of spelling out
 * names, ranges and defaults themselves.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_PARAMS_H
#define SKC_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "skc/cache.h"
#include "skc/common.h"
#include "skc/filter.h"
#include "skc/image.h"
#include "skc/kernel.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum
{
#define SKC_QUALITY_ROW(ID, name, label, samples, floor_db, swirl_floor_db)    \
  SKC_QUALITY_##ID,
#include "skc/params.def"
  SKC_QUALITY_COUNT
} skc_quality;

/* How a map is read (the depth row): a blur amount (NONE), depth with
 * white or black near, blurred with occlusion, or (SUBJECT) the coverage
 * of a sharp subject in front of a background blurred by the radius. */
typedef enum
{
#define SKC_DEPTH_ROW(ID, name, label) SKC_DEPTH_##ID,
#include "skc/params.def"
  SKC_DEPTH_COUNT
} skc_depth_order;

/* One value per row of the parameter table (the shape keys inside
 * `shape`), plus what a front end hands over besides (a shape image or
 * fitted filter, the cache). */
typedef struct
{
  size_t struct_size;           /* sizeof (skc_params), set by init */
  skc_shape shape;              /* the bokeh shape (not SKC_SHAPE_FILE) ... */
  const skc_image *shape_image; /* ... or weights from an image: 1 channel,
                                   any size, scaled to each radius */
  const skc_filter *filter;     /* ... or a fitted filter used as it is
                                   (uniform blur at its own scale) */
  double radius;                /* px: the largest blur radius */
  skc_quality quality;
  /* Blur map: v in 0..1 (the front end reads Y', or Y with map_linear);
     v <- 1 - v if invert_map; v <- v^map_gamma (skc_params_map_shaped);
     r = radius * |v - focus|. */
  double focus;
  int invert_map;
  double map_gamma;
  int map_linear; /* read by front ends, not by the engine */
  /* NONE: the map is a blur amount and each pixel gathers with its own
     kernel.  Otherwise the map is depth too: after invert_map and
     map_gamma, larger v is nearer with WHITE_NEAR, smaller with
     BLACK_NEAR; near things hide what is behind them (occlusion).
     SUBJECT: v (after invert_map and map_gamma) is the coverage (alpha)
     of a sharp subject in front; the rest is background blurred by the
     radius, from background pixels only: out = v in + (1 - v) blur (the
     background with the subject's hidden part filled in).  focus is not
     read. */
  skc_depth_order depth;
  /* Swirl: each pixel's kernel turns toward the tangent of the circle
     around the image centre through it, by swirl x that tangent's angle
     (rotational bokeh). */
  double swirl;
  /* Cat-eye: kernels are clipped by a second aperture of their own radius
     moved toward the image centre, by cat-eye x (distance from the centre
     / half-diagonal) x radius: round at the centre, a cat's eye facing the
     centre in the corners (mechanical vignetting).  The clipped kernel
     turns with the direction to the centre: exact for round apertures;
     other shapes turn with it. */
  double cat_eye;
  /* Highlights: linear values above the threshold are boosted toward
     gain x (bokeh balls); threshold 1, gain 1 is off. */
  double highlight_threshold;
  double highlight_gain;
  int clip;         /* clip results to 0..1 (0..alpha) */
  uint64_t seed;    /* of the fits */
  skc_cache *cache; /* NULL: skc_cache_default () */
} skc_params;

/* Every row's default (a disc of radius 20 at normal quality, no map
 * shaping, no lens effects, highlights off, clip on, seed 1).
 * Thread-safe. */
SKC_API void skc_params_init (skc_params *p);

/* Checks every value against the table's ranges and the combinations the
 * engine refuses; the message names the parameter and its range.
 * Thread-safe. */
SKC_API skc_result skc_params_validate (const skc_params *p, skc_error *err);

/* A blur map value as the engine compares it with the focus: clamped to
 * 0..1 (not a number counts as 0), 1 - v with invert_map, then raised to
 * map_gamma; the radius there is radius * |shaped - focus|.  A focus pick
 * sets focus to the shaped value of the point picked, which then comes out
 * sharp (radius 0), in every depth order but subject.  Thread-safe. */
SKC_API double skc_params_map_shaped (const skc_params *p, float map_value);

/* ---- the table as data ---- */

typedef enum
{
#define SKC_PARAM(ID, ...) SKC_PARAM_##ID,
#include "skc/params.def"
  SKC_PARAM_COUNT
} skc_param_id;

typedef enum
{
  SKC_PARAM_TYPE_NUMBER, /* double */
  SKC_PARAM_TYPE_WHOLE,  /* int */
  SKC_PARAM_TYPE_BOOL,   /* int, 0 or 1 */
  SKC_PARAM_TYPE_QUALITY,
  SKC_PARAM_TYPE_SHAPE, /* the shape's kind */
  SKC_PARAM_TYPE_SEED,  /* uint64_t */
  SKC_PARAM_TYPE_DEPTH  /* skc_depth_order */
} skc_param_type;

typedef enum
{
  SKC_PARAM_GROUP_SHAPE,
  SKC_PARAM_GROUP_BLUR,
  SKC_PARAM_GROUP_MAP, /* meaningful only with a blur map */
  SKC_PARAM_GROUP_LENS,
  SKC_PARAM_GROUP_HIGHLIGHTS,
  SKC_PARAM_GROUP_FIT /* not offered in GIMP */
} skc_param_group;

typedef struct
{
  skc_param_id id;
  const char *name;  /* "map-gamma": option, preset key, property */
  const char *label; /* "Map gamma" */
  const char *help;  /* one sentence */
  skc_param_type type;
  skc_param_group group;
  const char *unit;      /* "px", "°" or "" */
  double min, max;       /* accepted */
  double ui_min, ui_max; /* a slider's default span */
  double ui_gamma, step;
  int digits;
  double default_value; /* enums: the value as a number */
  const char *shapes;   /* shape keys: "polygon, star"; else "" */
  size_t offset;        /* of the value in skc_params */
} skc_param_info;

/* The rows in table order (row i has id i).  Thread-safe. */
SKC_API const skc_param_info *skc_param_table (void);
/* The row named `name`, or NULL.  Thread-safe. */
SKC_API const skc_param_info *skc_param_find (const char *name);
/* The preset field bit of a row (skc_preset_field). */
#define SKC_PARAM_BIT(id) (1u << (id))

/* A row's value in p as a number (enums and booleans as 0, 1, ...).
 * Thread-safe. */
SKC_API double skc_param_get (const skc_params *p, const skc_param_info *row);
/* Sets a row's value from a number after checking it: finite, within
 * min..max, whole for WHOLE, BOOL, SEED and the enums, a known enum value.
 * SKC_ERR_INVALID_ARGUMENT says "NAME = V is outside MIN..MAX" and leaves
 * p alone.  Thread-safe on distinct params. */
SKC_API skc_result skc_param_set (skc_params *p, const skc_param_info *row,
                                  double value, skc_error *err);
/* Stores a value as skc_param_set does, unchecked (a front end holding
 * what a script passed until skc_params_validate reports it); a value out
 * of its C type's range is undefined.  Thread-safe on distinct params. */
SKC_API void skc_param_store (skc_params *p, const skc_param_info *row,
                              double value);
/* A shape key's value in a skc_shape (rows of the shape group after the
 * kind itself): read, stored as skc_param_store does, or set after the
 * checks of skc_param_set.  Thread-safe on distinct shapes. */
SKC_API double skc_shape_key_get (const skc_shape *s,
                                  const skc_param_info *row);
SKC_API void skc_shape_key_store (skc_shape *s, const skc_param_info *row,
                                  double value);
SKC_API skc_result skc_shape_key_set (skc_shape *s, const skc_param_info *row,
                                      double value, skc_error *err);
/* Copies one row's value from `from` to `to` exactly (seeds too).
 * Thread-safe on distinct params. */
SKC_API void skc_param_copy (skc_params *to, const skc_params *from,
                             const skc_param_info *row);
/* Whether a shape key applies to a kind (rows that are not shape keys
 * apply to every kind).  Thread-safe. */
SKC_API int skc_param_applies (const skc_param_info *row, skc_shape_kind kind);

/* Names of the quality levels and the built-in shapes ("draft", "disc"):
 * NULL for a value out of range.  The parsers accept exactly these names
 * and fail with SKC_ERR_INVALID_ARGUMENT listing them.  Thread-safe. */
SKC_API const char *skc_quality_name (skc_quality quality);
SKC_API const char *skc_quality_label (skc_quality quality);
SKC_API int skc_quality_samples (skc_quality quality);
/* The kernel SNR (dB) a quality level promises for every pixel's effective
 * full-resolution kernel against its target: 20, 30, 40 dB for draft,
 * normal, high; with `turned` (swirl, cat-eye: kernels placed at every
 * angle) 15, 25, 35.  NAN out of range.  Thread-safe. */
SKC_API double skc_quality_floor_db (skc_quality quality, int turned);
SKC_API skc_result skc_quality_parse (const char *name, skc_quality *out,
                                      skc_error *err);
SKC_API const char *skc_shape_name (skc_shape_kind kind);
SKC_API const char *skc_shape_label (skc_shape_kind kind);
SKC_API skc_result skc_shape_kind_parse (const char *name, skc_shape_kind *out,
                                         skc_error *err);
/* "disc, polygon, ..." and "draft, normal, high": the names, for messages
 * and help.  Thread-safe. */
SKC_API const char *skc_shape_names (void);
SKC_API const char *skc_quality_names (void);

/* Rows whose values are named choices (QUALITY and DEPTH; not the shape,
 * which has its own spec): how many values they take (0 for other rows),
 * value i's name ("white-near") and label, every name as a list
 * ("none, white-near, black-near"), and the value a name stands for
 * (SKC_ERR_INVALID_ARGUMENT listing the names when it is none).  Front
 * ends handle every such row alike through these.  Thread-safe. */
SKC_API int skc_param_choice_count (const skc_param_info *row);
SKC_API const char *skc_param_choice_name (const skc_param_info *row,
                                           int value);
SKC_API const char *skc_param_choice_label (const skc_param_info *row,
                                            int value);
SKC_API const char *skc_param_choice_names (const skc_param_info *row);
SKC_API skc_result skc_param_choice_parse (const skc_param_info *row,
                                           const char *name, int *value,
                                           skc_error *err);

#ifdef __cplusplus
}
#endif

#endif
