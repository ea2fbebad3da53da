/* skc tests — the GEGL operation skc:lens-blur through the GEGL API: equal
 * to the core's apply path (uniform, blur map, kernel files, offset
 * extents); identical whole or in chunks and on 1 or N threads, and
 * region by region for both ops with and without a map (and depth), also
 * at GEGL's mipmap levels 1 and 2 (and near a downscaled full render); every
 * property at its range ends; errors warn and pass the input through; the
 * golden compositions.  `test-gegl-op --compare A B TOL` compares two image
 * files for the shell test.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gegl.h>
#include <glib/gstdio.h>

#include "check.h"
#include "gegl-bridge.h"
#include "shape-data.h"
#include "skc/skc.h"

#define OP "skc:lens-blur"
#define BOKEH_OP "skc:bokeh-blur"
#define RGBA "RaGaBaA float"

/* The test image: smooth colours, a few bright spots and alpha that varies
 * (premultiplied, so colour never exceeds alpha), with its extent at
 * (x0, y0). */
static GeglBuffer *
make_input (int x0, int y0, int width, int height)
{
  GeglRectangle extent = { x0, y0, width, height };
  GeglBuffer *buffer = gegl_buffer_new (&extent, babl_format (RGBA));
  float *pixels = g_new (float, (gsize) width *height * 4);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      {
        float *p = pixels + ((gsize) y * width + x) * 4;
        float a = 0.35f + 0.65f * (float) ((x * 7 + y * 3) % 23) / 22.0f;
        int spot = (x % 13 == 6 && y % 11 == 5);
        p[0] = a * (spot ? 1.0f : 0.5f + 0.4f * sinf (x * 0.31f));
        p[1] = a * (spot ? 1.0f : 0.5f + 0.4f * cosf (y * 0.23f + x * 0.05f));
        p[2] = a * (spot ? 0.9f : (float) ((x ^ y) & 15) / 15.0f);
        p[3] = a;
      }
  gegl_buffer_set (buffer, &extent, 0, babl_format (RGBA), pixels,
                   GEGL_AUTO_ROWSTRIDE);
  g_free (pixels);
  return buffer;
}

/* A blur map (Y') covering `extent`, which may be smaller than the image. */
static GeglBuffer *
make_map (int x0, int y0, int width, int height)
{
  GeglRectangle extent = { x0, y0, width, height };
  GeglBuffer *buffer = gegl_buffer_new (&extent, babl_format ("Y' float"));
  float *values = g_new (float, (gsize) width *height);
  for (int y = 0; y < height; y++)
    for (int x = 0; x < width; x++)
      values[(gsize) y * width + x]
          = (float) x / (width - 1) * 0.8f + 0.2f * (float) ((y / 4) % 2);
  gegl_buffer_set (buffer, &extent, 0, babl_format ("Y' float"), values,
                   GEGL_AUTO_ROWSTRIDE);
  g_free (values);
  return buffer;
}

/* buffer-source(s) -> skc:lens-blur in `graph`; returns the op node. */
static GeglNode *
lens_node (GeglNode *graph, GeglBuffer *input, GeglBuffer *map)
{
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", input, NULL);
  GeglNode *op = gegl_node_new_child (graph, "operation", OP, NULL);
  gegl_node_connect_to (source, "output", op, "input");
  if (map)
    {
      GeglNode *map_source = gegl_node_new_child (
          graph, "operation", "gegl:buffer-source", "buffer", map, NULL);
      gegl_node_connect_to (map_source, "output", op, "aux");
    }
  return op;
}

/* Sets an enum property by its nick ("heart", "high"). */
static void
set_enum (GeglNode *op, const char *name, const char *nick)
{
  GParamSpec *spec = gegl_operation_find_property (OP, name);
  GEnumValue *value
      = g_enum_get_value_by_nick (G_PARAM_SPEC_ENUM (spec)->enum_class, nick);
  g_assert (value);
  gegl_node_set (op, name, value->value, NULL);
}

static float *
blit (GeglNode *node, const GeglRectangle *rect)
{
  float *pixels = g_new0 (float, (gsize) rect->width * rect->height * 4);
  gegl_node_blit (node, 1.0, rect, babl_format (RGBA), pixels,
                  GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
  return pixels;
}

/* Renders the op on `input` (and `map`) over the input's extent.  shape
 * and quality are enum nicks or NULL for the defaults; the remaining
 * arguments are property name/value pairs for gegl_node_set. */
static float *
render (GeglBuffer *input, GeglBuffer *map, const char *shape,
        const char *quality, const char *first_property, ...)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *op = lens_node (graph, input, map);
  if (shape)
    set_enum (op, "shape", shape);
  if (quality)
    set_enum (op, "quality", quality);
  if (first_property)
    {
      va_list args;
      va_start (args, first_property);
      gegl_node_set_valist (op, first_property, args);
      va_end (args);
    }
  float *pixels = blit (op, gegl_buffer_get_extent (input));
  g_object_unref (graph);
  return pixels;
}

/* Renders skc:bokeh-blur on `input` over its extent; the arguments are
 * property name/value pairs for the op, NULL-terminated. */
static float *
render_bokeh (GeglBuffer *input, const char *first_property, ...)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", input, NULL);
  GeglNode *op = gegl_node_new_child (graph, "operation", BOKEH_OP, NULL);
  va_list args;
  va_start (args, first_property);
  gegl_node_set_valist (op, first_property, args);
  va_end (args);
  gegl_node_connect_to (source, "output", op, "input");
  float *pixels = blit (op, gegl_buffer_get_extent (input));
  g_object_unref (graph);
  return pixels;
}

/* The core's own path on the same pixels: skc_apply_image with alpha 3, the
 * map read like the op reads aux (0 outside the map). */
static float *
core_render (const skc_params *params, GeglBuffer *input, GeglBuffer *map,
             int map_linear)
{
  const GeglRectangle *extent = gegl_buffer_get_extent (input);
  skc_image image = { 0 }, map_image = { 0 }, out = { 0 };
  skc_engine *engine = NULL;
  skc_error err;
  float *result = NULL;
  skc_image_alloc (&image, extent->width, extent->height, 4);
  gegl_buffer_get (input, extent, 1.0, babl_format (RGBA), image.data,
                   GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
  if (map)
    {
      skc_image_alloc (&map_image, extent->width, extent->height, 1);
      gegl_buffer_get (map, extent, 1.0,
                       babl_format (map_linear ? "Y float" : "Y' float"),
                       map_image.data, GEGL_AUTO_ROWSTRIDE, GEGL_ABYSS_NONE);
    }
  /* An 8-bit map's codes, as the op tells them to its engine. */
  float codes[256];
  int count = map ? skc_gegl_map_codes (
                  gegl_buffer_get_format (map),
                  babl_format (map_linear ? "Y float" : "Y' float"), codes)
                  : 0;
  if (!CHECK ((map ? skc_engine_new_for_map (params, codes, count, NULL,
                                             &engine, &err)
                   : skc_engine_new (params, 0, NULL, &engine, &err))
              == SKC_OK))
    fprintf (stderr, "     %s\n", err.message);
  else if (CHECK (skc_apply_image (engine, &image, 3, map ? &map_image : NULL,
                                   NULL, &out, &err)
                  == SKC_OK))
    {
      result = g_memdup2 (out.data,
                          (gsize) out.width * out.height * 4 * sizeof (float));
      skc_image_free (&out);
    }
  skc_engine_free (engine);
  skc_image_free (&image);
  skc_image_free (&map_image);
  return result;
}

static double
max_difference (const float *a, const float *b, gsize count)
{
  double worst = 0;
  for (gsize i = 0; i < count; i++)
    {
      double d = fabs ((double) a[i] - b[i]);
      if (!(d <= worst))
        worst = isnan (d) ? INFINITY : d;
    }
  return worst;
}

static int
all_finite (const float *p, gsize count)
{
  for (gsize i = 0; i < count; i++)
    if (!isfinite (p[i]))
      return 0;
  return 1;
}

static gsize
floats_of (GeglBuffer *buffer)
{
  return (gsize) gegl_buffer_get_width (buffer)
         * gegl_buffer_get_height (buffer) * 4;
}

static void
test_registered (void)
{
  CHECK (gegl_has_operation (OP));
  guint n = 0;
  GParamSpec **specs = gegl_operation_list_properties (OP, &n);
  const char *expected[] = { "shape",
                             "blades",
                             "rotation",
                             "curvature",
                             "points",
                             "inner",
                             "sigma",
                             "kernel-file",
                             "shape-data",
                             "filter-data",
                             "radius",
                             "quality",
                             "focus",
                             "invert-map",
                             "map-gamma",
                             "map-linear",
                             "swirl",
                             "cat-eye",
                             "highlight-threshold",
                             "highlight-gain",
                             "clip",
                             "preset",
                             "depth" };
  CHECK_EQ_INT (n, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    CHECK_MSG (gegl_operation_find_property (OP, expected[i]) != NULL,
               "no property %s", expected[i]);
  g_free (specs);
  GParamSpec *radius = gegl_operation_find_property (OP, "radius");
  CHECK_NEAR (G_PARAM_SPEC_DOUBLE (radius)->default_value, 20, 0);
  CHECK_NEAR (G_PARAM_SPEC_DOUBLE (radius)->maximum, 1000, 0);
  CHECK (g_strcmp0 (gegl_param_spec_get_property_key (radius, "unit"),
                    "pixel-distance")
         == 0);
}

/* The chants are generated from the parameter table: every row but the
 * fit seed (and, without a map, the map's rows) is a property with the
 * row's range, default and enum names. */
static void
test_properties_match_table (const char *op, int with_map)
{
  const skc_param_info *table = skc_param_table ();
  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    {
      const skc_param_info *row = &table[i];
      GParamSpec *spec = gegl_operation_find_property (op, row->name);
      if (row->group == SKC_PARAM_GROUP_FIT
          || (!with_map && row->group == SKC_PARAM_GROUP_MAP))
        {
          CHECK_MSG (spec == NULL, "%s: %s is a property", op, row->name);
          continue;
        }
      CHECK_MSG (spec != NULL, "%s: no property %s", op, row->name);
      if (!spec)
        continue;
      if (G_IS_PARAM_SPEC_DOUBLE (spec))
        {
          GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE (spec);
          CHECK_MSG (row->type == SKC_PARAM_TYPE_NUMBER
                         && d->minimum == row->min && d->maximum == row->max
                         && d->default_value == row->default_value,
                     "%s: %g..%g default %g", row->name, d->minimum, d->maximum,
                     d->default_value);
        }
      else if (G_IS_PARAM_SPEC_INT (spec))
        {
          GParamSpecInt *n = G_PARAM_SPEC_INT (spec);
          CHECK_MSG (row->type == SKC_PARAM_TYPE_WHOLE && n->minimum == row->min
                         && n->maximum == row->max
                         && n->default_value == row->default_value,
                     "%s: %d..%d default %d", row->name, n->minimum, n->maximum,
                     n->default_value);
        }
      else if (G_IS_PARAM_SPEC_BOOLEAN (spec))
        CHECK_MSG (row->type == SKC_PARAM_TYPE_BOOL
                       && G_PARAM_SPEC_BOOLEAN (spec)->default_value
                              == (row->default_value != 0),
                   "%s: boolean default", row->name);
      else if (G_IS_PARAM_SPEC_ENUM (spec))
        {
          GEnumClass *e = G_PARAM_SPEC_ENUM (spec)->enum_class;
          /* Named choices (quality, depth) or the shape. */
          int choices = skc_param_choice_count (row);
          CHECK_MSG (choices > 0 || row->type == SKC_PARAM_TYPE_SHAPE,
                     "%s: an enum", row->name);
          CHECK_EQ_INT (G_PARAM_SPEC_ENUM (spec)->default_value,
                        (int) row->default_value);
          for (guint v = 0; v < e->n_values; v++)
            CHECK_MSG (g_strcmp0 (e->values[v].value_nick,
                                  choices ? skc_param_choice_name (
                                      row, e->values[v].value)
                                          : skc_shape_name (e->values[v].value))
                           == 0,
                       "%s: value %d is '%s'", row->name, e->values[v].value,
                       e->values[v].value_nick);
          CHECK_EQ_INT (e->n_values, choices ? choices : SKC_SHAPE_FILE);
        }
      else
        CHECK_MSG (0, "%s: unexpected property type", row->name);
      /* Shape keys show only for their shapes. */
      const gchar *visible = gegl_param_spec_get_property_key (spec, "visible");
      if (row->shapes[0])
        CHECK_MSG (visible && strstr (visible, row->shapes), "%s: visible '%s'",
                   row->name, visible ? visible : "");
      else
        CHECK_MSG (!visible || !visible[0], "%s: visible '%s'", row->name,
                   visible);
    }
}

/* Compares op output with the core's on the same pixels (1e-5); frees op. */
static void
check_core (const char *what, float *op, const skc_params *params,
            GeglBuffer *input, GeglBuffer *map, int map_linear)
{
  float *core = core_render (params, input, map, map_linear);
  if (core)
    {
      double d = max_difference (op, core, floats_of (input));
      CHECK_MSG (d <= 1e-5, "%s: differs from the core by %g", what, d);
    }
  g_free (op);
  g_free (core);
}

/* An 8-bit grey map holds its 256 codes' values (the op fits a table at
 * each one's radius): grey formats and grey RGB say so, float and 16-bit
 * ones do not; the op on such a map equals the core told the same
 * codes. */
static void
test_map_codes (void)
{
  float codes[256];
  const Babl *read = babl_format ("Y' float");
  CHECK_EQ_INT (skc_gegl_map_codes (babl_format ("Y' u8"), read, codes), 256);
  double worst = 0;
  for (int k = 0; k < 256; k++)
    worst = fmax (worst, fabs (codes[k] - k / 255.0));
  CHECK_MSG (worst < 1e-7, "Y' u8 codes off by %g", worst);
  CHECK_EQ_INT (skc_gegl_map_codes (babl_format ("R'G'B'A u8"), read, codes),
                256);
  CHECK_NEAR (codes[128], 128 / 255.0, 1e-5);
  CHECK_EQ_INT (skc_gegl_map_codes (babl_format ("Y' float"), read, codes), 0);
  CHECK_EQ_INT (skc_gegl_map_codes (babl_format ("Y' u16"), read, codes), 0);
  CHECK_EQ_INT (skc_gegl_map_codes (NULL, read, codes), 0);

  GeglBuffer *input = make_input (0, 0, 160, 120);
  GeglBuffer *wide = make_map (0, 0, 160, 120);
  GeglBuffer *map
      = gegl_buffer_new (gegl_buffer_get_extent (wide), babl_format ("Y' u8"));
  gegl_buffer_copy (wide, NULL, GEGL_ABYSS_NONE, map, NULL);
  skc_params p;
  skc_params_init (&p);
  p.radius = 40;
  p.shape.kind = SKC_SHAPE_HEART;
  float *op = render (input, map, "heart", NULL, "radius", 40.0, NULL);
  check_core ("8-bit map", op, &p, input, map, 0);
  g_object_unref (wide);
  g_object_unref (map);
  g_object_unref (input);
}

/* (1) and (3): the op equals the core on the same pixels, uniform and with
 * a blur map, for every parameter away from its default somewhere. */
static void
test_equals_core (void)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  GeglBuffer *map = make_map (0, 0, 64, 48);
  skc_params p;

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_HEART;
  p.radius = 8;
  check_core ("heart", render (input, NULL, "heart", NULL, "radius", 8.0, NULL),
              &p, input, NULL, 0);
  /* A straight-colour source ("RGBA float", as GIMP's linear float layers
     are) is blurred in its own format, premultiplied by the core. */
  GeglBuffer *straight = gegl_buffer_new (gegl_buffer_get_extent (input),
                                          babl_format ("RGBA float"));
  gegl_buffer_copy (input, NULL, GEGL_ABYSS_NONE, straight, NULL);
  check_core ("heart, straight source",
              render (straight, NULL, "heart", NULL, "radius", 8.0, NULL), &p,
              input, NULL, 0);
  p.depth = SKC_DEPTH_WHITE_NEAR;
  p.focus = 0.5;
  check_core ("heart, straight source, depth",
              render (straight, map, "heart", NULL, "radius", 8.0, "depth",
                      (int) SKC_DEPTH_WHITE_NEAR, "focus", 0.5, NULL),
              &p, input, map, 0);
  g_object_unref (straight);

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_POLYGON;
  p.shape.blades = 7;
  p.shape.rotation = 15;
  p.shape.curvature = 0.3;
  p.radius = 7;
  p.focus = 0.25;
  p.invert_map = 1;
  p.map_gamma = 1.7;
  p.highlight_threshold = 0.8;
  p.highlight_gain = 4;
  check_core ("polygon with a map",
              render (input, map, "polygon", NULL, "blades", 7, "rotation",
                      15.0, "curvature", 0.3, "radius", 7.0, "focus", 0.25,
                      "invert-map", TRUE, "map-gamma", 1.7,
                      "highlight-threshold", 0.8, "highlight-gain", 4.0, NULL),
              &p, input, map, 0);

  skc_params_init (&p);
  p.radius = 6;
  p.focus = 0.5;
  check_core ("map-linear",
              render (input, map, NULL, NULL, "radius", 6.0, "focus", 0.5,
                      "map-linear", TRUE, NULL),
              &p, input, map, 1);

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_STAR;
  p.shape.points = 6;
  p.shape.inner = 0.5;
  p.radius = 6;
  p.swirl = 0.8;
  p.clip = 0;
  p.quality = SKC_QUALITY_DRAFT;
  check_core ("star, swirl, unclipped, draft",
              render (input, NULL, "star", "draft", "points", 6, "inner", 0.5,
                      "radius", 6.0, "swirl", 0.8, "clip", FALSE, NULL),
              &p, input, NULL, 0);

  skc_params_init (&p);
  p.radius = 7;
  p.cat_eye = 0.9;
  p.focus = 0.1;
  check_core ("cat-eye with a map",
              render (input, map, NULL, NULL, "radius", 7.0, "cat-eye", 0.9,
                      "focus", 0.1, NULL),
              &p, input, map, 0);

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_RING;
  p.shape.inner = 0.6;
  p.radius = 5;
  p.quality = SKC_QUALITY_HIGH;
  check_core (
      "ring, high",
      render (input, NULL, "ring", "high", "inner", 0.6, "radius", 5.0, NULL),
      &p, input, NULL, 0);

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_GAUSSIAN;
  p.shape.sigma = 0.5;
  p.radius = 6;
  check_core (
      "gaussian with a map",
      render (input, map, "gaussian", NULL, "sigma", 0.5, "radius", 6.0, NULL),
      &p, input, map, 0);

  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_COMA;
  p.shape.rotation = 90;
  p.radius = 6;
  check_core (
      "coma",
      render (input, NULL, "coma", NULL, "rotation", 90.0, "radius", 6.0, NULL),
      &p, input, NULL, 0);

  skc_params_init (&p);
  p.radius = 0;
  check_core ("radius 0", render (input, NULL, NULL, NULL, "radius", 0.0, NULL),
              &p, input, NULL, 0);
  g_object_unref (input);
  g_object_unref (map);

  /* An extent away from the origin and a map smaller than the image (0
     outside it). */
  input = make_input (5, -3, 64, 48);
  map = make_map (9, 1, 40, 30);
  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_HEART;
  p.radius = 6;
  p.focus = 0.1;
  check_core (
      "offset extent, small map",
      render (input, map, "heart", NULL, "radius", 6.0, "focus", 0.1, NULL), &p,
      input, map, 0);
  g_object_unref (input);
  g_object_unref (map);

  /* Depth (occlusion). */
  input = make_input (0, 0, 64, 48);
  map = make_map (0, 0, 64, 48);
  skc_params_init (&p);
  p.radius = 6;
  p.focus = 0.2;
  p.depth = SKC_DEPTH_WHITE_NEAR;
  check_core ("depth, white near",
              render (input, map, NULL, NULL, "radius", 6.0, "focus", 0.2,
                      "depth", (int) SKC_DEPTH_WHITE_NEAR, NULL),
              &p, input, map, 0);
  /* A subject from a mask: the map on the aux pad is its coverage. */
  p.depth = SKC_DEPTH_SUBJECT;
  check_core ("depth, subject",
              render (input, map, NULL, NULL, "radius", 6.0, "depth",
                      (int) SKC_DEPTH_SUBJECT, NULL),
              &p, input, map, 0);
  g_object_unref (input);
  g_object_unref (map);

  /* Taller than the op's bands (1024 rows at small radii): several engine
     calls sharing their margins. */
  input = make_input (0, 7, 24, 2600);
  map = make_map (0, 0, 24, 2700);
  skc_params_init (&p);
  p.shape.kind = SKC_SHAPE_HEART;
  p.radius = 6;
  check_core ("several bands",
              render (input, NULL, "heart", NULL, "radius", 6.0, NULL), &p,
              input, NULL, 0);
  p.focus = 0.3;
  check_core (
      "several bands with a map",
      render (input, map, "heart", NULL, "radius", 6.0, "focus", 0.3, NULL), &p,
      input, map, 0);
  g_object_unref (input);
  g_object_unref (map);
}

/* The engine follows property changes and a newly connected aux. */
static void
test_rebuild (void)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  GeglBuffer *map = make_map (0, 0, 64, 48);
  GeglNode *graph = gegl_node_new ();
  GeglNode *op = lens_node (graph, input, NULL);
  skc_params p;
  skc_params_init (&p);

  gegl_node_set (op, "radius", 6.0, NULL);
  p.radius = 6;
  check_core ("radius 6", blit (op, gegl_buffer_get_extent (input)), &p, input,
              NULL, 0);
  gegl_node_set (op, "radius", 4.0, NULL);
  p.radius = 4;
  check_core ("then radius 4", blit (op, gegl_buffer_get_extent (input)), &p,
              input, NULL, 0);
  GeglNode *map_source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", map, NULL);
  gegl_node_connect_to (map_source, "output", op, "aux");
  check_core ("then a map", blit (op, gegl_buffer_get_extent (input)), &p,
              input, map, 0);
  g_object_unref (graph);
  g_object_unref (input);
  g_object_unref (map);
}

static void
count_warning (const gchar *domain, GLogLevelFlags level, const gchar *message,
               gpointer user_data)
{
  int *count = user_data;
  (*count)++;
  printf ("(expected) %s-WARNING: %s\n", domain, message);
}

/* Loads an image file through GEGL as floats in `format`, or NULL. */
static float *
load_image (const char *path, const char *format, int channels, int *width,
            int *height)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *load = gegl_node_new_child (graph, "operation", "gegl:load", "path",
                                        path, NULL);
  GeglRectangle box = gegl_node_get_bounding_box (load);
  float *pixels = NULL;
  if (box.width > 0 && box.height > 0)
    {
      pixels = g_new0 (float, (gsize) box.width *box.height *channels);
      gegl_node_blit (load, 1.0, &box, babl_format (format), pixels,
                      GEGL_AUTO_ROWSTRIDE, GEGL_BLIT_DEFAULT);
    }
  *width = box.width;
  *height = box.height;
  g_object_unref (graph);
  return pixels;
}

/* Renders the op on input with one property set to a value. */
typedef float *(*RenderWith) (GeglBuffer *input, const char *value);

/* Each bad value of a property warns once and leaves the input as it
 * was. */
static void
check_bad_values (const char *property, GeglBuffer *input,
                  const char *const *bad, gsize count, RenderWith render_with)
{
  gsize n = floats_of (input);
  float *original = g_new (float, n);
  gegl_buffer_get (input, gegl_buffer_get_extent (input), 1.0,
                   babl_format (RGBA), original, GEGL_AUTO_ROWSTRIDE,
                   GEGL_ABYSS_NONE);
  int warnings = 0;
  guint handler = g_log_set_handler ("skc", G_LOG_LEVEL_WARNING, count_warning,
                                     &warnings);
  for (gsize i = 0; i < count; i++)
    {
      int before = warnings;
      float *out = render_with (input, bad[i]);
      CHECK_MSG (warnings == before + 1, "%s %s: %d warnings", property, bad[i],
                 warnings - before);
      CHECK_MSG (max_difference (out, original, n) == 0,
                 "%s %s: the output is not the input", property, bad[i]);
      g_free (out);
    }
  g_log_remove_handler ("skc", handler);
  g_free (original);
}

static float *
render_kernel_file (GeglBuffer *input, const char *path)
{
  return render (input, NULL, NULL, NULL, "kernel-file", path, "radius", 6.0,
                 NULL);
}

/* A 21x21 PNG whose alpha is a triangle (and whose colour is noise, which
 * must not matter): the weights of a kernel-file image with alpha. */
static void
write_triangle_png (const char *path)
{
  GeglRectangle extent = { 0, 0, 21, 21 };
  float pixels[21 * 21 * 4];
  for (int y = 0; y < 21; y++)
    for (int x = 0; x < 21; x++)
      {
        float *p = pixels + (y * 21 + x) * 4;
        p[0] = (float) ((x * 5 + y * 3) % 7) / 6.0f;
        p[1] = 0.5f;
        p[2] = (float) (x % 2);
        p[3] = abs (x - 10) <= y / 2 ? 1.0f : 0.0f;
      }
  const Babl *format = babl_format ("R'G'B'A float");
  GeglBuffer *buffer = gegl_buffer_new (&extent, format);
  gegl_buffer_set (buffer, &extent, 0, format, pixels, GEGL_AUTO_ROWSTRIDE);
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", buffer, NULL);
  GeglNode *save = gegl_node_new_child (graph, "operation", "gegl:png-save",
                                        "path", path, "bitdepth", 8, NULL);
  gegl_node_link (source, save);
  gegl_node_process (save);
  g_object_unref (graph);
  g_object_unref (buffer);
}

/* A quick fit of a small heart (radius 5), saved as a .skc file. */
static void
save_quick_heart (const char *path)
{
  skc_shape heart;
  skc_image target = { 0 };
  skc_filter *fitted = NULL;
  skc_fit_options options;
  skc_error err;
  skc_shape_init (&heart);
  heart.kind = SKC_SHAPE_HEART;
  skc_fit_options_init (&options);
  options.preview = 1;
  options.threads = 1;
  CHECK (skc_shape_render (&heart, 5, 0, &target, &err) == SKC_OK);
  CHECK (skc_fit (&target, &options, &fitted, NULL, &err) == SKC_OK);
  CHECK (fitted && skc_filter_save (fitted, path, &err) == SKC_OK);
  skc_filter_free (fitted);
  skc_image_free (&target);
}

/* Kernel files replace the shape: a fitted .skc, a PGM read by the core,
 * a PNG's alpha through GEGL; and (5) unreadable ones warn and pass the
 * input through unchanged. */
static void
test_kernel_files (const char *data_dir)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  gchar *dir = g_dir_make_tmp ("skc-gegl-XXXXXX", NULL);
  gchar *skc_path = g_build_filename (dir, "heart.skc", NULL);
  gchar *png_path = g_build_filename (dir, "triangle.png", NULL);
  gchar *pgm_path
      = g_build_filename (data_dir, "kernels", "ampersand-392.pgm", NULL);
  skc_params p;
  skc_error err;

  skc_filter *loaded = NULL;
  save_quick_heart (skc_path);
  CHECK (skc_filter_load (skc_path, &loaded, &err) == SKC_OK);
  skc_params_init (&p);
  p.filter = loaded;
  check_core (".skc kernel file",
              render (input, NULL, NULL, NULL, "kernel-file", skc_path,
                      "radius", 5.0, NULL),
              &p, input, NULL, 0);
  skc_filter_free (loaded);

  /* A PGM: the core reads its grey values as the weights. */
  skc_image weights = { 0 };
  CHECK (skc_pnm_read (pgm_path, &weights, &err) == SKC_OK);
  skc_params_init (&p);
  p.shape_image = &weights;
  p.radius = 6;
  check_core ("PGM kernel file",
              render (input, NULL, NULL, NULL, "kernel-file", pgm_path,
                      "radius", 6.0, NULL),
              &p, input, NULL, 0);
  skc_image_free (&weights);

  /* A PNG with alpha: its alpha is the weight, its colour is ignored. */
  write_triangle_png (png_path);
  int w = 0, h = 0;
  float *grey_alpha = load_image (png_path, "YA float", 2, &w, &h);
  float alpha[21 * 21];
  CHECK (grey_alpha && w == 21 && h == 21);
  if (grey_alpha && w == 21 && h == 21)
    {
      for (int i = 0; i < 21 * 21; i++)
        alpha[i] = grey_alpha[2 * i + 1];
      skc_image triangle = { w, h, 1, (size_t) w, alpha };
      skc_params_init (&p);
      p.shape_image = &triangle;
      p.radius = 6;
      check_core ("PNG kernel file with alpha",
                  render (input, NULL, NULL, NULL, "kernel-file", png_path,
                          "radius", 6.0, NULL),
                  &p, input, NULL, 0);
    }
  g_free (grey_alpha);

  /* (5) Errors: one warning each, and the input unchanged. */
  gchar *junk_skc = g_build_filename (dir, "junk.skc", NULL);
  gchar *text_png = g_build_filename (dir, "text.png", NULL);
  gchar *missing = g_build_filename (dir, "missing.png", NULL);
  g_file_set_contents (junk_skc, "not a filter\n", -1, NULL);
  g_file_set_contents (text_png, "hello, I am no image\n", -1, NULL);
  const char *bad[] = { missing, junk_skc, text_png, dir };
  check_bad_values ("kernel-file", input, bad, G_N_ELEMENTS (bad),
                    render_kernel_file);

  g_remove (junk_skc);
  g_remove (text_png);
  g_remove (png_path);
  g_remove (skc_path);
  g_rmdir (dir);
  g_free (junk_skc);
  g_free (text_png);
  g_free (missing);
  g_free (skc_path);
  g_free (png_path);
  g_free (pgm_path);
  g_free (dir);
  g_object_unref (input);
}

/* Renders `node` in pieces of at most piece_w x piece_h, each from a
 * fresh graph when `build` is given (no shared cache), into one array, at
 * GEGL's mipmap `level` (whole and the pieces in that level's pixels). */
static float *
blit_pieces_at (GeglNode *node, GeglNode *(*build) (void *), void *user,
                const GeglRectangle *whole, int piece_w, int piece_h, int level)
{
  float *all = g_new0 (float, (gsize) whole->width * whole->height * 4);
  for (int y = 0; y < whole->height; y += piece_h)
    for (int x = 0; x < whole->width; x += piece_w)
      {
        GeglRectangle piece
            = { whole->x + x, whole->y + y, MIN (piece_w, whole->width - x),
                MIN (piece_h, whole->height - y) };
        GeglNode *graph = build ? build (user) : NULL;
        GeglNode *target
            = graph ? gegl_node_get_output_proxy (graph, "output") : node;
        gegl_node_blit (target, 1.0 / (1 << level), &piece, babl_format (RGBA),
                        all + ((gsize) y * whole->width + x) * 4,
                        whole->width * 4 * sizeof (float), GEGL_BLIT_DEFAULT);
        if (graph)
          g_object_unref (graph);
      }
  return all;
}

static float *
blit_in_pieces (GeglNode *node, GeglNode *(*build) (void *), void *user,
                const GeglRectangle *whole, int piece_w, int piece_h)
{
  return blit_pieces_at (node, build, user, whole, piece_w, piece_h, 0);
}

typedef struct
{
  GeglBuffer *input, *map;
} sources;

/* A graph whose output proxy is a heart blur with a map (for pieces). */
static GeglNode *
build_heart_graph (void *user)
{
  sources *s = user;
  GeglNode *graph = gegl_node_new ();
  GeglNode *op = lens_node (graph, s->input, s->map);
  set_enum (op, "shape", "heart");
  gegl_node_set (op, "radius", 9.0, "focus", 0.3, "swirl", 0.5, NULL);
  gegl_node_link (op, gegl_node_get_output_proxy (graph, "output"));
  return graph;
}

/* A checkerboard has an infinite extent: the op then processes the regions
 * GEGL asks for, each with its margin. */
static GeglNode *
build_infinite_graph (void *user)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *board = gegl_node_new_child (
      graph, "operation", "gegl:checkerboard", "x", 5, "y", 3, NULL);
  GeglNode *op
      = gegl_node_new_child (graph, "operation", OP, "radius", 5.0, NULL);
  set_enum (op, "shape", "star");
  gegl_node_link_many (board, op, gegl_node_get_output_proxy (graph, "output"),
                       NULL);
  return graph;
}

/* (2): identical results whole or in chunks, on 1 or N threads. */
static void
test_chunks_and_threads (void)
{
  sources s = { make_input (3, 2, 64, 48), make_map (0, 0, 70, 50) };
  GeglRectangle whole = *gegl_buffer_get_extent (s.input);
  gsize n = floats_of (s.input);
  gint threads = 1;
  g_object_get (gegl_config (), "threads", &threads, NULL);

  g_object_set (gegl_config (), "threads", 1, NULL);
  GeglNode *graph = build_heart_graph (&s);
  float *one = blit (gegl_node_get_output_proxy (graph, "output"), &whole);
  g_object_unref (graph);
  CHECK (all_finite (one, n));

  int counts[] = { 2, 4 };
  for (gsize i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_object_set (gegl_config (), "threads", counts[i], NULL);
      graph = build_heart_graph (&s);
      float *many = blit (gegl_node_get_output_proxy (graph, "output"), &whole);
      CHECK_MSG (max_difference (one, many, n) == 0,
                 "%d threads differ from 1 by %g", counts[i],
                 max_difference (one, many, n));
      g_free (many);

      /* Pieces from one graph (GEGL's cache of the node in play) ... */
      float *pieces
          = blit_in_pieces (gegl_node_get_output_proxy (graph, "output"), NULL,
                            NULL, &whole, 17, 13);
      CHECK_MSG (max_difference (one, pieces, n) == 0,
                 "pieces of one graph differ by %g",
                 max_difference (one, pieces, n));
      g_free (pieces);
      g_object_unref (graph);

      /* ... and each from a graph of its own. */
      pieces = blit_in_pieces (NULL, build_heart_graph, &s, &whole, 23, 19);
      CHECK_MSG (max_difference (one, pieces, n) == 0,
                 "pieces of fresh graphs differ by %g",
                 max_difference (one, pieces, n));
      g_free (pieces);
    }
  g_free (one);

  /* An infinite input: regions of a requested rectangle. */
  GeglRectangle area = { -10, -7, 64, 48 };
  g_object_set (gegl_config (), "threads", 1, NULL);
  graph = build_infinite_graph (NULL);
  float *board = blit (gegl_node_get_output_proxy (graph, "output"), &area);
  g_object_unref (graph);
  CHECK (all_finite (board, n));
  g_object_set (gegl_config (), "threads", 2, NULL);
  float *pieces
      = blit_in_pieces (NULL, build_infinite_graph, NULL, &area, 20, 16);
  CHECK_MSG (max_difference (board, pieces, n) == 0,
             "infinite input: pieces differ by %g",
             max_difference (board, pieces, n));
  g_free (board);
  g_free (pieces);

  g_object_set (gegl_config (), "threads", threads, NULL);
  g_object_unref (s.input);
  g_object_unref (s.map);
}

/* What build_region_graph makes: which op, its radius, its sources. */
typedef struct
{
  const char *op;
  double radius;
  GeglBuffer *input, *map; /* map NULL: none connected */
  int depth;               /* skc_depth_order, with a map */
  gboolean direct;         /* the buffer-source straight into the op */
} region_case;

/* buffer-source -> gegl:invert-linear -> the case's op (a map from a
 * buffer-source on its aux) -> the graph's output proxy.  The point op
 * computes only what the op says it needs (get_required_for_output),
 * where a buffer-source would hand over the whole buffer (`direct`: no
 * point op). */
static GeglNode *
build_region_graph (void *user)
{
  const region_case *c = user;
  GeglNode *graph = gegl_node_new ();
  GeglNode *source = gegl_node_new_child (
      graph, "operation", "gegl:buffer-source", "buffer", c->input, NULL);
  GeglNode *invert
      = gegl_node_new_child (graph, "operation", "gegl:invert-linear", NULL);
  GeglNode *op = gegl_node_new_child (graph, "operation", c->op, "radius",
                                      c->radius, NULL);
  if (c->direct)
    gegl_node_link (source, op);
  else
    gegl_node_link_many (source, invert, op, NULL);
  if (c->map)
    {
      gegl_node_set (op, "focus", 0.2, "depth", c->depth, NULL);
      GeglNode *map_source = gegl_node_new_child (
          graph, "operation", "gegl:buffer-source", "buffer", c->map, NULL);
      gegl_node_connect_to (map_source, "output", op, "aux");
    }
  gegl_node_link (op, gegl_node_get_output_proxy (graph, "output"));
  return graph;
}

/* Checks that `whole`, asked for at `level` in pieces of piece_w x
 * piece_h, each from a fresh graph and all from one graph, equals `one`
 * (the whole at once) bit for bit. */
static void
check_cut (region_case *c, const GeglRectangle *whole, int level,
           const float *one, int piece_w, int piece_h)
{
  gsize n = (gsize) whole->width * whole->height * 4;
  for (int fresh = 0; fresh < 2; fresh++)
    {
      GeglNode *graph = fresh ? NULL : build_region_graph (c);
      float *pieces = blit_pieces_at (
          graph ? gegl_node_get_output_proxy (graph, "output") : NULL,
          fresh ? build_region_graph : NULL, c, whole, piece_w, piece_h, level);
      CHECK_MSG (max_difference (one, pieces, n) == 0,
                 "%s R %g%s level %d: %dx%d pieces of %s differ by %g", c->op,
                 c->radius,
                 c->depth ? " with depth"
                 : c->map ? " with a map"
                          : "",
                 level, piece_w, piece_h, fresh ? "fresh graphs" : "one graph",
                 max_difference (one, pieces, n));
      g_free (pieces);
      if (graph)
        g_object_unref (graph);
    }
}

/* The ops compute the regions asked for (each from its input grown by the
 * engine's reach), so a region must not depend on the cut: the whole
 * image equals, bit for bit, the same image asked for in pieces, each
 * piece from a fresh graph (nothing cached) and from one graph (GEGL's
 * cache of the node serving what earlier pieces computed), for both ops,
 * with and without a map, at radii whose reach is smaller and larger than
 * the pieces; and sub-rectangles of a processed output buffer read back
 * the same pixels. */
static void
test_regions (void)
{
  /* Large enough that the pieces' inputs (grown by a reach of 60 to 90
     px) stay well under a quarter of the image: they are computed alone,
     not as the whole image (get_cached_region's rule, which the small
     images of the tests above take). */
  GeglBuffer *input = make_input (3, 2, 1024, 768);
  GeglBuffer *map = make_map (0, 0, 1030, 772);
  GeglRectangle whole = *gegl_buffer_get_extent (input);
  gsize n = floats_of (input);
  const region_case cases[] = {
    { BOKEH_OP, 4, input, NULL, 0, FALSE },
    { BOKEH_OP, 18, input, NULL, 0, FALSE },
    { OP, 4, input, NULL, 0, FALSE },
    { OP, 18, input, NULL, 0, FALSE },
    { OP, 4, input, map, 0, FALSE },
    { OP, 18, input, map, 0, FALSE },
    { OP, 6, input, map, SKC_DEPTH_WHITE_NEAR, FALSE },
  };
  /* Piece sizes: bands, columns, odd rectangles. */
  const int cuts[][2] = { { 1024, 29 }, { 37, 768 }, { 97, 61 }, { 200, 150 } };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      region_case c = cases[i];
      GeglNode *graph = build_region_graph (&c);
      GeglNode *out = gegl_node_get_output_proxy (graph, "output");
      float *one = blit (out, &whole);
      CHECK (all_finite (one, n));
      g_object_unref (graph);

      for (gsize k = 0; k < G_N_ELEMENTS (cuts); k++)
        check_cut (&c, &whole, 0, one, cuts[k][0], cuts[k][1]);

      /* Through write-buffer, then read back by sub-rectangles. */
      graph = build_region_graph (&c);
      GeglBuffer *written = gegl_buffer_new (&whole, babl_format (RGBA));
      GeglNode *sink = gegl_node_new_child (
          graph, "operation", "gegl:write-buffer", "buffer", written, NULL);
      gegl_node_link (gegl_node_get_output_proxy (graph, "output"), sink);
      gegl_node_process (sink);
      float *back = g_new0 (float, n);
      for (int y = 0; y < whole.height; y += 17)
        for (int x = 0; x < whole.width; x += 24)
          {
            GeglRectangle part
                = { whole.x + x, whole.y + y, MIN (24, whole.width - x),
                    MIN (17, whole.height - y) };
            gegl_buffer_get (written, &part, 1.0, babl_format (RGBA),
                             back + ((gsize) y * whole.width + x) * 4,
                             whole.width * 4 * sizeof (float), GEGL_ABYSS_NONE);
          }
      CHECK_MSG (max_difference (one, back, n) == 0,
                 "%s R %g%s: write-buffer's output differs by %g", c.op,
                 c.radius,
                 c.depth ? " with depth"
                 : c.map ? " with a map"
                         : "",
                 max_difference (one, back, n));
      g_free (back);
      g_object_unref (written);
      g_object_unref (graph);
      g_free (one);
    }
  g_object_unref (input);
  g_object_unref (map);
}

/* PSNR (dB, peak 1) of b against a over count floats. */
static double
psnr (const float *a, const float *b, gsize count)
{
  double sum = 0;
  for (gsize i = 0; i < count; i++)
    sum += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
  return sum > 0 ? 10 * log10 (count / sum) : INFINITY;
}

/* Zoomed-out previews: GEGL asks for mipmap level L (a 2^L x 2^L block
 * per pixel), and the ops work in the level's pixels with the radius
 * scaled by 2^-L.  At levels 1 and 2, for both ops, with and without a
 * map, after an upstream op that computes only what is required (and at
 * level 3, worked at level 2, after a buffer-source): the
 * whole level equals the level asked for in pieces (fresh graphs and one
 * graph) bit for bit, differs from GEGL's averages of the full-resolution
 * render (so the level was worked at, not averaged down) and stays within
 * 35 dB of them.  The image is at the origin and a multiple of 4 px, so
 * that GEGL's own rounding of regions to a level (a point op's differs
 * from a filter's) plays no part. */
static void
test_levels (void)
{
  gboolean mipmap = FALSE;
  g_object_get (gegl_config (), "mipmap-rendering", &mipmap, NULL);
  g_object_set (gegl_config (), "mipmap-rendering", TRUE, NULL);
  GeglBuffer *input = make_input (0, 0, 1024, 768);
  GeglBuffer *map = make_map (0, 0, 1024, 768);
  GeglRectangle whole = *gegl_buffer_get_extent (input);
  /* Level 3 of R 18 reads more than the plan allows (the knots' margin
     is 63 of its pixels): it is worked at level 2 and averaged, which
     reads level 2 of the input (a buffer-source's). */
  const region_case cases[] = {
    { BOKEH_OP, 18, input, NULL, 0, FALSE },
    { OP, 30, input, map, 0, FALSE },
    { BOKEH_OP, 18, input, NULL, 0, TRUE },
  };
  const int cuts[][2] = { { 512, 23 }, { 61, 37 } };
  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      region_case c = cases[i];
      GeglNode *graph = build_region_graph (&c);
      GeglNode *out = gegl_node_get_output_proxy (graph, "output");
      float *full = blit (out, &whole);
      GeglBuffer *full_buffer = gegl_buffer_new (&whole, babl_format (RGBA));
      gegl_buffer_set (full_buffer, &whole, 0, babl_format (RGBA), full,
                       GEGL_AUTO_ROWSTRIDE);
      g_object_unref (graph);
      for (int level = c.direct ? 3 : 1; level <= (c.direct ? 3 : 2); level++)
        {
          GeglRectangle at
              = { 0, 0, whole.width >> level, whole.height >> level };
          gsize n = (gsize) at.width * at.height * 4;
          float *one = blit_pieces_at (NULL, build_region_graph, &c, &at,
                                       at.width, at.height, level);
          float *averaged = g_new (float, n);
          gegl_buffer_get (full_buffer, &at, 1.0 / (1 << level),
                           babl_format (RGBA), averaged, GEGL_AUTO_ROWSTRIDE,
                           GEGL_ABYSS_NONE);
          double db = psnr (averaged, one, n);
          CHECK (all_finite (one, n));
          /* Equal would mean the level was averaged from full resolution,
             not worked at. */
          CHECK_MSG (max_difference (one, averaged, n) > 0 && db >= 35,
                     "%s R %g%s level %d: %.1f dB against the averaged full "
                     "render (want 35 or more, and not equal)",
                     c.op, c.radius, c.map ? " with a map" : "", level, db);
          printf ("%s R %g%s level %d: %.1f dB against the averaged full "
                  "render\n",
                  c.op, c.radius, c.map ? " with a map" : "", level, db);
          for (gsize k = 0; k < G_N_ELEMENTS (cuts); k++)
            check_cut (&c, &at, level, one, cuts[k][0], cuts[k][1]);
          g_free (averaged);
          g_free (one);
        }
      g_object_unref (full_buffer);
      g_free (full);
    }
  g_object_unref (input);
  g_object_unref (map);
  g_object_set (gegl_config (), "mipmap-rendering", mipmap, NULL);
}

static int
is_map_property (const char *name)
{
  return strcmp (name, "focus") == 0 || strcmp (name, "invert-map") == 0
         || strcmp (name, "map-gamma") == 0 || strcmp (name, "map-linear") == 0
         || strcmp (name, "swirl") == 0 || strcmp (name, "cat-eye") == 0;
}

/* Renders with one property set to `value` and checks the output is finite
 * (and within 0..alpha when clipped). */
static void
check_end (GeglBuffer *input, GeglBuffer *map, GParamSpec *spec,
           const GValue *value)
{
  GeglNode *graph = gegl_node_new ();
  GeglNode *op
      = lens_node (graph, input, is_map_property (spec->name) ? map : NULL);
  gboolean clip = TRUE;
  if (strcmp (spec->name, "radius") != 0)
    gegl_node_set (op, "radius", 6.0, NULL);
  gegl_node_set_property (op, spec->name, value);
  gegl_node_get (op, "clip", &clip, NULL);
  gsize n = floats_of (input);
  float *out = blit (op, gegl_buffer_get_extent (input));
  gchar *shown = g_strdup_value_contents (value);
  int ok = all_finite (out, n);
  for (gsize i = 0; ok && clip && i < n; i += 4)
    for (int c = 0; c < 4; c++)
      ok = ok && out[i + c] >= 0 && out[i + c] <= out[i + 3] + 1e-6f
           && out[i + 3] <= 1 + 1e-6f;
  CHECK_MSG (ok, "%s = %s: non-finite or unclipped output", spec->name, shown);
  g_free (shown);
  g_free (out);
  g_object_unref (graph);
}

/* (4): every property at both ends of its range (radius up to 200), every
 * enum value, both booleans. */
static void
test_property_ends (void)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  GeglBuffer *map = make_map (0, 0, 64, 48);
  guint n = 0;
  GParamSpec **specs = gegl_operation_list_properties (OP, &n);
  for (guint i = 0; i < n; i++)
    {
      GParamSpec *spec = specs[i];
      GValue value = G_VALUE_INIT;
      g_value_init (&value, spec->value_type);
      if (G_IS_PARAM_SPEC_DOUBLE (spec))
        {
          GParamSpecDouble *d = G_PARAM_SPEC_DOUBLE (spec);
          double ends[2] = { d->minimum, MIN (d->maximum, 200) };
          for (int e = 0; e < 2; e++)
            {
              g_value_set_double (&value, ends[e]);
              check_end (input, map, spec, &value);
            }
        }
      else if (G_IS_PARAM_SPEC_INT (spec))
        {
          GParamSpecInt *d = G_PARAM_SPEC_INT (spec);
          int ends[2] = { d->minimum, d->maximum };
          for (int e = 0; e < 2; e++)
            {
              g_value_set_int (&value, ends[e]);
              check_end (input, map, spec, &value);
            }
        }
      else if (G_IS_PARAM_SPEC_BOOLEAN (spec))
        for (int b = 0; b < 2; b++)
          {
            g_value_set_boolean (&value, b);
            check_end (input, map, spec, &value);
          }
      else if (G_IS_PARAM_SPEC_ENUM (spec))
        {
          GEnumClass *enums = G_PARAM_SPEC_ENUM (spec)->enum_class;
          for (guint v = 0; v < enums->n_values; v++)
            {
              g_value_set_enum (&value, enums->values[v].value);
              check_end (input, map, spec, &value);
            }
        }
      g_value_unset (&value);
    }
  g_free (specs);
  g_object_unref (input);
  g_object_unref (map);
}

/* Largest and mean difference of two image files as R'G'B'A, in 1/255
 * units; -1 when they cannot be read or differ in size. */
static double
compare_files (const char *a, const char *b, double *mean)
{
  int wa = 0, ha = 0, wb = 0, hb = 0;
  float *pa = load_image (a, "R'G'B'A float", 4, &wa, &ha);
  float *pb = load_image (b, "R'G'B'A float", 4, &wb, &hb);
  double worst = -1;
  *mean = 0;
  if (pa && pb && wa == wb && ha == hb)
    {
      gsize n = (gsize) wa * ha * 4;
      worst = max_difference (pa, pb, n) * 255;
      for (gsize i = 0; i < n; i++)
        *mean += fabs ((double) pa[i] - pb[i]) * 255 / n;
    }
  else
    fprintf (stderr, "cannot compare %s (%dx%d) with %s (%dx%d)\n", a, wa, ha,
             b, wb, hb);
  g_free (pa);
  g_free (pb);
  return worst;
}

/* (7): the golden compositions render as their committed references, within
 * 2/255 (what GEGL's own composition tests allow for rounding). */
static void
test_golden (const char *source_dir)
{
  const char *names[] = { "skc-heart", "skc-map" };
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      gchar *xml_name = g_strconcat (names[i], ".xml", NULL);
      gchar *png_name = g_strconcat (names[i], ".png", NULL);
      gchar *xml
          = g_build_filename (source_dir, "compositions", xml_name, NULL);
      gchar *reference = g_build_filename (source_dir, "compositions",
                                           "reference", png_name, NULL);
      gchar *dir = g_dir_make_tmp ("skc-golden-XXXXXX", NULL);
      gchar *rendered = g_build_filename (dir, png_name, NULL);
      GeglNode *graph = gegl_node_new_from_file (xml);
      CHECK_MSG (graph != NULL, "cannot read %s", xml);
      if (graph)
        {
          GeglNode *save = gegl_node_new_child (
              graph, "operation", "gegl:png-save", "path", rendered, NULL);
          gegl_node_link (gegl_node_get_output_proxy (graph, "output"), save);
          gegl_node_process (save);
          g_object_unref (graph);
          double mean = 0, worst = compare_files (rendered, reference, &mean);
          printf ("golden %s: max %.3f/255, mean %.4f/255\n", names[i], worst,
                  mean);
          CHECK_MSG (worst >= 0 && worst <= 2.0,
                     "%s differs from %s by up to %g/255", xml, reference,
                     worst);
        }
      g_remove (rendered);
      g_rmdir (dir);
      g_free (xml_name);
      g_free (png_name);
      g_free (xml);
      g_free (reference);
      g_free (dir);
      g_free (rendered);
    }
}

/* The weights of a 9x7 shape with levels of an 8-bit image (a dim ring
 * and a bright cross), or, with `fine`, values no 8-bit level holds. */
static void
fill_shape (skc_image *shape, int fine)
{
  skc_image_alloc (shape, 9, 7, 1);
  for (int y = 0; y < 7; y++)
    for (int x = 0; x < 9; x++)
      {
        float *v = skc_image_pixel (shape, x, y);
        int d2 = (x - 4) * (x - 4) + (y - 3) * (y - 3);
        *v = (x == 4 || y == 3) ? 200 / 255.0f : d2 <= 9 ? 51 / 255.0f : 0;
        if (fine && *v > 0)
          *v = 0.1f + 0.9f * (float) (x * 7 + y) / 70.0f;
      }
}

/* Encoding and decoding shape data (gegl/shape-data.h): 8-bit levels
 * round-trip exactly (as the same fraction of the largest weight), other
 * values within half a 16-bit step; a shape larger than the bound is
 * resampled to it; malformed text of every kind is refused with a
 * "shape-data: " message, and a fuzzed text never reads outside itself
 * (the suite runs under ASan in scripts/test.sh) nor yields a bad
 * image. */
static void
test_shape_data_codec (void)
{
  skc_error err;
  for (int fine = 0; fine < 2; fine++)
    {
      skc_image shape = { 0 }, back = { 0 };
      fill_shape (&shape, fine);
      gchar *text = skc_gegl_shape_data_encode (&shape, &err);
      CHECK (text != NULL);
      if (!text)
        continue;
      CHECK_MSG (g_str_has_prefix (text, fine ? "skc-shape 1 9 7 16 "
                                              : "skc-shape 1 9 7 8 "),
                 "header of %.24s", text);
      CHECK (skc_gegl_shape_data_decode (text, &back, &err) == SKC_OK);
      if (CHECK (back.width == 9 && back.height == 7 && back.channels == 1))
        {
          /* 8-bit levels come back as they are, 16-bit samples as a
             fraction of the largest weight. */
          float top = 0;
          for (int i = 0; i < 63; i++)
            top = fmaxf (top, shape.data[i]);
          double worst = 0;
          for (int i = 0; i < 63; i++)
            {
              float want = fine ? shape.data[i] / top : shape.data[i];
              worst = fmax (worst, fabs (back.data[i] - want));
            }
          CHECK_MSG (worst <= (fine ? 0.5 / 65535 + 1e-7 : 1e-7),
                     "round trip (%s) off by %g", fine ? "16-bit" : "8-bit",
                     worst);
        }
      skc_image_free (&back);
      skc_image_free (&shape);
      g_free (text);
    }

  /* A larger shape comes back as the bound's odd square. */
  skc_image big = { 0 }, back = { 0 };
  skc_image_alloc (&big, 400, 300, 1);
  for (int i = 0; i < 400 * 300; i++)
    big.data[i] = (float) (i % 7);
  gchar *text = skc_gegl_shape_data_encode (&big, &err);
  CHECK (text && strlen (text) <= SKC_SHAPE_DATA_TEXT_MAX);
  CHECK (text && skc_gegl_shape_data_decode (text, &back, &err) == SKC_OK
         && back.width == SKC_SHAPE_DATA_SIDE_MAX
         && back.height == SKC_SHAPE_DATA_SIDE_MAX);
  skc_image_free (&back);
  g_free (text);
  /* Nothing to encode: no positive weight, a NaN. */
  memset (big.data, 0, 400 * 300 * sizeof (float));
  CHECK (skc_gegl_shape_data_encode (&big, &err) == NULL);
  big.data[5] = NAN;
  big.data[6] = 1;
  CHECK (skc_gegl_shape_data_encode (&big, &err) == NULL);
  skc_image_free (&big);

  /* Malformed texts: each refused, with the reason in one line. */
  gchar *huge = g_strnfill (SKC_SHAPE_DATA_TEXT_MAX + 10, 'A');
  memcpy (huge, "skc-shape 1 1 1 8 ", 18);
  const char *bad[] = {
    "",
    "skc-shape",
    "skc-shape 1",
    "skc-shape 1 1 1 8",
    "skc-shape 1 1 1 8 ",
    "skc-shape 2 1 1 8 /w==", /* a newer version (/w== is one 255) */
    "skc-shape 0 1 1 8 /w==",
    "SKC-SHAPE 1 1 1 8 /w==",
    "skc-shape  1 1 1 8 /w==",  /* two spaces */
    "skc-shape 1 0 1 8 AA==",   /* an empty side */
    "skc-shape 1 256 1 8 AA==", /* beyond the bound */
    "skc-shape 1 -1 1 8 AA==",
    "skc-shape 1 1 1 12 AA==", /* neither 8 nor 16 bits */
    "skc-shape 1 1 1 16 AA==", /* 2 bytes need AAA= */
    "skc-shape 1 1 1 8 AA==",  /* every sample 0 */
    "skc-shape 1 1 1 8 /w=",   /* short padding */
    "skc-shape 1 1 1 8 /w== ", /* trailing text */
    "skc-shape 1 1 1 8 /w=\n",
    "skc-shape 1 1 1 8 /===",
    "skc-shape 1 1 1 8 *w==",
    "skc-shape 1 2 1 8 /w/w", /* 2 bytes need 3 characters and = */
    "skc-shape 1 9999999 1 8 AA==",
    "skc-shape 1 1 1 8 /w==\xff",
    huge,
  };
  CHECK (skc_gegl_shape_data_decode ("skc-shape 1 1 1 8 /w==", &back, &err)
             == SKC_OK
         && back.width == 1 && back.data[0] == 1.0f);
  skc_image_free (&back);
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      memset (&err, 0, sizeof err);
      skc_result r = skc_gegl_shape_data_decode (bad[i], &back, &err);
      CHECK_MSG (r != SKC_OK && back.data == NULL
                     && g_str_has_prefix (err.message, "shape-data: ")
                     && !strchr (err.message, '\n'),
                 "bad text %zu (%.30s) gave %d: %s", i, bad[i], (int) r,
                 err.message);
    }
  CHECK (skc_gegl_shape_data_decode (bad[5], &back, &err)
         == SKC_ERR_UNSUPPORTED);
  g_free (huge);

  /* Fuzz: every cut of a valid text, and random changes to it. */
  skc_image shape = { 0 };
  fill_shape (&shape, 1);
  text = skc_gegl_shape_data_encode (&shape, &err);
  skc_image_free (&shape);
  gsize length = text ? strlen (text) : 0;
  int accepted = 0, cases = 0;
  GRand *rand = g_rand_new_with_seed (15);
  for (gsize cut = 0; cut < length + 3000; cut++)
    {
      /* Heap copies of the exact length, so that ASan sees any read past
         the end. */
      gchar *copy = g_strndup (text, cut < length ? cut : length);
      if (cut >= length)
        for (int k = g_rand_int_range (rand, 1, 4); k > 0; k--)
          copy[g_rand_int_range (rand, 0, (gint32) length)]
              = (gchar) g_rand_int_range (rand, 1, 256);
      skc_result r = skc_gegl_shape_data_decode (copy, &back, &err);
      cases++;
      if (r == SKC_OK)
        {
          accepted++;
          gboolean sane = back.width >= 1 && back.height >= 1
                          && back.width <= SKC_SHAPE_DATA_SIDE_MAX
                          && back.height <= SKC_SHAPE_DATA_SIDE_MAX;
          for (int i = 0; sane && i < back.width * back.height; i++)
            sane = back.data[i] >= 0 && back.data[i] <= 1;
          CHECK_MSG (sane, "fuzz case %d decoded to a bad image", cases);
        }
      else
        CHECK_MSG (back.data == NULL && err.message[0], "fuzz case %d", cases);
      skc_image_free (&back);
      g_free (copy);
    }
  /* The whole text, and changes inside the data that stay base64. */
  CHECK_MSG (accepted >= 1 && accepted < cases, "fuzz: %d of %d accepted",
             accepted, cases);
  g_rand_free (rand);
  g_free (text);
}

/* A bokeh-blur graph on `input` with a shape's text as shape-data (and a
 * kernel file and a preset, whose shapes the data replaces), at radius
 * 6. */
static float *
render_shape_data (GeglBuffer *input, const char *data, const char *file,
                   const char *preset)
{
  return render_bokeh (input, "shape-data", data, "kernel-file",
                       file ? file : "", "preset", preset ? preset : "",
                       "radius", 6.0, NULL);
}

static float *
render_bad_shape_data (GeglBuffer *input, const char *data)
{
  return render_shape_data (input, data, NULL, NULL);
}

/* The shape-data property: the shape it carries is the shape (as the core
 * blurs with those weights, whatever kernel file or preset shape is also
 * named; the preset's other values still apply), and malformed data warns
 * once and passes the input through. */
static void
test_shape_data_op (const char *data_dir)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  skc_error err;
  skc_image shape = { 0 }, decoded = { 0 };
  fill_shape (&shape, 1);
  gchar *text = skc_gegl_shape_data_encode (&shape, &err);
  CHECK (text && skc_gegl_shape_data_decode (text, &decoded, &err) == SKC_OK);
  skc_params p;
  skc_params_init (&p);
  p.shape_image = &decoded;
  p.radius = 6;
  check_core ("shape-data", render_shape_data (input, text, NULL, NULL), &p,
              input, NULL, 0);
  check_core ("shape-data over a missing kernel file",
              render_shape_data (input, text, "/nonexistent/shape.png", NULL),
              &p, input, NULL, 0);
  gchar *path = g_build_filename (data_dir, "..", "presets",
                                  "cat-eye-swirl.skcpreset", NULL);
  skc_preset *preset = NULL;
  if (CHECK (skc_preset_load (path, &preset, &err) == SKC_OK))
    {
      skc_preset_apply (preset, SKC_PRESET_WHOLE_SHAPE | SKC_PRESET_RADIUS, &p);
      p.shape_image = &decoded;
      CHECK (p.swirl > 0 || p.cat_eye > 0);
      check_core ("shape-data over a preset's shape",
                  render_shape_data (input, text, NULL, path), &p, input, NULL,
                  0);
      skc_preset_free (preset);
    }
  g_free (path);

  const char *bad[]
      = { "skc-shape 1 1 1 8 AA==", "skc-shape 9 1 1 8 /w==", "hello" };
  check_bad_values ("shape-data", input, bad, G_N_ELEMENTS (bad),
                    render_bad_shape_data);
  CHECK (g_strcmp0 (gegl_operation_get_key (BOKEH_OP, "op-version"), "1:0")
         == 0);
  g_free (text);
  skc_image_free (&shape);
  skc_image_free (&decoded);
  g_object_unref (input);
}

/* A bokeh-blur graph on `input` with filter-data (and a kernel file,
 * which the data replaces, or shape-data, which replaces the data). */
static float *
render_filter_data (GeglBuffer *input, const char *data, const char *file,
                    const char *shape_data)
{
  return render_bokeh (input, "filter-data", data, "kernel-file",
                       file ? file : "", "shape-data",
                       shape_data ? shape_data : "", "radius", 6.0, NULL);
}

static float *
render_bad_filter_data (GeglBuffer *input, const char *data)
{
  return render_filter_data (input, data, NULL, NULL);
}

/* Filter data (gegl/shape-data.h): a .skc file's bytes come back as they
 * are and parse to the same filter; the op renders with it as with the
 * file, bit for bit, after the file is gone and over a missing kernel
 * file; shape-data replaces it; malformed text of every kind is refused
 * with one "filter-data: " line (the op warns once and passes the input
 * through); every cut and random changes of a valid text never read
 * outside it. */
static void
test_filter_data (void)
{
  GeglBuffer *input = make_input (0, 0, 64, 48);
  gsize n = floats_of (input);
  gchar *dir = g_dir_make_tmp ("skc-gegl-XXXXXX", NULL);
  gchar *path = g_build_filename (dir, "heart.skc", NULL);
  gchar *bytes = NULL;
  gsize length = 0;
  skc_error err;
  save_quick_heart (path);
  CHECK (g_file_get_contents (path, &bytes, &length, NULL));
  gchar *text = skc_gegl_filter_data_from_file (path, &err);
  gchar *header = g_strdup_printf ("skc-filter-data 1 %zu ", length);
  CHECK_MSG (text && g_str_has_prefix (text, header), "header of %.30s",
             text ? text : "(none)");
  g_free (header);
  skc_filter *decoded = NULL, *loaded = NULL;
  CHECK (text && skc_gegl_filter_data_decode (text, &decoded, &err) == SKC_OK);
  CHECK (skc_filter_load (path, &loaded, &err) == SKC_OK);
  /* The same filter: written again, the same text. */
  gchar *again_path = g_build_filename (dir, "again.skc", NULL);
  gchar *again = NULL;
  CHECK (decoded && skc_filter_save (decoded, again_path, &err) == SKC_OK);
  CHECK (g_file_get_contents (again_path, &again, NULL, NULL)
         && strcmp (again, bytes) == 0);
  g_remove (again_path);
  g_free (again_path);
  g_free (again);

  float *with_file = render (input, NULL, NULL, NULL, "kernel-file", path,
                             "radius", 6.0, NULL);
  float *with_data = render_filter_data (input, text, NULL, NULL);
  CHECK_MSG (max_difference (with_file, with_data, n) == 0,
             "filter-data differs from the kernel file by %g",
             max_difference (with_file, with_data, n));
  skc_params p;
  skc_params_init (&p);
  p.filter = loaded;
  check_core ("filter-data", with_data, &p, input, NULL, 0);
  g_remove (path);
  float *without_file = render_filter_data (input, text, path, NULL);
  CHECK_MSG (max_difference (with_file, without_file, n) == 0,
             "filter-data over a missing kernel file differs by %g",
             max_difference (with_file, without_file, n));
  g_free (with_file);
  g_free (without_file);
  /* Shape data replaces filter data. */
  skc_image shape = { 0 }, shape_back = { 0 };
  fill_shape (&shape, 1);
  gchar *shape_text = skc_gegl_shape_data_encode (&shape, &err);
  CHECK (shape_text
         && skc_gegl_shape_data_decode (shape_text, &shape_back, &err)
                == SKC_OK);
  skc_params_init (&p);
  p.shape_image = &shape_back;
  p.radius = 6;
  check_core ("shape-data over filter-data",
              render_filter_data (input, text, NULL, shape_text), &p, input,
              NULL, 0);
  skc_image_free (&shape);
  skc_image_free (&shape_back);
  g_free (shape_text);

  /* What is no filter is not encoded. */
  CHECK (skc_gegl_filter_data_encode ("hello", 5, &err) == NULL
         && g_str_has_prefix (err.message, "filter-data: "));
  CHECK (skc_gegl_filter_data_encode ("", 0, &err) == NULL);
  CHECK (skc_gegl_filter_data_from_file (path, &err) == NULL);

  /* Malformed texts: each refused, with the reason in one line. */
  gchar *huge = g_strnfill (SKC_FILTER_DATA_TEXT_MAX + 10, 'A');
  memcpy (huge, "skc-filter-data 1 4 ", 20);
  const char *bad[] = {
    "",
    "skc-filter-data",
    "skc-filter-data 1",
    "skc-filter-data 1 4",
    "skc-filter-data 1 4 ",
    "skc-filter-data 2 4 aGVsbA==", /* a newer version */
    "skc-filter-data 0 4 aGVsbA==",
    "SKC-FILTER-DATA 1 4 aGVsbA==",
    "skc-filter-data  1 4 aGVsbA==", /* two spaces */
    "skc-filter-data 1 0 ",
    "skc-filter-data 1 99999999 aGVsbA==", /* over the bound */
    "skc-filter-data 1 -4 aGVsbA==",
    "skc-filter-data 1 4 aGVsbA=",   /* short padding */
    "skc-filter-data 1 4 aGVsbA== ", /* trailing text */
    "skc-filter-data 1 4 aGVsbA==\n",
    "skc-filter-data 1 4 aGVs*A==",
    "skc-filter-data 1 5 aGVsbA==", /* 5 bytes need aGVsbG8= */
    "skc-filter-data 1 4 aGVsbA==", /* "hell": no .skc filter */
    "skc-filter-data 1 4 aGVsbA==\xff",
    "skc-shape 1 1 1 8 /w==",
    huge,
  };
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      skc_filter *back = NULL;
      memset (&err, 0, sizeof err);
      skc_result r = skc_gegl_filter_data_decode (bad[i], &back, &err);
      CHECK_MSG (r != SKC_OK && back == NULL
                     && g_str_has_prefix (err.message, "filter-data: ")
                     && !strchr (err.message, '\n'),
                 "bad text %zu (%.30s) gave %d: %s", i, bad[i], (int) r,
                 err.message);
      skc_filter_free (back);
    }
  skc_filter *newer = NULL;
  CHECK (skc_gegl_filter_data_decode (bad[5], &newer, &err)
         == SKC_ERR_UNSUPPORTED);
  g_free (huge);
  check_bad_values ("filter-data", input, bad + 5, 2, render_bad_filter_data);
  check_bad_values ("filter-data", input, bad + 17, 1, render_bad_filter_data);

  /* Fuzz: every cut of the valid text, and random changes to it. */
  gsize text_length = text ? strlen (text) : 0;
  int accepted = 0, cases = 0;
  GRand *rand = g_rand_new_with_seed (16);
  for (gsize cut = 0; cut < text_length + 2000; cut++)
    {
      gchar *copy = g_strndup (text, cut < text_length ? cut : text_length);
      if (cut >= text_length)
        for (int k = g_rand_int_range (rand, 1, 4); k > 0; k--)
          copy[g_rand_int_range (rand, 0, (gint32) text_length)]
              = (gchar) g_rand_int_range (rand, 1, 256);
      skc_filter *back = NULL;
      skc_result r = skc_gegl_filter_data_decode (copy, &back, &err);
      cases++;
      if (r == SKC_OK)
        accepted++;
      CHECK_MSG ((r == SKC_OK) == (back != NULL)
                     && (r == SKC_OK || err.message[0]),
                 "fuzz case %d", cases);
      skc_filter_free (back);
      g_free (copy);
    }
  CHECK_MSG (accepted >= 1 && accepted < cases, "fuzz: %d of %d accepted",
             accepted, cases);
  g_rand_free (rand);

  skc_filter_free (decoded);
  skc_filter_free (loaded);
  g_free (text);
  g_free (bytes);
  g_free (path);
  g_rmdir (dir);
  g_free (dir);
  g_object_unref (input);
}

/* skc:bokeh-blur, the op without a map: one input (so GIMP 3 can keep it
 * as a layer effect), in GIMP's Filters > Blur menu, and the same pixels
 * as skc:lens-blur with no map for the same properties. */
static void
test_bokeh_blur (void)
{
  CHECK (gegl_has_operation (BOKEH_OP));
  CHECK (g_strcmp0 (gegl_operation_get_key (BOKEH_OP, "gimp:menu-path"),
                    "<Image>/Filters/Blur")
         == 0);
  CHECK (gegl_operation_get_key (BOKEH_OP, "gimp:menu-label") != NULL);
  GeglBuffer *input = make_input (0, 0, 97, 61);
  const GeglRectangle *extent = gegl_buffer_get_extent (input);
  for (int variant = 0; variant < 2; variant++)
    {
      float *pixels[2];
      for (int which = 0; which < 2; which++)
        {
          GeglNode *graph = gegl_node_new ();
          GeglNode *source = gegl_node_new_child (
              graph, "operation", "gegl:buffer-source", "buffer", input, NULL);
          GeglNode *op = gegl_node_new_child (
              graph, "operation", which ? BOKEH_OP : OP, "radius", 6.0, "swirl",
              variant ? 0.4 : 0.0, "highlight-threshold", 0.7, "highlight-gain",
              5.0, NULL);
          /* Each op has its own enum type: set the shape by nick. */
          GParamSpec *spec
              = gegl_operation_find_property (which ? BOKEH_OP : OP, "shape");
          gegl_node_set (op, "shape",
                         g_enum_get_value_by_nick (
                             G_PARAM_SPEC_ENUM (spec)->enum_class, "heart")
                             ->value,
                         NULL);
          gegl_node_connect_to (source, "output", op, "input");
          pixels[which] = blit (op, extent);
          g_object_unref (graph);
        }
      gsize count = (gsize) extent->width * extent->height * 4;
      CHECK_MSG (max_difference (pixels[0], pixels[1], count) == 0,
                 "bokeh-blur differs from lens-blur without a map (%s)",
                 variant ? "swirl" : "plain");
      CHECK (all_finite (pixels[1], count));
      g_free (pixels[0]);
      g_free (pixels[1]);
    }
  g_object_unref (input);
}

int
main (int argc, char **argv)
{
  /* The op is GPL-3.0-or-later: GEGL lists it only to programs that accept
     GPL3 operations (as GIMP and the gegl command do), declared before
     gegl_init. */
  g_object_set (gegl_config (), "application-license", "GPL3", NULL);
  gegl_init (NULL, NULL);
  if (argc == 5 && strcmp (argv[1], "--compare") == 0)
    {
      double mean = 0, worst = compare_files (argv[2], argv[3], &mean);
      double tolerance = g_ascii_strtod (argv[4], NULL);
      printf ("%s vs %s: max %.3f/255, mean %.4f/255 (tolerance %g)\n", argv[2],
              argv[3], worst, mean, tolerance);
      gegl_exit ();
      return worst >= 0 && worst <= tolerance ? 0 : 1;
    }
  if (argc != 3)
    {
      fprintf (stderr,
               "usage: test-gegl-op TESTS_GEGL_DIR DATA_DIR\n"
               "       test-gegl-op --compare A B TOLERANCE_IN_255THS\n");
      return 2;
    }
  if (!CHECK (gegl_has_operation (OP)))
    {
      fprintf (stderr, "skc:lens-blur is not loaded: GEGL_PATH=%s\n",
               g_getenv ("GEGL_PATH"));
      return check_summary ();
    }
  test_registered ();
  test_properties_match_table (OP, 1);
  test_properties_match_table (BOKEH_OP, 0);
  test_bokeh_blur ();
  test_equals_core ();
  test_map_codes ();
  test_rebuild ();
  test_kernel_files (argv[2]);
  test_shape_data_codec ();
  test_shape_data_op (argv[2]);
  test_filter_data ();
  test_chunks_and_threads ();
  test_regions ();
  test_levels ();
  test_property_ends ();
  test_golden (argv[1]);
  gegl_exit ();
  return check_summary ();
}
