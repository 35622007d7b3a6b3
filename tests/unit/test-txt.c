/* Unit tests of the plain-text reader, linked statically through its
 * registration symbol: every encoding, line ends, pages, bad bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"

const DnPluginDesc *dn_plugin_txt_get_desc (void);

static const char *const sample = "出國報告\n第二行 line\n\n摘要：測試。\r\n";

static int
probe (const void *data, gsize len)
{
  const DnPluginDesc *d = dn_plugin_txt_get_desc ();
  return d->reader->probe (data, len, len, "x.txt");
}

/* Reads @len bytes; returns the document or NULL with @error. */
static DnDocument *
read_bytes (const void *data, gsize len, GError **error)
{
  const DnPluginDesc *d = dn_plugin_txt_get_desc ();
  DnReadOptions opts;
  dn_read_options_init (&opts);
  GBytes *bytes = g_bytes_new (data, len);
  DnDocument *doc = dn_document_new ();
  gboolean ok = d->reader->read (bytes, &opts, doc, error);
  g_bytes_unref (bytes);
  if (!ok) {
    dn_document_free (doc);
    return NULL;
  }
  return doc;
}

static void
assert_sample_paragraphs (DnDocument *doc)
{
  DnNode *p1 = dn_node_first_child (dn_document_get_root (doc));
  assert_non_null (p1);
  assert_string_equal (dn_node_get_text (p1), "出國報告\n第二行 line");
  DnNode *p2 = dn_node_next (p1);
  assert_non_null (p2);
  assert_string_equal (dn_node_get_text (p2), "摘要：測試。");
  assert_null (dn_node_next (p2));
}

static void
test_utf8 (void **state)
{
  assert_int_equal (probe (sample, strlen (sample)), 30);
  DnDocument *doc = read_bytes (sample, strlen (sample), NULL);
  assert_non_null (doc);
  assert_sample_paragraphs (doc);
  assert_string_equal (dn_document_get_meta_string (doc, "encoding"), "UTF-8");
  assert_string_equal (dn_document_get_meta_string (doc, "line_endings"), "mixed");
  assert_int_equal (dn_document_get_n_warnings (doc), 0);
  dn_document_free (doc);
}

static void
test_utf8_bom_crlf (void **state)
{
  char *crlf = g_strconcat ("\xEF\xBB\xBF", "出國報告\r\n第二行 line\r\n \t\r\n摘要：測試。\r\n", NULL);
  assert_int_equal (probe (crlf, strlen (crlf)), 60);
  DnDocument *doc = read_bytes (crlf, strlen (crlf), NULL);
  assert_sample_paragraphs (doc);
  assert_string_equal (dn_document_get_meta_string (doc, "line_endings"), "crlf");
  dn_document_free (doc);
  g_free (crlf);

  const char *cr = "出國報告\r第二行 line\r\r摘要：測試。\r";
  doc = read_bytes (cr, strlen (cr), NULL);
  assert_sample_paragraphs (doc);
  assert_string_equal (dn_document_get_meta_string (doc, "line_endings"), "cr");
  dn_document_free (doc);
}

static void
test_utf16 (void **state)
{
  for (int be = 0; be <= 1; be++) {
    gsize n;
    char *body = g_convert (sample, -1, be ? "UTF-16BE" : "UTF-16LE", "UTF-8", NULL, &n, NULL);
    GByteArray *buf = g_byte_array_new ();
    g_byte_array_append (buf, (const guint8 *) (be ? "\xFE\xFF" : "\xFF\xFE"), 2);
    g_byte_array_append (buf, (const guint8 *) body, (guint) n);
    assert_int_equal (probe (buf->data, buf->len), 60);
    DnDocument *doc = read_bytes (buf->data, buf->len, NULL);
    assert_non_null (doc);
    assert_sample_paragraphs (doc);
    assert_string_equal (dn_document_get_meta_string (doc, "encoding"), be ? "UTF-16BE" : "UTF-16LE");
    dn_document_free (doc);
    g_byte_array_unref (buf);
    g_free (body);
  }
}

static void
test_utf16_lone_surrogate (void **state)
{
  /* BOM, 'a', a lone high surrogate, 'b', then an astral pair (U+1F600). */
  const guint8 data[] = { 0xFF, 0xFE, 'a', 0, 0x00, 0xD8, 'b', 0, 0x3D, 0xD8, 0x00, 0xDE };
  DnDocument *doc = read_bytes (data, sizeof data, NULL);
  assert_non_null (doc);
  assert_string_equal (dn_node_get_text (dn_node_first_child (dn_document_get_root (doc))),
                       "a\xEF\xBF\xBD" "b\xF0\x9F\x98\x80");
  assert_true (dn_document_has_warning (doc, "INVALID_BYTES"));
  dn_document_free (doc);
}

static void
test_big5 (void **state)
{
  gsize n;
  char *big5 = g_convert (sample, -1, "CP950", "UTF-8", NULL, &n, NULL);
  assert_non_null (big5);
  assert_false (g_utf8_validate (big5, (gssize) n, NULL));
  assert_int_equal (probe (big5, n), 25);
  DnDocument *doc = read_bytes (big5, n, NULL);
  assert_non_null (doc);
  assert_sample_paragraphs (doc);
  assert_string_equal (dn_document_get_meta_string (doc, "encoding"), "CP950");
  assert_true (dn_document_has_warning (doc, "ENCODING_CONVERTED"));
  dn_document_free (doc);
  g_free (big5);
}

static void
test_invalid_bytes (void **state)
{
  /* A long UTF-8 text with one stray byte that is not Big5 either:
   * repaired, reported. */
  GString *s = g_string_new (NULL);
  for (int i = 0; i < 200; i++)
    g_string_append (s, "出國報告 ");
  g_string_append (s, "\x80\xff");
  DnDocument *doc = read_bytes (s->str, s->len, NULL);
  assert_non_null (doc);
  assert_true (dn_document_has_warning (doc, "INVALID_BYTES"));
  assert_true (g_utf8_validate (dn_node_get_text (dn_node_first_child (dn_document_get_root (doc))), -1, NULL));
  dn_document_free (doc);
  g_string_free (s, TRUE);

  /* Mostly undecodable bytes: an encoding error, not replacement garbage. */
  guint8 noise[512];
  for (guint i = 0; i < sizeof noise; i++)
    noise[i] = (guint8) (0x80 + (i * 37) % 0x7f);
  noise[0] = 0xff;
  GError *error = NULL;
  assert_null (read_bytes (noise, sizeof noise, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_ENCODING));
  g_error_free (error);
}

static void
test_binary_not_claimed (void **state)
{
  guint8 bin[256];
  for (guint i = 0; i < sizeof bin; i++)
    bin[i] = (guint8) i;
  assert_int_equal (probe (bin, sizeof bin), 0);
  assert_int_equal (probe ("%PDF-1.7\n\0\0\x01\x02", 14), 0);
}

static void
test_pages (void **state)
{
  const char *paged = "one\n\ntwo\fthree\f";
  DnDocument *doc = read_bytes (paged, strlen (paged), NULL);
  DnSourceInfo src;
  dn_document_get_source (doc, &src);
  assert_int_equal (src.pages, 2);
  DnNode *p = dn_node_first_child (dn_document_get_root (doc));
  assert_int_equal (dn_node_get_hints (p)->page, 1);
  p = dn_node_next (p);
  assert_string_equal (dn_node_get_text (p), "two");
  assert_int_equal (dn_node_get_hints (p)->page, 1);
  p = dn_node_next (p);
  assert_string_equal (dn_node_get_text (p), "three");
  assert_int_equal (dn_node_get_hints (p)->page, 2);
  assert_null (dn_node_next (p));
  dn_document_free (doc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_utf8),
    cmocka_unit_test (test_utf8_bom_crlf),
    cmocka_unit_test (test_utf16),
    cmocka_unit_test (test_utf16_lone_surrogate),
    cmocka_unit_test (test_big5),
    cmocka_unit_test (test_invalid_bytes),
    cmocka_unit_test (test_binary_not_claimed),
    cmocka_unit_test (test_pages),
  };
  return cmocka_run_group_tests_name ("txt", tests, NULL, NULL);
}
