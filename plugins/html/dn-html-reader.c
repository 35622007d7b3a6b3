/* The HTML reader, on libxml2's HTML parser (tag soup is repaired the way
 * libxml2 repairs it; no network, no printing: a structured error handler
 * on the parser context collects parse errors into one warning).
 *
 * Faithful blocks: h1–h6 become headings with their outline level, p /
 * address paragraphs, pre raw text, ul / ol lists, table rows and cells with
 * their spans, img figures with alt text, figcaption / caption captions.
 * Inline b / strong / i / em / u / s / sup / sub / a href become spans on
 * the block's text. HTML collapses white space, so the reader does too (as
 * a browser would); <br> is a line break. <title>, <meta> and <html lang>
 * give the metadata. Scripts, styles and form controls are dropped. */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlerror.h>

#include "docnorm.h"

#define HTML_VERSION "1.0.0"
/* The walk recurses once per element level; past this it refuses whatever
 * the limits say, so a hostile file cannot exhaust the stack. */
#define HTML_HARD_MAX_DEPTH 4096

/* ---- probe ---- */

static gboolean
ascii_prefix_ci (const guint8 *p, gsize len, const char *word)
{
  gsize n = strlen (word);
  return len >= n && g_ascii_strncasecmp ((const char *) p, word, n) == 0;
}

/* Finds @word (lower case ASCII) in the first @len bytes, ignoring case. */
static gboolean
contains_ci (const guint8 *p, gsize len, const char *word)
{
  gsize n = strlen (word);
  for (gsize i = 0; i + n <= len; i++)
    if (p[i] == '<' && g_ascii_strncasecmp ((const char *) p + i, word, n) == 0)
      return TRUE;
  return FALSE;
}

static int
html_probe (const guint8 *head, gsize len, guint64 total, const char *file_name)
{
  const guint8 *p = head;
  gsize n = len;
  if (n >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0) {
    p += 3;
    n -= 3;
  }
  while (n > 0 && g_ascii_isspace (*p)) {
    p++;
    n--;
  }
  if (ascii_prefix_ci (p, n, "<!doctype html"))
    return 100;
  if (ascii_prefix_ci (p, n, "<html"))
    return 95;
  /* XHTML behind an XML declaration, or a page opening with a comment. */
  gsize window = MIN (n, 2048);
  if ((ascii_prefix_ci (p, n, "<?xml") || ascii_prefix_ci (p, n, "<!--")) &&
      (contains_ci (p, window, "<!doctype html") || contains_ci (p, window, "<html")))
    return 90;
  /* A fragment: only a strong tag near the start counts. */
  if (n > 0 && *p == '<' && (contains_ci (p, window, "<head") || contains_ci (p, window, "<body")))
    return 60;
  return 0;
}

/* ---- parse errors ---- */

typedef struct {
  guint count;
  char *first;       /* first error's message, "line N: …" */
  gboolean too_deep; /* libxml2 stopped at its own depth limit */
} HtmlErrors;

static void
collect_error (void *data, xmlErrorPtr err)
{
  HtmlErrors *errs = data;
  if (err == NULL || errs == NULL || err->level == XML_ERR_WARNING)
    return;
  /* libxml2 2.9 predates HTML5 and calls section, nav, figure … unknown;
   * it keeps them, so they are not a problem in the file. */
  if (err->code == XML_HTML_UNKNOWN_TAG)
    return;
  if (err->message != NULL && strstr (err->message, "Excessive depth") != NULL)
    errs->too_deep = TRUE;
  if (errs->count++ == 0 && err->message != NULL) {
    /* libxml2 quotes the input in some messages ("Comment not terminated
     * <!-- …"): make it valid UTF-8 and one line, as error messages are. */
    char *msg = g_utf8_make_valid (err->message, -1);
    g_strstrip (g_strdelimit (msg, "\r\n\t", ' '));
    errs->first = g_strdup_printf ("line %d: %s", err->line, msg);
    g_free (msg);
  }
}

/* ---- the walk ---- */

typedef struct {
  guint32 start, end, marks;
  char *href;
} PendingSpan;

/* Where text and blocks go while walking one element's children. */
typedef struct {
  DnNode *block_parent; /* blocks and extra paragraphs are appended here */
  DnNode *text_owner;   /* the first run of inline text becomes its text; may be NULL */
  DnNode *figure;       /* an open <figure> whose image is not known yet */
  GString *run;         /* inline text, white space collapsed */
  GArray *spans;        /* PendingSpan over run */
  guint flushes;        /* bumped on every flush: open spans restart at 0 */
} Ctx;

typedef struct {
  DnDocument *doc;
  const DnLimits *limits;
  guint64 nodes;
  guint max_depth;
  GError **error;
  gboolean failed;
} Reader;

static void
pending_span_clear (gpointer p)
{
  g_free (((PendingSpan *) p)->href);
}

static void
ctx_init (Ctx *c, DnNode *block_parent, DnNode *text_owner)
{
  memset (c, 0, sizeof *c);
  c->block_parent = block_parent;
  c->text_owner = text_owner;
  c->run = g_string_new (NULL);
  c->spans = g_array_new (FALSE, FALSE, sizeof (PendingSpan));
  g_array_set_clear_func (c->spans, pending_span_clear);
}

static void
ctx_clear (Ctx *c)
{
  g_string_free (c->run, TRUE);
  g_array_free (c->spans, TRUE);
}

static gboolean
fail_limit (Reader *r, const char *what, guint64 limit)
{
  if (!r->failed)
    g_set_error (r->error, DN_ERROR, DN_ERROR_LIMIT, "more than %" G_GUINT64_FORMAT " %s", limit, what);
  r->failed = TRUE;
  return FALSE;
}

/* A new node appended to @parent, counted against the node limit; NULL
 * (with the reader failed) past it. */
static DnNode *
new_node (Reader *r, DnNode *parent, DnNodeType type)
{
  if (r->limits->max_nodes > 0 && ++r->nodes > r->limits->max_nodes) {
    fail_limit (r, "nodes", r->limits->max_nodes);
    return NULL;
  }
  return dn_node_append_new (parent, type);
}

static gboolean
is_html_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* Appends text with HTML's white-space collapsing: a run of spaces becomes
 * one, none at the start of a block or after a line break. */
static void
run_append (GString *run, const char *s)
{
  for (; *s != '\0'; s++) {
    if (is_html_space (*s)) {
      if (run->len == 0 || run->str[run->len - 1] == ' ' || run->str[run->len - 1] == '\n')
        continue;
      g_string_append_c (run, ' ');
    } else {
      g_string_append_c (run, *s);
    }
  }
}

static void
run_trim_end (GString *run)
{
  while (run->len > 0 && (run->str[run->len - 1] == ' ' || run->str[run->len - 1] == '\n'))
    g_string_truncate (run, run->len - 1);
}

/* Moves the collected inline text into the text owner (first time) or a
 * new paragraph. */
static void
flush (Reader *r, Ctx *c)
{
  run_trim_end (c->run);
  if (c->run->len > 0 && !r->failed) {
    DnNode *target = c->text_owner;
    if (target == NULL || dn_node_get_text (target) != NULL || dn_node_first_child (target) != NULL)
      target = new_node (r, c->block_parent, DN_NODE_PARAGRAPH);
    if (target != NULL) {
      dn_node_set_text_len (target, c->run->str, (gssize) c->run->len);
      for (guint i = 0; i < c->spans->len; i++) {
        const PendingSpan *s = &g_array_index (c->spans, PendingSpan, i);
        guint32 end = MIN (s->end, (guint32) c->run->len);
        if (s->start < end)
          dn_node_add_span (target, s->start, end, s->marks, s->href);
      }
    }
  }
  g_string_truncate (c->run, 0);
  g_array_set_size (c->spans, 0);
  c->flushes++;
}

typedef enum {
  EL_INLINE = 0,   /* walk the children as inline text */
  EL_DROP,
  EL_BR,
  EL_IMG,
  EL_HEADING,
  EL_PARAGRAPH,
  EL_PRE,
  EL_LIST,
  EL_LIST_ITEM,
  EL_TABLE,
  EL_ROW,
  EL_CELL,
  EL_CAPTION,
  EL_FIGURE,
  EL_CONTAINER,    /* a block that only groups others: div, section, … */
  EL_BREAK_BLOCK,  /* hr: ends the paragraph, adds nothing */
} ElKind;

typedef struct {
  const char *name;
  ElKind kind;
  guint32 mark;
} ElInfo;

static const ElInfo elements[] = {
  { "a", EL_INLINE, DN_MARK_LINK }, /* a mark only when it has an href */
  { "b", EL_INLINE, DN_MARK_BOLD },
  { "strong", EL_INLINE, DN_MARK_BOLD },
  { "i", EL_INLINE, DN_MARK_ITALIC },
  { "em", EL_INLINE, DN_MARK_ITALIC },
  { "cite", EL_INLINE, DN_MARK_ITALIC },
  { "dfn", EL_INLINE, DN_MARK_ITALIC },
  { "var", EL_INLINE, DN_MARK_ITALIC },
  { "u", EL_INLINE, DN_MARK_UNDERLINE },
  { "ins", EL_INLINE, DN_MARK_UNDERLINE },
  { "s", EL_INLINE, DN_MARK_STRIKE },
  { "strike", EL_INLINE, DN_MARK_STRIKE },
  { "del", EL_INLINE, DN_MARK_STRIKE },
  { "sup", EL_INLINE, DN_MARK_SUPERSCRIPT },
  { "sub", EL_INLINE, DN_MARK_SUBSCRIPT },
  { "br", EL_BR, 0 },
  { "img", EL_IMG, 0 },
  { "h1", EL_HEADING, 1 }, { "h2", EL_HEADING, 2 }, { "h3", EL_HEADING, 3 },
  { "h4", EL_HEADING, 4 }, { "h5", EL_HEADING, 5 }, { "h6", EL_HEADING, 6 },
  { "p", EL_PARAGRAPH, 0 },
  { "address", EL_PARAGRAPH, 0 },
  { "summary", EL_PARAGRAPH, 0 },
  { "dt", EL_PARAGRAPH, 0 },
  { "dd", EL_PARAGRAPH, 0 },
  { "pre", EL_PRE, 0 },
  { "listing", EL_PRE, 0 },
  { "xmp", EL_PRE, 0 },
  { "ul", EL_LIST, 0 },
  { "ol", EL_LIST, 1 },
  { "menu", EL_LIST, 0 },
  { "dir", EL_LIST, 0 },
  { "li", EL_LIST_ITEM, 0 },
  { "table", EL_TABLE, 0 },
  { "tr", EL_ROW, 0 },
  { "td", EL_CELL, 0 },
  { "th", EL_CELL, 1 },
  { "caption", EL_CAPTION, 0 },
  { "figcaption", EL_CAPTION, 0 },
  { "figure", EL_FIGURE, 0 },
  { "html", EL_CONTAINER, 0 }, { "body", EL_CONTAINER, 0 }, { "div", EL_CONTAINER, 0 },
  { "section", EL_CONTAINER, 0 }, { "article", EL_CONTAINER, 0 }, { "main", EL_CONTAINER, 0 },
  { "header", EL_CONTAINER, 0 }, { "footer", EL_CONTAINER, 0 }, { "nav", EL_CONTAINER, 0 },
  { "aside", EL_CONTAINER, 0 }, { "blockquote", EL_CONTAINER, 0 }, { "center", EL_CONTAINER, 0 },
  { "form", EL_CONTAINER, 0 }, { "fieldset", EL_CONTAINER, 0 }, { "details", EL_CONTAINER, 0 },
  { "dl", EL_CONTAINER, 0 }, { "hgroup", EL_CONTAINER, 0 }, { "legend", EL_CONTAINER, 0 },
  { "thead", EL_CONTAINER, 0 }, { "tbody", EL_CONTAINER, 0 }, { "tfoot", EL_CONTAINER, 0 },
  { "hr", EL_BREAK_BLOCK, 0 },
  { "head", EL_DROP, 0 }, { "title", EL_DROP, 0 }, { "meta", EL_DROP, 0 }, { "link", EL_DROP, 0 },
  { "base", EL_DROP, 0 }, { "script", EL_DROP, 0 }, { "style", EL_DROP, 0 },
  { "noscript", EL_DROP, 0 }, { "template", EL_DROP, 0 }, { "iframe", EL_DROP, 0 },
  { "object", EL_DROP, 0 }, { "embed", EL_DROP, 0 }, { "svg", EL_DROP, 0 }, { "math", EL_DROP, 0 },
  { "canvas", EL_DROP, 0 }, { "video", EL_DROP, 0 }, { "audio", EL_DROP, 0 },
  { "source", EL_DROP, 0 }, { "track", EL_DROP, 0 }, { "map", EL_DROP, 0 },
  { "input", EL_DROP, 0 }, { "select", EL_DROP, 0 }, { "textarea", EL_DROP, 0 },
  { "button", EL_DROP, 0 }, { "colgroup", EL_DROP, 0 }, { "col", EL_DROP, 0 },
};

static const ElInfo *
element_info (const xmlNode *el)
{
  static const ElInfo inline_default = { NULL, EL_INLINE, 0 };
  for (guint i = 0; i < G_N_ELEMENTS (elements); i++)
    if (g_ascii_strcasecmp ((const char *) el->name, elements[i].name) == 0)
      return &elements[i];
  return &inline_default;
}

/* The attribute's value (newly allocated) or NULL. */
static char *
get_attr (const xmlNode *el, const char *name)
{
  return (char *) xmlGetProp (el, (const xmlChar *) name);
}

/* A positive integer attribute (span, width), or 0. */
static gint64
get_int_attr (const xmlNode *el, const char *name)
{
  char *v = get_attr (el, name);
  gint64 n = 0;
  if (v == NULL || !g_ascii_string_to_signed (g_strstrip (v), 10, 1, G_MAXINT32, &n, NULL))
    n = 0;
  xmlFree (v);
  return n;
}

static void walk_children (Reader *r, const xmlNode *el, Ctx *c, guint depth);
static void walk_block (Reader *r, const xmlNode *el, const ElInfo *info, DnNode *parent,
                        DnNode *figure, guint depth);

/* Walks @el's children into a fresh context over @parent / @owner. */
static void
walk_into (Reader *r, const xmlNode *el, DnNode *parent, DnNode *owner, DnNode *figure, guint depth)
{
  Ctx c;
  ctx_init (&c, parent, owner);
  c.figure = figure;
  walk_children (r, el, &c, depth);
  flush (r, &c);
  ctx_clear (&c);
}

/* An <img>: fills the open <figure>, or becomes a figure of its own. */
static void
add_image (Reader *r, const xmlNode *el, Ctx *c)
{
  DnNode *fig = c->figure;
  if (fig != NULL && dn_node_get_attr (fig, DN_ATTR_ALT) == NULL &&
      dn_node_get_attr (fig, DN_ATTR_IMAGE) == NULL && dn_node_get_attr (fig, DN_ATTR_MEDIA_TYPE) == NULL) {
    c->figure = NULL; /* a second image gets a figure of its own */
  } else {
    fig = new_node (r, c->block_parent, DN_NODE_FIGURE);
    if (fig == NULL)
      return;
  }
  char *src = get_attr (el, "src");
  if (src != NULL && g_str_has_prefix (src, "data:")) {
    /* Inline image data is not a name; keep only its type. */
    const char *type = src + 5;
    gsize n = strcspn (type, ";,");
    if (n > 0) {
      char *mt = g_strndup (type, n);
      dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, mt);
      g_free (mt);
    }
  } else if (src != NULL && *src != '\0') {
    dn_node_set_attr (fig, DN_ATTR_IMAGE, src);
  }
  xmlFree (src);
  char *alt = get_attr (el, "alt");
  if (alt != NULL) {
    GString *a = g_string_new (NULL);
    run_append (a, alt);
    run_trim_end (a);
    dn_node_set_attr (fig, DN_ATTR_ALT, a->str);
    g_string_free (a, TRUE);
  }
  xmlFree (alt);
  gint64 w = get_int_attr (el, "width"), h = get_int_attr (el, "height");
  if (w > 0)
    dn_node_set_attr_int (fig, DN_ATTR_WIDTH, w);
  if (h > 0)
    dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, h);
}

static void
walk_children (Reader *r, const xmlNode *el, Ctx *c, guint depth)
{
  if (depth > r->max_depth) {
    fail_limit (r, "levels of element nesting", r->max_depth);
    return;
  }
  for (const xmlNode *n = el->children; n != NULL && !r->failed; n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      if (n->content != NULL)
        run_append (c->run, (const char *) n->content);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue; /* comments, processing instructions */
    const ElInfo *info = element_info (n);
    switch (info->kind) {
    case EL_DROP:
      break;
    case EL_BR:
      while (c->run->len > 0 && c->run->str[c->run->len - 1] == ' ')
        g_string_truncate (c->run, c->run->len - 1);
      if (c->run->len > 0)
        g_string_append_c (c->run, '\n');
      break;
    case EL_IMG:
      flush (r, c);
      add_image (r, n, c);
      break;
    case EL_INLINE: {
      guint32 start = (guint32) c->run->len;
      guint flushes = c->flushes;
      char *href = info->mark == DN_MARK_LINK ? get_attr (n, "href") : NULL;
      walk_children (r, n, c, depth + 1);
      guint32 marks = info->mark == DN_MARK_LINK && href == NULL ? 0 : info->mark;
      if (flushes != c->flushes)
        start = 0; /* a block inside split the run: the mark covers the new run */
      if (marks != 0 && start < c->run->len) {
        PendingSpan s = { start, (guint32) c->run->len, marks, href != NULL ? g_strdup (href) : NULL };
        g_array_append_val (c->spans, s);
      }
      xmlFree (href);
      break;
    }
    case EL_BREAK_BLOCK:
      flush (r, c);
      break;
    default:
      /* A block inside inline text (or after it) ends the paragraph. */
      flush (r, c);
      walk_block (r, n, info, c->block_parent, c->figure, depth + 1);
      break;
    }
  }
}

/* Marks a row as a header row when every cell is a <th> or it sits in a
 * <thead>. */
static void
walk_row (Reader *r, const xmlNode *el, DnNode *row, guint depth)
{
  guint th = 0, td = 0;
  for (const xmlNode *n = el->children; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE) {
      const ElInfo *info = element_info (n);
      if (info->kind == EL_CELL && info->mark)
        th++;
      else if (info->kind == EL_CELL)
        td++;
    }
  gboolean in_thead = el->parent != NULL && el->parent->name != NULL &&
                      g_ascii_strcasecmp ((const char *) el->parent->name, "thead") == 0;
  if ((th > 0 && td == 0) || in_thead)
    dn_node_hints (row)->flags |= DN_HINT_HEADER_ROW;
  walk_into (r, el, row, NULL, NULL, depth);
}

static void
walk_block (Reader *r, const xmlNode *el, const ElInfo *info, DnNode *parent, DnNode *figure,
            guint depth)
{
  DnNode *n;
  switch (info->kind) {
  case EL_HEADING:
  case EL_PARAGRAPH:
  case EL_CAPTION:
    n = new_node (r, parent, info->kind == EL_HEADING ? DN_NODE_HEADING
                             : info->kind == EL_CAPTION ? DN_NODE_CAPTION : DN_NODE_PARAGRAPH);
    if (n == NULL)
      return;
    dn_node_set_attr (n, DN_ATTR_STYLE, (const char *) el->name);
    if (info->kind == EL_HEADING)
      dn_node_hints (n)->outline_level = (int) info->mark;
    walk_into (r, el, parent, n, figure, depth);
    /* An empty <p></p> (or one holding only an image) leaves no block. */
    if (dn_node_get_text (n) == NULL && dn_node_first_child (n) == NULL)
      dn_node_free (n);
    return;
  case EL_PRE: {
    n = new_node (r, parent, DN_NODE_RAW_TEXT);
    if (n == NULL)
      return;
    dn_node_set_attr (n, DN_ATTR_STYLE, (const char *) el->name);
    xmlChar *text = xmlNodeGetContent (el);
    const char *t = (const char *) text;
    /* HTML drops one newline right after <pre>. */
    if (t != NULL && t[0] == '\r' && t[1] == '\n')
      t += 2;
    else if (t != NULL && t[0] == '\n')
      t++;
    if (t != NULL && *t != '\0')
      dn_node_set_text (n, t);
    xmlFree (text);
    return;
  }
  case EL_LIST:
    n = new_node (r, parent, DN_NODE_LIST);
    if (n == NULL)
      return;
    dn_node_set_attr (n, DN_ATTR_ORDERED, info->mark ? "true" : "false");
    walk_into (r, el, n, NULL, NULL, depth);
    return;
  case EL_LIST_ITEM:
    n = new_node (r, parent, DN_NODE_LIST_ITEM);
    if (n != NULL)
      walk_into (r, el, n, n, NULL, depth);
    return;
  case EL_TABLE:
    n = new_node (r, parent, DN_NODE_TABLE);
    if (n != NULL)
      walk_into (r, el, n, NULL, NULL, depth);
    return;
  case EL_ROW:
    n = new_node (r, parent, DN_NODE_TABLE_ROW);
    if (n != NULL)
      walk_row (r, el, n, depth);
    return;
  case EL_CELL: {
    n = new_node (r, parent, DN_NODE_TABLE_CELL);
    if (n == NULL)
      return;
    gint64 rs = get_int_attr (el, "rowspan"), cs = get_int_attr (el, "colspan");
    if (rs > 1)
      dn_node_set_attr_int (n, DN_ATTR_ROW_SPAN, rs);
    if (cs > 1)
      dn_node_set_attr_int (n, DN_ATTR_COL_SPAN, cs);
    dn_node_set_attr (n, DN_ATTR_STYLE, (const char *) el->name);
    walk_into (r, el, n, n, NULL, depth);
    return;
  }
  case EL_FIGURE:
    n = new_node (r, parent, DN_NODE_FIGURE);
    if (n != NULL)
      walk_into (r, el, n, NULL, n, depth);
    return;
  case EL_CONTAINER:
  default:
    walk_into (r, el, parent, NULL, figure, depth);
    return;
  }
}

/* ---- metadata ---- */

static void
set_meta_collapsed (DnDocument *doc, const char *key, const char *value)
{
  if (value == NULL)
    return;
  GString *s = g_string_new (NULL);
  run_append (s, value);
  run_trim_end (s);
  if (s->len > 0 && g_utf8_validate_len (s->str, s->len, NULL))
    dn_document_set_meta_string (doc, key, s->str);
  g_string_free (s, TRUE);
}

static void
read_head (DnDocument *doc, const xmlNode *head)
{
  for (const xmlNode *n = head->children; n != NULL; n = n->next) {
    if (n->type != XML_ELEMENT_NODE)
      continue;
    if (g_ascii_strcasecmp ((const char *) n->name, "title") == 0 &&
        dn_document_get_meta_string (doc, "title") == NULL) {
      xmlChar *t = xmlNodeGetContent (n);
      set_meta_collapsed (doc, "title", (const char *) t);
      xmlFree (t);
    } else if (g_ascii_strcasecmp ((const char *) n->name, "meta") == 0) {
      char *name = get_attr (n, "name"), *content = get_attr (n, "content");
      static const char *const keys[][2] = {
        { "author", "author" }, { "description", "description" }, { "keywords", "keywords" },
        { "generator", "creator" }, { "subject", "subject" },
      };
      for (guint i = 0; name != NULL && i < G_N_ELEMENTS (keys); i++)
        if (g_ascii_strcasecmp (name, keys[i][0]) == 0)
          set_meta_collapsed (doc, keys[i][1], content);
      xmlFree (name);
      xmlFree (content);
    }
  }
}

/* ---- read ---- */

static const xmlNode *
child_element (const xmlNode *parent, const char *name)
{
  for (const xmlNode *n = parent != NULL ? parent->children : NULL; n != NULL; n = n->next)
    if (n->type == XML_ELEMENT_NODE && g_ascii_strcasecmp ((const char *) n->name, name) == 0)
      return n;
  return NULL;
}

static gboolean
html_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  gsize len;
  const char *bytes = g_bytes_get_data (data, &len);
  if (len > G_MAXINT) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "HTML input over 2 GiB");
    return FALSE;
  }
  /* Without a declared charset libxml2 2.9 falls back to Latin-1; text
   * that is valid UTF-8 is read as UTF-8, whatever a stale <meta> says. */
  const char *encoding = g_utf8_validate_len (bytes, len, NULL) ? "UTF-8" : NULL;

  htmlParserCtxtPtr ctxt = htmlNewParserCtxt ();
  if (ctxt == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "cannot create an HTML parser");
    return FALSE;
  }
  /* libxml2 2.9's HTML parser context keeps SAX1 handlers, which ignore a
   * per-context structured handler; the thread's handler is set for the
   * parse and put back after. */
  HtmlErrors errs = { 0 };
  xmlStructuredErrorFunc saved_handler = xmlStructuredError;
  void *saved_data = xmlStructuredErrorContext;
  xmlSetStructuredErrorFunc (&errs, collect_error);
  htmlDocPtr hdoc = htmlCtxtReadMemory (ctxt, bytes, (int) len, NULL, encoding,
                                        HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                                        HTML_PARSE_COMPACT | HTML_PARSE_RECOVER);
  htmlFreeParserCtxt (ctxt);
  xmlSetStructuredErrorFunc (saved_data, saved_handler);
  if (errs.too_deep) {
    g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "HTML nested too deeply");
    g_free (errs.first);
    xmlFreeDoc (hdoc);
    return FALSE;
  }
  if (hdoc == NULL || xmlDocGetRootElement (hdoc) == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "not readable as HTML%s%s",
                 errs.first != NULL ? ": " : "", errs.first != NULL ? errs.first : "");
    g_free (errs.first);
    xmlFreeDoc (hdoc);
    return FALSE;
  }

  const xmlNode *root = xmlDocGetRootElement (hdoc);
  char *lang = get_attr (root, "lang");
  if (lang != NULL)
    set_meta_collapsed (doc, "language", lang);
  xmlFree (lang);
  const xmlNode *head = child_element (root, "head");
  if (head != NULL)
    read_head (doc, head);
  if (hdoc->encoding != NULL)
    dn_document_set_meta_string (doc, "encoding", (const char *) hdoc->encoding);

  guint limit_depth = options->limits.max_xml_depth > 0 ? options->limits.max_xml_depth : 256;
  Reader r = {
    .doc = doc,
    .limits = &options->limits,
    .max_depth = MIN (limit_depth, HTML_HARD_MAX_DEPTH),
    .error = error,
  };
  const xmlNode *body = child_element (root, "body");
  const ElInfo *container = element_info (root);
  walk_block (&r, body != NULL ? body : root, container, dn_document_get_root (doc), NULL, 1);
  xmlFreeDoc (hdoc);
  if (r.failed) {
    g_free (errs.first);
    return FALSE;
  }
  if (errs.count > 0)
    dn_document_add_warning (doc, "HTML_PARSE_ERRORS", 0,
                             "%u HTML syntax error(s) repaired by the parser; first: %s", errs.count,
                             errs.first != NULL ? errs.first : "(no message)");
  g_free (errs.first);
  return TRUE;
}

static const char *const html_media_types[] = { "text/html", "application/xhtml+xml", NULL };
static const char *const html_extensions[] = { "html", "htm", "xhtml", NULL };

static const DnReaderVTable html_reader = {
  .struct_size = sizeof (DnReaderVTable),
  .probe = html_probe,
  .read = html_read,
};

static const DnPluginDesc html_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "html",
  .description = "HTML pages (libxml2's HTML parser)",
  .version = HTML_VERSION,
  .media_types = html_media_types,
  .extensions = html_extensions,
  .reader = &html_reader,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (html, html_desc)
