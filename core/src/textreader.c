/* skc — lines and tokens of the core's text formats (see textreader.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "textreader.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
skc_text_reader_init (skc_text_reader *r, const char *text, size_t length,
                      const char *name, size_t name_max, skc_error *err)
{
  /* NULL + 0 is undefined; an empty text is an empty string. */
  if (text == NULL)
    text = "";
  memset (r, 0, sizeof *r);
  r->name = name != NULL ? name : "<memory>";
  r->name_max = name_max;
  r->next = text;
  r->end = text + length;
  r->err = err;
}

static skc_result
text_vfail (const skc_text_reader *r, size_t line, skc_result result,
            const char *format, va_list args)
{
  /* Room for the longest reason, a preset quoting a filter's message. */
  char detail[420];
  size_t name_length = strlen (r->name);

  if (r->err == NULL)
    return result;
  vsnprintf (detail, sizeof detail, format, args);
  if (line == 0)
    line = 1;
  /* Keep the end of a long path, so that the reason still fits. */
  if (name_length > r->name_max)
    return skc_fail (r->err, result, "...%s:%zu: %s",
                     r->name + name_length - r->name_max, line, detail);
  return skc_fail (r->err, result, "%s:%zu: %s", r->name, line, detail);
}

skc_result
skc_text_fail_at (const skc_text_reader *r, size_t line, skc_result result,
                  const char *format, ...)
{
  va_list args;

  va_start (args, format);
  result = text_vfail (r, line, result, format, args);
  va_end (args);
  return result;
}

skc_result
skc_text_vfail (const skc_text_reader *r, skc_result result, const char *format,
                va_list args)
{
  return text_vfail (r, r->number, result, format, args);
}

skc_result
skc_text_fail (const skc_text_reader *r, skc_result result, const char *format,
               ...)
{
  va_list args;

  va_start (args, format);
  result = text_vfail (r, r->number, result, format, args);
  va_end (args);
  return result;
}

skc_result
skc_text_next_raw_line (skc_text_reader *r, bool *have)
{
  const char *start = r->next;
  size_t rest = (size_t) (r->end - start);
  const char *newline;
  size_t length;

  *have = false;
  if (r->next >= r->end)
    return SKC_OK;
  newline = memchr (start, '\n', rest);
  length = newline != NULL ? (size_t) (newline - start) : rest;
  r->next = newline != NULL ? newline + 1 : r->end;
  r->number++;
  if (length > SKC_TEXT_LINE_MAX_BYTES)
    return skc_text_fail (r, SKC_ERR_PARSE, "line is longer than %zu bytes",
                          SKC_TEXT_LINE_MAX_BYTES);
  if (memchr (start, '\0', length) != NULL)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "NUL byte in the line (not a text file?)");
  /* CRLF files are fine: drop the CR. */
  if (length > 0 && start[length - 1] == '\r')
    length--;
  r->line = start;
  r->length = length;
  r->cursor = start;
  *have = true;
  return SKC_OK;
}

static bool
line_is_significant (const skc_text_reader *r)
{
  size_t i = 0;

  while (i < r->length && skc_text_is_blank (r->line[i]))
    i++;
  return i < r->length && r->line[i] != '#';
}

skc_result
skc_text_next_line (skc_text_reader *r, bool *have)
{
  for (;;)
    {
      skc_result result = skc_text_next_raw_line (r, have);

      if (result != SKC_OK || !*have || line_is_significant (r))
        return result;
    }
}

bool
skc_text_token (skc_text_reader *r, const char **token, size_t *length)
{
  const char *stop = r->line + r->length;
  const char *p = r->cursor;

  while (p < stop && skc_text_is_blank (*p))
    p++;
  if (p == stop)
    {
      r->cursor = p;
      return false;
    }
  *token = p;
  while (p < stop && !skc_text_is_blank (*p))
    p++;
  *length = (size_t) (p - *token);
  r->cursor = p;
  return true;
}

skc_result
skc_text_magic (skc_text_reader *r, const char *what,
                const char *version_format, ...)
{
  char magic[32];
  char version[32];
  const char *token = NULL;
  size_t length = 0;
  bool have;
  va_list args;
  skc_result result = skc_text_next_line (r, &have);

  if (result != SKC_OK)
    return result;
  if (!have)
    return skc_text_fail (r, SKC_ERR_PARSE, "empty file, not an skc %s", what);
  snprintf (magic, sizeof magic, "skc-%s", what);
  skc_text_token (r, &token, &length);
  if (skc_text_token_is (token, length, magic))
    return SKC_OK;
  va_start (args, version_format);
  vsnprintf (version, sizeof version, version_format, args);
  va_end (args);
  return skc_text_fail (r, SKC_ERR_PARSE,
                        "not an skc %s (the first line should be '%s %s')",
                        what, magic, version);
}

bool
skc_text_token_is (const char *token, size_t length, const char *word)
{
  return strlen (word) == length && memcmp (token, word, length) == 0;
}

/* So that a hostile file cannot garble a terminal. */
const char *
skc_text_quote (const char *text, size_t length, char *buffer, size_t size)
{
  size_t shown = length < size - 4 ? length : size - 4;

  for (size_t i = 0; i < shown; i++)
    {
      unsigned char c = (unsigned char) text[i];

      buffer[i] = c < 0x20 || c == 0x7f ? '?' : (char) c;
    }
  if (shown < length)
    {
      memcpy (buffer + shown, "...", 3);
      shown += 3;
    }
  buffer[shown] = '\0';
  return buffer;
}
