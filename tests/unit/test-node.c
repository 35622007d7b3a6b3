/* Unit tests of the document model: links, text, spans, attributes, hints,
 * the iterator and the iterative free. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"

static void
test_links (void **state)
{
  DnNode *root = dn_node_new (DN_NODE_DOCUMENT);
  DnNode *a = dn_node_append_new (root, DN_NODE_PARAGRAPH);
  DnNode *c = dn_node_append_new (root, DN_NODE_PARAGRAPH);
  DnNode *b = dn_node_new (DN_NODE_TABLE);
  dn_node_insert_before (c, b);
  DnNode *z = dn_node_new (DN_NODE_HEADING);
  dn_node_prepend_child (root, z);
  assert_int_equal (dn_node_count_children (root), 4);
  assert_ptr_equal (dn_node_first_child (root), z);
  assert_ptr_equal (dn_node_next (z), a);
  assert_ptr_equal (dn_node_next (a), b);
  assert_ptr_equal (dn_node_next (b), c);
  assert_ptr_equal (dn_node_last_child (root), c);
  assert_ptr_equal (dn_node_previous (c), b);
  assert_ptr_equal (dn_node_parent (b), root);

  /* Moving a node unlinks it from where it was. */
  DnNode *other = dn_node_new (DN_NODE_SECTION);
  dn_node_append_child (other, b);
  assert_int_equal (dn_node_count_children (root), 3);
  assert_ptr_equal (dn_node_next (a), c);
  assert_ptr_equal (dn_node_parent (b), other);
  dn_node_insert_after (c, other);
  assert_ptr_equal (dn_node_last_child (root), other);

  dn_node_free (a); /* unlinks itself */
  assert_ptr_equal (dn_node_next (z), c);
  assert_int_equal (dn_node_count_children (root), 3);
  dn_node_free (root);
}

static void
test_text_and_spans (void **state)
{
  DnNode *p = dn_node_new (DN_NODE_PARAGRAPH);
  assert_null (dn_node_get_text (p));
  assert_true (dn_node_set_text (p, "出國報告 report"));
  assert_string_equal (dn_node_get_text (p), "出國報告 report");
  assert_int_equal (dn_node_get_text_length (p), strlen ("出國報告 report"));
  dn_node_add_span (p, 0, 12, DN_MARK_BOLD, NULL);
  dn_node_add_span (p, 13, 19, DN_MARK_LINK, "https://example.org/");
  assert_int_equal (dn_node_get_n_spans (p), 2);
  assert_string_equal (dn_node_get_span (p, 1)->href, "https://example.org/");
  assert_true (dn_node_append_text (p, "!", -1));
  assert_int_equal (dn_node_get_n_spans (p), 2); /* appending keeps spans */
  assert_string_equal (dn_node_get_text (p), "出國報告 report!");

  /* Invalid UTF-8 is repaired, and the caller is told. */
  assert_false (dn_node_set_text (p, "ab\xff\xfe" "cd"));
  assert_true (g_utf8_validate (dn_node_get_text (p), -1, NULL));
  assert_non_null (strstr (dn_node_get_text (p), "\xEF\xBF\xBD"));
  assert_int_equal (dn_node_get_n_spans (p), 0); /* setting text drops spans */

  assert_true (dn_node_set_text_len (p, "abcdef", 3));
  assert_string_equal (dn_node_get_text (p), "abc");
  dn_node_set_text (p, NULL);
  assert_null (dn_node_get_text (p));
  dn_node_free (p);
}

static void
test_attrs_and_hints (void **state)
{
  DnNode *n = dn_node_new (DN_NODE_SECTION);
  assert_null (dn_node_get_attr (n, DN_ATTR_LABEL));
  dn_node_set_attr (n, DN_ATTR_LABEL, "壹、");
  dn_node_set_attr_int (n, DN_ATTR_LEVEL, 2);
  dn_node_set_attr (n, "custom", "x");
  assert_string_equal (dn_node_get_attr (n, DN_ATTR_LABEL), "壹、");
  assert_int_equal (dn_node_get_attr_int (n, DN_ATTR_LEVEL, -1), 2);
  assert_int_equal (dn_node_get_attr_int (n, DN_ATTR_LABEL, -1), -1); /* not a number */
  dn_node_set_attr (n, DN_ATTR_LABEL, "貳、");
  assert_int_equal (dn_node_get_n_attrs (n), 3);
  const char *k, *v;
  dn_node_get_attr_at (n, 0, &k, &v);
  assert_string_equal (k, "label");
  assert_string_equal (v, "貳、");
  dn_node_set_attr (n, DN_ATTR_LABEL, NULL);
  assert_int_equal (dn_node_get_n_attrs (n), 2);
  assert_null (dn_node_get_attr (n, DN_ATTR_LABEL));

  const DnHints *h = dn_node_get_hints (n);
  assert_int_equal (h->page, 0);
  assert_int_equal (h->bold, -1);
  dn_node_hints (n)->page = 7;
  dn_node_hints (n)->font_size = 16;
  assert_int_equal (dn_node_get_hints (n)->page, 7);
  dn_node_free (n);
}

static void
test_iterator_order (void **state)
{
  /* document(paragraph, table(row(cell))) */
  DnNode *root = dn_node_new (DN_NODE_DOCUMENT);
  dn_node_append_new (root, DN_NODE_PARAGRAPH);
  DnNode *t = dn_node_append_new (root, DN_NODE_TABLE);
  DnNode *r = dn_node_append_new (t, DN_NODE_TABLE_ROW);
  dn_node_append_new (r, DN_NODE_TABLE_CELL);
  GString *trace = g_string_new (NULL);
  DnIter it;
  dn_iter_init (&it, root);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE)
    g_string_append_printf (trace, "%c%s ", ev == DN_EVENT_ENTER ? '+' : '-',
                            dn_node_type_name (dn_node_get_node_type (it.current)));
  assert_string_equal (trace->str,
                       "+document +paragraph -paragraph +table +table_row +table_cell -table_cell "
                       "-table_row -table -document ");
  /* A subtree walk stays inside the subtree. */
  g_string_truncate (trace, 0);
  dn_iter_init (&it, r);
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE)
    g_string_append_printf (trace, "%c ", ev == DN_EVENT_ENTER ? '+' : '-');
  assert_string_equal (trace->str, "+ + - - ");
  g_string_free (trace, TRUE);
  dn_node_free (root);
}

static void
test_deep_tree_free (void **state)
{
  /* 100 000 levels: a recursive free or walk would overflow the stack. */
  DnNode *root = dn_node_new (DN_NODE_DOCUMENT);
  DnNode *cur = root;
  for (int i = 0; i < 100000; i++) {
    cur = dn_node_append_new (cur, i % 2 ? DN_NODE_LIST : DN_NODE_LIST_ITEM);
    dn_node_set_text (cur, "x");
  }
  char *all = dn_node_collect_text (root);
  assert_int_equal (strlen (all), 100000 * 2 - 1);
  g_free (all);
  DnIter it;
  dn_iter_init (&it, root);
  guint events = 0;
  while (dn_iter_next (&it) != DN_EVENT_DONE)
    events++;
  assert_int_equal (events, 2 * 100001);
  dn_node_free (root);
}

static void
test_wide_tree_and_record_depth (void **state)
{
  DnDocument *doc = dn_document_new ();
  DnNode *cur = dn_document_get_root (doc);
  for (int i = 0; i < DN_RECORD_MAX_DEPTH + 5; i++)
    cur = dn_node_append_new (cur, DN_NODE_LIST);
  GError *error = NULL;
  JsonNode *rec = dn_record_build (doc, NULL, &error);
  assert_null (rec);
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_error_free (error);
  dn_document_free (doc);
}

/* The readers of a built record's members: the value when it has the type
 * asked for, else NULL or the fallback (null, absent, another type). */
static void
test_record_getters (void **state)
{
  JsonNode *n = json_from_string ("{\"s\": \"報告\", \"i\": 42, \"a\": [1, 2], \"z\": null, \"f\": 1.5}", NULL);
  assert_non_null (n);
  JsonObject *o = json_node_get_object (n);
  assert_string_equal (dn_record_get_string (o, "s"), "報告");
  assert_int_equal (dn_record_get_int (o, "i", -1), 42);
  assert_int_equal (json_array_get_length (dn_record_get_array (o, "a")), 2);
  /* another type, null, absent, no object */
  assert_null (dn_record_get_string (o, "i"));
  assert_null (dn_record_get_string (o, "z"));
  assert_null (dn_record_get_string (o, "missing"));
  assert_null (dn_record_get_string (NULL, "s"));
  assert_int_equal (dn_record_get_int (o, "s", -1), -1);
  assert_int_equal (dn_record_get_int (o, "f", -1), -1);
  assert_int_equal (dn_record_get_int (o, "z", -1), -1);
  assert_int_equal (dn_record_get_int (NULL, "i", 7), 7);
  assert_null (dn_record_get_array (o, "s"));
  assert_null (dn_record_get_array (o, "z"));
  assert_null (dn_record_get_array (NULL, "a"));
  json_node_unref (n);
}

static void
test_document_warnings (void **state)
{
  DnDocument *doc = dn_document_new ();
  dn_document_add_warning (doc, "A_CODE", 3, "message %d", 1);
  dn_document_add_warning (doc, "A_CODE", 3, "message %d", 1); /* duplicate dropped */
  dn_document_add_warning (doc, "B_CODE", 0, "other");
  assert_int_equal (dn_document_get_n_warnings (doc), 2);
  assert_true (dn_document_has_warning (doc, "B_CODE"));
  assert_false (dn_document_has_warning (doc, "C_CODE"));
  DnWarningInfo w;
  dn_document_get_warning (doc, 0, &w);
  assert_string_equal (w.code, "A_CODE");
  assert_string_equal (w.message, "message 1");
  assert_int_equal (w.page, 3);
  assert_int_equal (w.severity, DN_SEVERITY_NOTICE); /* not a documented code */
  for (int i = 0; i < 2 * DN_MAX_WARNINGS; i++)
    dn_document_add_warning (doc, "MANY", i + 1, "w");
  assert_int_equal (dn_document_get_n_warnings (doc), DN_MAX_WARNINGS);
  dn_document_get_warning (doc, DN_MAX_WARNINGS - 1, &w);
  assert_string_equal (w.code, "WARNINGS_TRUNCATED");
  assert_int_equal (w.severity, DN_SEVERITY_WARNING);

  dn_document_set_meta_string (doc, "title", "報告");
  dn_document_set_meta_string (doc, "empty", "");
  assert_string_equal (dn_document_get_meta_string (doc, "title"), "報告");
  assert_null (dn_document_get_meta_string (doc, "empty"));
  dn_document_free (doc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_links),
    cmocka_unit_test (test_text_and_spans),
    cmocka_unit_test (test_attrs_and_hints),
    cmocka_unit_test (test_iterator_order),
    cmocka_unit_test (test_deep_tree_free),
    cmocka_unit_test (test_wide_tree_and_record_depth),
    cmocka_unit_test (test_record_getters),
    cmocka_unit_test (test_document_warnings),
  };
  return cmocka_run_group_tests_name ("model", tests, NULL, NULL);
}
