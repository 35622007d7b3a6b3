/* The review page's report form: the report fields a reviewer checks
 * against the cover, under the cover's Chinese labels, then the other report
 * members; and where each warning points on the page. */
#include "dn-review.h"

#include <string.h>

/* The report fields a reviewer checks against the cover, with the labels the
 * cover prints (docs/RECORD.md); "f-<member>" anchors. Members not listed
 * here follow as a generic table. */
static const struct {
  const char *member, *zh;
} form_fields[] = {
  { "kind", "報告類型" },
  { "title", "計畫名稱／報告名稱" },
  { "category", "出國類別" },
  { "travellers", "出國人員" },
  { "organizations", "服務機關" },
  { "destinations", "出國地區（派赴國家）" },
  { "period", "出國期間" },
  { "report_date", "報告日期" },
  { "abstract", "摘要" },
  { "toc", "目次" },
};

static void
append_missing (GString *out)
{
  g_string_append (out, "<span class=\"missing\">未填 · missing</span>");
}

/* A date range as "raw → start … end". */
static void
append_date_range (GString *out, JsonObject *d)
{
  g_string_append (out, "<span class=\"raw\">");
  dn_review_append_escaped (out, dn_record_get_string (d, "raw"));
  g_string_append (out, "</span> → ");
  const char *start = dn_record_get_string (d, "start"), *end = dn_record_get_string (d, "end");
  if (start == NULL) {
    append_missing (out);
    return;
  }
  g_string_append (out, "<span class=\"iso\">");
  dn_review_append_escaped (out, start);
  if (end != NULL) {
    g_string_append (out, " … ");
    dn_review_append_escaped (out, end);
  }
  g_string_append (out, "</span>");
}

static void
append_travellers (GString *out, JsonArray *a)
{
  g_string_append (out, "<table id=\"travellers\"><tr><th>姓名 name</th><th>職稱 title</th>"
                        "<th>服務機關 organization</th></tr>");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *t = json_array_get_object_element (a, i);
    static const char *const cols[] = { "name", "title", "organization" };
    g_string_append (out, "<tr>");
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++) {
      g_string_append (out, "<td>");
      const char *v = dn_record_get_string (t, cols[c]);
      if (v != NULL)
        dn_review_append_escaped (out, v);
      else
        append_missing (out);
      g_string_append (out, "</td>");
    }
    g_string_append (out, "</tr>");
  }
  g_string_append (out, "</table>");
}

static void
append_form_value (GString *out, const char *member, JsonNode *v)
{
  if (v == NULL || JSON_NODE_HOLDS_NULL (v) ||
      (JSON_NODE_HOLDS_ARRAY (v) && json_array_get_length (json_node_get_array (v)) == 0)) {
    append_missing (out);
    return;
  }
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (v) ? json_node_get_object (v) : NULL;
  JsonArray *a = JSON_NODE_HOLDS_ARRAY (v) ? json_node_get_array (v) : NULL;
  if (o != NULL && (strcmp (member, "period") == 0 || strcmp (member, "report_date") == 0)) {
    append_date_range (out, o);
  } else if (o != NULL && strcmp (member, "category") == 0) {
    g_string_append (out, "<span class=\"raw\">");
    dn_review_append_escaped (out, dn_record_get_string (o, "raw"));
    g_string_append (out, "</span> → ");
    dn_review_append_escaped (out, dn_record_get_string (o, "normalized"));
  } else if (a != NULL && strcmp (member, "travellers") == 0) {
    append_travellers (out, a);
  } else if (a != NULL && (strcmp (member, "organizations") == 0 || strcmp (member, "destinations") == 0)) {
    for (guint i = 0; i < json_array_get_length (a); i++) {
      JsonObject *e = json_array_get_object_element (a, i);
      if (i > 0)
        g_string_append (out, "、");
      dn_review_append_escaped (out, dn_record_get_string (e, strcmp (member, "organizations") == 0 ? "name" : "raw"));
    }
  } else if (o != NULL && strcmp (member, "abstract") == 0) {
    JsonArray *paras = dn_record_get_array (o, "paragraphs");
    g_string_append_printf (out, "%u paragraph(s), %" G_GINT64_FORMAT " Han characters (the rule asks for 200–300)",
                            paras != NULL ? json_array_get_length (paras) : 0, dn_record_get_int (o, "cjk_char_count", 0));
  } else if (o != NULL && strcmp (member, "toc") == 0) {
    JsonArray *entries = dn_record_get_array (o, "entries");
    dn_review_append_escaped (out, dn_record_get_string (o, "heading_raw"));
    g_string_append_printf (out, ": %u entries", entries != NULL ? json_array_get_length (entries) : 0);
  } else {
    dn_review_append_value (out, v, 0);
  }
}

static gboolean
is_form_field (const char *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    if (strcmp (form_fields[i].member, member) == 0)
      return TRUE;
  return FALSE;
}

void
dn_review_report_form (GString *out, JsonNode *report)
{
  g_string_append (out, "<section id=\"report\"><h2>報告欄位 · Report fields</h2>");
  if (report == NULL || !JSON_NODE_HOLDS_OBJECT (report)) {
    g_string_append (out, "<p class=\"null\">none</p></section>\n");
    return;
  }
  JsonObject *r = json_node_get_object (report);
  g_string_append (out, "<table class=\"kv form\">");
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++) {
    const char *m = form_fields[i].member;
    g_string_append_printf (out, "<tr id=\"f-%s\"><th><span class=\"zh\">%s</span><span class=\"key\">%s</span></th><td>",
                            m, form_fields[i].zh, m);
    append_form_value (out, m, json_object_has_member (r, m) ? json_object_get_member (r, m) : NULL);
    g_string_append (out, "</td></tr>");
  }
  g_string_append (out, "</table>\n<h3>Other report members</h3><table class=\"kv\">");
  GList *names = json_object_get_members (r);
  for (GList *l = names; l != NULL; l = l->next) {
    if (is_form_field (l->data))
      continue;
    g_string_append (out, "<tr><th>");
    dn_review_append_escaped (out, l->data);
    g_string_append (out, "</th><td>");
    dn_review_append_value (out, json_object_get_member (r, l->data), 1);
    g_string_append (out, "</td></tr>");
  }
  g_list_free (names);
  g_string_append (out, "</table></section>\n");
}

/* Where a warning points: its page's first block when the body has one,
 * else the report field its code is about. NULL: nowhere on the page. */
char *
dn_review_warning_anchor (JsonObject *w, GHashTable *anchored_pages)
{
  gint64 page = dn_record_get_int (w, "page", 0);
  if (page > 0 && g_hash_table_contains (anchored_pages, GINT_TO_POINTER ((int) MIN (page, G_MAXINT))))
    return g_strdup_printf ("page-%" G_GINT64_FORMAT, page);
  static const struct {
    const char *code, *anchor;
  } by_code[] = {
    { "TRAVELLER_SPLIT_HEURISTIC", "f-travellers" }, { "CATEGORY_NORMALIZED", "f-category" },
    { "DATE_UNPARSED", "f-period" },                 { "MISSING_FIELD", "report" },
    { "COVER_LINE_UNPARSED", "report" },             { "NO_COVER", "f-kind" },
    { "FRAGMENT", "f-kind" },                        { "TOC_ENTRY_UNMATCHED", "f-toc" },
    { "HEADING_NOT_IN_TOC", "outline" },             { "FIGURE_NOT_IN_LIST", "report" },
    { "FIGURE_LIST_UNMATCHED", "report" },           { "FIGURE_SOURCE_ORDER", "report" },
  };
  const char *code = dn_record_get_string (w, "code");
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (by_code); i++)
    if (strcmp (by_code[i].code, code) == 0)
      return g_strdup (by_code[i].anchor);
  return NULL;
}
