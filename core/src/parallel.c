/* skc — a minimal parallel-for on pthreads: workers take indices from a
 * shared atomic counter.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

typedef struct
{
  atomic_int next;
  atomic_int worker_ids; /* the started threads' ids: 1, 2, ... */
  int count;
  skc_parallel_worker_body body;
  skc_parallel_body plain_body;
  void *user;
} parallel_job;

/* Takes indices until none is left, as worker `id`. */
static void
work (parallel_job *job, int id)
{
  for (;;)
    {
      int i = atomic_fetch_add (&job->next, 1);
      if (i >= job->count)
        break;
      if (job->body)
        job->body (job->user, i, id);
      else
        job->plain_body (job->user, i);
    }
}

static void *
worker (void *arg)
{
  parallel_job *job = arg;
  work (job, atomic_fetch_add (&job->worker_ids, 1));
  return NULL;
}

int
skc_cpu_count (void)
{
  long n = sysconf (_SC_NPROCESSORS_ONLN);
  return n > 0 ? (int) n : 1;
}

int
skc_parallel_workers (int count, int threads)
{
  if (threads <= 0)
    threads = skc_cpu_count ();
  if (threads > count)
    threads = count;
  if (threads > 64)
    threads = 64;
  return threads > 0 ? threads : 1;
}

static void
run_job (parallel_job *job, int threads)
{
  threads = skc_parallel_workers (job->count, threads);
  atomic_init (&job->next, 0);
  atomic_init (&job->worker_ids, 1);
  pthread_t tid[64];
  int started = 0;
  for (int t = 1; t < threads; t++)
    if (pthread_create (&tid[started], NULL, worker, job) == 0)
      started++;
  /* The calling thread works too, as worker 0 (progress is reported from
     it); enough if creation failed. */
  work (job, 0);
  for (int t = 0; t < started; t++)
    pthread_join (tid[t], NULL);
}

void
skc_parallel_for (int count, int threads, skc_parallel_body body, void *user)
{
  parallel_job job = { .count = count, .plain_body = body, .user = user };
  run_job (&job, threads);
}

void
skc_parallel_for_workers (int count, int threads, skc_parallel_worker_body body,
                          void *user)
{
  parallel_job job = { .count = count, .body = body, .user = user };
  run_job (&job, threads);
}

double
skc_now (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}
