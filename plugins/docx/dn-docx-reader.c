/* The DOCX reader: WordprocessingML (transitional and Strict) on libzip and
 * libxml2. Faithful: paragraphs, headings by style or outline level, Word's
 * numbering labels as Word shows them, tables with spans, figures, text
 * boxes, notes, comments, headers and footers, TOC field results. It does
 * not guess report structure; analysis in core does that. */
#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "docnorm.h"
#include "dn-docx-numfmt.h"
#include "dn-ooxml-zip.h"
#include "dn-para-builder.h"
#include "dn-safe-xml.h"

#define DOCX_VERSION "1.0.0"

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_S "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_R_S "http://purl.oclc.org/ooxml/officeDocument/relationships"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"
#define NS_M "http://schemas.openxmlformats.org/officeDocument/2006/math"
#define NS_M_S "http://purl.oclc.org/ooxml/officeDocument/math"
#define NS_O "urn:schemas-microsoft-com:office:office"

#define IS_W(n, name) dn_xml_is ((n), NS_W, NS_W_S, (name))
#define IS_MC(n, name) dn_xml_is ((n), NS_MC, NULL, (name))
#define MAX_LEVELS 9
#define MAX_STYLE_CHAIN 64
#define MAX_COUNTER 1000000000

/* Adobe Symbol font positions 0x20–0xFF in Unicode (0 = keep as written).
 * Word stores Symbol characters as U+F020–U+F0FF; pandoc and LibreOffice map
 * them the same way. */
static gunichar
symbol_to_unicode (guint code)
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

/* ---------- styles ---------- */

typedef struct {
  gint8 b, i, u, strike, vanish;  /* -1 unset */
  gint8 vert;                     /* -1 unset, 0 baseline, 1 super, 2 sub */
  int sz;                         /* half-points, 0 unset */
} RunProps;

typedef struct {
  char *id;
  char *name;
  char *based_on;
  char type;          /* 'p' paragraph, 'c' character, 't' table, 'n' numbering */
  int outline;        /* -1 unset, 0..9 */
  int num_id;         /* -1 unset */
  int ilvl;           /* -1 unset */
  DnAlign jc;
  RunProps rpr;
  int heading_by_name; /* 0 none, 1..9 */
  gboolean resolved;
  gboolean resolving;
} Style;

/* ---------- numbering ---------- */

typedef struct {
  gboolean set;
  int start;
  char *fmt;
  char *text;
  gboolean is_lgl;
  int restart;        /* -1: default (restart after any higher level) */
  char *pstyle;       /* paragraph style linked to this level */
} NumLvl;

typedef struct {
  NumLvl lvl[MAX_LEVELS];
  int counter[MAX_LEVELS];
  gboolean used[MAX_LEVELS];
  char *num_style_link;   /* levels live in the list a numbering style names */
} AbstractNum;

typedef struct {
  int abstract_id;
  int start_override[MAX_LEVELS];   /* -1 none */
  gboolean override_done[MAX_LEVELS];
  NumLvl lvl[MAX_LEVELS];           /* full lvl overrides, when set */
} Num;

/* ---------- fields ---------- */

typedef enum { FIELD_OTHER, FIELD_TOC, FIELD_HYPERLINK, FIELD_PAGE } FieldKind;

typedef struct {
  GString *instr;
  gboolean in_result;
  FieldKind kind;
  char *href;
} Field;

typedef struct {
  DnDocument *doc;
  const DnReadOptions *opt;
  DnOoxmlZip *zip;
  char *main_part;
  const char *cur_part;       /* part whose relationships apply now */
  DnOoxmlRels *cur_rels;
  GHashTable *styles;         /* id → Style* */
  RunProps defaults;
  char *default_pstyle;
  GHashTable *abstracts;      /* int → AbstractNum* */
  GHashTable *nums;           /* int → Num* */
  GPtrArray *fields;          /* Field*, a stack */
  DnNode *toc;                /* TOC node of the latest TOC field (may be unplaced) */
  gboolean toc_active;        /* inside a TOC field's result */
  GHashTable *note_numbers;   /* "fn3" → "1" */
  int n_footnote_refs, n_endnote_refs;
  DnOoxmlImages *images;      /* figures' image names, exported with --images */
  guint64 nodes;
  guint depth;                /* block nesting (tables, text boxes) */
  GError *error;              /* first fatal error */
} Ctx;

static void read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container);

static gboolean
ctx_failed (Ctx *ctx)
{
  return ctx->error != NULL;
}

/* Counts a new node against the limit; FALSE (with ctx->error) when over. */
static gboolean
count_node (Ctx *ctx)
{
  guint32 max = ctx->opt->limits.max_nodes;
  if (max > 0 && ++ctx->nodes > max) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", max);
    return FALSE;
  }
  return TRUE;
}

static char *
wattr (const xmlNode *n, const char *local)
{
  return dn_xml_get_attr (n, NS_W, NS_W_S, local);
}

static xmlNode *
wchild (const xmlNode *n, const char *local)
{
  for (xmlNode *c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
    if (IS_W (c, local))
      return c;
  return NULL;
}

static int
wattr_int (const xmlNode *n, const char *local, int fallback)
{
  char *v = wattr (n, local);
  int out = fallback;
  if (v != NULL) {
    char *end;
    gint64 x = g_ascii_strtoll (v, &end, 10);
    if (end != v && x > G_MININT32 && x < G_MAXINT32)
      out = (int) x;
  }
  g_free (v);
  return out;
}

/* An ST_OnOff element: present without w:val means on. */
static gint8
on_off (const xmlNode *n)
{
  char *v = wattr (n, "val");
  gint8 out = v == NULL || strcmp (v, "1") == 0 || strcmp (v, "true") == 0 || strcmp (v, "on") == 0;
  g_free (v);
  return out;
}

/* Records a fatal error from reading a part, or a warning when the part is
 * optional and merely unreadable. Limit errors are always fatal. */
static void
part_problem (Ctx *ctx, GError **errp, gboolean optional, const char *what)
{
  GError *err = *errp;
  *errp = NULL;  /* taken */
  if (err == NULL)
    return;
  if (optional && err->code != DN_ERROR_LIMIT) {
    dn_document_add_warning (ctx->doc, "DOCX_PART_UNREADABLE", 0, "%s skipped: %s", what, err->message);
    g_error_free (err);
    return;
  }
  if (ctx->error == NULL)
    ctx->error = err;
  else
    g_error_free (err);
}

/* ---------- styles.xml ---------- */

static void
rpr_init (RunProps *r)
{
  r->b = r->i = r->u = r->strike = r->vanish = r->vert = -1;
  r->sz = 0;
}

static void
rpr_parse (const xmlNode *rpr, RunProps *r)
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
static void
rpr_merge (RunProps *base, const RunProps *over)
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

static DnAlign
parse_jc (const xmlNode *jc)
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

static void
style_free (gpointer p)
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

static void
load_styles (Ctx *ctx, const char *part)
{
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, part, &err);
  if (x == NULL) {
    part_problem (ctx, &err, TRUE, "styles part");
    return;
  }
  xmlNode *root = xmlDocGetRootElement (x);
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
    if (IS_W (n, "docDefaults")) {
      xmlNode *rd = wchild (wchild (n, "rPrDefault"), "rPr");
      rpr_parse (rd, &ctx->defaults);
      continue;
    }
    if (!IS_W (n, "style"))
      continue;
    Style *s = g_new0 (Style, 1);
    s->id = wattr (n, "styleId");
    if (s->id == NULL) {
      g_free (s);
      continue;
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
    rpr_init (&s->rpr);
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
        s->jc = parse_jc (c);
      if ((c = wchild (ppr, "numPr")) != NULL) {
        xmlNode *id = wchild (c, "numId"), *il = wchild (c, "ilvl");
        if (id != NULL)
          s->num_id = wattr_int (id, "val", -1);
        if (il != NULL)
          s->ilvl = wattr_int (il, "val", -1);
      }
    }
    rpr_parse (wchild (n, "rPr"), &s->rpr);
    if (s->type == 'p') {
      s->heading_by_name = heading_level_from_name (s->name);
      /* Some producers name the style by its id only (Heading1, 1..9 in
       * WPS with a localized name that matched above). */
      if (s->heading_by_name == 0)
        s->heading_by_name = heading_level_from_name (s->id);
    }
    g_hash_table_replace (ctx->styles, s->id, s);
  }
  xmlFreeDoc (x);
}

/* The style with inherited values filled in from its basedOn chain.
 * Borrowed; NULL when unknown. */
static Style *style_get_depth (Ctx *ctx, const char *id, guint depth);

static Style *
style_get (Ctx *ctx, const char *id)
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
    rpr_merge (&merged, &s->rpr);
    s->rpr = merged;
    if (s->heading_by_name == 0 && s->outline < 0)
      s->heading_by_name = p->heading_by_name;
  }
  s->resolving = FALSE;
  s->resolved = TRUE;
  return s;
}

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
    gunichar m = u >= 0xF020 && u <= 0xF0FF ? symbol_to_unicode (u - 0xF000) : 0;
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

static void
abstract_free (gpointer p)
{
  AbstractNum *a = p;
  for (int i = 0; i < MAX_LEVELS; i++)
    lvl_clear (&a->lvl[i]);
  g_free (a->num_style_link);
  g_free (a);
}

static void
num_free (gpointer p)
{
  Num *n = p;
  for (int i = 0; i < MAX_LEVELS; i++)
    lvl_clear (&n->lvl[i]);
  g_free (n);
}

static void
load_numbering (Ctx *ctx, const char *part)
{
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, part, &err);
  if (x == NULL) {
    part_problem (ctx, &err, TRUE, "numbering part");
    return;
  }
  xmlNode *root = xmlDocGetRootElement (x);
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
    if (IS_W (n, "abstractNum")) {
      int id = wattr_int (n, "abstractNumId", -1);
      if (id < 0)
        continue;
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
        continue;
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
  xmlFreeDoc (x);
}

/* The abstract list holding @num's levels, following one numStyleLink hop
 * (abstract → numbering style → its num → that num's abstract). */
static AbstractNum *
num_abstract (Ctx *ctx, Num *num)
{
  AbstractNum *a = g_hash_table_lookup (ctx->abstracts, GINT_TO_POINTER (num->abstract_id));
  if (a != NULL && a->num_style_link != NULL) {
    Style *st = style_get (ctx, a->num_style_link);
    Num *linked = st != NULL && st->num_id > 0 ? g_hash_table_lookup (ctx->nums, GINT_TO_POINTER (st->num_id)) : NULL;
    AbstractNum *b = linked != NULL ? g_hash_table_lookup (ctx->abstracts, GINT_TO_POINTER (linked->abstract_id)) : NULL;
    if (b != NULL && b->num_style_link == NULL)
      a = b;
  }
  return a;
}

/* The level of @num_id whose pStyle is @style_id, or -1. */
static int
level_for_style (Ctx *ctx, int num_id, const char *style_id)
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
static char *
number_paragraph (Ctx *ctx, int num_id, int ilvl, const char **fmt_out)
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

/* ---------- paragraphs ---------- */

typedef struct {
  DnParaBuilder base;      /* text, spans, blocks placed after the paragraph */
  RunProps pstyle_rpr;     /* defaults + paragraph style */
  gboolean in_toc;
  gboolean has_page_field;
  guint bold_bytes, italic_bytes, text_bytes;
  int first_sz;
} Para;

/* TRUE when text may be emitted: no field is in its instruction part. */
static gboolean
fields_show_text (Ctx *ctx)
{
  for (guint i = 0; i < ctx->fields->len; i++)
    if (!((Field *) g_ptr_array_index (ctx->fields, i))->in_result)
      return FALSE;
  return TRUE;
}

static const char *
field_href (Ctx *ctx)
{
  for (guint i = ctx->fields->len; i > 0; i--) {
    Field *f = g_ptr_array_index (ctx->fields, i - 1);
    if (f->kind == FIELD_HYPERLINK && f->in_result && f->href != NULL)
      return f->href;
  }
  return NULL;
}

static void
para_append (Ctx *ctx, Para *pb, const char *s, gssize len, guint32 marks, const char *href)
{
  if (len < 0)
    len = (gssize) strlen (s);
  if (len == 0)
    return;
  if (ctx->toc_active)
    pb->in_toc = TRUE;
  guint32 start = (guint32) pb->base.text->len;
  g_string_append_len (pb->base.text, s, len);
  guint32 end = (guint32) pb->base.text->len;
  if (href == NULL)
    href = field_href (ctx);
  if (href != NULL)
    marks |= DN_MARK_LINK;
  if (marks == 0)
    return;
  /* Word splits runs freely: a run continuing the last span's marks and
   * link extends it. */
  DnParaSpan *last = dn_para_builder_last_span (&pb->base);
  if (last != NULL && last->end == start && last->marks == marks && g_strcmp0 (last->href, href) == 0) {
    last->end = end;
    return;
  }
  dn_para_builder_add_span (&pb->base, start, end, marks, href);
}

static guint32
marks_of (const RunProps *r)
{
  return dn_para_marks (r->b, r->i, r->u, r->strike, r->vert);
}

/* The first mc:Choice (its namespaces are ones this reader knows: DrawingML
 * shapes, Word 2010+ markup), else the mc:Fallback: exactly one branch, so
 * a text box is read once. */
static xmlNode *
alternate_branch (xmlNode *ac)
{
  xmlNode *fallback = NULL;
  for (xmlNode *c = ac->children; c != NULL; c = c->next) {
    if (IS_MC (c, "Choice"))
      return c;
    if (IS_MC (c, "Fallback"))
      fallback = c;
  }
  return fallback;
}

/* The name recorded in a figure's image attribute; the image is written
 * into the images folder the first time (borrowed from ctx->images). */
static const char *
image_file (Ctx *ctx, const char *part)
{
  return dn_para_image_file (ctx->images, ctx->zip, part, ctx->doc, "DOCX_IMAGE_WRITE_FAILED",
                             "DOCX_IMAGE_MISSING", &ctx->error);
}

static DnNode *
make_figure (Ctx *ctx, const char *rid, const char *alt, gint64 cx_emu, gint64 cy_emu)
{
  if (!count_node (ctx))
    return NULL;
  DnNode *fig = dn_node_new (DN_NODE_FIGURE);
  const DnOoxmlRel *rel = dn_ooxml_rels_by_id (ctx->cur_rels, rid);
  if (rel == NULL) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_MISSING", 0, "image relationship %s not found in %s",
                             rid != NULL ? rid : "(none)", ctx->cur_part);
  } else if (rel->external) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_EXTERNAL", 0, "linked image %s is not embedded",
                             rel->target);
    dn_node_set_attr (fig, DN_ATTR_IMAGE, rel->target);
  } else if (!dn_ooxml_zip_has (ctx->zip, rel->target)) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_MISSING", 0, "image part %s is missing", rel->target);
  } else {
    dn_node_set_attr (fig, DN_ATTR_IMAGE, image_file (ctx, rel->target));
    char *ct = dn_ooxml_zip_content_type (ctx->zip, rel->target);
    dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, ct);
    g_free (ct);
  }
  if (alt != NULL && *alt != '\0')
    dn_node_set_attr (fig, DN_ATTR_ALT, alt);
  /* EMU → pixels at 96 dpi */
  if (cx_emu > 0 && cy_emu > 0) {
    dn_node_set_attr_int (fig, DN_ATTR_WIDTH, (cx_emu + 4762) / 9525);
    dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, (cy_emu + 4762) / 9525);
  }
  return fig;
}

/* Text-box content: its blocks are read into a holder and queued after the
 * paragraph that anchors the box. */
static void
queue_text_box (Ctx *ctx, Para *pb, xmlNode *txbx_content)
{
  if (ctx->depth >= ctx->opt->limits.max_xml_depth)
    return;
  DnNode *holder = dn_node_new (DN_NODE_DOCUMENT);
  ctx->depth++;
  read_blocks (ctx, holder, txbx_content);
  ctx->depth--;
  DnNode *c;
  while ((c = dn_node_first_child (holder)) != NULL) {
    dn_node_unlink (c);
    g_ptr_array_add (pb->base.after, c);
  }
  dn_node_free (holder);
}

static gint64
attr_int64 (const xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetNoNsProp (n, (const xmlChar *) name);
  gint64 out = v != NULL ? g_ascii_strtoll ((const char *) v, NULL, 10) : 0;
  xmlFree (v);
  return CLAMP (out, 0, G_GINT64_CONSTANT (1000000000000000));  /* EMU; hostile values stay finite */
}

static char *
noattr (const xmlNode *n, const char *name)
{
  return dn_xml_get_attr (n, NULL, NULL, name);
}

/* DrawingML (w:drawing): pictures with wp:docPr alt text, and wps text
 * boxes. Walks the drawing's subtree without descending into a text box's
 * content twice. */
static void
read_drawing (Ctx *ctx, Para *pb, xmlNode *drawing)
{
  char *alt = NULL;
  gint64 cx = 0, cy = 0;
  xmlNode *n = drawing->children;
  GPtrArray *stack = g_ptr_array_new ();
  /* An explicit stack: drawings nest groups arbitrarily. */
  while (n != NULL || stack->len > 0) {
    if (n == NULL) {
      n = g_ptr_array_steal_index (stack, stack->len - 1);
      n = n->next;
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) {
      n = n->next;
      continue;
    }
    const char *name = (const char *) n->name;
    if (strcmp (name, "docPr") == 0 && alt == NULL) {
      alt = noattr (n, "descr");
      if (alt == NULL || *alt == '\0') {
        g_free (alt);
        alt = noattr (n, "title");
      }
    } else if (strcmp (name, "extent") == 0 && cx == 0) {
      cx = attr_int64 (n, "cx");
      cy = attr_int64 (n, "cy");
    } else if (strcmp (name, "blip") == 0) {
      char *rid = dn_xml_get_attr (n, NS_R, NS_R_S, "embed");
      if (rid == NULL)
        rid = dn_xml_get_attr (n, NS_R, NS_R_S, "link");
      DnNode *fig = make_figure (ctx, rid, alt, cx, cy);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
      g_free (rid);
    } else if (IS_W (n, "txbxContent")) {
      queue_text_box (ctx, pb, n);
      n = n->next;
      continue;
    } else if (IS_MC (n, "AlternateContent")) {
      xmlNode *b = alternate_branch (n);
      if (b != NULL && b->children != NULL && stack->len < 256) {
        g_ptr_array_add (stack, n);
        n = b->children;
        continue;
      }
      n = n->next;
      continue;
    }
    if (n->children != NULL && stack->len < 256) {
      g_ptr_array_add (stack, n);
      n = n->children;
    } else {
      n = n->next;
    }
  }
  g_ptr_array_unref (stack);
  g_free (alt);
}

/* VML (w:pict, w:object): v:imagedata pictures and v:textbox text boxes. */
static void
read_vml (Ctx *ctx, Para *pb, xmlNode *pict)
{
  xmlNode *n = pict->children;
  GPtrArray *stack = g_ptr_array_new ();
  while (n != NULL || stack->len > 0) {
    if (n == NULL) {
      n = g_ptr_array_steal_index (stack, stack->len - 1);
      n = n->next;
      continue;
    }
    if (n->type != XML_ELEMENT_NODE) {
      n = n->next;
      continue;
    }
    if (strcmp ((const char *) n->name, "imagedata") == 0) {
      char *rid = dn_xml_get_attr (n, NS_R, NS_R_S, "id");
      if (rid == NULL)
        rid = dn_xml_get_attr (n, NS_O, NULL, "relid");
      char *alt = n->parent != NULL ? noattr (n->parent, "alt") : NULL;
      if (alt == NULL || *alt == '\0') {
        g_free (alt);
        alt = dn_xml_get_attr (n, NS_O, NULL, "title");
      }
      DnNode *fig = make_figure (ctx, rid, alt, 0, 0);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
      g_free (rid);
      g_free (alt);
    } else if (IS_W (n, "txbxContent")) {
      queue_text_box (ctx, pb, n);
      n = n->next;
      continue;
    }
    if (n->children != NULL && stack->len < 256) {
      g_ptr_array_add (stack, n);
      n = n->children;
    } else {
      n = n->next;
    }
  }
  g_ptr_array_unref (stack);
}

static void
field_free (gpointer p)
{
  Field *f = p;
  g_string_free (f->instr, TRUE);
  g_free (f->href);
  g_free (f);
}

/* Classifies a field from its instruction once its result begins. */
static void
field_begin_result (Ctx *ctx, Field *f)
{
  f->in_result = TRUE;
  char *instr = g_strstrip (g_strdup (f->instr->str));
  char **words = g_strsplit_set (instr, " \t", -1);
  const char *kw = words[0] != NULL ? words[0] : "";
  if (g_ascii_strcasecmp (kw, "TOC") == 0) {
    f->kind = FIELD_TOC;
  } else if (g_ascii_strcasecmp (kw, "HYPERLINK") == 0) {
    f->kind = FIELD_HYPERLINK;
    /* HYPERLINK "url" or HYPERLINK \l "anchor" */
    const char *q = strchr (instr, '"');
    const char *q2 = q != NULL ? strchr (q + 1, '"') : NULL;
    if (q != NULL && q2 != NULL) {
      gboolean local = strstr (instr, "\\l") != NULL && strstr (instr, "\\l") < q;
      f->href = g_strdup_printf ("%s%.*s", local ? "#" : "", (int) (q2 - q - 1), q + 1);
    }
  } else if (g_ascii_strcasecmp (kw, "PAGE") == 0 || g_ascii_strcasecmp (kw, "NUMPAGES") == 0 ||
             g_ascii_strcasecmp (kw, "SECTIONPAGES") == 0) {
    f->kind = FIELD_PAGE;
  }
  g_strfreev (words);
  g_free (instr);
  if (f->kind == FIELD_TOC) {
    if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
      dn_node_free (ctx->toc);
    ctx->toc = dn_node_new (DN_NODE_TOC);  /* placed by its first entry */
    ctx->toc_active = TRUE;
  }
}

static void
field_end (Ctx *ctx)
{
  if (ctx->fields->len == 0)
    return;
  Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
  /* The paragraph holding the end still adds its entry to ctx->toc. */
  if (f->kind == FIELD_TOC)
    ctx->toc_active = FALSE;
  g_ptr_array_remove_index (ctx->fields, ctx->fields->len - 1);
}

static void read_inline (Ctx *ctx, Para *pb, xmlNode *parent, const char *href);

static void
note_reference (Ctx *ctx, Para *pb, xmlNode *ref, gboolean endnote, guint32 marks)
{
  char *id = wattr (ref, "id");
  if (id == NULL)
    return;
  char *key = g_strdup_printf ("%s%s", endnote ? "en" : "fn", id);
  g_free (id);
  char *custom = wattr (ref, "customMarkFollows");
  gboolean custom_mark = custom != NULL && (strcmp (custom, "1") == 0 || strcmp (custom, "true") == 0);
  g_free (custom);
  char *number = custom_mark ? NULL
                             : g_strdup_printf ("%d", endnote ? ++ctx->n_endnote_refs : ++ctx->n_footnote_refs);
  if (number != NULL && !g_hash_table_contains (ctx->note_numbers, key))
    g_hash_table_insert (ctx->note_numbers, g_strdup (key), g_strdup (number));
  /* The reference mark as Word shows it (the note's number), carrying the
   * note id; a custom mark is the run text that follows. */
  para_append (ctx, pb, number != NULL ? number : "*", -1, marks | DN_MARK_NOTE_REF | DN_MARK_SUPERSCRIPT, NULL);
  DnParaSpan *last = dn_para_builder_last_span (&pb->base);
  if (last != NULL && (last->marks & DN_MARK_NOTE_REF)) {
    g_free (last->href);
    last->href = g_strdup (key);
  }
  g_free (number);
  g_free (key);
}

static void run_content (Ctx *ctx, Para *pb, xmlNode *first, const RunProps *rp, const char *href);

static void
read_run (Ctx *ctx, Para *pb, xmlNode *r, const char *href)
{
  RunProps rp = pb->pstyle_rpr;
  xmlNode *rpr = wchild (r, "rPr");
  if (rpr != NULL) {
    xmlNode *rs = wchild (rpr, "rStyle");
    if (rs != NULL) {
      char *sid = wattr (rs, "val");
      Style *cs = style_get (ctx, sid);
      if (cs != NULL)
        rpr_merge (&rp, &cs->rpr);
      g_free (sid);
    }
    RunProps direct;
    rpr_init (&direct);
    rpr_parse (rpr, &direct);
    rpr_merge (&rp, &direct);
  }
  run_content (ctx, pb, r->children, &rp, href);
}

/* The content of one run (or of an mc:AlternateContent branch inside it). */
static void
run_content (Ctx *ctx, Para *pb, xmlNode *first, const RunProps *run_props, const char *href)
{
  RunProps rp = *run_props;
  guint32 marks = marks_of (&rp);
  gboolean hidden = rp.vanish > 0;
  for (xmlNode *c = first; c != NULL; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const char *name = (const char *) c->name;
    gboolean w = IS_W (c, name);
    if (w && strcmp (name, "fldChar") == 0) {
      char *t = wattr (c, "fldCharType");
      if (t != NULL && strcmp (t, "begin") == 0) {
        if (ctx->fields->len < 64) {
          Field *f = g_new0 (Field, 1);
          f->instr = g_string_new (NULL);
          g_ptr_array_add (ctx->fields, f);
        }
      } else if (t != NULL && strcmp (t, "separate") == 0) {
        if (ctx->fields->len > 0)
          field_begin_result (ctx, g_ptr_array_index (ctx->fields, ctx->fields->len - 1));
      } else if (t != NULL && strcmp (t, "end") == 0) {
        if (ctx->fields->len > 0) {
          Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
          if (!f->in_result)
            field_begin_result (ctx, f);  /* classify fields with no result */
          if (f->kind == FIELD_PAGE)
            pb->has_page_field = TRUE;
        }
        field_end (ctx);
      }
      g_free (t);
      continue;
    }
    if (w && strcmp (name, "instrText") == 0) {
      if (ctx->fields->len > 0) {
        Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
        if (!f->in_result) {
          char *s = dn_xml_get_content (c);
          if (f->instr->len < 4096)
            g_string_append (f->instr, s);
          g_free (s);
        }
      }
      continue;
    }
    if (w && strcmp (name, "drawing") == 0) {
      read_drawing (ctx, pb, c);
      continue;
    }
    if (w && (strcmp (name, "pict") == 0 || strcmp (name, "object") == 0)) {
      read_vml (ctx, pb, c);
      continue;
    }
    if (IS_MC (c, "AlternateContent")) {
      xmlNode *b = alternate_branch (c);
      if (b != NULL)
        run_content (ctx, pb, b->children, &rp, href);  /* w:drawing, w:pict, w:t */
      continue;
    }
    if (w && strcmp (name, "ruby") == 0) {
      /* Phonetic guides: the base text is the text; the guide (w:rt) is not. */
      xmlNode *base = wchild (c, "rubyBase");
      if (base != NULL)
        read_inline (ctx, pb, base, href);
      continue;
    }
    if (!w || hidden || !fields_show_text (ctx))
      continue;
    if (strcmp (name, "t") == 0) {
      char *s = dn_xml_get_content (c);
      gsize len = strlen (s);
      para_append (ctx, pb, s, (gssize) len, marks, href);
      pb->text_bytes += (guint) len;
      if (marks & DN_MARK_BOLD)
        pb->bold_bytes += (guint) len;
      if (marks & DN_MARK_ITALIC)
        pb->italic_bytes += (guint) len;
      if (pb->first_sz == 0 && rp.sz > 0)
        pb->first_sz = rp.sz;
      g_free (s);
    } else if (strcmp (name, "tab") == 0 || strcmp (name, "ptab") == 0) {
      para_append (ctx, pb, "\t", 1, marks, href);
    } else if (strcmp (name, "br") == 0) {
      char *t = wattr (c, "type");
      /* Page and column breaks are layout, not text. */
      if (t == NULL || strcmp (t, "textWrapping") == 0)
        para_append (ctx, pb, "\n", 1, marks, href);
      g_free (t);
    } else if (strcmp (name, "cr") == 0) {
      para_append (ctx, pb, "\n", 1, marks, href);
    } else if (strcmp (name, "noBreakHyphen") == 0) {
      para_append (ctx, pb, "\u2011", -1, marks, href);
    } else if (strcmp (name, "softHyphen") == 0) {
      para_append (ctx, pb, "\u00AD", -1, marks, href);  /* invisible unless at a line end; kept */
    } else if (strcmp (name, "sym") == 0) {
      char *ch = wattr (c, "char");
      if (ch != NULL) {
        gunichar u = (gunichar) g_ascii_strtoull (ch, NULL, 16);
        /* Symbol-font characters get their Unicode meaning; other symbol
         * fonts (Wingdings) have no agreed mapping and stay as written. */
        char *font = wattr (c, "font");
        if (font != NULL && g_ascii_strcasecmp (font, "Symbol") == 0) {
          guint code = u >= 0xF000 && u <= 0xF0FF ? u - 0xF000 : u;
          gunichar m = code <= 0xFF ? symbol_to_unicode (code) : 0;
          if (m != 0)
            u = m;
        }
        g_free (font);
        if (g_unichar_validate (u) && u != 0) {
          char buf[8];
          int l = g_unichar_to_utf8 (u, buf);
          para_append (ctx, pb, buf, l, marks, href);
        }
        g_free (ch);
      }
    } else if (strcmp (name, "footnoteReference") == 0 || strcmp (name, "endnoteReference") == 0) {
      note_reference (ctx, pb, c, name[0] == 'e', marks & ~(guint32) DN_MARK_SUPERSCRIPT);
    }
    /* lastRenderedPageBreak, footnoteRef, separators, delText,
     * commentReference, annotationRef: no trace in the text. */
  }
}

static void
read_inline (Ctx *ctx, Para *pb, xmlNode *parent, const char *href)
{
  for (xmlNode *c = parent->children; c != NULL && !ctx_failed (ctx); c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (IS_W (c, "r")) {
      read_run (ctx, pb, c, href);
    } else if (IS_W (c, "hyperlink")) {
      char *rid = dn_xml_get_attr (c, NS_R, NS_R_S, "id");
      char *anchor = wattr (c, "anchor");
      const DnOoxmlRel *rel = dn_ooxml_rels_by_id (ctx->cur_rels, rid);
      char *target = rel != NULL ? g_strdup (rel->target) : anchor != NULL ? g_strdup_printf ("#%s", anchor) : NULL;
      if (rel != NULL && anchor != NULL) {
        char *t = g_strdup_printf ("%s#%s", target, anchor);
        g_free (target);
        target = t;
      }
      read_inline (ctx, pb, c, target != NULL ? target : href);
      g_free (target);
      g_free (rid);
      g_free (anchor);
    } else if (IS_W (c, "fldSimple")) {
      Field *f = g_new0 (Field, 1);
      char *instr = wattr (c, "instr");
      f->instr = g_string_new (instr);
      g_free (instr);
      g_ptr_array_add (ctx->fields, f);
      field_begin_result (ctx, f);
      if (f->kind == FIELD_PAGE)
        pb->has_page_field = TRUE;
      read_inline (ctx, pb, c, href);
      field_end (ctx);
    } else if (IS_W (c, "ins") || IS_W (c, "moveTo") || IS_W (c, "smartTag") || IS_W (c, "customXml") ||
               IS_W (c, "dir") || IS_W (c, "bdo")) {
      read_inline (ctx, pb, c, href);
    } else if (IS_W (c, "sdt")) {
      xmlNode *content = wchild (c, "sdtContent");
      if (content != NULL)
        read_inline (ctx, pb, content, href);
    } else if (IS_MC (c, "AlternateContent")) {
      xmlNode *b = alternate_branch (c);
      if (b != NULL)
        read_inline (ctx, pb, b, href);
    } else if (dn_xml_is (c, NS_M, NS_M_S, "oMathPara") || dn_xml_is (c, NS_M, NS_M_S, "oMath")) {
      /* Equations: their text in reading order. */
      char *s = dn_xml_get_content (c);
      para_append (ctx, pb, s, -1, 0, href);
      g_free (s);
    }
    /* w:del, w:moveFrom (tracked deletions), bookmarks, proofErr,
     * permStart/End, commentRangeStart/End: nothing. */
  }
}

/* Splits "title\tpage" TOC entry text; returns the printed page or 0. */
static int
toc_split (char *text)
{
  char *tab = strrchr (text, '\t');
  int page = 0;
  if (tab != NULL) {
    char *p = g_strstrip (g_strdup (tab + 1));
    char *end;
    gint64 v = g_ascii_strtoll (p, &end, 10);
    if (*p != '\0' && *end == '\0' && v > 0 && v < 100000) {
      page = (int) v;
      *tab = '\0';
    }
    g_free (p);
  }
  /* Leader tabs before the page number go too. */
  gsize l = strlen (text);
  while (l > 0 && (text[l - 1] == '\t' || text[l - 1] == ' '))
    text[--l] = '\0';
  return page;
}

static void
read_paragraph (Ctx *ctx, DnNode *parent, xmlNode *p)
{
  xmlNode *ppr = wchild (p, "pPr");
  char *style_id = NULL;
  int num_id = -1, ilvl = -1, outline = -1;
  DnAlign jc = DN_ALIGN_UNKNOWN;
  double indent = 0;
  xmlNode *c;
  if (ppr != NULL) {
    if ((c = wchild (ppr, "pStyle")) != NULL)
      style_id = wattr (c, "val");
    if ((c = wchild (ppr, "numPr")) != NULL) {
      xmlNode *id = wchild (c, "numId"), *il = wchild (c, "ilvl");
      if (id != NULL)
        num_id = wattr_int (id, "val", -1);
      if (il != NULL)
        ilvl = wattr_int (il, "val", -1);
    }
    if ((c = wchild (ppr, "outlineLvl")) != NULL)
      outline = wattr_int (c, "val", -1);
    if ((c = wchild (ppr, "jc")) != NULL)
      jc = parse_jc (c);
    if ((c = wchild (ppr, "ind")) != NULL) {
      int left = wattr_int (c, "left", G_MININT);
      if (left == G_MININT)
        left = wattr_int (c, "start", 0);
      indent = left / 20.0;
    }
  }
  Style *st = style_get (ctx, style_id != NULL ? style_id : ctx->default_pstyle);
  if (st != NULL) {
    gboolean from_style = num_id < 0;
    if (num_id < 0)
      num_id = st->num_id;
    /* Numbering from the style: the level whose w:pStyle names the style
     * wins over the style's own ilvl (ECMA-376 §17.9.23). */
    if (from_style && num_id > 0) {
      int linked = level_for_style (ctx, num_id, st->id);
      if (linked >= 0)
        ilvl = linked;
    }
    if (ilvl < 0 && num_id == st->num_id)
      ilvl = st->ilvl;
    if (outline < 0)
      outline = st->outline;
    if (jc == DN_ALIGN_UNKNOWN)
      jc = st->jc;
  }
  if (ilvl < 0)
    ilvl = 0;
  const char *fmt = NULL;
  char *label = number_paragraph (ctx, num_id, ilvl, &fmt);

  Para pb = { 0 };
  dn_para_builder_init (&pb.base);
  pb.pstyle_rpr = ctx->defaults;
  if (st != NULL)
    rpr_merge (&pb.pstyle_rpr, &st->rpr);
  pb.in_toc = ctx->toc_active;
  read_inline (ctx, &pb, p, NULL);

  int level = 0;
  if (outline >= 0 && outline <= 8)
    level = outline + 1;
  else if (outline < 0 && st != NULL && st->heading_by_name > 0)
    level = st->heading_by_name;

  gboolean empty = pb.base.text->len == 0 && (label == NULL || *label == '\0');
  if (!empty && !ctx_failed (ctx) && count_node (ctx)) {
    DnNode *node;
    if (pb.in_toc) {
      if (ctx->toc == NULL || dn_node_parent (ctx->toc) != parent) {
        if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
          dn_node_free (ctx->toc);
        ctx->toc = dn_node_new (DN_NODE_TOC);
      }
      if (dn_node_parent (ctx->toc) == NULL) {
        dn_node_append_child (parent, ctx->toc);
        count_node (ctx);
      }
      node = dn_node_append_new (ctx->toc, DN_NODE_TOC_ENTRY);
      char *text = g_string_free (pb.base.text, FALSE);
      pb.base.text = g_string_new (NULL);
      int page = toc_split (text);
      dn_node_take_text (node, text);
      if (page > 0)
        dn_node_set_attr_int (node, DN_ATTR_PRINTED_PAGE, page);
    } else {
      node = dn_node_append_new (parent, level > 0 ? DN_NODE_HEADING : DN_NODE_PARAGRAPH);
      dn_node_set_text_len (node, pb.base.text->str, (gssize) pb.base.text->len);
      for (guint i = 0; i < pb.base.spans->len; i++) {
        DnParaSpan *sp = &g_array_index (pb.base.spans, DnParaSpan, i);
        dn_node_add_span (node, sp->start, sp->end, sp->marks, sp->href);
      }
    }
    DnHints *h = dn_node_hints (node);
    if (level > 0)
      h->outline_level = level;
    h->align = jc;
    h->indent = indent;
    if (pb.text_bytes > 0) {
      h->bold = pb.bold_bytes * 2 > pb.text_bytes;
      h->italic = pb.italic_bytes * 2 > pb.text_bytes;
    } else {
      h->bold = h->italic = -1;
    }
    int sz = pb.first_sz > 0 ? pb.first_sz : pb.pstyle_rpr.sz;
    if (sz > 0)
      h->font_size = sz / 2.0;
    if (label != NULL && *label != '\0') {
      dn_node_set_attr (node, DN_ATTR_LABEL, label);
      dn_node_set_attr (node, DN_ATTR_MARKER_TYPE, fmt);
    }
    if (style_id != NULL)
      dn_node_set_attr (node, DN_ATTR_STYLE, style_id);
    if (pb.has_page_field)
      dn_node_set_attr (node, DN_ATTR_ROLE, "page_number");
  }
  /* Figures and text-box blocks follow their anchoring paragraph. */
  dn_para_builder_place_after (&pb.base, parent);
  dn_para_builder_clear (&pb.base);
  g_free (label);
  g_free (style_id);
}

/* ---------- tables ---------- */

typedef struct {
  xmlNode *tc;
  int col, span;
  int vmerge;         /* 0 none, 1 restart, 2 continue */
  int row_span;
  gboolean covered;   /* a continue cell merged into the cell above */
  void *owner;        /* the restart cell it joins (Cell *) */
} Cell;

typedef struct {
  GArray *cells;      /* Cell */
  gboolean header;
} Row;

/* Collects the w:tr (or w:tc) children of @n, looking through content
 * controls and custom XML wrappers. */
static void
collect (xmlNode *n, const char *what, GPtrArray *out, int guard)
{
  for (xmlNode *c = n->children; c != NULL; c = c->next) {
    if (IS_W (c, what))
      g_ptr_array_add (out, c);
    else if (guard < 16 && (IS_W (c, "sdt") || IS_W (c, "customXml") || IS_W (c, "ins")))
      collect (IS_W (c, "sdt") && wchild (c, "sdtContent") != NULL ? wchild (c, "sdtContent") : c, what, out,
               guard + 1);
  }
}

static void
read_table (Ctx *ctx, DnNode *parent, xmlNode *tbl)
{
  if (ctx->depth >= ctx->opt->limits.max_xml_depth || !count_node (ctx))
    return;
  GPtrArray *trs = g_ptr_array_new ();
  collect (tbl, "tr", trs, 0);
  GArray *rows = g_array_new (FALSE, TRUE, sizeof (Row));
  for (guint r = 0; r < trs->len; r++) {
    xmlNode *tr = g_ptr_array_index (trs, r);
    xmlNode *trpr = wchild (tr, "trPr");
    if (trpr != NULL && wchild (trpr, "del") != NULL)
      continue;  /* a deleted row (tracked change) */
    Row row = { g_array_new (FALSE, TRUE, sizeof (Cell)), FALSE };
    int col = 0;
    if (trpr != NULL) {
      xmlNode *gb = wchild (trpr, "gridBefore");
      if (gb != NULL)
        col = CLAMP (wattr_int (gb, "val", 0), 0, 1000);
      xmlNode *th = wchild (trpr, "tblHeader");
      row.header = th != NULL && on_off (th);
    }
    GPtrArray *tcs = g_ptr_array_new ();
    collect (tr, "tc", tcs, 0);
    for (guint k = 0; k < tcs->len; k++) {
      Cell cell = { g_ptr_array_index (tcs, k), col, 1, 0, 1, FALSE, NULL };
      xmlNode *tcpr = wchild (cell.tc, "tcPr");
      if (tcpr != NULL) {
        xmlNode *gs = wchild (tcpr, "gridSpan"), *vm = wchild (tcpr, "vMerge");
        if (gs != NULL)
          cell.span = CLAMP (wattr_int (gs, "val", 1), 1, 1000);
        if (vm != NULL) {
          char *v = wattr (vm, "val");
          cell.vmerge = v != NULL && strcmp (v, "restart") == 0 ? 1 : 2;
          g_free (v);
        }
      }
      col += cell.span;
      g_array_append_val (row.cells, cell);
    }
    g_ptr_array_unref (tcs);
    g_array_append_val (rows, row);
  }
  g_ptr_array_unref (trs);

  /* vMerge: a continue cell joins the cell at the same grid column in the
   * row above (itself a restart or a continue already joined). */
  for (guint r = 1; r < rows->len; r++) {
    Row *row = &g_array_index (rows, Row, r);
    for (guint k = 0; k < row->cells->len; k++) {
      Cell *cell = &g_array_index (row->cells, Cell, k);
      if (cell->vmerge != 2)
        continue;
      Row *above = &g_array_index (rows, Row, r - 1);
      Cell *owner = NULL;
      /* Cells are in increasing grid column: binary search, so a hostile
       * table of very wide merged rows stays linear-logarithmic. */
      guint lo = 0, hi = above->cells->len;
      while (lo < hi) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index (above->cells, Cell, mid).col < cell->col)
          lo = mid + 1;
        else
          hi = mid;
      }
      if (lo < above->cells->len) {
        Cell *a = &g_array_index (above->cells, Cell, lo);
        if (a->col == cell->col && a->vmerge == 1 && !a->covered)
          owner = a;
        else if (a->col == cell->col && a->covered)
          owner = a->owner;
      }
      if (owner != NULL) {
        owner->row_span++;
        cell->covered = TRUE;
        cell->owner = owner;
      }
    }
  }

  DnNode *table = dn_node_append_new (parent, DN_NODE_TABLE);
  ctx->depth++;
  for (guint r = 0; r < rows->len && !ctx_failed (ctx); r++) {
    Row *row = &g_array_index (rows, Row, r);
    if (!count_node (ctx))
      break;
    DnNode *tr = dn_node_append_new (table, DN_NODE_TABLE_ROW);
    if (row->header)
      dn_node_hints (tr)->flags |= DN_HINT_HEADER_ROW;
    for (guint k = 0; k < row->cells->len && !ctx_failed (ctx); k++) {
      Cell *cell = &g_array_index (row->cells, Cell, k);
      if (cell->covered || !count_node (ctx))
        continue;
      DnNode *tc = dn_node_append_new (tr, DN_NODE_TABLE_CELL);
      if (cell->span > 1)
        dn_node_set_attr_int (tc, DN_ATTR_COL_SPAN, cell->span);
      if (cell->row_span > 1)
        dn_node_set_attr_int (tc, DN_ATTR_ROW_SPAN, cell->row_span);
      read_blocks (ctx, tc, cell->tc);
    }
  }
  ctx->depth--;
  for (guint r = 0; r < rows->len; r++)
    g_array_unref (g_array_index (rows, Row, r).cells);
  g_array_unref (rows);
}

/* One child of a block container (the body, a cell, a note, a header). */
static void
read_block (Ctx *ctx, DnNode *parent, xmlNode *c)
{
  if (c->type != XML_ELEMENT_NODE)
    return;
  if (IS_W (c, "p")) {
    read_paragraph (ctx, parent, c);
  } else if (IS_W (c, "tbl")) {
    read_table (ctx, parent, c);
  } else if (IS_W (c, "sdt")) {
    xmlNode *content = wchild (c, "sdtContent");
    if (content != NULL)
      read_blocks (ctx, parent, content);
  } else if (IS_W (c, "customXml") || IS_W (c, "ins") || IS_W (c, "moveTo") || IS_W (c, "smartTag")) {
    read_blocks (ctx, parent, c);
  } else if (IS_MC (c, "AlternateContent")) {
    xmlNode *b = alternate_branch (c);
    if (b != NULL)
      read_blocks (ctx, parent, b);
  } else if (IS_W (c, "altChunk")) {
    dn_document_add_warning (ctx->doc, "DOCX_ALTCHUNK", 0,
                             "an embedded alternative-format chunk (altChunk) was not read");
  }
}

static void
read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container)
{
  for (xmlNode *c = container->children; c != NULL && !ctx_failed (ctx); c = c->next)
    read_block (ctx, parent, c);
}

/* ---------- parts around the body ---------- */

/* Reads a story part (header, footer, notes, comments) with its own
 * relationships in effect. Returns the parsed XML (xmlFreeDoc()) or NULL. */
static xmlDocPtr
open_story (Ctx *ctx, const char *part, const char *what, DnOoxmlRels **rels_out)
{
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, part, &err);
  if (x == NULL) {
    part_problem (ctx, &err, TRUE, what);
    return NULL;
  }
  DnOoxmlRels *rels = dn_ooxml_zip_read_rels (ctx->zip, part, &err);
  if (rels == NULL) {
    part_problem (ctx, &err, TRUE, what);
    rels = dn_ooxml_rels_new_empty ();
  }
  *rels_out = rels;
  return x;
}

/* Each story (a header, a note, a comment) starts with no open field: an
 * unclosed field in one must not hide the text of the next. */
static void
reset_fields (Ctx *ctx)
{
  g_ptr_array_set_size (ctx->fields, 0);
  ctx->toc_active = FALSE;
}

/* After the body, and after the headers read once the body is done: no
 * field stays open and a table of contents not placed in the tree goes. */
static void
end_fields_and_toc (Ctx *ctx)
{
  reset_fields (ctx);
  if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
    dn_node_free (ctx->toc);
  ctx->toc = NULL;
}

static void
with_story_rels (Ctx *ctx, const char *part, DnOoxmlRels *rels, const char **saved_part, DnOoxmlRels **saved_rels)
{
  *saved_part = ctx->cur_part;
  *saved_rels = ctx->cur_rels;
  ctx->cur_part = part;
  ctx->cur_rels = rels;
}

/* Text of a furniture subtree is only a page number ("1", "- 1 -",
 * "第 1 頁"): then its role is page_number. */
static gboolean
only_page_number (DnNode *n)
{
  char *t = dn_node_collect_text (n);
  gboolean digit = FALSE, other = FALSE;
  for (const char *p = t; *p; p = g_utf8_next_char (p)) {
    gunichar u = g_utf8_get_char (p);
    if (g_unichar_isdigit (u))
      digit = TRUE;
    else if (!g_unichar_isspace (u) && !g_unichar_ispunct (u) && u != 0x7B2C /* 第 */ && u != 0x9801 /* 頁 */ &&
             u != 0x9875 /* 页 */ && u != 0x5171 /* 共 */)
      other = TRUE;
  }
  g_free (t);
  return digit && !other;
}

static void
read_furniture (Ctx *ctx, DnNode *root, const char *part, const char *role)
{
  DnOoxmlRels *rels = NULL;
  xmlDocPtr x = open_story (ctx, part, role, &rels);
  if (x == NULL)
    return;
  const char *sp;
  DnOoxmlRels *sr;
  with_story_rels (ctx, part, rels, &sp, &sr);
  reset_fields (ctx);
  if (count_node (ctx)) {
    DnNode *f = dn_node_new (DN_NODE_FURNITURE);
    read_blocks (ctx, f, xmlDocGetRootElement (x));
    if (dn_node_first_child (f) == NULL) {
      dn_node_free (f);
    } else {
      gboolean page = FALSE;
      for (DnNode *c = dn_node_first_child (f); c != NULL; c = dn_node_next (c))
        page |= g_strcmp0 (dn_node_get_attr (c, DN_ATTR_ROLE), "page_number") == 0;
      dn_node_set_attr (f, DN_ATTR_ROLE, page && only_page_number (f) ? "page_number" : role);
      dn_node_append_child (root, f);
    }
  }
  ctx->cur_part = sp;
  ctx->cur_rels = sr;
  dn_ooxml_rels_free (rels);
  xmlFreeDoc (x);
}

static void
read_notes (Ctx *ctx, DnNode *root, const char *part, gboolean endnotes)
{
  DnOoxmlRels *rels = NULL;
  xmlDocPtr x = open_story (ctx, part, endnotes ? "endnotes part" : "footnotes part", &rels);
  if (x == NULL)
    return;
  const char *sp;
  DnOoxmlRels *sr;
  with_story_rels (ctx, part, rels, &sp, &sr);
  xmlNode *r = xmlDocGetRootElement (x);
  for (xmlNode *n = r != NULL ? r->children : NULL; n != NULL && !ctx_failed (ctx); n = n->next) {
    if (!IS_W (n, endnotes ? "endnote" : "footnote"))
      continue;
    char *type = wattr (n, "type");
    gboolean skip = type != NULL && strcmp (type, "normal") != 0;  /* separators */
    g_free (type);
    char *id = wattr (n, "id");
    if (skip || id == NULL || !count_node (ctx)) {
      g_free (id);
      continue;
    }
    DnNode *note = dn_node_append_new (root, DN_NODE_FOOTNOTE);
    char *key = g_strdup_printf ("%s%s", endnotes ? "en" : "fn", id);
    dn_node_set_attr (note, DN_ATTR_NOTE_ID, key);
    dn_node_set_attr (note, DN_ATTR_LABEL, g_hash_table_lookup (ctx->note_numbers, key));
    dn_node_set_attr (note, DN_ATTR_ROLE, endnotes ? "endnote" : "footnote");
    reset_fields (ctx);
    read_blocks (ctx, note, n);
    g_free (key);
    g_free (id);
  }
  ctx->cur_part = sp;
  ctx->cur_rels = sr;
  dn_ooxml_rels_free (rels);
  xmlFreeDoc (x);
}

static void
read_comments (Ctx *ctx, DnNode *root, const char *part)
{
  DnOoxmlRels *rels = NULL;
  xmlDocPtr x = open_story (ctx, part, "comments part", &rels);
  if (x == NULL)
    return;
  const char *sp;
  DnOoxmlRels *sr;
  with_story_rels (ctx, part, rels, &sp, &sr);
  xmlNode *r = xmlDocGetRootElement (x);
  for (xmlNode *n = r != NULL ? r->children : NULL; n != NULL && !ctx_failed (ctx); n = n->next) {
    if (!IS_W (n, "comment") || !count_node (ctx))
      continue;
    DnNode *cm = dn_node_append_new (root, DN_NODE_COMMENT);
    char *id = wattr (n, "id"), *author = wattr (n, "author");
    if (id != NULL) {
      char *key = g_strdup_printf ("comment-%s", id);
      dn_node_set_attr (cm, DN_ATTR_ID, key);
      g_free (key);
    }
    dn_node_set_attr (cm, DN_ATTR_AUTHOR, author);
    g_free (id);
    g_free (author);
    reset_fields (ctx);
    read_blocks (ctx, cm, n);
  }
  ctx->cur_part = sp;
  ctx->cur_rels = sr;
  dn_ooxml_rels_free (rels);
  xmlFreeDoc (x);
}

/* Header and footer parts in the order the sections reference them. */
typedef struct {
  GPtrArray *headers;   /* part names (owned) */
  GPtrArray *footers;
  GHashTable *seen;     /* targets listed already (borrowed from the relationships) */
} HfRefs;

/* Adds the header and footer references in @block, a child of the body: a
 * paragraph whose properties end a section, or the body's own sectPr. */
static void
collect_hf_refs (Ctx *ctx, xmlNode *block, HfRefs *refs)
{
  GPtrArray *stack = g_ptr_array_new ();
  xmlNode *n = block;
  while (n != NULL) {
    if (IS_W (n, "headerReference") || IS_W (n, "footerReference")) {
      char *rid = dn_xml_get_attr (n, NS_R, NS_R_S, "id");
      const DnOoxmlRel *rel = dn_ooxml_rels_by_id (ctx->cur_rels, rid);
      GPtrArray *dst = n->name[0] == 'h' ? refs->headers : refs->footers;
      if (rel != NULL && !rel->external && !g_hash_table_contains (refs->seen, rel->target)) {
        g_hash_table_add (refs->seen, rel->target);
        g_ptr_array_add (dst, g_strdup (rel->target));
      }
      g_free (rid);
    } else if ((IS_W (n, "sectPr") || IS_W (n, "p") || IS_W (n, "pPr")) && n->children != NULL &&
               stack->len < 8) {
      g_ptr_array_add (stack, n);
      n = n->children;
      continue;
    }
    /* The next node inside @block, climbing back out; @block's own
     * siblings are not ours. */
    for (;;) {
      if (stack->len == 0) {
        n = NULL;
        break;
      }
      if (n->next != NULL) {
        n = n->next;
        break;
      }
      n = g_ptr_array_steal_index (stack, stack->len - 1);
    }
  }
  g_ptr_array_unref (stack);
}

/* ---------- docProps ---------- */

static void
set_date (DnDocument *doc, const char *key, const char *value)
{
  GTimeZone *utc = g_time_zone_new_utc ();
  GDateTime *dt = g_date_time_new_from_iso8601 (value, utc);
  g_time_zone_unref (utc);
  if (dt == NULL) {
    dn_document_set_meta_string (doc, key, value);
    return;
  }
  GDateTime *u = g_date_time_to_utc (dt);
  char *s = g_date_time_format (u, "%Y-%m-%dT%H:%M:%SZ");
  dn_document_set_meta_string (doc, key, s);
  g_free (s);
  g_date_time_unref (u);
  g_date_time_unref (dt);
}

static void
read_properties (Ctx *ctx, DnOoxmlRels *pkg_rels)
{
  const DnOoxmlRel *core = dn_ooxml_rels_by_type (pkg_rels, "core-properties");
  const DnOoxmlRel *app = dn_ooxml_rels_by_type (pkg_rels, "extended-properties");
  const char *core_part = core != NULL && !core->external ? core->target : "docProps/core.xml";
  const char *app_part = app != NULL && !app->external ? app->target : "docProps/app.xml";
  static const char *const core_keys[][2] = {
    { "title", "title" }, { "subject", "subject" }, { "creator", "author" }, { "keywords", "keywords" },
    { "description", "description" }, { "lastModifiedBy", "last_modified_by" },
  };
  GError *err = NULL;
  if (dn_ooxml_zip_has (ctx->zip, core_part)) {
    xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, core_part, &err);
    if (x == NULL) {
      part_problem (ctx, &err, TRUE, "core properties");
    } else {
      xmlNode *r = xmlDocGetRootElement (x);
      for (xmlNode *n = r != NULL ? r->children : NULL; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
          continue;
        char *v = g_strstrip (dn_xml_get_content (n));
        const char *name = (const char *) n->name;
        for (guint i = 0; i < G_N_ELEMENTS (core_keys); i++)
          if (strcmp (name, core_keys[i][0]) == 0)
            dn_document_set_meta_string (ctx->doc, core_keys[i][1], v);
        if ((strcmp (name, "created") == 0 || strcmp (name, "modified") == 0) && *v != '\0')
          set_date (ctx->doc, name, v);
        g_free (v);
      }
      xmlFreeDoc (x);
    }
  }
  if (dn_ooxml_zip_has (ctx->zip, app_part)) {
    xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, app_part, &err);
    if (x == NULL) {
      part_problem (ctx, &err, TRUE, "application properties");
    } else {
      xmlNode *r = xmlDocGetRootElement (x);
      for (xmlNode *n = r != NULL ? r->children : NULL; n != NULL; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
          continue;
        char *v = g_strstrip (dn_xml_get_content (n));
        if (strcmp ((const char *) n->name, "Pages") == 0) {
          gint64 pages = g_ascii_strtoll (v, NULL, 10);
          if (pages > 0)
            dn_document_set_meta_int (ctx->doc, "pages", pages);
        } else if (strcmp ((const char *) n->name, "Company") == 0) {
          dn_document_set_meta_string (ctx->doc, "company", v);
        }
        g_free (v);
      }
      xmlFreeDoc (x);
    }
  }
}

/* ---------- the main part, streamed ---------- */

/* The body read block by block as the parser completes each child of
 * w:body (dn_ooxml_zip_read_xml_stream), so the main part never exists
 * whole, neither inflated nor parsed. */
typedef struct {
  Ctx *ctx;
  DnDocument *doc;
  DnDocument *body_warnings;  /* the body's warnings, held until the headers' are in */
  DnOoxmlRels *pkg_rels;      /* borrowed */
  DnOoxmlRels *main_rels;     /* NULL until the body is reached */
  DnNode *droot;
  HfRefs refs;
} BodyStream;

/* What the blocks need, read once the main part shows a body (as before,
 * a main part that is not a Word document reads nothing more): the main
 * part's relationships, styles, numbering, and the document properties. */
static void
body_stream_begin (BodyStream *bs)
{
  Ctx *ctx = bs->ctx;
  GError *err = NULL;
  bs->main_rels = dn_ooxml_zip_read_rels (ctx->zip, ctx->main_part, &err);
  if (bs->main_rels == NULL) {
    part_problem (ctx, &err, TRUE, "document relationships");
    bs->main_rels = dn_ooxml_rels_new_empty ();
  }
  ctx->cur_part = ctx->main_part;
  ctx->cur_rels = bs->main_rels;
  const DnOoxmlRel *rel;
  if ((rel = dn_ooxml_rels_by_type (bs->main_rels, "styles")) != NULL && !rel->external)
    load_styles (ctx, rel->target);
  if ((rel = dn_ooxml_rels_by_type (bs->main_rels, "numbering")) != NULL && !rel->external)
    load_numbering (ctx, rel->target);
  read_properties (ctx, bs->pkg_rels);
}

/* A DnSafeXmlElementFunc: one element at depth 3, freed by the parser
 * after. Only children of the document's first w:body are blocks. */
static gboolean
body_stream_element (xmlNode *node, gpointer data, GError **error)
{
  BodyStream *bs = data;
  Ctx *ctx = bs->ctx;
  xmlNode *body = node->parent;
  xmlNode *root = body != NULL ? body->parent : NULL;
  if (!IS_W (root, "document") || wchild (root, "body") != body)
    return TRUE;
  if (bs->main_rels == NULL)
    body_stream_begin (bs);
  if (!ctx_failed (ctx)) {
    collect_hf_refs (ctx, node, &bs->refs);
    ctx->doc = bs->body_warnings;
    read_block (ctx, bs->droot, node);
    ctx->doc = bs->doc;
  }
  if (ctx_failed (ctx)) {
    g_propagate_error (error, g_steal_pointer (&ctx->error));
    return FALSE;
  }
  return TRUE;
}

/* ---------- entry points ---------- */

static int
docx_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  if (dn_ole_is_cfb (head, len))
    return 40;  /* encrypted DOCX or legacy .doc: claimed so the reader can say which */
  if (len < 30 || memcmp (head, "PK\x03\x04", 4) != 0)
    return 0;
  if (memmem (head, len, "word/", 5) != NULL)
    return 90;
  if (memmem (head, len, "[Content_Types].xml", 19) != NULL)
    return 70;
  return 0;
}

static void
ctx_clear (Ctx *ctx)
{
  g_clear_pointer (&ctx->styles, g_hash_table_unref);
  g_clear_pointer (&ctx->abstracts, g_hash_table_unref);
  g_clear_pointer (&ctx->nums, g_hash_table_unref);
  g_clear_pointer (&ctx->fields, g_ptr_array_unref);
  g_clear_pointer (&ctx->note_numbers, g_hash_table_unref);
  g_clear_pointer (&ctx->images, dn_ooxml_images_free);
  if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
    dn_node_free (ctx->toc);
  g_free (ctx->default_pstyle);
  g_free (ctx->main_part);
}

static gboolean
docx_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  if (dn_ole_is_cfb (p, len)) {
    dn_ole_explain (data, error);
    return FALSE;
  }
  g_autoptr (DnOoxmlZip) zip = dn_ooxml_zip_open (data, &options->limits, error);
  if (zip == NULL)
    return FALSE;

  Ctx ctx = { 0 };
  ctx.doc = doc;
  ctx.opt = options;
  ctx.zip = zip;
  ctx.styles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, style_free);
  ctx.abstracts = g_hash_table_new_full (NULL, NULL, NULL, abstract_free);
  ctx.nums = g_hash_table_new_full (NULL, NULL, NULL, num_free);
  ctx.fields = g_ptr_array_new_with_free_func (field_free);
  ctx.note_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.images = dn_ooxml_images_new (options->images_dir, options->file_name);
  rpr_init (&ctx.defaults);

  /* The main part through the package relationships (it need not be
   * word/document.xml); Strict packages use their own relationship URIs. */
  DnOoxmlRels *pkg_rels = dn_ooxml_zip_read_rels (zip, "", error);
  if (pkg_rels == NULL) {
    ctx_clear (&ctx);
    return FALSE;
  }
  const DnOoxmlRel *main_rel = dn_ooxml_rels_by_type (pkg_rels, "officeDocument");
  if (main_rel != NULL && !main_rel->external)
    ctx.main_part = g_strdup (main_rel->target);
  else if (dn_ooxml_zip_has (zip, "word/document.xml"))
    ctx.main_part = g_strdup ("word/document.xml");
  if (ctx.main_part == NULL || !dn_ooxml_zip_has (zip, ctx.main_part)) {
    gboolean ooxml = dn_ooxml_zip_has (zip, "[Content_Types].xml");
    g_set_error (error, DN_ERROR, ooxml ? DN_ERROR_CORRUPT : DN_ERROR_UNKNOWN_FORMAT,
                 ooxml ? "the package has no main document part" : "a zip file that is not a DOCX package");
    dn_ooxml_rels_free (pkg_rels);
    ctx_clear (&ctx);
    return FALSE;
  }
  DnNode *droot = dn_document_get_root (doc);
  BodyStream bs = { 0 };
  bs.ctx = &ctx;
  bs.doc = doc;
  bs.body_warnings = dn_document_new ();
  bs.pkg_rels = pkg_rels;
  bs.droot = droot;
  bs.refs.headers = g_ptr_array_new_with_free_func (g_free);
  bs.refs.footers = g_ptr_array_new_with_free_func (g_free);
  bs.refs.seen = g_hash_table_new (g_str_hash, g_str_equal);
  /* w:document (1) / w:body (2) / block (3) */
  GError *err = NULL;
  xmlDocPtr main = dn_ooxml_zip_read_xml_stream (zip, ctx.main_part, 3, body_stream_element, &bs, &err);
  xmlNode *root = main != NULL ? xmlDocGetRootElement (main) : NULL;
  xmlNode *body = IS_W (root, "document") ? wchild (root, "body") : NULL;
  if (main == NULL) {
    g_propagate_error (&ctx.error, err);
  } else if (body == NULL) {
    g_set_error (&ctx.error, DN_ERROR, IS_W (root, "document") ? DN_ERROR_CORRUPT : DN_ERROR_UNSUPPORTED,
                 "%s is not a WordprocessingML document (a spreadsheet or presentation?)", ctx.main_part);
  } else {
    if (bs.main_rels == NULL)
      body_stream_begin (&bs);  /* a body without blocks */
    end_fields_and_toc (&ctx);

    /* Headers precede the body, as before: read now that the sections have
     * named them, then moved in front of the body's first node. Their
     * warnings come first too (the body's waited in bs.body_warnings). */
    DnNode *first_body = dn_node_first_child (droot);
    DnNode *holder = dn_node_new (DN_NODE_DOCUMENT);
    for (guint i = 0; i < bs.refs.headers->len && !ctx_failed (&ctx); i++)
      read_furniture (&ctx, holder, g_ptr_array_index (bs.refs.headers, i), "header");
    DnNode *c;
    while ((c = dn_node_first_child (holder)) != NULL) {
      dn_node_unlink (c);
      if (first_body != NULL)
        dn_node_insert_before (first_body, c);
      else
        dn_node_append_child (droot, c);
    }
    dn_node_free (holder);
    guint n_warnings = dn_document_get_n_warnings (bs.body_warnings);
    for (guint i = 0; i < n_warnings; i++) {
      DnWarningInfo w;
      dn_document_get_warning (bs.body_warnings, i, &w);
      dn_document_add_warning (doc, w.code, w.page, "%s", w.message);
    }
    end_fields_and_toc (&ctx);

    const DnOoxmlRel *rel;
    for (guint i = 0; i < bs.refs.footers->len && !ctx_failed (&ctx); i++)
      read_furniture (&ctx, droot, g_ptr_array_index (bs.refs.footers, i), "footer");
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "footnotes")) != NULL && !rel->external)
      read_notes (&ctx, droot, rel->target, FALSE);
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "endnotes")) != NULL && !rel->external)
      read_notes (&ctx, droot, rel->target, TRUE);
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "comments")) != NULL && !rel->external)
      read_comments (&ctx, droot, rel->target);
  }

  xmlFreeDoc (main);
  g_hash_table_unref (bs.refs.seen);
  g_ptr_array_unref (bs.refs.headers);
  g_ptr_array_unref (bs.refs.footers);
  dn_document_free (bs.body_warnings);
  dn_ooxml_rels_free (bs.main_rels);
  dn_ooxml_rels_free (pkg_rels);
  gboolean ok = ctx.error == NULL;
  if (!ok)
    g_propagate_error (error, ctx.error);
  ctx.error = NULL;
  ctx_clear (&ctx);
  if (!ok) {
    /* The body was read as it streamed in: a failure part-way leaves no
     * partial tree behind (after ctx_clear, which looks at ctx.toc). */
    DnNode *c;
    while ((c = dn_node_first_child (droot)) != NULL)
      dn_node_free (c);
  }
  return ok;
}

static const char *const docx_media_types[] = {
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document", NULL
};
static const char *const docx_extensions[] = { "docx", "docm", "dotx", NULL };

static const DnReaderVTable docx_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = docx_probe,
  .read = docx_read,
};

static const DnPluginDesc docx_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "docx",
  .description = "Word DOCX (OOXML transitional and Strict) on libzip and libxml2",
  .version = DOCX_VERSION,
  .media_types = docx_media_types,
  .extensions = docx_extensions,
  .reader = &docx_reader,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (docx, docx_desc)
