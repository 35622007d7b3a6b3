#include "dn-plugin.h"

#include <stddef.h>
#include <string.h>

void
dn_read_options_init (DnReadOptions *options)
{
  memset (options, 0, sizeof *options);
  options->struct_size = sizeof *options;
  /* Defaults are documented in docs/SECURITY.md; keep the two in step. */
  options->limits.max_input_bytes = 512u * 1024 * 1024;
  options->limits.max_entries = 10000;
  options->limits.max_entry_bytes = 256u * 1024 * 1024;
  options->limits.max_total_bytes = 1024u * 1024 * 1024;
  options->limits.max_ratio = 200;
  options->limits.max_xml_depth = 256;
  options->limits.max_pages = 0;
  options->limits.max_nodes = 5000000;
}

void
dn_write_options_init (DnWriteOptions *options)
{
  memset (options, 0, sizeof *options);
  options->struct_size = sizeof *options;
}

const char *
dn_plugin_desc_get_license (const DnPluginDesc *desc)
{
  /* An older plugin's descriptor stops before the field: reading it would
   * read past the end of the plugin's static struct. */
  if (!DN_STRUCT_HAS (desc, desc->struct_size, DnPluginDesc, license))
    return NULL;
  return desc->license;
}

const DnOcrVTable *
dn_plugin_desc_get_ocr (const DnPluginDesc *desc)
{
  if (!DN_STRUCT_HAS (desc, desc->struct_size, DnPluginDesc, ocr))
    return NULL;
  return desc->ocr;
}

DnOcr *
dn_read_options_get_ocr (const DnReadOptions *options)
{
  if (!DN_STRUCT_HAS (options, options->struct_size, DnReadOptions, ocr))
    return NULL;
  return options->ocr;
}

guint
dn_read_options_get_page_images_dpi (const DnReadOptions *options)
{
  if (!DN_STRUCT_HAS (options, options->struct_size, DnReadOptions, page_images_dpi))
    return 0;
  return MIN (options->page_images_dpi, DN_PAGE_IMAGES_MAX_DPI);
}

static const struct {
  const char *name;
  gsize offset;
  gsize size;
} limit_fields[] = {
#define DN_LIMIT_FIELD(f) { #f, offsetof (DnLimits, f), sizeof (((DnLimits *) 0)->f) }
  DN_LIMIT_FIELD (max_input_bytes),
  DN_LIMIT_FIELD (max_entries),
  DN_LIMIT_FIELD (max_entry_bytes),
  DN_LIMIT_FIELD (max_total_bytes),
  DN_LIMIT_FIELD (max_ratio),
  DN_LIMIT_FIELD (max_xml_depth),
  DN_LIMIT_FIELD (max_pages),
  DN_LIMIT_FIELD (max_nodes),
#undef DN_LIMIT_FIELD
};

gboolean
dn_limits_set (DnLimits *limits, const char *assignment, GError **error)
{
  const char *eq = strchr (assignment, '=');
  gsize name_len = eq != NULL ? (gsize) (eq - assignment) : 0;
  for (guint i = 0; eq != NULL && i < G_N_ELEMENTS (limit_fields); i++) {
    if (strlen (limit_fields[i].name) != name_len || strncmp (limit_fields[i].name, assignment, name_len) != 0)
      continue;
    char *end = NULL;
    const char *value = eq + 1;
    guint64 n = g_ascii_strtoull (value, &end, 10);
    guint64 scale = 1;
    if (end != NULL && end != value && *end != '\0' && end[1] == '\0') {
      switch (g_ascii_toupper (*end)) {
      case 'K': scale = 1024; end++; break;
      case 'M': scale = 1024 * 1024; end++; break;
      case 'G': scale = 1024 * 1024 * 1024; end++; break;
      default: break;
      }
    }
    guint64 max = limit_fields[i].size == sizeof (guint32) ? G_MAXUINT32 : G_MAXUINT64;
    if (end == value || *end != '\0' || !g_ascii_isdigit (*value) || n > max / scale) {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "%s: '%s' is not a whole number (K, M or G may follow) that fits", limit_fields[i].name, value);
      return FALSE;
    }
    n *= scale;
    guint8 *field = (guint8 *) limits + limit_fields[i].offset;
    if (limit_fields[i].size == sizeof (guint32)) {
      guint32 v = (guint32) n;
      memcpy (field, &v, sizeof v);
    } else {
      memcpy (field, &n, sizeof n);
    }
    return TRUE;
  }
  GString *names = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (limit_fields); i++)
    g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", limit_fields[i].name);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "'%s' is not NAME=VALUE with NAME one of %s", assignment, names->str);
  g_string_free (names, TRUE);
  return FALSE;
}
