/* dn-plugin-cache.h — what each plugin module said about itself last time,
 * so that a run loads only the modules it uses (internal to core).
 *
 * Like GStreamer's registry cache and gdk-pixbuf's loaders.cache: one key
 * file, a group per module path, valid while the module's size, mtime and
 * inode are unchanged. It lives at $DOCNORM_PLUGIN_CACHE, by default
 * $XDG_CACHE_HOME/docnorm/plugins.cache; DOCNORM_PLUGIN_CACHE set to the
 * empty string turns it off. The cache is only a shortcut: when it is
 * missing, unreadable, stale or unwritable, modules are loaded as without
 * it. */
#pragma once
#include <sys/stat.h>

#include "dn-plugin.h"

G_BEGIN_DECLS

typedef struct _DnPluginCache DnPluginCache;

/* A module's entry: enough to choose it without loading it. */
typedef struct {
  char *name;
  gboolean reader;
  gboolean writer;
  gboolean ocr;
  char **extensions; /* NULL-terminated, never NULL */
} DnCachedPlugin;

void dn_cached_plugin_free (DnCachedPlugin *cp);

/* Reads the cache file (if any). Never fails; free with dn_plugin_cache_free. */
DnPluginCache *dn_plugin_cache_open (void);
void dn_plugin_cache_free (DnPluginCache *cache);

/* The entry for the module at @path whose stat is @st, or NULL when there is
 * none or it is stale. Newly allocated. */
DnCachedPlugin *dn_plugin_cache_lookup (DnPluginCache *cache, const char *path,
                                        const struct stat *st);
/* Records (or replaces) the entry for @path from its loaded descriptor. */
void dn_plugin_cache_store (DnPluginCache *cache, const char *path, const struct stat *st,
                            const DnPluginDesc *desc);
/* Drops the entry for @path. */
void dn_plugin_cache_forget (DnPluginCache *cache, const char *path);
/* Writes the file when something changed, atomically; failures are ignored. */
void dn_plugin_cache_save (DnPluginCache *cache);

G_END_DECLS
