/* dn-analyse.h — format-agnostic report analysis (reflow, furniture,
 * numbering grammar, section tree, report profile). Runs on any reader's
 * tree; knows nothing of file formats. */
#pragma once
#include "../dn-document.h"

G_BEGIN_DECLS

/* Rewrites @doc's tree in place into the analysed form and sets its report
 * fields and warnings. Never fails: what it cannot interpret stays as the
 * reader gave it, with a warning. */
void dn_analyse_document (DnDocument *doc);

G_END_DECLS
