/* skc tests — fitting: a short DISK fit reaches the fidelity floor
 * and beats its initialisation; fits are deterministic and independent of
 * the thread count; baselines behave; bad targets and options are refused;
 * cancel and progress work.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "skc/skc.h"

static skc_photo_set *photos;

static skc_image
shape (const char *spec, double radius, int size)
{
  skc_shape s;
  skc_image k = { 0 };
  CHECK (skc_shape_parse (spec, &s, NULL) == SKC_OK);
  CHECK (skc_shape_render (&s, radius, size, &k, NULL) == SKC_OK);
  return k;
}

static double
psnr_of (const skc_filter *f, const skc_image *target)
{
  skc_image e = { 0 };
  if (skc_filter_render (f, &e) != SKC_OK)
    return NAN;
  double p = skc_photo_set_psnr (photos, &e, target);
  skc_image_free (&e);
  return p;
}

static int
same_filter (const skc_filter *a, const skc_filter *b)
{
  if (skc_filter_layer_count (a) != skc_filter_layer_count (b))
    return 0;
  for (int l = 0; l < skc_filter_layer_count (a); l++)
    if (skc_filter_layer_size (a, l) != skc_filter_layer_size (b, l)
        || memcmp (skc_filter_layer_const (a, l), skc_filter_layer_const (b, l),
                   skc_filter_layer_size (a, l) * sizeof (skc_sample))
               != 0)
      return 0;
  return 1;
}

static void
test_short_fit (const char *spec)
{
  skc_image t = shape (spec, 22.5, 49);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.steps = 300;
  o.restarts = 1;
  o.init = SKC_INIT_SPARSE;
  skc_filter *fitted = NULL, *initial = NULL;
  skc_fit_report report;
  skc_error err;
  CHECK (skc_fit (&t, &o, &fitted, &report, &err) == SKC_OK);
  o.steps = 1;
  CHECK (skc_fit (&t, &o, &initial, NULL, &err) == SKC_OK);
  if (fitted && initial)
    {
      double p = psnr_of (fitted, &t), p0 = psnr_of (initial, &t);
      CHECK_MSG (p >= 45, "%s: 300-step fit %.2f dB < 45 dB", spec, p);
      CHECK_MSG (p >= p0 + 10, "%s: fit %.2f dB, init %.2f dB", spec, p, p0);
      CHECK (report.evaluations >= 300);
      CHECK (skc_filter_taps (fitted) == 96 && skc_filter_macs (fitted) == 384);
    }
  skc_filter_free (fitted);
  skc_filter_free (initial);
  skc_image_free (&t);
}

static void
test_determinism (void)
{
  skc_image t = shape ("shape:star", 10, 21);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.steps = 100;
  o.restarts = 3;
  o.seed = 42;
  skc_filter *a = NULL, *b = NULL, *c = NULL;
  o.threads = 1;
  CHECK (skc_fit (&t, &o, &a, NULL, NULL) == SKC_OK);
  o.threads = 2;
  CHECK (skc_fit (&t, &o, &b, NULL, NULL) == SKC_OK);
  o.seed = 43;
  CHECK (skc_fit (&t, &o, &c, NULL, NULL) == SKC_OK);
  CHECK_MSG (a && b && same_filter (a, b), "1 and 2 threads differ");
  CHECK_MSG (a && c && !same_filter (a, c), "another seed, same result");
  skc_filter_free (a);
  skc_filter_free (b);
  skc_filter_free (c);
  skc_image_free (&t);
}

static void
test_integer_fit (void)
{
  skc_image t = shape ("shape:disc", 10, 21);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.steps = 200;
  o.restarts = 2;
  o.offsets = SKC_OFFSETS_INTEGER;
  skc_filter *f = NULL;
  CHECK (skc_fit (&t, &o, &f, NULL, NULL) == SKC_OK);
  if (!f)
    return;
  CHECK (skc_filter_offsets (f) == SKC_OFFSETS_INTEGER);
  CHECK (skc_filter_macs (f) == skc_filter_taps (f));
  int whole = 1;
  for (int l = 0; l < skc_filter_layer_count (f); l++)
    for (int i = 0; i < skc_filter_layer_size (f, l); i++)
      {
        const skc_sample *s = &skc_filter_layer_const (f, l)[i];
        whole &= s->dx == roundf (s->dx) && s->dy == roundf (s->dy);
      }
  CHECK (whole);
  CHECK (psnr_of (f, &t) > 40);
  skc_filter_free (f);
  skc_image_free (&t);
}

static void
test_lowrank (void)
{
  skc_image t = shape ("shape:heart", 7.5, 17);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.method = SKC_METHOD_LOWRANK;
  o.rank = 17;
  skc_filter *f = NULL;
  CHECK (skc_fit (&t, &o, &f, NULL, NULL) == SKC_OK);
  skc_image e = { 0 };
  if (f && skc_filter_render (f, &e) == SKC_OK)
    CHECK_MSG (skc_kernel_error (&e, &t) < 1e-5, "full-rank SVD error %g",
               skc_kernel_error (&e, &t));
  skc_image_free (&e);
  skc_filter_free (f);
  skc_image_free (&t);

  /* A Gaussian is separable: rank 1 is exact. */
  t = shape ("shape:gaussian", 9, 0);
  o.rank = 1;
  CHECK (skc_fit (&t, &o, &f, NULL, NULL) == SKC_OK);
  if (f && skc_filter_render (f, &e) == SKC_OK)
    CHECK_MSG (skc_kernel_error (&e, &t) < 1e-5, "rank-1 Gaussian error %g",
               skc_kernel_error (&e, &t));
  CHECK (f && skc_filter_macs (f) == 2 * 19);
  skc_image_free (&e);
  skc_filter_free (f);

  /* Rank r is at least as good as rank r - 1 (Eckart-Young). */
  skc_image_free (&t);
  t = shape ("shape:star", 10, 21);
  double previous = INFINITY;
  for (int r = 1; r <= 4; r++)
    {
      o.rank = r;
      CHECK (skc_fit (&t, &o, &f, NULL, NULL) == SKC_OK);
      skc_filter_render (f, &e);
      double error = skc_kernel_error (&e, &t);
      CHECK_MSG (error <= previous + 1e-7, "rank %d error %g > %g", r, error,
                 previous);
      previous = error;
      skc_image_free (&e);
      skc_filter_free (f);
    }
  skc_image_free (&t);
}

static void
test_pst (void)
{
  skc_image t = shape ("shape:disc", 7.5, 17);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.method = SKC_METHOD_PST;
  o.layers = 2;
  o.samples = 8;
  o.evaluations = 4000;
  skc_filter *f = NULL, *g = NULL;
  skc_fit_report report;
  CHECK (skc_fit (&t, &o, &f, &report, NULL) == SKC_OK);
  CHECK (report.evaluations >= 4000 && report.evaluations < 5000);
  o.evaluations = 50;
  CHECK (skc_fit (&t, &o, &g, NULL, NULL) == SKC_OK);
  /* More annealing finds a lower loss than (almost) none. */
  double annealed = 0, barely = 0;
  if (f && g)
    {
      CHECK (skc_fit_loss (f, &t, &annealed, NULL) == SKC_OK);
      CHECK (skc_fit_loss (g, &t, &barely, NULL) == SKC_OK);
      CHECK (annealed < barely);
    }
  skc_filter_free (f);
  skc_filter_free (g);
  skc_image_free (&t);
}

typedef struct
{
  int calls;
  double last;
  int monotonic;
  int cancel; /* the fit reads it atomically */
  int cancel_after;
} progress_log;

static void
on_progress (void *user, double fraction, double loss)
{
  progress_log *log = user;
  log->monotonic &= fraction >= log->last && fraction <= 1 && loss >= 0;
  log->last = fraction;
  if (++log->calls == log->cancel_after)
    __atomic_store_n (&log->cancel, 1, __ATOMIC_RELAXED);
}

static void
test_progress_and_cancel (void)
{
  skc_image t = shape ("shape:disc", 10, 21);
  skc_fit_options o;
  skc_fit_options_init (&o);
  o.steps = 500;
  o.restarts = 2;
  progress_log log = { .monotonic = 1 };
  o.progress = on_progress;
  o.progress_user = &log;
  o.cancel = &log.cancel;
  skc_filter *f = NULL;
  CHECK (skc_fit (&t, &o, &f, NULL, NULL) == SKC_OK);
  CHECK (log.calls >= 3 && log.monotonic);
  CHECK_NEAR (log.last, 1.0, 1e-12);
  skc_filter_free (f);

  log = (progress_log){ .monotonic = 1, .cancel_after = 2 };
  skc_error err;
  f = NULL;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_CANCELLED);
  CHECK (f == NULL);
  skc_image_free (&t);
}

static void
test_bad_input (void)
{
  skc_fit_options o;
  skc_fit_options_init (&o);
  skc_filter *f = NULL;
  skc_error err;
  skc_image t = { 0 };
  skc_image_alloc (&t, 5, 5, 1);
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_EMPTY_KERNEL);
  t.data[3] = NAN;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_NON_FINITE);
  t.data[3] = -1;
  t.data[4] = 2;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  skc_image_free (&t);
  skc_image_alloc (&t, 4, 5, 1);
  t.data[0] = 1;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  skc_image_free (&t);
  skc_image_alloc (&t, 515, 515, 1);
  t.data[0] = 1;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_TOO_LARGE);
  skc_image_free (&t);
  t = shape ("shape:disc", 3, 7);
  o.layers = 0;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  o.layers = 4;
  o.samples = 65;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  o.samples = 24;
  o.struct_size = 8;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_ERR_INVALID_ARGUMENT);
  CHECK (f == NULL);
  /* Tiny targets and extreme configurations still fit. */
  skc_fit_options_init (&o);
  o.steps = 20;
  o.layers = 16;
  o.samples = 1;
  CHECK (skc_fit (&t, &o, &f, NULL, &err) == SKC_OK);
  /* The loss says why it cannot be measured instead of returning -1. */
  double loss = -1;
  CHECK (skc_fit_loss (f, &t, &loss, &err) == SKC_OK && loss >= 0);
  CHECK (skc_fit_loss (NULL, &t, &loss, &err) == SKC_ERR_INVALID_ARGUMENT);
  t.width--;
  CHECK (skc_fit_loss (f, &t, &loss, &err) == SKC_ERR_INVALID_ARGUMENT);
  t.width++;
  skc_filter_free (f);
  skc_image_free (&t);
  skc_image one = { 0 };
  skc_image_alloc (&one, 1, 1, 1);
  one.data[0] = 5;
  skc_fit_options_init (&o);
  o.steps = 20;
  CHECK (skc_fit (&one, &o, &f, NULL, &err) == SKC_OK);
  skc_filter_free (f);
  skc_image_free (&one);
}

int
main (void)
{
  const char *dir = getenv ("SKC_DATA_DIR");
  char path[4096];
  snprintf (path, sizeof path, "%s/photos/astronaut-384.ppm",
            dir ? dir : "data");
  skc_image photo = { 0 };
  skc_error err;
  if (!CHECK (skc_pnm_read (path, &photo, &err) == SKC_OK))
    {
      fprintf (stderr, "%s\n", err.message);
      return check_summary ();
    }
  CHECK (skc_photo_set_new (&photo, 1, &photos, &err) == SKC_OK);
  skc_image_free (&photo);

  test_short_fit ("shape:disc");
  test_short_fit ("shape:heart");
  test_determinism ();
  test_integer_fit ();
  test_lowrank ();
  test_pst ();
  test_progress_and_cancel ();
  test_bad_input ();
  skc_photo_set_free (photos);
  return check_summary ();
}
