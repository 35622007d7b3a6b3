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

/* Builds the record. Returns a new JsonNode (json_node_unref() it), or NULL
 * with @error set when the tree is deeper than DN_RECORD_MAX_DEPTH.
 * @options may be NULL (no hints). Deterministic: the same document gives
 * the same tree, member order included. */
JsonNode *dn_record_build (const DnDocument *doc, const DnWriteOptions *options,
                           GError **error);

/* The body tree alone (a "document" node object); same rules. */
JsonNode *dn_record_build_body (const DnDocument *doc, const DnWriteOptions *options,
                                GError **error);

G_END_DECLS
