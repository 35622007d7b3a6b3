/* docnorm convert INPUT [-o OUTPUT] [-t FORMAT] … */
#include <string.h>

#include "dn-cli.h"

static char *opt_output;
static char *opt_to;
static char *opt_from;
static gboolean opt_pretty;
static gboolean opt_hints;
static gboolean opt_raw;
static char *opt_password;
static char *opt_images;
static gint64 opt_max_input_mb = -1;

static const GOptionEntry convert_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "Write the record to FILE ('-' = standard output, the default)", "FILE" },
  { "to", 't', 0, G_OPTION_ARG_STRING, &opt_to, "Writer to use (default: from the output's extension, else json)", "FORMAT" },
  { "from", 'f', 0, G_OPTION_ARG_STRING, &opt_from, "Reader to use instead of probing the input", "FORMAT" },
  { "pretty", 0, 0, G_OPTION_ARG_NONE, &opt_pretty, "Indent the output for people", NULL },
  { "hints", 0, 0, G_OPTION_ARG_NONE, &opt_hints, "Include layout hints (style, font size, box) in the record", NULL },
  { "raw", 0, 0, G_OPTION_ARG_NONE, &opt_raw, "Skip report analysis: the reader's blocks as they are", NULL },
  { "password", 0, 0, G_OPTION_ARG_STRING, &opt_password, "Password for an encrypted input", "PASSWORD" },
  { "images", 0, 0, G_OPTION_ARG_FILENAME, &opt_images, "Write embedded images into DIR", "DIR" },
  { "max-input-mb", 0, 0, G_OPTION_ARG_INT64, &opt_max_input_mb, "Refuse inputs larger than N MiB (default 512)", "N" },
  { NULL },
};

/* The writer: --to, else the output file's extension, else json. */
static const DnPluginDesc *
choose_writer (const DnRegistry *reg, const char *output)
{
  if (opt_to != NULL)
    return dn_registry_find_writer (reg, opt_to);
  const char *dot = output != NULL ? strrchr (output, '.') : NULL;
  if (dot != NULL && strchr (dot, '/') == NULL) {
    const DnPluginDesc *w = dn_registry_find_writer (reg, dot + 1);
    if (w != NULL)
      return w;
  }
  return dn_registry_find_writer (reg, "json");
}

int
dn_cmd_convert (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("INPUT — convert one document into a record");
  g_option_context_set_summary (ctx,
    "Reads INPUT ('-' = standard input), chooses a reader by probing its first bytes,\n"
    "analyses it as a report and writes one record.");
  g_option_context_set_description (ctx,
    "Exit status: 0 converted, 1 conversion failed, 2 usage, 3 input/output,\n"
    "4 unknown or unsupported format, 5 encrypted (password needed or wrong).");
  g_option_context_add_main_entries (ctx, convert_entries, NULL);
  gboolean parsed = dn_cli_parse (ctx, "convert", &argc, &argv);
  g_option_context_free (ctx);
  if (!parsed)
    return DN_EXIT_USAGE;
  if (argc != 2) {
    dn_cli_error ("convert", argc < 2 ? "no INPUT given (see docnorm convert --help)"
                                      : "one INPUT at a time (see docnorm batch)");
    return DN_EXIT_USAGE;
  }
  const char *input = argv[1];
  const char *output = opt_output != NULL ? opt_output : "-";

  DnRegistry *reg = dn_cli_registry_new ();
  const DnPluginDesc *writer = choose_writer (reg, output);
  if (writer == NULL) {
    dn_cli_error ("convert", "no writer named '%s' (see docnorm formats)", opt_to != NULL ? opt_to : "json");
    dn_registry_free (reg);
    return DN_EXIT_USAGE;
  }

  DnConvertOptions options;
  dn_convert_options_init (&options);
  options.reader_name = opt_from;
  options.analyse = !opt_raw;
  options.read.password = opt_password;
  options.read.images_dir = opt_images;
  if (opt_max_input_mb >= 0)
    options.read.limits.max_input_bytes = (guint64) opt_max_input_mb * 1024 * 1024;
  options.write.pretty = opt_pretty;
  options.write.with_hints = opt_hints;

  int status = DN_EXIT_OK;
  GError *error = NULL;
  DnDocument *doc = NULL;
  GBytes *data = dn_input_load (input, options.read.limits.max_input_bytes, &error);
  if (data != NULL)
    doc = dn_convert_bytes (reg, data, input, &options, &error);
  if (doc != NULL && !dn_output_write (writer, doc, &options.write, output, &error)) {
    dn_cli_error (output, "%s", error->message);
    status = dn_error_exit_status (error);
  } else if (doc == NULL) {
    dn_cli_error (input, "%s", error->message);
    status = dn_error_exit_status (error);
  }
  g_clear_error (&error);
  dn_document_free (doc);
  if (data != NULL)
    g_bytes_unref (data);
  dn_registry_free (reg);
  return status;
}
