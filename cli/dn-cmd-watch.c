/* docnorm watch INBOX -o OUTDIR — a watch folder (docs/SERVING.md).
 *
 * Every regular file that appears in INBOX (found by a scan at start, then
 * by a GFileMonitor, and by a rescan now and then in case an event was
 * lost) is converted once its size and modification time have stayed the
 * same for --settle seconds, in a child process of its own exactly as in
 * `docnorm batch` (dn-batch-worker.c, driven by dn-job.c). The record is
 * written atomically into OUTDIR, its line appended to OUTDIR/manifest.ndjson
 * (fsync'ed), and only then is the input moved to the done or failed folder.
 *
 * Restart-safe: a file still in INBOX after a kill is converted again, but
 * the manifest of the earlier run (the same machinery as batch --resume)
 * says whether its bytes were already recorded, so each input gets exactly
 * one manifest line whatever moment the kill came at. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib-unix.h>

#include "dn-batch.h"
#include "dn-job.h"

/* How often files waiting to settle are looked at, and INBOX rescanned. */
#define DN_WATCH_TICK_MS 200
#define DN_WATCH_RESCAN_S 30

static char *opt_output;
static char *opt_done;
static char *opt_failed;
static char *opt_to;
static int opt_jobs;
static double opt_timeout = 120;
static gint64 opt_max_memory = 2048;
static double opt_settle = 2;
static gboolean opt_quiet;
static gboolean opt_pretty;
static gboolean opt_hints;
static gboolean opt_raw;
static gint64 opt_max_input_mb = -1;
static char **opt_limits;

static const GOptionEntry watch_entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output, "Write records and manifest.ndjson under DIR (required)", "DIR" },
  { "done", 0, 0, G_OPTION_ARG_FILENAME, &opt_done, "Move converted inputs into DIR (default INBOX/done)", "DIR" },
  { "failed", 0, 0, G_OPTION_ARG_FILENAME, &opt_failed, "Move inputs that failed into DIR (default INBOX/failed)", "DIR" },
  { "to", 't', 0, G_OPTION_ARG_STRING, &opt_to, "Writer to use (default json)", "FORMAT" },
  { "jobs", 'j', 0, G_OPTION_ARG_INT, &opt_jobs, "Convert N documents at a time (default: the number of cores)", "N" },
  { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout, "Give up on a document after SECONDS of wall-clock time (default 120; 0 = never)", "SECONDS" },
  { "max-memory", 0, 0, G_OPTION_ARG_INT64, &opt_max_memory, "Address-space cap per document in MiB (default 2048; 0 = none)", "MIB" },
  { "settle", 0, 0, G_OPTION_ARG_DOUBLE, &opt_settle, "Take a file once its size has not changed for SECONDS (default 2)", "SECONDS" },
  { "quiet", 'q', 0, G_OPTION_ARG_NONE, &opt_quiet, "No line per converted file; failures are still reported", NULL },
  { "pretty", 0, 0, G_OPTION_ARG_NONE, &opt_pretty, "Indent the records for people", NULL },
  { "hints", 0, 0, G_OPTION_ARG_NONE, &opt_hints, "Include layout hints in the records", NULL },
  { "raw", 0, 0, G_OPTION_ARG_NONE, &opt_raw, "Skip report analysis", NULL },
  { "max-input-mb", 0, 0, G_OPTION_ARG_INT64, &opt_max_input_mb, "Refuse inputs larger than N MiB (default 512)", "N" },
  { "limit", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt_limits, "Set a reader limit, e.g. max_entries=20000 (repeatable; docs/SECURITY.md lists them)", "NAME=VALUE" },
  { NULL },
};

typedef enum { FILE_SETTLING, FILE_READY, FILE_RUNNING, FILE_STUCK } DnWatchState;

typedef struct _DnWatch DnWatch;

typedef struct {
  DnWatch *watch;
  DnBatchInput input;      /* path INBOX/NAME, rel NAME */
  char *name;
  DnWatchState state;
  goffset size;
  gint64 mtime_ns;
  gint64 stable_since;     /* monotonic µs; 0 = not looked at yet */
} DnWatchFile;

struct _DnWatch {
  DnBatchSettings settings;
  char *inbox;
  char *done_dir;
  char *failed_dir;
  char *manifest_path;
  int manifest_fd;
  double timeout;
  gint64 settle_us;
  guint jobs;
  guint running;
  gboolean quiet;
  gboolean stopping;
  GHashTable *files;       /* name → DnWatchFile* */
  GQueue ready;            /* DnWatchFile* in the order they settled */
  GFileMonitor *monitor;
  GMainLoop *loop;
  gint64 last_scan;
};

static void
watch_file_free (DnWatchFile *f)
{
  g_free (f->name);
  g_free (f->input.path);
  g_free (f->input.rel);
  g_free (f->input.key);
  g_free (f);
}

/* Names a writer is still busy with, or that are not documents. */
static gboolean
ignored_name (const char *name)
{
  static const char *const partial[] = { ".part", ".partial", ".tmp", ".crdownload", ".download", "~", NULL };
  if (name[0] == '.')
    return TRUE;
  for (guint i = 0; partial[i] != NULL; i++)
    if (g_str_has_suffix (name, partial[i]))
      return TRUE;
  return strcmp (name, DN_BATCH_MANIFEST_NAME) == 0;
}

static void
watch_add (DnWatch *w, const char *name)
{
  if (w->stopping || ignored_name (name) || strchr (name, '/') != NULL ||
      g_hash_table_contains (w->files, name))
    return;
  DnWatchFile *f = g_new0 (DnWatchFile, 1);
  f->watch = w;
  f->name = g_strdup (name);
  f->input.path = g_build_filename (w->inbox, name, NULL);
  f->input.rel = g_strdup (name);
  f->input.key = g_strdup (f->input.path);
  f->input.member_index = -1;
  f->state = FILE_SETTLING;
  g_hash_table_insert (w->files, f->name, f);
}

static void
watch_scan (DnWatch *w)
{
  w->last_scan = g_get_monotonic_time ();
  GDir *d = g_dir_open (w->inbox, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    watch_add (w, name);
  g_dir_close (d);
}

/* DIR/NAME, or DIR/STEM.N.EXT for the first N that is free. */
static gboolean
move_into (GFile *from, const char *dir, const char *name, char **moved_to, GError **error)
{
  const char *dot = strrchr (name, '.');
  gsize stem = dot != NULL && dot != name ? (gsize) (dot - name) : strlen (name);
  for (guint n = 0; n < 10000; n++) {
    char *target_name = n == 0 ? g_strdup (name)
                               : g_strdup_printf ("%.*s.%u%s", (int) stem, name, n, name + stem);
    char *target = g_build_filename (dir, target_name, NULL);
    g_free (target_name);
    GFile *to = g_file_new_for_path (target);
    GError *local = NULL;
    gboolean ok = g_file_move (from, to, G_FILE_COPY_NOFOLLOW_SYMLINKS | G_FILE_COPY_ALL_METADATA,
                               NULL, NULL, NULL, &local);
    g_object_unref (to);
    if (ok) {
      *moved_to = target;
      return TRUE;
    }
    g_free (target);
    if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_EXISTS)) {
      g_propagate_error (error, local);
      return FALSE;
    }
    g_error_free (local);
  }
  g_set_error (error, DN_ERROR, DN_ERROR_IO, "no free name for %s in %s", name, dir);
  return FALSE;
}

static void start_ready (DnWatch *w);

static void
maybe_quit (DnWatch *w)
{
  if (w->stopping && w->running == 0)
    g_main_loop_quit (w->loop);
}

/* Records the outcome, then moves the input out of INBOX: in this order, so
 * that a kill in between leaves the input to be looked at again, and the
 * manifest to say it is done. */
static void
on_job_done (DnJob *job, DnBatchWorker *worker, gpointer data)
{
  DnWatchFile *f = data;
  DnWatch *w = f->watch;
  w->running--;
  DnBatchOutcome o;
  dn_batch_worker_outcome (worker, w->timeout, w->settings.max_memory, &o);
  if (worker->timed_out || o.result == NULL) {
    char *record = dn_batch_record_path (&w->settings, &f->input);
    dn_batch_remove_temporaries (record);
    g_free (record);
  }
  dn_batch_outcome_resolve (&o);
  JsonObject *line = dn_batch_manifest_record (w->manifest_fd, w->manifest_path, &w->settings, &f->input, &o);
  if (line != NULL)   /* what the next copy of the same bytes is checked against */
    g_hash_table_insert (w->settings.previous, g_strdup (f->input.key), line);
  gboolean failed = strcmp (o.status, "failed") == 0;
  GFile *from = g_file_new_for_path (f->input.path);
  char *moved_to = NULL;
  GError *error = NULL;
  if (!move_into (from, failed ? w->failed_dir : w->done_dir, f->name, &moved_to, &error)) {
    /* Left where it is, and left alone until a restart. */
    dn_cli_error (f->input.path, "converted, but cannot be moved out of the inbox: %s", error->message);
    g_error_free (error);
    f->state = FILE_STUCK;
  } else {
    if (failed)
      dn_cli_error (f->input.path, "%s", json_object_get_string_member_with_default (o.err, "message", "failed"));
    if (!w->quiet) {
      char *record = dn_batch_record_path (&w->settings, &f->input);
      if (failed)
        fprintf (stderr, "docnorm watch: %s: failed (%s), moved to %s\n", f->name,
                 json_object_get_string_member_with_default (o.err, "code", "failed"), moved_to);
      else
        fprintf (stderr, "docnorm watch: %s: %s%s in %.2f s, record %s, moved to %s\n", f->name, o.status,
                 o.skipped ? " (already on record)" : "", o.seconds, record, moved_to);
      g_free (record);
    }
    g_hash_table_remove (w->files, f->name);
  }
  g_free (moved_to);
  g_object_unref (from);
  dn_batch_outcome_clear (&o);
  start_ready (w);
  maybe_quit (w);
}

static void
start_ready (DnWatch *w)
{
  while (!w->stopping && w->running < w->jobs && !g_queue_is_empty (&w->ready)) {
    DnWatchFile *f = g_queue_pop_head (&w->ready);
    GError *error = NULL;
    DnJob *job = dn_job_start (&w->settings, &f->input, w->timeout, on_job_done, f, &error);
    if (job == NULL) {
      /* Out of processes or pipes: try again on a later tick. */
      dn_cli_error (f->input.path, "%s", error->message);
      g_error_free (error);
      f->state = FILE_SETTLING;
      f->stable_since = 0;
      break;
    }
    f->state = FILE_RUNNING;
    w->running++;
  }
}

/* A file is taken once it has kept its size and modification time for the
 * settle time: a writer still busy with it changes one or the other. */
static gboolean
on_tick (gpointer data)
{
  DnWatch *w = data;
  if (w->stopping)
    return G_SOURCE_CONTINUE;
  gint64 now = g_get_monotonic_time ();
  if (now - w->last_scan >= DN_WATCH_RESCAN_S * G_USEC_PER_SEC)
    watch_scan (w);
  GHashTableIter it;
  gpointer value;
  g_hash_table_iter_init (&it, w->files);
  while (g_hash_table_iter_next (&it, NULL, &value)) {
    DnWatchFile *f = value;
    if (f->state != FILE_SETTLING)
      continue;
    struct stat st;
    if (lstat (f->input.path, &st) != 0 || !S_ISREG (st.st_mode)) {
      g_hash_table_iter_remove (&it);   /* gone, or not a document */
      continue;
    }
    gint64 mtime_ns = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
    if (f->stable_since == 0 || st.st_size != f->size || mtime_ns != f->mtime_ns) {
      f->size = st.st_size;
      f->mtime_ns = mtime_ns;
      f->stable_since = now;
      continue;
    }
    if (now - f->stable_since >= w->settle_us) {
      f->state = FILE_READY;
      g_queue_push_tail (&w->ready, f);
    }
  }
  start_ready (w);
  return G_SOURCE_CONTINUE;
}

static void
on_changed (GFileMonitor *monitor, GFile *file, GFile *other, GFileMonitorEvent event, gpointer data)
{
  DnWatch *w = data;
  GFile *which = event == G_FILE_MONITOR_EVENT_RENAMED ? other : file;
  switch (event) {
  case G_FILE_MONITOR_EVENT_CREATED:
  case G_FILE_MONITOR_EVENT_CHANGED:
  case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
  case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
  case G_FILE_MONITOR_EVENT_MOVED_IN:
  case G_FILE_MONITOR_EVENT_RENAMED:
    break;
  default:
    return;
  }
  if (which == NULL)
    return;
  char *name = g_file_get_basename (which);
  /* A file already known is looked at on every tick anyway; one that could
   * not be moved out waits for a restart. */
  watch_add (w, name);
  g_free (name);
}

static gboolean
on_stop (gpointer data)
{
  DnWatch *w = data;
  if (!w->stopping && w->running > 0)
    fprintf (stderr, "docnorm watch: stopping once %u conversion%s finish%s\n", w->running,
             w->running == 1 ? "" : "s", w->running == 1 ? "es" : "");
  w->stopping = TRUE;
  if (w->monitor != NULL)
    g_file_monitor_cancel (w->monitor);
  maybe_quit (w);
  return G_SOURCE_CONTINUE;
}

static gboolean
make_folder (const char *dir)
{
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    int e = errno;
    dn_cli_error (dir, "cannot create the folder: %s", g_strerror (e));
    return FALSE;
  }
  return TRUE;
}

int
dn_cmd_watch (int argc, char **argv)
{
  gboolean parsed = dn_cli_parse_command ("watch", "INBOX -o OUTDIR — convert every file that arrives in INBOX",
    "Converts each regular file that appears in INBOX (not in its subfolders; names\n"
    "starting with '.' or ending in .part, .tmp, ~ are left alone) once its size has\n"
    "settled, into a record under OUTDIR, appends its line to OUTDIR/manifest.ndjson\n"
    "as batch does, and moves it into the done or failed folder. Files already in\n"
    "INBOX at start are converted too; a restart after a kill converts each input\n"
    "exactly once.",
    "Exit status: 0 after SIGTERM or SIGINT once the running conversions are\n"
    "recorded, 2 usage, 3 INBOX, OUTDIR or the manifest unusable.",
    watch_entries, &argc, &argv);
  if (!parsed)
    return DN_EXIT_USAGE;
  int status = DN_EXIT_USAGE;
  DnWatch w;
  memset (&w, 0, sizeof w);
  w.manifest_fd = -1;
  if (opt_output == NULL) {
    dn_cli_error ("watch", "no output folder given: use -o OUTDIR (see docnorm watch --help)");
    goto out;
  }
  if (argc != 2) {
    dn_cli_error ("watch", argc < 2 ? "no INBOX given (see docnorm watch --help)" : "takes one INBOX");
    goto out;
  }
  if (opt_jobs < 0 || opt_timeout < 0 || opt_max_memory < 0 || isnan (opt_timeout) || opt_settle < 0 ||
      isnan (opt_settle)) {
    dn_cli_error ("watch", "--jobs, --timeout, --max-memory and --settle take numbers of 0 or more");
    goto out;
  }
  if (!dn_batch_settings_init (&w.settings, "watch", opt_to, opt_raw, opt_pretty, opt_hints, opt_max_input_mb,
                               opt_limits, opt_max_memory))
    goto out;
  w.settings.outdir = opt_output;
  /* Resume is what makes a restart safe: bytes already on record are not
   * recorded twice. */
  w.settings.resume = TRUE;
  w.timeout = opt_timeout;
  w.settle_us = (gint64) (opt_settle * G_USEC_PER_SEC);
  w.jobs = opt_jobs > 0 ? (guint) opt_jobs : MAX (1, g_get_num_processors ());
  w.quiet = opt_quiet;

  status = DN_EXIT_IO;
  w.inbox = g_strdup (argv[1]);
  if (!g_file_test (w.inbox, G_FILE_TEST_IS_DIR)) {
    dn_cli_error (w.inbox, "not a folder");
    goto out;
  }
  w.done_dir = opt_done != NULL ? g_strdup (opt_done) : g_build_filename (w.inbox, "done", NULL);
  w.failed_dir = opt_failed != NULL ? g_strdup (opt_failed) : g_build_filename (w.inbox, "failed", NULL);
  if (!make_folder (opt_output) || !make_folder (w.done_dir) || !make_folder (w.failed_dir))
    goto out;

  GError *error = NULL;
  w.manifest_fd = dn_batch_manifest_start (&w.settings, TRUE, &w.manifest_path, &error);
  if (w.manifest_fd < 0) {
    dn_cli_error (opt_output, "%s", error->message);
    g_error_free (error);
    goto out;
  }
  if (w.settings.previous == NULL)  /* each conversion's line goes in */
    w.settings.previous = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                 (GDestroyNotify) json_object_unref);
  GFile *dir = g_file_new_for_path (w.inbox);
  w.monitor = g_file_monitor_directory (dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  g_object_unref (dir);
  if (w.monitor == NULL) {
    dn_cli_error (w.inbox, "cannot watch: %s", error->message);
    g_error_free (error);
    goto out;
  }
  w.files = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) watch_file_free);
  g_queue_init (&w.ready);
  g_signal_connect (w.monitor, "changed", G_CALLBACK (on_changed), &w);
  signal (SIGPIPE, SIG_IGN);
  w.loop = g_main_loop_new (NULL, FALSE);
  guint term_source = g_unix_signal_add (SIGTERM, on_stop, &w);
  guint int_source = g_unix_signal_add (SIGINT, on_stop, &w);
  guint hup_source = g_unix_signal_add (SIGHUP, on_stop, &w);
  guint tick_source = g_timeout_add (DN_WATCH_TICK_MS, on_tick, &w);
  /* After the monitor is set up: a file that arrives meanwhile is seen twice
   * rather than not at all. */
  watch_scan (&w);
  if (!w.quiet) {
    fprintf (stderr, "docnorm watch: watching %s (%u at a time), records in %s\n", w.inbox, w.jobs, opt_output);
    fflush (stderr);
  }

  g_main_loop_run (w.loop);

  g_source_remove (term_source);
  g_source_remove (int_source);
  g_source_remove (hup_source);
  g_source_remove (tick_source);
  status = DN_EXIT_OK;

out:
  if (w.loop != NULL)
    g_main_loop_unref (w.loop);
  g_clear_object (&w.monitor);
  g_queue_clear (&w.ready);
  if (w.files != NULL)
    g_hash_table_unref (w.files);
  if (w.manifest_fd >= 0)
    close (w.manifest_fd);
  g_free (w.manifest_path);
  dn_batch_settings_clear (&w.settings);
  g_free (w.inbox);
  g_free (w.done_dir);
  g_free (w.failed_dir);
  dn_cli_reset_options (watch_entries);
  return status;
}
