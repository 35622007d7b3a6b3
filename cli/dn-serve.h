/* dn-serve.h — what the parts of docnorm serve share (dn-cmd-serve.c has
 * the command): the server's state, a request's, and the functions the
 * parts call one another by. Internal to the CLI. */
#pragma once
#include <libsoup/soup.h>

#include "dn-batch.h"
#include "dn-job.h"

G_BEGIN_DECLS

/* Bodies of requests other than /convert are not needed: a few KiB at most. */
#define DN_SERVE_SMALL_BODY (64 * 1024)
/* RFC 6585; libsoup 3.2 has no name for it. */
#define DN_STATUS_TOO_MANY_REQUESTS 429
/* How many upper bounds the duration histogram has (dn-serve-metrics.c). */
#define DN_SERVE_N_DURATION_BUCKETS 14

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
  guint64 histogram[DN_SERVE_N_DURATION_BUCKETS];
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

/* dn-serve-reply.c: @msg's status and body. */
void dn_serve_respond_text (SoupServerMessage *msg, guint status, const char *type, const char *text, gsize len);
/* @node as indented JSON plus a newline; @node stays the caller's. */
void dn_serve_respond_json (SoupServerMessage *msg, guint status, JsonNode *node);
/* {"error":{"code":…,"message":…}} with @status. */
void dn_serve_respond_error (SoupServerMessage *msg, guint status, const char *code, const char *format, ...)
  G_GNUC_PRINTF (4, 5);

/* dn-serve-request.c: makes the request of @msg, which has been let in
 * (owned by @msg, freed with it), and follows its upload and its end. */
void dn_serve_request_admit (DnServe *sv, SoupServerMessage *msg);
/* Starts queued requests while slots are free. */
void dn_serve_schedule (DnServe *sv);
/* Quits the main loop once libsoup is done with the message being finished. */
void dn_serve_quit_soon (DnServe *sv);

/* dn-serve-convert.c: answers (or queues) an admitted /convert request. */
void dn_serve_handle_convert (DnServe *sv, SoupServerMessage *msg, GHashTable *query);

/* dn-serve-routes.c: the server's early handler (headers read, body not)
 * and its handler, both with @data the DnServe. */
void dn_serve_handle_early (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                            gpointer data);
void dn_serve_handle_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                              gpointer data);

/* dn-serve-metrics.c: the counters, and GET /metrics. */
void dn_serve_count_failure (DnServe *sv, const char *code);
void dn_serve_count_duration (DnServe *sv, double seconds);
/* The "request-finished" (and "request-aborted") handler, @data the DnServe. */
void dn_serve_count_response (SoupServer *server, SoupServerMessage *msg, gpointer data);
void dn_serve_handle_metrics (DnServe *sv, SoupServerMessage *msg);

G_END_DECLS
