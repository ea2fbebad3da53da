/* skc — the parameter table (skc/params.def) as GEGL's property chant,
 * for the module's operations.  Included in an op's GEGL_PROPERTIES
 * section, which gegl-op.h reads several times with other meanings of
 * property_double and friends: these macros expand to those names, so
 * they follow each reading.
 *
 * Before including, an op defines SKC_OP_SHAPE_TYPE, SKC_OP_SHAPE_ENUM,
 * SKC_OP_SHAPE_VALUE (ID), and the same three for QUALITY (and for
 * DEPTH where the op shows the blur map's rows): GLib enum types are
 * registered by name, so each op has its own.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_OP_CHANT_H
#define SKC_OP_CHANT_H

/* clang-format off */

/* Shape keys show only for the shapes they apply to. */
#define SKC_CHANT_VISIBLE(type, group, shapes)                              \
  SKC_CHANT_VISIBLE_##type (SKC_CHANT_VISIBLE_IN_##group (shapes))
#define SKC_CHANT_VISIBLE_NUMBER(meta) meta
#define SKC_CHANT_VISIBLE_PIXELS(meta) meta
#define SKC_CHANT_VISIBLE_DEGREES(meta) meta
#define SKC_CHANT_VISIBLE_WHOLE(meta) meta
#define SKC_CHANT_VISIBLE_BOOL(meta) meta
#define SKC_CHANT_VISIBLE_QUALITY(meta)
#define SKC_CHANT_VISIBLE_SHAPE(meta)
#define SKC_CHANT_VISIBLE_SEED(meta)
#define SKC_CHANT_VISIBLE_DEPTH(meta)
#define SKC_CHANT_VISIBLE_IN_SHAPE(shapes)                                  \
  ui_meta ("visible", "shape {" shapes "}")
#define SKC_CHANT_VISIBLE_IN_BLUR(shapes)
#define SKC_CHANT_VISIBLE_IN_MAP(shapes)
#define SKC_CHANT_VISIBLE_IN_LENS(shapes)
#define SKC_CHANT_VISIBLE_IN_HIGHLIGHTS(shapes)
#define SKC_CHANT_VISIBLE_IN_FIT(shapes)

#define SKC_CHANT_NUMBER(id, label, help, min, max, ui_min, ui_max, gamma,   \
                         step, digits, def)                                 \
  property_double (id, label, def)                                          \
    description (help)                                                      \
    value_range (min, max)                                                  \
    ui_range (ui_min, ui_max)                                               \
    ui_gamma (gamma)                                                        \
    ui_steps (step, 10 * step)                                              \
    ui_digits (digits)
#define SKC_CHANT_PIXELS(...)                                               \
  SKC_CHANT_NUMBER (__VA_ARGS__) ui_meta ("unit", "pixel-distance")
#define SKC_CHANT_DEGREES(...)                                              \
  SKC_CHANT_NUMBER (__VA_ARGS__) ui_meta ("unit", "degree")
#define SKC_CHANT_WHOLE(id, label, help, min, max, ui_min, ui_max, gamma,    \
                        step, digits, def)                                  \
  property_int (id, label, def)                                             \
    description (help)                                                      \
    value_range (min, max)                                                  \
    ui_range (ui_min, ui_max)
#define SKC_CHANT_BOOL(id, label, help, min, max, ui_min, ui_max, gamma,     \
                       step, digits, def)                                   \
  property_boolean (id, label, def)                                         \
    description (help)
/* property_enum pastes its type names: they are expanded first here. */
#define SKC_CHANT_ENUM(id, label, type, type_name, def)                     \
  property_enum (id, label, type, type_name, def)
#define SKC_CHANT_QUALITY(id, label, help, min, max, ui_min, ui_max, gamma,  \
                          step, digits, def)                                \
  SKC_CHANT_ENUM (id, label, SKC_OP_QUALITY_TYPE, SKC_OP_QUALITY_ENUM,      \
                  SKC_OP_QUALITY_VALUE (def))                               \
    description (help)
#define SKC_CHANT_SHAPE(id, label, help, min, max, ui_min, ui_max, gamma,    \
                        step, digits, def)                                  \
  SKC_CHANT_ENUM (id, label, SKC_OP_SHAPE_TYPE, SKC_OP_SHAPE_ENUM,          \
                  SKC_OP_SHAPE_VALUE (def))                                 \
    description (help)
#define SKC_CHANT_DEPTH(id, label, help, min, max, ui_min, ui_max, gamma,    \
                        step, digits, def)                                  \
  SKC_CHANT_ENUM (id, label, SKC_OP_DEPTH_TYPE, SKC_OP_DEPTH_ENUM,          \
                  SKC_OP_DEPTH_VALUE (def))                                 \
    description (help)
#define SKC_CHANT_SEED(...)
#define SKC_CHANT_ROW(ident, type, group, label, help, min, max, ui_min,     \
                      ui_max, gamma, step, digits, def, shapes)             \
  SKC_CHANT_##type (ident, label, help, min, max, ui_min, ui_max, gamma,    \
                    step, digits, def)                                      \
    SKC_CHANT_VISIBLE (type, group, shapes)

/* Which rows an op shows, by group: the shape and its keys first (then
   the op's shape sources), then the rest; a blur map's rows only where
   there is a map; the fit seed nowhere. */
#define SKC_CHANT_SHAPE_ROWS_SHAPE(row) row
#define SKC_CHANT_SHAPE_ROWS_BLUR(row)
#define SKC_CHANT_SHAPE_ROWS_MAP(row)
#define SKC_CHANT_SHAPE_ROWS_LENS(row)
#define SKC_CHANT_SHAPE_ROWS_HIGHLIGHTS(row)
#define SKC_CHANT_SHAPE_ROWS_FIT(row)
#define SKC_CHANT_OTHER_ROWS_SHAPE(row)
#define SKC_CHANT_OTHER_ROWS_BLUR(row) row
#define SKC_CHANT_OTHER_ROWS_MAP(row) row
#define SKC_CHANT_OTHER_ROWS_LENS(row) row
#define SKC_CHANT_OTHER_ROWS_HIGHLIGHTS(row) row
#define SKC_CHANT_OTHER_ROWS_FIT(row)
#define SKC_CHANT_UNMAPPED_ROWS_SHAPE(row)
#define SKC_CHANT_UNMAPPED_ROWS_BLUR(row) row
#define SKC_CHANT_UNMAPPED_ROWS_MAP(row)
#define SKC_CHANT_UNMAPPED_ROWS_LENS(row) row
#define SKC_CHANT_UNMAPPED_ROWS_HIGHLIGHTS(row) row
#define SKC_CHANT_UNMAPPED_ROWS_FIT(row)

/* SKC_PARAM for a selection (SHAPE_ROWS, OTHER_ROWS, UNMAPPED_ROWS):
   `#define SKC_PARAM SKC_CHANT_PARAM_SHAPE_ROWS` before including
   skc/params.def. */
#define SKC_CHANT_PARAM(which, ID, ident, name, type, field, group, label,   \
                        help, min, max, ui_min, ui_max, gamma, step,         \
                        digits, def, shapes)                                \
  SKC_CHANT_##which##_##group (SKC_CHANT_ROW (ident, type, group, label,    \
    help, min, max, ui_min, ui_max, gamma, step, digits, def, shapes))
#define SKC_CHANT_PARAM_SHAPE_ROWS(...)                                     \
  SKC_CHANT_PARAM (SHAPE_ROWS, __VA_ARGS__)
#define SKC_CHANT_PARAM_OTHER_ROWS(...)                                     \
  SKC_CHANT_PARAM (OTHER_ROWS, __VA_ARGS__)
#define SKC_CHANT_PARAM_UNMAPPED_ROWS(...)                                  \
  SKC_CHANT_PARAM (UNMAPPED_ROWS, __VA_ARGS__)

/* enum_start and enum_end paste their names: expanded first here. */
#define SKC_CHANT_ENUM_START(name) enum_start (name)
#define SKC_CHANT_ENUM_END(type) enum_end (type)
#define SKC_CHANT_SHAPE_VALUE(ID, name, label)                              \
  enum_value (SKC_OP_SHAPE_VALUE (ID), name, label)
#define SKC_CHANT_QUALITY_VALUE(ID, name, label, samples, floor_db,        \
                                swirl_floor_db)                     \
  enum_value (SKC_OP_QUALITY_VALUE (ID), name, label)
#define SKC_CHANT_DEPTH_VALUE(ID, name, label)                              \
  enum_value (SKC_OP_DEPTH_VALUE (ID), name, label)

/* clang-format on */

#endif
