/* docnorm formats: what loaded, and what was refused and why. */
#include <stdio.h>
#include <string.h>

#include "dn-cli.h"

static void
print_list (const char *const *items, const char *prefix)
{
  for (const char *const *i = items; i != NULL && *i != NULL; i++)
    printf ("%s%s%s", i == items ? "" : ",", prefix, *i);
}

typedef enum { LIST_READERS, LIST_WRITERS, LIST_OCR } ListKind;

static gboolean
plugin_is (const DnPluginDesc *d, ListKind kind)
{
  return kind == LIST_READERS ? d->reader != NULL
       : kind == LIST_WRITERS ? d->writer != NULL
                              : dn_plugin_desc_get_ocr (d) != NULL;
}

static void
print_plugins (DnRegistry *reg, ListKind kind)
{
  static const char *const titles[] = { "Readers", "Writers", "OCR engines" };
  printf ("%s:\n", titles[kind]);
  gboolean any = FALSE;
  int width = 6;
  for (guint i = 0; i < dn_registry_get_n_plugins (reg); i++) {
    const DnPluginDesc *d = dn_registry_get_plugin (reg, i, NULL);
    if (d != NULL)
      width = MAX (width, (int) strlen (d->name));
  }
  for (guint i = 0; i < dn_registry_get_n_plugins (reg); i++) {
    const char *origin;
    const DnPluginDesc *d = dn_registry_get_plugin (reg, i, &origin);
    if (d == NULL || !plugin_is (d, kind))
      continue;
    any = TRUE;
    printf ("  %-*s %-8s %s (", width, d->name, d->version, d->description);
    if (kind == LIST_OCR) {
      const char *engine = NULL, *version = NULL;
      dn_plugin_desc_get_ocr (d)->describe (&engine, &version);
      printf ("%s %s", engine != NULL ? engine : "?", version != NULL ? version : "?");
    } else {
      print_list (d->extensions, ".");
    }
    const char *license = dn_plugin_desc_get_license (d);
    if (license != NULL)
      printf (") [%s] %s\n", license, origin);
    else
      printf (") %s\n", origin);
  }
  /* Scans and images need one; say so rather than list nothing. */
  if (kind == LIST_OCR && !any)
    printf ("  none: OCR is unavailable (docnorm was built without libtesseract, -Docr); scanned pages\n"
            "  convert with an empty body and NO_TEXT_LAYER, images cannot be read\n");
}

int
dn_cmd_formats (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("— list the readers, writers and OCR engines docnorm can use");
  g_option_context_set_summary (ctx,
    "Plugins are loaded from each folder in DOCNORM_PLUGIN_PATH (colon-separated),\n"
    "then from the installed plugin folder. Plugins that were refused are listed\n"
    "with the reason.");
  gboolean parsed = dn_cli_parse (ctx, NULL, "formats", &argc, &argv);
  g_option_context_free (ctx);
  if (!parsed)
    return DN_EXIT_USAGE;
  if (argc > 1) {
    dn_cli_error ("formats", "takes no arguments");
    return DN_EXIT_USAGE;
  }
  DnRegistry *reg = dn_cli_registry_new ();
  /* Every module, so that the refusals below are complete. */
  dn_registry_load_all (reg);
  print_plugins (reg, LIST_READERS);
  print_plugins (reg, LIST_WRITERS);
  print_plugins (reg, LIST_OCR);
  guint n = dn_registry_get_n_refused (reg);
  if (n > 0) {
    printf ("Refused:\n");
    for (guint i = 0; i < n; i++) {
      const char *path, *reason;
      dn_registry_get_refused (reg, i, &path, &reason);
      printf ("  %s: %s\n", path, reason);
    }
  }
  dn_registry_free (reg);
  return DN_EXIT_OK;
}
