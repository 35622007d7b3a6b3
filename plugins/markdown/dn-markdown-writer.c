/* The Markdown writer: the body as CommonMark with GitHub's pipe tables,
 * strikethrough and footnotes, and the report's title as a YAML front
 * matter block; the same document always gives the same bytes.
 *
 * It renders core's record (dn_record_build(), with hints: the layout hints
 * say which lines were wrapped and which table rows are headers), like every
 * writer, so it shows what the JSON and XML carry. One walk of the body: a
 * stack of container prefixes ("- " then "  " for a list item, "> " for a
 * comment) is written before every line, as cmark's renderers do. Headings
 * get their level from analysis' sections (or the reader's outline level in
 * a --raw record); inline text is escaped and its marks become emphasis
 * (dn-markdown-inline.c). Furniture (running headers, page numbers) is not
 * part of the body and is left out. The body's depth is bounded by
 * DN_RECORD_MAX_DEPTH, so walking it recursively is safe. */
#include <string.h>

#include "dn-markdown-inline.h"

#define MARKDOWN_WRITER_VERSION "1.0.0"

/* ---- blocks ---- */

typedef struct {
  char *first;          /* prefix of the container's first line ("- ", "1. ") */
  char *rest;           /* prefix of every later line ("  ", "> ") */
  gboolean first_done;
} Container;

typedef struct {
  GString *out;
  GArray *containers;   /* Container */
  gboolean need_blank;  /* a blank line before the next block */
  GArray *list_counters; /* next number of each open list (0 = bullet) */
} Md;

static void
container_clear (gpointer p)
{
  Container *c = p;
  g_free (c->first);
  g_free (c->rest);
}

static void
write_prefix (Md *md, gboolean blank_line)
{
  for (guint i = 0; i < md->containers->len; i++) {
    Container *c = &g_array_index (md->containers, Container, i);
    const char *p = c->first_done ? c->rest : c->first;
    if (blank_line) {
      /* No trailing spaces on blank lines; quote markers stay. */
      gsize n = strlen (p);
      while (n > 0 && p[n - 1] == ' ')
        n--;
      g_string_append_len (md->out, p, (gssize) n);
    } else {
      g_string_append (md->out, p);
      c->first_done = TRUE;
    }
  }
}

/* Writes one block: @text is already Markdown, lines split at '\n'. */
/* The blank line owed before the next block, written with the prefixes of
 * the containers open now (call it before opening a new one). */
static void
flush_blank (Md *md)
{
  if (md->need_blank && md->out->len > 0) {
    write_prefix (md, TRUE);
    g_string_append_c (md->out, '\n');
  }
  md->need_blank = FALSE;
}

static void
write_block (Md *md, const char *text)
{
  flush_blank (md);
  const char *line = text;
  for (;;) {
    const char *nl = strchr (line, '\n');
    write_prefix (md, FALSE);
    g_string_append_len (md->out, line, nl != NULL ? nl - line : (gssize) strlen (line));
    /* No trailing blanks ("- " of an empty item becomes "-"). */
    while (md->out->len > 0 && (md->out->str[md->out->len - 1] == ' ' || md->out->str[md->out->len - 1] == '\t'))
      g_string_truncate (md->out, md->out->len - 1);
    g_string_append_c (md->out, '\n');
    if (nl == NULL)
      break;
    line = nl + 1;
  }
  md->need_blank = TRUE;
}

static void
push_container (Md *md, const char *first, const char *rest)
{
  Container c = { g_strdup (first), g_strdup (rest), FALSE };
  g_array_append_val (md->containers, c);
}

static void
pop_container (Md *md)
{
  g_array_set_size (md->containers, md->containers->len - 1);
}

static const char *
node_type (JsonObject *n)
{
  const char *type = dn_record_get_string (n, "type");
  return type != NULL ? type : "";
}

static gboolean
is_type (JsonObject *n, const char *type)
{
  return n != NULL && strcmp (node_type (n), type) == 0;
}

/* The node's children, or NULL when it has none. */
static JsonArray *
children_of (JsonObject *n)
{
  JsonArray *kids = dn_record_get_array (n, "children");
  return kids != NULL && json_array_get_length (kids) > 0 ? kids : NULL;
}

/* TRUE when the node's layout hints carry @flag ("wrapped_lines"). */
static gboolean
has_hint_flag (JsonObject *n, const char *flag)
{
  JsonNode *hints = json_object_get_member (n, "hints");
  JsonArray *flags = hints != NULL && JSON_NODE_HOLDS_OBJECT (hints)
                       ? dn_record_get_array (json_node_get_object (hints), "flags") : NULL;
  for (guint i = 0; flags != NULL && i < json_array_get_length (flags); i++)
    if (g_strcmp0 (json_array_get_string_element (flags, i), flag) == 0)
      return TRUE;
  return FALSE;
}

/* The texts of @n and its descendants in document order, one a line. */
static void
collect_text (GString *out, JsonObject *n)
{
  const char *text = dn_record_get_string (n, "text");
  if (text != NULL) {
    if (out->len > 0)
      g_string_append_c (out, '\n');
    g_string_append (out, text);
  }
  JsonArray *kids = children_of (n);
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++)
    collect_text (out, json_array_get_object_element (kids, i));
}

/* Heading depth: the heading's own level (analysis), else its @sections
 * (the sections around it), else the reader's outline level. */
static int
heading_level (JsonObject *n, guint sections)
{
  gint64 level = dn_record_get_int (n, "level", 0);
  if (level <= 0)
    level += sections;
  if (level <= 0) {
    JsonNode *hints = json_object_get_member (n, "hints");
    if (hints != NULL && JSON_NODE_HOLDS_OBJECT (hints))
      level = dn_record_get_int (json_node_get_object (hints), "outline_level", 0);
  }
  return (int) CLAMP (level, 1, 6);
}

/* "壹、" + "目的"; a label ending in a Latin character or dot gets a space. */
static char *
label_and_text (const char *label, const char *text)
{
  if (label == NULL || *label == '\0')
    return g_strdup (text != NULL ? text : "");
  gsize n = strlen (label);
  gboolean space = (guchar) label[n - 1] < 0x80 && label[n - 1] != ' ';
  return g_strconcat (label, space ? " " : "", text != NULL ? text : "", NULL);
}

static void
write_heading (Md *md, JsonObject *n, int level, const char *label, const char *title)
{
  GString *s = g_string_new (NULL);
  for (int i = 0; i < level; i++)
    g_string_append_c (s, '#');
  g_string_append_c (s, ' ');
  char *full = label_and_text (label, title);
  if (label == NULL && title == dn_record_get_string (n, "text"))
    dn_markdown_render_inline (s, n, title, NL_SPACE, NO_LINE_START);
  else
    dn_markdown_render_inline (s, NULL, full, NL_SPACE, NO_LINE_START);
  g_free (full);
  /* A trailing '#' would be read as a closing sequence. */
  if (s->len > 0 && s->str[s->len - 1] == '#' && (s->len < 2 || s->str[s->len - 2] != '\\')) {
    g_string_truncate (s, s->len - 1);
    g_string_append (s, "\\#");
  }
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_text_block (Md *md, JsonObject *n)
{
  const char *text = dn_record_get_string (n, "text");
  if (text == NULL || *text == '\0')
    return;
  GString *s = g_string_new (NULL);
  DnMarkdownNewline nl = has_hint_flag (n, "wrapped_lines") ? NL_SOFT : NL_HARD;
  dn_markdown_render_inline (s, n, text, nl, 0);
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_code_block (Md *md, const char *text)
{
  /* A fence longer than any backtick run inside. */
  guint longest = 0, run = 0;
  for (const char *p = text; *p != '\0'; p++) {
    run = *p == '`' ? run + 1 : 0;
    longest = MAX (longest, run);
  }
  GString *fence = g_string_new (NULL);
  for (guint i = 0; i < MAX (3u, longest + 1); i++)
    g_string_append_c (fence, '`');
  GString *s = g_string_new (fence->str);
  g_string_append_c (s, '\n');
  g_string_append (s, text);
  if (s->len > 0 && s->str[s->len - 1] != '\n')
    g_string_append_c (s, '\n');
  g_string_append (s, fence->str);
  write_block (md, s->str);
  g_string_free (s, TRUE);
  g_string_free (fence, TRUE);
}

/* One table cell as a single line of Markdown. */
static char *
cell_markdown (JsonObject *cell)
{
  GString *s = g_string_new (NULL);
  if (children_of (cell) == NULL) {
    dn_markdown_render_inline (s, cell, dn_record_get_string (cell, "text"), NL_BR, IN_TABLE);
  } else {
    GString *all = g_string_new (NULL);
    collect_text (all, cell);
    dn_markdown_render_inline (s, NULL, all->str, NL_BR, IN_TABLE);
    g_string_free (all, TRUE);
  }
  return g_string_free (s, FALSE);
}

typedef struct {
  GPtrArray *cells; /* char *, NULL where a span covers the slot */
  gboolean header;
} GridRow;

/* A GFM pipe table. Spanned cells are repeated as empty cells (GFM has no
 * spans); a table without a header row gets an empty one, since GFM needs
 * one and promoting a data row would change the table. */
static void
write_table (Md *md, JsonObject *table)
{
  JsonArray *kids = children_of (table);
  guint n_kids = kids != NULL ? json_array_get_length (kids) : 0;
  for (guint i = 0; i < n_kids; i++)
    if (is_type (json_array_get_object_element (kids, i), "caption"))
      write_text_block (md, json_array_get_object_element (kids, i));

  GArray *rows = g_array_new (FALSE, FALSE, sizeof (GridRow));
  GArray *pending = g_array_new (FALSE, TRUE, sizeof (guint)); /* rows still covered per column */
  guint width = 0;
  for (guint i = 0; i < n_kids; i++) {
    JsonObject *r = json_array_get_object_element (kids, i);
    if (!is_type (r, "table_row"))
      continue;
    GridRow row = { g_ptr_array_new_with_free_func (g_free), has_hint_flag (r, "header_row") };
    guint col = 0;
    JsonArray *cells = children_of (r);
    for (guint ci = 0; cells != NULL && ci < json_array_get_length (cells); ci++) {
      JsonObject *c = json_array_get_object_element (cells, ci);
      if (!is_type (c, "table_cell"))
        continue;
      while (col < pending->len && g_array_index (pending, guint, col) > 0) {
        g_ptr_array_add (row.cells, g_strdup (""));
        col++;
      }
      gint64 cs = CLAMP (dn_record_get_int (c, "col_span", 1), 1, 1000);
      gint64 rs = CLAMP (dn_record_get_int (c, "row_span", 1), 1, 100000);
      for (gint64 k = 0; k < cs; k++) {
        g_ptr_array_add (row.cells, k == 0 ? cell_markdown (c) : g_strdup (""));
        if (col >= pending->len)
          g_array_set_size (pending, col + 1);
        g_array_index (pending, guint, col) = (guint) rs;
        col++;
      }
    }
    while (col < pending->len) {
      if (g_array_index (pending, guint, col) > 0)
        g_ptr_array_add (row.cells, g_strdup (""));
      col++;
    }
    /* This row is done: one row less for every span. */
    for (guint k = 0; k < pending->len; k++)
      if (g_array_index (pending, guint, k) > 0)
        g_array_index (pending, guint, k)--;
    width = MAX (width, row.cells->len);
    g_array_append_val (rows, row);
  }
  g_array_free (pending, TRUE);

  if (rows->len > 0 && width > 0) {
    GString *s = g_string_new (NULL);
    guint first = 0;
    const GridRow *head = &g_array_index (rows, GridRow, 0);
    for (guint k = 0; k < width; k++)
      g_string_append_printf (s, "| %s ", head->header && k < head->cells->len ? (char *) head->cells->pdata[k] : "");
    g_string_append (s, "|\n");
    first = head->header ? 1 : 0;
    for (guint k = 0; k < width; k++)
      g_string_append (s, "| --- ");
    g_string_append (s, "|");
    for (guint r = first; r < rows->len; r++) {
      const GridRow *row = &g_array_index (rows, GridRow, r);
      g_string_append_c (s, '\n');
      for (guint k = 0; k < width; k++)
        g_string_append_printf (s, "| %s ", k < row->cells->len ? (char *) row->cells->pdata[k] : "");
      g_string_append_c (s, '|');
    }
    write_block (md, s->str);
    g_string_free (s, TRUE);
  }
  for (guint r = 0; r < rows->len; r++)
    g_ptr_array_free (g_array_index (rows, GridRow, r).cells, TRUE);
  g_array_free (rows, TRUE);
}

static void
write_figure (Md *md, JsonObject *fig)
{
  const char *alt = dn_record_get_string (fig, "alt");
  const char *image = dn_record_get_string (fig, "image");
  GString *s = g_string_new ("![");
  if (alt != NULL)
    dn_markdown_render_inline (s, NULL, alt, NL_SPACE, NO_LINE_START);
  g_string_append (s, "](");
  if (image != NULL)
    dn_markdown_append_href (s, image);
  g_string_append_c (s, ')');
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_toc (Md *md, JsonObject *toc)
{
  JsonArray *kids = children_of (toc);
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++) {
    JsonObject *e = json_array_get_object_element (kids, i);
    char *text = label_and_text (dn_record_get_string (e, "label"), dn_record_get_string (e, "text"));
    if (*text != '\0') {
      GString *s = g_string_new ("- ");
      dn_markdown_render_inline (s, NULL, text, NL_SPACE, 0);
      write_block (md, s->str);
      md->need_blank = FALSE; /* a tight list */
      g_string_free (s, TRUE);
    }
    g_free (text);
  }
  md->need_blank = TRUE;
}

static void
write_footnote (Md *md, JsonObject *note)
{
  const char *id = dn_record_get_string (note, "note_id");
  /* The text is a copy, so the note's own marks are not rendered. */
  char *text = NULL;
  if (children_of (note) != NULL) {
    GString *all = g_string_new (NULL);
    collect_text (all, note);
    text = g_string_free (all, FALSE);
  } else {
    text = g_strdup (dn_record_get_string (note, "text"));
  }
  GString *s = g_string_new (NULL);
  if (id != NULL) {
    g_string_append (s, "[^");
    for (const char *h = id; *h != '\0'; h++)
      if (g_ascii_isalnum (*h) || *h == '-' || *h == '_')
        g_string_append_c (s, *h);
    g_string_append (s, "]: ");
  }
  dn_markdown_render_inline (s, NULL, text, NL_HARD, 0);
  g_free (text);
  write_block (md, s->str);
  g_string_free (s, TRUE);
}

static void
write_comment_start (Md *md, JsonObject *n)
{
  flush_blank (md);
  push_container (md, "> ", "> ");
  const char *author = dn_record_get_string (n, "author");
  const char *text = dn_record_get_string (n, "text");
  if (text == NULL && author != NULL) {
    /* The comment's text is in its paragraphs: the author leads. */
    GString *s = g_string_new ("**");
    dn_markdown_render_inline (s, NULL, author, NL_SPACE, NO_LINE_START);
    g_string_append (s, ":**");
    write_block (md, s->str);
    g_string_free (s, TRUE);
  } else if (text != NULL) {
    GString *s = g_string_new (NULL);
    if (author != NULL) {
      g_string_append (s, "**");
      dn_markdown_render_inline (s, NULL, author, NL_SPACE, NO_LINE_START);
      g_string_append (s, ":** ");
    }
    dn_markdown_render_inline (s, n, text, NL_HARD, author != NULL ? NO_LINE_START : 0);
    write_block (md, s->str);
    g_string_free (s, TRUE);
  }
}

static void write_node (Md *md, JsonObject *n, JsonObject *parent, guint index, guint sections);

static void
write_children (Md *md, JsonObject *n, guint sections)
{
  JsonArray *kids = children_of (n);
  for (guint i = 0; kids != NULL && i < json_array_get_length (kids); i++)
    write_node (md, json_array_get_object_element (kids, i), n, i, sections);
}

static void
write_list_item (Md *md, JsonObject *n, guint index, guint sections)
{
  guint *counter = md->list_counters->len > 0
                     ? &g_array_index (md->list_counters, guint, md->list_counters->len - 1) : NULL;
  char *marker = counter != NULL && *counter > 0 ? g_strdup_printf ("%u. ", (*counter)++) : g_strdup ("- ");
  char *rest = g_strnfill (strlen (marker), ' ');
  /* Items of one list follow each other without blank lines. */
  if (index > 0)
    md->need_blank = FALSE;
  flush_blank (md);
  push_container (md, marker, rest);
  g_free (marker);
  g_free (rest);
  if (dn_record_get_string (n, "text") != NULL)
    write_text_block (md, n);
  write_children (md, n, sections);
  Container *c = &g_array_index (md->containers, Container, md->containers->len - 1);
  if (!c->first_done)
    write_block (md, ""); /* an item whose children wrote nothing */
  pop_container (md);
}

/* Writes the body node @n, the @index-th child of @parent (NULL for the
 * body), inside @sections sections. */
static void
write_node (Md *md, JsonObject *n, JsonObject *parent, guint index, guint sections)
{
  const char *type = node_type (n);
  const char *text = dn_record_get_string (n, "text");
  if (strcmp (type, "table") == 0) {
    write_table (md, n);
  } else if (strcmp (type, "toc") == 0) {
    write_toc (md, n);
  } else if (strcmp (type, "footnote") == 0) {
    write_footnote (md, n);
  } else if (strcmp (type, "raw_text") == 0) {
    if (text != NULL)
      write_code_block (md, text);
  } else if (strcmp (type, "furniture") == 0) {
    /* Not part of the body. */
  } else if (strcmp (type, "section") == 0) {
    /* A section without its heading node still gets its title. */
    JsonArray *kids = children_of (n);
    const char *title = dn_record_get_string (n, "title");
    if ((kids == NULL || !is_type (json_array_get_object_element (kids, 0), "heading")) && title != NULL)
      write_heading (md, n, (int) CLAMP (dn_record_get_int (n, "level", 1), 1, 6),
                     dn_record_get_string (n, "label"), title);
    write_children (md, n, sections + 1);
  } else if (strcmp (type, "heading") == 0) {
    if (text != NULL)
      write_heading (md, n, heading_level (n, sections), dn_record_get_string (n, "label"), text);
    write_children (md, n, sections);
  } else if (strcmp (type, "list") == 0) {
    JsonNode *ordered = json_object_get_member (n, "ordered");
    guint start = ordered != NULL && JSON_NODE_HOLDS_VALUE (ordered) &&
                  json_node_get_value_type (ordered) == G_TYPE_BOOLEAN && json_node_get_boolean (ordered);
    g_array_append_val (md->list_counters, start);
    /* A list right under its item's text needs no blank line. */
    if (is_type (parent, "list_item"))
      md->need_blank = FALSE;
    write_children (md, n, sections);
    g_array_set_size (md->list_counters, md->list_counters->len - 1);
    md->need_blank = TRUE;
  } else if (strcmp (type, "list_item") == 0) {
    write_list_item (md, n, index, sections);
  } else if (strcmp (type, "comment") == 0) {
    write_comment_start (md, n);
    write_children (md, n, sections);
    pop_container (md);
    md->need_blank = TRUE;
  } else if (strcmp (type, "figure") == 0) {
    write_figure (md, n);
    write_children (md, n, sections);
  } else if (strcmp (type, "document") == 0) {
    write_children (md, n, sections);
  } else {
    /* Paragraph, caption, table pieces outside a table, TOC entries
     * outside a TOC: their text as a paragraph. */
    write_text_block (md, n);
    write_children (md, n, sections);
  }
}

/* A YAML metadata block with the report's title, as pandoc and static site
 * generators read one: the cover prints the title as the document has it
 * (often with a stray space where a line broke), the record's title is
 * clean. The value is a double-quoted YAML scalar. */
static void
write_front_matter (Md *md, JsonObject *record)
{
  JsonNode *report = json_object_get_member (record, "report");
  const char *title = report != NULL && JSON_NODE_HOLDS_OBJECT (report)
                        ? dn_record_get_string (json_node_get_object (report), "title") : NULL;
  if (title == NULL)
    return;
  g_string_append (md->out, "---\ntitle: \"");
  for (const char *p = title; *p != '\0'; p++) {
    if (*p == '"' || *p == '\\')
      g_string_append_printf (md->out, "\\%c", *p);
    else if ((guchar) *p < 0x20)
      g_string_append_c (md->out, ' ');
    else
      g_string_append_c (md->out, *p);
  }
  g_string_append (md->out, "\"\n---\n");
  md->need_blank = TRUE;
}

static gboolean
markdown_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out, GError **error)
{
  /* The record with hints (wrapped lines, header rows, outline levels),
   * whatever the caller asked for the record itself. */
  DnWriteOptions with_hints;
  dn_write_options_init (&with_hints);
  if (options != NULL)
    memcpy (&with_hints, options, MIN (options->struct_size, sizeof with_hints));
  with_hints.struct_size = sizeof with_hints;
  with_hints.with_hints = TRUE;
  JsonNode *record = dn_record_build (doc, &with_hints, error);
  if (record == NULL)
    return FALSE;
  JsonObject *rec = json_node_get_object (record);
  Md md = { g_string_new (NULL), g_array_new (FALSE, FALSE, sizeof (Container)), FALSE,
            g_array_new (FALSE, FALSE, sizeof (guint)) };
  g_array_set_clear_func (md.containers, container_clear);
  write_front_matter (&md, rec);
  write_node (&md, json_object_get_object_member (rec, "body"), NULL, 0, 0);
  gboolean ok = g_output_stream_write_all (out, md.out->str, md.out->len, NULL, NULL, error);
  g_string_free (md.out, TRUE);
  g_array_free (md.containers, TRUE);
  g_array_free (md.list_counters, TRUE);
  json_node_unref (record);
  return ok;
}

static const char *const markdown_media_types[] = { "text/markdown", NULL };
static const char *const markdown_extensions[] = { "md", "markdown", NULL };

static const DnWriterVTable markdown_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = markdown_write,
};

static const DnPluginDesc markdown_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "markdown",
  .description = "Body as Markdown (CommonMark with GFM tables)",
  .version = MARKDOWN_WRITER_VERSION,
  .media_types = markdown_media_types,
  .extensions = markdown_extensions,
  .writer = &markdown_writer,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (markdown, markdown_desc)
