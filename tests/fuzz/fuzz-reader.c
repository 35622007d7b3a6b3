/* One reader plugin, linked statically through its registration symbol
 * (DN_FUZZ_READER names it: -DDN_FUZZ_READER=txt calls
 * dn_plugin_txt_get_desc()). Arbitrary bytes go through probe and read as
 * the pipeline would, then the record is built before and after analysis. */
#include "dn-fuzz.h"

#ifndef DN_FUZZ_READER
#error "build with -DDN_FUZZ_READER=<plugin ident>"
#endif

#define DN_FUZZ_PASTE_(a, b, c) a##b##c
#define DN_FUZZ_PASTE(a, b, c) DN_FUZZ_PASTE_ (a, b, c)
#define DN_FUZZ_GET_DESC DN_FUZZ_PASTE (dn_plugin_, DN_FUZZ_READER, _get_desc)

const DnPluginDesc *DN_FUZZ_GET_DESC (void);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const DnPluginDesc *desc = DN_FUZZ_GET_DESC ();
  if (desc == NULL || desc->reader == NULL)
    dn_fuzz_fail ("plugin has no reader");
  dn_fuzz_run_reader (desc, data, size);
  return 0;
}
