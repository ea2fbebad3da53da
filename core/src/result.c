/* skc — result codes: their descriptions and the error-detail helper.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/result.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "io_private.h"

const char *
skc_strerror (skc_result result)
{
  switch (result)
    {
    case SKC_OK:
      return "success";
    case SKC_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case SKC_ERR_OUT_OF_MEMORY:
      return "out of memory";
    case SKC_ERR_EMPTY_KERNEL:
      return "the kernel has no positive weight";
    case SKC_ERR_NON_FINITE:
      return "a value is not finite";
    case SKC_ERR_IO:
      return "input/output error";
    case SKC_ERR_PARSE:
      return "malformed file or spec";
    case SKC_ERR_UNSUPPORTED:
      return "not supported by this build";
    case SKC_ERR_TOO_LARGE:
      return "size beyond the supported limits";
    case SKC_ERR_CANCELLED:
      return "cancelled";
    }
  return "unknown result code";
}

skc_result
skc_fail (skc_error *err, skc_result result, const char *format, ...)
{
  if (err != NULL)
    {
      va_list args;

      va_start (args, format);
      /* vsnprintf truncates and always terminates, so an over-long detail
       * (a long path, say) just gets cut. */
      if (vsnprintf (err->message, sizeof err->message, format, args) < 0)
        err->message[0] = '\0';
      va_end (args);
    }
  return result;
}

/* Our own table rather than strerror, which C does not require to be
 * thread-safe; the codes are POSIX, hence the guards. */
const char *
skc_errno_text (int errnum)
{
  switch (errnum)
    {
#ifdef ENOENT
    case ENOENT:
      return "no such file or directory";
#endif
#ifdef EACCES
    case EACCES:
      return "permission denied";
#endif
#ifdef EPERM
    case EPERM:
      return "operation not permitted";
#endif
#ifdef EEXIST
    case EEXIST:
      return "file exists";
#endif
#ifdef EISDIR
    case EISDIR:
      return "is a directory";
#endif
#ifdef ENOTDIR
    case ENOTDIR:
      return "a path component is not a directory";
#endif
#ifdef ENOSPC
    case ENOSPC:
      return "no space left on device";
#endif
#ifdef EROFS
    case EROFS:
      return "read-only file system";
#endif
#ifdef EMFILE
    case EMFILE:
      return "too many open files";
#endif
#ifdef ENFILE
    case ENFILE:
      return "too many open files in the system";
#endif
#ifdef ENAMETOOLONG
    case ENAMETOOLONG:
      return "file name too long";
#endif
#ifdef ELOOP
    case ELOOP:
      return "too many levels of symbolic links";
#endif
#ifdef EIO
    case EIO:
      return "input/output error";
#endif
#ifdef EFBIG
    case EFBIG:
      return "file too large";
#endif
#ifdef EDQUOT
    case EDQUOT:
      return "disk quota exceeded";
#endif
#ifdef EXDEV
    case EXDEV:
      return "cross-device link";
#endif
#ifdef EBUSY
    case EBUSY:
      return "device or resource busy";
#endif
    case ENOMEM:
      return "out of memory";
    case EINVAL:
      return "invalid argument";
    case 0:
      return "unknown error";
    default:
      return "system error";
    }
}
