/* dn-pdf-layout-lines.c — the page layout's first steps: glyphs to
 * fragments (a run of glyphs on one baseline inside one poppler line, cut
 * at wide gaps), fragments to rows (fragments sharing a baseline). See
 * dn-pdf-layout-private.h. */
#include "dn-pdf-layout-private.h"

/* ---------- glyphs → fragments ---------- */

/* The first unit a line break could not split: opening brackets, then one
 * CJK character or a Latin run, then closing punctuation (which may not
 * start a line). */
enum {
  FW_OPEN = 0,  /* only opening brackets so far */
  FW_LATIN,     /* inside a Latin run */
  FW_CLOSE,     /* after the core: only closing punctuation joins */
  FW_DONE,
};

static gboolean
is_opening (gunichar c)
{
  return g_utf8_strchr ("（(「『【〔〈《“‘[", -1, c) != NULL;
}

static gboolean
is_closing (gunichar c)
{
  return g_utf8_strchr ("，。、；：！？）)」』】〕〉》”’,.;:!?]%", -1, c) != NULL;
}

static void
first_word_step (Frag *f, const DnPdfGlyph *g)
{
  gunichar c = g->c;
  switch (f->first_word_state) {
  case FW_OPEN:
    f->first_word_x1 = g->x1;
    if (is_opening (c))
      return;
    f->first_word_state = g_unichar_iswide (c) ? FW_CLOSE : FW_LATIN;
    return;
  case FW_LATIN:
    if (g_unichar_iswide (c) && !is_closing (c)) {
      f->first_word_state = FW_DONE;
      return;
    }
    f->first_word_x1 = g->x1;
    if (is_closing (c) && g_unichar_iswide (c))
      f->first_word_state = FW_CLOSE;
    return;
  case FW_CLOSE:
    if (is_closing (c))
      f->first_word_x1 = g->x1;
    else
      f->first_word_state = FW_DONE;
    return;
  default:
    return;
  }
}

void
dn_pdf_layout_build_fragments (Page *pg)
{
  Frag *cur = NULL;
  gboolean pending_space = FALSE;
  for (gsize i = 0; i < pg->n_glyphs; i++) {
    const DnPdfGlyph *g = &pg->glyphs[i];
    if (g->c == '\n' || g->c == '\r') {
      cur = NULL;
      pending_space = FALSE;
      continue;
    }
    if (is_space (g->c)) {
      if (cur != NULL) {
        pending_space = TRUE;
        cur->first_word_state = FW_DONE;
      }
      continue;
    }
    double size = g->size > 0 ? g->size : MAX (g->y1 - g->y0, 1.0);
    if (cur != NULL) {
      double gap = g->x0 - cur->x1;
      double overlap = MIN (g->y1, cur->y1) - MAX (g->y0, cur->y0);
      double h = MIN (MAX (g->y1 - g->y0, 0.1), frag_height (cur));
      /* A wide gap inside a poppler line is a column or cell boundary
       * (poppler joins table cells padded by less than an em). */
      if (gap > 0.75 * size || gap < -2 * size || overlap < 0.2 * h)
        cur = NULL;
    }
    if (cur == NULL) {
      Frag f = { 0 };
      f.x0 = g->x0;
      f.y0 = g->y0;
      f.x1 = g->x1;
      f.y1 = g->y1;
      f.text = g_string_new (NULL);
      f.starts_wide = g_unichar_iswide (g->c);
      f.first_word_x1 = g->x1;
      g_array_append_val (pg->frags, f);
      cur = &g_array_index (pg->frags, Frag, pg->frags->len - 1);
      pending_space = FALSE;
    } else if (pending_space) {
      g_string_append_c (cur->text, ' ');
      pending_space = FALSE;
    }
    g_string_append_unichar (cur->text, g->c);
    cur->n_chars++;
    cur->x0 = MIN (cur->x0, g->x0);
    cur->y0 = MIN (cur->y0, g->y0);
    cur->x1 = MAX (cur->x1, g->x1);
    cur->y1 = MAX (cur->y1, g->y1);
    size_hist_add (&cur->sizes, size, 1);
    if (g->bold >= 0) {
      cur->n_bold_known++;
      cur->n_bold += g->bold > 0;
    }
    first_word_step (cur, g);
  }
}

/* ---------- fragments → rows ---------- */

static int
cmp_frag_ycenter (gconstpointer a, gconstpointer b, gpointer data)
{
  const Page *pg = data;
  const Frag *fa = &g_array_index (pg->frags, Frag, *(const guint *) a);
  const Frag *fb = &g_array_index (pg->frags, Frag, *(const guint *) b);
  double ca = (fa->y0 + fa->y1) / 2, cb = (fb->y0 + fb->y1) / 2;
  if (ca != cb)
    return ca < cb ? -1 : 1;
  return fa->x0 < fb->x0 ? -1 : fa->x0 > fb->x0;
}

static int
cmp_frag_x (gconstpointer a, gconstpointer b, gpointer data)
{
  const Page *pg = data;
  const Frag *fa = &g_array_index (pg->frags, Frag, *(const guint *) a);
  const Frag *fb = &g_array_index (pg->frags, Frag, *(const guint *) b);
  return fa->x0 < fb->x0 ? -1 : fa->x0 > fb->x0;
}

/* Joins fragment @b into @a (same row, small gap). */
static void
frag_absorb (Frag *a, Frag *b)
{
  double gap = b->x0 - a->x1;
  if (gap > 0.15 * frag_size (a))
    g_string_append_c (a->text, ' ');
  g_string_append_len (a->text, b->text->str, (gssize) b->text->len);
  a->n_chars += b->n_chars;
  a->n_bold += b->n_bold;
  a->n_bold_known += b->n_bold_known;
  size_hist_merge (&a->sizes, &b->sizes);
  a->x1 = MAX (a->x1, b->x1);
  a->y0 = MIN (a->y0, b->y0);
  a->y1 = MAX (a->y1, b->y1);
  b->dead = TRUE;
}

void
dn_pdf_layout_build_rows (Page *pg)
{
  guint n = pg->frags->len;
  g_autofree guint *order = g_new (guint, n > 0 ? n : 1);
  guint live = 0;
  for (guint i = 0; i < n; i++)
    if (g_array_index (pg->frags, Frag, i).n_chars > 0)
      order[live++] = i;
  g_qsort_with_data (order, (gint) live, sizeof (guint), cmp_frag_ycenter, pg);

  Row *row = NULL;
  double row_h = 0;
  for (guint k = 0; k < live; k++) {
    Frag *f = &g_array_index (pg->frags, Frag, order[k]);
    if (row != NULL) {
      double overlap = MIN (f->y1, row->y1) - MAX (f->y0, row->y0);
      if (overlap < 0.5 * MIN (frag_height (f), row_h))
        row = NULL;
    }
    if (row == NULL) {
      Row r = { g_array_new (FALSE, FALSE, sizeof (guint)), f->y0, f->y1 };
      g_array_append_val (pg->rows, r);
      row = &g_array_index (pg->rows, Row, pg->rows->len - 1);
      row_h = frag_height (f);
    }
    g_array_append_val (row->frags, order[k]);
    row->y0 = MIN (row->y0, f->y0);
    row->y1 = MAX (row->y1, f->y1);
  }

  /* Sort each row by x and glue fragments that nearly touch (a font
   * change poppler put in another block). */
  for (guint r = 0; r < pg->rows->len; r++) {
    Row *rw = &g_array_index (pg->rows, Row, r);
    g_array_sort_with_data (rw->frags, cmp_frag_x, pg);
    guint w = 0;
    for (guint i = 0; i < rw->frags->len; i++) {
      guint idx = g_array_index (rw->frags, guint, i);
      Frag *f = &g_array_index (pg->frags, Frag, idx);
      if (w > 0) {
        Frag *prev = &g_array_index (pg->frags, Frag, g_array_index (rw->frags, guint, w - 1));
        double gap = f->x0 - prev->x1;
        if (gap < 0.3 * MIN (frag_size (prev), frag_size (f))) {
          frag_absorb (prev, f);
          continue;
        }
      }
      g_array_index (rw->frags, guint, w++) = idx;
    }
    g_array_set_size (rw->frags, w);
  }
}
