/* skc — what every public header of the core shares: the export macro,
 * the version, and C linkage for C++ callers.
 *
 * Every public header is self-contained, includable from C11 and C++, and
 * marks its functions SKC_API.  The core is compiled with hidden
 * visibility: linked into a shared object it exports these functions and
 * nothing else.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_COMMON_H
#define SKC_COMMON_H

#include "skc/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A build may define SKC_API itself (e.g. as __declspec (dllimport) for a
 * Windows DLL of the core). */
#ifndef SKC_API
#if (defined(__GNUC__) || defined(__clang__)) && !defined(_WIN32)              \
    && !defined(__CYGWIN__)
#define SKC_API __attribute__ ((visibility ("default")))
#else
#define SKC_API
#endif
#endif

/* The version of the core linked in, "MAJOR.MINOR.PATCH"; SKC_VERSION_STRING
 * is the version of the headers compiled against.  Thread-safe. */
SKC_API const char *skc_version_string (void);

#ifdef __cplusplus
}
#endif

#endif
