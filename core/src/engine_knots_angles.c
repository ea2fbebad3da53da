/* skc — swirl and cat-eye on knots per code: for every angle code the
 * swirl can produce, or every angle x clip amount code of cat-eye, the
 * fewest knots (along rows) that reach the quality's turned floor against
 * the shape rendered turned (and clipped) as that code says.  Each input
 * pixel spreads its own code's kernel (a scatter: the knots become steps
 * in a row of differences whose running sum is the output), so the
 * response to a point is exactly its code's kernel, whatever the codes
 * around it, and keeps its light.
 *
 * Cat-eye's steps of angle and amount are as fine as the floor asks: the
 * kernel at a pixel is its code's, and the truth there is the shape
 * clipped and turned by the pixel's exact amount and angle, so the steps
 * are chosen from measured differences between targets half a step
 * apart.  Codes share fits through the kernels' symmetries: a half turn
 * is the fit turned (exact on the grid), and a shape clipped into one
 * mirror-symmetric about its up axis turned by -a is the one turned by a,
 * mirrored.  Where the nearest steps would be too many, a pixel spreads
 * the kernels of the steps around its angle (and amount), weighted by
 * where it lies between them: a blend of two steps' kernels follows a rim
 * moving between them to second order, so far fewer steps reach the
 * floor, for two (or four) kernels a pixel.
 *
 * Running sums restart on blocks of ANGLES_BLOCK columns aligned to the
 * image origin: a block's sum starts from 0 a kernel's width before it,
 * from the input pixels whose knots all lie there or later (those further
 * left have ended), so every value of a block is computed the same
 * whatever the tiling, and no code needs more than its knots.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine.h"
#include "filter_private.h"
#include "internal.h"
#include "kernel_private.h"
#include "knots_private.h"
#include "skc/metrics.h"

/* Columns per running-sum block: each block gathers one value of its
 * running sum first ((2 half + 1)^2 MACs per row), and the engine reads
 * this much further to the left. */
#define ANGLES_BLOCK 128
/* Negative results within this many units of float rounding of the sum of
 * |differences| run over are rounding of a non-negative result: 0. */
#define ANGLES_CLAMP_SCALE 0x1p-18f

/* The swirl's codes: those whose angle the model can give.  Up to 1/2
 * the turn stays within asin (s / (1 - s)) of the plain kernel; above
 * 1/2 every angle occurs. */
static int
code_used (double swirl, int code, int count)
{
  if (swirl > 0.5)
    return 1;
  double limit = asin (swirl / (1 - swirl));
  int steps = code <= count / 2 ? code : count - code;
  return steps * 2 * M_PI / count <= limit + 2 * 2 * M_PI / count;
}

/* The shape that fits and probes turn: its parameters, its canvas
 * (turned_size's, for cat-eye or not) and a shape image's turner, made
 * once per preparation (setting one up is most of a turn's time: a
 * snowflake's cat-eye at R 150 made 96 for its probes, 0.15 s). */
typedef struct
{
  const skc_params *p;
  int clipped;
  skc_turner *turner; /* NULL for a built-in shape */
} shape_source;

typedef struct
{
  const skc_params *params;
  skc_knots_angles_scale *a;
  double max_error;
  long max_macs;
  skc_result *results;
  double *snr;
  int *halves;
  const int *codes;           /* swirl: the codes to fit, in order */
  const skc_image *fine;      /* cat-eye: the shape, finer (skc_target_fine) */
  const shape_source *source; /* the shape to turn to each angle */
  /* Fits too many for the fewest knots' programme: the exact knots of
     each target made piecewise constant within max_error, the fewer of
     two ways (levelled: its values rounded to the fewest levels; merged:
     each line's runs joined cheapest first), fit by fit: one way's
     choice made on the first angle lost a coma's cat-eye at R 75, whose
     later angles needed the other. */
  int levelled;
  /* Every fit ramps (skc_ramps_fit) instead of steps: ramps_pay. */
  int ramps;
  /* Cat-eye: clipped codes from their angle's unclipped fit, row by row
     (clip_by_rows), before fitting them alone. */
  int clip_rows;
  /* The first angle's clipped codes: how many tried rows, and kept them
     (fit_angle's job index 0, fitted before the others). */
  int first_rows_tried, first_rows_kept;
  /* Set once a fit is out of reach: the others need not run, the whole
     is out of reach anyway. */
  atomic_int missed;
  /* Cat-eye: job i fits the slots of angle code codes[i] at every amount,
     slot codes[i] x amount_count + amount. */
  int cat_eye;
} angles_job;

/* The job's per-fit results for `count` fits; 0 when out of memory. */
static int
job_results (angles_job *job, int count)
{
  job->results = calloc ((size_t) count, sizeof *job->results);
  job->snr = calloc ((size_t) count, sizeof *job->snr);
  job->halves = calloc ((size_t) count, sizeof *job->halves);
  return job->results && job->snr && job->halves;
}

static void
job_results_free (angles_job *job)
{
  free (job->results);
  free (job->snr);
  free (job->halves);
}

/* How far from the centre a shape image's non-zero pixels reach when it
 * spans `span` kernel pixels (as skc_turner_draw places it: its longer
 * side spanning them, centred), their squares' far corners included. */
static double
image_reach (const skc_image *img, double span)
{
  const int w = img->width, h = img->height;
  const double scale = span / (w > h ? w : h);
  double far = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if (*skc_image_pixel (img, x, y) != 0)
        {
          const double dx = fmax (fabs (x - w / 2.0), fabs (x + 1 - w / 2.0));
          const double dy = fmax (fabs (y - h / 2.0), fabs (y + 1 - h / 2.0));
          far = fmax (far, hypot (dx, dy));
        }
  return far * scale;
}

/* The shape turned clockwise on screen by `degrees` (as the complexes
 * turn), at the full radius; a shape image turned exactly, each of its
 * pixels a square shared by area (skc_kernel_turned_from_values: resampling
 * a finer raster bilinearly stood 30 dB from a snowflake's exact turn at
 * R 24).  A shape fills the radius' square, whose corners reach sqrt 2
 * times as far: turned, it needs that canvas (a heart turned by 45 degrees
 * lost 1.3 % of its light at the square's edge, 20 dB), unless a cat-eye
 * clip keeps it within the radius anyway, or a shape image's content lies
 * closer (image_reach). */
static int
turned_size (const skc_params *p, int clipped)
{
  double reach = clipped ? p->radius : p->radius * M_SQRT2;
  /* A shape image whose content lies within a circle needs no more at
     any angle (a snowflake's swirl at R 150: 301 px codes, not 427), and
     no less than the radius' square it is drawn on. */
  if (!clipped && p->shape_image)
    reach = fmin (reach, fmax (image_reach (p->shape_image, 2 * p->radius + 1),
                               p->radius));
  return 2 * (int) ceil (reach) + 1;
}

/* The shape of `p` to turn on the canvas of cat-eye (clipped) or swirl;
 * free with source_free. */
static skc_result
source_new (const skc_params *p, int clipped, shape_source *out, skc_error *err)
{
  const skc_image *img = p->shape_image;
  *out = (shape_source){ p, clipped, NULL };
  return img ? skc_turner_new (img->data, img->width, img->height, img->stride,
                               turned_size (p, clipped), 2 * p->radius + 1,
                               &out->turner, err)
             : SKC_OK;
}

static void
source_free (shape_source *s)
{
  skc_turner_free (s->turner);
  s->turner = NULL;
}

static skc_result
turned_shape (const skc_params *p, double degrees, int clipped, skc_image *t)
{
  int size = turned_size (p, clipped);
  const skc_image *img = p->shape_image;
  if (img)
    return skc_kernel_turned_from_values (img->data, img->width, img->height,
                                          img->stride, size, 2 * p->radius + 1,
                                          degrees * M_PI / 180, t, NULL);
  skc_shape shape = p->shape;
  shape.rotation -= degrees;
  return skc_shape_render (&shape, p->radius, size, t, NULL);
}

/* The source's shape turned by `degrees`: drawn by its turner where it
 * has one (the same pixels as turned_shape's), else rendered. */
static skc_result
source_shape (const shape_source *s, double degrees, skc_image *shape)
{
  return s->turner
             ? skc_turner_draw (s->turner, degrees * M_PI / 180, shape, NULL)
             : turned_shape (s->p, degrees, s->clipped, shape);
}

/* A knots filter's knots as a compact fit: 6 bytes a knot and the line
 * starts (the layer taps hold 12, and a quarter of a million fits at R 75,
 * high, would not fit in memory).  0 when out of memory or when the knots
 * are not in line order. */
static int
angle_fit_build (const skc_filter *f, skc_angle_fit *out)
{
  skc_layer_taps t = { 0 };
  if (!skc_knot_taps_build (f, &t))
    return 0;
  const int h = f->size / 2, lines = 2 * h + 1;
  char *block
      = malloc ((size_t) (lines + 1) * sizeof (int)
                + (size_t) t.count * (sizeof (float) + sizeof (int16_t)));
  int ok = block != NULL;
  if (ok)
    {
      *out = (skc_angle_fit){ h, t.count, (int *) block, NULL, NULL };
      out->c = (float *) (block + (size_t) (lines + 1) * sizeof (int));
      out->dx = (int16_t *) (out->c + t.count);
      int k = 0;
      for (int line = 0; line < lines; line++)
        {
          out->start[line] = k;
          while (k < t.count && t.dy[k] == line - h)
            {
              out->c[k] = t.c[k];
              out->dx[k] = (int16_t) t.dx[k];
              k++;
            }
        }
      out->start[lines] = k;
      ok = k == t.count;
    }
  if (!ok)
    {
      free (block);
      memset (out, 0, sizeof *out);
    }
  skc_layer_taps_free (&t);
  return ok;
}

/* Steps along rows reaching the job's error for `target`: the fewest, or
 * levelled, the exact knots of it made piecewise constant; *out NULL when
 * out of reach within the job's MACs. */
static skc_result
steps_fit (angles_job *job, const skc_image *target, double max_error,
           int *hint, skc_filter **out)
{
  skc_filter *f = NULL;
  skc_result r;
  if (job->levelled)
    {
      /* Levelled knots keep a flat shape's few knots; merged ones follow
         soft and textured shapes with 1.5-3x fewer. */
      skc_filter *merged = NULL;
      r = skc_knots_fit_levelled (target, job->max_macs, max_error,
                                  SKC_KNOTS_ROWS, hint, &f, NULL);
      if (r == SKC_OK)
        r = skc_knots_fit_merged (target, job->max_macs, max_error,
                                  SKC_KNOTS_ROWS, &merged, NULL);
      if (merged && (!f || skc_filter_macs (merged) < skc_filter_macs (f)))
        {
          skc_filter_free (f);
          f = merged;
        }
      else
        skc_filter_free (merged);
    }
  else
    r = skc_knots_fit_to (target, job->max_macs, max_error, SKC_KNOTS_ROWS, &f,
                          NULL);
  *out = f;
  return r;
}

/* The fewest knots along rows reaching the job's error for `target` (or,
 * levelled, the exact knots of it made piecewise constant; or its ramps),
 * into slot `slot`; *snr gets their kernel SNR against it, *half their
 * half (-1: out of reach).  `keep` (steps only) gets their kernel. */
static skc_result
fit_slot (angles_job *job, const skc_image *target, double max_error, int slot,
          int *hint, double *snr, int *half, skc_image *keep)
{
  skc_image effective = { 0 };
  skc_filter *f = NULL;
  *snr = -INFINITY;
  *half = -1;
  if (job->ramps)
    {
      double error = NAN;
      skc_angle_fit *t = &job->a->fit[slot];
      skc_result r
          = skc_ramps_fit (target, job->max_macs, max_error, t, &error);
      if (r == SKC_OK && t->start)
        {
          *snr = skc_kernel_snr_db (error);
          *half = t->half;
        }
      return r;
    }
  skc_result r = steps_fit (job, target, max_error, hint, &f);
  if (r == SKC_OK && f)
    {
      /* Drawn only where the caller keeps the kernel. */
      double error = !keep ? skc_filter_kernel_error (f, target)
                     : skc_filter_render (f, &effective) == SKC_OK
                         ? skc_kernel_error (&effective, target)
                         : NAN;
      *snr = isnan (error) ? -INFINITY : skc_kernel_snr_db (error);
    }
  if (r == SKC_OK && f && !angle_fit_build (f, &job->a->fit[slot]))
    r = SKC_ERR_OUT_OF_MEMORY;
  *half = f ? f->size / 2 : -1;
  skc_filter_free (f);
  if (keep && r == SKC_OK && *half >= 0)
    *keep = effective;
  else
    skc_image_free (&effective);
  return r;
}

/* A clipped code's exact knots from the unclipped fit may take this many
 * times that fit's MACs before its edge is rounded to levels instead:
 * measured at R 75, normal, a disc's exact knots took 1.8x (931 MACs
 * against 513), levelled 1.17x at 30.7 dB. */
#define CLIP_MACS_GROWTH 1.15

/* The unclipped fit that clipped codes keep inside the lens aims this
 * much under the job's error: a clip leaves that fit's error over less of
 * the kernel, and took it up to 2.5 % over the job's (a heart stroke's
 * cat-eye at R 75, normal: 1347 of 17286 codes then fitted alone, 1.45 of
 * 3.6 s of the fits' time). */
#define CLIP_BASE_AIM 0.95

/* Level counts a clipped code's edge samples are rounded to, coarsest
 * first, where their exact knots take too many MACs. */
static const int clip_levels[]
    = { 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128, 256 };
#define CLIP_LEVEL_COUNTS ((int) (sizeof clip_levels / sizeof *clip_levels))

/* What a try of a clipped code's knots gave. */
enum
{
  CLIP_FIT_OK,
  CLIP_FIT_MACS,  /* more MACs than the job allows */
  CLIP_FIT_ERROR, /* short of the job's error */
  CLIP_FIT_NONE
};

/* Measures the sampled code's knots with its edge rounded to
 * clip_levels[k] levels (k < 0: exact); *error theirs. */
static int
clip_rows_try (angles_job *job, skc_clip_rows *rows, int k, double *error)
{
  long macs;
  skc_clip_rows_fit (rows, k < 0 ? 0 : clip_levels[k], &macs, error);
  return macs == 0                     ? CLIP_FIT_NONE
         : macs > job->max_macs        ? CLIP_FIT_MACS
         : !(*error <= job->max_error) ? CLIP_FIT_ERROR
                                       : CLIP_FIT_OK;
}

/* A clipped code from its angle's unclipped fit, row by row
 * (engine_knots_clip.c): where the lens keeps the shape whole the fit's
 * values, on the lens' edge the shape sampled, beyond it nothing.  A clip
 * changes a row only between two points, so this costs the edge's
 * samples instead of a fit.  Its exact knots where they take at most
 * CLIP_MACS_GROWTH x the unclipped fit's MACs; else, where the job's fits
 * are levelled, its edge rounded to the fewest levels (from *hint, which
 * gets the choice) that still reach the job's error within its MACs, or
 * where none does, the exact knots within the job's MACs; kept in slot
 * `slot`.  0 (nothing kept) otherwise, and the code is fitted alone. */
static int
clip_by_rows (angles_job *job, skc_clip_rows *rows, long whole_macs,
              double amount, double angle, int slot, int *hint, double *snr,
              int *half)
{
  if (!skc_clip_rows_sample (rows, job->fine, job->params->radius, amount,
                             angle))
    return 0;
  double exact_error = NAN, error = NAN;
  const int exact = clip_rows_try (job, rows, -1, &exact_error);
  int ok = exact == CLIP_FIT_OK
           && rows->knots + 1 <= CLIP_MACS_GROWTH * whole_macs;
  int levels = 0; /* the knots kept: exact */
  error = exact_error;
  /* Too many knots (rounding cannot lower the error): fewer levels take
     fewer knots and give more error.  From the hint, up while short of
     the error, down while over the MACs, then down while both hold. */
  if (!ok && job->levelled && (exact == CLIP_FIT_OK || exact == CLIP_FIT_MACS))
    {
      int k = *hint >= 0 && *hint < CLIP_LEVEL_COUNTS ? *hint
                                                      : CLIP_LEVEL_COUNTS / 2;
      double e = NAN;
      int how = clip_rows_try (job, rows, k, &e);
      if (how == CLIP_FIT_ERROR)
        while (++k < CLIP_LEVEL_COUNTS
               && (how = clip_rows_try (job, rows, k, &e)) == CLIP_FIT_ERROR)
          ;
      else if (how == CLIP_FIT_MACS)
        while (--k >= 0
               && (how = clip_rows_try (job, rows, k, &e)) == CLIP_FIT_MACS)
          ;
      if (how == CLIP_FIT_OK)
        {
          error = e;
          while (k > 0 && clip_rows_try (job, rows, k - 1, &e) == CLIP_FIT_OK)
            {
              k--;
              error = e;
            }
          *hint = k;
          levels = clip_levels[k];
          ok = 1;
        }
      else
        ok = exact == CLIP_FIT_OK; /* over the growth, within the job */
    }
  /* The knots kept, measured again where a later try replaced them. */
  if (ok && rows->measured != levels)
    {
      long macs;
      skc_clip_rows_fit (rows, levels, &macs, &error);
    }
  ok = ok && skc_clip_rows_write (rows, &job->a->fit[slot]);
  if (ok)
    {
      *snr = skc_kernel_snr_db (error);
      *half = rows->n / 2;
    }
  return ok;
}

/* Codes in an order spread around the circle, the first kept first: a
 * floor that some angles miss is found out after a few fits instead of
 * most (a snowflake's swirl at R 75 missed 8x the FFT's MACs at three
 * floors, 1.1 s of its 3.1 s preparation).  Each code's fit is its own,
 * so the order changes nothing else.  0 when out of memory. */
static int
spread_codes (int *codes, int count)
{
  if (count < 3)
    return 1;
  int *order = malloc ((size_t) count * sizeof *order);
  if (!order)
    return 0;
  /* A stride near the golden section of the count, prime to it. */
  int stride = (int) lround (count * 0.618034), a, b;
  for (;; stride++)
    {
      for (a = stride, b = count; b;)
        {
          int t = a % b;
          a = b;
          b = t;
        }
      if (a == 1)
        break;
    }
  for (int j = 0; j < count; j++)
    order[j] = codes[(int) ((long) j * stride % count)];
  memcpy (codes, order, (size_t) count * sizeof *codes);
  free (order);
  return 1;
}

/* The job's shape turned by `degrees`. */
static skc_result
job_shape (const angles_job *job, double degrees, skc_image *shape)
{
  return source_shape (job->source, degrees, shape);
}

static void
fit_angle (void *user, int index)
{
  angles_job *job = user;
  const skc_knots_angles_scale *a = job->a;
  const int code = job->codes[index];
  const double angle = code * 2 * M_PI / a->angle_count;
  skc_image shape = { 0 }, target = { 0 };
  const double degrees = code * 360.0 / a->angle_count;
  /* Once a fit has missed, the rest need not even turn their shape. */
  skc_result r
      = atomic_load (&job->missed) ? SKC_OK : job_shape (job, degrees, &shape);
  const int amounts = job->cat_eye ? a->amount_count : 1;
  int hint = -1;
  /* Cat-eye's clipped codes start from the unclipped one's fit (the last
     code, fitted first) where many fits are to be made. */
  const int reuse
      = job->cat_eye && job->clip_rows && !job->ramps && amounts > 1;
  skc_image whole = { 0 };
  skc_clip_rows rows = { 0 };
  /* Every clipped code tries rows first, whatever its neighbours did: a
     code they miss costs its samples, one fitted alone a whole fit (a
     heart stroke's cat-eye at R 75, normal, gave up on rows for 3000
     codes after 209 misses: 2.7 -> 2.1 s to prepare, the same 27.7 dB). */
  int rows_ready = 0, rows_tried = 0, rows_hint = -1;
  for (int step = 0; step < amounts; step++)
    {
      const int k = reuse ? (step + amounts - 1) % amounts : step;
      const int base = job->cat_eye ? code : index;
      const int i = base * amounts + k;
      job->results[i] = r;
      job->halves[i] = -1;
      job->snr[i] = -INFINITY;
      if (r != SKC_OK || atomic_load (&job->missed))
        continue;
      /* Cat-eye's own unclipped fit (swirl's slots are other jobs'). */
      const long whole_macs
          = job->cat_eye ? a->fit[base * amounts + amounts - 1].count + 1 : 0;
      if (whole.data && !rows_tried)
        {
          rows_tried = 1;
          rows_ready = skc_clip_rows_init (&rows, &shape, &whole) == SKC_OK;
        }
      const int by_rows = job->cat_eye && k < amounts - 1 && rows_ready;
      const int kept
          = by_rows
            && clip_by_rows (job, &rows, whole_macs, k * a->amount_step, angle,
                             i, &rows_hint, &job->snr[i], &job->halves[i]);
      if (index == 0)
        {
          job->first_rows_tried += by_rows;
          job->first_rows_kept += kept;
        }
      if (kept)
        {
          job->results[i] = SKC_OK;
          continue;
        }
      if (skc_image_alloc (&target, shape.width, shape.height, 1) != SKC_OK)
        {
          job->results[i] = SKC_ERR_OUT_OF_MEMORY;
          continue;
        }
      memcpy (target.data, shape.data,
              (size_t) shape.width * shape.height * sizeof (float));
      /* Cat-eye's amount codes clip (code 0 by two coinciding discs, as
         any amount near 0 does), but for the last: the shape unclipped. */
      const int clipped = job->cat_eye && k < amounts - 1;
      job->results[i]
          = clipped
                ? skc_target_clip_fine (&target, job->fine, job->params->radius,
                                        k * a->amount_step, angle, NULL)
                : SKC_OK;
      const int base_of_rows = reuse && !clipped;
      if (job->results[i] == SKC_OK)
        job->results[i] = fit_slot (
            job, &target, job->max_error * (base_of_rows ? CLIP_BASE_AIM : 1),
            job->cat_eye ? i : code, &hint, &job->snr[i], &job->halves[i],
            base_of_rows ? &whole : NULL);
      if (job->results[i] == SKC_OK && job->halves[i] < 0)
        atomic_store (&job->missed, 1);
      skc_image_free (&target);
    }
  skc_clip_rows_free (&rows);
  skc_image_free (&whole);
  skc_image_free (&shape);
}

/* The angles after the first (first_angle_reaches fitted it). */
static void
fit_later_angle (void *user, int index)
{
  fit_angle (user, index + 1);
}

/* Whether the shape t (unturned) is mirror-symmetric about its up axis
 * (so is every clip of it). */
static int
mirror_symmetric (const skc_image *t)
{
  float top = 0, diff = 0;
  for (int y = 0; y < t->height; y++)
    for (int x = 0; x < t->width; x++)
      {
        float v = *skc_image_pixel (t, x, y);
        float m = *skc_image_pixel (t, t->width - 1 - x, y);
        top = fmaxf (top, v);
        diff = fmaxf (diff, fabsf (v - m));
      }
  return top > 0 && diff <= 1e-4f * top;
}

/* The knots fitter's work over every slot (skc_knots_fit_work on the
 * unturned, unclipped shape, about 1 ns a step: 2 s on two threads)
 * beyond which the fits are levelled knots instead of the fewest (a soft
 * leaf's cat-eye at R 24, normal: 2.5e9, 1.2 s). */
#define FIT_WORK_MAX 4e9

/* Beyond this much of that work (a second on two threads) cat-eye's
 * clipped codes come row by row from their angle's unclipped fit even
 * where the fewest knots are fitted, those whose exact knots stay within
 * CLIP_MACS_GROWTH of that fit's: a star's cat-eye at R 150, normal
 * (3.0e9), fitted 1870 codes alone in 1.8 s of its 2.6 s preparation;
 * now 0.8 s in all, for 15 % more MACs (728 against 631; levelled knots
 * took 1114).  A disc's and a ring's exact rows take more, so their codes
 * are still fitted alone (rounding their edges to levels instead took 2.3
 * and 1.9 x the MACs).  Below it the fits alone are cheap enough, and
 * closer to the truth: a snowflake's cat-eye at R 8, high (1.4e9), row by
 * row fell from 35.5 to 35.0 dB. */
#define CLIP_ROWS_WORK 2e9

/* The fitter's work on the shape unturned and unclipped (INFINITY when it
 * cannot be drawn). */
static double
shape_fit_work (const skc_params *p, int clipped, long max_macs, int *mirror)
{
  skc_image shape = { 0 };
  const int drawn = turned_shape (p, 0, clipped, &shape) == SKC_OK;
  if (mirror)
    *mirror = drawn && mirror_symmetric (&shape);
  const double work = drawn ? skc_knots_fit_work (&shape, max_macs) : INFINITY;
  skc_image_free (&shape);
  return work;
}

/* Ramps are taken where they need at most this share of the steps'
 * knots on the shape unturned: each ramp's end costs two knots, a step
 * one, so flat shapes keep their steps.  At normal, R 24 and 75, a
 * Gaussian's ramps took 0.58 and 0.46 of its steps' knots; a coma's 0.76
 * and 0.88, but over all its codes more MACs than steps at R 24 (402
 * against 383); soft image shapes 1.1-2.0, a disc 2.1. */
#define RAMPS_KNOTS_SHARE 0.65

/* Whether the job's fits should be ramps: on the shape unturned and
 * unclipped, ramps reach the job's error within its MACs and with at most
 * RAMPS_KNOTS_SHARE of the steps' knots (or steps miss it).  A Gaussian's
 * cat-eye at R 75: normal 3425 -> 1510 MACs; high, where steps were out of
 * reach within the MACs (30 dB on normal's floor), 2720 MACs for 40 dB.  0
 * where either fit fails (the fits proper then report it). */
static int
ramps_pay (angles_job *job)
{
  skc_image shape = { 0 };
  skc_angle_fit ramps = { 0 };
  skc_filter *steps = NULL;
  double error;
  int pay = 0, hint = -1;
  if (job_shape (job, 0, &shape) == SKC_OK
      && skc_ramps_fit (&shape, job->max_macs, job->max_error, &ramps, &error)
             == SKC_OK
      && ramps.start
      && steps_fit (job, &shape, job->max_error, &hint, &steps) == SKC_OK)
    pay = !steps
          || ramps.count <= RAMPS_KNOTS_SHARE * (skc_filter_macs (steps) - 1);
  skc_filter_free (steps);
  free (ramps.start);
  skc_image_free (&shape);
  return pay;
}

/* Readies the job (ramps or steps, ramps_pay) and
 * fits the first angle's `fits` alone (job index 0): every fit must reach
 * the floor, and a shape whose knots cannot is found out in the time of
 * one angle's fits instead of all of them.  *reached says whether they
 * did; the result is a failure, if any. */
static skc_result
first_angle_reaches (angles_job *job, int fits, int *reached)
{
  *reached = 0;
  job->ramps = ramps_pay (job);
  job->a->order = 1 + job->ramps;
  fit_angle (job, 0);
  /* Where the fewest knots are fitted, rows that the first angle's codes
     mostly missed are not tried on the others (a disc's and a ring's
     cat-eye at R 150: their exact rows take over 1.15 x the unclipped
     fit's MACs, and trying them cost a fifth of the preparation). */
  if (job->clip_rows && !job->levelled
      && 2 * job->first_rows_kept < job->first_rows_tried)
    job->clip_rows = 0;
  *reached = 1;
  for (int i = 0; i < fits; i++)
    {
      if (job->results[i] != SKC_OK)
        return job->results[i];
      *reached &= job->halves[i] >= 0;
    }
  return SKC_OK;
}

/* Swirl's error budget, as shares of the floor's relative error: a half
 * step of angle and the knots' own (they add about as squares: 0.5 and
 * 0.5 give 0.71 of the floor, 3 dB to spare for the worst point of the
 * frame, which the probes at a few angles do not see: at 0.65 and 0.65 a
 * star and a heart at R 75 measured 34.4-34.7 dB for a 35 dB floor). */
#define SWIRL_ANGLE_SHARE 0.5
#define SWIRL_FIT_SHARE 0.5
/* Steps measured from targets a degree apart; at most this many fits
 * around the circle (an eighth of a degree; a shape the same turned by a
 * k-th of a turn shares them, and takes k times as many steps).  A quarter
 * of a degree left thin strokes at R 75, high, 1-2 dB short (heart stroke
 * 33.1 dB, ampersand 34.1; now 37.2 and 36.9, preparation 4-5 s). */
#define SWIRL_PROBE_ANGLE (M_PI / 180)
#define SWIRL_MAX_ANGLES 2880
/* Rotational symmetries looked for, the highest first. */
static const int swirl_orders[] = { 8, 7, 6, 5, 4, 3, 2 };

/* The highest order k of swirl_orders such that the shape turned by a
 * k-th of a turn is the shape (its target equal within float rounding),
 * else 1. */
static int
rotational_order (const skc_params *p)
{
  skc_image plain = { 0 };
  if (turned_shape (p, 0, 0, &plain) != SKC_OK)
    return 1;
  float peak = 0;
  const size_t count = (size_t) plain.width * plain.height;
  for (size_t i = 0; i < count; i++)
    peak = fmaxf (peak, plain.data[i]);
  int order = 1;
  for (size_t k = 0; order == 1 && k < sizeof swirl_orders / sizeof (int); k++)
    {
      skc_image turned = { 0 };
      if (turned_shape (p, 360.0 / swirl_orders[k], 0, &turned) != SKC_OK)
        continue;
      float diff = 0;
      for (size_t i = 0; i < count; i++)
        diff = fmaxf (diff, fabsf (turned.data[i] - plain.data[i]));
      if (diff <= 1e-4f * peak)
        order = swirl_orders[k];
      skc_image_free (&turned);
    }
  skc_image_free (&plain);
  return order;
}

/* The largest relative kernel error between the truths at `angles` x
 * `amounts` (the shape turned, and clipped by the lens along its turned up
 * axis, the lens' rim sampled from `fine`) and those `d_angle` and
 * `d_amount` further; with `blend`, between the truths half-way and the
 * mean of those two (blended steps). */
static double
probe_error (const shape_source *src, const skc_image *fine,
             const double *angles, int n_angles, const double *amounts,
             int n_amounts, double d_angle, double d_amount, int blend)
{
  double worst = 0;
  for (int i = 0; i < n_angles; i++)
    {
      /* The shape at the angle, d_angle further and half-way, turned
         once for every amount. */
      skc_image turned[3] = { { 0 } };
      const double at[3]
          = { angles[i], angles[i] + d_angle, angles[i] + d_angle / 2 };
      int drawn = 1;
      for (int k = 0; drawn && k < (blend ? 3 : 2); k++)
        drawn = (k > 0 && d_angle == 0
                     ? skc_image_copy (&turned[0], &turned[k])
                     : source_shape (src, at[k] * 180 / M_PI, &turned[k]))
                == SKC_OK;
      for (int j = 0; j < n_amounts; j++)
        {
          skc_image t[3] = { { 0 } };
          double e = INFINITY;
          const double amount = fmax (amounts[j], 0);
          const double of[3]
              = { amount, amount + d_amount, amount + d_amount / 2 };
          int made = drawn;
          for (int k = 0; made && k < (blend ? 3 : 2); k++)
            made = skc_image_copy (&turned[k], &t[k]) == SKC_OK
                   && (of[k] <= 0
                       || skc_target_clip_fine (&t[k], fine, src->p->radius,
                                                of[k], at[k], NULL)
                              == SKC_OK);
          if (made)
            {
              size_t count = (size_t) t[0].width * t[0].height;
              for (size_t k = 0; blend && k < count; k++)
                t[0].data[k] = 0.5f * (t[0].data[k] + t[1].data[k]);
              e = blend ? skc_kernel_error (&t[0], &t[2])
                        : skc_kernel_error (&t[1], &t[0]);
            }
          worst = isnan (e) || e > worst ? (isnan (e) ? INFINITY : e) : worst;
          for (int k = 0; k < 3; k++)
            skc_image_free (&t[k]);
        }
      for (int k = 0; k < 3; k++)
        skc_image_free (&turned[k]);
    }
  return worst;
}

/* Swirl's: the shape turned by a few angles against d_angle further. */
static double
swirl_step_error (const shape_source *src, double d_angle)
{
  static const double angles[] = { 0.1, 0.7, 1.3, 2.9 }, none[] = { 0 };
  return probe_error (src, NULL, angles, 4, none, 1, d_angle, 0, 0);
}

/* The largest relative kernel error between the truths at a few angles
 * and amounts up to cat-eye (swirl: the shape turned, unclipped) and those
 * `d_angle` and `d_amount` further, or with `blend` half-way between
 * blended steps that far apart. */
static double
step_error (const shape_source *src, const skc_image *fine, double d_angle,
            double d_amount, int blend)
{
  static const double angles[] = { 0.1, 0.7, 1.3 };
  const double cat_eye = src->p->cat_eye;
  const double amounts[] = { cat_eye * 0.15, cat_eye - d_amount };
  return probe_error (src, fine, angles, 3, amounts, cat_eye > 0 ? 2 : 1,
                      d_angle, d_amount, blend);
}

/* Blended steps along angle (a turn in `count` steps) or amount (cat-eye
 * in `count` steps) whose half-way error is at most `within`: the fewest
 * of a few counts growing by a quarter from `from` (angles in multiples of
 * 4), or 0 when even `most` miss it. */
static int
blend_count (const shape_source *src, const skc_image *fine, int amount_axis,
             int from, int most, double within, double *error)
{
  for (int count = from;;)
    {
      *error = amount_axis
                   ? step_error (src, fine, 0, src->p->cat_eye / count, 1)
                   : step_error (src, fine, 2 * M_PI / count, 0, 1);
      if (*error <= within)
        return count;
      if (count >= most)
        return 0;
      count = amount_axis ? (int) ceil (count * 1.25)
                          : 4 * (int) ceil (count * 1.25 / 4);
      count = count < most ? count : most;
    }
}

skc_result
skc_knots_angles_prepare (skc_engine *e, skc_scale *s, double floor_db,
                          long max_macs, int *ok, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_angles_scale *a = &s->angles;
  *ok = 0;
  memset (a, 0, sizeof *a);
  shape_source source;
  skc_result r = source_new (p, 0, &source, err);
  if (r != SKC_OK)
    return r;
  /* Angle steps from the floor: a half step may cost SWIRL_ANGLE_SHARE of
     its error, the knots the rest. */
  double probe = swirl_step_error (&source, SWIRL_PROBE_ANGLE);
  double half = SWIRL_PROBE_ANGLE * SWIRL_ANGLE_SHARE * pow (10, -floor_db / 20)
                / fmax (probe, 1e-12);
  int steps = (int) ceil (M_PI / half);
  /* Codes a k-th of a turn apart share their fit: the steps come in
     multiples of k, at most SWIRL_MAX_ANGLES fits. */
  const int order = rotational_order (p);
  steps = steps < SKC_ENGINE_ANGLES ? SKC_ENGINE_ANGLES : steps;
  /* More than that: blended steps, the fewest whose half-way error is
     within the angle's share (a snowflake at R 75, high). */
  double blend_error = 0;
  if (steps > SWIRL_MAX_ANGLES * order
      || (e->options.angles_blend & SKC_ANGLES_BLEND_ANGLE))
    {
      int from = 4 * (int) ceil (steps / 32.0);
      int fewer = blend_count (
          &source, NULL, 0, from < 8 ? 8 : from, SWIRL_MAX_ANGLES * order,
          SWIRL_ANGLE_SHARE * pow (10, -floor_db / 20), &blend_error);
      a->blend = fewer > 0 ? SKC_ANGLES_BLEND_ANGLE : 0;
      steps = fewer > 0 ? fewer : steps;
    }
  steps = steps > SWIRL_MAX_ANGLES * order ? SWIRL_MAX_ANGLES * order : steps;
  a->angle_count = (steps + order - 1) / order * order;
  a->rounding_snr_db
      = a->blend
            ? skc_kernel_snr_db (blend_error)
            : -20 * log10 (probe * M_PI / a->angle_count / SWIRL_PROBE_ANGLE);
  a->codes = a->angle_count;
  a->slots = a->angle_count / order;
  a->amount_count = 1;
  /* The fits: each slot some used code reads. */
  int *codes = malloc ((size_t) a->slots * sizeof *codes), count = 0;
  unsigned char *wanted = calloc ((size_t) a->slots, 1);
  for (int q = 0; wanted && q < a->codes; q++)
    if (code_used (p->swirl, q, a->angle_count))
      wanted[q % a->slots] = 1;
  for (int c = 0; codes && wanted && c < a->slots; c++)
    if (wanted[c])
      codes[count++] = c;
  free (wanted);
  a->fitted = calloc ((size_t) a->codes, 1);
  a->slot = calloc ((size_t) a->codes, sizeof *a->slot);
  a->flip = calloc ((size_t) a->codes, 1);
  a->fit = calloc ((size_t) a->slots, sizeof *a->fit);
  for (int q = 0; a->slot && q < a->codes; q++)
    a->slot[q] = q % a->slots;
  angles_job job = { .params = p,
                     .a = a,
                     .max_error = SWIRL_FIT_SHARE * pow (10, -floor_db / 20),
                     .max_macs = max_macs,
                     .codes = codes,
                     .source = &source,
                     .levelled = count * shape_fit_work (p, 0, max_macs, NULL)
                                 > FIT_WORK_MAX };
  if (!codes || count == 0 || !a->fitted || !a->slot || !a->flip || !a->fit
      || !job_results (&job, count))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r == SKC_OK && !spread_codes (codes, count))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  int reached = 1;
  if (r == SKC_OK)
    r = first_angle_reaches (&job, 1, &reached);
  if (r == SKC_OK && reached)
    skc_parallel_for (count - 1, e->prepare_run.threads, fit_later_angle, &job);
  a->worst_snr_db = INFINITY;
  a->half = -1;
  for (int i = 0; r == SKC_OK && reached && i < count; i++)
    {
      if (job.results[i] != SKC_OK)
        r = skc_fail (err, job.results[i], "swirl knots at %g degrees: %s",
                      codes[i] * 360.0 / a->angle_count,
                      skc_strerror (job.results[i]));
      else if (job.halves[i] < 0)
        reached = 0;
      else
        {
          const skc_angle_fit *t = &a->fit[codes[i]];
          a->half = job.halves[i];
          a->worst_snr_db = fmin (a->worst_snr_db, job.snr[i]);
          a->macs = t->count + 1 > a->macs ? t->count + 1 : a->macs;
        }
    }
  /* Every used code reads a fitted slot. */
  for (int q = 0; r == SKC_OK && reached && q < a->codes; q++)
    a->fitted[q] = code_used (p->swirl, q, a->angle_count);
  job_results_free (&job);
  source_free (&source);
  free (codes);
  if (r != SKC_OK || !reached)
    {
      skc_knots_angles_ops.free (s);
      memset (a, 0, sizeof *a);
      return r;
    }
  *ok = 1;
  s->kind = SKC_SCALE_KNOTS_ANGLES;
  /* A block's running sum starts up to ANGLES_BLOCK - 1 columns left of
     an output, from input half + 1 further. */
  s->reach = a->half + ANGLES_BLOCK + 1;
  e->kernel_reach = a->half;
  e->reach = s->reach;
  /* The fits' error and a half step's fall on the kernel independently:
     their energies add. */
  e->kernel_snr_db = -10
                     * log10 (pow (10, -a->worst_snr_db / 10)
                              + pow (10, -a->rounding_snr_db / 10));
  return SKC_OK;
}

/* Cat-eye's error budget, as shares of the floor's relative error: the
 * knots' own, a half step of angle and a half step of amount (they fall
 * on different parts of the kernel, so they add about as squares:
 * 0.5, 0.5 and 0.35 give 0.79 of the floor). */
#define CAT_EYE_FIT_SHARE 0.5
#define CAT_EYE_ANGLE_SHARE 0.5
#define CAT_EYE_AMOUNT_SHARE 0.35
/* Steps measured from targets this far apart (a degree, 1/100 of
 * amount): far enough to move edges by a fraction of a pixel. */
#define CAT_EYE_PROBE_ANGLE (M_PI / 180)
#define CAT_EYE_PROBE_AMOUNT 0.01
#define CAT_EYE_MAX_ANGLES 4096
#define CAT_EYE_MAX_AMOUNTS 256
/* The fits' tables may take this much memory (6 bytes a knot: a heart at
 * R 75, high, 72 thousand fits, about 385 MB; preparation then takes 20-40
 * s, where the DISK basis it replaces gave 2 dB). */
#define CAT_EYE_MAX_BYTES ((size_t) 512 << 20)

/* Angle code `code`'s fit (its canonical code, fitted) and flips: a half
 * turn is both flips; with a mirror, -a is a's mirrored left to right and
 * 180 - a its mirrored top to bottom. */
static int
canonical_angle (int code, int n, int mirror, int *flip)
{
  *flip = 0;
  if (code >= n / 2)
    {
      code -= n / 2;
      *flip = SKC_ANGLES_FLIP_X | SKC_ANGLES_FLIP_Y;
    }
  if (mirror && code > n / 4)
    {
      code = n / 2 - code;
      *flip ^= SKC_ANGLES_FLIP_Y;
    }
  return code;
}

/* Cat-eye's codes and fits for floor_db, each pixel its nearest angle
 * step or (blend) its two around; *too_many when out of reach by the
 * steps' count or their fits' memory rather than by the knots. */
static skc_result
cat_eye_prepare (skc_engine *e, skc_scale *s, const shape_source *source,
                 const skc_image *fine, double floor_db, long max_macs,
                 double max_work, int blend, int *ok, int *too_many, char *why,
                 size_t why_len, skc_error *err)
{
  const skc_params *p = &e->params;
  skc_knots_angles_scale *a = &s->angles;
  *ok = 0;
  *too_many = 0;
  memset (a, 0, sizeof *a);
  const double budget = pow (10, -floor_db / 20);
  /* The steps: edges move about linearly with a small step. */
  double probe = step_error (source, fine, CAT_EYE_PROBE_ANGLE, 0, 0);
  double half_angle
      = CAT_EYE_PROBE_ANGLE * CAT_EYE_ANGLE_SHARE * budget / fmax (probe, 1e-9);
  int angles = 4 * (int) ceil (M_PI / half_angle / 4);
  probe = step_error (source, fine, 0, CAT_EYE_PROBE_AMOUNT, 0);
  double half_amount = CAT_EYE_PROBE_AMOUNT * CAT_EYE_AMOUNT_SHARE * budget
                       / fmax (probe, 1e-9);
  int amounts = (int) ceil (p->cat_eye / (2 * half_amount));
  amounts = amounts < 1 ? 1 : amounts;
  const int h = (int) ceil (p->radius), n = 2 * h + 1;
  /* The shape unturned: its symmetry, and the fitter's work on it. */
  int mirror;
  const double fit_work = shape_fit_work (p, 1, max_macs, &mirror);
  /* Each fit takes its line starts and at least two knots a line (6
     bytes each); measured on the first angle's fits below. */
  const size_t fit_bytes = (size_t) (n + 1) * 4 + (size_t) n * 2 * 6;
  /* Blended steps: the fewest whose half-way error is within the axis'
     share, from an eighth of the nearest steps' count. */
  double angle_blend_error = 0, amount_blend_error = 0;
  if (blend & SKC_ANGLES_BLEND_ANGLE)
    angles = blend_count (source, fine, 0, 4 * (int) ceil (angles / 32.0 + 1),
                          CAT_EYE_MAX_ANGLES, CAT_EYE_ANGLE_SHARE * budget,
                          &angle_blend_error);
  if (blend & SKC_ANGLES_BLEND_AMOUNT)
    amounts = blend_count (source, fine, 1, (int) ceil (amounts / 8.0),
                           CAT_EYE_MAX_AMOUNTS, CAT_EYE_AMOUNT_SHARE * budget,
                           &amount_blend_error);
  if (angles == 0 || amounts == 0)
    {
      *too_many = 1;
      snprintf (why, why_len,
                "cat-eye knots out of reach: more than %d blended angle or "
                "%d amount steps for %g dB",
                CAT_EYE_MAX_ANGLES, CAT_EYE_MAX_AMOUNTS, floor_db);
      return SKC_OK;
    }
  /* Amount codes 0 .. amounts, and the unclipped shape. */
  const int per_angle = amounts + 2;
  const int canonical = mirror ? angles / 4 + 1 : angles / 2;
  const int slots = canonical * per_angle;
  const size_t bytes = (size_t) slots * fit_bytes;
  /* A fit's time grows with its pixels: a caller with a floor to fall
     back to bounds the preparation. */
  const double work = (double) slots * n * n;
  if (max_work > 0 && work > max_work)
    {
      *too_many = 1;
      snprintf (why, why_len,
                "cat-eye knots out of reach: %d angle and %d amount steps "
                "(%d fits of %dx%d px) would take too long to prepare for "
                "%g dB",
                angles, amounts + 1, slots, n, n, floor_db);
      return SKC_OK;
    }
  if (angles > CAT_EYE_MAX_ANGLES || amounts > CAT_EYE_MAX_AMOUNTS
      || bytes > CAT_EYE_MAX_BYTES)
    {
      *too_many = 1;
      snprintf (why, why_len,
                "cat-eye knots out of reach: %d angle and %d amount steps "
                "(%d fits, %zu MB) for %g dB",
                angles, amounts + 1, slots, bytes >> 20, floor_db);
      return SKC_OK;
    }
  a->angle_count = angles;
  a->blend = blend;
  a->amount_count = per_angle;
  a->amount_step = p->cat_eye / amounts;
  a->codes = angles * per_angle;
  a->slots = slots;
  const int levelled = slots * fit_work > FIT_WORK_MAX;
  const int clip_rows = slots * fit_work > CLIP_ROWS_WORK;
  int *codes = calloc ((size_t) canonical, sizeof *codes);
  a->fitted = calloc ((size_t) a->codes, 1);
  a->slot = calloc ((size_t) a->codes, sizeof *a->slot);
  a->flip = calloc ((size_t) a->codes, 1);
  a->fit = calloc ((size_t) slots, sizeof *a->fit);
  angles_job job = { .params = p,
                     .a = a,
                     .max_error = CAT_EYE_FIT_SHARE * budget,
                     .levelled = levelled,
                     .clip_rows = clip_rows,
                     .max_macs = max_macs,
                     .codes = codes,
                     .fine = fine,
                     .source = source,
                     .cat_eye = 1 };
  skc_result r = SKC_OK;
  if (!codes || !a->fitted || !a->slot || !a->flip || !a->fit
      || !job_results (&job, slots))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  for (int i = 0; r == SKC_OK && i < canonical; i++)
    codes[i] = i;
  if (r == SKC_OK && !spread_codes (codes, canonical))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  int reached = 1;
  if (r == SKC_OK)
    r = first_angle_reaches (&job, per_angle, &reached);
  /* The tables' size, from the first angle's fits (the most knots of
     them, a quarter more for other angles). */
  int most_knots = 0;
  for (int i = 0; r == SKC_OK && reached && i < per_angle; i++)
    most_knots = a->fit[i].count > most_knots ? a->fit[i].count : most_knots;
  const size_t measured
      = (size_t) slots
        * ((size_t) (most_knots * 6.0 * 1.25) + (size_t) (n + 1) * 4);
  const int too_large = measured > CAT_EYE_MAX_BYTES;
  *too_many = too_large;
  reached &= !too_large;
  if (r == SKC_OK && reached)
    skc_parallel_for (canonical - 1, e->prepare_run.threads, fit_later_angle,
                      &job);
  double worst_fit = 0;
  a->half = h;
  for (int i = 0; r == SKC_OK && reached && i < slots; i++)
    {
      if (job.results[i] != SKC_OK)
        r = skc_fail (err, job.results[i], "cat-eye knots: %s",
                      skc_strerror (job.results[i]));
      else if (job.halves[i] != h)
        reached = 0;
      else
        {
          const skc_angle_fit *t = &a->fit[i];
          worst_fit = fmax (worst_fit, pow (10, -job.snr[i] / 20));
          a->macs = t->count + 1 > a->macs ? t->count + 1 : a->macs;
        }
    }
  for (int q = 0; r == SKC_OK && q < a->codes; q++)
    {
      int flip, angle = canonical_angle (q % angles, angles, mirror, &flip);
      a->slot[q] = angle * per_angle + q / angles;
      a->flip[q] = (unsigned char) flip;
      a->fitted[q] = 1;
    }
  free (codes);
  job_results_free (&job);
  if (r == SKC_OK && too_large)
    snprintf (why, why_len,
              "cat-eye knots out of reach: %d angle and %d amount steps (%d "
              "fits, about %zu MB) for %g dB",
              angles, amounts + 1, slots, measured >> 20, floor_db);
  else if (r == SKC_OK && !reached)
    snprintf (why, why_len,
              "cat-eye knots out of reach: %s within %ld MACs (%d x %d "
              "codes)",
              levelled ? "levelled knots" : "the floor", max_macs, angles,
              amounts + 1);
  if (r != SKC_OK || !reached)
    {
      skc_knots_angles_ops.free (s);
      memset (a, 0, sizeof *a);
      return r;
    }
  /* The worst kernel at any pixel: the worst fit, and half a step of
     angle and amount from its code, measured again at the steps taken,
     added as squares. */
  double angle_error = blend & SKC_ANGLES_BLEND_ANGLE
                           ? angle_blend_error
                           : step_error (source, fine, M_PI / angles, 0, 0);
  double amount_error
      = blend & SKC_ANGLES_BLEND_AMOUNT
            ? amount_blend_error
            : step_error (source, fine, 0, a->amount_step / 2, 0);
  a->worst_snr_db = skc_kernel_snr_db (sqrt (worst_fit * worst_fit
                                             + angle_error * angle_error
                                             + amount_error * amount_error));
  snprintf (why, why_len,
            "%d %sangle x %d %samount steps (%d fits%s%s; half a step: "
            "%.1f and %.1f dB)",
            angles, blend & SKC_ANGLES_BLEND_ANGLE ? "blended " : "",
            amounts + 1, blend & SKC_ANGLES_BLEND_AMOUNT ? "blended " : "",
            slots, mirror ? ", mirrored" : "",
            levelled ? ", levelled knots" : "", skc_kernel_snr_db (angle_error),
            skc_kernel_snr_db (amount_error));
  *ok = 1;
  s->kind = SKC_SCALE_KNOTS_ANGLES;
  s->reach = a->half + ANGLES_BLOCK + 1;
  e->kernel_reach = a->half;
  e->reach = s->reach;
  e->kernel_snr_db = a->worst_snr_db;
  return SKC_OK;
}

skc_result
skc_knots_cat_eye_prepare (skc_engine *e, skc_scale *s, double floor_db,
                           long max_macs, double max_work, int may_blend,
                           int *ok, char *why, size_t why_len, skc_error *err)
{
  skc_image fine = { 0 };
  shape_source source = { 0 };
  *ok = 0;
  skc_result r = skc_target_fine (&e->params, e->params.radius, &fine, err);
  if (r == SKC_OK)
    r = source_new (&e->params, 1, &source, err);
  /* Nearest steps, then where they are too many angles blended (a star's
     at R 75, high: 3760 angles x 107 amounts, about 623 MB of fits, for
     35 dB), then amounts too (an ampersand's: 628 blended angles x 231
     amounts, 684 MB); or the caller's forced blend alone. */
  static const int ladder[]
      = { 0, SKC_ANGLES_BLEND_ANGLE,
          SKC_ANGLES_BLEND_ANGLE | SKC_ANGLES_BLEND_AMOUNT };
  const int forced = e->options.angles_blend;
  const int rungs = forced || !may_blend ? 1 : 3;
  int too_many = 1;
  for (int i = 0; r == SKC_OK && !*ok && too_many && i < rungs; i++)
    r = cat_eye_prepare (e, s, &source, &fine, floor_db, max_macs, max_work,
                         forced ? forced : ladder[i], ok, &too_many, why,
                         why_len, err);
  source_free (&source);
  skc_image_free (&fine);
  return r;
}

/* Rows: across the kernel's half; columns: from half + 1 before the
 * area's first block to the half (and the knot past a line's end) after
 * the area. */
static void
angles_margins (const skc_scale *sc, skc_scale_area *area)
{
  const int h = sc->angles.half;
  area->pad_t = area->pad_b = h;
  area->pad_l = area->x0 - skc_floor_div (area->x0, ANGLES_BLOCK) * ANGLES_BLOCK
                + h + 1;
  area->pad_r = h + 1;
}

/* d[i] += c * v[i] */
HOT_LOOP static void
axpy (float *restrict d, const float *restrict v, float c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    d[i] += c * v[i];
}

/* One pass of the scatter over an area: `in` (the padded input, or a copy
 * weighted per pixel) with each pixel's code from `code` (pw per row, or
 * NULL: code 0 everywhere), into out (w x h x C): written, or added where
 * not zero when `add`.  D is the block's row of differences. */
static void
scatter_pass (const skc_knots_angles_scale *a, const skc_scale_area *area,
              int C, const float *in, const int *code, float *D, int add,
              float *out)
{
  const int h = a->half, lines = 2 * h + 1, warm = 2 * h + 1;
  const int order = a->order;
  const int B = ANGLES_BLOCK, pw = area->pw;
  const int px0 = area->x0 - area->pad_l; /* the padded input's origin */
  const size_t stride = (size_t) pw * C;
  for (int b0 = skc_floor_div (area->x0, B) * B; b0 < area->x0 + area->w;
       b0 += B)
    {
      const int first = b0 > area->x0 ? b0 : area->x0;
      const int last
          = b0 + B < area->x0 + area->w ? b0 + B : area->x0 + area->w;
      /* The running sum starts at 0 `warm` columns before the block,
         from the input pixels whose knots all lie at or after that
         column: those further left have ended before the block (ramps'
         last knot, a column further, only brings their slope back to
         0). */
      const int c0 = b0 - warm, n = warm + last - b0;
      for (int j = 0; j < area->h; j++)
        {
          memset (D, 0, (size_t) n * C * sizeof *D);
          for (int line = 0; line < lines; line++)
            {
              const int r = j + area->pad_t - (line - h); /* padded row */
              const float *row = in + (size_t) r * stride;
              const int *qrow = code ? code + (size_t) r * pw : NULL;
              const int lo = b0 - h - 1 - px0, hi = last + h - px0;
              for (int x = lo; x < hi;)
                {
                  int q = qrow ? qrow[x] : 0, end = x + 1;
                  while (qrow && end < hi && qrow[end] == q)
                    end++;
                  /* A mirrored slot: lines in reverse (y), or knots at
                     order - dx, steps with the opposite weight (x; lines
                     sum to 0). */
                  const int slot = a->slot[q], fl = a->flip[q];
                  const int cl
                      = fl & SKC_ANGLES_FLIP_Y ? lines - 1 - line : line;
                  const int fx = fl & SKC_ANGLES_FLIP_X;
                  const skc_angle_fit *t = &a->fit[slot];
                  const int tl = cl - h + t->half; /* the fit's own line */
                  if (tl < 0 || tl > 2 * t->half)
                    {
                      x = end;
                      continue;
                    }
                  for (int k = t->start[tl]; k < t->start[tl + 1]; k++)
                    {
                      /* Input x steps at x + dx (D's columns from c0). */
                      int shift = (fx ? order - t->dx[k] : t->dx[k]) + px0 - c0;
                      int u0 = x + shift > 0 ? x + shift : 0;
                      int u1 = end + shift < n ? end + shift : n;
                      if (u0 < u1)
                        axpy (D + (size_t) u0 * C,
                              row + (size_t) (u0 - shift) * C,
                              fx && order == 1 ? -t->c[k] : t->c[k],
                              (size_t) (u1 - u0) * C);
                    }
                  x = end;
                }
            }
          /* The running sum (ramps: of the running sum); tiny negatives
             (rounding of a non-negative result) become 0. */
          double run[4] = { 0, 0, 0, 0 }, slope[4] = { 0, 0, 0, 0 };
          float mass[4] = { 0, 0, 0, 0 };
          float *o = out + (size_t) j * area->w * C;
          for (int u = 0; u < n; u++)
            for (int c = 0; c < C; c++)
              {
                float d = D[(size_t) u * C + c];
                if (order == 2)
                  {
                    slope[c] += d;
                    d = (float) slope[c];
                    run[c] += slope[c];
                  }
                else
                  run[c] += d;
                mass[c] += d < 0 ? -d : d;
                if (c0 + u < first)
                  continue;
                float v = (float) run[c];
                if (v < 0 && v > -ANGLES_CLAMP_SCALE * mass[c])
                  v = 0;
                float *dst = o + (size_t) (c0 + u - area->x0) * C + c;
                if (!add)
                  *dst = v;
                else if (v != 0)
                  *dst += v;
              }
        }
    }
}

/* A step position's step below (0 .. count - 1) and its weight of the
 * step above. */
static int
step_below (double position, int count, float *above)
{
  double below = floor (position);
  *above = (float) (position - below);
  long step = (long) below % count;
  return (int) (step < 0 ? step + count : step);
}

/* A pixel's cat-eye code: its angle to the nearest step (blended: the step
 * below, *angle_above its weight of the next), its amount to the nearest
 * amount code (blended: the code below, *amount_above its weight of the
 * next), and the amount code past the last for an amount of exactly 0 (the
 * image centre: the shape unclipped, where any other amount clips its
 * rim). */
static int
cat_eye_code (const skc_knots_angles_scale *a, const skc_engine *e,
              const skc_apply_request *rq, double x, double y,
              float *angle_above, float *amount_above)
{
  double angle, amount;
  skc_cat_eye_at (e, rq, x, y, &angle, &amount);
  double position = angle / (2 * M_PI) * a->angle_count;
  int step;
  if (a->blend & SKC_ANGLES_BLEND_ANGLE)
    step = step_below (position, a->angle_count, angle_above);
  else
    {
      step = (int) lround (position);
      step %= a->angle_count;
      step = step < 0 ? step + a->angle_count : step;
    }
  /* The clipped codes: 0 .. amount_count - 2. */
  const int last = a->amount_count - 2;
  int k;
  if (amount <= 0)
    k = a->amount_count - 1;
  else if (a->blend & SKC_ANGLES_BLEND_AMOUNT)
    {
      double at = amount / a->amount_step;
      k = (int) floor (at);
      k = k < last ? k : last;
      *amount_above = k < last ? (float) (at - k) : 0;
    }
  else
    {
      k = (int) lround (amount / a->amount_step);
      k = k < last ? k : last;
    }
  return k * a->angle_count + step;
}

/* Every padded pixel's code, with blended steps its weights of the steps
 * above, and with the plain zone (swirl above 1/2) its plain weight;
 * *plain says whether any is above 0. */
static int
area_codes (const skc_engine *e, const skc_knots_angles_scale *a,
            const skc_apply_request *rq, const skc_scale_area *area,
            skc_tile_scratch *s, int *plain)
{
  const int pw = area->pw, ph = area->ph;
  const int px0 = area->x0 - area->pad_l, py0 = area->y0 - area->pad_t;
  const int cat_eye = a->amount_count > 1;
  const int zone = !cat_eye && skc_plain_zone (e);
  const int by_angle = a->blend & SKC_ANGLES_BLEND_ANGLE;
  const int by_amount = a->blend & SKC_ANGLES_BLEND_AMOUNT;
  const size_t n = (size_t) pw * ph;
  size_t code_bytes = s->pass_code_bytes;
  *plain = 0;
  if (!skc_reserve_levels (s, n)
      || (zone
          && !skc_tile_reserve (&s->plain_weight, &s->plain_weight_capacity, n))
      || (by_angle
          && !skc_tile_reserve (&s->step_weight, &s->step_weight_capacity, n))
      || (by_amount
          && !skc_tile_reserve (&s->amount_weight, &s->amount_weight_capacity,
                                n))
      || (a->blend
          && !skc_reserve_bytes (&s->pass_code, &code_bytes,
                                 n * sizeof *s->pass_code)))
    return 0;
  s->pass_code_bytes = code_bytes;
  for (int j = 0; j < ph; j++)
    for (int i = 0; i < pw; i++)
      {
        size_t at = (size_t) j * pw + i;
        float angle_above = 0, amount_above = 0;
        if (cat_eye)
          s->level[at] = cat_eye_code (a, e, rq, px0 + i, py0 + j, &angle_above,
                                       &amount_above);
        else if (by_angle)
          s->level[at] = step_below (
              skc_angle_position (e, rq, px0 + i, py0 + j, a->angle_count),
              a->angle_count, &angle_above);
        else
          s->level[at]
              = skc_angle_code (e, rq, px0 + i, py0 + j, a->angle_count);
        if (by_angle)
          s->step_weight[at] = angle_above;
        if (by_amount)
          s->amount_weight[at] = amount_above;
        if (zone)
          {
            float w = skc_plain_weight (e, rq, px0 + i, py0 + j);
            s->plain_weight[at] = w;
            *plain |= w > 0;
          }
      }
  return 1;
}

/* Code q's neighbour one angle step up (up_angle) and one amount step up
 * (up_amount, within the clipped codes). */
static int
code_above (const skc_knots_angles_scale *a, int q, int up_angle, int up_amount)
{
  if (up_angle)
    {
      int step = q % a->angle_count;
      q += step + 1 < a->angle_count ? 1 : 1 - a->angle_count;
    }
  if (up_amount && q / a->angle_count < a->amount_count - 2)
    q += a->angle_count;
  return q;
}

static int
angles_values (const skc_engine *e, const skc_scale *sc,
               const skc_apply_request *rq, const skc_scale_area *area,
               skc_tile_scratch *s, float *into, const float **values,
               size_t *values_stride)
{
  const skc_knots_angles_scale *a = &sc->angles;
  const int C = rq->channels;
  const size_t n = (size_t) area->pw * area->ph;
  int plain = 0;
  if (!area_codes (e, a, rq, area, s, &plain)
      || !skc_tile_reserve (&s->buffers[1], &s->capacity[1],
                            (size_t) (ANGLES_BLOCK + 2 * a->half + 1) * C))
    return 0;
  /* Codes the swirl cannot give (none, by the model) run the plain
     kernel. */
  for (size_t i = 0; i < n; i++)
    if (!a->fitted[s->level[i]])
      s->level[i] = 0;
  if (!plain && !a->blend)
    scatter_pass (a, area, C, s->buffers[0], s->level, s->buffers[1], 0, into);
  else
    {
      /* Each input pixel spreads its turned kernel by 1 - w around the
         centre and the plain one by w; with blended steps the turned
         kernel is its code's by (1 - t) and its step above's by t, along
         each blended axis. */
      if (!skc_tile_reserve (&s->plain_input, &s->plain_input_capacity, n * C))
        return 0;
      float *in = s->buffers[0], *part = s->plain_input;
      const int by_angle = (a->blend & SKC_ANGLES_BLEND_ANGLE) != 0;
      const int by_amount = (a->blend & SKC_ANGLES_BLEND_AMOUNT) != 0;
      int pass = 0;
      for (int up_angle = 0; up_angle <= by_angle; up_angle++)
        for (int up_amount = 0; up_amount <= by_amount; up_amount++, pass++)
          {
            for (size_t i = 0; i < n; i++)
              {
                float w = plain ? 1 - s->plain_weight[i] : 1;
                if (by_angle)
                  w *= up_angle ? s->step_weight[i] : 1 - s->step_weight[i];
                if (by_amount)
                  w *= up_amount ? s->amount_weight[i]
                                 : 1 - s->amount_weight[i];
                for (int c = 0; c < C; c++)
                  part[i * C + c] = in[i * C + c] * w;
              }
            for (size_t i = 0; a->blend && i < n; i++)
              {
                int q = code_above (a, s->level[i], up_angle, up_amount);
                s->pass_code[i] = a->fitted[q] ? q : 0;
              }
            scatter_pass (a, area, C, part, a->blend ? s->pass_code : s->level,
                          s->buffers[1], pass > 0, into);
          }
      for (size_t i = 0; plain && i < n; i++)
        for (int c = 0; c < C; c++)
          part[i * C + c] = in[i * C + c] * s->plain_weight[i];
      if (plain)
        scatter_pass (a, area, C, part, NULL, s->buffers[1], 1, into);
    }
  *values = into;
  *values_stride = (size_t) area->w * C;
  return 1;
}

static void
angles_free (skc_scale *sc)
{
  skc_knots_angles_scale *a = &sc->angles;
  for (int q = 0; a->fit && q < a->slots; q++)
    free (a->fit[q].start);
  free (a->fit);
  free (a->fitted);
  free (a->slot);
  free (a->flip);
}

const skc_scale_ops skc_knots_angles_ops = { .method = "knots per angle",
                                             .margins = angles_margins,
                                             .values = angles_values,
                                             .writes_into = 1,
                                             .free = angles_free };
