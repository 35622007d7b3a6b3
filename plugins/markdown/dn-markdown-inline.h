/* dn-markdown-inline.h — the Markdown writer's inline content, rendered from
 * the record (dn_record_build()): escaped text with its marks, and the
 * helpers that read the record's members. Internal to the plugin. */
#pragma once
#include "docnorm.h"

G_BEGIN_DECLS

/* What a line break in the text becomes. */
typedef enum {
  NL_HARD,  /* authored line break: backslash at the end of the line */
  NL_SOFT,  /* layout wrap: a plain newline, which Markdown reflows */
  NL_SPACE, /* headings: one line */
  NL_BR,    /* table cells: <br> */
} DnMarkdownNewline;

/* dn_markdown_render_inline() flags. */
enum {
  IN_TABLE = 1 << 0,       /* escape '|' */
  NO_LINE_START = 1 << 1,  /* the text follows a marker on its line ("## ") */
};

/* Appends @text to @out as Markdown inline content: escaped, and, when
 * @text is the record node @node's own "text" member (the same pointer),
 * with @node's marks as emphasis, links and note references. @node may be
 * NULL; @text NULL appends nothing. */
void dn_markdown_render_inline (GString *out, JsonObject *node, const char *text, DnMarkdownNewline nl,
                                guint flags);

/* Appends a link or image target, percent-encoding what would end it. */
void dn_markdown_append_href (GString *out, const char *href);

G_END_DECLS
