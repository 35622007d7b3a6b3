/* Recognised text into the layout's glyphs, and the OCR marks on the blocks
 * made of them (see dn-pdf-layout.h). No poppler: the image reader links
 * this with the layout. */
#include "dn-pdf-layout.h"

GArray *
dn_pdf_glyphs_from_ocr (GArray *ocr_glyphs, double dpi)
{
  double k = 72.0 / dpi;
  GArray *glyphs = g_array_sized_new (FALSE, FALSE, sizeof (DnPdfGlyph), ocr_glyphs->len);
  for (guint i = 0; i < ocr_glyphs->len; i++) {
    DnOcrGlyph *o = &g_array_index (ocr_glyphs, DnOcrGlyph, i);
    o->x0 *= k, o->y0 *= k, o->x1 *= k, o->y1 *= k, o->line_height *= k;
    /* A line of Han characters is about one em high (Latin lines, with
     * ascenders and descenders, a little more): the line's height stands
     * for the font size, which the layout measures gaps against. */
    DnPdfGlyph g = { o->c, o->x0, o->y0, o->x1, o->y1, o->line_height, -1 };
    g_array_append_val (glyphs, g);
  }
  return glyphs;
}

static void
mark_ocr_node (DnNode *n, const GArray *ocr_glyphs)
{
  DnHints *h = dn_node_hints (n);
  h->flags |= DN_HINT_OCR;
  if (!h->has_bbox)
    return;
  double sum = 0;
  guint count = 0;
  for (guint i = 0; i < ocr_glyphs->len; i++) {
    const DnOcrGlyph *g = &g_array_index (ocr_glyphs, DnOcrGlyph, i);
    double cx = (g->x0 + g->x1) / 2, cy = (g->y0 + g->y1) / 2;
    if (g->c == ' ' || g->c == '\n' || cx < h->x0 || cx > h->x1 || cy < h->y0 || cy > h->y1)
      continue;
    sum += g->confidence;
    count++;
  }
  h->ocr_confidence = count > 0 ? (float) (sum / count) : 0;
}

void
dn_pdf_ocr_mark_blocks (const DnPdfPageResult *res, const GArray *ocr_glyphs)
{
  for (guint b = 0; b < res->blocks->len; b++) {
    DnNode *block = g_ptr_array_index (res->blocks, b);
    /* Tables: each cell has its own box. */
    DnIter it;
    dn_iter_init (&it, block);
    DnEventType ev;
    while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE && ev != DN_EVENT_NONE)
      if (ev == DN_EVENT_ENTER)
        mark_ocr_node (it.current, ocr_glyphs);
  }
}

