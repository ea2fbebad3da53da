/* skc — exact pixel conversions between image files' samples and the
 * float pixels skc works on, for the skc tool's files (issue 15).  babl
 * picks its conversion paths by timing them, and may swap a lookup table
 * in for a path while a process runs, so that two runs of one file could
 * differ in their last bits; these conversions are fixed formulas, the
 * same on every run:
 *
 * - 8- and 16-bit samples to float: a table of each level's value, the
 *   transfer curve (sRGB's, a pure gamma or linear) computed in double;
 * - float to 8 and 16 bits: the nearest level, found among the exact
 *   midpoints between levels (never dithered), so that a level read and
 *   written back is the same level;
 * - grey to RGB copies the grey; RGB to grey is babl's sRGB luminance
 *   (babl_space_get_rgb_luminance) in double;
 * - premultiplied alpha as babl has it: colours times the alpha, an alpha
 *   under 1/65536 counting as 1/65536, so that a transparent pixel keeps
 *   its colour;
 * - other primaries with sRGB's white (Display P3, Adobe RGB, ...): babl's
 *   matrix between the linear RGBs, read once from its conversion of
 *   doubles (a matrix product), applied in double.
 *
 * Formats in a space with sRGB's white and one curve for its channels
 * (sRGB's, a pure gamma or linear) in u8, u16 or float, grey or RGB, with
 * or without alpha, premultiplied when linear, are converted here; any
 * other pair (another white, a curve of an ICC table, half floats, CMYK)
 * goes through babl as before.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_PIXEL_CONVERT_H
#define SKC_GEGL_PIXEL_CONVERT_H

#include <babl/babl.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct SkcConversion SkcConversion;

/* A conversion from babl format `from` to `to`; babl must be running.
 * Thread safe (the tables are made once a process). */
SkcConversion *skc_conversion_new (const Babl *from, const Babl *to);

/* Whether the conversion is skc's own (else it is babl's fish). */
gboolean skc_conversion_is_exact (const SkcConversion *conversion);

/* Converts n pixels, packed, from src to dst.  Thread safe. */
void skc_conversion_run (const SkcConversion *conversion, const void *src,
                         void *dst, long n);

void skc_conversion_free (SkcConversion *conversion);

G_END_DECLS

#endif
