/* The severity table: sorted, looked up right, and equal to docs/WARNINGS.md
 * (every row there has the table's severity, every table row is there). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include "docnorm.h"

static void
test_table_sorted_and_found (void **state)
{
  guint n;
  const DnWarningCode *t = dn_warning_codes_get_table (&n);
  assert_true (n > 40);
  for (guint i = 0; i < n; i++) {
    if (i > 0)
      assert_true (strcmp (t[i - 1].code, t[i].code) < 0);
    assert_int_equal (dn_warning_code_get_severity (t[i].code), t[i].severity);
  }
  assert_int_equal (dn_warning_code_get_severity ("NFKC_FOLDED"), DN_SEVERITY_INFO);
  assert_int_equal (dn_warning_code_get_severity ("MISSING_FIELD"), DN_SEVERITY_WARNING);
  /* A third-party plugin's own code. */
  assert_int_equal (dn_warning_code_get_severity ("CSV_RAGGED_ROWS"), DN_SEVERITY_DEFAULT);
  assert_int_equal (DN_SEVERITY_DEFAULT, DN_SEVERITY_NOTICE);
  assert_int_equal (dn_warning_code_get_severity (NULL), DN_SEVERITY_DEFAULT);
}

static void
test_severity_strings (void **state)
{
  for (int i = 0; i < DN_N_SEVERITIES; i++) {
    DnSeverity s = DN_SEVERITY_INFO;
    assert_true (dn_severity_from_string (dn_severity_to_string ((DnSeverity) i), &s));
    assert_int_equal (s, i);
  }
  assert_string_equal (dn_severity_to_string (DN_SEVERITY_NOTICE), "notice");
  DnSeverity s = DN_SEVERITY_WARNING;
  assert_false (dn_severity_from_string ("error", &s));
  assert_false (dn_severity_from_string ("", &s));
  assert_false (dn_severity_from_string (NULL, &s));
  assert_int_equal (s, DN_SEVERITY_WARNING);
}

/* Rows of docs/WARNINGS.md look like "| `CODE` | severity | meaning |". */
static void
test_doc_matches_table (void **state)
{
  const char *path = g_getenv ("WARNINGS_MD");
  assert_non_null (path);
  g_autofree char *text = NULL;
  assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_auto (GStrv) lines = g_strsplit (text, "\n", -1);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint rows = 0;
  for (char **l = lines; *l != NULL; l++) {
    if (!g_str_has_prefix (*l, "| `"))
      continue;
    g_auto (GStrv) cells = g_strsplit (*l + 1, "|", 3);
    assert_int_equal (g_strv_length (cells), 3);
    g_autofree char *code = g_strstrip (g_strdup (cells[0]));
    g_autofree char *sev = g_strstrip (g_strdup (cells[1]));
    /* The severity legend's rows hold a severity, not a code. */
    assert_true (g_str_has_prefix (code, "`") && g_str_has_suffix (code, "`"));
    code[strlen (code) - 1] = '\0';
    DnSeverity legend;
    if (dn_severity_from_string (code + 1, &legend))
      continue;
    DnSeverity doc_sev;
    if (!dn_severity_from_string (sev, &doc_sev))
      fail_msg ("%s: severity \"%s\" is not info, notice or warning", code + 1, sev);
    guint n;
    const DnWarningCode *t = dn_warning_codes_get_table (&n);
    gboolean in_table = FALSE;
    for (guint i = 0; i < n; i++)
      if (strcmp (t[i].code, code + 1) == 0) {
        in_table = TRUE;
        if (t[i].severity != doc_sev)
          fail_msg ("%s: docs/WARNINGS.md says %s, the table %s", code + 1, sev,
                    dn_severity_to_string (t[i].severity));
      }
    if (!in_table)
      fail_msg ("%s is documented but not in core/dn-warning-codes.c", code + 1);
    if (!g_hash_table_add (seen, g_strdup (code + 1)))
      fail_msg ("%s is documented twice", code + 1);
    rows++;
  }
  guint n;
  const DnWarningCode *t = dn_warning_codes_get_table (&n);
  for (guint i = 0; i < n; i++)
    if (!g_hash_table_contains (seen, t[i].code))
      fail_msg ("%s is in the table but not in docs/WARNINGS.md", t[i].code);
  assert_int_equal (rows, n);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_table_sorted_and_found),
    cmocka_unit_test (test_severity_strings),
    cmocka_unit_test (test_doc_matches_table),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
