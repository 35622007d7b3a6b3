/* Unit tests of the HTML reader, linked statically through its
 * registration symbol: probe scores, limits, error handler hygiene. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <libxml/xmlerror.h>

#include "docnorm.h"

const DnPluginDesc *dn_plugin_html_get_desc (void);

static int
probe (const char *s)
{
  return dn_plugin_html_get_desc ()->reader->probe ((const guint8 *) s, strlen (s), strlen (s), NULL);
}

/* Reads @s with @opts (defaults when NULL); the document or NULL with @error. */
static DnDocument *
read_html (const char *s, const DnReadOptions *opts, GError **error)
{
  DnReadOptions defaults;
  dn_read_options_init (&defaults);
  GBytes *bytes = g_bytes_new (s, strlen (s));
  DnDocument *doc = dn_document_new ();
  gboolean ok = dn_plugin_html_get_desc ()->reader->read (bytes, opts != NULL ? opts : &defaults, doc, error);
  g_bytes_unref (bytes);
  if (!ok) {
    dn_document_free (doc);
    return NULL;
  }
  return doc;
}

static void
test_probe (void **state)
{
  assert_int_equal (probe ("<!DOCTYPE html><p>x"), 100);
  assert_int_equal (probe ("\xEF\xBB\xBF  <!doctype HTML>"), 100);
  assert_int_equal (probe ("<HTML><body>"), 95);
  assert_int_equal (probe ("<?xml version=\"1.0\"?>\n<html xmlns=\"http://www.w3.org/1999/xhtml\">"), 90);
  assert_int_equal (probe ("<!-- saved page -->\n<html>"), 90);
  assert_int_equal (probe ("<body><p>fragment"), 60);
  /* Text that mentions tags, and XML that is not HTML, are not claimed. */
  assert_int_equal (probe ("Use <html> to start a page."), 0);
  assert_int_equal (probe ("<?xml version=\"1.0\"?><record/>"), 0);
  assert_int_equal (probe (""), 0);
}

static void
test_node_limit (void **state)
{
  DnReadOptions opts;
  dn_read_options_init (&opts);
  opts.limits.max_nodes = 3;
  GError *error = NULL;
  assert_null (read_html ("<p>1</p><p>2</p><p>3</p><p>4</p>", &opts, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&error);
  opts.limits.max_nodes = 4;
  DnDocument *doc = read_html ("<p>1</p><p>2</p><p>3</p><p>4</p>", &opts, &error);
  assert_non_null (doc);
  assert_int_equal (dn_node_count_children (dn_document_get_root (doc)), 4);
  dn_document_free (doc);
}

static void
test_depth_limit (void **state)
{
  DnReadOptions opts;
  dn_read_options_init (&opts);
  opts.limits.max_xml_depth = 5;
  GError *error = NULL;
  /* body + 3 divs + p + b fits in 6 levels, not in 5. */
  const char *html = "<body><div><div><div><p><b>x</b></p></div></div></div></body>";
  assert_null (read_html (html, &opts, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&error);
  opts.limits.max_xml_depth = 6;
  DnDocument *doc = read_html (html, &opts, &error);
  assert_non_null (doc);
  assert_string_equal (dn_node_get_text (dn_node_first_child (dn_document_get_root (doc))), "x");
  dn_document_free (doc);
}

static int handler_calls;
static void
caller_handler (void *data, xmlErrorPtr err)
{
  handler_calls++;
}

static void
test_error_handler_restored (void **state)
{
  /* The reader collects parse errors itself and gives the caller's handler
   * back afterwards. */
  int marker;
  xmlSetStructuredErrorFunc (&marker, caller_handler);
  DnDocument *doc = read_html ("<p>a <b>b</i> </zz>", NULL, NULL);
  assert_non_null (doc);
  assert_int_equal (handler_calls, 0);
  assert_true (xmlStructuredError == caller_handler);
  assert_ptr_equal (xmlStructuredErrorContext, &marker);
  assert_true (dn_document_has_warning (doc, "HTML_PARSE_ERRORS"));
  dn_document_free (doc);
  xmlSetStructuredErrorFunc (NULL, NULL);
}

static void
test_whitespace_and_breaks (void **state)
{
  DnDocument *doc = read_html ("<p>  a \n\t b <br>  c&nbsp;d  <br> </p><p> </p><pre>\n x  y\n</pre>", NULL, NULL);
  assert_non_null (doc);
  DnNode *p = dn_node_first_child (dn_document_get_root (doc));
  assert_string_equal (dn_node_get_text (p), "a b\nc\xC2\xA0" "d");
  DnNode *pre = dn_node_next (p); /* the blank <p> left no block */
  assert_int_equal (dn_node_get_node_type (pre), DN_NODE_RAW_TEXT);
  assert_string_equal (dn_node_get_text (pre), " x  y\n");
  dn_document_free (doc);
}

static void
test_latin1_declared (void **state)
{
  /* Bytes that are not UTF-8 are decoded as the page declares. */
  DnDocument *doc = read_html ("<html><head><meta charset=\"iso-8859-1\"></head><body><p>caf\xE9</p>", NULL, NULL);
  assert_non_null (doc);
  assert_string_equal (dn_node_get_text (dn_node_first_child (dn_document_get_root (doc))), "caf\xC3\xA9");
  dn_document_free (doc);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_probe),
    cmocka_unit_test (test_node_limit),
    cmocka_unit_test (test_depth_limit),
    cmocka_unit_test (test_error_handler_restored),
    cmocka_unit_test (test_whitespace_and_breaks),
    cmocka_unit_test (test_latin1_declared),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
