/* The label tables of the report profile and the one routine that matches
 * a printed label against them (dn-report-labels.h). */
#include <string.h>

#include "dn-report-labels.h"

/* ------------------------------------------------------------ tables */

static const DnReportLabel cover_labels[] = {
  { "服務機關", "organizations", DN_REPORT_VALUE_ORGANIZATIONS },
  { "姓名職稱", "travellers", DN_REPORT_VALUE_TRAVELLERS_GLUED },
  { "職稱姓名", "travellers", DN_REPORT_VALUE_TRAVELLERS_GLUED },
  { "出國人員", "travellers", DN_REPORT_VALUE_TRAVELLERS_GLUED },
  { "姓名", "travellers", DN_REPORT_VALUE_NAMES },
  { "職稱", "travellers", DN_REPORT_VALUE_TITLES },
  { "單位", "unit", DN_REPORT_VALUE_TEXT },
  { "服務單位", "unit", DN_REPORT_VALUE_TEXT },
  { "派赴國家/地區", "destinations", DN_REPORT_VALUE_DESTINATIONS },
  { "派赴國家", "destinations", DN_REPORT_VALUE_DESTINATIONS },
  /* A cover line, but its value has never been read as a destination. */
  { "派赴地區", NULL, DN_REPORT_VALUE_NONE },
  { "前往地區", "destinations", DN_REPORT_VALUE_DESTINATIONS },
  { "出國地點", "destinations", DN_REPORT_VALUE_DESTINATIONS },
  { "出國期間", "period", DN_REPORT_VALUE_DATE },
  { "報告日期", "report_date", DN_REPORT_VALUE_DATE },
};

static const char *const cover_grid_header[] = { "服務機關", "姓名", NULL };
static const char *const cover_header_words[] = { "出國報告", "報告書", NULL };

const DnReportLabelTable dn_report_cover_labels = {
  cover_labels, G_N_ELEMENTS (cover_labels), cover_grid_header, "出國類別", cover_header_words, "出國報告",
};

static const DnReportLabel sheet_labels[] = {
  { "會議名稱", "meeting_name", DN_REPORT_VALUE_TEXT },
  { "會議日期", "meeting_dates", DN_REPORT_VALUE_DATE },
  { "會議地點", "venue", DN_REPORT_VALUE_TEXT },
  { "出席經濟體及重要出席單位", "attending_economies", DN_REPORT_VALUE_TEXT },
  { "出席經濟體及重要單位", "attending_economies", DN_REPORT_VALUE_TEXT },
  { "會議主席", "chair", DN_REPORT_VALUE_TEXT },
  { "我國出席人員姓名、職銜", "delegation", DN_REPORT_VALUE_TRAVELLER_TABLE },
  { "我國出席人員姓名職銜", "delegation", DN_REPORT_VALUE_TRAVELLER_TABLE },
  { "會議議程項目內容", "agenda", DN_REPORT_VALUE_LINES },
  { "重要討論及決議事項", "key_outcomes", DN_REPORT_VALUE_LINES },
  { "我國應配合辦理之工作與分工", "follow_up_tasks", DN_REPORT_VALUE_LINES },
  { "召開協調會議推動", "coordination_meetings", DN_REPORT_VALUE_TEXT },
};

const DnReportLabelTable dn_report_sheet_labels = {
  sheet_labels, G_N_ELEMENTS (sheet_labels), NULL, NULL, NULL, NULL,
};

static const DnReportLabel narrative_labels[] = {
  { "會議討論要點及重要結論", "discussion_points", DN_REPORT_VALUE_TEXT },
  { "會議期間與其他會員或APEC秘書處互動交流情形", "interactions", DN_REPORT_VALUE_TEXT },
  { "後續辦理事項", "follow_up", DN_REPORT_VALUE_TEXT },
};

const DnReportLabelTable dn_report_narrative_labels = {
  narrative_labels, G_N_ELEMENTS (narrative_labels), NULL, NULL, NULL, NULL,
};

/* ------------------------------------------------------------ matching */

static gboolean
skip_in_label (gunichar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == 0x3000 || c == '(' || c == ')' || c == 0xFF08 ||
         c == 0xFF09;
}

/* Walks @label along @p, skipping what a printed label may carry between
 * its characters: spaces, brackets and line breaks, or (@in_cell) only
 * spaces, stopping at the cell's end (a tab or a line break). Returns
 * where @p stopped; *@label_end is where @label did, *@matched counts the
 * label characters met. */
static const char *
walk_label (const char *p, const char *label, gboolean in_cell, const char **label_end, guint *matched)
{
  const char *l = label;
  guint k = 0;
  while (*l != '\0' && *p != '\0' && !(in_cell && (*p == '\t' || *p == '\n'))) {
    gunichar pc = g_utf8_get_char (p);
    if (in_cell ? pc == ' ' || pc == 0x3000 : skip_in_label (pc)) {
      p = g_utf8_next_char (p);
      continue;
    }
    if (pc != g_utf8_get_char (l))
      break;
    p = g_utf8_next_char (p);
    l = g_utf8_next_char (l);
    k++;
  }
  *label_end = l;
  *matched = k;
  return p;
}

const DnReportLabel *
dn_report_labels_match (const DnReportLabelTable *table, const char *text, DnReportMatch how,
                        const char **value_at, gboolean *prefix_only)
{
  if (how == DN_REPORT_MATCH_KEY) {
    for (guint i = 0; i < table->n_labels; i++)
      if (strcmp (text, table->labels[i].spelling) == 0)
        return &table->labels[i];
    return NULL;
  }
  *prefix_only = FALSE;
  const char *l;
  guint matched;
  for (guint i = 0; i < table->n_labels; i++) {
    const char *p = walk_label (text, table->labels[i].spelling, FALSE, &l, &matched);
    if (*l == '\0') {
      *value_at = p;
      return &table->labels[i];
    }
    if (*p == '\0' && matched > 0)
      *prefix_only = TRUE;
  }
  /* A grid cell that wraps the label (出席經濟體及 | 重要單位 on the next
   * visual row): at least three label characters, then the cell ends. */
  for (guint i = 0; i < table->n_labels; i++) {
    const char *p = walk_label (text, table->labels[i].spelling, TRUE, &l, &matched);
    if (matched >= 3 && (*p == '\t' || *p == '\n')) {
      *value_at = p;
      return &table->labels[i];
    }
  }
  return NULL;
}

gboolean
dn_report_labels_all_in (const char *const *words, const char *t)
{
  if (words == NULL)
    return FALSE;
  for (guint i = 0; words[i] != NULL; i++)
    if (strstr (t, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

gboolean
dn_report_labels_any_in (const char *const *words, const char *t)
{
  for (guint i = 0; words != NULL && words[i] != NULL; i++)
    if (strstr (t, words[i]) != NULL)
      return TRUE;
  return FALSE;
}
