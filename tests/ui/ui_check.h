/* skc tests — the widget tests' check: a failed condition is printed with
 * its place and a formatted detail, and counted in `failures` (the test's
 * exit status).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEST_UI_CHECK_H
#define SKC_TEST_UI_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                       \
  do                                                                           \
    {                                                                          \
      if (!(cond))                                                             \
        {                                                                      \
          failures++;                                                          \
          printf ("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);              \
          printf (__VA_ARGS__);                                                \
          printf ("\n");                                                       \
        }                                                                      \
    }                                                                          \
  while (0)

#endif
