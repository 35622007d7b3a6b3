/* dn-pdf-layout-blocks.c — units to nodes: lines grouped into paragraphs
 * by font, vertical gap, alignment and line fill; tables and figures as
 * they are. See dn-pdf-layout-private.h. */
#include "dn-pdf-layout-private.h"

/* ---------- units → nodes ---------- */

typedef struct {
  double left, right;
  double gap;            /* typical gap between lines of one paragraph */
} RegionBounds;

static void
region_bounds (Page *pg, int region, RegionBounds *rb)
{
  rb->left = G_MAXDOUBLE;
  rb->right = -G_MAXDOUBLE;
  g_autoptr (GArray) gaps = g_array_new (FALSE, FALSE, sizeof (double));
  const Unit *prev = NULL;
  for (guint k = 0; k < pg->units->len; k++) {
    const Unit *u = &g_array_index (pg->units, Unit, k);
    if (u->region != region || u->kind != UNIT_LINE) {
      prev = NULL;
      continue;
    }
    rb->left = MIN (rb->left, u->x0);
    rb->right = MAX (rb->right, u->x1);
    if (prev != NULL && fabs (prev->line.size - u->line.size) < 0.5) {
      double g = u->y0 - prev->y1;
      if (g > -0.5 * u->line.size)
        g_array_append_val (gaps, g);
    }
    prev = u;
  }
  rb->gap = gaps->len >= 3 ? MAX (median (gaps), 0.0) : 0.3 * (prev != NULL ? prev->line.size : 10);
}

static gboolean
line_centred (const Line *ln, const RegionBounds *rb)
{
  double mid = (rb->left + rb->right) / 2;
  /* Short on both sides, and clearly shorter than the column: a nearly
   * full line says nothing about alignment. */
  return ln->x0 > rb->left + ln->size && ln->x1 < rb->right - ln->size &&
         ln->x1 - ln->x0 < 0.8 * (rb->right - rb->left) &&
         fabs ((ln->x0 + ln->x1) / 2 - mid) < ln->size;
}

/* Centred, or as wide as the column and so centred too. */
static gboolean
line_centred_or_full (const Line *ln, const RegionBounds *rb)
{
  double mid = (rb->left + rb->right) / 2;
  return fabs ((ln->x0 + ln->x1) / 2 - mid) < ln->size;
}

static int
bold_of (guint n_bold, guint n_known)
{
  if (n_known == 0)
    return -1;
  return n_bold * 2 > n_known ? 1 : 0;
}

/* TRUE when line @b starts a new paragraph after line @a. */
static gboolean
paragraph_break (const Line *a, const Line *b, const RegionBounds *rb, double page_h)
{
  double size = MAX (a->size, b->size);
  if (b->y0 < a->y1 - 0.5 * MIN (a->y1 - a->y0, b->y1 - b->y0))
    return TRUE;                           /* out of vertical order */
  if (fabs (a->size - b->size) > 0.12 * size)
    return TRUE;
  /* A wholly bold line next to a plain one (a bold lead-in does not count). */
  if (a->n_bold_known > 0 && b->n_bold_known > 0) {
    gboolean a_bold = a->n_bold * 10 >= a->n_bold_known * 9, a_plain = a->n_bold * 10 <= a->n_bold_known;
    gboolean b_bold = b->n_bold * 10 >= b->n_bold_known * 9, b_plain = b->n_bold * 10 <= b->n_bold_known;
    if ((a_bold && b_plain) || (a_plain && b_bold))
      return TRUE;
  }
  double gap = b->y0 - a->y1;
  if (gap > MAX (rb->gap * 1.6 + 1.0, rb->gap + 0.35 * a->size))
    return TRUE;
  /* Running headers and footers stand alone. */
  if ((a->y1 < 0.08 * page_h) != (b->y1 < 0.08 * page_h))
    return TRUE;
  if ((a->y0 > 0.92 * page_h) != (b->y0 > 0.92 * page_h))
    return TRUE;
  if (line_centred (a, rb) && line_centred (b, rb))
    return FALSE;                          /* a wrapped centred title */
  /* Would b's first word have fitted at the end of a? Then a ended its
   * paragraph rather than wrapping. */
  double room = rb->right - a->x1;
  double need = b->first_word_w + (b->starts_wide ? 1.0 : 0.5) * b->size;
  if (room > need)
    return TRUE;
  if (dn_pdf_starts_with_marker (b->text) && dn_pdf_ends_sentence (a->text))
    return TRUE;
  return FALSE;
}

/* The last line of one text column and the first of the next: one
 * paragraph when the first fills its column and stops mid-sentence. */
static gboolean
column_continues (const Line *a, const Line *b, const RegionBounds *rb_a)
{
  if (fabs (a->size - b->size) > 0.12 * MAX (a->size, b->size))
    return FALSE;
  if (rb_a->right - a->x1 > 2 * a->size)
    return FALSE;
  return !dn_pdf_ends_sentence (a->text) && !dn_pdf_starts_with_marker (b->text);
}

/* The line after unit @k when it is a line of @region, else NULL. */
static const Line *
next_line (Page *pg, guint k, int region)
{
  if (k >= pg->units->len)
    return NULL;
  const Unit *u = &g_array_index (pg->units, Unit, k);
  return u->kind == UNIT_LINE && u->region == region ? &u->line : NULL;
}

/* A first-line indent after a sentence end: @b starts further right than
 * both @a and @c, which start together (a hanging indent has @b and @c
 * together instead). Catches a new paragraph after a full last line. */
static gboolean
first_line_indent (const Line *a, const Line *b, const Line *c)
{
  if (c == NULL || fabs (a->x0 - c->x0) > 0.5 * a->size)
    return FALSE;
  /* An indent of a few em, not a right-aligned number, after a sentence
   * end that is not a dot leader. */
  if (b->x0 < c->x0 + 1.5 * b->size || b->x0 > c->x0 + 5 * b->size)
    return FALSE;
  return dn_pdf_ends_sentence (a->text) && !g_str_has_suffix (a->text, "..");
}

static void
set_box (DnHints *h, double x0, double y0, double x1, double y1)
{
  h->has_bbox = TRUE;
  h->x0 = round (x0 * 100) / 100;
  h->y0 = round (y0 * 100) / 100;
  h->x1 = round (x1 * 100) / 100;
  h->y1 = round (y1 * 100) / 100;
}

static void
add_block (DnPdfPageResult *res, DnNode *node, const DnPdfBlockFit *fit)
{
  static const DnPdfBlockFit none = { G_MAXDOUBLE, G_MAXDOUBLE };
  g_ptr_array_add (res->blocks, node);
  g_array_append_vals (res->fits, fit != NULL ? fit : &none, 1);
}

static DnNode *
emit_paragraph (Page *pg, DnNode *parent, Unit **lines, guint n, const RegionBounds *rb,
                DnPdfPageResult *res)
{
  DnNode *p = dn_node_append_new (parent, DN_NODE_PARAGRAPH);
  res->n_nodes++;
  GString *s = g_string_new (NULL);
  SizeHist sizes = { 0 };
  guint n_bold = 0, n_known = 0;
  double x0 = G_MAXDOUBLE, y0 = G_MAXDOUBLE, x1 = -G_MAXDOUBLE, y1 = -G_MAXDOUBLE;
  gboolean all_centred = TRUE, any_centred = FALSE, all_full = TRUE, uncertain = FALSE;
  for (guint i = 0; i < n; i++) {
    const Line *ln = &lines[i]->line;
    if (i > 0)
      g_string_append_c (s, '\n');
    g_string_append (s, ln->text);
    size_hist_add (&sizes, ln->size, ln->n_chars);
    n_bold += ln->n_bold;
    n_known += ln->n_bold_known;
    x0 = MIN (x0, ln->x0);
    y0 = MIN (y0, ln->y0);
    x1 = MAX (x1, ln->x1);
    y1 = MAX (y1, ln->y1);
    /* A centred title may wrap onto a first line as wide as the column. */
    all_centred &= line_centred_or_full (ln, rb);
    any_centred |= line_centred (ln, rb);
    if (i + 1 < n)
      all_full &= ln->x1 >= rb->right - 0.5 * ln->size;
    uncertain |= lines[i]->uncertain;
  }
  dn_node_take_text (p, g_string_free (s, FALSE));
  DnHints *h = dn_node_hints (p);
  h->page = pg->page;
  h->font_size = size_hist_dominant (&sizes);
  h->bold = (gint8) bold_of (n_bold, n_known);
  set_box (h, x0, y0, x1, y1);
  const Line *first = &lines[0]->line;
  h->indent = round (MAX (first->x0 - rb->left, 0.0) * 100) / 100;
  all_centred &= any_centred;
  /* A last line starting where a longer line above starts is left-aligned
   * (a hanging indent), however central it happens to look. */
  const Line *last_line = &lines[n - 1]->line;
  for (guint i = 0; i + 1 < n && all_centred; i++) {
    const Line *ln = &lines[i]->line;
    if (fabs (ln->x0 - last_line->x0) < 1.0 && ln->x1 > last_line->x1 + ln->size)
      all_centred = FALSE;
  }
  if (all_centred)
    h->align = DN_ALIGN_CENTER;
  else if (n > 1 && all_full)
    h->align = DN_ALIGN_JUSTIFY;
  else if (n == 1 && first->x1 >= rb->right - 0.5 * first->size && first->x0 > (rb->left + rb->right) / 2)
    h->align = DN_ALIGN_RIGHT;
  else
    h->align = DN_ALIGN_LEFT;
  if (n > 1)
    h->flags |= DN_HINT_WRAPPED_LINES;
  if (uncertain)
    h->flags |= DN_HINT_UNCERTAIN;
  const Line *end = &lines[n - 1]->line;
  DnPdfBlockFit fit = { all_centred ? G_MAXDOUBLE : rb->right - end->x1,
                        first->first_word_w + (first->starts_wide ? 1.0 : 0.5) * first->size };
  add_block (res, p, &fit);
  return p;
}

static void
emit_table (Page *pg, DnNode *parent, const Unit *u, DnPdfPageResult *res)
{
  DnNode *t = dn_node_append_new (parent, DN_NODE_TABLE);
  res->n_nodes++;
  res->n_tables++;
  DnHints *th = dn_node_hints (t);
  th->page = pg->page;
  set_box (th, u->x0, u->y0, u->x1, u->y1);
  for (guint r = 0; r < u->grid->len; r++) {
    GPtrArray *cells = g_ptr_array_index (u->grid, r);
    DnNode *row = dn_node_append_new (t, DN_NODE_TABLE_ROW);
    res->n_nodes++;
    DnHints *rh = dn_node_hints (row);
    rh->page = pg->page;
    if (r == 0)
      rh->flags |= DN_HINT_HEADER_ROW;
    double ry0 = G_MAXDOUBLE, ry1 = -G_MAXDOUBLE;
    for (guint c = 0; c < u->n_cols; c++) {
      DnNode *cell = dn_node_append_new (row, DN_NODE_TABLE_CELL);
      res->n_nodes++;
      GString *text = g_ptr_array_index (cells, c);
      DnHints *ch = dn_node_hints (cell);
      ch->page = pg->page;
      if (text != NULL) {
        if (strchr (text->str, '\n') != NULL)
          ch->flags |= DN_HINT_WRAPPED_LINES;
        dn_node_take_text (cell, g_string_free (text, FALSE));
        const double *b = &g_array_index (u->cell_boxes, double, (r * u->n_cols + c) * 4);
        set_box (ch, b[0], b[1], b[2], b[3]);
        ry0 = MIN (ry0, b[1]);
        ry1 = MAX (ry1, b[3]);
      }
    }
    if (ry0 < ry1)
      set_box (rh, u->x0, ry0, u->x1, ry1);
    g_ptr_array_free (cells, TRUE);
  }
  g_ptr_array_free (u->grid, TRUE);
  g_array_free (u->cell_boxes, TRUE);
  add_block (res, t, NULL);
}

void
dn_pdf_layout_emit_units (Page *pg, DnNode *parent, const DnPdfImage *images,
                          DnPdfPageResult *res)
{
  int n_regions = pg->next_region + 1;
  g_autofree RegionBounds *bounds = g_new0 (RegionBounds, n_regions);
  for (int r = 0; r < n_regions; r++)
    region_bounds (pg, r, &bounds[r]);

  g_autoptr (GPtrArray) pending = g_ptr_array_new ();
  for (guint k = 0; k <= pg->units->len; k++) {
    Unit *u = k < pg->units->len ? &g_array_index (pg->units, Unit, k) : NULL;
    if (pending->len > 0) {
      Unit *last = g_ptr_array_index (pending, pending->len - 1);
      const RegionBounds *rb = &bounds[last->region];
      gboolean brk;
      if (u != NULL && u->kind == UNIT_LINE && last->col_run > 0 && u->col_run == last->col_run &&
          u->region == last->region + 1)
        brk = !column_continues (&last->line, &u->line, rb);
      else
        brk = u == NULL || u->kind != UNIT_LINE || u->region != last->region || last->uncertain ||
              u->uncertain || paragraph_break (&last->line, &u->line, rb, pg->page_h) ||
              first_line_indent (&last->line, &u->line, next_line (pg, k + 1, u->region));
      if (brk) {
        emit_paragraph (pg, parent, (Unit **) pending->pdata, pending->len, rb, res);
        g_ptr_array_set_size (pending, 0);
      }
    }
    if (u == NULL)
      break;
    if (u->kind == UNIT_LINE) {
      g_ptr_array_add (pending, u);
    } else if (u->kind == UNIT_TABLE) {
      emit_table (pg, parent, u, res);
    } else {
      DnNode *fig = dn_node_append_new (parent, DN_NODE_FIGURE);
      res->n_nodes++;
      DnHints *h = dn_node_hints (fig);
      h->page = pg->page;
      set_box (h, u->x0, u->y0, u->x1, u->y1);
      g_ptr_array_index (res->figures, u->image) = fig;
      add_block (res, fig, NULL);
    }
  }
}
