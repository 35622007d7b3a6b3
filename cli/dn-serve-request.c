/* A /convert request from admission to answer: queued until a slot is free,
 * converted by a job (dn-job.c), answered with the record or the error,
 * and its spool files removed. */
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "dn-serve.h"

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

/* Answers with the record, or with the error the child met. */
static void
request_answer (DnServeRequest *req, DnBatchWorker *worker)
{
  DnServe *sv = req->sv;
  DnBatchOutcome o;
  dn_batch_worker_outcome (worker, sv->timeout, sv->max_memory, &o);
  dn_batch_outcome_resolve (&o);
  dn_serve_count_duration (sv, o.seconds);
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
      dn_serve_respond_error (msg, SOUP_STATUS_INTERNAL_SERVER_ERROR, "io", "the record cannot be read back: %s",
                     error->message);
      dn_serve_count_failure (sv, "io");
      g_error_free (error);
    }
    g_free (record);
  } else {
    const char *code = json_object_get_string_member_with_default (o.err, "code", "failed");
    const char *message = json_object_get_string_member_with_default (o.err, "message", "failed");
    dn_serve_respond_error (msg, status_for_code (code), code, "%s", message);
    dn_serve_count_failure (sv, code);
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
  dn_serve_schedule (sv);
}

/* Starts queued requests while slots are free. */
void
dn_serve_schedule (DnServe *sv)
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
      dn_serve_respond_error (req->msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "io", "%s", error->message);
      dn_serve_count_failure (sv, "io");
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
void
dn_serve_quit_soon (DnServe *sv)
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
    dn_serve_schedule (sv);
  }
  req->state = REQ_DONE;
  request_cleanup_files (req);
  sv->admitted--;
  if (sv->draining && sv->admitted == 0)
    dn_serve_quit_soon (sv);
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

void
dn_serve_request_admit (DnServe *sv, SoupServerMessage *msg)
{
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
