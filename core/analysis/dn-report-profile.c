/* The report profile: the front matter of a 出國報告 (cover, APEC summary
 * sheet, 摘要, 目錄, 圖目錄) and the report fields read off it and the body
 * (figures, tables, appendices, TOC cross-check). Works on the line-level
 * paragraphs dn-reflow.c leaves, whatever reader made them. */
#include <string.h>

#include "dn-analysis-private.h"
#include "../dn-vocab.h"

/* ------------------------------------------------------------ helpers */

static char *
node_trimmed (DnNode *n)
{
  const char *t = dn_node_get_text (n);
  return dn_text_trim (t != NULL ? t : "");
}

static char *
printed_trimmed (DnNode *n)
{
  char *p = dn_analysis_printed_text (n);
  char *t = dn_text_trim (p);
  g_free (p);
  return t;
}

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

/* A TOC line: ends with a printed page number after a tab, a dot leader or
 * spaces. Returns the page, or -1. @title_end receives where the title
 * part ends (before leaders). */
static int toc_line_page_full (const char *t, gsize *title_end, gboolean lenient);

static int
toc_line_page (const char *t, gsize *title_end)
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
  if (toc_line_page (t, &te) < 0 && dn_marker_parse (t, &m)) {
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

/* Narrative summary-sheet rows (002). */
static const char *const narrative_labels[][2] = {
  { "會議討論要點及重要結論", "discussion_points" },
  { "會議期間與其他會員或APEC秘書處互動交流情形", "interactions" },
  { "後續辦理事項", "follow_up" },
};

static const char *
narrative_key (DnNode *n)
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
  const char *found = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (narrative_labels) && found == NULL; i++)
    if (strcmp (k, narrative_labels[i][0]) == 0)
      found = narrative_labels[i][1];
  g_free (k);
  return found;
}

static gboolean
is_stop (DnNode *n)
{
  return key_is (n, abstract_labels) || key_is (n, toc_labels) || key_is (n, figure_list_labels) ||
         is_sheet_title (n) || is_level1_heading (n) || narrative_key (n) != NULL;
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

static char *
clean_value (const char *s)
{
  char *flow = dn_text_reflow (s);
  char *nosp = dn_text_remove_cjk_spaces (flow, NULL);
  char *t = dn_text_trim (nosp);
  g_free (flow);
  g_free (nosp);
  return t;
}

/* ------------------------------------------------------------ cover */

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

static JsonObject *
traveller (const char *name, const char *title, const char *org)
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

static void
add_org (JsonArray *orgs, const char *name)
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
static gboolean
table_traveller (const char *line, char **org_carry, JsonArray *travellers, JsonArray *orgs)
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
    add_org (orgs, *org_carry);
    json_array_add_object_element (travellers, traveller (cells[n - 2], cells[n - 1], *org_carry));
  } else if (n == 2 && *org_carry != NULL) {
    json_array_add_object_element (travellers, traveller (cells[0], cells[1], *org_carry));
  } else {
    ok = FALSE;
  }
  g_strfreev (cells);
  return ok;
}

static const char *
normalise_category (const char *raw)
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

static JsonArray *
parse_destinations (const char *value)
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
static void
parse_glued_travellers (DnDocument *doc, const char *value, const char *org, JsonArray *travellers)
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
        json_array_add_object_element (travellers, traveller (cells[0], cells[1], org));
      } else {
        const char *t = title_suffix (nosp);
        if (t != NULL) {
          char *name = g_strndup (nosp, strlen (nosp) - strlen (t));
          json_array_add_object_element (travellers, traveller (name, t, org));
          g_free (name);
        } else {
          json_array_add_object_element (travellers, traveller (nosp, NULL, org));
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

typedef struct {
  gboolean found;
  char *header_raw;
  char *category_raw;
  GPtrArray *title_lines;
  JsonArray *organizations;
  JsonArray *travellers;
  char *travellers_raw;
  char *unit;
  JsonArray *destinations;
  JsonObject *period;
  JsonObject *report_date;
} Cover;

static const char *const cover_keys[] = {
  "服務機關", "姓名職稱", "職稱姓名", "出國人員", "姓名", "職稱", "單位", "服務單位", "派赴國家/地區", "派赴國家",
  "派赴地區", "前往地區", "出國地點", "出國期間", "報告日期", NULL,
};

static gboolean
is_cover_key (const char *key)
{
  for (guint i = 0; cover_keys[i] != NULL; i++)
    if (strcmp (key, cover_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
split_key_value (const char *t, char **key, char **value)
{
  static GRegex *re = NULL;
  if (g_once_init_enter (&re)) {
    /* Key, then a colon or a grid's cell boundary (a tab). */
    GRegex *r = g_regex_new ("^\\s*([^:：\\t]{2,12}?)\\s*(?:[:：]|\\t)\\s*(.*)$", G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&re, r);
  }
  GMatchInfo *mi;
  gboolean ok = g_regex_match (re, t, 0, &mi);
  if (ok) {
    char *k = g_match_info_fetch (mi, 1);
    *key = dn_text_title_key (k);
    g_free (k);
    *value = g_match_info_fetch (mi, 2);
  }
  g_match_info_free (mi);
  return ok;
}

static void
parse_cover (DnDocument *doc, DnNode *first, DnNode *last, Cover *c)
{
  char *org_carry = NULL;
  gboolean table_mode = FALSE, seen_key = FALSE, header_weak = FALSE;
  char *pending_key = NULL;
  /* Reported only when the block turns out to be a cover. */
  GPtrArray *unparsed = g_ptr_array_new_with_free_func (g_free);
  char *names = NULL, *titles = NULL;
  for (DnNode *n = first; n != NULL; n = dn_node_next (n)) {
    char *printed = dn_analysis_printed_text (n);
    char **lines = g_strsplit (printed, "\n", -1);
    g_free (printed);
    for (guint li = 0; lines[li] != NULL; li++) {
      if (*lines[li] == '\0')
        continue;
      char *t = dn_text_trim (lines[li]);
      char *key = NULL, *value = NULL;
      gboolean kv = split_key_value (t, &key, &value);
      if (kv && (!is_cover_key (key) || (strstr (t, "服務機關") != NULL && strstr (t, "姓名") != NULL))) {
        /* "(一)…：…" in running text is not a cover field, nor is a grid's
         * header row (服務機關<tab>姓名<tab>職稱). */
        g_clear_pointer (&key, g_free);
        g_clear_pointer (&value, g_free);
        kv = FALSE;
      }
      /* A key alone ("出國期間：", a grid cell) takes the next line as its
       * value, as a PDF lays a cover grid's cells out one per line. */
      if (kv && *dn_text_skip_space (value) == '\0') {
        g_free (pending_key);
        pending_key = key;
        key = NULL;
        g_free (value);
        g_free (t);
        continue;
      }
      if (!kv && pending_key != NULL) {
        kv = TRUE;
        key = pending_key;
        value = g_strdup (t);
        pending_key = NULL;
      }
      g_clear_pointer (&pending_key, g_free);
      const char *cat = strstr (t, "出國類別");
      if (cat != NULL) {
        const char *v = cat + strlen ("出國類別");
        while (*v == ' ' || *v == ':' || g_str_has_prefix (v, "："))
          v += *v == ' ' || *v == ':' ? 1 : strlen ("：");
        const char *e = v;
        while (*e != '\0' && *e != ')' && !g_str_has_prefix (e, "）"))
          e = g_utf8_next_char (e);
        char *raw = g_strndup (v, (gsize) (e - v));
        g_free (c->category_raw); /* a later 出國類別 wins */
        c->category_raw = dn_text_trim (raw);
        g_free (raw);
        /* "出國報告（出國類別：國際會議）" carries the header too. */
        gsize before = (gsize) (cat - t);
        if ((c->header_raw == NULL || header_weak) && before > 3) {
          g_clear_pointer (&c->header_raw, g_free);
          header_weak = FALSE;
          char *h = g_strndup (t, before);
          char *ht = dn_text_trim (h);
          gsize hl = strlen (ht);
          if (hl >= 3 && (ht[hl - 1] == '(' || g_str_has_suffix (ht, "（")))
            ht[hl - (ht[hl - 1] == '(' ? 1 : strlen ("（"))] = '\0';
          c->header_raw = ht;
          g_free (h);
        }
        c->found = TRUE;
      } else if ((c->header_raw == NULL || header_weak) && c->title_lines->len == 0 &&
                 (strstr (t, "出國報告") != NULL || strstr (t, "報告書") != NULL) && !seen_key) {
        /* A bare "出國報告" is what offices put in the running header, the
         * cover's too: the cover's own header line, when one follows,
         * replaces it. */
        g_free (c->header_raw);
        c->header_raw = g_strdup (t);
        char *hk = dn_text_title_key (t);
        header_weak = strcmp (hk, "出國報告") == 0;
        g_free (hk);
        c->found = TRUE;
      } else if (kv) {
        seen_key = TRUE;
        table_mode = FALSE;
        c->found = TRUE;
        if (strcmp (key, "服務機關") == 0) {
          char **orgs = g_regex_split_simple ("[、，,]", value, 0, 0);
          for (guint i = 0; orgs[i] != NULL; i++) {
            char *o = dn_text_trim (orgs[i]);
            if (*o != '\0') {
              add_org (c->organizations, o);
              g_free (org_carry);
              org_carry = g_strdup (o);
            }
            g_free (o);
          }
          g_strfreev (orgs);
        } else if (strcmp (key, "姓名職稱") == 0 || strcmp (key, "職稱姓名") == 0 ||
                   strcmp (key, "出國人員") == 0) {
          g_free (c->travellers_raw);
          c->travellers_raw = dn_text_trim (value);
          parse_glued_travellers (doc, value, org_carry, c->travellers);
        } else if (strcmp (key, "姓名") == 0) {
          g_free (names);
          names = dn_text_trim (value);
        } else if (strcmp (key, "職稱") == 0) {
          g_free (titles);
          titles = dn_text_trim (value);
        } else if (strcmp (key, "單位") == 0 || strcmp (key, "服務單位") == 0) {
          g_free (c->unit);
          c->unit = dn_text_trim (value);
        } else if (g_str_has_prefix (key, "派赴國家") || strcmp (key, "前往地區") == 0 ||
                   strcmp (key, "出國地點") == 0) {
          json_array_unref (c->destinations);
          c->destinations = parse_destinations (value);
        } else if (strcmp (key, "出國期間") == 0) {
          g_clear_pointer (&c->period, json_object_unref);
          c->period = dn_date_parse_range (value, 0);
          if (c->period == NULL)
            dn_document_add_warning (doc, "DATE_UNPARSED", 0, "出國期間 '%s' is not a date", value);
        } else if (strcmp (key, "報告日期") == 0) {
          g_clear_pointer (&c->report_date, json_object_unref);
          c->report_date = dn_date_parse_range (value, 0);
          if (c->report_date == NULL)
            dn_document_add_warning (doc, "DATE_UNPARSED", 0, "報告日期 '%s' is not a date", value);
        }
      } else if (strstr (t, "服務機關") != NULL && strstr (t, "姓名") != NULL) {
        table_mode = TRUE;
        seen_key = TRUE;
        c->found = TRUE;
      } else if (table_mode) {
        if (!table_traveller (t, &org_carry, c->travellers, c->organizations))
          g_ptr_array_add (unparsed, g_strdup (t));
      } else if (!seen_key && (c->header_raw != NULL || c->category_raw != NULL)) {
        g_ptr_array_add (c->title_lines, g_strdup (t));
      } else {
        g_ptr_array_add (unparsed, g_strdup (t));
      }
      g_free (key);
      g_free (value);
      g_free (t);
    }
    g_strfreev (lines);
    if (n == last)
      break;
  }
  if (names != NULL) {
    /* 姓名：甲、乙 with 職稱：X、Y in parallel. */
    char **nv = g_regex_split_simple ("[、，,]", names, 0, 0);
    char **tv = titles != NULL ? g_regex_split_simple ("[、，,]", titles, 0, 0) : NULL;
    for (guint i = 0; nv[i] != NULL; i++) {
      char *nm = dn_text_trim (nv[i]);
      char *tl = tv != NULL && i < g_strv_length (tv) ? dn_text_trim (tv[i]) : NULL;
      if (*nm != '\0')
        json_array_add_object_element (c->travellers, traveller (nm, tl, org_carry));
      g_free (nm);
      g_free (tl);
    }
    g_strfreev (nv);
    g_strfreev (tv);
  }
  g_free (names);
  g_free (titles);
  g_free (org_carry);
  g_free (pending_key);
  if (c->found)
    for (guint i = 0; i < unparsed->len; i++)
      dn_document_add_warning (doc, "COVER_LINE_UNPARSED", 0, "cover line '%s' not understood",
                               (const char *) unparsed->pdata[i]);
  g_ptr_array_free (unparsed, TRUE);
}

/* ------------------------------------------------------------ summary sheet */

static const char *const sheet_labels[][2] = {
  { "會議名稱", "meeting_name" },
  { "會議日期", "meeting_dates" },
  { "會議地點", "venue" },
  { "出席經濟體及重要出席單位", "attending_economies" },
  { "出席經濟體及重要單位", "attending_economies" },
  { "會議主席", "chair" },
  { "我國出席人員姓名、職銜", "delegation" },
  { "我國出席人員姓名職銜", "delegation" },
  { "會議議程項目內容", "agenda" },
  { "重要討論及決議事項", "key_outcomes" },
  { "我國應配合辦理之工作與分工", "follow_up_tasks" },
  { "召開協調會議推動", "coordination_meetings" },
};

static gboolean
skip_in_label (gunichar c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == 0x3000 || c == '(' || c == ')' || c == 0xFF08 ||
         c == 0xFF09;
}

/* Matches a known row label at the start of @raw across wrapped lines and
 * spacing; returns the label index and sets *value_at, or -1. */
static int
match_sheet_label (const char *raw, const char **value_at, gboolean *prefix_only)
{
  *prefix_only = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (sheet_labels); i++) {
    const char *l = sheet_labels[i][0];
    const char *p = raw;
    while (*l != '\0' && *p != '\0') {
      gunichar pc = g_utf8_get_char (p);
      if (skip_in_label (pc)) {
        p = g_utf8_next_char (p);
        continue;
      }
      if (pc != g_utf8_get_char (l))
        break;
      p = g_utf8_next_char (p);
      l = g_utf8_next_char (l);
    }
    if (*l == '\0') {
      *value_at = p;
      return (int) i;
    }
    if (*p == '\0' && l != sheet_labels[i][0])
      *prefix_only = TRUE;
  }
  /* A grid cell that wraps the label (出席經濟體及 | 重要單位 on the next
   * visual row): at least three label characters, then the cell ends. */
  for (guint i = 0; i < G_N_ELEMENTS (sheet_labels); i++) {
    const char *l = sheet_labels[i][0];
    const char *p = raw;
    guint matched = 0;
    while (*l != '\0' && *p != '\0' && *p != '\t' && *p != '\n') {
      gunichar pc = g_utf8_get_char (p);
      if (pc == ' ' || pc == 0x3000) {
        p = g_utf8_next_char (p);
        continue;
      }
      if (pc != g_utf8_get_char (l))
        break;
      p = g_utf8_next_char (p);
      l = g_utf8_next_char (l);
      matched++;
    }
    if (matched >= 3 && (*p == '\t' || *p == '\n')) {
      *value_at = p;
      return (int) i;
    }
  }
  return -1;
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

static JsonObject *
parse_sheet (DnDocument *doc, DnNode *title, DnNode *last)
{
  JsonObject *sheet = json_object_new ();
  char *tt = node_trimmed (title);
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
        starts = match_sheet_label (t + m.rest_offset, &va, &prefix) >= 0 || prefix;
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
    int li = match_sheet_label (raw + m.rest_offset, &value_at, &prefix);
    JsonObject *row = json_object_new ();
    json_object_set_string_member (row, "label", m.label);
    char *value = canonical_lines (value_at);
    char *label_raw = g_strndup (raw + m.rest_offset, (gsize) (value_at - raw - (gssize) m.rest_offset));
    char *label_clean = clean_value (label_raw);
    json_object_set_string_member (row, "name", label_clean);
    json_object_set_string_member (row, "key", li >= 0 ? sheet_labels[li][1] : "other");
    json_object_set_string_member (row, "value", value);
    json_array_add_object_element (rows, row);
    if (li >= 0) {
      const char *key = sheet_labels[li][1];
      if (strcmp (key, "meeting_dates") == 0) {
        JsonObject *d = dn_date_parse_range (value, 0);
        if (d != NULL)
          json_object_set_object_member (sheet, key, d);
        else
          dn_document_add_warning (doc, "DATE_UNPARSED", 0, "會議日期 '%s' is not a date", value);
      } else if (strcmp (key, "delegation") == 0) {
        JsonArray *members = json_array_new ();
        JsonArray *orgs = json_array_new ();
        char *carry = NULL;
        char **lines = g_strsplit (value, "\n", -1);
        for (guint i = 0; lines[i] != NULL; i++) {
          char *lt = dn_text_trim (lines[i]);
          if (*lt != '\0')
            table_traveller (lt, &carry, members, orgs);
          g_free (lt);
        }
        g_strfreev (lines);
        g_free (carry);
        json_array_unref (orgs);
        json_object_set_array_member (sheet, key, members);
      } else if (strcmp (key, "agenda") == 0 || strcmp (key, "key_outcomes") == 0 ||
                 strcmp (key, "follow_up_tasks") == 0) {
        json_object_set_array_member (sheet, key, lines_array (value));
      } else {
        char *v = clean_value (value);
        json_object_set_string_member (sheet, key, v);
        g_free (v);
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

/* ------------------------------------------------------------ TOC */

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
      char *capc = clean_value (cap);
      json_object_set_int_member (e, "number", g_ascii_strtoll (num, NULL, 10));
      json_object_set_string_member (e, "caption", capc);
      g_free (num);
      g_free (cap);
      g_free (capc);
    } else {
      char *c = clean_value (head);
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
      char *t = clean_value (head + m.rest_offset);
      json_object_set_string_member (e, "title", t);
      g_free (t);
      json_object_set_int_member (e, "_value", m.value);
      json_object_set_boolean_member (e, "_ocr", m.ocr_suspect);
    } else {
      char *t = clean_value (head);
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
static void
toc_levels (DnDocument *doc, JsonArray *entries)
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
static DnNode *
toc_node (DnNode *label, DnNode *first_entry, DnNode *last, JsonArray *entries, gboolean figure)
{
  DnNode *toc = dn_node_new (DN_NODE_TOC);
  char *t = node_trimmed (label);
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
static void
read_reader_toc (DnDocument *doc, DnNode *toc, JsonArray *entries, gboolean figure)
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

static DnNode *
read_toc (DnDocument *doc, DnNode *label, JsonArray *entries, gboolean figure)
{
  DnNode *last = NULL;
  for (DnNode *n = dn_node_next (label); n != NULL; n = dn_node_next (n)) {
    if (dn_node_get_node_type (n) == DN_NODE_TOC) {
      read_reader_toc (doc, n, entries, figure);
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

/* ------------------------------------------------------------ front matter */

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
  Cover c = { 0 };
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
    parse_cover (doc, first, last, &c);
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
      sheet = parse_sheet (doc, n, last);
      DnNode *after = dn_node_next (last);
      wrap_front (n, last, "summary_sheet", json_object_get_string_member (sheet, "title"));
      n = after;
    } else if (key_is (n, abstract_labels) && abstract == NULL) {
      abstract = json_object_new ();
      char *h = node_trimmed (n);
      json_object_set_string_member (abstract, "heading_raw", h);
      g_free (h);
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
        char *p = clean_value (dn_node_get_text (m));
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
      toc = json_object_new ();
      char *h = node_trimmed (n);
      json_object_set_string_member (toc, "heading_raw", h);
      g_free (h);
      JsonArray *entries = json_array_new ();
      DnNode *last = read_toc (doc, n, entries, FALSE);
      toc_levels (doc, entries);
      json_object_set_array_member (toc, "entries", entries);
      DnNode *after = last != NULL ? dn_node_next (last) : dn_node_next (n);
      toc_node (n, last != NULL ? dn_node_next (n) : NULL, last, entries, FALSE);
      n = after;
    } else if (dn_node_get_node_type (n) == DN_NODE_TOC && toc == NULL) {
      /* A reader's TOC with no label paragraph before it. */
      toc = json_object_new ();
      const char *toc_title = dn_node_get_attr (n, DN_ATTR_TITLE);
      gboolean titled = toc_title != NULL;
      json_object_set_string_member (toc, "heading_raw", titled ? toc_title : "");
      JsonArray *entries = json_array_new ();
      read_reader_toc (doc, n, entries, FALSE);
      toc_levels (doc, entries);
      json_object_set_array_member (toc, "entries", entries);
      DnNode *after = dn_node_next (n);
      DnNode *t = toc_node (n, NULL, NULL, entries, FALSE);
      if (titled)
        dn_node_set_attr (t, DN_ATTR_TITLE, json_object_get_string_member (toc, "heading_raw"));
      n = after;
    } else if (key_is (n, figure_list_labels) || key_is (n, table_list_labels)) {
      gboolean tables = key_is (n, table_list_labels);
      JsonArray *entries = tables ? json_array_new () : json_array_ref (figure_list);
      DnNode *last = read_toc (doc, n, entries, TRUE);
      DnNode *after = last != NULL ? dn_node_next (last) : dn_node_next (n);
      DnNode *t = toc_node (n, last != NULL ? dn_node_next (n) : NULL, last, entries, TRUE);
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
  if (sheet == NULL) {
    JsonArray *rows = NULL;
    for (DnNode *m = n; m != NULL; m = dn_node_next (m)) {
      const char *key = narrative_key (m);
      if (key == NULL)
        continue;
      if (rows == NULL) {
        sheet = json_object_new ();
        json_object_set_null_member (sheet, "title");
        json_object_set_string_member (sheet, "layout", "narrative");
        rows = json_array_new ();
      }
      JsonObject *row = json_object_new ();
      char *name = printed_trimmed (m);
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
        char *t = node_trimmed (m);
        dn_node_set_text (m, t);
        g_free (t);
      }
      dn_node_set_attr (m, DN_ATTR_ROLE, "summary_row");
      DnNode *v = dn_node_next (m);
      if (v != NULL) {
        char *vt = printed_trimmed (v);
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
      for (DnNode *w = v; w != NULL && narrative_key (w) == NULL; w = dn_node_next (w)) {
        if (dn_node_get_node_type (w) == DN_NODE_FURNITURE)
          continue;
        char *wt = printed_trimmed (w);
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
  }

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
    const char *norm = normalise_category (c.category_raw);
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
        add_org (c.organizations, json_object_get_string_member (t, "organization"));
    }
  }
  json_object_set_array_member (report, "travellers", c.travellers);
  set_or_null_string (report, "travellers_raw", c.travellers_raw);
  if (json_array_get_length (c.destinations) == 0 && sheet != NULL && json_object_has_member (sheet, "venue")) {
    json_array_unref (c.destinations);
    c.destinations = parse_destinations (json_object_get_string_member (sheet, "venue"));
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
