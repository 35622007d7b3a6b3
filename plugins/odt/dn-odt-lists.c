/* ODT lists: text:list items with their labels rendered from the list
 * style, and counters that go on across continued lists. */
#include <stdlib.h>
#include <string.h>

#include "dn-docx-numfmt.h"
#include "dn-odt-private.h"

/* The list style's definition of level @level (1-based), or NULL. */
static xmlNode *
list_level_style (DnOdtCtx *ctx, const char *name, int level)
{
  xmlNode *ls = name != NULL ? g_hash_table_lookup (ctx->list_styles, name) : NULL;
  for (xmlNode *c = ls != NULL ? ls->children : NULL; c != NULL; c = c->next) {
    char *lv = dn_xml_get_attr (c, NS_TEXT, NULL, "level");
    gboolean match = lv != NULL && atoi (lv) == level;
    g_free (lv);
    if (match && c->type == XML_ELEMENT_NODE)
      return c;
  }
  return NULL;
}

/* ODF's num-format (and LibreOffice's CJK ones) as the WordprocessingML
 * format names dn_docx_format_number() renders; NULL for none. */
static const char *
numfmt_name (const char *f)
{
  static const char *const map[][2] = {
    { "1", "decimal" }, { "a", "lowerLetter" }, { "A", "upperLetter" }, { "i", "lowerRoman" },
    { "I", "upperRoman" }, { "壹, 貳, 參, ...", "ideographLegalTraditional" },
    { "一, 二, 三, ...", "taiwaneseCountingThousand" }, { "甲, 乙, 丙, ...", "ideographTraditional" },
    { "子, 丑, 寅, ...", "ideographZodiac" }, { "１, ２, ３, ...", "decimalFullWidth" },
    { "①, ②, ③, ...", "decimalEnclosedCircle" }, { "壹, 贰, 叁, ...", "chineseLegalSimplified" },
  };
  if (f == NULL || *f == '\0')
    return NULL;
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (f, map[i][0]) == 0)
      return map[i][1];
  return "decimal";
}

/* The label an item at @level shows ("壹、", "1.2.", "•"), and its marker
 * type; both newly allocated, NULL when the level shows nothing. */
static void
item_label (DnOdtCtx *ctx, const char *style, int level, const DnOdtCounters *cnt, char **label, char **type)
{
  *label = *type = NULL;
  xmlNode *ls = list_level_style (ctx, style, level);
  if (ls == NULL)
    return;
  if (IS (ls, NS_TEXT, "list-level-style-bullet")) {
    char *bullet = dn_xml_get_attr (ls, NS_TEXT, NULL, "bullet-char");
    if (bullet != NULL && *bullet != '\0') {
      *label = bullet;
      *type = g_strdup ("bullet");
    } else {
      g_free (bullet);
    }
    return;
  }
  if (!IS (ls, NS_TEXT, "list-level-style-number"))
    return;
  char *fmt = dn_xml_get_attr (ls, NS_STYLE, NULL, "num-format");
  const char *name = numfmt_name (fmt);
  g_free (fmt);
  if (name == NULL)
    return;
  char *prefix = dn_xml_get_attr (ls, NS_STYLE, NULL, "num-prefix");
  char *suffix = dn_xml_get_attr (ls, NS_STYLE, NULL, "num-suffix");
  gint64 shown = dn_odt_int_attr (ls, NS_TEXT, "display-levels", 1);
  GString *s = g_string_new (prefix);
  /* Upper levels shown ("1.2.") are written in their own formats. */
  int first_level = (int) MAX (1, level - shown + 1);
  for (int l = first_level; l <= level; l++) {
    if (l > first_level)
      g_string_append_c (s, '.');
    const char *lname = name;
    char *lfmt = NULL;
    if (l != level) {
      xmlNode *lls = list_level_style (ctx, style, l);
      lfmt = lls != NULL ? dn_xml_get_attr (lls, NS_STYLE, NULL, "num-format") : NULL;
      lname = numfmt_name (lfmt) != NULL ? numfmt_name (lfmt) : "decimal";
    }
    gboolean known;
    char *num = dn_docx_format_number (lname, MAX (cnt->value[l], 1), &known);
    g_string_append (s, num);
    g_free (num);
    g_free (lfmt);
  }
  if (suffix != NULL)
    g_string_append (s, suffix);
  *label = g_string_free (s, FALSE);
  *type = g_strdup (name);
  g_free (prefix);
  g_free (suffix);
}

/* A list item's first paragraph, or NULL. */
static xmlNode *
item_first_paragraph (xmlNode *item)
{
  for (xmlNode *c = item->children; c != NULL; c = c->next)
    if (IS (c, NS_TEXT, "p") || IS (c, NS_TEXT, "h"))
      return c;
  return NULL;
}

/* Sets the label on the node a paragraph became (the item, or a heading
 * lifted out of the list). */
static void
set_label (DnNode *node, const char *label, const char *type)
{
  if (node == NULL || label == NULL || *label == '\0' || dn_node_get_attr (node, DN_ATTR_LABEL) != NULL)
    return;
  dn_node_set_attr (node, DN_ATTR_LABEL, label);
  dn_node_set_attr (node, DN_ATTR_MARKER_TYPE, type);
}

void
dn_odt_read_list (DnOdtCtx *ctx, DnNode *parent, xmlNode *list, const char *inherited_style, DnOdtCounters *cnt,
                  int level, guint depth)
{
  char *sn = dn_xml_get_attr (list, NS_TEXT, NULL, "style-name");
  const char *style = sn != NULL ? sn : inherited_style;
  if (level == 1) {
    /* Which counters go on: a list that continues another (by id), one
     * that continues numbering of its style, or a fresh one. */
    char *cont = dn_xml_get_attr (list, NS_TEXT, NULL, "continue-list");
    char *cn = dn_xml_get_attr (list, NS_TEXT, NULL, "continue-numbering");
    char *id = dn_xml_get_attr (list, "http://www.w3.org/XML/1998/namespace", NULL, "id");
    cnt = cont != NULL ? g_hash_table_lookup (ctx->list_by_id, cont) : NULL;
    if (cnt == NULL && g_strcmp0 (cn, "true") == 0 && style != NULL)
      cnt = g_hash_table_lookup (ctx->last_by_style, style);
    if (cnt == NULL) {
      cnt = g_new0 (DnOdtCounters, 1);
      g_ptr_array_add (ctx->counters, cnt);
    }
    if (id != NULL)
      g_hash_table_replace (ctx->list_by_id, id, cnt);
    else
      g_free (id);
    if (style != NULL)
      g_hash_table_replace (ctx->last_by_style, g_strdup (style), cnt);
    g_free (cont);
    g_free (cn);
  }
  int lv = MIN (level, ODT_LIST_LEVELS);
  xmlNode *ls = list_level_style (ctx, style, lv);
  gboolean numbered = ls != NULL && IS (ls, NS_TEXT, "list-level-style-number");
  gint64 start = ls != NULL ? dn_odt_int_attr (ls, NS_TEXT, "start-value", 1) : 1;
  DnNode *ln = NULL; /* made when a real item comes */
  for (xmlNode *it = list->children; it != NULL && !dn_odt_failed (ctx); it = it->next) {
    gboolean header = IS (it, NS_TEXT, "list-header");
    if (!header && !IS (it, NS_TEXT, "list-item"))
      continue;
    xmlNode *first = item_first_paragraph (it);
    char *label = NULL, *type = NULL;
    if (!header && first != NULL) {
      gint64 restart = dn_odt_int_attr (it, NS_TEXT, "start-value", 0);
      cnt->value[lv] = restart > 0 ? (int) restart : cnt->value[lv] > 0 ? cnt->value[lv] + 1 : (int) start;
      for (int k = lv + 1; k <= ODT_LIST_LEVELS; k++)
        cnt->value[k] = 0;
      item_label (ctx, style, lv, cnt, &label, &type);
    }
    /* Word's numbered headings come to ODF as headings in list items:
     * the heading, with its number as label, not a list. An item with no
     * paragraph of its own (only a deeper list) adds no level either. */
    if (first == NULL || IS (first, NS_TEXT, "h")) {
      for (xmlNode *c = it->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
        if (IS (c, NS_TEXT, "h") || IS (c, NS_TEXT, "p")) {
          dn_odt_read_paragraph (ctx, parent, NULL, c, IS (c, NS_TEXT, "h"), depth + 1);
          if (c == first)
            set_label (dn_node_last_child (parent), label, type);
        } else if (IS (c, NS_TEXT, "list")) {
          dn_odt_read_list (ctx, parent, c, style, cnt, level + 1, depth + 1);
        } else if (c->type == XML_ELEMENT_NODE) {
          dn_odt_read_blocks (ctx, parent, c, depth + 1);
        }
      }
      g_free (label);
      g_free (type);
      continue;
    }
    if (ln == NULL) {
      ln = dn_odt_new_node (ctx, parent, DN_NODE_LIST);
      if (ln == NULL) {
        g_free (label);
        g_free (type);
        break;
      }
      dn_node_set_attr (ln, DN_ATTR_ORDERED, numbered ? "true" : "false");
    }
    DnNode *item = dn_odt_new_node (ctx, ln, DN_NODE_LIST_ITEM);
    if (item == NULL) {
      g_free (label);
      g_free (type);
      break;
    }
    set_label (item, label, type);
    g_free (label);
    g_free (type);
    for (xmlNode *c = it->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
      if (IS (c, NS_TEXT, "list"))
        dn_odt_read_list (ctx, item, c, style, cnt, level + 1, depth + 1);
      else if (IS (c, NS_TEXT, "p") || IS (c, NS_TEXT, "h"))
        dn_odt_read_paragraph (ctx, item, item, c, FALSE, depth + 1);
      else if (c->type == XML_ELEMENT_NODE)
        dn_odt_read_blocks (ctx, item, c, depth + 1);
    }
  }
  g_free (sn);
}

