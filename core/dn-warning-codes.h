/* dn-warning-codes.h — the one table of documented warning codes and their
 * severities (docs/WARNINGS.md lists the same codes; a test keeps the two
 * equal).
 *
 *   info     normal processing worth recording (spaces removed, lines joined)
 *   notice   probably fine, worth a glance
 *   warning  a person should check the record (a field missing, a TOC entry
 *            without its heading, a page without text)
 *
 * All returned strings are static; nothing is to be freed. */
#pragma once
#include <glib.h>

G_BEGIN_DECLS

/* Ordered: a higher value is more serious. */
typedef enum {
  DN_SEVERITY_INFO = 0,
  DN_SEVERITY_NOTICE = 1,
  DN_SEVERITY_WARNING = 2,
} DnSeverity;

#define DN_N_SEVERITIES 3

/* Codes not in the table (a third-party plugin's own) get this. */
#define DN_SEVERITY_DEFAULT DN_SEVERITY_NOTICE

typedef struct {
  const char *code;
  DnSeverity severity;
} DnWarningCode;

/* The severity of @code; DN_SEVERITY_DEFAULT for a code not in the table. */
DnSeverity dn_warning_code_get_severity (const char *code);

/* The table, sorted by code; *@n_codes receives its length. Static. */
const DnWarningCode *dn_warning_codes_get_table (guint *n_codes);

/* "info", "notice" or "warning". Static. */
const char *dn_severity_to_string (DnSeverity severity);

/* Parses "info", "notice" or "warning"; FALSE (and *@severity untouched)
 * for anything else. */
gboolean dn_severity_from_string (const char *text, DnSeverity *severity);

G_END_DECLS
