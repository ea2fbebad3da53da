/* skc tests — a bounded, deterministic mutation fuzzer for the preset
 * parser.
 *
 * Property: whatever the bytes, skc_preset_parse either refuses them with
 * a parse-type result and a "fuzz:LINE: ..." message, or returns a preset
 * whose text reads back to a preset that writes the very same text.
 *
 * Usage: fuzz_preset [ITERATIONS [SEED]]   (default 20000, fixed seed)
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "skc/skc.h"

#include "check.h"

/* ------------------------------------------------------------------ */
/* Text buffers                                                        */
/* ------------------------------------------------------------------ */

/* Inputs stay below this, so that many fit in the time. */
#define INPUT_MAX 49152

typedef struct
{
  char *data;
  size_t size;
} text;

static char *
write_preset (const skc_preset *preset, size_t *size)
{
  char *data = NULL;
  FILE *stream = open_memstream (&data, size);

  if (stream == NULL)
    return NULL;
  if (skc_preset_write (preset, stream) != SKC_OK)
    {
      fclose (stream);
      free (data);
      return NULL;
    }
  fclose (stream);
  return data;
}

/* Checks one input; false with a reason when the property fails. */
static bool
holds (const char *input, size_t size, bool *accepted, char *why,
       size_t why_size)
{
  /* An exact-size heap copy: a read past the end is an ASan error. */
  char *copy = malloc (size ? size : 1);
  skc_preset *preset = NULL, *back = NULL;
  skc_error err;
  skc_result result;
  char *first = NULL, *second = NULL;
  size_t first_size = 0, second_size = 0;
  bool ok = false;

  *accepted = false;
  if (copy == NULL)
    {
      snprintf (why, why_size, "out of memory");
      return false;
    }
  if (size)
    memcpy (copy, input, size);
  err.message[0] = '\0';
  result = skc_preset_parse (copy, size, "fuzz", &preset, &err);
  free (copy);
  if (result != SKC_OK)
    {
      if (preset != NULL)
        snprintf (why, why_size, "refused, yet returned a preset");
      else if (result != SKC_ERR_PARSE && result != SKC_ERR_TOO_LARGE
               && result != SKC_ERR_UNSUPPORTED)
        snprintf (why, why_size, "result %s: %s", skc_strerror (result),
                  err.message);
      else if (strncmp (err.message, "fuzz:", 5) != 0
               || strlen (err.message) < 10)
        snprintf (why, why_size, "unclear message '%s'", err.message);
      else
        return true;
      return false;
    }

  *accepted = true;
  first = write_preset (preset, &first_size);
  if (first == NULL)
    snprintf (why, why_size, "an accepted preset cannot be written");
  else if (skc_preset_parse (first, first_size, "again", &back, &err) != SKC_OK)
    snprintf (why, why_size, "its own text is refused: %s", err.message);
  else if ((second = write_preset (back, &second_size)) == NULL
           || second_size != first_size
           || memcmp (first, second, first_size) != 0)
    snprintf (why, why_size, "written twice, the texts differ");
  else
    {
      skc_params a, b;

      skc_params_init (&a);
      skc_params_init (&b);
      skc_preset_apply (preset, 0, &a);
      skc_preset_apply (back, 0, &b);
      /* What the engine would be given passes its own range checks. */
      if (!(a.radius >= 0 && a.radius <= 1000 && a.map_gamma >= 0.1
            && a.highlight_gain >= 1 && a.swirl <= 1 && a.cat_eye <= 1))
        snprintf (why, why_size, "accepted a value out of range");
      else if (memcmp (&a.radius, &b.radius, sizeof a.radius) != 0
               || a.seed != b.seed
               || skc_preset_filter_count (preset)
                      != skc_preset_filter_count (back))
        snprintf (why, why_size, "values changed on the way back");
      else
        ok = true;
    }
  free (first);
  free (second);
  skc_preset_free (preset);
  skc_preset_free (back);
  return ok;
}

/* ------------------------------------------------------------------ */
/* Random mutations                                                    */
/* ------------------------------------------------------------------ */

/* splitmix64: one add and a mix per number, the same everywhere. */
static uint64_t
rand64 (uint64_t *state)
{
  uint64_t z = (*state += UINT64_C (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * UINT64_C (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * UINT64_C (0x94d049bb133111eb);
  return z ^ (z >> 31);
}

static size_t
below (uint64_t *state, size_t n)
{
  return n ? (size_t) (rand64 (state) % n) : 0;
}

static void
splice (text *t, size_t at, size_t remove, const char *add, size_t count)
{
  char *grown;

  if (at > t->size)
    at = t->size;
  if (remove > t->size - at)
    remove = t->size - at;
  if (t->size - remove + count > INPUT_MAX)
    return;
  grown = malloc (t->size - remove + count + 1);
  if (grown == NULL)
    return;
  memcpy (grown, t->data, at);
  memcpy (grown + at, add, count);
  memcpy (grown + at + count, t->data + at + remove, t->size - at - remove);
  free (t->data);
  t->data = grown;
  t->size = t->size - remove + count;
}

/* Start and length of line number `n` (0-based, wrapping), newline
 * included. */
static void
find_line (const text *t, size_t n, size_t *start, size_t *length)
{
  size_t lines = 1;
  size_t i, s = 0;

  for (i = 0; i < t->size; i++)
    if (t->data[i] == '\n')
      lines++;
  n %= lines;
  for (i = 0; i < t->size && n > 0; i++)
    if (t->data[i] == '\n')
      {
        n--;
        s = i + 1;
      }
  for (i = s; i < t->size && t->data[i] != '\n'; i++)
    ;
  *start = s;
  *length = (i < t->size ? i + 1 : i) - s;
}

static const char *const values[] = {
  "0",
  "1",
  "-1",
  "1000",
  "1000.0000000000001",
  "0.05",
  "0.0499",
  "16",
  "17",
  "3",
  "2",
  "1e308",
  "1e309",
  "nan",
  "inf",
  "-0",
  "0x10",
  "1,5",
  "yes",
  "no",
  "true",
  "maybe",
  "draft",
  "high",
  "bitmap",
  "polygon",
  "shape:star:points=7",
  "shape:polygon:blades=99",
  "file:/x",
  "18446744073709551615",
  "18446744073709551616",
  "",
  "1 1 hex",
  "2 2 float",
  "1025 1 hex",
  "0 0 hex",
  "ff",
  "00",
  "0.5 -0.5",
};

static const char *const lines[] = {
  "end\n",
  "skc-preset 1.0\n",
  "skc-preset 2.0\n",
  "skc-preset 1.9\n",
  "shape = bitmap\n",
  "bitmap = 2 2 hex\n",
  "bitmap = 1 1 float\n",
  "ff00\n",
  "1e-45\n",
  "filter = k\n",
  "skc-filter 1\n",
  "kind complex\n",
  "kind lowrank\n",
  "layers 1\n",
  "layer 1\n",
  "0 0 1\n",
  "# note\n",
  "\n",
  "\r\n",
  "name = x\n",
  "unknown-key = 1\n",
  "radius = 5\n",
  "rank 1\n",
  "size 1\n",
  "column 1\n",
  "row 1\n",
};

static void
mutate (text *t, uint64_t *rng, const text *seeds, int seed_count)
{
  size_t at = below (rng, t->size + 1);
  size_t start, length;

  switch (below (rng, 10))
    {
    case 0: /* a flipped bit */
      if (t->size)
        t->data[below (rng, t->size)] ^= (char) (1 << below (rng, 8));
      break;
    case 1: /* a random byte, often one the format cares about */
      {
        static const char bytes[] = "=\n\r\t #.-+e0123456789abcdefxyz\0\377";
        char c = bytes[below (rng, sizeof bytes - 1)];

        splice (t, at, below (rng, 2), &c, 1);
      }
      break;
    case 2: /* the file cut short */
      t->size = at;
      break;
    case 3: /* a line dropped */
      find_line (t, below (rng, 4096), &start, &length);
      splice (t, start, length, "", 0);
      break;
    case 4: /* a line repeated */
    case 5: /* a line moved */
      {
        char line[512];

        find_line (t, below (rng, 4096), &start, &length);
        if (length > sizeof line)
          break;
        memcpy (line, t->data + start, length);
        if (t->size && below (rng, 2))
          splice (t, start, length, "", 0);
        {
          size_t dest, dest_length;

          find_line (t, below (rng, 4096), &dest, &dest_length);
          splice (t, dest, 0, line, length);
        }
      }
      break;
    case 6: /* a value replaced */
      {
        const char *v = values[below (rng, sizeof values / sizeof *values)];
        size_t eq, end;

        find_line (t, below (rng, 4096), &start, &length);
        for (eq = start; eq < start + length && t->data[eq] != '='; eq++)
          ;
        if (eq == start + length)
          eq = start + below (rng, length + 1);
        else
          eq += 2;
        for (end = eq;
             end < t->size && t->data[end] != '\n' && t->data[end] != ' ';
             end++)
          ;
        if (eq <= end)
          splice (t, eq, end - eq, v, strlen (v));
      }
      break;
    case 7: /* a line the parser has opinions about */
      {
        const char *l = lines[below (rng, sizeof lines / sizeof *lines)];

        find_line (t, below (rng, 4096), &start, &length);
        splice (t, start, 0, l, strlen (l));
      }
      break;
    case 8: /* a piece of another seed */
      {
        const text *other = &seeds[below (rng, (size_t) seed_count)];
        size_t from = below (rng, other->size + 1);
        size_t count = below (rng, 400);

        if (count > other->size - from)
          count = other->size - from;
        splice (t, at, below (rng, 64), other->data + from, count);
      }
      break;
    default: /* a run of bytes removed */
      splice (t, at, 1 + below (rng, 32), "", 0);
      break;
    }
}

/* ------------------------------------------------------------------ */
/* Seeds: presets skc writes, and one written by hand                  */
/* ------------------------------------------------------------------ */

static int
make_seeds (text *seeds, int room)
{
  static const char by_hand[]
      = "# by hand\r\n\r\nskc-preset 1.3\r\nname = hand made\r\n"
        "shape = shape:polygon:blades=9,curvature=0.6\r\nradius=12\r\n"
        "  quality =   high  \r\nfuture-thing = ignored\r\nclip = false\r\n"
        "end\r\n# after\r\n";
  int count = 0;
  skc_params p;
  skc_error err;
  skc_image bitmap = { 0 };
  skc_filter *complex, *lowrank;
  const int sizes[2] = { 3, 1 };

  for (int variant = 0; variant < 3 && count < room; variant++)
    {
      skc_preset *preset = skc_preset_new ();

      skc_params_init (&p);
      if (variant == 1)
        {
          skc_image_alloc (&bitmap, 4, 3, 1);
          for (int i = 0; i < 12; i++)
            bitmap.data[i] = (float) (i * 20) / 255.0f;
          p.shape_image = &bitmap;
          p.radius = 0.1 + 0.2;
          p.swirl = 0.5;
          p.seed = 42;
        }
      if (variant == 2)
        {
          skc_image_alloc (&bitmap, 2, 2, 1);
          bitmap.data[0] = -0.0f;
          bitmap.data[1] = 1e-45f;
          bitmap.data[2] = 0.75f;
          bitmap.data[3] = 3.0f;
          p.shape_image = &bitmap;
          p.quality = SKC_QUALITY_DRAFT;
          p.invert_map = 1;
        }
      p.map_linear = variant == 2;
      skc_preset_set_params (preset, &p, &err);
      skc_image_free (&bitmap);
      skc_preset_set_name (preset, variant ? "seed preset" : "", &err);
      if (variant == 2)
        {
          complex = skc_filter_new_complex (2, sizes, SKC_OFFSETS_INTEGER);
          skc_filter_layer (complex, 0)[0] = (skc_sample){ 1, -2, 0.25f };
          skc_filter_layer (complex, 0)[2] = (skc_sample){ 0, 3, 0.75f };
          skc_filter_layer (complex, 1)[0] = (skc_sample){ 0, 0, 1 };
          lowrank = skc_filter_new_lowrank (1, 3);
          for (int i = 0; i < 3; i++)
            {
              skc_filter_column (lowrank, 0)[i] = 0.25f * (float) (i + 1);
              skc_filter_row (lowrank, 0)[i] = 1.0f / 3.0f;
            }
          skc_preset_add_filter (preset, "disk-1|image:1|r=3|draft", complex,
                                 &err);
          skc_preset_add_filter (preset, "low rank key", lowrank, &err);
          skc_filter_free (complex);
          skc_filter_free (lowrank);
        }
      seeds[count].data = write_preset (preset, &seeds[count].size);
      if (seeds[count].data != NULL)
        count++;
      skc_preset_free (preset);
    }
  if (count < room)
    {
      seeds[count].data = malloc (sizeof by_hand);
      if (seeds[count].data != NULL)
        {
          memcpy (seeds[count].data, by_hand, sizeof by_hand);
          seeds[count].size = sizeof by_hand - 1;
          count++;
        }
    }
  return count;
}

static void
show (const char *data, size_t size)
{
  fprintf (stderr, "     input (%zu bytes): \"", size);
  for (size_t i = 0; i < size && i < 800; i++)
    {
      unsigned char c = (unsigned char) data[i];

      if (c == '\n')
        fputs ("\\n", stderr);
      else if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
        fprintf (stderr, "\\x%02x", c);
      else
        fputc (c, stderr);
    }
  fputs (size > 800 ? "\"...\n" : "\"\n", stderr);
}

#define SEED_ROOM 8
#define KEPT 16

int
main (int argc, char **argv)
{
  text seeds[SEED_ROOM];
  text kept[KEPT] = { { NULL, 0 } };
  long iterations = 20000;
  uint64_t rng = UINT64_C (20240601);
  long accepted = 0, refused = 0;
  int seed_count;

  if (argc > 1)
    {
      char *end;

      errno = 0;
      iterations = strtol (argv[1], &end, 10);
      if (errno || *end || end == argv[1] || iterations < 0)
        {
          fprintf (stderr, "usage: %s [ITERATIONS [SEED]]\n", argv[0]);
          return 2;
        }
    }
  if (argc > 2)
    rng = strtoull (argv[2], NULL, 0);

  seed_count = make_seeds (seeds, SEED_ROOM);
  CHECK_EQ_INT (seed_count, 4);
  for (int s = 0; s < seed_count; s++)
    {
      char why[600] = "";
      bool was_accepted;

      CHECK_MSG (
          holds (seeds[s].data, seeds[s].size, &was_accepted, why, sizeof why)
              && was_accepted,
          "seed %d: %s", s, why);
    }

  for (long i = 0; i < iterations && seed_count > 0; i++)
    {
      size_t slot = below (&rng, KEPT);
      const text *origin = below (&rng, 3) == 0 && kept[slot].data != NULL
                               ? &kept[slot]
                               : &seeds[below (&rng, (size_t) seed_count)];
      text t = { malloc (origin->size + 1), origin->size };
      int rounds = 1 + (int) below (&rng, 3);
      char why[600] = "";
      bool was_accepted;

      if (t.data == NULL)
        break;
      memcpy (t.data, origin->data, origin->size);
      for (int k = 0; k < rounds; k++)
        mutate (&t, &rng, seeds, seed_count);
      if (!check_record (holds (t.data, t.size, &was_accepted, why, sizeof why),
                         __FILE__, __LINE__, "the property holds"))
        {
          fprintf (stderr, "     iteration %ld: %s\n", i, why);
          show (t.data, t.size);
        }
      if (was_accepted)
        {
          accepted++;
          /* Accepted mutants breed further ones. */
          free (kept[slot].data);
          kept[slot] = t;
          t.data = NULL;
        }
      else
        refused++;
      free (t.data);
    }

  printf ("fuzz-preset: %ld inputs, %ld accepted, %ld refused\n", iterations,
          accepted, refused);
  /* A run that only ever accepts, or only refuses, explores little. */
  if (iterations >= 1000)
    {
      CHECK (accepted > iterations / 50);
      CHECK (refused > iterations / 50);
    }
  for (int s = 0; s < seed_count; s++)
    free (seeds[s].data);
  for (int s = 0; s < KEPT; s++)
    free (kept[s].data);
  return check_summary ();
}
