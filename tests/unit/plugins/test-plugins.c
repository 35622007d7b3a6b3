/* Test-only plugins, compiled several times with different macros:
 *   TEST_GOOD    a valid reader named "fake" scoring FAKE_SCORE on "FAKE" input
 *   TEST_WRONG_ABI  the same, but claiming a future plugin ABI
 *   TEST_OLDER_DESC the same, with the smaller descriptor a plugin built
 *                   before DnPluginDesc.license was appended exports
 *   TEST_NO_SYMBOL  exports nothing docnorm looks for */
#include <string.h>

#include "docnorm.h"

#if defined(TEST_GOOD) || defined(TEST_WRONG_ABI) || defined(TEST_OLDER_DESC)
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
#ifdef TEST_OLDER_DESC
/* DnPluginDesc exactly as docnorm 0.1.0's header declared it: the static
 * struct really ends where `license` would start. */
typedef struct {
  guint32 abi_version;
  guint32 struct_size;
  const char *name;
  const char *description;
  const char *version;
  const char *const *media_types;
  const char *const *extensions;
  const DnReaderVTable *reader;
  const DnWriterVTable *writer;
} OlderPluginDesc;
G_STATIC_ASSERT (sizeof (OlderPluginDesc) == G_STRUCT_OFFSET (DnPluginDesc, license));
static const OlderPluginDesc fake_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (OlderPluginDesc),
  .name = FAKE_NAME,
  .description = "test reader with an older descriptor",
  .version = "0.0.1",
  .extensions = fake_ext,
  .reader = &fake_reader,
};
/* What DN_PLUGIN_REGISTER expanded to, with the older struct type. */
#define OLDER_REGISTER_(ident) \
  DN_PLUGIN_EXPORT const DnPluginDesc *dn_plugin_##ident##_get_desc (void); \
  DN_PLUGIN_EXPORT const DnPluginDesc *dn_plugin_##ident##_get_desc (void) \
  {                                                                      \
    return (const DnPluginDesc *) &fake_desc;                            \
  }
#define OLDER_REGISTER(ident) OLDER_REGISTER_ (ident)
OLDER_REGISTER (PLUGIN_IDENT)
#else
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
#endif
#else
G_MODULE_EXPORT int dn_test_nothing_here (void);
G_MODULE_EXPORT int dn_test_nothing_here (void) { return 0; }
#endif
