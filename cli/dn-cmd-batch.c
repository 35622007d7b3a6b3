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
static char *opt_fail_on;

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
  { "fail-on", 0, 0, G_OPTION_ARG_STRING, &opt_fail_on, "Exit 6 when a record has a warning of LEVEL or above: warning or notice (docs/WARNINGS.md)", "LEVEL" },
  { NULL },
};

static volatile sig_atomic_t stop_signal;

static void
on_stop_signal (int sig)
{
  stop_signal = sig;
}
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
  guint done, ok, noticed, review, failed, skipped;   /* skipped: also counted by status */
  gint64 started;
  gint64 last_progress;
  gboolean progress_shown;
} DnBatch;

/* Rewrites the manifest with one line per input, in input order, through a
 * temporary file and a rename. */
static void
manifest_compact (DnBatch *b)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTable *map = dn_batch_manifest_load (b->manifest_path, lines);
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

/* Records one outcome: manifest line, counters, the one-line failure
 * message. Frees what @o holds. */
static void
record_outcome (DnBatch *b, const DnBatchInput *in, DnBatchOutcome *o)
{
  dn_batch_outcome_resolve (o);
  JsonObject *line = dn_batch_manifest_record (b->manifest_fd, b->manifest_path, &b->settings, in, o);
  if (line != NULL)
    json_object_unref (line);
  const char *status = o->status;
  gboolean skipped = o->skipped;
  JsonObject *err = o->err;

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
  } else if (strcmp (status, "review") == 0) {
    b->review++;
  } else if (strcmp (status, "notice") == 0) {
    b->noticed++;
  } else {
    b->ok++;
  }
  dn_batch_outcome_clear (o);
}

/* Records the outcome of a known-bad input, or of one no child could be
 * started for. */
static void
record_error (DnBatch *b, const DnBatchInput *in, const char *code, const char *message)
{
  DnBatchOutcome o = { .error = dn_batch_error_object (code, message) };
  record_outcome (b, in, &o);
}

static void
worker_finish (DnBatch *b, DnBatchWorker *w)
{
  const DnBatchInput *in = b->inputs.items->pdata[w->index];
  DnBatchOutcome o;
  dn_batch_worker_outcome (w, b->timeout, b->settings.max_memory, &o);
  if (w->timed_out || o.result == NULL) {
    char *record = dn_batch_record_path (&b->settings, in);
    dn_batch_remove_temporaries (record);
    g_free (record);
  }
  record_outcome (b, in, &o);
}

/* ---------------------------------------------------------------- workers */

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
      record_error (b, in, dn_error_code_name (in->error->code), in->error->message);
      next++;
      continue;
    }
    DnBatchWorker w;
    GError *error = NULL;
    if (!dn_batch_worker_spawn (&b->settings, in, next, &w, &error)) {
      if (running->len > 0) {
        g_error_free (error);
        break;   /* out of processes: wait for one to end */
      }
      record_error (b, in, "io", error->message);
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

    GArray *finished = g_array_new (FALSE, TRUE, sizeof (DnBatchWorker));
    for (guint i = 0; i < running->len;) {
      DnBatchWorker *w = &g_array_index (running, DnBatchWorker, i);
      dn_batch_worker_drain (w);
      if (dn_batch_worker_reap (w, timeout_us)) {
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
      dn_batch_worker_release (w);
    }
    g_array_unref (finished);
    progress_show (b, FALSE);
  }

  int sig = stop_signal;
  /* Interrupted: the unfinished conversions are dropped, not recorded, so
   * --resume does them again. */
  for (guint i = 0; i < running->len; i++) {
    DnBatchWorker *w = &g_array_index (running, DnBatchWorker, i);
    dn_batch_worker_kill (w);
    while (waitpid (w->pid, NULL, 0) < 0 && errno == EINTR)
      ;
    char *record = dn_batch_record_path (&b->settings, items->pdata[w->index]);
    dn_batch_remove_temporaries (record);
    g_free (record);
    dn_batch_worker_release (w);
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
  guint processed = b->done - b->skipped;
  const char *on = b->color && b->failed > 0 ? "\033[31m" : "";
  const char *off = b->color && b->failed > 0 ? "\033[0m" : "";
  GString *s = g_string_new (NULL);
  if (sig != 0)
    g_string_append_printf (s, "interrupted by %s after %u of %u inputs (rerun with --resume to finish): ",
                            dn_batch_signal_name (sig) != NULL ? dn_batch_signal_name (sig) : "a signal", b->done,
                            b->inputs.items->len);
  else
    g_string_append_printf (s, "%u input%s: ", b->inputs.items->len, b->inputs.items->len == 1 ? "" : "s");
  guint good = b->ok + b->noticed + b->review;
  g_string_append_printf (s, "%u converted", good);
  if (good > 0)
    g_string_append_printf (s, " (%u ok, %u with notices, %u to review)", b->ok, b->noticed, b->review);
  g_string_append_printf (s, ", %s%u failed%s", on, b->failed, off);
  if (b->skipped > 0)
    g_string_append_printf (s, "; %u already done, skipped", b->skipped);
  g_string_append_printf (s, "; %.1f s (%.1f/s); manifest %s", secs, secs > 0 ? processed / secs : 0.0,
                          b->manifest_path);
  fprintf (stderr, "docnorm batch: %s\n", s->str);
  g_string_free (s, TRUE);
}

int
dn_cmd_batch (int argc, char **argv)
{
  gboolean parsed = dn_cli_parse_command ("batch", "INPUT… -o OUTDIR — convert many documents",
    "Converts every INPUT (a file, a folder walked recursively, or a .zip archive\n"
    "whose members are converted one by one) into one record under OUTDIR, at the\n"
    "input's own path plus the writer's extension. Each document converts in a\n"
    "process of its own with a time and memory cap; OUTDIR/manifest.ndjson gets one\n"
    "line per input.",
    "Each manifest line's status is ok (nothing above info), notice, review (a\n"
    "warning: a person should check the record) or failed.\n\n"
    "Exit status: 0 every input converted, 1 some failed (see the manifest),\n"
    "2 usage, 3 OUTDIR, the manifest or the --from list unusable, 6 none failed\n"
    "but some need review (--fail-on), 130/143 interrupted.",
    batch_entries, &argc, &argv);
  if (!parsed)
    return DN_EXIT_USAGE;
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
  guint fail_on;
  if (!dn_cli_parse_fail_on (opt_fail_on, &fail_on, "batch"))
    goto out;
  for (int i = 1; i < argc; i++) {
    if (strcmp (argv[i], "-") == 0) {
      dn_cli_error ("batch", "'-' is not an input: use --from - to read paths from standard input");
      goto out;
    }
  }

  DnBatch b;
  memset (&b, 0, sizeof b);
  b.manifest_fd = -1;
  if (!dn_batch_settings_init (&b.settings, "batch", opt_to, opt_raw, opt_pretty, opt_hints, opt_max_input_mb,
                               opt_limits, opt_max_memory))
    goto free_batch;
  b.settings.outdir = opt_output;
  b.settings.resume = opt_resume;
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

  GError *error = NULL;
  b.manifest_fd = dn_batch_manifest_start (&b.settings, opt_resume, &b.manifest_path, &error);
  if (b.manifest_fd < 0) {
    dn_cli_error (opt_output, "%s", error->message);
    g_error_free (error);
    goto free_batch;
  }
  if (b.settings.previous != NULL && opt_retry_failed) {
    /* Forget earlier failures so they are converted again. */
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init (&it, b.settings.previous);
    while (g_hash_table_iter_next (&it, NULL, &value))
      if (g_strcmp0 (json_object_get_string_member_with_default (value, "status", ""), "failed") == 0)
        g_hash_table_iter_remove (&it);
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
  guint flagged = fail_on == DN_SEVERITY_WARNING ? b.review
                  : fail_on == DN_SEVERITY_NOTICE ? b.review + b.noticed : 0;
  status = sig != 0 ? 128 + sig : b.failed > 0 ? DN_EXIT_FAILED : flagged > 0 ? DN_EXIT_REVIEW : DN_EXIT_OK;

free_batch:
  if (b.manifest_fd >= 0)
    close (b.manifest_fd);
  g_free (b.manifest_path);
  if (b.inputs.items != NULL)
    g_ptr_array_unref (b.inputs.items);
  dn_batch_settings_clear (&b.settings);
out:
  dn_cli_reset_options (batch_entries);
  return status;
}
