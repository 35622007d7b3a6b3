/* The TOC (目錄) and the figure and table lists: entry lines, levels
 * from the marker-type stack, and the DN_NODE_TOC that replaces them. */
#include <string.h>

#include "dn-report-private.h"
#include "../dn-vocab.h"

/* A TOC line: ends with a printed page number after a tab, a dot leader or
 * spaces. Returns the page, or -1. @title_end receives where the title
 * part ends (before leaders). */
static int toc_line_page_full (const char *t, gsize *title_end, gboolean lenient);

int
dn_report_toc_line_page (const char *t, gsize *title_end)
{
  return toc_line_page_full (t, title_end, FALSE);
}

/* @lenient: inside a TOC a space before the page number is leader enough
 * (PDF text has no tabs). */
static int
toc_line_page_full (const char *t, gsize *title_end, gboolean lenient)
{
  gsize n = strlen (t);
  while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
    n--;
  gsize d = n;
  while (d > 0 && g_ascii_isdigit (t[d - 1]) && n - d < 4)
    d--;
  if (d == n || n - d > 3 || d == 0)
    return -1;
  gsize e = d;
  gboolean leader = FALSE;
  while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '.')) {
    leader |= t[e - 1] == '\t' || t[e - 1] == '.' || lenient;
    e--;
  }
  /* "…" leaders */
  while (e >= 3 && memcmp (t + e - 3, "\xE2\x80\xA6", 3) == 0) {
    leader = TRUE;
    e -= 3;
    while (e > 0 && (t[e - 1] == ' ' || t[e - 1] == '.'))
      e--;
  }
  if (!leader || e == 0)
    return -1;
  *title_end = e;
  return (int) g_ascii_strtoll (t + d, NULL, 10);
}

static JsonObject *
toc_entry (DnDocument *doc, const char *raw, gboolean figure)
{
  gsize title_end = 0;
  int page = toc_line_page_full (raw, &title_end, TRUE);
  if (page < 0)
    return NULL;
  char *head = g_strndup (raw, title_end);
  JsonObject *e = json_object_new ();
  if (figure) {
    GMatchInfo *mi;
    static GRegex *re = NULL;
    if (g_once_init_enter (&re)) {
      GRegex *r = g_regex_new ("^\\s*[圖表]\\s*(\\d+)\\s*[:：.、]?\\s*(.*)$", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&re, r);
    }
    if (g_regex_match (re, head, 0, &mi)) {
      char *num = g_match_info_fetch (mi, 1), *cap = g_match_info_fetch (mi, 2);
      char *capc = dn_report_clean_value (cap);
      json_object_set_int_member (e, "number", g_ascii_strtoll (num, NULL, 10));
      json_object_set_string_member (e, "caption", capc);
      g_free (num);
      g_free (cap);
      g_free (capc);
    } else {
      char *c = dn_report_clean_value (head);
      json_object_set_null_member (e, "number");
      json_object_set_string_member (e, "caption", c);
      g_free (c);
    }
    g_match_info_free (mi);
  } else {
    DnMarker m;
    if (dn_marker_parse (head, &m)) {
      json_object_set_string_member (e, "label", m.label);
      json_object_set_string_member (e, "marker_type", dn_marker_type_name (m.type));
      char *t = dn_report_clean_value (head + m.rest_offset);
      json_object_set_string_member (e, "title", t);
      g_free (t);
      json_object_set_int_member (e, "_value", m.value);
      json_object_set_boolean_member (e, "_ocr", m.ocr_suspect);
    } else {
      char *t = dn_report_clean_value (head);
      json_object_set_null_member (e, "label");
      json_object_set_null_member (e, "marker_type");
      json_object_set_string_member (e, "title", t);
      g_free (t);
    }
    dn_marker_clear (&m);
  }
  json_object_set_int_member (e, "printed_page", page);
  char *r = dn_text_trim (raw);
  json_object_set_string_member (e, "raw", r);
  g_free (r);
  g_free (head);
  (void) doc;
  return e;
}

/* Levels from the marker-type stack; OCR-garbled labels renumbered. */
void
dn_report_toc_levels (DnDocument *doc, JsonArray *entries)
{
  char *stack[16];
  int top = 0;
  char *last_type = NULL;
  int last_value = 0;
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    const char *type = json_object_get_string_member_with_default (e, "marker_type", NULL);
    if (type == NULL) {
      json_object_set_int_member (e, "level", 1);
      continue;
    }
    int found = -1;
    for (int s = 0; s < top; s++)
      if (strcmp (stack[s], type) == 0)
        found = s;
    if (found >= 0)
      top = found + 1;
    else if (top < 16)
      stack[top++] = (char *) type;
    json_object_set_int_member (e, "level", top);
    int value = (int) json_object_get_int_member_with_default (e, "_value", 0);
    if (json_object_get_boolean_member_with_default (e, "_ocr", FALSE)) {
      int fixed = last_type != NULL && strcmp (last_type, type) == 0 ? last_value + 1 : 1;
      if (value != fixed) {
        static const char *const units[] = { "", "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖", "拾" };
        if (fixed >= 1 && fixed <= 10) {
          char *label = g_strconcat (units[fixed], "、", NULL);
          dn_document_add_warning (doc, "OCR_GLYPH_SUSPECT", 0, "TOC entry '%s': label read as %s",
                                   json_object_get_string_member (e, "raw"), label);
          json_object_set_string_member (e, "label", label);
          g_free (label);
          value = fixed;
        }
      }
    }
    last_type = (char *) type;
    last_value = value;
    json_object_remove_member (e, "_value");
    json_object_remove_member (e, "_ocr");
  }
  for (guint i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    json_object_remove_member (e, "_value");
    json_object_remove_member (e, "_ocr");
  }
}

/* Replaces the entry lines [first, last] by one DN_NODE_TOC. */
DnNode *
dn_report_toc_node (DnNode *label, DnNode *first_entry, DnNode *last, JsonArray *entries, gboolean figure)
{
  DnNode *toc = dn_node_new (DN_NODE_TOC);
  char *t = dn_report_node_trimmed (label);
  dn_node_set_attr (toc, DN_ATTR_TITLE, t);
  g_free (t);
  if (figure)
    dn_node_set_attr (toc, DN_ATTR_ROLE, "figure_list");
  dn_node_hints (toc)->page = dn_node_get_hints (label)->page;
  dn_node_insert_before (label, toc);
  guint i = 0;
  DnNode *n = first_entry;
  DnNode *keep_after = toc;
  while (n != NULL) {
    DnNode *next = dn_node_next (n);
    gboolean end = n == last;
    if (dn_node_get_node_type (n) == DN_NODE_FURNITURE) {
      /* Page furniture between TOC pages stays, after the TOC. */
      dn_node_insert_after (keep_after, n);
      keep_after = n;
    } else {
      dn_node_free (n);
    }
    if (end)
      break;
    n = next;
  }
  dn_node_free (label);
  for (i = 0; i < json_array_get_length (entries); i++) {
    JsonObject *e = json_array_get_object_element (entries, i);
    DnNode *en = dn_node_append_new (toc, DN_NODE_TOC_ENTRY);
    if (figure) {
      dn_node_set_text (en, json_object_get_string_member (e, "caption"));
      if (!json_object_get_null_member (e, "number"))
        dn_node_set_attr_int (en, DN_ATTR_NUMBER, json_object_get_int_member (e, "number"));
    } else {
      dn_node_set_text (en, json_object_get_string_member (e, "title"));
      const char *l = json_object_get_string_member_with_default (e, "label", NULL);
      if (l != NULL)
        dn_node_set_attr (en, DN_ATTR_LABEL, l);
      dn_node_set_attr_int (en, DN_ATTR_LEVEL, json_object_get_int_member (e, "level"));
    }
    dn_node_set_attr_int (en, DN_ATTR_PRINTED_PAGE, json_object_get_int_member (e, "printed_page"));
  }
  return toc;
}

/* Reads entries after @label; returns the last entry node (or NULL). */
/* A reader's TOC (a DOCX TOC field): entries with printed pages. */
void
dn_report_toc_read_reader (DnDocument *doc, DnNode *toc, JsonArray *entries, gboolean figure)
{
  for (DnNode *c = dn_node_first_child (toc); c != NULL; c = dn_node_next (c)) {
    gint64 page = dn_node_get_attr_int (c, DN_ATTR_PRINTED_PAGE, -1);
    char *t = dn_analysis_printed_text (c);
    char *raw = page >= 0 ? g_strdup_printf ("%s\t%" G_GINT64_FORMAT, t, page) : g_strdup (t);
    JsonObject *e = toc_entry (doc, raw, figure);
    if (e != NULL)
      json_array_add_object_element (entries, e);
    g_free (raw);
    g_free (t);
  }
}

DnNode *
dn_report_toc_read (DnDocument *doc, DnNode *label, JsonArray *entries, gboolean figure)
{
  DnNode *last = NULL;
  for (DnNode *n = dn_node_next (label); n != NULL; n = dn_node_next (n)) {
    if (dn_node_get_node_type (n) == DN_NODE_TOC) {
      dn_report_toc_read_reader (doc, n, entries, figure);
      last = n;
      break;
    }
    DnNodeType type = dn_node_get_node_type (n);
    if (type == DN_NODE_FURNITURE)
      continue; /* a page footer between two TOC pages */
    if ((type != DN_NODE_PARAGRAPH && type != DN_NODE_HEADING && type != DN_NODE_TABLE) ||
        (type != DN_NODE_TABLE && dn_node_get_text (n) == NULL))
      break;
    /* A PDF reader may see part of the TOC as a grid: one entry per row. */
    char *t = dn_analysis_printed_text (n);
    char **lines = g_strsplit (t, "\n", -1);
    g_free (t);
    gboolean all = lines[0] != NULL;
    GPtrArray *got = g_ptr_array_new ();
    for (guint i = 0; lines[i] != NULL && all; i++) {
      JsonObject *e = toc_entry (doc, lines[i], figure);
      if (e == NULL)
        all = FALSE;
      else
        g_ptr_array_add (got, e);
    }
    g_strfreev (lines);
    for (guint i = 0; i < got->len; i++) {
      if (all)
        json_array_add_object_element (entries, got->pdata[i]);
      else
        json_object_unref (got->pdata[i]);
    }
    g_ptr_array_free (got, TRUE);
    if (!all)
      break;
    last = n;
  }
  return last;
}
