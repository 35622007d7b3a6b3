/* dn-vocab.h — the record vocabulary: one table of node attribute names and
 * types shared by the JSON and XML forms, and the singular names XML uses
 * for array items. Writers take names from here, never spell their own. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  DN_VOCAB_STRING,
  DN_VOCAB_INT,
  DN_VOCAB_BOOL,
} DnVocabType;

typedef enum {
  DN_VOCAB_CONTENT = 0,  /* always in the record */
  DN_VOCAB_HINT = 1,     /* only with hints on (--hints) */
} DnVocabRole;

typedef struct {
  const char *name;
  DnVocabType type;
  DnVocabRole role;
  const char *doc;
} DnVocabAttr;

/* The known node attributes, in the order the record lists them.
 * Returns a static array; @n_out receives its length. */
const DnVocabAttr *dn_vocab_node_attrs (guint *n_out);
/* The entry for @name, or NULL when it is not in the vocabulary. */
const DnVocabAttr *dn_vocab_lookup (const char *name);

/* XML element name for one item of the array member @array_name
 * ("travellers" → "traveller"); static string, "item" when unknown. */
const char *dn_vocab_item_name (const char *array_name);

/* Well-known attribute names, for readers and analysis. */
#define DN_ATTR_ID "id"
#define DN_ATTR_LEVEL "level"
#define DN_ATTR_LABEL "label"
#define DN_ATTR_MARKER_TYPE "marker_type"
#define DN_ATTR_TITLE "title"
#define DN_ATTR_ROLE "role"
#define DN_ATTR_LANG "lang"
#define DN_ATTR_ORDERED "ordered"
#define DN_ATTR_ROW_SPAN "row_span"
#define DN_ATTR_COL_SPAN "col_span"
#define DN_ATTR_HREF "href"
#define DN_ATTR_IMAGE "image"
#define DN_ATTR_MEDIA_TYPE "media_type"
#define DN_ATTR_ALT "alt"
#define DN_ATTR_WIDTH "width"
#define DN_ATTR_HEIGHT "height"
#define DN_ATTR_NOTE_ID "note_id"
#define DN_ATTR_NUMBER "number"
#define DN_ATTR_PRINTED_PAGE "printed_page"
#define DN_ATTR_CANONICAL_PART "canonical_part"
#define DN_ATTR_SOURCE "source"
#define DN_ATTR_NOTE "note"
#define DN_ATTR_AUTHOR "author"
#define DN_ATTR_STYLE "style"

G_END_DECLS
