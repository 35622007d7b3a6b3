/* docnorm serve — an HTTP service on libsoup 3 (docs/SERVING.md).
 *
 * PUT or POST /convert takes a document (the raw body, or the file part of
 * a multipart form) and answers with its record. The upload goes to a
 * private spool folder and converts in a child process of its own, as in
 * `docnorm batch` (dn-batch-worker.c, driven by dn-job.c), with the same
 * wall-clock timeout and memory cap: a document that crashes or hangs a
 * reader costs its own request only. At most -j children run at once and at
 * most --queue requests wait; past that a request is refused with 429 as
 * soon as its headers are read, before its body is.
 *
 * This file has the command; dn-serve-routes.c the checks and the small
 * endpoints, dn-serve-convert.c /convert, dn-serve-request.c a request's
 * queueing and answer, dn-serve-metrics.c the counters and /metrics. */
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

#include "dn-config.h"
#include "dn-serve.h"

#define DN_SERVE_DEFAULT_LISTEN "127.0.0.1:8080"

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

static gboolean
on_stop (gpointer data)
{
  DnServe *sv = data;
  if (!sv->draining)
    fprintf (stderr, "docnorm serve: shutting down once %u request%s finish%s\n", sv->admitted,
             sv->admitted == 1 ? "" : "s", sv->admitted == 1 ? "es" : "");
  sv->draining = TRUE;
  if (sv->admitted == 0)
    dn_serve_quit_soon (sv);
  return G_SOURCE_CONTINUE;
}

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
  if (!parsed)
    return DN_EXIT_USAGE;
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
  soup_server_add_early_handler (sv.server, NULL, dn_serve_handle_early, &sv, NULL);
  soup_server_add_handler (sv.server, NULL, dn_serve_handle_request, &sv, NULL);
  g_signal_connect (sv.server, "request-finished", G_CALLBACK (dn_serve_count_response), &sv);
  /* libsoup reports a 500 as aborted. */
  g_signal_connect (sv.server, "request-aborted", G_CALLBACK (dn_serve_count_response), &sv);
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
