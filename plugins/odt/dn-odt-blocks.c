/* ODT blocks: the block children of a container (paragraphs, lists,
 * tables, indexes, frames, sections) and the rows and cells of tables. */
#include "dn-odt-private.h"

/* How many times @el stands for itself (its @attr, "number-...-repeated"),
 * capped at ODT_MAX_REPEAT with a warning: a spreadsheet-style table may
 * repeat an empty row a million times. @what names it in the warning. */
static gint64
repeat_count (DnOdtCtx *ctx, const xmlNode *el, const char *attr, const char *what)
{
  gint64 repeat = dn_odt_int_attr (el, NS_TABLE, attr, 1);
  if (repeat > ODT_MAX_REPEAT) {
    dn_document_add_warning (ctx->doc, "ODT_REPEAT_CAPPED", 0,
                             "a table %s repeated %" G_GINT64_FORMAT " times was kept %d times", what,
                             repeat, ODT_MAX_REPEAT);
    repeat = ODT_MAX_REPEAT;
  }
  return repeat;
}

static void
read_row (DnOdtCtx *ctx, DnNode *table, xmlNode *row, gboolean header, guint depth)
{
  gint64 repeat = repeat_count (ctx, row, "number-rows-repeated", "row");
  for (gint64 r = 0; r < repeat && !dn_odt_failed (ctx); r++) {
    DnNode *rn = dn_odt_new_node (ctx, table, DN_NODE_TABLE_ROW);
    if (rn == NULL)
      return;
    if (header)
      dn_node_hints (rn)->flags |= DN_HINT_HEADER_ROW;
    for (xmlNode *c = row->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
      if (!IS (c, NS_TABLE, "table-cell"))
        continue; /* covered cells sit under a span */
      gint64 crep = repeat_count (ctx, c, "number-columns-repeated", "cell");
      for (gint64 k = 0; k < crep && !dn_odt_failed (ctx); k++) {
        DnNode *cell = dn_odt_new_node (ctx, rn, DN_NODE_TABLE_CELL);
        if (cell == NULL)
          return;
        gint64 cs = dn_odt_int_attr (c, NS_TABLE, "number-columns-spanned", 1);
        gint64 rs = dn_odt_int_attr (c, NS_TABLE, "number-rows-spanned", 1);
        if (cs > 1)
          dn_node_set_attr_int (cell, DN_ATTR_COL_SPAN, cs);
        if (rs > 1)
          dn_node_set_attr_int (cell, DN_ATTR_ROW_SPAN, rs);
        for (xmlNode *b = c->children; b != NULL && !dn_odt_failed (ctx); b = b->next) {
          if (IS (b, NS_TEXT, "p") || IS (b, NS_TEXT, "h"))
            dn_odt_read_paragraph (ctx, cell, cell, b, FALSE, depth + 1);
          else if (b->type == XML_ELEMENT_NODE)
            dn_odt_read_blocks (ctx, cell, b, depth + 1);
        }
      }
    }
  }
}

static void
read_table_rows (DnOdtCtx *ctx, DnNode *table, xmlNode *container, gboolean header, guint depth)
{
  if (depth > ctx->max_depth)
    return;
  for (xmlNode *c = container->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
    if (IS (c, NS_TABLE, "table-row"))
      read_row (ctx, table, c, header, depth + 1);
    else if (IS (c, NS_TABLE, "table-header-rows"))
      read_table_rows (ctx, table, c, TRUE, depth + 1);
    else if (IS (c, NS_TABLE, "table-rows") || IS (c, NS_TABLE, "table-row-group"))
      read_table_rows (ctx, table, c, header, depth + 1);
  }
}

void
dn_odt_read_blocks (DnOdtCtx *ctx, DnNode *parent, xmlNode *container, guint depth)
{
  if (depth > ctx->max_depth) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "content nested deeper than %u levels", ctx->max_depth);
    return;
  }
  for (xmlNode *n = container->children; n != NULL && !dn_odt_failed (ctx); n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (IS (n, NS_TEXT, "p")) {
      dn_odt_read_paragraph (ctx, parent, NULL, n, FALSE, depth);
    } else if (IS (n, NS_TEXT, "h")) {
      dn_odt_read_paragraph (ctx, parent, NULL, n, TRUE, depth);
    } else if (IS (n, NS_TEXT, "list")) {
      dn_odt_read_list (ctx, parent, n, NULL, NULL, 1, depth + 1);
    } else if (IS (n, NS_TABLE, "table")) {
      DnNode *t = dn_odt_new_node (ctx, parent, DN_NODE_TABLE);
      if (t != NULL)
        read_table_rows (ctx, t, n, FALSE, depth + 1);
    } else if (IS (n, NS_TEXT, "table-of-content") || IS (n, NS_TEXT, "illustration-index") ||
               IS (n, NS_TEXT, "table-index") || IS (n, NS_TEXT, "object-index") ||
               IS (n, NS_TEXT, "user-index") || IS (n, NS_TEXT, "alphabetical-index") ||
               IS (n, NS_TEXT, "bibliography")) {
      dn_odt_read_index (ctx, parent, n, depth + 1);
    } else if (IS (n, NS_DRAW, "frame")) {
      DnNode *fig = dn_odt_read_frame (ctx, n, depth + 1);
      if (fig != NULL)
        dn_node_append_child (parent, fig);
    } else if (IS (n, NS_OFFICE, "annotation")) {
      dn_odt_read_annotation (ctx, n, depth + 1);
    } else if (IS (n, NS_TEXT, "tracked-changes") || IS (n, NS_TEXT, "sequence-decls") ||
               IS (n, NS_TEXT, "variable-decls") || IS (n, NS_TEXT, "user-field-decls") ||
               IS (n, NS_OFFICE, "forms") || IS (n, NS_TABLE, "table-columns") ||
               IS (n, NS_TABLE, "table-column") || IS (n, NS_DC, "creator") || IS (n, NS_DC, "date") ||
               IS (n, NS_META, "date-string")) {
      /* Declarations, deleted text and annotation headers: no body text. */
    } else {
      /* text:section, text:soft-page-break, draw:g, …: what is inside. */
      dn_odt_read_blocks (ctx, parent, n, depth + 1);
    }
  }
}

