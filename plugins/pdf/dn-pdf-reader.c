/* The PDF reader on poppler-glib: the backend half, built into
 * pdf-backend.so and loaded by the front module docnorm-pdf.so on the first
 * read (dn-pdf-front.c holds the descriptor and the probe; see
 * dn-pdf-backend.h).
 *
 * Opens the bytes in memory (poppler_document_new_from_bytes), reads the
 * metadata and outline, then lays out one page at a time: glyph boxes from
 * poppler_page_get_text_layout() and fonts from
 * poppler_page_get_text_attributes() go to dn-pdf-layout.c, which appends
 * blocks in reading order. Each PopplerPage is dropped before the next is
 * loaded, so memory follows the record, not the page count. Cross-page
 * passes then mark running headers / footers / page numbers as furniture,
 * flag paragraphs that run on past a page end, and give outline entries'
 * blocks their heading level.
 *
 * poppler never prints: its diagnostics arrive through GLib logging in the
 * "Poppler" domain, which is captured for the read and turned into warnings
 * (the handler is process-wide while a read runs: one read at a time per
 * process, as the batch runner's one child per file gives).
 *
 * What analysis gets, per block (all with hints page and bbox):
 * - paragraph: the lines of one paragraph joined by '\n' with no space
 *   beside it (DN_HINT_WRAPPED_LINES when more than one); a new paragraph
 *   starts where the font size or an all-bold line changes, the vertical
 *   gap grows, or the previous line left room for this line's first word;
 *   DN_HINT_CONTINUES when it runs on past its page (see
 *   dn-pdf-furniture.c); font_size, bold, align, indent; cells of a grid
 *   too small to trust are kept as one paragraph per row, joined by tabs,
 *   with DN_HINT_UNCERTAIN and a TABLE_UNCERTAIN warning;
 * - heading: a paragraph matching an outline entry, outline_level set;
 * - table / table_row / table_cell: aligned columns, first row
 *   DN_HINT_HEADER_ROW, wrapped cell lines joined by '\n';
 * - figure: an image placement; attrs image (with --images), media_type,
 *   width, height; captions stay paragraphs next to it;
 * - furniture: attr role header / footer / page_number. */
#include <cairo.h>
#include <errno.h>
#include <poppler.h>
#include <string.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/mman.h>
#endif
#include <glib/gstdio.h>

#include "docnorm.h"
#include "dn-pdf-backend.h"
#include "dn-pdf-furniture.h"
#include "dn-pdf-layout.h"
#include "dn-pdf-render.h"
#include "dn-pdf-ocr.h"

#define PDF_MAX_OUTLINE 10000

/* ---------- poppler diagnostics ---------- */

typedef struct {
  guint count;
  char *first;
} PdfDiag;

static void
pdf_log_handler (const gchar *domain, GLogLevelFlags level, const gchar *message, gpointer data)
{
  PdfDiag *d = data;
  d->count++;
  if (d->first == NULL && message != NULL)
    d->first = g_strndup (message, 200);
}

/* ---------- metadata and outline ---------- */

static void
set_meta_date (DnDocument *doc, const char *key, GDateTime *dt)
{
  if (dt == NULL)
    return;
  g_autofree char *iso = g_date_time_format_iso8601 (dt);
  dn_document_set_meta_string (doc, key, iso);
  g_date_time_unref (dt);
}

static void
set_meta_take (DnDocument *doc, const char *key, char *value)
{
  if (value != NULL) {
    g_strstrip (value);
    dn_document_set_meta_string (doc, key, value);
  }
  g_free (value);
}

static void
read_metadata (PopplerDocument *pd, DnDocument *doc)
{
  set_meta_take (doc, "title", poppler_document_get_title (pd));
  set_meta_take (doc, "author", poppler_document_get_author (pd));
  set_meta_take (doc, "subject", poppler_document_get_subject (pd));
  set_meta_take (doc, "keywords", poppler_document_get_keywords (pd));
  set_meta_take (doc, "creator", poppler_document_get_creator (pd));
  set_meta_take (doc, "producer", poppler_document_get_producer (pd));
  set_meta_date (doc, "created", poppler_document_get_creation_date_time (pd));
  set_meta_date (doc, "modified", poppler_document_get_modification_date_time (pd));
  guint major = 0, minor = 0;
  poppler_document_get_pdf_version (pd, &major, &minor);
  if (major > 0) {
    g_autofree char *v = g_strdup_printf ("%u.%u", major, minor);
    dn_document_set_meta_string (doc, "pdf_version", v);
  }
  /* A structure tree is what makes a PDF "tagged". */
  PopplerStructureElementIter *st = poppler_structure_element_iter_new (pd);
  dn_document_set_meta_bool (doc, "tagged", st != NULL);
  if (st != NULL)
    poppler_structure_element_iter_free (st);
  dn_document_set_meta_bool (doc, "linearized", poppler_document_is_linearized (pd));
}

typedef struct {
  char *key;    /* title without whitespace */
  int level;    /* 1.. */
  int page;     /* 1-based, 0 unknown */
  gboolean used;
} OutlineEntry;

static char *
squash (const char *s)
{
  GString *out = g_string_sized_new (strlen (s));
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (!g_unichar_isspace (c) && c != 0x3000)
      g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}

static int
dest_page (PopplerDocument *pd, PopplerDest *dest)
{
  if (dest == NULL)
    return 0;
  if (dest->type == POPPLER_DEST_NAMED && dest->named_dest != NULL) {
    PopplerDest *d = poppler_document_find_dest (pd, dest->named_dest);
    int page = d != NULL ? d->page_num : 0;
    if (d != NULL)
      poppler_dest_free (d);
    return page;
  }
  return dest->page_num;
}

/* Walks the outline breadth-first per level (an explicit stack of
 * iterators), down to level 9 and at most PDF_MAX_OUTLINE entries. */
static GArray *
read_outline (PopplerDocument *pd)
{
  GArray *entries = g_array_new (FALSE, TRUE, sizeof (OutlineEntry));
  PopplerIndexIter *root = poppler_index_iter_new (pd);
  if (root == NULL)
    return entries;
  GPtrArray *stack = g_ptr_array_new ();
  g_ptr_array_add (stack, root);
  guint visited = 0;
  while (stack->len > 0 && entries->len < PDF_MAX_OUTLINE && visited++ < 10 * PDF_MAX_OUTLINE) {
    PopplerIndexIter *it = g_ptr_array_index (stack, stack->len - 1);
    int level = (int) stack->len;
    PopplerAction *act = poppler_index_iter_get_action (it);
    if (act != NULL && act->type == POPPLER_ACTION_GOTO_DEST && act->any.title != NULL) {
      OutlineEntry e = { squash (act->any.title), level, dest_page (pd, act->goto_dest.dest), FALSE };
      if (*e.key != '\0')
        g_array_append_val (entries, e);
      else
        g_free (e.key);
    }
    if (act != NULL)
      poppler_action_free (act);
    PopplerIndexIter *child = level < 9 ? poppler_index_iter_get_child (it) : NULL;
    if (child != NULL) {
      g_ptr_array_add (stack, child);
      continue;
    }
    /* Advance: pop finished levels. */
    while (stack->len > 0) {
      PopplerIndexIter *top = g_ptr_array_index (stack, stack->len - 1);
      if (poppler_index_iter_next (top))
        break;
      poppler_index_iter_free (top);
      g_ptr_array_set_size (stack, stack->len - 1);
    }
  }
  for (guint i = 0; i < stack->len; i++)
    poppler_index_iter_free (g_ptr_array_index (stack, i));
  g_ptr_array_free (stack, TRUE);
  return entries;
}

static void
outline_clear (GArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    g_free (g_array_index (entries, OutlineEntry, i).key);
  g_array_free (entries, TRUE);
}

static gboolean
outline_matches (const char *title, const char *block)
{
  if (strcmp (title, block) == 0)
    return TRUE;
  gsize lt = strlen (title), lb = strlen (block);
  gsize shorter = MIN (lt, lb), longer = MAX (lt, lb);
  if (shorter * 5 < longer * 4)
    return FALSE;
  return lt < lb ? g_str_has_prefix (block, title) : g_str_has_prefix (title, block);
}

/* Gives the blocks of page @page that match outline entries their level:
 * exact matches first, then near ones (a heading wrapped or numbered a
 * little differently), never a table-of-contents line (tab, page number). */
static void
apply_outline (GArray *entries, GPtrArray *blocks, int page)
{
  if (entries->len == 0)
    return;
  g_autoptr (GPtrArray) keys = g_ptr_array_new_with_free_func (g_free);
  for (guint b = 0; b < blocks->len; b++) {
    DnNode *n = g_ptr_array_index (blocks, b);
    DnNodeType t = dn_node_get_node_type (n);
    const char *text = dn_node_get_text (n);
    gboolean ok = (t == DN_NODE_PARAGRAPH || t == DN_NODE_HEADING) && text != NULL &&
                  strchr (text, '\t') == NULL && dn_node_get_hints (n)->outline_level == 0;
    g_ptr_array_add (keys, ok ? squash (text) : NULL);
  }
  for (int exact = 1; exact >= 0; exact--) {
    for (guint i = 0; i < entries->len; i++) {
      OutlineEntry *e = &g_array_index (entries, OutlineEntry, i);
      if (e->used || (e->page != 0 && e->page != page && e->page + 1 != page))
        continue;
      for (guint b = 0; b < blocks->len; b++) {
        char *key = g_ptr_array_index (keys, b);
        if (key == NULL || !(exact ? strcmp (e->key, key) == 0 : outline_matches (e->key, key)))
          continue;
        DnNode *n = g_ptr_array_index (blocks, b);
        dn_node_set_node_type (n, DN_NODE_HEADING);
        dn_node_hints (n)->outline_level = e->level;
        e->used = TRUE;
        g_free (key);
        g_ptr_array_index (keys, b) = NULL;
        break;
      }
    }
  }
}

/* ---------- pages ---------- */

static gint8
font_is_bold (const char *name)
{
  if (name == NULL)
    return -1;
  g_autofree char *low = g_ascii_strdown (name, -1);
  return strstr (low, "bold") != NULL || strstr (low, "black") != NULL || strstr (low, "heavy") != NULL ||
         strstr (low, "demi") != NULL || strstr (low, "semibold") != NULL;
}

/* Glyphs of @page in poppler's text order; returns the count of non-space
 * glyphs. */
static GArray *
page_glyphs (PopplerPage *page, guint *n_text)
{
  GArray *glyphs = g_array_new (FALSE, FALSE, sizeof (DnPdfGlyph));
  *n_text = 0;
  g_autofree char *text = poppler_page_get_text (page);
  PopplerRectangle *rects = NULL;
  guint n_rects = 0;
  if (text == NULL || !poppler_page_get_text_layout (page, &rects, &n_rects)) {
    g_free (rects);
    return glyphs;
  }
  GList *attrs = poppler_page_get_text_attributes (page);
  GList *a = attrs;
  guint i = 0;
  for (const char *p = text; *p != '\0' && i < n_rects; p = g_utf8_next_char (p), i++) {
    DnPdfGlyph g;
    g.c = g_utf8_get_char (p);
    g.x0 = MIN (rects[i].x1, rects[i].x2);
    g.x1 = MAX (rects[i].x1, rects[i].x2);
    g.y0 = MIN (rects[i].y1, rects[i].y2);
    g.y1 = MAX (rects[i].y1, rects[i].y2);
    while (a != NULL && ((PopplerTextAttributes *) a->data)->end_index < (int) i)
      a = a->next;
    PopplerTextAttributes *at = a != NULL ? a->data : NULL;
    if (at != NULL && at->start_index <= (int) i) {
      g.size = at->font_size;
      g.bold = font_is_bold (at->font_name);
    } else {
      g.size = 0;
      g.bold = -1;
    }
    if (g.c != '\n' && !g_unichar_isspace (g.c))
      (*n_text)++;
    g_array_append_val (glyphs, g);
  }
  poppler_page_free_text_attributes (attrs);
  g_free (rects);
  return glyphs;
}

/* TRUE when the file holds an image XObject ("/Image" as a name, not the
 * /ImageB /ImageC /ImageI procsets). Stream dictionaries are never inside
 * compressed object streams nor encrypted, so the raw bytes tell. Finding
 * image placements costs poppler a second pass over every page's content
 * (as much as the text itself), so files without images skip it; the price
 * is that a file whose only images are inline (BI … EI) shows no figures. */
static gboolean
has_image_xobjects (GBytes *data)
{
  gsize len;
  const char *p = g_bytes_get_data (data, &len);
  const char *end = p + len;
  while (p < end) {
    const char *hit = memmem (p, (gsize) (end - p), "/Image", 6);
    if (hit == NULL)
      return FALSE;
    const char *after = hit + 6;
    if (after >= end || !g_ascii_isalnum (*after))
      return TRUE;
    p = after;
  }
  return FALSE;
}

static GArray *
page_images (PopplerPage *page, gboolean want, GList **mapping_out)
{
  GArray *images = g_array_new (FALSE, FALSE, sizeof (DnPdfImage));
  GList *mapping = want ? poppler_page_get_image_mapping (page) : NULL;
  for (GList *l = mapping; l != NULL; l = l->next) {
    PopplerImageMapping *m = l->data;
    DnPdfImage im = { MIN (m->area.x1, m->area.x2), MIN (m->area.y1, m->area.y2),
                      MAX (m->area.x1, m->area.x2), MAX (m->area.y1, m->area.y2), m->image_id };
    g_array_append_val (images, im);
  }
  *mapping_out = mapping;
  return images;
}

/* Writes figure images as p<page>-img<n>.png and records their names. */
static void
write_images (PopplerPage *page, int page_no, GArray *images, GPtrArray *figures,
              const char *dir, DnDocument *doc)
{
  guint n = 0;
  for (guint i = 0; i < images->len; i++) {
    DnNode *fig = g_ptr_array_index (figures, i);
    if (fig == NULL)
      continue;
    n++;
    g_autofree char *name = g_strdup_printf ("p%03d-img%02u.png", page_no, n);
    g_autofree char *path = g_build_filename (dir, name, NULL);
    cairo_surface_t *s = poppler_page_get_image (page, g_array_index (images, DnPdfImage, i).image_id);
    if (s == NULL) {
      dn_document_add_warning (doc, "IMAGE_NOT_WRITTEN", page_no, "image %u could not be decoded", n);
      continue;
    }
    cairo_status_t st = cairo_surface_write_to_png (s, path);
    if (st == CAIRO_STATUS_SUCCESS) {
      dn_node_set_attr (fig, DN_ATTR_IMAGE, name);
      dn_node_set_attr (fig, DN_ATTR_MEDIA_TYPE, "image/png");
      if (cairo_surface_get_type (s) == CAIRO_SURFACE_TYPE_IMAGE) {
        dn_node_set_attr_int (fig, DN_ATTR_WIDTH, cairo_image_surface_get_width (s));
        dn_node_set_attr_int (fig, DN_ATTR_HEIGHT, cairo_image_surface_get_height (s));
      }
    } else {
      dn_document_add_warning (doc, "IMAGE_NOT_WRITTEN", page_no, "%s: %s", name,
                               cairo_status_to_string (st));
    }
    cairo_surface_destroy (s);
  }
}

/* A file holding @data, read from the start: an unnamed memory file where
 * the system has them (@path_out NULL), else a temporary file whose path
 * goes to @path_out (the caller unlinks it). Returns -1 on failure. */
static int
bytes_to_fd (GBytes *data, char **path_out)
{
  int fd = -1;
  *path_out = NULL;
#ifdef __linux__
  fd = memfd_create ("docnorm-pdf", MFD_CLOEXEC);
#endif
  if (fd < 0) {
    fd = g_file_open_tmp (NULL, path_out, NULL);
    if (fd < 0)
      return -1;
  }
  gsize len;
  const guint8 *p = g_bytes_get_data (data, &len);
  while (len > 0) {
    ssize_t n = write (fd, p, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      goto fail;
    p += n;
    len -= (gsize) n;
  }
  if (lseek (fd, 0, SEEK_SET) == 0)
    return fd;
fail:
  close (fd);
  if (*path_out != NULL) {
    g_unlink (*path_out);
    g_clear_pointer (path_out, g_free);
  }
  return -1;
}

/* poppler-glib 22.x mishandles a wrong password when reading from memory
 * or from a descriptor: its retry reuses a stream the failed attempt freed
 * (poppler_document_new_from_bytes() and _from_data() crash,
 * _from_fd() reads freed memory). The by-file path retries cleanly. So the
 * bytes are opened without a password first, and only an encrypted file is
 * reopened with one, by file name: /proc/self/fd/N of a memory file, or a
 * temporary file unlinked as soon as poppler holds it open. */
static PopplerDocument *
open_with_password (GBytes *data, const char *password, GError **perr)
{
  char *tmp_path = NULL;
  int fd = bytes_to_fd (data, &tmp_path);
  if (fd < 0) {
    g_set_error (perr, POPPLER_ERROR, POPPLER_ERROR_OPEN_FILE, "cannot stage the encrypted PDF");
    return NULL;
  }
  g_autofree char *path = tmp_path != NULL ? g_strdup (tmp_path) : g_strdup_printf ("/proc/self/fd/%d", fd);
  g_autofree char *uri = g_filename_to_uri (path, NULL, NULL);
  PopplerDocument *pd = NULL;
  if (uri != NULL)
    pd = poppler_document_new_from_file (uri, password, perr);
  else
    g_set_error (perr, POPPLER_ERROR, POPPLER_ERROR_OPEN_FILE, "cannot stage the encrypted PDF");
  close (fd);
  if (tmp_path != NULL)
    g_unlink (tmp_path);
  g_free (tmp_path);
  return pd;
}

static gboolean
open_document (GBytes *data, const DnReadOptions *options, DnDocument *doc, PopplerDocument **out,
               GError **error)
{
  GError *perr = NULL;
  PopplerDocument *pd = poppler_document_new_from_bytes (data, NULL, &perr);
  if (pd == NULL && g_error_matches (perr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
    g_clear_error (&perr);
    if (options->password == NULL) {
      g_set_error (error, DN_ERROR, DN_ERROR_ENCRYPTED, "encrypted PDF (use --password)");
      return FALSE;
    }
    pd = open_with_password (data, options->password, &perr);
    if (pd == NULL && g_error_matches (perr, POPPLER_ERROR, POPPLER_ERROR_ENCRYPTED)) {
      g_clear_error (&perr);
      g_set_error (error, DN_ERROR, DN_ERROR_ENCRYPTED, "encrypted PDF: wrong password");
      return FALSE;
    }
    if (pd == NULL && g_error_matches (perr, POPPLER_ERROR, POPPLER_ERROR_OPEN_FILE)) {
      g_set_error (error, DN_ERROR, DN_ERROR_IO, "%s", perr->message);
      g_clear_error (&perr);
      return FALSE;
    }
    if (pd != NULL)
      dn_document_set_meta_bool (doc, "encrypted", TRUE);
  }
  if (pd == NULL) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged PDF: %s",
                 perr != NULL ? perr->message : "poppler could not open it");
    g_clear_error (&perr);
    return FALSE;
  }
  *out = pd;
  return TRUE;
}

/* Recognises @page in place of its text layer. In auto mode a missing
 * engine leaves the page as it is (NO_TEXT_LAYER says why); with --ocr
 * always it, and any engine failure, fails the read. On success *@glyphs
 * is replaced and *@ocr_glyphs set; otherwise *@ocr_glyphs stays NULL. */
static gboolean
ocr_page (DnOcr *ocr, PopplerPage *page, DnDocument *doc, int page_no, GArray **glyphs,
          GArray **ocr_glyphs, guint *n_text, GError **error)
{
  const char *why = NULL;
  if (!dn_ocr_is_available (ocr, &why)) {
    if (dn_ocr_get_mode (ocr) == DN_OCR_AUTO)
      return TRUE;
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "%s", why);
    return FALSE;
  }
  GArray *recognised = dn_pdf_ocr_page (ocr, page, doc, page_no, ocr_glyphs, error);
  if (recognised == NULL)
    return FALSE;
  g_array_free (*glyphs, TRUE);
  *glyphs = recognised;
  guint n = 0;
  for (guint i = 0; i < recognised->len; i++)
    if (!g_unichar_isspace (g_array_index (recognised, DnPdfGlyph, i).c))
      n++;
  *n_text = n;
  return TRUE;
}

/* A picture of @page for the review page. A page that cannot be drawn gets
 * a warning: the text is read all the same. */
static void
add_page_image (DnDocument *doc, PopplerPage *page, guint page_no, guint dpi)
{
  GError *error = NULL;
  cairo_surface_t *surface = dn_pdf_render_page (page, dpi, DN_OCR_MAX_PIXELS, &error);
  GBytes *png = surface != NULL ? dn_pdf_surface_to_png (surface, &error) : NULL;
  if (surface != NULL)
    cairo_surface_destroy (surface);
  if (png != NULL) {
    dn_document_add_page_image (doc, page_no, png);
    g_bytes_unref (png);
  } else {
    dn_document_add_warning (doc, "PAGE_IMAGE_FAILED", (int) page_no, "no picture of the page: %s", error->message);
    g_error_free (error);
  }
}

gboolean
dn_pdf_backend_read (GBytes *data, const DnReadOptions *options, DnDocument *doc, GError **error)
{
  PdfDiag diag = { 0 };
  guint handler = g_log_set_handler ("Poppler", G_LOG_LEVEL_MASK | G_LOG_FLAG_FATAL | G_LOG_FLAG_RECURSION,
                                     pdf_log_handler, &diag);
  PopplerDocument *pd = NULL;
  gboolean ok = open_document (data, options, doc, &pd, error);
  GArray *outline = NULL, *edges = NULL;
  if (!ok)
    goto out;

  int n_pages = poppler_document_get_n_pages (pd);
  if (n_pages <= 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged PDF: no pages");
    ok = FALSE;
    goto out;
  }
  dn_document_set_pages (doc, n_pages);
  read_metadata (pd, doc);
  outline = read_outline (pd);
  if (diag.count > 0)
    dn_document_add_warning (doc, "PDF_DAMAGED", 0, "poppler repaired the file structure (%u problem(s), first: %s)",
                             diag.count, diag.first != NULL ? diag.first : "?");

  int limit = n_pages;
  if (options->limits.max_pages > 0 && (guint32) n_pages > options->limits.max_pages) {
    limit = (int) options->limits.max_pages;
    dn_document_add_warning (doc, "PAGE_LIMIT", 0, "read the first %d of %d pages", limit, n_pages);
  }
  if (options->images_dir != NULL && g_mkdir_with_parents (options->images_dir, 0755) != 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_IO, "cannot create images folder %s", options->images_dir);
    ok = FALSE;
    goto out;
  }

  gboolean want_images = has_image_xobjects (data);
  DnOcr *ocr = dn_read_options_get_ocr (options);
  guint page_dpi = dn_read_options_get_page_images_dpi (options);
  DnNode *root = dn_document_get_root (doc);
  edges = g_array_sized_new (FALSE, TRUE, sizeof (PageEdges), (guint) limit);
  guint64 nodes = 0, total_text = 0;
  guint pages_read = 0;
  for (int p = 0; p < limit; p++) {
    guint diag_before = diag.count;
    PageEdges pe = { 0 };
    PopplerPage *page = poppler_document_get_page (pd, p);
    if (page == NULL) {
      dn_document_add_warning (doc, "PAGE_UNREADABLE", p + 1, "poppler could not load this page");
      g_array_append_val (edges, pe);
      continue;
    }
    pages_read++;
    double w, h;
    poppler_page_get_size (page, &w, &h);
    pe.height = h;
    guint n_text = 0;
    GArray *glyphs = page_glyphs (page, &n_text);
    GList *mapping = NULL;
    GArray *images = page_images (page, want_images, &mapping);
    GArray *ocr_glyphs = NULL;
    if (dn_pdf_page_needs_ocr (ocr, glyphs, n_text)) {
      if (!ocr_page (ocr, page, doc, p + 1, &glyphs, &ocr_glyphs, &n_text, error)) {
        poppler_page_free_image_mapping (mapping);
        g_array_free (images, TRUE);
        g_array_free (glyphs, TRUE);
        g_object_unref (page);
        ok = FALSE;
        goto out;
      }
      /* A picture with no text found in it stays a figure. */
      if (ocr_glyphs != NULL && n_text > 0)
        dn_pdf_ocr_drop_scan_images (images, w, h);
    }
    total_text += n_text;
    DnPdfPageResult res;
    dn_pdf_layout_page ((const DnPdfGlyph *) glyphs->data, glyphs->len, (const DnPdfImage *) images->data,
                        images->len, w, h, p + 1, root, &res);
    nodes += res.n_nodes;
    if (ocr_glyphs != NULL) {
      dn_pdf_ocr_mark_blocks (&res, ocr_glyphs);
      g_array_unref (ocr_glyphs);
    }
    if (n_text == 0 && ocr_glyphs == NULL)
      dn_document_add_warning (doc, "NO_TEXT_LAYER", p + 1,
                               images->len > 0 ? "page has images but no text layer (a scan?)"
                                               : "page has no text");
    for (guint b = 0; b < res.blocks->len; b++) {
      DnNode *n = g_ptr_array_index (res.blocks, b);
      if ((dn_node_get_hints (n)->flags & DN_HINT_UNCERTAIN) != 0) {
        dn_document_add_warning (doc, "TABLE_UNCERTAIN", p + 1,
                                 "text in aligned columns kept as lines: too few rows to be sure of a table");
        break;
      }
    }
    if (options->images_dir != NULL)
      write_images (page, p + 1, images, res.figures, options->images_dir, doc);
    if (page_dpi > 0 && p < DN_PAGE_IMAGES_MAX_PAGES)
      add_page_image (doc, page, (guint) p + 1, page_dpi);
    for (guint b = 0; b < res.blocks->len && pe.n_head < PDF_EDGE; b++) {
      pe.head_fit[pe.n_head] = g_array_index (res.fits, DnPdfBlockFit, b);
      pe.head[pe.n_head++] = g_ptr_array_index (res.blocks, b);
    }
    guint from = res.blocks->len > PDF_EDGE ? res.blocks->len - PDF_EDGE : 0;
    for (guint b = from; b < res.blocks->len; b++) {
      pe.tail_fit[pe.n_tail] = g_array_index (res.fits, DnPdfBlockFit, b);
      pe.tail[pe.n_tail++] = g_ptr_array_index (res.blocks, b);
    }
    g_array_append_val (edges, pe);
    apply_outline (outline, res.blocks, p + 1);

    dn_pdf_page_result_clear (&res);
    poppler_page_free_image_mapping (mapping);
    g_array_free (images, TRUE);
    g_array_free (glyphs, TRUE);
    g_object_unref (page);

    if (diag.count > diag_before)
      dn_document_add_warning (doc, "PDF_DAMAGED", p + 1, "poppler reported %u problem(s) on this page",
                               diag.count - diag_before);
    if (options->limits.max_nodes > 0 && nodes > options->limits.max_nodes) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "more than %u nodes", options->limits.max_nodes);
      ok = FALSE;
      goto out;
    }
  }
  if (pages_read == 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_CORRUPT, "damaged PDF: none of its %d pages can be read", n_pages);
    ok = FALSE;
    goto out;
  }
  if (total_text == 0 && dn_document_get_ocr (doc) == NULL)
    dn_document_add_warning (doc, "NO_TEXT_LAYER", 0, "%s",
                             ocr == NULL ? "no page has a text layer: the PDF looks scanned (OCR was off: --ocr never)"
                                         : "no page has a text layer: the PDF looks scanned and needs OCR, which is unavailable");
  dn_pdf_mark_furniture (edges, pages_read);
  dn_pdf_mark_continuations (edges);

out:
  if (edges != NULL)
    g_array_free (edges, TRUE);
  if (outline != NULL)
    outline_clear (outline);
  if (pd != NULL)
    g_object_unref (pd);
  g_log_remove_handler ("Poppler", handler);
  g_free (diag.first);
  return ok;
}
