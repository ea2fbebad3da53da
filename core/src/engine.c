/* skc — the apply engine's public entry points: an engine is created from
 * the parameters (checked by skc_params_validate, then planned: planner.c),
 * describes what it runs, renders its impulse response and processes regions
 * (cut into tiles: engine_tile.c). SPDX-License-Identifier: GPL-3.0-or-later */
#include "engine.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* From this reach a blur map's tiles are 1024 px (skc_engine_new). */
#define LARGE_TILE_REACH 128

/* Each representation's operations (their own files), by kind. */
static const skc_scale_ops *const scale_ops[SKC_SCALE_KINDS] = {
  [SKC_SCALE_IDENTITY] = &skc_identity_ops,
  [SKC_SCALE_COMPLEX] = &skc_complex_ops,
  [SKC_SCALE_BASIS] = &skc_basis_ops,
  [SKC_SCALE_SEPARABLE] = &skc_separable_ops,
  [SKC_SCALE_KNOTS] = &skc_knots_ops,
  [SKC_SCALE_KNOTS_TABLES] = &skc_knots_tables_ops,
  [SKC_SCALE_FFT] = &skc_fft_ops,
  [SKC_SCALE_KNOTS_ANGLES] = &skc_knots_angles_ops,
};

const skc_scale_ops *
skc_scale_ops_of (const skc_scale *sc)
{
  return scale_ops[sc->kind];
}

skc_result
skc_engine_new (const skc_params *p, int with_map, const skc_run *run,
                skc_engine **out, skc_error *err)
{
  return skc_engine_new_with (p, with_map, NULL, run, out, err);
}

skc_result
skc_engine_new_for_map (const skc_params *p, const float *values, int count,
                        const skc_run *run, skc_engine **out, skc_error *err)
{
  if (count < 0 || count > SKC_MAP_VALUES_MAX || (count > 0 && !values))
    {
      *out = NULL;
      return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                       "a map's values: %d given, 0..%d taken", count,
                       SKC_MAP_VALUES_MAX);
    }
  for (int i = 0; i < count; i++)
    if (!isfinite (values[i]))
      {
        *out = NULL;
        return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                         "a map's values: value %d is not a number", i);
      }
  skc_engine_options options;
  skc_engine_options_init (&options);
  options.map_values = count > 0 ? values : NULL;
  options.map_value_count = count;
  return skc_engine_new_with (p, 1, &options, run, out, err);
}

/* Appends to the engine's description (cut at its end). */
static void
describe_more (skc_engine *e, const char *format, ...)
{
  size_t used = strlen (e->description);
  va_list args;
  va_start (args, format);
  vsnprintf (e->description + used, sizeof e->description - used, format, args);
  va_end (args);
}

/* The numbers that shape a kernel at a float's precision: GIMP 3 saves a
 * layer effect's numbers as 32-bit floats in the XCF, and a shape drawn
 * with exact coverage changes with their last bits (a curvature of 0.3
 * against 0.3f: a polygon's fits differ, 54 dB apart); so every front end
 * builds the engine the reopened effect builds.  (The map's focus and
 * gamma stay exact: a focus picked on the map must give radius 0 there.) */
static void
params_at_float_precision (skc_params *p)
{
  double *numbers[]
      = { &p->radius,         &p->swirl,           &p->cat_eye,
          &p->shape.rotation, &p->shape.curvature, &p->shape.inner,
          &p->shape.sigma };
  for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
    *numbers[i] = (double) (float) *numbers[i];
}

skc_result
skc_engine_new_with (const skc_params *p, int with_map,
                     const skc_engine_options *options, const skc_run *run,
                     skc_engine **out, skc_error *err)
{
  *out = NULL;
  skc_result r = skc_params_validate (p, err);
  if (r != SKC_OK)
    return r;
  /* Without its mask a subject would silently be a uniform blur. */
  if (p->depth == SKC_DEPTH_SUBJECT && !with_map)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "depth 'subject' needs the subject's mask as the map");
  skc_engine *e = calloc (1, sizeof *e);
  if (!e)
    return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  e->params = *p;
  params_at_float_precision (&e->params);
  if (options)
    e->options = *options;
  else
    skc_engine_options_init (&e->options);
  if (run)
    e->prepare_run = *run;
  e->with_map = with_map;
  /* A subject's mask is no blur map: the background blurs uniformly by
     the radius (engine_subject.c), so the engine is planned without one. */
  e->subject = with_map && p->depth == SKC_DEPTH_SUBJECT;
  if (e->subject)
    e->with_map = 0;
  if (e->with_map && p->depth != SKC_DEPTH_NONE && p->filter)
    {
      free (e);
      return skc_fail (err, SKC_ERR_UNSUPPORTED,
                       "depth-aware blur makes an engine per layer radius: "
                       "it needs a shape or an image, not a fitted .skc "
                       "filter");
    }
  if (e->with_map && p->shape_image
      && skc_image_copy (p->shape_image, &e->shape_copy) != SKC_OK)
    {
      free (e);
      return skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
    }
  /* A round kernel turned is the same kernel: swirl is dropped rather than
     run as turned complexes, which would only approximate it (and vary
     needlessly from pixel to pixel). */
  int round_shape
      = !p->shape_image && !p->filter
        && (p->shape.kind == SKC_SHAPE_DISC || p->shape.kind == SKC_SHAPE_RING
            || p->shape.kind == SKC_SHAPE_GAUSSIAN);
  if (round_shape)
    e->params.swirl = 0;
  e->angles = e->params.swirl > 0 || p->cat_eye > 0 ? SKC_ENGINE_ANGLES : 1;
  e->amount_codes = p->cat_eye > 0
                        ? (SKC_ENGINE_AMOUNTS - 1) * SKC_ENGINE_AMOUNT_STEPS + 1
                        : 1;
  e->kernel_snr_db = NAN;
  /* Depth-aware engines run only their layers' engines (engine_layers.c,
     which describes them): no plan of their own. */
  int layered = e->with_map && p->depth != SKC_DEPTH_NONE;
  r = layered ? SKC_OK : skc_engine_plan (e, err);
  /* The caller's values were read by the plan: not kept. */
  e->options.map_values = NULL;
  e->options.map_value_count = 0;
  /* Knots per code describe their own angle and amount steps. */
  int turned_complexes
      = r == SKC_OK && !layered
        && e->scales[e->first_scale].kind != SKC_SCALE_KNOTS_ANGLES;
  /* A radius of 0 leaves the image as it is, subject or not. */
  e->subject = e->subject && p->radius >= 0.5;
  if (r == SKC_OK && e->subject)
    describe_more (e, "; a sharp subject from the mask, in front of the "
                      "background blurred with its hidden part filled in, "
                      "tile by tile");
  if (turned_complexes && p->cat_eye > 0)
    describe_more (e, "; cat-eye %g (%d clip amounts per member%s%s)",
                   p->cat_eye, SKC_ENGINE_AMOUNTS, e->plan[0] ? "; " : "",
                   e->plan);
  if (r == SKC_OK && p->swirl > 0 && round_shape)
    describe_more (e, "; swirl %g leaves a round kernel as it is", p->swirl);
  if (turned_complexes && e->params.swirl > 0)
    describe_more (e, "; swirl %g (kernels turned per pixel, %d angle steps)",
                   p->swirl, SKC_ENGINE_ANGLES);
  /* Tiles grow with the scale so that a coarse scale still works on
     enough blocks, up to 1024 px: a tile's full-resolution buffers (two per
     worker) stay at 16 MB however large the radius.  A map's tiles are
     512 px, or 1024 where the reach is large, so that the margins every
     tile reads (and sums) again stay small: a map's tables at R 150
     reach 405 px (the kernel's half and a 256 px prefix-sum block), so a
     512 px tile read 6.7x its pixels, a 1024 px one reads 3.2x. */
  e->tile = 256 * e->scales[e->first_scale].factor;
  if (e->tile > 1024)
    e->tile = 1024;
  if (with_map || e->scale_count - e->first_scale > 1)
    e->tile = e->reach >= LARGE_TILE_REACH ? 1024 : 512;
  if (e->scales[e->first_scale].kind == SKC_SCALE_FFT)
    e->tile = e->scales[e->first_scale].fft.cell; /* tiles are the cells */
  /* The engine keeps none of the caller's pointers beyond preparation. */
  e->params.shape_image = NULL;
  e->params.filter = NULL;
  e->prepare_run.cancel = NULL;
  if (!e->kernel_reach)
    e->kernel_reach = e->reach;
  /* Depth: the layers' engines and reach; a subject's fill reads around
     its blur. */
  if (r == SKC_OK && layered)
    r = skc_layers_prepare (e, err);
  if (r == SKC_OK && e->subject)
    r = skc_subject_prepare (e, err);
  if (r != SKC_OK)
    {
      skc_engine_free (e);
      return r;
    }
  *out = e;
  return SKC_OK;
}

void
skc_engine_free (skc_engine *e)
{
  if (!e)
    return;
  skc_worker_pool_free (e->pool);
  for (int k = 0; k < SKC_ENGINE_MAX_SCALES; k++)
    if (e->scales[k].kind != SKC_SCALE_UNUSED)
      skc_scale_ops_of (&e->scales[k])->free (&e->scales[k]);
  skc_image_free (&e->shape_copy);
  skc_layers_free (e);
  skc_levels_free (e);
  skc_subject_free (e);
  free (e);
}

int
skc_engine_reach (const skc_engine *e)
{
  return e->reach;
}

const char *
skc_engine_describe (const skc_engine *e)
{
  return e->description;
}

double
skc_engine_kernel_snr (const skc_engine *e)
{
  return e->kernel_snr_db;
}

const char *
skc_engine_method (const skc_engine *e)
{
  if (e->layers)
    return skc_layers_method (e);
  if (e->levels)
    return skc_levels_method (e);
  /* A blur map may run knots tables at full resolution and the basis on
     the scales above. */
  int tables = 0, basis = 0;
  for (int k = e->first_scale; k < e->scale_count; k++)
    {
      tables |= e->scales[k].kind == SKC_SCALE_KNOTS_TABLES;
      basis |= e->scales[k].kind == SKC_SCALE_BASIS;
    }
  if (tables && basis)
    return "knots tables and DISK basis";
  return skc_scale_ops_of (&e->scales[e->first_scale])->method;
}

/* The map value that gives radius r (inverting focus, gamma, invert). */
static float
map_value_for_radius (const skc_params *p, double r)
{
  double v = p->radius > 0 ? r / p->radius : 0;
  v = p->focus + v <= 1 ? p->focus + v : p->focus - v;
  v = v < 0 ? 0 : v > 1 ? 1 : v;
  if (p->map_gamma != 1)
    v = pow (v, 1 / p->map_gamma);
  return (float) (p->invert_map ? 1 - v : v);
}

skc_result
skc_engine_kernel (const skc_engine *e, double radius, skc_image *out)
{
  /* The impulse response exactly as the engine runs it: one bright pixel
     in the middle of a black image just large enough to hold it (and a
     constant map). */
  int side = 2 * e->kernel_reach + 1;
  return skc_engine_kernel_at (e, side, side, e->kernel_reach, e->kernel_reach,
                               map_value_for_radius (&e->params, radius), out,
                               NULL);
}

void
skc_kernel_add_centred (skc_image *out, const skc_image *k, float weight)
{
  int ho = out->width / 2, hk = k->width / 2;
  for (int j = 0; j < k->height; j++)
    for (int i = 0; i < k->width; i++)
      {
        int ox = i - hk + ho, oy = j - hk + ho;
        if (ox >= 0 && oy >= 0 && ox < out->width && oy < out->height)
          *skc_image_pixel (out, ox, oy) += weight * *skc_image_pixel (k, i, j);
      }
}

skc_result
skc_engine_kernel_at (const skc_engine *e, int image_width, int image_height,
                      int x, int y, double map_value, skc_image *out,
                      skc_error *err)
{
  if (!e || !out || image_width < 1 || image_height < 1 || x < 0 || y < 0
      || x >= image_width || y >= image_height || !isfinite (map_value))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the point must lie in the image, the map value be "
                     "finite");
  /* Depth: the kernel of the layer the map value falls in. */
  if (e->layers)
    return skc_layers_kernel_at (e, image_width, image_height, x, y, map_value,
                                 out, err);
  /* Radius levels: the blend of its two levels' kernels. */
  if (e->levels)
    return skc_levels_kernel_at (e, image_width, image_height, x, y, map_value,
                                 out, err);
  int half = e->kernel_reach, side = 2 * half + 1;
  skc_result r = skc_image_alloc (out, side, side, 1);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory for a %dx%d kernel", side, side);
  /* The output window (clipped to the image) and the input it reads. */
  int ox0 = x - half > 0 ? x - half : 0, oy0 = y - half > 0 ? y - half : 0;
  int ox1 = x + half + 1 < image_width ? x + half + 1 : image_width;
  int oy1 = y + half + 1 < image_height ? y + half + 1 : image_height;
  int ix0 = ox0 - e->reach > 0 ? ox0 - e->reach : 0;
  int iy0 = oy0 - e->reach > 0 ? oy0 - e->reach : 0;
  int ix1 = ox1 + e->reach < image_width ? ox1 + e->reach : image_width;
  int iy1 = oy1 + e->reach < image_height ? oy1 + e->reach : image_height;
  int iw = ix1 - ix0, ih = iy1 - iy0, ow = ox1 - ox0, oh = oy1 - oy0;
  float *in = calloc ((size_t) iw * ih, sizeof *in);
  float *map = e->with_map ? malloc ((size_t) iw * ih * sizeof *map) : NULL;
  float *window = calloc ((size_t) ow * oh, sizeof *window);
  if (!in || !window || (e->with_map && !map))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY, "out of memory");
  if (r == SKC_OK)
    {
      in[(size_t) (y - iy0) * iw + (x - ix0)] = 1;
      for (size_t i = 0; map && i < (size_t) iw * ih; i++)
        map[i] = (float) map_value;
      skc_apply_request rq = {
        .image_width = image_width,
        .image_height = image_height,
        .channels = 1,
        .alpha = -1,
        .input = { in, (size_t) iw, ix0, iy0, iw, ih },
        .map = { map, (size_t) iw, ix0, iy0, iw, ih },
        .output = { window, (size_t) ow, ox0, oy0, ow, oh },
      };
      skc_engine quiet = *e;
      quiet.params.clip = 0;
      quiet.params.highlight_gain = 1;
      quiet.params.depth = SKC_DEPTH_NONE; /* a point has nothing to hide */
      quiet.subject = 0;                   /* the background's kernel */
      quiet.pool = NULL; /* its own working memory, freed here */
      r = skc_engine_process (&quiet, &rq, NULL, err);
      skc_worker_pool_free (quiet.pool);
    }
  for (int row = 0; r == SKC_OK && row < oh; row++)
    memcpy (skc_image_pixel (out, ox0 - (x - half), oy0 - (y - half) + row),
            window + (size_t) row * ow, (size_t) ow * sizeof *window);
  if (r != SKC_OK)
    skc_image_free (out);
  free (in);
  free (map);
  free (window);
  return r;
}

static int
contains (const skc_view *outer, const skc_view *inner)
{
  return inner->x >= outer->x && inner->y >= outer->y
         && inner->x + inner->width <= outer->x + outer->width
         && inner->y + inner->height <= outer->y + outer->height;
}

int
skc_engine_needs_whole_image (const skc_engine *e)
{
  /* Every engine runs on regions now, depth layers and subjects included:
     always 0, kept for the callers that still ask. */
  (void) e;
  return 0;
}

/* Whether process calls take a map: a blur map, or a subject's mask. */
static int
takes_map (const skc_engine *e)
{
  return e->with_map || e->subject;
}

/* Engines that work on views in memory (a subject, depth layers, radius
 * levels): the request as it is. */
static skc_result
process_views (const skc_engine *e, const skc_apply_request *rq,
               const skc_run *run, skc_error *err)
{
  /* Tiles read as far as the reach: the input must hold it. */
  const skc_view *in = &rq->input, *o = &rq->output;
  skc_rect need = skc_rect_grow (
      (skc_rect){ o->x, o->y, o->x + o->width, o->y + o->height }, e->reach,
      rq->image_width, rq->image_height);
  if (in->x > need.x0 || in->y > need.y0 || in->x + in->width < need.x1
      || in->y + in->height < need.y1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "%s reads %d px around the output: the input must cover "
                     "it (skc_engine_reach)",
                     e->subject  ? "a subject's blur"
                     : e->levels ? "a blur map on radius levels"
                                 : "depth-aware blur",
                     e->reach);
  if (e->subject)
    return skc_subject_process (e, rq, run, err);
  if (e->levels)
    return skc_levels_process (e, rq, run, err);
  return skc_layers_process (e, rq, run, err);
}

/* Output rows per band when such an engine is given pixels on demand: a
 * multiple of the layers' tiles, well above the reach, on a grid aligned
 * to the image origin, so that bands cost few margins and no tile twice. */
static int
view_band_rows (const skc_engine *e)
{
  int rows = 1024;
  while (rows < 4 * e->reach)
    rows *= 2;
  return rows;
}

/* A request with pixels on demand or straight colour, for an engine that
 * works on premultiplied views in memory: band by band, the input (and
 * its margins) read or copied and premultiplied, processed, and the output
 * divided back and handed over.  Results do not depend on the cut (the
 * engines' promise). */
static skc_result
process_through_views (const skc_engine *e, const skc_apply_request *rq,
                       const skc_run *run, skc_error *err)
{
  const int C = rq->channels;
  const skc_view *in = &rq->input, *o = &rq->output;
  const int straight = skc_request_straight (rq);
  const int band = view_band_rows (e);
  const int reach = e->reach;
  /* The most output rows a band has, and input rows with its margins: a
     region shorter than a band needs no more. */
  const int rows = band < o->height ? band : o->height;
  const int window
      = rows + 2 * reach < in->height ? rows + 2 * reach : in->height;
  const size_t in_row = (size_t) in->width * C, out_row = (size_t) o->width * C;
  /* The caller's views serve as they are where nothing needs changing. */
  const int copy_in = !in->pixels || straight,
            copy_out = !o->pixels || straight;
  float *in_pixels = copy_in ? malloc (in_row * window * sizeof (float)) : NULL;
  float *out_pixels
      = copy_out ? malloc (out_row * rows * sizeof (float)) : NULL;
  skc_result r = SKC_OK;
  if ((copy_in && !in_pixels) || (copy_out && !out_pixels))
    r = skc_fail (err, SKC_ERR_OUT_OF_MEMORY,
                  "out of memory for a %dx%d band of the image", in->width,
                  window);
  const int y_end = o->y + o->height;
  for (int y = o->y; r == SKC_OK && y < y_end;)
    {
      int next = (y / band + 1) * band;
      next = next < y_end ? next : y_end;
      int y0 = y - reach > in->y ? y - reach : in->y;
      int y1 = next + reach < in->y + in->height ? next + reach
                                                 : in->y + in->height;
      skc_apply_request part = *rq;
      part.straight_alpha = 0;
      part.input.y = y0;
      part.input.height = y1 - y0;
      const float *given
          = in->pixels ? in->pixels + (size_t) (y0 - in->y) * in->stride : NULL;
      if (!in_pixels)
        part.input.pixels = (float *) given;
      else
        {
          part.input.pixels = in_pixels;
          part.input.stride = in_row;
          if (given)
            for (int j = 0; j < y1 - y0; j++)
              memcpy (in_pixels + j * in_row, given + j * in->stride,
                      in_row * sizeof (float));
          else if (!rq->io.read (rq->io.data, in->x, y0, in->width, y1 - y0,
                                 in_pixels, in_row))
            r = skc_fail (err, SKC_ERR_IO,
                          "the image's pixels could not be read");
          if (straight)
            skc_premultiply (in_pixels, in->width * (y1 - y0), C, rq->alpha);
        }
      if (rq->map.pixels)
        {
          part.map.y = y0;
          part.map.height = y1 - y0;
          part.map.pixels
              = rq->map.pixels + (size_t) (y0 - rq->map.y) * rq->map.stride;
        }
      part.output.y = y;
      part.output.height = next - y;
      if (!out_pixels)
        part.output.pixels = o->pixels + (size_t) (y - o->y) * o->stride;
      else
        {
          part.output.pixels = out_pixels;
          part.output.stride = out_row;
        }
      if (r == SKC_OK)
        r = process_views (e, &part, run, err);
      if (r == SKC_OK && out_pixels)
        {
          if (straight)
            skc_unpremultiply (out_pixels, o->width * (next - y), C, rq->alpha);
          if (o->pixels)
            for (int j = 0; j < next - y; j++)
              memcpy (o->pixels + (size_t) (y - o->y + j) * o->stride,
                      out_pixels + j * out_row, out_row * sizeof (float));
          else if (!rq->io.write (rq->io.data, o->x, y, o->width, next - y,
                                  out_pixels, out_row))
            r = skc_fail (err, SKC_ERR_IO, "the result could not be written");
        }
      if (r == SKC_OK && run->progress
          && !run->progress (run->progress_data,
                             (double) (next - o->y) / o->height))
        r = skc_fail (err, SKC_ERR_CANCELLED, "cancelled");
      y = next;
    }
  free (in_pixels);
  free (out_pixels);
  return r;
}

skc_result
skc_engine_process (const skc_engine *e, const skc_apply_request *rq,
                    const skc_run *run, skc_error *err)
{
  if (!e || !rq)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no engine or request");
  if (rq->channels < 1 || rq->channels > 4 || rq->alpha >= rq->channels
      || rq->alpha < -1)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "1..4 channels with the alpha index among them");
  if (rq->output.width < 0 || rq->output.height < 0)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "negative output size");
  if (rq->output.width == 0 || rq->output.height == 0)
    return SKC_OK;
  skc_view image = { NULL, 0, 0, 0, rq->image_width, rq->image_height };
  /* Each side in memory or on demand. */
  int has_input
      = rq->input.pixels
            ? rq->input.stride >= (size_t) rq->input.width * rq->channels
            : rq->io.read != NULL;
  int has_output
      = rq->output.pixels
            ? rq->output.stride >= (size_t) rq->output.width * rq->channels
            : rq->io.write != NULL;
  if (!has_input || !has_output || rq->input.width < 1 || rq->input.height < 1
      || !contains (&image, &rq->input) || !contains (&image, &rq->output)
      || !contains (&rq->input, &rq->output))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the input must lie in the image and cover the output");
  if (takes_map (e)
      && (!rq->map.pixels || rq->map.x != rq->input.x
          || rq->map.y != rq->input.y || rq->map.width != rq->input.width
          || rq->map.height != rq->input.height
          || rq->map.stride < (size_t) rq->map.width))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the blur map must cover the input rectangle");
  skc_run defaults = { 0 };
  run = run ? run : &defaults;
  /* Views engines report no progress of their own: with a progress
     callback they run in bands too, on the caller's views as they are. */
  if (e->subject || e->levels
      || (e->with_map && e->params.depth != SKC_DEPTH_NONE))
    return rq->input.pixels && rq->output.pixels && !skc_request_straight (rq)
                   && !run->progress
               ? process_views (e, rq, run, err)
               : process_through_views (e, rq, run, err);
  return skc_engine_run (e, rq, run, err);
}

skc_result
skc_apply_image (const skc_engine *e, const skc_image *in, int alpha,
                 const skc_image *map, const skc_run *run, skc_image *out,
                 skc_error *err)
{
  if (!in || !in->data)
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT, "no input image");
  if (takes_map (e)
      && (!map || !map->data || map->channels != 1 || map->width != in->width
          || map->height != in->height))
    return skc_fail (err, SKC_ERR_INVALID_ARGUMENT,
                     "the %s must be one channel of the image's size "
                     "(%dx%d)",
                     e->subject ? "subject's mask" : "blur map", in->width,
                     in->height);
  skc_result r = skc_image_alloc (out, in->width, in->height, in->channels);
  if (r != SKC_OK)
    return skc_fail (err, r, "out of memory for a %dx%d result", in->width,
                     in->height);
  skc_apply_request rq = {
    .image_width = in->width,
    .image_height = in->height,
    .channels = in->channels,
    .alpha = alpha,
    .input = { in->data, in->stride, 0, 0, in->width, in->height },
    .output = { out->data, out->stride, 0, 0, in->width, in->height },
  };
  if (map && map->data)
    rq.map
        = (skc_view){ map->data, map->stride, 0, 0, map->width, map->height };
  r = skc_engine_process (e, &rq, run, err);
  if (r != SKC_OK)
    skc_image_free (out);
  return r;
}
