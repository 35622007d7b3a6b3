/* Unit tests of the DOCX reader, linked statically (DN_PLUGIN_STATIC): number
 * formats, OPC helpers, the safe XML parser, probe scores, and reads under
 * tight limits that the CLI cannot set. Samples come from samples/docx/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>

#include "docnorm.h"
#include "dn-docx-numfmt.h"
#include "dn-ooxml-zip.h"
#include "dn-safe-xml.h"

const DnPluginDesc *dn_plugin_docx_get_desc (void);

static GBytes *
load_sample (const char *name)
{
  char *path = g_build_filename (SAMPLES_DIR, name, NULL);
  char *data = NULL;
  gsize len = 0;
  gboolean ok = g_file_get_contents (path, &data, &len, NULL);
  if (!ok)
    fail_msg ("cannot read %s", path);
  g_free (path);
  return g_bytes_new_take (data, len);
}

/* Reads @name with @opts (default options when NULL). Returns the document
 * or NULL with @error. */
static DnDocument *
read_sample (const char *name, const DnReadOptions *opts, GError **error)
{
  DnReadOptions def;
  if (opts == NULL) {
    dn_read_options_init (&def);
    def.file_name = name;
    opts = &def;
  }
  GBytes *b = load_sample (name);
  DnDocument *doc = dn_document_new ();
  gboolean ok = dn_plugin_docx_get_desc ()->reader->read (b, opts, doc, error);
  g_bytes_unref (b);
  if (!ok) {
    dn_document_free (doc);
    return NULL;
  }
  return doc;
}

static void
expect_fmt (const char *fmt, int value, const char *want)
{
  gboolean known = FALSE;
  char *got = dn_docx_format_number (fmt, value, &known);
  if (strcmp (got, want) != 0)
    fail_msg ("%s(%d): got \"%s\", want \"%s\"", fmt, value, got, want);
  assert_true (known);
  g_free (got);
}

static void
test_numfmt_chinese (void **state)
{
  expect_fmt ("taiwaneseCountingThousand", 1, "一");
  expect_fmt ("taiwaneseCountingThousand", 10, "十");
  expect_fmt ("taiwaneseCountingThousand", 11, "十一");
  expect_fmt ("taiwaneseCountingThousand", 20, "二十");
  expect_fmt ("taiwaneseCountingThousand", 99, "九十九");
  expect_fmt ("taiwaneseCountingThousand", 101, "一百零一");
  expect_fmt ("taiwaneseCountingThousand", 110, "一百一十");
  expect_fmt ("taiwaneseCountingThousand", 1001, "一千零一");
  expect_fmt ("taiwaneseCountingThousand", 10001, "一萬零一");
  expect_fmt ("taiwaneseCounting", 15, "十五");
  expect_fmt ("taiwaneseCounting", 101, "一百〇一");
  expect_fmt ("taiwaneseDigital", 2025, "二〇二五");
  expect_fmt ("ideographDigital", 10, "一〇");
  expect_fmt ("chineseCounting", 11, "十一");
  expect_fmt ("chineseCountingThousand", 10000, "一万");
  expect_fmt ("chineseLegalSimplified", 11, "壹拾壹");
  expect_fmt ("ideographLegalTraditional", 1, "壹");
  expect_fmt ("ideographLegalTraditional", 4, "肆");
  expect_fmt ("ideographLegalTraditional", 10, "壹拾");
  expect_fmt ("ideographLegalTraditional", 23, "貳拾參");
  expect_fmt ("ideographTraditional", 1, "甲");
  expect_fmt ("ideographTraditional", 10, "癸");
  expect_fmt ("ideographTraditional", 11, "甲");
  expect_fmt ("ideographZodiac", 1, "子");
  expect_fmt ("ideographZodiac", 13, "子");
  expect_fmt ("ideographZodiacTraditional", 1, "甲子");
  expect_fmt ("ideographZodiacTraditional", 11, "甲戌");
}

static void
test_numfmt_other (void **state)
{
  expect_fmt ("decimal", 42, "42");
  expect_fmt ("decimalZero", 7, "07");
  expect_fmt ("decimalFullWidth", 305, "３０５");
  expect_fmt ("decimalEnclosedCircle", 1, "①");
  expect_fmt ("decimalEnclosedCircle", 21, "㉑");
  expect_fmt ("decimalEnclosedCircleChinese", 10, "⑩");
  expect_fmt ("decimalEnclosedParen", 1, "⑴");
  expect_fmt ("decimalEnclosedParen", 21, "(21)");
  expect_fmt ("decimalEnclosedFullstop", 2, "⒉");
  expect_fmt ("upperLetter", 1, "A");
  expect_fmt ("upperLetter", 27, "AA");
  expect_fmt ("lowerLetter", 53, "aaa");
  expect_fmt ("upperRoman", 1994, "MCMXCIV");
  expect_fmt ("lowerRoman", 4, "iv");
  expect_fmt ("bullet", 3, "");
  expect_fmt ("none", 3, "");
  gboolean known = TRUE;
  char *s = dn_docx_format_number ("hebrew1", 5, &known);
  assert_false (known);
  assert_string_equal (s, "5");
  g_free (s);
}

static void
test_resolve_target (void **state)
{
  char *s = dn_ooxml_resolve_target ("word/document.xml", "media/image1.png");
  assert_string_equal (s, "word/media/image1.png");
  g_free (s);
  s = dn_ooxml_resolve_target ("word/document.xml", "../customXml/item1.xml");
  assert_string_equal (s, "customXml/item1.xml");
  g_free (s);
  s = dn_ooxml_resolve_target ("word/document.xml", "/word/media/a%20b.png");
  assert_string_equal (s, "word/media/a b.png");
  g_free (s);
  s = dn_ooxml_resolve_target ("", "word/document.xml");
  assert_string_equal (s, "word/document.xml");
  g_free (s);
  assert_null (dn_ooxml_resolve_target ("word/document.xml", "../../etc/passwd"));
}

static void
test_safe_xml (void **state)
{
  GError *err = NULL;
  const char *ok = "<a><b><c/></b></a>";
  xmlDocPtr d = dn_safe_xml_parse (ok, strlen (ok), "ok", 3, &err);
  assert_non_null (d);
  assert_null (err);
  xmlFreeDoc (d);
  d = dn_safe_xml_parse (ok, strlen (ok), "deep", 2, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&err);
  const char *dtd = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
  d = dn_safe_xml_parse (dtd, strlen (dtd), "dtd", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  g_clear_error (&err);
  const char *bad = "<a><b></a>";
  d = dn_safe_xml_parse (bad, strlen (bad), "bad", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  assert_non_null (strstr (err->message, "bad:"));
  g_clear_error (&err);
  /* An undefined entity is an error, never an expansion. */
  const char *ent = "<a>&nope;</a>";
  d = dn_safe_xml_parse (ent, strlen (ent), "ent", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  g_clear_error (&err);
}

static int
probe_sample (const char *name)
{
  GBytes *b = load_sample (name);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  int score = dn_plugin_docx_get_desc ()->reader->probe (p, MIN (len, DN_PROBE_BYTES), len, name);
  g_bytes_unref (b);
  return score;
}

static void
test_probe (void **state)
{
  assert_true (probe_sample ("seed-001-manual.docx") >= 90);
  assert_true (probe_sample ("feature-strict.docx") >= 90);
  assert_true (probe_sample ("feature-mainpart.docx") >= 70);
  int ole = probe_sample ("bad/legacy.doc");
  assert_true (ole > 30 && ole < 90);
  assert_int_equal (probe_sample ("bad/encrypted.docx"), ole);
  const guint8 text[] = "壹、目的\n本文。";
  assert_int_equal (dn_plugin_docx_get_desc ()->reader->probe (text, sizeof text - 1, sizeof text - 1, NULL), 0);
  const guint8 pdf[] = "%PDF-1.7\n";
  assert_int_equal (dn_plugin_docx_get_desc ()->reader->probe (pdf, sizeof pdf - 1, sizeof pdf - 1, "x.docx"), 0);
}

static void
expect_read_error (const char *name, const DnReadOptions *opts, int code)
{
  GError *err = NULL;
  DnDocument *doc = read_sample (name, opts, &err);
  if (doc != NULL)
    fail_msg ("%s read although it should fail with code %d", name, code);
  if (!g_error_matches (err, DN_ERROR, code))
    fail_msg ("%s: got %s (%d), want code %d", name, err != NULL ? err->message : "no error",
              err != NULL ? err->code : -1, code);
  g_clear_error (&err);
}

static void
test_hostile (void **state)
{
  expect_read_error ("bad/zip-bomb.docx", NULL, DN_ERROR_LIMIT);
  expect_read_error ("bad/traversal.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/absolute.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/xxe.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/billion-laughs.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/deep.docx", NULL, DN_ERROR_LIMIT);
  expect_read_error ("bad/malformed.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/encrypted.docx", NULL, DN_ERROR_ENCRYPTED);
  expect_read_error ("bad/legacy.doc", NULL, DN_ERROR_UNSUPPORTED);
}

static void
test_limits (void **state)
{
  DnReadOptions o;
  dn_read_options_init (&o);
  o.limits.max_entries = 3;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_entry_bytes = 4096;  /* document.xml is larger */
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_total_bytes = 8192;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_xml_depth = 4;  /* w:document/w:body/w:tbl/w:tr/w:tc/… */
  expect_read_error ("feature-tables.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_nodes = 10;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  /* The same files read with the defaults. */
  GError *err = NULL;
  DnDocument *doc = read_sample ("seed-001-manual.docx", NULL, &err);
  assert_non_null (doc);
  dn_document_free (doc);
  doc = read_sample ("feature-tables.docx", NULL, &err);
  assert_non_null (doc);
  dn_document_free (doc);
}

static DnNode *
find_type (DnNode *root, DnNodeType type, guint nth)
{
  DnIter it;
  dn_iter_init (&it, root);
  while (dn_iter_next (&it) != DN_EVENT_DONE)
    if (it.event == DN_EVENT_ENTER && dn_node_get_node_type (it.current) == type && nth-- == 0)
      return it.current;
  return NULL;
}

static void
test_images_dir (void **state)
{
  char *dir = g_dir_make_tmp (NULL, NULL);
  assert_non_null (dir);
  DnReadOptions o;
  dn_read_options_init (&o);
  o.images_dir = dir;
  o.file_name = "feature-images.docx";
  GError *err = NULL;
  DnDocument *doc = read_sample ("feature-images.docx", &o, &err);
  assert_non_null (doc);
  DnNode *fig = find_type (dn_document_get_root (doc), DN_NODE_FIGURE, 0);
  assert_non_null (fig);
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_IMAGE), "feature-images-image1.png");
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_MEDIA_TYPE), "image/png");
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_ALT), "APEC TELWG 共同主席開場");
  char *path = g_build_filename (dir, "feature-images-image1.png", NULL);
  char *data = NULL;
  gsize len = 0;
  assert_true (g_file_get_contents (path, &data, &len, NULL));
  assert_true (len > 8 && memcmp (data, "\x89PNG", 4) == 0);
  g_free (data);
  g_unlink (path);
  g_free (path);
  DnNode *fig2 = find_type (dn_document_get_root (doc), DN_NODE_FIGURE, 1);
  assert_non_null (fig2);
  path = g_build_filename (dir, dn_node_get_attr (fig2, DN_ATTR_IMAGE), NULL);
  assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_unlink (path);
  g_free (path);
  dn_document_free (doc);
  g_rmdir (dir);
  g_free (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_numfmt_chinese),
    cmocka_unit_test (test_numfmt_other),
    cmocka_unit_test (test_resolve_target),
    cmocka_unit_test (test_safe_xml),
    cmocka_unit_test (test_probe),
    cmocka_unit_test (test_hostile),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_images_dir),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
