/* Runs one input in a child process of its own (dn_batch_child_run()) and
 * turns how the child ended into a manifest outcome: its result, or the
 * timeout, crash or memory cap that stopped it. The caller polls: batch in
 * its own loop, serve and watch from a GMainLoop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib-unix.h>

#include "dn-batch.h"

const char *
dn_batch_signal_name (int sig)
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
looks_out_of_memory (guint64 max, const GString *err, const struct rusage *ru)
{
  static const char *const marks[] = { "failed to allocate", "bad_alloc", "out of memory",
                                       "cannot allocate memory", "memory exhausted", NULL };
  char *lower = g_ascii_strdown (err->str, (gssize) err->len);
  gboolean hit = FALSE;
  for (guint i = 0; marks[i] != NULL && !hit; i++)
    hit = strstr (lower, marks[i]) != NULL;
  g_free (lower);
  /* ru_maxrss is in KiB; a cap reached by touched memory shows there too. */
  if (!hit && max > 0 && (guint64) ru->ru_maxrss * 1024 >= max / 10 * 9)
    hit = TRUE;
  return hit;
}

JsonObject *
dn_batch_error_object (const char *code, const char *message)
{
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "code", code);
  json_object_set_string_member (e, "message", message);
  return e;
}

/* The first message with a "status" is the result, the first without is the start. */
static void
parse_message (JsonObject *obj, const char *line, gpointer data)
{
  (void) line;
  JsonObject **slots = data;
  JsonObject **slot = json_object_has_member (obj, "status") ? &slots[1] : &slots[0];
  if (*slot == NULL)
    *slot = json_object_ref (obj);
}

/* Parses the child's JSON lines into its start and result messages. */
static void
parse_messages (const GString *msg, JsonObject **start, JsonObject **result)
{
  JsonObject *slots[2] = { NULL, NULL };
  dn_batch_ndjson_foreach (msg->str, parse_message, slots);
  *start = slots[0];
  *result = slots[1];
}

void
dn_batch_worker_outcome (const DnBatchWorker *w, double timeout, guint64 max_memory, DnBatchOutcome *o)
{
  int wstatus = w->wstatus;
  const struct rusage *ru = &w->ru;
  memset (o, 0, sizeof *o);
  o->seconds = (double) (w->ended - w->started) / G_USEC_PER_SEC;
  parse_messages (w->msg, &o->start, &o->result);
  JsonObject *error = NULL;
  if (w->timed_out) {
    char *m = g_strdup_printf ("timed out after %g s", timeout);
    error = dn_batch_error_object ("timeout", m);
    g_free (m);
  } else if (o->result == NULL && WIFSIGNALED (wstatus)) {
    int sig = WTERMSIG (wstatus);
    o->signame = dn_batch_signal_name (sig);
    char *sigtext = o->signame != NULL ? g_strdup (o->signame) : g_strdup_printf ("signal %d", sig);
    char *tail = last_line (w->err);
    char *m;
    if (looks_out_of_memory (max_memory, w->err, ru)) {
      m = g_strdup_printf ("memory limit of %" G_GUINT64_FORMAT " MiB exceeded (killed by %s)",
                           max_memory / (1024 * 1024), sigtext);
      error = dn_batch_error_object ("limit", m);
    } else {
      m = tail != NULL ? g_strdup_printf ("crashed: killed by %s (%s): %s", sigtext, strsignal (sig), tail)
                       : g_strdup_printf ("crashed: killed by %s (%s)", sigtext, strsignal (sig));
      error = dn_batch_error_object ("failed", m);
    }
    g_free (m);
    g_free (tail);
    g_free (sigtext);
  } else if (o->result == NULL) {
    char *tail = last_line (w->err);
    char *m = g_strdup_printf ("the conversion process exited with status %d without a result%s%s",
                               WIFEXITED (wstatus) ? WEXITSTATUS (wstatus) : -1,
                               tail != NULL ? ": " : "", tail != NULL ? tail : "");
    error = dn_batch_error_object ("failed", m);
    g_free (m);
    g_free (tail);
  }
  o->error = error;
}

void
dn_batch_outcome_resolve (DnBatchOutcome *o)
{
  JsonObject *result = o->result, *error = o->error;
  o->status = error != NULL ? "failed"
              : json_object_get_string_member_with_default (result, "status", "failed");
  o->skipped = error == NULL && json_object_has_member (result, "skipped");
  o->err = error != NULL ? json_object_ref (error)
           : json_object_has_member (result, "error")
             ? json_object_ref (json_object_get_object_member (result, "error")) : NULL;
  if (error == NULL && o->err == NULL && strcmp (o->status, "failed") == 0)
    o->err = dn_batch_error_object ("failed", "no reason given");
}

void
dn_batch_outcome_clear (DnBatchOutcome *o)
{
  g_clear_pointer (&o->start, json_object_unref);
  g_clear_pointer (&o->result, json_object_unref);
  g_clear_pointer (&o->error, json_object_unref);
  g_clear_pointer (&o->err, json_object_unref);
}

const char *
dn_batch_writer_extension (const DnPluginDesc *writer)
{
  const char *const *exts = writer->extensions;
  return exts != NULL && exts[0] != NULL ? exts[0] : writer->name;
}

gboolean
dn_batch_settings_init (DnBatchSettings *s, const char *command, const char *to, gboolean raw,
                        gboolean pretty, gboolean hints, gint64 max_input_mb, char **limits,
                        gint64 max_memory_mib)
{
  s->reg = dn_cli_registry_new ();
  s->writer = dn_registry_find_writer (s->reg, to != NULL ? to : "json");
  if (s->writer == NULL) {
    dn_cli_error (command, "no writer named '%s' (see docnorm formats)", to != NULL ? to : "json");
    return FALSE;
  }
  /* Loaded once here rather than again in every forked child. */
  dn_registry_load_all (s->reg);
  s->extension = dn_batch_writer_extension (s->writer);
  dn_convert_options_init (&s->convert);
  s->convert.analyse = !raw;
  s->convert.write.pretty = pretty;
  s->convert.write.with_hints = hints;
  if (max_input_mb >= 0)
    s->convert.read.limits.max_input_bytes = (guint64) max_input_mb * 1024 * 1024;
  if (!dn_cli_apply_limits (&s->convert.read.limits, limits, command) ||
      !dn_cli_apply_page_options (&s->convert, command))
    return FALSE;
  s->convert.read.page_images_dpi = dn_cli_page_images_dpi (s->writer);
  s->max_memory = (guint64) max_memory_mib * 1024 * 1024;
  s->parent_pid = getpid ();
  return TRUE;
}

void
dn_batch_settings_clear (DnBatchSettings *s)
{
  g_clear_pointer (&s->previous, g_hash_table_unref);
  g_clear_pointer (&s->reg, dn_registry_free);
}

/* In the child: keeps only @msg_fd and @err_fd of the inherited
 * descriptors, as 3 and 4 (fork() copies every descriptor, CLOEXEC or not:
 * a server's sockets would otherwise stay open as long as the child runs). */
static void
keep_only (int *msg_fd, int *err_fd)
{
  int m = fcntl (*msg_fd, F_DUPFD_CLOEXEC, 10);
  int e = fcntl (*err_fd, F_DUPFD_CLOEXEC, 10);
  if (m < 0 || e < 0 || dup3 (m, 3, O_CLOEXEC) < 0 || dup3 (e, 4, O_CLOEXEC) < 0)
    _exit (127);
  *msg_fd = 3;
  *err_fd = 4;
#ifdef SYS_close_range
  if (syscall (SYS_close_range, 5u, ~0u, 0u) == 0)
    return;
#endif
  for (int fd = 5; fd < 65536; fd++)
    close (fd);
}

gboolean
dn_batch_worker_spawn (const DnBatchSettings *s, const DnBatchInput *input, guint index,
                       DnBatchWorker *w, GError **error)
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
    int msg_fd = mp[1], err_fd = ep[1];
    keep_only (&msg_fd, &err_fd);
    dn_batch_child_run (s, input, msg_fd, err_fd);
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
  if (w->pid_fd >= 0)
    fcntl (w->pid_fd, F_SETFD, FD_CLOEXEC);
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

void
dn_batch_worker_drain (DnBatchWorker *w)
{
  if (w->msg_fd >= 0)
    drain (&w->msg_fd, w->msg, DN_BATCH_MSG_CAP, FALSE);
  if (w->err_fd >= 0)
    drain (&w->err_fd, w->err, DN_BATCH_ERR_TAIL, TRUE);
}

gboolean
dn_batch_worker_reap (DnBatchWorker *w, gint64 timeout_us)
{
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
  } else if (timeout_us > 0 && g_get_monotonic_time () - w->started >= timeout_us) {
    dn_batch_worker_kill (w);
    while ((reaped = wait4 (w->pid, &wstatus, 0, &ru)) < 0 && errno == EINTR)
      ;
    w->timed_out = TRUE;
  }
  if (reaped != w->pid)
    return FALSE;
  dn_batch_worker_drain (w);
  w->ended = g_get_monotonic_time ();
  w->wstatus = wstatus;
  w->ru = ru;
  return TRUE;
}

void
dn_batch_worker_release (DnBatchWorker *w)
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

void
dn_batch_worker_kill (DnBatchWorker *w)
{
  kill (-w->pid, SIGKILL);
  kill (w->pid, SIGKILL);
}
