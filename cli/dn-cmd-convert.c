/* docnorm convert INPUT [-o OUTPUT] [-t FORMAT] …
 * docnorm convert --ndjson < paths  (one compact record per line) */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
static char **opt_limits;
static gboolean opt_ndjson;
static char *opt_fail_on;
static guint fail_on;   /* parsed --fail-on */

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
  { "limit", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_limits, "Set a reader limit, e.g. max_entries=20000 (repeatable; docs/SECURITY.md lists them)", "NAME=VALUE" },
  { "fail-on", 0, 0, G_OPTION_ARG_STRING, &opt_fail_on, "Exit 6 when the record has a warning of LEVEL or above: warning or notice (docs/WARNINGS.md)", "LEVEL" },
  { "ndjson", 0, 0, G_OPTION_ARG_NONE, &opt_ndjson, "Read paths from standard input, one per line; write one compact JSON record (or error object) per line", NULL },
  { NULL },
};

/* The writer: --to, else the output file's extension, else json. */
static const DnPluginDesc *
choose_writer (DnRegistry *reg, const char *output)
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

static gboolean
write_all (int fd, const char *p, gsize len)
{
  while (len > 0) {
    ssize_t n = write (fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return FALSE;
    p += n;
    len -= (gsize) n;
  }
  return TRUE;
}

/* One line on standard output for a path that failed. */
static char *
error_line (const char *path, const GError *error)
{
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "code", error->domain == DN_ERROR ? dn_error_code_name (error->code)
                                                                      : "failed");
  json_object_set_string_member (e, "message", error->message);
  JsonObject *o = json_object_new ();
  char *valid = g_utf8_make_valid (path, -1);
  json_object_set_string_member (o, "path", valid);
  g_free (valid);
  json_object_set_object_member (o, "error", e);
  JsonNode *node = json_node_init_object (json_node_alloc (), o);
  char *text = json_to_string (node, FALSE);
  json_node_unref (node);
  json_object_unref (o);
  char *line = g_strconcat (text, "\n", NULL);
  g_free (text);
  return line;
}

/* --ndjson: paths on standard input, one per line (blank lines skipped);
 * for each, one line on standard output, in input order: the compact record,
 * or {"path":…,"error":{"code":…,"message":…}}. Each line leaves in one
 * write(), so lines from concurrent processes appending to one file do not
 * mix. Meant for GNU parallel, xargs, Hadoop Streaming, Spark's pipe(). */
static int
convert_ndjson (DnRegistry *reg, const DnPluginDesc *writer, const DnConvertOptions *options)
{
  int status = DN_EXIT_OK;
  char *path = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline (&path, &cap, stdin)) >= 0) {
    while (len > 0 && (path[len - 1] == '\n' || path[len - 1] == '\r'))
      path[--len] = '\0';
    if (len == 0)
      continue;
    GError *error = NULL;
    GBytes *out = NULL;
    GBytes *data = strcmp (path, "-") == 0
                     ? (g_set_error (&error, DN_ERROR, DN_ERROR_IO, "'-' is the list itself, not an input"), NULL)
                     : dn_input_load (path, options->read.limits.max_input_bytes, &error);
    if (data != NULL) {
      DnDocument *doc = dn_convert_bytes (reg, data, path, options, &error);
      if (doc != NULL)
        out = dn_output_to_bytes (writer, doc, &options->write, &error);
      if (out != NULL && dn_cli_fails_on (doc, path, fail_on) && status == DN_EXIT_OK)
        status = DN_EXIT_REVIEW;
      dn_document_free (doc);
      g_bytes_unref (data);
    }
    gboolean written;
    if (out != NULL) {
      gsize n;
      const char *text = g_bytes_get_data (out, &n);
      written = write_all (STDOUT_FILENO, text, n);
      g_bytes_unref (out);
    } else {
      dn_cli_error (path, "%s", error->message);
      char *line = error_line (path, error);
      written = write_all (STDOUT_FILENO, line, strlen (line));
      g_free (line);
      /* A failure outranks a record that needs review. */
      status = DN_EXIT_FAILED;
    }
    g_clear_error (&error);
    if (!written) {
      int e = errno;
      dn_cli_error ("-", "cannot write standard output: %s", g_strerror (e));
      status = DN_EXIT_IO;
      break;
    }
  }
  free (path);
  return status;
}

int
dn_cmd_convert (int argc, char **argv)
{
  /* Option parsing, the plugin cache and dlopen() touch heap pages too:
   * populate the base now, and the share of the input once it is read. */
  dn_cli_prefault_heap (0);
  gboolean parsed = dn_cli_parse_command ("convert", "INPUT — convert one document into a record",
    "Reads INPUT ('-' = standard input), chooses a reader by probing its first bytes,\n"
    "analyses it as a report and writes one record.",
    "Exit status: 0 converted, 1 conversion failed, 2 usage, 3 input/output,\n"
    "4 unknown or unsupported format, 5 encrypted (password needed or wrong),\n"
    "6 converted but the record has a warning at the --fail-on level.",
    convert_entries, &argc, &argv);
  if (!parsed)
    return DN_EXIT_USAGE;
  if (opt_ndjson) {
    const char *bad = argc > 1 ? "no INPUT with --ndjson: paths come on standard input"
                      : opt_output != NULL && strcmp (opt_output, "-") != 0 ? "--ndjson writes to standard output only"
                      : opt_to != NULL && strcmp (opt_to, "json") != 0 ? "--ndjson writes JSON records only"
                      : opt_pretty ? "--ndjson writes one record per line: no --pretty"
                                   : NULL;
    if (bad != NULL) {
      dn_cli_error ("convert", "%s", bad);
      return DN_EXIT_USAGE;
    }
  } else if (argc != 2) {
    dn_cli_error ("convert", argc < 2 ? "no INPUT given (see docnorm convert --help)"
                                      : "one INPUT at a time (see docnorm batch)");
    return DN_EXIT_USAGE;
  }
  const char *input = opt_ndjson ? "-" : argv[1];
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
  if (!dn_cli_apply_limits (&options.read.limits, opt_limits, "convert") ||
      !dn_cli_apply_page_options (&options, "convert") || !dn_cli_parse_fail_on (opt_fail_on, &fail_on, "convert")) {
    dn_registry_free (reg);
    return DN_EXIT_USAGE;
  }
  options.read.page_images_dpi = dn_cli_page_images_dpi (writer);
  options.write.pretty = opt_pretty;
  options.write.with_hints = opt_hints;

  if (opt_ndjson) {
    int nd = convert_ndjson (reg, writer, &options);
    dn_registry_free (reg);
    return nd;
  }

  int status = DN_EXIT_OK;
  GError *error = NULL;
  DnDocument *doc = NULL;
  GBytes *data = dn_input_load (input, options.read.limits.max_input_bytes, &error);
  if (data != NULL) {
    dn_cli_prefault_heap (g_bytes_get_size (data));
    doc = dn_convert_bytes (reg, data, input, &options, &error);
  }
  if (doc != NULL && !dn_output_write (writer, doc, &options.write, output, &error)) {
    dn_cli_error (output, "%s", error->message);
    status = dn_error_exit_status (error);
  } else if (doc == NULL) {
    dn_cli_error (input, "%s", error->message);
    status = dn_error_exit_status (error);
  } else if (dn_cli_fails_on (doc, input, fail_on)) {
    status = DN_EXIT_REVIEW;
  }
  g_clear_error (&error);
  dn_document_free (doc);
  if (data != NULL)
    g_bytes_unref (data);
  dn_registry_free (reg);
  return status;
}
