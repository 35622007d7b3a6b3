/* dn-docx-numfmt.h — WordprocessingML number formats (ST_NumberFormat) as
 * Word renders them, including the Chinese counting and ideograph families. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Renders @value in the numFmt @fmt ("decimal", "taiwaneseCountingThousand",
 * …). Sets *@known to FALSE (and renders decimal) for formats this reader
 * does not implement. "none" and "bullet" give "". Returns a new string. */
char *dn_docx_format_number (const char *fmt, int value, gboolean *known);

G_END_DECLS
