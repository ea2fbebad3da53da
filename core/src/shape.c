/* skc — shape specs (`shape:NAME:key=value,...`) and the rasteriser of the
 * built-in bokeh shapes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/kernel.h"
#include "skc/params.h"
#include "coverage.h"
#include "numtext.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* In the C spelling whatever the locale: a plug-in runs under the user's
 * LC_NUMERIC, which may spell 0.6 as "0,6". */
static int
parse_number (const char *text, double *value)
{
  return skc_parse_real (text, strlen (text), false, value);
}

/* The shape keys are the table's rows of the shape group after the kind
 * itself; each says which shapes it applies to. */
static const skc_param_info *
shape_key (const char *name)
{
  const skc_param_info *row = skc_param_find (name);

  return row && row->group == SKC_PARAM_GROUP_SHAPE
                 && row->type != SKC_PARAM_TYPE_SHAPE
             ? row
             : NULL;
}

static skc_result
set_key (skc_shape *s, const char *key, const char *value_text,
         const char *spec, skc_error *err)
{
  const skc_param_info *row = shape_key (key);
  skc_error range_err;
  double v;

  if (!row)
    {
      char keys[128] = "";
      for (int i = 0; i < SKC_PARAM_COUNT; i++)
        if (shape_key (skc_param_table ()[i].name))
          snprintf (keys + strlen (keys), sizeof keys - strlen (keys), "%s%s",
                    keys[0] ? ", " : "", skc_param_table ()[i].name);
      return skc_fail (err, SKC_ERR_PARSE,
                       "shape spec '%s': unknown key '%s' (keys: %s)", spec,
                       key, keys);
    }
  if (!skc_param_applies (row, s->kind))
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape spec '%s': '%s' does not apply to shape %s", spec,
                     key, skc_shape_name (s->kind));
  if (!parse_number (value_text, &v))
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape spec '%s': '%s' needs a number, not '%s'", spec,
                     key, value_text);
  if (skc_shape_key_set (s, row, v, &range_err) != SKC_OK)
    return skc_fail (err, SKC_ERR_PARSE, "shape spec '%s': %s", spec,
                     range_err.message);
  return SKC_OK;
}

skc_result
skc_shape_parse (const char *spec, skc_shape *out, skc_error *err)
{
  skc_shape s;
  skc_shape_init (&s);
  if (!spec || !*spec)
    return skc_fail (err, SKC_ERR_PARSE, "empty shape spec");

  if (strncmp (spec, "file:", 5) == 0)
    {
      size_t len = strlen (spec + 5);
      if (len == 0)
        return skc_fail (err, SKC_ERR_PARSE, "shape spec 'file:' needs a path");
      if (len >= SKC_PATH_MAX)
        return skc_fail (err, SKC_ERR_TOO_LARGE, "shape spec: path too long");
      s.kind = SKC_SHAPE_FILE;
      memcpy (s.path, spec + 5, len + 1);
      *out = s;
      return SKC_OK;
    }

  const char *body = strncmp (spec, "shape:", 6) == 0 ? spec + 6 : spec;
  char buf[512];
  if (strlen (body) >= sizeof buf)
    return skc_fail (err, SKC_ERR_TOO_LARGE, "shape spec too long");
  strcpy (buf, body);

  char *keys = strchr (buf, ':');
  if (keys)
    *keys++ = '\0';
  if (skc_shape_kind_parse (buf, &s.kind, NULL) != SKC_OK)
    return skc_fail (err, SKC_ERR_PARSE,
                     "shape spec '%s': unknown shape '%s' (%s, or file:PATH)",
                     spec, buf, skc_shape_names ());

  while (keys && *keys)
    {
      char *next = strchr (keys, ',');
      if (next)
        *next++ = '\0';
      char *eq = strchr (keys, '=');
      if (!eq || eq == keys)
        return skc_fail (err, SKC_ERR_PARSE,
                         "shape spec '%s': expected key=value, got '%s'", spec,
                         keys);
      *eq = '\0';
      skc_result r = set_key (&s, keys, eq + 1, spec, err);
      if (r != SKC_OK)
        return r;
      keys = next;
    }
  *out = s;
  return SKC_OK;
}

void
skc_shape_format (const skc_shape *s, char *buf, size_t len)
{
  if (s->kind == SKC_SHAPE_FILE)
    {
      snprintf (buf, len, "file:%s", s->path);
      return;
    }
  /* The canonical key order is part of the fit cache's keys: keep it. */
  static const skc_param_id order[] = {
    SKC_PARAM_BLADES, SKC_PARAM_POINTS,    SKC_PARAM_INNER,
    SKC_PARAM_SIGMA,  SKC_PARAM_CURVATURE, SKC_PARAM_ROTATION,
  };
  int n = snprintf (buf, len, "shape:%s", skc_shape_name (s->kind));
  char sep = ':';
  char number[64];

  for (size_t i = 0; i < sizeof order / sizeof order[0]; i++)
    {
      const skc_param_info *row = &skc_param_table ()[order[i]];

      /* Rotation 0 is the default orientation; leaving it out keeps the
         common specs short. */
      if (!skc_param_applies (row, s->kind)
          || (order[i] == SKC_PARAM_ROTATION && s->rotation == 0) || n < 0
          || (size_t) n >= len)
        continue;
      /* Numbers in their shortest exact C spelling (0.6, not
         0.59999999999999998 nor a locale's 0,6). */
      skc_format_double (skc_shape_key_get (s, row), number, sizeof number);
      n += snprintf (buf + n, len - n, "%c%s=%s", sep, row->name, number);
      sep = ',';
    }
}

/* ---- rasterisation ------------------------------------------------------
 * Shapes are closed polygons in kernel pixel coordinates: origin at the
 * centre pixel, y down; the first loop is the outline, further loops are
 * holes in it.  Coverage is each pixel's exact area inside, so a kernel
 * whose radius grows by a hundredth of a pixel changes by about that
 * much.  (Points sampled on a 16 x 16 grid moved a blade's straight rim
 * a sixteenth of a pixel at a time: a hexagon of radius 3.5 against 3.502
 * differed by 30.7 dB, more than a blur map's radius tables allow for.) */

typedef struct
{
  double *x, *y;
  int count, capacity;
} polygon;

static int
polygon_add (polygon *p, double x, double y)
{
  if (p->count == p->capacity)
    {
      int cap = p->capacity ? 2 * p->capacity : 256;
      double *nx = realloc (p->x, cap * sizeof *nx);
      if (!nx)
        return 0;
      p->x = nx;
      double *ny = realloc (p->y, cap * sizeof *ny);
      if (!ny)
        return 0;
      p->y = ny;
      p->capacity = cap;
    }
  p->x[p->count] = x;
  p->y[p->count] = y;
  p->count++;
  return 1;
}

/* Twice the signed area of loop [from, to): positive when it turns
 * clockwise on the screen (y down). */
static double
loop_area2 (const polygon *p, int from, int to)
{
  double sum = 0;
  for (int i = from; i < to; i++)
    {
      int j = i + 1 < to ? i + 1 : from;
      sum += p->x[i] * p->y[j] - p->x[j] * p->y[i];
    }
  return sum;
}

/* Adds weight * coverage of the polygon (one or more closed loops stored
 * back to back, loop_ends[i] = index one past loop i) to k.  The cost is
 * the edges' pixel crossings plus the kernel's area. */
static int
rasterise (const polygon *p, const int *loop_ends, int loops, double weight,
           double *k, int size)
{
  /* Pixel (c, r) spans [c, c + 1] x [r, r + 1] in the kernel's terms. */
  const double shift = size / 2.0;
  /* Drawn on the loops' bounding square only (outside it their winding
     is zero): a coma's 24 discs at R 400 covered the whole kernel each. */
  double lo_x = INFINITY, lo_y = INFINITY, hi_x = -INFINITY, hi_y = -INFINITY;
  for (int i = 0; i < loop_ends[loops - 1]; i++)
    {
      lo_x = fmin (lo_x, p->x[i]);
      hi_x = fmax (hi_x, p->x[i]);
      lo_y = fmin (lo_y, p->y[i]);
      hi_y = fmax (hi_y, p->y[i]);
    }
  if (!(lo_x <= hi_x && lo_y <= hi_y))
    return 1; /* no points: nothing drawn */
  const int x0 = (int) fmax (0, floor (lo_x + shift));
  const int y0 = (int) fmax (0, floor (lo_y + shift));
  const int x1 = (int) fmin (size, ceil (hi_x + shift));
  const int y1 = (int) fmin (size, ceil (hi_y + shift));
  if (x1 <= x0 || y1 <= y0)
    return 1; /* wholly outside the kernel */
  const int side = x1 - x0 > y1 - y0 ? x1 - x0 : y1 - y0;
  skc_coverage cover;
  if (!skc_coverage_init (&cover, side))
    return 0;
  int start = 0;
  for (int l = 0; l < loops; l++)
    {
      int end = loop_ends[l];
      /* The outline counts 1 inside, holes -1, whichever way each was
         drawn (a clockwise loop winds -1). */
      double sign = loop_area2 (p, start, end) > 0 ? -1 : 1;
      if (l > 0)
        sign = -sign;
      for (int i = start; i < end; i++)
        {
          int j = i + 1 < end ? i + 1 : start;
          skc_coverage_add_edge (&cover, p->x[i] + shift - x0,
                                 p->y[i] + shift - y0, p->x[j] + shift - x0,
                                 p->y[j] + shift - y0, sign);
        }
      start = end;
    }
  skc_coverage_resolve (&cover);
  for (int r = 0; r < side && y0 + r < size; r++)
    for (int c = 0; c < side && x0 + c < size; c++)
      {
        /* Rounding leaves about 1e-15 either side of 0 and 1. */
        double inside = cover.area[(size_t) r * side + c];
        inside = inside < 0 ? 0 : inside > 1 ? 1 : inside;
        k[(size_t) (y0 + r) * size + x0 + c] += weight * inside;
      }
  skc_coverage_free (&cover);
  return 1;
}

/* A closed curve r(theta) sampled so that every `corner_step` radians
 * (from theta0) is a vertex, `per_corner` points between corners. */
static int
add_polar_loop (polygon *p, double cx, double cy, double theta0, int corners,
                int per_corner,
                double (*radius) (const skc_shape *, double, double),
                const skc_shape *s, double scale)
{
  for (int c = 0; c < corners; c++)
    for (int j = 0; j < per_corner; j++)
      {
        double t = theta0 + 2 * M_PI * (c + (double) j / per_corner) / corners;
        double r = scale * radius (s, t - theta0, 1.0);
        if (!polygon_add (p, cx + r * cos (t), cy - r * sin (t)))
          return 0;
      }
  return 1;
}

static double
circle_radius (const skc_shape *s, double t, double R)
{
  (void) s;
  (void) t;
  return R;
}

/* Regular polygon with circumradius R and a vertex at t = 0, blended toward
 * the circle by the curvature (0 = straight blades, 1 = round). */
static double
iris_radius (const skc_shape *s, double t, double R)
{
  double sector = 2 * M_PI / s->blades;
  double u = fmod (t, sector);
  if (u < 0)
    u += sector;
  double straight = R * cos (M_PI / s->blades) / cos (u - M_PI / s->blades);
  return (1 - s->curvature) * straight + s->curvature * R;
}

static int
add_star (polygon *p, const skc_shape *s, double R, double theta0)
{
  for (int i = 0; i < 2 * s->points; i++)
    {
      double t = theta0 + M_PI * i / s->points;
      double r = (i % 2) ? s->inner * R : R;
      if (!polygon_add (p, r * cos (t), -r * sin (t)))
        return 0;
    }
  return 1;
}

static int
add_heart (polygon *p, double R, double rotation)
{
  /* x = 16 sin^3 t, y = 13 cos t - 5 cos 2t - 2 cos 3t - cos 4t (y up),
     scaled by R / 17, the bounding box centred on the origin. */
  const int n = 2048;
  double minx = 1e9, maxx = -1e9, miny = 1e9, maxy = -1e9;
  int first = p->count;
  for (int i = 0; i < n; i++)
    {
      double t = 2 * M_PI * i / n;
      double x = 16 * pow (sin (t), 3);
      double y = 13 * cos (t) - 5 * cos (2 * t) - 2 * cos (3 * t) - cos (4 * t);
      if (!polygon_add (p, x, y))
        return 0;
      minx = fmin (minx, x), maxx = fmax (maxx, x);
      miny = fmin (miny, y), maxy = fmax (maxy, y);
    }
  double cx = (minx + maxx) / 2, cy = (miny + maxy) / 2, sc = R / 17;
  double cr = cos (rotation), sr = sin (rotation);
  for (int i = first; i < p->count; i++)
    {
      double x = (p->x[i] - cx) * sc, y = (p->y[i] - cy) * sc;
      p->x[i] = x * cr - y * sr;
      p->y[i] = -(x * sr + y * cr); /* y down */
    }
  return 1;
}

static void
render_gaussian (double sigma_px, double *k, int size)
{
  const double half = (size - 1) / 2.0;
  double *g = malloc (size * sizeof *g);
  if (!g)
    return;
  for (int i = 0; i < size; i++)
    {
      /* Exact pixel integral of the 1-D Gaussian. */
      double x = i - half;
      g[i] = erf ((x + 0.5) / (M_SQRT2 * sigma_px))
             - erf ((x - 0.5) / (M_SQRT2 * sigma_px));
    }
  for (int y = 0; y < size; y++)
    for (int x = 0; x < size; x++)
      k[(size_t) y * size + x] = g[y] * g[x];
  free (g);
}

skc_result
skc_shape_render (const skc_shape *s, double radius, int size, skc_image *out,
                  skc_error *err)
{
  if (s->kind == SKC_SHAPE_FILE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "file shapes are loaded as images, not rasterised");
  if (!isfinite (radius) || radius < 0 || radius > 1000)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "radius %g is outside 0..1000 px", radius);
  if (size == 0)
    size = 2 * (int) ceil (radius) + 1;
  if (size < 1 || size % 2 == 0 || size > SKC_MAX_KERNEL_SIDE)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "kernel size %d must be odd and 1..%d", size,
                     SKC_MAX_KERNEL_SIDE);

  double *k = calloc ((size_t) size * size, sizeof *k);
  if (!k)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  polygon p = { 0 };
  int ok = 1;
  int loop_ends[2];
  double up = M_PI / 2 + s->rotation * M_PI / 180;
  /* A radius below half a pixel rasterises to (almost) nothing: such a
     kernel is the identity. */
  if (radius < 0.5 && s->kind != SKC_SHAPE_GAUSSIAN)
    k[(size_t) (size / 2) * size + size / 2] = 1.0;
  else
    switch (s->kind)
      {
      case SKC_SHAPE_DISC:
      case SKC_SHAPE_RING:
        ok = add_polar_loop (&p, 0, 0, 0, 1, 4096, circle_radius, s, radius);
        loop_ends[0] = p.count;
        if (ok && s->kind == SKC_SHAPE_RING)
          ok = add_polar_loop (&p, 0, 0, 0, 1, 4096, circle_radius, s,
                               radius * s->inner);
        loop_ends[1] = p.count;
        ok = ok
             && rasterise (&p, loop_ends, s->kind == SKC_SHAPE_RING ? 2 : 1,
                           1.0, k, size);
        break;
      case SKC_SHAPE_POLYGON:
        ok = add_polar_loop (&p, 0, 0, up, s->blades, 4096 / s->blades,
                             iris_radius, s, radius);
        loop_ends[0] = p.count;
        ok = ok && rasterise (&p, loop_ends, 1, 1.0, k, size);
        break;
      case SKC_SHAPE_STAR:
        ok = add_star (&p, s, radius, up);
        loop_ends[0] = p.count;
        ok = ok && rasterise (&p, loop_ends, 1, 1.0, k, size);
        break;
      case SKC_SHAPE_HEART:
        ok = add_heart (&p, radius, s->rotation * M_PI / 180);
        loop_ends[0] = p.count;
        ok = ok && rasterise (&p, loop_ends, 1, 1.0, k, size);
        break;
      case SKC_SHAPE_GAUSSIAN:
        render_gaussian (fmax (s->sigma * radius, 0.05), k, size);
        break;
      case SKC_SHAPE_COMA:
        {
          /* The benchmark protocol's coma: 24 discs sliding along x,
             growing and fading. */
          double rot = s->rotation * M_PI / 180;
          for (int i = 0; ok && i < 24; i++)
            {
              double t = i / 23.0;
              double r = (0.12 + 0.45 * t) * radius;
              double cx = (-0.55 + t) * radius;
              p.count = 0;
              ok = add_polar_loop (&p, cx * cos (rot), -cx * sin (rot), 0, 1,
                                   1024, circle_radius, s, r);
              loop_ends[0] = p.count;
              ok = ok
                   && rasterise (&p, loop_ends, 1, (1 - 0.6 * t) / r, k, size);
            }
        }
        break;
      case SKC_SHAPE_FILE:
        break;
      }
  free (p.x);
  free (p.y);
  if (!ok)
    {
      free (k);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }

  double sum = 0;
  for (size_t i = 0; i < (size_t) size * size; i++)
    sum += k[i];
  if (!(sum > 0))
    {
      free (k);
      return skc_fail (err, SKC_ERR_EMPTY_KERNEL,
                       "shape covers no pixel at radius %g", radius);
    }
  skc_result r = skc_image_alloc (out, size, size, 1);
  if (r == SKC_OK)
    for (size_t i = 0; i < (size_t) size * size; i++)
      out->data[i] = (float) (k[i] / sum);
  free (k);
  return r == SKC_OK ? SKC_OK : skc_fail (err, r, "out of memory");
}
