/* skc — filter objects: construction, copying, access, cost and checks.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/filter.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"

static int
sample_count_total (int layers, const int *samples)
{
  int total = 0;
  int l;

  for (l = 0; l < layers; l++)
    total += samples[l];
  return total;
}

skc_filter *
skc_filter_new_complex (int layers, const int *samples, skc_offset_kind offsets)
{
  skc_filter *f;
  skc_sample *storage;
  int l;

  if (layers < 1 || layers > SKC_MAX_LAYERS || samples == NULL)
    return NULL;
  if (offsets != SKC_OFFSETS_BILINEAR && offsets != SKC_OFFSETS_INTEGER)
    return NULL;
  for (l = 0; l < layers; l++)
    if (samples[l] < 1 || samples[l] > SKC_MAX_SAMPLES)
      return NULL;

  f = calloc (1, sizeof *f);
  if (f == NULL)
    return NULL;
  storage
      = calloc ((size_t) sample_count_total (layers, samples), sizeof *storage);
  if (storage == NULL)
    {
      free (f);
      return NULL;
    }

  f->kind = SKC_FILTER_COMPLEX;
  f->offsets = offsets;
  f->layer_count = layers;
  /* One block for all layers: layer[0] owns it, the others point into it. */
  for (l = 0; l < layers; l++)
    {
      f->layer_size[l] = samples[l];
      f->layer[l] = storage;
      storage += samples[l];
    }
  return f;
}

skc_filter *
skc_filter_new_lowrank (int rank, int size)
{
  skc_filter *f;
  size_t values;

  if (rank < 1 || rank > SKC_MAX_RANK)
    return NULL;
  if (size < 1 || size > SKC_MAX_KERNEL_SIDE || size % 2 == 0)
    return NULL;

  f = calloc (1, sizeof *f);
  if (f == NULL)
    return NULL;
  values = (size_t) rank * (size_t) size;
  f->column = calloc (values, sizeof (float));
  f->row = calloc (values, sizeof (float));
  if (f->column == NULL || f->row == NULL)
    {
      skc_filter_free (f);
      return NULL;
    }
  f->kind = SKC_FILTER_LOWRANK;
  f->rank = rank;
  f->size = size;
  return f;
}

skc_filter *
skc_filter_new_knots (skc_knots_axis axis, int size, const int *counts)
{
  skc_filter *f;
  long total = 0;
  int i;

  if (axis != SKC_KNOTS_ROWS && axis != SKC_KNOTS_COLUMNS)
    return NULL;
  if (size < 1 || size > SKC_MAX_KERNEL_SIDE || size % 2 == 0 || counts == NULL)
    return NULL;
  for (i = 0; i < size; i++)
    {
      if (counts[i] < 0 || counts[i] > size + 1)
        return NULL;
      total += counts[i];
    }
  if (total > SKC_MAX_KNOTS)
    return NULL;

  f = calloc (1, sizeof *f);
  if (f == NULL)
    return NULL;
  f->kind = SKC_FILTER_KNOTS;
  f->axis = axis;
  f->size = size;
  f->knot_start = calloc ((size_t) size + 1, sizeof (int));
  /* At least one element each, so an all-empty filter still owns memory. */
  f->knot_pos = calloc ((size_t) total + 1, sizeof (int));
  f->knot_w = calloc ((size_t) total + 1, sizeof (float));
  if (f->knot_start == NULL || f->knot_pos == NULL || f->knot_w == NULL)
    {
      skc_filter_free (f);
      return NULL;
    }
  for (i = 0; i < size; i++)
    f->knot_start[i + 1] = f->knot_start[i] + counts[i];
  return f;
}

skc_filter *
skc_filter_copy (const skc_filter *f)
{
  skc_filter *copy;

  if (f == NULL)
    return NULL;

  if (f->kind == SKC_FILTER_COMPLEX)
    {
      int l;

      copy = skc_filter_new_complex (f->layer_count, f->layer_size, f->offsets);
      if (copy == NULL)
        return NULL;
      /* Layer by layer, so the copy does not depend on how the source laid
       * out its samples. */
      for (l = 0; l < f->layer_count; l++)
        memcpy (copy->layer[l], f->layer[l],
                (size_t) f->layer_size[l] * sizeof (skc_sample));
    }
  else if (f->kind == SKC_FILTER_KNOTS)
    {
      int *counts = malloc ((size_t) f->size * sizeof *counts);
      int i;
      int total = f->knot_start[f->size];

      if (counts == NULL)
        return NULL;
      for (i = 0; i < f->size; i++)
        counts[i] = f->knot_start[i + 1] - f->knot_start[i];
      copy = skc_filter_new_knots (f->axis, f->size, counts);
      free (counts);
      if (copy == NULL)
        return NULL;
      memcpy (copy->knot_pos, f->knot_pos, (size_t) total * sizeof (int));
      memcpy (copy->knot_w, f->knot_w, (size_t) total * sizeof (float));
    }
  else
    {
      size_t values = (size_t) f->rank * (size_t) f->size;

      copy = skc_filter_new_lowrank (f->rank, f->size);
      if (copy == NULL)
        return NULL;
      memcpy (copy->column, f->column, values * sizeof (float));
      memcpy (copy->row, f->row, values * sizeof (float));
    }
  copy->info = f->info;
  return copy;
}

void
skc_filter_free (skc_filter *f)
{
  if (f == NULL)
    return;
  free (f->layer[0]);
  free (f->column);
  free (f->row);
  free (f->knot_start);
  free (f->knot_pos);
  free (f->knot_w);
  free (f);
}

skc_filter_kind
skc_filter_get_kind (const skc_filter *f)
{
  return f->kind;
}

const skc_filter_info *
skc_filter_get_info (const skc_filter *f)
{
  return &f->info;
}

void
skc_filter_set_info (skc_filter *f, const skc_filter_info *info)
{
  if (f == NULL || info == NULL)
    return;
  f->info = *info;
  /* Callers fill the spec with strncpy and friends; never trust the end. */
  f->info.spec[sizeof f->info.spec - 1] = '\0';
}

skc_offset_kind
skc_filter_offsets (const skc_filter *f)
{
  return f->offsets;
}

/* Whether f is of `kind` and has an item `index` among its `count`: the
 * guard of every accessor that takes a layer, term or line. */
static bool
has_item (const skc_filter *f, skc_filter_kind kind, int index, int count)
{
  return f->kind == kind && index >= 0 && index < count;
}

int
skc_filter_layer_count (const skc_filter *f)
{
  return f->kind == SKC_FILTER_COMPLEX ? f->layer_count : 0;
}

int
skc_filter_layer_size (const skc_filter *f, int layer)
{
  if (!has_item (f, SKC_FILTER_COMPLEX, layer, f->layer_count))
    return 0;
  return f->layer_size[layer];
}

skc_sample *
skc_filter_layer (skc_filter *f, int layer)
{
  if (!has_item (f, SKC_FILTER_COMPLEX, layer, f->layer_count))
    return NULL;
  return f->layer[layer];
}

const skc_sample *
skc_filter_layer_const (const skc_filter *f, int layer)
{
  return skc_filter_layer ((skc_filter *) f, layer);
}

int
skc_filter_rank (const skc_filter *f)
{
  return f->kind == SKC_FILTER_LOWRANK ? f->rank : 0;
}

int
skc_filter_size (const skc_filter *f)
{
  return f->kind == SKC_FILTER_LOWRANK || f->kind == SKC_FILTER_KNOTS ? f->size
                                                                      : 0;
}

float *
skc_filter_column (skc_filter *f, int term)
{
  if (!has_item (f, SKC_FILTER_LOWRANK, term, f->rank))
    return NULL;
  return f->column + (size_t) term * (size_t) f->size;
}

float *
skc_filter_row (skc_filter *f, int term)
{
  if (!has_item (f, SKC_FILTER_LOWRANK, term, f->rank))
    return NULL;
  return f->row + (size_t) term * (size_t) f->size;
}

const float *
skc_filter_column_const (const skc_filter *f, int term)
{
  return skc_filter_column ((skc_filter *) f, term);
}

const float *
skc_filter_row_const (const skc_filter *f, int term)
{
  return skc_filter_row ((skc_filter *) f, term);
}

skc_knots_axis
skc_filter_knots_axis (const skc_filter *f)
{
  return f->kind == SKC_FILTER_KNOTS ? f->axis : SKC_KNOTS_ROWS;
}

int
skc_filter_knot_count (const skc_filter *f)
{
  return f->kind == SKC_FILTER_KNOTS ? f->knot_start[f->size] : 0;
}

int
skc_filter_knot_line_size (const skc_filter *f, int line)
{
  if (!has_item (f, SKC_FILTER_KNOTS, line, f->size))
    return 0;
  return f->knot_start[line + 1] - f->knot_start[line];
}

int *
skc_filter_knot_positions (skc_filter *f, int line)
{
  if (!has_item (f, SKC_FILTER_KNOTS, line, f->size))
    return NULL;
  return f->knot_pos + f->knot_start[line];
}

float *
skc_filter_knot_weights (skc_filter *f, int line)
{
  if (!has_item (f, SKC_FILTER_KNOTS, line, f->size))
    return NULL;
  return f->knot_w + f->knot_start[line];
}

const int *
skc_filter_knot_positions_const (const skc_filter *f, int line)
{
  return skc_filter_knot_positions ((skc_filter *) f, line);
}

const float *
skc_filter_knot_weights_const (const skc_filter *f, int line)
{
  return skc_filter_knot_weights ((skc_filter *) f, line);
}

int
skc_filter_taps (const skc_filter *f)
{
  if (f == NULL)
    return 0;
  if (f->kind == SKC_FILTER_KNOTS)
    return f->knot_start[f->size];
  if (f->kind == SKC_FILTER_LOWRANK)
    return 2 * f->rank * f->size;
  return sample_count_total (f->layer_count, f->layer_size);
}

long
skc_filter_macs (const skc_filter *f)
{
  if (f == NULL)
    return 0;
  if (f->kind == SKC_FILTER_LOWRANK)
    return 2L * f->rank * f->size;
  /* One read per knot, and one add per pixel for the prefix sum. */
  if (f->kind == SKC_FILTER_KNOTS)
    return (long) f->knot_start[f->size] + 1;
  /* A bilinear tap reads and weighs four pixels. */
  if (f->offsets == SKC_OFFSETS_BILINEAR)
    return 4L * skc_filter_taps (f);
  return skc_filter_taps (f);
}

/* How far one offset reaches: a bilinear tap at 2.3 also reads pixel 3, a
 * whole offset of 2 reads pixel 2 only, and ceil covers both.  Anything
 * invalid counts as the largest allowed offset so that the result stays a
 * sane int even before validation. */
static int
offset_reach (float offset)
{
  float magnitude = fabsf (offset);

  if (!(magnitude <= SKC_MAX_OFFSET))
    magnitude = SKC_MAX_OFFSET;
  return (int) ceilf (magnitude);
}

int
skc_filter_reach (const skc_filter *f)
{
  int reach = 0;
  int l;

  if (f == NULL)
    return 0;
  if (f->kind == SKC_FILTER_LOWRANK || f->kind == SKC_FILTER_KNOTS)
    return f->size / 2;

  /* The layers apply in sequence, so their reaches add up. */
  for (l = 0; l < f->layer_count; l++)
    {
      int layer_reach = 0;
      int s;

      for (s = 0; s < f->layer_size[l]; s++)
        {
          const skc_sample *sample = &f->layer[l][s];
          int dx = offset_reach (sample->dx);
          int dy = offset_reach (sample->dy);

          if (dx > layer_reach)
            layer_reach = dx;
          if (dy > layer_reach)
            layer_reach = dy;
        }
      reach += layer_reach;
    }
  return reach;
}

static skc_result
validate_complex (const skc_filter *f, skc_error *err)
{
  int l;

  if (f->offsets != SKC_OFFSETS_BILINEAR && f->offsets != SKC_OFFSETS_INTEGER)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown offset kind %d",
                     (int) f->offsets);
  if (f->layer_count < 1 || f->layer_count > SKC_MAX_LAYERS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "%d layers; a filter has 1 to %d", f->layer_count,
                     SKC_MAX_LAYERS);

  /* Indices in the messages start at 0, as in skc_filter_layer. */
  for (l = 0; l < f->layer_count; l++)
    {
      int s;

      if (f->layer_size[l] < 1 || f->layer_size[l] > SKC_MAX_SAMPLES)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "layer %d has %d samples; a layer has 1 to %d", l,
                         f->layer_size[l], SKC_MAX_SAMPLES);

      for (s = 0; s < f->layer_size[l]; s++)
        {
          const skc_sample *sample = &f->layer[l][s];

          if (!isfinite (sample->dx) || !isfinite (sample->dy))
            return skc_fail (err, SKC_ERR_NON_FINITE,
                             "layer %d, sample %d: offset (%g, %g) is not "
                             "finite",
                             l, s, (double) sample->dx, (double) sample->dy);
          if (!isfinite (sample->w))
            return skc_fail (err, SKC_ERR_NON_FINITE,
                             "layer %d, sample %d: weight %g is not finite", l,
                             s, (double) sample->w);
          if (fabsf (sample->dx) > SKC_MAX_OFFSET
              || fabsf (sample->dy) > SKC_MAX_OFFSET)
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                             "layer %d, sample %d: offset (%g, %g) is more "
                             "than %g pixels away",
                             l, s, (double) sample->dx, (double) sample->dy,
                             (double) SKC_MAX_OFFSET);
          if (f->offsets == SKC_OFFSETS_INTEGER
              && (floorf (sample->dx) != sample->dx
                  || floorf (sample->dy) != sample->dy))
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                             "layer %d, sample %d: offset (%g, %g) is not "
                             "whole, but the filter uses integer offsets",
                             l, s, (double) sample->dx, (double) sample->dy);
        }
    }
  return SKC_OK;
}

static skc_result
validate_values (const float *values, int rank, int size, const char *what,
                 skc_error *err)
{
  int k;
  int i;

  for (k = 0; k < rank; k++)
    for (i = 0; i < size; i++)
      {
        float value = values[(size_t) k * (size_t) size + (size_t) i];

        if (!isfinite (value))
          return skc_fail (err, SKC_ERR_NON_FINITE,
                           "term %d: %s value %d is not finite", k, what, i);
      }
  return SKC_OK;
}

static skc_result
validate_lowrank (const skc_filter *f, skc_error *err)
{
  skc_result result;

  if (f->rank < 1 || f->rank > SKC_MAX_RANK)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "rank %d; a low-rank filter has rank 1 to %d", f->rank,
                     SKC_MAX_RANK);
  if (f->size < 1 || f->size > SKC_MAX_KERNEL_SIDE || f->size % 2 == 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "size %d; a low-rank filter is odd and 1 to %d wide",
                     f->size, SKC_MAX_KERNEL_SIDE);

  result = validate_values (f->column, f->rank, f->size, "column", err);
  if (result != SKC_OK)
    return result;
  return validate_values (f->row, f->rank, f->size, "row", err);
}

static skc_result
validate_knots (const skc_filter *f, skc_error *err)
{
  int half = f->size / 2;
  int i;

  if (f->axis != SKC_KNOTS_ROWS && f->axis != SKC_KNOTS_COLUMNS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown knots axis %d",
                     (int) f->axis);
  if (f->size < 1 || f->size > SKC_MAX_KERNEL_SIDE || f->size % 2 == 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "size %d; a knots filter is odd and 1 to %d wide", f->size,
                     SKC_MAX_KERNEL_SIDE);
  if (f->knot_start[f->size] > SKC_MAX_KNOTS)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "%d knots; a filter has at most %d",
                     f->knot_start[f->size], SKC_MAX_KNOTS);
  for (i = 0; i < f->size; i++)
    {
      int n = f->knot_start[i + 1] - f->knot_start[i];
      double sum = 0;
      int k;

      if (n < 0 || n > f->size + 1)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "line %d has %d knots; a line has 0 to %d", i, n,
                         f->size + 1);
      for (k = 0; k < n; k++)
        {
          int p = f->knot_pos[f->knot_start[i] + k];
          float w = f->knot_w[f->knot_start[i] + k];

          if (p < -half || p > half + 1)
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                             "line %d, knot %d: position %d is outside %d to "
                             "%d",
                             i, k, p, -half, half + 1);
          if (k > 0 && p <= f->knot_pos[f->knot_start[i] + k - 1])
            return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                             "line %d, knot %d: positions must increase", i, k);
          if (!isfinite (w))
            return skc_fail (err, SKC_ERR_NON_FINITE,
                             "line %d, knot %d: weight %g is not finite", i, k,
                             (double) w);
          sum += w;
        }
      /* A line that did not return to zero would add a prefix sum's worth
         of the image: a tail reaching to wherever the sum started.  Fitted
         weights sit on a common grid, so their double sum is exact. */
      if (sum != 0)
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "line %d: knot weights sum to %g, not 0", i, sum);
    }
  return SKC_OK;
}

skc_result
skc_filter_validate (const skc_filter *f, skc_error *err)
{
  if (f == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no filter");

  switch (f->kind)
    {
    case SKC_FILTER_COMPLEX:
      return validate_complex (f, err);
    case SKC_FILTER_LOWRANK:
      return validate_lowrank (f, err);
    case SKC_FILTER_KNOTS:
      return validate_knots (f, err);
    }
  return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "unknown filter kind %d",
                   (int) f->kind);
}
