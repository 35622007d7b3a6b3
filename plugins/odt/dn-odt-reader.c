/* The ODT reader: OpenDocument text (ODF 1.0–1.3) on libzip and libxml2,
 * through the safe zip and XML helpers it shares with the DOCX reader
 * (plugins/common/dn-ooxml-zip.c, dn-safe-xml.c: entry count, sizes and ratio capped, ".."
 * and absolute names refused, no network, no entities, no DTD, bounded
 * depth, libxml2 silenced).
 *
 * Faithful blocks from content.xml: text:h headings with their outline
 * level, text:p paragraphs (a "Caption"-styled one, or one holding a
 * text:sequence, is a caption), lists (numbered or bulleted from the list
 * style), tables with row / column spans and header rows, draw:frame
 * images, tables of contents, footnotes and endnotes (text:note, referenced
 * from the text as note_ref spans), reviewer annotations kept apart as
 * comments. Bold / italic / underline / strike / super / subscript come from
 * the automatic and common styles; headers and footers of the master pages
 * are furniture; meta.xml gives the metadata. ODF collapses white space
 * (text:s, text:tab and text:line-break are the explicit forms), so the
 * reader does too. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/tree.h>

#include "docnorm.h"
#include "dn-docx-numfmt.h"
#include "dn-ooxml-zip.h"
#include "dn-para-builder.h"
#include "dn-safe-xml.h"

#define ODT_VERSION "1.0.0"
#define ODT_HARD_MAX_DEPTH 4096
/* number-rows-repeated / number-columns-repeated beyond this are capped. */
#define ODT_MAX_REPEAT 1000

#define NS_OFFICE "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
#define NS_TEXT "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
#define NS_TABLE "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
#define NS_DRAW "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
#define NS_STYLE "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
#define NS_FO "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
#define NS_SVG "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
#define NS_XLINK "http://www.w3.org/1999/xlink"
#define NS_META "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_MANIFEST "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"

#define IS(n, ns, local) dn_xml_is ((n), (ns), NULL, (local))

static const char odt_mime_prefix[] = "application/vnd.oasis.opendocument.";
static const char odt_text_mime[] = "application/vnd.oasis.opendocument.text";

/* ---------- probe ---------- */

static int
odt_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  if (head == NULL || len < 38 || memcmp (head, "PK\x03\x04", 4) != 0)
    return 0;
  /* ODF stores "mimetype" first and uncompressed: its name and content sit
   * at the start of the file. */
  gsize window = MIN (len, 200);
  if (memmem (head, window, "mimetypeapplication/vnd.oasis.opendocument.text", 47) != NULL)
    return 100;
  /* A spreadsheet or presentation: claimed so the reader can say so. */
  if (memmem (head, window, "mimetypeapplication/vnd.oasis.opendocument.", 43) != NULL)
    return 50;
  return 0;
}

/* ---------- styles ---------- */

typedef struct {
  char *name;
  char *display;       /* style:display-name, else the name */
  char *parent;
  char *list_style;    /* paragraph styles: style:list-style-name */
  int outline_level;   /* style:default-outline-level */
  /* Text properties: -1 unset (inherit), 0 off, 1 on. */
  gint8 bold, italic, underline, strike;
  gint8 position;      /* -1 unset, 0 normal, 1 super, 2 sub */
  double font_size;
  DnAlign align;
} OdtStyle;

typedef struct {
  DnDocument *doc;
  const DnReadOptions *opt;
  DnOoxmlZip *zip;
  GHashTable *styles;       /* "family:name" → OdtStyle */
  GHashTable *list_styles;  /* name → xmlNode* (borrowed from a kept doc) */
  GHashTable *media_types;  /* part → media type, from the manifest */
  DnOoxmlImages *images;    /* figures' image names, exported with --images */
  GPtrArray *kept_docs;     /* xmlDocPtr whose nodes list_styles borrows */
  GPtrArray *notes;         /* DnNode* footnotes, appended after the body */
  GPtrArray *comments;      /* DnNode* comments, appended after the body */
  GHashTable *list_by_id;   /* xml:id of a top-level list → Counters (borrowed) */
  GHashTable *last_by_style;/* list style → Counters of its last list (borrowed) */
  GPtrArray *counters;      /* Counters, owned */
  guint64 nodes;
  guint max_depth;
  guint n_comments;
  GError *error;
} Ctx;

/* Item counters of one list (and the lists that continue it), per level. */
#define ODT_LIST_LEVELS 10
typedef struct {
  int value[ODT_LIST_LEVELS + 1];
} Counters;

static void
style_free (gpointer p)
{
  OdtStyle *s = p;
  g_free (s->name);
  g_free (s->display);
  g_free (s->parent);
  g_free (s->list_style);
  g_free (s);
}

static gboolean
failed (Ctx *ctx)
{
  return ctx->error != NULL;
}

/* Counts one node against the limit; FALSE (with the error set) past it. */
static gboolean
count_node (Ctx *ctx)
{
  if (ctx->opt->limits.max_nodes > 0 && ++ctx->nodes > ctx->opt->limits.max_nodes) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", ctx->opt->limits.max_nodes);
    return FALSE;
  }
  return TRUE;
}

static DnNode *
new_node (Ctx *ctx, DnNode *parent, DnNodeType type)
{
  return count_node (ctx) ? dn_node_append_new (parent, type) : NULL;
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
static double
length_points (const char *v)
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
static void
load_styles_from (Ctx *ctx, xmlNode *container)
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
    OdtStyle *s = g_new0 (OdtStyle, 1);
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
        s->font_size = length_points (fs);
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

static const OdtStyle *
style_get (Ctx *ctx, const char *family, const char *name)
{
  if (name == NULL)
    return NULL;
  char *key = g_strconcat (family, ":", name, NULL);
  const OdtStyle *s = g_hash_table_lookup (ctx->styles, key);
  g_free (key);
  return s;
}

/* Resolved text properties of a style and its parents. */
typedef struct {
  gint8 bold, italic, underline, strike, position;
  double font_size;
  DnAlign align;
  int outline_level;
  const char *list_style;
  gboolean caption;    /* the style is, or derives from, "Caption" */
} Resolved;

static void
resolve (Ctx *ctx, const char *family, const char *name, Resolved *r)
{
  memset (r, 0, sizeof *r);
  r->bold = r->italic = r->underline = r->strike = r->position = -1;
  const OdtStyle *s = style_get (ctx, family, name);
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
    s = s->parent != NULL && strcmp (s->parent, s->name) != 0 ? style_get (ctx, family, s->parent) : NULL;
  }
}

static guint32
marks_of (const Resolved *r)
{
  return dn_para_marks (r->bold, r->italic, r->underline, r->strike, r->position);
}

/* ---------- inline text ---------- */

/* One paragraph being collected. */
typedef struct {
  DnParaBuilder base;   /* text, spans, figures to place after the paragraph */
  gboolean has_sequence;
  char *label;          /* text:h's text:number */
} Para;

static void
para_init (Para *pb)
{
  memset (pb, 0, sizeof *pb);
  dn_para_builder_init (&pb->base);
}

static void
para_clear (Para *pb)
{
  dn_para_builder_clear (&pb->base);
  g_free (pb->label);
}

/* ODF white space: runs of space, tab, CR, LF in the text become one space;
 * none at the start of the paragraph. */
static void
append_collapsed (GString *out, const char *s)
{
  for (; *s != '\0'; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      if (out->len == 0 || out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\n')
        continue;
      g_string_append_c (out, ' ');
    } else {
      g_string_append_c (out, *s);
    }
  }
}

static void read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container, guint depth);
static void read_inline (Ctx *ctx, Para *pb, xmlNode *parent, guint32 marks, const char *href, guint depth);

static void
add_span (Para *pb, guint32 start, guint32 marks, const char *href)
{
  if (marks == 0 && href == NULL)
    return;
  if (start >= pb->base.text->len)
    return;
  /* Each text node keeps its own span: no joining with the last one. */
  dn_para_builder_add_span (&pb->base, start, (guint32) pb->base.text->len,
                            marks | (href != NULL ? DN_MARK_LINK : 0), href);
}

/* Records an embedded image (written into the images folder when asked)
 * and returns the name kept in the image attribute; borrowed. */
static const char *
image_file (Ctx *ctx, const char *part)
{
  return dn_para_image_file (ctx->images, ctx->zip, part, ctx->doc, "ODT_IMAGE_WRITE_FAILED",
                             "ODT_IMAGE_MISSING", &ctx->error);
}

/* draw:frame: a figure for its image (or object), with any text box's
 * paragraphs (captions) inside. Returned unlinked; NULL when empty. */
static DnNode *
read_frame (Ctx *ctx, xmlNode *frame, guint depth)
{
  if (!count_node (ctx))
    return NULL;
  DnNode *fig = dn_node_new (DN_NODE_FIGURE);
  char *title = NULL, *desc = NULL;
  gboolean any = FALSE;
  for (xmlNode *c = frame->children; c != NULL; c = c->next) {
    if (IS (c, NS_SVG, "title") && title == NULL)
      title = dn_xml_get_content (c);
    else if (IS (c, NS_SVG, "desc") && desc == NULL)
      desc = dn_xml_get_content (c);
  }
  for (xmlNode *c = frame->children; c != NULL && !failed (ctx); c = c->next) {
    if (IS (c, NS_DRAW, "image") && dn_node_get_attr (fig, DN_ATTR_IMAGE) == NULL) {
      char *href = dn_xml_get_attr (c, NS_XLINK, NULL, "href");
      if (href != NULL && *href != '\0') {
        const char *part = g_str_has_prefix (href, "./") ? href + 2 : href;
        if (strstr (part, "://") != NULL || part[0] == '/') {
          dn_document_add_warning (ctx->doc, "ODT_IMAGE_EXTERNAL", 0, "linked image %s is not embedded", href);
          dn_node_set_attr (fig, DN_ATTR_IMAGE, href);
        } else if (!dn_ooxml_zip_has (ctx->zip, part)) {
          dn_document_add_warning (ctx->doc, "ODT_IMAGE_MISSING", 0, "image part %s is missing", part);
          dn_node_set_attr (fig, DN_ATTR_IMAGE, part);
        } else {
          dn_node_set_attr (fig, DN_ATTR_IMAGE, image_file (ctx, part));
          dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, g_hash_table_lookup (ctx->media_types, part));
        }
        any = TRUE;
      }
      g_free (href);
    } else if (IS (c, NS_DRAW, "text-box")) {
      read_blocks (ctx, fig, c, depth + 1);
      any = TRUE;
    } else if (IS (c, NS_DRAW, "object") || IS (c, NS_DRAW, "object-ole")) {
      any = TRUE; /* a chart or formula: the placement is kept */
    }
  }
  char *alt = desc != NULL && *g_strstrip (desc) != '\0' ? desc : title;
  if (alt != NULL && *g_strstrip (alt) != '\0') {
    dn_node_set_attr (fig, DN_ATTR_ALT, alt);
    any = TRUE;
  }
  g_free (title);
  g_free (desc);
  char *ws = dn_xml_get_attr (frame, NS_SVG, NULL, "width"), *hs = dn_xml_get_attr (frame, NS_SVG, NULL, "height");
  /* Pixels at 96 per inch, as the DOCX reader records them. */
  double w = length_points (ws);
  double h = length_points (hs);
  if (w > 0)
    dn_node_set_attr_int (fig, DN_ATTR_WIDTH, (gint64) (w * 96 / 72 + 0.5));
  if (h > 0)
    dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, (gint64) (h * 96 / 72 + 0.5));
  g_free (ws);
  g_free (hs);
  /* LibreOffice frames a captioned image as a frame whose text box holds
   * the image's own frame and the caption: one figure, not two. */
  DnNode *inner = NULL;
  guint n_figures = 0;
  for (DnNode *c = dn_node_first_child (fig); c != NULL; c = dn_node_next (c))
    if (dn_node_get_node_type (c) == DN_NODE_FIGURE) {
      inner = c;
      n_figures++;
    }
  if (n_figures == 1 && dn_node_get_attr (fig, DN_ATTR_IMAGE) == NULL && dn_node_get_attr (fig, DN_ATTR_ALT) == NULL) {
    static const char *const keys[] = { DN_ATTR_IMAGE, DN_ATTR_MEDIA_TYPE, DN_ATTR_WIDTH, DN_ATTR_HEIGHT, DN_ATTR_ALT };
    for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
      if (dn_node_get_attr (inner, keys[k]) != NULL)
        dn_node_set_attr (fig, keys[k], dn_node_get_attr (inner, keys[k]));
    while (dn_node_first_child (inner) != NULL) {
      DnNode *c = dn_node_first_child (inner);
      dn_node_unlink (c);
      dn_node_insert_before (inner, c);
    }
    dn_node_free (inner);
  }
  if (!any) {
    dn_node_free (fig);
    return NULL;
  }
  return fig;
}

/* office:annotation: a comment of its own, kept apart from the text. */
static void
read_annotation (Ctx *ctx, xmlNode *ann, guint depth)
{
  if (!count_node (ctx))
    return;
  DnNode *cm = dn_node_new (DN_NODE_COMMENT);
  g_ptr_array_add (ctx->comments, cm);
  char *id = g_strdup_printf ("comment-%u", ++ctx->n_comments);
  dn_node_set_attr (cm, DN_ATTR_ID, id);
  g_free (id);
  for (xmlNode *c = ann->children; c != NULL; c = c->next)
    if (IS (c, NS_DC, "creator")) {
      char *who = dn_xml_get_content (c);
      dn_node_set_attr (cm, DN_ATTR_AUTHOR, *who != '\0' ? who : NULL);
      g_free (who);
    }
  read_blocks (ctx, cm, ann, depth + 1);
}

/* text:note: the citation becomes a note_ref span in the text; the body a
 * footnote node after the document's body. */
static void
read_note (Ctx *ctx, Para *pb, xmlNode *note, guint depth)
{
  char *id = dn_xml_get_attr (note, NS_TEXT, NULL, "id");
  char *cls = dn_xml_get_attr (note, NS_TEXT, NULL, "note-class");
  gboolean endnote = g_strcmp0 (cls, "endnote") == 0;
  char *key = g_strdup_printf ("%s%s", endnote ? "en-" : "fn-", id != NULL ? id : "");
  char *citation = NULL;
  for (xmlNode *c = note->children; c != NULL; c = c->next)
    if (IS (c, NS_TEXT, "note-citation") && citation == NULL)
      citation = dn_xml_get_content (c);
  if (citation != NULL && *citation != '\0') {
    guint32 start = (guint32) pb->base.text->len;
    g_string_append (pb->base.text, citation);
    dn_para_builder_add_span (&pb->base, start, (guint32) pb->base.text->len, DN_MARK_NOTE_REF, key);
  }
  for (xmlNode *c = note->children; c != NULL && !failed (ctx); c = c->next) {
    if (!IS (c, NS_TEXT, "note-body") || !count_node (ctx))
      continue;
    DnNode *fn = dn_node_new (DN_NODE_FOOTNOTE);
    g_ptr_array_add (ctx->notes, fn);
    dn_node_set_attr (fn, DN_ATTR_NOTE_ID, key);
    dn_node_set_attr (fn, DN_ATTR_LABEL, citation != NULL && *citation != '\0' ? citation : NULL);
    dn_node_set_attr (fn, DN_ATTR_ROLE, endnote ? "endnote" : "footnote");
    read_blocks (ctx, fn, c, depth + 1);
  }
  g_free (citation);
  g_free (key);
  g_free (cls);
  g_free (id);
}

static void
read_inline (Ctx *ctx, Para *pb, xmlNode *parent, guint32 marks, const char *href, guint depth)
{
  if (depth > ctx->max_depth) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "text nested deeper than %u levels", ctx->max_depth);
    return;
  }
  for (xmlNode *n = parent->children; n != NULL && !failed (ctx); n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      guint32 start = (guint32) pb->base.text->len;
      append_collapsed (pb->base.text, (const char *) n->content);
      add_span (pb, start, marks, href);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    guint32 start = (guint32) pb->base.text->len;
    if (IS (n, NS_TEXT, "s")) {
      char *c = dn_xml_get_attr (n, NS_TEXT, NULL, "c");
      int count = c != NULL ? CLAMP (atoi (c), 1, 1000) : 1;
      g_free (c);
      for (int i = 0; i < count; i++)
        g_string_append_c (pb->base.text, ' ');
      add_span (pb, start, marks, href);
    } else if (IS (n, NS_TEXT, "tab")) {
      g_string_append_c (pb->base.text, '\t');
    } else if (IS (n, NS_TEXT, "line-break")) {
      while (pb->base.text->len > 0 && pb->base.text->str[pb->base.text->len - 1] == ' ')
        g_string_truncate (pb->base.text, pb->base.text->len - 1);
      g_string_append_c (pb->base.text, '\n');
    } else if (IS (n, NS_TEXT, "span")) {
      char *sn = dn_xml_get_attr (n, NS_TEXT, NULL, "style-name");
      Resolved r;
      resolve (ctx, "text", sn, &r);
      g_free (sn);
      read_inline (ctx, pb, n, marks | marks_of (&r), href, depth + 1);
    } else if (IS (n, NS_TEXT, "a")) {
      char *target = dn_xml_get_attr (n, NS_XLINK, NULL, "href");
      read_inline (ctx, pb, n, marks, target != NULL ? target : href, depth + 1);
      g_free (target);
    } else if (IS (n, NS_TEXT, "note")) {
      read_note (ctx, pb, n, depth + 1);
    } else if (IS (n, NS_OFFICE, "annotation")) {
      read_annotation (ctx, n, depth + 1);
    } else if (IS (n, NS_DRAW, "frame")) {
      DnNode *fig = read_frame (ctx, n, depth + 1);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
    } else if (IS (n, NS_DRAW, "a")) {
      read_inline (ctx, pb, n, marks, href, depth + 1);
    } else if (IS (n, NS_TEXT, "number")) {
      /* A heading's or item's number as rendered: kept as its label. */
      if (pb->label == NULL)
        pb->label = dn_xml_get_content (n);
    } else if (IS (n, NS_TEXT, "sequence")) {
      pb->has_sequence = TRUE;
      read_inline (ctx, pb, n, marks, href, depth + 1);
    } else if (IS (n, NS_TEXT, "tracked-changes") || IS (n, NS_OFFICE, "annotation-end") ||
               IS (n, NS_TEXT, "bookmark") || IS (n, NS_TEXT, "bookmark-start") ||
               IS (n, NS_TEXT, "bookmark-end") || IS (n, NS_TEXT, "soft-page-break") ||
               IS (n, NS_TEXT, "reference-mark-start") || IS (n, NS_TEXT, "reference-mark-end") ||
               IS (n, NS_TEXT, "change-start") || IS (n, NS_TEXT, "change-end") || IS (n, NS_TEXT, "change") ||
               IS (n, NS_TEXT, "toc-mark") || IS (n, NS_TEXT, "alphabetical-index-mark") ||
               IS (n, NS_TEXT, "ruby-text")) {
      /* Marks, deleted text and annotations to the side carry no text. */
    } else {
      /* Fields (page number, date, title …), ruby base, meta: their text. */
      read_inline (ctx, pb, n, marks, href, depth + 1);
    }
  }
}

/* Moves the collected paragraph text into @node (with its spans). */
static void
para_finish (Para *pb, DnNode *node)
{
  GString *t = pb->base.text;
  gsize len = t->len;
  while (len > 0 && (t->str[len - 1] == ' ' || t->str[len - 1] == '\n'))
    len--;
  g_string_truncate (t, len);
  if (len == 0)
    return;
  dn_node_set_text_len (node, t->str, (gssize) len);
  for (guint i = 0; i < pb->base.spans->len; i++) {
    const DnParaSpan *s = &g_array_index (pb->base.spans, DnParaSpan, i);
    guint32 end = MIN (s->end, (guint32) len);
    if (s->start < end)
      dn_node_add_span (node, s->start, end, s->marks, s->href);
  }
}

/* text:p or text:h into @parent (or into @owner's own text when given and
 * still empty: the first paragraph of a list item or table cell). */
static void
read_paragraph (Ctx *ctx, DnNode *parent, DnNode *owner, xmlNode *p, gboolean heading, guint depth)
{
  Para pb;
  para_init (&pb);
  char *sn = dn_xml_get_attr (p, NS_TEXT, NULL, "style-name");
  Resolved r;
  resolve (ctx, "paragraph", sn, &r);
  read_inline (ctx, &pb, p, marks_of (&r) & ~(guint32) (DN_MARK_BOLD | DN_MARK_ITALIC), NULL, depth + 1);
  gboolean caption = !heading && (r.caption || pb.has_sequence);
  DnNode *node = NULL;
  if (!failed (ctx)) {
    gboolean into_owner = owner != NULL && dn_node_get_text (owner) == NULL && dn_node_first_child (owner) == NULL;
    if (into_owner) {
      node = owner;
    } else {
      gboolean empty = pb.base.text->len == 0 || strspn (pb.base.text->str, " \n") == pb.base.text->len;
      if (!empty || heading)
        node = new_node (ctx, parent, heading ? DN_NODE_HEADING : caption ? DN_NODE_CAPTION : DN_NODE_PARAGRAPH);
    }
  }
  if (node != NULL) {
    para_finish (&pb, node);
    if (node != owner) {
      const OdtStyle *st = style_get (ctx, "paragraph", sn);
      if (st != NULL)
        dn_node_set_attr (node, DN_ATTR_STYLE, st->display);
      DnHints *h = dn_node_hints (node);
      h->font_size = r.font_size;
      h->bold = r.bold < 0 ? -1 : r.bold;
      h->italic = r.italic < 0 ? -1 : r.italic;
      h->align = r.align;
      if (heading) {
        char *lv = dn_xml_get_attr (p, NS_TEXT, NULL, "outline-level");
        int level = lv != NULL ? atoi (lv) : r.outline_level;
        h->outline_level = CLAMP (level > 0 ? level : 1, 1, 9);
        g_free (lv);
      } else if (r.outline_level > 0) {
        /* A paragraph in a style with an outline level: a hint only. */
        h->outline_level = CLAMP (r.outline_level, 1, 9);
      }
      if (pb.label != NULL && *pb.label != '\0')
        dn_node_set_attr (node, DN_ATTR_LABEL, pb.label);
      /* An empty heading carries nothing. */
      if (heading && dn_node_get_text (node) == NULL)
        dn_node_free (node);
    }
  }
  /* Frames anchored in the paragraph follow it. */
  dn_para_builder_place_after (&pb.base, parent);
  para_clear (&pb);
  g_free (sn);
}

/* ---------- lists, tables, blocks ---------- */

static gint64 int_attr (const xmlNode *n, const char *ns, const char *local, gint64 fallback);

/* The list style's definition of level @level (1-based), or NULL. */
static xmlNode *
list_level_style (Ctx *ctx, const char *name, int level)
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
item_label (Ctx *ctx, const char *style, int level, const Counters *cnt, char **label, char **type)
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
  gint64 shown = int_attr (ls, NS_TEXT, "display-levels", 1);
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

static void
read_list (Ctx *ctx, DnNode *parent, xmlNode *list, const char *inherited_style, Counters *cnt, int level,
           guint depth)
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
      cnt = g_new0 (Counters, 1);
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
  gint64 start = ls != NULL ? int_attr (ls, NS_TEXT, "start-value", 1) : 1;
  DnNode *ln = NULL; /* made when a real item comes */
  for (xmlNode *it = list->children; it != NULL && !failed (ctx); it = it->next) {
    gboolean header = IS (it, NS_TEXT, "list-header");
    if (!header && !IS (it, NS_TEXT, "list-item"))
      continue;
    xmlNode *first = item_first_paragraph (it);
    char *label = NULL, *type = NULL;
    if (!header && first != NULL) {
      gint64 restart = int_attr (it, NS_TEXT, "start-value", 0);
      cnt->value[lv] = restart > 0 ? (int) restart : cnt->value[lv] > 0 ? cnt->value[lv] + 1 : (int) start;
      for (int k = lv + 1; k <= ODT_LIST_LEVELS; k++)
        cnt->value[k] = 0;
      item_label (ctx, style, lv, cnt, &label, &type);
    }
    /* Word's numbered headings come to ODF as headings in list items:
     * the heading, with its number as label, not a list. An item with no
     * paragraph of its own (only a deeper list) adds no level either. */
    if (first == NULL || IS (first, NS_TEXT, "h")) {
      for (xmlNode *c = it->children; c != NULL && !failed (ctx); c = c->next) {
        if (IS (c, NS_TEXT, "h") || IS (c, NS_TEXT, "p")) {
          read_paragraph (ctx, parent, NULL, c, IS (c, NS_TEXT, "h"), depth + 1);
          if (c == first)
            set_label (dn_node_last_child (parent), label, type);
        } else if (IS (c, NS_TEXT, "list")) {
          read_list (ctx, parent, c, style, cnt, level + 1, depth + 1);
        } else if (c->type == XML_ELEMENT_NODE) {
          read_blocks (ctx, parent, c, depth + 1);
        }
      }
      g_free (label);
      g_free (type);
      continue;
    }
    if (ln == NULL) {
      ln = new_node (ctx, parent, DN_NODE_LIST);
      if (ln == NULL) {
        g_free (label);
        g_free (type);
        break;
      }
      dn_node_set_attr (ln, DN_ATTR_ORDERED, numbered ? "true" : "false");
    }
    DnNode *item = new_node (ctx, ln, DN_NODE_LIST_ITEM);
    if (item == NULL) {
      g_free (label);
      g_free (type);
      break;
    }
    set_label (item, label, type);
    g_free (label);
    g_free (type);
    for (xmlNode *c = it->children; c != NULL && !failed (ctx); c = c->next) {
      if (IS (c, NS_TEXT, "list"))
        read_list (ctx, item, c, style, cnt, level + 1, depth + 1);
      else if (IS (c, NS_TEXT, "p") || IS (c, NS_TEXT, "h"))
        read_paragraph (ctx, item, item, c, FALSE, depth + 1);
      else if (c->type == XML_ELEMENT_NODE)
        read_blocks (ctx, item, c, depth + 1);
    }
  }
  g_free (sn);
}

static gint64
int_attr (const xmlNode *n, const char *ns, const char *local, gint64 fallback)
{
  char *v = dn_xml_get_attr (n, ns, NULL, local);
  gint64 x;
  if (v == NULL || !g_ascii_string_to_signed (v, 10, 1, G_MAXINT32, &x, NULL))
    x = fallback;
  g_free (v);
  return x;
}

static void
read_row (Ctx *ctx, DnNode *table, xmlNode *row, gboolean header, guint depth)
{
  gint64 repeat = int_attr (row, NS_TABLE, "number-rows-repeated", 1);
  if (repeat > ODT_MAX_REPEAT) {
    dn_document_add_warning (ctx->doc, "ODT_REPEAT_CAPPED", 0,
                             "a table row repeated %" G_GINT64_FORMAT " times was kept %d times", repeat,
                             ODT_MAX_REPEAT);
    repeat = ODT_MAX_REPEAT;
  }
  for (gint64 r = 0; r < repeat && !failed (ctx); r++) {
    DnNode *rn = new_node (ctx, table, DN_NODE_TABLE_ROW);
    if (rn == NULL)
      return;
    if (header)
      dn_node_hints (rn)->flags |= DN_HINT_HEADER_ROW;
    for (xmlNode *c = row->children; c != NULL && !failed (ctx); c = c->next) {
      if (!IS (c, NS_TABLE, "table-cell"))
        continue; /* covered cells sit under a span */
      gint64 crep = int_attr (c, NS_TABLE, "number-columns-repeated", 1);
      if (crep > ODT_MAX_REPEAT) {
        dn_document_add_warning (ctx->doc, "ODT_REPEAT_CAPPED", 0,
                                 "a table cell repeated %" G_GINT64_FORMAT " times was kept %d times", crep,
                                 ODT_MAX_REPEAT);
        crep = ODT_MAX_REPEAT;
      }
      for (gint64 k = 0; k < crep && !failed (ctx); k++) {
        DnNode *cell = new_node (ctx, rn, DN_NODE_TABLE_CELL);
        if (cell == NULL)
          return;
        gint64 cs = int_attr (c, NS_TABLE, "number-columns-spanned", 1);
        gint64 rs = int_attr (c, NS_TABLE, "number-rows-spanned", 1);
        if (cs > 1)
          dn_node_set_attr_int (cell, DN_ATTR_COL_SPAN, cs);
        if (rs > 1)
          dn_node_set_attr_int (cell, DN_ATTR_ROW_SPAN, rs);
        for (xmlNode *b = c->children; b != NULL && !failed (ctx); b = b->next) {
          if (IS (b, NS_TEXT, "p") || IS (b, NS_TEXT, "h"))
            read_paragraph (ctx, cell, cell, b, FALSE, depth + 1);
          else if (b->type == XML_ELEMENT_NODE)
            read_blocks (ctx, cell, b, depth + 1);
        }
      }
    }
  }
}

static void
read_table_rows (Ctx *ctx, DnNode *table, xmlNode *container, gboolean header, guint depth)
{
  if (depth > ctx->max_depth)
    return;
  for (xmlNode *c = container->children; c != NULL && !failed (ctx); c = c->next) {
    if (IS (c, NS_TABLE, "table-row"))
      read_row (ctx, table, c, header, depth + 1);
    else if (IS (c, NS_TABLE, "table-header-rows"))
      read_table_rows (ctx, table, c, TRUE, depth + 1);
    else if (IS (c, NS_TABLE, "table-rows") || IS (c, NS_TABLE, "table-row-group"))
      read_table_rows (ctx, table, c, header, depth + 1);
  }
}

/* The entries of an index body: "title<TAB>page" paragraphs. */
static void
read_index (Ctx *ctx, DnNode *parent, xmlNode *index, guint depth)
{
  DnNode *toc = new_node (ctx, parent, DN_NODE_TOC);
  if (toc == NULL)
    return;
  for (xmlNode *c = index->children; c != NULL && !failed (ctx); c = c->next) {
    if (!IS (c, NS_TEXT, "index-body"))
      continue;
    for (xmlNode *p = c->children; p != NULL && !failed (ctx); p = p->next) {
      if (IS (p, NS_TEXT, "index-title")) {
        /* The index's own heading ("Table of Contents") comes first. */
        for (xmlNode *t = p->children; t != NULL && !failed (ctx); t = t->next)
          if (IS (t, NS_TEXT, "p") || IS (t, NS_TEXT, "h"))
            read_paragraph (ctx, parent, NULL, t, IS (t, NS_TEXT, "h"), depth + 1);
        /* ... before the entries. */
        dn_node_unlink (toc);
        dn_node_append_child (parent, toc);
        continue;
      }
      if (!IS (p, NS_TEXT, "p"))
        continue;
      DnNode *e = new_node (ctx, toc, DN_NODE_TOC_ENTRY);
      if (e == NULL)
        return;
      Para pb;
      para_init (&pb);
      read_inline (ctx, &pb, p, 0, NULL, depth + 1);
      /* The page number after the last tab is the printed page. */
      char *tab = strrchr (pb.base.text->str, '\t');
      gint64 page;
      if (tab != NULL && g_ascii_string_to_signed (g_strstrip (tab + 1), 10, 1, 100000, &page, NULL)) {
        dn_node_set_attr_int (e, DN_ATTR_PRINTED_PAGE, page);
        g_string_truncate (pb.base.text, (gsize) (tab - pb.base.text->str));
      }
      for (char *t = pb.base.text->str; *t != '\0'; t++)
        if (*t == '\t')
          *t = ' ';
      para_finish (&pb, e);
      para_clear (&pb);
    }
  }
}

static void
read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container, guint depth)
{
  if (depth > ctx->max_depth) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "content nested deeper than %u levels", ctx->max_depth);
    return;
  }
  for (xmlNode *n = container->children; n != NULL && !failed (ctx); n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (IS (n, NS_TEXT, "p")) {
      read_paragraph (ctx, parent, NULL, n, FALSE, depth);
    } else if (IS (n, NS_TEXT, "h")) {
      read_paragraph (ctx, parent, NULL, n, TRUE, depth);
    } else if (IS (n, NS_TEXT, "list")) {
      read_list (ctx, parent, n, NULL, NULL, 1, depth + 1);
    } else if (IS (n, NS_TABLE, "table")) {
      DnNode *t = new_node (ctx, parent, DN_NODE_TABLE);
      if (t != NULL)
        read_table_rows (ctx, t, n, FALSE, depth + 1);
    } else if (IS (n, NS_TEXT, "table-of-content") || IS (n, NS_TEXT, "illustration-index") ||
               IS (n, NS_TEXT, "table-index") || IS (n, NS_TEXT, "object-index") ||
               IS (n, NS_TEXT, "user-index") || IS (n, NS_TEXT, "alphabetical-index") ||
               IS (n, NS_TEXT, "bibliography")) {
      read_index (ctx, parent, n, depth + 1);
    } else if (IS (n, NS_DRAW, "frame")) {
      DnNode *fig = read_frame (ctx, n, depth + 1);
      if (fig != NULL)
        dn_node_append_child (parent, fig);
    } else if (IS (n, NS_OFFICE, "annotation")) {
      read_annotation (ctx, n, depth + 1);
    } else if (IS (n, NS_TEXT, "tracked-changes") || IS (n, NS_TEXT, "sequence-decls") ||
               IS (n, NS_TEXT, "variable-decls") || IS (n, NS_TEXT, "user-field-decls") ||
               IS (n, NS_OFFICE, "forms") || IS (n, NS_TABLE, "table-columns") ||
               IS (n, NS_TABLE, "table-column") || IS (n, NS_DC, "creator") || IS (n, NS_DC, "date") ||
               IS (n, NS_META, "date-string")) {
      /* Declarations, deleted text and annotation headers: no body text. */
    } else {
      /* text:section, text:soft-page-break, draw:g, …: what is inside. */
      read_blocks (ctx, parent, n, depth + 1);
    }
  }
}

/* ---------- package parts ---------- */

/* META-INF/manifest.xml: media types of the parts, and whether content.xml
 * is encrypted. Returns FALSE with ctx->error set for an encrypted file. */
static gboolean
read_manifest (Ctx *ctx)
{
  if (!dn_ooxml_zip_has (ctx->zip, "META-INF/manifest.xml"))
    return TRUE;
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, "META-INF/manifest.xml", &err);
  if (x == NULL) {
    if (err->code == DN_ERROR_LIMIT) {
      g_propagate_error (&ctx->error, err);
      return FALSE;
    }
    dn_document_add_warning (ctx->doc, "ODT_PART_UNREADABLE", 0, "manifest skipped: %s", err->message);
    g_error_free (err);
    return TRUE;
  }
  gboolean encrypted = FALSE;
  xmlNode *root = xmlDocGetRootElement (x);
  for (xmlNode *e = root != NULL ? root->children : NULL; e != NULL; e = e->next) {
    if (!IS (e, NS_MANIFEST, "file-entry"))
      continue;
    char *path = dn_xml_get_attr (e, NS_MANIFEST, NULL, "full-path");
    char *type = dn_xml_get_attr (e, NS_MANIFEST, NULL, "media-type");
    for (xmlNode *c = e->children; c != NULL; c = c->next)
      if (IS (c, NS_MANIFEST, "encryption-data") && g_strcmp0 (path, "content.xml") == 0)
        encrypted = TRUE;
    if (path != NULL && type != NULL && *type != '\0')
      g_hash_table_replace (ctx->media_types, path, type);
    else {
      g_free (path);
      g_free (type);
    }
  }
  xmlFreeDoc (x);
  if (encrypted)
    g_set_error (&ctx->error, DN_ERROR, DN_ERROR_ENCRYPTED,
                 "password-protected OpenDocument file (its content is encrypted)");
  return !encrypted;
}

/* Reads an optional part; NULL (with a warning, or ctx->error for a limit)
 * when it is absent or unreadable. */
static xmlDocPtr
optional_part (Ctx *ctx, const char *part)
{
  if (!dn_ooxml_zip_has (ctx->zip, part))
    return NULL;
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, part, &err);
  if (x == NULL) {
    if (err->code == DN_ERROR_LIMIT) {
      g_propagate_error (&ctx->error, err);
    } else {
      dn_document_add_warning (ctx->doc, "ODT_PART_UNREADABLE", 0, "%s skipped: %s", part, err->message);
      g_error_free (err);
    }
  }
  return x;
}

static xmlNode *
child (xmlNode *n, const char *ns, const char *local)
{
  for (xmlNode *c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
    if (IS (c, ns, local))
      return c;
  return NULL;
}

/* "2024-05-01T10:00:00.5" etc.; only what the record schema accepts. */
static void
set_date (DnDocument *doc, const char *key, const char *value)
{
  static GRegex *re;
  static gsize once;
  if (g_once_init_enter (&once)) {
    re = g_regex_new ("^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?$",
                      G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&once, 1);
  }
  if (value != NULL && g_regex_match (re, value, 0, NULL))
    dn_document_set_meta_string (doc, key, value);
}

static void
read_meta (Ctx *ctx)
{
  xmlDocPtr x = optional_part (ctx, "meta.xml");
  if (x == NULL)
    return;
  xmlNode *meta = child (xmlDocGetRootElement (x), NS_OFFICE, "meta");
  GString *keywords = g_string_new (NULL);
  for (xmlNode *n = meta != NULL ? meta->children : NULL; n != NULL; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    char *v = dn_xml_get_content (n);
    g_strstrip (v);
    static const char *const dc_keys[][2] = {
      { "title", "title" }, { "subject", "subject" }, { "description", "description" },
      { "creator", "last_modified_by" }, { "language", "language" },
    };
    for (guint i = 0; i < G_N_ELEMENTS (dc_keys); i++)
      if (IS (n, NS_DC, dc_keys[i][0]))
        dn_document_set_meta_string (ctx->doc, dc_keys[i][1], v);
    if (IS (n, NS_META, "initial-creator"))
      dn_document_set_meta_string (ctx->doc, "author", v);
    else if (IS (n, NS_META, "generator"))
      dn_document_set_meta_string (ctx->doc, "creator", v);
    else if (IS (n, NS_META, "creation-date"))
      set_date (ctx->doc, "created", v);
    else if (IS (n, NS_DC, "date"))
      set_date (ctx->doc, "modified", v);
    else if (IS (n, NS_META, "keyword") && *v != '\0')
      g_string_append_printf (keywords, "%s%s", keywords->len > 0 ? ", " : "", v);
    else if (IS (n, NS_META, "document-statistic")) {
      gint64 pages = int_attr (n, NS_META, "page-count", 0);
      if (pages > 0)
        dn_document_set_meta_int (ctx->doc, "pages", pages);
    }
    g_free (v);
  }
  if (keywords->len > 0)
    dn_document_set_meta_string (ctx->doc, "keywords", keywords->str);
  g_string_free (keywords, TRUE);
  xmlFreeDoc (x);
}

/* Header or footer paragraphs of the master pages, as furniture. */
static void
read_master_furniture (Ctx *ctx, DnNode *root, xmlNode *master_styles, const char *what)
{
  for (xmlNode *mp = master_styles != NULL ? master_styles->children : NULL; mp != NULL && !failed (ctx);
       mp = mp->next) {
    if (!IS (mp, NS_STYLE, "master-page"))
      continue;
    for (xmlNode *hf = mp->children; hf != NULL && !failed (ctx); hf = hf->next) {
      if (!IS (hf, NS_STYLE, what) && !(strcmp (what, "header") == 0 && IS (hf, NS_STYLE, "header-first")) &&
          !(strcmp (what, "footer") == 0 && IS (hf, NS_STYLE, "footer-first")))
        continue;
      DnNode *f = new_node (ctx, root, DN_NODE_FURNITURE);
      if (f == NULL)
        return;
      dn_node_set_attr (f, DN_ATTR_ROLE, what);
      read_blocks (ctx, f, hf, 1);
      /* A footer holding only the page number field is a page number. */
      if (dn_node_first_child (f) == NULL) {
        dn_node_free (f);
        continue;
      }
      if (dn_node_next (dn_node_first_child (f)) == NULL) {
        const char *t = dn_node_get_text (dn_node_first_child (f));
        gboolean digits = t != NULL && *t != '\0';
        for (const char *p = t; digits && *p; p++)
          digits = g_ascii_isdigit (*p);
        if (digits)
          dn_node_set_attr (f, DN_ATTR_ROLE, "page_number");
      }
    }
  }
}

static void
ctx_clear (Ctx *ctx)
{
  g_clear_pointer (&ctx->styles, g_hash_table_unref);
  g_clear_pointer (&ctx->list_styles, g_hash_table_unref);
  g_clear_pointer (&ctx->media_types, g_hash_table_unref);
  g_clear_pointer (&ctx->images, dn_ooxml_images_free);
  if (ctx->notes != NULL)
    for (guint i = 0; i < ctx->notes->len; i++)
      if (dn_node_parent (ctx->notes->pdata[i]) == NULL)
        dn_node_free (ctx->notes->pdata[i]);
  if (ctx->comments != NULL)
    for (guint i = 0; i < ctx->comments->len; i++)
      if (dn_node_parent (ctx->comments->pdata[i]) == NULL)
        dn_node_free (ctx->comments->pdata[i]);
  g_clear_pointer (&ctx->notes, g_ptr_array_unref);
  g_clear_pointer (&ctx->list_by_id, g_hash_table_unref);
  g_clear_pointer (&ctx->last_by_style, g_hash_table_unref);
  g_clear_pointer (&ctx->counters, g_ptr_array_unref);
  g_clear_pointer (&ctx->comments, g_ptr_array_unref);
  if (ctx->kept_docs != NULL)
    for (guint i = 0; i < ctx->kept_docs->len; i++)
      xmlFreeDoc (ctx->kept_docs->pdata[i]);
  g_clear_pointer (&ctx->kept_docs, g_ptr_array_unref);
}

static gboolean
odt_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  g_autoptr (DnOoxmlZip) zip = dn_ooxml_zip_open (data, &options->limits, error);
  if (zip == NULL)
    return FALSE;
  Ctx ctx = { 0 };
  ctx.doc = doc;
  ctx.opt = options;
  ctx.zip = zip;
  ctx.styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, style_free);
  ctx.list_styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.media_types = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.images = dn_ooxml_images_new (options->images_dir, options->file_name);
  ctx.kept_docs = g_ptr_array_new ();
  ctx.notes = g_ptr_array_new ();
  ctx.comments = g_ptr_array_new ();
  ctx.list_by_id = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.last_by_style = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  ctx.counters = g_ptr_array_new_with_free_func (g_free);
  guint limit_depth = options->limits.max_xml_depth > 0 ? options->limits.max_xml_depth : 256;
  ctx.max_depth = MIN (limit_depth, ODT_HARD_MAX_DEPTH);

  /* The mimetype entry says which kind of OpenDocument this is. */
  if (dn_ooxml_zip_has (zip, "mimetype")) {
    GBytes *mt = dn_ooxml_zip_read (zip, "mimetype", NULL);
    gsize n = 0;
    const char *m = mt != NULL ? g_bytes_get_data (mt, &n) : NULL;
    gboolean odf = m != NULL && n >= sizeof odt_mime_prefix - 1 &&
                   memcmp (m, odt_mime_prefix, sizeof odt_mime_prefix - 1) == 0;
    gboolean text = odf && n >= sizeof odt_text_mime - 1 && memcmp (m, odt_text_mime, sizeof odt_text_mime - 1) == 0;
    if (odf && !text) {
      char *kind = g_strndup (m + sizeof odt_mime_prefix - 1, MIN (n - (sizeof odt_mime_prefix - 1), 40));
      g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "an OpenDocument %s, not a text document",
                   g_strstrip (kind));
      g_free (kind);
    }
    if (mt != NULL)
      g_bytes_unref (mt);
    if (odf && !text) {
      ctx_clear (&ctx);
      return FALSE;
    }
  }
  if (!dn_ooxml_zip_has (zip, "content.xml")) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "the package has no content.xml");
    ctx_clear (&ctx);
    return FALSE;
  }
  if (!read_manifest (&ctx)) {
    g_propagate_error (error, ctx.error);
    ctx.error = NULL;
    ctx_clear (&ctx);
    return FALSE;
  }

  /* Common styles and master pages first: automatic styles refer to them. */
  xmlDocPtr styles = optional_part (&ctx, "styles.xml");
  xmlNode *master = NULL;
  if (styles != NULL) {
    g_ptr_array_add (ctx.kept_docs, styles);
    xmlNode *sroot = xmlDocGetRootElement (styles);
    load_styles_from (&ctx, child (sroot, NS_OFFICE, "styles"));
    load_styles_from (&ctx, child (sroot, NS_OFFICE, "automatic-styles"));
    master = child (sroot, NS_OFFICE, "master-styles");
  }
  xmlDocPtr content = failed (&ctx) ? NULL : dn_ooxml_zip_read_xml (zip, "content.xml", &ctx.error);
  xmlNode *croot = content != NULL ? xmlDocGetRootElement (content) : NULL;
  xmlNode *text = child (child (croot, NS_OFFICE, "body"), NS_OFFICE, "text");
  if (content != NULL && text == NULL)
    g_set_error (&ctx.error, DN_ERROR, DN_ERROR_CORRUPT, "content.xml holds no office:text body");
  if (!failed (&ctx)) {
    g_ptr_array_add (ctx.kept_docs, content);
    content = NULL;
    /* content.xml's automatic styles shadow styles.xml's of the same name. */
    load_styles_from (&ctx, child (croot, NS_OFFICE, "automatic-styles"));
    read_meta (&ctx);
    DnNode *root = dn_document_get_root (doc);
    if (!failed (&ctx) && master != NULL)
      read_master_furniture (&ctx, root, master, "header");
    if (!failed (&ctx))
      read_blocks (&ctx, root, text, 1);
    if (!failed (&ctx) && master != NULL)
      read_master_furniture (&ctx, root, master, "footer");
    for (guint i = 0; i < ctx.notes->len && !failed (&ctx); i++)
      dn_node_append_child (root, ctx.notes->pdata[i]);
    for (guint i = 0; i < ctx.comments->len && !failed (&ctx); i++)
      dn_node_append_child (root, ctx.comments->pdata[i]);
  }
  xmlFreeDoc (content);
  gboolean ok = !failed (&ctx);
  if (!ok) {
    g_propagate_error (error, ctx.error);
    ctx.error = NULL;
  }
  ctx_clear (&ctx);
  return ok;
}

static const char *const odt_media_types[] = { "application/vnd.oasis.opendocument.text", NULL };
static const char *const odt_extensions[] = { "odt", "ott", NULL };

static const DnReaderVTable odt_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = odt_probe,
  .read = odt_read,
};

static const DnPluginDesc odt_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "odt",
  .description = "OpenDocument text (ODT) on libzip and libxml2",
  .version = ODT_VERSION,
  .media_types = odt_media_types,
  .extensions = odt_extensions,
  .reader = &odt_reader,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (odt, odt_desc)
