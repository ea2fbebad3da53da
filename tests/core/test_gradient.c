/* skc tests — the analytic gradient of the fitting loss against central
 * finite differences, for bilinear offsets, weights and whole-pixel
 * complexes; and the loss against an independent direct computation.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fit_internal.h"
#include "skc/skc.h"

/* Relative agreement of analytic and numeric derivatives, robust to tiny
 * values. */
static int
agrees (double analytic, double numeric, double scale)
{
  return fabs (analytic - numeric) <= 1e-4 * scale + 1e-5 * fabs (numeric);
}

static void
check_gradient (const char *spec, skc_offset_kind offsets, int layers, int n,
                uint64_t seed)
{
  skc_shape s;
  skc_image target = { 0 };
  skc_shape_parse (spec, &s, NULL);
  CHECK (skc_shape_render (&s, 7.5, 17, &target, NULL) == SKC_OK);
  int count[SKC_MAX_LAYERS];
  for (int l = 0; l < layers; l++)
    count[l] = n;
  skc_fit_workspace ws;
  CHECK (skc_fit_workspace_init (&ws, &target, layers, count, offsets));
  int total = layers * n;
  skc_point *p = calloc (total, sizeof *p), *g = calloc (total, sizeof *g);
  skc_rng rng;
  skc_rng_seed (&rng, seed, 0);
  skc_fit_initialise (&target, SKC_INIT_SPARSE, layers, count, &rng, p);
  /* Keep offsets away from whole pixels, where bilinear weights kink, and
     give weights some spread. */
  for (int i = 0; i < total; i++)
    {
      if (offsets == SKC_OFFSETS_BILINEAR)
        {
          p[i].x = floor (p[i].x) + 0.2 + 0.6 * skc_rng_uniform (&rng);
          p[i].y = floor (p[i].y) + 0.2 + 0.6 * skc_rng_uniform (&rng);
        }
      p[i].w *= 0.5 + skc_rng_uniform (&rng);
    }
  double loss = skc_fit_evaluate (&ws, p, g);
  CHECK (loss > 0);
  double scale = 0;
  for (int i = 0; i < total; i++)
    scale = fmax (scale,
                  fmax (fabs (g[i].w), fmax (fabs (g[i].x), fabs (g[i].y))));
  CHECK (scale > 0);
  const double h = 1e-6;
  int bad = 0, checked = 0;
  for (int i = 0; i < total; i++)
    for (int k = 0; k < 3; k++)
      {
        if (offsets == SKC_OFFSETS_INTEGER && k < 2)
          continue; /* whole-pixel offsets are not differentiable */
        double *param = k == 0 ? &p[i].x : k == 1 ? &p[i].y : &p[i].w;
        double analytic = k == 0 ? g[i].x : k == 1 ? g[i].y : g[i].w;
        double saved = *param;
        *param = saved + h;
        double plus = skc_fit_evaluate (&ws, p, NULL);
        *param = saved - h;
        double minus = skc_fit_evaluate (&ws, p, NULL);
        *param = saved;
        double numeric = (plus - minus) / (2 * h);
        checked++;
        if (!agrees (analytic, numeric, scale))
          {
            if (bad++ < 5)
              fprintf (stderr,
                       "     %s point %d param %d: analytic %.9g "
                       "numeric %.9g\n",
                       spec, i, k, analytic, numeric);
          }
      }
  CHECK_MSG (bad == 0, "%s: %d of %d derivatives disagree", spec, bad, checked);
  free (p);
  free (g);
  skc_fit_workspace_free (&ws);
  skc_image_free (&target);
}

/* The loss equals a direct evaluation of the weighted spectrum sum over
 * all frequencies of the FFT grid (independent of the cascade code). */
static void
check_loss_direct (void)
{
  skc_shape s;
  skc_image target = { 0 };
  skc_shape_parse ("shape:star", &s, NULL);
  skc_shape_render (&s, 4, 9, &target, NULL);
  skc_loss loss;
  CHECK (skc_loss_init (&loss, &target));
  skc_grid e = { 0 };
  skc_grid_reserve (&e, -3, -2, 6, 5);
  for (int i = 0; i < 30; i++)
    e.v[i] = 0.03 * ((i * 7) % 11);
  double value = skc_loss_eval (&loss, &e, 0);
  const skc_loss_plan *plan = &loss.plans[0];
  int m = plan->size;
  double num = 0, den = 0;
  for (int fy = 0; fy < m; fy++)
    for (int fx = 0; fx < m; fx++)
      {
        double re_d = 0, im_d = 0, re_t = 0, im_t = 0;
        for (int y = -6; y <= 6; y++)
          for (int x = -6; x <= 6; x++)
            {
              double ev = 0, tv = 0;
              if (x >= -3 && x < 3 && y >= -2 && y < 3)
                ev = e.v[(y + 2) * 6 + x + 3];
              if (abs (x) <= 4 && abs (y) <= 4)
                tv = *skc_image_pixel (&target, x + 4, y + 4);
              double a = -2 * M_PI * ((double) fx * x + (double) fy * y) / m;
              re_d += (ev - tv) * cos (a), im_d += (ev - tv) * sin (a);
              re_t += tv * cos (a), im_t += tv * sin (a);
            }
        double ffx = (fx <= m / 2 ? fx : fx - m) / (double) m;
        double ffy = (fy <= m / 2 ? fy : fy - m) / (double) m;
        double w = 0.02 * 0.02 / (ffx * ffx + ffy * ffy + 0.02 * 0.02)
                   + loss.flat_weight;
        num += w * (re_d * re_d + im_d * im_d);
        den += w * (re_t * re_t + im_t * im_t);
      }
  CHECK_NEAR (value, num / den, 1e-9 * (num / den));
  skc_grid_free (&e);
  skc_loss_free (&loss);
  skc_image_free (&target);
}

int
main (void)
{
  check_gradient ("shape:disc", SKC_OFFSETS_BILINEAR, 3, 6, 1);
  check_gradient ("shape:heart", SKC_OFFSETS_BILINEAR, 4, 5, 2);
  check_gradient ("shape:ring:inner=0.5", SKC_OFFSETS_BILINEAR, 1, 8, 3);
  check_gradient ("shape:coma", SKC_OFFSETS_INTEGER, 3, 6, 4);
  check_loss_direct ();
  return check_summary ();
}
