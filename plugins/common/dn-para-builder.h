/* dn-para-builder.h — one paragraph's text as a reader collects it run by
 * run: the text, the marked spans over it and the blocks (figures, text
 * boxes) that follow it. Shared by the DOCX and ODT readers through
 * plugins/common/ (linked in). How runs join, and how the text reaches its
 * node, stay with each reader: Word and ODF differ there on purpose. */
#pragma once
#include <glib.h>

#include "docnorm.h"
#include "dn-ooxml-zip.h"

G_BEGIN_DECLS

/* A marked stretch of the paragraph's text, in bytes. */
typedef struct {
  guint32 start, end, marks;
  char *href;           /* owned; NULL without a link or note id */
} DnParaSpan;

typedef struct {
  GString *text;
  GArray *spans;        /* DnParaSpan */
  GPtrArray *after;     /* DnNode*, unlinked: placed after the paragraph */
} DnParaBuilder;

void dn_para_builder_init (DnParaBuilder *pb);
/* Frees the text, the spans and any blocks still waiting in after. */
void dn_para_builder_clear (DnParaBuilder *pb);

/* Appends a span over [@start, @end); @href is copied. */
void dn_para_builder_add_span (DnParaBuilder *pb, guint32 start, guint32 end, guint32 marks,
                               const char *href);
/* The latest span (borrowed, valid until the next add), or NULL. */
DnParaSpan *dn_para_builder_last_span (DnParaBuilder *pb);

/* Appends the blocks waiting in after to @parent, which takes them. */
void dn_para_builder_place_after (DnParaBuilder *pb, DnNode *parent);

/* DN_MARK_* of run properties: each on/off value is -1 unset, 0 off, 1 on;
 * @position is 1 for superscript, 2 for subscript. */
guint32 dn_para_marks (gint8 bold, gint8 italic, gint8 underline, gint8 strike, gint8 position);

/* The name recorded in a figure's image attribute for @part; the image is
 * written into the images folder the first time (borrowed from @images).
 * A limit error becomes *@fatal unless one is already there; a failed write
 * is warned as @write_failed_code, a missing or unreadable image as
 * @missing_code. */
const char *dn_para_image_file (DnOoxmlImages *images, DnOoxmlZip *zip, const char *part,
                                DnDocument *doc, const char *write_failed_code,
                                const char *missing_code, GError **fatal);

G_END_DECLS
