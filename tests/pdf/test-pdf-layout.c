/* Unit tests of the PDF page layout on synthetic pages: glyph boxes are
 * placed by hand, so each test states the geometry it checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dn-pdf-layout.h"

#define PAGE_W 595.0
#define PAGE_H 842.0

/* Appends one poppler line: @text at (@x, @y) in @size points; CJK glyphs
 * are one em wide, others half; spaces are glyphs without ink; '\n' ends it. */
static void
add_line (GArray *g, const char *text, double x, double y, double size)
{
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    double w = g_unichar_iswide (c) ? size : size / 2;
    DnPdfGlyph gl = { c, x, y, x + w, y + size, size, 0 };
    g_array_append_val (g, gl);
    x += w;
  }
  DnPdfGlyph nl = { '\n', x, y, x, y + size, size, 0 };
  g_array_append_val (g, nl);
}

static DnNode *
layout (GArray *g, const DnPdfImage *images, gsize n_images, DnPdfPageResult *res)
{
  DnNode *root = dn_node_new (DN_NODE_DOCUMENT);
  dn_pdf_layout_page ((const DnPdfGlyph *) g->data, g->len, images, n_images, PAGE_W, PAGE_H, 7, root, res);
  return root;
}

static char *
repeat (const char *unit, guint n)
{
  GString *s = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    g_string_append (s, unit);
  return g_string_free (s, FALSE);
}

/* Three full 30-em lines and a short one form one paragraph; a new line
 * after the short one starts the next paragraph. */
static void
test_wrapped_paragraphs (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  g_autofree char *full = repeat ("字", 30);
  add_line (g, full, 72, 100, 12);
  add_line (g, full, 72, 116, 12);
  add_line (g, "短行。", 72, 132, 12);
  add_line (g, full, 72, 148, 12);
  add_line (g, "結束。", 72, 164, 12);
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 2);
  DnNode *p1 = dn_node_first_child (root);
  g_autofree char *expect = g_strdup_printf ("%s\n%s\n短行。", full, full);
  assert_string_equal (dn_node_get_text (p1), expect);
  const DnHints *h = dn_node_get_hints (p1);
  assert_true (h->flags & DN_HINT_WRAPPED_LINES);
  assert_int_equal (h->page, 7);
  assert_true (h->has_bbox);
  assert_true (h->x0 == 72 && h->y0 == 100 && h->y1 == 144);
  assert_true (h->font_size == 12);
  assert_int_equal (h->align, DN_ALIGN_JUSTIFY);
  /* Both paragraphs end with a short line: 27 em of room is left, more
   * than any next first word needs. */
  assert_int_equal (res.fits->len, 2);
  const DnPdfBlockFit *fit = &g_array_index (res.fits, DnPdfBlockFit, 0);
  assert_true (fit->room == 27 * 12);
  assert_true (fit->need == 2 * 12); /* one CJK glyph and its em of slack */
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* First-line indents: a full line ending a sentence, then an indented
 * line, starts a paragraph; a hanging indent (continuations indented under
 * a marker) does not. */
static void
test_indents (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  g_autofree char *full = repeat ("字", 29);
  g_autofree char *end = g_strconcat (full, "。", NULL);
  g_autofree char *ind = repeat ("字", 28);
  add_line (g, full, 72, 100, 12);
  add_line (g, end, 72, 116, 12);        /* full, ends a sentence */
  add_line (g, ind, 96, 132, 12);        /* indented two em */
  add_line (g, full, 72, 148, 12);
  g_autofree char *item = g_strconcat ("(一)", ind, NULL);
  add_line (g, item, 72, 180, 12);       /* after a gap: a full list item line */
  add_line (g, ind, 96, 196, 12);        /* hanging: indented, */
  add_line (g, "完。", 96, 212, 12);     /* and so is the next */
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 3);
  DnNode *p = dn_node_first_child (root);
  g_autofree char *e1 = g_strdup_printf ("%s\n%s", full, end);
  assert_string_equal (dn_node_get_text (p), e1);
  p = dn_node_next (p);
  g_autofree char *e2 = g_strdup_printf ("%s\n%s", ind, full);
  assert_string_equal (dn_node_get_text (p), e2);
  assert_true (dn_node_get_hints (p)->indent == 24);
  p = dn_node_next (p);
  g_autofree char *e3 = g_strdup_printf ("%s\n%s\n完。", item, ind);
  assert_string_equal (dn_node_get_text (p), e3);
  assert_int_not_equal (dn_node_get_hints (p)->align, DN_ALIGN_CENTER);
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* A paragraph whose last line fills the column leaves no room (the reader
 * marks CONTINUES across pages from this). */
static void
test_open_ended (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  g_autofree char *full = repeat ("字", 30);
  add_line (g, full, 72, 100, 12);
  add_line (g, full, 72, 116, 12);
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 1);
  assert_int_equal (res.fits->len, 1);
  assert_true (g_array_index (res.fits, DnPdfBlockFit, 0).room == 0);
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* A bigger font and a vertical gap split blocks; a wrapped Latin line
 * whose next word would not have fitted stays in its paragraph. */
static void
test_font_and_latin_wrap (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  add_line (g, "壹、目的", 72, 80, 18);
  /* 60 half-em glyphs = 360 pt, right edge 432; "wordy" (5 half-ems = 30
   * pt) plus a space would need 36 pt more than the 0 pt left. */
  add_line (g, "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll", 72, 104, 12);
  add_line (g, "wordy end.", 72, 120, 12);
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 2);
  DnNode *h = dn_node_first_child (root);
  assert_string_equal (dn_node_get_text (h), "壹、目的");
  assert_true (dn_node_get_hints (h)->font_size == 18);
  assert_string_equal (dn_node_get_text (dn_node_next (h)),
                       "aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll\nwordy end.");
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* Short cells in three aligned columns, each row one poppler line with
 * wide gaps, become a table; a lone fragment in the last column continues
 * the cell above. */
static void
test_table (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  const char *rows[][3] = {
    { "服務機關", "姓名", "職稱" },
    { "國家發展委員會", "鄭美華", "科長" },
    { "數位發展部", "張揚理", "研究員" },
  };
  double y = 200;
  for (guint r = 0; r < 3; r++, y += 18) {
    add_line (g, rows[r][0], 72, y, 12);
    add_line (g, rows[r][1], 250, y, 12);
    add_line (g, rows[r][2], 400, y, 12);
  }
  add_line (g, "兼副理", 400, y, 12);
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 1);
  DnNode *t = dn_node_first_child (root);
  assert_int_equal (dn_node_get_node_type (t), DN_NODE_TABLE);
  assert_int_equal (res.n_tables, 1);
  assert_int_equal (dn_node_count_children (t), 3);
  DnNode *row = dn_node_first_child (t);
  assert_true (dn_node_get_hints (row)->flags & DN_HINT_HEADER_ROW);
  for (guint r = 0; r < 3; r++, row = dn_node_next (row)) {
    assert_int_equal (dn_node_count_children (row), 3);
    DnNode *cell = dn_node_first_child (row);
    for (guint c = 0; c < 3; c++, cell = dn_node_next (cell)) {
      if (r == 2 && c == 2)
        assert_string_equal (dn_node_get_text (cell), "研究員\n兼副理");
      else
        assert_string_equal (dn_node_get_text (cell), rows[r][c]);
    }
  }
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* Two rows of two columns are too few to be sure: kept as lines, flagged
 * uncertain. */
static void
test_uncertain_grid (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  add_line (g, "甲", 72, 200, 12);
  add_line (g, "乙乙", 300, 200, 12);
  add_line (g, "丙", 72, 218, 12);
  add_line (g, "丁丁", 300, 218, 12);
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (res.n_tables, 0);
  assert_int_equal (dn_node_count_children (root), 2);
  DnNode *p = dn_node_first_child (root);
  assert_string_equal (dn_node_get_text (p), "甲\t乙乙");
  assert_true (dn_node_get_hints (p)->flags & DN_HINT_UNCERTAIN);
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* Two text columns whose lines share baselines (poppler gives each row as
 * one line with a wide gap) are read column by column. */
static void
test_two_columns (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  g_autofree char *left = repeat ("左", 15);
  g_autofree char *right = repeat ("右", 15);
  add_line (g, "標題", 270, 60, 16);
  for (guint i = 0; i < 8; i++) {
    double y = 100 + i * 16;
    /* One poppler line across the gutter: left 72..252, right 282..462. */
    g_autofree char *both = g_strdup_printf ("%s%s", left, right);
    DnPdfGlyph gl;
    double x = 72;
    for (const char *p = both; *p != '\0'; p = g_utf8_next_char (p)) {
      if (p == both + strlen (left))
        x = 282;
      gl = (DnPdfGlyph) { g_utf8_get_char (p), x, y, x + 12, y + 12, 12, 0 };
      g_array_append_val (g, gl);
      x += 12;
    }
    gl = (DnPdfGlyph) { '\n', x, y, x, y + 12, 12, 0 };
    g_array_append_val (g, gl);
  }
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (res.n_tables, 0);
  assert_int_equal (dn_node_count_children (root), 2);
  DnNode *title = dn_node_first_child (root);
  assert_string_equal (dn_node_get_text (title), "標題");
  /* Full lines in both columns: one paragraph running across the gutter,
   * all left lines before all right lines. */
  const char *text = dn_node_get_text (dn_node_next (title));
  GString *expect = g_string_new (NULL);
  for (guint i = 0; i < 16; i++)
    g_string_append_printf (expect, "%s%s", i > 0 ? "\n" : "", i < 8 ? left : right);
  assert_string_equal (text, expect->str);
  g_string_free (expect, TRUE);
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* A schedule without rules: one-line dates on the left, cells that wrap on
 * the right. The left column is empty on the wrapped rows, so this is a
 * table, not two text columns. */
static void
test_table_with_wrapped_cells (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  const char *dates[] = { "3 月 4 日(二) 9:00-12:00", "3 月 4 日(二) 14:00-18:00",
                          "3 月 5 日(三) 09:00-17:00", "3 月 5 日(三) 14:00-17:00" };
  const guint wraps[] = { 2, 3, 1, 3 };
  const char *fill[] = { "甲", "乙", "丙", "丁" };
  double y = 100;
  for (guint r = 0; r < 4; r++) {
    g_autofree char *line = repeat (fill[r], 12);
    add_line (g, dates[r], 72, y, 12);
    for (guint w = 0; w < wraps[r]; w++, y += 16)
      add_line (g, line, 240, y, 12);
  }
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (res.n_tables, 1);
  assert_int_equal (dn_node_count_children (root), 1);
  DnNode *t = dn_node_first_child (root);
  assert_int_equal (dn_node_get_node_type (t), DN_NODE_TABLE);
  assert_int_equal (dn_node_count_children (t), 4);
  DnNode *row = dn_node_first_child (t);
  for (guint r = 0; r < 4; r++, row = dn_node_next (row)) {
    DnNode *cell = dn_node_first_child (row);
    assert_string_equal (dn_node_get_text (cell), dates[r]);
    const char *right = dn_node_get_text (dn_node_next (cell));
    assert_int_equal (g_utf8_strlen (right, -1), 12 * wraps[r] + wraps[r] - 1);
  }
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

/* An image goes before the first block below its top; hairlines are not
 * figures. */
static void
test_figures (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  add_line (g, "前文。", 72, 100, 12);
  add_line (g, "圖 1：說明", 200, 400, 12);
  DnPdfImage images[] = {
    { 150, 150, 450, 380, 0 },
    { 72, 500, 520, 501, 1 },
  };
  DnPdfPageResult res;
  DnNode *root = layout (g, images, 2, &res);
  assert_int_equal (dn_node_count_children (root), 3);
  DnNode *fig = dn_node_next (dn_node_first_child (root));
  assert_int_equal (dn_node_get_node_type (fig), DN_NODE_FIGURE);
  assert_ptr_equal (g_ptr_array_index (res.figures, 0), fig);
  assert_null (g_ptr_array_index (res.figures, 1));
  const DnHints *h = dn_node_get_hints (fig);
  assert_true (h->x0 == 150 && h->y0 == 150 && h->x1 == 450 && h->y1 == 380 && h->page == 7);
  assert_string_equal (dn_node_get_text (dn_node_next (fig)), "圖 1：說明");
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

static void
test_markers (void **state)
{
  const char *yes[] = { "壹、目的", "一、緣起", "(一) 我國", "（二）說明", "1. 秘魯", "(3) 美國", "A. 韓國",
                        "圖 1：", "表2", "• 項目", "\xef\x81\xac 符號" };
  const char *no[] = { "我國由", "113 年 8 月", "1.5 倍", "APEC 會員", "" };
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    assert_true (dn_pdf_starts_with_marker (yes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    assert_false (dn_pdf_starts_with_marker (no[i]));
  assert_true (dn_pdf_ends_sentence ("會議。"));
  assert_true (dn_pdf_ends_sentence ("如下： "));
  assert_true (dn_pdf_ends_sentence ("done."));
  assert_false (dn_pdf_ends_sentence ("採取"));
  assert_false (dn_pdf_ends_sentence ("(Data"));
  assert_false (dn_pdf_ends_sentence (""));
}

static void
test_page_numbers (void **state)
{
  const char *yes[] = { "3", " 12 ", "- 3 -", "— 14 —", "第 3 頁", "第3頁", "第 3 頁，共 9 頁", "Page 3 of 9",
                        "page 4", "3 / 9", "iv", "XII" };
  const char *no[] = { "出國報告", "第 3 章", "2024 年", "3 月 4 日", "12345", "- 3 - 出國報告", "" };
  for (guint i = 0; i < G_N_ELEMENTS (yes); i++)
    assert_true (dn_pdf_is_page_number (yes[i]));
  for (guint i = 0; i < G_N_ELEMENTS (no); i++)
    assert_false (dn_pdf_is_page_number (no[i]));
}

/* Nothing at all: no blocks, no crash. */
static void
test_empty_page (void **state)
{
  GArray *g = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  DnPdfPageResult res;
  DnNode *root = layout (g, NULL, 0, &res);
  assert_int_equal (dn_node_count_children (root), 0);
  assert_int_equal (res.blocks->len, 0);
  dn_pdf_page_result_clear (&res);
  dn_node_free (root);
  g_array_free (g, TRUE);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_wrapped_paragraphs),
    cmocka_unit_test (test_open_ended),
    cmocka_unit_test (test_indents),
    cmocka_unit_test (test_font_and_latin_wrap),
    cmocka_unit_test (test_table),
    cmocka_unit_test (test_uncertain_grid),
    cmocka_unit_test (test_two_columns),
    cmocka_unit_test (test_table_with_wrapped_cells),
    cmocka_unit_test (test_figures),
    cmocka_unit_test (test_markers),
    cmocka_unit_test (test_page_numbers),
    cmocka_unit_test (test_empty_page),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
