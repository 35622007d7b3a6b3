/* The plain-text reader: detects the encoding (UTF-8 with or without BOM,
 * UTF-16 LE/BE, Big5 / CP950), normalises line ends, splits pages at form
 * feeds and paragraphs at blank lines. Faithful: lines inside a paragraph
 * stay as written, joined by '\n'; analysis decides what they mean. */
#include <string.h>

#include "docnorm.h"

#define TXT_VERSION "1.0.0"

typedef enum {
  ENC_UTF8,
  ENC_UTF8_BOM,
  ENC_UTF16LE,
  ENC_UTF16BE,
  ENC_BIG5,
} TxtEncoding;

static const char *const enc_names[] = { "UTF-8", "UTF-8", "UTF-16LE", "UTF-16BE", "CP950" };

static gboolean
has_prefix (const guint8 *p, gsize len, const char *magic, gsize mlen)
{
  return len >= mlen && memcmp (p, magic, mlen) == 0;
}

/* UTF-16 without a BOM shows as zero bytes in every other position. Returns
 * 1 for LE, 2 for BE, 0 when the pattern is absent. */
static int
utf16_pattern (const guint8 *p, gsize len)
{
  gsize pairs = MIN (len / 2, 4096);
  if (pairs < 4)
    return 0;
  gsize zero_odd = 0, zero_even = 0;
  for (gsize i = 0; i < pairs; i++) {
    zero_even += p[2 * i] == 0;
    zero_odd += p[2 * i + 1] == 0;
  }
  if (zero_odd * 10 >= pairs * 6 && zero_even * 20 < pairs)
    return 1;
  if (zero_even * 10 >= pairs * 6 && zero_odd * 20 < pairs)
    return 2;
  return 0;
}

/* Share of UTF-16 code units that are NUL or C0 controls text never has,
 * in thousandths: binary data behind a stray BOM scores high. */
static guint
utf16_controls_permille (const guint8 *p, gsize len, gboolean big_endian)
{
  gsize n = len / 2, bad = 0;
  if (n == 0)
    return 0;
  for (gsize i = 0; i < n; i++) {
    guint16 u = big_endian ? (guint16) (p[2 * i] << 8 | p[2 * i + 1])
                           : (guint16) (p[2 * i + 1] << 8 | p[2 * i]);
    if (u < 0x20 && u != '\t' && u != '\n' && u != '\r' && u != '\f')
      bad++;
  }
  return (guint) (bad * 1000 / n);
}

/* Share of bytes that are C0 controls other than tab, LF, CR, FF, ESC-free
 * text never has; NUL counts heavily. In thousandths. */
static guint
control_permille (const guint8 *p, gsize len)
{
  if (len == 0)
    return 0;
  gsize bad = 0;
  for (gsize i = 0; i < len; i++) {
    guint8 c = p[i];
    if (c == 0)
      bad += 10;
    else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f')
      bad++;
    else if (c == 0x7f)
      bad++;
  }
  return (guint) MIN (1000, bad * 1000 / len);
}

/* Valid UTF-8 apart from a sequence cut at the end of the probe window. */
static gboolean
utf8_valid_head (const guint8 *p, gsize len, gboolean truncated)
{
  const char *end;
  if (g_utf8_validate_len ((const char *) p, len, &end))
    return TRUE;
  return truncated && (gsize) ((const guint8 *) end - p) + 4 > len;
}

static gboolean
big5_decodes (const guint8 *p, gsize len, gboolean truncated)
{
  gsize read = 0;
  GError *err = NULL;
  char *out = g_convert ((const char *) p, (gssize) len, "UTF-8", "CP950", &read, NULL, &err);
  gboolean ok = out != NULL || (truncated && err != NULL &&
                                g_error_matches (err, G_CONVERT_ERROR, G_CONVERT_ERROR_PARTIAL_INPUT));
  if (!ok && truncated && read + 2 > len)
    ok = TRUE;
  g_free (out);
  g_clear_error (&err);
  return ok;
}

/* Counts maximal invalid UTF-8 stretches. */
static gsize
count_invalid_utf8 (const char *p, gsize len)
{
  gsize bad = 0;
  const char *end = p + len;
  while (p < end) {
    const char *stop;
    if (g_utf8_validate_len (p, (gsize) (end - p), &stop))
      break;
    bad++;
    p = stop + 1;
  }
  return bad;
}

static int
txt_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  gboolean truncated = total > len;
  if (has_prefix (head, len, "\xEF\xBB\xBF", 3))
    return 60;
  if (has_prefix (head, len, "\xFF\xFE", 2) || has_prefix (head, len, "\xFE\xFF", 2))
    return utf16_controls_permille (head + 2, len - 2, head[0] == 0xFE) <= 5 ? 60 : 0;
  if (utf16_pattern (head, len) != 0)
    return 20;
  if (control_permille (head, len) > 5)
    return 0;
  if (utf8_valid_head (head, len, truncated))
    return 30;
  if (big5_decodes (head, len, truncated))
    return 25;
  /* UTF-8 with a few bad bytes: read() repairs and reports them at up to
   * one bad sequence per 100 bytes, so the probe must not refuse it. */
  if (count_invalid_utf8 ((const char *) head, len) * 100 <= len)
    return 10;
  return 0;
}

/* Decodes UTF-16, replacing unpaired surrogates with U+FFFD. */
static char *
utf16_to_utf8 (const guint8 *p, gsize len, gboolean big_endian, gsize *replaced)
{
  GString *out = g_string_sized_new (len * 3 / 2 + 1);
  gsize n = len / 2;
  *replaced = len % 2;
  for (gsize i = 0; i < n; i++) {
    guint16 u = big_endian ? (guint16) (p[2 * i] << 8 | p[2 * i + 1])
                           : (guint16) (p[2 * i + 1] << 8 | p[2 * i]);
    gunichar c = u;
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < n) {
      guint16 lo = big_endian ? (guint16) (p[2 * i + 2] << 8 | p[2 * i + 3])
                              : (guint16) (p[2 * i + 3] << 8 | p[2 * i + 2]);
      if (lo >= 0xDC00 && lo <= 0xDFFF) {
        c = 0x10000 + ((gunichar) (u - 0xD800) << 10) + (lo - 0xDC00);
        i++;
      } else {
        c = 0xFFFD;
        (*replaced)++;
      }
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      c = 0xFFFD;
      (*replaced)++;
    }
    g_string_append_unichar (out, c);
  }
  if (len % 2)
    g_string_append_unichar (out, 0xFFFD);
  return g_string_free (out, FALSE);
}

/* Turns the raw bytes into UTF-8 text. Returns NULL with @error when no
 * supported encoding fits. */
static char *
decode (const guint8 *p, gsize len, DnDocument *doc, GError **error)
{
  TxtEncoding enc;
  char *text = NULL;
  gsize replaced = 0;

  if (has_prefix (p, len, "\xEF\xBB\xBF", 3)) {
    enc = ENC_UTF8_BOM;
    p += 3;
    len -= 3;
  } else if (has_prefix (p, len, "\xFF\xFE", 2)) {
    enc = ENC_UTF16LE;
    text = utf16_to_utf8 (p + 2, len - 2, FALSE, &replaced);
  } else if (has_prefix (p, len, "\xFE\xFF", 2)) {
    enc = ENC_UTF16BE;
    text = utf16_to_utf8 (p + 2, len - 2, TRUE, &replaced);
  } else if (utf16_pattern (p, len) == 1 || utf16_pattern (p, len) == 2) {
    enc = utf16_pattern (p, len) == 1 ? ENC_UTF16LE : ENC_UTF16BE;
    text = utf16_to_utf8 (p, len, enc == ENC_UTF16BE, &replaced);
    dn_document_add_warning (doc, "ENCODING_GUESSED", 0,
                             "no byte-order mark; read as %s from the pattern of zero bytes",
                             enc_names[enc]);
  } else {
    enc = ENC_UTF8;
  }

  if (enc == ENC_UTF8 || enc == ENC_UTF8_BOM) {
    if (g_utf8_validate_len ((const char *) p, len, NULL)) {
      text = g_strndup ((const char *) p, len);
    } else if (enc == ENC_UTF8 &&
               (text = g_convert ((const char *) p, (gssize) len, "UTF-8", "CP950", NULL, NULL, NULL)) != NULL) {
      enc = ENC_BIG5;
    } else {
      replaced = count_invalid_utf8 ((const char *) p, len);
      /* A few bad bytes in a UTF-8 file are repaired and reported; more
       * than one bad sequence per 100 bytes means it is not UTF-8 at all,
       * and is refused rather than turned into replacement characters. */
      if (replaced * 100 > len) {
        g_set_error (error, DN_ERROR, DN_ERROR_ENCODING,
                     "not valid UTF-8, UTF-16 or Big5 text (%" G_GSIZE_FORMAT " invalid byte sequences)",
                     replaced);
        return NULL;
      }
      text = g_utf8_make_valid ((const char *) p, (gssize) len);
    }
  }
  if (replaced > 0)
    dn_document_add_warning (doc, "INVALID_BYTES", 0,
                             "%" G_GSIZE_FORMAT " invalid %s sequence(s) replaced with U+FFFD",
                             replaced, enc_names[enc]);
  dn_document_set_meta_string (doc, "encoding", enc_names[enc]);
  if (enc == ENC_BIG5)
    dn_document_add_warning (doc, "ENCODING_CONVERTED", 0, "read as Big5 (CP950) and converted to UTF-8");
  return text;
}

/* CRLF and lone CR become LF, in place. Returns the line-ending style. */
static const char *
normalise_line_ends (char *text)
{
  gboolean crlf = FALSE, cr = FALSE, lf = FALSE;
  char *w = text;
  for (const char *r = text; *r != '\0'; r++) {
    if (*r == '\r') {
      if (r[1] == '\n') {
        crlf = TRUE;
        r++;
      } else {
        cr = TRUE;
      }
      *w++ = '\n';
    } else {
      lf |= *r == '\n';
      *w++ = *r;
    }
  }
  *w = '\0';
  int kinds = crlf + cr + lf;
  if (kinds > 1)
    return "mixed";
  return crlf ? "crlf" : cr ? "cr" : "lf";
}

static gboolean
line_is_blank (const char *s, const char *end)
{
  for (; s < end; s++)
    if (*s != ' ' && *s != '\t' && *s != '\v')
      return FALSE;
  return TRUE;
}

/* Splits one page into paragraphs at blank lines. Returns FALSE when the
 * node limit is hit. */
static gboolean
read_page (DnNode *root, const char *page_text, int page, guint32 *nodes, guint32 max_nodes)
{
  const char *para_start = NULL, *para_end = NULL;
  const char *line = page_text;
  for (;;) {
    const char *nl = strchr (line, '\n');
    const char *line_end = nl != NULL ? nl : line + strlen (line);
    gboolean blank = line_is_blank (line, line_end);
    if (!blank) {
      if (para_start == NULL)
        para_start = line;
      para_end = line_end;
    }
    if ((blank || nl == NULL) && para_start != NULL) {
      DnNode *para = dn_node_append_new (root, DN_NODE_PARAGRAPH);
      dn_node_set_text_len (para, para_start, para_end - para_start);
      dn_node_hints (para)->page = page;
      para_start = NULL;
      if (max_nodes > 0 && ++*nodes > max_nodes)
        return FALSE;
    }
    if (nl == NULL)
      return TRUE;
    line = nl + 1;
  }
}

static gboolean
txt_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  char *text = decode (p, len, doc, error);
  if (text == NULL)
    return FALSE;
  dn_document_set_meta_string (doc, "line_endings", normalise_line_ends (text));

  /* Form feeds (pdftotext, printers' text) separate pages. */
  char **pages = g_strsplit (text, "\f", -1);
  g_free (text);
  guint n_pages = g_strv_length (pages);
  /* A trailing form feed closes the last page rather than opening one. */
  if (n_pages > 1 && *pages[n_pages - 1] == '\0')
    n_pages--;
  gboolean paged = n_pages > 1;
  guint32 nodes = 0;
  gboolean ok = TRUE;
  for (guint i = 0; i < n_pages && ok; i++)
    ok = read_page (dn_document_get_root (doc), pages[i], paged ? (int) i + 1 : 0, &nodes,
                    options->limits.max_nodes);
  g_strfreev (pages);
  if (!ok) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "more than %u paragraphs", options->limits.max_nodes);
    return FALSE;
  }
  if (paged)
    dn_document_set_pages (doc, (int) n_pages);
  return TRUE;
}

static const char *const txt_media_types[] = { "text/plain", NULL };
static const char *const txt_extensions[] = { "txt", "text", NULL };

static const DnReaderVTable txt_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = txt_probe,
  .read = txt_read,
};

static const DnPluginDesc txt_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "txt",
  .description = "Plain text: UTF-8, UTF-16 LE/BE, Big5 / CP950",
  .version = TXT_VERSION,
  .license = "MIT",
  .media_types = txt_media_types,
  .extensions = txt_extensions,
  .reader = &txt_reader,
};

DN_PLUGIN_REGISTER (txt, txt_desc)
