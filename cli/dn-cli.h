/* dn-cli.h — what the docnorm subcommands share. */
#pragma once
#include "docnorm.h"

G_BEGIN_DECLS

/* Prints "docnorm: WHAT: reason" on stderr: one line, whatever @reason holds. */
void dn_cli_error (const char *what, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* A registry with the default plugins loaded. */
DnRegistry *dn_cli_registry_new (void);

/* Parses @argv with @context; on failure prints the one-line error and
 * returns FALSE (the caller exits with DN_EXIT_USAGE). @entries (may be
 * NULL) are the command's main entries: a value attached to one of their
 * short options ("-j2", "-ofile") is read as getopt reads it. */
gboolean dn_cli_parse (GOptionContext *context, const GOptionEntry *entries, const char *command, int *argc,
                       char ***argv);

/* The parsing of a command with options of its own (@entries) and the page
 * options: makes the option context with @parameter, @summary and
 * @description (as --help shows them), parses @argv with dn_cli_parse() and
 * frees the context. Returns what dn_cli_parse() does; on FALSE the options
 * parsed before the error are already reset (dn_cli_reset_options()). */
gboolean dn_cli_parse_command (const char *command, const char *parameter, const char *summary,
                               const char *description, const GOptionEntry *entries, int *argc, char ***argv);

/* Frees the strings and string arrays that @entries' options were parsed
 * into (static storage of the command) and sets them to NULL, so that
 * nothing stays allocated once the command returns. */
void dn_cli_reset_options (const GOptionEntry *entries);

/* Applies each "NAME=VALUE" of @assignments (may be NULL) to @limits; on a
 * bad one prints the one-line error for @command and returns FALSE. */
gboolean dn_cli_apply_limits (DnLimits *limits, char **assignments, const char *command);

/* --fail-on LEVEL: "warning" or "notice" into *@threshold; NULL leaves
 * it DN_FAIL_ON_NEVER. On a bad value prints the one-line error for
 * @command and returns FALSE (exit DN_EXIT_USAGE). */
#define DN_FAIL_ON_NEVER DN_N_SEVERITIES
gboolean dn_cli_parse_fail_on (const char *value, guint *threshold, const char *command);

/* Whether @doc has a warning at or above @threshold (DN_FAIL_ON_NEVER:
 * never). When it has, prints "docnorm: PATH: needs review: N warnings at
 * or above LEVEL (CODE, …)" on stderr. */
gboolean dn_cli_fails_on (const DnDocument *doc, const char *path, guint threshold);

/* Adds --ocr, --ocr-lang, --ocr-dpi and --page-images (options about
 * pages as pictures) to @context's main group. Their values are kept here. */
void dn_cli_add_page_options (GOptionContext *context);
/* Copies the parsed OCR options into @options; on a bad value of any of the
 * four prints the one-line error for @command and returns FALSE (exit
 * DN_EXIT_USAGE). */
gboolean dn_cli_apply_page_options (DnConvertOptions *options, const char *command);
/* The resolution of page pictures for @writer: --page-images, or
 * DN_PAGE_IMAGES_DEFAULT_DPI, for the review writer; 0 for every other
 * writer (only the review page shows them). */
guint dn_cli_page_images_dpi (const DnPluginDesc *writer);

/* Makes present, in one madvise (MADV_POPULATE_WRITE), the heap a
 * conversion of @input_bytes is expected to use, and keeps it on the heap.
 * On a virtual machine whose hypervisor handles guest page faults, the
 * first touch of each page otherwise costs about 10 µs, more than the work
 * done in the page (bench/README.md). The heap peaks near 330 KiB plus 4 to
 * 8 bytes per input byte for DOCX and text (valgrind massif), hence the
 * estimate; pages not used cost a fraction of a fault each. For a process
 * that converts one document and exits (convert). */
#define DN_HEAP_BASE (512 * 1024)
#define DN_HEAP_PER_INPUT_BYTE 8
#define DN_HEAP_PREFAULT_MAX (16 * 1024 * 1024)
/* Returns whether the pages were populated: never under AddressSanitizer,
 * whose allocator keeps freed blocks apart, nor without glibc or Linux 5.14. */
gboolean dn_cli_prefault_heap (guint64 input_bytes);

int dn_cmd_convert (int argc, char **argv);
int dn_cmd_formats (int argc, char **argv);
int dn_cmd_batch (int argc, char **argv);
int dn_cmd_serve (int argc, char **argv);
int dn_cmd_watch (int argc, char **argv);

G_END_DECLS
