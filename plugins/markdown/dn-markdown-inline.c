/* Markdown inline content from the record: a node's text escaped so that it
 * never turns into markup by accident, with its marks (the record's
 * code-point spans) as emphasis, links and footnote references. Underline
 * has no Markdown form and is dropped. */
#include "dn-markdown-inline.h"

#include <string.h>

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

void
dn_markdown_append_href (GString *out, const char *href)
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
    dn_markdown_append_href (out, g_array_index (ranges, MarkRange, m->index).href);
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

/* The record's mark names, as DnMark bits. */
static const struct {
  const char *name;
  guint32 mark;
} mark_names[] = {
  { "bold", DN_MARK_BOLD },           { "italic", DN_MARK_ITALIC },
  { "underline", DN_MARK_UNDERLINE }, { "strike", DN_MARK_STRIKE },
  { "superscript", DN_MARK_SUPERSCRIPT }, { "subscript", DN_MARK_SUBSCRIPT },
  { "link", DN_MARK_LINK },           { "note_ref", DN_MARK_NOTE_REF },
};

static guint32
span_marks (JsonObject *span)
{
  JsonArray *names = dn_record_get_array (span, "marks");
  guint32 marks = 0;
  for (guint k = 0; names != NULL && k < json_array_get_length (names); k++) {
    const char *name = json_array_get_string_element (names, k);
    for (guint b = 0; name != NULL && b < G_N_ELEMENTS (mark_names); b++)
      if (strcmp (name, mark_names[b].name) == 0)
        marks |= mark_names[b].mark;
  }
  return marks;
}

/* Byte offset of code point @target in @text, counted on from a cursor so
 * that a node with many sorted spans costs one pass, not one per span. */
static guint32
byte_offset (const char *text, gsize len, gsize *cur_byte, gint64 *cur_char, gint64 target)
{
  if (target < *cur_char) {
    *cur_byte = 0;
    *cur_char = 0;
  }
  while (*cur_char < target && *cur_byte < len) {
    *cur_byte = (gsize) (g_utf8_next_char (text + *cur_byte) - text);
    (*cur_char)++;
  }
  return (guint32) MIN (*cur_byte, len);
}

/* The node's marks (code-point offsets in the record) as merged per-mark
 * ranges over the @len bytes of its @text. */
static GArray *
mark_ranges (JsonObject *node, const char *text, gsize len)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (MarkRange));
  JsonArray *spans = dn_record_get_array (node, "marks");
  gsize cur_byte = 0;
  gint64 cur_char = 0;
  for (guint si = 0; spans != NULL && si < json_array_get_length (spans); si++) {
    JsonObject *span = json_array_get_object_element (spans, si);
    guint32 start = byte_offset (text, len, &cur_byte, &cur_char, dn_record_get_int (span, "start", 0));
    guint32 end = byte_offset (text, len, &cur_byte, &cur_char, dn_record_get_int (span, "end", 0));
    guint32 marks = span_marks (span);
    const char *href = dn_record_get_string (span, "href");
    if (end <= start)
      continue;
    if (marks & DN_MARK_NOTE_REF) {
      if (href != NULL) {
        MarkRange r = { start, end, DN_MARK_NOTE_REF, href };
        g_array_append_val (all, r);
      }
      continue;
    }
    for (guint b = 0; b < G_N_ELEMENTS (rendered_marks); b++) {
      guint32 mark = rendered_marks[b];
      if (!(marks & mark) || (mark == DN_MARK_LINK && href == NULL))
        continue;
      MarkRange r = { start, end, mark, mark == DN_MARK_LINK ? href : NULL };
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

void
dn_markdown_render_inline (GString *out, JsonObject *node, const char *text, DnMarkdownNewline nl, guint flags)
{
  gboolean in_table = (flags & IN_TABLE) != 0;
  if (text == NULL)
    return;
  gsize len = strlen (text);
  GArray *ranges = node != NULL && text == dn_record_get_string (node, "text")
                     ? mark_ranges (node, text, len)
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
