/* Shared harness code: contract checks and the fuzz-driven tree builder. */
#include "dn-fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/dn-analyse.h"

void
dn_fuzz_fail (const char *what, ...)
{
  va_list ap;
  va_start (ap, what);
  fputs ("dn-fuzz: ", stderr);
  vfprintf (stderr, what, ap);
  fputc ('\n', stderr);
  va_end (ap);
  abort ();
}

/* GLib criticals and warnings (a g_return_if_fail tripped, a json-glib
 * complaint) are bugs: make them crashes the fuzzer records. */
static void
log_fatal (const char *domain, GLogLevelFlags level, const char *message, gpointer data)
{
  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    dn_fuzz_fail ("GLib %s: %s", domain != NULL ? domain : "(none)", message);
}

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  g_log_set_default_handler (log_fatal, NULL);
  return 0;
}

void
dn_fuzz_read_options (DnReadOptions *options)
{
  dn_read_options_init (options);
  options->limits.max_entry_bytes = 16u * 1024 * 1024;
  options->limits.max_total_bytes = 64u * 1024 * 1024;
  options->limits.max_pages = 50;
  options->limits.max_nodes = 100000;
}

void
dn_fuzz_check_error (GError *error, const char *who)
{
  if (error == NULL)
    dn_fuzz_fail ("%s failed without a GError", who);
  if (error->domain != DN_ERROR)
    dn_fuzz_fail ("%s: error outside DN_ERROR (%s %d): %s", who,
                  g_quark_to_string (error->domain), error->code, error->message);
  if (error->code < DN_ERROR_FAILED || error->code > DN_ERROR_NO_TEXT)
    dn_fuzz_fail ("%s: unknown DN_ERROR code %d", who, error->code);
  if (error->message == NULL || error->message[0] == '\0' ||
      !g_utf8_validate (error->message, -1, NULL) || strchr (error->message, '\n') != NULL)
    dn_fuzz_fail ("%s: error message empty, multi-line or not UTF-8", who);
  g_error_free (error);
}

void
dn_fuzz_check_document (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  if (dn_node_get_node_type (root) != DN_NODE_DOCUMENT || dn_node_parent (root) != NULL)
    dn_fuzz_fail ("root is not a parentless document node");
  DnIter it;
  dn_iter_init (&it, root);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER)
      continue;
    DnNode *n = it.current;
    if ((guint) dn_node_get_node_type (n) >= DN_NODE_TYPE_COUNT)
      dn_fuzz_fail ("node type %d out of range", dn_node_get_node_type (n));
    for (DnNode *c = dn_node_first_child (n); c != NULL; c = dn_node_next (c)) {
      if (dn_node_parent (c) != n)
        dn_fuzz_fail ("child's parent link is wrong");
      if (dn_node_next (c) != NULL && dn_node_previous (dn_node_next (c)) != c)
        dn_fuzz_fail ("sibling links disagree");
      if (dn_node_next (c) == NULL && dn_node_last_child (n) != c)
        dn_fuzz_fail ("last child link is wrong");
    }
    const char *text = dn_node_get_text (n);
    gsize len = dn_node_get_text_length (n);
    if (text != NULL && (strlen (text) != len || !g_utf8_validate_len (text, len, NULL)))
      dn_fuzz_fail ("%s node text is not valid UTF-8 of its length", dn_node_type_name (dn_node_get_node_type (n)));
    for (guint i = 0; i < dn_node_get_n_spans (n); i++) {
      const DnSpan *s = dn_node_get_span (n, i);
      if (s->start > s->end || s->end > len)
        dn_fuzz_fail ("span %u..%u outside text of %" G_GSIZE_FORMAT " bytes", s->start, s->end, len);
    }
    for (guint i = 0; i < dn_node_get_n_attrs (n); i++) {
      const char *k, *v;
      dn_node_get_attr_at (n, i, &k, &v);
      if (!g_utf8_validate (k, -1, NULL) || (v != NULL && !g_utf8_validate (v, -1, NULL)))
        dn_fuzz_fail ("attribute not valid UTF-8");
    }
  }
  for (guint i = 0; i < dn_document_get_n_warnings (doc); i++) {
    DnWarningInfo w;
    dn_document_get_warning (doc, i, &w);
    if (w.code == NULL || w.message == NULL || !g_utf8_validate (w.message, -1, NULL) || w.page < 0)
      dn_fuzz_fail ("bad warning");
    for (const char *c = w.code; *c != '\0'; c++)
      if (!g_ascii_isupper (*c) && !g_ascii_isdigit (*c) && *c != '_')
        dn_fuzz_fail ("warning code '%s' is not UPPER_SNAKE", w.code);
  }
  if (dn_document_get_n_warnings (doc) > DN_MAX_WARNINGS + 1)
    dn_fuzz_fail ("more than DN_MAX_WARNINGS warnings");
}

void
dn_fuzz_check_record (const DnDocument *doc)
{
  DnWriteOptions wopts;
  dn_write_options_init (&wopts);
  for (int hints = 0; hints < 2; hints++) {
    wopts.with_hints = hints;
    GError *error = NULL;
    JsonNode *rec = dn_record_build (doc, &wopts, &error);
    if (rec == NULL)
      dn_fuzz_check_error (error, "dn_record_build");
    else
      json_node_unref (rec);
  }
}

void
dn_fuzz_run_reader (const DnPluginDesc *reader, const uint8_t *data, size_t size)
{
  int score = reader->reader->probe (data, MIN (size, DN_PROBE_BYTES), size, NULL);
  if (score < 0 || score > 100)
    dn_fuzz_fail ("probe score %d outside 0..100", score);
  DnReadOptions opts;
  dn_fuzz_read_options (&opts);
  GBytes *bytes = g_bytes_new_static (data, size);
  DnDocument *doc = dn_document_new ();
  GError *error = NULL;
  if (reader->reader->read (bytes, &opts, doc, &error)) {
    if (error != NULL)
      dn_fuzz_fail ("reader succeeded with an error set: %s", error->message);
    dn_fuzz_check_document (doc);
    dn_fuzz_check_record (doc);
    dn_analyse_document (doc);
    dn_fuzz_check_document (doc);
    dn_fuzz_check_record (doc);
  } else {
    dn_fuzz_check_error (error, reader->name);
  }
  dn_document_free (doc);
  g_bytes_unref (bytes);
}

/* ---- the tree builder ---- */

typedef struct {
  const uint8_t *p;
  size_t len, pos;
} FuzzInput;

static guint8
take_byte (FuzzInput *in)
{
  return in->pos < in->len ? in->p[in->pos++] : 0;
}

static guint16
take_u16 (FuzzInput *in)
{
  guint16 hi = take_byte (in);
  return (guint16) (hi << 8 | take_byte (in));
}

/* Up to @max bytes of the input, borrowed; *got receives the count. */
static const char *
take_bytes (FuzzInput *in, size_t max, size_t *got)
{
  size_t n = MIN (max, in->len - in->pos);
  const char *s = (const char *) in->p + in->pos;
  in->pos += n;
  *got = n;
  return s;
}

/* Snippets that steer analysis into its interesting paths: numbering
 * markers of every family, the report's field labels, page furniture,
 * full-width punctuation, wrapped lines. */
static const char *const snippets[] = {
  "壹、", "貳、", "參、", "肆、", "一、", "二、", "十一、", "（一）", "(二)", "（十）",
  "1.", "2.", "10.", "1、", "(1)", "（2）", "A.", "B.", "a)", "①", "②", "⑩", "甲、", "第一章", "第二節",
  "出國報告", "出國報告（出國類別：考察）", "摘要", "目次", "目錄", "目的", "過程", "心得", "建議",
  "附錄", "計畫名稱：", "出國人員：", "服務機關：", "職稱：", "姓名：", "出國地區：", "出國期間：",
  "報告日期：", "民國112年3月5日至3月12日", "2023年3月5日", "113 年 10 月", "頁碼", "第 1 頁",
  "- 2 -", "3", "i", "ii", "……………… 5", "........ 12", "\n", "\n\n", " ", "\t", "，", "。", "：",
  "（", "）", "、", "「", "」", "hyphen-\nated", "word\nwrap", "中文\n換行", "\xe3\x80\x80", "\f",
  "Table 1", "表1", "圖 2", "註：", "資料來源：", "https://example.org/", "\xef\xbc\x8e",
};

static const char *const meta_keys[] = {
  "title", "author", "subject", "keywords", "creator", "producer", "created", "modified",
  "language", "encoding", "line_endings", "pages", "x-unknown",
};

static void
set_text (FuzzInput *in, DnNode *node, gboolean append)
{
  guint8 how = take_byte (in);
  size_t n;
  const char *s;
  if (how & 1) {
    s = snippets[take_byte (in) % G_N_ELEMENTS (snippets)];
    n = strlen (s);
  } else {
    s = take_bytes (in, how >> 1, &n);
  }
  if (append)
    dn_node_append_text (node, s, (gssize) n);
  else
    dn_node_set_text_len (node, s, (gssize) n);
}

static void
set_hints (FuzzInput *in, DnNode *node)
{
  DnHints *h = dn_node_hints (node);
  guint8 which = take_byte (in);
  if (which & 0x01)
    h->page = take_byte (in);
  if (which & 0x02)
    h->outline_level = take_byte (in) % 10;
  if (which & 0x04)
    h->font_size = take_u16 (in) / 256.0;
  if (which & 0x08)
    h->bold = (gint8) (take_byte (in) % 3) - 1, h->italic = (gint8) (take_byte (in) % 3) - 1;
  if (which & 0x10)
    h->align = (DnAlign) (take_byte (in) % 5);
  if (which & 0x20)
    h->indent = (gint16) take_u16 (in) / 16.0;
  if (which & 0x40) {
    h->has_bbox = TRUE;
    h->x0 = take_u16 (in) / 64.0;
    h->y0 = take_u16 (in) / 64.0;
    h->x1 = h->x0 + take_u16 (in) / 64.0;
    h->y1 = h->y0 + take_u16 (in) / 64.0;
  }
  if (which & 0x80)
    h->flags = take_byte (in) & 0x1f;
}

static void
set_attr (FuzzInput *in, DnNode *node)
{
  guint n_vocab;
  const DnVocabAttr *vocab = dn_vocab_node_attrs (&n_vocab);
  guint8 k = take_byte (in);
  const char *key = k < n_vocab ? vocab[k].name : (k & 1) ? "x-extra" : vocab[k % n_vocab].name;
  guint8 how = take_byte (in);
  if (how % 4 == 0) {
    dn_node_set_attr_int (node, key, (gint16) take_u16 (in));
  } else if (how % 4 == 1) {
    dn_node_set_attr (node, key, NULL);
  } else {
    size_t n;
    const char *s = take_bytes (in, how >> 2, &n);
    char *v = g_utf8_make_valid (s, (gssize) n);
    dn_node_set_attr (node, key, v);
    g_free (v);
  }
}

/* A span on character boundaries inside the node's text. */
static void
add_span (FuzzInput *in, DnNode *node)
{
  const char *text = dn_node_get_text (node);
  if (text == NULL)
    return;
  glong chars = g_utf8_strlen (text, (gssize) dn_node_get_text_length (node));
  glong a = chars > 0 ? take_byte (in) % (chars + 1) : 0;
  glong b = chars > 0 ? take_byte (in) % (chars + 1) : 0;
  if (a > b) {
    glong t = a;
    a = b;
    b = t;
  }
  guint32 marks = take_byte (in);
  guint32 start = (guint32) (g_utf8_offset_to_pointer (text, a) - text);
  guint32 end = (guint32) (g_utf8_offset_to_pointer (text, b) - text);
  const char *href = (marks & (DN_MARK_LINK | DN_MARK_NOTE_REF)) ? "https://example.org/#n1" : NULL;
  dn_node_add_span (node, start, end, marks, href);
}

static void
add_doc_info (FuzzInput *in, DnDocument *doc)
{
  guint8 what = take_byte (in);
  size_t n;
  const char *s = take_bytes (in, take_byte (in) % 64, &n);
  char *v = g_utf8_make_valid (s, (gssize) n);
  switch (what % 4) {
  case 0:
    dn_document_add_warning (doc, (what & 4) ? "FUZZ_WARNING" : "OTHER_WARNING", what >> 3, "%s", v);
    break;
  case 1:
    dn_document_set_meta_string (doc, meta_keys[(what >> 2) % G_N_ELEMENTS (meta_keys)], v);
    break;
  case 2:
    dn_document_set_meta_int (doc, meta_keys[(what >> 2) % G_N_ELEMENTS (meta_keys)], (gint64) n - 32);
    break;
  default:
    dn_document_set_pages (doc, what >> 2);
    break;
  }
  g_free (v);
}

#define MAX_OPS 20000
#define MAX_NODES 120000

DnDocument *
dn_fuzz_build_document (const uint8_t *data, size_t size, guint deep_chain)
{
  FuzzInput in = { data, size, 0 };
  DnDocument *doc = dn_document_new ();
  DnNode *root = dn_document_get_root (doc);
  DnNode *cur = root;
  guint nodes = 0;
  dn_document_set_source (doc, "fuzz.bin", "txt", "text/plain", (gint64) size,
                          "0000000000000000000000000000000000000000000000000000000000000000",
                          "fuzz", "0");
  for (guint ops = 0; in.pos < in.len && ops < MAX_OPS && nodes < MAX_NODES; ops++) {
    guint8 op = take_byte (&in);
    DnNodeType type = (DnNodeType) (1 + take_byte (&in) % (DN_NODE_TYPE_COUNT - 1));
    switch (op % 12) {
    case 0:
    case 1: /* a child, and go into it */
      cur = dn_node_append_new (cur, type);
      nodes++;
      break;
    case 2: { /* a leaf with text */
      DnNode *leaf = dn_node_append_new (cur, type);
      nodes++;
      set_text (&in, leaf, FALSE);
      break;
    }
    case 3: /* go up */
      for (guint8 up = (op >> 4) + 1; up > 0 && cur != root; up--)
        cur = dn_node_parent (cur);
      break;
    case 4:
    case 5:
      if (cur != root)
        set_text (&in, cur, op % 12 == 5);
      break;
    case 6:
      set_hints (&in, cur);
      break;
    case 7:
      if (cur != root)
        set_attr (&in, cur);
      break;
    case 8:
      add_span (&in, cur);
      break;
    case 9:
      add_doc_info (&in, doc);
      break;
    case 10: { /* a chain of nested nodes; 0xFF makes one @deep_chain deep,
                * far beyond any real document (kept rare: it costs time) */
      guint8 d = take_byte (&in);
      guint depth = d == 0xFF ? deep_chain : d;
      for (guint i = 0; i < depth && nodes < MAX_NODES; i++, nodes++)
        cur = dn_node_append_new (cur, type);
      break;
    }
    default: /* a sibling of the current node, and go into it */
      if (cur != root) {
        DnNode *sib = dn_node_new (type);
        dn_node_insert_after (cur, sib);
        cur = sib;
        nodes++;
      }
      break;
    }
  }
  return doc;
}
