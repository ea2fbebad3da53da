/* skc — what the module's operations share: each instance's engine, built
 * from its properties (the parameter table's rows, a kernel file, a
 * preset) and kept while they stay the same, and the region arithmetic
 * of an op that computes its whole extent at once.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_OP_ENGINE_H
#define SKC_OP_ENGINE_H

#include <gegl-plugin.h>

#include "gegl-bridge.h"
#include "skc/skc.h"

G_BEGIN_DECLS

/* An instance's state: its engine, and the settings it was built for. */
typedef struct SkcOpState SkcOpState;

/* A built engine, shared between process () calls: reference-counted so
 * that a call still using it survives a rebuild on another thread. */
typedef struct
{
  skc_engine *engine;
} SkcEngineRef;

/* What an op holds besides the table's rows. */
typedef struct
{
  const gchar *kernel_file; /* replaces the shape when not empty */
  const gchar *preset;      /* fills rows left at their defaults */
  gboolean     with_map;
} SkcOpSources;

/* `name` ("skc:lens-blur") prefixes the op's warnings. */
SkcOpState *skc_op_state_new (const gchar *name);
void        skc_op_state_free (SkcOpState *state);

/* The engine for the op's current properties (release it with
 * skc_op_engine_release), or NULL after one g_warning per settings when it
 * cannot be built.  Rebuilt only when the settings change. */
SkcEngineRef *skc_op_acquire_engine (GeglOperation *op, SkcOpState *state,
                                     const SkcOpSources *sources);
void          skc_op_engine_release (SkcEngineRef *ref);

/* The reach of the engine already built for the current properties, or
 * -1 when there is none yet (never builds: this runs while GEGL plans). */
gint skc_op_current_reach (GeglOperation *op, SkcOpState *state,
                           const SkcOpSources *sources);

/* The value of map-linear after the preset (a property at its default
 * takes the preset's).  FALSE without that property. */
gboolean skc_op_map_linear (GeglOperation *op, const SkcOpSources *sources);

/* The region functions of an op that computes its whole extent at once
 * (GEGL's chunks would each recompute a margin of the reach, which at
 * large radii costs more than the chunk) and serves later chunks from
 * GEGL's cache of its node. */
GeglRectangle skc_op_bounding_box (GeglOperation *op);
GeglRectangle skc_op_cached_region (GeglOperation *op,
                                    const GeglRectangle *roi);
GeglRectangle skc_op_required_for_output (GeglOperation *op,
                                          SkcOpState *state,
                                          const SkcOpSources *sources,
                                          const GeglRectangle *roi);
GeglRectangle skc_op_invalidated_by_change (GeglOperation *op,
                                            SkcOpState *state,
                                            const SkcOpSources *sources,
                                            const GeglRectangle *roi);

/* Blurs roi of input into output (with aux, read in the op's "aux"
 * format, when the sources have a map); on any error the input passes
 * through unchanged after a warning. */
void skc_op_process (GeglOperation *op, SkcOpState *state,
                     const SkcOpSources *sources, GeglBuffer *input,
                     GeglBuffer *aux, GeglBuffer *output,
                     const GeglRectangle *roi);

G_END_DECLS

#endif
