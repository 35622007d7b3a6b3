/* dn-pdf-ocr.h — OCR of PDF pages without a usable text layer.
 *
 * The page is rendered (dn-pdf-render.h), recognised through the pipeline's
 * OCR context (core's dn-ocr.h) and handed back as the same glyphs a text
 * layer gives, so dn-pdf-layout.c finds lines, paragraphs and headings the
 * same way on scans as on born-digital pages. */
#pragma once
#include <poppler.h>

#include "docnorm.h"
#include "dn-pdf-layout.h"

G_BEGIN_DECLS

/* Whether page @page_glyphs (@n_text of them text) should be recognised:
 * --ocr always, or auto and the page has no text or more than half of its
 * characters are garbage (dn_ocr_char_is_garbage). */
gboolean dn_pdf_page_needs_ocr (DnOcr *ocr, const GArray *page_glyphs, guint n_text);

/* Renders and recognises @page (@page_no 1-based) of @doc. Returns the
 * glyphs as a new GArray of DnPdfGlyph in points, and in @ocr_glyphs_out a
 * new GArray of DnOcrGlyph, boxes in points too, for
 * dn_pdf_ocr_mark_blocks (free both with g_array_unref()). Returns NULL
 * with @error set when the page cannot be rendered or recognised. */
GArray *dn_pdf_ocr_page (DnOcr *ocr, PopplerPage *page, DnDocument *doc, int page_no,
                         GArray **ocr_glyphs_out, GError **error);

/* Images that cover most of a recognised page are the scan itself, not
 * figures: drops those covering at least half of @page_w × @page_h. */
void dn_pdf_ocr_drop_scan_images (GArray *images, double page_w, double page_h);

G_END_DECLS
