/* dn-docx-private.h — what the DOCX reader's files share: the reader state
 * (Ctx) and the style, numbering, field and paragraph types it holds, the
 * small WordprocessingML accessors, and the functions one file calls in
 * another. Private to plugins/docx/. */
#pragma once
#include <string.h>

#include "docnorm.h"
#include "dn-docx-numfmt.h"
#include "dn-ooxml-zip.h"
#include "dn-para-builder.h"
#include "dn-safe-xml.h"

G_BEGIN_DECLS

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

/* ---------- paragraphs ---------- */

typedef struct {
  DnParaBuilder base;      /* text, spans, blocks placed after the paragraph */
  RunProps pstyle_rpr;     /* defaults + paragraph style */
  gboolean in_toc;
  gboolean has_page_field;
  guint bold_bytes, italic_bytes, text_bytes;
  int first_sz;
} Para;

/* Header and footer parts in the order the sections reference them. */
typedef struct {
  GPtrArray *headers;   /* part names (owned) */
  GPtrArray *footers;
  GHashTable *seen;     /* targets listed already (borrowed from the relationships) */
} HfRefs;

/* ---------- accessors every file uses (inline: each file gets its own) ---------- */

static inline gboolean
ctx_failed (Ctx *ctx)
{
  return ctx->error != NULL;
}

/* Counts a new node against the limit; FALSE (with ctx->error) when over. */
static inline gboolean
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

static inline char *
wattr (const xmlNode *n, const char *local)
{
  return dn_xml_get_attr (n, NS_W, NS_W_S, local);
}

static inline xmlNode *
wchild (const xmlNode *n, const char *local)
{
  for (xmlNode *c = n != NULL ? n->children : NULL; c != NULL; c = c->next)
    if (IS_W (c, local))
      return c;
  return NULL;
}

static inline int
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
static inline gint8
on_off (const xmlNode *n)
{
  char *v = wattr (n, "val");
  gint8 out = v == NULL || strcmp (v, "1") == 0 || strcmp (v, "true") == 0 || strcmp (v, "on") == 0;
  g_free (v);
  return out;
}

/* dn-docx-reader.c: parts and blocks */
void dn_docx_part_problem (Ctx *ctx, GError **errp, gboolean optional, const char *what);
/* Reads the optional @part whole: a new document (xmlFreeDoc()), or NULL
 * with the problem recorded (a warning naming @what; a limit is fatal). */
xmlDocPtr dn_docx_read_part (Ctx *ctx, const char *part, const char *what);
/* Calls @each on every child of the root of the optional @part, read whole
 * (dn_docx_read_part()); nothing when it cannot be read. */
typedef void (*DnDocxChildFunc) (Ctx *ctx, xmlNode *child);
void dn_docx_part_each_child (Ctx *ctx, const char *part, const char *what, DnDocxChildFunc each);
void dn_docx_read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container);

/* dn-docx-styles.c */
gunichar dn_docx_symbol_to_unicode (guint code);
void dn_docx_rpr_init (RunProps *r);
void dn_docx_rpr_parse (const xmlNode *rpr, RunProps *r);
void dn_docx_rpr_merge (RunProps *base, const RunProps *over);
DnAlign dn_docx_parse_jc (const xmlNode *jc);
void dn_docx_style_free (gpointer p);
void dn_docx_load_styles (Ctx *ctx, const char *part);
/* The style with inherited values filled in from its basedOn chain.
 * Borrowed; NULL when unknown. */
Style *dn_docx_style_get (Ctx *ctx, const char *id);

/* dn-docx-numbering.c */
void dn_docx_abstract_free (gpointer p);
void dn_docx_num_free (gpointer p);
void dn_docx_load_numbering (Ctx *ctx, const char *part);
/* The level of @num_id whose pStyle is @style_id, or -1. */
int dn_docx_level_for_style (Ctx *ctx, int num_id, const char *style_id);
/* Advances the counters of (@num_id, @ilvl) as Word does for one numbered
 * paragraph and renders its label. Returns a new string, or NULL when the
 * paragraph is not numbered; *@fmt_out borrows the level's numFmt. */
char *dn_docx_number_paragraph (Ctx *ctx, int num_id, int ilvl, const char **fmt_out);

/* dn-docx-drawing.c */
xmlNode *dn_docx_alternate_branch (xmlNode *ac);
void dn_docx_read_drawing (Ctx *ctx, Para *pb, xmlNode *drawing);
void dn_docx_read_vml (Ctx *ctx, Para *pb, xmlNode *pict);

/* dn-docx-paragraph.c */
void dn_docx_field_free (gpointer p);
void dn_docx_read_paragraph (Ctx *ctx, DnNode *parent, xmlNode *p);

/* dn-docx-table.c */
void dn_docx_read_table (Ctx *ctx, DnNode *parent, xmlNode *tbl);

/* dn-docx-stories.c */
void dn_docx_end_fields_and_toc (Ctx *ctx);
void dn_docx_collect_hf_refs (Ctx *ctx, xmlNode *block, HfRefs *refs);
void dn_docx_read_furniture (Ctx *ctx, DnNode *root, const char *part, const char *role);
void dn_docx_read_notes (Ctx *ctx, DnNode *root, const char *part, gboolean endnotes);
void dn_docx_read_comments (Ctx *ctx, DnNode *root, const char *part);

G_END_DECLS
