/* skc — image files in and out of the core: PFM and PGM/PPM through the
 * core, everything else (PNG, JPEG, TIFF, WebP, OpenEXR ...) through GEGL
 * when skc is built with it.  The skc tool reads its photos, maps and
 * kernels here, and every front end resolves a shape that names a file
 * here, so that all of them accept and refuse the same files.  No GEGL
 * types: this half of the adapter builds without GEGL too (the tool then
 * reads PFM and PNM only).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_GEGL_FILES_H
#define SKC_GEGL_FILES_H

#include "skc/skc.h"

/* What the caller would have taken instead of a file it is refused: the
 * messages say so in the words each front end has always used. */
typedef enum
{
  SKC_GEGL_WANT_IMAGE,          /* the skc tool */
  SKC_GEGL_WANT_IMAGE_OR_FILTER /* the plug-ins: a .skc filter or an image */
} SkcGeglWant;

typedef enum
{
  SKC_GEGL_PIXELS_AS_IS,        /* PFM values, untouched: 1 or 3 channels */
  SKC_GEGL_PIXELS_LINEAR_PREMUL /* linear-light RGBA, alpha premultiplied */
} SkcGeglPixels;

/* How a photo's pixels are held, and how its file held them. */
typedef struct
{
  SkcGeglPixels kind;
  /* The file's own pixel format (a `const Babl *`: its channels, alpha
     and bit depth), or NULL: written as GEGL's save ops choose. */
  const void *file_format;
} SkcGeglPhotoFormat;

/* Loads a photo to filter: PFM as-is, anything else as linear premultiplied
 * RGBA.  Returns SKC_OK or an error with a message naming the file. */
skc_result skc_gegl_load_photo (const char *path, skc_image *img,
                                SkcGeglPhotoFormat *format, skc_error *err);

/* Refuses, with the message skc_gegl_load_photo would give, a file that
 * cannot be opened or does not start as an image skc reads; reads its
 * first bytes only and needs no GEGL. */
skc_result skc_gegl_photo_check (const char *path, skc_error *err);

/* Output sample depths: SKC_GEGL_DEPTH_KEEP writes the loaded file's
 * depth, or the nearest the output format holds (a float PFM written as
 * PNG: 16 bits; a 16-bit PNG written as JPEG: 8); 8 and 16 are integer
 * samples, perceptually coded (sRGB), 32 linear floats. */
#define SKC_GEGL_DEPTH_KEEP 0

/* Whether skc can write `path`'s file format (by its extension: PNG,
 * JPEG, TIFF, WebP, OpenEXR, RGBE, PNM, PFM) at `bit_depth`
 * (SKC_GEGL_DEPTH_KEEP: at any).  Needs no GEGL, so that a front end
 * refuses an output before it reads or writes anything. */
skc_result skc_gegl_output_check (const char *path, int bit_depth,
                                  skc_error *err);

/* Saves pixels loaded by skc_gegl_load_photo (after filtering) to path;
 * the extension chooses the file format (.pfm written by the core, others
 * by GEGL), in the loaded file's channels (an RGB file gives RGB, grey
 * grey, alpha only if it had alpha) and at `bit_depth` (see above): an
 * 8-bit RGB PNG gives an 8-bit RGB PNG.  Conversions to integers round
 * to the nearest level (no dither: the blur has already smoothed what
 * dither would hide, and rounding keeps every run's bits the same and a
 * flat area flat).  The file is written under a temporary name beside
 * path and renamed, so that a failure leaves no partial file and path is
 * replaced only by a whole image. */
skc_result skc_gegl_save_photo (const char *path, const skc_image *img,
                                const SkcGeglPhotoFormat *format, int bit_depth,
                                skc_error *err);

/* Loads kernel weights as one value per pixel: PFM/PGM values as-is (RGB
 * PFM: luminance); other images: alpha if they have one, else perceptual
 * luminance Y'. */
skc_result skc_gegl_load_weights (const char *path, SkcGeglWant want,
                                  skc_image *img, skc_error *err);

/* Loads a blur map as one value per pixel: PFM values as they are (RGB:
 * their luminance); other files as perceptual luminance Y', or linear Y
 * when `linear` (the map-linear parameter).  *code_count (when codes is
 * not NULL) gets how many values an 8-bit grey file holds at most, their
 * values into codes (skc_engine_new_for_map), or 0 for other files. */
skc_result skc_gegl_load_map (const char *path, int linear, skc_image *map,
                              float codes[256], int *code_count,
                              skc_error *err);

/* A shape that names a file, loaded: a `.skc` file is a fitted filter,
 * any other file kernel weights (skc_gegl_load_weights). */
typedef struct
{
  skc_filter *filter; /* the .skc file's filter, or NULL */
  skc_image weights;  /* the image's weights, or empty */
} SkcGeglShapeFile;

/* Whether the file at `path` is read as a fitted filter (by its name, as
 * skc_gegl_shape_file_load decides): such a filter has its own size, so
 * no radius scales it. */
int skc_gegl_shape_file_is_filter (const char *path);

skc_result skc_gegl_shape_file_load (const char *path, SkcGeglWant want,
                                     SkcGeglShapeFile *file, skc_error *err);
/* The file takes the place of p's shape: p->filter and p->shape_image
 * point into `file`, which must outlive every use of p. */
void skc_gegl_shape_file_use (const SkcGeglShapeFile *file, skc_params *p);
void skc_gegl_shape_file_clear (SkcGeglShapeFile *file);

/* For a program that does not run GEGL itself (the skc tool): from now on
 * the functions above start GEGL when a file first needs it, after the
 * file passed its signature check (refusing a file stays quick and
 * quiet).  Programs that run GEGL (the plug-ins, whatever loads the GEGL
 * operation) start it before calling here and never call this. */
void skc_gegl_start_on_demand (void);
/* Stops GEGL if this adapter started it. */
void skc_gegl_stop (void);

#endif
