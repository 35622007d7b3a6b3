/* Clean text: markup residue, text-reader blocks split into lines and
 * tab-separated tables, wrapped lines reflowed (CJK-aware), paragraphs that
 * run on across a page or a hard wrap joined, stray spaces between CJK
 * characters removed. */
#include <string.h>

#include "dn-analysis-private.h"
#include "../dn-vocab.h"

#define WRAP_ATTR "_wrap_width"

static gboolean
node_has_text (DnNode *n)
{
  const char *t = dn_node_get_text (n);
  return t != NULL && *t != '\0';
}

static void
strip_residue_all (DnDocument *doc)
{
  guint markup = 0, bookmarks = 0;
  DnIter it;
  dn_iter_init (&it, dn_document_get_root (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER || !node_has_text (it.current) || dn_node_get_n_spans (it.current) > 0)
      continue;
    guint m = 0, b = 0;
    char *clean = dn_text_strip_residue (dn_node_get_text (it.current), &m, &b);
    if (m + b > 0) {
      dn_node_set_text (it.current, clean);
      dn_node_hints (it.current)->flags |= DN_HINT_CLEANED;
    }
    markup += m;
    bookmarks += b;
    g_free (clean);
  }
  if (markup > 0)
    dn_document_add_warning (doc, "MARKUP_STRIPPED", 0,
                             "%u pieces of markdown/HTML residue (** <p> <ul> <u> …) removed from the text",
                             markup);
  if (bookmarks > 0)
    dn_document_add_warning (doc, "BOOKMARK_STRIPPED", 0, "%u [bookmark: …] marker(s) removed", bookmarks);
}

static int
cmp_uint (gconstpointer a, gconstpointer b)
{
  guint x = *(const guint *) a, y = *(const guint *) b;
  return x < y ? -1 : x > y;
}

/* A hard-wrapped text (every line its own block, short lines) gets its wrap
 * width recorded on the root for the heading and join rules. */
static void
detect_hard_wrap (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  guint blocks = 0, single = 0;
  GArray *widths = g_array_new (FALSE, FALSE, sizeof (guint));
  for (DnNode *n = dn_node_first_child (root); n != NULL; n = dn_node_next (n)) {
    if (dn_node_get_node_type (n) != DN_NODE_PARAGRAPH || !node_has_text (n))
      continue;
    blocks++;
    const char *line = dn_node_get_text (n);
    single += strchr (line, '\n') == NULL;
    for (;;) {
      /* Only a p90 of 20..100 is used, so wider lines may count as 101. */
      guint w = dn_text_line_width_upto (line, 101);
      if (w > 0)
        g_array_append_val (widths, w);
      const char *nl = strchr (line, '\n');
      if (nl == NULL)
        break;
      line = nl + 1;
    }
  }
  if (blocks >= 20 && single * 10 >= blocks * 6 && widths->len > 0) {
    g_array_sort (widths, cmp_uint);
    guint p90 = g_array_index (widths, guint, widths->len * 9 / 10);
    if (p90 <= 100 && p90 >= 20) {
      dn_node_set_attr_int (root, WRAP_ATTR, p90);
      dn_document_add_warning (doc, "HARD_WRAP_REFLOWED", 0,
                               "text is hard-wrapped at about %u columns; lines were reflowed", p90);
    }
  }
  g_array_free (widths, TRUE);
}

/* Text-reader blocks: each line becomes its own paragraph (lines inside a
 * block are separate items: cover key：value lines, list items, table
 * rows). A reader's layout wraps (DN_HINT_WRAPPED_LINES) are reflowed. */
/* Ends with an ordinal prefix, a conjunction, a comma or an opening
 * bracket: the phrase goes on past the line's end. */
static gboolean
ends_mid_phrase (const char *line)
{
  static const gunichar go_on[] = { 0x7B2C /* 第 */, 0x4E4B /* 之 */, 0x53CA /* 及 */, 0x8207 /* 與 */,
                                    0x548C /* 和 */, 0x6216 /* 或 */, 0x7684 /* 的 */, 0x3001 /* 、 */,
                                    0xFF0C /* ， */, ',', 0x300C /* 「 */, 0xFF08 /* （ */, '(' };
  char *t = dn_text_trim (line);
  gunichar last = dn_text_last_char (t);
  g_free (t);
  for (guint i = 0; i < G_N_ELEMENTS (go_on); i++)
    if (last == go_on[i])
      return TRUE;
  return FALSE;
}

/* The right edge of the text on each page: the largest x1 of a block with a
 * box there (page → double, in a GArray indexed by page). */
static GArray *
page_right_edges (DnNode *root)
{
  GArray *edges = g_array_new (FALSE, TRUE, sizeof (double));
  for (DnNode *n = dn_node_first_child (root); n != NULL; n = dn_node_next (n)) {
    const DnHints *h = dn_node_get_hints (n);
    if (!h->has_bbox || h->page <= 0 || h->page > 100000 || dn_node_get_node_type (n) == DN_NODE_FURNITURE)
      continue;
    if ((guint) h->page >= edges->len)
      g_array_set_size (edges, (guint) h->page + 1);
    double *e = &g_array_index (edges, double, h->page);
    *e = MAX (*e, h->x1);
  }
  return edges;
}

static double
page_right_edge (GArray *edges, int page)
{
  return page > 0 && (guint) page < edges->len ? g_array_index (edges, double, page) : G_MAXDOUBLE;
}

static void
split_or_reflow (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  g_autoptr (GArray) right_edges = page_right_edges (root);
  DnNode *n = dn_node_first_child (root);
  while (n != NULL) {
    DnNode *next = dn_node_next (n);
    DnNodeType t = dn_node_get_node_type (n);
    const char *text = dn_node_get_text (n);
    if ((t == DN_NODE_PARAGRAPH || t == DN_NODE_HEADING) && text != NULL && strchr (text, '\n') != NULL &&
        dn_node_get_n_spans (n) == 0) {
      if (dn_node_get_hints (n)->flags & DN_HINT_WRAPPED_LINES) {
        /* Layout lines are reflowed, but a line that opens with a
         * numbering marker starts a new block (a PDF reader may keep a
         * heading and the next numbered line in one block). */
        char **lines = g_strsplit (text, "\n", -1);
        GPtrArray *blocks = g_ptr_array_new_with_free_func (g_free);
        GString *cur = g_string_new (NULL);
        /* Whether the block reaches its page's right text edge: then its
         * widest lines are full lines that wrapped. */
        const DnHints *h = dn_node_get_hints (n);
        gboolean to_edge = h->has_bbox && h->font_size > 0 &&
                           h->x1 >= page_right_edge (right_edges, h->page) - 1.5 * h->font_size;
        guint widest = 0;
        for (guint i = 0; lines[i] != NULL && to_edge; i++)
          widest = MAX (widest, dn_text_line_width_upto (lines[i], 400));
        for (guint i = 0; lines[i] != NULL; i++) {
          gboolean split = FALSE;
          if (i > 0 && dn_text_ends_with_leader_page (lines[i - 1])) {
            split = TRUE; /* a TOC entry ends its line */
          } else if (i > 0) {
            DnMarker m;
            split = dn_marker_parse (lines[i], &m);
            dn_marker_clear (&m);
            /* A full line that breaks after a word that cannot end a
             * heading wrapped: the marker after it is running text
             * ("…潛力。第" / "三,「…"). A full heading line is not enough,
             * headings can fill a line too. */
            if (split && to_edge && ends_mid_phrase (lines[i - 1]) &&
                dn_text_line_width_upto (lines[i - 1], 400) * 10 >= widest * 9)
              split = FALSE;
          }
          if (split && cur->len > 0) {
            g_ptr_array_add (blocks, g_string_free (cur, FALSE));
            cur = g_string_new (NULL);
          }
          dn_text_join_into (cur, lines[i]);
        }
        g_ptr_array_add (blocks, g_string_free (cur, FALSE));
        g_strfreev (lines);
        dn_node_set_text (n, blocks->pdata[0]);
        DnNode *after = n;
        DnHints hints = *dn_node_get_hints (n);
        for (guint i = 1; i < blocks->len; i++) {
          DnNode *b = dn_node_new (DN_NODE_PARAGRAPH);
          dn_node_set_text (b, blocks->pdata[i]);
          *dn_node_hints (b) = hints;
          dn_node_hints (b)->outline_level = 0;
          dn_node_insert_after (after, b);
          after = b;
        }
        g_ptr_array_free (blocks, TRUE);
      } else {
        char **lines = g_strsplit (text, "\n", -1);
        DnNode *after = n;
        DnHints hints = *dn_node_get_hints (n);
        for (guint i = 1; lines[i] != NULL; i++) {
          char *trimmed = dn_text_trim (lines[i]);
          gboolean empty = *trimmed == '\0';
          g_free (trimmed);
          if (empty)
            continue;
          DnNode *line = dn_node_new (DN_NODE_PARAGRAPH);
          /* Keep a leading tab: it marks a summary-sheet row. */
          dn_node_set_text (line, g_strchomp (lines[i]));
          *dn_node_hints (line) = hints;
          dn_node_insert_after (after, line);
          after = line;
        }
        dn_node_set_text (n, g_strchomp (lines[0]));
        g_strfreev (lines);
      }
    }
    n = next;
  }
}

/* Non-empty tab-separated cells of @text, or NULL when fewer than two. */
static char **
tab_cells (const char *text)
{
  if (strchr (text, '\t') == NULL)
    return NULL;
  char **raw = g_strsplit (text, "\t", -1);
  GPtrArray *cells = g_ptr_array_new ();
  guint nonempty = 0;
  for (guint i = 0; raw[i] != NULL; i++) {
    char *c = dn_text_trim (raw[i]);
    nonempty += *c != '\0';
    g_ptr_array_add (cells, c);
  }
  g_strfreev (raw);
  /* Trailing empty cells are layout, not columns. */
  while (cells->len > 0 && *(char *) cells->pdata[cells->len - 1] == '\0') {
    g_free (cells->pdata[cells->len - 1]);
    g_ptr_array_remove_index (cells, cells->len - 1);
  }
  g_ptr_array_add (cells, NULL);
  char **out = (char **) g_ptr_array_free (cells, FALSE);
  if (nonempty < 2) {
    g_strfreev (out);
    return NULL;
  }
  return out;
}

/* The rows a page ends with before a table that starts the next page (a
 * header row left alone at the foot of a page, too few rows for the reader
 * to call them a grid) join that table when they have its columns. */
static gboolean
adopt_rows_before (DnNode *table)
{
  int page = dn_node_get_hints (table)->page;
  guint ncols = dn_node_count_children (dn_node_first_child (table));
  DnNode *p = dn_node_previous (table);
  while (p != NULL && dn_node_get_node_type (p) == DN_NODE_FURNITURE)
    p = dn_node_previous (p);
  gboolean adopted = FALSE;
  while (p != NULL && page > 1 && dn_node_get_node_type (p) == DN_NODE_PARAGRAPH &&
         dn_node_get_hints (p)->page == page - 1 && dn_node_get_text (p) != NULL) {
    char **cells = tab_cells (dn_node_get_text (p));
    if (cells == NULL || g_strv_length (cells) != ncols) {
      g_strfreev (cells);
      break;
    }
    DnNode *row = dn_node_new (DN_NODE_TABLE_ROW);
    *dn_node_hints (row) = *dn_node_get_hints (p);
    for (guint i = 0; cells[i] != NULL; i++) {
      DnNode *cell = dn_node_append_new (row, DN_NODE_TABLE_CELL);
      dn_node_set_text (cell, cells[i]);
      dn_node_hints (cell)->page = page - 1;
    }
    g_strfreev (cells);
    dn_node_prepend_child (table, row);
    dn_node_hints (table)->page = page - 1;
    DnNode *prev = dn_node_previous (p);
    dn_node_free (p);
    p = prev;
    adopted = TRUE;
  }
  if (adopted) {
    /* The furniture between the rows and the rest moves after the table. */
    DnNode *f = dn_node_previous (table);
    while (f != NULL && dn_node_get_node_type (f) == DN_NODE_FURNITURE) {
      DnNode *fp = dn_node_previous (f);
      dn_node_insert_after (table, f);
      f = fp;
    }
  }
  return adopted;
}

/* A table that runs on to the next page: two tables with the same number
 * of columns separated only by page furniture become one. */
static void
merge_continued_tables (DnDocument *doc)
{
  guint merged = 0;
  DnNode *root = dn_document_get_root (doc);
  for (DnNode *t = dn_node_first_child (root); t != NULL; t = dn_node_next (t)) {
    if (dn_node_get_node_type (t) != DN_NODE_TABLE || dn_node_first_child (t) == NULL)
      continue;
    merged += adopt_rows_before (t);
    for (;;) {
      DnNode *n = dn_node_next (t);
      while (n != NULL && dn_node_get_node_type (n) == DN_NODE_FURNITURE)
        n = dn_node_next (n);
      if (n == NULL || dn_node_get_node_type (n) != DN_NODE_TABLE || dn_node_first_child (n) == NULL ||
          dn_node_count_children (dn_node_first_child (n)) != dn_node_count_children (dn_node_last_child (t)))
        break;
      int pt = dn_node_get_hints (t)->page, pn = dn_node_get_hints (n)->page;
      if (pt == 0 || pn != pt + 1)
        break;
      while (dn_node_first_child (n) != NULL)
        dn_node_append_child (t, dn_node_first_child (n));
      /* Furniture between the halves moves after the table. */
      DnNode *f = dn_node_next (t);
      DnNode *keep = n;
      while (f != n) {
        DnNode *fn = dn_node_next (f);
        dn_node_insert_after (keep, f);
        keep = f;
        f = fn;
      }
      dn_node_free (n);
      merged++;
    }
  }
  if (merged > 0)
    dn_document_add_warning (doc, "TABLE_CONTINUED", 0, "%u table(s) continued on the next page were joined", merged);
}

/* Wrapped lines inside table cells, captions and list items (anything but
 * the top-level blocks split_or_reflow() handles) are reflowed in place. */
static void
reflow_nested (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  DnIter it;
  dn_iter_init (&it, root);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    DnNode *n = it.current;
    if (ev != DN_EVENT_ENTER || dn_node_parent (n) == root || dn_node_parent (n) == NULL ||
        !(dn_node_get_hints (n)->flags & DN_HINT_WRAPPED_LINES) || dn_node_get_n_spans (n) > 0)
      continue;
    const char *t = dn_node_get_text (n);
    if (t == NULL || strchr (t, '\n') == NULL)
      continue;
    char *flow = dn_text_reflow (t);
    dn_node_set_text (n, flow);
    g_free (flow);
  }
}

/* A page-number line has no letter but 第 and 頁: most paragraphs are ruled
 * out by their first character, without running the regex. */
static gboolean
has_letter_but_page (const char *t)
{
  for (const char *p = t; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (g_unichar_isalpha (c) && c != 0x7B2C && c != 0x9801) /* 第 頁 */
      return TRUE;
  }
  return FALSE;
}

/* A block that is only a page number ("59", "- 3 -", "第 3 頁") is page
 * furniture a text extraction left in the flow. */
static void
mark_page_numbers (DnDocument *doc)
{
  static GRegex *re = NULL;
  if (g_once_init_enter (&re)) {
    GRegex *r = g_regex_new ("^\\s*(?:[-–—]\\s*)?(?:第\\s*)?\\d{1,4}(?:\\s*頁)?(?:\\s*[-–—])?\\s*$",
                             G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&re, r);
  }
  for (DnNode *n = dn_node_first_child (dn_document_get_root (doc)); n != NULL; n = dn_node_next (n)) {
    const char *t = dn_node_get_text (n);
    if (dn_node_get_node_type (n) == DN_NODE_PARAGRAPH && t != NULL && !has_letter_but_page (t) &&
        g_regex_match (re, t, 0, NULL)) {
      dn_node_set_node_type (n, DN_NODE_FURNITURE);
      dn_node_set_attr (n, DN_ATTR_ROLE, "page_number");
    }
  }
}

void
dn_reflow_prepare (DnDocument *doc)
{
  merge_continued_tables (doc);
  strip_residue_all (doc);
  reflow_nested (doc);
  detect_hard_wrap (doc);
  split_or_reflow (doc);
  mark_page_numbers (doc);
}

void
dn_analysis_set_text_mapped (DnNode *node, const char *text, const gint32 *map)
{
  guint n = dn_node_get_n_spans (node);
  DnSpan *spans = g_new (DnSpan, n + 1);
  for (guint i = 0; i < n; i++) {
    spans[i] = *dn_node_get_span (node, i);
    spans[i].href = g_strdup (spans[i].href);
  }
  dn_node_set_text (node, text);
  for (guint i = 0; i < n; i++) {
    guint32 s = (guint32) map[spans[i].start], e = (guint32) map[spans[i].end];
    if (e > s)
      dn_node_add_span (node, s, e, spans[i].marks, spans[i].href);
    g_free (spans[i].href);
  }
  g_free (spans);
}

char *
dn_analysis_printed_text (DnNode *node)
{
  if (dn_node_get_node_type (node) == DN_NODE_TABLE) {
    GString *out = g_string_new (NULL);
    for (DnNode *r = dn_node_first_child (node); r != NULL; r = dn_node_next (r)) {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      for (DnNode *c = dn_node_first_child (r); c != NULL; c = dn_node_next (c)) {
        if (c != dn_node_first_child (r))
          g_string_append_c (out, '\t');
        /* A cell's wrapped lines are one line; its paragraphs (a reader's
         * blocks in the cell) stay lines of their own: a sheet row's items. */
        DnNode *b = dn_node_first_child (c);
        gboolean blocks = b != NULL && dn_node_next (b) != NULL;
        for (DnNode *part = blocks ? b : c; part != NULL; part = blocks ? dn_node_next (part) : NULL) {
          char *t = dn_node_collect_text (part);
          for (char *q = t; *q != '\0'; q++)
            if (*q == '\n' || *q == '\t')
              *q = ' ';
          if (part != c && part != b)
            g_string_append_c (out, '\n');
          g_string_append (out, t);
          g_free (t);
        }
      }
    }
    return g_string_free (out, FALSE);
  }
  const char *text = dn_node_get_text (node);
  if (text == NULL)
    text = "";
  const char *label = dn_node_get_attr (node, DN_ATTR_LABEL);
  if (label != NULL && *label != '\0' && dn_node_get_node_type (node) != DN_NODE_TOC_ENTRY) {
    DnMarker lm, tm;
    gboolean lok = dn_marker_parse_label (label, &lm);
    gboolean tok = dn_marker_parse (text, &tm);
    gboolean use = lok && lm.type != DN_MARKER_BULLET && !tok;
    dn_marker_clear (&lm);
    dn_marker_clear (&tm);
    if (use)
      return g_strconcat (label, text, NULL);
  }
  return g_strdup (text);
}

guint
dn_reflow_clean_spaces (DnNode *node)
{
  guint total = 0;
  DnIter it;
  dn_iter_init (&it, node);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER || !node_has_text (it.current))
      continue;
    const char *lang = dn_node_get_attr (it.current, DN_ATTR_LANG);
    if (lang != NULL && strcmp (lang, "en") == 0)
      continue;
    guint n = 0;
    gint32 *map = NULL;
    char *clean = dn_text_remove_cjk_spaces_map (dn_node_get_text (it.current), &n, &map);
    if (n > 0) {
      dn_analysis_set_text_mapped (it.current, clean, map);
      total += n;
    }
    g_free (map);
    g_free (clean);
  }
  return total;
}

/* Caption, source and note lines stand alone. Only the text's start is
 * looked at: no trimmed copy of a paragraph that grows with every join. */
static gboolean
is_standalone_line (const char *t)
{
  const char *s = dn_text_skip_space (t);
  gboolean yes = g_str_has_prefix (s, "資料來源") || g_str_has_prefix (s, "（左") ||
                 g_str_has_prefix (s, "(左") || g_str_has_prefix (s, "註") || g_str_has_prefix (s, "附註");
  if (!yes && (g_str_has_prefix (s, "圖") || g_str_has_prefix (s, "表"))) {
    const char *p = g_utf8_next_char (s);
    while (*p == ' ')
      p++;
    yes = g_ascii_isdigit (*p);
  }
  return yes;
}

static gboolean
is_latin (gunichar c)
{
  return c < 0x80 && (g_ascii_isalnum ((char) c) || g_ascii_ispunct ((char) c));
}

/* Moves the join loop past @a, first giving @a the text joined onto it. */
static DnNode *
leave_paragraph (DnNode *a, GString *acc, gboolean *joining)
{
  if (*joining) {
    dn_node_set_text_len (a, acc->str, (gssize) acc->len);
    *joining = FALSE;
  }
  return dn_node_next (a);
}

void
dn_reflow_join_continuations (DnDocument *doc, DnNode *first)
{
  DnNode *root = dn_document_get_root (doc);
  gint64 wrap = dn_node_get_attr_int (root, WRAP_ATTR, 0);
  guint joined = 0;
  int first_page = 0;
  DnNode *a = first;
  /* While lines are joined onto @a its text grows in @acc, and is set once
   * when the loop leaves @a: joining stays linear in the paragraph's length. */
  GString *acc = g_string_new (NULL);
  gboolean joining = FALSE;
  while (a != NULL) {
    const char *ta = joining ? acc->str : dn_node_get_text (a);
    if (dn_node_get_node_type (a) != DN_NODE_PARAGRAPH || ta == NULL || *ta == '\0' ||
        dn_node_get_attr (a, DN_ATTR_PRIV_HEADING) != NULL || dn_node_get_n_spans (a) > 0 ||
        is_standalone_line (ta)) {
      a = leave_paragraph (a, acc, &joining);
      continue;
    }
    DnNode *b = dn_node_next (a);
    while (b != NULL && dn_node_get_node_type (b) == DN_NODE_FURNITURE)
      b = dn_node_next (b);
    if (b == NULL || dn_node_get_node_type (b) != DN_NODE_PARAGRAPH || !node_has_text (b) ||
        dn_node_get_attr (b, DN_ATTR_PRIV_HEADING) != NULL || dn_node_get_n_spans (b) > 0 ||
        dn_node_get_attr (b, DN_ATTR_LABEL) != NULL || is_standalone_line (dn_node_get_text (b))) {
      a = leave_paragraph (a, acc, &joining);
      continue;
    }
    const char *tb = dn_node_get_text (b);
    DnMarker m;
    gboolean b_marked = dn_marker_parse (tb, &m);
    dn_marker_clear (&m);
    gboolean continues = (dn_node_get_hints (a)->flags & DN_HINT_CONTINUES) != 0;
    gboolean join = FALSE;
    if (continues) {
      join = !b_marked;
    } else if (!b_marked && !dn_text_is_terminated (ta) && tb[0] != '\t') {
      gunichar la = dn_text_last_char (ta), fb = dn_text_first_char (tb);
      /* English lines in a text file are separate items (agenda banners);
       * join them only when the text is known to be hard-wrapped. */
      join = !(is_latin (la) && is_latin (fb)) || wrap > 0 ||
             (dn_text_unclosed_brackets (ta) > 0 && dn_text_unopened_brackets (tb) > 0);
      /* In a hard-wrapped text a short line ends its paragraph. */
      if (wrap > 0 && dn_text_display_width_upto (ta, (guint) wrap * 70 / 100 + 1) * 100 < (guint) wrap * 70 &&
          !(dn_node_get_hints (a)->flags & DN_HINT_WRAPPED_LINES))
        join = FALSE;
    }
    if (!join) {
      a = leave_paragraph (a, acc, &joining);
      continue;
    }
    int pb = dn_node_get_hints (b)->page, pa = dn_node_get_hints (a)->page;
    if (pb != pa && pb > 0 && first_page == 0)
      first_page = pa;
    if (!joining) {
      g_string_assign (acc, ta);
      joining = TRUE;
    }
    dn_text_join_into (acc, tb);
    /* Furniture between the halves moves after the joined paragraph, in
     * its order. */
    DnNode *f = dn_node_next (a);
    DnNode *keep = b;
    while (f != b) {
      DnNode *fn = dn_node_next (f);
      dn_node_insert_after (keep, f);
      keep = f;
      f = fn;
    }
    dn_node_free (b);
    joined++;
  }
  g_string_free (acc, TRUE);
  if (joined > 0 && wrap == 0)
    dn_document_add_warning (doc, "PARAGRAPH_JOINED", first_page,
                             "%u paragraph(s) continued across a page or line break were joined", joined);
}

void
dn_reflow_make_tables (DnDocument *doc, DnNode *first)
{
  guint tables = 0;
  DnNode *n = first;
  while (n != NULL) {
    char **cells = dn_node_get_node_type (n) == DN_NODE_PARAGRAPH && dn_node_get_text (n) != NULL
                       ? tab_cells (dn_node_get_text (n))
                       : NULL;
    if (cells == NULL) {
      n = dn_node_next (n);
      continue;
    }
    DnNode *table = dn_node_new (DN_NODE_TABLE);
    dn_node_hints (table)->page = dn_node_get_hints (n)->page;
    dn_node_insert_before (n, table);
    while (n != NULL && cells != NULL) {
      DnNode *row = dn_node_append_new (table, DN_NODE_TABLE_ROW);
      for (guint i = 0; cells[i] != NULL; i++) {
        DnNode *cell = dn_node_append_new (row, DN_NODE_TABLE_CELL);
        dn_node_set_text (cell, cells[i]);
      }
      g_strfreev (cells);
      DnNode *next = dn_node_next (n);
      dn_node_free (n);
      n = next;
      cells = n != NULL && dn_node_get_node_type (n) == DN_NODE_PARAGRAPH && dn_node_get_text (n) != NULL
                  ? tab_cells (dn_node_get_text (n))
                  : NULL;
    }
    g_strfreev (cells);
    tables++;
  }
  (void) doc;
  (void) tables;
}
