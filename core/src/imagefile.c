/* skc — PFM and binary PGM/PPM reading and writing, and whole-file I/O.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/imagefile.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_private.h"

/* Headers are a few dozen bytes; this leaves room for long comments. */
#define IMAGE_HEADER_ALLOWANCE ((uint64_t) 1 << 20)
/* Longest number token accepted in a header (9 digits cannot overflow). */
#define HEADER_DIGITS_MAX 9

/* ------------------------------------------------------------------ */
/* Whole files                                                         */
/* ------------------------------------------------------------------ */

skc_result
skc_read_file (const char *path, size_t max_bytes, unsigned char **bytes,
               size_t *length, skc_error *err)
{
  FILE *stream;
  unsigned char *buffer;
  size_t capacity = 65536;
  size_t used = 0;
  skc_result result = SKC_OK;
  int saved_errno;

  if (bytes != NULL)
    *bytes = NULL;
  if (length != NULL)
    *length = 0;
  if (path == NULL || bytes == NULL || length == NULL)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no file name");

  /* Leave room for the terminating NUL. */
  if (max_bytes > SIZE_MAX - 1)
    max_bytes = SIZE_MAX - 1;

  stream = fopen (path, "rb");
  if (stream == NULL)
    {
      saved_errno = errno;
      return skc_fail (err, SKC_ERR_IO, "%s: cannot open: %s", path,
                       skc_errno_text (saved_errno));
    }

  /* The size of a regular file lets us allocate once; pipes and other
   * streams that cannot seek fall back to growing the buffer. */
  if (fseek (stream, 0, SEEK_END) == 0)
    {
      long end = ftell (stream);

      if (fseek (stream, 0, SEEK_SET) != 0)
        {
          saved_errno = errno;
          fclose (stream);
          return skc_fail (err, SKC_ERR_IO, "%s: cannot seek: %s", path,
                           skc_errno_text (saved_errno));
        }
      if (end >= 0 && (unsigned long) end <= max_bytes)
        capacity = (size_t) end;
    }
  clearerr (stream);
  if (capacity > max_bytes)
    capacity = max_bytes;

  buffer = malloc (capacity + 1);
  if (buffer == NULL)
    {
      fclose (stream);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                       "%s: out of memory reading %zu bytes", path, capacity);
    }

  for (;;)
    {
      size_t wanted;
      size_t got;

      if (used == capacity)
        {
          /* Full: one more byte tells whether the file goes on. */
          int c = fgetc (stream);
          size_t grown;
          unsigned char *larger;

          if (c == EOF)
            break;
          if (capacity >= max_bytes)
            {
              result = skc_fail (err, SKC_ERR_TOO_LARGE,
                                 "%s: larger than %zu bytes", path, max_bytes);
              break;
            }
          /* Double, but by at least 4 KiB and never past the cap; since
           * capacity < max_bytes, the buffer always grows. */
          grown = capacity > max_bytes / 2 ? max_bytes : capacity * 2;
          if (grown - capacity < 4096)
            grown = max_bytes - capacity < 4096 ? max_bytes : capacity + 4096;
          larger = realloc (buffer, grown + 1);
          if (larger == NULL)
            {
              result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                                 "%s: out of memory reading %zu bytes", path,
                                 grown);
              break;
            }
          buffer = larger;
          capacity = grown;
          buffer[used++] = (unsigned char) c;
          continue;
        }

      wanted = capacity - used;
      got = fread (buffer + used, 1, wanted, stream);
      used += got;
      if (got < wanted && (feof (stream) || ferror (stream)))
        break;
    }

  if (result == SKC_OK && ferror (stream))
    {
      saved_errno = errno;
      result = skc_fail (err, SKC_ERR_IO, "%s: read error: %s", path,
                         skc_errno_text (saved_errno));
    }
  fclose (stream);

  if (result != SKC_OK)
    {
      free (buffer);
      return result;
    }
  buffer[used] = '\0';
  *bytes = buffer;
  *length = used;
  return SKC_OK;
}

skc_result
skc_parse_file (const char *path, size_t max_bytes, skc_file_parser parse,
                void *out, skc_error *err)
{
  unsigned char *bytes;
  size_t length;
  skc_result result;

  result = skc_read_file (path, max_bytes, &bytes, &length, err);
  if (result != SKC_OK)
    return result;
  result = parse (bytes, length, path, out, err);
  free (bytes);
  return result;
}

skc_result
skc_temporary_create (const char *path, FILE **stream, char **temp_path,
                      skc_error *err)
{
  static atomic_uint counter;
  size_t path_length;
  char *name;
  int attempt;
  int saved_errno = 0;

  *stream = NULL;
  *temp_path = NULL;
  if (path == NULL || path[0] == '\0')
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no file name");

  path_length = strlen (path);
  name = malloc (path_length + 64);
  if (name == NULL)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "%s: out of memory", path);

  /* The process id keeps processes apart, the counter threads; "x" makes
   * fopen fail rather than reuse a name someone else holds. */
  for (attempt = 0; attempt < 100; attempt++)
    {
      unsigned serial = atomic_fetch_add (&counter, 1u);

      snprintf (name, path_length + 64, "%s.tmp-%ld-%u", path, (long) getpid (),
                serial);
      *stream = fopen (name, "wbx");
      if (*stream != NULL)
        {
          *temp_path = name;
          return SKC_OK;
        }
      saved_errno = errno;
      if (saved_errno != EEXIST)
        break;
    }
  free (name);
  return skc_fail (err, SKC_ERR_IO, "%s: cannot create: %s", path,
                   skc_errno_text (saved_errno));
}

skc_result
skc_temporary_finish (FILE *stream, char *temp_path, const char *path,
                      skc_result result, skc_error *err)
{
  int saved_errno;

  if (result == SKC_OK && (fflush (stream) != 0 || ferror (stream)))
    {
      saved_errno = errno;
      result = skc_fail (err, SKC_ERR_IO, "%s: write error: %s", path,
                         skc_errno_text (saved_errno));
    }
  /* fclose reports errors of the final flush (a full disk, say). */
  if (fclose (stream) != 0 && result == SKC_OK)
    {
      saved_errno = errno;
      result = skc_fail (err, SKC_ERR_IO, "%s: write error: %s", path,
                         skc_errno_text (saved_errno));
    }
  if (result == SKC_OK && rename (temp_path, path) != 0)
    {
      saved_errno = errno;
      result = skc_fail (err, SKC_ERR_IO, "%s: cannot replace: %s", path,
                         skc_errno_text (saved_errno));
    }
  if (result != SKC_OK)
    remove (temp_path);
  free (temp_path);
  return result;
}

/* ------------------------------------------------------------------ */
/* Header tokens                                                       */
/* ------------------------------------------------------------------ */

static bool
is_header_space (unsigned char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v'
         || c == '\f';
}

/* A cursor over the text header of a PFM or PNM file. */
typedef struct
{
  const unsigned char *bytes;
  size_t length;
  size_t position;
  const char *name;
  bool comments; /* PNM: '#' to end of line is ignored */
} header_reader;

static void
header_skip_space (header_reader *h)
{
  while (h->position < h->length)
    {
      unsigned char c = h->bytes[h->position];

      if (is_header_space (c))
        h->position++;
      else if (h->comments && c == '#')
        {
          while (h->position < h->length && h->bytes[h->position] != '\n'
                 && h->bytes[h->position] != '\r')
            h->position++;
        }
      else
        break;
    }
}

/* The next token: up to whitespace (or a comment in PNM).  Returns false at
 * the end of the data. */
static bool
header_token (header_reader *h, const unsigned char **token, size_t *length)
{
  size_t start;

  header_skip_space (h);
  if (h->position >= h->length)
    return false;
  start = h->position;
  while (h->position < h->length && !is_header_space (h->bytes[h->position])
         && !(h->comments && h->bytes[h->position] == '#'))
    h->position++;
  *token = h->bytes + start;
  *length = h->position - start;
  return true;
}

/* A decimal header number in min..max.  Values above max are TOO_LARGE
 * when `too_large_is_size` (image sides), PARSE otherwise (maxval). */
static skc_result
header_number (header_reader *h, const char *what, long min, long max,
               bool too_large_is_size, long *value, skc_error *err)
{
  const unsigned char *token;
  size_t length;
  size_t i;
  long number = 0;

  if (!header_token (h, &token, &length))
    return skc_fail (err, SKC_ERR_PARSE, "%s: truncated header (no %s)",
                     h->name, what);
  for (i = 0; i < length; i++)
    if (token[i] < '0' || token[i] > '9')
      return skc_fail (err, SKC_ERR_PARSE, "%s: the %s is not a whole number",
                       h->name, what);
  if (length > HEADER_DIGITS_MAX)
    return skc_fail (err, too_large_is_size ? SKC_ERR_TOO_LARGE : SKC_ERR_PARSE,
                     "%s: the %s is above %ld", h->name, what, max);
  for (i = 0; i < length; i++)
    number = number * 10 + (token[i] - '0');
  if (number < min)
    return skc_fail (err, SKC_ERR_PARSE, "%s: the %s %ld is below %ld", h->name,
                     what, number, min);
  if (number > max)
    return skc_fail (err, too_large_is_size ? SKC_ERR_TOO_LARGE : SKC_ERR_PARSE,
                     "%s: the %s %ld is above %ld", h->name, what, number, max);
  *value = number;
  return SKC_OK;
}

/* Exactly one whitespace byte separates the header from the pixels (the
 * pixels themselves may start with bytes that look like whitespace). */
static skc_result
header_end (header_reader *h, skc_error *err)
{
  if (h->position >= h->length || !is_header_space (h->bytes[h->position]))
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: no whitespace between the header and the pixels",
                     h->name);
  h->position++;
  return SKC_OK;
}

static skc_result
header_sides (header_reader *h, long *width, long *height, skc_error *err)
{
  skc_result result;

  result = header_number (h, "width", 1, SKC_IMAGE_MAX_SIDE, true, width, err);
  if (result != SKC_OK)
    return result;
  return header_number (h, "height", 1, SKC_IMAGE_MAX_SIDE, true, height, err);
}

/* Compares the pixel bytes the header promises with what is there, before
 * anything is allocated.  `trailing_ok`: PNM streams may hold several
 * images one after the other; we read the first. */
static skc_result
check_pixel_bytes (const header_reader *h, long width, long height,
                   int channels, int sample_bytes, bool trailing_ok,
                   skc_error *err)
{
  /* Sides are at most 2^16, so this fits 64 bits easily. */
  uint64_t expected = (uint64_t) width * (uint64_t) height * (uint64_t) channels
                      * (uint64_t) sample_bytes;
  uint64_t available = (uint64_t) (h->length - h->position);

  if (available < expected)
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: truncated: %ldx%ld pixels need %llu bytes, the file "
                     "has %llu",
                     h->name, width, height, (unsigned long long) expected,
                     (unsigned long long) available);
  if (available > expected && !trailing_ok)
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: unexpected data after the pixels (%llu bytes)",
                     h->name, (unsigned long long) (available - expected));
  return SKC_OK;
}

/* Largest file a reader accepts: the biggest image plus its header. */
static size_t
image_file_cap (int sample_bytes)
{
  uint64_t cap = (uint64_t) SKC_IMAGE_MAX_SIDE * SKC_IMAGE_MAX_SIDE * 3
                     * (uint64_t) sample_bytes
                 + IMAGE_HEADER_ALLOWANCE;

  return cap > (uint64_t) (SIZE_MAX - 1) ? SIZE_MAX - 1 : (size_t) cap;
}

/* What both parsers do first: refuse missing arguments and leave img
 * empty, so that a failure never leaves it half set. */
static skc_result
start_parse (const header_reader *h, skc_image *img, skc_error *err)
{
  if (img == NULL || (h->bytes == NULL && h->length > 0))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: no image", h->name);
  img->data = NULL;
  img->width = img->height = img->channels = 0;
  img->stride = 0;
  return SKC_OK;
}

/* What both parsers do after the header's last number: the whitespace that
 * ends the header, the pixel bytes it promises (see check_pixel_bytes), and
 * an image of its size. */
static skc_result
start_pixels (header_reader *h, skc_image *img, long width, long height,
              int channels, int sample_bytes, bool trailing_ok, skc_error *err)
{
  skc_result result = header_end (h, err);

  if (result == SKC_OK)
    result = check_pixel_bytes (h, width, height, channels, sample_bytes,
                                trailing_ok, err);
  if (result != SKC_OK)
    return result;
  result = skc_image_alloc (img, (int) width, (int) height, channels);
  if (result != SKC_OK)
    return skc_fail (err, result, "%s: cannot allocate %ldx%ld pixels: %s",
                     h->name, width, height, skc_strerror (result));
  return SKC_OK;
}

typedef skc_result (*image_parser) (const unsigned char *bytes, size_t length,
                                    const char *name, skc_image *img,
                                    skc_error *err);

/* What skc_parse_file fills for an image file: the image, and the parser
 * of the file's format. */
typedef struct
{
  image_parser parse;
  skc_image *img;
} image_target;

static skc_result
parse_image_file (const unsigned char *bytes, size_t length, const char *name,
                  void *out, skc_error *err)
{
  const image_target *target = out;

  return target->parse (bytes, length, name, target->img, err);
}

/* Reads a whole file of at most the largest image with `sample_bytes` per
 * sample, and parses it. */
static skc_result
read_image_file (const char *path, int sample_bytes, image_parser parse,
                 skc_image *img, skc_error *err)
{
  image_target target = { parse, img };

  return skc_parse_file (path, image_file_cap (sample_bytes), parse_image_file,
                         &target, err);
}

/* ------------------------------------------------------------------ */
/* PFM                                                                 */
/* ------------------------------------------------------------------ */

/* The scale line is a real number whose sign gives the byte order; its
 * magnitude means nothing to us.  Checked by hand rather than with strtod,
 * whose decimal point follows the locale. */
static skc_result
pfm_scale (header_reader *h, bool *little_endian, skc_error *err)
{
  const unsigned char *token;
  size_t length;
  size_t i = 0;
  bool digits = false;
  bool nonzero = false;

  if (!header_token (h, &token, &length))
    return skc_fail (err, SKC_ERR_PARSE, "%s: truncated header (no scale)",
                     h->name);

  *little_endian = length > 0 && token[0] == '-';
  if (i < length && (token[i] == '-' || token[i] == '+'))
    i++;
  for (; i < length && token[i] >= '0' && token[i] <= '9'; i++)
    {
      digits = true;
      nonzero |= token[i] != '0';
    }
  if (i < length && token[i] == '.')
    for (i++; i < length && token[i] >= '0' && token[i] <= '9'; i++)
      {
        digits = true;
        nonzero |= token[i] != '0';
      }
  if (digits && i < length && (token[i] == 'e' || token[i] == 'E'))
    {
      bool exponent_digits = false;

      i++;
      if (i < length && (token[i] == '-' || token[i] == '+'))
        i++;
      for (; i < length && token[i] >= '0' && token[i] <= '9'; i++)
        exponent_digits = true;
      if (!exponent_digits)
        digits = false;
    }
  if (!digits || i != length)
    return skc_fail (err, SKC_ERR_PARSE, "%s: the scale is not a number",
                     h->name);
  if (!nonzero)
    return skc_fail (err, SKC_ERR_PARSE, "%s: the scale is zero", h->name);
  return SKC_OK;
}

static float
decode_float (const unsigned char *b, bool little_endian)
{
  uint32_t bits;
  float value;

  if (little_endian)
    bits = (uint32_t) b[0] | (uint32_t) b[1] << 8 | (uint32_t) b[2] << 16
           | (uint32_t) b[3] << 24;
  else
    bits = (uint32_t) b[3] | (uint32_t) b[2] << 8 | (uint32_t) b[1] << 16
           | (uint32_t) b[0] << 24;
  memcpy (&value, &bits, sizeof value);
  return value;
}

static void
encode_float_le (float value, unsigned char *b)
{
  uint32_t bits;

  memcpy (&bits, &value, sizeof bits);
  b[0] = (unsigned char) (bits & 0xff);
  b[1] = (unsigned char) (bits >> 8 & 0xff);
  b[2] = (unsigned char) (bits >> 16 & 0xff);
  b[3] = (unsigned char) (bits >> 24 & 0xff);
}

/* Non-finite pixel values are stored as they are: a PFM may legitimately
 * hold them, and only the caller knows whether they are acceptable (target
 * kernels reject them in skc_kernel_from_values). */
skc_result
skc_pfm_parse (const unsigned char *bytes, size_t length, const char *name,
               skc_image *img, skc_error *err)
{
  header_reader h = { bytes, length, 0, name ? name : "<memory>", false };
  bool little_endian = false;
  long width;
  long height;
  int channels;
  skc_result result;
  const unsigned char *pixels;
  int y;

  result = start_parse (&h, img, err);
  if (result != SKC_OK)
    return result;
  if (length < 3 || bytes[0] != 'P' || (bytes[1] != 'F' && bytes[1] != 'f')
      || !is_header_space (bytes[2]))
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: not a PFM file (no \"PF\" or \"Pf\" at the start)",
                     h.name);
  channels = bytes[1] == 'F' ? 3 : 1;
  h.position = 2;

  result = header_sides (&h, &width, &height, err);
  if (result == SKC_OK)
    result = pfm_scale (&h, &little_endian, err);
  if (result == SKC_OK)
    result = start_pixels (&h, img, width, height, channels, 4, false, err);
  if (result != SKC_OK)
    return result;

  /* The file lists rows bottom to top. */
  pixels = bytes + h.position;
  for (y = 0; y < height; y++)
    {
      float *row = skc_image_pixel (img, 0, (int) height - 1 - y);
      size_t count = (size_t) width * (size_t) channels;
      size_t i;

      for (i = 0; i < count; i++)
        row[i] = decode_float (pixels + 4 * ((size_t) y * count + i),
                               little_endian);
    }
  return SKC_OK;
}

skc_result
skc_pfm_read (const char *path, skc_image *img, skc_error *err)
{
  return read_image_file (path, 4, skc_pfm_parse, img, err);
}

static skc_result
pfm_write_pixels (FILE *stream, const skc_image *img, int channels_out)
{
  size_t row_bytes = (size_t) img->width * (size_t) channels_out * 4;
  unsigned char *row_buffer;
  int y;

  if (fprintf (stream, "%s\n%d %d\n-1.0\n", channels_out == 3 ? "PF" : "Pf",
               img->width, img->height)
      < 0)
    return SKC_ERR_IO;

  row_buffer = malloc (row_bytes);
  if (row_buffer == NULL)
    return SKC_ERR_OUT_OF_MEMORY;

  for (y = img->height - 1; y >= 0; y--)
    {
      const float *row = skc_image_pixel (img, 0, y);
      unsigned char *out = row_buffer;
      int x;
      int c;

      for (x = 0; x < img->width; x++)
        for (c = 0; c < channels_out; c++)
          {
            encode_float_le (
                row[(size_t) x * (size_t) img->channels + (size_t) c], out);
            out += 4;
          }
      if (fwrite (row_buffer, 1, row_bytes, stream) != row_bytes)
        {
          free (row_buffer);
          return SKC_ERR_IO;
        }
    }
  free (row_buffer);
  return SKC_OK;
}

skc_result
skc_pfm_write (const char *path, const skc_image *img, skc_error *err)
{
  FILE *stream;
  char *temp_path;
  skc_result result;
  int saved_errno;

  if (img == NULL || img->data == NULL || img->width < 1 || img->height < 1
      || img->channels < 1 || img->channels > 4)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "%s: no image to write",
                     path ? path : "<none>");

  result = skc_temporary_create (path, &stream, &temp_path, err);
  if (result != SKC_OK)
    return result;

  errno = 0;
  result = pfm_write_pixels (stream, img, img->channels >= 3 ? 3 : 1);
  saved_errno = errno;
  if (result == SKC_ERR_IO)
    skc_fail (err, result, "%s: write error: %s", path,
              skc_errno_text (saved_errno));
  else if (result != SKC_OK)
    skc_fail (err, result, "%s: %s", path, skc_strerror (result));
  return skc_temporary_finish (stream, temp_path, path, result, err);
}

/* ------------------------------------------------------------------ */
/* PNM                                                                 */
/* ------------------------------------------------------------------ */

skc_result
skc_pnm_parse (const unsigned char *bytes, size_t length, const char *name,
               skc_image *img, skc_error *err)
{
  header_reader h = { bytes, length, 0, name ? name : "<memory>", true };
  long width;
  long height;
  long maxval;
  int channels;
  int sample_bytes;
  skc_result result;
  const unsigned char *pixels;
  size_t count;
  size_t i;

  result = start_parse (&h, img, err);
  if (result != SKC_OK)
    return result;
  if (length < 3 || bytes[0] != 'P' || (bytes[1] != '5' && bytes[1] != '6')
      || !(is_header_space (bytes[2]) || bytes[2] == '#'))
    return skc_fail (err, SKC_ERR_PARSE,
                     "%s: not a binary PGM or PPM file (no \"P5\" or \"P6\" "
                     "at the start)",
                     h.name);
  channels = bytes[1] == '6' ? 3 : 1;
  h.position = 2;

  result = header_sides (&h, &width, &height, err);
  if (result == SKC_OK)
    result = header_number (&h, "maxval", 1, 65535, false, &maxval, err);
  if (result != SKC_OK)
    return result;
  /* Netpbm: samples above 255 take two bytes, most significant first. */
  sample_bytes = maxval < 256 ? 1 : 2;
  result = start_pixels (&h, img, width, height, channels, sample_bytes, true,
                         err);
  if (result != SKC_OK)
    return result;

  /* skc_image_alloc gives compact rows, so the pixels are one run. */
  pixels = bytes + h.position;
  count = (size_t) width * (size_t) height * (size_t) channels;
  for (i = 0; i < count; i++)
    {
      long sample = sample_bytes == 1 ? (long) pixels[i]
                                      : ((long) pixels[2 * i] << 8)
                                            | (long) pixels[2 * i + 1];

      if (sample > maxval)
        {
          skc_image_free (img);
          return skc_fail (err, SKC_ERR_PARSE,
                           "%s: sample %ld is above the maxval %ld", h.name,
                           sample, maxval);
        }
      img->data[i] = (float) ((double) sample / (double) maxval);
    }
  return SKC_OK;
}

skc_result
skc_pnm_read (const char *path, skc_image *img, skc_error *err)
{
  return read_image_file (path, 2, skc_pnm_parse, img, err);
}

int
skc_image_signature_known (const unsigned char *head, size_t n)
{
  static const struct
  {
    const char *magic;
    size_t length;
  } signatures[] = {
    { "\x89PNG\r\n\x1a\n", 8 }, /* PNG */
    { "\xff\xd8\xff", 3 },      /* JPEG */
    { "II*\0", 4 },             /* TIFF, little-endian */
    { "MM\0*", 4 },             /* TIFF, big-endian */
    { "\x76\x2f\x31\x01", 4 },  /* OpenEXR */
    { "#?", 2 },                /* Radiance RGBE */
  };
  for (size_t i = 0; i < sizeof signatures / sizeof signatures[0]; i++)
    if (n >= signatures[i].length
        && memcmp (head, signatures[i].magic, signatures[i].length) == 0)
      return 1;
  if (n >= 2 && head[0] == 'P'
      && ((head[1] >= '1' && head[1] <= '6') || head[1] == 'F'
          || head[1] == 'f'))
    return 1; /* PNM, PFM */
  return n >= 12 && memcmp (head, "RIFF", 4) == 0
         && memcmp (head + 8, "WEBP", 4) == 0;
}

static int
has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  if (n < m)
    return 0;
  for (size_t i = 0; i < m; i++)
    {
      char a = path[n - m + i], b = suffix[i];
      if (a >= 'A' && a <= 'Z')
        a = (char) (a - 'A' + 'a');
      if (a != b)
        return 0;
    }
  return 1;
}

int
skc_image_file_is_core (const char *path)
{
  return has_suffix (path, ".pfm") || has_suffix (path, ".pgm")
         || has_suffix (path, ".ppm") || has_suffix (path, ".pnm");
}

skc_result
skc_values_read (const char *path, skc_image *img, skc_error *err)
{
  skc_image raw = { 0 };
  skc_result r = has_suffix (path, ".pfm") ? skc_pfm_read (path, &raw, err)
                                           : skc_pnm_read (path, &raw, err);
  if (r != SKC_OK || raw.channels == 1)
    {
      *img = raw;
      return r;
    }
  r = skc_image_alloc (img, raw.width, raw.height, 1);
  for (int y = 0; r == SKC_OK && y < raw.height; y++)
    for (int x = 0; x < raw.width; x++)
      {
        const float *p = skc_image_pixel (&raw, x, y);
        *skc_image_pixel (img, x, y)
            = 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2];
      }
  skc_image_free (&raw);
  return r == SKC_OK ? SKC_OK : skc_fail (err, r, "%s: out of memory", path);
}
