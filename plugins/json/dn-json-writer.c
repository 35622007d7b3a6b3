/* The JSON writer: serialises core's record as dn_record_emit() walks it,
 * through a small buffer, so no tree of the whole record is ever built
 * (json-glib has no streaming generator; its tree of a long report costs
 * more time and memory than reading the report).
 *
 * The bytes are those json-glib 1.6's JsonGenerator writes for the same
 * record (tests/json checks this on every sample), with two fixes: U+001F
 * is escaped like every other control character, and an integral double of
 * 1e17 or more keeps its exponent without a ".0" glued after it. UTF-8 text
 * is written as is, so the same record always gives the same bytes. */
#include <string.h>

#include "docnorm.h"

#define JSON_WRITER_VERSION "1.1.0"
#define JSON_FLUSH_AT (1 << 15)
#define JSON_INDENT 2

typedef struct {
  GOutputStream *out;
  GString *buf;
  GError *error;     /* the first write failure; later output is dropped */
  gboolean pretty;
  GArray *has_items; /* per open container: gboolean, innermost last */
} JsonOut;

static void
out_flush (JsonOut *o)
{
  if (o->buf->len > 0 && o->error == NULL)
    g_output_stream_write_all (o->out, o->buf->str, o->buf->len, NULL, NULL, &o->error);
  g_string_truncate (o->buf, 0);
}

static void
out_indent (JsonOut *o, guint level)
{
  for (guint i = 0; i < level * JSON_INDENT; i++)
    g_string_append_c (o->buf, ' ');
}

/* Bytes written escaped: C0 controls, '"', '\\' and DEL (as json-glib). */
static gboolean
needs_escape (guchar c)
{
  return c < 0x20 || c == '"' || c == '\\' || c == 0x7f;
}

static void
out_escaped (JsonOut *o, const char *s)
{
  g_string_append_c (o->buf, '"');
  const char *run = s;
  for (const char *p = s; *p != '\0'; p++) {
    guchar c = (guchar) *p;
    if (!needs_escape (c))
      continue;
    g_string_append_len (o->buf, run, p - run);
    run = p + 1;
    switch (c) {
    case '"':
    case '\\':
      g_string_append_c (o->buf, '\\');
      g_string_append_c (o->buf, (char) c);
      break;
    case '\b':
      g_string_append (o->buf, "\\b");
      break;
    case '\f':
      g_string_append (o->buf, "\\f");
      break;
    case '\n':
      g_string_append (o->buf, "\\n");
      break;
    case '\r':
      g_string_append (o->buf, "\\r");
      break;
    case '\t':
      g_string_append (o->buf, "\\t");
      break;
    default:
      g_string_append_printf (o->buf, "\\u%04x", c);
      break;
    }
  }
  g_string_append_len (o->buf, run, strlen (run));
  g_string_append_c (o->buf, '"');
}

/* What goes before a value: the separator from its previous sibling, the
 * indentation, and the member name. */
static void
out_prefix (JsonOut *o, const char *key)
{
  guint level = o->has_items->len;
  if (level > 0) {
    gboolean *has = &g_array_index (o->has_items, gboolean, level - 1);
    if (*has)
      g_string_append_c (o->buf, ',');
    *has = TRUE;
    if (o->pretty) {
      g_string_append_c (o->buf, '\n');
      out_indent (o, level);
    }
  }
  if (key != NULL) {
    out_escaped (o, key);
    g_string_append (o->buf, o->pretty ? " : " : ":");
  }
  if (o->buf->len >= JSON_FLUSH_AT)
    out_flush (o);
}

static void
out_open (JsonOut *o, const char *key, char bracket)
{
  out_prefix (o, key);
  g_string_append_c (o->buf, bracket);
  gboolean none = FALSE;
  g_array_append_val (o->has_items, none);
}

static void
out_close (JsonOut *o, char bracket)
{
  gboolean had = g_array_index (o->has_items, gboolean, o->has_items->len - 1);
  g_array_set_size (o->has_items, o->has_items->len - 1);
  if (o->pretty && had)
    g_string_append_c (o->buf, '\n');
  /* json-glib indents the closing brace of an empty object ("{  }") but
   * not the bracket of an empty array ("[]"). */
  if (o->pretty && (had || bracket == '}'))
    out_indent (o, o->has_items->len);
  g_string_append_c (o->buf, bracket);
}

static void
json_begin_object (gpointer user_data, const char *key)
{
  out_open (user_data, key, '{');
}

static void
json_end_object (gpointer user_data)
{
  out_close (user_data, '}');
}

static void
json_begin_array (gpointer user_data, const char *key)
{
  out_open (user_data, key, '[');
}

static void
json_end_array (gpointer user_data)
{
  out_close (user_data, ']');
}

static void
json_string (gpointer user_data, const char *key, const char *value)
{
  JsonOut *o = user_data;
  out_prefix (o, key);
  out_escaped (o, value);
}

static void
json_integer (gpointer user_data, const char *key, gint64 value)
{
  JsonOut *o = user_data;
  out_prefix (o, key);
  g_string_append_printf (o->buf, "%" G_GINT64_FORMAT, value);
}

static void
json_number (gpointer user_data, const char *key, double value)
{
  JsonOut *o = user_data;
  out_prefix (o, key);
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_dtostr (num, sizeof num, value);
  g_string_append (o->buf, num);
  /* A double stays a double when read back. */
  if (strpbrk (num, ".eE") == NULL)
    g_string_append (o->buf, ".0");
}

static void
json_boolean (gpointer user_data, const char *key, gboolean value)
{
  JsonOut *o = user_data;
  out_prefix (o, key);
  g_string_append (o->buf, value ? "true" : "false");
}

static void
json_null (gpointer user_data, const char *key)
{
  JsonOut *o = user_data;
  out_prefix (o, key);
  g_string_append (o->buf, "null");
}

static const DnRecordSink json_sink = {
  .struct_size = sizeof (DnRecordSink),
  .begin_object = json_begin_object,
  .end_object = json_end_object,
  .begin_array = json_begin_array,
  .end_array = json_end_array,
  .string = json_string,
  .integer = json_integer,
  .number = json_number,
  .boolean = json_boolean,
  .null = json_null,
};

static gboolean
json_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out,
            GError **error)
{
  JsonOut o = {
    .out = out,
    .buf = g_string_sized_new (JSON_FLUSH_AT + 4096),
    .pretty = options != NULL && options->pretty,
    .has_items = g_array_new (FALSE, FALSE, sizeof (gboolean)),
  };
  gboolean ok = dn_record_emit (doc, options, &json_sink, &o, error);
  if (ok) {
    g_string_append_c (o.buf, '\n');
    out_flush (&o);
    if (o.error != NULL) {
      g_propagate_error (error, g_steal_pointer (&o.error));
      ok = FALSE;
    }
  }
  g_clear_error (&o.error);
  g_string_free (o.buf, TRUE);
  g_array_unref (o.has_items);
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
