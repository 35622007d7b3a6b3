#include "dn-cli.h"

#include <stdio.h>

void
dn_cli_error (const char *what, const char *format, ...)
{
  va_list ap;
  va_start (ap, format);
  char *reason = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* One line: library messages sometimes carry newlines. */
  g_strdelimit (reason, "\r\n", ' ');
  g_strchomp (reason);
  fprintf (stderr, "docnorm: %s: %s\n", what, reason);
  g_free (reason);
}

DnRegistry *
dn_cli_registry_new (void)
{
  DnRegistry *reg = dn_registry_new ();
  dn_registry_load_default (reg);
  return reg;
}

gboolean
dn_cli_parse (GOptionContext *context, const char *command, int *argc, char ***argv)
{
  GError *error = NULL;
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error)) {
    dn_cli_error (command, "%s (see docnorm %s --help)", error->message, command);
    g_error_free (error);
    return FALSE;
  }
  return TRUE;
}

gboolean
dn_cli_apply_limits (DnLimits *limits, char **assignments, const char *command)
{
  for (char **a = assignments; a != NULL && *a != NULL; a++) {
    GError *error = NULL;
    if (!dn_limits_set (limits, *a, &error)) {
      dn_cli_error (command, "--limit: %s", error->message);
      g_error_free (error);
      return FALSE;
    }
  }
  return TRUE;
}
