#include "dn-record.h"

#include <string.h>

#include "dn-vocab.h"

static gboolean
want_hints (const DnWriteOptions *options)
{
  return options != NULL && DN_STRUCT_HAS (options, options->struct_size, DnWriteOptions, with_hints) &&
         options->with_hints;
}

typedef struct {
  const DnRecordSink *sink;
  gpointer user_data;
} Emit;

static void
emit_string (const Emit *e, const char *key, const char *value)
{
  e->sink->string (e->user_data, key, value);
}

static void
emit_int (const Emit *e, const char *key, gint64 value)
{
  e->sink->integer (e->user_data, key, value);
}

static void
emit_typed (const Emit *e, const DnVocabAttr *attr, const char *value)
{
  gint64 n;
  switch (attr->type) {
  case DN_VOCAB_INT:
    if (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL)) {
      emit_int (e, attr->name, n);
      return;
    }
    break;
  case DN_VOCAB_BOOL:
    e->sink->boolean (e->user_data, attr->name, strcmp (value, "true") == 0 || strcmp (value, "1") == 0);
    return;
  case DN_VOCAB_STRING:
    break;
  }
  emit_string (e, attr->name, value);
}

static const char *const align_names[] = { NULL, "left", "center", "right", "justify" };
static const char *const flag_names[] = { "wrapped_lines", "continues", "header_row", "uncertain", "cleaned", "ocr" };
static const char *const mark_names[] = { "bold", "italic", "underline", "strike", "superscript",
                                          "subscript", "link", "note_ref" };

static void
emit_hints (const Emit *e, const DnNode *node)
{
  const DnHints *h = dn_node_get_hints (node);
  const char *style = dn_node_get_attr (node, DN_ATTR_STYLE);
  gboolean align = h->align > DN_ALIGN_UNKNOWN && h->align <= DN_ALIGN_JUSTIFY;
  if (style == NULL && h->outline_level <= 0 && h->font_size <= 0 && h->bold < 0 && h->italic < 0 &&
      !align && h->indent == 0 && !h->has_bbox && h->flags == 0)
    return;
  e->sink->begin_object (e->user_data, "hints");
  if (style != NULL)
    emit_string (e, "style", style);
  if (h->outline_level > 0)
    emit_int (e, "outline_level", h->outline_level);
  if (h->font_size > 0)
    e->sink->number (e->user_data, "font_size", h->font_size);
  if (h->bold >= 0)
    e->sink->boolean (e->user_data, "bold", h->bold);
  if (h->italic >= 0)
    e->sink->boolean (e->user_data, "italic", h->italic);
  if (align)
    emit_string (e, "align", align_names[h->align]);
  if (h->indent != 0)
    e->sink->number (e->user_data, "indent", h->indent);
  if (h->has_bbox) {
    e->sink->begin_array (e->user_data, "bbox");
    e->sink->number (e->user_data, NULL, h->x0);
    e->sink->number (e->user_data, NULL, h->y0);
    e->sink->number (e->user_data, NULL, h->x1);
    e->sink->number (e->user_data, NULL, h->y1);
    e->sink->end_array (e->user_data);
  }
  if (h->flags != 0) {
    e->sink->begin_array (e->user_data, "flags");
    for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
      if (h->flags & (1u << i))
        emit_string (e, NULL, flag_names[i]);
    e->sink->end_array (e->user_data);
  }
  if (h->flags & DN_HINT_OCR)
    e->sink->number (e->user_data, "ocr_confidence", (double) (gint64) (h->ocr_confidence * 10 + 0.5) / 10);
  e->sink->end_object (e->user_data);
}

/* Code-point offset of byte @target, counted on from a cursor so that a
 * node with many sorted spans costs one pass, not one pass per span. */
static gint64
char_offset (const char *text, gsize *cur_byte, gint64 *cur_char, gsize target)
{
  if (target < *cur_byte) {
    *cur_byte = 0;
    *cur_char = 0;
  }
  *cur_char += g_utf8_pointer_to_offset (text + *cur_byte, text + target);
  *cur_byte = target;
  return *cur_char;
}

/* Spans as code-point offsets, which is what JSON consumers can index. */
static void
emit_marks (const Emit *e, const DnNode *node)
{
  guint n = dn_node_get_n_spans (node);
  const char *text = dn_node_get_text (node);
  if (n == 0 || text == NULL)
    return;
  e->sink->begin_array (e->user_data, "marks");
  gsize cur_byte = 0;
  gint64 cur_char = 0;
  for (guint i = 0; i < n; i++) {
    const DnSpan *s = dn_node_get_span (node, i);
    e->sink->begin_object (e->user_data, NULL);
    emit_int (e, "start", char_offset (text, &cur_byte, &cur_char, s->start));
    emit_int (e, "end", char_offset (text, &cur_byte, &cur_char, s->end));
    e->sink->begin_array (e->user_data, "marks");
    for (guint b = 0; b < G_N_ELEMENTS (mark_names); b++)
      if (s->marks & (1u << b))
        emit_string (e, NULL, mark_names[b]);
    e->sink->end_array (e->user_data);
    if (s->href != NULL)
      emit_string (e, "href", s->href);
    e->sink->end_object (e->user_data);
  }
  e->sink->end_array (e->user_data);
}

/* A node's own members; its children follow in a "children" array. */
static void
emit_node_members (const Emit *e, const DnNode *node, gboolean hints)
{
  emit_string (e, "type", dn_node_type_name (dn_node_get_node_type (node)));
  guint n_vocab;
  const DnVocabAttr *vocab = dn_vocab_node_attrs (&n_vocab);
  for (guint i = 0; i < n_vocab; i++) {
    if (vocab[i].role != DN_VOCAB_CONTENT)
      continue;
    const char *v = dn_node_get_attr (node, vocab[i].name);
    if (v != NULL)
      emit_typed (e, &vocab[i], v);
  }
  const char *text = dn_node_get_text (node);
  if (text != NULL)
    emit_string (e, "text", text);
  emit_marks (e, node);
  int page = dn_node_get_hints (node)->page;
  if (page > 0)
    emit_int (e, "page", page);
  gboolean extra = FALSE;
  for (guint i = 0; i < dn_node_get_n_attrs (node); i++) {
    const char *k, *v;
    dn_node_get_attr_at (node, i, &k, &v);
    if (dn_vocab_lookup (k) != NULL)
      continue;
    if (!extra)
      e->sink->begin_object (e->user_data, "extra");
    extra = TRUE;
    emit_string (e, k, v);
  }
  if (extra)
    e->sink->end_object (e->user_data);
  if (hints)
    emit_hints (e, node);
}

static gboolean
check_depth (const DnDocument *doc, GError **error)
{
  guint depth = 0;
  DnIter it;
  dn_iter_init (&it, (DnNode *) dn_document_get_root_const (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    if (dn_node_first_child (it.current) == NULL)
      continue;
    if (ev == DN_EVENT_EXIT) {
      depth--;
    } else if (++depth > DN_RECORD_MAX_DEPTH) {
      g_set_error (error, DN_ERROR, DN_ERROR_LIMIT, "document tree nested deeper than %d levels",
                   DN_RECORD_MAX_DEPTH);
      return FALSE;
    }
  }
  return TRUE;
}

/* The body tree as the object @key; iterative, so depth costs no stack. */
static void
emit_body (const Emit *e, const DnDocument *doc, const char *key, gboolean hints)
{
  DnIter it;
  dn_iter_init (&it, (DnNode *) dn_document_get_root_const (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    const DnNode *n = it.current;
    gboolean parent = dn_node_first_child (n) != NULL;
    if (ev == DN_EVENT_EXIT) {
      if (parent)
        e->sink->end_array (e->user_data);
      e->sink->end_object (e->user_data);
      continue;
    }
    e->sink->begin_object (e->user_data, n == it.root ? key : NULL);
    emit_node_members (e, n, hints);
    if (parent)
      e->sink->begin_array (e->user_data, "children");
  }
}

/* A json-glib value as events (metadata and the analysis report are kept
 * as json-glib objects, whose members keep their insertion order). */
static void
emit_json (const Emit *e, const char *key, JsonNode *node)
{
  switch (json_node_get_node_type (node)) {
  case JSON_NODE_OBJECT: {
    JsonObject *o = json_node_get_object (node);
    e->sink->begin_object (e->user_data, key);
    GList *names = json_object_get_members (o);
    for (GList *l = names; l != NULL; l = l->next)
      emit_json (e, l->data, json_object_get_member (o, l->data));
    g_list_free (names);
    e->sink->end_object (e->user_data);
    break;
  }
  case JSON_NODE_ARRAY: {
    JsonArray *a = json_node_get_array (node);
    e->sink->begin_array (e->user_data, key);
    for (guint i = 0; i < json_array_get_length (a); i++)
      emit_json (e, NULL, json_array_get_element (a, i));
    e->sink->end_array (e->user_data);
    break;
  }
  case JSON_NODE_NULL:
    e->sink->null (e->user_data, key);
    break;
  case JSON_NODE_VALUE:
    switch (json_node_get_value_type (node)) {
    case G_TYPE_INT64:
      emit_int (e, key, json_node_get_int (node));
      break;
    case G_TYPE_DOUBLE:
      e->sink->number (e->user_data, key, json_node_get_double (node));
      break;
    case G_TYPE_BOOLEAN:
      e->sink->boolean (e->user_data, key, json_node_get_boolean (node));
      break;
    default:
      emit_string (e, key, json_node_get_string (node));
      break;
    }
    break;
  }
}

static void
emit_string_or_null (const Emit *e, const char *key, const char *value)
{
  if (value != NULL)
    emit_string (e, key, value);
  else
    e->sink->null (e->user_data, key);
}

gboolean
dn_record_emit (const DnDocument *doc, const DnWriteOptions *options, const DnRecordSink *sink,
                gpointer user_data, GError **error)
{
  if (!check_depth (doc, error))
    return FALSE;
  const Emit e = { sink, user_data };
  sink->begin_object (user_data, NULL);
  emit_string (&e, "schema_version", DN_SCHEMA_VERSION);

  DnSourceInfo src;
  dn_document_get_source (doc, &src);
  sink->begin_object (user_data, "source");
  emit_string_or_null (&e, "file_name", src.file_name);
  emit_string_or_null (&e, "format", src.format);
  emit_string_or_null (&e, "media_type", src.media_type);
  emit_int (&e, "bytes", src.bytes);
  emit_string_or_null (&e, "sha256", src.sha256);
  if (src.pages > 0)
    emit_int (&e, "pages", src.pages);
  else
    sink->null (user_data, "pages");
  sink->begin_object (user_data, "reader");
  emit_string_or_null (&e, "name", src.reader_name);
  emit_string_or_null (&e, "version", src.reader_version);
  sink->end_object (user_data);
  JsonObject *ocr = dn_document_get_ocr (doc);
  if (ocr != NULL) {
    JsonNode *on = json_node_init_object (json_node_alloc (), ocr);
    emit_json (&e, "ocr", on);
    json_node_unref (on);
  }
  sink->end_object (user_data);

  /* Metadata members sorted by name: readers may set them in any order. */
  JsonObject *meta = dn_document_get_metadata (doc);
  sink->begin_object (user_data, "metadata");
  GList *names = g_list_sort (json_object_get_members (meta), (GCompareFunc) strcmp);
  for (GList *l = names; l != NULL; l = l->next)
    emit_json (&e, l->data, json_object_get_member (meta, l->data));
  g_list_free (names);
  sink->end_object (user_data);

  JsonObject *report = dn_document_get_report (doc);
  if (report != NULL) {
    JsonNode *rn = json_node_init_object (json_node_alloc (), report);
    emit_json (&e, "report", rn);
    json_node_unref (rn);
  } else {
    sink->null (user_data, "report");
  }

  emit_body (&e, doc, "body", want_hints (options));

  sink->begin_array (user_data, "warnings");
  for (guint i = 0; i < dn_document_get_n_warnings (doc); i++) {
    DnWarningInfo w;
    dn_document_get_warning (doc, i, &w);
    sink->begin_object (user_data, NULL);
    emit_string (&e, "code", w.code);
    emit_string (&e, "severity", dn_severity_to_string (w.severity));
    emit_string (&e, "message", w.message);
    if (w.page > 0)
      emit_int (&e, "page", w.page);
    sink->end_object (user_data);
  }
  sink->end_array (user_data);
  sink->end_object (user_data);
  return TRUE;
}

/* ---------- the record as a json-glib tree ---------- */

/* Builds JsonNodes from the events: a stack of the open containers. */
typedef struct {
  GPtrArray *open;  /* borrowed JsonNode containers, innermost last */
  JsonNode *root;
} TreeSink;

static void
tree_add (TreeSink *t, const char *key, JsonNode *node)
{
  if (t->open->len == 0) {
    t->root = node;
    return;
  }
  JsonNode *top = g_ptr_array_index (t->open, t->open->len - 1);
  if (JSON_NODE_HOLDS_OBJECT (top))
    json_object_set_member (json_node_get_object (top), key, node);
  else
    json_array_add_element (json_node_get_array (top), node);
}

static void
tree_open (TreeSink *t, const char *key, JsonNode *container)
{
  tree_add (t, key, container);
  g_ptr_array_add (t->open, container);
}

static void
tree_begin_object (gpointer user_data, const char *key)
{
  JsonNode *n = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (n, json_object_new ());
  tree_open (user_data, key, n);
}

static void
tree_begin_array (gpointer user_data, const char *key)
{
  JsonNode *n = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (n, json_array_new ());
  tree_open (user_data, key, n);
}

static void
tree_end (gpointer user_data)
{
  TreeSink *t = user_data;
  g_ptr_array_set_size (t->open, t->open->len - 1);
}

static void
tree_string (gpointer user_data, const char *key, const char *value)
{
  tree_add (user_data, key, json_node_init_string (json_node_alloc (), value));
}

static void
tree_integer (gpointer user_data, const char *key, gint64 value)
{
  tree_add (user_data, key, json_node_init_int (json_node_alloc (), value));
}

static void
tree_number (gpointer user_data, const char *key, double value)
{
  tree_add (user_data, key, json_node_init_double (json_node_alloc (), value));
}

static void
tree_boolean (gpointer user_data, const char *key, gboolean value)
{
  tree_add (user_data, key, json_node_init_boolean (json_node_alloc (), value));
}

static void
tree_null (gpointer user_data, const char *key)
{
  tree_add (user_data, key, json_node_init_null (json_node_alloc ()));
}

static const DnRecordSink tree_sink = {
  .struct_size = sizeof (DnRecordSink),
  .begin_object = tree_begin_object,
  .end_object = tree_end,
  .begin_array = tree_begin_array,
  .end_array = tree_end,
  .string = tree_string,
  .integer = tree_integer,
  .number = tree_number,
  .boolean = tree_boolean,
  .null = tree_null,
};

JsonNode *
dn_record_build_body (const DnDocument *doc, const DnWriteOptions *options, GError **error)
{
  if (!check_depth (doc, error))
    return NULL;
  TreeSink t = { g_ptr_array_new (), NULL };
  const Emit e = { &tree_sink, &t };
  emit_body (&e, doc, NULL, want_hints (options));
  g_ptr_array_free (t.open, TRUE);
  return t.root;
}

JsonNode *
dn_record_build (const DnDocument *doc, const DnWriteOptions *options, GError **error)
{
  TreeSink t = { g_ptr_array_new (), NULL };
  gboolean ok = dn_record_emit (doc, options, &tree_sink, &t, error);
  g_ptr_array_free (t.open, TRUE);
  return ok ? t.root : NULL;
}

const char *
dn_record_get_string (JsonObject *o, const char *name)
{
  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_STRING ? json_node_get_string (n)
                                                                                   : NULL;
}

gint64
dn_record_get_int (JsonObject *o, const char *name, gint64 fallback)
{
  if (o == NULL || !json_object_has_member (o, name))
    return fallback;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_VALUE (n) && json_node_get_value_type (n) == G_TYPE_INT64 ? json_node_get_int (n)
                                                                                  : fallback;
}

JsonArray *
dn_record_get_array (JsonObject *o, const char *name)
{
  if (o == NULL || !json_object_has_member (o, name))
    return NULL;
  JsonNode *n = json_object_get_member (o, name);
  return JSON_NODE_HOLDS_ARRAY (n) ? json_node_get_array (n) : NULL;
}
