/* Page rendering for OCR and page images (see dn-pdf-render.h). */
#include <math.h>

#include "docnorm.h"
#include "dn-pdf-render.h"

cairo_surface_t *
dn_pdf_render_page (PopplerPage *page, double dpi, guint64 max_pixels, GError **error)
{
  g_return_val_if_fail (POPPLER_IS_PAGE (page), NULL);
  if (!(dpi >= 1.0 && dpi <= 1200.0)) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "render: %g dpi is outside 1..1200", dpi);
    return NULL;
  }
  double w_pt = 0, h_pt = 0;
  poppler_page_get_size (page, &w_pt, &h_pt);
  double scale = dpi / 72.0;
  double w = ceil (w_pt * scale), h = ceil (h_pt * scale);
  /* cairo's image surfaces are limited to 32767 pixels a side. */
  if (!(w >= 1 && h >= 1 && w <= 32767 && h <= 32767)) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "render: a %.0f × %.0f pixel page at %g dpi is too large",
                 w, h, dpi);
    return NULL;
  }
  if (max_pixels > 0 && w * h > (double) max_pixels) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                 "render: a %.0f × %.0f pixel page at %g dpi exceeds the limit of %" G_GUINT64_FORMAT " pixels",
                 w, h, dpi, max_pixels);
    return NULL;
  }
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, (int) w, (int) h);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "render: %s",
                 cairo_status_to_string (cairo_surface_status (surface)));
    cairo_surface_destroy (surface);
    return NULL;
  }
  cairo_t *cr = cairo_create (surface);
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_scale (cr, scale, scale);
  poppler_page_render_for_printing (page, cr);
  cairo_status_t st = cairo_status (cr);
  cairo_destroy (cr);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "render: %s", cairo_status_to_string (st));
    cairo_surface_destroy (surface);
    return NULL;
  }
  cairo_surface_flush (surface);
  return surface;
}

static cairo_status_t
png_append (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
dn_pdf_surface_to_png (cairo_surface_t *surface, GError **error)
{
  GByteArray *png = g_byte_array_new ();
  cairo_status_t st = cairo_surface_write_to_png_stream (surface, png_append, png);
  if (st != CAIRO_STATUS_SUCCESS) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "render: PNG: %s", cairo_status_to_string (st));
    g_byte_array_unref (png);
    return NULL;
  }
  return g_byte_array_free_to_bytes (png);
}
