/* ODT text: inline content (spans, links, white space, notes, frames,
 * annotations) collected into paragraphs and headings, and the entries of
 * indexes (tables of contents). */
#include <stdlib.h>
#include <string.h>

#include "dn-para-builder.h"
#include "dn-odt-private.h"

static guint32
marks_of (const DnOdtResolved *r)
{
  return dn_para_marks (r->bold, r->italic, r->underline, r->strike, r->position);
}

/* ---------- inline text ---------- */

/* One paragraph being collected. */
typedef struct {
  DnParaBuilder base;   /* text, spans, figures to place after the paragraph */
  gboolean has_sequence;
  char *label;          /* text:h's text:number */
} Para;

static void
para_init (Para *pb)
{
  memset (pb, 0, sizeof *pb);
  dn_para_builder_init (&pb->base);
}

static void
para_clear (Para *pb)
{
  dn_para_builder_clear (&pb->base);
  g_free (pb->label);
}

/* ODF white space: runs of space, tab, CR, LF in the text become one space;
 * none at the start of the paragraph. */
static void
append_collapsed (GString *out, const char *s)
{
  for (; *s != '\0'; s++) {
    if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') {
      if (out->len == 0 || out->str[out->len - 1] == ' ' || out->str[out->len - 1] == '\n')
        continue;
      g_string_append_c (out, ' ');
    } else {
      g_string_append_c (out, *s);
    }
  }
}

static void read_inline (DnOdtCtx *ctx, Para *pb, xmlNode *parent, guint32 marks, const char *href, guint depth);

static void
add_span (Para *pb, guint32 start, guint32 marks, const char *href)
{
  if (marks == 0 && href == NULL)
    return;
  if (start >= pb->base.text->len)
    return;
  /* Each text node keeps its own span: no joining with the last one. */
  dn_para_builder_add_span (&pb->base, start, (guint32) pb->base.text->len,
                            marks | (href != NULL ? DN_MARK_LINK : 0), href);
}

/* Records an embedded image (written into the images folder when asked)
 * and returns the name kept in the image attribute; borrowed. */
static const char *
image_file (DnOdtCtx *ctx, const char *part)
{
  return dn_para_image_file (ctx->images, ctx->zip, part, ctx->doc, "ODT_IMAGE_WRITE_FAILED",
                             "ODT_IMAGE_MISSING", &ctx->error);
}

/* draw:frame: a figure for its image (or object), with any text box's
 * paragraphs (captions) inside. Returned unlinked; NULL when empty. */
DnNode *
dn_odt_read_frame (DnOdtCtx *ctx, xmlNode *frame, guint depth)
{
  if (!dn_odt_count_node (ctx))
    return NULL;
  DnNode *fig = dn_node_new (DN_NODE_FIGURE);
  char *title = NULL, *desc = NULL;
  gboolean any = FALSE;
  for (xmlNode *c = frame->children; c != NULL; c = c->next) {
    if (IS (c, NS_SVG, "title") && title == NULL)
      title = dn_xml_get_content (c);
    else if (IS (c, NS_SVG, "desc") && desc == NULL)
      desc = dn_xml_get_content (c);
  }
  for (xmlNode *c = frame->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
    if (IS (c, NS_DRAW, "image") && dn_node_get_attr (fig, DN_ATTR_IMAGE) == NULL) {
      char *href = dn_xml_get_attr (c, NS_XLINK, NULL, "href");
      if (href != NULL && *href != '\0') {
        const char *part = g_str_has_prefix (href, "./") ? href + 2 : href;
        if (strstr (part, "://") != NULL || part[0] == '/') {
          dn_document_add_warning (ctx->doc, "ODT_IMAGE_EXTERNAL", 0, "linked image %s is not embedded", href);
          dn_node_set_attr (fig, DN_ATTR_IMAGE, href);
        } else if (!dn_ooxml_zip_has (ctx->zip, part)) {
          dn_document_add_warning (ctx->doc, "ODT_IMAGE_MISSING", 0, "image part %s is missing", part);
          dn_node_set_attr (fig, DN_ATTR_IMAGE, part);
        } else {
          dn_node_set_attr (fig, DN_ATTR_IMAGE, image_file (ctx, part));
          dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, g_hash_table_lookup (ctx->media_types, part));
        }
        any = TRUE;
      }
      g_free (href);
    } else if (IS (c, NS_DRAW, "text-box")) {
      dn_odt_read_blocks (ctx, fig, c, depth + 1);
      any = TRUE;
    } else if (IS (c, NS_DRAW, "object") || IS (c, NS_DRAW, "object-ole")) {
      any = TRUE; /* a chart or formula: the placement is kept */
    }
  }
  char *alt = desc != NULL && *g_strstrip (desc) != '\0' ? desc : title;
  if (alt != NULL && *g_strstrip (alt) != '\0') {
    dn_node_set_attr (fig, DN_ATTR_ALT, alt);
    any = TRUE;
  }
  g_free (title);
  g_free (desc);
  char *ws = dn_xml_get_attr (frame, NS_SVG, NULL, "width"), *hs = dn_xml_get_attr (frame, NS_SVG, NULL, "height");
  /* Pixels at 96 per inch, as the DOCX reader records them. */
  double w = dn_odt_length_points (ws);
  double h = dn_odt_length_points (hs);
  if (w > 0)
    dn_node_set_attr_int (fig, DN_ATTR_WIDTH, (gint64) (w * 96 / 72 + 0.5));
  if (h > 0)
    dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, (gint64) (h * 96 / 72 + 0.5));
  g_free (ws);
  g_free (hs);
  /* LibreOffice frames a captioned image as a frame whose text box holds
   * the image's own frame and the caption: one figure, not two. */
  DnNode *inner = NULL;
  guint n_figures = 0;
  for (DnNode *c = dn_node_first_child (fig); c != NULL; c = dn_node_next (c))
    if (dn_node_get_node_type (c) == DN_NODE_FIGURE) {
      inner = c;
      n_figures++;
    }
  if (n_figures == 1 && dn_node_get_attr (fig, DN_ATTR_IMAGE) == NULL && dn_node_get_attr (fig, DN_ATTR_ALT) == NULL) {
    static const char *const keys[] = { DN_ATTR_IMAGE, DN_ATTR_MEDIA_TYPE, DN_ATTR_WIDTH, DN_ATTR_HEIGHT, DN_ATTR_ALT };
    for (guint k = 0; k < G_N_ELEMENTS (keys); k++)
      if (dn_node_get_attr (inner, keys[k]) != NULL)
        dn_node_set_attr (fig, keys[k], dn_node_get_attr (inner, keys[k]));
    while (dn_node_first_child (inner) != NULL) {
      DnNode *c = dn_node_first_child (inner);
      dn_node_unlink (c);
      dn_node_insert_before (inner, c);
    }
    dn_node_free (inner);
  }
  if (!any) {
    dn_node_free (fig);
    return NULL;
  }
  return fig;
}

/* office:annotation: a comment of its own, kept apart from the text. */
void
dn_odt_read_annotation (DnOdtCtx *ctx, xmlNode *ann, guint depth)
{
  if (!dn_odt_count_node (ctx))
    return;
  DnNode *cm = dn_node_new (DN_NODE_COMMENT);
  g_ptr_array_add (ctx->comments, cm);
  char *id = g_strdup_printf ("comment-%u", ++ctx->n_comments);
  dn_node_set_attr (cm, DN_ATTR_ID, id);
  g_free (id);
  for (xmlNode *c = ann->children; c != NULL; c = c->next)
    if (IS (c, NS_DC, "creator")) {
      char *who = dn_xml_get_content (c);
      dn_node_set_attr (cm, DN_ATTR_AUTHOR, *who != '\0' ? who : NULL);
      g_free (who);
    }
  dn_odt_read_blocks (ctx, cm, ann, depth + 1);
}

/* text:note: the citation becomes a note_ref span in the text; the body a
 * footnote node after the document's body. */
static void
read_note (DnOdtCtx *ctx, Para *pb, xmlNode *note, guint depth)
{
  char *id = dn_xml_get_attr (note, NS_TEXT, NULL, "id");
  char *cls = dn_xml_get_attr (note, NS_TEXT, NULL, "note-class");
  gboolean endnote = g_strcmp0 (cls, "endnote") == 0;
  char *key = g_strdup_printf ("%s%s", endnote ? "en-" : "fn-", id != NULL ? id : "");
  char *citation = NULL;
  for (xmlNode *c = note->children; c != NULL; c = c->next)
    if (IS (c, NS_TEXT, "note-citation") && citation == NULL)
      citation = dn_xml_get_content (c);
  if (citation != NULL && *citation != '\0') {
    guint32 start = (guint32) pb->base.text->len;
    g_string_append (pb->base.text, citation);
    dn_para_builder_add_span (&pb->base, start, (guint32) pb->base.text->len, DN_MARK_NOTE_REF, key);
  }
  for (xmlNode *c = note->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
    if (!IS (c, NS_TEXT, "note-body") || !dn_odt_count_node (ctx))
      continue;
    DnNode *fn = dn_node_new (DN_NODE_FOOTNOTE);
    g_ptr_array_add (ctx->notes, fn);
    dn_node_set_attr (fn, DN_ATTR_NOTE_ID, key);
    dn_node_set_attr (fn, DN_ATTR_LABEL, citation != NULL && *citation != '\0' ? citation : NULL);
    dn_node_set_attr (fn, DN_ATTR_ROLE, endnote ? "endnote" : "footnote");
    dn_odt_read_blocks (ctx, fn, c, depth + 1);
  }
  g_free (citation);
  g_free (key);
  g_free (cls);
  g_free (id);
}

static void
read_inline (DnOdtCtx *ctx, Para *pb, xmlNode *parent, guint32 marks, const char *href, guint depth)
{
  if (depth > ctx->max_depth) {
    if (ctx->error == NULL)
      g_set_error (&ctx->error, DN_ERROR, DN_ERROR_LIMIT, "text nested deeper than %u levels", ctx->max_depth);
    return;
  }
  for (xmlNode *n = parent->children; n != NULL && !dn_odt_failed (ctx); n = n->next) {
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
      guint32 start = (guint32) pb->base.text->len;
      append_collapsed (pb->base.text, (const char *) n->content);
      add_span (pb, start, marks, href);
      continue;
    }
    if (n->type != XML_ELEMENT_NODE)
      continue;
    guint32 start = (guint32) pb->base.text->len;
    if (IS (n, NS_TEXT, "s")) {
      char *c = dn_xml_get_attr (n, NS_TEXT, NULL, "c");
      int count = c != NULL ? CLAMP (atoi (c), 1, 1000) : 1;
      g_free (c);
      for (int i = 0; i < count; i++)
        g_string_append_c (pb->base.text, ' ');
      add_span (pb, start, marks, href);
    } else if (IS (n, NS_TEXT, "tab")) {
      g_string_append_c (pb->base.text, '\t');
    } else if (IS (n, NS_TEXT, "line-break")) {
      while (pb->base.text->len > 0 && pb->base.text->str[pb->base.text->len - 1] == ' ')
        g_string_truncate (pb->base.text, pb->base.text->len - 1);
      g_string_append_c (pb->base.text, '\n');
    } else if (IS (n, NS_TEXT, "span")) {
      char *sn = dn_xml_get_attr (n, NS_TEXT, NULL, "style-name");
      DnOdtResolved r;
      dn_odt_style_resolve (ctx, "text", sn, &r);
      g_free (sn);
      read_inline (ctx, pb, n, marks | marks_of (&r), href, depth + 1);
    } else if (IS (n, NS_TEXT, "a")) {
      char *target = dn_xml_get_attr (n, NS_XLINK, NULL, "href");
      read_inline (ctx, pb, n, marks, target != NULL ? target : href, depth + 1);
      g_free (target);
    } else if (IS (n, NS_TEXT, "note")) {
      read_note (ctx, pb, n, depth + 1);
    } else if (IS (n, NS_OFFICE, "annotation")) {
      dn_odt_read_annotation (ctx, n, depth + 1);
    } else if (IS (n, NS_DRAW, "frame")) {
      DnNode *fig = dn_odt_read_frame (ctx, n, depth + 1);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
    } else if (IS (n, NS_DRAW, "a")) {
      read_inline (ctx, pb, n, marks, href, depth + 1);
    } else if (IS (n, NS_TEXT, "number")) {
      /* A heading's or item's number as rendered: kept as its label. */
      if (pb->label == NULL)
        pb->label = dn_xml_get_content (n);
    } else if (IS (n, NS_TEXT, "sequence")) {
      pb->has_sequence = TRUE;
      read_inline (ctx, pb, n, marks, href, depth + 1);
    } else if (IS (n, NS_TEXT, "tracked-changes") || IS (n, NS_OFFICE, "annotation-end") ||
               IS (n, NS_TEXT, "bookmark") || IS (n, NS_TEXT, "bookmark-start") ||
               IS (n, NS_TEXT, "bookmark-end") || IS (n, NS_TEXT, "soft-page-break") ||
               IS (n, NS_TEXT, "reference-mark-start") || IS (n, NS_TEXT, "reference-mark-end") ||
               IS (n, NS_TEXT, "change-start") || IS (n, NS_TEXT, "change-end") || IS (n, NS_TEXT, "change") ||
               IS (n, NS_TEXT, "toc-mark") || IS (n, NS_TEXT, "alphabetical-index-mark") ||
               IS (n, NS_TEXT, "ruby-text")) {
      /* Marks, deleted text and annotations to the side carry no text. */
    } else {
      /* Fields (page number, date, title …), ruby base, meta: their text. */
      read_inline (ctx, pb, n, marks, href, depth + 1);
    }
  }
}

/* Moves the collected paragraph text into @node (with its spans). */
static void
para_finish (Para *pb, DnNode *node)
{
  GString *t = pb->base.text;
  gsize len = t->len;
  while (len > 0 && (t->str[len - 1] == ' ' || t->str[len - 1] == '\n'))
    len--;
  g_string_truncate (t, len);
  if (len == 0)
    return;
  dn_node_set_text_len (node, t->str, (gssize) len);
  for (guint i = 0; i < pb->base.spans->len; i++) {
    const DnParaSpan *s = &g_array_index (pb->base.spans, DnParaSpan, i);
    guint32 end = MIN (s->end, (guint32) len);
    if (s->start < end)
      dn_node_add_span (node, s->start, end, s->marks, s->href);
  }
}

/* text:p or text:h into @parent (or into @owner's own text when given and
 * still empty: the first paragraph of a list item or table cell). */
void
dn_odt_read_paragraph (DnOdtCtx *ctx, DnNode *parent, DnNode *owner, xmlNode *p, gboolean heading, guint depth)
{
  Para pb;
  para_init (&pb);
  char *sn = dn_xml_get_attr (p, NS_TEXT, NULL, "style-name");
  DnOdtResolved r;
  dn_odt_style_resolve (ctx, "paragraph", sn, &r);
  read_inline (ctx, &pb, p, marks_of (&r) & ~(guint32) (DN_MARK_BOLD | DN_MARK_ITALIC), NULL, depth + 1);
  gboolean caption = !heading && (r.caption || pb.has_sequence);
  DnNode *node = NULL;
  if (!dn_odt_failed (ctx)) {
    gboolean into_owner = owner != NULL && dn_node_get_text (owner) == NULL && dn_node_first_child (owner) == NULL;
    if (into_owner) {
      node = owner;
    } else {
      gboolean empty = pb.base.text->len == 0 || strspn (pb.base.text->str, " \n") == pb.base.text->len;
      if (!empty || heading)
        node = dn_odt_new_node (ctx, parent, heading ? DN_NODE_HEADING : caption ? DN_NODE_CAPTION : DN_NODE_PARAGRAPH);
    }
  }
  if (node != NULL) {
    para_finish (&pb, node);
    if (node != owner) {
      const DnOdtStyle *st = dn_odt_style_get (ctx, "paragraph", sn);
      if (st != NULL)
        dn_node_set_attr (node, DN_ATTR_STYLE, st->display);
      DnHints *h = dn_node_hints (node);
      h->font_size = r.font_size;
      h->bold = r.bold < 0 ? -1 : r.bold;
      h->italic = r.italic < 0 ? -1 : r.italic;
      h->align = r.align;
      if (heading) {
        char *lv = dn_xml_get_attr (p, NS_TEXT, NULL, "outline-level");
        int level = lv != NULL ? atoi (lv) : r.outline_level;
        h->outline_level = CLAMP (level > 0 ? level : 1, 1, 9);
        g_free (lv);
      } else if (r.outline_level > 0) {
        /* A paragraph in a style with an outline level: a hint only. */
        h->outline_level = CLAMP (r.outline_level, 1, 9);
      }
      if (pb.label != NULL && *pb.label != '\0')
        dn_node_set_attr (node, DN_ATTR_LABEL, pb.label);
      /* An empty heading carries nothing. */
      if (heading && dn_node_get_text (node) == NULL)
        dn_node_free (node);
    }
  }
  /* Frames anchored in the paragraph follow it. */
  dn_para_builder_place_after (&pb.base, parent);
  para_clear (&pb);
  g_free (sn);
}

/* The entries of an index body: "title<TAB>page" paragraphs. */
void
dn_odt_read_index (DnOdtCtx *ctx, DnNode *parent, xmlNode *index, guint depth)
{
  DnNode *toc = dn_odt_new_node (ctx, parent, DN_NODE_TOC);
  if (toc == NULL)
    return;
  for (xmlNode *c = index->children; c != NULL && !dn_odt_failed (ctx); c = c->next) {
    if (!IS (c, NS_TEXT, "index-body"))
      continue;
    for (xmlNode *p = c->children; p != NULL && !dn_odt_failed (ctx); p = p->next) {
      if (IS (p, NS_TEXT, "index-title")) {
        /* The index's own heading ("Table of Contents") comes first. */
        for (xmlNode *t = p->children; t != NULL && !dn_odt_failed (ctx); t = t->next)
          if (IS (t, NS_TEXT, "p") || IS (t, NS_TEXT, "h"))
            dn_odt_read_paragraph (ctx, parent, NULL, t, IS (t, NS_TEXT, "h"), depth + 1);
        /* ... before the entries. */
        dn_node_unlink (toc);
        dn_node_append_child (parent, toc);
        continue;
      }
      if (!IS (p, NS_TEXT, "p"))
        continue;
      DnNode *e = dn_odt_new_node (ctx, toc, DN_NODE_TOC_ENTRY);
      if (e == NULL)
        return;
      Para pb;
      para_init (&pb);
      read_inline (ctx, &pb, p, 0, NULL, depth + 1);
      /* The page number after the last tab is the printed page. */
      char *tab = strrchr (pb.base.text->str, '\t');
      gint64 page;
      if (tab != NULL && g_ascii_string_to_signed (g_strstrip (tab + 1), 10, 1, 100000, &page, NULL)) {
        dn_node_set_attr_int (e, DN_ATTR_PRINTED_PAGE, page);
        g_string_truncate (pb.base.text, (gsize) (tab - pb.base.text->str));
      }
      for (char *t = pb.base.text->str; *t != '\0'; t++)
        if (*t == '\t')
          *t = ' ';
      para_finish (&pb, e);
      para_clear (&pb);
    }
  }
}

