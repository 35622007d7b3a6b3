/* HTML pieces of the review page: escaped text, and record values (scalars,
 * objects as two-column tables, arrays as lists) for the sections that show
 * the record as it is (metadata, source, report members without a form
 * row). */
#include "dn-review.h"

/* ---- escaping ---- */

void
dn_review_append_escaped (GString *out, const char *text)
{
  if (text == NULL)
    return;
  char *e = g_markup_escape_text (text, -1);
  g_string_append (out, e);
  g_free (e);
}

/* Text with line breaks kept as <br>. */
void
dn_review_append_escaped_lines (GString *out, const char *text)
{
  char **lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    if (l != lines)
      g_string_append (out, "<br>");
    dn_review_append_escaped (out, *l);
  }
  g_strfreev (lines);
}

/* ---- record values ---- */

/* A scalar as text; TRUE when @v was a scalar. */
static gboolean
append_scalar (GString *out, JsonNode *v)
{
  if (v == NULL || JSON_NODE_HOLDS_NULL (v)) {
    g_string_append (out, "<span class=\"null\">—</span>");
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_VALUE (v))
    return FALSE;
  GType t = json_node_get_value_type (v);
  if (t == G_TYPE_STRING)
    dn_review_append_escaped_lines (out, json_node_get_string (v));
  else if (t == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (v));
  else if (t == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (v) ? "yes" : "no");
  else if (t == G_TYPE_DOUBLE) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (v)));
  }
  return TRUE;
}

/* An object as a two-column table, members in record order. */
static void
append_object_table (GString *out, JsonObject *o, guint depth)
{
  g_string_append (out, "<table class=\"kv\">");
  GList *names = json_object_get_members (o);
  for (GList *l = names; l != NULL; l = l->next) {
    g_string_append (out, "<tr><th>");
    dn_review_append_escaped (out, l->data);
    g_string_append (out, "</th><td>");
    dn_review_append_value (out, json_object_get_member (o, l->data), depth + 1);
    g_string_append (out, "</td></tr>");
  }
  g_list_free (names);
  g_string_append (out, "</table>");
}

void
dn_review_append_value (GString *out, JsonNode *v, guint depth)
{
  if (append_scalar (out, v))
    return;
  if (depth > 16) {
    g_string_append (out, "…");
    return;
  }
  if (JSON_NODE_HOLDS_OBJECT (v)) {
    append_object_table (out, json_node_get_object (v), depth);
    return;
  }
  JsonArray *a = json_node_get_array (v);
  guint n = json_array_get_length (a);
  if (n == 0) {
    g_string_append (out, "<span class=\"null\">(none)</span>");
    return;
  }
  g_string_append (out, "<ol>");
  for (guint i = 0; i < n; i++) {
    g_string_append (out, "<li>");
    dn_review_append_value (out, json_array_get_element (a, i), depth + 1);
    g_string_append (out, "</li>");
  }
  g_string_append (out, "</ol>");
}

void
dn_review_append_page (GString *out, JsonObject *node)
{
  gint64 page = dn_record_get_int (node, "page", 0);
  if (page > 0)
    g_string_append_printf (out, "<span class=\"page\">p.&nbsp;%" G_GINT64_FORMAT "</span>", page);
}
