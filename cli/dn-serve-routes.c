/* Which request is served and how: the checks made once the headers are
 * read, and the endpoints other than /convert (dn-serve-convert.c) and
 * /metrics (dn-serve-metrics.c). */
#include <string.h>

#include "dn-config.h"
#include "dn-serve.h"

static gboolean
token_matches (const char *given, const char *token)
{
  gsize gl = strlen (given), tl = strlen (token);
  /* Time independent of where they differ. */
  unsigned char diff = gl != tl;
  for (gsize i = 0; i < tl; i++)
    diff |= (unsigned char) (token[i] ^ (i < gl ? given[i] : 0));
  return diff == 0;
}

/* Refuses the request (and returns FALSE) unless it may be served. */
static gboolean
check_access (DnServe *sv, SoupServerMessage *msg, const char *path)
{
  if (sv->token == NULL) {
    GSocketAddress *addr = soup_server_message_get_remote_address (msg);
    GInetAddress *ia = G_IS_INET_SOCKET_ADDRESS (addr)
                         ? g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr)) : NULL;
    if (ia == NULL || !g_inet_address_get_is_loopback (ia)) {
      dn_serve_respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "without --token-file only loopback clients are served");
      return FALSE;
    }
    return TRUE;
  }
  if (strcmp (path, "/health") == 0)
    return TRUE;   /* for load balancers and probes */
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || !token_matches (auth + 7, sv->token)) {
    dn_serve_respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
                   auth == NULL ? "a bearer token is required (Authorization: Bearer TOKEN)" : "wrong token");
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "WWW-Authenticate",
                                  "Bearer realm=\"docnorm\"");
    return FALSE;
  }
  return TRUE;
}

static gboolean
method_is (SoupServerMessage *msg, const char *a, const char *b)
{
  const char *m = soup_server_message_get_method (msg);
  return strcmp (m, a) == 0 || (b != NULL && strcmp (m, b) == 0);
}

static void
refuse_body (SoupServerMessage *msg)
{
  soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
}

/* Runs once the headers are read, before the body is: everything that can
 * be refused is refused here, so a refused body is never stored. */
void
dn_serve_handle_early (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  DnServe *sv = data;
  if (sv->close_connections)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
  if (!check_access (sv, msg, path)) {
    refuse_body (msg);
    return;
  }
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  gboolean has_length = soup_message_headers_get_encoding (h) == SOUP_ENCODING_CONTENT_LENGTH;
  goffset length = has_length ? soup_message_headers_get_content_length (h) : -1;
  if (strcmp (path, "/convert") != 0) {
    if (length > DN_SERVE_SMALL_BODY) {
      refuse_body (msg);
      dn_serve_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit", "%s takes no body", path);
    }
    return;
  }
  if (!method_is (msg, "PUT", "POST")) {
    refuse_body (msg);
    dn_serve_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "usage", "use PUT or POST to convert");
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "PUT, POST");
    return;
  }
  if (sv->draining) {
    refuse_body (msg);
    dn_serve_respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down");
    return;
  }
  if (length >= 0 && (guint64) length > sv->max_upload) {
    refuse_body (msg);
    dn_serve_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit",
                   "the upload of %" G_GINT64_FORMAT " bytes is over the %" G_GUINT64_FORMAT "-MiB limit",
                   (gint64) length, sv->max_upload / (1024 * 1024));
    return;
  }
  if (sv->admitted >= sv->jobs + sv->queue_max) {
    refuse_body (msg);
    dn_serve_respond_error (msg, DN_STATUS_TOO_MANY_REQUESTS, "queue_full",
                   "%u conversions running and %u waiting: try again later", sv->running,
                   sv->admitted - sv->running);
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
    return;
  }
  dn_serve_request_admit (sv, msg);
}

static JsonArray *
strv_array (const char *const *items)
{
  JsonArray *a = json_array_new ();
  for (const char *const *i = items; i != NULL && *i != NULL; i++)
    json_array_add_string_element (a, *i);
  return a;
}

static void
handle_formats (DnServe *sv, SoupServerMessage *msg)
{
  JsonObject *root = json_object_new ();
  JsonArray *readers = json_array_new (), *writers = json_array_new ();
  for (guint i = 0; i < dn_registry_get_n_plugins (sv->reg); i++) {
    const DnPluginDesc *d = dn_registry_get_plugin (sv->reg, i, NULL);
    if (d == NULL)
      continue;
    JsonObject *p = json_object_new ();
    json_object_set_string_member (p, "name", d->name);
    json_object_set_string_member (p, "version", d->version);
    json_object_set_string_member (p, "description", d->description);
    json_object_set_array_member (p, "extensions", strv_array (d->extensions));
    json_object_set_array_member (p, "media_types", strv_array (d->media_types));
    const char *license = dn_plugin_desc_get_license (d);
    if (license != NULL)
      json_object_set_string_member (p, "license", license);
    if (d->reader != NULL && d->writer != NULL)
      json_array_add_object_element (writers, json_object_ref (p));
    json_array_add_object_element (d->reader != NULL ? readers : writers, p);
  }
  json_object_set_array_member (root, "readers", readers);
  json_object_set_array_member (root, "writers", writers);
  JsonNode *node = json_node_init_object (json_node_alloc (), root);
  dn_serve_respond_json (msg, SOUP_STATUS_OK, node);
  json_node_unref (node);
  json_object_unref (root);
}

static void
handle_health (DnServe *sv, SoupServerMessage *msg)
{
  JsonObject *root = json_object_new ();
  json_object_set_string_member (root, "status", sv->draining ? "draining" : "ready");
  json_object_set_int_member (root, "workers", sv->jobs);
  json_object_set_int_member (root, "busy", sv->running);
  json_object_set_int_member (root, "queued", sv->admitted - sv->running);
  json_object_set_int_member (root, "queue_capacity", sv->queue_max);
  JsonNode *node = json_node_init_object (json_node_alloc (), root);
  dn_serve_respond_json (msg, sv->draining ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, node);
  json_node_unref (node);
  json_object_unref (root);
}

static void
handle_version (DnServe *sv, SoupServerMessage *msg)
{
  JsonObject *root = json_object_new ();
  json_object_set_string_member (root, "docnorm", DN_VERSION);
  json_object_set_string_member (root, "schema_version", DN_SCHEMA_VERSION);
  json_object_set_int_member (root, "plugin_abi", DN_PLUGIN_ABI_VERSION);
  char *soup = g_strdup_printf ("%u.%u.%u", soup_get_major_version (), soup_get_minor_version (),
                                soup_get_micro_version ());
  json_object_set_string_member (root, "libsoup", soup);
  g_free (soup);
  JsonNode *node = json_node_init_object (json_node_alloc (), root);
  dn_serve_respond_json (msg, SOUP_STATUS_OK, node);
  json_node_unref (node);
  json_object_unref (root);
}

void
dn_serve_handle_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  DnServe *sv = data;
  if (strcmp (path, "/convert") == 0) {
    dn_serve_handle_convert (sv, msg, query);
    return;
  }
  static const char *const gets[] = { "/formats", "/health", "/version", "/metrics", NULL };
  if (!g_strv_contains (gets, path)) {
    dn_serve_respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                   "no such endpoint: %s (PUT /convert, GET /formats, /health, /version, /metrics)", path);
    return;
  }
  if (!method_is (msg, "GET", "HEAD")) {
    dn_serve_respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "usage", "%s takes GET", path);
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "GET, HEAD");
    return;
  }
  if (strcmp (path, "/formats") == 0)
    handle_formats (sv, msg);
  else if (strcmp (path, "/health") == 0)
    handle_health (sv, msg);
  else if (strcmp (path, "/version") == 0)
    handle_version (sv, msg);
  else
    dn_serve_handle_metrics (sv, msg);
}
