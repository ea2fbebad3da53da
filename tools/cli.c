/* skc command-line tool — shared helpers (see cli.h).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "files.h"

void
cli_die (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  fputs ("skc: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  skc_gegl_stop ();
  exit (CLI_EXIT_USAGE);
}

double
cli_number (const char *option, const char *text, double min, double max)
{
  char *end;
  errno = 0;
  double v = strtod (text, &end);
  if (end == text || *end || errno || !isfinite (v))
    cli_die ("%s needs a number, not '%s'", option, text);
  if (v < min || v > max)
    cli_die ("%s %s is outside %g..%g", option, text, min, max);
  return v;
}

int
cli_integer (const char *option, const char *text, int min, int max)
{
  double v = cli_number (option, text, min, max);
  if (v != floor (v))
    cli_die ("%s needs a whole number, not '%s'", option, text);
  return (int) v;
}

const char *
cli_value (int argc, char **argv, int *i)
{
  if (*i + 1 >= argc)
    cli_die ("%s needs a value", argv[*i]);
  return argv[++*i];
}

void
cli_positional (const char *command, const char *what, const char *arg,
                const char **positional)
{
  if (arg[0] == '-' && arg[1])
    cli_die ("%s: unknown option '%s'", command, arg);
  if (*positional)
    cli_die ("%s: more than one %s ('%s', '%s')", command, what, *positional,
             arg);
  *positional = arg;
}

int
cli_has_suffix (const char *path, const char *suffix)
{
  size_t n = strlen (path), m = strlen (suffix);
  return n >= m && strcasecmp (path + n - m, suffix) == 0;
}

static int
file_exists (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode);
}

skc_result
cli_make_target (const char *target, double radius, int size, skc_image *kernel,
                 skc_filter_info *info, skc_error *err)
{
  memset (info, 0, sizeof *info);
  skc_shape shape;
  skc_result r;
  if (strncmp (target, "shape:", 6) == 0 || strncmp (target, "file:", 5) == 0)
    r = skc_shape_parse (target, &shape, err);
  else if (file_exists (target))
    {
      skc_shape_init (&shape);
      shape.kind = SKC_SHAPE_FILE;
      if (strlen (target) >= sizeof shape.path)
        return skc_fail (err, SKC_ERR_TOO_LARGE, "path too long");
      strcpy (shape.path, target);
      r = SKC_OK;
    }
  else if (strchr (target, '/') || strchr (target, '.'))
    return skc_fail (err, SKC_ERR_IO, "%s: no such file", target);
  else
    r = skc_shape_parse (target, &shape, err);
  if (r != SKC_OK)
    return r;

  skc_shape_format (&shape, info->spec, sizeof info->spec);
  info->radius = radius;
  if (shape.kind != SKC_SHAPE_FILE)
    {
      r = skc_shape_render (&shape, radius, size, kernel, err);
      info->target_size = r == SKC_OK ? kernel->width : 0;
      return r;
    }
  skc_image weights = { 0 };
  r = skc_gegl_load_weights (shape.path, SKC_GEGL_WANT_IMAGE, &weights, err);
  if (r != SKC_OK)
    return r;
  r = skc_kernel_from_values (weights.data, weights.width, weights.height,
                              weights.stride, size, kernel, err);
  skc_image_free (&weights);
  if (r == SKC_OK)
    {
      info->target_size = kernel->width;
      if (info->radius <= 0)
        info->radius = kernel->width / 2;
    }
  else
    {
      char detail[sizeof err->message];
      snprintf (detail, sizeof detail, "%s", err ? err->message : "");
      skc_fail (err, r, "%s: %s", shape.path, detail);
    }
  return r;
}

const char *
cli_data_path (const char *relative)
{
  static char path[SKC_PATH_MAX];
  const char *dirs[3]
      = { getenv ("SKC_DATA_DIR"), SKC_SOURCE_DATA_DIR, SKC_INSTALL_DATA_DIR };
  for (int i = 0; i < 3; i++)
    {
      if (!dirs[i] || !*dirs[i])
        continue;
      snprintf (path, sizeof path, "%s/%s", dirs[i], relative);
      if (file_exists (path))
        return path;
    }
  return NULL;
}

skc_result
cli_load_bench_photos (int count, skc_photo_set **set, skc_error *err)
{
  static const char *const names[]
      = { "photos/astronaut-384.ppm", "photos/coffee-384.ppm",
          "photos/rocket-384.ppm" };
  skc_image photos[3] = { { 0 } };
  skc_result r = SKC_OK;
  if (count > 3)
    count = 3;
  for (int i = 0; i < count && r == SKC_OK; i++)
    {
      const char *path = cli_data_path (names[i]);
      if (!path)
        r = skc_fail (err, SKC_ERR_IO,
                      "bundled photo data/%s not found (set SKC_DATA_DIR)",
                      names[i]);
      else
        r = skc_pnm_read (path, &photos[i], err);
    }
  if (r == SKC_OK)
    r = skc_photo_set_new (photos, count, set, err);
  for (int i = 0; i < count; i++)
    skc_image_free (&photos[i]);
  return r;
}

FILE *
cli_csv_create (const char *path, const char *columns)
{
  FILE *csv = fopen (path, "w");
  if (!csv)
    cli_die ("%s: cannot write", path);
  fprintf (csv, "%s\n", columns);
  return csv;
}

void
cli_print_machine (FILE *out)
{
  char date[64];
  time_t now = time (NULL);
  strftime (date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime (&now));
  struct utsname u;
  uname (&u);
  char cpu[256] = "unknown CPU";
  FILE *info = fopen ("/proc/cpuinfo", "r");
  if (info)
    {
      char line[512];
      while (fgets (line, sizeof line, info))
        if (strncmp (line, "model name", 10) == 0)
          {
            char *colon = strchr (line, ':');
            if (colon)
              {
                snprintf (cpu, sizeof cpu, "%s", colon + 2);
                cpu[strcspn (cpu, "\n")] = '\0';
              }
            break;
          }
      fclose (info);
    }
  fprintf (out, "date %s; %s %s; %s; %d cores\n", date, u.sysname, u.machine,
           cpu, (int) sysconf (_SC_NPROCESSORS_ONLN));
}
