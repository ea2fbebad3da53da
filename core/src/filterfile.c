/* skc — the .skc text format: writer and hostile-input-safe parser.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/filterfile.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "skc/imagefile.h"
#include "filter_private.h"
#include "numtext.h"
#include "io_private.h"
#include "textreader.h"

/* A full-size filter is well under 1 MiB of text. */
#define FILTER_FILE_MAX_BYTES ((size_t) 64 << 20)
/* "-1.23456789e-38" is 15 characters; anything much longer is junk. */
#define SPEC_MAX_CHARS (SKC_PATH_MAX + 63)
#define RADIUS_MAX ((double) SKC_IMAGE_MAX_SIDE)
#define TARGET_SIZE_MAX SKC_IMAGE_MAX_SIDE

_Static_assert (sizeof ((skc_filter_info *) 0)->spec == SPEC_MAX_CHARS + 1,
                "SPEC_MAX_CHARS must match skc_filter_info.spec");

/* ------------------------------------------------------------------ */
/* Numbers, whatever the locale                                        */
/* ------------------------------------------------------------------ */

/* Numbers in the C spelling whatever the locale (numtext.c). */
static void
format_float (float value, char *buffer, size_t size)
{
  skc_format_float (value, buffer, size);
}

static void
format_double (double value, char *buffer, size_t size)
{
  skc_format_double (value, buffer, size);
}

/* A whole token as a finite float (rounded once, straight from the
 * decimal).  Overflow is refused; underflow to zero or a subnormal is
 * fine. */
static bool
parse_float (const char *token, size_t length, float *value)
{
  double parsed;
  if (!skc_parse_real (token, length, true, &parsed))
    return false;
  *value = (float) parsed;
  return true;
}

static bool
parse_double (const char *token, size_t length, double *value)
{
  return skc_parse_real (token, length, false, value);
}

/* ------------------------------------------------------------------ */
/* Lines and tokens                                                    */
/* ------------------------------------------------------------------ */

/* The next significant line and its first word; the end of the text is an
 * error described by `missing`. */
static skc_result
reader_next_key (skc_text_reader *r, const char **key, size_t *key_length,
                 const char *missing)
{
  bool have;
  skc_result result = skc_text_next_line (r, &have);

  if (result != SKC_OK)
    return result;
  if (!have)
    return skc_text_fail (r, SKC_ERR_PARSE, "unexpected end of file (%s)",
                          missing);
  skc_text_token (r, key, key_length);
  return SKC_OK;
}

static skc_result
reader_line_done (skc_text_reader *r, const char *after)
{
  const char *token;
  size_t length;
  char shown[48];

  if (skc_text_token (r, &token, &length))
    return skc_text_fail (r, SKC_ERR_PARSE, "unexpected '%s' after %s",
                          skc_text_quote (token, length, shown, sizeof shown),
                          after);
  return SKC_OK;
}

static skc_result
reader_value (skc_text_reader *r, const char *key, const char **token,
              size_t *length)
{
  if (!skc_text_token (r, token, length))
    return skc_text_fail (r, SKC_ERR_PARSE, "no value after '%s'", key);
  return SKC_OK;
}

/* A whole number in min..max: values below are malformed, values above
 * are beyond skc's limits. */
static skc_result
parse_count (const skc_text_reader *r, const char *what, const char *token,
             size_t length, long min, long max, long *value)
{
  char buffer[32];
  char shown[48];
  size_t i = 0;
  char *end;
  long parsed;

  if (i < length && (token[i] == '-' || token[i] == '+'))
    i++;
  if (i == length)
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not a whole number",
                          what,
                          skc_text_quote (token, length, shown, sizeof shown));
  for (; i < length; i++)
    if (token[i] < '0' || token[i] > '9')
      return skc_text_fail (
          r, SKC_ERR_PARSE, "%s: '%s' is not a whole number", what,
          skc_text_quote (token, length, shown, sizeof shown));

  skc_text_quote (token, length, shown, sizeof shown);
  if (length >= sizeof buffer)
    return skc_text_fail (
        r, token[0] == '-' ? SKC_ERR_PARSE : SKC_ERR_TOO_LARGE,
        "%s: %s is out of range %ld to %ld", what, shown, min, max);
  memcpy (buffer, token, length);
  buffer[length] = '\0';
  errno = 0;
  parsed = strtol (buffer, &end, 10);
  if (*end != '\0')
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: '%s' is not a whole number",
                          what, shown);
  if ((errno == ERANGE && parsed < 0) || parsed < min)
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: %s is below %ld", what, shown,
                          min);
  if (errno == ERANGE || parsed > max)
    return skc_text_fail (r, SKC_ERR_TOO_LARGE,
                          "%s: %s is more than the %ld skc supports", what,
                          shown, max);
  *value = parsed;
  return SKC_OK;
}

/* The next token as a whole number in min..max (see parse_count). */
static skc_result
reader_count (skc_text_reader *r, const char *what, long min, long max,
              long *value)
{
  const char *token = NULL;
  size_t length = 0;
  skc_result result = reader_value (r, what, &token, &length);

  if (result != SKC_OK)
    return result;
  return parse_count (r, what, token, length, min, max, value);
}

/* ------------------------------------------------------------------ */
/* Header                                                              */
/* ------------------------------------------------------------------ */

/* What the lines before the data said; a *_line of 0 means "not given". */
typedef struct
{
  size_t kind_line;
  size_t offsets_line;
  size_t spec_line;
  size_t radius_line;
  size_t target_size_line;
  size_t layers_line;
  size_t rank_line;
  size_t size_line;
  size_t axis_line;
  long version;
  /* ints, so that header_keys can store every word and count alike: kind
     is an skc_filter_kind, axis an skc_knots_axis, offsets an
     skc_offset_kind. */
  int kind;
  int axis;
  int offsets;
  int layers;
  int rank;
  int size;
  skc_filter_info info;
} filter_header;

static skc_result
parse_magic (skc_text_reader *r, long *version_out)
{
  const char *token = NULL;
  size_t length = 0;
  char shown[48];
  skc_result result;
  long version = 0;
  size_t i;

  result = skc_text_magic (r, "filter", "%d", SKC_FILTER_FORMAT_VERSION);
  if (result != SKC_OK)
    return result;
  result = reader_value (r, "skc-filter", &token, &length);
  if (result != SKC_OK)
    return result;

  skc_text_quote (token, length, shown, sizeof shown);
  for (i = 0; i < length; i++)
    if (token[i] < '0' || token[i] > '9')
      return skc_text_fail (r, SKC_ERR_PARSE, "bad format version '%s'", shown);
  /* Long digit strings cannot be parsed, but they are still newer. */
  if (length > 9)
    version = SKC_FILTER_FORMAT_VERSION + 1;
  else
    for (i = 0; i < length; i++)
      version = version * 10 + (token[i] - '0');
  if (version > SKC_FILTER_FORMAT_VERSION)
    return skc_text_fail (
        r, SKC_ERR_PARSE,
        "written by a newer skc (format %s), this build reads "
        "%d",
        shown, SKC_FILTER_FORMAT_VERSION);
  if (version < 1)
    return skc_text_fail (r, SKC_ERR_PARSE, "bad format version '%s'", shown);
  *version_out = version;
  return reader_line_done (r, "the format version");
}

/* One key of the header, and how its value is read. */
typedef struct header_key header_key;

/* Checks a key's value and stores it in the header.  `token` is the value,
 * one word; NULL for a key whose value is the rest of the line, at the
 * reader's cursor. */
typedef skc_result (*header_value_reader) (skc_text_reader *r,
                                           const header_key *key,
                                           const char *token, size_t length,
                                           filter_header *header);

/* A value that is one of a few words, each standing for an enum value. */
typedef struct
{
  const char *words[4]; /* NULL-terminated */
  int values[3];
  const char *expected; /* the words, as the message lists them */
} header_words;

struct header_key
{
  const char *name;
  size_t line_field; /* offsetof the size_t that remembers its line */
  header_value_reader read;
  /* Names a one-word value when something follows it on the line; NULL
     where the value is the rest of the line. */
  const char *after;
  /* For read_word and read_count: offsetof the int the value goes to. */
  size_t int_field;
  const header_words *words; /* read_word */
  long min, max;             /* read_count */
};

static size_t *
header_line_field (filter_header *header, const header_key *key)
{
  return (size_t *) ((char *) header + key->line_field);
}

static int *
header_int_field (filter_header *header, const header_key *key)
{
  return (int *) ((char *) header + key->int_field);
}

static skc_result
claim_key (skc_text_reader *r, size_t *seen_line, const char *key)
{
  if (*seen_line != 0)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "duplicate '%s' (first given on line %zu)", key,
                          *seen_line);
  *seen_line = r->number;
  return SKC_OK;
}

static skc_result
read_word (skc_text_reader *r, const header_key *key, const char *token,
           size_t length, filter_header *header)
{
  char shown[48];
  int i;

  for (i = 0; key->words->words[i] != NULL; i++)
    if (skc_text_token_is (token, length, key->words->words[i]))
      {
        *header_int_field (header, key) = key->words->values[i];
        return SKC_OK;
      }
  return skc_text_fail (r, SKC_ERR_PARSE, "unknown %s '%s' (expected %s)",
                        key->name,
                        skc_text_quote (token, length, shown, sizeof shown),
                        key->words->expected);
}

static skc_result
read_kind (skc_text_reader *r, const header_key *key, const char *token,
           size_t length, filter_header *header)
{
  skc_result result = read_word (r, key, token, length, header);

  /* Readers of format 1 know nothing of knots. */
  if (result == SKC_OK && header->kind == SKC_FILTER_KNOTS
      && header->version < 2)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "kind knots needs format 2 or later, but the "
                          "file says %ld",
                          header->version);
  return result;
}

static skc_result
read_count (skc_text_reader *r, const header_key *key, const char *token,
            size_t length, filter_header *header)
{
  long count = 0;
  skc_result result;

  result
      = parse_count (r, key->name, token, length, key->min, key->max, &count);
  if (result != SKC_OK)
    return result;
  *header_int_field (header, key) = (int) count;
  return SKC_OK;
}

/* A kernel side: odd, so that the kernel has a centre pixel. */
static skc_result
read_odd_count (skc_text_reader *r, const header_key *key, const char *token,
                size_t length, filter_header *header)
{
  skc_result result = read_count (r, key, token, length, header);
  int count;

  if (result != SKC_OK)
    return result;
  count = *header_int_field (header, key);
  if (count % 2 == 0)
    return skc_text_fail (r, SKC_ERR_PARSE, "%s: %d is not odd", key->name,
                          count);
  return SKC_OK;
}

static skc_result
read_radius (skc_text_reader *r, const header_key *key, const char *token,
             size_t length, filter_header *header)
{
  char shown[48];
  double radius;

  skc_text_quote (token, length, shown, sizeof shown);
  if (!parse_double (token, length, &radius))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "radius: '%s' is not a finite number", shown);
  if (!(radius >= 0.0 && radius <= RADIUS_MAX))
    return skc_text_fail (r, SKC_ERR_PARSE, "radius: %s is outside 0 to %g",
                          shown, RADIUS_MAX);
  header->info.radius = radius;
  return SKC_OK;
}

static skc_result
read_spec (skc_text_reader *r, const header_key *key, const char *token,
           size_t length, filter_header *header)
{
  const char *start = r->cursor;
  const char *stop = r->line + r->length;
  size_t spec_length;
  size_t i;

  /* The rest of the line, trimmed: specs may hold spaces and colons. */
  while (start < stop && skc_text_is_blank (*start))
    start++;
  while (stop > start && skc_text_is_blank (stop[-1]))
    stop--;
  spec_length = (size_t) (stop - start);
  if (spec_length > SPEC_MAX_CHARS)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "the spec is longer than %d characters",
                          SPEC_MAX_CHARS);
  for (i = 0; i < spec_length; i++)
    {
      unsigned char c = (unsigned char) start[i];

      if ((c < 0x20 && c != '\t') || c == 0x7f)
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "the spec contains a control character");
    }
  memcpy (header->info.spec, start, spec_length);
  header->info.spec[spec_length] = '\0';
  r->cursor = r->line + r->length;
  return SKC_OK;
}

static const header_words kind_words
    = { { "complex", "lowrank", "knots", NULL },
        { SKC_FILTER_COMPLEX, SKC_FILTER_LOWRANK, SKC_FILTER_KNOTS },
        "complex, lowrank or knots" };
static const header_words axis_words = { { "rows", "columns", NULL },
                                         { SKC_KNOTS_ROWS, SKC_KNOTS_COLUMNS },
                                         "rows or columns" };
static const header_words offsets_words
    = { { "bilinear", "integer", NULL },
        { SKC_OFFSETS_BILINEAR, SKC_OFFSETS_INTEGER },
        "bilinear or integer" };

#define FIELD(member) offsetof (filter_header, member)

/* Every key the header may hold, in any order, each at most once. */
static const header_key header_keys[] = {
  { "kind", FIELD (kind_line), read_kind, "the kind", FIELD (kind), &kind_words,
    0, 0 },
  { "axis", FIELD (axis_line), read_word, "the axis", FIELD (axis), &axis_words,
    0, 0 },
  { "offsets", FIELD (offsets_line), read_word, "the offsets", FIELD (offsets),
    &offsets_words, 0, 0 },
  { "spec", FIELD (spec_line), read_spec, NULL, 0, NULL, 0, 0 },
  { "radius", FIELD (radius_line), read_radius, "the radius", 0, NULL, 0, 0 },
  { "target-size", FIELD (target_size_line), read_count, "the target size",
    FIELD (info.target_size), NULL, 0, TARGET_SIZE_MAX },
  { "layers", FIELD (layers_line), read_count, "the layer count",
    FIELD (layers), NULL, 1, SKC_MAX_LAYERS },
  { "rank", FIELD (rank_line), read_count, "the rank", FIELD (rank), NULL, 1,
    SKC_MAX_RANK },
  { "size", FIELD (size_line), read_odd_count, "the size", FIELD (size), NULL,
    1, SKC_MAX_KERNEL_SIDE },
};

#undef FIELD

static skc_result
parse_header_line (skc_text_reader *r, filter_header *header, const char *key,
                   size_t key_length)
{
  char shown[48];
  size_t i;

  for (i = 0; i < sizeof header_keys / sizeof header_keys[0]; i++)
    {
      const header_key *k = &header_keys[i];
      const char *token = NULL;
      size_t length = 0;
      skc_result result;

      if (!skc_text_token_is (key, key_length, k->name))
        continue;
      result = claim_key (r, header_line_field (header, k), k->name);
      if (result != SKC_OK)
        return result;
      if (k->after == NULL)
        return k->read (r, k, NULL, 0, header);
      result = reader_value (r, k->name, &token, &length);
      if (result == SKC_OK)
        result = k->read (r, k, token, length, header);
      if (result == SKC_OK)
        result = reader_line_done (r, k->after);
      return result;
    }

  if (skc_text_token_is (key, key_length, "skc-filter"))
    return skc_text_fail (r, SKC_ERR_PARSE, "duplicate 'skc-filter' line");

  return skc_text_fail (r, SKC_ERR_PARSE, "unknown key '%s'",
                        skc_text_quote (key, key_length, shown, sizeof shown));
}

#define FIELD(member) offsetof (filter_header, member)
#define COMPLEX (1u << SKC_FILTER_COMPLEX)
#define LOWRANK (1u << SKC_FILTER_LOWRANK)
#define KNOTS (1u << SKC_FILTER_KNOTS)

/* The keys that only some kinds of filter take, in the order they are
 * checked (which decides the message when more than one is amiss). */
static const struct
{
  const char *key;
  size_t line_field;
  const char *owner;  /* names the filters it is for, in a refusal */
  unsigned needed_by; /* the kinds that need it; the others refuse it */
} kind_keys[] = {
  { "axis", FIELD (axis_line), "knots", KNOTS },
  { "offsets", FIELD (offsets_line), "complex", COMPLEX },
  { "layers", FIELD (layers_line), "complex", COMPLEX },
  { "rank", FIELD (rank_line), "low-rank", LOWRANK },
  { "size", FIELD (size_line), "low-rank", LOWRANK | KNOTS },
};

#undef FIELD
#undef COMPLEX
#undef LOWRANK
#undef KNOTS

static size_t
line_given (const filter_header *header, size_t line_field)
{
  return *(const size_t *) ((const char *) header + line_field);
}

/* Checks that the header says everything the data needs, and nothing that
 * belongs to another kind of filter.  Called at the first data line. */
static skc_result
finish_header (skc_text_reader *r, const filter_header *header)
{
  const size_t count = sizeof kind_keys / sizeof kind_keys[0];
  const unsigned kind = 1u << header->kind;
  size_t i;

  if (header->kind_line == 0)
    return skc_text_fail (r, SKC_ERR_PARSE, "missing 'kind' before this line");

  /* First what the kind refuses, then what it lacks. */
  for (i = 0; i < count; i++)
    {
      size_t line = line_given (header, kind_keys[i].line_field);

      if ((kind_keys[i].needed_by & kind) != 0 || line == 0)
        continue;
      if (header->kind == SKC_FILTER_KNOTS)
        return skc_text_fail_at (r, line, SKC_ERR_PARSE,
                                 "'%s' is not for knots filters",
                                 kind_keys[i].key);
      return skc_text_fail_at (
          r, line, SKC_ERR_PARSE, "'%s' is for %s filters, but the kind is %s",
          kind_keys[i].key, kind_keys[i].owner,
          header->kind == SKC_FILTER_COMPLEX ? "complex" : "lowrank");
    }
  for (i = 0; i < count; i++)
    if ((kind_keys[i].needed_by & kind) != 0
        && line_given (header, kind_keys[i].line_field) == 0)
      return skc_text_fail (r, SKC_ERR_PARSE, "missing '%s' before this line",
                            kind_keys[i].key);
  return SKC_OK;
}

/* ------------------------------------------------------------------ */
/* Data                                                                */
/* ------------------------------------------------------------------ */

static skc_result
fail_expected (const skc_text_reader *r, const char *word, const char *key,
               size_t key_length)
{
  char shown[48];

  return skc_text_fail (r, SKC_ERR_PARSE, "expected '%s', found '%s'", word,
                        skc_text_quote (key, key_length, shown, sizeof shown));
}

/* The data come in blocks (layers, terms, knot lines), each on a line that
 * starts with `word`.  For the first block that line is the one the header
 * ended at, already in *key; for the next ones (`next_line`) it is read here,
 * the end of the text being an error `missing` describes.  'end' instead
 * means fewer blocks than the header declared: early_end_format and its
 * arguments say how many. */
static skc_result reader_block_start (skc_text_reader *r, bool next_line,
                                      const char **key, size_t *key_length,
                                      const char *missing, const char *word,
                                      const char *early_end_format, ...)
    SKC_TEXT_PRINTF (7, 8);

static skc_result
reader_block_start (skc_text_reader *r, bool next_line, const char **key,
                    size_t *key_length, const char *missing, const char *word,
                    const char *early_end_format, ...)
{
  skc_result result = SKC_OK;
  va_list args;

  if (next_line)
    result = reader_next_key (r, key, key_length, missing);
  if (result != SKC_OK)
    return result;
  if (skc_text_token_is (*key, *key_length, "end"))
    {
      va_start (args, early_end_format);
      result = skc_text_vfail (r, SKC_ERR_PARSE, early_end_format, args);
      va_end (args);
      return result;
    }
  if (!skc_text_token_is (*key, *key_length, word))
    return fail_expected (r, word, *key, *key_length);
  return SKC_OK;
}

/* The line after the last block: *ended when it is 'end' (and holds nothing
 * else); otherwise its first word is in *key, for the caller to say what
 * stands there instead. */
static skc_result
reader_end_line (skc_text_reader *r, const char **key, size_t *key_length,
                 bool *ended)
{
  skc_result result = reader_next_key (r, key, key_length, "no 'end' line");

  *ended = false;
  if (result != SKC_OK || !skc_text_token_is (*key, *key_length, "end"))
    return result;
  *ended = true;
  return reader_line_done (r, "'end'");
}

static bool
looks_numeric (const char *token, size_t length)
{
  return length > 0
         && ((token[0] >= '0' && token[0] <= '9') || token[0] == '-'
             || token[0] == '+' || token[0] == '.');
}

static skc_result
parse_offset (skc_text_reader *r, const char *token, size_t length,
              skc_offset_kind offsets, float *value)
{
  char shown[48];

  skc_text_quote (token, length, shown, sizeof shown);
  if (!parse_float (token, length, value))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset '%s' is not a finite number", shown);
  if (!(fabsf (*value) <= SKC_MAX_OFFSET))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset %s is more than %g pixels from the centre",
                          shown, (double) SKC_MAX_OFFSET);
  if (offsets == SKC_OFFSETS_INTEGER && floorf (*value) != *value)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "offset %s is not a whole number, but the offsets "
                          "are integer",
                          shown);
  return SKC_OK;
}

/* One "dx dy w" line; the reader is at its start. */
static skc_result
parse_sample (skc_text_reader *r, skc_offset_kind offsets, skc_sample *sample,
              int given, long declared)
{
  const char *token[3];
  size_t length[3];
  const char *extra;
  size_t extra_length;
  char shown[48];
  skc_result result;
  int i;

  for (i = 0; i < 3; i++)
    {
      if (!skc_text_token (r, &token[i], &length[i]))
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "expected three numbers 'dx dy w', found %d", i);
      /* A keyword here means the layer ended early. */
      if (i == 0
          && (skc_text_token_is (token[0], length[0], "layer")
              || skc_text_token_is (token[0], length[0], "end")))
        return skc_text_fail (
            r, SKC_ERR_PARSE,
            "found '%s' where sample %d of %ld 'dx dy w' "
            "should be",
            skc_text_quote (token[0], length[0], shown, sizeof shown),
            given + 1, declared);
    }
  if (skc_text_token (r, &extra, &extra_length))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "expected three numbers 'dx dy w', found more");

  result = parse_offset (r, token[0], length[0], offsets, &sample->dx);
  if (result == SKC_OK)
    result = parse_offset (r, token[1], length[1], offsets, &sample->dy);
  if (result != SKC_OK)
    return result;
  if (!parse_float (token[2], length[2], &sample->w))
    return skc_text_fail (
        r, SKC_ERR_PARSE, "weight '%s' is not a finite number",
        skc_text_quote (token[2], length[2], shown, sizeof shown));
  return SKC_OK;
}

/* Reads the layers into fixed-size scratch storage: nothing is allocated
 * until the whole file has proved sound.  On entry the reader is on the
 * first data line, whose first word is `key`. */
static skc_result
parse_complex_data (skc_text_reader *r, const filter_header *header,
                    const char *key, size_t key_length,
                    skc_sample samples[SKC_MAX_LAYERS][SKC_MAX_SAMPLES],
                    int counts[SKC_MAX_LAYERS])
{
  skc_result result;
  bool ended;
  int l;

  for (l = 0; l < header->layers; l++)
    {
      long declared = 0;
      int s;

      result = reader_block_start (
          r, l > 0, &key, &key_length, "fewer layers than declared, no 'end'",
          "layer", "'end' after %d of the %d declared layers", l,
          header->layers);
      if (result == SKC_OK)
        result = reader_count (r, "samples in a layer", 1, SKC_MAX_SAMPLES,
                               &declared);
      if (result == SKC_OK)
        result = reader_line_done (r, "the sample count");
      if (result != SKC_OK)
        return result;
      counts[l] = (int) declared;

      for (s = 0; s < counts[l]; s++)
        {
          bool have;

          result = skc_text_next_line (r, &have);
          if (result != SKC_OK)
            return result;
          if (!have)
            return skc_text_fail (r, SKC_ERR_PARSE,
                                  "unexpected end of file in layer %d of %d: "
                                  "%d of its %ld samples given",
                                  l + 1, header->layers, s, declared);
          result
              = parse_sample (r, header->offsets, &samples[l][s], s, declared);
          if (result != SKC_OK)
            return result;
        }
    }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "layer"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more layers than the %d declared",
                          header->layers);
  if (looks_numeric (key, key_length))
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "more samples than the %d declared for layer %d",
                          counts[header->layers - 1], header->layers);
  return fail_expected (r, "end", key, key_length);
}

/* One "column v1 ... vsize" or "row ..." line; `values` has size room. */
static skc_result
parse_vector (skc_text_reader *r, const char *word, int size, float *values)
{
  const char *token;
  size_t length;
  char shown[48];
  int found = 0;

  while (skc_text_token (r, &token, &length))
    {
      if (found < size && !parse_float (token, length, &values[found]))
        return skc_text_fail (
            r, SKC_ERR_PARSE, "%s value '%s' is not a finite number", word,
            skc_text_quote (token, length, shown, sizeof shown));
      /* Keep counting past the end, for the message, but not forever. */
      if (found <= SKC_MAX_KERNEL_SIDE)
        found++;
    }
  if (found != size)
    return skc_text_fail (r, SKC_ERR_PARSE, "'%s' has %d%s values, expected %d",
                          word, found,
                          found > SKC_MAX_KERNEL_SIDE ? " or more" : "", size);
  return SKC_OK;
}

static skc_result
parse_lowrank_data (skc_text_reader *r, const filter_header *header,
                    const char *key, size_t key_length, skc_filter *f)
{
  static const char *const words[2] = { "column", "row" };
  skc_result result;
  bool ended;
  int k;
  int part;

  for (k = 0; k < header->rank; k++)
    for (part = 0; part < 2; part++)
      {
        float *values
            = part == 0 ? skc_filter_column (f, k) : skc_filter_row (f, k);

        result = reader_block_start (
            r, k > 0 || part > 0, &key, &key_length,
            "fewer terms than the rank, no 'end'", words[part],
            "'end' after %d of the %d terms (expected '%s')", k, header->rank,
            words[part]);
        if (result == SKC_OK)
          result = parse_vector (r, words[part], header->size, values);
        if (result != SKC_OK)
          return result;
      }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "column")
      || skc_text_token_is (key, key_length, "row"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more terms than the rank %d",
                          header->rank);
  return fail_expected (r, "end", key, key_length);
}

/* A knot position: a whole number within the line's knot range. */
static skc_result
parse_position (skc_text_reader *r, const char *token, size_t length, int half,
                int *value)
{
  char shown[48];
  long parsed = 0;
  size_t i = 0;
  bool negative = false;

  skc_text_quote (token, length, shown, sizeof shown);
  if (i < length && (token[i] == '-' || token[i] == '+'))
    negative = token[i++] == '-';
  if (i == length || length - i > 9)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "knot position '%s' is not a whole number from %d to "
                          "%d",
                          shown, -half, half + 1);
  for (; i < length; i++)
    {
      if (token[i] < '0' || token[i] > '9')
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "knot position '%s' is not a whole number",
                              shown);
      parsed = parsed * 10 + (token[i] - '0');
    }
  if (negative)
    parsed = -parsed;
  if (parsed < -half || parsed > half + 1)
    return skc_text_fail (r, SKC_ERR_PARSE,
                          "knot position %s is outside %d to %d", shown, -half,
                          half + 1);
  *value = (int) parsed;
  return SKC_OK;
}

/* Knots read so far, grown as lines come (bounded by the text itself and
 * by SKC_MAX_KNOTS, never by a count the file claims). */
typedef struct
{
  int *counts; /* per line */
  int *pos;
  float *w;
  size_t used, capacity;
} knots_buffer;

static void
knots_buffer_free (knots_buffer *k)
{
  free (k->counts);
  free (k->pos);
  free (k->w);
  memset (k, 0, sizeof *k);
}

static bool
knots_buffer_push (knots_buffer *k, int pos, float w)
{
  if (k->used == k->capacity)
    {
      size_t capacity = k->capacity ? 2 * k->capacity : 256;
      int *p = realloc (k->pos, capacity * sizeof *p);
      if (p == NULL)
        return false;
      k->pos = p;
      float *v = realloc (k->w, capacity * sizeof *v);
      if (v == NULL)
        return false;
      k->w = v;
      k->capacity = capacity;
    }
  k->pos[k->used] = pos;
  k->w[k->used] = w;
  k->used++;
  return true;
}

/* One "line P1 W1 P2 W2 ..." per kernel line: positions increasing,
 * weights finite and summing to zero. */
static skc_result
parse_knots_data (skc_text_reader *r, const filter_header *header,
                  const char *key, size_t key_length, knots_buffer *k)
{
  const int half = header->size / 2;
  char shown[48];
  skc_result result;
  bool ended;
  int line;

  k->counts = calloc ((size_t) header->size, sizeof *k->counts);
  if (k->counts == NULL)
    return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (line = 0; line < header->size; line++)
    {
      const char *token;
      size_t length;
      double sum = 0;
      int previous = -half - 1;

      result = reader_block_start (
          r, line > 0, &key, &key_length, "fewer lines than the size, no 'end'",
          "line", "'end' after %d of the %d lines", line, header->size);
      if (result != SKC_OK)
        return result;
      while (skc_text_token (r, &token, &length))
        {
          int position = 0;
          float weight;

          result = parse_position (r, token, length, half, &position);
          if (result != SKC_OK)
            return result;
          if (position <= previous)
            return skc_text_fail (r, SKC_ERR_PARSE,
                                  "knot positions must increase along a line "
                                  "(%d after %d)",
                                  position, previous);
          previous = position;
          if (!skc_text_token (r, &token, &length))
            return skc_text_fail (r, SKC_ERR_PARSE, "knot at %d has no weight",
                                  position);
          if (!parse_float (token, length, &weight))
            return skc_text_fail (
                r, SKC_ERR_PARSE, "knot weight '%s' is not a finite number",
                skc_text_quote (token, length, shown, sizeof shown));
          if (k->used >= SKC_MAX_KNOTS)
            return skc_text_fail (r, SKC_ERR_TOO_LARGE,
                                  "more than the %d knots skc supports",
                                  SKC_MAX_KNOTS);
          if (!knots_buffer_push (k, position, weight))
            return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY, "out of memory");
          k->counts[line]++;
          sum += weight;
        }
      if (sum != 0)
        return skc_text_fail (r, SKC_ERR_PARSE,
                              "the knot weights of line %d sum to %g, not 0",
                              line + 1, sum);
    }

  result = reader_end_line (r, &key, &key_length, &ended);
  if (result != SKC_OK || ended)
    return result;
  if (skc_text_token_is (key, key_length, "line"))
    return skc_text_fail (r, SKC_ERR_PARSE, "more lines than the size %d",
                          header->size);
  return fail_expected (r, "end", key, key_length);
}

/* ------------------------------------------------------------------ */
/* Parsing                                                             */
/* ------------------------------------------------------------------ */

static skc_result
parse_text (skc_text_reader *r, skc_filter **out)
{
  filter_header header;
  skc_sample samples[SKC_MAX_LAYERS][SKC_MAX_SAMPLES];
  int counts[SKC_MAX_LAYERS];
  const char *key = NULL;
  size_t key_length = 0;
  skc_filter *f = NULL;
  skc_result result;
  bool have;
  int l;

  memset (&header, 0, sizeof header);
  result = parse_magic (r, &header.version);
  if (result != SKC_OK)
    return result;

  /* Header lines, in any order, up to the first data line. */
  for (;;)
    {
      result = reader_next_key (r, &key, &key_length, "no 'end' line");
      if (result != SKC_OK)
        return result;
      if (skc_text_token_is (key, key_length, "layer")
          || skc_text_token_is (key, key_length, "column")
          || skc_text_token_is (key, key_length, "row")
          || skc_text_token_is (key, key_length, "line")
          || skc_text_token_is (key, key_length, "end"))
        break;
      result = parse_header_line (r, &header, key, key_length);
      if (result != SKC_OK)
        return result;
    }
  result = finish_header (r, &header);
  if (result != SKC_OK)
    return result;

  if (header.kind == SKC_FILTER_COMPLEX)
    {
      result
          = parse_complex_data (r, &header, key, key_length, samples, counts);
      if (result != SKC_OK)
        return result;
    }
  else if (header.kind == SKC_FILTER_KNOTS)
    {
      knots_buffer k;

      memset (&k, 0, sizeof k);
      result = parse_knots_data (r, &header, key, key_length, &k);
      if (result == SKC_OK)
        {
          f = skc_filter_new_knots (header.axis, header.size, k.counts);
          if (f == NULL)
            result = skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                                    "out of memory for %zu knots", k.used);
          else if (k.used > 0)
            {
              memcpy (f->knot_pos, k.pos, k.used * sizeof (int));
              memcpy (f->knot_w, k.w, k.used * sizeof (float));
            }
        }
      knots_buffer_free (&k);
      if (result != SKC_OK)
        return result;
    }
  else
    {
      /* rank and size are within limits by now, so this is bounded. */
      f = skc_filter_new_lowrank (header.rank, header.size);
      if (f == NULL)
        return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                              "out of memory for a rank-%d filter",
                              header.rank);
      result = parse_lowrank_data (r, &header, key, key_length, f);
      if (result != SKC_OK)
        {
          skc_filter_free (f);
          return result;
        }
    }

  /* Comments and blank lines may follow 'end'; nothing else. */
  result = skc_text_next_line (r, &have);
  if (result == SKC_OK && have)
    result = skc_text_fail (r, SKC_ERR_PARSE, "unexpected text after 'end'");
  if (result != SKC_OK)
    {
      skc_filter_free (f);
      return result;
    }

  if (header.kind == SKC_FILTER_COMPLEX)
    {
      f = skc_filter_new_complex (header.layers, counts, header.offsets);
      if (f == NULL)
        return skc_text_fail (r, SKC_ERR_OUT_OF_MEMORY,
                              "out of memory for a %d-layer filter",
                              header.layers);
      for (l = 0; l < header.layers; l++)
        memcpy (skc_filter_layer (f, l), samples[l],
                (size_t) counts[l] * sizeof (skc_sample));
    }
  skc_filter_set_info (f, &header.info);
  *out = f;
  return SKC_OK;
}

skc_result
skc_filter_parse (const char *text, size_t length, const char *name,
                  skc_filter **out, skc_error *err)
{
  skc_text_reader reader;
  skc_filter *f = NULL;
  skc_error detail;
  skc_result result;

  if (out != NULL)
    *out = NULL;
  if (out == NULL || (text == NULL && length > 0))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "nothing to parse");

  /* A long path keeps its last 200 bytes in messages. */
  skc_text_reader_init (&reader, text, length, name, 200, err);

  result = parse_text (&reader, &f);
  if (result != SKC_OK)
    return result;

  /* The parser checked every value already; this guards against the two
   * drifting apart. */
  result = skc_filter_validate (f, &detail);
  if (result != SKC_OK)
    {
      skc_filter_free (f);
      return skc_fail (err, SKC_ERR_PARSE, "%s: %s", reader.name,
                       detail.message);
    }
  *out = f;
  return SKC_OK;
}

skc_result
skc_filter_load (const char *path, skc_filter **out, skc_error *err)
{
  unsigned char *bytes;
  size_t length;
  skc_result result;

  if (out != NULL)
    *out = NULL;
  if (out == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no filter to load into");

  result = skc_read_file (path, FILTER_FILE_MAX_BYTES, &bytes, &length, err);
  if (result != SKC_OK)
    return result;
  result = skc_filter_parse ((const char *) bytes, length, path, out, err);
  free (bytes);
  return result;
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */
/* ------------------------------------------------------------------ */

/* The spec without surrounding blanks, as the parser will read it back. */
static void
trimmed_spec (const skc_filter_info *info, const char **start, size_t *length)
{
  const char *begin = info->spec;
  const char *stop = info->spec + strlen (info->spec);

  while (begin < stop && skc_text_is_blank (*begin))
    begin++;
  while (stop > begin && skc_text_is_blank (stop[-1]))
    stop--;
  *start = begin;
  *length = (size_t) (stop - begin);
}

/* Refuses what the parser would refuse, so a saved file always loads. */
static skc_result
check_info (const skc_filter_info *info, skc_error *err)
{
  const unsigned char *p;

  for (p = (const unsigned char *) info->spec; *p != '\0'; p++)
    if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
      return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                       "the spec contains a control character, which a "
                       ".skc file cannot hold");
  if (!(info->radius >= 0.0 && info->radius <= RADIUS_MAX))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the radius %g is outside 0 to %g", info->radius,
                     RADIUS_MAX);
  if (info->target_size < 0 || info->target_size > TARGET_SIZE_MAX)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the target size %d is outside 0 to %d", info->target_size,
                     TARGET_SIZE_MAX);
  return SKC_OK;
}

static void
write_values (FILE *stream, const char *word, const float *values, int size)
{
  char number[48];
  int i;

  fputs (word, stream);
  for (i = 0; i < size; i++)
    {
      format_float (values[i], number, sizeof number);
      fprintf (stream, " %s", number);
    }
  fputc ('\n', stream);
}

static skc_result
write_filter (const skc_filter *f, FILE *stream, skc_error *err)
{
  char number[3][48];
  const char *spec;
  size_t spec_length;
  skc_result result;

  if (f == NULL || stream == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no filter or stream");

  /* Check everything first, so that a refusal writes nothing. */
  result = skc_filter_validate (f, err);
  if (result != SKC_OK)
    return result;
  result = check_info (&f->info, err);
  if (result != SKC_OK)
    return result;

  /* The oldest format that holds the filter, so older readers still read
     what they can. */
  fprintf (stream, "skc-filter %d\n", f->kind == SKC_FILTER_KNOTS ? 2 : 1);
  if (f->kind == SKC_FILTER_COMPLEX)
    fprintf (stream, "kind complex\noffsets %s\n",
             f->offsets == SKC_OFFSETS_INTEGER ? "integer" : "bilinear");
  else if (f->kind == SKC_FILTER_KNOTS)
    fprintf (stream, "kind knots\naxis %s\n",
             f->axis == SKC_KNOTS_ROWS ? "rows" : "columns");
  else
    fputs ("kind lowrank\n", stream);

  trimmed_spec (&f->info, &spec, &spec_length);
  if (spec_length > 0)
    fprintf (stream, "spec %.*s\n", (int) spec_length, spec);
  else
    fputs ("spec\n", stream);
  format_double (f->info.radius, number[0], sizeof number[0]);
  fprintf (stream, "radius %s\ntarget-size %d\n", number[0],
           f->info.target_size);

  if (f->kind == SKC_FILTER_COMPLEX)
    {
      int l;

      fprintf (stream, "layers %d\n", f->layer_count);
      for (l = 0; l < f->layer_count; l++)
        {
          int s;

          fprintf (stream, "layer %d\n", f->layer_size[l]);
          for (s = 0; s < f->layer_size[l]; s++)
            {
              const skc_sample *sample = &f->layer[l][s];

              format_float (sample->dx, number[0], sizeof number[0]);
              format_float (sample->dy, number[1], sizeof number[1]);
              format_float (sample->w, number[2], sizeof number[2]);
              fprintf (stream, "  %s %s %s\n", number[0], number[1], number[2]);
            }
        }
    }
  else if (f->kind == SKC_FILTER_KNOTS)
    {
      int line;

      fprintf (stream, "size %d\n", f->size);
      for (line = 0; line < f->size; line++)
        {
          int k;

          fputs ("line", stream);
          for (k = f->knot_start[line]; k < f->knot_start[line + 1]; k++)
            {
              format_float (f->knot_w[k], number[0], sizeof number[0]);
              fprintf (stream, " %d %s", f->knot_pos[k], number[0]);
            }
          fputc ('\n', stream);
        }
    }
  else
    {
      int k;

      fprintf (stream, "rank %d\nsize %d\n", f->rank, f->size);
      for (k = 0; k < f->rank; k++)
        {
          write_values (stream, "column", skc_filter_column_const (f, k),
                        f->size);
          write_values (stream, "row", skc_filter_row_const (f, k), f->size);
        }
    }
  fputs ("end\n", stream);

  if (ferror (stream))
    return skc_fail (err, SKC_ERR_IO, "write error");
  return SKC_OK;
}

skc_result
skc_filter_write (const skc_filter *f, FILE *stream)
{
  return write_filter (f, stream, NULL);
}

skc_result
skc_filter_save (const skc_filter *f, const char *path, skc_error *err)
{
  FILE *stream;
  char *temp_path;
  skc_error detail;
  skc_result result;
  int saved_errno;

  if (path == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no file name");

  /* A refused filter should not even create the temporary file. */
  result = skc_filter_validate (f, &detail);
  if (result == SKC_OK)
    result = check_info (&f->info, &detail);
  if (result != SKC_OK)
    return skc_fail (err, result, "%s: cannot save: %s", path, detail.message);

  result = skc_temporary_create (path, &stream, &temp_path, err);
  if (result != SKC_OK)
    return result;
  errno = 0;
  result = write_filter (f, stream, &detail);
  saved_errno = errno;
  if (result == SKC_ERR_IO)
    skc_fail (err, result, "%s: write error: %s", path,
              skc_errno_text (saved_errno));
  else if (result != SKC_OK)
    skc_fail (err, result, "%s: cannot save: %s", path, detail.message);
  return skc_temporary_finish (stream, temp_path, path, result, err);
}
