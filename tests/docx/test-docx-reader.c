/* Unit tests of the DOCX reader, linked statically (DN_PLUGIN_STATIC): number
 * formats, OPC helpers, the safe XML parser, probe scores, and reads under
 * tight limits that the CLI cannot set. Samples come from samples/docx/. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <glib/gstdio.h>
#include <zip.h>

#include "docnorm.h"
#include "dn-docx-numfmt.h"
#include "dn-ooxml-zip.h"
#include "dn-safe-xml.h"

const DnPluginDesc *dn_plugin_docx_get_desc (void);

static GBytes *
load_sample (const char *name)
{
  char *path = g_build_filename (SAMPLES_DIR, name, NULL);
  char *data = NULL;
  gsize len = 0;
  gboolean ok = g_file_get_contents (path, &data, &len, NULL);
  if (!ok)
    fail_msg ("cannot read %s", path);
  g_free (path);
  return g_bytes_new_take (data, len);
}

/* Reads @name with @opts (default options when NULL). Returns the document
 * or NULL with @error. */
static DnDocument *
read_sample (const char *name, const DnReadOptions *opts, GError **error)
{
  DnReadOptions def;
  if (opts == NULL) {
    dn_read_options_init (&def);
    def.file_name = name;
    opts = &def;
  }
  GBytes *b = load_sample (name);
  DnDocument *doc = dn_document_new ();
  gboolean ok = dn_plugin_docx_get_desc ()->reader->read (b, opts, doc, error);
  g_bytes_unref (b);
  if (!ok) {
    dn_document_free (doc);
    return NULL;
  }
  return doc;
}

static void
expect_fmt (const char *fmt, int value, const char *want)
{
  gboolean known = FALSE;
  char *got = dn_docx_format_number (fmt, value, &known);
  if (strcmp (got, want) != 0)
    fail_msg ("%s(%d): got \"%s\", want \"%s\"", fmt, value, got, want);
  assert_true (known);
  g_free (got);
}

static void
test_numfmt_chinese (void **state)
{
  expect_fmt ("taiwaneseCountingThousand", 1, "一");
  expect_fmt ("taiwaneseCountingThousand", 10, "十");
  expect_fmt ("taiwaneseCountingThousand", 11, "十一");
  expect_fmt ("taiwaneseCountingThousand", 20, "二十");
  expect_fmt ("taiwaneseCountingThousand", 99, "九十九");
  expect_fmt ("taiwaneseCountingThousand", 101, "一百零一");
  expect_fmt ("taiwaneseCountingThousand", 110, "一百一十");
  expect_fmt ("taiwaneseCountingThousand", 1001, "一千零一");
  expect_fmt ("taiwaneseCountingThousand", 10001, "一萬零一");
  expect_fmt ("taiwaneseCounting", 15, "十五");
  expect_fmt ("taiwaneseCounting", 101, "一百〇一");
  expect_fmt ("taiwaneseDigital", 2025, "二〇二五");
  expect_fmt ("ideographDigital", 10, "一〇");
  expect_fmt ("chineseCounting", 11, "十一");
  expect_fmt ("chineseCountingThousand", 10000, "一万");
  expect_fmt ("chineseLegalSimplified", 11, "壹拾壹");
  expect_fmt ("ideographLegalTraditional", 1, "壹");
  expect_fmt ("ideographLegalTraditional", 4, "肆");
  expect_fmt ("ideographLegalTraditional", 10, "壹拾");
  expect_fmt ("ideographLegalTraditional", 23, "貳拾參");
  expect_fmt ("ideographTraditional", 1, "甲");
  expect_fmt ("ideographTraditional", 10, "癸");
  expect_fmt ("ideographTraditional", 11, "甲");
  expect_fmt ("ideographZodiac", 1, "子");
  expect_fmt ("ideographZodiac", 13, "子");
  expect_fmt ("ideographZodiacTraditional", 1, "甲子");
  expect_fmt ("ideographZodiacTraditional", 11, "甲戌");
}

static void
test_numfmt_other (void **state)
{
  expect_fmt ("decimal", 42, "42");
  expect_fmt ("decimalZero", 7, "07");
  expect_fmt ("decimalFullWidth", 305, "３０５");
  expect_fmt ("decimalEnclosedCircle", 1, "①");
  expect_fmt ("decimalEnclosedCircle", 21, "㉑");
  expect_fmt ("decimalEnclosedCircleChinese", 10, "⑩");
  expect_fmt ("decimalEnclosedParen", 1, "⑴");
  expect_fmt ("decimalEnclosedParen", 21, "(21)");
  expect_fmt ("decimalEnclosedFullstop", 2, "⒉");
  expect_fmt ("upperLetter", 1, "A");
  expect_fmt ("upperLetter", 27, "AA");
  expect_fmt ("lowerLetter", 53, "aaa");
  expect_fmt ("upperRoman", 1994, "MCMXCIV");
  expect_fmt ("lowerRoman", 4, "iv");
  expect_fmt ("bullet", 3, "");
  expect_fmt ("none", 3, "");
  gboolean known = TRUE;
  char *s = dn_docx_format_number ("hebrew1", 5, &known);
  assert_false (known);
  assert_string_equal (s, "5");
  g_free (s);
}

static void
test_resolve_target (void **state)
{
  char *s = dn_ooxml_resolve_target ("word/document.xml", "media/image1.png");
  assert_string_equal (s, "word/media/image1.png");
  g_free (s);
  s = dn_ooxml_resolve_target ("word/document.xml", "../customXml/item1.xml");
  assert_string_equal (s, "customXml/item1.xml");
  g_free (s);
  s = dn_ooxml_resolve_target ("word/document.xml", "/word/media/a%20b.png");
  assert_string_equal (s, "word/media/a b.png");
  g_free (s);
  s = dn_ooxml_resolve_target ("", "word/document.xml");
  assert_string_equal (s, "word/document.xml");
  g_free (s);
  assert_null (dn_ooxml_resolve_target ("word/document.xml", "../../etc/passwd"));
}

static void
test_safe_xml (void **state)
{
  GError *err = NULL;
  const char *ok = "<a><b><c/></b></a>";
  xmlDocPtr d = dn_safe_xml_parse (ok, strlen (ok), "ok", 3, &err);
  assert_non_null (d);
  assert_null (err);
  xmlFreeDoc (d);
  d = dn_safe_xml_parse (ok, strlen (ok), "deep", 2, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_LIMIT));
  g_clear_error (&err);
  const char *dtd = "<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>";
  d = dn_safe_xml_parse (dtd, strlen (dtd), "dtd", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  g_clear_error (&err);
  const char *bad = "<a><b></a>";
  d = dn_safe_xml_parse (bad, strlen (bad), "bad", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  assert_non_null (strstr (err->message, "bad:"));
  g_clear_error (&err);
  /* An undefined entity is an error, never an expansion. */
  const char *ent = "<a>&nope;</a>";
  d = dn_safe_xml_parse (ent, strlen (ent), "ent", 0, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  g_clear_error (&err);
}

/* A DnSafeXmlReadFunc over a string, at most @chunk bytes a call, so chunk
 * boundaries fall everywhere. */
typedef struct {
  const char *p;
  gsize len, off, chunk;
} StrReader;

static int
str_read (void *data, char *buf, int len)
{
  StrReader *r = data;
  gsize n = MIN (MIN ((gsize) len, r->chunk), r->len - r->off);
  memcpy (buf, r->p + r->off, n);
  r->off += n;
  return (int) n;
}

typedef struct {
  GString *names;     /* "name," per element handed over */
  guint stop_after;   /* fail on this call (0: never) */
  guint calls;
} Handed;

static gboolean
collect_element (xmlNode *element, gpointer data, GError **error)
{
  Handed *h = data;
  h->calls++;
  g_string_append_printf (h->names, "%s,", (const char *) element->name);
  /* Complete, linked to its ancestors, namespace usable, earlier elements gone. */
  assert_non_null (element->parent);
  assert_non_null (element->ns);
  assert_string_equal ((const char *) element->ns->href, "urn:w");
  for (xmlNode *p = element->prev; p != NULL; p = p->prev)
    assert_int_not_equal (p->type, XML_ELEMENT_NODE);
  if (h->stop_after > 0 && h->calls == h->stop_after) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "stopped at %s", (const char *) element->name);
    return FALSE;
  }
  return TRUE;
}

static xmlDocPtr
parse_stream (const char *xml, gsize len, gsize chunk, guint max_depth, Handed *h, GError **error)
{
  StrReader r = { xml, len, 0, chunk };
  return dn_safe_xml_parse_stream (str_read, &r, "s", max_depth, 3, h != NULL ? collect_element : NULL, h,
                                   error);
}

static void
test_safe_xml_stream (void **state)
{
  const char *xml = "<?xml version=\"1.0\"?>\n<w:doc xmlns:w=\"urn:w\"><w:body>\n <w:p>一</w:p> <w:tbl><w:p>二</w:p>"
                    "</w:tbl><!-- c --><w:p a=\"&amp;\">三</w:p>\n</w:body><w:x><w:y/></w:x></w:doc>";
  gsize len = strlen (xml);
  GError *err = NULL;
  Handed h = { g_string_new (NULL), 0, 0 };
  xmlDocPtr d = parse_stream (xml, len, 3, 0, &h, &err);
  assert_non_null (d);
  assert_null (err);
  assert_string_equal (h.names->str, "p,tbl,p,y,");
  /* What remains: the root and the elements above depth 3, emptied. */
  xmlNode *root = xmlDocGetRootElement (d);
  xmlNode *body = root->children;
  assert_string_equal ((const char *) body->name, "body");
  for (xmlNode *c = body->children; c != NULL; c = c->next)
    assert_int_equal (c->type, XML_TEXT_NODE);  /* the newline after the last block */
  assert_string_equal ((const char *) body->next->name, "x");
  assert_null (body->next->children);
  xmlFreeDoc (d);

  /* Without a handler the whole document is kept, as from memory. */
  d = parse_stream (xml, len, 7, 0, NULL, &err);
  assert_non_null (d);
  assert_non_null (xmlDocGetRootElement (d)->children->children);
  xmlFreeDoc (d);

  /* Cut anywhere, the stream fails exactly as the memory parse does, with
   * or without elements handed over on the way. */
  for (gsize cut = 1; cut < len; cut++) {
    GError *whole = NULL, *streamed = NULL;
    xmlDocPtr a = dn_safe_xml_parse (xml, cut, "s", 0, &whole);
    g_string_truncate (h.names, 0);
    xmlDocPtr b = parse_stream (xml, cut, 1 + cut % 5, 0, &h, &streamed);
    assert_null (a);
    assert_null (b);
    if (whole->code != streamed->code || strcmp (whole->message, streamed->message) != 0)
      fail_msg ("cut at %zu: memory \"%s\", stream \"%s\"", cut, whole->message, streamed->message);
    g_error_free (whole);
    g_error_free (streamed);
  }

  /* The handler stops the parse with its own error; nothing after it runs. */
  g_string_truncate (h.names, 0);
  h.calls = 0;
  h.stop_after = 2;
  d = parse_stream (xml, len, 5, 0, &h, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_LIMIT));
  assert_string_equal (err->message, "stopped at tbl");
  assert_int_equal (h.calls, 2);
  g_clear_error (&err);
  h.stop_after = 0;

  /* A DTD is refused before its declarations are read; depth is bounded. */
  const char *dtd = "<!DOCTYPE w:doc [<!ENTITY e \"x\">]><w:doc xmlns:w=\"urn:w\"><w:b><w:p>&e;</w:p></w:b></w:doc>";
  d = parse_stream (dtd, strlen (dtd), 4, 0, &h, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_CORRUPT));
  assert_non_null (strstr (err->message, "declares a DTD"));
  g_clear_error (&err);
  d = parse_stream (xml, len, 4, 3, &h, &err);
  assert_null (d);
  assert_true (g_error_matches (err, DN_ERROR, DN_ERROR_LIMIT));
  assert_string_equal (err->message, "s: XML nested deeper than 3 elements");
  g_clear_error (&err);
  g_string_free (h.names, TRUE);
}

static int
probe_sample (const char *name)
{
  GBytes *b = load_sample (name);
  gsize len;
  const guint8 *p = g_bytes_get_data (b, &len);
  int score = dn_plugin_docx_get_desc ()->reader->probe (p, MIN (len, DN_PROBE_BYTES), len, name);
  g_bytes_unref (b);
  return score;
}

static void
test_probe (void **state)
{
  assert_true (probe_sample ("seed-001-manual.docx") >= 90);
  assert_true (probe_sample ("feature-strict.docx") >= 90);
  assert_true (probe_sample ("feature-mainpart.docx") >= 70);
  int ole = probe_sample ("bad/legacy.doc");
  assert_true (ole > 30 && ole < 90);
  assert_int_equal (probe_sample ("bad/encrypted.docx"), ole);
  const guint8 text[] = "壹、目的\n本文。";
  assert_int_equal (dn_plugin_docx_get_desc ()->reader->probe (text, sizeof text - 1, sizeof text - 1, NULL), 0);
  const guint8 pdf[] = "%PDF-1.7\n";
  assert_int_equal (dn_plugin_docx_get_desc ()->reader->probe (pdf, sizeof pdf - 1, sizeof pdf - 1, "x.docx"), 0);
}

static void
expect_read_error (const char *name, const DnReadOptions *opts, int code)
{
  GError *err = NULL;
  DnDocument *doc = read_sample (name, opts, &err);
  if (doc != NULL)
    fail_msg ("%s read although it should fail with code %d", name, code);
  if (!g_error_matches (err, DN_ERROR, code))
    fail_msg ("%s: got %s (%d), want code %d", name, err != NULL ? err->message : "no error",
              err != NULL ? err->code : -1, code);
  g_clear_error (&err);
}

static void
test_hostile (void **state)
{
  expect_read_error ("bad/zip-bomb.docx", NULL, DN_ERROR_LIMIT);
  expect_read_error ("bad/traversal.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/absolute.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/xxe.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/billion-laughs.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/deep.docx", NULL, DN_ERROR_LIMIT);
  expect_read_error ("bad/malformed.docx", NULL, DN_ERROR_CORRUPT);
  expect_read_error ("bad/encrypted.docx", NULL, DN_ERROR_ENCRYPTED);
  expect_read_error ("bad/legacy.doc", NULL, DN_ERROR_UNSUPPORTED);
}

static void
test_limits (void **state)
{
  DnReadOptions o;
  dn_read_options_init (&o);
  o.limits.max_entries = 3;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_entry_bytes = 4096;  /* document.xml is larger */
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_total_bytes = 8192;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_xml_depth = 4;  /* w:document/w:body/w:tbl/w:tr/w:tc/… */
  expect_read_error ("feature-tables.docx", &o, DN_ERROR_LIMIT);

  dn_read_options_init (&o);
  o.limits.max_nodes = 10;
  expect_read_error ("seed-001-manual.docx", &o, DN_ERROR_LIMIT);

  /* The same files read with the defaults. */
  GError *err = NULL;
  DnDocument *doc = read_sample ("seed-001-manual.docx", NULL, &err);
  assert_non_null (doc);
  dn_document_free (doc);
  doc = read_sample ("feature-tables.docx", NULL, &err);
  assert_non_null (doc);
  dn_document_free (doc);
}

static DnNode *
find_type (DnNode *root, DnNodeType type, guint nth)
{
  DnIter it;
  dn_iter_init (&it, root);
  while (dn_iter_next (&it) != DN_EVENT_DONE)
    if (it.event == DN_EVENT_ENTER && dn_node_get_node_type (it.current) == type && nth-- == 0)
      return it.current;
  return NULL;
}

static void
test_images_dir (void **state)
{
  char *dir = g_dir_make_tmp (NULL, NULL);
  assert_non_null (dir);
  DnReadOptions o;
  dn_read_options_init (&o);
  o.images_dir = dir;
  o.file_name = "feature-images.docx";
  GError *err = NULL;
  DnDocument *doc = read_sample ("feature-images.docx", &o, &err);
  assert_non_null (doc);
  DnNode *fig = find_type (dn_document_get_root (doc), DN_NODE_FIGURE, 0);
  assert_non_null (fig);
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_IMAGE), "feature-images-image1.png");
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_MEDIA_TYPE), "image/png");
  assert_string_equal (dn_node_get_attr (fig, DN_ATTR_ALT), "APEC TELWG 共同主席開場");
  char *path = g_build_filename (dir, "feature-images-image1.png", NULL);
  char *data = NULL;
  gsize len = 0;
  assert_true (g_file_get_contents (path, &data, &len, NULL));
  assert_true (len > 8 && memcmp (data, "\x89PNG", 4) == 0);
  g_free (data);
  g_unlink (path);
  g_free (path);
  DnNode *fig2 = find_type (dn_document_get_root (doc), DN_NODE_FIGURE, 1);
  assert_non_null (fig2);
  path = g_build_filename (dir, dn_node_get_attr (fig2, DN_ATTR_IMAGE), NULL);
  assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_unlink (path);
  g_free (path);
  dn_document_free (doc);
  g_rmdir (dir);
  g_free (dir);
}

/* ---- the main part read as it streams: packages built here ---- */

#define NS_DECL "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" " \
  "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\" " \
  "xmlns:v=\"urn:schemas-microsoft-com:vml\""
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
#define RT "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
#define PARA(text) "<w:p><w:r><w:t>" text "</w:t></w:r></w:p>"
/* Three blocks before whatever a test puts after them. */
#define BLOCKS PARA ("一") PARA ("二") "<w:tbl><w:tr><w:tc>" PARA ("格") "</w:tc></w:tr></w:tbl>"

/* A DOCX in memory: content types, the package relationships, and @parts,
 * name and content pairs ending in NULL (word/document.xml among them).
 * Returns new bytes. */
static GBytes *
make_docx (const char *const *parts)
{
  static const char content_types[] = XML_DECL
    "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
    "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
    "<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>";
  static const char package_rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" Target=\"word/document.xml\"/></Relationships>";
  zip_error_t ze;
  zip_error_init (&ze);
  zip_source_t *src = zip_source_buffer_create (NULL, 0, 0, &ze);
  assert_non_null (src);
  zip_source_keep (src);
  zip_t *za = zip_open_from_source (src, ZIP_TRUNCATE, &ze);
  assert_non_null (za);
  const char *fixed[] = { "[Content_Types].xml", content_types, "_rels/.rels", package_rels };
  for (guint i = 0; i < G_N_ELEMENTS (fixed); i += 2) {
    zip_source_t *s = zip_source_buffer (za, fixed[i + 1], strlen (fixed[i + 1]), 0);
    assert_true (zip_file_add (za, fixed[i], s, ZIP_FL_ENC_UTF_8) >= 0);
  }
  for (guint i = 0; parts[i] != NULL; i += 2) {
    zip_source_t *s = zip_source_buffer (za, parts[i + 1], strlen (parts[i + 1]), 0);
    assert_true (zip_file_add (za, parts[i], s, ZIP_FL_ENC_UTF_8) >= 0);
  }
  assert_int_equal (zip_close (za), 0);
  zip_stat_t st;
  assert_int_equal (zip_source_stat (src, &st), 0);
  assert_int_equal (zip_source_open (src), 0);
  guint8 *data = g_malloc (st.size);
  assert_int_equal (zip_source_read (src, data, st.size), (zip_int64_t) st.size);
  zip_source_close (src);
  zip_source_free (src);
  zip_error_fini (&ze);
  return g_bytes_new_take (data, st.size);
}

/* Reads @docx into @doc (kept whatever happens). */
static gboolean
read_bytes (GBytes *docx, const DnReadOptions *opts, DnDocument *doc, GError **error)
{
  DnReadOptions def;
  if (opts == NULL) {
    dn_read_options_init (&def);
    opts = &def;
  }
  return dn_plugin_docx_get_desc ()->reader->read (docx, opts, doc, error);
}

/* @document_xml must fail to read with @code and exactly @message (the
 * words the reader used when it parsed the main part whole), leaving no
 * tree and no warnings. */
static void
expect_stream_failure (const char *document_xml, const DnReadOptions *opts, int code, const char *message)
{
  const char *parts[] = { "word/document.xml", document_xml, NULL };
  GBytes *docx = make_docx (parts);
  DnDocument *doc = dn_document_new ();
  GError *err = NULL;
  assert_false (read_bytes (docx, opts, doc, &err));
  if (!g_error_matches (err, DN_ERROR, code) || strcmp (err->message, message) != 0)
    fail_msg ("got %s (%d), want \"%s\" (%d)", err != NULL ? err->message : "no error",
              err != NULL ? err->code : -1, message, code);
  assert_null (dn_node_first_child (dn_document_get_root (doc)));
  assert_int_equal (dn_document_get_n_warnings (doc), 0);
  g_error_free (err);
  dn_document_free (doc);
  g_bytes_unref (docx);
}

static void
test_stream_failures (void **state)
{
  /* Cut off inside the fourth block, after three were read. */
  expect_stream_failure (XML_DECL "<w:document " NS_DECL "><w:body>" BLOCKS "<w:p><w:r><w:t>三", NULL,
                         DN_ERROR_CORRUPT, "word/document.xml: malformed XML: Premature end of data in tag t line 2");
  /* Malformed after some blocks. */
  expect_stream_failure (XML_DECL "<w:document " NS_DECL "><w:body>" BLOCKS "<w:p></w:r></w:p></w:body></w:document>",
                         NULL, DN_ERROR_CORRUPT,
                         "word/document.xml: malformed XML: Opening and ending tag mismatch: p line 2 and r");
  /* A DTD is refused before anything is read. */
  expect_stream_failure (XML_DECL "<!DOCTYPE w:document [<!ENTITY x \"y\">]><w:document " NS_DECL "><w:body>" BLOCKS
                         PARA ("&x;") "</w:body></w:document>", NULL, DN_ERROR_CORRUPT,
                         "word/document.xml: XML part declares a DTD (refused: package parts never carry one)");
  /* The depth limit, reached in the body after some blocks:
   * document 1, body 2, (sdt, sdtContent) × 3 up to 8, p 9. */
  DnReadOptions o;
  dn_read_options_init (&o);
  o.limits.max_xml_depth = 8;
  expect_stream_failure (XML_DECL "<w:document " NS_DECL "><w:body>" BLOCKS
                         "<w:sdt><w:sdtContent><w:sdt><w:sdtContent><w:sdt><w:sdtContent>" PARA ("深")
                         "</w:sdtContent></w:sdt></w:sdtContent></w:sdt></w:sdtContent></w:sdt></w:body></w:document>",
                         &o, DN_ERROR_LIMIT, "word/document.xml: XML nested deeper than 8 elements");
  /* A reader limit stops the parse part-way. */
  dn_read_options_init (&o);
  o.limits.max_nodes = 2;
  expect_stream_failure (XML_DECL "<w:document " NS_DECL "><w:body>" BLOCKS PARA ("四") "</w:body></w:document>", &o,
                         DN_ERROR_LIMIT, "more than 2 nodes");
  /* Not a Word document, or one without a body. */
  expect_stream_failure (XML_DECL "<x:workbook xmlns:x=\"urn:x\"><x:sheets><x:sheet/></x:sheets></x:workbook>", NULL,
                         DN_ERROR_UNSUPPORTED,
                         "word/document.xml is not a WordprocessingML document (a spreadsheet or presentation?)");
  expect_stream_failure (XML_DECL "<w:document " NS_DECL "><w:background><w:p/></w:background></w:document>", NULL,
                         DN_ERROR_CORRUPT,
                         "word/document.xml is not a WordprocessingML document (a spreadsheet or presentation?)");
}

/* Headers are read after the body (their references come last, in the
 * sectPr) but still lead the tree, in the order the sections name them,
 * and their warnings still come before the body's. */
static void
test_stream_headers (void **state)
{
  static const char document[] = XML_DECL "<w:document " NS_DECL "><w:body>" PARA ("本文一")
    "<w:p><w:pPr><w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId2\"/></w:sectPr></w:pPr>"
    "<w:r><w:t>本文二</w:t></w:r></w:p><w:altChunk r:id=\"rId8\"/>" PARA ("本文三")
    "<w:sectPr><w:headerReference w:type=\"default\" r:id=\"rId1\"/>"
    "<w:footerReference w:type=\"default\" r:id=\"rId3\"/></w:sectPr></w:body></w:document>";
  static const char rels[] = XML_DECL
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"" RT "header\" Target=\"header1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"" RT "header\" Target=\"header2.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"" RT "footer\" Target=\"footer1.xml\"/></Relationships>";
  static const char header1[] = XML_DECL "<w:hdr " NS_DECL ">" PARA ("頁首一")
    "<w:p><w:r><w:pict><v:shape><v:imagedata r:id=\"rId9\"/></v:shape></w:pict></w:r></w:p></w:hdr>";
  static const char header2[] = XML_DECL "<w:hdr " NS_DECL ">" PARA ("頁首二") "</w:hdr>";
  static const char footer1[] = XML_DECL "<w:ftr " NS_DECL ">" PARA ("頁尾") "</w:ftr>";
  const char *parts[] = { "word/document.xml", document, "word/_rels/document.xml.rels", rels,
                          "word/header1.xml", header1, "word/header2.xml", header2, "word/footer1.xml", footer1,
                          NULL };
  GBytes *docx = make_docx (parts);
  DnDocument *doc = dn_document_new ();
  GError *err = NULL;
  assert_true (read_bytes (docx, NULL, doc, &err));
  static const char *const want[][2] = { { "header", "頁首二" }, { "header", "頁首一" }, { NULL, "本文一" },
                                         { NULL, "本文二" }, { NULL, "本文三" }, { "footer", "頁尾" } };
  DnNode *n = dn_node_first_child (dn_document_get_root (doc));
  for (guint i = 0; i < G_N_ELEMENTS (want); i++, n = dn_node_next (n)) {
    assert_non_null (n);
    assert_int_equal (dn_node_get_node_type (n), want[i][0] != NULL ? DN_NODE_FURNITURE : DN_NODE_PARAGRAPH);
    assert_string_equal (dn_node_get_attr (n, DN_ATTR_ROLE) != NULL ? dn_node_get_attr (n, DN_ATTR_ROLE) : "",
                         want[i][0] != NULL ? want[i][0] : "");
    char *text = dn_node_collect_text (n);
    assert_string_equal (text, want[i][1]);
    g_free (text);
  }
  assert_null (n);
  assert_int_equal (dn_document_get_n_warnings (doc), 2);
  DnWarningInfo w;
  dn_document_get_warning (doc, 0, &w);
  assert_string_equal (w.code, "DOCX_IMAGE_MISSING");
  assert_string_equal (w.message, "image relationship rId9 not found in word/header1.xml");
  dn_document_get_warning (doc, 1, &w);
  assert_string_equal (w.code, "DOCX_ALTCHUNK");
  dn_document_free (doc);
  g_bytes_unref (docx);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_numfmt_chinese),
    cmocka_unit_test (test_numfmt_other),
    cmocka_unit_test (test_resolve_target),
    cmocka_unit_test (test_safe_xml),
    cmocka_unit_test (test_safe_xml_stream),
    cmocka_unit_test (test_probe),
    cmocka_unit_test (test_hostile),
    cmocka_unit_test (test_limits),
    cmocka_unit_test (test_images_dir),
    cmocka_unit_test (test_stream_failures),
    cmocka_unit_test (test_stream_headers),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
