/* dn-pdf-furniture.h — the PDF reader's cross-page passes, run once every
 * page is laid out: running headers, footers and page numbers become
 * furniture, and paragraphs that run on past a page end get
 * DN_HINT_CONTINUES. Pure tree work on the first and last blocks of each
 * page (no poppler). Private to the PDF backend. */
#pragma once
#include "docnorm.h"
#include "dn-pdf-layout.h"

G_BEGIN_DECLS

#define PDF_EDGE 3   /* blocks kept per page end for the cross-page passes */

/* The first and last PDF_EDGE blocks of one page, with their line-fit
 * facts (DnPdfPageResult); the nodes are borrowed from the tree. */
typedef struct {
  DnNode *head[PDF_EDGE];
  DnNode *tail[PDF_EDGE];
  DnPdfBlockFit head_fit[PDF_EDGE];
  DnPdfBlockFit tail_fit[PDF_EDGE];
  guint n_head, n_tail;
  double height;
} PageEdges;

/* Turns the edge paragraphs in the top or bottom 12% of their page that
 * repeat, digits aside, on enough of the @n_pages pages read (or that are
 * page numbers) into DN_NODE_FURNITURE with a role attr (header, footer,
 * page_number). @edges: PageEdges per page, in page order. */
void dn_pdf_mark_furniture (GArray *edges, guint n_pages);
/* Flags each page's last body paragraph that runs on into the next
 * page's first (DN_HINT_CONTINUES). Run after dn_pdf_mark_furniture(). */
void dn_pdf_mark_continuations (GArray *edges);

G_END_DECLS
