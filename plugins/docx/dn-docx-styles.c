/* The DOCX reader's styles: styles.xml into Style entries, run properties
 * parsed and merged, basedOn chains resolved, Symbol-font characters
 * mapped to Unicode. */
#include "dn-docx-private.h"

/* Adobe Symbol font positions 0x20–0xFF in Unicode (0 = keep as written).
 * Word stores Symbol characters as U+F020–U+F0FF; pandoc and LibreOffice map
 * them the same way. */
gunichar
dn_docx_symbol_to_unicode (guint code)
{
  static const char upper[] = "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ";
  static const char lower[] = "αβχδεφγηιϕκλμνοπθρστυϖωξψζ";
  static const struct { guint8 code; gunichar u; } other[] = {
    { 0x22, 0x2200 }, { 0x24, 0x2203 }, { 0x27, 0x220B }, { 0x2A, 0x2217 }, { 0x2D, 0x2212 },
    { 0x40, 0x2245 }, { 0x5C, 0x2234 }, { 0x5E, 0x22A5 }, { 0x7E, 0x223C }, { 0xA2, 0x2032 },
    { 0xA3, 0x2264 }, { 0xA5, 0x221E }, { 0xA7, 0x2663 }, { 0xA8, 0x2666 }, { 0xA9, 0x2665 },
    { 0xAA, 0x2660 }, { 0xAB, 0x2194 }, { 0xAC, 0x2190 }, { 0xAD, 0x2191 }, { 0xAE, 0x2192 },
    { 0xAF, 0x2193 }, { 0xB0, 0x00B0 }, { 0xB1, 0x00B1 }, { 0xB2, 0x2033 }, { 0xB3, 0x2265 },
    { 0xB4, 0x00D7 }, { 0xB5, 0x221D }, { 0xB6, 0x2202 }, { 0xB7, 0x2022 }, { 0xB8, 0x00F7 },
    { 0xB9, 0x2260 }, { 0xBA, 0x2261 }, { 0xBB, 0x2248 }, { 0xBC, 0x2026 }, { 0xC0, 0x2135 },
    { 0xC6, 0x2205 }, { 0xC7, 0x2229 }, { 0xC8, 0x222A }, { 0xC9, 0x2283 }, { 0xCC, 0x2282 },
    { 0xCE, 0x2208 }, { 0xCF, 0x2209 }, { 0xD1, 0x2207 }, { 0xD5, 0x220F }, { 0xD6, 0x221A },
    { 0xD7, 0x22C5 }, { 0xD8, 0x00AC }, { 0xD9, 0x2227 }, { 0xDA, 0x2228 }, { 0xDE, 0x21D2 },
    { 0xE0, 0x25CA }, { 0xE5, 0x2211 }, { 0xF2, 0x222B },
  };
  if (code >= 'A' && code <= 'Z')
    return g_utf8_get_char (g_utf8_offset_to_pointer (upper, code - 'A'));
  if (code >= 'a' && code <= 'z')
    return g_utf8_get_char (g_utf8_offset_to_pointer (lower, code - 'a'));
  for (guint i = 0; i < G_N_ELEMENTS (other); i++)
    if (other[i].code == code)
      return other[i].u;
  if (code >= 0x20 && code < 0x7F)
    return code;
  return 0;
}


/* ---------- styles.xml ---------- */

void
dn_docx_rpr_init (RunProps *r)
{
  r->b = r->i = r->u = r->strike = r->vanish = r->vert = -1;
  r->sz = 0;
}

void
dn_docx_rpr_parse (const xmlNode *rpr, RunProps *r)
{
  for (xmlNode *c = rpr != NULL ? rpr->children : NULL; c != NULL; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (IS_W (c, "b"))
      r->b = on_off (c);
    else if (IS_W (c, "i"))
      r->i = on_off (c);
    else if (IS_W (c, "strike") || IS_W (c, "dstrike"))
      r->strike = on_off (c);
    else if (IS_W (c, "vanish"))
      r->vanish = on_off (c);
    else if (IS_W (c, "u")) {
      char *v = wattr (c, "val");
      r->u = v == NULL || strcmp (v, "none") != 0;
      g_free (v);
    } else if (IS_W (c, "vertAlign")) {
      char *v = wattr (c, "val");
      r->vert = v == NULL ? 0 : strcmp (v, "superscript") == 0 ? 1 : strcmp (v, "subscript") == 0 ? 2 : 0;
      g_free (v);
    } else if (IS_W (c, "sz")) {
      int sz = wattr_int (c, "val", 0);
      if (sz > 0)
        r->sz = sz;
    }
  }
}

/* Fields of @over that are set replace those of @base. */
void
dn_docx_rpr_merge (RunProps *base, const RunProps *over)
{
  if (over->b >= 0)
    base->b = over->b;
  if (over->i >= 0)
    base->i = over->i;
  if (over->u >= 0)
    base->u = over->u;
  if (over->strike >= 0)
    base->strike = over->strike;
  if (over->vanish >= 0)
    base->vanish = over->vanish;
  if (over->vert >= 0)
    base->vert = over->vert;
  if (over->sz > 0)
    base->sz = over->sz;
}

DnAlign
dn_docx_parse_jc (const xmlNode *jc)
{
  char *v = wattr (jc, "val");
  DnAlign a = DN_ALIGN_UNKNOWN;
  if (v == NULL)
    a = DN_ALIGN_UNKNOWN;
  else if (strcmp (v, "left") == 0 || strcmp (v, "start") == 0)
    a = DN_ALIGN_LEFT;
  else if (strcmp (v, "center") == 0)
    a = DN_ALIGN_CENTER;
  else if (strcmp (v, "right") == 0 || strcmp (v, "end") == 0)
    a = DN_ALIGN_RIGHT;
  else if (strcmp (v, "both") == 0 || strcmp (v, "distribute") == 0)
    a = DN_ALIGN_JUSTIFY;
  g_free (v);
  return a;
}

void
dn_docx_style_free (gpointer p)
{
  Style *s = p;
  g_free (s->id);
  g_free (s->name);
  g_free (s->based_on);
  g_free (s);
}

/* Level 1..9 when @name is a built-in heading style name, in English or as
 * localized Word and WPS write it ("heading 1", "Heading1", "標題 1",
 * "标题 1", "見出し 1", "Überschrift 1", "Titre 1", "제목 1"). */
static int
heading_level_from_name (const char *name)
{
  if (name == NULL)
    return 0;
  static const char *const prefixes[] = { "heading", "標題", "标题", "見出し", "überschrift", "titre",
                                          "titolo", "título", "kop", "заголовок", "제목", NULL };
  char *low = g_utf8_strdown (name, -1);
  GString *squeezed = g_string_new (NULL);
  for (const char *p = low; *p; p++)
    if (*p != ' ' && *p != '_' && *p != '-')
      g_string_append_c (squeezed, *p);
  g_free (low);
  int level = 0;
  for (guint i = 0; prefixes[i] != NULL && level == 0; i++) {
    gsize pl = strlen (prefixes[i]);
    if (strncmp (squeezed->str, prefixes[i], pl) == 0) {
      const char *rest = squeezed->str + pl;
      if (rest[0] >= '1' && rest[0] <= '9' && rest[1] == '\0')
        level = rest[0] - '0';
    }
  }
  g_string_free (squeezed, TRUE);
  return level;
}

/* One child of w:styles: the document defaults or a style. */
static void
style_element (Ctx *ctx, xmlNode *n)
{
  if (IS_W (n, "docDefaults")) {
    xmlNode *rd = wchild (wchild (n, "rPrDefault"), "rPr");
    dn_docx_rpr_parse (rd, &ctx->defaults);
    return;
  }
  if (!IS_W (n, "style"))
    return;
  Style *s = g_new0 (Style, 1);
  s->id = wattr (n, "styleId");
  if (s->id == NULL) {
    g_free (s);
    return;
  }
  char *type = wattr (n, "type");
  s->type = type == NULL ? 'p' : type[0] == 'c' ? 'c' : type[0] == 't' ? 't' : type[0] == 'n' ? 'n' : 'p';
  char *def = wattr (n, "default");
  if (def != NULL && (strcmp (def, "1") == 0 || strcmp (def, "true") == 0) && s->type == 'p' &&
      ctx->default_pstyle == NULL)
    ctx->default_pstyle = g_strdup (s->id);
  g_free (def);
  g_free (type);
  s->outline = -1;
  s->num_id = -1;
  s->ilvl = -1;
  dn_docx_rpr_init (&s->rpr);
  xmlNode *c;
  if ((c = wchild (n, "name")) != NULL)
    s->name = wattr (c, "val");
  if ((c = wchild (n, "basedOn")) != NULL)
    s->based_on = wattr (c, "val");
  xmlNode *ppr = wchild (n, "pPr");
  if (ppr != NULL) {
    if ((c = wchild (ppr, "outlineLvl")) != NULL)
      s->outline = wattr_int (c, "val", -1);
    if ((c = wchild (ppr, "jc")) != NULL)
      s->jc = dn_docx_parse_jc (c);
    if ((c = wchild (ppr, "numPr")) != NULL) {
      xmlNode *id = wchild (c, "numId"), *il = wchild (c, "ilvl");
      if (id != NULL)
        s->num_id = wattr_int (id, "val", -1);
      if (il != NULL)
        s->ilvl = wattr_int (il, "val", -1);
    }
  }
  dn_docx_rpr_parse (wchild (n, "rPr"), &s->rpr);
  if (s->type == 'p') {
    s->heading_by_name = heading_level_from_name (s->name);
    /* Some producers name the style by its id only (Heading1, 1..9 in
     * WPS with a localized name that matched above). */
    if (s->heading_by_name == 0)
      s->heading_by_name = heading_level_from_name (s->id);
  }
  g_hash_table_replace (ctx->styles, s->id, s);
}

void
dn_docx_load_styles (Ctx *ctx, const char *part)
{
  dn_docx_part_each_child (ctx, part, "styles part", style_element);
}

/* The style with inherited values filled in from its basedOn chain.
 * Borrowed; NULL when unknown. */
static Style *style_get_depth (Ctx *ctx, const char *id, guint depth);

Style *
dn_docx_style_get (Ctx *ctx, const char *id)
{
  return style_get_depth (ctx, id, 0);
}

/* Resolution recurses along basedOn; chains longer than MAX_STYLE_CHAIN
 * (never seen in real files) stop inheriting, so a hostile chain of
 * 100 000 styles cannot exhaust the stack. */
static Style *
style_get_depth (Ctx *ctx, const char *id, guint depth)
{
  if (id == NULL)
    return NULL;
  Style *s = g_hash_table_lookup (ctx->styles, id);
  if (s == NULL || s->resolved)
    return s;
  if (s->resolving) {
    dn_document_add_warning (ctx->doc, "DOCX_STYLE_LOOP", 0, "style %s is based on itself", s->id);
    return s;
  }
  s->resolving = TRUE;
  if (s->based_on != NULL && depth >= MAX_STYLE_CHAIN)
    dn_document_add_warning (ctx->doc, "DOCX_STYLE_LOOP", 0,
                             "style basedOn chain deeper than %d levels; inheritance cut", MAX_STYLE_CHAIN);
  Style *p = s->based_on != NULL && depth < MAX_STYLE_CHAIN ? style_get_depth (ctx, s->based_on, depth + 1) : NULL;
  if (p != NULL && p != s) {
    if (s->outline < 0)
      s->outline = p->outline;
    if (s->num_id < 0)
      s->num_id = p->num_id;
    if (s->ilvl < 0)
      s->ilvl = p->ilvl;
    if (s->jc == DN_ALIGN_UNKNOWN)
      s->jc = p->jc;
    RunProps merged = p->rpr;
    dn_docx_rpr_merge (&merged, &s->rpr);
    s->rpr = merged;
    if (s->heading_by_name == 0 && s->outline < 0)
      s->heading_by_name = p->heading_by_name;
  }
  s->resolving = FALSE;
  s->resolved = TRUE;
  return s;
}
