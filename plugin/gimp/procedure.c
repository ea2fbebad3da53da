/* skc — what both GIMP procedures do around the blur (see procedure.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "procedure.h"

#include "glue.h"

/* Refusals, as the user reads them. */
#define REFUSE_INDEXED                                                         \
  "Sparse Lens Blur works on RGB and grayscale images; convert indexed "       \
  "images first (Image > Mode > RGB)"
#define REFUSE_NO_SUBJECT                                                      \
  "Sparse Lens Blur: depth 'subject' needs the subject: select it, or "        \
  "choose a channel or mask as the map"

static GimpPDBStatusType
refuse (const gchar *why, GError **error)
{
  g_set_error_literal (error, GIMP_PLUG_IN_ERROR, 0, why);
  return GIMP_PDB_EXECUTION_ERROR;
}

static GimpPDBStatusType
refuse_map (gint32 map, GError **error)
{
  g_set_error (error, GIMP_PLUG_IN_ERROR, 0,
               "map: %d is not a layer, channel or mask of this image",
               (int) map);
  return GIMP_PDB_EXECUTION_ERROR;
}

#ifdef SKC_TEST_HOOKS
/* Test hook: SKC_TEST_CANCEL in the environment cancels as if the user
 * pressed Cancel after the first band (a batch run has no button). */
static gboolean
test_cancel (void)
{
  const gchar *flag = g_getenv ("SKC_TEST_CANCEL");
  return flag && flag[0] && flag[0] != '0';
}
#endif

static gboolean
report_progress (gdouble fraction, gpointer data)
{
  gimp_progress_update (fraction);
#ifdef SKC_TEST_HOOKS
  if (test_cancel ())
    return FALSE;
#endif
  return TRUE;
}

/* Blurs job->roi into job->target under GIMP's progress bar and drops the
 * job's buffers. */
static GimpPDBStatusType
run_job (const SkcGimpSettings *settings, SkcGimpJob *job, GError **error)
{
  skc_error err;
  skc_result r;
  gimp_progress_init ("Sparse Lens Blur");
  r = skc_gimp_blur (settings, job, report_progress, NULL, &err);
  g_clear_object (&job->source);
  g_clear_object (&job->target);
  g_clear_object (&job->map);
  if (r == SKC_ERR_CANCELLED)
    return GIMP_PDB_CANCEL;
  if (r != SKC_OK)
    {
      g_set_error (error, GIMP_PLUG_IN_ERROR, 0, "Sparse Lens Blur: %s",
                   err.message);
      return GIMP_PDB_EXECUTION_ERROR;
    }
  gimp_progress_update (1.0);
  return GIMP_PDB_SUCCESS;
}

GimpPDBStatusType
skc_gimp_blur_drawable (gint32 image, gint32 drawable, const SkcGimpSettings *s,
                        GError **error)
{
  GeglRectangle area;
  /* Subject mode: the map (a channel, mask or layer) or else the
     selection is the sharp subject, and the whole drawable is blurred. */
  gboolean subject = s->values.depth == SKC_DEPTH_SUBJECT;
  gint32 map
      = subject && s->map == -1 ? skc_gimp_glue_selection (image) : s->map;
  if (skc_gimp_glue_is_indexed (drawable))
    return refuse (REFUSE_INDEXED, error);
  if (s->map != -1 && !skc_gimp_glue_is_drawable_of (s->map, image))
    return refuse_map (s->map, error);
  if (subject && map == -1)
    return refuse (REFUSE_NO_SUBJECT, error);
  if (!subject && !skc_gimp_glue_mask_intersect (drawable, &area))
    return GIMP_PDB_SUCCESS; /* the selection misses the drawable */

  SkcGimpJob job = { 0 };
  job.source = skc_gimp_glue_buffer (drawable);
  job.target = skc_gimp_glue_shadow_buffer (drawable);
  if (subject)
    area = *gegl_buffer_get_extent (job.source);
  job.roi = area;
  job.map_raw = subject;
  if (map != -1)
    {
      gint dx, dy, mx, my;
      skc_gimp_glue_offsets (drawable, &dx, &dy);
      skc_gimp_glue_offsets (map, &mx, &my);
      job.map = skc_gimp_glue_buffer (map);
      job.map_dx = dx - mx;
      job.map_dy = dy - my;
    }

  GimpPDBStatusType status = run_job (s, &job, error);
  if (status == GIMP_PDB_SUCCESS && subject)
    skc_gimp_glue_merge_shadow_unmasked (image, drawable, &area);
  else if (status == GIMP_PDB_SUCCESS)
    skc_gimp_glue_merge_shadow (drawable, &area);
  return status;
}

void
skc_gimp_write_map (GeglBuffer *channel, gint dx, gint dy, gint width,
                    gint height, const gfloat *map, gboolean map_linear)
{
  GeglRectangle at = { dx, dy, width, height };
  /* A layer may hang over the image's edges; the channel may not. */
  if (!gegl_rectangle_intersect (&at, &at, gegl_buffer_get_extent (channel)))
    return;
  const gfloat *first = map + (gsize) (at.y - dy) * width + (at.x - dx);
  gegl_buffer_set (channel, &at, 0,
                   babl_format (map_linear ? "Y float" : "Y' float"), first,
                   (gint) (width * sizeof (gfloat)));
  gegl_buffer_flush (channel);
}
