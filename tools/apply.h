/* skc command-line tool — `skc apply`'s parts that one file and a batch
 * share (cmd_apply.c), and the batch (apply_batch.c).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_CLI_APPLY_H
#define SKC_CLI_APPLY_H

#include "cli.h"
#include "files.h"

/* The command line of one `skc apply`. */
typedef struct
{
  const char **inputs; /* files or folders */
  int n_inputs;
  const char *output; /* a file, or a folder for a batch */
  const char *kernel, *map_path, *preset_path, *save_path;
  const char *subject; /* --subject MASK (then also map_path) */
  int verbose;
  int bit_depth;  /* SKC_GEGL_DEPTH_KEEP, 8, 16 or 32 */
  int jobs;       /* files at once in a batch; 0: as many as cores */
  int progress;   /* a batch's progress line: 1, 0, or -1 on a terminal */
  int at_x, at_y; /* --kernel-at, or -1 */
  unsigned given; /* SKC_PRESET_* bits of the options given */
  skc_params params;
  skc_run run;
} cli_apply_options;

/* What blurring takes once options are read: the parameters with the
 * preset and the shape applied, and the engine. */
typedef struct
{
  skc_params params;
  skc_engine *engine;
  SkcGeglShapeFile shape_file; /* a shape that names a file */
  skc_preset *preset;          /* --preset, which params may point into */
} cli_apply_setup;

/* A photo read to be blurred. */
typedef struct
{
  skc_image image;
  SkcGeglPhotoFormat kind;
  double read_seconds;
} cli_photo;

/* Applies --preset and --kernel, builds the engine (and with
 * --save-preset, writes the preset); the values a blur map can hold, when
 * few (an 8-bit map's 256; else count 0), are told to it
 * (skc_engine_new_for_map).  Errors are one line in err. */
skc_result cli_apply_prepare (const cli_apply_options *o,
                              const float *map_values, int count,
                              cli_apply_setup *s, skc_error *err);
void cli_apply_setup_clear (cli_apply_setup *s);

skc_result cli_apply_read (const char *input, cli_photo *photo, skc_error *err);
/* Blurs a photo read from `input` (map: of its size, or NULL) and writes
 * it to output at o->bit_depth; with --verbose, says how long reading,
 * blurring and writing took. */
skc_result cli_apply_write (const cli_apply_options *o,
                            const cli_apply_setup *s, const char *input,
                            const cli_photo *photo, const skc_image *map,
                            const char *output, skc_error *err);

/* Whether paths a and b name one file (the same device and inode). */
int cli_same_file (const char *a, const char *b);

/* Several inputs or a folder into the folder o->output; the exit status. */
int cli_apply_batch (const cli_apply_options *o);

#endif
