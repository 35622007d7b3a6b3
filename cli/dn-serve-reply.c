/* The answers of docnorm serve: a text, a JSON document, or a JSON error. */
#include "dn-serve.h"

void
dn_serve_respond_text (SoupServerMessage *msg, guint status, const char *type, const char *text, gsize len)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, text, len);
}

void
dn_serve_respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  char *text = json_to_string (node, TRUE);
  GString *t = g_string_new (text);
  g_string_append_c (t, '\n');
  dn_serve_respond_text (msg, status, "application/json", t->str, t->len);
  g_string_free (t, TRUE);
  g_free (text);
}

/* {"error":{"code":…,"message":…}} with @status. */
void
dn_serve_respond_error (SoupServerMessage *msg, guint status, const char *code, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  JsonObject *e = dn_batch_error_object (code, message);
  JsonObject *root = json_object_new ();
  json_object_set_object_member (root, "error", e);
  JsonNode *node = json_node_init_object (json_node_alloc (), root);
  dn_serve_respond_json (msg, status, node);
  json_node_unref (node);
  json_object_unref (root);
  g_free (message);
}
