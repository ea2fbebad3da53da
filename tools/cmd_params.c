/* skc command-line tool — `skc params`: the parameter table
 * (skc/params.def) as a Markdown table, for docs/architecture.md
 * (scripts/params-doc.sh splices it in; the CLI test checks it is there).
 * SPDX-License-Identifier: GPL-3.0-or-later */
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char *const group_names[] = {
  [SKC_PARAM_GROUP_SHAPE] = "shape",
  [SKC_PARAM_GROUP_BLUR] = "blur",
  [SKC_PARAM_GROUP_MAP] = "map",
  [SKC_PARAM_GROUP_LENS] = "lens",
  [SKC_PARAM_GROUP_HIGHLIGHTS] = "highlights",
  [SKC_PARAM_GROUP_FIT] = "fit",
};

/* The type column, and the range and default columns, of one row. */
static void
describe (const skc_param_info *row, char *type, char *range, char *def,
          size_t size)
{
  switch (row->type)
    {
    case SKC_PARAM_TYPE_SHAPE:
      snprintf (type, size, "shape");
      snprintf (range, size, "%s", skc_shape_names ());
      snprintf (def, size, "%s",
                skc_shape_name ((skc_shape_kind) row->default_value));
      return;
    case SKC_PARAM_TYPE_QUALITY:
    case SKC_PARAM_TYPE_DEPTH:
      snprintf (type, size, "enum");
      snprintf (range, size, "%s", skc_param_choice_names (row));
      snprintf (def, size, "%s",
                skc_param_choice_name (row, (int) row->default_value));
      return;
    case SKC_PARAM_TYPE_BOOL:
      snprintf (type, size, "bool");
      snprintf (range, size, "yes, no");
      snprintf (def, size, "%s", row->default_value ? "yes" : "no");
      return;
    case SKC_PARAM_TYPE_WHOLE:
    case SKC_PARAM_TYPE_SEED:
      snprintf (type, size, "integer");
      break;
    case SKC_PARAM_TYPE_NUMBER:
      snprintf (type, size, "number%s%s", row->unit[0] ? ", " : "", row->unit);
      break;
    }
  if (row->ui_min != row->min || row->ui_max != row->max)
    snprintf (range, size, "%g–%g (slider %g–%g)", row->min, row->max,
              row->ui_min, row->ui_max);
  else
    snprintf (range, size, "%g–%g", row->min, row->max);
  snprintf (def, size, "%g", row->default_value);
}

int
cli_cmd_params (int argc, char **argv)
{
  const skc_param_info *table = skc_param_table ();

  for (int i = 1; i < argc; i++)
    if (strcmp (argv[i], "--markdown") != 0)
      cli_die ("params: unknown option '%s' (--markdown)", argv[i]);
  printf ("| name | group | type | range | default | meaning |\n"
          "|---|---|---|---|---|---|\n");
  for (int i = 0; i < SKC_PARAM_COUNT; i++)
    {
      const skc_param_info *row = &table[i];
      char type[128], range[128], def[128];

      describe (row, type, range, def, sizeof type);
      printf ("| `%s` | %s | %s | %s | %s | %s%s%s%s |\n", row->name,
              group_names[row->group], type, range, def, row->help,
              row->shapes[0] ? " (" : "", row->shapes,
              row->shapes[0] ? ")" : "");
    }
  return 0;
}
