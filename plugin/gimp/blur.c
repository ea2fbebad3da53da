/* skc — blurring a GIMP drawable (see blur.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "blur.h"

#include <string.h>

/* The map's values on the drawable's own pixel grid: a float buffer of the
 * drawable's extent, 0 where the map does not reach. */
static GeglBuffer *
aligned_map (const SkcGimpJob *job, const Babl *format)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (job->source);
  GeglBuffer *aligned = gegl_buffer_new (extent, format);
  GeglRectangle from = { extent->x + job->map_dx, extent->y + job->map_dy,
                         extent->width, extent->height };
  if (gegl_rectangle_intersect (&from, &from,
                                gegl_buffer_get_extent (job->map)))
    {
      GeglRectangle to = { from.x - job->map_dx, from.y - job->map_dy,
                           from.width, from.height };
      gegl_buffer_copy (job->map, &from, GEGL_ABYSS_NONE, aligned, &to);
    }
  return aligned;
}

gboolean
skc_gimp_map_stored_linear (const Babl *format)
{
  const char *model = babl_get_name (babl_format_get_model (format));
  return !strchr (model, '\'') && !strchr (model, '~');
}

skc_result
skc_gimp_blur (const SkcGimpSettings *settings, const SkcGimpJob *job,
               SkcGeglProgress progress, gpointer progress_data, skc_error *err)
{
  skc_params params;
  skc_preset *preset = NULL;
  skc_result r = skc_gimp_settings_to_params (settings, &params, &preset, err);
  if (r != SKC_OK)
    return r;
  skc_run run = { .threads = (int) g_get_num_processors () };

  /* Linear light, straight colour (the core premultiplies as it reads), in
     the drawable's colour space. */
  const Babl *space
      = babl_format_get_space (gegl_buffer_get_format (job->source));
  const Babl *format = babl_format_with_space ("RGBA float", space);
  const Babl *map_stored = job->map ? gegl_buffer_get_format (job->map) : NULL;
  gboolean linear = params.map_linear;
  if (map_stored && job->map_raw)
    linear = skc_gimp_map_stored_linear (map_stored);
  const Babl *map_format = skc_gegl_map_format (
      map_stored ? babl_format_get_space (map_stored) : space, linear);

  /* An 8-bit map holds its 256 codes' values at most: the engine fits its
     kernels at exactly their radii, as the GEGL op and `skc apply` do. */
  float codes[256];
  int count
      = map_stored ? skc_gegl_map_codes (map_stored, map_format, codes) : 0;
  skc_engine *engine = NULL;
  r = skc_gegl_engine_new (&params, job->map != NULL, codes, count, &run,
                           &engine, err);
  skc_preset_free (preset);
  if (r != SKC_OK)
    return r;
  GeglBuffer *map = job->map ? aligned_map (job, map_format) : NULL;

  /* The engine's threads read and write its buffers as its tiles need
     them; a plug-in's drawable buffers talk to GIMP over one pipe and
     take one thread only: copies in memory (in the drawable's own format)
     are read and written instead, the copies made on this thread. */
  const GeglRectangle *extent = gegl_buffer_get_extent (job->source);
  GeglBuffer *source
      = gegl_buffer_new (extent, gegl_buffer_get_format (job->source));
  GeglBuffer *target
      = gegl_buffer_new (&job->roi, gegl_buffer_get_format (job->target));
  /* Only what the blur reads: the region grown by the engine's reach. */
  gint reach = skc_engine_reach (engine);
  GeglRectangle read
      = { job->roi.x - reach, job->roi.y - reach, job->roi.width + 2 * reach,
          job->roi.height + 2 * reach };
  gegl_rectangle_intersect (&read, &read, extent);
  gegl_buffer_copy (job->source, &read, GEGL_ABYSS_NONE, source, &read);
  r = skc_gegl_blur (engine, source, map, target, format, map_format, extent,
                     &job->roi, 0, &run, progress, progress_data, err);
  if (r == SKC_OK)
    {
      gegl_buffer_copy (target, &job->roi, GEGL_ABYSS_NONE, job->target,
                        &job->roi);
      gegl_buffer_flush (job->target);
    }
  g_object_unref (source);
  g_object_unref (target);
  g_clear_object (&map);
  skc_engine_free (engine);
  return r;
}
