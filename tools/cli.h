/* skc command-line tool — what the subcommands share: failing with exit
 * status 2, option values, targets from specs or files, bundled data.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#ifndef SKC_CLI_H
#define SKC_CLI_H

#include <stdio.h>

#include "skc/skc.h"

#define CLI_EXIT_USAGE 2

/* Prints "skc: MESSAGE" on stderr and exits with status 2. */
_Noreturn void cli_die (const char *format, ...)
#if defined(__GNUC__)
    __attribute__ ((format (printf, 1, 2)))
#endif
    ;

/* Strict number parsing for option values: dies with a message naming the
 * option when the text is not a number within [min, max]. */
double cli_number (const char *option, const char *text, double min,
                   double max);
int cli_integer (const char *option, const char *text, int min, int max);

/* The value after option argv[*i]; dies if there is none. */
const char *cli_value (int argc, char **argv, int *i);

/* The last branch of a command's option loop, for an argument no option
 * took: dies when it looks like an option ("COMMAND: unknown option") or
 * when *positional is already set ("COMMAND: more than one WHAT"), and
 * otherwise makes it *positional. */
void cli_positional (const char *command, const char *what, const char *arg,
                     const char **positional);

/* Builds a target kernel from TARGET: `shape:...` (rasterised at `radius`
 * into `size`), `file:PATH` or an image path (resampled to `size` when
 * size > 0).  Fills info with what the target is. */
skc_result cli_make_target (const char *target, double radius, int size,
                            skc_image *kernel, skc_filter_info *info,
                            skc_error *err);

/* Whether path ends in suffix, whatever the case of its letters. */
int cli_has_suffix (const char *path, const char *suffix);

/* Full path of a bundled data file (data/RELATIVE): $SKC_DATA_DIR, then
 * the source tree, then the installed data folder.  NULL if not found. */
const char *cli_data_path (const char *relative);

/* The bundled photos of the benchmark protocol (float RGB 0..1). */
skc_result cli_load_bench_photos (int count, skc_photo_set **set,
                                  skc_error *err);

/* One line: date (UTC), system, CPU model and core count, for tables. */
void cli_print_machine (FILE *out);

/* Creates (or empties) the CSV file `path` and writes its header line,
 * `columns` (comma-separated); dies when it cannot. */
FILE *cli_csv_create (const char *path, const char *columns);

int cli_cmd_fit (int argc, char **argv);
int cli_cmd_render (int argc, char **argv);
int cli_cmd_apply (int argc, char **argv);
int cli_cmd_params (int argc, char **argv);
/* The parameter table's rows as `skc apply` options, one per line. */
void cli_apply_options_help (FILE *out);
int cli_cmd_bench (int argc, char **argv);
int cli_bench_apply (int argc, char **argv);
int cli_bench_crisp (int argc, char **argv);
int cli_bench_occlusion (int argc, char **argv);
int cli_bench_op (int argc, char **argv);

#endif
