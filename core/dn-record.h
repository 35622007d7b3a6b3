/* dn-record.h — the output record: a document as one JSON tree in the
 * schema v1 vocabulary (schemas/docnorm-record-v1.schema.json). Writers
 * serialise this tree; they do not walk DnDocument themselves, so every
 * output format carries the same content. */
#pragma once
#include <json-glib/json-glib.h>

#include "dn-document.h"
#include "dn-plugin.h"

G_BEGIN_DECLS

/* Nesting deeper than this in the body makes dn_record_build() fail with
 * DN_ERROR_LIMIT: JSON and XML consumers (and json-glib) recurse. */
#define DN_RECORD_MAX_DEPTH 200

/* The record as events, for writers that serialise it as they go instead of
 * building the whole tree first (a tree of a long document costs more than
 * the document). dn_record_emit() calls these in document order; the same
 * document gives the same calls. @key is the member name inside an object
 * and NULL inside an array and for the record itself. Strings are valid
 * UTF-8, borrowed for the duration of the call. A sink that fails (a full
 * disk) keeps its own error and ignores the calls that follow. */
typedef struct {
  gsize struct_size;  /* sizeof (DnRecordSink) */
  void (*begin_object) (gpointer user_data, const char *key);
  void (*end_object) (gpointer user_data);
  void (*begin_array) (gpointer user_data, const char *key);
  void (*end_array) (gpointer user_data);
  void (*string) (gpointer user_data, const char *key, const char *value);
  void (*integer) (gpointer user_data, const char *key, gint64 value);
  void (*number) (gpointer user_data, const char *key, double value);
  void (*boolean) (gpointer user_data, const char *key, gboolean value);
  void (*null) (gpointer user_data, const char *key);
} DnRecordSink;

/* Walks the record of @doc into @sink: the same content, order and types
 * as dn_record_build(). Fails with DN_ERROR_LIMIT, before the first call,
 * when the body is deeper than DN_RECORD_MAX_DEPTH. @options may be NULL. */
gboolean dn_record_emit (const DnDocument *doc, const DnWriteOptions *options,
                         const DnRecordSink *sink, gpointer user_data, GError **error);

/* Builds the record. Returns a new JsonNode (json_node_unref() it), or NULL
 * with @error set when the tree is deeper than DN_RECORD_MAX_DEPTH.
 * @options may be NULL (no hints). Deterministic: the same document gives
 * the same tree, member order included. */
JsonNode *dn_record_build (const DnDocument *doc, const DnWriteOptions *options,
                           GError **error);

/* The body tree alone (a "document" node object); same rules. */
JsonNode *dn_record_build_body (const DnDocument *doc, const DnWriteOptions *options,
                                GError **error);

/* Reading a built record: the member @name of @o when it holds that type,
 * else NULL or @fallback (a record member may be null or absent). @o may be
 * NULL. Strings and arrays are borrowed from @o. */
const char *dn_record_get_string (JsonObject *o, const char *name);
gint64 dn_record_get_int (JsonObject *o, const char *name, gint64 fallback);
JsonArray *dn_record_get_array (JsonObject *o, const char *name);

G_END_DECLS
