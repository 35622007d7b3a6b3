/* dn-safe-xml.h — parsing XML from untrusted packages (DOCX, ODT) with libxml2.
 *
 * Shared by the OOXML and ODF readers: compile dn-safe-xml.c into the plugin.
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

/* TRUE when @node is an element named @local in namespace @ns_a or @ns_b
 * (either may be NULL). */
gboolean dn_xml_is (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local);

/* Attribute @local in namespace @ns_a or else @ns_b (NULL = no namespace).
 * Returns a new string (g_free()) or NULL. */
char *dn_xml_get_attr (const xmlNode *node, const char *ns_a, const char *ns_b, const char *local);

/* The text content of @node's subtree. Returns a new string (g_free()). */
char *dn_xml_get_content (const xmlNode *node);

G_END_DECLS
