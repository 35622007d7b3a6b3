/* dn-pdf-layout-columns.c — rows to units: runs of rows whose fragments
 * fall into stable columns become two text columns (read column by
 * column) or a table; every other row is a plain line. See
 * dn-pdf-layout-private.h. */
#include "dn-pdf-layout-private.h"

/* ---------- units ---------- */

static Frag *
row_frag (Page *pg, const Row *r, guint i)
{
  return &g_array_index (pg->frags, Frag, g_array_index (r->frags, guint, i));
}

/* Builds a line from fragments @idx[0..n) (sorted by x), joined by tabs. */
static void
line_init (Page *pg, Line *ln, const guint *idx, guint n)
{
  memset (ln, 0, sizeof *ln);
  GString *s = g_string_new (NULL);
  SizeHist sizes = { 0 };
  ln->x0 = ln->y0 = G_MAXDOUBLE;
  ln->x1 = ln->y1 = -G_MAXDOUBLE;
  for (guint i = 0; i < n; i++) {
    const Frag *f = &g_array_index (pg->frags, Frag, idx[i]);
    /* A wide gap (tab stop, column) shows as a tab, a narrow one as a space. */
    if (i > 0) {
      const Frag *p = &g_array_index (pg->frags, Frag, idx[i - 1]);
      gboolean wide_gap = f->x0 - p->x1 > 2 * MAX (frag_size (f), frag_size (p));
      /* Letter-spaced CJK (a cover's 地  區) is one word: no space between
       * two wide characters, only a tab at a tab stop. */
      gboolean cjk_pair = s->len > 0 && f->text->len > 0 &&
                          g_unichar_iswide (g_utf8_get_char (g_utf8_find_prev_char (s->str, s->str + s->len))) &&
                          g_unichar_iswide (g_utf8_get_char (f->text->str));
      if (wide_gap)
        g_string_append_c (s, '\t');
      else if (!cjk_pair)
        g_string_append_c (s, ' ');
    }
    g_string_append_len (s, f->text->str, (gssize) f->text->len);
    ln->x0 = MIN (ln->x0, f->x0);
    ln->y0 = MIN (ln->y0, f->y0);
    ln->x1 = MAX (ln->x1, f->x1);
    ln->y1 = MAX (ln->y1, f->y1);
    ln->n_chars += f->n_chars;
    ln->n_bold += f->n_bold;
    ln->n_bold_known += f->n_bold_known;
    size_hist_merge (&sizes, &f->sizes);
    if (i == 0) {
      ln->first_word_w = f->first_word_x1 - f->x0;
      ln->starts_wide = f->starts_wide;
    }
  }
  ln->size = size_hist_dominant (&sizes);
  if (ln->size <= 0)
    ln->size = MAX (ln->y1 - ln->y0, 1.0);
  ln->text = g_string_free (s, FALSE);
}

static void
add_line_unit (Page *pg, int region, const guint *idx, guint n)
{
  Unit u = { 0 };
  u.kind = UNIT_LINE;
  u.region = region;
  line_init (pg, &u.line, idx, n);
  u.x0 = u.line.x0;
  u.y0 = u.line.y0;
  u.x1 = u.line.x1;
  u.y1 = u.line.y1;
  g_array_append_val (pg->units, u);
}

static void
add_row_unit (Page *pg, int region, const Row *r)
{
  add_line_unit (pg, region, (const guint *) r->frags->data, r->frags->len);
}

/* Tries to place row @r into columns @cols (updated on success). Returns
 * FALSE when a fragment straddles columns, lies outside them, or two
 * fragments share a column. @col_of receives each fragment's column. */
static gboolean
fit_row (Page *pg, const Row *r, GArray *cols, guint *col_of)
{
  guint nc = cols->len;
  g_autofree Interval *next = g_new (Interval, nc);
  memcpy (next, cols->data, nc * sizeof (Interval));
  g_autofree gboolean *used = g_new0 (gboolean, nc);
  double min_size = G_MAXDOUBLE;
  for (guint i = 0; i < r->frags->len; i++) {
    const Frag *f = row_frag (pg, r, i);
    min_size = MIN (min_size, frag_size (f));
    int hit = -1;
    for (guint c = 0; c < nc; c++) {
      const Interval *iv = &g_array_index (cols, Interval, c);
      if (f->x0 < iv->x1 && f->x1 > iv->x0) {
        if (hit >= 0)
          return FALSE;
        hit = (int) c;
      }
    }
    if (hit < 0 || used[hit])
      return FALSE;
    used[hit] = TRUE;
    col_of[i] = (guint) hit;
    next[hit].x0 = MIN (next[hit].x0, f->x0);
    next[hit].x1 = MAX (next[hit].x1, f->x1);
  }
  for (guint c = 0; c + 1 < nc; c++)
    if (next[c + 1].x0 - next[c].x1 < 0.3 * min_size)
      return FALSE;
  memcpy (cols->data, next, nc * sizeof (Interval));
  return TRUE;
}


/* Two text columns: both columns hold several long lines that fill most of
 * their column, and the columns have comparable widths. A table whose cells
 * wrap in one column leaves the other empty on the wrapped rows, while that
 * column runs line for line; text columns are both dense (same baselines) or
 * both sparse (baselines drift apart). */
static gboolean
run_is_text_columns (Page *pg, guint first, guint last, GArray *cols, GArray *assign)
{
  if (cols->len != 2)
    return FALSE;
  double w[2];
  for (guint c = 0; c < 2; c++) {
    const Interval *iv = &g_array_index (cols, Interval, c);
    w[c] = iv->x1 - iv->x0;
  }
  if (MIN (w[0], w[1]) < 0.6 * MAX (w[0], w[1]))
    return FALSE;
  /* A gutter is narrow next to its columns; a table's gaps rarely are. */
  double gutter = g_array_index (cols, Interval, 1).x0 - g_array_index (cols, Interval, 0).x1;
  if (gutter > 0.3 * MIN (w[0], w[1]))
    return FALSE;
  double cover[2];
  for (guint c = 0; c < 2; c++) {
    g_autoptr (GArray) chars = g_array_new (FALSE, FALSE, sizeof (double));
    g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (double));
    guint k = 0, rows_with = 0, row_first = G_MAXUINT, row_last = 0;
    for (guint r = first; r <= last; r++) {
      const Row *rw = &g_array_index (pg->rows, Row, r);
      gboolean here = FALSE;
      for (guint i = 0; i < rw->frags->len; i++, k++) {
        if (g_array_index (assign, guint, k) != c)
          continue;
        const Frag *f = row_frag (pg, rw, i);
        double nc = f->n_chars, fw = f->x1 - f->x0;
        g_array_append_val (chars, nc);
        g_array_append_val (widths, fw);
        here = TRUE;
      }
      if (here) {
        rows_with++;
        row_first = MIN (row_first, r);
        row_last = r;
      }
    }
    if (chars->len < 3 || median (chars) < 8 || median (widths) < 0.75 * w[c])
      return FALSE;
    cover[c] = rows_with / (double) (row_last - row_first + 1);
  }
  if (MIN (cover[0], cover[1]) < 0.75 && MAX (cover[0], cover[1]) > 0.9)
    return FALSE;
  return TRUE;
}

static void
add_table_unit (Page *pg, int region, guint first, guint last, GArray *cols, GArray *assign,
                gboolean uncertain)
{
  guint nc = cols->len;
  if (uncertain) {
    /* Unsure: keep each row as one line (cells joined by tabs). */
    for (guint r = first; r <= last; r++) {
      add_row_unit (pg, region, &g_array_index (pg->rows, Row, r));
      g_array_index (pg->units, Unit, pg->units->len - 1).uncertain = TRUE;
    }
    return;
  }
  Unit u = { 0 };
  u.kind = UNIT_TABLE;
  u.region = region;
  u.n_cols = nc;
  u.grid = g_ptr_array_new ();
  u.cell_boxes = g_array_new (FALSE, TRUE, sizeof (double));
  u.x0 = u.y0 = G_MAXDOUBLE;
  u.x1 = u.y1 = -G_MAXDOUBLE;
  GPtrArray *cur = NULL;
  guint k = 0;
  for (guint r = first; r <= last; r++) {
    const Row *rw = &g_array_index (pg->rows, Row, r);
    gboolean has_col0 = FALSE;
    for (guint i = 0; i < rw->frags->len; i++)
      has_col0 |= g_array_index (assign, guint, k + i) == 0;
    /* A row with a first-column cell, or cells in several columns, opens a
     * table row; a lone fragment further right continues a wrapped cell. */
    if (cur == NULL || has_col0 || rw->frags->len > 1) {
      cur = g_ptr_array_new ();
      g_ptr_array_set_size (cur, (gint) nc);
      g_ptr_array_add (u.grid, cur);
      guint base = u.cell_boxes->len;
      g_array_set_size (u.cell_boxes, base + nc * 4);
      for (guint c = 0; c < nc; c++) {
        double *b = &g_array_index (u.cell_boxes, double, base + c * 4);
        b[0] = b[1] = G_MAXDOUBLE;
        b[2] = b[3] = -G_MAXDOUBLE;
      }
    }
    guint row_i = u.grid->len - 1;
    for (guint i = 0; i < rw->frags->len; i++, k++) {
      guint c = g_array_index (assign, guint, k);
      const Frag *f = row_frag (pg, rw, i);
      GString *cell = g_ptr_array_index (cur, c);
      if (cell == NULL) {
        cell = g_string_new (NULL);
        g_ptr_array_index (cur, c) = cell;
      } else {
        g_string_append_c (cell, '\n');
      }
      g_string_append_len (cell, f->text->str, (gssize) f->text->len);
      double *b = &g_array_index (u.cell_boxes, double, (row_i * nc + c) * 4);
      b[0] = MIN (b[0], f->x0);
      b[1] = MIN (b[1], f->y0);
      b[2] = MAX (b[2], f->x1);
      b[3] = MAX (b[3], f->y1);
      u.x0 = MIN (u.x0, f->x0);
      u.y0 = MIN (u.y0, f->y0);
      u.x1 = MAX (u.x1, f->x1);
      u.y1 = MAX (u.y1, f->y1);
    }
  }
  g_array_append_val (pg->units, u);
}

static gboolean
in_margin (const Page *pg, const Row *r)
{
  return r->y1 < 0.08 * pg->page_h || r->y0 > 0.92 * pg->page_h;
}

/* Walks the rows top to bottom and turns them into units: plain lines,
 * tables, or two text columns read one after the other. */
void
dn_pdf_layout_build_units (Page *pg)
{
  guint nr = pg->rows->len;
  guint r = 0;
  g_autoptr (GArray) cols = g_array_new (FALSE, FALSE, sizeof (Interval));
  g_autoptr (GArray) assign = g_array_new (FALSE, FALSE, sizeof (guint));
  while (r < nr) {
    const Row *start = &g_array_index (pg->rows, Row, r);
    if (start->frags->len < 2 || in_margin (pg, start)) {
      add_row_unit (pg, 0, start);
      r++;
      continue;
    }
    g_array_set_size (cols, 0);
    g_array_set_size (assign, 0);
    for (guint i = 0; i < start->frags->len; i++) {
      const Frag *f = row_frag (pg, start, i);
      Interval iv = { f->x0, f->x1 };
      g_array_append_val (cols, iv);
      g_array_append_val (assign, i);
    }
    guint last_multi = r, last_fit = r, n_multi = 1;
    guint assign_multi = assign->len, assign_tail = assign->len;
    double line_h = start->y1 - start->y0;
    for (guint j = r + 1; j < nr; j++) {
      const Row *rw = &g_array_index (pg->rows, Row, j);
      const Row *prev = &g_array_index (pg->rows, Row, j - 1);
      /* Rows of one grid sit close; a lone fragment (a wrapped cell) sits
       * closer still; the page margins (running heads, page numbers) are
       * never part of one. */
      double gap = rw->y0 - prev->y1;
      if (gap > 3 * line_h || (rw->frags->len == 1 && gap > 1.2 * line_h) || in_margin (pg, rw))
        break;
      /* A grid shows aligned rows now and then; without one for this long
       * the run is over (and a hostile page cannot make this quadratic). */
      if (j - last_multi > 60)
        break;
      g_autofree guint *col_of = g_new (guint, rw->frags->len);
      if (!fit_row (pg, rw, cols, col_of))
        break;
      g_array_append_vals (assign, col_of, rw->frags->len);
      last_fit = j;
      if (rw->frags->len >= 2) {
        last_multi = j;
        n_multi++;
        assign_multi = assign->len;
      }
    }
    if (n_multi < 2) {
      add_row_unit (pg, 0, start);
      r++;
      continue;
    }
    if (run_is_text_columns (pg, r, last_fit, cols, assign)) {
      int region = ++pg->next_region;
      for (guint c = 0; c < 2; c++) {
        guint k = 0;
        for (guint j = r; j <= last_fit; j++) {
          const Row *rw = &g_array_index (pg->rows, Row, j);
          for (guint i = 0; i < rw->frags->len; i++, k++)
            if (g_array_index (assign, guint, k) == c)
            {
              add_line_unit (pg, region + (int) c, &g_array_index (rw->frags, guint, i), 1);
              g_array_index (pg->units, Unit, pg->units->len - 1).col_run = region;
            }
        }
      }
      pg->next_region++;
      r = last_fit + 1;
      continue;
    }
    /* A table keeps trailing rows only while they continue cells right of
     * the first column (a wrapped last cell), never a body line. */
    guint last = last_multi;
    assign_tail = assign_multi;
    guint k = assign_multi;
    for (guint j = last_multi + 1; j <= last_fit; j++) {
      const Row *rw = &g_array_index (pg->rows, Row, j);
      gboolean col0 = FALSE;
      for (guint i = 0; i < rw->frags->len; i++)
        col0 |= g_array_index (assign, guint, k + i) == 0;
      if (col0)
        break;
      k += rw->frags->len;
      last = j;
      assign_tail = k;
    }
    g_array_set_size (assign, assign_tail);
    gboolean uncertain = n_multi < 3 && cols->len == 2;
    add_table_unit (pg, 0, r, last, cols, assign, uncertain);
    r = last + 1;
  }
}
