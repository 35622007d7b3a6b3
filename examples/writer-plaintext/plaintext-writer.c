/* An example docnorm writer plugin, built out of tree with nothing but
 *   pkg-config --cflags --libs docnorm-plugin
 * (see the Makefile next to this file and docs/PLUGINS.md).
 *
 * It writes the body as indented plain text by walking the tree with
 * DnIter (enter / exit events, no recursion): headings underlined, list
 * items bulleted, table cells separated by " | ". Writers are dumb: they
 * print the model and decide nothing about it. */
#include <string.h>

#include <docnorm.h>

#define PLAINTEXT_VERSION "1.0.0"

/* Appends @text with every line prefixed by @indent spaces. */
static void
append_indented (GString *out, const char *text, guint indent)
{
  char **lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    for (guint i = 0; i < indent; i++)
      g_string_append_c (out, ' ');
    g_string_append (out, *l);
    g_string_append_c (out, '\n');
  }
  g_strfreev (lines);
}

static gboolean
plaintext_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out,
                 GError **error)
{
  (void) options; /* plain text has no pretty or hints mode */
  GString *s = g_string_new (NULL);
  const char *title = dn_document_get_meta_string (doc, "title");
  if (title != NULL)
    g_string_append_printf (s, "%s\n\n", title);

  guint depth = 0; /* open lists and sections, for indentation */
  DnIter it;
  /* DnIter takes a mutable root; a writer only reads through it. */
  dn_iter_init (&it, (DnNode *) dn_document_get_root_const (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    const DnNode *n = it.current;
    DnNodeType type = dn_node_get_node_type (n);
    const char *text = dn_node_get_text (n);
    if (type == DN_NODE_LIST || type == DN_NODE_SECTION) {
      if (ev == DN_EVENT_ENTER)
        depth++;
      else
        depth--;
      continue;
    }
    if (type == DN_NODE_TABLE_ROW) {
      if (ev == DN_EVENT_EXIT)
        g_string_append_c (s, '\n');
      continue;
    }
    if (ev != DN_EVENT_ENTER || text == NULL)
      continue;
    switch (type) {
    case DN_NODE_HEADING:
      append_indented (s, text, 2 * (depth > 0 ? depth - 1 : 0));
      /* One '=' per character, so CJK headings get a line as long as the text. */
      for (glong i = 0; i < g_utf8_strlen (text, -1); i++)
        g_string_append_c (s, '=');
      g_string_append (s, "\n\n");
      break;
    case DN_NODE_LIST_ITEM:
      for (guint i = 0; i + 1 < depth; i++)
        g_string_append (s, "  ");
      g_string_append_printf (s, "- %s\n", text);
      break;
    case DN_NODE_TABLE_CELL:
      g_string_append_printf (s, "%s%s", dn_node_previous (n) != NULL ? " | " : "", text);
      break;
    default:
      append_indented (s, text, 0);
      g_string_append_c (s, '\n');
      break;
    }
  }
  gboolean ok = g_output_stream_write_all (out, s->str, s->len, NULL, NULL, error);
  g_string_free (s, TRUE);
  return ok;
}

static const char *const plaintext_media_types[] = { "text/plain", NULL };
static const char *const plaintext_extensions[] = { "text", NULL };

static const DnWriterVTable plaintext_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = plaintext_write,
};

static const DnPluginDesc plaintext_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "plaintext",
  .description = "Body as indented plain text (example plugin)",
  .version = PLAINTEXT_VERSION,
  .media_types = plaintext_media_types,
  .extensions = plaintext_extensions,
  .writer = &plaintext_writer,
  .license = "MIT",
};

/* The one exported symbol: dn_plugin_plaintext_get_desc(), in docnorm-plaintext.so. */
DN_PLUGIN_REGISTER (plaintext, plaintext_desc)
