/* Unit tests of the Markdown writer, linked statically: a hand-built
 * document with every node type, compared with reviewed Markdown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"

const DnPluginDesc *dn_plugin_markdown_get_desc (void);

/* The writer's output for @doc; newly allocated. */
static char *
write_md (const DnDocument *doc)
{
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  DnWriteOptions opts;
  dn_write_options_init (&opts);
  GError *error = NULL;
  assert_true (dn_plugin_markdown_get_desc ()->writer->write (doc, &opts, out, &error));
  assert_null (error);
  g_output_stream_write_all (out, "", 1, NULL, NULL, NULL);
  g_output_stream_close (out, NULL, NULL);
  char *s = g_memory_output_stream_steal_data (G_MEMORY_OUTPUT_STREAM (out));
  g_object_unref (out);
  return s;
}

static DnNode *
add (DnNode *parent, DnNodeType type, const char *text)
{
  DnNode *n = dn_node_append_new (parent, type);
  if (text != NULL)
    dn_node_set_text (n, text);
  return n;
}

static void
test_sections_and_marks (void **state)
{
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  DnNode *furniture = add (root, DN_NODE_FURNITURE, "Running header");
  dn_node_set_attr (furniture, DN_ATTR_ROLE, "header");
  DnNode *s1 = add (root, DN_NODE_SECTION, NULL);
  dn_node_set_attr_int (s1, DN_ATTR_LEVEL, 1);
  DnNode *h1 = add (s1, DN_NODE_HEADING, "目的");
  dn_node_set_attr (h1, DN_ATTR_LABEL, "壹、");
  dn_node_set_attr_int (h1, DN_ATTR_LEVEL, 1);
  /* Overlapping spans: italic "ab", bold "bc". */
  DnNode *p = add (s1, DN_NODE_PARAGRAPH, "xabcd and a note1");
  dn_node_add_span (p, 1, 3, DN_MARK_ITALIC, NULL);
  dn_node_add_span (p, 2, 4, DN_MARK_BOLD, NULL);
  dn_node_add_span (p, 16, 17, DN_MARK_NOTE_REF, "n1");
  DnNode *s11 = add (s1, DN_NODE_SECTION, NULL);
  DnNode *h2 = add (s11, DN_NODE_HEADING, "Process");
  dn_node_set_attr (h2, DN_ATTR_LABEL, "1.");
  DnNode *wrapped = add (s11, DN_NODE_PARAGRAPH, "a line\nwrapped by layout");
  dn_node_hints (wrapped)->flags |= DN_HINT_WRAPPED_LINES;
  add (s11, DN_NODE_PARAGRAPH, "an authored\nbreak");
  DnNode *c = add (s11, DN_NODE_COMMENT, "check this");
  dn_node_set_attr (c, DN_ATTR_AUTHOR, "Lee");
  DnNode *note = add (root, DN_NODE_FOOTNOTE, "The note.");
  dn_node_set_attr (note, DN_ATTR_NOTE_ID, "n1");
  add (root, DN_NODE_RAW_TEXT, "x = `y`\n");

  char *md = write_md (doc);
  assert_string_equal (md,
    "# 壹、目的\n"
    "\n"
    "x*a<strong>b</strong>*<strong>c</strong>d and a note[^n1]\n"
    "\n"
    "## 1. Process\n"
    "\n"
    "a line\n"
    "wrapped by layout\n"
    "\n"
    "an authored\\\n"
    "break\n"
    "\n"
    "> **Lee:** check this\n"
    "\n"
    "[^n1]: The note.\n"
    "\n"
    "```\n"
    "x = `y`\n"
    "```\n");
  g_free (md);
  dn_document_free (doc);
}

static void
test_lists_tables_toc (void **state)
{
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  DnNode *toc = add (root, DN_NODE_TOC, NULL);
  DnNode *e = add (toc, DN_NODE_TOC_ENTRY, "目的");
  dn_node_set_attr (e, DN_ATTR_LABEL, "壹、");
  add (toc, DN_NODE_TOC_ENTRY, "過程");
  DnNode *ol = add (root, DN_NODE_LIST, NULL);
  dn_node_set_attr (ol, DN_ATTR_ORDERED, "true");
  DnNode *i1 = add (ol, DN_NODE_LIST_ITEM, "first");
  DnNode *ul = add (i1, DN_NODE_LIST, NULL);
  add (ul, DN_NODE_LIST_ITEM, "- dash text");
  DnNode *i2 = add (ol, DN_NODE_LIST_ITEM, NULL);
  add (i2, DN_NODE_PARAGRAPH, "para one");
  add (i2, DN_NODE_PARAGRAPH, "para two");
  DnNode *t = add (root, DN_NODE_TABLE, NULL);
  add (t, DN_NODE_CAPTION, "表1");
  DnNode *r1 = add (t, DN_NODE_TABLE_ROW, NULL);
  dn_node_hints (r1)->flags |= DN_HINT_HEADER_ROW;
  add (r1, DN_NODE_TABLE_CELL, "A");
  add (r1, DN_NODE_TABLE_CELL, "B|C");
  add (r1, DN_NODE_TABLE_CELL, "D");
  DnNode *r2 = add (t, DN_NODE_TABLE_ROW, NULL);
  DnNode *span = add (r2, DN_NODE_TABLE_CELL, "tall");
  dn_node_set_attr_int (span, DN_ATTR_ROW_SPAN, 2);
  DnNode *wide = add (r2, DN_NODE_TABLE_CELL, "two\nlines");
  dn_node_set_attr_int (wide, DN_ATTR_COL_SPAN, 2);
  DnNode *r3 = add (t, DN_NODE_TABLE_ROW, NULL);
  add (r3, DN_NODE_TABLE_CELL, "x");
  add (r3, DN_NODE_TABLE_CELL, "y");
  DnNode *fig = add (root, DN_NODE_FIGURE, NULL);
  dn_node_set_attr (fig, DN_ATTR_IMAGE, "img/a b.png");
  dn_node_set_attr (fig, DN_ATTR_ALT, "a [photo]");
  add (fig, DN_NODE_CAPTION, "圖1");
  DnNode *t2 = add (root, DN_NODE_TABLE, NULL);
  DnNode *r = add (t2, DN_NODE_TABLE_ROW, NULL);
  add (r, DN_NODE_TABLE_CELL, "no header");

  char *md = write_md (doc);
  assert_string_equal (md,
    "- 壹、目的\n"
    "- 過程\n"
    "\n"
    "1. first\n"
    "   - \\- dash text\n"
    "2. para one\n"
    "\n"
    "   para two\n"
    "\n"
    "表1\n"
    "\n"
    "| A | B\\|C | D |\n"
    "| --- | --- | --- |\n"
    "| tall | two<br>lines |  |\n"
    "|  | x | y |\n"
    "\n"
    "![a \\[photo\\]](img/a%20b.png)\n"
    "\n"
    "圖1\n"
    "\n"
    "|  |\n"
    "| --- |\n"
    "| no header |\n");
  g_free (md);
  dn_document_free (doc);
}

static DnDocument *
nested_lists (int n)
{
  DnDocument *doc = dn_document_new ();
  DnNode *node = dn_document_get_root (doc);
  for (int i = 0; i < n; i++)
    node = add (add (node, DN_NODE_LIST, NULL), DN_NODE_LIST_ITEM, NULL);
  dn_node_set_text (node, "bottom");
  return doc;
}

static void
test_deep_tree (void **state)
{
  /* The writer renders the record: as deep as the record goes, it writes. */
  DnDocument *doc = nested_lists (DN_RECORD_MAX_DEPTH / 2 - 1);
  char *md = write_md (doc);
  assert_non_null (strstr (md, "- bottom\n"));
  g_free (md);
  dn_document_free (doc);
  /* Deeper, it fails as the JSON, XML and review writers do. */
  doc = nested_lists (100000);
  GOutputStream *out = g_memory_output_stream_new_resizable ();
  DnWriteOptions opts;
  dn_write_options_init (&opts);
  GError *error = NULL;
  assert_false (dn_plugin_markdown_get_desc ()->writer->write (doc, &opts, out, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_error_free (error);
  g_object_unref (out);
  dn_document_free (doc);
}

static void
test_empty_document (void **state)
{
  DnDocument *doc = dn_document_new ();
  char *md = write_md (doc);
  assert_string_equal (md, "");
  g_free (md);
  dn_document_free (doc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sections_and_marks),
    cmocka_unit_test (test_lists_tables_toc),
    cmocka_unit_test (test_deep_tree),
    cmocka_unit_test (test_empty_document),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
