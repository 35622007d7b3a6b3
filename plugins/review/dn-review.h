/* dn-review.h — the review writer's pieces, internal to the plugin: HTML
 * escaping and record values (dn-review-html.c), the body and outline
 * (dn-review-body.c), the report form and warning anchors
 * (dn-review-form.c). All of them render core's record (dn_record_build()). */
#pragma once
#include "docnorm.h"

G_BEGIN_DECLS

/* ---- dn-review-html.c ---- */

/* Appends @text escaped for HTML; NULL appends nothing. */
void dn_review_append_escaped (GString *out, const char *text);
/* The same, with line breaks kept as <br>. */
void dn_review_append_escaped_lines (GString *out, const char *text);

/* Appends a record value: a scalar as text, an object as a two-column
 * table, an array as a list; @depth is the nesting so far (cut at 16). */
void dn_review_append_value (GString *out, JsonNode *v, guint depth);
/* Appends "p. N" for a record object's "page" member, if it has one. */
void dn_review_append_page (GString *out, JsonObject *node);

/* ---- dn-review-body.c ---- */

/* The body being rendered; the caller sets out, body, anchored_pages, doc
 * and n_pictures and zeroes the rest. */
typedef struct {
  GString *out;
  JsonObject *body;
  guint heading_count;  /* anchors of the body's top-level headings */
  guint unnamed_sections; /* anchors of sections without an id */
  gboolean top;         /* the node being rendered is a child of the body */
  GHashTable *anchored_pages; /* page numbers given an anchor "page-N" */
  const DnDocument *doc;
  guint pictured;       /* pages up to this one have had their picture placed */
  guint n_pictures;     /* pages that may have one (source.pages) */
} DnReviewBody;

/* Renders @pg->body's children to @pg->out, with the pictures of every page
 * up to n_pictures, and records the pages given an anchor. */
void dn_review_body_render (DnReviewBody *pg);

/* Sections (and headings outside sections) under @node as nested lists
 * linked to the body's anchors. Returns the number of entries. */
guint dn_review_outline (GString *out, JsonObject *node, guint *heading_count, guint *unnamed, guint depth);

/* ---- dn-review-form.c ---- */

/* The report fields as a form, then the other report members; @report is
 * the record's "report" member (NULL or null: none). */
void dn_review_report_form (GString *out, JsonNode *report);

/* Where a warning points: its page's first block when @anchored_pages has
 * it, else the report field its code is about. Returns a new string (g_free()
 * it), or NULL: nowhere on the page. */
char *dn_review_warning_anchor (JsonObject *w, GHashTable *anchored_pages);

G_END_DECLS
