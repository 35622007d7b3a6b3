/* PUT or POST /convert: the options of the request, the writer it wants,
 * and its document, spooled to disk before it is queued. */
#include <string.h>

#include "dn-serve.h"

static gboolean
parse_flag (GHashTable *query, const char *name, gboolean *value, SoupServerMessage *msg)
{
  const char *v = query != NULL ? g_hash_table_lookup (query, name) : NULL;
  if (v == NULL)
    return TRUE;
  if (*v == '\0' || strcmp (v, "1") == 0 || g_ascii_strcasecmp (v, "true") == 0 || g_ascii_strcasecmp (v, "yes") == 0)
    *value = TRUE;
  else if (strcmp (v, "0") == 0 || g_ascii_strcasecmp (v, "false") == 0 || g_ascii_strcasecmp (v, "no") == 0)
    *value = FALSE;
  else {
    dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "?%s= takes 1 or 0, not '%s'", name, v);
    return FALSE;
  }
  return TRUE;
}

static gboolean
writer_has_type (const DnPluginDesc *d, const char *type)
{
  for (const char *const *t = d->media_types; t != NULL && *t != NULL; t++)
    if (g_ascii_strcasecmp (*t, type) == 0)
      return TRUE;
  return FALSE;
}

/* The writer ?to= names, or the first the Accept header takes (json for
 * none or any). Answers 400 or 406 and returns NULL when there is none. */
static const DnPluginDesc *
choose_writer (DnServe *sv, SoupServerMessage *msg, GHashTable *query)
{
  const char *to = query != NULL ? g_hash_table_lookup (query, "to") : NULL;
  if (to != NULL) {
    const DnPluginDesc *w = dn_registry_find_writer (sv->reg, to);
    if (w == NULL)
      dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no writer named '%s' (see GET /formats)", to);
    return w;
  }
  const char *accept = soup_message_headers_get_list (soup_server_message_get_request_headers (msg), "Accept");
  if (accept == NULL || *accept == '\0')
    return dn_registry_find_writer (sv->reg, "json");
  GSList *types = soup_header_parse_quality_list (accept, NULL);
  const DnPluginDesc *found = NULL;
  for (GSList *l = types; l != NULL && found == NULL; l = l->next) {
    const char *t = l->data;
    if (strcmp (t, "*/*") == 0 || g_ascii_strcasecmp (t, "application/*") == 0) {
      found = dn_registry_find_writer (sv->reg, "json");
      break;
    }
    if (g_ascii_strcasecmp (t, "text/xml") == 0)
      t = "application/xml";
    for (guint i = 0; i < dn_registry_get_n_plugins (sv->reg) && found == NULL; i++) {
      const DnPluginDesc *d = dn_registry_get_plugin (sv->reg, i, NULL);
      if (d != NULL && d->writer != NULL && writer_has_type (d, t))
        found = d;
    }
  }
  soup_header_free_list (types);
  if (found == NULL)
    dn_serve_respond_error (msg, SOUP_STATUS_NOT_ACCEPTABLE, "usage",
                   "no writer gives any of '%s' (application/json, application/xml, text/markdown, text/html, or ?to=)",
                   accept);
  return found;
}

/* A base name safe to keep in the spool and to record as the source's file
 * name: no folders, no leading dot, no control characters. */
static char *
clean_name (const char *given)
{
  if (given == NULL)
    return g_strdup ("upload");
  const char *slash = strrchr (given, '/');
  const char *bslash = strrchr (slash != NULL ? slash : given, '\\');
  const char *base = bslash != NULL ? bslash + 1 : slash != NULL ? slash + 1 : given;
  char *name = g_utf8_make_valid (base, -1);
  for (char *p = name; *p != '\0'; p++)
    if ((unsigned char) *p < 0x20 || *p == 0x7f)
      *p = '_';
  while (name[0] == '.')
    memmove (name, name + 1, strlen (name));
  if (strlen (name) > 200) {
    char *cut = g_utf8_substring (name, 0, 100);
    g_free (name);
    name = cut;
  }
  if (*name == '\0') {
    g_free (name);
    return g_strdup ("upload");
  }
  return name;
}

static char *
disposition_filename (SoupMessageHeaders *h)
{
  GHashTable *params = NULL;
  char *name = NULL;
  if (soup_message_headers_get_content_disposition (h, NULL, &params)) {
    name = g_strdup (g_hash_table_lookup (params, "filename"));
    g_hash_table_destroy (params);
  }
  return name;
}

/* The document of the request: the body, or the file part of a multipart
 * form (the part named "file", else the first with a file name, else the
 * first). Answers 400 and returns NULL when a form holds none. */
static GBytes *
request_document (SoupServerMessage *msg, GHashTable *query, char **name)
{
  SoupMessageHeaders *h = soup_server_message_get_request_headers (msg);
  GBytes *body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  const char *qname = query != NULL ? g_hash_table_lookup (query, "name") : NULL;
  const char *ctype = soup_message_headers_get_content_type (h, NULL);
  if (ctype == NULL || g_ascii_strncasecmp (ctype, "multipart/", 10) != 0) {
    char *dname = disposition_filename (h);
    *name = clean_name (qname != NULL ? qname : dname);
    g_free (dname);
    return body;
  }
  SoupMultipart *mp = soup_multipart_new_from_message (h, body);
  g_bytes_unref (body);
  if (mp == NULL) {
    dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "the multipart body does not parse");
    return NULL;
  }
  int chosen = -1, with_name = -1;
  for (int i = 0; i < soup_multipart_get_length (mp) && chosen < 0; i++) {
    SoupMessageHeaders *ph;
    GBytes *pb;
    soup_multipart_get_part (mp, i, &ph, &pb);
    GHashTable *params = NULL;
    if (soup_message_headers_get_content_disposition (ph, NULL, &params)) {
      const char *field = g_hash_table_lookup (params, "name");
      if (field != NULL && strcmp (field, "file") == 0)
        chosen = i;
      else if (with_name < 0 && g_hash_table_lookup (params, "filename") != NULL)
        with_name = i;
      g_hash_table_destroy (params);
    }
  }
  if (chosen < 0)
    chosen = with_name >= 0 ? with_name : soup_multipart_get_length (mp) > 0 ? 0 : -1;
  if (chosen < 0) {
    soup_multipart_free (mp);
    dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "the multipart form holds no file");
    return NULL;
  }
  SoupMessageHeaders *ph;
  GBytes *pb;
  soup_multipart_get_part (mp, chosen, &ph, &pb);
  char *pname = disposition_filename (ph);
  *name = clean_name (qname != NULL ? qname : pname);
  g_free (pname);
  GBytes *doc = g_bytes_ref (pb);
  soup_multipart_free (mp);
  return doc;
}

void
dn_serve_handle_convert (DnServe *sv, SoupServerMessage *msg, GHashTable *query)
{
  DnServeRequest *req = g_object_get_data (G_OBJECT (msg), "dn-serve-request");
  if (req == NULL) {
    dn_serve_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed", "request not admitted");
    return;
  }
  if (req->too_large) {
    dn_serve_respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit",
                   "the upload is over the %" G_GUINT64_FORMAT "-MiB limit", sv->max_upload / (1024 * 1024));
    return;
  }
  static const char *const known[] = { "to", "raw", "hints", "pretty", "from", "name", NULL };
  if (query != NULL) {
    GHashTableIter it;
    gpointer key;
    g_hash_table_iter_init (&it, query);
    while (g_hash_table_iter_next (&it, &key, NULL)) {
      if (!g_strv_contains (known, key)) {
        dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage",
                       "unknown parameter '%s' (to, raw, hints, pretty, from, name)", (const char *) key);
        return;
      }
    }
  }
  req->convert = sv->convert;
  gboolean raw = FALSE, hints = FALSE, pretty = FALSE;
  if (!parse_flag (query, "raw", &raw, msg) || !parse_flag (query, "hints", &hints, msg) ||
      !parse_flag (query, "pretty", &pretty, msg))
    return;
  req->convert.analyse = !raw;
  req->convert.write.with_hints = hints;
  req->convert.write.pretty = pretty;
  const char *from = query != NULL ? g_hash_table_lookup (query, "from") : NULL;
  if (from != NULL) {
    if (dn_registry_find_reader_by_name (sv->reg, from) == NULL) {
      dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no reader named '%s' (see GET /formats)", from);
      return;
    }
    req->reader_name = g_strdup (from);
    req->convert.reader_name = req->reader_name;
  }
  req->writer = choose_writer (sv, msg, query);
  if (req->writer == NULL)
    return;
  req->extension = g_strdup (dn_batch_writer_extension (req->writer));
  req->convert.read.page_images_dpi = dn_cli_page_images_dpi (req->writer);
  const char *pw = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "X-Docnorm-Password");
  if (pw != NULL) {
    req->password = g_strdup (pw);
    req->convert.read.password = req->password;
  }

  char *name = NULL;
  GBytes *doc = request_document (msg, query, &name);
  if (doc == NULL)
    return;
  if (g_bytes_get_size (doc) == 0) {
    g_bytes_unref (doc);
    g_free (name);
    dn_serve_respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no document in the request body");
    return;
  }
  char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, req->id);
  req->input_path = g_strdup_printf ("%s/%s.in", sv->spool, id);
  req->input.path = g_strdup (req->input_path);
  req->input.rel = g_strconcat (id, "/", name, NULL);
  req->input.key = g_strdup (req->input.path);
  g_free (id);
  g_free (name);
  GError *error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (doc, &len);
  gboolean written = g_file_set_contents_full (req->input_path, data, (gssize) len,
                                               G_FILE_SET_CONTENTS_NONE, 0600, &error);
  g_bytes_unref (doc);
  if (!written) {
    dn_serve_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "io", "cannot spool the upload: %s", error->message);
    g_error_free (error);
    return;
  }
  /* The body is on disk now; the message need not keep it too. */
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  req->state = REQ_QUEUED;
  g_queue_push_tail (&sv->pending, req);
  req->link = sv->pending.tail;
  soup_server_message_pause (msg);
  dn_serve_schedule (sv);
}
