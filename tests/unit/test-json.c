/* Unit tests of the JSON writer: escaping, UTF-8 kept as is, determinism. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"

const DnPluginDesc *dn_plugin_json_get_desc (void);

static const char *const tricky =
  "tab\tnl\nquote\"back\\slash ctl\x01\x1f del\x7f 中文 astral\xF0\x9F\x98\x80\xF0\xA0\x80\x80";

static char *
write_doc (const DnDocument *doc, gboolean pretty)
{
  DnWriteOptions opts;
  dn_write_options_init (&opts);
  opts.pretty = pretty;
  GError *error = NULL;
  GBytes *out = dn_output_to_bytes (dn_plugin_json_get_desc (), doc, &opts, &error);
  assert_non_null (out);
  gsize len;
  const char *data = g_bytes_get_data (out, &len);
  char *s = g_strndup (data, len);
  g_bytes_unref (out);
  return s;
}

static DnDocument *
tricky_doc (void)
{
  DnDocument *doc = dn_document_new ();
  dn_document_set_source (doc, "x.txt", "txt", "text/plain", 10,
                          "0000000000000000000000000000000000000000000000000000000000000000", "txt", "1");
  DnNode *p = dn_node_append_new (dn_document_get_root (doc), DN_NODE_PARAGRAPH);
  dn_node_set_text (p, tricky);
  dn_node_add_span (p, 0, 3, DN_MARK_BOLD, NULL);
  dn_node_set_attr (p, "zz_custom", "extra value");
  dn_document_add_warning (doc, "TEST_CODE", 2, "warn %s", "中");
  return doc;
}

static void
test_escaping_round_trip (void **state)
{
  DnDocument *doc = tricky_doc ();
  char *json = write_doc (doc, FALSE);
  assert_true (g_utf8_validate (json, -1, NULL));
  /* UTF-8 text is not \u-escaped, astral characters included... */
  assert_non_null (strstr (json, "中文 astral\xF0\x9F\x98\x80\xF0\xA0\x80\x80"));
  assert_null (strstr (json, "\\ud83d"));
  assert_null (strstr (json, "\\u4e2d"));
  /* ...while control characters, quotes and backslashes are. */
  assert_non_null (strstr (json, "\\u0001"));
  assert_non_null (strstr (json, "\\u001f"));
  assert_non_null (strstr (json, "\\\"back\\\\slash"));
  assert_non_null (strstr (json, "tab\\tnl\\n"));
  for (const char *c = json; *c != '\0'; c++)
    assert_true ((guchar) *c >= 0x20 || *c == '\n');

  /* A JSON parser gets the exact text back. */
  JsonParser *parser = json_parser_new ();
  assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  JsonObject *rec = json_node_get_object (json_parser_get_root (parser));
  JsonObject *body = json_object_get_object_member (rec, "body");
  JsonObject *para = json_array_get_object_element (json_object_get_array_member (body, "children"), 0);
  assert_string_equal (json_object_get_string_member (para, "text"), tricky);
  assert_string_equal (json_object_get_string_member (json_object_get_object_member (para, "extra"),
                                                      "zz_custom"), "extra value");
  JsonObject *mark = json_array_get_object_element (json_object_get_array_member (para, "marks"), 0);
  assert_int_equal (json_object_get_int_member (mark, "end"), 3);
  JsonObject *w = json_array_get_object_element (json_object_get_array_member (rec, "warnings"), 0);
  assert_string_equal (json_object_get_string_member (w, "code"), "TEST_CODE");
  assert_int_equal (json_object_get_int_member (w, "page"), 2);
  g_object_unref (parser);
  g_free (json);
  dn_document_free (doc);
}

static void
test_mark_offsets_are_code_points (void **state)
{
  DnDocument *doc = dn_document_new ();
  DnNode *p = dn_node_append_new (dn_document_get_root (doc), DN_NODE_PARAGRAPH);
  dn_node_set_text (p, "中文bold");
  dn_node_add_span (p, 6, 10, DN_MARK_BOLD | DN_MARK_ITALIC, NULL); /* bytes */
  char *json = write_doc (doc, FALSE);
  assert_non_null (strstr (json, "\"start\":2,\"end\":6,\"marks\":[\"bold\",\"italic\"]"));
  g_free (json);
  dn_document_free (doc);
}

static void
test_deterministic (void **state)
{
  DnDocument *a = tricky_doc ();
  DnDocument *b = tricky_doc ();
  /* Metadata set in different orders still serialises the same. */
  dn_document_set_meta_string (a, "title", "T");
  dn_document_set_meta_string (a, "author", "A");
  dn_document_set_meta_string (b, "author", "A");
  dn_document_set_meta_string (b, "title", "T");
  for (int pretty = 0; pretty <= 1; pretty++) {
    char *ja = write_doc (a, pretty);
    char *jb = write_doc (b, pretty);
    char *ja2 = write_doc (a, pretty);
    assert_string_equal (ja, jb);
    assert_string_equal (ja, ja2);
    assert_true (strstr (ja, "\"author\"") < strstr (ja, "\"title\""));
    g_free (ja);
    g_free (jb);
    g_free (ja2);
  }
  dn_document_free (a);
  dn_document_free (b);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_escaping_round_trip),
    cmocka_unit_test (test_mark_offsets_are_code_points),
    cmocka_unit_test (test_deterministic),
  };
  return cmocka_run_group_tests_name ("json", tests, NULL, NULL);
}
