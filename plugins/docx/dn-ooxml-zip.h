/* dn-ooxml-zip.h — a zip package from an untrusted file, read under limits.
 *
 * Shared by the DOCX reader and (later) the ODT reader: compile
 * dn-ooxml-zip.c and dn-safe-xml.c into the plugin. The package is opened
 * from memory (zip_source_buffer_create + zip_open_from_source); opening
 * checks the entry count, the declared sizes and compression ratios, and
 * refuses entry names with a ".." segment or an absolute path. Reading an
 * entry checks the bytes actually inflated against the same limits, so a
 * header that lies about sizes gains nothing.
 *
 * The OPC helpers (relationships, [Content_Types].xml) are OOXML-only; an
 * ODF reader uses the zip and XML functions and ignores them. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "dn-plugin.h"

G_BEGIN_DECLS

typedef struct _DnOoxmlZip DnOoxmlZip;

/* Opens @data (kept referenced) under @limits (copied). Errors:
 * DN_ERROR_CORRUPT (not a zip, damaged, unsafe entry name),
 * DN_ERROR_LIMIT (too many entries, sizes or ratio over the limits). */
DnOoxmlZip *dn_ooxml_zip_open (GBytes *data, const DnLimits *limits, GError **error);
void dn_ooxml_zip_free (DnOoxmlZip *zip);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DnOoxmlZip, dn_ooxml_zip_free)

/* TRUE when the package holds @part (a name without leading '/', matched
 * case-insensitively as OPC requires). */
gboolean dn_ooxml_zip_has (DnOoxmlZip *zip, const char *part);

/* Inflates @part. Returns new bytes (g_bytes_unref()) or NULL with @error:
 * DN_ERROR_CORRUPT when absent or damaged, DN_ERROR_LIMIT when its size,
 * ratio or the running total of inflated bytes passes the limits. */
GBytes *dn_ooxml_zip_read (DnOoxmlZip *zip, const char *part, GError **error);

/* Inflates and parses @part with dn_safe_xml_parse() under the depth limit.
 * Returns a new document (xmlFreeDoc()) or NULL with @error. */
xmlDocPtr dn_ooxml_zip_read_xml (DnOoxmlZip *zip, const char *part, GError **error);

/* One OPC relationship; all strings owned by the array holding it. */
typedef struct {
  char *id;
  char *type;      /* full relationship type URI */
  char *target;    /* package part name (resolved, unescaped), or the URI as
                    * written when external */
  gboolean external;
} DnOoxmlRel;

/* The relationships of one part, indexed by id. */
typedef struct _DnOoxmlRels DnOoxmlRels;

/* The relationships of @source_part ("" for the package). Returns a new set
 * (dn_ooxml_rels_free()), empty when the part has no .rels, or NULL with
 * @error when the .rels exists but cannot be read. Internal targets that
 * climb out of the package are dropped. */
DnOoxmlRels *dn_ooxml_zip_read_rels (DnOoxmlZip *zip, const char *source_part, GError **error);
/* An empty set, for a part whose relationships could not be read. */
DnOoxmlRels *dn_ooxml_rels_new_empty (void);
void dn_ooxml_rels_free (DnOoxmlRels *rels);
/* Borrowed; NULL when absent. Constant time. */
const DnOoxmlRel *dn_ooxml_rels_by_id (const DnOoxmlRels *rels, const char *id);
/* First relationship whose type ends in "/@suffix" (matches the transitional
 * and Strict forms alike); borrowed, NULL when absent. */
const DnOoxmlRel *dn_ooxml_rels_by_type (const DnOoxmlRels *rels, const char *suffix);

/* Resolves @target relative to @source_part's folder, unescaping %XX.
 * Returns a new part name without leading '/', or NULL when the target
 * climbs above the package root. */
char *dn_ooxml_resolve_target (const char *source_part, const char *target);

/* Content type of @part from [Content_Types].xml (Override, then Default by
 * extension). Returns a new string or NULL. */
char *dn_ooxml_zip_content_type (DnOoxmlZip *zip, const char *part);

/* TRUE when @data starts with the OLE compound file (CFB) signature. */
gboolean dn_ole_is_cfb (const guint8 *data, gsize len);
/* Explains an OLE container in a DN_ERROR: DN_ERROR_ENCRYPTED when it holds
 * an encrypted OOXML package (EncryptionInfo / EncryptedPackage streams),
 * DN_ERROR_UNSUPPORTED for a legacy Word .doc or any other OLE file. */
void dn_ole_explain (GBytes *data, GError **error);

G_END_DECLS
