#include "dn-record.h"

#include <string.h>

#include "dn-vocab.h"

static gboolean
want_hints (const DnWriteOptions *options)
{
  return options != NULL && DN_STRUCT_HAS (options, options->struct_size, DnWriteOptions, with_hints) &&
         options->with_hints;
}

static void
set_typed (JsonObject *obj, const DnVocabAttr *attr, const char *value)
{
  gint64 n;
  switch (attr->type) {
  case DN_VOCAB_INT:
    if (g_ascii_string_to_signed (value, 10, G_MININT64, G_MAXINT64, &n, NULL)) {
      json_object_set_int_member (obj, attr->name, n);
      return;
    }
    break;
  case DN_VOCAB_BOOL:
    json_object_set_boolean_member (obj, attr->name, strcmp (value, "true") == 0 || strcmp (value, "1") == 0);
    return;
  case DN_VOCAB_STRING:
    break;
  }
  json_object_set_string_member (obj, attr->name, value);
}

static const char *const align_names[] = { NULL, "left", "center", "right", "justify" };
static const char *const flag_names[] = { "wrapped_lines", "continues", "header_row", "uncertain", "cleaned" };
static const char *const mark_names[] = { "bold", "italic", "underline", "strike", "superscript",
                                          "subscript", "link", "note_ref" };

static JsonObject *
hints_object (const DnNode *node)
{
  const DnHints *h = dn_node_get_hints (node);
  JsonObject *o = json_object_new ();
  const char *style = dn_node_get_attr (node, DN_ATTR_STYLE);
  if (style != NULL)
    json_object_set_string_member (o, "style", style);
  if (h->outline_level > 0)
    json_object_set_int_member (o, "outline_level", h->outline_level);
  if (h->font_size > 0)
    json_object_set_double_member (o, "font_size", h->font_size);
  if (h->bold >= 0)
    json_object_set_boolean_member (o, "bold", h->bold);
  if (h->italic >= 0)
    json_object_set_boolean_member (o, "italic", h->italic);
  if (h->align > DN_ALIGN_UNKNOWN && h->align <= DN_ALIGN_JUSTIFY)
    json_object_set_string_member (o, "align", align_names[h->align]);
  if (h->indent != 0)
    json_object_set_double_member (o, "indent", h->indent);
  if (h->has_bbox) {
    JsonArray *b = json_array_new ();
    json_array_add_double_element (b, h->x0);
    json_array_add_double_element (b, h->y0);
    json_array_add_double_element (b, h->x1);
    json_array_add_double_element (b, h->y1);
    json_object_set_array_member (o, "bbox", b);
  }
  if (h->flags != 0) {
    JsonArray *f = json_array_new ();
    for (guint i = 0; i < G_N_ELEMENTS (flag_names); i++)
      if (h->flags & (1u << i))
        json_array_add_string_element (f, flag_names[i]);
    json_object_set_array_member (o, "flags", f);
  }
  if (json_object_get_size (o) == 0) {
    json_object_unref (o);
    return NULL;
  }
  return o;
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
static JsonArray *
marks_array (const DnNode *node)
{
  guint n = dn_node_get_n_spans (node);
  const char *text = dn_node_get_text (node);
  if (n == 0 || text == NULL)
    return NULL;
  JsonArray *arr = json_array_new ();
  gsize cur_byte = 0;
  gint64 cur_char = 0;
  for (guint i = 0; i < n; i++) {
    const DnSpan *s = dn_node_get_span (node, i);
    JsonObject *m = json_object_new ();
    json_object_set_int_member (m, "start", char_offset (text, &cur_byte, &cur_char, s->start));
    json_object_set_int_member (m, "end", char_offset (text, &cur_byte, &cur_char, s->end));
    JsonArray *kinds = json_array_new ();
    for (guint b = 0; b < G_N_ELEMENTS (mark_names); b++)
      if (s->marks & (1u << b))
        json_array_add_string_element (kinds, mark_names[b]);
    json_object_set_array_member (m, "marks", kinds);
    if (s->href != NULL)
      json_object_set_string_member (m, "href", s->href);
    json_array_add_object_element (arr, m);
  }
  return arr;
}

static JsonObject *
node_object (const DnNode *node, gboolean hints)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "type", dn_node_type_name (dn_node_get_node_type (node)));
  guint n_vocab;
  const DnVocabAttr *vocab = dn_vocab_node_attrs (&n_vocab);
  for (guint i = 0; i < n_vocab; i++) {
    if (vocab[i].role != DN_VOCAB_CONTENT)
      continue;
    const char *v = dn_node_get_attr (node, vocab[i].name);
    if (v != NULL)
      set_typed (o, &vocab[i], v);
  }
  const char *text = dn_node_get_text (node);
  if (text != NULL)
    json_object_set_string_member (o, "text", text);
  JsonArray *marks = marks_array (node);
  if (marks != NULL)
    json_object_set_array_member (o, "marks", marks);
  int page = dn_node_get_hints (node)->page;
  if (page > 0)
    json_object_set_int_member (o, "page", page);
  JsonObject *extra = NULL;
  for (guint i = 0; i < dn_node_get_n_attrs (node); i++) {
    const char *k, *v;
    dn_node_get_attr_at (node, i, &k, &v);
    if (dn_vocab_lookup (k) != NULL)
      continue;
    if (extra == NULL)
      extra = json_object_new ();
    json_object_set_string_member (extra, k, v);
  }
  if (extra != NULL)
    json_object_set_object_member (o, "extra", extra);
  if (hints) {
    JsonObject *h = hints_object (node);
    if (h != NULL)
      json_object_set_object_member (o, "hints", h);
  }
  return o;
}

JsonNode *
dn_record_build_body (const DnDocument *doc, const DnWriteOptions *options, GError **error)
{
  gboolean hints = want_hints (options);
  /* Iterative: a stack of the open "children" arrays. */
  GPtrArray *stack = g_ptr_array_new ();
  JsonObject *root_obj = NULL;
  DnIter it;
  dn_iter_init (&it, (DnNode *) dn_document_get_root_const (doc));
  DnEventType ev;
  while ((ev = dn_iter_next (&it)) != DN_EVENT_DONE) {
    const DnNode *n = it.current;
    if (ev == DN_EVENT_EXIT) {
      if (dn_node_first_child (n) != NULL)
        g_ptr_array_remove_index (stack, stack->len - 1);
      continue;
    }
    JsonObject *o = node_object (n, hints);
    if (stack->len == 0)
      root_obj = o;
    else
      json_array_add_object_element (stack->pdata[stack->len - 1], o);
    if (dn_node_first_child (n) != NULL) {
      if (stack->len >= DN_RECORD_MAX_DEPTH) {
        g_set_error (error, DN_ERROR, DN_ERROR_LIMIT,
                     "document tree nested deeper than %d levels", DN_RECORD_MAX_DEPTH);
        g_ptr_array_free (stack, TRUE);
        /* Depth is bounded here, so json-glib's recursive free is safe. */
        json_object_unref (root_obj);
        return NULL;
      }
      JsonArray *children = json_array_new ();
      json_object_set_array_member (o, "children", children);
      g_ptr_array_add (stack, children);
    }
  }
  g_ptr_array_free (stack, TRUE);
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, root_obj);
  return node;
}

static void
set_string_or_null (JsonObject *o, const char *key, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (o, key, value);
  else
    json_object_set_null_member (o, key);
}

JsonNode *
dn_record_build (const DnDocument *doc, const DnWriteOptions *options, GError **error)
{
  JsonNode *body = dn_record_build_body (doc, options, error);
  if (body == NULL)
    return NULL;

  JsonObject *rec = json_object_new ();
  json_object_set_string_member (rec, "schema_version", DN_SCHEMA_VERSION);

  DnSourceInfo src;
  dn_document_get_source (doc, &src);
  JsonObject *so = json_object_new ();
  set_string_or_null (so, "file_name", src.file_name);
  set_string_or_null (so, "format", src.format);
  set_string_or_null (so, "media_type", src.media_type);
  json_object_set_int_member (so, "bytes", src.bytes);
  set_string_or_null (so, "sha256", src.sha256);
  if (src.pages > 0)
    json_object_set_int_member (so, "pages", src.pages);
  else
    json_object_set_null_member (so, "pages");
  JsonObject *reader = json_object_new ();
  set_string_or_null (reader, "name", src.reader_name);
  set_string_or_null (reader, "version", src.reader_version);
  json_object_set_object_member (so, "reader", reader);
  json_object_set_object_member (rec, "source", so);

  /* Metadata members sorted by name: readers may set them in any order. */
  JsonObject *meta_in = dn_document_get_metadata (doc);
  JsonObject *meta = json_object_new ();
  GList *names = g_list_sort (json_object_get_members (meta_in), (GCompareFunc) strcmp);
  for (GList *l = names; l != NULL; l = l->next)
    json_object_set_member (meta, l->data, json_node_copy (json_object_get_member (meta_in, l->data)));
  g_list_free (names);
  json_object_set_object_member (rec, "metadata", meta);

  JsonObject *report = dn_document_get_report (doc);
  if (report != NULL)
    json_object_set_object_member (rec, "report", json_object_ref (report));
  else
    json_object_set_null_member (rec, "report");

  json_object_set_member (rec, "body", body);

  JsonArray *warnings = json_array_new ();
  for (guint i = 0; i < dn_document_get_n_warnings (doc); i++) {
    DnWarningInfo w;
    dn_document_get_warning (doc, i, &w);
    JsonObject *wo = json_object_new ();
    json_object_set_string_member (wo, "code", w.code);
    json_object_set_string_member (wo, "message", w.message);
    if (w.page > 0)
      json_object_set_int_member (wo, "page", w.page);
    json_array_add_object_element (warnings, wo);
  }
  json_object_set_array_member (rec, "warnings", warnings);

  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, rec);
  return node;
}
