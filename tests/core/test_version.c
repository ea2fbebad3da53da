/* skc tests — the version: the headers' macros are meson's project version
 * (SKC_EXPECTED_VERSION, from the build) and the library linked in says
 * the same.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "skc/skc.h"

int
main (void)
{
  char composed[64];
  snprintf (composed, sizeof composed, "%d.%d.%d", SKC_VERSION_MAJOR,
            SKC_VERSION_MINOR, SKC_VERSION_PATCH);
  CHECK_MSG (strcmp (SKC_VERSION_STRING, SKC_EXPECTED_VERSION) == 0,
             "headers say %s, meson says %s", SKC_VERSION_STRING,
             SKC_EXPECTED_VERSION);
  CHECK_MSG (strcmp (composed, SKC_VERSION_STRING) == 0,
             "MAJOR.MINOR.PATCH is %s, SKC_VERSION_STRING %s", composed,
             SKC_VERSION_STRING);
  CHECK_MSG (strcmp (skc_version_string (), SKC_VERSION_STRING) == 0,
             "the library says %s, the headers %s", skc_version_string (),
             SKC_VERSION_STRING);
  return check_summary ();
}
