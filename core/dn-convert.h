/* dn-convert.h — the pipeline: load bytes, choose a reader, read, analyse,
 * and write a record atomically. The CLI and the batch runner both use it. */
#pragma once
#include "dn-registry.h"

G_BEGIN_DECLS

typedef struct {
  DnReadOptions read;
  DnWriteOptions write;
  const char *reader_name;  /* force this reader (plugin name); NULL = probe */
  gboolean analyse;         /* run the report analysis (default TRUE) */
  const char *sha256;       /* the input's SHA-256 in hex when the caller has it
                             * already; NULL: computed here */
  DnOcrMode ocr_mode;       /* default DN_OCR_AUTO (dn-ocr.h) */
  const char *ocr_lang;     /* NULL: DN_OCR_DEFAULT_LANG */
  guint ocr_dpi;            /* 0: DN_OCR_DEFAULT_DPI */
} DnConvertOptions;

/* Defaults: probe, analyse, default limits, OCR auto, compact output. */
void dn_convert_options_init (DnConvertOptions *options);

/* Loads @path ("-" = standard input) into memory. A directory, a missing or
 * unreadable file give DN_ERROR_IO; more than @max_bytes (0 = no cap) gives
 * DN_ERROR_LIMIT. Returns new bytes (g_bytes_unref()) or NULL. */
GBytes *dn_input_load (const char *path, guint64 max_bytes, GError **error);

/* Converts @data to a document. @file_name (may be NULL) is the input's name
 * as the user gave it; its base name is recorded and its extension breaks
 * probe ties. Returns a new document (dn_document_free()) or NULL. */
DnDocument *dn_convert_bytes (DnRegistry *reg, GBytes *data, const char *file_name,
                              const DnConvertOptions *options, GError **error);

/* Serialises @doc with @writer into @path ("-" = standard output). A file is
 * written under a temporary name in the same folder and renamed into place,
 * so @path holds a whole record or is left as it was. */
gboolean dn_output_write (const DnPluginDesc *writer, const DnDocument *doc,
                          const DnWriteOptions *options, const char *path, GError **error);

/* Serialises @doc into a new GBytes (g_bytes_unref()). */
GBytes *dn_output_to_bytes (const DnPluginDesc *writer, const DnDocument *doc,
                            const DnWriteOptions *options, GError **error);

G_END_DECLS
