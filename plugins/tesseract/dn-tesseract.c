/* The OCR engine on Tesseract (libtesseract's C API, LSTM models).
 *
 * One TessBaseAPI is kept for the process and initialised again only when
 * the languages change: loading chi_tra's model takes longer than
 * recognising a page. Tesseract's own messages go to /dev/null
 * (debug_file), so nothing but docnorm's one-line errors reaches stderr.
 *
 * Output is one DnOcrGlyph per character, walked at the symbol level: a
 * '\n' where a text line begins, a ' ' where a word begins; each glyph
 * carries its word's confidence and its line's height, and an equal share
 * of its word's box. The language
 * data's version is read from the traineddata file's version component,
 * which the C API does not expose. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <leptonica/allheaders.h>
#include <tesseract/capi.h>

#include "docnorm.h"

#define TESSERACT_PLUGIN_VERSION "1.0.0"
/* The index of the version component in a traineddata file (Tesseract's
 * TessdataType TESSDATA_VERSION). */
#define TESSDATA_VERSION_INDEX 23
#define TESSDATA_MAX_ENTRIES 64

static TessBaseAPI *api;
static char *api_lang;

/* The engine is kept for the process and ended by an exit handler
 * registered after the first initialisation: handlers run in reverse order,
 * so it runs before libtesseract's static dawg cache is destroyed, which
 * otherwise drops the dawgs still held (a leak LeakSanitizer reports, and
 * "ObjectCache … LEAK!" on Tesseract's debug output). A handler registered
 * from a module belongs to it (__cxa_atexit), so unloading the module runs
 * it too. */
static void
tesseract_unload (void)
{
  if (api != NULL) {
    TessBaseAPIEnd (api);
    TessBaseAPIDelete (api);
    api = NULL;
  }
  g_clear_pointer (&api_lang, g_free);
}

static void
tesseract_describe (const char **engine, const char **version)
{
  *engine = "tesseract";
  *version = TessVersion ();
}

static guint32
read_le32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

static gint64
read_le64 (const guint8 *p)
{
  return (gint64) ((guint64) read_le32 (p) | (guint64) read_le32 (p + 4) << 32);
}

/* The version string of @path's language data ("4.00.00alpha:chi_tra:…"),
 * or NULL. Reads the component table only, and the component itself. */
static char *
traineddata_version (const char *path)
{
  FILE *f = fopen (path, "rb");
  if (f == NULL)
    return NULL;
  char *version = NULL;
  guint8 head[4 + 8 * TESSDATA_MAX_ENTRIES];
  gsize got = fread (head, 1, sizeof head, f);
  guint32 n = got >= 4 ? read_le32 (head) : 0;
  if (n > TESSDATA_VERSION_INDEX && n <= TESSDATA_MAX_ENTRIES && got >= 4 + 8 * (gsize) n) {
    gint64 at = read_le64 (head + 4 + 8 * TESSDATA_VERSION_INDEX);
    gint64 end = -1;
    for (guint32 i = TESSDATA_VERSION_INDEX + 1; i < n && end < 0; i++)
      end = read_le64 (head + 4 + 8 * i);
    if (end < 0 && fseek (f, 0, SEEK_END) == 0)
      end = ftell (f);
    if (at > 0 && end > at && end - at < 1024 && fseek (f, (long) at, SEEK_SET) == 0) {
      char buf[1024];
      gsize len = fread (buf, 1, (gsize) (end - at), f);
      if (len > 0 && g_utf8_validate (buf, (gssize) len, NULL))
        version = g_strstrip (g_strndup (buf, len));
    }
  }
  fclose (f);
  return version;
}

static JsonArray *
language_versions (const char *lang)
{
  JsonArray *arr = json_array_new ();
  const char *dir = TessBaseAPIGetDatapath (api);
  char **codes = g_strsplit (lang, "+", -1);
  for (char **c = codes; *c != NULL; c++) {
    g_autofree char *file = g_strconcat (*c, ".traineddata", NULL);
    g_autofree char *path = g_build_filename (dir != NULL ? dir : ".", file, NULL);
    g_autofree char *version = traineddata_version (path);
    JsonObject *o = json_object_new ();
    json_object_set_string_member (o, "code", *c);
    if (version != NULL)
      json_object_set_string_member (o, "version", version);
    else
      json_object_set_null_member (o, "version");
    json_array_add_object_element (arr, o);
  }
  g_strfreev (codes);
  return arr;
}

static gboolean
ensure_api (const char *lang, GError **error)
{
  if (api != NULL && g_strcmp0 (api_lang, lang) == 0)
    return TRUE;
  if (api == NULL) {
    api = TessBaseAPICreate ();
    TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  } else {
    TessBaseAPIEnd (api);
  }
  g_clear_pointer (&api_lang, g_free);
  if (TessBaseAPIInit2 (api, NULL, lang, OEM_LSTM_ONLY) != 0) {
    g_set_error (error, DN_ERROR, DN_ERROR_UNSUPPORTED,
                 "OCR: no Tesseract language data for '%s' (Debian: apt install tesseract-ocr-LANG)", lang);
    return FALSE;
  }
  TessBaseAPISetVariable (api, "debug_file", "/dev/null");
  /* CJK text has no spaces between words; Tesseract's own option for it. */
  TessBaseAPISetVariable (api, "preserve_interword_spaces", "0");
  TessBaseAPISetPageSegMode (api, PSM_AUTO);
  api_lang = g_strdup (lang);
  /* After the first successful load: the dawg cache exists by now. */
  static gboolean unload_registered;
  if (!unload_registered) {
    unload_registered = TRUE;
    atexit (tesseract_unload);
  }
  return TRUE;
}

/* A word's place on the page, shared out among its characters: Tesseract's
 * boxes for single characters are loose (they overlap and jump, and the
 * layout read the jumps as column gaps), its word boxes are not. */
typedef struct {
  int l, t, r, b;
  int n_chars, index;
  float confidence;
} WordBox;

static void
word_begin (TessResultIterator *it, const TessPageIterator *pit, WordBox *w)
{
  TessPageIteratorBoundingBox (pit, RIL_WORD, &w->l, &w->t, &w->r, &w->b);
  char *text = TessResultIteratorGetUTF8Text (it, RIL_WORD);
  w->n_chars = text != NULL && g_utf8_validate (text, -1, NULL) ? (int) g_utf8_strlen (text, -1) : 0;
  if (text != NULL)
    TessDeleteText (text);
  w->index = 0;
  w->confidence = TessResultIteratorConfidence (it, RIL_WORD);
}

static void
append_symbol_glyphs (TessResultIterator *it, GArray *glyphs, WordBox *w, float line_height)
{
  char *text = TessResultIteratorGetUTF8Text (it, RIL_SYMBOL);
  if (text == NULL)
    return;
  if (g_utf8_validate (text, -1, NULL))
    for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
      int n = MAX (w->n_chars, w->index + 1);
      float x0 = w->l + (float) (w->r - w->l) * w->index / n;
      float x1 = w->l + (float) (w->r - w->l) * (w->index + 1) / n;
      DnOcrGlyph g = { g_utf8_get_char (p), x0, (float) w->t, x1, (float) w->b, w->confidence, line_height };
      g_array_append_val (glyphs, g);
      w->index++;
    }
  TessDeleteText (text);
}

/* The page as a leptonica image, straightened: a scan a degree or two
 * askew gives lines that drift across the layout's rows otherwise. The
 * boxes then are those of the straightened page, a frame as good as the
 * scan's for reading order. Returns a new PIX, or NULL. */
static PIX *
straightened (const guint8 *gray, int width, int height, int stride)
{
  PIX *pix = pixCreate (width, height, 8);
  if (pix == NULL)
    return NULL;
  l_uint32 *data = pixGetData (pix);
  int wpl = pixGetWpl (pix);
  for (int y = 0; y < height; y++) {
    l_uint32 *line = data + (gsize) y * wpl;
    const guint8 *row = gray + (gsize) y * stride;
    for (int x = 0; x < width; x++)
      SET_DATA_BYTE (line, x, row[x]);
  }
  l_float32 angle = 0, conf = 0;
  PIX *deskewed = pixFindSkewAndDeskew (pix, 2, &angle, &conf);
  if (deskewed != NULL) {
    pixDestroy (&pix);
    return deskewed;
  }
  return pix;
}

static gboolean
tesseract_recognise (const guint8 *gray, int width, int height, int stride, guint dpi, const char *lang,
                     GArray *glyphs, JsonArray **languages, GError **error)
{
  if (!ensure_api (lang, error))
    return FALSE;
  l_int32 old_severity = setMsgSeverity (L_SEVERITY_NONE);
  PIX *pix = straightened (gray, width, height, stride);
  if (pix == NULL) {
    setMsgSeverity (old_severity);
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "OCR: out of memory for a %d × %d page", width, height);
    return FALSE;
  }
  TessBaseAPISetImage2 (api, pix);
  TessBaseAPISetSourceResolution (api, (int) dpi);
  int failed = TessBaseAPIRecognize (api, NULL);
  setMsgSeverity (old_severity);
  if (failed != 0) {
    TessBaseAPIClear (api);
    pixDestroy (&pix);
    g_set_error (error, DN_ERROR, DN_ERROR_FAILED, "OCR: Tesseract could not recognise the page");
    return FALSE;
  }
  TessResultIterator *it = TessBaseAPIGetIterator (api);
  if (it != NULL) {
    const TessPageIterator *pit = TessResultIteratorGetPageIteratorConst (it);
    gboolean first = TRUE;
    float line_height = 0;
    WordBox word = { 0 };
    do {
      if (TessPageIteratorIsAtBeginningOf (pit, RIL_TEXTLINE)) {
        int l = 0, t = 0, r = 0, b = 0;
        TessPageIteratorBoundingBox (pit, RIL_TEXTLINE, &l, &t, &r, &b);
        line_height = (float) (b - t);
        if (!first) {
          DnOcrGlyph nl = { '\n', 0, 0, 0, 0, 0, 0 };
          g_array_append_val (glyphs, nl);
        }
      } else if (TessPageIteratorIsAtBeginningOf (pit, RIL_WORD) && !first) {
        DnOcrGlyph sp = { ' ', 0, 0, 0, 0, 0, 0 };
        g_array_append_val (glyphs, sp);
      }
      if (TessPageIteratorIsAtBeginningOf (pit, RIL_WORD))
        word_begin (it, pit, &word);
      append_symbol_glyphs (it, glyphs, &word, line_height);
      first = FALSE;
    } while (TessResultIteratorNext (it, RIL_SYMBOL));
    TessResultIteratorDelete (it);
  }
  *languages = language_versions (lang);
  TessBaseAPIClear (api);
  pixDestroy (&pix);
  return TRUE;
}

static const DnOcrVTable tesseract_ocr = {
  .struct_size = sizeof (DnOcrVTable),
  .describe = tesseract_describe,
  .recognise = tesseract_recognise,
};

static const DnPluginDesc tesseract_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "tesseract",
  .description = "OCR engine: Tesseract (LSTM), for scanned pages and images",
  .version = TESSERACT_PLUGIN_VERSION,
  .license = "MIT",
  .ocr = &tesseract_ocr,
};

DN_PLUGIN_REGISTER (tesseract, tesseract_desc)
