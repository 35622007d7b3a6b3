/* The DOCX reader: WordprocessingML (transitional and Strict) on libzip and
 * libxml2. Faithful: paragraphs, headings by style or outline level, Word's
 * numbering labels as Word shows them, tables with spans, figures, text
 * boxes, notes, comments, headers and footers, TOC field results. It does
 * not guess report structure; analysis in core does that.
 *
 * This file holds the entry points, part reading, the block dispatch, the
 * document properties and the streamed body; the rest sit beside it,
 * sharing dn-docx-private.h: dn-docx-styles.c, dn-docx-numbering.c,
 * dn-docx-paragraph.c (runs, fields, inline), dn-docx-drawing.c,
 * dn-docx-table.c and dn-docx-stories.c (headers, notes, comments). */
#include <errno.h>

#include <glib/gstdio.h>

#include "dn-docx-private.h"

#define DOCX_VERSION "1.0.0"


/* Records a fatal error from reading a part, or a warning when the part is
 * optional and merely unreadable. Limit errors are always fatal. */
void
dn_docx_part_problem (Ctx *ctx, GError **errp, gboolean optional, const char *what)
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

xmlDocPtr
dn_docx_read_part (Ctx *ctx, const char *part, const char *what)
{
  GError *err = NULL;
  xmlDocPtr x = dn_ooxml_zip_read_xml (ctx->zip, part, &err);
  if (x == NULL)
    dn_docx_part_problem (ctx, &err, TRUE, what);
  return x;
}

void
dn_docx_part_each_child (Ctx *ctx, const char *part, const char *what, DnDocxChildFunc each)
{
  xmlDocPtr x = dn_docx_read_part (ctx, part, what);
  if (x == NULL)
    return;
  xmlNode *root = xmlDocGetRootElement (x);
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next)
    each (ctx, n);
  xmlFreeDoc (x);
}

/* One child of a block container (the body, a cell, a note, a header). */
static void
read_block (Ctx *ctx, DnNode *parent, xmlNode *c)
{
  if (c->type != XML_ELEMENT_NODE)
    return;
  if (IS_W (c, "p")) {
    dn_docx_read_paragraph (ctx, parent, c);
  } else if (IS_W (c, "tbl")) {
    dn_docx_read_table (ctx, parent, c);
  } else if (IS_W (c, "sdt")) {
    xmlNode *content = wchild (c, "sdtContent");
    if (content != NULL)
      dn_docx_read_blocks (ctx, parent, content);
  } else if (IS_W (c, "customXml") || IS_W (c, "ins") || IS_W (c, "moveTo") || IS_W (c, "smartTag")) {
    dn_docx_read_blocks (ctx, parent, c);
  } else if (IS_MC (c, "AlternateContent")) {
    xmlNode *b = dn_docx_alternate_branch (c);
    if (b != NULL)
      dn_docx_read_blocks (ctx, parent, b);
  } else if (IS_W (c, "altChunk")) {
    dn_document_add_warning (ctx->doc, "DOCX_ALTCHUNK", 0,
                             "an embedded alternative-format chunk (altChunk) was not read");
  }
}

void
dn_docx_read_blocks (Ctx *ctx, DnNode *parent, xmlNode *container)
{
  for (xmlNode *c = container->children; c != NULL && !ctx_failed (ctx); c = c->next)
    read_block (ctx, parent, c);
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

/* One element of docProps/core.xml (Dublin Core and OPC properties). */
static void
core_property (Ctx *ctx, xmlNode *n)
{
  static const char *const keys[][2] = {
    { "title", "title" }, { "subject", "subject" }, { "creator", "author" }, { "keywords", "keywords" },
    { "description", "description" }, { "lastModifiedBy", "last_modified_by" },
  };
  if (n->type != XML_ELEMENT_NODE)
    return;
  char *v = g_strstrip (dn_xml_get_content (n));
  const char *name = (const char *) n->name;
  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (strcmp (name, keys[i][0]) == 0)
      dn_document_set_meta_string (ctx->doc, keys[i][1], v);
  if ((strcmp (name, "created") == 0 || strcmp (name, "modified") == 0) && *v != '\0')
    set_date (ctx->doc, name, v);
  g_free (v);
}

/* One element of docProps/app.xml (the application's statistics). */
static void
app_property (Ctx *ctx, xmlNode *n)
{
  if (n->type != XML_ELEMENT_NODE)
    return;
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

static void
read_properties (Ctx *ctx, DnOoxmlRels *pkg_rels)
{
  const DnOoxmlRel *core = dn_ooxml_rels_by_type (pkg_rels, "core-properties");
  const DnOoxmlRel *app = dn_ooxml_rels_by_type (pkg_rels, "extended-properties");
  const char *core_part = core != NULL && !core->external ? core->target : "docProps/core.xml";
  const char *app_part = app != NULL && !app->external ? app->target : "docProps/app.xml";
  if (dn_ooxml_zip_has (ctx->zip, core_part))
    dn_docx_part_each_child (ctx, core_part, "core properties", core_property);
  if (dn_ooxml_zip_has (ctx->zip, app_part))
    dn_docx_part_each_child (ctx, app_part, "application properties", app_property);
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
    dn_docx_part_problem (ctx, &err, TRUE, "document relationships");
    bs->main_rels = dn_ooxml_rels_new_empty ();
  }
  ctx->cur_part = ctx->main_part;
  ctx->cur_rels = bs->main_rels;
  const DnOoxmlRel *rel;
  if ((rel = dn_ooxml_rels_by_type (bs->main_rels, "styles")) != NULL && !rel->external)
    dn_docx_load_styles (ctx, rel->target);
  if ((rel = dn_ooxml_rels_by_type (bs->main_rels, "numbering")) != NULL && !rel->external)
    dn_docx_load_numbering (ctx, rel->target);
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
    dn_docx_collect_hf_refs (ctx, node, &bs->refs);
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
  ctx.styles = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, dn_docx_style_free);
  ctx.abstracts = g_hash_table_new_full (NULL, NULL, NULL, dn_docx_abstract_free);
  ctx.nums = g_hash_table_new_full (NULL, NULL, NULL, dn_docx_num_free);
  ctx.fields = g_ptr_array_new_with_free_func (dn_docx_field_free);
  ctx.note_numbers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  ctx.images = dn_ooxml_images_new (options->images_dir, options->file_name);
  dn_docx_rpr_init (&ctx.defaults);

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
    dn_docx_end_fields_and_toc (&ctx);

    /* Headers precede the body, as before: read now that the sections have
     * named them, then moved in front of the body's first node. Their
     * warnings come first too (the body's waited in bs.body_warnings). */
    DnNode *first_body = dn_node_first_child (droot);
    DnNode *holder = dn_node_new (DN_NODE_DOCUMENT);
    for (guint i = 0; i < bs.refs.headers->len && !ctx_failed (&ctx); i++)
      dn_docx_read_furniture (&ctx, holder, g_ptr_array_index (bs.refs.headers, i), "header");
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
    dn_docx_end_fields_and_toc (&ctx);

    const DnOoxmlRel *rel;
    for (guint i = 0; i < bs.refs.footers->len && !ctx_failed (&ctx); i++)
      dn_docx_read_furniture (&ctx, droot, g_ptr_array_index (bs.refs.footers, i), "footer");
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "footnotes")) != NULL && !rel->external)
      dn_docx_read_notes (&ctx, droot, rel->target, FALSE);
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "endnotes")) != NULL && !rel->external)
      dn_docx_read_notes (&ctx, droot, rel->target, TRUE);
    if (!ctx_failed (&ctx) && (rel = dn_ooxml_rels_by_type (bs.main_rels, "comments")) != NULL && !rel->external)
      dn_docx_read_comments (&ctx, droot, rel->target);
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
