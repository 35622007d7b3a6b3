/* A test-only reader that misbehaves on request, so the batch runner's
 * isolation can be tested without a real hostile PDF. It claims inputs that
 * start with "DNTEST-" and then, by the word that follows:
 *   OK         reads the rest as one paragraph
 *   WARN       the same, plus a DNTEST_WARNING warning
 *   SLOW N     sleeps N milliseconds, then reads like OK
 *   HANG       never returns
 *   CRASH      dies of SIGSEGV
 *   OOM        allocates memory until an allocation fails (quickly under a
 *              RLIMIT_AS cap: pages are barely touched)
 *   EXIT       calls exit(3) from inside the reader
 *   ORPHAN     leaves a process behind that sleeps a minute holding the
 *              inherited pipes, then reads like OK
 *   CORRUPT    fails with DN_ERROR_CORRUPT
 *   ENCRYPTED  fails with DN_ERROR_ENCRYPTED
 * Never installed; tests load it through DOCNORM_PLUGIN_PATH. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docnorm.h"

static gboolean
word_is (const char *text, gsize len, const char *word)
{
  gsize wl = strlen (word);
  return len >= 7 + wl && memcmp (text + 7, word, wl) == 0;
}

static int
dntest_probe (const guint8 *head, gsize head_len, guint64 total, const char *file_name)
{
  return head_len >= 7 && memcmp (head, "DNTEST-", 7) == 0 ? 100 : 0;
}

static gboolean
dntest_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  gsize len;
  const char *text = g_bytes_get_data (data, &len);
  if (word_is (text, len, "HANG")) {
    for (;;)
      g_usleep (G_USEC_PER_SEC);
  }
  if (word_is (text, len, "CRASH"))
    raise (SIGSEGV);
  if (word_is (text, len, "OOM")) {
    GSList *keep = NULL;
    for (;;) {
      gsize chunk = 16 * 1024 * 1024;
      char *p = g_malloc (chunk);   /* aborts with "failed to allocate" at the cap */
      p[0] = p[chunk - 1] = 0x5a;
      keep = g_slist_prepend (keep, p);
    }
  }
  if (word_is (text, len, "EXIT"))
    exit (3);
  if (word_is (text, len, "ORPHAN") && fork () == 0) {
    sleep (60);
    _exit (0);
  }
  if (word_is (text, len, "CORRUPT")) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "test input marked corrupt");
    return FALSE;
  }
  if (word_is (text, len, "ENCRYPTED")) {
    g_set_error (error, DN_ERROR, DN_ERROR_ENCRYPTED, "test input marked encrypted (password needed)");
    return FALSE;
  }
  if (word_is (text, len, "SLOW")) {
    char *num = g_strndup (text + 12, MIN (len - MIN (len, 12), 10));
    g_usleep ((gulong) g_ascii_strtoull (num, NULL, 10) * 1000);
    g_free (num);
  }
  if (!g_utf8_validate (text, (gssize) len, NULL)) {
    g_set_error (error, DN_ERROR, DN_ERROR_ENCODING, "test input is not UTF-8");
    return FALSE;
  }
  DnNode *para = dn_node_append_new (dn_document_get_root (doc), DN_NODE_PARAGRAPH);
  dn_node_set_text_len (para, text, (gssize) len);
  if (word_is (text, len, "WARN"))
    dn_document_add_warning (doc, "DNTEST_WARNING", 0, "test input asked for a warning");
  return TRUE;
}

static const char *const dntest_media_types[] = { "application/x-docnorm-test", NULL };
static const char *const dntest_extensions[] = { "dntest", NULL };

static const DnReaderVTable dntest_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = dntest_probe,
  .read = dntest_read,
};

static const DnPluginDesc dntest_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "dntest",
  .description = "Test-only reader that hangs, crashes or fails on request",
  .version = "1.0.0",
  .media_types = dntest_media_types,
  .extensions = dntest_extensions,
  .reader = &dntest_reader,
};

DN_PLUGIN_REGISTER (dntest, dntest_desc)
