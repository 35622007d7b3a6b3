/* Numbering → section tree. Depth comes from a stack of marker types in
 * the order they appear (a report may go from 壹、 straight to 1.), not from
 * a fixed table. A numbered line is a heading when it is short, has no 。,
 * is followed by body text and its numbered neighbours are headings too —
 * or when the TOC lists it or the reader says so. */
#include <string.h>

#include "dn-analysis-private.h"
#include "../dn-vocab.h"

#define MAX_TITLE_UNITS 60

/* Whether a title is longer than @max reading units: one per CJK
 * character, one per Latin word, nothing inside parentheses, so an English
 * gloss does not make a title long. Stops counting past @max. */
static gboolean
title_longer_than (const char *s, glong max)
{
  glong n = 0;
  gboolean in_word = FALSE;
  int paren = 0;
  for (const char *p = s; *p != '\0' && n <= max; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c == '(' || c == 0xFF08) {
      paren++;
      continue;
    }
    if ((c == ')' || c == 0xFF09) && paren > 0) {
      paren--;
      continue;
    }
    if (paren > 0)
      continue;
    if (c < 0x80 && g_ascii_isalnum ((char) c)) {
      n += !in_word;
      in_word = TRUE;
      continue;
    }
    in_word = FALSE;
    if (dn_text_is_cjk (c))
      n++;
  }
  return n > max;
}

typedef struct {
  DnNode *node;
  DnMarker m;
  gboolean marked;
  int depth;       /* stack depth of the marker type, 1-based */
  gboolean long_text;
  gboolean heading;
  gboolean reader_heading;
  gboolean toc;
  gboolean wrap_joined; /* a line joined on without the TOC: not too wide */
  gboolean running;     /* English running text: never a heading, but its
                         * numbered neighbours may be */
  const char *wrap_how; /* how its wrapped lines were joined, or NULL */
  gboolean wrap_dup;    /* … with the break's character repeated */
} Entry;

static void
entries_free (GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    dn_marker_clear (&g_array_index (entries, Entry, i).m);
  g_array_free (entries, TRUE);
}

static gboolean
is_text_block (DnNode *n)
{
  DnNodeType t = dn_node_get_node_type (n);
  return (t == DN_NODE_PARAGRAPH || t == DN_NODE_HEADING) && dn_node_get_text (n) != NULL;
}

/* Parses the node's marker: a reader label (DOCX numbering) counts the same
 * as a marker typed into the text. */
static gboolean
node_marker (DnNode *n, DnMarker *m, const char **rest)
{
  const char *text = dn_node_get_text (n);
  const char *label = dn_node_get_attr (n, DN_ATTR_LABEL);
  gboolean typed = dn_marker_parse (text, m);
  if (label != NULL) {
    DnMarker lm;
    /* A reader bullet before a typed marker is like a markdown "- ". */
    if (dn_marker_parse_label (label, &lm) && !(typed && lm.type == DN_MARKER_BULLET)) {
      if (typed)
        dn_marker_clear (m);
      *m = lm;
      m->rest_offset = 0;
      *rest = text;
      while (**rest == ' ' || **rest == '\t')
        (*rest)++;
      m->rest_offset = (gsize) (*rest - text);
      return TRUE;
    }
    dn_marker_clear (&lm);
  }
  if (typed) {
    *rest = text + m->rest_offset;
    return TRUE;
  }
  *rest = text;
  return FALSE;
}

static gboolean
toc_has (GPtrArray *toc_keys, const char *label, const char *rest)
{
  if (toc_keys == NULL)
    return FALSE;
  char *k1 = dn_text_title_key (rest);
  char *both = g_strconcat (label != NULL ? label : "", rest, NULL);
  char *k2 = dn_text_title_key (both);
  gboolean found = FALSE;
  for (guint i = 0; i < toc_keys->len && !found; i++)
    found = *k1 != '\0' && (strcmp (toc_keys->pdata[i], k1) == 0 || strcmp (toc_keys->pdata[i], k2) == 0);
  g_free (k1);
  g_free (k2);
  g_free (both);
  return found;
}

/* A heading wrapped onto the next line, checked against the TOC: returns the
 * joined title or NULL. Handles the duplicated character at the break
 * (…國民數位 / 位素養 → …國民數位素養). */
static char *
toc_wrapped_title (GPtrArray *toc_keys, const char *rest, const char *next, gboolean *dup)
{
  if (toc_keys == NULL)
    return NULL;
  char *k = dn_text_title_key (rest);
  char *kn = dn_text_title_key (next);
  char *result = NULL;
  *dup = FALSE;
  for (guint i = 0; i < toc_keys->len && result == NULL && *k != '\0' && *kn != '\0'; i++) {
    const char *t = toc_keys->pdata[i];
    if (!g_str_has_prefix (t, k) || strcmp (t, k) == 0)
      continue;
    const char *tail = t + strlen (k);
    if (strcmp (tail, kn) == 0) {
      result = dn_text_join (rest, next);
    } else {
      const char *kn1 = g_utf8_next_char (kn);
      if (dn_text_last_char (k) == dn_text_first_char (kn) && strcmp (tail, kn1) == 0) {
        char *t2 = dn_text_trim (next);
        result = dn_text_join (rest, g_utf8_next_char (t2));
        g_free (t2);
        *dup = TRUE;
      }
    }
  }
  g_free (k);
  g_free (kn);
  return result;
}

/* The second line of a heading: @next closes a bracket @rest left open, is
 * short and holds no sentence, and @rest stops mid-phrase. */
static gboolean
bracket_continues (const char *rest, const char *next)
{
  return dn_text_unclosed_brackets (rest) > 0 && dn_text_unopened_brackets (next) > 0 &&
         !dn_text_is_terminated (rest) && strstr (next, "。") == NULL &&
         dn_text_display_width_upto (next, 161) <= 160;
}

/* Whether @text is a full line of a text hard-wrapped at @wrap columns
 * (85% of it: lines break before the word that does not fit). */
static gboolean
reaches_wrap (gint64 wrap, const char *text)
{
  if (wrap <= 0)
    return FALSE;
  guint full = ((guint) wrap * 85 + 99) / 100;
  return dn_text_display_width_upto (text, full) >= full;
}

/* In a hard-wrapped text: @text runs to the wrap width mid-phrase and
 * @next, the short last line of the paragraph, ends it. */
static gboolean
wrap_continues (gint64 wrap, const char *text, const char *next)
{
  return reaches_wrap (wrap, text) && !dn_text_is_terminated (text) && !reaches_wrap (wrap, next) &&
         strstr (next, "。") == NULL;
}

static gboolean
has_period (const char *s)
{
  return strstr (s, "。") != NULL;
}

/* Running English rather than a title: a sentence boundary ("remarks. The"),
 * a sub-item merged in ("REMARKS 10.1. DESG Chair …"), or more than 25
 * words. */
static gboolean
is_latin_running_text (const char *s)
{
  guint words = 0;
  gboolean in_word = FALSE;
  for (const char *p = s; *p != '\0'; p++) {
    if (g_ascii_isalpha (*p) && !in_word)
      words++;
    in_word = g_ascii_isalnum (*p);
    if (p > s && g_ascii_islower (p[-1]) && p[0] == '.' && p[1] == ' ' && g_ascii_isupper (p[2]))
      return TRUE;
    if (p > s && p[-1] == ' ' && g_ascii_isdigit (p[0])) {
      const char *q = p;
      while (g_ascii_isdigit (*q))
        q++;
      if (q[0] == '.' && g_ascii_isdigit (q[1]))
        return TRUE;
    }
  }
  return words > 25;
}

static void
fill_entry (Entry *e, DnNode *n, GPtrArray *toc_keys)
{
  const char *rest;
  e->node = n;
  e->marked = node_marker (n, &e->m, &rest);
  e->long_text = has_period (rest) || title_longer_than (rest, MAX_TITLE_UNITS);
  e->running = is_latin_running_text (rest);
  /* A style or outline level is the author's word; a heading a reader
   * guessed from a bold line (PDF) is only a candidate like any other. */
  e->reader_heading = dn_node_get_hints (n)->outline_level > 0;
  e->toc = e->marked && toc_has (toc_keys, e->m.label, rest);
}

/* Stack of marker types: a type already on the stack pops back to it;
 * a new type is pushed one level deeper. */
static void
assign_depths (GArray *entries)
{
  DnMarkerType stack[16];
  int top = 0;
  for (guint i = 0; i < entries->len; i++) {
    Entry *e = &g_array_index (entries, Entry, i);
    if (!e->marked)
      continue;
    int found = -1;
    for (int s = 0; s < top; s++)
      if (stack[s] == e->m.type)
        found = s;
    if (found >= 0) {
      top = found + 1;
    } else if (top < (int) G_N_ELEMENTS (stack)) {
      stack[top++] = e->m.type;
    }
    e->depth = top;
  }
}

/* The sibling group: entries of the same marker type and depth, up to a
 * shallower marker either way. One long member (a sentence with 。) makes
 * the whole group numbered paragraphs rather than headings. */
static gboolean
group_has_paragraph (GArray *entries, guint i)
{
  Entry *e = &g_array_index (entries, Entry, i);
  for (int dir = -1; dir <= 1; dir += 2) {
    for (gint64 j = (gint64) i + dir; j >= 0 && j < (gint64) entries->len; j += dir) {
      Entry *o = &g_array_index (entries, Entry, j);
      if (!o->marked)
        continue;
      if (o->depth < e->depth)
        break;
      if (o->depth == e->depth && o->m.type == e->m.type && o->long_text && !o->toc)
        return TRUE;
    }
  }
  return FALSE;
}

static void
classify (DnDocument *doc, GArray *entries, GPtrArray *toc_keys)
{
  gint64 wrap = dn_node_get_attr_int (dn_document_get_root (doc), "_wrap_width", 0);
  for (guint i = 0; i < entries->len; i++) {
    Entry *e = &g_array_index (entries, Entry, i);
    if (!e->marked || e->m.type == DN_MARKER_BULLET) {
      e->heading = FALSE;
      continue;
    }
    if (e->toc || e->reader_heading) {
      e->heading = TRUE;
      continue;
    }
    const char *text = dn_node_get_text (e->node);
    gboolean h = !e->long_text && !e->running;
    gunichar last = dn_text_last_char (text);
    if (last == 0xFF1B || last == ';' || last == 0xFF0C || last == ',' || last == 0x3001)
      h = FALSE;
    /* A heading governs something: it is not directly followed by its own
     * next sibling. (A heading that ends the text is kept: the text was
     * cut off, and the profile says so.) */
    if (h && i + 1 < entries->len) {
      Entry *n = &g_array_index (entries, Entry, i + 1);
      if (n->marked && n->m.type == e->m.type && n->depth == e->depth)
        h = FALSE;
    }
    /* The last of a run of consecutive items is an item too. */
    if (h && i > 0) {
      Entry *p = &g_array_index (entries, Entry, i - 1);
      if (p->marked && p->m.type == e->m.type && p->depth == e->depth && !p->toc && !p->reader_heading &&
          !p->running)
        h = FALSE;
    }
    /* In a hard-wrapped text a line that runs to the wrap width mid-phrase
     * is the first line of a paragraph, unless it was joined as a wrapped
     * heading above. */
    if (h && !e->wrap_joined && !dn_text_is_terminated (text) && reaches_wrap (wrap, text))
      h = FALSE;
    if (h && group_has_paragraph (entries, i))
      h = FALSE;
    e->heading = h;
  }
}

/* Joins the line after entry @i into its heading when the heading wrapped:
 * the TOC shows the whole title, or the next line closes a bracket the
 * heading left open ("…(2016 Independent Assessment for" / "TELWG)"), or
 * the heading runs to a hard-wrapped text's wrap width. Returns whether it
 * joined. */
static gboolean
join_wrapped_line (GArray *entries, guint i, GPtrArray *toc_keys, gint64 wrap)
{
  Entry *e = &g_array_index (entries, Entry, i);
  Entry *n = &g_array_index (entries, Entry, i + 1);
  if (!e->marked || e->m.type == DN_MARKER_BULLET || e->toc || n->marked || dn_node_next (e->node) != n->node)
    return FALSE;
  gboolean dup = FALSE;
  const char *text = dn_node_get_text (e->node);
  const char *rest = text + e->m.rest_offset, *next = dn_node_get_text (n->node);
  char *joined = toc_wrapped_title (toc_keys, rest, next, &dup);
  const char *how = "as in the TOC";
  if (joined == NULL) {
    if (bracket_continues (rest, next))
      how = "where its bracket closes";
    else if (wrap_continues (wrap, text, next))
      how = "at the text's wrap width";
    else
      return FALSE;
    joined = dn_text_join (rest, next);
    e->wrap_joined = TRUE;
  }
  char *label = g_strndup (text, e->m.rest_offset);
  char *whole = g_strconcat (label, joined, NULL);
  e->wrap_how = how;
  e->wrap_dup |= dup;
  dn_node_set_text (e->node, whole);
  dn_node_free (n->node);
  dn_marker_clear (&n->m);
  g_array_remove_index (entries, i + 1);
  dn_marker_clear (&e->m);
  fill_entry (e, e->node, toc_keys);
  g_free (label);
  g_free (whole);
  g_free (joined);
  return TRUE;
}

void
dn_sections_mark_headings (DnDocument *doc, DnNode *first, GPtrArray *toc_keys)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (Entry));
  for (DnNode *n = first; n != NULL; n = dn_node_next (n)) {
    if (!is_text_block (n))
      continue;
    Entry e = { 0 };
    fill_entry (&e, n, toc_keys);
    g_array_append_val (entries, e);
  }
  /* Wrapped headings first, so the joined title counts as a TOC match. A
   * heading takes up to two more lines; each join is tried again on the
   * longer title. */
  gint64 wrap = dn_node_get_attr_int (dn_document_get_root (doc), "_wrap_width", 0);
  for (guint i = 0; i + 1 < entries->len; i++)
    for (guint lines = 0; lines < 2 && i + 1 < entries->len; lines++)
      if (!join_wrapped_line (entries, i, toc_keys, wrap))
        break;
  assign_depths (entries);
  classify (doc, entries, toc_keys);
  for (guint i = 0; i < entries->len; i++) {
    Entry *e = &g_array_index (entries, Entry, i);
    if (!e->heading)
      continue; /* a numbered paragraph's lines joined: nothing to report */
    dn_node_set_attr (e->node, DN_ATTR_PRIV_HEADING, "1");
    if (e->wrap_how != NULL)
      dn_document_add_warning (doc, e->wrap_dup ? "HEADING_WRAP_DUP_CHAR" : "HEADING_WRAPPED",
                               dn_node_get_hints (e->node)->page,
                               "heading '%s' continued on the next line%s; joined %s", dn_node_get_text (e->node),
                               e->wrap_dup ? " with its last character repeated" : "", e->wrap_how);
  }
  entries_free (entries);
}

static const char *
canonical_part (const char *title)
{
  if (strstr (title, "目的") != NULL || strstr (title, "緣起") != NULL)
    return "purpose";
  if (strstr (title, "心得") != NULL || strstr (title, "建議") != NULL)
    return "reflections_recommendations";
  if (strstr (title, "附錄") != NULL || strstr (title, "附件") != NULL)
    return "appendix";
  if (strstr (title, "過程") != NULL || strstr (title, "行程") != NULL || strstr (title, "情形") != NULL ||
      strstr (title, "紀要") != NULL || strstr (title, "經過") != NULL)
    return "process";
  return "other";
}

/* Drops the typed marker in front of @rest (a pointer into the node's
 * text), keeping inline spans in place. */
static void
strip_marker (DnNode *n, const char *rest)
{
  const char *text = dn_node_get_text (n);
  gsize off = (gsize) (rest - text), len = strlen (text);
  if (off == 0)
    return;
  gint32 *map = g_new (gint32, len + 1);
  for (gsize i = 0; i <= len; i++)
    map[i] = i < off ? 0 : (gint32) (i - off);
  char *r = g_strdup (rest);
  dn_analysis_set_text_mapped (n, r, map);
  g_free (r);
  g_free (map);
}

typedef struct {
  DnNode *section;
  int depth;       /* marker stack depth of its heading */
  guint n_children; /* sub-sections so far, for ids */
  DnMarkerType last_type;
  int last_value;
} Open;

void
dn_sections_build (DnDocument *doc, DnNode *first, GPtrArray *toc_keys)
{
  (void) toc_keys;
  DnNode *root = dn_document_get_root (doc);
  /* Detach the body, then hang it back under sections. */
  GPtrArray *body = g_ptr_array_new ();
  for (DnNode *n = first; n != NULL;) {
    DnNode *next = dn_node_next (n);
    dn_node_unlink (n);
    g_ptr_array_add (body, n);
    n = next;
  }
  GArray *open = g_array_new (FALSE, TRUE, sizeof (Open));
  guint top_count = 0;
  DnMarkerType top_last_type = DN_MARKER_NONE;
  int top_last_value = 0;
  /* Marker-type stack again, over the final text, for paragraph depths. */
  DnMarkerType stack[16];
  int top = 0;

  for (guint i = 0; i < body->len; i++) {
    DnNode *n = body->pdata[i];
    DnMarker m;
    const char *rest = NULL;
    gboolean marked = is_text_block (n) && node_marker (n, &m, &rest);
    int depth = 0;
    if (marked) {
      int found = -1;
      for (int s = 0; s < top; s++)
        if (stack[s] == m.type)
          found = s;
      if (found >= 0)
        top = found + 1;
      else if (top < (int) G_N_ELEMENTS (stack))
        stack[top++] = m.type;
      depth = top;
    }
    gboolean heading = marked && dn_node_get_attr (n, DN_ATTR_PRIV_HEADING) != NULL;
    dn_node_set_attr (n, DN_ATTR_PRIV_HEADING, NULL);
    if (!heading) {
      if (marked) {
        strip_marker (n, rest);
        dn_node_set_attr (n, DN_ATTR_LABEL, m.label);
        dn_node_set_attr (n, DN_ATTR_MARKER_TYPE, dn_marker_type_name (m.type));
        dn_node_set_attr_int (n, DN_ATTR_LEVEL, depth);
        if (dn_node_get_node_type (n) == DN_NODE_HEADING)
          dn_node_set_node_type (n, DN_NODE_PARAGRAPH);
        /* A numbered paragraph counts in its level's sequence, so a
         * heading after it is not reported as a gap. */
        if (m.value > 0) {
          Open *owner = NULL;
          for (guint k = open->len; k > 0 && owner == NULL; k--)
            if (g_array_index (open, Open, k - 1).depth < depth)
              owner = &g_array_index (open, Open, k - 1);
          if (owner != NULL) {
            owner->last_type = m.type;
            owner->last_value = m.value;
          } else {
            top_last_type = m.type;
            top_last_value = m.value;
          }
        }
        dn_marker_clear (&m);
      }
      DnNode *parent = open->len > 0 ? g_array_index (open, Open, open->len - 1).section : root;
      dn_node_append_child (parent, n);
      continue;
    }
    while (open->len > 0 && g_array_index (open, Open, open->len - 1).depth >= depth)
      g_array_set_size (open, open->len - 1);
    Open *parent = open->len > 0 ? &g_array_index (open, Open, open->len - 1) : NULL;
    DnNode *section = dn_node_new (DN_NODE_SECTION);
    guint index = parent != NULL ? ++parent->n_children : ++top_count;
    char *id = parent != NULL ? g_strdup_printf ("%s.%u", dn_node_get_attr (parent->section, DN_ATTR_ID), index)
                              : g_strdup_printf ("s%u", index);
    char *title = dn_text_trim (rest);
    /* Sequence check per parent and marker type. */
    DnMarkerType *lt = parent != NULL ? &parent->last_type : &top_last_type;
    int *lv = parent != NULL ? &parent->last_value : &top_last_value;
    if (m.value > 0) {
      int expect = *lt == m.type ? *lv + 1 : 1;
      if (m.value == expect - 1 && *lt == m.type)
        dn_document_add_warning (doc, "NUMBERING_DUPLICATE", dn_node_get_hints (n)->page,
                                 "heading %s%s repeats the number before it", m.label, title);
      else if (m.value != expect)
        dn_document_add_warning (doc, "NUMBERING_GAP", dn_node_get_hints (n)->page,
                                 "heading %s%s: expected number %d", m.label, title, expect);
    } else if (m.ocr_suspect) {
      /* An unreadable glyph: number it from the sequence. */
      m.value = *lt == m.type ? *lv + 1 : 1;
    }
    if (m.ocr_suspect)
      dn_document_add_warning (doc, "OCR_GLYPH_SUSPECT", dn_node_get_hints (n)->page,
                               "heading marker of '%s' looks misrecognised; read as %s", title, m.label);
    *lt = m.type;
    *lv = m.value;

    int level = (int) open->len + 1;
    dn_node_set_attr (section, DN_ATTR_ID, id);
    dn_node_set_attr_int (section, DN_ATTR_LEVEL, level);
    dn_node_set_attr (section, DN_ATTR_LABEL, m.label);
    dn_node_set_attr (section, DN_ATTR_MARKER_TYPE, dn_marker_type_name (m.type));
    dn_node_set_attr (section, DN_ATTR_TITLE, title);
    if (level == 1)
      dn_node_set_attr (section, DN_ATTR_CANONICAL_PART, canonical_part (title));
    dn_node_hints (section)->page = dn_node_get_hints (n)->page;
    dn_node_append_child (parent != NULL ? parent->section : root, section);
    /* The heading node itself, its text the title, label kept apart. */
    dn_node_set_node_type (n, DN_NODE_HEADING);
    strip_marker (n, rest);
    if (strcmp (dn_node_get_text (n), title) != 0)
      dn_node_set_text (n, title);
    dn_node_set_attr (n, DN_ATTR_LABEL, m.label);
    dn_node_set_attr (n, DN_ATTR_MARKER_TYPE, dn_marker_type_name (m.type));
    dn_node_set_attr_int (n, DN_ATTR_LEVEL, level);
    dn_node_append_child (section, n);
    Open o = { section, depth, 0, DN_MARKER_NONE, 0 };
    g_array_append_val (open, o);
    g_free (id);
    g_free (title);
    dn_marker_clear (&m);
  }
  g_array_free (open, TRUE);
  g_ptr_array_free (body, TRUE);
}
