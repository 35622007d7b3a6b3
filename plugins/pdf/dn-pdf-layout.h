/* dn-pdf-layout.h — page geometry to blocks, for the PDF reader.
 *
 * Pure geometry, no poppler: the reader hands over the glyphs of one page
 * (in poppler's text order, '\n' between poppler lines) and the image
 * placements; the layout turns them into fragments (runs of glyphs on one
 * baseline), rows, columns, tables and paragraphs, and appends the blocks
 * to a parent node in reading order. Kept apart so tests can feed it
 * synthetic pages. */
#pragma once
#include "docnorm.h"

G_BEGIN_DECLS

typedef struct {
  gunichar c;            /* '\n' ends a poppler line; spaces carry no box */
  double x0, y0, x1, y1; /* points, origin top-left */
  double size;           /* font size in points, 0 if unknown */
  gint8 bold;            /* 1 bold, 0 regular, -1 unknown */
} DnPdfGlyph;

typedef struct {
  double x0, y0, x1, y1; /* placement box, points, origin top-left */
  int image_id;          /* poppler's id, for poppler_page_get_image() */
} DnPdfImage;

/* Line-fit facts of one block, for joining a paragraph across a page end:
 * it runs on when the room left after its last line is smaller than what
 * the next page's first word needs (that word would not have fitted). */
typedef struct {
  double room;           /* points left after the last line; G_MAXDOUBLE if not a paragraph */
  double need;           /* points the first word needs, with its space */
} DnPdfBlockFit;

/* What the layout appended, in reading order, for the cross-page passes
 * (furniture, continuation, outline). Nodes are borrowed from the tree. */
typedef struct {
  GPtrArray *blocks;     /* DnNode * of the top-level blocks appended */
  GArray *fits;          /* DnPdfBlockFit per block, same order */
  GPtrArray *figures;    /* DnNode * per input image, same order as @images */
  guint n_tables;
  guint n_nodes;         /* nodes created */
} DnPdfPageResult;

/* Lays out one page and appends its blocks to @parent. @page is 1-based.
 * Fills @result (its arrays are created here; free with
 * dn_pdf_page_result_clear()). */
void dn_pdf_layout_page (const DnPdfGlyph *glyphs, gsize n_glyphs,
                         const DnPdfImage *images, gsize n_images,
                         double page_width, double page_height, int page,
                         DnNode *parent, DnPdfPageResult *result);
void dn_pdf_page_result_clear (DnPdfPageResult *result);

/* Recognised text (DnOcrGlyph, dn-ocr.h, pixels at @dpi) as layout glyphs:
 * converts @ocr_glyphs' boxes to points in place and returns a new GArray
 * of DnPdfGlyph (g_array_unref()), font size taken from the line height.
 * For scanned PDF pages and images alike. */
GArray *dn_pdf_glyphs_from_ocr (GArray *ocr_glyphs, double dpi);
/* Marks every node of the blocks in @res as recognised (DN_HINT_OCR) with
 * the mean confidence of the glyphs of @ocr_glyphs (in points) inside its
 * box. */
void dn_pdf_ocr_mark_blocks (const DnPdfPageResult *res, const GArray *ocr_glyphs);

/* TRUE when @text starts with a list or heading marker (壹、 一、 (一) 1.
 * (1) A. 圖 1 表 1, bullets). */
gboolean dn_pdf_starts_with_marker (const char *text);
/* TRUE when @text is nothing but a page number: "3", "- 3 -", "第 3 頁",
 * "第 3 頁，共 9 頁", "Page 3 of 9", "3 / 9", roman numerals. */
gboolean dn_pdf_is_page_number (const char *text);
/* TRUE when @text ends a sentence or clause (。！？；： . ! ? ; :). */
gboolean dn_pdf_ends_sentence (const char *text);

G_END_DECLS
