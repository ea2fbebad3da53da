/* skc — a bokeh shape image (and below, a fitted .skc filter) as one line
 * of text, for a GEGL property that carries a drawn or loaded shape inside
 * a GIMP layer effect (and so inside an XCF file) instead of a path that
 * means nothing on another machine:
 *
 *   skc-shape 1 WIDTH HEIGHT BITS DATA
 *
 * `1` is the format's version; WIDTH and HEIGHT are 1 to
 * SKC_SHAPE_DATA_SIDE_MAX; BITS is 8 or 16; DATA is the standard base64
 * (with `=` padding, no line breaks) of WIDTH x HEIGHT samples, row by
 * row from the top, 16-bit samples big-endian.  A sample's weight is
 * sample / (2^BITS - 1); only the weights' proportions matter (kernels
 * are normalised to sum 1).  Fields are separated by one space each and
 * nothing else may follow.  A newer version is refused with its number,
 * so that a file from a newer skc says why it does not render.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_SHAPE_DATA_H
#define SKC_GEGL_SHAPE_DATA_H

#include <glib.h>

#include "skc/skc.h"

G_BEGIN_DECLS

#define SKC_SHAPE_DATA_VERSION 1
/* Larger shapes are resampled to this side when encoded: a kernel of
 * radius R is 2R + 1 px wide, so 255 px keeps every pixel of the shape up
 * to radius 127, and the text stays under 175 kB. */
#define SKC_SHAPE_DATA_SIDE_MAX 255
/* The longest text decode accepts (a 255 x 255 16-bit shape and its
 * header). */
#define SKC_SHAPE_DATA_TEXT_MAX 174000

/* The weights (1 channel; negative values count as 0) as shape data:
 * 8-bit samples when every weight is a multiple of the largest / 255
 * (an 8-bit image's alpha or grey), else 16-bit; resampled by area to an
 * odd square of SKC_SHAPE_DATA_SIDE_MAX when a side is larger.  NULL with
 * err set for non-finite values or no positive weight.  g_free it. */
gchar *skc_gegl_shape_data_encode (const skc_image *weights, skc_error *err);

/* Parses shape data into a 1-channel image (free with skc_image_free).
 * Anything else than the format above (a wrong header, version, size,
 * bit depth, base64 alphabet or length, trailing text, all samples 0, a
 * text longer than SKC_SHAPE_DATA_TEXT_MAX) is SKC_ERR_PARSE (a newer
 * version SKC_ERR_UNSUPPORTED) with a one-line message starting
 * "shape-data: "; nothing is read outside the string.  Thread-safe. */
skc_result skc_gegl_shape_data_decode (const gchar *text, skc_image *out,
                                       skc_error *err);

/* A fitted .skc filter file (filterfile.h) as one line of text, for the
 * op's filter-data property, which carries a `.skc` kernel file inside a
 * layer effect as shape-data carries an image:
 *
 *   skc-filter-data 1 BYTES DATA
 *
 * `1` is the format's version (a newer one is refused with its number);
 * BYTES is the file's length, 1 to SKC_FILTER_DATA_BYTES_MAX; DATA is the
 * standard base64 (with `=` padding, no line breaks) of the file's bytes
 * as they are.  The filter itself travels, not its kernel: the fitted
 * filter is the user's exact choice, and its kernel rendered and fitted
 * again is another filter (32-33 dB PSNR from it on a photo at R 12-40). */
#define SKC_FILTER_DATA_VERSION 1
/* Fitted filters take a few kB; knots filters up to a few MB. */
#define SKC_FILTER_DATA_BYTES_MAX (3 * 1024 * 1024)
/* The longest text decode accepts: that file's base64 and a header. */
#define SKC_FILTER_DATA_TEXT_MAX (4 * 1024 * 1024 + 64)

/* The `length` bytes of a .skc file as filter data; NULL with err set
 * when they are no filter skc_filter_parse reads or are too long.
 * g_free it. */
gchar *skc_gegl_filter_data_encode (const gchar *bytes, gsize length,
                                    skc_error *err);

/* A .skc file's filter data (encode of its bytes); NULL with err set when
 * it cannot be read or is no filter.  g_free it. */
gchar *skc_gegl_filter_data_from_file (const gchar *path, skc_error *err);

/* Parses filter data into a filter (free with skc_filter_free).  Anything
 * else than the format above (header, version, length, base64 alphabet,
 * padding or length, trailing text, a text longer than
 * SKC_FILTER_DATA_TEXT_MAX, bytes that are no .skc filter) is
 * SKC_ERR_PARSE (a newer version SKC_ERR_UNSUPPORTED) with a one-line
 * message starting "filter-data: "; nothing is read outside the string.
 * Thread-safe. */
skc_result skc_gegl_filter_data_decode (const gchar *text, skc_filter **out,
                                        skc_error *err);

G_END_DECLS

#endif
