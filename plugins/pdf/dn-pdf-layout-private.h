/* dn-pdf-layout-private.h — what the page layout's steps share.
 *
 * The layout (dn-pdf-layout.h) runs in steps, one file each: glyphs to
 * fragments and rows (dn-pdf-layout-lines.c), rows to units: lines,
 * tables, text columns (dn-pdf-layout-columns.c), units to nodes
 * (dn-pdf-layout-blocks.c), driven by dn-pdf-layout.c; the marker and
 * punctuation tests are dn-pdf-layout-markers.c. Here: the working page
 * (Page, Frag, Row, Line, Unit) and the small helpers several steps use,
 * static inline so no file exports them. Private to plugins/pdf. */
#pragma once
#include "dn-pdf-layout.h"

#include <math.h>
#include <string.h>

/* Dominant-value histogram of font sizes (rounded to 0.5 pt). */
#define N_SIZES 4
typedef struct {
  double s[N_SIZES];
  guint n[N_SIZES];
} SizeHist;

static inline void
size_hist_add (SizeHist *h, double size, guint count)
{
  if (size <= 0)
    return;
  size = round (size * 2) / 2;
  guint min_i = 0;
  for (guint i = 0; i < N_SIZES; i++) {
    if (h->n[i] > 0 && h->s[i] == size) {
      h->n[i] += count;
      return;
    }
    if (h->n[i] < h->n[min_i])
      min_i = i;
  }
  /* Replace the rarest entry: a line rarely mixes more than a few sizes. */
  if (h->n[min_i] <= count) {
    h->s[min_i] = size;
    h->n[min_i] = count;
  }
}

static inline void
size_hist_merge (SizeHist *into, const SizeHist *from)
{
  for (guint i = 0; i < N_SIZES; i++)
    if (from->n[i] > 0)
      size_hist_add (into, from->s[i], from->n[i]);
}

static inline double
size_hist_dominant (const SizeHist *h)
{
  guint best = 0;
  for (guint i = 1; i < N_SIZES; i++)
    if (h->n[i] > h->n[best])
      best = i;
  return h->n[best] > 0 ? h->s[best] : 0;
}

typedef struct {
  double x0, y0, x1, y1;
  GString *text;
  guint n_chars;
  guint n_bold, n_bold_known;
  SizeHist sizes;
  double first_word_x1;  /* right edge of the first unbreakable unit */
  int first_word_state;  /* FW_*, dn-pdf-layout-lines.c */
  gboolean starts_wide;
  gboolean dead;         /* merged into another fragment */
} Frag;

typedef struct {
  GArray *frags;         /* guint indices, sorted by x */
  double y0, y1;
} Row;

/* A line of one flow: one or more fragments on one row. */
typedef struct {
  double x0, y0, x1, y1;
  double size;
  guint n_chars, n_bold, n_bold_known;
  double first_word_w;
  gboolean starts_wide;
  char *text;            /* owned */
} Line;

typedef enum {
  UNIT_LINE,
  UNIT_TABLE,
  UNIT_IMAGE,
} UnitKind;

typedef struct {
  UnitKind kind;
  int region;            /* flows are split where the region changes */
  int col_run;           /* >0: a line of a two-column run, read column by column */
  double x0, y0, x1, y1;
  Line line;             /* UNIT_LINE */
  GPtrArray *grid;       /* UNIT_TABLE: rows of GPtrArray of GString * (NULL = empty) */
  GArray *cell_boxes;    /* UNIT_TABLE: per row, per column boxes (double[4]) flattened */
  guint n_cols;
  gboolean uncertain;
  guint image;           /* UNIT_IMAGE: index into the page's images */
} Unit;

typedef struct {
  double x0, x1;
} Interval;

typedef struct {
  const DnPdfGlyph *glyphs;
  gsize n_glyphs;
  double page_w, page_h;
  int page;
  GArray *frags;         /* Frag */
  GArray *rows;          /* Row */
  GArray *units;         /* Unit */
  int next_region;
} Page;

static inline double
frag_size (const Frag *f)
{
  double s = size_hist_dominant (&f->sizes);
  return s > 0 ? s : MAX (f->y1 - f->y0, 1.0);
}

static inline double
frag_height (const Frag *f)
{
  return MAX (f->y1 - f->y0, 0.1);
}

static inline gboolean
is_space (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x00A0 || c == 0x3000 || c == 0x200B;
}

static inline int
cmp_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static inline double
median (GArray *values)
{
  if (values->len == 0)
    return 0;
  g_array_sort (values, cmp_double);
  return g_array_index (values, double, values->len / 2);
}

/* The steps of dn_pdf_layout_page(), in order. */
/* dn-pdf-layout-lines.c: glyphs → fragments (pg->frags). */
void dn_pdf_layout_build_fragments (Page *pg);
/* dn-pdf-layout-lines.c: fragments → rows (pg->rows), nearly touching
 * fragments of a row glued. */
void dn_pdf_layout_build_rows (Page *pg);
/* dn-pdf-layout-columns.c: rows → units (pg->units): plain lines, tables,
 * or two text columns read one after the other. */
void dn_pdf_layout_build_units (Page *pg);
/* dn-pdf-layout-blocks.c: units → paragraph, table and figure nodes
 * appended to @parent; frees the tables' grids. */
void dn_pdf_layout_emit_units (Page *pg, DnNode *parent, const DnPdfImage *images,
                               DnPdfPageResult *res);
