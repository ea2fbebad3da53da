/* skc — the properties of the module's operations, read by gegl-op.h in
 * each op's GEGL_PROPERTIES section (so no include guard): the shape and
 * its keys, the shape sources, then the op's other rows of the parameter
 * table.  Property names are permanent: XCF files store them with the
 * op's name.
 *
 * Before including, an op defines what op-chant.h asks for and
 * SKC_OP_OTHER_ROWS: SKC_CHANT_PARAM_OTHER_ROWS (every other row) or
 * SKC_CHANT_PARAM_UNMAPPED_ROWS (all but a blur map's); an op with the
 * map's rows defines SKC_OP_DEPTH_TYPE, _ENUM and _VALUE (ID) too.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "op-chant.h"

/* clang-format off */
SKC_CHANT_ENUM_START (SKC_OP_SHAPE_ENUM)
#define SKC_SHAPE_ROW SKC_CHANT_SHAPE_VALUE
#include "skc/params.def"
SKC_CHANT_ENUM_END (SKC_OP_SHAPE_TYPE)

SKC_CHANT_ENUM_START (SKC_OP_QUALITY_ENUM)
#define SKC_QUALITY_ROW SKC_CHANT_QUALITY_VALUE
#include "skc/params.def"
SKC_CHANT_ENUM_END (SKC_OP_QUALITY_TYPE)

#ifdef SKC_OP_DEPTH_TYPE
SKC_CHANT_ENUM_START (SKC_OP_DEPTH_ENUM)
#define SKC_DEPTH_ROW SKC_CHANT_DEPTH_VALUE
#include "skc/params.def"
SKC_CHANT_ENUM_END (SKC_OP_DEPTH_TYPE)
#endif

#define SKC_PARAM SKC_CHANT_PARAM_SHAPE_ROWS
#include "skc/params.def"

/* Paths are plain strings: GIMP 3.0's filter API cannot carry GEGL's
   file-path property type (and loses every property after one). */
property_string (kernel_file, "Kernel file", "")
  description ("A fitted .skc filter, or an image whose alpha (or else "
               "luminance) is the bokeh shape; when set it replaces the shape")

/* A drawn or loaded shape travels inside the op (and so inside a GIMP
   layer effect and its XCF file) as text: gegl/shape-data.h. */
property_string (shape_data, "Embedded shape", "")
  description ("A bokeh shape image carried inside the filter as text "
               "(skc-shape 1 WIDTH HEIGHT BITS BASE64), written by the "
               "Sparse Lens Blur dialog for drawn and file shapes; when set "
               "it replaces the shape and the kernel file; clear it to use "
               "them")

/* A fitted .skc filter travels likewise, as the file's bytes: the same
   header. */
property_string (filter_data, "Embedded filter", "")
  description ("A fitted .skc filter carried inside the filter as text "
               "(skc-filter-data 1 BYTES BASE64), written by the Sparse "
               "Lens Blur dialog for .skc kernel files; when set it "
               "replaces the shape and the kernel file (shape-data "
               "replaces it); clear it to use them")

/* A path typed here is read wherever the op renders: the plug-in, when it
   keeps an effect, expands a preset into the properties instead. */
property_string (preset, "Preset", "")
  description ("A .skcpreset file: its values and fitted filters are used "
               "for every property left at its default (the file must be "
               "there wherever the filter renders)")

#define SKC_PARAM SKC_OP_OTHER_ROWS
#include "skc/params.def"
    /* clang-format on */
