/* The review writer: one self-contained HTML page per record, for the person
 * who checks a conversion. Warnings come first and stand out, each linked to
 * its page's first block in the body or to the report field it is about;
 * then the report fields as a form with the cover's Chinese labels, the
 * format's metadata and the source as tables; the section outline (linked to
 * the body); and the body itself, rendered readably with page numbers,
 * furniture and comments marked as such.
 *
 * The page serialises core's record (dn_record_build()), like every writer,
 * so it shows exactly what the JSON and XML carry. It needs nothing outside
 * itself: CSS is inline, there is no script, images are shown as labelled
 * placeholders rather than fetched (pictures of PDF pages, when the reader
 * made them, are embedded as data: URIs beside their page's text), and
 * links to anything but http(s), mailto and in-page anchors are shown as
 * text. All text is escaped with g_markup_escape_text(). The body's depth is
 * bounded by DN_RECORD_MAX_DEPTH, so rendering it recursively is safe. */
#include <string.h>

#include "dn-review.h"

#define REVIEW_WRITER_VERSION "1.0.0"

static const char review_css[] =
  "body{font-family:system-ui,'Noto Sans CJK TC','PingFang TC','Microsoft JhengHei',sans-serif;"
  "margin:0 auto;max-width:60rem;padding:1rem 1.5rem;line-height:1.55;color:#1b1b1b;background:#fff}"
  "h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;border-bottom:1px solid #ccc;margin-top:2rem}"
  "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #bbb;padding:.2rem .5rem;"
  "vertical-align:top;text-align:left}th{background:#f0f0f0}"
  "table.kv th{width:12rem;white-space:nowrap}"
  ".src{color:#555;font-size:.9rem}"
  "#warnings{border:2px solid #c62828;background:#fdecea;padding:.5rem 1rem;border-radius:4px}"
  "#warnings.none{border-color:#2e7d32;background:#edf7ed}"
  "#warnings h2{border:0;margin-top:.3rem;color:#b71c1c}#warnings.none h2{color:#1b5e20}"
  "#warnings code{font-weight:bold;background:#fff;padding:0 .3rem;border-radius:3px}"
  ".page{color:#777;font-size:.8rem;margin-left:.4rem}"
  ".null{color:#999}.badlink{text-decoration:underline dotted #c62828}"
  "#outline ol{padding-left:1.5rem;margin:.2rem 0}"
  ".body section{border-left:3px solid #e3e3e3;padding-left:.8rem;margin:.6rem 0}"
  ".body .label{color:#555;margin-right:.3rem}"
  ".furniture{color:#888;font-size:.85rem;border:1px dashed #ccc;padding:.1rem .4rem}"
  ".comment{background:#fff8e1;border-left:4px solid #f9a825;padding:.3rem .6rem}"
  ".footnote{font-size:.9rem;border-top:1px solid #ddd}"
  ".figure{border:1px solid #bbb;background:#fafafa;padding:.5rem;display:inline-block;min-width:10rem}"
  ".figure .img{color:#555;font-style:italic}"
  ".toc{background:#f6f6f6;padding:.3rem .8rem}"
  "pre{background:#f4f4f4;padding:.5rem;overflow-x:auto;white-space:pre-wrap}"
  ".body p,.body div{margin:.45rem 0}.body li.labelled{list-style:none}"
  ".kind{color:#999;font-size:.75rem;text-transform:uppercase;margin-right:.4rem}"
  "table.form th .zh{font-size:1rem}table.form th .key{display:block;color:#777;font-weight:normal;"
  "font-family:monospace;font-size:.75rem}"
  ".missing{color:#b71c1c;font-weight:bold;background:#fdecea;padding:0 .3rem}"
  ".iso{font-family:monospace}.raw{color:#555}"
  "#warnings a{color:#0d47a1}"
  ".sev{font-size:.7rem;text-transform:uppercase;border-radius:3px;padding:0 .3rem;margin-right:.3rem;color:#fff}"
  ".sev-warning{background:#c62828}.sev-notice{background:#ef6c00}.sev-info{background:#607d8b}"
  "#warnings details summary{cursor:pointer;color:#555}"
  ".page-pic{float:right;clear:right;width:45%;margin:0 0 .6rem 1rem;font-size:.85rem}"
  ".page-pic summary{cursor:pointer;color:#0d47a1}"
  ".page-pic img{width:100%;height:auto;border:1px solid #bbb;box-shadow:0 1px 3px #ccc}";

/* ---- the page ---- */

static void
kv_section (GString *out, const char *id, const char *title, JsonNode *value)
{
  g_string_append_printf (out, "<section id=\"%s\"><h2>%s</h2>", id, title);
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    g_string_append (out, "<p class=\"null\">none</p>");
  else if (JSON_NODE_HOLDS_OBJECT (value) && json_object_get_size (json_node_get_object (value)) == 0)
    g_string_append (out, "<p class=\"null\">none</p>");
  else
    dn_review_append_value (out, value, 0);
  g_string_append (out, "</section>\n");
}

static gboolean
review_write (const DnDocument *doc, const DnWriteOptions *options, GOutputStream *out, GError **error)
{
  JsonNode *record = dn_record_build (doc, options, error);
  if (record == NULL)
    return FALSE;
  JsonObject *rec = json_node_get_object (record);
  JsonObject *source = json_object_get_object_member (rec, "source");
  JsonObject *meta = json_object_get_object_member (rec, "metadata");
  JsonNode *report = json_object_get_member (rec, "report");
  JsonObject *body = json_object_get_object_member (rec, "body");
  JsonArray *warnings = json_object_get_array_member (rec, "warnings");

  const char *file_name = dn_record_get_string (source, "file_name");
  const char *title = NULL;
  if (report != NULL && JSON_NODE_HOLDS_OBJECT (report))
    title = dn_record_get_string (json_node_get_object (report), "title");
  if (title == NULL)
    title = dn_record_get_string (meta, "title");

  GString *s = g_string_new ("<!DOCTYPE html>\n<html");
  const char *lang = dn_record_get_string (meta, "language");
  if (lang != NULL) {
    g_string_append (s, " lang=\"");
    dn_review_append_escaped (s, lang);
    g_string_append_c (s, '"');
  }
  g_string_append (s, ">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      /* Nothing may be fetched, whatever the text holds. */
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'; img-src data:\">\n<title>Review: ");
  dn_review_append_escaped (s, file_name);
  if (title != NULL) {
    g_string_append (s, " — ");
    dn_review_append_escaped (s, title);
  }
  g_string_append_printf (s, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", review_css);
  dn_review_append_escaped (s, title != NULL ? title : file_name);
  g_string_append (s, "</h1>\n<p class=\"src\">");
  dn_review_append_escaped (s, file_name);
  g_string_append (s, " · ");
  dn_review_append_escaped (s, dn_record_get_string (source, "format"));
  gint64 pages = dn_record_get_int (source, "pages", 0);
  if (pages > 0)
    g_string_append_printf (s, " · %" G_GINT64_FORMAT " page%s", pages, pages == 1 ? "" : "s");
  g_string_append_printf (s, " · %" G_GINT64_FORMAT " bytes · schema %s</p>\n</header>\n",
                          dn_record_get_int (source, "bytes", 0), DN_SCHEMA_VERSION);

  /* The body first, so the warnings know which pages have an anchor. */
  GString *body_html = g_string_new (NULL);
  DnReviewBody pg = { .out = body_html, .body = body, .anchored_pages = g_hash_table_new (NULL, NULL), .doc = doc,
              .n_pictures = (guint) CLAMP (pages, 0, DN_PAGE_IMAGES_MAX_PAGES) };
  dn_review_body_render (&pg);

  /* Warnings first: they are what the reviewer is here for. */
  gboolean has_report = report != NULL && JSON_NODE_HOLDS_OBJECT (report);
  guint n_warn = warnings != NULL ? json_array_get_length (warnings) : 0;
  g_string_append_printf (s, "<section id=\"warnings\"%s><h2>Warnings (%u)</h2>\n",
                          n_warn == 0 ? " class=\"none\"" : "", n_warn);
  if (n_warn == 0) {
    g_string_append (s, "<p>No warnings.</p>\n");
  } else {
    /* Grouped by severity, most serious first, record order within a
     * group; info (normal processing) is collapsed. */
    static const char *const severities[] = { "warning", "notice", "info" };
    for (guint g = 0; g < G_N_ELEMENTS (severities); g++) {
      guint in_group = 0;
      for (guint i = 0; i < n_warn; i++) {
        const char *sev = dn_record_get_string (json_array_get_object_element (warnings, i), "severity");
        /* A severity this page does not know counts as notice. */
        if (sev == NULL || (strcmp (sev, "warning") != 0 && strcmp (sev, "info") != 0))
          sev = "notice";
        in_group += strcmp (sev, severities[g]) == 0;
      }
      if (in_group == 0)
        continue;
      gboolean info = strcmp (severities[g], "info") == 0;
      if (info)
        g_string_append_printf (s, "<details class=\"group-info\"><summary>%u info (normal processing)</summary>\n",
                                in_group);
      g_string_append_printf (s, "<ul class=\"group-%s\">\n", severities[g]);
      for (guint i = 0; i < n_warn; i++) {
        JsonObject *w = json_array_get_object_element (warnings, i);
        const char *sev = dn_record_get_string (w, "severity");
        if (sev == NULL || (strcmp (sev, "warning") != 0 && strcmp (sev, "info") != 0))
          sev = "notice";
        if (strcmp (sev, severities[g]) != 0)
          continue;
        char *anchor = dn_review_warning_anchor (w, pg.anchored_pages);
        /* Field anchors exist only when there is a report form. */
        if (anchor != NULL && !g_str_has_prefix (anchor, "page-") && strcmp (anchor, "outline") != 0 && !has_report)
          g_clear_pointer (&anchor, g_free);
        g_string_append_printf (s, "<li class=\"warning\" data-severity=\"%s\"><span class=\"sev sev-%s\">%s</span><code>",
                                sev, sev, sev);
        dn_review_append_escaped (s, dn_record_get_string (w, "code"));
        g_string_append (s, "</code> ");
        dn_review_append_escaped (s, dn_record_get_string (w, "message"));
        dn_review_append_page (s, w);
        if (anchor != NULL)
          g_string_append_printf (s, " <a class=\"goto\" href=\"#%s\">→ %s</a>", anchor,
                                  g_str_has_prefix (anchor, "page-") ? "in the body" : "see");
        g_free (anchor);
        g_string_append (s, "</li>\n");
      }
      g_string_append (s, info ? "</ul>\n</details>\n" : "</ul>\n");
    }
  }
  g_string_append (s, "</section>\n");

  dn_review_report_form (s, report);
  kv_section (s, "metadata", "Metadata", json_object_get_member (rec, "metadata"));
  kv_section (s, "source", "Source", json_object_get_member (rec, "source"));

  g_string_append (s, "<nav id=\"outline\"><h2>Outline</h2>\n");
  guint heading_count = 0, unnamed = 0;
  if (dn_review_outline (s, body, &heading_count, &unnamed, 0) == 0)
    g_string_append (s, "<p class=\"null\">No sections or headings.</p>\n");
  g_string_append (s, "</nav>\n<main class=\"body\"><h2>Body</h2>\n");
  g_string_append_len (s, body_html->str, (gssize) body_html->len);
  g_string_append (s, "</main>\n</body>\n</html>\n");
  g_string_free (body_html, TRUE);
  g_hash_table_unref (pg.anchored_pages);

  gboolean ok = g_output_stream_write_all (out, s->str, s->len, NULL, NULL, error);
  g_string_free (s, TRUE);
  json_node_unref (record);
  return ok;
}

static const char *const review_media_types[] = { "text/html", NULL };
static const char *const review_extensions[] = { "html", "htm", NULL };

static const DnWriterVTable review_writer = {
  .struct_size = sizeof (DnWriterVTable),
  .write = review_write,
};

static const DnPluginDesc review_desc = {
  .abi_version = DN_PLUGIN_ABI_VERSION,
  .struct_size = sizeof (DnPluginDesc),
  .name = "review",
  .description = "Self-contained HTML review page: warnings, fields, outline, body",
  .version = REVIEW_WRITER_VERSION,
  .media_types = review_media_types,
  .extensions = review_extensions,
  .writer = &review_writer,
  .license = "MIT",
};

DN_PLUGIN_REGISTER (review, review_desc)
