/* skc — the .skc parser, safe on hostile input: the magic line, the
 * header, and the text as a whole (the data blocks: filterfile_data.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/filterfile.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "filter_private.h"
#include "filterfile_private.h"
#include "numtext.h"
#include "textreader.h"

/* "-1.23456789e-38" is 15 characters; anything much longer is junk. */
#define SPEC_MAX_CHARS (SKC_PATH_MAX + 63)

_Static_assert(sizeof ((skc_filter_info *) 0)->spec == SPEC_MAX_CHARS + 1,
               "SPEC_MAX_CHARS must match skc_filter_info.spec");

/* ------------------------------------------------------------------ */
/* Numbers, whatever the locale                                        */
/* ------------------------------------------------------------------ */

static bool
parse_double (const char *token, size_t length, double *value)
{
  return skc_parse_real (token, length, false, value);
}

/* ------------------------------------------------------------------ */
/* Lines and tokens                                                    */
/* ------------------------------------------------------------------ */

skc_result
skc_filterfile_next_key (skc_text_reader *r, const char **key,
                         size_t *key_length, const char *missing)
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

skc_result
skc_filterfile_line_done (skc_text_reader *r, const char *after)
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

skc_result
skc_filterfile_count (skc_text_reader *r, const char *what, long min, long max,
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
  return skc_filterfile_line_done (r, "the format version");
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
  if (!(radius >= 0.0 && radius <= FILTER_RADIUS_MAX))
    return skc_text_fail (r, SKC_ERR_PARSE, "radius: %s is outside 0 to %g",
                          shown, FILTER_RADIUS_MAX);
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
    FIELD (info.target_size), NULL, 0, FILTER_TARGET_SIZE_MAX },
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
        result = skc_filterfile_line_done (r, k->after);
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
/* The whole text                                                      */
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
      result = skc_filterfile_next_key (r, &key, &key_length, "no 'end' line");
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

  /* The data; complex filters are made only after the whole text. */
  if (header.kind == SKC_FILTER_COMPLEX)
    result = skc_filterfile_read_layers (r, &header, key, key_length, samples,
                                         counts);
  else if (header.kind == SKC_FILTER_KNOTS)
    result = skc_filterfile_read_knots (r, &header, key, key_length, &f);
  else
    result = skc_filterfile_read_lowrank (r, &header, key, key_length, &f);
  if (result != SKC_OK)
    return result;

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
