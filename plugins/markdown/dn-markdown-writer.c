/* The Markdown writer: the body as CommonMark with GitHub's pipe tables,
 * strikethrough and footnotes. No front matter; the same document always
 * gives the same bytes.
 *
 * One walk of the tree with DnIter (enter / exit events, no recursion), as
 * cmark's renderers do: a stack of container prefixes ("- " then "  " for a
 * list item, "> " for a comment) is written before every line. Headings get
 * their level from analysis' sections (or the reader's outline level in a
 * --raw record), marks become emphasis, and every Markdown metacharacter in
 * the text is escaped, so text never turns into markup by accident.
 * Furniture (running headers, page numbers) is not part of the body and is
 * left out; underline has no Markdown form and is dropped. */
#include <string.h>

#include "docnorm.h"

#define MARKDOWN_WRITER_VERSION "1.0.0"

typedef enum {
  NL_HARD,  /* authored line break: backslash at the end of the line */
  NL_SOFT,  /* layout wrap: a plain newline, which Markdown reflows */
  NL_SPACE, /* headings: one line */
  NL_BR,    /* table cells: <br> */
} NewlineMode;

/* ---- inline text: escaping and marks ---- */

static gboolean
is_md_punct (gunichar c)
{
  if (c < 0x80)
    return g_ascii_ispunct ((char) c);
  switch (g_unichar_type (c)) {
  case G_UNICODE_CONNECT_PUNCTUATION:
  case G_UNICODE_DASH_PUNCTUATION:
  case G_UNICODE_CLOSE_PUNCTUATION:
  case G_UNICODE_FINAL_PUNCTUATION:
  case G_UNICODE_INITIAL_PUNCTUATION:
  case G_UNICODE_OTHER_PUNCTUATION:
  case G_UNICODE_OPEN_PUNCTUATION:
  case G_UNICODE_CURRENCY_SYMBOL:
  case G_UNICODE_MODIFIER_SYMBOL:
  case G_UNICODE_MATH_SYMBOL:
  case G_UNICODE_OTHER_SYMBOL:
    return TRUE;
  default:
    return FALSE;
  }
}

/* The character before byte @pos (0 = start of text: counts as space). */
static gunichar
char_before (const char *text, gsize pos)
{
  if (pos == 0)
    return ' ';
  const char *p = g_utf8_find_prev_char (text, text + pos);
  return p != NULL ? g_utf8_get_char (p) : ' ';
}

static gunichar
char_at (const char *text, gsize pos, gsize len)
{
  return pos < len ? g_utf8_get_char (text + pos) : ' ';
}

/* CommonMark's flanking rules for '*' and '~' runs: an emphasis span over
 * text[start, end) opens and closes as Markdown only when the neighbours
 * allow; otherwise the writer uses the HTML tag. */
static gboolean
delimiters_work (const char *text, gsize len, gsize start, gsize end)
{
  gunichar before = char_before (text, start), first = char_at (text, start, len);
  gunichar last = char_before (text, end), after = char_at (text, end, len);
  gboolean left = !g_unichar_isspace (first) &&
                  (!is_md_punct (first) || g_unichar_isspace (before) || is_md_punct (before));
  gboolean right = !g_unichar_isspace (last) &&
                   (!is_md_punct (last) || g_unichar_isspace (after) || is_md_punct (after));
  return left && right;
}

typedef struct {
  guint index;   /* span index in the node */
  guint32 mark;  /* the one mark this entry renders */
  gboolean html; /* rendered with HTML tags */
} OpenMark;

/* Mark bits rendered, in nesting order (outermost first). */
static const guint32 rendered_marks[] = {
  DN_MARK_LINK, DN_MARK_BOLD, DN_MARK_ITALIC, DN_MARK_STRIKE, DN_MARK_SUPERSCRIPT, DN_MARK_SUBSCRIPT,
};

static void
append_href (GString *out, const char *href)
{
  for (const char *p = href; *p != '\0'; p++) {
    guchar c = (guchar) *p;
    if (c <= ' ' || c == '(' || c == ')' || c == '<' || c == '>' || c == '\\' || c == 0x7f)
      g_string_append_printf (out, "%%%02X", c);
    else
      g_string_append_c (out, (char) c);
  }
}

static void
open_mark (GString *out, const OpenMark *m)
{
  switch (m->mark) {
  case DN_MARK_LINK: g_string_append_c (out, '['); break;
  case DN_MARK_BOLD: g_string_append (out, m->html ? "<strong>" : "**"); break;
  case DN_MARK_ITALIC: g_string_append (out, m->html ? "<em>" : "*"); break;
  case DN_MARK_STRIKE: g_string_append (out, m->html ? "<del>" : "~~"); break;
  case DN_MARK_SUPERSCRIPT: g_string_append (out, "<sup>"); break;
  case DN_MARK_SUBSCRIPT: g_string_append (out, "<sub>"); break;
  default: break;
  }
}

/* One mark over one stretch of text. Spans are split by mark and adjacent
 * stretches of the same mark merged, so "*a**b*" (italic, then italic and
 * underline) never happens: that would read as "**". */
typedef struct {
  guint32 start, end;
  guint32 mark;      /* one DnMark bit */
  const char *href;  /* LINK and NOTE_REF; borrowed from the node */
} MarkRange;

static void
close_mark (GString *out, const OpenMark *m, const GArray *ranges)
{
  switch (m->mark) {
  case DN_MARK_LINK:
    g_string_append (out, "](");
    append_href (out, g_array_index (ranges, MarkRange, m->index).href);
    g_string_append_c (out, ')');
    break;
  case DN_MARK_BOLD: g_string_append (out, m->html ? "</strong>" : "**"); break;
  case DN_MARK_ITALIC: g_string_append (out, m->html ? "</em>" : "*"); break;
  case DN_MARK_STRIKE: g_string_append (out, m->html ? "</del>" : "~~"); break;
  case DN_MARK_SUPERSCRIPT: g_string_append (out, "</sup>"); break;
  case DN_MARK_SUBSCRIPT: g_string_append (out, "</sub>"); break;
  default: break;
  }
}

/* Escapes one character of text at byte @i; @line_start says whether it
 * opens a line of the block. */
static void
append_escaped_char (GString *out, const char *text, gsize i, gsize len, gboolean line_start,
                     gboolean in_table)
{
  char c = text[i];
  switch (c) {
  case '\\': case '`': case '*': case '_': case '[': case ']': case '<': case '~':
    g_string_append_c (out, '\\');
    g_string_append_c (out, c);
    return;
  case '|':
    g_string_append (out, in_table ? "\\|" : "|");
    return;
  case '&':
    /* Only what could read as an entity reference. */
    if (i + 1 < len && (g_ascii_isalnum (text[i + 1]) || text[i + 1] == '#'))
      g_string_append_c (out, '\\');
    g_string_append_c (out, c);
    return;
  case '#':
    if (line_start || (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')))
      g_string_append_c (out, '\\');
    g_string_append_c (out, c);
    return;
  case '>': case '-': case '+': case '=':
    if (line_start)
      g_string_append_c (out, '\\');
    g_string_append_c (out, c);
    return;
  case ' ': case '\t':
    /* Leading blanks would make an indented code block. */
    if (line_start)
      g_string_append (out, c == ' ' ? "&#32;" : "&#9;");
    else
      g_string_append_c (out, c);
    return;
  default:
    break;
  }
  /* "1." or "1)" at a line start would open an ordered list. */
  if (line_start && g_ascii_isdigit (c)) {
    gsize j = i;
    while (j < len && g_ascii_isdigit (text[j]) && j - i < 10)
      j++;
    if (j < len && (text[j] == '.' || text[j] == ')')) {
      g_string_append_len (out, text + i, (gssize) (j - i));
      g_string_append_c (out, '\\');
      g_string_append_c (out, text[j]);
      return; /* escaped_char_width() tells the caller how far this went */
    }
  }
  g_string_append_c (out, c);
}

/* Number of bytes append_escaped_char() consumed at @i (the ordered-list
 * escape takes the digits and the dot at once). */
static gsize
escaped_char_width (const char *text, gsize i, gsize len, gboolean line_start)
{
  if (line_start && g_ascii_isdigit (text[i])) {
    gsize j = i;
    while (j < len && g_ascii_isdigit (text[j]) && j - i < 10)
      j++;
    if (j < len && (text[j] == '.' || text[j] == ')'))
      return j - i + 1;
  }
  return 1;
}

/* Appends @node's text to @out as Markdown inline content: escaped, with
 * its spans as emphasis, links and note references. */
/* render_inline() flags. */
enum {
  IN_TABLE = 1 << 0,       /* escape '|' */
  NO_LINE_START = 1 << 1,  /* the text follows a marker on its line ("## ") */
};

/* TRUE when range @ri opens inside another range that ends before it does:
 * closing and reopening Markdown delimiters around the other's end would
 * merge into one run, so such a range is written with HTML tags. */
static gboolean
range_crosses (const GArray *ranges, guint ri)
{
  const MarkRange *s = &g_array_index (ranges, MarkRange, ri);
  for (guint k = 0; k < ranges->len; k++) {
    const MarkRange *t = &g_array_index (ranges, MarkRange, k);
    if (k != ri && t->start < s->start && s->start < t->end && t->end < s->end)
      return TRUE;
  }
  return FALSE;
}

static gint
compare_ranges (gconstpointer a, gconstpointer b)
{
  const MarkRange *x = a, *y = b;
  if (x->mark != y->mark)
    return x->mark < y->mark ? -1 : 1;
  if (x->start != y->start)
    return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

/* The node's spans as merged per-mark ranges over @len bytes of text. */
static GArray *
mark_ranges (const DnNode *node, gsize len)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (MarkRange));
  for (guint si = 0; si < dn_node_get_n_spans (node); si++) {
    const DnSpan *s = dn_node_get_span (node, si);
    if (s->end <= s->start || s->end > len)
      continue;
    if (s->marks & DN_MARK_NOTE_REF) {
      if (s->href != NULL) {
        MarkRange r = { s->start, s->end, DN_MARK_NOTE_REF, s->href };
        g_array_append_val (all, r);
      }
      continue;
    }
    for (guint b = 0; b < G_N_ELEMENTS (rendered_marks); b++) {
      guint32 mark = rendered_marks[b];
      if (!(s->marks & mark) || (mark == DN_MARK_LINK && s->href == NULL))
        continue;
      MarkRange r = { s->start, s->end, mark, mark == DN_MARK_LINK ? s->href : NULL };
      g_array_append_val (all, r);
    }
  }
  g_array_sort (all, compare_ranges);
  GArray *merged = g_array_new (FALSE, FALSE, sizeof (MarkRange));
  for (guint k = 0; k < all->len; k++) {
    MarkRange *r = &g_array_index (all, MarkRange, k);
    MarkRange *last = merged->len > 0 ? &g_array_index (merged, MarkRange, merged->len - 1) : NULL;
    if (last != NULL && last->mark == r->mark && r->mark != DN_MARK_NOTE_REF && r->start <= last->end &&
        g_strcmp0 (last->href, r->href) == 0)
      last->end = MAX (last->end, r->end);
    else
      g_array_append_val (merged, *r);
  }
  g_array_free (all, TRUE);
  return merged;
}

typedef struct {
  guint index;
  guint32 end;
  guint order;
} Opening;

/* Longer ranges open first, so ranges that start together nest. */
static gint
compare_openings (gconstpointer a, gconstpointer b)
{
  const Opening *x = a, *y = b;
  if (x->end != y->end)
    return x->end > y->end ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static guint
mark_order (guint32 mark)
{
  for (guint r = 0; r < G_N_ELEMENTS (rendered_marks); r++)
    if (rendered_marks[r] == mark)
      return r;
  return G_N_ELEMENTS (rendered_marks);
}

static void
render_inline (GString *out, const DnNode *node, const char *text, NewlineMode nl, guint flags)
{
  gboolean in_table = (flags & IN_TABLE) != 0;
  if (text == NULL)
    return;
  gsize len = strlen (text);
  GArray *ranges = node != NULL && text == dn_node_get_text (node) ? mark_ranges (node, len)
                                                                   : g_array_new (FALSE, FALSE, sizeof (MarkRange));
  GArray *open = g_array_new (FALSE, FALSE, sizeof (OpenMark));
  GArray *openings = g_array_new (FALSE, FALSE, sizeof (Opening));
  gboolean line_start = (flags & NO_LINE_START) == 0;
  gsize out_start = out->len;
  gsize i = 0;
  for (;;) {
    /* Close what ends here (and what was opened inside it), reopen the
     * inner ones that go on: ranges need not nest. */
    guint keep = open->len;
    for (guint k = 0; k < open->len; k++) {
      if (g_array_index (ranges, MarkRange, g_array_index (open, OpenMark, k).index).end <= i) {
        keep = k;
        break;
      }
    }
    GArray *reopen = g_array_new (FALSE, FALSE, sizeof (OpenMark));
    while (open->len > keep) {
      OpenMark m = g_array_index (open, OpenMark, open->len - 1);
      close_mark (out, &m, ranges);
      if (g_array_index (ranges, MarkRange, m.index).end > i)
        g_array_prepend_val (reopen, m);
      g_array_set_size (open, open->len - 1);
    }
    if (i >= len) {
      g_array_free (reopen, TRUE);
      break;
    }
    for (guint k = 0; k < reopen->len; k++) {
      open_mark (out, &g_array_index (reopen, OpenMark, k));
      g_array_append_val (open, g_array_index (reopen, OpenMark, k));
    }
    g_array_free (reopen, TRUE);
    /* Open what starts here, longest first, then marks in nesting order;
     * a note reference replaces its text with [^id]. */
    gboolean replaced = FALSE;
    g_array_set_size (openings, 0);
    for (guint ri = 0; ri < ranges->len; ri++) {
      const MarkRange *r = &g_array_index (ranges, MarkRange, ri);
      if (r->start != i)
        continue;
      if (r->mark == DN_MARK_NOTE_REF) {
        if (!replaced) {
          g_string_append (out, "[^");
          for (const char *h = r->href; *h != '\0'; h++)
            if (g_ascii_isalnum (*h) || *h == '-' || *h == '_')
              g_string_append_c (out, *h);
          g_string_append_c (out, ']');
          i = r->end;
          replaced = TRUE;
        }
        continue;
      }
      Opening o = { ri, r->end, mark_order (r->mark) };
      g_array_append_val (openings, o);
    }
    if (!replaced) {
      g_array_sort (openings, compare_openings);
      for (guint k = 0; k < openings->len; k++) {
        const Opening *o = &g_array_index (openings, Opening, k);
        const MarkRange *r = &g_array_index (ranges, MarkRange, o->index);
        OpenMark m = { o->index, r->mark, FALSE };
        if (r->mark == DN_MARK_BOLD || r->mark == DN_MARK_ITALIC || r->mark == DN_MARK_STRIKE)
          m.html = !delimiters_work (text, len, r->start, r->end) || range_crosses (ranges, o->index) ||
                   memchr (text + r->start, '\n', r->end - r->start) != NULL;
        open_mark (out, &m);
        g_array_append_val (open, m);
      }
    }
    if (replaced) {
      line_start = FALSE;
      continue;
    }
    char c = text[i];
    if (c == '\n') {
      /* Blanks before a line end are invisible in Markdown, and two of
       * them would make a hard break: drop them. */
      while (out->len > out_start && (out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\t'))
        g_string_truncate (out, out->len - 1);
      switch (nl) {
      case NL_HARD: g_string_append (out, "\\\n"); break;
      case NL_SOFT: g_string_append_c (out, '\n'); break;
      case NL_SPACE: g_string_append_c (out, ' '); break;
      case NL_BR: g_string_append (out, "<br>"); break;
      }
      line_start = nl == NL_HARD || nl == NL_SOFT;
      i++;
      continue;
    }
    if (c == '\r') {
      i++;
      continue;
    }
    gsize w = escaped_char_width (text, i, len, line_start);
    append_escaped_char (out, text, i, len, line_start, in_table);
    /* Multi-byte UTF-8 characters pass through byte by byte. */
    i += w;
    line_start = FALSE;
  }
  g_array_free (ranges, TRUE);
  g_array_free (open, TRUE);
  g_array_free (openings, TRUE);
}

/* ---- blocks ---- */

typedef struct {
  char *first;          /* prefix of the container's first line ("- ", "1. ") */
  char *rest;           /* prefix of every later line ("  ", "> ") */
  gboolean first_done;
} Container;

typedef struct {
  GString *out;
  GArray *containers;   /* Container */
  gboolean need_blank;  /* a blank line before the next block */
  GArray *list_counters; /* next number of each open list (0 = bullet) */
} Md;

static void
container_clear (gpointer p)
{
  Container *c = p;
  g_free (c->first);
  g_free (c->rest);
}

static void
write_prefix (Md *md, gboolean blank_line)
{
  for (guint i = 0; i < md->containers->len; i++) {
    Container *c = &g_array_index (md->containers, Container, i);
    const char *p = c->first_done ? c->rest : c->first;
    if (blank_line) {
      /* No trailing spaces on blank lines; quote markers stay. */
      gsize n = strlen (p);
      while (n > 0 && p[n - 1] == ' ')
        n--;
      g_string_append_len (md->out, p, (gssize) n);
    } else {
      g_string_append (md->out, p);
      c->first_done = TRUE;
    }
  }
}

/* Writes one block: @text is already Markdown, lines split at '\n'. */
/* The blank line owed before the next block, written with the prefixes of
 * the containers open now (call it before opening a new one). */
static void
flush_blank (Md *md)
{
  if (md->need_blank && md->out->len > 0) {
    write_prefix (md, TRUE);
    g_string_append_c (md->out, '\n');
  }
  md->need_blank = FALSE;
}

static void
write_block (Md *md, const char *text)
{
  flush_blank (md);
  const char *line = text;
  for (;;) {
    const char *nl = strchr (line, '\n');
    write_prefix (md, FALSE);
    g_string_append_len (md->out, line, nl != NULL ? nl - line : (gssize) strlen (line));
    /* No trailing blanks ("- " of an empty item becomes "-"). */
    while (md->out->len > 0 && (md->out->str[md->out->len - 1] == ' ' || md->out->str[md->out->len - 1] == '\t'))
      g_string_truncate (md->out, md->out->len - 1);
    g_string_append_c (md->out, '\n');
    if (nl == NULL)
      break;
    line = nl + 1;
  }
  md->need_blank = TRUE;
}

static void
push_container (Md *md, const char *first, const char *rest)
{
  Container c = { g_strdup (first), g_strdup (rest), FALSE };
  g_array_append_val (md->containers, c);
}

static void
pop_container (Md *md)
{
  g_array_set_size (md->containers, md->containers->len - 1);
}

/* Heading depth: the heading's own level (analysis), else its sections,
 * else the reader's outline level. */
static int
heading_level (const DnNode *n)
{
  gint64 level = dn_node_get_attr_int (n, DN_ATTR_LEVEL, 0);
  if (level <= 0) {
    for (const DnNode *p = dn_node_parent (n); p != NULL; p = dn_node_parent (p))
      level += dn_node_get_node_type (p) == DN_NODE_SECTION;
  }
  if (level <= 0)
    level = dn_node_get_hints (n)->outline_level;
  return (int) CLAMP (level, 1, 6);
}

/* "壹、" + "目的"; a label ending in a Latin character or dot gets a space. */
static char *
label_and_text (const char *label, const char *text)
{
  if (label == NULL || *label == '\0')
    return g_strdup (text != NULL ? text : "");
  gsize n = strlen (label);
  gboolean space = (guchar) label[n - 1] < 0x80 && label[n - 1] != ' ';
  return g_strconcat (label, space ? " " : "", text != NULL ? text : "", NULL);
}

static void
write_heading (Md *md, const DnNode *n, int level, const char *label, const char *title)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < level; i++)
    g_string_append_c (s, '#');
  g_string_append_c (s, ' ');
  char *full = label_and_text (label, title);
  if (label == NULL && title == dn_node_get_text (n))
    render_inline (s, n, title, NL_SPACE, NO_LINE_START);
  else
    render_inline (s, NULL, full, NL_SPACE, NO_LINE_START);
  g_free (full);
  /* A trailing '#' would be read as a closing sequence. */
  if (s->len > 0 && s->str[s->len - 1] == '#' && (s->len < 2 || s->str[s->len - 2] != '\\')) {
    g_string_truncate (s, s->len - 1);
    g_string_append (s, "\\#");
  }
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_text_block (Md *md, const DnNode *n)
{
  const char *text = dn_node_get_text (n);
  if (text == NULL || *text == '\0')
    return;
  GString *s = g_string_new (NULL);
  NewlineMode nl = (dn_node_get_hints (n)->flags & DN_HINT_WRAPPED_LINES) ? NL_SOFT : NL_HARD;
  render_inline (s, n, text, nl, 0);
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_code_block (Md *md, const char *text)
{
  /* A fence longer than any backtick run inside. */
  guint longest = 0, run = 0;
  for (const char *p = text; *p != '\0'; p++) {
    run = *p == '`' ? run + 1 : 0;
    longest = MAX (longest, run);
  }
  GString *fence = g_string_new (NULL);
  for (guint i = 0; i < MAX (3u, longest + 1); i++)
    g_string_append_c (fence, '`');
  GString *s = g_string_new (fence->str);
  g_string_append_c (s, '\n');
  g_string_append (s, text);
  if (s->len > 0 && s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  g_string_append (s, fence->str);
  write_block (md, s->str);
  g_string_free (s, TRUE);
  g_string_free (fence, TRUE);
}

/* One table cell as a single line of Markdown. */
static char *
cell_markdown (const DnNode *cell)
{
  GString *s = g_string_new (NULL);
  if (dn_node_first_child (cell) == NULL) {
    render_inline (s, cell, dn_node_get_text (cell), NL_BR, IN_TABLE);
  } else {
    char *all = dn_node_collect_text (cell);
    render_inline (s, NULL, all, NL_BR, IN_TABLE);
    g_free (all);
  }
  return g_string_free (s, FALSE);
}

typedef struct {
  GPtrArray *cells; /* char *, NULL where a span covers the slot */
  gboolean header;
} GridRow;

/* A GFM pipe table. Spanned cells are repeated as empty cells (GFM has no
 * spans); a table without a header row gets an empty one, since GFM needs
 * one and promoting a data row would change the table. */
static void
write_table (Md *md, const DnNode *table)
{
  for (const DnNode *c = dn_node_first_child (table); c != NULL; c = dn_node_next (c))
    if (dn_node_get_node_type (c) == DN_NODE_CAPTION)
      write_text_block (md, c);

  GArray *rows = g_array_new (FALSE, FALSE, sizeof (GridRow));
  GArray *pending = g_array_new (FALSE, TRUE, sizeof (guint)); /* rows still covered per column */
  guint width = 0;
  for (const DnNode *r = dn_node_first_child (table); r != NULL; r = dn_node_next (r)) {
    if (dn_node_get_node_type (r) != DN_NODE_TABLE_ROW)
      continue;
    GridRow row = { g_ptr_array_new_with_free_func (g_free),
                    (dn_node_get_hints (r)->flags & DN_HINT_HEADER_ROW) != 0 };
    guint col = 0;
    for (const DnNode *c = dn_node_first_child (r); c != NULL; c = dn_node_next (c)) {
      if (dn_node_get_node_type (c) != DN_NODE_TABLE_CELL)
        continue;
      while (col < pending->len && g_array_index (pending, guint, col) > 0) {
        g_ptr_array_add (row.cells, g_strdup (""));
        col++;
      }
      gint64 cs = CLAMP (dn_node_get_attr_int (c, DN_ATTR_COL_SPAN, 1), 1, 1000);
      gint64 rs = CLAMP (dn_node_get_attr_int (c, DN_ATTR_ROW_SPAN, 1), 1, 100000);
      for (gint64 k = 0; k < cs; k++) {
        g_ptr_array_add (row.cells, k == 0 ? cell_markdown (c) : g_strdup (""));
        if (col >= pending->len)
          g_array_set_size (pending, col + 1);
        g_array_index (pending, guint, col) = (guint) rs;
        col++;
      }
    }
    while (col < pending->len) {
      if (g_array_index (pending, guint, col) > 0)
        g_ptr_array_add (row.cells, g_strdup (""));
      col++;
    }
    /* This row is done: one row less for every span. */
    for (guint k = 0; k < pending->len; k++)
      if (g_array_index (pending, guint, k) > 0)
        g_array_index (pending, guint, k)--;
    width = MAX (width, row.cells->len);
    g_array_append_val (rows, row);
  }
  g_array_free (pending, TRUE);

  if (rows->len > 0 && width > 0) {
    GString *s = g_string_new (NULL);
    guint first = 0;
    const GridRow *head = &g_array_index (rows, GridRow, 0);
    for (guint k = 0; k < width; k++)
      g_string_append_printf (s, "| %s ", head->header && k < head->cells->len ? (char *) head->cells->pdata[k] : "");
    g_string_append (s, "|\n");
    first = head->header ? 1 : 0;
    for (guint k = 0; k < width; k++)
      g_string_append (s, "| --- ");
    g_string_append (s, "|");
    for (guint r = first; r < rows->len; r++) {
      const GridRow *row = &g_array_index (rows, GridRow, r);
      g_string_append_c (s, '\n');
      for (guint k = 0; k < width; k++)
        g_string_append_printf (s, "| %s ", k < row->cells->len ? (char *) row->cells->pdata[k] : "");
      g_string_append_c (s, '|');
    }
    write_block (md, s->str);
    g_string_free (s, TRUE);
  }
  for (guint r = 0; r < rows->len; r++)
    g_ptr_array_free (g_array_index (rows, GridRow, r).cells, TRUE);
  g_array_free (rows, TRUE);
}

static void
write_figure (Md *md, const DnNode *fig)
{
  const char *alt = dn_node_get_attr (fig, DN_ATTR_ALT);
  const char *image = dn_node_get_attr (fig, DN_ATTR_IMAGE);
  GString *s = g_string_new ("![");
  if (alt != NULL)
    render_inline (s, NULL, alt, NL_SPACE, NO_LINE_START);
  g_string_append (s, "](");
  if (image != NULL)
    append_href (s, image);
  g_string_append_c (s, ')');
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_toc (Md *md, const DnNode *toc)
{
  for (const DnNode *e = dn_node_first_child (toc); e != NULL; e = dn_node_next (e)) {
    char *text = label_and_text (dn_node_get_attr (e, DN_ATTR_LABEL), dn_node_get_text (e));
    if (*text != '\0') {
      GString *s = g_string_new ("- ");
      render_inline (s, NULL, text, NL_SPACE, 0);
      write_block (md, s->str);
      md->need_blank = FALSE; /* a tight list */
      g_string_free (s, TRUE);
    }
    g_free (text);
  }
  md->need_blank = TRUE;
}

static void
write_footnote (Md *md, const DnNode *note)
{
  const char *id = dn_node_get_attr (note, DN_ATTR_NOTE_ID);
  char *text = dn_node_first_child (note) != NULL ? dn_node_collect_text (note)
                                                  : g_strdup (dn_node_get_text (note));
  GString *s = g_string_new (NULL);
  if (id != NULL) {
    g_string_append (s, "[^");
    for (const char *h = id; *h != '\0'; h++)
      if (g_ascii_isalnum (*h) || *h == '-' || *h == '_')
        g_string_append_c (s, *h);
    g_string_append (s, "]: ");
  }
  render_inline (s, dn_node_first_child (note) == NULL ? note : NULL, text, NL_HARD, 0);
  g_free (text);
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

/* Nodes whose subtree one function writes whole. */
static gboolean
written_whole (DnNodeType t)
{
  return t == DN_NODE_TABLE || t == DN_NODE_TOC || t == DN_NODE_FOOTNOTE || t == DN_NODE_FURNITURE ||
         t == DN_NODE_RAW_TEXT;
}

/* A YAML metadata block with the report's title, as pandoc and static site
 * generators read one: the cover prints the title as the document has it
 * (often with a stray space where a line broke), the record's title is
 * clean. The value is a double-quoted YAML scalar. */
static void
write_front_matter (Md *md, const DnDocument *doc)
{
  JsonObject *report = dn_document_get_report (doc);
  JsonNode *title = report != NULL ? json_object_get_member (report, "title") : NULL;
  if (title == NULL || json_node_get_value_type (title) != G_TYPE_STRING)
    return;
  g_string_append (md->out, "---\ntitle: \"");
  for (const char *p = json_node_get_string (title); *p != '\0'; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (md->out, "\\%c", *p);
    else if ((guchar) *p < 0x20)
      g_string_append_c (md->out, ' ');
    else
      g_string_append_c (md->out, *p);
  }
  g_string_append (md->out, "\"\n---\n");
  md->need_blank = TRUE;
}

static gboolean
markdown_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out, GError **error)
{
  Md md = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (Container)), FALSE,
            g_array_new (FALSE, FALSE, sizeof (guint)) };
  g_array_set_clear_func (md.containers, container_clear);
  write_front_matter (&md, doc);
  const DnNode *skip = NULL; /* a subtree already written */
  DnIter it;
  dn_iter_init (&it, (DnNode *) dn_document_get_root_const (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    const DnNode *n = it.current;
    if (skip != NULL) {
      if (n == skip && ev == DN_EVENT_EXIT)
        skip = NULL;
      continue;
    }
    DnNodeType type = dn_node_get_node_type (n);
    if (ev == DN_EVENT_ENTER && written_whole (type)) {
      if (type == DN_NODE_TABLE)
        write_table (&md, n);
      else if (type == DN_NODE_TOC)
        write_toc (&md, n);
      else if (type == DN_NODE_FOOTNOTE)
        write_footnote (&md, n);
      else if (type == DN_NODE_RAW_TEXT && dn_node_get_text (n) != NULL)
        write_code_block (&md, dn_node_get_text (n));
      skip = n;
      continue;
    }
    switch (type) {
    case DN_NODE_SECTION:
      /* A section without its heading node still gets its title. */
      if (ev == DN_EVENT_ENTER && (dn_node_first_child (n) == NULL ||
                                   dn_node_get_node_type (dn_node_first_child (n)) != DN_NODE_HEADING) &&
          dn_node_get_attr (n, DN_ATTR_TITLE) != NULL)
        write_heading (&md, n, (int) CLAMP (dn_node_get_attr_int (n, DN_ATTR_LEVEL, 1), 1, 6),
                       dn_node_get_attr (n, DN_ATTR_LABEL), dn_node_get_attr (n, DN_ATTR_TITLE));
      break;
    case DN_NODE_HEADING:
      if (ev == DN_EVENT_ENTER && dn_node_get_text (n) != NULL)
        write_heading (&md, n, heading_level (n), dn_node_get_attr (n, DN_ATTR_LABEL), dn_node_get_text (n));
      break;
    case DN_NODE_LIST:
      if (ev == DN_EVENT_ENTER) {
        guint start = g_strcmp0 (dn_node_get_attr (n, DN_ATTR_ORDERED), "true") == 0 ? 1 : 0;
        g_array_append_val (md.list_counters, start);
        /* A list right under its item's text needs no blank line. */
        if (dn_node_parent (n) != NULL && dn_node_get_node_type (dn_node_parent (n)) == DN_NODE_LIST_ITEM)
          md.need_blank = FALSE;
      } else {
        g_array_set_size (md.list_counters, md.list_counters->len - 1);
        md.need_blank = TRUE;
      }
      break;
    case DN_NODE_LIST_ITEM:
      if (ev == DN_EVENT_ENTER) {
        guint *counter = md.list_counters->len > 0
                           ? &g_array_index (md.list_counters, guint, md.list_counters->len - 1) : NULL;
        char *marker = counter != NULL && *counter > 0 ? g_strdup_printf ("%u. ", (*counter)++) : g_strdup ("- ");
        char *rest = g_strnfill (strlen (marker), ' ');
        /* Items of one list follow each other without blank lines. */
        if (dn_node_previous (n) != NULL)
          md.need_blank = FALSE;
        flush_blank (&md);
        push_container (&md, marker, rest);
        g_free (marker);
        g_free (rest);
        if (dn_node_get_text (n) != NULL)
          write_text_block (&md, n);
      } else {
        Container *c = &g_array_index (md.containers, Container, md.containers->len - 1);
        if (!c->first_done)
          write_block (&md, ""); /* an item whose children wrote nothing */
        pop_container (&md);
      }
      break;
    case DN_NODE_COMMENT:
      if (ev == DN_EVENT_ENTER) {
        flush_blank (&md);
        push_container (&md, "> ", "> ");
        const char *author = dn_node_get_attr (n, DN_ATTR_AUTHOR);
        if (dn_node_get_text (n) == NULL && author != NULL) {
          /* The comment's text is in its paragraphs: the author leads. */
          GString *s = g_string_new ("**");
          render_inline (s, NULL, author, NL_SPACE, NO_LINE_START);
          g_string_append (s, ":**");
          write_block (&md, s->str);
          g_string_free (s, TRUE);
        } else if (dn_node_get_text (n) != NULL) {
          GString *s = g_string_new (NULL);
          if (author != NULL) {
            g_string_append (s, "**");
            render_inline (s, NULL, author, NL_SPACE, NO_LINE_START);
            g_string_append (s, ":** ");
          }
          render_inline (s, n, dn_node_get_text (n), NL_HARD, author != NULL ? NO_LINE_START : 0);
          write_block (&md, s->str);
          g_string_free (s, TRUE);
        }
      } else {
        pop_container (&md);
        md.need_blank = TRUE;
      }
      break;
    case DN_NODE_FIGURE:
      if (ev == DN_EVENT_ENTER)
        write_figure (&md, n);
      break;
    case DN_NODE_DOCUMENT:
      break;
    default:
      /* Paragraph, caption, table pieces outside a table, TOC entries
       * outside a TOC: their text as a paragraph. */
      if (ev == DN_EVENT_ENTER)
        write_text_block (&md, n);
      break;
    }
  }
  gboolean ok = g_output_stream_write_all (out, md.out->str, md.out->len, NULL, NULL, error);
  g_string_free (md.out, TRUE);
  g_array_free (md.containers, TRUE);
  g_array_free (md.list_counters, TRUE);
  return ok;
}

static const char *const markdown_media_types[] = { "text/markdown", NULL };
static const char *const markdown_extensions[] = { "md", "markdown", NULL };

static const DnWriterVTable markdown_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = markdown_write,
};

static const DnPluginDesc markdown_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "markdown",
  .description = "Body as Markdown (CommonMark with GFM tables)",
  .version = MARKDOWN_WRITER_VERSION,
  .media_types = markdown_media_types,
  .extensions = markdown_extensions,
  .writer = &markdown_writer,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (markdown, markdown_desc)
