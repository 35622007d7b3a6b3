/* OCR of PDF pages (see dn-pdf-ocr.h). */
#include <math.h>

#include "dn-pdf-ocr.h"
#include "dn-pdf-render.h"

gboolean
dn_pdf_page_needs_ocr (DnOcr *ocr, const GArray *page_glyphs, guint n_text)
{
  if (ocr == NULL || dn_ocr_get_mode (ocr) == DN_OCR_NEVER)
    return FALSE;
  if (dn_ocr_get_mode (ocr) == DN_OCR_ALWAYS || n_text == 0)
    return TRUE;
  guint garbage = 0, chars = 0;
  for (guint i = 0; i < page_glyphs->len; i++) {
    gunichar c = g_array_index (page_glyphs, DnPdfGlyph, i).c;
    if (g_unichar_isspace (c))
      continue;
    chars++;
    if (dn_ocr_char_is_garbage (c))
      garbage++;
  }
  return chars > 0 && garbage * 2 > chars;
}

/* Cairo's RGB24 pixels (0x00RRGGBB words) to 8-bit grey, in place: each row's
 * grey bytes are written over the start of the same row. */
static void
to_gray (guint8 *data, int width, int height, int stride)
{
  for (int y = 0; y < height; y++) {
    guint8 *row = data + (gsize) y * stride;
    const guint32 *px = (const guint32 *) row;
    for (int x = 0; x < width; x++) {
      guint32 v = px[x];
      row[x] = (guint8) ((((v >> 16) & 0xff) * 77 + ((v >> 8) & 0xff) * 150 + (v & 0xff) * 29) >> 8);
    }
  }
}

GArray *
dn_pdf_ocr_page (DnOcr *ocr, PopplerPage *page, DnDocument *doc, int page_no, GArray **ocr_glyphs_out,
                 GError **error)
{
  double w_pt = 0, h_pt = 0;
  poppler_page_get_size (page, &w_pt, &h_pt);
  double dpi = dn_ocr_get_dpi (ocr);
  /* A very large page is recognised at the resolution that fits the cap. */
  double px = (w_pt * dpi / 72.0) * (h_pt * dpi / 72.0);
  if (px > DN_OCR_MAX_PIXELS) {
    double fit = floor (dpi * sqrt (DN_OCR_MAX_PIXELS / px));
    dn_document_add_warning (doc, "OCR_RESOLUTION_LOWERED", page_no,
                             "page recognised at %.0f dpi, not %.0f: at %.0f dpi it would exceed %u pixels",
                             fit, dpi, dpi, DN_OCR_MAX_PIXELS);
    dpi = fit;
  }
  cairo_surface_t *s = dn_pdf_render_page (page, dpi, DN_OCR_MAX_PIXELS, error);
  if (s == NULL)
    return NULL;
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  int stride = cairo_image_surface_get_stride (s);
  guint8 *data = cairo_image_surface_get_data (s);
  to_gray (data, w, h, stride);
  GArray *ocr_glyphs = g_array_new (FALSE, FALSE, sizeof (DnOcrGlyph));
  gboolean ok = dn_ocr_recognise (ocr, doc, page_no, data, w, h, stride, (guint) dpi, ocr_glyphs, error);
  cairo_surface_destroy (s);
  if (!ok) {
    g_array_unref (ocr_glyphs);
    return NULL;
  }
  GArray *glyphs = dn_pdf_glyphs_from_ocr (ocr_glyphs, dpi);
  *ocr_glyphs_out = ocr_glyphs;
  return glyphs;
}

void
dn_pdf_ocr_drop_scan_images (GArray *images, double page_w, double page_h)
{
  for (guint i = images->len; i-- > 0;) {
    const DnPdfImage *im = &g_array_index (images, DnPdfImage, i);
    if ((im->x1 - im->x0) * (im->y1 - im->y0) * 2 >= page_w * page_h)
      g_array_remove_index (images, i);
  }
}
