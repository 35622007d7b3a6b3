/* dn-analysis-private.h — helpers shared by the analysis passes. Not
 * installed; the units in tests/analysis link them through libdocnorm's
 * internal symbols (see tests/analysis/meson.build).
 *
 * Ownership: functions returning char * return a newly allocated string
 * (g_free); JsonObject * results are new references (json_object_unref). */
#pragma once
#include <glib.h>
#include <json-glib/json-glib.h>

#include "../dn-document.h"

G_BEGIN_DECLS

/* ---- text (dn-text.c) ---- */

/* Han ideographs (unified, extension A, compatibility, 〇). */
gboolean dn_text_is_han (gunichar c);
/* Han plus CJK punctuation, full-width forms, kana and bopomofo. */
gboolean dn_text_is_cjk (gunichar c);
/* Width on a fixed-pitch display (2 for East Asian wide / full-width),
 * counted no further than @limit: MIN (width, @limit), in time bounded by
 * @limit rather than by the length of @s. */
guint dn_text_display_width_upto (const char *s, guint limit);
/* The same for @s's first line: up to its first '\n' or its end. */
guint dn_text_line_width_upto (const char *s, guint limit);
/* Full-width digits, letters and ASCII punctuation (U+FF01–FF5E) and
 * U+3000 folded to ASCII. */
char *dn_text_fold_width (const char *s);
/* Removes markup residue: `**`, `<p>` `</p>` `<ul …>` `<ol …>` `<li>`
 * `<u>` `<b>` `<i>` `<br>` …, and `[bookmark: …]`. @n_markup and
 * @n_bookmarks (may be NULL) receive the counts removed. */
char *dn_text_strip_residue (const char *s, guint *n_markup, guint *n_bookmarks);
/* Removes a single space (U+0020 or U+3000) that sits between two CJK
 * characters; runs of two or more spaces are kept (they separate columns of
 * flattened tables). @n_removed (may be NULL) receives the count. */
char *dn_text_remove_cjk_spaces (const char *s, guint *n_removed);
/* The same, also returning in *@map_out (g_free) the new byte offset of
 * every old byte offset 0..strlen(@s), for moving inline spans; NULL when
 * nothing was removed. */
char *dn_text_remove_cjk_spaces_map (const char *s, guint *n_removed, gint32 **map_out);
/* Joins two pieces of running text: no space next to a CJK character, one
 * space between Latin words; a line-end hyphen before a lower-case letter
 * is dropped (inter-/national), before a capital or digit kept without a
 * space (APEC-/TEL). */
char *dn_text_join (const char *a, const char *b);
/* dn_text_join() in place: @acc becomes the join of its text and @b. */
void dn_text_join_into (GString *acc, const char *b);
/* Reflows '\n'-separated layout lines into one line with dn_text_join(). */
char *dn_text_reflow (const char *s);
/* Trims ASCII and ideographic spaces (and tabs) at both ends, copy. */
char *dn_text_trim (const char *s);
/* @s past the spaces dn_text_trim() would drop at its start. */
const char *dn_text_skip_space (const char *s);
/* A key for comparing titles: width-folded, without spaces, dot leaders,
 * quotes or trailing colon. */
char *dn_text_title_key (const char *s);
/* Last / first code point of @s, 0 when empty. */
gunichar dn_text_last_char (const char *s);
gunichar dn_text_first_char (const char *s);
/* Ends with sentence-closing punctuation (。！？；：!?;: and their full-width
 * forms, optionally followed by a closing quote or bracket). */
gboolean dn_text_is_terminated (const char *s);
/* Share of letters that are Latin, 0..1 (Han count as non-Latin). */
double dn_text_latin_ratio (const char *s);
/* Number of Han characters. */
guint dn_text_count_han (const char *s);
/* Round brackets, ASCII or full-width, opened in @s and not closed in it. */
guint dn_text_unclosed_brackets (const char *s);
/* Closing round brackets in @s with no opener before them: @s closes what
 * an earlier line opened. */
guint dn_text_unopened_brackets (const char *s);
/* Ends like a TOC line: a dot leader (three dots or more, or ellipses) and
 * a page number of one to three digits. */
gboolean dn_text_ends_with_leader_page (const char *s);

/* ---- node text (dn-reflow.c) ---- */

/* Replaces @node's text, moving its inline spans through @map (new byte
 * offset of each old one, strlen(old)+1 entries); spans that vanish are
 * dropped. */
void dn_analysis_set_text_mapped (DnNode *node, const char *text, const gint32 *map);
/* The node's text as printed: a reader's numbering label (DOCX numbering)
 * put in front of the text, unless the label is a bullet or the text
 * already starts with a marker. Tables give one line per row, cells
 * joined by tabs. Newly allocated; "" when the node has no text. */
char *dn_analysis_printed_text (DnNode *node);

/* ---- numbering (dn-numbering.c) ---- */

typedef enum {
  DN_MARKER_NONE = 0,
  DN_MARKER_ZH_FORMAL,    /* 壹、 */
  DN_MARKER_ZH_NUM,       /* 一、 */
  DN_MARKER_PAREN_ZH,     /* (一) （一） */
  DN_MARKER_ARABIC_DOT,   /* 1. １． 1、 */
  DN_MARKER_PAREN_ARABIC, /* (1) （1） */
  DN_MARKER_LATIN_UPPER,  /* A. */
  DN_MARKER_CIRCLED,      /* ① */
  DN_MARKER_BULLET,       /* - • ● ■ and private-use Wingdings bullets */
} DnMarkerType;

typedef struct {
  DnMarkerType type;
  int value;          /* ordinal (1-based); 0 for bullets */
  char *label;        /* canonical label: "壹、" "一、" "(一)" "1." "(1)" "A." "①" "•" */
  char *raw_prefix;   /* markdown list prefix dropped ("- "), or NULL */
  gboolean ocr_suspect; /* label glyph repaired from an OCR form */
  gboolean private_use; /* a private-use (Wingdings) bullet */
  gsize rest_offset;  /* byte offset of the text after the marker and spaces */
} DnMarker;

/* Parses a numbering marker at the start of @text. Returns FALSE (and
 * leaves @m zeroed) when there is none. Free with dn_marker_clear(). */
gboolean dn_marker_parse (const char *text, DnMarker *m);
/* Parses a label given separately (DOCX numbering), e.g. "一、" or "1." */
gboolean dn_marker_parse_label (const char *label, DnMarker *m);
void dn_marker_clear (DnMarker *m);
/* A label and its text in one canonical printed form: no space after 、
 * or a circled number ("一、text", "①text"), one space after the others
 * ("(一) text", "1. text", "(1) text", "A. text"). Newly allocated. */
char *dn_marker_join (const char *label, const char *rest);
/* Stable name: "zh_formal", "zh_num", "paren_zh", "arabic_dot",
 * "paren_arabic", "latin_upper", "circled", "bullet"; NULL for NONE. */
const char *dn_marker_type_name (DnMarkerType type);
/* Value of a Chinese numeral string (一…九十九, 壹…玖拾玖); 0 when not one. */
int dn_zh_numeral_value (const char *s, gsize len);

/* ---- dates (dn-dates.c) ---- */

/* Parses a date or date range written in ROC (民國) or Gregorian years,
 * with full-width digits and any spacing. @default_year (Gregorian, 0 =
 * none) is used when the text has no year. Returns a new object
 * {raw, start, end, calendar} (end omitted for a single date) or NULL
 * when no date is found. Ends inherit the start's year and month; an end
 * month before the start month rolls the year over. */
JsonObject *dn_date_parse_range (const char *text, int default_year);

/* ---- passes ---- */

/* dn-reflow.c: joins tables continued on the next page, removes markup
 * residue, detects hard-wrapped text, splits text-reader blocks into lines,
 * reflows layout-wrapped lines (splitting before a numbering marker). */
void dn_reflow_prepare (DnDocument *doc);
/* Removes stray spaces between CJK characters in @node's subtree (not in
 * text marked lang "en"); returns how many. */
guint dn_reflow_clean_spaces (DnNode *node);
/* Joins paragraphs that run on across a page or a hard wrap, from @first
 * to the end of the root's children. Headings must be marked first (attr
 * "_heading"). */
void dn_reflow_join_continuations (DnDocument *doc, DnNode *first);

/* dn-report-front.c: recognises the front matter (cover, summary
 * sheet, abstract, TOC, figure list), wraps it in sections and returns
 * the report object being built (new reference); *body_start receives the
 * first body node (borrowed, may be NULL). The TOC's title keys are
 * appended to @toc_keys (an array freeing with g_free). */
JsonObject *dn_profile_front_matter (DnDocument *doc, DnNode **body_start, GPtrArray *toc_keys);
/* After the section tree is built: figures, tables, appendices, TOC
 * cross-check; fills @report. */
void dn_profile_body (DnDocument *doc, JsonObject *report);

/* dn-sections.c: marks headings (attr "_heading") from @first on, joining
 * headings wrapped onto two lines when the TOC shows the whole title;
 * then builds the section tree. @toc_keys: dn_text_title_key() of every
 * TOC entry, with and without its label (may be NULL). */
void dn_sections_mark_headings (DnDocument *doc, DnNode *first, GPtrArray *toc_keys);
void dn_sections_build (DnDocument *doc, DnNode *first, GPtrArray *toc_keys);
/* Tab-separated runs of lines become table nodes. */
void dn_reflow_make_tables (DnDocument *doc, DnNode *first);

/* Internal attribute names (never reach the record: removed at the end). */
#define DN_ATTR_PRIV_HEADING "_heading"

G_END_DECLS
