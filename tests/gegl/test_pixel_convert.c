/* skc tests — the exact pixel conversions (gegl/pixel-convert.h) against a
 * naive reference in double: every 8- and 16-bit level to float for sRGB,
 * a gamma space and linear; float to levels (the nearest, never
 * dithered); every level of grey, RGB and RGBA read to premultiplied
 * floats and written back is the same level (alpha 0 included);
 * premultiplication as babl does it; grey from RGB by sRGB's luminance;
 * other primaries with sRGB's white as babl converts them (1e-5), every
 * level coming back; formats it does not take go to babl and give
 * babl's bytes; the same
 * result on every call.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <string.h>

#include <babl/babl.h>
#include <glib.h>

#include "check.h"
#include "pixel-convert.h"

static double
srgb_decode (double v)
{
  return v <= 0.04045 ? v / 12.92 : pow ((v + 0.055) / 1.055, 2.4);
}

static double
srgb_encode (double v)
{
  return v <= 0.0031308 ? v * 12.92 : 1.055 * pow (v, 1.0 / 2.4) - 0.055;
}

static const Babl *
gamma_space (double gamma)
{
  const Babl *trc = babl_trc_gamma (gamma);
  return babl_space_from_chromaticities (NULL, 0.3127, 0.3290, 0.64, 0.33, 0.30,
                                         0.60, 0.15, 0.06, trc, trc, trc,
                                         BABL_SPACE_FLAG_EQUALIZE);
}

/* Converts n pixels from one format to another with a fresh conversion,
   checking that it is exact. */
static void
convert (const char *from, const Babl *from_space, const char *to,
         const void *src, void *dst, long n)
{
  SkcConversion *c = skc_conversion_new (
      babl_format_with_space (from, from_space), babl_format (to));
  CHECK_MSG (skc_conversion_is_exact (c), "%s to %s is not exact", from, to);
  skc_conversion_run (c, src, dst, n);
  skc_conversion_free (c);
}

/* Every level's value: the curve in double, rounded once to float. */
static void
test_levels_to_float (void)
{
  static guint16 levels[65536];
  static float got[65536];
  for (gint i = 0; i < 65536; i++)
    levels[i] = (guint16) i;
  const Babl *srgb = babl_space ("sRGB");
  const Babl *g22 = gamma_space (2.2);
  struct
  {
    const char *format;
    const Babl *space;
    gint max;
    gint curve; /* 0 linear, 1 sRGB, 2 gamma 2.2 */
  } cases[] = {
    { "Y' u16", srgb, 65535, 1 }, { "Y u16", srgb, 65535, 0 },
    { "Y' u16", g22, 65535, 2 },  { "Y' u8", srgb, 255, 1 },
    { "Y u8", srgb, 255, 0 },     { "Y' u8", g22, 255, 2 },
  };
  for (gint c = 0; c < (gint) G_N_ELEMENTS (cases); c++)
    {
      guint8 bytes[256];
      for (gint i = 0; i < 256; i++)
        bytes[i] = (guint8) i;
      gint max = cases[c].max;
      convert (cases[c].format, cases[c].space, "Y float",
               max == 255 ? (const void *) bytes : (const void *) levels, got,
               max + 1);
      gint wrong = 0;
      for (gint i = 0; i <= max; i++)
        {
          double v = (double) i / max;
          double want = cases[c].curve == 0   ? v
                        : cases[c].curve == 1 ? srgb_decode (v)
                                              : pow (v, 2.2);
          wrong += got[i] != (float) want;
        }
      CHECK_MSG (wrong == 0, "%s (curve %d): %d levels differ from the formula",
                 cases[c].format, cases[c].curve, wrong);
    }
}

/* Floats to levels: the nearest level by the formula (ties are left out,
   where the reference's own rounding decides), clamped, NaN to 0. */
static void
test_float_to_levels (void)
{
  enum
  {
    N = 200000
  };
  static float values[N];
  static guint16 got16[N];
  static guint8 got8[N];
  GRand *rand = g_rand_new_with_seed (15);
  for (gint i = 0; i < N; i++)
    values[i] = i < 1000 ? (float) (i - 100) / 800.0f
                         : (float) g_rand_double_range (rand, 0, 1);
  values[0] = NAN;
  values[1] = INFINITY;
  values[2] = -INFINITY;
  g_rand_free (rand);
  const Babl *g22 = gamma_space (2.2);
  for (gint curve = 0; curve < 3; curve++)
    {
      const char *format16 = curve == 0 ? "Y u16" : "Y' u16";
      const char *format8 = curve == 0 ? "Y u8" : "Y' u8";
      const Babl *space = curve == 2 ? g22 : babl_space ("sRGB");
      SkcConversion *c16 = skc_conversion_new (
          babl_format ("Y float"), babl_format_with_space (format16, space));
      SkcConversion *c8 = skc_conversion_new (
          babl_format ("Y float"), babl_format_with_space (format8, space));
      CHECK (skc_conversion_is_exact (c16) && skc_conversion_is_exact (c8));
      skc_conversion_run (c16, values, got16, N);
      skc_conversion_run (c8, values, got8, N);
      skc_conversion_free (c16);
      skc_conversion_free (c8);
      gint wrong = 0, checked = 0;
      for (gint i = 0; i < N; i++)
        for (gint bits = 8; bits <= 16; bits += 8)
          {
            gint max = bits == 8 ? 255 : 65535;
            double v = isnan (values[i]) ? 0 : CLAMP (values[i], 0.0, 1.0);
            double e = curve == 0   ? v
                       : curve == 1 ? srgb_encode (v)
                                    : pow (v, 1 / 2.2);
            double x = e * max;
            if (fabs (x - floor (x) - 0.5) < 1e-9)
              continue;
            gint want = (gint) floor (x + 0.5);
            gint got = bits == 8 ? got8[i] : got16[i];
            wrong += got != want;
            checked++;
          }
      CHECK_MSG (wrong == 0 && checked > N, "curve %d: %d of %d levels wrong",
                 curve, wrong, checked);
    }
}

/* Read to premultiplied floats and written back: the same levels. */
static void
test_round_trips (void)
{
  enum
  {
    N = 65536
  };
  static guint16 rgba16[N * 4], back16[N * 4];
  static guint8 rgba8[N * 4], back8[N * 4];
  static float floats[N * 4];
  for (gint i = 0; i < N; i++)
    for (gint k = 0; k < 4; k++)
      {
        /* Every level in every channel; alphas from 0 up, faint ones
           included. */
        guint32 level = (guint32) (i * (k == 3 ? 40503u : 1u + 2u * k)) % N;
        rgba16[i * 4 + k]
            = (guint16) (k == 3 && i % 7 == 0 ? (guint32) i % 5 : level);
        rgba8[i * 4 + k] = (guint8) (rgba16[i * 4 + k] >> (k == 3 ? 0 : 8));
      }
  const Babl *spaces[] = { babl_space ("sRGB"), gamma_space (2.2) };
  const char *formats[] = { "R'G'B'A", "R'G'B'", "Y'A", "Y'", "RGBA", "Y" };
  for (gint s = 0; s < 2; s++)
    for (gint f = 0; f < (gint) G_N_ELEMENTS (formats); f++)
      for (gint bits = 8; bits <= 16; bits += 8)
        {
          gchar *name
              = g_strdup_printf ("%s %s", formats[f], bits == 8 ? "u8" : "u16");
          const Babl *file = babl_format_with_space (name, spaces[s]);
          const Babl *pixels = babl_format ("RaGaBaA float");
          /* The same bytes as the RGBA test data, read as this format. */
          const void *in = bits == 8 ? (const void *) rgba8 : rgba16;
          void *out = bits == 8 ? (void *) back8 : back16;
          memset (out, 0, bits == 8 ? sizeof back8 : sizeof back16);
          SkcConversion *read = skc_conversion_new (file, pixels);
          SkcConversion *write = skc_conversion_new (pixels, file);
          CHECK (skc_conversion_is_exact (read)
                 && skc_conversion_is_exact (write));
          skc_conversion_run (read, in, floats, N);
          skc_conversion_run (write, floats, out, N);
          skc_conversion_free (read);
          skc_conversion_free (write);
          size_t bytes = (size_t) N * babl_format_get_bytes_per_pixel (file);
          CHECK_MSG (memcmp (in, out, bytes) == 0,
                     "%s in space %d does not come back the same", name, s);
          g_free (name);
        }
}

/* Premultiplied as babl has it: colour times alpha, an alpha of 0 as
   1/65536; grey from RGB by sRGB's luminance; babl agrees within its
   tolerance. */
static void
test_meaning (void)
{
  guint8 px[][4]
      = { { 255, 128, 0, 255 }, { 200, 100, 50, 0 }, { 10, 20, 30, 77 } };
  float got[3][4], via_babl[3][4];
  convert ("R'G'B'A u8", babl_space ("sRGB"), "RaGaBaA float", px, got, 3);
  babl_process (
      babl_fish (babl_format ("R'G'B'A u8"), babl_format ("RaGaBaA float")), px,
      via_babl, 3);
  for (gint i = 0; i < 3; i++)
    {
      double a = px[i][3] / 255.0, used = a > 0 ? a : 1.0 / 65536;
      for (gint k = 0; k < 3; k++)
        {
          double want = srgb_decode (px[i][k] / 255.0) * used;
          CHECK_MSG (fabs (got[i][k] - want) <= 1e-7 * fmax (want, 1e-3),
                     "pixel %d channel %d: %g, not %g", i, k, got[i][k], want);
          CHECK_MSG (fabs (got[i][k] - via_babl[i][k])
                         <= 1e-5 * fmax (via_babl[i][k], 1e-3),
                     "pixel %d channel %d: %g, babl %g", i, k, got[i][k],
                     via_babl[i][k]);
        }
      CHECK (got[i][3] == (float) a);
    }
  double lr, lg, lb;
  babl_space_get_rgb_luminance (babl_space ("sRGB"), &lr, &lg, &lb);
  float rgb[3] = { 0.2f, 0.5f, 0.9f }, y, y_babl;
  convert ("RGB float", babl_space ("sRGB"), "Y float", rgb, &y, 1);
  babl_process (babl_fish (babl_format ("RGB float"), babl_format ("Y float")),
                rgb, &y_babl, 1);
  CHECK (y == (float) (lr * 0.2f + lg * 0.5f + lb * 0.9f));
  CHECK_MSG (fabsf (y - y_babl) < 1e-6f, "Y %g, babl %g", y, y_babl);
}

/* Other primaries with sRGB's white (Display P3's with the sRGB curve, a
   wide gamut with gamma 2.2): every 16-bit level of each channel is the
   exact curve and babl's matrix (its conversion of linear doubles) to
   1e-6 on the way in; every level comes back with the sRGB curve, and
   within a level with gamma 2.2 above a linear 1e-4 (darker 16-bit
   levels are closer than the float sRGB values they pass through can
   tell, as through babl). */
static void
test_other_primaries (void)
{
  enum
  {
    N = 65536
  };
  static guint16 in[N * 3], back[N * 3];
  static float ours[N * 3];
  static double in_doubles[N * 3], theirs[N * 3];
  const Babl *srgb_trc = babl_trc ("sRGB"), *g22 = babl_trc_gamma (2.2);
  const Babl *spaces[] = {
    babl_space_from_chromaticities (NULL, 0.3127, 0.3290, 0.680, 0.320, 0.265,
                                    0.690, 0.150, 0.060, srgb_trc, srgb_trc,
                                    srgb_trc, BABL_SPACE_FLAG_EQUALIZE),
    babl_space_from_chromaticities (NULL, 0.3127, 0.3290, 0.7347, 0.2653,
                                    0.1596, 0.8404, 0.0366, 0.0001, g22, g22,
                                    g22, BABL_SPACE_FLAG_EQUALIZE),
  };
  for (gint i = 0; i < N; i++)
    {
      in[i * 3] = (guint16) i;
      in[i * 3 + 1] = (guint16) ((i * 7919u) % N);
      in[i * 3 + 2] = (guint16) (N - 1 - i);
      for (gint k = 0; k < 3; k++)
        in_doubles[i * 3 + k] = in[i * 3 + k] / 65535.0;
    }
  double *linear = g_new (double, N * 3);
  for (gint s = 0; s < 2; s++)
    {
      const Babl *file = babl_format_with_space ("R'G'B' u16", spaces[s]);
      const Babl *pixels = babl_format ("RGB float");
      SkcConversion *read = skc_conversion_new (file, pixels);
      SkcConversion *write = skc_conversion_new (pixels, file);
      CHECK (skc_conversion_is_exact (read) && skc_conversion_is_exact (write));
      skc_conversion_run (read, in, ours, N);
      skc_conversion_run (write, ours, back, N);
      for (gint i = 0; i < N * 3; i++)
        linear[i]
            = s == 0 ? srgb_decode (in_doubles[i]) : pow (in_doubles[i], 2.2);
      babl_process (babl_fish (babl_format_with_space ("RGB double", spaces[s]),
                               babl_format ("RGB double")),
                    linear, theirs, N);
      double worst = 0;
      gint moved = 0;
      for (gint i = 0; i < N * 3; i++)
        {
          worst = fmax (worst, fabs (ours[i] - theirs[i]));
          if (s == 0 || linear[i] > 1e-4)
            moved = MAX (moved, abs ((gint) in[i] - (gint) back[i]));
        }
      CHECK_MSG (worst <= 1e-6, "space %d: %g from the reference", s, worst);
      CHECK_MSG (moved <= s, "space %d: levels move by %d", s, moved);
      skc_conversion_free (read);
      skc_conversion_free (write);
    }
  g_free (linear);
}

/* What it does not take goes through babl, byte for byte; any call gives
   the same bytes. */
static void
test_fallback_and_repeat (void)
{
  const char *others[]
      = { "R'G'B' half", "R'aG'aB'aA u8", "R'G'B'A double", "cairo-ARGB32" };
  float in[8 * 4];
  for (gint i = 0; i < 8 * 4; i++)
    in[i] = (float) i / 40.0f;
  for (gint i = 0; i < (gint) G_N_ELEMENTS (others); i++)
    {
      const Babl *pixels = babl_format ("RaGaBaA float");
      const Babl *other = babl_format (others[i]);
      SkcConversion *c = skc_conversion_new (pixels, other);
      CHECK_MSG (!skc_conversion_is_exact (c), "%s taken", others[i]);
      guchar ours[8 * 32], theirs[8 * 32];
      skc_conversion_run (c, in, ours, 8);
      babl_process (babl_fish (pixels, other), in, theirs, 8);
      CHECK (memcmp (ours, theirs,
                     (size_t) 8 * babl_format_get_bytes_per_pixel (other))
             == 0);
      skc_conversion_free (c);
    }
  /* A space with another white (D50) is babl's too. */
  const Babl *trc = babl_trc_gamma (1.8);
  const Babl *d50 = babl_space_from_chromaticities (
      NULL, 0.3457, 0.3585, 0.7347, 0.2653, 0.1596, 0.8404, 0.0366, 0.0001, trc,
      trc, trc, BABL_SPACE_FLAG_EQUALIZE);
  SkcConversion *c = skc_conversion_new (
      babl_format_with_space ("R'G'B' u16", d50), babl_format ("RGB float"));
  CHECK (!skc_conversion_is_exact (c));
  skc_conversion_free (c);
  enum
  {
    N = 4096
  };
  static float noise[N * 4];
  static guint16 first[N * 4], again[N * 4];
  GRand *rand = g_rand_new_with_seed (7);
  for (gint i = 0; i < N * 4; i++)
    noise[i] = (float) g_rand_double_range (rand, -0.1, 1.1);
  g_rand_free (rand);
  for (gint run = 0; run < 2; run++)
    {
      c = skc_conversion_new (babl_format ("RaGaBaA float"),
                              babl_format ("R'G'B'A u16"));
      skc_conversion_run (c, noise, run ? again : first, N);
      skc_conversion_free (c);
    }
  CHECK (memcmp (first, again, sizeof first) == 0);
}

int
main (void)
{
  babl_init ();
  test_levels_to_float ();
  test_float_to_levels ();
  test_round_trips ();
  test_meaning ();
  test_other_primaries ();
  test_fallback_and_repeat ();
  babl_exit ();
  return check_summary ();
}
