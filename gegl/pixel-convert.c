/* skc — exact pixel conversions (see pixel-convert.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "pixel-convert.h"

#include <math.h>
#include <string.h>

/* babl's floor for a premultiplied alpha (babl's BABL_ALPHA_FLOOR). */
#define ALPHA_FLOOR (1.0f / 65536.0f)

/* Uniform bins over 0..1 that bound the binary search for a level. */
#define LEVEL_BINS 16384

typedef enum
{
  CURVE_LINEAR,
  CURVE_SRGB,
  CURVE_GAMMA
} CurveKind;

typedef struct
{
  CurveKind kind;
  double gamma; /* CURVE_GAMMA: linear = encoded ^ gamma */
} Curve;

/* One curve at one depth: each level's value, and the midpoints between
   levels as linear values for the way back. */
typedef struct
{
  Curve curve;
  gint max;         /* 255 or 65535 */
  float *value;     /* max + 1 levels */
  double *midpoint; /* max: between level k and k + 1 */
  guint16 *bin;     /* LEVEL_BINS + 1: the level of bin b's lower end */
} Levels;

typedef enum
{
  SAMPLE_U8,
  SAMPLE_U16,
  SAMPLE_FLOAT
} SampleType;

typedef struct
{
  SampleType type;
  gint colours; /* 1 grey, 3 RGB */
  gboolean alpha;
  gboolean premultiplied;
  gboolean perceptual; /* colours through the curve */
  Curve curve;
  const Levels *colour_levels; /* integers: the colours' levels */
  const Levels *alpha_levels;  /* integers: linear levels, for alpha */
  /* Other primaries than sRGB's (same white): linear RGB to sRGB's and
     back. */
  gboolean matrix;
  double to_srgb[9], from_srgb[9];
} Layout;

struct SkcConversion
{
  gboolean exact;
  gboolean same; /* from == to: a copy */
  gint from_bytes, to_bytes;
  Layout from, to;
  double luminance[3];
  const Babl *fish;
};

static double
curve_decode (const Curve *c, double v)
{
  double a = fabs (v), r;
  switch (c->kind)
    {
    case CURVE_SRGB:
      r = a <= 0.04045 ? a / 12.92 : pow ((a + 0.055) / 1.055, 2.4);
      break;
    case CURVE_GAMMA:
      r = pow (a, c->gamma);
      break;
    default:
      return v;
    }
  return v < 0 ? -r : r;
}

static double
curve_encode (const Curve *c, double v)
{
  double a = fabs (v), r;
  switch (c->kind)
    {
    case CURVE_SRGB:
      r = a <= 0.0031308 ? a * 12.92 : 1.055 * pow (a, 1.0 / 2.4) - 0.055;
      break;
    case CURVE_GAMMA:
      r = pow (a, 1.0 / c->gamma);
      break;
    default:
      return v;
    }
  return v < 0 ? -r : r;
}

static Levels *
levels_make (const Curve *curve, gint max)
{
  Levels *l = g_new0 (Levels, 1);
  l->curve = *curve;
  l->max = max;
  l->value = g_new (float, max + 1);
  l->midpoint = g_new (double, max);
  l->bin = g_new (guint16, LEVEL_BINS + 1);
  for (gint k = 0; k <= max; k++)
    l->value[k] = (float) curve_decode (curve, (double) k / max);
  for (gint k = 0; k < max; k++)
    l->midpoint[k] = curve_decode (curve, (k + 0.5) / max);
  gint k = 0;
  for (gint b = 0; b <= LEVEL_BINS; b++)
    {
      double start = (double) b / LEVEL_BINS;
      while (k < max && l->midpoint[k] < start)
        k++;
      l->bin[b] = (guint16) k;
    }
  return l;
}

/* The tables live as long as the process: few curves ever appear. */
static const Levels *
levels_for (const Curve *curve, gint max)
{
  static GMutex lock;
  static Levels *made[16];
  static gint count;
  const Levels *found = NULL;
  g_mutex_lock (&lock);
  for (gint i = 0; i < count && !found; i++)
    if (made[i]->max == max && made[i]->curve.kind == curve->kind
        && made[i]->curve.gamma == curve->gamma)
      found = made[i];
  if (!found && count < (gint) G_N_ELEMENTS (made))
    found = made[count++] = levels_make (curve, max);
  g_mutex_unlock (&lock);
  return found;
}

/* The level nearest to linear value v: the number of midpoints below it
   (a tie goes down). */
static inline gint
level_of (const Levels *l, double v)
{
  if (!(v > 0))
    return 0;
  if (v >= 1)
    return l->max;
  gint b = (gint) (v * LEVEL_BINS);
  gint lo = l->bin[b], hi = l->bin[b + 1];
  while (lo < hi)
    {
      gint mid = (lo + hi) >> 1;
      if (v > l->midpoint[mid])
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Chromaticities (white, red, green, blue as x, y) of a space. */
static void
chromaticities_of (const Babl *space, double c[8])
{
  babl_space_get (space, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6], &c[7],
                  NULL, NULL, NULL);
}

/* PNG's cHRM holds 1/100000ths; babl's own sRGB is off by about 1e-5. */
static gboolean
near (const double *a, const double *b, gint count)
{
  for (gint i = 0; i < count; i++)
    if (fabs (a[i] - b[i]) > 1e-4)
      return FALSE;
  return TRUE;
}

static gboolean
invert3 (const double m[9], double out[9])
{
  double det = m[0] * (m[4] * m[8] - m[5] * m[7])
               - m[1] * (m[3] * m[8] - m[5] * m[6])
               + m[2] * (m[3] * m[7] - m[4] * m[6]);
  if (!(fabs (det) > 1e-12))
    return FALSE;
  out[0] = (m[4] * m[8] - m[5] * m[7]) / det;
  out[1] = (m[2] * m[7] - m[1] * m[8]) / det;
  out[2] = (m[1] * m[5] - m[2] * m[4]) / det;
  out[3] = (m[5] * m[6] - m[3] * m[8]) / det;
  out[4] = (m[0] * m[8] - m[2] * m[6]) / det;
  out[5] = (m[2] * m[3] - m[0] * m[5]) / det;
  out[6] = (m[3] * m[7] - m[4] * m[6]) / det;
  out[7] = (m[1] * m[6] - m[0] * m[7]) / det;
  out[8] = (m[0] * m[4] - m[1] * m[3]) / det;
  return TRUE;
}

/* The matrix from a space's linear RGB to sRGB's, as babl has it (ICC
   precision, white adapted): its columns are where babl's conversion of
   doubles, a matrix product, takes the unit vectors. */
static void
matrix_to_srgb (const Babl *space, double m[9])
{
  double units[9] = { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, columns[9];
  babl_process (babl_fish (babl_format_with_space ("RGB double", space),
                           babl_format ("RGB double")),
                units, columns, 3);
  for (gint c = 0; c < 3; c++)
    for (gint r = 0; r < 3; r++)
      m[r * 3 + c] = columns[c * 3 + r];
}

/* The curve of a space with one curve for all three channels (sRGB's, a
   gamma or linear), and when its primaries are not sRGB's (its white must
   be), the matrices to sRGB's linear RGB and back; FALSE for any other
   space. */
static gboolean
space_model (const Babl *space, Layout *layout)
{
  Curve *curve = &layout->curve;
  const Babl *srgb = babl_space ("sRGB");
  layout->matrix = FALSE;
  if (!space || space == srgb)
    {
      curve->kind = CURVE_SRGB;
      curve->gamma = 0;
      return TRUE;
    }
  if (babl_space_is_cmyk (space) || babl_space_is_gray (space))
    return FALSE;
  double mine[8], reference[8];
  chromaticities_of (space, mine);
  chromaticities_of (srgb, reference);
  if (!near (mine, reference, 2))
    return FALSE;
  if (!near (mine, reference, 8))
    {
      matrix_to_srgb (space, layout->to_srgb);
      if (!invert3 (layout->to_srgb, layout->from_srgb))
        return FALSE;
      layout->matrix = TRUE;
    }
  const Babl *trc[3] = { NULL, NULL, NULL };
  babl_space_get (space, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                  &trc[0], &trc[1], &trc[2]);
  if ((trc[1] && trc[1] != trc[0]) || (trc[2] && trc[2] != trc[0]))
    return FALSE;
  curve->gamma = 0;
  if (trc[0] == babl_trc ("sRGB"))
    curve->kind = CURVE_SRGB;
  else if (trc[0] == babl_trc ("linear"))
    curve->kind = CURVE_LINEAR;
  else if (babl_space_get_gamma (space) > 0)
    {
      curve->kind = CURVE_GAMMA;
      curve->gamma = babl_space_get_gamma (space);
    }
  else
    return FALSE;
  return TRUE;
}

static const struct
{
  const char *name;
  gint colours;
  gboolean alpha, premultiplied, perceptual;
} models[] = {
  { "Y", 1, FALSE, FALSE, FALSE },     { "Y'", 1, FALSE, FALSE, TRUE },
  { "YA", 1, TRUE, FALSE, FALSE },     { "Y'A", 1, TRUE, FALSE, TRUE },
  { "YaA", 1, TRUE, TRUE, FALSE },     { "RGB", 3, FALSE, FALSE, FALSE },
  { "R'G'B'", 3, FALSE, FALSE, TRUE }, { "RGBA", 3, TRUE, FALSE, FALSE },
  { "R'G'B'A", 3, TRUE, FALSE, TRUE }, { "RaGaBaA", 3, TRUE, TRUE, FALSE },
};

/* What a format's samples are, when this file converts them. */
static gboolean
layout_of (const Babl *format, Layout *layout)
{
  memset (layout, 0, sizeof *layout);
  const Babl *space = babl_format_get_space (format);
  const char *model = babl_get_name (babl_format_get_model (format));
  const char *type = babl_get_name (babl_format_get_type (format, 0));
  gint found = -1;
  for (gint i = 0; i < (gint) G_N_ELEMENTS (models) && found < 0; i++)
    if (strcmp (model, models[i].name) == 0)
      found = i;
  if (found < 0 || !space_model (space, layout))
    return FALSE;
  if (strcmp (type, "u8") == 0)
    layout->type = SAMPLE_U8;
  else if (strcmp (type, "u16") == 0)
    layout->type = SAMPLE_U16;
  else if (strcmp (type, "float") == 0)
    layout->type = SAMPLE_FLOAT;
  else
    return FALSE;
  /* The components in the model's own order only (not "B'G'R'A u8"). */
  gchar *name = g_strdup_printf ("%s %s", model, type);
  gboolean canonical = babl_format_with_space (name, space) == format;
  g_free (name);
  if (!canonical)
    return FALSE;
  layout->colours = models[found].colours;
  layout->alpha = models[found].alpha;
  layout->premultiplied = models[found].premultiplied;
  layout->perceptual = models[found].perceptual;
  if (layout->type != SAMPLE_FLOAT)
    {
      gint max = layout->type == SAMPLE_U8 ? 255 : 65535;
      Curve linear = { CURVE_LINEAR, 0 };
      layout->alpha_levels = levels_for (&linear, max);
      layout->colour_levels = layout->perceptual
                                  ? levels_for (&layout->curve, max)
                                  : layout->alpha_levels;
      if (!layout->alpha_levels || !layout->colour_levels)
        return FALSE;
    }
  return TRUE;
}

SkcConversion *
skc_conversion_new (const Babl *from, const Babl *to)
{
  SkcConversion *c = g_new0 (SkcConversion, 1);
  c->from_bytes = babl_format_get_bytes_per_pixel (from);
  c->to_bytes = babl_format_get_bytes_per_pixel (to);
  c->same = from == to;
  c->exact = c->same || (layout_of (from, &c->from) && layout_of (to, &c->to));
  babl_space_get_rgb_luminance (babl_space ("sRGB"), &c->luminance[0],
                                &c->luminance[1], &c->luminance[2]);
  if (!c->exact)
    c->fish = babl_fish (from, to);
  return c;
}

gboolean
skc_conversion_is_exact (const SkcConversion *conversion)
{
  return conversion->exact;
}

void
skc_conversion_free (SkcConversion *conversion)
{
  g_free (conversion);
}

/* Pixels convert through linear, unpremultiplied RGBA floats, a chunk at a
   time. */
#define CHUNK 256

static inline float
unpremultiplied (float value, float alpha)
{
  float used = fabsf (alpha) <= ALPHA_FLOOR ? ALPHA_FLOOR : alpha;
  return value / used;
}

static inline float
premultiplied (float value, float alpha)
{
  float used = fabsf (alpha) <= ALPHA_FLOOR ? ALPHA_FLOOR : alpha;
  return value * used;
}

/* Calls CALL (flag, colours, alpha, premultiplied) with constants for l's
   layout, so that the compiler makes one loop for each. */
#define BY_LAYOUT(l, flag, CALL)                                               \
  switch (((l)->colours == 3 ? 3 : 0) + ((l)->alpha ? 1 : 0)                   \
          + ((l)->premultiplied ? 1 : 0) + ((flag) ? 6 : 0))                   \
    {                                                                          \
    case 0:                                                                    \
      CALL (FALSE, 1, FALSE, FALSE);                                           \
      break;                                                                   \
    case 1:                                                                    \
      CALL (FALSE, 1, TRUE, FALSE);                                            \
      break;                                                                   \
    case 2:                                                                    \
      CALL (FALSE, 1, TRUE, TRUE);                                             \
      break;                                                                   \
    case 3:                                                                    \
      CALL (FALSE, 3, FALSE, FALSE);                                           \
      break;                                                                   \
    case 4:                                                                    \
      CALL (FALSE, 3, TRUE, FALSE);                                            \
      break;                                                                   \
    case 5:                                                                    \
      CALL (FALSE, 3, TRUE, TRUE);                                             \
      break;                                                                   \
    case 6:                                                                    \
      CALL (TRUE, 1, FALSE, FALSE);                                            \
      break;                                                                   \
    case 7:                                                                    \
      CALL (TRUE, 1, TRUE, FALSE);                                             \
      break;                                                                   \
    case 8:                                                                    \
      CALL (TRUE, 1, TRUE, TRUE);                                              \
      break;                                                                   \
    case 9:                                                                    \
      CALL (TRUE, 3, FALSE, FALSE);                                            \
      break;                                                                   \
    case 10:                                                                   \
      CALL (TRUE, 3, TRUE, FALSE);                                             \
      break;                                                                   \
    default:                                                                   \
      CALL (TRUE, 3, TRUE, TRUE);                                              \
      break;                                                                   \
    }

/* Samples to linear, unpremultiplied RGBA: integers by their levels'
   values (wide: 16 bits), floats as they are or through the curve
   (perceptual). */
static inline void
decode_as (const Layout *l, const guchar *src, float *rgba, long n,
           gboolean flag, gint colours, gboolean alpha, gboolean premul)
{
  gboolean integer = l->type != SAMPLE_FLOAT;
  const float *colour = integer ? l->colour_levels->value : NULL;
  const float *linear = integer ? l->alpha_levels->value : NULL;
  const guint8 *u8 = src;
  const guint16 *u16 = (const guint16 *) src;
  const float *f = (const float *) src;
  gint components = colours + (alpha ? 1 : 0);
  for (long i = 0; i < n; i++, rgba += 4)
    {
      long at = i * components;
      float v[4];
      for (gint k = 0; k < components; k++)
        if (!integer)
          v[k] = flag && k < colours
                     ? (float) curve_decode (&l->curve, f[at + k])
                     : f[at + k];
        else if (flag)
          v[k] = (k < colours ? colour : linear)[u16[at + k]];
        else
          v[k] = (k < colours ? colour : linear)[u8[at + k]];
      float a = alpha ? v[colours] : 1.0f;
      if (premul)
        for (gint k = 0; k < colours; k++)
          v[k] = unpremultiplied (v[k], a);
      if (colours == 3 && l->matrix)
        {
          const double *m = l->to_srgb;
          double r = v[0], g = v[1], b = v[2];
          v[0] = (float) (m[0] * r + m[1] * g + m[2] * b);
          v[1] = (float) (m[3] * r + m[4] * g + m[5] * b);
          v[2] = (float) (m[6] * r + m[7] * g + m[8] * b);
        }
      rgba[0] = v[0];
      rgba[1] = colours == 3 ? v[1] : v[0];
      rgba[2] = colours == 3 ? v[2] : v[0];
      rgba[3] = a;
    }
}

static void
decode (const Layout *l, const guchar *src, float *rgba, long n)
{
  gboolean flag
      = l->type == SAMPLE_FLOAT ? l->perceptual : l->type == SAMPLE_U16;
#define DECODE(f, c, a, p) decode_as (l, src, rgba, n, f, c, a, p)
  BY_LAYOUT (l, flag, DECODE);
#undef DECODE
}

/* Linear, unpremultiplied RGBA to samples: integers to the nearest level
   (wide: 16 bits), floats as they are or through the curve (perceptual);
   grey from a grey source as it is, else by luminance. */
static inline void
encode_as (const Layout *l, gboolean from_grey, const double *luminance,
           const float *rgba, guchar *dst, long n, gboolean flag, gint colours,
           gboolean alpha, gboolean premul)
{
  gboolean integer = l->type != SAMPLE_FLOAT;
  guint8 *u8 = dst;
  guint16 *u16 = (guint16 *) dst;
  float *f = (float *) dst;
  gint components = colours + (alpha ? 1 : 0);
  for (long i = 0; i < n; i++, rgba += 4)
    {
      long at = i * components;
      double v[4];
      if (colours == 3 && l->matrix)
        {
          const double *m = l->from_srgb;
          for (gint k = 0; k < 3; k++)
            v[k] = m[k * 3] * rgba[0] + m[k * 3 + 1] * rgba[1]
                   + m[k * 3 + 2] * rgba[2];
        }
      else if (colours == 3)
        v[0] = rgba[0], v[1] = rgba[1], v[2] = rgba[2];
      else
        v[0] = from_grey ? rgba[0]
                         : luminance[0] * rgba[0] + luminance[1] * rgba[1]
                               + luminance[2] * rgba[2];
      float a = rgba[3];
      if (premul)
        for (gint k = 0; k < colours; k++)
          v[k] = premultiplied ((float) v[k], a);
      if (alpha)
        v[colours] = a;
      for (gint k = 0; k < components; k++)
        if (!integer)
          f[at + k]
              = (float) (flag && k < colours ? curve_encode (&l->curve, v[k])
                                             : v[k]);
        else if (flag)
          u16[at + k] = (guint16) level_of (
              k < colours ? l->colour_levels : l->alpha_levels, v[k]);
        else
          u8[at + k] = (guint8) level_of (
              k < colours ? l->colour_levels : l->alpha_levels, v[k]);
    }
}

static void
encode (const Layout *l, gboolean from_grey, const double *luminance,
        const float *rgba, guchar *dst, long n)
{
  gboolean flag
      = l->type == SAMPLE_FLOAT ? l->perceptual : l->type == SAMPLE_U16;
#define ENCODE(f, c, a, p)                                                     \
  encode_as (l, from_grey, luminance, rgba, dst, n, f, c, a, p)
  BY_LAYOUT (l, flag, ENCODE);
#undef ENCODE
}

void
skc_conversion_run (const SkcConversion *c, const void *src, void *dst, long n)
{
  if (c->same)
    {
      memmove (dst, src, (size_t) n * c->from_bytes);
      return;
    }
  if (!c->exact)
    {
      babl_process (c->fish, src, dst, n);
      return;
    }
  float rgba[CHUNK * 4];
  gboolean from_grey = c->from.colours == 1;
  for (long done = 0; done < n; done += CHUNK)
    {
      long count = MIN (CHUNK, n - done);
      decode (&c->from, (const guchar *) src + done * c->from_bytes, rgba,
              count);
      encode (&c->to, from_grey, c->luminance, rgba,
              (guchar *) dst + done * c->to_bytes, count);
    }
}
