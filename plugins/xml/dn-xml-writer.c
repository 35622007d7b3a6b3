/* The XML writer: serialises core's record (dn_record_build()) with
 * libxml2's xmlTextWriter, by one generic mapping documented in
 * docs/RECORD.md:
 *
 *   - an object member becomes an element of the same name holding the
 *     object's members in order;
 *   - an array member becomes an element holding one child per item, named
 *     dn_vocab_item_name (member) ("travellers" → <traveller>);
 *   - a scalar is the element's text (true/false, decimal numbers); null is
 *     an empty element with xsi:nil="true";
 *   - body nodes (the value of "body" and each item of a node's "children")
 *     are elements named by their "type"; their other scalar members are
 *     attributes, "text" is a <text> child, object and array members follow
 *     the rules above, and the children follow directly, in order;
 *   - a member whose name is not an XML name is written <member name="…">.
 *
 * Characters XML 1.0 cannot carry (C0 controls other than tab, LF and CR;
 * U+FFFE, U+FFFF) are replaced with U+FFFD. Output is deterministic: member order is the
 * record's. */
#include <libxml/xmlwriter.h>
#include <string.h>

#include "docnorm.h"

#define XML_WRITER_VERSION "1.0.0"
#define DN_XML_NS "urn:docnorm:record:1"
#define XSI_NS "http://www.w3.org/2001/XMLSchema-instance"

typedef struct {
  xmlTextWriterPtr w;
  gboolean failed;
} Out;

static void
check (Out *o, int rc)
{
  if (rc < 0)
    o->failed = TRUE;
}

/* XML 1.0 has no place for C0 controls other than tab, LF and CR, nor for
 * U+FFFE and U+FFFF. */
static gboolean
xml_char_ok (gunichar c)
{
  return (c >= 0x20 || c == '\t' || c == '\n' || c == '\r') && c != 0xFFFE && c != 0xFFFF;
}

/* A copy of valid UTF-8 @s that XML 1.0 can carry (U+FFFD in place of
 * what it cannot). */
static char *
xml_safe (const char *s)
{
  GString *out = NULL;
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!xml_char_ok (c)) {
      if (out == NULL)
        out = g_string_new_len (s, p - s);
      g_string_append_unichar (out, 0xFFFD);
    } else if (out != NULL) {
      g_string_append_len (out, p, g_utf8_next_char (p) - p);
    }
  }
  return out != NULL ? g_string_free (out, FALSE) : g_strdup (s);
}

static gboolean
is_xml_name (const char *s)
{
  if (s == NULL || *s == '\0' || g_ascii_strncasecmp (s, "xml", 3) == 0)
    return FALSE;
  if (!(g_ascii_isalpha (*s) || *s == '_'))
    return FALSE;
  for (const char *p = s + 1; *p != '\0'; p++)
    if (!(g_ascii_isalnum (*p) || *p == '_' || *p == '-' || *p == '.'))
      return FALSE;
  return TRUE;
}

static char *
scalar_text (JsonNode *n)
{
  switch (json_node_get_value_type (n)) {
  case G_TYPE_BOOLEAN:
    return g_strdup (json_node_get_boolean (n) ? "true" : "false");
  case G_TYPE_INT64:
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (n));
  case G_TYPE_DOUBLE: {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    return g_strdup (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (n)));
  }
  case G_TYPE_STRING:
    return xml_safe (json_node_get_string (n));
  default:
    return g_strdup ("");
  }
}

static void
start_named (Out *o, const char *name)
{
  if (is_xml_name (name)) {
    check (o, xmlTextWriterStartElement (o->w, BAD_CAST name));
  } else {
    check (o, xmlTextWriterStartElement (o->w, BAD_CAST "member"));
    char *safe = xml_safe (name);
    check (o, xmlTextWriterWriteAttribute (o->w, BAD_CAST "name", BAD_CAST safe));
    g_free (safe);
  }
}

static void write_value (Out *o, const char *name, JsonNode *value, int depth);
static void write_node (Out *o, JsonObject *node, int depth);

static void
write_members (Out *o, JsonObject *obj, int depth)
{
  JsonObjectIter it;
  const char *k;
  JsonNode *v;
  json_object_iter_init_ordered (&it, obj);
  while (json_object_iter_next_ordered (&it, &k, &v))
    write_value (o, k, v, depth);
}

/* @name's element holding @value. */
static void
write_value (Out *o, const char *name, JsonNode *value, int depth)
{
  if (o->failed)
    return;
  start_named (o, name);
  switch (JSON_NODE_TYPE (value)) {
  case JSON_NODE_NULL:
    check (o, xmlTextWriterWriteAttribute (o->w, BAD_CAST "xsi:nil", BAD_CAST "true"));
    break;
  case JSON_NODE_VALUE: {
    char *t = scalar_text (value);
    check (o, xmlTextWriterWriteString (o->w, BAD_CAST t));
    g_free (t);
    break;
  }
  case JSON_NODE_OBJECT:
    if (strcmp (name, "body") == 0)
      write_node (o, json_node_get_object (value), depth + 1);
    else
      write_members (o, json_node_get_object (value), depth + 1);
    break;
  case JSON_NODE_ARRAY: {
    const char *item = dn_vocab_item_name (name);
    JsonArray *arr = json_node_get_array (value);
    for (guint i = 0; i < json_array_get_length (arr); i++)
      write_value (o, item, json_array_get_element (arr, i), depth + 1);
    break;
  }
  }
  check (o, xmlTextWriterEndElement (o->w));
}

/* A body node: element named by its type, scalars as attributes. The
 * record bounds the depth (DN_RECORD_MAX_DEPTH), so recursion is safe. */
static void
write_node (Out *o, JsonObject *node, int depth)
{
  if (o->failed)
    return;
  const char *type = json_object_get_string_member_with_default (node, "type", "node");
  start_named (o, type);
  JsonObjectIter it;
  const char *k;
  JsonNode *v;
  json_object_iter_init_ordered (&it, node);
  while (json_object_iter_next_ordered (&it, &k, &v)) {
    if (strcmp (k, "type") == 0 || strcmp (k, "text") == 0 || !JSON_NODE_HOLDS_VALUE (v))
      continue;
    char *t = scalar_text (v);
    check (o, xmlTextWriterWriteAttribute (o->w, BAD_CAST k, BAD_CAST t));
    g_free (t);
  }
  json_object_iter_init_ordered (&it, node);
  while (json_object_iter_next_ordered (&it, &k, &v)) {
    if (strcmp (k, "text") == 0)
      write_value (o, k, v, depth);
    else if (strcmp (k, "children") == 0)
      continue;
    else if (!JSON_NODE_HOLDS_VALUE (v))
      write_value (o, k, v, depth);
  }
  JsonNode *cn = json_object_get_member (node, "children");
  JsonArray *children = cn != NULL && JSON_NODE_HOLDS_ARRAY (cn) ? json_node_get_array (cn) : NULL;
  if (children != NULL)
    for (guint i = 0; i < json_array_get_length (children); i++)
      write_node (o, json_array_get_object_element (children, i), depth + 1);
  check (o, xmlTextWriterEndElement (o->w));
}

static int
stream_write (void *ctx, const char *buf, int len)
{
  GOutputStream *out = ctx;
  return g_output_stream_write_all (out, buf, (gsize) len, NULL, NULL, NULL) ? len : -1;
}

static int
stream_close (void *ctx)
{
  (void) ctx;
  return 0;
}

static gboolean
xml_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out, GError **error)
{
  JsonNode *record = dn_record_build (doc, options, error);
  if (record == NULL)
    return FALSE;
  xmlOutputBufferPtr buf = xmlOutputBufferCreateIO (stream_write, stream_close, out, NULL);
  if (buf == NULL) {
    json_node_unref (record);
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create the XML output buffer");
    return FALSE;
  }
  Out o = { xmlNewTextWriter (buf), FALSE };
  if (o.w == NULL) {
    xmlOutputBufferClose (buf);
    json_node_unref (record);
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create the XML writer");
    return FALSE;
  }
  if (options != NULL && options->pretty) {
    xmlTextWriterSetIndent (o.w, 1);
    xmlTextWriterSetIndentString (o.w, BAD_CAST "  ");
  }
  check (&o, xmlTextWriterStartDocument (o.w, "1.0", "UTF-8", NULL));
  check (&o, xmlTextWriterStartElementNS (o.w, NULL, BAD_CAST "record", BAD_CAST DN_XML_NS));
  check (&o, xmlTextWriterWriteAttribute (o.w, BAD_CAST "xmlns:xsi", BAD_CAST XSI_NS));
  write_members (&o, json_node_get_object (record), 1);
  check (&o, xmlTextWriterEndElement (o.w));
  check (&o, xmlTextWriterEndDocument (o.w));
  /* Frees the writer and flushes and closes its output buffer. */
  xmlFreeTextWriter (o.w);
  json_node_unref (record);
  if (o.failed) {
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot write the XML record");
    return FALSE;
  }
  return TRUE;
}

static const char *const xml_media_types[] = { "application/xml", NULL };
static const char *const xml_extensions[] = { "xml", NULL };

static const DnWriterVTable xml_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = xml_write,
};

static const DnPluginDesc xml_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "xml",
  .description = "XML record (schema v1, schemas/docnorm-record-v1.xsd)",
  .version = XML_WRITER_VERSION,
  .media_types = xml_media_types,
  .extensions = xml_extensions,
  .writer = &xml_writer,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (xml, xml_desc)
