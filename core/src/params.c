/* skc — the parameter table (skc/params.def) as run-time data: defaults,
 * checked access by row, validation, and the names of shapes and quality
 * levels.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/params.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The C types behind the .def's type tags. */
#define TYPE_NUMBER SKC_PARAM_TYPE_NUMBER
#define TYPE_PIXELS SKC_PARAM_TYPE_NUMBER
#define TYPE_DEGREES SKC_PARAM_TYPE_NUMBER
#define TYPE_WHOLE SKC_PARAM_TYPE_WHOLE
#define TYPE_BOOL SKC_PARAM_TYPE_BOOL
#define TYPE_QUALITY SKC_PARAM_TYPE_QUALITY
#define TYPE_SHAPE SKC_PARAM_TYPE_SHAPE
#define TYPE_SEED SKC_PARAM_TYPE_SEED
#define TYPE_DEPTH SKC_PARAM_TYPE_DEPTH

#define UNIT_NUMBER ""
#define UNIT_PIXELS "px"
#define UNIT_DEGREES "°"
#define UNIT_WHOLE ""
#define UNIT_BOOL ""
#define UNIT_QUALITY ""
#define UNIT_SHAPE ""
#define UNIT_SEED ""
#define UNIT_DEPTH ""

/* Enum defaults are written as the enum's tag. */
#define DEFAULT_NUMBER(v) (v)
#define DEFAULT_PIXELS(v) (v)
#define DEFAULT_DEGREES(v) (v)
#define DEFAULT_WHOLE(v) (v)
#define DEFAULT_BOOL(v) (v)
#define DEFAULT_SEED(v) (v)
#define DEFAULT_QUALITY(v) SKC_QUALITY_##v
#define DEFAULT_SHAPE(v) SKC_SHAPE_##v
#define DEFAULT_DEPTH(v) SKC_DEPTH_##v

static const skc_param_info table[SKC_PARAM_COUNT] = {
#define SKC_PARAM(ID, ident, name, type, field, group, label, help, min, max,  \
                  ui_min, ui_max, ui_gamma, step, digits, def, shapes)         \
  [SKC_PARAM_##ID] = { SKC_PARAM_##ID,                                         \
                       name,                                                   \
                       label,                                                  \
                       help,                                                   \
                       TYPE_##type,                                            \
                       SKC_PARAM_GROUP_##group,                                \
                       UNIT_##type,                                            \
                       min,                                                    \
                       max,                                                    \
                       ui_min,                                                 \
                       ui_max,                                                 \
                       ui_gamma,                                               \
                       step,                                                   \
                       digits,                                                 \
                       DEFAULT_##type (def),                                   \
                       shapes,                                                 \
                       offsetof (skc_params, field) },
#include "skc/params.def"
};

/* A row of the quality and shape tables: the name that files and the
 * command line use, and the label the user interface shows. */
typedef struct
{
  const char *name, *label;
  int samples;     /* quality levels only: their sample count */
  double floor_db; /* and the kernel SNR they reach (plain, swirl) */
  double swirl_floor_db;
} named_row;

static const named_row qualities[SKC_QUALITY_COUNT] = {
#define SKC_QUALITY_ROW(ID, name, label, samples, floor_db, swirl_floor_db)    \
  [SKC_QUALITY_##ID] = { name, label, samples, floor_db, swirl_floor_db },
#include "skc/params.def"
};

static const named_row depths[SKC_DEPTH_COUNT] = {
#define SKC_DEPTH_ROW(ID, name, label)                                         \
  [SKC_DEPTH_##ID] = { name, label, 0, 0, 0 },
#include "skc/params.def"
};

static const named_row shapes[] = {
#define SKC_SHAPE_ROW(ID, name, label)                                         \
  [SKC_SHAPE_##ID] = { name, label, 0, 0, 0 },
#include "skc/params.def"
  [SKC_SHAPE_FILE] = { "file", "Image or fitted filter", 0, 0, 0 },
};

const skc_param_info *
skc_param_table (void)
{
  return table;
}

const skc_param_info *
skc_param_find (const char *name)
{
  for (int i = 0; name && i < SKC_PARAM_COUNT; i++)
    if (strcmp (table[i].name, name) == 0)
      return &table[i];
  return NULL;
}

/* A row's value at `field`, wherever its struct lives. */
static double
field_get (const void *field, const skc_param_info *row)
{
  switch (row->type)
    {
    case SKC_PARAM_TYPE_NUMBER:
      return *(const double *) field;
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_BOOL:
      return *(const int *) field;
    case SKC_PARAM_TYPE_QUALITY:
      return *(const skc_quality *) field;
    case SKC_PARAM_TYPE_SHAPE:
      return *(const skc_shape_kind *) field;
    case SKC_PARAM_TYPE_DEPTH:
      return *(const skc_depth_order *) field;
    case SKC_PARAM_TYPE_SEED:
      return (double) *(const uint64_t *) field;
    }
  return 0;
}

double
skc_param_get (const skc_params *p, const skc_param_info *row)
{
  return field_get ((const char *) p + row->offset, row);
}

/* A shape key's place in a skc_shape: the table's offsets are
 * skc_params's, whose member `shape` holds the keys. */
static size_t
shape_key_offset (const skc_param_info *row)
{
  return row->offset - offsetof (skc_params, shape);
}

double
skc_shape_key_get (const skc_shape *s, const skc_param_info *row)
{
  return field_get ((const char *) s + shape_key_offset (row), row);
}

/* ", disc, polygon, ...": name lists for messages, made by the
 * preprocessor (skip the first two characters). */
static const char shape_list[] =
#define SKC_SHAPE_ROW(ID, name, label) ", " name
#include "skc/params.def"
    ;
static const char quality_list[] =
#define SKC_QUALITY_ROW(ID, name, label, samples, floor_db, swirl_floor_db)    \
  ", " name
#include "skc/params.def"
    ;
static const char depth_list[] =
#define SKC_DEPTH_ROW(ID, name, label) ", " name
#include "skc/params.def"
    ;

const char *
skc_shape_names (void)
{
  return shape_list + 2;
}

const char *
skc_quality_names (void)
{
  return quality_list + 2;
}

/* The range a row accepts: enums span their values; a shape row accepts
 * file too (its weights come with the params). */
static void
row_range (const skc_param_info *row, double *min, double *max)
{
  *min = row->min;
  *max = row->type == SKC_PARAM_TYPE_QUALITY ? SKC_QUALITY_COUNT - 1
         : row->type == SKC_PARAM_TYPE_DEPTH ? SKC_DEPTH_COUNT - 1
         : row->type == SKC_PARAM_TYPE_SHAPE ? SKC_SHAPE_FILE
                                             : row->max;
}

static skc_result
check_value (const skc_param_info *row, double value, skc_error *err)
{
  double min, max;

  row_range (row, &min, &max);
  if (!isfinite (value) || value < min || value > max)
    {
      if (row->type == SKC_PARAM_TYPE_QUALITY
          || row->type == SKC_PARAM_TYPE_DEPTH)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: not one of %s",
                         row->name, skc_param_choice_names (row));
      if (row->type == SKC_PARAM_TYPE_SHAPE)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: unknown shape",
                         row->name);
      return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                       "%s = %g is outside %g..%g%s%s", row->name, value, min,
                       max, row->unit[0] ? " " : "", row->unit);
    }
  if (row->type != SKC_PARAM_TYPE_NUMBER && value != floor (value))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "%s = %g must be a whole number", row->name, value);
  return SKC_OK;
}

static void
field_store (void *field, const skc_param_info *row, double value)
{
  switch (row->type)
    {
    case SKC_PARAM_TYPE_NUMBER:
      *(double *) field = value;
      break;
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_BOOL:
      *(int *) field = (int) value;
      break;
    case SKC_PARAM_TYPE_QUALITY:
      *(skc_quality *) field = (skc_quality) value;
      break;
    case SKC_PARAM_TYPE_SHAPE:
      *(skc_shape_kind *) field = (skc_shape_kind) value;
      break;
    case SKC_PARAM_TYPE_DEPTH:
      *(skc_depth_order *) field = (skc_depth_order) value;
      break;
    case SKC_PARAM_TYPE_SEED:
      *(uint64_t *) field = (uint64_t) value;
      break;
    }
}

void
skc_param_store (skc_params *p, const skc_param_info *row, double value)
{
  field_store ((char *) p + row->offset, row, value);
}

/* Stores value at field after the row's checks (leaves it otherwise). */
static skc_result
field_set (void *field, const skc_param_info *row, double value, skc_error *err)
{
  skc_result r = check_value (row, value, err);

  if (r == SKC_OK)
    field_store (field, row, value);
  return r;
}

void
skc_shape_key_store (skc_shape *s, const skc_param_info *row, double value)
{
  field_store ((char *) s + shape_key_offset (row), row, value);
}

skc_result
skc_shape_key_set (skc_shape *s, const skc_param_info *row, double value,
                   skc_error *err)
{
  return field_set ((char *) s + shape_key_offset (row), row, value, err);
}

skc_result
skc_param_set (skc_params *p, const skc_param_info *row, double value,
               skc_error *err)
{
  return field_set ((char *) p + row->offset, row, value, err);
}

void
skc_param_copy (skc_params *to, const skc_params *from,
                const skc_param_info *row)
{
  size_t size = 0;

  switch (row->type)
    {
    case SKC_PARAM_TYPE_NUMBER:
      size = sizeof (double);
      break;
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_BOOL:
      size = sizeof (int);
      break;
    case SKC_PARAM_TYPE_QUALITY:
      size = sizeof (skc_quality);
      break;
    case SKC_PARAM_TYPE_SHAPE:
      size = sizeof (skc_shape_kind);
      break;
    case SKC_PARAM_TYPE_DEPTH:
      size = sizeof (skc_depth_order);
      break;
    case SKC_PARAM_TYPE_SEED:
      size = sizeof (uint64_t);
      break;
    }
  memcpy ((char *) to + row->offset, (const char *) from + row->offset, size);
}

int
skc_param_applies (const skc_param_info *row, skc_shape_kind kind)
{
  const char *name = skc_shape_name (kind);
  size_t length;

  if (!row->shapes[0])
    return 1;
  if (!name)
    return 0;
  length = strlen (name);
  /* The list is "a, b, c": a whole word of it. */
  for (const char *at = strstr (row->shapes, name); at;
       at = strstr (at + 1, name))
    if ((at == row->shapes || at[-1] == ' ')
        && (at[length] == '\0' || at[length] == ','))
      return 1;
  return 0;
}

void
skc_shape_init (skc_shape *s)
{
  memset (s, 0, sizeof *s);
  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    if (table[i].group == SKC_PARAM_GROUP_SHAPE)
      {
        if (table[i].type == SKC_PARAM_TYPE_SHAPE)
          s->kind = (skc_shape_kind) table[i].default_value;
        else
          skc_shape_key_set (s, &table[i], table[i].default_value, NULL);
      }
}

void
skc_params_init (skc_params *p)
{
  memset (p, 0, sizeof *p);
  p->struct_size = sizeof *p;
  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    skc_param_set (p, &table[i], table[i].default_value, NULL);
}

double
skc_params_map_shaped (const skc_params *p, float map_value)
{
  double v = isfinite (map_value) ? map_value : 0;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  if (p->invert_map)
    v = 1 - v;
  if (p->map_gamma != 1)
    v = pow (v, p->map_gamma);
  return v;
}

skc_result
skc_params_validate (const skc_params *p, skc_error *err)
{
  if (!p || p->struct_size < sizeof (skc_params))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "parameters not initialised (skc_params_init)");
  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    {
      /* Any 64-bit seed is good; the row's range is what a number typed
         by a user may say. */
      skc_result r
          = table[i].type == SKC_PARAM_TYPE_SEED
                ? SKC_OK
                : check_value (&table[i], skc_param_get (p, &table[i]), err);
      if (r != SKC_OK)
        return r;
    }
  if (p->cat_eye > 0 && p->filter)
    return skc_fail (err, SKC_ERR_UNSUPPORTED,
                     "cat-eye clips the shape and refits it; it needs a shape "
                     "or an image, not a fitted .skc filter");
  if (!p->filter && !p->shape_image && p->shape.kind == SKC_SHAPE_FILE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "file shapes are passed as shape_image");
  return SKC_OK;
}

const char *
skc_quality_name (skc_quality quality)
{
  return quality >= 0 && quality < SKC_QUALITY_COUNT ? qualities[quality].name
                                                     : NULL;
}

const char *
skc_quality_label (skc_quality quality)
{
  return quality >= 0 && quality < SKC_QUALITY_COUNT ? qualities[quality].label
                                                     : NULL;
}

int
skc_quality_samples (skc_quality quality)
{
  return quality >= 0 && quality < SKC_QUALITY_COUNT
             ? qualities[quality].samples
             : 0;
}

double
skc_quality_floor_db (skc_quality quality, int turned)
{
  if (quality < 0 || quality >= SKC_QUALITY_COUNT)
    return NAN;
  return turned ? qualities[quality].swirl_floor_db
                : qualities[quality].floor_db;
}

/* The index of `name` among the first `count` rows, or -1 with an error
 * that says it is an unknown `what` and lists `names`. */
static int
find_named_row (const named_row *rows, int count, const char *what,
                const char *names, const char *name, skc_error *err)
{
  for (int i = 0; name && i < count; i++)
    if (strcmp (name, rows[i].name) == 0)
      return i;
  skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown %s '%s' (%s)", what,
            name ? name : "", names);
  return -1;
}

skc_result
skc_quality_parse (const char *name, skc_quality *out, skc_error *err)
{
  int q = find_named_row (qualities, SKC_QUALITY_COUNT, "quality",
                          quality_list + 2, name, err);

  if (q < 0)
    return SKC_ERR_INVALID_ARGUMENT;
  *out = (skc_quality) q;
  return SKC_OK;
}

/* A choice row's named values, their count and their list. */
static const named_row *
choice_rows (const skc_param_info *row, int *count, const char **list)
{
  switch (row ? row->type : SKC_PARAM_TYPE_NUMBER)
    {
    case SKC_PARAM_TYPE_QUALITY:
      *count = SKC_QUALITY_COUNT, *list = quality_list + 2;
      return qualities;
    case SKC_PARAM_TYPE_DEPTH:
      *count = SKC_DEPTH_COUNT, *list = depth_list + 2;
      return depths;
    default:
      *count = 0, *list = "";
      return NULL;
    }
}

int
skc_param_choice_count (const skc_param_info *row)
{
  int count;
  const char *list;

  choice_rows (row, &count, &list);
  return count;
}

/* A choice row's value `value`, or NULL. */
static const named_row *
choice_of (const skc_param_info *row, int value)
{
  int count;
  const char *list;
  const named_row *rows = choice_rows (row, &count, &list);

  return value >= 0 && value < count ? &rows[value] : NULL;
}

const char *
skc_param_choice_name (const skc_param_info *row, int value)
{
  const named_row *choice = choice_of (row, value);
  return choice ? choice->name : NULL;
}

const char *
skc_param_choice_label (const skc_param_info *row, int value)
{
  const named_row *choice = choice_of (row, value);
  return choice ? choice->label : NULL;
}

const char *
skc_param_choice_names (const skc_param_info *row)
{
  int count;
  const char *list;

  choice_rows (row, &count, &list);
  return list;
}

skc_result
skc_param_choice_parse (const skc_param_info *row, const char *name, int *value,
                        skc_error *err)
{
  int count;
  const char *list;
  const named_row *rows = choice_rows (row, &count, &list);
  int i;

  if (!rows)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s takes no names",
                     row ? row->name : "(no row)");
  i = find_named_row (rows, count, row->name, list, name, err);
  if (i < 0)
    return SKC_ERR_INVALID_ARGUMENT;
  *value = i;
  return SKC_OK;
}

const char *
skc_shape_name (skc_shape_kind kind)
{
  return kind >= 0 && kind <= SKC_SHAPE_FILE ? shapes[kind].name : NULL;
}

const char *
skc_shape_label (skc_shape_kind kind)
{
  return kind >= 0 && kind <= SKC_SHAPE_FILE ? shapes[kind].label : NULL;
}

skc_result
skc_shape_kind_parse (const char *name, skc_shape_kind *out, skc_error *err)
{
  /* "file" is no shape name: file shapes come as a path or an image. */
  int k = find_named_row (shapes, SKC_SHAPE_FILE, "shape", shape_list + 2, name,
                          err);

  if (k < 0)
    return SKC_ERR_INVALID_ARGUMENT;
  *out = (skc_shape_kind) k;
  return SKC_OK;
}
