/* The analysis pipeline: clean text, front matter and report profile,
 * section tree, body fields. Each pass is in its own file; this one only
 * orders them. */
#include "dn-analyse.h"

#include "dn-analysis-private.h"

/* The first body node after @anchor (the last front-matter node, or NULL
 * when the body starts the document). Passes may free the node that was
 * first, so the start is always found again from the anchor. */
static DnNode *
body_after (DnDocument *doc, DnNode *anchor)
{
  return anchor != NULL ? dn_node_next (anchor) : dn_node_first_child (dn_document_get_root (doc));
}

void
dn_analyse_document (DnDocument *doc)
{
  DnNode *root = dn_document_get_root (doc);
  dn_reflow_prepare (doc);

  GPtrArray *toc_keys = g_ptr_array_new_with_free_func (g_free);
  DnNode *body = NULL;
  JsonObject *report = dn_profile_front_matter (doc, &body, toc_keys);
  DnNode *anchor = body != NULL ? dn_node_previous (body) : dn_node_last_child (root);
  if (body != NULL) {
    dn_reflow_make_tables (doc, body);
    guint spaces = 0;
    for (DnNode *n = body_after (doc, anchor); n != NULL; n = dn_node_next (n))
      spaces += dn_reflow_clean_spaces (n);
    if (spaces > 0)
      dn_document_add_warning (doc, "CJK_SPACE_REMOVED", 0,
                               "%u stray space(s) between CJK characters removed", spaces);
    dn_sections_mark_headings (doc, body_after (doc, anchor), toc_keys);
    dn_reflow_join_continuations (doc, body_after (doc, anchor));
    dn_sections_build (doc, body_after (doc, anchor), toc_keys);
  }
  dn_profile_body (doc, report);
  dn_node_set_attr (root, "_wrap_width", NULL);
  g_ptr_array_free (toc_keys, TRUE);
  dn_document_set_report (doc, report);
}
