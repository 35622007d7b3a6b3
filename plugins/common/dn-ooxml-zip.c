/* Zip packages under limits, OPC relationships and content types, and the
 * OLE (CFB) sniffing that tells an encrypted OOXML file from a legacy .doc. */
#include "dn-ooxml-zip.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <zip.h>

#include "dn-safe-xml.h"

#define NS_RELS "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
/* The ratio limit applies to entries from this size up: small XML parts can
 * compress very well without being bombs. */
#define RATIO_FLOOR (1024u * 1024u)

struct _DnOoxmlZip {
  GBytes *data;
  zip_t *za;
  DnLimits limits;
  guint64 total_read;      /* inflated bytes so far, against max_total_bytes */
  xmlDocPtr content_types; /* parsed on first use */
  gboolean content_types_tried;
};

static gboolean
name_is_unsafe (const char *name)
{
  if (name[0] == '/' || name[0] == '\\')
    return TRUE;
  if (g_ascii_isalpha (name[0]) && name[1] == ':')
    return TRUE;
  /* A ".." segment, with either separator. */
  const char *p = name;
  while ((p = strstr (p, "..")) != NULL) {
    gboolean start = p == name || p[-1] == '/' || p[-1] == '\\';
    gboolean end = p[2] == '\0' || p[2] == '/' || p[2] == '\\';
    if (start && end)
      return TRUE;
    p += 2;
  }
  return FALSE;
}

DnOoxmlZip *
dn_ooxml_zip_open (GBytes *data, const DnLimits *limits, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  zip_error_t zerr;
  zip_error_init (&zerr);
  zip_source_t *src = zip_source_buffer_create (p, len, 0, &zerr);
  zip_t *za = src != NULL ? zip_open_from_source (src, ZIP_RDONLY, &zerr) : NULL;
  if (za == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "not a readable zip package: %s",
                 zip_error_strerror (&zerr));
    zip_error_fini (&zerr);
    if (src != NULL)
      zip_source_free (src);
    return NULL;
  }
  zip_error_fini (&zerr);

  zip_int64_t n = zip_get_num_entries (za, 0);
  if (limits->max_entries > 0 && (guint64) n > limits->max_entries) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "zip package has %" G_GINT64_FORMAT
                 " entries (limit %" G_GUINT64_FORMAT ")", (gint64) n, limits->max_entries);
    zip_discard (za);
    return NULL;
  }
  guint64 total = 0;
  for (zip_int64_t i = 0; i < n; i++) {
    zip_stat_t st;
    zip_stat_init (&st);
    if (zip_stat_index (za, (zip_uint64_t) i, 0, &st) != 0 || !(st.valid & ZIP_STAT_NAME)) {
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "zip entry %" G_GINT64_FORMAT " is unreadable",
                   (gint64) i);
      zip_discard (za);
      return NULL;
    }
    if (name_is_unsafe (st.name)) {
      g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT,
                   "zip entry name \"%s\" is absolute or climbs out with \"..\" (refused)", st.name);
      zip_discard (za);
      return NULL;
    }
    guint64 size = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
    guint64 comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
    if (limits->max_entry_bytes > 0 && size > limits->max_entry_bytes) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "zip entry %s inflates to %" G_GUINT64_FORMAT
                   " bytes (limit %" G_GUINT64_FORMAT ")", st.name, size, limits->max_entry_bytes);
      zip_discard (za);
      return NULL;
    }
    if (limits->max_ratio > 0 && size >= RATIO_FLOOR && size / MAX (comp, 1) > limits->max_ratio) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "zip entry %s has compression ratio %"
                   G_GUINT64_FORMAT ":1 (limit %u:1; a zip bomb?)", st.name, size / MAX (comp, 1),
                   limits->max_ratio);
      zip_discard (za);
      return NULL;
    }
    total += size;
    if (limits->max_total_bytes > 0 && total > limits->max_total_bytes) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "zip package inflates to more than %"
                   G_GUINT64_FORMAT " bytes", limits->max_total_bytes);
      zip_discard (za);
      return NULL;
    }
  }

  DnOoxmlZip *zip = g_new0 (DnOoxmlZip, 1);
  zip->data = g_bytes_ref (data);
  zip->za = za;
  zip->limits = *limits;
  return zip;
}

void
dn_ooxml_zip_free (DnOoxmlZip *zip)
{
  if (zip == NULL)
    return;
  zip_discard (zip->za);
  g_bytes_unref (zip->data);
  if (zip->content_types != NULL)
    xmlFreeDoc (zip->content_types);
  g_free (zip);
}

static zip_int64_t
locate (DnOoxmlZip *zip, const char *part)
{
  while (part[0] == '/')
    part++;
  zip_int64_t i = zip_name_locate (zip->za, part, 0);
  if (i < 0)
    i = zip_name_locate (zip->za, part, ZIP_FL_NOCASE);
  return i;
}

gboolean
dn_ooxml_zip_has (DnOoxmlZip *zip, const char *part)
{
  return locate (zip, part) >= 0;
}

/* One entry being inflated under the limits: dn_ooxml_zip_read() and the
 * streamed parse share it, so both apply the same checks with the same
 * errors. */
typedef struct {
  DnOoxmlZip *zip;
  const char *part;
  zip_file_t *zf;
  guint64 declared;   /* size in the header (may lie) */
  guint64 comp;       /* compressed size in the header */
  guint64 got;        /* bytes inflated from this entry so far */
  GError *error;      /* first failure; later reads fail at once */
} EntryReader;

static gboolean
entry_open (DnOoxmlZip *zip, const char *part, EntryReader *er, GError **error)
{
  memset (er, 0, sizeof *er);
  zip_int64_t idx = locate (zip, part);
  if (idx < 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "package part %s is missing", part);
    return FALSE;
  }
  zip_stat_t st;
  zip_stat_init (&st);
  zip_stat_index (zip->za, (zip_uint64_t) idx, 0, &st);
  zip_file_t *zf = zip_fopen_index (zip->za, (zip_uint64_t) idx, 0);
  if (zf == NULL) {
    zip_error_t *ze = zip_get_error (zip->za);
    g_set_error (error, DN_ERROR,
                 zip_error_code_zip (ze) == ZIP_ER_NOPASSWD || zip_error_code_zip (ze) == ZIP_ER_ENCRNOTSUPP
                   ? DN_ERROR_ENCRYPTED : DN_ERROR_CORRUPT,
                 "cannot open package part %s: %s", part, zip_strerror (zip->za));
    return FALSE;
  }
  er->zip = zip;
  er->part = part;
  er->zf = zf;
  er->declared = (st.valid & ZIP_STAT_SIZE) ? st.size : 0;
  er->comp = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
  return TRUE;
}

/* Inflates up to @len bytes into @buf, then checks what has been inflated
 * against the limits. Returns the count (0 at the end of the entry), or -1
 * with er->error set. */
static zip_int64_t
entry_read (EntryReader *er, void *buf, zip_uint64_t len)
{
  if (er->error != NULL)
    return -1;
  zip_int64_t got = zip_fread (er->zf, buf, len);
  if (got < 0) {
    g_set_error (&er->error, DN_ERROR, DN_ERROR_CORRUPT, "package part %s is damaged: %s", er->part,
                 zip_file_strerror (er->zf));
    return -1;
  }
  er->got += (guint64) got;
  er->zip->total_read += (guint64) got;
  const DnLimits *l = &er->zip->limits;
  if (l->max_entry_bytes > 0 && er->got > l->max_entry_bytes)
    g_set_error (&er->error, DN_ERROR, DN_ERROR_LIMIT, "package part %s inflates past %" G_GUINT64_FORMAT
                 " bytes", er->part, l->max_entry_bytes);
  else if (l->max_total_bytes > 0 && er->zip->total_read > l->max_total_bytes)
    g_set_error (&er->error, DN_ERROR, DN_ERROR_LIMIT, "package inflates past %" G_GUINT64_FORMAT " bytes",
                 l->max_total_bytes);
  else if (l->max_ratio > 0 && er->got >= RATIO_FLOOR && er->got / MAX (er->comp, 1) > l->max_ratio)
    g_set_error (&er->error, DN_ERROR, DN_ERROR_LIMIT, "package part %s has compression ratio over %u:1 "
                 "(a zip bomb?)", er->part, l->max_ratio);
  return er->error != NULL ? -1 : got;
}

static void
entry_close (EntryReader *er)
{
  if (er->zf != NULL)
    zip_fclose (er->zf);
  er->zf = NULL;
  g_clear_error (&er->error);
}

GBytes *
dn_ooxml_zip_read (DnOoxmlZip *zip, const char *part, GError **error)
{
  EntryReader er;
  if (!entry_open (zip, part, &er, error))
    return NULL;
  /* Sized from the header (capped: it may lie); the read loop enforces the real limits. */
  GByteArray *buf = g_byte_array_sized_new ((guint) MIN (er.declared + 1, 64u * 1024 * 1024));
  guint8 chunk[65536];
  zip_int64_t got;
  while ((got = entry_read (&er, chunk, sizeof chunk)) > 0)
    g_byte_array_append (buf, chunk, (guint) got);
  if (got < 0) {
    g_propagate_error (error, g_steal_pointer (&er.error));
    entry_close (&er);
    g_byte_array_unref (buf);
    return NULL;
  }
  entry_close (&er);
  return g_byte_array_free_to_bytes (buf);
}

xmlDocPtr
dn_ooxml_zip_read_xml (DnOoxmlZip *zip, const char *part, GError **error)
{
  GBytes *b = dn_ooxml_zip_read (zip, part, error);
  if (b == NULL)
    return NULL;
  gsize len;
  const char *p = g_bytes_get_data (b, &len);
  xmlDocPtr doc = dn_safe_xml_parse (p != NULL ? p : "", len, part, zip->limits.max_xml_depth, error);
  g_bytes_unref (b);
  return doc;
}

/* libxml2 pulls the streamed part through this, a few KiB at a time. */
static int
entry_xml_read (void *data, char *buf, int len)
{
  EntryReader *er = data;
  zip_int64_t got = entry_read (er, buf, (zip_uint64_t) MAX (len, 0));
  /* The bound dn_safe_xml_parse() puts on a part it is given whole. */
  if (got > 0 && er->got > INT_MAX) {
    g_set_error (&er->error, DN_ERROR, DN_ERROR_LIMIT, "%s: XML part larger than 2 GiB", er->part);
    return -1;
  }
  return (int) got;
}

xmlDocPtr
dn_ooxml_zip_read_xml_stream (DnOoxmlZip *zip, const char *part, guint element_depth,
                              DnSafeXmlElementFunc element_func, gpointer user_data, GError **error)
{
  EntryReader er;
  if (!entry_open (zip, part, &er, error))
    return NULL;
  GError *parse_error = NULL;
  xmlDocPtr doc = dn_safe_xml_parse_stream (entry_xml_read, &er, part, zip->limits.max_xml_depth,
                                            element_depth, element_func, user_data, &parse_error);
  /* The rest of the entry goes through the same checks (the parser may
   * have stopped early): a damaged entry or a limit is reported before
   * anything the parser or the handler said, as when the part was inflated
   * whole before parsing. */
  char sink[16384];
  while (entry_read (&er, sink, sizeof sink) > 0)
    ;
  if (er.error != NULL) {
    g_clear_error (&parse_error);
    xmlFreeDoc (doc);
    g_propagate_error (error, g_steal_pointer (&er.error));
    entry_close (&er);
    return NULL;
  }
  entry_close (&er);
  if (doc == NULL)
    g_propagate_error (error, parse_error);
  return doc;
}

struct _DnOoxmlRels {
  GPtrArray *items;     /* DnOoxmlRel*, document order */
  GHashTable *by_id;    /* id → DnOoxmlRel* (first of a duplicated id) */
};

static void
rel_free (gpointer p)
{
  DnOoxmlRel *r = p;
  g_free (r->id);
  g_free (r->type);
  g_free (r->target);
  g_free (r);
}

char *
dn_ooxml_resolve_target (const char *source_part, const char *target)
{
  char *unescaped = g_uri_unescape_string (target, NULL);
  const char *t = unescaped != NULL ? unescaped : target;
  GPtrArray *segs = g_ptr_array_new_with_free_func (g_free);
  if (t[0] != '/' && source_part != NULL) {
    const char *slash = strrchr (source_part, '/');
    if (slash != NULL) {
      char *folder = g_strndup (source_part, (gsize) (slash - source_part));
      char **parts = g_strsplit (folder, "/", -1);
      for (char **s = parts; *s != NULL; s++)
        if (**s != '\0')
          g_ptr_array_add (segs, g_strdup (*s));
      g_strfreev (parts);
      g_free (folder);
    }
  }
  gboolean escaped = FALSE;
  char **parts = g_strsplit (t, "/", -1);
  for (char **s = parts; *s != NULL; s++) {
    if (**s == '\0' || strcmp (*s, ".") == 0)
      continue;
    if (strcmp (*s, "..") == 0) {
      if (segs->len == 0) {
        escaped = TRUE;
        break;
      }
      g_ptr_array_remove_index (segs, segs->len - 1);
      continue;
    }
    g_ptr_array_add (segs, g_strdup (*s));
  }
  g_strfreev (parts);
  g_free (unescaped);
  char *out = NULL;
  if (!escaped && segs->len > 0) {
    g_ptr_array_add (segs, NULL);
    out = g_strjoinv ("/", (char **) segs->pdata);
  }
  g_ptr_array_unref (segs);
  return out;
}

DnOoxmlRels *
dn_ooxml_rels_new_empty (void)
{
  DnOoxmlRels *r = g_new0 (DnOoxmlRels, 1);
  r->items = g_ptr_array_new_with_free_func (rel_free);
  r->by_id = g_hash_table_new (g_str_hash, g_str_equal);
  return r;
}

void
dn_ooxml_rels_free (DnOoxmlRels *rels)
{
  if (rels == NULL)
    return;
  g_hash_table_unref (rels->by_id);
  g_ptr_array_unref (rels->items);
  g_free (rels);
}

DnOoxmlRels *
dn_ooxml_zip_read_rels (DnOoxmlZip *zip, const char *source_part, GError **error)
{
  DnOoxmlRels *rels = dn_ooxml_rels_new_empty ();
  char *rels_name;
  const char *slash = strrchr (source_part, '/');
  if (source_part[0] == '\0')
    rels_name = g_strdup ("_rels/.rels");
  else if (slash == NULL)
    rels_name = g_strdup_printf ("_rels/%s.rels", source_part);
  else
    rels_name = g_strdup_printf ("%.*s/_rels/%s.rels", (int) (slash - source_part), source_part, slash + 1);
  if (!dn_ooxml_zip_has (zip, rels_name)) {
    g_free (rels_name);
    return rels;
  }
  xmlDocPtr doc = dn_ooxml_zip_read_xml (zip, rels_name, error);
  g_free (rels_name);
  if (doc == NULL) {
    dn_ooxml_rels_free (rels);
    return NULL;
  }
  xmlNode *root = xmlDocGetRootElement (doc);
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
    if (n->type != XML_ELEMENT_NODE || strcmp ((const char *) n->name, "Relationship") != 0)
      continue;
    char *id = dn_xml_get_attr (n, NULL, NULL, "Id");
    char *type = dn_xml_get_attr (n, NULL, NULL, "Type");
    char *target = dn_xml_get_attr (n, NULL, NULL, "Target");
    char *mode = dn_xml_get_attr (n, NULL, NULL, "TargetMode");
    gboolean external = mode != NULL && g_ascii_strcasecmp (mode, "External") == 0;
    g_free (mode);
    if (id == NULL || type == NULL || target == NULL) {
      g_free (id);
      g_free (type);
      g_free (target);
      continue;
    }
    if (!external) {
      char *resolved = dn_ooxml_resolve_target (source_part, target);
      g_free (target);
      target = resolved;
      if (target == NULL) {
        g_free (id);
        g_free (type);
        continue;
      }
    }
    DnOoxmlRel *r = g_new0 (DnOoxmlRel, 1);
    r->id = id;
    r->type = type;
    r->target = target;
    r->external = external;
    g_ptr_array_add (rels->items, r);
    if (!g_hash_table_contains (rels->by_id, r->id))
      g_hash_table_insert (rels->by_id, r->id, r);
  }
  xmlFreeDoc (doc);
  return rels;
}

const DnOoxmlRel *
dn_ooxml_rels_by_id (const DnOoxmlRels *rels, const char *id)
{
  if (rels == NULL || id == NULL)
    return NULL;
  return g_hash_table_lookup (rels->by_id, id);
}

const DnOoxmlRel *
dn_ooxml_rels_by_type (const DnOoxmlRels *rels, const char *suffix)
{
  if (rels == NULL)
    return NULL;
  gsize sl = strlen (suffix);
  for (guint i = 0; i < rels->items->len; i++) {
    const DnOoxmlRel *r = g_ptr_array_index (rels->items, i);
    gsize tl = strlen (r->type);
    if (tl > sl && r->type[tl - sl - 1] == '/' && strcmp (r->type + tl - sl, suffix) == 0)
      return r;
  }
  return NULL;
}

char *
dn_ooxml_zip_content_type (DnOoxmlZip *zip, const char *part)
{
  if (!zip->content_types_tried) {
    zip->content_types_tried = TRUE;
    zip->content_types = dn_ooxml_zip_read_xml (zip, "[Content_Types].xml", NULL);
  }
  if (zip->content_types == NULL)
    return NULL;
  const char *dot = strrchr (part, '.');
  const char *slash = strrchr (part, '/');
  const char *ext = dot != NULL && (slash == NULL || dot > slash) ? dot + 1 : NULL;
  char *by_ext = NULL;
  xmlNode *root = xmlDocGetRootElement (zip->content_types);
  for (xmlNode *n = root != NULL ? root->children : NULL; n != NULL; n = n->next) {
    if (dn_xml_is (n, NS_CT, NULL, "Override")) {
      char *name = dn_xml_get_attr (n, NULL, NULL, "PartName");
      gboolean match = name != NULL && g_ascii_strcasecmp (name[0] == '/' ? name + 1 : name, part) == 0;
      g_free (name);
      if (match) {
        g_free (by_ext);
        return dn_xml_get_attr (n, NULL, NULL, "ContentType");
      }
    } else if (ext != NULL && by_ext == NULL && dn_xml_is (n, NS_CT, NULL, "Default")) {
      char *e = dn_xml_get_attr (n, NULL, NULL, "Extension");
      if (e != NULL && g_ascii_strcasecmp (e, ext) == 0)
        by_ext = dn_xml_get_attr (n, NULL, NULL, "ContentType");
      g_free (e);
    }
  }
  return by_ext;
}

/* ---- OLE compound files ---- */

static const guint8 cfb_magic[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

gboolean
dn_ole_is_cfb (const guint8 *data, gsize len)
{
  return len >= 8 && memcmp (data, cfb_magic, 8) == 0;
}

static guint32
le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

/* Collects the names of the directory entries by walking the directory
 * sector chain through the FAT sectors listed in the header (enough for
 * files up to several MB; larger ones fall back to a byte scan). Returns a
 * new NULL-terminated UTF-8 vector, or NULL when the structure is unusable. */
static char **
cfb_names (const guint8 *p, gsize len)
{
  if (len < 512)
    return NULL;
  guint shift = (guint) (p[0x1E] | p[0x1F] << 8);
  if (shift != 9 && shift != 12)
    return NULL;
  gsize ss = (gsize) 1 << shift;
  guint32 n_fat = le32 (p + 0x2C);
  guint32 dir_start = le32 (p + 0x30);
  GArray *fat = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < 109 && i < n_fat; i++) {
    guint32 sec = le32 (p + 0x4C + 4 * i);
    gsize off = (gsize) (sec + 1) * ss;
    if (sec >= 0xFFFFFFFA || off + ss > len)
      break;
    for (gsize j = 0; j < ss / 4; j++) {
      guint32 v = le32 (p + off + 4 * j);
      g_array_append_val (fat, v);
    }
  }
  GPtrArray *names = g_ptr_array_new ();
  guint32 sec = dir_start;
  guint guard = 0;
  while (sec < 0xFFFFFFFA && guard++ < 4096) {
    gsize off = (gsize) (sec + 1) * ss;
    if (off + ss > len)
      break;
    for (gsize e = 0; e + 128 <= ss; e += 128) {
      const guint8 *d = p + off + e;
      guint nl = (guint) (d[64] | d[65] << 8);
      if (nl < 2 || nl > 64 || d[66] == 0)
        continue;
      gunichar2 u[32];
      for (guint k = 0; k < nl / 2; k++)
        u[k] = (gunichar2) (d[2 * k] | d[2 * k + 1] << 8);
      char *name = g_utf16_to_utf8 (u, (glong) (nl / 2 - 1), NULL, NULL, NULL);
      if (name != NULL)
        g_ptr_array_add (names, name);
    }
    sec = sec < fat->len ? g_array_index (fat, guint32, sec) : 0xFFFFFFFE;
  }
  g_array_unref (fat);
  if (names->len == 0) {
    g_ptr_array_unref (names);
    return NULL;
  }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

/* Fallback: the stream name in UTF-16LE anywhere in the file. */
static gboolean
scan_utf16 (const guint8 *p, gsize len, const char *ascii)
{
  gsize n = strlen (ascii);
  guint8 *pat = g_malloc (2 * n);
  for (gsize i = 0; i < n; i++) {
    pat[2 * i] = (guint8) ascii[i];
    pat[2 * i + 1] = 0;
  }
  gboolean found = memmem (p, len, pat, 2 * n) != NULL;
  g_free (pat);
  return found;
}

void
dn_ole_explain (GBytes *data, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  char **names = cfb_names (p, len);
  gboolean enc, doc;
  if (names != NULL) {
    enc = g_strv_contains ((const char *const *) names, "EncryptionInfo") ||
          g_strv_contains ((const char *const *) names, "EncryptedPackage");
    doc = g_strv_contains ((const char *const *) names, "WordDocument");
    g_strfreev (names);
  } else {
    enc = scan_utf16 (p, len, "EncryptionInfo") || scan_utf16 (p, len, "EncryptedPackage");
    doc = scan_utf16 (p, len, "WordDocument");
  }
  if (enc)
    g_set_error (error, DN_ERROR, DN_ERROR_ENCRYPTED,
                 "password-protected (encrypted) Office document; remove the password and save as .docx");
  else if (doc)
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "legacy Word .doc is not supported; save as .docx");
  else
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED,
                 "OLE compound file that is neither a Word document nor an encrypted package");
}

struct _DnOoxmlImages {
  char *dir;
  char *stem;
  GHashTable *by_part; /* part name → recorded name */
  GHashTable *names;   /* recorded names in use */
};

static const char *
last_segment (const char *path)
{
  const char *s = strrchr (path, '/');
  return s != NULL ? s + 1 : path;
}

DnOoxmlImages *
dn_ooxml_images_new (const char *images_dir, const char *input_name)
{
  DnOoxmlImages *images = g_new0 (DnOoxmlImages, 1);
  images->dir = g_strdup (images_dir);
  const char *fn = input_name != NULL ? last_segment (input_name) : "image";
  const char *dot = strrchr (fn, '.');
  images->stem = dot != NULL && dot != fn ? g_strndup (fn, (gsize) (dot - fn)) : g_strdup (fn);
  images->by_part = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  images->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return images;
}

void
dn_ooxml_images_free (DnOoxmlImages *images)
{
  if (images == NULL)
    return;
  g_free (images->dir);
  g_free (images->stem);
  g_hash_table_unref (images->by_part);
  g_hash_table_unref (images->names);
  g_free (images);
}

/* A new unique file name for @part. */
static char *
unique_image_name (DnOoxmlImages *images, const char *part)
{
  GString *s = g_string_new (images->stem);
  g_string_append_c (s, '-');
  for (const char *p = last_segment (part); *p != '\0'; p++)
    g_string_append_c (s, g_ascii_isalnum (*p) || *p == '.' || *p == '-' || *p == '_' ? *p : '_');
  /* word/media/a.png and word/embeddings/a.png: -2, -3, … in order of use. */
  if (g_hash_table_contains (images->names, s->str)) {
    const char *dot = strrchr (s->str, '.');
    gsize stem_len = dot != NULL && dot > s->str ? (gsize) (dot - s->str) : s->len;
    char *ext = g_strdup (s->str + stem_len);
    for (int i = 2;; i++) {
      g_string_truncate (s, stem_len);
      g_string_append_printf (s, "-%d%s", i, ext);
      if (!g_hash_table_contains (images->names, s->str))
        break;
    }
    g_free (ext);
  }
  g_hash_table_add (images->names, g_strdup (s->str));
  return g_string_free (s, FALSE);
}

const char *
dn_ooxml_images_export (DnOoxmlImages *images, DnOoxmlZip *zip, const char *part, GError **error)
{
  const char *have = g_hash_table_lookup (images->by_part, part);
  if (have != NULL)
    return have;
  char *name;
  if (images->dir == NULL) {
    name = g_strdup (part);
  } else {
    name = unique_image_name (images, part);
    GBytes *b = dn_ooxml_zip_read (zip, part, error);
    if (b != NULL) {
      char *path = g_build_filename (images->dir, name, NULL);
      gsize len;
      const char *data = g_bytes_get_data (b, &len);
      GError *werr = NULL;
      if (g_mkdir_with_parents (images->dir, 0755) != 0)
        g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create %s: %s", images->dir, g_strerror (errno));
      else if (!g_file_set_contents (path, data, (gssize) len, &werr))
        g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot write %s: %s", path, werr->message);
      g_clear_error (&werr);
      g_free (path);
      g_bytes_unref (b);
    }
  }
  g_hash_table_insert (images->by_part, g_strdup (part), name);
  return name;
}
