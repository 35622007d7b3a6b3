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
#include "dn-ooxml-zip.h"
#include "dn-safe-xml.h"
#include "dn-odt-private.h"

#define ODT_VERSION "1.0.0"
#define ODT_HARD_MAX_DEPTH 4096

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

/* ---------- reader state ---------- */

/* Counts one node against the limit; FALSE (with the error set) past it. */
gboolean
dn_odt_count_node (DnOdtCtx *ctx)
{
  if (ctx->opt->limits.max_nodes > 0 && ++ctx->nodes > ctx->opt->limits.max_nodes) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", ctx->opt->limits.max_nodes);
    return FALSE;
  }
  return TRUE;
}

DnNode *
dn_odt_new_node (DnOdtCtx *ctx, DnNode *parent, DnNodeType type)
{
  return dn_odt_count_node (ctx) ? dn_node_append_new (parent, type) : NULL;
}

/* ---------- package parts ---------- */

/* META-INF/manifest.xml: media types of the parts, and whether content.xml
 * is encrypted. Returns FALSE with ctx->error set for an encrypted file. */
static gboolean
read_manifest (DnOdtCtx *ctx)
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
optional_part (DnOdtCtx *ctx, const char *part)
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
read_meta (DnOdtCtx *ctx)
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
      gint64 pages = dn_odt_int_attr (n, NS_META, "page-count", 0);
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
read_master_furniture (DnOdtCtx *ctx, DnNode *root, xmlNode *master_styles, const char *what)
{
  for (xmlNode *mp = master_styles != NULL ? master_styles->children : NULL; mp != NULL && !dn_odt_failed (ctx);
       mp = mp->next) {
    if (!IS (mp, NS_STYLE, "master-page"))
      continue;
    for (xmlNode *hf = mp->children; hf != NULL && !dn_odt_failed (ctx); hf = hf->next) {
      if (!IS (hf, NS_STYLE, what) && !(strcmp (what, "header") == 0 && IS (hf, NS_STYLE, "header-first")) &&
          !(strcmp (what, "footer") == 0 && IS (hf, NS_STYLE, "footer-first")))
        continue;
      DnNode *f = dn_odt_new_node (ctx, root, DN_NODE_FURNITURE);
      if (f == NULL)
        return;
      dn_node_set_attr (f, DN_ATTR_ROLE, what);
      dn_odt_read_blocks (ctx, f, hf, 1);
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
ctx_clear (DnOdtCtx *ctx)
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
  DnOdtCtx ctx = { 0 };
  ctx.doc = doc;
  ctx.opt = options;
  ctx.zip = zip;
  ctx.styles = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, dn_odt_style_free);
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
    dn_odt_styles_load (&ctx, child (sroot, NS_OFFICE, "styles"));
    dn_odt_styles_load (&ctx, child (sroot, NS_OFFICE, "automatic-styles"));
    master = child (sroot, NS_OFFICE, "master-styles");
  }
  xmlDocPtr content = dn_odt_failed (&ctx) ? NULL : dn_ooxml_zip_read_xml (zip, "content.xml", &ctx.error);
  xmlNode *croot = content != NULL ? xmlDocGetRootElement (content) : NULL;
  xmlNode *text = child (child (croot, NS_OFFICE, "body"), NS_OFFICE, "text");
  if (content != NULL && text == NULL)
    g_set_error (&ctx.error, DN_ERROR, DN_ERROR_CORRUPT, "content.xml holds no office:text body");
  if (!dn_odt_failed (&ctx)) {
    g_ptr_array_add (ctx.kept_docs, content);
    content = NULL;
    /* content.xml's automatic styles shadow styles.xml's of the same name. */
    dn_odt_styles_load (&ctx, child (croot, NS_OFFICE, "automatic-styles"));
    read_meta (&ctx);
    DnNode *root = dn_document_get_root (doc);
    if (!dn_odt_failed (&ctx) && master != NULL)
      read_master_furniture (&ctx, root, master, "header");
    if (!dn_odt_failed (&ctx))
      dn_odt_read_blocks (&ctx, root, text, 1);
    if (!dn_odt_failed (&ctx) && master != NULL)
      read_master_furniture (&ctx, root, master, "footer");
    for (guint i = 0; i < ctx.notes->len && !dn_odt_failed (&ctx); i++)
      dn_node_append_child (root, ctx.notes->pdata[i]);
    for (guint i = 0; i < ctx.comments->len && !dn_odt_failed (&ctx); i++)
      dn_node_append_child (root, ctx.comments->pdata[i]);
  }
  xmlFreeDoc (content);
  gboolean ok = !dn_odt_failed (&ctx);
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