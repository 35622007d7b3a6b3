/* The DOCX reader's tables: rows and cells with their column and row
 * spans. */
#include "dn-docx-private.h"

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

void
dn_docx_read_table (Ctx *ctx, DnNode *parent, xmlNode *tbl)
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
      dn_docx_read_blocks (ctx, tc, cell->tc);
    }
  }
  ctx->depth--;
  for (guint r = 0; r < rows->len; r++)
    g_array_unref (g_array_index (rows, Row, r).cells);
  g_array_unref (rows);
}
