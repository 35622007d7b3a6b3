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
    char **lines = g_strsplit (dn_node_get_text (n), "\n", -1);
    single += g_strv_length (lines) == 1;
    for (guint i = 0; lines[i] != NULL; i++) {
      guint w = dn_text_display_width (lines[i]);
      if (w > 0)
        g_array_append_val (widths, w);
    }
    g_strfreev (lines);
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
static void
split_or_reflow (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  DnNode *n = dn_node_first_child (root);
  while (n != NULL) {
    DnNode *next = dn_node_next (n);
    DnNodeType t = dn_node_get_node_type (n);
    const char *text = dn_node_get_text (n);
    if ((t == DN_NODE_PARAGRAPH || t == DN_NODE_HEADING) && text != NULL && strchr (text, '\n') != NULL &&
        dn_node_get_n_spans (n) == 0) {
      if (dn_node_get_hints (n)->flags & DN_HINT_WRAPPED_LINES) {
        char *flow = dn_text_reflow (text);
        dn_node_set_text (n, flow);
        g_free (flow);
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

void
dn_reflow_prepare (DnDocument *doc)
{
  strip_residue_all (doc);
  detect_hard_wrap (doc);
  split_or_reflow (doc);
}

guint
dn_reflow_clean_spaces (DnNode *node)
{
  guint total = 0;
  DnIter it;
  dn_iter_init (&it, node);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER || !node_has_text (it.current) || dn_node_get_n_spans (it.current) > 0)
      continue;
    const char *lang = dn_node_get_attr (it.current, DN_ATTR_LANG);
    if (lang != NULL && strcmp (lang, "en") == 0)
      continue;
    guint n = 0;
    char *clean = dn_text_remove_cjk_spaces (dn_node_get_text (it.current), &n);
    if (n > 0) {
      dn_node_set_text (it.current, clean);
      total += n;
    }
    g_free (clean);
  }
  return total;
}

/* Caption, source and note lines stand alone. */
static gboolean
is_standalone_line (const char *t)
{
  char *s = dn_text_trim (t);
  gboolean yes = g_str_has_prefix (s, "資料來源") || g_str_has_prefix (s, "（左") ||
                 g_str_has_prefix (s, "(左") || g_str_has_prefix (s, "註") || g_str_has_prefix (s, "附註");
  if (!yes && (g_str_has_prefix (s, "圖") || g_str_has_prefix (s, "表"))) {
    const char *p = g_utf8_next_char (s);
    while (*p == ' ')
      p++;
    yes = g_ascii_isdigit (*p);
  }
  g_free (s);
  return yes;
}

static gboolean
is_latin (gunichar c)
{
  return c < 0x80 && (g_ascii_isalnum ((char) c) || g_ascii_ispunct ((char) c));
}

void
dn_reflow_join_continuations (DnDocument *doc, DnNode *first)
{
  DnNode *root = dn_document_get_root (doc);
  gint64 wrap = dn_node_get_attr_int (root, WRAP_ATTR, 0);
  guint joined = 0;
  int first_page = 0;
  DnNode *a = first;
  while (a != NULL) {
    if (dn_node_get_node_type (a) != DN_NODE_PARAGRAPH || !node_has_text (a) ||
        dn_node_get_attr (a, DN_ATTR_PRIV_HEADING) != NULL || dn_node_get_n_spans (a) > 0 ||
        is_standalone_line (dn_node_get_text (a))) {
      a = dn_node_next (a);
      continue;
    }
    DnNode *b = dn_node_next (a);
    while (b != NULL && dn_node_get_node_type (b) == DN_NODE_FURNITURE)
      b = dn_node_next (b);
    if (b == NULL || dn_node_get_node_type (b) != DN_NODE_PARAGRAPH || !node_has_text (b) ||
        dn_node_get_attr (b, DN_ATTR_PRIV_HEADING) != NULL || dn_node_get_n_spans (b) > 0 ||
        dn_node_get_attr (b, DN_ATTR_LABEL) != NULL || is_standalone_line (dn_node_get_text (b))) {
      a = dn_node_next (a);
      continue;
    }
    const char *ta = dn_node_get_text (a), *tb = dn_node_get_text (b);
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
      join = !(is_latin (la) && is_latin (fb)) || wrap > 0;
      /* In a hard-wrapped text a short line ends its paragraph. */
      if (wrap > 0 && dn_text_display_width (ta) * 100 < (guint) wrap * 70 &&
          !(dn_node_get_hints (a)->flags & DN_HINT_WRAPPED_LINES))
        join = FALSE;
    }
    if (!join) {
      a = dn_node_next (a);
      continue;
    }
    char *j = dn_text_join (ta, tb);
    int pb = dn_node_get_hints (b)->page, pa = dn_node_get_hints (a)->page;
    if (pb != pa && pb > 0 && first_page == 0)
      first_page = pa;
    dn_node_set_text (a, j);
    g_free (j);
    /* Furniture between the halves moves after the joined paragraph. */
    DnNode *f = dn_node_next (a);
    while (f != b) {
      DnNode *fn = dn_node_next (f);
      dn_node_insert_after (b, f);
      f = fn;
    }
    dn_node_free (b);
    joined++;
  }
  if (joined > 0 && wrap == 0)
    dn_document_add_warning (doc, "PARAGRAPH_JOINED", first_page,
                             "%u paragraph(s) continued across a page or line break were joined", joined);
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
