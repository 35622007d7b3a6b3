/* dn-cli.h — what the docnorm subcommands share. */
#pragma once
#include "docnorm.h"

G_BEGIN_DECLS

/* Prints "docnorm: WHAT: reason" on stderr: one line, whatever @reason holds. */
void dn_cli_error (const char *what, const char *format, ...) G_GNUC_PRINTF (2, 3);

/* A registry with the default plugins loaded. */
DnRegistry *dn_cli_registry_new (void);

/* Parses @argv with @context; on failure prints the one-line error and
 * returns FALSE (the caller exits with DN_EXIT_USAGE). */
gboolean dn_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv);

/* Applies each "NAME=VALUE" of @assignments (may be NULL) to @limits; on a
 * bad one prints the one-line error for @command and returns FALSE. */
gboolean dn_cli_apply_limits (DnLimits *limits, char **assignments, const char *command);

int dn_cmd_convert (int argc, char **argv);
int dn_cmd_formats (int argc, char **argv);
int dn_cmd_batch (int argc, char **argv);

G_END_DECLS
