/* Unit tests of the JSON writer: escaping, UTF-8 kept as is, determinism,
 * the same bytes as json-glib's generator, and failures that write nothing. */
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

/* Everything the record can hold: hints with doubles, a bounding box and
 * flags, typed vocabulary attributes, extra attributes, marks with links,
 * nesting, typed metadata, and a report with empty containers. */
static DnDocument *
rich_doc (void)
{
  DnDocument *doc = tricky_doc ();
  dn_document_set_meta_string (doc, "title", "出國報告");
  dn_document_set_meta_int (doc, "pages", 12);
  DnNode *root = dn_document_get_root (doc);
  DnNode *sec = dn_node_append_new (root, DN_NODE_SECTION);
  dn_node_set_attr (sec, DN_ATTR_LEVEL, "2");
  dn_node_set_attr (sec, DN_ATTR_LABEL, "壹、");
  DnNode *h = dn_node_append_new (sec, DN_NODE_HEADING);
  dn_node_set_text (h, "目的 purpose");
  dn_node_add_span (h, 0, 6, DN_MARK_LINK, "https://example.org/?a=\"b\"");
  DnHints *hints = dn_node_hints (h);
  hints->page = 3;
  hints->outline_level = 1;
  hints->font_size = 16;
  hints->bold = 1;
  hints->italic = 0;
  hints->align = DN_ALIGN_CENTER;
  hints->indent = 0.1 + 0.2;
  hints->has_bbox = TRUE;
  hints->x0 = 72;
  hints->y0 = 100.25;
  hints->x1 = 523.5;
  hints->y1 = 1e-7;
  hints->flags = DN_HINT_WRAPPED_LINES | DN_HINT_UNCERTAIN;
  DnNode *list = dn_node_append_new (sec, DN_NODE_LIST);
  for (int i = 0; i < 3; i++)
    dn_node_set_text (dn_node_append_new (list, DN_NODE_LIST_ITEM), i == 1 ? "" : "item");
  dn_node_append_new (sec, DN_NODE_TABLE);

  JsonObject *report = json_object_new ();
  json_object_set_string_member (report, "title", "報告\x1f");
  json_object_set_null_member (report, "category");
  json_object_set_object_member (report, "empty_object", json_object_new ());
  json_object_set_array_member (report, "empty_array", json_array_new ());
  JsonArray *people = json_array_new ();
  JsonObject *person = json_object_new ();
  json_object_set_string_member (person, "name", "王小明");
  json_object_set_boolean_member (person, "leader", TRUE);
  json_object_set_double_member (person, "share", 0.5);
  json_object_set_int_member (person, "days", -3);
  json_array_add_object_element (people, person);
  json_array_add_null_element (people);
  json_object_set_array_member (report, "travellers", people);
  dn_document_set_report (doc, report);
  return doc;
}

/* What json-glib's generator writes for the record tree. */
static char *
json_glib_bytes (const DnDocument *doc, const DnWriteOptions *opts)
{
  JsonNode *rec = dn_record_build (doc, opts, NULL);
  assert_non_null (rec);
  JsonGenerator *gen = json_generator_new ();
  json_generator_set_root (gen, rec);
  json_generator_set_pretty (gen, opts->pretty);
  json_generator_set_indent (gen, 2);
  char *text = json_generator_to_data (gen, NULL);
  g_object_unref (gen);
  json_node_unref (rec);
  /* json-glib 1.6 leaves U+001F raw, which JSON forbids; the writer escapes it. */
  char **parts = g_strsplit (text, "\x1f", -1);
  char *joined = g_strjoinv ("\\u001f", parts);
  char *out = g_strconcat (joined, "\n", NULL);
  g_strfreev (parts);
  g_free (joined);
  g_free (text);
  return out;
}

static void
test_same_bytes_as_json_glib (void **state)
{
  DnDocument *docs[] = { rich_doc (), dn_document_new () };
  for (guint d = 0; d < G_N_ELEMENTS (docs); d++) {
    for (int pretty = 0; pretty <= 1; pretty++) {
      for (int with_hints = 0; with_hints <= 1; with_hints++) {
        DnWriteOptions opts;
        dn_write_options_init (&opts);
        opts.pretty = pretty;
        opts.with_hints = with_hints;
        char *want = json_glib_bytes (docs[d], &opts);
        GBytes *got = dn_output_to_bytes (dn_plugin_json_get_desc (), docs[d], &opts, NULL);
        assert_non_null (got);
        gsize len;
        const char *data = g_bytes_get_data (got, &len);
        char *got_s = g_strndup (data, len);
        assert_string_equal (got_s, want);
        if (d == 0 && with_hints)
          assert_non_null (strstr (got_s, pretty ? "\"indent\" : 0.30000000000000004" : "\"indent\":0.30000000000000004"));
        g_free (got_s);
        g_free (want);
        g_bytes_unref (got);
      }
    }
    dn_document_free (docs[d]);
  }
}

static void
test_long_record_streams (void **state)
{
  /* Far more text than the writer's buffer: flushed in pieces, same bytes. */
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  for (int i = 0; i < 5000; i++) {
    DnNode *p = dn_node_append_new (root, DN_NODE_PARAGRAPH);
    char *t = g_strdup_printf ("第 %d 段 paragraph \"%d\"", i, i);
    dn_node_set_text (p, t);
    g_free (t);
  }
  DnWriteOptions opts;
  dn_write_options_init (&opts);
  char *want = json_glib_bytes (doc, &opts);
  GBytes *got = dn_output_to_bytes (dn_plugin_json_get_desc (), doc, &opts, NULL);
  assert_true (g_bytes_get_size (got) > 200000);
  assert_int_equal (g_bytes_get_size (got), strlen (want));
  assert_memory_equal (g_bytes_get_data (got, NULL), want, strlen (want));
  g_bytes_unref (got);
  g_free (want);
  dn_document_free (doc);
}

/* Calls the writer on a memory stream; returns what it wrote. */
static gsize
write_raw (const DnDocument *doc, gboolean close_first, GError **error, gboolean *ok)
{
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  if (close_first)
    g_output_stream_close (out, NULL, NULL);
  DnWriteOptions opts;
  dn_write_options_init (&opts);
  *ok = dn_plugin_json_get_desc ()->writer->write (doc, &opts, out, error);
  gsize written = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (out));
  g_object_unref (out);
  return written;
}

static void
test_failures_write_nothing (void **state)
{
  /* Too deep: refused before the first byte. */
  DnDocument *deep = dn_document_new ();
  DnNode *cur = dn_document_get_root (deep);
  dn_node_set_text (dn_node_append_new (cur, DN_NODE_PARAGRAPH), "before the deep part");
  for (int i = 0; i < DN_RECORD_MAX_DEPTH + 1; i++)
    cur = dn_node_append_new (cur, DN_NODE_LIST);
  GError *error = NULL;
  gboolean ok;
  assert_int_equal (write_raw (deep, FALSE, &error, &ok), 0);
  assert_false (ok);
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&error);
  /* One level less is written. */
  dn_node_free (cur);
  assert_true (write_raw (deep, FALSE, &error, &ok) > 0);
  assert_true (ok);
  assert_null (error);
  dn_document_free (deep);

  /* A stream that refuses writes: the writer says so. */
  DnDocument *doc = rich_doc ();
  assert_int_equal (write_raw (doc, TRUE, &error, &ok), 0);
  assert_false (ok);
  assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CLOSED));
  g_clear_error (&error);
  dn_document_free (doc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_escaping_round_trip),
    cmocka_unit_test (test_mark_offsets_are_code_points),
    cmocka_unit_test (test_deterministic),
    cmocka_unit_test (test_same_bytes_as_json_glib),
    cmocka_unit_test (test_long_record_streams),
    cmocka_unit_test (test_failures_write_nothing),
  };
  return cmocka_run_group_tests_name ("json", tests, NULL, NULL);
}
