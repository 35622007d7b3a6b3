/* The review page's body and outline, rendered from the record's body tree:
 * sections, headings, lists, tables and figures as HTML, page numbers with
 * the anchors warnings link to, pictures of PDF pages beside their text, and
 * the section outline linked to the body. The body's depth is bounded by
 * DN_RECORD_MAX_DEPTH, so rendering it recursively is safe. */
#include "dn-review.h"

#include <string.h>

/* Links the page may follow: the web, mail, and its own anchors. */
static gboolean
safe_href (const char *href)
{
  return href != NULL && (g_str_has_prefix (href, "http://") || g_str_has_prefix (href, "https://") ||
                          g_str_has_prefix (href, "mailto:") || href[0] == '#');
}

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
place_page_pictures (DnReviewBody *pg, guint page)
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
    dn_review_append_escaped (out, st->href);
    g_string_append (out, link ? "\" rel=\"noreferrer\">" : "\">");
  }
  for (guint k = 0; k < G_N_ELEMENTS (mark_tags); k++)
    if (st->marks & (1u << k))
      g_string_append (out, mark_tags[k].open);
  dn_review_append_escaped_lines (out, piece);
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
  const char *text = dn_record_get_string (node, "text");
  if (text == NULL)
    return;
  JsonArray *marks = dn_record_get_array (node, "marks");
  glong n_chars = g_utf8_strlen (text, -1);
  if (marks == NULL || n_chars == 0) {
    dn_review_append_escaped_lines (out, text);
    return;
  }
  MarkState *states = g_new0 (MarkState, n_chars);
  for (guint i = 0; i < json_array_get_length (marks); i++) {
    JsonObject *m = json_array_get_object_element (marks, i);
    gint64 s = CLAMP (dn_record_get_int (m, "start", 0), 0, n_chars), e = CLAMP (dn_record_get_int (m, "end", 0), 0, n_chars);
    JsonArray *kinds = dn_record_get_array (m, "marks");
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
        states[c].href = dn_record_get_string (m, "href");
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

/* A body node's page, the first one on each page carrying the anchor
 * "page-N" that warnings with that page link to. */
static void
append_body_page (DnReviewBody *pg, JsonObject *node)
{
  gint64 page = dn_record_get_int (node, "page", 0);
  if (page <= 0)
    return;
  gpointer key = GINT_TO_POINTER ((int) MIN (page, G_MAXINT));
  if (g_hash_table_contains (pg->anchored_pages, key)) {
    dn_review_append_page (pg->out, node);
    return;
  }
  g_hash_table_add (pg->anchored_pages, key);
  g_string_append_printf (pg->out, "<span class=\"page\" id=\"page-%" G_GINT64_FORMAT "\">p.&nbsp;%" G_GINT64_FORMAT
                          "</span>", page, page);
}

static void render_node (DnReviewBody *pg, JsonObject *node, guint section_depth);

static void
render_children (DnReviewBody *pg, JsonObject *node, guint section_depth)
{
  JsonArray *kids = dn_record_get_array (node, "children");
  const char *type = dn_record_get_string (node, "type");
  gboolean blocks = node == pg->body || g_strcmp0 (type, "section") == 0;
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
    JsonObject *kid = json_array_get_object_element (kids, i);
    /* Page pictures go between blocks, never inside a list or table. */
    gint64 page = dn_record_get_int (kid, "page", 0);
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
  const char *label = dn_record_get_string (node, "label");
  if (label != NULL) {
    g_string_append (out, "<span class=\"label\">");
    dn_review_append_escaped (out, label);
    g_string_append (out, "</span>");
  }
}

/* A section's anchor: from its id, or, for sections analysis left without
 * one (cover, abstract), from their order, which the outline and the body
 * walk alike. */
static void
append_section_anchor (GString *out, JsonObject *section, guint *unnamed)
{
  const char *id = dn_record_get_string (section, "id");
  if (id != NULL) {
    g_string_append (out, "sec-");
    dn_review_append_escaped (out, id);
  } else {
    g_string_append_printf (out, "sec-n%u", ++*unnamed);
  }
}

static void
render_node (DnReviewBody *pg, JsonObject *node, guint section_depth)
{
  GString *out = pg->out;
  const char *type = dn_record_get_string (node, "type");
  if (type == NULL)
    return;
  if (strcmp (type, "section") == 0) {
    g_string_append (out, "<section id=\"");
    append_section_anchor (out, node, &pg->unnamed_sections);
    g_string_append (out, "\">");
    render_children (pg, node, section_depth + 1);
    g_string_append (out, "</section>\n");
  } else if (strcmp (type, "heading") == 0) {
    gint64 level = dn_record_get_int (node, "level", section_depth > 0 ? section_depth : 1);
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
    g_string_append (out, dn_record_get_string (node, "label") != NULL ? "<li class=\"labelled\">" : "<li>");
    append_label (out, node);
    append_marked_text (out, node);
    render_children (pg, node, section_depth);
    g_string_append (out, "</li>\n");
  } else if (strcmp (type, "table") == 0) {
    g_string_append (out, "<table>");
    JsonArray *kids = dn_record_get_array (node, "children");
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (dn_record_get_string (c, "type"), "caption") == 0) {
        g_string_append (out, "<caption>");
        append_marked_text (out, c);
        g_string_append (out, "</caption>");
      }
    }
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (dn_record_get_string (c, "type"), "caption") != 0)
        render_node (pg, c, section_depth);
    }
    g_string_append (out, "</table>\n");
  } else if (strcmp (type, "table_row") == 0) {
    g_string_append (out, "<tr>");
    render_children (pg, node, section_depth);
    g_string_append (out, "</tr>\n");
  } else if (strcmp (type, "table_cell") == 0) {
    g_string_append (out, "<td");
    gint64 rs = dn_record_get_int (node, "row_span", 1), cs = dn_record_get_int (node, "col_span", 1);
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
    const char *image = dn_record_get_string (node, "image"), *alt = dn_record_get_string (node, "alt");
    if (image != NULL) {
      g_string_append (out, " ");
      dn_review_append_escaped (out, image);
    }
    g_string_append (out, "]");
    if (alt != NULL) {
      g_string_append (out, " alt: ");
      dn_review_append_escaped (out, alt);
    }
    g_string_append (out, "</div>");
    append_body_page (pg, node);
    JsonArray *kids = dn_record_get_array (node, "children");
    for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
      JsonObject *c = json_array_get_object_element (kids, i);
      if (g_strcmp0 (dn_record_get_string (c, "type"), "caption") == 0) {
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
    dn_review_append_escaped (out, dn_record_get_string (node, "text"));
    g_string_append (out, "</pre>\n");
  } else {
    /* paragraph, caption, footnote, furniture, comment, toc, toc_entry … */
    const char *cls = strcmp (type, "paragraph") == 0 ? NULL : type;
    /* A paragraph is a <p> unless it holds blocks, which <p> cannot. */
    const char *tag = cls == NULL && dn_record_get_array (node, "children") == NULL ? "p" : "div";
    g_string_append_printf (out, "<%s", tag);
    if (cls != NULL)
      g_string_append_printf (out, " class=\"%s\"", cls);
    g_string_append_c (out, '>');
    if (strcmp (type, "furniture") == 0 || strcmp (type, "comment") == 0 || strcmp (type, "footnote") == 0) {
      const char *who = dn_record_get_string (node, strcmp (type, "comment") == 0 ? "author" : strcmp (type, "footnote") == 0 ? "note_id" : "role");
      g_string_append_printf (out, "<span class=\"kind\">%s", type);
      if (who != NULL) {
        g_string_append (out, " ");
        dn_review_append_escaped (out, who);
      }
      g_string_append (out, "</span>");
    }
    append_label (out, node);
    append_marked_text (out, node);
    if (strcmp (type, "toc_entry") == 0 && dn_record_get_int (node, "printed_page", 0) > 0)
      g_string_append_printf (out, " … %" G_GINT64_FORMAT, dn_record_get_int (node, "printed_page", 0));
    append_body_page (pg, node);
    render_children (pg, node, section_depth);
    g_string_append_printf (out, "</%s>\n", tag);
  }
}

/* ---- the outline ---- */

/* Sections (and headings outside sections) as nested lists linked to the
 * body's anchors. Returns the number of entries. */
guint
dn_review_outline (GString *out, JsonObject *node, guint *heading_count, guint *unnamed, guint depth)
{
  guint entries = 0;
  JsonArray *kids = dn_record_get_array (node, "children");
  gboolean open = FALSE;
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
    JsonObject *c = json_array_get_object_element (kids, i);
    const char *type = dn_record_get_string (c, "type");
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
    const char *label = dn_record_get_string (c, "label");
    const char *title = section ? dn_record_get_string (c, "title") : dn_record_get_string (c, "text");
    if (label != NULL) {
      dn_review_append_escaped (out, label);
      if ((guchar) label[strlen (label) - 1] < 0x80)
        g_string_append_c (out, ' ');
    }
    dn_review_append_escaped (out, title != NULL ? title : "(untitled)");
    g_string_append (out, "</a>");
    entries++;
    if (section)
      entries += dn_review_outline (out, c, heading_count, unnamed, depth + 1);
    g_string_append (out, "</li>");
  }
  if (open)
    g_string_append (out, "</ol>\n");
  return entries;
}

void
dn_review_body_render (DnReviewBody *pg)
{
  render_children (pg, pg->body, 0);
  /* Pages after the last text (a blank or unread page). */
  place_page_pictures (pg, pg->n_pictures);
}
