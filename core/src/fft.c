/* skc — FFTW plan creation behind one lock (FFTW's planner is not
 * thread-safe; executing a plan is).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "internal.h"

#include <pthread.h>

static pthread_mutex_t planner_lock = PTHREAD_MUTEX_INITIALIZER;

fftw_plan
skc_fft_plan_r2c (int n0, int n1, double *in, fftw_complex *out)
{
  pthread_mutex_lock (&planner_lock);
  fftw_plan p = fftw_plan_dft_r2c_2d (n0, n1, in, out, FFTW_ESTIMATE);
  pthread_mutex_unlock (&planner_lock);
  return p;
}

fftw_plan
skc_fft_plan_c2r (int n0, int n1, fftw_complex *in, double *out)
{
  pthread_mutex_lock (&planner_lock);
  fftw_plan p = fftw_plan_dft_c2r_2d (n0, n1, in, out, FFTW_ESTIMATE);
  pthread_mutex_unlock (&planner_lock);
  return p;
}

fftwf_plan
skc_fftf_plan_r2c_inplace (int n0, int n1, float *buffer)
{
  pthread_mutex_lock (&planner_lock);
  fftwf_plan p = fftwf_plan_dft_r2c_2d (
      n0, n1, buffer, (fftwf_complex *) buffer, FFTW_ESTIMATE);
  pthread_mutex_unlock (&planner_lock);
  return p;
}

fftwf_plan
skc_fftf_plan_c2r_inplace (int n0, int n1, float *buffer)
{
  pthread_mutex_lock (&planner_lock);
  fftwf_plan p = fftwf_plan_dft_c2r_2d (n0, n1, (fftwf_complex *) buffer,
                                        buffer, FFTW_ESTIMATE);
  pthread_mutex_unlock (&planner_lock);
  return p;
}

void
skc_fftf_destroy (fftwf_plan plan)
{
  if (!plan)
    return;
  pthread_mutex_lock (&planner_lock);
  fftwf_destroy_plan (plan);
  pthread_mutex_unlock (&planner_lock);
}

void
skc_fft_destroy (fftw_plan plan)
{
  if (!plan)
    return;
  pthread_mutex_lock (&planner_lock);
  fftw_destroy_plan (plan);
  pthread_mutex_unlock (&planner_lock);
}

/* One home for the size rule: the engine's FFT cells and the benchmark's
 * FFTW reference. */
int
skc_fft_good_even_size (int n)
{
  int m = skc_fft_good_size (n);
  while (m % 2)
    m = skc_fft_good_size (m + 1);
  return m;
}

int
skc_fft_good_size (int n)
{
  for (int m = n > 1 ? n : 1;; m++)
    {
      int r = m;
      for (int p = 2; p <= 7; p++)
        while (r % p == 0)
          r /= p;
      if (r == 1)
        return m;
    }
}
