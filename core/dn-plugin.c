#include "dn-plugin.h"

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
