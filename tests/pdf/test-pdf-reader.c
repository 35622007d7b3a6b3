/* The PDF reader linked statically (DN_PLUGIN_STATIC): probe scores, the
 * limits in DnReadOptions, error codes, and that poppler's diagnostics
 * never escape the reader. Samples come from $PDF_SAMPLES. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"
#include "dn-pdf-render.h"

const DnPluginDesc *dn_plugin_pdf_get_desc (void);

static guint escaped_logs;

static void
count_log (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  escaped_logs++;
}

static GBytes *
load (const char *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("PDF_SAMPLES"), name, NULL);
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  return g_bytes_new_take (data, len);
}

/* Reads sample @name; returns the document or NULL with @error set. */
static DnDocument *
read_sample (const char *name, DnReadOptions *opts, GError **error)
{
  const DnPluginDesc *desc = dn_plugin_pdf_get_desc ();
  g_autoptr (GBytes) data = load (name);
  DnDocument *doc = dn_document_new ();
  if (!desc->reader->read (data, opts, doc, error)) {
    dn_document_free (doc);
    return NULL;
  }
  return doc;
}

static void
test_probe (void **state)
{
  const DnReaderVTable *r = dn_plugin_pdf_get_desc ()->reader;
  guint8 head[2048];
  memset (head, ' ', sizeof head);
  memcpy (head, "%PDF-1.7", 8);
  assert_int_equal (r->probe (head, sizeof head, sizeof head, NULL), 95);
  memset (head, ' ', sizeof head);
  memcpy (head + 1000, "%PDF-", 5);  /* junk before the header, within 1024 */
  assert_int_equal (r->probe (head, sizeof head, sizeof head, "x.bin"), 95);
  memset (head, ' ', sizeof head);
  memcpy (head + 1100, "%PDF-", 5);  /* too far in */
  assert_int_equal (r->probe (head, sizeof head, sizeof head, "x.pdf"), 0);
  assert_int_equal (r->probe ((const guint8 *) "PK\3\4", 4, 4, "x.pdf"), 0);
  assert_int_equal (r->probe ((const guint8 *) "%PDF", 4, 4, NULL), 0);
  assert_int_equal (r->probe (head, 0, 0, NULL), 0);
}

static void
test_page_limit (void **state)
{
  DnReadOptions opts;
  dn_read_options_init (&opts);
  opts.limits.max_pages = 1;
  GError *error = NULL;
  DnDocument *doc = read_sample ("feature-report.pdf", &opts, &error);
  assert_non_null (doc);
  assert_true (dn_document_has_warning (doc, "PAGE_LIMIT"));
  DnSourceInfo info;
  dn_document_get_source (doc, &info);
  assert_int_equal (info.pages, 4);
  guint n = 0;
  for (DnNode *c = dn_node_first_child (dn_document_get_root (doc)); c != NULL; c = dn_node_next (c), n++)
    assert_int_equal (dn_node_get_hints (c)->page, 1);
  assert_true (n > 3);
  dn_document_free (doc);
}

static void
test_node_limit (void **state)
{
  DnReadOptions opts;
  dn_read_options_init (&opts);
  opts.limits.max_nodes = 5;
  GError *error = NULL;
  DnDocument *doc = read_sample ("feature-report.pdf", &opts, &error);
  assert_null (doc);
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&error);
}

static void
test_errors (void **state)
{
  DnReadOptions opts;
  dn_read_options_init (&opts);
  GError *error = NULL;
  assert_null (read_sample ("bad/encrypted-aes256.pdf", &opts, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_ENCRYPTED));
  assert_string_equal (error->message, "encrypted PDF (use --password)");
  g_clear_error (&error);

  opts.password = "nope";
  assert_null (read_sample ("bad/encrypted-rc4.pdf", &opts, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_ENCRYPTED));
  g_clear_error (&error);

  opts.password = "docnorm";
  DnDocument *doc = read_sample ("bad/encrypted-rc4.pdf", &opts, &error);
  assert_non_null (doc);
  assert_string_equal (dn_document_get_meta_string (doc, "title"), "兩欄排版樣本");
  dn_document_free (doc);

  opts.password = NULL;
  assert_null (read_sample ("bad/damaged-header-only.pdf", &opts, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_CORRUPT));
  g_clear_error (&error);
}

/* poppler complains loudly about the damaged samples; all of it must end
 * up as warnings, none in the process's log. */
static void
test_poppler_is_silent (void **state)
{
  escaped_logs = 0;
  GLogFunc old = g_log_set_default_handler (count_log, NULL);
  DnReadOptions opts;
  dn_read_options_init (&opts);
  GError *error = NULL;
  DnDocument *doc = read_sample ("bad/damaged-garbage.pdf", &opts, &error);
  assert_non_null (doc);
  assert_true (dn_document_has_warning (doc, "PDF_DAMAGED"));
  dn_document_free (doc);
  doc = read_sample ("bad/damaged-truncated.pdf", &opts, &error);
  dn_document_free (doc);
  g_clear_error (&error);
  assert_null (read_sample ("bad/damaged-header-only.pdf", &opts, &error));
  g_clear_error (&error);
  g_log_set_default_handler (old, NULL);
  assert_int_equal (escaped_logs, 0);
}

/* A page renders at the size its dpi gives, with ink on white, encodes as
 * PNG, and a pixel cap or an absurd dpi is refused with a reason. */
static void
test_render_page (void **state)
{
  g_autoptr (GBytes) data = load ("seed-001.pdf");
  g_autoptr (GError) error = NULL;
  PopplerDocument *pdf = poppler_document_new_from_bytes (data, NULL, &error);
  assert_non_null (pdf);
  PopplerPage *page = poppler_document_get_page (pdf, 0);
  double w_pt, h_pt;
  poppler_page_get_size (page, &w_pt, &h_pt);

  cairo_surface_t *s = dn_pdf_render_page (page, 100, 0, &error);
  assert_non_null (s);
  int w = cairo_image_surface_get_width (s), h = cairo_image_surface_get_height (s);
  assert_int_equal (w, (int) ceil (w_pt * 100 / 72));
  assert_int_equal (h, (int) ceil (h_pt * 100 / 72));
  /* The corner is paper, and some pixel is not. */
  const guint8 *px = cairo_image_surface_get_data (s);
  int stride = cairo_image_surface_get_stride (s);
  assert_int_equal (((const guint32 *) px)[0] & 0xffffff, 0xffffff);
  gsize dark = 0;
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      if ((((const guint32 *) (px + (gsize) y * stride))[x] & 0xff) < 0x80)
        dark++;
  assert_true (dark > 1000);
  g_autoptr (GBytes) png = dn_pdf_surface_to_png (s, &error);
  assert_non_null (png);
  assert_memory_equal (g_bytes_get_data (png, NULL), "\x89PNG\r\n\x1a\n", 8);
  cairo_surface_destroy (s);

  assert_null (dn_pdf_render_page (page, 300, 1000000, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_LIMIT));
  assert_non_null (strstr (error->message, "1000000 pixels"));
  g_clear_error (&error);
  assert_null (dn_pdf_render_page (page, 0, 0, &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_FAILED));
  g_object_unref (page);
  g_object_unref (pdf);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_probe),
    cmocka_unit_test (test_page_limit),
    cmocka_unit_test (test_node_limit),
    cmocka_unit_test (test_errors),
    cmocka_unit_test (test_poppler_is_silent),
    cmocka_unit_test (test_render_page),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
