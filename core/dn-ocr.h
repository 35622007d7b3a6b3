/* dn-ocr.h — optical character recognition for readers.
 *
 * OCR engines are plugins (a DnOcrVTable in the descriptor, see
 * dn-plugin.h); readers never talk to one directly. The pipeline hands a
 * reader a DnOcr through DnReadOptions.ocr: the mode, languages and
 * resolution the user asked for, and the engine, loaded from the registry
 * on the first page that needs it (a text PDF never loads Tesseract).
 * dn_ocr_recognise() also keeps the record's account of it: which pages
 * were recognised, with what confidence, by which engine and language
 * data (the record's source.ocr), and warns of pages below
 * DN_OCR_LOW_CONFIDENCE. */
#pragma once
#include <glib.h>

#include "dn-document.h"

G_BEGIN_DECLS

typedef struct _DnRegistry DnRegistry;

typedef enum {
  DN_OCR_AUTO = 0,   /* pages without a usable text layer */
  DN_OCR_ALWAYS,     /* every page, the text layer ignored */
  DN_OCR_NEVER,      /* no OCR: a scan gives an empty body and NO_TEXT_LAYER */
} DnOcrMode;

/* Defaults, documented in README.md and docs/SECURITY.md. */
#define DN_OCR_DEFAULT_LANG "chi_tra+eng"
#define DN_OCR_DEFAULT_DPI 300
/* A page image larger than this is rendered at a lower resolution. */
#define DN_OCR_MAX_PIXELS (60u * 1000 * 1000)
/* Pages whose mean word confidence (0–100) is below this get OCR_LOW_CONFIDENCE. */
#define DN_OCR_LOW_CONFIDENCE 70.0

/* One recognised character. Boxes are in pixels of the image given, origin
 * top-left. '\n' ends a line and ' ' separates words; neither has a box. */
typedef struct {
  gunichar c;
  float x0, y0, x1, y1;
  float confidence;       /* the word's confidence, 0–100 */
  float line_height;      /* pixels: the height of the line's box */
} DnOcrGlyph;

typedef struct _DnOcr DnOcr;

/* Parses "auto", "always" or "never". FALSE when @text is none of them. */
gboolean dn_ocr_mode_parse (const char *text, DnOcrMode *mode);
const char *dn_ocr_mode_name (DnOcrMode mode); /* static string */

/* A new context on @reg (borrowed; it must outlive the context). @lang
 * (Tesseract's "chi_tra+eng" form) and @dpi (72..1200) are checked by the
 * caller (dn_ocr_check_lang, the CLI); NULL and 0 give the defaults. Loads
 * nothing. Free with dn_ocr_free(). */
DnOcr *dn_ocr_new (DnRegistry *reg, DnOcrMode mode, const char *lang, guint dpi);
void dn_ocr_free (DnOcr *ocr);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DnOcr, dn_ocr_free)

/* TRUE when @lang is one or more language codes ([a-z_]+) joined by '+'. */
gboolean dn_ocr_check_lang (const char *lang);

DnOcrMode dn_ocr_get_mode (const DnOcr *ocr);
guint dn_ocr_get_dpi (const DnOcr *ocr);

/* Whether an engine is there to be used, loading it if needed. When not,
 * @why (may be NULL) gets a static reason. */
gboolean dn_ocr_is_available (DnOcr *ocr, const char **why);

/* Recognises an 8-bit grey image (0 black … 255 white) of @doc's @page
 * (1-based) scanned at @dpi, appending DnOcrGlyph to @glyphs. Spaces the
 * engine puts between two CJK characters are dropped here. Records the page
 * in @doc's OCR account and warns when its confidence is low. Returns FALSE
 * with @error set (DN_ERROR_UNSUPPORTED when no engine or no language
 * data, DN_ERROR_FAILED when the engine fails). */
gboolean dn_ocr_recognise (DnOcr *ocr, DnDocument *doc, int page, const guint8 *gray, int width,
                           int height, int stride, guint dpi, GArray *glyphs, GError **error);

/* TRUE when @c, read from a text layer, is not text: U+FFFD, private use,
 * a control or an unassigned code point — what a font without a usable
 * ToUnicode map gives. Auto mode recognises a page where more than half of
 * the characters are such (docs/RECORD.md, "OCR"). */
gboolean dn_ocr_char_is_garbage (gunichar c);

G_END_DECLS
