/* docnorm batch INPUT… -o OUTDIR — converts many documents, each in a child
 * process of its own, into one record each plus OUTDIR/manifest.ndjson.
 *
 * The parent gathers the inputs, forks up to -j children at a time (each
 * runs dn_batch_child_run()), enforces the wall-clock timeout, records every
 * outcome as one fsync'ed manifest line, and rewrites the manifest in input
 * order once the set is complete. See docs/SCALING.md. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "dn-batch.h"

#define MANIFEST_NAME "manifest.ndjson"
#define MSG_CAP (1 << 20)   /* bytes kept of a child's messages */
#define ERR_TAIL 4096       /* bytes kept of a child's stderr */
#define SECONDS_PLACEHOLDER "@seconds@"

static char *opt_output;
static char *opt_to;
static int opt_jobs;
static double opt_timeout = 120;
static gint64 opt_max_memory = 2048;
static char **opt_include;
static char **opt_exclude;
static char *opt_list;
static gboolean opt_resume;
static gboolean opt_retry_failed;
static gboolean opt_quiet;
static gboolean opt_pretty;
static gboolean opt_hints;
static gboolean opt_raw;
static gint64 opt_max_input_mb = -1;
static char **opt_limits;

static const GOptionEntry batch_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "Write records and manifest.ndjson under DIR (required)", "DIR" },
  { "to", 't', 0, G_OPTION_ARG_STRING, &opt_to, "Writer to use (default json)", "FORMAT" },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs, "Convert N documents at a time (default: the number of cores)", "N" },
  { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout, "Give up on a document after SECONDS of wall-clock time (default 120; 0 = never)", "SECONDS" },
  { "max-memory", 0, 0, G_OPTION_ARG_INT64, &opt_max_memory, "Address-space cap per document in MiB (default 2048; 0 = none)", "MIB" },
  { "include", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_include, "In folders and archives, take only files matching GLOB (repeatable)", "GLOB" },
  { "exclude", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_exclude, "In folders and archives, skip files and folders matching GLOB (repeatable)", "GLOB" },
  { "from", 0, 0, G_OPTION_ARG_FILENAME, &opt_list, "Also read input paths, one per line, from FILE ('-' = standard input)", "FILE" },
  { "resume", 0, 0, G_OPTION_ARG_NONE, &opt_resume, "Skip inputs already converted (same sha256 and schema) or already failed", NULL },
  { "retry-failed", 0, 0, G_OPTION_ARG_NONE, &opt_retry_failed, "With --resume, convert again the inputs that failed before", NULL },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "No progress line and no summary; failures are still reported", NULL },
  { "pretty", 0, 0, G_OPTION_ARG_NONE, &opt_pretty, "Indent the records for people", NULL },
  { "hints", 0, 0, G_OPTION_ARG_NONE, &opt_hints, "Include layout hints in the records", NULL },
  { "raw", 0, 0, G_OPTION_ARG_NONE, &opt_raw, "Skip report analysis", NULL },
  { "max-input-mb", 0, 0, G_OPTION_ARG_INT64, &opt_max_input_mb, "Refuse inputs larger than N MiB (default 512)", "N" },
  { "limit", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_limits, "Set a reader limit, e.g. max_entries=20000 (repeatable; docs/SECURITY.md lists them)", "NAME=VALUE" },
  { NULL },
};

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int sig)
{
  stop_signal = sig;
}

typedef struct {
  pid_t pid;
  guint index;
  int msg_fd;              /* -1 once at end of file */
  int err_fd;
  int pid_fd;              /* readable once the child has exited; -1 if none */
  GString *msg;
  GString *err;            /* the last ERR_TAIL bytes */
  gint64 started;          /* monotonic µs */
  gint64 ended;            /* when reaped */
  gboolean timed_out;
  int wstatus;
  struct rusage ru;
} DnBatchWorker;

typedef struct {
  DnBatchSettings settings;
  DnBatchInputs inputs;
  double timeout;
  int jobs;
  gboolean retry_failed;
  char *manifest_path;
  int manifest_fd;
  gboolean progress;       /* stderr is a terminal and not --quiet */
  gboolean color;
  gboolean quiet;
  guint done, ok, warned, failed, skipped;
  gint64 started;
  gint64 last_progress;
  gboolean progress_shown;
} DnBatch;

/* ---------------------------------------------------------------- manifest */

static char *
manifest_key (JsonObject *line)
{
  const char *path = json_object_get_string_member_with_default (line, "path", NULL);
  if (path == NULL)
    return NULL;
  const char *member = json_object_get_string_member_with_default (line, "member", NULL);
  return member != NULL ? g_strconcat (path, "\n", member, NULL) : g_strdup (path);
}

/* Reads an earlier manifest: key → last line for that key. Lines that do not
 * parse (a torn last line after a crash) are ignored. Returns NULL when
 * there is no manifest. @lines, when not NULL, receives the raw lines. */
static GHashTable *
manifest_load (const char *path, GHashTable *lines)
{
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  GHashTable *map = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) json_object_unref);
  JsonParser *parser = json_parser_new ();
  char **split = g_strsplit (text, "\n", -1);
  for (char **l = split; *l != NULL; l++) {
    if (**l == '\0' || !json_parser_load_from_data (parser, *l, -1, NULL))
      continue;
    JsonNode *root = json_parser_get_root (parser);
    if (!JSON_NODE_HOLDS_OBJECT (root))
      continue;
    JsonObject *obj = json_node_get_object (root);
    char *key = manifest_key (obj);
    if (key == NULL)
      continue;
    if (lines != NULL)
      g_hash_table_insert (lines, g_strdup (key), g_strdup (*l));
    g_hash_table_insert (map, key, json_object_ref (obj));
  }
  g_strfreev (split);
  g_object_unref (parser);
  g_free (text);
  return map;
}

/* Opens the manifest for appending: truncated for a new batch; on --resume
 * kept, minus a torn last line. */
static int
manifest_open (const char *path, gboolean resume, GError **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | (resume ? 0 : O_TRUNC), 0644);
  if (fd < 0) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot open %s: %s", path, g_strerror (e));
    return -1;
  }
  off_t size = lseek (fd, 0, SEEK_END);
  if (size > 0) {
    /* Find the last newline; whatever follows it is a torn line. */
    off_t keep = size;
    char c;
    while (keep > 0 && pread (fd, &c, 1, keep - 1) == 1 && c != '\n')
      keep--;
    if (keep != size && ftruncate (fd, keep) != 0) {
      int e = errno;
      g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot repair %s: %s", path, g_strerror (e));
      close (fd);
      return -1;
    }
  }
  return fd;
}

/* One line, one write(), then fsync: a kill at any moment leaves whole lines
 * (and at worst a torn last one, which resume drops). */
static void
manifest_append (DnBatch *b, JsonObject *line, double seconds)
{
  /* json-glib prints doubles with 17 digits (0.0060000000000000001); the
   * seconds go in as a placeholder string and come out as "0.006". Quotes
   * inside strings are escaped, so the placeholder cannot occur elsewhere. */
  JsonNode *node = json_node_init_object (json_node_alloc (), line);
  char *text = json_to_string (node, FALSE);
  json_node_unref (node);
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  g_ascii_formatd (num, sizeof num, "%.3f", seconds);
  static const char placeholder[] = "\"seconds\":\"" SECONDS_PLACEHOLDER "\"";
  GString *t = g_string_new (text);
  const char *at = strstr (text, placeholder);
  if (at != NULL) {
    gssize pos = at - text;
    g_string_erase (t, pos, sizeof placeholder - 1);
    g_string_insert (t, pos, num);
    g_string_insert (t, pos, "\"seconds\":");
  }
  g_string_append_c (t, '\n');
  char *full = g_string_free (t, FALSE);
  gsize left = strlen (full);
  const char *p = full;
  while (left > 0) {
    ssize_t n = write (b->manifest_fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int e = errno;
      dn_cli_error (b->manifest_path, "cannot write: %s", g_strerror (e));
      break;
    }
    p += n;
    left -= (gsize) n;
  }
  fdatasync (b->manifest_fd);
  g_free (full);
  g_free (text);
}

/* Rewrites the manifest with one line per input, in input order, through a
 * temporary file and a rename. */
static void
manifest_compact (DnBatch *b)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *map = manifest_load (b->manifest_path, lines);
  if (map == NULL) {
    g_hash_table_unref (lines);
    return;
  }
  GString *out = g_string_new (NULL);
  for (guint i = 0; i < b->inputs.items->len; i++) {
    const DnBatchInput *in = b->inputs.items->pdata[i];
    const char *line = g_hash_table_lookup (lines, in->key);
    if (line != NULL) {
      g_string_append (out, line);
      g_string_append_c (out, '\n');
    }
  }
  GError *error = NULL;
  /* g_file_set_contents writes a temporary, fsyncs it and renames. */
  if (!g_file_set_contents_full (b->manifest_path, out->str, (gssize) out->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0644, &error)) {
    dn_cli_error (b->manifest_path, "%s", error->message);
    g_error_free (error);
  }
  g_string_free (out, TRUE);
  g_hash_table_unref (map);
  g_hash_table_unref (lines);
}

/* ---------------------------------------------------------------- progress */

static void
progress_clear (DnBatch *b)
{
  if (b->progress_shown) {
    fputs ("\r\033[K", stderr);
    b->progress_shown = FALSE;
  }
}

static void
progress_show (DnBatch *b, gboolean force)
{
  if (!b->progress)
    return;
  gint64 now = g_get_monotonic_time ();
  if (!force && now - b->last_progress < 200000)
    return;
  b->last_progress = now;
  guint total = b->inputs.items->len;
  double secs = (double) (now - b->started) / G_USEC_PER_SEC;
  /* Skipped inputs (--resume) cost next to nothing: the rate and ETA count
   * conversions only. */
  double rate = secs > 0 ? (b->done - b->skipped) / secs : 0;
  char eta[32] = "--:--";
  if (rate > 0 && b->done < total) {
    guint left = (guint) ceil ((total - b->done) / rate);
    g_snprintf (eta, sizeof eta, "%u:%02u", left / 60, left % 60);
  }
  const char *on = b->color && b->failed > 0 ? "\033[31m" : "";
  const char *off = b->color && b->failed > 0 ? "\033[0m" : "";
  fprintf (stderr, "\r\033[K[%u/%u] %.1f/s, ETA %s, %s%u failed%s", b->done, total, rate, eta, on,
           b->failed, off);
  fflush (stderr);
  b->progress_shown = TRUE;
}

/* ---------------------------------------------------------------- outcomes */

static const char *
signal_name (int sig)
{
  switch (sig) {
  case SIGSEGV: return "SIGSEGV";
  case SIGBUS: return "SIGBUS";
  case SIGABRT: return "SIGABRT";
  case SIGFPE: return "SIGFPE";
  case SIGILL: return "SIGILL";
  case SIGKILL: return "SIGKILL";
  case SIGTERM: return "SIGTERM";
  case SIGINT: return "SIGINT";
  case SIGHUP: return "SIGHUP";
  case SIGTRAP: return "SIGTRAP";
  case SIGSYS: return "SIGSYS";
  case SIGXCPU: return "SIGXCPU";
  case SIGXFSZ: return "SIGXFSZ";
  case SIGPIPE: return "SIGPIPE";
  default: return NULL;
  }
}

/* The last non-empty line of a child's stderr, or NULL. Newly allocated. */
static char *
last_line (const GString *err)
{
  char *copy = g_utf8_make_valid (err->str, (gssize) err->len);
  g_strchomp (copy);
  char *nl = strrchr (copy, '\n');
  char *line = g_strdup (nl != NULL ? nl + 1 : copy);
  g_free (copy);
  g_strstrip (line);
  if (*line == '\0') {
    g_free (line);
    return NULL;
  }
  if (strlen (line) > 300)
    line[300] = '\0';
  return line;
}

static gboolean
looks_out_of_memory (const DnBatch *b, const GString *err, const struct rusage *ru)
{
  static const char *const marks[] = { "failed to allocate", "bad_alloc", "out of memory",
                                       "cannot allocate memory", "memory exhausted", NULL };
  char *lower = g_ascii_strdown (err->str, (gssize) err->len);
  gboolean hit = FALSE;
  for (guint i = 0; marks[i] != NULL && !hit; i++)
    hit = strstr (lower, marks[i]) != NULL;
  g_free (lower);
  guint64 max = b->settings.max_memory;
  /* ru_maxrss is in KiB; a cap reached by touched memory shows there too. */
  if (!hit && max > 0 && (guint64) ru->ru_maxrss * 1024 >= max / 10 * 9)
    hit = TRUE;
  return hit;
}

static JsonObject *
error_object (const char *code, const char *message)
{
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "code", code);
  json_object_set_string_member (e, "message", message);
  return e;
}

/* Records one outcome: manifest line, counters, the one-line failure
 * message. @start and @result are the child's messages (may be NULL);
 * @error, when set, overrides @result. */
static void
record_outcome (DnBatch *b, const DnBatchInput *in, JsonObject *start, JsonObject *result,
                JsonObject *error, const char *signame, double seconds)
{
  const char *status = error != NULL ? "failed"
                       : json_object_get_string_member_with_default (result, "status", "failed");
  gboolean skipped = error == NULL && json_object_has_member (result, "skipped");
  JsonObject *err = error != NULL ? error
                    : json_object_has_member (result, "error")
                      ? json_object_ref (json_object_get_object_member (result, "error")) : NULL;
  if (error == NULL && err == NULL && strcmp (status, "failed") == 0)
    err = error_object ("failed", "no reason given");
  const char *sha = start != NULL ? json_object_get_string_member_with_default (start, "sha256", NULL) : NULL;

  char *record = dn_batch_record_path (&b->settings, in);
  if (strcmp (status, "failed") == 0 && !skipped) {
    /* A record left from an earlier run would now be stale. */
    dn_batch_remove_temporaries (record);
    unlink (record);
  }

  JsonObject *prev = b->settings.previous != NULL ? g_hash_table_lookup (b->settings.previous, in->key) : NULL;
  gboolean prev_same = prev != NULL && sha != NULL &&
                       g_strcmp0 (json_object_get_string_member_with_default (prev, "sha256", NULL), sha) == 0 &&
                       g_strcmp0 (json_object_get_string_member_with_default (prev, "status", NULL), status) == 0;
  if (!(skipped && prev_same)) {
    JsonObject *line = json_object_new ();
    json_object_set_string_member (line, "path", in->path);
    if (in->member != NULL)
      json_object_set_string_member (line, "member", in->member);
    char *rel = g_strdup_printf ("%s.%s", in->rel, b->settings.extension);
    json_object_set_string_member (line, "output", rel);
    g_free (rel);
    if (sha != NULL) {
      json_object_set_string_member (line, "sha256", sha);
      json_object_set_int_member (line, "bytes", json_object_get_int_member_with_default (start, "bytes", 0));
    } else {
      json_object_set_null_member (line, "sha256");
      json_object_set_null_member (line, "bytes");
    }
    const char *reader = result != NULL ? json_object_get_string_member_with_default (result, "reader", NULL) : NULL;
    if (reader == NULL && start != NULL)
      reader = json_object_get_string_member_with_default (start, "reader", NULL);
    if (reader != NULL && *reader != '\0')
      json_object_set_string_member (line, "reader", reader);
    else
      json_object_set_null_member (line, "reader");
    json_object_set_string_member (line, "status", status);
    if (err != NULL)
      json_object_set_object_member (line, "error", json_object_ref (err));
    else
      json_object_set_null_member (line, "error");
    if (signame != NULL)
      json_object_set_string_member (line, "signal", signame);
    gint64 pages = result != NULL && error == NULL ? json_object_get_int_member_with_default (result, "pages", 0) : 0;
    if (pages > 0)
      json_object_set_int_member (line, "pages", pages);
    else
      json_object_set_null_member (line, "pages");
    json_object_set_int_member (line, "warnings",
                                result != NULL && error == NULL
                                  ? json_object_get_int_member_with_default (result, "warnings", 0) : 0);
    if (skipped)
      json_object_set_null_member (line, "seconds");
    else
      json_object_set_string_member (line, "seconds", SECONDS_PLACEHOLDER);
    json_object_set_string_member (line, "schema_version", DN_SCHEMA_VERSION);
    manifest_append (b, line, seconds);
    json_object_unref (line);
  }

  b->done++;
  if (skipped)
    b->skipped++;
  if (strcmp (status, "failed") == 0) {
    b->failed++;
    if (!skipped) {
      progress_clear (b);
      const char *message = json_object_get_string_member_with_default (err, "message", "failed");
      if (in->member != NULL) {
        char *what = g_strdup_printf ("%s: %s", in->path, in->member);
        dn_cli_error (what, "%s", message);
        g_free (what);
      } else {
        dn_cli_error (in->path, "%s", message);
      }
    }
  } else if (strcmp (status, "warnings") == 0) {
    b->warned++;
  } else {
    b->ok++;
  }
  if (err != NULL)
    json_object_unref (err);
  g_free (record);
}

/* Parses the child's JSON lines into its start and result messages. */
static void
parse_messages (const GString *msg, JsonObject **start, JsonObject **result)
{
  *start = *result = NULL;
  JsonParser *parser = json_parser_new ();
  char **lines = g_strsplit (msg->str, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    if (**l == '\0' || !json_parser_load_from_data (parser, *l, -1, NULL))
      continue;
    JsonNode *root = json_parser_get_root (parser);
    if (!JSON_NODE_HOLDS_OBJECT (root))
      continue;
    JsonObject *obj = json_node_get_object (root);
    JsonObject **slot = json_object_has_member (obj, "status") ? result : start;
    if (*slot == NULL)
      *slot = json_object_ref (obj);
  }
  g_strfreev (lines);
  g_object_unref (parser);
}

static void
worker_finish (DnBatch *b, DnBatchWorker *w)
{
  const DnBatchInput *in = b->inputs.items->pdata[w->index];
  int wstatus = w->wstatus;
  const struct rusage *ru = &w->ru;
  double seconds = (double) (w->ended - w->started) / G_USEC_PER_SEC;
  JsonObject *start, *result;
  parse_messages (w->msg, &start, &result);
  JsonObject *error = NULL;
  const char *signame = NULL;
  if (w->timed_out) {
    char *m = g_strdup_printf ("timed out after %g s", b->timeout);
    error = error_object ("timeout", m);
    g_free (m);
  } else if (result == NULL && WIFSIGNALED (wstatus)) {
    int sig = WTERMSIG (wstatus);
    signame = signal_name (sig);
    char *sigtext = signame != NULL ? g_strdup (signame) : g_strdup_printf ("signal %d", sig);
    char *tail = last_line (w->err);
    char *m;
    if (looks_out_of_memory (b, w->err, ru)) {
      m = g_strdup_printf ("memory limit of %" G_GUINT64_FORMAT " MiB exceeded (killed by %s)",
                           b->settings.max_memory / (1024 * 1024), sigtext);
      error = error_object ("limit", m);
    } else {
      m = tail != NULL ? g_strdup_printf ("crashed: killed by %s (%s): %s", sigtext, strsignal (sig), tail)
                       : g_strdup_printf ("crashed: killed by %s (%s)", sigtext, strsignal (sig));
      error = error_object ("failed", m);
    }
    g_free (m);
    g_free (tail);
    g_free (sigtext);
  } else if (result == NULL) {
    char *tail = last_line (w->err);
    char *m = g_strdup_printf ("the conversion process exited with status %d without a result%s%s",
                               WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1,
                               tail != NULL ? ": " : "", tail != NULL ? tail : "");
    error = error_object ("failed", m);
    g_free (m);
    g_free (tail);
  }
  if (w->timed_out || result == NULL) {
    char *record = dn_batch_record_path (&b->settings, in);
    dn_batch_remove_temporaries (record);
    g_free (record);
  }
  record_outcome (b, in, start, result, error, signame, seconds);
  if (start != NULL)
    json_object_unref (start);
  if (result != NULL)
    json_object_unref (result);
}

/* ---------------------------------------------------------------- workers */

static gboolean
worker_spawn (DnBatch *b, guint index, DnBatchWorker *w, GError **error)
{
  int mp[2], ep[2];
  if (pipe2 (mp, O_CLOEXEC) != 0) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create a pipe: %s", g_strerror (e));
    return FALSE;
  }
  if (pipe2 (ep, O_CLOEXEC) != 0) {
    int e = errno;
    close (mp[0]);
    close (mp[1]);
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create a pipe: %s", g_strerror (e));
    return FALSE;
  }
  fflush (stdout);
  fflush (stderr);
  pid_t pid = fork ();
  if (pid < 0) {
    int e = errno;
    close (mp[0]);
    close (mp[1]);
    close (ep[0]);
    close (ep[1]);
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot start a conversion process: %s", g_strerror (e));
    return FALSE;
  }
  if (pid == 0) {
    close (mp[0]);
    close (ep[0]);
    if (b->manifest_fd >= 0)
      close (b->manifest_fd);
    dn_batch_child_run (&b->settings, b->inputs.items->pdata[index], mp[1], ep[1]);
  }
  /* Also here, so that a kill of the group right after fork() reaches it. */
  setpgid (pid, pid);
  close (mp[1]);
  close (ep[1]);
  g_unix_set_fd_nonblocking (mp[0], TRUE, NULL);
  g_unix_set_fd_nonblocking (ep[0], TRUE, NULL);
  memset (w, 0, sizeof *w);
  w->pid = pid;
  w->index = index;
  w->msg_fd = mp[0];
  w->err_fd = ep[0];
  w->pid_fd = -1;
#ifdef SYS_pidfd_open
  /* Polled with the pipes, so the end of the child wakes us at once. */
  w->pid_fd = (int) syscall (SYS_pidfd_open, pid, 0);
#endif
  w->msg = g_string_new (NULL);
  w->err = g_string_new (NULL);
  w->started = g_get_monotonic_time ();
  return TRUE;
}

/* Reads what is there; closes @fd at end of file. */
static void
drain (int *fd, GString *into, gsize cap, gboolean keep_tail)
{
  char buf[8192];
  for (;;) {
    ssize_t n = read (*fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return;  /* EAGAIN: nothing more for now */
    if (n == 0) {
      close (*fd);
      *fd = -1;
      return;
    }
    if (into->len + (gsize) n <= cap)
      g_string_append_len (into, buf, n);
    else if (keep_tail) {
      g_string_append_len (into, buf, n);
      g_string_erase (into, 0, (gssize) (into->len - cap));
    }
  }
}

static void
worker_release (DnBatchWorker *w)
{
  if (w->msg_fd >= 0)
    close (w->msg_fd);
  if (w->err_fd >= 0)
    close (w->err_fd);
  if (w->pid_fd >= 0)
    close (w->pid_fd);
  g_string_free (w->msg, TRUE);
  g_string_free (w->err, TRUE);
}

static void
worker_kill (DnBatchWorker *w)
{
  kill (-w->pid, SIGKILL);
  kill (w->pid, SIGKILL);
}

/* Starts children until -j are running or the inputs run out; inputs known
 * bad from the start are recorded on the way. */
static void
fill_slots (DnBatch *b, GArray *running, guint *next_io)
{
  GPtrArray *items = b->inputs.items;
  guint next = *next_io;
  while ((int) running->len < b->jobs && next < items->len) {
    const DnBatchInput *in = items->pdata[next];
    if (in->error != NULL) {
      JsonObject *e = error_object (dn_error_code_name (in->error->code), in->error->message);
      record_outcome (b, in, NULL, NULL, e, NULL, 0);
      next++;
      continue;
    }
    DnBatchWorker w;
    GError *error = NULL;
    if (!worker_spawn (b, next, &w, &error)) {
      if (running->len > 0) {
        g_error_free (error);
        break;   /* out of processes: wait for one to end */
      }
      JsonObject *e = error_object ("io", error->message);
      record_outcome (b, in, NULL, NULL, e, NULL, 0);
      g_error_free (error);
      next++;
      continue;
    }
    g_array_append_val (running, w);
    next++;
  }
  *next_io = next;
}

/* Runs every input; returns the stop signal (0 when the set completed). */
static int
batch_run (DnBatch *b)
{
  GPtrArray *items = b->inputs.items;
  GArray *running = g_array_new (FALSE, TRUE, sizeof (DnBatchWorker));
  guint next = 0;
  gint64 timeout_us = b->timeout > 0 ? (gint64) (b->timeout * G_USEC_PER_SEC) : 0;

  while (next < items->len || running->len > 0) {
    if (stop_signal != 0)
      break;
    fill_slots (b, running, &next);
    if (running->len == 0)
      continue;

    /* Wait for output, a child's end of file, a deadline or the progress tick. */
    gint64 now = g_get_monotonic_time ();
    gint64 wait_us = b->progress ? 200000 : 1000000;
    struct pollfd *fds = g_new0 (struct pollfd, running->len * 3);
    nfds_t nfds = 0;
    for (guint i = 0; i < running->len; i++) {
      DnBatchWorker *w = &g_array_index (running, DnBatchWorker, i);
      if (w->msg_fd >= 0)
        fds[nfds++] = (struct pollfd) { .fd = w->msg_fd, .events = POLLIN };
      if (w->err_fd >= 0)
        fds[nfds++] = (struct pollfd) { .fd = w->err_fd, .events = POLLIN };
      if (w->pid_fd >= 0)
        fds[nfds++] = (struct pollfd) { .fd = w->pid_fd, .events = POLLIN };
      else if (w->msg_fd < 0 && w->err_fd < 0)
        wait_us = MIN (wait_us, 2000);   /* output closed: about to exit */
      if (timeout_us > 0)
        wait_us = MIN (wait_us, MAX (0, w->started + timeout_us - now));
    }
    int rc = poll (fds, nfds, (int) ((wait_us + 999) / 1000));
    g_free (fds);
    if (rc < 0 && errno != EINTR)
      g_usleep (1000);

    now = g_get_monotonic_time ();
    GArray *finished = g_array_new (FALSE, TRUE, sizeof (DnBatchWorker));
    for (guint i = 0; i < running->len;) {
      DnBatchWorker *w = &g_array_index (running, DnBatchWorker, i);
      if (w->msg_fd >= 0)
        drain (&w->msg_fd, w->msg, MSG_CAP, FALSE);
      if (w->err_fd >= 0)
        drain (&w->err_fd, w->err, ERR_TAIL, TRUE);
      int wstatus = 0;
      struct rusage ru = { 0 };
      pid_t reaped = 0;
      /* Checked every round, not only after end of file: something the child
       * started may hold its pipes open after it is gone. WNOWAIT leaves it
       * a zombie, so its process group cannot be reused before the kill. */
      siginfo_t si;
      memset (&si, 0, sizeof si);
      if (waitid (P_PID, (id_t) w->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == w->pid) {
        kill (-w->pid, SIGKILL);   /* anything the child left running */
        while ((reaped = wait4 (w->pid, &wstatus, 0, &ru)) < 0 && errno == EINTR)
          ;
      } else if (timeout_us > 0 && now - w->started >= timeout_us) {
        worker_kill (w);
        while ((reaped = wait4 (w->pid, &wstatus, 0, &ru)) < 0 && errno == EINTR)
          ;
        w->timed_out = TRUE;
      }
      if (reaped == w->pid) {
        if (w->msg_fd >= 0)
          drain (&w->msg_fd, w->msg, MSG_CAP, FALSE);
        if (w->err_fd >= 0)
          drain (&w->err_fd, w->err, ERR_TAIL, TRUE);
        w->ended = g_get_monotonic_time ();
        w->wstatus = wstatus;
        w->ru = ru;
        g_array_append_val (finished, *w);
        g_array_remove_index (running, i);
      } else {
        i++;
      }
    }
    /* Replacements first: recording an outcome waits for fdatasync, and the
     * free cores should not wait with it. */
    if (finished->len > 0 && stop_signal == 0)
      fill_slots (b, running, &next);
    for (guint i = 0; i < finished->len; i++) {
      DnBatchWorker *w = &g_array_index (finished, DnBatchWorker, i);
      worker_finish (b, w);
      worker_release (w);
    }
    g_array_unref (finished);
    progress_show (b, FALSE);
  }

  int sig = stop_signal;
  /* Interrupted: the unfinished conversions are dropped, not recorded, so
   * --resume does them again. */
  for (guint i = 0; i < running->len; i++) {
    DnBatchWorker *w = &g_array_index (running, DnBatchWorker, i);
    worker_kill (w);
    while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    char *record = dn_batch_record_path (&b->settings, items->pdata[w->index]);
    dn_batch_remove_temporaries (record);
    g_free (record);
    worker_release (w);
  }
  g_array_unref (running);
  return sig;
}

/* ---------------------------------------------------------------- command */

static gboolean
color_wanted (void)
{
  const char *no_color = g_getenv ("NO_COLOR");
  const char *term = g_getenv ("TERM");
  return (no_color == NULL || *no_color == '\0') && isatty (STDERR_FILENO) &&
         (term == NULL || strcmp (term, "dumb") != 0);
}

static void
print_summary (DnBatch *b, int sig)
{
  double secs = (double) (g_get_monotonic_time () - b->started) / G_USEC_PER_SEC;
  guint converted = b->done - b->skipped;
  const char *on = b->color && b->failed > 0 ? "\033[31m" : "";
  const char *off = b->color && b->failed > 0 ? "\033[0m" : "";
  GString *s = g_string_new (NULL);
  if (sig != 0)
    g_string_append_printf (s, "interrupted by %s after %u of %u inputs (rerun with --resume to finish): ",
                            signal_name (sig) != NULL ? signal_name (sig) : "a signal", b->done,
                            b->inputs.items->len);
  else
    g_string_append_printf (s, "%u inputs: ", b->inputs.items->len);
  g_string_append_printf (s, "%u ok, %u with warnings, %s%u failed%s", b->ok, b->warned, on, b->failed, off);
  if (b->skipped > 0)
    g_string_append_printf (s, " (%u already done, skipped)", b->skipped);
  g_string_append_printf (s, "; %u converted in %.1f s (%.1f/s); manifest %s", converted, secs,
                          secs > 0 ? converted / secs : 0.0, b->manifest_path);
  fprintf (stderr, "docnorm batch: %s\n", s->str);
  g_string_free (s, TRUE);
}

static void
reset_options (void)
{
  g_clear_pointer (&opt_output, g_free);
  g_clear_pointer (&opt_to, g_free);
  g_clear_pointer (&opt_list, g_free);
  g_clear_pointer (&opt_include, g_strfreev);
  g_clear_pointer (&opt_exclude, g_strfreev);
  g_clear_pointer (&opt_limits, g_strfreev);
}

int
dn_cmd_batch (int argc, char **argv)
{
  GOptionContext *ctx = g_option_context_new ("INPUT… -o OUTDIR — convert many documents");
  g_option_context_set_summary (ctx,
    "Converts every INPUT (a file, a folder walked recursively, or a .zip archive\n"
    "whose members are converted one by one) into one record under OUTDIR, at the\n"
    "input's own path plus the writer's extension. Each document converts in a\n"
    "process of its own with a time and memory cap; OUTDIR/manifest.ndjson gets one\n"
    "line per input.");
  g_option_context_set_description (ctx,
    "Exit status: 0 every input converted, 1 some failed (see the manifest),\n"
    "2 usage, 3 OUTDIR, the manifest or the --from list unusable, 130/143 interrupted.");
  g_option_context_add_main_entries (ctx, batch_entries, NULL);
  gboolean parsed = dn_cli_parse (ctx, "batch", &argc, &argv);
  g_option_context_free (ctx);
  if (!parsed) {
    reset_options ();
    return DN_EXIT_USAGE;
  }
  int status = DN_EXIT_USAGE;
  if (opt_output == NULL) {
    dn_cli_error ("batch", "no output folder given: use -o OUTDIR (see docnorm batch --help)");
    goto out;
  }
  if (argc < 2 && opt_list == NULL) {
    dn_cli_error ("batch", "no INPUT given (see docnorm batch --help)");
    goto out;
  }
  if (opt_jobs < 0 || opt_timeout < 0 || opt_max_memory < 0 || isnan (opt_timeout)) {
    dn_cli_error ("batch", "--jobs, --timeout and --max-memory take numbers of 0 or more");
    goto out;
  }
  if (opt_retry_failed && !opt_resume) {
    dn_cli_error ("batch", "--retry-failed goes with --resume");
    goto out;
  }
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "-") == 0) {
      dn_cli_error ("batch", "'-' is not an input: use --from - to read paths from standard input");
      goto out;
    }
  }

  DnBatch b;
  memset (&b, 0, sizeof b);
  b.manifest_fd = -1;
  b.settings.reg = dn_cli_registry_new ();
  b.settings.writer = dn_registry_find_writer (b.settings.reg, opt_to != NULL ? opt_to : "json");
  if (b.settings.writer == NULL) {
    dn_cli_error ("batch", "no writer named '%s' (see docnorm formats)", opt_to != NULL ? opt_to : "json");
    dn_registry_free (b.settings.reg);
    goto out;
  }
  /* Loaded once here rather than again in every forked child. */
  dn_registry_load_all (b.settings.reg);
  const char *const *exts = b.settings.writer->extensions;
  b.settings.extension = exts != NULL && exts[0] != NULL ? exts[0] : b.settings.writer->name;
  b.settings.outdir = opt_output;
  dn_convert_options_init (&b.settings.convert);
  b.settings.convert.analyse = !opt_raw;
  b.settings.convert.write.pretty = opt_pretty;
  b.settings.convert.write.with_hints = opt_hints;
  if (opt_max_input_mb >= 0)
    b.settings.convert.read.limits.max_input_bytes = (guint64) opt_max_input_mb * 1024 * 1024;
  if (!dn_cli_apply_limits (&b.settings.convert.read.limits, opt_limits, "batch")) {
    dn_registry_free (b.settings.reg);
    goto out;
  }
  b.settings.max_memory = (guint64) opt_max_memory * 1024 * 1024;
  b.settings.resume = opt_resume;
  b.settings.parent_pid = getpid ();
  b.timeout = opt_timeout;
  b.jobs = opt_jobs > 0 ? opt_jobs : (int) MAX (1, g_get_num_processors ());
  b.retry_failed = opt_retry_failed;
  b.quiet = opt_quiet;
  b.progress = !opt_quiet && isatty (STDERR_FILENO);
  b.color = color_wanted ();

  status = DN_EXIT_IO;
  if (g_mkdir_with_parents (opt_output, 0755) != 0) {
    int e = errno;
    dn_cli_error (opt_output, "cannot create the output folder: %s", g_strerror (e));
    goto free_batch;
  }
  struct stat ost;
  if (stat (opt_output, &ost) == 0) {
    b.inputs.out_exists = TRUE;
    b.inputs.out_dev = ost.st_dev;
    b.inputs.out_ino = ost.st_ino;
  }

  b.inputs.items = g_ptr_array_new_with_free_func ((GDestroyNotify) dn_batch_input_free);
  b.inputs.include = opt_include;
  b.inputs.exclude = opt_exclude;
  b.inputs.limits = &b.settings.convert.read.limits;
  for (int i = 1; i < argc; i++)
    dn_batch_inputs_add (&b.inputs, argv[i]);
  if (opt_list != NULL) {
    GError *error = NULL;
    if (!dn_batch_inputs_add_list (&b.inputs, opt_list, &error)) {
      dn_cli_error (opt_list, "%s", error->message);
      g_error_free (error);
      goto free_batch;
    }
  }
  dn_batch_inputs_dedupe (&b.inputs);

  b.manifest_path = g_build_filename (opt_output, MANIFEST_NAME, NULL);
  /* Partial records an earlier run left when it was killed. */
  dn_batch_remove_all_temporaries (opt_output, b.settings.extension);
  if (opt_resume) {
    b.settings.previous = manifest_load (b.manifest_path, NULL);
    if (b.settings.previous != NULL && opt_retry_failed) {
      /* Forget earlier failures so they are converted again. */
      GHashTableIter it;
      gpointer value;
      g_hash_table_iter_init (&it, b.settings.previous);
      while (g_hash_table_iter_next (&it, NULL, &value))
        if (g_strcmp0 (json_object_get_string_member_with_default (value, "status", ""), "failed") == 0)
          g_hash_table_iter_remove (&it);
    }
  }
  GError *error = NULL;
  b.manifest_fd = manifest_open (b.manifest_path, opt_resume, &error);
  if (b.manifest_fd < 0) {
    dn_cli_error (opt_output, "%s", error->message);
    g_error_free (error);
    goto free_batch;
  }

  struct sigaction sa;
  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_stop_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sigaction (SIGHUP, &sa, NULL);
  signal (SIGPIPE, SIG_IGN);

  b.started = g_get_monotonic_time ();
  progress_show (&b, TRUE);
  int sig = batch_run (&b);
  progress_clear (&b);
  if (sig == 0)
    manifest_compact (&b);
  if (!b.quiet || sig != 0)
    print_summary (&b, sig);
  status = sig != 0 ? 128 + sig : b.failed > 0 ? DN_EXIT_FAILED : DN_EXIT_OK;

free_batch:
  if (b.manifest_fd >= 0)
    close (b.manifest_fd);
  g_free (b.manifest_path);
  if (b.settings.previous != NULL)
    g_hash_table_unref (b.settings.previous);
  if (b.inputs.items != NULL)
    g_ptr_array_unref (b.inputs.items);
  dn_registry_free (b.settings.reg);
out:
  reset_options ();
  return status;
}
