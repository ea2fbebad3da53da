/* skc — the bridge between GEGL buffers and the core's apply path, shared
 * by the GEGL operation and the GIMP plug-ins (so that both blur through
 * the very same calls as `skc apply`).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_BRIDGE_H
#define SKC_GEGL_BRIDGE_H

#include <gegl.h>

#include "skc/skc.h"
#include "files.h"

G_BEGIN_DECLS

/* The engine for `params`, where a shape of kind SKC_SHAPE_FILE names a
 * fitted `.skc` filter or a weight image (skc_gegl_shape_file_load, in
 * the plug-ins' words); with a map that holds only `count` values
 * (`map_values`, skc_engine_new_for_map; NULL or 0: any).  Fits what the
 * fit cache lacks; may take seconds on a cold cache.  The engine keeps
 * none of the caller's pointers. */
skc_result skc_gegl_engine_new (const skc_params *params, gboolean with_map,
                                const float *map_values, int count,
                                const skc_run *run, skc_engine **out,
                                skc_error *err);

/* The values a blur map in `source` format holds, read in `map_format`
 * (one float), where its pixels are grey (equal R, G, B, or a grey
 * model) and 8 bits deep: its 256 codes' values, into `values`; how many
 * (256), or 0 for any other format (more than 8 bits, another model). */
int skc_gegl_map_codes (const Babl *source, const Babl *map_format,
                        float values[256]);

/* How a blur map is read: perceptual luminance Y' (linear Y when
 * `linear`, the map-linear parameter) in `space`, the map's own colour
 * space. */
/* A built engine shared between threads (a GEGL op's regions, a preview's
 * jobs) with the settings key it was built for: reference-counted, so that
 * a call still using it survives a rebuild on another thread. */
typedef struct
{
  skc_engine *engine;
  gchar *key;
} SkcGeglSharedEngine;

/* Takes engine over; key is copied (NULL allowed).  Thread-safe. */
SkcGeglSharedEngine *skc_gegl_shared_engine_new (skc_engine *engine,
                                                 const gchar *key);
SkcGeglSharedEngine *
skc_gegl_shared_engine_acquire (SkcGeglSharedEngine *shared);
/* NULL allowed; the last release frees the engine. */
void skc_gegl_shared_engine_release (SkcGeglSharedEngine *shared);

/* Every row of the parameter table in p, exactly, as one string: a part
 * of the keys under which the op and the preview keep a built engine. */
gchar *skc_gegl_params_key (const skc_params *params);

const Babl *skc_gegl_map_format (const Babl *space, gboolean linear);

/* Reads `rect` of a blur map buffer (in the map's coordinates) as
 * skc_gegl_map_format says, into out (rect->width values a row); pixels
 * outside the map read as 0. */
void skc_gegl_map_read (GeglBuffer *map, const GeglRectangle *rect,
                        gboolean linear, gfloat *out);

/* Called now and then on the thread that called skc_gegl_blur with the
 * fraction done; returning FALSE cancels. */
typedef gboolean (*SkcGeglProgress) (gdouble fraction, gpointer data);

/* Blurs `roi` of `input` into `output` (which may be another buffer with
 * the same coordinates, such as a GIMP shadow buffer).  `image` is the
 * input's whole extent: the engine's coordinates (swirl and cat-eye
 * centres, the pyramid grid) come from it, never from roi.  Pixels are
 * read and written in `format`, which must be a linear RGBA float format,
 * straight ("RGBA float" in some space: then read without a conversion
 * from a buffer that has it) or premultiplied ("RaGaBaA float").  `map`, when
 * the engine was made with a map, is read in `map_format` (1 channel float)
 * with the same coordinates as `input`; pixels outside it count as 0.
 * At a `level` above 0 (GEGL's mipmap levels, for zoomed-out previews)
 * `image` and `roi` are in that level's coordinates (level-0 ones scaled
 * by 2^-level), the buffers are read and written at that level, and the
 * engine is one made for the level (its radius scaled likewise).
 * `run` gives the engine's threads (and may cancel, as progress may).
 * Pixels are read and written straight from and to the buffers' tiles as
 * the engine's tiles need them (only a map is held in memory).  On error
 * or cancel the output may hold some finished tiles: callers that must
 * not show them write into a buffer they can drop. */
skc_result skc_gegl_blur (const skc_engine *engine, GeglBuffer *input,
                          GeglBuffer *map, GeglBuffer *output,
                          const Babl *format, const Babl *map_format,
                          const GeglRectangle *image, const GeglRectangle *roi,
                          gint level, const skc_run *run,
                          SkcGeglProgress progress, gpointer progress_data,
                          skc_error *err);

/* Copies `rect` of `from` into `to` at mipmap `level` (rect in that
 * level's pixels), in `format` (float components): where an op passes its
 * input through. */
void skc_gegl_copy_at_level (GeglBuffer *from, GeglBuffer *to,
                             const GeglRectangle *rect, gint level,
                             const Babl *format);

G_END_DECLS

#endif
