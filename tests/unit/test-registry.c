/* Unit tests of plugin loading, ABI checks, refusal reasons and probing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <utime.h>

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
static int
probe_sure (const guint8 *h, gsize n, guint64 t, const char *f)
{
  return n >= 4 && memcmp (h, "SURE", 4) == 0 ? DN_PROBE_SURE : 0;
}
static const DnReaderVTable sure_reader = { sizeof (DnReaderVTable), probe_sure, read_nothing };
static const char *const ext_a[] = { "a", NULL };
static const char *const ext_b[] = { "b", NULL };

#define DESC(var, nm, rd, ext)                                                      \
  static const DnPluginDesc var = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), nm, \
                                    "test", "1", NULL, ext, rd, NULL, NULL, NULL }
DESC (alpha_desc, "alpha", &alpha_reader, ext_a);
DESC (beta_desc, "beta", &beta_reader, ext_b);
DESC (gamma_desc, "gamma", &gamma_reader, NULL);
DESC (alpha_again_desc, "alpha", &beta_reader, ext_b);
DESC (sure_desc, "sure", &sure_reader, NULL);

static const DnPluginDesc future_desc = { DN_PLUGIN_ABI_VERSION + 1, sizeof (DnPluginDesc), "future",
                                          "test", "1", NULL, NULL, &alpha_reader, NULL, NULL, NULL };
static const DnPluginDesc tiny_desc = { DN_PLUGIN_ABI_VERSION, 8, "tiny", "test", "1", NULL, NULL, NULL, NULL, NULL, NULL };
static const DnPluginDesc nothing_desc = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), "nothing",
                                           "test", "1", NULL, NULL, NULL, NULL, NULL, NULL };

/* A descriptor as a plugin built before `license` was appended declares it:
 * its struct_size stops before the field. The bytes there belong to someone
 * else and must not be read. */
static const DnPluginDesc older_desc = { DN_PLUGIN_ABI_VERSION, G_STRUCT_OFFSET (DnPluginDesc, license),
                                         "older", "test", "1", NULL, NULL, &alpha_reader, NULL,
                                         "NOT-MINE", NULL };
static const DnPluginDesc licensed_desc = { DN_PLUGIN_ABI_VERSION, sizeof (DnPluginDesc), "licensed",
                                            "test", "1", NULL, NULL, &alpha_reader, NULL, "MIT", NULL };

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

static char *
read_text (const char *path)
{
  char *text = NULL;
  g_file_get_contents (path, &text, NULL, NULL);
  return text;
}

/* The plugin cache: a module is loaded at once the first time, and after
 * that only when used; a stale, wrong or broken cache costs a load, never
 * a wrong answer. */
static void
test_plugin_cache (void **state)
{
  char *tmp = g_dir_make_tmp (NULL, NULL);
  assert_non_null (tmp);
  char *cache = g_build_filename (tmp, "cache", "plugins.cache", NULL);
  char *mods = g_build_filename (tmp, "mods", NULL);
  char *mod = g_build_filename (mods, "docnorm-fake.so", NULL);
  char *built = g_build_filename (g_getenv ("TEST_PLUGIN_GOOD_DIR"), "docnorm-fake.so", NULL);
  gchar *bytes;
  gsize len;
  assert_true (g_file_get_contents (built, &bytes, &len, NULL));
  assert_int_equal (g_mkdir_with_parents (mods, 0755), 0);
  assert_true (g_file_set_contents (mod, bytes, (gssize) len, NULL));
  g_free (bytes);
  char *saved_env = g_strdup (g_getenv ("DOCNORM_PLUGIN_CACHE"));
  g_setenv ("DOCNORM_PLUGIN_CACHE", cache, TRUE);
  const guint8 fake[] = "FAKE input", sure[] = "SURE input";

  /* First run: nothing cached, so the module is loaded and recorded. */
  DnRegistry *reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_true (dn_registry_plugin_is_loaded (reg, 0));
  dn_registry_free (reg);
  char *text = read_text (cache);
  assert_non_null (text);
  assert_non_null (strstr (text, "name=fake"));
  assert_non_null (strstr (text, "extensions=fake;"));
  g_free (text);

  /* Next runs: registered from the cache, loaded on first use, by
   * extension... */
  reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_false (dn_registry_plugin_is_loaded (reg, 0));
  const DnPluginDesc *d = dn_registry_find_reader (reg, fake, 10, 10, "x.fake", NULL);
  assert_non_null (d);
  assert_string_equal (d->name, "fake");
  assert_true (dn_registry_plugin_is_loaded (reg, 0));
  dn_registry_free (reg);

  /* ...or when no loaded reader is sure of the input, and not otherwise. */
  reg = dn_registry_new ();
  assert_true (dn_registry_add (reg, &sure_desc, NULL, NULL));
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  int score = 0;
  assert_ptr_equal (dn_registry_find_reader (reg, sure, 10, 10, "x.other", &score), &sure_desc);
  assert_int_equal (score, DN_PROBE_SURE);
  assert_false (dn_registry_plugin_is_loaded (reg, 1));
  d = dn_registry_find_reader (reg, fake, 10, 10, "x.other", &score);
  assert_non_null (d);
  assert_string_equal (d->name, "fake");
  assert_int_equal (score, 50);
  assert_true (dn_registry_plugin_is_loaded (reg, 1));
  dn_registry_free (reg);

  /* A module that changed since is loaded at once. */
  assert_int_equal (g_utime (mod, &(struct utimbuf) { 1000000000, 1000000000 }), 0);
  reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_true (dn_registry_plugin_is_loaded (reg, 0));
  dn_registry_free (reg);

  /* A cache that misnames the module: refused when used, then forgotten. */
  text = read_text (cache);
  char **parts = g_strsplit (text, "name=fake", -1);
  char *lie = g_strjoinv ("name=other", parts);
  assert_true (g_file_set_contents (cache, lie, -1, NULL));
  g_strfreev (parts);
  g_free (lie);
  g_free (text);
  reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_null (dn_registry_find_reader_by_name (reg, "other"));
  assert_non_null (strstr (refusal_reason_for (reg, "docnorm-fake.so"), "plugin cache said 'other'"));
  assert_null (dn_registry_get_plugin (reg, 0, NULL));
  dn_registry_free (reg);
  text = read_text (cache);
  assert_null (strstr (text, "name=other"));
  g_free (text);

  /* A cache that is not one: ignored and rewritten. */
  assert_true (g_file_set_contents (cache, "\x01[not a key file", -1, NULL));
  reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_true (dn_registry_plugin_is_loaded (reg, 0));
  dn_registry_free (reg);
  text = read_text (cache);
  assert_non_null (strstr (text, "name=fake"));
  g_free (text);

  /* DOCNORM_PLUGIN_CACHE set empty: no cache, every module loaded. */
  g_setenv ("DOCNORM_PLUGIN_CACHE", "", TRUE);
  assert_int_equal (g_unlink (cache), 0);
  reg = dn_registry_new ();
  assert_int_equal (dn_registry_load_dir (reg, mods), 1);
  assert_true (dn_registry_plugin_is_loaded (reg, 0));
  dn_registry_free (reg);
  assert_false (g_file_test (cache, G_FILE_TEST_EXISTS));

  if (saved_env != NULL)
    g_setenv ("DOCNORM_PLUGIN_CACHE", saved_env, TRUE);
  else
    g_unsetenv ("DOCNORM_PLUGIN_CACHE");
  g_free (saved_env);
  g_unlink (mod);
  g_rmdir (mods);
  char *cache_dir = g_path_get_dirname (cache);
  g_rmdir (cache_dir);
  g_rmdir (tmp);
  g_free (cache_dir);
  g_free (built);
  g_free (mod);
  g_free (mods);
  g_free (cache);
  g_free (tmp);
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
    cmocka_unit_test (test_plugin_cache),
    cmocka_unit_test (test_limits_set),
  };
  return cmocka_run_group_tests_name ("registry", tests, NULL, NULL);
}
