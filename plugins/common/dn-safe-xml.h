/* dn-safe-xml.h — parsing XML from untrusted packages (DOCX, ODT) with libxml2.
 *
 * Shared by the OOXML and ODF readers through plugins/common/ (linked in).
 * Every parse runs with no network access (XML_PARSE_NONET), no entity
 * substitution, no DTD loading, a refusal of any DOCTYPE (package parts never
 * carry one, so a DTD is an attack or a corrupt part), a bound on element
 * nesting, and libxml2's messages caught instead of printed. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

G_BEGIN_DECLS

/* Parses @len bytes of @buf. @part_name names the part in error messages.
 * @max_depth bounds element nesting (0 = libxml2's own bound); libxml2 itself
 * refuses more than 256 levels (no XML_PARSE_HUGE), so larger values act as 256.
 * Returns a new document (xmlFreeDoc()) or NULL with @error set:
 * DN_ERROR_LIMIT when the nesting bound is hit, DN_ERROR_CORRUPT for a
 * DOCTYPE or XML that is not well formed. */
xmlDocPtr dn_safe_xml_parse (const char *buf, gsize len, const char *part_name,
                             guint max_depth, GError **error);

/* Supplies up to @len bytes of XML in @buf: returns how many (0 at the end;
 * a short read is fine, it is called again), or -1 on failure (the caller
 * of dn_safe_xml_parse_stream() keeps the reason; the parse then ends as if
 * the XML stopped there). */
typedef int (*DnSafeXmlReadFunc) (void *user_data, char *buf, int len);

/* Receives one complete element; see dn_safe_xml_parse_stream(). Returns
 * FALSE with @error set to stop the parse. */
typedef gboolean (*DnSafeXmlElementFunc) (xmlNode *element, gpointer user_data, GError **error);

/* Parses XML read through @read_func (called with @read_data) a few KiB at
 * a time, under the same rules, limits and errors as dn_safe_xml_parse():
 * the input never exists whole. When @element_func is set, each element at
 * nesting depth @element_depth (1 is the root; at least 2) is passed to it
 * as soon as its end tag is parsed, still linked to its ancestors (whose
 * namespace declarations its ns pointers may refer to); afterwards it is
 * unlinked and freed, with any text or comments before it under the same
 * parent, so the tree never holds more than one such element. Elements
 * above @element_depth stay. The element and its subtree are borrowed for
 * the call only.
 * Returns what remains of the document (xmlFreeDoc()) or NULL with @error:
 * dn_safe_xml_parse()'s errors, or the one @element_func stopped with. */
xmlDocPtr dn_safe_xml_parse_stream (DnSafeXmlReadFunc read_func, gpointer read_data,
                                    const char *part_name, guint max_depth, guint element_depth,
                                    DnSafeXmlElementFunc element_func, gpointer element_data,
                                    GError **error);

/* TRUE when @node is an element named @local in namespace @ns_a or @ns_b
 * (either may be NULL). */
gboolean dn_xml_is (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local);

/* Attribute @local in namespace @ns_a or else @ns_b (NULL = no namespace).
 * Returns a new string (g_free()) or NULL. */
char *dn_xml_get_attr (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local);

/* The text content of @node's subtree. Returns a new string (g_free()). */
char *dn_xml_get_content (const xmlNode *node);

G_END_DECLS
