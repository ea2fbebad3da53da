/* skc:bokeh-blur — the GEGL operation without a blur map: custom-bokeh
 * blur with one input and one output, which GIMP 3 can apply as an
 * editable layer effect (it refuses ops with an aux pad) and lists under
 * Filters ▸ Blur.  Blur maps stay skc:lens-blur's.  Both ops share the
 * engine code (op-engine.c) and their properties (the parameter table).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* gegl-op.h translates enum labels through dgettext (GETTEXT_PACKAGE, set
 * by the build); skc ships no catalogue, so they stay English. */
#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

/* The parameter table's rows but the blur map's (skc/params.def, through
 * op-chant.h).  Property names are permanent: XCF files store them with
 * the op's name. */
#include "op-chant.h"

/* clang-format off */
#define SKC_OP_SHAPE_TYPE          SkcBokehBlurShape
#define SKC_OP_SHAPE_ENUM          skc_bokeh_blur_shape
#define SKC_OP_SHAPE_VALUE(ID)     SKC_BOKEH_BLUR_SHAPE_##ID
#define SKC_OP_QUALITY_TYPE        SkcBokehBlurQuality
#define SKC_OP_QUALITY_ENUM        skc_bokeh_blur_quality
#define SKC_OP_QUALITY_VALUE(ID)   SKC_BOKEH_BLUR_QUALITY_##ID

enum_start (skc_bokeh_blur_shape)
#define SKC_SHAPE_ROW SKC_CHANT_SHAPE_VALUE
#include "skc/params.def"
enum_end (SkcBokehBlurShape)

enum_start (skc_bokeh_blur_quality)
#define SKC_QUALITY_ROW SKC_CHANT_QUALITY_VALUE
#include "skc/params.def"
enum_end (SkcBokehBlurQuality)

#define SKC_PARAM SKC_CHANT_PARAM_SHAPE_ROWS
#include "skc/params.def"

/* Paths are plain strings: GIMP 3.0's filter API cannot carry GEGL's
   file-path property type (and loses every property after one). */
property_string (kernel_file, "Kernel file", "")
  description ("A fitted .skc filter, or an image whose alpha (or else "
               "luminance) is the bokeh shape; when set it replaces the shape")

property_string (preset, "Preset", "")
  description ("A .skcpreset file: its values and fitted filters are used "
               "for every property left at its default")

#define SKC_PARAM SKC_CHANT_PARAM_UNMAPPED_ROWS
#include "skc/params.def"
/* clang-format on */

#else

#define GEGL_OP_FILTER
#define GEGL_OP_BUNDLE /* module.c registers the module's operations */
/* The source's name is a file name, not an expression. */
/* clang-format off */
#define GEGL_OP_NAME     skc_bokeh_blur
#define GEGL_OP_C_SOURCE skc-bokeh-blur.c
/* clang-format on */

#include "gegl-op.h"

#include "op-engine.h"

static SkcOpSources
sources_of (GeglOperation *operation)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  SkcOpSources sources = { o->kernel_file, o->preset, FALSE };
  return sources;
}

static void
prepare (GeglOperation *operation)
{
  const Babl *in_format = gegl_operation_get_source_format (operation, "input");
  const Babl *space = in_format ? babl_format_get_space (in_format) : NULL;
  /* Linear light, premultiplied: what the core blurs (alpha index 3). */
  const Babl *format = babl_format_with_space ("RaGaBaA float", space);

  gegl_operation_set_format (operation, "input", format);
  gegl_operation_set_format (operation, "output", format);
}

static GeglRectangle
get_bounding_box (GeglOperation *operation)
{
  return skc_op_bounding_box (operation);
}

static GeglRectangle
get_cached_region (GeglOperation *operation, const GeglRectangle *roi)
{
  return skc_op_cached_region (operation, roi);
}

static GeglRectangle
get_required_for_output (GeglOperation *operation, const gchar *input_pad,
                         const GeglRectangle *roi)
{
  SkcOpSources sources = sources_of (operation);
  return skc_op_required_for_output (
      operation, GEGL_PROPERTIES (operation)->user_data, &sources, roi);
}

static GeglRectangle
get_invalidated_by_change (GeglOperation *operation, const gchar *input_pad,
                           const GeglRectangle *input_roi)
{
  SkcOpSources sources = sources_of (operation);
  return skc_op_invalidated_by_change (
      operation, GEGL_PROPERTIES (operation)->user_data, &sources, input_roi);
}

static gboolean
process (GeglOperation *operation, GeglBuffer *input, GeglBuffer *output,
         const GeglRectangle *roi, gint level)
{
  SkcOpSources sources = sources_of (operation);
  if (input)
    skc_op_process (operation, GEGL_PROPERTIES (operation)->user_data,
                    &sources, input, NULL, output, roi);
  return TRUE;
}

/* The state exists from construction on, before any thread can use it. */
static void
constructed (GObject *object)
{
  GEGL_PROPERTIES (object)->user_data = skc_op_state_new ("skc:bokeh-blur");
  G_OBJECT_CLASS (gegl_op_parent_class)->constructed (object);
}

static void
finalize (GObject *object)
{
  GeglProperties *o = GEGL_PROPERTIES (object);
  skc_op_state_free (o->user_data);
  o->user_data = NULL;
  G_OBJECT_CLASS (gegl_op_parent_class)->finalize (object);
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GeglOperationClass *operation_class = GEGL_OPERATION_CLASS (klass);
  GeglOperationFilterClass *filter_class = GEGL_OPERATION_FILTER_CLASS (klass);

  object_class->constructed = constructed;
  object_class->finalize = finalize;
  operation_class->prepare = prepare;
  operation_class->get_bounding_box = get_bounding_box;
  operation_class->get_cached_region = get_cached_region;
  operation_class->get_required_for_output = get_required_for_output;
  operation_class->get_invalidated_by_change = get_invalidated_by_change;
  /* One call for the whole extent, threaded by the engine itself. */
  operation_class->threaded = FALSE;
  filter_class->process = process;

  /* GIMP 3 lists an op with these keys in its menus, as a filter it can
     preview on the canvas and keep as an editable layer effect. */
  gegl_operation_class_set_keys (
      operation_class, "name", "skc:bokeh-blur", "title",
      "Bokeh Blur (custom shape)", "categories", "blur", "license", "GPL3+",
      "gimp:menu-path", "<Image>/Filters/Blur", "gimp:menu-label",
      "Bokeh Blur...", "description",
      "Out-of-focus blur with a bokeh of any shape (built-in, from a file, "
      "or from a preset), swirl, cat-eye and highlights; for a blur map use "
      "skc:lens-blur",
      NULL);
}

#endif
