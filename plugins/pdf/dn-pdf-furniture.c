/* dn-pdf-furniture.c — the PDF reader's cross-page passes (see
 * dn-pdf-furniture.h). */
#include "dn-pdf-furniture.h"

typedef enum {
  ZONE_NONE,
  ZONE_TOP,
  ZONE_BOTTOM,
} Zone;

static Zone
block_zone (DnNode *n, double height)
{
  const DnHints *h = dn_node_get_hints (n);
  if (dn_node_get_node_type (n) != DN_NODE_PARAGRAPH || !h->has_bbox || dn_node_get_text (n) == NULL)
    return ZONE_NONE;
  if (h->y1 <= 0.12 * height)
    return ZONE_TOP;
  if (h->y0 >= 0.88 * height)
    return ZONE_BOTTOM;
  return ZONE_NONE;
}

/* Text with digits folded to '#' and whitespace dropped: "- 3 -" and
 * "- 4 -" share the key "-#-". */
static char *
furniture_key (const char *text, Zone zone)
{
  GString *out = g_string_new (zone == ZONE_TOP ? "T:" : "B:");
  gboolean in_digits = FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p)) {
    gunichar c = g_utf8_get_char (p);
    if (g_unichar_isspace (c) || c == 0x3000)
      continue;
    if (g_unichar_isdigit (c)) {
      if (!in_digits)
        g_string_append_c (out, '#');
      in_digits = TRUE;
      continue;
    }
    in_digits = FALSE;
    g_string_append_unichar (out, c);
  }
  return g_string_free (out, FALSE);
}

void
dn_pdf_mark_furniture (GArray *edges, guint n_pages)
{
  g_autoptr (GHashTable) counts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  /* Count pages per key (once per page). */
  for (guint p = 0; p < edges->len; p++) {
    PageEdges *pe = &g_array_index (edges, PageEdges, p);
    g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    for (guint side = 0; side < 2; side++) {
      guint n = side == 0 ? pe->n_head : pe->n_tail;
      for (guint i = 0; i < n; i++) {
        DnNode *node = side == 0 ? pe->head[i] : pe->tail[i];
        Zone z = block_zone (node, pe->height);
        if (z == ZONE_NONE)
          continue;
        char *key = furniture_key (dn_node_get_text (node), z);
        if (g_hash_table_contains (seen, key)) {
          g_free (key);
          continue;
        }
        g_hash_table_add (seen, g_strdup (key));
        guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
        g_hash_table_replace (counts, key, GUINT_TO_POINTER (c + 1));
      }
    }
  }
  guint need = MAX (2u, (n_pages * 3 + 9) / 10);
  for (guint p = 0; p < edges->len; p++) {
    PageEdges *pe = &g_array_index (edges, PageEdges, p);
    for (guint side = 0; side < 2; side++) {
      guint n = side == 0 ? pe->n_head : pe->n_tail;
      for (guint i = 0; i < n; i++) {
        DnNode *node = side == 0 ? pe->head[i] : pe->tail[i];
        if (dn_node_get_node_type (node) == DN_NODE_FURNITURE)
          continue;
        Zone z = block_zone (node, pe->height);
        if (z == ZONE_NONE)
          continue;
        const char *text = dn_node_get_text (node);
        g_autofree char *key = furniture_key (text, z);
        guint c = GPOINTER_TO_UINT (g_hash_table_lookup (counts, key));
        gboolean number = dn_pdf_is_page_number (text);
        if (c >= need || (number && (c >= 2 || n_pages == 1))) {
          dn_node_set_node_type (node, DN_NODE_FURNITURE);
          dn_node_set_attr (node, DN_ATTR_ROLE, number ? "page_number" : z == ZONE_TOP ? "header" : "footer");
        }
      }
    }
  }
}

static DnNode *
last_body (PageEdges *pe, double *room)
{
  for (guint i = pe->n_tail; i > 0; i--)
    if (dn_node_get_node_type (pe->tail[i - 1]) != DN_NODE_FURNITURE) {
      *room = pe->tail_fit[i - 1].room;
      return pe->tail[i - 1];
    }
  return NULL;
}

static DnNode *
first_body (PageEdges *pe, double *need)
{
  for (guint i = 0; i < pe->n_head; i++)
    if (dn_node_get_node_type (pe->head[i]) != DN_NODE_FURNITURE) {
      *need = pe->head_fit[i].need;
      return pe->head[i];
    }
  return NULL;
}

/* A paragraph that ends a page without closing punctuation, with too
 * little room left on its last line for the next page's first word, runs
 * on when that page opens with an unmarked paragraph. */
void
dn_pdf_mark_continuations (GArray *edges)
{
  for (guint p = 0; p + 1 < edges->len; p++) {
    double room = 0, need = 0;
    DnNode *last = last_body (&g_array_index (edges, PageEdges, p), &room);
    DnNode *next = first_body (&g_array_index (edges, PageEdges, p + 1), &need);
    if (last == NULL || next == NULL || room > need || next == NULL || dn_node_get_node_type (last) != DN_NODE_PARAGRAPH ||
        dn_node_get_node_type (next) != DN_NODE_PARAGRAPH)
      continue;
    if (dn_pdf_ends_sentence (dn_node_get_text (last)) || dn_pdf_starts_with_marker (dn_node_get_text (next)))
      continue;
    dn_node_hints (last)->flags |= DN_HINT_CONTINUES;
  }
}
