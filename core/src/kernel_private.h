/* skc — kernel images inside the library: a shape image drawn at a radius.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_KERNEL_PRIVATE_H
#define SKC_KERNEL_PRIVATE_H

#include "skc/kernel.h"

/* skc_kernel_from_values with the image's larger side spanning `span`
 * pixels (0 < span <= size) of the size x size kernel: a shape image at
 * radius r spans 2 r + 1 pixels, so that it grows with the radius rather
 * than in steps of the kernel's odd size.  Thread-safe. */
skc_result skc_kernel_from_values_spanning (const float *values, int width,
                                            int height, size_t stride, int size,
                                            double span, skc_image *out,
                                            skc_error *err);

/* The same kernel turned clockwise on screen by `angle` radians about its
 * centre: each image pixel a constant square, shared among the kernel
 * pixels it covers by area (an image more than 16 pixels a kernel pixel
 * across is first resampled to that); angle 0 gives
 * skc_kernel_from_values_spanning's kernel.  Thread-safe. */
skc_result skc_kernel_turned_from_values (const float *values, int width,
                                          int height, size_t stride, int size,
                                          double span, double angle,
                                          skc_image *out, skc_error *err);

/* A shape image made ready to be turned many times (swirl and cat-eye turn
 * one to thousands of angles): resampled where skc_kernel_turned_from_values
 * would, its edges listed once.  skc_turner_draw gives what
 * skc_kernel_turned_from_values gives for these arguments and `angle`;
 * it is thread-safe on one turner. */
typedef struct skc_turner skc_turner;
skc_result skc_turner_new (const float *values, int width, int height,
                           size_t stride, int size, double span,
                           skc_turner **out, skc_error *err);
skc_result skc_turner_draw (const skc_turner *t, double angle, skc_image *out,
                            skc_error *err);
void skc_turner_free (skc_turner *t);

#endif
