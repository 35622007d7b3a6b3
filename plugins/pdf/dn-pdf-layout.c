/* dn-pdf-layout.c — one page's glyphs to blocks in reading order.
 *
 * Steps: glyphs → fragments (a run of glyphs on one baseline inside one
 * poppler line, cut at wide gaps) → rows (fragments sharing a baseline) →
 * runs of rows whose fragments fall into stable columns, classified as two
 * text columns (read column by column), a table, or plain lines → lines
 * grouped into paragraphs by font, vertical gap, alignment and line fill.
 * Readers are faithful: the text is what poppler gives; only its order and
 * grouping are decided here. */
#include "dn-pdf-layout.h"

#include <math.h>
#include <string.h>

/* Dominant-value histogram of font sizes (rounded to 0.5 pt). */
#define N_SIZES 4
typedef struct {
  double s[N_SIZES];
  guint n[N_SIZES];
} SizeHist;

static void
size_hist_add (SizeHist *h, double size, guint count)
{
  if (size <= 0)
    return;
  size = round (size * 2) / 2;
  guint min_i = 0;
  for (guint i = 0; i < N_SIZES; i++) {
    if (h->n[i] > 0 && h->s[i] == size) {
      h->n[i] += count;
      return;
    }
    if (h->n[i] < h->n[min_i])
      min_i = i;
  }
  /* Replace the rarest entry: a line rarely mixes more than a few sizes. */
  if (h->n[min_i] <= count) {
    h->s[min_i] = size;
    h->n[min_i] = count;
  }
}

static void
size_hist_merge (SizeHist *into, const SizeHist *from)
{
  for (guint i = 0; i < N_SIZES; i++)
    if (from->n[i] > 0)
      size_hist_add (into, from->s[i], from->n[i]);
}

static double
size_hist_dominant (const SizeHist *h)
{
  guint best = 0;
  for (guint i = 1; i < N_SIZES; i++)
    if (h->n[i] > h->n[best])
      best = i;
  return h->n[best] > 0 ? h->s[best] : 0;
}

typedef struct {
  double x0, y0, x1, y1;
  GString *text;
  guint n_chars;
  guint n_bold, n_bold_known;
  SizeHist sizes;
  double first_word_x1;  /* right edge of the first unbreakable unit */
  int first_word_state;  /* FW_* */
  gboolean starts_wide;
  gboolean dead;         /* merged into another fragment */
} Frag;

typedef struct {
  GArray *frags;         /* guint indices, sorted by x */
  double y0, y1;
} Row;

/* A line of one flow: one or more fragments on one row. */
typedef struct {
  double x0, y0, x1, y1;
  double size;
  guint n_chars, n_bold, n_bold_known;
  double first_word_w;
  gboolean starts_wide;
  char *text;            /* owned */
} Line;

typedef enum {
  UNIT_LINE,
  UNIT_TABLE,
  UNIT_IMAGE,
} UnitKind;

typedef struct {
  UnitKind kind;
  int region;            /* flows are split where the region changes */
  int col_run;           /* >0: a line of a two-column run, read column by column */
  double x0, y0, x1, y1;
  Line line;             /* UNIT_LINE */
  GPtrArray *grid;       /* UNIT_TABLE: rows of GPtrArray of GString * (NULL = empty) */
  GArray *cell_boxes;    /* UNIT_TABLE: per row, per column boxes (double[4]) flattened */
  guint n_cols;
  gboolean uncertain;
  guint image;           /* UNIT_IMAGE: index into the page's images */
} Unit;

typedef struct {
  double x0, x1;
} Interval;

typedef struct {
  const DnPdfGlyph *glyphs;
  gsize n_glyphs;
  double page_w, page_h;
  int page;
  GArray *frags;         /* Frag */
  GArray *rows;          /* Row */
  GArray *units;         /* Unit */
  int next_region;
} Page;

static double
frag_size (const Frag *f)
{
  double s = size_hist_dominant (&f->sizes);
  return s > 0 ? s : MAX (f->y1 - f->y0, 1.0);
}

static double
frag_height (const Frag *f)
{
  return MAX (f->y1 - f->y0, 0.1);
}

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

static gboolean
is_space (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x00A0 || c == 0x3000 || c == 0x200B;
}

static void
build_fragments (Page *pg)
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

static void
build_rows (Page *pg)
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

static int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  return g_array_index (values, double, values->len / 2);
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
static void
build_units (Page *pg)
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

/* ---------- markers and punctuation ---------- */

static GRegex *
marker_regex (void)
{
  static GRegex *re;
  static gsize once;
  if (g_once_init_enter (&once)) {
    GRegex *r = g_regex_new (
        "^\\s*(?:[壹貳參肆伍陸柒捌玖拾]+\\s*、"
        "|[一二三四五六七八九十]+\\s*、"
        "|[(（]\\s*[一二三四五六七八九十]+\\s*[)）]"
        "|[(（]\\s*\\d{1,2}\\s*[)）]"
        "|\\d{1,2}\\s*[.．、](?!\\d)"
        "|[A-Z]\\.\\s"
        "|[圖表]\\s*\\d"
        "|[•●■◆◇○□▪►\\x{F000}-\\x{F0FF}-])",
        G_REGEX_OPTIMIZE, 0, NULL);
    re = r;
    g_once_init_leave (&once, 1);
  }
  return re;
}

gboolean
dn_pdf_starts_with_marker (const char *text)
{
  return text != NULL && g_regex_match (marker_regex (), text, 0, NULL);
}

gboolean
dn_pdf_is_page_number (const char *text)
{
  static GRegex *re;
  static gsize once;
  if (g_once_init_enter (&once)) {
    re = g_regex_new ("^\\s*(?:[-–—~‧·]?\\s*\\d{1,4}\\s*[-–—~‧·]?"
                      "|第\\s*\\d{1,4}\\s*頁(?:\\s*[,，/、]?\\s*共\\s*\\d{1,4}\\s*頁)?"
                      "|(?:[Pp]age|頁次?)\\s*[:：]?\\s*\\d{1,4}(?:\\s*(?:of|/)\\s*\\d{1,4})?"
                      "|\\d{1,4}\\s*/\\s*\\d{1,4}"
                      "|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})\\s*$",
                      G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&once, 1);
  }
  return text != NULL && g_regex_match (re, text, 0, NULL);
}

gboolean
dn_pdf_ends_sentence (const char *text)
{
  if (text == NULL)
    return FALSE;
  const char *end = text + strlen (text);
  while (end > text) {
    const char *prev = g_utf8_find_prev_char (text, end);
    gunichar c = g_utf8_get_char (prev);
    if (!is_space (c))
      return g_utf8_strchr ("。！？；：.!?;:」』", -1, c) != NULL;
    end = prev;
  }
  return FALSE;
}

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

static void
emit_units (Page *pg, DnNode *parent, const DnPdfImage *images, DnPdfPageResult *res)
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

  build_fragments (&pg);
  build_rows (&pg);
  build_units (&pg);

  /* Hairlines and dots (rules, bullets drawn as images) are not figures. */
  g_autoptr (GArray) keep = g_array_new (FALSE, TRUE, sizeof (gboolean));
  g_array_set_size (keep, n_images);
  for (gsize i = 0; i < n_images; i++)
    g_array_index (keep, gboolean, i) = images[i].x1 - images[i].x0 >= 4 && images[i].y1 - images[i].y0 >= 4;
  place_images (&pg, images, n_images, keep);
  emit_units (&pg, parent, images, result);

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
