/* The DOCX reader's stories around the body: headers and footers,
 * footnotes and endnotes, comments, each read with its own relationships. */
#include "dn-docx-private.h"

/* ---------- parts around the body ---------- */

/* A story part (header, footer, notes, comments) being read: its XML, and
 * its own relationships in effect in place of the body's until
 * story_close(). */
typedef struct {
  xmlDocPtr xml;
  DnOoxmlRels *rels;
  const char *saved_part;
  DnOoxmlRels *saved_rels;
} Story;

/* FALSE (with the problem reported) when the part does not parse; a part
 * whose relationships do not read is read with none. */
static gboolean
story_open (Ctx *ctx, Story *st, const char *part, const char *what)
{
  st->xml = dn_docx_read_part (ctx, part, what);
  if (st->xml == NULL)
    return FALSE;
  GError *err = NULL;
  st->rels = dn_ooxml_zip_read_rels (ctx->zip, part, &err);
  if (st->rels == NULL) {
    dn_docx_part_problem (ctx, &err, TRUE, what);
    st->rels = dn_ooxml_rels_new_empty ();
  }
  st->saved_part = ctx->cur_part;
  st->saved_rels = ctx->cur_rels;
  ctx->cur_part = part;
  ctx->cur_rels = st->rels;
  return TRUE;
}

static void
story_close (Ctx *ctx, Story *st)
{
  ctx->cur_part = st->saved_part;
  ctx->cur_rels = st->saved_rels;
  dn_ooxml_rels_free (st->rels);
  xmlFreeDoc (st->xml);
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
void
dn_docx_end_fields_and_toc (Ctx *ctx)
{
  reset_fields (ctx);
  if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
    dn_node_free (ctx->toc);
  ctx->toc = NULL;
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

void
dn_docx_read_furniture (Ctx *ctx, DnNode *root, const char *part, const char *role)
{
  Story st;
  if (!story_open (ctx, &st, part, role))
    return;
  reset_fields (ctx);
  if (count_node (ctx)) {
    DnNode *f = dn_node_new (DN_NODE_FURNITURE);
    dn_docx_read_blocks (ctx, f, xmlDocGetRootElement (st.xml));
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
  story_close (ctx, &st);
}

void
dn_docx_read_notes (Ctx *ctx, DnNode *root, const char *part, gboolean endnotes)
{
  Story st;
  if (!story_open (ctx, &st, part, endnotes ? "endnotes part" : "footnotes part"))
    return;
  xmlNode *r = xmlDocGetRootElement (st.xml);
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
    dn_docx_read_blocks (ctx, note, n);
    g_free (key);
    g_free (id);
  }
  story_close (ctx, &st);
}

void
dn_docx_read_comments (Ctx *ctx, DnNode *root, const char *part)
{
  Story st;
  if (!story_open (ctx, &st, part, "comments part"))
    return;
  xmlNode *r = xmlDocGetRootElement (st.xml);
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
    dn_docx_read_blocks (ctx, cm, n);
  }
  story_close (ctx, &st);
}

/* Adds the header and footer references in @block, a child of the body: a
 * paragraph whose properties end a section, or the body's own sectPr. */
void
dn_docx_collect_hf_refs (Ctx *ctx, xmlNode *block, HfRefs *refs)
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

