/* OCR for readers (see dn-ocr.h). */
#include "dn-ocr.h"

#include <string.h>

#include "dn-plugin.h"
#include "dn-registry.h"

struct _DnOcr {
  DnRegistry *reg;          /* borrowed */
  DnOcrMode mode;
  char *lang;
  guint dpi;
  gboolean looked_up;       /* the registry was asked for an engine */
  const DnOcrVTable *engine;
  const char *why;          /* static: why there is no engine */
};

gboolean
dn_ocr_mode_parse (const char *text, DnOcrMode *mode)
{
  static const char *const names[] = { "auto", "always", "never" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (text != NULL && strcmp (text, names[i]) == 0) {
      *mode = (DnOcrMode) i;
      return TRUE;
    }
  return FALSE;
}

const char *
dn_ocr_mode_name (DnOcrMode mode)
{
  return mode == DN_OCR_ALWAYS ? "always" : mode == DN_OCR_NEVER ? "never" : "auto";
}

gboolean
dn_ocr_check_lang (const char *lang)
{
  if (lang == NULL || *lang == '\0' || strlen (lang) > 200)
    return FALSE;
  gboolean in_code = FALSE;
  for (const char *p = lang; *p != '\0'; p++) {
    if (g_ascii_islower (*p) || *p == '_')
      in_code = TRUE;
    else if (*p == '+' && in_code)
      in_code = FALSE;
    else
      return FALSE;
  }
  return in_code;
}

DnOcr *
dn_ocr_new (DnRegistry *reg, DnOcrMode mode, const char *lang, guint dpi)
{
  DnOcr *ocr = g_new0 (DnOcr, 1);
  ocr->reg = reg;
  ocr->mode = mode;
  ocr->lang = g_strdup (lang != NULL ? lang : DN_OCR_DEFAULT_LANG);
  ocr->dpi = dpi != 0 ? dpi : DN_OCR_DEFAULT_DPI;
  return ocr;
}

void
dn_ocr_free (DnOcr *ocr)
{
  if (ocr == NULL)
    return;
  g_free (ocr->lang);
  g_free (ocr);
}

DnOcrMode dn_ocr_get_mode (const DnOcr *ocr) { return ocr->mode; }
guint dn_ocr_get_dpi (const DnOcr *ocr) { return ocr->dpi; }

gboolean
dn_ocr_is_available (DnOcr *ocr, const char **why)
{
  if (!ocr->looked_up) {
    ocr->looked_up = TRUE;
    const DnPluginDesc *d = ocr->reg != NULL ? dn_registry_find_ocr (ocr->reg) : NULL;
    ocr->engine = d != NULL ? dn_plugin_desc_get_ocr (d) : NULL;
    ocr->why = "OCR is unavailable: no OCR engine plugin (docnorm was built without libtesseract, "
               "see docnorm formats)";
  }
  if (ocr->engine == NULL && why != NULL)
    *why = ocr->why;
  return ocr->engine != NULL;
}

gboolean
dn_ocr_char_is_garbage (gunichar c)
{
  if (c == 0xFFFD || (c >= 0xE000 && c <= 0xF8FF) || c >= 0xF0000)
    return TRUE;
  GUnicodeType t = g_unichar_type (c);
  return t == G_UNICODE_UNASSIGNED || (t == G_UNICODE_CONTROL && c != '\n' && c != '\t');
}

static gboolean
is_cjk (gunichar c)
{
  GUnicodeScript s = g_unichar_get_script (c);
  return s == G_UNICODE_SCRIPT_HAN || s == G_UNICODE_SCRIPT_BOPOMOFO ||
         (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
}

/* Tesseract separates CJK characters into "words" with spaces, where the
 * page has none: a space between two CJK characters is dropped. A space
 * beside one CJK character is kept as recognised: "出席 2024 年" has them
 * and "合作(APEC)" does not, and Tesseract's character boxes are too loose
 * to tell (gaps measured on seed-001's scan overlap). */
static void
drop_cjk_spaces (GArray *glyphs, guint from)
{
  guint out = from;
  for (guint i = from; i < glyphs->len; i++) {
    const DnOcrGlyph *g = &g_array_index (glyphs, DnOcrGlyph, i);
    if (g->c == ' ' && out > from && i + 1 < glyphs->len &&
        is_cjk (g_array_index (glyphs, DnOcrGlyph, out - 1).c) &&
        is_cjk (g_array_index (glyphs, DnOcrGlyph, i + 1).c))
      continue;
    g_array_index (glyphs, DnOcrGlyph, out++) = *g;
  }
  g_array_set_size (glyphs, out);
}

/* Engines read full-width punctuation as its ASCII look-alike: ，as ','
 * and （ as '('. Chinese text sets its marks full-width, and the page's
 * geometry did not tell the two apart reliably (measured on seed-001's
 * scan: Tesseract's boxes for marks are too loose), so the context does:
 * a comma, colon, semicolon, ! or ? after a CJK character becomes
 * full-width. Brackets are left as recognised: reports mix 「(APEC)」 and
 * 「（一）」 next to Han characters, and neither context nor geometry told
 * which a page has. */
static gunichar
full_width_of (gunichar c)
{
  switch (c) {
  case ',': return 0xFF0C;
  case ':': return 0xFF1A;
  case ';': return 0xFF1B;
  case '!': return 0xFF01;
  case '?': return 0xFF1F;
  default: return 0;
  }
}

/* The nearest glyph of @i's line before it that is not a space; NULL at
 * the line's start. */
static const DnOcrGlyph *
previous_on_line (const GArray *glyphs, guint from, guint i)
{
  for (guint k = i; k-- > from;) {
    const DnOcrGlyph *n = &g_array_index (glyphs, DnOcrGlyph, k);
    if (n->c == '\n')
      return NULL;
    if (n->c != ' ')
      return n;
  }
  return NULL;
}

static void
restore_full_width (GArray *glyphs, guint from)
{
  for (guint i = from; i < glyphs->len; i++) {
    DnOcrGlyph *g = &g_array_index (glyphs, DnOcrGlyph, i);
    gunichar wide = full_width_of (g->c);
    if (wide == 0)
      continue;
    const DnOcrGlyph *n = previous_on_line (glyphs, from, i);
    if (n != NULL && is_cjk (n->c) && full_width_of (n->c) == 0)
      g->c = wide;
  }
}

/* The page's mean word confidence: each glyph's word confidence, weighted
 * by characters. */
static double
mean_confidence (const GArray *glyphs, guint from, guint *n_chars)
{
  double sum = 0;
  guint n = 0;
  for (guint i = from; i < glyphs->len; i++) {
    const DnOcrGlyph *g = &g_array_index (glyphs, DnOcrGlyph, i);
    if (g->c == ' ' || g->c == '\n')
      continue;
    sum += g->confidence;
    n++;
  }
  *n_chars = n;
  return n > 0 ? sum / n : 0;
}

static void
account_page (DnOcr *ocr, DnDocument *doc, int page, guint dpi, double confidence, guint n_chars,
              JsonArray *languages)
{
  JsonObject *acc = dn_document_get_ocr (doc);
  if (acc == NULL) {
    acc = json_object_new ();
    const char *engine = NULL, *version = NULL;
    ocr->engine->describe (&engine, &version);
    json_object_set_string_member (acc, "engine", engine != NULL ? engine : "unknown");
    json_object_set_string_member (acc, "version", version != NULL ? version : "unknown");
    json_object_set_string_member (acc, "mode", dn_ocr_mode_name (ocr->mode));
    json_object_set_string_member (acc, "languages_requested", ocr->lang);
    json_object_set_array_member (acc, "languages",
                                  languages != NULL ? json_array_ref (languages) : json_array_new ());
    json_object_set_array_member (acc, "pages", json_array_new ());
    dn_document_set_ocr (doc, acc);
    json_object_unref (acc);
  }
  JsonObject *p = json_object_new ();
  json_object_set_int_member (p, "page", page);
  json_object_set_int_member (p, "dpi", dpi);
  json_object_set_int_member (p, "characters", n_chars);
  /* One decimal: the record stays byte-stable across libm versions. */
  json_object_set_double_member (p, "confidence", (double) (gint64) (confidence * 10 + 0.5) / 10);
  json_array_add_object_element (json_object_get_array_member (acc, "pages"), p);
}

gboolean
dn_ocr_recognise (DnOcr *ocr, DnDocument *doc, int page, const guint8 *gray, int width, int height,
                  int stride, guint dpi, GArray *glyphs, GError **error)
{
  const char *why = NULL;
  if (!dn_ocr_is_available (ocr, &why)) {
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED, "%s", why);
    return FALSE;
  }
  guint from = glyphs->len;
  JsonArray *languages = NULL;
  GError *local = NULL;
  if (!ocr->engine->recognise (gray, width, height, stride, dpi, ocr->lang, glyphs, &languages, &local)) {
    g_array_set_size (glyphs, from);
    if (local == NULL)
      g_set_error (&local, DN_ERROR, DN_ERROR_PLUGIN, "the OCR engine failed without saying why");
    g_propagate_error (error, local);
    return FALSE;
  }
  restore_full_width (glyphs, from);
  drop_cjk_spaces (glyphs, from);
  guint n_chars = 0;
  double conf = mean_confidence (glyphs, from, &n_chars);
  account_page (ocr, doc, page, dpi, conf, n_chars, languages);
  if (languages != NULL)
    json_array_unref (languages);
  if (n_chars > 0 && conf < DN_OCR_LOW_CONFIDENCE)
    dn_document_add_warning (doc, "OCR_LOW_CONFIDENCE", page,
                             "OCR confidence %.0f of 100 on this page (below %.0f): check the text against the image",
                             conf, DN_OCR_LOW_CONFIDENCE);
  else if (n_chars == 0)
    dn_document_add_warning (doc, "OCR_NO_TEXT", page, "OCR found no text on this page");
  return TRUE;
}
