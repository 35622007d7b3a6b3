/* The report profile: the front matter of a 出國報告 (cover, APEC summary
 * sheet, 摘要, 目錄, 圖目錄) is recognised here, wrapped in sections, and
 * the report fields read off it put in one object in a fixed order; the
 * parts are read in dn-report-cover.c, -sheet.c, -toc.c. Works on the
 * line-level paragraphs dn-reflow.c leaves, whatever reader made them. */
#include <string.h>

#include "dn-report-private.h"
#include "../dn-vocab.h"

static gboolean
key_is (DnNode *n, const char *const *labels)
{
  if (dn_node_get_node_type (n) != DN_NODE_PARAGRAPH && dn_node_get_node_type (n) != DN_NODE_HEADING)
    return FALSE;
  char *t = dn_analysis_printed_text (n);
  char *k = dn_text_title_key (t);
  g_free (t);
  gboolean yes = FALSE;
  for (guint i = 0; labels[i] != NULL && !yes; i++)
    yes = strcmp (k, labels[i]) == 0;
  g_free (k);
  return yes;
}

static const char *const abstract_labels[] = { "摘要", "摘要:", "中文摘要", NULL };
static const char *const toc_labels[] = { "目錄", "目次", "目錄:", NULL };
static const char *const figure_list_labels[] = { "圖目錄", "圖次", "圖目次", NULL };
static const char *const table_list_labels[] = { "表目錄", "表次", "表目次", NULL };

static gboolean
is_level1_heading (DnNode *n)
{
  DnNodeType type = dn_node_get_node_type (n);
  if (type != DN_NODE_PARAGRAPH && type != DN_NODE_HEADING)
    return FALSE;
  char *t = dn_analysis_printed_text (n);
  gsize te;
  DnMarker m;
  gboolean yes = FALSE;
  if (dn_report_toc_line_page (t, &te) < 0 && dn_marker_parse (t, &m)) {
    if (m.type == DN_MARKER_ZH_FORMAL && !m.ocr_suspect)
      yes = g_utf8_strlen (t + m.rest_offset, -1) <= 30 && strstr (t, "。") == NULL;
    dn_marker_clear (&m);
  }
  g_free (t);
  return yes;
}

static gboolean
is_sheet_title (DnNode *n)
{
  const char *t = dn_node_get_text (n);
  if (t == NULL || g_utf8_strlen (t, -1) > 60 || dn_node_get_node_type (n) == DN_NODE_TABLE)
    return FALSE;
  return strstr (t, "摘要表") != NULL || strstr (t, "簡要報告") != NULL;
}

static gboolean
is_stop (DnNode *n)
{
  return key_is (n, abstract_labels) || key_is (n, toc_labels) || key_is (n, figure_list_labels) ||
         is_sheet_title (n) || is_level1_heading (n) || dn_report_narrative_key (n) != NULL;
}

/* Wraps the nodes [first, last] in a new section with @part; returns it. */
static DnNode *
wrap_front (DnNode *first, DnNode *last, const char *part, const char *title)
{
  DnNode *sec = dn_node_new (DN_NODE_SECTION);
  dn_node_set_attr (sec, DN_ATTR_CANONICAL_PART, part);
  if (title != NULL)
    dn_node_set_attr (sec, DN_ATTR_TITLE, title);
  dn_node_hints (sec)->page = dn_node_get_hints (first)->page;
  dn_node_insert_before (first, sec);
  DnNode *n = first;
  while (n != NULL) {
    DnNode *next = dn_node_next (n);
    gboolean end = n == last;
    dn_node_append_child (sec, n);
    if (end)
      break;
    n = next;
  }
  return sec;
}

/* ------------------------------------------------------------ front matter */

/* The report member of a front-matter part that starts at the label
 * paragraph @heading: "heading_raw" is the label as printed. */
static JsonObject *
front_part_new (DnNode *heading)
{
  JsonObject *o = json_object_new ();
  char *h = dn_report_node_trimmed (heading);
  json_object_set_string_member (o, "heading_raw", h);
  g_free (h);
  return o;
}

static void
set_or_null_string (JsonObject *o, const char *key, const char *v)
{
  if (v != NULL)
    json_object_set_string_member (o, key, v);
  else
    json_object_set_null_member (o, key);
}

static void
set_or_null_object (JsonObject *o, const char *key, JsonObject *v)
{
  if (v != NULL)
    json_object_set_object_member (o, key, v);
  else
    json_object_set_null_member (o, key);
}

static DnNode *
first_text (DnNode *n)
{
  while (n != NULL && dn_node_get_node_type (n) != DN_NODE_PARAGRAPH && dn_node_get_node_type (n) != DN_NODE_HEADING &&
         dn_node_get_node_type (n) != DN_NODE_TABLE && dn_node_get_node_type (n) != DN_NODE_TOC)
    n = dn_node_next (n);
  return n;
}

JsonObject *
dn_profile_front_matter (DnDocument *doc, DnNode **body_start, GPtrArray *toc_keys)
{
  DnNode *root = dn_document_get_root (doc);
  JsonObject *report = json_object_new ();
  DnReportCover c = { 0 };
  c.title_lines = g_ptr_array_new_with_free_func (g_free);
  c.organizations = json_array_new ();
  c.travellers = json_array_new ();
  c.destinations = json_array_new ();
  JsonObject *sheet = NULL, *abstract = NULL, *toc = NULL;
  JsonArray *figure_list = json_array_new ();
  char *title = NULL;

  DnNode *n = first_text (dn_node_first_child (root));
  /* Cover: from the start up to the first front-matter label or heading. */
  if (n != NULL && !is_stop (n)) {
    DnNode *first = n, *last = n;
    for (DnNode *m = n; m != NULL && !is_stop (m); m = dn_node_next (m))
      last = m;
    dn_report_cover_parse (doc, first, last, &c);
    if (c.found) {
      n = dn_node_next (last);
      wrap_front (first, last, "cover", NULL);
    }
  }
  if (c.title_lines->len > 0) {
    JsonArray *lines = json_array_new ();
    GString *acc = g_string_new (NULL);
    for (guint i = 0; i < c.title_lines->len; i++) {
      json_array_add_string_element (lines, c.title_lines->pdata[i]);
      dn_text_join_into (acc, c.title_lines->pdata[i]);
    }
    title = dn_text_remove_cjk_spaces (acc->str, NULL);
    g_string_free (acc, TRUE);
    json_object_set_array_member (report, "title_raw_lines", lines);
  }

  /* Then, in any order: summary sheet, abstract, TOC, figure list. */
  for (;;) {
    n = first_text (n);
    if (n == NULL)
      break;
    if (is_sheet_title (n) && sheet == NULL) {
      DnNode *last = n;
      for (DnNode *m = dn_node_next (n); m != NULL; m = dn_node_next (m)) {
        if (key_is (m, abstract_labels) || key_is (m, toc_labels) || is_level1_heading (m))
          break;
        last = m;
      }
      sheet = dn_report_sheet_parse (doc, n, last);
      DnNode *after = dn_node_next (last);
      wrap_front (n, last, "summary_sheet", json_object_get_string_member (sheet, "title"));
      n = after;
    } else if (key_is (n, abstract_labels) && abstract == NULL) {
      abstract = front_part_new (n);
      JsonArray *paras = json_array_new ();
      DnNode *last = n;
      guint han = 0;
      char *tkey = title != NULL ? dn_text_title_key (title) : NULL;
      for (DnNode *m = dn_node_next (n); m != NULL && !is_stop (m); m = dn_node_next (m)) {
        last = m;
        if (dn_node_get_node_type (m) != DN_NODE_PARAGRAPH || dn_node_get_text (m) == NULL)
          continue;
        char *mk = dn_text_title_key (dn_node_get_text (m));
        gboolean running_title = tkey != NULL && *tkey != '\0' && g_str_has_prefix (mk, tkey) &&
                                 g_utf8_strlen (mk, -1) < g_utf8_strlen (tkey, -1) + 12;
        g_free (mk);
        if (running_title) {
          /* The title repeated as a page header (000:25). */
          dn_node_set_node_type (m, DN_NODE_FURNITURE);
          dn_node_set_attr (m, DN_ATTR_ROLE, "header");
          continue;
        }
        char *p = dn_report_clean_value (dn_node_get_text (m));
        dn_node_set_text (m, p);
        han += dn_text_count_han (p);
        json_array_add_string_element (paras, p);
        g_free (p);
      }
      g_free (tkey);
      json_object_set_array_member (abstract, "paragraphs", paras);
      json_object_set_int_member (abstract, "cjk_char_count", han);
      DnNode *after = dn_node_next (last);
      DnNode *sec = wrap_front (n, last, "abstract", json_object_get_string_member (abstract, "heading_raw"));
      dn_node_set_node_type (dn_node_first_child (sec), DN_NODE_HEADING);
      n = after;
    } else if (key_is (n, toc_labels) && toc == NULL) {
      toc = front_part_new (n);
      JsonArray *entries = json_array_new ();
      DnNode *last = dn_report_toc_read (doc, n, entries, FALSE);
      dn_report_toc_levels (doc, entries);
      json_object_set_array_member (toc, "entries", entries);
      DnNode *after = last != NULL ? dn_node_next (last) : dn_node_next (n);
      dn_report_toc_node (n, last != NULL ? dn_node_next (n) : NULL, last, entries, FALSE);
      n = after;
    } else if (dn_node_get_node_type (n) == DN_NODE_TOC && toc == NULL) {
      /* A reader's TOC with no label paragraph before it. */
      toc = json_object_new ();
      const char *toc_title = dn_node_get_attr (n, DN_ATTR_TITLE);
      gboolean titled = toc_title != NULL;
      json_object_set_string_member (toc, "heading_raw", titled ? toc_title : "");
      JsonArray *entries = json_array_new ();
      dn_report_toc_read_reader (doc, n, entries, FALSE);
      dn_report_toc_levels (doc, entries);
      json_object_set_array_member (toc, "entries", entries);
      DnNode *after = dn_node_next (n);
      DnNode *t = dn_report_toc_node (n, NULL, NULL, entries, FALSE);
      if (titled)
        dn_node_set_attr (t, DN_ATTR_TITLE, json_object_get_string_member (toc, "heading_raw"));
      n = after;
    } else if (key_is (n, figure_list_labels) || key_is (n, table_list_labels)) {
      gboolean tables = key_is (n, table_list_labels);
      JsonArray *entries = tables ? json_array_new () : json_array_ref (figure_list);
      DnNode *last = dn_report_toc_read (doc, n, entries, TRUE);
      DnNode *after = last != NULL ? dn_node_next (last) : dn_node_next (n);
      DnNode *t = dn_report_toc_node (n, last != NULL ? dn_node_next (n) : NULL, last, entries, TRUE);
      if (tables) {
        dn_node_set_attr (t, DN_ATTR_ROLE, "table_list");
        json_object_set_array_member (report, "table_list", entries);
      } else {
        json_array_unref (entries);
      }
      n = after;
    } else {
      break;
    }
  }
  *body_start = n;

  /* Narrative summary sheet (002): label rows anywhere in the text. */
  if (sheet == NULL)
    sheet = dn_report_sheet_narrative (n);

  /* The report object, in a fixed member order. */
  const char *kind = c.found ? "standard"
                     : sheet != NULL && strcmp (json_object_get_string_member (sheet, "layout"), "classic10") == 0
                         ? "apec_summary_classic10"
                     : sheet != NULL ? "apec_summary_narrative"
                                     : "fragment";
  json_object_set_string_member (report, "kind", kind);
  set_or_null_string (report, "cover_header_raw", c.header_raw);
  if (c.category_raw != NULL) {
    JsonObject *cat = json_object_new ();
    const char *norm = dn_report_category_normalise (c.category_raw);
    json_object_set_string_member (cat, "raw", c.category_raw);
    json_object_set_string_member (cat, "normalized", norm);
    json_object_set_object_member (report, "category", cat);
    if (strcmp (norm, c.category_raw) != 0 && strcmp (norm, "其他") == 0)
      dn_document_add_warning (doc, "CATEGORY_UNKNOWN", 0, "出國類別 '%s' names none of the nine categories: read as 其他",
                               c.category_raw);
    else if (strcmp (norm, c.category_raw) != 0)
      dn_document_add_warning (doc, "CATEGORY_NORMALIZED", 0, "出國類別 '%s' read as %s", c.category_raw, norm);
  } else {
    json_object_set_null_member (report, "category");
  }
  if (title == NULL && sheet != NULL && json_object_has_member (sheet, "meeting_name"))
    title = g_strdup (json_object_get_string_member (sheet, "meeting_name"));
  set_or_null_string (report, "title", title);
  if (!json_object_has_member (report, "title_raw_lines"))
    json_object_set_array_member (report, "title_raw_lines", json_array_new ());
  /* Move title_raw_lines after title. */
  JsonNode *trl = json_node_copy (json_object_get_member (report, "title_raw_lines"));
  json_object_remove_member (report, "title_raw_lines");
  json_object_set_member (report, "title_raw_lines", trl);
  json_object_set_array_member (report, "organizations", c.organizations);
  if (json_array_get_length (c.travellers) == 0 && sheet != NULL && json_object_has_member (sheet, "delegation")) {
    JsonArray *d = json_object_get_array_member (sheet, "delegation");
    for (guint i = 0; i < json_array_get_length (d); i++) {
      JsonObject *t = json_array_get_object_element (d, i);
      json_array_add_element (c.travellers, json_node_copy (json_array_get_element (d, i)));
      if (!json_object_get_null_member (t, "organization"))
        dn_report_orgs_add (c.organizations, json_object_get_string_member (t, "organization"));
    }
  }
  json_object_set_array_member (report, "travellers", c.travellers);
  set_or_null_string (report, "travellers_raw", c.travellers_raw);
  if (json_array_get_length (c.destinations) == 0 && sheet != NULL && json_object_has_member (sheet, "venue")) {
    json_array_unref (c.destinations);
    c.destinations = dn_report_destinations_parse (json_object_get_string_member (sheet, "venue"));
  }
  json_object_set_array_member (report, "destinations", c.destinations);
  if (c.period == NULL && sheet != NULL && json_object_has_member (sheet, "meeting_dates"))
    c.period = json_object_ref (json_object_get_object_member (sheet, "meeting_dates"));
  set_or_null_object (report, "period", c.period);
  set_or_null_object (report, "report_date", c.report_date);
  set_or_null_object (report, "summary_sheet", sheet);
  set_or_null_object (report, "abstract", abstract);
  set_or_null_object (report, "toc", toc);
  json_object_set_array_member (report, "figure_list", figure_list);
  if (!json_object_has_member (report, "table_list"))
    json_object_set_array_member (report, "table_list", json_array_new ());

  if (!c.found) {
    dn_document_add_warning (doc, "NO_COVER", 0, "no cover page (出國報告 / 服務機關 / 出國期間) found");
    if (sheet == NULL || strcmp (json_object_get_string_member (sheet, "layout"), "narrative") == 0)
      dn_document_add_warning (doc, "FRAGMENT", 0, "the text looks like part of a report only");
  } else {
    const char *missing[6];
    guint nm = 0;
    if (title == NULL)
      missing[nm++] = "title";
    if (c.category_raw == NULL)
      missing[nm++] = "category";
    if (json_array_get_length (c.travellers) == 0)
      missing[nm++] = "travellers";
    if (json_array_get_length (c.destinations) == 0)
      missing[nm++] = "destinations";
    if (c.period == NULL)
      missing[nm++] = "period";
    if (c.report_date == NULL)
      missing[nm++] = "report_date";
    for (guint i = 0; i < nm; i++)
      dn_document_add_warning (doc, "MISSING_FIELD", 0, "cover field '%s' not found", missing[i]);
  }

  if (toc != NULL && toc_keys != NULL) {
    JsonArray *entries = json_object_get_array_member (toc, "entries");
    for (guint i = 0; i < json_array_get_length (entries); i++) {
      JsonObject *e = json_array_get_object_element (entries, i);
      const char *l = json_object_get_string_member_with_default (e, "label", NULL);
      const char *t = json_object_get_string_member (e, "title");
      g_ptr_array_add (toc_keys, dn_text_title_key (t));
      if (l != NULL) {
        char *both = g_strconcat (l, t, NULL);
        g_ptr_array_add (toc_keys, dn_text_title_key (both));
        g_free (both);
      }
    }
  }

  g_free (c.header_raw);
  g_free (c.category_raw);
  g_free (c.travellers_raw);
  g_free (c.unit);
  g_ptr_array_free (c.title_lines, TRUE);
  g_free (title);
  return report;
}
