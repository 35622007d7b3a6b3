/* dn-registry.h — finds, loads, validates and chooses plugins.
 *
 * Discovery order: every folder in DOCNORM_PLUGIN_PATH (colon-separated),
 * then the build tree's plugins when the running binary lives in the build
 * tree, else the installed plugin folder. A module whose plugin name is
 * already registered is refused as shadowed, so the earlier folder wins.
 * Broken and wrong-ABI modules are refused with their reason, never fatal.
 *
 * Modules are loaded when first used: what each one said about itself last
 * time (name, reader or writer, extensions) is kept in a plugin cache
 * (dn-plugin-cache.h, docs/PLUGINS.md), so a conversion opens only the
 * reader and writer it needs. A module the cache does not know, or that
 * changed since, is loaded at once. */
#pragma once
#include "dn-plugin.h"

G_BEGIN_DECLS

typedef struct _DnRegistry DnRegistry;

DnRegistry *dn_registry_new (void);
void dn_registry_free (DnRegistry *reg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DnRegistry, dn_registry_free)

/* Adds a descriptor obtained without GModule (static linking). @origin names
 * where it came from for `docnorm formats`. Returns FALSE and sets @error
 * (DN_ERROR_PLUGIN) when the descriptor is refused; the refusal is also
 * listed. */
gboolean dn_registry_add (DnRegistry *reg, const DnPluginDesc *desc, const char *origin,
                          GError **error);

/* Registers every docnorm-*.so in @dir and in its immediate subfolders,
 * loading those the plugin cache does not vouch for. Returns the number of
 * plugins accepted. A missing folder is not an error. */
guint dn_registry_load_dir (DnRegistry *reg, const char *dir);

/* Loads the folders listed in the header comment, in order. */
void dn_registry_load_default (DnRegistry *reg);

/* The folder the default discovery uses after DOCNORM_PLUGIN_PATH (build tree
 * or installed); static string. */
const char *dn_registry_default_dir (void);

/* Loads every plugin still known only from the cache, e.g. before forking
 * workers that should not each load their own. A module that fails to load
 * now is refused (dn_registry_get_refused) and its slot stays empty. */
void dn_registry_load_all (DnRegistry *reg);

guint dn_registry_get_n_plugins (const DnRegistry *reg);
/* Borrowed descriptor of plugin @index, loading it first if needed; NULL
 * when it could not be loaded after all (then listed as refused). @origin
 * (module path or static origin) is set either way and may be NULL. */
const DnPluginDesc *dn_registry_get_plugin (DnRegistry *reg, guint index, const char **origin);
/* Whether plugin @index has been loaded (or was added statically). */
gboolean dn_registry_plugin_is_loaded (const DnRegistry *reg, guint index);

guint dn_registry_get_n_refused (const DnRegistry *reg);
/* Borrowed path and reason of refused module @index. */
void dn_registry_get_refused (const DnRegistry *reg, guint index, const char **path,
                              const char **reason);

/* The reader with the highest probe score for @head (the first bytes of an
 * input of @total bytes). A tie goes to the reader that lists @file_name's
 * extension, then to the earlier registered. Readers not loaded yet are
 * probed only when needed: those listing the extension first, and the rest
 * only if no loaded reader scores DN_PROBE_SURE or more. Returns NULL when
 * every reader scores 0. @score_out may be NULL. Borrowed. */
const DnPluginDesc *dn_registry_find_reader (DnRegistry *reg, const guint8 *head,
                                             gsize head_len, guint64 total,
                                             const char *file_name, int *score_out);
/* A reader or writer by plugin name ("pdf") or, failing that, by extension.
 * Borrowed; NULL if none. */
const DnPluginDesc *dn_registry_find_reader_by_name (DnRegistry *reg, const char *name);
const DnPluginDesc *dn_registry_find_writer (DnRegistry *reg, const char *name);
/* The first OCR engine that loads, or NULL when none is registered
 * (loads it). Borrowed. */
const DnPluginDesc *dn_registry_find_ocr (DnRegistry *reg);

G_END_DECLS
