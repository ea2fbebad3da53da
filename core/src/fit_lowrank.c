/* skc — the low-rank baseline: the truncated SVD of the target (one-sided
 * Jacobi), split into r separable terms.  By Eckart-Young it is the best
 * rank-r approximation in plain L2.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "fit_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Orthogonalises the columns of a (n x n, row-major) in place,
 * accumulating the rotations in v; afterwards a = U * diag (sigma). */
static void
jacobi_svd (double *a, double *v, int n)
{
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++)
      v[(size_t) i * n + j] = i == j;
  for (int sweep = 0; sweep < 60; sweep++)
    {
      double off = 0;
      for (int p = 0; p < n - 1; p++)
        for (int q = p + 1; q < n; q++)
          {
            double alpha = 0, beta = 0, gamma = 0;
            for (int i = 0; i < n; i++)
              {
                double ap = a[(size_t) i * n + p], aq = a[(size_t) i * n + q];
                alpha += ap * ap;
                beta += aq * aq;
                gamma += ap * aq;
              }
            if (gamma == 0 || fabs (gamma) <= 1e-15 * sqrt (alpha * beta))
              continue;
            off = fmax (off, fabs (gamma) / sqrt (alpha * beta));
            double zeta = (beta - alpha) / (2 * gamma);
            double t
                = (zeta >= 0 ? 1 : -1) / (fabs (zeta) + sqrt (1 + zeta * zeta));
            double c = 1 / sqrt (1 + t * t), s = c * t;
            for (int i = 0; i < n; i++)
              {
                double *ap = &a[(size_t) i * n + p],
                       *aq = &a[(size_t) i * n + q];
                double x = *ap, y = *aq;
                *ap = c * x - s * y;
                *aq = s * x + c * y;
                double *vp = &v[(size_t) i * n + p],
                       *vq = &v[(size_t) i * n + q];
                x = *vp, y = *vq;
                *vp = c * x - s * y;
                *vq = s * x + c * y;
              }
          }
      if (off < 1e-13)
        break;
    }
}

skc_result
skc_fit_lowrank (const skc_image *target, const skc_fit_options *opts,
                 skc_filter **out, skc_fit_report *report, skc_error *err)
{
  int n = target->width > target->height ? target->width : target->height;
  int rank = opts->rank < n ? opts->rank : n;
  double *a = calloc ((size_t) n * n, sizeof *a);
  double *v = calloc ((size_t) n * n, sizeof *v);
  double *sigma = calloc ((size_t) n, sizeof *sigma);
  int *order = calloc ((size_t) n, sizeof *order);
  if (!a || !v || !sigma || !order)
    {
      free (a), free (v), free (sigma), free (order);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  int ox = (n - target->width) / 2, oy = (n - target->height) / 2;
  for (int y = 0; y < target->height; y++)
    for (int x = 0; x < target->width; x++)
      a[(size_t) (y + oy) * n + x + ox] = *skc_image_pixel (target, x, y);
  jacobi_svd (a, v, n);
  for (int j = 0; j < n; j++)
    {
      double s = 0;
      for (int i = 0; i < n; i++)
        s += a[(size_t) i * n + j] * a[(size_t) i * n + j];
      sigma[j] = sqrt (s);
      order[j] = j;
    }
  /* Largest singular values first (insertion sort; ties keep order). */
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && sigma[order[j]] > sigma[order[j - 1]]; j--)
      {
        int t = order[j];
        order[j] = order[j - 1];
        order[j - 1] = t;
      }
  skc_filter *f = skc_filter_new_lowrank (opts->rank, n);
  if (f)
    for (int k = 0; k < rank; k++)
      {
        int j = order[k];
        double s = sigma[j];
        if (s == 0)
          break;
        /* a's column j is u_j * sigma_j; split sigma evenly. */
        double root = sqrt (s);
        /* Make the column's sum positive, for readability. */
        double sum = 0;
        for (int i = 0; i < n; i++)
          sum += a[(size_t) i * n + j];
        double sign = sum < 0 ? -1 : 1;
        for (int i = 0; i < n; i++)
          {
            skc_filter_column (f, k)[i]
                = (float) (sign * a[(size_t) i * n + j] / s * root);
            skc_filter_row (f, k)[i]
                = (float) (sign * v[(size_t) i * n + j] * root);
          }
      }
  free (a), free (v), free (sigma), free (order);
  if (!f)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  report->evaluations = 1;
  *out = f;
  return SKC_OK;
}
