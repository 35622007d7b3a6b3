/* dn-job.h — one input converted in a child process (dn-batch-worker.c),
 * driven from a GMainLoop: the child's pipes and its end are GSources, and
 * so is its deadline. `docnorm serve` and `docnorm watch` run on it; batch
 * polls its workers itself. Internal to the CLI. */
#pragma once
#include "dn-batch.h"

G_BEGIN_DECLS

typedef struct _DnJob DnJob;

/* Called once the child is reaped, from the thread-default main context.
 * @worker holds how it ended (dn_batch_worker_outcome() reads it); it and
 * @job are freed when the callback returns. */
typedef void (*DnJobDone) (DnJob *job, DnBatchWorker *worker, gpointer user_data);

/* Forks the child for @input with @settings (both only read before this
 * returns) and watches it; @timeout seconds (0 = none) of wall-clock time
 * before it is killed. Returns the job, or NULL with @error set. */
DnJob *dn_job_start (const DnBatchSettings *settings, const DnBatchInput *input, double timeout,
                     DnJobDone done, gpointer user_data, GError **error);

/* Kills the child, reaps it and frees @job, without calling back. */
void dn_job_cancel (DnJob *job);

G_END_DECLS
