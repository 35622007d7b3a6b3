/* docnorm — turns incoming documents into structured, validated records. */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
  { "serve", dn_cmd_serve, "convert documents sent over HTTP (PUT /convert)" },
  { "watch", dn_cmd_watch, "convert every file that arrives in a folder" },
};

#ifndef DN_HAVE_SOUP
int
dn_cmd_serve (int argc, char **argv)
{
  dn_cli_error ("serve", "unavailable: this docnorm was built without libsoup-3.0 (install libsoup-3.0-dev and rebuild)");
  return DN_EXIT_USAGE;
}
#endif

static void
print_usage (FILE *to)
{
  fprintf (to, "Usage: docnorm COMMAND [OPTION…]\n\nCommands:\n");
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (to, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fprintf (to, "\n'docnorm COMMAND --help' describes a command. 'docnorm --version' prints the version.\n");
}

/* Ends the process once a command has returned. Output is flushed and checked
 * first; then _exit() skips the exit handlers and destructors of the loaded
 * libraries (OpenSSL's, ICU's, libxml2's, GLib's), which only free memory the
 * kernel takes back anyway and cost about 1 ms per run (bench/README.md).
 * Under AddressSanitizer the normal exit runs, so its leak check still does. */
static int
exit_now (int status)
{
  if (fflush (stdout) != 0 && status == DN_EXIT_OK) {
    dn_cli_error ("standard output", "cannot write: %s", g_strerror (errno));
    status = DN_EXIT_IO;
  }
  fflush (stderr);
#ifndef __SANITIZE_ADDRESS__
  _exit (status);
#endif
  return status;
}

int
main (int argc, char **argv)
{
  /* Messages follow the user's language and charset; nothing else may: a
   * record must not change with LC_NUMERIC, LC_TIME or LC_COLLATE. Leaving
   * the other categories at "C" also spares loading their locale files. */
  setlocale (LC_CTYPE, "");
  setlocale (LC_MESSAGES, "");
  /* Tesseract's OpenMP threads spin on a busy machine: a two-page scan took
   * 44 s on four threads, 13 s on one, for the same text; and batch and
   * serve run one document per core already. libgomp reads this when the
   * OCR engine's module loads. A user's own value stands. */
  g_setenv ("OMP_THREAD_LIMIT", "1", FALSE);
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
      return exit_now (status);
    }
  }
  dn_cli_error (cmd, "unknown command (see docnorm --help)");
  return DN_EXIT_USAGE;
}
