/* Unit tests of plugin loading, ABI checks, refusal reasons and probing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "docnorm.h"

static int probe_alpha (const guint8 *h, gsize n, guint64 t, const char *f) { return 40; }
static int probe_beta (const guint8 *h, gsize n, guint64 t, const char *f) { return 40; }
static int
probe_gamma (const guint8 *h, gsize n, guint64 t, const char *f)
{
  return n >= 5 && memcmp (h, "GAMMA", 5) == 0 ? 60 : 0;
}
static gboolean
read_nothing (GBytes *d, const DnReadOptions *o, DnDocument *doc, GError **e)
{
  return TRUE;
}

static const DnReaderVTable alpha_reader = { sizeof (DnReaderVTable), probe_alpha, read_nothing };
static const DnReaderVTable beta_reader = { sizeof (DnReaderVTable), probe_beta, read_nothing };
static const DnReaderVTable gamma_reader = { sizeof (DnReaderVTable), probe_gamma, read_nothing };
static const char *const ext_a[] = { "a", NULL };
static const char *const ext_b[] = { "b", NULL };

#define DESC(var, nm, rd, ext)                                                      \
  static const DnPluginDesc var = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), nm, \
                                    "test", "1", NULL, ext, rd, NULL, NULL }
DESC (alpha_desc, "alpha", &alpha_reader, ext_a);
DESC (beta_desc, "beta", &beta_reader, ext_b);
DESC (gamma_desc, "gamma", &gamma_reader, NULL);
DESC (alpha_again_desc, "alpha", &beta_reader, ext_b);

static const DnPluginDesc future_desc = { DN_PLUGIN_ABI_VERSION + 1, sizeof (DnPluginDesc), "future",
                                          "test", "1", NULL, NULL, &alpha_reader, NULL, NULL };
static const DnPluginDesc tiny_desc = { DN_PLUGIN_ABI_VERSION, 8, "tiny", "test", "1", NULL, NULL, NULL, NULL, NULL };
static const DnPluginDesc nothing_desc = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), "nothing",
                                           "test", "1", NULL, NULL, NULL, NULL, NULL };

/* A descriptor as a plugin built before `license` was appended declares it:
 * its struct_size stops before the field. The bytes there belong to someone
 * else and must not be read. */
static const DnPluginDesc older_desc = { DN_PLUGIN_ABI_VERSION, G_STRUCT_OFFSET (DnPluginDesc, license),
                                         "older", "test", "1", NULL, NULL, &alpha_reader, NULL,
                                         "NOT-MINE" };
static const DnPluginDesc licensed_desc = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), "licensed",
                                            "test", "1", NULL, NULL, &alpha_reader, NULL, "MIT" };

static const char *
refusal_reason_for (const DnRegistry *reg, const char *needle)
{
  for (guint i = 0; i < dn_registry_get_n_refused (reg); i++) {
    const char *path, *reason;
    dn_registry_get_refused (reg, i, &path, &reason);
    if (strstr (path, needle) != NULL)
      return reason;
  }
  return NULL;
}

static void
test_static_refusals (void **state)
{
  DnRegistry *reg = dn_registry_new ();
  GError *error = NULL;
  assert_true (dn_registry_add (reg, &alpha_desc, "alpha-origin", &error));
  assert_false (dn_registry_add (reg, &future_desc, "future-origin", &error));
  assert_true (g_error_matches (error, DN_ERROR, DN_ERROR_PLUGIN));
  assert_non_null (strstr (error->message, "ABI"));
  g_clear_error (&error);
  assert_false (dn_registry_add (reg, &tiny_desc, "tiny-origin", NULL));
  assert_false (dn_registry_add (reg, &nothing_desc, "nothing-origin", NULL));
  assert_false (dn_registry_add (reg, &alpha_again_desc, "again-origin", NULL));
  assert_int_equal (dn_registry_get_n_plugins (reg), 1);
  assert_int_equal (dn_registry_get_n_refused (reg), 4);
  assert_non_null (strstr (refusal_reason_for (reg, "future"), "ABI 2"));
  assert_non_null (strstr (refusal_reason_for (reg, "tiny"), "too small"));
  assert_non_null (strstr (refusal_reason_for (reg, "nothing"), "neither"));
  assert_non_null (strstr (refusal_reason_for (reg, "again"), "shadowed"));
  dn_registry_free (reg);
}

static void
test_older_smaller_descriptor (void **state)
{
  DnRegistry *reg = dn_registry_new ();
  GError *error = NULL;
  assert_true (dn_registry_add (reg, &older_desc, "older-origin", &error));
  assert_null (error);
  assert_true (dn_registry_add (reg, &licensed_desc, "licensed-origin", NULL));
  assert_int_equal (dn_registry_get_n_refused (reg), 0);
  assert_null (dn_plugin_desc_get_license (dn_registry_get_plugin (reg, 0, NULL)));
  assert_string_equal (dn_plugin_desc_get_license (dn_registry_get_plugin (reg, 1, NULL)), "MIT");
  dn_registry_free (reg);
}

static void
test_probe_scores_and_ties (void **state)
{
  DnRegistry *reg = dn_registry_new ();
  assert_true (dn_registry_add (reg, &alpha_desc, NULL, NULL));
  assert_true (dn_registry_add (reg, &beta_desc, NULL, NULL));
  assert_true (dn_registry_add (reg, &gamma_desc, NULL, NULL));
  const guint8 plain[] = "hello";
  const guint8 gamma[] = "GAMMA data";
  int score = -1;
  /* Highest score wins whatever the extension says. */
  assert_ptr_equal (dn_registry_find_reader (reg, gamma, 10, 10, "x.b", &score), &gamma_desc);
  assert_int_equal (score, 60);
  /* A tie goes to the reader listing the extension, else the first. */
  assert_ptr_equal (dn_registry_find_reader (reg, plain, 5, 5, "dir.a/x.b", NULL), &beta_desc);
  assert_ptr_equal (dn_registry_find_reader (reg, plain, 5, 5, "x.A", NULL), &alpha_desc);
  assert_ptr_equal (dn_registry_find_reader (reg, plain, 5, 5, NULL, NULL), &alpha_desc);
  assert_ptr_equal (dn_registry_find_reader_by_name (reg, "beta"), &beta_desc);
  assert_ptr_equal (dn_registry_find_reader_by_name (reg, "b"), &beta_desc); /* by extension */
  assert_null (dn_registry_find_reader_by_name (reg, "zzz"));
  assert_null (dn_registry_find_writer (reg, "alpha"));
  dn_registry_free (reg);

  DnRegistry *only_gamma = dn_registry_new ();
  assert_true (dn_registry_add (only_gamma, &gamma_desc, NULL, NULL));
  assert_null (dn_registry_find_reader (only_gamma, plain, 5, 5, "x.txt", &score));
  assert_int_equal (score, 0);
  dn_registry_free (only_gamma);
}

static void
test_modules_from_dirs (void **state)
{
  DnRegistry *reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, g_getenv ("TEST_PLUGIN_GOOD_DIR")), 1);
  assert_int_equal (dn_registry_load_dir (reg, g_getenv ("TEST_PLUGIN_WRONGABI_DIR")), 0);
  assert_int_equal (dn_registry_load_dir (reg, g_getenv ("TEST_PLUGIN_NOSYM_DIR")), 0);
  assert_int_equal (dn_registry_load_dir (reg, "/nonexistent/docnorm/plugins"), 0);
  assert_int_equal (dn_registry_get_n_plugins (reg), 1);
  const char *origin;
  const DnPluginDesc *d = dn_registry_get_plugin (reg, 0, &origin);
  assert_string_equal (d->name, "fake");
  assert_non_null (strstr (origin, "docnorm-fake.so"));
  assert_non_null (strstr (refusal_reason_for (reg, "docnorm-future.so"), "ABI"));
  assert_non_null (strstr (refusal_reason_for (reg, "docnorm-nosym.so"), "no symbol dn_plugin_nosym_get_desc"));

  /* The loaded module works through its vtable. */
  const guint8 input[] = "FAKE input";
  assert_ptr_equal (dn_registry_find_reader (reg, input, 10, 10, NULL, NULL), d);
  dn_registry_free (reg);
}

static void
test_default_discovery (void **state)
{
  /* DOCNORM_PLUGIN_PATH first, then (this binary lives in the build tree)
   * the build tree's own plugins. */
  char *path = g_strjoin (":", g_getenv ("TEST_PLUGIN_WRONGABI_DIR"), "",
                          g_getenv ("TEST_PLUGIN_GOOD_DIR"), NULL);
  g_setenv ("DOCNORM_PLUGIN_PATH", path, TRUE);
  g_free (path);
  DnRegistry *reg = dn_registry_new ();
  dn_registry_load_default (reg);
  g_unsetenv ("DOCNORM_PLUGIN_PATH");
  assert_non_null (dn_registry_find_reader_by_name (reg, "fake"));
  assert_non_null (dn_registry_find_reader_by_name (reg, "txt"));
  assert_non_null (dn_registry_find_writer (reg, "json"));
  assert_non_null (refusal_reason_for (reg, "docnorm-future.so"));
  /* The environment's folder came first. */
  const char *origin;
  dn_registry_get_plugin (reg, 0, &origin);
  assert_non_null (strstr (origin, "docnorm-fake.so"));
  dn_registry_free (reg);
}

static void
test_limits_set (void **state)
{
  DnReadOptions o;
  dn_read_options_init (&o);
  GError *error = NULL;
  assert_true (dn_limits_set (&o.limits, "max_entries=20000", &error));
  assert_int_equal (o.limits.max_entries, 20000);
  assert_true (dn_limits_set (&o.limits, "max_total_bytes=2G", NULL));
  assert_true (o.limits.max_total_bytes == 2ull * 1024 * 1024 * 1024);
  assert_true (dn_limits_set (&o.limits, "max_xml_depth=64k", NULL));
  assert_int_equal (o.limits.max_xml_depth, 64 * 1024);
  assert_true (dn_limits_set (&o.limits, "max_pages=0", NULL));
  assert_int_equal (o.limits.max_pages, 0);
  /* A 32-bit field refuses what does not fit, and nothing changes. */
  assert_false (dn_limits_set (&o.limits, "max_ratio=8G", &error));
  assert_true (g_error_matches (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE));
  g_clear_error (&error);
  assert_int_equal (o.limits.max_ratio, 200);
  const char *const bad[] = { "max_nodes", "max_nodes=", "max_nodes=-1", "max_nodes=12x", "max_nodes=1KB",
                              "bogus=1", "=1", "max_node=1" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++) {
    assert_false (dn_limits_set (&o.limits, bad[i], &error));
    assert_non_null (error);
    g_clear_error (&error);
  }
  assert_int_equal (o.limits.max_nodes, 5000000);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_static_refusals),
    cmocka_unit_test (test_older_smaller_descriptor),
    cmocka_unit_test (test_probe_scores_and_ties),
    cmocka_unit_test (test_modules_from_dirs),
    cmocka_unit_test (test_default_discovery),
    cmocka_unit_test (test_limits_set),
  };
  return cmocka_run_group_tests_name ("registry", tests, NULL, NULL);
}
