/* dn-ooxml-zip.h — a zip package from an untrusted file, read under limits.
 *
 * Shared by the DOCX and ODT readers through plugins/common/'s static
 * library, which each plugin links. The package is opened
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
#include "dn-safe-xml.h"

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

/* Parses @part with dn_safe_xml_parse_stream() as it is inflated, a few KiB
 * at a time, under the depth limit and dn_ooxml_zip_read()'s checks: the
 * part never exists whole, inflated or parsed. Each element at depth
 * @element_depth goes to @element_func (with @user_data) as its end tag is
 * parsed, and is freed after (NULL @element_func: the whole document is
 * kept). The entry is inflated to its end even when the parse stops early,
 * so a damaged entry or a limit wins over a parse or handler error, as in
 * dn_ooxml_zip_read_xml().
 * Returns what remains of the document (xmlFreeDoc()) or NULL with @error. */
xmlDocPtr dn_ooxml_zip_read_xml_stream (DnOoxmlZip *zip, const char *part, guint element_depth,
                                        DnSafeXmlElementFunc element_func, gpointer user_data,
                                        GError **error);

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

/* Exports a package's images (DOCX media, ODT Pictures) under stable, unique
 * names: the input's stem, '-', the part's base name made filename-safe, and
 * -2, -3, … when two parts share a base name. Without an images folder the
 * recorded name is the part name and nothing is written. */
typedef struct _DnOoxmlImages DnOoxmlImages;

/* @images_dir may be NULL; @input_name (may be NULL) gives the stem. */
DnOoxmlImages *dn_ooxml_images_new (const char *images_dir, const char *input_name);
void dn_ooxml_images_free (DnOoxmlImages *images);

/* The name to record for @part: borrowed from @images, never NULL. The first
 * time a part is seen and there is an images folder, it is read from @zip and
 * written there; a failure sets @error, and the name is still returned:
 * DN_ERROR_LIMIT (reading hit a limit: the caller should fail), DN_ERROR_IO
 * (the file could not be written), or the read's own error (missing or
 * damaged part). */
const char *dn_ooxml_images_export (DnOoxmlImages *images, DnOoxmlZip *zip, const char *part,
                                    GError **error);

G_END_DECLS
