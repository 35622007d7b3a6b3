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
