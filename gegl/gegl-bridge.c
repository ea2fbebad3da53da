/* skc — GEGL buffers in and out of the core's apply path (see
 * gegl-bridge.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "gegl-bridge.h"

#include <string.h>

skc_result
skc_gegl_engine_new (const skc_params *params, gboolean with_map,
                     const skc_run *run, skc_engine **out, skc_error *err)
{
  skc_params p = *params;
  SkcGeglShapeFile file = { 0 };
  skc_result r = SKC_OK;
  if (p.shape.kind == SKC_SHAPE_FILE)
    {
      r = skc_gegl_shape_file_load (params->shape.path,
                                    SKC_GEGL_WANT_IMAGE_OR_FILTER, &file, err);
      /* The file replaces the shape. */
      skc_shape_init (&p.shape);
      skc_gegl_shape_file_use (&file, &p);
    }
  if (r == SKC_OK)
    r = skc_engine_new (&p, with_map ? 1 : 0, run, out, err);
  skc_gegl_shape_file_clear (&file);
  return r;
}

const Babl *
skc_gegl_map_format (const Babl *space, gboolean linear)
{
  return babl_format_with_space (linear ? "Y float" : "Y' float", space);
}

void
skc_gegl_map_read (GeglBuffer *map, const GeglRectangle *rect, gboolean linear,
                   gfloat *out)
{
  const Babl *space = babl_format_get_space (gegl_buffer_get_format (map));
  /* Outside the map reads as 0, the map's convention. */
  gegl_buffer_get (map, rect, 1.0, skc_gegl_map_format (space, linear), out,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
}

/* One copy between a GEGL buffer and a float array covering `rect`: rows
 * are shared among GEGL's threads, because a single thread copying a
 * whole image costs as much as a good part of the blur. */
typedef struct
{
  GeglBuffer *buffer;
  const GeglRectangle *rect;
  const Babl *format;
  gfloat *pixels;
  gint channels;
  gint level; /* rect is in the coordinates of this mipmap level */
  gboolean write;
} RowCopy;

static void
copy_rows (gsize first, gsize count, gpointer data)
{
  const RowCopy *c = data;
  GeglRectangle rows
      = { c->rect->x, c->rect->y + (gint) first, c->rect->width, (gint) count };
  gint stride = (gint) (c->rect->width * c->channels * sizeof (gfloat));
  gfloat *start = c->pixels + first * (gsize) c->rect->width * c->channels;
  if (c->write)
    gegl_buffer_set (c->buffer, &rows, c->level, c->format, start, stride);
  else
    /* Pixels outside the buffer read as 0 (the map's convention).  At a
       level, a scale of 2^-level reads that level's tiles (GEGL's
       mipmap: 2x2 box averages, level by level). */
    gegl_buffer_get (c->buffer, &rows, 1.0 / (1 << c->level), c->format, start,
                     stride, GEGL_ABYSS_NONE);
}

static void
copy_parallel (GeglBuffer *buffer, const GeglRectangle *rect, gint level,
               const Babl *format, gfloat *pixels, gint channels,
               gboolean write)
{
  RowCopy copy = { buffer, rect, format, pixels, channels, level, write };
  /* A thread is worth it for a few hundred kilopixels. */
  gdouble row_cost = 65536.0 / MAX (rect->width, 1);
  gegl_parallel_distribute_range ((gsize) rect->height, row_cost, copy_rows,
                                  &copy);
}

void
skc_gegl_copy_at_level (GeglBuffer *from, GeglBuffer *to,
                        const GeglRectangle *rect, gint level,
                        const Babl *format)
{
  if (level == 0)
    {
      gegl_buffer_copy (from, rect, GEGL_ABYSS_NONE, to, rect);
      return;
    }
  gint channels = babl_format_get_n_components (format);
  gfloat *pixels
      = g_try_new (gfloat, (gsize) rect->width * rect->height * channels);
  if (!pixels)
    return;
  copy_parallel (from, rect, level, format, pixels, channels, FALSE);
  copy_parallel (to, rect, level, format, pixels, channels, TRUE);
  g_free (pixels);
}

/* Output rows per engine call.  The image is worked down in bands so that
 * the arrays are a band (plus margins) rather than the whole image twice:
 * they are allocated once and stay mapped, which saves the page faults
 * and frees that otherwise cost about as much as a small blur.  Results do
 * not depend on the cut; a power-of-two multiple of 256 rows, well above
 * the reach, keeps the cuts on the engine's own tile grid. */
static gint
band_rows (gint reach, gint height)
{
  gint rows = 256;
  while (rows < 1024 || rows < 8 * reach)
    rows *= 2;
  return MIN (rows, height);
}

skc_result
skc_gegl_blur (const skc_engine *engine, GeglBuffer *input, GeglBuffer *map,
               GeglBuffer *output, const Babl *format, const Babl *map_format,
               const GeglRectangle *image, const GeglRectangle *roi, gint level,
               const skc_run *run, SkcGeglProgress progress,
               gpointer progress_data, skc_error *err)
{
  gint reach = skc_engine_reach (engine);
  /* An engine that blurs whole images only (a subject) reads all of it, in
     one band. */
  gboolean whole = skc_engine_needs_whole_image (engine);
  if (whole)
    reach = MAX (image->width, image->height);
  GeglRectangle region = { roi->x - reach, roi->y - reach,
                           roi->width + 2 * reach, roi->height + 2 * reach };
  gegl_rectangle_intersect (&region, &region, image);
  if (roi->width < 1 || roi->height < 1)
    return SKC_OK;

  const gint channels = 4;
  gint band = whole ? roi->height : band_rows (reach, roi->height);
  gint window = MIN (band + 2 * reach, region.height);
  gsize in_row = (gsize) region.width * channels;
  gfloat *in_pixels = g_try_new (gfloat, in_row * window);
  gfloat *out_pixels = g_try_new (gfloat, (gsize) roi->width * channels * band);
  gfloat *map_pixels
      = map ? g_try_new (gfloat, (gsize) region.width * window) : NULL;
  skc_result r = SKC_OK;
  if (!in_pixels || !out_pixels || (map && !map_pixels))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory for a %dx%d band",
                  region.width, window);

  /* The window holds input (and map) rows have_y0 .. have_y1 - 1. */
  gint have_y0 = region.y, have_y1 = region.y;
  for (gint y = roi->y; r == SKC_OK && y < roi->y + roi->height; y += band)
    {
      GeglRectangle out_rect
          = { roi->x, y, roi->width, MIN (band, roi->y + roi->height - y) };
      gint y0 = MAX (y - reach, region.y);
      gint y1 = MIN (out_rect.y + out_rect.height + reach,
                     region.y + region.height);
      /* Rows the last band read and this one needs move up, not reread. */
      gint kept = have_y1 > y0 ? have_y1 - y0 : 0;
      if (kept > 0)
        {
          memmove (in_pixels, in_pixels + (gsize) (y0 - have_y0) * in_row,
                   kept * in_row * sizeof (gfloat));
          if (map)
            memmove (map_pixels,
                     map_pixels + (gsize) (y0 - have_y0) * region.width,
                     (gsize) kept * region.width * sizeof (gfloat));
        }
      GeglRectangle fresh
          = { region.x, y0 + kept, region.width, y1 - y0 - kept };
      if (fresh.height > 0)
        {
          copy_parallel (input, &fresh, level, format,
                         in_pixels + kept * in_row, channels, FALSE);
          if (map)
            copy_parallel (map, &fresh, level, map_format,
                           map_pixels + (gsize) kept * region.width, 1, FALSE);
        }
      have_y0 = y0;
      have_y1 = y1;

      skc_apply_request request = {
        .image_width = image->width,
        .image_height = image->height,
        .channels = channels,
        .alpha = 3,
        .input = { in_pixels, in_row, region.x - image->x, y0 - image->y,
                   region.width, y1 - y0 },
        .map = { map_pixels, (size_t) region.width, region.x - image->x,
                 y0 - image->y, region.width, y1 - y0 },
        .output
        = { out_pixels, (size_t) roi->width * channels, out_rect.x - image->x,
            out_rect.y - image->y, out_rect.width, out_rect.height },
      };
      r = skc_engine_process (engine, &request, run, err);
      if (r == SKC_OK)
        copy_parallel (output, &out_rect, level, format, out_pixels, channels,
                       TRUE);
      if (r == SKC_OK && progress
          && !progress ((gdouble) (out_rect.y + out_rect.height - roi->y)
                            / roi->height,
                        progress_data))
        r = skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
    }

  g_free (in_pixels);
  g_free (out_pixels);
  g_free (map_pixels);
  return r;
}

gchar *
skc_gegl_params_key (const skc_params *params)
{
  const skc_param_info *table = skc_param_table ();
  GString *key = g_string_new (NULL);
  for (gint i = 0; i < SKC_PARAM_COUNT; i++)
    g_string_append_printf (key, "%s%s=%.17g", i ? "|" : "", table[i].name,
                            skc_param_get (params, &table[i]));
  return g_string_free (key, FALSE);
}

SkcGeglSharedEngine *
skc_gegl_shared_engine_new (skc_engine *engine, const gchar *key)
{
  SkcGeglSharedEngine *shared = g_atomic_rc_box_new0 (SkcGeglSharedEngine);
  shared->engine = engine;
  shared->key = g_strdup (key);
  return shared;
}

SkcGeglSharedEngine *
skc_gegl_shared_engine_acquire (SkcGeglSharedEngine *shared)
{
  return g_atomic_rc_box_acquire (shared);
}

static void
shared_engine_clear (gpointer data)
{
  SkcGeglSharedEngine *shared = data;
  skc_engine_free (shared->engine);
  g_free (shared->key);
}

void
skc_gegl_shared_engine_release (SkcGeglSharedEngine *shared)
{
  if (shared)
    g_atomic_rc_box_release_full (shared, shared_engine_clear);
}
