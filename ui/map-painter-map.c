/* skc — the blur map being painted (see map-painter-map.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "map-painter-map.h"

#include <math.h>
#include <string.h>

#define TILE 64

/* One undo (or redo) step: the tiles it touched as they are not now. */
typedef struct
{
  guint n;
  guint *tiles;
  float **data;
  gsize bytes;
} Step;

struct SkcPaintMap
{
  int width, height;
  int tiles_x, tiles_y;
  float *data;
  /* The open step: each touched tile as it was before the step, and for
     brush strokes the coverage each pixel received so far. */
  gboolean open;
  float **orig, **cover;
  GQueue undo, redo; /* of Step, newest first */
  gsize history_bytes, history_limit;
};

static void
tile_rect (const SkcPaintMap *m, guint t, SkcPaintRect *r)
{
  r->x = (int) (t % (guint) m->tiles_x) * TILE;
  r->y = (int) (t / (guint) m->tiles_x) * TILE;
  r->width = MIN (TILE, m->width - r->x);
  r->height = MIN (TILE, m->height - r->y);
}

static void
rect_union (SkcPaintRect *acc, const SkcPaintRect *r)
{
  if (!acc || r->width <= 0 || r->height <= 0)
    return;
  if (acc->width <= 0 || acc->height <= 0)
    {
      *acc = *r;
      return;
    }
  int x1 = MAX (acc->x + acc->width, r->x + r->width);
  int y1 = MAX (acc->y + acc->height, r->y + r->height);
  acc->x = MIN (acc->x, r->x);
  acc->y = MIN (acc->y, r->y);
  acc->width = x1 - acc->x;
  acc->height = y1 - acc->y;
}

/* Copies tile t out of the map into buf (packed rows), or back in. */
static void
tile_copy (SkcPaintMap *m, guint t, float *buf, gboolean into_map)
{
  SkcPaintRect r;
  tile_rect (m, t, &r);
  for (int y = 0; y < r.height; y++)
    {
      float *row = m->data + (gsize) (r.y + y) * m->width + r.x;
      float *b = buf + (gsize) y * r.width;
      if (into_map)
        memcpy (row, b, sizeof (float) * r.width);
      else
        memcpy (b, row, sizeof (float) * r.width);
    }
}

static gsize
tile_values (const SkcPaintMap *m, guint t)
{
  SkcPaintRect r;
  tile_rect (m, t, &r);
  return (gsize) r.width * r.height;
}

static void
step_free (gpointer data)
{
  Step *s = data;
  for (guint i = 0; i < s->n; i++)
    g_free (s->data[i]);
  g_free (s->data);
  g_free (s->tiles);
  g_free (s);
}

static void
history_clear (GQueue *q, SkcPaintMap *m)
{
  Step *s;
  while ((s = g_queue_pop_head (q)))
    {
      m->history_bytes -= s->bytes;
      step_free (s);
    }
}

/* Drops the open step's bookkeeping (not its edits). */
static void
open_step_clear (SkcPaintMap *m)
{
  guint n = (guint) m->tiles_x * m->tiles_y;
  for (guint t = 0; t < n; t++)
    {
      g_clear_pointer (&m->orig[t], g_free);
      g_clear_pointer (&m->cover[t], g_free);
    }
  m->open = FALSE;
}

SkcPaintMap *
skc_paint_map_new (int width, int height)
{
  g_return_val_if_fail (width > 0 && height > 0, NULL);
  SkcPaintMap *m = g_new0 (SkcPaintMap, 1);
  m->width = width;
  m->height = height;
  m->tiles_x = (width + TILE - 1) / TILE;
  m->tiles_y = (height + TILE - 1) / TILE;
  m->data = g_new0 (float, (gsize) width *height);
  m->orig = g_new0 (float *, (gsize) m->tiles_x * m->tiles_y);
  m->cover = g_new0 (float *, (gsize) m->tiles_x * m->tiles_y);
  g_queue_init (&m->undo);
  g_queue_init (&m->redo);
  m->history_limit = (gsize) 256 << 20;
  return m;
}

void
skc_paint_map_free (SkcPaintMap *m)
{
  if (!m)
    return;
  open_step_clear (m);
  history_clear (&m->undo, m);
  history_clear (&m->redo, m);
  g_free (m->orig);
  g_free (m->cover);
  g_free (m->data);
  g_free (m);
}

int
skc_paint_map_width (const SkcPaintMap *m)
{
  return m->width;
}

int
skc_paint_map_height (const SkcPaintMap *m)
{
  return m->height;
}

const float *
skc_paint_map_data (const SkcPaintMap *m)
{
  return m->data;
}

void
skc_paint_map_load (SkcPaintMap *m, const float *values)
{
  open_step_clear (m);
  history_clear (&m->undo, m);
  history_clear (&m->redo, m);
  gsize n = (gsize) m->width * m->height;
  for (gsize i = 0; i < n; i++)
    m->data[i] = isnan (values[i]) ? 0.0f : CLAMP (values[i], 0.0f, 1.0f);
}

void
skc_paint_map_begin (SkcPaintMap *m)
{
  if (m->open)
    skc_paint_map_end (m);
  m->open = TRUE;
}

static void
history_trim (SkcPaintMap *m)
{
  while (m->history_bytes > m->history_limit && m->undo.length > 1)
    {
      Step *s = g_queue_pop_tail (&m->undo);
      m->history_bytes -= s->bytes;
      step_free (s);
    }
}

gboolean
skc_paint_map_end (SkcPaintMap *m)
{
  if (!m->open)
    return FALSE;
  /* Keep the touched tiles that really changed: a stroke that painted a
     value over itself is no step. */
  guint n = (guint) m->tiles_x * m->tiles_y;
  GArray *tiles = g_array_new (FALSE, FALSE, sizeof (guint));
  float *now = g_new (float, TILE *TILE);
  for (guint t = 0; t < n; t++)
    if (m->orig[t])
      {
        tile_copy (m, t, now, FALSE);
        if (memcmp (now, m->orig[t], sizeof (float) * tile_values (m, t)))
          g_array_append_val (tiles, t);
      }
  g_free (now);
  gboolean changed = tiles->len > 0;
  if (changed)
    {
      Step *s = g_new0 (Step, 1);
      s->n = tiles->len;
      s->tiles = (guint *) g_array_free (tiles, FALSE);
      s->data = g_new (float *, s->n);
      for (guint i = 0; i < s->n; i++)
        {
          s->data[i] = g_steal_pointer (&m->orig[s->tiles[i]]);
          s->bytes += sizeof (float) * tile_values (m, s->tiles[i]);
        }
      history_clear (&m->redo, m);
      g_queue_push_head (&m->undo, s);
      m->history_bytes += s->bytes;
      history_trim (m);
    }
  else
    g_array_free (tiles, TRUE);
  open_step_clear (m);
  return changed;
}

/* Remembers tile t as it was before the open step touched it. */
static void
save_tile (SkcPaintMap *m, guint t)
{
  if (!m->open)
    skc_paint_map_begin (m);
  if (!m->orig[t])
    {
      m->orig[t] = g_new (float, tile_values (m, t));
      tile_copy (m, t, m->orig[t], FALSE);
    }
}

static void
save_all (SkcPaintMap *m)
{
  guint n = (guint) m->tiles_x * m->tiles_y;
  for (guint t = 0; t < n; t++)
    save_tile (m, t);
}

/* How much of a dab of radius r reaches distance d from its centre; the
   edge always eases over at least a pixel so that hard brushes are
   antialiased. */
static inline float
dab_coverage (double d, double r, double inner)
{
  if (d <= inner)
    return 1.0f;
  if (d >= r)
    return 0.0f;
  double t = (r - d) / (r - inner);
  return (float) (t * t * (3.0 - 2.0 * t));
}

void
skc_paint_map_dab (SkcPaintMap *m, double cx, double cy, double radius,
                   double hardness, float value, SkcPaintRect *changed)
{
  double r = MAX (radius, 0.5);
  double inner = MIN (CLAMP (hardness, 0.0, 1.0) * r, r - 1.0);
  inner = MAX (inner, 0.0);
  value = CLAMP (value, 0.0f, 1.0f);
  int x0 = MAX (0, (int) floor (cx - r));
  int x1 = MIN (m->width, (int) ceil (cx + r));
  int y0 = MAX (0, (int) floor (cy - r));
  int y1 = MIN (m->height, (int) ceil (cy + r));
  if (x0 >= x1 || y0 >= y1)
    return;
  for (int ty = y0 / TILE; ty <= (y1 - 1) / TILE; ty++)
    for (int tx = x0 / TILE; tx <= (x1 - 1) / TILE; tx++)
      {
        guint t = (guint) (ty * m->tiles_x + tx);
        SkcPaintRect tr;
        tile_rect (m, t, &tr);
        int ya = MAX (y0, tr.y), yb = MIN (y1, tr.y + tr.height);
        int xa = MAX (x0, tr.x), xb = MIN (x1, tr.x + tr.width);
        for (int y = ya; y < yb; y++)
          {
            double dy = y + 0.5 - cy;
            for (int x = xa; x < xb; x++)
              {
                double dx = x + 0.5 - cx;
                float a = dab_coverage (sqrt (dx * dx + dy * dy), r, inner);
                if (a <= 0.0f)
                  continue;
                save_tile (m, t);
                if (!m->cover[t])
                  m->cover[t] = g_new0 (float, tile_values (m, t));
                gsize i = (gsize) (y - tr.y) * tr.width + (x - tr.x);
                float *c = &m->cover[t][i];
                if (a <= *c)
                  continue;
                *c = a;
                /* As a blend, so that a = 1 gives the value exactly. */
                m->data[(gsize) y * m->width + x]
                    = m->orig[t][i] * (1.0f - a) + value * a;
              }
          }
      }
  SkcPaintRect box = { x0, y0, x1 - x0, y1 - y0 };
  rect_union (changed, &box);
}

void
skc_paint_map_segment (SkcPaintMap *m, double x0, double y0, double x1,
                       double y1, double radius, double hardness, float value,
                       SkcPaintRect *changed)
{
  /* Dabs a seventh of the radius apart: closer changes nothing visible,
     further shows beads on soft brushes. */
  double spacing = MAX (0.25, radius / 7.0);
  double length = hypot (x1 - x0, y1 - y0);
  int n = MAX (1, (int) ceil (length / spacing));
  for (int i = 1; i <= n; i++)
    {
      double t = (double) i / n;
      skc_paint_map_dab (m, x0 + t * (x1 - x0), y0 + t * (y1 - y0), radius,
                         hardness, value, changed);
    }
}

void
skc_paint_map_band (SkcPaintMap *m, double x0, double y0, double x1, double y1,
                    double width, double ramp)
{
  double len = hypot (x1 - x0, y1 - y0);
  /* The unit normal of the line. */
  double nx = len > 1e-9 ? -(y1 - y0) / len : 0.0;
  double ny = len > 1e-9 ? (x1 - x0) / len : 1.0;
  double half = MAX (width, 0.0) / 2.0;
  save_all (m);
  for (int y = 0; y < m->height; y++)
    {
      float *row = m->data + (gsize) y * m->width;
      double base = (y + 0.5 - y0) * ny;
      for (int x = 0; x < m->width; x++)
        {
          double d = fabs ((x + 0.5 - x0) * nx + base) - half;
          row[x] = d <= 0.0    ? 0.0f
                   : ramp <= 0 ? 1.0f
                               : (float) MIN (1.0, d / ramp);
        }
    }
}

void
skc_paint_map_radial (SkcPaintMap *m, double cx, double cy, double radius)
{
  save_all (m);
  for (int y = 0; y < m->height; y++)
    {
      float *row = m->data + (gsize) y * m->width;
      double dy = y + 0.5 - cy;
      for (int x = 0; x < m->width; x++)
        {
          double dx = x + 0.5 - cx;
          if (radius > 0)
            row[x] = (float) MIN (1.0, sqrt (dx * dx + dy * dy) / radius);
          else
            row[x]
                = x == (int) floor (cx) && y == (int) floor (cy) ? 0.0f : 1.0f;
        }
    }
}

void
skc_paint_map_fill (SkcPaintMap *m, float value)
{
  value = CLAMP (value, 0.0f, 1.0f);
  save_all (m);
  gsize n = (gsize) m->width * m->height;
  for (gsize i = 0; i < n; i++)
    m->data[i] = value;
}

void
skc_paint_map_invert (SkcPaintMap *m)
{
  save_all (m);
  gsize n = (gsize) m->width * m->height;
  for (gsize i = 0; i < n; i++)
    m->data[i] = 1.0f - m->data[i];
}

/* Moves the newest step of `from` to `to`, swapping its tiles with the
   map's. */
static gboolean
history_move (SkcPaintMap *m, GQueue *from, GQueue *to, SkcPaintRect *changed)
{
  if (m->open)
    skc_paint_map_end (m);
  Step *s = g_queue_pop_head (from);
  if (changed)
    changed->width = changed->height = 0;
  if (!s)
    return FALSE;
  float *now = g_new (float, TILE *TILE);
  for (guint i = 0; i < s->n; i++)
    {
      SkcPaintRect r;
      tile_copy (m, s->tiles[i], now, FALSE);
      tile_copy (m, s->tiles[i], s->data[i], TRUE);
      memcpy (s->data[i], now, sizeof (float) * tile_values (m, s->tiles[i]));
      tile_rect (m, s->tiles[i], &r);
      rect_union (changed, &r);
    }
  g_free (now);
  g_queue_push_head (to, s);
  return TRUE;
}

gboolean
skc_paint_map_undo (SkcPaintMap *m, SkcPaintRect *changed)
{
  return history_move (m, &m->undo, &m->redo, changed);
}

gboolean
skc_paint_map_redo (SkcPaintMap *m, SkcPaintRect *changed)
{
  return history_move (m, &m->redo, &m->undo, changed);
}

gboolean
skc_paint_map_can_undo (const SkcPaintMap *m)
{
  return m->undo.length > 0 || m->open;
}

gboolean
skc_paint_map_can_redo (const SkcPaintMap *m)
{
  return m->redo.length > 0;
}

void
skc_paint_map_set_history_limit (SkcPaintMap *m, gsize bytes)
{
  m->history_limit = bytes;
  history_trim (m);
}
