/* The batch manifest, OUTDIR/manifest.ndjson: one JSON line per input,
 * appended and fsync'ed as each outcome is known, so that a kill at any
 * moment leaves whole lines. Shared by batch and watch. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "dn-batch.h"

#define SECONDS_PLACEHOLDER "@seconds@"

char *
dn_batch_manifest_key (JsonObject *line)
{
  const char *path = json_object_get_string_member_with_default (line, "path", NULL);
  if (path == NULL)
    return NULL;
  const char *member = json_object_get_string_member_with_default (line, "member", NULL);
  return member != NULL ? g_strconcat (path, "\n", member, NULL) : g_strdup (path);
}

void
dn_batch_ndjson_foreach (const char *text, DnBatchNdjsonFunc fn, gpointer data)
{
  JsonParser *parser = json_parser_new ();
  char **split = g_strsplit (text, "\n", -1);
  for (char **l = split; *l != NULL; l++) {
    if (**l == '\0' || !json_parser_load_from_data (parser, *l, -1, NULL))
      continue;
    JsonNode *root = json_parser_get_root (parser);
    if (!JSON_NODE_HOLDS_OBJECT (root))
      continue;
    fn (json_node_get_object (root), *l, data);
  }
  g_strfreev (split);
  g_object_unref (parser);
}

typedef struct {
  GHashTable *map;
  GHashTable *lines;
} ManifestLoad;

static void
manifest_load_line (JsonObject *obj, const char *line, gpointer data)
{
  ManifestLoad *ml = data;
  char *key = dn_batch_manifest_key (obj);
  if (key == NULL)
    return;
  if (ml->lines != NULL)
    g_hash_table_insert (ml->lines, g_strdup (key), g_strdup (line));
  g_hash_table_insert (ml->map, key, json_object_ref (obj));
}

GHashTable *
dn_batch_manifest_load (const char *path, GHashTable *lines)
{
  char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  ManifestLoad ml = {
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                           (GDestroyNotify) json_object_unref),
    lines,
  };
  dn_batch_ndjson_foreach (text, manifest_load_line, &ml);
  g_free (text);
  return ml.map;
}

int
dn_batch_manifest_open (const char *path, gboolean append, GError **error)
{
  int fd = open (path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC | (append ? 0 : O_TRUNC), 0644);
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

int
dn_batch_manifest_start (DnBatchSettings *settings, gboolean resume, char **path_out, GError **error)
{
  *path_out = g_build_filename (settings->outdir, DN_BATCH_MANIFEST_NAME, NULL);
  dn_batch_remove_all_temporaries (settings->outdir, settings->extension);
  if (resume)
    settings->previous = dn_batch_manifest_load (*path_out, NULL);
  return dn_batch_manifest_open (*path_out, resume, error);
}

/* One line, one write(), then fsync: a kill at any moment leaves whole lines
 * (and at worst a torn last one, which resume drops). */
void
dn_batch_manifest_append (int fd, const char *path, JsonObject *line, double seconds)
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
    ssize_t n = write (fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0) {
      int e = errno;
      dn_cli_error (path, "cannot write: %s", g_strerror (e));
      break;
    }
    p += n;
    left -= (gsize) n;
  }
  fdatasync (fd);
  g_free (full);
  g_free (text);
}

const char *
dn_batch_status_of (const guint counts[DN_N_SEVERITIES])
{
  return counts[DN_SEVERITY_WARNING] > 0 ? "review" : counts[DN_SEVERITY_NOTICE] > 0 ? "notice" : "ok";
}

gboolean
dn_batch_status_is_converted (const char *status)
{
  return g_strcmp0 (status, "ok") == 0 || g_strcmp0 (status, "notice") == 0 || g_strcmp0 (status, "review") == 0;
}

void
dn_batch_result_set_warnings (JsonObject *result, const guint counts[DN_N_SEVERITIES])
{
  JsonObject *by = json_object_new ();
  guint total = 0;
  for (int s = 0; s < DN_N_SEVERITIES; s++) {
    json_object_set_int_member (by, dn_severity_to_string ((DnSeverity) s), counts[s]);
    total += counts[s];
  }
  json_object_set_string_member (result, "status", dn_batch_status_of (counts));
  json_object_set_int_member (result, "warnings", total);
  json_object_set_object_member (result, "severities", by);
}

JsonObject *
dn_batch_manifest_record (int fd, const char *path, const DnBatchSettings *settings,
                          const DnBatchInput *in, const DnBatchOutcome *o)
{
  const char *status = o->status;
  gboolean skipped = o->skipped;
  JsonObject *start = o->start, *result = o->result, *error = o->error, *err = o->err;
  const char *sha = start != NULL ? json_object_get_string_member_with_default (start, "sha256", NULL) : NULL;

  if (strcmp (status, "failed") == 0 && !skipped) {
    /* A record left from an earlier run would now be stale. */
    char *record = dn_batch_record_path (settings, in);
    dn_batch_remove_temporaries (record);
    unlink (record);
    g_free (record);
  }

  JsonObject *prev = settings->previous != NULL ? g_hash_table_lookup (settings->previous, in->key) : NULL;
  gboolean prev_same = prev != NULL && sha != NULL &&
                       g_strcmp0 (json_object_get_string_member_with_default (prev, "sha256", NULL), sha) == 0 &&
                       g_strcmp0 (json_object_get_string_member_with_default (prev, "status", NULL), status) == 0;
  if (skipped && prev_same)
    return NULL;
  JsonObject *line = json_object_new ();
  json_object_set_string_member (line, "path", in->path);
  if (in->member != NULL)
    json_object_set_string_member (line, "member", in->member);
  char *rel = g_strdup_printf ("%s.%s", in->rel, settings->extension);
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
  if (o->signame != NULL)
    json_object_set_string_member (line, "signal", o->signame);
  gint64 pages = result != NULL && error == NULL ? json_object_get_int_member_with_default (result, "pages", 0) : 0;
  if (pages > 0)
    json_object_set_int_member (line, "pages", pages);
  else
    json_object_set_null_member (line, "pages");
  gboolean converted = result != NULL && error == NULL;
  json_object_set_int_member (line, "warnings",
                              converted ? json_object_get_int_member_with_default (result, "warnings", 0) : 0);
  JsonObject *by = converted && json_object_has_member (result, "severities")
                     ? json_object_get_object_member (result, "severities") : NULL;
  if (by != NULL)
    json_object_set_object_member (line, "severities", json_object_ref (by));
  else
    json_object_set_null_member (line, "severities");
  if (skipped)
    json_object_set_null_member (line, "seconds");
  else
    json_object_set_string_member (line, "seconds", SECONDS_PLACEHOLDER);
  json_object_set_string_member (line, "schema_version", DN_SCHEMA_VERSION);
  dn_batch_manifest_append (fd, path, line, o->seconds);
  return line;
}
