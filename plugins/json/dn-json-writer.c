/* The JSON writer: serialises core's record with json-glib. UTF-8 text is
 * written as is (json-glib escapes only quotes, backslashes and control
 * characters), so the same record always gives the same bytes. */
#include <string.h>

#include "docnorm.h"

#define JSON_WRITER_VERSION "1.0.0"

static gboolean
json_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out,
            GError **error)
{
  JsonNode *record = dn_record_build (doc, options, error);
  if (record == NULL)
    return FALSE;
  JsonGenerator *gen = json_generator_new ();
  json_generator_set_root (gen, record);
  if (options != NULL && options->pretty) {
    json_generator_set_pretty (gen, TRUE);
    json_generator_set_indent (gen, 2);
  }
  gsize len;
  char *text = json_generator_to_data (gen, &len);
  /* json-glib 1.6 escapes control characters below U+001F but not U+001F
   * itself, which JSON forbids raw. The byte 0x1F never occurs inside a
   * multi-byte UTF-8 sequence nor in JSON syntax, so escaping it here is
   * exact. */
  if (memchr (text, 0x1f, len) != NULL) {
    char **parts = g_strsplit (text, "\x1f", -1);
    g_free (text);
    text = g_strjoinv ("\\u001f", parts);
    g_strfreev (parts);
    len = strlen (text);
  }
  g_object_unref (gen);
  json_node_unref (record);
  gboolean ok = g_output_stream_write_all (out, text, len, NULL, NULL, error) &&
                g_output_stream_write_all (out, "\n", 1, NULL, NULL, error);
  g_free (text);
  return ok;
}

static const char *const json_media_types[] = { "application/json", NULL };
static const char *const json_extensions[] = { "json", NULL };

static const DnWriterVTable json_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = json_write,
};

static const DnPluginDesc json_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "json",
  .description = "JSON record (schema v1)",
  .version = JSON_WRITER_VERSION,
  .license = "MIT",
  .media_types = json_media_types,
  .extensions = json_extensions,
  .writer = &json_writer,
};

DN_PLUGIN_REGISTER (json, json_desc)
