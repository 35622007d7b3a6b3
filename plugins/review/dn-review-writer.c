/* The review writer: one self-contained HTML page per record, for the person
 * who checks a conversion. Warnings come first and stand out, each linked to
 * its page's first block in the body or to the report field it is about;
 * then the report fields as a form with the cover's Chinese labels, the
 * format's metadata and the source as tables; the section outline (linked to
 * the body); and the body itself, rendered readably with page numbers,
 * furniture and comments marked as such.
 *
 * The page serialises core's record (dn_record_build()), like every writer,
 * so it shows exactly what the JSON and XML carry. It needs nothing outside
 * itself: CSS is inline, there is no script, images are shown as labelled
 * placeholders rather than fetched (pictures of PDF pages, when the reader
 * made them, are embedded as data: URIs beside their page's text), and
 * links to anything but http(s), mailto and in-page anchors are shown as
 * text. All text is escaped with g_markup_escape_text(). The body's depth is
 * bounded by DN_RECORD_MAX_DEPTH, so rendering it recursively is safe. */
#include <string.h>

#include "docnorm.h"

#define REVIEW_WRITER_VERSION "1.0.0"

static const char review_css[] =
  "body{font-family:system-ui,'Noto Sans CJK TC','PingFang TC','Microsoft JhengHei',sans-serif;"
  "margin:0 auto;max-width:60rem;padding:1rem 1.5rem;line-height:1.55;color:#1b1b1b;background:#fff}"
  "h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}"
  "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem;"
  "vertical-align:top;text-align:left}th{background:#f0f0f0}"
  "table.kv th{width:12rem;white-space:nowrap}"
  ".src{color:#555;font-size:.9rem}"
  "#warnings{border:2px solid #c62828;background:#fdecea;padding:.5rem 1rem;border-radius:4px}"
  "#warnings.none{border-color:#2e7d32;background:#edf7ed}"
  "#warnings h2{border:0;margin-top:.3rem;color:#b71c1c}#warnings.none h2{color:#1b5e20}"
  "#warnings code{font-weight:bold;background:#fff;padding:0 .3rem;border-radius:3px}"
  ".page{color:#777;font-size:.8rem;margin-left:.4rem}"
  ".null{color:#999}.badlink{text-decoration:underline dotted #c62828}"
  "#outline ol{padding-left:1.5rem;margin:.2rem 0}"
  ".body section{border-left:3px solid #e3e3e3;padding-left:.8rem;margin:.6rem 0}"
  ".body .label{color:#555;margin-right:.3rem}"
  ".furniture{color:#888;font-size:.85rem;border:1px dashed #ccc;padding:.1rem .4rem}"
  ".comment{background:#fff8e1;border-left:4px solid #f9a825;padding:.3rem .6rem}"
  ".footnote{font-size:.9rem;border-top:1px solid #ddd}"
  ".figure{border:1px solid #bbb;background:#fafafa;padding:.5rem;display:inline-block;min-width:10rem}"
  ".figure .img{color:#555;font-style:italic}"
  ".toc{background:#f6f6f6;padding:.3rem .8rem}"
  "pre{background:#f4f4f4;padding:.5rem;overflow-x:auto;white-space:pre-wrap}"
  ".body p,.body div{margin:.45rem 0}.body li.labelled{list-style:none}"
  ".kind{color:#999;font-size:.75rem;text-transform:uppercase;margin-right:.4rem}"
  "table.form th .zh{font-size:1rem}table.form th .key{display:block;color:#777;font-weight:normal;"
  "font-family:monospace;font-size:.75rem}"
  ".missing{color:#b71c1c;font-weight:bold;background:#fdecea;padding:0 .3rem}"
  ".iso{font-family:monospace}.raw{color:#555}"
  "#warnings a{color:#0d47a1}"
  ".sev{font-size:.7rem;text-transform:uppercase;border-radius:3px;padding:0 .3rem;margin-right:.3rem;color:#fff}"
  ".sev-warning{background:#c62828}.sev-notice{background:#ef6c00}.sev-info{background:#607d8b}"
  "#warnings details summary{cursor:pointer;color:#555}"
  ".page-pic{float:right;clear:right;width:45%;margin:0 0 .6rem 1rem;font-size:.85rem}"
  ".page-pic summary{cursor:pointer;color:#0d47a1}"
  ".page-pic img{width:100%;height:auto;border:1px solid #bbb;box-shadow:0 1px 3px #ccc}";

/* ---- escaping ---- */

static void
append_escaped (GString *out, const char *text)
{
  if (text == NULL)
    return;
  char *e = g_markup_escape_text (text, -1);
  g_string_append (out, e);
  g_free (e);
}

/* Text with line breaks kept as <br>. */
static void
append_escaped_lines (GString *out, const char *text)
{
  char **lines = g_strsplit (text, "\n", -1);
  for (char **l = lines; *l != NULL; l++) {
    if (l != lines)
      g_string_append (out, "<br>");
    append_escaped (out, *l);
  }
  g_strfreev (lines);
}

/* Links the page may follow: the web, mail, and its own anchors. */
static gboolean
safe_href (const char *href)
{
  return href != NULL && (g_str_has_prefix (href, "http://") || g_str_has_prefix (href, "https://") ||
                          g_str_has_prefix (href, "mailto:") || href[0] == '#');
}

/* ---- JSON helpers ---- */

static const char *
str_member (JsonObject *o, const char *name)
{
  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                   : NULL;
}

static gint64
int_member (JsonObject *o, const char *name, gint64 fallback)
{
  if (o == NULL || !json_object_has_member (o, name))
    return fallback;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n)
                                                                                  : fallback;
}

static JsonArray *
array_member (JsonObject *o, const char *name)
{
  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}

static void append_value (GString *out, JsonNode *v, guint depth);

/* A scalar as text; TRUE when @v was a scalar. */
static gboolean
append_scalar (GString *out, JsonNode *v)
{
  if (v == NULL || JSON_NODE_HOLDS_NULL (v)) {
    g_string_append (out, "<span class=\"null\">—</span>");
    return TRUE;
  }
  if (!JSON_NODE_HOLDS_VALUE (v))
    return FALSE;
  GType t = json_node_get_value_type (v);
  if (t == G_TYPE_STRING)
    append_escaped_lines (out, json_node_get_string (v));
  else if (t == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (v));
  else if (t == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (v) ? "yes" : "no");
  else if (t == G_TYPE_DOUBLE) {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append (out, g_ascii_dtostr (buf, sizeof buf, json_node_get_double (v)));
  }
  return TRUE;
}

/* An object as a two-column table, members in record order. */
static void
append_object_table (GString *out, JsonObject *o, guint depth)
{
  g_string_append (out, "<table class=\"kv\">");
  GList *names = json_object_get_members (o);
  for (GList *l = names; l != NULL; l = l->next) {
    g_string_append (out, "<tr><th>");
    append_escaped (out, l->data);
    g_string_append (out, "</th><td>");
    append_value (out, json_object_get_member (o, l->data), depth + 1);
    g_string_append (out, "</td></tr>");
  }
  g_list_free (names);
  g_string_append (out, "</table>");
}

static void
append_value (GString *out, JsonNode *v, guint depth)
{
  if (append_scalar (out, v))
    return;
  if (depth > 16) {
    g_string_append (out, "…");
    return;
  }
  if (JSON_NODE_HOLDS_OBJECT (v)) {
    append_object_table (out, json_node_get_object (v), depth);
    return;
  }
  JsonArray *a = json_node_get_array (v);
  guint n = json_array_get_length (a);
  if (n == 0) {
    g_string_append (out, "<span class=\"null\">(none)</span>");
    return;
  }
  g_string_append (out, "<ol>");
  for (guint i = 0; i < n; i++) {
    g_string_append (out, "<li>");
    append_value (out, json_array_get_element (a, i), depth + 1);
    g_string_append (out, "</li>");
  }
  g_string_append (out, "</ol>");
}

/* ---- the body ---- */

typedef struct {
  GString *out;
  JsonObject *body;
  guint heading_count;  /* anchors of the body's top-level headings */
  guint unnamed_sections; /* anchors of sections without an id */
  gboolean top;         /* the node being rendered is a child of the body */
  GHashTable *anchored_pages; /* page numbers given an anchor "page-N" */
  const DnDocument *doc;
  guint pictured;       /* pages up to this one have had their picture placed */
  guint n_pictures;     /* pages that may have one (source.pages) */
} Page;

/* The width and height a PNG's header gives, or FALSE. */
static gboolean
png_size (GBytes *png, guint32 *width, guint32 *height)
{
  gsize n;
  const guint8 *p = g_bytes_get_data (png, &n);
  if (n < 24 || memcmp (p, "\x89PNG\r\n\x1a\n", 8) != 0 || memcmp (p + 12, "IHDR", 4) != 0)
    return FALSE;
  *width = (guint32) p[16] << 24 | (guint32) p[17] << 16 | (guint32) p[18] << 8 | p[19];
  *height = (guint32) p[20] << 24 | (guint32) p[21] << 16 | (guint32) p[22] << 8 | p[23];
  return TRUE;
}

/* The pictures of pages up to @page not placed yet, each closed until the
 * reviewer opens it (the image is decoded then), floated beside the text
 * that follows: the page's own. */
static void
place_page_pictures (Page *pg, guint page)
{
  for (; pg->pictured < MIN (page, pg->n_pictures); pg->pictured++) {
    guint n = pg->pictured + 1;
    GBytes *png = dn_document_get_page_image (pg->doc, n);
    guint32 w, h;
    if (png == NULL || !png_size (png, &w, &h))
      continue;
    gsize len;
    const guint8 *data = g_bytes_get_data (png, &len);
    char *b64 = g_base64_encode (data, len);
    g_string_append_printf (pg->out,
                            "<details class=\"page-pic\" id=\"pic-%u\"><summary>Page %u as printed</summary>"
                            "<img loading=\"lazy\" alt=\"Page %u\" width=\"%u\" height=\"%u\" "
                            "src=\"data:image/png;base64,%s\"></details>\n",
                            n, n, n, w, h, b64);
    g_free (b64);
  }
}

/* Marks as a state per character; runs of one state get one set of tags. */
typedef struct {
  guint32 marks;
  const char *href;
} MarkState;

static const struct {
  const char *name;
  const char *open, *close;
} mark_tags[] = {
  { "bold", "<strong>", "</strong>" },
  { "italic", "<em>", "</em>" },
  { "underline", "<u>", "</u>" },
  { "strike", "<s>", "</s>" },
  { "superscript", "<sup>", "</sup>" },
  { "subscript", "<sub>", "</sub>" },
  { "note_ref", "<sup class=\"noteref\">", "</sup>" },
};

static void
append_run (GString *out, const char *start, const char *end, const MarkState *st)
{
  char *piece = g_strndup (start, (gsize) (end - start));
  gboolean link = st->href != NULL && safe_href (st->href);
  if (st->href != NULL) {
    /* A target the page will not open is still there, on hover. */
    g_string_append (out, link ? "<a href=\"" : "<span class=\"badlink\" title=\"");
    append_escaped (out, st->href);
    g_string_append (out, link ? "\" rel=\"noreferrer\">" : "\">");
  }
  for (guint k = 0; k < G_N_ELEMENTS (mark_tags); k++)
    if (st->marks & (1u << k))
      g_string_append (out, mark_tags[k].open);
  append_escaped_lines (out, piece);
  for (guint k = G_N_ELEMENTS (mark_tags); k-- > 0;)
    if (st->marks & (1u << k))
      g_string_append (out, mark_tags[k].close);
  if (st->href != NULL)
    g_string_append (out, link ? "</a>" : "</span>");
  g_free (piece);
}

/* The node's text with its marks (code-point offsets in the record). */
static void
append_marked_text (GString *out, JsonObject *node)
{
  const char *text = str_member (node, "text");
  if (text == NULL)
    return;
  JsonArray *marks = array_member (node, "marks");
  glong n_chars = g_utf8_strlen (text, -1);
  if (marks == NULL || n_chars == 0) {
    append_escaped_lines (out, text);
    return;
  }
  MarkState *states = g_new0 (MarkState, n_chars);
  for (guint i = 0; i < json_array_get_length (marks); i++) {
    JsonObject *m = json_array_get_object_element (marks, i);
    gint64 s = CLAMP (int_member (m, "start", 0), 0, n_chars), e = CLAMP (int_member (m, "end", 0), 0, n_chars);
    JsonArray *kinds = array_member (m, "marks");
    guint32 bits = 0;
    gboolean link = FALSE;
    for (guint k = 0; kinds != NULL && k < json_array_get_length (kinds); k++) {
      const char *kind = json_array_get_string_element (kinds, k);
      for (guint t = 0; kind != NULL && t < G_N_ELEMENTS (mark_tags); t++)
        if (strcmp (kind, mark_tags[t].name) == 0)
          bits |= 1u << t;
      link |= kind != NULL && strcmp (kind, "link") == 0;
    }
    for (gint64 c = s; c < e; c++) {
      states[c].marks |= bits;
      if (link)
        states[c].href = str_member (m, "href");
    }
  }
  const char *run = text;
  glong run_index = 0;
  const char *p = text;
  for (glong c = 0; c <= n_chars; c++) {
    if (c == n_chars || (c > run_index && (states[c].marks != states[run_index].marks ||
                                           states[c].href != states[run_index].href))) {
      append_run (out, run, p, &states[run_index]);
      run = p;
      run_index = c;
    }
    if (c < n_chars)
      p = g_utf8_next_char (p);
  }
  g_free (states);
}

static void
append_page (GString *out, JsonObject *node)
{
  gint64 page = int_member (node, "page", 0);
  if (page > 0)
    g_string_append_printf (out, "<span class=\"page\">p.&nbsp;%" G_GINT64_FORMAT "</span>", page);
}

/* A body node's page, the first one on each page carrying the anchor
 * "page-N" that warnings with that page link to. */
static void
append_body_page (Page *pg, JsonObject *node)
{
  gint64 page = int_member (node, "page", 0);
  if (page <= 0)
    return;
  gpointer key = GINT_TO_POINTER ((int) MIN (page, G_MAXINT));
  if (g_hash_table_contains (pg->anchored_pages, key)) {
    append_page (pg->out, node);
    return;
  }
  g_hash_table_add (pg->anchored_pages, key);
  g_string_append_printf (pg->out, "<span class=\"page\" id=\"page-%" G_GINT64_FORMAT "\">p.&nbsp;%" G_GINT64_FORMAT
                          "</span>", page, page);
}

static void render_node (Page *pg, JsonObject *node, guint section_depth);

static void
render_children (Page *pg, JsonObject *node, guint section_depth)
{
  JsonArray *kids = array_member (node, "children");
  const char *type = str_member (node, "type");
  gboolean blocks = node == pg->body || g_strcmp0 (type, "section") == 0;
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
    JsonObject *kid = json_array_get_object_element (kids, i);
    /* Page pictures go between blocks, never inside a list or table. */
    gint64 page = int_member (kid, "page", 0);
    if (blocks && page > 0)
      place_page_pictures (pg, (guint) MIN (page, G_MAXUINT));
    /* The outline links the body's own headings by their order. */
    pg->top = node == pg->body;
    render_node (pg, kid, section_depth);
  }
}

static void
append_label (GString *out, JsonObject *node)
{
  const char *label = str_member (node, "label");
  if (label != NULL) {
    g_string_append (out, "<span class=\"label\">");
    append_escaped (out, label);
    g_string_append (out, "</span>");
  }
}

/* A section's anchor: from its id, or, for sections analysis left without
 * one (cover, abstract), from their order, which the outline and the body
 * walk alike. */
static void
append_section_anchor (GString *out, JsonObject *section, guint *unnamed)
{
  const char *id = str_member (section, "id");
  if (id != NULL) {
    g_string_append (out, "sec-");
    append_escaped (out, id);
  } else {
    g_string_append_printf (out, "sec-n%u", ++*unnamed);
  }
}

static void
render_node (Page *pg, JsonObject *node, guint section_depth)
{
  GString *out = pg->out;
  const char *type = str_member (node, "type");
  if (type == NULL)
    return;
  if (strcmp (type, "section") == 0) {
    g_string_append (out, "<section id=\"");
    append_section_anchor (out, node, &pg->unnamed_sections);
    g_string_append (out, "\">");
    render_children (pg, node, section_depth + 1);
    g_string_append (out, "</section>\n");
  } else if (strcmp (type, "heading") == 0) {
    gint64 level = int_member (node, "level", section_depth > 0 ? section_depth : 1);
    /* h1 and h2 belong to the page; the document's headings start at h3. */
    int h = (int) CLAMP (level + 2, 3, 6);
    g_string_append_printf (out, "<h%d", h);
    if (pg->top)
      g_string_append_printf (out, " id=\"h-%u\"", ++pg->heading_count);
    g_string_append_c (out, '>');
    append_label (out, node);
    append_marked_text (out, node);
    append_body_page (pg, node);
    g_string_append_printf (out, "</h%d>\n", h);
    render_children (pg, node, section_depth);
  } else if (strcmp (type, "list") == 0) {
    JsonNode *ord = json_object_has_member (node, "ordered") ? json_object_get_member (node, "ordered") : NULL;
    gboolean ordered = ord != NULL && JSON_NODE_HOLDS_VALUE (ord) && json_node_get_boolean (ord);
    g_string_append (out, ordered ? "<ol>" : "<ul>");
    render_children (pg, node, section_depth);
    g_string_append (out, ordered ? "</ol>\n" : "</ul>\n");
  } else if (strcmp (type, "list_item") == 0) {
    /* The item's own label replaces the browser's marker. */
    g_string_append (out, str_member (node, "label") != NULL ? "<li class=\"labelled\">" : "<li>");
    append_label (out, node);
    append_marked_text (out, node);
    render_children (pg, node, section_depth);
    g_string_append (out, "</li>\n");
  } else if (strcmp (type, "table") == 0) {
    g_string_append (out, "<table>");
    JsonArray *kids = array_member (node, "children");
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (str_member (c, "type"), "caption") == 0) {
        g_string_append (out, "<caption>");
        append_marked_text (out, c);
        g_string_append (out, "</caption>");
      }
    }
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (str_member (c, "type"), "caption") != 0)
        render_node (pg, c, section_depth);
    }
    g_string_append (out, "</table>\n");
  } else if (strcmp (type, "table_row") == 0) {
    g_string_append (out, "<tr>");
    render_children (pg, node, section_depth);
    g_string_append (out, "</tr>\n");
  } else if (strcmp (type, "table_cell") == 0) {
    g_string_append (out, "<td");
    gint64 rs = int_member (node, "row_span", 1), cs = int_member (node, "col_span", 1);
    if (rs > 1)
      g_string_append_printf (out, " rowspan=\"%" G_GINT64_FORMAT "\"", MIN (rs, 65534));
    if (cs > 1)
      g_string_append_printf (out, " colspan=\"%" G_GINT64_FORMAT "\"", MIN (cs, 1000));
    g_string_append_c (out, '>');
    append_marked_text (out, node);
    render_children (pg, node, section_depth);
    g_string_append (out, "</td>");
  } else if (strcmp (type, "figure") == 0) {
    /* No image is loaded: the page stays self-contained. */
    g_string_append (out, "<figure class=\"figure\"><div class=\"img\">[image");
    const char *image = str_member (node, "image"), *alt = str_member (node, "alt");
    if (image != NULL) {
      g_string_append (out, " ");
      append_escaped (out, image);
    }
    g_string_append (out, "]");
    if (alt != NULL) {
      g_string_append (out, " alt: ");
      append_escaped (out, alt);
    }
    g_string_append (out, "</div>");
    append_body_page (pg, node);
    JsonArray *kids = array_member (node, "children");
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (str_member (c, "type"), "caption") == 0) {
        g_string_append (out, "<figcaption>");
        append_marked_text (out, c);
        g_string_append (out, "</figcaption>");
      } else {
        render_node (pg, c, section_depth);
      }
    }
    g_string_append (out, "</figure>\n");
  } else if (strcmp (type, "raw_text") == 0) {
    g_string_append (out, "<pre>");
    append_escaped (out, str_member (node, "text"));
    g_string_append (out, "</pre>\n");
  } else {
    /* paragraph, caption, footnote, furniture, comment, toc, toc_entry … */
    const char *cls = strcmp (type, "paragraph") == 0 ? NULL : type;
    /* A paragraph is a <p> unless it holds blocks, which <p> cannot. */
    const char *tag = cls == NULL && array_member (node, "children") == NULL ? "p" : "div";
    g_string_append_printf (out, "<%s", tag);
    if (cls != NULL)
      g_string_append_printf (out, " class=\"%s\"", cls);
    g_string_append_c (out, '>');
    if (strcmp (type, "furniture") == 0 || strcmp (type, "comment") == 0 || strcmp (type, "footnote") == 0) {
      const char *who = str_member (node, strcmp (type, "comment") == 0 ? "author" : strcmp (type, "footnote") == 0 ? "note_id" : "role");
      g_string_append_printf (out, "<span class=\"kind\">%s", type);
      if (who != NULL) {
        g_string_append (out, " ");
        append_escaped (out, who);
      }
      g_string_append (out, "</span>");
    }
    append_label (out, node);
    append_marked_text (out, node);
    if (strcmp (type, "toc_entry") == 0 && int_member (node, "printed_page", 0) > 0)
      g_string_append_printf (out, " … %" G_GINT64_FORMAT, int_member (node, "printed_page", 0));
    append_body_page (pg, node);
    render_children (pg, node, section_depth);
    g_string_append_printf (out, "</%s>\n", tag);
  }
}

/* ---- the outline ---- */

/* Sections (and headings outside sections) as nested lists linked to the
 * body's anchors. Returns the number of entries. */
static guint
outline (GString *out, JsonObject *node, guint *heading_count, guint *unnamed, guint depth)
{
  guint entries = 0;
  JsonArray *kids = array_member (node, "children");
  gboolean open = FALSE;
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
    JsonObject *c = json_array_get_object_element (kids, i);
    const char *type = str_member (c, "type");
    gboolean section = g_strcmp0 (type, "section") == 0;
    gboolean heading = g_strcmp0 (type, "heading") == 0 && depth == 0;
    if (!section && !heading) {
      /* Headings inside lists or tables are rare; sections only nest in
       * sections, so nothing else is searched. */
      continue;
    }
    if (!open) {
      g_string_append (out, "<ol>");
      open = TRUE;
    }
    g_string_append (out, "<li><a href=\"#");
    if (section) {
      append_section_anchor (out, c, unnamed);
    } else {
      g_string_append_printf (out, "h-%u", ++*heading_count);
    }
    g_string_append (out, "\">");
    const char *label = str_member (c, "label");
    const char *title = section ? str_member (c, "title") : str_member (c, "text");
    if (label != NULL) {
      append_escaped (out, label);
      if ((guchar) label[strlen (label) - 1] < 0x80)
        g_string_append_c (out, ' ');
    }
    append_escaped (out, title != NULL ? title : "(untitled)");
    g_string_append (out, "</a>");
    entries++;
    if (section)
      entries += outline (out, c, heading_count, unnamed, depth + 1);
    g_string_append (out, "</li>");
  }
  if (open)
    g_string_append (out, "</ol>\n");
  return entries;
}


/* ---- the report form ---- */

/* The report fields a reviewer checks against the cover, with the labels the
 * cover prints (docs/RECORD.md); "f-<member>" anchors. Members not listed
 * here follow as a generic table. */
static const struct {
  const char *member, *zh;
} form_fields[] = {
  { "kind", "報告類型" },
  { "title", "計畫名稱／報告名稱" },
  { "category", "出國類別" },
  { "travellers", "出國人員" },
  { "organizations", "服務機關" },
  { "destinations", "出國地區（派赴國家）" },
  { "period", "出國期間" },
  { "report_date", "報告日期" },
  { "abstract", "摘要" },
  { "toc", "目次" },
};

static void
append_missing (GString *out)
{
  g_string_append (out, "<span class=\"missing\">未填 · missing</span>");
}

/* A date range as "raw → start … end". */
static void
append_date_range (GString *out, JsonObject *d)
{
  g_string_append (out, "<span class=\"raw\">");
  append_escaped (out, str_member (d, "raw"));
  g_string_append (out, "</span> → ");
  const char *start = str_member (d, "start"), *end = str_member (d, "end");
  if (start == NULL) {
    append_missing (out);
    return;
  }
  g_string_append (out, "<span class=\"iso\">");
  append_escaped (out, start);
  if (end != NULL) {
    g_string_append (out, " … ");
    append_escaped (out, end);
  }
  g_string_append (out, "</span>");
}

static void
append_travellers (GString *out, JsonArray *a)
{
  g_string_append (out, "<table id=\"travellers\"><tr><th>姓名 name</th><th>職稱 title</th>"
                        "<th>服務機關 organization</th></tr>");
  for (guint i = 0; i < json_array_get_length (a); i++) {
    JsonObject *t = json_array_get_object_element (a, i);
    static const char *const cols[] = { "name", "title", "organization" };
    g_string_append (out, "<tr>");
    for (guint c = 0; c < G_N_ELEMENTS (cols); c++) {
      g_string_append (out, "<td>");
      const char *v = str_member (t, cols[c]);
      if (v != NULL)
        append_escaped (out, v);
      else
        append_missing (out);
      g_string_append (out, "</td>");
    }
    g_string_append (out, "</tr>");
  }
  g_string_append (out, "</table>");
}

static void
append_form_value (GString *out, const char *member, JsonNode *v)
{
  if (v == NULL || JSON_NODE_HOLDS_NULL (v) ||
      (JSON_NODE_HOLDS_ARRAY (v) && json_array_get_length (json_node_get_array (v)) == 0)) {
    append_missing (out);
    return;
  }
  JsonObject *o = JSON_NODE_HOLDS_OBJECT (v) ? json_node_get_object (v) : NULL;
  JsonArray *a = JSON_NODE_HOLDS_ARRAY (v) ? json_node_get_array (v) : NULL;
  if (o != NULL && (strcmp (member, "period") == 0 || strcmp (member, "report_date") == 0)) {
    append_date_range (out, o);
  } else if (o != NULL && strcmp (member, "category") == 0) {
    g_string_append (out, "<span class=\"raw\">");
    append_escaped (out, str_member (o, "raw"));
    g_string_append (out, "</span> → ");
    append_escaped (out, str_member (o, "normalized"));
  } else if (a != NULL && strcmp (member, "travellers") == 0) {
    append_travellers (out, a);
  } else if (a != NULL && (strcmp (member, "organizations") == 0 || strcmp (member, "destinations") == 0)) {
    for (guint i = 0; i < json_array_get_length (a); i++) {
      JsonObject *e = json_array_get_object_element (a, i);
      if (i > 0)
        g_string_append (out, "、");
      append_escaped (out, str_member (e, strcmp (member, "organizations") == 0 ? "name" : "raw"));
    }
  } else if (o != NULL && strcmp (member, "abstract") == 0) {
    JsonArray *paras = array_member (o, "paragraphs");
    g_string_append_printf (out, "%u paragraph(s), %" G_GINT64_FORMAT " Han characters (the rule asks for 200–300)",
                            paras != NULL ? json_array_get_length (paras) : 0, int_member (o, "cjk_char_count", 0));
  } else if (o != NULL && strcmp (member, "toc") == 0) {
    JsonArray *entries = array_member (o, "entries");
    append_escaped (out, str_member (o, "heading_raw"));
    g_string_append_printf (out, ": %u entries", entries != NULL ? json_array_get_length (entries) : 0);
  } else {
    append_value (out, v, 0);
  }
}

static gboolean
is_form_field (const char *member)
{
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++)
    if (strcmp (form_fields[i].member, member) == 0)
      return TRUE;
  return FALSE;
}

static void
report_form (GString *out, JsonNode *report)
{
  g_string_append (out, "<section id=\"report\"><h2>報告欄位 · Report fields</h2>");
  if (report == NULL || !JSON_NODE_HOLDS_OBJECT (report)) {
    g_string_append (out, "<p class=\"null\">none</p></section>\n");
    return;
  }
  JsonObject *r = json_node_get_object (report);
  g_string_append (out, "<table class=\"kv form\">");
  for (guint i = 0; i < G_N_ELEMENTS (form_fields); i++) {
    const char *m = form_fields[i].member;
    g_string_append_printf (out, "<tr id=\"f-%s\"><th><span class=\"zh\">%s</span><span class=\"key\">%s</span></th><td>",
                            m, form_fields[i].zh, m);
    append_form_value (out, m, json_object_has_member (r, m) ? json_object_get_member (r, m) : NULL);
    g_string_append (out, "</td></tr>");
  }
  g_string_append (out, "</table>\n<h3>Other report members</h3><table class=\"kv\">");
  GList *names = json_object_get_members (r);
  for (GList *l = names; l != NULL; l = l->next) {
    if (is_form_field (l->data))
      continue;
    g_string_append (out, "<tr><th>");
    append_escaped (out, l->data);
    g_string_append (out, "</th><td>");
    append_value (out, json_object_get_member (r, l->data), 1);
    g_string_append (out, "</td></tr>");
  }
  g_list_free (names);
  g_string_append (out, "</table></section>\n");
}

/* Where a warning points: its page's first block when the body has one,
 * else the report field its code is about. NULL: nowhere on the page. */
static char *
warning_anchor (JsonObject *w, GHashTable *anchored_pages)
{
  gint64 page = int_member (w, "page", 0);
  if (page > 0 && g_hash_table_contains (anchored_pages, GINT_TO_POINTER ((int) MIN (page, G_MAXINT))))
    return g_strdup_printf ("page-%" G_GINT64_FORMAT, page);
  static const struct {
    const char *code, *anchor;
  } by_code[] = {
    { "TRAVELLER_SPLIT_HEURISTIC", "f-travellers" }, { "CATEGORY_NORMALIZED", "f-category" },
    { "DATE_UNPARSED", "f-period" },                 { "MISSING_FIELD", "report" },
    { "COVER_LINE_UNPARSED", "report" },             { "NO_COVER", "f-kind" },
    { "FRAGMENT", "f-kind" },                        { "TOC_ENTRY_UNMATCHED", "f-toc" },
    { "HEADING_NOT_IN_TOC", "outline" },             { "FIGURE_NOT_IN_LIST", "report" },
    { "FIGURE_LIST_UNMATCHED", "report" },           { "FIGURE_SOURCE_ORDER", "report" },
  };
  const char *code = str_member (w, "code");
  for (guint i = 0; code != NULL && i < G_N_ELEMENTS (by_code); i++)
    if (strcmp (by_code[i].code, code) == 0)
      return g_strdup (by_code[i].anchor);
  return NULL;
}

/* ---- the page ---- */

static void
kv_section (GString *out, const char *id, const char *title, JsonNode *value)
{
  g_string_append_printf (out, "<section id=\"%s\"><h2>%s</h2>", id, title);
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    g_string_append (out, "<p class=\"null\">none</p>");
  else if (JSON_NODE_HOLDS_OBJECT (value) && json_object_get_size (json_node_get_object (value)) == 0)
    g_string_append (out, "<p class=\"null\">none</p>");
  else
    append_value (out, value, 0);
  g_string_append (out, "</section>\n");
}

static gboolean
review_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out, GError **error)
{
  JsonNode *record = dn_record_build (doc, options, error);
  if (record == NULL)
    return FALSE;
  JsonObject *rec = json_node_get_object (record);
  JsonObject *source = json_object_get_object_member (rec, "source");
  JsonObject *meta = json_object_get_object_member (rec, "metadata");
  JsonNode *report = json_object_get_member (rec, "report");
  JsonObject *body = json_object_get_object_member (rec, "body");
  JsonArray *warnings = json_object_get_array_member (rec, "warnings");

  const char *file_name = str_member (source, "file_name");
  const char *title = NULL;
  if (report != NULL && JSON_NODE_HOLDS_OBJECT (report))
    title = str_member (json_node_get_object (report), "title");
  if (title == NULL)
    title = str_member (meta, "title");

  GString *s = g_string_new ("<!DOCTYPE html>\n<html");
  const char *lang = str_member (meta, "language");
  if (lang != NULL) {
    g_string_append (s, " lang=\"");
    append_escaped (s, lang);
    g_string_append_c (s, '"');
  }
  g_string_append (s, ">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      /* Nothing may be fetched, whatever the text holds. */
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\">\n<title>Review: ");
  append_escaped (s, file_name);
  if (title != NULL) {
    g_string_append (s, " — ");
    append_escaped (s, title);
  }
  g_string_append_printf (s, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", review_css);
  append_escaped (s, title != NULL ? title : file_name);
  g_string_append (s, "</h1>\n<p class=\"src\">");
  append_escaped (s, file_name);
  g_string_append (s, " · ");
  append_escaped (s, str_member (source, "format"));
  gint64 pages = int_member (source, "pages", 0);
  if (pages > 0)
    g_string_append_printf (s, " · %" G_GINT64_FORMAT " page%s", pages, pages == 1 ? "" : "s");
  g_string_append_printf (s, " · %" G_GINT64_FORMAT " bytes · schema %s</p>\n</header>\n",
                          int_member (source, "bytes", 0), DN_SCHEMA_VERSION);

  /* The body first, so the warnings know which pages have an anchor. */
  GString *body_html = g_string_new (NULL);
  Page pg = { .out = body_html, .body = body, .anchored_pages = g_hash_table_new (NULL, NULL), .doc = doc,
              .n_pictures = (guint) CLAMP (pages, 0, DN_PAGE_IMAGES_MAX_PAGES) };
  render_children (&pg, body, 0);
  /* Pages after the last text (a blank or unread page). */
  place_page_pictures (&pg, pg.n_pictures);

  /* Warnings first: they are what the reviewer is here for. */
  gboolean has_report = report != NULL && JSON_NODE_HOLDS_OBJECT (report);
  guint n_warn = warnings != NULL ? json_array_get_length (warnings) : 0;
  g_string_append_printf (s, "<section id=\"warnings\"%s><h2>Warnings (%u)</h2>\n",
                          n_warn == 0 ? " class=\"none\"" : "", n_warn);
  if (n_warn == 0) {
    g_string_append (s, "<p>No warnings.</p>\n");
  } else {
    /* Grouped by severity, most serious first, record order within a
     * group; info (normal processing) is collapsed. */
    static const char *const severities[] = { "warning", "notice", "info" };
    for (guint g = 0; g < G_N_ELEMENTS (severities); g++) {
      guint in_group = 0;
      for (guint i = 0; i < n_warn; i++) {
        const char *sev = str_member (json_array_get_object_element (warnings, i), "severity");
        /* A severity this page does not know counts as notice. */
        if (sev == NULL || (strcmp (sev, "warning") != 0 && strcmp (sev, "info") != 0))
          sev = "notice";
        in_group += strcmp (sev, severities[g]) == 0;
      }
      if (in_group == 0)
        continue;
      gboolean info = strcmp (severities[g], "info") == 0;
      if (info)
        g_string_append_printf (s, "<details class=\"group-info\"><summary>%u info (normal processing)</summary>\n",
                                in_group);
      g_string_append_printf (s, "<ul class=\"group-%s\">\n", severities[g]);
      for (guint i = 0; i < n_warn; i++) {
        JsonObject *w = json_array_get_object_element (warnings, i);
        const char *sev = str_member (w, "severity");
        if (sev == NULL || (strcmp (sev, "warning") != 0 && strcmp (sev, "info") != 0))
          sev = "notice";
        if (strcmp (sev, severities[g]) != 0)
          continue;
        char *anchor = warning_anchor (w, pg.anchored_pages);
        /* Field anchors exist only when there is a report form. */
        if (anchor != NULL && !g_str_has_prefix (anchor, "page-") && strcmp (anchor, "outline") != 0 && !has_report)
          g_clear_pointer (&anchor, g_free);
        g_string_append_printf (s, "<li class=\"warning\" data-severity=\"%s\"><span class=\"sev sev-%s\">%s</span><code>",
                                sev, sev, sev);
        append_escaped (s, str_member (w, "code"));
        g_string_append (s, "</code> ");
        append_escaped (s, str_member (w, "message"));
        append_page (s, w);
        if (anchor != NULL)
          g_string_append_printf (s, " <a class=\"goto\" href=\"#%s\">→ %s</a>", anchor,
                                  g_str_has_prefix (anchor, "page-") ? "in the body" : "see");
        g_free (anchor);
        g_string_append (s, "</li>\n");
      }
      g_string_append (s, info ? "</ul>\n</details>\n" : "</ul>\n");
    }
  }
  g_string_append (s, "</section>\n");

  report_form (s, report);
  kv_section (s, "metadata", "Metadata", json_object_get_member (rec, "metadata"));
  kv_section (s, "source", "Source", json_object_get_member (rec, "source"));

  g_string_append (s, "<nav id=\"outline\"><h2>Outline</h2>\n");
  guint heading_count = 0, unnamed = 0;
  if (outline (s, body, &heading_count, &unnamed, 0) == 0)
    g_string_append (s, "<p class=\"null\">No sections or headings.</p>\n");
  g_string_append (s, "</nav>\n<main class=\"body\"><h2>Body</h2>\n");
  g_string_append_len (s, body_html->str, (gssize) body_html->len);
  g_string_append (s, "</main>\n</body>\n</html>\n");
  g_string_free (body_html, TRUE);
  g_hash_table_unref (pg.anchored_pages);

  gboolean ok = g_output_stream_write_all (out, s->str, s->len, NULL, NULL, error);
  g_string_free (s, TRUE);
  json_node_unref (record);
  return ok;
}

static const char *const review_media_types[] = { "text/html", NULL };
static const char *const review_extensions[] = { "html", "htm", NULL };

static const DnWriterVTable review_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = review_write,
};

static const DnPluginDesc review_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "review",
  .description = "Self-contained HTML review page: warnings, fields, outline, body",
  .version = REVIEW_WRITER_VERSION,
  .media_types = review_media_types,
  .extensions = review_extensions,
  .writer = &review_writer,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (review, review_desc)
