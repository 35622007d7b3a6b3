/* The PDF reader's front: descriptor, probe, and a read that loads the
 * poppler backend on first use.
 *
 * docnorm loads every docnorm-*.so at startup to probe the input; linking
 * poppler-glib here would make every conversion, DOCX and text included,
 * pay for loading poppler, cairo, fontconfig, freetype, nss… (~20 ms of
 * CPU). So this module links only GLib and core: the probe looks for
 * "%PDF-" in the head, and the first read opens pdf-backend.so from this
 * module's own folder (G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY), resolves
 * dn_pdf_backend_read and keeps the module resident. A missing or broken
 * backend fails the read with DN_ERROR_PLUGIN naming the path; `docnorm
 * formats` still lists pdf. Under DN_PLUGIN_STATIC both halves are linked
 * into one binary and the read calls the backend directly. */
#include <string.h>
#ifndef DN_PLUGIN_STATIC
#include <dlfcn.h>
#include <gmodule.h>
#endif

#include "docnorm.h"
#include "dn-pdf-backend.h"

#define PDF_VERSION "1.0.0"

static int
pdf_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  gsize n = MIN (len, 1024);
  for (gsize i = 0; i + 5 <= n; i++)
    if (memcmp (head + i, "%PDF-", 5) == 0)
      return 95;
  return 0;
}

#ifndef DN_PLUGIN_STATIC
/* The backend's path: DN_PDF_BACKEND_MODULE in the folder this module was
 * loaded from (build tree or installed plugin folder alike). Caller frees. */
static char *
backend_path (void)
{
  Dl_info info;
  if (dladdr ((const void *) &pdf_probe, &info) == 0 || info.dli_fname == NULL)
    return g_strdup (DN_PDF_BACKEND_MODULE);
  char *dir = g_path_get_dirname (info.dli_fname);
  char *path = g_build_filename (dir, DN_PDF_BACKEND_MODULE, NULL);
  g_free (dir);
  return path;
}

/* Loads the backend once per process. Returns its read function, or NULL
 * with @error set (the same message on every later call). */
static DnPdfBackendReadFunc
backend_load (GError **error)
{
  static GMutex lock;
  static DnPdfBackendReadFunc read_fn;
  static char *failure;   /* kept for the process: the load is not retried */

  g_mutex_lock (&lock);
  if (read_fn == NULL && failure == NULL) {
    char *path = backend_path ();
    GModule *module = g_module_open (path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
    gpointer sym = NULL;
    if (module == NULL) {
      failure = g_strdup_printf ("cannot load the PDF backend %s: %s", path, g_module_error ());
    } else if (!g_module_symbol (module, DN_PDF_BACKEND_SYMBOL, &sym) || sym == NULL) {
      failure = g_strdup_printf ("the PDF backend %s has no %s", path, DN_PDF_BACKEND_SYMBOL);
      g_module_close (module);
    } else {
      /* poppler and its libraries register types and atexit handlers:
       * never unload them. */
      g_module_make_resident (module);
      read_fn = (DnPdfBackendReadFunc) sym;
    }
    if (failure != NULL)
      g_strdelimit (failure, "\r\n", ' ');   /* one line, whatever dlerror said */
    g_free (path);
  }
  DnPdfBackendReadFunc fn = read_fn;
  if (fn == NULL)
    g_set_error_literal (error, DN_ERROR, DN_ERROR_PLUGIN, failure);
  g_mutex_unlock (&lock);
  return fn;
}
#endif

static gboolean
pdf_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
#ifdef DN_PLUGIN_STATIC
  return dn_pdf_backend_read (data, options, doc, error);
#else
  DnPdfBackendReadFunc fn = backend_load (error);
  return fn != NULL && fn (data, options, doc, error);
#endif
}

static const char *const pdf_media_types[] = { "application/pdf", NULL };
static const char *const pdf_extensions[] = { "pdf", NULL };

static const DnReaderVTable pdf_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = pdf_probe,
  .read = pdf_read,
};

static const DnPluginDesc pdf_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "pdf",
  .description = "PDF through poppler-glib: reading order, tables, furniture, outline, figures",
  .version = PDF_VERSION,
  .media_types = pdf_media_types,
  .extensions = pdf_extensions,
  .reader = &pdf_reader,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (pdf, pdf_desc)
