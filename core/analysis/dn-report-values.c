/* Value parsing and normalising for the report profile: cleaned text,
 * travellers and their organisations, trip categories, destinations. */
#include <string.h>

#include "dn-report-private.h"
#include "../dn-vocab.h"

char *
dn_report_node_trimmed (DnNode *n)
{
  const char *t = dn_node_get_text (n);
  return dn_text_trim (t != NULL ? t : "");
}

char *
dn_report_printed_trimmed (DnNode *n)
{
  char *p = dn_analysis_printed_text (n);
  char *t = dn_text_trim (p);
  g_free (p);
  return t;
}

char *
dn_report_clean_value (const char *s)
{
  char *flow = dn_text_reflow (s);
  char *nosp = dn_text_remove_cjk_spaces (flow, NULL);
  char *t = dn_text_trim (nosp);
  g_free (flow);
  g_free (nosp);
  return t;
}

static const char *const title_lexicon[] = {
  "資深研究員兼副理", "助理談判代表", "副談判代表", "談判代表", "主任秘書", "專門委員", "簡任技正", "簡任視察",
  "副研究員", "助理研究員", "研究員", "副處長", "處長", "副司長", "司長", "副局長", "局長", "副署長", "署長",
  "副主任委員", "主任委員", "副執行長", "執行長", "副組長", "組長", "副主任", "主任", "科長", "科員", "專員",
  "技正", "技士", "技佐", "視察", "諮議", "參事", "秘書", "副理", "經理", "協理", "工程師", "分析師", "部長",
  "次長", "副代表", "代表", "委員", "顧問", "助理", "教授", "副教授", NULL,
};

static const char *
title_suffix (const char *s)
{
  gsize n = strlen (s);
  for (guint i = 0; title_lexicon[i] != NULL; i++) {
    gsize tn = strlen (title_lexicon[i]);
    if (n > tn && strcmp (s + n - tn, title_lexicon[i]) == 0)
      return title_lexicon[i];
  }
  return NULL;
}

JsonObject *
dn_report_traveller_new (const char *name, const char *title, const char *org)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "name", name);
  if (title != NULL && *title != '\0')
    json_object_set_string_member (o, "title", title);
  else
    json_object_set_null_member (o, "title");
  if (org != NULL && *org != '\0')
    json_object_set_string_member (o, "organization", org);
  else
    json_object_set_null_member (o, "organization");
  return o;
}

void
dn_report_orgs_add (JsonArray *orgs, const char *name)
{
  for (guint i = 0; i < json_array_get_length (orgs); i++)
    if (strcmp (json_object_get_string_member (json_array_get_object_element (orgs, i), "name"), name) == 0)
      return;
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "name", name);
  json_array_add_object_element (orgs, o);
}

/* Cells of a flattened table line: split at tabs or runs of spaces. */
static char **
split_cells (const char *t)
{
  static GRegex *re = NULL;
  if (g_once_init_enter (&re)) {
    GRegex *r = g_regex_new ("[\\t\\x{3000}]+| {1,}", G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&re, r);
  }
  char *tt = dn_text_trim (t);
  char **cells = g_regex_split (re, tt, 0);
  g_free (tt);
  GPtrArray *out = g_ptr_array_new ();
  for (guint i = 0; cells[i] != NULL; i++)
    if (*cells[i] != '\0')
      g_ptr_array_add (out, g_strdup (cells[i]));
  g_strfreev (cells);
  g_ptr_array_add (out, NULL);
  return (char **) g_ptr_array_free (out, FALSE);
}

/* One row of a traveller table: org name title, or name title under the
 * organisation of the row above (a merged cell). */
gboolean
dn_report_traveller_from_row (const char *line, char **org_carry, JsonArray *travellers, JsonArray *orgs)
{
  char **cells = split_cells (line);
  guint n = g_strv_length (cells);
  gboolean ok = TRUE;
  if (n >= 3) {
    /* The last two cells are name and title, the one before them the
     * organisation; anything further left is a wrapped row label of the
     * grid (姓名、職銜). */
    g_free (*org_carry);
    *org_carry = g_strdup (cells[n - 3]);
    dn_report_orgs_add (orgs, *org_carry);
    json_array_add_object_element (travellers, dn_report_traveller_new (cells[n - 2], cells[n - 1], *org_carry));
  } else if (n == 2 && *org_carry != NULL) {
    json_array_add_object_element (travellers, dn_report_traveller_new (cells[0], cells[1], *org_carry));
  } else {
    ok = FALSE;
  }
  g_strfreev (cells);
  return ok;
}

const char *
dn_report_category_normalise (const char *raw)
{
  static const char *const direct[] = { "考察", "進修", "研究", "實習", "視察", "訪問", "開會", "談判", NULL };
  for (guint i = 0; direct[i] != NULL; i++)
    if (strcmp (raw, direct[i]) == 0)
      return direct[i];
  if (strstr (raw, "會議") != NULL || strstr (raw, "研討") != NULL || strstr (raw, "論壇") != NULL ||
      strstr (raw, "開會") != NULL || strstr (raw, "年會") != NULL)
    return "開會";
  if (strstr (raw, "談判") != NULL || strstr (raw, "諮商") != NULL)
    return "談判";
  if (strstr (raw, "考察") != NULL)
    return "考察";
  if (strstr (raw, "參訪") != NULL || strstr (raw, "訪問") != NULL)
    return "訪問";
  for (guint i = 0; direct[i] != NULL; i++)
    if (strstr (raw, direct[i]) != NULL)
      return direct[i];
  return "其他";
}

static const char *const countries[] = {
  "中華民國", "美國", "日本", "韓國", "南韓", "中國大陸", "中國", "香港", "澳門", "新加坡", "馬來西亞", "泰國",
  "越南", "印尼", "菲律賓", "汶萊", "澳洲", "紐西蘭", "巴布亞紐幾內亞", "加拿大", "墨西哥", "秘魯", "智利",
  "俄羅斯", "英國", "法國", "德國", "荷蘭", "比利時", "瑞士", "瑞典", "義大利", "西班牙", "奧地利", "丹麥",
  "芬蘭", "挪威", "波蘭", "捷克", "以色列", "印度", "土耳其", "阿聯", "沙烏地阿拉伯", "南非", "巴西", "阿根廷",
  NULL,
};

JsonArray *
dn_report_destinations_parse (const char *value)
{
  JsonArray *arr = json_array_new ();
  char *v = dn_text_trim (value);
  char **parts = g_regex_split_simple ("[、，,;；]", v, 0, 0);
  for (guint i = 0; parts[i] != NULL; i++) {
    char *p = dn_text_trim (parts[i]);
    if (*p == '\0') {
      g_free (p);
      continue;
    }
    JsonObject *o = json_object_new ();
    char *country = NULL, *city = NULL;
    const char *slash = strchr (p, '/');
    if (slash == NULL)
      slash = strstr (p, "／");
    if (slash != NULL) {
      char *c0 = g_strndup (p, (gsize) (slash - p));
      country = dn_text_trim (c0);
      g_free (c0);
      city = dn_text_trim (*slash == '/' ? slash + 1 : slash + strlen ("／"));
    } else {
      for (guint c = 0; countries[c] != NULL && country == NULL; c++)
        if (g_str_has_prefix (p, countries[c])) {
          country = g_strdup (countries[c]);
          city = dn_text_trim (p + strlen (countries[c]));
        }
      if (country == NULL)
        country = g_strdup (p);
    }
    json_object_set_string_member (o, "country", country);
    if (city != NULL && *city != '\0')
      json_object_set_string_member (o, "city", city);
    else
      json_object_set_null_member (o, "city");
    json_object_set_string_member (o, "raw", p);
    json_array_add_object_element (arr, o);
    g_free (country);
    g_free (city);
    g_free (p);
  }
  g_strfreev (parts);
  g_free (v);
  return arr;
}

/* "游佳蓁助理談判代表、張揚理研究員": split on 、 and peel the title off the
 * end with a lexicon of civil-service titles. */
void
dn_report_travellers_parse_glued (DnDocument *doc, const char *value, const char *org, JsonArray *travellers)
{
  char *v = dn_text_trim (value);
  char **parts = g_regex_split_simple ("[、，,;；]", v, 0, 0);
  gboolean unsure = FALSE;
  for (guint i = 0; parts[i] != NULL; i++) {
    char *p = dn_text_trim (parts[i]);
    char *nosp = dn_text_remove_cjk_spaces (p, NULL);
    if (*nosp != '\0') {
      char **cells = split_cells (nosp);
      if (g_strv_length (cells) == 2) {
        json_array_add_object_element (travellers, dn_report_traveller_new (cells[0], cells[1], org));
      } else {
        const char *t = title_suffix (nosp);
        if (t != NULL) {
          char *name = g_strndup (nosp, strlen (nosp) - strlen (t));
          json_array_add_object_element (travellers, dn_report_traveller_new (name, t, org));
          g_free (name);
        } else {
          json_array_add_object_element (travellers, dn_report_traveller_new (nosp, NULL, org));
        }
        unsure = TRUE;
      }
      g_strfreev (cells);
    }
    g_free (nosp);
    g_free (p);
  }
  g_strfreev (parts);
  g_free (v);
  if (unsure)
    dn_document_add_warning (doc, "TRAVELLER_SPLIT_HEURISTIC", 0,
                             "names and titles written together ('%s') were split with a title lexicon", value);
}
