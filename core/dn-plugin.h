/* dn-plugin.h — the plugin ABI: what a reader or writer module exports.
 *
 * A plugin (a reader, a writer or an OCR engine) is one shared module
 * named docnorm-<ident>.so exporting exactly
 * one symbol, dn_plugin_<ident>_get_desc(), that returns a static
 * DnPluginDesc. DN_PLUGIN_REGISTER() defines it. The same symbol lets a test
 * or fuzzer link the plugin statically and hand the descriptor to
 * dn_registry_add().
 *
 * ABI rules: DN_PLUGIN_ABI_VERSION changes only when an existing field
 * changes meaning; new fields are appended to the structs below and their
 * presence is checked against struct_size (DN_STRUCT_HAS), so a plugin built
 * against an older, smaller struct still loads. */
#pragma once
#include <gio/gio.h>
#include <glib.h>
#include <gmodule.h>

#include "dn-document.h"
#include "dn-error.h"
#include "dn-node.h"
#include "dn-ocr.h"

G_BEGIN_DECLS

#define DN_PLUGIN_ABI_VERSION 1u

/* TRUE when a struct of declared size @size holds member @field. */
#define DN_STRUCT_HAS(ptr, size, type, field) \
  ((ptr) != NULL && (size) >= G_STRUCT_OFFSET (type, field) + sizeof (((type *) 0)->field))

/* Limits every reader must respect; dn_read_options_init() sets the defaults
 * documented in docs/SECURITY.md. Zero means "no limit" only where noted. */
typedef struct {
  guint64 max_input_bytes;      /* whole input file */
  guint64 max_entries;          /* zip entries */
  guint64 max_entry_bytes;      /* one uncompressed zip entry */
  guint64 max_total_bytes;      /* all uncompressed zip entries */
  guint32 max_ratio;            /* uncompressed / compressed per entry */
  guint32 max_xml_depth;        /* element nesting */
  guint32 max_pages;            /* pages read (0: all) */
  guint32 max_nodes;            /* nodes in the tree */
} DnLimits;

typedef struct {
  guint32 struct_size;          /* sizeof (DnReadOptions) of the caller */
  const char *file_name;        /* base name of the input, may be NULL */
  const char *password;         /* for encrypted inputs, may be NULL */
  const char *images_dir;       /* write images here when not NULL */
  DnLimits limits;
  /* Appended in 0.2: read only when DN_STRUCT_HAS says the caller's
   * options hold it. NULL: no OCR (--ocr never). See dn-ocr.h. */
  DnOcr *ocr;
  /* Appended in 0.3. 0: none. Otherwise a reader of paged input (PDF) adds
   * a picture of each page, rendered at this resolution, to the document
   * (dn_document_add_page_image()) for the review page; at most
   * DN_PAGE_IMAGES_MAX_PAGES pages. */
  guint page_images_dpi;
} DnReadOptions;

#define DN_PAGE_IMAGES_DEFAULT_DPI 96
#define DN_PAGE_IMAGES_MAX_DPI 300
#define DN_PAGE_IMAGES_MAX_PAGES 300

/* The page-image resolution of @options, 0 when none was asked for or the
 * options predate the field. */
guint dn_read_options_get_page_images_dpi (const DnReadOptions *options);

typedef struct {
  guint32 struct_size;          /* sizeof (DnWriteOptions) of the caller */
  gboolean pretty;              /* human-friendly layout */
  gboolean with_hints;          /* include layout hints in the record */
} DnWriteOptions;

/* The number of leading bytes a reader's probe sees (fewer for short input). */
#define DN_PROBE_BYTES 65536

/* A probe score that means "the bytes themselves prove it is mine" (magic
 * number and structure, not the extension alone). When a reader that lists
 * the input's extension scores this much, readers not loaded yet are not
 * loaded to be asked (dn_registry_find_reader). */
#define DN_PROBE_SURE 80

typedef struct {
  guint32 struct_size;          /* sizeof (DnReaderVTable) */
  /* Returns 0 (not mine) to 100 (certainly mine) from the first bytes.
   * @total is the size of the whole input; @file_name may be NULL. Must not
   * fail or allocate anything that outlives the call. */
  int (*probe) (const guint8 *head, gsize head_len, guint64 total, const char *file_name);
  /* Reads @data into @doc's tree, metadata, page count and warnings.
   * Returns FALSE with @error set in DN_ERROR on failure; @doc is then
   * discarded by the caller. */
  gboolean (*read) (GBytes *data, const DnReadOptions *options, DnDocument *doc,
                    GError **error);
} DnReaderVTable;

typedef struct {
  guint32 struct_size;          /* sizeof (DnWriterVTable) */
  /* Serialises @doc to @out (not closed). */
  gboolean (*write) (const DnDocument *doc, const DnWriteOptions *options,
                     GOutputStream *out, GError **error);
} DnWriterVTable;

/* An OCR engine (docs/PLUGINS.md, "OCR engines"). Readers reach it through
 * dn-ocr.h, never directly. */
typedef struct {
  guint32 struct_size;          /* sizeof (DnOcrVTable) */
  /* The engine's name and version ("tesseract", "5.3.0"); static strings. */
  void (*describe) (const char **engine, const char **version);
  /* Recognises an 8-bit grey image of @width × @height pixels (@stride bytes
   * a row) scanned at @dpi in languages @lang ("chi_tra+eng"), appending
   * DnOcrGlyph (dn-ocr.h) to @glyphs in reading order. Sets *@languages to
   * a new JSON array of {"code", "version"} for the language data used
   * (json_array_unref() it). Returns FALSE with @error in DN_ERROR
   * (DN_ERROR_UNSUPPORTED: language data missing). The engine may keep
   * state between calls; calls come from one thread. */
  gboolean (*recognise) (const guint8 *gray, int width, int height, int stride, guint dpi,
                         const char *lang, GArray *glyphs, JsonArray **languages, GError **error);
} DnOcrVTable;

typedef struct {
  guint32 abi_version;          /* DN_PLUGIN_ABI_VERSION at build time */
  guint32 struct_size;          /* sizeof (DnPluginDesc): fields are append-only */
  const char *name;             /* short format name: "pdf", "json" */
  const char *description;
  const char *version;
  const char *const *media_types; /* NULL-terminated */
  const char *const *extensions;  /* NULL-terminated, no dot */
  const DnReaderVTable *reader;   /* NULL if not a reader */
  const DnWriterVTable *writer;   /* NULL if not a writer */
  /* Appended in 0.1 (ABI 1 still): read only when DN_STRUCT_HAS says the
   * plugin's descriptor holds it. */
  const char *license;            /* SPDX identifier ("MIT"), may be NULL */
  /* Appended in 0.2 (ABI 1 still). */
  const DnOcrVTable *ocr;         /* NULL if not an OCR engine */
} DnPluginDesc;

/* The plugin's OCR engine table, or NULL when it has none or its
 * descriptor predates the field. Borrowed. */
const DnOcrVTable *dn_plugin_desc_get_ocr (const DnPluginDesc *desc);
/* The OCR context of @options, or NULL (none, or options from before the
 * field). Borrowed. */
DnOcr *dn_read_options_get_ocr (const DnReadOptions *options);

/* The plugin's license, or NULL when its descriptor predates the field or
 * leaves it unset. Borrowed from the descriptor. */
const char *dn_plugin_desc_get_license (const DnPluginDesc *desc);

typedef const DnPluginDesc *(*DnPluginGetDescFunc) (void);

#if defined(DN_PLUGIN_STATIC)
#define DN_PLUGIN_EXPORT
#else
#define DN_PLUGIN_EXPORT G_MODULE_EXPORT
#endif

/* Defines the plugin's one exported symbol, dn_plugin_<ident>_get_desc().
 * @ident may itself be a macro (expanded before pasting). */
#define DN_PLUGIN_REGISTER(ident, desc) DN_PLUGIN_REGISTER_EXPANDED_ (ident, desc)
#define DN_PLUGIN_REGISTER_EXPANDED_(ident, desc)                      \
  DN_PLUGIN_EXPORT const DnPluginDesc *dn_plugin_##ident##_get_desc (void); \
  DN_PLUGIN_EXPORT const DnPluginDesc *dn_plugin_##ident##_get_desc (void) \
  {                                                                    \
    return &(desc);                                                    \
  }

/* Sets @options to the defaults (struct_size, limits) with no password,
 * images directory or file name. */
void dn_read_options_init (DnReadOptions *options);

/* Sets one field of @limits from "NAME=VALUE": NAME is a DnLimits field
 * (max_entries, max_total_bytes, …), VALUE a whole number with an optional
 * K, M or G suffix (powers of 1024); 0 means "no limit" where the field
 * allows it. Returns FALSE with @error in G_OPTION_ERROR (bad value) when
 * the name is unknown or the value does not parse or fit. */
gboolean dn_limits_set (DnLimits *limits, const char *assignment, GError **error);
void dn_write_options_init (DnWriteOptions *options);

G_END_DECLS
