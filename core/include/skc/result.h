/* skc — result codes and error details shared by every core function.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_RESULT_H
#define SKC_RESULT_H

#include <stddef.h>

#include "skc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest path or spec skc keeps (bytes, with the terminating NUL). */
#define SKC_PATH_MAX 4096

typedef enum
{
  SKC_OK = 0,
  SKC_ERR_INVALID_ARGUMENT, /* a parameter is out of range or inconsistent */
  SKC_ERR_OUT_OF_MEMORY,
  SKC_ERR_EMPTY_KERNEL, /* the target kernel has no positive weight */
  SKC_ERR_NON_FINITE,   /* NaN or infinity where a finite number is required */
  SKC_ERR_IO,           /* a file could not be opened, read or written */
  SKC_ERR_PARSE,        /* a file or spec string is malformed */
  SKC_ERR_UNSUPPORTED,  /* a valid request this build cannot serve */
  SKC_ERR_TOO_LARGE,    /* a size beyond the documented limits */
  SKC_ERR_CANCELLED     /* the caller's cancel flag was raised */
} skc_result;

/* Human-readable detail for a failed call: which file, line and why.
 * Functions that take a skc_error * accept NULL when the caller does not
 * want details. */
typedef struct
{
  char message[512];
} skc_error;

/* A static, English description of a result code.  Thread-safe. */
SKC_API const char *skc_strerror (skc_result result);

/* Fills err (if not NULL) with a printf-style message and returns result,
 * so that failure paths read `return skc_fail (err, SKC_ERR_PARSE, ...)`.
 * Thread-safe. */
SKC_API skc_result skc_fail (skc_error *err, skc_result result,
                             const char *format, ...)
#if defined(__GNUC__)
    __attribute__ ((format (printf, 3, 4)))
#endif
    ;

#ifdef __cplusplus
}
#endif

#endif
