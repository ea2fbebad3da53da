/* skc tests — images, PFM and binary PGM/PPM reading and writing.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skc/image.h"
#include "skc/imagefile.h"

#include "check.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                             */
/* ------------------------------------------------------------------ */

static char temp_dir[256];

static bool
make_temp_dir (void)
{
  const char *base = getenv ("TMPDIR");

  if (base == NULL || base[0] == '\0')
    base = "/tmp";
  snprintf (temp_dir, sizeof temp_dir, "%s/skc-test-XXXXXX", base);
  return mkdtemp (temp_dir) != NULL;
}

static void
temp_path (char *path, size_t size, const char *name)
{
  snprintf (path, size, "%s/%s", temp_dir, name);
}

static bool
write_bytes (const char *path, const void *bytes, size_t length)
{
  FILE *stream = fopen (path, "wb");
  bool ok;

  if (stream == NULL)
    return false;
  ok = fwrite (bytes, 1, length, stream) == length;
  return fclose (stream) == 0 && ok;
}

/* Bit-exact pixel equality (NaN equals NaN, -0 differs from 0). */
static bool
images_identical (const skc_image *a, const skc_image *b, int channels)
{
  int x;
  int y;
  int c;

  if (a->width != b->width || a->height != b->height)
    return false;
  for (y = 0; y < a->height; y++)
    for (x = 0; x < a->width; x++)
      for (c = 0; c < channels; c++)
        if (memcmp (skc_image_pixel (a, x, y) + c,
                    skc_image_pixel (b, x, y) + c, sizeof (float))
            != 0)
          return false;
  return true;
}

/* Parses an exact-size heap copy, so ASan sees reads past the end. */
typedef skc_result (*parse_fn) (const unsigned char *, size_t, const char *,
                                skc_image *, skc_error *);

static skc_result
parse_exact (parse_fn parse, const void *bytes, size_t length, skc_image *img,
             skc_error *err)
{
  unsigned char *copy = malloc (length > 0 ? length : 1);
  skc_result result;

  if (copy == NULL)
    return SKC_ERR_OUT_OF_MEMORY;
  memcpy (copy, bytes, length);
  result = parse (copy, length, "case", img, err);
  free (copy);
  return result;
}

/* Appends a header and then raw bytes into one buffer. */
typedef struct
{
  unsigned char bytes[4096];
  size_t length;
} byte_buffer;

static void
append_text (byte_buffer *b, const char *text)
{
  size_t n = strlen (text);

  memcpy (b->bytes + b->length, text, n);
  b->length += n;
}

static void
append_float (byte_buffer *b, float value, bool big_endian)
{
  uint32_t bits;
  int i;

  memcpy (&bits, &value, sizeof bits);
  for (i = 0; i < 4; i++)
    b->bytes[b->length++]
        = (unsigned char) (bits >> (big_endian ? 24 - 8 * i : 8 * i) & 0xff);
}

/* ------------------------------------------------------------------ */
/* Images                                                              */
/* ------------------------------------------------------------------ */

static void
test_image_alloc (void)
{
  skc_image img;
  skc_image copy;
  int x;
  int y;

  CHECK_EQ_INT (skc_image_alloc (&img, 0, 5, 1), SKC_ERR_INVALID_ARGUMENT);
  CHECK (img.data == NULL && img.width == 0);
  CHECK_EQ_INT (skc_image_alloc (&img, 5, -1, 1), SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_image_alloc (&img, 5, 5, 0), SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_image_alloc (&img, 5, 5, 5), SKC_ERR_INVALID_ARGUMENT);
  CHECK_EQ_INT (skc_image_alloc (&img, SKC_IMAGE_MAX_SIDE + 1, 1, 1),
                SKC_ERR_TOO_LARGE);
  CHECK_EQ_INT (skc_image_alloc (&img, 1, SKC_IMAGE_MAX_SIDE + 1, 1),
                SKC_ERR_TOO_LARGE);
  CHECK_EQ_INT (skc_image_alloc (NULL, 1, 1, 1), SKC_ERR_INVALID_ARGUMENT);

  CHECK_EQ_INT (skc_image_alloc (&img, SKC_IMAGE_MAX_SIDE, 1, 4), SKC_OK);
  CHECK_EQ_INT ((long long) img.stride, 4LL * SKC_IMAGE_MAX_SIDE);
  CHECK (img.data[img.stride - 1] == 0.0f);
  skc_image_free (&img);
  CHECK (img.data == NULL && img.width == 0);
  skc_image_free (&img); /* an empty image frees again */

  /* A padded source copies into a compact one. */
  CHECK_EQ_INT (skc_image_alloc (&img, 6, 4, 2), SKC_OK);
  img.width = 5; /* pretend a view with one spare pixel a row */
  for (y = 0; y < 4; y++)
    for (x = 0; x < 5; x++)
      {
        skc_image_pixel (&img, x, y)[0] = (float) (10 * y + x);
        skc_image_pixel (&img, x, y)[1] = (float) -(10 * y + x);
      }
  CHECK_EQ_INT (skc_image_copy (&img, &copy), SKC_OK);
  CHECK_EQ_INT ((long long) copy.stride, 10);
  CHECK (images_identical (&img, &copy, 2));
  CHECK (copy.data != img.data);
  skc_image_free (&copy);
  img.width = 6;
  skc_image_free (&img);
  CHECK_EQ_INT (skc_image_copy (&img, &copy), SKC_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------------ */
/* PFM                                                                 */
/* ------------------------------------------------------------------ */

static void
fill_awkward (skc_image *img)
{
  /* Values a careless writer would mangle; non-finite ones included, since
   * the reader keeps them for the caller to judge. */
  static const float special[5]
      = { -0.0f, 1.40129846e-45f, 3.40282347e38f, NAN, -INFINITY };
  size_t count = img->stride * (size_t) img->height;
  size_t i;

  for (i = 0; i < count; i++)
    img->data[i] = i < 5 ? special[i] : (float) i * 0.37f - 3.0f;
}

static void
check_pfm_round_trip (int width, int height, int channels)
{
  char path[512];
  skc_image img;
  skc_image back;
  skc_error err;
  int stored = channels >= 3 ? 3 : 1;

  snprintf (path, sizeof path, "%s/round-%dx%dx%d.pfm", temp_dir, width, height,
            channels);
  CHECK_EQ_INT (skc_image_alloc (&img, width, height, channels), SKC_OK);
  if (img.data == NULL)
    return;
  fill_awkward (&img);

  CHECK_EQ_INT (skc_pfm_write (path, &img, &err), SKC_OK);
  CHECK_EQ_INT (skc_pfm_read (path, &back, &err), SKC_OK);
  CHECK_EQ_INT (back.channels, stored);
  CHECK_MSG (images_identical (&img, &back, stored),
             "%dx%dx%d differs after the round trip", width, height, channels);
  skc_image_free (&back);
  skc_image_free (&img);
  remove (path);
}

static void
test_pfm_round_trips (void)
{
  check_pfm_round_trip (5, 3, 1);
  check_pfm_round_trip (4, 7, 3);
  check_pfm_round_trip (1, 1, 1);
  check_pfm_round_trip (3, 2, 2); /* written as Pf: the first channel */
  check_pfm_round_trip (2, 3, 4); /* written as PF: the first three */
}

/* The file itself: little-endian, scale -1, bottom row first. */
static void
test_pfm_layout (void)
{
  char path[512];
  skc_image img;
  unsigned char *bytes = NULL;
  size_t length = 0;
  skc_error err;
  const char *header = "Pf\n2 3\n-1.0\n";
  size_t header_length = strlen (header);

  temp_path (path, sizeof path, "layout.pfm");
  CHECK_EQ_INT (skc_image_alloc (&img, 2, 3, 1), SKC_OK);
  if (img.data == NULL)
    return;
  skc_image_pixel (&img, 0, 0)[0] = 1.0f; /* top left */
  skc_image_pixel (&img, 0, 2)[0] = 2.0f; /* bottom left */
  CHECK_EQ_INT (skc_pfm_write (path, &img, &err), SKC_OK);
  CHECK_EQ_INT (skc_read_file (path, 1 << 20, &bytes, &length, &err), SKC_OK);
  CHECK_EQ_INT ((long long) length, (long long) (header_length + 6 * 4));
  if (bytes != NULL && length == header_length + 24)
    {
      CHECK (memcmp (bytes, header, header_length) == 0);
      /* 2.0f = 0x40000000 little-endian opens the pixels, 1.0f =
       * 0x3f800000 opens the last row. */
      CHECK (memcmp (bytes + header_length, "\x00\x00\x00\x40", 4) == 0);
      CHECK (memcmp (bytes + header_length + 16, "\x00\x00\x80\x3f", 4) == 0);
      CHECK_EQ_INT (bytes[length], 0); /* skc_read_file terminates */
    }
  free (bytes);
  skc_image_free (&img);
  remove (path);
}

static void
test_pfm_byte_orders (void)
{
  const float values[2][3]
      = { { 0.5f, -1.25f, 3e-5f }, { 1e10f, 7.0f, -0.0f } };
  int order;

  for (order = 0; order < 2; order++)
    {
      bool big_endian = order == 1;
      byte_buffer b = { { 0 }, 0 };
      skc_image img;
      skc_error err;
      int y;
      int x;

      /* A 3x2 grey image: the file lists the bottom row first. */
      append_text (&b, big_endian ? "Pf\n3 2\n1.0\n" : "Pf 3 2 -0.5\n");
      for (y = 1; y >= 0; y--)
        for (x = 0; x < 3; x++)
          append_float (&b, values[y][x], big_endian);

      CHECK_EQ_INT (parse_exact (skc_pfm_parse, b.bytes, b.length, &img, &err),
                    SKC_OK);
      if (img.data == NULL)
        continue;
      for (y = 0; y < 2; y++)
        for (x = 0; x < 3; x++)
          CHECK_MSG (
              memcmp (skc_image_pixel (&img, x, y), &values[y][x], 4) == 0,
              "%s-endian pixel (%d, %d): %g", big_endian ? "big" : "little", x,
              y, (double) *skc_image_pixel (&img, x, y));
      skc_image_free (&img);
    }

  /* RGB, big-endian, scale written as "+2" */
  {
    byte_buffer b = { { 0 }, 0 };
    skc_image img;
    skc_error err;

    append_text (&b, "PF\n1 1\n+2\n");
    append_float (&b, 0.25f, true);
    append_float (&b, 0.5f, true);
    append_float (&b, 0.75f, true);
    CHECK_EQ_INT (parse_exact (skc_pfm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_EQ_INT (img.channels, 3);
        CHECK (img.data[0] == 0.25f && img.data[1] == 0.5f
               && img.data[2] == 0.75f);
        skc_image_free (&img);
      }
  }
}

/* ------------------------------------------------------------------ */
/* PNM                                                                 */
/* ------------------------------------------------------------------ */

static void
test_pnm (void)
{
  skc_image img;
  skc_error err;

  /* P5, 8 bit, comments between every field */
  {
    byte_buffer b = { { 0 }, 0 };

    append_text (&b, "P5\n# made by hand\n3 # width\n2\n# maxval next\n255\n");
    memcpy (b.bytes + b.length, "\x00\x33\xff\x80\x01\x0a", 6);
    b.length += 6;
    CHECK_EQ_INT (parse_exact (skc_pnm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_EQ_INT (img.width, 3);
        CHECK_EQ_INT (img.height, 2);
        CHECK_EQ_INT (img.channels, 1);
        CHECK_NEAR (skc_image_pixel (&img, 0, 0)[0], 0.0, 0.0);
        CHECK_NEAR (skc_image_pixel (&img, 1, 0)[0], 0.2, 1e-7);
        CHECK_NEAR (skc_image_pixel (&img, 2, 0)[0], 1.0, 0.0);
        CHECK_NEAR (skc_image_pixel (&img, 0, 1)[0], 128.0 / 255.0, 1e-7);
        CHECK_NEAR (skc_image_pixel (&img, 2, 1)[0], 10.0 / 255.0, 1e-7);
        skc_image_free (&img);
      }
  }

  /* P5, 16 bit big-endian; a comment glued to a number; a second image
   * after the first (netpbm streams may hold several) is ignored. */
  {
    byte_buffer b = { { 0 }, 0 };

    append_text (&b, "P5 2#c\n1 65535\n");
    memcpy (b.bytes + b.length,
            "\xff\xff\x01\x00"
            "P5 1 1 255\n\x00",
            16);
    b.length += 16;
    CHECK_EQ_INT (parse_exact (skc_pnm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_EQ_INT (img.width, 2);
        CHECK_NEAR (img.data[0], 1.0, 0.0);
        CHECK_NEAR (img.data[1], 256.0 / 65535.0, 1e-9);
        skc_image_free (&img);
      }
  }

  /* maxval 1000 also takes two bytes a sample */
  {
    byte_buffer b = { { 0 }, 0 };

    append_text (&b, "P5\n1 2\n1000\n");
    memcpy (b.bytes + b.length, "\x03\xe8\x01\xf4", 4);
    b.length += 4;
    CHECK_EQ_INT (parse_exact (skc_pnm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_NEAR (img.data[0], 1.0, 0.0);
        CHECK_NEAR (img.data[1], 0.5, 0.0);
        skc_image_free (&img);
      }
  }

  /* P6 with comments, CRLF header and a small maxval */
  {
    byte_buffer b = { { 0 }, 0 };

    append_text (&b, "P6\r\n# rgb\r\n2 1\r\n# maxval\r\n3\n");
    memcpy (b.bytes + b.length, "\x00\x01\x02\x03\x03\x00", 6);
    b.length += 6;
    CHECK_EQ_INT (parse_exact (skc_pnm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_EQ_INT (img.channels, 3);
        CHECK_NEAR (skc_image_pixel (&img, 0, 0)[0], 0.0, 0.0);
        CHECK_NEAR (skc_image_pixel (&img, 0, 0)[1], 1.0 / 3.0, 1e-7);
        CHECK_NEAR (skc_image_pixel (&img, 0, 0)[2], 2.0 / 3.0, 1e-7);
        CHECK_NEAR (skc_image_pixel (&img, 1, 0)[0], 1.0, 0.0);
        CHECK_NEAR (skc_image_pixel (&img, 1, 0)[2], 0.0, 0.0);
        skc_image_free (&img);
      }
  }

  /* The pixels may start with a byte that looks like whitespace. */
  {
    byte_buffer b = { { 0 }, 0 };

    append_text (&b, "P5 2 1 255\n\n ");
    CHECK_EQ_INT (parse_exact (skc_pnm_parse, b.bytes, b.length, &img, &err),
                  SKC_OK);
    if (img.data != NULL)
      {
        CHECK_NEAR (img.data[0], 10.0 / 255.0, 1e-7);
        CHECK_NEAR (img.data[1], 32.0 / 255.0, 1e-7);
        skc_image_free (&img);
      }
  }

  /* Through a file. */
  {
    char path[512];
    const char pgm[] = "P5\n1 1\n255\n\x7f";

    temp_path (path, sizeof path, "grey.pgm");
    CHECK (write_bytes (path, pgm, sizeof pgm - 1));
    CHECK_EQ_INT (skc_pnm_read (path, &img, &err), SKC_OK);
    if (img.data != NULL)
      {
        CHECK_NEAR (img.data[0], 127.0 / 255.0, 1e-7);
        skc_image_free (&img);
      }
    remove (path);
  }
}

/* ------------------------------------------------------------------ */
/* Malformed files                                                     */
/* ------------------------------------------------------------------ */

typedef struct
{
  const char *label;
  parse_fn parse;
  const char *bytes;
  size_t length;
  skc_result expected;
} bad_image;

/* A literal and its length, embedded NULs included. */
#define BYTES(literal) literal, sizeof (literal) - 1

static const bad_image bad_images[] = {
  { "pfm: empty", skc_pfm_parse, BYTES (""), SKC_ERR_PARSE },
  { "pfm: bad magic", skc_pfm_parse, BYTES ("PG\n1 1\n-1\n\0\0\0\0"),
    SKC_ERR_PARSE },
  { "pfm: magic glued to width", skc_pfm_parse, BYTES ("PF1 1\n-1\n"),
    SKC_ERR_PARSE },
  { "pfm: magic only", skc_pfm_parse, BYTES ("Pf"), SKC_ERR_PARSE },
  { "pfm: no height", skc_pfm_parse, BYTES ("Pf\n1"), SKC_ERR_PARSE },
  { "pfm: no scale", skc_pfm_parse, BYTES ("Pf\n1 1\n"), SKC_ERR_PARSE },
  { "pfm: absurd size", skc_pfm_parse, BYTES ("Pf\n100000 100000\n-1\n"),
    SKC_ERR_TOO_LARGE },
  { "pfm: absurd digits", skc_pfm_parse,
    BYTES ("Pf\n99999999999999999999 1\n-1\n"), SKC_ERR_TOO_LARGE },
  { "pfm: largest size, no pixels", skc_pfm_parse,
    BYTES ("PF\n65536 65536\n-1\n"), SKC_ERR_PARSE },
  { "pfm: zero width", skc_pfm_parse, BYTES ("Pf\n0 1\n-1\n"), SKC_ERR_PARSE },
  { "pfm: negative width", skc_pfm_parse, BYTES ("Pf\n-3 1\n-1\n"),
    SKC_ERR_PARSE },
  { "pfm: width junk", skc_pfm_parse, BYTES ("Pf\n3x 1\n-1\n"), SKC_ERR_PARSE },
  { "pfm: scale junk", skc_pfm_parse, BYTES ("Pf\n1 1\nabc\n\0\0\0\0"),
    SKC_ERR_PARSE },
  { "pfm: scale nan", skc_pfm_parse, BYTES ("Pf\n1 1\nnan\n\0\0\0\0"),
    SKC_ERR_PARSE },
  { "pfm: scale zero", skc_pfm_parse, BYTES ("Pf\n1 1\n-0.0\n\0\0\0\0"),
    SKC_ERR_PARSE },
  { "pfm: truncated pixels", skc_pfm_parse,
    BYTES ("Pf\n2 1\n-1\n\0\0\0\0\0\0\0"), SKC_ERR_PARSE },
  { "pfm: extra bytes", skc_pfm_parse, BYTES ("Pf\n1 1\n-1\n\0\0\0\0\0"),
    SKC_ERR_PARSE },
  { "pfm: no separator", skc_pfm_parse, BYTES ("Pf\n1 1\n-1"), SKC_ERR_PARSE },
  { "pnm: empty", skc_pnm_parse, BYTES (""), SKC_ERR_PARSE },
  { "pnm: bad magic", skc_pnm_parse, BYTES ("P7\n1 1\n255\n\0"),
    SKC_ERR_PARSE },
  { "pnm: ascii pgm", skc_pnm_parse, BYTES ("P2\n1 1\n255\n0\n"),
    SKC_ERR_PARSE },
  { "pnm: absurd size", skc_pnm_parse, BYTES ("P6\n100000 100000\n255\n"),
    SKC_ERR_TOO_LARGE },
  { "pnm: largest size, no pixels", skc_pnm_parse,
    BYTES ("P5\n65536 65536\n65535\n\0\0"), SKC_ERR_PARSE },
  { "pnm: maxval 0", skc_pnm_parse, BYTES ("P5\n1 1\n0\n\0"), SKC_ERR_PARSE },
  { "pnm: maxval 65536", skc_pnm_parse, BYTES ("P5\n1 1\n65536\n\0\0"),
    SKC_ERR_PARSE },
  { "pnm: maxval junk", skc_pnm_parse, BYTES ("P5\n1 1\n25x\n\0"),
    SKC_ERR_PARSE },
  { "pnm: no maxval", skc_pnm_parse, BYTES ("P5\n1 1\n"), SKC_ERR_PARSE },
  { "pnm: comment to the end", skc_pnm_parse, BYTES ("P5\n1 1 # no end"),
    SKC_ERR_PARSE },
  { "pnm: truncated 8-bit", skc_pnm_parse, BYTES ("P5\n2 2\n255\n\1\2\3"),
    SKC_ERR_PARSE },
  { "pnm: truncated 16-bit", skc_pnm_parse, BYTES ("P5\n1 1\n65535\n\1"),
    SKC_ERR_PARSE },
  { "pnm: sample above maxval", skc_pnm_parse, BYTES ("P5\n1 1\n100\n\xc8"),
    SKC_ERR_PARSE },
  { "pnm: 16-bit sample above maxval", skc_pnm_parse,
    BYTES ("P5\n1 1\n1000\n\x03\xe9"), SKC_ERR_PARSE },
  { "pnm: no separator", skc_pnm_parse, BYTES ("P5\n1 1\n255"), SKC_ERR_PARSE },
};

static void
test_malformed (void)
{
  size_t i;

  for (i = 0; i < sizeof bad_images / sizeof bad_images[0]; i++)
    {
      const bad_image *c = &bad_images[i];
      size_t length = c->length;
      skc_image img = { 1, 1, 1, 1, (float *) &img }; /* must be emptied */
      skc_error err;
      skc_result result;

      err.message[0] = '\0';
      result = parse_exact (c->parse, c->bytes, length, &img, &err);
      CHECK_MSG (result == c->expected, "%s: got %s (%s)", c->label,
                 skc_strerror (result), err.message);
      CHECK_MSG (img.data == NULL && img.width == 0, "%s: image not empty",
                 c->label);
      CHECK_MSG (strncmp (err.message, "case: ", 6) == 0,
                 "%s: message does not name the file: %s", c->label,
                 err.message);
      if (getenv ("SKC_TEST_VERBOSE") != NULL)
        printf ("%-34s %s\n", c->label, err.message);
      if (result == SKC_OK)
        skc_image_free (&img);
    }

  /* Every prefix of a valid file fails cleanly. */
  {
    byte_buffer b = { { 0 }, 0 };
    size_t cut;
    int y;

    append_text (&b, "PF\n2 2\n-1.0\n");
    for (y = 0; y < 12; y++)
      append_float (&b, (float) y, false);
    for (cut = 0; cut < b.length; cut++)
      {
        skc_image img;
        skc_error err;
        skc_result result
            = parse_exact (skc_pfm_parse, b.bytes, cut, &img, &err);

        CHECK_MSG (result == SKC_ERR_PARSE, "pfm cut at %zu: %s", cut,
                   skc_strerror (result));
        if (result == SKC_OK)
          skc_image_free (&img);
      }
  }
}

static void
test_files (void)
{
  char path[512];
  char missing[512];
  skc_image img;
  skc_error err;
  unsigned char *bytes = NULL;
  size_t length = 7;

  temp_path (missing, sizeof missing, "no/such.pfm");
  CHECK_EQ_INT (skc_pfm_read (missing, &img, &err), SKC_ERR_IO);
  CHECK_MSG (strstr (err.message, missing) != NULL, "message: %s", err.message);
  CHECK_EQ_INT (skc_pnm_read (missing, &img, &err), SKC_ERR_IO);
  CHECK_EQ_INT (skc_read_file (missing, 100, &bytes, &length, &err),
                SKC_ERR_IO);
  CHECK (bytes == NULL && length == 0);

  /* Writing into a missing folder fails and names the path. */
  CHECK_EQ_INT (skc_image_alloc (&img, 1, 1, 1), SKC_OK);
  CHECK_EQ_INT (skc_pfm_write (missing, &img, &err), SKC_ERR_IO);
  CHECK_MSG (strstr (err.message, missing) != NULL, "message: %s", err.message);
  skc_image_free (&img);
  CHECK_EQ_INT (skc_pfm_write (missing, &img, &err), SKC_ERR_INVALID_ARGUMENT);

  /* The size cap, exactly at and just below the file's size. */
  temp_path (path, sizeof path, "ten.bin");
  CHECK (write_bytes (path, "0123456789", 10));
  CHECK_EQ_INT (skc_read_file (path, 10, &bytes, &length, &err), SKC_OK);
  CHECK_EQ_INT ((long long) length, 10);
  if (bytes != NULL)
    CHECK (memcmp (bytes, "0123456789", 11) == 0);
  free (bytes);
  CHECK_EQ_INT (skc_read_file (path, 9, &bytes, &length, &err),
                SKC_ERR_TOO_LARGE);
  CHECK (bytes == NULL);
  CHECK_MSG (strstr (err.message, path) != NULL, "message: %s", err.message);
  remove (path);

  /* An empty file reads as an empty, terminated buffer. */
  temp_path (path, sizeof path, "empty.bin");
  CHECK (write_bytes (path, "", 0));
  CHECK_EQ_INT (skc_read_file (path, 0, &bytes, &length, &err), SKC_OK);
  CHECK (bytes != NULL && length == 0 && bytes[0] == '\0');
  free (bytes);
  CHECK_EQ_INT (skc_pfm_read (path, &img, &err), SKC_ERR_PARSE);
  remove (path);

  /* A folder is not a file. */
  CHECK_EQ_INT (skc_read_file (temp_dir, 1000, &bytes, &length, &err),
                SKC_ERR_IO);
  CHECK (bytes == NULL);

  /* A stream that cannot seek grows its buffer as it goes. */
  {
    char *contents = malloc (200000);

    CHECK (contents != NULL);
    if (contents != NULL)
      {
        memset (contents, 'z', 200000);
        temp_path (path, sizeof path, "fifo");
        if (mkfifo (path, 0600) == 0)
          {
            FILE *writer;
            pid_t child = fork ();

            if (child == 0)
              {
                writer = fopen (path, "wb");
                if (writer != NULL)
                  {
                    fwrite (contents, 1, 200000, writer);
                    fclose (writer);
                  }
                _exit (0);
              }
            CHECK_EQ_INT (skc_read_file (path, 1 << 20, &bytes, &length, &err),
                          SKC_OK);
            CHECK_EQ_INT ((long long) length, 200000);
            if (bytes != NULL)
              CHECK (memcmp (bytes, contents, 200000) == 0);
            free (bytes);
            waitpid (child, NULL, 0);
            remove (path);
          }
        else
          printf ("fifo test skipped: cannot make a fifo\n");
        free (contents);
      }
  }
}

int
main (void)
{
  if (!make_temp_dir ())
    {
      fprintf (stderr, "cannot create a temporary folder\n");
      return 1;
    }
  test_image_alloc ();
  test_pfm_round_trips ();
  test_pfm_layout ();
  test_pfm_byte_orders ();
  test_pnm ();
  test_malformed ();
  test_files ();
  rmdir (temp_dir);
  return check_summary ();
}
