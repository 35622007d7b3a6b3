/* dn-pdf-layout.c — one page's glyphs to blocks in reading order.
 *
 * Steps: glyphs → fragments (a run of glyphs on one baseline inside one
 * poppler line, cut at wide gaps) → rows (fragments sharing a baseline) →
 * runs of rows whose fragments fall into stable columns, classified as two
 * text columns (read column by column), a table, or plain lines → lines
 * grouped into paragraphs by font, vertical gap, alignment and line fill.
 * Readers are faithful: the text is what poppler gives; only its order and
 * grouping are decided here. Each step has its own file; this one drives
 * them (see dn-pdf-layout-private.h). */
#include "dn-pdf-layout-private.h"

/* Images go before the first unit, in reading order, that starts below
 * the image's top and shares some of its horizontal extent. */
static void
place_images (Page *pg, const DnPdfImage *images, gsize n_images, GArray *keep)
{
  for (gsize i = 0; i < n_images; i++) {
    const DnPdfImage *im = &images[i];
    if (!g_array_index (keep, gboolean, i))
      continue;
    Unit u = { 0 };
    u.kind = UNIT_IMAGE;
    u.image = (guint) i;
    u.x0 = im->x0;
    u.y0 = im->y0;
    u.x1 = im->x1;
    u.y1 = im->y1;
    guint at = pg->units->len;
    for (guint k = 0; k < pg->units->len; k++) {
      const Unit *o = &g_array_index (pg->units, Unit, k);
      if (o->kind == UNIT_IMAGE)
        continue;
      if (o->y0 >= im->y0 && o->x1 > im->x0 && o->x0 < im->x1) {
        at = k;
        break;
      }
    }
    u.region = at < pg->units->len ? g_array_index (pg->units, Unit, at).region : 0;
    g_array_insert_val (pg->units, at, u);
  }
}

void
dn_pdf_layout_page (const DnPdfGlyph *glyphs, gsize n_glyphs, const DnPdfImage *images,
                    gsize n_images, double page_width, double page_height, int page,
                    DnNode *parent, DnPdfPageResult *result)
{
  memset (result, 0, sizeof *result);
  result->blocks = g_ptr_array_new ();
  result->figures = g_ptr_array_new ();
  result->fits = g_array_new (FALSE, FALSE, sizeof (DnPdfBlockFit));
  g_ptr_array_set_size (result->figures, (gint) n_images);

  Page pg = { 0 };
  pg.glyphs = glyphs;
  pg.n_glyphs = n_glyphs;
  pg.page_w = page_width;
  pg.page_h = page_height;
  pg.page = page;
  pg.frags = g_array_new (FALSE, TRUE, sizeof (Frag));
  pg.rows = g_array_new (FALSE, TRUE, sizeof (Row));
  pg.units = g_array_new (FALSE, TRUE, sizeof (Unit));

  dn_pdf_layout_build_fragments (&pg);
  dn_pdf_layout_build_rows (&pg);
  dn_pdf_layout_build_units (&pg);

  /* Hairlines and dots (rules, bullets drawn as images) are not figures. */
  g_autoptr (GArray) keep = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (keep, n_images);
  for (gsize i = 0; i < n_images; i++)
    g_array_index (keep, gboolean, i) = images[i].x1 - images[i].x0 >= 4 && images[i].y1 - images[i].y0 >= 4;
  place_images (&pg, images, n_images, keep);
  dn_pdf_layout_emit_units (&pg, parent, images, result);

  for (guint k = 0; k < pg.units->len; k++) {
    Unit *u = &g_array_index (pg.units, Unit, k);
    g_free (u->line.text);
  }
  for (guint i = 0; i < pg.frags->len; i++)
    g_string_free (g_array_index (pg.frags, Frag, i).text, TRUE);
  for (guint i = 0; i < pg.rows->len; i++)
    g_array_free (g_array_index (pg.rows, Row, i).frags, TRUE);
  g_array_free (pg.frags, TRUE);
  g_array_free (pg.rows, TRUE);
  g_array_free (pg.units, TRUE);
}

void
dn_pdf_page_result_clear (DnPdfPageResult *result)
{
  if (result->blocks != NULL)
    g_ptr_array_free (result->blocks, TRUE);
  if (result->figures != NULL)
    g_ptr_array_free (result->figures, TRUE);
  if (result->fits != NULL)
    g_array_free (result->fits, TRUE);
  memset (result, 0, sizeof *result);
}
