/* skc tests — a deterministic mutation fuzzer for the .skc parser.
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Mutated valid files must never crash the parser, and whatever it accepts
 * must validate and survive writing and reading back unchanged.
 *
 * Usage: fuzz_filterfile [ITERATIONS [SEED]]   (default 20000, fixed seed)
 * Built with -DSKC_LIBFUZZER (and -fsanitize=fuzzer) it is a libFuzzer
 * target instead. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skc/filterfile.h"

#include "check.h"
#include "filter_compare.h"

/* ------------------------------------------------------------------ */
/* The property every input must have                                  */
/* ------------------------------------------------------------------ */

/* Parses `data` (an exact-size heap copy, so ASan catches over-reads).
 * Rejection must be clean; acceptance must give a valid filter that
 * writes, reads back identical, and writes the same text again.  Returns
 * false and says why on a violation; *accepted tells which way it went. */
static bool
check_input (const char *data, size_t size, bool *accepted, char *why,
             size_t why_size)
{
  char *copy = malloc (size > 0 ? size : 1);
  skc_filter *f = NULL;
  skc_filter *back = NULL;
  char *text = NULL;
  char *text_again = NULL;
  size_t length = 0;
  size_t length_again = 0;
  skc_error err;
  skc_result result;
  bool ok = false;

  *accepted = false;
  if (copy == NULL)
    return mismatch (why, why_size, "out of memory");
  memcpy (copy, data, size);
  err.message[0] = '\0';
  result = skc_filter_parse (copy, size, "fuzz", &f, &err);
  free (copy);

  if (result != SKC_OK)
    {
      if (f != NULL)
        return mismatch (why, why_size, "failed parse returned a filter");
      if (result != SKC_ERR_PARSE && result != SKC_ERR_TOO_LARGE)
        return mismatch (why, why_size, "unexpected result %s (%s)",
                         skc_strerror (result), err.message);
      if (strncmp (err.message, "fuzz:", 5) != 0)
        return mismatch (why, why_size, "message without a name: '%s'",
                         err.message);
      return true;
    }

  *accepted = true;
  if (f == NULL)
    return mismatch (why, why_size, "accepted, but no filter");
  if (skc_filter_validate (f, &err) != SKC_OK)
    {
      mismatch (why, why_size, "accepted an invalid filter: %s", err.message);
      goto done;
    }
  text = filter_text (f, &length);
  if (text == NULL)
    {
      mismatch (why, why_size, "cannot write an accepted filter");
      goto done;
    }
  result = skc_filter_parse (text, length, "rewritten", &back, &err);
  if (result != SKC_OK)
    {
      mismatch (why, why_size, "cannot read back its own text: %s",
                err.message);
      goto done;
    }
  if (!filters_identical (f, back, why, why_size))
    goto done;
  text_again = filter_text (back, &length_again);
  if (text_again == NULL || length_again != length
      || memcmp (text, text_again, length) != 0)
    {
      mismatch (why, why_size, "writing twice gives different text");
      goto done;
    }
  ok = true;

done:
  free (text);
  free (text_again);
  skc_filter_free (back);
  skc_filter_free (f);
  return ok;
}

#ifdef SKC_LIBFUZZER

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char why[600];
  bool accepted;

  if (!check_input ((const char *) data, size, &accepted, why, sizeof why))
    {
      fprintf (stderr, "property violated: %s\n", why);
      abort ();
    }
  return 0;
}

#else /* !SKC_LIBFUZZER */

/* ------------------------------------------------------------------ */
/* Mutation                                                            */
/* ------------------------------------------------------------------ */

/* xorshift64*: tiny, and the same sequence on every platform. */
static uint64_t
next_random (uint64_t *state)
{
  uint64_t x = *state;

  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  *state = x;
  return x * UINT64_C (2685821657736338717);
}

static size_t
random_below (uint64_t *state, size_t bound)
{
  return bound == 0 ? 0 : (size_t) (next_random (state) % bound);
}

/* Mutants stay small so that many fit in the time. */
#define MUTANT_MAX 65536

typedef struct
{
  char *bytes;
  size_t length;
  size_t capacity;
} mutant;

static bool
mutant_reserve (mutant *m, size_t extra)
{
  char *larger;
  size_t wanted;

  if (m->length + extra <= m->capacity)
    return true;
  wanted = (m->length + extra) * 2;
  larger = realloc (m->bytes, wanted);
  if (larger == NULL)
    return false;
  m->bytes = larger;
  m->capacity = wanted;
  return true;
}

static void
mutant_insert (mutant *m, size_t at, const char *bytes, size_t count)
{
  if (m->length + count > MUTANT_MAX || !mutant_reserve (m, count))
    return;
  memmove (m->bytes + at + count, m->bytes + at, m->length - at);
  memcpy (m->bytes + at, bytes, count);
  m->length += count;
}

static void
mutant_erase (mutant *m, size_t at, size_t count)
{
  if (at + count > m->length)
    count = m->length - at;
  memmove (m->bytes + at, m->bytes + at + count, m->length - at - count);
  m->length -= count;
}

/* The line around byte `at`: [*start, *end), end including the '\n'. */
static void
line_around (const mutant *m, size_t at, size_t *start, size_t *end)
{
  size_t s = at;
  size_t e = at;

  while (s > 0 && m->bytes[s - 1] != '\n')
    s--;
  while (e < m->length && m->bytes[e] != '\n')
    e++;
  if (e < m->length)
    e++;
  *start = s;
  *end = e;
}

static const char interesting_bytes[] = " \t\n\r#0123456789-+.eE\0xa,";

/* Numbers at and around the limits, and spellings strtod would accept but
 * the format does not. */
static const char *const interesting_numbers[] = {
  "nan",  "inf",  "-inf",      "1e30",  "1e39", "1e-45",
  "-0",   "0",    "1",         "-1",    "2",    "16",
  "17",   "63",   "64",        "65",    "4095", "4097",
  "4099", "2048", "2048.0001", "-2048", "0.5",  "99999999999999999999",
  "0x10", "1,5",
};

static const char *const interesting_words[] = {
  "layer 1\n",
  "layer 64\n",
  "end\n",
  "end",
  "column",
  "row",
  "kind lowrank\n",
  "kind complex\n",
  "kind knots\n",
  "axis rows\n",
  "axis columns\n",
  "line\n",
  "line ",
  "skc-filter 2\n",
  "offsets integer\n",
  "rank 1\n",
  "size 1\n",
  "layers 1\n",
  "spec ",
  "radius ",
  "target-size ",
  "# comment\n",
  "\r\n",
  "\n",
  "skc-filter ",
};

#define COUNT(array) (sizeof (array) / sizeof (array)[0])

static void
mutate (mutant *m, uint64_t *rng)
{
  size_t at = random_below (rng, m->length + 1);
  size_t start;
  size_t end;

  switch (random_below (rng, 9))
    {
    case 0: /* flip a bit */
      if (m->length > 0)
        {
          at = random_below (rng, m->length);
          m->bytes[at] ^= (char) (1u << random_below (rng, 8));
        }
      break;
    case 1: /* overwrite with a byte that matters to the format */
      if (m->length > 0)
        {
          at = random_below (rng, m->length);
          m->bytes[at] = interesting_bytes[random_below (
              rng, sizeof interesting_bytes - 1)];
        }
      break;
    case 2: /* insert a few such bytes */
      {
        char bytes[8];
        size_t count = 1 + random_below (rng, sizeof bytes);
        size_t i;

        for (i = 0; i < count; i++)
          bytes[i] = interesting_bytes[random_below (
              rng, sizeof interesting_bytes - 1)];
        mutant_insert (m, at, bytes, count);
      }
      break;
    case 3: /* delete a few bytes */
      if (at < m->length)
        mutant_erase (m, at, 1 + random_below (rng, 16));
      break;
    case 4: /* duplicate a line */
      if (m->length > 0)
        {
          char *line;

          line_around (m, random_below (rng, m->length), &start, &end);
          line = malloc (end - start + 1);
          if (line != NULL)
            {
              memcpy (line, m->bytes + start, end - start);
              mutant_insert (m, end, line, end - start);
              free (line);
            }
        }
      break;
    case 5: /* delete a line */
      if (m->length > 0)
        {
          line_around (m, random_below (rng, m->length), &start, &end);
          mutant_erase (m, start, end - start);
        }
      break;
    case 6: /* move a line elsewhere */
      if (m->length > 0)
        {
          char *line;
          size_t count;

          line_around (m, random_below (rng, m->length), &start, &end);
          count = end - start;
          line = malloc (count + 1);
          if (line != NULL)
            {
              memcpy (line, m->bytes + start, count);
              mutant_erase (m, start, count);
              line_around (m, random_below (rng, m->length + 1), &start, &end);
              mutant_insert (m, start, line, count);
              free (line);
            }
        }
      break;
    case 7: /* insert a token the parser has opinions about */
      {
        const char *token = random_below (rng, 2) == 0
                                ? interesting_numbers[random_below (
                                    rng, COUNT (interesting_numbers))]
                                : interesting_words[random_below (
                                    rng, COUNT (interesting_words))];

        mutant_insert (m, at, token, strlen (token));
      }
      break;
    default: /* replace a number with an interesting token */
      {
        size_t i;

        for (i = at; i < m->length; i++)
          if (m->bytes[i] >= '0' && m->bytes[i] <= '9')
            break;
        if (i < m->length)
          {
            const char *token = interesting_numbers[random_below (
                rng, COUNT (interesting_numbers))];
            size_t stop = i;

            while (i > 0 && m->bytes[i - 1] != ' ' && m->bytes[i - 1] != '\n')
              i--;
            while (stop < m->length && m->bytes[stop] != ' '
                   && m->bytes[stop] != '\n' && m->bytes[stop] != '\r')
              stop++;
            mutant_erase (m, i, stop - i);
            mutant_insert (m, i, token, strlen (token));
          }
      }
      break;
    }
}

/* ------------------------------------------------------------------ */
/* Seeds                                                               */
/* ------------------------------------------------------------------ */

static void
seed_info (skc_filter *f, const char *spec, double radius, int size)
{
  skc_filter_info info;

  memset (&info, 0, sizeof info);
  snprintf (info.spec, sizeof info.spec, "%s", spec);
  info.radius = radius;
  info.target_size = size;
  skc_filter_set_info (f, &info);
}

/* Valid texts to mutate: written by skc itself, plus a hand-written one
 * with comments, CRLF and an unusual key order. */
static int
make_seeds (char **seeds, size_t *lengths, int room)
{
  const int bilinear_sizes[3] = { 3, 1, 2 };
  const int integer_sizes[2] = { 2, 2 };
  static const char hand_written[]
      = "# hand-written\r\nskc-filter 1\r\nlayers 2\r\nkind complex\r\n"
        "offsets integer\r\n\r\nlayer 1\r\n  0 0 1\r\n# second\r\nlayer 2\r\n"
        "  -3 4 0.5\r\n  3 -4 0.5\r\nend\r\n# done\r\n";
  /* A knots filter: both axes' worth of structure, an empty line, a line
     closing one past its end, weights on a 2^-k grid summing to zero. */
  static const int knot_counts[5] = { 0, 2, 4, 3, 0 };
  static const char hand_knots[]
      = "skc-filter 2\r\n# knots by hand\r\nsize 3\r\naxis columns\r\n"
        "kind knots\r\nline\r\nline -1 0.5 2 -0.5\r\nline\r\nend\r\n";
  skc_filter *filters[4];
  int count = 0;
  int i;

  filters[0] = skc_filter_new_complex (3, bilinear_sizes, SKC_OFFSETS_BILINEAR);
  filters[1] = skc_filter_new_complex (2, integer_sizes, SKC_OFFSETS_INTEGER);
  filters[2] = skc_filter_new_lowrank (2, 5);
  filters[3] = skc_filter_new_knots (SKC_KNOTS_ROWS, 5, knot_counts);
  if (filters[3] != NULL)
    {
      static const int pos[9] = { -1, 2, -2, 0, 1, 3, -2, -1, 3 };
      static const float w[9] = { 0.25f,   -0.25f, 0.125f, 0.0625f, -0.0625f,
                                  -0.125f, 0.25f,  0.5f,   -0.75f };
      int k = 0;
      int line;

      for (line = 0; line < 5; line++)
        {
          int *p = skc_filter_knot_positions (filters[3], line);
          float *v = skc_filter_knot_weights (filters[3], line);
          int j;

          for (j = 0; j < knot_counts[line]; j++, k++)
            {
              p[j] = pos[k];
              v[j] = w[k];
            }
        }
      seed_info (filters[3], "shape:heart", 2, 5);
    }
  if (filters[0] != NULL)
    {
      skc_sample *s = skc_filter_layer (filters[0], 0);

      s[0] = (skc_sample){ 1.5f, -2.25f, 0.333333343f };
      s[1] = (skc_sample){ -0.0f, 7.125f, -1e-7f };
      s[2] = (skc_sample){ 2047.5f, 0.1f, 1.0f };
      skc_filter_layer (filters[0], 1)[0] = (skc_sample){ 3, 3, 2 };
      skc_filter_layer (filters[0], 2)[1] = (skc_sample){ -1, 1, 0.5f };
      seed_info (filters[0], "shape:polygon:blades=6", 22.5, 49);
    }
  if (filters[1] != NULL)
    {
      skc_filter_layer (filters[1], 0)[0] = (skc_sample){ 1, 0, 0.25f };
      skc_filter_layer (filters[1], 1)[1] = (skc_sample){ -2, 5, 4 };
      seed_info (filters[1], "file:/a b/c:d.png", 0.1, 0);
    }
  if (filters[2] != NULL)
    {
      for (i = 0; i < 5; i++)
        {
          skc_filter_column (filters[2], 0)[i] = (float) i * 0.5f;
          skc_filter_row (filters[2], 1)[i] = 1.0f / (float) (i + 1);
        }
      seed_info (filters[2], "", 3, 5);
    }

  for (i = 0; i < 4; i++)
    {
      if (filters[i] != NULL && count < room)
        {
          seeds[count] = filter_text (filters[i], &lengths[count]);
          if (seeds[count] != NULL)
            count++;
        }
      skc_filter_free (filters[i]);
    }
  if (count < room)
    {
      seeds[count] = malloc (sizeof hand_written);
      if (seeds[count] != NULL)
        {
          memcpy (seeds[count], hand_written, sizeof hand_written);
          lengths[count] = sizeof hand_written - 1;
          count++;
        }
    }
  if (count < room)
    {
      seeds[count] = malloc (sizeof hand_knots);
      if (seeds[count] != NULL)
        {
          memcpy (seeds[count], hand_knots, sizeof hand_knots);
          lengths[count] = sizeof hand_knots - 1;
          count++;
        }
    }
  return count;
}

/* Shows a failing input on stderr, escaped and shortened. */
static void
show_input (const char *data, size_t size)
{
  size_t i;

  fprintf (stderr, "     input (%zu bytes): \"", size);
  for (i = 0; i < size && i < 600; i++)
    {
      unsigned char c = (unsigned char) data[i];

      if (c == '\n')
        fputs ("\\n", stderr);
      else if (c == '\\' || c == '"')
        fprintf (stderr, "\\%c", c);
      else if (c < 0x20 || c >= 0x7f)
        fprintf (stderr, "\\x%02x", c);
      else
        fputc (c, stderr);
    }
  fputs (i < size ? "\"...\n" : "\"\n", stderr);
}

#define SEEDS_MAX 8
#define POOL_SIZE 32

int
main (int argc, char **argv)
{
  char *seeds[SEEDS_MAX];
  size_t seed_lengths[SEEDS_MAX];
  char *pool[POOL_SIZE] = { NULL };
  size_t pool_lengths[POOL_SIZE] = { 0 };
  int seed_count;
  long iterations = 20000;
  uint64_t rng = UINT64_C (0x9e3779b97f4a7c15);
  long accepted = 0;
  long rejected = 0;
  long i;
  int s;

  if (argc > 1)
    {
      char *end;

      errno = 0;
      iterations = strtol (argv[1], &end, 10);
      if (errno != 0 || *end != '\0' || end == argv[1] || iterations < 0)
        {
          fprintf (stderr, "usage: %s [ITERATIONS [SEED]]\n", argv[0]);
          return 2;
        }
    }
  if (argc > 2)
    {
      char *end;

      errno = 0;
      rng = strtoull (argv[2], &end, 0);
      if (errno != 0 || *end != '\0' || end == argv[2])
        {
          fprintf (stderr, "usage: %s [ITERATIONS [SEED]]\n", argv[0]);
          return 2;
        }
      if (rng == 0) /* xorshift never leaves 0 */
        rng = 1;
    }

  seed_count = make_seeds (seeds, seed_lengths, SEEDS_MAX);
  CHECK_EQ_INT (seed_count, 6);

  /* The seeds themselves must pass, and be accepted. */
  for (s = 0; s < seed_count; s++)
    {
      char why[600] = "";
      bool was_accepted;

      CHECK_MSG (check_input (seeds[s], seed_lengths[s], &was_accepted, why,
                              sizeof why)
                     && was_accepted,
                 "seed %d: %s", s, why);
    }

  for (i = 0; i < iterations && seed_count > 0; i++)
    {
      mutant m = { NULL, 0, 0 };
      const char *origin;
      size_t origin_length;
      size_t slot;
      int mutations;
      int k;
      char why[600] = "";
      bool was_accepted;
      bool ok;

      /* Mostly seeds; sometimes an accepted mutant, to go deeper. */
      slot = random_below (&rng, POOL_SIZE);
      if (random_below (&rng, 4) == 0 && pool[slot] != NULL)
        {
          origin = pool[slot];
          origin_length = pool_lengths[slot];
        }
      else
        {
          s = (int) random_below (&rng, (size_t) seed_count);
          origin = seeds[s];
          origin_length = seed_lengths[s];
        }
      if (!mutant_reserve (&m, origin_length + 1))
        break;
      memcpy (m.bytes, origin, origin_length);
      m.length = origin_length;

      mutations = 1 + (int) random_below (&rng, 4);
      for (k = 0; k < mutations; k++)
        mutate (&m, &rng);

      ok = check_input (m.bytes, m.length, &was_accepted, why, sizeof why);
      if (!check_record (ok, __FILE__, __LINE__,
                         "fuzz input keeps the "
                         "property"))
        {
          fprintf (stderr, "     iteration %ld: %s\n", i, why);
          show_input (m.bytes, m.length);
        }
      if (was_accepted)
        {
          accepted++;
          /* Keep it for later rounds (the pool owns the bytes). */
          free (pool[slot]);
          pool[slot] = m.bytes;
          pool_lengths[slot] = m.length;
          m.bytes = NULL;
        }
      else
        rejected++;
      free (m.bytes);
    }

  printf ("fuzz: %ld iterations, %ld accepted, %ld rejected\n", iterations,
          accepted, rejected);
  /* A fuzzer that only ever hits one branch tests little. */
  if (iterations >= 1000)
    {
      CHECK (accepted > iterations / 100);
      CHECK (rejected > iterations / 100);
    }

  for (s = 0; s < seed_count; s++)
    free (seeds[s]);
  for (s = 0; s < POOL_SIZE; s++)
    free (pool[s]);
  return check_summary ();
}

#endif /* SKC_LIBFUZZER */
