/* The APEC summary sheet: the classic numbered rows (一、會議名稱 …) and
 * the narrative rows found anywhere in the text; labels from
 * dn-report-labels.c. */
#include <string.h>

#include "dn-report-private.h"
#include "../dn-vocab.h"

const char *
dn_report_narrative_key (DnNode *n)
{
  DnNodeType type = dn_node_get_node_type (n);
  if (type != DN_NODE_PARAGRAPH && type != DN_NODE_HEADING && type != DN_NODE_TABLE)
    return NULL;
  char *t = dn_analysis_printed_text (n);
  /* A grid row may hold the value on the next line of the same cell. */
  char *nl = strchr (t, '\n');
  if (nl != NULL)
    *nl = '\0';
  char *k = dn_text_title_key (t);
  g_free (t);
  const DnReportLabel *found = dn_report_labels_match (&dn_report_narrative_labels, k, DN_REPORT_MATCH_KEY, NULL, NULL);
  g_free (k);
  return found != NULL ? found->field : NULL;
}

static JsonArray *
lines_array (const char *value)
{
  JsonArray *arr = json_array_new ();
  char **lines = g_strsplit (value, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    char *t = dn_text_trim (lines[i]);
    char *c = dn_text_remove_cjk_spaces (t, NULL);
    /* Items in one canonical form (dn_marker_join()): a typed "1.text" and
     * a Word label "1." before "text" read the same. */
    DnMarker m;
    if (dn_marker_parse (c, &m) && m.type != DN_MARKER_BULLET) {
      char *canon = dn_marker_join (m.label, c + m.rest_offset);
      g_free (c);
      c = canon;
    }
    dn_marker_clear (&m);
    if (*c != '\0')
      json_array_add_string_element (arr, c);
    g_free (t);
    g_free (c);
  }
  g_strfreev (lines);
  return arr;
}

/* The row text, one trimmed line per source line, numbering markers in
 * their canonical form ("1. x" and a Word label "1." before "x" both
 * "1.x"), so typed and Word-numbered sheets read the same. */
static char *
canonical_lines (const char *value)
{
  GString *out = g_string_new (NULL);
  char **lines = g_strsplit (value, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++) {
    char *t = dn_text_trim (lines[i]);
    if (*t != '\0') {
      if (out->len > 0)
        g_string_append_c (out, '\n');
      DnMarker m;
      if (dn_marker_parse (t, &m) && m.type != DN_MARKER_BULLET) {
        char *canon = dn_marker_join (m.label, t + m.rest_offset);
        g_string_append (out, canon);
        g_free (canon);
      } else {
        g_string_append (out, t);
      }
      dn_marker_clear (&m);
    }
    g_free (t);
  }
  g_strfreev (lines);
  return g_string_free (out, FALSE);
}

JsonObject *
dn_report_sheet_parse (DnDocument *doc, DnNode *title, DnNode *last)
{
  JsonObject *sheet = json_object_new ();
  char *tt = dn_report_node_trimmed (title);
  json_object_set_string_member (sheet, "title", tt);
  json_object_set_string_member (sheet, "layout", "classic10");
  g_free (tt);
  JsonArray *rows = json_array_new ();
  /* Rows: a line opening with 一、 … 十、 whose text starts a known label. */
  GString *cur = NULL;
  int expect = 1;
  GPtrArray *row_texts = g_ptr_array_new_with_free_func (g_free);
  for (DnNode *n = dn_node_next (title); n != NULL; n = dn_node_next (n)) {
    /* A page number or running header between two pages of the sheet is
     * no part of a row's value. */
    if (dn_node_get_node_type (n) == DN_NODE_FURNITURE) {
      if (n == last)
        break;
      continue;
    }
    /* A grid (DOCX table) gives one line per row. */
    char *printed = dn_analysis_printed_text (n);
    char **lines = g_strsplit (printed, "\n", -1);
    g_free (printed);
    for (guint li = 0; lines[li] != NULL; li++) {
      const char *t = lines[li];
      if (*t == '\0')
        continue;
      DnMarker m;
      gboolean starts = FALSE;
      if (dn_marker_parse (t, &m) && m.type == DN_MARKER_ZH_NUM && m.value == expect) {
        const char *va;
        gboolean prefix;
        starts = dn_report_labels_match (&dn_report_sheet_labels, t + m.rest_offset, DN_REPORT_MATCH_ROW, &va,
                                         &prefix) != NULL ||
                 prefix;
      }
      dn_marker_clear (&m);
      if (starts) {
        if (cur != NULL)
          g_ptr_array_add (row_texts, g_string_free (cur, FALSE));
        cur = g_string_new (t);
        expect++;
      } else if (cur != NULL) {
        g_string_append_c (cur, '\n');
        g_string_append (cur, t);
      }
    }
    g_strfreev (lines);
    if (n == last)
      break;
  }
  if (cur != NULL)
    g_ptr_array_add (row_texts, g_string_free (cur, FALSE));

  for (guint r = 0; r < row_texts->len; r++) {
    const char *raw = row_texts->pdata[r];
    DnMarker m;
    dn_marker_parse (raw, &m);
    const char *value_at = raw + m.rest_offset;
    gboolean prefix;
    const DnReportLabel *label =
        dn_report_labels_match (&dn_report_sheet_labels, raw + m.rest_offset, DN_REPORT_MATCH_ROW, &value_at, &prefix);
    JsonObject *row = json_object_new ();
    json_object_set_string_member (row, "label", m.label);
    char *value = canonical_lines (value_at);
    char *label_raw = g_strndup (raw + m.rest_offset, (gsize) (value_at - raw - (gssize) m.rest_offset));
    char *label_clean = dn_report_clean_value (label_raw);
    json_object_set_string_member (row, "name", label_clean);
    json_object_set_string_member (row, "key", label != NULL ? label->field : "other");
    json_object_set_string_member (row, "value", value);
    json_array_add_object_element (rows, row);
    if (label != NULL) {
      const char *key = label->field;
      switch (label->value) {
      case DN_REPORT_VALUE_DATE: {
        JsonObject *d = dn_date_parse_range (value, 0);
        if (d != NULL)
          json_object_set_object_member (sheet, key, d);
        else
          dn_document_add_warning (doc, "DATE_UNPARSED", 0, "%s '%s' is not a date", label->spelling, value);
        break;
      }
      case DN_REPORT_VALUE_TRAVELLER_TABLE: {
        JsonArray *members = json_array_new ();
        JsonArray *orgs = json_array_new ();
        char *carry = NULL;
        char **lines = g_strsplit (value, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++) {
          char *lt = dn_text_trim (lines[i]);
          if (*lt != '\0')
            dn_report_traveller_from_row (lt, &carry, members, orgs);
          g_free (lt);
        }
        g_strfreev (lines);
        g_free (carry);
        json_array_unref (orgs);
        json_object_set_array_member (sheet, key, members);
        break;
      }
      case DN_REPORT_VALUE_LINES:
        json_object_set_array_member (sheet, key, lines_array (value));
        break;
      default: {
        char *v = dn_report_clean_value (value);
        json_object_set_string_member (sheet, key, v);
        g_free (v);
        break;
      }
      }
    }
    g_free (label_raw);
    g_free (label_clean);
    g_free (value);
    dn_marker_clear (&m);
  }
  json_object_set_array_member (sheet, "rows", rows);
  g_ptr_array_free (row_texts, TRUE);
  return sheet;
}

/* Narrative summary sheet (002): label rows anywhere in the text from
 * @from on. */
JsonObject *
dn_report_sheet_narrative (DnNode *from)
{
  JsonObject *sheet = NULL;
  JsonArray *rows = NULL;
  for (DnNode *m = from; m != NULL; m = dn_node_next (m)) {
    const char *key = dn_report_narrative_key (m);
    if (key == NULL)
      continue;
    if (rows == NULL) {
      sheet = json_object_new ();
      json_object_set_null_member (sheet, "title");
      json_object_set_string_member (sheet, "layout", "narrative");
      rows = json_array_new ();
    }
    JsonObject *row = json_object_new ();
    char *name = dn_report_printed_trimmed (m);
    /* In a grid the value may share the label's cell, on its next line. */
    char *in_cell = NULL;
    char *nl = strchr (name, '\n');
    if (nl != NULL) {
      *nl = '\0';
      in_cell = canonical_lines (nl + 1);
      char *tn = dn_text_trim (name);
      g_free (name);
      name = tn;
    }
    json_object_set_null_member (row, "label");
    json_object_set_string_member (row, "name", name);
    json_object_set_string_member (row, "key", key);
    g_free (name);
    if (dn_node_get_node_type (m) != DN_NODE_TABLE) {
      dn_node_set_node_type (m, DN_NODE_HEADING);
      char *t = dn_report_node_trimmed (m);
      dn_node_set_text (m, t);
      g_free (t);
    }
    dn_node_set_attr (m, DN_ATTR_ROLE, "summary_row");
    DnNode *v = dn_node_next (m);
    if (v != NULL) {
      char *vt = dn_report_printed_trimmed (v);
      if (g_str_has_prefix (vt, "(含") || g_str_has_prefix (vt, "（含")) {
        json_object_set_string_member (row, "note", vt);
        dn_node_set_attr (m, DN_ATTR_NOTE, vt);
        DnNode *vn = dn_node_next (v);
        dn_node_free (v);
        v = vn;
      }
      g_free (vt);
    }
    /* The value: the blocks up to the next row; short values are copied
     * here, long ones (the whole meeting account) stay in the body. */
    GString *val = g_string_new (in_cell);
    guint count = in_cell != NULL && *in_cell != '\0';
    g_free (in_cell);
    for (DnNode *w = v; w != NULL && dn_report_narrative_key (w) == NULL; w = dn_node_next (w)) {
      if (dn_node_get_node_type (w) == DN_NODE_FURNITURE)
        continue;
      char *wt = dn_report_printed_trimmed (w);
      if (*wt != '\0') {
        if (val->len > 0)
          g_string_append_c (val, '\n');
        g_string_append (val, wt);
        count++;
      }
      g_free (wt);
    }
    if (count > 0 && count <= 5)
      json_object_set_string_member (row, "value", val->str);
    else
      json_object_set_null_member (row, "value");
    json_object_set_boolean_member (row, "value_in_body", count > 5);
    g_string_free (val, TRUE);
    json_array_add_object_element (rows, row);
  }
  if (sheet != NULL)
    json_object_set_array_member (sheet, "rows", rows);
  return sheet;
}
