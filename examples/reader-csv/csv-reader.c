/* An example docnorm reader plugin, built out of tree with nothing but
 *   pkg-config --cflags --libs docnorm-plugin
 * (see the Makefile next to this file and docs/PLUGINS.md).
 *
 * It reads comma-separated values (RFC 4180: quoted fields, doubled quotes,
 * CRLF or LF line ends) into one table. Like every docnorm reader it is
 * faithful: it reports what the file holds (rows, cells, a header-row hint)
 * and leaves meaning to docnorm's analysis. */
#include <string.h>

#include <docnorm.h>

#define CSV_VERSION "1.0.0"

/* A CSV file looks like any text file, so the probe only bids when the
 * name says .csv and the first line holds a comma; the plain-text reader
 * scores 30 on UTF-8 text, so 40 wins for .csv files only. */
static int
csv_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  if (file_name == NULL || !g_str_has_suffix (file_name, ".csv"))
    return 0;
  if (!g_utf8_validate_len ((const char *) head, len, NULL) && total <= len)
    return 0;
  const guint8 *nl = memchr (head, '\n', len);
  gsize first = nl != NULL ? (gsize) (nl - head) : len;
  return memchr (head, ',', first) != NULL ? 40 : 0;
}

/* Parses one field starting at *p; advances *p past the field and its
 * separator. Sets *end_of_row when the field closed a row. Returns the
 * field's text (newly allocated) or NULL with @error set. */
static char *
parse_field (const char **p, const char *end, gboolean *end_of_row, GError **error)
{
  GString *field = g_string_new (NULL);
  const char *s = *p;
  *end_of_row = FALSE;
  if (s < end && *s == '"') {
    s++;
    for (;;) {
      if (s >= end) {
        g_string_free (field, TRUE);
        g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "unterminated quoted field");
        return NULL;
      }
      if (*s == '"' && s + 1 < end && s[1] == '"') {
        g_string_append_c (field, '"');
        s += 2;
      } else if (*s == '"') {
        s++;
        break;
      } else {
        g_string_append_c (field, *s++);
      }
    }
  }
  while (s < end && *s != ',' && *s != '\n' && *s != '\r')
    g_string_append_c (field, *s++);
  if (s < end && *s == ',') {
    s++;
  } else {
    *end_of_row = TRUE;
    if (s < end && *s == '\r')
      s++;
    if (s < end && *s == '\n')
      s++;
  }
  *p = s;
  return g_string_free (field, FALSE);
}

static gboolean
csv_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  gsize len;
  const char *text = g_bytes_get_data (data, &len);
  const char *p = text, *end = text + len;
  /* A UTF-8 byte-order mark is not part of the first field. */
  if (len >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;
  if (!g_utf8_validate_len (p, (gsize) (end - p), NULL)) {
    g_set_error (error, DN_ERROR, DN_ERROR_ENCODING, "CSV is not valid UTF-8");
    return FALSE;
  }

  DnNode *table = dn_node_append_new (dn_document_get_root (doc), DN_NODE_TABLE);
  guint64 nodes = 1, rows = 0;
  guint width = 0;
  gboolean ragged = FALSE;
  while (p < end) {
    DnNode *row = dn_node_append_new (table, DN_NODE_TABLE_ROW);
    nodes++;
    guint cells = 0;
    gboolean end_of_row = FALSE;
    while (!end_of_row) {
      char *field = parse_field (&p, end, &end_of_row, error);
      if (field == NULL)
        return FALSE;
      DnNode *cell = dn_node_append_new (row, DN_NODE_TABLE_CELL);
      dn_node_take_text (cell, field);
      cells++;
      /* Respect the limits docnorm hands every reader. */
      if (options->limits.max_nodes > 0 && ++nodes > options->limits.max_nodes) {
        g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", options->limits.max_nodes);
        return FALSE;
      }
    }
    if (rows == 0)
      dn_node_hints (row)->flags |= DN_HINT_HEADER_ROW;
    else if (cells != width)
      ragged = TRUE;
    width = rows == 0 ? cells : width;
    rows++;
  }
  /* Not fatal: say so in the record, where a reviewer sees it. */
  if (ragged)
    dn_document_add_warning (doc, "CSV_RAGGED_ROWS", 0, "rows have different numbers of fields");
  dn_document_set_meta_int (doc, "rows", (gint64) rows);
  return TRUE;
}

static const char *const csv_media_types[] = { "text/csv", NULL };
static const char *const csv_extensions[] = { "csv", NULL };

static const DnReaderVTable csv_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = csv_probe,
  .read = csv_read,
};

static const DnPluginDesc csv_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "csv",
  .description = "Comma-separated values as one table (example plugin)",
  .version = CSV_VERSION,
  .media_types = csv_media_types,
  .extensions = csv_extensions,
  .reader = &csv_reader,
  .license = "MIT",
};

/* The one exported symbol: dn_plugin_csv_get_desc(), in docnorm-csv.so. */
DN_PLUGIN_REGISTER (csv, csv_desc)
