/* skc command-line tool — entry point: fit, render, apply, bench.
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "files.h"

static void
usage (FILE *out)
{
  fputs (
      "usage: skc COMMAND [ARGS]\n"
      "  skc fit TARGET -o OUT.skc [--layers L] [--samples N]\n"
      "          [--offsets bilinear|integer] [--method disk|pst|lowrank]\n"
      "          [--rank R] [--init auto|radial|sparse|random] [--steps S]\n"
      "          [--preview] [--seed S] [--size PX] [--radius R] [--threads "
      "T]\n"
      "      TARGET: shape:NAME[:key=value,...], file:PATH or an image file\n"
      "      (PNG, PGM, PFM, ...).\n"
      "  skc render IN.skc -o KERNEL.pfm\n"
      "  skc apply IN -o OUT [--kernel K.skc|shape:...|IMAGE] [--map MAP]\n"
      "          [--subject MASK] [--preset P.skcpreset]\n"
      "          [--save-preset P.skcpreset] [--bit-depth 8|16|32]\n"
      "          [--threads T] [--verbose] [--kernel-at X,Y] [PARAMETERS]\n"
      "  skc apply IN... -o FOLDER [--jobs J] [--progress|--no-progress] ...\n"
      "      OUT keeps IN's channels and bit depth (the nearest OUT's format\n"
      "      holds); --bit-depth asks for 8 or 16 bits (rounded to the\n"
      "      nearest level, not dithered) or 32-bit floats.  Several inputs\n"
      "      or a folder (its image files) go into FOLDER under their own\n"
      "      names, J files at once (default: one per core), never over an\n"
      "      input.  --subject MASK: the mask (its alpha, else its grey) is a\n"
      "      sharp subject in front; the rest is background blurred by\n"
      "      --radius (--depth subject with the mask as the map).\n"
      "      --kernel-at X,Y writes, instead of the blurred image,\n"
      "      the effective kernel that pixel of IN gets (map value, swirl,\n"
      "      cat-eye and rounding included) as a PFM\n"
      "      PARAMETERS (the parameter table):\n",
      out);
  cli_apply_options_help (out);
  fputs ("  skc params [--markdown]   (the parameter table, as Markdown)\n"
         "  skc bench fit [--quick] [--csv FILE] [--kernels a,b,...]\n"
         "          [--threads T] [--seed S]\n"
         "  skc bench apply [--quick] [--size WxH] [--radii 10,24,...] [--runs "
         "N]\n"
         "          [--shape SPEC] [--threads T] [--csv FILE] [--no-gegl]\n"
         "  skc bench op [--size WxH] [--runs N] [--radii 24,75] [--map-radii "
         "150]\n"
         "          [--threads T] [--only CASES] [--csv FILE]\n",
         out);
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    cli_die ("no command given (fit, render, apply, bench; see skc --help "
             "for usage)");
  const char *cmd = argv[1];
  int status;
  /* GEGL runs only for the image files that need it. */
  skc_gegl_start_on_demand ();
  if (strcmp (cmd, "fit") == 0)
    status = cli_cmd_fit (argc - 1, argv + 1);
  else if (strcmp (cmd, "render") == 0)
    status = cli_cmd_render (argc - 1, argv + 1);
  else if (strcmp (cmd, "apply") == 0)
    status = cli_cmd_apply (argc - 1, argv + 1);
  else if (strcmp (cmd, "bench") == 0)
    status = cli_cmd_bench (argc - 1, argv + 1);
  else if (strcmp (cmd, "params") == 0)
    status = cli_cmd_params (argc - 1, argv + 1);
  else if (strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0
           || strcmp (cmd, "help") == 0)
    {
      usage (stdout);
      status = 0;
    }
  else
    cli_die ("unknown command '%s' (fit, render, apply, params, bench; "
             "see skc --help)",
             cmd);
  skc_gegl_stop ();
  return status;
}
