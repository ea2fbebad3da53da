/* skc — the parallel-tempering baseline (after Schuster, Trettner and
 * Kobbelt 2020): chains at geometrically spaced temperatures make random
 * moves of one sample's offset or weight, accepted by the Metropolis rule;
 * neighbouring chains swap states now and then, and the hotter chains are
 * periodically reset to the best state found.  Same parameters and loss as
 * the DISK fitter, so the comparison is about the optimiser alone.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fit_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CHAINS 8
#define MOVES_PER_ROUND 64
#define RESETS 20

typedef struct
{
  skc_fit_workspace ws;
  skc_rng rng;
  skc_point *points;
  double loss;
  double temperature; /* relative to the best loss */
  double step;        /* offset move deviation, px */
  int failed;
} chain;

typedef struct
{
  chain *chains;
  int total;
  int layers;
  int count[SKC_MAX_LAYERS];
  double bound;
  double best_loss;
  int moves;
} pst_job;

static void
chain_round (void *user, int index)
{
  pst_job *job = user;
  chain *c = &job->chains[index];
  for (int m = 0; m < job->moves && !c->failed; m++)
    {
      int i = (int) (skc_rng_uniform (&c->rng) * job->total);
      skc_point *p = &c->points[i];
      skc_point saved = *p;
      if (skc_rng_uniform (&c->rng) < 0.7)
        {
          p->x += c->step * skc_rng_normal (&c->rng);
          p->y += c->step * skc_rng_normal (&c->rng);
          p->x = fmax (-job->bound, fmin (job->bound, p->x));
          p->y = fmax (-job->bound, fmin (job->bound, p->y));
        }
      else
        p->w *= exp (0.15 * c->step * skc_rng_normal (&c->rng));
      double loss = skc_fit_evaluate (&c->ws, c->points, NULL);
      if (loss < 0)
        {
          c->failed = 1;
          return;
        }
      double t = c->temperature * job->best_loss;
      if (loss <= c->loss
          || skc_rng_uniform (&c->rng) < exp ((c->loss - loss) / t))
        c->loss = loss;
      else
        *p = saved;
    }
}

skc_result
skc_fit_pst (const skc_image *target, const skc_fit_options *opts,
             skc_filter **out, skc_fit_report *report, skc_error *err)
{
  pst_job job = { 0 };
  job.layers = opts->layers;
  for (int l = 0; l < job.layers; l++)
    {
      job.count[l] = opts->samples;
      job.total += opts->samples;
    }
  job.bound = skc_fit_offset_bound (target);
  job.moves = MOVES_PER_ROUND;
  long budget = opts->evaluations > 0
                    ? opts->evaluations
                    : 30L * skc_fit_disk_default_evaluations (opts);

  job.chains = calloc (CHAINS, sizeof (chain));
  skc_point *best = calloc (job.total, sizeof (skc_point));
  int ok = job.chains && best;
  for (int k = 0; ok && k < CHAINS; k++)
    {
      chain *c = &job.chains[k];
      c->points = calloc (job.total, sizeof (skc_point));
      ok = c->points
           && skc_fit_workspace_init (&c->ws, target, job.layers, job.count,
                                      opts->offsets);
      if (!ok)
        break;
      skc_rng_seed (&c->rng, opts->seed, 1000 + k);
      skc_init init = opts->init != SKC_INIT_AUTO ? opts->init
                      : (k % 2 == 0)              ? SKC_INIT_SPARSE
                                                  : SKC_INIT_RADIAL;
      skc_fit_initialise (target, init, job.layers, job.count, &c->rng,
                          c->points);
      c->loss = skc_fit_evaluate (&c->ws, c->points, NULL);
      ok = c->loss >= 0;
      /* Coldest chain: 0.1 % of the best loss; hottest: 30 %. */
      c->temperature = 1e-3 * pow (300.0, (double) k / (CHAINS - 1));
      c->step = 0.25 * pow (8.0, (double) k / (CHAINS - 1));
    }
  skc_result result
      = ok ? SKC_OK : skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  long evaluations = CHAINS;
  if (ok)
    {
      job.best_loss = INFINITY;
      for (int k = 0; k < CHAINS; k++)
        if (job.chains[k].loss < job.best_loss)
          {
            job.best_loss = job.chains[k].loss;
            memcpy (best, job.chains[k].points, job.total * sizeof *best);
          }
      long per_round = (long) CHAINS * MOVES_PER_ROUND;
      long rounds = (budget + per_round - 1) / per_round;
      long reset_every = rounds / RESETS > 1 ? rounds / RESETS : 1;
      for (long r = 0; r < rounds; r++)
        {
          if (skc_fit_cancelled (opts))
            {
              result = skc_fail (err, SKC_ERR_CANCELLED, "fit cancelled");
              break;
            }
          skc_parallel_for (CHAINS, opts->threads, chain_round, &job);
          evaluations += per_round;
          for (int k = 0; k < CHAINS; k++)
            {
              if (job.chains[k].failed)
                result = SKC_ERR_OUT_OF_MEMORY;
              if (job.chains[k].loss < job.best_loss)
                {
                  job.best_loss = job.chains[k].loss;
                  memcpy (best, job.chains[k].points, job.total * sizeof *best);
                }
            }
          if (result != SKC_OK)
            {
              result = skc_fail (err, result, "out of memory");
              break;
            }
          /* Replica exchange between neighbours, decided by chain 0's
             generator so that the sequence does not depend on threads. */
          for (int k = (int) (r % 2); k + 1 < CHAINS; k += 2)
            {
              chain *a = &job.chains[k], *b = &job.chains[k + 1];
              double ta = a->temperature * job.best_loss;
              double tb = b->temperature * job.best_loss;
              double x = (a->loss - b->loss) * (1 / ta - 1 / tb);
              if (x >= 0 || skc_rng_uniform (&job.chains[0].rng) < exp (x))
                {
                  skc_point *sp = a->points;
                  a->points = b->points;
                  b->points = sp;
                  double sl = a->loss;
                  a->loss = b->loss;
                  b->loss = sl;
                }
            }
          if ((r + 1) % reset_every == 0)
            for (int k = CHAINS / 2; k < CHAINS; k++)
              {
                memcpy (job.chains[k].points, best, job.total * sizeof *best);
                job.chains[k].loss = job.best_loss;
              }
          if (opts->progress && r % 16 == 0)
            opts->progress (opts->progress_user, (double) (r + 1) / rounds,
                            job.best_loss);
        }
    }
  if (result == SKC_OK)
    {
      skc_fit_normalise_layers (best, job.layers, job.count);
      *out = skc_fit_points_to_filter (best, job.layers, job.count,
                                       opts->offsets);
      if (!*out)
        result = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  report->evaluations = evaluations;
  for (int k = 0; job.chains && k < CHAINS; k++)
    {
      free (job.chains[k].points);
      skc_fit_workspace_free (&job.chains[k].ws);
    }
  free (job.chains);
  free (best);
  return result;
}
