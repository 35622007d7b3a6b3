/* The cover (封面) of a 出國報告: header, category, title lines and the
 * key：value or grid fields its label table names. */
#include <string.h>

#include "dn-report-private.h"
#include "../dn-vocab.h"

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

/* Where a cover field's value goes in @c, by the table's field name. */
static JsonObject **
date_slot (DnReportCover *c, const DnReportLabel *label)
{
  return strcmp (label->field, "period") == 0 ? &c->period : &c->report_date;
}

void
dn_report_cover_parse (DnDocument *doc, DnNode *first, DnNode *last, DnReportCover *c)
{
  const DnReportLabelTable *tab = &dn_report_cover_labels;
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
      if (kv && (dn_report_labels_match (tab, key, DN_REPORT_MATCH_KEY, NULL, NULL) == NULL ||
                 dn_report_labels_all_in (tab->grid_header, t))) {
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
      const char *cat = strstr (t, tab->category);
      if (cat != NULL) {
        const char *v = cat + strlen (tab->category);
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
                 dn_report_labels_any_in (tab->header_words, t) && !seen_key) {
        /* A bare "出國報告" is what offices put in the running header, the
         * cover's too: the cover's own header line, when one follows,
         * replaces it. */
        g_free (c->header_raw);
        c->header_raw = g_strdup (t);
        char *hk = dn_text_title_key (t);
        header_weak = strcmp (hk, tab->weak_header) == 0;
        g_free (hk);
        c->found = TRUE;
      } else if (kv) {
        seen_key = TRUE;
        table_mode = FALSE;
        c->found = TRUE;
        const DnReportLabel *label = dn_report_labels_match (tab, key, DN_REPORT_MATCH_KEY, NULL, NULL);
        switch (label != NULL ? label->value : DN_REPORT_VALUE_NONE) {
        case DN_REPORT_VALUE_ORGANIZATIONS: {
          char **orgs = g_regex_split_simple ("[、，,]", value, 0, 0);
          for (guint i = 0; orgs[i] != NULL; i++) {
            char *o = dn_text_trim (orgs[i]);
            if (*o != '\0') {
              dn_report_orgs_add (c->organizations, o);
              g_free (org_carry);
              org_carry = g_strdup (o);
            }
            g_free (o);
          }
          g_strfreev (orgs);
          break;
        }
        case DN_REPORT_VALUE_TRAVELLERS_GLUED:
          g_free (c->travellers_raw);
          c->travellers_raw = dn_text_trim (value);
          dn_report_travellers_parse_glued (doc, value, org_carry, c->travellers);
          break;
        case DN_REPORT_VALUE_NAMES:
          g_free (names);
          names = dn_text_trim (value);
          break;
        case DN_REPORT_VALUE_TITLES:
          g_free (titles);
          titles = dn_text_trim (value);
          break;
        case DN_REPORT_VALUE_TEXT: /* the cover's one text field, 單位 */
          g_free (c->unit);
          c->unit = dn_text_trim (value);
          break;
        case DN_REPORT_VALUE_DESTINATIONS:
          json_array_unref (c->destinations);
          c->destinations = dn_report_destinations_parse (value);
          break;
        case DN_REPORT_VALUE_DATE: {
          JsonObject **slot = date_slot (c, label);
          g_clear_pointer (slot, json_object_unref);
          *slot = dn_date_parse_range (value, 0);
          if (*slot == NULL)
            dn_document_add_warning (doc, "DATE_UNPARSED", 0, "%s '%s' is not a date", label->spelling, value);
          break;
        }
        default:
          break;
        }
      } else if (dn_report_labels_all_in (tab->grid_header, t)) {
        table_mode = TRUE;
        seen_key = TRUE;
        c->found = TRUE;
      } else if (table_mode) {
        if (!dn_report_traveller_from_row (t, &org_carry, c->travellers, c->organizations))
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
        json_array_add_object_element (c->travellers, dn_report_traveller_new (nm, tl, org_carry));
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
