/* The analysis stage on arbitrary block trees: any node types in any
 * nesting (deep chains included), with hints, attributes, spans, warnings
 * and metadata, as no reader would produce them. Analysis must never fail,
 * crash or leave a broken tree (dn-analyse.h). */
#include "dn-fuzz.h"

#include "analysis/dn-analyse.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  DnDocument *doc = dn_fuzz_build_document (data, size, DN_FUZZ_DEEP);
  dn_fuzz_check_document (doc);
  dn_analyse_document (doc);
  dn_fuzz_check_document (doc);
  dn_fuzz_check_record (doc);
  dn_document_free (doc);
  return 0;
}
