/* A batch worker watched from a GMainLoop. */
#include <errno.h>
#include <sys/wait.h>

#include <glib-unix.h>

#include "dn-job.h"

/* Without a pidfd (Linux before 5.3), how often the end of the child is
 * looked for. */
#define DN_JOB_POLL_MS 20

struct _DnJob {
  DnBatchWorker worker;
  gint64 timeout_us;
  guint msg_source;
  guint err_source;
  guint end_source;        /* the pidfd, or the DN_JOB_POLL_MS tick */
  guint deadline_source;
  DnJobDone done;
  gpointer user_data;
};

static void
job_free (DnJob *job)
{
  g_clear_handle_id (&job->msg_source, g_source_remove);
  g_clear_handle_id (&job->err_source, g_source_remove);
  g_clear_handle_id (&job->end_source, g_source_remove);
  g_clear_handle_id (&job->deadline_source, g_source_remove);
  dn_batch_worker_release (&job->worker);
  g_free (job);
}

/* Reaps the child if it has ended (or its time is up) and reports. Returns
 * TRUE when @job is gone. */
static gboolean
job_check (DnJob *job)
{
  if (!dn_batch_worker_reap (&job->worker, job->timeout_us))
    return FALSE;
  /* The sources go first: the callback may start the next job, whose
   * descriptors can reuse these numbers. */
  g_clear_handle_id (&job->msg_source, g_source_remove);
  g_clear_handle_id (&job->err_source, g_source_remove);
  g_clear_handle_id (&job->end_source, g_source_remove);
  g_clear_handle_id (&job->deadline_source, g_source_remove);
  job->done (job, &job->worker, job->user_data);
  job_free (job);
  return TRUE;
}

/* drain() closes a pipe at its end of file; its source must go with it,
 * before the number is reused. */
static void
sync_sources (DnJob *job)
{
  if (job->worker.msg_fd < 0)
    g_clear_handle_id (&job->msg_source, g_source_remove);
  if (job->worker.err_fd < 0)
    g_clear_handle_id (&job->err_source, g_source_remove);
}

static gboolean
on_output (gint fd, GIOCondition condition, gpointer data)
{
  DnJob *job = data;
  dn_batch_worker_drain (&job->worker);
  sync_sources (job);
  return G_SOURCE_CONTINUE;   /* a removed source is not dispatched again */
}

static gboolean
on_end (gpointer data)
{
  DnJob *job = data;
  dn_batch_worker_drain (&job->worker);
  if (!job_check (job))
    sync_sources (job);
  return G_SOURCE_CONTINUE;   /* job_check() removed it if the job is over */
}

static gboolean
on_end_fd (gint fd, GIOCondition condition, gpointer data)
{
  return on_end (data);
}

static gboolean
on_deadline (gpointer data)
{
  DnJob *job = data;
  job->deadline_source = 0;
  /* The deadline has passed: job_check() kills and reaps. A timer may fire
   * a little early by the monotonic clock, so retry shortly if not. */
  if (!job_check (job))
    job->deadline_source = g_timeout_add (5, on_deadline, job);
  return G_SOURCE_REMOVE;
}

DnJob *
dn_job_start (const DnBatchSettings *settings, const DnBatchInput *input, double timeout,
              DnJobDone done, gpointer user_data, GError **error)
{
  DnJob *job = g_new0 (DnJob, 1);
  if (!dn_batch_worker_spawn (settings, input, 0, &job->worker, error)) {
    g_free (job);
    return NULL;
  }
  job->done = done;
  job->user_data = user_data;
  job->timeout_us = timeout > 0 ? (gint64) (timeout * G_USEC_PER_SEC) : 0;
  GIOCondition cond = G_IO_IN | G_IO_HUP | G_IO_ERR;
  job->msg_source = g_unix_fd_add (job->worker.msg_fd, cond, on_output, job);
  job->err_source = g_unix_fd_add (job->worker.err_fd, cond, on_output, job);
  if (job->worker.pid_fd >= 0)
    job->end_source = g_unix_fd_add (job->worker.pid_fd, G_IO_IN, on_end_fd, job);
  else
    job->end_source = g_timeout_add (DN_JOB_POLL_MS, on_end, job);
  if (job->timeout_us > 0)
    job->deadline_source = g_timeout_add ((guint) MIN (G_MAXUINT, (job->timeout_us + 999) / 1000),
                                          on_deadline, job);
  return job;
}

void
dn_job_cancel (DnJob *job)
{
  dn_batch_worker_kill (&job->worker);
  while (waitpid (job->worker.pid, NULL, 0) < 0 && errno == EINTR)
    ;
  job_free (job);
}
