#include "dn-document.h"

#include <string.h>

typedef struct {
  char *code;
  char *message;
  int page;
} DnWarning;

struct _DnDocument {
  DnNode *root;
  char *file_name, *format, *media_type, *sha256, *reader_name, *reader_version;
  gint64 bytes;
  int pages;
  JsonObject *metadata;
  JsonObject *ocr;
  JsonObject *report;
  GArray *warnings; /* DnWarning */
  GHashTable *warning_keys; /* "code\x1fpage\x1fmessage" for de-duplication */
  gboolean warnings_truncated;
  GPtrArray *page_images; /* GBytes* PNG by page - 1; NULL entries for pages without */
};

static void
warning_clear (gpointer p)
{
  DnWarning *w = p;
  g_free (w->code);
  g_free (w->message);
}

DnDocument *
dn_document_new (void)
{
  DnDocument *doc = g_new0 (DnDocument, 1);
  doc->root = dn_node_new (DN_NODE_DOCUMENT);
  doc->metadata = json_object_new ();
  doc->warnings = g_array_new (FALSE, TRUE, sizeof (DnWarning));
  g_array_set_clear_func (doc->warnings, warning_clear);
  doc->warning_keys = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return doc;
}

void
dn_document_free (DnDocument *doc)
{
  if (doc == NULL)
    return;
  dn_node_free (doc->root);
  g_free (doc->file_name);
  g_free (doc->format);
  g_free (doc->media_type);
  g_free (doc->sha256);
  g_free (doc->reader_name);
  g_free (doc->reader_version);
  json_object_unref (doc->metadata);
  if (doc->ocr != NULL)
    json_object_unref (doc->ocr);
  if (doc->report != NULL)
    json_object_unref (doc->report);
  g_array_free (doc->warnings, TRUE);
  g_hash_table_destroy (doc->warning_keys);
  if (doc->page_images != NULL)
    g_ptr_array_unref (doc->page_images);
  g_free (doc);
}

DnNode *dn_document_get_root (DnDocument *doc) { return doc->root; }
const DnNode *dn_document_get_root_const (const DnDocument *doc) { return doc->root; }

static void
replace_str (char **slot, const char *value)
{
  char *old = *slot;
  *slot = g_strdup (value);
  g_free (old);
}

void
dn_document_set_source (DnDocument *doc, const char *file_name, const char *format,
                        const char *media_type, gint64 bytes, const char *sha256,
                        const char *reader_name, const char *reader_version)
{
  replace_str (&doc->file_name, file_name);
  replace_str (&doc->format, format);
  replace_str (&doc->media_type, media_type);
  replace_str (&doc->sha256, sha256);
  replace_str (&doc->reader_name, reader_name);
  replace_str (&doc->reader_version, reader_version);
  doc->bytes = bytes;
}

void dn_document_set_pages (DnDocument *doc, int pages) { doc->pages = pages; }

JsonObject *
dn_document_get_ocr (const DnDocument *doc)
{
  return doc->ocr;
}

void
dn_document_set_ocr (DnDocument *doc, JsonObject *ocr)
{
  if (ocr != NULL)
    json_object_ref (ocr);
  if (doc->ocr != NULL)
    json_object_unref (doc->ocr);
  doc->ocr = ocr;
}

void
dn_document_get_source (const DnDocument *doc, DnSourceInfo *info)
{
  info->file_name = doc->file_name;
  info->format = doc->format;
  info->media_type = doc->media_type;
  info->bytes = doc->bytes;
  info->sha256 = doc->sha256;
  info->pages = doc->pages;
  info->reader_name = doc->reader_name;
  info->reader_version = doc->reader_version;
}

void
dn_document_set_meta_string (DnDocument *doc, const char *key, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  if (g_utf8_validate (value, -1, NULL)) {
    json_object_set_string_member (doc->metadata, key, value);
  } else {
    char *valid = g_utf8_make_valid (value, -1);
    json_object_set_string_member (doc->metadata, key, valid);
    g_free (valid);
  }
}

void
dn_document_set_meta_int (DnDocument *doc, const char *key, gint64 value)
{
  json_object_set_int_member (doc->metadata, key, value);
}

void
dn_document_set_meta_bool (DnDocument *doc, const char *key, gboolean value)
{
  json_object_set_boolean_member (doc->metadata, key, value);
}

const char *
dn_document_get_meta_string (const DnDocument *doc, const char *key)
{
  JsonNode *n = json_object_get_member (doc->metadata, key);
  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (n);
}

JsonObject *dn_document_get_metadata (const DnDocument *doc) { return doc->metadata; }

void
dn_document_add_warning (DnDocument *doc, const char *code, int page, const char *format, ...)
{
  if (doc->warnings_truncated)
    return;
  va_list ap;
  va_start (ap, format);
  char *message = g_strdup_vprintf (format, ap);
  va_end (ap);
  if (!g_utf8_validate (message, -1, NULL)) {
    char *valid = g_utf8_make_valid (message, -1);
    g_free (message);
    message = valid;
  }
  char *key = g_strdup_printf ("%s\x1f%d\x1f%s", code, page, message);
  if (!g_hash_table_add (doc->warning_keys, key)) {
    g_free (message);
    return;
  }
  DnWarning w;
  if (doc->warnings->len + 1 >= DN_MAX_WARNINGS) {
    doc->warnings_truncated = TRUE;
    g_free (message);
    w.code = g_strdup ("WARNINGS_TRUNCATED");
    w.message = g_strdup_printf ("more than %d warnings; the rest were dropped", DN_MAX_WARNINGS);
    w.page = 0;
  } else {
    w.code = g_strdup (code);
    w.message = message;
    w.page = page;
  }
  g_array_append_val (doc->warnings, w);
}

guint dn_document_get_n_warnings (const DnDocument *doc) { return doc->warnings->len; }

void
dn_document_get_warning (const DnDocument *doc, guint index, DnWarningInfo *info)
{
  g_return_if_fail (index < doc->warnings->len);
  const DnWarning *w = &g_array_index (doc->warnings, DnWarning, index);
  info->code = w->code;
  info->message = w->message;
  info->page = w->page;
  info->severity = dn_warning_code_get_severity (w->code);
}

void
dn_document_add_page_image (DnDocument *doc, guint page, GBytes *png)
{
  g_return_if_fail (page > 0 && png != NULL);
  if (doc->page_images == NULL)
    doc->page_images = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  if (doc->page_images->len < page)
    g_ptr_array_set_size (doc->page_images, (int) page);
  g_clear_pointer (&g_ptr_array_index (doc->page_images, page - 1), g_bytes_unref);
  g_ptr_array_index (doc->page_images, page - 1) = g_bytes_ref (png);
}

GBytes *
dn_document_get_page_image (const DnDocument *doc, guint page)
{
  if (doc->page_images == NULL || page == 0 || page > doc->page_images->len)
    return NULL;
  return g_ptr_array_index (doc->page_images, page - 1);
}

DnSeverity
dn_document_count_warnings (const DnDocument *doc, guint counts[DN_N_SEVERITIES])
{
  guint n[DN_N_SEVERITIES] = { 0 };
  DnSeverity highest = DN_SEVERITY_INFO;
  for (guint i = 0; i < doc->warnings->len; i++) {
    DnSeverity s = dn_warning_code_get_severity (g_array_index (doc->warnings, DnWarning, i).code);
    n[s]++;
    highest = MAX (highest, s);
  }
  if (counts != NULL)
    memcpy (counts, n, sizeof n);
  return highest;
}

gboolean
dn_document_has_warning (const DnDocument *doc, const char *code)
{
  for (guint i = 0; i < doc->warnings->len; i++)
    if (strcmp (g_array_index (doc->warnings, DnWarning, i).code, code) == 0)
      return TRUE;
  return FALSE;
}

void
dn_document_set_report (DnDocument *doc, JsonObject *report)
{
  if (doc->report != NULL)
    json_object_unref (doc->report);
  doc->report = report;
}

JsonObject *dn_document_get_report (const DnDocument *doc) { return doc->report; }
