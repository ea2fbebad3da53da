/* skc — helpers private to the core: random numbers, a parallel-for over
 * pthreads, FFT plan creation under a lock, timing.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_INTERNAL_H
#define SKC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <fftw3.h>

/* ---- rng.c: xoshiro256**, seeded by splitmix64; reproducible everywhere */
typedef struct
{
  uint64_t s[4];
} skc_rng;

void skc_rng_seed (skc_rng *rng, uint64_t seed, uint64_t stream);
uint64_t skc_rng_next (skc_rng *rng);
double skc_rng_uniform (skc_rng *rng); /* [0, 1) */
double skc_rng_normal (skc_rng *rng);  /* mean 0, deviation 1 */

/* ---- digests: 64-bit FNV-1a over bytes, for cache and memo keys: short
 * and stable across platforms (a key's full text, where kept, catches
 * collisions).  Start from SKC_DIGEST_START; chain calls to go on. */
#define SKC_DIGEST_START UINT64_C (14695981039346656037)

static inline uint64_t
skc_digest_bytes (uint64_t digest, const void *data, size_t length)
{
  const unsigned char *bytes = data;
  for (size_t i = 0; i < length; i++)
    digest = (digest ^ bytes[i]) * UINT64_C (1099511628211);
  return digest;
}

/* ---- parallel.c ------------------------------------------------------- */
/* Runs body (user, index) for index in [0, count) on up to `threads`
 * threads (<= 0: one per core).  Which thread runs which index is
 * unspecified, so bodies must write disjoint results. */
typedef void (*skc_parallel_body) (void *user, int index);
void skc_parallel_for (int count, int threads, skc_parallel_body body,
                       void *user);
/* The same, telling each call which worker (0 .. workers - 1) runs it, so
 * that workers can keep scratch memory across items.  `workers` is what
 * skc_parallel_workers () returns for the same count and threads; worker
 * 0 is the calling thread. */
typedef void (*skc_parallel_worker_body) (void *user, int index, int worker);
int skc_parallel_workers (int count, int threads);
void skc_parallel_for_workers (int count, int threads,
                               skc_parallel_worker_body body, void *user);
int skc_cpu_count (void);

/* ---- fft.c: FFTW's planner is not thread-safe; plans are made here under
 * one lock.  FFTW_ESTIMATE keeps results reproducible run to run. */
fftw_plan skc_fft_plan_r2c (int n0, int n1, double *in, fftw_complex *out);
fftw_plan skc_fft_plan_c2r (int n0, int n1, fftw_complex *in, double *out);
void skc_fft_destroy (fftw_plan plan);
/* Single precision, in place (the buffer holds n0 rows of 2 (n1 / 2 + 1)
 * floats, from fftwf_malloc): the engine's FFT tiles. */
fftwf_plan skc_fftf_plan_r2c_inplace (int n0, int n1, float *buffer);
fftwf_plan skc_fftf_plan_c2r_inplace (int n0, int n1, float *buffer);
void skc_fftf_destroy (fftwf_plan plan);
/* Smallest n' >= n whose prime factors are 2, 3, 5 and 7. */
int skc_fft_good_size (int n);
/* The smallest even one, for real transforms' halved axis. */
int skc_fft_good_even_size (int n);

/* ---- cache.c: a cache that takes what it misses from `parent` (memory,
 * then disk) before fitting, and keeps it as if fitted: preset capture
 * records every filter an engine uses without refitting what the user's
 * cache holds.  Set before use; parent must outlive the cache. */
struct skc_cache;
void skc_cache_set_parent (struct skc_cache *cache, struct skc_cache *parent);

/* ---- cancel flags (skc_run.cancel, skc_fit_options.cancel) ------------
 * Raised by another thread.  Nothing is published through a flag, so a
 * relaxed load suffices; the public type stays a plain int, which C++
 * can include. */
static inline int
skc_cancel_raised (const int *flag)
{
  return flag != NULL && __atomic_load_n (flag, __ATOMIC_RELAXED) != 0;
}

/* ---- time ------------------------------------------------------------- */
double skc_now (void); /* monotonic seconds */

#endif
