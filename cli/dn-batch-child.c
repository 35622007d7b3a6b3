/* The batch child: converts one input in a process of its own, so that a
 * reader that crashes, hangs or eats memory costs one record, not the batch.
 *
 * It reports to the parent on @msg_fd with JSON lines:
 *   {"sha256":…,"bytes":…,"reader":…}            once the input is loaded
 *   {"status":"ok"|"notice"|"review"|"failed", "pages":…, "warnings":…,
 *    "severities":{…}, "reader":…, "skipped":"resume", "error":{"code":…,"message":…}}
 *                                                 when done
 * A child that dies before the second line has crashed (or was killed). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#ifdef DN_HAVE_LIBZIP
#include <zip.h>
#endif
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "dn-batch.h"

static void
send_object (int fd, JsonObject *obj)
{
  JsonNode *node = json_node_init_object (json_node_alloc (), obj);
  char *text = json_to_string (node, FALSE);
  json_node_unref (node);
  GString *line = g_string_new (text);
  g_string_append_c (line, '\n');
  const char *p = line->str;
  gsize left = line->len;
  while (left > 0) {
    ssize_t n = write (fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    p += n;
    left -= (gsize) n;
  }
  g_string_free (line, TRUE);
  g_free (text);
}

static G_GNUC_NORETURN void
finish (int fd, JsonObject *result)
{
  send_object (fd, result);
  json_object_unref (result);
  _exit (0);
}

static G_GNUC_NORETURN void
finish_failed (int fd, const char *reader, const GError *error)
{
  JsonObject *r = json_object_new ();
  json_object_set_string_member (r, "status", "failed");
  if (reader != NULL)
    json_object_set_string_member (r, "reader", reader);
  JsonObject *e = json_object_new ();
  json_object_set_string_member (e, "code", error->domain == DN_ERROR ? dn_error_code_name (error->code)
                                                                      : "failed");
  /* Bounded: the message goes through a pipe and into the manifest. */
  char *msg = g_utf8_make_valid (error->message, -1);
  if (strlen (msg) > 2000)
    msg[2000] = '\0';
  g_strdelimit (msg, "\r\n", ' ');
  json_object_set_string_member (e, "message", msg);
  g_free (msg);
  json_object_set_object_member (r, "error", e);
  finish (fd, r);
}

/* Reads a member of a .zip archive, checking the bytes actually produced
 * against the limits (declared sizes can lie). */
static GBytes *
load_member (const DnBatchInput *input, const DnLimits *lim, GError **error)
{
#ifndef DN_HAVE_LIBZIP
  g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "built without libzip: cannot read archives");
  return NULL;
#else
  int zerr = 0;
  zip_t *za = zip_open (input->path, ZIP_RDONLY, &zerr);
  if (za == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot open archive (error %d)", zerr);
    return NULL;
  }
  zip_stat_t st;
  zip_stat_init (&st);
  zip_stat_index (za, (zip_uint64_t) input->member_index, 0, &st);
  zip_file_t *zf = zip_fopen_index (za, (zip_uint64_t) input->member_index, 0);
  if (zf == NULL) {
    zip_error_t *ze = zip_get_error (za);
    int code = zip_error_code_zip (ze);
    g_set_error (error, DN_ERROR,
                 code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD ? DN_ERROR_ENCRYPTED
                 : code == ZIP_ER_COMPNOTSUPP || code == ZIP_ER_ENCRNOTSUPP ? DN_ERROR_UNSUPPORTED
                                                                            : DN_ERROR_CORRUPT,
                 "cannot read archive member: %s", zip_error_strerror (ze));
    zip_discard (za);
    return NULL;
  }
  guint64 cap = lim->max_entry_bytes;
  if (lim->max_input_bytes > 0 && (cap == 0 || lim->max_input_bytes < cap))
    cap = lim->max_input_bytes;
  guint64 comp = (st.valid & ZIP_STAT_COMP_SIZE) ? MAX (st.comp_size, 1) : 0;
  GByteArray *buf = g_byte_array_new ();
  guint8 chunk[65536];
  gboolean ok = TRUE;
  for (;;) {
    zip_int64_t n = zip_fread (zf, chunk, sizeof chunk);
    if (n < 0) {
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "cannot read archive member: %s",
                   zip_file_strerror (zf));
      ok = FALSE;
      break;
    }
    if (n == 0)
      break;
    guint64 total = buf->len + (guint64) n;
    if (cap > 0 && total > cap) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                   "member expands past the %" G_GUINT64_FORMAT "-byte limit", cap);
      ok = FALSE;
      break;
    }
    if (comp > 0 && lim->max_ratio > 0 && total > 1024 * 1024 && total > comp * lim->max_ratio) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                   "member expands more than %u times (zip bomb?)", lim->max_ratio);
      ok = FALSE;
      break;
    }
    g_byte_array_append (buf, chunk, (guint) n);
  }
  zip_fclose (zf);
  zip_discard (za);
  if (!ok) {
    g_byte_array_unref (buf);
    return NULL;
  }
  return g_byte_array_free_to_bytes (buf);
#endif
}

/* TRUE when the record at @record_path describes these very bytes in the
 * current schema. For JSON records the record itself says so; for other
 * writers the earlier manifest line must, and the record must exist. Fills
 * @result with what the manifest needs. */
static gboolean
already_done (const DnBatchSettings *s, const DnBatchInput *input, const char *record_path,
              const char *sha, JsonObject *result)
{
  JsonObject *prev = s->previous != NULL ? g_hash_table_lookup (s->previous, input->key) : NULL;
  gboolean prev_same =
    prev != NULL && strcmp (json_object_get_string_member_with_default (prev, "sha256", ""), sha) == 0 &&
    strcmp (json_object_get_string_member_with_default (prev, "schema_version", ""), DN_SCHEMA_VERSION) == 0;
  /* A failure on record stays one (the parent drops them for --retry-failed). */
  if (prev_same && strcmp (json_object_get_string_member_with_default (prev, "status", ""), "failed") == 0) {
    json_object_set_string_member (result, "status", "failed");
    if (json_object_has_member (prev, "error") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (prev, "error")))
      json_object_set_object_member (result, "error",
                                     json_object_ref (json_object_get_object_member (prev, "error")));
    const char *reader = json_object_get_string_member_with_default (prev, "reader", NULL);
    if (reader != NULL)
      json_object_set_string_member (result, "reader", reader);
    return TRUE;
  }
  if (!g_file_test (record_path, G_FILE_TEST_IS_REGULAR))
    return FALSE;
  if (strcmp (s->writer->name, "json") == 0) {
    JsonParser *parser = json_parser_new ();
    gboolean same = FALSE;
    if (json_parser_load_from_file (parser, record_path, NULL)) {
      JsonNode *root = json_parser_get_root (parser);
      JsonObject *rec = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
      JsonObject *src = rec != NULL && json_object_has_member (rec, "source")
                          ? json_object_get_object_member (rec, "source") : NULL;
      const char *ver = rec != NULL ? json_object_get_string_member_with_default (rec, "schema_version", "") : "";
      const char *rsha = src != NULL ? json_object_get_string_member_with_default (src, "sha256", "") : "";
      if (src != NULL && strcmp (ver, DN_SCHEMA_VERSION) == 0 && strcmp (rsha, sha) == 0) {
        same = TRUE;
        JsonObject *reader = json_object_has_member (src, "reader")
                               ? json_object_get_object_member (src, "reader") : NULL;
        if (reader != NULL)
          json_object_set_string_member (result, "reader",
                                         json_object_get_string_member_with_default (reader, "name", ""));
        json_object_set_int_member (result, "pages",
                                    json_object_get_int_member_with_default (src, "pages", 0));
        JsonArray *w = json_object_has_member (rec, "warnings")
                         ? json_object_get_array_member (rec, "warnings") : NULL;
        guint counts[DN_N_SEVERITIES] = { 0 };
        for (guint i = 0; w != NULL && i < json_array_get_length (w); i++) {
          JsonObject *wo = json_array_get_object_element (w, i);
          DnSeverity sev;
          if (wo == NULL)
            continue;
          if (!dn_severity_from_string (json_object_get_string_member_with_default (wo, "severity", ""), &sev))
            sev = dn_warning_code_get_severity (json_object_get_string_member_with_default (wo, "code", ""));
          counts[sev]++;
        }
        dn_batch_result_set_warnings (result, counts);
      }
    }
    g_object_unref (parser);
    return same;
  }
  if (!prev_same)
    return FALSE;
  /* A line whose status is not one of today's converted ones (a manifest
   * from before severities said "warnings") is converted again. */
  const char *status = json_object_get_string_member_with_default (prev, "status", "");
  if (!dn_batch_status_is_converted (status))
    return FALSE;
  json_object_set_string_member (result, "status", status);
  json_object_set_string_member (result, "reader", json_object_get_string_member_with_default (prev, "reader", ""));
  json_object_set_int_member (result, "pages", json_object_get_int_member_with_default (prev, "pages", 0));
  json_object_set_int_member (result, "warnings", json_object_get_int_member_with_default (prev, "warnings", 0));
  if (json_object_has_member (prev, "severities") && JSON_NODE_HOLDS_OBJECT (json_object_get_member (prev, "severities")))
    json_object_set_object_member (result, "severities",
                                   json_object_ref (json_object_get_object_member (prev, "severities")));
  return TRUE;
}

/* AddressSanitizer reserves terabytes of address space for its shadow
 * before main(); under any RLIMIT_AS cap its next mapping fails and every
 * child aborts ("Failed to mmap"). Sanitizer builds, which only tests use,
 * therefore run the children without the address-space cap. */
#if defined(__SANITIZE_ADDRESS__)
#define DN_BATCH_ADDRESS_CAP 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define DN_BATCH_ADDRESS_CAP 0
#endif
#endif
#ifndef DN_BATCH_ADDRESS_CAP
#define DN_BATCH_ADDRESS_CAP 1
#endif

static void
child_setup (const DnBatchSettings *s, int err_fd)
{
  /* Its own process group: the terminal's Ctrl-C reaches the parent only,
   * and the parent can kill whatever the child started. */
  setpgid (0, 0);
#ifdef __linux__
  /* Dies with the parent, even one killed with SIGKILL. */
  prctl (PR_SET_PDEATHSIG, SIGKILL);
#endif
  if (getppid () != s->parent_pid)
    _exit (127);
  signal (SIGINT, SIG_DFL);
  signal (SIGTERM, SIG_DFL);
  signal (SIGPIPE, SIG_DFL);
  signal (SIGCHLD, SIG_DFL);
  sigset_t none;
  sigemptyset (&none);
  sigprocmask (SIG_SETMASK, &none, NULL);

  /* Libraries must not talk, but if one does it goes to the parent, which
   * keeps the tail to explain a crash. */
  int devnull = open ("/dev/null", O_RDWR | O_CLOEXEC);
  if (devnull >= 0) {
    dup2 (devnull, STDIN_FILENO);
    close (devnull);
  }
  dup2 (err_fd, STDOUT_FILENO);
  dup2 (err_fd, STDERR_FILENO);
  close (err_fd);

  /* A crash is recorded, not dumped: a core of a large address space takes
   * seconds to write and litters the disk. */
  struct rlimit no_core = { 0, 0 };
  setrlimit (RLIMIT_CORE, &no_core);
  if (DN_BATCH_ADDRESS_CAP && s->max_memory > 0) {
    struct rlimit rl = { .rlim_cur = s->max_memory, .rlim_max = s->max_memory };
    setrlimit (RLIMIT_AS, &rl);
  }
}

void
dn_batch_child_run (const DnBatchSettings *s, const DnBatchInput *input, int msg_fd, int err_fd)
{
  child_setup (s, err_fd);

  GError *error = NULL;
  const DnLimits *lim = &s->convert.read.limits;
  GBytes *data = input->member != NULL ? load_member (input, lim, &error)
                                       : dn_input_load (input->path, lim->max_input_bytes, &error);
  if (data == NULL)
    finish_failed (msg_fd, NULL, error);

  gsize len;
  const guint8 *bytes = g_bytes_get_data (data, &len);
  char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  /* The reader the pipeline will choose, named now so that a crash inside
   * it is recorded against it. */
  const char *base = strrchr (input->rel, '/');
  base = base != NULL ? base + 1 : input->rel;
  const DnPluginDesc *reader =
    len > 0 ? dn_registry_find_reader (s->reg, bytes, MIN (len, DN_PROBE_BYTES), len, base, NULL) : NULL;
  const char *reader_name = reader != NULL ? reader->name : NULL;
  JsonObject *start = json_object_new ();
  json_object_set_string_member (start, "sha256", sha);
  json_object_set_int_member (start, "bytes", (gint64) len);
  if (reader_name != NULL)
    json_object_set_string_member (start, "reader", reader_name);
  send_object (msg_fd, start);
  json_object_unref (start);

  char *record = dn_batch_record_path (s, input);
  JsonObject *result = json_object_new ();
  if (s->resume && already_done (s, input, record, sha, result)) {
    json_object_set_string_member (result, "skipped", "resume");
    finish (msg_fd, result);
  }
  json_object_unref (result);

  /* The pipeline records the name it is given as the source's file name.
   * The reader is already chosen and the input hashed: not done again. */
  DnConvertOptions opts = s->convert;
  opts.sha256 = sha;
  if (reader != NULL)
    opts.reader_name = reader->name;
  DnDocument *doc = dn_convert_bytes (s->reg, data, base, &opts, &error);
  if (doc == NULL)
    finish_failed (msg_fd, reader_name, error);

  char *dir = g_path_get_dirname (record);
  if (g_mkdir_with_parents (dir, 0755) != 0) {
    int e = errno;
    g_set_error (&error, DN_ERROR, DN_ERROR_IO, "cannot create folder %s: %s", dir, g_strerror (e));
    finish_failed (msg_fd, reader_name, error);
  }
  if (!dn_output_write (s->writer, doc, &s->convert.write, record, &error))
    finish_failed (msg_fd, reader_name, error);

  DnSourceInfo src;
  dn_document_get_source (doc, &src);
  guint counts[DN_N_SEVERITIES];
  dn_document_count_warnings (doc, counts);
  result = json_object_new ();
  dn_batch_result_set_warnings (result, counts);
  json_object_set_string_member (result, "reader", src.reader_name);
  json_object_set_int_member (result, "pages", src.pages);
  finish (msg_fd, result);
}
