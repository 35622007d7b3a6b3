/* dn-report-labels.h — the labels a report family prints on its cover and
 * summary sheet, as data: each spelling names the record field it fills
 * and how its value is read. A new document family is a new table here,
 * not new code in the cover or sheet readers. Not installed.
 *
 * Ownership: the tables are static; nothing returned is to be freed. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* How a label's value is read. */
typedef enum {
  DN_REPORT_VALUE_NONE = 0,         /* recognised as a field line, value not kept */
  DN_REPORT_VALUE_TEXT,             /* one cleaned string */
  DN_REPORT_VALUE_LINES,            /* one item per line, markers canonical */
  DN_REPORT_VALUE_DATE,             /* a date or range (DATE_UNPARSED otherwise) */
  DN_REPORT_VALUE_ORGANIZATIONS,    /* organisations split at 、，, */
  DN_REPORT_VALUE_TRAVELLERS_GLUED, /* names with their titles written on */
  DN_REPORT_VALUE_NAMES,            /* names, in parallel with TITLES */
  DN_REPORT_VALUE_TITLES,           /* titles, in parallel with NAMES */
  DN_REPORT_VALUE_TRAVELLER_TABLE,  /* rows of organisation, name, title */
  DN_REPORT_VALUE_DESTINATIONS,     /* country/city list */
} DnReportValue;

typedef struct {
  const char *spelling; /* as printed, in dn_text_title_key() form */
  const char *field;    /* the record member it fills ("period", "venue", …) */
  DnReportValue value;
} DnReportLabel;

typedef struct {
  const DnReportLabel *labels;
  guint n_labels;
  /* Cover only (NULL elsewhere): words that all occur in a grid's header
   * row (服務機關<tab>姓名<tab>職稱), the label of the trip category
   * written anywhere in a line, and the words of a header line. */
  const char *const *grid_header;
  const char *category;
  const char *const *header_words;
  /* A header that is only what offices print in the running header too:
   * a later header line on the cover replaces it. */
  const char *weak_header;
} DnReportLabelTable;

/* 出國報告 (central government, 附件一 and the seeds' variants). */
extern const DnReportLabelTable dn_report_cover_labels;
/* The classic APEC summary sheet (出席APEC會議報告摘要表, rows 一–十). */
extern const DnReportLabelTable dn_report_sheet_labels;
/* The narrative summary-sheet rows (2021 DESG). */
extern const DnReportLabelTable dn_report_narrative_labels;

typedef enum {
  /* @text is a whole key in dn_text_title_key() form: equal to a spelling. */
  DN_REPORT_MATCH_KEY,
  /* @text is a sheet row after its marker: a spelling at its start, across
   * spaces, brackets and wrapped lines, or (a grid cell wrapping the label)
   * three characters of it and then the cell's end. */
  DN_REPORT_MATCH_ROW,
} DnReportMatch;

/* Finds the label @text starts with (ROW) or is (KEY), first in table
 * order. ROW only: *@value_at receives where the value starts and
 * *@prefix_only whether @text ended partway into some spelling (a label
 * wrapped onto the next line); both may be NULL for KEY. Returns the
 * table's entry or NULL. */
const DnReportLabel *dn_report_labels_match (const DnReportLabelTable *table, const char *text, DnReportMatch how,
                                             const char **value_at, gboolean *prefix_only);

/* Whether some word of @words (NULL-terminated, may be NULL: no) occurs
 * in @t. */
gboolean dn_report_labels_any_in (const char *const *words, const char *t);
/* Whether every word of @words (NULL-terminated, may be NULL: no) occurs
 * in @t. */
gboolean dn_report_labels_all_in (const char *const *words, const char *t);

G_END_DECLS
