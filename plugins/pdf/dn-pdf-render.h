/* dn-pdf-render.h — a PDF page as pixels, through poppler-glib and cairo.
 *
 * One place renders pages, for every user of page images: OCR of pages
 * without a usable text layer, and the review page's page pictures. */
#pragma once

#include <cairo.h>
#include <poppler.h>

G_BEGIN_DECLS

/* Renders @page at @dpi (1..1200) onto white as a CAIRO_FORMAT_RGB24 image
 * surface, as it would print (poppler_page_render_for_printing: no
 * annotations' on-screen state, no selection).
 * Refuses with DN_ERROR_LIMIT when the image would exceed @max_pixels
 * (0: no cap) and DN_ERROR_FAILED when cairo cannot make or draw it.
 * Returns a new surface (cairo_surface_destroy() it), or NULL with @error set. */
cairo_surface_t *dn_pdf_render_page (PopplerPage *page, double dpi, guint64 max_pixels, GError **error);

/* Encodes @surface as PNG. Returns new bytes (g_bytes_unref() them), or NULL
 * with @error set (DN_ERROR_FAILED). */
GBytes *dn_pdf_surface_to_png (cairo_surface_t *surface, GError **error);

G_END_DECLS
