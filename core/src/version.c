/* skc — the version of the library, as built.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "skc/common.h"

const char *
skc_version_string (void)
{
  return SKC_VERSION_STRING;
}
