#include "dn-analyse.h"

void
dn_analyse_document (DnDocument *doc)
{
  (void) doc;
}
