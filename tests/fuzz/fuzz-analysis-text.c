/* The analysis stage on arbitrary text: the bytes are read by the plain-text
 * reader (any encoding it accepts, form feeds as pages) and the tree goes
 * through dn_analyse_document(); the result must be a sound tree and a
 * record. Seeds are the report texts, so mutations stay report-shaped. */
#include "dn-fuzz.h"

#include "analysis/dn-analyse.h"

const DnPluginDesc *dn_plugin_txt_get_desc (void);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const DnPluginDesc *txt = dn_plugin_txt_get_desc ();
  DnReadOptions opts;
  dn_fuzz_read_options (&opts);
  GBytes *bytes = g_bytes_new_static (data, size);
  DnDocument *doc = dn_document_new ();
  GError *error = NULL;
  if (txt->reader->read (bytes, &opts, doc, &error)) {
    dn_analyse_document (doc);
    dn_fuzz_check_document (doc);
    dn_fuzz_check_record (doc);
  } else {
    dn_fuzz_check_error (error, "txt");
  }
  dn_document_free (doc);
  g_bytes_unref (bytes);
  return 0;
}
