/* The DOCX reader's drawings: DrawingML pictures and text boxes, VML
 * pictures and text boxes, queued as figures and blocks after the
 * paragraph that anchors them. */
#include "dn-docx-private.h"

/* The first mc:Choice (its namespaces are ones this reader knows: DrawingML
 * shapes, Word 2010+ markup), else the mc:Fallback: exactly one branch, so
 * a text box is read once. */
xmlNode *
dn_docx_alternate_branch (xmlNode *ac)
{
  xmlNode *fallback = NULL;
  for (xmlNode *c = ac->children; c != NULL; c = c->next) {
    if (IS_MC (c, "Choice"))
      return c;
    if (IS_MC (c, "Fallback"))
      fallback = c;
  }
  return fallback;
}

/* The name recorded in a figure's image attribute; the image is written
 * into the images folder the first time (borrowed from ctx->images). */
static const char *
image_file (Ctx *ctx, const char *part)
{
  return dn_para_image_file (ctx->images, ctx->zip, part, ctx->doc, "DOCX_IMAGE_WRITE_FAILED",
                             "DOCX_IMAGE_MISSING", &ctx->error);
}

static DnNode *
make_figure (Ctx *ctx, const char *rid, const char *alt, gint64 cx_emu, gint64 cy_emu)
{
  if (!count_node (ctx))
    return NULL;
  DnNode *fig = dn_node_new (DN_NODE_FIGURE);
  const DnOoxmlRel *rel = dn_ooxml_rels_by_id (ctx->cur_rels, rid);
  if (rel == NULL) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_MISSING", 0, "image relationship %s not found in %s",
                             rid != NULL ? rid : "(none)", ctx->cur_part);
  } else if (rel->external) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_EXTERNAL", 0, "linked image %s is not embedded",
                             rel->target);
    dn_node_set_attr (fig, DN_ATTR_IMAGE, rel->target);
  } else if (!dn_ooxml_zip_has (ctx->zip, rel->target)) {
    dn_document_add_warning (ctx->doc, "DOCX_IMAGE_MISSING", 0, "image part %s is missing", rel->target);
  } else {
    dn_node_set_attr (fig, DN_ATTR_IMAGE, image_file (ctx, rel->target));
    char *ct = dn_ooxml_zip_content_type (ctx->zip, rel->target);
    dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, ct);
    g_free (ct);
  }
  if (alt != NULL && *alt != '\0')
    dn_node_set_attr (fig, DN_ATTR_ALT, alt);
  /* EMU → pixels at 96 dpi */
  if (cx_emu > 0 && cy_emu > 0) {
    dn_node_set_attr_int (fig, DN_ATTR_WIDTH, (cx_emu + 4762) / 9525);
    dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, (cy_emu + 4762) / 9525);
  }
  return fig;
}

/* Text-box content: its blocks are read into a holder and queued after the
 * paragraph that anchors the box. */
static void
queue_text_box (Ctx *ctx, Para *pb, xmlNode *txbx_content)
{
  if (ctx->depth >= ctx->opt->limits.max_xml_depth)
    return;
  DnNode *holder = dn_node_new (DN_NODE_DOCUMENT);
  ctx->depth++;
  dn_docx_read_blocks (ctx, holder, txbx_content);
  ctx->depth--;
  DnNode *c;
  while ((c = dn_node_first_child (holder)) != NULL) {
    dn_node_unlink (c);
    g_ptr_array_add (pb->base.after, c);
  }
  dn_node_free (holder);
}

static gint64
attr_int64 (const xmlNode *n, const char *name)
{
  xmlChar *v = xmlGetNoNsProp (n, (const xmlChar *) name);
  gint64 out = v != NULL ? g_ascii_strtoll ((const char *) v, NULL, 10) : 0;
  xmlFree (v);
  return CLAMP (out, 0, G_GINT64_CONSTANT (1000000000000000));  /* EMU; hostile values stay finite */
}

static char *
noattr (const xmlNode *n, const char *name)
{
  return dn_xml_get_attr (n, NULL, NULL, name);
}

/* A depth-first walk over the elements below a drawing or VML shape with
 * an explicit stack (drawings nest groups arbitrarily), at most 256 deep.
 * After shape_walk_next() returns an element the walk goes on into
 * @children, its children unless the caller sets another list (an
 * AlternateContent's chosen branch) or NULL (a text box, read on its own). */
typedef struct {
  xmlNode *cur;       /* the element last returned */
  xmlNode *children;  /* where the walk goes from @cur */
  xmlNode *next;      /* the next sibling to look at when there is no @cur */
  GPtrArray *stack;   /* the elements whose children are being walked */
} ShapeWalk;

static void
shape_walk_init (ShapeWalk *w, xmlNode *shape)
{
  *w = (ShapeWalk) { NULL, NULL, shape->children, g_ptr_array_new () };
}

static xmlNode *
shape_walk_next (ShapeWalk *w)
{
  xmlNode *n = w->next;
  if (w->cur != NULL) {
    if (w->children != NULL && w->stack->len < 256) {
      g_ptr_array_add (w->stack, w->cur);
      n = w->children;
    } else {
      n = w->cur->next;
    }
    w->cur = NULL;
  }
  while (n != NULL || w->stack->len > 0) {
    if (n == NULL) {
      xmlNode *up = g_ptr_array_steal_index (w->stack, w->stack->len - 1);
      n = up->next;
    } else if (n->type != XML_ELEMENT_NODE) {
      n = n->next;
    } else {
      w->cur = n;
      w->children = n->children;
      return n;
    }
  }
  w->next = NULL;
  return NULL;
}

static void
shape_walk_clear (ShapeWalk *w)
{
  g_ptr_array_unref (w->stack);
}

/* DrawingML (w:drawing): pictures with wp:docPr alt text, and wps text
 * boxes. Walks the drawing's subtree without descending into a text box's
 * content twice. */
void
dn_docx_read_drawing (Ctx *ctx, Para *pb, xmlNode *drawing)
{
  char *alt = NULL;
  gint64 cx = 0, cy = 0;
  ShapeWalk w;
  shape_walk_init (&w, drawing);
  for (xmlNode *n; (n = shape_walk_next (&w)) != NULL;) {
    const char *name = (const char *) n->name;
    if (strcmp (name, "docPr") == 0 && alt == NULL) {
      alt = noattr (n, "descr");
      if (alt == NULL || *alt == '\0') {
        g_free (alt);
        alt = noattr (n, "title");
      }
    } else if (strcmp (name, "extent") == 0 && cx == 0) {
      cx = attr_int64 (n, "cx");
      cy = attr_int64 (n, "cy");
    } else if (strcmp (name, "blip") == 0) {
      char *rid = dn_xml_get_attr (n, NS_R, NS_R_S, "embed");
      if (rid == NULL)
        rid = dn_xml_get_attr (n, NS_R, NS_R_S, "link");
      DnNode *fig = make_figure (ctx, rid, alt, cx, cy);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
      g_free (rid);
    } else if (IS_W (n, "txbxContent")) {
      queue_text_box (ctx, pb, n);
      w.children = NULL;
    } else if (IS_MC (n, "AlternateContent")) {
      xmlNode *b = dn_docx_alternate_branch (n);
      w.children = b != NULL ? b->children : NULL;
    }
  }
  shape_walk_clear (&w);
  g_free (alt);
}

/* VML (w:pict, w:object): v:imagedata pictures and v:textbox text boxes. */
void
dn_docx_read_vml (Ctx *ctx, Para *pb, xmlNode *pict)
{
  ShapeWalk w;
  shape_walk_init (&w, pict);
  for (xmlNode *n; (n = shape_walk_next (&w)) != NULL;) {
    if (strcmp ((const char *) n->name, "imagedata") == 0) {
      char *rid = dn_xml_get_attr (n, NS_R, NS_R_S, "id");
      if (rid == NULL)
        rid = dn_xml_get_attr (n, NS_O, NULL, "relid");
      char *alt = n->parent != NULL ? noattr (n->parent, "alt") : NULL;
      if (alt == NULL || *alt == '\0') {
        g_free (alt);
        alt = dn_xml_get_attr (n, NS_O, NULL, "title");
      }
      DnNode *fig = make_figure (ctx, rid, alt, 0, 0);
      if (fig != NULL)
        g_ptr_array_add (pb->base.after, fig);
      g_free (rid);
      g_free (alt);
    } else if (IS_W (n, "txbxContent")) {
      queue_text_box (ctx, pb, n);
      w.children = NULL;
    }
  }
  shape_walk_clear (&w);
}
