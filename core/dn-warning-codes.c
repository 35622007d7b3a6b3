/* The warning codes' severities: one table, looked up by binary search.
 * docs/WARNINGS.md documents every row; tests/unit/test_warning_codes.py
 * checks the two agree and that every code the sources emit is listed. */
#include "dn-warning-codes.h"

#include <stdlib.h>
#include <string.h>

#define I DN_SEVERITY_INFO
#define N DN_SEVERITY_NOTICE
#define W DN_SEVERITY_WARNING

/* Sorted by code (strcmp order); the unit test checks it. */
static const DnWarningCode codes[] = {
  { "BOOKMARK_STRIPPED", I },
  { "CATEGORY_NORMALIZED", I },
  { "CATEGORY_UNKNOWN", N },
  { "CJK_SPACE_REMOVED", I },
  { "COVER_LINE_UNPARSED", N },
  { "DATE_UNPARSED", W },
  { "DNTEST_WARNING", W },
  { "DOCX_ALTCHUNK", W },
  { "DOCX_IMAGE_EXTERNAL", N },
  { "DOCX_IMAGE_MISSING", N },
  { "DOCX_IMAGE_WRITE_FAILED", W },
  { "DOCX_NUMFMT_UNSUPPORTED", N },
  { "DOCX_PART_UNREADABLE", N },
  { "DOCX_STYLE_LOOP", N },
  { "ENCODING_CONVERTED", I },
  { "ENCODING_GUESSED", N },
  { "FIGURE_LIST_UNMATCHED", N },
  { "FIGURE_NOT_IN_LIST", N },
  { "FIGURE_SOURCE_ORDER", I },
  { "FRAGMENT", W },
  { "HARD_WRAP_REFLOWED", I },
  { "HEADING_NOT_IN_TOC", W },
  { "HEADING_WRAPPED", I },
  { "HEADING_WRAP_DUP_CHAR", I },
  { "HTML_PARSE_ERRORS", N },
  { "IMAGE_NOT_WRITTEN", W },
  { "INVALID_BYTES", W },
  { "MARKUP_STRIPPED", I },
  { "MISSING_FIELD", W },
  { "MISSING_REFERENCED_ATTACHMENT", N },
  { "NFKC_FOLDED", I },
  { "NO_COVER", W },
  { "NO_TEXT_LAYER", W },
  { "NUMBERING_DUPLICATE", W },
  { "NUMBERING_GAP", W },
  { "OCR_GLYPH_SUSPECT", W },
  { "OCR_LOW_CONFIDENCE", W },
  { "OCR_NO_TEXT", W },
  { "OCR_RESOLUTION_LOWERED", N },
  { "ODT_IMAGE_EXTERNAL", N },
  { "ODT_IMAGE_MISSING", N },
  { "ODT_IMAGE_WRITE_FAILED", W },
  { "ODT_PART_UNREADABLE", N },
  { "ODT_REPEAT_CAPPED", N },
  { "PAGE_IMAGE_FAILED", N },
  { "PAGE_LIMIT", W },
  { "PAGE_UNREADABLE", W },
  { "PARAGRAPH_JOINED", I },
  { "PDF_DAMAGED", W },
  { "PUA_BULLET", I },
  { "TABLE_CONTINUED", I },
  { "TABLE_MERGED_CELLS", I },
  { "TABLE_UNCERTAIN", N },
  { "TOC_ENTRY_UNMATCHED", W },
  { "TRAVELLER_SPLIT_HEURISTIC", N },
  { "TRUNCATED_DOCUMENT", W },
  { "WARNINGS_TRUNCATED", W },
};

#undef I
#undef N
#undef W

static int
compare_code (const void *key, const void *entry)
{
  return strcmp (key, ((const DnWarningCode *) entry)->code);
}

DnSeverity
dn_warning_code_get_severity (const char *code)
{
  if (code == NULL)
    return DN_SEVERITY_DEFAULT;
  const DnWarningCode *c = bsearch (code, codes, G_N_ELEMENTS (codes), sizeof codes[0], compare_code);
  return c != NULL ? c->severity : DN_SEVERITY_DEFAULT;
}

const DnWarningCode *
dn_warning_codes_get_table (guint *n_codes)
{
  *n_codes = G_N_ELEMENTS (codes);
  return codes;
}

static const char *const names[DN_N_SEVERITIES] = { "info", "notice", "warning" };

const char *
dn_severity_to_string (DnSeverity severity)
{
  g_return_val_if_fail ((unsigned) severity < DN_N_SEVERITIES, "notice");
  return names[severity];
}

gboolean
dn_severity_from_string (const char *text, DnSeverity *severity)
{
  for (int i = 0; text != NULL && i < DN_N_SEVERITIES; i++)
    if (strcmp (text, names[i]) == 0) {
      *severity = (DnSeverity) i;
      return TRUE;
    }
  return FALSE;
}
