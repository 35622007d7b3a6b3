/* The DOCX reader's paragraphs: runs and their marks, fields (TOC,
 * hyperlinks, page numbers), note references, inline content, and the
 * paragraph, heading or TOC entry they make. */
#include "dn-docx-private.h"

/* TRUE when text may be emitted: no field is in its instruction part. */
static gboolean
fields_show_text (Ctx *ctx)
{
  for (guint i = 0; i < ctx->fields->len; i++)
    if (!((Field *) g_ptr_array_index (ctx->fields, i))->in_result)
      return FALSE;
  return TRUE;
}

static const char *
field_href (Ctx *ctx)
{
  for (guint i = ctx->fields->len; i > 0; i--) {
    Field *f = g_ptr_array_index (ctx->fields, i - 1);
    if (f->kind == FIELD_HYPERLINK && f->in_result && f->href != NULL)
      return f->href;
  }
  return NULL;
}

static void
para_append (Ctx *ctx, Para *pb, const char *s, gssize len, guint32 marks, const char *href)
{
  if (len < 0)
    len = (gssize) strlen (s);
  if (len == 0)
    return;
  if (ctx->toc_active)
    pb->in_toc = TRUE;
  guint32 start = (guint32) pb->base.text->len;
  g_string_append_len (pb->base.text, s, len);
  guint32 end = (guint32) pb->base.text->len;
  if (href == NULL)
    href = field_href (ctx);
  if (href != NULL)
    marks |= DN_MARK_LINK;
  if (marks == 0)
    return;
  /* Word splits runs freely: a run continuing the last span's marks and
   * link extends it. */
  DnParaSpan *last = dn_para_builder_last_span (&pb->base);
  if (last != NULL && last->end == start && last->marks == marks && g_strcmp0 (last->href, href) == 0) {
    last->end = end;
    return;
  }
  dn_para_builder_add_span (&pb->base, start, end, marks, href);
}

static guint32
marks_of (const RunProps *r)
{
  return dn_para_marks (r->b, r->i, r->u, r->strike, r->vert);
}

void
dn_docx_field_free (gpointer p)
{
  Field *f = p;
  g_string_free (f->instr, TRUE);
  g_free (f->href);
  g_free (f);
}

/* Classifies a field from its instruction once its result begins. */
static void
field_begin_result (Ctx *ctx, Field *f)
{
  f->in_result = TRUE;
  char *instr = g_strstrip (g_strdup (f->instr->str));
  char **words = g_strsplit_set (instr, " \t", -1);
  const char *kw = words[0] != NULL ? words[0] : "";
  if (g_ascii_strcasecmp (kw, "TOC") == 0) {
    f->kind = FIELD_TOC;
  } else if (g_ascii_strcasecmp (kw, "HYPERLINK") == 0) {
    f->kind = FIELD_HYPERLINK;
    /* HYPERLINK "url" or HYPERLINK \l "anchor" */
    const char *q = strchr (instr, '"');
    const char *q2 = q != NULL ? strchr (q + 1, '"') : NULL;
    if (q != NULL && q2 != NULL) {
      gboolean local = strstr (instr, "\\l") != NULL && strstr (instr, "\\l") < q;
      f->href = g_strdup_printf ("%s%.*s", local ? "#" : "", (int) (q2 - q - 1), q + 1);
    }
  } else if (g_ascii_strcasecmp (kw, "PAGE") == 0 || g_ascii_strcasecmp (kw, "NUMPAGES") == 0 ||
             g_ascii_strcasecmp (kw, "SECTIONPAGES") == 0) {
    f->kind = FIELD_PAGE;
  }
  g_strfreev (words);
  g_free (instr);
  if (f->kind == FIELD_TOC) {
    if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
      dn_node_free (ctx->toc);
    ctx->toc = dn_node_new (DN_NODE_TOC);  /* placed by its first entry */
    ctx->toc_active = TRUE;
  }
}

static void
field_end (Ctx *ctx)
{
  if (ctx->fields->len == 0)
    return;
  Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
  /* The paragraph holding the end still adds its entry to ctx->toc. */
  if (f->kind == FIELD_TOC)
    ctx->toc_active = FALSE;
  g_ptr_array_remove_index (ctx->fields, ctx->fields->len - 1);
}

static void read_inline (Ctx *ctx, Para *pb, xmlNode *parent, const char *href);

static void
note_reference (Ctx *ctx, Para *pb, xmlNode *ref, gboolean endnote, guint32 marks)
{
  char *id = wattr (ref, "id");
  if (id == NULL)
    return;
  char *key = g_strdup_printf ("%s%s", endnote ? "en" : "fn", id);
  g_free (id);
  char *custom = wattr (ref, "customMarkFollows");
  gboolean custom_mark = custom != NULL && (strcmp (custom, "1") == 0 || strcmp (custom, "true") == 0);
  g_free (custom);
  char *number = custom_mark ? NULL
                             : g_strdup_printf ("%d", endnote ? ++ctx->n_endnote_refs : ++ctx->n_footnote_refs);
  if (number != NULL && !g_hash_table_contains (ctx->note_numbers, key))
    g_hash_table_insert (ctx->note_numbers, g_strdup (key), g_strdup (number));
  /* The reference mark as Word shows it (the note's number), carrying the
   * note id; a custom mark is the run text that follows. */
  para_append (ctx, pb, number != NULL ? number : "*", -1, marks | DN_MARK_NOTE_REF | DN_MARK_SUPERSCRIPT, NULL);
  DnParaSpan *last = dn_para_builder_last_span (&pb->base);
  if (last != NULL && (last->marks & DN_MARK_NOTE_REF)) {
    g_free (last->href);
    last->href = g_strdup (key);
  }
  g_free (number);
  g_free (key);
}

static void run_content (Ctx *ctx, Para *pb, xmlNode *first, const RunProps *rp, const char *href);

static void
read_run (Ctx *ctx, Para *pb, xmlNode *r, const char *href)
{
  RunProps rp = pb->pstyle_rpr;
  xmlNode *rpr = wchild (r, "rPr");
  if (rpr != NULL) {
    xmlNode *rs = wchild (rpr, "rStyle");
    if (rs != NULL) {
      char *sid = wattr (rs, "val");
      Style *cs = dn_docx_style_get (ctx, sid);
      if (cs != NULL)
        dn_docx_rpr_merge (&rp, &cs->rpr);
      g_free (sid);
    }
    RunProps direct;
    dn_docx_rpr_init (&direct);
    dn_docx_rpr_parse (rpr, &direct);
    dn_docx_rpr_merge (&rp, &direct);
  }
  run_content (ctx, pb, r->children, &rp, href);
}

/* The content of one run (or of an mc:AlternateContent branch inside it). */
static void
run_content (Ctx *ctx, Para *pb, xmlNode *first, const RunProps *run_props, const char *href)
{
  RunProps rp = *run_props;
  guint32 marks = marks_of (&rp);
  gboolean hidden = rp.vanish > 0;
  for (xmlNode *c = first; c != NULL; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    const char *name = (const char *) c->name;
    gboolean w = IS_W (c, name);
    if (w && strcmp (name, "fldChar") == 0) {
      char *t = wattr (c, "fldCharType");
      if (t != NULL && strcmp (t, "begin") == 0) {
        if (ctx->fields->len < 64) {
          Field *f = g_new0 (Field, 1);
          f->instr = g_string_new (NULL);
          g_ptr_array_add (ctx->fields, f);
        }
      } else if (t != NULL && strcmp (t, "separate") == 0) {
        if (ctx->fields->len > 0)
          field_begin_result (ctx, g_ptr_array_index (ctx->fields, ctx->fields->len - 1));
      } else if (t != NULL && strcmp (t, "end") == 0) {
        if (ctx->fields->len > 0) {
          Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
          if (!f->in_result)
            field_begin_result (ctx, f);  /* classify fields with no result */
          if (f->kind == FIELD_PAGE)
            pb->has_page_field = TRUE;
        }
        field_end (ctx);
      }
      g_free (t);
      continue;
    }
    if (w && strcmp (name, "instrText") == 0) {
      if (ctx->fields->len > 0) {
        Field *f = g_ptr_array_index (ctx->fields, ctx->fields->len - 1);
        if (!f->in_result) {
          char *s = dn_xml_get_content (c);
          if (f->instr->len < 4096)
            g_string_append (f->instr, s);
          g_free (s);
        }
      }
      continue;
    }
    if (w && strcmp (name, "drawing") == 0) {
      dn_docx_read_drawing (ctx, pb, c);
      continue;
    }
    if (w && (strcmp (name, "pict") == 0 || strcmp (name, "object") == 0)) {
      dn_docx_read_vml (ctx, pb, c);
      continue;
    }
    if (IS_MC (c, "AlternateContent")) {
      xmlNode *b = dn_docx_alternate_branch (c);
      if (b != NULL)
        run_content (ctx, pb, b->children, &rp, href);  /* w:drawing, w:pict, w:t */
      continue;
    }
    if (w && strcmp (name, "ruby") == 0) {
      /* Phonetic guides: the base text is the text; the guide (w:rt) is not. */
      xmlNode *base = wchild (c, "rubyBase");
      if (base != NULL)
        read_inline (ctx, pb, base, href);
      continue;
    }
    if (!w || hidden || !fields_show_text (ctx))
      continue;
    if (strcmp (name, "t") == 0) {
      char *s = dn_xml_get_content (c);
      gsize len = strlen (s);
      para_append (ctx, pb, s, (gssize) len, marks, href);
      pb->text_bytes += (guint) len;
      if (marks & DN_MARK_BOLD)
        pb->bold_bytes += (guint) len;
      if (marks & DN_MARK_ITALIC)
        pb->italic_bytes += (guint) len;
      if (pb->first_sz == 0 && rp.sz > 0)
        pb->first_sz = rp.sz;
      g_free (s);
    } else if (strcmp (name, "tab") == 0 || strcmp (name, "ptab") == 0) {
      para_append (ctx, pb, "\t", 1, marks, href);
    } else if (strcmp (name, "br") == 0) {
      char *t = wattr (c, "type");
      /* Page and column breaks are layout, not text. */
      if (t == NULL || strcmp (t, "textWrapping") == 0)
        para_append (ctx, pb, "\n", 1, marks, href);
      g_free (t);
    } else if (strcmp (name, "cr") == 0) {
      para_append (ctx, pb, "\n", 1, marks, href);
    } else if (strcmp (name, "noBreakHyphen") == 0) {
      para_append (ctx, pb, "\u2011", -1, marks, href);
    } else if (strcmp (name, "softHyphen") == 0) {
      para_append (ctx, pb, "\u00AD", -1, marks, href);  /* invisible unless at a line end; kept */
    } else if (strcmp (name, "sym") == 0) {
      char *ch = wattr (c, "char");
      if (ch != NULL) {
        gunichar u = (gunichar) g_ascii_strtoull (ch, NULL, 16);
        /* Symbol-font characters get their Unicode meaning; other symbol
         * fonts (Wingdings) have no agreed mapping and stay as written. */
        char *font = wattr (c, "font");
        if (font != NULL && g_ascii_strcasecmp (font, "Symbol") == 0) {
          guint code = u >= 0xF000 && u <= 0xF0FF ? u - 0xF000 : u;
          gunichar m = code <= 0xFF ? dn_docx_symbol_to_unicode (code) : 0;
          if (m != 0)
            u = m;
        }
        g_free (font);
        if (g_unichar_validate (u) && u != 0) {
          char buf[8];
          int l = g_unichar_to_utf8 (u, buf);
          para_append (ctx, pb, buf, l, marks, href);
        }
        g_free (ch);
      }
    } else if (strcmp (name, "footnoteReference") == 0 || strcmp (name, "endnoteReference") == 0) {
      note_reference (ctx, pb, c, name[0] == 'e', marks & ~(guint32) DN_MARK_SUPERSCRIPT);
    }
    /* lastRenderedPageBreak, footnoteRef, separators, delText,
     * commentReference, annotationRef: no trace in the text. */
  }
}

static void
read_inline (Ctx *ctx, Para *pb, xmlNode *parent, const char *href)
{
  for (xmlNode *c = parent->children; c != NULL && !ctx_failed (ctx); c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    if (IS_W (c, "r")) {
      read_run (ctx, pb, c, href);
    } else if (IS_W (c, "hyperlink")) {
      char *rid = dn_xml_get_attr (c, NS_R, NS_R_S, "id");
      char *anchor = wattr (c, "anchor");
      const DnOoxmlRel *rel = dn_ooxml_rels_by_id (ctx->cur_rels, rid);
      char *target = rel != NULL ? g_strdup (rel->target) : anchor != NULL ? g_strdup_printf ("#%s", anchor) : NULL;
      if (rel != NULL && anchor != NULL) {
        char *t = g_strdup_printf ("%s#%s", target, anchor);
        g_free (target);
        target = t;
      }
      read_inline (ctx, pb, c, target != NULL ? target : href);
      g_free (target);
      g_free (rid);
      g_free (anchor);
    } else if (IS_W (c, "fldSimple")) {
      Field *f = g_new0 (Field, 1);
      char *instr = wattr (c, "instr");
      f->instr = g_string_new (instr);
      g_free (instr);
      g_ptr_array_add (ctx->fields, f);
      field_begin_result (ctx, f);
      if (f->kind == FIELD_PAGE)
        pb->has_page_field = TRUE;
      read_inline (ctx, pb, c, href);
      field_end (ctx);
    } else if (IS_W (c, "ins") || IS_W (c, "moveTo") || IS_W (c, "smartTag") || IS_W (c, "customXml") ||
               IS_W (c, "dir") || IS_W (c, "bdo")) {
      read_inline (ctx, pb, c, href);
    } else if (IS_W (c, "sdt")) {
      xmlNode *content = wchild (c, "sdtContent");
      if (content != NULL)
        read_inline (ctx, pb, content, href);
    } else if (IS_MC (c, "AlternateContent")) {
      xmlNode *b = dn_docx_alternate_branch (c);
      if (b != NULL)
        read_inline (ctx, pb, b, href);
    } else if (dn_xml_is (c, NS_M, NS_M_S, "oMathPara") || dn_xml_is (c, NS_M, NS_M_S, "oMath")) {
      /* Equations: their text in reading order. */
      char *s = dn_xml_get_content (c);
      para_append (ctx, pb, s, -1, 0, href);
      g_free (s);
    }
    /* w:del, w:moveFrom (tracked deletions), bookmarks, proofErr,
     * permStart/End, commentRangeStart/End: nothing. */
  }
}

/* Splits "title\tpage" TOC entry text; returns the printed page or 0. */
static int
toc_split (char *text)
{
  char *tab = strrchr (text, '\t');
  int page = 0;
  if (tab != NULL) {
    char *p = g_strstrip (g_strdup (tab + 1));
    char *end;
    gint64 v = g_ascii_strtoll (p, &end, 10);
    if (*p != '\0' && *end == '\0' && v > 0 && v < 100000) {
      page = (int) v;
      *tab = '\0';
    }
    g_free (p);
  }
  /* Leader tabs before the page number go too. */
  gsize l = strlen (text);
  while (l > 0 && (text[l - 1] == '\t' || text[l - 1] == ' '))
    text[--l] = '\0';
  return page;
}

void
dn_docx_read_paragraph (Ctx *ctx, DnNode *parent, xmlNode *p)
{
  xmlNode *ppr = wchild (p, "pPr");
  char *style_id = NULL;
  int num_id = -1, ilvl = -1, outline = -1;
  DnAlign jc = DN_ALIGN_UNKNOWN;
  double indent = 0;
  xmlNode *c;
  if (ppr != NULL) {
    if ((c = wchild (ppr, "pStyle")) != NULL)
      style_id = wattr (c, "val");
    if ((c = wchild (ppr, "numPr")) != NULL) {
      xmlNode *id = wchild (c, "numId"), *il = wchild (c, "ilvl");
      if (id != NULL)
        num_id = wattr_int (id, "val", -1);
      if (il != NULL)
        ilvl = wattr_int (il, "val", -1);
    }
    if ((c = wchild (ppr, "outlineLvl")) != NULL)
      outline = wattr_int (c, "val", -1);
    if ((c = wchild (ppr, "jc")) != NULL)
      jc = dn_docx_parse_jc (c);
    if ((c = wchild (ppr, "ind")) != NULL) {
      int left = wattr_int (c, "left", G_MININT);
      if (left == G_MININT)
        left = wattr_int (c, "start", 0);
      indent = left / 20.0;
    }
  }
  Style *st = dn_docx_style_get (ctx, style_id != NULL ? style_id : ctx->default_pstyle);
  if (st != NULL) {
    gboolean from_style = num_id < 0;
    if (num_id < 0)
      num_id = st->num_id;
    /* Numbering from the style: the level whose w:pStyle names the style
     * wins over the style's own ilvl (ECMA-376 §17.9.23). */
    if (from_style && num_id > 0) {
      int linked = dn_docx_level_for_style (ctx, num_id, st->id);
      if (linked >= 0)
        ilvl = linked;
    }
    if (ilvl < 0 && num_id == st->num_id)
      ilvl = st->ilvl;
    if (outline < 0)
      outline = st->outline;
    if (jc == DN_ALIGN_UNKNOWN)
      jc = st->jc;
  }
  if (ilvl < 0)
    ilvl = 0;
  const char *fmt = NULL;
  char *label = dn_docx_number_paragraph (ctx, num_id, ilvl, &fmt);

  Para pb = { 0 };
  dn_para_builder_init (&pb.base);
  pb.pstyle_rpr = ctx->defaults;
  if (st != NULL)
    dn_docx_rpr_merge (&pb.pstyle_rpr, &st->rpr);
  pb.in_toc = ctx->toc_active;
  read_inline (ctx, &pb, p, NULL);

  int level = 0;
  if (outline >= 0 && outline <= 8)
    level = outline + 1;
  else if (outline < 0 && st != NULL && st->heading_by_name > 0)
    level = st->heading_by_name;

  gboolean empty = pb.base.text->len == 0 && (label == NULL || *label == '\0');
  if (!empty && !ctx_failed (ctx) && count_node (ctx)) {
    DnNode *node;
    if (pb.in_toc) {
      if (ctx->toc == NULL || dn_node_parent (ctx->toc) != parent) {
        if (ctx->toc != NULL && dn_node_parent (ctx->toc) == NULL)
          dn_node_free (ctx->toc);
        ctx->toc = dn_node_new (DN_NODE_TOC);
      }
      if (dn_node_parent (ctx->toc) == NULL) {
        dn_node_append_child (parent, ctx->toc);
        count_node (ctx);
      }
      node = dn_node_append_new (ctx->toc, DN_NODE_TOC_ENTRY);
      char *text = g_string_free (pb.base.text, FALSE);
      pb.base.text = g_string_new (NULL);
      int page = toc_split (text);
      dn_node_take_text (node, text);
      if (page > 0)
        dn_node_set_attr_int (node, DN_ATTR_PRINTED_PAGE, page);
    } else {
      node = dn_node_append_new (parent, level > 0 ? DN_NODE_HEADING : DN_NODE_PARAGRAPH);
      dn_node_set_text_len (node, pb.base.text->str, (gssize) pb.base.text->len);
      for (guint i = 0; i < pb.base.spans->len; i++) {
        DnParaSpan *sp = &g_array_index (pb.base.spans, DnParaSpan, i);
        dn_node_add_span (node, sp->start, sp->end, sp->marks, sp->href);
      }
    }
    DnHints *h = dn_node_hints (node);
    if (level > 0)
      h->outline_level = level;
    h->align = jc;
    h->indent = indent;
    if (pb.text_bytes > 0) {
      h->bold = pb.bold_bytes * 2 > pb.text_bytes;
      h->italic = pb.italic_bytes * 2 > pb.text_bytes;
    } else {
      h->bold = h->italic = -1;
    }
    int sz = pb.first_sz > 0 ? pb.first_sz : pb.pstyle_rpr.sz;
    if (sz > 0)
      h->font_size = sz / 2.0;
    if (label != NULL && *label != '\0') {
      dn_node_set_attr (node, DN_ATTR_LABEL, label);
      dn_node_set_attr (node, DN_ATTR_MARKER_TYPE, fmt);
    }
    if (style_id != NULL)
      dn_node_set_attr (node, DN_ATTR_STYLE, style_id);
    if (pb.has_page_field)
      dn_node_set_attr (node, DN_ATTR_ROLE, "page_number");
  }
  /* Figures and text-box blocks follow their anchoring paragraph. */
  dn_para_builder_place_after (&pb.base, parent);
  dn_para_builder_clear (&pb.base);
  g_free (label);
  g_free (style_id);
}
