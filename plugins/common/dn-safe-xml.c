/* Untrusted XML through libxml2's SAX2 tree builder, with the builder's
 * element callbacks wrapped to count depth (and, when streaming, to hand
 * completed elements over and free them) and its DOCTYPE callback wrapped
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
  /* Streaming (dn_safe_xml_parse_stream): the input comes from read_func,
   * and elements at element_depth go to element_func when they end. */
  DnSafeXmlReadFunc read_func;
  gpointer read_data;
  guint element_depth;
  DnSafeXmlElementFunc element_func;
  gpointer element_data;
  xmlNode *open_element;  /* the element_depth element being built */
  GError *element_error;  /* why element_func stopped the parse */
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
  xmlNode *parent = ctxt->node;
  xmlSAX2StartElementNs (ctx, localname, prefix, uri, nb_namespaces, namespaces,
                         nb_attributes, nb_defaulted, attributes);
  /* The builder pushes the new element as ctxt->node; it does not when it
   * ran out of memory (and then stops the parse). */
  if (st->element_func != NULL && st->depth == st->element_depth && ctxt->node != parent)
    st->open_element = ctxt->node;
}

/* Hands @element (complete, still in the tree) to the caller, then frees it
 * and whatever its parent holds before it (the text between elements, as
 * earlier elements are gone already): the parent is empty again, so the tree
 * never holds more than the element being built. */
static void
hand_over (xmlParserCtxtPtr ctxt, SafeState *st, xmlNode *element)
{
  gboolean go = st->element_func (element, st->element_data, &st->element_error);
  xmlNode *parent = element->parent;
  while (parent != NULL && parent->children != NULL && parent->children != element) {
    xmlNode *c = parent->children;
    xmlUnlinkNode (c);
    xmlFreeNode (c);
  }
  xmlUnlinkNode (element);
  xmlFreeNode (element);
  if (!go) {
    if (st->element_error == NULL)
      g_set_error (&st->element_error, DN_ERROR, DN_ERROR_FAILED, "XML element handler failed");
    xmlStopParser (ctxt);
  }
}

static void
safe_end (void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
  xmlParserCtxtPtr ctxt = ctx;
  SafeState *st = ctxt->_private;
  /* The element this end tag closes, when it is one to hand over. */
  xmlNode *done = st->open_element != NULL && st->depth == st->element_depth && ctxt->node == st->open_element
                    ? st->open_element : NULL;
  if (st->depth > 0)
    st->depth--;
  xmlSAX2EndElementNs (ctx, localname, prefix, uri);
  if (done != NULL) {
    st->open_element = NULL;
    hand_over (ctxt, st, done);
  }
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

/* libxml2's pull parser takes a short read for the end of the input in
 * places (the XML declaration, for one): fill what it asks for. */
static int
safe_io_read (void *data, char *buf, int len)
{
  SafeState *st = data;
  int have = 0;
  while (have < len) {
    int got = st->read_func (st->read_data, buf + have, len - have);
    if (got < 0)
      return -1;
    if (got == 0)
      break;
    have += got;
  }
  return have;
}

/* The reader's data belongs to the caller, who closes it. */
static int
safe_io_close (void *data)
{
  return 0;
}

/* The parse behind both entry points: from @buf (@len bytes) or, when
 * @read_func is set, from what it returns. */
static xmlDocPtr
safe_parse (const char *buf, gsize len, DnSafeXmlReadFunc read_func, gpointer read_data,
            const char *part_name, guint max_depth, guint element_depth,
            DnSafeXmlElementFunc element_func, gpointer element_data, GError **error)
{
  xmlInitParser ();
  SafeState st = { 0 };
  st.max_depth = max_depth;
  st.read_func = read_func;
  st.read_data = read_data;
  st.element_depth = element_depth;
  st.element_func = element_func;
  st.element_data = element_data;

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
  /* An I/O context runs the same pull parser as a memory one (same checks,
   * same messages), reading a few KiB at a time and dropping what it has
   * parsed. */
  xmlParserCtxtPtr ctxt = read_func != NULL
    ? xmlCreateIOParserCtxt (NULL, NULL, safe_io_read, safe_io_close, &st, XML_CHAR_ENCODING_NONE)
    : xmlCreateMemoryParserCtxt (buf, (int) len);
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
    if (!well_formed || st.too_deep || st.has_dtd || st.element_error != NULL) {
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
    else if (st.element_error != NULL)
      g_propagate_error (error, g_steal_pointer (&st.element_error));
    else if (st.first_error != NULL && strstr (st.first_error, "depth") != NULL)
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: %s", part_name, st.first_error);
    else if (st.first_error != NULL && st.first_code == XML_ERR_ENTITY_LOOP)
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: %s", part_name, st.first_error);
    else
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "%s: malformed XML: %s", part_name,
                   st.first_error != NULL ? st.first_error : "cannot parse");
  }
  g_clear_error (&st.element_error);
  g_free (st.first_error);
  return doc;
}

xmlDocPtr
dn_safe_xml_parse (const char *buf, gsize len, const char *part_name, guint max_depth,
                   GError **error)
{
  if (len > INT_MAX) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "%s: XML part larger than 2 GiB", part_name);
    return NULL;
  }
  return safe_parse (buf, len, NULL, NULL, part_name, max_depth, 0, NULL, NULL, error);
}

xmlDocPtr
dn_safe_xml_parse_stream (DnSafeXmlReadFunc read_func, gpointer read_data, const char *part_name,
                          guint max_depth, guint element_depth, DnSafeXmlElementFunc element_func,
                          gpointer element_data, GError **error)
{
  g_return_val_if_fail (read_func != NULL, NULL);
  g_return_val_if_fail (element_func == NULL || element_depth >= 2, NULL);
  return safe_parse (NULL, 0, read_func, read_data, part_name, max_depth, element_depth, element_func,
                     element_data, error);
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
