/* The DOCX reader's numbering: numbering.xml into abstract lists and nums,
 * and each numbered paragraph's label as Word renders it. */
#include "dn-docx-private.h"

/* ---------- numbering.xml ---------- */

static void
lvl_clear (NumLvl *l)
{
  g_free (l->fmt);
  g_free (l->text);
  g_free (l->pstyle);
  memset (l, 0, sizeof *l);
}

static void
parse_lvl (xmlNode *n, NumLvl *l)
{
  lvl_clear (l);
  l->set = TRUE;
  l->start = 1;
  l->restart = -1;
  xmlNode *c;
  /* Bounded so that counting on from a hostile start cannot overflow. */
  if ((c = wchild (n, "start")) != NULL)
    l->start = CLAMP (wattr_int (c, "val", 1), 0, MAX_COUNTER);
  if ((c = wchild (n, "numFmt")) != NULL)
    l->fmt = wattr (c, "val");
  if ((c = wchild (n, "lvlText")) != NULL)
    l->text = wattr (c, "val");
  if ((c = wchild (n, "isLgl")) != NULL)
    l->is_lgl = on_off (c);
  if ((c = wchild (n, "lvlRestart")) != NULL)
    l->restart = wattr_int (c, "val", -1);
  if ((c = wchild (n, "pStyle")) != NULL)
    l->pstyle = wattr (c, "val");
  /* A bullet drawn in the Symbol font (U+F0B7 → •). */
  xmlNode *fonts = wchild (wchild (n, "rPr"), "rFonts");
  char *font = fonts != NULL ? wattr (fonts, "ascii") : NULL;
  if (font != NULL && g_ascii_strcasecmp (font, "Symbol") == 0 && l->text != NULL &&
      g_utf8_strlen (l->text, -1) == 1) {
    gunichar u = g_utf8_get_char (l->text);
    gunichar m = u >= 0xF020 && u <= 0xF0FF ? dn_docx_symbol_to_unicode (u - 0xF000) : 0;
    if (m != 0) {
      char buf[8] = { 0 };
      g_unichar_to_utf8 (m, buf);
      g_free (l->text);
      l->text = g_strdup (buf);
    }
  }
  g_free (font);
  /* mc:AlternateContent around numFmt (Word 2010 custom formats) */
  if (l->fmt == NULL)
    for (c = n->children; c != NULL; c = c->next)
      if (IS_MC (c, "AlternateContent"))
        for (xmlNode *b = c->children; b != NULL && l->fmt == NULL; b = b->next)
          if (IS_MC (b, "Fallback") && wchild (b, "numFmt") != NULL)
            l->fmt = wattr (wchild (b, "numFmt"), "val");
}

void
dn_docx_abstract_free (gpointer p)
{
  AbstractNum *a = p;
  for (int i = 0; i < MAX_LEVELS; i++)
    lvl_clear (&a->lvl[i]);
  g_free (a->num_style_link);
  g_free (a);
}

void
dn_docx_num_free (gpointer p)
{
  Num *n = p;
  for (int i = 0; i < MAX_LEVELS; i++)
    lvl_clear (&n->lvl[i]);
  g_free (n);
}

/* One child of w:numbering: an abstract list or a num. */
static void
numbering_element (Ctx *ctx, xmlNode *n)
{
  if (IS_W (n, "abstractNum")) {
    int id = wattr_int (n, "abstractNumId", -1);
    if (id < 0)
      return;
    AbstractNum *a = g_new0 (AbstractNum, 1);
    xmlNode *link = wchild (n, "numStyleLink");
    if (link != NULL)
      a->num_style_link = wattr (link, "val");
    for (xmlNode *l = n->children; l != NULL; l = l->next) {
      int il = IS_W (l, "lvl") ? wattr_int (l, "ilvl", -1) : -1;
      if (il >= 0 && il < MAX_LEVELS)
        parse_lvl (l, &a->lvl[il]);
    }
    g_hash_table_replace (ctx->abstracts, GINT_TO_POINTER (id), a);
  } else if (IS_W (n, "num")) {
    int id = wattr_int (n, "numId", -1);
    xmlNode *an = wchild (n, "abstractNumId");
    if (id < 0 || an == NULL)
      return;
    Num *num = g_new0 (Num, 1);
    num->abstract_id = wattr_int (an, "val", -1);
    for (int i = 0; i < MAX_LEVELS; i++)
      num->start_override[i] = -1;
    for (xmlNode *o = n->children; o != NULL; o = o->next) {
      int il = IS_W (o, "lvlOverride") ? wattr_int (o, "ilvl", -1) : -1;
      if (il < 0 || il >= MAX_LEVELS)
        continue;
      xmlNode *so = wchild (o, "startOverride"), *l = wchild (o, "lvl");
      if (so != NULL)
        num->start_override[il] = CLAMP (wattr_int (so, "val", 1), 0, MAX_COUNTER);
      if (l != NULL)
        parse_lvl (l, &num->lvl[il]);
    }
    g_hash_table_replace (ctx->nums, GINT_TO_POINTER (id), num);
  }
}

void
dn_docx_load_numbering (Ctx *ctx, const char *part)
{
  dn_docx_part_each_child (ctx, part, "numbering part", numbering_element);
}

/* The abstract list holding @num's levels, following one numStyleLink hop
 * (abstract → numbering style → its num → that num's abstract). */
static AbstractNum *
num_abstract (Ctx *ctx, Num *num)
{
  AbstractNum *a = g_hash_table_lookup (ctx->abstracts, GINT_TO_POINTER (num->abstract_id));
  if (a != NULL && a->num_style_link != NULL) {
    Style *st = dn_docx_style_get (ctx, a->num_style_link);
    Num *linked = st != NULL && st->num_id > 0 ? g_hash_table_lookup (ctx->nums, GINT_TO_POINTER (st->num_id)) : NULL;
    AbstractNum *b = linked != NULL ? g_hash_table_lookup (ctx->abstracts, GINT_TO_POINTER (linked->abstract_id)) : NULL;
    if (b != NULL && b->num_style_link == NULL)
      a = b;
  }
  return a;
}

/* The level of @num_id whose pStyle is @style_id, or -1. */
int
dn_docx_level_for_style (Ctx *ctx, int num_id, const char *style_id)
{
  Num *num = style_id != NULL ? g_hash_table_lookup (ctx->nums, GINT_TO_POINTER (num_id)) : NULL;
  AbstractNum *a = num != NULL ? num_abstract (ctx, num) : NULL;
  for (int i = 0; a != NULL && i < MAX_LEVELS; i++)
    if (a->lvl[i].pstyle != NULL && strcmp (a->lvl[i].pstyle, style_id) == 0)
      return i;
  return -1;
}

static const NumLvl *
num_level (Num *num, AbstractNum *a, int il)
{
  return num->lvl[il].set ? &num->lvl[il] : &a->lvl[il];
}

/* Advances the counters of (@num_id, @ilvl) as Word does for one numbered
 * paragraph and renders its label. Returns a new string, or NULL when the
 * paragraph is not numbered; *@fmt_out borrows the level's numFmt. */
char *
dn_docx_number_paragraph (Ctx *ctx, int num_id, int ilvl, const char **fmt_out)
{
  if (num_id <= 0 || ilvl < 0 || ilvl >= MAX_LEVELS)
    return NULL;
  Num *num = g_hash_table_lookup (ctx->nums, GINT_TO_POINTER (num_id));
  AbstractNum *a = num != NULL ? num_abstract (ctx, num) : NULL;
  if (a == NULL)
    return NULL;
  const NumLvl *lv = num_level (num, a, ilvl);
  if (!lv->set)
    return NULL;
  /* A startOverride restarts its level the first time this num is used. */
  if (num->start_override[ilvl] >= 0 && !num->override_done[ilvl]) {
    num->override_done[ilvl] = TRUE;
    a->counter[ilvl] = num->start_override[ilvl];
    a->used[ilvl] = TRUE;
  } else if (!a->used[ilvl]) {
    a->counter[ilvl] = lv->start;
    a->used[ilvl] = TRUE;
  } else if (a->counter[ilvl] < MAX_COUNTER) {
    a->counter[ilvl]++;
  }
  for (int k = ilvl + 1; k < MAX_LEVELS; k++) {
    const NumLvl *lk = num_level (num, a, k);
    int restart_after = lk->restart < 0 ? k : lk->restart;  /* 1-based level */
    if (restart_after > 0 && ilvl < restart_after)
      a->used[k] = FALSE;
  }
  *fmt_out = lv->fmt != NULL ? lv->fmt : "decimal";
  if (lv->text == NULL)
    return g_strdup ("");
  GString *out = g_string_new (NULL);
  for (const char *p = lv->text; *p; p++) {
    if (p[0] == '%' && p[1] >= '1' && p[1] <= '9') {
      int k = p[1] - '1';
      const NumLvl *lk = num_level (num, a, k);
      int value = a->used[k] ? a->counter[k] : (lk->set ? lk->start : 1);
      const char *fmt = lk->fmt != NULL ? lk->fmt : "decimal";
      /* isLgl: every level shown in Arabic numerals (legal numbering). */
      if (lv->is_lgl && strcmp (fmt, "decimalZero") != 0)
        fmt = "decimal";
      gboolean known = TRUE;
      char *s = dn_docx_format_number (fmt, value, &known);
      if (!known)
        dn_document_add_warning (ctx->doc, "DOCX_NUMFMT_UNSUPPORTED", 0,
                                 "number format %s rendered as decimal", fmt);
      g_string_append (out, s);
      g_free (s);
      p++;
    } else {
      g_string_append_c (out, *p);
    }
  }
  return g_string_free (out, FALSE);
}
