/* skc — numbers as text, in the C spelling whatever the locale (see
 * numtext.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "numtext.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Files always use '.', but printf and strtod follow LC_NUMERIC, which a
 * host (GIMP) may set to a ',' locale.  snprintf tells the locale's point
 * and, unlike localeconv, is thread-safe. */
static void
locale_point (char *point, size_t size)
{
  char sample[32];
  int length = snprintf (sample, sizeof sample, "%.1f", 0.5);

  if (length < 3 || (size_t) (length - 2) >= size)
    {
      snprintf (point, size, ".");
      return;
    }
  memcpy (point, sample + 1, (size_t) (length - 2));
  point[length - 2] = '\0';
}

static void
to_c_point (char *text)
{
  char point[16];
  char *found;
  size_t point_length;

  locale_point (point, sizeof point);
  if (strcmp (point, ".") == 0 || (found = strstr (text, point)) == NULL)
    return;
  point_length = strlen (point);
  *found = '.';
  memmove (found + 1, found + point_length, strlen (found + point_length) + 1);
}

/* The shortest of 15, 16 or 17 digits that reads back as the same double,
 * so that 0.6 stays "0.6". */
void
skc_format_double (double value, char *buffer, size_t size)
{
  int precision;

  for (precision = 15; precision < 17; precision++)
    {
      snprintf (buffer, size, "%.*g", precision, value);
      if (strtod (buffer, NULL) == value)
        break;
    }
  if (precision == 17)
    snprintf (buffer, size, "%.17g", value);
  to_c_point (buffer);
}

/* Nine significant digits read back as the same float. */
void
skc_format_float (float value, char *buffer, size_t size)
{
  snprintf (buffer, size, "%.9g", (double) value);
  to_c_point (buffer);
}

/* A token in the C spelling as a finite double (or float).  Only digits,
 * signs, '.', 'e' and 'E' pass, which keeps out "nan", "inf", hex floats
 * and a locale's ','. */
bool
skc_parse_real (const char *token, size_t length, bool single, double *value)
{
  char buffer[SKC_NUMBER_MAX_CHARS + 32];
  char point[16];
  size_t point_length;
  size_t used = 0;
  char *end;

  if (length == 0 || length > SKC_NUMBER_MAX_CHARS)
    return false;
  locale_point (point, sizeof point);
  point_length = strlen (point);
  for (size_t i = 0; i < length; i++)
    {
      char c = token[i];

      if (c == '.')
        {
          if (used + point_length >= sizeof buffer)
            return false;
          memcpy (buffer + used, point, point_length);
          used += point_length;
          continue;
        }
      if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e'
            || c == 'E'))
        return false;
      buffer[used++] = c;
    }
  buffer[used] = '\0';
  errno = 0;
  if (single)
    {
      float parsed = strtof (buffer, &end);

      if (end == buffer || *end != '\0' || !isfinite (parsed))
        return false;
      *value = parsed;
    }
  else
    {
      double parsed = strtod (buffer, &end);

      if (end == buffer || *end != '\0' || !isfinite (parsed))
        return false;
      *value = parsed;
    }
  return true;
}
