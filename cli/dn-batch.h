/* dn-batch.h — what the parts of `docnorm batch` share: the input list
 * (dn-batch-inputs.c), the per-document child (dn-batch-child.c) and the
 * scheduler, manifest and progress (dn-cmd-batch.c). Internal to the CLI. */
#pragma once
#include <sys/resource.h>
#include <sys/types.h>

#include "dn-cli.h"

G_BEGIN_DECLS

/* One input: a file, or one member of a .zip archive. */
typedef struct {
  char *path;          /* the file as given or found ("reports/a.pdf", "in/x.zip") */
  char *member;        /* archive member name as stored, NULL for a plain file */
  gint64 member_index; /* libzip index of @member */
  char *rel;           /* record path under OUTDIR, without the writer's extension */
  char *key;           /* manifest key: path, or path + '\n' + member */
  GError *error;       /* known bad before converting (missing file, unsafe
                        * member name, declared size over a limit); NULL otherwise */
} DnBatchInput;

/* Settings the parent fixes before forking; children read them as they are. */
typedef struct {
  DnRegistry *reg;
  const DnPluginDesc *writer;
  const char *extension;      /* the writer's file extension, without the dot */
  const char *outdir;
  DnConvertOptions convert;
  guint64 max_memory;         /* bytes; 0 = no cap */
  gboolean resume;
  GHashTable *previous;       /* manifest key → JsonObject of the earlier run, or NULL */
  pid_t parent_pid;
} DnBatchSettings;

/* The inputs gathered from the command line and --from, in order. */
typedef struct {
  GPtrArray *items;           /* DnBatchInput*, owned */
  char **include;             /* globs, borrowed; NULL = everything */
  char **exclude;
  dev_t out_dev;              /* OUTDIR, never walked into */
  ino_t out_ino;
  gboolean out_exists;
  const DnLimits *limits;
} DnBatchInputs;

void dn_batch_input_free (DnBatchInput *input);

/* The extension of @writer's records, without the dot (its first, else its
 * name). Borrowed from @writer. */
const char *dn_batch_writer_extension (const DnPluginDesc *writer);

/* Fills @settings from the options batch and watch share: a registry with
 * every module loaded (once, before any fork), the writer @to (NULL = json)
 * and its extension, the conversion options, --max-input-mb (-1 = default),
 * --limit and --max-memory (MiB), and the parent's pid. On a bad value prints
 * the one-line error for @command and returns FALSE. Clear @settings with
 * dn_batch_settings_clear() either way. */
gboolean dn_batch_settings_init (DnBatchSettings *settings, const char *command, const char *to,
                                 gboolean raw, gboolean pretty, gboolean hints, gint64 max_input_mb,
                                 char **limits, gint64 max_memory_mib);

/* Frees what @settings holds (the registry, the earlier run's lines); a
 * zeroed or half-initialised @settings is fine. */
void dn_batch_settings_clear (DnBatchSettings *settings);

/* Adds @arg: a file, a folder (walked recursively, hidden entries skipped,
 * globs applied) or a .zip archive (expanded into its members). A missing
 * path becomes one input that fails with DN_ERROR_IO. */
void dn_batch_inputs_add (DnBatchInputs *inputs, const char *arg);

/* Reads one path per line from @file ("-" = standard input) and adds each.
 * Returns FALSE with @error set when @file cannot be read. */
gboolean dn_batch_inputs_add_list (DnBatchInputs *inputs, const char *file, GError **error);

/* Drops repeated inputs and fails the second of two inputs whose records
 * would share a name. */
void dn_batch_inputs_dedupe (DnBatchInputs *inputs);

/* The record path of @input: OUTDIR/rel.EXT. Free with g_free(). */
char *dn_batch_record_path (const DnBatchSettings *settings, const DnBatchInput *input);

/* Removes temporary files an interrupted write of @record_path left behind
 * (dn_output_write() writes ".NAME.<6 random characters>.tmp" beside NAME). */
void dn_batch_remove_temporaries (const char *record_path);

/* Removes every temporary of a record with extension @ext under @outdir
 * (left by a kill -9; done before every batch). */
void dn_batch_remove_all_temporaries (const char *outdir, const char *ext);

/* Runs in the forked child: converts @input, reporting on @msg_fd as JSON
 * lines (see dn-batch-child.c), and exits. Never returns. */
G_GNUC_NORETURN void dn_batch_child_run (const DnBatchSettings *settings,
                                         const DnBatchInput *input, int msg_fd, int err_fd);

/* ------------------------------------------------------------------------
 * Running one child (dn-batch-worker.c), shared by batch, serve and watch. */

#define DN_BATCH_MSG_CAP (1 << 20)   /* bytes kept of a child's messages */
#define DN_BATCH_ERR_TAIL 4096       /* bytes kept of a child's stderr */

typedef struct {
  pid_t pid;
  guint index;             /* the caller's: which input */
  int msg_fd;              /* -1 once at end of file */
  int err_fd;
  int pid_fd;              /* readable once the child has exited; -1 if none */
  GString *msg;
  GString *err;            /* the last DN_BATCH_ERR_TAIL bytes */
  gint64 started;          /* monotonic µs */
  gint64 ended;            /* when reaped */
  gboolean timed_out;
  int wstatus;
  struct rusage ru;
} DnBatchWorker;

/* What became of one input, as the manifest records it. */
typedef struct {
  JsonObject *start;       /* the child's first message, or NULL */
  JsonObject *result;      /* its last one, or NULL */
  JsonObject *error;       /* when set, overrides @result (timeout, crash, …) */
  const char *signame;     /* the signal that killed the child, or NULL */
  double seconds;
  /* Filled by dn_batch_outcome_resolve(): */
  const char *status;      /* "ok", "notice", "review", "failed"; borrowed */
  gboolean skipped;        /* already done (--resume) */
  JsonObject *err;         /* the error recorded, or NULL */
} DnBatchOutcome;

/* The status of a converted input whose warnings number @counts by
 * severity: "review" with a warning (a person should check the record),
 * "notice" with a notice, else "ok" (info at most). Static. */
const char *dn_batch_status_of (const guint counts[DN_N_SEVERITIES]);

/* Sets "status", "warnings" (all of them) and "severities" ({"info":…,
 * "notice":…, "warning":…}) on a child's @result from @counts. */
void dn_batch_result_set_warnings (JsonObject *result, const guint counts[DN_N_SEVERITIES]);

/* Whether a manifest status is one of a converted input ("ok", "notice",
 * "review"). */
gboolean dn_batch_status_is_converted (const char *status);

/* Forks a child that runs dn_batch_child_run() for @input. The child keeps
 * only its two pipes of the parent's descriptors (a server's sockets must
 * not stay open in it). Returns FALSE with @error set when no pipe or
 * process could be had. */
gboolean dn_batch_worker_spawn (const DnBatchSettings *settings, const DnBatchInput *input,
                                guint index, DnBatchWorker *worker, GError **error);

/* Reads what the child has written so far, without blocking. */
void dn_batch_worker_drain (DnBatchWorker *worker);

/* Reaps the child if it has exited, or kills and reaps it once @timeout_us
 * (0 = none) has passed since it started. Returns TRUE once reaped, with
 * everything it wrote read. */
gboolean dn_batch_worker_reap (DnBatchWorker *worker, gint64 timeout_us);

/* Kills the child and whatever it started (its process group). */
void dn_batch_worker_kill (DnBatchWorker *worker);

/* Closes the pipes and frees the buffers; the child must be reaped. */
void dn_batch_worker_release (DnBatchWorker *worker);

/* "SIGSEGV" for SIGSEGV, and so on; NULL for a signal without a name here. */
const char *dn_batch_signal_name (int sig);

/* {"code": @code, "message": @message}: a new object. */
JsonObject *dn_batch_error_object (const char *code, const char *message);

/* Fills @outcome from a reaped @worker: its messages, or the error a
 * timeout (@timeout seconds), a crash or the @max_memory cap (bytes) makes. */
void dn_batch_worker_outcome (const DnBatchWorker *worker, double timeout, guint64 max_memory,
                              DnBatchOutcome *outcome);

/* Sets the status, skipped and err fields of @outcome from the others. */
void dn_batch_outcome_resolve (DnBatchOutcome *outcome);

/* Frees what @outcome holds. */
void dn_batch_outcome_clear (DnBatchOutcome *outcome);

/* ------------------------------------------------------------------------
 * The manifest (dn-batch-manifest.c): one JSON line per input. */

#define DN_BATCH_MANIFEST_NAME "manifest.ndjson"

/* Called with each line of NDJSON text that parses as a JSON object; @obj and
 * @line are borrowed for the call (take a ref / copy to keep them). */
typedef void (*DnBatchNdjsonFunc) (JsonObject *obj, const char *line, gpointer data);

/* Splits @text at '\n' and calls @fn for every line that is a JSON object,
 * in order; empty lines, unparsable lines and non-objects are skipped. Both
 * the manifest and the worker's reading of a child's messages use it. */
void dn_batch_ndjson_foreach (const char *text, DnBatchNdjsonFunc fn, gpointer data);

/* The key of a manifest line: path, or path + '\n' + member. Free with g_free(). */
char *dn_batch_manifest_key (JsonObject *line);

/* Reads a manifest: key → last line for that key (JsonObject). Lines that do
 * not parse (a torn last line after a crash) are ignored. Returns NULL when
 * there is none. @lines, when not NULL, receives key → the raw line. */
GHashTable *dn_batch_manifest_load (const char *path, GHashTable *lines);

/* Opens the manifest for appending: truncated unless @append; when appending, a
 * torn last line is cut off. Returns the descriptor, or -1 with @error set. */
int dn_batch_manifest_open (const char *path, gboolean append, GError **error);

/* Starts the manifest of a run into settings->outdir: removes the partial
 * records an earlier run left when it was killed, loads the earlier run's
 * lines into settings->previous when @resume (NULL when there are none) and
 * opens the manifest, appending when @resume. Returns the descriptor, or -1
 * with @error set; *path_out is the manifest's path (g_free()) either way. */
int dn_batch_manifest_start (DnBatchSettings *settings, gboolean resume, char **path_out, GError **error);

/* Writes @line with "seconds" as @seconds in one write(), then fdatasync. */
void dn_batch_manifest_append (int fd, const char *path, JsonObject *line, double seconds);

/* Records a resolved @outcome of @input: removes a record that would now be
 * stale, and appends its manifest line unless an identical one is already on
 * record (settings->previous). Returns the line written (a new reference) or
 * NULL. */
JsonObject *dn_batch_manifest_record (int fd, const char *path, const DnBatchSettings *settings,
                                      const DnBatchInput *input, const DnBatchOutcome *outcome);

G_END_DECLS
