/* Test-only plugins, compiled several times with different macros:
 *   TEST_GOOD    a valid reader named "fake" scoring FAKE_SCORE on "FAKE" input
 *   TEST_WRONG_ABI  the same, but claiming a future plugin ABI
 *   TEST_NO_SYMBOL  exports nothing docnorm looks for */
#include <string.h>

#include "docnorm.h"

#if defined(TEST_GOOD) || defined(TEST_WRONG_ABI)
static int
fake_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  return len >= 4 && memcmp (head, "FAKE", 4) == 0 ? FAKE_SCORE : 0;
}

static gboolean
fake_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  DnNode *p = dn_node_append_new (dn_document_get_root (doc), DN_NODE_PARAGRAPH);
  dn_node_set_text (p, "fake reader was here");
  return TRUE;
}

static const DnReaderVTable fake_reader = { sizeof (DnReaderVTable), fake_probe, fake_read };
static const char *const fake_ext[] = { FAKE_EXT, NULL };
static const DnPluginDesc fake_desc = {
#ifdef TEST_WRONG_ABI
  .abi_version = DN_PLUGIN_ABI_VERSION + 1,
#else
  .abi_version = DN_PLUGIN_ABI_VERSION,
#endif
  .struct_size = sizeof (DnPluginDesc),
  .name = FAKE_NAME,
  .description = "test reader",
  .version = "0.0.1",
  .extensions = fake_ext,
  .reader = &fake_reader,
};
DN_PLUGIN_REGISTER (PLUGIN_IDENT, fake_desc)
#else
G_MODULE_EXPORT int dn_test_nothing_here (void);
G_MODULE_EXPORT int dn_test_nothing_here (void) { return 0; }
#endif
