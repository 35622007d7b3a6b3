/* dn-document.h — one converted document: source facts, format metadata,
 * the node tree, the report fields analysis fills, and warnings.
 *
 * Ownership: the document owns everything reachable from it. Getters borrow;
 * setters copy strings (dn_document_set_report() takes its argument). */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

#include "dn-node.h"
#include "dn-warning-codes.h"

G_BEGIN_DECLS

#define DN_SCHEMA_VERSION "1.0"

typedef struct _DnDocument DnDocument;

/* What is known of the input; strings borrowed from the document. */
typedef struct {
  const char *file_name;   /* base name as given, or "-" for stdin */
  const char *format;      /* reader format name: "txt", "pdf", "docx" */
  const char *media_type;
  gint64 bytes;
  const char *sha256;      /* lower-case hex */
  int pages;               /* 0 when the format has no pages */
  const char *reader_name;
  const char *reader_version;
} DnSourceInfo;

/* A non-fatal problem, recorded in the output. */
typedef struct {
  const char *code;        /* UPPER_SNAKE, documented in docs/WARNINGS.md */
  const char *message;
  int page;                /* 0 when not tied to a page */
  DnSeverity severity;     /* the code's, from dn_warning_code_get_severity() */
} DnWarningInfo;

/* Cap on recorded warnings; past it one WARNINGS_TRUNCATED closes the list. */
#define DN_MAX_WARNINGS 1000

/* A new document whose tree is one empty DN_NODE_DOCUMENT node. */
DnDocument *dn_document_new (void);
void dn_document_free (DnDocument *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DnDocument, dn_document_free)

/* The DN_NODE_DOCUMENT root; borrowed, never NULL. */
DnNode *dn_document_get_root (DnDocument *doc);
const DnNode *dn_document_get_root_const (const DnDocument *doc);

/* Source. The pipeline fills everything but pages, which the reader sets. */
void dn_document_set_source (DnDocument *doc, const char *file_name, const char *format,
                             const char *media_type, gint64 bytes, const char *sha256,
                             const char *reader_name, const char *reader_version);
void dn_document_set_pages (DnDocument *doc, int pages);
/* Fills @info with borrowed pointers. */
void dn_document_get_source (const DnDocument *doc, DnSourceInfo *info);

/* The OCR account, the record's source.ocr (dn-ocr.h keeps it): NULL
 * until a page is recognised. Borrowed. */
JsonObject *dn_document_get_ocr (const DnDocument *doc);
/* Replaces it; takes a reference to @ocr (NULL clears). */
void dn_document_set_ocr (DnDocument *doc, JsonObject *ocr);

/* Format metadata ("title", "author", "created", …: see dn-vocab.h).
 * NULL or empty values are ignored; values are copied. */
void dn_document_set_meta_string (DnDocument *doc, const char *key, const char *value);
void dn_document_set_meta_int (DnDocument *doc, const char *key, gint64 value);
void dn_document_set_meta_bool (DnDocument *doc, const char *key, gboolean value);
/* Borrowed; NULL if absent or not a string. */
const char *dn_document_get_meta_string (const DnDocument *doc, const char *key);
/* Borrowed JSON object holding the metadata; never NULL. */
JsonObject *dn_document_get_metadata (const DnDocument *doc);

/* Warnings. @page 0 = none. Duplicate (code, message, page) triples are kept
 * once. */
void dn_document_add_warning (DnDocument *doc, const char *code, int page,
                              const char *format, ...) G_GNUC_PRINTF (4, 5);
guint dn_document_get_n_warnings (const DnDocument *doc);
/* Fills @info with borrowed pointers. */
void dn_document_get_warning (const DnDocument *doc, guint index, DnWarningInfo *info);
gboolean dn_document_has_warning (const DnDocument *doc, const char *code);
/* Page pictures for the review page (DnReadOptions.page_images_dpi): @png
 * is a PNG of page @page (from 1); a reference is taken, a picture already
 * there replaced. dn_document_get_page_image() borrows; NULL when the page
 * has none. */
void dn_document_add_page_image (DnDocument *doc, guint page, GBytes *png);
GBytes *dn_document_get_page_image (const DnDocument *doc, guint page);

/* The highest severity of @doc's warnings (DN_SEVERITY_INFO when it has
 * none); @counts, when not NULL, receives how many it has of each. */
DnSeverity dn_document_count_warnings (const DnDocument *doc, guint counts[DN_N_SEVERITIES]);

/* The report fields (title, travellers, …) analysis fills. Takes ownership
 * of @report (may be NULL). dn_document_get_report() borrows; may be NULL. */
void dn_document_set_report (DnDocument *doc, JsonObject *report);
JsonObject *dn_document_get_report (const DnDocument *doc);

G_END_DECLS
