/* skc tests — a tiny assertion helper ending in "N passed, M failed".
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_TEST_CHECK_H
#define SKC_TEST_CHECK_H

#include <math.h>
#include <stdio.h>

/* One test program per translation unit, so file-scope counters do. */
static int check_passed;
static int check_failed;

/* Records one outcome; prints where and what when it failed. */
static inline int
check_record (int ok, const char *file, int line, const char *what)
{
  if (ok)
    check_passed++;
  else
    {
      check_failed++;
      fprintf (stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
  return ok;
}

#define CHECK(cond) check_record ((cond) ? 1 : 0, __FILE__, __LINE__, #cond)

/* Like CHECK, with a printf-style note printed on failure. */
#define CHECK_MSG(cond, ...)                                                   \
  do                                                                           \
    {                                                                          \
      if (!check_record ((cond) ? 1 : 0, __FILE__, __LINE__, #cond))           \
        {                                                                      \
          fprintf (stderr, "     ");                                           \
          fprintf (stderr, __VA_ARGS__);                                       \
          fprintf (stderr, "\n");                                              \
        }                                                                      \
    }                                                                          \
  while (0)

#define CHECK_EQ_INT(actual, expected)                                         \
  do                                                                           \
    {                                                                          \
      long long check_actual_ = (long long) (actual);                          \
      long long check_expected_ = (long long) (expected);                      \
      if (!check_record (check_actual_ == check_expected_, __FILE__, __LINE__, \
                         #actual " == " #expected))                            \
        fprintf (stderr, "     got %lld, expected %lld\n", check_actual_,      \
                 check_expected_);                                             \
    }                                                                          \
  while (0)

#define CHECK_NEAR(actual, expected, tolerance)                                \
  do                                                                           \
    {                                                                          \
      double check_actual_ = (double) (actual);                                \
      double check_expected_ = (double) (expected);                            \
      if (!check_record (fabs (check_actual_ - check_expected_)                \
                             <= (double) (tolerance),                          \
                         __FILE__, __LINE__, #actual " ~= " #expected))        \
        fprintf (stderr, "     got %.9g, expected %.9g (tolerance %g)\n",      \
                 check_actual_, check_expected_, (double) (tolerance));        \
    }                                                                          \
  while (0)

/* Prints the summary line; returns the exit status for main. */
static inline int
check_summary (void)
{
  printf ("%d passed, %d failed\n", check_passed, check_failed);
  return check_failed == 0 ? 0 : 1;
}

#endif
