/* dn-node.h — the document tree every reader builds and every writer walks.
 *
 * A cmark-style tree: intrusive parent / child / sibling links, a type, an
 * optional UTF-8 text payload with inline spans, typed layout hints, and a
 * small set of string attributes (label, style, id, href, …; the vocabulary
 * is listed in dn-vocab.h).
 *
 * Ownership: a node owns its children, text, spans and attributes. Setters
 * copy their arguments; getters borrow (valid until the node changes or is
 * freed). A node linked into a tree is owned by its parent; dn_node_free()
 * unlinks first, then frees the node and its whole subtree without recursion,
 * so a tree 100 000 levels deep is freed in constant stack. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Append-only: the numeric values are part of the plugin ABI. */
typedef enum {
  DN_NODE_DOCUMENT = 0,
  DN_NODE_SECTION,      /* made by analysis: a heading and what it governs */
  DN_NODE_HEADING,      /* a reader's heading (style, outline) or analysis' */
  DN_NODE_PARAGRAPH,
  DN_NODE_LIST,
  DN_NODE_LIST_ITEM,
  DN_NODE_TABLE,
  DN_NODE_TABLE_ROW,
  DN_NODE_TABLE_CELL,
  DN_NODE_FIGURE,       /* an image placement; attrs image, alt, media_type */
  DN_NODE_CAPTION,
  DN_NODE_FOOTNOTE,     /* footnote or endnote body; attr note_id */
  DN_NODE_FURNITURE,    /* running header / footer / page number; attr role */
  DN_NODE_COMMENT,      /* reviewer comment, kept apart from body text */
  DN_NODE_TOC,          /* a table of contents */
  DN_NODE_TOC_ENTRY,    /* attrs label, page */
  DN_NODE_RAW_TEXT,     /* text kept verbatim (unparsed grid, code) */
} DnNodeType;
#define DN_NODE_TYPE_COUNT (DN_NODE_RAW_TEXT + 1)

typedef enum {
  DN_ALIGN_UNKNOWN = 0,
  DN_ALIGN_LEFT,
  DN_ALIGN_CENTER,
  DN_ALIGN_RIGHT,
  DN_ALIGN_JUSTIFY,
} DnAlign;

/* Inline marks on a span of a node's text. */
typedef enum {
  DN_MARK_BOLD = 1u << 0,
  DN_MARK_ITALIC = 1u << 1,
  DN_MARK_UNDERLINE = 1u << 2,
  DN_MARK_STRIKE = 1u << 3,
  DN_MARK_SUPERSCRIPT = 1u << 4,
  DN_MARK_SUBSCRIPT = 1u << 5,
  DN_MARK_LINK = 1u << 6,      /* href holds the target */
  DN_MARK_NOTE_REF = 1u << 7,  /* href holds the note id */
} DnMark;

typedef struct {
  guint32 start;   /* byte offset into the node's text */
  guint32 end;     /* exclusive */
  guint32 marks;   /* DnMark bits */
  char *href;      /* owned by the node; NULL unless LINK or NOTE_REF */
} DnSpan;

/* Hint flags. */
typedef enum {
  /* '\n' in the text are layout wraps (PDF lines), not authored breaks. */
  DN_HINT_WRAPPED_LINES = 1u << 0,
  /* The block runs on past the end of its page (no closing punctuation and
   * the next page starts without a marker). */
  DN_HINT_CONTINUES = 1u << 1,
  /* Table row repeated as a header (DOCX tblHeader, first PDF grid row). */
  DN_HINT_HEADER_ROW = 1u << 2,
  /* The reader is unsure of this block's structure (e.g. a guessed table). */
  DN_HINT_UNCERTAIN = 1u << 3,
  /* An analysis pass removed residue from this text. */
  DN_HINT_CLEANED = 1u << 4,
  /* The text was recognised from the page image (OCR); ocr_confidence holds
   * the engine's mean word confidence for the block. */
  DN_HINT_OCR = 1u << 5,
} DnHintFlags;

/* Layout hints and provenance. Zero means "unknown" for every field. */
typedef struct {
  int page;            /* 1-based physical page */
  int outline_level;   /* 1..9 from a style, outline or bookmark */
  double font_size;    /* points */
  gint8 bold;          /* -1 unknown, 0 no, 1 yes (dominant weight) */
  gint8 italic;
  DnAlign align;
  double indent;       /* points from the column's left edge */
  gboolean has_bbox;
  double x0, y0, x1, y1; /* points, origin top-left of the page */
  guint32 flags;       /* DnHintFlags */
  float ocr_confidence; /* 0–100, with DN_HINT_OCR */
} DnHints;

typedef struct _DnNode DnNode;

/* A new, unlinked node. Free with dn_node_free() unless linked into a tree. */
DnNode *dn_node_new (DnNodeType type);
/* Unlinks @node and frees it with its subtree (iteratively). NULL-safe. */
void dn_node_free (DnNode *node);

DnNodeType dn_node_get_node_type (const DnNode *node);
/* Changing the type keeps text, hints and attributes. */
void dn_node_set_node_type (DnNode *node, DnNodeType type);
/* Stable lower-case name ("paragraph", "table_cell", …); static string. */
const char *dn_node_type_name (DnNodeType type);

/* Tree links; all borrowed. */
DnNode *dn_node_parent (const DnNode *node);
DnNode *dn_node_first_child (const DnNode *node);
DnNode *dn_node_last_child (const DnNode *node);
DnNode *dn_node_next (const DnNode *node);
DnNode *dn_node_previous (const DnNode *node);
guint dn_node_count_children (const DnNode *node);

/* Linking takes ownership of @child (unlinking it from wherever it was). */
void dn_node_append_child (DnNode *parent, DnNode *child);
void dn_node_prepend_child (DnNode *parent, DnNode *child);
void dn_node_insert_before (DnNode *sibling, DnNode *node);
void dn_node_insert_after (DnNode *sibling, DnNode *node);
/* Detaches @node from its parent and siblings; the caller then owns it. */
void dn_node_unlink (DnNode *node);
/* Convenience: a new child of @type appended to @parent; borrowed. */
DnNode *dn_node_append_new (DnNode *parent, DnNodeType type);

/* Text. dn_node_set_text() copies; invalid UTF-8 is repaired with U+FFFD and
 * reported through the return value (FALSE = had to repair). NULL clears.
 * Setting the text drops the spans. */
gboolean dn_node_set_text (DnNode *node, const char *text);
gboolean dn_node_set_text_len (DnNode *node, const char *text, gssize len);
/* Appends, keeping spans; returns FALSE if the appended bytes were repaired. */
gboolean dn_node_append_text (DnNode *node, const char *text, gssize len);
/* Takes ownership of @text, which must be valid UTF-8 (checked by assertion
 * in debug builds). For readers that built the string themselves. */
void dn_node_take_text (DnNode *node, char *text);
const char *dn_node_get_text (const DnNode *node); /* NULL if none */
gsize dn_node_get_text_length (const DnNode *node);  /* bytes */

/* Spans over the text (byte offsets). @href is copied. */
void dn_node_add_span (DnNode *node, guint32 start, guint32 end, guint32 marks, const char *href);
guint dn_node_get_n_spans (const DnNode *node);
const DnSpan *dn_node_get_span (const DnNode *node, guint index);
void dn_node_clear_spans (DnNode *node);

/* Hints: a borrowed, mutable pointer into the node; never NULL. */
DnHints *dn_node_hints (DnNode *node);
const DnHints *dn_node_get_hints (const DnNode *node);

/* Attributes: string key / value pairs, insertion ordered. Keys should come
 * from dn-vocab.h; others are carried through as "extra". Values are copied;
 * NULL removes the key. */
void dn_node_set_attr (DnNode *node, const char *key, const char *value);
void dn_node_set_attr_int (DnNode *node, const char *key, gint64 value);
const char *dn_node_get_attr (const DnNode *node, const char *key); /* borrowed */
/* Returns @fallback when absent or not an integer. */
gint64 dn_node_get_attr_int (const DnNode *node, const char *key, gint64 fallback);
guint dn_node_get_n_attrs (const DnNode *node);
/* Borrowed key and value of attribute @index (insertion order). */
void dn_node_get_attr_at (const DnNode *node, guint index, const char **key, const char **value);

/* Concatenated text of @node's subtree, blocks separated by "\n".
 * Returns a newly allocated string (free with g_free). */
char *dn_node_collect_text (const DnNode *node);

/* Depth-first walk with enter and exit events for every node (leaves too),
 * without recursion. */
typedef enum {
  DN_EVENT_NONE = 0,
  DN_EVENT_DONE,
  DN_EVENT_ENTER,
  DN_EVENT_EXIT,
} DnEventType;

typedef struct {
  DnNode *root;
  DnNode *current;
  DnEventType event;
} DnIter;

/* Initialises @iter over @root's subtree; no allocation. */
void dn_iter_init (DnIter *iter, DnNode *root);
/* Advances; returns the event and leaves the node in iter->current. The tree
 * may be modified below iter->current only on its ENTER event. */
DnEventType dn_iter_next (DnIter *iter);

G_END_DECLS
