/* skc — .skc files: the writer, and loading and saving whole files (the
 * parser: filterfile_parse.c and filterfile_data.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/filterfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "skc/imagefile.h"
#include "filter_private.h"
#include "filterfile_private.h"
#include "io_private.h"
#include "numtext.h"
#include "textreader.h"

/* A full-size filter is well under 1 MiB of text. */
#define FILTER_FILE_MAX_BYTES ((size_t) 64 << 20)

/* ------------------------------------------------------------------ */
/* Loading                                                             */
/* ------------------------------------------------------------------ */

/* skc_filter_parse as skc_parse_file calls it. */
static skc_result
parse_filter_file (const unsigned char *bytes, size_t length, const char *name,
                   void *out, skc_error *err)
{
  return skc_filter_parse ((const char *) bytes, length, name, out, err);
}

skc_result
skc_filter_load (const char *path, skc_filter **out, skc_error *err)
{
  if (out != NULL)
    *out = NULL;
  if (out == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no filter to load into");
  return skc_parse_file (path, FILTER_FILE_MAX_BYTES, parse_filter_file, out,
                         err);
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
  if (!(info->radius >= 0.0 && info->radius <= FILTER_RADIUS_MAX))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the radius %g is outside 0 to %g", info->radius,
                     FILTER_RADIUS_MAX);
  if (info->target_size < 0 || info->target_size > FILTER_TARGET_SIZE_MAX)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the target size %d is outside 0 to %d", info->target_size,
                     FILTER_TARGET_SIZE_MAX);
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
      skc_format_float (values[i], number, sizeof number);
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
  skc_format_double (f->info.radius, number[0], sizeof number[0]);
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

              skc_format_float (sample->dx, number[0], sizeof number[0]);
              skc_format_float (sample->dy, number[1], sizeof number[1]);
              skc_format_float (sample->w, number[2], sizeof number[2]);
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
              skc_format_float (f->knot_w[k], number[0], sizeof number[0]);
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