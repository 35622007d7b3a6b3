/* dn-odt-private.h — the ODT reader's shared state and the functions its
 * files call across one another (dn-odt-reader.c: package, meta, entry;
 * dn-odt-styles.c: styles and attribute values; dn-odt-text.c: inline
 * text, paragraphs, frames, notes, annotations, indexes; dn-odt-lists.c:
 * lists; dn-odt-blocks.c: block content and tables). Private to
 * plugins/odt/. */
#pragma once

#include <libxml/tree.h>

#include "docnorm.h"
#include "dn-ooxml-zip.h"
#include "dn-safe-xml.h"

G_BEGIN_DECLS

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

/* One style of styles.xml or content.xml ("family:name" in DnOdtCtx.styles). */
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
} DnOdtStyle;

typedef struct {
  DnDocument *doc;
  const DnReadOptions *opt;
  DnOoxmlZip *zip;
  GHashTable *styles;       /* "family:name" → DnOdtStyle */
  GHashTable *list_styles;  /* name → xmlNode* (borrowed from a kept doc) */
  GHashTable *media_types;  /* part → media type, from the manifest */
  DnOoxmlImages *images;    /* figures' image names, exported with --images */
  GPtrArray *kept_docs;     /* xmlDocPtr whose nodes list_styles borrows */
  GPtrArray *notes;         /* DnNode* footnotes, appended after the body */
  GPtrArray *comments;      /* DnNode* comments, appended after the body */
  GHashTable *list_by_id;   /* xml:id of a top-level list → DnOdtCounters (borrowed) */
  GHashTable *last_by_style;/* list style → DnOdtCounters of its last list (borrowed) */
  GPtrArray *counters;      /* DnOdtCounters, owned */
  guint64 nodes;
  guint max_depth;
  guint n_comments;
  GError *error;
} DnOdtCtx;

/* Item counters of one list (and the lists that continue it), per level. */
#define ODT_LIST_LEVELS 10
typedef struct {
  int value[ODT_LIST_LEVELS + 1];
} DnOdtCounters;
/* Resolved text properties of a style and its parents. */
typedef struct {
  gint8 bold, italic, underline, strike, position;
  double font_size;
  DnAlign align;
  int outline_level;
  const char *list_style;
  gboolean caption;    /* the style is, or derives from, "Caption" */
} DnOdtResolved;


/* ---------- reader state (dn-odt-reader.c) ---------- */

/* TRUE once ctx->error is set: every loop stops on it. */
static inline gboolean
dn_odt_failed (DnOdtCtx *ctx)
{
  return ctx->error != NULL;
}

/* Counts one node against the limit; FALSE (with the error set) past it. */
gboolean dn_odt_count_node (DnOdtCtx *ctx);
/* A new node appended to @parent (owned by it), or NULL past the node limit. */
DnNode *dn_odt_new_node (DnOdtCtx *ctx, DnNode *parent, DnNodeType type);

/* ---------- styles and attribute values (dn-odt-styles.c) ---------- */

/* GDestroyNotify for a DnOdtStyle. */
void dn_odt_style_free (gpointer p);
/* "12pt", "0.5in", "1.2cm", "10mm", "16px" → points; 0 when unknown. */
double dn_odt_length_points (const char *v);
/* An attribute as an integer in 1..G_MAXINT32, else @fallback. */
gint64 dn_odt_int_attr (const xmlNode *n, const char *ns, const char *local, gint64 fallback);
/* Reads the style:style and text:list-style children of @container into
 * ctx->styles and ctx->list_styles (which borrow the list-style nodes). */
void dn_odt_styles_load (DnOdtCtx *ctx, xmlNode *container);
/* The style @name of @family, or NULL; borrowed from ctx->styles. */
const DnOdtStyle *dn_odt_style_get (DnOdtCtx *ctx, const char *family, const char *name);
/* Fills @r with the properties of style @name and its parents. */
void dn_odt_style_resolve (DnOdtCtx *ctx, const char *family, const char *name, DnOdtResolved *r);

/* ---------- text (dn-odt-text.c) ---------- */

/* draw:frame as a figure; returned unlinked (the caller owns it), NULL when empty. */
DnNode *dn_odt_read_frame (DnOdtCtx *ctx, xmlNode *frame, guint depth);
/* office:annotation as a comment, kept in ctx->comments. */
void dn_odt_read_annotation (DnOdtCtx *ctx, xmlNode *ann, guint depth);
/* text:p or text:h into @parent (or into @owner's own text when given and
 * still empty). */
void dn_odt_read_paragraph (DnOdtCtx *ctx, DnNode *parent, DnNode *owner, xmlNode *p, gboolean heading,
                            guint depth);
/* An index (table of contents and the like) as a toc node in @parent. */
void dn_odt_read_index (DnOdtCtx *ctx, DnNode *parent, xmlNode *index, guint depth);

/* ---------- lists (dn-odt-lists.c) ---------- */

/* text:list into @parent; @cnt and @inherited_style come from the
 * enclosing list (NULL at @level 1). */
void dn_odt_read_list (DnOdtCtx *ctx, DnNode *parent, xmlNode *list, const char *inherited_style,
                       DnOdtCounters *cnt, int level, guint depth);

/* ---------- blocks (dn-odt-blocks.c) ---------- */

/* The block children of @container into @parent. */
void dn_odt_read_blocks (DnOdtCtx *ctx, DnNode *parent, xmlNode *container, guint depth);

G_END_DECLS
