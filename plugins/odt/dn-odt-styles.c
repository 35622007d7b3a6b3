/* ODT styles: the automatic and common styles of styles.xml and
 * content.xml, resolved through their parents into the text properties
 * paragraphs and spans use; and the attribute values (on / off, lengths,
 * integers) the reader parses. */
#include <stdlib.h>
#include <string.h>

#include "dn-odt-private.h"

void
dn_odt_style_free (gpointer p)
{
  DnOdtStyle *s = p;
  g_free (s->name);
  g_free (s->display);
  g_free (s->parent);
  g_free (s->list_style);
  g_free (s);
}

static gint8
on_off_attr (const xmlNode *n, const char *ns, const char *local, const char *const *off_values)
{
  char *v = dn_xml_get_attr (n, ns, NULL, local);
  if (v == NULL)
    return -1;
  gint8 on = 1;
  for (const char *const *o = off_values; *o != NULL; o++)
    if (g_ascii_strcasecmp (v, *o) == 0)
      on = 0;
  g_free (v);
  return on;
}

/* "12pt", "0.5in", "1.2cm", "10mm", "16px" → points; 0 when unknown. */
double
dn_odt_length_points (const char *v)
{
  if (v == NULL)
    return 0;
  char *end = NULL;
  double x = g_ascii_strtod (v, &end);
  if (end == v || x <= 0)
    return 0;
  if (g_str_has_prefix (end, "pt"))
    return x;
  if (g_str_has_prefix (end, "in"))
    return x * 72;
  if (g_str_has_prefix (end, "cm"))
    return x * 72 / 2.54;
  if (g_str_has_prefix (end, "mm"))
    return x * 72 / 25.4;
  if (g_str_has_prefix (end, "pc"))
    return x * 12;
  if (g_str_has_prefix (end, "px"))
    return x * 0.75;
  return 0;
}

/* Reads the style:style and text:list-style children of @container. */
void
dn_odt_styles_load (DnOdtCtx *ctx, xmlNode *container)
{
  static const char *const weight_off[] = { "normal", "100", "200", "300", "400", "500", NULL };
  static const char *const italic_off[] = { "normal", NULL };
  static const char *const line_off[] = { "none", NULL };
  for (xmlNode *n = container != NULL ? container->children : NULL; n != NULL; n = n->next) {
    if (IS (n, NS_TEXT, "list-style")) {
      char *name = dn_xml_get_attr (n, NS_STYLE, NULL, "name");
      if (name != NULL)
        g_hash_table_replace (ctx->list_styles, name, n);
      continue;
    }
    if (!IS (n, NS_STYLE, "style"))
      continue;
    char *name = dn_xml_get_attr (n, NS_STYLE, NULL, "name");
    char *family = dn_xml_get_attr (n, NS_STYLE, NULL, "family");
    if (name == NULL || family == NULL) {
      g_free (name);
      g_free (family);
      continue;
    }
    DnOdtStyle *s = g_new0 (DnOdtStyle, 1);
    s->name = g_strdup (name);
    s->display = dn_xml_get_attr (n, NS_STYLE, NULL, "display-name");
    if (s->display == NULL)
      s->display = g_strdup (name);
    s->parent = dn_xml_get_attr (n, NS_STYLE, NULL, "parent-style-name");
    s->list_style = dn_xml_get_attr (n, NS_STYLE, NULL, "list-style-name");
    char *ol = dn_xml_get_attr (n, NS_STYLE, NULL, "default-outline-level");
    s->outline_level = ol != NULL ? CLAMP (atoi (ol), 0, 10) : 0;
    g_free (ol);
    s->bold = s->italic = s->underline = s->strike = s->position = -1;
    for (xmlNode *p = n->children; p != NULL; p = p->next) {
      if (IS (p, NS_STYLE, "text-properties")) {
        s->bold = on_off_attr (p, NS_FO, "font-weight", weight_off);
        s->italic = on_off_attr (p, NS_FO, "font-style", italic_off);
        s->underline = on_off_attr (p, NS_STYLE, "text-underline-style", line_off);
        s->strike = on_off_attr (p, NS_STYLE, "text-line-through-style", line_off);
        char *pos = dn_xml_get_attr (p, NS_STYLE, NULL, "text-position");
        if (pos != NULL)
          s->position = g_str_has_prefix (pos, "super") || (g_ascii_isdigit (pos[0]) && g_ascii_strtod (pos, NULL) > 0)
                          ? 1
                          : g_str_has_prefix (pos, "sub") || pos[0] == '-' ? 2 : 0;
        g_free (pos);
        char *fs = dn_xml_get_attr (p, NS_FO, NULL, "font-size");
        s->font_size = dn_odt_length_points (fs);
        g_free (fs);
      } else if (IS (p, NS_STYLE, "paragraph-properties")) {
        char *a = dn_xml_get_attr (p, NS_FO, NULL, "text-align");
        if (a != NULL)
          s->align = strcmp (a, "center") == 0 ? DN_ALIGN_CENTER
                     : strcmp (a, "end") == 0 || strcmp (a, "right") == 0 ? DN_ALIGN_RIGHT
                     : strcmp (a, "justify") == 0 ? DN_ALIGN_JUSTIFY : DN_ALIGN_LEFT;
        g_free (a);
      }
    }
    g_hash_table_replace (ctx->styles, g_strconcat (family, ":", name, NULL), s);
    g_free (name);
    g_free (family);
  }
}

const DnOdtStyle *
dn_odt_style_get (DnOdtCtx *ctx, const char *family, const char *name)
{
  if (name == NULL)
    return NULL;
  char *key = g_strconcat (family, ":", name, NULL);
  const DnOdtStyle *s = g_hash_table_lookup (ctx->styles, key);
  g_free (key);
  return s;
}

void
dn_odt_style_resolve (DnOdtCtx *ctx, const char *family, const char *name, DnOdtResolved *r)
{
  memset (r, 0, sizeof *r);
  r->bold = r->italic = r->underline = r->strike = r->position = -1;
  const DnOdtStyle *s = dn_odt_style_get (ctx, family, name);
  for (int guard = 0; s != NULL && guard < 32; guard++) {
#define INHERIT(f) if (r->f < 0) r->f = s->f
    INHERIT (bold);
    INHERIT (italic);
    INHERIT (underline);
    INHERIT (strike);
    INHERIT (position);
#undef INHERIT
    if (r->font_size == 0)
      r->font_size = s->font_size;
    if (r->align == DN_ALIGN_UNKNOWN)
      r->align = s->align;
    if (r->outline_level == 0)
      r->outline_level = s->outline_level;
    if (r->list_style == NULL)
      r->list_style = s->list_style;
    r->caption |= g_ascii_strcasecmp (s->display, "Caption") == 0 || strcmp (s->name, "Caption") == 0;
    s = s->parent != NULL && strcmp (s->parent, s->name) != 0 ? dn_odt_style_get (ctx, family, s->parent) : NULL;
  }
}

gint64
dn_odt_int_attr (const xmlNode *n, const char *ns, const char *local, gint64 fallback)
{
  char *v = dn_xml_get_attr (n, ns, NULL, local);
  gint64 x;
  if (v == NULL || !g_ascii_string_to_signed (v, 10, 1, G_MAXINT32, &x, NULL))
    x = fallback;
  g_free (v);
  return x;
}

