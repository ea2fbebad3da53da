/* skc — applying one given filter uniformly with clamped edges: a thin
 * front over the engine, so there is one apply pipeline.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/apply.h"

skc_result
skc_filter_apply (const skc_filter *f, const skc_image *in, skc_image *out,
                  int threads)
{
  if (!f || !in || !in->data || !out || in->width < 1 || in->height < 1
      || in->channels < 1 || in->channels > 4)
    return SKC_ERR_INVALID_ARGUMENT;
  skc_params p;
  skc_params_init (&p);
  p.filter = f;
  p.clip = 0;
  skc_run run = { .threads = threads };
  skc_engine *engine = NULL;
  skc_result r = skc_engine_new (&p, 0, &run, &engine, NULL);
  if (r == SKC_OK)
    r = skc_apply_image (engine, in, -1, NULL, &run, out, NULL);
  skc_engine_free (engine);
  return r;
}
