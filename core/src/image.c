/* skc — allocation and copying of plain float images.
 * SPDX-License-Identifier: GPL-3.0-or-later */

#include "skc/image.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void
image_clear (skc_image *img)
{
  img->width = 0;
  img->height = 0;
  img->channels = 0;
  img->stride = 0;
  img->data = NULL;
}

skc_result
skc_image_alloc (skc_image *img, int width, int height, int channels)
{
  size_t stride;
  size_t count;

  if (img == NULL)
    return SKC_ERR_INVALID_ARGUMENT;
  image_clear (img);

  if (width < 1 || height < 1 || channels < 1 || channels > 4)
    return SKC_ERR_INVALID_ARGUMENT;
  if (width > SKC_IMAGE_MAX_SIDE || height > SKC_IMAGE_MAX_SIDE)
    return SKC_ERR_TOO_LARGE;

  /* Each factor is bounded, but the product of the largest sides does not
   * fit a 32-bit size_t: check before multiplying. */
  stride = (size_t) width * (size_t) channels;
  if ((size_t) height > SIZE_MAX / sizeof (float) / stride)
    return SKC_ERR_TOO_LARGE;
  count = stride * (size_t) height;

  img->data = calloc (count, sizeof (float));
  if (img->data == NULL)
    return SKC_ERR_OUT_OF_MEMORY;

  img->width = width;
  img->height = height;
  img->channels = channels;
  img->stride = stride;
  return SKC_OK;
}

void
skc_image_free (skc_image *img)
{
  if (img == NULL)
    return;
  free (img->data);
  image_clear (img);
}

skc_result
skc_image_copy (const skc_image *src, skc_image *dst)
{
  skc_image copy;
  skc_result result;
  size_t row_floats;
  int y;

  if (src == NULL || dst == NULL || src->data == NULL)
    return SKC_ERR_INVALID_ARGUMENT;

  /* Allocate into a local so that dst is only written on success. */
  result = skc_image_alloc (&copy, src->width, src->height, src->channels);
  if (result != SKC_OK)
    return result;

  /* The source may have padding between rows; the copy is compact. */
  row_floats = (size_t) src->width * (size_t) src->channels;
  if (src->stride == row_floats)
    memcpy (copy.data, src->data,
            row_floats * (size_t) src->height * sizeof (float));
  else
    for (y = 0; y < src->height; y++)
      memcpy (copy.data + (size_t) y * copy.stride,
              src->data + (size_t) y * src->stride,
              row_floats * sizeof (float));

  *dst = copy;
  return SKC_OK;
}
