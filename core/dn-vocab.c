#include "dn-vocab.h"

#include <string.h>

static const DnVocabAttr node_attrs[] = {
  { "id", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "stable id of a section (s1, s1.2)" },
  { "level", DN_VOCAB_INT, DN_VOCAB_CONTENT, "section or heading depth, 1 = top" },
  { "label", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "numbering label as printed (壹、 (一) 1.)" },
  { "marker_type", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "numbering family of the label" },
  { "title", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "section title without its label" },
  { "canonical_part", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "purpose, process, …" },
  { "role", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "furniture role: header, footer, page_number" },
  { "lang", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "BCP 47 language when not the document's" },
  { "ordered", DN_VOCAB_BOOL, DN_VOCAB_CONTENT, "list is numbered" },
  { "row_span", DN_VOCAB_INT, DN_VOCAB_CONTENT, "table cell rows covered" },
  { "col_span", DN_VOCAB_INT, DN_VOCAB_CONTENT, "table cell columns covered" },
  { "number", DN_VOCAB_INT, DN_VOCAB_CONTENT, "figure or table number" },
  { "printed_page", DN_VOCAB_INT, DN_VOCAB_CONTENT, "page number as printed (TOC)" },
  { "href", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "link target" },
  { "note_id", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "footnote / endnote id" },
  { "author", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "comment author" },
  { "image", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "image file written with --images, or its part name" },
  { "media_type", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "image media type" },
  { "width", DN_VOCAB_INT, DN_VOCAB_CONTENT, "image width in pixels" },
  { "height", DN_VOCAB_INT, DN_VOCAB_CONTENT, "image height in pixels" },
  { "alt", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "image alternative text" },
  { "note", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "figure note line (左起：…)" },
  { "source", DN_VOCAB_STRING, DN_VOCAB_CONTENT, "figure source (資料來源)" },
  { "style", DN_VOCAB_STRING, DN_VOCAB_HINT, "reader's style id" },
};

const DnVocabAttr *
dn_vocab_node_attrs (guint *n_out)
{
  *n_out = G_N_ELEMENTS (node_attrs);
  return node_attrs;
}

const DnVocabAttr *
dn_vocab_lookup (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (node_attrs); i++)
    if (strcmp (node_attrs[i].name, name) == 0)
      return &node_attrs[i];
  return NULL;
}

static const char *const item_names[][2] = {
  { "children", "node" },
  { "warnings", "warning" },
  { "marks", "mark" },
  { "bbox", "coord" },
  { "flags", "flag" },
  { "travellers", "traveller" },
  { "organizations", "organization" },
  { "destinations", "destination" },
  { "entries", "entry" },
  { "paragraphs", "paragraph" },
  { "figures", "figure" },
  { "figure_list", "entry" },
  { "table_list", "entry" },
  { "tables", "table" },
  { "appendices", "appendix" },
  { "rows", "row" },
  { "cells", "cell" },
  { "items", "item" },
  { "keywords", "keyword" },
  { "title_raw_lines", "line" },
  { "rows_raw", "row" },
  { "parts", "part" },
  { "delegation", "member" },
  { "responsible", "agency" },
  { "follow_up_tasks", "task" },
  { "languages", "language" },
  { "pages", "page" },
};

const char *
dn_vocab_item_name (const char *array_name)
{
  for (guint i = 0; i < G_N_ELEMENTS (item_names); i++)
    if (strcmp (item_names[i][0], array_name) == 0)
      return item_names[i][1];
  return "item";
}
