#include "dn-cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

void
dn_cli_error (const char *what, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *reason = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* One line: library messages sometimes carry newlines. */
  g_strdelimit (reason, "\r\n", ' ');
  g_strchomp (reason);
  fprintf (stderr, "docnorm: %s: %s\n", what, reason);
  g_free (reason);
}

DnRegistry *
dn_cli_registry_new (void)
{
  DnRegistry *reg = dn_registry_new ();
  dn_registry_load_default (reg);
  return reg;
}

static char *opt_ocr;
static char *opt_ocr_lang;
static int opt_ocr_dpi;
static int opt_page_images = -1;

static const GOptionEntry page_entries[] = {
  { "ocr", 0, 0, G_OPTION_ARG_STRING, &opt_ocr,
    "OCR of scanned pages and images: auto (pages without usable text, the default), always, never", "MODE" },
  { "ocr-lang", 0, 0, G_OPTION_ARG_STRING, &opt_ocr_lang,
    "Tesseract languages for OCR (default " DN_OCR_DEFAULT_LANG ")", "LANGS" },
  { "ocr-dpi", 0, 0, G_OPTION_ARG_INT, &opt_ocr_dpi, "Resolution PDF pages are rendered at for OCR (default 300)", "DPI" },
  { "page-images", 0, 0, G_OPTION_ARG_INT, &opt_page_images,
    "Pictures of PDF pages beside their text on the review page, at DPI (default 96; 0 = none)", "DPI" },
  { NULL },
};

static gboolean
entry_takes_value (const GOptionEntry *e)
{
  return e->arg != G_OPTION_ARG_NONE && !(e->flags & (G_OPTION_FLAG_NO_ARG | G_OPTION_FLAG_OPTIONAL_ARG));
}

static const GOptionEntry *
entry_find (const GOptionEntry *entries, char short_name, const char *long_name, gsize long_len)
{
  for (const GOptionEntry *e = entries; e != NULL && e->long_name != NULL; e++) {
    if (short_name != 0 ? e->short_name == short_name
                        : strlen (e->long_name) == long_len && strncmp (e->long_name, long_name, long_len) == 0)
      return e;
  }
  return NULL;
}

/* The entry of the command (@entries) or of the shared page options. */
static const GOptionEntry *
cli_entry_find (const GOptionEntry *entries, char short_name, const char *long_name, gsize long_len)
{
  const GOptionEntry *e = entry_find (entries, short_name, long_name, long_len);
  return e != NULL ? e : entry_find (page_entries, short_name, long_name, long_len);
}

/* Where in "-qj2" the value attached to a short option begins (3), or 0
 * when the argument has none: it is not a cluster of short options, or its
 * last option takes no value, or takes the next argument. */
static gsize
attached_value_at (const GOptionEntry *entries, const char *arg)
{
  if (arg[0] != '-' || arg[1] == '-' || arg[1] == '\0')
    return 0;
  for (gsize i = 1; arg[i] != '\0'; i++) {
    const GOptionEntry *e = cli_entry_find (entries, arg[i], NULL, 0);
    if (e == NULL)
      return 0;             /* GLib reports the unknown option */
    if (entry_takes_value (e))
      return arg[i + 1] != '\0' ? i + 1 : 0;
  }
  return 0;
}

/* Whether @arg is an option whose value is the next argument ("-j", "--jobs"). */
static gboolean
takes_next_argument (const GOptionEntry *entries, const char *arg)
{
  if (arg[0] != '-' || arg[1] == '\0')
    return FALSE;
  if (arg[1] == '-') {
    const char *name = arg + 2;
    if (strchr (name, '=') != NULL)
      return FALSE;
    const GOptionEntry *e = cli_entry_find (entries, 0, name, strlen (name));
    return e != NULL && entry_takes_value (e);
  }
  gsize len = strlen (arg);
  const GOptionEntry *e = cli_entry_find (entries, arg[len - 1], NULL, 0);
  return e != NULL && entry_takes_value (e) && attached_value_at (entries, arg) == 0;
}

/* The rewritten arguments, kept for the process: the command's remaining
 * arguments point into them. */
static char **split_args;
static char **split_view;

/* GOptionContext reads "-j2" as the options -j and -2; getopt, make and
 * ninja read it as -j with the value 2. Rewrites each such argument into
 * "-j" "2" (after any flags clustered before it: "-qj2"), up to "--", and
 * leaves arguments that are an option's value alone. Returns FALSE when
 * nothing needed rewriting. */
static gboolean
split_attached_values (const GOptionEntry *entries, int *argc, char ***argv)
{
  gboolean any = FALSE;
  GPtrArray *out = g_ptr_array_new ();
  gboolean value_next = FALSE, rest = FALSE;
  for (int i = 0; i < *argc; i++) {
    const char *arg = (*argv)[i];
    gsize at = i == 0 || value_next || rest ? 0 : attached_value_at (entries, arg);
    if (at > 0) {
      g_ptr_array_add (out, g_strndup (arg, at));
      g_ptr_array_add (out, g_strdup (arg + at));
      any = TRUE;
    } else {
      g_ptr_array_add (out, g_strdup (arg));
    }
    if (i > 0 && !value_next && !rest && strcmp (arg, "--") == 0)
      rest = TRUE;
    value_next = i > 0 && !value_next && !rest && at == 0 && takes_next_argument (entries, arg);
  }
  g_ptr_array_add (out, NULL);
  char **args = (char **) g_ptr_array_free (out, FALSE);
  if (!any) {
    g_strfreev (args);
    return FALSE;
  }
  g_strfreev (split_args);
  g_free (split_view);
  split_args = args;
  /* GLib reorders and cuts the array it parses: give it a copy. */
  split_view = g_memdup2 (args, sizeof (char *) * (g_strv_length (args) + 1));
  *argc = (int) g_strv_length (args);
  *argv = split_view;
  return TRUE;
}

gboolean
dn_cli_parse (GOptionContext *context, const GOptionEntry *entries, const char *command, int *argc,
              char ***argv)
{
  GError *error = NULL;
  g_option_context_set_help_enabled (context, TRUE);
  split_attached_values (entries, argc, argv);
  if (!g_option_context_parse (context, argc, argv, &error)) {
    dn_cli_error (command, "%s (see docnorm %s --help)", error->message, command);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

gboolean
dn_cli_parse_command (const char *command, const char *parameter, const char *summary, const char *description,
                      const GOptionEntry *entries, int *argc, char ***argv)
{
  GOptionContext *ctx = g_option_context_new (parameter);
  g_option_context_set_summary (ctx, summary);
  g_option_context_set_description (ctx, description);
  g_option_context_add_main_entries (ctx, entries, NULL);
  dn_cli_add_page_options (ctx);
  gboolean parsed = dn_cli_parse (ctx, entries, command, argc, argv);
  g_option_context_free (ctx);
  if (!parsed)
    dn_cli_reset_options (entries);
  return parsed;
}

void
dn_cli_reset_options (const GOptionEntry *entries)
{
  for (const GOptionEntry *e = entries; e->long_name != NULL; e++) {
    if (e->arg == G_OPTION_ARG_STRING || e->arg == G_OPTION_ARG_FILENAME)
      g_clear_pointer ((char **) e->arg_data, g_free);
    else if (e->arg == G_OPTION_ARG_STRING_ARRAY || e->arg == G_OPTION_ARG_FILENAME_ARRAY)
      g_clear_pointer ((char ***) e->arg_data, g_strfreev);
  }
}

gboolean
dn_cli_parse_fail_on (const char *value, guint *threshold, const char *command)
{
  DnSeverity s;
  *threshold = DN_FAIL_ON_NEVER;
  if (value == NULL)
    return TRUE;
  if (!dn_severity_from_string (value, &s) || s == DN_SEVERITY_INFO) {
    dn_cli_error (command, "--fail-on: '%s' is not warning or notice", value);
    return FALSE;
  }
  *threshold = s;
  return TRUE;
}

gboolean
dn_cli_fails_on (const DnDocument *doc, const char *path, guint threshold)
{
  if (threshold >= DN_FAIL_ON_NEVER)
    return FALSE;
  guint n = 0;
  GPtrArray *codes = g_ptr_array_new ();   /* each code once, in the order met; borrowed */
  for (guint i = 0; i < dn_document_get_n_warnings (doc); i++) {
    DnWarningInfo w;
    dn_document_get_warning (doc, i, &w);
    if (w.severity < threshold)
      continue;
    n++;
    if (!g_ptr_array_find_with_equal_func (codes, w.code, g_str_equal, NULL))
      g_ptr_array_add (codes, (gpointer) w.code);
  }
  g_ptr_array_add (codes, NULL);
  if (n > 0) {
    char *list = g_strjoinv (", ", (char **) codes->pdata);
    dn_cli_error (path, "needs review: %u warning%s at or above %s (%s)", n, n == 1 ? "" : "s",
                  dn_severity_to_string ((DnSeverity) threshold), list);
    g_free (list);
  }
  g_ptr_array_free (codes, TRUE);
  return n > 0;
}

gboolean
dn_cli_apply_limits (DnLimits *limits, char **assignments, const char *command)
{
  for (char **a = assignments; a != NULL && *a != NULL; a++) {
    GError *error = NULL;
    if (!dn_limits_set (limits, *a, &error)) {
      dn_cli_error (command, "--limit: %s", error->message);
      g_error_free (error);
      return FALSE;
    }
  }
  return TRUE;
}

void
dn_cli_add_page_options (GOptionContext *context)
{
  g_option_context_add_main_entries (context, page_entries, NULL);
}

gboolean
dn_cli_apply_page_options (DnConvertOptions *options, const char *command)
{
  if (opt_ocr != NULL && !dn_ocr_mode_parse (opt_ocr, &options->ocr_mode)) {
    dn_cli_error (command, "--ocr: '%s' is not auto, always or never", opt_ocr);
    return FALSE;
  }
  if (opt_ocr_lang != NULL && !dn_ocr_check_lang (opt_ocr_lang)) {
    dn_cli_error (command, "--ocr-lang: '%s' is not a list of Tesseract language codes such as chi_tra+eng",
                  opt_ocr_lang);
    return FALSE;
  }
  if (opt_ocr_dpi != 0 && (opt_ocr_dpi < 72 || opt_ocr_dpi > 1200)) {
    dn_cli_error (command, "--ocr-dpi: %d is outside 72..1200", opt_ocr_dpi);
    return FALSE;
  }
  if (opt_page_images != -1 && (opt_page_images < 0 || opt_page_images > DN_PAGE_IMAGES_MAX_DPI)) {
    dn_cli_error (command, "--page-images: %d is outside 0..%d", opt_page_images, DN_PAGE_IMAGES_MAX_DPI);
    return FALSE;
  }
  options->ocr_lang = opt_ocr_lang;
  options->ocr_dpi = (guint) opt_ocr_dpi;
  return TRUE;
}

guint
dn_cli_page_images_dpi (const DnPluginDesc *writer)
{
  if (writer == NULL || strcmp (writer->name, "review") != 0)
    return 0;
  return opt_page_images >= 0 ? (guint) opt_page_images : DN_PAGE_IMAGES_DEFAULT_DPI;
}

gboolean
dn_cli_prefault_heap (guint64 input_bytes)
{
#if defined(__GLIBC__) && defined(MADV_POPULATE_WRITE) && !defined(__SANITIZE_ADDRESS__)
  gsize want = (gsize) MIN (DN_HEAP_BASE + input_bytes * DN_HEAP_PER_INPUT_BYTE, (guint64) DN_HEAP_PREFAULT_MAX);
  /* Large blocks and freed memory stay on the heap, over the populated
   * pages, instead of going to mmap() or back to the kernel. 32 MiB is the
   * largest mmap threshold glibc accepts; a block that size or larger would
   * still be mapped on its own, hence the smaller cap on the estimate. */
  mallopt (M_MMAP_THRESHOLD, 32 * 1024 * 1024);
  mallopt (M_TRIM_THRESHOLD, 64 * 1024 * 1024);
  char *block = malloc (want);
  if (block == NULL)
    return FALSE;
  uintptr_t page = (uintptr_t) sysconf (_SC_PAGESIZE);
  uintptr_t start = ((uintptr_t) block + page - 1) & ~(page - 1);
  uintptr_t end = ((uintptr_t) block + want) & ~(page - 1);
  /* A kernel without MADV_POPULATE_WRITE (before 5.14) refuses: the pages
   * are then faulted in one by one as before. */
  gboolean populated = end > start && madvise ((void *) start, end - start, MADV_POPULATE_WRITE) == 0;
  free (block);
  return populated;
#else
  (void) input_bytes;
  return FALSE;
#endif
}
