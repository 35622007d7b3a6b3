#include "dn-registry.h"

#include <string.h>
#include <sys/stat.h>

#include "dn-config.h"
#include "dn-plugin-cache.h"

typedef struct {
  /* Loaded: desc set. Known only from the cache: cached set, loaded on first
   * use. Failed to load after all: both NULL, skipped everywhere. */
  const DnPluginDesc *desc;
  DnCachedPlugin *cached;
  char *origin;
  char *ident;     /* module symbol ident, for loading later */
  GModule *module; /* NULL for static descriptors; kept open for the process */
} DnPluginEntry;

typedef struct {
  char *path;
  char *reason;
} DnRefusal;

struct _DnRegistry {
  GArray *plugins; /* DnPluginEntry */
  GArray *refused; /* DnRefusal */
  DnPluginCache *cache; /* opened by the first dn_registry_load_dir */
};

static void
entry_clear (gpointer p)
{
  DnPluginEntry *e = p;
  g_free (e->origin);
  g_free (e->ident);
  dn_cached_plugin_free (e->cached);
  /* Modules stay loaded: descriptors and vtables point into them, and a
   * document may outlive the registry's use. */
}

static void
refusal_clear (gpointer p)
{
  DnRefusal *r = p;
  g_free (r->path);
  g_free (r->reason);
}

DnRegistry *
dn_registry_new (void)
{
  DnRegistry *reg = g_new0 (DnRegistry, 1);
  reg->plugins = g_array_new (FALSE, TRUE, sizeof (DnPluginEntry));
  g_array_set_clear_func (reg->plugins, entry_clear);
  reg->refused = g_array_new (FALSE, TRUE, sizeof (DnRefusal));
  g_array_set_clear_func (reg->refused, refusal_clear);
  return reg;
}

void
dn_registry_free (DnRegistry *reg)
{
  if (reg == NULL)
    return;
  g_array_free (reg->plugins, TRUE);
  g_array_free (reg->refused, TRUE);
  dn_plugin_cache_free (reg->cache);
  g_free (reg);
}

static void
refuse (DnRegistry *reg, const char *path, char *reason)
{
  DnRefusal r = { g_strdup (path), reason };
  g_array_append_val (reg->refused, r);
}

static const char *
entry_name (const DnPluginEntry *e)
{
  return e->desc != NULL ? e->desc->name : e->cached != NULL ? e->cached->name : NULL;
}

typedef enum { KIND_READER, KIND_WRITER, KIND_OCR } PluginKind;

static gboolean
entry_is (const DnPluginEntry *e, PluginKind kind)
{
  if (e->desc != NULL)
    return kind == KIND_READER ? e->desc->reader != NULL
         : kind == KIND_WRITER ? e->desc->writer != NULL
                               : dn_plugin_desc_get_ocr (e->desc) != NULL;
  return e->cached != NULL &&
         (kind == KIND_READER ? e->cached->reader : kind == KIND_WRITER ? e->cached->writer : e->cached->ocr);
}

static gboolean
list_has (const char *const *list, const char *ext)
{
  if (ext == NULL || list == NULL)
    return FALSE;
  for (const char *const *e = list; *e != NULL; e++)
    if (g_ascii_strcasecmp (*e, ext) == 0)
      return TRUE;
  return FALSE;
}

static gboolean
entry_has_extension (const DnPluginEntry *e, const char *ext)
{
  if (e->desc != NULL)
    return list_has (e->desc->extensions, ext);
  return e->cached != NULL && list_has ((const char *const *) e->cached->extensions, ext);
}

/* Why @desc cannot be used whatever else is registered, or NULL when it
 * can. Newly allocated. */
static char *
desc_problem (const DnPluginDesc *desc)
{
  if (desc == NULL)
    return g_strdup ("descriptor function returned NULL");
  if (desc->abi_version != DN_PLUGIN_ABI_VERSION)
    return g_strdup_printf ("built for plugin ABI %u, this docnorm speaks ABI %u",
                            desc->abi_version, DN_PLUGIN_ABI_VERSION);
  if (!DN_STRUCT_HAS (desc, desc->struct_size, DnPluginDesc, writer))
    return g_strdup_printf ("descriptor too small (%u bytes)", desc->struct_size);
  if (desc->name == NULL || *desc->name == '\0' || desc->version == NULL)
    return g_strdup ("descriptor has no name or version");
  const DnOcrVTable *ocr = dn_plugin_desc_get_ocr (desc);
  if (desc->reader == NULL && desc->writer == NULL && ocr == NULL)
    return g_strdup ("plugin is neither a reader, a writer nor an OCR engine");
  if (ocr != NULL && (!DN_STRUCT_HAS (ocr, ocr->struct_size, DnOcrVTable, recognise) ||
                      ocr->describe == NULL || ocr->recognise == NULL))
    return g_strdup ("OCR engine table incomplete");
  if (desc->reader != NULL &&
      (!DN_STRUCT_HAS (desc->reader, desc->reader->struct_size, DnReaderVTable, read) ||
       desc->reader->probe == NULL || desc->reader->read == NULL))
    return g_strdup ("reader table incomplete");
  if (desc->writer != NULL &&
      (!DN_STRUCT_HAS (desc->writer, desc->writer->struct_size, DnWriterVTable, write) ||
       desc->writer->write == NULL))
    return g_strdup ("writer table incomplete");
  return NULL;
}

/* Why a plugin named @name cannot join, or NULL. Newly allocated. */
static char *
shadow_problem (const DnRegistry *reg, const char *name)
{
  for (guint i = 0; i < reg->plugins->len; i++) {
    const DnPluginEntry *e = &g_array_index (reg->plugins, DnPluginEntry, i);
    const char *other = entry_name (e);
    if (other != NULL && strcmp (other, name) == 0)
      return g_strdup_printf ("shadowed by plugin '%s' from %s", name, e->origin);
  }
  return NULL;
}

gboolean
dn_registry_add (DnRegistry *reg, const DnPluginDesc *desc, const char *origin, GError **error)
{
  origin = origin != NULL ? origin : "(static)";
  char *problem = desc_problem (desc);
  if (problem == NULL)
    problem = shadow_problem (reg, desc->name);
  if (problem != NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_PLUGIN, "%s", problem);
    refuse (reg, origin, problem);
    return FALSE;
  }
  DnPluginEntry e = { .desc = desc, .origin = g_strdup (origin) };
  g_array_append_val (reg->plugins, e);
  return TRUE;
}

/* "docnorm-foo_bar.so" → "foo_bar"; NULL if the name does not fit. */
static char *
module_ident (const char *base)
{
  const char *prefix = "docnorm-";
  const char *suffix = "." G_MODULE_SUFFIX;
  gsize blen = strlen (base), plen = strlen (prefix), slen = strlen (suffix);
  if (blen <= plen + slen || strncmp (base, prefix, plen) != 0 ||
      strcmp (base + blen - slen, suffix) != 0)
    return NULL;
  char *ident = g_strndup (base + plen, blen - plen - slen);
  for (char *p = ident; *p != '\0'; p++) {
    if (*p == '-')
      *p = '_';
    else if (!g_ascii_isalnum (*p) && *p != '_') {
      g_free (ident);
      return NULL;
    }
  }
  return ident;
}

/* Opens the module at @path and returns its valid descriptor, with the
 * module in @module_out; NULL with the reason in @reason_out. */
static const DnPluginDesc *
module_open (const char *path, const char *ident, GModule **module_out, char **reason_out)
{
  *module_out = NULL;
  GModule *module = g_module_open (path, G_MODULE_BIND_LOCAL | G_MODULE_BIND_LAZY);
  if (module == NULL) {
    *reason_out = g_strdup_printf ("cannot load: %s", g_module_error ());
    return NULL;
  }
  char *symbol = g_strdup_printf ("dn_plugin_%s_get_desc", ident);
  gpointer fn = NULL;
  if (!g_module_symbol (module, symbol, &fn) || fn == NULL) {
    *reason_out = g_strdup_printf ("no symbol %s", symbol);
    g_free (symbol);
    g_module_close (module);
    return NULL;
  }
  g_free (symbol);
  const DnPluginDesc *desc = ((DnPluginGetDescFunc) fn) ();
  *reason_out = desc_problem (desc);
  if (*reason_out != NULL) {
    g_module_close (module);
    return NULL;
  }
  *module_out = module;
  return desc;
}

static void
load_module (DnRegistry *reg, const char *path, const char *ident)
{
  struct stat st;
  gboolean have_stat = stat (path, &st) == 0;
  DnCachedPlugin *cached = have_stat ? dn_plugin_cache_lookup (reg->cache, path, &st) : NULL;
  if (cached != NULL) {
    char *problem = shadow_problem (reg, cached->name);
    if (problem != NULL) {
      refuse (reg, path, problem);
      dn_cached_plugin_free (cached);
      return;
    }
    DnPluginEntry e = { .cached = cached, .origin = g_strdup (path), .ident = g_strdup (ident) };
    g_array_append_val (reg->plugins, e);
    return;
  }
  GModule *module;
  char *problem = NULL;
  const DnPluginDesc *desc = module_open (path, ident, &module, &problem);
  if (desc == NULL) {
    refuse (reg, path, problem);
    return;
  }
  if (have_stat)
    dn_plugin_cache_store (reg->cache, path, &st, desc);
  problem = shadow_problem (reg, desc->name);
  if (problem != NULL) {
    refuse (reg, path, problem);
    g_module_close (module);
    return;
  }
  g_module_make_resident (module);
  DnPluginEntry e = { .desc = desc, .origin = g_strdup (path), .module = module };
  g_array_append_val (reg->plugins, e);
}

/* Loads entry @index if the cache stood in for it. Returns its descriptor,
 * or NULL when it cannot be loaded after all (then refused and dropped from
 * the cache). */
static const DnPluginDesc *
entry_load (DnRegistry *reg, guint index)
{
  DnPluginEntry *e = &g_array_index (reg->plugins, DnPluginEntry, index);
  if (e->cached == NULL)
    return e->desc;
  GModule *module;
  char *problem = NULL;
  const DnPluginDesc *desc = module_open (e->origin, e->ident, &module, &problem);
  if (desc != NULL && strcmp (desc->name, e->cached->name) != 0) {
    problem = g_strdup_printf ("calls itself '%s' where the plugin cache said '%s'",
                               desc->name, e->cached->name);
    g_module_close (module);
    desc = NULL;
  }
  dn_cached_plugin_free (e->cached);
  e->cached = NULL;
  if (desc == NULL) {
    refuse (reg, e->origin, problem);
    dn_plugin_cache_forget (reg->cache, e->origin);
    dn_plugin_cache_save (reg->cache);
    return NULL;
  }
  g_module_make_resident (module);
  e->desc = desc;
  e->module = module;
  return desc;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* Collects docnorm-*.so paths in @dir (and, when @descend, its subfolders). */
static void
collect_modules (const char *dir, gboolean descend, GPtrArray *out)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  if (d == NULL)
    return;
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL) {
    char *path = g_build_filename (dir, name, NULL);
    char *ident = module_ident (name);
    if (ident != NULL && g_file_test (path, G_FILE_TEST_IS_REGULAR)) {
      g_ptr_array_add (out, path);
      path = NULL;
    } else if (descend && g_file_test (path, G_FILE_TEST_IS_DIR)) {
      collect_modules (path, FALSE, out);
    }
    g_free (ident);
    g_free (path);
  }
  g_dir_close (d);
}

guint
dn_registry_load_dir (DnRegistry *reg, const char *dir)
{
  if (reg->cache == NULL)
    reg->cache = dn_plugin_cache_open ();
  GPtrArray *paths = g_ptr_array_new_with_free_func (g_free);
  collect_modules (dir, TRUE, paths);
  /* Sorted, so the outcome does not depend on directory order. */
  g_ptr_array_sort (paths, compare_strings);
  guint before = reg->plugins->len;
  for (guint i = 0; i < paths->len; i++) {
    const char *path = paths->pdata[i];
    char *base = g_path_get_basename (path);
    char *ident = module_ident (base);
    load_module (reg, path, ident);
    g_free (ident);
    g_free (base);
  }
  g_ptr_array_free (paths, TRUE);
  dn_plugin_cache_save (reg->cache);
  return reg->plugins->len - before;
}

void
dn_registry_load_all (DnRegistry *reg)
{
  for (guint i = 0; i < reg->plugins->len; i++)
    entry_load (reg, i);
}

gboolean
dn_registry_plugin_is_loaded (const DnRegistry *reg, guint index)
{
  g_return_val_if_fail (index < reg->plugins->len, FALSE);
  return g_array_index (reg->plugins, DnPluginEntry, index).desc != NULL;
}

const char *
dn_registry_default_dir (void)
{
  static const char *dir;
  static gsize once;
  if (g_once_init_enter (&once)) {
    const char *chosen = DN_PLUGINDIR;
    char *exe = g_file_read_link ("/proc/self/exe", NULL);
    gsize rlen = strlen (DN_BUILD_ROOT);
    if (exe != NULL && strncmp (exe, DN_BUILD_ROOT, rlen) == 0 && exe[rlen] == G_DIR_SEPARATOR)
      chosen = DN_BUILD_PLUGINDIR;
    g_free (exe);
    dir = chosen;
    g_once_init_leave (&once, 1);
  }
  return dir;
}

void
dn_registry_load_default (DnRegistry *reg)
{
  const char *env = g_getenv ("DOCNORM_PLUGIN_PATH");
  if (env != NULL) {
    char **dirs = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
    for (char **d = dirs; *d != NULL; d++)
      if (**d != '\0')
        dn_registry_load_dir (reg, *d);
    g_strfreev (dirs);
  }
  dn_registry_load_dir (reg, dn_registry_default_dir ());
}

guint dn_registry_get_n_plugins (const DnRegistry *reg) { return reg->plugins->len; }

const DnPluginDesc *
dn_registry_get_plugin (DnRegistry *reg, guint index, const char **origin)
{
  g_return_val_if_fail (index < reg->plugins->len, NULL);
  const DnPluginDesc *desc = entry_load (reg, index);
  if (origin != NULL)
    *origin = g_array_index (reg->plugins, DnPluginEntry, index).origin;
  return desc;
}

guint dn_registry_get_n_refused (const DnRegistry *reg) { return reg->refused->len; }

void
dn_registry_get_refused (const DnRegistry *reg, guint index, const char **path, const char **reason)
{
  g_return_if_fail (index < reg->refused->len);
  const DnRefusal *r = &g_array_index (reg->refused, DnRefusal, index);
  *path = r->path;
  *reason = r->reason;
}

static const char *
file_extension (const char *file_name)
{
  if (file_name == NULL)
    return NULL;
  const char *slash = strrchr (file_name, '/');
  const char *base = slash != NULL ? slash + 1 : file_name;
  const char *dot = strrchr (base, '.');
  return dot != NULL && dot != base ? dot + 1 : NULL;
}

/* Loads the readers still known only from the cache that list @ext (all of
 * them when @ext is NULL). Returns how many it tried. */
static guint
load_readers (DnRegistry *reg, const char *ext)
{
  guint tried = 0;
  for (guint i = 0; i < reg->plugins->len; i++) {
    const DnPluginEntry *e = &g_array_index (reg->plugins, DnPluginEntry, i);
    if (e->cached != NULL && entry_is (e, KIND_READER) && (ext == NULL || entry_has_extension (e, ext))) {
      entry_load (reg, i);
      tried++;
    }
  }
  return tried;
}

/* Probes the loaded readers not probed yet (scores[i] < 0) and returns the
 * best of all scores so far. */
static const DnPluginDesc *
probe_loaded (const DnRegistry *reg, int *scores, const guint8 *head, gsize head_len,
              guint64 total, const char *file_name, const char *ext, int *score_out)
{
  const DnPluginDesc *best = NULL;
  int best_score = 0;
  gboolean best_ext = FALSE;
  for (guint i = 0; i < reg->plugins->len; i++) {
    const DnPluginDesc *d = g_array_index (reg->plugins, DnPluginEntry, i).desc;
    if (d == NULL || d->reader == NULL)
      continue;
    if (scores[i] < 0)
      scores[i] = CLAMP (d->reader->probe (head, head_len, total, file_name), 0, 100);
    int score = scores[i];
    if (score == 0)
      continue;
    gboolean ext_match = list_has (d->extensions, ext);
    if (score > best_score || (score == best_score && ext_match && !best_ext)) {
      best = d;
      best_score = score;
      best_ext = ext_match;
    }
  }
  *score_out = best_score;
  return best;
}

const DnPluginDesc *
dn_registry_find_reader (DnRegistry *reg, const guint8 *head, gsize head_len,
                         guint64 total, const char *file_name, int *score_out)
{
  const char *ext = file_extension (file_name);
  int score = 0;
  /* The readers that claim the extension first; the rest only when none of
   * the loaded ones is sure. Loading keeps every entry's index, so each
   * reader is probed once. */
  if (ext != NULL)
    load_readers (reg, ext);
  int *scores = g_new (int, reg->plugins->len);
  for (guint i = 0; i < reg->plugins->len; i++)
    scores[i] = -1;
  const DnPluginDesc *best = probe_loaded (reg, scores, head, head_len, total, file_name, ext, &score);
  if (score < DN_PROBE_SURE && load_readers (reg, NULL) > 0)
    best = probe_loaded (reg, scores, head, head_len, total, file_name, ext, &score);
  g_free (scores);
  if (score_out != NULL)
    *score_out = score;
  return best;
}

static const DnPluginDesc *
find_by_name (DnRegistry *reg, const char *name, PluginKind kind)
{
  for (int pass = 0; pass < 2; pass++) {
    for (guint i = 0; i < reg->plugins->len; i++) {
      const DnPluginEntry *e = &g_array_index (reg->plugins, DnPluginEntry, i);
      if (!entry_is (e, kind))
        continue;
      if (pass == 0 ? g_ascii_strcasecmp (entry_name (e), name) == 0 : entry_has_extension (e, name)) {
        const DnPluginDesc *d = entry_load (reg, i);
        if (d != NULL)
          return d;
      }
    }
  }
  return NULL;
}

const DnPluginDesc *
dn_registry_find_reader_by_name (DnRegistry *reg, const char *name)
{
  return find_by_name (reg, name, KIND_READER);
}

const DnPluginDesc *
dn_registry_find_writer (DnRegistry *reg, const char *name)
{
  return find_by_name (reg, name, KIND_WRITER);
}

const DnPluginDesc *
dn_registry_find_ocr (DnRegistry *reg)
{
  for (guint i = 0; i < reg->plugins->len; i++) {
    if (!entry_is (&g_array_index (reg->plugins, DnPluginEntry, i), KIND_OCR))
      continue;
    const DnPluginDesc *d = entry_load (reg, i);
    if (d != NULL)
      return d;
  }
  return NULL;
}
