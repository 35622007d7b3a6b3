/* Report fields read off the body once the section tree exists: figures
 * (圖 N：caption with its 資料來源 before or after), tables with captions,
 * appendices with their English parts, the TOC cross-checked against the
 * headings, and document-level extraction fingerprints. */
#include <string.h>

#include "dn-analysis-private.h"
#include "../dn-vocab.h"

/* Where a node sits among the sections: the id of the nearest enclosing
 * section that has one (borrowed from that section, or NULL) and whether
 * some enclosing section is front matter (no id, a canonical part). */
typedef struct {
  const char *section_id;
  gboolean front;
} SectionContext;

/* The nodes of @type in document order, and in @contexts (when not NULL)
 * each one's SectionContext. One walk keeping a stack of the enclosing
 * sections: walking up from every node instead costs nodes x depth, which
 * a deep tree turns into minutes. */
static GPtrArray *
collect_in_sections (DnNode *root, DnNodeType type, GArray *contexts)
{
  GPtrArray *out = g_ptr_array_new ();
  GArray *stack = g_array_new (FALSE, FALSE, sizeof (SectionContext));
  DnIter it;
  dn_iter_init (&it, root);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    DnNode *n = it.current;
    gboolean section = dn_node_get_node_type (n) == DN_NODE_SECTION;
    SectionContext top = { NULL, FALSE };
    if (stack->len > 0)
      top = g_array_index (stack, SectionContext, stack->len - 1);
    if (ev == DN_EVENT_ENTER && dn_node_get_node_type (n) == type) {
      g_ptr_array_add (out, n);
      if (contexts != NULL)
        g_array_append_val (contexts, top);
    }
    if (section && ev == DN_EVENT_ENTER) {
      const char *id = dn_node_get_attr (n, DN_ATTR_ID);
      SectionContext c = {
        id != NULL ? id : top.section_id,
        top.front || (id == NULL && dn_node_get_attr (n, DN_ATTR_CANONICAL_PART) != NULL),
      };
      g_array_append_val (stack, c);
    } else if (section && ev == DN_EVENT_EXIT && stack->len > 0) {
      g_array_set_size (stack, stack->len - 1);
    }
  }
  g_array_unref (stack);
  return out;
}

static void
set_str_or_null (JsonObject *o, const char *k, const char *v)
{
  if (v != NULL)
    json_object_set_string_member (o, k, v);
  else
    json_object_set_null_member (o, k);
}

static GPtrArray *
collect (DnNode *root, DnNodeType type)
{
  return collect_in_sections (root, type, NULL);
}

/* @n's next (or previous) sibling that is not page furniture: a caption and
 * its source or image may sit on two pages, a page number and running
 * header between them. Borrowed; NULL at the end. */
static DnNode *
past_furniture (DnNode *n, gboolean forward)
{
  do
    n = forward ? dn_node_next (n) : dn_node_previous (n);
  while (n != NULL && dn_node_get_node_type (n) == DN_NODE_FURNITURE);
  return n;
}

/* "資料來源：X" → X (new string) or NULL. */
static char *
source_of (DnNode *n)
{
  if (n == NULL || dn_node_get_node_type (n) != DN_NODE_PARAGRAPH || dn_node_get_text (n) == NULL)
    return NULL;
  char *t = dn_text_trim (dn_node_get_text (n));
  char *out = NULL;
  if (g_str_has_prefix (t, "資料來源")) {
    const char *v = t + strlen ("資料來源");
    while (*v == ' ' || *v == ':')
      v++;
    if (g_str_has_prefix (v, "："))
      v += strlen ("：");
    out = dn_text_trim (v);
  }
  g_free (t);
  return out;
}

static gboolean
is_note_line (DnNode *n)
{
  if (n == NULL || dn_node_get_node_type (n) != DN_NODE_PARAGRAPH || dn_node_get_text (n) == NULL ||
      dn_node_get_attr (n, DN_ATTR_LABEL) != NULL)
    return FALSE;
  char *t = dn_text_trim (dn_node_get_text (n));
  gboolean yes = (g_str_has_prefix (t, "（") || g_str_has_prefix (t, "(")) &&
                 (g_str_has_suffix (t, "）") || g_str_has_suffix (t, ")")) && g_utf8_strlen (t, -1) <= 80 &&
                 (strstr (t, "左") != NULL || strstr (t, "右") != NULL || strstr (t, "中") != NULL);
  g_free (t);
  return yes;
}

/* A numbered caption, "圖 3：text" (@table FALSE) or "表 2 text" (@table
 * TRUE): its number and its trimmed caption (newly allocated, g_free).
 * FALSE, leaving both untouched, when @text is not one. */
static gboolean
numbered_caption (const char *text, gboolean table, int *number, char **caption)
{
  static GRegex *figure_re = NULL, *table_re = NULL;
  GRegex **re = table ? &table_re : &figure_re;
  if (g_once_init_enter (re)) {
    GRegex *r = g_regex_new (table ? "^\\s*表\\s*(\\d{1,3})\\s*[:：.．、]?\\s*(\\S.*)$"
                                   : "^\\s*圖\\s*(\\d{1,3})\\s*[:：.．、]?\\s*(\\S.*)$",
                             G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (re, r);
  }
  GMatchInfo *mi;
  gboolean ok = g_regex_match (*re, text, 0, &mi);
  if (ok) {
    char *num = g_match_info_fetch (mi, 1), *cap = g_match_info_fetch (mi, 2);
    *number = (int) g_ascii_strtoll (num, NULL, 10);
    *caption = dn_text_trim (cap);
    g_free (num);
    g_free (cap);
  }
  g_match_info_free (mi);
  return ok;
}

static void
figures (DnDocument *doc, JsonObject *report)
{
  JsonArray *list = json_array_new ();
  JsonArray *figure_list = json_object_get_array_member (report, "figure_list");
  /* A figure is put where its caption paragraph was, so it shares the
   * paragraph's section context. */
  GArray *para_ctx = g_array_new (FALSE, FALSE, sizeof (SectionContext));
  GPtrArray *paras = collect_in_sections (dn_document_get_root (doc), DN_NODE_PARAGRAPH, para_ctx);
  /* Source and note lines are unlinked as they are claimed and freed at the
   * end: the list above still points at them. */
  GPtrArray *claimed = g_ptr_array_new_with_free_func ((GDestroyNotify) dn_node_free);
  guint source_before = 0;
  for (guint i = 0; i < paras->len; i++) {
    DnNode *p = paras->pdata[i];
    if (dn_node_parent (p) == NULL || dn_node_get_node_type (p) != DN_NODE_PARAGRAPH)
      continue;
    const char *text = dn_node_get_text (p);
    if (text == NULL || strstr (text, "。") != NULL || g_utf8_strlen (text, -1) > 100)
      continue;
    char *caption;
    int number;
    if (!numbered_caption (text, FALSE, &number, &caption))
      continue;

    DnNode *prev = past_furniture (p, FALSE);
    DnNode *fig;
    if (prev != NULL && dn_node_get_node_type (prev) == DN_NODE_FIGURE && dn_node_first_child (prev) == NULL) {
      fig = prev; /* a reader's image placement */
    } else {
      fig = dn_node_new (DN_NODE_FIGURE);
      dn_node_hints (fig)->page = dn_node_get_hints (p)->page;
      dn_node_insert_before (p, fig);
    }
    dn_node_set_attr_int (fig, DN_ATTR_NUMBER, number);
    dn_node_set_node_type (p, DN_NODE_CAPTION);
    dn_node_set_text (p, caption);
    dn_node_append_child (fig, p);

    char *note = NULL, *source = NULL;
    DnNode *after = past_furniture (fig, TRUE);
    if (is_note_line (after)) {
      note = dn_text_trim (dn_node_get_text (after));
      DnNode *nx = past_furniture (after, TRUE);
      dn_node_unlink (after);
      g_ptr_array_add (claimed, after);
      after = nx;
    }
    source = source_of (after);
    if (source != NULL) {
      dn_node_unlink (after);
      g_ptr_array_add (claimed, after);
    } else {
      DnNode *before = past_furniture (fig, FALSE);
      source = source_of (before);
      if (source != NULL) {
        dn_node_unlink (before);
        g_ptr_array_add (claimed, before);
        source_before++;
      }
    }
    if (note != NULL)
      dn_node_set_attr (fig, DN_ATTR_NOTE, note);
    if (source != NULL)
      dn_node_set_attr (fig, DN_ATTR_SOURCE, source);

    JsonObject *f = json_object_new ();
    json_object_set_int_member (f, "number", number);
    json_object_set_string_member (f, "caption", caption);
    set_str_or_null (f, "note", note);
    set_str_or_null (f, "source", source);
    set_str_or_null (f, "section_id", g_array_index (para_ctx, SectionContext, i).section_id);
    gboolean listed = FALSE;
    for (guint k = 0; k < json_array_get_length (figure_list); k++) {
      JsonObject *e = json_array_get_object_element (figure_list, k);
      if (!json_object_get_null_member (e, "number") && json_object_get_int_member (e, "number") == number) {
        json_object_set_int_member (f, "printed_page", json_object_get_int_member (e, "printed_page"));
        listed = TRUE;
      }
    }
    if (!listed)
      json_object_set_null_member (f, "printed_page");
    if (!listed && json_array_get_length (figure_list) > 0)
      dn_document_add_warning (doc, "FIGURE_NOT_IN_LIST", dn_node_get_hints (fig)->page,
                               "figure %d '%s' is not in the figure list", number, caption);
    json_array_add_object_element (list, f);
    g_free (note);
    g_free (source);
    g_free (caption);
  }
  g_ptr_array_free (paras, TRUE);
  g_array_unref (para_ctx);
  g_ptr_array_free (claimed, TRUE);
  if (source_before > 0)
    dn_document_add_warning (doc, "FIGURE_SOURCE_ORDER", 0,
                             "%u figure source line(s) (資料來源) came before their caption", source_before);
  for (guint k = 0; k < json_array_get_length (figure_list); k++) {
    JsonObject *e = json_array_get_object_element (figure_list, k);
    gboolean found = FALSE;
    for (guint i = 0; i < json_array_get_length (list) && !found; i++)
      found = !json_object_get_null_member (e, "number") &&
              json_object_get_int_member (json_array_get_object_element (list, i), "number") ==
                  json_object_get_int_member (e, "number");
    if (!found)
      dn_document_add_warning (doc, "FIGURE_LIST_UNMATCHED", 0, "figure list entry '%s' has no caption in the body",
                               json_object_get_string_member (e, "raw"));
  }
  json_object_set_array_member (report, "figures", list);
}

/* Opening minus closing parentheses in @s. */
static int
paren_balance (const char *s)
{
  int b = 0;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    b += (c == '(' || c == 0xFF08) - (c == ')' || c == 0xFF09);
  }
  return b;
}

/* A cell whose text opens a parenthesis the cell below closes was one
 * merged cell flattened into two rows (001's itinerary). The rows are kept
 * as they are; the reviewer is told. */
static void
check_split_cells (DnDocument *doc, DnNode *table)
{
  for (DnNode *r = dn_node_first_child (table); r != NULL && dn_node_next (r) != NULL; r = dn_node_next (r)) {
    DnNode *below = dn_node_first_child (dn_node_next (r));
    for (DnNode *c = dn_node_first_child (r); c != NULL && below != NULL; c = dn_node_next (c), below = dn_node_next (below)) {
      char *a = dn_node_collect_text (c), *b = dn_node_collect_text (below);
      gboolean split = paren_balance (a) > 0 && paren_balance (b) < 0;
      if (split)
        dn_document_add_warning (doc, "TABLE_MERGED_CELLS", dn_node_get_hints (table)->page,
                                 "table cell '%s' continues in the row below ('%s'): a merged cell was split into rows",
                                 a, b);
      g_free (a);
      g_free (b);
      if (split)
        return;
    }
  }
}

static void
tables (DnDocument *doc, JsonObject *report)
{
  JsonArray *list = json_array_new ();
  GArray *tab_ctx = g_array_new (FALSE, FALSE, sizeof (SectionContext));
  GPtrArray *tabs = collect_in_sections (dn_document_get_root (doc), DN_NODE_TABLE, tab_ctx);
  for (guint i = 0; i < tabs->len; i++) {
    DnNode *t = tabs->pdata[i];
    /* A front-matter grid (cover, summary sheet) is not a body table. */
    if (g_array_index (tab_ctx, SectionContext, i).front)
      continue;
    guint rows = 0, cols = 0;
    for (DnNode *r = dn_node_first_child (t); r != NULL; r = dn_node_next (r)) {
      rows++;
      cols = MAX (cols, dn_node_count_children (r));
    }
    check_split_cells (doc, t);
    char *caption = NULL;
    int number = 0;
    DnNode *cands[2] = { dn_node_previous (t), dn_node_next (t) };
    for (guint c = 0; c < 2 && caption == NULL; c++) {
      DnNode *cn = cands[c];
      if (cn == NULL || dn_node_get_node_type (cn) != DN_NODE_PARAGRAPH || dn_node_get_text (cn) == NULL)
        continue;
      if (numbered_caption (dn_node_get_text (cn), TRUE, &number, &caption))
        dn_node_free (cn);
    }
    if (caption != NULL) {
      dn_node_set_attr (t, DN_ATTR_TITLE, caption);
      dn_node_set_attr_int (t, DN_ATTR_NUMBER, number);
    }
    JsonObject *o = json_object_new ();
    if (number > 0)
      json_object_set_int_member (o, "number", number);
    else
      json_object_set_null_member (o, "number");
    set_str_or_null (o, "caption", caption);
    json_object_set_int_member (o, "rows", rows);
    json_object_set_int_member (o, "columns", cols);
    set_str_or_null (o, "section_id", g_array_index (tab_ctx, SectionContext, i).section_id);
    json_array_add_object_element (list, o);
    g_free (caption);
  }
  g_ptr_array_free (tabs, TRUE);
  g_array_unref (tab_ctx);
  (void) doc;
  json_object_set_array_member (report, "tables", list);
}

/* Marks English text (lang "en") under @sec; returns TRUE when most of the
 * section's text is English. */
static gboolean
mark_english (DnNode *sec)
{
  char *all = dn_node_collect_text (sec);
  gboolean en = dn_text_latin_ratio (all) >= 0.6;
  g_free (all);
  DnIter it;
  dn_iter_init (&it, sec);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER || dn_node_get_node_type (it.current) != DN_NODE_PARAGRAPH)
      continue;
    const char *t = dn_node_get_text (it.current);
    if (t != NULL && dn_text_latin_ratio (t) >= 0.6)
      dn_node_set_attr (it.current, DN_ATTR_LANG, "en");
  }
  if (en)
    dn_node_set_attr (sec, DN_ATTR_LANG, "en");
  return en;
}

static void
appendices (DnDocument *doc, JsonObject *report)
{
  JsonArray *list = json_array_new ();
  DnNode *root = dn_document_get_root (doc);
  for (DnNode *s = dn_node_first_child (root); s != NULL; s = dn_node_next (s)) {
    const char *part = dn_node_get_attr (s, DN_ATTR_CANONICAL_PART);
    if (dn_node_get_node_type (s) != DN_NODE_SECTION || part == NULL || strcmp (part, "appendix") != 0)
      continue;
    JsonObject *a = json_object_new ();
    set_str_or_null (a, "section_id", dn_node_get_attr (s, DN_ATTR_ID));
    set_str_or_null (a, "label", dn_node_get_attr (s, DN_ATTR_LABEL));
    set_str_or_null (a, "title", dn_node_get_attr (s, DN_ATTR_TITLE));
    char *subtitle = NULL;
    JsonArray *parts = json_array_new ();
    for (DnNode *c = dn_node_first_child (s); c != NULL; c = dn_node_next (c)) {
      if (dn_node_get_node_type (c) == DN_NODE_PARAGRAPH && subtitle == NULL && dn_node_get_text (c) != NULL &&
          g_str_has_prefix (dn_node_get_text (c), "【"))
        subtitle = g_strdup (dn_node_get_text (c));
      if (dn_node_get_node_type (c) != DN_NODE_SECTION)
        continue;
      gboolean en = mark_english (c);
      JsonObject *p = json_object_new ();
      set_str_or_null (p, "section_id", dn_node_get_attr (c, DN_ATTR_ID));
      set_str_or_null (p, "label", dn_node_get_attr (c, DN_ATTR_LABEL));
      set_str_or_null (p, "title", dn_node_get_attr (c, DN_ATTR_TITLE));
      json_object_set_string_member (p, "lang", en ? "en" : "zh");
      json_array_add_object_element (parts, p);
    }
    set_str_or_null (a, "subtitle", subtitle);
    g_free (subtitle);
    json_object_set_array_member (a, "parts", parts);
    json_array_add_object_element (list, a);
  }
  json_object_set_array_member (report, "appendices", list);
}

static void
toc_check (DnDocument *doc, JsonObject *report)
{
  JsonNode *tn = json_object_get_member (report, "toc");
  GPtrArray *secs = collect (dn_document_get_root (doc), DN_NODE_SECTION);
  GPtrArray *ided = g_ptr_array_new ();
  for (guint i = 0; i < secs->len; i++)
    if (dn_node_get_attr (secs->pdata[i], DN_ATTR_ID) != NULL)
      g_ptr_array_add (ided, secs->pdata[i]);
  g_ptr_array_free (secs, TRUE);
  if (tn == NULL || JSON_NODE_HOLDS_NULL (tn)) {
    g_ptr_array_free (ided, TRUE);
    return;
  }
  gboolean *used = g_new0 (gboolean, ided->len + 1);
  int last_found = -1;
  JsonArray *entries = json_object_get_array_member (json_node_get_object (tn), "entries");
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    const char *title = json_object_get_string_member (e, "title");
    const char *label = json_object_get_string_member_with_default (e, "label", NULL);
    char *tk = dn_text_title_key (title);
    if (label == NULL && (strcmp (tk, "圖目錄") == 0 || strcmp (tk, "表目錄") == 0 || strcmp (tk, "摘要") == 0 ||
                          strcmp (tk, "目錄") == 0 || strcmp (tk, "圖次") == 0 || strcmp (tk, "表次") == 0)) {
      json_object_set_null_member (e, "section_id");
      g_free (tk);
      continue;
    }
    int found = -1;
    for (guint s = 0; s < ided->len && found < 0; s++) {
      if (used[s])
        continue;
      char *sk = dn_text_title_key (dn_node_get_attr (ided->pdata[s], DN_ATTR_TITLE));
      const char *sl = dn_node_get_attr (ided->pdata[s], DN_ATTR_LABEL);
      if (strcmp (sk, tk) == 0 && (label == NULL || sl == NULL || strcmp (sl, label) == 0))
        found = (int) s;
      g_free (sk);
    }
    /* A label garbled in the TOC or in the heading (貳 printed as 湏) still
     * matches by title and position: the next heading after the last
     * match, at the entry's level, with the same title. */
    for (guint s = (guint) (last_found + 1); s < ided->len && found < 0 && label != NULL; s++) {
      if (used[s] || dn_node_get_attr_int (ided->pdata[s], DN_ATTR_LEVEL, 0) !=
                         json_object_get_int_member_with_default (e, "level", 0))
        continue;
      char *sk = dn_text_title_key (dn_node_get_attr (ided->pdata[s], DN_ATTR_TITLE));
      if (strcmp (sk, tk) == 0)
        found = (int) s;
      g_free (sk);
    }
    if (found >= 0)
      last_found = found;
    if (found >= 0) {
      used[found] = TRUE;
      json_object_set_string_member (e, "section_id", dn_node_get_attr (ided->pdata[found], DN_ATTR_ID));
    } else {
      json_object_set_null_member (e, "section_id");
      dn_document_add_warning (doc, "TOC_ENTRY_UNMATCHED", 0, "TOC entry '%s%s' (page %d) has no matching heading",
                               label != NULL ? label : "", title, (int) json_object_get_int_member (e, "printed_page"));
    }
    g_free (tk);
  }
  for (guint s = 0; s < ided->len; s++)
    if (!used[s] && dn_node_get_attr_int (ided->pdata[s], DN_ATTR_LEVEL, 0) == 1)
      dn_document_add_warning (doc, "HEADING_NOT_IN_TOC", dn_node_get_hints (ided->pdata[s])->page,
                               "top-level heading '%s%s' is not in the TOC",
                               dn_node_get_attr (ided->pdata[s], DN_ATTR_LABEL),
                               dn_node_get_attr (ided->pdata[s], DN_ATTR_TITLE));
  g_free (used);
  g_ptr_array_free (ided, TRUE);
}

/* Fingerprints of the extraction the text went through. */
static void
fingerprints (DnDocument *doc, JsonObject *report)
{
  char *all = dn_node_collect_text (dn_document_get_root (doc));
  guint ascii_comma_after_han = 0, fw_comma = 0, pua = 0;
  gunichar prev = 0;
  for (const char *p = all; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (c == ',' && dn_text_is_han (prev))
      ascii_comma_after_han++;
    fw_comma += c == 0xFF0C;
    pua += c >= 0xE000 && c <= 0xF8FF;
    prev = c;
  }
  if (ascii_comma_after_han >= 20 && fw_comma == 0)
    dn_document_add_warning (doc, "NFKC_FOLDED", 0,
                             "full-width punctuation was folded to ASCII (%u ',' after Han, no '，'): text was NFKC-normalised",
                             ascii_comma_after_han);
  if (pua > 0)
    dn_document_add_warning (doc, "PUA_BULLET", 0, "%u private-use (Wingdings) character(s) read as bullets", pua);
  if ((strstr (all, "詳附件") != NULL || strstr (all, "如附件") != NULL) &&
      json_array_get_length (json_object_get_array_member (report, "appendices")) == 0)
    dn_document_add_warning (doc, "MISSING_REFERENCED_ATTACHMENT", 0, "the text refers to an attachment (附件) that is not included");
  g_free (all);

  /* Ends on a heading with nothing under it: the text was cut off. */
  DnNode *last = dn_node_last_child (dn_document_get_root (doc));
  while (last != NULL && dn_node_get_node_type (last) == DN_NODE_SECTION && dn_node_last_child (last) != NULL)
    last = dn_node_last_child (last);
  if (last != NULL && dn_node_get_node_type (last) == DN_NODE_HEADING && dn_node_previous (last) == NULL &&
      dn_node_get_attr (last, DN_ATTR_ROLE) == NULL)
    dn_document_add_warning (doc, "TRUNCATED_DOCUMENT", dn_node_get_hints (last)->page,
                             "the text ends with the heading '%s' and nothing under it", dn_node_get_text (last));
}

void
dn_profile_body (DnDocument *doc, JsonObject *report)
{
  figures (doc, report);
  tables (doc, report);
  appendices (doc, report);
  toc_check (doc, report);
  fingerprints (doc, report);
}
