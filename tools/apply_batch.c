/* skc command-line tool — `skc apply` over several files or folders: the
 * outputs go into one folder under the inputs' file names, several files
 * at once in worker processes, with a progress line on stderr.
 *
 * Everything that can be known before reading pixels is checked first,
 * and nothing is written when any of it fails: every input exists and
 * starts as an image, the output folder is none of the inputs' folders, no
 * target is an input or the target of another input, and every target's
 * format holds the depth asked for.  A file that fails later (its pixels
 * cannot be decoded, say) is reported on its own line and written
 * nowhere; the others are still done, and the exit status is 2.
 *
 * Workers are processes forked before GEGL starts (each starts its own):
 * PNG and JPEG decoding and encoding are serial, so files side by side
 * use the cores far better than one file's blur threads do.  Each worker
 * builds its engine once and takes the next file from a counter in shared
 * memory; the parent only watches and reports.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "apply.h"
#include "bench_apply.h"

enum
{
  FILE_WAITING,
  FILE_RUNNING,
  FILE_WRITTEN,
  FILE_FAILED
};

/* One file's state, written by the worker that takes it. */
typedef struct
{
  atomic_int state;
  pid_t worker; /* the worker that took it */
  int width, height;
  char message[sizeof ((skc_error *) 0)->message];
} batch_file;

/* Shared between the parent and the workers (an anonymous shared map). */
typedef struct
{
  atomic_int next;      /* the next file a worker takes */
  atomic_int setup_err; /* whether a worker could not build its engine */
  char setup_message[sizeof ((skc_error *) 0)->message];
  batch_file files[];
} batch_shared;

typedef struct
{
  char **inputs, **targets;
  int count, capacity;
} batch_list;

static const char *const input_suffixes[]
    = { ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".webp",
        ".exr", ".hdr", ".ppm",  ".pgm", ".pnm",  ".pfm" };

static int
is_image_name (const char *name)
{
  if (name[0] == '.')
    return 0; /* hidden files, and skc's own temporary ones */
  for (size_t i = 0; i < sizeof input_suffixes / sizeof input_suffixes[0]; i++)
    if (cli_has_suffix (name, input_suffixes[i]))
      return 1;
  return 0;
}

static void
list_add (batch_list *l, char *input)
{
  if (l->count == l->capacity)
    {
      l->capacity = l->capacity ? 2 * l->capacity : 16;
      l->inputs = realloc (l->inputs, (size_t) l->capacity * sizeof (char *));
      if (!l->inputs)
        cli_die ("out of memory");
    }
  l->inputs[l->count++] = input;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A folder's image files (by extension, not hidden), sorted by name. */
static void
list_folder (batch_list *l, const char *folder)
{
  DIR *dir = opendir (folder);
  if (!dir)
    cli_die ("%s: cannot open the folder: %s", folder, strerror (errno));
  int first = l->count;
  struct dirent *entry;
  while ((entry = readdir (dir)) != NULL)
    {
      struct stat st;
      if (!is_image_name (entry->d_name))
        continue;
      size_t size = strlen (folder) + strlen (entry->d_name) + 2;
      char *path = malloc (size);
      if (!path)
        cli_die ("out of memory");
      snprintf (path, size, "%s/%s", folder, entry->d_name);
      if (stat (path, &st) == 0 && S_ISREG (st.st_mode))
        list_add (l, path);
      else
        free (path);
    }
  closedir (dir);
  if (l->count == first)
    cli_die ("%s: no image files in this folder (.png, .jpg, .tif, .webp, "
             ".exr, .hdr, .ppm, .pgm, .pnm or .pfm)",
             folder);
  qsort (l->inputs + first, (size_t) (l->count - first), sizeof (char *),
         compare_names);
}

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

/* Whether `folder` is the folder that holds file `path`. */
static int
holds (const struct stat *folder, const char *path)
{
  char *copy = strdup (path);
  struct stat st;
  if (!copy)
    cli_die ("out of memory");
  int same = stat (dirname (copy), &st) == 0 && st.st_dev == folder->st_dev
             && st.st_ino == folder->st_ino;
  free (copy);
  return same;
}

/* The inputs and their targets, every check done; creates the output
   folder last, and says whether it did. */
static int
plan (const cli_apply_options *o, batch_list *l)
{
  struct stat st, out;
  skc_error err;
  for (int i = 0; i < o->n_inputs; i++)
    {
      const char *input = o->inputs[i];
      if (stat (input, &st) != 0)
        cli_die ("%s: %s", input, strerror (errno));
      if (S_ISDIR (st.st_mode))
        list_folder (l, input);
      else
        {
          char *copy = strdup (input);
          if (!copy)
            cli_die ("out of memory");
          list_add (l, copy);
        }
    }
  int out_exists = stat (o->output, &out) == 0;
  if (out_exists && !S_ISDIR (out.st_mode))
    cli_die ("%s: not a folder (several inputs or a folder go into a "
             "folder, under their own names)",
             o->output);
  l->targets = calloc ((size_t) l->count, sizeof (char *));
  if (!l->targets)
    cli_die ("out of memory");
  for (int i = 0; i < l->count; i++)
    {
      const char *input = l->inputs[i];
      if (out_exists && holds (&out, input))
        cli_die ("%s: the output folder holds the input %s; skc never "
                 "overwrites its inputs (choose another folder)",
                 o->output, input);
      size_t size = strlen (o->output) + strlen (base_name (input)) + 2;
      l->targets[i] = malloc (size);
      if (!l->targets[i])
        cli_die ("out of memory");
      snprintf (l->targets[i], size, "%s/%s", o->output, base_name (input));
      for (int j = 0; j < i; j++)
        if (strcmp (base_name (l->inputs[j]), base_name (input)) == 0)
          cli_die ("%s and %s would both be written to %s", l->inputs[j], input,
                   l->targets[i]);
      for (int j = 0; j < l->count; j++)
        if (cli_same_file (l->targets[i], l->inputs[j]))
          cli_die ("%s: is the input %s; skc never overwrites its inputs",
                   l->targets[i], l->inputs[j]);
      /* By the name alone: the folder may not exist yet. */
      if (skc_gegl_output_check (base_name (input), o->bit_depth, &err)
              != SKC_OK
          || skc_gegl_photo_check (input, &err) != SKC_OK)
        cli_die ("%s", err.message);
    }
  if (!out_exists && mkdir (o->output, 0777) != 0)
    cli_die ("%s: cannot create the folder: %s", o->output, strerror (errno));
  return !out_exists;
}

/* A worker: builds its engine, then blurs files until none is left. */
static _Noreturn void
work (const cli_apply_options *o, const batch_list *l, batch_shared *shared)
{
  cli_apply_setup setup;
  skc_error err;
  int status = 0;
  if (cli_apply_prepare (o, NULL, 0, &setup, &err) != SKC_OK)
    {
      if (atomic_exchange (&shared->setup_err, 1) == 0)
        snprintf (shared->setup_message, sizeof shared->setup_message, "%s",
                  err.message);
      fflush (stderr);
      _exit (CLI_EXIT_USAGE);
    }
  for (;;)
    {
      int i = atomic_fetch_add (&shared->next, 1);
      if (i >= l->count)
        break;
      batch_file *f = &shared->files[i];
      cli_photo photo;
      f->worker = getpid ();
      atomic_store (&f->state, FILE_RUNNING);
      skc_result r = cli_apply_read (l->inputs[i], &photo, &err);
      if (r == SKC_OK)
        r = cli_apply_write (o, &setup, l->inputs[i], &photo, NULL,
                             l->targets[i], &err);
      f->width = photo.image.width;
      f->height = photo.image.height;
      skc_image_free (&photo.image);
      if (r != SKC_OK)
        {
          snprintf (f->message, sizeof f->message, "%s", err.message);
          status = CLI_EXIT_USAGE;
        }
      atomic_store (&f->state, r == SKC_OK ? FILE_WRITTEN : FILE_FAILED);
    }
  cli_apply_setup_clear (&setup);
  fflush (stdout);
  fflush (stderr);
  skc_gegl_stop ();
  _exit (status);
}

typedef struct
{
  int shown;    /* whether a progress line is shown */
  int terminal; /* rewritten in place, or one line per change */
  int done, last_done;
  double start;
} progress;

static void
progress_clear (progress *p)
{
  if (p->shown && p->terminal)
    fputs ("\r\033[K", stderr);
}

static void
progress_show (progress *p, int done, int failed, int running, int count)
{
  if (!p->shown || (!p->terminal && done == p->last_done))
    return;
  p->last_done = done;
  fprintf (stderr, "%sskc: %d of %d files done", p->terminal ? "\r" : "", done,
           count);
  if (failed)
    fprintf (stderr, " (%d failed)", failed);
  fprintf (stderr, ", %d running, %.1f s%s", running,
           bench_now_seconds () - p->start, p->terminal ? "\033[K" : "\n");
  fflush (stderr);
}

/* Worker `pid` ended without finishing its file: the file failed. */
static void
stopped (batch_shared *shared, const batch_list *l, pid_t pid, int status)
{
  for (int i = 0; i < l->count; i++)
    {
      batch_file *f = &shared->files[i];
      if (atomic_load (&f->state) != FILE_RUNNING || f->worker != pid)
        continue;
      snprintf (f->message, sizeof f->message,
                "%s: skc stopped while reading or writing it (%s %d): a "
                "damaged file its decoder gave up on?",
                l->inputs[i], WIFSIGNALED (status) ? "signal" : "exit status",
                WIFSIGNALED (status) ? WTERMSIG (status)
                                     : WEXITSTATUS (status));
      atomic_store (&f->state, FILE_FAILED);
    }
}

int
cli_apply_batch (const cli_apply_options *o)
{
  if (o->map_path || o->at_x >= 0 || o->save_path)
    cli_die (
        "--map, --subject, --kernel-at and --save-preset take a single input "
        "file");
  batch_list l = { 0 };
  int created = plan (o, &l);

  size_t size = sizeof (batch_shared) + (size_t) l.count * sizeof (batch_file);
  batch_shared *shared = mmap (NULL, size, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED)
    cli_die ("cannot share memory with the workers: %s", strerror (errno));
  memset (shared, 0, size);

  long online = sysconf (_SC_NPROCESSORS_ONLN);
  int cpus = online > 0 ? (int) online : 1;
  int jobs = o->jobs > 0 ? o->jobs : cpus;
  if (jobs > l.count)
    jobs = l.count;
  cli_apply_options each = *o;
  if (each.run.threads <= 0)
    each.run.threads = cpus / jobs > 1 ? cpus / jobs : 1;
  if (o->verbose)
    fprintf (stderr, "skc: %d files, %d at once, %d engine threads each\n",
             l.count, jobs, each.run.threads);

  progress p = { .start = bench_now_seconds (), .last_done = -1 };
  p.terminal = isatty (STDERR_FILENO);
  p.shown = o->progress < 0 ? p.terminal : o->progress;
  fflush (stdout);
  fflush (stderr);
  pid_t *workers = calloc ((size_t) jobs, sizeof (pid_t));
  if (!workers)
    cli_die ("out of memory");
  for (int k = 0; k < jobs; k++)
    {
      workers[k] = fork ();
      if (workers[k] < 0)
        {
          /* Those started finish the files. */
          jobs = k;
          break;
        }
      if (workers[k] == 0)
        work (&each, &l, shared);
    }
  if (jobs == 0)
    cli_die ("cannot start a worker: %s", strerror (errno));

  /* Watch: report each file once, in the order they finish. */
  char *reported = calloc ((size_t) l.count, 1);
  int alive = jobs, done = 0, failed = 0;
  if (!reported)
    cli_die ("out of memory");
  for (;;)
    {
      int status;
      for (int k = 0; k < jobs; k++)
        if (workers[k] > 0 && waitpid (workers[k], &status, WNOHANG) > 0)
          {
            if (!(WIFEXITED (status)
                  && (WEXITSTATUS (status) == 0
                      || WEXITSTATUS (status) == CLI_EXIT_USAGE)))
              {
                /* A decoder inside GEGL may end the process on a damaged
                   file (libjpeg's exit): that file failed, and a new
                   worker takes the rest. */
                stopped (shared, &l, workers[k], status);
                if (atomic_load (&shared->next) < l.count
                    && (workers[k] = fork ()) == 0)
                  work (&each, &l, shared);
                if (workers[k] > 0)
                  continue;
              }
            workers[k] = 0;
            alive--;
          }
      int running = 0;
      for (int i = 0; i < l.count; i++)
        {
          batch_file *f = &shared->files[i];
          int state = atomic_load (&f->state);
          running += state == FILE_RUNNING;
          if (reported[i] || (state != FILE_WRITTEN && state != FILE_FAILED))
            continue;
          reported[i] = 1;
          done++;
          progress_clear (&p);
          if (state == FILE_WRITTEN)
            printf ("wrote %s (%dx%d)\n", l.targets[i], f->width, f->height);
          else
            {
              failed++;
              fflush (stdout);
              fprintf (stderr, "skc: %s\n", f->message);
            }
          fflush (stdout);
        }
      if (!alive)
        break;
      progress_show (&p, done, failed, running, l.count);
      nanosleep (&(struct timespec){ 0, 50 * 1000 * 1000 }, NULL);
    }
  progress_clear (&p);
  if (atomic_load (&shared->setup_err))
    {
      /* No worker could start, so nothing was written: not even the
         folder stays (rmdir removes only an empty one). */
      if (created)
        rmdir (o->output);
      cli_die ("%s", shared->setup_message);
    }
  for (int i = 0; i < l.count; i++)
    if (!reported[i])
      {
        fprintf (stderr, "skc: %s: not done: no worker could take it\n",
                 l.inputs[i]);
        failed++;
      }
  if (p.shown)
    {
      p.terminal = 0;
      p.last_done = -1;
      progress_show (&p, done, failed, 0, l.count);
    }
  for (int i = 0; i < l.count; i++)
    {
      free (l.inputs[i]);
      free (l.targets[i]);
    }
  free (l.inputs);
  free (l.targets);
  free (reported);
  free (workers);
  munmap (shared, size);
  return failed ? CLI_EXIT_USAGE : 0;
}
