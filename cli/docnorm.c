/* docnorm — turns incoming documents into structured, validated records. */
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "dn-cli.h"
#include "dn-config.h"

typedef struct {
  const char *name;
  int (*run) (int argc, char **argv);
  const char *summary;
} DnCommand;

static const DnCommand commands[] = {
  { "convert", dn_cmd_convert, "convert one document into a record" },
  { "batch", dn_cmd_batch, "convert many documents (folders, .zip archives) into OUTDIR" },
  { "formats", dn_cmd_formats, "list readers and writers, and refused plugins" },
};

static void
print_usage (FILE *to)
{
  fprintf (to, "Usage: docnorm COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (to, "\n'docnorm COMMAND --help' describes a command. 'docnorm --version' prints the version.\n");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc < 2) {
    print_usage (stderr);
    return DN_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if (strcmp (cmd, "--help") == 0 || strcmp (cmd, "-h") == 0 || strcmp (cmd, "help") == 0) {
    print_usage (stdout);
    return DN_EXIT_OK;
  }
  if (strcmp (cmd, "--version") == 0 || strcmp (cmd, "-V") == 0) {
    printf ("docnorm %s (record schema %s, plugin ABI %u)\n", DN_VERSION, DN_SCHEMA_VERSION,
            DN_PLUGIN_ABI_VERSION);
    return DN_EXIT_OK;
  }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++) {
    if (strcmp (cmd, commands[i].name) == 0) {
      /* argv[0] of the subcommand reads "docnorm convert" in its --help. */
      char *prog = g_strdup_printf ("docnorm %s", cmd);
      g_set_prgname (prog);
      argv[1] = prog;
      int status = commands[i].run (argc - 1, argv + 1);
      g_free (prog);
      return status;
    }
  }
  dn_cli_error (cmd, "unknown command (see docnorm --help)");
  return DN_EXIT_USAGE;
}
