/* skc:lens-blur — the GEGL operation: custom-bokeh lens blur through the
 * core's one apply path (properties, regions and buffers; no filtering here).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* gegl-op.h translates enum labels through dgettext (GETTEXT_PACKAGE, set
 * by the build); skc ships no catalogue, so they stay English. */
#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

/* The properties are the parameter table's rows (skc/params.def, through
 * op-chant.h), so names, ranges and defaults are written once.  Property
 * names are permanent (XCF files store them). */
#include "op-chant.h"

/* clang-format off */
#define SKC_OP_SHAPE_TYPE          SkcLensBlurShape
#define SKC_OP_SHAPE_ENUM          skc_lens_blur_shape
#define SKC_OP_SHAPE_VALUE(ID)     SKC_LENS_BLUR_SHAPE_##ID
#define SKC_OP_QUALITY_TYPE        SkcLensBlurQuality
#define SKC_OP_QUALITY_ENUM        skc_lens_blur_quality
#define SKC_OP_QUALITY_VALUE(ID)   SKC_LENS_BLUR_QUALITY_##ID

enum_start (skc_lens_blur_shape)
#define SKC_SHAPE_ROW SKC_CHANT_SHAPE_VALUE
#include "skc/params.def"
enum_end (SkcLensBlurShape)

enum_start (skc_lens_blur_quality)
#define SKC_QUALITY_ROW SKC_CHANT_QUALITY_VALUE
#include "skc/params.def"
enum_end (SkcLensBlurQuality)

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

#define SKC_PARAM SKC_CHANT_PARAM_OTHER_ROWS
#include "skc/params.def"
/* clang-format on */

#else

#define GEGL_OP_COMPOSER
#define GEGL_OP_BUNDLE /* module.c registers the module's operations */
/* The source's name is a file name, not an expression. */
/* clang-format off */
#define GEGL_OP_NAME     skc_lens_blur
#define GEGL_OP_C_SOURCE skc-lens-blur.c
/* clang-format on */

#include "gegl-op.h"

#include "op-engine.h"

static SkcOpSources
sources_of (GeglOperation *operation)
{
  GeglProperties *o = GEGL_PROPERTIES (operation);
  SkcOpSources sources = {
    o->kernel_file, o->preset,
    gegl_operation_source_get_bounding_box (operation, "aux") != NULL
  };
  return sources;
}

static void
prepare (GeglOperation *operation)
{
  const Babl *in_format = gegl_operation_get_source_format (operation, "input");
  const Babl *aux_format = gegl_operation_get_source_format (operation, "aux");
  const Babl *space = in_format ? babl_format_get_space (in_format) : NULL;
  const Babl *aux_space
      = aux_format ? babl_format_get_space (aux_format) : space;
  SkcOpSources sources = sources_of (operation);
  /* Linear light, premultiplied: what the core blurs (alpha index 3). */
  const Babl *format = babl_format_with_space ("RaGaBaA float", space);

  gegl_operation_set_format (operation, "input", format);
  gegl_operation_set_format (operation, "output", format);
  gegl_operation_set_format (
      operation, "aux",
      skc_gegl_map_format (aux_space, skc_op_map_linear (operation, &sources)));
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
process (GeglOperation *operation, GeglBuffer *input, GeglBuffer *aux,
         GeglBuffer *output, const GeglRectangle *roi, gint level)
{
  SkcOpSources sources = sources_of (operation);
  if (!input)
    return TRUE;
  sources.with_map = aux != NULL;
  skc_op_process (operation, GEGL_PROPERTIES (operation)->user_data, &sources,
                  input, aux, output, roi);
  return TRUE;
}

/* The state exists from construction on, before any thread can use it. */
static void
constructed (GObject *object)
{
  GEGL_PROPERTIES (object)->user_data = skc_op_state_new ("skc:lens-blur");
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
  GeglOperationComposerClass *composer_class
      = GEGL_OPERATION_COMPOSER_CLASS (klass);

  object_class->constructed = constructed;
  object_class->finalize = finalize;
  operation_class->prepare = prepare;
  operation_class->get_bounding_box = get_bounding_box;
  operation_class->get_cached_region = get_cached_region;
  operation_class->get_required_for_output = get_required_for_output;
  operation_class->get_invalidated_by_change = get_invalidated_by_change;
  /* One call for the whole extent, threaded by the engine itself. */
  operation_class->threaded = FALSE;
  composer_class->process = process;
  composer_class->aux_label = "Blur map";
  composer_class->aux_description
      = "How far from the focus each pixel is (its luminance; 0 outside the "
        "map): the blur radius is radius x |map - focus|";

  gegl_operation_class_set_keys (
      operation_class, "name", "skc:lens-blur", "title",
      "Lens Blur (custom bokeh)", "categories", "blur", "license", "GPL3+",
      "description",
      "Out-of-focus blur with a bokeh of any shape (built-in or from a "
      "file), uniform or varying per pixel from a blur map, through sparse "
      "kernel complexes",
      NULL);
}

#endif
