/* docnorm serve — an HTTP service on libsoup 3 (docs/SERVING.md).
 *
 * PUT or POST /convert takes a document (the raw body, or the file part of
 * a multipart form) and answers with its record. The upload goes to a
 * private spool folder and converts in a child process of its own, as in
 * `docnorm batch` (dn-batch-worker.c, driven by dn-job.c), with the same
 * wall-clock timeout and memory cap: a document that crashes or hangs a
 * reader costs its own request only. At most -j children run at once and at
 * most --queue requests wait; past that a request is refused with 429 as
 * soon as its headers are read, before its body is. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib-unix.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "dn-batch.h"
#include "dn-config.h"
#include "dn-job.h"

#define DN_SERVE_DEFAULT_LISTEN "127.0.0.1:8080"
/* Bodies of requests other than /convert are not needed: a few KiB at most. */
#define DN_SERVE_SMALL_BODY (64 * 1024)
/* RFC 6585; libsoup 3.2 has no name for it. */
#define DN_STATUS_TOO_MANY_REQUESTS 429

static char *opt_listen;
static int opt_jobs;
static int opt_queue = -1;
static double opt_timeout = 120;
static gint64 opt_max_memory = 2048;
static gint64 opt_max_upload_mb = 100;
static char *opt_token_file;
static char **opt_limits;

static const GOptionEntry serve_entries[] = {
  { "listen", 0, 0, G_OPTION_ARG_STRING, &opt_listen, "Listen on ADDR:PORT (default 127.0.0.1:8080; port 0 = any free one)", "ADDR:PORT" },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs, "Convert N documents at a time (default: the number of cores)", "N" },
  { "queue", 0, 0, G_OPTION_ARG_INT, &opt_queue, "Let N more requests wait for a slot; past that answer 429 (default 4 × jobs)", "N" },
  { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout, "Give up on a document after SECONDS of wall-clock time (default 120; 0 = never)", "SECONDS" },
  { "max-memory", 0, 0, G_OPTION_ARG_INT64, &opt_max_memory, "Address-space cap per document in MiB (default 2048; 0 = none)", "MIB" },
  { "max-upload-mb", 0, 0, G_OPTION_ARG_INT64, &opt_max_upload_mb, "Refuse request bodies over N MiB with 413 (default 100)", "N" },
  { "token-file", 0, 0, G_OPTION_ARG_FILENAME, &opt_token_file, "Require 'Authorization: Bearer TOKEN', TOKEN read from FILE", "FILE" },
  { "limit", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_limits, "Set a reader limit, e.g. max_entries=20000 (repeatable; docs/SECURITY.md lists them)", "NAME=VALUE" },
  { NULL },
};

/* Upper bounds of the duration histogram, in seconds (Prometheus "le"). */
static const double duration_buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120 };

typedef struct _DnServeRequest DnServeRequest;

typedef struct {
  DnRegistry *reg;
  SoupServer *server;
  GMainLoop *loop;
  DnConvertOptions convert;    /* defaults and limits every request starts from */
  guint64 max_memory;
  guint64 max_upload;
  double timeout;
  guint jobs;
  guint queue_max;
  char *token;                 /* NULL: no token, loopback only */
  char *spool;
  gboolean draining;
  gboolean close_connections;  /* no keep-alive: see dn_cmd_serve() */
  guint admitted;              /* /convert requests let in and not yet finished */
  guint running;
  GQueue pending;              /* DnServeRequest* waiting for a slot */
  guint64 next_id;
  /* Metrics. */
  guint64 converted[3];        /* ok, notice, review */
  GHashTable *failed;          /* error code → guint64 count */
  GHashTable *responses;       /* HTTP status → guint64 count */
  guint64 histogram[G_N_ELEMENTS (duration_buckets)];
  guint64 duration_count;
  double duration_sum;
} DnServe;

typedef enum { REQ_UPLOADING, REQ_QUEUED, REQ_RUNNING, REQ_DONE } DnServeState;

struct _DnServeRequest {
  DnServe *sv;
  SoupServerMessage *msg;      /* borrowed: the request lives in its qdata */
  DnServeState state;
  guint64 id;
  guint64 received;            /* body bytes so far */
  gboolean too_large;
  const DnPluginDesc *writer;
  char *extension;
  DnConvertOptions convert;
  char *reader_name;
  char *password;
  char *input_path;            /* SPOOL/ID.in */
  DnBatchInput input;          /* rel = ID/NAME: the record is SPOOL/ID/NAME.EXT */
  GList *link;                 /* in sv->pending while queued */
  DnJob *job;
};

/* ---------------------------------------------------------------- replies */

static void
respond_text (SoupServerMessage *msg, guint status, const char *type, const char *text, gsize len)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_COPY, text, len);
}

static void
respond_json (SoupServerMessage *msg, guint status, JsonNode *node)
{
  char *text = json_to_string (node, TRUE);
  GString *t = g_string_new (text);
  g_string_append_c (t, '\n');
  respond_text (msg, status, "application/json", t->str, t->len);
  g_string_free (t, TRUE);
  g_free (text);
}

static void
respond_error (SoupServerMessage *msg, guint status, const char *code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

/* {"error":{"code":…,"message":…}} with @status. */
static void
respond_error (SoupServerMessage *msg, guint status, const char *code, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  JsonObject *e = dn_batch_error_object (code, message);
  JsonObject *root = json_object_new ();
  json_object_set_object_member (root, "error", e);
  JsonNode *node = json_node_init_object (json_node_alloc (), root);
  respond_json (msg, status, node);
  json_node_unref (node);
  json_object_unref (root);
  g_free (message);
}

/* The HTTP status that answers a conversion failing with DN_ERROR @code. */
static guint
status_for_code (const char *code)
{
  static const struct { const char *code; guint status; } map[] = {
    { "unknown_format", SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE },
    { "unsupported", SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE },
    { "corrupt", SOUP_STATUS_UNPROCESSABLE_ENTITY },
    { "encoding", SOUP_STATUS_UNPROCESSABLE_ENTITY },
    { "no_text", SOUP_STATUS_UNPROCESSABLE_ENTITY },
    { "encrypted", SOUP_STATUS_LOCKED },
    { "limit", SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE },
    { "timeout", SOUP_STATUS_GATEWAY_TIMEOUT },
  };
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    if (strcmp (code, map[i].code) == 0)
      return map[i].status;
  return SOUP_STATUS_INTERNAL_SERVER_ERROR;   /* failed (a crash too), io, plugin */
}

/* ---------------------------------------------------------------- requests */

static void
request_cleanup_files (DnServeRequest *req)
{
  if (req->input_path != NULL)
    g_unlink (req->input_path);
  if (req->input.rel != NULL) {
    DnBatchSettings s = { .outdir = req->sv->spool, .extension = req->extension };
    char *record = dn_batch_record_path (&s, &req->input);
    dn_batch_remove_temporaries (record);
    g_unlink (record);
    char *dir = g_path_get_dirname (record);
    g_rmdir (dir);
    g_free (dir);
    g_free (record);
  }
}

static void
request_free (DnServeRequest *req)
{
  request_cleanup_files (req);
  g_free (req->extension);
  g_free (req->reader_name);
  g_free (req->password);
  g_free (req->input_path);
  g_free (req->input.path);
  g_free (req->input.rel);
  g_free (req->input.key);
  g_free (req);
}

static void schedule (DnServe *sv);

static void
count_failure (DnServe *sv, const char *code)
{
  guint64 *n = g_hash_table_lookup (sv->failed, code);
  if (n == NULL) {
    n = g_new0 (guint64, 1);
    g_hash_table_insert (sv->failed, g_strdup (code), n);
  }
  (*n)++;
}

static void
count_duration (DnServe *sv, double seconds)
{
  for (guint i = 0; i < G_N_ELEMENTS (duration_buckets); i++)
    if (seconds <= duration_buckets[i])
      sv->histogram[i]++;
  sv->duration_count++;
  sv->duration_sum += seconds;
}

/* Answers with the record, or with the error the child met. */
static void
request_answer (DnServeRequest *req, DnBatchWorker *worker)
{
  DnServe *sv = req->sv;
  DnBatchOutcome o;
  dn_batch_worker_outcome (worker, sv->timeout, sv->max_memory, &o);
  dn_batch_outcome_resolve (&o);
  count_duration (sv, o.seconds);
  SoupServerMessage *msg = req->msg;
  if (strcmp (o.status, "failed") != 0) {
    DnBatchSettings s = { .outdir = sv->spool, .extension = req->extension };
    char *record = dn_batch_record_path (&s, &req->input);
    GError *error = NULL;
    GMappedFile *map = g_mapped_file_new (record, FALSE, &error);
    if (map != NULL) {
      GBytes *bytes = g_mapped_file_get_bytes (map);
      g_mapped_file_unref (map);
      const char *const *types = req->writer->media_types;
      const char *type = types != NULL && types[0] != NULL ? types[0] : "application/octet-stream";
      soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
      SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
      char *ctype = g_str_has_prefix (type, "text/") ? g_strconcat (type, "; charset=utf-8", NULL) : g_strdup (type);
      soup_message_headers_set_content_type (h, ctype, NULL);
      g_free (ctype);
      soup_message_headers_replace (h, "X-Docnorm-Status", o.status);
      char num[32];
      g_snprintf (num, sizeof num, "%" G_GINT64_FORMAT,
                  json_object_get_int_member_with_default (o.result, "warnings", 0));
      soup_message_headers_replace (h, "X-Docnorm-Warnings", num);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), bytes);
      g_bytes_unref (bytes);
      sv->converted[strcmp (o.status, "review") == 0 ? 2 : strcmp (o.status, "notice") == 0 ? 1 : 0]++;
    } else {
      respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "io", "the record cannot be read back: %s",
                     error->message);
      count_failure (sv, "io");
      g_error_free (error);
    }
    g_free (record);
  } else {
    const char *code = json_object_get_string_member_with_default (o.err, "code", "failed");
    const char *message = json_object_get_string_member_with_default (o.err, "message", "failed");
    respond_error (msg, status_for_code (code), code, "%s", message);
    count_failure (sv, code);
  }
  dn_batch_outcome_clear (&o);
}

static void
on_job_done (DnJob *job, DnBatchWorker *worker, gpointer data)
{
  DnServeRequest *req = data;
  DnServe *sv = req->sv;
  req->job = NULL;
  req->state = REQ_DONE;
  sv->running--;
  request_answer (req, worker);
  request_cleanup_files (req);
  soup_server_message_unpause (req->msg);
  schedule (sv);
}

/* Starts queued requests while slots are free. */
static void
schedule (DnServe *sv)
{
  while (sv->running < sv->jobs && !g_queue_is_empty (&sv->pending)) {
    DnServeRequest *req = g_queue_pop_head (&sv->pending);
    req->link = NULL;
    DnBatchSettings s = {
      .reg = sv->reg,
      .writer = req->writer,
      .extension = req->extension,
      .outdir = sv->spool,
      .convert = req->convert,
      .max_memory = sv->max_memory,
      .parent_pid = getpid (),
    };
    GError *error = NULL;
    req->job = dn_job_start (&s, &req->input, sv->timeout, on_job_done, req, &error);
    if (req->job == NULL) {
      req->state = REQ_DONE;
      respond_error (req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "io", "%s", error->message);
      count_failure (sv, "io");
      g_error_free (error);
      request_cleanup_files (req);
      soup_server_message_unpause (req->msg);
      continue;
    }
    req->state = REQ_RUNNING;
    sv->running++;
  }
}

static gboolean
on_quit (gpointer data)
{
  DnServe *sv = data;
  g_main_loop_quit (sv->loop);
  return G_SOURCE_REMOVE;
}

/* Quits once libsoup is done with the message being finished: it closes
 * the connection after this signal. */
static void
quit_soon (DnServe *sv)
{
  g_idle_add_full (G_PRIORITY_LOW, on_quit, sv, NULL);
}

/* The message is done with (answered, or its client went away). */
static void
on_message_finished (SoupServerMessage *msg, gpointer data)
{
  DnServeRequest *req = data;
  DnServe *sv = req->sv;
  if (req->state == REQ_QUEUED && req->link != NULL) {
    g_queue_delete_link (&sv->pending, req->link);
    req->link = NULL;
  } else if (req->state == REQ_RUNNING && req->job != NULL) {
    /* Nobody is left to answer: the slot is worth more to the next one. */
    dn_job_cancel (req->job);
    req->job = NULL;
    sv->running--;
    schedule (sv);
  }
  req->state = REQ_DONE;
  request_cleanup_files (req);
  sv->admitted--;
  if (sv->draining && sv->admitted == 0)
    quit_soon (sv);
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, gpointer data)
{
  DnServeRequest *req = data;
  req->received += g_bytes_get_size (chunk);
  if (req->received > req->sv->max_upload && !req->too_large) {
    /* Keep reading, but keep nothing: the answer is 413. */
    req->too_large = TRUE;
    soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
  }
}

/* ---------------------------------------------------------------- checks */

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
      respond_error (msg, SOUP_STATUS_FORBIDDEN, "forbidden", "without --token-file only loopback clients are served");
      return FALSE;
    }
    return TRUE;
  }
  if (strcmp (path, "/health") == 0)
    return TRUE;   /* for load balancers and probes */
  const char *auth = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");
  if (auth == NULL || g_ascii_strncasecmp (auth, "Bearer ", 7) != 0 || !token_matches (auth + 7, sv->token)) {
    respond_error (msg, SOUP_STATUS_UNAUTHORIZED, "unauthorized",
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
static void
on_early (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
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
      respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit", "%s takes no body", path);
    }
    return;
  }
  if (!method_is (msg, "PUT", "POST")) {
    refuse_body (msg);
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "usage", "use PUT or POST to convert");
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow", "PUT, POST");
    return;
  }
  if (sv->draining) {
    refuse_body (msg);
    respond_error (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "shutting_down", "the server is shutting down");
    return;
  }
  if (length >= 0 && (guint64) length > sv->max_upload) {
    refuse_body (msg);
    respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit",
                   "the upload of %" G_GINT64_FORMAT " bytes is over the %" G_GUINT64_FORMAT "-MiB limit",
                   (gint64) length, sv->max_upload / (1024 * 1024));
    return;
  }
  if (sv->admitted >= sv->jobs + sv->queue_max) {
    refuse_body (msg);
    respond_error (msg, DN_STATUS_TOO_MANY_REQUESTS, "queue_full",
                   "%u conversions running and %u waiting: try again later", sv->running,
                   sv->admitted - sv->running);
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
    return;
  }
  DnServeRequest *req = g_new0 (DnServeRequest, 1);
  req->sv = sv;
  req->msg = msg;
  req->id = ++sv->next_id;
  req->state = REQ_UPLOADING;
  sv->admitted++;
  g_object_set_data_full (G_OBJECT (msg), "dn-serve-request", req, (GDestroyNotify) request_free);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), req);
  g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished), req);
}

/* ---------------------------------------------------------------- /convert */

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
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "?%s= takes 1 or 0, not '%s'", name, v);
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
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no writer named '%s' (see GET /formats)", to);
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
    respond_error (msg, SOUP_STATUS_NOT_ACCEPTABLE, "usage",
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
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "the multipart body does not parse");
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
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "the multipart form holds no file");
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

static void
handle_convert (DnServe *sv, SoupServerMessage *msg, GHashTable *query)
{
  DnServeRequest *req = g_object_get_data (G_OBJECT (msg), "dn-serve-request");
  if (req == NULL) {
    respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "failed", "request not admitted");
    return;
  }
  if (req->too_large) {
    respond_error (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, "limit",
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
        respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage",
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
      respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no reader named '%s' (see GET /formats)", from);
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
    respond_error (msg, SOUP_STATUS_BAD_REQUEST, "usage", "no document in the request body");
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
    respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "io", "cannot spool the upload: %s", error->message);
    g_error_free (error);
    return;
  }
  /* The body is on disk now; the message need not keep it too. */
  soup_message_body_truncate (soup_server_message_get_request_body (msg));
  req->state = REQ_QUEUED;
  g_queue_push_tail (&sv->pending, req);
  req->link = sv->pending.tail;
  soup_server_message_pause (msg);
  schedule (sv);
}

/* ---------------------------------------------------------------- the rest */

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
  respond_json (msg, SOUP_STATUS_OK, node);
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
  respond_json (msg, sv->draining ? SOUP_STATUS_SERVICE_UNAVAILABLE : SOUP_STATUS_OK, node);
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
  respond_json (msg, SOUP_STATUS_OK, node);
  json_node_unref (node);
  json_object_unref (root);
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

static void
handle_metrics (DnServe *sv, SoupServerMessage *msg)
{
  GString *t = g_string_new (NULL);
  g_string_append (t,
    "# HELP docnorm_documents_converted_total Documents converted, by status.\n"
    "# TYPE docnorm_documents_converted_total counter\n");
  static const char *const statuses[] = { "ok", "notice", "review" };
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_string_append_printf (t, "docnorm_documents_converted_total{status=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            statuses[i], sv->converted[i]);
  g_string_append (t,
    "# HELP docnorm_documents_failed_total Documents that failed to convert, by error code.\n"
    "# TYPE docnorm_documents_failed_total counter\n");
  guint n_codes;
  const char **codes = (const char **) g_hash_table_get_keys_as_array (sv->failed, &n_codes);
  qsort (codes, n_codes, sizeof *codes, compare_strings);
  for (guint i = 0; i < n_codes; i++)
    g_string_append_printf (t, "docnorm_documents_failed_total{code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            codes[i], *(guint64 *) g_hash_table_lookup (sv->failed, codes[i]));
  g_free (codes);
  g_string_append (t,
    "# HELP docnorm_conversion_duration_seconds Wall-clock time of each conversion process.\n"
    "# TYPE docnorm_conversion_duration_seconds histogram\n");
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  for (guint i = 0; i < G_N_ELEMENTS (duration_buckets); i++)
    g_string_append_printf (t, "docnorm_conversion_duration_seconds_bucket{le=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            g_ascii_formatd (num, sizeof num, "%g", duration_buckets[i]), sv->histogram[i]);
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_bucket{le=\"+Inf\"} %" G_GUINT64_FORMAT "\n",
                          sv->duration_count);
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_sum %s\n",
                          g_ascii_formatd (num, sizeof num, "%.6f", sv->duration_sum));
  g_string_append_printf (t, "docnorm_conversion_duration_seconds_count %" G_GUINT64_FORMAT "\n",
                          sv->duration_count);
  g_string_append_printf (t,
    "# HELP docnorm_queue_length Requests waiting for a conversion slot.\n"
    "# TYPE docnorm_queue_length gauge\n"
    "docnorm_queue_length %u\n"
    "# HELP docnorm_queue_capacity Requests that may wait before 429.\n"
    "# TYPE docnorm_queue_capacity gauge\n"
    "docnorm_queue_capacity %u\n"
    "# HELP docnorm_workers_busy Conversion processes running.\n"
    "# TYPE docnorm_workers_busy gauge\n"
    "docnorm_workers_busy %u\n"
    "# HELP docnorm_workers Conversion processes allowed at once.\n"
    "# TYPE docnorm_workers gauge\n"
    "docnorm_workers %u\n",
    sv->admitted - sv->running, sv->queue_max, sv->running, sv->jobs);
  g_string_append (t,
    "# HELP docnorm_http_responses_total HTTP responses sent, by status.\n"
    "# TYPE docnorm_http_responses_total counter\n");
  for (guint code = 100; code < 600; code++) {
    guint64 *n = g_hash_table_lookup (sv->responses, GUINT_TO_POINTER (code));
    if (n != NULL)
      g_string_append_printf (t, "docnorm_http_responses_total{code=\"%u\"} %" G_GUINT64_FORMAT "\n", code, *n);
  }
  respond_text (msg, SOUP_STATUS_OK, "text/plain; version=0.0.4; charset=utf-8", t->str, t->len);
  g_string_free (t, TRUE);
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query, gpointer data)
{
  DnServe *sv = data;
  if (strcmp (path, "/convert") == 0) {
    handle_convert (sv, msg, query);
    return;
  }
  static const char *const gets[] = { "/formats", "/health", "/version", "/metrics", NULL };
  if (!g_strv_contains (gets, path)) {
    respond_error (msg, SOUP_STATUS_NOT_FOUND, "not_found",
                   "no such endpoint: %s (PUT /convert, GET /formats, /health, /version, /metrics)", path);
    return;
  }
  if (!method_is (msg, "GET", "HEAD")) {
    respond_error (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, "usage", "%s takes GET", path);
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
    handle_metrics (sv, msg);
}

static void
on_request_finished (SoupServer *server, SoupServerMessage *msg, gpointer data)
{
  DnServe *sv = data;
  guint code = soup_server_message_get_status (msg);
  guint64 *n = g_hash_table_lookup (sv->responses, GUINT_TO_POINTER (code));
  if (n == NULL) {
    n = g_new0 (guint64, 1);
    g_hash_table_insert (sv->responses, GUINT_TO_POINTER (code), n);
  }
  (*n)++;
}

static gboolean
on_stop (gpointer data)
{
  DnServe *sv = data;
  if (!sv->draining)
    fprintf (stderr, "docnorm serve: shutting down once %u request%s finish%s\n", sv->admitted,
             sv->admitted == 1 ? "" : "s", sv->admitted == 1 ? "es" : "");
  sv->draining = TRUE;
  if (sv->admitted == 0)
    quit_soon (sv);
  return G_SOURCE_CONTINUE;
}

/* ---------------------------------------------------------------- command */

/* Parses ADDR:PORT ([v6]:PORT too) into a socket address. Names other than
 * "localhost" are refused: the address to bind must not depend on DNS. */
static GSocketAddress *
parse_listen (const char *text, GError **error)
{
  GSocketConnectable *na = g_network_address_parse (text, 8080, error);
  if (na == NULL)
    return NULL;
  const char *host = g_network_address_get_hostname (G_NETWORK_ADDRESS (na));
  guint16 port = g_network_address_get_port (G_NETWORK_ADDRESS (na));
  GInetAddress *ia = g_ascii_strcasecmp (host, "localhost") == 0
                       ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                       : g_inet_address_new_from_string (host);
  g_object_unref (na);
  if (ia == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "'%s' is not a numeric address (e.g. 127.0.0.1:8080, [::1]:8080)", text);
    return NULL;
  }
  GSocketAddress *sa = g_inet_socket_address_new (ia, port);
  g_object_unref (ia);
  return sa;
}

static char *
read_token (const char *file, GError **error)
{
  char *text = NULL;
  if (!g_file_get_contents (file, &text, NULL, error))
    return NULL;
  g_strstrip (text);
  if (*text == '\0' || strchr (text, '\n') != NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "the token file must hold one non-empty line");
    g_free (text);
    return NULL;
  }
  return text;
}

static void
remove_tree (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d != NULL) {
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL) {
      char *p = g_build_filename (dir, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        remove_tree (p);
      else
        g_unlink (p);
      g_free (p);
    }
    g_dir_close (d);
  }
  g_rmdir (dir);
}

int
dn_cmd_serve (int argc, char **argv)
{
  gboolean parsed = dn_cli_parse_command ("serve", "— convert documents over HTTP",
    "PUT or POST a document to /convert and get its record back (writer by Accept\n"
    "or ?to=; ?raw=1, ?hints=1, ?pretty=1; X-Docnorm-Password for encrypted\n"
    "input). GET /formats, /health, /version and /metrics (Prometheus). Each\n"
    "document converts in a process of its own with a time and memory cap.\n"
    "Without --token-file only a loopback address may be listened on.",
    "Exit status: 0 after SIGTERM or SIGINT once the running requests are answered,\n"
    "2 usage (or a non-loopback address without a token), 3 cannot listen or no\n"
    "spool folder. docs/SERVING.md has curl examples and a systemd unit.",
    serve_entries, &argc, &argv);
  if (!parsed) {
    dn_cli_reset_options (serve_entries);
    return DN_EXIT_USAGE;
  }
  int status = DN_EXIT_USAGE;
  DnServe sv;
  memset (&sv, 0, sizeof sv);
  GSocketAddress *addr = NULL;
  GError *error = NULL;
  if (argc > 1) {
    dn_cli_error ("serve", "takes no arguments (see docnorm serve --help)");
    goto out;
  }
  if (opt_jobs < 0 || opt_queue < -1 || opt_timeout < 0 || isnan (opt_timeout) || opt_max_memory < 0 ||
      opt_max_upload_mb < 1) {
    dn_cli_error ("serve", "--jobs, --queue, --timeout and --max-memory take numbers of 0 or more, --max-upload-mb of 1 or more");
    goto out;
  }
  const char *listen = opt_listen != NULL ? opt_listen : DN_SERVE_DEFAULT_LISTEN;
  addr = parse_listen (listen, &error);
  if (addr == NULL) {
    dn_cli_error ("serve", "--listen %s: %s", listen, error->message);
    g_error_free (error);
    goto out;
  }
  if (opt_token_file != NULL) {
    sv.token = read_token (opt_token_file, &error);
    if (sv.token == NULL) {
      dn_cli_error (opt_token_file, "%s", error->message);
      g_error_free (error);
      goto out;
    }
  }
  GInetAddress *ia = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (addr));
  if (sv.token == NULL && !g_inet_address_get_is_loopback (ia)) {
    dn_cli_error ("serve", "refusing to listen on %s without --token-file: anyone who can reach it could use it",
                  listen);
    goto out;
  }

  sv.reg = dn_cli_registry_new ();
  /* Loaded once here rather than again in every forked child. */
  dn_registry_load_all (sv.reg);
  dn_convert_options_init (&sv.convert);
  sv.max_upload = (guint64) opt_max_upload_mb * 1024 * 1024;
  sv.convert.read.limits.max_input_bytes = sv.max_upload;
  if (!dn_cli_apply_limits (&sv.convert.read.limits, opt_limits, "serve") ||
      !dn_cli_apply_page_options (&sv.convert, "serve"))
    goto out;
  sv.max_memory = (guint64) opt_max_memory * 1024 * 1024;
  sv.timeout = opt_timeout;
  sv.jobs = opt_jobs > 0 ? (guint) opt_jobs : MAX (1, g_get_num_processors ());
  sv.queue_max = opt_queue >= 0 ? (guint) opt_queue : 4 * sv.jobs;
  sv.failed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sv.responses = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_queue_init (&sv.pending);

  status = DN_EXIT_IO;
  sv.spool = g_dir_make_tmp ("docnorm-serve-XXXXXX", &error);
  if (sv.spool == NULL) {
    dn_cli_error ("serve", "cannot make a spool folder: %s", error->message);
    g_error_free (error);
    goto out;
  }
  /* libsoup before 3.3 never closes an idle kept-alive connection that its
   * client has closed (CLOSE_WAIT, one descriptor each for good; fixed by
   * libsoup commit d20c6601): there, every connection serves one request. */
  sv.close_connections = soup_get_major_version () == 3 && soup_get_minor_version () < 3;
  char *header = g_strdup_printf ("docnorm/%s ", DN_VERSION);
  sv.server = soup_server_new ("server-header", header, NULL);
  g_free (header);
  soup_server_add_early_handler (sv.server, NULL, on_early, &sv, NULL);
  soup_server_add_handler (sv.server, NULL, on_request, &sv, NULL);
  g_signal_connect (sv.server, "request-finished", G_CALLBACK (on_request_finished), &sv);
  /* libsoup reports a 500 as aborted. */
  g_signal_connect (sv.server, "request-aborted", G_CALLBACK (on_request_finished), &sv);
  if (!soup_server_listen (sv.server, addr, 0, &error)) {
    dn_cli_error ("serve", "cannot listen on %s: %s", listen, error->message);
    g_error_free (error);
    goto out;
  }
  signal (SIGPIPE, SIG_IGN);
  sv.loop = g_main_loop_new (NULL, FALSE);
  guint term_source = g_unix_signal_add (SIGTERM, on_stop, &sv);
  guint int_source = g_unix_signal_add (SIGINT, on_stop, &sv);
  /* The address bound, port 0 resolved. (Not soup_server_get_uris(): in
   * libsoup 3.2 it leaks the addresses it asks for.) */
  GSList *listeners = soup_server_get_listeners (sv.server);
  GSocketAddress *bound = listeners != NULL ? g_socket_get_local_address (listeners->data, NULL) : NULL;
  g_slist_free (listeners);
  char *uri;
  if (bound != NULL) {
    GInetSocketAddress *isa = G_INET_SOCKET_ADDRESS (bound);
    char *host = g_inet_address_to_string (g_inet_socket_address_get_address (isa));
    gboolean v6 = g_inet_address_get_family (g_inet_socket_address_get_address (isa)) == G_SOCKET_FAMILY_IPV6;
    uri = g_strdup_printf ("http://%s%s%s:%u/", v6 ? "[" : "", host, v6 ? "]" : "",
                           g_inet_socket_address_get_port (isa));
    g_free (host);
    g_object_unref (bound);
  } else {
    uri = g_strdup (listen);
  }
  fprintf (stderr, "docnorm serve: listening on %s (%u workers, queue %u%s)\n", uri, sv.jobs, sv.queue_max,
           sv.token != NULL ? ", token required" : ", loopback only");
  fflush (stderr);
  g_free (uri);

  g_main_loop_run (sv.loop);

  g_source_remove (term_source);
  g_source_remove (int_source);
  soup_server_disconnect (sv.server);
  /* Lets the connections just closed be freed. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  status = DN_EXIT_OK;

out:
  if (sv.server != NULL)
    g_object_unref (sv.server);
  if (sv.loop != NULL)
    g_main_loop_unref (sv.loop);
  if (sv.spool != NULL) {
    remove_tree (sv.spool);
    g_free (sv.spool);
  }
  if (sv.failed != NULL)
    g_hash_table_unref (sv.failed);
  if (sv.responses != NULL)
    g_hash_table_unref (sv.responses);
  if (sv.reg != NULL)
    dn_registry_free (sv.reg);
  g_free (sv.token);
  g_clear_object (&addr);
  dn_cli_reset_options (serve_entries);
  return status;
}
