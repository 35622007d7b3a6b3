/* Gathering batch inputs: files, folder trees, .zip archives and path lists,
 * each mapped to a record path under OUTDIR that mirrors its own path. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef DN_HAVE_LIBZIP
#include <zip.h>
#endif

#include "dn-batch.h"

void
dn_batch_input_free (DnBatchInput *input)
{
  if (input == NULL)
    return;
  g_free (input->path);
  g_free (input->member);
  g_free (input->rel);
  g_free (input->key);
  g_clear_error (&input->error);
  g_free (input);
}

/* Splits @path on '/' (and '\\' when @backslash) into its components, dropping
 * empty ones and ".". Sets *@dotdot when a ".." component is present. */
static GPtrArray *
path_components (const char *path, gboolean backslash, gboolean *dotdot)
{
  GPtrArray *parts = g_ptr_array_new_with_free_func (g_free);
  char **split = g_strsplit_set (path, backslash ? "/\\" : "/", -1);
  *dotdot = FALSE;
  for (char **p = split; *p != NULL; p++) {
    if (**p == '\0' || strcmp (*p, ".") == 0)
      continue;
    if (strcmp (*p, "..") == 0)
      *dotdot = TRUE;
    g_ptr_array_add (parts, g_strdup (*p));
  }
  g_strfreev (split);
  return parts;
}

static char *
join_components (GPtrArray *parts)
{
  g_ptr_array_add (parts, NULL);
  char *joined = g_strjoinv ("/", (char **) parts->pdata);
  g_ptr_array_remove_index (parts, parts->len - 1);
  return joined;
}

/* The relative path mirrored under OUTDIR for a file path as given: a clean
 * relative path stays as it is ("./a//b" → "a/b"); an absolute path, or one
 * that climbs with "..", is made absolute and loses its leading '/'. */
static char *
mirror_path (const char *path)
{
  gboolean dotdot;
  GPtrArray *parts = path_components (path, FALSE, &dotdot);
  if (g_path_is_absolute (path) || dotdot) {
    g_ptr_array_unref (parts);
    char *canon = g_canonicalize_filename (path, NULL);
    parts = path_components (canon, FALSE, &dotdot);
    g_free (canon);
  }
  char *rel = join_components (parts);
  g_ptr_array_unref (parts);
  return rel;
}

static DnBatchInput *
input_new (const char *path, const char *member, gint64 index, const char *rel)
{
  DnBatchInput *in = g_new0 (DnBatchInput, 1);
  in->path = g_strdup (path);
  in->member = g_strdup (member);
  in->member_index = index;
  in->rel = g_strdup (rel);
  in->key = member != NULL ? g_strconcat (path, "\n", member, NULL) : g_strdup (path);
  return in;
}

static gboolean
glob_any (char **globs, const char *rel, const char *base)
{
  for (char **g = globs; g != NULL && *g != NULL; g++)
    if (g_pattern_match_simple (*g, rel) || g_pattern_match_simple (*g, base))
      return TRUE;
  return FALSE;
}

/* Globs match the path inside the folder or archive, or the base name. */
static gboolean
wanted (const DnBatchInputs *inputs, const char *rel, gboolean is_dir)
{
  const char *slash = strrchr (rel, '/');
  const char *base = slash != NULL ? slash + 1 : rel;
  if (glob_any (inputs->exclude, rel, base))
    return FALSE;
  if (is_dir || inputs->include == NULL || inputs->include[0] == NULL)
    return TRUE;
  return glob_any (inputs->include, rel, base);
}

static gboolean
is_zip_name (const char *path)
{
  return g_str_has_suffix (path, ".zip") || g_str_has_suffix (path, ".ZIP") ||
         g_str_has_suffix (path, ".Zip");
}

static void
add_failed (DnBatchInputs *inputs, const char *path, const char *member, const char *rel,
            int code, const char *format, ...) G_GNUC_PRINTF (6, 7);

static void
add_failed (DnBatchInputs *inputs, const char *path, const char *member, const char *rel,
            int code, const char *format, ...)
{
  DnBatchInput *in = input_new (path, member, -1, rel);
  va_list ap;
  va_start (ap, format);
  char *msg = g_strdup_vprintf (format, ap);
  va_end (ap);
  in->error = g_error_new_literal (DN_ERROR, code, msg);
  g_free (msg);
  g_ptr_array_add (inputs->items, in);
}

/* Member names come from strangers: backslashes count as separators, a
 * leading '/' or drive letter is dropped, and ".." is refused (NULL). */
static char *
sanitise_member (const char *name)
{
  if (g_ascii_isalpha (name[0]) && name[1] == ':')
    name += 2;
  gboolean dotdot;
  GPtrArray *parts = path_components (name, TRUE, &dotdot);
  char *clean = NULL;
  if (!dotdot && parts->len > 0) {
    clean = join_components (parts);
    for (char *c = clean; *c != '\0'; c++)
      if ((guchar) *c < 0x20)
        *c = '_';
  }
  g_ptr_array_unref (parts);
  return clean;
}

/* Lists the members of a .zip archive without decompressing anything: each
 * child reads its own member, so a zip bomb costs one child, never the batch.
 * Declared sizes are checked here against the limits; children check the
 * bytes they actually read. */
static void
add_archive (DnBatchInputs *inputs, const char *path, const char *rel)
{
#ifndef DN_HAVE_LIBZIP
  add_failed (inputs, path, NULL, rel, DN_ERROR_UNSUPPORTED, "built without libzip: cannot read archives");
  (void) sanitise_member;
#else
  const DnLimits *lim = inputs->limits;
  int zerr = 0;
  zip_t *za = zip_open (path, ZIP_RDONLY, &zerr);
  if (za == NULL) {
    zip_error_t ze;
    zip_error_init_with_code (&ze, zerr);
    add_failed (inputs, path, NULL, rel, zerr == ZIP_ER_OPEN || zerr == ZIP_ER_READ ? DN_ERROR_IO
                                                                                  : DN_ERROR_CORRUPT,
                "cannot open archive: %s", zip_error_strerror (&ze));
    zip_error_fini (&ze);
    return;
  }
  zip_int64_t n = zip_get_num_entries (za, 0);
  if (lim->max_entries > 0 && (guint64) n > lim->max_entries) {
    add_failed (inputs, path, NULL, rel, DN_ERROR_LIMIT,
                "archive has %" G_GINT64_FORMAT " entries, over the limit of %" G_GUINT64_FORMAT,
                (gint64) n, lim->max_entries);
    zip_discard (za);
    return;
  }
  guint64 total = 0;
  for (zip_int64_t i = 0; i < n; i++) {
    const char *raw = zip_get_name (za, (zip_uint64_t) i, ZIP_FL_ENC_GUESS);
    if (raw == NULL || *raw == '\0' || g_str_has_suffix (raw, "/"))
      continue;
    char *clean = sanitise_member (raw);
    if (clean == NULL) {
      char *fake = g_strdup_printf ("%s/unsafe-member-%" G_GINT64_FORMAT, rel, (gint64) i);
      add_failed (inputs, path, raw, fake, DN_ERROR_CORRUPT,
                  "unsafe member name in archive (refused: climbs out with '..')");
      g_free (fake);
      continue;
    }
    const char *slash = strrchr (clean, '/');
    const char *base = slash != NULL ? slash + 1 : clean;
    if (base[0] == '.' || !wanted (inputs, clean, FALSE)) {
      g_free (clean);
      continue;
    }
    char *mrel = g_strconcat (rel, "/", clean, NULL);
    zip_stat_t st;
    zip_stat_init (&st);
    if (zip_stat_index (za, (zip_uint64_t) i, 0, &st) != 0) {
      add_failed (inputs, path, raw, mrel, DN_ERROR_CORRUPT, "cannot read member: %s",
                  zip_strerror (za));
    } else if ((st.valid & ZIP_STAT_SIZE) && lim->max_entry_bytes > 0 &&
               st.size > lim->max_entry_bytes) {
      add_failed (inputs, path, raw, mrel, DN_ERROR_LIMIT,
                  "member of %" G_GUINT64_FORMAT " bytes is over the %" G_GUINT64_FORMAT "-byte limit",
                  (guint64) st.size, lim->max_entry_bytes);
    } else if ((st.valid & ZIP_STAT_SIZE) && (st.valid & ZIP_STAT_COMP_SIZE) && lim->max_ratio > 0 &&
               st.size > (guint64) lim->max_ratio * MAX (st.comp_size, 1) && st.size > 1024 * 1024) {
      add_failed (inputs, path, raw, mrel, DN_ERROR_LIMIT,
                  "member expands %" G_GUINT64_FORMAT " times, over the limit of %u (zip bomb?)",
                  (guint64) (st.size / MAX (st.comp_size, 1)), lim->max_ratio);
    } else if ((st.valid & ZIP_STAT_SIZE) && lim->max_total_bytes > 0 &&
               (total += st.size) > lim->max_total_bytes) {
      add_failed (inputs, path, raw, mrel, DN_ERROR_LIMIT,
                  "archive members add up to more than the %" G_GUINT64_FORMAT "-byte limit",
                  lim->max_total_bytes);
    } else {
      g_ptr_array_add (inputs->items, input_new (path, raw, i, mrel));
    }
    g_free (mrel);
    g_free (clean);
  }
  zip_discard (za);
#endif
}

static void add_path (DnBatchInputs *inputs, const char *path, const char *rel);

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Walks @dir in name order. Symbolic links to folders are not followed
 * (no loops); hidden entries and OUTDIR are skipped. */
static void
add_tree (DnBatchInputs *inputs, const char *dir, const char *dir_rel, const char *glob_rel)
{
  GError *error = NULL;
  GDir *d = g_dir_open (dir, 0, &error);
  if (d == NULL) {
    add_failed (inputs, dir, NULL, dir_rel, DN_ERROR_IO, "cannot read folder: %s", error->message);
    g_error_free (error);
    return;
  }
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_strdup (name));
  g_dir_close (d);
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++) {
    const char *n = names->pdata[i];
    char *child = g_build_filename (dir, n, NULL);
    char *crel = *dir_rel != '\0' ? g_strconcat (dir_rel, "/", n, NULL) : g_strdup (n);
    char *cglob = *glob_rel != '\0' ? g_strconcat (glob_rel, "/", n, NULL) : g_strdup (n);
    struct stat lst, st;
    if (lstat (child, &lst) == 0) {
      gboolean is_dir = S_ISDIR (lst.st_mode);
      gboolean out = inputs->out_exists && is_dir && lst.st_dev == inputs->out_dev &&
                     lst.st_ino == inputs->out_ino;
      if (is_dir && !out && wanted (inputs, cglob, TRUE))
        add_tree (inputs, child, crel, cglob);
      else if ((S_ISREG (lst.st_mode) ||
                (S_ISLNK (lst.st_mode) && stat (child, &st) == 0 && S_ISREG (st.st_mode))) &&
               wanted (inputs, cglob, FALSE))
        add_path (inputs, child, crel);
    }
    g_free (cglob);
    g_free (crel);
    g_free (child);
  }
  g_ptr_array_unref (names);
}

static void
add_path (DnBatchInputs *inputs, const char *path, const char *rel)
{
  struct stat st;
  if (stat (path, &st) != 0) {
    int e = errno;
    add_failed (inputs, path, NULL, rel, DN_ERROR_IO, "cannot open: %s", g_strerror (e));
  } else if (S_ISDIR (st.st_mode)) {
    add_tree (inputs, path, rel, "");
  } else if (is_zip_name (path)) {
    add_archive (inputs, path, rel);
  } else {
    g_ptr_array_add (inputs->items, input_new (path, NULL, -1, rel));
  }
}

void
dn_batch_inputs_add (DnBatchInputs *inputs, const char *arg)
{
  char *rel = mirror_path (arg);
  add_path (inputs, arg, rel);
  g_free (rel);
}

gboolean
dn_batch_inputs_add_list (DnBatchInputs *inputs, const char *file, GError **error)
{
  FILE *f = strcmp (file, "-") == 0 ? stdin : fopen (file, "re");
  if (f == NULL) {
    int e = errno;
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot open: %s", g_strerror (e));
    return FALSE;
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline (&line, &cap, f)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
      line[--len] = '\0';
    if (len > 0)
      dn_batch_inputs_add (inputs, line);
  }
  gboolean ok = !ferror (f);
  if (!ok)
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot read the list of paths");
  free (line);
  if (f != stdin)
    fclose (f);
  return ok;
}

static gboolean
same_source (const DnBatchInput *a, const DnBatchInput *b)
{
  if (g_strcmp0 (a->member, b->member) != 0)
    return FALSE;
  char *ca = g_canonicalize_filename (a->path, NULL);
  char *cb = g_canonicalize_filename (b->path, NULL);
  gboolean same = strcmp (ca, cb) == 0;
  g_free (ca);
  g_free (cb);
  return same;
}

void
dn_batch_inputs_dedupe (DnBatchInputs *inputs)
{
  GHashTable *keys = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTable *rels = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *kept = g_ptr_array_new_with_free_func ((GDestroyNotify) dn_batch_input_free);
  for (guint i = 0; i < inputs->items->len; i++) {
    DnBatchInput *in = inputs->items->pdata[i];
    inputs->items->pdata[i] = NULL;
    if (g_hash_table_contains (keys, in->key)) {
      dn_batch_input_free (in);
      continue;
    }
    const DnBatchInput *other = g_hash_table_lookup (rels, in->rel);
    if (other != NULL && same_source (other, in)) {
      /* The same file spelt two ways ("./a.txt", "a.txt"). */
      dn_batch_input_free (in);
      continue;
    }
    if (other != NULL && in->error == NULL) {
      in->error = g_error_new (DN_ERROR, DN_ERROR_IO, "its record would overwrite the record of %s%s%s",
                               other->path, other->member != NULL ? " member " : "",
                               other->member != NULL ? other->member : "");
      /* A distinct record name, so the manifest can still list it. */
      char *rel = g_strdup_printf ("%s.duplicate-%u", in->rel, i);
      g_free (in->rel);
      in->rel = rel;
    }
    g_hash_table_add (keys, in->key);
    g_hash_table_insert (rels, in->rel, in);
    g_ptr_array_add (kept, in);
  }
  g_hash_table_unref (keys);
  g_hash_table_unref (rels);
  g_ptr_array_unref (inputs->items);
  inputs->items = kept;
}

char *
dn_batch_record_path (const DnBatchSettings *settings, const DnBatchInput *input)
{
  return g_strdup_printf ("%s/%s.%s", settings->outdir, input->rel, settings->extension);
}

/* ".NAME.EXT.<6 random characters>.tmp": how dn_output_write() names the
 * temporary of a record NAME.EXT. */
static gboolean
is_temporary (const char *name, const char *ext)
{
  gsize len = strlen (name);
  gsize elen = strlen (ext);
  if (name[0] != '.' || len < 1 + 1 + elen + 1 + 6 + 4 || !g_str_has_suffix (name, ".tmp") ||
      name[len - 11] != '.')
    return FALSE;
  for (gsize i = len - 10; i < len - 4; i++)
    if (!g_ascii_isalnum (name[i]))
      return FALSE;
  return name[len - 11 - elen - 1] == '.' && strncmp (name + len - 11 - elen, ext, elen) == 0;
}

void
dn_batch_remove_all_temporaries (const char *outdir, const char *ext)
{
  GDir *d = g_dir_open (outdir, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL) {
    char *path = g_build_filename (outdir, name, NULL);
    struct stat st;
    if (lstat (path, &st) == 0) {
      if (S_ISDIR (st.st_mode))
        dn_batch_remove_all_temporaries (path, ext);
      else if (S_ISREG (st.st_mode) && is_temporary (name, ext))
        unlink (path);
    }
    g_free (path);
  }
  g_dir_close (d);
}

void
dn_batch_remove_temporaries (const char *record_path)
{
  char *dir = g_path_get_dirname (record_path);
  char *base = g_path_get_basename (record_path);
  char *prefix = g_strconcat (".", base, ".", NULL);
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d != NULL) {
    const char *name;
    while ((name = g_dir_read_name (d)) != NULL) {
      /* ".NAME." + 6 random characters + ".tmp" */
      if (g_str_has_prefix (name, prefix) && strlen (name) == strlen (prefix) + 6 + 4) {
        char *p = g_build_filename (dir, name, NULL);
        unlink (p);
        g_free (p);
      }
    }
    g_dir_close (d);
  }
  g_free (prefix);
  g_free (base);
  g_free (dir);
}
