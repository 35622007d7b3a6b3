/* Untrusted XML through libxml2's SAX2 tree builder, with the builder's
 * element callbacks wrapped to count depth and its DOCTYPE callback wrapped
 * to refuse any DTD before its declarations are read. */
#include "dn-safe-xml.h"

#include <limits.h>
#include <string.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/SAX2.h>
#include <libxml/xmlerror.h>

#include "dn-error.h"

typedef struct {
  guint depth;
  guint max_depth;
  gboolean too_deep;
  gboolean has_dtd;
  char *first_error;   /* libxml2's first message, for our GError */
  int first_code;
} SafeState;

static void
safe_start (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
            int nb_namespaces, const xmlChar **namespaces, int nb_attributes,
            int nb_defaulted, const xmlChar **attributes)
{
  xmlParserCtxtPtr ctxt = ctx;
  SafeState *st = ctxt->_private;
  if (st->max_depth > 0 && st->depth >= st->max_depth) {
    st->too_deep = TRUE;
    xmlStopParser (ctxt);
    return;
  }
  st->depth++;
  xmlSAX2StartElementNs (ctx, localname, prefix, uri, nb_namespaces, namespaces,
                         nb_attributes, nb_defaulted, attributes);
}

static void
safe_end (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;
  SafeState *st = ctxt->_private;
  if (st->depth > 0)
    st->depth--;
  xmlSAX2EndElementNs (ctx, localname, prefix, uri);
}

/* Called at <!DOCTYPE, before the internal subset's declarations. */
static void
safe_internal_subset (void *ctx, const xmlChar *name, const xmlChar *external_id,
                      const xmlChar *system_id)
{
  xmlParserCtxtPtr ctxt = ctx;
  SafeState *st = ctxt->_private;
  st->has_dtd = TRUE;
  xmlStopParser (ctxt);
}

/* Keeps the first message; libxml2 never prints. */
static void
safe_structured_error (void *user_data, xmlErrorPtr err)
{
  SafeState *st = user_data;
  if (st == NULL || err == NULL || st->first_error != NULL || err->level < XML_ERR_ERROR)
    return;
  st->first_error = g_strchomp (g_strdup (err->message != NULL ? err->message : "malformed XML"));
  st->first_code = err->code;
}

/* Error callback installed on the parser context: its user data is the
 * context itself, whose _private is our state. */
static void
safe_ctxt_error (void *user_data, xmlErrorPtr err)
{
  xmlParserCtxtPtr ctxt = user_data;
  safe_structured_error (ctxt != NULL ? ctxt->_private : NULL, err);
}

static void
silent_generic (void *ctx, const char *msg, ...)
{
}

xmlDocPtr
dn_safe_xml_parse (const char *buf, gsize len, const char *part_name, guint max_depth,
                   GError **error)
{
  if (len > INT_MAX) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: XML part larger than 2 GiB", part_name);
    return NULL;
  }
  xmlInitParser ();
  SafeState st = { 0 };
  st.max_depth = max_depth;

  /* Messages raised outside the context's own channel (encoding handlers,
   * buffer code) go to the thread's global handlers: silence them for the
   * duration of this parse and restore the caller's afterwards. */
  xmlStructuredErrorFunc old_serror = xmlStructuredError;
  void *old_serror_ctx = xmlStructuredErrorContext;
  xmlGenericErrorFunc old_generic = xmlGenericError;
  void *old_generic_ctx = xmlGenericErrorContext;
  xmlSetStructuredErrorFunc (&st, safe_structured_error);
  xmlSetGenericErrorFunc (NULL, silent_generic);

  xmlDocPtr doc = NULL;
  xmlParserCtxtPtr ctxt = xmlCreateMemoryParserCtxt (buf, (int) len);
  if (ctxt != NULL) {
    /* No XML_PARSE_NOENT (entities stay references), no DTDLOAD / DTDATTR,
     * no network, no XInclude. */
    xmlCtxtUseOptions (ctxt, XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_COMPACT);
    ctxt->_private = &st;
    ctxt->sax->startElementNs = safe_start;
    ctxt->sax->endElementNs = safe_end;
    ctxt->sax->internalSubset = safe_internal_subset;
    ctxt->sax->externalSubset = NULL;
    ctxt->sax->serror = safe_ctxt_error;
    ctxt->sax->warning = NULL;
    xmlParseDocument (ctxt);
    doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    gboolean well_formed = ctxt->wellFormed != 0;
    xmlFreeParserCtxt (ctxt);
    if (!well_formed || st.too_deep || st.has_dtd) {
      xmlFreeDoc (doc);
      doc = NULL;
    }
  }
  xmlSetStructuredErrorFunc (old_serror_ctx, old_serror);
  xmlSetGenericErrorFunc (old_generic_ctx, old_generic);

  if (doc == NULL) {
    if (st.too_deep)
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: XML nested deeper than %u elements",
                   part_name, max_depth);
    else if (st.has_dtd)
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT,
                   "%s: XML part declares a DTD (refused: package parts never carry one)", part_name);
    else if (st.first_error != NULL && strstr (st.first_error, "depth") != NULL)
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: %s", part_name, st.first_error);
    else if (st.first_error != NULL && st.first_code == XML_ERR_ENTITY_LOOP)
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: %s", part_name, st.first_error);
    else
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "%s: malformed XML: %s", part_name,
                   st.first_error != NULL ? st.first_error : "cannot parse");
  }
  g_free (st.first_error);
  return doc;
}

gboolean
dn_xml_is (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE || strcmp ((const char *) node->name, local) != 0)
    return FALSE;
  const char *href = node->ns != NULL ? (const char *) node->ns->href : NULL;
  if (href == NULL)
    return ns_a == NULL && ns_b == NULL;
  return (ns_a != NULL && strcmp (href, ns_a) == 0) || (ns_b != NULL && strcmp (href, ns_b) == 0);
}

char *
dn_xml_get_attr (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local)
{
  xmlChar *v = NULL;
  if (ns_a == NULL && ns_b == NULL)
    v = xmlGetNoNsProp (node, (const xmlChar *) local);
  if (v == NULL && ns_a != NULL)
    v = xmlGetNsProp (node, (const xmlChar *) local, (const xmlChar *) ns_a);
  if (v == NULL && ns_b != NULL)
    v = xmlGetNsProp (node, (const xmlChar *) local, (const xmlChar *) ns_b);
  if (v == NULL)
    return NULL;
  char *out = g_strdup ((const char *) v);
  xmlFree (v);
  return out;
}

char *
dn_xml_get_content (const xmlNode *node)
{
  xmlChar *v = xmlNodeGetContent (node);
  char *out = g_strdup (v != NULL ? (const char *) v : "");
  xmlFree (v);
  return out;
}
