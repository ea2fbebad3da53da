/* skc — lines and tokens of the core's text formats (.skc filters,
 * presets), read safely from hostile input, with messages of the form
 * "NAME:LINE: reason".  Private to the core.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEXTREADER_H
#define SKC_TEXTREADER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "skc/result.h"

#if defined(__GNUC__)
#define SKC_TEXT_PRINTF(format_index, args_index)                              \
  __attribute__ ((format (printf, format_index, args_index)))
#else
#define SKC_TEXT_PRINTF(format_index, args_index)
#endif

/* The longest real lines are a low-rank filter row (SKC_MAX_KERNEL_SIDE
 * numbers, about 66 KB) and a preset's float bitmap row (1024 numbers of
 * at most 16 characters); anything far longer is junk. */
#define SKC_TEXT_LINE_MAX_BYTES ((size_t) 1 << 20)

typedef struct
{
  const char *name; /* prefixes messages */
  size_t name_max;  /* a longer name shows only its last name_max bytes */
  const char *next; /* start of the next unread line */
  const char *end;  /* end of the text */
  size_t number;    /* 1-based number of the current line */
  const char *line; /* current line, without its line ending */
  size_t length;
  const char *cursor; /* tokeniser position in the current line */
  skc_error *err;
} skc_text_reader;

static inline bool
skc_text_is_blank (char c)
{
  return c == ' ' || c == '\t';
}

/* Before the first line of `length` bytes of `text` (NULL when length is
 * 0).  `name` (NULL: "<memory>") and err are kept, not copied. */
void skc_text_reader_init (skc_text_reader *r, const char *text, size_t length,
                           const char *name, size_t name_max, skc_error *err);

/* The next line, whatever it holds, with the cursor at its start; *have is
 * false at the end of the text.  Over-long lines and NUL bytes fail. */
skc_result skc_text_next_raw_line (skc_text_reader *r, bool *have);

/* The next line that is not blank or a '#' comment. */
skc_result skc_text_next_line (skc_text_reader *r, bool *have);

/* The first significant line, which must start with the word "skc-WHAT"
 * (what: "filter", "preset"); the cursor is left after that word.  The
 * version format and its arguments say, for the message, what should
 * follow. */
skc_result skc_text_magic (skc_text_reader *r, const char *what,
                           const char *version_format, ...)
    SKC_TEXT_PRINTF (3, 4);

/* The next blank-separated token of the current line from the cursor,
 * which moves past it; false when none is left. */
bool skc_text_token (skc_text_reader *r, const char **token, size_t *length);

bool skc_text_token_is (const char *token, size_t length, const char *word);

/* `length` bytes of the text as a message may show them: shortened to fit
 * `size`, control bytes replaced.  Returns buffer. */
const char *skc_text_quote (const char *text, size_t length, char *buffer,
                            size_t size);

/* Sets r->err to "NAME:LINE: reason" and returns result; line 0 counts as
 * line 1.  skc_text_fail names the current line. */
skc_result skc_text_fail_at (const skc_text_reader *r, size_t line,
                             skc_result result, const char *format, ...)
    SKC_TEXT_PRINTF (4, 5);
skc_result skc_text_fail (const skc_text_reader *r, skc_result result,
                          const char *format, ...) SKC_TEXT_PRINTF (3, 4);
/* skc_text_fail for parsers' own printf-like helpers. */
skc_result skc_text_vfail (const skc_text_reader *r, skc_result result,
                           const char *format, va_list args)
    SKC_TEXT_PRINTF (3, 0);

#endif
