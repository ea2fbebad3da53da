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
 * op-properties.h).  Property names are permanent: XCF files store them with
 * the op's name. */
/* clang-format off */
#define SKC_OP_SHAPE_TYPE          SkcBokehBlurShape
#define SKC_OP_SHAPE_ENUM          skc_bokeh_blur_shape
#define SKC_OP_SHAPE_VALUE(ID)     SKC_BOKEH_BLUR_SHAPE_##ID
#define SKC_OP_QUALITY_TYPE        SkcBokehBlurQuality
#define SKC_OP_QUALITY_ENUM        skc_bokeh_blur_quality
#define SKC_OP_QUALITY_VALUE(ID)   SKC_BOKEH_BLUR_QUALITY_##ID

#define SKC_OP_OTHER_ROWS SKC_CHANT_PARAM_UNMAPPED_ROWS
#include "op-properties.h"
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
  SkcOpSources sources = { o->kernel_file, o->shape_data, o->filter_data,
                           o->preset,      FALSE,         NULL };
  return sources;
}

static void
prepare (GeglOperation *operation)
{
  const Babl *in_format = gegl_operation_get_source_format (operation, "input");
  const Babl *format = skc_op_pixel_format (in_format);

  gegl_operation_set_format (operation, "input", format);
  gegl_operation_set_format (operation, "output", format);
}

static gboolean
process (GeglOperation *operation, GeglBuffer *input, GeglBuffer *output,
         const GeglRectangle *roi, gint level)
{
  if (input)
    skc_op_process (operation, FALSE, input, NULL, output, roi, level);
  return TRUE;
}

static void
gegl_op_class_init (GeglOpClass *klass)
{
  GeglOperationClass *operation_class = GEGL_OPERATION_CLASS (klass);
  GeglOperationFilterClass *filter_class = GEGL_OPERATION_FILTER_CLASS (klass);

  skc_op_class_init (operation_class, "skc:bokeh-blur", sources_of);
  operation_class->prepare = prepare;
  filter_class->process = process;

  /* GIMP 3 lists an op with these keys in its menus, as a filter it can
     preview on the canvas and keep as an editable layer effect.  GIMP
     stores op-version with the effect in XCF files and drops an effect
     whose stored version differs from the op's on loading: it stays 1:0
     (new properties get defaults that change nothing, so older files
     keep their look). */
  gegl_operation_class_set_keys (
      operation_class, "name", "skc:bokeh-blur", "op-version", "1:0", "title",
      "Bokeh Blur (custom shape)", "categories", "blur", "license", "GPL3+",
      "gimp:menu-path", "<Image>/Filters/Blur", "gimp:menu-label",
      "Bokeh Blur...", "description",
      "Out-of-focus blur with a bokeh of any shape (built-in, from a file, "
      "or from a preset), swirl, cat-eye and highlights; for a blur map use "
      "skc:lens-blur",
      NULL);
}

#endif
