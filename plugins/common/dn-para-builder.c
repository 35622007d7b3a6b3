/* The paragraph/run builder the DOCX and ODT readers share; see
 * dn-para-builder.h. */
#include <string.h>

#include "dn-para-builder.h"

static void
span_clear (gpointer p)
{
  g_free (((DnParaSpan *) p)->href);
}

void
dn_para_builder_init (DnParaBuilder *pb)
{
  memset (pb, 0, sizeof *pb);
  pb->text = g_string_new (NULL);
  pb->spans = g_array_new (FALSE, FALSE, sizeof (DnParaSpan));
  g_array_set_clear_func (pb->spans, span_clear);
  pb->after = g_ptr_array_new ();
}

void
dn_para_builder_clear (DnParaBuilder *pb)
{
  g_string_free (pb->text, TRUE);
  g_array_free (pb->spans, TRUE);
  for (guint i = 0; i < pb->after->len; i++)
    dn_node_free (g_ptr_array_index (pb->after, i));
  g_ptr_array_free (pb->after, TRUE);
}

void
dn_para_builder_add_span (DnParaBuilder *pb, guint32 start, guint32 end, guint32 marks, const char *href)
{
  DnParaSpan sp = { start, end, marks, g_strdup (href) };
  g_array_append_val (pb->spans, sp);
}

DnParaSpan *
dn_para_builder_last_span (DnParaBuilder *pb)
{
  return pb->spans->len > 0 ? &g_array_index (pb->spans, DnParaSpan, pb->spans->len - 1) : NULL;
}

void
dn_para_builder_place_after (DnParaBuilder *pb, DnNode *parent)
{
  for (guint i = 0; i < pb->after->len; i++)
    dn_node_append_child (parent, g_ptr_array_index (pb->after, i));
  g_ptr_array_set_size (pb->after, 0);
}

guint32
dn_para_marks (gint8 bold, gint8 italic, gint8 underline, gint8 strike, gint8 position)
{
  guint32 m = 0;
  if (bold > 0)
    m |= DN_MARK_BOLD;
  if (italic > 0)
    m |= DN_MARK_ITALIC;
  if (underline > 0)
    m |= DN_MARK_UNDERLINE;
  if (strike > 0)
    m |= DN_MARK_STRIKE;
  if (position == 1)
    m |= DN_MARK_SUPERSCRIPT;
  if (position == 2)
    m |= DN_MARK_SUBSCRIPT;
  return m;
}

const char *
dn_para_image_file (DnOoxmlImages *images, DnOoxmlZip *zip, const char *part, DnDocument *doc,
                    const char *write_failed_code, const char *missing_code, GError **fatal)
{
  GError *err = NULL;
  const char *name = dn_ooxml_images_export (images, zip, part, &err);
  if (err != NULL && err->code == DN_ERROR_LIMIT) {
    if (*fatal == NULL)
      g_propagate_error (fatal, err);
    else
      g_error_free (err);
  } else if (err != NULL) {
    if (err->code == DN_ERROR_IO)
      dn_document_add_warning (doc, write_failed_code, 0, "%s", err->message);
    else
      dn_document_add_warning (doc, missing_code, 0, "image %s: %s", part, err->message);
    g_error_free (err);
  }
  return name;
}
