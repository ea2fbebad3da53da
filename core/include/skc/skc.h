/* skc — sparse kernel complexes for fast custom-bokeh lens blur.
 * Umbrella header for the core library (C11, no GLib; C++ can include
 * it).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_SKC_H
#define SKC_SKC_H

#include "skc/common.h"
#include "skc/result.h"
#include "skc/image.h"
#include "skc/kernel.h"
#include "skc/filter.h"
#include "skc/filterfile.h"
#include "skc/imagefile.h"
#include "skc/fit.h"
#include "skc/knots.h"
#include "skc/metrics.h"
#include "skc/cache.h"
#include "skc/apply.h"
#include "skc/preset.h"

#endif
