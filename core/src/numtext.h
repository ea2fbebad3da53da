/* skc — numbers as text in files and specs: always the C spelling ('.'
 * as the decimal point) whatever LC_NUMERIC a host (GIMP, say) has set,
 * written short but exact, read strictly.  Private to the core.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_NUMTEXT_H
#define SKC_NUMTEXT_H

#include <stdbool.h>
#include <stddef.h>

/* The longest number token the readers accept. */
#define SKC_NUMBER_MAX_CHARS 40

/* The shortest of 15, 16 or 17 significant digits that reads back as the
 * same double (0.6 stays "0.6").  Thread-safe. */
void skc_format_double (double value, char *buffer, size_t size);
/* Nine significant digits: reads back as the same float.  Thread-safe. */
void skc_format_float (float value, char *buffer, size_t size);

/* `length` bytes of `token` in the C spelling as a finite double (or, with
 * single, a float).  Only digits, signs, '.', 'e' and 'E' pass, which keeps
 * out "nan", "inf", hex floats and a locale's ','.  Thread-safe. */
bool skc_parse_real (const char *token, size_t length, bool single,
                     double *value);

#endif
