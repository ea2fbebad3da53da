/* skc tests — the core from C++: the umbrella header compiles as C++ and
 * a call into every public header links (C linkage) and works.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <cmath>
#include <cstdio>
#include <cstring>

#include "check.h"
#include "skc/skc.h"

int
main ()
{
  CHECK (std::strcmp (skc_version_string (), SKC_VERSION_STRING) == 0);
  CHECK (std::strcmp (SKC_VERSION_STRING, SKC_EXPECTED_VERSION) == 0);
  CHECK (std::strcmp (skc_strerror (SKC_ERR_CANCELLED), "cancelled") == 0);
  skc_error err;
  CHECK (skc_fail (&err, SKC_ERR_PARSE, "line %d", 3) == SKC_ERR_PARSE
         && std::strcmp (err.message, "line 3") == 0);

  // A heart, fitted with knots, applied through an engine.
  skc_shape shape;
  skc_shape_init (&shape);
  CHECK (skc_shape_parse ("shape:heart", &shape, &err) == SKC_OK);
  skc_image target = skc_image ();
  CHECK (skc_shape_render (&shape, 7.5, 17, &target, &err) == SKC_OK);
  skc_fit_options opts;
  skc_fit_options_init (&opts);
  opts.method = SKC_METHOD_KNOTS;
  int raised = 0;
  opts.cancel = &raised;
  skc_filter *filter = nullptr;
  skc_fit_report report;
  CHECK (skc_fit (&target, &opts, &filter, &report, &err) == SKC_OK);
  if (filter == nullptr)
    return check_summary ();
  long exact = 0;
  CHECK (skc_knots_exact_count (&target, skc_filter_knots_axis (filter), &exact,
                                &err)
         == SKC_OK);
  CHECK (skc_filter_knot_count (filter) <= exact);
  double loss = -1;
  CHECK (skc_fit_loss (filter, &target, &loss, &err) == SKC_OK && loss >= 0);
  skc_image effective = skc_image ();
  CHECK (skc_filter_render (filter, &effective) == SKC_OK);
  CHECK (skc_kernel_error (&effective, &target) < 1e-6);
  std::FILE *text = std::tmpfile ();
  CHECK (text != nullptr && skc_filter_write (filter, text) == SKC_OK);
  if (text != nullptr)
    std::fclose (text);
  CHECK (skc_image_file_is_core ("kernel.pfm"));

  skc_cache *cache = skc_cache_new (nullptr, 8);
  skc_params params;
  skc_params_init (&params);
  params.radius = 3;
  params.cache = cache;
  skc_run run = {};
  run.cancel = &raised;
  skc_engine *engine = nullptr;
  CHECK (skc_engine_new (&params, 0, &run, &engine, &err) == SKC_OK);
  skc_image photo = skc_image (), blurred = skc_image ();
  CHECK (skc_image_alloc (&photo, 16, 16, 1) == SKC_OK);
  *skc_image_pixel (&photo, 8, 8) = 1;
  if (engine != nullptr)
    CHECK (skc_apply_image (engine, &photo, -1, nullptr, &run, &blurred, &err)
           == SKC_OK);
  skc_preset *preset = skc_preset_new ();
  CHECK (preset != nullptr
         && skc_preset_set_params (preset, &params, &err) == SKC_OK);
  CHECK (skc_param_find ("radius") != nullptr);

  skc_preset_free (preset);
  skc_engine_free (engine);
  skc_cache_free (cache);
  skc_image_free (&blurred);
  skc_image_free (&photo);
  skc_image_free (&effective);
  skc_filter_free (filter);
  skc_image_free (&target);
  return check_summary ();
}
