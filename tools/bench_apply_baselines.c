/* skc command-line tool — what `skc bench apply` measures skc against:
 * dense direct convolution over the kernel's taps, FFTW single precision,
 * and GEGL's blurs (the frame, skc itself and SVD: bench_apply.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef SKC_HAVE_FFTW3F
#include <fftw3.h>
#endif
#ifdef SKC_HAVE_GEGL
#include <gegl.h>
#endif

#include "bench_apply.h"
#include "internal.h"

/* Dense direct convolution is measured on a band of rows when the whole
 * image would cost more than this many tap x pixel products. */
#define DENSE_BUDGET 1e10
/* Pixels per block of the dense inner loops: the accumulator block stays
 * in L1 while every tap streams over it. */
#define DENSE_BLOCK 256

/* ---- Dense direct convolution over the kernel's non-zero taps. ---- */

typedef struct
{
  int kx;
  float w;
} dense_tap;

typedef struct
{
  const bench_setup *s;
  int half, size; /* kernel half size and side */
  int *row_start; /* kernel row ky: taps[row_start[ky] .. [ky+1]) */
  dense_tap *taps;
  int y0;                    /* first output row */
  float *out;                /* rows x width x 4 */
  float *rings[MAX_THREADS]; /* per worker: `size` padded source rows */
} dense_job;

/* Source row sy (clamped) with `half` clamped pixels added on each side. */
static void
pad_row (const bench_setup *s, int sy, int half, float *dst)
{
  const float *src
      = skc_image_pixel (&s->input, 0, bench_clamp_int (sy, 0, s->height - 1));
  for (int i = 0; i < half; i++)
    memcpy (dst + 4 * i, src, 4 * sizeof (float));
  memcpy (dst + 4 * half, src, (size_t) s->width * 4 * sizeof (float));
  for (int i = 0; i < half; i++)
    memcpy (dst + 4 * ((size_t) half + s->width + i),
            src + 4 * ((size_t) s->width - 1), 4 * sizeof (float));
}

static void
dense_band (void *data, int begin, int end, int worker)
{
  dense_job *job = data;
  const bench_setup *s = job->s;
  int half = job->half, size = job->size, width = s->width;
  size_t padded = (size_t) (width + 2 * half) * 4;
  float *ring = job->rings[worker];
#define RING_ROW(sy) (ring + (size_t) ((((sy) % size) + size) % size) * padded)
  /* The ring holds source rows y - half .. y + half; each step down
     replaces the row that is no longer needed. */
  int first = job->y0 + begin;
  for (int sy = first - half; sy <= first + half; sy++)
    pad_row (s, sy, half, RING_ROW (sy));
  for (int y = first; y < job->y0 + end; y++)
    {
      if (y > first)
        pad_row (s, y + half, half, RING_ROW (y + half));
      float *d = job->out + (size_t) (y - job->y0) * width * 4;
      memset (d, 0, (size_t) width * 4 * sizeof (float));
      for (int x0 = 0; x0 < width; x0 += DENSE_BLOCK)
        {
          int n = (width - x0 < DENSE_BLOCK ? width - x0 : DENSE_BLOCK) * 4;
          float *restrict dc = d + (size_t) x0 * 4;
          for (int ky = 0; ky < size; ky++)
            {
              /* out (x, y) += k (kx, ky) in (x - kx + half, y - ky + half):
                 the kernel is the impulse response. */
              const float *src
                  = RING_ROW (y - ky + half) + (size_t) (x0 + 2 * half) * 4;
              for (int t = job->row_start[ky]; t < job->row_start[ky + 1]; t++)
                {
                  const float *restrict sc = src - (size_t) job->taps[t].kx * 4;
                  float c = job->taps[t].w;
                  for (int i = 0; i < n; i++)
                    dc[i] += c * sc[i];
                }
            }
        }
    }
#undef RING_ROW
}

typedef struct
{
  dense_job *job;
  int rows;
} dense_run_ctx;

static int
run_dense (void *ctx)
{
  dense_run_ctx *r = ctx;
  bench_parallel_bands (r->rows, r->job->s->threads, dense_band, r->job);
  return 1;
}

void
bench_method_dense (bench_setup *s, int with_map, method_report *rep)
{
  const skc_image *k = &s->kernel;
  dense_job job = { .s = s, .half = k->width / 2, .size = k->width };
  double t0 = bench_now_seconds ();
  job.row_start = calloc ((size_t) k->height + 1, sizeof *job.row_start);
  job.taps = malloc ((size_t) k->width * k->height * sizeof *job.taps);
  long taps = 0;
  for (int ky = 0; ky < k->height && job.taps; ky++)
    {
      job.row_start[ky] = (int) taps;
      for (int kx = 0; kx < k->width; kx++)
        if (*skc_image_pixel (k, kx, ky) != 0.0f)
          job.taps[taps++] = (dense_tap){ kx, *skc_image_pixel (k, kx, ky) };
    }
  if (job.row_start)
    job.row_start[k->height] = (int) taps;
  rep->prepare = bench_now_seconds () - t0;

  /* A band of rows in the middle when the whole image would take long. */
  int rows = s->height;
  if ((double) taps * s->width * s->height > DENSE_BUDGET)
    rows = bench_clamp_int ((int) (DENSE_BUDGET / ((double) taps * s->width)),
                            2 * s->threads, s->height);
  job.y0 = (s->height - rows) / 2;
  if (rows < s->height)
    {
      rep->crop_y0 = job.y0;
      rep->crop_rows = rows;
      snprintf (rep->note, sizeof rep->note,
                "%ld taps; crop-scaled: %d of %d "
                "rows",
                taps, rows, s->height);
    }
  else
    snprintf (rep->note, sizeof rep->note, "%ld taps", taps);

  int workers = bench_clamp_int (s->threads, 1, MAX_THREADS);
  size_t ring = (size_t) job.size * (s->width + 2 * job.half) * 4;
  int ok = job.row_start && job.taps;
  for (int w = 0; w < workers && ok; w++)
    ok = (job.rings[w] = malloc (ring * sizeof (float))) != NULL;
  job.out = ok ? malloc ((size_t) rows * s->width * 4 * sizeof (float)) : NULL;
  dense_run_ctx r = { &job, rows };
  if (!job.out)
    bench_report_failure (rep, "out of memory");
  else if (bench_time_runs (s, run_dense, &r, (double) s->height / rows, rep))
    {
      rep->ok = 1;
      if (s->reference_y1 > s->reference_y0)
        rep->psnr
            = bench_interior_psnr (s, job.out, job.y0, job.y0 + rows, job.half);
      else /* no FFT: this result is the exact one */
        bench_store_reference (s, job.out, job.y0, rows);
    }
  for (int w = 0; w < workers; w++)
    free (job.rings[w]);
  free (job.out);
  free (job.taps);
  free (job.row_start);
}

/* ---- FFTW single precision: r2c / c2r, one channel at a time. ---- */

#ifdef SKC_HAVE_FFTW3F
typedef struct
{
  const bench_setup *s;
  int half;                /* padding on every side = kernel half size */
  int n0, n1;              /* transform rows, columns */
  int stride;              /* floats per row of the in-place layout */
  float *buf;              /* padded channel, transformed in place */
  fftwf_complex *spectrum; /* of the kernel, divided by n0 n1 */
  fftwf_plan forward, inverse;
  float *out; /* width x height x 4 */
  int channel;
} fft_job;

static void
fft_fill_rows (void *data, int begin, int end, int worker)
{
  fft_job *job = data;
  const bench_setup *s = job->s;
  int wide = s->width + 2 * job->half;
  for (int i = begin; i < end; i++)
    {
      float *row = job->buf + (size_t) i * job->stride;
      if (i >= s->height + 2 * job->half)
        {
          memset (row, 0, (size_t) job->stride * sizeof (float));
          continue;
        }
      const float *src = skc_image_pixel (
          &s->input, 0, bench_clamp_int (i - job->half, 0, s->height - 1));
      for (int j = 0; j < wide; j++)
        row[j] = src[4 * bench_clamp_int (j - job->half, 0, s->width - 1)
                     + job->channel];
      memset (row + wide, 0, (size_t) (job->stride - wide) * sizeof (float));
    }
}

static void
fft_multiply_rows (void *data, int begin, int end, int worker)
{
  fft_job *job = data;
  int columns = job->n1 / 2 + 1;
  fftwf_complex *b = (fftwf_complex *) job->buf;
  for (size_t i = (size_t) begin * columns; i < (size_t) end * columns; i++)
    {
      float re = b[i][0] * job->spectrum[i][0] - b[i][1] * job->spectrum[i][1];
      float im = b[i][0] * job->spectrum[i][1] + b[i][1] * job->spectrum[i][0];
      b[i][0] = re;
      b[i][1] = im;
    }
}

static void
fft_extract_rows (void *data, int begin, int end, int worker)
{
  fft_job *job = data;
  const bench_setup *s = job->s;
  for (int y = begin; y < end; y++)
    {
      const float *src
          = job->buf + (size_t) (y + job->half) * job->stride + job->half;
      float *dst = job->out + (size_t) y * s->width * 4 + job->channel;
      for (int x = 0; x < s->width; x++)
        dst[4 * x] = src[x];
    }
}

static int
run_fft (void *ctx)
{
  fft_job *job = ctx;
  int threads = job->s->threads;
  for (job->channel = 0; job->channel < 4; job->channel++)
    {
      bench_parallel_bands (job->n0, threads, fft_fill_rows, job);
      fftwf_execute (job->forward);
      bench_parallel_bands (job->n0, threads, fft_multiply_rows, job);
      fftwf_execute (job->inverse);
      bench_parallel_bands (job->s->height, threads, fft_extract_rows, job);
    }
  return 1;
}

void
bench_method_fft (bench_setup *s, int with_map, method_report *rep)
{
  fft_job job = { .s = s, .half = s->kernel.width / 2 };
  /* Padded by the kernel half size on every side, the circular wrap never
     reaches the output pixels. */
  /* Sizes FFTW is fast at (the core's rule); the real axis even. */
  job.n0 = skc_fft_good_size (s->height + 2 * job.half);
  job.n1 = skc_fft_good_even_size (s->width + 2 * job.half);
  job.stride = 2 * (job.n1 / 2 + 1);
  size_t floats = (size_t) job.n0 * job.stride;
#ifdef SKC_HAVE_FFTW3F_THREADS
  fftwf_init_threads ();
  fftwf_plan_with_nthreads (s->threads);
  rep->threads = s->threads;
#else
  rep->threads = 1; /* FFTW itself; our passes around it use s->threads */
#endif
  job.buf = fftwf_malloc (floats * sizeof (float));
  float *kbuf = fftwf_malloc (floats * sizeof (float));
  job.out = malloc ((size_t) s->width * s->height * 4 * sizeof (float));
  if (!job.buf || !kbuf || !job.out)
    {
      bench_report_failure (rep, "out of memory");
      return;
    }
  double t0 = bench_now_seconds ();
  job.forward = fftwf_plan_dft_r2c_2d (job.n0, job.n1, job.buf,
                                       (fftwf_complex *) job.buf, FFTW_MEASURE);
  job.inverse = fftwf_plan_dft_c2r_2d (
      job.n0, job.n1, (fftwf_complex *) job.buf, job.buf, FFTW_MEASURE);
  double plan = bench_now_seconds () - t0;
  if (!job.forward || !job.inverse)
    {
      bench_report_failure (rep, "FFTW could not plan");
      return;
    }
  /* The kernel's spectrum, centre at the origin, normalised for the
     unnormalised inverse. */
  t0 = bench_now_seconds ();
  memset (kbuf, 0, floats * sizeof (float));
  const skc_image *k = &s->kernel;
  float scale = 1.0f / ((float) job.n0 * job.n1);
  for (int ky = 0; ky < k->height; ky++)
    for (int kx = 0; kx < k->width; kx++)
      {
        int i = (ky - job.half + job.n0) % job.n0;
        int j = (kx - job.half + job.n1) % job.n1;
        kbuf[(size_t) i * job.stride + j]
            = *skc_image_pixel (k, kx, ky) * scale;
      }
  fftwf_execute_dft_r2c (job.forward, kbuf, (fftwf_complex *) kbuf);
  job.spectrum = (fftwf_complex *) kbuf;
  rep->prepare = plan + bench_now_seconds () - t0;
  snprintf (rep->note, sizeof rep->note,
            "%dx%d, the PSNR reference; prep: MEASURE plans %.2f s + "
            "kernel FFT%s",
            job.n1, job.n0, plan,
#ifdef SKC_HAVE_FFTW3F_THREADS
            ""
#else
            "; FFTW single-threaded (no fftw3f_threads)"
#endif
  );
  if (bench_time_runs (s, run_fft, &job, 1.0, rep))
    {
      rep->ok = 1;
      bench_store_reference (s, job.out, 0, s->height);
    }
  else
    bench_report_failure (rep, "FFT failed");
  fftwf_destroy_plan (job.forward);
  fftwf_destroy_plan (job.inverse);
  fftwf_free (job.buf);
  fftwf_free (kbuf);
  free (job.out);
}
#endif

/* ---- GEGL: buffer-source -> op -> write-buffer. ---- */

#ifdef SKC_HAVE_GEGL
typedef struct
{
  const bench_setup *s;
  const char *operation;
  int with_radius;
  GeglBuffer *input, *map, *output;
} gegl_run_ctx;

static int
run_gegl (void *ctx)
{
  gegl_run_ctx *r = ctx;
  /* A fresh graph each run, so no node cache serves a previous result. */
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", r->input, NULL);
  GeglNode *op = gegl_node_new_child (graph, "operation", r->operation, NULL);
  if (r->with_radius)
    gegl_node_set (op, "radius", r->s->radius, NULL);
  GeglNode *sink = gegl_node_new_child (graph, "operation", "gegl:write-buffer",
                                        "buffer", r->output, NULL);
  gegl_node_link_many (source, op, sink, NULL);
  if (r->map)
    {
      GeglNode *map = gegl_node_new_child (
          graph, "operation", "gegl:buffer-source", "buffer", r->map, NULL);
      gegl_node_connect_to (map, "output", op, "aux");
    }
  gegl_node_process (sink);
  g_object_unref (graph);
  return 1;
}

static void
measure_gegl (bench_setup *s, const char *operation, int with_radius,
              int with_map, method_report *rep)
{
  gegl_init (NULL, NULL);
  /* A cache larger than the buffers, or GEGL swaps tiles to disk. */
  g_object_set (gegl_config (), "tile-cache-size", (guint64) 8192 << 20,
                "threads", bench_clamp_int (s->threads, 1, 64), NULL);
  rep->threads = bench_clamp_int (s->threads, 1, 64);
  double t0 = bench_now_seconds ();
  GeglRectangle all = { 0, 0, s->width, s->height };
  const Babl *rgba = babl_format ("RGBA float");
  gegl_run_ctx r = { s, operation, with_radius, NULL, NULL, NULL };
  r.input = gegl_buffer_new (&all, rgba);
  gegl_buffer_set (r.input, &all, 0, rgba, s->input.data,
                   s->input.stride * sizeof (float));
  if (with_map)
    {
      /* Stored as Y' so that the ops, which read Y' unless linear-mask is
         set, see the map values themselves. */
      const Babl *grey = babl_format ("Y' float");
      r.map = gegl_buffer_new (&all, grey);
      gegl_buffer_set (r.map, &all, 0, grey, s->map.data,
                       s->map.stride * sizeof (float));
    }
  r.output = gegl_buffer_new (&all, rgba);
  rep->prepare = bench_now_seconds () - t0;
  snprintf (rep->note, sizeof rep->note, "prep: buffer upload");
  if (!bench_time_runs (s, run_gegl, &r, 1.0, rep))
    bench_report_failure (rep, "GEGL failed");
  else
    {
      rep->ok = 1;
      /* GEGL's disc against the exact one: context for skc's figure. */
      if (!with_map && with_radius && strcmp (operation, "gegl:lens-blur") == 0
          && s->shape.kind == SKC_SHAPE_DISC)
        {
          float *out
              = malloc ((size_t) s->width * s->height * 4 * sizeof (float));
          if (out)
            {
              gegl_buffer_get (r.output, &all, 1.0, rgba, out,
                               GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
              rep->psnr = bench_interior_psnr (s, out, 0, s->height,
                                               s->kernel.width / 2);
              free (out);
              snprintf (rep->note, sizeof rep->note,
                        "prep: buffer upload; "
                        "PSNR: GEGL's disc against ours");
            }
        }
    }
  g_object_unref (r.input);
  if (r.map)
    g_object_unref (r.map);
  g_object_unref (r.output);
}

void
bench_method_gegl_lens (bench_setup *s, int with_map, method_report *rep)
{
  measure_gegl (s, "gegl:lens-blur", 1, with_map, rep);
}

void
bench_method_gegl_variable (bench_setup *s, int with_map, method_report *rep)
{
  measure_gegl (s, "gegl:variable-blur", 1, with_map, rep);
}

void
bench_method_gegl_floor (bench_setup *s, int with_map, method_report *rep)
{
  measure_gegl (s, "gegl:invert-linear", 0, 0, rep);
}
#endif
