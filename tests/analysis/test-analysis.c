/* Units for the analysis passes: numbering grammar, dates, text cleaning,
 * and small documents run through dn_analyse_document(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"
#include "analysis/dn-analyse.h"
#include "analysis/dn-analysis-private.h"
#include "analysis/dn-report-labels.h"

/* ------------------------------------------------------------ numbering */

static void
expect_marker (const char *text, DnMarkerType type, int value, const char *label, const char *rest)
{
  DnMarker m;
  assert_true (dn_marker_parse (text, &m));
  assert_int_equal (m.type, type);
  assert_int_equal (m.value, value);
  assert_string_equal (m.label, label);
  assert_string_equal (text + m.rest_offset, rest);
  dn_marker_clear (&m);
}

static void
expect_no_marker (const char *text)
{
  DnMarker m;
  assert_false (dn_marker_parse (text, &m));
  assert_int_equal (m.type, DN_MARKER_NONE);
}

static void
test_markers (void **state)
{
  (void) state;
  expect_marker ("壹、目的", DN_MARKER_ZH_FORMAL, 1, "壹、", "目的");
  expect_marker (" 壹、 目的 ", DN_MARKER_ZH_FORMAL, 1, "壹、", "目的 ");
  expect_marker ("拾壹、其他", DN_MARKER_ZH_FORMAL, 11, "拾壹、", "其他");
  expect_marker ("一、資料隱私", DN_MARKER_ZH_NUM, 1, "一、", "資料隱私");
  expect_marker ("十二、閉幕", DN_MARKER_ZH_NUM, 12, "十二、", "閉幕");
  expect_marker ("二十一、X", DN_MARKER_ZH_NUM, 21, "二十一、", "X");
  expect_marker ("(一) 我國", DN_MARKER_PAREN_ZH, 1, "(一)", "我國");
  expect_marker ("（一） 歡迎與開幕式", DN_MARKER_PAREN_ZH, 1, "(一)", "歡迎與開幕式");
  expect_marker ("(十一)臨時動議", DN_MARKER_PAREN_ZH, 11, "(十一)", "臨時動議");
  expect_marker ("1. 紐西蘭", DN_MARKER_ARABIC_DOT, 1, "1.", "紐西蘭");
  expect_marker ("１．全形", DN_MARKER_ARABIC_DOT, 1, "1.", "全形");
  expect_marker ("12.美國", DN_MARKER_ARABIC_DOT, 12, "12.", "美國");
  expect_marker ("(1) 多數會員", DN_MARKER_PAREN_ARABIC, 1, "(1)", "多數會員");
  expect_marker ("（２）全形", DN_MARKER_PAREN_ARABIC, 2, "(2)", "全形");
  expect_marker ("A. 韓國：", DN_MARKER_LATIN_UPPER, 1, "A.", "韓國：");
  expect_marker ("C.對國際社會", DN_MARKER_LATIN_UPPER, 3, "C.", "對國際社會");
  expect_marker ("③ 第三", DN_MARKER_CIRCLED, 3, "③", "第三");
  /* Every numeral digit_of() knows, plain and formal, with the variants. */
  static const char *const plain[] = { "一", "二", "三", "四", "五", "六", "七", "八", "九" };
  static const char *const formal[] = { "壹", "貳", "參", "肆", "伍", "陸", "柒", "捌", "玖" };
  for (int i = 0; i < 9; i++) {
    char *text = g_strdup_printf ("%s、X", plain[i]);
    char *label = g_strdup_printf ("%s、", plain[i]);
    expect_marker (text, DN_MARKER_ZH_NUM, i + 1, label, "X");
    g_free (text);
    g_free (label);
    text = g_strdup_printf ("%s、X", formal[i]);
    label = g_strdup_printf ("%s、", formal[i]);
    expect_marker (text, DN_MARKER_ZH_FORMAL, i + 1, label, "X");
    g_free (text);
    g_free (label);
  }
  expect_marker ("兩、X", DN_MARKER_ZH_NUM, 2, "兩、", "X");
  expect_marker ("貮、X", DN_MARKER_ZH_FORMAL, 2, "貮、", "X");
  expect_marker ("叁、X", DN_MARKER_ZH_FORMAL, 3, "叁、", "X");
  /* Markdown prefixes a converter left before a marker. */
  expect_marker ("- 一、亞太經濟合作", DN_MARKER_ZH_NUM, 1, "一、", "亞太經濟合作");
  expect_marker (" - (1) 澳洲提案", DN_MARKER_PAREN_ARABIC, 1, "(1)", "澳洲提案");
  expect_marker ("- 只是項目", DN_MARKER_BULLET, 0, "•", "只是項目");
  /* Private-use Wingdings bullets. */
  DnMarker m;
  assert_true (dn_marker_parse ("\xEF\x81\xAC 項目", &m)); /* U+F06C */
  assert_int_equal (m.type, DN_MARKER_BULLET);
  assert_true (m.private_use);
  dn_marker_clear (&m);
  /* The TOC's OCR form: 壹\t•\t目的, and an unreadable glyph. */
  expect_marker ("壹\t•\t目的", DN_MARKER_ZH_FORMAL, 1, "壹、", "目的");
  assert_true (dn_marker_parse ("湏\t`\t會議過程", &m));
  assert_int_equal (m.type, DN_MARKER_ZH_FORMAL);
  assert_true (m.ocr_suspect);
  assert_int_equal (m.value, 0);
  assert_string_equal ("湏\t`\t會議過程" + m.rest_offset, "會議過程");
  dn_marker_clear (&m);

  /* Not markers. */
  expect_no_marker ("1.1. DPS members");
  expect_no_marker ("2.0 版本");
  expect_no_marker ("3 月 4 日");
  expect_no_marker ("十分重要");
  expect_no_marker ("一些會員");
  expect_no_marker ("APEC 會員");
  expect_no_marker ("(Prosper: Strengthen)");
  expect_no_marker ("");
}

/* A TOC's 、 misread as a bullet mark, laid out with spaces (PDF text) as
 * well as tabs; an unreadable label glyph before it. */
static void
test_markers_toc_ocr_forms (void **state)
{
  (void) state;
  expect_marker ("壹 • 目的", DN_MARKER_ZH_FORMAL, 1, "壹、", "目的");
  expect_marker ("參\t•\t心得與建議", DN_MARKER_ZH_FORMAL, 3, "參、", "心得與建議");
  DnMarker m;
  assert_true (dn_marker_parse ("湏 ` 會議過程", &m));
  assert_int_equal (m.type, DN_MARKER_ZH_FORMAL);
  assert_true (m.ocr_suspect);
  assert_int_equal (m.value, 0);
  assert_string_equal ("湏 ` 會議過程" + m.rest_offset, "會議過程");
  dn_marker_clear (&m);
  /* A bullet mark alone after a word is no label. */
  expect_no_marker ("壹 目的");
  expect_no_marker ("湏 會議過程");
}

static void
test_marker_label (void **state)
{
  (void) state;
  DnMarker m;
  assert_true (dn_marker_parse_label ("一、", &m));
  assert_int_equal (m.type, DN_MARKER_ZH_NUM);
  assert_int_equal (m.value, 1);
  dn_marker_clear (&m);
  assert_true (dn_marker_parse_label ("（三）", &m));
  assert_int_equal (m.type, DN_MARKER_PAREN_ZH);
  assert_string_equal (m.label, "(三)");
  dn_marker_clear (&m);
  assert_false (dn_marker_parse_label ("目的", &m));
  assert_int_equal (dn_zh_numeral_value ("九十九", strlen ("九十九")), 99);
  assert_int_equal (dn_zh_numeral_value ("參", strlen ("參")), 3);
  assert_int_equal (dn_zh_numeral_value ("目", strlen ("目")), 0);
}

/* ------------------------------------------------------------ dates */

static void
expect_range (const char *text, int default_year, const char *start, const char *end, const char *calendar)
{
  JsonObject *o = dn_date_parse_range (text, default_year);
  assert_non_null (o);
  assert_string_equal (json_object_get_string_member (o, "start"), start);
  if (end != NULL)
    assert_string_equal (json_object_get_string_member (o, "end"), end);
  else
    assert_false (json_object_has_member (o, "end"));
  assert_string_equal (json_object_get_string_member (o, "calendar"), calendar);
  char *raw = dn_text_trim (text);
  assert_string_equal (json_object_get_string_member (o, "raw"), raw);
  g_free (raw);
  json_object_unref (o);
}

static void
test_dates (void **state)
{
  (void) state;
  /* ROC year + 1911; the end inherits year and month. */
  expect_range (" 113 年 8 月 16 日至 8 月 24 日", 0, "2024-08-16", "2024-08-24", "roc");
  expect_range ("114年7月25日至7月30日", 0, "2025-07-25", "2025-07-30", "roc");
  expect_range ("114 年 3 月 3 日至 7 日", 0, "2025-03-03", "2025-03-07", "roc");
  expect_range ("105年 5月 26日在國家通訊傳播委員會召開", 0, "2016-05-26", NULL, "roc");
  /* A year rollover. */
  expect_range ("113年12月28日至1月3日", 0, "2024-12-28", "2025-01-03", "roc");
  /* Gregorian years are left alone. */
  expect_range ("2016 年 6 月 12 日至 6 月 17 日", 0, "2016-06-12", "2016-06-17", "gregorian");
  /* Full-width digits. */
  expect_range ("１１３年９月１１日", 0, "2024-09-11", NULL, "roc");
  /* An explicit end year. */
  expect_range ("113年12月30日至114年1月2日", 0, "2024-12-30", "2025-01-02", "roc");
  /* Day range with an em dash and weekdays, year from context. */
  expect_range ("8 月 16—17 日 (五、六)", 2024, "2024-08-16", "2024-08-17", "inferred");
  /* PDF text: no-break, en and ideographic spaces around the numbers. */
  expect_range ("114\u00a0年\u00a03\u00a0月\u00a02\u00a0日至\u00a03\u00a0月\u00a08\u00a0日", 0, "2025-03-02",
                "2025-03-08", "roc");
  expect_range ("\u2002114\u2002年 3 月 2 日 至 3 月 8 日", 0, "2025-03-02", "2025-03-08", "roc");
  /* Numeric forms, the separator kept through the range. */
  expect_range ("114.3.2~114.3.8", 0, "2025-03-02", "2025-03-08", "roc");
  expect_range ("114/3/2-3/8", 0, "2025-03-02", "2025-03-08", "roc");
  expect_range ("2025-03-02", 0, "2025-03-02", NULL, "gregorian");
  assert_null (dn_date_parse_range ("3.2~3.8", 0)); /* numeric dates need a year */
  assert_null (dn_date_parse_range ("版本 1.2.3", 0));
  /* No year and no context, an impossible date, no date at all. */
  assert_null (dn_date_parse_range ("8 月 16 日", 0));
  assert_null (dn_date_parse_range ("113年2月30日", 0));
  assert_null (dn_date_parse_range ("無", 0));
}

/* ------------------------------------------------------------ text */

static void
expect_str (char *got, const char *want)
{
  assert_string_equal (got, want);
  g_free (got);
}

static void
test_text (void **state)
{
  (void) state;
  guint n = 0;
  expect_str (dn_text_remove_cjk_spaces ("國發會期能促進 跨境資料", &n), "國發會期能促進跨境資料");
  assert_int_equal (n, 1);
  /* Latin and digits keep their spaces; two spaces separate columns. */
  expect_str (dn_text_remove_cjk_spaces ("APEC 第三次 113 年", &n), "APEC 第三次 113 年");
  assert_int_equal (n, 0);
  expect_str (dn_text_remove_cjk_spaces ("梁伯州  簡任技正", &n), "梁伯州  簡任技正");
  expect_str (dn_text_remove_cjk_spaces ("壹、 目的", NULL), "壹、目的");
  /* The byte map follows the removal; with nothing removed there is none. */
  gint32 *map = NULL;
  expect_str (dn_text_remove_cjk_spaces_map ("中\xE3\x80\x80文", &n, &map), "中文");
  assert_int_equal (n, 1);
  assert_non_null (map);
  assert_int_equal (map[3], 3);
  assert_int_equal (map[6], 3);
  assert_int_equal (map[9], 6);
  g_free (map);
  expect_str (dn_text_remove_cjk_spaces_map ("中、文 a  b \xE3\x80\x80", &n, &map), "中、文 a  b \xE3\x80\x80");
  assert_int_equal (n, 0);
  assert_null (map);

  expect_str (dn_text_join ("由美", "國商務部"), "由美國商務部");
  expect_str (dn_text_join ("Committee on Trade and", "Investment"), "Committee on Trade and Investment");
  expect_str (dn_text_join ("inter-", "national"), "international");
  expect_str (dn_text_join ("APEC-", "TEL"), "APEC-TEL");
  expect_str (dn_text_join ("就", "WTO 會員"), "就WTO 會員");
  /* Both sides are trimmed of ASCII and ideographic spaces, tabs and NBSP;
   * an empty side adds nothing, not even a space. */
  expect_str (dn_text_join (" \xE3\x80\x80Trade\t", "\xC2\xA0 and "), "Trade and");
  expect_str (dn_text_join ("  ", " x "), "x");
  expect_str (dn_text_join ("x", " \t"), "x");
  expect_str (dn_text_join ("a-", "-b"), "a- -b");
  expect_str (dn_text_join ("-", "national"), "-national");
  /* In place, line after line: the same as joining copies. */
  GString *acc = g_string_new (" 亞太 ");
  dn_text_join_into (acc, "經濟 ");
  dn_text_join_into (acc, " inter-");
  dn_text_join_into (acc, "national");
  dn_text_join_into (acc, "Working");
  dn_text_join_into (acc, "");
  assert_string_equal (acc->str, "亞太經濟international Working");
  assert_int_equal (acc->len, strlen ("亞太經濟international Working"));
  g_string_free (acc, TRUE);
  expect_str (dn_text_reflow ("亞太經濟合作 (APEC) 電信暨資訊工作小組 (Telecommunications and\nInformation Working Group, TEL)目前共有\n21 個會員"),
              "亞太經濟合作 (APEC) 電信暨資訊工作小組 (Telecommunications and Information Working Group, TEL)目前共有21 個會員");

  guint markup, bookmarks;
  expect_str (dn_text_strip_residue ("1. **秘魯規劃**：秘魯", &markup, &bookmarks), "1. 秘魯規劃：秘魯");
  assert_int_equal (markup, 2);
  assert_int_equal (bookmarks, 0);
  expect_str (dn_text_strip_residue ("8. [bookmark: _GoBack]我國", &markup, &bookmarks), "8. 我國");
  assert_int_equal (bookmarks, 1);
  expect_str (dn_text_strip_residue ("<p>1. 開幕</p> <ul style=\"list-style-type: none\">x</ul><u>底</u>", &markup, NULL),
              "\n1. 開幕\n \nx\n底");
  assert_int_equal (markup, 6);
  /* Text that only looks like a tag is kept. */
  expect_str (dn_text_strip_residue ("a <b c < d", &markup, NULL), "a <b c < d");
  assert_int_equal (markup, 0);
  expect_str (dn_text_strip_residue ("* [x] **", &markup, &bookmarks), "* [x] ");
  assert_int_equal (markup, 1);
  assert_int_equal (bookmarks, 0);

  /* Display width: ASCII 1, wide and CJK-ambiguous (°) 2, capped at the limit. */
  assert_int_equal (dn_text_display_width_upto ("ab 1", G_MAXUINT), 4);
  assert_int_equal (dn_text_display_width_upto ("目的：a°", G_MAXUINT), 9);
  assert_int_equal (dn_text_display_width_upto ("目的：a°", 5), 5);
  assert_int_equal (dn_text_display_width_upto ("目的：a°", 9), 9);
  assert_int_equal (dn_text_display_width_upto ("", 3), 0);
  /* 2-, 3- and 4-byte UTF-8: ա (U+0561) narrow, 。 and 𠀀 (U+20000) wide. */
  assert_int_equal (dn_text_display_width_upto ("ա。𠀀a", G_MAXUINT), 6);
  assert_int_equal (dn_text_display_width_upto ("一\n二", G_MAXUINT), 5);
  assert_int_equal (dn_text_line_width_upto ("一\n二", G_MAXUINT), 2);
  assert_int_equal (dn_text_line_width_upto ("\n二", G_MAXUINT), 0);
  assert_int_equal (dn_text_line_width_upto ("一二三", 3), 3);

  expect_str (dn_text_title_key ("(一) 第一場：建構亞太.....\t"), "(一)第一場:建構亞太");
  expect_str (dn_text_title_key ("（MRA） 之興盛"), "(MRA)之興盛");
  assert_true (dn_text_is_terminated ("會議結束。"));
  assert_true (dn_text_is_terminated ("如下：」"));
  assert_true (dn_text_is_terminated ("「結束。」"));
  assert_false (dn_text_is_terminated ("採取"));
  assert_false (dn_text_is_terminated ("(DPS) 會議"));
  assert_true (dn_text_latin_ratio ("INTRODUCTION AND REMARKS") > 0.9);
  assert_true (dn_text_latin_ratio ("數位經濟 DESG 會議") < 0.6);
  assert_int_equal (dn_text_count_han ("APEC 第三次"), 3);
}

/* ------------------------------------------------------------ pipeline */

static DnDocument *
doc_from_blocks (const char *const *blocks)
{
  DnDocument *doc = dn_document_new ();
  for (guint i = 0; blocks[i] != NULL; i++) {
    DnNode *p = dn_node_append_new (dn_document_get_root (doc), DN_NODE_PARAGRAPH);
    dn_node_set_text (p, blocks[i]);
  }
  return doc;
}

static JsonObject *
report_of (DnDocument *doc)
{
  JsonObject *r = dn_document_get_report (doc);
  assert_non_null (r);
  return r;
}

static JsonObject *
traveller_at (JsonObject *report, guint i)
{
  JsonArray *t = json_object_get_array_member (report, "travellers");
  assert_true (i < json_array_get_length (t));
  return json_array_get_object_element (t, i);
}

static void
expect_traveller (JsonObject *report, guint i, const char *name, const char *title, const char *org)
{
  JsonObject *t = traveller_at (report, i);
  assert_string_equal (json_object_get_string_member (t, "name"), name);
  assert_string_equal (json_object_get_string_member (t, "title"), title);
  assert_string_equal (json_object_get_string_member (t, "organization"), org);
}

static void
test_cover_glued_travellers (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "行政院所屬各機關因公出國人員出國報告書",
    "(出國類別：參與國際會議)",
    "出席 2024 年亞太經濟合作(APEC)第三次資深\n官員會議期間相關會議",
    "服務機關： 行政院經貿談判辦公室",
    "姓名職稱： 游佳蓁助理談判代表、張揚理研究員",
    "派赴國家/地區： 秘魯利馬",
    "出國期間： 113 年 12 月 28 日至 1 月 3 日",
    "報告日期： 114 年 2 月 11 日",
    "壹、目的",
    "本次會議。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  JsonObject *r = report_of (doc);
  assert_string_equal (json_object_get_string_member (r, "kind"), "standard");
  assert_string_equal (json_object_get_string_member (r, "title"), "出席 2024 年亞太經濟合作(APEC)第三次資深官員會議期間相關會議");
  JsonObject *cat = json_object_get_object_member (r, "category");
  assert_string_equal (json_object_get_string_member (cat, "raw"), "參與國際會議");
  assert_string_equal (json_object_get_string_member (cat, "normalized"), "開會");
  expect_traveller (r, 0, "游佳蓁", "助理談判代表", "行政院經貿談判辦公室");
  expect_traveller (r, 1, "張揚理", "研究員", "行政院經貿談判辦公室");
  assert_true (dn_document_has_warning (doc, "TRAVELLER_SPLIT_HEURISTIC"));
  JsonObject *d = json_array_get_object_element (json_object_get_array_member (r, "destinations"), 0);
  assert_string_equal (json_object_get_string_member (d, "country"), "秘魯");
  assert_string_equal (json_object_get_string_member (d, "city"), "利馬");
  JsonObject *p = json_object_get_object_member (r, "period");
  assert_string_equal (json_object_get_string_member (p, "start"), "2024-12-28");
  assert_string_equal (json_object_get_string_member (p, "end"), "2025-01-03");
  JsonObject *rd = json_object_get_object_member (r, "report_date");
  assert_string_equal (json_object_get_string_member (rd, "start"), "2025-02-11");
  dn_document_free (doc);
}

static void
test_cover_table_layout (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "行政院所屬各機關因公出國報告書",
    "(出國類別:會議)",
    "出席會議出國報告",
    "服務機關 姓名職稱",
    "國家發展委員會 鄭美華 科長",
    "蔡易融 科員",
    "財團法人資訊工業策進會 王德瀛 組長",
    "派赴國家/地區:韓國/仁川",
    "出國期間:114年7月25日至7月30日",
    "報告日期:114年9月22日",
    "壹、目的",
    "本次會議。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  JsonObject *r = report_of (doc);
  expect_traveller (r, 0, "鄭美華", "科長", "國家發展委員會");
  /* The organisation carried down from the row above (a merged cell). */
  expect_traveller (r, 1, "蔡易融", "科員", "國家發展委員會");
  expect_traveller (r, 2, "王德瀛", "組長", "財團法人資訊工業策進會");
  assert_int_equal (json_array_get_length (json_object_get_array_member (r, "organizations")), 2);
  assert_false (dn_document_has_warning (doc, "TRAVELLER_SPLIT_HEURISTIC"));
  JsonObject *d = json_array_get_object_element (json_object_get_array_member (r, "destinations"), 0);
  assert_string_equal (json_object_get_string_member (d, "country"), "韓國");
  assert_string_equal (json_object_get_string_member (d, "city"), "仁川");
  assert_false (dn_document_has_warning (doc, "MISSING_FIELD"));
  dn_document_free (doc);
}

/* A category that names one of the nine is read as it (info); one that
 * names none is 其他 and a notice. */
static void
test_cover_category (void **state)
{
  (void) state;
  static const char *const named[] = {
    "行政院所屬各機關因公出國報告書", "(出國類別:國際會議)", "出席會議出國報告", "壹、目的", "本次會議。", NULL,
  };
  static const char *const unnamed[] = {
    "行政院所屬各機關因公出國報告書", "(出國類別:交流)", "出席會議出國報告", "壹、目的", "本次會議。", NULL,
  };
  DnDocument *doc = doc_from_blocks (named);
  dn_analyse_document (doc);
  JsonObject *cat = json_object_get_object_member (report_of (doc), "category");
  assert_string_equal (json_object_get_string_member (cat, "normalized"), "開會");
  assert_true (dn_document_has_warning (doc, "CATEGORY_NORMALIZED"));
  assert_false (dn_document_has_warning (doc, "CATEGORY_UNKNOWN"));
  dn_document_free (doc);

  doc = doc_from_blocks (unnamed);
  dn_analyse_document (doc);
  cat = json_object_get_object_member (report_of (doc), "category");
  assert_string_equal (json_object_get_string_member (cat, "raw"), "交流");
  assert_string_equal (json_object_get_string_member (cat, "normalized"), "其他");
  assert_true (dn_document_has_warning (doc, "CATEGORY_UNKNOWN"));
  assert_false (dn_document_has_warning (doc, "CATEGORY_NORMALIZED"));
  guint counts[DN_N_SEVERITIES];
  DnSeverity highest = dn_document_count_warnings (doc, counts);
  assert_true (highest >= DN_SEVERITY_NOTICE);
  assert_true (counts[DN_SEVERITY_NOTICE] >= 1);
  assert_int_equal (counts[DN_SEVERITY_INFO] + counts[DN_SEVERITY_NOTICE] + counts[DN_SEVERITY_WARNING],
                    dn_document_get_n_warnings (doc));
  dn_document_free (doc);
}

/* Collects "id label title" of every numbered section, one per line. */
static void
outline (DnNode *n, GString *out)
{
  DnIter it;
  dn_iter_init (&it, n);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE)
    if (ev == DN_EVENT_ENTER && dn_node_get_node_type (it.current) == DN_NODE_SECTION &&
        dn_node_get_attr (it.current, DN_ATTR_ID) != NULL)
      g_string_append_printf (out, "%s %s%s\n", dn_node_get_attr (it.current, DN_ATTR_ID),
                              dn_node_get_attr (it.current, DN_ATTR_LABEL),
                              dn_node_get_attr (it.current, DN_ATTR_TITLE));
}

static char *
outline_of (DnDocument *doc)
{
  GString *s = g_string_new (NULL);
  outline (dn_document_get_root (doc), s);
  return g_string_free (s, FALSE);
}

static void
expect_outline (DnDocument *doc, const char *want)
{
  char *got = outline_of (doc);
  assert_string_equal (got, want);
  g_free (got);
}

static void
test_sections_stack (void **state)
{
  (void) state;
  /* 壹 straight to 1. (000), a heading group, a paragraph group (one member
   * has 。 so all are paragraphs), a numbering gap and a duplicate. */
  static const char *const blocks[] = {
    "壹、目的",
    "1. 第一段說明文字很長。",
    "2. 第二段",
    "貳、過程",
    "一、第一天",
    "(一) 開幕",
    "內容。",
    "(二) 閉幕",
    "內容。",
    "三、第三天",
    "內容。",
    "三、又是第三天",
    "內容。",
    "參、心得",
    "內容。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  expect_outline (doc, "s1 壹、目的\n"
                       "s2 貳、過程\n"
                       "s2.1 一、第一天\n"
                       "s2.1.1 (一)開幕\n"
                       "s2.1.2 (二)閉幕\n"
                       "s2.2 三、第三天\n"
                       "s2.3 三、又是第三天\n"
                       "s3 參、心得\n");
  assert_true (dn_document_has_warning (doc, "NUMBERING_GAP"));
  assert_true (dn_document_has_warning (doc, "NUMBERING_DUPLICATE"));
  /* The numbered paragraphs keep their label apart from the text. */
  DnNode *s1 = dn_node_first_child (dn_document_get_root (doc));
  assert_string_equal (dn_node_get_attr (s1, DN_ATTR_CANONICAL_PART), "purpose");
  DnNode *p1 = dn_node_next (dn_node_first_child (s1));
  assert_int_equal (dn_node_get_node_type (p1), DN_NODE_PARAGRAPH);
  assert_string_equal (dn_node_get_attr (p1, DN_ATTR_LABEL), "1.");
  assert_string_equal (dn_node_get_attr (p1, DN_ATTR_MARKER_TYPE), "arabic_dot");
  assert_string_equal (dn_node_get_text (p1), "第一段說明文字很長。");
  DnNode *p2 = dn_node_next (p1);
  assert_int_equal (dn_node_get_node_type (p2), DN_NODE_PARAGRAPH);
  assert_string_equal (dn_node_get_text (p2), "第二段");
  dn_document_free (doc);
}

/* A Word-numbered DOCX gives the label as an attribute and text without the
 * marker: the record must equal the one from typed markers. */
static void
test_reader_labels_equal_typed (void **state)
{
  (void) state;
  static const char *const typed[] = { "壹、目的", "一、背景說明", "內容。", "(一) 細節", "內容。", "貳、過程", "內容。", NULL };
  static const char *const labels[] = { "壹、", "一、", NULL, "（一）", NULL, "貳、", NULL };
  static const char *const texts[] = { "目的", "背景說明", "內容。", "細節", "內容。", "過程", "內容。" };
  DnDocument *a = doc_from_blocks (typed);
  DnDocument *b = dn_document_new ();
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    DnNode *p = dn_node_append_new (dn_document_get_root (b), DN_NODE_PARAGRAPH);
    dn_node_set_text (p, texts[i]);
    if (labels[i] != NULL)
      dn_node_set_attr (p, DN_ATTR_LABEL, labels[i]);
  }
  dn_analyse_document (a);
  dn_analyse_document (b);
  JsonNode *ja = dn_record_build_body (a, NULL, NULL);
  JsonNode *jb = dn_record_build_body (b, NULL, NULL);
  char *sa = json_to_string (ja, FALSE), *sb = json_to_string (jb, FALSE);
  assert_string_equal (sa, sb);
  expect_outline (b, "s1 壹、目的\ns1.1 一、背景說明\ns1.1.1 (一)細節\ns2 貳、過程\n");
  g_free (sa);
  g_free (sb);
  json_node_unref (ja);
  json_node_unref (jb);
  dn_document_free (a);
  dn_document_free (b);
}

static void
test_page_wrap_join (void **state)
{
  (void) state;
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  const char *texts[] = { "壹、目的", "1. 重視線上兒童個資保護：為避免業者擅加蒐集，會員認為應採取", NULL, NULL,
                          "更高保護。新加坡發布準則。", "2. 第二點說明。", "3. 第三點\n跨行的文字。" };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    DnNode *n;
    if (texts[i] == NULL) {
      /* A footer and a running header between the halves: they stay out
       * of the text, in their order. */
      n = dn_node_append_new (root, DN_NODE_FURNITURE);
      dn_node_set_text (n, i == 2 ? "- 3 -" : "出國報告");
      dn_node_set_attr (n, DN_ATTR_ROLE, i == 2 ? "page_number" : "header");
      dn_node_hints (n)->page = i == 2 ? 1 : 2;
      continue;
    }
    n = dn_node_append_new (root, DN_NODE_PARAGRAPH);
    dn_node_set_text (n, texts[i]);
    dn_node_hints (n)->page = i < 2 ? 1 : 2;
    if (i == 6)
      dn_node_hints (n)->flags |= DN_HINT_WRAPPED_LINES;
  }
  dn_analyse_document (doc);
  DnNode *s1 = dn_node_first_child (root);
  assert_int_equal (dn_node_get_node_type (s1), DN_NODE_SECTION);
  DnNode *p = dn_node_next (dn_node_first_child (s1));
  assert_string_equal (dn_node_get_text (p), "重視線上兒童個資保護：為避免業者擅加蒐集，會員認為應採取更高保護。新加坡發布準則。");
  assert_int_equal (dn_node_get_node_type (dn_node_next (p)), DN_NODE_FURNITURE);
  assert_string_equal (dn_node_get_text (dn_node_next (p)), "- 3 -");
  assert_string_equal (dn_node_get_text (dn_node_next (dn_node_next (p))), "出國報告");
  DnNode *p3 = dn_node_last_child (s1);
  assert_string_equal (dn_node_get_text (p3), "第三點跨行的文字。");
  assert_true (dn_document_has_warning (doc, "PARAGRAPH_JOINED"));
  dn_document_free (doc);
}

/* A page number a text extraction left in the flow becomes furniture, and
 * the paragraph it cut in two is joined. */
static void
test_text_page_number (void **state)
{
  (void) state;
  static const char *const blocks[] = { "壹、目的", "會員認為應採取", "59", "更高保護。", "- 4 -",
                                        "第 5 頁", "第5章", NULL };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  DnNode *s1 = dn_node_first_child (dn_document_get_root (doc));
  DnNode *p = dn_node_next (dn_node_first_child (s1));
  assert_string_equal (dn_node_get_text (p), "會員認為應採取更高保護。");
  DnNode *f = dn_node_next (p);
  assert_int_equal (dn_node_get_node_type (f), DN_NODE_FURNITURE);
  assert_string_equal (dn_node_get_attr (f, DN_ATTR_ROLE), "page_number");
  assert_string_equal (dn_node_get_text (f), "59");
  f = dn_node_next (f);
  assert_int_equal (dn_node_get_node_type (f), DN_NODE_FURNITURE);
  assert_string_equal (dn_node_get_text (f), "- 4 -");
  /* 第 and 頁 are the only letters a page-number line may have. */
  f = dn_node_next (f);
  assert_int_equal (dn_node_get_node_type (f), DN_NODE_FURNITURE);
  assert_string_equal (dn_node_get_text (f), "第 5 頁");
  DnNode *chapter = dn_node_next (f);
  assert_string_equal (dn_node_get_text (chapter), "第5章");
  assert_int_not_equal (dn_node_get_node_type (chapter), DN_NODE_FURNITURE);
  dn_document_free (doc);
}

static void
test_wrapped_heading_toc (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "目錄",
    "壹、 心得與建議\t67",
    "(一) 持續關注國際人工智慧治理之立法進度，並強化國民數位素養....\t69",
    "(二) 國際間相互承認協議（MRA）之興盛.....\t70",
    "壹、心得與建議",
    "（一） 持續關注國際人工智慧治理之立法進度，並強化國民數位",
    "位素養",
    "內容。",
    "(二) 國際間相互承認協議",
    "(MRA) 之興盛",
    "內容。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  expect_outline (doc, "s1 壹、心得與建議\n"
                       "s1.1 (一)持續關注國際人工智慧治理之立法進度，並強化國民數位素養\n"
                       "s1.2 (二)國際間相互承認協議(MRA) 之興盛\n");
  assert_true (dn_document_has_warning (doc, "HEADING_WRAP_DUP_CHAR"));
  assert_true (dn_document_has_warning (doc, "HEADING_WRAPPED"));
  assert_false (dn_document_has_warning (doc, "TOC_ENTRY_UNMATCHED"));
  JsonObject *toc = json_object_get_object_member (report_of (doc), "toc");
  JsonArray *entries = json_object_get_array_member (toc, "entries");
  assert_int_equal (json_array_get_length (entries), 3);
  JsonObject *e1 = json_array_get_object_element (entries, 1);
  assert_string_equal (json_object_get_string_member (e1, "section_id"), "s1.1");
  assert_int_equal (json_object_get_int_member (e1, "printed_page"), 69);
  assert_int_equal (json_object_get_int_member (e1, "level"), 2);
  dn_document_free (doc);
}

static void
test_text_brackets_and_leaders (void **state)
{
  (void) state;
  assert_int_equal (dn_text_unclosed_brackets ("報告 (2016 Independent Assessment for"), 1);
  assert_int_equal (dn_text_unclosed_brackets ("(APNIC)的姊妹組織（LACNIC）"), 0);
  assert_int_equal (dn_text_unopened_brackets ("TELWG)"), 1);
  assert_int_equal (dn_text_unopened_brackets ("Infrastructure，APII）測試平"), 1);
  assert_int_equal (dn_text_unopened_brackets ("(MRA) 之興盛"), 0);
  assert_true (dn_text_ends_with_leader_page ("二、 未來會議重點......................70"));
  assert_true (dn_text_ends_with_leader_page ("壹、目的……2 "));
  assert_false (dn_text_ends_with_leader_page ("共 3 項。"));
  assert_false (dn_text_ends_with_leader_page ("版本 1.2"));
  assert_false (dn_text_ends_with_leader_page ("第 2016 年"));
}

/* An office's running header "出國報告" above the cover's own header. */
static void
test_cover_running_header (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "出國報告",
    "行政院所屬各機關因公出國報告書",
    "(出國類別:會議)",
    "出席 2025 年亞太經濟合作(APEC)數位經濟指導小組會議",
    "服務機關:國家發展委員會",
    "姓名職稱:鄭美華科長",
    "派赴國家/地區:韓國仁川",
    "出國期間:114 年 7 月 25 日至 7 月 30 日",
    "報告日期:114 年 9 月 22 日",
    "摘要",
    "本次會議。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  JsonObject *r = report_of (doc);
  assert_string_equal (json_object_get_string_member (r, "cover_header_raw"), "行政院所屬各機關因公出國報告書");
  assert_string_equal (json_object_get_string_member (r, "title"), "出席 2025 年亞太經濟合作(APEC)數位經濟指導小組會議");
  assert_string_equal (json_object_get_string_member (json_object_get_object_member (r, "period"), "end"),
                       "2025-07-30");
  assert_false (dn_document_has_warning (doc, "MISSING_FIELD"));
  dn_document_free (doc);
}

/* A cover grid read one cell per line: the key's value is the next line. */
static void
test_cover_key_value_on_next_line (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "出國報告（出國類別：國際會議）",
    "參加亞太經濟合作電信暨資訊工作小組第 70 次會議報告書",
    "服務機關：",
    "國家通訊傳播委員會",
    "姓名職稱：王小明科長",
    "派赴國家/地區\t韓國/慶洲",
    "出國期間：",
    "114 年 3 月 2 日至 3 月 8 日",
    "報告日期：114 年 5 月 7 日",
    "壹、目的",
    "本次會議。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  JsonObject *r = report_of (doc);
  JsonObject *p = json_object_get_object_member (r, "period");
  assert_non_null (p);
  assert_string_equal (json_object_get_string_member (p, "start"), "2025-03-02");
  JsonObject *o = json_array_get_object_element (json_object_get_array_member (r, "organizations"), 0);
  assert_string_equal (json_object_get_string_member (o, "name"), "國家通訊傳播委員會");
  JsonObject *d = json_array_get_object_element (json_object_get_array_member (r, "destinations"), 0);
  assert_string_equal (json_object_get_string_member (d, "country"), "韓國");
  assert_false (dn_document_has_warning (doc, "MISSING_FIELD"));
  dn_document_free (doc);
}

/* A Word heading whose second line is its own paragraph (a hard-wrapped
 * source): joined where the bracket closes; a TOC is not needed. */
static void
test_heading_wrapped_bracket (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "壹、過程",
    "(八) 2016 年 TEL 工作小組獨立評鑑報告 (2016 Independent Assessment for",
    "TELWG)",
    "澳洲智庫分析師簡述其進行之評鑑報告期中報告進度。",
    "(九) 跨論壇合作",
    "內容。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  expect_outline (doc, "s1 壹、過程\n"
                       "s1.1 (八)2016 年 TEL 工作小組獨立評鑑報告 (2016 Independent Assessment for TELWG)\n"
                       "s1.2 (九)跨論壇合作\n");
  assert_true (dn_document_has_warning (doc, "HEADING_WRAPPED"));
  dn_document_free (doc);
}

/* In a hard-wrapped text a heading that runs to the wrap width goes on
 * to the next, short line. */
static void
test_heading_wrapped_at_wrap_width (void **state)
{
  (void) state;
  GPtrArray *b = g_ptr_array_new ();
  g_ptr_array_add (b, (gpointer) "壹、過程");
  /* 20+ lines of about 30 CJK characters make the text hard-wrapped. */
  for (int i = 0; i < 24; i++)
    g_ptr_array_add (b, (gpointer) "本次會議各經濟體代表就數位經濟議題進行廣泛討論並交換");
  g_ptr_array_add (b, (gpointer) "意見。");
  g_ptr_array_add (b, (gpointer) "(三) 亞太資訊基礎設施(Asia Pacific Information Infrastructure)測試平");
  g_ptr_array_add (b, (gpointer) "臺計畫─韓國國家資訊社會局");
  g_ptr_array_add (b, (gpointer) "本次無更新。");
  g_ptr_array_add (b, (gpointer) "(四) 研討會成果");
  g_ptr_array_add (b, (gpointer) "內容。");
  g_ptr_array_add (b, NULL);
  DnDocument *doc = doc_from_blocks ((const char *const *) b->pdata);
  g_ptr_array_free (b, TRUE);
  dn_analyse_document (doc);
  assert_true (dn_document_has_warning (doc, "HARD_WRAP_REFLOWED"));
  char *o = outline_of (doc);
  assert_non_null (strstr (o, "(三)亞太資訊基礎設施(Asia Pacific Information Infrastructure)測試平臺計畫─韓國國家資訊社會局\n"));
  assert_non_null (strstr (o, "(四)研討會成果\n"));
  g_free (o);
  dn_document_free (doc);
}

/* An English agenda item merged with its sub-item is running text, not a
 * heading, and does not make its numbered neighbours paragraphs. */
static void
test_latin_running_text_not_heading (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "壹、附錄",
    "9. OTHER BUSINESS",
    "Members may raise other business.",
    "10.INTRODUCTION AND ADMINISTRATIVE REMARKS 10.1. DESG Chair will make opening remarks",
    "11. CLOSING",
    "The Chair will close the meeting.",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  expect_outline (doc, "s1 壹、附錄\ns1.1 9.OTHER BUSINESS\ns1.2 11.CLOSING\n");
  dn_document_free (doc);
}

/* TOC entries whose 、 was misread (壹 • 目的) or whose label glyph is
 * garbled (湏 for 貳) match their headings by title and position. */
static void
test_toc_ocr_label_matches (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "目錄",
    "壹 • 目的..........2",
    "湏 ` 會議過程........3",
    "參 • 心得與建議......37",
    "壹、目的",
    "內容。",
    "貳、會議過程",
    "內容。",
    "參、心得與建議",
    "內容。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  assert_false (dn_document_has_warning (doc, "TOC_ENTRY_UNMATCHED"));
  assert_false (dn_document_has_warning (doc, "HEADING_NOT_IN_TOC"));
  assert_true (dn_document_has_warning (doc, "OCR_GLYPH_SUSPECT"));
  JsonArray *entries = json_object_get_array_member (json_object_get_object_member (report_of (doc), "toc"), "entries");
  assert_int_equal (json_array_get_length (entries), 3);
  JsonObject *e1 = json_array_get_object_element (entries, 1);
  assert_string_equal (json_object_get_string_member (e1, "label"), "貳、");
  assert_string_equal (json_object_get_string_member (e1, "title"), "會議過程");
  assert_string_equal (json_object_get_string_member (e1, "section_id"), "s2");
  dn_document_free (doc);
}

/* A PDF reader's block of layout lines: TOC lines end their block (the
 * figure-list label after the last entry is no part of it), and a marker
 * after a full line that breaks mid-phrase is running text. */
static void
test_pdf_block_split (void **state)
{
  (void) state;
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  static const char *const texts[] = {
    "目錄",
    "壹、 目的.....................2\n二、 未來會議重點..................70\n圖目錄",
    "圖 1：開場..........8",
    "壹、目的",
    "紐西蘭共有 3 項新計畫提案，蒐集相關案例展示應用潛力。第\n三,「中小企業數位貿易轉型」聚焦於協助中小企業。",
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++) {
    DnNode *n = dn_node_append_new (root, DN_NODE_PARAGRAPH);
    dn_node_set_text (n, texts[i]);
    DnHints *h = dn_node_hints (n);
    h->page = 1;
    h->font_size = 12;
    h->has_bbox = TRUE;
    h->x0 = 72;
    h->x1 = i == 4 ? 523 : 300;
    h->y0 = 100 + 20 * i;
    h->y1 = h->y0 + 15;
    h->flags |= strchr (texts[i], '\n') != NULL ? DN_HINT_WRAPPED_LINES : 0;
  }
  dn_analyse_document (doc);
  JsonObject *r = report_of (doc);
  JsonArray *toc = json_object_get_array_member (json_object_get_object_member (r, "toc"), "entries");
  assert_int_equal (json_array_get_length (toc), 2);
  assert_string_equal (json_object_get_string_member (json_array_get_object_element (toc, 1), "title"),
                       "未來會議重點");
  assert_int_equal (json_array_get_length (json_object_get_array_member (r, "figure_list")), 1);
  expect_outline (doc, "s1 壹、目的\n");
  dn_document_free (doc);
}

/* A table's header row left alone at the foot of a page (a tab-separated
 * line, too little for the reader to call a grid) joins the table that
 * starts the next page; the page number between them moves after it. */
static void
test_table_head_before_page_break (void **state)
{
  (void) state;
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  DnNode *head = dn_node_append_new (root, DN_NODE_PARAGRAPH);
  dn_node_set_text (head, "時間\t會議");
  dn_node_hints (head)->page = 6;
  DnNode *folio = dn_node_append_new (root, DN_NODE_FURNITURE);
  dn_node_set_text (folio, "6");
  dn_node_hints (folio)->page = 6;
  DnNode *table = dn_node_append_new (root, DN_NODE_TABLE);
  dn_node_hints (table)->page = 7;
  for (guint r = 0; r < 2; r++) {
    DnNode *row = dn_node_append_new (table, DN_NODE_TABLE_ROW);
    dn_node_set_text (dn_node_append_new (row, DN_NODE_TABLE_CELL), r == 0 ? "3 月 4 日" : "3 月 5 日");
    dn_node_set_text (dn_node_append_new (row, DN_NODE_TABLE_CELL), r == 0 ? "開幕式" : "閉幕式");
  }
  dn_reflow_prepare (doc);
  assert_ptr_equal (dn_node_first_child (root), table);
  assert_int_equal (dn_node_count_children (table), 3);
  assert_int_equal (dn_node_get_hints (table)->page, 6);
  DnNode *first = dn_node_first_child (table);
  assert_string_equal (dn_node_get_text (dn_node_first_child (first)), "時間");
  assert_string_equal (dn_node_get_text (dn_node_last_child (first)), "會議");
  assert_ptr_equal (dn_node_next (table), folio);
  assert_true (dn_document_has_warning (doc, "TABLE_CONTINUED"));
  dn_document_free (doc);
}

static void
test_toc_mismatch_warns (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "目次", "壹、 目的\t2", "貳、 行程\t3", "壹、目的", "內容。", "參、心得", "內容。", NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  assert_true (dn_document_has_warning (doc, "TOC_ENTRY_UNMATCHED"));
  assert_true (dn_document_has_warning (doc, "HEADING_NOT_IN_TOC"));
  dn_document_free (doc);
}

static void
test_figures_and_residue (void **state)
{
  (void) state;
  static const char *const blocks[] = {
    "壹、過程",
    "資料來源： Strategy Analytics",
    "圖 7 Total Household Wi-Fi ranking",
    "本段**重點**說明。",
    "圖 1：APEC TELWG 共同主席開場",
    "（左起：秘書處、主席）",
    "資料來源：大會工作人員拍攝",
    "如圖 1 所示。",
    NULL,
  };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  JsonArray *figs = json_object_get_array_member (report_of (doc), "figures");
  assert_int_equal (json_array_get_length (figs), 2);
  JsonObject *f7 = json_array_get_object_element (figs, 0);
  assert_int_equal (json_object_get_int_member (f7, "number"), 7);
  assert_string_equal (json_object_get_string_member (f7, "source"), "Strategy Analytics");
  JsonObject *f1 = json_array_get_object_element (figs, 1);
  assert_string_equal (json_object_get_string_member (f1, "caption"), "APEC TELWG 共同主席開場");
  assert_string_equal (json_object_get_string_member (f1, "note"), "（左起：秘書處、主席）");
  assert_string_equal (json_object_get_string_member (f1, "source"), "大會工作人員拍攝");
  assert_string_equal (json_object_get_string_member (f1, "section_id"), "s1");
  assert_true (dn_document_has_warning (doc, "FIGURE_SOURCE_ORDER"));
  assert_true (dn_document_has_warning (doc, "MARKUP_STRIPPED"));
  char *all = dn_node_collect_text (dn_document_get_root (doc));
  assert_null (strstr (all, "**"));
  assert_non_null (strstr (all, "如圖 1 所示。"));
  g_free (all);
  dn_document_free (doc);
}

static void
test_fragment_and_empty (void **state)
{
  (void) state;
  static const char *const blocks[] = { "一、主席報告", "內容。", NULL };
  DnDocument *doc = doc_from_blocks (blocks);
  dn_analyse_document (doc);
  assert_string_equal (json_object_get_string_member (report_of (doc), "kind"), "fragment");
  assert_true (dn_document_has_warning (doc, "NO_COVER"));
  assert_true (dn_document_has_warning (doc, "FRAGMENT"));
  dn_document_free (doc);
  /* An empty tree is analysed without trouble. */
  doc = dn_document_new ();
  dn_analyse_document (doc);
  assert_non_null (dn_document_get_report (doc));
  dn_document_free (doc);
}

/* The label tables: a cover key is matched whole, a sheet row label across
 * spacing and wrapped lines, or cut off at a grid cell's end. */
static void
test_report_labels (void **state)
{
  (void) state;
  const DnReportLabel *l;
  const char *at = NULL;
  gboolean prefix = FALSE;

  l = dn_report_labels_match (&dn_report_cover_labels, "出國期間", DN_REPORT_MATCH_KEY, NULL, NULL);
  assert_non_null (l);
  assert_string_equal (l->field, "period");
  assert_int_equal (l->value, DN_REPORT_VALUE_DATE);
  l = dn_report_labels_match (&dn_report_cover_labels, "派赴地區", DN_REPORT_MATCH_KEY, NULL, NULL);
  assert_non_null (l);
  assert_int_equal (l->value, DN_REPORT_VALUE_NONE);
  assert_null (dn_report_labels_match (&dn_report_cover_labels, "出國期", DN_REPORT_MATCH_KEY, NULL, NULL));
  assert_true (dn_report_labels_all_in (dn_report_cover_labels.grid_header, "服務機關\t姓名\t職稱"));
  assert_false (dn_report_labels_all_in (dn_report_cover_labels.grid_header, "服務機關：國發會"));

  l = dn_report_labels_match (&dn_report_sheet_labels, "會 議 名 稱\tAPEC", DN_REPORT_MATCH_ROW, &at, &prefix);
  assert_non_null (l);
  assert_string_equal (l->field, "meeting_name");
  assert_string_equal (at, "\tAPEC");
  l = dn_report_labels_match (&dn_report_sheet_labels, "出席經濟體及\n重要單位\tX", DN_REPORT_MATCH_ROW, &at, &prefix);
  assert_non_null (l);
  assert_string_equal (l->spelling, "出席經濟體及重要單位");
  assert_string_equal (at, "\tX");
  /* A grid cell wrapping the label: three characters or more, then a tab. */
  l = dn_report_labels_match (&dn_report_sheet_labels, "出席經濟體\t值", DN_REPORT_MATCH_ROW, &at, &prefix);
  assert_non_null (l);
  assert_string_equal (l->field, "attending_economies");
  assert_string_equal (at, "\t值");
  /* The text ends inside a label: wrapped onto the next line. */
  assert_null (dn_report_labels_match (&dn_report_sheet_labels, "會議", DN_REPORT_MATCH_ROW, &at, &prefix));
  assert_true (prefix);
  assert_null (dn_report_labels_match (&dn_report_sheet_labels, "其他事項", DN_REPORT_MATCH_ROW, &at, &prefix));
  assert_false (prefix);

  l = dn_report_labels_match (&dn_report_narrative_labels, "後續辦理事項", DN_REPORT_MATCH_KEY, NULL, NULL);
  assert_non_null (l);
  assert_string_equal (l->field, "follow_up");
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_markers),
    cmocka_unit_test (test_markers_toc_ocr_forms),
    cmocka_unit_test (test_marker_label),
    cmocka_unit_test (test_text_brackets_and_leaders),
    cmocka_unit_test (test_cover_running_header),
    cmocka_unit_test (test_cover_key_value_on_next_line),
    cmocka_unit_test (test_heading_wrapped_bracket),
    cmocka_unit_test (test_heading_wrapped_at_wrap_width),
    cmocka_unit_test (test_latin_running_text_not_heading),
    cmocka_unit_test (test_toc_ocr_label_matches),
    cmocka_unit_test (test_pdf_block_split),
    cmocka_unit_test (test_dates),
    cmocka_unit_test (test_text),
    cmocka_unit_test (test_cover_glued_travellers),
    cmocka_unit_test (test_cover_table_layout),
    cmocka_unit_test (test_cover_category),
    cmocka_unit_test (test_sections_stack),
    cmocka_unit_test (test_reader_labels_equal_typed),
    cmocka_unit_test (test_page_wrap_join),
    cmocka_unit_test (test_text_page_number),
    cmocka_unit_test (test_wrapped_heading_toc),
    cmocka_unit_test (test_toc_mismatch_warns),
    cmocka_unit_test (test_table_head_before_page_break),
    cmocka_unit_test (test_figures_and_residue),
    cmocka_unit_test (test_fragment_and_empty),
    cmocka_unit_test (test_report_labels),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
