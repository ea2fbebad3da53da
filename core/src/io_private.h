/* skc — file helpers shared by the core's readers and writers (private).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_IO_PRIVATE_H
#define SKC_IO_PRIVATE_H

#include <stddef.h>
#include <stdio.h>

#include "skc/result.h"

/* A short English description of an errno value, safe to call from any
 * thread (defined in result.c). */
const char *skc_errno_text (int errnum);

/* Turns the bytes of a whole file into `out`, whose type the parser knows;
 * `name` prefixes its messages. */
typedef skc_result (*skc_file_parser) (const unsigned char *bytes,
                                       size_t length, const char *name,
                                       void *out, skc_error *err);

/* Reads the whole file at `path` (skc_read_file, at most max_bytes),
 * parses it into `out` and frees the bytes: how the core loads every file
 * format it reads.  Defined in imagefile.c. */
skc_result skc_parse_file (const char *path, size_t max_bytes,
                           skc_file_parser parse, void *out, skc_error *err);

/* Creates a new, empty file next to `path` (same folder, unique name) for
 * writing, so that a writer can fill it and only then put it in place.
 * On success *stream is open and *temp_path is a malloc'd name to pass to
 * skc_temporary_finish.  Errors name `path`.  Defined in imagefile.c. */
skc_result skc_temporary_create (const char *path, FILE **stream,
                                 char **temp_path, skc_error *err);

/* Closes the temporary file; if `result` is SKC_OK and every byte reached
 * the disk's cache, renames it over `path`, otherwise removes it.  Frees
 * temp_path.  Returns `result` or the first failure of its own. */
skc_result skc_temporary_finish (FILE *stream, char *temp_path,
                                 const char *path, skc_result result,
                                 skc_error *err);

#endif
