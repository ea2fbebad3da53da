/* skc — what the module's operations share: each instance's engine, built
 * from its properties (the parameter table's rows, a kernel file, a
 * preset) and kept while they stay the same (the last few engines are
 * shared by every instance), and the region functions of an op that
 * computes the regions asked for, each from its input grown by the
 * engine's reach.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_OP_ENGINE_H
#define SKC_OP_ENGINE_H

#include <gegl-plugin.h>

#include "gegl-bridge.h"
#include "skc/skc.h"

G_BEGIN_DECLS

/* What an op holds besides the table's rows. */
typedef struct
{
  const gchar *kernel_file; /* replaces the shape when not empty */
  const gchar *shape_data;  /* replaces both when not empty (shape-data.h) */
  const gchar *filter_data; /* a .skc filter's bytes: replaces the shape
                               and the kernel file when not empty (and
                               shape_data is) */
  const gchar *preset;      /* fills rows left at their defaults */
  gboolean with_map;        /* a blur map is connected */
  const Babl *map_source;   /* its source's format (NULL: unknown) */
} SkcOpSources;

/* How an op reads its sources from its properties (and pads). */
typedef SkcOpSources (*SkcOpSourcesOf) (GeglOperation *op);

/* Installs what the module's ops share in an op's class: each instance's
 * state (made on construction, freed with the instance), the region
 * functions (a region needs its input grown by the engine's reach and
 * computes no more than asked; results do not depend on the cut), and one
 * call per region, threaded by the engine, reporting GEGL progress.
 * `name` ("skc:lens-blur") prefixes the op's warnings. */
void skc_op_class_init (GeglOperationClass *klass, const gchar *name,
                        SkcOpSourcesOf sources_of);

/* The format the op blurs in, given its input's: linear RGBA float in the
 * input's space, with the input's kind of alpha (premultiplied or
 * straight; the core takes either), so that a float input is read and a
 * passed-through one written without a conversion. */
const Babl *skc_op_pixel_format (const Babl *input_format);

/* The value of map-linear after the preset (a property at its default
 * takes the preset's).  FALSE without that property. */
gboolean skc_op_map_linear (GeglOperation *op);

/* Blurs roi of input into output (with aux, read in the op's "aux"
 * format, when `with_map`) at GEGL's mipmap `level` (roi in level-0
 * pixels, as GEGL passes it: the op works in the level's pixels, the
 * radius scaled by 2^-level); on any error the input passes through
 * unchanged after a warning. */
void skc_op_process (GeglOperation *op, gboolean with_map, GeglBuffer *input,
                     GeglBuffer *aux, GeglBuffer *output,
                     const GeglRectangle *roi, gint level);

G_END_DECLS

#endif
