/* dn-pdf-layout-markers.c — list and heading markers, page numbers and
 * sentence ends (dn-pdf-layout.h), for the paragraph breaks here and the
 * reader's cross-page passes. */
#include "dn-pdf-layout-private.h"

/* ---------- markers and punctuation ---------- */

static GRegex *
marker_regex (void)
{
  static GRegex *re;
  static gsize once;
  if (g_once_init_enter (&once)) {
    GRegex *r = g_regex_new (
        "^\\s*(?:[壹貳參肆伍陸柒捌玖拾]+\\s*、"
        "|[一二三四五六七八九十]+\\s*、"
        "|[(（]\\s*[一二三四五六七八九十]+\\s*[)）]"
        "|[(（]\\s*\\d{1,2}\\s*[)）]"
        "|\\d{1,2}\\s*[.．、](?!\\d)"
        "|[A-Z]\\.\\s"
        "|[圖表]\\s*\\d"
        "|[•●■◆◇○□▪►\\x{F000}-\\x{F0FF}-])",
        G_REGEX_OPTIMIZE, 0, NULL);
    re = r;
    g_once_init_leave (&once, 1);
  }
  return re;
}

gboolean
dn_pdf_starts_with_marker (const char *text)
{
  return text != NULL && g_regex_match (marker_regex (), text, 0, NULL);
}

gboolean
dn_pdf_is_page_number (const char *text)
{
  static GRegex *re;
  static gsize once;
  if (g_once_init_enter (&once)) {
    re = g_regex_new ("^\\s*(?:[-–—~‧·]?\\s*\\d{1,4}\\s*[-–—~‧·]?"
                      "|第\\s*\\d{1,4}\\s*頁(?:\\s*[,，/、]?\\s*共\\s*\\d{1,4}\\s*頁)?"
                      "|(?:[Pp]age|頁次?)\\s*[:：]?\\s*\\d{1,4}(?:\\s*(?:of|/)\\s*\\d{1,4})?"
                      "|\\d{1,4}\\s*/\\s*\\d{1,4}"
                      "|[ivxlcdm]{1,7}|[IVXLCDM]{1,7})\\s*$",
                      G_REGEX_OPTIMIZE, 0, NULL);
    g_once_init_leave (&once, 1);
  }
  return text != NULL && g_regex_match (re, text, 0, NULL);
}

gboolean
dn_pdf_ends_sentence (const char *text)
{
  if (text == NULL)
    return FALSE;
  const char *end = text + strlen (text);
  while (end > text) {
    const char *prev = g_utf8_find_prev_char (text, end);
    gunichar c = g_utf8_get_char (prev);
    if (!is_space (c))
      return g_utf8_strchr ("。！？；：.!?;:」』", -1, c) != NULL;
    end = prev;
  }
  return FALSE;
}
