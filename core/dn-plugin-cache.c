#include "dn-plugin-cache.h"

#include <string.h>

/* Bumped when the file's layout changes; an older file is then ignored. */
#define CACHE_FORMAT 1
#define HEADER_GROUP "docnorm"

struct _DnPluginCache {
  char *path;    /* NULL: caching is off */
  GKeyFile *keys;
  gboolean dirty;
};

void
dn_cached_plugin_free (DnCachedPlugin *cp)
{
  if (cp == NULL)
    return;
  g_free (cp->name);
  g_strfreev (cp->extensions);
  g_free (cp);
}

static char *
cache_path (void)
{
  const char *env = g_getenv ("DOCNORM_PLUGIN_CACHE");
  if (env != NULL)
    return *env != '\0' ? g_strdup (env) : NULL;
  return g_build_filename (g_get_user_cache_dir (), "docnorm", "plugins.cache", NULL);
}

static void
reset (GKeyFile *keys)
{
  g_key_file_remove_group (keys, HEADER_GROUP, NULL);
  gsize n;
  char **groups = g_key_file_get_groups (keys, &n);
  for (gsize i = 0; i < n; i++)
    g_key_file_remove_group (keys, groups[i], NULL);
  g_strfreev (groups);
  g_key_file_set_integer (keys, HEADER_GROUP, "format", CACHE_FORMAT);
  g_key_file_set_integer (keys, HEADER_GROUP, "abi", DN_PLUGIN_ABI_VERSION);
}

DnPluginCache *
dn_plugin_cache_open (void)
{
  DnPluginCache *cache = g_new0 (DnPluginCache, 1);
  cache->path = cache_path ();
  cache->keys = g_key_file_new ();
  if (cache->path == NULL ||
      !g_key_file_load_from_file (cache->keys, cache->path, G_KEY_FILE_NONE, NULL) ||
      g_key_file_get_integer (cache->keys, HEADER_GROUP, "format", NULL) != CACHE_FORMAT ||
      g_key_file_get_integer (cache->keys, HEADER_GROUP, "abi", NULL) != DN_PLUGIN_ABI_VERSION)
    reset (cache->keys);
  return cache;
}

void
dn_plugin_cache_free (DnPluginCache *cache)
{
  if (cache == NULL)
    return;
  g_free (cache->path);
  g_key_file_free (cache->keys);
  g_free (cache);
}

/* GKeyFile group names exclude brackets and control characters; a module
 * whose path has them is simply not cached. */
static gboolean
cacheable (const DnPluginCache *cache, const char *path)
{
  if (cache->path == NULL || !g_utf8_validate (path, -1, NULL))
    return FALSE;
  for (const char *p = path; *p != '\0'; p++)
    if (*p == '[' || *p == ']' || (guchar) *p < 0x20 || *p == 0x7f)
      return FALSE;
  return TRUE;
}

static gint64
mtime_ns (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) + st->st_mtim.tv_nsec;
}

/* The stamp that must match for an entry to be trusted. Newly allocated. */
static char *
stamp (const struct stat *st)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT ":%" G_GUINT64_FORMAT,
                          (gint64) st->st_size, mtime_ns (st), (guint64) st->st_ino);
}

DnCachedPlugin *
dn_plugin_cache_lookup (DnPluginCache *cache, const char *path, const struct stat *st)
{
  if (!cacheable (cache, path) || !g_key_file_has_group (cache->keys, path))
    return NULL;
  char *want = stamp (st);
  char *have = g_key_file_get_string (cache->keys, path, "stamp", NULL);
  char *name = g_key_file_get_string (cache->keys, path, "name", NULL);
  gboolean fresh = have != NULL && strcmp (have, want) == 0 && name != NULL && *name != '\0';
  g_free (want);
  g_free (have);
  if (!fresh) {
    g_free (name);
    return NULL;
  }
  DnCachedPlugin *cp = g_new0 (DnCachedPlugin, 1);
  cp->name = name;
  cp->reader = g_key_file_get_boolean (cache->keys, path, "reader", NULL);
  cp->writer = g_key_file_get_boolean (cache->keys, path, "writer", NULL);
  cp->ocr = g_key_file_get_boolean (cache->keys, path, "ocr", NULL);
  cp->extensions = g_key_file_get_string_list (cache->keys, path, "extensions", NULL, NULL);
  if (cp->extensions == NULL)
    cp->extensions = g_new0 (char *, 1);
  if (!cp->reader && !cp->writer && !cp->ocr) {
    dn_cached_plugin_free (cp);
    return NULL;
  }
  return cp;
}

void
dn_plugin_cache_store (DnPluginCache *cache, const char *path, const struct stat *st,
                       const DnPluginDesc *desc)
{
  if (!cacheable (cache, path))
    return;
  char *s = stamp (st);
  g_key_file_remove_group (cache->keys, path, NULL);
  g_key_file_set_string (cache->keys, path, "stamp", s);
  g_key_file_set_string (cache->keys, path, "name", desc->name);
  g_key_file_set_boolean (cache->keys, path, "reader", desc->reader != NULL);
  g_key_file_set_boolean (cache->keys, path, "writer", desc->writer != NULL);
  g_key_file_set_boolean (cache->keys, path, "ocr", dn_plugin_desc_get_ocr (desc) != NULL);
  guint n = desc->extensions != NULL ? g_strv_length ((char **) desc->extensions) : 0;
  g_key_file_set_string_list (cache->keys, path, "extensions",
                              (const char *const *) desc->extensions, n);
  g_free (s);
  cache->dirty = TRUE;
}

void
dn_plugin_cache_forget (DnPluginCache *cache, const char *path)
{
  if (cacheable (cache, path) && g_key_file_remove_group (cache->keys, path, NULL))
    cache->dirty = TRUE;
}

void
dn_plugin_cache_save (DnPluginCache *cache)
{
  if (cache->path == NULL || !cache->dirty)
    return;
  /* Entries of modules that are gone would otherwise pile up. */
  gsize n;
  char **groups = g_key_file_get_groups (cache->keys, &n);
  for (gsize i = 0; i < n; i++)
    if (strcmp (groups[i], HEADER_GROUP) != 0 && !g_file_test (groups[i], G_FILE_TEST_EXISTS))
      g_key_file_remove_group (cache->keys, groups[i], NULL);
  g_strfreev (groups);
  char *dir = g_path_get_dirname (cache->path);
  gsize len;
  char *text = g_key_file_to_data (cache->keys, &len, NULL);
  /* Temporary file and rename: a concurrent docnorm reads the old file or
   * the new one, never half of one. */
  if (g_mkdir_with_parents (dir, 0755) == 0)
    g_file_set_contents_full (cache->path, text, (gssize) len, G_FILE_SET_CONTENTS_CONSISTENT,
                              0644, NULL);
  cache->dirty = FALSE;
  g_free (text);
  g_free (dir);
}
