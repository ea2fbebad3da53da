/* skc — GEGL buffers in and out of the core's apply path (see
 * gegl-bridge.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "gegl-bridge.h"

#include <string.h>

skc_result
skc_gegl_engine_new (const skc_params *params, gboolean with_map,
                     const float *map_values, int count, const skc_run *run,
                     skc_engine **out, skc_error *err)
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
    r = with_map ? skc_engine_new_for_map (&p, map_values, count, run, out, err)
                 : skc_engine_new (&p, 0, run, out, err);
  skc_gegl_shape_file_clear (&file);
  return r;
}

int
skc_gegl_map_codes (const Babl *source, const Babl *map_format,
                    float values[256])
{
  if (!source || babl_format_get_type (source, 0) != babl_type ("u8"))
    return 0;
  const char *model = babl_get_name (babl_format_get_model (source));
  int n = babl_format_get_n_components (source);
  if (!(model[0] == 'Y' || model[0] == 'R') || n < 1 || n > 4
      || babl_format_get_bytes_per_pixel (source) != n)
    return 0;
  /* Grey pixels of an RGB(A) or Y(A) model read as the grey model of the
     same encoding reads them (up to a float's last bit, which the engine
     rounds to the nearest code's radius): the codes are taken from that
     grey model, so that one map gives one list of values whether it lies
     in a grey file or in an RGB layer. */
  const char *grey = strchr (model, '\'')  ? "Y' u8"
                     : strchr (model, '~') ? "Y~ u8"
                                           : "Y u8";
  const Babl *from
      = babl_format_with_space (grey, babl_format_get_space (source));
  guint8 codes[256];
  for (int k = 0; k < 256; k++)
    codes[k] = (guint8) k;
  babl_process (babl_fish (from, map_format), codes, values, 256);
  return 256;
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

/* One spare blur-map array kept between calls, so that a whole-image
 * render does not fault in a fresh one each time: the copy into it takes
 * 7 ms at 24 MP, faulting its 96 MB in 0.05-0.14 s (GEGL op, map R 150:
 * a tenth of the blur).  Kept up to SPARE_MAP_MAX values (256 MB); a
 * call that finds it taken, or too small, makes its own. */
#define SPARE_MAP_MAX ((gsize) 64 << 20)
static GMutex spare_map_lock;
static gfloat *spare_map;
static gsize spare_map_count;

static gfloat *
map_array_take (gsize count, gsize *capacity)
{
  gfloat *array = NULL;
  g_mutex_lock (&spare_map_lock);
  if (spare_map && spare_map_count >= count)
    {
      array = spare_map;
      *capacity = spare_map_count;
      spare_map = NULL;
    }
  g_mutex_unlock (&spare_map_lock);
  if (!array)
    {
      array = g_try_new (gfloat, count);
      *capacity = count;
    }
  return array;
}

static void
map_array_give_back (gfloat *array, gsize capacity)
{
  if (array && capacity <= SPARE_MAP_MAX)
    {
      g_mutex_lock (&spare_map_lock);
      if (!spare_map || spare_map_count < capacity)
        {
          gfloat *old = spare_map;
          spare_map = array;
          spare_map_count = capacity;
          array = old;
        }
      g_mutex_unlock (&spare_map_lock);
    }
  g_free (array);
}

/* The engine's pixels on demand, straight from and to GEGL's tiles: each
 * of its tiles reads what it needs and writes what it made, converted by
 * babl on the way, so that no copy of the region (or of the image, for
 * large reaches) is ever held.  Called from the engine's threads. */
typedef struct
{
  GeglBuffer *input, *output;
  const Babl *format;
  gint level;
  gint x, y; /* the image's origin: the engine's coordinates start there */
  SkcGeglProgress progress;
  gpointer progress_data;
} PixelIo;

static int
read_pixels (void *data, int x, int y, int width, int height, float *dst,
             size_t stride)
{
  const PixelIo *io = data;
  GeglRectangle rect = { io->x + x, io->y + y, width, height };
  /* At a level, a scale of 2^-level reads that level's tiles (GEGL's
     mipmap: 2x2 box averages, level by level). */
  gegl_buffer_get (io->input, &rect, 1.0 / (1 << io->level), io->format, dst,
                   (gint) (stride * sizeof (float)), GEGL_ABYSS_NONE);
  return 1;
}

static int
write_pixels (void *data, int x, int y, int width, int height, const float *src,
              size_t stride)
{
  const PixelIo *io = data;
  GeglRectangle rect = { io->x + x, io->y + y, width, height };
  gegl_buffer_set (io->output, &rect, io->level, io->format, src,
                   (gint) (stride * sizeof (float)));
  return 1;
}

static int
report_progress (void *data, double done)
{
  const PixelIo *io = data;
  return io->progress (done, io->progress_data);
}

skc_result
skc_gegl_blur (const skc_engine *engine, GeglBuffer *input, GeglBuffer *map,
               GeglBuffer *output, const Babl *format, const Babl *map_format,
               const GeglRectangle *image, const GeglRectangle *roi, gint level,
               const skc_run *run, SkcGeglProgress progress,
               gpointer progress_data, skc_error *err)
{
  if (roi->width < 1 || roi->height < 1)
    return SKC_OK;
  gint reach = skc_engine_reach (engine);
  GeglRectangle region = { roi->x - reach, roi->y - reach,
                           roi->width + 2 * reach, roi->height + 2 * reach };
  gegl_rectangle_intersect (&region, &region, image);

  /* The map alone is held, one value a pixel of the input region: the
     engine reads it per pixel. */
  gfloat *map_pixels = NULL;
  gsize map_capacity = 0;
  if (map)
    {
      map_pixels = map_array_take ((gsize) region.width * region.height,
                                   &map_capacity);
      if (!map_pixels)
        return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                         "out of memory for a %dx%d blur map", region.width,
                         region.height);
      copy_parallel (map, &region, level, map_format, map_pixels, 1, FALSE);
    }
  PixelIo io = { input,    output,   format,   level,
                 image->x, image->y, progress, progress_data };
  skc_apply_request request = {
    .image_width = image->width,
    .image_height = image->height,
    .channels = 4,
    .alpha = 3,
    .straight_alpha = !(babl_get_model_flags (babl_format_get_model (format))
                        & BABL_MODEL_FLAG_ASSOCIATED),
    .input = { NULL, 0, region.x - image->x, region.y - image->y, region.width,
               region.height },
    .map = { map_pixels, (size_t) region.width, region.x - image->x,
             region.y - image->y, region.width, region.height },
    .output = { NULL, 0, roi->x - image->x, roi->y - image->y, roi->width,
                roi->height },
    .io = { read_pixels, write_pixels, &io },
  };
  skc_run with_progress = { 0 };
  if (run)
    with_progress = *run;
  if (progress)
    {
      with_progress.progress = report_progress;
      with_progress.progress_data = &io;
    }
  skc_result r = skc_engine_process (engine, &request, &with_progress, err);
  map_array_give_back (map_pixels, map_capacity);
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
