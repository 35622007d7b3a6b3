/* One writer plugin (-DDN_FUZZ_WRITER=json or xml) on a fuzz-built document:
 * the output must be what its format's own parser accepts (json-glib for
 * JSON, libxml2 for XML, with no network and no entities), and writing the
 * same document twice must give the same bytes. A failure must be a
 * DN_ERROR (the record's depth limit). */
#include "dn-fuzz.h"

#include <string.h>
#include <libxml/parser.h>

#ifndef DN_FUZZ_WRITER
#error "build with -DDN_FUZZ_WRITER=<plugin ident>"
#endif

#define DN_FUZZ_PASTE_(a, b, c) a##b##c
#define DN_FUZZ_PASTE(a, b, c) DN_FUZZ_PASTE_ (a, b, c)
#define DN_FUZZ_GET_DESC DN_FUZZ_PASTE (dn_plugin_, DN_FUZZ_WRITER, _get_desc)

const DnPluginDesc *DN_FUZZ_GET_DESC (void);

static void
xml_quiet (void *data, xmlErrorPtr error)
{
}

static void
check_parses (const char *name, const char *out, gsize len)
{
  if (!g_utf8_validate_len (out, len, NULL))
    dn_fuzz_fail ("%s writer output is not UTF-8", name);
  if (strcmp (name, "json") == 0) {
    JsonParser *parser = json_parser_new ();
    GError *error = NULL;
    if (!json_parser_load_from_data (parser, out, (gssize) len, &error))
      dn_fuzz_fail ("JSON output does not parse: %s", error->message);
    if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
      dn_fuzz_fail ("JSON output is not an object");
    g_object_unref (parser);
  } else if (strcmp (name, "xml") == 0) {
    xmlSetStructuredErrorFunc (NULL, xml_quiet);
    xmlDocPtr x = xmlReadMemory (out, (int) len, "record.xml", "UTF-8",
                                 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                   XML_PARSE_HUGE);
    if (x == NULL) {
      xmlErrorPtr e = xmlGetLastError ();
      dn_fuzz_fail ("XML output does not parse: %s", e != NULL && e->message ? e->message : "?");
    }
    xmlFreeDoc (x);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const DnPluginDesc *desc = DN_FUZZ_GET_DESC ();
  if (desc == NULL || desc->writer == NULL)
    dn_fuzz_fail ("plugin has no writer");
  /* The first byte picks the options; the rest builds the document. */
  guint8 flags = size > 0 ? data[0] : 0;
  DnDocument *doc = dn_fuzz_build_document (size > 0 ? data + 1 : data, size > 0 ? size - 1 : 0,
                                           DN_FUZZ_DEEP);
  DnWriteOptions wopts;
  dn_write_options_init (&wopts);
  wopts.pretty = flags & 1;
  wopts.with_hints = (flags & 2) != 0;
  GError *error = NULL;
  GBytes *first = dn_output_to_bytes (desc, doc, &wopts, &error);
  if (first == NULL) {
    dn_fuzz_check_error (error, desc->name);
  } else {
    gsize len;
    const char *out = g_bytes_get_data (first, &len);
    check_parses (desc->name, out, len);
    GBytes *second = dn_output_to_bytes (desc, doc, &wopts, NULL);
    if (second == NULL || !g_bytes_equal (first, second))
      dn_fuzz_fail ("writing the same document twice gave different bytes");
    g_bytes_unref (second);
    g_bytes_unref (first);
  }
  dn_document_free (doc);
  return 0;
}
