/* dn-batch.h — what the parts of `docnorm batch` share: the input list
 * (dn-batch-inputs.c), the per-document child (dn-batch-child.c) and the
 * scheduler, manifest and progress (dn-cmd-batch.c). Internal to the CLI. */
#pragma once
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

G_END_DECLS
