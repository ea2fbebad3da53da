/* skc — shape specs (`shape:NAME:key=value,...`) and the rasteriser of the
 * built-in bokeh shapes.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/kernel.h"
#include "skc/params.h"
#include "numtext.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SUPERSAMPLING 16

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
 * Shapes are closed polygons (even-odd rule) in kernel pixel coordinates:
 * origin at the centre pixel, y down.  Coverage is counted on a
 * SUPERSAMPLING^2 grid of points per pixel, one scanline of points at a
 * time, from the sorted edge crossings of that scanline. */

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

/* An edge of the polygon and the band of scanlines that may cross it. */
typedef struct
{
  int from, to; /* vertex indices */
  long first, last;
} edge_band;

/* Sorts edges by first scanline (counting sort: scanlines are few and
 * small integers), keeping their order within one scanline. */
static int
sort_edges_by_first (edge_band *edges, int count, long scanlines)
{
  long *start = calloc ((size_t) scanlines + 1, sizeof *start);
  edge_band *sorted = malloc ((size_t) (count + 1) * sizeof *sorted);
  if (!start || !sorted)
    {
      free (start);
      free (sorted);
      return 0;
    }
  for (int i = 0; i < count; i++)
    start[edges[i].first + 1]++;
  for (long r = 0; r < scanlines; r++)
    start[r + 1] += start[r];
  for (int i = 0; i < count; i++)
    sorted[start[edges[i].first]++] = edges[i];
  memcpy (edges, sorted, (size_t) count * sizeof *edges);
  free (start);
  free (sorted);
  return 1;
}

/* The scanline index at y (not rounded): scanline r lies at
 * y = (r + 0.5) / S - 0.5 - half. */
static double
scanline_at (double y, double half)
{
  return (y + 0.5 + half) * SUPERSAMPLING - 0.5;
}

/* Adds weight * coverage of the polygon (one or more closed loops stored
 * back to back, loop_ends[i] = index one past loop i) to k.  Each
 * scanline tests only the edges whose band holds it (an active list), and
 * its spans are counted per pixel (partial pixels at the ends, a
 * difference array for the full ones), so a large kernel costs about its
 * area plus its scanlines' crossings, not scanlines x edges x points. */
static int
rasterise (const polygon *p, const int *loop_ends, int loops, double weight,
           double *k, int size)
{
  const int S = SUPERSAMPLING;
  const double half = (size - 1) / 2.0;
  const double point_weight = weight / (S * S);
  const long scanlines = (long) size * S;
  edge_band *edges = malloc ((size_t) (p->count + 1) * sizeof *edges);
  int *active = malloc ((size_t) (p->count + 1) * sizeof *active);
  double *xs = malloc ((size_t) (p->count + 1) * sizeof *xs);
  /* Points per pixel of the current pixel row: partial pixels in
     `points`, runs of full pixels as differences in `runs`. */
  long *points = calloc ((size_t) size + 1, sizeof *points);
  long *runs = calloc ((size_t) size + 1, sizeof *runs);
  int ok = edges && active && xs && points && runs;
  int edge_count = 0, start = 0;
  for (int l = 0; ok && l < loops; l++)
    {
      int end = loop_ends[l];
      for (int i = start; i < end; i++)
        {
          int j = i + 1 < end ? i + 1 : start;
          double lo = fmin (p->y[i], p->y[j]), hi = fmax (p->y[i], p->y[j]);
          if (lo == hi)
            continue; /* a horizontal edge crosses no scanline */
          /* One scanline of slack each side: the crossing test itself
             decides, as exactly as before. */
          double first = floor (scanline_at (lo, half)) - 1;
          double last = ceil (scanline_at (hi, half)) + 1;
          if (last < 0 || first >= (double) scanlines)
            continue;
          edges[edge_count++]
              = (edge_band){ i, j, first < 0 ? 0 : (long) first,
                             last >= (double) scanlines ? scanlines - 1
                                                        : (long) last };
        }
      start = end;
    }
  if (ok)
    ok = sort_edges_by_first (edges, edge_count, scanlines);
  int next = 0, active_count = 0;
  for (long row = 0; ok && row < scanlines; row++)
    {
      double y = (row + 0.5) / S - 0.5 - half;
      while (next < edge_count && edges[next].first <= row)
        active[active_count++] = next++;
      int n = 0, kept = 0;
      for (int a = 0; a < active_count; a++)
        {
          const edge_band *e = &edges[active[a]];
          if (e->last < row)
            continue;
          active[kept++] = active[a];
          double y0 = p->y[e->from], y1 = p->y[e->to];
          if ((y0 <= y) != (y1 <= y))
            xs[n++] = p->x[e->from]
                      + (y - y0) / (y1 - y0) * (p->x[e->to] - p->x[e->from]);
        }
      active_count = kept;
      /* A scanline crosses a few edges: insertion sort (qsort's call
         overhead was a tenth of a blur map's preparation). */
      for (int i = 1; i < n; i++)
        {
          double x = xs[i];
          int j = i;
          for (; j > 0 && xs[j - 1] > x; j--)
            xs[j] = xs[j - 1];
          xs[j] = x;
        }
      for (int i = 0; i + 1 < n; i += 2)
        {
          /* Points c (x = (c + 0.5) / S - 0.5 - half) inside
             [xs[i], xs[i+1]). */
          double c0 = ceil ((xs[i] + 0.5 + half) * S - 0.5);
          double c1 = ceil ((xs[i + 1] + 0.5 + half) * S - 0.5);
          if (c0 < 0)
            c0 = 0;
          if (c1 > (double) scanlines)
            c1 = (double) scanlines;
          if (c0 >= c1)
            continue;
          long from = (long) c0, to = (long) c1;
          long pa = from / S, pb = to / S;
          if (pa == pb)
            points[pa] += to - from;
          else
            {
              points[pa] += (pa + 1) * S - from;
              runs[pa + 1] += S;
              runs[pb] -= S;
              points[pb] += to - pb * S;
            }
        }
      if (row % S == S - 1)
        {
          double *out_row = k + (size_t) (row / S) * size;
          long full = 0;
          for (int x = 0; x < size; x++)
            {
              full += runs[x];
              long count = points[x] + full;
              if (count)
                out_row[x] += count * point_weight;
            }
          memset (points, 0, ((size_t) size + 1) * sizeof *points);
          memset (runs, 0, ((size_t) size + 1) * sizeof *runs);
        }
    }
  free (edges);
  free (active);
  free (xs);
  free (points);
  free (runs);
  return ok;
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
