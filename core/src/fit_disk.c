/* skc — the DISK fitter: Adam on the exact impulse response of the cascade.
 *
 * Several candidates start from different initialisations and share the
 * first part of one cosine learning-rate schedule; the best continues
 * alone.  Seeds differ by a few dB, so cheap early competition pays.
 * Whole-pixel (integer) complexes are fitted continuously first, then
 * snapped, their weights refitted, and single samples nudged by one pixel
 * while that lowers the loss.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fit_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OFFSET_RATE 0.3  /* px */
#define WEIGHT_RATE 0.03 /* divided by the samples per layer */
#define BETA1 0.9
#define BETA2 0.999
#define EPSILON 1e-12

typedef struct
{
  skc_fit_workspace ws;
  skc_point *points, *grad, *m, *v;
  skc_point *best;
  double best_loss, loss;
  int t; /* Adam step count */
  skc_init init;
  int failed;
} disk_run;

typedef struct
{
  const skc_image *target;
  const skc_fit_options *opts;
  int layers;
  int count[SKC_MAX_LAYERS];
  int total;
  int steps;
  double bound;
  int fit_offsets, fit_weights;
  double rate_scale;
  disk_run *runs;
  int first_step, last_step; /* of the current phase */
  long evaluations;
} disk_job;

static int
run_init (disk_run *run, const disk_job *job)
{
  memset (run, 0, sizeof *run);
  size_t n = (size_t) job->total;
  run->points = calloc (n, sizeof (skc_point));
  run->grad = calloc (n, sizeof (skc_point));
  run->m = calloc (n, sizeof (skc_point));
  run->v = calloc (n, sizeof (skc_point));
  run->best = calloc (n, sizeof (skc_point));
  run->best_loss = INFINITY;
  /* The continuous phase always uses bilinear offsets. */
  return run->points && run->grad && run->m && run->v && run->best
         && skc_fit_workspace_init (&run->ws, job->target, job->layers,
                                    job->count, SKC_OFFSETS_BILINEAR);
}

static void
run_free (disk_run *run)
{
  free (run->points);
  free (run->grad);
  free (run->m);
  free (run->v);
  free (run->best);
  skc_fit_workspace_free (&run->ws);
}

static inline double
adam_step (double *theta, double g, double *m, double *v, double rate,
           double c1, double c2)
{
  *m = BETA1 * *m + (1 - BETA1) * g;
  *v = BETA2 * *v + (1 - BETA2) * g * g;
  double step = rate * (*m / c1) / (sqrt (*v / c2) + EPSILON);
  *theta -= step;
  return step;
}

/* Adam steps [first, last) of a schedule `steps` long. */
static void
run_steps (disk_run *run, const disk_job *job, int first, int last)
{
  const skc_fit_options *opts = job->opts;
  for (int s = first; s < last && !run->failed; s++)
    {
      if (skc_fit_cancelled (opts))
        return;
      double loss = skc_fit_evaluate (&run->ws, run->points, run->grad);
      if (loss < 0)
        {
          run->failed = 1;
          return;
        }
      run->loss = loss;
      if (loss < run->best_loss)
        {
          run->best_loss = loss;
          memcpy (run->best, run->points, job->total * sizeof (skc_point));
        }
      double progress = (double) s / job->steps;
      double decay = 0.02 + 0.98 * 0.5 * (1 + cos (M_PI * progress));
      run->t++;
      double c1 = 1 - pow (BETA1, run->t), c2 = 1 - pow (BETA2, run->t);
      int i = 0;
      for (int l = 0; l < job->layers; l++)
        {
          double rate_o = OFFSET_RATE * decay * job->rate_scale;
          double rate_w = WEIGHT_RATE / job->count[l] * decay * job->rate_scale;
          for (int k = 0; k < job->count[l]; k++, i++)
            {
              skc_point *q = &run->points[i];
              if (job->fit_offsets)
                {
                  adam_step (&q->x, run->grad[i].x, &run->m[i].x, &run->v[i].x,
                             rate_o, c1, c2);
                  adam_step (&q->y, run->grad[i].y, &run->m[i].y, &run->v[i].y,
                             rate_o, c1, c2);
                  q->x = fmax (-job->bound, fmin (job->bound, q->x));
                  q->y = fmax (-job->bound, fmin (job->bound, q->y));
                }
              if (job->fit_weights)
                adam_step (&q->w, run->grad[i].w, &run->m[i].w, &run->v[i].w,
                           rate_w, c1, c2);
            }
        }
    }
}

static void
run_candidate (void *user, int index)
{
  disk_job *job = user;
  run_steps (&job->runs[index], job, job->first_step, job->last_step);
}

/* Final loss of the best point set; restores it into points. */
static void
run_settle (disk_run *run, const disk_job *job)
{
  double loss = skc_fit_evaluate (&run->ws, run->points, NULL);
  if (loss >= 0 && loss < run->best_loss)
    {
      run->best_loss = loss;
      memcpy (run->best, run->points, job->total * sizeof (skc_point));
    }
  skc_fit_normalise_layers (run->best, job->layers, job->count);
  memcpy (run->points, run->best, job->total * sizeof (skc_point));
}

/* Whole-pixel refinement: snap, refit weights, then nudge samples by one
 * pixel while the loss drops. */
static long
refine_integer (disk_run *run, disk_job *job)
{
  long evaluations = 0;
  skc_point *p = run->points;
  for (int i = 0; i < job->total; i++)
    {
      p[i].x = (double) lround (p[i].x);
      p[i].y = (double) lround (p[i].y);
    }
  skc_fit_workspace ws;
  if (!skc_fit_workspace_init (&ws, job->target, job->layers, job->count,
                               SKC_OFFSETS_INTEGER))
    {
      run->failed = 1;
      return 0;
    }
  skc_fit_workspace saved = run->ws;
  run->ws = ws;
  memset (run->m, 0, job->total * sizeof (skc_point));
  memset (run->v, 0, job->total * sizeof (skc_point));
  run->t = 0;
  run->best_loss = INFINITY;
  job->fit_offsets = 0;
  job->fit_weights = 1;
  job->rate_scale = 0.3;
  int refit = job->steps / 4 > 50 ? job->steps / 4 : 50;
  int steps_saved = job->steps;
  job->steps = refit;
  run_steps (run, job, 0, refit);
  evaluations += refit;
  run_settle (run, job);
  evaluations++;

  static const int moves[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
  double loss = run->best_loss;
  for (int sweep = 0; sweep < 2 && !skc_fit_cancelled (job->opts); sweep++)
    {
      int improved = 0;
      for (int i = 0; i < job->total; i++)
        for (int mv = 0; mv < 4; mv++)
          {
            p[i].x += moves[mv][0];
            p[i].y += moves[mv][1];
            double trial = skc_fit_evaluate (&run->ws, p, NULL);
            evaluations++;
            if (trial >= 0 && trial < loss && fabs (p[i].x) <= job->bound
                && fabs (p[i].y) <= job->bound)
              {
                loss = trial;
                improved = 1;
              }
            else
              {
                p[i].x -= moves[mv][0];
                p[i].y -= moves[mv][1];
              }
          }
      if (!improved)
        break;
    }
  run->best_loss = loss;
  memcpy (run->best, p, job->total * sizeof (skc_point));
  job->steps = steps_saved;
  skc_fit_workspace_free (&run->ws);
  run->ws = saved;
  return evaluations;
}

/* Steps of the schedule, candidates racing, steps they race for. */
static void
disk_schedule (const skc_fit_options *opts, int *steps, int *candidates,
               int *explore)
{
  /* A preview (live refits while the user draws) is short: ~50 ms. */
  *steps = opts->steps > 0 ? opts->steps : opts->preview ? 400 : 2000;
  *candidates = opts->initial        ? 1
                : opts->restarts > 0 ? opts->restarts
                : opts->preview      ? 2
                                     : 8;
  *explore = *candidates > 1 ? *steps / 5 : 0;
}

int
skc_fit_disk_default_evaluations (const skc_fit_options *opts)
{
  int steps, candidates, explore;
  disk_schedule (opts, &steps, &candidates, &explore);
  return steps + (candidates - 1) * explore;
}

skc_result
skc_fit_disk (const skc_image *target, const skc_fit_options *opts,
              skc_filter **out, skc_fit_report *report, skc_error *err)
{
  disk_job job = { 0 };
  job.target = target;
  job.opts = opts;
  job.layers = opts->layers;
  for (int l = 0; l < job.layers; l++)
    {
      job.count[l] = opts->samples;
      job.total += opts->samples;
    }
  int candidates, explore;
  disk_schedule (opts, &job.steps, &candidates, &explore);
  job.bound = skc_fit_offset_bound (target);
  job.fit_offsets = job.fit_weights = 1;
  job.rate_scale = 1;

  job.runs = calloc (candidates, sizeof (disk_run));
  if (!job.runs)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  int ok = 1;
  for (int c = 0; c < candidates; c++)
    {
      disk_run *run = &job.runs[c];
      ok = ok && run_init (run, &job);
      skc_rng rng;
      skc_rng_seed (&rng, opts->seed, (uint64_t) c + 1);
      run->init = opts->init != SKC_INIT_AUTO ? opts->init
                  : (c % 2 == 0)              ? SKC_INIT_SPARSE
                                              : SKC_INIT_RADIAL;
      if (run->points && opts->initial)
        {
          /* Continue from a given complex, scaled (a neighbouring basis
             member): sample i stays sample i. */
          int i = 0;
          for (int l = 0; l < job.layers; l++)
            {
              const skc_sample *s = skc_filter_layer_const (opts->initial, l);
              for (int k = 0; k < job.count[l]; k++, i++)
                {
                  run->points[i].x = s[k].dx * opts->initial_scale;
                  run->points[i].y = s[k].dy * opts->initial_scale;
                  run->points[i].w = s[k].w;
                }
            }
        }
      else if (run->points)
        skc_fit_initialise (target, run->init, job.layers, job.count, &rng,
                            run->points);
    }
  skc_result result = SKC_OK;
  if (!ok)
    result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");

  int winner = 0;
  if (result == SKC_OK)
    {
      /* Phase 1: every candidate runs the start of the schedule. */
      job.first_step = 0;
      job.last_step = explore;
      skc_parallel_for (candidates, opts->threads, run_candidate, &job);
      job.evaluations += (long) candidates * explore;
      for (int c = 1; c < candidates; c++)
        if (job.runs[c].loss < job.runs[winner].loss)
          winner = c;
      if (opts->progress)
        opts->progress (opts->progress_user, (double) explore / job.steps,
                        job.runs[winner].loss);
      /* Phase 2: the winner finishes the schedule. */
      disk_run *run = &job.runs[winner];
      for (int s = explore; s < job.steps && !run->failed; s += 100)
        {
          int end = s + 100 < job.steps ? s + 100 : job.steps;
          run_steps (run, &job, s, end);
          job.evaluations += end - s;
          if (skc_fit_cancelled (opts))
            break;
          if (opts->progress)
            opts->progress (opts->progress_user, (double) end / job.steps,
                            run->best_loss);
        }
      run_settle (run, &job);
      job.evaluations++;
      if (opts->offsets == SKC_OFFSETS_INTEGER && !skc_fit_cancelled (opts))
        job.evaluations += refine_integer (run, &job);
      if (skc_fit_cancelled (opts))
        result = skc_fail (err, SKC_ERR_CANCELLED, "fit cancelled");
      else if (run->failed)
        result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  if (result == SKC_OK)
    {
      *out = skc_fit_points_to_filter (job.runs[winner].best, job.layers,
                                       job.count, opts->offsets);
      if (!*out)
        result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  report->evaluations = job.evaluations;
  report->init_used = job.runs[winner].init;
  for (int c = 0; c < candidates; c++)
    run_free (&job.runs[c]);
  free (job.runs);
  return result;
}
