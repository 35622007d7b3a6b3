/* dn-report-private.h — what the report-profile units (dn-report-*.c)
 * share with each other; the analysis-wide helpers and the profile's entry
 * points are in dn-analysis-private.h. Not installed.
 *
 * Ownership: char * results are newly allocated (g_free); JsonObject * and
 * JsonArray * results are new references; DnNode * results are borrowed
 * (they belong to the document tree). */
#pragma once
#include "dn-analysis-private.h"
#include "dn-report-labels.h"

G_BEGIN_DECLS

/* ---- values (dn-report-values.c) ---- */

/* A node's text / printed text (dn_analysis_printed_text()), trimmed. */
char *dn_report_node_trimmed (DnNode *n);
char *dn_report_printed_trimmed (DnNode *n);
/* Reflowed, without stray CJK spaces, trimmed. */
char *dn_report_clean_value (const char *s);
/* {name, title, organization}; a NULL or empty title or org is null. */
JsonObject *dn_report_traveller_new (const char *name, const char *title, const char *org);
/* Adds {name} to @orgs unless an entry of that name is there. */
void dn_report_orgs_add (JsonArray *orgs, const char *name);
/* One row of a traveller table: org name title, or name title under the
 * organisation of the row above (*@org_carry, replaced by a new org).
 * FALSE when the row is neither. */
gboolean dn_report_traveller_from_row (const char *line, char **org_carry, JsonArray *travellers, JsonArray *orgs);
/* One of the nine 出國類別 for a free-text category (static string). */
const char *dn_report_category_normalise (const char *raw);
/* [{country, city, raw}] from a 派赴國家/地區 value. */
JsonArray *dn_report_destinations_parse (const char *value);
/* "游佳蓁助理談判代表、張揚理研究員" appended to @travellers, split with a
 * title lexicon (TRAVELLER_SPLIT_HEURISTIC when it had to guess). */
void dn_report_travellers_parse_glued (DnDocument *doc, const char *value, const char *org, JsonArray *travellers);

/* ---- cover (dn-report-cover.c) ---- */

typedef struct {
  gboolean found;
  char *header_raw;
  char *category_raw;
  GPtrArray *title_lines;
  JsonArray *organizations;
  JsonArray *travellers;
  char *travellers_raw;
  char *unit;
  JsonArray *destinations;
  JsonObject *period;
  JsonObject *report_date;
} DnReportCover;

/* Reads the nodes [first, last] as a cover into @c (whose arrays the
 * caller made); c->found tells whether it was one. */
void dn_report_cover_parse (DnDocument *doc, DnNode *first, DnNode *last, DnReportCover *c);

/* ---- summary sheet (dn-report-sheet.c) ---- */

/* The narrative row key ("discussion_points" …, static) @n is the label
 * of, or NULL. */
const char *dn_report_narrative_key (DnNode *n);
/* The classic sheet titled @title, rows up to @last. */
JsonObject *dn_report_sheet_parse (DnDocument *doc, DnNode *title, DnNode *last);
/* The narrative sheet from the rows anywhere from @from on (they become
 * headings with role summary_row), or NULL when there is none. */
JsonObject *dn_report_sheet_narrative (DnNode *from);

/* ---- TOC (dn-report-toc.c) ---- */

/* A TOC line: ends with a printed page number after a tab or a dot
 * leader. Returns the page, or -1; *@title_end receives where the title
 * part ends (before leaders). */
int dn_report_toc_line_page (const char *t, gsize *title_end);
/* Reads entries after @label into @entries; returns the last entry node
 * (or NULL). */
DnNode *dn_report_toc_read (DnDocument *doc, DnNode *label, JsonArray *entries, gboolean figure);
/* A reader's TOC (a DOCX TOC field): its entries into @entries. */
void dn_report_toc_read_reader (DnDocument *doc, DnNode *toc, JsonArray *entries, gboolean figure);
/* Levels from the marker-type stack; OCR-garbled labels renumbered. */
void dn_report_toc_levels (DnDocument *doc, JsonArray *entries);
/* Replaces @label and the entry lines [first_entry, last] by one
 * DN_NODE_TOC, which it returns. */
DnNode *dn_report_toc_node (DnNode *label, DnNode *first_entry, DnNode *last, JsonArray *entries, gboolean figure);

G_END_DECLS
