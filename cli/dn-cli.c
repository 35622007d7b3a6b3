#include "dn-cli.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

gboolean
dn_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  GError *error = NULL;
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error)) {
    dn_cli_error (command, "%s (see docnorm %s --help)", error->message, command);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
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

static char *opt_ocr;
static char *opt_ocr_lang;
static int opt_ocr_dpi;

static const GOptionEntry ocr_entries[] = {
  { "ocr", 0, 0, G_OPTION_ARG_STRING, &opt_ocr,
    "OCR of scanned pages and images: auto (pages without usable text, the default), always, never", "MODE" },
  { "ocr-lang", 0, 0, G_OPTION_ARG_STRING, &opt_ocr_lang,
    "Tesseract languages for OCR (default " DN_OCR_DEFAULT_LANG ")", "LANGS" },
  { "ocr-dpi", 0, 0, G_OPTION_ARG_INT, &opt_ocr_dpi, "Resolution PDF pages are rendered at for OCR (default 300)", "DPI" },
  { NULL },
};

void
dn_cli_add_ocr_options (GOptionContext *context)
{
  g_option_context_add_main_entries (context, ocr_entries, NULL);
}

gboolean
dn_cli_apply_ocr_options (DnConvertOptions *options, const char *command)
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
  options->ocr_lang = opt_ocr_lang;
  options->ocr_dpi = (guint) opt_ocr_dpi;
  return TRUE;
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
