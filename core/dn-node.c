#include "dn-node.h"

#include <string.h>

struct _DnNode {
  DnNodeType type;
  DnNode *parent, *first_child, *last_child, *prev, *next;
  char *text;
  gsize text_len;
  GArray *spans;   /* DnSpan, NULL until the first span */
  GPtrArray *attrs; /* alternating interned key, owned value; NULL until used */
  DnHints hints;
};

static const char *const node_type_names[DN_NODE_TYPE_COUNT] = {
  [DN_NODE_DOCUMENT] = "document",
  [DN_NODE_SECTION] = "section",
  [DN_NODE_HEADING] = "heading",
  [DN_NODE_PARAGRAPH] = "paragraph",
  [DN_NODE_LIST] = "list",
  [DN_NODE_LIST_ITEM] = "list_item",
  [DN_NODE_TABLE] = "table",
  [DN_NODE_TABLE_ROW] = "table_row",
  [DN_NODE_TABLE_CELL] = "table_cell",
  [DN_NODE_FIGURE] = "figure",
  [DN_NODE_CAPTION] = "caption",
  [DN_NODE_FOOTNOTE] = "footnote",
  [DN_NODE_FURNITURE] = "furniture",
  [DN_NODE_COMMENT] = "comment",
  [DN_NODE_TOC] = "toc",
  [DN_NODE_TOC_ENTRY] = "toc_entry",
  [DN_NODE_RAW_TEXT] = "raw_text",
};

const char *
dn_node_type_name (DnNodeType type)
{
  if ((guint) type >= DN_NODE_TYPE_COUNT)
    return "unknown";
  return node_type_names[type];
}

DnNode *
dn_node_new (DnNodeType type)
{
  DnNode *node = g_new0 (DnNode, 1);
  node->type = type;
  node->hints.bold = -1;
  node->hints.italic = -1;
  return node;
}

static void
node_free_one (DnNode *node)
{
  g_free (node->text);
  if (node->spans) {
    for (guint i = 0; i < node->spans->len; i++)
      g_free (g_array_index (node->spans, DnSpan, i).href);
    g_array_free (node->spans, TRUE);
  }
  if (node->attrs) {
    for (guint i = 1; i < node->attrs->len; i += 2)
      g_free (node->attrs->pdata[i]);
    g_ptr_array_free (node->attrs, TRUE);
  }
  g_free (node);
}

void
dn_node_free (DnNode *node)
{
  if (node == NULL)
    return;
  dn_node_unlink (node);
  /* Descend to a leaf, free it, and continue with its next sibling or,
   * when none is left, its parent, now childless. No recursion. */
  DnNode *cur = node;
  while (cur != NULL) {
    if (cur->first_child != NULL) {
      cur = cur->first_child;
      continue;
    }
    DnNode *up = cur->parent;
    DnNode *sib = cur->next;
    if (up != NULL) {
      up->first_child = sib;
      if (sib == NULL)
        up->last_child = NULL;
    }
    if (sib != NULL)
      sib->prev = NULL;
    node_free_one (cur);
    cur = sib != NULL ? sib : up;
  }
}

DnNodeType dn_node_get_node_type (const DnNode *node) { return node->type; }
void dn_node_set_node_type (DnNode *node, DnNodeType type) { node->type = type; }
DnNode *dn_node_parent (const DnNode *node) { return node->parent; }
DnNode *dn_node_first_child (const DnNode *node) { return node->first_child; }
DnNode *dn_node_last_child (const DnNode *node) { return node->last_child; }
DnNode *dn_node_next (const DnNode *node) { return node->next; }
DnNode *dn_node_previous (const DnNode *node) { return node->prev; }

guint
dn_node_count_children (const DnNode *node)
{
  guint n = 0;
  for (DnNode *c = node->first_child; c != NULL; c = c->next)
    n++;
  return n;
}

void
dn_node_unlink (DnNode *node)
{
  if (node->prev != NULL)
    node->prev->next = node->next;
  if (node->next != NULL)
    node->next->prev = node->prev;
  if (node->parent != NULL) {
    if (node->parent->first_child == node)
      node->parent->first_child = node->next;
    if (node->parent->last_child == node)
      node->parent->last_child = node->prev;
  }
  node->parent = node->prev = node->next = NULL;
}

void
dn_node_append_child (DnNode *parent, DnNode *child)
{
  g_return_if_fail (parent != child);
  dn_node_unlink (child);
  child->parent = parent;
  child->prev = parent->last_child;
  if (parent->last_child != NULL)
    parent->last_child->next = child;
  else
    parent->first_child = child;
  parent->last_child = child;
}

void
dn_node_prepend_child (DnNode *parent, DnNode *child)
{
  g_return_if_fail (parent != child);
  dn_node_unlink (child);
  child->parent = parent;
  child->next = parent->first_child;
  if (parent->first_child != NULL)
    parent->first_child->prev = child;
  else
    parent->last_child = child;
  parent->first_child = child;
}

void
dn_node_insert_before (DnNode *sibling, DnNode *node)
{
  g_return_if_fail (sibling != node);
  dn_node_unlink (node);
  node->parent = sibling->parent;
  node->next = sibling;
  node->prev = sibling->prev;
  if (sibling->prev != NULL)
    sibling->prev->next = node;
  else if (sibling->parent != NULL)
    sibling->parent->first_child = node;
  sibling->prev = node;
}

void
dn_node_insert_after (DnNode *sibling, DnNode *node)
{
  g_return_if_fail (sibling != node);
  dn_node_unlink (node);
  node->parent = sibling->parent;
  node->prev = sibling;
  node->next = sibling->next;
  if (sibling->next != NULL)
    sibling->next->prev = node;
  else if (sibling->parent != NULL)
    sibling->parent->last_child = node;
  sibling->next = node;
}

DnNode *
dn_node_append_new (DnNode *parent, DnNodeType type)
{
  DnNode *child = dn_node_new (type);
  dn_node_append_child (parent, child);
  return child;
}

/* Copies @len bytes of @text, replacing invalid sequences with U+FFFD.
 * Returns FALSE when something had to be replaced. */
static gboolean
copy_valid_utf8 (const char *text, gsize len, char **out, gsize *out_len)
{
  if (g_utf8_validate_len (text, len, NULL)) {
    *out = g_strndup (text, len);
    *out_len = len;
    return TRUE;
  }
  *out = g_utf8_make_valid (text, (gssize) len);
  *out_len = strlen (*out);
  return FALSE;
}

gboolean
dn_node_set_text_len (DnNode *node, const char *text, gssize len)
{
  g_free (node->text);
  node->text = NULL;
  node->text_len = 0;
  dn_node_clear_spans (node);
  if (text == NULL)
    return TRUE;
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  return copy_valid_utf8 (text, n, &node->text, &node->text_len);
}

gboolean
dn_node_set_text (DnNode *node, const char *text)
{
  return dn_node_set_text_len (node, text, -1);
}

gboolean
dn_node_append_text (DnNode *node, const char *text, gssize len)
{
  gsize n = len < 0 ? strlen (text) : (gsize) len;
  char *piece;
  gsize piece_len;
  gboolean ok = copy_valid_utf8 (text, n, &piece, &piece_len);
  node->text = g_realloc (node->text, node->text_len + piece_len + 1);
  memcpy (node->text + node->text_len, piece, piece_len + 1);
  node->text_len += piece_len;
  g_free (piece);
  return ok;
}

void
dn_node_take_text (DnNode *node, char *text)
{
  g_assert (text == NULL || g_utf8_validate (text, -1, NULL));
  g_free (node->text);
  dn_node_clear_spans (node);
  node->text = text;
  node->text_len = text != NULL ? strlen (text) : 0;
}

const char *dn_node_get_text (const DnNode *node) { return node->text; }
gsize dn_node_get_text_length (const DnNode *node) { return node->text_len; }

void
dn_node_add_span (DnNode *node, guint32 start, guint32 end, guint32 marks, const char *href)
{
  g_return_if_fail (start <= end && end <= node->text_len);
  if (node->spans == NULL)
    node->spans = g_array_new (FALSE, FALSE, sizeof (DnSpan));
  DnSpan span = { start, end, marks, g_strdup (href) };
  g_array_append_val (node->spans, span);
}

guint
dn_node_get_n_spans (const DnNode *node)
{
  return node->spans != NULL ? node->spans->len : 0;
}

const DnSpan *
dn_node_get_span (const DnNode *node, guint index)
{
  g_return_val_if_fail (index < dn_node_get_n_spans (node), NULL);
  return &g_array_index (node->spans, DnSpan, index);
}

void
dn_node_clear_spans (DnNode *node)
{
  if (node->spans == NULL)
    return;
  for (guint i = 0; i < node->spans->len; i++)
    g_free (g_array_index (node->spans, DnSpan, i).href);
  g_array_set_size (node->spans, 0);
}

DnHints *dn_node_hints (DnNode *node) { return &node->hints; }
const DnHints *dn_node_get_hints (const DnNode *node) { return &node->hints; }

static int
attr_find (const DnNode *node, const char *key)
{
  if (node->attrs == NULL)
    return -1;
  for (guint i = 0; i < node->attrs->len; i += 2)
    if (strcmp (node->attrs->pdata[i], key) == 0)
      return (int) i;
  return -1;
}

void
dn_node_set_attr (DnNode *node, const char *key, const char *value)
{
  int at = attr_find (node, key);
  if (value == NULL) {
    if (at >= 0) {
      g_free (node->attrs->pdata[at + 1]);
      g_ptr_array_remove_range (node->attrs, (guint) at, 2);
    }
    return;
  }
  char *copy = NULL;
  gsize copy_len;
  copy_valid_utf8 (value, strlen (value), &copy, &copy_len);
  if (at >= 0) {
    g_free (node->attrs->pdata[at + 1]);
    node->attrs->pdata[at + 1] = copy;
    return;
  }
  if (node->attrs == NULL)
    node->attrs = g_ptr_array_new ();
  g_ptr_array_add (node->attrs, (gpointer) g_intern_string (key));
  g_ptr_array_add (node->attrs, copy);
}

void
dn_node_set_attr_int (DnNode *node, const char *key, gint64 value)
{
  char buf[32];
  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  dn_node_set_attr (node, key, buf);
}

const char *
dn_node_get_attr (const DnNode *node, const char *key)
{
  int at = attr_find (node, key);
  return at >= 0 ? node->attrs->pdata[at + 1] : NULL;
}

gint64
dn_node_get_attr_int (const DnNode *node, const char *key, gint64 fallback)
{
  const char *v = dn_node_get_attr (node, key);
  gint64 out;
  if (v == NULL || !g_ascii_string_to_signed (v, 10, G_MININT64, G_MAXINT64, &out, NULL))
    return fallback;
  return out;
}

guint
dn_node_get_n_attrs (const DnNode *node)
{
  return node->attrs != NULL ? node->attrs->len / 2 : 0;
}

void
dn_node_get_attr_at (const DnNode *node, guint index, const char **key, const char **value)
{
  g_return_if_fail (index < dn_node_get_n_attrs (node));
  *key = node->attrs->pdata[index * 2];
  *value = node->attrs->pdata[index * 2 + 1];
}

char *
dn_node_collect_text (const DnNode *node)
{
  GString *out = g_string_new (NULL);
  DnIter it;
  dn_iter_init (&it, (DnNode *) node);
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (ev != DN_EVENT_ENTER || it.current->text == NULL)
      continue;
    if (out->len > 0)
      g_string_append_c (out, '\n');
    g_string_append_len (out, it.current->text, (gssize) it.current->text_len);
  }
  return g_string_free (out, FALSE);
}

void
dn_iter_init (DnIter *iter, DnNode *root)
{
  iter->root = root;
  iter->current = root;
  iter->event = DN_EVENT_NONE;
}

DnEventType
dn_iter_next (DnIter *iter)
{
  DnNode *cur = iter->current;
  switch (iter->event) {
  case DN_EVENT_NONE:
    iter->event = cur != NULL ? DN_EVENT_ENTER : DN_EVENT_DONE;
    break;
  case DN_EVENT_ENTER:
    if (cur->first_child != NULL) {
      iter->current = cur->first_child;
      iter->event = DN_EVENT_ENTER;
    } else {
      iter->event = DN_EVENT_EXIT;
    }
    break;
  case DN_EVENT_EXIT:
    if (cur == iter->root) {
      iter->event = DN_EVENT_DONE;
    } else if (cur->next != NULL) {
      iter->current = cur->next;
      iter->event = DN_EVENT_ENTER;
    } else {
      iter->current = cur->parent;
      iter->event = DN_EVENT_EXIT;
    }
    break;
  case DN_EVENT_DONE:
    break;
  }
  return iter->event;
}
