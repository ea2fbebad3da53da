/* skc — fidelity metrics of the benchmark protocol.  Measurements are
 * plain doubles: NaN when they cannot be taken (out of memory, a zero
 * target, no photo large enough).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_METRICS_H
#define SKC_METRICS_H

#include "skc/common.h"
#include "skc/image.h"
#include "skc/result.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ||E - T||_2 / ||T||_2 on a grid covering both (centres aligned), so
 * energy of E outside T's grid counts as error.  Thread-safe. */
SKC_API double skc_kernel_error (const skc_image *effective,
                                 const skc_image *target);

/* -20 log10 (error): kernel SNR in dB.  Thread-safe. */
SKC_API double skc_kernel_snr_db (double kernel_error);

/* A set of photos prepared for image PSNR: P (x) E against P (x) T. */
typedef struct skc_photo_set skc_photo_set;

/* Takes float RGB (or grey) photos in 0..1; copies what it needs.
 * Thread-safe.  skc_photo_set_free (NULL allowed) only once no call uses
 * the set. */
SKC_API skc_result skc_photo_set_new (const skc_image *photos, int count,
                                      skc_photo_set **out, skc_error *err);
SKC_API void skc_photo_set_free (skc_photo_set *set);

/* Mean over the photos of the PSNR (peak 1) between P (x) E and P (x) T on
 * the interior (half the compared grid's size dropped from every edge),
 * computed exactly with FFTs.  Returns +inf for identical kernels.
 * Thread-safe for concurrent calls on one set. */
SKC_API double skc_photo_set_psnr (const skc_photo_set *set,
                                   const skc_image *effective,
                                   const skc_image *target);

#ifdef __cplusplus
}
#endif

#endif
