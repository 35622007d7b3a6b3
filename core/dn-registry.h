/* dn-registry.h — finds, loads, validates and chooses plugins.
 *
 * Discovery order: every folder in DOCNORM_PLUGIN_PATH (colon-separated),
 * then the build tree's plugins when the running binary lives in the build
 * tree, else the installed plugin folder. A module whose plugin name is
 * already registered is refused as shadowed, so the earlier folder wins.
 * Broken and wrong-ABI modules are refused with their reason, never fatal. */
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

/* Loads every docnorm-*.so in @dir and in its immediate subfolders. Returns
 * the number of plugins accepted. A missing folder is not an error. */
guint dn_registry_load_dir (DnRegistry *reg, const char *dir);

/* Loads the folders listed in the header comment, in order. */
void dn_registry_load_default (DnRegistry *reg);

/* The folder the default discovery uses after DOCNORM_PLUGIN_PATH (build tree
 * or installed); static string. */
const char *dn_registry_default_dir (void);

guint dn_registry_get_n_plugins (const DnRegistry *reg);
/* Borrowed descriptor and origin (module path or static origin). */
const DnPluginDesc *dn_registry_get_plugin (const DnRegistry *reg, guint index,
                                            const char **origin);

guint dn_registry_get_n_refused (const DnRegistry *reg);
/* Borrowed path and reason of refused module @index. */
void dn_registry_get_refused (const DnRegistry *reg, guint index, const char **path,
                              const char **reason);

/* The reader with the highest probe score for @head (the first bytes of an
 * input of @total bytes). A tie goes to the reader that lists @file_name's
 * extension, then to the earlier registered. Returns NULL when every reader
 * scores 0. @score_out may be NULL. Borrowed. */
const DnPluginDesc *dn_registry_find_reader (const DnRegistry *reg, const guint8 *head,
                                             gsize head_len, guint64 total,
                                             const char *file_name, int *score_out);
/* A reader or writer by plugin name ("pdf") or, failing that, by extension.
 * Borrowed; NULL if none. */
const DnPluginDesc *dn_registry_find_reader_by_name (const DnRegistry *reg, const char *name);
const DnPluginDesc *dn_registry_find_writer (const DnRegistry *reg, const char *name);

G_END_DECLS
