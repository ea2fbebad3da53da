/* skc — the GEGL module: one loadable file holding the project's
 * operations (one copy of the core and of its caches for both).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <gegl-plugin.h>

/* gegl-op.h defines these in each op file built with GEGL_OP_BUNDLE. */
void gegl_op_skc_lens_blur_register_type (GTypeModule *module);
void gegl_op_skc_bokeh_blur_register_type (GTypeModule *module);

static const GeglModuleInfo module_info = { GEGL_MODULE_ABI_VERSION };

G_MODULE_EXPORT const GeglModuleInfo *gegl_module_query (GTypeModule *module);
G_MODULE_EXPORT gboolean gegl_module_register (GTypeModule *module);

G_MODULE_EXPORT const GeglModuleInfo *
gegl_module_query (GTypeModule *module)
{
  return &module_info;
}

G_MODULE_EXPORT gboolean
gegl_module_register (GTypeModule *module)
{
  gegl_op_skc_lens_blur_register_type (module);
  gegl_op_skc_bokeh_blur_register_type (module);
  return TRUE;
}
