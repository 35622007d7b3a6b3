/* The PDF reader's heavy half: everything that needs poppler-glib.
 *
 * The front module docnorm-pdf.so (dn-pdf-front.c) carries the descriptor
 * and the probe and links no poppler, so a process that never reads a PDF
 * never loads poppler's library chain (~20 ms of CPU). Its read loads the
 * backend module pdf-backend.so (a name the registry does not pick up)
 * from its own folder on first use and calls the one function below.
 * Under DN_PLUGIN_STATIC (tests, fuzz harnesses) both halves are compiled
 * into one binary and the front calls it directly. */
#pragma once

#include "docnorm.h"

G_BEGIN_DECLS

/* The file name of the backend module, next to docnorm-pdf.so. */
#define DN_PDF_BACKEND_MODULE "pdf-backend.so"
/* The one symbol the front resolves in it. */
#define DN_PDF_BACKEND_SYMBOL "dn_pdf_backend_read"

typedef gboolean (*DnPdfBackendReadFunc) (GBytes *data, const DnReadOptions *options, DnDocument *doc,
                                          GError **error);

/* The DnReaderVTable read of the PDF reader (see dn-plugin.h). */
DN_PLUGIN_EXPORT gboolean dn_pdf_backend_read (GBytes *data, const DnReadOptions *options, DnDocument *doc,
                                               GError **error);

G_END_DECLS
