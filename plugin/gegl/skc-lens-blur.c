/* skc:lens-blur — the GEGL operation: custom-bokeh lens blur through the
 * core's one apply path (properties, regions and buffers; no filtering here).
 * SPDX-License-Identifier: GPL-3.0-or-later */

/* gegl-op.h translates enum labels through dgettext (GETTEXT_PACKAGE, set
 * by the build); skc ships no catalogue, so they stay English. */
#include <glib/gi18n-lib.h>

#ifdef GEGL_PROPERTIES

/* The properties are the parameter table's rows (skc/params.def, through
 * op-properties.h), so names, ranges and defaults are written once.  Property
 * names are permanent (XCF files store them). */
/* clang-format off */
#define SKC_OP_SHAPE_TYPE          SkcLensBlurShape
#define SKC_OP_SHAPE_ENUM          skc_lens_blur_shape
#define SKC_OP_SHAPE_VALUE(ID)     SKC_LENS_BLUR_SHAPE_##ID
#define SKC_OP_QUALITY_TYPE        SkcLensBlurQuality
#define SKC_OP_QUALITY_ENUM        skc_lens_blur_quality
#define SKC_OP_QUALITY_VALUE(ID)   SKC_LENS_BLUR_QUALITY_##ID
#define SKC_OP_DEPTH_TYPE          SkcLensBlurDepth
#define SKC_OP_DEPTH_ENUM          skc_lens_blur_depth
#define SKC_OP_DEPTH_VALUE(ID)     SKC_LENS_BLUR_DEPTH_##ID

#define SKC_OP_OTHER_ROWS SKC_CHANT_PARAM_OTHER_ROWS
#include "op-properties.h"
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
  gboolean with_map
      = gegl_operation_source_get_bounding_box (operation, "aux") != NULL;
  SkcOpSources sources
      = { o->kernel_file,
          o->shape_data,
          o->filter_data,
          o->preset,
          with_map,
          with_map ? gegl_operation_get_source_format (operation, "aux")
                   : NULL };
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
  const Babl *format = skc_op_pixel_format (in_format);

  gegl_operation_set_format (operation, "input", format);
  gegl_operation_set_format (operation, "output", format);
  gegl_operation_set_format (
      operation, "aux",
      skc_gegl_map_format (aux_space, skc_op_map_linear (operation)));
}

static gboolean
process (GeglOperation *operation, GeglBuffer *input, GeglBuffer *aux,
         GeglBuffer *output, const GeglRectangle *roi, gint level)
{
  if (input)
    skc_op_process (operation, aux != NULL, input, aux, output, roi, level);
  return TRUE;
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  GeglOperationClass *operation_class = GEGL_OPERATION_CLASS (klass);
  GeglOperationComposerClass *composer_class
      = GEGL_OPERATION_COMPOSER_CLASS (klass);

  skc_op_class_init (operation_class, "skc:lens-blur", sources_of);
  operation_class->prepare = prepare;
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
